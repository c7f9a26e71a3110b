/*
 * output: what programs write, as it reaches log files and the daemon's
 * own stdout: byte-exact logs across rotations, whole lines from many
 * writers, a stalled reader of our stdout, a flood with no newline,
 * logrotate's move-then-SIGUSR2, ANSI stripping, prefixes and times
 * (ours), and the faults a log file meets (full disk, directory removed,
 * a directory in its place).
 */
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>

#include <dirent.h>
#include <errno.h>
#include <poll.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <check.h>

#include "tests/harness.h"
#include "tests/skip.h"

Suite	*output_suite(void);

/* A daemon whose stdout is a pipe the test holds (the harness uses files). */
struct piped {
	pid_t	pid;		/* the daemon */
	int	rfd;		/* the read end of its stdout, or -1 */
	pid_t	reader;		/* copies it to a file, or 0 */
};

static void	drain_to(struct th *, int, const char *, int);

/*
 * Start the daemon on DIR/supervisord.conf with its stdout a pipe: read
 * by a child into the file rel, or (rel NULL) held by the test, unread.
 */
static void
start_piped(struct th *h, struct piped *pp, const char *rel)
{
	char	env[1024];
	int	p[2], fd;
	pid_t	pid;

	ck_assert_int_eq(pipe(p), 0);
	pid = fork();
	ck_assert_int_ne(pid, -1);
	if (pid == 0) {
		setpgid(0, 0);
		dup2(p[1], STDOUT_FILENO);
		if ((fd = open(th_path(h, "stderr"), O_WRONLY | O_CREAT |
		    O_TRUNC, 0644)) != -1)
			dup2(fd, STDERR_FILENO);
		close(p[0]);
		close(p[1]);
		/*
		 * Under ASan, freed memory waits in a 256 MiB quarantine,
		 * which a memory bound would count: keep it small.
		 */
		snprintf(env, sizeof(env), "%s%squarantine_size_mb=1",
		    getenv("ASAN_OPTIONS") != NULL ? getenv("ASAN_OPTIONS") :
		    "", getenv("ASAN_OPTIONS") != NULL ? ":" : "");
		setenv("ASAN_OPTIONS", env, 1);
		execl(getenv("SUPERVISORD"), "supervisord", "-n", "-c",
		    th_path(h, "supervisord.conf"), (char *)NULL);
		_exit(127);
	}
	close(p[1]);
	th_track(h, pid);
	pp->pid = pid;
	pp->rfd = p[0];
	pp->reader = 0;
	if (rel == NULL)
		return;
	pp->reader = fork();
	ck_assert_int_ne(pp->reader, -1);
	if (pp->reader == 0) {
		drain_to(h, p[0], rel, 120000);
		_exit(0);
	}
	th_track(h, pp->reader);
	close(p[0]);
	pp->rfd = -1;
}

/* Read the pipe to EOF (or until ms pass) into the file rel. */
static void
drain_to(struct th *h, int rfd, const char *rel, int ms)
{
	char		 buf[65536];
	ssize_t		 n;
	int		 fd;
	long long	 end = th_now_ms() + ms;

	fd = open(th_path(h, rel), O_WRONLY | O_CREAT | O_APPEND, 0644);
	ck_assert_int_ne(fd, -1);
	while (th_now_ms() < end) {
		n = read(rfd, buf, sizeof(buf));
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		ck_assert_int_eq(write(fd, buf, (size_t)n), n);
	}
	close(fd);
}

static int
stop_piped(struct piped *pp, int ms)
{
	long long	end = th_now_ms() + ms;
	int		status;

	kill(pp->pid, SIGTERM);
	while (th_now_ms() < end) {
		if (waitpid(pp->pid, &status, WNOHANG) == pp->pid)
			return status;
		usleep(10000);
	}
	kill(pp->pid, SIGKILL);
	waitpid(pp->pid, &status, 0);
	return -1;
}

/* The reader child saw EOF (the daemon and its programs are gone). */
static void
wait_reader(struct piped *pp)
{
	int	status;

	if (pp->reader > 0)
		ck_assert_int_eq(waitpid(pp->reader, &status, 0), pp->reader);
	pp->reader = 0;
}

static long long
file_size(struct th *h, const char *rel)
{
	struct stat	st;

	if (stat(th_path(h, rel), &st) == -1)
		return -1;
	return (long long)st.st_size;
}

struct sizearg {
	const char	*rel;
	long long	 min;
};

static bool
size_at_least(struct th *h, void *arg)
{
	struct sizearg	*a = arg;

	return file_size(h, a->rel) >= a->min;
}

/* Lines of varied lengths, one of them longer than 1 KiB. */
static char *
make_data(size_t *lenp)
{
	char	*buf, *p;
	size_t	 cap = 64 * 1024, i, n, j;

	p = buf = malloc(cap);
	ck_assert_ptr_nonnull(buf);
	for (i = 0; i < 400; i++) {
		n = i == 137 ? 2500 : (i * 37) % 180;
		ck_assert(p + n + 32 < buf + cap);
		p += sprintf(p, "%04zu:", i);
		for (j = 0; j < n; j++)
			*p++ = (char)('a' + (i + j) % 26);
		*p++ = '\n';
	}
	*lenp = (size_t)(p - buf);
	return buf;
}

START_TEST(test_rotation_is_byte_exact_and_cuts_at_line_ends)
{
	struct th	*h = th_new();
	char		*data, *all, rel[64];
	const char	*f;
	size_t		 len, alen = 0, flen;
	int		 i, nfiles = 0;

	data = make_data(&len);
	data[len] = '\0';
	th_write(h, "data.txt", data);
	th_conf(h,
	    "[program:w]\n"
	    "command=/bin/sh -c 'exec cat @DIR@/data.txt'\n"
	    "stdout_logfile=@DIR@/w.log\n"
	    "stdout_logfile_maxbytes=1KB\n"
	    "stdout_logfile_backups=100\n"
	    "startsecs=0\n"
	    "autorestart=false\n");
	th_start_conf(h);
	ck_assert(th_wait_log(h, "exited: w (exit status 0", 5000));
	ck_assert(th_exited_ok(th_stop(h)));
	all = malloc(len + 1);
	ck_assert_ptr_nonnull(all);
	/* Oldest first: w.log.N ... w.log.1, then w.log. */
	for (i = 100; i >= 0; i--) {
		if (i > 0)
			snprintf(rel, sizeof(rel), "w.log.%d", i);
		else
			snprintf(rel, sizeof(rel), "w.log");
		if ((f = th_read(h, rel, &flen)) == NULL)
			continue;
		nfiles++;
		ck_assert_msg(flen <= 1024, "%s has %zu bytes", rel, flen);
		/*
		 * Only the 2500-byte line is cut: into two files of
		 * exactly 1024 bytes and the start of a third.
		 */
		if (flen > 0 && f[flen - 1] != '\n')
			ck_assert_msg(flen == 1024 && memchr(f, '\n', flen -
			    1) == NULL, "%s ends mid-line", rel);
		ck_assert(alen + flen <= len);
		memcpy(all + alen, f, flen);
		alen += flen;
	}
	ck_assert_int_gt(nfiles, 10);
	ck_assert_uint_eq(alen, len);
	ck_assert(memcmp(all, data, len) == 0);
	free(all);
	free(data);
	th_free(h);
}
END_TEST

/* line starts with "2026-12-05T22:54:12.714+00:00 " (*_timestamps). */
static bool
stamped(const char *line)
{
	static const char pat[] = "dddd-dd-ddTdd:dd:dd.ddd+dd:dd ";
	size_t	i;

	for (i = 0; i < sizeof(pat) - 1; i++) {
		if (line[i] == '\0')
			return false;
		if (pat[i] == 'd' ? line[i] < '0' || line[i] > '9' :
		    pat[i] == '+' ? line[i] != '+' && line[i] != '-' :
		    line[i] != pat[i])
			return false;
	}
	return true;
}

