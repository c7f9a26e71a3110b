/*
 * supervisor: the set of programs, its indexes, the shutdown (see
 * supervisor.h).  The programs' state machines (program.c) report every
 * change and every coming to rest here, through the shared context's
 * callbacks; this module keeps the pid index up to date from them, frees
 * removed programs and swaps changed stanzas in once at rest (from a
 * prepare watcher, never inside a state machine's callback), steps the
 * shutdown, and tells its observers.
 */
#include <sys/wait.h>

#include <errno.h>
#include <malloc.h>
#include <signal.h>
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <ev.h>

#include "libproc/reap.h"
#include "supervisord/config.h"
#include "supervisord/fcgi_sock.h"
#include "supervisord/log.h"
#include "supervisord/program.h"
#include "supervisord/supervisor.h"
#include "supervisord/strhash.h"

/* A program's place in the indexes. */
static void	on_wait(void *, struct sv_program *, bool);

struct sup_entry {
	struct sv_program *p;
	struct sup_entry *namenext;	/* chain of its name's bucket */
	struct sup_entry *pidnext;	/* chain of its pid's bucket */
	uint32_t	 hash;		/* of (group, name) */
	pid_t		 pid;		/* indexed under, or 0 */
};

static size_t
pid_bucket(const struct supervisor *s, pid_t pid)
{
	return ((uint32_t)pid * 2654435761u) & (s->cap - 1);
}

static struct sup_entry *
entry_of(const struct supervisor *s, const struct sv_program *p)
{
	struct sup_entry *e;
	uint32_t	 h = sh_pair(p->cfg->group, p->cfg->name);

	for (e = s->byname[h & (s->cap - 1)]; e != NULL; e = e->namenext)
		if (e->p == p)
			return e;
	return NULL;
}

static void
pid_unlink(struct supervisor *s, struct sup_entry *e)
{
	struct sup_entry **ep;

	if (e->pid == 0)
		return;
	for (ep = &s->bypid[pid_bucket(s, e->pid)]; *ep != NULL;
	    ep = &(*ep)->pidnext)
		if (*ep == e) {
			*ep = e->pidnext;
			break;
		}
	e->pid = 0;
	e->pidnext = NULL;
}

static void
pid_link(struct supervisor *s, struct sup_entry *e, pid_t pid)
{
	size_t	b;

	pid_unlink(s, e);
	if (pid <= 0)
		return;
	b = pid_bucket(s, pid);
	e->pid = pid;
	e->pidnext = s->bypid[b];
	s->bypid[b] = e;
}

/* Twice the buckets, every entry rehashed.  0 or -1 (then unchanged). */
static int
grow(struct supervisor *s)
{
	struct sup_entry **byname, **bypid, *e, *next;
	size_t		 cap = s->cap * 2, i, b;

	if ((byname = calloc(cap, sizeof(*byname))) == NULL)
		return -1;
	if ((bypid = calloc(cap, sizeof(*bypid))) == NULL) {
		free(byname);
		return -1;
	}
	for (i = 0; i < s->cap; i++)
		for (e = s->byname[i]; e != NULL; e = next) {
			next = e->namenext;
			b = e->hash & (cap - 1);
			e->namenext = byname[b];
			byname[b] = e;
			if (e->pid > 0) {
				b = ((uint32_t)e->pid * 2654435761u) &
				    (cap - 1);
				e->pidnext = bypid[b];
				bypid[b] = e;
			}
		}
	free(s->byname);
	free(s->bypid);
	s->byname = byname;
	s->bypid = bypid;
	s->cap = cap;
	return 0;
}

static int
index_add(struct supervisor *s, struct sv_program *p)
{
	struct sup_entry *e;
	size_t		 b;

	if (s->n + 1 > s->cap && grow(s) == -1)
		return -1;
	if ((e = calloc(1, sizeof(*e))) == NULL)
		return -1;
	e->p = p;
	e->hash = sh_pair(p->cfg->group, p->cfg->name);
	b = e->hash & (s->cap - 1);
	e->namenext = s->byname[b];
	s->byname[b] = e;
	pid_link(s, e, p->pid);
	return 0;
}

static void
index_del(struct supervisor *s, struct sv_program *p)
{
	struct sup_entry **ep, *e;

	if ((e = entry_of(s, p)) == NULL)
		return;
	pid_unlink(s, e);
	for (ep = &s->byname[e->hash & (s->cap - 1)]; *ep != NULL;
	    ep = &(*ep)->namenext)
		if (*ep == e) {
			*ep = e->namenext;
			break;
		}
	free(e);
}

static int
start_cmp(const struct sv_program *a, const struct sv_program *b)
{
	if (a->cfg->order != b->cfg->order)
		return a->cfg->order < b->cfg->order ? -1 : 1;
	return strcmp(a->cfg->name, b->cfg->name);
}

/*
 * Into the start order, looking from the end: programs mostly come in
 * that order already (a configuration is sorted), so this is O(1) then.
 */
static void
insert_ordered(struct supervisor *s, struct sv_program *p)
{
	struct sv_program *q;

	s->moves++;
	TAILQ_FOREACH_REVERSE(q, &s->programs, sv_list, entry) {
		if (start_cmp(q, p) <= 0) {
			TAILQ_INSERT_AFTER(&s->programs, q, p, entry);
			return;
		}
	}
	TAILQ_INSERT_HEAD(&s->programs, p, entry);
}

