/*
 * config_keys: reading the options of a section: defaults, types, clamped numbers,
 * the keys each section knows.
 */
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/utsname.h>

#include <ctype.h>
#include <errno.h>
#include <glob.h>
#include <grp.h>
#include <limits.h>
#include <pwd.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "supervisord/config.h"
#include "supervisord/config_util.h"
#include "supervisord/config_ini.h"
#include "supervisord/config_expand.h"
#include "supervisord/config_types.h"
#include "supervisord/config_keys.h"
#include "supervisord/config_table.h"

/* Reading options of a section. */

const struct ini_opt *
opt_get(const struct ld *ld, const struct ini_sect *s, const char *key)
{
	const struct ini_opt	*o;

	if ((o = sect_opt(s, key)) != NULL)
		return o;
	return sect_opt(ld->ini.defaults, key);
}

/* Report an error at key of s (its line, or the section's if unset). */
void
kerr(struct ld *ld, const struct ini_sect *s, const char *key,
    const char *fmt, ...)
{
	const struct ini_opt	*o;
	va_list			 ap;

	o = key != NULL ? opt_get(ld, s, key) : NULL;
	va_start(ap, fmt);
	ld_msg(ld->errs, o != NULL ? o->file : s->file,
	    o != NULL ? o->line : s->line, s->name, key, fmt, ap);
	va_end(ap);
	ld->nerr++;
}

/*
 * saneget: the value of key in s, or def; expanded with x unless x is
 * NULL.  *out is NULL when neither is set.  -1 after an error.
 */
int
sget(struct ld *ld, const struct ini_sect *s, const char *key,
    const char *def, const struct xctx *x, char **out)
{
	const struct ini_opt	*o;
	const char		*v;
	char			*e;

	o = opt_get(ld, s, key);
	v = o != NULL ? o->val : def;
	*out = NULL;
	if (v == NULL)
		return 0;
	if (x == NULL) {
		*out = xstrdup(v);
		return 0;
	}
	if ((*out = x_expand(x, v, &e)) == NULL) {
		kerr(ld, s, key, "format string '%s' %s", v, e);
		free(e);
		return -1;
	}
	return 0;
}

/* Append key's text (taken) to a list of clamped numbers; NULL: none. */
void
big_add(struct cfg_bignum **v, size_t *n, const char *key, char *text)
{
	if (text == NULL)
		return;
	*v = xrealloc(*v, *n + 1, sizeof(**v));
	(*v)[*n].key = xstrdup(key);
	(*v)[(*n)++].text = text;
}

void
big_free(struct cfg_bignum *v, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++) {
		free(v[i].key);
		free(v[i].text);
	}
	free(v);
}

const char *
cfg_big(const struct cfg_bignum *big, size_t n, const char *key)
{
	size_t	i;

	for (i = 0; i < n; i++)
		if (strcmp(big[i].key, key) == 0)
			return big[i].text;
	return NULL;
}

/*
 * An integer key, read by int() as supervisor reads it.  A value outside
 * lo..hi is an error when big is NULL (a range supervisor checks, or a
 * limit of ours); else it is clamped, and *big gets its decimal text
 * (malloc'ed; NULL when in range) for --dump-config.
 */
int
get_int(struct ld *ld, const struct ini_sect *s, const char *key,
    const char *def, const struct xctx *x, long long lo, long long hi,
    long long *out, char **big)
{
	struct pyint	 pi;
	char		*v;
	int		 rc = 0;

	if (big != NULL)
		*big = NULL;
	if (sget(ld, s, key, def, x, &v) == -1)
		return -1;
	if (py_int(v, 10, &pi) == -1) {
		if (pi.toolong)
			kerr(ld, s, key, "invalid integer '%.20s...': more than "
			    "%d digits, which Python's int() refuses", v,
			    PY_INT_MAX_DIGITS);
		else
			kerr(ld, s, key, "invalid integer '%s'", v);
		rc = -1;
	} else if (!pi.clamped && pi.v >= lo && pi.v <= hi)
		*out = pi.v;
	else if (big == NULL) {
		kerr(ld, s, key, "%s is out of range (%lld to %lld)", v, lo, hi);
		rc = -1;
	} else {
		*out = pi.v < lo ? lo : pi.v > hi ? hi : pi.v;
		*big = pyint_text(&pi);
	}
	free(pi.digits);
	free(v);
	return rc;
}

/* An int key that supervisor does not range-check: clamped, see get_int. */
int
get_iint(struct ld *ld, const struct ini_sect *s, const char *key,
    const char *def, const struct xctx *x, int *out, char **big)
{
	long long	v;

	if (get_int(ld, s, key, def, x, INT_MIN, INT_MAX, &v, big) == -1)
		return -1;
	*out = (int)v;
	return 0;
}

int
get_bool(struct ld *ld, const struct ini_sect *s, const char *key,
    const char *def, const struct xctx *x, bool *out)
{
	char	*v;
	int	 rc = 0;

	if (sget(ld, s, key, def, x, &v) == -1)
		return -1;
	if (ty_bool(v, out) == -1) {
		kerr(ld, s, key, "invalid boolean '%s' (true, false, yes, no, "
		    "on, off, 1 or 0)", v);
		rc = -1;
	}
	free(v);
	return rc;
}

/* A byte_size key: clamped, *big its text then, as get_int. */
int
get_bytes(struct ld *ld, const struct ini_sect *s, const char *key,
    const char *def, const struct xctx *x, long long *out, char **big)
{
	char	*v;
	int	 rc = 0;

	*big = NULL;
	if (sget(ld, s, key, def, x, &v) == -1)
		return -1;
	if (ty_bytes(v, out, big) == -1) {
		kerr(ld, s, key, "invalid byte size '%s' (a number, with KB, "
		    "MB or GB)", v);
		rc = -1;
	}
	free(v);
	return rc;
}

void
warn_unknown(struct ld *ld, const struct ini_sect *s, const char *kind)
{
	const struct cfg_ktable	*t = cfg_ktable(kind);
	size_t			 i;

	/* A [DEFAULT] key copied in is not this section's own. */
	for (i = 0; i < s->n; i++)
		if (!s->o[i].dflt && cfg_key_find(t, s->o[i].key) == NULL)
			ld_warn(ld, s->o[i].file, s->o[i].line, s->name,
			    s->o[i].key, "unknown key, ignored (supervisor "
			    "ignores it too)");
}
