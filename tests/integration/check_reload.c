/*
 * reload: SIGHUP applies the configuration file by difference, pids
 * compared before and after: unchanged processes are not touched, policy
 * changes are taken in place, spawn changes restart, removed processes
 * stop, added ones start, numprocs grows and shrinks from the end; a bad
 * file changes nothing; a burst of SIGHUPs is survived; SIGHUP during
 * shutdown is ignored; [supervisord] loglevel applies.
 */
#include <sys/types.h>

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <check.h>

#include "tests/harness.h"

Suite	*reload_suite(void);

static const char first[] =
	"[program:same]\n"
	"command=sleep 1000\n"
	"startsecs=0\n\n"
	"[program:policy]\n"
	"command=sleep 1000\n"
	"startsecs=0\n"
	"stopwaitsecs=10\n\n"
	"[program:spawn]\n"
	"command=sleep 1000\n"
	"startsecs=0\n\n"
	"[program:env]\n"
	"command=sleep 1000\n"
	"environment=A=1\n"
	"startsecs=0\n\n"
	"[program:gone]\n"
	"command=sleep 1000\n"
	"startsecs=0\n\n"
	"[program:many]\n"
	"command=sleep 1000\n"
	"numprocs=2\n"
	"process_name=%(program_name)s_%(process_num)02d\n"
	"startsecs=0\n";

static const char second[] =
	"[program:same]\n"
	"command=sleep 1000\n"
	"startsecs=0\n\n"
	"[program:policy]\n"
	"command=sleep 1000\n"
	"startsecs=0\n"
	"stopwaitsecs=3\n"
	"autorestart=false\n"
	"priority=5\n\n"
	"[program:spawn]\n"
	"command=sleep 1001\n"
	"startsecs=0\n\n"
	"[program:env]\n"
	"command=sleep 1000\n"
	"environment=A=2\n"
	"startsecs=0\n\n"
	"[program:new]\n"
	"command=sleep 1000\n"
	"startsecs=0\n\n"
	"[program:many]\n"
	"command=sleep 1000\n"
	"numprocs=4\n"
	"process_name=%(program_name)s_%(process_num)02d\n"
	"startsecs=0\n";

START_TEST(test_reload_by_difference)
{
	struct th	*h = th_new();
	pid_t		 same, policy, spawn, env, gone, m0, m1, m2, m3;

	th_conf(h, first);
	th_start_conf(h);
	ck_assert(th_wait_log(h, "success: many_01 entered RUNNING", 5000));
	ck_assert(th_wait_log(h, "success: gone entered RUNNING", 5000));
	same = th_spawned_pid(h, "same", -1);
	policy = th_spawned_pid(h, "policy", -1);
	spawn = th_spawned_pid(h, "spawn", -1);
	env = th_spawned_pid(h, "env", -1);
	gone = th_spawned_pid(h, "gone", -1);
	m0 = th_spawned_pid(h, "many_00", -1);
	m1 = th_spawned_pid(h, "many_01", -1);

	th_conf(h, second);
	ck_assert_int_eq(th_signal(h, SIGHUP), 0);
	ck_assert(th_wait_log(h, "success: new entered RUNNING", 5000));
	ck_assert(th_wait_log(h, "success: many_03 entered RUNNING", 5000));
	ck_assert(th_wait_log_n(h, "spawned: 'spawn'", 2, 5000));
	ck_assert(th_wait_log_n(h, "spawned: 'env'", 2, 5000));
	ck_assert(th_wait_log(h, "removed process 'gone'", 5000));
	ck_assert(th_wait_log(h, "reload: 3 added, 2 changed, 3 updated in "
	    "place, 1 removed", 5000));

	/*
	 * Untouched (numprocs alone is policy for many_00 and many_01):
	 * same pids, one spawn each.
	 */
	ck_assert_int_eq(th_spawned_pid(h, "same", -1), same);
	ck_assert_int_eq(th_log_count(h, "spawned: 'same'"), 1);
	ck_assert(th_alive(h, same));
	ck_assert_int_eq(th_spawned_pid(h, "policy", -1), policy);
	ck_assert_int_eq(th_log_count(h, "spawned: 'policy'"), 1);
	ck_assert(th_alive(h, policy));
	ck_assert_int_eq(th_spawned_pid(h, "many_00", -1), m0);
	ck_assert_int_eq(th_spawned_pid(h, "many_01", -1), m1);
	ck_assert(th_alive(h, m0) && th_alive(h, m1));
	/* Restarted with the new settings. */
	ck_assert(!th_alive(h, spawn) && !th_alive(h, env));
	ck_assert(th_alive(h, th_spawned_pid(h, "spawn", -1)));
	ck_assert(th_alive(h, th_spawned_pid(h, "env", -1)));
	/* Gone. */
	ck_assert(!th_alive(h, gone));

	/* The policy change is in force: not restarted after a kill. */
	ck_assert_int_eq(kill(policy, SIGKILL), 0);
	ck_assert(th_wait_log(h, "exited: policy (terminated by SIGKILL",
	    5000));
	/* autorestart would respawn at once, within a loop turn: 500 ms is
	 * ample. */
	ck_assert(th_log_stays_below(h, "spawned: 'policy'", 2, 500));

	/* numprocs 4 -> 2: the last two stop, the first two stay. */
	m2 = th_spawned_pid(h, "many_02", -1);
	m3 = th_spawned_pid(h, "many_03", -1);
	th_conf(h, first);
	ck_assert_int_eq(th_signal(h, SIGHUP), 0);
	ck_assert(th_wait_log(h, "removed process 'many_03'", 5000));
	ck_assert(th_wait_log(h, "removed process 'many_02'", 5000));
	ck_assert(!th_alive(h, m2) && !th_alive(h, m3));
	ck_assert(th_alive(h, m0) && th_alive(h, m1));
	ck_assert_int_eq(th_spawned_pid(h, "many_00", -1), m0);
	ck_assert(th_exited_ok(th_stop(h)));
	th_free(h);
}
END_TEST

