/*
 * config_table: one table of keys per kind of section, with each key's
 * type, its default as supervisor 4.2.5 has it, and for a program key
 * whether a change on reload restarts the process (spawn) or is applied
 * in place (policy), and where it is held in struct cfg_program so that
 * cfg_program_diff compares it.  The unknown-key warning, the diff and
 * the unit test of defaults read these tables.
 * Internal to the configuration reader (config*.c) and its tests.
 */
#ifndef SUPERVISORD_CONFIG_TABLE_H
#define SUPERVISORD_CONFIG_TABLE_H

#include <stddef.h>

#include "supervisord/config.h"

enum cfg_ktype {
	CFG_T_STR = 0,		/* text, expanded */
	CFG_T_INT,		/* integer() */
	CFG_T_BOOL,		/* boolean() */
	CFG_T_BYTES,		/* byte_size() */
	CFG_T_OCTAL,		/* octal_type() */
	CFG_T_SIGNAL,		/* signal_number() */
	CFG_T_EXITCODES,	/* list_of_exitcodes() */
	CFG_T_AUTORESTART,	/* auto_restart() */
	CFG_T_LOGFILE,		/* logfile_name(): NONE, AUTO, syslog, path */
	CFG_T_ENV,		/* dict_of_key_value_pairs() */
	CFG_T_USER,		/* name_to_uid() */
	CFG_T_NAME,		/* process_or_group_name() */
	CFG_T_LIST,		/* list_of_strings() */
	CFG_T_LEVEL,		/* logging_level() */
	CFG_T_PATH		/* a path, existing_dirpath() or directory */
};

/* What a changed program key does on reload. */
enum cfg_kclass {
	CFG_K_SPAWN = 0,	/* restart the process */
	CFG_K_POLICY,		/* applied in place */
	CFG_K_NAME		/* names the process: another process */
};

/* How cfg_program_diff compares the key's field. */
enum cfg_kcmp {
	CFG_C_NONE = 0,		/* not held per process */
	CFG_C_STR,		/* char * */
	CFG_C_INT,		/* int */
	CFG_C_BOOL,		/* bool */
	CFG_C_LL,		/* long long */
	CFG_C_LOG,		/* struct cfg_log's kind and path */
	CFG_C_ENV,		/* env_keys, env_vals, nenv */
	CFG_C_EXIT,		/* exitcodes, nexitcodes */
	CFG_C_USER		/* user, has_uid, uid, gid */
};

struct cfg_key {
	const char	*name;
	enum cfg_ktype	 type;
	const char	*def;		/* as options.py; NULL: none */
	enum cfg_kclass	 cls;		/* program keys only */
	enum cfg_kcmp	 cmp;
	size_t		 off;		/* of the field in cfg_program */
};

/* A section kind's keys: its own, then (listeners, FastCGI) a program's. */
struct cfg_ktable {
	const char		*kind;	/* "program", "supervisord", ... */
	const struct cfg_key	*own;
	size_t			 nown;
	const struct cfg_key	*base;	/* NULL, or the program keys */
	size_t			 nbase;
};

/*
 * The table of a section kind: "program", "eventlistener",
 * "fcgi-program", "group", "include", "supervisord", "unix_http_server",
 * "inet_http_server", "supervisorctl"; NULL for another.
 */
const struct cfg_ktable *cfg_ktable(const char *kind);

/* The row of key in t, or NULL: an unknown key. */
const struct cfg_key *cfg_key_find(const struct cfg_ktable *t,
	    const char *key);

#endif /* SUPERVISORD_CONFIG_TABLE_H */
