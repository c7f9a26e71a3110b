/*
 * xmlrpc_dec: the XML-RPC codec's decoder (see xmlrpc.h).  It follows
 * expat's callbacks with a stack of open elements, each of a kind that
 * says which children it takes.  A value is finished when its element
 * closes; it then waits on a stack of items, its text and its member
 * name on a stack of bytes, until the container around it closes and
 * takes its children, their strings and names and its arrays v and keys
 * in one piece of the document's memory (xmlrpc_mem): no malloc per
 * value, and the two stacks, reused from one container to the next, keep
 * the memory that a large answer touches small.  <params> and <fault>
 * are containers too, whose one value becomes the document's top.  A
 * document comes whole (xr_decode_call, xr_decode_response) or in pieces
 * as it arrives (xr_resp_*), parsed in expat's own buffer.  What a method
 * means is rpc's business.
 */
#include <sys/types.h>

#include <limits.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <expat.h>

#include "supervisord/xmlrpc.h"
#include "supervisord/xmlrpc_mem.h"
#include "supervisord/xmlrpc_text.h"

/* Open elements: the envelope, then at most three per nested container. */
#define XR_MAXFRAMES	(XR_MAXDEPTH * 3 + 8)
#define XR_CHUNK	65536		/* bytes handed to expat at a time */
#define NOOFF		SIZE_MAX	/* no text, no name */

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

/*
 * A finished value: its node, whose s (a string's) and member name are
 * still offsets into the byte stack.
 */
struct xr_item {
	struct xr_val	 v;
	size_t		 soff;		/* NOOFF: not a string */
	size_t		 koff;		/* NOOFF: not a member */
};

