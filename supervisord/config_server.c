/*
 * config_server: [supervisord] and the command-line options that set its keys;
 * [unix_http_server], [inet_http_server], [supervisorctl], [rpcinterface:x].
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
#include "supervisord/config_group.h"
#include "supervisord/config_server.h"
#include "supervisord/loglevel.h"

/* [supervisord] and the command-line options that set its keys. */

static const char *
tempdir(void)
{
	static const char *const vars[] = { "TMPDIR", "TEMP", "TMP" };
	const char	*d;
	size_t		 i;

	for (i = 0; i < 3; i++)
		if ((d = getenv(vars[i])) != NULL && *d != '\0' && is_dir(d))
			return d;
	return "/tmp";
}

/* Convert one [supervisord] value into sd.  -1 with *err set. */
int
sd_apply(struct cfg_supervisord *sd, const char *key, const char *v,
    char **err)
{
	long long	 n;
	bool		 b;
	char		*p, *t;
	int		 lvl, m;

	/*
	 * supervisor range-checks none of these: a value beyond our field
	 * is used clamped (minfds, minprocs, logfile_backups,
	 * logfile_maxbytes) or by its low bits (umask).
	 */
	*err = NULL;
	if (strcmp(key, "minfds") == 0 || strcmp(key, "minprocs") == 0) {
		if (ty_int(v, &n) == -1) {
			*err = xasprintf("invalid integer '%s'", v);
			return -1;
		}
		if (key[3] == 'f')
			sd->minfds = n;
		else
			sd->minprocs = n;
	} else if (strcmp(key, "logfile_backups") == 0) {
		if (ty_int(v, &n) == -1) {
			*err = xasprintf("invalid integer '%s'", v);
			return -1;
		}
		sd->logfile_backups = n < INT_MIN ? INT_MIN : n > INT_MAX ?
		    INT_MAX : (int)n;
	} else if (strcmp(key, "logfile_maxbytes") == 0) {
		if (ty_bytes(v, &n, &t) == -1) {
			*err = xasprintf("invalid byte size '%s' (a number, "
			    "with KB, MB or GB)", v);
			return -1;
		}
		free(t);
		sd->logfile_maxbytes = n;
	} else if (strcmp(key, "umask") == 0) {
		if (ty_octal(v, 3, &m, &t) == -1) {
			*err = xasprintf("invalid octal '%s'", v);
			return -1;
		}
		free(t);
		sd->umask = m;
	} else if (strcmp(key, "directory") == 0) {
		if ((p = ty_directory(v, err)) == NULL)
			return -1;
		free(sd->directory);
		sd->directory = p;
	} else if (strcmp(key, "logfile") == 0 || strcmp(key, "pidfile") == 0) {
		if ((p = ty_dirpath(v, err)) == NULL)
			return -1;
		/* realize(): normalize_path, except for "syslog". */
		if (key[0] == 'l' && (strcasecmp(p, "none") == 0 ||
		    strcasecmp(p, "off") == 0)) {
			free(p);
			p = NULL;
		} else if (key[0] != 'l' || strcmp(p, "syslog") != 0) {
			char *a = abspath(p);

			free(p);
			p = a;
		}
		if (key[0] == 'l') {
			free(sd->logfile);
			sd->logfile = p;
		} else {
			free(sd->pidfile);
			sd->pidfile = p;
		}
	} else if (strcmp(key, "loglevel") == 0) {
		p = xstrdup(v);
		lower(p);
		lvl = loglevel_parse(p);
		free(p);
		if (lvl == -1) {
			*err = xasprintf("bad logging level name '%s' (critical, "
			    "error, warn, info, debug, trace, blather)", v);
			return -1;
		}
		sd->loglevel = lvl;
	} else if (strcmp(key, "identifier") == 0) {
		free(sd->identifier);
		sd->identifier = xstrdup(v);
	} else if (strcmp(key, "childlogdir") == 0) {
		if ((p = ty_directory(v, err)) == NULL)
			return -1;
		free(sd->childlogdir);
		sd->childlogdir = p;
	} else if (strcmp(key, "user") == 0) {
		if (ty_uid(v, &sd->uid, &sd->gid, err) == -1)
			return -1;
		free(sd->user);
		sd->user = xstrdup(v);
		sd->has_uid = true;
	} else if (strcmp(key, "nodaemon") == 0 || strcmp(key, "silent") == 0 ||
	    strcmp(key, "nocleanup") == 0 || strcmp(key, "strip_ansi") == 0) {
		if (ty_bool(v, &b) == -1) {
			*err = xasprintf("invalid boolean '%s' (true, false, "
			    "yes, no, on, off, 1 or 0)", v);
			return -1;
		}
		if (key[0] == 'n' && key[2] == 'd')
			sd->nodaemon = b;
		else if (key[0] == 's' && key[1] == 'i')
			sd->silent = b;
		else if (key[0] == 'n')
			sd->nocleanup = b;
		else
			sd->strip_ansi = b;
	} else {
		*err = xasprintf("no such option");
		return -1;
	}
	return 0;
}