/* p, doomed or with a stanza pending, is to be settled once at rest. */
static void
settle_soon(struct supervisor *s, struct sv_program *p)
{
	if (!p->settling) {
		p->settling = true;
		TAILQ_INSERT_TAIL(&s->settling, p, settle_entry);
	}
	/*
	 * Before the loop next polls: not an ev_idle, which never runs
	 * while some pipe is always readable (a program that writes
	 * without pause), and still outside the state machine's callbacks.
	 */
	ev_prepare_start(s->loop, &s->settle);
}

static int
start_qcmp(const void *a, const void *b)
{
	return start_cmp(*(struct sv_program *const *)a,
	    *(struct sv_program *const *)b);
}

static void
settle_one(struct supervisor *s, struct sv_program *p)
{
	size_t	i;

	if (!sv_at_rest(p))
		return;			/* queued again when at rest */
	if (p->doomed) {
		if (p->rm_wait) {	/* came to rest by itself */
			p->rm_wait = false;
			s->nrm_wait--;
		}
		TAILQ_REMOVE(&s->programs, p, entry);
		s->n--;
		s->moves++;
		log_info("removed process '%s'", p->cfg->name);
		for (i = 0; i < s->nobs; i++)
			if (s->obs[i].removed != NULL)
				s->obs[i].removed(s->obs[i].arg, p);
		index_del(s, p);
		on_wait(s, p, false);
		sv_program_free(p);
	} else if (p->pending != NULL && !s->shutting_down) {
		sv_take_pending(p);
		TAILQ_REMOVE(&s->programs, p, entry);
		insert_ordered(s, p);
		if (p->cfg->autostart)
			sv_event(p, SV_EV_START);
	}
}

/*
 * The queued programs only, not a walk of every program per loop turn
 * that settles one (a reload that removes half of N would cost O(N^2)),
 * in start order, as they start again.
 */
static void
settle_cb(struct ev_loop *loop, ev_prepare *w, int revents)
{
	struct supervisor *s = w->data;
	struct sv_program *p, **v;
	size_t		 n, i;

	(void)revents;
	ev_prepare_stop(loop, w);
	while (!TAILQ_EMPTY(&s->settling)) {
		n = 0;
		TAILQ_FOREACH(p, &s->settling, settle_entry)
			n++;
		if ((v = calloc(n, sizeof(*v))) == NULL) {
			/* Out of memory: in the order they came to rest. */
			p = TAILQ_FIRST(&s->settling);
			TAILQ_REMOVE(&s->settling, p, settle_entry);
			p->settling = false;
			settle_one(s, p);
			continue;
		}
		for (i = 0; i < n; i++) {
			v[i] = p = TAILQ_FIRST(&s->settling);
			TAILQ_REMOVE(&s->settling, p, settle_entry);
			p->settling = false;
		}
		qsort(v, n, sizeof(*v), start_qcmp);
		for (i = 0; i < n; i++)
			settle_one(s, v[i]);
		free(v);
	}
	sup_trim_soon(s);
}

static void
trim_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	(void)loop;
	(void)w;
	(void)revents;
	(void)malloc_trim(0);
}

void
sup_trim_soon(struct supervisor *s)
{
	if (!ev_is_active(&s->trim))
		ev_timer_start(s->loop, &s->trim);
}

static bool	holds(struct supervisor *, struct sv_program *);
static void	hold_cb(struct ev_loop *, ev_timer *, int);
static bool	orphans_check(struct supervisor *);
static bool	on_list(const struct supervisor *, const struct sv_program *);
static void	orphans_cb(struct ev_loop *, ev_timer *, int);
static void	reap_cb(struct ev_loop *, ev_idle *, int);

/*
 * A step holds back (held) or not: one deadline for a wait however many
 * times it is resumed and held again, no timer once nothing waits.
 */
static void
hold_arm(struct supervisor *s, bool held)
{
	ev_tstamp	now = ev_now(s->loop);

	if (!held) {
		ev_timer_stop(s->loop, &s->hold);
		s->resumed = false;
		s->hold_until = 0;
		return;
	}
	if (ev_is_active(&s->hold) && !s->resumed)
		return;
	ev_timer_stop(s->loop, &s->hold);
	s->resumed = false;
	if (s->hold_until == 0)
		s->hold_until = now + SUP_HOLD_SECS;
	ev_timer_set(&s->hold, s->hold_until > now ? s->hold_until - now :
	    0., 0.);
	ev_timer_start(s->loop, &s->hold);
}

/*
 * The processes with depends_on= that are not at rest (only those a
 * reload removed, when doomed): what they need stops after them.  NULL,
 * *n 0, when there are none or memory ran out (then by priority alone).
 */
static struct sv_program **
dependents(struct supervisor *s, bool doomed, size_t *n)
{
	struct sv_program *p, **v = NULL, **nv;

	*n = 0;
	TAILQ_FOREACH(p, &s->programs, entry) {
		if (p->cfg->depends_on == NULL || sv_at_rest(p) ||
		    (doomed && !p->doomed))
			continue;
		if ((nv = reallocarray(v, *n + 1, sizeof(*nv))) == NULL) {
			free(v);
			*n = 0;
			return NULL;
		}
		v = nv;
		v[(*n)++] = p;
	}
	return v;
}

/*
 * Whether a process that depends on p (in deps, see dependents) still
 * runs: p then stops after it.
 */