/* Every line of text is stamped, then has want's start; their count. */
static int
all_stamped(const char *text, size_t len, const char *want)
{
	const char	*p = text, *e = text + len, *nl;
	int		 n = 0;

	for (; p < e; p = nl + 1, n++) {
		nl = memchr(p, '\n', (size_t)(e - p));
		ck_assert_msg(nl != NULL, "a line cut: '%.*s'", (int)(e - p),
		    p);
		ck_assert_msg(stamped(p) && strncmp(p + 30, want,
		    strlen(want)) == 0, "'%.*s'", (int)(nl - p), p);
	}
	return n;
}

/*
 * stdout_prefix and *_timestamps (ours): forwarded lines get the prefix
 * (expanded per process), a blank and the time, a last line without its
 * newline too, stderr its own prefix; in a log file each line has the
 * time in front and rotation still cuts at line ends; stderr_prefix with
 * redirect_stderr is warned of.
 */
START_TEST(test_prefix_and_timestamps)
{
	struct th	*h = th_new();
	const char	*out, *err, *f, *t;
	char		 rel[32], line[128];
	size_t		 flen;
	int		 i, n = 0, files = 0;

	th_conf(h,
	    "[program:a]\n"
	    "command=/bin/sh -c 'printf \"one\\ntwo\\n\"; printf err >&2; "
	    "printf \"\\n\" >&2; printf part; sleep 0.3; "
	    "printf \"ial\\nlast\"'\n"
	    "process_name=%(program_name)s_%(process_num)d\n"
	    "stdout_logfile=/dev/stdout\nstdout_logfile_maxbytes=0\n"
	    "stderr_logfile=/dev/stderr\nstderr_logfile_maxbytes=0\n"
	    "stdout_prefix=%(program_name)s_%(process_num)d |\n"
	    "stdout_timestamps=true\nstderr_prefix=E:\n"
	    "startsecs=0\nautorestart=false\n"
	    "[program:b]\ncommand=/bin/sh -c 'exec sleep 1000'\n"
	    "redirect_stderr=true\nstderr_prefix=X\nstartsecs=0\n"
	    /* A line left open past the hold (1 s) while others write is
	     * ended for it: what follows has its prefix again. */
	    "[program:long]\ncommand=/bin/sh -c 'head -c 70000 /dev/zero | "
	    "tr \"\\\\000\" x; sleep 1.5; echo TAIL'\n"
	    "stdout_logfile=/dev/stdout\nstdout_logfile_maxbytes=0\n"
	    "stdout_prefix=L |\nstartsecs=0\nautorestart=false\n"
	    "[program:tick]\ncommand=/bin/sh -c 'i=0; while [ $i -lt 12 ]; "
	    "do echo tick; sleep 0.2; i=$((i+1)); done'\n"
	    "stdout_logfile=/dev/stdout\nstdout_logfile_maxbytes=0\n"
	    "stdout_prefix=T |\nstartsecs=0\nautorestart=false\n"
	    "[program:c]\ncommand=/bin/sh -c 'i=0; while [ $i -lt 40 ]; do "
	    "echo line $i; i=$((i+1)); done'\n"
	    "stdout_logfile=@DIR@/c.log\nstdout_logfile_maxbytes=500\n"
	    "stdout_logfile_backups=9\nstdout_timestamps=true\n"
	    "startsecs=0\nautorestart=false\n");
	th_start_conf(h);
	ck_assert(th_wait_log(h, "stderr_prefix: redirect_stderr=true", 5000));
	ck_assert(th_wait_log(h, "exited: a_0 (exit status 0", 5000));
	ck_assert(th_wait_log(h, "exited: c (exit status 0", 5000));
	ck_assert(th_wait_log(h, "exited: long (exit status 0", 5000));
	ck_assert(th_wait_log(h, "exited: tick (exit status 0", 5000));
	ck_assert(th_exited_ok(th_stop(h)));
	out = th_read(h, "stdout", NULL);
	/* Every line with TAIL, and every tick, starts with its prefix. */
	for (t = out; (t = strstr(t, "TAIL")) != NULL; t++) {
		f = t;
		while (f > out && f[-1] != '\n')
			f--;
		ck_assert_msg(strncmp(f, "L | ", 4) == 0, "'%.40s'", f);
	}
	for (t = out; (t = strstr(t, "tick\n")) != NULL; t++)
		ck_assert_msg(t - out >= 4 && strncmp(t - 4, "T | ", 4) == 0,
		    "'%.40s'", t - 4);
	err = th_read(h, "stderr", NULL);
	ck_assert(out != NULL && err != NULL);
	for (i = 0; i < 4; i++) {
		static const char *const want[] = { "one\n", "two\n",
		    "partial\n", "last\n" };

		t = strstr(out, "a_0 | ");
		ck_assert_msg(t != NULL, "stdout: %s", out);
		ck_assert_msg(stamped(t + 6) && strncmp(t + 36, want[i],
		    strlen(want[i])) == 0, "stdout: %s", out);
		out = t + 6;
	}
	ck_assert_msg(strstr(err, "E: err\n") != NULL, "stderr: %s", err);
	/* The log file: whole stamped lines, across its rotations. */
	for (i = 9; i >= 0; i--) {
		snprintf(rel, sizeof(rel), i > 0 ? "c.log.%d" : "c.log", i);
		if ((f = th_read(h, rel, &flen)) == NULL)
			continue;
		files++;
		ck_assert_msg(flen <= 500, "%s: %zu bytes", rel, flen);
		n += all_stamped(f, flen, "line ");
	}
	ck_assert_int_eq(n, 40);
	ck_assert_int_gt(files, 3);
	/* The last file's last line is the last one written. */
	f = th_read(h, "c.log", &flen);
	snprintf(line, sizeof(line), "line 39\n");
	ck_assert(flen > 8 && memcmp(f + flen - 8, line, 8) == 0);
	th_free(h);
}
END_TEST

START_TEST(test_backups_zero_truncates)
{
	struct th	*h = th_new();
	size_t		 flen;

	th_conf(h,
	    "[program:w]\n"
	    "command=/bin/sh -c 'i=0; while [ $i -lt 100 ]; do "
	    "echo line-$i-xxxxxxxxxxxxxxxxxxxxxxxx; i=$((i+1)); done'\n"
	    "stdout_logfile=@DIR@/w.log\n"
	    "stdout_logfile_maxbytes=1KB\n"
	    "stdout_logfile_backups=0\n"
	    "startsecs=0\n"
	    "autorestart=false\n");
	th_start_conf(h);
	ck_assert(th_wait_log(h, "exited: w (exit status 0", 5000));
	ck_assert(th_exited_ok(th_stop(h)));
	ck_assert_ptr_nonnull(th_read(h, "w.log", &flen));
	ck_assert_uint_le(flen, 1024);
	ck_assert_ptr_null(th_read(h, "w.log.1", NULL));
	ck_assert_ptr_nonnull(strstr(th_read(h, "w.log", NULL), "line-99-"));
	th_free(h);
}
END_TEST

/*
 * Each line: "P<nn>-<iiiii>-" then 40 letters of the program's own, the
 * line written in two pieces (two printf calls, two writes).
 */
static void
check_whole_lines(const char *out, int nprog, int nlines)
{
	const char	*p = out, *nl;
	int		 counts[64] = { 0 }, prog, i, k;
	char		 want[64];

	for (; (nl = strchr(p, '\n')) != NULL; p = nl + 1) {
		if (strncmp(p, "P", 1) != 0 || nl - p != 50)
			continue;	/* the daemon's own lines */
		ck_assert_msg(sscanf(p, "P%2d-%5d-", &prog, &i) == 2,
		    "torn line: %.60s", p);
		ck_assert(prog >= 0 && prog < nprog);
		for (k = 0; k < 40; k++)
			want[k] = (char)('a' + prog % 26);
		ck_assert_msg(memcmp(p + 10, want, 40) == 0,
		    "mixed line: %.60s", p);
		ck_assert_int_eq(i, counts[prog]);
		counts[prog]++;
	}
	for (prog = 0; prog < nprog; prog++)
		ck_assert_int_eq(counts[prog], nlines);
}

