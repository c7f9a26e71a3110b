/*
 * logtail: a follower of one log file (see logtail.h).  It holds an open
 * descriptor and an offset into it; ev_stat only says "look again".
 * What it owes the consumer is worked out in lt_pump, never in the
 * watcher's callback, so that the consumer's room bounds every read.
 */
#include <sys/stat.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "supervisord/log.h"
#include "supervisord/logtail.h"
#include "supervisord/program.h"
#include "supervisord/supervisor.h"

struct lt_follow {
	struct ev_loop	*loop;
	ev_stat		 st;
	char		*path;		/* owned: ev_stat keeps a pointer */
	int		 fd;		/* -1: the file is missing */
	dev_t		 dev;
	ino_t		 ino;
	off_t		 pos;		/* next byte to hand over */
	size_t		 note;		/* bytes of the notice still owed */
	bool		 idle;		/* ready() owed on the next change */
	struct lt_consumer c;
};

static void	lt_stat_cb(struct ev_loop *, ev_stat *, int);

/* Open path as the followed file; -1 with errno. */
static int
lt_open(struct lt_follow *f)
{
	struct stat	sb;
	int		fd;

	while ((fd = open(f->path, O_RDONLY | O_CLOEXEC | O_NOCTTY)) == -1 &&
	    errno == EINTR)
		;
	if (fd == -1)
		return -1;
	if (fstat(fd, &sb) == -1) {
		close(fd);
		return -1;
	}
	f->fd = fd;
	f->dev = sb.st_dev;
	f->ino = sb.st_ino;
	f->pos = 0;
	return 0;
}

static void
lt_close(struct lt_follow *f)
{
	if (f->fd != -1)
		close(f->fd);
	f->fd = -1;
}

struct lt_follow *
lt_follow_new(struct ev_loop *loop, const char *path, off_t head,
    const struct lt_consumer *c)
{
	struct lt_follow *f;
	struct stat	 sb;

	if ((f = calloc(1, sizeof(*f))) == NULL)
		return NULL;
	f->loop = loop;
	f->fd = -1;
	f->c = *c;
	if ((f->path = strdup(path)) == NULL) {
		free(f);
		return NULL;
	}
	if (lt_open(f) == -1) {
		if (errno != ENOENT) {
			int	save = errno;

			free(f->path);
			free(f);
			errno = save;
			return NULL;
		}
	} else if (fstat(f->fd, &sb) == 0) {
		if (head < 0)
			head = 0;
		/* tail_f_producer: size - head when the file has that much. */
		if (sb.st_size >= head)
			f->pos = sb.st_size - head;
	}
	/* Interval 0: libev's own, used only where inotify cannot serve. */
	ev_stat_init(&f->st, lt_stat_cb, f->path, 0.);
	f->st.data = f;
	ev_stat_start(loop, &f->st);
	return f;
}

void
lt_follow_free(struct lt_follow *f)
{
	if (f == NULL)
		return;
	ev_stat_stop(f->loop, &f->st);
	lt_close(f);
	free(f->path);
	free(f);
}

bool
lt_polling(const struct lt_follow *f)
{
	/* libev's ev_stat arms its embedded timer only when it must poll.
	 * (ev_is_active casts away const.) */
	return f->st.timer.active != 0;
}

static void
lt_stat_cb(struct ev_loop *loop, ev_stat *w, int revents)
{
	struct lt_follow *f = w->data;

	(void)loop;
	(void)revents;
	if (!f->idle)
		return;		/* the consumer is still busy: it comes back */
	f->idle = false;
	f->c.ready(f->c.arg);
}

/*
 * Caught up with the open file: if another file now has the name (a
 * rotation), or the file appeared, switch to it.  True if there is a new
 * file to read.
 */
static bool
lt_follow_name(struct lt_follow *f)
{
	struct stat	sb;

	if (stat(f->path, &sb) == -1 || !S_ISREG(sb.st_mode))
		return false;	/* removed: keep what is open, as supervisor */
	if (f->fd != -1 && sb.st_dev == f->dev && sb.st_ino == f->ino)
		return false;
	lt_close(f);
	if (lt_open(f) == -1) {
		log_debug("logtail: couldn't open %s: %s", f->path,
		    strerror(errno));
		return false;
	}
	return true;
}

enum lt_status
lt_pump(struct lt_follow *f, size_t room)
{
	char		 buf[LT_CHUNK];
	struct stat	 sb;
	size_t		 n;
	ssize_t		 r;

	f->idle = false;
	while (room > 0) {
		if (f->note > 0) {
			n = f->note < room ? f->note : room;
			f->c.data(f->c.arg, &LT_TRUNCATED[
			    sizeof(LT_TRUNCATED) - 1 - f->note], n);
			f->note -= n;
			room -= n;
			continue;
		}
		if (f->fd == -1 || fstat(f->fd, &sb) == -1) {
			if (lt_follow_name(f))
				continue;
			break;
		}
		if (sb.st_size < f->pos) {
			f->note = sizeof(LT_TRUNCATED) - 1;
			f->pos = 0;
			continue;
		}
		if (sb.st_size > f->pos) {
			n = sb.st_size - f->pos < (off_t)room ?
			    (size_t)(sb.st_size - f->pos) : room;
			if (n > sizeof(buf))
				n = sizeof(buf);
			r = pread(f->fd, buf, n, f->pos);
			if (r == -1 && errno == EINTR)
				continue;
			if (r > 0) {
				f->pos += r;
				room -= r;
				f->c.data(f->c.arg, buf, r);
				continue;
			}
			if (r == -1)
				log_debug("logtail: couldn't read %s: %s",
				    f->path, strerror(errno));
			/* Shrunk under us, or unreadable: wait for more. */
		}
		if (lt_follow_name(f))
			continue;
		break;
	}
	if (room == 0)
		return LT_MORE;
	f->idle = true;
	return LT_IDLE;
}

enum lt_find
lt_logfile(const struct supervisor *s, const char *namespec,
    const char *channel, const char **path)
{
	char		 group[256], nbuf[256];
	const char	*name;
	struct sv_program *p;
	struct stat	 sb;

	*path = NULL;
	sup_split_namespec(namespec, group, sizeof(group), nbuf, sizeof(nbuf),
	    &name);
	if (name == NULL || (p = sup_find(s, group, name)) == NULL)
		return LT_NO_PROCESS;
	/* supervisor looks up config.<channel>_logfile: only these two. */
	if (strcmp(channel, "stdout") == 0)
		*path = out_path(&p->out);
	else if (strcmp(channel, "stderr") == 0)
		*path = out_path(&p->err);
	if (*path == NULL || stat(*path, &sb) == -1) {
		*path = NULL;
		return LT_NO_FILE;
	}
	return LT_FOUND;
}

const char *
lt_mainlog(const struct supervisor *s)
{
	return s->cfg != NULL ? s->cfg->sd.logfile : NULL;
}
