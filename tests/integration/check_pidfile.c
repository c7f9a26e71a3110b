/*
 * pidfile: one daemon per configuration.  The daemon keeps its pidfile
 * locked (flock) for its life; a second daemon on the same configuration
 * exits 2 naming the running pid, before it spawns anything or touches
 * the control socket, even when that socket was deleted.  A stale pidfile
 * (a dead pid, garbage) is taken over; one that cannot be created is a
 * warning and the daemon runs; a daemonized daemon holds the lock across
 * its fork and writes its own, final pid; a reload keeps the pidfile it
 * locked at startup.
 */
#include <sys/stat.h>
#include <sys/sysmacros.h>
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

Suite	*pidfile_suite(void);

static const char one_program[] =
    "[unix_http_server]\n"
    "file=@DIR@/supervisor.sock\n"
    "\n"
    "[rpcinterface:supervisor]\n"
    "supervisor.rpcinterface_factory = "
    "supervisor.rpcinterface:make_main_rpcinterface\n"
    "\n"
    "[program:sleeper]\n"
    "command=sleep 1000\n"
    "startsecs=0\n";

static bool
exists(const char *path)
{
	struct stat	sb;

	return lstat(path, &sb) == 0;
}

/* Run a second daemon on the same configuration: it must be refused. */
static void
assert_second_refused(struct th *h, pid_t first, const char *conf)
{
	const char	*err;
	char		 want[64];
	int		 st;

	st = th_run(h, 5000, "-n", "-c", conf, (char *)NULL);
	err = th_read(h, "stderr", NULL);
	ck_assert_msg(th_exit_code(st) == 2, "second daemon: status %d, "
	    "stderr \"%s\"", st, err != NULL ? err : "");
	ck_assert_ptr_nonnull(err);
	snprintf(want, sizeof(want), "with pid %d", (int)first);
	ck_assert_msg(strstr(err, want) != NULL, "stderr \"%s\" lacks \"%s\"",
	    err, want);
	ck_assert_ptr_nonnull(strstr(err, "supervisord.pid"));
	/* It spawned nothing and left the first one's pidfile alone. */
	ck_assert_int_eq(th_log_count(h, "spawned:"), 1);
	ck_assert_int_eq(th_read_pid(h, "supervisord.pid"), first);
}

START_TEST(test_second_daemon_refused_with_pid)
{
	struct th	*h = th_new();
	const char	*conf;
	struct stat	 before, after;
	pid_t		 pid;

	conf = th_conf(h, one_program);
	pid = th_start_conf(h);
	ck_assert(th_wait_log(h, "entered RUNNING", 5000));
	ck_assert_int_eq(stat(th_path(h, "supervisor.sock"), &before), 0);
	assert_second_refused(h, pid, conf);
	/* The first one's socket is the same file, untouched. */
	ck_assert_int_eq(stat(th_path(h, "supervisor.sock"), &after), 0);
	ck_assert_uint_eq(before.st_ino, after.st_ino);
	ck_assert(th_exited_ok(th_stop(h)));
	th_free(h);
}
END_TEST

START_TEST(test_second_daemon_refused_without_socket)
{
	struct th	*h = th_new();
	const char	*conf;
	pid_t		 pid;

	conf = th_conf(h, one_program);
	pid = th_start_conf(h);
	ck_assert(th_wait_log(h, "entered RUNNING", 5000));
	/* As a tmp cleaner does. */
	ck_assert_int_eq(unlink(th_path(h, "supervisor.sock")), 0);
	assert_second_refused(h, pid, conf);
	/* Refused before it made a socket of its own. */
	ck_assert(!exists(th_path(h, "supervisor.sock")));
	ck_assert(th_exited_ok(th_stop(h)));
	th_free(h);
}
END_TEST

/* A pid that no process has: a child of ours, reaped. */
static pid_t
dead_pid(void)
{
	pid_t	pid;

	pid = fork();
	ck_assert_int_ne(pid, -1);
	if (pid == 0)
		_exit(0);
	ck_assert_int_eq(waitpid(pid, NULL, 0), pid);
	return pid;
}

