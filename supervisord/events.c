/*
 * events: the types, the payloads and the bus (events.h).  Payloads are
 * supervisor 4.2.5's (events.py), byte for byte.
 */
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "supervisord/events.h"
#include "supervisord/log.h"
#include "supervisord/strhash.h"

#define PROCESS_STATE_BITS	(EVT_BIT(EVT_PROCESS_STATE_UNKNOWN + 1) - 1)

static const struct {
	const char	*cls;		/* events= as the config reader keeps it */
	uint32_t	 mask;
} classes[] = {
	{ "Event", EVT_BIT(EVT_NTYPES) - 1 },
	{ "ProcessStateEvent", PROCESS_STATE_BITS },
	{ "ProcessStateStoppedEvent", EVT_BIT(EVT_PROCESS_STATE_STOPPED) },
	{ "ProcessStateStartingEvent", EVT_BIT(EVT_PROCESS_STATE_STARTING) },
	{ "ProcessStateRunningEvent", EVT_BIT(EVT_PROCESS_STATE_RUNNING) },
	{ "ProcessStateBackoffEvent", EVT_BIT(EVT_PROCESS_STATE_BACKOFF) },
	{ "ProcessStateStoppingEvent", EVT_BIT(EVT_PROCESS_STATE_STOPPING) },
	{ "ProcessStateExitedEvent", EVT_BIT(EVT_PROCESS_STATE_EXITED) },
	{ "ProcessStateFatalEvent", EVT_BIT(EVT_PROCESS_STATE_FATAL) },
	{ "ProcessStateUnknownEvent", EVT_BIT(EVT_PROCESS_STATE_UNKNOWN) },
	{ "ProcessLogEvent", EVT_BIT(EVT_PROCESS_LOG_STDOUT) |
	    EVT_BIT(EVT_PROCESS_LOG_STDERR) },
	{ "ProcessLogStdoutEvent", EVT_BIT(EVT_PROCESS_LOG_STDOUT) },
	{ "ProcessLogStderrEvent", EVT_BIT(EVT_PROCESS_LOG_STDERR) },
	{ "ProcessCommunicationEvent",
	    EVT_BIT(EVT_PROCESS_COMMUNICATION_STDOUT) |
	    EVT_BIT(EVT_PROCESS_COMMUNICATION_STDERR) },
	{ "ProcessCommunicationStdoutEvent",
	    EVT_BIT(EVT_PROCESS_COMMUNICATION_STDOUT) },
	{ "ProcessCommunicationStderrEvent",
	    EVT_BIT(EVT_PROCESS_COMMUNICATION_STDERR) },
	{ "RemoteCommunicationEvent", EVT_BIT(EVT_REMOTE_COMMUNICATION) },
	{ "SupervisorStateChangeEvent",
	    EVT_BIT(EVT_SUPERVISOR_STATE_CHANGE_RUNNING) |
	    EVT_BIT(EVT_SUPERVISOR_STATE_CHANGE_STOPPING) },
	{ "SupervisorRunningEvent",
	    EVT_BIT(EVT_SUPERVISOR_STATE_CHANGE_RUNNING) },
	{ "SupervisorStoppingEvent",
	    EVT_BIT(EVT_SUPERVISOR_STATE_CHANGE_STOPPING) },
	{ "TickEvent", EVT_BIT(EVT_TICK_5) | EVT_BIT(EVT_TICK_60) |
	    EVT_BIT(EVT_TICK_3600) },
	{ "Tick5Event", EVT_BIT(EVT_TICK_5) },
	{ "Tick60Event", EVT_BIT(EVT_TICK_60) },
	{ "Tick3600Event", EVT_BIT(EVT_TICK_3600) },
	{ "ProcessGroupEvent", EVT_BIT(EVT_PROCESS_GROUP_ADDED) |
	    EVT_BIT(EVT_PROCESS_GROUP_REMOVED) },
	{ "ProcessGroupAddedEvent", EVT_BIT(EVT_PROCESS_GROUP_ADDED) },
	{ "ProcessGroupRemovedEvent", EVT_BIT(EVT_PROCESS_GROUP_REMOVED) },
};

