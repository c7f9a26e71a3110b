/*
 * notifyprog: a program of ready=notify, speaking systemd's protocol to
 * $NOTIFY_SOCKET as sd_notify(3) does: each MESSAGE argument is sent as
 * one datagram ("\n" in it written as two characters "\n" is a newline),
 * after waiting MS milliseconds, the first one with a descriptor of this
 * program's binary attached (SCM_RIGHTS: the daemon must close it); "fork:MESSAGE" sends it from a
 * child instead, which the daemon must ignore (not the main pid).  Then
 * it sleeps until a signal ends it.
 *
 *	notifyprog MS MESSAGE...
 */
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>

#include <fcntl.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static int
send_msg(const char *text, int fd)
{
	const char		*e = getenv("NOTIFY_SOCKET");
	struct sockaddr_un	 sa;
	struct msghdr		 mh;
	struct iovec		 iov;
	union {
		struct cmsghdr	h;
		char		b[CMSG_SPACE(sizeof(int))];
	} cm;
	char			 msg[1024];
	size_t			 n = 0, len;
	int			 s;

	if (e == NULL || (e[0] != '@' && e[0] != '/') ||
	    (len = strlen(e)) >= sizeof(sa.sun_path))
		return -1;
	for (; *text != '\0' && n < sizeof(msg) - 1; text++) {
		if (text[0] == '\\' && text[1] == 'n') {
			msg[n++] = '\n';
			text++;
		} else
			msg[n++] = *text;
	}
	memset(&sa, 0, sizeof(sa));
	sa.sun_family = AF_UNIX;
	memcpy(sa.sun_path, e, len);
	if (e[0] == '@')
		sa.sun_path[0] = '\0';
	if ((s = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0)) == -1)
		return -1;
	memset(&mh, 0, sizeof(mh));
	iov.iov_base = msg;
	iov.iov_len = n;
	mh.msg_name = &sa;
	mh.msg_namelen = (socklen_t)(offsetof(struct sockaddr_un, sun_path) +
	    len);
	mh.msg_iov = &iov;
	mh.msg_iovlen = 1;
	if (fd != -1) {
		memset(&cm, 0, sizeof(cm));
		mh.msg_control = cm.b;
		mh.msg_controllen = sizeof(cm.b);
		cm.h.cmsg_level = SOL_SOCKET;
		cm.h.cmsg_type = SCM_RIGHTS;
		cm.h.cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(&cm.h), &fd, sizeof(int));
	}
	n = sendmsg(s, &mh, 0) == -1 ? 1 : 0;
	close(s);
	return n ? -1 : 0;
}

int
main(int argc, char *argv[])
{
	struct timespec	 ts;
	long		 ms;
	pid_t		 pid;
	int		 i, fd, st;

	if (argc < 2)
		return 2;
	ms = strtol(argv[1], NULL, 10);
	ts.tv_sec = ms / 1000;
	ts.tv_nsec = ms % 1000 * 1000000L;
	nanosleep(&ts, NULL);
	/* Its own binary: a test looks for it among the daemon's fds. */
	fd = open(argv[0], O_RDONLY | O_CLOEXEC);
	for (i = 2; i < argc; i++) {
		if (strncmp(argv[i], "fork:", 5) == 0) {
			if ((pid = fork()) == 0)
				_exit(send_msg(argv[i] + 5, -1) == -1);
			waitpid(pid, &st, 0);
			continue;
		}
		if (send_msg(argv[i], i == 2 ? fd : -1) == -1)
			fprintf(stderr, "notifyprog: cannot send '%s'\n",
			    argv[i]);
	}
	for (;;)
		pause();
}
