/*
 * listener: the [eventlistener:x] pools, as supervisor 4.2.5's
 * EventListenerPool and PEventListenerDispatcher.  A pool subscribes to
 * its events= on the bus (events.h) and buffers what it accepts (at most
 * buffer_size: the oldest goes first, logged once per episode with the
 * count); each event goes to the first of its processes that is RUNNING
 * and has said READY, as the envelope
 *
 *	ver:3.0 server:IDENT serial:N pool:NAME poolserial:N eventname:NAME
 *	len:N\n PAYLOAD
 *
 * on the process's stdin, written without blocking.  len: counts the
 * payload's code points, as supervisor 4.2.5 sends it (its childutils
 * read text); where that differs from the byte count, a blen: field
 * after it gives the bytes.  The process's stdout is parsed as the
 * protocol: READY, then RESULT N and N bytes; OK acknowledges, anything
 * else rejects and the event goes back to the head of the buffer, as it
 * does when the process dies while busy; what breaks the protocol puts the
 * process in UNKNOWN, where it gets nothing more until it is restarted.
 */
#ifndef SUPERVISORD_LISTENER_H
#define SUPERVISORD_LISTENER_H

#include <sys/queue.h>
#include <stdbool.h>

#include "supervisord/events.h"
#include "supervisord/supervisor.h"

struct lsn_pool;

struct lsn {
	struct supervisor *s;
	struct evt_bus	*bus;
	LIST_HEAD(, lsn_pool) pools;
};

/*
 * Run the pools of s's [eventlistener:x] groups on bus.  Call before
 * evt_init, so that a pool exists (and subscribes) before the events
 * about its own group are made, as in supervisor.  0, or -1 (observers
 * full).
 */
int	lsn_init(struct lsn *l, struct supervisor *s, struct evt_bus *bus);

/* Free the pools and what they buffer (at exit, programs at rest). */
void	lsn_free(struct lsn *l);

#endif /* SUPERVISORD_LISTENER_H */
