/*
 * config_program: processes_from_section: the processes of one program section.
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
#include "supervisord/config_util.h"
#include "supervisord/config_ini.h"
#include "supervisord/config_expand.h"
#include "supervisord/config_types.h"
#include "supervisord/config_keys.h"
#include "supervisord/config_program.h"

/* Programs: processes_from_section. */

void
cfg_program_free(struct cfg_program *p)
{
	size_t	i;

	if (p == NULL)
		return;
	free(p->name);
	free(p->group);
	free(p->section);
	free(p->file);
	free(p->command);
	free(p->directory);
	free(p->user);
	free(p->out.path);
	free(p->err.path);
	for (i = 0; i < p->nenv; i++) {
		free(p->env_keys[i]);
		free(p->env_vals[i]);
	}
	free(p->env_keys);
	free(p->env_vals);
	free(p->serverurl);
	free(p->exitcodes);
	big_free(p->big, p->nbig);
	free(p);
}

static int
prog_cmp(const void *a, const void *b)
{
	const struct cfg_program *pa = *(struct cfg_program *const *)a;
	const struct cfg_program *pb = *(struct cfg_program *const *)b;

	if (pa->priority != pb->priority)
		return pa->priority < pb->priority ? -1 : 1;
	if (strcmp(pa->name, pb->name) != 0)
		return strcmp(pa->name, pb->name);
	return pa->process_num < pb->process_num ? -1 :
	    pa->process_num > pb->process_num;
}

static int
get_exitcodes(struct ld *ld, const struct ini_sect *s, const struct xctx *x,
    int **codes, size_t *n)
{
	char		*v, *p, *q, *item;
	long long	 c;
	int		 rc = 0;

	if (sget(ld, s, "exitcodes", "0", x, &v) == -1)
		return -1;
	*codes = NULL;
	*n = 0;
	if (*v == '\0') {
		free(v);
		return 0;
	}
	for (p = v;; p = q + 1) {
		q = strchr(p, ',');
		item = xstrndup(p, q == NULL ? strlen(p) : (size_t)(q - p));
		if (ty_int(item, &c) == -1 || c < 0 || c > 255) {
			kerr(ld, s, "exitcodes", "invalid list of exit codes "
			    "'%s' (numbers 0 to 255, comma-separated)", v);
			free(item);
			rc = -1;
			break;
		}
		free(item);
		*codes = xrealloc(*codes, *n + 1, sizeof(**codes));
		(*codes)[(*n)++] = (int)c;
		if (q == NULL)
			break;
	}
	if (rc == -1) {
		free(*codes);
		*codes = NULL;
		*n = 0;
	}
	free(v);
	return rc;
}

/* One of stdout_logfile, stderr_logfile and their companions. */
static int
get_log(struct ld *ld, const struct ini_sect *s, const char *ch,
    const struct xctx *x, struct cfg_log *lg, struct cfg_program *p)
{
	char	 key[64], *v, *v2, *e, *path, *big;
	int	 rc = 0;
	long long n;

	memset(lg, 0, sizeof(*lg));
	snprintf(key, sizeof(key), "%s_logfile", ch);
	if (sget(ld, s, key, "AUTO", x, &v) == -1)
		return -1;
	/* supervisor expands a log file name a second time. */
	if ((v2 = x_expand(x, v, &e)) == NULL) {
		kerr(ld, s, key, "format string '%s' %s", v, e);
		free(e);
		free(v);
		return -1;
	}
	free(v);
	if (strcasecmp(v2, "none") == 0 || strcasecmp(v2, "off") == 0)
		lg->kind = CFG_LOG_NONE;
	else if (strcasecmp(v2, "auto") == 0)
		lg->kind = CFG_LOG_AUTO;
	else if (strcasecmp(v2, "syslog") == 0) {
		/* Deprecated; supervisor rewrites it as NONE + _syslog. */
		lg->kind = CFG_LOG_SYSLOG;
		ld_warn(ld, s->file, s->line, s->name, key, "%s=syslog is "
		    "deprecated: use %s_syslog=true", key, ch);
	} else if ((path = ty_dirpath(v2, &e)) == NULL) {
		kerr(ld, s, key, "%s", e);
		free(e);
		rc = -1;
	} else {
		lg->kind = CFG_LOG_PATH;
		lg->path = path;
	}
	free(v2);
	if (rc == -1)
		return -1;
	snprintf(key, sizeof(key), "%s_logfile_backups", ch);
	if (get_int(ld, s, key, "10", x, INT_MIN, INT_MAX, &n, &big) == -1)
		return -1;
	lg->backups = (int)n;
	big_add(&p->big, &p->nbig, key, big);
	snprintf(key, sizeof(key), "%s_logfile_maxbytes", ch);
	if (get_bytes(ld, s, key, "50MB", x, &lg->maxbytes, &big) == -1)
		return -1;
	big_add(&p->big, &p->nbig, key, big);
	snprintf(key, sizeof(key), "%s_syslog", ch);
	if (get_bool(ld, s, key, "false", x, &lg->syslog) == -1)
		return -1;
	if (lg->kind == CFG_LOG_SYSLOG) {
		lg->kind = CFG_LOG_NONE;
		lg->syslog = true;
	}
	return 0;
}