static bool
needed(const struct sv_program *p, struct sv_program **deps, size_t ndeps)
{
	const char	*cur;
	struct cfg_dep	 d;
	size_t		 i;

	for (i = 0; i < ndeps; i++) {
		if (deps[i] == p || sv_at_rest(deps[i]))
			continue;
		cur = deps[i]->cfg->depends_on;
		while (cfg_dep_next(&cur, &d) == 1)
			if (cfg_dep_match(&d, p->cfg))
				return true;
	}
	return false;
}

/*
 * The processes a reload removed whose stop waits (rm_wait): each stops
 * once no removed process that depends on it still runs, the dependents
 * first, as at a shutdown.  A process kept by the reload is no reason to
 * wait: it may depend on a group that lost a member.
 */
static void
rm_kick_cb(struct ev_loop *loop, ev_prepare *w, int revents)
{
	struct supervisor *s = w->data;
	struct sv_program *p, **deps;
	size_t		 ndeps;

	(void)revents;
	ev_prepare_stop(loop, w);
	if (s->nrm_wait == 0 || s->shutting_down)
		return;			/* a shutdown orders them itself */
	deps = dependents(s, true, &ndeps);
	TAILQ_FOREACH(p, &s->programs, entry) {
		if (!p->rm_wait || needed(p, deps, ndeps))
			continue;
		p->rm_wait = false;
		s->nrm_wait--;
		sv_event(p, SV_EV_STOP);
	}
	free(deps);
}

/*
 * One step of the shutdown: stop every process of the highest priority
 * value still up, all at once, but those a running process depends on;
 * the next step runs when they are at rest.
 */
static void
shutdown_step(struct supervisor *s)
{
	struct sv_program *p, **deps;
	size_t		 ndeps;
	bool		 any, held;
	int		 prio = 0;

	if (s->in_step) {
		s->step_again = true;
		return;
	}
	s->in_step = true;
	deps = dependents(s, false, &ndeps);
	do {
		s->step_again = false;
		any = false;
		TAILQ_FOREACH(p, &s->programs, entry) {
			if (sv_at_rest(p) || needed(p, deps, ndeps))
				continue;
			if (!any || p->cfg->order > prio)
				prio = p->cfg->order;
			any = true;
		}
		/* Only what others need is left: a cycle the reader would
		 * have refused; by priority alone then. */
		if (!any && ndeps > 0) {
			ndeps = 0;
			TAILQ_FOREACH(p, &s->programs, entry) {
				if (sv_at_rest(p))
					continue;
				if (!any || p->cfg->order > prio)
					prio = p->cfg->order;
				any = true;
			}
		}
		if (!any) {
			if (!orphans_check(s))
				ev_break(s->loop, EVBREAK_ALL);
			break;
		}
		held = false;
		s->step_prio = prio;
		s->step_busy = 0;
		TAILQ_FOREACH(p, &s->programs, entry) {
			if (p->cfg->order != prio || sv_at_rest(p) ||
			    needed(p, deps, ndeps))
				continue;
			if (p->state != SV_STOPPING) {
				if (holds(s, p))
					held = true;
				else
					sv_event(p, SV_EV_STOP);
			}
			/* A BACKOFF process is at rest at once. */
			if (!sv_at_rest(p))
				s->step_busy++;
		}
		hold_arm(s, held);
	} while (s->step_again);
	s->in_step = false;
	free(deps);
}

/* Whether an observer holds p's stop back (its listener pool is still
 * delivering), unless the wait has lasted long enough. */
static bool
holds(struct supervisor *s, struct sv_program *p)
{
	size_t	i;

	if (s->hold_expired)
		return false;
	for (i = 0; i < s->nobs; i++)
		if (s->obs[i].holds != NULL && s->obs[i].holds(s->obs[i].arg,
		    p))
			return true;
	return false;
}

static void
hold_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct supervisor *s = w->data;

	(void)loop;
	(void)revents;
	if (!s->resumed) {
		s->hold_expired = true;
		log_warnx("event listeners still had events to take after "
		    "%.0f s: stopping them", SUP_HOLD_SECS);
	}
	s->resumed = false;
	shutdown_step(s);
}

void
sup_resume(struct supervisor *s)
{
	if (!s->shutting_down || !ev_is_active(&s->hold) || s->resumed)
		return;
	ev_timer_stop(s->loop, &s->hold);
	s->resumed = true;
	ev_timer_set(&s->hold, 0., 0.);
	ev_timer_start(s->loop, &s->hold);
}

/* program.c: p came to rest. */
static void
on_rest(void *arg, struct sv_program *p)
{
	struct supervisor *s = arg;

	if (s->shutting_down) {
		/*
		 * The next step once the last of this one's processes is at
		 * rest, not a walk of every program per process stopped: a
		 * shutdown of N would cost O(N^2).  A process of another
		 * priority value changes nothing here (one of a higher value,
		 * up again somehow, gets a step: it would be stopped first).
		 */
		if (!s->in_step && p->cfg->order < s->step_prio)
			return;
		if (!s->in_step && p->cfg->order == s->step_prio &&
		    s->step_busy > 1) {
			s->step_busy--;
			return;
		}
		shutdown_step(s);
	} else if (p->doomed || p->pending != NULL) {
		settle_soon(s, p);
		/* It may be what a removed process waited for. */
		if (p->doomed && s->nrm_wait > 0 && p->cfg->depends_on != NULL)
			ev_prepare_start(s->loop, &s->rm_kick);
	}
}

