/*
 * lifecycle: the daemon runs programs, carries their output byte-exact,
 * gives them a clean start (fds 0-2 as pipes, no blocked or ignored
 * signals), dumps its status on SIGUSR1, and on SIGTERM stops everything
 * and exits 0 leaving nothing behind.
 */
#include <sys/stat.h>
#include <sys/types.h>

#include <dirent.h>
#include <limits.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <check.h>

#include "tests/harness.h"

Suite	*lifecycle_suite(void);

#define OUT_BYTES	(1024 * 1024)
#define ERR_BYTES	(64 * 1024)

/* The generator of tests/helpers/randout.c. */
static uint64_t
next(uint64_t *s)
{
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return *s * 2685821657736338717ULL;
}

static unsigned char *
expected_bytes(uint64_t seed, size_t n)
{
	unsigned char	*b;
	size_t		 i;

	seed |= 1;
	ck_assert_ptr_nonnull(b = malloc(n));
	for (i = 0; i < n; i++)
		b[i] = (unsigned char)(next(&seed) >> 56);
	return b;
}

struct size_arg {
	const char	*path;
	off_t		 size;
};

static bool
size_reached(struct th *h, void *arg)
{
	struct size_arg	*a = arg;
	struct stat	 sb;

	(void)h;
	return stat(a->path, &sb) == 0 && sb.st_size >= a->size;
}

static void
check_bytes(struct th *h, const char *rel, uint64_t seed, size_t n)
{
	struct size_arg		 a = { th_path(h, rel), (off_t)n };
	const char		*got;
	unsigned char		*want;
	size_t			 len, i;

	ck_assert_msg(th_wait(h, size_reached, &a, 5000),
	    "%s did not reach %zu bytes", rel, n);
	got = th_read(h, rel, &len);
	ck_assert_ptr_nonnull(got);
	ck_assert_uint_eq(len, n);
	want = expected_bytes(seed, n);
	for (i = 0; i < n && (unsigned char)got[i] == want[i]; i++)
		;
	free(want);
	ck_assert_msg(i == n, "%s differs at byte %zu of %zu", rel, i, n);
}

START_TEST(test_output_lands_byte_exact)
{
	struct th	*h = th_new();
	struct size_arg	 a;

	th_conf(h,
	    "[program:out]\n"
	    "command=@HELPERS@/randout 7 1048576 9 65536\n"
	    "stdout_logfile=@DIR@/out.log\n"
	    "stderr_logfile=@DIR@/err.log\n"
	    "stdout_logfile_maxbytes=0\n"
	    "stderr_logfile_maxbytes=0\n"
	    "startsecs=0\n"
	    "autorestart=false\n"
	    "\n"
	    "[program:merged]\n"
	    "command=@HELPERS@/randout 11 1048576 13 65536\n"
	    "stdout_logfile=@DIR@/merged.log\n"
	    "stdout_logfile_maxbytes=0\n"
	    "redirect_stderr=true\n"
	    "startsecs=0\n"
	    "autorestart=false\n");
	th_start_conf(h);
	ck_assert(th_wait_log(h, "exited: out (exit status 0; expected)",
	    10000));
	ck_assert(th_wait_log(h, "exited: merged (exit status 0; expected)",
	    10000));
	check_bytes(h, "out.log", 7, OUT_BYTES);
	check_bytes(h, "err.log", 9, ERR_BYTES);
	/* Interleaving of the merged streams is the kernel's: size only. */
	a.path = th_path(h, "merged.log");
	a.size = OUT_BYTES + ERR_BYTES;
	ck_assert(th_wait(h, size_reached, &a, 5000));
	ck_assert(th_exited_ok(th_stop(h)));
	{
		size_t	 len;

		ck_assert_ptr_nonnull(th_read(h, "merged.log", &len));
		ck_assert_uint_eq(len, OUT_BYTES + ERR_BYTES);
	}
	th_free(h);
}
END_TEST

