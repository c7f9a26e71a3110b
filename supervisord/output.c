/*
 * output: child pipes to log files, to the daemon's stdout/stderr, to
 * syslog.  One shared read buffer serves every stream (one thread), so a
 * quiet program costs no buffer memory; a partial line is held (by
 * libproc's linebuf) only while one is pending, and only for the
 * destinations that need whole lines.  A log file gets each read as it
 * came, in one write: rlog cuts rotations at line ends by itself.
 *
 * A log file that fails (full disk, a directory in its place) costs
 * whole lines, never a torn one: rlog cuts a failed write back to a line
 * end, and what follows is skipped to the next line start.
 *
 * A callback reads at most OUT_READS_PER_WAKEUP times: libev then serves
 * the other ready pipes before this one again, so no program starves
 * another.  Write failures are counted and logged once per episode, with
 * the count when the episode ends; the pipe keeps being drained, so the
 * program never blocks on a failing log file.  Forwarding never blocks
 * the loop either (the sink, below): when our stdout is read slowly, the
 * programs that write there are held back, by not reading their pipes,
 * until it catches up.  The file is two layers: the sink (the daemon's
 * fd 1 and 2 as bounded whole-line queues, which knows no program and
 * reports upward through its flow callback) and the program streams
 * above it; the sink is meant to become a module of its own.
 */
#include <sys/queue.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "libproc/linebuf.h"
#include "libproc/rlog.h"
#include "supervisord/log.h"
#include "supervisord/output.h"

#define OUT_BUFSIZE		(128 * 1024)
#define OUT_READS_PER_WAKEUP	4
#define OUT_LINE_MAX		(64 * 1024)	/* longer lines go in pieces */
#define OUT_LINE_HOLD		1.0	/* s an open line holds others */
#define OUT_DRAIN_MAX		(8 * 1024 * 1024) /* read after an exit */
#define FWD_QUEUE_MAX		(1024 * 1024)	/* above: writers held */
#define FWD_QUEUE_HARD		(4 * 1024 * 1024) /* never more: dropped */
#define FWD_SYNC_MS		100	/* per write once the loop is gone */
#define FWD_FINAL_MS		2000	/* at shutdown, with no progress */
#define FWD_FINAL_MAX_MS	10000	/* at shutdown, in all */
#define OUT_CHECK_SECS		1.0	/* stat a log path at most this often */
#define OUT_PIPE_BUSY		(32 * 1024)	/* a read this big: a busy pipe */
#define OUT_PIPE_SIZE		(1024 * 1024)	/* what a busy pipe gets */

/* supervisor's ANSI_TERMINATORS (dispatchers.py). */
#define ANSI_TERMINATORS	"HfABCDRsuJKhlpm"

enum { ESC_NONE = 0, ESC_SEEN, ESC_IN };

/*
 * --- the sink: the daemon's stdout and stderr --------------------------
 *
 * Whole lines from many writers to one fd.  Where the fd is a pipe or a
 * socket it is non-blocking, and what it does not take at once waits in
 * a queue written as the fd becomes writable.  Above FWD_QUEUE_MAX the
 * sink tells the output layer, through the flow callback, to stop reading
 * the pipes of the programs that write there (they then block in write(),
 * as on any slow pipe, and nothing is lost), and again once the queue is
 * below half of that.  What cannot wait (the daemon's own log lines, a
 * stopping program, a pipe's last bytes when it is closed) is queued
 * beyond that bound, up to FWD_QUEUE_HARD: 1 MiB of held-back writers, 3
 * MiB more for what cannot wait, then whole lines are dropped, counted,
 * and each episode logged once with its count when it ends.  At a hard
 * error (EPIPE: the reader is gone) the queue is dropped and nothing is
 * held: programs go on, their output is counted as dropped.
 *
 * Lines never interleave: a writer whose line is unfinished at the tail
 * (a piece of a line longer than OUT_LINE_MAX) holds the sink, so that
 * the output layer holds the others back, and our own log lines wait in
 * a side queue, until that line ends.
 *
 * A terminal is not made non-blocking: O_NONBLOCK belongs to the open
 * file description, which we share with the shell that started us.  We
 * open the terminal again instead (/proc/self/fd/N) for a description of
 * our own, non-blocking; if that fails the terminal is written with
 * blocking writes.  A regular file (or /dev/null) is written with
 * blocking writes too: O_NONBLOCK means nothing to it, and it never
 * waits on a reader.
 */

struct fwd_buf {
	char	*p;		/* the bytes are at p + off */
	size_t	 off, len, cap;
};

/* One of the daemon's own fds, as a destination for whole lines. */
struct fwd_dest {
	int		 fd;		/* what we write: stdfd, or our own */
	int		 stdfd;		/* 1 or 2 */
	const char	*name;		/* "stdout", for messages */
	bool		 setup;		/* looked at (fstat) already */
	bool		 nonblock;	/* fd is O_NONBLOCK */
	bool		 own;		/* fd is our reopened terminal */
	int		 saved_flags;	/* to give back at shutdown */
	struct fwd_dest	*alias;		/* fd 2 on the same file as fd 1 */
	struct fwd_buf	 q;		/* queued for fd */
	struct fwd_buf	 side;		/* our lines, while one is open */
	const void	*open;		/* whose line is unfinished, or NULL */
	bool		 held;		/* above FWD_QUEUE_MAX */
	ev_io		 w;		/* EV_WRITE while the queue holds data */
	bool		 dropping;	/* in an episode of drops */
	unsigned long long ep_lines, ep_bytes;	/* this episode's drops */
	unsigned long long lines, bytes;	/* all drops */
};

