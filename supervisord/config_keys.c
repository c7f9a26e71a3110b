/*
 * config_keys: reading the options of a section: defaults, types,
 * clamped numbers, the keys each section knows.
 */
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/utsname.h>

#include <assert.h>
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

#include "supervisord/config_defs.h"
#include "supervisord/config_util.h"
#include "supervisord/config_mem.h"
#include "supervisord/config_ini.h"
#include "supervisord/config_expand.h"
#include "supervisord/config_types.h"
#include "supervisord/config_table.h"
#include "supervisord/config_keys.h"
#include "supervisord/loglevel.h"

/* Reading options of a section. */

const struct ini_opt *
cfg_opt(const struct ld *ld, const struct ini_sect *s, const char *key)
{
	const struct ini_opt	*o;

	if ((o = sect_opt(s, key)) != NULL)
		return o;
	return sect_opt(ld->ini.defaults, key);
}

/* Report an error at key of s (its line, or the section's if unset). */
void
cfg_kerr(struct ld *ld, const struct ini_sect *s, const char *key,
    const char *fmt, ...)
{
	const struct ini_opt	*o;
	va_list			 ap;

	o = key != NULL ? cfg_opt(ld, s, key) : NULL;
	va_start(ap, fmt);
	ld_msg(ld, ld->errs, o != NULL ? o->file : s->file,
	    o != NULL ? o->line : s->line, s->name, key, fmt, ap);
	va_end(ap);
	ld->nerr++;
}

/*
 * saneget: the value of key in s, or def; expanded with x unless x is
 * NULL.  *out is NULL when neither is set.  -1 after an error.
 */
int
cfg_sget(struct ld *ld, const struct ini_sect *s, const char *key,
    const char *def, const struct xctx *x, char **out)
{
	const struct ini_opt	*o;
	const char		*v;
	char			*e;

	o = cfg_opt(ld, s, key);
	v = o != NULL ? o->val : def;
	*out = NULL;
	if (v == NULL)
		return 0;
	if (x == NULL) {
		*out = cu_strdup(v);
		return 0;
	}
	if ((*out = x_expand(x, v, &e)) == NULL) {
		cfg_kerr(ld, s, key, "format string '%s' %s", v, e);
		cu_free(e);
		return -1;
	}
	return 0;
}




/*
 * An integer key, read by int() as supervisor reads it.  A value outside
 * lo..hi is an error when big is NULL (a range supervisor checks, or a
 * limit of ours); else it is clamped, and *big gets its decimal text
 * (malloc'ed; NULL when in range) for --dump-config.
 */
/*
 * A default of plain ASCII decimal digits (our own texts: "1", "-1",
 * "999"), read as int() reads it.  -1 for any other text.
 */
static int
plain_int(const char *v, long long *out)
{
	long long	n = 0;
	bool		neg = *v == '-';
	size_t		i;

	v += neg;
	for (i = 0; v[i] != '\0'; i++) {
		if (v[i] < '0' || v[i] > '9' || i == 18)
			return -1;
		n = n * 10 + (v[i] - '0');
	}
	if (i == 0)
		return -1;
	*out = neg ? -n : n;
	return 0;
}

int
cfg_get_int(struct ld *ld, const struct ini_sect *s, const char *key,
    const char *def, const struct xctx *x, long long lo, long long hi,
    long long *out, char **big)
{
	struct ty_pyint	 pi;
	long long	 n;
	char		*v;
	int		 rc = 0;

	if (big != NULL)
		*big = NULL;
	/* Left to its default (most are): no copy, no expansion. */
	if (def != NULL && plain_int(def, &n) == 0 && n >= lo && n <= hi &&
	    cfg_opt(ld, s, key) == NULL) {
		*out = n;
		return 0;
	}
	if (cfg_sget(ld, s, key, def, x, &v) == -1)
		return -1;
	if (ty_pyint(v, 10, &pi) == -1) {
		if (pi.toolong)
			cfg_kerr(ld, s, key, "invalid integer '%.20s...': more "
			    "than %d digits, which Python's int() refuses", v,
			    TY_INT_MAX_DIGITS);
		else
			cfg_kerr(ld, s, key, "invalid integer '%s'", v);
		rc = -1;
	} else if (!pi.clamped && pi.v >= lo && pi.v <= hi)
		*out = pi.v;
	else if (big == NULL) {
		cfg_kerr(ld, s, key, "%s is out of range (%lld to %lld)", v, lo,
		    hi);
		rc = -1;
	} else {
		*out = pi.v < lo ? lo : pi.v > hi ? hi : pi.v;
		*big = ty_pyint_text(&pi);
	}
	cu_free(pi.digits);
	cu_free(v);
	return rc;
}