static void
conf_writers(struct th *h, int nprog, int nlines)
{
	char	*body, *next, l[21];
	int	 i;

	body = strdup("");
	for (i = 0; i < nprog; i++) {
		memset(l, 'a' + i % 26, 20);
		l[20] = '\0';
		ck_assert_int_ne(asprintf(&next, "%s"
		    "[program:p%02d]\n"
		    "command=/bin/sh -c 'i=0; while [ $i -lt %d ]; do "
		    "printf \"P%02d-%%%%05d-%s\" $i; printf \"%s\\n\"; "
		    "i=$((i+1)); done'\n"
		    "stdout_logfile=/dev/stdout\n"
		    "stdout_logfile_maxbytes=0\n"
		    "startsecs=0\n"
		    "autorestart=false\n", body, i, nlines, i, l, l), -1);
		free(body);
		body = next;
	}
	th_conf(h, body);
	free(body);
}

START_TEST(test_forwarded_lines_of_20_writers_never_interleave)
{
	struct th	*h = th_new();
	struct piped	 pp;

	conf_writers(h, 20, 300);
	start_piped(h, &pp, "fwd.out");
	ck_assert(th_wait_log_n(h, "exited: p", 20, 20000));
	ck_assert(th_exited_ok(stop_piped(&pp, 10000)));
	wait_reader(&pp);
	check_whole_lines(th_read(h, "fwd.out", NULL), 20, 300);
	th_free(h);
}
END_TEST

/* Bytes of the lines that begin with c in the file rel. */
static long long
bytes_of_lines(struct th *h, const char *rel, char c)
{
	const char	*o = th_read(h, rel, NULL), *p, *nl;
	long long	 n = 0;

	if (o == NULL)
		return 0;
	for (p = o; (nl = strchr(p, '\n')) != NULL; p = nl + 1)
		if (p[0] == c)
			n += nl - p + 1;
	return n;
}

START_TEST(test_stalled_stdout_reader_never_blocks_the_daemon)
{
	struct th	*h = th_new();
	struct piped	 pp;
	struct sizearg	 a = { "other.log", 200000 };
	long long	 end;

	th_conf(h,
	    "loglevel=debug\n"
	    "[program:flood]\n"
	    "command=/bin/sh -c 'yes 0123456789012345678901234567890123456789"
	    " | head -c 19999964; sleep 30'\n"
	    "stdout_logfile=/dev/stdout\n"
	    "stdout_logfile_maxbytes=0\n"
	    "startsecs=0\n"
	    "[program:other]\n"
	    "command=/bin/sh -c 'sleep 1; yes other-line | head -c 400000; "
	    "sleep 30'\n"
	    "stdout_logfile=@DIR@/other.log\n"
	    "startsecs=0\n");
	start_piped(h, &pp, NULL);
	/* Nobody reads our stdout: the flood waits, the daemon goes on. */
	ck_assert(th_wait_log(h, "holding back the programs", 10000));
	ck_assert(th_wait(h, size_at_least, &a, 10000));
	/* The reader comes back: every line of the flood arrives, whole. */
	end = th_now_ms() + 60000;
	while (bytes_of_lines(h, "fwd.out", '0') < 19999964 &&
	    th_now_ms() < end)
		drain_to(h, pp.rfd, "fwd.out", 500);
	ck_assert_int_eq(bytes_of_lines(h, "fwd.out", '0'), 19999964);
	ck_assert(th_exited_ok(stop_piped(&pp, 10000)));
	drain_to(h, pp.rfd, "fwd.out", 5000);
	close(pp.rfd);
	{
		const char *o = th_read(h, "fwd.out", NULL), *p, *nl;

		for (p = o; (nl = strchr(p, '\n')) != NULL; p = nl + 1)
			if (p[0] == '0')
				ck_assert_msg(nl - p == 40, "torn: %.50s", p);
	}
	ck_assert_int_eq(th_log_count(h, "dropping"), 0);
	th_free(h);
}
END_TEST

/*
 * A reader of the daemon's stdout, run as a child: it waits stall_ms,
 * then reads at most rate bytes a second (0: as fast as it can), pausing
 * pause_ms after every pause_every bytes, into the file rel, to EOF.
 * Once it has seen want lines that begin with tag, it creates rel.done.
 */
struct pace {
	int	 stall_ms;
	long	 rate;
	long	 pause_every;
	int	 pause_ms;
	char	 tag;
	int	 want;
};

static void
sleep_ms(long ms)
{
	struct timespec	ts;

	if (ms <= 0)
		return;
	ts.tv_sec = ms / 1000;
	ts.tv_nsec = (ms % 1000) * 1000000;
	while (nanosleep(&ts, &ts) == -1 && errno == EINTR)
		;
}

static pid_t
start_reader(struct th *h, int rfd, const char *rel, const struct pace *pc)
{
	char		 buf[65536], done[1024];
	long long	 start, got = 0, next_pause;
	ssize_t		 n, i;
	int		 fd, lines = 0;
	bool		 bol = true;
	pid_t		 pid;

	snprintf(done, sizeof(done), "%s.done", th_path(h, rel));
	fd = open(th_path(h, rel), O_WRONLY | O_CREAT | O_TRUNC, 0644);
	ck_assert_int_ne(fd, -1);
	pid = fork();
	ck_assert_int_ne(pid, -1);
	if (pid > 0) {
		close(fd);
		th_track(h, pid);
		return pid;
	}
	sleep_ms(pc->stall_ms);
	start = th_now_ms();
	next_pause = pc->pause_every;
	for (;;) {
		n = read(rfd, buf, sizeof(buf));
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		if (write(fd, buf, (size_t)n) != n)
			_exit(1);
		for (i = 0; i < n; i++) {
			if (bol && buf[i] == pc->tag && ++lines == pc->want)
				close(open(done, O_WRONLY | O_CREAT, 0644));
			bol = buf[i] == '\n';
		}
		got += n;
		if (pc->rate > 0)
			sleep_ms(start + got * 1000 / pc->rate - th_now_ms());
		if (pc->pause_every > 0 && got >= next_pause) {
			sleep_ms(pc->pause_ms);
			start += pc->pause_ms;
			next_pause += pc->pause_every;
		}
	}
	_exit(0);
}

static bool
file_exists(struct th *h, void *rel)
{
	return access(th_path(h, rel), F_OK) == 0;
}

/*
 * Every line of fwdlines (tests/helpers/fwdlines.c) in out is whole and
 * intact, and those tagged tag came exactly want[id] times each from
 * writer id (lines 0 .. want[id] - 1).  The daemon's own lines (a
 * timestamp first) and a test's filler (x's) are let be; anything else
 * is a torn line.
 */
