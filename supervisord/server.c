/*
 * server: listening sockets (made by listen.c) and accepting on them,
 * the cap per socket, descriptors running out; the connections
 * themselves are server_conn.c's (server.h has the bounds and the
 * timeouts).  The protocol above sees a connection through struct
 * srv_ops: it takes input, writes output, says what the connection is
 * doing; everything that can close a connection (an error, a timeout,
 * the cap) happens here, and ops->close tells the protocol once.  While a
 * callback of a connection runs, the connection is not freed: a close
 * asked for inside it takes effect when the callback returns.
 */
#include <sys/queue.h>
#include <sys/socket.h>
#include <sys/types.h>

#include <netinet/in.h>
#include <netinet/tcp.h>

#include <assert.h>
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <ev.h>

#include "supervisord/listen.h"
#include "supervisord/log.h"
#include "supervisord/server.h"
#include "supervisord/server_conn.h"

#define SRV_ACCEPTS	64		/* per wakeup, for fairness */
#define SRV_REJECTS	16		/* clients being refused at once */

static int
set_err(char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int
set_err(char *err, size_t errlen, const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return -1;
}

/* The daemon. */

struct srv *
srv_new(struct ev_loop *loop, const struct srv_ops *ops)
{
	struct srv	*s;

	if ((s = calloc(1, sizeof(*s))) == NULL)
		return NULL;
	s->loop = loop;
	s->ops = *ops;
	s->lim.idle = 30 * 60;
	s->lim.request = 60;
	s->lim.send = 5 * 60;
	s->lim.linger = 2;
	s->lim.retry = 1;
	s->lim.max_conns = SRV_MAX_CONNS;
	LIST_INIT(&s->conns);
	TAILQ_INIT(&s->kicks);
	return s;
}

void
srv_set_limits(struct srv *s, const struct srv_limits *l)
{
	if (l->idle > 0)
		s->lim.idle = l->idle;
	if (l->request > 0)
		s->lim.request = l->request;
	if (l->send > 0)
		s->lim.send = l->send;
	if (l->linger > 0)
		s->lim.linger = l->linger;
	if (l->retry > 0)
		s->lim.retry = l->retry;
	if (l->max_conns > 0)
		s->lim.max_conns = l->max_conns;
}

size_t
srv_nconns(const struct srv *s)
{
	return s->nconns;
}

size_t
srv_buffered(const struct srv *s)
{
	const struct srv_conn *c;
	size_t		 n = 0;

	LIST_FOREACH(c, &s->conns, all)
		n += c->outcap + c->inlen;
	return n;
}

static struct srv_listener *
listener_new(struct srv *s, const char *name, void *arg)
{
	struct srv_listener *l;

	if ((l = calloc(1, sizeof(*l))) == NULL)
		return NULL;
	if ((l->name = strdup(name)) == NULL) {
		free(l);
		return NULL;
	}
	l->s = s;
	l->fd = -1;
	l->arg = arg;
	TAILQ_INIT(&l->idle);
	return l;
}

static void
listener_free(struct srv_listener *l)
{
	struct stat	 st;

	if (l == NULL)
		return;
	if (l->fd != -1) {
		ev_io_stop(l->s->loop, &l->io);
		close(l->fd);
	}
	/* Only our own: another daemon may have taken the name since. */
	if (l->is_unix && l->fd != -1 && stat(l->name, &st) == 0 &&
	    st.st_dev == l->dev && st.st_ino == l->ino &&
	    unlink(l->name) == -1)
		log_warn("couldn't remove %s", l->name);
	free(l->name);
	free(l->owner);
	free(l);
}

static void	accept_cb(struct ev_loop *, ev_io *, int);
static void	conn_accepted(struct srv_listener *, int);

int
srv_listen_unix(struct srv *s, const char *path, int mode, const char *owner,
    void *arg, char *err, size_t errlen)
{
	struct srv_listener *l;

	assert(s->nls < sizeof(s->ls) / sizeof(s->ls[0]));
	if ((l = listener_new(s, path, arg)) == NULL)
		return set_err(err, errlen, "out of memory");
	if (owner != NULL && (l->owner = strdup(owner)) == NULL) {
		listener_free(l);
		return set_err(err, errlen, "out of memory");
	}
	l->is_unix = true;
	l->mode = mode;
	if ((l->fd = lsn_unix(path, mode, owner, &l->dev, &l->ino, err,
	    errlen)) == -1) {
		listener_free(l);
		return -1;
	}
	ev_io_init(&l->io, accept_cb, l->fd, EV_READ);
	l->io.data = l;
	s->ls[s->nls++] = l;
	return 0;
}

void
srv_recheck(struct srv *s)
{
	struct srv_listener *l;
	struct stat	 st;
	char		 err[512];
	size_t		 i;
	int		 fd;

	for (i = 0; i < s->nls; i++) {
		l = s->ls[i];
		if (!l->is_unix || lstat(l->name, &st) == 0 ||
		    errno != ENOENT)
			continue;
		if ((fd = lsn_unix(l->name, l->mode, l->owner, &l->dev,
		    &l->ino, err, sizeof(err))) == -1) {
			log_warnx("%s was deleted and couldn't be made again: "
			    "%s", l->name, err);
			continue;
		}
		log_warnx("%s was deleted: made again", l->name);
		/* Clients in the old socket's backlog are lost with it. */
		ev_io_stop(s->loop, &l->io);
		close(l->fd);
		l->fd = fd;
		ev_io_set(&l->io, fd, EV_READ);
		if (s->started && !s->paused)
			ev_io_start(s->loop, &l->io);
	}
}

int
srv_listen_inet(struct srv *s, const char *host, int port, void *arg,
    char *err, size_t errlen)
{
	struct srv_listener *l;
	char		 name[300];

	assert(s->nls < sizeof(s->ls) / sizeof(s->ls[0]));
	snprintf(name, sizeof(name), "%s:%d", host, port);
	if ((l = listener_new(s, name, arg)) == NULL)
		return set_err(err, errlen, "out of memory");
	if ((l->fd = lsn_inet(host, port, err, errlen)) == -1) {
		listener_free(l);
		return -1;
	}
	ev_io_init(&l->io, accept_cb, l->fd, EV_READ);
	l->io.data = l;
	s->ls[s->nls++] = l;
	return 0;
}

int
srv_adopt(struct srv *s, int fd, bool is_unix, void *arg)
{
	if (s->adopted == NULL) {
		if ((s->adopted = listener_new(s, "adopted", arg)) == NULL)
			return -1;
	}
	s->adopted->is_unix = is_unix;
	s->adopted->arg = arg;
	conn_accepted(s->adopted, fd);
	return 0;
}

/* Accepting. */

void
srv_start(struct srv *s)
{
	size_t	 i;

	ev_idle_init(&s->kick, NULL);
	s->started = true;
	for (i = 0; i < s->nls; i++)
		ev_io_start(s->loop, &s->ls[i]->io);
}

/* At the cap with nobody idle: the protocol's "busy" answer, then close. */
static void
conn_refuse(struct srv_listener *l, int fd)
{
	struct srv	*s = l->s;
	struct srv_conn	*c;
	char		 buf[1024];
	size_t		 n;

	l->refused++;
	if (s->nreject >= SRV_REJECTS || (c = sc_alloc(l, fd)) == NULL) {
		close(fd);
		return;
	}
	s->nreject++;
	c->refused = true;
	n = s->ops.busy != NULL ? s->ops.busy(l->arg, buf, sizeof(buf)) : 0;
	srv_write(c, buf, n);
	c->finishing = true;
	ev_io_start(s->loop, &c->rio);
	sc_settle(c);
}

/* The connection of l with the oldest idle time and nothing to send. */
static struct srv_conn *
conn_idlest(struct srv_listener *l)
{
	struct srv_conn	*c;

	TAILQ_FOREACH(c, &l->idle, idle_link)
		if (c->outlen == c->outoff && c->inuse == 0)
			return c;
	return NULL;
}

/*
 * TCP keepalive after a minute idle: a client that closed while its
 * answer waits is found (a probe meets a reset) within two minutes.
 */
static void
keepalive(int fd)
{
	int	 one = 1, idle = 60, intvl = 10, cnt = 3;

	(void)setsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, &one, sizeof(one));
	(void)setsockopt(fd, IPPROTO_TCP, TCP_KEEPIDLE, &idle, sizeof(idle));
	(void)setsockopt(fd, IPPROTO_TCP, TCP_KEEPINTVL, &intvl,
	    sizeof(intvl));
	(void)setsockopt(fd, IPPROTO_TCP, TCP_KEEPCNT, &cnt, sizeof(cnt));
}

