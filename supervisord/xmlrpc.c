/*
 * xmlrpc: the XML-RPC codec's values (see xmlrpc.h; the decoder is
 * xmlrpc_dec.c, the writer xmlrpc_out.c): constructors, members, and
 * freeing, which knows how the decoder stores what it builds
 * (xmlrpc_mem).  What a
 * method means, and which faults it answers, is rpc's business.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "supervisord/xmlrpc.h"
#include "supervisord/xmlrpc_mem.h"

/* Values */

static struct xr_val *
val_new(enum xr_type type)
{
	struct xr_val	*v;

	if ((v = calloc(1, sizeof(*v))) != NULL)
		v->type = type;
	return v;
}

/* A decoded value's parts are its document's (xmlrpc_mem), not the heap's. */
void
xr_val_free(struct xr_val *v)
{
	size_t	i;

	if (v == NULL)
		return;
	for (i = 0; i < v->n; i++) {
		xr_val_free(v->v[i]);
		if (v->keys != NULL && !(v->flags & XR_F_KEYS))
			free(v->keys[i]);
	}
	if (!(v->flags & XR_F_ARRAYS)) {
		free(v->v);
		free(v->keys);
	}
	if (v->flags & XR_F_ROOT)
		xr_mem_free(xr_mem_of(v));
	else if (!(v->flags & XR_F_INNER)) {
		free(v->s);
		free(v);
	}
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
 * four items, then the power of two at or above n.  A decoded
 * container's arrays move to the heap first.
 */
static int
val_grow(struct xr_val *c)
{
	struct xr_val	**v;
	char		**k = NULL;
	size_t		  cap;

	if (c->flags & XR_F_ARRAYS) {
		for (cap = 4; cap < c->n; cap *= 2)
			;
		if ((v = malloc(cap * sizeof(*v))) == NULL ||
		    (c->keys != NULL && (k = malloc(cap *
		    sizeof(*k))) == NULL)) {
			free(v);
			return -1;
		}
		memcpy(v, c->v, c->n * sizeof(*v));
		if (k != NULL)
			memcpy(k, c->keys, c->n * sizeof(*k));
		c->v = v;
		c->keys = k;
		c->flags &= ~XR_F_ARRAYS;
	}
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

/* A decoded struct's names copied out of its document, each its own. */
static int
keys_own(struct xr_val *st)
{
	char	**k;
	size_t	  i;

	if (!(st->flags & XR_F_KEYS))
		return 0;
	if ((k = calloc(st->n, sizeof(*k))) == NULL)
		return -1;
	for (i = 0; i < st->n; i++)
		if ((k[i] = strdup(st->keys[i])) == NULL) {
			while (i-- > 0)
				free(k[i]);
			free(k);
			return -1;
		}
	memcpy(st->keys, k, st->n * sizeof(*k));
	free(k);
	st->flags &= ~XR_F_KEYS;
	return 0;
}

int
xr_put(struct xr_val *st, const char *key, struct xr_val *item)
{
	char	*k;

	if (item == NULL || st == NULL || st->type != XR_STRUCT ||
	    keys_own(st) == -1 || (k = strdup(key)) == NULL) {
		xr_val_free(item);
		return -1;
	}
	if (val_grow(st) == -1) {
		free(k);
		xr_val_free(item);
		return -1;
	}
	st->keys[st->n] = k;
	st->v[st->n++] = item;
	return 0;
}

/* The last member of that name: a repeated name counts as Python's dict. */
const struct xr_val *
xr_member(const struct xr_val *st, const char *key)
{
	size_t	i;

	if (st == NULL || st->type != XR_STRUCT)
		return NULL;
	for (i = st->n; i-- > 0;)
		if (st->keys[i][0] == key[0] && strcmp(st->keys[i], key) == 0)
			return st->v[i];
	return NULL;
}