/* fds 0, 1, 2 only, each a pipe; no signal blocked or ignored. */
static void
check_clean_child(struct th *h, pid_t pid)
{
	char		 path[64], link[256];
	DIR		*d;
	struct dirent	*de;
	int		 n = 0, fd;
	ssize_t		 len;
	const char	*v;

	snprintf(path, sizeof(path), "/proc/%d/fd", (int)pid);
	ck_assert_ptr_nonnull(d = opendir(path));
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		fd = atoi(de->d_name);
		ck_assert_msg(fd >= 0 && fd <= 2, "child has fd %s",
		    de->d_name);
		snprintf(path, sizeof(path), "/proc/%d/fd/%d", (int)pid, fd);
		len = readlink(path, link, sizeof(link) - 1);
		ck_assert_int_gt(len, 0);
		link[len] = '\0';
		ck_assert_msg(strncmp(link, "pipe:", 5) == 0,
		    "child fd %d is %s, not a pipe", fd, link);
		n++;
	}
	closedir(d);
	ck_assert_int_eq(n, 3);
	v = th_proc_status(h, pid, "SigBlk");
	ck_assert_ptr_nonnull(v);
	ck_assert_msg(strspn(v, "0") == strlen(v), "SigBlk %s", v);
	v = th_proc_status(h, pid, "SigIgn");
	ck_assert_ptr_nonnull(v);
	ck_assert_msg(strspn(v, "0") == strlen(v), "SigIgn %s", v);
}

static const char cat_conf[] =
    "[program:cat]\n"
    "command=cat\n"
    "startsecs=1\n";

START_TEST(test_cat_keeps_running_with_clean_fds_and_signals)
{
	struct th	*h = th_new();
	pid_t		 pid;

	th_conf(h, cat_conf);
	th_start_conf(h);
	ck_assert(th_wait_log(h, "success: cat entered RUNNING state, "
	    "process has stayed up for > than 1 seconds (startsecs)", 5000));
	pid = th_spawned_pid(h, "cat", 0);
	ck_assert_int_gt(pid, 0);
	/* cat exits at EOF: RUNNING after 1 s means stdin stayed open. */
	ck_assert(th_alive(h, pid));
	ck_assert_int_eq(th_proc_state(pid, NULL) == 'Z', 0);
	check_clean_child(h, pid);
	ck_assert_int_eq(th_log_count(h, "spawned:"), 1);
	/* Foreground without -s: the log lines go to stdout as well. */
	ck_assert_ptr_nonnull(strstr(th_read(h, "stdout", NULL),
	    "spawned: 'cat' with pid"));
	ck_assert(th_exited_ok(th_stop(h)));
	ck_assert(!th_alive(h, pid));
	th_free(h);
}
END_TEST

START_TEST(test_child_clean_when_daemon_started_with_signals_ignored_blocked)
{
	struct th	*h = th_new();
	struct th_opts	 o;
	char		*argv[] = { "-n", "-c", NULL, NULL };
	pid_t		 pid;

	sigemptyset(&o.ignore);
	sigaddset(&o.ignore, SIGINT);
	sigaddset(&o.ignore, SIGHUP);
	sigaddset(&o.ignore, SIGPIPE);
	sigaddset(&o.ignore, SIGUSR2);
	sigemptyset(&o.block);
	sigaddset(&o.block, SIGTERM);
	sigaddset(&o.block, SIGCHLD);
	sigaddset(&o.block, SIGUSR1);
	sigaddset(&o.block, SIGALRM);
	th_conf(h, cat_conf);
	argv[2] = (char *)(uintptr_t)th_path(h, "supervisord.conf");
	th_start_opts(h, &o, argv);
	ck_assert(th_wait_log(h, "success: cat entered RUNNING", 5000));
	pid = th_spawned_pid(h, "cat", 0);
	ck_assert_int_gt(pid, 0);
	check_clean_child(h, pid);
	/* The daemon must handle SIGTERM although it started blocked. */
	ck_assert(th_exited_ok(th_stop(h)));
	ck_assert(!th_alive(h, pid));
	th_free(h);
}
END_TEST

