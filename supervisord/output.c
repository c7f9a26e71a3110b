/*
 * output: child pipes to log files, to the daemon's stdout/stderr, to
 * syslog.  One shared read buffer serves every stream (one thread), so a
 * quiet program costs no buffer memory; a partial line is held (by
 * libproc's linebuf) only while one is pending, and only for the
 * destinations that need whole lines.  A log file gets each read as it
 * came, in one write: rlog cuts rotations at line ends by itself.
 *
 * A callback reads at most OUT_READS_PER_WAKEUP times: libev then serves
 * the other ready pipes before this one again, so no program starves
 * another.  Write failures are counted and logged once per episode, with
 * the count when the episode ends; the pipe keeps being drained, so the
 * program never blocks on it.  Forwarding never blocks the loop: fd 1
 * (and 2) is non-blocking when it is a pipe or socket, and what it does
 * not take waits in a bounded queue, beyond which whole lines are dropped.
 */
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
#define FWD_QUEUE_MAX		(1024 * 1024)	/* per destination fd */
#define FWD_SYNC_MS		100	/* per write once the loop is gone */
#define FWD_FINAL_MS		1000	/* for the queue at shutdown */
#define OUT_CHECK_SECS		1.0	/* stat a log path at most this often */
#define OUT_PIPE_BUSY		(32 * 1024)	/* a read this big: a busy pipe */
#define OUT_PIPE_SIZE		(1024 * 1024)	/* what a busy pipe gets */

/* supervisor's ANSI_TERMINATORS (dispatchers.py). */
#define ANSI_TERMINATORS	"HfABCDRsuJKhlpm"

enum { ESC_NONE = 0, ESC_SEEN, ESC_IN };

/* One of the daemon's own fds, as a destination for whole lines. */
struct fwd_dest {
	int		 fd;
	const char	*name;		/* "stdout", for messages */
	bool		 setup;		/* looked at (fstat) already */
	bool		 nonblock;	/* we made it O_NONBLOCK */
	int		 saved_flags;	/* to give back at shutdown */
	struct fwd_dest	*alias;		/* fd 2 on the same file as fd 1 */
	char		*q;		/* queued bytes at q + qoff */
	size_t		 qoff, qlen, qcap;
	ev_io		 w;		/* EV_WRITE while the queue holds data */
	bool		 dropping;	/* in an episode of drops */
	unsigned long long ep_lines, ep_bytes;	/* this episode's drops */
	unsigned long long lines, bytes;	/* all drops */
};

static struct {
	struct ev_loop	*loop;
	bool		 strip_ansi;
	struct fwd_dest	 d[2];
} fwd = {
	NULL, false, {
		{ .fd = STDOUT_FILENO, .name = "stdout" },
		{ .fd = STDERR_FILENO, .name = "stderr" },
	}
};

static char	out_buf[OUT_BUFSIZE];
static char	strip_buf[OUT_BUFSIZE + 1];
static bool	out_final;	/* out_emit gets a stream's last line */

static void	fwd_write_cb(struct ev_loop *, ev_io *, int);

/* --- the daemon's stdout and stderr ----------------------------------- */

static void
fwd_setup(struct fwd_dest *f)
{
	struct stat	st;
	int		fl;

	if (f->setup)
		return;
	f->setup = true;
	ev_io_init(&f->w, fwd_write_cb, f->fd, EV_WRITE);
	f->w.data = f;
	if (fstat(f->fd, &st) == -1)
		return;
	/* A terminal or a file never stalls for long: leave it alone. */
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
		    S_ISSOCK(a.st_mode))) {
			/* One pipe: one queue, or lines could interleave. */
			f->alias = &fwd.d[0];
			f->setup = true;
		} else if (fwd.loop != NULL)
			fwd_setup(f);
	}
	return f->alias != NULL ? f->alias : f;
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
		log_warnx("our %s is not being read: dropping whole lines of "
		    "output until it is", f->name);
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
fwd_append(struct fwd_dest *f, const char *data, size_t len)
{
	size_t	 cap;
	char	*p;

	if (f->qoff + f->qlen + len > f->qcap && f->qoff > 0) {
		memmove(f->q, f->q + f->qoff, f->qlen);
		f->qoff = 0;
	}
	if (f->qlen + len > f->qcap) {
		cap = f->qcap > 0 ? f->qcap : 64 * 1024;
		while (cap < f->qlen + len)
			cap *= 2;
		if ((p = realloc(f->q, cap)) == NULL)
			return -1;
		f->q = p;
		f->qcap = cap;
	}
	memcpy(f->q + f->qoff + f->qlen, data, len);
	f->qlen += len;
	return 0;
}

