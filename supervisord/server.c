/*
 * server: listening sockets and connections (server.h has the bounds and
 * the timeouts).  The protocol above sees a connection through struct
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
#include <poll.h>
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

#define SRV_ACCEPTS	64		/* per wakeup, for fairness */
#define SRV_READS	4		/* reads per wakeup of one connection */
#define SRV_REJECTS	16		/* clients being refused at once */
#define SRV_DISCARD_MAX	(1024 * 1024)	/* dropped while closing */
#define SRV_PROBE	5.		/* s between looks for a client gone */

struct srv_listener {
	struct srv	*s;
	int		 fd;
	ev_io		 io;
	bool		 is_unix;
	char		*name;		/* the path, or host:port */
	int		 mode;		/* unix: chmod= */
	char		*owner;		/* unix: chown=, or NULL */
	dev_t		 dev;		/* unix: the name is ours while */
	ino_t		 ino;		/* it is this inode */
	void		*arg;
	size_t		 nconns;
	TAILQ_HEAD(, srv_conn) idle;	/* longest-idle first */
	bool		 capped;	/* in an episode at the cap */
	unsigned long	 evicted, refused;
};

struct srv_conn {
	struct srv	*s;
	struct srv_listener *l;
	int		 fd;
	void		*cs;		/* the protocol's; NULL: refused */
	ev_io		 rio, wio;
	ev_timer	 tmo;
	enum srv_cstate	 state;
	ev_tstamp	 state_at;	/* since when in state */
	ev_tstamp	 sent_at;	/* output last moved, or began */
	ev_tstamp	 linger_at;
	ev_tstamp	 probe_at;	/* last look for a client gone */
	char		*in;		/* input the protocol did not take */
	size_t		 inlen;
	char		*out;
	size_t		 outoff, outlen, outcap;
	size_t		 discarded;
	int		 inuse;		/* callbacks running */
	bool		 held;		/* reading stopped: input kept */
	bool		 rd_eof, eof_told;
	bool		 want_room, kicked, resume;
	bool		 finishing;	/* close once the output is sent */
	bool		 lingering;	/* sent; dropping input until EOF */
	bool		 dead;
	bool		 refused;	/* counted in nreject, not nconns */
	bool		 in_idle, in_kick;
	LIST_ENTRY(srv_conn) all;
	TAILQ_ENTRY(srv_conn) idle_link;
	TAILQ_ENTRY(srv_conn) kick_link;
};

struct srv {
	struct ev_loop	*loop;
	struct srv_ops	 ops;
	struct srv_limits lim;
	struct srv_listener *ls[2];
	size_t		 nls;
	struct srv_listener *adopted;	/* for srv_adopt's connections */
	LIST_HEAD(, srv_conn) conns;
	size_t		 nconns, nreject;
	TAILQ_HEAD(, srv_conn) kicks;
	ev_idle		 kick;
	ev_timer	 retry;
	bool		 started;
	bool		 paused;	/* accepting stopped (EMFILE, ...) */
	unsigned long	 failed;	/* accepts failed in the episode */
};

static void	conn_teardown(struct srv_conn *);
static void	conn_settle(struct srv_conn *);
static void	accept_resume(struct srv *);
static void	conn_accepted(struct srv_listener *, int);

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

static void
accept_stop(struct srv *s)
{
	size_t	 i;

	for (i = 0; i < s->nls; i++)
		ev_io_stop(s->loop, &s->ls[i]->io);
}

static void
retry_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	(void)loop;
	(void)revents;
	accept_resume(w->data);
}

/*
 * Out of descriptors (or memory): the next accept would fail the same
 * way, so stop until a connection closes or the retry timer fires.
 */
static void
accept_pause(struct srv *s, int err)
{
	accept_stop(s);
	if (!s->paused && s->failed == 0)
		log_warnx("couldn't accept a connection: %s: not accepting "
		    "until a descriptor is freed (retrying every %g s)",
		    strerror(err), s->lim.retry);
	s->paused = true;
	s->failed++;
	ev_timer_init(&s->retry, retry_cb, s->lim.retry, 0.);
	s->retry.data = s;
	ev_timer_start(s->loop, &s->retry);
}

