/*
 * config_ready: the value of ready= (ours), how a program says it is
 * ready: a file that appears, or a TCP port that accepts a connection.
 */
#ifndef SUPERVISORD_CONFIG_READY_H
#define SUPERVISORD_CONFIG_READY_H

#include <sys/socket.h>

enum cfg_ready_kind {
	CFG_READY_FILE = 1,	/* file:PATH, PATH absolute */
	CFG_READY_TCP,		/* tcp:HOST:PORT */
	CFG_READY_NOTIFY	/* notify: READY=1 on NOTIFY_SOCKET */
};

struct cfg_ready {
	enum cfg_ready_kind	 kind;
	const char		*path;		/* FILE: into the value */
	struct sockaddr_storage	 addr;		/* TCP */
	socklen_t		 addrlen;
};

/*
 * Parse v: notify, file:PATH (absolute), or tcp:HOST:PORT where HOST is a
 * numeric IPv4 address, [an IPv6 one] or localhost (127.0.0.1): no name
 * is looked up, at load or later.  0, or -1 with a static reason in *why.
 */
int	cfg_ready_parse(const char *v, struct cfg_ready *r, const char **why);

#endif
