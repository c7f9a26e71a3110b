/*
 * listen: making the listening sockets (listen.h).  Everything here runs
 * before the loop or on SIGHUP/SIGUSR2 (a deleted unix socket made
 * again), so it may block briefly: the probe of a stale socket waits 1 s
 * at most.
 */
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/un.h>

#include <netinet/in.h>

#include <errno.h>
#include <grp.h>
#include <netdb.h>
#include <poll.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "supervisord/listen.h"
#include "supervisord/log.h"

#define LSN_LINKS	5	/* stale sockets replaced, at most */

static int
set_err(char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int
set_err(char *err, size_t errlen, const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return -1;
}

/* The unix socket. */

/* chown= as supervisor reads it: "user" or "user:group". */
static int
parse_owner(const char *spec, uid_t *uid, gid_t *gid, char *err,
    size_t errlen)
{
	struct passwd	*pw;
	struct group	*gr;
	char		*user, *colon;
	int		 rc = 0;

	if ((user = strdup(spec)) == NULL)
		return set_err(err, errlen, "out of memory");
	if ((colon = strchr(user, ':')) != NULL)
		*colon++ = '\0';
	if ((pw = getpwnam(user)) == NULL) {
		rc = set_err(err, errlen, "Invalid user name %s", user);
		goto out;
	}
	*uid = pw->pw_uid;
	*gid = pw->pw_gid;
	if (colon != NULL) {
		if ((gr = getgrnam(colon)) == NULL) {
			rc = set_err(err, errlen, "Invalid group name %s",
			    colon);
			goto out;
		}
		*gid = gr->gr_gid;
	}
out:
	free(user);
	return rc;
}

static int
sun_set(struct sockaddr_un *sun, const char *path)
{
	memset(sun, 0, sizeof(*sun));
	sun->sun_family = AF_UNIX;
	if (strlen(path) >= sizeof(sun->sun_path)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	memcpy(sun->sun_path, path, strlen(path) + 1);
	return 0;
}

/*
 * supervisor's checkused: does a server answer at path?  Connect, send a
 * request, wait (1 s at most) for a byte or the end.  Any error: stale.
 */
static bool
socket_used(const char *path)
{
	static const char probe[] = "GET / HTTP/1.0\r\n\r\n";
	struct sockaddr_un sun;
	struct pollfd	 pfd;
	char		 b;
	int		 fd, rc;
	bool		 used = false;

	if (sun_set(&sun, path) == -1 ||
	    (fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1)
		return false;
	if (connect(fd, (struct sockaddr *)&sun, sizeof(sun)) == 0 &&
	    send(fd, probe, sizeof(probe) - 1, MSG_NOSIGNAL) ==
	    (ssize_t)sizeof(probe) - 1) {
		pfd.fd = fd;
		pfd.events = POLLIN;
		while ((rc = poll(&pfd, 1, 1000)) == -1 && errno == EINTR)
			;
		/* A server too busy to answer within 1 s is still one. */
		used = rc == 0 || (rc == 1 && recv(fd, &b, 1, 0) >= 0);
	}
	close(fd);
	return used;
}

int
lsn_unix(const char *path, int mode, const char *owner, dev_t *dev,
    ino_t *ino, char *err, size_t errlen)
{
	struct sockaddr_un sun;
	struct stat	 st;
	char		 tmp[sizeof(sun.sun_path) + 16];
	uid_t		 uid = (uid_t)-1;
	gid_t		 gid = (gid_t)-1;
	mode_t		 mask;
	int		 fd, i, rc;

	if (owner != NULL &&
	    parse_owner(owner, &uid, &gid, err, errlen) == -1)
		return -1;
	/* supervisor's temporary name, FILE.PID. */
	snprintf(tmp, sizeof(tmp), "%s.%d", path, (int)getpid());
	if (sun_set(&sun, tmp) == -1)
		return set_err(err, errlen, "the socket path %s is too long",
		    path);
	(void)unlink(tmp);
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
	    0)) == -1)
		return set_err(err, errlen, "socket: %s", strerror(errno));
	/* The mode is right from the moment the name exists. */
	mask = umask((mode_t)(~mode & 0777));
	rc = bind(fd, (struct sockaddr *)&sun, sizeof(sun));
	umask(mask);
	if (rc == -1) {
		set_err(err, errlen, "couldn't bind %s: %s", tmp,
		    strerror(errno));
		close(fd);
		return -1;
	}
	/* Owner and mode before the link: the name appears complete. */
	if (chmod(tmp, (mode_t)mode) == -1) {
		set_err(err, errlen, "couldn't chmod %s: %s", tmp,
		    strerror(errno));
		goto fail;
	}
	if (owner != NULL && lchown(tmp, uid, gid) == -1) {
		if (errno == EPERM) {
			struct passwd *pw = getpwuid(geteuid());

			set_err(err, errlen, "Not permitted to chown %s to "
			    "uid/gid (%d, %d); adjust \"sockchown\" value in "
			    "config file or on command line to values that "
			    "the current user (%s) can successfully chown",
			    path, (int)uid, (int)gid,
			    pw != NULL ? pw->pw_name : "?");
		} else
			set_err(err, errlen, "couldn't chown %s: %s", tmp,
			    strerror(errno));
		goto fail;
	}
	if (listen(fd, LSN_BACKLOG) == -1) {
		set_err(err, errlen, "listen on %s: %s", tmp, strerror(errno));
		goto fail;
	}
	for (i = 0; link(tmp, path) == -1; i++) {
		if (errno != EEXIST || i == LSN_LINKS) {
			set_err(err, errlen, "couldn't link %s to %s: %s", tmp,
			    path, strerror(errno));
			goto fail;
		}
		/* Unlike supervisor, never unlink what is not a socket. */
		if (lstat(path, &st) == 0 && !S_ISSOCK(st.st_mode)) {
			set_err(err, errlen, "%s exists and is not a socket: "
			    "not replacing it", path);
			goto fail;
		}
		if (socket_used(path)) {
			set_err(err, errlen, "Another program is already "
			    "listening on a port that one of our HTTP servers "
			    "is configured to use.  Shut this program down "
			    "first before starting supervisord.");
			goto fail;
		}
		log_warnx("Unlinking stale socket %s", path);
		if (unlink(path) == -1 && errno != ENOENT) {
			set_err(err, errlen, "couldn't unlink %s: %s", path,
			    strerror(errno));
			goto fail;
		}
	}
	(void)unlink(tmp);
	if (stat(path, &st) == -1) {
		set_err(err, errlen, "%s: %s", path, strerror(errno));
		close(fd);
		return -1;
	}
	*dev = st.st_dev;
	*ino = st.st_ino;
	return fd;
fail:
	(void)unlink(tmp);
	close(fd);
	return -1;
}