static const char *const names[EVT_NTYPES] = {
	[EVT_PROCESS_STATE_STOPPED] = "PROCESS_STATE_STOPPED",
	[EVT_PROCESS_STATE_STARTING] = "PROCESS_STATE_STARTING",
	[EVT_PROCESS_STATE_RUNNING] = "PROCESS_STATE_RUNNING",
	[EVT_PROCESS_STATE_BACKOFF] = "PROCESS_STATE_BACKOFF",
	[EVT_PROCESS_STATE_STOPPING] = "PROCESS_STATE_STOPPING",
	[EVT_PROCESS_STATE_EXITED] = "PROCESS_STATE_EXITED",
	[EVT_PROCESS_STATE_FATAL] = "PROCESS_STATE_FATAL",
	[EVT_PROCESS_STATE_UNKNOWN] = "PROCESS_STATE_UNKNOWN",
	[EVT_PROCESS_LOG_STDOUT] = "PROCESS_LOG_STDOUT",
	[EVT_PROCESS_LOG_STDERR] = "PROCESS_LOG_STDERR",
	[EVT_PROCESS_COMMUNICATION_STDOUT] = "PROCESS_COMMUNICATION_STDOUT",
	[EVT_PROCESS_COMMUNICATION_STDERR] = "PROCESS_COMMUNICATION_STDERR",
	[EVT_REMOTE_COMMUNICATION] = "REMOTE_COMMUNICATION",
	[EVT_SUPERVISOR_STATE_CHANGE_RUNNING] =
	    "SUPERVISOR_STATE_CHANGE_RUNNING",
	[EVT_SUPERVISOR_STATE_CHANGE_STOPPING] =
	    "SUPERVISOR_STATE_CHANGE_STOPPING",
	[EVT_TICK_5] = "TICK_5",
	[EVT_TICK_60] = "TICK_60",
	[EVT_TICK_3600] = "TICK_3600",
	[EVT_PROCESS_GROUP_ADDED] = "PROCESS_GROUP_ADDED",
	[EVT_PROCESS_GROUP_REMOVED] = "PROCESS_GROUP_REMOVED",
};

static const int tick_period[3] = { 5, 60, 3600 };

static int
publishf(struct evt_bus *b, enum evt_type t, const char *data, size_t dlen,
    const char *fmt, ...) __attribute__((format(printf, 5, 6)));


struct evt_group {
	struct evt_group *next;
	size_t		 n;		/* its processes in the set */
	char		 name[];
};

uint32_t
evt_class_mask(const char *cls)
{
	size_t	i;

	for (i = 0; i < sizeof(classes) / sizeof(classes[0]); i++)
		if (strcmp(classes[i].cls, cls) == 0)
			return classes[i].mask;
	return 0;
}

const char *
evt_name(enum evt_type t)
{
	return (unsigned)t < EVT_NTYPES ? names[t] : "?";
}

/* ---------------------------------------------------------------- */
/* Payloads. */

/*
 * The length of the valid UTF-8 that s starts with, as Python's strict
 * decoder takes it (no overlong form, no surrogate, nothing past
 * U+10FFFF); *ncp counts its code points.
 */
static size_t
utf8_valid(const unsigned char *s, size_t len, size_t *ncp)
{
	size_t	i = 0, n, k;
	unsigned char c, lo, hi;

	*ncp = 0;
	while (i < len) {
		c = s[i];
		lo = 0x80;
		hi = 0xbf;
		if (c < 0x80)
			n = 0;
		else if (c >= 0xc2 && c <= 0xdf)
			n = 1;
		else if (c >= 0xe0 && c <= 0xef) {
			n = 2;
			if (c == 0xe0)
				lo = 0xa0;
			else if (c == 0xed)
				hi = 0x9f;
		} else if (c >= 0xf0 && c <= 0xf4) {
			n = 3;
			if (c == 0xf0)
				lo = 0x90;
			else if (c == 0xf4)
				hi = 0x8f;
		} else
			return i;
		if (len - i - 1 < n)
			return i;
		for (k = 1; k <= n; k++) {
			if (s[i + k] < lo || s[i + k] > hi)
				return i;
			lo = 0x80;
			hi = 0xbf;
		}
		i += n + 1;
		(*ncp)++;
	}
	return i;
}

