/*
 * config_table: the keys of each kind of section, with their types and
 * supervisor 4.2.5's defaults (options.py: processes_from_section,
 * process_groups_from_parser, server_configs_from_parser, read_config,
 * ClientOptions), and what a changed program key does on reload.
 */
#include <assert.h>
#include <stdbool.h>
#include <stddef.h>
#include <string.h>

#include "supervisord/config_defs.h"
#include "supervisord/config_table.h"
#include "supervisord/strhash.h"

#define F(m)	offsetof(struct cfg_program, m)
#define S(m)	offsetof(struct cfg_supervisord, m)
#define SP	CFG_K_SPAWN
#define PO	CFG_K_POLICY
#define RD	CFG_F_READ
#define PR	(CFG_F_READ | CFG_F_PROC)
/* A key that is only checked against (unknown keys): code reads it. */
#define KEY(n, t, d)	{ n, t, d, SP, CFG_C_NONE, 0, NULL, 0, CFG_D_NONE, \
			    NULL }

static const size_t prog_user[] = { F(has_uid), F(uid), F(gid) };
static const size_t prog_exit[] = { F(nexitcodes) };
static const size_t sd_user[] = { S(has_uid), S(uid), S(gid) };

/*
 * In processes_from_section's order, which decides the error reported
 * first: the keys read once per section, then (CFG_F_PROC) those read
 * for each process.
 */
