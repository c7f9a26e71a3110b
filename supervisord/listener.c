/*
 * listener: event listener pools (listener.h), as supervisor's
 * process.EventListenerPool and dispatchers.PEventListenerDispatcher.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "supervisord/listener.h"
#include "supervisord/log.h"

/* supervisor's EventListenerStates. */
enum lsn_state {
	LSN_READY = 0,
	LSN_BUSY,
	LSN_ACKNOWLEDGED,
	LSN_UNKNOWN
};

static const char *const lsn_state_names[] = {
	[LSN_READY] = "READY", [LSN_BUSY] = "BUSY",
	[LSN_ACKNOWLEDGED] = "ACKNOWLEDGED", [LSN_UNKNOWN] = "UNKNOWN"
};

#define READY_TOKEN	"READY\n"
#define READY_LEN	6
#define RESULT_START	7		/* strlen("RESULT ") */
#define LINE_MAX_LEN	256		/* a result line longer is garbage */

/* An event in a pool, with the serial the pool gave it. */
struct lsn_slot {
	struct evt_event *e;
	unsigned long	 pserial;
};

struct lsn_member {
	TAILQ_ENTRY(lsn_member) link;
	struct lsn_pool	*pool;
	struct sv_program *p;
	enum lsn_state	 st;
	struct lsn_slot	 cur;		/* in flight while BUSY, e != NULL */
	char		 line[LINE_MAX_LEN]; /* what is parsed, not yet used */
	size_t		 llen;
	long long	 resultlen;	/* -1: the result line is not in yet */
	long long	 got;		/* result bytes so far */
	char		 result[2];	/* its first bytes: "OK"? */
	char		*wbuf;		/* the envelope not yet written */
	size_t		 wlen, woff;
	ev_io		 wio;
};

struct lsn_pool {
	LIST_ENTRY(lsn_pool) link;
	struct lsn	*l;
	char		*name;
	struct evt_sub	 sub;
	struct lsn_slot	*buf;		/* a ring of cap slots */
	size_t		 cap, head, n;
	unsigned long	 serial;	/* the last poolserial; ULONG_MAX */
	unsigned long long dropped;	/* in this overflow episode */
	bool		 holding;	/* holds a shutdown step back */
	TAILQ_HEAD(, lsn_member) members;
};

static void	dispatch(struct lsn_pool *);
static void	check_idle(struct lsn_pool *);

/* ---------------------------------------------------------------- */
/* The buffer. */

static struct lsn_slot *
slot_at(struct lsn_pool *pl, size_t i)
{
	return &pl->buf[(pl->head + i) % pl->cap];
}

/* The end of an overflow episode: how many went. */
static void
overflow_end(struct lsn_pool *pl)
{
	if (pl->dropped == 0)
		return;
	log_warnx("pool %s event buffer overflow ended: %llu event%s "
	    "discarded", pl->name, pl->dropped, pl->dropped == 1 ? "" : "s");
	pl->dropped = 0;
}

/*
 * As _acceptEvent: e (a reference the pool takes) at the tail, or at the
 * head when it comes back; a full buffer first discards its oldest.
 */
static void
accept_slot(struct lsn_pool *pl, struct lsn_slot s, bool head)
{
	struct lsn_slot	*old;

	if (head)
		log_debug("rebuffering event %lu for pool %s (buf size=%zu, "
		    "max=%zu)", s.e->serial, pl->name, pl->n, pl->cap);
	if (pl->n >= pl->cap) {
		old = slot_at(pl, 0);
		if (pl->dropped++ == 0)
			log_msg(LOGLEVEL_ERRO, "pool %s event buffer "
			    "overflowed, discarding event %lu (and the oldest "
			    "of any more until an event is delivered)",
			    pl->name, old->e->serial);
		evt_unref(old->e);
		pl->head = (pl->head + 1) % pl->cap;
		pl->n--;
	}
	if (head) {
		pl->head = (pl->head + pl->cap - 1) % pl->cap;
		pl->buf[pl->head] = s;
	} else
		*slot_at(pl, pl->n) = s;
	pl->n++;
}