static void
accept_resume(struct srv *s)
{
	size_t	 i;

	if (!s->paused)
		return;
	s->paused = false;
	ev_timer_stop(s->loop, &s->retry);
	for (i = 0; i < s->nls; i++)
		ev_io_start(s->loop, &s->ls[i]->io);
}

void
srv_start(struct srv *s)
{
	size_t	 i;

	ev_idle_init(&s->kick, NULL);
	s->started = true;
	for (i = 0; i < s->nls; i++)
		ev_io_start(s->loop, &s->ls[i]->io);
}

static void	conn_read_cb(struct ev_loop *, ev_io *, int);
static void	conn_write_cb(struct ev_loop *, ev_io *, int);
static void	conn_timer_cb(struct ev_loop *, ev_timer *, int);

static struct srv_conn *
conn_alloc(struct srv_listener *l, int fd)
{
	struct srv	*s = l->s;
	struct srv_conn	*c;

	if ((c = calloc(1, sizeof(*c))) == NULL)
		return NULL;
	c->s = s;
	c->l = l;
	c->fd = fd;
	ev_io_init(&c->rio, conn_read_cb, fd, EV_READ);
	c->rio.data = c;
	ev_io_init(&c->wio, conn_write_cb, fd, EV_WRITE);
	c->wio.data = c;
	ev_init(&c->tmo, conn_timer_cb);
	c->tmo.data = c;
	c->state = SRV_IDLE;
	c->state_at = ev_now(s->loop);
	LIST_INSERT_HEAD(&s->conns, c, all);
	s->nconns++;
	return c;
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
	if (s->nreject >= SRV_REJECTS || (c = conn_alloc(l, fd)) == NULL) {
		close(fd);
		return;
	}
	s->nreject++;
	c->refused = true;
	n = s->ops.busy != NULL ? s->ops.busy(l->arg, buf, sizeof(buf)) : 0;
	srv_write(c, buf, n);
	c->finishing = true;
	ev_io_start(s->loop, &c->rio);
	conn_settle(c);
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
	if ((c = conn_alloc(l, fd)) == NULL) {
		close(fd);
		return;
	}
	l->nconns++;
	if (!l->is_unix)
		keepalive(fd);
	if ((c->cs = s->ops.open(l->arg, c)) == NULL) {
		c->dead = true;
		conn_teardown(c);
		return;
	}
	c->in_idle = true;
	TAILQ_INSERT_TAIL(&l->idle, c, idle_link);
	ev_io_start(s->loop, &c->rio);
	conn_settle(c);
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
				accept_pause(s, errno);
				return;
			}
		}
		conn_accepted(l, fd);
	}
}

/* Connections. */

size_t
srv_pending(const struct srv_conn *c)
{
	return c->outlen - c->outoff;
}

size_t
srv_room(const struct srv_conn *c)
{
	size_t	 n = srv_pending(c);

	return n >= SRV_OUT_HIGH ? 0 : SRV_OUT_HIGH - n;
}

bool
srv_is_unix(const struct srv_conn *c)
{
	return c->l->is_unix;
}

void
srv_write(struct srv_conn *c, const void *buf, size_t len)
{
	size_t	 n, cap;
	char	*p;

	if (c->dead || len == 0)
		return;
	n = srv_pending(c);
	if (n == 0)
		c->sent_at = ev_now(c->s->loop);
	if (c->outoff > 0 && c->outlen + len > c->outcap) {
		memmove(c->out, c->out + c->outoff, n);
		c->outoff = 0;
		c->outlen = n;
	}
	if (c->outlen + len > c->outcap) {
		for (cap = c->outcap > 0 ? c->outcap : 4096;
		    cap < c->outlen + len; cap *= 2)
			;
		/* Not twice the bound for the last write that passes it. */
		if (cap > SRV_OUT_HIGH + 8192 &&
		    c->outlen + len <= SRV_OUT_HIGH + 8192)
			cap = SRV_OUT_HIGH + 8192;
		if ((p = realloc(c->out, cap)) == NULL) {
			log_warnx("a connection on %s: out of memory: closed",
			    c->l->name);
			srv_close(c);
			return;
		}
		c->out = p;
		c->outcap = cap;
	}
	memcpy(c->out + c->outlen, buf, len);
	c->outlen += len;
	if (c->inuse == 0)
		ev_io_start(c->s->loop, &c->wio);
}

