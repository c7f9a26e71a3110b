/*
 * linebuf: whole lines out of a byte stream, for forwarding the output of
 * many programs to one stream (the daemon's own stdout) without their
 * lines interleaving mid-line.  Complete lines are passed on at once, in
 * as few calls as possible; only the trailing partial line is kept, and
 * no more than max bytes of it: a longer line is passed on in pieces.
 *
 * A struct proc_lbuf is embedded by value in the caller's struct; all
 * zero is empty.  It holds a malloc'ed buffer only while a partial line
 * is pending, so idle streams cost no memory beyond the struct.
 */
#ifndef LIBPROC_LINEBUF_H
#define LIBPROC_LINEBUF_H

#include <stddef.h>

struct proc_lbuf {
	char	*buf;		/* the pending partial line; NULL if none */
	size_t	 len;		/* its length: 0 exactly when buf is NULL */
	size_t	 cap;		/* bytes allocated at buf, at most max */
};

/*
 * Receives len > 0 bytes at data, valid only during the call.  Each call
 * is whole lines ending in '\n', except a piece of a line longer than max
 * and what proc_lbuf_flush passes on.  It must not use the same
 * struct proc_lbuf.
 */
typedef void	proc_lbuf_emit_fn(void *arg, const char *data, size_t len);

/*
 * Feed len bytes of the stream.  Calls emit for what completes lines:
 *  - if a partial line was pending, once for that line completed (the
 *    pending bytes and the data up to its first '\n', copied together);
 *  - once for the run of complete lines that follows in data, passed
 *    straight from data whatever their lengths (no copy);
 * and keeps the bytes after the last '\n' as the pending line.  When the
 * pending line would grow past max bytes, its first max bytes are emitted
 * as one piece, as often as needed, so the buffer never holds more than
 * max bytes (max 0: no bound).  If memory runs out, the pending bytes and
 * the partial data are emitted as they are rather than lost.
 * Returns the number of bytes emitted by this call.
 */
size_t	proc_lbuf_feed(struct proc_lbuf *lb, const char *data, size_t len,
	    size_t max, proc_lbuf_emit_fn *emit, void *arg);

/*
 * Emit the pending partial line, if any (at end of stream: the program
 * exited, its pipe closed), and free the buffer.  Returns the number of
 * bytes emitted.
 */
size_t	proc_lbuf_flush(struct proc_lbuf *lb, proc_lbuf_emit_fn *emit,
	    void *arg);

/* Bytes of the pending partial line. */
size_t	proc_lbuf_pending(const struct proc_lbuf *lb);

/*
 * Drop the pending partial line and free the buffer; lb is empty again and
 * may be reused.  NULL is accepted.
 */
void	proc_lbuf_free(struct proc_lbuf *lb);

#endif /* LIBPROC_LINEBUF_H */
