/*
 * stamp: the program run-scale starts by the thousand, the bare floor it
 * is compared with, and the waits that read what they stamped.  Each
 * program writes its own start time (CLOCK_REALTIME, taken first thing
 * after exec) as one fixed-width line appended to a shared file, so that
 * nothing has to walk /proc to learn when N programs are alive.
 *
 *	stamp prog FILE NAME [ARG...]
 *		append "SEC.NSEC NAME\n" (STAMP_LINE bytes) to FILE, then
 *		sleep until a signal ends it.  ARGs are ignored (a reload
 *		changes a command by adding one).
 *	stamp floor N FILE
 *		posix_spawn "stamp prog FILE fN" N times, holding no pipes,
 *		then wait for SIGTERM; on it, SIGTERM every child, reap them
 *		all and exit 0.
 *	stamp start FILE N SECS OUT -- ARGV...
 *		note the time, start ARGV (its output to OUT, its pid on
 *		our stdout at once), wait
 *		until FILE holds N stamps, print the seconds from the start
 *		to the latest of them; exit 1 if they are not there within
 *		SECS (printing how many were).  ARGV is not waited for.
 *	stamp after FILE LINES N SECS T0
 *		wait until FILE holds LINES + N stamps, print the seconds
 *		from T0 (SEC.NSEC) to the latest of the new ones and the
 *		new lines' names; exit 1 on timeout.
 *	stamp hup PID FILE LINES SECS
 *		note the time, SIGHUP PID at once, then as "after" with one
 *		new stamp: the time is taken in the process that signals,
 *		with no shell between.
 *	stamp term PID SECS
 *		SIGTERM PID, wait until it is gone (or a zombie: it is not
 *		ours to reap), print the seconds it took; exit 1 on timeout.
 *	stamp now
 *		print the time as SEC.NSEC.
 *
 * Not part of the daemon: a bench tool, which says what went wrong on
 * stderr and exits 1.
 */
#include <sys/stat.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define STAMP_LINE	48

extern char **environ;

static char	stamp_arg[] = "stamp", prog_arg[] = "prog";

static double
now(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void
usage(void)
{
	fputs("usage: stamp prog FILE NAME [ARG...]\n"
	    "       stamp floor N FILE\n"
	    "       stamp start FILE N SECS OUT -- ARGV...\n"
	    "       stamp after FILE LINES N SECS T0\n"
	    "       stamp hup PID FILE LINES SECS\n"
	    "       stamp term PID SECS\n"
	    "       stamp now\n", stderr);
	exit(2);
}

static long
number(const char *s)
{
	char	*end;
	long	 n;

	n = strtol(s, &end, 10);
	if (*end != '\0' || n < 0)
		usage();
	return n;
}

static int
prog(const char *file, const char *name)
{
	struct timespec	ts;
	char		line[STAMP_LINE + 1];
	int		fd;

	clock_gettime(CLOCK_REALTIME, &ts);
	snprintf(line, sizeof(line), "%lld.%09ld %-*.*s\n",
	    (long long)ts.tv_sec, ts.tv_nsec, STAMP_LINE - 22, STAMP_LINE - 22,
	    name);
	/* One write of a few bytes with O_APPEND: lines never mix. */
	if ((fd = open(file, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC,
	    0644)) == -1 || write(fd, line, STAMP_LINE) != STAMP_LINE)
		return 1;
	close(fd);
	for (;;)
		pause();
}

static int
floor_spawn(long n, char *file)
{
	sigset_t	 term, empty;
	posix_spawnattr_t attr;
	pid_t		*pids;
	char		 name[32], *argv[5];
	long		 i;
	int		 sig;

	sigemptyset(&term);
	sigaddset(&term, SIGTERM);
	sigprocmask(SIG_BLOCK, &term, NULL);
	sigemptyset(&empty);
	posix_spawnattr_init(&attr);
	posix_spawnattr_setsigmask(&attr, &empty);
	posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK);
	if ((pids = calloc((size_t)n, sizeof(*pids))) == NULL)
		return 1;
	argv[0] = stamp_arg;
	argv[1] = prog_arg;
	argv[2] = file;
	argv[3] = name;
	argv[4] = NULL;
	for (i = 0; i < n; i++) {
		snprintf(name, sizeof(name), "f%ld", i);
		if ((errno = posix_spawn(&pids[i], "/proc/self/exe", NULL,
		    &attr, argv, environ)) != 0) {
			perror("stamp: posix_spawn");
			return 1;
		}
	}
	while (sigwait(&term, &sig) != 0)
		;
	for (i = 0; i < n; i++)
		kill(pids[i], SIGTERM);
	free(pids);
	for (;;)
		if (waitpid(-1, NULL, 0) == -1 && errno != EINTR)
			return errno == ECHILD ? 0 : 1;
}

