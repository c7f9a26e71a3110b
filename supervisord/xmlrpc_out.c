/*
 * xmlrpc_out: the XML-RPC codec's writer (declared in xmlrpc.h, with the
 * values it writes; the decoder is xmlrpc_dec.c).  It streams: each call
 * emits its bytes at once, as Python's xmlrpc.client Marshaller would,
 * with text escaped as its escape() does and cut down to XML 1.0's
 * characters.  A request (xr_encode_call) goes through the same writer
 * into memory.
 */
#include <assert.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "supervisord/xmlrpc.h"

#define XR_FFFD		"\357\277\275"	/* U+FFFD REPLACEMENT CHARACTER */

void
xr_out_init(struct xr_out *o, void (*write)(void *, const void *, size_t),
    size_t (*room)(void *), void *arg)
{
	memset(o, 0, sizeof(*o));
	o->write = write;
	o->room = room;
	o->arg = arg;
}

size_t
xr_room(const struct xr_out *o)
{
	return o->room != NULL ? o->room(o->arg) : SIZE_MAX;
}

static void
emit(struct xr_out *o, const void *s, size_t n)
{
	if (n > 0)
		o->write(o->arg, s, n);
}

static void
emits(struct xr_out *o, const char *s)
{
	emit(o, s, strlen(s));
}

/* Before a value: the envelope's head if it is the answer's. */
static void
open_value(struct xr_out *o)
{
	if (o->depth == 0 && !o->started) {
		emits(o, "<?xml version='1.0'?>\n<methodResponse>\n"
		    "<params>\n<param>\n");
		o->started = true;
	}
}

/* The bytes a sequence still needs allows next (Unicode's table 3-7). */
static bool
cont_ok(const struct xr_out *o, unsigned char c)
{
	unsigned	lo = 0x80, hi = 0xbf;

	if (o->ncarry == 1)
		switch (o->carry[0]) {
		case 0xe0:
			lo = 0xa0;
			break;
		case 0xed:
			hi = 0x9f;	/* no surrogates */
			break;
		case 0xf0:
			lo = 0x90;
			break;
		case 0xf4:
			hi = 0x8f;	/* nothing above U+10FFFF */
			break;
		}
	return c >= lo && c <= hi;
}

/* U+FFFE or U+FFFF, which XML 1.0 does not allow. */
static bool
noncharacter(const struct xr_out *o)
{
	return o->ncarry == 3 && o->carry[0] == 0xef && o->carry[1] == 0xbf &&
	    o->carry[2] >= 0xbe;
}

/*
 * Text, escaped as Python's escape() (& < > only) and cut down to XML
 * 1.0's characters: a C0 control but tab, newline and return, a byte
 * that starts no UTF-8 sequence, or a sequence broken off (its longest
 * valid prefix) becomes one U+FFFD, as does U+FFFE or U+FFFF.  A sequence
 * this part leaves unfinished waits in o->carry for the next.  Clean runs
 * of the input pass to write() as they are.
 */
static void
put_text(struct xr_out *o, const unsigned char *s, size_t n)
{
	const char	*rep;
	size_t		 i, run = 0, seq = SIZE_MAX;	/* seq: where in s */
	unsigned char	 c;

	for (i = 0; i < n; i++) {
		c = s[i];
		if (o->need > 0) {
			if (cont_ok(o, c)) {
				o->carry[o->ncarry++] = c;
				if (--o->need > 0) {
					if (seq == SIZE_MAX)
						run = i + 1;
					continue;
				}
				if (noncharacter(o)) {
					if (seq != SIZE_MAX)
						emit(o, s + run, seq - run);
					emits(o, XR_FFFD);
					run = i + 1;
				} else if (seq == SIZE_MAX) {
					emit(o, o->carry, o->ncarry);
					run = i + 1;
				}
				o->ncarry = 0;
				seq = SIZE_MAX;
				continue;
			}
			if (seq != SIZE_MAX)
				emit(o, s + run, seq - run);
			emits(o, XR_FFFD);
			run = i;
			o->ncarry = o->need = 0;
			seq = SIZE_MAX;
		}
		if (c >= 0xc2 && c <= 0xf4) {
			o->carry[0] = c;
			o->ncarry = 1;
			o->need = c < 0xe0 ? 1 : c < 0xf0 ? 2 : 3;
			seq = i;
			continue;
		}
		if (c == '&')
			rep = "&amp;";
		else if (c == '<')
			rep = "&lt;";
		else if (c == '>')
			rep = "&gt;";
		else if (c >= 0x80 || (c < 0x20 && c != '\t' && c != '\n' &&
		    c != '\r'))
			rep = XR_FFFD;
		else
			continue;
		emit(o, s + run, i - run);
		emits(o, rep);
		run = i + 1;
	}
	if (o->need == 0)
		emit(o, s + run, n - run);
	else if (seq != SIZE_MAX)
		emit(o, s + run, seq - run);
}