/* An int key that supervisor does not range-check: clamped, see cfg_get_int. */
int
cfg_get_iint(struct ld *ld, const struct ini_sect *s, const char *key,
    const char *def, const struct xctx *x, int *out, char **big)
{
	long long	v;

	if (cfg_get_int(ld, s, key, def, x, INT_MIN, INT_MAX, &v, big) == -1)
		return -1;
	*out = (int)v;
	return 0;
}


#define FIELD(base, off, t)	((t *)(void *)((char *)(base) + (off)))

static int
set_exitcodes(const char *v, int **codes, size_t *n, char **err)
{
	const char	*p, *q;
	char		*item;
	long long	 c;
	int		*l = NULL;
	size_t		 k = 0;

	for (p = v; *v != '\0'; p = q + 1) {	/* "": no code at all */
		q = strchr(p, ',');
		item = cu_strndup(p, q == NULL ? strlen(p) : (size_t)(q - p));
		if (ty_int(item, &c) == -1 || c < 0 || c > 255) {
			*err = cu_asprintf("invalid list of exit codes '%s' "
			    "(numbers 0 to 255, comma-separated)", v);
			cu_free(item);
			cu_free(l);
			return -1;
		}
		cu_free(item);
		l = cu_realloc(l, k + 1, sizeof(*l));
		l[k++] = (int)c;
		if (q == NULL)
			break;
	}
	cu_free(*codes);
	*codes = l;
	*n = k;
	return 0;
}

/* An integer() of any size: clamped to lo..hi, *big its text then. */
static int
set_int(const char *v, long long lo, long long hi, long long *out,
    char **big, char **err)
{
	struct ty_pyint	pi;

	if (ty_pyint(v, 10, &pi) == -1) {
		if (pi.toolong)
			*err = cu_asprintf("invalid integer '%.20s...': more "
			    "than %d digits, which Python's int() refuses", v,
			    TY_INT_MAX_DIGITS);
		else
			*err = cu_asprintf("invalid integer '%s'", v);
		return -1;
	}
	if (!pi.clamped && pi.v >= lo && pi.v <= hi)
		*out = pi.v;
	else {
		*out = pi.v < lo ? lo : pi.v > hi ? hi : pi.v;
		*big = ty_pyint_text(&pi);
	}
	cu_free(pi.digits);
	return 0;
}