static struct lsn_slot
pop_head(struct lsn_pool *pl)
{
	struct lsn_slot	s = pl->buf[pl->head];

	pl->head = (pl->head + 1) % pl->cap;
	pl->n--;
	return s;
}

/* The bus's delivery: the pool's serials, then the buffer. */
static void
accept_cb(void *arg, struct evt_event *e)
{
	struct lsn_pool	*pl = arg;
	struct lsn_slot	 s;

	evt_take_serial(pl->l->bus, e);
	pl->serial = pl->serial == ULONG_MAX ? 0 : pl->serial + 1;
	s.e = evt_ref(e);
	s.pserial = pl->serial;
	accept_slot(pl, s, false);
	dispatch(pl);
}

/* ---------------------------------------------------------------- */
/* Members. */

static void
set_state(struct lsn_member *m, enum lsn_state st)
{
	const char *name = m->p->cfg->name;

	log_debug("%s: %s -> %s", name, lsn_state_names[m->st],
	    lsn_state_names[st]);
	m->st = st;
	if (st == LSN_UNKNOWN)
		log_warnx("%s: has entered the UNKNOWN state and will no "
		    "longer receive events, this usually indicates the "
		    "process violated the eventlistener protocol", name);
}

static void
write_stop(struct lsn_member *m)
{
	ev_io_stop(m->pool->l->s->loop, &m->wio);
	free(m->wbuf);
	m->wbuf = NULL;
	m->wlen = m->woff = 0;
}

/* The event in flight goes back to the head of the buffer. */
static void
rebuffer(struct lsn_member *m)
{
	struct lsn_slot	s = m->cur;

	if (s.e == NULL)
		return;
	m->cur.e = NULL;
	accept_slot(m->pool, s, true);	/* with the member's reference */
}

/* Forget the protocol state: a new process starts ACKNOWLEDGED. */
static void
member_reset(struct lsn_member *m)
{
	write_stop(m);
	m->llen = 0;
	m->resultlen = -1;
	m->got = 0;
	m->st = LSN_ACKNOWLEDGED;
}

/* Write what is left of the envelope.  0, or -1 with errno. */
static int
write_some(struct lsn_member *m)
{
	ssize_t	n;

	while (m->woff < m->wlen) {
		n = write(m->p->in_fd, m->wbuf + m->woff, m->wlen - m->woff);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1 && errno == EAGAIN)
			break;
		if (n == -1)
			return -1;
		m->woff += (size_t)n;
	}
	if (m->woff == m->wlen)
		write_stop(m);
	else if (!ev_is_active(&m->wio)) {
		ev_io_set(&m->wio, m->p->in_fd, EV_WRITE);
		ev_io_start(m->pool->l->s->loop, &m->wio);
	}
	return 0;
}

static void
wio_cb(struct ev_loop *loop, ev_io *w, int revents)
{
	struct lsn_member *m = w->data;

	(void)loop;
	(void)revents;
	/* A reader gone: the process is dying, its reap rebuffers. */
	if (write_some(m) == -1)
		write_stop(m);
}

/* The envelope of s for m's pool, in m->wbuf.  -1 when memory ran out. */
static int
envelope(struct lsn_member *m, const struct lsn_slot *s)
{
	const struct evt_event *e = s->e;
	const char	*ident = m->pool->l->s->ctx.identifier;
	char		 blen[32] = "", *buf;
	int		 n;

	if (e->ncp != e->len)
		snprintf(blen, sizeof(blen), " blen:%zu", e->len);
	n = asprintf(&m->wbuf, "ver:3.0 server:%s serial:%lu pool:%s "
	    "poolserial:%lu eventname:%s len:%zu%s\n", ident != NULL ? ident :
	    "supervisor", e->serial, m->pool->name, s->pserial,
	    evt_name(e->type), e->ncp, blen);
	if (n == -1) {
		m->wbuf = NULL;
		return -1;
	}
	m->wlen = (size_t)n + e->len;
	if ((buf = realloc(m->wbuf, m->wlen)) == NULL)
		return -1;	/* write_stop frees m->wbuf */
	m->wbuf = buf;
	memcpy(m->wbuf + n, e->payload, e->len);
	m->woff = 0;
	return 0;
}