/* Python's repr() of bytes, for supervisor's "Undecodable: %r". */
static size_t
bytes_repr(char *out, const unsigned char *s, size_t len)
{
	static const char hex[] = "0123456789abcdef";
	size_t	i, o = 0;
	char	q = '\'';

	if (memchr(s, '\'', len) != NULL && memchr(s, '"', len) == NULL)
		q = '"';
	out[o++] = 'b';
	out[o++] = q;
	for (i = 0; i < len; i++) {
		unsigned char c = s[i];

		if (c == (unsigned char)q || c == '\\') {
			out[o++] = '\\';
			out[o++] = (char)c;
		} else if (c == '\t' || c == '\n' || c == '\r') {
			out[o++] = '\\';
			out[o++] = c == '\t' ? 't' : c == '\n' ? 'n' : 'r';
		} else if (c < 0x20 || c >= 0x7f) {
			out[o++] = '\\';
			out[o++] = 'x';
			out[o++] = hex[c >> 4];
			out[o++] = hex[c & 15];
		} else
			out[o++] = (char)c;
	}
	out[o++] = q;
	return o;
}

/* A new event: head (valid UTF-8) then data, which if it is not valid
 * UTF-8 becomes "Undecodable: b'...'". */
static struct evt_event *
event_new(enum evt_type t, const char *head, size_t hlen, const char *data,
    size_t dlen)
{
	static const char undec[] = "Undecodable: ";
	struct evt_event *e;
	size_t		 hcp, dcp, cap;
	bool		 valid;

	(void)utf8_valid((const unsigned char *)head, hlen, &hcp);
	valid = utf8_valid((const unsigned char *)data, dlen, &dcp) == dlen;
	cap = hlen + (valid ? dlen : sizeof(undec) + 3 + 4 * dlen);
	if ((e = malloc(sizeof(*e) + cap + 1)) == NULL)
		return NULL;
	e->refs = 1;
	e->type = t;
	e->has_serial = false;
	e->serial = 0;
	memcpy(e->payload, head, hlen);
	e->len = hlen;
	if (valid) {
		memcpy(e->payload + hlen, data, dlen);
		e->len += dlen;
		e->ncp = hcp + dcp;
	} else {
		memcpy(e->payload + hlen, undec, sizeof(undec) - 1);
		e->len += sizeof(undec) - 1;
		e->len += bytes_repr(e->payload + e->len,
		    (const unsigned char *)data, dlen);
		e->ncp = hcp + (e->len - hlen);	/* ASCII */
	}
	e->payload[e->len] = '\0';
	return e;
}

struct evt_event *
evt_ref(struct evt_event *e)
{
	e->refs++;
	return e;
}

void
evt_unref(struct evt_event *e)
{
	if (e != NULL && --e->refs == 0)
		free(e);
}

void
evt_take_serial(struct evt_bus *b, struct evt_event *e)
{
	if (e->has_serial)
		return;
	/* As supervisor's new_serial: -1 at first, back to 0 at maxint. */
	b->serial = b->serial == ULONG_MAX ? 0 : b->serial + 1;
	e->serial = b->serial;
	e->has_serial = true;
}

bool
evt_wanted(const struct evt_bus *b, enum evt_type t)
{
	return (b->wanted & EVT_BIT(t)) != 0;
}

/* Deliver e to every subscriber of its type; the bus's reference goes. */
static void
deliver(struct evt_bus *b, struct evt_event *e)
{
	struct evt_sub	*sub, *next;

	for (sub = LIST_FIRST(&b->subs); sub != NULL; sub = next) {
		next = LIST_NEXT(sub, link);
		if (sub->mask & EVT_BIT(e->type))
			sub->deliver(sub->arg, e);
	}
	evt_unref(e);
}

static int
publish2(struct evt_bus *b, enum evt_type t, const char *head, size_t hlen,
    const char *data, size_t dlen)
{
	struct evt_event *e;

	if (!evt_wanted(b, t))
		return 0;
	if ((e = event_new(t, head, hlen, data, dlen)) == NULL) {
		log_warnx("out of memory: %s event not sent", names[t]);
		return -1;
	}
	deliver(b, e);
	return 0;
}

int
evt_publish(struct evt_bus *b, enum evt_type t, const char *payload,
    size_t len)
{
	return publish2(b, t, "", 0, payload, len);
}

int
evt_remote(struct evt_bus *b, const char *type, const char *data,
    size_t len)
{
	return publishf(b, EVT_REMOTE_COMMUNICATION, data, len, "type:%s\n",
	    type);
}

/* ---------------------------------------------------------------- */
/* What the supervisor tells: states, groups, output, the mood. */

/* publish2 with a head made from fmt (any length).  -1 when memory ran
 * out (logged). */