START_TEST(test_sigterm_exits_zero_and_leaves_nothing)
{
	struct th	*h = th_new();
	pid_t		 pids[5], gc;
	const char	*names[] = { "cat", "sleeper", "ign", "grp" };
	size_t		 i;

	th_conf(h,
	    "[program:cat]\ncommand=cat\nstartsecs=0\n\n"
	    "[program:sleeper]\ncommand=sleep 1000\nstartsecs=0\n\n"
	    "[program:ign]\n"
	    "command=/bin/sh -c \"trap '' TERM; exec sleep 1000\"\n"
	    "startsecs=0\nstopwaitsecs=1\n\n"
	    "[program:grp]\n"
	    "command=/bin/sh -c 'sleep 1000 & echo $! >@DIR@/gc.pid; wait'\n"
	    "startsecs=0\nstopasgroup=true\n\n"
	    "[program:backoff]\n"
	    "command=/bin/sh -c 'exit 1'\n"
	    "startsecs=1\nstartretries=100\n");
	th_start_conf(h);
	for (i = 0; i < 4; i++) {
		char	 needle[64];

		snprintf(needle, sizeof(needle), "success: %s entered RUNNING",
		    names[i]);
		ck_assert_msg(th_wait_log(h, needle, 5000), "%s", needle);
		pids[i] = th_spawned_pid(h, names[i], 0);
		ck_assert(th_alive(h, pids[i]));
	}
	/* Exec'd sleep: the trap is set, SIGTERM will be ignored. */
	ck_assert(th_wait_comm(h, pids[2], "sleep", 5000));
	ck_assert_int_gt(gc = th_wait_pid(h, "gc.pid", 5000), 0);
	ck_assert(th_alive(h, gc));
	ck_assert(th_wait_log_n(h, "spawned: 'backoff'", 2, 5000));
	pids[4] = th_spawned_pid(h, "backoff", -1);
	/* ign needs stopwaitsecs (1 s) and a SIGKILL. */
	ck_assert(th_exited_ok(th_stop_ms(h, 8000)));
	/* The daemon waits for its programs before it exits. */
	for (i = 0; i < 5; i++)
		ck_assert_msg(!th_alive(h, pids[i]), "pid %d (%s) left",
		    (int)pids[i], i < 4 ? names[i] : "backoff");
	ck_assert_msg(!th_alive(h, gc), "grandchild %d left", (int)gc);
	ck_assert_int_eq(th_log_count(h, "stopped: cat"), 1);
	ck_assert_int_eq(th_log_count(h, "stopped: ign (terminated by "
	    "SIGKILL)"), 1);
	th_free(h);
}
END_TEST

static const int stop_sigs[] = { SIGTERM, SIGINT, SIGQUIT };

START_TEST(test_term_int_quit_stop_all_and_exit_zero)
{
	struct th	*h = th_new();
	pid_t		 a, b;
	int		 st;

	th_conf(h,
	    "[program:a]\ncommand=cat\nstartsecs=0\n\n"
	    "[program:b]\ncommand=sleep 1000\nstartsecs=0\n");
	th_start_conf(h);
	ck_assert(th_wait_log(h, "success: a entered RUNNING", 5000));
	ck_assert(th_wait_log(h, "success: b entered RUNNING", 5000));
	a = th_spawned_pid(h, "a", 0);
	b = th_spawned_pid(h, "b", 0);
	ck_assert_int_eq(th_signal(h, stop_sigs[_i]), 0);
	st = th_wait_exit(h, 5000);
	ck_assert_msg(th_exited_ok(st), "signal %d: status %#x", stop_sigs[_i],
	    st);
	ck_assert(!th_alive(h, a));
	ck_assert(!th_alive(h, b));
	ck_assert_int_eq(th_log_count(h, "stopped: a (terminated by SIGTERM)"),
	    1);
	ck_assert_int_eq(th_log_count(h, "stopped: b (terminated by SIGTERM)"),
	    1);
	th_free(h);
}
END_TEST