int
cfg_key_set(const struct cfg_key *k, void *base, const char *v, char **err,
    char **big)
{
	void		*f = (char *)base + k->off;
	char		*p, *t = NULL;
	long long	 n;
	bool		 b;
	int		 m, rc = 0;
	uid_t		 uid;
	gid_t		 gid;

	*err = NULL;
	switch (k->type) {
	case CFG_T_INT:
		if ((rc = set_int(v, INT_MIN, INT_MAX, &n, &t, err)) == 0)
			*(int *)f = (int)n;
		break;
	case CFG_T_LONG:
		if ((rc = set_int(v, LLONG_MIN, LLONG_MAX, &n, &t, err)) == 0)
			*(long long *)f = n;
		break;
	case CFG_T_BOOL:
		if (ty_bool(v, (bool *)f) == -1) {
			*err = cu_asprintf("invalid boolean '%s' (true, false, "
			    "yes, no, on, off, 1 or 0)", v);
			rc = -1;
		}
		break;
	case CFG_T_BYTES:
		if (ty_bytes(v, (long long *)f, &t) == -1) {
			*err = cu_asprintf("invalid byte size '%s' (a number, "
			    "with KB, MB or GB)", v);
			rc = -1;
		}
		break;
	case CFG_T_OCTAL:
		if (ty_octal(v, 3, &m, &t) == -1) {
			*err = cu_asprintf("invalid octal '%s'", v);
			rc = -1;
		} else
			*(int *)f = m;
		break;
	case CFG_T_SIGNAL:
		if (ty_signal(v, &m) == -1) {
			*err = cu_asprintf("invalid signal '%s'", v);
			rc = -1;
		} else
			*(int *)f = m;
		break;
	case CFG_T_BACKOFF:
		if (strcasecmp(v, "linear") == 0)
			*(int *)f = CFG_BACKOFF_LINEAR;
		else if (strcasecmp(v, "exponential") == 0)
			*(int *)f = CFG_BACKOFF_EXPONENTIAL;
		else {
			*err = cu_asprintf("invalid value '%s' (linear or "
			    "exponential)", v);
			rc = -1;
		}
		break;
	case CFG_T_AUTORESTART:
		if (ty_bool(v, &b) == 0)
			*(enum cfg_autorestart *)f = b ? CFG_AR_TRUE :
			    CFG_AR_FALSE;
		else if (strcasecmp(v, "unexpected") == 0)
			*(enum cfg_autorestart *)f = CFG_AR_UNEXPECTED;
		else {
			*err = cu_asprintf("invalid value '%s' (true, false or "
			    "unexpected)", v);
			rc = -1;
		}
		break;
	case CFG_T_EXITCODES:
		rc = set_exitcodes(v, (int **)f, FIELD(base, k->aux[0], size_t),
		    err);
		break;
	case CFG_T_USER:
		if ((rc = ty_uid(v, &uid, &gid, err)) == 0) {
			cu_free(*(char **)f);
			*(char **)f = cu_strdup(v);
			*FIELD(base, k->aux[0], bool) = true;
			*FIELD(base, k->aux[1], uid_t) = uid;
			*FIELD(base, k->aux[2], gid_t) = gid;
		}
		break;
	case CFG_T_STR:
		cu_free(*(char **)f);
		*(char **)f = cu_strdup(v);
		break;
	case CFG_T_PATH:
		if ((p = ty_directory(v, err)) == NULL)
			return -1;
		cu_free(*(char **)f);
		*(char **)f = p;
		break;
	case CFG_T_FILE:
	case CFG_T_SDLOG:
		if ((p = ty_dirpath(v, err)) == NULL)
			return -1;
		/* realize(): normalize_path, except for "syslog". */
		if (k->type == CFG_T_SDLOG && (strcasecmp(p, "none") == 0 ||
		    strcasecmp(p, "off") == 0)) {
			cu_free(p);
			p = NULL;
		} else if (k->type != CFG_T_SDLOG ||
		    strcmp(p, "syslog") != 0) {
			t = cu_abspath(p);
			cu_free(p);
			p = t;
			t = NULL;
		}
		cu_free(*(char **)f);
		*(char **)f = p;
		break;
	case CFG_T_LOGFILE:
		if (strcasecmp(v, "none") == 0 || strcasecmp(v, "off") == 0)
			((struct cfg_log *)f)->kind = CFG_LOG_NONE;
		else if (strcasecmp(v, "auto") == 0)
			((struct cfg_log *)f)->kind = CFG_LOG_AUTO;
		else if (strcasecmp(v, "syslog") == 0)
			((struct cfg_log *)f)->kind = CFG_LOG_SYSLOG;
		else if ((p = ty_dirpath(v, err)) == NULL)
			return -1;
		else {
			((struct cfg_log *)f)->kind = CFG_LOG_PATH;
			cu_free(((struct cfg_log *)f)->path);
			((struct cfg_log *)f)->path = p;
		}
		break;
	case CFG_T_LEVEL:
		p = cu_strdup(v);
		cu_lower(p);
		m = loglevel_parse(p);
		cu_free(p);
		if (m == -1) {
			*err = cu_asprintf("bad logging level name '%s' "
			    "(critical, error, warn, info, debug, trace, "
			    "blather)", v);
			rc = -1;
		} else
			*(int *)f = m;
		break;
	default:
		*err = cu_asprintf("no such option");
		rc = -1;
	}
	if (big != NULL && rc == 0)
		*big = t;
	else
		cu_free(t);
	return rc;
}

