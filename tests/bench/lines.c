/*
 * lines: write NBYTES of LEN-byte lines (default 100, '\n' included) to
 * stdout in writes of about 64 KiB, then exit 0: the writer of the output
 * throughput benchmark (tests/bench/run-output).  Each line carries its
 * offset, so a log that lost or repeated a line shows it.
 *
 *	lines NBYTES [LEN]
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define CHUNK	(64 * 1024)

int
main(int argc, char **argv)
{
	static char	 buf[CHUNK + 4096];
	long long	 total, done = 0;
	size_t		 len = 100, n, off;
	ssize_t		 w;

	if (argc < 2) {
		fprintf(stderr, "usage: lines NBYTES [LEN]\n");
		return 2;
	}
	total = atoll(argv[1]);
	if (argc > 2)
		len = (size_t)atoi(argv[2]);
	if (len < 24 || len > 4096)
		return 2;
	while (done < total) {
		for (n = 0; n + len <= CHUNK && done + (long long)(n + len) <=
		    total; n += len) {
			memset(buf + n, 'x', len - 1);
			snprintf(buf + n, len, "%020lld ", done + (long long)n);
			buf[n + 21] = 'x';
			buf[n + len - 1] = '\n';
		}
		if (n == 0)
			break;
		for (off = 0; off < n; off += (size_t)w) {
			w = write(STDOUT_FILENO, buf + off, n - off);
			if (w == -1 && errno == EINTR)
				w = 0;
			else if (w <= 0)
				return 1;
		}
		done += (long long)n;
	}
	return 0;
}
