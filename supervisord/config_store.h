/*
 * config_store: the section store (what ConfigParser keeps) and the
 * loader's state and messages.  Internal to the configuration reader
 * (config*.c).
 */
#ifndef SUPERVISORD_CONFIG_STORE_H
#define SUPERVISORD_CONFIG_STORE_H

#include <sys/types.h>

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "supervisord/config_defs.h"
#include "supervisord/config_util.h"

/*
 * 32 bytes: thousands of program sections hold one for each key they
 * set, and a reload's load grows its arena by all of them.
 */
struct ini_opt {
	char		*key;		/* lower case, as optionxform */
	char		*val;
	const char	*file;		/* one of ini.files */
	int		 line;
	uint16_t	 klen;		/* its length, at most INI_KLEN_MAX: */
					/* lookups compare it first */
	bool		 here;		/* may hold a %(here)s not expanded */
	bool		 dflt;		/* copied from [DEFAULT], expand_here */
};

#define INI_KLEN_MAX	UINT16_MAX	/* klen of a key as long or longer */

/* What a section's name says it is, found once for the passes over all. */
enum ini_kind {
	INI_OTHER = 0,
	INI_PROGRAM,		/* "program:x" */
	INI_GROUP,		/* "group:x" */
	INI_LISTENER,		/* "eventlistener:x" */
	INI_FCGI		/* "fcgi-program:x" */
};

struct ini_sect {
	char		*name;
	enum ini_kind	 kind;
	const char	*file;		/* where it was first seen: ini.files' */
	int		 line;
	bool		 included;	/* first seen in an included file */
	bool		 pend;		/* in ini.pend */
	bool		 grouped;	/* a [group:x] lists it */
	struct ini_opt	*o;
	size_t		 n;
};

/*
 * Sections in file order, and a hash of their names: a configuration of
 * thousands of programs looks each up by name several times.  pend lists
 * the sections with an option that may hold %(here)s, so expand_here,
 * run after each included file, does not rescan every value read so far.
 */
struct ini {
	struct ini_sect	**s;
	size_t		  n;
	struct ini_sect	 *defaults;	/* [DEFAULT], or NULL */
	struct ini_sect	**hash;		/* open addressing, hcap a power of 2 */
	size_t		  hcap;
	struct ini_sect	**pend;
	size_t		  npend;
	char		**files;	/* every file read, as opened */
	size_t		  nfiles;
	char		**keys;		/* the option names read, each once: */
	size_t		  nkeys;	/* open addressing, kcap a power of 2 */
	size_t		  kcap;
};

#define LD_KROWS	64	/* more than any table's own rows */

struct ld {
	struct cfg	*c;
	struct cfg_msgs	*errs;
	struct cfg_msgs	*caller;	/* the caller's errors, on the heap */
	struct cfg_msgs	 warns;
	struct ini	 ini;
	const char	*here;
	const char	*host;
	char		*hostbuf;	/* host, when it is ours to free */
	struct cu_kvl	 envx;		/* ENV_X expansions: environ + sd env */
	int		 nerr;
	const struct cfg_keep *keep;	/* cfg_load_keep's, or NULL */
	char		*rbuf;		/* read_whole's, for every file */
	size_t		 rcap;
	/*
	 * cfg_keys_read's: the options of one section (with [DEFAULT]'s) by
	 * row of one table, looked up once for all the section's processes.
	 */
	const struct ini_sect	*krow_sect;
	const void		*krow_table;
	const struct ini_opt	*krow[LD_KROWS];
};

struct ini_sect *	store_find(const struct ini *ini, const char *name);
/* Append s, whose name is not yet in ini. */
void	store_add(struct ini *ini, struct ini_sect *s);
/* A new section, first seen at file:line (file: one of ini.files). */
struct ini_sect *	sect_new(const char *name, const char *file, int line,
	    bool included);
void	store_mark_here(struct ini *ini, struct ini_sect *s, struct ini_opt *o);
struct ini_opt *	sect_opt(const struct ini_sect *s, const char *key);
/*
 * Set key of s to val (taken), read at file:line; the option.  key is one
 * the store keeps (an option's key): s keeps it too, not a copy.
 */
struct ini_opt *	sect_set(struct ini_sect *s, char *key, char *val,
	    const char *file, int line);
/*
 * The option name of n bytes at s, lowered ("[" before it if bracket),
 * as the store keeps it: the same name, the same pointer.
 */
char *	key_intern(struct ini *ini, const char *s, size_t n, bool bracket);
/* sect_set for a key of key_intern's, matched by pointer. */
struct ini_opt *	sect_set_key(struct ini_sect *s, char *key, char *val,
	    const char *file, int line);
/* Drop the messages of m from its n0th on (a caller's are the heap's). */
void	ld_msgs_cut(struct ld *ld, struct cfg_msgs *m, size_t n0);
void	ld_msg(struct ld *ld, struct cfg_msgs *m, const char *file, int line,
    const char *sect, const char *key, const char *fmt, va_list ap)
	__attribute__((format(printf, 7, 0)));
void	ld_err(struct ld *ld, const char *file, int line, const char *sect,
    const char *key, const char *fmt, ...)
	__attribute__((format(printf, 6, 7)));
void	ld_warn(struct ld *ld, const char *file, int line, const char *sect,
    const char *key, const char *fmt, ...)
	__attribute__((format(printf, 6, 7)));

#endif /* SUPERVISORD_CONFIG_STORE_H */