START_TEST(test_priority_moved_in_place)
{
	struct th	*h = th_new();
	pid_t		 a, b;

	th_conf(h, "[program:a]\ncommand=sleep 1000\nstartsecs=0\n"
	    "priority=1\n\n"
	    "[program:b]\ncommand=sleep 1000\nstartsecs=0\npriority=2\n");
	th_start_conf(h);
	ck_assert(th_wait_log(h, "success: b entered RUNNING", 5000));
	a = th_spawned_pid(h, "a", 0);
	b = th_spawned_pid(h, "b", 0);
	/* a moves behind b in start order: a policy change all the same. */
	th_conf(h, "[program:a]\ncommand=sleep 1000\nstartsecs=0\n"
	    "priority=900\n\n"
	    "[program:b]\ncommand=sleep 1000\nstartsecs=0\npriority=2\n");
	ck_assert_int_eq(th_signal(h, SIGHUP), 0);
	ck_assert(th_wait_log(h, "reload: 0 added, 0 changed, 1 updated in "
	    "place, 0 removed", 5000));
	/* A restart would stop and spawn within a loop turn or two. */
	ck_assert(th_log_stays_below(h, "spawned:", 3, 500));
	ck_assert(th_alive(h, a) && th_alive(h, b));
	ck_assert_int_eq(th_log_count(h, "removed process"), 0);
	ck_assert_int_eq(th_log_count(h, "spawned:"), 2);
	ck_assert(th_exited_ok(th_stop(h)));
	th_free(h);
}
END_TEST

/* Does pid's command line contain needle? */
static bool
cmdline_has(pid_t pid, const char *needle)
{
	char	 path[64], buf[512];
	FILE	*fp;
	size_t	 n, i;

	snprintf(path, sizeof(path), "/proc/%d/cmdline", (int)pid);
	if ((fp = fopen(path, "r")) == NULL)
		return false;
	n = fread(buf, 1, sizeof(buf) - 1, fp);
	fclose(fp);
	for (i = 0; i < n; i++)
		if (buf[i] == '\0')
			buf[i] = ' ';
	buf[n] = '\0';
	return strstr(buf, needle) != NULL;
}

#define SLOW \
	"command=/bin/sh -c 'trap \"\" TERM; exec sleep %d'\n" \
	"startsecs=0\nstopwaitsecs=2\n"

/*
 * A change reverted before the process has stopped: the second reload
 * must win, not the pending stanza of the first.  And a program removed,
 * then put back before it has stopped, starts again.
 */
