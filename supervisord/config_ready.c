/*
 * config_ready: ready= values.
 */
#include <sys/socket.h>

#include <netinet/in.h>
#include <arpa/inet.h>

#include <stdlib.h>
#include <string.h>

#include "supervisord/config_ready.h"

static int
tcp_parse(const char *hp, struct cfg_ready *r, const char **why)
{
	struct sockaddr_in	*in4 = (struct sockaddr_in *)(void *)&r->addr;
	struct sockaddr_in6	*in6 = (struct sockaddr_in6 *)(void *)&r->addr;
	char			 host[64];
	const char		*colon, *end;
	char			*e;
	unsigned long		 port;
	size_t			 n;

	if (hp[0] == '[') {
		if ((end = strchr(hp, ']')) == NULL || end[1] != ':') {
			*why = "an IPv6 address is written [ADDRESS]:PORT";
			return -1;
		}
		n = (size_t)(end - hp - 1);
		colon = end + 1;
		hp++;
	} else {
		if ((colon = strrchr(hp, ':')) == NULL) {
			*why = "tcp: wants HOST:PORT";
			return -1;
		}
		n = (size_t)(colon - hp);
	}
	if (n == 0 || n >= sizeof(host)) {
		*why = "tcp: wants a host: a numeric address, [IPv6] or "
		    "localhost";
		return -1;
	}
	memcpy(host, hp, n);
	host[n] = '\0';
	port = strtoul(colon + 1, &e, 10);
	if (colon[1] < '0' || colon[1] > '9' || *e != '\0' || port == 0 ||
	    port > 65535) {
		*why = "tcp: wants a port from 1 to 65535";
		return -1;
	}
	memset(&r->addr, 0, sizeof(r->addr));
	if (strcmp(host, "localhost") == 0)
		strcpy(host, "127.0.0.1");
	if (inet_pton(AF_INET, host, &in4->sin_addr) == 1) {
		in4->sin_family = AF_INET;
		in4->sin_port = htons((unsigned short)port);
		r->addrlen = sizeof(*in4);
	} else if (inet_pton(AF_INET6, host, &in6->sin6_addr) == 1) {
		in6->sin6_family = AF_INET6;
		in6->sin6_port = htons((unsigned short)port);
		r->addrlen = sizeof(*in6);
	} else {
		*why = "tcp: wants a numeric address, [IPv6] or localhost "
		    "(no name is looked up)";
		return -1;
	}
	r->kind = CFG_READY_TCP;
	return 0;
}

int
cfg_ready_parse(const char *v, struct cfg_ready *r, const char **why)
{
	memset(r, 0, sizeof(*r));
	if (strcmp(v, "notify") == 0) {
		r->kind = CFG_READY_NOTIFY;
		return 0;
	}
	if (strncmp(v, "file:", 5) == 0) {
		if (v[5] != '/') {
			*why = "file: wants an absolute path";
			return -1;
		}
		r->kind = CFG_READY_FILE;
		r->path = v + 5;
		return 0;
	}
	if (strncmp(v, "tcp:", 4) == 0)
		return tcp_parse(v + 4, r, why);
	*why = "notify, file:PATH or tcp:HOST:PORT";
	return -1;
}
