/*
 * superlance: real event listeners, unmodified, from the shared clients
 * (shared/clients/superlance), run by the daemon as supervisor runs them.
 *
 *   crashmail -a -m ADDR -s SENDMAIL: a program that exits unexpectedly
 *	makes it mail; the stand-in sendmail records the mail it is given.
 *   memmon -p hog=10MB on TICK_5: a program over the limit is restarted
 *	through XML-RPC (stopProcess, startProcess) on the daemon's unix
 *	socket, which the listener finds in SUPERVISOR_SERVER_URL.
 *
 * superlance imports supervisor.childutils: it runs under a Python 3 that
 * has Debian's supervisor package ($SUPERLANCE_PYTHON, default
 * /usr/bin/python3), with PYTHONPATH naming $SUPERLANCE (the Makefile's,
 * else $CORPUS/../clients/superlance).  Without them the tests skip
 * ("supervisor", "superlance"); memmon runs ps ("procps").
 */
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>

#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <check.h>

#include "tests/harness.h"
#include "tests/skip.h"

Suite	*superlance_suite(void);

/* The Python that can import supervisor, and superlance's directory. */
struct sl {
	const char	*python;
	char		 dir[PATH_MAX];
};

/* Whether argv runs to a zero exit, its output thrown away. */
static bool
runs_ok(char *const argv[])
{
	pid_t	pid;
	int	status;

	if ((pid = fork()) == -1)
		return false;
	if (pid == 0) {
		freopen("/dev/null", "w", stdout);
		freopen("/dev/null", "w", stderr);
		execv(argv[0], argv);
		_exit(127);
	}
	status = th_wait_child(pid, 30000);
	return th_exited_ok(status);
}

/* Find Python and superlance, or skip visibly: false. */
static bool
sl_find(struct sl *s, const char *test)
{
	const char	*e;
	char		 probe[PATH_MAX + 64], pp[PATH_MAX + 16];
	pid_t		 pid;
	int		 status;

	s->python = getenv("SUPERLANCE_PYTHON");
	if (s->python == NULL)
		s->python = "/usr/bin/python3";
	if ((e = getenv("SUPERLANCE")) != NULL)
		snprintf(s->dir, sizeof(s->dir), "%s", e);
	else if ((e = getenv("CORPUS")) != NULL)
		snprintf(s->dir, sizeof(s->dir), "%s/../clients/superlance", e);
	else
		s->dir[0] = '\0';
	snprintf(probe, sizeof(probe), "%s/superlance/crashmail.py", s->dir);
	if (s->dir[0] == '\0' || access(probe, R_OK) == -1) {
		th_skip_at(test, "superlance", "no superlance at '%s' "
		    "(SUPERLANCE, or CORPUS/../clients/superlance)", s->dir);
		return false;
	}
	if (access(s->python, X_OK) == -1) {
		th_skip_at(test, "supervisor", "no %s to run superlance",
		    s->python);
		return false;
	}
	/* Python's supervisor package, and superlance on PYTHONPATH. */
	snprintf(pp, sizeof(pp), "PYTHONPATH=%s", s->dir);
	if ((pid = fork()) == -1)
		ck_abort_msg("fork failed");
	if (pid == 0) {
		putenv(pp);
		freopen("/dev/null", "w", stdout);
		freopen("/dev/null", "w", stderr);
		execl(s->python, s->python, "-c", "import supervisor.childutils, "
		    "superlance.crashmail, superlance.memmon", (char *)NULL);
		_exit(127);
	}
	status = th_wait_child(pid, 30000);
	if (!th_exited_ok(status)) {
		th_skip_at(test, "supervisor", "%s cannot import "
		    "supervisor.childutils and superlance", s->python);
		return false;
	}
	return true;
}