static const struct cfg_key program_keys[] = {
	{ "priority", CFG_T_INT, "999", PO, CFG_C_INT, F(priority), NULL,
	    RD, CFG_D_INT, NULL },
	{ "autostart", CFG_T_BOOL, "true", PO, CFG_C_BOOL, F(autostart),
	    NULL, RD, CFG_D_BOOL, NULL },
	{ "autorestart", CFG_T_AUTORESTART, "unexpected", PO, CFG_C_INT,
	    F(autorestart), NULL, RD, CFG_D_AUTORESTART, NULL },
	{ "startsecs", CFG_T_INT, "1", PO, CFG_C_INT, F(startsecs), NULL,
	    RD, CFG_D_INT, NULL },
	{ "startretries", CFG_T_INT, "3", PO, CFG_C_INT, F(startretries),
	    NULL, RD, CFG_D_INT, NULL },
	{ "stopsignal", CFG_T_SIGNAL, "TERM", PO, CFG_C_INT, F(stopsignal),
	    NULL, RD, CFG_D_SIGNAL, NULL },
	{ "stopwaitsecs", CFG_T_INT, "10", PO, CFG_C_INT, F(stopwaitsecs),
	    NULL, RD, CFG_D_INT, NULL },
	{ "stopasgroup", CFG_T_BOOL, "false", PO, CFG_C_BOOL, F(stopasgroup),
	    NULL, RD, CFG_D_BOOL, NULL },
	/* Default: stopasgroup's value (ld_procs). */
	{ "killasgroup", CFG_T_BOOL, NULL, PO, CFG_C_BOOL, F(killasgroup),
	    NULL, RD, CFG_D_BOOL, NULL },
	{ "exitcodes", CFG_T_EXITCODES, "0", PO, CFG_C_EXIT, F(exitcodes),
	    prog_exit, RD, CFG_D_EXIT, NULL },
	{ "redirect_stderr", CFG_T_BOOL, "false", SP, CFG_C_BOOL,
	    F(redirect_stderr), NULL, RD, CFG_D_BOOL, NULL },
	{ "stdout_capture_maxbytes", CFG_T_BYTES, "0", SP, CFG_C_LL,
	    F(out.capture_maxbytes), NULL, RD, CFG_D_LL, NULL },
	{ "stdout_events_enabled", CFG_T_BOOL, "false", SP, CFG_C_BOOL,
	    F(out.events_enabled), NULL, RD, CFG_D_BOOL, NULL },
	{ "stderr_capture_maxbytes", CFG_T_BYTES, "0", SP, CFG_C_LL,
	    F(err.capture_maxbytes), NULL, RD, CFG_D_LL, NULL },
	{ "stderr_events_enabled", CFG_T_BOOL, "false", SP, CFG_C_BOOL,
	    F(err.events_enabled), NULL, RD, CFG_D_BOOL, NULL },
	{ "user", CFG_T_USER, NULL, SP, CFG_C_USER, F(user), prog_user, RD,
	    CFG_D_USER, NULL },
	/* Default: inherit (-1). */
	{ "umask", CFG_T_OCTAL, NULL, SP, CFG_C_INT, F(umask), NULL, RD,
	    CFG_D_UMASK, NULL },
	/* Ours: the kernel kills the process when the daemon dies. */
	{ "stop_with_daemon", CFG_T_BOOL, "true", SP, CFG_C_BOOL,
	    F(stop_with_daemon), NULL, RD | CFG_F_EXT, CFG_D_BOOL, NULL },
	{ "backoff", CFG_T_BACKOFF, "linear", PO, CFG_C_INT, F(backoff_kind),
	    NULL, RD | CFG_F_EXT, CFG_D_BACKOFF, NULL },
	{ "backoff_max", CFG_T_INT, "60", PO, CFG_C_INT, F(backoff_max),
	    NULL, RD | CFG_F_EXT, CFG_D_INT, NULL },
	{ "retry_forever", CFG_T_BOOL, "false", PO, CFG_C_BOOL,
	    F(retry_forever), NULL, RD | CFG_F_EXT, CFG_D_BOOL, NULL },
	{ "essential", CFG_T_BOOL, "false", PO, CFG_C_BOOL, F(essential),
	    NULL, RD | CFG_F_EXT, CFG_D_BOOL, NULL },
	{ "stdout_timestamps", CFG_T_BOOL, "false", SP, CFG_C_BOOL,
	    F(out.timestamps), NULL, RD | CFG_F_EXT, CFG_D_BOOL, NULL },
	{ "stderr_timestamps", CFG_T_BOOL, "false", SP, CFG_C_BOOL,
	    F(err.timestamps), NULL, RD | CFG_F_EXT, CFG_D_BOOL, NULL },
	{ "user_environment", CFG_T_BOOL, "false", SP, CFG_C_BOOL,
	    F(user_environment), NULL, RD | CFG_F_EXT, CFG_D_BOOL, NULL },
	{ "depends_on", CFG_T_STR, NULL, PO, CFG_C_STR, F(depends_on), NULL,
	    RD | CFG_F_EXT, CFG_D_STR, NULL },
	{ "ready_timeout", CFG_T_INT, "60", PO, CFG_C_INT, F(ready_timeout),
	    NULL, RD | CFG_F_EXT, CFG_D_INT, NULL },
	/* Read by code: numprocs..serverurl, process_name. */
	{ "numprocs", CFG_T_INT, "1", PO, CFG_C_INT, F(numprocs), NULL, 0,
	    CFG_D_INT, NULL },
	{ "numprocs_start", CFG_T_INT, "0", CFG_K_NAME, CFG_C_INT,
	    F(process_num), NULL, 0, CFG_D_NONE, NULL },
	{ "environment", CFG_T_ENV, NULL, SP, CFG_C_ENV, F(env_keys), NULL,
	    0, CFG_D_ENV, NULL },
	{ "serverurl", CFG_T_STR, "AUTO", SP, CFG_C_STR, F(serverurl), NULL,
	    0, CFG_D_STR, NULL },
	{ "process_name", CFG_T_NAME, "%(program_name)s", CFG_K_NAME,
	    CFG_C_STR, F(name), NULL, 0, CFG_D_STR, "name" },
	/* Per process. */
	{ "directory", CFG_T_STR, NULL, SP, CFG_C_STR, F(directory), NULL,
	    PR, CFG_D_STR, NULL },
	{ "stdout_logfile", CFG_T_LOGFILE, "AUTO", SP, CFG_C_LOG, F(out),
	    NULL, PR, CFG_D_LOG, NULL },
	{ "stdout_logfile_backups", CFG_T_INT, "10", SP, CFG_C_INT,
	    F(out.backups), NULL, PR, CFG_D_INT, NULL },
	{ "stdout_logfile_maxbytes", CFG_T_BYTES, "50MB", SP, CFG_C_LL,
	    F(out.maxbytes), NULL, PR, CFG_D_LL, NULL },
	{ "stdout_syslog", CFG_T_BOOL, "false", SP, CFG_C_BOOL,
	    F(out.syslog), NULL, PR, CFG_D_BOOL, NULL },
	{ "stderr_logfile", CFG_T_LOGFILE, "AUTO", SP, CFG_C_LOG, F(err),
	    NULL, PR, CFG_D_LOG, NULL },
	{ "stderr_logfile_backups", CFG_T_INT, "10", SP, CFG_C_INT,
	    F(err.backups), NULL, PR, CFG_D_INT, NULL },
	{ "stderr_logfile_maxbytes", CFG_T_BYTES, "50MB", SP, CFG_C_LL,
	    F(err.maxbytes), NULL, PR, CFG_D_LL, NULL },
	{ "stderr_syslog", CFG_T_BOOL, "false", SP, CFG_C_BOOL,
	    F(err.syslog), NULL, PR, CFG_D_BOOL, NULL },
	{ "command", CFG_T_STR, NULL, SP, CFG_C_STR, F(command), NULL, PR,
	    CFG_D_STR, NULL },
	/* Ours, per process: a port may be %(process_num)d's. */
	{ "ready", CFG_T_STR, NULL, PO, CFG_C_STR, F(ready), NULL,
	    PR | CFG_F_EXT, CFG_D_STR, NULL },
	{ "environment_file", CFG_T_STR, NULL, SP, CFG_C_STR, F(env_file),
	    NULL, PR | CFG_F_EXT, CFG_D_STR, NULL },
	{ "stdout_prefix", CFG_T_STR, NULL, SP, CFG_C_STR, F(out.prefix),
	    NULL, PR | CFG_F_EXT, CFG_D_STR, NULL },
	{ "stderr_prefix", CFG_T_STR, NULL, SP, CFG_C_STR, F(err.prefix),
	    NULL, PR | CFG_F_EXT, CFG_D_STR, NULL },
};

