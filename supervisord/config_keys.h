/*
 * config_keys: reading the options of a section: defaults, types,
 * clamped numbers, the keys each section knows.
 * Internal to the configuration reader (config*.c).
 */
#ifndef SUPERVISORD_CONFIG_KEYS_H
#define SUPERVISORD_CONFIG_KEYS_H

#include <sys/types.h>

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

#include "supervisord/config_defs.h"
#include "supervisord/config_ini.h"
#include "supervisord/config_expand.h"

const struct ini_opt *cfg_opt(const struct ld *ld, const struct ini_sect *s,
	    const char *key);
void	cfg_kerr(struct ld *ld, const struct ini_sect *s, const char *key,
    const char *fmt, ...) __attribute__((format(printf, 4, 5)));
int	cfg_sget(struct ld *ld, const struct ini_sect *s, const char *key,
    const char *def, const struct xctx *x, char **out);
int	cfg_get_int(struct ld *ld, const struct ini_sect *s, const char *key,
    const char *def, const struct xctx *x, long long lo, long long hi,
    long long *out, char **big);
int	cfg_get_iint(struct ld *ld, const struct ini_sect *s, const char *key,
    const char *def, const struct xctx *x, int *out, char **big);
struct cfg_key;
struct cfg_ktable;

/*
 * Set the field of key k in base (a struct cfg_program, or a struct
 * cfg_supervisord for its keys) from the text v, converted by k's type.
 * 0, with *big the text of a clamped number (malloc'ed; NULL if none) when
 * big is not NULL; -1 with a message in *err (malloc'ed).
 */
int	cfg_key_set(const struct cfg_key *k, void *base, const char *v,
	    char **err, char **big);
/*
 * Read every key of t's own rows whose CFG_F_READ and CFG_F_PROC flags are
 * flags, in the table's order, stopping at the first error (-1).
 */
int	cfg_keys_read(struct ld *ld, const struct ini_sect *s,
	    const struct cfg_ktable *t, unsigned flags, const struct xctx *x,
	    void *base, struct cfg_bignum **big, size_t *nbig);
/* Warn of each key of s that kind's table (config_table.h) lacks. */
void	cfg_warn_unknown(struct ld *ld, const struct ini_sect *s,
	    const char *kind);

#endif /* SUPERVISORD_CONFIG_KEYS_H */