/*
 * As _dispatchEvent: give s to the first RUNNING and READY process.
 * False when none took it.
 */
static bool
dispatch_one(struct lsn_pool *pl, const struct lsn_slot *s)
{
	struct lsn_member *m;

	TAILQ_FOREACH(m, &pl->members, link) {
		if (m->p->state != SV_RUNNING || m->st != LSN_READY ||
		    m->p->in_fd == -1)
			continue;
		write_stop(m);
		if (envelope(m, s) == -1) {
			write_stop(m);
			log_warnx("out of memory: event %lu not sent to %s",
			    s->e->serial, m->p->cfg->name);
			return false;
		}
		if (write_some(m) == -1) {
			write_stop(m);
			log_debug("epipe occurred while sending event %lu to "
			    "listener %s, listener state unchanged",
			    s->e->serial, m->p->cfg->name);
			continue;
		}
		m->cur = *s;
		m->resultlen = -1;
		m->got = 0;
		set_state(m, LSN_BUSY);
		log_debug("event %lu sent to listener %s", s->e->serial,
		    m->p->cfg->name);
		return true;
	}
	return false;
}

static void
dispatch(struct lsn_pool *pl)
{
	struct lsn_slot	s;

	while (pl->n > 0) {
		s = pop_head(pl);
		if (!dispatch_one(pl, &s)) {
			/* Back where it was, with no log: nobody is ready. */
			pl->head = (pl->head + pl->cap - 1) % pl->cap;
			pl->buf[pl->head] = s;
			pl->n++;
			return;
		}
		overflow_end(pl);
	}
}

/*
 * supervisor's int() of the result line's length: blanks around, an
 * optional sign, digits (and single underscores between them).  -1 for
 * anything else, and for a negative length.
 */
static long long
result_len(const char *s, size_t len)
{
	size_t		 i = 0, end = len;
	long long	 v = 0;
	bool		 digit = false, neg = false;

	while (i < end && (s[i] == ' ' || s[i] == '\t' || s[i] == '\r' ||
	    s[i] == '\v' || s[i] == '\f'))
		i++;
	while (end > i && (s[end - 1] == ' ' || s[end - 1] == '\t' ||
	    s[end - 1] == '\r' || s[end - 1] == '\v' || s[end - 1] == '\f'))
		end--;
	if (i < end && (s[i] == '+' || s[i] == '-'))
		neg = s[i++] == '-';
	for (; i < end; i++) {
		if (s[i] == '_' && digit && i + 1 < end && s[i + 1] >= '0' &&
		    s[i + 1] <= '9')
			continue;
		if (s[i] < '0' || s[i] > '9' || v > LLONG_MAX / 10 - 10)
			return -1;
		v = v * 10 + (s[i] - '0');
		digit = true;
	}
	return digit && !(neg && v != 0) ? v : -1;
}

/* The result is in: supervisor's default_handler wants exactly OK. */
static void
result_done(struct lsn_member *m)
{
	const char *name = m->p->cfg->name;
	struct lsn_slot	s = m->cur;

	m->cur.e = NULL;
	m->resultlen = -1;
	if (m->got == 2 && memcmp(m->result, "OK", 2) == 0) {
		log_debug("%s: event was processed", name);
		set_state(m, LSN_ACKNOWLEDGED);
		evt_unref(s.e);
		return;
	}
	log_warnx("%s: event was rejected", name);
	set_state(m, LSN_ACKNOWLEDGED);
	if (s.e != NULL)
		accept_slot(m->pool, s, true);
}