/*
 * A SIGTERM that comes while the daemon is still starting (its pidfile
 * written, its loop not yet running) waits for the loop and stops it
 * cleanly: the handled signals are blocked until their watchers start.
 * Old AUTO logs for it to remove at startup hold it in that window.
 */
START_TEST(test_sigterm_during_startup_exits_zero)
{
	struct th	*h;
	char		 name[64];
	int		 i, j, st;

	for (i = 0; i < 5; i++) {
		h = th_new();
		th_conf(h, "[program:a]\ncommand=sleep 1000\nstartsecs=0\n");
		for (j = 0; j < 3000; j++) {
			snprintf(name, sizeof(name),
			    "old-stdout---supervisor-%d.log", j);
			th_write(h, name, "");
		}
		th_start_conf(h);
		ck_assert(th_wait_pid(h, "supervisord.pid", 5000) > 0);
		ck_assert_int_eq(th_signal(h, SIGTERM), 0);
		st = th_wait_exit(h, 5000);
		ck_assert_msg(th_exited_ok(st), "run %d: status %#x", i, st);
		th_free(h);
	}
}
END_TEST

START_TEST(test_sigusr1_dumps_status_lines)
{
	static const char long_name[] = "a_rather_long_program_name_xyz_12345";
	struct th	*h = th_new();
	char		 line[256], conf[1024];
	int		 w;
	pid_t		 web;

	snprintf(conf, sizeof(conf),
	    "[program:web]\ncommand=cat\nstartsecs=0\n\n"
	    "[program:%s]\ncommand=cat\nstartsecs=0\n\n"
	    "[program:crash]\ncommand=/bin/sh -c 'exit 1'\n"
	    "startsecs=1\nstartretries=0\n\n"
	    "[program:once]\ncommand=/bin/sh -c 'exit 0'\n"
	    "startsecs=0\nautorestart=false\n", long_name);
	th_conf(h, conf);
	th_start_conf(h);
	ck_assert(th_wait_log(h, "success: web entered RUNNING", 5000));
	ck_assert(th_wait_log(h, "gave up: crash entered FATAL state", 5000));
	ck_assert(th_wait_log(h, "exited: once (exit status 0; expected)",
	    5000));
	web = th_spawned_pid(h, "web", 0);
	th_signal(h, SIGUSR1);
	/* supervisorctl: name padded to max(30, longest) + 3, state to 10. */
	w = (int)strlen(long_name) + 3;
	snprintf(line, sizeof(line), "%-*s%-10spid %d, uptime 0:00:", w,
	    "web", "RUNNING", (int)web);
	ck_assert_msg(th_wait_log(h, line, 3000), "no line \"%s\"", line);
	snprintf(line, sizeof(line), "%-*s%-10spid ", w, long_name,
	    "RUNNING");
	ck_assert_msg(th_wait_log(h, line, 1000), "no line \"%s\"", line);
	snprintf(line, sizeof(line), "%-*s%-10sExited too quickly (process "
	    "log may have details)", w, "crash", "FATAL");
	ck_assert_msg(th_wait_log(h, line, 1000), "no line \"%s\"", line);
	snprintf(line, sizeof(line), "%-*s%-10s", w, "once", "EXITED");
	ck_assert_msg(th_wait_log(h, line, 1000), "no line \"%s\"", line);
	/* Still running after the dump. */
	ck_assert(th_alive(h, web));
	ck_assert(th_exited_ok(th_stop(h)));
	th_free(h);
}
END_TEST

