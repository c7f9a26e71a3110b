/*
 * fcgiecho: what an fcgi-program does with its fd 0, the listening
 * socket it is given: accept connections on it, one at a time, and
 * answer each with one line, then close it:
 *
 *	pid=PID nonblock=0|1
 *
 * nonblock is whether fd 0 had O_NONBLOCK at startup (an fcgi program
 * expects a blocking socket).  It runs until a signal ends it; an accept
 * that fails other than EINTR ends it with status 1.
 */
#include <sys/socket.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

int
main(void)
{
	char	line[64];
	int	fl, fd, n;

	if ((fl = fcntl(0, F_GETFL)) == -1) {
		perror("fcntl");
		return 1;
	}
	n = snprintf(line, sizeof(line), "pid=%d nonblock=%d\n", (int)getpid(),
	    (fl & O_NONBLOCK) != 0);
	printf("ready %s", line);
	fflush(stdout);
	for (;;) {
		if ((fd = accept(0, NULL, NULL)) == -1) {
			if (errno == EINTR)
				continue;
			perror("accept");
			return 1;
		}
		if (write(fd, line, (size_t)n) != n)
			perror("write");
		close(fd);
	}
}