/* program.c: p was spawned, or its pid is gone; index what it is now. */
static void
on_pid(void *arg, struct sv_program *p)
{
	struct supervisor *s = arg;
	struct sup_entry *e;

	if ((e = entry_of(s, p)) != NULL && e->pid != p->pid)
		pid_link(s, e, p->pid);
}

/*
 * p's process was sent its stop signal: sup_reap waits for its pid first.
 * Past SUP_NSTOPPED at once (a shutdown) the scan finds the rest.
 */
static void
stopped_add(struct supervisor *s, pid_t pid)
{
	size_t	i;

	for (i = 0; i < s->nstopped; i++)
		if (s->stopped[i] == pid)
			return;
	if (s->nstopped < SUP_NSTOPPED)
		s->stopped[s->nstopped++] = pid;
}

static void
stopped_del(struct supervisor *s, pid_t pid)
{
	size_t	i;

	for (i = 0; i < s->nstopped; i++)
		if (s->stopped[i] == pid) {
			s->stopped[i] = s->stopped[--s->nstopped];
			return;
		}
}

/*
 * An essential program ended for good: the daemon stops everything in
 * order and exits with its status (its exit code, 128 + a signal's
 * number, 1 for FATAL).  The shutdown starts at the next loop turn, out
 * of the state change being told.
 */
static void
essential_ended(struct supervisor *s, struct sv_program *p)
{
	char	text[128];

	if (p->state == SV_FATAL) {
		s->exit_status = 1;
		log_warnx("essential %s is FATAL: stopping everything, exit "
		    "status 1", p->cfg->name);
	} else {
		if (WIFSIGNALED(p->status))
			s->exit_status = 128 + WTERMSIG(p->status);
		else
			s->exit_status = WEXITSTATUS(p->status);
		log_warnx("essential %s exited for good (%s): stopping "
		    "everything, exit status %d", p->cfg->name,
		    proc_exit_text(p->status, text, sizeof(text)),
		    s->exit_status);
	}
	ev_idle_start(s->loop, &s->essential);
}

static void
essential_cb(struct ev_loop *loop, ev_idle *w, int revents)
{
	(void)revents;
	ev_idle_stop(loop, w);
	sup_shutdown(w->data);
}

/*
 * depends_on=: whether p's dependencies hold (see sv_ctx.deps_check).
 * What p waits for and is not on its way up is started, autostart or
 * not, as systemd's Requires= does.
 */
static int
deps_check(void *arg, struct sv_program *p, char *why, size_t len)
{
	struct supervisor *s = arg;
	struct sv_program *q;
	const char	*cur = p->cfg->depends_on;
	struct cfg_dep	 d;
	bool		 hold = true, ok;

	while (cur != NULL && cfg_dep_next(&cur, &d) == 1) {
		TAILQ_FOREACH(q, &s->programs, entry) {
			if (q == p || q->doomed || !cfg_dep_match(&d, q->cfg))
				continue;
			if (q->state == SV_FATAL) {
				snprintf(why, len, "dependency %s is FATAL",
				    d.name);
				return -1;
			}
			if (d.want == CFG_DEP_RUNNING)
				ok = q->state == SV_RUNNING;
			else
				ok = q->state == SV_EXITED && q->expected;
			if (ok)
				continue;
			if (hold)
				snprintf(why, len, "waiting for %s%s", d.name,
				    d.want == CFG_DEP_EXITED ? " to exit" : "");
			hold = false;
			/* Not on its way: up it goes (an :exited one only
			 * if it never ran). */
			if (!q->want_up && !q->dep_wait && !s->shutting_down &&
			    (d.want == CFG_DEP_RUNNING || q->laststart == 0) &&
			    (q->state == SV_STOPPED || q->state == SV_EXITED))
				sv_event(q, SV_EV_START);
		}
	}
	return hold ? 1 : 0;
}

static void
on_wait(void *arg, struct sv_program *p, bool on)
{
	struct supervisor *s = arg;
	struct sv_program **v;
	size_t		 i;

	for (i = 0; i < s->nwaiters; i++)
		if (s->waiters[i] == p) {
			if (!on)
				s->waiters[i] = s->waiters[--s->nwaiters];
			return;
		}
	if (!on)
		return;
	if ((v = reallocarray(s->waiters, s->nwaiters + 1,
	    sizeof(*v))) == NULL) {
		log_crit("%s: out of memory: its start will not come",
		    p->cfg->name);
		return;
	}
	s->waiters = v;
	s->waiters[s->nwaiters++] = p;
}

/* After a change: the waiting starts tried again, out of the change. */
static void
deps_kick_cb(struct ev_loop *loop, ev_idle *w, int revents)
{
	struct supervisor *s = w->data;
	struct sv_program **v;
	size_t		 i, n = s->nwaiters;

	(void)revents;
	ev_idle_stop(loop, w);
	if (n == 0 || s->shutting_down)
		return;
	/* A snapshot: each try may end a wait or begin another. */
	if ((v = malloc(n * sizeof(*v))) == NULL)
		return;
	memcpy(v, s->waiters, n * sizeof(*v));
	for (i = 0; i < n; i++) {
		/* Still waiting (a stop or a removal may have ended it). */
		if (on_list(s, v[i]) && v[i]->dep_wait && v[i]->want_up)
			sv_event(v[i], SV_EV_START);
	}
	free(v);
}

/* Whether p still waits, by the list (a freed one has left it). */
static bool
on_list(const struct supervisor *s, const struct sv_program *p)
{
	size_t	i;

	for (i = 0; i < s->nwaiters; i++)
		if (s->waiters[i] == p)
			return true;
	return false;
}

