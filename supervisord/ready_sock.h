/*
 * ready_sock: the daemon's NOTIFY_SOCKET for programs with ready=notify
 * (ours): one datagram socket, abstract, so that programs running as any
 * user reach it, speaking systemd's sd_notify protocol.  A message counts
 * only from a program's main pid (systemd's NotifyAccess=main), known by
 * the kernel's credentials (SO_PASSCRED); descriptors sent along
 * (SCM_RIGHTS) are received close-on-exec and closed.
 *
 *	READY=1		a STARTING process with ready=notify is RUNNING
 *	STATUS=text	its description: "pid 123, uptime 0:01:02, text"
 *	STOPPING=1,	the description says "stopping" or "reloading"
 *	RELOADING=1	(without a STATUS); the state stays what it is
 */
#ifndef SUPERVISORD_READY_SOCK_H
#define SUPERVISORD_READY_SOCK_H

#include <ev.h>

#include "supervisord/supervisor.h"

struct rsock {
	struct supervisor *s;
	ev_io		 io;
	int		 fd;		/* -1 until a program needs it */
	char		 name[64];	/* "@supervisord/PID/notify" */
};

/* Ready to make the socket when a program first needs it. */
void	rsock_init(struct rsock *r, struct supervisor *s);

/*
 * sv_ctx's notify_name: the NOTIFY_SOCKET value, the socket made at the
 * first call; NULL (logged once) when it cannot be.
 */
const char *rsock_name(void *arg);

void	rsock_free(struct rsock *r);

#endif
