/*
 * server: the daemon's listening sockets ([unix_http_server] file=,
 * [inet_http_server] port=) and their connections, in the one loop; no
 * HTTP here (http.c is the protocol above).  Each connection reads into
 * its protocol (ops->input), writes through a bounded output buffer, and
 * is closed on a timeout that depends on what it is doing; the number of
 * connections per socket is capped, and running out of descriptors stops
 * accepting for a while instead of spinning.
 *
 * Bounds, per connection:
 *	input	at most SRV_READ_SIZE bytes read at a time; what the protocol
 *		does not take is kept (at most that much) and reading stops
 *		until srv_resume
 *	output	producers are asked for more only while fewer than
 *		SRV_OUT_HIGH bytes wait to be sent (a producer may overshoot
 *		by its last write)
 * Per listening socket at most SRV_MAX_CONNS connections (256): at the
 * cap a new connection replaces the longest-idle one, or, when none is
 * idle, gets the protocol's "busy" answer and is closed; the episode is
 * logged once, and again with its counts when the number falls below three
 * quarters of the cap.
 *
 * Timeouts (struct srv_limits, settable for tests):
 *	idle	30 min between requests, medusa's zombie_timeout: clients
 *		that keep a connection between polls (dashboards) keep it
 *		as under supervisor; at the cap the longest-idle goes first
 *		anyway, so an idle connection costs only a descriptor
 *	request	60 s from a request's first byte to its end (a slow or
 *		stalled client cannot hold a connection by trickling bytes)
 *	send	5 min without one byte taken by a client that has output
 *		waiting (a client that never reads)
 *	linger	2 s: after a closing answer is sent, what the client still
 *		sends is read and dropped, so that closing does not reset
 *		the connection under the answer
 * A connection whose answer waits on something else (a deferred call,
 * tail -f with nothing new) is never timed out; once its client sent EOF,
 * it is looked at every 5 s and closed only when the client is gone
 * (closed, not half-closed: POLLHUP on a unix socket, a reset met by
 * TCP keepalive, which starts after 60 s idle, on an inet one).  Timers run only while a
 * connection exists: with no client the server makes no wakeup.
 */
#ifndef SUPERVISORD_SERVER_H
#define SUPERVISORD_SERVER_H

#include <stdbool.h>
#include <stddef.h>

#include <ev.h>

#include "supervisord/server_conn.h"

/* A server on loop for ops; nothing is opened yet.  NULL: no memory. */
struct srv *srv_new(struct ev_loop *loop, const struct srv_ops *ops);

/*
 * Listen on a unix socket at path, as supervisor makes it: bound as
 * PATH.PID with mode (and owner "user[:group]", or NULL) set before it is
 * linked to path, so that the name never exists with other rights; a
 * socket already at path is probed, and replaced when nobody answers
 * ("Unlinking stale socket"), else it is an error.  listen(1024).
 * 0, or -1 with a message in err (supervisord's words).
 */
int	srv_listen_unix(struct srv *s, const char *path, int mode,
	    const char *owner, void *arg, char *err, size_t errlen);

/*
 * Listen on host:port (IPv4, as supervisor; host "" for every
 * interface), SO_REUSEADDR, listen(1024).  0, or -1 with err set.
 */
int	srv_listen_inet(struct srv *s, const char *host, int port, void *arg,
	    char *err, size_t errlen);

/* Start accepting on every socket. */
void	srv_start(struct srv *s);

/* Recreate the unix socket if its name was deleted (SIGHUP, SIGUSR2). */
void	srv_recheck(struct srv *s);

/* Timeouts and the cap, for tests; a field at 0 keeps its value. */
void	srv_set_limits(struct srv *s, const struct srv_limits *l);

/* Connections open now (all sockets), for tests and the status dump. */
size_t	srv_nconns(const struct srv *s);
/* Bytes the connections hold in their buffers now (input and output). */
size_t	srv_buffered(const struct srv *s);

/*
 * Serve fd, a connected socket (tests, fuzzing), as if accepted on a
 * socket opened with arg.  0, or -1 (no memory: fd is not closed).
 */
int	srv_adopt(struct srv *s, int fd, bool is_unix, void *arg);

/*
 * Close everything: every connection (ops->close for each), every
 * socket, the unix socket's name if it is still ours; free s.  NULL ok.
 */
void	srv_free(struct srv *s);

#endif /* SUPERVISORD_SERVER_H */