START_TEST(test_reload_reverted_while_stopping)
{
	struct th	*h = th_new();
	char		 conf[512];
	pid_t		 x;

	snprintf(conf, sizeof(conf), "[program:x]\n" SLOW "\n"
	    "[program:y]\n" SLOW, 1001, 2001);
	th_conf(h, conf);
	th_start_conf(h);
	ck_assert(th_wait_log_n(h, "entered RUNNING", 2, 5000));
	/* Their shells have set the trap once they are sleep. */
	ck_assert(th_wait_comm(h, th_spawned_pid(h, "x", 0), "sleep", 5000));
	ck_assert(th_wait_comm(h, th_spawned_pid(h, "y", 0), "sleep", 5000));
	/* x changes, y goes; both take stopwaitsecs to stop. */
	snprintf(conf, sizeof(conf), "[program:x]\n" SLOW, 1002);
	th_conf(h, conf);
	ck_assert_int_eq(th_signal(h, SIGHUP), 0);
	ck_assert(th_wait_log(h, "reload: 0 added, 1 changed", 5000));
	/* Both back as they were, while still stopping. */
	snprintf(conf, sizeof(conf), "[program:x]\n" SLOW "\n"
	    "[program:y]\n" SLOW, 1001, 2001);
	th_conf(h, conf);
	ck_assert_int_eq(th_signal(h, SIGHUP), 0);
	ck_assert(th_wait_log_n(h, "reload:", 2, 5000));
	ck_assert(th_wait_log_n(h, "killing", 2, 5000));
	ck_assert(th_wait_log_n(h, "entered RUNNING", 4, 5000));
	x = th_spawned_pid(h, "x", -1);
	ck_assert(th_wait_comm(h, x, "sleep", 2000));
	ck_assert_msg(cmdline_has(x, "sleep 1001"), "x runs the stale stanza");
	ck_assert(th_alive(h, th_spawned_pid(h, "y", -1)));
	ck_assert_int_eq(th_log_count(h, "removed process"), 0);
	ck_assert(th_exited_ok(th_stop_ms(h, 10000)));
	th_free(h);
}
END_TEST

/* Programs that write without pause must not hold a reload back. */
START_TEST(test_reload_with_busy_pipes)
{
	struct th	*h = th_new();
	const char	*busy =
	    "[program:noisy]\ncommand=yes noisy\nnumprocs=8\n"
	    "process_name=%(program_name)s_%(process_num)d\nstartsecs=0\n"
	    "stdout_logfile=@DIR@/null\n\n";
	char		 conf[1024];

	/* /dev/null through a link of our own: the host's is not ours. */
	ck_assert_int_eq(symlink("/dev/null", th_path(h, "null")), 0);
	snprintf(conf, sizeof(conf), "%s[program:b]\ncommand=sleep 3001\n"
	    "startsecs=0\n", busy);
	th_conf(h, conf);
	th_start_conf(h);
	ck_assert(th_wait_log_n(h, "entered RUNNING", 9, 5000));
	snprintf(conf, sizeof(conf), "%s[program:b]\ncommand=sleep 3002\n"
	    "startsecs=0\n", busy);
	th_conf(h, conf);
	ck_assert_int_eq(th_signal(h, SIGHUP), 0);
	ck_assert(th_wait_log(h, "stopped: b", 5000));
	ck_assert(th_wait_log_n(h, "spawned: 'b'", 2, 5000));
	ck_assert(th_exited_ok(th_stop(h)));
	th_free(h);
}
END_TEST

START_TEST(test_bad_config_kept)
{
	struct th	*h = th_new();
	pid_t		 a;
	char		 want[512];
	int		 line;

	th_conf(h, "[program:a]\ncommand=sleep 1000\nstartsecs=0\n");
	th_start_conf(h);
	ck_assert(th_wait_log(h, "success: a entered RUNNING", 5000));
	a = th_spawned_pid(h, "a", 0);
	th_conf(h, "[program:a]\ncommand=sleep 1001\nstartsecs=ten\n\n"
	    "[program:b]\ncommand=sleep 1000\n");
	line = th_file_line(h, "supervisord.conf", "startsecs=ten");
	ck_assert_int_gt(line, 0);
	ck_assert_int_eq(th_signal(h, SIGHUP), 0);
	snprintf(want, sizeof(want), "supervisord.conf:%d: [program:a] "
	    "startsecs: ", line);
	ck_assert(th_wait_log(h, want, 5000));
	ck_assert(th_wait_log(h, "running configuration is kept", 5000));
	/* A refused reload changes nothing: a spawn of b would follow the
	 * "kept" line within a loop turn. */
	ck_assert(th_log_stays_below(h, "'b'", 1, 500));
	ck_assert(th_alive(h, a));
	ck_assert_int_eq(th_log_count(h, "spawned:"), 1);
	ck_assert_int_eq(th_log_count(h, "'b'"), 0);
	ck_assert(th_exited_ok(th_stop(h)));
	th_free(h);
}
END_TEST