static void
check_fwdlines(const char *out, char tag, const int *want, int nw)
{
	const char	*p, *nl, *pl;
	unsigned char	*seen;
	unsigned int	 sum, got;
	int		 id, i, len, k, maxl = 0;
	char		 t;

	for (id = 0; id < nw; id++)
		if (want[id] > maxl)
			maxl = want[id];
	seen = calloc((size_t)nw * (size_t)(maxl + 1), 1);
	ck_assert_ptr_nonnull(seen);
	for (p = out; (nl = strchr(p, '\n')) != NULL; p = nl + 1) {
		if ((p[0] >= '0' && p[0] <= '9') || p[0] == 'x')
			continue;	/* the daemon's own, a test's filler */
		ck_assert_msg(nl - p >= 26 && sscanf(p, "%c%2d %5d %5d %8x ",
		    &t, &id, &i, &len, &got) == 5 && (t == 'W' || t == 'T'),
		    "torn line: %.60s", p);
		ck_assert_msg(nl - p == 25 + len, "line %c%02d %d: %d bytes, "
		    "not %d", t, id, i, (int)(nl - p), 25 + len);
		for (sum = 2166136261u, pl = p + 25, k = 0; k < len; k++)
			sum = (sum ^ (unsigned char)pl[k]) * 16777619u;
		ck_assert_msg(sum == got, "line %c%02d %d: bad checksum", t,
		    id, i);
		if (t != tag)
			continue;
		ck_assert(id >= 0 && id < nw && i >= 0 && i < want[id]);
		ck_assert_msg(seen[id * (maxl + 1) + i] == 0,
		    "line %c%02d %d came twice", t, id, i);
		seen[id * (maxl + 1) + i] = 1;
	}
	for (id = 0; id < nw; id++)
		for (i = 0; i < want[id]; i++)
			ck_assert_msg(seen[id * (maxl + 1) + i],
			    "line %c%02d %d never came", tag, id, i);
	free(seen);
}

/* 20 writers of 150 lines of up to 9 KB to our stdout, and a socket. */
#define NWRITERS	20
#define NLINES		150

static void
conf_fwdlines(struct th *h, const char *extra)
{
	char	*body, *next;
	int	 i;

	ck_assert_int_ne(asprintf(&body, "%s"
	    "[unix_http_server]\nfile=@DIR@/sock\n"
	    "[supervisorctl]\nserverurl=unix://@DIR@/sock\n"
	    "[rpcinterface:supervisor]\nsupervisor.rpcinterface_factory = "
	    "supervisor.rpcinterface:make_main_rpcinterface\n", extra), -1);
	for (i = 0; i < NWRITERS; i++) {
		ck_assert_int_ne(asprintf(&next, "%s"
		    "[program:w%02d]\n"
		    "command=@HELPERS@/fwdlines %d %d 9000\n"
		    "stdout_logfile=/dev/stdout\n"
		    "stdout_logfile_maxbytes=0\n"
		    "startsecs=0\n"
		    "autorestart=false\n", body, i, i, NLINES), -1);
		free(body);
		body = next;
	}
	th_conf(h, body);
	free(body);
}

/*
 * supervisorctl CMD [ARG]: how long it took (ms), or -1 after 30 s; its
 * exit code in *code.
 */
static long long
ctl_ms(struct th *h, const char *cmd, const char *arg, int *code)
{
	const char	*ctl = getenv("SUPERVISORCTL");
	long long	 t0 = th_now_ms();
	pid_t		 pid;
	int		 fd, status;

	ck_assert_msg(ctl != NULL, "SUPERVISORCTL is not set");
	pid = fork();
	ck_assert_int_ne(pid, -1);
	if (pid == 0) {
		if ((fd = open("/dev/null", O_WRONLY)) != -1) {
			dup2(fd, 1);
			dup2(fd, 2);
		}
		execl(ctl, "supervisorctl", "-c",
		    th_path(h, "supervisord.conf"), cmd, arg, (char *)NULL);
		_exit(127);
	}
	if ((status = th_wait_child(pid, 30000)) == -1) {
		kill(pid, SIGKILL);
		(void)th_wait_child(pid, 5000);
		return -1;
	}
	*code = th_exit_code(status);
	return th_now_ms() - t0;
}

/* supervisorctl status: how long it took (ms), or -1 after 30 s. */
static long long
ctl_status_ms(struct th *h)
{
	long long	ms;
	int		code;

	ms = ctl_ms(h, "status", NULL, &code);
	/* 3: some program is not running; 2 or 127: no answer. */
	ck_assert_msg(ms == -1 || code == 0 || code == 3,
	    "supervisorctl status: exit %d", code);
	return ms;
}

static int
cmp_ll(const void *a, const void *b)
{
	long long x = *(const long long *)a, y = *(const long long *)b;

	return x < y ? -1 : x > y;
}

/*
 * Run supervisorctl status again and again until rel.done appears or ms
 * pass; each must answer within 5 s.  Prints the latencies' p50 and max.
 */
static void
status_until_done(struct th *h, const char *what, const char *done, int ms)
{
	long long	 lat[4096], end = th_now_ms() + ms;
	char		 rel[256];
	int		 n = 0;

	snprintf(rel, sizeof(rel), "%s", done);
	while (!file_exists(h, rel) && th_now_ms() < end) {
		lat[n] = ctl_status_ms(h);
		ck_assert_msg(lat[n] >= 0 && lat[n] < 5000,
		    "supervisorctl status took %lld ms", lat[n]);
		if (n < 4095)
			n++;
		sleep_ms(100);	/* a client every 100 ms, not a busy loop */
	}
	ck_assert_msg(file_exists(h, rel), "%s: the lines did not "
	    "all come", what);
	ck_assert_int_gt(n, 0);
	qsort(lat, (size_t)n, sizeof(lat[0]), cmp_ll);
	fprintf(stderr, "%s: supervisorctl status x %d: p50 %lld ms, "
	    "max %lld ms\n", what, n, lat[n / 2], lat[n - 1]);
}

/*
 * A reader of about 2 MiB/s with a second's pause after every 4 MiB: the
 * writers are held, not dropped, and the control socket answers.
 */
START_TEST(test_slow_reader_gets_every_line_and_ctl_answers)
{
	struct th	*h = th_new();
	struct piped	 pp;
	struct pace	 pc = { 0, 2 << 20, 4 << 20, 1000, 'W',
	    NWRITERS * NLINES };
	int		 want[NWRITERS], i;
	pid_t		 r;

	for (i = 0; i < NWRITERS; i++)
		want[i] = NLINES;
	conf_fwdlines(h, "");
	start_piped(h, &pp, NULL);
	r = start_reader(h, pp.rfd, "fwd.out", &pc);
	close(pp.rfd);
	ck_assert(th_wait_log(h, "RPC interface 'supervisor' initialized", 10000));
	status_until_done(h, "slow reader", "fwd.out.done", 60000);
	ck_assert(th_wait_log_n(h, "exited: w", NWRITERS, 10000));
	ck_assert(th_exited_ok(stop_piped(&pp, 20000)));
	ck_assert(th_wait_child(r, 10000) != -1);
	check_fwdlines(th_read(h, "fwd.out", NULL), 'W', want, NWRITERS);
	ck_assert_int_eq(th_log_count(h, "dropping"), 0);
	th_free(h);
}
END_TEST

/*
 * Lines longer than the line bound (64 KiB) go in pieces, and nobody
 * else's line lands between them: each arrives whole, checksum intact.
 */
START_TEST(test_long_lines_are_not_interleaved)
{
	struct th	*h = th_new();
	struct piped	 pp;
	int		 want[8], i;
	char		*body, *next;

	body = strdup("");
	for (i = 0; i < 8; i++) {
		want[i] = i < 4 ? 40 : 150;
		ck_assert_int_ne(asprintf(&next, "%s"
		    "[program:w%d]\n"
		    "command=@HELPERS@/fwdlines %d %d %d\n"
		    "stdout_logfile=/dev/stdout\n"
		    "stdout_logfile_maxbytes=0\n"
		    "startsecs=0\n"
		    "autorestart=false\n", body, i, i, want[i],
		    i < 4 ? 99999 : 9000), -1);
		free(body);
		body = next;
	}
	th_conf(h, body);
	free(body);
	start_piped(h, &pp, "fwd.out");
	ck_assert(th_wait_log_n(h, "exited: w", 8, 30000));
	ck_assert(th_exited_ok(stop_piped(&pp, 10000)));
	wait_reader(&pp);
	check_fwdlines(th_read(h, "fwd.out", NULL), 'W', want, 8);
	th_free(h);
}
END_TEST

