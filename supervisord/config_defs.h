/*
 * config_defs: the structs of a parsed configuration (config.h's
 * functions make, query and free them), below every module of the
 * configuration reader, which all use them.
 */
#ifndef SUPERVISORD_CONFIG_DEFS_H
#define SUPERVISORD_CONFIG_DEFS_H

#include <sys/types.h>

#include <stdbool.h>
#include <stddef.h>

/* Messages, each "FILE:LINE: [SECTION] KEY: message", malloc'ed. */
struct cfg_msgs {
	char	**v;
	size_t	  n;
};

enum cfg_autorestart {
	CFG_AR_FALSE = 0,
	CFG_AR_UNEXPECTED,
	CFG_AR_TRUE
};

enum cfg_logkind {
	CFG_LOG_NONE = 0,	/* NONE, OFF, or stderr redirected */
	CFG_LOG_PATH,		/* path: an absolute or resolved path */
	CFG_LOG_AUTO,		/* AUTO: a file in childlogdir */
	CFG_LOG_SYSLOG		/* syslog */
};

/* The longest stdout_prefix and stderr_prefix. */
#define CFG_PREFIX_MAX	256

struct cfg_log {
	enum cfg_logkind kind;
	int		 backups;	/* default 10 */
	char		*path;		/* CFG_LOG_PATH only, else NULL */
	long long	 maxbytes;	/* default 50MB */
	long long	 capture_maxbytes;
	bool		 events_enabled;
	bool		 syslog;
	bool		 timestamps;	/* ours: each line's time in front */
	char		*prefix;	/* ours: in front of each forwarded
					   line, or NULL */
};

/*
 * A number supervisor 4.2.5 accepts that our field cannot hold
 * (startsecs=99999999999999999999, umask=-1): the field holds it clamped
 * (modes: their low bits), and this its text as Python prints it, so
 * that --dump-config shows supervisor's value.
 */
struct cfg_bignum {
	char		*key;		/* the key: "startsecs", "umask", ... */
	char		*text;		/* "99999999999999999999", "-01" */
};

enum cfg_kind {
	CFG_KIND_PROGRAM = 0,
	CFG_KIND_GROUP,		/* [group:x] made of programs */
	CFG_KIND_EVENTLISTENER,
	CFG_KIND_FCGI
};

/* How the delay between failed starts grows (ours: backoff=). */
enum cfg_backoff {
	CFG_BACKOFF_LINEAR = 0,		/* supervisor's: 1 s, 2 s, 3 s ... */
	CFG_BACKOFF_EXPONENTIAL		/* 1 s, 2 s, 4 s ..., jittered */
};

/*
 * One process, after numprocs expansion: everything needed to run it.
 * Owned by the struct cfg that parsed it until moved to a running program
 * (see STYLE.md §4); freed with cfg_program_free.
 */
struct cfg_program {
	char		*name;		/* process_name, expanded */
	char		*group;		/* its group's name */
	char		*section;	/* "program:web" */
	char		*file;		/* where the section starts */
	int		 line;
	int		 numprocs;
	int		 process_num;
	enum cfg_kind	 kind;		/* of its group */

	/* Spawn settings: a change restarts the process on reload. */
	char		*command;	/* expanded, not yet split */
	char		*directory;	/* NULL: the daemon's */
	char		*user;		/* NULL: the daemon's */
	bool		 has_uid;
	bool		 redirect_stderr;
	uid_t		 uid;
	gid_t		 gid;		/* the user's primary group */
	int		 umask;		/* -1: inherit */
	struct cfg_log	 out;		/* stdout_logfile and friends */
	struct cfg_log	 err;		/* stderr_logfile and friends */
	char		**env_keys;	/* [supervisord]'s environment= alone */
	char		**env_vals;	/* (the first nenv_sd), then the
					   program's own */
	size_t		 nenv;
	char		*serverurl;	/* NULL: AUTO */

	/* Policy settings: changed in place on reload. */
	int		 priority;	/* default 999 */
	int		 order;		/* where it starts and stops: the
					   listener pool's priority for a
					   listener, else priority */
	bool		 autostart;
	enum cfg_autorestart autorestart;
	int		 startsecs;	/* default 1 */
	int		 startretries;	/* default 3 */
	int		*exitcodes;	/* default {0} */
	size_t		 nexitcodes;
	int		 stopsignal;	/* default SIGTERM */
	int		 stopwaitsecs;	/* default 10 */
	/* Ours (the dump's "extensions"), packed into the holes. */
	int		 backoff_max;	/* seconds, default 60 */
	bool		 stopasgroup;
	bool		 killasgroup;	/* true when stopasgroup is */
	bool		 stop_with_daemon; /* PR_SET_PDEATHSIG; default true */
	bool		 retry_forever;	/* never FATAL; default false */
	bool		 essential;	/* its end ends the daemon */
	bool		 user_environment; /* HOME... from user='s entry */
	char		*depends_on;	/* what it waits for; NULL: none */
	char		*ready;		/* notify, file:PATH, tcp:HOST:PORT;
					   NULL: startsecs decides */
	char		*env_file;	/* environment_file=, a leading '-'
					   if it may be missing; or NULL */
	char		*pw_env;	/* user_environment: "NAME:HOME:SHELL"
					   of user='s passwd entry; or NULL */

	/*
	 * An [fcgi-program:x]'s socket, kept with each of its processes
	 * (also when a [group:y] lists it, where kind is the group's): the
	 * same values as its cfg_group's.  Only the URL counts on reload,
	 * as supervisor's SocketConfig.__eq__.
	 */
	char		*socket;	/* NULL: no socket (not fcgi) */
	int		 socket_mode;	/* -1: none (tcp) */
	int		 socket_backlog; /* -1: SOMAXCONN */
	bool		 has_socket_owner;
	uid_t		 socket_uid;
	gid_t		 socket_gid;	/* (gid_t)-1: left as it is */
	int		 backoff_kind;	/* enum cfg_backoff; default linear */