struct xr_frame {
	enum xr_kind	 kind;
	enum xr_type	 type;		/* F_SCALAR */
	bool		 had;		/* F_VALUE: has a type element */
	bool		 held;		/* it holds the value inside */
	size_t		 text;		/* its text's start on the byte stack */
	size_t		 items;		/* containers: their first child */
	size_t		 name;		/* F_MEMBER: its name's offset */
	struct xr_item	 it;		/* F_VALUE, F_PARAM, F_MEMBER */
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
	struct xr_item	*items;		/* finished, waiting for their */
	size_t		 nitems, citems; /* container */
	char		*bytes;		/* their strings and names, and the */
	size_t		 nbytes, cbytes; /* text being read */
	struct xr_mem	*mem;		/* the document's */
	const char *const *keep;	/* members kept (xr_resp_keep) */
	char		*method;
	bool		 done;		/* <params> or <fault> closed: */
	struct xr_item	 result;	/* its values as an array */
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

/* expat's reason, where it stopped. */
static void
dec_xml_fail(struct xr_dec *d)
{
	dec_fail(d, "%s at line %lu, column %lu",
	    XML_ErrorString(XML_GetErrorCode(d->p)),
	    (unsigned long)XML_GetCurrentLineNumber(d->p),
	    (unsigned long)XML_GetCurrentColumnNumber(d->p) + 1);
}

static void
item_init(struct xr_item *it, enum xr_type type)
{
	memset(it, 0, sizeof(*it));
	it->v.type = type;
	it->soff = it->koff = NOOFF;
}

/* Append n bytes to the byte stack; false when memory ran out. */
static bool
bytes_add(struct xr_dec *d, const char *s, size_t n)
{
	size_t	 cap;
	char	*b;

	if (d->cbytes - d->nbytes < n) {
		cap = d->cbytes == 0 ? 4096 : d->cbytes;
		while (cap - d->nbytes < n) {
			if (cap > SIZE_MAX / 2) {
				dec_fail(d, "out of memory");
				return false;
			}
			cap *= 2;
		}
		if ((b = realloc(d->bytes, cap)) == NULL) {
			dec_fail(d, "out of memory");
			return false;
		}
		d->bytes = b;
		d->cbytes = cap;
	}
	memcpy(d->bytes + d->nbytes, s, n);
	d->nbytes += n;
	return true;
}

/* Push a finished value for its container. */
static void
item_push(struct xr_dec *d, struct xr_item *it)
{
	struct xr_item	*v;
	size_t		 cap;

	if (d->nitems == d->citems) {
		cap = d->citems == 0 ? 64 : d->citems * 2;
		if (cap > SIZE_MAX / sizeof(*v) ||
		    (v = realloc(d->items, cap * sizeof(*v))) == NULL) {
			dec_fail(d, "out of memory");
			return;
		}
		d->items = v;
		d->citems = cap;
	}
	d->items[d->nitems++] = *it;
}

/*
 * Whether tag is name.  Called for every element: most tags differ from
 * a name at their first byte, which is checked before any call.
 */
static inline bool
is(const char *tag, const char *name)
{
	return tag[0] == name[0] && strcmp(tag, name) == 0;
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

	if (d->failed || d->nst == 0 || !collects(&d->st[d->nst - 1]) ||
	    len <= 0)
		return;
	(void)bytes_add(d, s, (size_t)len);
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
	size_t	i, n;

	if (top == NULL) {
		if (d->call && is(tag, "methodCall"))
			return F_CALL;
		if (!d->call && is(tag, "methodResponse"))
			return F_RESP;
		dec_fail(d, "not a <%s>", d->call ? "methodCall" :
		    "methodResponse");
		return -1;
	}
	switch (top->kind) {
	case F_CALL:
		if (is(tag, "methodName") && d->method == NULL)
			return F_METHOD;
		/* FALLTHROUGH */
	case F_RESP:
		if (d->body)
			break;
		if (is(tag, "params"))
			return F_PARAMS;
		if (top->kind == F_RESP && is(tag, "fault"))
			return F_FAULT;
		break;
	case F_PARAMS:
		if (is(tag, "param"))
			return F_PARAM;
		/* FALLTHROUGH */
	case F_DATA:
		if (is(tag, "value"))
			return F_VALUE;
		break;
	case F_PARAM:
		if (is(tag, "value") && !top->held)
			return F_VALUE;
		break;
	case F_FAULT:
		if (is(tag, "value") && d->nitems == top->items)
			return F_VALUE;
		break;
	case F_VALUE:
		if (top->had)
			break;
		top->had = true;
		if (is(tag, "array"))
			return F_ARRAY;
		if (is(tag, "struct"))
			return F_STRUCT;
		f->type = XR_STRING;
		for (i = 0; i < sizeof(scalars) / sizeof(scalars[0]); i++)
			if (is(tag, scalars[i].name)) {
				f->type = scalars[i].type;
				break;
			}
		/* For messages; snprintf here cost as much as the rest. */
		n = strnlen(tag, sizeof(f->tag) - 1);
		memcpy(f->tag, tag, n);
		f->tag[n] = '\0';
		return F_SCALAR;
	case F_ARRAY:
		if (is(tag, "data"))
			return F_DATA;
		if (is(tag, "value"))
			return F_VALUE;
		break;
	case F_STRUCT:
		if (is(tag, "member"))
			return F_MEMBER;
		break;
	case F_MEMBER:
		if (is(tag, "name") && top->name == NOOFF)
			return F_NAME;
		if (is(tag, "value") && !top->held)
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
	struct xr_frame	*top, *f;
	const char	*tag = local_name(name);
	bool		 drop;
	int		 kind;

	(void)attrs;
	if (d->failed)
		return;
	if (d->nst == XR_MAXFRAMES) {
		dec_fail(d, "too deep: more than %d elements", XR_MAXFRAMES);
		return;
	}
	top = d->nst > 0 ? &d->st[d->nst - 1] : NULL;
	/* Only the text after an element's last child start is its own. */
	drop = top != NULL && collects(top);
	f = &d->st[d->nst];
	memset(f, 0, offsetof(struct xr_frame, it));
	f->name = NOOFF;
	if ((kind = child_kind(d, top, tag, f)) == -1)
		return;
	if (drop)
		d->nbytes = top->text;
	f->kind = kind;
	f->text = d->nbytes;
	f->items = d->nitems;
	if (kind == F_ARRAY || kind == F_STRUCT) {
		if (++d->depth > XR_MAXDEPTH) {
			dec_fail(d, "too deep: more than %d nested arrays "
			    "and structs", XR_MAXDEPTH);
			return;
		}
	} else if (kind == F_PARAMS)
		d->body = true;
	else if (kind == F_FAULT) {
		d->body = true;
		d->keep = NULL;		/* faultCode and faultString */
	} else if (kind == F_VALUE && ++d->nvals > d->maxvals) {
		dec_fail(d, "too many values: more than %zu", d->maxvals);
		return;
	}
	d->nst++;
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

/*
 * The value of a closed type element, from its text (the top of the
 * byte stack, which a string keeps and a number gives back).  0, or -1.
 */
static int
scalar(struct xr_dec *d, const struct xr_frame *f, struct xr_item *it)
{
	size_t	 len = d->nbytes - f->text;
	ssize_t	 n;
	char	*t, q[41];

	if (!bytes_add(d, "", 1))
		return -1;
	t = d->bytes + f->text;
	item_init(it, f->type);
	switch (f->type) {
	case XR_STRING:
	case XR_DATETIME:
		it->soff = f->text;
		it->v.len = len;
		return 0;
	case XR_BASE64:
		if ((n = xr_text_base64(t, len)) == -1) {
			dec_fail(d, "bad <base64> value");
			return -1;
		}
		it->soff = f->text;
		it->v.len = (size_t)n;
		d->nbytes = f->text + (size_t)n + 1;
		return 0;
	case XR_INT:
		if (xr_text_int(t, &it->v.i) == -1) {
			dec_fail(d, "bad <%s> value '%s'", f->tag,
			    quote(t, q, sizeof(q)));
			return -1;
		}
		break;
	case XR_BOOL:
		/* supervisor 4.2.5: text == "1", anything else is false */
		it->v.i = strcmp(t, "1") == 0;
		break;
	case XR_DOUBLE:
		if (xr_text_double(t, &it->v.d) == -1) {
			dec_fail(d, "bad <%s> value '%s'", f->tag,
			    quote(t, q, sizeof(q)));
			return -1;
		}
		break;
	default:
		break;
	}
	d->nbytes = f->text;
	return 0;
}

/*
 * A closed container takes its children off the stacks: their nodes,
 * its arrays, their strings and names, in one piece of the document's
 * memory.  0, or -1 when memory ran out.
 */
static int
pack(struct xr_dec *d, const struct xr_frame *f, struct xr_item *out)
{
	struct xr_item	*it;
	struct xr_val	*nodes, **v;
	char		**keys = NULL, *text;
	size_t		  i, n = d->nitems - f->items, nb = d->nbytes - f->text;
	size_t		  cap, nk;

	item_init(out, f->kind == F_STRUCT ? XR_STRUCT : XR_ARRAY);
	if (n == 0)
		return 0;
	/* The capacity val_grow (xmlrpc.c) assumes: 4, then powers of 2. */
	for (cap = 4; cap < n; cap *= 2)
		;
	nk = f->kind == F_STRUCT ? cap : 0;
	if ((nodes = xr_mem_alloc(d->mem, n * sizeof(*nodes) +
	    (cap + nk) * sizeof(*v) + nb)) == NULL) {
		dec_fail(d, "out of memory");
		return -1;
	}
	v = (struct xr_val **)(void *)(nodes + n);
	if (nk > 0)
		keys = (char **)(void *)(v + cap);
	text = (char *)(v + cap + nk);
	if (nb > 0)
		memcpy(text, d->bytes + f->text, nb);
	for (i = 0; i < n; i++) {
		it = &d->items[f->items + i];
		nodes[i] = it->v;
		nodes[i].flags |= XR_F_INNER;
		if (it->soff != NOOFF)
			nodes[i].s = text + (it->soff - f->text);
		if (keys != NULL)
			keys[i] = text + (it->koff - f->text);
		v[i] = &nodes[i];
	}
	out->v.v = v;
	out->v.keys = keys;
	out->v.n = n;
	out->v.flags = XR_F_ARRAYS | (keys != NULL ? XR_F_KEYS : 0);
	d->nitems = f->items;
	d->nbytes = f->text;
	return 0;
}

/* Whether a member of that name is kept. */
static bool
kept(const struct xr_dec *d, const char *name)
{
	const char *const *k;

	if (d->keep == NULL)
		return true;
	for (k = d->keep; *k != NULL; k++)
		if (is(name, *k))
			return true;
	return false;
}

/* Hand a closed <value> to the element around it. */
static void
deliver(struct xr_dec *d, struct xr_item *it)
{
	struct xr_frame	*top = &d->st[d->nst - 1];

	switch (top->kind) {
	case F_DATA:
	case F_ARRAY:
	case F_PARAMS:
	case F_FAULT:
		item_push(d, it);
		return;
	default:
		top->it = *it;
		top->held = true;
		return;
	}
}

static void
end_cb(void *arg, const XML_Char *name)
{
	struct xr_dec	*d = arg;
	struct xr_frame	*f, *top;
	struct xr_item	 it;

	(void)name;
	if (d->failed || d->nst == 0)
		return;
	f = &d->st[--d->nst];
	top = d->nst > 0 ? &d->st[d->nst - 1] : NULL;
	switch (f->kind) {
	case F_METHOD:
		if (bytes_add(d, "", 1) &&
		    (d->method = strdup(d->bytes + f->text)) == NULL)
			dec_fail(d, "out of memory");
		d->nbytes = f->text;
		return;
	case F_NAME:
		if (bytes_add(d, "", 1))
			top->name = f->text;
		return;
	case F_SCALAR:
		if (scalar(d, f, &top->it) == 0)
			top->held = true;
		return;
	case F_ARRAY:
	case F_STRUCT:
		d->depth--;
		if (pack(d, f, &top->it) == 0)
			top->held = true;
		return;
	case F_VALUE:
		if (!f->had) {
			item_init(&it, XR_STRING);
			it.soff = f->text;
			it.v.len = d->nbytes - f->text;
			if (!bytes_add(d, "", 1))
				return;
		} else if (f->held)
			it = f->it;
		else
			return;		/* failed below */
		deliver(d, &it);
		return;
	case F_MEMBER:
		if (f->name == NOOFF || !f->held)
			dec_fail(d, "<member> without a %s",
			    f->name == NOOFF ? "<name>" : "<value>");
		else if (!kept(d, d->bytes + f->name))
			d->nbytes = f->text;	/* read, checked, dropped */
		else {
			f->it.koff = f->name;
			item_push(d, &f->it);
		}
		return;
	case F_PARAM:
		if (!f->held)
			dec_fail(d, "<param> without a <value>");
		else
			item_push(d, &f->it);
		return;
	case F_PARAMS:
	case F_FAULT:
		if (f->kind == F_FAULT && d->nitems == f->items) {
			dec_fail(d, "<fault> without a <value>");
			return;
		}
		d->fault = f->kind == F_FAULT;
		if (pack(d, f, &d->result) == 0)
			d->done = true;
		return;
	default:
		return;
	}
}

/* What the decoder holds; the document's memory unless given away. */
static void
dec_free(struct xr_dec *d)
{
	if (d->p != NULL)
		XML_ParserFree(d->p);
	xr_mem_free(d->mem);
	free(d->items);
	free(d->bytes);
	free(d->method);
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

static int
dec_start(struct xr_dec *d)
{
	if ((d->mem = xr_mem_new(sizeof(struct xr_val))) == NULL ||
	    (d->p = XML_ParserCreate(NULL)) == NULL) {
		dec_fail(d, "out of memory");
		return -1;
	}
	XML_SetUserData(d->p, d);
	XML_SetElementHandler(d->p, start_cb, end_cb);
	XML_SetCharacterDataHandler(d->p, text_cb);
	XML_SetStartDoctypeDeclHandler(d->p, doctype_cb);
	XML_SetParamEntityParsing(d->p, XML_PARAM_ENTITY_PARSING_NEVER);
	return 0;
}

/* The last piece parsed: the parser goes.  0, or -1. */
static int
dec_end(struct xr_dec *d)
{
	/* XML_Parse: XML_ParseBuffer wants an XML_GetBuffer before. */
	if (!d->failed && XML_Parse(d->p, NULL, 0, XML_TRUE) !=
	    XML_STATUS_OK)
		dec_xml_fail(d);
	XML_ParserFree(d->p);
	d->p = NULL;
	return d->failed ? -1 : 0;
}

/* A whole body, in pieces of XR_CHUNK. */
static int
dec_run(struct xr_dec *d, const char *body, size_t len)
{
	size_t	n;

	if (dec_start(d) == -1)
		return -1;
	while (len > 0 && !d->failed) {
		n = len < XR_CHUNK ? len : XR_CHUNK;
		if (XML_Parse(d->p, body, (int)n, XML_FALSE) !=
		    XML_STATUS_OK)
			dec_xml_fail(d);
		body += n;
		len -= n;
	}
	return dec_end(d);
}

/*
 * The document's top value: v's node copied to the root of its memory,
 * which goes with it from now on, no longer d's.
 */
static struct xr_val *
dec_root(struct xr_dec *d, const struct xr_val *v)
{
	struct xr_val	*root = xr_mem_root(d->mem);

	*root = *v;
	root->flags = (v->flags & ~XR_F_INNER) | XR_F_ROOT;
	d->mem = NULL;
	return root;
}

int
xr_decode_call(const void *body, size_t len, struct xr_call *call,
    char *err, size_t errlen)
{
	struct xr_dec	d;

	call->method = NULL;
	call->params = NULL;
	dec_init(&d, true, err, errlen);
	if (dec_run(&d, body, len) == 0 && (d.method == NULL ||
	    d.method[0] == '\0'))
		dec_fail(&d, "no method name");
	if (d.failed) {
		dec_free(&d);
		return -1;
	}
	if (!d.done)
		item_init(&d.result, XR_ARRAY);
	call->method = d.method;
	call->params = dec_root(&d, &d.result.v);
	d.method = NULL;
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

/* A response parsed: its value or fault out of d, which is freed. */
static int
resp_finish(struct xr_dec *d, struct xr_val **val, bool *fault)
{
	const struct xr_val *r = &d->result.v, *v = NULL;
	const struct xr_val *code, *text;

	*val = NULL;
	*fault = false;
	if (d->failed)
		;
	else if (!d->done)
		dec_fail(d, "no <params> or <fault>");
	else if (d->fault) {
		/* One value: child_kind takes no second. */
		v = r->v[0];
		code = xr_member(v, "faultCode");
		text = xr_member(v, "faultString");
		if (code == NULL || code->type != XR_INT || text == NULL ||
		    text->type != XR_STRING)
			dec_fail(d, "malformed <fault>");
	} else if (r->n != 1)
		dec_fail(d, "%zu values in the response's <params>", r->n);
	else
		v = r->v[0];
	if (d->failed) {
		dec_free(d);
		return -1;
	}
	*fault = d->fault;
	*val = dec_root(d, v);
	dec_free(d);
	return 0;
}

int
xr_decode_response(const void *body, size_t len, struct xr_val **val,
    bool *fault, char *err, size_t errlen)
{
	struct xr_dec	d;

	dec_init(&d, false, err, errlen);
	(void)dec_run(&d, body, len);
	return resp_finish(&d, val, fault);
}

struct xr_dec *
xr_resp_new(char *err, size_t errlen)
{
	struct xr_dec	*d;

	if ((d = malloc(sizeof(*d))) == NULL)
		return NULL;
	dec_init(d, false, err, errlen);
	if (dec_start(d) == -1) {
		free(d);
		return NULL;
	}
	return d;
}

void *
xr_resp_buf(struct xr_dec *d, size_t len)
{
	void	*b;

	if (d->failed)
		return NULL;
	if (len > INT_MAX || (b = XML_GetBuffer(d->p, (int)len)) == NULL) {
		dec_fail(d, "out of memory");
		return NULL;
	}
	return b;
}

void
xr_resp_feed(struct xr_dec *d, size_t n)
{
	if (d->failed || n == 0)
		return;
	if (XML_ParseBuffer(d->p, (int)n, XML_FALSE) != XML_STATUS_OK)
		dec_xml_fail(d);
}

int
xr_resp_end(struct xr_dec *d, struct xr_val **val, bool *fault)
{
	int	rc;

	(void)dec_end(d);
	rc = resp_finish(d, val, fault);
	free(d);
	return rc;
}

void
xr_resp_keep(struct xr_dec *d, const char *const *keep)
{
	d->keep = keep;
}

void
xr_resp_free(struct xr_dec *d)
{
	if (d == NULL)
		return;
	dec_free(d);
	free(d);
}
