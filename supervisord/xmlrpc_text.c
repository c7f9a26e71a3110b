/*
 * xmlrpc_text: a scalar's text read as Python's xmlrpc.client reads it
 * (see xmlrpc_text.h).
 */
#include <sys/types.h>

#include <limits.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "supervisord/xmlrpc_text.h"

int
xr_text_int(const char *s, long long *out)
{
	unsigned long long	 acc = 0, lim = LLONG_MAX;
	bool			 neg = false;
	unsigned		 dig;

	/* Python's int(): blanks around, a sign, _ between digits. */
	s += strspn(s, " \t\n\r\f\v");
	if (*s == '-' || *s == '+')
		neg = *s++ == '-';
	if (neg)
		lim = (unsigned long long)LLONG_MAX + 1;
	if (*s < '0' || *s > '9')
		return -1;
	for (;; s++) {
		if (*s == '_' && s[1] >= '0' && s[1] <= '9')
			continue;
		if (*s < '0' || *s > '9')
			break;
		dig = *s - '0';
		if (acc > (lim - dig) / 10)
			return -1;
		acc = acc * 10 + dig;
	}
	if (s[strspn(s, " \t\n\r\f\v")] != '\0')
		return -1;
	*out = neg ? (long long)(0 - acc) : (long long)acc;
	return 0;
}

int
xr_text_double(const char *s, double *out)
{
	char		 buf[128], *end, *b;
	const char	*w;
	size_t		 i, n;

	/* Python's float(): no hex, no nan(...), _ between digits. */
	s += strspn(s, " \t\n\r\f\v");
	for (n = strlen(s); n > 0 && strchr(" \t\n\r\f\v", s[n - 1]); n--)
		;
	if (n == 0 || n >= sizeof(buf))
		return -1;
	w = s + (*s == '-' || *s == '+');
	if ((s + n - w == 3 && (strncasecmp(w, "inf", 3) == 0 ||
	    strncasecmp(w, "nan", 3) == 0)) ||
	    (s + n - w == 8 && strncasecmp(w, "infinity", 8) == 0)) {
		memcpy(buf, s, n);
		buf[n] = '\0';
		*out = strtod(buf, NULL);
		return 0;
	}
	for (i = 0, b = buf; i < n; i++) {
		if (s[i] == '_' && i > 0 && s[i - 1] >= '0' &&
		    s[i - 1] <= '9' && s[i + 1] >= '0' && s[i + 1] <= '9')
			continue;
		if (s[i] == '\0' || strchr("0123456789.eE+-", s[i]) == NULL)
			return -1;
		*b++ = s[i];
	}
	*b = '\0';
	*out = strtod(buf, &end);
	return end == b && b > buf ? 0 : -1;
}

/*
 * base64 as Python's non-strict decoder: other characters are skipped.
 * In place: each byte is written behind the text it comes from.  The
 * length, NUL-terminated, or -1.
 */
ssize_t
xr_text_base64(char *s, size_t len)
{
	static const char	 alpha[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "abcdefghijklmnopqrstuvwxyz0123456789+/";
	const char		*c;
	unsigned		 acc = 0, q = 0;
	size_t			 i, n = 0;

	for (i = 0; i < len; i++) {
		if (s[i] == '\0' || (c = strchr(alpha, s[i])) == NULL)
			continue;
		acc = acc << 6 | (unsigned)(c - alpha);
		if (++q == 4) {
			s[n++] = acc >> 16;
			s[n++] = acc >> 8;
			s[n++] = acc;
			acc = q = 0;
		}
	}
	if (q == 1)
		return -1;
	if (q == 2)
		s[n++] = acc >> 4;
	else if (q == 3) {
		s[n++] = acc >> 10;
		s[n++] = acc >> 2;
	}
	s[n] = '\0';
	return (ssize_t)n;
}
