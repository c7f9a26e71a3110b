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

#include "supervisord/config_defs.h"
#include "supervisord/config_util.h"
#include "supervisord/config_mem.h"
#include "supervisord/config_ini.h"
#include "supervisord/config_expand.h"
#include "supervisord/config_types.h"
#include "supervisord/config_table.h"
#include "supervisord/config_keys.h"
#include "supervisord/config_program.h"
#include "supervisord/config_ready.h"

/* Programs: processes_from_section. */


static int
prefix_too_long(struct ld *ld, struct ini_sect *s, const char *key)
{
	cfg_kerr(ld, s, key, "longer than %d bytes", CFG_PREFIX_MAX);
	return -1;
}

/*
 * environment_file=: an absolute path, read at each spawn; one that is
 * not there now (and not '-', optional) is a warning, as it may be made
 * before the spawn.
 */
static int
check_env_file(struct ld *ld, struct ini_sect *s, struct cfg_program *p)
{
	const char	*path = p->env_file;
	struct stat	 st;

	if (path[0] == '-')
		path++;
	if (path[0] != '/') {
		cfg_kerr(ld, s, "environment_file", "'%s' is not an absolute "
		    "path", path);
		return -1;
	}
	if (p->env_file[0] != '-' && stat(path, &st) == -1)
		ld_warn(ld, s->file, s->line, s->name, "environment_file",
		    "%s: %s: each start of %s will fail until it exists (a "
		    "leading '-' makes it optional)", path, strerror(errno),
		    p->name != NULL ? p->name : s->name);
	return 0;
}

/*
 * user_environment=true: user='s passwd entry, for HOME, USER, LOGNAME
 * and SHELL at each spawn, read now (a lookup may block: never in the
 * loop).  Without user= nothing changes, which is said.
 */
