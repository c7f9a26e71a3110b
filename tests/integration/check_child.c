/*
 * child: what happens when programs exit: backoff and FATAL for one that
 * dies before startsecs, restart policy (autorestart, exitcodes) for one
 * that exits from RUNNING, spawn errors, and the reaping of orphaned
 * grandchildren (the daemon is a child subreaper).
 */
#include <sys/stat.h>
#include <sys/types.h>

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <check.h>

#include "tests/harness.h"

Suite	*child_suite(void);

/*
 * Gaps between successive lines of t[]: supervisor 4.2.5 waits 1 s, 2 s,
 * 3 s ... after each early exit.  Each gap also holds the time the program
 * ran (a few ms) and the log's ms rounding; 0.4 s of slack covers a
 * loaded machine without accepting the next step's delay.
 */
static void
check_backoff_gaps(const double *t, int n)
{
	int	 i;
	double	 gap;

	for (i = 1; i < n; i++) {
		ck_assert_msg(t[i - 1] >= 0 && t[i] >= 0, "bad timestamp");
		gap = t[i] - t[i - 1];
		ck_assert_msg(gap >= i - 0.05 && gap <= i + 0.4,
		    "retry %d came %.3f s after the previous try, want %d s",
		    i, gap, i);
	}
}

START_TEST(test_crash_backs_off_1_2_3_then_fatal)
{
	struct th	*h = th_new();
	double		 t[8];
	int		 n;

	th_conf(h,
	    "[program:crash]\n"
	    "command=/bin/sh -c 'exit 1'\n"
	    "startsecs=1\n"
	    "startretries=3\n");
	th_start_conf(h);
	/* 1 + 2 + 3 s of backoff, plus margin. */
	ck_assert(th_wait_log(h, "gave up: crash entered FATAL state, too "
	    "many start retries too quickly", 10000));
	n = th_log_times(h, "spawned: 'crash' with pid", t, 8);
	/* The first try and startretries (3) retries. */
	ck_assert_int_eq(n, 4);
	check_backoff_gaps(t, n);
	ck_assert_int_eq(th_log_count(h, "exited: crash (exit status 1; "
	    "not expected)"), 4);
	ck_assert_int_eq(th_log_count(h, "success: crash"), 0);
	ck_assert(th_exited_ok(th_stop(h)));
	ck_assert_int_eq(th_log_count(h, "spawned: 'crash'"), 4);
	th_free(h);
}
END_TEST

/*
 * backoff=exponential: 1 s, 2 s, then backoff_max (2 s), each within the
 * stated jitter of 10% (plus the run and the log's rounding), then FATAL
 * after startretries as supervisor's rule says.
 */
START_TEST(test_exponential_backoff_is_capped_and_jittered)
{
	static const double want[] = { 1, 2, 2, 2 };
	struct th	*h = th_new();
	double		 t[8], gap;
	int		 n, i;

	th_conf(h,
	    "[program:crash]\n"
	    "command=/bin/sh -c 'exit 1'\n"
	    "startsecs=1\n"
	    "startretries=4\n"
	    "backoff=exponential\n"
	    "backoff_max=2\n");
	th_start_conf(h);
	ck_assert(th_wait_log(h, "gave up: crash entered FATAL state, too "
	    "many start retries too quickly", 12000));
	n = th_log_times(h, "spawned: 'crash' with pid", t, 8);
	ck_assert_int_eq(n, 5);
	for (i = 1; i < n; i++) {
		gap = t[i] - t[i - 1];
		ck_assert_msg(gap >= want[i - 1] * 0.9 - 0.05 &&
		    gap <= want[i - 1] * 1.1 + 0.4, "retry %d came %.3f s "
		    "after the previous try, want %.0f s +-10%%", i, gap,
		    want[i - 1]);
	}
	ck_assert(th_exited_ok(th_stop(h)));
	th_free(h);
}
END_TEST

/*
 * retry_forever: past startretries it stays in BACKOFF, never FATAL, and
 * its status says which try is next and when.
 */
START_TEST(test_retry_forever_never_gives_up)
{
	struct th	*h = th_new();
	int		 i;
	bool		 seen = false;

	th_conf(h,
	    "[program:crash]\n"
	    "command=/bin/sh -c 'exit 1'\n"
	    "startsecs=1\n"
	    "startretries=1\n"
	    "backoff=exponential\n"
	    "backoff_max=1\n"
	    "retry_forever=true\n");
	th_start_conf(h);
	/* The first try and 3 retries: past startretries (1) twice over. */
	ck_assert(th_wait_log_n(h, "spawned: 'crash' with pid", 4, 8000));
	ck_assert_int_eq(th_log_count(h, "gave up"), 0);
	ck_assert_int_eq(th_log_count(h, "FATAL"), 0);
	for (i = 0; i < 10 && !seen; i++) {
		/* The dump may catch it in its moment of STARTING. */
		th_signal(h, SIGUSR1);
		seen = th_wait_log(h, "BACKOFF   Exited too quickly (process "
		    "log may have details); try ", 300);
	}
	ck_assert_msg(seen, "no BACKOFF line with its next try");
	ck_assert(th_wait_log(h, ", next in ", 1000));
	ck_assert(th_exited_ok(th_stop(h)));
	th_free(h);
}
END_TEST

