/*
 * fcgi_sock: the listening sockets of [fcgi-program:x] sections, as
 * supervisor 4.2.5's SocketManager keeps them: reference-counted, the
 * first reference creates the socket and listens, the last release
 * closes it, so that a socket exists while one process of its section
 * lives.  Each process gets the socket as its fd 0 and accepts on it;
 * the daemon never does.  When to take and give back a reference (each
 * spawn, each reap) is the caller's.
 */
#ifndef SUPERVISORD_FCGI_SOCK_H
#define SUPERVISORD_FCGI_SOCK_H

#include <sys/queue.h>
#include <stddef.h>

#include "supervisord/config.h"

struct fcgi_sock;

/* The sockets open now; an empty set is all zeroes (LIST_INIT). */
struct fcgi_socks {
	LIST_HEAD(, fcgi_sock) head;
};

/*
 * Create c's socket (c->socket: "tcp://host:port" or "unix:///path")
 * and listen on it, as supervisor's create_and_bind and listen do:
 * tcp: SO_REUSEADDR, bind, listen.  unix: unlink what is at the path,
 * bind, chown (c's socket owner), chmod (c's socket mode), and only then
 * listen, so that no client connects before owner and mode are set; on
 * failure the path is unlinked.  listen's backlog is c's, or SOMAXCONN.
 * The socket is blocking (its processes accept on it as supervisor's do)
 * and close-on-exec.  The fd, or -1 with errno and err (if not NULL)
 * filled with the step and reason ("bind: Address already in use").
 */
int	fcgi_open(const struct cfg_program *c, char *err, size_t len);

/*
 * A reference to the socket of c's section (c->section, c->socket: a
 * section whose URL changed on reload has two until the old one's last
 * process is gone): created with fcgi_open and logged "Creating socket
 * URL" by the first.  The fd (the set's: do not close it), or -1 with
 * errno, the failure logged.
 */
int	fcgi_get(struct fcgi_socks *set, const struct cfg_program *c);

/* Give back a reference fcgi_get gave for c: the last closes the socket,
 * logged "Closing socket URL".  The unix path stays, as supervisor's. */
void	fcgi_put(struct fcgi_socks *set, const struct cfg_program *c);

/* References held on c's socket (0: not open). */
int	fcgi_refs(const struct fcgi_socks *set, const struct cfg_program *c);

/* Close every socket, references or not (at exit). */
void	fcgi_close_all(struct fcgi_socks *set);

#endif /* SUPERVISORD_FCGI_SOCK_H */
