/*
 * config: read supervisord.conf as Python supervisor 4.2.5 reads it, into
 * plain structs: defaults, expansions, includes, validation, JSON dump.
 *
 * It knows nothing of processes that run, the loop or logging: every
 * error and warning is returned as text for the caller to print or log.
 */
#ifndef SUPERVISORD_CONFIG_H
#define SUPERVISORD_CONFIG_H

#include <sys/types.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

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

struct cfg_log {
	enum cfg_logkind kind;
	char		*path;		/* CFG_LOG_PATH only, else NULL */
	long long	 maxbytes;	/* default 50MB */
	int		 backups;	/* default 10 */
	long long	 capture_maxbytes;
	bool		 events_enabled;
	bool		 syslog;
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

/*
 * One process, after numprocs expansion: everything needed to run it.
 * Owned by the struct cfg that parsed it until moved to a running program
 * (see STYLE.md §4); freed with cfg_program_free.
 */
struct cfg_program {
	char		*name;		/* process name (process_name expanded) */
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
	uid_t		 uid;
	gid_t		 gid;		/* the user's primary group */
	int		 umask;		/* -1: inherit */
	bool		 redirect_stderr;
	struct cfg_log	 out;		/* stdout_logfile and friends */
	struct cfg_log	 err;		/* stderr_logfile and friends */
	char		**env_keys;	/* environment, [supervisord]'s merged */
	char		**env_vals;	/* in, in the order supervisor keeps */
	size_t		 nenv;
	char		*serverurl;	/* NULL: AUTO */

	/* Policy settings: changed in place on reload. */
	int		 priority;	/* default 999 */
	bool		 autostart;
	enum cfg_autorestart autorestart;
	int		 startsecs;	/* default 1 */
	int		 startretries;	/* default 3 */
	int		*exitcodes;	/* default {0} */
	size_t		 nexitcodes;
	int		 stopsignal;	/* default SIGTERM */
	int		 stopwaitsecs;	/* default 10 */
	bool		 stopasgroup;
	bool		 killasgroup;	/* true when stopasgroup is */

	struct cfg_bignum *big;		/* values clamped above */
	size_t		 nbig;
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
	char		*socket;	/* "unix:///path" or "tcp://host:port" */
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
	struct cfg_group *groups;
	size_t		 ngroups;
	char		*unix_socket;	/* [unix_http_server] file=, or NULL */
	int		 unix_socket_mode;	/* chmod=, default 0700 */
	char		*unix_socket_owner;	/* chown=, or NULL */
	char		*http_username;
	char		*http_password;
	char		*ctl_serverurl;	/* [supervisorctl] serverurl= */
	struct cfg_msgs	 warnings;	/* unknown keys, ignored sections */
};

/*
 * Parse the configuration at path, with its includes.  Returns the config,
 * or NULL when it is invalid: then errors holds every error found (at least
 * one).  Warnings go into the config's warnings (or into errors' companion
 * list when NULL is returned, they are dropped).  Expansions use the
 * process environment (%(ENV_X)s) and the host name.
 */
struct cfg *cfg_load(const char *path, struct cfg_msgs *errors);

/*
 * Apply a command-line option of supervisord to [supervisord] with the
 * same validation as the key in a file: key is the config key ("logfile",
 * "nodaemon", "minfds", ...).  0, or -1 with a message in err.
 */
int	cfg_set_option(struct cfg *c, const char *key, const char *value,
	    char *err, size_t errlen);

/*
 * Where supervisord 4.2.5 looks for its configuration without -c, in its
 * order, relative ones resolved as it does (beside the executable's real
 * directory, then the current directory, then /etc).  Returns the first
 * that exists in buf, or -1 with every place tried in buf.
 */
int	cfg_find_default(char *buf, size_t len);

/* How two processes of the same name differ. */
enum cfg_diff {
	CFG_SAME = 0,
	CFG_POLICY,		/* only policy settings differ */
	CFG_SPAWN		/* a spawn setting differs: restart */
};
enum cfg_diff cfg_program_diff(const struct cfg_program *a,
	    const struct cfg_program *b);

/*
 * Pin %(host_node_name)s (tests, reproducible dumps); NULL: the host's
 * name from uname(2) again.  The string is copied.
 */
void	cfg_set_hostname(const char *name);

/*
 * Leave out the groups this daemon parses but does not run (event
 * listeners, FastCGI programs) with their processes; the warnings of
 * cfg_load already name them.
 */
void	cfg_drop_unrun(struct cfg *c);

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
 * Read path and its includes with the reader of cfg_load, interpreting
 * only the client's sections: an error elsewhere (a program the daemon
 * would refuse) does not stop the client, as with Python's supervisorctl;
 * one in the file's syntax or in [supervisorctl] does.  NULL with errors
 * in errors.  Free with cfg_ctl_free.
 */
struct cfg_ctl *cfg_ctl_load(const char *path, struct cfg_msgs *errors);
void	cfg_ctl_free(struct cfg_ctl *cc);

/* The text of key among big (a clamped number), or NULL. */
const char *cfg_big(const struct cfg_bignum *big, size_t n, const char *key);

/* Print the config as JSON in the schema of shared/corpus/oracle.py. */
int	cfg_dump_json(const struct cfg *c, FILE *fp);

void	cfg_program_free(struct cfg_program *p);
void	cfg_free(struct cfg *c);
void	cfg_msgs_free(struct cfg_msgs *m);

#endif /* SUPERVISORD_CONFIG_H */
