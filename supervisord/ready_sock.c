/*
 * ready_sock: NOTIFY_SOCKET for ready=notify.
 */
#include <sys/socket.h>
#include <sys/types.h>
#include <sys/un.h>

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <ev.h>

#include "supervisord/log.h"
#include "supervisord/program.h"
#include "supervisord/ready_sock.h"
#include "supervisord/supervisor.h"

#define RSOCK_MSG	4096	/* a message's longest; the rest is cut */
#define RSOCK_BURST	64	/* messages read in one loop turn, at most */
#define RSOCK_FDS	16	/* descriptors taken from one message */

/* The value of key in the message (lines of KEY=VALUE), its length. */
static const char *
field(const char *msg, size_t n, const char *key, size_t *len)
{
	size_t		 klen = strlen(key);
	const char	*p = msg, *end = msg + n, *nl;

	while (p < end) {
		if ((nl = memchr(p, '\n', (size_t)(end - p))) == NULL)
			nl = end;
		if ((size_t)(nl - p) > klen && memcmp(p, key, klen) == 0 &&
		    p[klen] == '=') {
			*len = (size_t)(nl - p) - klen - 1;
			return p + klen + 1;
		}
		p = nl + 1;
	}
	return NULL;
}

static bool
is_one(const char *msg, size_t n, const char *key)
{
	const char	*v;
	size_t		 len;

	return (v = field(msg, n, key, &len)) != NULL && len == 1 &&
	    v[0] == '1';
}

/* One datagram from pid. */
static void
take(struct rsock *r, pid_t pid, const char *msg, size_t n)
{
	struct sv_program *p;
	const char	*v;
	size_t		 len;

	/* NotifyAccess=main: the program's own process, no other. */
	if ((p = sup_find_pid(r->s, pid)) == NULL || p->pid != pid) {
		log_debug("notify: a message from pid %d, no program's: "
		    "ignored", (int)pid);
		return;
	}
	if ((v = field(msg, n, "STATUS", &len)) != NULL)
		sv_notify_status(p, v, len);
	else if (is_one(msg, n, "STOPPING"))
		sv_notify_status(p, "stopping", 8);
	else if (is_one(msg, n, "RELOADING"))
		sv_notify_status(p, "reloading", 9);
	if (is_one(msg, n, "READY"))
		sv_notify_ready(p);
}

static void
read_cb(struct ev_loop *loop, ev_io *w, int revents)
{
	struct rsock	*r = w->data;
	char		 buf[RSOCK_MSG];
	union {
		struct cmsghdr	h;
		char		b[CMSG_SPACE(sizeof(struct ucred)) +
				    CMSG_SPACE(RSOCK_FDS * sizeof(int))];
	} cm;
	struct msghdr	 mh;
	struct iovec	 iov;
	struct cmsghdr	*c;
	struct ucred	 cred;
	ssize_t		 n;
	size_t		 i, nfd;
	int		 k, fd;
	bool		 have_cred;

	(void)loop;
	(void)revents;
	for (k = 0; k < RSOCK_BURST; k++) {
		memset(&mh, 0, sizeof(mh));
		iov.iov_base = buf;
		iov.iov_len = sizeof(buf);
		mh.msg_iov = &iov;
		mh.msg_iovlen = 1;
		mh.msg_control = cm.b;
		mh.msg_controllen = sizeof(cm.b);
		n = recvmsg(r->fd, &mh, MSG_DONTWAIT | MSG_CMSG_CLOEXEC);
		if (n == -1) {
			if (errno != EAGAIN && errno != EWOULDBLOCK &&
			    errno != EINTR)
				log_warn("notify: recvmsg");
			return;
		}
		have_cred = false;
		for (c = CMSG_FIRSTHDR(&mh); c != NULL;
		    c = CMSG_NXTHDR(&mh, c)) {
			if (c->cmsg_level != SOL_SOCKET)
				continue;
			if (c->cmsg_type == SCM_CREDENTIALS &&
			    c->cmsg_len >= CMSG_LEN(sizeof(cred))) {
				memcpy(&cred, CMSG_DATA(c), sizeof(cred));
				have_cred = true;
			} else if (c->cmsg_type == SCM_RIGHTS) {
				/* Not kept: closed at once. */
				nfd = (c->cmsg_len - CMSG_LEN(0)) /
				    sizeof(int);
				for (i = 0; i < nfd; i++) {
					memcpy(&fd, CMSG_DATA(c) + i *
					    sizeof(int), sizeof(int));
					(void)close(fd);
				}
			}
		}
		if (have_cred && cred.pid > 0)
			take(r, cred.pid, buf, (size_t)n);
	}
}

void
rsock_init(struct rsock *r, struct supervisor *s)
{
	memset(r, 0, sizeof(*r));
	r->s = s;
	r->fd = -1;
	ev_io_init(&r->io, read_cb, -1, EV_READ);
	r->io.data = r;
}

const char *
rsock_name(void *arg)
{
	struct rsock		*r = arg;
	struct sockaddr_un	 sa;
	socklen_t		 len;
	size_t			 n;
	int			 one = 1;

	if (r->fd != -1)
		return r->name;
	if (r->name[0] == '!')
		return NULL;		/* failed before: said once */
	snprintf(r->name, sizeof(r->name), "@supervisord/%d/notify",
	    (int)getpid());
	memset(&sa, 0, sizeof(sa));
	sa.sun_family = AF_UNIX;
	n = strlen(r->name);
	/* Abstract: a NUL first, then the name's bytes, no trailing NUL. */
	memcpy(sa.sun_path + 1, r->name + 1, n - 1);
	len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + n);
	if ((r->fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC |
	    SOCK_NONBLOCK, 0)) == -1 ||
	    setsockopt(r->fd, SOL_SOCKET, SO_PASSCRED, &one,
	    sizeof(one)) == -1 ||
	    bind(r->fd, (struct sockaddr *)&sa, len) == -1) {
		log_warn("notify: couldn't make %s: ready=notify programs "
		    "will not be told where to say so", r->name);
		if (r->fd != -1)
			close(r->fd);
		r->fd = -1;
		r->name[0] = '!';
		return NULL;
	}
	ev_io_set(&r->io, r->fd, EV_READ);
	ev_io_start(r->s->loop, &r->io);
	return r->name;
}

void
rsock_free(struct rsock *r)
{
	if (r->fd == -1)
		return;
	ev_io_stop(r->s->loop, &r->io);
	close(r->fd);
	r->fd = -1;
}