/* The length of each line of x's in out, in order, into len[]. */
static int
x_lines(const char *out, long *len, int max)
{
	const char	*p, *nl;
	int		 n = 0;

	for (p = out; (nl = strchr(p, '\n')) != NULL; p = nl + 1)
		if (p[0] == 'x' && n < max)
			len[n++] = (long)strspn(p, "x");
	return n;
}

/*
 * A program that stops in the middle of a line longer than the line
 * bound (a progress bar) holds the others back for a second, not for
 * ever: its line is ended there, the rest comes as a line of its own.
 */
START_TEST(test_unfinished_long_line_does_not_hold_others)
{
	struct th	*h = th_new();
	struct piped	 pp;
	struct pace	 pc = { 0, 0, 0, 0, 'W', NLINES };
	int		 want[2] = { 0, NLINES };
	long		 len[8];
	pid_t		 r;

	th_conf(h,
	    "[program:bar]\n"
	    "command=/bin/sh -c 'head -c 70000 /dev/zero | tr \"\\000\" x; "
	    "sleep 30'\n"
	    "stdout_logfile=/dev/stdout\n"
	    "stdout_logfile_maxbytes=0\n"
	    "startsecs=0\n"
	    "[program:w]\n"
	    "command=/bin/sh -c 'sleep 0.5; exec @HELPERS@/fwdlines 1 150 "
	    "9000'\n"
	    "stdout_logfile=/dev/stdout\n"
	    "stdout_logfile_maxbytes=0\n"
	    "startsecs=0\n"
	    "autorestart=false\n");
	start_piped(h, &pp, NULL);
	r = start_reader(h, pp.rfd, "fwd.out", &pc);
	close(pp.rfd);
	ck_assert(th_wait(h, file_exists, "fwd.out.done", 15000));
	ck_assert(th_exited_ok(stop_piped(&pp, 10000)));
	ck_assert(th_wait_child(r, 10000) != -1);
	check_fwdlines(th_read(h, "fwd.out", NULL), 'W', want, 2);
	/* Its line: the 64 KiB piece, ended; the rest at its exit. */
	ck_assert_int_eq(x_lines(th_read(h, "fwd.out", NULL), len, 8), 2);
	ck_assert_int_eq(len[0], 65536);
	ck_assert_int_eq(len[1], 70000 - 65536);
	th_free(h);
}
END_TEST

/* A reader that stops for a minute and comes back loses nothing. */
START_TEST(test_reader_stopped_for_a_minute_loses_nothing)
{
	struct th	*h = th_new();
	struct piped	 pp;
	struct pace	 pc = { 60000, 0, 0, 0, 'W', NWRITERS * NLINES };
	int		 want[NWRITERS], i;
	pid_t		 r;

	for (i = 0; i < NWRITERS; i++)
		want[i] = NLINES;
	conf_fwdlines(h, "loglevel=debug\n");
	start_piped(h, &pp, NULL);
	r = start_reader(h, pp.rfd, "fwd.out", &pc);
	close(pp.rfd);
	ck_assert(th_wait_log(h, "holding back the programs", 10000));
	ck_assert(th_wait_log(h, "RPC interface 'supervisor' initialized", 10000));
	status_until_done(h, "stopped reader", "fwd.out.done", 100000);
	ck_assert(th_wait_log_n(h, "exited: w", NWRITERS, 10000));
	ck_assert(th_exited_ok(stop_piped(&pp, 20000)));
	ck_assert(th_wait_child(r, 10000) != -1);
	check_fwdlines(th_read(h, "fwd.out", NULL), 'W', want, NWRITERS);
	ck_assert_int_eq(th_log_count(h, "dropping"), 0);
	th_free(h);
}
END_TEST

/*
 * The reader is gone for good: what programs write to our stdout is
 * read and dropped, counted, said once; they are not held.
 */
START_TEST(test_reader_gone_output_dropped_and_counted_once)
{
	struct th	*h = th_new();
	struct piped	 pp;

	th_conf(h,
	    "[program:tick]\n" "command=/bin/sh -c 'i=0; while :; do "
	    "echo tick-$i; i=$((i+1)); sleep 0.01; done'\n"
	    "stdout_logfile=/dev/stdout\n"
	    "stdout_logfile_maxbytes=0\n"
	    "[program:w]\n"
	    "command=/bin/sh -c 'sleep 1; exec @HELPERS@/fwdlines 0 1000 "
	    "9000'\n"
	    "stdout_logfile=/dev/stdout\n"
	    "stdout_logfile_maxbytes=0\n"
	    "startsecs=0\n"
	    "autorestart=false\n");
	start_piped(h, &pp, NULL);
	ck_assert(th_wait_log(h, "spawned: 'w'", 5000));
	drain_to(h, pp.rfd, "fwd.out", 200);
	close(pp.rfd);
	/* 4.5 MB, more than any queue and pipe: it must not be held. */
	ck_assert(th_wait_log(h, "exited: w (exit status 0", 20000));
	ck_assert(th_wait_log(h, "couldn't write to our stdout: Broken pipe",
	    100));
	ck_assert_int_eq(kill(pp.pid, SIGUSR1), 0);
	ck_assert(th_wait_log(h, "of forwarded output dropped", 5000));
	ck_assert(th_alive(h, th_spawned_pid(h, "tick", 0)));
	ck_assert_int_eq(th_log_count(h, "couldn't write to our stdout"), 1);
	ck_assert(th_exited_ok(stop_piped(&pp, 10000)));
	th_free(h);
}
END_TEST

/*
 * With the reader stalled and the queue above its bound, a program being
 * stopped is read all the same: what its SIGTERM handler writes (about
 * 200 KB, more than its pipe holds) gets through and it stops by itself,
 * without SIGKILL.
 */
START_TEST(test_stopping_program_is_read_while_reader_stalls)
{
	struct th	*h = th_new();
	struct piped	 pp;
	struct pace	 pc = { 0, 0, 0, 0, 'T', 400 };
	int		 wantw[3] = { 0, 1000, 1 }, wantt[3] = { 0, 0, 400 };
	long long	 t0, ms;
	pid_t		 r;
	int		 code;

	th_conf(h,
	    "loglevel=debug\n"
	    "[unix_http_server]\nfile=@DIR@/sock\n"
	    "[supervisorctl]\nserverurl=unix://@DIR@/sock\n"
	    "[rpcinterface:supervisor]\nsupervisor.rpcinterface_factory = "
	    "supervisor.rpcinterface:make_main_rpcinterface\n"
	    "[program:flood]\n"
	    "command=@HELPERS@/fwdlines 1 1000 9000\n"
	    "stdout_logfile=/dev/stdout\n"
	    "stdout_logfile_maxbytes=0\n"
	    "startsecs=0\n"
	    "autorestart=false\n"
	    "[program:stopper]\n"
	    "command=@HELPERS@/fwdlines 2 1 1000 400\n"
	    "stdout_logfile=/dev/stdout\n"
	    "stdout_logfile_maxbytes=0\n"
	    "stopwaitsecs=30\n"
	    "startsecs=0\n");
	start_piped(h, &pp, NULL);
	ck_assert(th_wait_log(h, "holding back the programs", 10000));
	ck_assert(th_wait_log(h, "spawned: 'stopper'", 5000));
	ck_assert(th_wait_log(h, "RPC interface 'supervisor' initialized", 10000));
	t0 = th_now_ms();
	ms = ctl_ms(h, "stop", "stopper", &code);
	ck_assert_msg(ms != -1 && code == 0, "supervisorctl stop: %lld ms, "
	    "exit %d", ms, code);
	ck_assert(th_wait_log(h, "stopped: stopper (exit status 0)", 100));
	ck_assert_msg(th_now_ms() - t0 < 10000, "the stop took %lld ms",
	    th_now_ms() - t0);
	ck_assert_int_eq(th_log_count(h, "SIGKILL"), 0);
	/* The reader comes back: everything is there, once. */
	r = start_reader(h, pp.rfd, "fwd.out", &pc);
	close(pp.rfd);
	ck_assert(th_wait_log(h, "exited: flood (exit status 0", 30000));
	ck_assert(th_exited_ok(stop_piped(&pp, 20000)));
	ck_assert(th_wait_child(r, 10000) != -1);
	check_fwdlines(th_read(h, "fwd.out", NULL), 'W', wantw, 3);
	check_fwdlines(th_read(h, "fwd.out", NULL), 'T', wantt, 3);
	ck_assert_int_eq(th_log_count(h, "dropping"), 0);
	th_free(h);
}
END_TEST

