/*
 * rpc_core: the API's shared machinery (see rpc_core.h): arguments,
 * faults, names, the process info struct, items and their waits, the
 * wake-ups, snapshots of the processes.
 */
#include <sys/queue.h>
#include <sys/types.h>
#include <sys/wait.h>

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <ev.h>

#include "supervisord/config.h"
#include "supervisord/output.h"
#include "supervisord/program.h"
#include "supervisord/rpc_core.h"
#include "supervisord/rpc_types.h"
#include "supervisord/status.h"
#include "supervisord/supervisor.h"
#include "supervisord/xmlrpc.h"

/* The woken calls, before the loop next polls: never from inside a state
 * machine's callback nor from inside rpc_call_run. */
static void
wakeup_cb(struct ev_loop *loop, ev_prepare *w, int revents)
{
	struct rpc	*r = w->data;
	struct rpc_call	*c;

	(void)revents;
	ev_prepare_stop(loop, w);
	while ((c = TAILQ_FIRST(&r->woken)) != NULL) {
		TAILQ_REMOVE(&r->woken, c, wentry);
		c->inwoken = false;
		/* The wake may run the call again, or free it. */
		if (c->waiting && c->wake != NULL)
			c->wake(c->arg);
	}
}

void
rpc_core_init(struct rpc *r)
{
	size_t	i;

	LIST_INIT(&r->calls);
	TAILQ_INIT(&r->woken);
	for (i = 0; i < RPC_NBUCKETS; i++)
		LIST_INIT(&r->items[i]);
	ev_prepare_init(&r->wakeup, wakeup_cb);
	r->wakeup.data = r;
}

void
rpc_core_fini(struct rpc *r)
{
	ev_prepare_stop(r->s->loop, &r->wakeup);
}

void
rpc_call_woken(struct rpc_call *c)
{
	struct rpc	*r = c->r;

	while (c->parent != NULL)
		c = c->parent;
	if (!c->waiting || c->inwoken)
		return;
	c->inwoken = true;
	TAILQ_INSERT_TAIL(&r->woken, c, wentry);
	ev_prepare_start(r->s->loop, &r->wakeup);
}

/* Faults. */

static char *
fault_text(int code, const char *extra)
{
	const char	*name = rpc_fault_name(code);
	char		*t;

	if (extra == NULL)
		return strdup(name);
	if (asprintf(&t, "%s: %s", name, extra) == -1)
		return NULL;
	return t;
}

enum rpc_status
rpc_fail(struct xr_out *o, int code, const char *extra)
{
	char	*t;

	/* Out of memory, the fault's name alone still says what. */
	t = fault_text(code, extra);
	xr_fault(o, code, t != NULL ? t : rpc_fault_name(code));
	free(t);
	return RPC_DONE;
}

int
rpc_gate(const struct rpc *r)
{
	/* supervisor's _update: RESTARTING and SHUTDOWN refuse. */
	return r->mood < 1 ? RPC_SHUTDOWN_STATE : 0;
}

/* Arguments. */

/* int(text), as Python reads it: blanks around, a sign, digits with
 * single underscores between them; clamped beyond 64 bits. */
static int
py_int(const char *s, long long *v)
{
	unsigned long long acc = 0, lim;
	bool		 neg = false, big = false, digit = false;

	while (isspace((unsigned char)*s))
		s++;
	if (*s == '+' || *s == '-')
		neg = *s++ == '-';
	lim = neg ? (unsigned long long)LLONG_MAX + 1 : LLONG_MAX;
	for (; *s != '\0'; s++) {
		if (*s == '_' && digit && isdigit((unsigned char)s[1]))
			continue;
		if (!isdigit((unsigned char)*s))
			break;
		digit = true;
		if (acc > (lim - (unsigned long long)(*s - '0')) / 10)
			big = true;
		else
			acc = acc * 10 + (unsigned long long)(*s - '0');
	}
	while (isspace((unsigned char)*s))
		s++;
	if (!digit || *s != '\0')
		return RPC_BAD_ARGUMENTS;
	if (big)
		acc = lim;
	if (neg)
		*v = acc > (unsigned long long)LLONG_MAX ? LLONG_MIN :
		    -(long long)acc;
	else
		*v = (long long)acc;
	return 0;
}

int
rpc_arg_int(const struct xr_val *a, long long *v)
{
	switch (a->type) {
	case XR_INT:
	case XR_BOOL:
		*v = a->i;
		return 0;
	case XR_DOUBLE:
		if (isnan(a->d) || isinf(a->d))
			return RPC_BAD_ARGUMENTS;
		if (a->d >= 9.2e18)
			*v = LLONG_MAX;
		else if (a->d <= -9.2e18)
			*v = LLONG_MIN;
		else
			*v = (long long)a->d;
		return 0;
	case XR_STRING:
	case XR_BASE64:
		if (strlen(a->s) != a->len)
			return RPC_BAD_ARGUMENTS;
		return py_int(a->s, v);
	default:
		return RPC_INCORRECT_PARAMETERS;
	}
}