void
sd_defaults(struct cfg_supervisord *sd)
{
	char	*e;

	memset(sd, 0, sizeof(*sd));
	sd->logfile_maxbytes = 50LL * 1024 * 1024;
	sd->logfile_backups = 10;
	sd->loglevel = LOGLEVEL_INFO;
	sd->minfds = 1024;
	sd->minprocs = 200;
	sd->umask = 022;
	sd->identifier = xstrdup("supervisor");
	sd->childlogdir = abspath(tempdir());
	(void)sd_apply(sd, "logfile", "supervisord.log", &e);
	free(e);
	(void)sd_apply(sd, "pidfile", "supervisord.pid", &e);
	free(e);
}

void
ld_supervisord(struct ld *ld, struct ini_sect *s)
{
	/* read_config's order: the first error is supervisor's. */
	static const struct { const char *key, *def; } k[] = {
		{ "minfds", "1024" }, { "minprocs", "200" },
		{ "directory", NULL }, { "umask", "022" },
		{ "logfile", "supervisord.log" },
		{ "logfile_maxbytes", "50MB" }, { "logfile_backups", "10" },
		{ "loglevel", "info" }, { "pidfile", "supervisord.pid" },
		{ "identifier", "supervisor" }, { "nodaemon", "false" },
		{ "silent", "false" }, { "childlogdir", NULL },
		{ "nocleanup", "false" }, { "strip_ansi", "false" },
		{ "user", NULL },
	};
	struct xctx	 x = { { &ld->envx, NULL }, ld->here, NULL, NULL, NULL,
			    false, 0, 0 };
	struct xctx	 x2 = x;
	struct kvl	 env = { 0 };
	char		*v, *v2, *e;
	size_t		 i;

	warn_unknown(ld, s, "supervisord");
	for (i = 0; i < sizeof(k) / sizeof(k[0]); i++) {
		if (sget(ld, s, k[i].key, k[i].def, &x, &v) == -1)
			continue;
		if (v == NULL)
			continue;
		if (sd_apply(&ld->c->sd, k[i].key, v, &e) == -1) {
			kerr(ld, s, k[i].key, "%s", e);
			free(e);
		}
		free(v);
	}
	/* environment= is expanded twice, the second time with the host. */
	if (sget(ld, s, "environment", "", &x, &v) == -1)
		return;
	x2.host = ld->host;
	if ((v2 = x_expand(&x2, v, &e)) == NULL) {
		kerr(ld, s, "environment", "format string '%s' %s", v, e);
		free(e);
		free(v);
		return;
	}
	free(v);
	if (ty_env(v2, &env, &e) == -1) {
		/* The pairs read before the bad one are dropped too. */
		kvl_free(&env);
		kerr(ld, s, "environment", "%s", e);
		free(e);
	} else {
		struct cfg_supervisord *sd = &ld->c->sd;

		sd->env_keys = xcalloc(env.n, sizeof(char *));
		sd->env_vals = xcalloc(env.n, sizeof(char *));
		for (i = 0; i < env.n; i++) {
			char *n = xasprintf("ENV_%s", env.k[i]);

			kvl_set(&ld->envx, n, env.v[i]);
			free(n);
			sd->env_keys[i] = env.k[i];
			sd->env_vals[i] = env.v[i];
		}
		sd->nenv = env.n;
		free(env.k);
		free(env.v);
		memset(&env, 0, sizeof(env));
	}
	free(v2);
}