static struct {
	struct ev_loop	*loop;
	bool		 strip_ansi;
	void		(*flow)(int);	/* d[i] held or let go: re-check */
	struct fwd_dest	 d[2];
} fwd = {
	NULL, false, NULL, {
		{ .fd = STDOUT_FILENO, .stdfd = STDOUT_FILENO,
		  .name = "stdout" },
		{ .fd = STDERR_FILENO, .stdfd = STDERR_FILENO,
		  .name = "stderr" },
	}
};

static char	out_buf[OUT_BUFSIZE];
static char	strip_buf[OUT_BUFSIZE + 1];
static bool	out_final;	/* out_emit gets a stream's last line */

static void	fwd_write_cb(struct ev_loop *, ev_io *, int);
static ev_timer	out_hold_timer[2];	/* see out_hold_cb */

static bool
is_terminal(int fd, const struct stat *st)
{
	return S_ISCHR(st->st_mode) && isatty(fd);
}

static void
fwd_setup(struct fwd_dest *f)
{
	struct stat	st;
	char		path[64];
	int		fl, fd;

	if (f->setup)
		return;
	f->setup = true;
	ev_io_init(&f->w, fwd_write_cb, f->fd, EV_WRITE);
	f->w.data = f;
	if (fstat(f->fd, &st) == -1)
		return;
	if (is_terminal(f->fd, &st)) {
		/* A description of our own: see above. */
		snprintf(path, sizeof(path), "/proc/self/fd/%d", f->stdfd);
		fd = open(path, O_WRONLY | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
		if (fd == -1)
			return;
		f->fd = fd;
		f->own = true;
		f->nonblock = true;
		ev_io_set(&f->w, f->fd, EV_WRITE);
		return;
	}
	if (!S_ISFIFO(st.st_mode) && !S_ISSOCK(st.st_mode))
		return;
	if ((fl = fcntl(f->fd, F_GETFL)) == -1)
		return;
	f->saved_flags = fl;
	if ((fl & O_NONBLOCK) == 0 &&
	    fcntl(f->fd, F_SETFL, fl | O_NONBLOCK) == -1)
		return;
	f->nonblock = true;
}

/* The destination for fd 1 or 2; fd 2 on fd 1's file shares its queue. */
static struct fwd_dest *
fwd_dest(enum out_fwd which)
{
	struct fwd_dest	*f;
	struct stat	 a, b;

	if (which == OUT_FWD_STDOUT)
		return &fwd.d[0];
	f = &fwd.d[1];
	if (!f->setup) {
		if (fstat(STDOUT_FILENO, &a) == 0 &&
		    fstat(STDERR_FILENO, &b) == 0 && a.st_dev == b.st_dev &&
		    a.st_ino == b.st_ino && (S_ISFIFO(a.st_mode) ||
		    S_ISSOCK(a.st_mode) || is_terminal(STDOUT_FILENO, &a))) {
			/* One pipe: one queue, or lines could interleave. */
			f->alias = &fwd.d[0];
			f->setup = true;
		} else if (fwd.loop != NULL)
			fwd_setup(f);
	}
	return f->alias != NULL ? f->alias : f;
}

static void
fwd_notify(struct fwd_dest *f)
{
	if (fwd.flow != NULL)
		fwd.flow((int)(f - fwd.d));
}

static unsigned long long
count_lines(const char *p, size_t len)
{
	const char		*e = p + len, *nl;
	unsigned long long	 n = 0;

	if (len == 0)
		return 0;
	while ((nl = memchr(p, '\n', (size_t)(e - p))) != NULL) {
		n++;
		p = nl + 1;
	}
	/* A piece of a longer line counts as one. */
	return p < e ? n + 1 : n;
}

/* Count what could not be passed on; the first drop starts an episode. */
static void
fwd_drop(struct fwd_dest *f, const char *data, size_t len, int err)
{
	unsigned long long lines = count_lines(data, len);

	f->ep_lines += lines;
	f->ep_bytes += len;
	f->lines += lines;
	f->bytes += len;
	if (f->dropping)
		return;
	/* Set first: this very message may come back here and be dropped. */
	f->dropping = true;
	if (err == 0)
		log_warnx("our %s is not being read: its queue is full "
		    "(%d MiB): dropping whole lines of output until it is "
		    "read", f->name, FWD_QUEUE_HARD / (1024 * 1024));
	else
		log_warnx("couldn't write to our %s: %s: dropping output "
		    "until it works", f->name, strerror(err));
}

static void
fwd_episode_end(struct fwd_dest *f)
{
	unsigned long long lines = f->ep_lines, bytes = f->ep_bytes;

	if (!f->dropping)
		return;
	f->dropping = false;
	f->ep_lines = f->ep_bytes = 0;
	log_info("our %s is writable again: %llu lines (%llu bytes) of "
	    "output were dropped", f->name, lines, bytes);
}

static int
buf_append(struct fwd_buf *b, const char *data, size_t len)
{
	size_t	 cap;
	char	*p;

	if (b->off + b->len + len > b->cap && b->off > 0) {
		memmove(b->p, b->p + b->off, b->len);
		b->off = 0;
	}
	if (b->len + len > b->cap) {
		cap = b->cap > 0 ? b->cap : 64 * 1024;
		while (cap < b->len + len)
			cap *= 2;
		if ((p = realloc(b->p, cap)) == NULL)
			return -1;
		b->p = p;
		b->cap = cap;
	}
	memcpy(b->p + b->off + b->len, data, len);
	b->len += len;
	return 0;
}

static void
buf_release(struct fwd_buf *b)
{
	free(b->p);
	b->p = NULL;
	b->off = b->len = b->cap = 0;
}

/* Hold the writers back above the bound; let them go below half. */
static void
fwd_check_hold(struct fwd_dest *f)
{
	if (!f->held && f->q.len > FWD_QUEUE_MAX) {
		f->held = true;
		fwd_notify(f);
		log_debug("our %s is read slowly: holding back the programs "
		    "that write there", f->name);
	} else if (f->held && f->q.len < FWD_QUEUE_MAX / 2) {
		f->held = false;
		fwd_notify(f);
		log_debug("our %s has room again: reading the programs that "
		    "write there", f->name);
	}
}

/*
 * Queue whole lines of data, as many as fit under FWD_QUEUE_HARD; drop
 * the rest.  must: the first bytes finish a line already partly written,
 * and are queued whatever the bound, or that line would be torn.
 */
static size_t
fwd_enqueue(struct fwd_dest *f, const char *data, size_t len, bool must)
{
	const char	*nl;
	size_t		 room, take = len;

	room = f->q.len < FWD_QUEUE_HARD ? FWD_QUEUE_HARD - f->q.len : 0;
	if (len > room) {
		take = 0;
		if (room > 0 && (nl = memrchr(data, '\n', room)) != NULL)
			take = (size_t)(nl - data) + 1;
		if (must && take == 0) {
			nl = memchr(data, '\n', len);
			take = nl != NULL ? (size_t)(nl - data) + 1 : len;
		}
	}
	if (take > 0 && buf_append(&f->q, data, take) == -1)
		take = 0;
	if (f->q.len > 0 && fwd.loop != NULL && !ev_is_active(&f->w))
		ev_io_start(fwd.loop, &f->w);
	if (take < len)
		fwd_drop(f, data + take, len - take, 0);
	fwd_check_hold(f);
	return len - take;
}

/*
 * Write the queue until it is empty (0) or the fd is full (0, queue left);
 * -1 with errno at a hard error: the queue is dropped.
 */
static int
fwd_write_queue(struct fwd_dest *f)
{
	ssize_t	 n;
	size_t	 len;
	char	*p;
	int	 save;

	while (f->q.len > 0) {
		n = write(f->fd, f->q.p + f->q.off, f->q.len);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1 && errno == EAGAIN)
			return 0;
		if (n <= 0) {
			save = n == 0 ? EIO : errno;
			/* Empty first: the message may come back here. */
			p = f->q.p + f->q.off;
			len = f->q.len;
			f->q.off = f->q.len = 0;
			fwd_drop(f, p, len, save);
			errno = save;
			return -1;
		}
		f->q.off += (size_t)n;
		f->q.len -= (size_t)n;
	}
	return 0;
}

