/*
 * config_expand: %-expansion: Python's "s % mapping" with supervisor's names.
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

#include "supervisord/config_util.h"
#include "supervisord/config_expand.h"

/*
 * Expansion: Python's "s % mapping" with supervisor's names.  A name
 * missing from the mapping is an error, as there; a conversion without a
 * name ("%s") would format the whole mapping in Python, which no one
 * means: it is an error here.
 */

/* The value of name: 1 string, 2 integer, 0 unknown. */
static int
x_lookup(const struct xctx *x, const char *name, const char **s,
    long long *i)
{
	const char	*v;

	if (strncmp(name, "ENV_", 4) == 0) {
		if ((v = cu_kvl_get(x->penv, name + 4)) != NULL ||
		    (v = cu_kvl_get(x->env, name)) != NULL) {
			*s = v;
			return 1;
		}
		return 0;
	}
	if (strcmp(name, "here") == 0 && x->here != NULL)
		*s = x->here;
	else if (strcmp(name, "program_name") == 0 && x->program_name != NULL)
		*s = x->program_name;
	else if (strcmp(name, "group_name") == 0 && x->group_name != NULL)
		*s = x->group_name;
	else if (strcmp(name, "host_node_name") == 0 && x->host != NULL)
		*s = x->host;
	else if (strcmp(name, "process_num") == 0 && x->has_num) {
		*i = x->process_num;
		return 2;
	} else if (strcmp(name, "numprocs") == 0 && x->has_num) {
		*i = x->numprocs;
		return 2;
	} else
		return 0;
	return 1;
}

static void
x_names(const struct xctx *x, struct cu_sbuf *b)
{
	const char	*names[] = { "group_name", "here", "host_node_name",
	    "numprocs", "process_num", "program_name" };
	const char	*s;
	long long	 i;
	size_t		 k;
	bool		 first = true;

	for (k = 0; k < sizeof(names) / sizeof(names[0]); k++)
		if (x_lookup(x, names[k], &s, &i) != 0) {
			if (!first)
				cu_sb_add(b, ", ");
			cu_sb_add(b, names[k]);
			first = false;
		}
	if (!first)
		cu_sb_add(b, ", ");
	cu_sb_add(b, "ENV_ and the name of any environment variable");
}

/* Characters in s, as Python counts them: UTF-8 lead bytes. */
static size_t
u8_chars(const char *s)
{
	size_t	n = 0;

	for (; *s != '\0'; s++)
		if (((unsigned char)*s & 0xc0) != 0x80)
			n++;
	return n;
}

/*
 * Pad s to width as Python's % does, counting characters: left with '-',
 * zeros after a sign (and after a 0x or 0o prefix, which sign holds).
 */
static void
x_pad(struct cu_sbuf *b, const char *flags, int width, const char *sign,
    const char *body, bool numeric)
{
	size_t	len = u8_chars(sign) + u8_chars(body);
	int	pad = width > (int)len ? width - (int)len : 0;

	if (strchr(flags, '-') != NULL) {
		cu_sb_add(b, sign);
		cu_sb_add(b, body);
		for (; pad > 0; pad--)
			cu_sb_addc(b, ' ');
	} else if (numeric && strchr(flags, '0') != NULL) {
		cu_sb_add(b, sign);
		for (; pad > 0; pad--)
			cu_sb_addc(b, '0');
		cu_sb_add(b, body);
	} else {
		for (; pad > 0; pad--)
			cu_sb_addc(b, ' ');
		cu_sb_add(b, sign);
		cu_sb_add(b, body);
	}
}

