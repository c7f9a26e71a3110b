/*
 * tick: a short-lived program for the respawn benchmark.  It appends
 * "S <ns>" to FILE as it starts, sleeps MS milliseconds (20 by default),
 * appends "E <ns>" and exits 0.  The stamps are CLOCK_MONOTONIC, so the
 * probe can measure the gap between one instance's exit and the next
 * one's start whoever respawns it.
 *
 *	tick FILE [MS]
 *
 * No stdio and no shell: the stamp should cost the same few microseconds
 * under every supervisor, so that what differs is the supervisor.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

static void
stamp(int fd, char tag)
{
	struct timespec	 ts;
	char		 line[64];
	int		 n;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	n = snprintf(line, sizeof(line), "%c %lld\n", tag,
	    (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec);
	/* O_APPEND and one write per line: lines never interleave. */
	if (write(fd, line, (size_t)n) != n)
		_exit(2);
}

int
main(int argc, char *argv[])
{
	struct timespec	 ts;
	long		 ms = 20;
	int		 fd;

	if (argc < 2) {
		fputs("usage: tick FILE [MS]\n", stderr);
		return 2;
	}
	if (argc > 2)
		ms = strtol(argv[2], NULL, 10);
	fd = open(argv[1], O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
	if (fd == -1)
		return 2;
	stamp(fd, 'S');
	ts.tv_sec = ms / 1000;
	ts.tv_nsec = (ms % 1000) * 1000000L;
	while (nanosleep(&ts, &ts) == -1 && errno == EINTR)
		;
	stamp(fd, 'E');
	return 0;
}
