/*
 * output: child pipes to log files.  One shared read buffer serves every
 * stream (one thread), so a quiet program costs no buffer memory.  A
 * callback reads at most OUT_READS_PER_WAKEUP times: libev then serves the
 * other ready pipes before this one again, so no program starves another.
 * Write failures are counted and logged once per episode; the pipe keeps
 * being drained, so the program never blocks on it.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "libproc/rlog.h"
#include "supervisord/log.h"
#include "supervisord/output.h"

#define OUT_BUFSIZE		(128 * 1024)
#define OUT_READS_PER_WAKEUP	4

static char	out_buf[OUT_BUFSIZE];

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
		log_warn("couldn't create %s log for '%s' in %s", label, owner,
		    dir);
		free(path);
		return NULL;
	}
	close(fd);
	return path;
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
	switch (lc->kind) {
	case CFG_LOG_PATH:
		s->path = strdup(lc->path);
		break;
	case CFG_LOG_AUTO:
		s->path = auto_path(childlogdir != NULL ? childlogdir : "/tmp",
		    owner, label, identifier);
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

bool
out_attached(const struct out_stream *s)
{
	return s->io.fd != -1;
}

static void
out_write(struct out_stream *s, const char *buf, size_t len)
{
	ssize_t	n;

	if (s->path == NULL)
		return;
	if (s->log == NULL) {
		/* It could not be opened: try again, it may be back. */
		s->log = proc_rlog_open(s->path, (off_t)s->maxbytes,
		    s->backups);
		if (s->log == NULL) {
			s->dropped += len;
			return;
		}
	}
	n = proc_rlog_write(s->log, buf, len);
	if (n == (ssize_t)len) {
		if (s->failing) {
			log_info("%s log of '%s' writable again, %llu bytes "
			    "dropped", s->label, s->owner, s->dropped);
			s->failing = false;
		}
		return;
	}
	if (!s->failing)
		log_warn("couldn't write %s log %s of '%s'", s->label, s->path,
		    s->owner);
	s->failing = true;
	s->dropped += n > 0 ? len - (size_t)n : len;
}

/* Read up to max times; false at EOF or a hard error (the fd is done). */
static bool
out_read(struct out_stream *s, int max)
{
	ssize_t	n;
	int	i;

	for (i = 0; max == 0 || i < max; i++) {
		n = read(s->io.fd, out_buf, sizeof(out_buf));
		if (n > 0) {
			out_write(s, out_buf, (size_t)n);
			continue;
		}
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1 && errno == EAGAIN)
			return true;
		return false;
	}
	return true;
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
	if (!out_read(s, OUT_READS_PER_WAKEUP))
		out_detach(loop, s);
}

void
out_attach(struct ev_loop *loop, struct out_stream *s, int fd)
{
	out_detach(loop, s);
	ev_io_init(&s->io, out_read_cb, fd, EV_READ);
	s->io.data = s;
	ev_io_start(loop, &s->io);
}

void
out_drain(struct ev_loop *loop, struct out_stream *s)
{
	if (s->io.fd == -1)
		return;
	/* Bounded: a grandchild that keeps writing must not hold us. */
	(void)out_read(s, 64);
	out_detach(loop, s);
}

void
out_reopen(struct out_stream *s)
{
	if (s->log != NULL && proc_rlog_reopen(s->log) == -1 && !s->failing) {
		log_warn("couldn't reopen %s log %s of '%s'", s->label,
		    s->path, s->owner);
		s->failing = true;
	}
}

void
out_close(struct ev_loop *loop, struct out_stream *s)
{
	if (s->label == NULL)
		return;
	out_detach(loop, s);
	proc_rlog_close(s->log);
	free(s->path);
	memset(s, 0, sizeof(*s));
	s->io.fd = -1;
}
