/*
 * xmlrpc: the XML-RPC codec, shared by the daemon and supervisorctl.
 * Values are decoded with libexpat (no DOCTYPE, no external entity) into
 * a small tree, xr_val, from a body whole or as it arrives; answers are written as Python's xmlrpc.client
 * dumps() writes them, byte for byte, through a streaming writer that
 * emits as it goes (struct xr_out) so that a large answer never has to be
 * built whole.  Text that is not valid XML 1.0 (C0 controls other than
 * tab, newline and carriage return; invalid UTF-8) is written as U+FFFD.
 * No loop, no socket: pure data in, bytes out.  Values are xmlrpc.c, the
 * decoder xmlrpc_dec.c, the writer xmlrpc_out.c; this header is theirs.
 */
#ifndef SUPERVISORD_XMLRPC_H
#define SUPERVISORD_XMLRPC_H

#include <stdbool.h>
#include <stddef.h>

/* Bounds of a decoded document: deeper or larger is refused. */
#define XR_MAXDEPTH	32		/* nested arrays and structs */
#define XR_MAXVALUES	65536		/* values in one request */
/*
 * Values in one response: a client reads its own server's answers, and
 * getAllProcessInfo of N programs holds 15 values a process (more than
 * XR_MAXVALUES from 4400 programs on).
 */
#define XR_MAXRVALUES	(1 << 24)

enum xr_type {
	XR_STRING = 0,	/* <string>, an untyped <value>, and unknown
			 * types (their text, as supervisor does) */
	XR_INT,		/* <int>, <i4>, <i8> */
	XR_BOOL,	/* <boolean> */
	XR_DOUBLE,
	XR_DATETIME,	/* <dateTime.iso8601>: the text in s */
	XR_BASE64,	/* decoded bytes in s, len */
	XR_ARRAY,
	XR_STRUCT,
	XR_NIL		/* <nil/> */
};

/*
 * How a decoded value is stored (0 in a value built by hand): a decoded
 * document lives in memory of its own, which goes when its top value is
 * freed.  So a value below the top is never freed nor taken out on its
 * own: copy what must outlive the document.  xr_push and xr_put work on
 * decoded containers too (their arrays are then moved to the heap).
 */
#define XR_F_INNER	0x1	/* the node and its string in that memory */
#define XR_F_ARRAYS	0x2	/* v and keys there too */
#define XR_F_KEYS	0x4	/* the member names there too */
#define XR_F_ROOT	0x8	/* the top value: the memory goes with it */

struct xr_val {
	enum xr_type	 type;
	unsigned	 flags;		/* XR_F_*: the decoder's */
	long long	 i;		/* XR_INT, XR_BOOL (0 or 1) */
	double		 d;		/* XR_DOUBLE */
	char		*s;		/* XR_STRING, XR_DATETIME, XR_BASE64:
					 * NUL-terminated, len bytes */
	size_t		 len;
	struct xr_val	**v;		/* XR_ARRAY items, XR_STRUCT values */
	char		**keys;		/* XR_STRUCT member names, as v */
	size_t		 n;
};

/* Free a value and everything below it; NULL is fine. */
void	xr_val_free(struct xr_val *v);

/* Constructors for building values by hand (requests, tests): NULL when
 * memory ran out.  xr_push appends item (owned from now on) to an array,
 * xr_put a member to a struct; -1 when memory ran out (item freed). */
struct xr_val *xr_string(const char *s, size_t len);
struct xr_val *xr_int(long long i);
struct xr_val *xr_bool(bool b);
struct xr_val *xr_array(void);
struct xr_val *xr_struct(void);
int	xr_push(struct xr_val *array, struct xr_val *item);
int	xr_put(struct xr_val *st, const char *key, struct xr_val *item);

/* A struct's member named key, or NULL. */
const struct xr_val *xr_member(const struct xr_val *st, const char *key);

/*
 * A decoded <methodCall>: the method's name and its params as an
 * XR_ARRAY (empty when <params> is absent).
 */
struct xr_call {
	char		*method;
	struct xr_val	*params;
};

/*
 * Decode a request body.  0 and *call filled (free with xr_call_clear),
 * or -1 with a one-line reason in err: not well-formed XML, a DOCTYPE,
 * no <methodName> or an empty one, too deep or too many values, not a
 * <methodCall>.
 */
int	xr_decode_call(const void *body, size_t len, struct xr_call *call,
	    char *err, size_t errlen);
void	xr_call_clear(struct xr_call *call);

/*
 * Decode a <methodResponse>: 0 with *val the value (owned by the caller)
 * and *fault false; 0 with *fault true, *val the fault's struct
 * (faultCode, faultString); -1 with a reason in err.
 */
