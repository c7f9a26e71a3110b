/*
 * config_types: the value types of supervisor's datatypes.py, with our
 * messages.
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

#include "libproc/signame.h"
#include "supervisord/config_util.h"
#include "supervisord/config_types.h"

/* Value types of datatypes.py, with our messages. */

int
ty_bool(const char *v, bool *out)
{
	static const char *const t[] = { "yes", "true", "on", "1" };
	static const char *const f[] = { "no", "false", "off", "0" };
	size_t	i;

	for (i = 0; i < 4; i++) {
		if (strcasecmp(v, t[i]) == 0) {
			*out = true;
			return 0;
		}
		if (strcasecmp(v, f[i]) == 0) {
			*out = false;
			return 0;
		}
	}
	return -1;
}

/* int(): Python 3.11's, as supervisor's integer() and octal_type call it. */

/*
 * The zeros of Unicode 14's category Nd (Python 3.11's unicodedata):
 * each begins a run of ten digits, 0 to 9, which int() reads as ASCII's.
 */
static const uint32_t nd_zeros[] = {
	0x30, 0x660, 0x6f0, 0x7c0, 0x966, 0x9e6, 0xa66, 0xae6, 0xb66, 0xbe6,
	0xc66, 0xce6, 0xd66, 0xde6, 0xe50, 0xed0, 0xf20, 0x1040, 0x1090,
	0x17e0, 0x1810, 0x1946, 0x19d0, 0x1a80, 0x1a90, 0x1b50, 0x1bb0,
	0x1c40, 0x1c50, 0xa620, 0xa8d0, 0xa900, 0xa9d0, 0xa9f0, 0xaa50,
	0xabf0, 0xff10, 0x104a0, 0x10d30, 0x11066, 0x110f0, 0x11136, 0x111d0,
	0x112f0, 0x11450, 0x114d0, 0x11650, 0x116c0, 0x11730, 0x118e0,
	0x11950, 0x11c50, 0x11d50, 0x11da0, 0x16a60, 0x16ac0, 0x16b50,
	0x1d7ce, 0x1d7d8, 0x1d7e2, 0x1d7ec, 0x1d7f6, 0x1e140, 0x1e2f0,
	0x1e950, 0x1fbf0
};

/* Py_UNICODE_ISSPACE beyond ASCII: int() reads these as blanks. */
static const uint32_t u_spaces[] = {
	0x85, 0xa0, 0x1680, 0x2000, 0x2001, 0x2002, 0x2003, 0x2004, 0x2005,
	0x2006, 0x2007, 0x2008, 0x2009, 0x200a, 0x2028, 0x2029, 0x202f,
	0x205f, 0x3000
};

/* The next code point of UTF-8 text, advancing *pp; -1 if malformed. */
long
ty_u8_next(const unsigned char **pp)
{
	const unsigned char	*p = *pp;
	long			 c;
	int			 n, i;

	if (p[0] < 0x80) {
		*pp = p + 1;
		return p[0];
	}
	if (p[0] >= 0xc2 && p[0] <= 0xdf)
		n = 1, c = p[0] & 0x1f;
	else if (p[0] >= 0xe0 && p[0] <= 0xef)
		n = 2, c = p[0] & 0x0f;
	else if (p[0] >= 0xf0 && p[0] <= 0xf4)
		n = 3, c = p[0] & 0x07;
	else
		return -1;
	for (i = 1; i <= n; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return -1;
		c = c << 6 | (p[i] & 0x3f);
	}
	*pp = p + n + 1;
	return c;
}

/*
 * What int() makes of one code point (_PyUnicode_TransformDecimalAndSpace
 * ToASCII): ASCII as is, a Unicode blank as ' ', a decimal digit as its
 * ASCII digit, anything else as '?' (which no number contains).
 */
