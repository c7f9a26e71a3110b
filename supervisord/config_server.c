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

#include "supervisord/config_defs.h"
#include "supervisord/config_util.h"
#include "supervisord/config_ini.h"
#include "supervisord/config_expand.h"
#include "supervisord/config_types.h"
#include "supervisord/config_table.h"
#include "supervisord/config_keys.h"
#include "supervisord/config_server.h"

/* [supervisord] and the command-line options that set its keys. */

static const char *
tempdir(void)
{
	static const char *const vars[] = { "TMPDIR", "TEMP", "TMP" };
	const char	*d;
	size_t		 i;

	for (i = 0; i < 3; i++)
		if ((d = getenv(vars[i])) != NULL && *d != '\0' && cu_is_dir(d))
			return d;
	return "/tmp";
}

/*
 * Convert one [supervisord] value into sd, by the key's row in the table.
 * -1 with *err set.
 */
int
sd_apply(struct cfg_supervisord *sd, const char *key, const char *v,
    char **err)
{
	const struct cfg_key	*k;

	/*
	 * supervisor range-checks none of these: a value beyond our field
	 * is used clamped (minfds, minprocs, logfile_backups,
	 * logfile_maxbytes) or by its low bits (umask).
	 */
	k = cfg_key_find(cfg_ktable("supervisord"), key);
	if (k == NULL || !(k->flags & CFG_F_READ)) {
		*err = cu_asprintf("no such option");
		return -1;
	}
	return cfg_key_set(k, sd, v, err, NULL);
}

void
sd_defaults(struct cfg_supervisord *sd)
{
	const struct cfg_ktable	*t = cfg_ktable("supervisord");
	char			*e;
	size_t			 i;

	memset(sd, 0, sizeof(*sd));
	for (i = 0; i < t->nown; i++)
		if (t->own[i].def != NULL && (t->own[i].flags & CFG_F_READ) &&
		    cfg_key_set(&t->own[i], sd, t->own[i].def, &e, NULL) == -1)
			cu_free(e);
	sd->childlogdir = cu_abspath(tempdir());
}

void
ld_supervisord(struct ld *ld, struct ini_sect *s)
{
	const struct cfg_ktable	*t = cfg_ktable("supervisord");
	const struct cfg_key	*k;
	struct xctx	 x = { &ld->envx, NULL, ld->here, NULL, NULL, NULL,
			    false, 0, 0 };
	struct xctx	 x2 = x;
	struct cu_kvl	 env = { 0 };
	char		*v, *v2, *e;
	size_t		 i;

	cfg_warn_unknown(ld, s, "supervisord");
	/* read_config's order, the table's: the first error is supervisor's. */
	for (i = 0; i < t->nown; i++) {
		k = &t->own[i];
		if (!(k->flags & CFG_F_READ))
			continue;
		if (cfg_sget(ld, s, k->name, k->def, &x, &v) == -1)
			continue;
		if (v == NULL)
			continue;
		if (cfg_key_set(k, &ld->c->sd, v, &e, NULL) == -1) {
			cfg_kerr(ld, s, k->name, "%s", e);
			cu_free(e);
		}
		cu_free(v);
	}
	/* environment= is expanded twice, the second time with the host. */
	if (cfg_sget(ld, s, "environment", "", &x, &v) == -1)
		return;
	x2.host = ld->host;
	if ((v2 = x_expand(&x2, v, &e)) == NULL) {
		cfg_kerr(ld, s, "environment", "format string '%s' %s", v, e);
		cu_free(e);
		cu_free(v);
		return;
	}
	cu_free(v);
	if (ty_env(v2, &env, &e) == -1) {
		/* The pairs read before the bad one are dropped too. */
		cu_kvl_free(&env);
		cfg_kerr(ld, s, "environment", "%s", e);
		cu_free(e);
	} else {
		struct cfg_supervisord *sd = &ld->c->sd;

		sd->env_keys = cu_calloc(env.n, sizeof(char *));
		sd->env_vals = cu_calloc(env.n, sizeof(char *));
		for (i = 0; i < env.n; i++) {
			char *n = cu_asprintf("ENV_%s", env.k[i]);

			cu_kvl_set(&ld->envx, n, env.v[i]);
			cu_free(n);
			sd->env_keys[i] = env.k[i];
			sd->env_vals[i] = env.v[i];
		}
		sd->nenv = env.n;
		cu_free(env.k);
		cu_free(env.v);
		memset(&env, 0, sizeof(env));
	}
	cu_free(v2);
}

/* Servers: server_configs_from_parser, and [supervisorctl]. */

/*
 * username= and password=, expanded as supervisor's saneget does: both or
 * neither.  Kept in *user and *pass when those are not NULL (the first
 * section of its kind).
 */