static long
vmrss_kb(struct th *h, pid_t pid)
{
	const char	*v = th_proc_status(h, pid, "VmRSS");

	return v != NULL ? atol(v) : -1;
}

START_TEST(test_newline_less_flood_keeps_memory_bounded)
{
	struct th	*h = th_new();
	struct piped	 pp;
	char		 buf[65536];
	struct pollfd	 pfd;
	long long	 got = 0, end;
	long		 rss, maxrss = 0, base;
	ssize_t		 n;

	th_conf(h,
	    "[program:flood]\n"
	    "command=/bin/sh -c 'head -c 1073741824 /dev/zero | tr \"\\000\" x'\n"
	    "stdout_logfile=/dev/stdout\n"
	    "stdout_logfile_maxbytes=0\n"
	    "startsecs=0\n"
	    "autorestart=false\n");
	start_piped(h, &pp, NULL);
	ck_assert(th_wait_log(h, "spawned: 'flood'", 5000));
	base = vmrss_kb(h, pp.pid);
	end = th_now_ms() + 80000;
	/*
	 * Read as fast as we can until the program is gone; the daemon may
	 * still drop what a momentary stall of ours does not take.
	 */
	pfd.fd = pp.rfd;
	pfd.events = POLLIN;
	while (th_now_ms() < end) {
		if (poll(&pfd, 1, 50) == 0) {
			if (th_log_count(h, "exited: flood") > 0)
				break;
			continue;
		}
		n = read(pp.rfd, buf, sizeof(buf));
		if (n <= 0)
			break;
		got += n;
		if ((got & 0xffffff) < n && (rss = vmrss_kb(h, pp.pid)) > maxrss)
			maxrss = rss;
	}
	ck_assert_msg(th_log_count(h, "exited: flood") > 0,
	    "the flood did not end; %lld bytes came", got);
	ck_assert_msg(got > 100 * 1024 * 1024, "only %lld bytes came", got);
	/* A 64 KiB line buffer and a 1 MiB queue at most, and slack. */
	ck_assert_msg(maxrss < base + 8192, "VmRSS grew from %ld to %ld kB",
	    base, maxrss);
	ck_assert(th_exited_ok(stop_piped(&pp, 10000)));
	close(pp.rfd);
	th_free(h);
}
END_TEST

/* A program that writes "tick N" every 10 ms. */
#define TICKER \
	"command=/bin/sh -c 'i=0; while :; do echo tick-$i; i=$((i+1)); " \
	"sleep 0.01; done'\n"

static int
last_tick(const char *s)
{
	const char	*p = s, *q;
	int		 last = -1;

	while ((q = strstr(p, "tick-")) != NULL) {
		last = atoi(q + 5);
		p = q + 5;
	}
	return last;
}

/* 100-byte lines every 10 ms: a 4 KiB page fills in well under a second. */
#define BIG_TICKER \
	"command=/bin/sh -c 'i=0; while :; do echo tick-$i-" \
	"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx" \
	"xxxxxxxxxxxxxxxxxxxxxxxx; i=$((i+1)); sleep 0.01; done'\n"

/* Ticks in a then b run 0, 1, 2 ... with none lost or repeated. */
static void
check_ticks(const char *a, const char *b)
{
	const char	*s[2] = { a, b }, *p, *q;
	int		 want = 0, i;

	for (i = 0; i < 2; i++)
		for (p = s[i]; (q = strstr(p, "tick-")) != NULL; p = q + 5)
			ck_assert_int_eq(atoi(q + 5), want++);
	ck_assert_int_gt(want, 10);
}

START_TEST(test_logrotate_move_then_sigusr2)
{
	struct th	*h = th_new();
	struct sizearg	 a = { "t.log", 100 };
	long long	 moved;
	char		*old;

	th_conf(h,
	    "[program:t]\n" TICKER
	    "stdout_logfile=@DIR@/t.log\n");
	th_start_conf(h);
	ck_assert(th_wait(h, size_at_least, &a, 5000));
	ck_assert_int_eq(rename(th_path(h, "t.log"), th_path(h, "t.log.moved")),
	    0);
	ck_assert_int_eq(th_signal(h, SIGUSR2), 0);
	ck_assert(th_wait_log(h, "received SIGUSR2", 5000));
	a.min = 50;
	ck_assert(th_wait(h, size_at_least, &a, 5000));
	moved = file_size(h, "t.log.moved");
	ck_assert(th_exited_ok(th_stop(h)));
	/* Nothing went to the moved file after the new one began. */
	ck_assert_int_eq(file_size(h, "t.log.moved"), moved);
	old = strdup(th_read(h, "t.log.moved", NULL));
	check_ticks(old, th_read(h, "t.log", NULL));
	ck_assert_int_gt(last_tick(th_read(h, "t.log", NULL)), 0);
	free(old);
	th_free(h);
}
END_TEST

START_TEST(test_strip_ansi)
{
	struct th	*h = th_new();
	const char	*conf;

	conf = th_conf(h,
	    "[program:c]\n"
	    "command=printf '\\033[1;31mred\\033[0m plain\\n'\n"
	    "stdout_logfile=@DIR@/c.log\n"
	    "startsecs=0\n"
	    "autorestart=false\n");
	th_start(h, "-n", "-t", "-c", conf, NULL);
	ck_assert(th_wait_log(h, "exited: c", 5000));
	ck_assert(th_exited_ok(th_stop(h)));
	ck_assert_str_eq(th_read(h, "c.log", NULL), "red plain\n");
	th_free(h);
}
END_TEST

START_TEST(test_log_dir_removed_then_back)
{
	struct th	*h = th_new();
	struct sizearg	 a = { "logs/t.log", 50 };
	char		 cmd[1024];

	ck_assert_int_eq(mkdir(th_path(h, "logs"), 0755), 0);
	th_conf(h,
	    "[program:t]\n" TICKER
	    "stdout_logfile=@DIR@/logs/t.log\n");
	th_start_conf(h);
	ck_assert(th_wait(h, size_at_least, &a, 5000));
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", th_path(h, "logs"));
	ck_assert_int_eq(system(cmd), 0);
	/* The path is looked at once a second. */
	ck_assert(th_wait_log(h, "couldn't write stdout log", 5000));
	ck_assert(th_wait_log(h, "No such file or directory", 100));
	/* The status dump shows what was dropped meanwhile. */
	ck_assert_int_eq(th_signal(h, SIGUSR1), 0);
	ck_assert(th_wait_log(h, "log bytes dropped", 5000));
	ck_assert_int_eq(mkdir(th_path(h, "logs"), 0755), 0);
	ck_assert(th_wait_log(h, "is writable again", 5000));
	ck_assert(th_wait(h, size_at_least, &a, 5000));
	ck_assert(th_alive(h, th_spawned_pid(h, "t", 0)));
	ck_assert(th_exited_ok(th_stop(h)));
	ck_assert_int_eq(th_log_count(h, "couldn't write stdout log"), 1);
	th_free(h);
}
END_TEST