bool
sup_cancel_start(struct supervisor *s, struct sv_program *p)
{
	(void)s;
	if (!p->dep_wait)
		return false;
	sv_event(p, SV_EV_STOP);
	return true;
}

/* program.c: p changed state. */
static void
on_change(void *arg, struct sv_program *p)
{
	struct supervisor *s = arg;
	size_t		 i;

	on_pid(s, p);
	if (p->state == SV_STOPPING && p->pid > 0)
		stopped_add(s, p->pid);
	if (p->cfg->essential && !s->shutting_down && sv_ended(p) &&
	    !ev_is_active(&s->essential))
		essential_ended(s, p);
	/* What waits may wait for p. */
	if (s->nwaiters > 0 && (p->state == SV_RUNNING ||
	    p->state == SV_EXITED || p->state == SV_FATAL))
		ev_idle_start(s->loop, &s->deps_kick);
	for (i = 0; i < s->nobs; i++)
		if (s->obs[i].changed != NULL)
			s->obs[i].changed(s->obs[i].arg, p);
}

/* program.c: one of p's streams handed something over. */
static void
on_output(void *arg, struct sv_program *p, bool err, enum out_what what,
    const char *buf, size_t n)
{
	struct supervisor *s = arg;
	size_t		 i;

	for (i = 0; i < s->nobs; i++)
		if (s->obs[i].output != NULL)
			s->obs[i].output(s->obs[i].arg, p, err, what, buf, n);
}

/*
 * program.c: p, of an [fcgi-program:x], spawns: its section's socket
 * (p->cfg's: a program that a [group:y] lists has one too, unlike in
 * supervisor 4.2.5, which silently gives it none).
 */
static int
sock_get(void *arg, struct sv_program *p)
{
	struct supervisor *s = arg;

	return fcgi_get(&s->socks, p->cfg);
}

/* program.c: p's process is gone (or never came). */
static void
sock_put(void *arg, struct sv_program *p)
{
	struct supervisor *s = arg;

	fcgi_put(&s->socks, p->cfg);
}

int
sup_init(struct supervisor *s, struct ev_loop *loop, struct cfg *cfg)
{
	memset(s, 0, sizeof(*s));
	s->loop = loop;
	s->cfg = cfg;
	s->started = time(NULL);
	TAILQ_INIT(&s->programs);
	LIST_INIT(&s->socks.head);
	s->cap = 64;
	s->byname = calloc(s->cap, sizeof(*s->byname));
	s->bypid = calloc(s->cap, sizeof(*s->bypid));
	if (s->byname == NULL || s->bypid == NULL) {
		free(s->byname);
		free(s->bypid);
		return -1;
	}
	TAILQ_INIT(&s->settling);
	sv_fdq_init(&s->fdq, loop);
	ev_prepare_init(&s->settle, settle_cb);
	s->settle.data = s;
	ev_prepare_init(&s->rm_kick, rm_kick_cb);
	s->rm_kick.data = s;
	ev_timer_init(&s->trim, trim_cb, SUP_TRIM_SECS, 0.);
	/* At the highest priority, an idle watcher runs at the next loop
	 * turn whatever else is pending, after its prepare watchers. */
	ev_idle_init(&s->reap, reap_cb);
	ev_set_priority(&s->reap, EV_MAXPRI);
	s->reap.data = s;
	ev_init(&s->hold, hold_cb);
	s->hold.data = s;
	ev_init(&s->orphans, orphans_cb);
	s->orphans.data = s;
	ev_idle_init(&s->deps_kick, deps_kick_cb);
	ev_set_priority(&s->deps_kick, EV_MAXPRI);
	s->deps_kick.data = s;
	ev_idle_init(&s->essential, essential_cb);
	ev_set_priority(&s->essential, EV_MAXPRI);
	s->essential.data = s;
	return 0;
}

void
sup_free(struct supervisor *s)
{
	struct sv_program *p;

	ev_prepare_stop(s->loop, &s->settle);
	ev_prepare_stop(s->loop, &s->rm_kick);
	ev_timer_stop(s->loop, &s->trim);
	ev_idle_stop(s->loop, &s->reap);
	ev_timer_stop(s->loop, &s->hold);
	ev_timer_stop(s->loop, &s->orphans);
	ev_idle_stop(s->loop, &s->essential);
	ev_idle_stop(s->loop, &s->deps_kick);
	free(s->waiters);
	s->waiters = NULL;
	s->nwaiters = 0;
	free(s->termed);
	s->termed = NULL;
	s->ntermed = 0;
	sv_fdq_close(&s->fdq);
	TAILQ_INIT(&s->settling);
	while ((p = TAILQ_FIRST(&s->programs)) != NULL) {
		TAILQ_REMOVE(&s->programs, p, entry);
		index_del(s, p);
		sv_program_free(p);
	}
	s->n = 0;
	fcgi_close_all(&s->socks);
	free(s->byname);
	free(s->bypid);
	s->byname = s->bypid = NULL;
	cfg_free(s->cfg);
	s->cfg = NULL;
}

int
sup_observe(struct supervisor *s, const struct sup_observer *o)
{
	if (s->nobs == SUP_MAXOBS) {
		errno = ENOSPC;
		return -1;
	}
	s->obs[s->nobs++] = *o;
	return 0;
}