/*
 * The processes of one [program:x] (or eventlistener, fcgi-program)
 * section, appended to bg.  -1 after an error.
 */
int
ld_procs(struct ld *ld, struct ini_sect *s, const char *group,
    enum cfg_kind kind, struct bgroup *bg)
{
	struct cfg_program	 t, *p;
	struct xctx		 x;
	struct kvl		 penv = { 0 }, merged = { 0 }, *pe = NULL;
	char			*pname = NULL, *prog = NULL, *envs = NULL;
	char			*v, *e, *name, *user = NULL, *surl = NULL;
	static const char *const bigkeys[] = { "priority", "startsecs",
		"startretries", "stopwaitsecs", "stdout_capture_maxbytes",
		"stderr_capture_maxbytes" };
	char			*big[6] = { NULL };
	long long		 numprocs, start, i;
	size_t			 k, first = bg->n;
	int			 rc = -1, umask = -1;
	uid_t			 uid = 0;
	gid_t			 gid = 0;
	bool			 has_uid = false;

	memset(&t, 0, sizeof(t));
	if ((prog = ty_name(strchr(s->name, ':') + 1, &e)) == NULL) {
		kerr(ld, s, NULL, "%s", e);
		free(e);
		return -1;
	}
	memset(&x, 0, sizeof(x));
	x.env[0] = &ld->envx;
	x.here = ld->here;
	x.program_name = prog;
	x.group_name = group;
	x.host = ld->host;

