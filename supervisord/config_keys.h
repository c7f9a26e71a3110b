/*
 * config_keys: reading the options of a section: defaults, types, clamped numbers,
 * the keys each section knows.
 * Internal to the configuration reader (config*.c).
 */
#ifndef SUPERVISORD_CONFIG_KEYS_H
#define SUPERVISORD_CONFIG_KEYS_H

#include <sys/types.h>

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

#include "supervisord/config.h"
#include "supervisord/config_ini.h"
#include "supervisord/config_expand.h"

const struct ini_opt *	opt_get(const struct ld *ld, const struct ini_sect *s, const char *key);
void	kerr(struct ld *ld, const struct ini_sect *s, const char *key,
    const char *fmt, ...) __attribute__((format(printf, 4, 5)));
int	sget(struct ld *ld, const struct ini_sect *s, const char *key,
    const char *def, const struct xctx *x, char **out);
void	big_add(struct cfg_bignum **v, size_t *n, const char *key, char *text);
void	big_free(struct cfg_bignum *v, size_t n);
int	get_int(struct ld *ld, const struct ini_sect *s, const char *key,
    const char *def, const struct xctx *x, long long lo, long long hi,
    long long *out, char **big);
int	get_iint(struct ld *ld, const struct ini_sect *s, const char *key,
    const char *def, const struct xctx *x, int *out, char **big);
int	get_bool(struct ld *ld, const struct ini_sect *s, const char *key,
    const char *def, const struct xctx *x, bool *out);
int	get_bytes(struct ld *ld, const struct ini_sect *s, const char *key,
    const char *def, const struct xctx *x, long long *out, char **big);
/* Warn of each key of s that kind's table (config_table.h) lacks. */
void	warn_unknown(struct ld *ld, const struct ini_sect *s,
	    const char *kind);

#endif /* SUPERVISORD_CONFIG_KEYS_H */