START_TEST(test_missing_command_spawnerr_backoff_fatal)
{
	struct th	*h = th_new();
	double		 t[8];
	int		 n;

	th_conf(h,
	    "[program:ghost]\n"
	    "command=no-such-command-for-supervisord-tests --flag\n"
	    "startsecs=1\n"
	    "startretries=2\n");
	th_start_conf(h);
	ck_assert(th_wait_log(h, "gave up: ghost entered FATAL state, too "
	    "many start retries too quickly", 8000));
	n = th_log_times(h, "spawnerr: can't find command "
	    "'no-such-command-for-supervisord-tests'", t, 8);
	ck_assert_int_eq(n, 3);
	check_backoff_gaps(t, n);
	ck_assert_int_eq(th_log_count(h, "spawned: 'ghost'"), 0);
	ck_assert(th_exited_ok(th_stop(h)));
	th_free(h);
}
END_TEST

/*
 * As supervisor's ProcessConfig.get_path: the command is looked for in the
 * PATH of the program's own environment=, not only in the daemon's.
 */
START_TEST(test_command_found_in_the_programs_path)
{
	struct th	*h = th_new();
	pid_t		 pid;

	th_write(h, "bin/myapp", "#!/bin/sh\nexec /bin/sleep 1000\n");
	ck_assert_int_eq(chmod(th_path(h, "bin/myapp"), 0755), 0);
	th_conf(h,
	    "[program:app]\n"
	    "command=myapp\n"
	    "environment=PATH=\"@DIR@/nothing-here:@DIR@/bin\"\n"
	    "startsecs=0\n"
	    "[program:other]\n"
	    "command=myapp\n"
	    "startsecs=0\n"
	    "startretries=0\n");
	th_start_conf(h);
	ck_assert(th_wait_log(h, "success: app entered RUNNING", 5000));
	pid = th_spawned_pid(h, "app", 0);
	ck_assert(th_wait_comm(h, pid, "sleep", 5000));
	/* Without it, the daemon's PATH has no myapp. */
	ck_assert(th_wait_log(h, "spawnerr: can't find command 'myapp'",
	    5000));
	ck_assert(th_exited_ok(th_stop(h)));
	th_free(h);
}
END_TEST

START_TEST(test_exitcodes_and_autorestart)
{
	struct th	*h = th_new();

	/* Each runs 0.3 s: past startsecs=0, so each exit is from RUNNING. */
	th_conf(h,
	    "[program:expected]\n"
	    "command=/bin/sh -c 'sleep 0.3; exit 3'\n"
	    "startsecs=0\nautorestart=unexpected\nexitcodes=0,3\n\n"
	    "[program:unexpected]\n"
	    "command=/bin/sh -c 'sleep 0.3; exit 4'\n"
	    "startsecs=0\nautorestart=unexpected\nexitcodes=0,3\n\n"
	    "[program:never]\n"
	    "command=/bin/sh -c 'sleep 0.3; exit 1'\n"
	    "startsecs=0\nautorestart=false\n\n"
	    "[program:always]\n"
	    "command=/bin/sh -c 'sleep 0.3; exit 0'\n"
	    "startsecs=0\nautorestart=true\n");
	th_start_conf(h);
	ck_assert(th_wait_log(h, "exited: expected (exit status 3; "
	    "expected)", 5000));
	ck_assert(th_wait_log(h, "exited: never (exit status 1; "
	    "not expected)", 5000));
	ck_assert(th_wait_log(h, "exited: unexpected (exit status 4; "
	    "not expected)", 5000));
	ck_assert(th_wait_log(h, "exited: always (exit status 0; "
	    "expected)", 5000));
	/*
	 * An EXITED program that is to restart is spawned at once.  By the
	 * time the restarted ones have each been spawned a fourth time
	 * (0.9 s after their first exit), a restart of the other two would
	 * long have shown.
	 */
	ck_assert(th_wait_log_n(h, "spawned: 'unexpected'", 4, 5000));
	ck_assert(th_wait_log_n(h, "spawned: 'always'", 4, 5000));
	ck_assert_int_eq(th_log_count(h, "spawned: 'expected'"), 1);
	ck_assert_int_eq(th_log_count(h, "spawned: 'never'"), 1);
	/* An exit after startsecs is not a start failure. */
	ck_assert_int_eq(th_log_count(h, "gave up:"), 0);
	ck_assert(th_exited_ok(th_stop(h)));
	th_free(h);
}
END_TEST