/* Is there a file in logs/ whose name contains arg? */
static bool
auto_log_exists(struct th *h, void *arg)
{
	DIR		*dp;
	struct dirent	*de;
	bool		 found = false;

	if ((dp = opendir(th_path(h, "logs"))) == NULL)
		return false;
	while ((de = readdir(dp)) != NULL)
		if (strstr(de->d_name, (const char *)arg) != NULL)
			found = true;
	closedir(dp);
	return found;
}

/* An AUTO log that childlogdir refused is created once it can be. */
START_TEST(test_auto_log_created_when_childlogdir_is_back)
{
	struct th	*h = th_new();
	char		 cmd[2048];
	const char	*ctl = getenv("SUPERVISORCTL");

	ck_assert_msg(ctl != NULL, "SUPERVISORCTL is not set");
	ck_assert_int_eq(mkdir(th_path(h, "logs"), 0755), 0);
	th_write(h, "supervisord.conf",
	    "[supervisord]\nlogfile=@DIR@/supervisord.log\n"
	    "pidfile=@DIR@/supervisord.pid\nchildlogdir=@DIR@/logs\n"
	    "[unix_http_server]\nfile=@DIR@/sock\n"
	    "[supervisorctl]\nserverurl=unix://@DIR@/sock\n"
	    "[rpcinterface:supervisor]\nsupervisor.rpcinterface_factory = "
	    "supervisor.rpcinterface:make_main_rpcinterface\n"
	    "[program:talk]\n" TICKER "autostart=false\n"
	    "stdout_logfile=AUTO\n");
	th_start_conf(h);
	ck_assert(th_wait_log(h, "supervisord started", 5000));
	ck_assert_int_eq(rmdir(th_path(h, "logs")), 0);
	snprintf(cmd, sizeof(cmd), "'%s' -c '%s' start talk >/dev/null", ctl,
	    th_path(h, "supervisord.conf"));
	ck_assert_int_eq(system(cmd), 0);
	ck_assert(th_wait_log(h, "couldn't create stdout log", 5000));
	ck_assert_int_eq(mkdir(th_path(h, "logs"), 0755), 0);
	/* The next output creates it; no restart needed. */
	ck_assert(th_wait(h, auto_log_exists, "talk-stdout---", 5000));
	ck_assert(th_wait_log(h, "is writable again", 5000));
	ck_assert_int_eq(th_log_count(h, "couldn't create stdout log"), 1);
	ck_assert(th_exited_ok(th_stop(h)));
	th_free(h);
}
END_TEST

START_TEST(test_log_path_is_a_directory_until_sigusr2)
{
	struct th	*h = th_new();
	struct sizearg	 a = { "t.log", 50 };

	ck_assert_int_eq(mkdir(th_path(h, "t.log"), 0755), 0);
	th_conf(h,
	    "[program:t]\n" TICKER
	    "stdout_logfile=@DIR@/t.log\n");
	th_start_conf(h);
	ck_assert(th_wait_log(h, "Is a directory", 5000));
	ck_assert(th_wait_log(h, "entered RUNNING", 5000));
	/* Give it a good number of writes: still one message. */
	ck_assert(!th_wait_log_n(h, "Is a directory", 2, 500));
	ck_assert_int_eq(rmdir(th_path(h, "t.log")), 0);
	ck_assert_int_eq(th_signal(h, SIGUSR2), 0);
	ck_assert(th_wait(h, size_at_least, &a, 5000));
	ck_assert(th_wait_log(h, "is writable again", 5000));
	ck_assert(th_alive(h, th_spawned_pid(h, "t", 0)));
	ck_assert(th_exited_ok(th_stop(h)));
	th_free(h);
}
END_TEST

/* Every line of a BIG_TICKER log is whole: "tick-N-" and 90 x's. */
static void
check_big_ticks(const char *log)
{
	const char	*p, *nl, *q;
	int		 n = 0;

	for (p = log; (nl = strchr(p, '\n')) != NULL; p = nl + 1, n++) {
		ck_assert_msg(strncmp(p, "tick-", 5) == 0, "torn line %d: "
		    "%.40s", n, p);
		for (q = p + 5; q < nl && *q >= '0' && *q <= '9'; q++)
			;
		ck_assert_msg(q > p + 5 && *q == '-' && nl - q - 1 == 90 &&
		    strspn(q + 1, "x") == 90, "torn line %d: %.*s", n,
		    (int)(nl - p), p);
	}
	ck_assert_msg(*p == '\0', "a torn last line: %.40s", p);
	ck_assert_int_gt(n, 1);
}

static bool
mount_small(struct th *h, const char *rel, const char *test)
{
	ck_assert_int_eq(mkdir(th_path(h, rel), 0755), 0);
	if (mount("tmpfs", th_path(h, rel), "tmpfs", 0, "size=256k") == -1) {
		th_skip_at(test, "tmpfs", "cannot mount a tmpfs here: %s",
		    strerror(errno));
		return false;
	}
	return true;
}

static void
fill_disk(struct th *h, const char *rel)
{
	char	cmd[1024];

	/*
	 * Every free page: the log's last page keeps room for a part of
	 * a line, so the next writes stop part-way.  dd fails, as it
	 * should: the disk is full.
	 */
	snprintf(cmd, sizeof(cmd), "dd if=/dev/zero of='%s' bs=4k "
	    "2>/dev/null", th_path(h, rel));
	(void)system(cmd);
}

START_TEST(test_full_disk_survived_and_recovers)
{
	struct th	*h = th_new();
	struct sizearg	 a = { "small/t.log", 50 };
	long long	 s1;

	if (!mount_small(h, "small", __func__)) {
		th_free(h);
		return;
	}
	th_conf(h,
	    "[program:t]\n" BIG_TICKER
	    "stdout_logfile=@DIR@/small/t.log\n"
	    "stdout_logfile_maxbytes=0\n");
	th_start_conf(h);
	ck_assert(th_wait(h, size_at_least, &a, 5000));
	/* Fill the disk to its last byte: a line is cut part-way. */
	fill_disk(h, "small/fill");
	ck_assert(th_wait_log(h, "No space left on device", 5000));
	ck_assert(!th_wait_log_n(h, "No space left on device", 2, 500));
	ck_assert(th_alive(h, th_spawned_pid(h, "t", 0)));
	/* Whole lines only, even now. */
	check_big_ticks(th_read(h, "small/t.log", NULL));
	/* Free it: writing resumes by itself, and says what was lost. */
	ck_assert_int_eq(unlink(th_path(h, "small/fill")), 0);
	ck_assert(th_wait_log(h, "is writable again", 5000));
	ck_assert_int_eq(th_log_count(h, "is writable again: 0 bytes"), 0);
	s1 = file_size(h, "small/t.log");
	a.min = s1 + 50;
	ck_assert(th_wait(h, size_at_least, &a, 5000));
	ck_assert(th_exited_ok(th_stop(h)));
	check_big_ticks(th_read(h, "small/t.log", NULL));
	ck_assert_int_eq(umount(th_path(h, "small")), 0);
	th_free(h);
}
END_TEST

/* Every line of the daemon's log starts with a timestamp, ends whole. */
static void
check_log_lines(const char *log)
{
	const char	*p, *nl;
	int		 y, mo, d, hh, mm, ss, ms;

	for (p = log; (nl = strchr(p, '\n')) != NULL; p = nl + 1)
		ck_assert_msg(sscanf(p, "%4d-%2d-%2d %2d:%2d:%2d,%3d ", &y,
		    &mo, &d, &hh, &mm, &ss, &ms) == 7, "torn line: %.60s", p);
	ck_assert_msg(*p == '\0', "a torn last line: %.60s", p);
}

/*
 * The daemon's own log on a full disk: whole lines or none, the episode
 * said on stdout when it begins and with its count in the log when the
 * disk has room again.
 */
