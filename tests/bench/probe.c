/*
 * probe: start a supervisor (ours, Python's, or a bare floor loop), watch
 * it from outside through /proc, and print what it measured as one line
 * of key=value pairs.  The driver (tests/bench/run) turns these lines
 * into the table; the probe judges nothing.
 *
 *	probe spawn -n N -c COMM [-l LOG] [-o OUT] [-w SECS] -- ARGV...
 *		time from fork until N children of the daemon run COMM
 *		(have exec'd), the daemon's own CPU time by then (its
 *		children's not included), its RSS then and once the log shows N
 *		"entered RUNNING state" lines, then the time from SIGTERM
 *		until the daemon has exited.
 *	probe respawn -n COUNT -f FILE [-t SECS] [-o OUT] -- ARGV...
 *		run the daemon until FILE (written by tick) holds COUNT + 1
 *		starts, or SECS pass; print the percentiles of the gaps
 *		between one exit and the next start.
 *	probe idle -n N -c COMM -s SECS [-l LOG] [-o OUT] [-r READY]
 *	    -- ARGV...
 *		once N children run COMM (and are RUNNING), count the
 *		daemon's context switches over SECS seconds; create the
 *		file READY when the window opens.
 *
 * The daemon runs with stdin from /dev/null and stdout and stderr to OUT.
 * The probe is a child subreaper, so whatever the daemon leaves behind
 * comes to it: after the daemon exits, a live orphan is a failure, and on
 * any failure every process the probe started, and every orphan, is
 * killed by pid, as they are when the probe gets SIGINT, SIGTERM or
 * SIGHUP.  Exit 0 when the measurement was made, 1 otherwise.
 */
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define POLL_SPAWN_NS	2000000LL	/* cheap enough not to disturb */
#define POLL_SLOW_NS	10000000LL
#define RUNNING_PAT	"entered RUNNING state"

/* Reads a growing file from where it stopped, counting a pattern. */
struct counter {
	const char	*path;
	const char	*pat;
	off_t		 off;
	char		 carry[64];	/* tail of the last read */
	size_t		 ncarry;
	long		 count;
};

static pid_t		 daemon_pid = -1;
static uint8_t		*seen;		/* bitmap of pids found exec'd */
static long		 pid_max;
static long		 nseen;
static volatile sig_atomic_t alarmed, interrupted;

static void	kill_orphans(void);

static void
cleanup(void)
{
	if (daemon_pid > 0) {
		kill(daemon_pid, SIGKILL);
		while (waitpid(daemon_pid, NULL, 0) == -1 && errno == EINTR)
			;
		daemon_pid = -1;
	}
	kill_orphans();
}

static void __attribute__((format(printf, 1, 2), noreturn))
die(const char *fmt, ...)
{
	va_list	 ap;

	fputs("probe: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	cleanup();
	exit(1);
}

static long long
now_ns(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static void
sleep_ns(long long ns)
{
	struct timespec	 ts;

	ts.tv_sec = ns / 1000000000LL;
	ts.tv_nsec = ns % 1000000000LL;
	while (!interrupted && nanosleep(&ts, &ts) == -1 && errno == EINTR)
		;
	if (interrupted)
		die("interrupted");
}

static void
alarm_handler(int sig)
{
	(void)sig;
	alarmed = 1;
}

static void
interrupt_handler(int sig)
{
	(void)sig;
	interrupted = 1;
}

/* Without SA_RESTART, so that a blocking call returns to check the flag. */
static void
catch(int sig, void (*fn)(int))
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = fn;
	sigemptyset(&sa.sa_mask);
	sigaction(sig, &sa, NULL);
}

/* Read at most size - 1 bytes of a (small, /proc) file; -1 if it's gone. */
static ssize_t
slurp(const char *path, char *buf, size_t size)
{
	ssize_t	 n, total = 0;
	int	 fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return -1;
	while ((size_t)total < size - 1) {
		n = read(fd, buf + total, size - 1 - (size_t)total);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		total += n;
	}
	close(fd);
	buf[total] = '\0';
	return total;
}

/* A field of /proc/PID/status in its unit (kB for VmRSS); -1 if absent. */
static long long
status_field(pid_t pid, const char *tid, const char *field)
{
	char	 path[320], buf[4096], *p;
	size_t	 len = strlen(field);

	if (tid == NULL)
		snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	else
		snprintf(path, sizeof(path), "/proc/%d/task/%s/status",
		    (int)pid, tid);
	if (slurp(path, buf, sizeof(buf)) <= 0)
		return -1;
	for (p = buf; p != NULL && *p != '\0'; p = strchr(p, '\n')) {
		if (*p == '\n')
			p++;
		if (strncmp(p, field, len) == 0 && p[len] == ':')
			return strtoll(p + len + 1, NULL, 10);
	}
	return -1;
}

/* User + system CPU time of pid itself (not its children), in ms. */
static double
cpu_ms(pid_t pid)
{
	unsigned long long	 ut, st;
	char			 path[64], buf[1024], *p;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	if (slurp(path, buf, sizeof(buf)) <= 0 ||
	    (p = strrchr(buf, ')')) == NULL)
		return -1;
	/* After the name: state and 10 more fields, then utime, stime. */
	if (sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u "
	    "%llu %llu", &ut, &st) != 2)
		return -1;
	return (double)(ut + st) * 1000.0 / (double)sysconf(_SC_CLK_TCK);
}