/* One conversion of a string (kind 1) or an integer (kind 2). */
static int
x_conv(struct cu_sbuf *b, const char *flags, int width, int prec, char conv,
    int kind, const char *sv, long long iv, char **errp)
{
	char			 num[400], sign[8], *t;
	unsigned long long	 u;
	const char		*digits;
	int			 base, i;
	size_t			 cut;
	double			 d;

	if (conv == 'c' && kind == 1) {
		/* Python: one character, not a longer string. */
		if (sv[0] == '\0' || u8_chars(sv) != 1) {
			*errp = cu_asprintf("badly formatted: %%c requires int "
			    "or char");
			return -1;
		}
		x_pad(b, flags, width, "", sv, false);
		return 0;
	}
	if (conv == 'c') {
		/*
		 * Any code point, as UTF-8.  NUL and the surrogates Python
		 * also takes cannot stand in a C string or in UTF-8: refused.
		 */
		if (iv < 0 || iv > 0x10ffff) {
			*errp = cu_asprintf("badly formatted: %%c arg not in "
			    "range(0x110000)");
			return -1;
		}
		if (iv == 0 || (iv >= 0xd800 && iv <= 0xdfff)) {
			*errp = cu_asprintf("badly formatted: %%c of %lld "
			    "is no character here", iv);
			return -1;
		}
		u = (unsigned long long)iv;
		if (u < 0x80) {
			num[0] = (char)u;
			num[1] = '\0';
		} else if (u < 0x800) {
			num[0] = (char)(0xc0 | u >> 6);
			num[1] = (char)(0x80 | (u & 0x3f));
			num[2] = '\0';
		} else if (u < 0x10000) {
			num[0] = (char)(0xe0 | u >> 12);
			num[1] = (char)(0x80 | ((u >> 6) & 0x3f));
			num[2] = (char)(0x80 | (u & 0x3f));
			num[3] = '\0';
		} else {
			num[0] = (char)(0xf0 | u >> 18);
			num[1] = (char)(0x80 | ((u >> 12) & 0x3f));
			num[2] = (char)(0x80 | ((u >> 6) & 0x3f));
			num[3] = (char)(0x80 | (u & 0x3f));
			num[4] = '\0';
		}
		x_pad(b, flags, width, "", num, false);
		return 0;
	}
	if (kind == 1 || strchr("sra", conv) != NULL) {
		if (kind == 1 && strchr("sra", conv) == NULL) {
			*errp = cu_asprintf("badly formatted: %%%c format: a "
			    "real number is required, not str", conv);
			return -1;
		}
		if (kind == 2) {
			snprintf(num, sizeof(num), "%lld", iv);
			t = cu_strdup(num);
		} else
			t = conv == 's' ? cu_strdup(sv) : cu_asprintf("'%s'",
			    sv);
		/* The precision counts characters, as Python's does. */
		if (prec >= 0) {
			for (cut = 0; t[cut] != '\0'; cut++)
				if (((unsigned char)t[cut] & 0xc0) != 0x80 &&
				    prec-- == 0)
					break;
			t[cut] = '\0';
		}
		x_pad(b, flags, width, "", t, false);
		cu_free(t);
		return 0;
	}
	sign[0] = '\0';
	if (iv < 0)
		snprintf(sign, sizeof(sign), "%s", "-");
	else if (strchr(flags, '+') != NULL)
		snprintf(sign, sizeof(sign), "%s", "+");
	else if (strchr(flags, ' ') != NULL)
		snprintf(sign, sizeof(sign), "%s", " ");
	if (strchr("eEfFgG", conv) != NULL) {
		d = (double)(iv < 0 ? -iv : iv);
		if (prec < 0)
			prec = 6;
		if (prec > 50)
			prec = 50;
		switch (conv) {
		case 'e':
			snprintf(num, sizeof(num), "%.*e", prec, d);
			break;
		case 'E':
			snprintf(num, sizeof(num), "%.*E", prec, d);
			break;
		case 'g':
			snprintf(num, sizeof(num), "%.*g", prec, d);
			break;
		case 'G':
			snprintf(num, sizeof(num), "%.*G", prec, d);
			break;
		default:
			snprintf(num, sizeof(num), "%.*f", prec, d);
		}
		x_pad(b, flags, width, sign, num, true);
		return 0;
	}
	base = conv == 'o' ? 8 : (conv == 'x' || conv == 'X') ? 16 : 10;
	digits = conv == 'X' ? "0123456789ABCDEF" : "0123456789abcdef";
	u = iv < 0 ? 0ULL - (unsigned long long)iv : (unsigned long long)iv;
	i = sizeof(num) - 1;
	num[i] = '\0';
	do {
		num[--i] = digits[u % (unsigned)base];
		u /= (unsigned)base;
	} while (u != 0 && i > 0);
	while (prec > 0 && (int)sizeof(num) - 1 - i < prec && i > 3)
		num[--i] = '0';
	/* Python zero-pads between the 0x prefix and the digits. */
	if (strchr(flags, '#') != NULL && base != 10)
		snprintf(sign + strlen(sign), sizeof(sign) - strlen(sign),
		    "0%c", conv == 'o' ? 'o' : conv);
	x_pad(b, flags, width, sign, num + i, true);
	return 0;
}