int
ty_ascii(long c)
{
	size_t	i;

	if (c >= 0 && c < 127)
		return (int)c;
	for (i = 0; i < sizeof(u_spaces) / sizeof(u_spaces[0]); i++)
		if ((uint32_t)c == u_spaces[i])
			return ' ';
	for (i = 0; i < sizeof(nd_zeros) / sizeof(nd_zeros[0]); i++)
		if ((uint32_t)c >= nd_zeros[i] &&
		    (uint32_t)c < nd_zeros[i] + 10)
			return '0' + (int)((uint32_t)c - nd_zeros[i]);
	return '?';
}

/* Python's Py_ISSPACE: the blanks int() skips (not \x1c-\x1f). */
static bool
py_blank(int c)
{
	return c == ' ' || (c >= '\t' && c <= '\r');
}

/*
 * int(v) for base 10, int(v, 8) for base 8, as Python 3.11: blanks
 * around, a sign, in base 8 an optional 0o (an underscore may follow it),
 * then digits (any Unicode decimal digit) with single underscores between
 * them; in base 10 at most 4300 digits.  0 with *pi filled (free
 * pi->digits), or -1 if Python raises ValueError (pi->toolong says when
 * the limit is why).
 */
int
ty_pyint(const char *v, int base, struct ty_pyint *pi)
{
	const unsigned char	*p = (const unsigned char *)v;
	struct cu_sbuf		 a = { 0 };
	const char		*q;
	unsigned long long	 n = 0, lim;
	size_t			 ndig = 0, len = 0;
	long			 c;

	memset(pi, 0, sizeof(*pi));
	/* Transform to ASCII first, as int() does (most often, it is). */
	while (*p != '\0' && *p < 127)
		p++;
	if (*p == '\0')
		q = v;
	else {
		for (p = (const unsigned char *)v; *p != '\0';) {
			if ((c = ty_u8_next(&p)) == -1) {
				cu_free(a.s);
				return -1;
			}
			cu_sb_addc(&a, (char)ty_ascii(c));
		}
		cu_sb_addc(&a, '\0');
		q = a.s;
	}
	while (py_blank(*q))
		q++;
	if (*q == '+' || *q == '-')
		pi->neg = *q++ == '-';
	if (base == 8 && q[0] == '0' && (q[1] == 'o' || q[1] == 'O')) {
		q += 2;
		if (*q == '_')
			q++;
	}
	pi->digits = cu_calloc(strlen(q) + 2, 1);
	lim = pi->neg ? (unsigned long long)LLONG_MAX + 1 : LLONG_MAX;
	for (; *q >= '0' && *q < '0' + base; q++) {
		ndig++;
		if (len > 0 || *q != '0')
			pi->digits[len++] = *q;
		if (!pi->clamped && n > (lim - (unsigned)(*q - '0')) / base)
			pi->clamped = true;
		else if (!pi->clamped)
			n = n * base + (unsigned)(*q - '0');
		if (q[1] == '_' && q[2] >= '0' && q[2] < '0' + base)
			q++;
	}
	while (py_blank(*q))
		q++;
	if (ndig == 0 || *q != '\0' ||
	    (pi->toolong = base == 10 && ndig > TY_INT_MAX_DIGITS)) {
		cu_free(a.s);
		cu_free(pi->digits);
		pi->digits = NULL;
		return -1;
	}
	cu_free(a.s);
	if (len == 0) {
		pi->digits[0] = '0';
		pi->neg = false;
	}
	if (pi->clamped)
		pi->v = pi->neg ? LLONG_MIN : LLONG_MAX;
	else
		pi->v = pi->neg ? (long long)(0 - n) : (long long)n;
	return 0;
}

/* int(v): the value clamped to long long.  0, or -1. */
int
ty_int(const char *v, long long *out)
{
	struct ty_pyint	pi;

	if (ty_pyint(v, 10, &pi) == -1)
		return -1;
	cu_free(pi.digits);
	*out = pi.v;
	return 0;
}

/* str() of the value read, in decimal: malloc'ed. */
char *
ty_pyint_text(const struct ty_pyint *pi)
{
	return cu_asprintf("%s%s", pi->neg ? "-" : "", pi->digits);
}