void
srv_want_room(struct srv_conn *c)
{
	c->want_room = true;
}

static void
kick_cb(struct ev_loop *loop, ev_idle *w, int revents)
{
	struct srv	*s = w->data;
	TAILQ_HEAD(, srv_conn) now = TAILQ_HEAD_INITIALIZER(now);
	struct srv_conn	*c;

	(void)revents;
	/* Kicks asked for while these run wait for the next round. */
	TAILQ_CONCAT(&now, &s->kicks, kick_link);
	while ((c = TAILQ_FIRST(&now)) != NULL) {
		TAILQ_REMOVE(&now, c, kick_link);
		c->in_kick = false;
		c->inuse++;
		if (c->resume && !c->dead) {
			c->resume = false;
			if (c->inlen > 0) {
				size_t took = s->ops.input(c->cs, c->in,
				    c->inlen);

				if (took > c->inlen)
					took = c->inlen;
				c->inlen -= took;
				memmove(c->in, c->in + took, c->inlen);
			}
			if (c->inlen == 0 && !c->dead) {
				free(c->in);
				c->in = NULL;
				c->held = false;
				if (!c->rd_eof && !c->finishing)
					ev_io_start(loop, &c->rio);
				else if (c->rd_eof && !c->eof_told) {
					c->eof_told = true;
					s->ops.eof(c->cs);
				}
			}
		}
		if (c->kicked && !c->dead) {
			c->kicked = false;
			s->ops.run(c->cs);
		}
		c->inuse--;
		conn_settle(c);
	}
	if (TAILQ_EMPTY(&s->kicks))
		ev_idle_stop(loop, w);
}

static void
kick_add(struct srv_conn *c)
{
	struct srv	*s = c->s;

	if (c->in_kick || c->dead)
		return;
	c->in_kick = true;
	TAILQ_INSERT_TAIL(&s->kicks, c, kick_link);
	if (!ev_is_active(&s->kick)) {
		ev_idle_init(&s->kick, kick_cb);
		s->kick.data = s;
		ev_idle_start(s->loop, &s->kick);
	}
}

void
srv_kick(struct srv_conn *c)
{
	c->kicked = true;
	kick_add(c);
}

void
srv_resume(struct srv_conn *c)
{
	if (!c->held)
		return;
	c->resume = true;
	kick_add(c);
}

void
srv_set_state(struct srv_conn *c, enum srv_cstate st)
{
	struct srv_listener *l = c->l;

	if (c->state == st)
		return;
	if (c->in_idle) {
		TAILQ_REMOVE(&l->idle, c, idle_link);
		c->in_idle = false;
	}
	c->state = st;
	c->state_at = ev_now(c->s->loop);
	if (st == SRV_IDLE) {
		c->in_idle = true;
		TAILQ_INSERT_TAIL(&l->idle, c, idle_link);
	}
	if (c->inuse == 0)
		conn_settle(c);
}

void
srv_finish(struct srv_conn *c)
{
	c->finishing = true;
	ev_io_stop(c->s->loop, &c->rio);
	if (c->inuse == 0)
		conn_settle(c);
}

void
srv_close(struct srv_conn *c)
{
	c->dead = true;
	if (c->inuse == 0)
		conn_teardown(c);
}

static void
conn_teardown(struct srv_conn *c)
{
	struct srv	*s = c->s;
	struct srv_listener *l = c->l;
	void		*cs = c->cs;

	ev_io_stop(s->loop, &c->rio);
	ev_io_stop(s->loop, &c->wio);
	ev_timer_stop(s->loop, &c->tmo);
	if (c->in_kick)
		TAILQ_REMOVE(&s->kicks, c, kick_link);
	if (c->in_idle)
		TAILQ_REMOVE(&l->idle, c, idle_link);
	LIST_REMOVE(c, all);
	close(c->fd);
	s->nconns--;
	if (c->refused)
		s->nreject--;
	else
		l->nconns--;
	free(c->in);
	free(c->out);
	free(c);
	if (cs != NULL)
		s->ops.close(cs);
	if (l->capped && l->nconns < s->lim.max_conns * 3 / 4) {
		log_info("%s: %zu connections, below the most it serves again "
		    "(%lu idle ones closed, %lu clients refused)", l->name,
		    l->nconns, l->evicted, l->refused);
		l->capped = false;
		l->evicted = l->refused = 0;
	}
	/* A descriptor is free: accept again if that was what stopped it. */
	accept_resume(s);
}

