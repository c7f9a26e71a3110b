/*
 * control: the control socket inside the daemon (what supervisorctl talks
 * to) and the status lines it shares with the SIGUSR1 dump.
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

/* Start serving clients on loop (after ctl_open; nothing if no socket). */
void	ctl_start(struct ev_loop *loop);

/* Close every client and the socket, and remove it if it is still ours. */
void	ctl_close(void);

/* A program changed state: wake clients that wait on it (sv_ctx). */
void	ctl_program_changed(struct sv_program *p);

/*
 * A program is about to be freed (reload, remove): forget it in every
 * waiting request.
 */
void	ctl_program_gone(struct sv_program *p);

/*
 * supervisorctl's status line for p: the namespec padded to width + 3
 * (width: the longest namespec, at least 30), the state padded to 10,
 * the description.  Returns buf.
 */
const char *ctl_status_line(const struct sv_program *p, size_t width,
	    time_t now, char *buf, size_t len);

/* The width ctl_status_line wants for the current programs. */
size_t	ctl_status_width(void);

/* "2 RUNNING, 1 FATAL" (or "no processes") into buf. */
void	ctl_state_counts(char *buf, size_t len);

/* SIGUSR1: a header and every program's status line into the log. */
void	ctl_status_dump(void);

#endif /* SUPERVISORD_CONTROL_H */