START_TEST(test_status_pads_to_30_for_short_names)
{
	struct th	*h = th_new();
	char		 line[128];
	pid_t		 web;

	th_conf(h, "[program:web]\ncommand=cat\nstartsecs=0\n");
	th_start_conf(h);
	ck_assert(th_wait_log(h, "success: web entered RUNNING", 5000));
	web = th_spawned_pid(h, "web", 0);
	th_signal(h, SIGUSR1);
	snprintf(line, sizeof(line), "web%30sRUNNING   pid %d, uptime 0:00:",
	    "", (int)web);
	ck_assert_msg(th_wait_log(h, line, 3000), "no line \"%s\"", line);
	ck_assert(th_exited_ok(th_stop(h)));
	th_free(h);
}
END_TEST

/*
 * essential=true: when it ends for good, the daemon stops everything in
 * order and exits with its status: 0 for a one-shot job that exited 0,
 * its exit code, 128 + a signal's number, 1 for FATAL.
 */
static const struct {
	const char	*stanza;
	int		 status;
	const char	*why;
} essentials[] = {
	{ "command=sh -c 'sleep 0.3; exit 0'\nstartsecs=0\nautorestart=false\n",
	  0, "essential job exited for good (exit status 0)" },
	{ "command=sh -c 'sleep 0.3; exit 3'\nstartsecs=0\n"
	  "autorestart=unexpected\nexitcodes=0,3\n",
	  3, "essential job exited for good (exit status 3)" },
	{ "command=sh -c 'sleep 0.3; kill -USR1 $$'\nstartsecs=0\n"
	  "autorestart=false\n",
	  128 + SIGUSR1, "essential job exited for good (terminated by "
	  "SIGUSR1)" },
	{ "command=sh -c 'exit 1'\nstartsecs=1\nstartretries=0\n",
	  1, "essential job is FATAL: stopping everything, exit status 1" },
};

START_TEST(test_essential_end_ends_the_daemon)
{
	struct th	*h = th_new();
	char		 conf[512];
	pid_t		 other;
	int		 st;

	snprintf(conf, sizeof(conf), "[program:other]\ncommand=sleep 600\n"
	    "startsecs=0\npriority=1\n[program:job]\nessential=true\n%s",
	    essentials[_i].stanza);
	th_conf(h, conf);
	th_start_conf(h);
	ck_assert(th_wait_log(h, "success: other entered RUNNING", 5000));
	other = th_spawned_pid(h, "other", 0);
	st = th_wait_exit(h, 10000);
	ck_assert_msg(st != -1, "the daemon outlived its essential program");
	ck_assert_int_eq(th_exit_code(st), essentials[_i].status);
	ck_assert_int_eq(th_log_count(h, essentials[_i].why), 1);
	/* In order: the other program was stopped, not left behind. */
	ck_assert_int_eq(th_log_count(h, "stopped: other"), 1);
	ck_assert(!th_alive(h, other));
	th_free(h);
}
END_TEST

/* Not alive (gone, or a zombie nobody reaped yet). */
static bool
pid_dead(struct th *h, void *arg)
{
	return !th_alive(h, *(pid_t *)arg);
}

/*
 * SIGKILL of the daemon: the kernel kills what it started (default
 * stop_with_daemon=true), on both spawn paths; a program with
 * stop_with_daemon=false outlives it, as under Python supervisor.
 */
START_TEST(test_sigkill_of_daemon_kills_its_programs)
{
	struct th	*h = th_new();
	pid_t		 dies, stays;

	if (_i == 1)
		setenv("SUPERVISORD_SPAWN", "fork", 1);
	th_conf(h, "[program:dies]\ncommand=sleep 600\nstartsecs=0\n"
	    "[program:stays]\ncommand=sleep 600\nstartsecs=0\n"
	    "stop_with_daemon=false\n");
	th_start_conf(h);
	ck_assert(th_wait_log(h, "success: dies entered RUNNING", 5000));
	ck_assert(th_wait_log(h, "success: stays entered RUNNING", 5000));
	dies = th_spawned_pid(h, "dies", 0);
	stays = th_spawned_pid(h, "stays", 0);
	ck_assert(th_wait_comm(h, dies, "sleep", 5000));
	ck_assert(th_wait_comm(h, stays, "sleep", 5000));
	ck_assert_int_eq(th_signal(h, SIGKILL), 0);
	ck_assert_int_ne(th_wait_exit(h, 5000), -1);
	ck_assert_msg(th_wait(h, pid_dead, &dies, 5000),
	    "pid %d outlived its daemon", (int)dies);
	ck_assert(th_alive(h, stays));
	/* th_spawned_pid tracked it: cleanup kills it, by pid. */
	unsetenv("SUPERVISORD_SPAWN");
	th_free(h);
}
END_TEST

