/*
 * evrecord: an event listener for the tests of [eventlistener:x] that
 * reads its stdin byte by byte, as a C listener would, and appends every
 * event it receives to a file, exactly as it came: the header line, its
 * '\n' and the payload.
 *
 *	evrecord OUTFILE [MODE]
 *
 * It writes "READY\n", reads the header line, takes the payload's length
 * from "blen:" (a byte count) when the header has one, else from "len:",
 * which supervisor 4.2.5 counts in code points: it then reads that many
 * UTF-8 characters (a lead byte and the continuation bytes it announces).
 * Each event goes to OUTFILE in one write(2) (O_APPEND), then the answer
 * "RESULT 2\nOK", and it loops.  On SIGTERM it still records the events
 * already in its stdin pipe, then exits 0: what the daemon sent before
 * stopping it is in OUTFILE.  MODE:
 *
 *	ok		the above (the default)
 *	failonce	the first event it ever gets (OUTFILE.failed marks it,
 *			across restarts) is answered "RESULT 4\nFAIL"
 *	badonce		the first event it ever gets (OUTFILE.bad) is
 *			answered "RESULT x\n", a result line that is not one
 *	dieonce		the first event it ever gets (OUTFILE.died) is
 *			recorded, then it exits 3 without an answer
 *	hang		records the first event and never answers
 *	failstall	the first event it ever gets (OUTFILE.failed) is
 *			answered FAIL, then it never says READY again
 *	garbage		writes "HELLO!\n", not "READY\n", then waits
 *	flood		writes "READY\n", then junk to stdout without end
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define MAXEV	(1 << 20)

static volatile sig_atomic_t	 term;
static sigset_t			 waitmask;	/* SIGTERM let in */

static void
on_term(int sig)
{
	(void)sig;
	term = 1;
}

static int
put(int fd, const char *p, size_t n)
{
	ssize_t	w;

	while (n > 0) {
		w = write(fd, p, n);
		if (w == -1 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

/*
 * One byte of stdin; -1 at EOF or error.  SIGTERM is blocked but while
 * waiting in ppoll(), so it cannot slip in between a check and a read;
 * once it came, what is already in the pipe is read, then -1.
 */
static int
getb(void)
{
	struct pollfd	pfd = { 0, POLLIN, 0 };
	unsigned char	c;
	ssize_t		r;
	int		n;

	for (;;) {
		if (!term)
			n = ppoll(&pfd, 1, NULL, &waitmask);
		else
			n = poll(&pfd, 1, 0);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		r = read(0, &c, 1);
		if (r == 1)
			return c;
		if (r == -1 && (errno == EINTR || errno == EAGAIN))
			continue;
		return -1;
	}
}

/* The number after " key:" (or at the start) in the header, -1 if none. */
static long
field(const char *hdr, const char *key)
{
	const char	*p = hdr;
	size_t		 k = strlen(key);

	while ((p = strstr(p, key)) != NULL) {
		if ((p == hdr || p[-1] == ' ') && p[k] == ':')
			return strtol(p + k + 1, NULL, 10);
		p += k;
	}
	return -1;
}

/* A marker file: true the first time only. */
static int
first_time(const char *out, const char *suffix)
{
	char	path[4096];
	int	fd;

	snprintf(path, sizeof(path), "%s%s", out, suffix);
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0644);
	if (fd == -1)
		return 0;
	close(fd);
	return 1;
}

int
main(int argc, char **argv)
{
	static char	 ev[MAXEV];
	struct sigaction sa;
	sigset_t	 block;
	const char	*mode = argc > 2 ? argv[2] : "ok";
	size_t		 n, i;
	long		 len, blen;
	int		 c, fd, k, more;

	if (argc < 2) {
		fprintf(stderr, "usage: evrecord OUTFILE [MODE]\n");
		return 2;
	}
	sa.sa_handler = on_term;
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = 0;	/* no SA_RESTART: a blocked read sees EINTR */
	sigaction(SIGTERM, &sa, NULL);
	if (strcmp(mode, "flood") == 0) {
		static char junk[65536];

		memset(junk, 'x', sizeof(junk));
		put(1, "READY\n", 6);
		while (!term)
			if (put(1, junk, sizeof(junk)) == -1)
				return 1;
		return 0;
	}
	sigemptyset(&block);
	sigaddset(&block, SIGTERM);
	sigprocmask(SIG_BLOCK, &block, &waitmask);
	sigdelset(&waitmask, SIGTERM);
	if (strcmp(mode, "garbage") == 0) {
		put(1, "HELLO!\n", 7);
		while (!term)
			sigsuspend(&waitmask);
		return 0;
	}
	fd = open(argv[1], O_WRONLY | O_CREAT | O_APPEND, 0644);
	if (fd == -1) {
		perror(argv[1]);
		return 1;
	}
	for (;;) {
		if (put(1, "READY\n", 6) == -1)
			return 1;
		n = 0;
		while ((c = getb()) != -1 && c != '\n' && n < 4096)
			ev[n++] = (char)c;
		if (c != '\n')
			return 0;
		ev[n] = '\0';
		len = field(ev, "len");
		blen = field(ev, "blen");
		ev[n++] = '\n';
		if (len < 0)
			return 1;
		if (blen >= 0) {
			for (i = 0; i < (size_t)blen && n < MAXEV; i++) {
				if ((c = getb()) == -1)
					return 1;
				ev[n++] = (char)c;
			}
		} else {
			for (i = 0; i < (size_t)len && n < MAXEV - 4; i++) {
				if ((c = getb()) == -1)
					return 1;
				ev[n++] = (char)c;
				more = c >= 0xf0 ? 3 : c >= 0xe0 ? 2 :
				    c >= 0xc0 ? 1 : 0;
				for (k = 0; k < more; k++) {
					if ((c = getb()) == -1)
						return 1;
					ev[n++] = (char)c;
				}
			}
		}
		if (put(fd, ev, n) == -1)
			return 1;
		if (strcmp(mode, "hang") == 0) {
			while (!term)
				sigsuspend(&waitmask);
			return 0;
		}
		if (strcmp(mode, "dieonce") == 0 &&
		    first_time(argv[1], ".died"))
			return 3;
		if (strcmp(mode, "badonce") == 0 &&
		    first_time(argv[1], ".bad")) {
			if (put(1, "RESULT x\n", 9) == -1)
				return 1;
			continue;
		}
		if (strcmp(mode, "failonce") == 0 &&
		    first_time(argv[1], ".failed")) {
			if (put(1, "RESULT 4\nFAIL", 13) == -1)
				return 1;
			continue;
		}
		if (strcmp(mode, "failstall") == 0 &&
		    first_time(argv[1], ".failed")) {
			if (put(1, "RESULT 4\nFAIL", 13) == -1)
				return 1;
			while (!term)
				sigsuspend(&waitmask);
			return 0;
		}
		if (put(1, "RESULT 2\nOK", 11) == -1)
			return 1;
	}
}