static void
fwd_write_cb(struct ev_loop *loop, ev_io *w, int revents)
{
	struct fwd_dest	*f = w->data;
	int		 rc;

	(void)revents;
	rc = fwd_write_queue(f);
	if (f->q.len == 0) {
		ev_io_stop(loop, w);
		buf_release(&f->q);
		if (rc == 0)
			fwd_episode_end(f);
	}
	fwd_check_hold(f);
}

static long long
mono_ms(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

/*
 * Write the queue, waiting for the reader as long as it takes something
 * within idle_ms, at most max_ms in all; drop what is left.
 */
static void
fwd_flush_sync(struct fwd_dest *f, int idle_ms, int max_ms)
{
	struct pollfd	 pfd;
	long long	 end, now;
	size_t		 len;
	char		*p;
	bool		 had = f->q.len > 0;
	int		 rc = 0, n;

	end = mono_ms() + max_ms;
	while (f->q.len > 0 && (rc = fwd_write_queue(f)) == 0 &&
	    f->q.len > 0) {
		now = mono_ms();
		if (now >= end)
			break;
		pfd.fd = f->fd;
		pfd.events = POLLOUT;
		n = poll(&pfd, 1, (int)(end - now < idle_ms ? end - now :
		    idle_ms));
		if (n == 0 || (n == -1 && errno != EINTR))
			break;
	}
	if (f->q.len > 0) {
		p = f->q.p + f->q.off;
		len = f->q.len;
		f->q.off = f->q.len = 0;
		rc = -1;
		fwd_drop(f, p, len, 0);
	}
	buf_release(&f->q);
	if (had && rc == 0)
		fwd_episode_end(f);
	fwd_check_hold(f);
}

/* Blocking write of everything; false at an error. */
static bool
write_all(int fd, const char *buf, size_t len)
{
	ssize_t	n;

	while (len > 0) {
		n = write(fd, buf, len);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0)
			return false;
		buf += n;
		len -= (size_t)n;
	}
	return true;
}