int	xr_decode_response(const void *body, size_t len, struct xr_val **val,
	    bool *fault, char *err, size_t errlen);

/*
 * A <methodResponse> decoded as it arrives, never held whole: xr_resp_new
 * (NULL when memory ran out; err, errlen as above, kept until the end);
 * then for each piece, xr_resp_buf gives room for len bytes (at most
 * INT_MAX) that the caller fills, read(2) straight into it, and
 * xr_resp_feed parses the n bytes put there; xr_resp_end returns what
 * xr_decode_response would of the whole, and frees the decoder.  A piece
 * may end anywhere: inside a tag, an entity or a UTF-8 sequence.
 * xr_resp_buf returns NULL once the document is known to be bad (or
 * memory ran out): stop feeding, xr_resp_end says why.  xr_resp_free
 * drops a decoder unfinished; NULL is fine.
 */
struct xr_dec;

struct xr_dec *xr_resp_new(char *err, size_t errlen);
void	*xr_resp_buf(struct xr_dec *d, size_t len);
void	 xr_resp_feed(struct xr_dec *d, size_t n);
int	 xr_resp_end(struct xr_dec *d, struct xr_val **val, bool *fault);
void	 xr_resp_free(struct xr_dec *d);
/*
 * Before the first piece: keep only the struct members named in keep
 * (NULL-terminated, kept by the caller until the end) in the value of
 * <params>; the others are read and checked, then dropped.  For a client
 * that uses a few members of a large answer.  A <fault> is kept whole.
 */
void	 xr_resp_keep(struct xr_dec *d, const char *const *keep);

/*
 * Encode a <methodCall> as Python's dumps((params...), methodname) does.
 * params is an XR_ARRAY (or NULL: none).  A malloc'ed NUL-terminated
 * buffer, its length in *lenp, or NULL when memory ran out.
 */
char	*xr_encode_call(const char *method, const struct xr_val *params,
	    size_t *lenp);

/*
 * The streaming writer of an answer.  Whoever produces a value calls
 * these in document order; the writer emits the <methodResponse>
 * envelope around the first value at depth 0 (or <fault> for xr_fault
 * at depth 0), escapes and sanitises text, and passes bytes to write().
 * A string may come in parts (xr_str_begin, xr_str_part..., xr_str_end):
 * a UTF-8 sequence split between parts is joined.  room() tells how many
 * more bytes the consumer wants now: producers of long answers stop when
 * it says 0 and go on later (see rpc.h).
 */
struct xr_out {
	void	(*write)(void *arg, const void *buf, size_t len);
	size_t	(*room)(void *arg);
	void	*arg;
	/* The writer's own state. */
	int	 depth;
	bool	 started;	/* the envelope's head is written */
	bool	 in_string;
	bool	 faulted;
	unsigned char carry[4];	/* an unfinished UTF-8 sequence */
	size_t	 ncarry;
	size_t	 need;		/* bytes that sequence still needs */
};

void	xr_out_init(struct xr_out *o,
	    void (*write)(void *, const void *, size_t),
	    size_t (*room)(void *), void *arg);
size_t	xr_room(const struct xr_out *o);

void	xr_array_begin(struct xr_out *o);
void	xr_array_end(struct xr_out *o);
void	xr_struct_begin(struct xr_out *o);
/* The next value is the member key's. */
void	xr_member_begin(struct xr_out *o, const char *key);
void	xr_member_end(struct xr_out *o);
void	xr_struct_end(struct xr_out *o);
void	xr_put_string(struct xr_out *o, const char *s, size_t len);
void	xr_put_cstr(struct xr_out *o, const char *s);
void	xr_put_int(struct xr_out *o, long long v);	/* <i8> beyond 32 bits */
void	xr_put_bool(struct xr_out *o, bool v);
void	xr_put_double(struct xr_out *o, double v);
void	xr_str_begin(struct xr_out *o);
void	xr_str_part(struct xr_out *o, const void *s, size_t len);
void	xr_str_end(struct xr_out *o);
/* Write a decoded value whole (multicall echoes, tests). */
void	xr_put_val(struct xr_out *o, const struct xr_val *v);

/*
 * A fault instead of a value: at depth 0 the answer's <fault>; deeper
 * (a multicall's item) the struct {faultCode, faultString}.
 */
void	xr_fault(struct xr_out *o, int code, const char *text);

/* Close the envelope after the one value (or fault) at depth 0. */
void	xr_out_finish(struct xr_out *o);

#endif /* SUPERVISORD_XMLRPC_H */
