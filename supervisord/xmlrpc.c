/*
 * xmlrpc: the XML-RPC codec (see xmlrpc.h).  The decoder follows expat's
 * callbacks with a stack of open elements, each of a kind that says which
 * children it takes; a value is built when its element closes and handed
 * to the element around it.  The writer streams: each call emits its
 * bytes at once, as Python's xmlrpc.client Marshaller would, with text
 * escaped as its escape() does and cut down to XML 1.0's characters.
 * What a method means, and which faults it answers, is rpc's business.
 */
#include <assert.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <expat.h>

#include "supervisord/xmlrpc.h"

/* Open elements: the envelope, then at most three per nested container. */
#define XR_MAXFRAMES	(XR_MAXDEPTH * 3 + 8)
#define XR_CHUNK	(1 << 20)	/* bytes handed to expat at a time */
#define XR_FFFD		"\357\277\275"	/* U+FFFD REPLACEMENT CHARACTER */

/* Values */

static struct xr_val *
val_new(enum xr_type type)
{
	struct xr_val	*v;

	if ((v = calloc(1, sizeof(*v))) != NULL)
		v->type = type;
	return v;
}

void
xr_val_free(struct xr_val *v)
{
	size_t	i;

	if (v == NULL)
		return;
	for (i = 0; i < v->n; i++) {
		xr_val_free(v->v[i]);
		if (v->keys != NULL)
			free(v->keys[i]);
	}
	free(v->v);
	free(v->keys);
	free(v->s);
	free(v);
}

struct xr_val *
xr_string(const char *s, size_t len)
{
	struct xr_val	*v;

	if ((v = val_new(XR_STRING)) == NULL)
		return NULL;
	if ((v->s = malloc(len + 1)) == NULL) {
		free(v);
		return NULL;
	}
	if (len > 0)
		memcpy(v->s, s, len);
	v->s[len] = '\0';
	v->len = len;
	return v;
}

struct xr_val *
xr_int(long long i)
{
	struct xr_val	*v;

	if ((v = val_new(XR_INT)) != NULL)
		v->i = i;
	return v;
}

struct xr_val *
xr_bool(bool b)
{
	struct xr_val	*v;

	if ((v = val_new(XR_BOOL)) != NULL)
		v->i = b;
	return v;
}

struct xr_val *
xr_array(void)
{
	return val_new(XR_ARRAY);
}

struct xr_val *
xr_struct(void)
{
	return val_new(XR_STRUCT);
}

/*
 * Room for one more item.  The capacity is not stored: it is 4 up to
 * four items, then the power of two at or above n.
 */
static int
val_grow(struct xr_val *c)
{
	struct xr_val	**v;
	char		**k;
	size_t		  cap;

	if (c->n != 0 && (c->n < 4 || (c->n & (c->n - 1)) != 0))
		return 0;
	if (c->n > SIZE_MAX / 2 / sizeof(*v))
		return -1;
	cap = c->n == 0 ? 4 : c->n * 2;
	if ((v = realloc(c->v, cap * sizeof(*v))) == NULL)
		return -1;
	c->v = v;
	if (c->type == XR_STRUCT) {
		if ((k = realloc(c->keys, cap * sizeof(*k))) == NULL)
			return -1;
		c->keys = k;
	}
	return 0;
}

int
xr_push(struct xr_val *array, struct xr_val *item)
{
	if (item == NULL || array == NULL || array->type != XR_ARRAY ||
	    val_grow(array) == -1) {
		xr_val_free(item);
		return -1;
	}
	array->v[array->n++] = item;
	return 0;
}

/* Append a member whose name is already ours (moved in). */
static int
put_owned(struct xr_val *st, char *key, struct xr_val *item)
{
	if (val_grow(st) == -1) {
		free(key);
		xr_val_free(item);
		return -1;
	}
	st->keys[st->n] = key;
	st->v[st->n++] = item;
	return 0;
}

int
xr_put(struct xr_val *st, const char *key, struct xr_val *item)
{
	char	*k;

	if (item == NULL || st == NULL || st->type != XR_STRUCT ||
	    (k = strdup(key)) == NULL) {
		xr_val_free(item);
		return -1;
	}
	return put_owned(st, k, item);
}

/* The last member of that name: a repeated name counts as Python's dict. */
const struct xr_val *
xr_member(const struct xr_val *st, const char *key)
{
	size_t	i;

	if (st == NULL || st->type != XR_STRUCT)
		return NULL;
	for (i = st->n; i-- > 0;)
		if (strcmp(st->keys[i], key) == 0)
			return st->v[i];
	return NULL;
}