/* The inet socket. */

int
lsn_inet(const char *host, int port, char *err, size_t errlen)
{
	struct addrinfo	 hints, *res;
	char		 serv[16];
	const char	*ename;
	int		 fd, one = 1, rc, e;

	snprintf(serv, sizeof(serv), "%d", port);
	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_INET;	/* supervisor's socket is AF_INET */
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
	if ((rc = getaddrinfo(*host != '\0' ? host : NULL, serv, &hints,
	    &res)) != 0)
		return set_err(err, errlen, "Cannot open an HTTP server: "
		    "%s: %s", host, gai_strerror(rc));
	fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd == -1 || setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one,
	    sizeof(one)) == -1 || bind(fd, res->ai_addr, res->ai_addrlen) ==
	    -1 || listen(fd, LSN_BACKLOG) == -1) {
		e = errno;
		freeaddrinfo(res);
		if (fd != -1)
			close(fd);
		if (e == EADDRINUSE)
			return set_err(err, errlen, "Another program is "
			    "already listening on a port that one of our HTTP "
			    "servers is configured to use.  Shut this program "
			    "down first before starting supervisord.");
		ename = strerrorname_np(e);
		return set_err(err, errlen, "Cannot open an HTTP server: "
		    "socket.error reported errno.%s (%d)",
		    ename != NULL ? ename : "?", e);
	}
	freeaddrinfo(res);
	return fd;
}