static const char *const stale_rows[] = { "dead", "garbage\n\001\377", "" };

START_TEST(test_stale_pidfile_taken_over)
{
	struct th	*h = th_new();
	char		 text[32];
	pid_t		 pid;

	th_conf(h, one_program);
	if (strcmp(stale_rows[_i], "dead") == 0) {
		snprintf(text, sizeof(text), "%d\n", (int)dead_pid());
		th_write(h, "supervisord.pid", text);
	} else
		th_write(h, "supervisord.pid", stale_rows[_i]);
	pid = th_start_conf(h);
	ck_assert(th_wait_log(h, "entered RUNNING", 5000));
	ck_assert(th_wait_log(h, "supervisord started with pid", 1000));
	ck_assert_int_eq(th_read_pid(h, "supervisord.pid"), pid);
	/* The whole file is ours: no tail of the old content. */
	snprintf(text, sizeof(text), "%d\n", (int)pid);
	ck_assert_str_eq(th_read(h, "supervisord.pid", NULL), text);
	ck_assert(th_exited_ok(th_stop(h)));
	/* Removed at exit by its owner. */
	ck_assert(!exists(th_path(h, "supervisord.pid")));
	th_free(h);
}
END_TEST

/*
 * Paths where no pidfile can be created, even by root: a directory, and
 * a file in /proc.  Not a missing directory: supervisor refuses that
 * configuration ("The directory named as part of the path ... does not
 * exist"), and so do we.
 */
static const char *const unwritable_rows[] = {
	"@DIR@/piddir", "/proc/supervisord-check-pidfile.pid"
};

START_TEST(test_unwritable_pidfile_warns_and_runs)
{
	struct th	*h = th_new();
	char		*body;

	ck_assert_int_eq(mkdir(th_path(h, "piddir"), 0755), 0);
	ck_assert_int_ne(asprintf(&body, "[supervisord]\n"
	    "logfile=@DIR@/supervisord.log\npidfile=%s\nchildlogdir=@DIR@\n\n"
	    "[program:sleeper]\ncommand=sleep 1000\nstartsecs=0\n",
	    unwritable_rows[_i]), -1);
	th_write(h, "supervisord.conf", body);
	free(body);
	th_start_conf(h);
	ck_assert(th_wait_log(h, "entered RUNNING", 5000));
	ck_assert_int_eq(th_log_count(h, "could not write pidfile"), 1);
	ck_assert_int_eq(th_log_count(h, "is not locked: nothing stops a "
	    "second supervisord"), 1);
	ck_assert(th_exited_ok(th_stop(h)));
	/* The directory is still there: nothing tried to remove it. */
	ck_assert(exists(th_path(h, "piddir")));
	th_free(h);
}
END_TEST

/* /proc/locks has a FLOCK WRITE lock on the file at path. */
static bool
flocked(const char *path)
{
	struct stat	 sb;
	FILE		*fp;
	char		 line[256], type[16], mode[16];
	unsigned int	 maj, min;
	unsigned long	 ino;
	bool		 found = false;
	int		 pid;

	if (stat(path, &sb) == -1 || (fp = fopen("/proc/locks", "r")) == NULL)
		return false;
	while (!found && fgets(line, sizeof(line), fp) != NULL) {
		if (sscanf(line, "%*d: %15s %*s %15s %d %x:%x:%lu", type, mode,
		    &pid, &maj, &min, &ino) != 6)
			continue;
		found = strcmp(type, "FLOCK") == 0 &&
		    strcmp(mode, "WRITE") == 0 && ino == sb.st_ino &&
		    maj == major(sb.st_dev) && min == minor(sb.st_dev);
	}
	fclose(fp);
	return found;
}

static bool
gone(struct th *h, void *arg)
{
	(void)h;
	return kill(*(pid_t *)arg, 0) == -1 ||
	    th_proc_state(*(pid_t *)arg, NULL) == 'Z';
}

