/*
 * notify: tell systemd how the daemon is doing, with the sd_notify
 * datagram protocol (sd_notify(3)) and without libsystemd: one datagram
 * of "KEY=value" lines to the AF_UNIX socket named by NOTIFY_SOCKET (a
 * path, or "@name" for the abstract namespace).  It also pings systemd's
 * watchdog every WATCHDOG_USEC / 2 when that asks for it: the only
 * periodic timer the daemon has.
 *
 * Without NOTIFY_SOCKET every call is a no-op.  Nothing here is fatal: a
 * datagram that cannot be sent is logged once per episode.  Keeping
 * NOTIFY_SOCKET, WATCHDOG_USEC and WATCHDOG_PID out of the programs'
 * environment is program.c's business.
 */
#ifndef SUPERVISORD_NOTIFY_H
#define SUPERVISORD_NOTIFY_H

#include <ev.h>

#include "supervisord/program.h"
#include "supervisord/supervisor.h"

/*
 * Read NOTIFY_SOCKET, WATCHDOG_USEC and WATCHDOG_PID from the environment
 * and open the socket; start the watchdog timer on sup's loop when
 * systemd asks for pings from this pid.  STATUS= tells sup's counts (sup
 * outlives ntf_close).  Returns 1 when notifying, 0 when there is no
 * NOTIFY_SOCKET, -1 (logged) when it is unusable.
 */
int	ntf_init(const struct supervisor *sup);

/* READY=1, with the current STATUS= (startup done, or a reload done). */
void	ntf_ready(void);

/* RELOADING=1 and MONOTONIC_USEC= (a SIGHUP reload begins). */
void	ntf_reloading(void);

/* STOPPING=1 (the shutdown begins): an observer (sup_observe). */
void	ntf_stopping(void *arg);

/*
 * A program changed state (an observer): the STATUS= summary (the number of processes
 * in each state) is sent once the loop has handled what is pending, and
 * only when it differs from the last one sent.
 */
void	ntf_changed(void *arg, struct sv_program *p);

/*
 * Send one message as it is ("KEY=value" lines).  0, or -1 with errno
 * (ENOTCONN when there is no NOTIFY_SOCKET).
 */
int	ntf_send(const char *msg);

/* Stop the watchers and close the socket; before the loop is destroyed. */
void	ntf_close(void);

#endif /* SUPERVISORD_NOTIFY_H */
