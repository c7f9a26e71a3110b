/*
 * listen: the daemon's listening sockets made as supervisor makes them
 * (http.py's supervisor_af_unix_http_server, medusa's http_server), for
 * server.c, which accepts on them.
 */
#ifndef SUPERVISORD_LISTEN_H
#define SUPERVISORD_LISTEN_H

#include <sys/types.h>

#include <stddef.h>

#define LSN_BACKLOG	1024

/*
 * A unix stream socket at path: bound as PATH.PID with mode (and owner
 * "user[:group]", or NULL) set and listening before it is linked to path,
 * so that the name never exists with other rights nor refuses clients; a
 * socket already at path is probed as supervisor's checkused does, and
 * replaced when nobody answers ("Unlinking stale socket"), else it is an
 * error; what is not a socket is never replaced.  The fd (non-blocking,
 * close-on-exec) with the name's device and inode in *dev, *ino; or -1
 * with a message in err (supervisord's words where it has them).
 */
int	lsn_unix(const char *path, int mode, const char *owner, dev_t *dev,
	    ino_t *ino, char *err, size_t errlen);

/*
 * An IPv4 socket on host:port (host "" for every interface, as
 * supervisor's AF_INET socket), SO_REUSEADDR, listening.  The fd, or -1
 * with err set.
 */
int	lsn_inet(const char *host, int port, char *err, size_t errlen);

#endif /* SUPERVISORD_LISTEN_H */