const char *
rpc_arg_str(const struct xr_val *a)
{
	if (a->type != XR_STRING && a->type != XR_BASE64)
		return NULL;
	return a->s != NULL ? a->s : "";
}

bool
rpc_truthy(const struct xr_val *a)
{
	switch (a->type) {
	case XR_STRING:
	case XR_BASE64:
		return a->len > 0;
	case XR_INT:
	case XR_BOOL:
		return a->i != 0;
	case XR_DOUBLE:
		return a->d != 0;
	case XR_ARRAY:
	case XR_STRUCT:
		return a->n > 0;
	case XR_NIL:
		return false;
	default:
		return true;
	}
}

/* Names. */

const char *
rpc_namespec(const char *group, const char *name, char *buf, size_t len)
{
	if (strcmp(group, name) == 0)
		snprintf(buf, len, "%s", name);
	else
		snprintf(buf, len, "%s:%s", group, name);
	return buf;
}

struct sv_program *
rpc_find(const struct rpc *r, const char *group, const char *name)
{
	struct sv_program *p;

	if ((p = sup_find(r->s, group, name)) == NULL || p->doomed)
		return NULL;
	return p;
}

bool
rpc_group_live(const struct rpc *r, const char *group)
{
	struct sv_program *p;

	TAILQ_FOREACH(p, &r->s->programs, entry)
		if (!p->doomed && strcmp(p->cfg->group, group) == 0)
			return true;
	return false;
}

int
rpc_lookup(const struct rpc *r, const char *spec, char *gbuf, size_t glen,
    struct sv_program **pp)
{
	const char	*colon, *name;
	size_t		 gl;

	*pp = NULL;
	if ((colon = strchr(spec, ':')) == NULL) {
		gl = strlen(spec);
		name = spec;
	} else {
		gl = (size_t)(colon - spec);
		name = colon + 1;
		if (*name == '\0' || strcmp(name, "*") == 0)
			name = NULL;
	}
	if (gl >= glen)
		return RPC_BAD_NAME;
	memcpy(gbuf, spec, gl);
	gbuf[gl] = '\0';
	/* Found through the index, the group is there: no scan. */
	if (name != NULL && (*pp = rpc_find(r, gbuf, name)) != NULL)
		return 0;
	if (!rpc_group_live(r, gbuf) || name != NULL)
		return RPC_BAD_NAME;
	return 0;
}

/* The process info struct. */

int
rpc_state_code(enum sv_state s)
{
	static const int codes[SV_NSTATES] = {
		[SV_STOPPED] = 0,
		[SV_STARTING] = 10,
		[SV_RUNNING] = 20,
		[SV_BACKOFF] = 30,
		[SV_STOPPING] = 40,
		[SV_EXITED] = 100,
		[SV_FATAL] = 200,
	};

	return (unsigned)s < SV_NSTATES ? codes[s] : 1000;
}

const char *
rpc_logfile(const struct sv_program *p, bool err)
{
	const struct out_stream *s = err ? &p->err : &p->out;
	const struct cfg_log *lc = err ? &p->cfg->err : &p->cfg->out;

	if (err && p->cfg->redirect_stderr)
		return NULL;
	if (out_path(s) != NULL)
		return out_path(s);
	if (lc->kind == CFG_LOG_PATH)
		return lc->path;
	return NULL;
}

/* xmlrpc's capped_int: what an <int> holds. */
static long long
capped(long long v)
{
	if (v > INT32_MAX)
		return INT32_MAX;
	if (v < INT32_MIN)
		return INT32_MIN;
	return v;
}

/*
 * supervisor's exitstatus: 0 when none (never exited, or exited too
 * quickly, which supervisor records as None), -1 for a death by signal.
 */
static int
exit_status(const struct sv_program *p)
{
	static const char quick[] = "Exited too quickly";

	if (p->exitstatus != -1)
		return p->exitstatus;
	if (p->laststop == 0 || !WIFSIGNALED(p->status) ||
	    (p->spawnerr != NULL &&
	    strncmp(p->spawnerr, quick, sizeof(quick) - 1) == 0))
		return 0;
	return -1;
}

static void
put_member_str(struct xr_out *o, const char *key, const char *v)
{
	xr_member_begin(o, key);
	xr_put_cstr(o, v != NULL ? v : "");
	xr_member_end(o);
}

