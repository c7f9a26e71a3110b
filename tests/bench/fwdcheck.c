/*
 * fwdcheck: the writer and the reader of the forwarding benchmark
 * (tests/bench/run-output): programs write numbered, self-checking lines
 * to the daemon's stdout, and a slow reader of that stdout counts what
 * arrived whole, what was torn, and what never came.
 *
 *	fwdcheck write ID NLINES MAXLEN
 *	fwdcheck read NW NLINES RATE PAUSE_EVERY PAUSE_MS [DONEFILE]
 *
 * A line is "W<ID> <i> <len> <sum> <payload>\n" (tests/helpers/fwdlines.c
 * writes the same shape): ID two digits, i five, len five, sum the
 * payload's FNV-1a in eight hex digits, the payload 1 to MAXLEN - 30
 * letters; each line in two write(2)s split at a random point.  The
 * reader reads at most RATE bytes a second, pausing PAUSE_MS after every
 * PAUSE_EVERY bytes; it creates DONEFILE once all NW * NLINES lines came,
 * and prints its count at EOF: "forwarded N of M lines, lost L, torn T,
 * repeated R".  Lines that begin with a digit (the daemon's own) are
 * skipped.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
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
writer(int id, int n, size_t maxlen)
{
	uint64_t	 rng = 0x9e3779b97f4a7c15ULL * (uint64_t)(id + 1);
	uint32_t	 sum;
	size_t		 len, k, cut, tot;
	char		*buf, hdr[64];
	int		 i;

	if (maxlen < 32 || maxlen > 99999 || (buf = malloc(maxlen + 2)) ==
	    NULL)
		return 2;
	for (i = 0; i < n; i++) {
		len = (size_t)(next(&rng) % (maxlen - 30)) + 1;
		sum = 2166136261u;
		for (k = 0; k < len; k++) {
			buf[25 + k] = (char)('a' + next(&rng) % 26);
			sum = (sum ^ (unsigned char)buf[25 + k]) * 16777619u;
		}
		snprintf(hdr, sizeof(hdr), "W%02d %05d %05d %08x ", id % 100,
		    i % 100000, (int)len, (unsigned)sum);
		memcpy(buf, hdr, 25);
		buf[25 + len] = '\n';
		tot = 25 + len + 1;
		cut = (size_t)(next(&rng) % tot);
		if (put(buf, cut) == -1 || put(buf + cut, tot - cut) == -1) {
			free(buf);
			return 1;
		}
	}
	free(buf);
	return 0;
}

static long long
now_ms(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

static void
sleep_ms(long long ms)
{
	struct timespec	ts;

	if (ms <= 0)
		return;
	ts.tv_sec = ms / 1000;
	ts.tv_nsec = (ms % 1000) * 1000000;
	while (nanosleep(&ts, &ts) == -1 && errno == EINTR)
		;
}

struct tally {
	int		 nw, nl;
	unsigned char	*seen;
	long		 ok, torn, repeated;
	char		*line;		/* the line being read */
	size_t		 len, cap;
};

static void
check_line(struct tally *t, const char *p, size_t n)
{
	unsigned int	 sum, got;
	int		 id, i, len;
	size_t		 k;

	if (n > 0 && p[0] >= '0' && p[0] <= '9')
		return;
	if (n < 26 || sscanf(p, "W%2d %5d %5d %8x ", &id, &i, &len,
	    &got) != 4 || (size_t)len + 25 != n || id < 0 || id >= t->nw ||
	    i < 0 || i >= t->nl) {
		t->torn++;
		return;
	}
	for (sum = 2166136261u, k = 25; k < n; k++)
		sum = (sum ^ (unsigned char)p[k]) * 16777619u;
	if (sum != got) {
		t->torn++;
		return;
	}
	if (t->seen[id * t->nl + i]++ > 0)
		t->repeated++;
	else
		t->ok++;
}

static int
reader(int nw, int nl, long rate, long pause_every, int pause_ms,
    const char *donefile)
{
	static char	 buf[65536];
	struct tally	 t;
	long long	 start, got = 0, next_pause = pause_every;
	ssize_t		 n, i, s;
	int		 fd;

	memset(&t, 0, sizeof(t));
	t.nw = nw;
	t.nl = nl;
	if ((t.seen = calloc((size_t)nw * (size_t)nl, 1)) == NULL)
		return 2;
	start = now_ms();
	for (;;) {
		n = read(0, buf, sizeof(buf));
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		for (s = i = 0; i < n; i++) {
			if (buf[i] != '\n')
				continue;
			if (t.len > 0 || i > s) {
				if (t.len + (size_t)(i - s) > t.cap) {
					t.cap = t.len + (size_t)(i - s) + 4096;
					if ((t.line = realloc(t.line, t.cap))
					    == NULL)
						return 2;
				}
				memcpy(t.line + t.len, buf + s, (size_t)(i - s));
				t.len += (size_t)(i - s);
				check_line(&t, t.line, t.len);
			}
			t.len = 0;
			s = i + 1;
		}
		if (s < n) {
			if (t.len + (size_t)(n - s) > t.cap) {
				t.cap = t.len + (size_t)(n - s) + 4096;
				if ((t.line = realloc(t.line, t.cap)) == NULL)
					return 2;
			}
			memcpy(t.line + t.len, buf + s, (size_t)(n - s));
			t.len += (size_t)(n - s);
		}
		if (donefile != NULL && t.ok == (long)nw * nl) {
			if ((fd = open(donefile, O_WRONLY | O_CREAT, 0644))
			    != -1)
				close(fd);
			donefile = NULL;
		}
		got += n;
		if (rate > 0)
			sleep_ms(start + got * 1000 / rate - now_ms());
		if (pause_every > 0 && got >= next_pause) {
			sleep_ms(pause_ms);
			start += pause_ms;
			next_pause += pause_every;
		}
	}
	printf("forwarded %ld of %ld lines, lost %ld, torn %ld, repeated "
	    "%ld\n", t.ok, (long)nw * nl, (long)nw * nl - t.ok, t.torn,
	    t.repeated);
	free(t.seen);
	free(t.line);
	return 0;
}

int
main(int argc, char *argv[])
{
	if (argc == 5 && strcmp(argv[1], "write") == 0)
		return writer(atoi(argv[2]), atoi(argv[3]),
		    strtoul(argv[4], NULL, 10));
	if ((argc == 7 || argc == 8) && strcmp(argv[1], "read") == 0)
		return reader(atoi(argv[2]), atoi(argv[3]), atol(argv[4]),
		    atol(argv[5]), atoi(argv[6]), argc == 8 ? argv[7] : NULL);
	fprintf(stderr, "usage: fwdcheck write ID NLINES MAXLEN\n"
	    "       fwdcheck read NW NLINES RATE PAUSE_EVERY PAUSE_MS "
	    "[DONEFILE]\n");
	return 2;
}