static long
rss_kib(pid_t pid)
{
	return (long)status_field(pid, NULL, "VmRSS");
}

/*
 * Voluntary and involuntary context switches of every thread of pid:
 * /proc/PID/status counts only the thread it names.
 */
static void
ctx_switches(pid_t pid, long long *vol, long long *invol)
{
	struct dirent	*de;
	char		 path[64];
	DIR		*dir;

	*vol = *invol = 0;
	snprintf(path, sizeof(path), "/proc/%d/task", (int)pid);
	if ((dir = opendir(path)) == NULL)
		die("%s: %s", path, strerror(errno));
	while ((de = readdir(dir)) != NULL) {
		if (!isdigit((unsigned char)de->d_name[0]))
			continue;
		*vol += status_field(pid, de->d_name,
		    "voluntary_ctxt_switches");
		*invol += status_field(pid, de->d_name,
		    "nonvoluntary_ctxt_switches");
	}
	closedir(dir);
}

/*
 * Call fn for each child of pid, from /proc/PID/task/TID/children of every
 * thread (the file lists the children of one thread only).
 */
static void
each_child(pid_t pid, void (*fn)(pid_t, void *), void *arg)
{
	static char	 buf[1 << 20];
	struct dirent	*de;
	char		 path[320], *p, *end;
	DIR		*dir;
	long		 c;

	snprintf(path, sizeof(path), "/proc/%d/task", (int)pid);
	if ((dir = opendir(path)) == NULL)
		return;
	while ((de = readdir(dir)) != NULL) {
		if (!isdigit((unsigned char)de->d_name[0]))
			continue;
		snprintf(path, sizeof(path), "/proc/%d/task/%s/children",
		    (int)pid, de->d_name);
		if (slurp(path, buf, sizeof(buf)) <= 0)
			continue;
		for (p = buf; *p != '\0'; p = end) {
			c = strtol(p, &end, 10);
			if (end == p)
				break;
			if (c > 0)
				fn((pid_t)c, arg);
		}
	}
	closedir(dir);
}

/* The process state letter from /proc/PID/stat, or 0 if it is gone. */
static char
proc_state(pid_t pid)
{
	char	 path[64], buf[512], *p;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	if (slurp(path, buf, sizeof(buf)) <= 0)
		return 0;
	/* The command name may hold spaces and parentheses: skip past it. */
	if ((p = strrchr(buf, ')')) == NULL || p[1] == '\0')
		return 0;
	return p[2];
}

static void
orphan_cb(pid_t pid, void *arg)
{
	long	*live = arg;

	if (proc_state(pid) != 'Z') {
		(*live)++;
		kill(pid, SIGKILL);
	}
}

/*
 * Once the daemon is gone: kill every child of ours (orphans the daemon
 * left to us, the subreaper) and reap them.  The number still alive.
 */