/*
 * Pass bytes to f: written at once when nothing waits before them, else
 * queued behind what does.  Returns the number of bytes dropped.
 */
static size_t
fwd_send(struct fwd_dest *f, const char *data, size_t len)
{
	ssize_t	n;
	size_t	dropped;
	int	save;

	if (!f->nonblock) {
		if (write_all(f->fd, data, len)) {
			fwd_episode_end(f);
			return 0;
		}
		save = errno;
		fwd_drop(f, data, len, save);
		return len;
	}
	n = 0;
	if (f->q.len == 0) {
		do
			n = write(f->fd, data, len);
		while (n == -1 && errno == EINTR);
		if (n == (ssize_t)len) {
			if (f->dropping)
				fwd_episode_end(f);
			return 0;
		}
		if (n == -1 && errno != EAGAIN) {
			fwd_drop(f, data, len, errno);
			return len;
		}
		if (n == -1)
			n = 0;
	}
	dropped = fwd_enqueue(f, data + n, len - (size_t)n, n > 0);
	if (fwd.loop == NULL)
		fwd_flush_sync(f, FWD_SYNC_MS, FWD_SYNC_MS);
	return dropped;
}

/*
 * End the unfinished line at the tail (its writer stopped mid-line, or
 * others must not wait for it any longer) and queue our own lines that
 * waited for it.  The caller tells the output layer (fwd_notify).
 */
static void
fwd_close_line(struct fwd_dest *f)
{
	struct fwd_buf	side = f->side;

	if (f->open == NULL)
		return;
	f->open = NULL;
	(void)fwd_send(f, "\n", 1);
	memset(&f->side, 0, sizeof(f->side));
	if (side.len > 0)
		(void)fwd_send(f, side.p + side.off, side.len);
	buf_release(&side);
}

/*
 * Whole lines (or a piece of a long line) from writer, or from the daemon
 * itself (writer NULL).  Returns the number of bytes dropped.
 */
static size_t
fwd_put(struct fwd_dest *f, const char *data, size_t len, const void *writer)
{
	size_t	dropped;

	if (len == 0)
		return 0;
	if (writer != NULL && f->open != NULL && f->open != writer) {
		/*
		 * The output layer holds others back while a line is open;
		 * what comes anyway (a pipe's last bytes when it is closed)
		 * ends that line rather than land inside it.
		 */
		fwd_close_line(f);
		fwd_notify(f);
	}
	if (writer == NULL && f->open != NULL) {
		/* Our line would land inside a program's: it waits. */
		if (f->q.len + f->side.len + len > FWD_QUEUE_HARD ||
		    buf_append(&f->side, data, len) == -1) {
			fwd_drop(f, data, len, 0);
			return len;
		}
		return 0;
	}
	dropped = fwd_send(f, data, len);
	if (writer == NULL)
		return dropped;
	if (dropped == len) {
		/* Nothing went: a line of writer's left open ends here. */
		if (f->open == writer) {
			fwd_close_line(f);
			fwd_notify(f);
		}
		return dropped;
	}
	if (data[len - dropped - 1] != '\n') {
		if (f->open == NULL) {
			f->open = writer;
			fwd_notify(f);
		}
	} else if (f->open == writer) {
		/* Its line ended: the others may go on; our lines too. */
		f->open = NULL;
		if (f->side.len > 0) {
			(void)fwd_send(f, f->side.p + f->side.off,
			    f->side.len);
			buf_release(&f->side);
		}
		fwd_notify(f);
	}
	return dropped;
}

static void	out_flow(int);

void
out_init(struct ev_loop *loop, bool strip_ansi)
{
	fwd.flow = out_flow;
	fwd.loop = loop;
	fwd.strip_ansi = strip_ansi;
	fwd_setup(&fwd.d[0]);
}

void
out_log_line(const char *line, size_t len)
{
	(void)fwd_put(&fwd.d[0], line, len, NULL);
}

