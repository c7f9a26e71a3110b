/*
 * randout: write pseudo-random bytes to stdout (and optionally stderr) in
 * chunks of varying size, then exit 0.  The integration tests regenerate
 * the same bytes from the seed and compare them with the program's log.
 *
 *	randout SEED NBYTES [ERRSEED ERRBYTES]
 *
 * The generator is xorshift64*, a byte per step; the tests carry the
 * same few lines.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static uint64_t
next(uint64_t *s)
{
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return *s * 2685821657736338717ULL;
}

static int
put(int fd, uint64_t *s, size_t n)
{
	unsigned char	 buf[8192];
	size_t		 i;
	ssize_t		 w;
	size_t		 off;

	for (i = 0; i < n; i++)
		buf[i] = (unsigned char)(next(s) >> 56);
	for (off = 0; off < n; off += (size_t)w) {
		w = write(fd, buf + off, n - off);
		if (w == -1 && errno == EINTR)
			w = 0;
		else if (w == -1)
			return -1;
	}
	return 0;
}

int
main(int argc, char *argv[])
{
	uint64_t	 so, se, chunk = 88172645463325252ULL;
	size_t		 no, ne = 0, n;

	if (argc != 3 && argc != 5) {
		fprintf(stderr, "usage: randout SEED N [ERRSEED ERRN]\n");
		return 2;
	}
	so = strtoull(argv[1], NULL, 10) | 1;
	no = strtoull(argv[2], NULL, 10);
	se = 1;
	if (argc == 5) {
		se = strtoull(argv[3], NULL, 10) | 1;
		ne = strtoull(argv[4], NULL, 10);
	}
	while (no > 0 || ne > 0) {
		/* 1 to 8192 bytes: odd sizes cross pipe-buffer bounds. */
		n = (size_t)(next(&chunk) % 8192) + 1;
		if (no > 0) {
			if (n > no)
				n = no;
			if (put(1, &so, n) == -1)
				return 1;
			no -= n;
		}
		if (ne > 0) {
			n = (size_t)(next(&chunk) % 1024) + 1;
			if (n > ne)
				n = ne;
			if (put(2, &se, n) == -1)
				return 1;
			ne -= n;
		}
	}
	return 0;
}
