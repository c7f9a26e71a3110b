/*
 * stop: how programs are stopped when the daemon shuts down: stopsignal,
 * SIGKILL after stopwaitsecs, process groups with stopasgroup and
 * killasgroup, and the order: largest priority value first, every program
 * of one priority at once, the next priority when those have stopped.
 */
#include <sys/types.h>

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <check.h>

#include "tests/harness.h"

Suite	*stop_suite(void);

START_TEST(test_sigterm_ignored_killed_after_stopwaitsecs)
{
	struct th	*h = th_new();
	pid_t		 pid;
	long long	 t0, dt;

	th_conf(h,
	    "[program:ign]\n"
	    "command=/bin/sh -c \"trap '' TERM; exec sleep 1000\"\n"
	    "startsecs=0\n"
	    "stopwaitsecs=1\n");
	th_start_conf(h);
	ck_assert(th_wait_log(h, "success: ign entered RUNNING", 5000));
	pid = th_spawned_pid(h, "ign", 0);
	/* Exec'd sleep: the trap is set, SIGTERM will be ignored. */
	ck_assert(th_wait_comm(h, pid, "sleep", 5000));
	t0 = th_now_ms();
	ck_assert(th_exited_ok(th_stop_ms(h, 6000)));
	dt = th_now_ms() - t0;
	/* stopwaitsecs=1: not before 1 s, and not much after. */
	ck_assert_msg(dt >= 950 && dt < 3000, "shutdown took %lld ms", dt);
	ck_assert(!th_alive(h, pid));
	ck_assert_int_eq(th_log_count(h, "with SIGKILL"), 1);
	ck_assert_int_eq(th_log_count(h, "killing"), 1);
	ck_assert_int_eq(th_log_count(h, "stopped: ign (terminated by "
	    "SIGKILL)"), 1);
	th_free(h);
}
END_TEST

START_TEST(test_stopsignal_is_sent)
{
	struct th	*h = th_new();
	pid_t		 pid;
	long long	 t0, dt;

	/* Deaf to SIGTERM: only the configured stopsignal stops it. */
	th_conf(h,
	    "[program:intr]\n"
	    "command=/bin/sh -c \"trap '' TERM; exec sleep 1000\"\n"
	    "startsecs=0\n"
	    "stopsignal=INT\n"
	    "stopwaitsecs=5\n");
	th_start_conf(h);
	ck_assert(th_wait_log(h, "success: intr entered RUNNING", 5000));
	pid = th_spawned_pid(h, "intr", 0);
	ck_assert(th_wait_comm(h, pid, "sleep", 5000));
	t0 = th_now_ms();
	ck_assert(th_exited_ok(th_stop_ms(h, 8000)));
	dt = th_now_ms() - t0;
	/* Well before stopwaitsecs (5 s) would bring SIGKILL. */
	ck_assert_msg(dt < 2500, "shutdown took %lld ms", dt);
	ck_assert(!th_alive(h, pid));
	ck_assert_int_eq(th_log_count(h, "stopped: intr (terminated by "
	    "SIGINT)"), 1);
	ck_assert_int_eq(th_log_count(h, "SIGKILL"), 0);
	th_free(h);
}
END_TEST

START_TEST(test_stopasgroup_and_killasgroup_reach_grandchildren)
{
	struct th	*h = th_new();
	pid_t		 gc, kgc, pgrp, pkag;

	th_conf(h,
	    "[program:grp]\n"
	    "command=/bin/sh -c 'sleep 1000 & echo $! >@DIR@/gc.pid; wait'\n"
	    "startsecs=0\n"
	    "stopasgroup=true\n\n"
	    "[program:kag]\n"
	    "command=/bin/sh -c \"trap '' TERM; sleep 1000 & "
	    "echo $! >@DIR@/kgc.pid; wait\"\n"
	    "startsecs=0\n"
	    "stopasgroup=true\n"
	    "killasgroup=true\n"
	    "stopwaitsecs=1\n");
	th_start_conf(h);
	ck_assert_int_gt(gc = th_wait_pid(h, "gc.pid", 5000), 0);
	ck_assert_int_gt(kgc = th_wait_pid(h, "kgc.pid", 5000), 0);
	pgrp = th_spawned_pid(h, "grp", 0);
	pkag = th_spawned_pid(h, "kag", 0);
	ck_assert(th_alive(h, gc));
	ck_assert(th_alive(h, kgc));
	ck_assert(th_exited_ok(th_stop_ms(h, 6000)));
	ck_assert(!th_alive(h, pgrp));
	ck_assert(!th_alive(h, pkag));
	/* Dead (perhaps not yet reaped by init once the daemon is gone). */
	ck_assert_msg(!th_alive(h, gc), "grandchild of grp survived "
	    "stopasgroup");
	ck_assert_msg(!th_alive(h, kgc), "grandchild of kag survived "
	    "killasgroup");
	ck_assert_int_eq(th_log_count(h, "stopped: kag (terminated by "
	    "SIGKILL)"), 1);
	ck_assert_int_eq(th_log_count(h, "stopped: grp (terminated by "
	    "SIGTERM)"), 1);
	th_free(h);
}
END_TEST

