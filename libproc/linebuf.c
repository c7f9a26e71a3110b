/*
 * linebuf: whole-line assembly.  The common case, a read that ends on a
 * line end with nothing pending, costs one memrchr and one emit, with no
 * copy and no allocation.  Only a line split across reads is copied, into
 * a buffer that exists while that line is pending and is bounded by max.
 * Where the lines go, and what a full destination does, is the caller's
 * business.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "libproc/linebuf.h"

/* First allocation: most partial lines are short. */
#define LBUF_MINCAP	128

static void
lbuf_release(struct proc_lbuf *lb)
{
	free(lb->buf);
	lb->buf = NULL;
	lb->len = 0;
	lb->cap = 0;
}

/* Room for need <= max bytes; doubling, but never past max. */
static int
lbuf_reserve(struct proc_lbuf *lb, size_t need, size_t max)
{
	size_t	 cap;
	char	*p;

	if (need <= lb->cap)
		return 0;
	cap = lb->cap > 0 ? lb->cap : LBUF_MINCAP;
	while (cap < need && cap <= SIZE_MAX / 2)
		cap *= 2;
	if (cap < need)
		cap = need;
	if (cap > max)
		cap = max;
	if ((p = realloc(lb->buf, cap)) == NULL)
		return -1;
	lb->buf = p;
	lb->cap = cap;
	return 0;
}

/*
 * Add n bytes of the current line to the pending part, passing on pieces
 * of max bytes when it outgrows max.  Returns the bytes emitted.
 */
static size_t
lbuf_append(struct proc_lbuf *lb, const char *data, size_t n, size_t max,
    proc_lbuf_emit_fn *emit, void *arg)
{
	size_t	emitted = 0, k;

	while (n > 0) {
		if (n <= max - lb->len) {
			if (lbuf_reserve(lb, lb->len + n, max) == -1)
				goto nomem;
			memcpy(lb->buf + lb->len, data, n);
			lb->len += n;
			return emitted;
		}
		if (lb->len == 0) {
			/* A whole piece from data: no need to copy it. */
			emit(arg, data, max);
			k = max;
		} else {
			if (lbuf_reserve(lb, max, max) == -1)
				goto nomem;
			k = max - lb->len;
			memcpy(lb->buf + lb->len, data, k);
			emit(arg, lb->buf, max);
			lb->len = 0;
		}
		emitted += max;
		data += k;
		n -= k;
	}
	if (lb->len == 0)
		lbuf_release(lb);
	return emitted;

nomem:
	/* Better a line in two pieces than a line lost. */
	if (lb->len > 0) {
		emit(arg, lb->buf, lb->len);
		emitted += lb->len;
	}
	emit(arg, data, n);
	emitted += n;
	lbuf_release(lb);
	return emitted;
}

size_t
proc_lbuf_feed(struct proc_lbuf *lb, const char *data, size_t len,
    size_t max, proc_lbuf_emit_fn *emit, void *arg)
{
	const char	*nl;
	size_t		 emitted = 0, n;

	if (max == 0)
		max = SIZE_MAX;
	if (len == 0)
		return 0;
	if (lb->len > 0) {
		/* Complete the pending line first, in one piece if it fits. */
		nl = memchr(data, '\n', len);
		n = nl == NULL ? len : (size_t)(nl - data) + 1;
		emitted += lbuf_append(lb, data, n, max, emit, arg);
		if (nl == NULL)
			return emitted;
		data += n;
		len -= n;
		if (lb->len > 0) {
			emit(arg, lb->buf, lb->len);
			emitted += lb->len;
		}
		lbuf_release(lb);
	}
	if ((nl = memrchr(data, '\n', len)) != NULL) {
		n = (size_t)(nl - data) + 1;
		emit(arg, data, n);
		emitted += n;
		data += n;
		len -= n;
	}
	if (len > 0)
		emitted += lbuf_append(lb, data, len, max, emit, arg);
	return emitted;
}

size_t
proc_lbuf_flush(struct proc_lbuf *lb, proc_lbuf_emit_fn *emit, void *arg)
{
	size_t	n = lb->len;

	if (n > 0)
		emit(arg, lb->buf, n);
	lbuf_release(lb);
	return n;
}

size_t
proc_lbuf_pending(const struct proc_lbuf *lb)
{
	return lb->len;
}

void
proc_lbuf_free(struct proc_lbuf *lb)
{
	if (lb == NULL)
		return;
	lbuf_release(lb);
}