static void
ld_auth(struct ld *ld, struct ini_sect *s, char **user, char **pass)
{
	struct xctx	 x = { &ld->envx, NULL, NULL, NULL, NULL, NULL,
			    false, 0, 0 };
	char		*u, *p;

	if (cfg_sget(ld, s, "username", NULL, &x, &u) == -1)
		return;
	if (cfg_sget(ld, s, "password", NULL, &x, &p) == -1) {
		cu_free(u);
		return;
	}
	if ((u == NULL) != (p == NULL)) {
		cfg_kerr(ld, s, u == NULL ? "password" : "username",
		    "incomplete authentication: a username and a password "
		    "go together");
		cu_free(u);
		cu_free(p);
		return;
	}
	if (user != NULL && u != NULL) {
		cu_free(*user);
		cu_free(*pass);
		*user = u;
		*pass = p;
		return;
	}
	cu_free(u);
	cu_free(p);
}

/*
 * health_without_auth= (ours), into *open when it is not NULL (the first
 * section of its kind); false unless set.
 */
static void
ld_health(struct ld *ld, struct ini_sect *s, bool *open)
{
	struct xctx	 x = { &ld->envx, NULL, NULL, NULL, NULL, NULL,
			    false, 0, 0 };
	char		*v;
	bool		 b;

	if (cfg_sget(ld, s, "health_without_auth", NULL, &x, &v) == -1 ||
	    v == NULL)
		return;
	if (ty_bool(v, &b) == -1)
		cfg_kerr(ld, s, "health_without_auth", "invalid boolean '%s' "
		    "(true, false, yes, no, on, off, 1 or 0)", v);
	else if (open != NULL)
		*open = b;
	cu_free(v);
}

/*
 * port= as supervisor's inet_address reads it: "host:port", "*:port",
 * ":port" or a bare port; the host lowercased, "" for every interface.
 * -1 when it is not one.
 */
static int
ld_inet_address(const char *v, char **host, int *port)
{
	const char	*c;
	long long	 n;

	c = strrchr(v, ':');
	if ((c != NULL && c[1] == '\0') ||
	    ty_int(c != NULL ? c + 1 : v, &n) == -1 || n < 1 || n > 65535)
		return -1;
	*port = (int)n;
	if (c == NULL || (c - v == 1 && v[0] == '*'))
		*host = cu_strdup("");
	else {
		*host = cu_asprintf("%.*s", (int)(c - v), v);
		cu_lower(*host);
	}
	return 0;
}

void
ld_servers(struct ld *ld)
{
	struct xctx	 x = { &ld->envx, NULL, ld->here, NULL, NULL, NULL,
			    false, 0, 0 };
	struct xctx	 xe = x;
	struct ini_sect	*s;
	char		*v, *e, *c, *sv, *h;
	size_t		 i;
	uid_t		 uid;
	gid_t		 gid;
	int		 mode, port;
	bool		 first;

	xe.here = NULL;
	for (i = 0; i < ld->ini.n; i++) {
		s = ld->ini.s[i];
		if (s->kind != INI_OTHER ||
		    (strcmp(s->name, "inet_http_server") != 0 &&
		    !cu_has_prefix(s->name, "inet_http_server:")))
			continue;
		cfg_warn_unknown(ld, s, "inet_http_server");
		first = ld->c->inet_port == NULL;
		ld_auth(ld, s, first ? &ld->c->inet_username : NULL,
		    first ? &ld->c->inet_password : NULL);
		ld_health(ld, s, first ? &ld->c->inet_health_open : NULL);
		if (cfg_sget(ld, s, "port", NULL, &xe, &v) == -1)
			continue;
		if (v == NULL) {
			cfg_kerr(ld, s, NULL, "has no port value");
			continue;
		}
		if (ld_inet_address(v, &h, &port) == -1)
			cfg_kerr(ld, s, "port", "invalid port '%s' (a number 1 "
			    "to 65535, optionally after host:)", v);
		else if (first) {
			ld->c->inet_port = cu_strdup(v);
			ld->c->inet_host = h;
			ld->c->inet_portnum = port;
		} else {
			ld_warn(ld, s->file, s->line, s->name, NULL,
			    "only the first inet HTTP server section is "
			    "served");
			cu_free(h);
		}
		cu_free(v);
	}
	for (i = 0; i < ld->ini.n; i++) {
		s = ld->ini.s[i];
		if (s->kind != INI_OTHER ||
		    (strcmp(s->name, "unix_http_server") != 0 &&
		    !cu_has_prefix(s->name, "unix_http_server:")))
			continue;
		cfg_warn_unknown(ld, s, "unix_http_server");
		if (cfg_sget(ld, s, "file", NULL, &x, &v) == -1)
			continue;
		if (v == NULL) {
			cfg_kerr(ld, s, NULL, "has no file value");
			continue;
		}
		sv = cu_strip(v, strlen(v));
		cu_free(v);
		v = cu_expanduser(sv);
		cu_free(sv);
		sv = cu_abspath(v);
		cu_free(v);
		first = ld->c->unix_socket == NULL;
		ld_auth(ld, s, first ? &ld->c->http_username : NULL,
		    first ? &ld->c->http_password : NULL);
		ld_health(ld, s, first ? &ld->c->unix_health_open : NULL);
		if (ld->c->unix_socket == NULL)
			ld->c->unix_socket = sv;
		else
			cu_free(sv);
		if (cfg_sget(ld, s, "chown", NULL, &xe, &v) == -1)
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
				cfg_kerr(ld, s, "chown", "invalid sockchown "
				    "value %s (user or user:group)", v);
				cu_free(e);
				cu_free(v);
				continue;
			}
			if (c != NULL)
				*c = ':';
			if (ld->c->unix_socket_owner == NULL)
				ld->c->unix_socket_owner = cu_strdup(v);
			cu_free(v);
		}
		if (cfg_sget(ld, s, "chmod", NULL, &xe, &v) == -1)
			continue;
		if (v != NULL) {
			/* Beyond an int: its low bits, as umask=. */
			if (ty_octal(v, 4, &mode, &e) == -1)
				cfg_kerr(ld, s, "chmod", "invalid chmod value "
				    "%s", v);
			else
				ld->c->unix_socket_mode = mode;
			cu_free(e);
			cu_free(v);
		}
	}
	if ((s = store_find(&ld->ini, "supervisorctl")) != NULL) {
		cfg_warn_unknown(ld, s, "supervisorctl");
		ld->c->ctl_serverurl = cu_strdup(cfg_opt(ld, s, "serverurl") ?
		    cfg_opt(ld, s, "serverurl")->val : NULL);
	}
}

