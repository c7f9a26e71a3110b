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
 * until it catches up: the sink (sink.c, the daemon's fd 1 and 2 as
 * bounded whole-line queues) says when, through its flow callback.
 *
 * What the owner is handed (its hook, for event listeners), as
 * supervisor's POutputDispatcher: an event listener's stdout every chunk
 * as read (OUT_RAW); other streams, when lc asks, whole lines of output
 * (OUT_LOG) and the content of each capture (OUT_COMM).  Capture mode
 * looks for the tokens in the bytes as read, holding back a token's
 * possible start at the end of a read; what lies between BEGIN and END
 * goes to a bounded capture buffer instead of the stream's destinations.
 * The state for this (struct out_cap) exists only for a stream that
 * asks for either; none of it starts a timer.
 */
#include <sys/queue.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
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
#include "supervisord/sink.h"

#define OUT_BUFSIZE		(128 * 1024)
#define OUT_READS_PER_WAKEUP	4
#define OUT_LINE_MAX		(64 * 1024)	/* longer lines go in pieces */
#define OUT_LINE_HOLD		1.0	/* s an open line holds others */
#define OUT_DRAIN_MAX		(8 * 1024 * 1024) /* read after an exit */
#define OUT_CHECK_SECS		1.0	/* stat a log path at most this often */
#define OUT_PIPE_BUSY		(32 * 1024)	/* a read this big: a busy pipe */
#define OUT_PIPE_SIZE		(1024 * 1024)	/* what a busy pipe gets */

/* supervisor's ProcessCommunicationEvent tokens (events.py). */
#define OUT_TOK_BEGIN		"<!--XSUPERVISOR:BEGIN-->"
#define OUT_TOK_END		"<!--XSUPERVISOR:END-->"

/* supervisor's ANSI_TERMINATORS (dispatchers.py). */
#define ANSI_TERMINATORS	"HfABCDRsuJKhlpm"

enum { ESC_NONE = 0, ESC_SEEN, ESC_IN };

static char	out_buf[OUT_BUFSIZE];
static char	strip_buf[OUT_BUFSIZE + 1];
static bool	out_final;	/* out_emit gets a stream's last line */
static struct ev_loop *out_loop;	/* NULL before out_init, after shutdown */
static bool	out_strip;	/* strip_ansi */
static bool	out_done;	/* out_shutdown ran */
static ev_timer	out_hold_timer[2];	/* see out_hold_cb */

/*
 * A stream's log file (PATH or AUTO), from its cfg_log at out_open;
 * allocated only for a stream that has one.
 */
struct out_file {
	struct proc_rlog *log;		/* NULL: not open now */
	char		 *path;		/* NULL: AUTO not yet created */
	char		 *autoname;	/* AUTO not yet created: "DIR\0IDENT" */
	long long	  maxbytes;
	ev_tstamp	  checked;	/* when the path was last stat'ed */
	unsigned long long failed_at;	/* dropped when the episode began */
	int		  backups;
	bool		  failing;	/* in an episode of failed writes */
	bool		  resync;	/* the file lost a line's start */
};

/*
 * A stream's event and capture state, from its cfg_log at out_open;
 * allocated only for a stream with events_enabled or capture_maxbytes.
 */
struct out_cap {
	bool		 events;	/* whole lines to the hook (OUT_LOG) */
	size_t		 max;		/* capture_maxbytes; 0: no capture */
	bool		 capturing;	/* between BEGIN and END */
	size_t		 match;		/* the awaited token's first bytes
					   ended the last read: held */
	char		*buf;		/* the capture, NULL while empty */
	size_t		 len;		/* its length, at most max */
	size_t		 size;		/* bytes allocated at buf */
	bool		 nomem;		/* out of memory in this capture */
	struct proc_lbuf lines;		/* a partial line for OUT_LOG */
};

static void	out_flow(void *, int);

void
out_init(struct ev_loop *loop, bool strip_ansi)
{
	out_loop = loop;
	out_strip = strip_ansi;
	sink_set_flow(out_flow, NULL);
	sink_init(loop);
}

void
out_shutdown(struct ev_loop *loop)
{
	int	i;

	for (i = 0; i < 2; i++)
		if (loop != NULL && ev_is_active(&out_hold_timer[i]))
			ev_timer_stop(loop, &out_hold_timer[i]);
	out_loop = NULL;
	out_done = true;
	sink_shutdown(loop);
}

