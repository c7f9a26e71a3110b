/*
 * server_conn: a connection of server.c (server_conn.h): its buffers,
 * its timer, and the calls into the protocol above; and the accept
 * watchers' pause and resume, which a closing connection ends.
 */
#include <sys/queue.h>
#include <sys/socket.h>
#include <sys/types.h>

#include <errno.h>
#include <poll.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <ev.h>

#include "supervisord/log.h"
#include "supervisord/server_conn.h"

#define SRV_READS	4		/* reads per wakeup of one connection */
#define SRV_DISCARD_MAX	(1024 * 1024)	/* dropped while closing */
#define SRV_PROBE	5.		/* s between looks for a client gone */

static void	conn_read_cb(struct ev_loop *, ev_io *, int);
static void	conn_write_cb(struct ev_loop *, ev_io *, int);
static void	conn_timer_cb(struct ev_loop *, ev_timer *, int);

/* Accepting: stopped and started again. */

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
	sc_accept_resume(w->data);
}

/*
 * Out of descriptors (or memory): the next accept would fail the same
 * way, so stop until a connection closes or the retry timer fires.
 */
void
sc_accept_pause(struct srv *s, int err)
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

void
sc_accept_resume(struct srv *s)
{
	size_t	 i;

	if (!s->paused)
		return;
	s->paused = false;
	ev_timer_stop(s->loop, &s->retry);
	for (i = 0; i < s->nls; i++)
		ev_io_start(s->loop, &s->ls[i]->io);
}


struct srv_conn *
sc_alloc(struct srv_listener *l, int fd)
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
		sc_settle(c);
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
		sc_settle(c);
}

void
srv_finish(struct srv_conn *c)
{
	c->finishing = true;
	ev_io_stop(c->s->loop, &c->rio);
	if (c->inuse == 0)
		sc_settle(c);
}

void
srv_close(struct srv_conn *c)
{
	c->dead = true;
	if (c->inuse == 0)
		sc_teardown(c);
}

void
sc_teardown(struct srv_conn *c)
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
	sc_accept_resume(s);
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
void
sc_settle(struct srv_conn *c)
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
		sc_teardown(c);
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
	sc_settle(c);
}

static void
conn_write_cb(struct ev_loop *loop, ev_io *w, int revents)
{
	(void)loop;
	(void)revents;
	sc_settle(w->data);
}

