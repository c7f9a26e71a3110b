/*
 * fuzz_xmlrpc: libFuzzer over both decoders and the writer.  Besides
 * memory errors and leaks it checks what the codec promises: what
 * decodes is written as XML that decodes again, a second round writes
 * the same bytes as the first (once XML has turned a raw \r into \n), a
 * string written in parts of any size is written as when whole, and a
 * call encoded by xr_encode_call decodes to the same method and params.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "supervisord/xmlrpc.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

struct buf {
	char	*p;
	size_t	 len, cap;
};

static void
buf_write(void *arg, const void *s, size_t n)
{
	struct buf	*b = arg;

	if (n == 0)
		abort();		/* the writer never writes nothing */
	if (b->len + n + 1 > b->cap) {
		b->cap = (b->len + n + 1) * 2;
		if ((b->p = realloc(b->p, b->cap)) == NULL)
			abort();
	}
	memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = '\0';
}

/* xr_put_val, but strings go in parts of step bytes. */
static void
put_parts(struct xr_out *o, const struct xr_val *v, size_t step)
{
	size_t	i;

	switch (v->type) {
	case XR_STRING:
		xr_str_begin(o);
		for (i = 0; i < v->len; i += step)
			xr_str_part(o, v->s + i, v->len - i < step ?
			    v->len - i : step);
		xr_str_end(o);
		break;
	case XR_ARRAY:
		xr_array_begin(o);
		for (i = 0; i < v->n; i++)
			put_parts(o, v->v[i], step);
		xr_array_end(o);
		break;
	case XR_STRUCT:
		xr_struct_begin(o);
		for (i = 0; i < v->n; i++) {
			xr_member_begin(o, v->keys[i]);
			put_parts(o, v->v[i], step);
			xr_member_end(o);
		}
		xr_struct_end(o);
		break;
	default:
		xr_put_val(o, v);
		break;
	}
}

/* The answer holding v (or the fault v is), as the writer writes it. */
static char *
answer(const struct xr_val *v, bool fault, size_t step, size_t *lenp)
{
	struct xr_out	 o;
	struct buf	 b;

	memset(&b, 0, sizeof(b));
	xr_out_init(&o, buf_write, NULL, &b);
	if (fault)
		xr_fault(&o, (int)xr_member(v, "faultCode")->i,
		    xr_member(v, "faultString")->s);
	else if (step > 0)
		put_parts(&o, v, step);
	else
		xr_put_val(&o, v);
	xr_out_finish(&o);
	if (o.depth != 0 || o.in_string)
		abort();
	*lenp = b.len;
	return b.p;
}

/* Decode an answer of ours, which must work, and write it again. */
static char *
again(const char *body, size_t len, bool fault, size_t *lenp)
{
	struct xr_val	*v;
	char		 err[256], *out;
	bool		 f;

	if (xr_decode_response(body, len, &v, &f, err, sizeof(err)) == -1 ||
	    f != fault)
		abort();
	out = answer(v, f, 0, lenp);
	xr_val_free(v);
	return out;
}

static void
check_answer(const struct xr_val *v, bool fault, size_t step)
{
	char	*a, *b, *c, *d;
	size_t	 alen, blen, clen, dlen;

	/* A fault that is not ours to write (a code beyond int) is not. */
	if (fault && (xr_member(v, "faultCode")->i > INT32_MAX ||
	    xr_member(v, "faultCode")->i < INT32_MIN))
		return;
	a = answer(v, fault, 0, &alen);
	if (!fault) {
		d = answer(v, false, step, &dlen);
		if (dlen != alen || memcmp(a, d, alen) != 0)
			abort();
		free(d);
	}
	b = again(a, alen, fault, &blen);
	c = again(b, blen, fault, &clen);
	if (clen != blen || memcmp(b, c, blen) != 0)
		abort();
	free(a);
	free(b);
	free(c);
}

static void
check_call(const struct xr_call *call)
{
	struct xr_call	 c2;
	char		*enc, *enc2, err[256];
	size_t		 len, len2;

	if ((enc = xr_encode_call(call->method, call->params, &len)) == NULL)
		abort();
	if (strlen(enc) != len)
		abort();
	if (xr_decode_call(enc, len, &c2, err, sizeof(err)) == -1)
		abort();
	if (c2.params->n != call->params->n)
		abort();
	if ((enc2 = xr_encode_call(c2.method, c2.params, &len2)) == NULL)
		abort();
	xr_call_clear(&c2);
	free(enc);
	free(enc2);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct xr_call	 call;
	struct xr_val	*v;
	char		 err[256];
	size_t		 step, i;
	bool		 fault;

	step = size > 0 ? data[0] % 7 + 1 : 1;
	memset(err, 'x', sizeof(err));
	if (xr_decode_call(data, size, &call, err, sizeof(err)) == 0) {
		if (call.method == NULL || call.method[0] == '\0' ||
		    call.params == NULL || call.params->type != XR_ARRAY)
			abort();
		/* Each param alone: in an array it would be one deeper. */
		for (i = 0; i < call.params->n; i++)
			check_answer(call.params->v[i], false, step);
		check_call(&call);
		xr_call_clear(&call);
	} else if (strlen(err) == 0 || strchr(err, '\n') != NULL ||
	    call.method != NULL || call.params != NULL)
		abort();
	if (xr_decode_response(data, size, &v, &fault, err,
	    sizeof(err)) == 0) {
		check_answer(v, fault, step);
		xr_val_free(v);
	} else if (strlen(err) == 0 || v != NULL)
		abort();
	return 0;
}