/* The helper caught SIGTERM and said so in its stdout log. */
static bool
says_ready(struct th *h, void *rel)
{
	const char	*s = th_read(h, rel, NULL);

	return s != NULL && strcmp(s, "ready\n") == 0;
}

/* Offset in the log of the first line containing needle, -1 if none. */
static long
log_pos(struct th *h, const char *needle)
{
	const char	*log = th_log(h), *p;

	p = strstr(log, needle);
	return p == NULL ? -1 : (long)(p - log);
}

START_TEST(test_stop_order_by_priority)
{
	struct th	*h = th_new();
	double		 ta, tb, tc, td;
	long		 pa, pb, pc, pd;
	const char	*names = "abcd";
	int		 i;

	/* Each takes 0.4 s to exit after SIGTERM. */
	th_conf(h,
	    "[program:a]\ncommand=@HELPERS@/slowstop 400\n"
	    "stdout_logfile=@DIR@/a.out\n"
	    "startsecs=0\npriority=1\n\n"
	    "[program:b]\ncommand=@HELPERS@/slowstop 400\n"
	    "stdout_logfile=@DIR@/b.out\n"
	    "startsecs=0\npriority=2\n\n"
	    "[program:c]\ncommand=@HELPERS@/slowstop 400\n"
	    "stdout_logfile=@DIR@/c.out\n"
	    "startsecs=0\npriority=2\n\n"
	    "[program:d]\ncommand=@HELPERS@/slowstop 400\n"
	    "stdout_logfile=@DIR@/d.out\n"
	    "startsecs=0\npriority=3\n");
	th_start_conf(h);
	for (i = 0; i < 4; i++) {
		char	 needle[64];

		snprintf(needle, sizeof(needle), "%c.out", names[i]);
		ck_assert_msg(th_wait(h, says_ready, needle, 5000),
		    "%s: no ready", needle);
	}
	/* Started in priority order. */
	pa = log_pos(h, "spawned: 'a'");
	pb = log_pos(h, "spawned: 'b'");
	pc = log_pos(h, "spawned: 'c'");
	pd = log_pos(h, "spawned: 'd'");
	ck_assert(pa < pb && pa < pc && pb < pd && pc < pd);
	ck_assert(th_exited_ok(th_stop(h)));
	ck_assert_int_eq(th_log_times(h, "stopped: a (exit status 0)", &ta, 1),
	    1);
	ck_assert_int_eq(th_log_times(h, "stopped: b (exit status 0)", &tb, 1),
	    1);
	ck_assert_int_eq(th_log_times(h, "stopped: c (exit status 0)", &tc, 1),
	    1);
	ck_assert_int_eq(th_log_times(h, "stopped: d (exit status 0)", &td, 1),
	    1);
	/* b and c at once: one after the other would be 0.4 s apart. */
	ck_assert_msg(tb - tc < 0.2 && tc - tb < 0.2,
	    "b and c stopped %.3f s apart", tb - tc);
	/* Each priority is signalled only once the previous one stopped. */
	ck_assert_msg(tb - td >= 0.35 && tc - td >= 0.35,
	    "priority 2 stopped %.3f/%.3f s after priority 3", tb - td,
	    tc - td);
	ck_assert_msg(ta - tb >= 0.35 && ta - tc >= 0.35,
	    "priority 1 stopped %.3f/%.3f s after priority 2", ta - tb,
	    ta - tc);
	th_free(h);
}
END_TEST

Suite *
stop_suite(void)
{
	Suite	*s;
	TCase	*tc;

	s = suite_create("stop");
	tc = th_tcase("stopwait", 15);
	tcase_add_test(tc, test_sigterm_ignored_killed_after_stopwaitsecs);
	tcase_add_test(tc, test_stopsignal_is_sent);
	tcase_add_test(tc,
	    test_stopasgroup_and_killasgroup_reach_grandchildren);
	suite_add_tcase(s, tc);
	tc = th_tcase("order", 15);
	tcase_add_test(tc, test_stop_order_by_priority);
	suite_add_tcase(s, tc);
	return s;
}