static void
put_member_int(struct xr_out *o, const char *key, long long v)
{
	xr_member_begin(o, key);
	xr_put_int(o, v);
	xr_member_end(o);
}

void
rpc_put_info(struct xr_out *o, const struct sv_program *p, time_t now,
    bool brief)
{
	char	desc[512];

	xr_struct_begin(o);
	put_member_str(o, "name", p->cfg->name);
	put_member_str(o, "group", p->cfg->group);
	if (!brief) {
		put_member_int(o, "start", capped((long long)p->laststart));
		put_member_int(o, "stop", capped((long long)p->laststop));
		put_member_int(o, "now", capped((long long)now));
	}
	put_member_int(o, "state", rpc_state_code(p->state));
	put_member_str(o, "statename", sv_state_name(p->state));
	if (!brief) {
		put_member_str(o, "spawnerr", p->spawnerr);
		put_member_int(o, "exitstatus", exit_status(p));
		put_member_str(o, "logfile", rpc_logfile(p, false));
		put_member_str(o, "stdout_logfile", rpc_logfile(p, false));
		put_member_str(o, "stderr_logfile", rpc_logfile(p, true));
		put_member_int(o, "pid", p->pid);
	}
	put_member_str(o, "description", st_describe(p, now, desc,
	    sizeof(desc)));
	xr_struct_end(o);
}

/* Items. */

static size_t
bucket_of(const struct sv_program *p)
{
	return ((uintptr_t)p >> 4) % RPC_NBUCKETS;
}

int
rpc_items_new(struct rpc_call *c, size_t n)
{
	rpc_items_free(c);
	if ((c->items = calloc(n + 1, sizeof(*c->items))) == NULL ||
	    (c->order = calloc(n + 1, sizeof(*c->order))) == NULL) {
		free(c->items);
		c->items = NULL;
		return -1;
	}
	return 0;
}

struct rpc_item *
rpc_item_add(struct rpc_call *c, struct sv_program *p, const char *spec)
{
	struct rpc_item	*it = &c->items[c->nitems];

	memset(it, 0, sizeof(*it));
	if ((it->spec = strdup(spec)) == NULL)
		return NULL;
	it->call = c;
	it->p = p;
	it->code = -1;		/* neither settled nor waited on yet */
	LIST_INSERT_HEAD(&c->r->items[bucket_of(p)], it, link);
	c->nitems++;
	return it;
}

void
rpc_item_settle(struct rpc_item *it, int code, const char *extra)
{
	struct rpc_call	*c = it->call;
	bool		 waited = it->wait != RPC_W_NONE && it->code == 0;

	if (it->code > 0)
		return;
	it->code = code;
	/*
	 * make_allfunc answers what settled at once first, then what it
	 * waited for, each poll's in list order.  Its polls are far apart
	 * next to a process's exit or a startsecs=0 start (RUNNING at once
	 * there, here once the exec is confirmed): those come back
	 * together, in list order, and the starts that waited startsecs
	 * after them, whatever turns of our loop settled them.
	 */
	if (!waited)
		it->round = 0;
	else if (it->wait == RPC_W_START && it->p != NULL &&
	    it->p->cfg->startsecs > 0)
		it->round = 2;
	else
		it->round = 1;
	if (code != RPC_SUCCESS)
		it->text = fault_text(code, extra);
	c->order[c->nsettled++] = (size_t)(it - c->items);
	if (waited && --c->npending == 0)
		rpc_call_woken(c);
}

/* supervisor's onwait: is the process where it was sent? */
static void
item_check(struct rpc_item *it)
{
	const struct sv_program *p = it->p;

	if (it->code != 0 || p == NULL)
		return;
	if (it->wait == RPC_W_START) {
		/* Waiting for its dependencies: not started yet. */
		if (p->dep_wait && p->spawnerr == NULL)
			return;
		if (p->spawnerr != NULL)
			rpc_item_settle(it, RPC_SPAWN_ERROR, it->spec);
		else if (p->state == SV_RUNNING)
			rpc_item_settle(it, RPC_SUCCESS, NULL);
		else if (p->state != SV_STARTING)
			rpc_item_settle(it, RPC_ABNORMAL_TERMINATION,
			    it->spec);
	} else if (it->wait == RPC_W_STOP && sv_at_rest(p)) {
		rpc_item_settle(it, RPC_SUCCESS, NULL);
	}
}

void
rpc_item_wait(struct rpc_item *it, enum rpc_wait w)
{
	it->wait = w;
	it->code = 0;
	it->call->npending++;
	item_check(it);
}