/* --- program streams ----------------------------------------------------- */

/* The streams attached to a pipe whose lines go to the sink's queue i. */
static LIST_HEAD(out_list, out_stream) out_streams[2] = {
	LIST_HEAD_INITIALIZER(out_streams[0]),
	LIST_HEAD_INITIALIZER(out_streams[1]),
};

/* The sink queue its lines go to, or -1. */
static int
stream_dest(const struct out_stream *s)
{
	if (s->fwd == OUT_FWD_NONE)
		return -1;
	return sink_dest(s->fwd == OUT_FWD_STDOUT ? SINK_STDOUT :
	    SINK_STDERR);
}

/*
 * Whether its pipe must wait: another program's line is open at the
 * destination, or the destination's queue is above its bound and the
 * program can wait (it is not stopping, its pipe is not being closed).
 */
static bool
stream_held(const struct out_stream *s)
{
	int	d = stream_dest(s);

	if (d == -1)
		return false;
	if (sink_open(d) != NULL && sink_open(d) != s)
		return true;
	return sink_held(d) && !s->exempt;
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
	if (sink_open(i) == NULL)
		return;
	sink_close_line(i);
	out_flow(NULL, i);
}

/*
 * The sink's flow callback: its queue i was held or let go, or a line
 * opened or ended there.  Start or stop each pipe accordingly.  A program that
 * may not wait (stopping) must not wait for a line left open by one that
 * is held: that line ends here.
 */
static void
out_flow(void *arg, int i)
{
	const struct out_stream	*owner = sink_open(i);
	struct out_stream	*s;
	bool			 held, waiting = false;

	(void)arg;
	if (owner != NULL && sink_held(i) && !owner->exempt)
		LIST_FOREACH(s, &out_streams[i], link)
			if (s->exempt && s->io.fd != -1) {
				sink_close_line(i);
				owner = NULL;
				break;
			}
	if (out_loop == NULL)
		return;
	LIST_FOREACH(s, &out_streams[i], link) {
		if (s->io.fd == -1)
			continue;
		held = stream_held(s);
		if (held && owner != NULL && s != owner)
			waiting = true;
		if (held && ev_is_active(&s->io))
			ev_io_stop(out_loop, &s->io);
		else if (!held && !ev_is_active(&s->io))
			ev_io_start(out_loop, &s->io);
	}
	/* Counted only while the owner itself is being read. */
	if (waiting && !stream_held(owner)) {
		if (!ev_is_active(&out_hold_timer[i])) {
			ev_timer_init(&out_hold_timer[i], out_hold_cb,
			    OUT_LINE_HOLD, 0.);
			ev_timer_start(out_loop, &out_hold_timer[i]);
		}
	} else if (ev_is_active(&out_hold_timer[i]))
		ev_timer_stop(out_loop, &out_hold_timer[i]);
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
	out_hook_fn	*hook = s->hook;
	void		*hook_arg = s->hook_arg;
	bool		 hook_raw = s->hook_raw;
	struct out_file	*f;

	memset(s, 0, sizeof(*s));
	ev_io_init(&s->io, NULL, -1, 0);
	s->io.fd = -1;
	s->hook = hook;
	s->hook_arg = hook_arg;
	s->hook_raw = hook_raw;
	/* A listener's stdout speaks the protocol: never captured. */
	if (!hook_raw && (lc->events_enabled || lc->capture_maxbytes > 0)) {
		if ((s->cap = calloc(1, sizeof(*s->cap))) == NULL)
			log_warn("%s events of '%s' are lost", label, owner);
		else {
			s->cap->events = lc->events_enabled;
			if (lc->capture_maxbytes <= 0)
				s->cap->max = 0;
			else if ((unsigned long long)lc->capture_maxbytes >
			    SIZE_MAX / 2)
				s->cap->max = SIZE_MAX / 2;
			else
				s->cap->max = (size_t)lc->capture_maxbytes;
		}
	}
	s->label = label;
	s->owner = owner;
	s->syslog = lc->syslog;
	s->stamp = lc->timestamps;
	if (lc->kind == CFG_LOG_PATH &&
	    (s->fwd = fwd_kind(lc->path)) != OUT_FWD_NONE) {
		(void)stream_dest(s);
		if (lc->prefix != NULL &&
		    (s->prefix = strdup(lc->prefix)) == NULL)
			log_warn("%s of '%s' is forwarded without its prefix",
			    label, owner);
		return 0;
	}
	if (lc->kind != CFG_LOG_PATH && lc->kind != CFG_LOG_AUTO)
		return 0;
	if ((f = calloc(1, sizeof(*f))) == NULL) {
		log_warn("couldn't open %s log for '%s'", label, owner);
		return -1;
	}
	f->maxbytes = lc->maxbytes;
	f->backups = lc->backups;
	if (lc->kind == CFG_LOG_PATH) {
		if ((f->path = strdup(lc->path)) == NULL) {
			log_warn("couldn't open %s log %s for '%s'", label,
			    lc->path, owner);
			free(f);
			return -1;
		}
	} else {
		if (childlogdir == NULL)
			childlogdir = "/tmp";
		f->path = auto_path(childlogdir, owner, label, identifier);
		if (f->path == NULL) {
			/* Retried at each write (file_write) until it exists. */
			log_warn("couldn't create %s log for '%s' in %s", label,
			    owner, childlogdir);
			f->failing = true;
			if (asprintf(&f->autoname, "%s%c%s", childlogdir, '\0',
			    identifier) == -1) {
				free(f);
				return -1;
			}
			s->file = f;
			return -1;
		}
	}
	s->file = f;
	f->log = proc_rlog_open(f->path, (off_t)lc->maxbytes, lc->backups);
	if (f->log == NULL) {
		log_warn("couldn't open %s log %s for '%s'", label, f->path,
		    owner);
		f->failing = true;
		return -1;
	}
	return 0;
}