/* Send what can be sent now.  No callback of the protocol here. */
static void
conn_flush(struct srv_conn *c)
{
	struct srv	*s = c->s;
	ssize_t		 n;

	while (c->outoff < c->outlen) {
		n = send(c->fd, c->out + c->outoff, c->outlen - c->outoff,
		    MSG_NOSIGNAL);
		if (n == -1) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN || errno == EWOULDBLOCK) {
				ev_io_start(s->loop, &c->wio);
				return;
			}
			/* EPIPE, ECONNRESET: the client is gone. */
			c->dead = true;
			return;
		}
		c->outoff += (size_t)n;
		c->sent_at = ev_now(s->loop);
	}
	ev_io_stop(s->loop, &c->wio);
	/* Empty: an idle connection keeps no buffer. */
	free(c->out);
	c->out = NULL;
	c->outoff = c->outlen = c->outcap = 0;
	if (c->finishing && !c->lingering) {
		/*
		 * Closing with input unread would reset the connection and
		 * could lose the answer on the client's side: end our half
		 * and drop what still comes, until EOF or the linger time.
		 */
		c->lingering = true;
		c->linger_at = ev_now(s->loop);
		(void)shutdown(c->fd, SHUT_WR);
		if (c->rd_eof)
			c->dead = true;
		else
			ev_io_start(s->loop, &c->rio);
	}
}

/* The timeout for what c is doing now; 0 for none. */
static ev_tstamp
conn_deadline(const struct srv_conn *c)
{
	const struct srv_limits *lim = &c->s->lim;

	if (c->lingering)
		return c->linger_at + lim->linger;
	if (c->outoff < c->outlen)
		return c->sent_at + lim->send;
	switch (c->state) {
	case SRV_IDLE:
		return c->state_at + lim->idle;
	case SRV_REQUEST:
		return c->state_at + lim->request;
	case SRV_ANSWER:
		/* Waiting, after the client's EOF: look whether it left. */
		if (c->rd_eof)
			return c->probe_at + SRV_PROBE;
		break;
	}
	return 0;
}

static void
conn_timer(struct srv_conn *c)
{
	struct ev_loop	*loop = c->s->loop;
	ev_tstamp	 d = conn_deadline(c), left;

	if (d == 0) {
		ev_timer_stop(loop, &c->tmo);
		return;
	}
	left = d - ev_now(loop);
	if (ev_is_active(&c->tmo) &&
	    ev_timer_remaining(loop, &c->tmo) - left < 0.001 &&
	    ev_timer_remaining(loop, &c->tmo) - left > -0.001)
		return;
	ev_timer_stop(loop, &c->tmo);
	ev_timer_set(&c->tmo, left > 0 ? left : 0., 0.);
	ev_timer_start(loop, &c->tmo);
}

/*
 * After every callback of c: send, let a producer waiting for room go on
 * (a few rounds; then from the loop, so that one fast client cannot hold
 * it), free c if it is dead, else arm its timer.
 */
static void
conn_settle(struct srv_conn *c)
{
	int	 i;

	if (c->inuse > 0)
		return;
	for (i = 0; !c->dead; i++) {
		conn_flush(c);
		if (c->dead || !c->want_room || srv_room(c) == 0 ||
		    c->cs == NULL)
			break;
		if (i == 4) {
			srv_kick(c);
			break;
		}
		c->want_room = false;
		c->inuse++;
		c->s->ops.run(c->cs);
		c->inuse--;
	}
	if (c->dead) {
		conn_teardown(c);
		return;
	}
	conn_timer(c);
}