/* The end of a text: an unfinished sequence is one U+FFFD. */
static void
end_text(struct xr_out *o)
{
	if (o->ncarry > 0)
		emits(o, XR_FFFD);
	o->ncarry = o->need = 0;
}

static void
put_ctext(struct xr_out *o, const char *s)
{
	if (s[0] != '\0')
		put_text(o, (const unsigned char *)s, strlen(s));
	end_text(o);
}

void
xr_array_begin(struct xr_out *o)
{
	open_value(o);
	emits(o, "<value><array><data>\n");
	o->depth++;
}

void
xr_array_end(struct xr_out *o)
{
	assert(o->depth > 0);
	o->depth--;
	emits(o, "</data></array></value>\n");
}

void
xr_struct_begin(struct xr_out *o)
{
	open_value(o);
	emits(o, "<value><struct>\n");
	o->depth++;
}

void
xr_member_begin(struct xr_out *o, const char *key)
{
	emits(o, "<member>\n<name>");
	put_ctext(o, key);
	emits(o, "</name>\n");
}

void
xr_member_end(struct xr_out *o)
{
	emits(o, "</member>\n");
}

void
xr_struct_end(struct xr_out *o)
{
	assert(o->depth > 0);
	o->depth--;
	emits(o, "</struct></value>\n");
}

void
xr_str_begin(struct xr_out *o)
{
	assert(!o->in_string);
	open_value(o);
	emits(o, "<value><string>");
	o->in_string = true;
	o->ncarry = o->need = 0;
}

void
xr_str_part(struct xr_out *o, const void *s, size_t len)
{
	assert(o->in_string);
	if (len > 0)
		put_text(o, s, len);
}

void
xr_str_end(struct xr_out *o)
{
	assert(o->in_string);
	end_text(o);
	o->in_string = false;
	emits(o, "</string></value>\n");
}

void
xr_put_string(struct xr_out *o, const char *s, size_t len)
{
	xr_str_begin(o);
	xr_str_part(o, s, len);
	xr_str_end(o);
}

void
xr_put_cstr(struct xr_out *o, const char *s)
{
	xr_put_string(o, s, strlen(s));
}

void
xr_put_int(struct xr_out *o, long long v)
{
	char	buf[64];
	int	n;

	/* Python refuses beyond 32 bits; its client reads <i8>. */
	open_value(o);
	if (v >= INT32_MIN && v <= INT32_MAX)
		n = snprintf(buf, sizeof(buf), "<value><int>%lld</int>"
		    "</value>\n", v);
	else
		n = snprintf(buf, sizeof(buf), "<value><i8>%lld</i8>"
		    "</value>\n", v);
	emit(o, buf, n);
}

void
xr_put_bool(struct xr_out *o, bool v)
{
	open_value(o);
	emits(o, v ? "<value><boolean>1</boolean></value>\n" :
	    "<value><boolean>0</boolean></value>\n");
}

/*
 * The shortest digits that read back as v (v > 0, finite), and the
 * decimal point's place: v = 0.DIGITS * 10^decpt.  The correctly rounded
 * candidate of each length first; at a power of two, where the gap
 * below is half the gap above, its neighbour up may be the one that reads
 * back, as David Gay's shortest mode (Python's repr) finds.
 */