/* Servers: server_configs_from_parser, and [supervisorctl]. */

static void
ld_auth(struct ld *ld, struct ini_sect *s, bool keep)
{
	const struct ini_opt	*u, *p;

	u = opt_get(ld, s, "username");
	p = opt_get(ld, s, "password");
	if ((u == NULL) != (p == NULL)) {
		kerr(ld, s, u == NULL ? "password" : "username",
		    "incomplete authentication: a username and a password "
		    "go together");
		return;
	}
	if (keep && u != NULL) {
		free(ld->c->http_username);
		free(ld->c->http_password);
		ld->c->http_username = xstrdup(u->val);
		ld->c->http_password = xstrdup(p->val);
	}
}

void
ld_servers(struct ld *ld)
{
	struct xctx	 x = { { &ld->envx, NULL }, ld->here, NULL, NULL, NULL,
			    false, 0, 0 };
	struct xctx	 xe = x;
	struct ini_sect	*s;
	char		*v, *e, *c, *sv;
	size_t		 i;
	long long	 n;
	uid_t		 uid;
	gid_t		 gid;
	int		 mode;

	xe.here = NULL;
	for (i = 0; i < ld->ini.n; i++) {
		s = ld->ini.s[i];
		if (strcmp(s->name, "inet_http_server") != 0 &&
		    !has_prefix(s->name, "inet_http_server:"))
			continue;
		warn_unknown(ld, s, "inet_http_server");
		ld_auth(ld, s, false);
		if (sget(ld, s, "port", NULL, &xe, &v) == -1)
			continue;
		if (v == NULL) {
			kerr(ld, s, NULL, "has no port value");
			continue;
		}
		c = strrchr(v, ':');
		if ((c != NULL && c[1] == '\0') ||
		    ty_int(c != NULL ? c + 1 : v, &n) == -1 || n < 1 ||
		    n > 65535)
			kerr(ld, s, "port", "invalid port '%s' (a number 1 to "
			    "65535, optionally after host:)", v);
		free(v);
	}
	for (i = 0; i < ld->ini.n; i++) {
		s = ld->ini.s[i];
		if (strcmp(s->name, "unix_http_server") != 0 &&
		    !has_prefix(s->name, "unix_http_server:"))
			continue;
		warn_unknown(ld, s, "unix_http_server");
		if (sget(ld, s, "file", NULL, &x, &v) == -1)
			continue;
		if (v == NULL) {
			kerr(ld, s, NULL, "has no file value");
			continue;
		}
		sv = strip_dup(v, strlen(v));
		free(v);
		v = expanduser(sv);
		free(sv);
		sv = abspath(v);
		free(v);
		ld_auth(ld, s, ld->c->unix_socket == NULL);
		if (ld->c->unix_socket == NULL)
			ld->c->unix_socket = sv;
		else
			free(sv);
		if (sget(ld, s, "chown", NULL, &xe, &v) == -1)
			continue;
		if (v != NULL) {
			c = strchr(v, ':');
			if (c != NULL)
				*c = '\0';
			/* e: set only when the user is what failed. */
			e = NULL;
			if (ty_uid(v, &uid, &gid, &e) == -1 ||
			    (c != NULL && ty_gid(c + 1, &gid) == -1)) {
				if (c != NULL)
					*c = ':';
				kerr(ld, s, "chown", "invalid sockchown value "
				    "%s (user or user:group)", v);
				free(e);
				free(v);
				continue;
			}
			if (c != NULL)
				*c = ':';
			if (ld->c->unix_socket_owner == NULL)
				ld->c->unix_socket_owner = xstrdup(v);
			free(v);
		}
		if (sget(ld, s, "chmod", NULL, &xe, &v) == -1)
			continue;
		if (v != NULL) {
			/* Beyond an int: its low bits, as umask=. */
			if (ty_octal(v, 4, &mode, &e) == -1)
				kerr(ld, s, "chmod", "invalid chmod value %s",
				    v);
			else
				ld->c->unix_socket_mode = mode;
			free(e);
			free(v);
		}
	}
	if ((s = store_find(&ld->ini, "supervisorctl")) != NULL) {
		warn_unknown(ld, s, "supervisorctl");
		ld->c->ctl_serverurl = xstrdup(opt_get(ld, s, "serverurl") ?
		    opt_get(ld, s, "serverurl")->val : NULL);
	}
}

