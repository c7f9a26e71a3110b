/*
 * limits: minfds and minprocs as supervisor applies them (the soft limit
 * raised to the minimum, or a refusal to start), the daemon's own
 * descriptor limit raised further for what its configuration needs, and
 * children started with the limit supervisor would have given them.
 */
#include <sys/resource.h>
#include <sys/types.h>
#include <sys/wait.h>

#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <check.h>

#include "tests/harness.h"

Suite	*limits_suite(void);

/* The soft "Max open files" of pid, from /proc/PID/limits; -1 if unread. */
static long
soft_nofile(pid_t pid)
{
	char	 path[64], line[256];
	FILE	*fp;
	long	 soft = -1;

	snprintf(path, sizeof(path), "/proc/%d/limits", (int)pid);
	if ((fp = fopen(path, "r")) == NULL)
		return -1;
	while (fgets(line, sizeof(line), fp) != NULL)
		if (strncmp(line, "Max open files", 14) == 0)
			soft = strtol(line + 14, NULL, 10);
	fclose(fp);
	return soft;
}

/* A configuration whose [supervisord] section goes on with text. */
static void
conf(struct th *h, const char *text)
{
	char	*body;

	ck_assert_int_ne(asprintf(&body, "[supervisord]\n"
	    "logfile=@DIR@/supervisord.log\npidfile=@DIR@/supervisord.pid\n"
	    "childlogdir=@DIR@\n%s", text), -1);
	th_write(h, "supervisord.conf", body);
	free(body);
}

static void
set_nofile(rlim_t soft, rlim_t hard)
{
	struct rlimit	rl = { soft, hard };

	ck_assert_int_eq(setrlimit(RLIMIT_NOFILE, &rl), 0);
}

/* May this process raise its hard limit (CAP_SYS_RESOURCE)?  Asked of
 * a child, so that the test's own limit stays as it is. */
static bool
can_raise_hard(rlim_t to)
{
	struct rlimit	 rl = { to, to };
	pid_t		 pid;
	int		 status;

	if ((pid = fork()) == 0)
		_exit(setrlimit(RLIMIT_NOFILE, &rl) == 0 ? 0 : 1);
	ck_assert_int_gt(pid, 0);
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

START_TEST(test_daemon_raises_own_limit_children_get_minfds)
{
	struct th	*h = th_new();
	pid_t		 child;

	/* Check forks each test: the limit is this test's only. */
	set_nofile(256, 8192);
	conf(h, "minfds=300\n\n"
	    "[program:cat]\ncommand=cat\nnumprocs=200\n"
	    "process_name=%(program_name)s_%(process_num)d\n"
	    "startsecs=0\nstdout_logfile=NONE\nstderr_logfile=NONE\n");
	th_start_conf(h);
	ck_assert(th_wait_log_n(h, "entered RUNNING", 200, 20000));
	/* 200 processes need 200 * 5 + 64 descriptors in the daemon. */
	ck_assert_int_eq(soft_nofile(th_pid(h)), 200 * 5 + 64);
	child = th_spawned_pid(h, "cat_0", 0);
	ck_assert_int_gt(child, 0);
	/* supervisor would have raised the soft limit to minfds only. */
	ck_assert_int_eq(soft_nofile(child), 300);
	ck_assert(th_exited_ok(th_stop_ms(h, 20000)));
	th_free(h);
}
END_TEST

START_TEST(test_children_keep_limit_when_nothing_raised)
{
	struct th	*h = th_new();
	pid_t		 child;

	set_nofile(2048, 8192);
	conf(h, "\n[program:cat]\ncommand=cat\nstartsecs=0\n");
	th_start_conf(h);
	ck_assert(th_wait_log(h, "entered RUNNING", 5000));
	child = th_spawned_pid(h, "cat", 0);
	ck_assert_int_eq(soft_nofile(th_pid(h)), 2048);
	ck_assert_int_eq(soft_nofile(child), 2048);
	ck_assert(th_exited_ok(th_stop(h)));
	th_free(h);
}
END_TEST

START_TEST(test_minfds_above_hard_limit)
{
	struct th	*h = th_new();
	int		 status;

	set_nofile(256, 512);
	conf(h, "minfds=4096\n\n"
	    "[program:cat]\ncommand=cat\nstartsecs=0\n");
	if (can_raise_hard(4096)) {
		/* Privileged, setrlimit raises the hard limit too, as
		 * supervisor does. */
		th_start_conf(h);
		ck_assert(th_wait_log(h, "entered RUNNING", 5000));
		ck_assert_int_eq(soft_nofile(th_pid(h)), 4096);
		ck_assert_int_eq(soft_nofile(th_spawned_pid(h, "cat", 0)),
		    4096);
		ck_assert(th_exited_ok(th_stop(h)));
	} else {
		status = th_run(h, 5000, "-n", "-c", th_path(h,
		    "supervisord.conf"), NULL);
		ck_assert_int_eq(th_exit_code(status), 2);
		ck_assert(th_file_line(h, "stderr",
		    "The minimum number of file descriptors required") > 0);
	}
	th_free(h);
}
END_TEST

Suite *
limits_suite(void)
{
	Suite	*s = suite_create("limits");
	TCase	*tc = th_tcase("nofile", 40);

	tcase_add_test(tc, test_daemon_raises_own_limit_children_get_minfds);
	tcase_add_test(tc, test_children_keep_limit_when_nothing_raised);
	tcase_add_test(tc, test_minfds_above_hard_limit);
	suite_add_tcase(s, tc);
	return s;
}