/* Decimal digits times m, in place (the buffer has room for 10 more). */
static void
dec_mul(char *d, unsigned long m)
{
	size_t			 n = strlen(d), i;
	unsigned long long	 carry = 0, x;
	char			 tmp[24];
	int			 k;

	if (strcmp(d, "0") == 0)
		return;
	for (i = n; i-- > 0;) {
		x = (unsigned long long)(d[i] - '0') * m + carry;
		d[i] = (char)('0' + x % 10);
		carry = x / 10;
	}
	if (carry == 0)
		return;
	k = snprintf(tmp, sizeof(tmp), "%llu", carry);
	memmove(d + k, d, n + 1);
	memcpy(d, tmp, (size_t)k);
}

/*
 * byte_size: int() of v, times 1024, 1024^2 or 1024^3 after a kb, mb or
 * gb suffix in any case (as v.cu_lower() finds it: the KELVIN SIGN lowers to
 * k).  *out clamped; *text the decimal value when it does not fit a long
 * long (malloc'ed), else NULL.  0, or -1.
 */
int
ty_bytes(const char *v, long long *out, char **text)
{
	struct ty_pyint	 pi;
	size_t		 n = strlen(v), cut = 0;
	long long	 m = 1;
	char		*d;
	int		 rc;

	*text = NULL;
	if (n >= 2 && (v[n - 1] == 'b' || v[n - 1] == 'B')) {
		cut = 2;
		if (v[n - 2] == 'k' || v[n - 2] == 'K')
			m = 1024;
		else if (v[n - 2] == 'm' || v[n - 2] == 'M')
			m = 1024 * 1024;
		else if (v[n - 2] == 'g' || v[n - 2] == 'G')
			m = 1024LL * 1024 * 1024;
		else if (n >= 4 && memcmp(v + n - 4, "\xe2\x84\xaa", 3) == 0) {
			m = 1024;
			cut = 4;
		} else
			cut = 0;
	}
	d = cu_strndup(v, n - cut);
	rc = ty_pyint(d, 10, &pi);
	cu_free(d);
	if (rc == -1)
		return -1;
	if (!pi.clamped && pi.v <= LLONG_MAX / m && pi.v >= LLONG_MIN / m)
		*out = pi.v * m;
	else {
		*out = pi.neg ? LLONG_MIN : LLONG_MAX;
		d = cu_calloc(strlen(pi.digits) + 12, 1);
		memcpy(d, pi.digits, strlen(pi.digits));
		dec_mul(d, (unsigned long)m);
		*text = cu_asprintf("%s%s", pi.neg ? "-" : "", d);
		cu_free(d);
	}
	cu_free(pi.digits);
	return 0;
}

/*
 * octal_type: int(v, 8).  A mode that does not fit an int, or is below
 * 0 (supervisor keeps either; os.umask and os.chmod would take its low
 * bits, or fail), is used by its low ndig octal digits, as mode_t's two's
 * complement has them; *text then holds it as Python's '%0Wo' prints it
 * (W = ndig), for --dump-config.  0, or -1.
 */
int
ty_octal(const char *v, int ndig, int *out, char **text)
{
	struct ty_pyint	 pi;
	size_t		 n;
	int		 low = 0, mod = 1 << (3 * ndig), pad, i;

	*text = NULL;
	if (ty_pyint(v, 8, &pi) == -1)
		return -1;
	if (!pi.neg && !pi.clamped && pi.v <= INT_MAX) {
		*out = (int)pi.v;
		cu_free(pi.digits);
		return 0;
	}
	n = strlen(pi.digits);
	for (i = n > (size_t)ndig ? (int)n - ndig : 0; i < (int)n; i++)
		low = low * 8 + (pi.digits[i] - '0');
	*out = pi.neg ? (mod - low) % mod : low;
	pad = ndig - (pi.neg ? 1 : 0) - (int)n;
	*text = cu_asprintf("%s%.*s%s", pi.neg ? "-" : "", pad > 0 ? pad : 0,
	    "0000", pi.digits);
	cu_free(pi.digits);
	return 0;
}