static void
shortest(double v, char *digits, int *decpt)
{
	char		 tmp[48], *e;
	unsigned long long m;
	int		 p, exp, i;
	double		 r;

	for (p = 1; p <= 17; p++) {
		snprintf(tmp, sizeof(tmp), "%.*e", p - 1, v);
		r = strtod(tmp, &e);
		e = strchr(tmp, 'e');
		exp = atoi(e + 1);
		for (m = 0, i = 0; tmp + i < e; i++)
			if (tmp[i] != '.')
				m = m * 10 + (tmp[i] - '0');
		if (r != v && r < v && p < 17) {
			snprintf(tmp, sizeof(tmp), "%llue%d", m + 1,
			    exp - p + 1);
			if (strtod(tmp, NULL) == v) {
				m++;
				break;
			}
		}
		if (r == v || p == 17)
			break;
	}
	snprintf(tmp, sizeof(tmp), "%llu", m);
	/* m has p digits, or p + 1 when the neighbour up carried. */
	*decpt = exp - p + 1 + (int)strlen(tmp);
	for (i = (int)strlen(tmp); i > 1 && tmp[i - 1] == '0'; i--)
		;
	tmp[i] = '\0';
	memcpy(digits, tmp, (size_t)i + 1);
}

/* repr(v), as Python 3 writes a float. */
static void
double_repr(double v, char *buf, size_t size)
{
	char	digits[24], *b = buf;
	int	decpt, nd, i;

	if (isnan(v)) {
		snprintf(buf, size, "nan");
		return;
	}
	if (isinf(v)) {
		snprintf(buf, size, v < 0 ? "-inf" : "inf");
		return;
	}
	if (signbit(v))
		*b++ = '-';
	if (v == 0) {
		snprintf(b, size - 1, "0.0");
		return;
	}
	shortest(fabs(v), digits, &decpt);
	nd = (int)strlen(digits);
	if (decpt <= -4 || decpt > 16) {
		/* 1e+16, 1.5e-05 */
		*b++ = digits[0];
		if (nd > 1)
			b += sprintf(b, ".%s", digits + 1);
		sprintf(b, "e%c%02d", decpt - 1 < 0 ? '-' : '+',
		    abs(decpt - 1));
	} else if (decpt <= 0) {
		b += sprintf(b, "0.");
		for (i = 0; i < -decpt; i++)
			*b++ = '0';
		sprintf(b, "%s", digits);
	} else if (decpt >= nd) {
		b += sprintf(b, "%s", digits);
		for (i = nd; i < decpt; i++)
			*b++ = '0';
		sprintf(b, ".0");
	} else
		sprintf(b, "%.*s.%s", decpt, digits, digits + decpt);
}

void
xr_put_double(struct xr_out *o, double v)
{
	char	num[40], buf[80];
	int	n;

	open_value(o);
	double_repr(v, num, sizeof(num));
	n = snprintf(buf, sizeof(buf), "<value><double>%s</double></value>\n",
	    num);
	emit(o, buf, n);
}

