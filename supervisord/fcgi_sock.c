/*
 * fcgi_sock: the listening sockets of [fcgi-program:x] sections (see
 * fcgi_sock.h): supervisor 4.2.5's socket_manager.py and the
 * create_and_bind of datatypes.py's socket configs.  A short list, one
 * entry per (section, URL) open now; which process holds a reference is
 * the caller's business (program.c's has_sock).
 */
#include <sys/types.h>
#include <sys/queue.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

#include <netinet/in.h>

#include <errno.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "supervisord/config.h"
#include "supervisord/log.h"
#include "supervisord/fcgi_sock.h"

struct fcgi_sock {
	LIST_ENTRY(fcgi_sock) entry;
	char		*section;	/* "fcgi-program:x" */
	char		*url;
	int		 fd;
	int		 refs;
};

/* err = "step: reason" (errno's text), errno kept; -1. */
static int
fail(char *err, size_t len, const char *step, int fd)
{
	int	e = errno;

	if (fd != -1)
		(void)close(fd);
	if (err != NULL)
		snprintf(err, len, "%s: %s", step, strerror(e));
	errno = e;
	return -1;
}

static int
backlog_of(const struct cfg_program *c)
{
	/* supervisor: listen(backlog or socket.SOMAXCONN). */
	return c->socket_backlog > 0 ? c->socket_backlog : SOMAXCONN;
}

static int
open_tcp(const struct cfg_program *c, const char *hostport, char *err,
    size_t len)
{
	struct addrinfo	 hints, *ai = NULL;
	const char	*colon = strrchr(hostport, ':');
	char		 host[256];
	int		 fd, one = 1, rc;

	if (colon == NULL || (size_t)(colon - hostport) >= sizeof(host)) {
		errno = EINVAL;
		return fail(err, len, "address", -1);
	}
	snprintf(host, sizeof(host), "%.*s", (int)(colon - hostport),
	    hostport);
	/* Python's AF_INET socket: IPv4 only, a name resolved. */
	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_INET;
	hints.ai_socktype = SOCK_STREAM;
	if ((rc = getaddrinfo(host, colon + 1, &hints, &ai)) != 0) {
		if (err != NULL)
			snprintf(err, len, "getaddrinfo %s: %s", host,
			    rc == EAI_SYSTEM ? strerror(errno) :
			    gai_strerror(rc));
		errno = rc == EAI_SYSTEM ? errno : EADDRNOTAVAIL;
		return -1;
	}
	if ((fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1) {
		freeaddrinfo(ai);
		return fail(err, len, "socket", -1);
	}
	if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one,
	    sizeof(one)) == -1) {
		freeaddrinfo(ai);
		return fail(err, len, "setsockopt SO_REUSEADDR", fd);
	}
	if (bind(fd, ai->ai_addr, ai->ai_addrlen) == -1) {
		freeaddrinfo(ai);
		return fail(err, len, "bind", fd);
	}
	freeaddrinfo(ai);
	if (listen(fd, backlog_of(c)) == -1)
		return fail(err, len, "listen", fd);
	return fd;
}

/* Close fd and unlink path, keeping errno; -1. */
static int
fail_unix(char *err, size_t len, const char *step, int fd, const char *path)
{
	int	e = errno;

	(void)fail(err, len, step, fd);
	(void)unlink(path);
	errno = e;
	return -1;
}

