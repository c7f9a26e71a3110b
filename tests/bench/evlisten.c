/*
 * evlisten: an event listener for the events bench (tests/bench/run-events)
 * that answers OK at once, and the program whose exits it times.
 *
 *	evlisten count NLINES RESULT [HOLD]
 *		Counts events and the lines their payloads carry (after
 *		the payload's first line, the header of PROCESS_LOG_*;
 *		a REMOTE_COMMUNICATION counts as one line), from the
 *		first event received.  When NLINES lines have
 *		come, writes "events=E lines=L us=U" to RESULT (U: from
 *		the first event to the one that completed NLINES) and
 *		goes on answering.  With HOLD, it sends its first READY
 *		only once the file HOLD exists (polled every ms), so that
 *		the daemon holds the events in the pool's buffer until
 *		then.
 *	evlisten latency NEXITS STAMPS
 *		For each PROCESS_STATE_EXITED, appends "pid ns" to STAMPS:
 *		the pid of its payload and CLOCK_REALTIME at its receipt;
 *		after NEXITS, creates STAMPS.done.
 *	evlisten rcomm SOCKET NCALLS NCONN
 *		Not a listener: NCONN processes each make NCALLS / NCONN
 *		calls of supervisor.sendRemoteCommEvent("bench", "x") over
 *		one keep-alive HTTP/1.1 connection to the unix SOCKET;
 *		exits 1 if an answer is not a 200 without a fault.
 *	evlisten write NLINES
 *		Not a listener: writes NLINES lines of 100 bytes to stdout,
 *		each with its own write(2), as fast as it can; exits 0.
 *	evlisten floor NEXITS DIR
 *		The floor of the latency, without a daemon: starts
 *		"evlisten exit 50 DIR/exit" NEXITS times (fork, exec), and
 *		after each blocking waitpid writes the pid on a pipe to a
 *		child that appends "pid ns" (CLOCK_REALTIME at receipt) to
 *		DIR/recv: the same two files as a daemon's run.
 *	evlisten pingfloor NEVENTS RESULT
 *		The floor of the throughput, without a daemon: runs
 *		"evlisten count NEVENTS RESULT" on two pipes and hands it
 *		NEVENTS PROCESS_LOG_STDOUT envelopes of one 100-byte line,
 *		each after the answer to the one before, as a daemon does.
 *	evlisten exit DELAY_MS STAMPS
 *		Not a listener: sleeps DELAY_MS, appends "pid ns" (its
 *		pid, CLOCK_REALTIME just before _exit) to STAMPS, exits 0.
 *
 * The protocol: "READY\n", a header line with len:N, N bytes of payload,
 * "RESULT 2\nOK".  Listener output goes through stdio on stdout, flushed
 * after each answer; anything else would break the protocol.
 */
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static long long
now_ns(clockid_t c)
{
	struct timespec ts;

	clock_gettime(c, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* Append one line to path, in a single write. */
static void
append(const char *path, const char *line)
{
	int	fd;

	if ((fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC,
	    0644)) == -1)
		return;
	(void)write(fd, line, strlen(line));
	close(fd);
}

/* One event: its header and payload (malloc'd, NUL-terminated), or
 * false at the end of stdin. */
static bool
next_event(char *hdr, size_t hdrlen, char **payload, size_t *plen)
{
	const char	*l;
	size_t		 n, got;
	static char	*buf;
	static size_t	 cap;

	if (fgets(hdr, (int)hdrlen, stdin) == NULL)
		return false;
	if ((l = strstr(hdr, "len:")) == NULL) {
		fprintf(stderr, "evlisten: no len: in %s", hdr);
		exit(1);
	}
	n = strtoul(l + 4, NULL, 10);
	if (n + 1 > cap) {
		cap = n + 1 > 65536 ? n + 1 : 65536;
		if ((buf = realloc(buf, cap)) == NULL)
			exit(1);
	}
	got = n > 0 ? fread(buf, 1, n, stdin) : 0;
	if (got != n)
		return false;
	buf[n] = '\0';
	*payload = buf;
	*plen = n;
	return true;
}

static void
answer(bool first)
{
	if (!first)
		fputs("RESULT 2\nOK", stdout);
	fputs("READY\n", stdout);
	fflush(stdout);
}

static int
count(long long want, const char *result, const char *hold)
{
	struct timespec	 ms = { 0, 1000000 };

	char		 hdr[1024], line[128], *p;
	size_t		 plen, i;
	long long	 events = 0, lines = 0, t0 = 0;
	bool		 done = false;

	while (hold != NULL && access(hold, F_OK) == -1)
		nanosleep(&ms, NULL);
	answer(true);
	while (next_event(hdr, sizeof(hdr), &p, &plen)) {
		if (events++ == 0)
			t0 = now_ns(CLOCK_MONOTONIC);
		/* The data after the payload's header line. */
		for (i = 0; i < plen && p[i] != '\n'; i++)
			;
		for (i++; i < plen; i++)
			lines += p[i] == '\n';
		if (strstr(hdr, "eventname:REMOTE_COMMUNICATION ") != NULL)
			lines++;	/* one "line" per remote event */
		if (!done && lines >= want) {
			snprintf(line, sizeof(line), "events=%lld lines=%lld "
			    "us=%lld\n", events, lines,
			    (now_ns(CLOCK_MONOTONIC) - t0) / 1000);
			append(result, line);
			done = true;
		}
		answer(false);
	}
	return 0;
}

static int
latency(long n, const char *stamps)
{
	char		 hdr[1024], line[128], done[4096], *p, *q;
	size_t		 plen;
	long long	 t;
	long		 seen = 0;

	snprintf(done, sizeof(done), "%s.done", stamps);
	answer(true);
	while (next_event(hdr, sizeof(hdr), &p, &plen)) {
		t = now_ns(CLOCK_REALTIME);
		if (strstr(hdr, "eventname:PROCESS_STATE_EXITED ") != NULL &&
		    (q = strstr(p, " pid:")) != NULL) {
			snprintf(line, sizeof(line), "%ld %lld\n",
			    strtol(q + 5, NULL, 10), t);
			append(stamps, line);
			if (++seen == n)
				append(done, "done\n");
		}
		answer(false);
	}
	return 0;
}

static int
exiter(long ms, const char *stamps)
{
	struct timespec	ts = { ms / 1000, (ms % 1000) * 1000000L };
	char		line[128];
	int		fd;

	while (nanosleep(&ts, &ts) == -1 && errno == EINTR)
		;
	if ((fd = open(stamps, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC,
	    0644)) == -1)
		_exit(1);
	/* The time last, then one write and straight to _exit. */
	snprintf(line, sizeof(line), "%ld %lld\n", (long)getpid(),
	    now_ns(CLOCK_REALTIME));
	(void)write(fd, line, strlen(line));
	_exit(0);
}

static int
writer(long n)
{
	char	line[100];
	long	i, v;
	int	k;

	memset(line, 'x', sizeof(line));
	line[99] = '\n';
	for (i = 0; i < n; i++) {
		/* The line's number first: a lost line shows. */
		for (k = 9, v = i; k >= 0; k--, v /= 10)
			line[k] = (char)('0' + v % 10);
		if (write(STDOUT_FILENO, line, 100) != 100)
			return 1;
	}
	return 0;
}

/* One connection's calls; 0 if every answer was a 200 and no fault. */
static int
rcomm_conn(const char *sock, long calls)
{
	static const char body[] = "<?xml version=\"1.0\"?><methodCall>"
	    "<methodName>supervisor.sendRemoteCommEvent</methodName><params>"
	    "<param><value><string>bench</string></value></param>"
	    "<param><value><string>x</string></value></param>"
	    "</params></methodCall>";
	struct sockaddr_un	 sa = { .sun_family = AF_UNIX };
	char			 req[1024], buf[65536], *e, *p;
	size_t			 have, need;
	ssize_t			 r;
	long			 i;
	int			 fd, len;

	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", sock);
	if ((fd = socket(AF_UNIX, SOCK_STREAM, 0)) == -1 ||
	    connect(fd, (struct sockaddr *)&sa, sizeof(sa)) == -1) {
		perror("evlisten: rcomm: connect");
		return 1;
	}
	len = snprintf(req, sizeof(req), "POST /RPC2 HTTP/1.1\r\n"
	    "Host: localhost\r\nContent-Type: text/xml\r\n"
	    "Content-Length: %zu\r\n\r\n%s", strlen(body), body);
	for (i = 0; i < calls; i++) {
		if (write(fd, req, len) != len)
			return 1;
		/* Headers, then Content-Length bytes or chunks to 0. */
		have = 0;
		need = 0;
		e = NULL;
		for (;;) {
			if (have == sizeof(buf) - 1)
				return 1;
			if ((r = read(fd, buf + have, sizeof(buf) - 1 - have))
			    <= 0)
				return 1;
			have += r;
			buf[have] = '\0';
			if (e == NULL && (e = strstr(buf, "\r\n\r\n")) !=
			    NULL) {
				if (strncmp(buf + 9, "200", 3) != 0)
					return 1;
				if ((p = strcasestr(buf, "Content-Length:")) !=
				    NULL && p < e)
					need = (e - buf) + 4 +
					    strtoul(p + 15, NULL, 10);
			}
			if (e == NULL)
				continue;
			if (need > 0 ? have >= need :
			    strstr(e, "\r\n0\r\n\r\n") != NULL)
				break;
		}
		if (strstr(e, "<fault>") != NULL) {
			fprintf(stderr, "evlisten: rcomm: %s\n", e);
			return 1;
		}
	}
	close(fd);
	return 0;
}

static int
rcomm(const char *sock, long calls, int conns)
{
	pid_t	pid;
	int	i, status, bad = 0;

	for (i = 0; i < conns; i++) {
		if ((pid = fork()) == -1)
			return 1;
		if (pid == 0)
			_exit(rcomm_conn(sock, calls / conns));
	}
	for (i = 0; i < conns; i++)
		if (wait(&status) == -1 || !WIFEXITED(status) ||
		    WEXITSTATUS(status) != 0)
			bad = 1;
	return bad;
}

/* Read from fd until the text so far ends with want. */
static int
expect(int fd, const char *want)
{
	char	buf[64];
	size_t	n = 0, w = strlen(want);
	ssize_t	r;

	while (n < w) {
		if ((r = read(fd, buf + n, w - n)) <= 0)
			return -1;
		n += r;
	}
	return memcmp(buf, want, w) == 0 ? 0 : -1;
}

static int
pingfloor(const char *self, long n, const char *result)
{
	char	 env[512], data[160], nbuf[32];
	int	 to[2], from[2], status, len, plen;
	long	 i;
	pid_t	 pid;

	snprintf(nbuf, sizeof(nbuf), "%ld", n);
	if (pipe(to) == -1 || pipe(from) == -1 || (pid = fork()) == -1)
		return 1;
	if (pid == 0) {
		dup2(to[0], 0);
		dup2(from[1], 1);
		close(to[1]);
		close(from[0]);
		execl(self, self, "count", nbuf, result, (char *)NULL);
		_exit(127);
	}
	close(to[0]);
	close(from[1]);
	if (expect(from[0], "READY\n") == -1)
		return 1;
	plen = snprintf(data, sizeof(data), "processname:w groupname:w "
	    "pid:1 channel:stdout\n%099d\n", 0);
	for (i = 0; i < n; i++) {
		len = snprintf(env, sizeof(env), "ver:3.0 server:supervisor "
		    "serial:%ld pool:ev poolserial:%ld eventname:"
		    "PROCESS_LOG_STDOUT len:%d\n%s", i, i, plen, data);
		if (write(to[1], env, len) != len ||
		    expect(from[0], "RESULT 2\nOKREADY\n") == -1)
			return 1;
	}
	close(to[1]);
	waitpid(pid, &status, 0);
	return 0;
}

static int
floor_run(const char *self, long n, const char *dir)
{
	char	 exitf[4096], recvf[4096], line[64];
	int	 p[2], status;
	long	 i;
	pid_t	 rd, pid;
	FILE	*in;

	snprintf(exitf, sizeof(exitf), "%s/exit", dir);
	snprintf(recvf, sizeof(recvf), "%s/recv", dir);
	if (pipe(p) == -1 || (rd = fork()) == -1)
		return 1;
	if (rd == 0) {
		close(p[1]);
		in = fdopen(p[0], "r");
		while (fgets(line, sizeof(line), in) != NULL) {
			char out[96];

			line[strcspn(line, "\n")] = '\0';
			snprintf(out, sizeof(out), "%s %lld\n", line,
			    now_ns(CLOCK_REALTIME));
			append(recvf, out);
		}
		_exit(0);
	}
	close(p[0]);
	for (i = 0; i < n; i++) {
		if ((pid = fork()) == -1)
			return 1;
		if (pid == 0) {
			execl(self, self, "exit", "50", exitf, (char *)NULL);
			_exit(127);
		}
		if (waitpid(pid, &status, 0) != pid)
			return 1;
		snprintf(line, sizeof(line), "%ld\n", (long)pid);
		if (write(p[1], line, strlen(line)) == -1)
			return 1;
	}
	close(p[1]);
	waitpid(rd, &status, 0);
	return 0;
}

int
main(int argc, char **argv)
{
	if (argc == 4 && strcmp(argv[1], "pingfloor") == 0)
		return pingfloor(argv[0], atol(argv[2]), argv[3]);
	if (argc == 4 && strcmp(argv[1], "floor") == 0)
		return floor_run(argv[0], atol(argv[2]), argv[3]);
	if (argc == 3 && strcmp(argv[1], "write") == 0)
		return writer(atol(argv[2]));
	if (argc == 5 && strcmp(argv[1], "rcomm") == 0)
		return rcomm(argv[2], atol(argv[3]), atoi(argv[4]));
	if ((argc == 4 || argc == 5) && strcmp(argv[1], "count") == 0)
		return count(atoll(argv[2]), argv[3], argc == 5 ? argv[4] :
		    NULL);
	if (argc == 4 && strcmp(argv[1], "latency") == 0)
		return latency(atol(argv[2]), argv[3]);
	if (argc == 4 && strcmp(argv[1], "exit") == 0)
		return exiter(atol(argv[2]), argv[3]);
	fprintf(stderr, "usage: evlisten count NLINES RESULT | "
	    "latency NEXITS STAMPS | write NLINES | rcomm SOCKET NCALLS NCONN | "
	    "floor NEXITS DIR | pingfloor NEVENTS RESULT | "
	    "exit DELAY_MS STAMPS\n");
	return 2;
}