/*
 * The defaults, converted once: most keys of most program sections are
 * left to their default, and converting the same text again for each
 * process (its integer, its byte size, its signal name) was a fifth of
 * the load time of a large configuration.  Only a default of a type
 * whose conversion depends on nothing but the text, and has no
 * %(name)s to expand, is kept; it sets what cfg_key_set sets.  So is the
 * last text each key was set to, for the many sections that set a key
 * alike.
 */
#define KDEF_N		128	/* a power of 2, more than all the rows */
#define KDEF_CODES	8
#define KDEF_TEXT	32	/* the longest text kept with its value */

/* What a conversion sets, for the types whose result the text decides. */
struct kval {
	union {
		int		 i;
		bool		 b;
		long long	 ll;
		enum cfg_autorestart ar;
		enum cfg_logkind lk;
	}			 v;
	int			 codes[KDEF_CODES];
	size_t			 ncodes;
};

/*
 * A row's default converted (ok), and the last other text converted
 * (text, "" none) with what it gave: thousands of sections that set a
 * key mostly set it alike (stopsignal=TERM, startsecs=1).
 */
struct kdef {
	const struct cfg_key	*k;
	bool			 ok;	/* else: the slow way, each time */
	struct kval		 dv;
	char			 text[KDEF_TEXT];
	struct kval		 tv;
};

static struct kdef	kdefs[KDEF_N];

/* Whether a conversion to k's type depends on the text alone. */
static bool
kval_pure(const struct cfg_key *k)
{
	switch (k->type) {
	case CFG_T_INT:
	case CFG_T_LONG:
	case CFG_T_BOOL:
	case CFG_T_BYTES:
	case CFG_T_OCTAL:
	case CFG_T_SIGNAL:
	case CFG_T_BACKOFF:
	case CFG_T_AUTORESTART:
	case CFG_T_EXITCODES:
	case CFG_T_LOGFILE:	/* its words only: see kval_take */
		return true;
	default:
		return false;
	}
}

/* Set k's field of base to the converted value d. */
static void
kval_set(const struct cfg_key *k, const struct kval *d, void *base)
{
	void	*f = (char *)base + k->off;

	switch (k->type) {
	case CFG_T_INT:
	case CFG_T_OCTAL:
	case CFG_T_SIGNAL:
	case CFG_T_BACKOFF:
		*(int *)f = d->v.i;
		break;
	case CFG_T_LONG:
	case CFG_T_BYTES:
		*(long long *)f = d->v.ll;
		break;
	case CFG_T_BOOL:
		*(bool *)f = d->v.b;
		break;
	case CFG_T_AUTORESTART:
		*(enum cfg_autorestart *)f = d->v.ar;
		break;
	case CFG_T_EXITCODES:
		cu_free(*(int **)f);
		*(int **)f = NULL;
		if (d->ncodes > 0) {
			*(int **)f = cu_calloc(d->ncodes, sizeof(int));
			memcpy(*(int **)f, d->codes, d->ncodes * sizeof(int));
		}
		*FIELD(base, k->aux[0], size_t) = d->ncodes;
		break;
	case CFG_T_LOGFILE:
		((struct cfg_log *)f)->kind = d->v.lk;
		break;
	default:
		abort();
	}
}

/*
 * What cfg_key_set has just set in k's field of base, into d: whether it
 * may stand for that conversion of the same text (a log file's NONE or
 * AUTO; not a path, which asks the file system, nor syslog, warned of).
 */