void
sup_set_ctx(struct supervisor *s, char **env,
    const struct proc_rlimit *rlimits, size_t nrlimits,
    const char *serverurl)
{
	struct sv_ctx	*c = &s->ctx;
	size_t		 i;

	memset(c, 0, sizeof(*c));
	c->loop = s->loop;
	c->environ = env;
	c->childlogdir = s->cfg->sd.childlogdir;
	c->identifier = s->cfg->sd.identifier;
	c->serverurl = serverurl;
	for (i = 0; i < nrlimits && i < sizeof(c->rlimits) /
	    sizeof(c->rlimits[0]); i++)
		c->rlimits[i] = rlimits[i];
	c->nrlimits = i;
	c->on_rest = on_rest;
	c->on_change = on_change;
	c->on_pid = on_pid;
	c->on_output = on_output;
	c->sock_get = sock_get;
	c->sock_put = sock_put;
	c->fdq = &s->fdq;
	c->deps_check = deps_check;
	c->on_wait = on_wait;
	c->arg = s;
}

void
sup_set_cfg(struct supervisor *s, struct cfg *cfg)
{
	if (s->cfg != cfg) {
		cfg_free(s->cfg);
		s->cfg_gen++;
	}
	s->cfg = cfg;
	s->ctx.childlogdir = cfg->sd.childlogdir;
	s->ctx.identifier = cfg->sd.identifier;
}

struct sv_program *
sup_add(struct supervisor *s, struct cfg_program *cfg, bool start)
{
	struct sv_program *p;
	size_t		 i;

	if ((p = sv_program_new(&s->ctx, cfg)) == NULL) {
		log_crit("couldn't create program %s: out of memory",
		    cfg->name);
		cfg_program_free(cfg);
		return NULL;
	}
	if (index_add(s, p) == -1) {
		log_crit("couldn't create program %s: out of memory",
		    p->cfg->name);
		sv_program_free(p);
		return NULL;
	}
	insert_ordered(s, p);
	s->n++;
	for (i = 0; i < s->nobs; i++)
		if (s->obs[i].added != NULL)
			s->obs[i].added(s->obs[i].arg, p);
	if (start && p->cfg->autostart && !s->shutting_down)
		sv_event(p, SV_EV_START);
	return p;
}

int
sup_check_sockets(struct supervisor *s, char *err, size_t len)
{
	const struct cfg_program *c;
	char		 why[256];
	size_t		 i, j;
	int		 fd;

	for (i = 0; i < s->cfg->nprograms; i++) {
		if ((c = s->cfg->programs[i]) == NULL || c->socket == NULL)
			continue;
		/* Once per section: its processes share the socket. */
		for (j = 0; j < i; j++)
			if (s->cfg->programs[j] != NULL &&
			    s->cfg->programs[j]->socket != NULL &&
			    strcmp(s->cfg->programs[j]->section,
			    c->section) == 0)
				break;
		if (j < i || fcgi_refs(&s->socks, c) > 0)
			continue;
		if ((fd = fcgi_open(c, why, sizeof(why))) == -1) {
			snprintf(err, len, "[%s] Could not create FastCGI "
			    "socket %s: %s", c->section, c->socket, why);
			return -1;
		}
		(void)close(fd);
	}
	return 0;
}

void
sup_add_all(struct supervisor *s)
{
	struct sv_program *p;
	struct cfg_program *cp;
	size_t		 i;

	for (i = 0; i < s->cfg->nprograms; i++) {
		if ((cp = s->cfg->programs[i]) == NULL)
			continue;
		s->cfg->programs[i] = NULL;	/* moved */
		(void)sup_add(s, cp, false);
	}
	for (i = 0; i < s->nobs; i++)
		if (s->obs[i].running != NULL)
			s->obs[i].running(s->obs[i].arg);
	TAILQ_FOREACH(p, &s->programs, entry)
		if (p->cfg->autostart)
			sv_event(p, SV_EV_START);
}

void
sup_remove(struct supervisor *s, struct sv_program *p)
{
	if (p->doomed)
		return;
	p->doomed = true;
	if (sv_at_rest(p))
		settle_soon(s, p);
	else {
		/* Stopped once the reload has marked all it removes: after
		 * those of them that depend on it (rm_kick_cb). */
		p->rm_wait = true;
		s->nrm_wait++;
		ev_prepare_start(s->loop, &s->rm_kick);
	}
}

void
sup_keep(struct supervisor *s, struct sv_program *p)
{
	if (p->rm_wait) {
		p->rm_wait = false;
		s->nrm_wait--;
	}
	/* Kept while stopping: what it depended on need not wait for it. */
	if (p->doomed && s->nrm_wait > 0)
		ev_prepare_start(s->loop, &s->rm_kick);
	p->doomed = false;
}

void
sup_update(struct supervisor *s, struct sv_program *p,
    struct cfg_program *cfg)
{
	bool	moved = p->cfg->order != cfg->order;

	cfg_program_free(p->cfg);
	p->cfg = cfg;			/* moved */
	p->out.owner = p->err.owner = cfg->name;
	/*
	 * The priority may have moved it in the start order (the name is
	 * the same): only then a walk, not for every policy change.
	 */
	if (moved) {
		TAILQ_REMOVE(&s->programs, p, entry);
		insert_ordered(s, p);
	}
}

void
sup_replace(struct supervisor *s, struct sv_program *p,
    struct cfg_program *cfg)
{
	cfg_program_free(p->pending);
	p->pending = cfg;		/* moved: swapped in at rest */
	if (sv_at_rest(p))
		settle_soon(s, p);
	else
		sv_event(p, SV_EV_STOP);
}