/* What the listener wrote on its stdout, as handle_listener_state_change. */
static void
parse(struct lsn_member *m, const char *buf, size_t n)
{
	const char	*nl;
	size_t		 take;
	long long	 need;

	while (n > 0) {
		switch (m->st) {
		case LSN_UNKNOWN:
			goto out;
		case LSN_READY:
			/* Anything now is spurious: be strict about it. */
			m->llen = 0;
			set_state(m, LSN_UNKNOWN);
			goto out;
		case LSN_ACKNOWLEDGED:
			take = READY_LEN - m->llen;
			if (take > n)
				take = n;
			memcpy(m->line + m->llen, buf, take);
			m->llen += take;
			buf += take;
			n -= take;
			if (m->llen < READY_LEN)
				goto out;
			m->llen = 0;
			if (memcmp(m->line, READY_TOKEN, READY_LEN) != 0) {
				set_state(m, LSN_UNKNOWN);
				goto out;
			}
			set_state(m, LSN_READY);
			break;
		case LSN_BUSY:
			if (m->resultlen < 0) {
				nl = memchr(buf, '\n', n);
				take = nl != NULL ? (size_t)(nl - buf) : n;
				if (m->llen + take >= sizeof(m->line))
					goto bad;
				memcpy(m->line + m->llen, buf, take);
				m->llen += take;
				if (nl == NULL)
					goto out;
				buf += take + 1;
				n -= take + 1;
				if (m->llen < RESULT_START || (m->resultlen =
				    result_len(m->line + RESULT_START,
				    m->llen - RESULT_START)) < 0)
					goto bad;
				m->llen = 0;
				m->got = 0;
			}
			need = m->resultlen - m->got;
			take = (size_t)need < n ? (size_t)need : n;
			if (m->got < 2)
				memcpy(m->result + m->got, buf,
				    take < (size_t)(2 - m->got) ? take :
				    (size_t)(2 - m->got));
			m->got += (long long)take;
			buf += take;
			n -= take;
			if (m->got == m->resultlen)
				result_done(m);
			break;
		}
	}
out:
	/* This one READY, or a rejected event back for another. */
	dispatch(m->pool);
	check_idle(m->pool);
	return;
bad:
	m->line[m->llen < sizeof(m->line) ? m->llen : sizeof(m->line) - 1] =
	    '\0';
	log_warnx("%s: bad result line: '%.*s'", m->p->cfg->name,
	    (int)m->llen, m->line);
	m->llen = 0;
	m->resultlen = -1;
	set_state(m, LSN_UNKNOWN);
	rebuffer(m);
	dispatch(m->pool);
	check_idle(m->pool);
}

/*
 * Whether the pool still has events to deliver and a process that can
 * take them (RUNNING and not UNKNOWN, or one with an event in flight).
 */
static bool
pool_busy(const struct lsn_pool *pl)
{
	const struct lsn_member *m;
	bool		 pending = pl->n > 0, able = false;

	TAILQ_FOREACH(m, &pl->members, link) {
		if (m->cur.e != NULL)
			return true;
		if (m->p->state == SV_RUNNING && m->st != LSN_UNKNOWN)
			able = true;
	}
	return pending && able;
}

/* A shutdown step waits for this pool: go on once it has delivered. */
static void
check_idle(struct lsn_pool *pl)
{
	if (pl->holding && !pool_busy(pl)) {
		pl->holding = false;
		sup_resume(pl->l->s);
	}
}

/* ---------------------------------------------------------------- */
/* Pools and what the supervisor tells. */

static struct lsn_pool *
pool_find(const struct lsn *l, const char *name)
{
	struct lsn_pool	*pl;

	LIST_FOREACH(pl, &l->pools, link)
		if (strcmp(pl->name, name) == 0)
			return pl;
	return NULL;
}

static void
pool_free(struct lsn_pool *pl)
{
	if (pl == NULL)
		return;
	overflow_end(pl);
	while (pl->n > 0)
		evt_unref(pop_head(pl).e);
	free(pl->buf);
	free(pl->name);
	free(pl);
}

