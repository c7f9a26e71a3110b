/*
 * config_diff: cfg_program_diff: how two stanzas of one process differ.
 */
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/utsname.h>

#include <ctype.h>
#include <errno.h>
#include <glob.h>
#include <grp.h>
#include <limits.h>
#include <pwd.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "libproc/signame.h"
#include "supervisord/config.h"

static bool
str_eq(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		return a == b;
	return strcmp(a, b) == 0;
}

static bool
log_eq(const struct cfg_log *a, const struct cfg_log *b)
{
	return a->kind == b->kind && str_eq(a->path, b->path) &&
	    a->maxbytes == b->maxbytes && a->backups == b->backups &&
	    a->capture_maxbytes == b->capture_maxbytes &&
	    a->events_enabled == b->events_enabled && a->syslog == b->syslog;
}

enum cfg_diff
cfg_program_diff(const struct cfg_program *a, const struct cfg_program *b)
{
	size_t	i;

	if (!str_eq(a->command, b->command) ||
	    !str_eq(a->directory, b->directory) ||
	    !str_eq(a->user, b->user) || a->has_uid != b->has_uid ||
	    a->uid != b->uid || a->gid != b->gid || a->umask != b->umask ||
	    a->redirect_stderr != b->redirect_stderr ||
	    !log_eq(&a->out, &b->out) || !log_eq(&a->err, &b->err) ||
	    !str_eq(a->serverurl, b->serverurl) || a->nenv != b->nenv ||
	    a->kind != b->kind)
		return CFG_SPAWN;
	for (i = 0; i < a->nenv; i++)
		if (!str_eq(a->env_keys[i], b->env_keys[i]) ||
		    !str_eq(a->env_vals[i], b->env_vals[i]))
			return CFG_SPAWN;
	if (!str_eq(a->group, b->group) || !str_eq(a->section, b->section) ||
	    a->numprocs != b->numprocs || a->process_num != b->process_num ||
	    a->priority != b->priority || a->autostart != b->autostart ||
	    a->autorestart != b->autorestart ||
	    a->startsecs != b->startsecs ||
	    a->startretries != b->startretries ||
	    a->nexitcodes != b->nexitcodes ||
	    memcmp(a->exitcodes, b->exitcodes,
	    a->nexitcodes * sizeof(int)) != 0 ||
	    a->stopsignal != b->stopsignal ||
	    a->stopwaitsecs != b->stopwaitsecs ||
	    a->stopasgroup != b->stopasgroup ||
	    a->killasgroup != b->killasgroup)
		return CFG_POLICY;
	return CFG_SAME;
}