/*
 * Wait until file holds want stamps; the latest of those past skip, and
 * their names on stdout if names.  0, or 1 on timeout.
 */
static int
wait_stamps(const char *file, long skip, long want, double secs,
    double t0, int names)
{
	struct stat	 st;
	char		 line[STAMP_LINE + 1];
	double		 deadline = now() + secs, latest = 0, t;
	long		 have = 0, i;
	FILE		*f;

	for (;;) {
		if (stat(file, &st) == 0)
			have = st.st_size / STAMP_LINE;
		if (have >= want)
			break;
		if (now() > deadline) {
			printf("timeout %ld\n", have - skip);
			return 1;
		}
		usleep(5000);
	}
	if ((f = fopen(file, "r")) == NULL)
		return 1;
	for (i = 0; i < want && fread(line, STAMP_LINE, 1, f) == 1; i++) {
		line[STAMP_LINE] = '\0';
		if (i < skip)
			continue;
		t = strtod(line, NULL);
		if (t > latest)
			latest = t;
	}
	printf("%.6f", latest - t0);
	if (names) {
		fseek(f, skip * STAMP_LINE, SEEK_SET);
		for (i = skip; fread(line, STAMP_LINE, 1, f) == 1; i++) {
			line[STAMP_LINE - 1] = '\0';
			printf(" %s", strchr(line, ' ') + 1);
		}
	}
	printf("\n");
	fclose(f);
	return 0;
}

static int
start(const char *file, long n, double secs, const char *out,
    char *argv[])
{
	double	 t0 = now();
	pid_t	 pid;
	int	 fd;

	if ((pid = fork()) == -1)
		return 1;
	if (pid == 0) {
		/* Not our stdout: whoever reads it would wait for its EOF. */
		if ((fd = open(out, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
		    0644)) == -1 || dup2(fd, 1) == -1 || dup2(fd, 2) == -1)
			_exit(127);
		execv(argv[0], argv);
		_exit(127);
	}
	printf("%d\n", (int)pid);
	fflush(stdout);
	return wait_stamps(file, 0, n, secs, t0, 0);
}

static int
hup(pid_t pid, const char *file, long lines, double secs)
{
	double	t0 = now();

	if (kill(pid, SIGHUP) == -1)
		return 1;
	return wait_stamps(file, lines, lines + 1, secs, t0, 1);
}

static int
gone(pid_t pid)
{
	char	 path[64], buf[512], *p;
	int	 fd;
	ssize_t	 r;

	if (kill(pid, 0) == -1 && errno == ESRCH)
		return 1;
	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return 1;
	r = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (r <= 0)
		return 1;
	buf[r] = '\0';
	p = strrchr(buf, ')');
	return p != NULL && p[1] == ' ' && p[2] == 'Z';
}

static int
term(pid_t pid, double secs)
{
	double	 t0 = now(), deadline = t0 + secs;

	if (kill(pid, SIGTERM) == -1)
		return 1;
	while (!gone(pid)) {
		if (now() > deadline) {
			printf("timeout\n");
			return 1;
		}
		usleep(1000);
	}
	printf("%.6f\n", now() - t0);
	return 0;
}

int
main(int argc, char *argv[])
{
	if (argc < 2)
		usage();
	/* Reap what start() leaves behind only if we outlive it: never. */
	signal(SIGCHLD, SIG_DFL);
	if (strcmp(argv[1], "prog") == 0 && argc >= 4)
		return prog(argv[2], argv[3]);
	if (strcmp(argv[1], "floor") == 0 && argc == 4)
		return floor_spawn(number(argv[2]), argv[3]);
	if (strcmp(argv[1], "start") == 0 && argc >= 8 &&
	    strcmp(argv[6], "--") == 0)
		return start(argv[2], number(argv[3]), strtod(argv[4], NULL),
		    argv[5], argv + 7);
	if (strcmp(argv[1], "after") == 0 && argc == 7)
		return wait_stamps(argv[2], number(argv[3]),
		    number(argv[3]) + number(argv[4]), strtod(argv[5], NULL),
		    strtod(argv[6], NULL), 1);
	if (strcmp(argv[1], "hup") == 0 && argc == 6)
		return hup((pid_t)number(argv[2]), argv[3], number(argv[4]),
		    strtod(argv[5], NULL));
	if (strcmp(argv[1], "term") == 0 && argc == 4)
		return term((pid_t)number(argv[2]), strtod(argv[3], NULL));
	if (strcmp(argv[1], "now") == 0) {
		printf("%.6f\n", now());
		return 0;
	}
	usage();
	return 2;
}