static int
open_unix(const struct cfg_program *c, const char *path, char *err,
    size_t len)
{
	struct sockaddr_un sun;
	int		 fd;

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	if (strlen(path) >= sizeof(sun.sun_path)) {
		errno = ENAMETOOLONG;
		return fail(err, len, "bind", -1);
	}
	memcpy(sun.sun_path, path, strlen(path) + 1);
	/* supervisor: an old socket (or anything else) there goes. */
	if (unlink(path) == -1 && errno != ENOENT)
		return fail(err, len, "unlink", -1);
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1)
		return fail(err, len, "socket", -1);
	if (bind(fd, (struct sockaddr *)&sun, sizeof(sun)) == -1)
		return fail_unix(err, len, "bind", fd, path);
	/*
	 * Owner and mode before listen: until then a connect is refused,
	 * so no client gets in under the umask's mode.
	 */
	if (c->has_socket_owner && chown(path, c->socket_uid,
	    c->socket_gid) == -1)
		return fail_unix(err, len, "chown", fd, path);
	if (c->socket_mode >= 0 && chmod(path, (mode_t)c->socket_mode) == -1)
		return fail_unix(err, len, "chmod", fd, path);
	if (listen(fd, backlog_of(c)) == -1)
		return fail_unix(err, len, "listen", fd, path);
	return fd;
}

int
fcgi_open(const struct cfg_program *c, char *err, size_t len)
{
	if (c->socket == NULL) {
		errno = EINVAL;
		return fail(err, len, "no socket", -1);
	}
	if (strncmp(c->socket, "unix://", 7) == 0)
		return open_unix(c, c->socket + 7, err, len);
	if (strncmp(c->socket, "tcp://", 6) == 0)
		return open_tcp(c, c->socket + 6, err, len);
	errno = EINVAL;
	return fail(err, len, "address", -1);
}

static struct fcgi_sock *
find(const struct fcgi_socks *set, const struct cfg_program *c)
{
	struct fcgi_sock *s;

	LIST_FOREACH(s, &set->head, entry)
		if (strcmp(s->section, c->section) == 0 &&
		    strcmp(s->url, c->socket) == 0)
			return s;
	return NULL;
}

int
fcgi_get(struct fcgi_socks *set, const struct cfg_program *c)
{
	struct fcgi_sock *s;
	char		 why[256];
	int		 e;

	if ((s = find(set, c)) != NULL) {
		s->refs++;
		return s->fd;
	}
	if ((s = calloc(1, sizeof(*s))) == NULL ||
	    (s->section = strdup(c->section)) == NULL ||
	    (s->url = strdup(c->socket)) == NULL) {
		e = errno;
		log_warnx("Could not create FastCGI socket %s: out of memory",
		    c->socket);
		if (s != NULL)
			free(s->section);
		free(s);
		errno = e;
		return -1;
	}
	log_info("Creating socket %s", c->socket);
	if ((s->fd = fcgi_open(c, why, sizeof(why))) == -1) {
		e = errno;
		log_warnx("Could not create FastCGI socket %s for [%s]: %s",
		    c->socket, c->section, why);
		free(s->section);
		free(s->url);
		free(s);
		errno = e;
		return -1;
	}
	s->refs = 1;
	LIST_INSERT_HEAD(&set->head, s, entry);
	return s->fd;
}

static void
sock_close(struct fcgi_sock *s)
{
	LIST_REMOVE(s, entry);
	(void)close(s->fd);
	free(s->section);
	free(s->url);
	free(s);
}

void
fcgi_put(struct fcgi_socks *set, const struct cfg_program *c)
{
	struct fcgi_sock *s;

	if ((s = find(set, c)) == NULL) {
		/* A broken invariant, but a harmless one: say so. */
		log_warnx("no socket %s of [%s] to release", c->socket,
		    c->section);
		return;
	}
	if (--s->refs > 0)
		return;
	log_info("Closing socket %s", s->url);
	sock_close(s);
}

int
fcgi_refs(const struct fcgi_socks *set, const struct cfg_program *c)
{
	struct fcgi_sock *s;

	return (s = find(set, c)) != NULL ? s->refs : 0;
}

void
fcgi_close_all(struct fcgi_socks *set)
{
	struct fcgi_sock *s;

	while ((s = LIST_FIRST(&set->head)) != NULL) {
		log_info("Closing socket %s", s->url);
		sock_close(s);
	}
}