/*
 * Take events= and buffer_size= from a process's stanza (its pool's, the
 * stanza it was added or restarted with).  A smaller buffer keeps the
 * newest events.  -1 when memory ran out (nothing changed).
 */
static int
pool_configure(struct lsn_pool *pl, const struct cfg_program *c)
{
	struct lsn_slot	*nb;
	const char	*ev = c->events != NULL ? c->events : "", *end;
	char		 cls[64];
	size_t		 cap, i, len;
	uint32_t	 mask = 0;

	for (; *ev != '\0'; ev = *end != '\0' ? end + 1 : end) {
		if ((end = strchr(ev, ',')) == NULL)
			end = ev + strlen(ev);
		len = (size_t)(end - ev);
		if (len < sizeof(cls)) {
			memcpy(cls, ev, len);
			cls[len] = '\0';
			mask |= evt_class_mask(cls);
		}
	}
	cap = c->buffer_size > 0 ? (size_t)c->buffer_size : 1;
	if (cap != pl->cap) {
		if ((nb = calloc(cap, sizeof(*nb))) == NULL)
			return -1;
		while (pl->n > cap)
			evt_unref(pop_head(pl).e);
		for (i = 0; i < pl->n; i++)
			nb[i] = *slot_at(pl, i);
		free(pl->buf);
		pl->buf = nb;
		pl->cap = cap;
		pl->head = 0;
	}
	if (mask != pl->sub.mask) {
		pl->sub.mask = mask;
		evt_resubscribe(pl->l->bus);
	}
	return 0;
}

/*
 * p's membership, found by the program (its stanza may have changed
 * kind on a reload), which keeps it: every state change of every program
 * asks, so not a walk of every member.
 */
static struct lsn_member *
member_find(const struct lsn *l, const struct sv_program *p)
{
	struct lsn_member *m = p->lsn_member;

	return m != NULL && m->pool->l == l ? m : NULL;
}

/* p joins the pool of its stanza's group, made if it is the first. */
static struct lsn_member *
member_add(struct lsn *l, struct sv_program *p)
{
	struct lsn_pool	 *pl;
	struct lsn_member *m;
	bool		  fresh = false;

	if ((pl = pool_find(l, p->cfg->group)) == NULL) {
		if ((pl = calloc(1, sizeof(*pl))) == NULL ||
		    (pl->name = strdup(p->cfg->group)) == NULL) {
			free(pl);
			goto oom;
		}
		pl->l = l;
		pl->serial = ULONG_MAX;
		TAILQ_INIT(&pl->members);
		pl->sub.deliver = accept_cb;
		pl->sub.arg = pl;
		fresh = true;
	}
	if ((m = calloc(1, sizeof(*m))) == NULL ||
	    pool_configure(pl, p->cfg) == -1) {
		free(m);
		if (fresh)
			pool_free(pl);
		goto oom;
	}
	m->pool = pl;
	m->p = p;
	m->resultlen = -1;
	m->st = LSN_ACKNOWLEDGED;
	ev_io_init(&m->wio, wio_cb, -1, EV_WRITE);
	m->wio.data = m;
	TAILQ_INSERT_TAIL(&pl->members, m, link);
	p->lsn_member = m;
	if (fresh) {
		LIST_INSERT_HEAD(&l->pools, pl, link);
		evt_subscribe(l->bus, &pl->sub);
	}
	if (pl->sub.mask == 0)
		log_warnx("%s: its pool %s takes no event this daemon knows",
		    p->cfg->name, pl->name);
	return m;
oom:
	log_warnx("out of memory: %s gets no events", p->cfg->name);
	return NULL;
}