bool
sup_running_state(const struct sv_program *p)
{
	return p->state == SV_RUNNING || p->state == SV_BACKOFF ||
	    p->state == SV_STARTING;
}

bool
sup_start(struct supervisor *s, struct sv_program *p)
{
	/* supervisor cannot spawn a STOPPING process either. */
	if (s->shutting_down || sup_running_state(p) ||
	    p->state == SV_STOPPING)
		return false;
	sv_event(p, SV_EV_START);
	return true;
}

bool
sup_stoppable(const struct sv_program *p)
{
	return sup_running_state(p) || p->fd_wait;
}

bool
sup_stop(struct supervisor *s, struct sv_program *p)
{
	(void)s;
	if (!sup_stoppable(p))
		return false;
	sv_event(p, SV_EV_STOP);
	return true;
}

int
sup_signal(struct supervisor *s, struct sv_program *p, int sig)
{
	(void)s;
	if (p->pid <= 0 || (p->state != SV_RUNNING &&
	    p->state != SV_STARTING && p->state != SV_STOPPING)) {
		errno = ESRCH;
		return -1;
	}
	return kill(p->pid, sig);
}

struct sv_program *
sup_find_pid(const struct supervisor *s, pid_t pid)
{
	struct sup_entry *e;

	if (pid <= 0)
		return NULL;
	for (e = s->bypid[pid_bucket(s, pid)]; e != NULL; e = e->pidnext)
		if (e->pid == pid)
			return e->p;
	return NULL;
}

struct sv_program *
sup_find(const struct supervisor *s, const char *group, const char *name)
{
	struct sup_entry *e;
	uint32_t	 h = sh_pair(group, name);

	for (e = s->byname[h & (s->cap - 1)]; e != NULL; e = e->namenext)
		if (e->hash == h && strcmp(e->p->cfg->group, group) == 0 &&
		    strcmp(e->p->cfg->name, name) == 0)
			return e->p;
	return NULL;
}

bool
sup_group_exists(const struct supervisor *s, const char *group)
{
	struct sv_program *p;

	TAILQ_FOREACH(p, &s->programs, entry)
		if (strcmp(p->cfg->group, group) == 0)
			return true;
	return false;
}

static int
lexical_cmp(const void *a, const void *b)
{
	const struct sv_program *p = *(struct sv_program *const *)a;
	const struct sv_program *q = *(struct sv_program *const *)b;
	int	r;

	if ((r = strcmp(p->cfg->group, q->cfg->group)) != 0)
		return r;
	return strcmp(p->cfg->name, q->cfg->name);
}

struct sv_program **
sup_snapshot(const struct supervisor *s, bool live_only, size_t *np)
{
	struct sv_program **v, *p;
	size_t		 n = 0;

	*np = 0;
	if ((v = calloc(s->n + 1, sizeof(*v))) == NULL)
		return NULL;
	TAILQ_FOREACH(p, &s->programs, entry)
		if (!live_only || !p->doomed)
			v[n++] = p;
	if (n > 1)
		qsort(v, n, sizeof(*v), lexical_cmp);
	*np = n;
	return v;
}

void
sup_split_namespec(const char *spec, char *gbuf, size_t glen, char *nbuf,
    size_t nlen, const char **name)
{
	const char *colon = strchr(spec, ':');

	if (colon == NULL) {
		snprintf(gbuf, glen, "%s", spec);
		snprintf(nbuf, nlen, "%s", spec);
		*name = nbuf;
		return;
	}
	snprintf(gbuf, glen, "%.*s", (int)(colon - spec), spec);
	snprintf(nbuf, nlen, "%s", colon + 1);
	*name = nbuf[0] == '\0' || strcmp(nbuf, "*") == 0 ? NULL : nbuf;
}

void
sup_reaped(struct supervisor *s, pid_t pid, int status)
{
	struct sv_program *p;
	struct sup_entry *e;
	char		 text[128];

	stopped_del(s, pid);
	if ((p = sup_find_pid(s, pid)) == NULL) {
		/* An orphan we adopted as subreaper. */
		log_debug("reaped unknown pid %d (%s)", (int)pid,
		    proc_exit_text(status, text, sizeof(text)));
		if (s->orphan_phase > 0 && !orphans_check(s))
			ev_break(s->loop, EVBREAK_ALL);
		return;
	}
	/* The pid is gone from now on, whatever state follows. */
	if ((e = entry_of(s, p)) != NULL)
		pid_unlink(s, e);
	sv_exit(p, status);
}

/*
 * The daemon's children as the kernel lists them (zombies too) into *vp:
 * 0, or -1 where it does not (no /proc, a kernel without
 * CONFIG_PROC_CHILDREN) or memory ran out.
 */
static int
children_now(pid_t **vp, size_t *np)
{
	char	 path[64];
	FILE	*f;
	pid_t	*v = NULL, *nv;
	size_t	 n = 0, cap = 0;
	int	 pid;

	*vp = NULL;
	*np = 0;
	/* The main thread's: the one that spawns. */
	snprintf(path, sizeof(path), "/proc/self/task/%d/children",
	    (int)getpid());
	if ((f = fopen(path, "re")) == NULL)
		return -1;
	while (fscanf(f, "%d", &pid) == 1) {
		if (n == cap) {
			cap = cap == 0 ? 16 : cap * 2;
			if ((nv = reallocarray(v, cap, sizeof(*v))) == NULL) {
				free(v);
				fclose(f);
				return -1;
			}
			v = nv;
		}
		v[n++] = pid;
	}
	fclose(f);
	*vp = v;
	*np = n;
	return 0;
}