/* Group-level keys: a change makes another group, not another process. */
static const struct cfg_key listener_keys[] = {
	KEY("buffer_size", CFG_T_INT, "10"),
	KEY("events", CFG_T_LIST, NULL),
	KEY("result_handler", CFG_T_STR,
	    "supervisor.dispatchers:default_handler"),
};

static const struct cfg_key fcgi_keys[] = {
	KEY("socket", CFG_T_STR, NULL),
	KEY("socket_backlog", CFG_T_INT, NULL),
	KEY("socket_owner", CFG_T_USER, NULL),
	KEY("socket_mode", CFG_T_OCTAL, NULL),
};

static const struct cfg_key group_keys[] = {
	KEY("programs", CFG_T_LIST, ""),
	KEY("priority", CFG_T_INT, "999"),
};

static const struct cfg_key include_keys[] = {
	KEY("files", CFG_T_STR, NULL),
};

/* In read_config's order; environment is code (ld_supervisord). */
static const struct cfg_key supervisord_keys[] = {
	{ "minfds", CFG_T_LONG, "1024", SP, CFG_C_NONE, S(minfds), NULL, RD,
	    CFG_D_NONE, NULL },
	{ "minprocs", CFG_T_LONG, "200", SP, CFG_C_NONE, S(minprocs), NULL,
	    RD, CFG_D_NONE, NULL },
	{ "directory", CFG_T_PATH, NULL, SP, CFG_C_NONE, S(directory), NULL,
	    RD, CFG_D_NONE, NULL },
	{ "umask", CFG_T_OCTAL, "022", SP, CFG_C_NONE, S(umask), NULL, RD,
	    CFG_D_NONE, NULL },
	{ "logfile", CFG_T_SDLOG, "supervisord.log", SP, CFG_C_NONE,
	    S(logfile), NULL, RD, CFG_D_NONE, NULL },
	{ "logfile_maxbytes", CFG_T_BYTES, "50MB", SP, CFG_C_NONE,
	    S(logfile_maxbytes), NULL, RD, CFG_D_NONE, NULL },
	{ "logfile_backups", CFG_T_INT, "10", SP, CFG_C_NONE,
	    S(logfile_backups), NULL, RD, CFG_D_NONE, NULL },
	{ "loglevel", CFG_T_LEVEL, "info", SP, CFG_C_NONE, S(loglevel), NULL,
	    RD, CFG_D_NONE, NULL },
	{ "pidfile", CFG_T_FILE, "supervisord.pid", SP, CFG_C_NONE,
	    S(pidfile), NULL, RD, CFG_D_NONE, NULL },
	{ "identifier", CFG_T_STR, "supervisor", SP, CFG_C_NONE,
	    S(identifier), NULL, RD, CFG_D_NONE, NULL },
	{ "nodaemon", CFG_T_BOOL, "false", SP, CFG_C_NONE, S(nodaemon), NULL,
	    RD, CFG_D_NONE, NULL },
	{ "silent", CFG_T_BOOL, "false", SP, CFG_C_NONE, S(silent), NULL, RD,
	    CFG_D_NONE, NULL },
	/* Default: the temporary directory (sd_defaults). */
	{ "childlogdir", CFG_T_PATH, NULL, SP, CFG_C_NONE, S(childlogdir),
	    NULL, RD, CFG_D_NONE, NULL },
	{ "nocleanup", CFG_T_BOOL, "false", SP, CFG_C_NONE, S(nocleanup),
	    NULL, RD, CFG_D_NONE, NULL },
	{ "strip_ansi", CFG_T_BOOL, "false", SP, CFG_C_NONE, S(strip_ansi),
	    NULL, RD, CFG_D_NONE, NULL },
	{ "user", CFG_T_USER, NULL, SP, CFG_C_NONE, S(user), sd_user, RD,
	    CFG_D_NONE, NULL },
	{ "environment", CFG_T_ENV, NULL, SP, CFG_C_NONE, 0, NULL, 0,
	    CFG_D_NONE, NULL },
};