const char *
out_path(const struct out_stream *s)
{
	return s->file != NULL ? s->file->path : NULL;
}

static void
file_episode_end(struct out_stream *s)
{
	s->file->failing = false;
	log_info("%s log %s of '%s' is writable again: %llu bytes were "
	    "dropped", s->label, s->file->path, s->owner,
	    s->dropped - s->file->failed_at);
}

static void
file_fail(struct out_stream *s, const char *what)
{
	struct out_file	*f = s->file;

	if (f->failing)
		return;
	f->failing = true;
	f->failed_at = s->dropped;
	log_warn("couldn't %s %s log %s of '%s': dropping its output until "
	    "it works", what, s->label, f->path, s->owner);
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
	struct out_file	*f = s->file;
	ev_tstamp	 now;

	if (out_loop == NULL || f->log == NULL)
		return;
	now = ev_now(out_loop);
	if (now - f->checked < OUT_CHECK_SECS)
		return;
	f->checked = now;
	/* Said as a failed write: that is what it costs. */
	if (proc_rlog_check(f->log) == -1)
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
		s->file->resync = buf[len - 1] != '\n';
}

static void
file_write(struct out_stream *s, const char *buf, size_t len)
{
	struct out_file	*f = s->file;
	const char	*nl;
	ssize_t		 n;
	size_t		 skip;

	if (f->resync) {
		/* Whole lines only: skip the rest of a line partly dropped. */
		if ((nl = memchr(buf, '\n', len)) == NULL) {
			s->dropped += len;
			return;
		}
		skip = (size_t)(nl - buf) + 1;
		s->dropped += skip;
		f->resync = false;
		buf += skip;
		len -= skip;
		if (len == 0)
			return;
	}
	if (f->path == NULL && f->autoname != NULL) {
		/* An AUTO log childlogdir refused: try to create it again. */
		f->path = auto_path(f->autoname, s->owner, s->label,
		    f->autoname + strlen(f->autoname) + 1);
		if (f->path == NULL) {
			file_dropped(s, buf, len);
			return;
		}
		free(f->autoname);
		f->autoname = NULL;
	}
	if (f->log == NULL) {
		/* It could not be opened: try again, it may be back. */
		f->log = proc_rlog_open(f->path, (off_t)f->maxbytes,
		    f->backups);
		if (f->log == NULL) {
			file_fail(s, "open");
			file_dropped(s, buf, len);
			return;
		}
	}
	file_check(s);
	n = proc_rlog_write(f->log, buf, len);
	if (n == (ssize_t)len) {
		if (f->failing)
			file_episode_end(s);
		return;
	}
	/* rlog cut the file back to a line end: count what that took. */
	s->dropped += (unsigned long long)proc_rlog_unwound(f->log);
	n = n > 0 ? n : 0;
	file_dropped(s, buf + n, len - (size_t)n);
	file_fail(s, "write");
}