void
ld_rpc(struct ld *ld)
{
	struct xctx	 x = { &ld->envx, NULL, NULL, NULL, NULL, NULL,
			    false, 0, 0 };
	struct ini_sect	*s;
	const char	*fk = "supervisor.rpcinterface_factory";
	char		*v;
	size_t		 i, k;

	for (i = 0; i < ld->ini.n; i++) {
		s = ld->ini.s[i];
		if (s->kind != INI_OTHER ||
		    !cu_has_prefix(s->name, "rpcinterface:"))
			continue;
		if (cfg_sget(ld, s, fk, NULL, &x, &v) == -1)
			continue;
		if (v == NULL) {
			cfg_kerr(ld, s, NULL, "does not specify a %s", fk);
			continue;
		}
		if (!ty_spec_ok(v) || !ty_spec_known(v)) {
			cfg_kerr(ld, s, fk, "%s cannot be resolved: %s", v,
			    ty_spec_ok(v) ? "this daemon runs no Python code" :
			    "not a Python import spec (module:attribute)");
			cu_free(v);
			continue;
		}
		cu_free(v);
		/* Served under the section's name: supervisor's is ours. */
		if (strcmp(s->name, "rpcinterface:supervisor") == 0)
			ld->c->has_rpcinterface = true;
		/* The other keys are the factory's arguments. */
		for (k = 0; k < s->n; k++) {
			if (strcmp(s->o[k].key, fk) == 0)
				continue;
			if (cfg_sget(ld, s, s->o[k].key, NULL, &x, &v) == 0)
				cu_free(v);
		}
	}
}

/* Sections this daemon parses and checks but does not act on: once. */
void
ld_ignored(struct ld *ld)
{
	static const char *const pfx[] = { "eventlistener:", "fcgi-program:",
	    "ctlplugin:", NULL };
	struct ini_sect	*s;
	size_t		 i, k;
	bool		 known;

	for (i = 0; i < ld->ini.n; i++) {
		s = ld->ini.s[i];
		/* Programs and groups are known; listeners and FastCGI run. */
		if (s->kind != INI_OTHER)
			continue;
		for (k = 0; pfx[k] != NULL; k++)
			if (cu_has_prefix(s->name, pfx[k]))
				break;
		if (pfx[k] != NULL) {
			/* Listeners and FastCGI programs run; the
			 * client's plugins are not the daemon's. */
			if (cu_has_prefix(s->name, "ctlplugin:"))
				ld_warn(ld, s->file, s->line, s->name, NULL,
				    "checked, but this daemon does not act on "
				    "this section");
			continue;
		}
		known = strcmp(s->name, "supervisord") == 0 ||
		    strcmp(s->name, "include") == 0 ||
		    strcmp(s->name, "supervisorctl") == 0 ||
		    cu_has_prefix(s->name, "rpcinterface:") ||
		    strcmp(s->name, "unix_http_server") == 0 ||
		    cu_has_prefix(s->name, "unix_http_server:") ||
		    strcmp(s->name, "inet_http_server") == 0 ||
		    cu_has_prefix(s->name, "inet_http_server:") ||
		    cu_has_prefix(s->name, "program:") ||
		    cu_has_prefix(s->name, "group:");
		if (!known)
			ld_warn(ld, s->file, s->line, s->name, NULL,
			    "unknown section, ignored (supervisor ignores it "
			    "too)");
	}
}
