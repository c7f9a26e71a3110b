/*
 * Unit tests for libproc/reap: the non-blocking reap loop on real
 * children, supervisor's wait status texts, and signalling a process or
 * its whole group.
 */
#include <sys/types.h>
#include <sys/prctl.h>
#include <sys/wait.h>

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <check.h>

#include "libproc/reap.h"
#include "libproc/spawn.h"

Suite	*reap_suite(void);

static long
now_ms(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

static void
sleep_10ms(void)
{
	struct timespec	ts = { 0, 10 * 1000000L };

	while (nanosleep(&ts, &ts) == -1 && errno == EINTR)
		;
}

/* Children reaped while waiting for another, with their statuses. */
static struct {
	pid_t	pid;
	int	status;
} stash[8];

/* Reap with proc_reap until pid is collected or ms pass.  Its status. */
static int
reap_pid(pid_t pid, int ms)
{
	long	deadline = now_ms() + ms;
	size_t	i;
	pid_t	got;
	int	st;

	for (i = 0; i < sizeof(stash) / sizeof(stash[0]); i++)
		if (stash[i].pid == pid) {
			stash[i].pid = 0;
			return stash[i].status;
		}
	for (;;) {
		got = proc_reap(&st);
		if (got == pid)
			return st;
		ck_assert_msg(got != -1, "proc_reap: %s", strerror(errno));
		if (got == 0) {
			ck_assert_msg(now_ms() < deadline,
			    "pid %d not reaped within %d ms", (int)pid, ms);
			sleep_10ms();
			continue;
		}
		for (i = 0; i < sizeof(stash) / sizeof(stash[0]); i++)
			if (stash[i].pid == 0)
				break;
		ck_assert(i < sizeof(stash) / sizeof(stash[0]));
		stash[i].pid = got;
		stash[i].status = st;
	}
}

/* A child that waits to be killed. */
static pid_t
fork_pauser(void)
{
	sigset_t	set, old;
	pid_t		pid;

	/*
	 * Check's runner handles TERM and INT by killing its whole group:
	 * the child must be back at the default before such a signal can
	 * reach it, hence the mask across fork.
	 */
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	ck_assert_int_eq(sigprocmask(SIG_BLOCK, &set, &old), 0);
	pid = fork();
	if (pid == 0) {
		signal(SIGTERM, SIG_DFL);
		signal(SIGINT, SIG_DFL);
		sigprocmask(SIG_SETMASK, &old, NULL);
		for (;;)
			pause();
	}
	ck_assert_int_eq(sigprocmask(SIG_SETMASK, &old, NULL), 0);
	ck_assert_int_ne(pid, -1);
	return pid;
}

START_TEST(test_reap_reports_echild_without_children)
{
	int	st = 12345;

	errno = 0;
	ck_assert_int_eq(proc_reap(&st), -1);
	ck_assert_int_eq(errno, ECHILD);
	ck_assert_int_eq(st, 12345);
}
END_TEST

START_TEST(test_reap_returns_zero_while_child_runs)
{
	pid_t	pid;
	int	st;

	pid = fork_pauser();
	ck_assert_int_eq(proc_reap(&st), 0);
	ck_assert_int_eq(kill(pid, SIGKILL), 0);
	st = reap_pid(pid, 5000);
	ck_assert(WIFSIGNALED(st));
	ck_assert_int_eq(WTERMSIG(st), SIGKILL);
	errno = 0;
	ck_assert_int_eq(proc_reap(&st), -1);
	ck_assert_int_eq(errno, ECHILD);
}
END_TEST

/*
 * proc_reap_pid collects the child it names and leaves another exited
 * one for proc_reap: 0 while it runs, its pid and status once it ended,
 * then ECHILD; and it never means "any child" or a group.
 */
START_TEST(test_reap_pid_takes_that_child_alone)
{
	pid_t	a, b;
	int	st = 12345;
	long	deadline;

	a = fork_pauser();
	b = fork_pauser();
	ck_assert_int_eq(proc_reap_pid(a, &st), 0);
	ck_assert_int_eq(st, 12345);
	ck_assert_int_eq(kill(b, SIGKILL), 0);
	ck_assert_int_eq(kill(a, SIGTERM), 0);
	deadline = now_ms() + 5000;
	while (proc_reap_pid(a, &st) == 0) {
		ck_assert_msg(now_ms() < deadline, "pid %d not reaped",
		    (int)a);
		sleep_10ms();
	}
	ck_assert(WIFSIGNALED(st));
	ck_assert_int_eq(WTERMSIG(st), SIGTERM);
	errno = 0;
	ck_assert_int_eq(proc_reap_pid(a, &st), -1);
	ck_assert_int_eq(errno, ECHILD);
	/* b exited too, and is still there for the scan. */
	st = reap_pid(b, 5000);
	ck_assert(WIFSIGNALED(st));
	ck_assert_int_eq(WTERMSIG(st), SIGKILL);
	errno = 0;
	ck_assert_int_eq(proc_reap_pid(0, &st), -1);
	ck_assert_int_eq(errno, EINVAL);
	errno = 0;
	ck_assert_int_eq(proc_reap_pid(-1, &st), -1);
	ck_assert_int_eq(errno, EINVAL);
}
END_TEST

START_TEST(test_reap_collects_every_exited_child)
{
	pid_t	pids[5], got;
	int	seen[5] = { 0 };
	long	deadline;
	int	i, st, left = 5;

	for (i = 0; i < 5; i++) {
		pids[i] = fork();
		ck_assert_int_ne(pids[i], -1);
		if (pids[i] == 0)
			_exit(10 + i);
	}
	deadline = now_ms() + 5000;
	while (left > 0) {
		got = proc_reap(&st);
		ck_assert_int_ne(got, -1);
		if (got == 0) {
			ck_assert_msg(now_ms() < deadline, "%d not reaped",
			    left);
			sleep_10ms();
			continue;
		}
		for (i = 0; i < 5; i++)
			if (pids[i] == got)
				break;
		ck_assert_int_lt(i, 5);
		ck_assert_int_eq(seen[i], 0);
		seen[i] = 1;
		ck_assert_int_eq(proc_exit_code(st), 10 + i);
		left--;
	}
	ck_assert_int_eq(proc_reap(&st), -1);
	ck_assert_int_eq(errno, ECHILD);
}
END_TEST

START_TEST(test_reap_accepts_null_status)
{
	pid_t	pid, got;
	long	deadline = now_ms() + 5000;

	pid = fork();
	ck_assert_int_ne(pid, -1);
	if (pid == 0)
		_exit(0);
	while ((got = proc_reap(NULL)) == 0) {
		ck_assert(now_ms() < deadline);
		sleep_10ms();
	}
	ck_assert_int_eq(got, pid);
}
END_TEST

/* Expected texts from supervisor 4.2.5's options.decode_wait_status. */
static const struct {
	int		 status;
	int		 code;
	const char	*text;
} exit_rows[] = {
	{ 0x0000, 0, "exit status 0" },
	{ 0x0100, 1, "exit status 1" },
	{ 0xff00, 255, "exit status 255" },
	{ 0x0009, -1, "terminated by SIGKILL" },
	{ 0x000f, -1, "terminated by SIGTERM" },
	{ 0x008b, -1, "terminated by SIGSEGV (core dumped)" },
	{ 0x0086, -1, "terminated by SIGABRT (core dumped)" },
	{ 0x001d, -1, "terminated by SIGPOLL" },
	{ 0x0022, -1, "terminated by SIGRTMIN" },
	{ 0x0040, -1, "terminated by SIGRTMAX" },
	{ 0x0028, -1, "terminated by signal 40" },
	{ 0x137f, -1, "unknown termination cause 0x137f" },
	{ 0xffff, -1, "unknown termination cause 0xffff" },
};

START_TEST(test_exit_text_matches_supervisor)
{
	char	buf[64];

	ck_assert_str_eq(proc_exit_text(exit_rows[_i].status, buf,
	    sizeof(buf)), exit_rows[_i].text);
	ck_assert_int_eq(proc_exit_code(exit_rows[_i].status),
	    exit_rows[_i].code);
}
END_TEST

START_TEST(test_exit_text_truncates_to_buffer)
{
	char	buf[8];

	memset(buf, 'x', sizeof(buf));
	ck_assert_ptr_eq(proc_exit_text(0, buf, 0), buf);
	ck_assert_int_eq(buf[0], 'x');
	ck_assert_str_eq(proc_exit_text(0x0100, buf, sizeof(buf)), "exit st");
}
END_TEST

START_TEST(test_exit_text_decodes_real_exits)
{
	char	buf[64];
	pid_t	pid;
	int	st;

	pid = fork();
	ck_assert_int_ne(pid, -1);
	if (pid == 0)
		_exit(3);
	st = reap_pid(pid, 5000);
	ck_assert_str_eq(proc_exit_text(st, buf, sizeof(buf)),
	    "exit status 3");

	pid = fork_pauser();
	ck_assert_int_eq(proc_kill(pid, SIGTERM, false), 0);
	st = reap_pid(pid, 5000);
	ck_assert_str_eq(proc_exit_text(st, buf, sizeof(buf)),
	    "terminated by SIGTERM");
}
END_TEST

START_TEST(test_kill_rejects_nonpositive_pid)
{
	errno = 0;
	ck_assert_int_eq(proc_kill(0, 0, false), -1);
	ck_assert_int_eq(errno, EINVAL);
	errno = 0;
	ck_assert_int_eq(proc_kill(-1, 0, true), -1);
	ck_assert_int_eq(errno, EINVAL);
}
END_TEST

START_TEST(test_kill_reports_esrch)
{
	pid_t	pid;

	pid = fork();
	ck_assert_int_ne(pid, -1);
	if (pid == 0)
		_exit(0);
	(void)reap_pid(pid, 5000);
	/* Reaped: the pid is free (reuse within the test is unlikely). */
	errno = 0;
	ck_assert_int_eq(proc_kill(pid, 0, false), -1);
	ck_assert_int_eq(errno, ESRCH);
}
END_TEST

/*
 * Spawn a shell (a group leader, by setsid) that starts a grandchild and
 * waits; return the shell's child struct and the grandchild's pid.  We
 * are subreaper, so both are ours to reap.
 */
static void
spawn_family(struct proc_child *c, pid_t *grandchild)
{
	static char	*argv[] = { "/bin/sh", "-c",
	    "sleep 1000 & echo $!; wait", NULL };
	static char	*envp[] = { "PATH=/usr/bin:/bin", NULL };
	struct proc_spawn_spec	spec;
	struct proc_spawn_err	err;
	struct pollfd		pfd;
	char			buf[64];
	size_t			got = 0;
	ssize_t			n;
	long			deadline;

	ck_assert_int_eq(prctl(PR_SET_CHILD_SUBREAPER, 1), 0);
	memset(&spec, 0, sizeof(spec));
	spec.path = argv[0];
	spec.argv = argv;
	spec.envp = envp;
	ck_assert_int_gt(proc_spawn(&spec, c, &err), 0);

	deadline = now_ms() + 5000;
	while (got == 0 || buf[got - 1] != '\n') {
		pfd.fd = c->out_fd;
		pfd.events = POLLIN;
		ck_assert_msg(now_ms() < deadline, "no pid from the shell");
		if (poll(&pfd, 1, 10) <= 0)
			continue;
		n = read(c->out_fd, buf + got, sizeof(buf) - 1 - got);
		ck_assert_int_gt(n, 0);
		got += (size_t)n;
	}
	buf[got] = '\0';
	*grandchild = (pid_t)atoi(buf);
	ck_assert_int_gt(*grandchild, 0);
}

START_TEST(test_kill_group_reaches_grandchild)
{
	struct proc_child	c;
	pid_t			gc;
	int			st;

	spawn_family(&c, &gc);
	ck_assert_int_eq(proc_kill(c.pid, SIGTERM, true), 0);
	st = reap_pid(c.pid, 5000);
	ck_assert(WIFSIGNALED(st) && WTERMSIG(st) == SIGTERM);
	st = reap_pid(gc, 5000);
	ck_assert(WIFSIGNALED(st) && WTERMSIG(st) == SIGTERM);
	close(c.in_fd);
	close(c.out_fd);
	close(c.err_fd);
}
END_TEST

START_TEST(test_kill_pid_spares_the_rest_of_the_group)
{
	struct proc_child	c;
	pid_t			gc;
	int			st;

	spawn_family(&c, &gc);
	ck_assert_int_eq(proc_kill(c.pid, SIGTERM, false), 0);
	st = reap_pid(c.pid, 5000);
	ck_assert(WIFSIGNALED(st) && WTERMSIG(st) == SIGTERM);
	/* The grandchild is still there, in the shell's group. */
	ck_assert_int_eq(kill(gc, 0), 0);
	ck_assert_int_eq(getpgid(gc), c.pid);
	ck_assert_int_eq(proc_kill(c.pid, SIGKILL, true), 0);
	st = reap_pid(gc, 5000);
	ck_assert(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL);
	close(c.in_fd);
	close(c.out_fd);
	close(c.err_fd);
}
END_TEST

Suite *
reap_suite(void)
{
	Suite	*s;
	TCase	*tc;

	s = suite_create("reap");
	tc = tcase_create("reap");
	tcase_set_timeout(tc, 15);
	tcase_add_test(tc, test_reap_reports_echild_without_children);
	tcase_add_test(tc, test_reap_returns_zero_while_child_runs);
	tcase_add_test(tc, test_reap_collects_every_exited_child);
	tcase_add_test(tc, test_reap_pid_takes_that_child_alone);
	tcase_add_test(tc, test_reap_accepts_null_status);
	tcase_add_loop_test(tc, test_exit_text_matches_supervisor, 0,
	    (int)(sizeof(exit_rows) / sizeof(exit_rows[0])));
	tcase_add_test(tc, test_exit_text_truncates_to_buffer);
	tcase_add_test(tc, test_exit_text_decodes_real_exits);
	tcase_add_test(tc, test_kill_rejects_nonpositive_pid);
	tcase_add_test(tc, test_kill_reports_esrch);
	tcase_add_test(tc, test_kill_group_reaches_grandchild);
	tcase_add_test(tc, test_kill_pid_spares_the_rest_of_the_group);
	suite_add_tcase(s, tc);
	return s;
}
