/*
 * control: the control socket inside the daemon (what supervisorctl talks
 * to): the transport and the commands; the model is supervisor.c's.
 *
 * The socket is a unix stream socket at [unix_http_server] file=.  The
 * protocol is line-based and documented in supervisorctl(1): one request
 * line (optionally preceded by an "auth" line), answered by output lines
 * and a final status line, after which the daemon closes the connection.
 * Every client is served without blocking from the daemon's one loop.
 */
#ifndef SUPERVISORD_CONTROL_H
#define SUPERVISORD_CONTROL_H

#include <stddef.h>
#include <stdio.h>
#include <time.h>

#include <ev.h>

#include "supervisord/config.h"
#include "supervisord/program.h"
#include "supervisord/supervisor.h"

/*
 * Create the socket of c->unix_socket (nothing when NULL): bound under a
 * temporary name with chmod= and chown= applied, listening, then renamed
 * into place, so no client ever sees looser permissions.  A socket left by
 * a dead daemon is replaced; one a live daemon answers on is not.  Call it
 * before daemonizing and dropping privileges.  0, or -1 with a message in
 * err (then nothing is left behind).
 */
int	ctl_open(const struct cfg *c, char *err, size_t errlen);

/* "unix:///path" of the socket served, for SUPERVISOR_SERVER_URL; or NULL. */
const char *ctl_serverurl(void);

/* Start serving clients of s on its loop (after ctl_open; nothing if no
 * socket).  s outlives ctl_close(). */
void	ctl_start(struct supervisor *s);

/* Close every client and the socket, and remove it if it is still ours. */
void	ctl_close(void);

/* Observers (sup_observe): a program changed state, which wakes the
 * clients that wait on it; a program is about to be freed (reload,
 * remove), which every waiting request forgets. */
void	ctl_program_changed(void *arg, struct sv_program *p);
void	ctl_program_gone(void *arg, struct sv_program *p);

#endif /* SUPERVISORD_CONTROL_H */