/*
 * *_timestamps: the time in front of a line, ISO 8601 in local time with
 * milliseconds and the UTC offset, then a blank:
 * "2026-12-05T22:50:55.123+01:00 ".  Taken once per read (stamp_take),
 * for every line it completes; the date part is made once per second.
 */
#define OUT_STAMP_LEN	30
static char	stamp_buf[OUT_STAMP_LEN + 1];

static void
stamp_take(void)
{
	static time_t	 sec = -1;
	static char	 date[32], zone[8];
	struct timespec	 ts;
	struct tm	 tm;
	char		 z[16];

	(void)clock_gettime(CLOCK_REALTIME, &ts);
	if (ts.tv_sec != sec) {
		if (localtime_r(&ts.tv_sec, &tm) == NULL ||
		    strftime(date, sizeof(date), "%Y-%m-%dT%H:%M:%S",
		    &tm) == 0 || strftime(z, sizeof(z), "%z", &tm) != 5) {
			(void)gmtime_r(&ts.tv_sec, &tm);
			(void)strftime(date, sizeof(date),
			    "%Y-%m-%dT%H:%M:%S", &tm);
			(void)snprintf(z, sizeof(z), "+0000");
		}
		(void)snprintf(zone, sizeof(zone), "%.3s:%.2s", z, z + 3);
		sec = ts.tv_sec;
	}
	(void)snprintf(stamp_buf, sizeof(stamp_buf), "%.19s.%03d%.6s ", date,
	    (int)(ts.tv_nsec / 1000000), zone);
}

/*
 * file_write with the time in front of each line (stdout_timestamps),
 * gathered into one buffer: a line cut across reads gets it once.
 */