START_TEST(test_daemonized_daemon_holds_the_lock)
{
	struct th	*h = th_new();
	const char	*conf, *err;
	char		 want[64], *body;
	pid_t		 pid;
	int		 st;

	ck_assert_int_ne(asprintf(&body, "[supervisord]\nnodaemon=false\n"
	    "logfile=@DIR@/supervisord.log\npidfile=@DIR@/supervisord.pid\n"
	    "childlogdir=@DIR@\n\n%s", one_program), -1);
	th_write(h, "supervisord.conf", body);
	free(body);
	conf = th_path(h, "supervisord.conf");
	st = th_run(h, 5000, "-c", conf, (char *)NULL);
	ck_assert(th_exited_ok(st));
	pid = th_wait_pid(h, "supervisord.pid", 5000);
	ck_assert_int_gt(pid, 0);
	ck_assert(th_wait_log(h, "entered RUNNING", 5000));
	/* The daemon's own pid, not its parent's (gone since). */
	ck_assert(th_wait_log(h, "supervisord started with pid", 1000));
	snprintf(want, sizeof(want), "supervisord started with pid %d",
	    (int)pid);
	ck_assert_int_eq(th_log_count(h, want), 1);
	ck_assert(flocked(th_path(h, "supervisord.pid")));
	/* Without -n: refused before forking, so th_run sees the 2. */
	st = th_run(h, 5000, "-c", conf, (char *)NULL);
	ck_assert_int_eq(th_exit_code(st), 2);
	err = th_read(h, "stderr", NULL);
	snprintf(want, sizeof(want), "with pid %d", (int)pid);
	ck_assert_msg(err != NULL && strstr(err, want) != NULL,
	    "stderr \"%s\" lacks \"%s\"", err != NULL ? err : "", want);
	ck_assert_int_eq(th_log_count(h, "spawned:"), 1);

	ck_assert_int_eq(kill(pid, SIGTERM), 0);
	ck_assert(th_wait(h, gone, &pid, 10000));
	ck_assert(!exists(th_path(h, "supervisord.pid")));
	ck_assert(!flocked(th_path(h, "supervisord.pid")));
	th_free(h);
}
END_TEST

/* As supervisor, which reads pidfile= only when it starts. */
START_TEST(test_reload_keeps_the_locked_pidfile)
{
	struct th	*h = th_new();
	char		*body;
	pid_t		 pid;

	th_conf(h, one_program);
	pid = th_start_conf(h);
	ck_assert(th_wait_log(h, "entered RUNNING", 5000));
	ck_assert_int_ne(asprintf(&body, "[supervisord]\n"
	    "logfile=@DIR@/supervisord.log\npidfile=@DIR@/other.pid\n"
	    "childlogdir=@DIR@\n\n%s", one_program), -1);
	th_write(h, "supervisord.conf", body);
	free(body);
	ck_assert_int_eq(th_signal(h, SIGHUP), 0);
	ck_assert(th_wait_log(h, "other.pid takes effect at the next start",
	    5000));
	ck_assert(!exists(th_path(h, "other.pid")));
	ck_assert_int_eq(th_read_pid(h, "supervisord.pid"), pid);
	ck_assert(flocked(th_path(h, "supervisord.pid")));
	ck_assert(th_exited_ok(th_stop(h)));
	ck_assert(!exists(th_path(h, "supervisord.pid")));
	th_free(h);
}
END_TEST

Suite *
pidfile_suite(void)
{
	Suite	*s = suite_create("pidfile");
	TCase	*tc = th_tcase("pidfile", 20);

	tcase_add_test(tc, test_second_daemon_refused_with_pid);
	tcase_add_test(tc, test_second_daemon_refused_without_socket);
	tcase_add_loop_test(tc, test_stale_pidfile_taken_over, 0,
	    sizeof(stale_rows) / sizeof(stale_rows[0]));
	tcase_add_loop_test(tc, test_unwritable_pidfile_warns_and_runs, 0,
	    sizeof(unwritable_rows) / sizeof(unwritable_rows[0]));
	tcase_add_test(tc, test_daemonized_daemon_holds_the_lock);
	tcase_add_test(tc, test_reload_keeps_the_locked_pidfile);
	suite_add_tcase(s, tc);
	return s;
}