static int
publishf(struct evt_bus *b, enum evt_type t, const char *data, size_t dlen,
    const char *fmt, ...)
{
	va_list	 ap;
	char	*head;
	int	 n, rc;

	if (!evt_wanted(b, t))
		return 0;
	va_start(ap, fmt);
	n = vasprintf(&head, fmt, ap);
	va_end(ap);
	if (n == -1) {
		log_warnx("out of memory: %s event not sent", names[t]);
		return -1;
	}
	rc = publish2(b, t, head, (size_t)n, data, dlen);
	free(head);
	return rc;
}

static void
state_changed(void *arg, struct sv_program *p)
{
	struct evt_bus	*b = arg;
	enum evt_type	 t = (enum evt_type)p->state;
	const char	*name = p->cfg->name, *group = p->cfg->group;
	const char	*from = sv_state_name(p->prev);
	pid_t		 pid;

	if ((unsigned)p->state >= SV_NSTATES || !evt_wanted(b, t))
		return;
	/* The pid a reap just cleared, as supervisor's payload has it. */
	pid = p->pid != 0 ? p->pid : p->gone_pid;
	switch (p->state) {
	case SV_STARTING:
	case SV_BACKOFF:
		(void)publishf(b, t, "", 0, "processname:%s groupname:%s "
		    "from_state:%s tries:%d", name, group, from, p->backoff);
		break;
	case SV_EXITED:
		(void)publishf(b, t, "", 0, "processname:%s groupname:%s "
		    "from_state:%s expected:%d pid:%d", name, group, from,
		    p->expected ? 1 : 0, (int)pid);
		break;
	case SV_RUNNING:
	case SV_STOPPING:
	case SV_STOPPED:
		(void)publishf(b, t, "", 0, "processname:%s groupname:%s "
		    "from_state:%s pid:%d", name, group, from, (int)pid);
		break;
	default:
		(void)publishf(b, t, "", 0, "processname:%s groupname:%s "
		    "from_state:%s", name, group, from);
		break;
	}
}

static size_t
group_hash(const char *name)
{
	return sh_str(name);
}

static struct evt_group **
group_slot(struct evt_bus *b, const char *name)
{
	struct evt_group **gp;

	gp = &b->groups[group_hash(name) & (b->gcap - 1)];
	for (; *gp != NULL; gp = &(*gp)->next)
		if (strcmp((*gp)->name, name) == 0)
			break;
	return gp;
}

/* Twice the buckets when the table is full.  -1 when memory ran out. */
static int
groups_grow(struct evt_bus *b)
{
	struct evt_group **nt, *g, *next;
	size_t		 ncap = b->gcap != 0 ? b->gcap * 2 : 16, i;

	if ((nt = calloc(ncap, sizeof(*nt))) == NULL)
		return -1;
	for (i = 0; i < b->gcap; i++)
		for (g = b->groups[i]; g != NULL; g = next) {
			next = g->next;
			g->next = nt[group_hash(g->name) & (ncap - 1)];
			nt[group_hash(g->name) & (ncap - 1)] = g;
		}
	free(b->groups);
	b->groups = nt;
	b->gcap = ncap;
	return 0;
}

static void
group_event(struct evt_bus *b, enum evt_type t, const char *name)
{
	(void)publishf(b, t, "", 0, "groupname:%s\n", name);
}

/* A process joined the set: its group's first makes PROCESS_GROUP_ADDED. */
static void
process_added(void *arg, struct sv_program *p)
{
	struct evt_bus	 *b = arg;
	struct evt_group **gp, *g;
	size_t		  len;

	if (b->ngroups >= b->gcap && groups_grow(b) == -1)
		goto oom;
	gp = group_slot(b, p->cfg->group);
	if ((g = *gp) != NULL) {
		g->n++;
		return;
	}
	len = strlen(p->cfg->group);
	if ((g = malloc(sizeof(*g) + len + 1)) == NULL)
		goto oom;
	memcpy(g->name, p->cfg->group, len + 1);
	g->n = 1;
	g->next = NULL;
	*gp = g;
	b->ngroups++;
	group_event(b, EVT_PROCESS_GROUP_ADDED, g->name);
	return;
oom:
	log_warnx("out of memory: PROCESS_GROUP_ADDED not sent for %s",
	    p->cfg->group);
}

/* A process left the set: its group's last makes PROCESS_GROUP_REMOVED. */
static void
process_removed(void *arg, struct sv_program *p)
{
	struct evt_bus	 *b = arg;
	struct evt_group **gp, *g;

	if (b->gcap == 0 || (g = *(gp = group_slot(b, p->cfg->group))) == NULL)
		return;
	if (--g->n > 0)
		return;
	*gp = g->next;
	b->ngroups--;
	group_event(b, EVT_PROCESS_GROUP_REMOVED, g->name);
	free(g);
}

