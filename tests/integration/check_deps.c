/*
 * deps: depends_on= (ours): a process starts once what it depends on
 * holds (RUNNING, or EXITED with an expected status), starting it first
 * even with autostart=false; a FATAL dependency makes it FATAL; at a
 * shutdown or a removal by a reload it stops before what it depends on,
 * whatever the priorities; a reload applies new dependencies in place.
 */
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include <check.h>

#include "tests/harness.h"

Suite	*deps_suite(void);

/* Where needle first is in the log, -1 if nowhere. */
static long
log_pos(struct th *h, const char *needle)
{
	const char	*log = th_log(h), *at;

	if (log == NULL || (at = strstr(log, needle)) == NULL)
		return -1;
	return (long)(at - log);
}

/* a is logged, and before b. */
static void
before(struct th *h, const char *a, const char *b)
{
	long	pa = log_pos(h, a), pb = log_pos(h, b);

	ck_assert_msg(pa >= 0 && pb >= 0 && pa < pb, "want \"%s\" (at %ld) "
	    "before \"%s\" (at %ld) in:\n%s", a, pa, b, pb, th_log(h));
}

/*
 * web waits for db (RUNNING: startsecs=1) and for migrate to exit 0
 * (autostart=false: started because web needs it); each comes before
 * web's spawn, and web says what it waits for meanwhile.
 */
START_TEST(test_start_waits_for_running_and_exited)
{
	struct th	*h = th_new();

	th_conf(h, "[program:web]\ncommand=sleep 600\nstartsecs=0\n"
	    "priority=1\ndepends_on = db, migrate:exited\n"
	    "[program:db]\ncommand=sleep 600\nstartsecs=1\n"
	    "[program:migrate]\ncommand=sh -c 'sleep 0.3; exit 0'\n"
	    "startsecs=0\nautostart=false\nautorestart=false\n");
	th_start_conf(h);
	ck_assert(th_wait_log(h, "success: web entered RUNNING", 8000));
	ck_assert_int_eq(th_log_count(h, "web: waiting for "), 1);
	before(h, "success: db entered RUNNING", "spawned: 'web'");
	before(h, "exited: migrate (exit status 0; expected)",
	    "spawned: 'web'");
	/* Once each: nothing restarted. */
	ck_assert_int_eq(th_log_count(h, "spawned: 'migrate'"), 1);
	ck_assert_int_eq(th_log_count(h, "spawned: 'web'"), 1);
	ck_assert(th_exited_ok(th_stop(h)));
	th_free(h);
}
END_TEST

/* A dependency that goes FATAL makes the waiting process FATAL. */
START_TEST(test_fatal_dependency_makes_it_fatal)
{
	struct th	*h = th_new();

	th_conf(h, "[program:web]\ncommand=sleep 600\nstartsecs=0\n"
	    "depends_on=db\n"
	    "[program:db]\ncommand=sh -c 'exit 1'\nstartsecs=1\n"
	    "startretries=0\n");
	th_start_conf(h);
	ck_assert(th_wait_log(h, "gave up: web entered FATAL state, "
	    "dependency db is FATAL", 5000));
	before(h, "gave up: db entered FATAL", "gave up: web entered FATAL");
	ck_assert_int_eq(th_log_count(h, "spawned: 'web'"), 0);
	ck_assert(th_exited_ok(th_stop(h)));
	th_free(h);
}
END_TEST

/*
 * At a shutdown web (priority 1) stops before db (priority 999), which
 * by priority alone would stop first; the group's member too.
 */
START_TEST(test_shutdown_stops_dependents_first)
{
	struct th	*h = th_new();

	th_conf(h, "[program:web]\ncommand=sleep 600\nstartsecs=0\n"
	    "priority=1\ndepends_on=db, cache:*\n"
	    "[program:db]\ncommand=sleep 600\nstartsecs=0\npriority=999\n"
	    "[program:redis]\ncommand=sleep 600\nstartsecs=0\n"
	    "priority=500\n[group:cache]\nprograms=redis\n");
	th_start_conf(h);
	ck_assert(th_wait_log(h, "success: web entered RUNNING", 5000));
	ck_assert(th_exited_ok(th_stop(h)));
	before(h, "stopped: web", "stopped: db");
	before(h, "stopped: web", "stopped: redis");
	th_free(h);
}
END_TEST

/*
 * A reload that removes both stops the dependent first, though it takes
 * its time to stop and priority would stop db first.
 */
START_TEST(test_removal_stops_dependents_first)
{
	struct th	*h = th_new();

	th_conf(h, "[program:web]\ncommand=/bin/sh -c "
	    "'trap \"sleep 0.5; exit 0\" TERM; sleep 600 & wait'\n"
	    "startsecs=0\nstopasgroup=true\npriority=1\ndepends_on=db\n"
	    "[program:db]\ncommand=sleep 600\nstartsecs=0\npriority=999\n"
	    "[program:keep]\ncommand=sleep 600\nstartsecs=0\n");
	th_start_conf(h);
	ck_assert(th_wait_log(h, "success: web entered RUNNING", 5000));
	ck_assert(th_wait_log(h, "success: db entered RUNNING", 5000));
	th_conf(h, "[program:keep]\ncommand=sleep 600\nstartsecs=0\n");
	ck_assert_int_eq(th_signal(h, SIGHUP), 0);
	ck_assert(th_wait_log(h, "removed process 'db'", 5000));
	before(h, "stopped: web", "stopped: db");
	ck_assert(th_exited_ok(th_stop(h)));
	th_free(h);
}
END_TEST

/* A reload that adds a dependency to a running process leaves it be. */
START_TEST(test_reload_applies_dependencies_in_place)
{
	struct th	*h = th_new();
	pid_t		 web;

	th_conf(h, "[program:web]\ncommand=sleep 600\nstartsecs=0\n"
	    "[program:db]\ncommand=sleep 600\nstartsecs=0\n");
	th_start_conf(h);
	ck_assert(th_wait_log(h, "success: web entered RUNNING", 5000));
	web = th_spawned_pid(h, "web", 0);
	th_conf(h, "[program:web]\ncommand=sleep 600\nstartsecs=0\n"
	    "depends_on=db\n"
	    "[program:db]\ncommand=sleep 600\nstartsecs=0\n");
	ck_assert_int_eq(th_signal(h, SIGHUP), 0);
	ck_assert(th_wait_log(h, "reload: 0 added, 0 changed, 1 updated in "
	    "place, 0 removed", 5000));
	ck_assert(th_alive(h, web));
	ck_assert_int_eq(th_log_count(h, "spawned: 'web'"), 1);
	ck_assert(th_exited_ok(th_stop(h)));
	before(h, "stopped: web", "stopped: db");
	th_free(h);
}
END_TEST

Suite *
deps_suite(void)
{
	Suite	*s = suite_create("deps");
	TCase	*tc = th_tcase("deps", 20);

	tcase_add_test(tc, test_start_waits_for_running_and_exited);
	tcase_add_test(tc, test_fatal_dependency_makes_it_fatal);
	tcase_add_test(tc, test_shutdown_stops_dependents_first);
	tcase_add_test(tc, test_removal_stops_dependents_first);
	tcase_add_test(tc, test_reload_applies_dependencies_in_place);
	suite_add_tcase(s, tc);
	return s;
}
