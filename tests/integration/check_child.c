/*
 * child: what happens when programs exit: backoff and FATAL for one that
 * dies before startsecs, restart policy (autorestart, exitcodes) for one
 * that exits from RUNNING, spawn errors, the environment a program gets
 * (environment_file, user_environment), and the reaping of orphaned
 * grandchildren (the daemon is a child subreaper).
 */
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/types.h>

#include <netinet/in.h>

#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <check.h>

#include "tests/harness.h"
#include "tests/skip.h"

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

/*
 * ready=file:PATH: RUNNING once the file is there, not at startsecs; a
 * file the last run left is removed before the spawn.
 */
START_TEST(test_ready_file_waits_for_the_file)
{
	struct th	*h = th_new();
	double		 spawned, ready;
	FILE		*f;

	th_conf(h, "[program:f]\n"
	    "command=sh -c 'sleep 1; touch %(here)s/up; exec sleep 600'\n"
	    "ready=file:%(here)s/up\nstartsecs=0\n");
	ck_assert_ptr_nonnull(f = fopen(th_path(h, "up"), "w"));
	fclose(f);
	th_start_conf(h);
	ck_assert(th_wait_log(h, "success: f entered RUNNING state, process "
	    "is ready (file:", 5000));
	ck_assert_int_eq(th_log_times(h, "spawned: 'f'", &spawned, 1), 1);
	ck_assert_int_eq(th_log_times(h, "success: f", &ready, 1), 1);
	ck_assert_msg(ready - spawned >= 0.9, "RUNNING %.3f s after the "
	    "spawn: before the file was made", ready - spawned);
	ck_assert(th_exited_ok(th_stop(h)));
	th_free(h);
}
END_TEST

/*
 * ready=tcp:HOST:PORT, IPv4 and [IPv6]: RUNNING once a connect gets
 * through.  The port is the test's own, bound first (refused) and
 * listening later.
 */
START_TEST(test_ready_tcp_waits_for_the_port)
{
	struct th	*h = th_new();
	struct sockaddr_storage ss;
	struct sockaddr_in *in4 = (struct sockaddr_in *)(void *)&ss;
	struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)(void *)&ss;
	socklen_t	 len;
	char		 conf[256];
	int		 s, port;

	memset(&ss, 0, sizeof(ss));
	if (_i == 0) {
		in4->sin_family = AF_INET;
		in4->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		len = sizeof(*in4);
	} else {
		in6->sin6_family = AF_INET6;
		in6->sin6_addr = in6addr_loopback;
		len = sizeof(*in6);
	}
	s = socket(ss.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (s == -1 || bind(s, (struct sockaddr *)&ss, len) == -1) {
		if (s != -1)
			close(s);
		th_free(h);
		th_skip("ipv6", "no %s loopback here", _i == 0 ? "IPv4" :
		    "IPv6");
		return;
	}
	ck_assert_int_eq(getsockname(s, (struct sockaddr *)&ss, &len), 0);
	port = ntohs(_i == 0 ? in4->sin_port : in6->sin6_port);
	snprintf(conf, sizeof(conf), "[program:t]\ncommand=sleep 600\n"
	    "ready=tcp:%s:%d\nstartsecs=0\n", _i == 0 ? "localhost" :
	    "[::1]", port);
	th_conf(h, conf);
	th_start_conf(h);
	ck_assert(th_wait_log(h, "spawned: 't'", 5000));
	/* Ten checks or so, each refused. */
	ck_assert(th_log_stays_below(h, "success: t", 1, 1000));
	ck_assert_int_eq(listen(s, 8), 0);
	ck_assert(th_wait_log(h, "success: t entered RUNNING state, process "
	    "is ready (tcp:", 5000));
	close(s);
	ck_assert(th_exited_ok(th_stop(h)));
	th_free(h);
}
END_TEST

/*
 * Not ready within ready_timeout: killed (stopsignal, SIGKILL after
 * stopwaitsecs) while STARTING, a failed start, then FATAL as
 * startretries says; never STOPPING nor STOPPED.
 */