START_TEST(test_hup_burst)
{
	struct th	*h = th_new();
	pid_t		 a, daemon;
	int		 i;

	th_conf(h, "[program:a]\ncommand=sleep 1000\nstartsecs=0\n");
	th_start_conf(h);
	ck_assert(th_wait_log(h, "success: a entered RUNNING", 5000));
	a = th_spawned_pid(h, "a", 0);
	daemon = th_pid(h);
	for (i = 0; i < 1000; i++)
		ck_assert_int_eq(kill(daemon, SIGHUP), 0);
	th_conf(h, "[program:a]\ncommand=sleep 1000\nstartsecs=0\n\n"
	    "[program:b]\ncommand=sleep 1000\nstartsecs=0\n");
	ck_assert_int_eq(kill(daemon, SIGHUP), 0);
	ck_assert(th_wait_log(h, "success: b entered RUNNING", 10000));
	ck_assert(th_alive(h, a));
	ck_assert_int_eq(th_log_count(h, "spawned: 'a'"), 1);
	ck_assert_int_eq(th_log_count(h, "spawned: 'b'"), 1);
	/* Coalesced: far fewer reloads than signals. */
	ck_assert_int_lt(th_log_count(h, "reload: "), 1001);
	ck_assert_int_eq(th_pid(h), daemon);
	ck_assert(th_exited_ok(th_stop(h)));
	th_free(h);
}
END_TEST

START_TEST(test_hup_during_shutdown)
{
	struct th	*h = th_new();

	th_conf(h,
	    "[program:slow]\n"
	    "command=/bin/sh -c \"trap 'sleep 1; exit 0' TERM; "
	    "echo trapped >@DIR@/trapped; while :; do sleep 0.1; done\"\n"
	    "startsecs=0\n"
	    "stopwaitsecs=5\n");
	th_start_conf(h);
	ck_assert(th_wait_log(h, "success: slow entered RUNNING", 5000));
	/* The TERM must find the trap set. */
	ck_assert(th_wait_file(h, "trapped", 5000));
	ck_assert_int_eq(th_signal(h, SIGTERM), 0);
	ck_assert(th_wait_log(h, "indicating exit request", 5000));
	th_conf(h, "[program:other]\ncommand=sleep 1000\n");
	ck_assert_int_eq(th_signal(h, SIGHUP), 0);
	ck_assert(th_wait_log(h, "SIGHUP during shutdown: ignored", 5000));
	ck_assert(th_exited_ok(th_wait_exit(h, 10000)));
	ck_assert_int_eq(th_log_count(h, "'other'"), 0);
	th_free(h);
}
END_TEST

START_TEST(test_loglevel_and_logfile_apply)
{
	struct th	*h = th_new();

	th_conf(h, "[program:a]\ncommand=sleep 1000\nstartsecs=0\n");
	th_start_conf(h);
	ck_assert(th_wait_log(h, "success: a entered RUNNING", 5000));
	ck_assert_int_eq(th_log_count(h, " DEBG "), 0);
	th_write(h, "supervisord.conf",
	    "[supervisord]\n"
	    "logfile=@DIR@/new.log\n"
	    "pidfile=@DIR@/supervisord.pid\n"
	    "childlogdir=@DIR@\n"
	    "loglevel=debug\n\n"
	    "[program:a]\ncommand=sleep 1000\nstartsecs=0\n\n"
	    "[program:b]\ncommand=sleep 1000\nstartsecs=0\n");
	ck_assert_int_eq(th_signal(h, SIGHUP), 0);
	/* The new log file, at the new level, from the reload on. */
	th_set_log(h, "new.log");
	ck_assert(th_wait_log(h, "success: b entered RUNNING", 5000));
	ck_assert(th_wait_log(h, " DEBG ", 5000));
	ck_assert_int_eq(th_log_count(h, "success: a entered"), 0);
	ck_assert(th_exited_ok(th_stop(h)));
	th_free(h);
}
END_TEST

Suite *
reload_suite(void)
{
	Suite	*s = suite_create("reload");
	TCase	*tc = th_tcase("reload", 60);

	tcase_add_test(tc, test_reload_by_difference);
	tcase_add_test(tc, test_priority_moved_in_place);
	tcase_add_test(tc, test_reload_reverted_while_stopping);
	tcase_add_test(tc, test_reload_with_busy_pipes);
	tcase_add_test(tc, test_bad_config_kept);
	tcase_add_test(tc, test_hup_burst);
	tcase_add_test(tc, test_hup_during_shutdown);
	tcase_add_test(tc, test_loglevel_and_logfile_apply);
	suite_add_tcase(s, tc);
	return s;
}