/* Python's base64.encodebytes: lines of 76, each ending in a newline. */
static void
put_base64(struct xr_out *o, const unsigned char *s, size_t len)
{
	static const char	 alpha[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "abcdefghijklmnopqrstuvwxyz0123456789+/";
	char			 line[80];
	size_t			 i, n = 0;
	unsigned		 acc;

	for (i = 0; i < len; i += 3) {
		acc = (unsigned)s[i] << 16;
		if (i + 1 < len)
			acc |= (unsigned)s[i + 1] << 8;
		if (i + 2 < len)
			acc |= s[i + 2];
		line[n++] = alpha[acc >> 18 & 63];
		line[n++] = alpha[acc >> 12 & 63];
		line[n++] = i + 1 < len ? alpha[acc >> 6 & 63] : '=';
		line[n++] = i + 2 < len ? alpha[acc & 63] : '=';
		if (n == 76 || i + 3 >= len) {
			line[n++] = '\n';
			emit(o, line, n);
			n = 0;
		}
	}
}

void
xr_put_val(struct xr_out *o, const struct xr_val *v)
{
	size_t	i;

	switch (v->type) {
	case XR_INT:
		xr_put_int(o, v->i);
		break;
	case XR_BOOL:
		xr_put_bool(o, v->i != 0);
		break;
	case XR_DOUBLE:
		xr_put_double(o, v->d);
		break;
	case XR_DATETIME:
		open_value(o);
		emits(o, "<value><dateTime.iso8601>");
		if (v->len > 0)
			put_text(o, (const unsigned char *)v->s, v->len);
		end_text(o);
		emits(o, "</dateTime.iso8601></value>\n");
		break;
	case XR_BASE64:
		open_value(o);
		emits(o, "<value><base64>\n");
		put_base64(o, (const unsigned char *)v->s, v->len);
		emits(o, "</base64></value>\n");
		break;
	case XR_ARRAY:
		xr_array_begin(o);
		for (i = 0; i < v->n; i++)
			xr_put_val(o, v->v[i]);
		xr_array_end(o);
		break;
	case XR_STRUCT:
		xr_struct_begin(o);
		for (i = 0; i < v->n; i++) {
			xr_member_begin(o, v->keys[i]);
			xr_put_val(o, v->v[i]);
			xr_member_end(o);
		}
		xr_struct_end(o);
		break;
	case XR_NIL:
		/* Python's dump_nil writes no newline after it. */
		open_value(o);
		emits(o, "<value><nil/></value>");
		break;
	default:
		xr_put_string(o, v->s != NULL ? v->s : "", v->len);
		break;
	}
}

static void
fault_struct(struct xr_out *o, int code, const char *text)
{
	xr_struct_begin(o);
	xr_member_begin(o, "faultCode");
	xr_put_int(o, code);
	xr_member_end(o);
	xr_member_begin(o, "faultString");
	xr_put_cstr(o, text);
	xr_member_end(o);
	xr_struct_end(o);
}

void
xr_fault(struct xr_out *o, int code, const char *text)
{
	if (o->depth > 0 || o->started) {
		fault_struct(o, code, text);
		return;
	}
	emits(o, "<?xml version='1.0'?>\n<methodResponse>\n<fault>\n");
	o->started = o->faulted = true;
	o->depth++;		/* the struct is no answer's value */
	fault_struct(o, code, text);
	o->depth--;
	emits(o, "</fault>\n");
}

void
xr_out_finish(struct xr_out *o)
{
	if (!o->started)
		emits(o, "<?xml version='1.0'?>\n<methodResponse>\n"
		    "<params>\n</params>\n</methodResponse>\n");
	else if (o->faulted)
		emits(o, "</methodResponse>\n");
	else
		emits(o, "</param>\n</params>\n</methodResponse>\n");
}

/* A request, into memory. */

struct xr_buf {
	char	*p;
	size_t	 len, cap;
	bool	 oom;
};

static void
buf_write(void *arg, const void *s, size_t n)
{
	struct xr_buf	*b = arg;
	size_t		 cap;
	char		*p;

	if (b->oom)
		return;
	if (b->cap - b->len <= n) {
		cap = b->cap == 0 ? 1024 : b->cap;
		while (cap - b->len <= n && cap < SIZE_MAX / 2)
			cap *= 2;
		if (cap - b->len <= n || (p = realloc(b->p, cap)) == NULL) {
			b->oom = true;
			return;
		}
		b->p = p;
		b->cap = cap;
	}
	memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = '\0';
}

char *
xr_encode_call(const char *method, const struct xr_val *params,
    size_t *lenp)
{
	struct xr_buf	b;
	struct xr_out	o;
	size_t		i;

	memset(&b, 0, sizeof(b));
	xr_out_init(&o, buf_write, NULL, &b);
	o.started = true;	/* a request has no answer's envelope */
	emits(&o, "<?xml version='1.0'?>\n<methodCall>\n<methodName>");
	/* Python writes the name raw; escaped, it stays XML. */
	put_ctext(&o, method);
	emits(&o, "</methodName>\n<params>\n");
	for (i = 0; params != NULL && i < params->n; i++) {
		emits(&o, "<param>\n");
		xr_put_val(&o, params->v[i]);
		emits(&o, "</param>\n");
	}
	emits(&o, "</params>\n</methodCall>\n");
	if (b.oom) {
		free(b.p);
		return NULL;
	}
	*lenp = b.len;
	return b.p;
}