START_TEST(test_ready_timeout_kills_and_fails)
{
	struct th	*h = th_new();

	th_conf(h, "[supervisord]\nloglevel=debug\n[program:n]\n"
	    "command=sh -c 'trap \"\" TERM; exec sleep 600'\n"
	    "ready=file:%(here)s/never\nready_timeout=1\n"
	    "startretries=0\nstopwaitsecs=1\n");
	th_start_conf(h);
	ck_assert(th_wait_log(h, "gave up: n entered FATAL state", 8000));
	ck_assert_int_eq(th_log_count(h, "n: not ready after 1 s (file:"),
	    1);
	ck_assert_int_eq(th_log_count(h, "exited: n (terminated by SIGKILL; "
	    "not ready)"), 1);
	ck_assert_int_eq(th_log_count(h, "n: STARTING -> BACKOFF"), 1);
	ck_assert_int_eq(th_log_count(h, "-> STOPPING"), 0);
	ck_assert_int_eq(th_log_count(h, "-> STOPPED"), 0);
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

/* arg, { FILE, TEXT }: a line of FILE has TEXT. */
static bool
file_has(struct th *h, void *arg)
{
	const char *const *a = arg;

	return th_file_line(h, a[0], a[1]) > 0;
}

/*
 * environment_file= (ours), read at each spawn: between [supervisord]'s
 * environment= and the program's, its PATH where the command is looked
 * for; '-' makes a missing file no error; a missing or bad file is a
 * spawn error naming the file (and the line).
 */
START_TEST(test_environment_file)
{
	struct th	*h = th_new();
	pid_t		 pid;

	th_write(h, "envbin/showenv", "#!/bin/sh\n"
	    "printf '%s|%s|%s\\n' \"$FROM_FILE\" \"$SHARED\" \"$BOTH\" "
	    ">> @DIR@/app.out\nexec sleep 1000\n");
	ck_assert_int_eq(chmod(th_path(h, "envbin/showenv"), 0755), 0);
	th_write(h, "app.env", "# the app's\nPATH=@DIR@/envbin:/usr/bin:/bin\n"
	    "FROM_FILE='file value'\nSHARED=file\nBOTH=file\n");
	th_write(h, "bad.env", "A=1\nexport B=2\n");
	th_write(h, "supervisord.conf", "[supervisord]\n"
	    "logfile=@DIR@/supervisord.log\npidfile=@DIR@/supervisord.pid\n"
	    "childlogdir=@DIR@\nenvironment=SHARED=\"sd\",BOTH=\"sd\"\n"
	    "[program:app]\ncommand=showenv\nstartsecs=0\n"
	    "environment_file=@DIR@/app.env\nenvironment=BOTH=\"prog\"\n"
	    "[program:opt]\ncommand=/bin/sh -c 'echo \"[$FROM_FILE]\" > "
	    "@DIR@/opt.out; exec sleep 1000'\nstartsecs=0\n"
	    "environment_file=-@DIR@/none.env\n"
	    "[program:missing]\ncommand=/bin/sleep 1000\nstartretries=0\n"
	    "environment_file=@DIR@/none.env\n"
	    "[program:bad]\ncommand=/bin/sleep 1000\nstartretries=0\n"
	    "environment_file=@DIR@/bad.env\n");
	th_start_conf(h);
	/* Said at load: each start will fail until it is there. */
	ck_assert(th_wait_log(h, "environment_file: ", 5000));
	ck_assert(th_wait_log(h, "success: app entered RUNNING", 5000));
	ck_assert(th_wait_file(h, "app.out", 5000));
	ck_assert(th_wait(h, file_has, (const char *[]){ "app.out",
	    "file value|file|prog" }, 5000));
	ck_assert(th_wait_log(h, "success: opt entered RUNNING", 5000));
	ck_assert(th_wait_file(h, "opt.out", 5000));
	ck_assert_int_eq(th_file_line(h, "opt.out", "[]"), 1);
	ck_assert(th_wait_log(h, "spawnerr: ", 5000));
	ck_assert(th_wait_log(h, "none.env: No such file or directory",
	    5000));
	ck_assert(th_wait_log(h, "bad.env:2: the key is not a variable name",
	    5000));
	ck_assert(th_wait_log(h, "gave up: missing entered FATAL", 5000));
	ck_assert(th_wait_log(h, "gave up: bad entered FATAL", 5000));
	/* Read again at the next spawn. */
	th_write(h, "app.env", "PATH=@DIR@/envbin:/usr/bin:/bin\n"
	    "FROM_FILE=second\n");
	pid = th_spawned_pid(h, "app", 0);
	ck_assert_int_eq(kill(pid, SIGKILL), 0);
	ck_assert(th_wait(h, file_has, (const char *[]){ "app.out",
	    "second|sd|prog" }, 5000));
	ck_assert(th_exited_ok(th_stop(h)));
	th_free(h);
}
END_TEST

/*
 * user_environment=true (ours): HOME, USER, LOGNAME and SHELL from user='s
 * passwd entry instead of the daemon's; environment= still wins; without
 * it the daemon's HOME stays, as supervisor leaves it.  user= is this
 * test's own user: no privilege needed.
 */
START_TEST(test_user_environment)
{
	struct th	*h = th_new();
	struct passwd	*pw = getpwuid(getuid());
	char		 conf[1024], want[1024];

#define SHOW(n)	"command=/bin/sh -c 'echo \"$HOME|$USER|$LOGNAME|$SHELL\" " \
		"> @DIR@/" n ".out; exec sleep 1000'\nstartsecs=0\n"
	ck_assert_ptr_nonnull(pw);
	snprintf(conf, sizeof(conf), "[program:a]\n" SHOW("a") "user=%s\n"
	    "user_environment=true\n"
	    "[program:b]\n" SHOW("b") "user=%s\nuser_environment=true\n"
	    "environment=HOME=\"/elsewhere\"\n"
	    "[program:c]\n" SHOW("c") "user=%s\n", pw->pw_name, pw->pw_name,
	    pw->pw_name);
#undef SHOW
	th_conf(h, conf);
	ck_assert_int_eq(setenv("HOME", "/daemons-home", 1), 0);
	th_start_conf(h);
	ck_assert(th_wait_file(h, "a.out", 5000));
	ck_assert(th_wait_file(h, "b.out", 5000));
	ck_assert(th_wait_file(h, "c.out", 5000));
	snprintf(want, sizeof(want), "%s|%s|%s|%s", pw->pw_dir, pw->pw_name,
	    pw->pw_name, pw->pw_shell);
	ck_assert(th_wait(h, file_has, (const char *[]){ "a.out", want },
	    5000));
	snprintf(want, sizeof(want), "/elsewhere|%s|%s|%s", pw->pw_name,
	    pw->pw_name, pw->pw_shell);
	ck_assert(th_wait(h, file_has, (const char *[]){ "b.out", want },
	    5000));
	ck_assert(th_wait(h, file_has, (const char *[]){ "c.out",
	    "/daemons-home|" }, 5000));
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
	tc = th_tcase("env", 15);
	tcase_add_test(tc, test_environment_file);
	tcase_add_test(tc, test_user_environment);
	suite_add_tcase(s, tc);
	tc = th_tcase("ready", 20);
	tcase_add_test(tc, test_ready_file_waits_for_the_file);
	tcase_add_loop_test(tc, test_ready_tcp_waits_for_the_port, 0, 2);
	tcase_add_test(tc, test_ready_timeout_kills_and_fails);
	suite_add_tcase(s, tc);
	tc = th_tcase("restart", 15);
	tcase_add_test(tc, test_exitcodes_and_autorestart);
	suite_add_tcase(s, tc);
	tc = th_tcase("reap", 15);
	tcase_add_test(tc, test_orphaned_grandchildren_are_reaped);
	suite_add_tcase(s, tc);
	return s;
}
