/*
 * sink: the daemon's own stdout and stderr as destinations for whole
 * lines from many writers (the programs that forward there, the log).
 *
 * Where the fd is a pipe or a socket it is non-blocking, and what it does
 * not take at once waits in a queue written as the fd becomes writable.
 * Above FWD_QUEUE_MAX the sink tells the output layer, through the flow
 * callback, to stop reading
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
 * (a piece of a longer line) holds the sink, so that the output layer
 * holds the others back, and our own log lines wait in a side queue,
 * until that line ends.  The sink knows no log and no program: what
 * happens (drops, episodes) goes to the report callback that main wires.
 *
 * A terminal is not made non-blocking: O_NONBLOCK belongs to the open
 * file description, which we share with the shell that started us.  We
 * open the terminal again instead (/proc/self/fd/N) for a description of
 * our own, non-blocking; if that fails the terminal is written with
 * blocking writes.  A regular file (or /dev/null) is written with
 * blocking writes too: O_NONBLOCK means nothing to it, and it never
 * waits on a reader.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <ev.h>

#include "supervisord/loglevel.h"
#include "supervisord/sink.h"

#define FWD_QUEUE_MAX		(1024 * 1024)	/* above: writers held */
#define FWD_QUEUE_HARD		(4 * 1024 * 1024) /* never more: dropped */
#define FWD_SYNC_MS		100	/* per write once the loop is gone */
#define FWD_FINAL_MS		2000	/* at shutdown, with no progress */
#define FWD_FINAL_MAX_MS	10000	/* at shutdown, in all */

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
	void		(*flow)(void *, int);	/* d[i] changed: re-check */
	void		*flow_arg;
	void		(*report)(int, const char *);
	struct fwd_dest	 d[2];
} fwd = {
	NULL, NULL, NULL, NULL, {
		{ .fd = STDOUT_FILENO, .stdfd = STDOUT_FILENO,
		  .name = "stdout" },
		{ .fd = STDERR_FILENO, .stdfd = STDERR_FILENO,
		  .name = "stderr" },
	}
};

static void	fwd_write_cb(struct ev_loop *, ev_io *, int);

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
fwd_dest(enum sink_fd which)
{
	struct fwd_dest	*f;
	struct stat	 a, b;

	if (which == SINK_STDOUT)
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
		fwd.flow(fwd.flow_arg, (int)(f - fwd.d));
}

/* Tell whoever main wired (the log) what happened. */
static void say(int level, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
say(int level, const char *fmt, ...)
{
	char	msg[512];
	va_list	ap;

	if (fwd.report == NULL)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	fwd.report(level, msg);
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
		say(LOGLEVEL_WARN, "our %s is not being read: its queue "
		    "is full (%d MiB): dropping whole lines of output until "
		    "it is read", f->name, FWD_QUEUE_HARD / (1024 * 1024));
	else
		say(LOGLEVEL_WARN, "couldn't write to our %s: %s: dropping "
		    "output until it works", f->name, strerror(err));
}

static void
fwd_episode_end(struct fwd_dest *f)
{
	unsigned long long lines = f->ep_lines, bytes = f->ep_bytes;

	if (!f->dropping)
		return;
	f->dropping = false;
	f->ep_lines = f->ep_bytes = 0;
	say(LOGLEVEL_INFO, "our %s is writable again: %llu lines (%llu "
	    "bytes) of output were dropped", f->name, lines, bytes);
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
		say(LOGLEVEL_DEBG, "our %s is read slowly: holding back the "
		    "programs that write there", f->name);
	} else if (f->held && f->q.len < FWD_QUEUE_MAX / 2) {
		f->held = false;
		fwd_notify(f);
		say(LOGLEVEL_DEBG, "our %s has room again: reading the "
		    "programs that write there", f->name);
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

void
sink_init(struct ev_loop *loop)
{
	fwd.loop = loop;
	fwd_setup(&fwd.d[0]);
}

void
sink_set_flow(void (*flow)(void *arg, int i), void *arg)
{
	fwd.flow = flow;
	fwd.flow_arg = arg;
}

void
sink_set_report(void (*report)(int level, const char *msg))
{
	fwd.report = report;
}

int
sink_dest(enum sink_fd which)
{
	return (int)(fwd_dest(which) - fwd.d);
}

size_t
sink_put(int i, const char *data, size_t len, const void *writer)
{
	return fwd_put(&fwd.d[i], data, len, writer);
}

bool
sink_held(int i)
{
	return fwd.d[i].held;
}

const void *
sink_open(int i)
{
	return fwd.d[i].open;
}

void
sink_close_line(int i)
{
	fwd_close_line(&fwd.d[i]);
}

void
sink_log_line(enum sink_fd which, const char *line, size_t len)
{
	(void)fwd_put(fwd_dest(which), line, len, NULL);
}

void
sink_shutdown(struct ev_loop *loop)
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
sink_dropped(unsigned long long *lines, unsigned long long *bytes)
{
	*lines = fwd.d[0].lines + fwd.d[1].lines;
	*bytes = fwd.d[0].bytes + fwd.d[1].bytes;
}