/* name_to_uid: a name or a number that must exist. */
int
ty_uid(const char *v, uid_t *uid, gid_t *gid, char **err)
{
	struct passwd	*pw;
	long long	 n;

	if (ty_int(v, &n) == 0) {
		if (n < 0 || n > (long long)UINT32_MAX - 1 ||
		    (pw = getpwuid((uid_t)n)) == NULL) {
			*err = cu_asprintf("invalid user id %s: no such user",
			    v);
			return -1;
		}
	} else if ((pw = getpwnam(v)) == NULL) {
		*err = cu_asprintf("invalid user name %s: no such user", v);
		return -1;
	}
	*uid = pw->pw_uid;
	*gid = pw->pw_gid;
	return 0;
}

int
ty_gid(const char *v, gid_t *gid)
{
	struct group	*gr;
	long long	 n;

	if (ty_int(v, &n) == 0) {
		if (n < 0 || (gr = getgrgid((gid_t)n)) == NULL)
			return -1;
	} else if ((gr = getgrnam(v)) == NULL)
		return -1;
	*gid = gr->gr_gid;
	return 0;
}

/* existing_dirpath: the directory of the path must exist. */
char *
ty_dirpath(const char *v, char **err)
{
	char	*nv, *d;

	nv = cu_expanduser(v);
	d = cu_dirname(nv);
	if (*d != '\0' && !cu_is_dir(d)) {
		*err = cu_asprintf("the directory named as part of the path %s "
		    "does not exist", v);
		cu_free(d);
		cu_free(nv);
		return NULL;
	}
	cu_free(d);
	return nv;
}

char *
ty_directory(const char *v, char **err)
{
	char	*nv;

	nv = cu_expanduser(v);
	if (!cu_is_dir(nv)) {
		*err = cu_asprintf("%s is not an existing directory", v);
		cu_free(nv);
		return NULL;
	}
	return nv;
}

/* process_or_group_name */
char *
ty_name(const char *v, char **err)
{
	char	*s;
	const char *bad;

	s = cu_strip(v, strlen(v));
	for (bad = " :/"; *bad != '\0'; bad++)
		if (strchr(s, *bad) != NULL) {
			*err = cu_asprintf("invalid name '%s': it contains "
			    "'%c'", v, *bad);
			cu_free(s);
			return NULL;
		}
	return s;
}

/* signal_number */
int
ty_signal(const char *v, int *out)
{
	long long	n;
	char		*s, num[24];
	int		sig;

	if (ty_int(v, &n) == 0) {
		/* int() read it: its digits may be other than ASCII. */
		snprintf(num, sizeof(num), "%lld", n);
		sig = n >= 1 && n < NSIG ? proc_sig_num(num) : -1;
	} else {
		s = cu_strip(v, strlen(v));
		sig = proc_sig_num(s);
		cu_free(s);
	}
	if (sig <= 0)
		return -1;
	*out = sig;
	return 0;
}

/*
 * dict_of_key_value_pairs: Python's shlex.shlex (not POSIX mode, with
 * '/.+-():' added to the word characters) cuts the text into tokens;
 * every fourth token (the comma) is skipped unread, as there.
 */
struct tokl {
	char	**t;
	size_t	  n;
};

static bool
sh_word(unsigned char c)
{
	return isalnum(c) || c == '_' || (c != 0 && strchr("/.+-():", c));
}

static size_t
u8len(const char *p)
{
	unsigned char c = (unsigned char)*p;

	if (c < 0x80)
		return 1;
	if (c >= 0xf0)
		return 4;
	if (c >= 0xe0)
		return 3;
	return 2;
}