void
out_shutdown(struct ev_loop *loop)
{
	struct fwd_dest	*f;
	int		 i;

	for (i = 0; i < 2; i++) {
		f = &fwd.d[i];
		if (!f->setup || f->alias != NULL)
			continue;
		if (ev_is_active(&f->w)) {
			if (loop != NULL)
				ev_io_stop(loop, &f->w);
			else {
				/* The loop is destroyed already: forget it. */
				ev_io_init(&f->w, fwd_write_cb, f->fd,
				    EV_WRITE);
				f->w.data = f;
			}
		}
		if (loop != NULL && ev_is_active(&out_hold_timer[i]))
			ev_timer_stop(loop, &out_hold_timer[i]);
		fwd.loop = NULL;
		fwd_close_line(f);
		fwd_flush_sync(f, FWD_FINAL_MS, FWD_FINAL_MAX_MS);
		if (loop == NULL && f->own) {
			/* Back to blocking writes on the shared one. */
			(void)close(f->fd);
			f->fd = f->stdfd;
			f->own = false;
			f->nonblock = false;
		} else if (loop == NULL && f->nonblock) {
			/* The file description is shared with our parent. */
			(void)fcntl(f->fd, F_SETFL, f->saved_flags);
			f->nonblock = false;
		}
	}
	fwd.loop = NULL;
}

void
out_fwd_dropped(unsigned long long *lines, unsigned long long *bytes)
{
	*lines = fwd.d[0].lines + fwd.d[1].lines;
	*bytes = fwd.d[0].bytes + fwd.d[1].bytes;
}

/* --- program streams ----------------------------------------------------- */

/* The streams attached to a pipe whose lines go to fwd.d[i]. */
static LIST_HEAD(out_list, out_stream) out_streams[2] = {
	LIST_HEAD_INITIALIZER(out_streams[0]),
	LIST_HEAD_INITIALIZER(out_streams[1]),
};

static struct fwd_dest *
stream_dest(const struct out_stream *s)
{
	return s->fwd != OUT_FWD_NONE ? fwd_dest(s->fwd) : NULL;
}

/*
 * Whether its pipe must wait: another program's line is open at the
 * destination, or the destination's queue is above its bound and the
 * program can wait (it is not stopping, its pipe is not being closed).
 */
static bool
stream_held(const struct out_stream *s)
{
	const struct fwd_dest *f = stream_dest(s);

	if (f == NULL)
		return false;
	if (f->open != NULL && f->open != s)
		return true;
	return f->held && !s->exempt;
}

/*
 * An unfinished line (longer than OUT_LINE_MAX) holds the other programs
 * back for at most OUT_LINE_HOLD seconds while its writer is being read:
 * long enough for a program that writes a long line in many writes, not
 * forever for one that stops mid-line (a progress bar).  Then the line
 * is ended there and the rest of it comes as a line of its own.  The
 * timer runs only while such a line holds another program back.
 */
static void
out_hold_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	int	i = (int)(w - out_hold_timer);

	(void)loop;
	(void)revents;
	if (fwd.d[i].open == NULL)
		return;
	fwd_close_line(&fwd.d[i]);
	out_flow(i);
}

/*
 * The sink's flow callback: fwd.d[i] was held or let go, or a line opened
 * or ended there.  Start or stop each pipe accordingly.  A program that
 * may not wait (stopping) must not wait for a line left open by one that
 * is held: that line ends here.
 */
static void
out_flow(int i)
{
	struct fwd_dest		*f = &fwd.d[i];
	const struct out_stream	*owner = f->open;
	struct out_stream	*s;
	bool			 held, waiting = false;

	if (owner != NULL && f->held && !owner->exempt)
		LIST_FOREACH(s, &out_streams[i], link)
			if (s->exempt && s->io.fd != -1) {
				fwd_close_line(f);
				owner = NULL;
				break;
			}
	if (fwd.loop == NULL)
		return;
	LIST_FOREACH(s, &out_streams[i], link) {
		if (s->io.fd == -1)
			continue;
		held = stream_held(s);
		if (held && owner != NULL && s != owner)
			waiting = true;
		if (held && ev_is_active(&s->io))
			ev_io_stop(fwd.loop, &s->io);
		else if (!held && !ev_is_active(&s->io))
			ev_io_start(fwd.loop, &s->io);
	}
	/* Counted only while the owner itself is being read. */
	if (waiting && !stream_held(owner)) {
		if (!ev_is_active(&out_hold_timer[i])) {
			ev_timer_init(&out_hold_timer[i], out_hold_cb,
			    OUT_LINE_HOLD, 0.);
			ev_timer_start(fwd.loop, &out_hold_timer[i]);
		}
	} else if (ev_is_active(&out_hold_timer[i]))
		ev_timer_stop(fwd.loop, &out_hold_timer[i]);
}

/*
 * An AUTO log's name, as supervisor's get_autoname: a new file in
 * childlogdir named NAME-stdout---IDENTIFIER-XXXXXX.log.
 */
static char *
auto_path(const char *dir, const char *owner, const char *label,
    const char *identifier)
{
	char	*path;
	int	 fd;

	if (asprintf(&path, "%s/%s-%s---%s-XXXXXX.log", dir, owner, label,
	    identifier) == -1)
		return NULL;
	if ((fd = mkostemps(path, 4, O_CLOEXEC)) == -1) {
		free(path);
		return NULL;
	}
	close(fd);
	return path;
}