static void
conn_accepted(struct srv_listener *l, int fd)
{
	struct srv	*s = l->s;
	struct srv_conn	*c;

	if (l->nconns >= s->lim.max_conns) {
		if (!l->capped) {
			l->capped = true;
			log_warnx("%s: %zu connections, the most it serves: "
			    "closing the longest-idle ones, refusing clients "
			    "when none is idle", l->name, l->nconns);
		}
		if ((c = conn_idlest(l)) == NULL) {
			conn_refuse(l, fd);
			return;
		}
		l->evicted++;
		srv_close(c);
	}
	if ((c = sc_alloc(l, fd)) == NULL) {
		close(fd);
		return;
	}
	l->nconns++;
	if (!l->is_unix)
		keepalive(fd);
	if ((c->cs = s->ops.open(l->arg, c)) == NULL) {
		c->dead = true;
		sc_teardown(c);
		return;
	}
	c->in_idle = true;
	TAILQ_INSERT_TAIL(&l->idle, c, idle_link);
	ev_io_start(s->loop, &c->rio);
	sc_settle(c);
}

static void
accept_cb(struct ev_loop *loop, ev_io *w, int revents)
{
	struct srv_listener *l = w->data;
	struct srv	*s = l->s;
	int		 fd, i;

	(void)loop;
	(void)revents;
	for (i = 0; i < SRV_ACCEPTS; i++) {
		fd = accept4(l->fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fd == -1) {
			switch (errno) {
			case EINTR:
			case ECONNABORTED:
			case EPROTO:
			case EPERM:
				continue;
			case EAGAIN:
#if EWOULDBLOCK != EAGAIN
			case EWOULDBLOCK:
#endif
				/* Every waiting client taken: the end. */
				if (s->failed > 0) {
					log_info("accepting connections again "
					    "(%lu attempts failed)", s->failed);
					s->failed = 0;
				}
				return;
			default:
				/* EMFILE, ENFILE, ENOBUFS, ENOMEM, ... */
				sc_accept_pause(s, errno);
				return;
			}
		}
		conn_accepted(l, fd);
	}
}

void
srv_free(struct srv *s)
{
	struct srv_conn	*c;
	size_t		 i;

	if (s == NULL)
		return;
	while ((c = LIST_FIRST(&s->conns)) != NULL) {
		c->inuse = 0;
		c->dead = true;
		sc_teardown(c);
	}
	if (s->started)
		ev_idle_stop(s->loop, &s->kick);
	ev_timer_stop(s->loop, &s->retry);
	for (i = 0; i < s->nls; i++)
		listener_free(s->ls[i]);
	listener_free(s->adopted);
	free(s);
}
