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

#define SRV_READ_SIZE	(16 * 1024)
#define SRV_OUT_HIGH	(64 * 1024)
#define SRV_MAX_CONNS	256

struct srv;
struct srv_conn;

/* What the protocol above does with a connection. */
struct srv_ops {
	/*
	 * A new connection on a socket opened with arg: its state, or NULL
	 * to close it at once (out of memory).
	 */
	void	*(*open)(void *arg, struct srv_conn *c);
	/*
	 * Bytes arrived: how many were taken.  Fewer than len: the rest is
	 * kept, and reading stops until srv_resume.
	 */
	size_t	 (*input)(void *cs, const char *buf, size_t len);
	/* The client will send nothing more (after every byte was taken). */
	void	 (*eof)(void *cs);
	/* Go on: after srv_kick, or when room came back after srv_want_room. */
	void	 (*run)(void *cs);
	/* The connection is gone (any cause): free cs.  Called once. */
	void	 (*close)(void *cs);
	/* At the cap: the answer for a refused client, at most size bytes. */
	size_t	 (*busy)(void *arg, char *buf, size_t size);
};

/* What a connection is doing, for its timeout and for the cap. */
enum srv_cstate {
	SRV_IDLE = 0,		/* between requests: may be replaced */
	SRV_REQUEST,		/* a request is arriving */
	SRV_ANSWER		/* answering, or waiting to */
};

struct srv_limits {
	double	 idle;		/* seconds; see above */
	double	 request;
	double	 send;
	double	 linger;
	double	 retry;		/* after EMFILE, accept again in (1 s) */
	size_t	 max_conns;	/* per listening socket */
};

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

/* A connection. */

/* Append to the output; sent as the client takes it. */
void	srv_write(struct srv_conn *c, const void *buf, size_t len);
/* How much more fits below SRV_OUT_HIGH (0 when full). */
size_t	srv_room(const struct srv_conn *c);
/* Bytes waiting to be sent. */
size_t	srv_pending(const struct srv_conn *c);
/* Call ops->run once there is room again. */
void	srv_want_room(struct srv_conn *c);
/* Call ops->run soon, from the loop (never from inside this call). */
void	srv_kick(struct srv_conn *c);
/* Feed the kept input again (from the loop) and read on. */
void	srv_resume(struct srv_conn *c);
void	srv_set_state(struct srv_conn *c, enum srv_cstate st);
/* Close once the output is sent (reading and dropping what comes). */
void	srv_finish(struct srv_conn *c);
/* Close now; ops->close follows (at once, or when the callback returns). */
void	srv_close(struct srv_conn *c);
/* Did it come on the unix socket? */
bool	srv_is_unix(const struct srv_conn *c);

#endif /* SUPERVISORD_SERVER_H */