static bool
orphans_written(struct th *h, void *arg)
{
	const char	*s;
	const char	*p;
	int		 n = 0;

	(void)arg;
	if ((s = th_read(h, "orphans", NULL)) == NULL)
		return false;
	for (p = s; (p = strchr(p, '\n')) != NULL; p++)
		n++;
	return n >= 5;
}

struct gone_arg {
	pid_t	*pids;
	int	 n;
};

/* Gone from /proc entirely: exited and reaped. */
static bool
all_reaped(struct th *h, void *arg)
{
	struct gone_arg	*g = arg;
	int		 i;
	pid_t		 pp;

	(void)h;
	for (i = 0; i < g->n; i++)
		if (th_proc_state(g->pids[i], &pp) != 0 && pp == th_pid(h))
			return false;
	return true;
}

/* Every orphan is alive with the daemon as its parent. */
static bool
all_adopted(struct th *h, void *arg)
{
	struct gone_arg	*g = arg;
	int		 i;
	pid_t		 pp;

	for (i = 0; i < g->n; i++)
		if (th_proc_state(g->pids[i], &pp) == 0 || pp != th_pid(h))
			return false;
	return true;
}

START_TEST(test_orphaned_grandchildren_are_reaped)
{
	struct th	*h = th_new();
	pid_t		 orphans[5], kids[256], pp;
	const char	*s, *p;
	struct gone_arg	 g = { orphans, 0 };
	int		 i, n;

	/* Each subshell exits at once, orphaning its sleep. */
	th_conf(h,
	    "[program:parent]\n"
	    "command=/bin/sh -c 'for i in 1 2 3 4 5; do "
	    "(sleep 1 & echo $! >>@DIR@/orphans); done; exec cat'\n"
	    "startsecs=0\n");
	th_start_conf(h);
	ck_assert(th_wait(h, orphans_written, NULL, 5000));
	s = th_read(h, "orphans", NULL);
	for (p = s, n = 0; n < 5 && *p != '\0'; n++) {
		orphans[n] = (pid_t)atoi(p);
		th_track(h, orphans[n]);
		if ((p = strchr(p, '\n')) == NULL)
			break;
		p++;
	}
	ck_assert_int_eq(n, 5);
	g.n = n;
	/* Adopted by the daemon while they sleep (1 s), once their
	 * subshells have exited. */
	ck_assert(th_wait(h, all_adopted, &g, 900));
	for (i = 0; i < n; i++) {
		char	 st = th_proc_state(orphans[i], &pp);

		ck_assert_msg(st != 0, "orphan %d already gone",
		    (int)orphans[i]);
		ck_assert_msg(pp == th_pid(h), "orphan %d has parent %d, "
		    "not the daemon %d", (int)orphans[i], (int)pp,
		    (int)th_pid(h));
	}
	/* They exit after 1 s; the daemon must reap them. */
	ck_assert_msg(th_wait(h, all_reaped, &g, 4000),
	    "orphans left as zombies of the daemon");
	n = th_children(th_pid(h), kids, 256);
	for (i = 0; i < n && i < 256; i++)
		ck_assert_msg(th_proc_state(kids[i], NULL) != 'Z',
		    "zombie %d under the daemon", (int)kids[i]);
	ck_assert(th_alive(h, th_spawned_pid(h, "parent", 0)));
	ck_assert(th_exited_ok(th_stop(h)));
	th_free(h);
}
END_TEST

Suite *
child_suite(void)
{
	Suite	*s;
	TCase	*tc;

	s = suite_create("child");
	tc = th_tcase("backoff", 20);
	tcase_add_test(tc, test_crash_backs_off_1_2_3_then_fatal);
	tcase_add_test(tc, test_exponential_backoff_is_capped_and_jittered);
	tcase_add_test(tc, test_retry_forever_never_gives_up);
	tcase_add_test(tc, test_missing_command_spawnerr_backoff_fatal);
	tcase_add_test(tc, test_command_found_in_the_programs_path);
	suite_add_tcase(s, tc);
	tc = th_tcase("restart", 15);
	tcase_add_test(tc, test_exitcodes_and_autorestart);
	suite_add_tcase(s, tc);
	tc = th_tcase("reap", 15);
	tcase_add_test(tc, test_orphaned_grandchildren_are_reaped);
	suite_add_tcase(s, tc);
	return s;
}