static int
shlex_split(const char *s, struct tokl *tl, char **err)
{
	const char	*p = s, *q;
	struct cu_sbuf	 tok = { 0 };
	char		 state = ' ';
	size_t		 n;

	for (;;) {
		char c = *p;

		if (state == ' ') {
			if (c == '\0')
				break;
			if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
				p++;
				continue;
			}
			if (c == '#') {
				while (*p != '\0' && *p != '\n')
					p++;
				continue;
			}
			if (sh_word((unsigned char)c)) {
				cu_sb_addc(&tok, c);
				state = 'a';
				p++;
				continue;
			}
			if (c == '\'' || c == '"') {
				cu_sb_addc(&tok, c);
				state = c;
				p++;
				continue;
			}
			n = u8len(p);
			cu_sb_addn(&tok, p, n);
			p += n;
			goto emit;
		} else if (state == '\'' || state == '"') {
			/* To the closing quote, in one piece. */
			if ((q = strchr(p, state)) == NULL) {
				*err = cu_asprintf("no closing quotation");
				cu_free(tok.s);
				return -1;
			}
			cu_sb_addn(&tok, p, (size_t)(q - p) + 1);
			p = q + 1;
			goto emit;
		} else {
			/* The word's characters, in one piece. */
			for (q = p; *q != '\0' && (sh_word((unsigned char)*q) ||
			    *q == '\'' || *q == '"'); q++)
				;
			if (q > p) {
				cu_sb_addn(&tok, p, (size_t)(q - p));
				p = q;
				continue;
			}
			if (c == '\0')
				goto emit;
			if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
				p++;
				goto emit;
			}
			if (c == '#') {
				while (*p != '\0' && *p != '\n')
					p++;
				goto emit;
			}
			goto emit;
		}
emit:
		tl->t = cu_realloc(tl->t, tl->n + 1, sizeof(*tl->t));
		tl->t[tl->n++] = cu_sb_take(&tok);
		state = ' ';
	}
	return 0;
}

static void
tokl_free(struct tokl *tl)
{
	size_t	i;

	for (i = 0; i < tl->n; i++)
		cu_free(tl->t[i]);
	cu_free(tl->t);
}

static char *
strip_quotes(const char *s)
{
	size_t	n = strlen(s);

	while (*s == '\'' || *s == '"') {
		s++;
		n--;
	}
	while (n > 0 && (s[n - 1] == '\'' || s[n - 1] == '"'))
		n--;
	return cu_strndup(s, n);
}

int
ty_env(const char *s, struct cu_kvl *out, char **err)
{
	struct tokl	tl = { 0 };
	size_t		i;
	char		*v;

	if (shlex_split(s, &tl, err) == -1) {
		tokl_free(&tl);
		return -1;
	}
	for (i = 0; i < tl.n; i += 4) {
		if (i + 2 >= tl.n || strcmp(tl.t[i + 1], "=") != 0) {
			*err = cu_asprintf("unexpected end of key/value pairs "
			    "in value '%s' (KEY=value, comma-separated; "
			    "quote values with other characters)", s);
			tokl_free(&tl);
			return -1;
		}
		v = strip_quotes(tl.t[i + 2]);
		cu_kvl_set(out, tl.t[i], v);
		cu_free(v);
	}
	tokl_free(&tl);
	return 0;
}

/* A Python import spec "module:attr" or "module"; syntax only. */
bool
ty_spec_ok(const char *v)
{
	const char	*p;
	bool		 start = true;

	if (*v == '\0')
		return false;
	for (p = v; *p != '\0'; p++) {
		if (*p == '.' || *p == ':') {
			if (start)
				return false;
			start = true;
			continue;
		}
		if (!(isalnum((unsigned char)*p) || *p == '_') ||
		    (start && isdigit((unsigned char)*p)))
			return false;
		start = false;
	}
	return !start && strchr(strchr(v, ':') != NULL ? strchr(v, ':') + 1 :
	    "", ':') == NULL;
}

/*
 * Import specs the daemon can vouch for: supervisor's own.  Any other
 * names Python code that supervisor would import and this daemon cannot;
 * supervisor rejects it unless that code is installed.
 */
bool
ty_spec_known(const char *v)
{
	static const char *const known[] = {
		"supervisor.dispatchers:default_handler",
		"supervisor.rpcinterface:make_main_rpcinterface",
		NULL
	};

	return cu_in_list(known, v);
}
