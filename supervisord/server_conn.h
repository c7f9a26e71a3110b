/*
 * server_conn: the connections of server.c, below it: the types the
 * protocol above sees (struct srv_ops, the states, the limits), the calls
 * it makes on a connection, and the structs server.c and server_conn.c
 * share (internal to server*.c; the protocol uses only the functions).
 * server.h has the bounds and timeouts these implement.
 */
#ifndef SUPERVISORD_SERVER_CONN_H
#define SUPERVISORD_SERVER_CONN_H

#include <sys/queue.h>
#include <sys/types.h>

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

/* Internal to server*.c. */

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


/* A connection of l on fd, counted in s, reading not started. */
struct srv_conn *sc_alloc(struct srv_listener *l, int fd);
/* After a callback of c: send, go on, free it if dead, arm its timer. */
void	sc_settle(struct srv_conn *c);
/* Free c now (ops->close once); accept again if that was stopped. */
void	sc_teardown(struct srv_conn *c);
/* Accepting stopped on err (EMFILE, ...), until sc_accept_resume. */
void	sc_accept_pause(struct srv *s, int err);
void	sc_accept_resume(struct srv *s);

#endif /* SUPERVISORD_SERVER_CONN_H */
