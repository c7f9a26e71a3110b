/*
 * xmlrpc: the XML-RPC codec's values and decoder (see xmlrpc.h; the
 * writer is xmlrpc_out.c).  The decoder follows expat's callbacks with a
 * stack of open elements, each of a kind that says which children it
 * takes; a value is built when its element closes and handed to the
 * element around it.  What a method means, and which faults it answers,
 * is rpc's business.
 */
#include <assert.h>
#include <limits.h>
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
	size_t		 maxvals;	/* XR_MAXVALUES or XR_MAXRVALUES */
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
	else if (kind == F_VALUE && ++d->nvals > d->maxvals) {
		dec_fail(d, "too many values: more than %zu", d->maxvals);
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
	d->maxvals = call ? XR_MAXVALUES : XR_MAXRVALUES;
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