/* supervisor writes to these names through the daemon's own fds. */
static enum out_fwd
fwd_kind(const char *path)
{
	if (strcmp(path, "/dev/stdout") == 0 ||
	    strcmp(path, "/dev/fd/1") == 0 ||
	    strcmp(path, "/proc/self/fd/1") == 0)
		return OUT_FWD_STDOUT;
	if (strcmp(path, "/dev/stderr") == 0 ||
	    strcmp(path, "/dev/fd/2") == 0 ||
	    strcmp(path, "/proc/self/fd/2") == 0)
		return OUT_FWD_STDERR;
	return OUT_FWD_NONE;
}

int
out_open(struct out_stream *s, const char *label, const char *owner,
    const struct cfg_log *lc, const char *childlogdir,
    const char *identifier)
{
	memset(s, 0, sizeof(*s));
	ev_io_init(&s->io, NULL, -1, 0);
	s->io.fd = -1;
	s->label = label;
	s->owner = owner;
	s->maxbytes = lc->maxbytes;
	s->backups = lc->backups;
	s->syslog = lc->syslog;
	switch (lc->kind) {
	case CFG_LOG_PATH:
		if ((s->fwd = fwd_kind(lc->path)) != OUT_FWD_NONE) {
			(void)fwd_dest(s->fwd);
			return 0;
		}
		s->path = strdup(lc->path);
		break;
	case CFG_LOG_AUTO:
		if (childlogdir == NULL)
			childlogdir = "/tmp";
		s->path = auto_path(childlogdir, owner, label, identifier);
		if (s->path == NULL) {
			/* Retried at each write (file_write) until it exists. */
			log_warn("couldn't create %s log for '%s' in %s", label,
			    owner, childlogdir);
			s->failing = true;
			if (asprintf(&s->autoname, "%s%c%s", childlogdir, '\0',
			    identifier) == -1)
				s->autoname = NULL;
			return -1;
		}
		break;
	default:
		return 0;
	}
	if (s->path == NULL)
		return -1;
	s->log = proc_rlog_open(s->path, (off_t)lc->maxbytes, lc->backups);
	if (s->log == NULL) {
		log_warn("couldn't open %s log %s for '%s'", label, s->path,
		    owner);
		s->failing = true;
		return -1;
	}
	return 0;
}

static void
file_episode_end(struct out_stream *s)
{
	s->failing = false;
	log_info("%s log %s of '%s' is writable again: %llu bytes were "
	    "dropped", s->label, s->path, s->owner, s->dropped - s->failed_at);
}

static void
file_fail(struct out_stream *s, const char *what)
{
	if (s->failing)
		return;
	s->failing = true;
	s->failed_at = s->dropped;
	log_warn("couldn't %s %s log %s of '%s': dropping its output until "
	    "it works", what, s->label, s->path, s->owner);
}

/*
 * A log directory removed while we run leaves our fd on a file nobody
 * can see; so does a file removed and replaced (by a directory, say).
 * Look at the path now and then (never more than once a second per
 * stream), and when it no longer names our file, reopen, which fails
 * until the path can be a file again: the failure is then counted and
 * logged as any other, and each write tries the path again.
 */
static void
file_check(struct out_stream *s)
{
	ev_tstamp	now;

	if (fwd.loop == NULL || s->log == NULL)
		return;
	now = ev_now(fwd.loop);
	if (now - s->checked < OUT_CHECK_SECS)
		return;
	s->checked = now;
	/* Said as a failed write: that is what it costs. */
	if (proc_rlog_check(s->log) == -1)
		file_fail(s, "write");
}

/*
 * Bytes a log file did not take: counted, and the next write must not
 * start with the rest of a line whose start is gone.
 */
static void
file_dropped(struct out_stream *s, const char *buf, size_t len)
{
	s->dropped += len;
	if (len > 0)
		s->resync = buf[len - 1] != '\n';
}

static void
file_write(struct out_stream *s, const char *buf, size_t len)
{
	const char	*nl;
	ssize_t		 n;
	size_t		 skip;

	if (s->resync) {
		/* Whole lines only: skip the rest of a line partly dropped. */
		if ((nl = memchr(buf, '\n', len)) == NULL) {
			s->dropped += len;
			return;
		}
		skip = (size_t)(nl - buf) + 1;
		s->dropped += skip;
		s->resync = false;
		buf += skip;
		len -= skip;
		if (len == 0)
			return;
	}
	if (s->path == NULL && s->autoname != NULL) {
		/* An AUTO log childlogdir refused: try to create it again. */
		s->path = auto_path(s->autoname, s->owner, s->label,
		    s->autoname + strlen(s->autoname) + 1);
		if (s->path == NULL) {
			file_dropped(s, buf, len);
			return;
		}
		free(s->autoname);
		s->autoname = NULL;
	}
	if (s->log == NULL) {
		/* It could not be opened: try again, it may be back. */
		s->log = proc_rlog_open(s->path, (off_t)s->maxbytes,
		    s->backups);
		if (s->log == NULL) {
			file_fail(s, "open");
			file_dropped(s, buf, len);
			return;
		}
	}
	file_check(s);
	n = proc_rlog_write(s->log, buf, len);
	if (n == (ssize_t)len) {
		if (s->failing)
			file_episode_end(s);
		return;
	}
	/* rlog cut the file back to a line end: count what that took. */
	s->dropped += (unsigned long long)proc_rlog_unwound(s->log);
	n = n > 0 ? n : 0;
	file_dropped(s, buf + n, len - (size_t)n);
	file_fail(s, "write");
}