static void
fwd_release(struct fwd_dest *f)
{
	free(f->q);
	f->q = NULL;
	f->qoff = f->qlen = f->qcap = 0;
}

/*
 * Queue whole lines of data, as many as fit under the bound; drop the
 * rest.  must: the first bytes finish a line already partly written, and
 * are queued whatever the bound, or that line would be torn.
 */
static size_t
fwd_enqueue(struct fwd_dest *f, const char *data, size_t len, bool must)
{
	const char	*nl;
	size_t		 room, take = len;

	room = f->qlen < FWD_QUEUE_MAX ? FWD_QUEUE_MAX - f->qlen : 0;
	if (len > room) {
		take = 0;
		if (room > 0 && (nl = memrchr(data, '\n', room)) != NULL)
			take = (size_t)(nl - data) + 1;
		if (must && take == 0) {
			nl = memchr(data, '\n', len);
			take = nl != NULL ? (size_t)(nl - data) + 1 : len;
		}
	}
	if (take > 0 && fwd_append(f, data, take) == -1)
		take = 0;
	if (f->qlen > 0 && fwd.loop != NULL && !ev_is_active(&f->w))
		ev_io_start(fwd.loop, &f->w);
	if (take < len)
		fwd_drop(f, data + take, len - take, 0);
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

	while (f->qlen > 0) {
		n = write(f->fd, f->q + f->qoff, f->qlen);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1 && errno == EAGAIN)
			return 0;
		if (n <= 0) {
			save = n == 0 ? EIO : errno;
			/* Empty first: the message may come back here. */
			p = f->q + f->qoff;
			len = f->qlen;
			f->qoff = f->qlen = 0;
			fwd_drop(f, p, len, save);
			errno = save;
			return -1;
		}
		f->qoff += (size_t)n;
		f->qlen -= (size_t)n;
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
	if (f->qlen > 0)
		return;
	ev_io_stop(loop, w);
	fwd_release(f);
	if (rc == 0)
		fwd_episode_end(f);
}