static bool
kval_take(const struct cfg_key *k, const void *base, struct kval *d)
{
	const void	*f = (const char *)base + k->off;
	size_t		 n;

	switch (k->type) {
	case CFG_T_INT:
	case CFG_T_OCTAL:
	case CFG_T_SIGNAL:
	case CFG_T_BACKOFF:
		d->v.i = *(const int *)f;
		return true;
	case CFG_T_LONG:
	case CFG_T_BYTES:
		d->v.ll = *(const long long *)f;
		return true;
	case CFG_T_BOOL:
		d->v.b = *(const bool *)f;
		return true;
	case CFG_T_AUTORESTART:
		d->v.ar = *(const enum cfg_autorestart *)f;
		return true;
	case CFG_T_EXITCODES:
		n = *(const size_t *)(const void *)((const char *)base +
		    k->aux[0]);
		if (n > KDEF_CODES)
			return false;
		if (n > 0)
			memcpy(d->codes, *(int *const *)f, n * sizeof(int));
		d->ncodes = n;
		return true;
	case CFG_T_LOGFILE:
		d->v.lk = ((const struct cfg_log *)f)->kind;
		return d->v.lk == CFG_LOG_NONE || d->v.lk == CFG_LOG_AUTO;
	default:
		return false;
	}
}

/*
 * Convert v as k's type into d, on a scratch stanza: whether it can
 * stand for the conversion (no error, nothing clamped).
 */
static bool
kval_make(const struct cfg_key *k, const char *v, struct kval *d)
{
	/* Either struct a row's field may be in. */
	union {
		struct cfg_program	p;
		struct cfg_supervisord	sd;
	}		 scratch;
	char		*err = NULL, *t = NULL;
	bool		 ok;

	memset(&scratch, 0, sizeof(scratch));
	ok = cfg_key_set(k, &scratch, v, &err, &t) == 0 && t == NULL &&
	    kval_take(k, &scratch, d);
	if (k->type == CFG_T_EXITCODES)
		cu_free(*(int **)(void *)((char *)&scratch + k->off));
	cu_free(err);
	cu_free(t);
	return ok;
}

/*
 * kval_make of k's default in an arena of its own, which goes whole
 * however the conversion ends.  Out of memory: -1, and nothing is kept.
 */
static int
kdef_try(const struct cfg_key *k, struct kdef *d, bool *ok)
{
	struct cu_arena	*a, *prev_a;
	jmp_buf		 jb, *prev;

	if ((a = cu_arena_new()) == NULL)
		return -1;
	prev_a = cu_arena_use(a);
	prev = cu_oom_catch(&jb);
	if (setjmp(jb) != 0) {
		cu_oom_catch(prev);
		(void)cu_arena_use(prev_a);
		cu_arena_free(a);
		return -1;
	}
	*ok = kval_make(k, k->def, &d->dv);
	cu_oom_catch(prev);
	(void)cu_arena_use(prev_a);
	cu_arena_free(a);
	return 0;
}

/* k's entry (pure types only), its default converted; NULL out of memory. */
static struct kdef *
kdef_of(const struct cfg_key *k)
{
	struct kdef	*d;
	size_t		 i;
	bool		 ok = false;

	for (i = ((uintptr_t)k / sizeof(*k)) & (KDEF_N - 1);
	    kdefs[i].k != NULL; i = (i + 1) & (KDEF_N - 1))
		if (kdefs[i].k == k)
			return &kdefs[i];
	d = &kdefs[i];
	if (k->def != NULL && strchr(k->def, '%') == NULL &&
	    kdef_try(k, d, &ok) == -1)
		return NULL;
	d->ok = ok;
	d->text[0] = '\0';
	d->k = k;
	return d;
}

/*
 * Read key k of s, whose option is o (NULL: unset, its default),
 * expanded with x into its field of base; a clamped number's text is
 * added to big.  -1 after an error, which
 * is reported.
 */
static int
cfg_key_read(struct ld *ld, const struct ini_sect *s, const struct cfg_key *k,
    const struct ini_opt *o, const struct xctx *x, void *base,
    struct cfg_bignum **big, size_t *nbig)
{
	struct kdef		*d = NULL;
	struct kval		 kv;
	const char		*v;
	char			*own = NULL, *v2, *e, *t = NULL;
	int			 rc;