	/*
	 * An [eventlistener:x]'s pool settings, kept with each of its
	 * processes (a process added from a re-read configuration brings
	 * them): its cfg_group's events, comma-separated, and buffer_size.
	 */
	char		*events;	/* NULL: not a listener */
	int		 buffer_size;
	int		 ready_timeout;	/* seconds, default 60 */
	int		 nenv_sd;	/* env_keys from [supervisord] alone */

	struct cfg_bignum *big;		/* values clamped above */
	size_t		 nbig;

	/*
	 * A copy made by cfg_load is one block of blocklen bytes: the
	 * struct, then its arrays and strings, which cfg_program_free does
	 * not free one by one.  0: each is a block of its own (a stanza
	 * built by hand), as is a field set anew after the copy.
	 */
	size_t		 blocklen;
};

/* A group, as supervisor orders them; its processes are programs[first..]. */
struct cfg_group {
	char		*name;
	enum cfg_kind	 kind;
	int		 priority;
	size_t		 first;		/* index into cfg->programs */
	size_t		 n;

	/* CFG_KIND_EVENTLISTENER only: */
	int		 buffer_size;	/* default 10 */
	char		**events;	/* event class names, sorted */
	size_t		 nevents;
	char		*result_handler; /* "module:attr" */
	/* CFG_KIND_FCGI only: */
	char		*socket;	/* "unix:///path", "tcp://host:port" */
	int		 socket_mode;	/* -1: unset (unix: 0700) */
	int		 socket_backlog; /* -1: unset */
	bool		 has_socket_owner;
	uid_t		 socket_uid;
	gid_t		 socket_gid;	/* (gid_t)-1: unset */
	struct cfg_bignum *big;		/* priority, buffer_size, socket_mode
					   clamped */
	size_t		 nbig;
};

/* [supervisord], with command-line overrides applied by cfg_set_option. */
struct cfg_supervisord {
	char		*logfile;	/* NULL: none (NONE); default
					   %(here)s/supervisord.log */
	long long	 logfile_maxbytes;
	int		 logfile_backups;
	int		 loglevel;	/* LOGLEVEL_* of loglevel.h */
	char		*pidfile;
	bool		 nodaemon;
	bool		 silent;
	long long	 minfds;	/* default 1024 */
	long long	 minprocs;	/* default 200 */
	int		 umask;		/* default 022 */
	char		*directory;	/* NULL */
	char		*user;		/* NULL */
	bool		 has_uid;
	uid_t		 uid;
	gid_t		 gid;
	char		*identifier;	/* "supervisor" */
	char		*childlogdir;	/* default: the temp dir */
	bool		 nocleanup;
	bool		 strip_ansi;
	char		**env_keys;	/* environment= */
	char		**env_vals;
	size_t		 nenv;
};

/* One whole parse of a configuration and what it included. */
struct cfg {
	char		*path;		/* the main file, as given */
	char		*here;		/* its directory, absolute */
	struct cfg_supervisord sd;
	struct cfg_program **programs;	/* every process, in start order */
	size_t		 nprograms;
	/*
	 * cfg_load_keep's: where programs[i] is NULL, the running stanza
	 * it is the same as (not owned), which the load did not copy; NULL
	 * when every process was copied (cfg_load).
	 */
	const struct cfg_program **kept;
	struct cfg_group *groups;
	size_t		 ngroups;
	char		*unix_socket;	/* [unix_http_server] file=, or NULL */
	int		 unix_socket_mode;	/* chmod=, default 0700 */
	char		*unix_socket_owner;	/* chown=, or NULL */
	char		*http_username;	/* [unix_http_server]'s, expanded */
	char		*http_password;
	bool		 unix_health_open; /* health_without_auth= (ours):
					   GET /health needs no credentials */
	char		*inet_port;	/* [inet_http_server] port= as given, or
					   NULL: no inet server */
	char		*inet_host;	/* its host, lowercased; "" for every
					   interface (":9001", "*:9001", "9001") */
	int		 inet_portnum;	/* 1 to 65535 */
	char		*inet_username;	/* [inet_http_server]'s, expanded */
	char		*inet_password;
	bool		 inet_health_open; /* [inet_http_server]'s, the same */
	char		*ctl_serverurl;	/* [supervisorctl] serverurl= */
	bool		 has_rpcinterface; /* [rpcinterface:supervisor] */
	struct cfg_msgs	 warnings;	/* unknown keys, ignored sections */
};

/*
 * What supervisorctl reads of a configuration: [supervisorctl]'s keys and
 * [unix_http_server]'s, expanded (%(here)s, %(ENV_X)s); NULL when unset.
 */
struct cfg_ctl {
	char		*serverurl;
	char		*username;
	char		*password;
	char		*unix_file;
	char		*unix_username;
	char		*unix_password;
};

/*
 * What a reload has running (cfg_load_keep): find returns the stanza the
 * daemon runs for (group, name) that a new one may stand in for, or NULL.
 */
struct cfg_keep {
	const struct cfg_program *(*find)(void *arg, const char *group,
		    const char *name);
	void	*arg;
};

/* How two processes of the same name differ. */
enum cfg_diff {
	CFG_SAME = 0,
	CFG_POLICY,		/* only policy settings differ */
	CFG_SPAWN		/* a spawn setting differs: restart */
};

#endif /* SUPERVISORD_CONFIG_DEFS_H */