	if (get_iint(ld, s, "priority", "999", &x, &t.priority,
	    &big[0]) == -1 ||
	    get_bool(ld, s, "autostart", "true", &x, &t.autostart) == -1)
		goto out;
	if (sget(ld, s, "autorestart", "unexpected", &x, &v) == -1)
		goto out;
	if (ty_bool(v, &t.stopasgroup) == 0)
		t.autorestart = t.stopasgroup ? CFG_AR_TRUE : CFG_AR_FALSE;
	else if (strcasecmp(v, "unexpected") == 0)
		t.autorestart = CFG_AR_UNEXPECTED;
	else {
		kerr(ld, s, "autorestart", "invalid value '%s' (true, false "
		    "or unexpected)", v);
		free(v);
		goto out;
	}
	free(v);
	if (get_iint(ld, s, "startsecs", "1", &x, &t.startsecs,
	    &big[1]) == -1 ||
	    get_iint(ld, s, "startretries", "3", &x, &t.startretries,
	    &big[2]) == -1)
		goto out;
	if (sget(ld, s, "stopsignal", "TERM", &x, &v) == -1)
		goto out;
	if (ty_signal(v, &t.stopsignal) == -1) {
		kerr(ld, s, "stopsignal", "invalid signal '%s'", v);
		free(v);
		goto out;
	}
	free(v);
	if (get_iint(ld, s, "stopwaitsecs", "10", &x, &t.stopwaitsecs,
	    &big[3]) == -1 ||
	    get_bool(ld, s, "stopasgroup", "false", &x, &t.stopasgroup) == -1 ||
	    get_bool(ld, s, "killasgroup", t.stopasgroup ? "true" : "false",
	    &x, &t.killasgroup) == -1 ||
	    get_exitcodes(ld, s, &x, &t.exitcodes, &t.nexitcodes) == -1 ||
	    get_bool(ld, s, "redirect_stderr", "false", &x,
	    &t.redirect_stderr) == -1 ||
	    get_int(ld, s, "numprocs", "1", &x, LLONG_MIN, LLONG_MAX,
	    &numprocs, &v) == -1)
		goto out;
	/* Below LLONG_MIN: no process at all, as any value below 1. */
	free(v);
	if (numprocs > 1000000) {
		kerr(ld, s, "numprocs", "%lld is more than this daemon's limit "
		    "of 1000000 processes per section", numprocs);
		goto out;
	}
	/*
	 * Ours, not supervisor's: process_num is an int here, and a clamped
	 * one would give other names.
	 */
	if (get_int(ld, s, "numprocs_start", "0", &x, INT_MIN,
	    INT_MAX - (numprocs > 0 ? numprocs : 0), &start, NULL) == -1)
		goto out;
	if (kind == CFG_KIND_EVENTLISTENER && t.redirect_stderr) {
		kerr(ld, s, "redirect_stderr", "redirect_stderr=true is not "
		    "allowed in an event listener: it would interfere with "
		    "the eventlistener protocol");
		goto out;
	}
	if (sget(ld, s, "environment", "", NULL, &envs) == -1 ||
	    get_bytes(ld, s, "stdout_capture_maxbytes", "0", &x,
	    &t.out.capture_maxbytes, &big[4]) == -1 ||
	    get_bool(ld, s, "stdout_events_enabled", "false", &x,
	    &t.out.events_enabled) == -1 ||
	    get_bytes(ld, s, "stderr_capture_maxbytes", "0", &x,
	    &t.err.capture_maxbytes, &big[5]) == -1 ||
	    get_bool(ld, s, "stderr_events_enabled", "false", &x,
	    &t.err.events_enabled) == -1 ||
	    sget(ld, s, "serverurl", NULL, &x, &surl) == -1)
		goto out;
	for (k = 0; k < sizeof(big) / sizeof(big[0]); k++) {
		big_add(&t.big, &t.nbig, bigkeys[k], big[k]);
		big[k] = NULL;
	}
	if (surl != NULL) {
		char *st = strip_dup(surl, strlen(surl));

		if (strcasecmp(st, "auto") == 0 || *surl == '\0') {
			free(surl);
			surl = NULL;
		}
		free(st);
	}
	if (sget(ld, s, "user", NULL, &x, &user) == -1)
		goto out;
	if (user != NULL) {
		if (ty_uid(user, &uid, &gid, &e) == -1) {
			kerr(ld, s, "user", "%s", e);
			free(e);
			goto out;
		}
		has_uid = true;
	}
	if (sget(ld, s, "umask", NULL, &x, &v) == -1)
		goto out;
	if (v != NULL && ty_octal(v, 3, &umask, &e) == -1) {
		kerr(ld, s, "umask", "invalid octal '%s'", v);
		free(v);
		goto out;
	}
	if (v != NULL)
		big_add(&t.big, &t.nbig, "umask", e);
	free(v);
	if (sget(ld, s, "process_name", "%(program_name)s", NULL, &v) == -1)
		goto out;
	pname = ty_name(v, &e);
	free(v);
	if (pname == NULL) {
		kerr(ld, s, "process_name", "%s", e);
		free(e);
		goto out;
	}
	if (numprocs > 1 && strstr(pname, "%(process_num)") == NULL) {
		kerr(ld, s, "process_name", "%%(process_num) must be present "
		    "within process_name when numprocs > 1");
		goto out;
	}
	if (t.stopasgroup && !t.killasgroup) {
		kerr(ld, s, "killasgroup", "cannot set stopasgroup=true and "
		    "killasgroup=false");
		goto out;
	}