START_TEST(test_crashmail_mails_an_unexpected_exit)
{
	struct th	*h = th_new();
	struct sl	 s;
	char		 conf[4 * PATH_MAX + 1024], want[64];
	const char	*mail;
	pid_t		 pid;

	if (!sl_find(&s, __func__)) {
		th_free(h);
		return;
	}
	/* Records its stdin whole, then renames: the file appears complete. */
	th_write(h, "sendmail", "#!/bin/sh\n"
	    "cat >@DIR@/mail.tmp && mv @DIR@/mail.tmp @DIR@/mail\n");
	ck_assert_int_eq(chmod(th_path(h, "sendmail"), 0755), 0);
	snprintf(conf, sizeof(conf),
	    "[unix_http_server]\n"
	    "file=@DIR@/sock\n\n"
	    "[rpcinterface:supervisor]\n"
	    "supervisor.rpcinterface_factory = "
	    "supervisor.rpcinterface:make_main_rpcinterface\n\n"
	    "[eventlistener:crashmail]\n"
	    "command=%s -m superlance.crashmail -a -m ops@example.org "
	    "-s @DIR@/sendmail\n"
	    "environment=PYTHONPATH=\"%s\"\n"
	    "events=PROCESS_STATE_EXITED\n"
	    "stderr_logfile=@DIR@/crashmail.err\n\n"
	    "[program:crasher]\n"
	    /* Long enough for the listener to be READY, which is not needed
	     * (events wait in the pool's buffer) but the usual case. */
	    "command=/bin/sh -c 'sleep 1; exit 3'\n"
	    "startsecs=0\n"
	    "autorestart=false\n", s.python, s.dir);
	th_conf(h, conf);
	th_start_conf(h);
	ck_assert(th_wait_log(h, "exited: crasher (exit status 3; not "
	    "expected)", 10000));
	pid = th_spawned_pid(h, "crasher", 0);
	ck_assert_int_gt(pid, 0);
	ck_assert_msg(th_wait_file(h, "mail", 15000), "no mail from "
	    "crashmail; its stderr: %s", th_read(h, "crashmail.err", NULL) ?
	    th_read(h, "crashmail.err", NULL) : "(none)");
	mail = th_read(h, "mail", NULL);
	ck_assert(mail != NULL);
	ck_assert_msg(strncmp(mail, "To: ops@example.org\n", 20) == 0,
	    "mail: %s", mail);
	ck_assert_msg(strstr(mail, "\nSubject:  crasher crashed at ") != NULL,
	    "mail: %s", mail);
	/* The body, from the PROCESS_STATE_EXITED payload (crashmail mails
	 * on no other event): processname, groupname, pid, from_state. */
	snprintf(want, sizeof(want), "(pid %d)", (int)pid);
	ck_assert_msg(strstr(mail, "\n\nProcess crasher in group crasher "
	    "exited unexpectedly ") != NULL, "mail: %s", mail);
	ck_assert_msg(strstr(mail, want) != NULL, "mail: %s", mail);
	ck_assert_msg(strstr(mail, "from state RUNNING") != NULL, "mail: %s",
	    mail);
	ck_assert(strstr(th_read(h, "crashmail.err", NULL),
	    "unexpected exit, mailing") != NULL);
	/* The listener answered OK: it is still there, and one mail only. */
	ck_assert_int_eq(th_log_count(h, "exited: crashmail"), 0);
	ck_assert(th_exited_ok(th_stop(h)));
	th_free(h);
}
END_TEST

START_TEST(test_memmon_restarts_a_program_over_its_limit)
{
	struct th	*h = th_new();
	struct sl	 s;
	char		 conf[4 * PATH_MAX + 1024];
	char		*ps[] = { "/bin/sh", "-c", "ps -orss= -p $$", NULL };
	const char	*err;
	pid_t		 first, second;

	if (!sl_find(&s, __func__)) {
		th_free(h);
		return;
	}
	if (!runs_ok(ps)) {
		th_skip("procps", "memmon runs ps -orss=, which does not run "
		    "here");
		th_free(h);
		return;
	}
	snprintf(conf, sizeof(conf),
	    "[unix_http_server]\n"
	    "file=@DIR@/sock\n\n"
	    "[rpcinterface:supervisor]\n"
	    "supervisor.rpcinterface_factory = "
	    "supervisor.rpcinterface:make_main_rpcinterface\n\n"
	    "[eventlistener:memmon]\n"
	    "command=%s -m superlance.memmon -p hog=10MB\n"
	    "environment=PYTHONPATH=\"%s\"\n"
	    "events=TICK_5\n"
	    "stderr_logfile=@DIR@/memmon.err\n\n"
	    "[program:hog]\n"
	    /* 64 MiB written to, so resident: over 10MB at once. */
	    "command=%s -c \"b = b'x' * (64 << 20); import time; "
	    "time.sleep(1000)\"\n"
	    "startsecs=0\n", s.python, s.dir, s.python);
	th_conf(h, conf);
	th_start_conf(h);
	ck_assert(th_wait_log(h, "success: hog entered RUNNING", 10000));
	first = th_spawned_pid(h, "hog", 0);
	/* The first TICK_5 comes within 5 s; memmon then asks ps, and over
	 * XML-RPC stops and starts hog. */
	ck_assert_msg(th_wait_log_n(h, "spawned: 'hog'", 2, 20000),
	    "hog was not restarted; memmon's stderr: %s",
	    th_read(h, "memmon.err", NULL) ? th_read(h, "memmon.err", NULL) :
	    "(none)");
	second = th_spawned_pid(h, "hog", 1);
	ck_assert_int_ne(first, second);
	ck_assert(th_log_count(h, "stopped: hog (terminated by SIGTERM)") >=
	    1);
	ck_assert(!th_alive(h, first));
	err = th_read(h, "memmon.err", NULL);
	ck_assert(err != NULL);
	ck_assert_msg(strstr(err, "Checking programs hog=10485760") != NULL,
	    "memmon's stderr: %s", err);
	ck_assert_msg(strstr(err, "Restarting hog:hog") != NULL,
	    "memmon's stderr: %s", err);
	/* memmon survived its RPC calls. */
	ck_assert_int_eq(th_log_count(h, "exited: memmon"), 0);
	/* The new hog has exec'd (a signal between fork and exec is lost
	 * in Python supervisor's child) before the daemon stops it. */
	ck_assert(th_wait_comm(h, second, "python3", 5000));
	ck_assert(th_exited_ok(th_stop_ms(h, 20000)));
	th_free(h);
}
END_TEST

Suite *
superlance_suite(void)
{
	Suite	*s = suite_create("superlance");
	TCase	*tc = th_tcase("superlance", 60);

	tcase_add_test(tc, test_crashmail_mails_an_unexpected_exit);
	tcase_add_test(tc, test_memmon_restarts_a_program_over_its_limit);
	suite_add_tcase(s, tc);
	return s;
}