static int
user_env(struct ld *ld, struct ini_sect *s, struct cfg_program *p)
{
	struct passwd	*pw;
	size_t		 len;

	if (p->user == NULL || !p->has_uid) {
		ld_warn(ld, s->file, s->line, s->name, "user_environment",
		    "without user= the daemon's environment is kept");
		return 0;
	}
	/* By name where one is given: two names may share a uid. */
	errno = 0;
	pw = p->user[strspn(p->user, "0123456789")] != '\0' ?
	    getpwnam(p->user) : NULL;
	if (pw == NULL && (pw = getpwuid(p->uid)) == NULL) {
		cfg_kerr(ld, s, "user_environment", "user %s (uid %u) has no "
		    "passwd entry to take HOME and SHELL from", p->user,
		    (unsigned)p->uid);
		return -1;
	}
	len = strlen(pw->pw_name) + strlen(pw->pw_dir) +
	    strlen(pw->pw_shell) + 3;
	p->pw_env = cu_calloc(1, len);
	snprintf(p->pw_env, len, "%s:%s:%s", pw->pw_name, pw->pw_dir,
	    pw->pw_shell);
	return 0;
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

/*
 * The processes of one [program:x] (or eventlistener, fcgi-program)
 * section, appended to bg.  -1 after an error.
 */
int
ld_procs(struct ld *ld, struct ini_sect *s, const char *group,
    enum cfg_kind kind, struct bgroup *bg)
{
	const struct cfg_ktable	*kt = cfg_ktable("program");
	struct cfg_program	 t, *p;
	struct xctx		 x;
	struct cu_kvl		 penv = { 0 }, merged = { 0 };
	char			*pname = NULL, *prog = NULL, *envs = NULL;
	char			*v, *e, *name, *surl = NULL;
	long long		 numprocs, start, i;
	size_t			 k, first = bg->n;
	int			 rc = -1;

	memset(&t, 0, sizeof(t));
	t.umask = -1;
	if ((prog = ty_name(strchr(s->name, ':') + 1, &e)) == NULL) {
		cfg_kerr(ld, s, NULL, "%s", e);
		cu_free(e);
		return -1;
	}
	memset(&x, 0, sizeof(x));
	x.env = &ld->envx;
	x.here = ld->here;
	x.program_name = prog;
	x.group_name = group;
	x.host = ld->host;

	/* The table's keys read once for the section, into a template. */
	if (cfg_keys_read(ld, s, kt, CFG_F_READ, &x, &t, &t.big,
	    &t.nbig) == -1)
		goto out;
	if (cfg_opt(ld, s, "killasgroup") == NULL)
		t.killasgroup = t.stopasgroup;
	if (cfg_get_int(ld, s, "numprocs", "1", &x, LLONG_MIN, LLONG_MAX,
	    &numprocs, &v) == -1)
		goto out;
	/* Below LLONG_MIN: no process at all, as any value below 1. */
	cu_free(v);
	if (numprocs > 1000000) {
		cfg_kerr(ld, s, "numprocs", "%lld is more than this daemon's "
		    "limit of 1000000 processes per section", numprocs);
		goto out;
	}
	/*
	 * Ours, not supervisor's: process_num is an int here, and a clamped
	 * one would give other names.
	 */
	if (cfg_get_int(ld, s, "numprocs_start", "0", &x, INT_MIN,
	    INT_MAX - (numprocs > 0 ? numprocs : 0), &start, NULL) == -1)
		goto out;
	if (kind == CFG_KIND_EVENTLISTENER && t.redirect_stderr) {
		cfg_kerr(ld, s, "redirect_stderr", "redirect_stderr=true is "
		    "not allowed in an event listener: it would interfere with "
		    "the eventlistener protocol");
		goto out;
	}
	if (cfg_sget(ld, s, "environment", "", NULL, &envs) == -1 ||
	    cfg_sget(ld, s, "serverurl", NULL, &x, &surl) == -1)
		goto out;
	if (surl != NULL) {
		char *st = cu_strip(surl, strlen(surl));

		if (strcasecmp(st, "auto") == 0 || *surl == '\0') {
			cu_free(surl);
			surl = NULL;
		}
		cu_free(st);
	}
	if (cfg_sget(ld, s, "process_name", "%(program_name)s", NULL, &v) == -1)
		goto out;
	pname = ty_name(v, &e);
	cu_free(v);
	if (pname == NULL) {
		cfg_kerr(ld, s, "process_name", "%s", e);
		cu_free(e);
		goto out;
	}
	if (numprocs > 1 && strstr(pname, "%(process_num)") == NULL) {
		cfg_kerr(ld, s, "process_name", "%%(process_num) must be "
		    "present within process_name when numprocs > 1");
		goto out;
	}
	if (t.ready_timeout < 1) {
		cfg_kerr(ld, s, "ready_timeout", "%d is less than 1 second",
		    t.ready_timeout);
		goto out;
	}
	if (t.backoff_max < 1) {
		cfg_kerr(ld, s, "backoff_max", "%d is less than 1 second: "
		    "retries would not wait", t.backoff_max);
		goto out;
	}
	if (t.essential && t.autorestart == CFG_AR_FALSE && t.startsecs > 0)
		ld_warn(ld, s->file, s->line, s->name, "essential", "with "
		    "autorestart=false and startsecs=%d, a run shorter than "
		    "%d s is a failed start, retried, and its end at FATAL "
		    "exits 1: a one-shot job wants startsecs=0", t.startsecs,
		    t.startsecs);
	if (t.stopasgroup && !t.killasgroup) {
		cfg_kerr(ld, s, "killasgroup", "cannot set stopasgroup=true "
		    "and killasgroup=false");
		goto out;
	}

	for (i = start; i < start + numprocs; i++) {
		x.has_num = true;
		x.process_num = i;
		x.numprocs = numprocs;
		x.penv = NULL;
		cu_kvl_free(&penv);
		if ((v = x_expand(&x, envs, &e)) == NULL) {
			cfg_kerr(ld, s, "environment", "format string '%s' %s",
			    envs, e);
			cu_free(e);
			goto out;
		}
		if (ty_env(v, &penv, &e) == -1) {
			cfg_kerr(ld, s, "environment", "%s", e);
			cu_free(e);
			cu_free(v);
			goto out;
		}
		cu_free(v);
		/* %(ENV_X)s of the program's own environment. */
		x.penv = &penv;
		p = cu_calloc(1, sizeof(*p));
		*p = t;
		p->big = NULL;
		p->nbig = 0;
		p->user = NULL;
		p->exitcodes = NULL;
		bg->p = cu_realloc(bg->p, bg->n + 1, sizeof(*bg->p));
		bg->p[bg->n++] = p;
		if (bg->kept != NULL) {
			bg->kept = cu_realloc(bg->kept, bg->n,
			    sizeof(*bg->kept));
			bg->kept[bg->n - 1] = NULL;
		}
		for (k = 0; k < t.nbig; k++)
			cfg_big_add(&p->big, &p->nbig, t.big[k].key,
			    cu_strdup(t.big[k].text));
		p->exitcodes = cu_calloc(t.nexitcodes, sizeof(int));
		/* exitcodes= (empty): no code at all, t.exitcodes NULL. */
		if (t.nexitcodes > 0)
			memcpy(p->exitcodes, t.exitcodes,
			    t.nexitcodes * sizeof(int));
		p->user = cu_strdup(t.user);
		p->group = cu_strdup(group);
		p->section = cu_strdup(s->name);
		p->file = cu_strdup(s->file);
		p->line = s->line;
		p->kind = kind;
		p->numprocs = (int)numprocs;
		p->process_num = (int)i;
		p->serverurl = cu_strdup(surl);

		/* The table's keys read for each process. */
		rc = cfg_keys_read(ld, s, kt, CFG_F_READ | CFG_F_PROC, &x, p,
		    &p->big, &p->nbig);
		if (rc == 0) {
			if (p->out.kind == CFG_LOG_SYSLOG) {
				p->out.kind = CFG_LOG_NONE;
				p->out.syslog = true;
			}
			if (p->err.kind == CFG_LOG_SYSLOG) {
				p->err.kind = CFG_LOG_NONE;
				p->err.syslog = true;
			}
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
			if (t.redirect_stderr && (p->err.prefix != NULL ||
			    p->err.timestamps))
				ld_warn(ld, s->file, s->line, s->name,
				    p->err.prefix != NULL ? "stderr_prefix" :
				    "stderr_timestamps", "redirect_stderr="
				    "true: stderr goes with stdout, whose "
				    "stdout_prefix and stdout_timestamps "
				    "apply");
			if (p->out.prefix != NULL &&
			    strlen(p->out.prefix) > CFG_PREFIX_MAX)
				rc = prefix_too_long(ld, s, "stdout_prefix");
			if (p->err.prefix != NULL &&
			    strlen(p->err.prefix) > CFG_PREFIX_MAX)
				rc = prefix_too_long(ld, s, "stderr_prefix");
			if (t.redirect_stderr) {
				cu_free(p->err.prefix);
				p->err.prefix = NULL;
				p->err.timestamps = false;
				if (p->err.kind == CFG_LOG_PATH)
					ld_warn(ld, s->file, s->line, s->name,
					    "stderr_logfile", "redirect_stderr="
					    "true: the file name is ignored");
				cu_free(p->err.path);
				p->err.path = NULL;
				p->err.kind = CFG_LOG_NONE;
			}
		}
		/* supervisor starts and stops by group: a listener pool's
		 * priority= defaults to -1, its processes' to 999. */
		p->order = kind == CFG_KIND_EVENTLISTENER && bg != NULL ?
		    bg->g.priority : p->priority;
		if (kind == CFG_KIND_EVENTLISTENER && bg != NULL) {
			struct cu_sbuf	sb = { NULL, 0, 0 };
			size_t		j;

			for (j = 0; j < bg->g.nevents; j++) {
				if (j > 0)
					cu_sb_addc(&sb, ',');
				cu_sb_add(&sb, bg->g.events[j]);
			}
			p->events = cu_sb_take(&sb);
			p->buffer_size = bg->g.buffer_size;
		}
		if (rc == 0 && p->command == NULL) {
			cfg_kerr(ld, s, "command", "program section %s does "
			    "not specify a command", s->name);
			rc = -1;
		}
		if (rc == 0 && p->ready != NULL) {
			struct cfg_ready	 r;
			const char		*why;

			if (cfg_ready_parse(p->ready, &r, &why) == -1) {
				cfg_kerr(ld, s, "ready", "invalid value '%s' "
				    "(%s)", p->ready, why);
				rc = -1;
			}
		}
		/* The default process_name: the program's name as it is. */
		if (rc == 0 && strcmp(pname, "%(program_name)s") == 0)
			p->name = cu_strdup(prog);
		else if (rc == 0) {
			if ((name = x_expand(&x, pname, &e)) == NULL) {
				cfg_kerr(ld, s, "process_name", "format string "
				    "'%s' %s", pname, e);
				cu_free(e);
				rc = -1;
			} else
				p->name = name;
		}
		if (rc == 0 && p->env_file != NULL)
			rc = check_env_file(ld, s, p);
		if (rc == 0 && p->user_environment)
			rc = user_env(ld, s, p);
		if (rc == 0) {
			/*
			 * [supervisord]'s environment, updated by ours: the
			 * keys only it has first (nenv_sd), so that an
			 * environment_file can come between the two.
			 */
			cu_kvl_free(&merged);
			for (k = 0; k < ld->c->sd.nenv; k++)
				if (cu_kvl_get(&penv,
				    ld->c->sd.env_keys[k]) == NULL)
					cu_kvl_set(&merged,
					    ld->c->sd.env_keys[k],
					    ld->c->sd.env_vals[k]);
			p->nenv_sd = (int)merged.n;
			for (k = 0; k < penv.n; k++)
				cu_kvl_set(&merged, penv.k[k], penv.v[k]);
			p->env_keys = merged.k;
			p->env_vals = merged.v;
			p->nenv = merged.n;
			memset(&merged, 0, sizeof(merged));
		}
		x.penv = NULL;
		if (rc == -1)
			goto out;
	}
	if (bg->n - first > 1)
		qsort(bg->p + first, bg->n - first, sizeof(*bg->p),
		    prog_cmp);
	/*
	 * A reload's process the same as the running one is not kept: its
	 * memory goes back to the load for the next section's, so that a
	 * reload of thousands of unchanged programs grows the load's arena
	 * by their text alone.
	 */
	for (k = first; k < bg->n; k++) {
		const struct cfg_program *r = cfg_kept_as(ld->keep, bg->p[k]);

		if (r == NULL)
			continue;
		if (bg->kept == NULL)
			bg->kept = cu_calloc(bg->n, sizeof(*bg->kept));
		bg->kept[k] = r;
		cfg_program_free(bg->p[k]);
		bg->p[k] = NULL;
	}
	rc = 0;
out:
	if (rc == -1) {
		while (bg->n > first)
			cfg_program_free(bg->p[--bg->n]);
	}
	cu_kvl_free(&penv);
	cu_kvl_free(&merged);
	cu_free(t.exitcodes);
	cu_free(t.user);
	cfg_big_free(t.big, t.nbig);
	cu_free(pname);
	cu_free(prog);
	cu_free(envs);
	cu_free(surl);
	return rc;
}