static void
file_write_stamped(struct out_stream *s, const char *buf, size_t len)
{
	static char	 st[OUT_BUFSIZE + OUT_STAMP_LEN];
	const char	*e = buf + len, *nl;
	size_t		 n = 0, seg;

	while (buf < e) {
		if (!s->file_mid) {
			if (n + OUT_STAMP_LEN > sizeof(st)) {
				file_write(s, st, n);
				n = 0;
			}
			memcpy(st + n, stamp_buf, OUT_STAMP_LEN);
			n += OUT_STAMP_LEN;
			s->file_mid = true;
		}
		nl = memchr(buf, '\n', (size_t)(e - buf));
		seg = nl != NULL ? (size_t)(nl - buf) + 1 : (size_t)(e - buf);
		if (seg > sizeof(st) - n)
			seg = sizeof(st) - n;
		memcpy(st + n, buf, seg);
		n += seg;
		if (nl != NULL && buf + seg == nl + 1)
			s->file_mid = false;
		buf += seg;
		if (n == sizeof(st)) {
			file_write(s, st, n);
			n = 0;
		}
	}
	if (n > 0)
		file_write(s, st, n);
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

/* What goes in front of a forwarded line: prefix, a blank, the time. */
static size_t
fwd_head(const struct out_stream *s, char *out)
{
	size_t	n = 0;

	if (s->prefix != NULL) {
		n = strlen(s->prefix);
		memcpy(out, s->prefix, n);
		out[n++] = ' ';
	}
	if (s->stamp) {
		memcpy(out + n, stamp_buf, OUT_STAMP_LEN);
		n += OUT_STAMP_LEN;
	}
	return n;
}

#define OUT_HEAD_MAX	(CFG_PREFIX_MAX + 1 + OUT_STAMP_LEN)

/*
 * Forward lines with a prefix or a time in front of each (a piece of a
 * longer line gets them once, at its start), gathered into one buffer
 * and passed on in as few puts as it takes.  The bytes refused.
 */
static size_t
fwd_decorated(struct out_stream *s, const char *data, size_t len, bool end)
{
	/* Twice a read: a read of short lines, each with its head, goes
	 * out in one put. */
	static char	 buf[2 * OUT_BUFSIZE + OUT_HEAD_MAX + 1];
	char		 head[OUT_HEAD_MAX];
	const char	*e = data + len, *nl;
	size_t		 hlen, n = 0, seg, dropped = 0;
	int		 d = stream_dest(s);

	hlen = fwd_head(s, head);
	while (data < e) {
		nl = memchr(data, '\n', (size_t)(e - data));
		seg = nl != NULL ? (size_t)(nl - data) + 1 : (size_t)(e - data);
		if (n > 0 && n + OUT_HEAD_MAX + seg + 1 > sizeof(buf)) {
			dropped += sink_put(d, buf, n, s);
			n = 0;
		}
		/* A line the sink ended for it (held too long, a reader
		 * gone) goes on as a line of its own: with its head. */
		if (!s->fwd_mid || (n == 0 && d != -1 && sink_open(d) != s)) {
			memcpy(buf + n, head, hlen);
			n += hlen;
		}
		if (n + seg + 1 > sizeof(buf)) {
			/* One line longer than a read: as it is, after. */
			dropped += sink_put(d, buf, n, s);
			dropped += sink_put(d, data, seg, s);
			n = 0;
		} else {
			memcpy(buf + n, data, seg);
			n += seg;
		}
		s->fwd_mid = nl == NULL;
		data += seg;
	}
	if (end && s->fwd_mid) {
		buf[n++] = '\n';
		s->fwd_mid = false;
	}
	if (n > 0)
		dropped += sink_put(d, buf, n, s);
	return dropped;
}

/* linebuf's emit: whole lines (or pieces of an over-long one). */
static void
out_emit(void *arg, const char *data, size_t len)
{
	struct out_stream *s = arg;

	if (s->fwd != OUT_FWD_NONE && (s->prefix != NULL || s->stamp))
		s->dropped += fwd_decorated(s, data, len, out_final);
	else if (s->fwd != OUT_FWD_NONE && out_final &&
	    data[len - 1] != '\n' &&
	    len < sizeof(strip_buf)) {
		/*
		 * The program ended mid-line: end the line for it, or the
		 * next line on our stdout, someone else's, would join it.
		 */
		memcpy(strip_buf, data, len);
		strip_buf[len] = '\n';
		s->dropped += sink_put(stream_dest(s), strip_buf, len + 1, s);
	} else if (s->fwd != OUT_FWD_NONE)
		s->dropped += sink_put(stream_dest(s), data, len, s);
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

/* Whether the owner wants whole lines (OUT_LOG). */
static bool
stream_events(const struct out_stream *s)
{
	return s->cap != NULL && s->cap->events && s->hook != NULL &&
	    !s->hook_raw;
}

/* linebuf's emit for OUT_LOG: whole lines, or a piece past the bound. */
static void
event_emit(void *arg, const char *data, size_t len)
{
	struct out_stream *s = arg;

	s->hook(s->hook_arg, s, OUT_LOG, data, len);
}

/*
 * Add to the capture as supervisor's BoundIO: a piece that would pass
 * max drops as many of the oldest bytes as it brings.  BoundIO would keep
 * a piece larger than max whole; here its last max bytes, so that the
 * capture never holds more than max.  Grown as it fills, as most
 * captures are much smaller than their bound.
 */
static void
cap_write(struct out_cap *c, const char *p, size_t n)
{
	size_t	 want;
	char	*nb;

	if (n >= c->max) {
		p += n - c->max;
		n = c->max;
		c->len = 0;
	} else if (c->len + n > c->max) {
		if (n < c->len) {
			memmove(c->buf, c->buf + n, c->len - n);
			c->len -= n;
		} else
			c->len = 0;
	}
	if (c->len + n > c->size) {
		want = c->size < 4096 ? 4096 : c->size;
		while (want < c->len + n)
			want = want > c->max / 2 ? c->max : want * 2;
		if (want > c->max)
			want = c->max;
		if ((nb = realloc(c->buf, want)) == NULL) {
			if (!c->nomem)
				log_warn("couldn't grow a capture to %zu "
				    "bytes", want);
			c->nomem = true;
			return;
		}
		c->buf = nb;
		c->size = want;
	}
	memcpy(c->buf + c->len, p, n);
	c->len += n;
}

static void
cap_clear(struct out_cap *c)
{
	free(c->buf);
	c->buf = NULL;
	c->len = c->size = 0;
	c->nomem = false;
}

/* A token ends the mode it was awaited in; END hands the capture over. */
static void
cap_toggle(struct out_stream *s)
{
	struct out_cap	*c = s->cap;

	c->capturing = !c->capturing;
	if (c->capturing)
		return;
	if (s->hook != NULL)
		s->hook(s->hook_arg, s, OUT_COMM, c->buf != NULL ? c->buf : "",
		    c->len);
	/* supervisor: "%(procname)r %(channel)s emitted a comm event" */
	log_debug("'%s' %s emitted a comm event", s->owner, s->label);
	cap_clear(c);
}

/*
 * A piece of output, whole or between tokens: the ANSI strip, then its
 * destinations, or the capture; both go to the owner as whole lines when
 * it wants them (supervisor emits PROCESS_LOG for captured output too).
 * Each piece's complete lines go in at most two hook calls: the line held
 * from before, completed, then the run of whole lines that follows.
 */
static void
out_piece(struct out_stream *s, const char *buf, size_t len, bool captured)
{
	if (out_strip) {
		len = strip_ansi(&s->esc, buf, len, strip_buf);
		buf = strip_buf;
	}
	if (len == 0)
		return;
	if (s->stamp)
		stamp_take();
	if (captured)
		cap_write(s->cap, buf, len);
	else {
		if (s->file != NULL && s->stamp)
			file_write_stamped(s, buf, len);
		else if (s->file != NULL)
			file_write(s, buf, len);
		if (s->fwd != OUT_FWD_NONE || s->syslog)
			(void)proc_lbuf_feed(&s->lb, buf, len, OUT_LINE_MAX,
			    out_emit, s);
	}
	if (stream_events(s))
		(void)proc_lbuf_feed(&s->cap->lines, buf, len, OUT_LINE_MAX,
		    event_emit, s);
}

/*
 * supervisor's find_prefix_at_end: the length of the longest start of
 * tok (shorter than tok) that buf ends with.
 */
static size_t
prefix_at_end(const char *buf, size_t len, const char *tok, size_t tlen)
{
	size_t	k;

	for (k = tlen - 1 < len ? tlen - 1 : len; k > 0; k--)
		if (memcmp(buf + len - k, tok, k) == 0)
			return k;
	return 0;
}

/*
 * Capture mode: cut a read at the tokens.  A read that ends with the
 * start of the awaited token keeps that start back (c->match bytes, which
 * are tok's own: only their count is kept) until the next read says
 * whether the token is complete.  '<' begins both tokens and occurs
 * nowhere else in them, so a start that turns out not to be a token is
 * output as it is, and the byte that broke it is looked at afresh.
 */
static void
out_scan(struct out_stream *s, const char *buf, size_t len)
{
	struct out_cap	*c = s->cap;
	const char	*e = buf + len, *p, *tok;
	size_t		 m, tlen;

	for (;;) {
		tok = c->capturing ? OUT_TOK_END : OUT_TOK_BEGIN;
		tlen = strlen(tok);
		if ((m = c->match) > 0) {
			while (buf < e && m < tlen && *buf == tok[m]) {
				buf++;
				m++;
			}
			if (m == tlen) {
				c->match = 0;
				cap_toggle(s);
				continue;
			}
			if (buf == e) {
				c->match = m;
				return;
			}
			c->match = 0;
			out_piece(s, tok, m, c->capturing);
		}
		if (buf == e)
			return;
		if ((p = memmem(buf, (size_t)(e - buf), tok, tlen)) != NULL) {
			if (p > buf)
				out_piece(s, buf, (size_t)(p - buf),
				    c->capturing);
			buf = p + tlen;
			cap_toggle(s);
			continue;
		}
		m = prefix_at_end(buf, (size_t)(e - buf), tok, tlen);
		if ((size_t)(e - buf) > m)
			out_piece(s, buf, (size_t)(e - buf) - m, c->capturing);
		c->match = m;
		return;
	}
}

static void
out_data(struct out_stream *s, const char *buf, size_t len)
{
	s->bytes += len;
	if (s->hook_raw) {
		/* As read: the listener's protocol, before any strip. */
		if (s->hook != NULL)
			s->hook(s->hook_arg, s, OUT_RAW, buf, len);
		out_piece(s, buf, len, false);
	} else if (s->cap != NULL && s->cap->max > 0)
		out_scan(s, buf, len);
	else
		out_piece(s, buf, len, false);
}

/*
 * The end of the stream: pass on a partial last line, and a token's
 * start held back, which no token follows now.  A capture without its
 * END is dropped: supervisor's next process starts with a new dispatcher.
 */
static void
out_flush(struct out_stream *s)
{
	struct out_cap	*c = s->cap;
	bool		 captured = c != NULL && c->capturing;
	int		 d;

	if (c != NULL && c->match > 0) {
		out_piece(s, captured ? OUT_TOK_END : OUT_TOK_BEGIN, c->match,
		    captured);
		c->match = 0;
	}
	if (s->esc == ESC_SEEN && out_path(s) != NULL && !captured)
		file_write(s, "\033", 1);
	if (s->esc == ESC_SEEN && proc_lbuf_pending(&s->lb) < OUT_LINE_MAX &&
	    !captured)
		(void)proc_lbuf_feed(&s->lb, "\033", 1, OUT_LINE_MAX,
		    out_emit, s);
	if (s->esc == ESC_SEEN && stream_events(s))
		(void)proc_lbuf_feed(&c->lines, "\033", 1, OUT_LINE_MAX,
		    event_emit, s);
	s->esc = ESC_NONE;
	if (s->stamp)
		stamp_take();
	out_final = true;
	(void)proc_lbuf_flush(&s->lb, out_emit, s);
	out_final = false;
	s->fwd_mid = false;
	if (c != NULL) {
		if (stream_events(s))
			(void)proc_lbuf_flush(&c->lines, event_emit, s);
		proc_lbuf_free(&c->lines);
		c->capturing = false;
		cap_clear(c);
	}
	/* Its last piece was exactly OUT_LINE_MAX: end the line for it. */
	if ((d = stream_dest(s)) != -1 && sink_open(d) == s) {
		sink_close_line(d);
		out_flow(NULL, d);
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
	int	d;

	if (s->linked) {
		LIST_REMOVE(s, link);
		s->linked = false;
	}
	/* Gone mid-line: the others must not wait for the rest. */
	if ((d = stream_dest(s)) != -1 && sink_open(d) == s) {
		sink_close_line(d);
		out_flow(NULL, d);
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
 * Read the pipe now, whatever its destination's queue holds (up to the
 * sink's hard bound, then counted as dropped): it is about to be closed.
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
	int	d, fl;

	if (out_loop == NULL && !out_done)
		out_init(loop, out_strip);
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
	if ((d = stream_dest(s)) == -1 || out_loop == NULL) {
		ev_io_start(loop, &s->io);
		return;
	}
	LIST_INSERT_HEAD(&out_streams[d], s, link);
	s->linked = true;
	/* Started unless held; a line open elsewhere now has a waiter. */
	out_flow(NULL, d);
}

void
out_stopping(struct ev_loop *loop, struct out_stream *s)
{
	(void)loop;
	if (s->io.fd == -1 || s->exempt)
		return;
	s->exempt = true;
	if (s->linked)
		out_flow(NULL, stream_dest(s));
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
	struct out_file	*f = s->file;

	if (f == NULL || f->path == NULL)
		return;
	/* A failing episode ends with the next write that works. */
	if (f->log == NULL) {
		f->log = proc_rlog_open(f->path, (off_t)f->maxbytes,
		    f->backups);
		if (f->log == NULL)
			file_fail(s, "open");
	} else if (proc_rlog_reopen(f->log) == -1)
		file_fail(s, "reopen");
}

void
out_close(struct ev_loop *loop, struct out_stream *s)
{
	out_hook_fn	*hook = s->hook;
	void		*hook_arg = s->hook_arg;
	bool		 hook_raw = s->hook_raw;

	if (s->label == NULL)
		return;
	if (s->lingering)
		out_force(loop, s);
	out_flush(s);
	out_detach(loop, s);
	if (s->file != NULL) {
		proc_rlog_close(s->file->log);
		free(s->file->path);
		free(s->file->autoname);
		free(s->file);
	}
	proc_lbuf_free(&s->lb);
	if (s->cap != NULL) {
		proc_lbuf_free(&s->cap->lines);
		cap_clear(s->cap);
		free(s->cap);
	}
	free(s->prefix);
	memset(s, 0, sizeof(*s));
	s->io.fd = -1;
	s->hook = hook;
	s->hook_arg = hook_arg;
	s->hook_raw = hook_raw;
}