/* Ours, in either server: GET /health served without credentials. */
#define HEALTH_KEY	{ "health_without_auth", CFG_T_BOOL, "false", SP, \
			    CFG_C_NONE, 0, NULL, CFG_F_EXT, CFG_D_NONE, NULL }

static const struct cfg_key unix_keys[] = {
	KEY("file", CFG_T_PATH, NULL),
	KEY("chmod", CFG_T_OCTAL, "0700"),
	KEY("chown", CFG_T_USER, NULL),
	KEY("username", CFG_T_STR, NULL),
	KEY("password", CFG_T_STR, NULL),
	HEALTH_KEY,
};

static const struct cfg_key inet_keys[] = {
	KEY("port", CFG_T_STR, NULL),
	KEY("username", CFG_T_STR, NULL),
	KEY("password", CFG_T_STR, NULL),
	HEALTH_KEY,
};

static const struct cfg_key ctl_keys[] = {
	KEY("serverurl", CFG_T_STR, "http://localhost:9001"),
	KEY("username", CFG_T_STR, NULL),
	KEY("password", CFG_T_STR, NULL),
	KEY("prompt", CFG_T_STR, "supervisor"),
	KEY("history_file", CFG_T_PATH, NULL),
};

#define N(a)	(sizeof(a) / sizeof((a)[0]))
static const struct cfg_ktable tables[] = {
	{ "program", program_keys, N(program_keys), NULL, 0 },
	{ "eventlistener", listener_keys, N(listener_keys), program_keys,
	    N(program_keys) },
	{ "fcgi-program", fcgi_keys, N(fcgi_keys), program_keys,
	    N(program_keys) },
	{ "group", group_keys, N(group_keys), NULL, 0 },
	{ "include", include_keys, N(include_keys), NULL, 0 },
	{ "supervisord", supervisord_keys, N(supervisord_keys), NULL, 0 },
	{ "unix_http_server", unix_keys, N(unix_keys), NULL, 0 },
	{ "inet_http_server", inet_keys, N(inet_keys), NULL, 0 },
	{ "supervisorctl", ctl_keys, N(ctl_keys), NULL, 0 },
};

const struct cfg_ktable *
cfg_ktable(const char *kind)
{
	size_t	i;

	for (i = 0; i < N(tables); i++)
		if (strcmp(tables[i].kind, kind) == 0)
			return &tables[i];
	return NULL;
}

/*
 * The rows of each table by name: every option of every section is looked
 * up (the unknown-key warning, the reading of a program's keys), and a
 * walk of the 32 program rows for each was a tenth of a large load.
 * Built at the first lookup; the tables never change.
 */
#define KIX_N	128		/* a power of 2, over twice the most rows */

static const struct cfg_key	*kix[N(tables)][KIX_N];
static bool			 kix_built;

static size_t
kix_hash(const char *key)
{
	return sh_str(key) & (KIX_N - 1);
}

static void
kix_add(const struct cfg_key **ix, const struct cfg_key *k)
{
	size_t	i;

	for (i = kix_hash(k->name); ix[i] != NULL; i = (i + 1) & (KIX_N - 1))
		if (strcmp(ix[i]->name, k->name) == 0)
			return;		/* own rows first, as before */
	ix[i] = k;
}

static void
kix_build(void)
{
	size_t	t, i;

	for (t = 0; t < N(tables); t++) {
		for (i = 0; i < tables[t].nown; i++)
			kix_add(kix[t], &tables[t].own[i]);
		for (i = 0; i < tables[t].nbase; i++)
			kix_add(kix[t], &tables[t].base[i]);
	}
	kix_built = true;
}

const struct cfg_key *
cfg_key_find(const struct cfg_ktable *t, const char *key)
{
	const struct cfg_key	**ix;
	size_t			  i;

	assert(t >= tables && t < tables + N(tables));
	if (!kix_built)
		kix_build();
	ix = kix[t - tables];
	for (i = kix_hash(key); ix[i] != NULL; i = (i + 1) & (KIX_N - 1))
		if (ix[i]->name[0] == key[0] && strcmp(ix[i]->name, key) == 0)
			return ix[i];
	return NULL;
}