static long
reap_orphans(void)
{
	long	 live = 0;
	pid_t	 pid;
	int	 rounds;

	/* A killed orphan's own children come to us next: look again. */
	for (rounds = 0; rounds < 100; rounds++) {
		each_child(getpid(), orphan_cb, &live);
		while ((pid = waitpid(-1, NULL, WNOHANG)) > 0)
			;
		if (pid == -1 && errno == ECHILD)
			break;
		sleep_ns(POLL_SLOW_NS);
	}
	return live;
}

static void
kill_orphans(void)
{
	(void)reap_orphans();
}

static pid_t
start_daemon(char *argv[], const char *out)
{
	pid_t	 pid;
	int	 in, fd;

	if ((in = open("/dev/null", O_RDONLY | O_CLOEXEC)) == -1)
		die("/dev/null: %s", strerror(errno));
	fd = open(out != NULL ? out : "/dev/null",
	    O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd == -1)
		die("%s: %s", out, strerror(errno));
	pid = fork();
	if (pid == -1)
		die("fork: %s", strerror(errno));
	if (pid == 0) {
		if (dup2(in, 0) == -1 || dup2(fd, 1) == -1 ||
		    dup2(fd, 2) == -1)
			_exit(127);
		execv(argv[0], argv);
		dprintf(2, "probe: exec %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	close(in);
	close(fd);
	daemon_pid = pid;
	return pid;
}

static void
describe_status(int st, char *buf, size_t size)
{
	if (WIFEXITED(st))
		snprintf(buf, size, "exit status %d", WEXITSTATUS(st));
	else if (WIFSIGNALED(st))
		snprintf(buf, size, "killed by signal %d", WTERMSIG(st));
	else
		snprintf(buf, size, "status 0x%x", st);
}

/* Fail if the daemon has exited before we asked it to. */
static void
check_daemon(void)
{
	char	 what[64];
	pid_t	 pid;
	int	 st;

	pid = waitpid(daemon_pid, &st, WNOHANG);
	if (pid == daemon_pid) {
		daemon_pid = -1;
		describe_status(st, what, sizeof(what));
		die("the daemon exited early (%s)", what);
	}
}

/*
 * SIGTERM the daemon and wait until it has exited; the time that took, in
 * ns.  Fails if it does not exit 0 within secs or leaves a live process.
 */
static long long
stop_daemon(int secs)
{
	long long	 t0, t1;
	char		 what[64];
	long		 live;
	int		 st;

	catch(SIGALRM, alarm_handler);
	alarmed = 0;
	alarm((unsigned)secs);
	t0 = now_ns();
	if (kill(daemon_pid, SIGTERM) == -1)
		die("kill: %s", strerror(errno));
	while (waitpid(daemon_pid, &st, 0) == -1) {
		if (errno != EINTR || alarmed)
			die("the daemon did not exit within %d s of SIGTERM",
			    secs);
		if (interrupted)
			die("interrupted");
	}
	t1 = now_ns();
	alarm(0);
	daemon_pid = -1;
	if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) {
		describe_status(st, what, sizeof(what));
		die("the daemon ended with %s after SIGTERM", what);
	}
	if ((live = reap_orphans()) > 0)
		die("%ld processes outlived the daemon", live);
	return t1 - t0;
}

static void
alive_cb(pid_t pid, void *arg)
{
	const char	*comm = arg;
	char		 path[64], buf[64];
	size_t		 len = strlen(comm);

	if (pid >= pid_max || (seen[pid / 8] & (1 << (pid % 8))))
		return;
	snprintf(path, sizeof(path), "/proc/%d/comm", (int)pid);
	if (slurp(path, buf, sizeof(buf)) <= 0)
		return;
	/* Before its exec a child still bears its parent's name. */
	if (strncmp(buf, comm, len) == 0 && buf[len] == '\n') {
		seen[pid / 8] |= 1 << (pid % 8);
		nseen++;
	}
}

/* Wait until n children of the daemon have exec'd comm; when, in ns. */
static long long
wait_alive(long n, const char *comm, long long deadline)
{
	for (;;) {
		each_child(daemon_pid, alive_cb, (void *)(uintptr_t)comm);
		if (nseen >= n)
			return now_ns();
		check_daemon();
		if (now_ns() > deadline)
			die("only %ld of %ld programs alive in time", nseen, n);
		sleep_ns(POLL_SPAWN_NS);
	}
}

/* Count the new occurrences of c->pat in c->path; the total so far. */
static long
counter_update(struct counter *c)
{
	char	 buf[65536 + sizeof(c->carry)], *p, *end;
	size_t	 plen = strlen(c->pat), keep;
	ssize_t	 n;
	int	 fd;

	if ((fd = open(c->path, O_RDONLY | O_CLOEXEC)) == -1)
		return c->count;	/* not created yet */
	for (;;) {
		memcpy(buf, c->carry, c->ncarry);
		n = pread(fd, buf + c->ncarry, 65536, c->off);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		c->off += n;
		end = buf + c->ncarry + n;
		for (p = buf; (p = memmem(p, (size_t)(end - p), c->pat,
		    plen)) != NULL; p += plen)
			c->count++;
		/* Keep a possible prefix of pat for the next read. */
		keep = plen - 1 < (size_t)(end - buf) ?
		    plen - 1 : (size_t)(end - buf);
		memcpy(c->carry, end - keep, keep);
		c->ncarry = keep;
	}
	close(fd);
	return c->count;
}

static void
wait_log(struct counter *c, long n, long long deadline)
{
	while (counter_update(c) < n) {
		check_daemon();
		if (now_ns() > deadline)
			die("%s: only %ld of %ld \"%s\" in time", c->path,
			    c->count, n, c->pat);
		sleep_ns(POLL_SLOW_NS);
	}
}

static int
cmp_ll(const void *a, const void *b)
{
	long long	 x = *(const long long *)a, y = *(const long long *)b;

	return x < y ? -1 : x > y;
}

/* Nearest-rank percentile of sorted v[n], in ms. */
static double
pct_ms(const long long *v, size_t n, int pct)
{
	size_t	 rank = (n * (size_t)pct + 99) / 100;

	return v[rank > 0 ? rank - 1 : 0] / 1e6;
}

/* Gaps between each "E" stamp and the "S" stamp that follows it. */
static void
report_gaps(const char *file)
{
	long long	*gaps, t, last_end = -1;
	size_t		 n = 0, cap = 1024;
	char		 line[128];
	FILE		*fp;

	if ((fp = fopen(file, "re")) == NULL)
		die("%s: %s", file, strerror(errno));
	if ((gaps = malloc(cap * sizeof(*gaps))) == NULL)
		die("malloc");
	while (fgets(line, sizeof(line), fp) != NULL) {
		t = strtoll(line + 1, NULL, 10);
		if (line[0] == 'E')
			last_end = t;
		else if (line[0] == 'S' && last_end != -1) {
			if (n == cap && (gaps = realloc(gaps,
			    (cap *= 2) * sizeof(*gaps))) == NULL)
				die("realloc");
			gaps[n++] = t - last_end;
			last_end = -1;
		}
	}
	fclose(fp);
	if (n == 0)
		die("%s: no respawn seen", file);
	qsort(gaps, n, sizeof(*gaps), cmp_ll);
	printf("n=%zu p50_ms=%.3f p90_ms=%.3f p99_ms=%.3f\n", n,
	    pct_ms(gaps, n, 50), pct_ms(gaps, n, 90), pct_ms(gaps, n, 99));
	free(gaps);
}

static void
usage(void)
{
	fputs("usage: probe spawn -n N -c COMM [-l LOG] [-o OUT] [-w SECS]"
	    " -- ARGV...\n"
	    "       probe respawn -n COUNT -f FILE [-t SECS] [-o OUT]"
	    " -- ARGV...\n"
	    "       probe idle -n N -c COMM -s SECS [-l LOG] [-o OUT]"
	    " [-r READY] -- ARGV...\n", stderr);
	exit(2);
}

int
main(int argc, char *argv[])
{
	struct counter	 logc;
	const char	*mode, *comm = NULL, *log = NULL, *out = NULL;
	const char	*file = NULL, *ready = NULL;
	long long	 t0, t1, deadline, v0, i0, v1, i1;
	long		 n = 0, secs = 0, wait_secs = 120, rss0, rss1;
	double		 cpu;
	int		 ch;

	if (argc < 2)
		usage();
	mode = argv[1];
	optind = 2;
	while ((ch = getopt(argc, argv, "c:f:l:n:o:r:s:t:w:")) != -1) {
		switch (ch) {
		case 'c':
			comm = optarg;
			break;
		case 'f':
			file = optarg;
			break;
		case 'l':
			log = optarg;
			break;
		case 'n':
			n = strtol(optarg, NULL, 10);
			break;
		case 'o':
			out = optarg;
			break;
		case 'r':
			ready = optarg;
			break;
		case 's':
		case 't':
			secs = strtol(optarg, NULL, 10);
			break;
		case 'w':
			wait_secs = strtol(optarg, NULL, 10);
			break;
		default:
			usage();
		}
	}
	argv += optind;
	if (*argv == NULL || n < 1)
		usage();
	setvbuf(stdout, NULL, _IOLBF, 0);
	catch(SIGINT, interrupt_handler);
	catch(SIGTERM, interrupt_handler);
	catch(SIGHUP, interrupt_handler);
	if (prctl(PR_SET_CHILD_SUBREAPER, 1) == -1)
		die("PR_SET_CHILD_SUBREAPER: %s", strerror(errno));
	memset(&logc, 0, sizeof(logc));
	logc.path = log;
	logc.pat = RUNNING_PAT;

	if (strcmp(mode, "spawn") == 0 || strcmp(mode, "idle") == 0) {
		char	 buf[32];

		if (comm == NULL)
			usage();
		if (slurp("/proc/sys/kernel/pid_max", buf, sizeof(buf)) <= 0)
			die("pid_max: %s", strerror(errno));
		pid_max = strtol(buf, NULL, 10) + 1;
		if ((seen = calloc((size_t)pid_max / 8 + 1, 1)) == NULL)
			die("calloc");
		t0 = now_ns();
		deadline = t0 + wait_secs * 1000000000LL;
		start_daemon(argv, out);
		t1 = wait_alive(n, comm, deadline);
		rss0 = rss_kib(daemon_pid);
		cpu = cpu_ms(daemon_pid);
		if (log != NULL)
			wait_log(&logc, n, deadline);
		rss1 = rss_kib(daemon_pid);
		if (strcmp(mode, "spawn") == 0) {
			printf("alive_ms=%.1f cpu_alive_ms=%.0f "
			    "rss_alive_kib=%ld rss_running_kib=%ld ",
			    (t1 - t0) / 1e6, cpu, rss0, rss1);
			printf("stop_ms=%.1f\n", stop_daemon(60) / 1e6);
			return 0;
		}
		if (secs < 1)
			usage();
		/* Let the last RUNNING line's write finish. */
		sleep_ns(200 * 1000000LL);
		ctx_switches(daemon_pid, &v0, &i0);
		t0 = now_ns();
		if (ready != NULL && (ch = open(ready, O_WRONLY | O_CREAT |
		    O_CLOEXEC, 0644)) != -1)
			close(ch);
		sleep_ns(secs * 1000000000LL);
		check_daemon();
		ctx_switches(daemon_pid, &v1, &i1);
		t1 = now_ns();
		printf("wakeups=%lld voluntary=%lld involuntary=%lld "
		    "secs=%.1f rss_kib=%ld\n", (v1 - v0) + (i1 - i0), v1 - v0,
		    i1 - i0, (t1 - t0) / 1e9, rss_kib(daemon_pid));
		(void)stop_daemon(60);
		return 0;
	}
	if (strcmp(mode, "respawn") == 0) {
		if (file == NULL)
			usage();
		if (secs < 1)
			secs = 60;
		if (unlink(file) == -1 && errno != ENOENT)
			die("%s: %s", file, strerror(errno));
		logc.path = file;
		logc.pat = "S";
		t0 = now_ns();
		start_daemon(argv, out);
		while (counter_update(&logc) < n + 1 &&
		    now_ns() - t0 < secs * 1000000000LL) {
			check_daemon();
			sleep_ns(POLL_SLOW_NS);
		}
		(void)stop_daemon(60);
		report_gaps(file);
		return 0;
	}
	usage();
	return 2;
}