/* Expand s; NULL with a message in *errp (malloc'ed) on error. */
char *
x_expand(const struct xctx *x, const char *s, char **errp)
{
	struct cu_sbuf	 b = { 0 }, nb = { 0 };
	const char	*p, *q, *sv = NULL;
	char		 flags[8], conv, *name;
	long long	 iv = 0;
	int		 kind, depth, width, prec;
	size_t		 nf;

	*errp = NULL;
	if (strchr(s, '%') == NULL)
		return cu_strdup(s);
	for (p = s; *p != '\0'; p++) {
		if (*p != '%') {
			/* The text up to the next '%' in one copy. */
			q = strchrnul(p, '%');
			cu_sb_addn(&b, p, (size_t)(q - p));
			p = q - 1;
			continue;
		}
		q = p + 1;
		if (*q == '%') {
			cu_sb_addc(&b, '%');
			p = q;
			continue;
		}
		if (*q != '(') {
			if (*q == '\0')
				*errp = cu_asprintf("badly formatted: "
				    "incomplete format (a bare %% at the end: "
				    "write %%%% for a %%)");
			else
				*errp = cu_asprintf("badly formatted: '%%%c' "
				    "at index %d names no value (write "
				    "%%(name)s, or %%%% for a %%)", *q,
				    (int)(p - s));
			goto bad;
		}
		for (depth = 1, q++; *q != '\0' && depth > 0; q++)
			if (*q == '(')
				depth++;
			else if (*q == ')')
				depth--;
		if (depth > 0) {
			*errp = cu_asprintf("badly formatted: incomplete "
			    "format key at index %d", (int)(p - s));
			goto bad;
		}
		name = cu_strndup(p + 2, (size_t)(q - p - 3));
		nf = 0;
		flags[0] = '\0';
		while (*q != '\0' && strchr("-+ #0", *q) != NULL) {
			if (nf < sizeof(flags) - 1 && strchr(flags, *q) == NULL)
				flags[nf++] = *q;
			flags[nf] = '\0';
			q++;
		}
		flags[nf] = '\0';
		width = prec = -1;
		if (*q == '*') {
			cu_free(name);
			*errp = cu_asprintf("badly formatted: '*' width at "
			    "index %d needs a tuple", (int)(p - s));
			goto bad;
		}
		if (isdigit((unsigned char)*q)) {
			width = 0;
			while (isdigit((unsigned char)*q) && width < 100000)
				width = width * 10 + (*q++ - '0');
		}
		if (*q == '.') {
			q++;
			prec = 0;
			while (isdigit((unsigned char)*q) && prec < 100000)
				prec = prec * 10 + (*q++ - '0');
		}
		while (*q == 'h' || *q == 'l' || *q == 'L')
			q++;
		conv = *q;
		/*
		 * Python 3 reads "%%" only as a whole: after a mapping key
		 * a '%' is an unsupported conversion.
		 */
		if (conv == '\0' || strchr("diouxXeEfFgGcrsa", conv) == NULL) {
			if (conv == '\0')
				*errp = cu_asprintf("badly formatted: "
				    "incomplete format");
			else
				*errp = cu_asprintf("badly formatted: "
				    "unsupported format character '%c' (0x%x) "
				    "at index %d", conv, (unsigned char)conv,
				    (int)(q - s));
			cu_free(name);
			goto bad;
		}
		if ((kind = x_lookup(x, name, &sv, &iv)) == 0) {
			cu_sb_add(&nb, "");
			x_names(x, &nb);
			*errp = cu_asprintf("%%(%s) cannot be expanded: no "
			    "such name (available: %s)", name, nb.s);
			cu_free(nb.s);
			cu_free(name);
			goto bad;
		}
		cu_free(name);
		if (x_conv(&b, flags, width, prec, conv, kind, sv, iv,
		    errp) == -1)
			goto bad;
		p = q;
	}
	return cu_sb_take(&b);
bad:
	cu_free(b.s);
	return NULL;
}
