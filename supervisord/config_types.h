/*
 * config_types: the value types of supervisor's datatypes.py, with our
 * messages.
 * Internal to the configuration reader (config*.c).
 */
#ifndef SUPERVISORD_CONFIG_TYPES_H
#define SUPERVISORD_CONFIG_TYPES_H

#include <sys/types.h>

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

#include "supervisord/config_util.h"

/* Python 3.11 refuses int(str) of more decimal digits (ValueError). */
#define TY_INT_MAX_DIGITS	4300

/* A number as int() read it. */
struct ty_pyint {
	long long	 v;		/* the value, clamped to long long */
	bool		 clamped;	/* v is not the value: see digits */
	bool		 neg;
	char		*digits;	/* malloc'ed, in the base read, without
					   sign or leading zeros ("0") */
	bool		 toolong;	/* refused: over TY_INT_MAX_DIGITS */
};

int	ty_bool(const char *v, bool *out);
long	ty_u8_next(const unsigned char **pp);
int	ty_ascii(long c);
int	ty_pyint(const char *v, int base, struct ty_pyint *pi);
int	ty_int(const char *v, long long *out);
char *	ty_pyint_text(const struct ty_pyint *pi);
int	ty_bytes(const char *v, long long *out, char **text);
int	ty_octal(const char *v, int ndig, int *out, char **text);
int	ty_uid(const char *v, uid_t *uid, gid_t *gid, char **err);
int	ty_gid(const char *v, gid_t *gid);
char *	ty_dirpath(const char *v, char **err);
char *	ty_directory(const char *v, char **err);
char *	ty_name(const char *v, char **err);
int	ty_signal(const char *v, int *out);
int	ty_env(const char *s, struct cu_kvl *out, char **err);
bool	ty_spec_ok(const char *v);
bool	ty_spec_known(const char *v);

#endif /* SUPERVISORD_CONFIG_TYPES_H */