static void
out_syslog(const struct out_stream *s, const char *data, size_t len)
{
	const char	*e = data + len, *nl;
	size_t		 n;

	while (data < e) {
		nl = memchr(data, '\n', (size_t)(e - data));
		n = nl != NULL ? (size_t)(nl - data) : (size_t)(e - data);
		syslog(LOG_INFO, "%s %.*s", s->owner, (int)n, data);
		data += n + (nl != NULL);
	}
}

/* linebuf's emit: whole lines (or pieces of an over-long one). */
static void
out_emit(void *arg, const char *data, size_t len)
{
	struct out_stream *s = arg;

	if (s->fwd != OUT_FWD_NONE && out_final && data[len - 1] != '\n' &&
	    len < sizeof(strip_buf)) {
		/*
		 * The program ended mid-line: end the line for it, or the
		 * next line on our stdout, someone else's, would join it.
		 */
		memcpy(strip_buf, data, len);
		strip_buf[len] = '\n';
		s->dropped += fwd_put(fwd_dest(s->fwd), strip_buf, len + 1, s);
	} else if (s->fwd != OUT_FWD_NONE)
		s->dropped += fwd_put(fwd_dest(s->fwd), data, len, s);
	if (s->syslog)
		out_syslog(s, data, len);
}

/*
 * supervisor's stripEscapes: from ESC '[' to the first terminator,
 * inclusive.  The state carries over reads, so a sequence split between
 * two reads is removed too.
 */
static size_t
strip_ansi(unsigned char *st, const char *in, size_t len, char *out)
{
	size_t	i, o = 0;
	char	c;

	for (i = 0; i < len; i++) {
		c = in[i];
		switch (*st) {
		case ESC_SEEN:
			if (c == '[') {
				*st = ESC_IN;
				break;
			}
			out[o++] = '\033';
			*st = ESC_NONE;
			/* FALLTHROUGH */
		case ESC_NONE:
			if (c == '\033')
				*st = ESC_SEEN;
			else
				out[o++] = c;
			break;
		default:
			if (c != '\0' && strchr(ANSI_TERMINATORS, c) != NULL)
				*st = ESC_NONE;
			break;
		}
	}
	return o;
}

static void
out_data(struct out_stream *s, const char *buf, size_t len)
{
	if (fwd.strip_ansi) {
		len = strip_ansi(&s->esc, buf, len, strip_buf);
		buf = strip_buf;
	}
	if (len == 0)
		return;
	if (s->path != NULL || s->autoname != NULL)
		file_write(s, buf, len);
	if (s->fwd != OUT_FWD_NONE || s->syslog)
		(void)proc_lbuf_feed(&s->lb, buf, len, OUT_LINE_MAX, out_emit,
		    s);
}

/* The end of the stream: pass on a partial last line. */
static void
out_flush(struct out_stream *s)
{
	struct fwd_dest	*f;

	if (s->esc == ESC_SEEN && s->path != NULL)
		file_write(s, "\033", 1);
	if (s->esc == ESC_SEEN && proc_lbuf_pending(&s->lb) < OUT_LINE_MAX)
		(void)proc_lbuf_feed(&s->lb, "\033", 1, OUT_LINE_MAX,
		    out_emit, s);
	s->esc = ESC_NONE;
	out_final = true;
	(void)proc_lbuf_flush(&s->lb, out_emit, s);
	out_final = false;
	/* Its last piece was exactly OUT_LINE_MAX: end the line for it. */
	if ((f = stream_dest(s)) != NULL && f->open == s) {
		fwd_close_line(f);
		fwd_notify(f);
	}
}

enum { OUT_MORE, OUT_EMPTY, OUT_EOF, OUT_HELD };

/*
 * Read up to max times: OUT_MORE if the pipe may hold more, OUT_EMPTY if
 * it is empty for now, OUT_EOF at its end or a hard error (it is done),
 * OUT_HELD when its destination asks us to stop reading for now.
 */
static int
out_read(struct out_stream *s, int max)
{
	ssize_t	n;
	int	i;

	for (i = 0; i < max; i++) {
		n = read(s->io.fd, out_buf, sizeof(out_buf));
		if (n > 0) {
			/*
			 * A full default pipe: let the writer run longer
			 * between our wakeups (fewer switches, larger
			 * writes).  Only busy pipes grow, as the kernel
			 * limits a user's pipe memory (pipe-user-pages-soft).
			 */
			if (n >= OUT_PIPE_BUSY && !s->grown) {
				s->grown = true;
				(void)fcntl(s->io.fd, F_SETPIPE_SZ,
				    OUT_PIPE_SIZE);
			}
			out_data(s, out_buf, (size_t)n);
			if (s->lingering) {
				s->linger_left = (size_t)n < s->linger_left ?
				    s->linger_left - (size_t)n : 0;
				if (s->linger_left == 0)
					return OUT_EOF;
			}
			if (stream_held(s))
				return OUT_HELD;
			/*
			 * Short: the pipe was emptied; rather than a read
			 * that says EAGAIN, the loop tells us of more.
			 */
			if ((size_t)n < sizeof(out_buf) / 2)
				return OUT_EMPTY;
			continue;
		}
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1 && errno == EAGAIN)
			return OUT_EMPTY;
		return OUT_EOF;
	}
	return OUT_MORE;
}