static void
sup_running(void *arg)
{
	struct evt_bus	*b = arg;

	b->running = true;
	(void)publish2(b, EVT_SUPERVISOR_STATE_CHANGE_RUNNING, "", 0, "", 0);
}

static void
sup_stopping(void *arg)
{
	struct evt_bus	*b = arg;

	(void)publish2(b, EVT_SUPERVISOR_STATE_CHANGE_STOPPING, "", 0, "", 0);
}

static void
output(void *arg, struct sv_program *p, bool err, enum out_what what,
    const char *buf, size_t n)
{
	struct evt_bus	*b = arg;

	switch (what) {
	case OUT_LOG:
		(void)publishf(b, err ? EVT_PROCESS_LOG_STDERR :
		    EVT_PROCESS_LOG_STDOUT, buf, n, "processname:%s "
		    "groupname:%s pid:%d channel:%s\n", p->cfg->name,
		    p->cfg->group, (int)p->pid, err ? "stderr" : "stdout");
		break;
	case OUT_COMM:
		(void)publishf(b, err ? EVT_PROCESS_COMMUNICATION_STDERR :
		    EVT_PROCESS_COMMUNICATION_STDOUT, buf, n, "processname:%s "
		    "groupname:%s pid:%d\n", p->cfg->name, p->cfg->group,
		    (int)p->pid);
		break;
	default:
		break;
	}
}

/* ---------------------------------------------------------------- */
/* Ticks. */

static void
tick_cb(struct ev_loop *loop, ev_periodic *w, int revents)
{
	struct evt_bus	*b = w->data;
	size_t		 i = (size_t)(w - b->tick);
	long long	 now, when;
	char		 head[64];
	int		 n;

	(void)revents;
	/* supervisor's timeslice(): the start of the period now is in. */
	now = (long long)ev_now(loop);
	when = now - now % tick_period[i];
	n = snprintf(head, sizeof(head), "when:%lld", when);
	(void)publish2(b, (enum evt_type)(EVT_TICK_5 + i), head, (size_t)n,
	    "", 0);
}

/* Run the tick timers someone takes, stop the others. */
static void
ticks_update(struct evt_bus *b)
{
	size_t	i;

	for (i = 0; i < 3; i++) {
		bool	want = evt_wanted(b, (enum evt_type)(EVT_TICK_5 + i));

		if (want && !ev_is_active(&b->tick[i]))
			ev_periodic_start(b->loop, &b->tick[i]);
		else if (!want && ev_is_active(&b->tick[i]))
			ev_periodic_stop(b->loop, &b->tick[i]);
	}
}

void
evt_resubscribe(struct evt_bus *b)
{
	struct evt_sub	*sub;

	b->wanted = 0;
	LIST_FOREACH(sub, &b->subs, link)
		b->wanted |= sub->mask;
	ticks_update(b);
}

void
evt_subscribe(struct evt_bus *b, struct evt_sub *sub)
{
	LIST_INSERT_HEAD(&b->subs, sub, link);
	evt_resubscribe(b);
}

void
evt_unsubscribe(struct evt_bus *b, struct evt_sub *sub)
{
	LIST_REMOVE(sub, link);
	evt_resubscribe(b);
}

int
evt_init(struct evt_bus *b, struct supervisor *s)
{
	const struct sup_observer obs = {
		.changed = state_changed, .added = process_added,
		.removed = process_removed, .running = sup_running,
		.stopping = sup_stopping, .output = output, .arg = b
	};
	size_t	i;

	memset(b, 0, sizeof(*b));
	b->s = s;
	b->loop = s->loop;
	b->serial = ULONG_MAX;
	LIST_INIT(&b->subs);
	for (i = 0; i < 3; i++) {
		ev_periodic_init(&b->tick[i], tick_cb, 0., tick_period[i],
		    NULL);
		b->tick[i].data = b;
	}
	return sup_observe(s, &obs);
}

void
evt_free(struct evt_bus *b)
{
	struct evt_group *g, *next;
	size_t		 i;

	for (i = 0; i < 3; i++)
		ev_periodic_stop(b->loop, &b->tick[i]);
	for (i = 0; i < b->gcap; i++)
		for (g = b->groups[i]; g != NULL; g = next) {
			next = g->next;
			free(g);
		}
	free(b->groups);
	b->groups = NULL;
	b->gcap = b->ngroups = 0;
}
