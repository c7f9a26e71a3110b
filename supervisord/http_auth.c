/*
 * http_auth: Basic authentication (http_auth.h).  SHA-1 is libmd's.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <sha1.h>

#include "supervisord/http_auth.h"

static int
b64_value(unsigned char ch)
{
	if (ch >= 'A' && ch <= 'Z')
		return ch - 'A';
	if (ch >= 'a' && ch <= 'z')
		return ch - 'a' + 26;
	if (ch >= '0' && ch <= '9')
		return ch - '0' + 52;
	if (ch == '+')
		return 62;
	if (ch == '/')
		return 63;
	return -1;
}

long
http_auth_b64(const char *in, unsigned char *out)
{
	unsigned int	 acc = 0;
	int		 quad = 0, pads = 0, v;
	long		 n = 0;

	for (; *in != '\0'; in++) {
		if (*in == '=') {
			/* binascii: a full group's padding ends the data. */
			if (quad >= 2 && quad + ++pads >= 4) {
				/* The last group's whole bytes. */
				if (quad == 2)
					out[n++] = (unsigned char)(acc >> 4);
				else {
					out[n++] = (unsigned char)(acc >> 10);
					out[n++] = (unsigned char)(acc >> 2);
				}
				return n;
			}
			continue;
		}
		if ((v = b64_value((unsigned char)*in)) == -1)
			continue;
		pads = 0;
		acc = (acc << 6) | (unsigned int)v;
		if (++quad == 4) {
			out[n++] = (unsigned char)(acc >> 16);
			out[n++] = (unsigned char)(acc >> 8);
			out[n++] = (unsigned char)acc;
			acc = 0;
			quad = 0;
		}
	}
	return quad == 0 ? n : -1;
}

/* Is s (n bytes) valid UTF-8, as Python's strict decode wants it? */
static bool
utf8_ok(const unsigned char *s, size_t n)
{
	size_t		 i = 0, k, len;
	uint32_t	 cp;

	while (i < n) {
		if (s[i] < 0x80) {
			i++;
			continue;
		}
		if (s[i] >= 0xc2 && s[i] <= 0xdf) {
			len = 2;
			cp = s[i] & 0x1f;
		} else if (s[i] >= 0xe0 && s[i] <= 0xef) {
			len = 3;
			cp = s[i] & 0x0f;
		} else if (s[i] >= 0xf0 && s[i] <= 0xf4) {
			len = 4;
			cp = s[i] & 0x07;
		} else
			return false;
		if (n - i < len)
			return false;
		for (k = 1; k < len; k++) {
			if ((s[i + k] & 0xc0) != 0x80)
				return false;
			cp = (cp << 6) | (s[i + k] & 0x3f);
		}
		if ((len == 3 && (cp < 0x800 || (cp >= 0xd800 &&
		    cp <= 0xdfff))) || (len == 4 && (cp < 0x10000 ||
		    cp > 0x10ffff)))
			return false;
		i += len;
	}
	return true;
}

/* Equal?  In a time that depends on the lengths only. */
static bool
ct_equal(const char *a, size_t alen, const char *b, size_t blen)
{
	volatile unsigned char d = 0;
	size_t		 i;

	for (i = 0; i < alen; i++)
		d |= (unsigned char)a[i] ^ (unsigned char)b[blen > 0 ?
		    i % blen : 0];
	return (d | (alen != blen) | (blen == 0 && alen > 0)) == 0;
}

int
http_auth_check(const char *authorization, const char *username,
    const char *password)
{
	const char	*sp, *pw;
	unsigned char	*raw;
	char		 hex[SHA1_DIGEST_STRING_LENGTH];
	long		 n;
	bool		 user_ok, pass_ok;
	char		*colon;

	/* medusa: "Authorization: ([^ ]+) (.*)", the scheme "basic". */
	if (authorization == NULL ||
	    (sp = strchr(authorization, ' ')) == NULL ||
	    sp == authorization || sp - authorization != 5 ||
	    strncasecmp(authorization, "basic", 5) != 0)
		return 401;
	if ((raw = malloc(strlen(sp + 1) * 3 / 4 + 4)) == NULL)
		return 401;
	if ((n = http_auth_b64(sp + 1, raw)) == -1 ||
	    !utf8_ok(raw, (size_t)n)) {
		free(raw);
		return 400;
	}
	raw[n] = '\0';
	/* supervisor fails (500) without a colon: no credentials, 401. */
	if (memchr(raw, '\0', (size_t)n) != NULL ||
	    (colon = strchr((char *)raw, ':')) == NULL) {
		free(raw);
		return 401;
	}
	*colon = '\0';
	pw = colon + 1;
	user_ok = ct_equal((char *)raw, strlen((char *)raw), username,
	    strlen(username));
	if (strncmp(password, "{SHA}", 5) == 0) {
		SHA1Data((const uint8_t *)pw, strlen(pw), hex);
		pass_ok = ct_equal(hex, strlen(hex), password + 5,
		    strlen(password + 5));
	} else
		pass_ok = ct_equal(pw, strlen(pw), password, strlen(password));
	explicit_bzero(raw, (size_t)n);
	free(raw);
	return (user_ok & pass_ok) ? 0 : 401;
}