static void
out_detach(struct ev_loop *loop, struct out_stream *s)
{
	struct fwd_dest	*f;

	if (s->linked) {
		LIST_REMOVE(s, link);
		s->linked = false;
	}
	/* Gone mid-line: the others must not wait for the rest. */
	if ((f = stream_dest(s)) != NULL && f->open == s) {
		fwd_close_line(f);
		fwd_notify(f);
	}
	s->lingering = false;
	if (s->io.fd == -1)
		return;
	ev_io_stop(loop, &s->io);
	close(s->io.fd);
	s->io.fd = -1;
}

static void
out_read_cb(struct ev_loop *loop, ev_io *w, int revents)
{
	struct out_stream *s = w->data;
	int		   r;

	(void)revents;
	r = out_read(s, OUT_READS_PER_WAKEUP);
	/* After an exit, EAGAIN is the end too (as out_drain has it). */
	if (r == OUT_EOF || (s->lingering && r == OUT_EMPTY)) {
		out_flush(s);
		out_detach(loop, s);
	}
}

/*
 * Read the pipe now, whatever its destination's queue holds (up to
 * FWD_QUEUE_HARD, then counted as dropped): it is about to be closed.
 */
static void
out_force(struct ev_loop *loop, struct out_stream *s)
{
	int	i;

	if (s->io.fd == -1)
		return;
	s->exempt = true;
	for (i = 0; i < 16; i++)
		if (out_read(s, 4) != OUT_MORE)
			break;
	out_flush(s);
	out_detach(loop, s);
}

void
out_attach(struct ev_loop *loop, struct out_stream *s, int fd)
{
	struct fwd_dest	*f;
	int		 fl;

	if (fwd.loop == NULL && !fwd.d[0].setup)
		out_init(loop, fwd.strip_ansi);
	/* The last bytes of its previous run come first. */
	if (s->lingering)
		out_force(loop, s);
	out_detach(loop, s);
	s->grown = false;
	s->exempt = false;
	if ((fl = fcntl(fd, F_GETFL)) != -1 && (fl & O_NONBLOCK) == 0)
		(void)fcntl(fd, F_SETFL, fl | O_NONBLOCK);
	ev_io_init(&s->io, out_read_cb, fd, EV_READ);
	s->io.data = s;
	if ((f = stream_dest(s)) == NULL || fwd.loop == NULL) {
		ev_io_start(loop, &s->io);
		return;
	}
	LIST_INSERT_HEAD(&out_streams[f - fwd.d], s, link);
	s->linked = true;
	/* Started unless held; a line open elsewhere now has a waiter. */
	out_flow((int)(f - fwd.d));
}

void
out_stopping(struct ev_loop *loop, struct out_stream *s)
{
	(void)loop;
	if (s->io.fd == -1 || s->exempt)
		return;
	s->exempt = true;
	if (s->linked)
		out_flow((int)(stream_dest(s) - fwd.d));
}

void
out_drain(struct ev_loop *loop, struct out_stream *s)
{
	int	i, r = OUT_MORE;

	if (s->io.fd == -1) {
		out_flush(s);
		return;
	}
	s->lingering = true;
	s->linger_left = OUT_DRAIN_MAX;
	/* Bounded: a grandchild that keeps writing must not hold us. */
	for (i = 0; i < 16 && !stream_held(s); i++)
		if ((r = out_read(s, 4)) != OUT_MORE)
			break;
	if (stream_held(s) && r != OUT_EOF) {
		/*
		 * Its destination is full: the rest is read when it has room
		 * (out_read_cb), or at the latest when the pipe is closed or
		 * the program spawned again (out_force).
		 */
		if (ev_is_active(&s->io))
			ev_io_stop(loop, &s->io);
		return;
	}
	out_flush(s);
	out_detach(loop, s);
}

void
out_reopen(struct out_stream *s)
{
	if (s->path == NULL)
		return;
	/* A failing episode ends with the next write that works. */
	if (s->log == NULL) {
		s->log = proc_rlog_open(s->path, (off_t)s->maxbytes,
		    s->backups);
		if (s->log == NULL)
			file_fail(s, "open");
	} else if (proc_rlog_reopen(s->log) == -1)
		file_fail(s, "reopen");
}

void
out_close(struct ev_loop *loop, struct out_stream *s)
{
	if (s->label == NULL)
		return;
	if (s->lingering)
		out_force(loop, s);
	out_flush(s);
	out_detach(loop, s);
	proc_rlog_close(s->log);
	proc_lbuf_free(&s->lb);
	free(s->path);
	free(s->autoname);
	memset(s, 0, sizeof(*s));
	s->io.fd = -1;
}
