/*
 * events: supervisor's event types and the bus that carries them to their
 * subscribers (the listener pools, listener.h).  The bus makes the events
 * supervisor 4.2.5 makes, with its payloads byte for byte: a program's
 * state changes, its output (PROCESS_LOG, with stdout_events_enabled) and
 * captured output (PROCESS_COMMUNICATION), a group added to or removed
 * from the set, the daemon running and stopping, remote communication
 * (supervisor.sendRemoteCommEvent) and the ticks.  An event nobody
 * subscribes to is not made.  The tick timers run only while some
 * subscriber takes a tick, so that a daemon without one makes no wakeup
 * while idle.
 */
#ifndef SUPERVISORD_EVENTS_H
#define SUPERVISORD_EVENTS_H

#include <sys/queue.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <ev.h>

#include "supervisord/supervisor.h"

/* The concrete types; the abstract ones (EVENT, PROCESS_STATE, ...) are
 * masks of these. */
enum evt_type {
	EVT_PROCESS_STATE_STOPPED = 0,	/* in sv_state's order */
	EVT_PROCESS_STATE_STARTING,
	EVT_PROCESS_STATE_RUNNING,
	EVT_PROCESS_STATE_BACKOFF,
	EVT_PROCESS_STATE_STOPPING,
	EVT_PROCESS_STATE_EXITED,
	EVT_PROCESS_STATE_FATAL,
	EVT_PROCESS_STATE_UNKNOWN,
	EVT_PROCESS_LOG_STDOUT,
	EVT_PROCESS_LOG_STDERR,
	EVT_PROCESS_COMMUNICATION_STDOUT,
	EVT_PROCESS_COMMUNICATION_STDERR,
	EVT_REMOTE_COMMUNICATION,
	EVT_SUPERVISOR_STATE_CHANGE_RUNNING,
	EVT_SUPERVISOR_STATE_CHANGE_STOPPING,
	EVT_TICK_5,
	EVT_TICK_60,
	EVT_TICK_3600,
	EVT_PROCESS_GROUP_ADDED,
	EVT_PROCESS_GROUP_REMOVED,
	EVT_NTYPES
};

#define EVT_BIT(t)	((uint32_t)1 << (t))

/* One event: shared by the pools that buffer it, freed with the last. */
struct evt_event {
	unsigned	 refs;
	enum evt_type	 type;
	bool		 has_serial;	/* taken when a pool first accepts it */
	unsigned long	 serial;
	size_t		 len;		/* payload bytes */
	size_t		 ncp;		/* payload code points: len: */
	char		 payload[];	/* UTF-8, NUL-terminated */
};

struct evt_sub {
	LIST_ENTRY(evt_sub) link;
	uint32_t	 mask;		/* EVT_BIT()s */
	/* An event of the mask: take a reference (evt_ref) to keep it. */
	void		(*deliver)(void *arg, struct evt_event *e);
	void		*arg;
};

struct evt_group;

struct evt_bus {
	struct supervisor *s;
	struct ev_loop	*loop;
	LIST_HEAD(, evt_sub) subs;
	uint32_t	 wanted;	/* the union of the masks */
	unsigned long	 serial;	/* the last taken; ULONG_MAX: none */
	ev_periodic	 tick[3];	/* TICK_5, _60, _3600, while wanted */
	struct evt_group **groups;	/* processes per group name */
	size_t		 gcap;		/* buckets, a power of 2 */
	size_t		 ngroups;
	bool		 running;	/* SUPERVISOR_STATE_CHANGE_RUNNING sent */
};

/*
 * The mask of an event class as [eventlistener:x] events= names it
 * ("ProcessStateEvent": every PROCESS_STATE_*), or 0 for an unknown one.
 */
uint32_t evt_class_mask(const char *class_name);

/* "PROCESS_STATE_RUNNING", ...: the eventname: of the envelope. */
const char *evt_name(enum evt_type t);

/* Start b, observing s (sup_observe).  0, or -1 (observers full). */
int	evt_init(struct evt_bus *b, struct supervisor *s);

/* Stop the timers and free what b holds (subscribers are theirs). */
void	evt_free(struct evt_bus *b);

/* (Un)subscribe; evt_resubscribe after sub->mask changed. */
void	evt_subscribe(struct evt_bus *b, struct evt_sub *sub);
void	evt_unsubscribe(struct evt_bus *b, struct evt_sub *sub);
void	evt_resubscribe(struct evt_bus *b);

/* Whether some subscriber takes type t. */
bool	evt_wanted(const struct evt_bus *b, enum evt_type t);

/* Make an event of type t with this payload (any bytes: invalid UTF-8
 * becomes supervisor's "Undecodable: b'...'") and deliver it.  0, or -1
 * when memory ran out (logged). */
int	evt_publish(struct evt_bus *b, enum evt_type t, const char *payload,
	    size_t len);

/* REMOTE_COMMUNICATION: "type:TYPE\nDATA". */
int	evt_remote(struct evt_bus *b, const char *type, const char *data,
	    size_t len);

/* The next global serial for e, unless it has one (supervisor's
 * GlobalSerial: 0 first, back to 0 after the largest). */
void	evt_take_serial(struct evt_bus *b, struct evt_event *e);

struct evt_event *evt_ref(struct evt_event *e);
void	evt_unref(struct evt_event *e);

#endif /* SUPERVISORD_EVENTS_H */