	if (kval_pure(k) && (d = kdef_of(k)) != NULL && o == NULL && d->ok) {
		kval_set(k, &d->dv, base);
		return 0;
	}
	if ((v = o != NULL ? o->val : k->def) == NULL)
		return 0;
	/* Text without a '%' is its own expansion: no copy of it. */
	if (x != NULL && strchr(v, '%') != NULL) {
		if ((own = x_expand(x, v, &e)) == NULL) {
			cfg_kerr(ld, s, k->name, "format string '%s' %s", v, e);
			cu_free(e);
			return -1;
		}
		/* supervisor expands a log file name a second time. */
		if (k->type == CFG_T_LOGFILE && strchr(own, '%') != NULL) {
			if ((v2 = x_expand(x, own, &e)) == NULL) {
				cfg_kerr(ld, s, k->name, "format string '%s' "
				    "%s", own, e);
				cu_free(e);
				cu_free(own);
				return -1;
			}
			cu_free(own);
			own = v2;
		}
		v = own;
	}
	/* The same text as the last time: the same value. */
	if (d != NULL && d->text[0] != '\0' && strcmp(d->text, v) == 0) {
		kval_set(k, &d->tv, base);
		cu_free(own);
		return 0;
	}
	if ((rc = cfg_key_set(k, base, v, &e, &t)) == -1) {
		cfg_kerr(ld, s, k->name, "%s", e);
		cu_free(e);
	} else if (k->type == CFG_T_LOGFILE &&
	    FIELD(base, k->off, struct cfg_log)->kind == CFG_LOG_SYSLOG)
		/* Deprecated; supervisor rewrites it as NONE + _syslog. */
		ld_warn(ld, s->file, s->line, s->name, k->name, "%s=syslog is "
		    "deprecated: use %.6s_syslog=true", k->name, k->name);
	else if (d != NULL && t == NULL && *v != '\0' &&
	    strlen(v) < sizeof(d->text) && kval_take(k, base, &kv)) {
		d->tv = kv;
		memcpy(d->text, v, strlen(v) + 1);
	}
	cfg_big_add(big, nbig, k->name, t);
	cu_free(own);
	return rc;
}

/*
 * The options of s, with those of [DEFAULT] it lacks, by row of t's own
 * rows into ld->krow: a section's keys are read once for the section and
 * once for each process, and a walk of its options for each row was the
 * largest part of reading a program.  With warn, each key of s that t
 * lacks is warned of (a [DEFAULT] key copied in is not s's own).
 */
static void
krow_fill(struct ld *ld, const struct ini_sect *s, const struct cfg_ktable *t,
    bool warn)
{
	const struct ini_sect	*d = ld->ini.defaults;
	const struct cfg_key	*k;
	const struct ini_opt	*o;
	size_t			 i;

	assert(t->nown <= LD_KROWS);
	memset(ld->krow, 0, t->nown * sizeof(ld->krow[0]));
	for (i = 0; d != NULL && d != s && i < d->n; i++) {
		k = cfg_key_find(t, d->o[i].key);
		if (k != NULL && k >= t->own && k < t->own + t->nown)
			ld->krow[k - t->own] = &d->o[i];
	}
	for (i = 0; i < s->n; i++) {
		o = &s->o[i];
		if ((k = cfg_key_find(t, o->key)) == NULL) {
			if (warn && !o->dflt)
				ld_warn(ld, o->file, o->line, s->name, o->key,
				    "unknown key, ignored (supervisor ignores "
				    "it too)");
			continue;
		}
		if (k >= t->own && k < t->own + t->nown)
			ld->krow[k - t->own] = o;
	}
	ld->krow_sect = s;
	ld->krow_table = t;
}

void
cfg_warn_unknown(struct ld *ld, const struct ini_sect *s, const char *kind)
{
	/* The rows found on the way are those the section is read by. */
	krow_fill(ld, s, cfg_ktable(kind), true);
}

int
cfg_keys_read(struct ld *ld, const struct ini_sect *s,
    const struct cfg_ktable *t, unsigned flags, const struct xctx *x,
    void *base, struct cfg_bignum **big, size_t *nbig)
{
	const struct cfg_key	*k;
	size_t			 i;

	if (ld->krow_sect != s || ld->krow_table != t)
		krow_fill(ld, s, t, false);
	for (i = 0; i < t->nown; i++) {
		k = &t->own[i];
		if ((k->flags & (CFG_F_READ | CFG_F_PROC)) != flags)
			continue;
		if (cfg_key_read(ld, s, k, ld->krow[i], x, base, big,
		    nbig) == -1)
			return -1;
	}
	return 0;
}