/*
 * At a shutdown, the processes the daemon adopted as subreaper (a
 * program's children whose parent went first) get SIGTERM, and SIGKILL
 * after the longest stopwaitsecs when they ignore it: none outlives the
 * daemon.
 */
START_TEST(test_shutdown_stops_adopted_processes)
{
	struct th	*h = th_new();
	pid_t		 polite, deaf;
	int		 st;

	th_conf(h, "[program:a]\ncommand=sh -c '"
	    "(sleep 600 & echo $! >%(here)s/polite.pid); "
	    "(trap \"\" TERM; sleep 600 & echo $! >%(here)s/deaf.pid); "
	    "exec sleep 600'\nstartsecs=0\nstopwaitsecs=1\n");
	th_start_conf(h);
	polite = th_wait_pid(h, "polite.pid", 5000);
	deaf = th_wait_pid(h, "deaf.pid", 5000);
	ck_assert_int_gt(polite, 0);
	ck_assert_int_gt(deaf, 0);
	ck_assert(th_wait_comm(h, deaf, "sleep", 5000));
	ck_assert(th_alive(h, polite) && th_alive(h, deaf));
	ck_assert_int_eq(th_signal(h, SIGTERM), 0);
	st = th_wait_exit(h, 10000);
	ck_assert(th_exited_ok(st));
	ck_assert(!th_alive(h, polite));
	ck_assert(!th_alive(h, deaf));
	ck_assert_int_eq(th_log_count(h, "stopping 2 adopted processes "
	    "(SIGTERM)"), 1);
	ck_assert_int_eq(th_log_count(h, "killing 1 adopted process "
	    "(SIGKILL): still there after 1 s"), 1);
	th_free(h);
}
END_TEST

Suite *
lifecycle_suite(void)
{
	Suite	*s;
	TCase	*tc;

	s = suite_create("lifecycle");
	tc = th_tcase("output", 30);
	tcase_add_test(tc, test_output_lands_byte_exact);
	suite_add_tcase(s, tc);
	tc = th_tcase("child_setup", 15);
	tcase_add_test(tc, test_cat_keeps_running_with_clean_fds_and_signals);
	tcase_add_test(tc,
	    test_child_clean_when_daemon_started_with_signals_ignored_blocked);
	suite_add_tcase(s, tc);
	tc = th_tcase("shutdown", 60);
	tcase_add_test(tc, test_sigterm_exits_zero_and_leaves_nothing);
	tcase_add_test(tc, test_sigterm_during_startup_exits_zero);
	tcase_add_loop_test(tc, test_sigkill_of_daemon_kills_its_programs, 0,
	    2);
	tcase_add_test(tc, test_shutdown_stops_adopted_processes);
	tcase_add_loop_test(tc, test_essential_end_ends_the_daemon, 0,
	    (int)(sizeof(essentials) / sizeof(essentials[0])));
	tcase_add_loop_test(tc, test_term_int_quit_stop_all_and_exit_zero, 0,
	    (int)(sizeof(stop_sigs) / sizeof(stop_sigs[0])));
	suite_add_tcase(s, tc);
	tc = th_tcase("status", 15);
	tcase_add_test(tc, test_sigusr1_dumps_status_lines);
	tcase_add_test(tc, test_status_pads_to_30_for_short_names);
	suite_add_tcase(s, tc);
	return s;
}