void
ld_rpc(struct ld *ld)
{
	struct xctx	 x = { { &ld->envx, NULL }, NULL, NULL, NULL, NULL,
			    false, 0, 0 };
	struct ini_sect	*s;
	const char	*fk = "supervisor.rpcinterface_factory";
	char		*v;
	size_t		 i, k;

	for (i = 0; i < ld->ini.n; i++) {
		s = ld->ini.s[i];
		if (!has_prefix(s->name, "rpcinterface:"))
			continue;
		if (sget(ld, s, fk, NULL, &x, &v) == -1)
			continue;
		if (v == NULL) {
			kerr(ld, s, NULL, "does not specify a %s", fk);
			continue;
		}
		if (!spec_ok(v) || !spec_known(v)) {
			kerr(ld, s, fk, "%s cannot be resolved: %s", v,
			    spec_ok(v) ? "this daemon runs no Python code" :
			    "not a Python import spec (module:attribute)");
			free(v);
			continue;
		}
		free(v);
		/* The other keys are the factory's arguments. */
		for (k = 0; k < s->n; k++) {
			if (strcmp(s->o[k].key, fk) == 0)
				continue;
			if (sget(ld, s, s->o[k].key, NULL, &x, &v) == 0)
				free(v);
		}
	}
}

/* Sections this daemon parses and checks but does not act on: once. */
void
ld_ignored(struct ld *ld)
{
	static const char *const pfx[] = { "inet_http_server",
	    "eventlistener:", "fcgi-program:", "rpcinterface:",
	    "supervisorctl", "ctlplugin:", NULL };
	struct ini_sect	*s;
	size_t		 i, k;
	bool		 known;

	for (i = 0; i < ld->ini.n; i++) {
		s = ld->ini.s[i];
		for (k = 0; pfx[k] != NULL; k++)
			if (has_prefix(s->name, pfx[k]))
				break;
		if (pfx[k] != NULL) {
			/* cfg_drop_unrun() leaves their processes out. */
			if (has_prefix(s->name, "eventlistener:"))
				ld_warn(ld, s->file, s->line, s->name, NULL,
				    "checked, but not run: this daemon sends "
				    "no events");
			else if (has_prefix(s->name, "fcgi-program:"))
				ld_warn(ld, s->file, s->line, s->name, NULL,
				    "checked, but not run: this daemon opens "
				    "no FastCGI socket");
			else
				ld_warn(ld, s->file, s->line, s->name, NULL,
				    "checked, but this daemon does not act on "
				    "this section");
			continue;
		}
		known = strcmp(s->name, "supervisord") == 0 ||
		    strcmp(s->name, "include") == 0 ||
		    strcmp(s->name, "unix_http_server") == 0 ||
		    has_prefix(s->name, "unix_http_server:") ||
		    has_prefix(s->name, "program:") ||
		    has_prefix(s->name, "group:");
		if (!known)
			ld_warn(ld, s->file, s->line, s->name, NULL,
			    "unknown section, ignored (supervisor ignores it "
			    "too)");
	}
}