/* The longest stopwaitsecs of the programs: the adopted ones' grace. */
static double
orphans_grace(const struct supervisor *s)
{
	const struct sv_program *p;
	int	 most = -1;

	TAILQ_FOREACH(p, &s->programs, entry)
		if (p->cfg->stopwaitsecs > most)
			most = p->cfg->stopwaitsecs;
	return most >= 0 ? most : 10;	/* supervisor's default */
}

static bool
termed(const struct supervisor *s, pid_t pid)
{
	size_t	i;

	for (i = 0; i < s->ntermed; i++)
		if (s->termed[i] == pid)
			return true;
	return false;
}

/*
 * Every program is at rest at the end of a shutdown; what is left among
 * the daemon's children it adopted as subreaper: the programs' own
 * children whose parents went first.  They get SIGTERM (each once),
 * SIGKILL after the longest stopwaitsecs, so that nothing the daemon
 * started outlives it.  Whether any is left to wait for; called again at
 * each of their reaps.  Signalled by pid: a child's pid is not reused
 * until it is reaped, here.
 */
static bool
orphans_check(struct supervisor *s)
{
	pid_t	*v, *nt;
	size_t	 n, i, sent = 0;

	if (children_now(&v, &n) == -1 || n == 0) {
		free(v);
		if (s->orphan_phase > 0)
			ev_timer_stop(s->loop, &s->orphans);
		return false;
	}
	if (s->orphan_phase == 0) {
		s->orphan_phase = 1;
		ev_timer_set(&s->orphans, orphans_grace(s), 0.);
		ev_timer_start(s->loop, &s->orphans);
	}
	for (i = 0; i < n; i++) {
		if (s->orphan_phase == 2) {
			(void)kill(v[i], SIGKILL);
			continue;
		}
		if (termed(s, v[i]))
			continue;
		if ((nt = reallocarray(s->termed, s->ntermed + 1,
		    sizeof(*nt))) != NULL) {
			s->termed = nt;
			s->termed[s->ntermed++] = v[i];
		}
		(void)kill(v[i], SIGTERM);
		sent++;
	}
	if (sent > 0)
		log_info("stopping %zu adopted process%s (SIGTERM)", sent,
		    sent == 1 ? "" : "es");
	free(v);
	return true;
}

static void
orphans_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct supervisor *s = w->data;
	pid_t	*v;
	size_t	 n = 0;

	(void)revents;
	if (children_now(&v, &n) == -1)
		n = 0;
	free(v);
	if (n > 0 && s->orphan_phase == 1) {
		log_warnx("killing %zu adopted process%s (SIGKILL): still "
		    "there after %.0f s", n, n == 1 ? "" : "es",
		    orphans_grace(s));
		s->orphan_phase = 2;
		/* SIGKILL is sure, but not at once for a process in D. */
		ev_timer_set(w, SUP_ORPHAN_KILL_SECS, 0.);
		ev_timer_start(loop, w);
		(void)orphans_check(s);
		return;
	}
	if (n > 0)
		log_warnx("%zu adopted process%s still there after SIGKILL: "
		    "exiting without them", n, n == 1 ? " is" : "es are");
	ev_break(loop, EVBREAK_ALL);
}

/* Every exited child, by the kernel's walk of them all. */
static void
reap_all(struct supervisor *s)
{
	pid_t	pid;
	int	status;

	while ((pid = proc_reap(&status)) > 0)
		sup_reaped(s, pid, status);
}

static void
reap_cb(struct ev_loop *loop, ev_idle *w, int revents)
{
	(void)revents;
	ev_idle_stop(loop, w);
	reap_all(w->data);
}

void
sup_reap(struct supervisor *s)
{
	pid_t	pid;
	int	status;
	size_t	i;
	bool	found = false;

	for (i = 0; i < s->nstopped;) {
		if ((pid = proc_reap_pid(s->stopped[i], &status)) == 0) {
			i++;
			continue;
		}
		/* Reaped, or no child of ours any more (the scan took it). */
		s->stopped[i] = s->stopped[--s->nstopped];
		if (pid > 0) {
			found = true;
			sup_reaped(s, pid, status);
		}
	}
	/*
	 * One signal may stand for several exits: the scan must still run,
	 * but a stopped process found is usually the one signalled for, and
	 * its restart is not to wait behind a walk of thousands.
	 */
	if (found)
		ev_idle_start(s->loop, &s->reap);
	else
		reap_all(s);
}

void
sup_shutdown(struct supervisor *s)
{
	struct sv_program *p;
	size_t		 i;

	if (s->shutting_down)
		return;
	s->shutting_down = true;
	sv_fdq_close(&s->fdq);
	for (i = 0; i < s->nobs; i++)
		if (s->obs[i].stopping != NULL)
			s->obs[i].stopping(s->obs[i].arg);
	/* No program starts again from now on, as supervisor's mood. */
	TAILQ_FOREACH(p, &s->programs, entry)
		p->want_up = false;
	shutdown_step(s);
}

void
sup_reopen_logs(struct supervisor *s)
{
	struct sv_program *p;

	TAILQ_FOREACH(p, &s->programs, entry)
		sv_reopen_logs(p);
}