/*
 * A client that sent EOF may have closed only its half (shutdown: it
 * still reads) or all of it.  On a unix socket its close shows as
 * POLLHUP; on TCP once a keepalive probe met a reset (POLLERR).  A gone
 * client's deferred answer is dropped; a half-closed one's is awaited.
 */
static bool
conn_gone(struct srv_conn *c)
{
	struct pollfd	 pfd = { c->fd, 0, 0 };

	c->probe_at = ev_now(c->s->loop);
	return poll(&pfd, 1, 0) == 1 &&
	    (pfd.revents & (POLLHUP | POLLERR | POLLNVAL)) != 0;
}

static void
conn_timer_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct srv_conn	*c = w->data;
	ev_tstamp	 d = conn_deadline(c);

	(void)revents;
	if (d == 0)
		return;
	if (d > ev_now(loop)) {
		conn_timer(c);
		return;
	}
	if (c->state == SRV_ANSWER && c->rd_eof && !c->lingering &&
	    c->outoff == c->outlen) {
		if (conn_gone(c))
			srv_close(c);
		else
			conn_timer(c);
		return;
	}
	if (!c->lingering && c->cs != NULL)
		log_debug("%s: a connection %s: closed", c->l->name,
		    c->outoff < c->outlen ? "took nothing we sent for too "
		    "long" : c->state == SRV_IDLE ? "was idle for too long" :
		    "sent too slow a request");
	srv_close(c);
}

/* Read and drop: a refused or closing connection. */
static void
conn_discard(struct srv_conn *c)
{
	char	 buf[4096];
	ssize_t	 n;

	for (;;) {
		n = read(c->fd, buf, sizeof(buf));
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return;
		if (n <= 0) {
			c->rd_eof = true;
			ev_io_stop(c->s->loop, &c->rio);
			if (c->lingering || n == -1)
				c->dead = true;
			return;
		}
		c->discarded += (size_t)n;
		if (c->discarded > SRV_DISCARD_MAX) {
			c->dead = true;
			return;
		}
	}
}

static void
conn_input(struct srv_conn *c)
{
	struct srv	*s = c->s;
	char		 buf[SRV_READ_SIZE];
	size_t		 took;
	ssize_t		 n;
	int		 i;

	for (i = 0; i < SRV_READS && !c->dead && !c->held && !c->finishing;
	    i++) {
		n = read(c->fd, buf, sizeof(buf));
		if (n == -1) {
			if (errno == EINTR)
				continue;
			if (errno != EAGAIN && errno != EWOULDBLOCK)
				c->dead = true;
			return;
		}
		if (n == 0) {
			c->rd_eof = true;
			ev_io_stop(s->loop, &c->rio);
			c->eof_told = true;
			s->ops.eof(c->cs);
			if (!c->dead && c->state == SRV_ANSWER && conn_gone(c))
				c->dead = true;
			return;
		}
		took = s->ops.input(c->cs, buf, (size_t)n);
		if (took >= (size_t)n || c->dead || c->finishing)
			continue;
		/* The protocol is busy: keep the rest, stop reading. */
		if ((c->in = malloc((size_t)n - took)) == NULL) {
			c->dead = true;
			return;
		}
		c->inlen = (size_t)n - took;
		memcpy(c->in, buf + took, c->inlen);
		c->held = true;
		ev_io_stop(s->loop, &c->rio);
	}
}

static void
conn_read_cb(struct ev_loop *loop, ev_io *w, int revents)
{
	struct srv_conn	*c = w->data;

	(void)loop;
	(void)revents;
	c->inuse++;
	if (c->lingering || c->refused || c->finishing)
		conn_discard(c);
	else
		conn_input(c);
	c->inuse--;
	conn_settle(c);
}

static void
conn_write_cb(struct ev_loop *loop, ev_io *w, int revents)
{
	(void)loop;
	(void)revents;
	conn_settle(w->data);
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
		conn_teardown(c);
	}
	if (s->started)
		ev_idle_stop(s->loop, &s->kick);
	ev_timer_stop(s->loop, &s->retry);
	for (i = 0; i < s->nls; i++)
		listener_free(s->ls[i]);
	listener_free(s->adopted);
	free(s);
}
