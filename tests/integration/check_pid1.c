/*
 * pid1: the daemon as a container's init.  unshare(1) gives it a new pid
 * namespace (and a /proc to match) in which it is PID 1; the test stays
 * outside and acts as a container runtime does: it sends SIGTERM or
 * SIGINT to the daemon's pid as seen from outside, reads the exit status
 * (unshare passes it on), and looks at the daemon's children in /proc.
 *
 * Where namespaces cannot be created (no root, no user namespaces, a
 * seccomp profile), each test says so on stderr and passes.
 *
 * The daemon's log is pid1.log, not the harness's supervisord.log: its
 * "spawned:" lines hold pids of the inner namespace, which the harness's
 * cleanup must not take for pids of ours.  The cleanup kills unshare and
 * the daemon by their outer pids instead (th_track), and unshare's
 * --kill-child takes the whole namespace down with it.
 */
#include <sys/prctl.h>
#include <sys/types.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <check.h>

#include "tests/harness.h"
#include "tests/skip.h"

Suite	*pid1_suite(void);

/* Fork and exec argv with stdout and stderr into the test directory. */
static pid_t
spawn(struct th *h, char *const argv[])
{
	const char	*out = th_path(h, "stdout"), *err = th_path(h, "stderr");
	sigset_t	 none;
	pid_t		 pid, parent = getpid();
	int		 fd, sig;

	if ((pid = fork()) == -1)
		ck_abort_msg("fork: %s", strerror(errno));
	if (pid == 0) {
		setpgid(0, 0);
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (getppid() != parent)
			_exit(126);
		if ((fd = open("/dev/null", O_RDONLY)) != -1)
			dup2(fd, 0);
		if ((fd = open(out, O_WRONLY | O_CREAT | O_TRUNC, 0644)) != -1)
			dup2(fd, 1);
		if ((fd = open(err, O_WRONLY | O_CREAT | O_TRUNC, 0644)) != -1)
			dup2(fd, 2);
		for (sig = 1; sig < NSIG; sig++)
			if (sig != SIGKILL && sig != SIGSTOP)
				signal(sig, SIG_DFL);
		sigemptyset(&none);
		sigprocmask(SIG_SETMASK, &none, NULL);
		execvp(argv[0], argv);
		dprintf(2, "pid1: exec %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	setpgid(pid, pid);
	th_track(h, pid);
	return pid;
}

/* Can this test make a pid namespace?  If not, say so. */
static bool
can_unshare(struct th *h, const char *test)
{
	char		*argv[] = { "unshare", "--pid", "--fork",
	    "--mount-proc", "true", NULL };
	const char	*err;
	int		 status;

	status = th_wait_child(spawn(h, argv), 10000);
	if (th_exited_ok(status))
		return true;
	if ((err = th_read(h, "stderr", NULL)) == NULL)
		err = "";
	th_skip_at(test, "unshare", "unshare --pid --fork --mount-proc fails "
	    "here (no right to create namespaces?): %.*s",
	    (int)strcspn(err, "\n"), err);
	return false;
}

struct pid1 {
	pid_t	 unshare;	/* our child */
	pid_t	 daemon;	/* its child: PID 1 inside, this pid outside */
};

static bool
has_child(struct th *h, void *arg)
{
	struct pid1	*p = arg;
	pid_t		 kids[4];

	(void)h;
	if (th_children(p->unshare, kids, 4) < 1)
		return false;
	p->daemon = kids[0];
	return true;
}

/*
 * Run the daemon as PID 1 of a new pid namespace on DIR/pid1.conf, with
 * up to two arguments before -c (NULL for none).
 */
static void
start_pid1(struct th *h, struct pid1 *p, const char *a1, const char *a2)
{
	char	*argv[16];
	int	 n = 0;

	argv[n++] = "unshare";
	argv[n++] = "--pid";
	argv[n++] = "--fork";
	argv[n++] = "--mount-proc";
	argv[n++] = "--kill-child";
	argv[n++] = getenv("SUPERVISORD");
	if (a1 != NULL)
		argv[n++] = (char *)(uintptr_t)a1;
	if (a2 != NULL)
		argv[n++] = (char *)(uintptr_t)a2;
	argv[n++] = "-c";
	argv[n++] = (char *)(uintptr_t)th_path(h, "pid1.conf");
	argv[n] = NULL;
	ck_assert_msg(argv[5] != NULL, "SUPERVISORD is not set");
	p->daemon = 0;
	p->unshare = spawn(h, argv);
	ck_assert_msg(th_wait(h, has_child, p, 5000),
	    "unshare started no daemon");
	th_track(h, p->daemon);
}

/* The configuration: our own log (see the top), then body. */
static void
write_conf(struct th *h, const char *body)
{
	char	*text;

	ck_assert(asprintf(&text,
	    "[supervisord]\n"
	    "logfile=@DIR@/pid1.log\n"
	    "pidfile=@DIR@/pid1.pid\n"
	    "childlogdir=@DIR@\n"
	    "loglevel=debug\n"
	    "%s", body) != -1);
	th_write(h, "pid1.conf", text);
	free(text);
}

struct needle {
	const char	*s;
	int		 n;
};

static int
count_in(const char *text, const char *needle)
{
	const char	*p;
	int		 n = 0;

	for (p = text; p != NULL && (p = strstr(p, needle)) != NULL; p++)
		n++;
	return n;
}

static bool
log_has(struct th *h, void *arg)
{
	struct needle	*nd = arg;

	return count_in(th_read(h, "pid1.log", NULL), nd->s) >= nd->n;
}

static bool
wait_pid1_log(struct th *h, const char *s, int n, int ms)
{
	struct needle	 nd = { s, n };

	if (th_wait(h, log_has, &nd, ms))
		return true;
	fprintf(stderr, "pid1: no %d x '%s' in pid1.log within %d ms:\n%s\n",
	    n, s, ms, th_read(h, "pid1.log", NULL) != NULL ?
	    th_read(h, "pid1.log", NULL) : "(none)");
	return false;
}

/* The daemon's children outside: how many, and how many zombies. */
static int
children(pid_t daemon, int *zombies)
{
	pid_t	 kids[64];
	int	 n, i;

	n = th_children(daemon, kids, 64);
	*zombies = 0;
	for (i = 0; i < n && i < 64; i++)
		if (th_proc_state(kids[i], NULL) == 'Z')
			(*zombies)++;
	return n;
}

static bool
only_programs_left(struct th *h, void *arg)
{
	struct pid1	*p = arg;
	int		 z;

	(void)h;
	return children(p->daemon, &z) == 2 && z == 0;
}

static void
dump_pid1(struct th *h)
{
	const char	*s;

	if ((s = th_read(h, "pid1.log", NULL)) != NULL)
		fprintf(stderr, "--- pid1.log ---\n%s", s);
	if ((s = th_read(h, "stderr", NULL)) != NULL)
		fprintf(stderr, "--- stderr ---\n%s", s);
}

START_TEST(test_pid1_reaps_orphans_and_stops_on_sigterm)
{
	struct th	*h = th_new();
	struct pid1	 p;
	const char	*pidfile;
	long long	 t0, dt;
	int		 status;

	if (!can_unshare(h, __func__)) {
		th_free(h);
		return;
	}
	/*
	 * Each "( sleep 1 & )" leaves an orphan: the subshell exits at once
	 * and its sleep is reparented to the namespace's init, the daemon.
	 */
	write_conf(h,
	    "[program:orphans]\n"
	    "command=/bin/sh -c 'for i in 1 2 3 4 5; do (sleep 1 &); done; "
	    "exec sleep 1000'\n"
	    "startsecs=0\n"
	    "priority=1\n"
	    "[program:stubborn]\n"
	    "command=/bin/sh -c \"trap '' TERM; exec sleep 1000\"\n"
	    "startsecs=0\n"
	    "stopwaitsecs=1\n"
	    "priority=2\n");
	start_pid1(h, &p, "-n", NULL);
	ck_assert(wait_pid1_log(h, "success: orphans entered RUNNING", 1,
	    5000));
	ck_assert(wait_pid1_log(h, "success: stubborn entered RUNNING", 1,
	    5000));
	pidfile = th_read(h, "pid1.pid", NULL);
	ck_assert_msg(pidfile != NULL && strcmp(pidfile, "1\n") == 0,
	    "not PID 1 inside: pid file %s", pidfile);
	/* The five sleeps end after 1 s, and PID 1 reaps every one. */
	ck_assert(wait_pid1_log(h, "reaped unknown pid", 5, 5000));
	ck_assert_msg(th_wait(h, only_programs_left, &p, 3000),
	    "zombies or strays under PID 1");

	/* As "docker stop": SIGTERM from outside, to the daemon. */
	t0 = th_now_ms();
	ck_assert(kill(p.daemon, SIGTERM) == 0);
	status = th_wait_child(p.unshare, 6000);
	dt = th_now_ms() - t0;
	if (!th_exited_ok(status))
		dump_pid1(h);
	ck_assert_msg(th_exited_ok(status), "exit status %d", status);
	/* stubborn needs its stopwaitsecs (1 s) and SIGKILL; no more. */
	ck_assert_msg(dt >= 950 && dt < 3000, "the stop took %lld ms", dt);
	ck_assert(wait_pid1_log(h, "stopped: stubborn (terminated by SIGKILL)",
	    1, 0));
	ck_assert(wait_pid1_log(h, "stopped: orphans (terminated by SIGTERM)",
	    1, 0));
	ck_assert(wait_pid1_log(h, "supervisord exiting", 1, 0));
	th_free(h);
}
END_TEST

START_TEST(test_pid1_sigint_stops_cleanly)
{
	struct th	*h = th_new();
	struct pid1	 p;
	int		 status;

	if (!can_unshare(h, __func__)) {
		th_free(h);
		return;
	}
	write_conf(h,
	    "[program:a]\n"
	    "command=sleep 1000\n"
	    "startsecs=0\n");
	start_pid1(h, &p, "-n", NULL);
	ck_assert(wait_pid1_log(h, "success: a entered RUNNING", 1, 5000));
	ck_assert(kill(p.daemon, SIGINT) == 0);
	status = th_wait_child(p.unshare, 5000);
	if (!th_exited_ok(status))
		dump_pid1(h);
	ck_assert(th_exited_ok(status));
	ck_assert(wait_pid1_log(h, "received SIGINT indicating exit request",
	    1, 0));
	ck_assert(wait_pid1_log(h, "stopped: a (terminated by SIGTERM)", 1,
	    0));
	th_free(h);
}
END_TEST

/* Without -n or nodaemon, PID 1 still stays: forking away would end it. */
START_TEST(test_pid1_never_daemonizes)
{
	struct th	*h = th_new();
	struct pid1	 p;
	int		 status;

	if (!can_unshare(h, __func__)) {
		th_free(h);
		return;
	}
	write_conf(h,
	    "[program:a]\n"
	    "command=sleep 1000\n"
	    "startsecs=0\n");
	start_pid1(h, &p, NULL, NULL);
	ck_assert(wait_pid1_log(h, "success: a entered RUNNING", 1, 5000));
	ck_assert(waitpid(p.unshare, &status, WNOHANG) == 0);
	ck_assert(kill(p.daemon, SIGTERM) == 0);
	status = th_wait_child(p.unshare, 5000);
	ck_assert(th_exited_ok(status));
	th_free(h);
}
END_TEST

START_TEST(test_pid1_bad_config_exits_2)
{
	struct th	*h = th_new();
	struct pid1	 p;
	int		 status;

	if (!can_unshare(h, __func__)) {
		th_free(h);
		return;
	}
	write_conf(h,
	    "[program:a]\n"
	    "command=sleep 1000\n"
	    "startsecs=ten\n");
	p.daemon = 0;
	{
		char	*argv[] = { "unshare", "--pid", "--fork",
		    "--mount-proc", "--kill-child", getenv("SUPERVISORD"),
		    "-n", "-c", (char *)(uintptr_t)th_path(h, "pid1.conf"),
		    NULL };

		p.unshare = spawn(h, argv);
	}
	status = th_wait_child(p.unshare, 5000);
	ck_assert_int_eq(th_exit_code(status), 2);
	ck_assert_msg(strstr(th_read(h, "stderr", NULL),
	    "[program:a] startsecs:") != NULL, "stderr: %s",
	    th_read(h, "stderr", NULL));
	th_free(h);
}
END_TEST

Suite *
pid1_suite(void)
{
	Suite	*s;
	TCase	*tc;

	s = suite_create("pid1");
	tc = th_tcase("pid1", 20);
	tcase_add_test(tc, test_pid1_reaps_orphans_and_stops_on_sigterm);
	tcase_add_test(tc, test_pid1_sigint_stops_cleanly);
	tcase_add_test(tc, test_pid1_never_daemonizes);
	tcase_add_test(tc, test_pid1_bad_config_exits_2);
	suite_add_tcase(s, tc);
	return s;
}