	for (i = start; i < start + numprocs; i++) {
		x.has_num = true;
		x.process_num = i;
		x.numprocs = numprocs;
		x.env[1] = NULL;
		kvl_free(&penv);
		if ((v = x_expand(&x, envs, &e)) == NULL) {
			kerr(ld, s, "environment", "format string '%s' %s",
			    envs, e);
			free(e);
			goto out;
		}
		if (ty_env(v, &penv, &e) == -1) {
			kerr(ld, s, "environment", "%s", e);
			free(e);
			free(v);
			goto out;
		}
		free(v);
		/* %(ENV_X)s of the program's own environment. */
		{
			pe = xcalloc(1, sizeof(*pe));
			for (k = 0; k < penv.n; k++) {
				char *n = xasprintf("ENV_%s", penv.k[k]);

				kvl_set(pe, n, penv.v[k]);
				free(n);
			}
			x.env[1] = pe;
		}
		p = xcalloc(1, sizeof(*p));
		*p = t;
		p->big = NULL;
		p->nbig = 0;
		for (k = 0; k < t.nbig; k++)
			big_add(&p->big, &p->nbig, t.big[k].key,
			    xstrdup(t.big[k].text));
		p->exitcodes = xcalloc(t.nexitcodes, sizeof(int));
		/* exitcodes= (empty) is no code at all, and t.exitcodes NULL. */
		if (t.nexitcodes > 0)
			memcpy(p->exitcodes, t.exitcodes,
			    t.nexitcodes * sizeof(int));
		p->out.path = p->err.path = NULL;
		p->env_keys = p->env_vals = NULL;
		p->nenv = 0;
		p->group = xstrdup(group);
		p->section = xstrdup(s->name);
		p->file = xstrdup(s->file);
		p->line = s->line;
		p->kind = kind;
		p->numprocs = (int)numprocs;
		p->process_num = (int)i;
		p->umask = umask;
		p->user = xstrdup(user);
		p->has_uid = has_uid;
		p->uid = uid;
		p->gid = gid;
		p->serverurl = xstrdup(surl);
		bg->p = xrealloc(bg->p, bg->n + 1, sizeof(*bg->p));
		bg->p[bg->n++] = p;

		rc = sget(ld, s, "directory", NULL, &x, &p->directory);
		if (rc == 0)
			rc = get_log(ld, s, "stdout", &x, &p->out, p);
		if (rc == 0)
			rc = get_log(ld, s, "stderr", &x, &p->err, p);
		if (rc == 0) {
			p->out.capture_maxbytes = t.out.capture_maxbytes;
			p->out.events_enabled = t.out.events_enabled;
			p->err.capture_maxbytes = t.err.capture_maxbytes;
			p->err.events_enabled = t.err.events_enabled;
			if (p->out.kind == CFG_LOG_AUTO && p->out.maxbytes == 0)
				ld_warn(ld, s->file, s->line, s->name,
				    "stdout_logfile", "AUTO logging without "
				    "rollover: set maxbytes > 0 to avoid "
				    "filling up the filesystem");
			if (p->err.kind == CFG_LOG_AUTO && p->err.maxbytes ==
			    0 && !t.redirect_stderr)
				ld_warn(ld, s->file, s->line, s->name,
				    "stderr_logfile", "AUTO logging without "
				    "rollover: set maxbytes > 0 to avoid "
				    "filling up the filesystem");
			if (t.redirect_stderr) {
				if (p->err.kind == CFG_LOG_PATH)
					ld_warn(ld, s->file, s->line, s->name,
					    "stderr_logfile", "redirect_stderr="
					    "true: the file name is ignored");
				free(p->err.path);
				p->err.path = NULL;
				p->err.kind = CFG_LOG_NONE;
			}
			rc = sget(ld, s, "command", NULL, &x, &p->command);
		}
		if (rc == 0 && p->command == NULL) {
			kerr(ld, s, "command", "program section %s does not "
			    "specify a command", s->name);
			rc = -1;
		}
		if (rc == 0) {
			if ((name = x_expand(&x, pname, &e)) == NULL) {
				kerr(ld, s, "process_name", "format string "
				    "'%s' %s", pname, e);
				free(e);
				rc = -1;
			} else
				p->name = name;
		}
		if (rc == 0) {
			/* [supervisord]'s environment, updated by ours. */
			kvl_free(&merged);
			for (k = 0; k < ld->c->sd.nenv; k++)
				kvl_set(&merged, ld->c->sd.env_keys[k],
				    ld->c->sd.env_vals[k]);
			for (k = 0; k < penv.n; k++)
				kvl_set(&merged, penv.k[k], penv.v[k]);
			p->env_keys = merged.k;
			p->env_vals = merged.v;
			p->nenv = merged.n;
			memset(&merged, 0, sizeof(merged));
		}
		kvl_free(pe);
		free(pe);
		pe = NULL;
		x.env[1] = NULL;
		if (rc == -1)
			goto out;
	}
	if (bg->n - first > 1)
		qsort(bg->p + first, bg->n - first, sizeof(*bg->p),
		    prog_cmp);
	rc = 0;
out:
	if (rc == -1) {
		while (bg->n > first)
			cfg_program_free(bg->p[--bg->n]);
	}
	if (pe != NULL) {
		kvl_free(pe);
		free(pe);
	}
	kvl_free(&penv);
	kvl_free(&merged);
	free(t.exitcodes);
	big_free(t.big, t.nbig);
	for (k = 0; k < sizeof(big) / sizeof(big[0]); k++)
		free(big[k]);
	free(pname);
	free(prog);
	free(envs);
	free(user);
	free(surl);
	return rc;
}
