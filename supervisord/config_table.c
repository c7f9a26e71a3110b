/*
 * config_table: the keys of each kind of section, with their types and
 * supervisor 4.2.5's defaults (options.py: processes_from_section,
 * process_groups_from_parser, server_configs_from_parser, read_config,
 * ClientOptions), and what a changed program key does on reload.
 */
#include <stddef.h>
#include <string.h>

#include "supervisord/config.h"
#include "supervisord/config_table.h"

#define F(m)	offsetof(struct cfg_program, m)
#define SP	CFG_K_SPAWN
#define PO	CFG_K_POLICY

static const struct cfg_key program_keys[] = {
	{ "command", CFG_T_STR, NULL, SP, CFG_C_STR, F(command) },
	{ "process_name", CFG_T_NAME, "%(program_name)s", CFG_K_NAME,
	    CFG_C_STR, F(name) },
	{ "numprocs", CFG_T_INT, "1", PO, CFG_C_INT, F(numprocs) },
	{ "numprocs_start", CFG_T_INT, "0", CFG_K_NAME, CFG_C_INT,
	    F(process_num) },
	{ "priority", CFG_T_INT, "999", PO, CFG_C_INT, F(priority) },
	{ "autostart", CFG_T_BOOL, "true", PO, CFG_C_BOOL, F(autostart) },
	{ "autorestart", CFG_T_AUTORESTART, "unexpected", PO, CFG_C_INT,
	    F(autorestart) },
	{ "startsecs", CFG_T_INT, "1", PO, CFG_C_INT, F(startsecs) },
	{ "startretries", CFG_T_INT, "3", PO, CFG_C_INT, F(startretries) },
	{ "exitcodes", CFG_T_EXITCODES, "0", PO, CFG_C_EXIT, F(exitcodes) },
	{ "stopsignal", CFG_T_SIGNAL, "TERM", PO, CFG_C_INT, F(stopsignal) },
	{ "stopwaitsecs", CFG_T_INT, "10", PO, CFG_C_INT, F(stopwaitsecs) },
	{ "stopasgroup", CFG_T_BOOL, "false", PO, CFG_C_BOOL,
	    F(stopasgroup) },
	/* Default: stopasgroup's value. */
	{ "killasgroup", CFG_T_BOOL, "false", PO, CFG_C_BOOL,
	    F(killasgroup) },
	{ "user", CFG_T_USER, NULL, SP, CFG_C_USER, F(user) },
	{ "redirect_stderr", CFG_T_BOOL, "false", SP, CFG_C_BOOL,
	    F(redirect_stderr) },
	{ "stdout_logfile", CFG_T_LOGFILE, "AUTO", SP, CFG_C_LOG, F(out) },
	{ "stdout_logfile_maxbytes", CFG_T_BYTES, "50MB", SP, CFG_C_LL,
	    F(out.maxbytes) },
	{ "stdout_logfile_backups", CFG_T_INT, "10", SP, CFG_C_INT,
	    F(out.backups) },
	{ "stdout_capture_maxbytes", CFG_T_BYTES, "0", SP, CFG_C_LL,
	    F(out.capture_maxbytes) },
	{ "stdout_events_enabled", CFG_T_BOOL, "false", SP, CFG_C_BOOL,
	    F(out.events_enabled) },
	{ "stdout_syslog", CFG_T_BOOL, "false", SP, CFG_C_BOOL,
	    F(out.syslog) },
	{ "stderr_logfile", CFG_T_LOGFILE, "AUTO", SP, CFG_C_LOG, F(err) },
	{ "stderr_logfile_maxbytes", CFG_T_BYTES, "50MB", SP, CFG_C_LL,
	    F(err.maxbytes) },
	{ "stderr_logfile_backups", CFG_T_INT, "10", SP, CFG_C_INT,
	    F(err.backups) },
	{ "stderr_capture_maxbytes", CFG_T_BYTES, "0", SP, CFG_C_LL,
	    F(err.capture_maxbytes) },
	{ "stderr_events_enabled", CFG_T_BOOL, "false", SP, CFG_C_BOOL,
	    F(err.events_enabled) },
	{ "stderr_syslog", CFG_T_BOOL, "false", SP, CFG_C_BOOL,
	    F(err.syslog) },
	{ "environment", CFG_T_ENV, NULL, SP, CFG_C_ENV, F(env_keys) },
	{ "directory", CFG_T_PATH, NULL, SP, CFG_C_STR, F(directory) },
	{ "umask", CFG_T_OCTAL, NULL, SP, CFG_C_INT, F(umask) },
	{ "serverurl", CFG_T_STR, "AUTO", SP, CFG_C_STR, F(serverurl) },
};