/* m leaves its pool, which goes with its last member. */
static void
member_remove(struct lsn *l, struct lsn_member *m)
{
	struct lsn_pool	*pl = m->pool;

	rebuffer(m);
	write_stop(m);
	TAILQ_REMOVE(&pl->members, m, link);
	if (m->p->lsn_member == m)
		m->p->lsn_member = NULL;
	free(m);
	if (TAILQ_EMPTY(&pl->members)) {
		LIST_REMOVE(pl, link);
		evt_unsubscribe(l->bus, &pl->sub);
		pool_free(pl);
	} else
		dispatch(pl);
}

static void
process_added(void *arg, struct sv_program *p)
{
	if (p->cfg->kind == CFG_KIND_EVENTLISTENER)
		(void)member_add(arg, p);
}

static void
process_removed(void *arg, struct sv_program *p)
{
	struct lsn_member *m;

	if ((m = member_find(arg, p)) != NULL)
		member_remove(arg, m);
}

static void
state_changed(void *arg, struct sv_program *p)
{
	struct lsn	 *l = arg;
	struct lsn_member *m = member_find(l, p);

	if (p->state == SV_STARTING) {
		/*
		 * A new process: a new dispatcher, ACKNOWLEDGED, with the
		 * pool as its stanza has it (a reload that changed events=
		 * restarts the pool's processes; one that made a listener a
		 * program, or the other way round, swapped the stanza at
		 * rest).
		 */
		if (m != NULL && p->cfg->kind != CFG_KIND_EVENTLISTENER) {
			member_remove(l, m);
			return;
		}
		if (m == NULL && (p->cfg->kind != CFG_KIND_EVENTLISTENER ||
		    (m = member_add(l, p)) == NULL))
			return;
		rebuffer(m);
		member_reset(m);
		(void)pool_configure(m->pool, p->cfg);
		return;
	}
	if (m == NULL)
		return;
	switch (p->state) {
	case SV_RUNNING:
		dispatch(m->pool);
		break;
	case SV_STOPPING:
		break;
	default:
		/* Reaped (or never spawned): what it had comes back. */
		write_stop(m);
		rebuffer(m);
		dispatch(m->pool);
		check_idle(m->pool);
		break;
	}
}

/*
 * Shutdown: a listener is stopped once its pool has delivered what it
 * holds (the stops of the programs stopped before it), as supervisor's
 * loop lets a listener answer between two groups' stops.
 */
static bool
holds(void *arg, struct sv_program *p)
{
	struct lsn	 *l = arg;
	struct lsn_member *m;

	if ((m = member_find(l, p)) == NULL || !pool_busy(m->pool))
		return false;
	m->pool->holding = true;
	return true;
}

static void
output(void *arg, struct sv_program *p, bool err, enum out_what what,
    const char *buf, size_t n)
{
	struct lsn	 *l = arg;
	struct lsn_member *m;

	if (err || what != OUT_RAW || (m = member_find(l, p)) == NULL)
		return;
	parse(m, buf, n);
}

int
lsn_init(struct lsn *l, struct supervisor *s, struct evt_bus *bus)
{
	const struct sup_observer obs = {
		.added = process_added, .removed = process_removed,
		.changed = state_changed, .output = output, .holds = holds,
		.arg = l
	};

	memset(l, 0, sizeof(*l));
	l->s = s;
	l->bus = bus;
	LIST_INIT(&l->pools);
	return sup_observe(s, &obs);
}

void
lsn_free(struct lsn *l)
{
	struct lsn_pool	 *pl;
	struct lsn_member *m;

	while ((pl = LIST_FIRST(&l->pools)) != NULL) {
		LIST_REMOVE(pl, link);
		while ((m = TAILQ_FIRST(&pl->members)) != NULL) {
			TAILQ_REMOVE(&pl->members, m, link);
			write_stop(m);
			evt_unref(m->cur.e);
			/* The programs outlive their pools (main.c). */
			if (m->p->lsn_member == m)
				m->p->lsn_member = NULL;
			free(m);
		}
		evt_unsubscribe(l->bus, &pl->sub);
		pool_free(pl);
	}
}
