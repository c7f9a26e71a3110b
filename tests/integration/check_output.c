/*
 * output: what programs write, as it reaches log files and the daemon's
 * own stdout: byte-exact logs across rotations, whole lines from many
 * writers, a stalled reader of our stdout, a flood with no newline,
 * logrotate's move-then-SIGUSR2, ANSI stripping, and the faults a log
 * file meets (full disk, directory removed, a directory in its place).
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
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <check.h>

#include "tests/harness.h"

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

START_TEST(test_stalled_stdout_reader_never_blocks_the_daemon)
{
	struct th	*h = th_new();
	struct piped	 pp;
	struct sizearg	 a = { "other.log", 200000 };

	th_conf(h,
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
	/* Nobody reads our stdout: the daemon must go on all the same. */
	ck_assert(th_wait_log(h, "is not being read", 10000));
	ck_assert(th_wait(h, size_at_least, &a, 10000));
	ck_assert_int_eq(th_log_count(h, "is not being read"), 1);
	/* The reader comes back. */
	drain_to(h, pp.rfd, "fwd.out", 1500);
	ck_assert(th_wait_log(h, "is writable again", 5000));
	ck_assert(th_exited_ok(stop_piped(&pp, 10000)));
	drain_to(h, pp.rfd, "fwd.out", 5000);
	close(pp.rfd);
	/* Whole lines only, dropped or not. */
	{
		const char *o = th_read(h, "fwd.out", NULL), *p, *nl;

		for (p = o; (nl = strchr(p, '\n')) != NULL; p = nl + 1)
			if (p[0] == '0')
				ck_assert_msg(nl - p == 40, "torn: %.50s", p);
	}
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

START_TEST(test_full_disk_survived_and_recovers)
{
	struct th	*h = th_new();
	struct sizearg	 a = { "small/t.log", 50 };
	char		 cmd[1024];
	long long	 s1;

	ck_assert_int_eq(mkdir(th_path(h, "small"), 0755), 0);
	if (mount("tmpfs", th_path(h, "small"), "tmpfs", 0, "size=256k")
	    == -1) {
		fprintf(stderr, "SKIP test_full_disk_survived_and_recovers: "
		    "cannot mount a tmpfs here: %s\n", strerror(errno));
		th_free(h);
		return;
	}
	th_conf(h,
	    "[program:t]\n" BIG_TICKER
	    "stdout_logfile=@DIR@/small/t.log\n"
	    "stdout_logfile_maxbytes=0\n");
	th_start_conf(h);
	ck_assert(th_wait(h, size_at_least, &a, 5000));
	/* Fill the disk. */
	snprintf(cmd, sizeof(cmd), "dd if=/dev/zero of='%s' bs=4k "
	    "2>/dev/null", th_path(h, "small/fill"));
	(void)system(cmd);
	ck_assert(th_wait_log(h, "No space left on device", 5000));
	ck_assert(!th_wait_log_n(h, "No space left on device", 2, 500));
	ck_assert(th_alive(h, th_spawned_pid(h, "t", 0)));
	/* Free it: writing resumes by itself. */
	ck_assert_int_eq(unlink(th_path(h, "small/fill")), 0);
	ck_assert(th_wait_log(h, "is writable again", 5000));
	s1 = file_size(h, "small/t.log");
	a.min = s1 + 50;
	ck_assert(th_wait(h, size_at_least, &a, 5000));
	ck_assert(th_exited_ok(th_stop(h)));
	ck_assert_int_eq(umount(th_path(h, "small")), 0);
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
		fprintf(stderr, "SKIP test_read_only_log_path_until_remount: "
		    "cannot mount a tmpfs here: %s\n", strerror(errno));
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
	tcase_add_test(tc, test_strip_ansi);
	tcase_add_test(tc, test_logrotate_move_then_sigusr2);
	suite_add_tcase(s, tc);
	tc = th_tcase("forward", 90);
	tcase_add_test(tc, test_forwarded_lines_of_20_writers_never_interleave);
	tcase_add_test(tc, test_stalled_stdout_reader_never_blocks_the_daemon);
	tcase_add_test(tc, test_newline_less_flood_keeps_memory_bounded);
	suite_add_tcase(s, tc);
	tc = th_tcase("faults", 30);
	tcase_add_test(tc, test_log_dir_removed_then_back);
	tcase_add_test(tc, test_auto_log_created_when_childlogdir_is_back);
	tcase_add_test(tc, test_read_only_log_path_until_remount);
	tcase_add_test(tc, test_log_path_is_a_directory_until_sigusr2);
	tcase_add_test(tc, test_full_disk_survived_and_recovers);
	suite_add_tcase(s, tc);
	return s;
}