/* The item's process leaves the set: keep its names. */
static void
item_unwatch(struct rpc_item *it)
{
	if (it->p == NULL)
		return;
	LIST_REMOVE(it, link);
	if (it->name == NULL)
		it->name = strdup(it->p->cfg->name);
	if (it->group == NULL)
		it->group = strdup(it->p->cfg->group);
	it->p = NULL;
}

void
rpc_items_free(struct rpc_call *c)
{
	size_t	i;

	for (i = 0; i < c->nitems; i++) {
		if (c->items[i].p != NULL)
			LIST_REMOVE(&c->items[i], link);
		free(c->items[i].spec);
		free(c->items[i].name);
		free(c->items[i].group);
		free(c->items[i].text);
	}
	free(c->items);
	free(c->order);
	c->items = NULL;
	c->order = NULL;
	c->nitems = c->npending = c->nsettled = c->cursor = 0;
}

void
rpc_core_changed(struct rpc *r, struct sv_program *p)
{
	struct rpc_item	*it, *next;

	for (it = LIST_FIRST(&r->items[bucket_of(p)]); it != NULL;
	    it = next) {
		next = LIST_NEXT(it, link);
		if (it->p == p)
			item_check(it);
	}
}

void
rpc_core_gone(struct rpc *r, struct sv_program *p)
{
	struct rpc_item	*it, *next;

	r->gen++;
	for (it = LIST_FIRST(&r->items[bucket_of(p)]); it != NULL;
	    it = next) {
		next = LIST_NEXT(it, link);
		if (it->p != p)
			continue;
		item_check(it);
		/* Removed while starting: it will not run. */
		if (it->code == 0)
			rpc_item_settle(it, it->wait == RPC_W_STOP ?
			    RPC_SUCCESS : RPC_ABNORMAL_TERMINATION, it->spec);
		item_unwatch(it);
	}
}

static int
order_cmp(const void *a, const void *b, void *arg)
{
	const struct rpc_call *c = arg;
	size_t	x = *(const size_t *)a, y = *(const size_t *)b;

	if (c->items[x].round != c->items[y].round)
		return c->items[x].round < c->items[y].round ? -1 : 1;
	return x < y ? -1 : x > y;
}

enum rpc_status
rpc_put_results(struct rpc_call *c, struct xr_out *o)
{
	const struct rpc_item *it;

	if (!c->begun) {
		if (c->nsettled > 1)
			qsort_r(c->order, c->nsettled, sizeof(*c->order),
			    order_cmp, c);
		xr_array_begin(o);
		c->begun = true;
	}
	while (c->cursor < c->nsettled) {
		if (xr_room(o) == 0)
			return RPC_MORE;
		it = &c->items[c->order[c->cursor++]];
		xr_struct_begin(o);
		put_member_str(o, "name", it->p != NULL ? it->p->cfg->name :
		    it->name);
		put_member_str(o, "group", it->p != NULL ?
		    it->p->cfg->group : it->group);
		put_member_int(o, "status", it->code);
		put_member_str(o, "description", it->code == RPC_SUCCESS ?
		    "OK" : it->text != NULL ? it->text :
		    rpc_fault_name(it->code));
		xr_struct_end(o);
	}
	xr_array_end(o);
	return RPC_DONE;
}

/* Snapshots. */

/* (group, name) of p against the key "group\0name\0". */
static int
key_cmp(const struct sv_program *p, const char *key)
{
	int	r;

	if ((r = strcmp(p->cfg->group, key)) != 0)
		return r;
	return strcmp(p->cfg->name, key + strlen(key) + 1);
}

int
rpc_snap_take(struct rpc_call *c)
{
	free(c->snap);
	c->snap = sup_snapshot(c->r->s, true, &c->nsnap);
	c->gen = c->r->gen;
	c->cursor = 0;
	if (c->snap == NULL)
		return -1;
	if (c->last != NULL)
		while (c->cursor < c->nsnap &&
		    key_cmp(c->snap[c->cursor], c->last) <= 0)
			c->cursor++;
	return 0;
}

struct sv_program *
rpc_snap_next(struct rpc_call *c)
{
	if (c->gen != c->r->gen && rpc_snap_take(c) == -1)
		return NULL;
	return c->cursor < c->nsnap ? c->snap[c->cursor] : NULL;
}

void
rpc_snap_done(struct rpc_call *c, const struct sv_program *p)
{
	size_t	gl = strlen(p->cfg->group), nl = strlen(p->cfg->name);
	char	*n;

	c->cursor++;
	if (gl + nl + 2 > c->lastcap) {
		if ((n = realloc(c->last, gl + nl + 2)) == NULL)
			return;
		c->last = n;
		c->lastcap = gl + nl + 2;
	}
	memcpy(c->last, p->cfg->group, gl + 1);
	memcpy(c->last + gl + 1, p->cfg->name, nl + 1);
}