/* Group-level keys: a change makes another group, not another process. */
static const struct cfg_key listener_keys[] = {
	{ "buffer_size", CFG_T_INT, "10", SP, CFG_C_NONE, 0 },
	{ "events", CFG_T_LIST, NULL, SP, CFG_C_NONE, 0 },
	{ "result_handler", CFG_T_STR,
	    "supervisor.dispatchers:default_handler", SP, CFG_C_NONE, 0 },
};

static const struct cfg_key fcgi_keys[] = {
	{ "socket", CFG_T_STR, NULL, SP, CFG_C_NONE, 0 },
	{ "socket_backlog", CFG_T_INT, NULL, SP, CFG_C_NONE, 0 },
	{ "socket_owner", CFG_T_USER, NULL, SP, CFG_C_NONE, 0 },
	{ "socket_mode", CFG_T_OCTAL, NULL, SP, CFG_C_NONE, 0 },
};

static const struct cfg_key group_keys[] = {
	{ "programs", CFG_T_LIST, "", SP, CFG_C_NONE, 0 },
	{ "priority", CFG_T_INT, "999", SP, CFG_C_NONE, 0 },
};

static const struct cfg_key include_keys[] = {
	{ "files", CFG_T_STR, NULL, SP, CFG_C_NONE, 0 },
};

static const struct cfg_key supervisord_keys[] = {
	{ "logfile", CFG_T_PATH, "supervisord.log", SP, CFG_C_NONE, 0 },
	{ "logfile_maxbytes", CFG_T_BYTES, "50MB", SP, CFG_C_NONE, 0 },
	{ "logfile_backups", CFG_T_INT, "10", SP, CFG_C_NONE, 0 },
	{ "loglevel", CFG_T_LEVEL, "info", SP, CFG_C_NONE, 0 },
	{ "pidfile", CFG_T_PATH, "supervisord.pid", SP, CFG_C_NONE, 0 },
	{ "umask", CFG_T_OCTAL, "022", SP, CFG_C_NONE, 0 },
	{ "nodaemon", CFG_T_BOOL, "false", SP, CFG_C_NONE, 0 },
	{ "silent", CFG_T_BOOL, "false", SP, CFG_C_NONE, 0 },
	{ "minfds", CFG_T_INT, "1024", SP, CFG_C_NONE, 0 },
	{ "minprocs", CFG_T_INT, "200", SP, CFG_C_NONE, 0 },
	{ "nocleanup", CFG_T_BOOL, "false", SP, CFG_C_NONE, 0 },
	/* Default: the temporary directory. */
	{ "childlogdir", CFG_T_PATH, NULL, SP, CFG_C_NONE, 0 },
	{ "user", CFG_T_USER, NULL, SP, CFG_C_NONE, 0 },
	{ "directory", CFG_T_PATH, NULL, SP, CFG_C_NONE, 0 },
	{ "strip_ansi", CFG_T_BOOL, "false", SP, CFG_C_NONE, 0 },
	{ "environment", CFG_T_ENV, NULL, SP, CFG_C_NONE, 0 },
	{ "identifier", CFG_T_STR, "supervisor", SP, CFG_C_NONE, 0 },
};

static const struct cfg_key unix_keys[] = {
	{ "file", CFG_T_PATH, NULL, SP, CFG_C_NONE, 0 },
	{ "chmod", CFG_T_OCTAL, "0700", SP, CFG_C_NONE, 0 },
	{ "chown", CFG_T_USER, NULL, SP, CFG_C_NONE, 0 },
	{ "username", CFG_T_STR, NULL, SP, CFG_C_NONE, 0 },
	{ "password", CFG_T_STR, NULL, SP, CFG_C_NONE, 0 },
};

static const struct cfg_key inet_keys[] = {
	{ "port", CFG_T_STR, NULL, SP, CFG_C_NONE, 0 },
	{ "username", CFG_T_STR, NULL, SP, CFG_C_NONE, 0 },
	{ "password", CFG_T_STR, NULL, SP, CFG_C_NONE, 0 },
};

static const struct cfg_key ctl_keys[] = {
	{ "serverurl", CFG_T_STR, "http://localhost:9001", SP, CFG_C_NONE,
	    0 },
	{ "username", CFG_T_STR, NULL, SP, CFG_C_NONE, 0 },
	{ "password", CFG_T_STR, NULL, SP, CFG_C_NONE, 0 },
	{ "prompt", CFG_T_STR, "supervisor", SP, CFG_C_NONE, 0 },
	{ "history_file", CFG_T_PATH, NULL, SP, CFG_C_NONE, 0 },
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

const struct cfg_key *
cfg_key_find(const struct cfg_ktable *t, const char *key)
{
	size_t	i;

	for (i = 0; i < t->nown; i++)
		if (t->own[i].name[0] == key[0] &&
		    strcmp(t->own[i].name, key) == 0)
			return &t->own[i];
	for (i = 0; i < t->nbase; i++)
		if (t->base[i].name[0] == key[0] &&
		    strcmp(t->base[i].name, key) == 0)
			return &t->base[i];
	return NULL;
}