/* Decoder */

enum xr_kind {
	F_CALL, F_RESP, F_METHOD, F_PARAMS, F_PARAM, F_FAULT, F_VALUE,
	F_SCALAR, F_ARRAY, F_DATA, F_STRUCT, F_MEMBER, F_NAME
};

static const char *const kind_names[] = {
	"methodCall", "methodResponse", "methodName", "params", "param",
	"fault", "value", "", "array", "data", "struct", "member", "name"
};

/* Type elements, Python's client's names included; others are text. */
static const struct {
	const char	*name;
	enum xr_type	 type;
} scalars[] = {
	{ "string", XR_STRING }, { "int", XR_INT }, { "i4", XR_INT },
	{ "i8", XR_INT }, { "i1", XR_INT }, { "i2", XR_INT },
	{ "biginteger", XR_INT }, { "boolean", XR_BOOL },
	{ "double", XR_DOUBLE }, { "float", XR_DOUBLE },
	{ "dateTime.iso8601", XR_DATETIME }, { "base64", XR_BASE64 },
	{ "nil", XR_NIL }
};

struct xr_frame {
	enum xr_kind	 kind;
	enum xr_type	 type;		/* F_SCALAR */
	bool		 had;		/* F_VALUE: has a type element */
	struct xr_val	*val;		/* the container, or the value held */
	char		*name;		/* F_MEMBER */
	char		 tag[24];	/* F_SCALAR: for messages */
};

struct xr_dec {
	XML_Parser	 p;
	bool		 call;
	bool		 failed;
	bool		 fault;
	bool		 body;		/* <params> or <fault> seen */
	struct xr_frame	 st[XR_MAXFRAMES];
	int		 nst;
	int		 depth;		/* open arrays and structs */
	size_t		 nvals;
	char		*text;
	size_t		 tlen, tcap;
	char		*method;
	struct xr_val	*result;
	char		*err;
	size_t		 errlen;
};

static void __attribute__((format(printf, 2, 3)))
dec_fail(struct xr_dec *d, const char *fmt, ...)
{
	va_list	ap;

	if (d->failed)
		return;
	d->failed = true;
	if (d->errlen > 0) {
		va_start(ap, fmt);
		vsnprintf(d->err, d->errlen, fmt, ap);
		va_end(ap);
	}
	if (d->p != NULL)
		XML_StopParser(d->p, XML_FALSE);
}

/* A tag without its namespace prefix (ex:nil), as Python's client. */
static const char *
local_name(const char *tag)
{
	const char	*c;

	return (c = strrchr(tag, ':')) != NULL ? c + 1 : tag;
}

static bool
collects(const struct xr_frame *f)
{
	return (f->kind == F_VALUE && !f->had) || f->kind == F_SCALAR ||
	    f->kind == F_NAME || f->kind == F_METHOD;
}

static void
text_cb(void *arg, const XML_Char *s, int len)
{
	struct xr_dec	*d = arg;
	size_t		 cap;
	char		*t;

	if (d->failed || d->nst == 0 || !collects(&d->st[d->nst - 1]) ||
	    len <= 0)
		return;
	if (d->tcap - d->tlen <= (size_t)len) {
		cap = d->tcap == 0 ? 256 : d->tcap;
		while (cap - d->tlen <= (size_t)len)
			cap *= 2;
		if ((t = realloc(d->text, cap)) == NULL) {
			dec_fail(d, "out of memory");
			return;
		}
		d->text = t;
		d->tcap = cap;
	}
	memcpy(d->text + d->tlen, s, len);
	d->tlen += len;
	d->text[d->tlen] = '\0';
}

static void
doctype_cb(void *arg, const XML_Char *name, const XML_Char *sysid,
    const XML_Char *pubid, int internal)
{
	(void)name;
	(void)sysid;
	(void)pubid;
	(void)internal;
	dec_fail(arg, "DOCTYPE not allowed");
}

/* The kind of element tag may open inside top, or -1 with the reason. */
static int
child_kind(struct xr_dec *d, struct xr_frame *top, const char *tag,
    struct xr_frame *f)
{
	size_t	i;

