/*
 * fwdlines: write numbered, self-checking lines to stdout, for the tests
 * of forwarded output: every line can be told whole, unique and intact.
 *
 *	fwdlines ID NLINES MAXLEN [TERMLINES]
 *
 * Line i is "W<ID> <i> <len> <sum> <payload>\n": ID two digits, i five,
 * len (the payload's length) five, sum the payload's FNV-1a in eight hex
 * digits; the payload is 1 to MAXLEN - 30 pseudo-random letters, seeded
 * by ID.  Each line goes out in two write(2)s, split at a random point.
 * With TERMLINES, it then waits for SIGTERM and writes TERMLINES more
 * lines ("T<ID> ..." in the same shape) from there before exiting 0: what
 * a program says as it stops.
 */
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static volatile sig_atomic_t	 term;

static uint64_t
next(uint64_t *s)
{
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return *s * 2685821657736338717ULL;
}

static int
put(const char *p, size_t n)
{
	ssize_t	w;

	while (n > 0) {
		w = write(1, p, n);
		if (w == -1 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

static int
line(char tag, int id, int i, size_t maxlen, uint64_t *rng, char *buf)
{
	size_t		 len, k, cut, n;
	uint32_t	 sum = 2166136261u;
	char		*pl, hdr[64];

	len = (size_t)(next(rng) % (maxlen - 30)) + 1;
	pl = buf + 25;
	for (k = 0; k < len; k++) {
		pl[k] = (char)('a' + next(rng) % 26);
		sum = (sum ^ (unsigned char)pl[k]) * 16777619u;
	}
	/* The header is exactly 25 bytes: "W01 00001 00042 0123abcd ". */
	snprintf(hdr, sizeof(hdr), "%c%02d %05d %05d %08x ", tag, id % 100,
	    i % 100000, (int)len, (unsigned)sum);
	memcpy(buf, hdr, 25);
	pl[len] = '\n';
	n = 25 + len + 1;
	cut = (size_t)(next(rng) % n);
	if (put(buf, cut) == -1 || put(buf + cut, n - cut) == -1)
		return -1;
	return 0;
}

static void
on_term(int sig)
{
	(void)sig;
	term = 1;
}

int
main(int argc, char *argv[])
{
	struct sigaction sa;
	sigset_t	 mask, old;
	uint64_t	 rng;
	size_t		 maxlen;
	char		*buf;
	int		 id, n, i, tl = -1;

	if (argc != 4 && argc != 5) {
		fprintf(stderr, "usage: fwdlines ID NLINES MAXLEN "
		    "[TERMLINES]\n");
		return 2;
	}
	id = atoi(argv[1]);
	n = atoi(argv[2]);
	maxlen = strtoul(argv[3], NULL, 10);
	if (argc == 5)
		tl = atoi(argv[4]);
	if (maxlen < 32 || maxlen > 99999 || (buf = malloc(maxlen + 2)) ==
	    NULL)
		return 2;
	rng = 0x9e3779b97f4a7c15ULL * (uint64_t)(id + 1);
	if (tl >= 0) {
		memset(&sa, 0, sizeof(sa));
		sa.sa_handler = on_term;
		sigemptyset(&sa.sa_mask);
		sigaction(SIGTERM, &sa, NULL);
		sigemptyset(&mask);
		sigaddset(&mask, SIGTERM);
		sigprocmask(SIG_BLOCK, &mask, &old);
	}
	for (i = 0; i < n; i++)
		if (line('W', id, i, maxlen, &rng, buf) == -1)
			goto fail;
	if (tl >= 0) {
		while (!term)
			sigsuspend(&old);
		for (i = 0; i < tl; i++)
			if (line('T', id, i, maxlen, &rng, buf) == -1)
				goto fail;
	}
	/* Freed: a sanitizer build would call it a leak, and exit 1. */
	free(buf);
	return 0;
fail:
	free(buf);
	return 1;
}