START_TEST(test_full_disk_daemon_log_whole_lines_and_count)
{
	struct th	*h = th_new();
	const char	*conf;
	int		 i;

	if (!mount_small(h, "small", __func__)) {
		th_free(h);
		return;
	}
	conf = th_path(h, "supervisord.conf");
	th_write(h, "supervisord.conf",
	    "[supervisord]\nlogfile=@DIR@/small/sd.log\n"
	    "logfile_maxbytes=0\n"
	    "pidfile=@DIR@/supervisord.pid\nchildlogdir=@DIR@\n"
	    "[program:t]\n" TICKER "stdout_logfile=NONE\n");
	th_set_log(h, "small/sd.log");
	th_start(h, "-n", "-c", conf, NULL);
	ck_assert(th_wait_log(h, "entered RUNNING", 5000));
	fill_disk(h, "small/fill");
	/*
	 * Status dumps, until the disk refuses their lines: one signal
	 * per 10 ms, as signals sent at once are taken as one.
	 */
	for (i = 0; i < 1000; i++) {
		if (strstr(th_read(h, "stdout", NULL), "counting the lines "
		    "lost") != NULL)
			break;
		ck_assert_int_eq(th_signal(h, SIGUSR1), 0);
		sleep_ms(10);
	}
	for (i = 0; i < 20; i++)
		ck_assert_int_eq(th_signal(h, SIGUSR1), 0);
	ck_assert_ptr_nonnull(strstr(th_read(h, "stdout", NULL),
	    "couldn't write to the log file"));
	check_log_lines(th_read(h, "small/sd.log", NULL));
	ck_assert_int_eq(unlink(th_path(h, "small/fill")), 0);
	ck_assert_int_eq(th_signal(h, SIGUSR1), 0);
	ck_assert(th_wait_log(h, "is writable again", 5000));
	ck_assert_int_eq(th_log_count(h, "is writable again: 0 lines"), 0);
	ck_assert_int_eq(th_log_count(h, "couldn't write to the log file"),
	    0);
	ck_assert(th_exited_ok(th_stop(h)));
	check_log_lines(th_read(h, "small/sd.log", NULL));
	/* Once on stdout, however many lines went. */
	{
		const char *o = th_read(h, "stdout", NULL), *p = o;
		int n = 0;

		while ((p = strstr(p, "couldn't write to the log file")) !=
		    NULL) {
			n++;
			p++;
		}
		ck_assert_int_eq(n, 1);
	}
	ck_assert_int_eq(umount(th_path(h, "small")), 0);
	th_free(h);
}
END_TEST

/*
 * The log file removed and a directory made in its place: said once
 * within a second or so, the bytes counted; back once the path is free.
 */
START_TEST(test_log_file_replaced_by_a_directory)
{
	struct th	*h = th_new();
	struct sizearg	 a = { "t.log", 50 };

	th_conf(h,
	    "[program:t]\n" TICKER
	    "stdout_logfile=@DIR@/t.log\n");
	th_start_conf(h);
	ck_assert(th_wait(h, size_at_least, &a, 5000));
	ck_assert_int_eq(unlink(th_path(h, "t.log")), 0);
	ck_assert_int_eq(mkdir(th_path(h, "t.log"), 0755), 0);
	ck_assert(th_wait_log(h, "Is a directory", 5000));
	ck_assert(!th_wait_log_n(h, "Is a directory", 2, 500));
	ck_assert_int_eq(th_signal(h, SIGUSR1), 0);
	ck_assert(th_wait_log(h, "log bytes dropped", 5000));
	ck_assert_int_eq(rmdir(th_path(h, "t.log")), 0);
	ck_assert(th_wait_log(h, "is writable again", 5000));
	ck_assert_int_eq(th_log_count(h, "is writable again: 0 bytes"), 0);
	ck_assert(th_wait(h, size_at_least, &a, 5000));
	ck_assert(th_alive(h, th_spawned_pid(h, "t", 0)));
	ck_assert(th_exited_ok(th_stop(h)));
	ck_assert_int_eq(th_log_count(h, "Is a directory"), 1);
	th_free(h);
}
END_TEST

/* A log path that cannot be written (a read-only mount): one error, the
 * program unharmed, writing resumed once the mount is writable. */
START_TEST(test_read_only_log_path_until_remount)
{
	struct th	*h = th_new();
	struct sizearg	 a = { "ro/t.log", 50 };

	ck_assert_int_eq(mkdir(th_path(h, "ro"), 0755), 0);
	if (mount("tmpfs", th_path(h, "ro"), "tmpfs", MS_RDONLY, "size=1m")
	    == -1) {
		th_skip("tmpfs", "cannot mount a tmpfs here: %s",
		    strerror(errno));
		th_free(h);
		return;
	}
	th_conf(h,
	    "[program:t]\n" TICKER
	    "stdout_logfile=@DIR@/ro/t.log\n");
	th_start_conf(h);
	ck_assert(th_wait_log(h, "Read-only file system", 5000));
	ck_assert(th_wait_log(h, "entered RUNNING", 5000));
	/* Many writes meanwhile: still one message. */
	ck_assert(!th_wait_log_n(h, "Read-only file system", 2, 500));
	ck_assert(th_alive(h, th_spawned_pid(h, "t", 0)));
	ck_assert_int_eq(mount("tmpfs", th_path(h, "ro"), "tmpfs",
	    MS_REMOUNT, "size=1m"), 0);
	ck_assert(th_wait(h, size_at_least, &a, 5000));
	ck_assert(th_wait_log(h, "is writable again", 5000));
	ck_assert(th_exited_ok(th_stop(h)));
	ck_assert_int_eq(umount(th_path(h, "ro")), 0);
	th_free(h);
}
END_TEST

Suite *
output_suite(void)
{
	Suite	*s;
	TCase	*tc;

	s = suite_create("output");
	tc = th_tcase("files", 30);
	tcase_add_test(tc, test_rotation_is_byte_exact_and_cuts_at_line_ends);
	tcase_add_test(tc, test_backups_zero_truncates);
	tcase_add_test(tc, test_prefix_and_timestamps);
	tcase_add_test(tc, test_strip_ansi);
	tcase_add_test(tc, test_logrotate_move_then_sigusr2);
	suite_add_tcase(s, tc);
	tc = th_tcase("forward", 90);
	tcase_add_test(tc, test_forwarded_lines_of_20_writers_never_interleave);
	tcase_add_test(tc, test_stalled_stdout_reader_never_blocks_the_daemon);
	tcase_add_test(tc, test_newline_less_flood_keeps_memory_bounded);
	tcase_add_test(tc, test_slow_reader_gets_every_line_and_ctl_answers);
	tcase_add_test(tc, test_long_lines_are_not_interleaved);
	tcase_add_test(tc, test_unfinished_long_line_does_not_hold_others);
	tcase_add_test(tc, test_reader_gone_output_dropped_and_counted_once);
	tcase_add_test(tc, test_stopping_program_is_read_while_reader_stalls);
	suite_add_tcase(s, tc);
	tc = th_tcase("stalled", 180);
	tcase_add_test(tc, test_reader_stopped_for_a_minute_loses_nothing);
	suite_add_tcase(s, tc);
	tc = th_tcase("faults", 30);
	tcase_add_test(tc, test_log_dir_removed_then_back);
	tcase_add_test(tc, test_auto_log_created_when_childlogdir_is_back);
	tcase_add_test(tc, test_read_only_log_path_until_remount);
	tcase_add_test(tc, test_log_path_is_a_directory_until_sigusr2);
	tcase_add_test(tc, test_full_disk_survived_and_recovers);
	tcase_add_test(tc, test_full_disk_daemon_log_whole_lines_and_count);
	tcase_add_test(tc, test_log_file_replaced_by_a_directory);
	suite_add_tcase(s, tc);
	return s;
}