	if (top == NULL) {
		if (d->call && strcmp(tag, "methodCall") == 0)
			return F_CALL;
		if (!d->call && strcmp(tag, "methodResponse") == 0)
			return F_RESP;
		dec_fail(d, "not a <%s>", d->call ? "methodCall" :
		    "methodResponse");
		return -1;
	}
	switch (top->kind) {
	case F_CALL:
		if (strcmp(tag, "methodName") == 0 && d->method == NULL)
			return F_METHOD;
		/* FALLTHROUGH */
	case F_RESP:
		if (d->body)
			break;
		if (strcmp(tag, "params") == 0)
			return F_PARAMS;
		if (top->kind == F_RESP && strcmp(tag, "fault") == 0)
			return F_FAULT;
		break;
	case F_PARAMS:
		if (strcmp(tag, "param") == 0)
			return F_PARAM;
		/* FALLTHROUGH */
	case F_DATA:
		if (strcmp(tag, "value") == 0)
			return F_VALUE;
		break;
	case F_PARAM:
	case F_FAULT:
		if (strcmp(tag, "value") == 0 && top->val == NULL)
			return F_VALUE;
		break;
	case F_VALUE:
		if (top->had)
			break;
		top->had = true;
		if (strcmp(tag, "array") == 0)
			return F_ARRAY;
		if (strcmp(tag, "struct") == 0)
			return F_STRUCT;
		f->type = XR_STRING;
		for (i = 0; i < sizeof(scalars) / sizeof(scalars[0]); i++)
			if (strcmp(tag, scalars[i].name) == 0)
				f->type = scalars[i].type;
		snprintf(f->tag, sizeof(f->tag), "%s", tag);
		return F_SCALAR;
	case F_ARRAY:
		if (strcmp(tag, "data") == 0)
			return F_DATA;
		if (strcmp(tag, "value") == 0)
			return F_VALUE;
		break;
	case F_STRUCT:
		if (strcmp(tag, "member") == 0)
			return F_MEMBER;
		break;
	case F_MEMBER:
		if (strcmp(tag, "name") == 0 && top->name == NULL)
			return F_NAME;
		if (strcmp(tag, "value") == 0 && top->val == NULL)
			return F_VALUE;
		break;
	default:
		break;
	}
	dec_fail(d, "unexpected <%.40s> in <%s>", tag,
	    top->kind == F_SCALAR ? top->tag : kind_names[top->kind]);
	return -1;
}

static void
start_cb(void *arg, const XML_Char *name, const XML_Char **attrs)
{
	struct xr_dec	*d = arg;
	struct xr_frame	*top, f;
	const char	*tag = local_name(name);
	int		 kind;

	(void)attrs;
	if (d->failed)
		return;
	memset(&f, 0, sizeof(f));
	top = d->nst > 0 ? &d->st[d->nst - 1] : NULL;
	if ((kind = child_kind(d, top, tag, &f)) == -1)
		return;
	f.kind = kind;
	if (kind == F_ARRAY || kind == F_STRUCT) {
		if (++d->depth > XR_MAXDEPTH) {
			dec_fail(d, "too deep: more than %d nested arrays "
			    "and structs", XR_MAXDEPTH);
			return;
		}
		if ((f.val = val_new(kind == F_ARRAY ? XR_ARRAY :
		    XR_STRUCT)) == NULL) {
			dec_fail(d, "out of memory");
			return;
		}
	} else if (kind == F_PARAMS) {
		d->body = true;
		if ((f.val = xr_array()) == NULL) {
			dec_fail(d, "out of memory");
			return;
		}
	} else if (kind == F_FAULT)
		d->body = true;
	else if (kind == F_VALUE && ++d->nvals > XR_MAXVALUES) {
		dec_fail(d, "too many values: more than %d", XR_MAXVALUES);
		return;
	}
	if (d->nst == XR_MAXFRAMES) {
		xr_val_free(f.val);
		dec_fail(d, "too deep: more than %d elements", XR_MAXFRAMES);
		return;
	}
	d->st[d->nst++] = f;
	d->tlen = 0;
	if (d->text != NULL)
		d->text[0] = '\0';
}

static int
parse_int(const char *s, long long *out)
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

static int
parse_double(const char *s, double *out)
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

