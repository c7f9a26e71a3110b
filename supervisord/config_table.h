/*
 * config_table: one table of keys per kind of section, with each key's
 * type, its default as supervisor 4.2.5 has it, and for a program key
 * whether a change on reload restarts the process (spawn) or is applied
 * in place (policy), and where it is held in struct cfg_program so that
 * cfg_program_diff compares it.  The tables drive the reading of the
 * regular keys (cfg_keys_read: each key with its type and default into
 * its field), the unknown-key warning, the diff, --dump-config (how each
 * program key is shown) and the unit test of defaults: a regular key is
 * one row.  What is irregular (numprocs, process_name, environment,
 * serverurl, the log file's second expansion) is code in its reader.
 * Internal to the configuration reader (config*.c) and its tests.
 */
#ifndef SUPERVISORD_CONFIG_TABLE_H
#define SUPERVISORD_CONFIG_TABLE_H

#include <stddef.h>

#include "supervisord/config_defs.h"

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
	CFG_T_PATH,		/* existing_directory() */
	CFG_T_LONG,		/* integer() into a long long */
	CFG_T_FILE,		/* existing_dirpath(), made absolute */
	CFG_T_SDLOG,		/* [supervisord] logfile: NONE, syslog, path */
	CFG_T_BACKOFF		/* ours: linear or exponential */
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

/* How --dump-config shows a program key (config_json.c). */
enum cfg_kdump {
	CFG_D_NONE = 0,		/* not shown under its own name */
	CFG_D_INT,		/* int, or its clamped text */
	CFG_D_LL,		/* long long, or its clamped text */
	CFG_D_BOOL,		/* true, false */
	CFG_D_STR,		/* "text", or null */
	CFG_D_AUTORESTART,	/* "false", "unexpected", "true" */
	CFG_D_BACKOFF,		/* "linear", "exponential" */
	CFG_D_EXIT,		/* [0, 2] */
	CFG_D_SIGNAL,		/* "TERM", or "N" without a name */
	CFG_D_LOG,		/* the path, "AUTO", "SYSLOG", or null */
	CFG_D_ENV,		/* {"KEY": "value"}, sorted */
	CFG_D_UMASK,		/* "022", the clamped text, or null */
	CFG_D_USER		/* "uid": N, "user": "name" (or nulls) */
};

/* Which pass reads a key (flags). */
#define CFG_F_READ	0x01	/* cfg_keys_read reads it; else code does */
#define CFG_F_PROC	0x02	/* once per process, with %(process_num)d */
#define CFG_F_EXT	0x04	/* ours, not supervisor's: the dump shows it
				   in "extensions", apart */

struct cfg_key {
	const char	*name;
	enum cfg_ktype	 type;
	const char	*def;		/* as options.py; NULL: none (or
					   computed: the reader says) */
	enum cfg_kclass	 cls;		/* program keys only */
	enum cfg_kcmp	 cmp;
	size_t		 off;		/* of the field in cfg_program (program
					   keys) or cfg_supervisord */
	const size_t	*aux;		/* the further fields the type sets:
					   CFG_T_USER has_uid, uid, gid;
					   CFG_T_EXITCODES the count */
	unsigned	 flags;		/* CFG_F_* */
	enum cfg_kdump	 dump;		/* program keys only */
	const char	*json;		/* the dump's name; NULL: name */
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