/* Write the queue, waiting up to ms for the reader; drop what is left. */
static void
fwd_flush_sync(struct fwd_dest *f, int ms)
{
	struct pollfd	 pfd;
	struct timespec	 ts;
	long long	 end, now;
	size_t		 len;
	char		*p;
	bool		 had = f->qlen > 0;
	int		 rc = 0;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	end = ts.tv_sec * 1000LL + ts.tv_nsec / 1000000 + ms;
	while (f->qlen > 0 && (rc = fwd_write_queue(f)) == 0 && f->qlen > 0) {
		clock_gettime(CLOCK_MONOTONIC, &ts);
		now = ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
		if (now >= end)
			break;
		pfd.fd = f->fd;
		pfd.events = POLLOUT;
		if (poll(&pfd, 1, (int)(end - now)) == -1 && errno != EINTR)
			break;
	}
	if (f->qlen > 0) {
		p = f->q + f->qoff;
		len = f->qlen;
		f->qoff = f->qlen = 0;
		rc = -1;
		fwd_drop(f, p, len, 0);
	}
	fwd_release(f);
	if (had && rc == 0)
		fwd_episode_end(f);
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
 * Pass whole lines to f: written at once when nothing waits before them,
 * else queued behind what does.  Returns the number of bytes dropped.
 */
static size_t
fwd_put(struct fwd_dest *f, const char *data, size_t len)
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
	if (f->qlen == 0) {
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
		fwd_flush_sync(f, FWD_SYNC_MS);
	return dropped;
}

void
out_init(struct ev_loop *loop, bool strip_ansi)
{
	fwd.loop = loop;
	fwd.strip_ansi = strip_ansi;
	fwd_setup(&fwd.d[0]);
}

void
out_log_line(const char *line, size_t len)
{
	(void)fwd_put(&fwd.d[0], line, len);
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
		fwd.loop = NULL;
		fwd_flush_sync(f, FWD_FINAL_MS);
		if (loop == NULL && f->nonblock) {
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
 * can see: look at the path now and then (never more than once a second
 * per stream), and when it is gone, reopen, which fails until the
 * directory is back: the failure is then counted and logged as any other.
 */
static void
file_check(struct out_stream *s)
{
	struct stat	st;
	ev_tstamp	now;

	if (fwd.loop == NULL || s->log == NULL)
		return;
	now = ev_now(fwd.loop);
	if (now - s->checked < OUT_CHECK_SECS)
		return;
	s->checked = now;
	if (stat(s->path, &st) == 0 || errno != ENOENT)
		return;
	(void)proc_rlog_reopen(s->log);
}

static void
file_write(struct out_stream *s, const char *buf, size_t len)
{
	ssize_t	n;

	if (s->path == NULL && s->autoname != NULL) {
		/* An AUTO log childlogdir refused: try to create it again. */
		s->path = auto_path(s->autoname, s->owner, s->label,
		    s->autoname + strlen(s->autoname) + 1);
		if (s->path == NULL) {
			s->dropped += len;
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
			s->dropped += len;
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
	s->dropped += n > 0 ? len - (size_t)n : len;
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
		s->dropped += fwd_put(fwd_dest(s->fwd), strip_buf, len + 1);
	} else if (s->fwd != OUT_FWD_NONE)
		s->dropped += fwd_put(fwd_dest(s->fwd), data, len);
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
	if (s->esc == ESC_SEEN && s->path != NULL)
		file_write(s, "\033", 1);
	if (s->esc == ESC_SEEN && proc_lbuf_pending(&s->lb) < OUT_LINE_MAX)
		(void)proc_lbuf_feed(&s->lb, "\033", 1, OUT_LINE_MAX,
		    out_emit, s);
	s->esc = ESC_NONE;
	out_final = true;
	(void)proc_lbuf_flush(&s->lb, out_emit, s);
	out_final = false;
}

enum { OUT_MORE, OUT_EMPTY, OUT_EOF };

/*
 * Read up to max times: OUT_MORE if the pipe may hold more, OUT_EMPTY if
 * it is empty for now, OUT_EOF at its end or a hard error (it is done).
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

	(void)revents;
	if (out_read(s, OUT_READS_PER_WAKEUP) == OUT_EOF) {
		out_flush(s);
		out_detach(loop, s);
	}
}

void
out_attach(struct ev_loop *loop, struct out_stream *s, int fd)
{
	int	fl;

	if (fwd.loop == NULL && !fwd.d[0].setup)
		out_init(loop, fwd.strip_ansi);
	out_detach(loop, s);
	s->grown = false;
	if ((fl = fcntl(fd, F_GETFL)) != -1 && (fl & O_NONBLOCK) == 0)
		(void)fcntl(fd, F_SETFL, fl | O_NONBLOCK);
	ev_io_init(&s->io, out_read_cb, fd, EV_READ);
	s->io.data = s;
	ev_io_start(loop, &s->io);
}

void
out_drain(struct ev_loop *loop, struct out_stream *s)
{
	int	i;

	if (s->io.fd == -1) {
		out_flush(s);
		return;
	}
	/* Bounded: a grandchild that keeps writing must not hold us. */
	for (i = 0; i < 16; i++)
		if (out_read(s, 4) != OUT_MORE)
			break;
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
	out_flush(s);
	out_detach(loop, s);
	proc_rlog_close(s->log);
	proc_lbuf_free(&s->lb);
	free(s->path);
	free(s->autoname);
	memset(s, 0, sizeof(*s));
	s->io.fd = -1;
}