/* base64 as Python's non-strict decoder: other characters are skipped. */
static int
base64_decode(const char *s, size_t len, struct xr_val *v)
{
	static const char	 alpha[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "abcdefghijklmnopqrstuvwxyz0123456789+/";
	const char		*c;
	unsigned		 acc = 0, q = 0;
	size_t			 i, n = 0;

	if ((v->s = malloc(len / 4 * 3 + 4)) == NULL)
		return -1;
	for (i = 0; i < len; i++) {
		if (s[i] == '\0' || (c = strchr(alpha, s[i])) == NULL)
			continue;
		acc = acc << 6 | (unsigned)(c - alpha);
		if (++q == 4) {
			v->s[n++] = acc >> 16;
			v->s[n++] = acc >> 8;
			v->s[n++] = acc;
			acc = q = 0;
		}
	}
	if (q == 1)
		return -2;
	if (q == 2)
		v->s[n++] = acc >> 4;
	else if (q == 3) {
		v->s[n++] = acc >> 10;
		v->s[n++] = acc >> 2;
	}
	v->s[n] = '\0';
	v->len = n;
	return 0;
}

/* A bad value's text for a one-line message: its start, controls as ?. */
static const char *
quote(const char *t, char *buf, size_t size)
{
	size_t	i;

	for (i = 0; t[i] != '\0' && i + 1 < size; i++)
		buf[i] = (unsigned char)t[i] < 0x20 || t[i] == 0x7f ? '?' :
		    t[i];
	buf[i] = '\0';
	return buf;
}

/* The value of a closed type element, from its text. */
static struct xr_val *
scalar(struct xr_dec *d, const struct xr_frame *f)
{
	const char	*t = d->tlen > 0 ? d->text : "";
	struct xr_val	*v;
	char		 q[41];
	int		 r;

	if (f->type == XR_STRING || f->type == XR_DATETIME) {
		if ((v = xr_string(t, d->tlen)) != NULL)
			v->type = f->type;
	} else if ((v = val_new(f->type)) == NULL)
		;
	else if (f->type == XR_INT && parse_int(t, &v->i) == -1) {
		dec_fail(d, "bad <%s> value '%s'", f->tag,
		    quote(t, q, sizeof(q)));
		goto bad;
	} else if (f->type == XR_BOOL)
		/* supervisor 4.2.5: text == "1", anything else is false */
		v->i = strcmp(t, "1") == 0;
	else if (f->type == XR_DOUBLE && parse_double(t, &v->d) == -1) {
		dec_fail(d, "bad <%s> value '%s'", f->tag,
		    quote(t, q, sizeof(q)));
		goto bad;
	} else if (f->type == XR_BASE64 &&
	    (r = base64_decode(t, d->tlen, v)) != 0) {
		if (r == -2)
			dec_fail(d, "bad <base64> value");
		goto bad;
	}
	if (v == NULL)
		dec_fail(d, "out of memory");
	return v;
bad:
	dec_fail(d, "out of memory");
	xr_val_free(v);
	return NULL;
}

/* Hand a closed <value> to the element around it. */
static void
deliver(struct xr_dec *d, struct xr_val *v)
{
	struct xr_frame	*top = &d->st[d->nst - 1];

	switch (top->kind) {
	case F_DATA:
		top--;
		/* FALLTHROUGH */
	case F_ARRAY:
	case F_PARAMS:
		if (xr_push(top->val, v) == -1)
			dec_fail(d, "out of memory");
		return;
	default:
		top->val = v;
		return;
	}
}

static void
end_cb(void *arg, const XML_Char *name)
{
	struct xr_dec	*d = arg;
	struct xr_frame	 f, *top;
	struct xr_val	*v;

	(void)name;
	if (d->failed || d->nst == 0)
		return;
	f = d->st[--d->nst];
	top = d->nst > 0 ? &d->st[d->nst - 1] : NULL;
	switch (f.kind) {
	case F_METHOD:
	case F_NAME:
		if ((f.name = strdup(d->tlen > 0 ? d->text : "")) == NULL)
			dec_fail(d, "out of memory");
		else if (f.kind == F_METHOD)
			d->method = f.name;
		else
			top->name = f.name;
		return;
	case F_SCALAR:
		if ((v = scalar(d, &f)) != NULL)
			top->val = v;
		return;
	case F_ARRAY:
	case F_STRUCT:
		d->depth--;
		top->val = f.val;
		return;
	case F_VALUE:
		if (!f.had)
			v = xr_string(d->tlen > 0 ? d->text : "", d->tlen);
		else if ((v = f.val) == NULL)
			return;		/* failed below */
		if (v == NULL)
			dec_fail(d, "out of memory");
		else
			deliver(d, v);
		return;
	case F_MEMBER:
		if (f.name == NULL || f.val == NULL) {
			dec_fail(d, "<member> without a %s",
			    f.name == NULL ? "<name>" : "<value>");
			free(f.name);
			xr_val_free(f.val);
		} else if (put_owned(top->val, f.name, f.val) == -1)
			dec_fail(d, "out of memory");
		return;
	case F_PARAM:
		if (f.val == NULL)
			dec_fail(d, "<param> without a <value>");
		else if (xr_push(top->val, f.val) == -1)
			dec_fail(d, "out of memory");
		return;
	case F_PARAMS:
		d->result = f.val;
		return;
	case F_FAULT:
		if (f.val == NULL)
			dec_fail(d, "<fault> without a <value>");
		d->result = f.val;
		d->fault = true;
		return;
	default:
		return;
	}
}

static void
dec_free(struct xr_dec *d)
{
	while (d->nst > 0) {
		d->nst--;
		xr_val_free(d->st[d->nst].val);
		free(d->st[d->nst].name);
	}
	free(d->text);
	free(d->method);
	xr_val_free(d->result);
}

static int
dec_run(struct xr_dec *d, const char *body, size_t len)
{
	enum XML_Status	st = XML_STATUS_OK;
	size_t		n;

	if ((d->p = XML_ParserCreate(NULL)) == NULL) {
		dec_fail(d, "out of memory");
		return -1;
	}
	XML_SetUserData(d->p, d);
	XML_SetElementHandler(d->p, start_cb, end_cb);
	XML_SetCharacterDataHandler(d->p, text_cb);
	XML_SetStartDoctypeDeclHandler(d->p, doctype_cb);
	XML_SetParamEntityParsing(d->p, XML_PARAM_ENTITY_PARSING_NEVER);
	do {
		n = len < XR_CHUNK ? len : XR_CHUNK;
		st = XML_Parse(d->p, body, (int)n, n == len);
		body += n;
		len -= n;
	} while (st == XML_STATUS_OK && len > 0);
	if (st != XML_STATUS_OK)
		dec_fail(d, "%s at line %lu, column %lu",
		    XML_ErrorString(XML_GetErrorCode(d->p)),
		    (unsigned long)XML_GetCurrentLineNumber(d->p),
		    (unsigned long)XML_GetCurrentColumnNumber(d->p) + 1);
	XML_ParserFree(d->p);
	d->p = NULL;
	return d->failed ? -1 : 0;
}

static void
dec_init(struct xr_dec *d, bool call, char *err, size_t errlen)
{
	memset(d, 0, sizeof(*d));
	d->call = call;
	d->err = err;
	d->errlen = errlen;
	if (errlen > 0)
		err[0] = '\0';
}

int
xr_decode_call(const void *body, size_t len, struct xr_call *call,
    char *err, size_t errlen)
{
	struct xr_dec	d;

	call->method = NULL;
	call->params = NULL;
	dec_init(&d, true, err, errlen);
	if (dec_run(&d, body, len) == 0) {
		if (d.method == NULL || d.method[0] == '\0')
			dec_fail(&d, "no method name");
		else if (d.result == NULL && (d.result = xr_array()) == NULL)
			dec_fail(&d, "out of memory");
	}
	if (d.failed) {
		dec_free(&d);
		return -1;
	}
	call->method = d.method;
	call->params = d.result;
	d.method = NULL;
	d.result = NULL;
	dec_free(&d);
	return 0;
}

void
xr_call_clear(struct xr_call *call)
{
	free(call->method);
	xr_val_free(call->params);
	call->method = NULL;
	call->params = NULL;
}

int
xr_decode_response(const void *body, size_t len, struct xr_val **val,
    bool *fault, char *err, size_t errlen)
{
	struct xr_dec	 d;
	struct xr_val	*r, *v = NULL;
	const struct xr_val *code, *text;

	*val = NULL;
	*fault = false;
	dec_init(&d, false, err, errlen);
	if (dec_run(&d, body, len) == 0) {
		r = d.result;
		code = xr_member(r, "faultCode");
		text = xr_member(r, "faultString");
		if (r == NULL)
			dec_fail(&d, "no <params> or <fault>");
		else if (d.fault && (code == NULL || code->type != XR_INT ||
		    text == NULL || text->type != XR_STRING))
			dec_fail(&d, "malformed <fault>");
		else if (d.fault)
			v = r;
		else if (r->n != 1)
			dec_fail(&d, "%zu values in the response's <params>",
			    r->n);
		else {
			v = r->v[0];
			r->n = 0;
		}
	}
	if (d.failed) {
		dec_free(&d);
		return -1;
	}
	if (v == d.result)
		d.result = NULL;
	*fault = d.fault;
	*val = v;
	dec_free(&d);
	return 0;
}

/* Writer */

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
