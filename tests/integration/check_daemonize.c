/*
 * daemonize: with nodaemon=false and no -n, the daemon forks, the parent
 * exits 0, the child leads a new session, writes its pid file, chdirs to
 * directory= and applies umask=, as supervisord's daemonize() does; a
 * SIGTERM to the pid in the pid file stops its programs and removes the
 * pid file.
 */
#include <sys/stat.h>
#include <sys/types.h>

#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <check.h>

#include "tests/harness.h"

Suite	*daemonize_suite(void);

/* Field n (1-based) of /proc/PID/stat, after the command name. */
static long
stat_field(pid_t pid, int n)
{
	char	 path[64], buf[1024], *p;
	FILE	*fp;
	long	 v = -1;
	int	 i;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	if ((fp = fopen(path, "r")) == NULL)
		return -1;
	if (fgets(buf, sizeof(buf), fp) != NULL &&
	    (p = strrchr(buf, ')')) != NULL) {
		/* Field 3 (state) follows ") ". */
		p += 2;
		for (i = 3; i < n && p != NULL; i++)
			if ((p = strchr(p, ' ')) != NULL)
				p++;
		if (p != NULL)
			v = strtol(p, NULL, 10);
	}
	fclose(fp);
	return v;
}

static bool
gone(struct th *h, void *arg)
{
	(void)h;
	return kill(*(pid_t *)arg, 0) == -1 ||
	    th_proc_state(*(pid_t *)arg, NULL) == 'Z';
}

static bool
no_pidfile(struct th *h, void *arg)
{
	struct stat	sb;

	(void)arg;
	return stat(th_path(h, "supervisord.pid"), &sb) == -1;
}

START_TEST(test_daemonizes_and_stops_by_pidfile)
{
	struct th	*h = th_new();
	char		 cwd[256], link[64], *body;
	pid_t		 pid, prog;
	ssize_t		 n;
	int		 status;

	ck_assert_int_ne(asprintf(&body, "[supervisord]\nnodaemon=false\n"
	    "logfile=@DIR@/supervisord.log\npidfile=@DIR@/supervisord.pid\n"
	    "childlogdir=@DIR@\ndirectory=@DIR@/run\numask=027\n\n"
	    "[program:sleeper]\ncommand=sleep 1000\nstartsecs=0\n"), -1);
	ck_assert_int_eq(mkdir(th_path(h, "run"), 0755), 0);
	th_write(h, "supervisord.conf", body);
	free(body);
	/* The parent returns at once, 0, as supervisord's does. */
	status = th_run(h, 5000, "-c", th_path(h, "supervisord.conf"), NULL);
	ck_assert(th_exited_ok(status));
	pid = th_wait_pid(h, "supervisord.pid", 5000);
	ck_assert_int_gt(pid, 0);
	ck_assert(th_wait_log(h, "entered RUNNING", 5000));
	/* A session leader (field 6 is the session id), in directory=. */
	ck_assert_int_eq(stat_field(pid, 6), pid);
	snprintf(link, sizeof(link), "/proc/%d/cwd", (int)pid);
	n = readlink(link, cwd, sizeof(cwd) - 1);
	ck_assert_int_gt(n, 0);
	cwd[n] = '\0';
	ck_assert_str_eq(cwd, th_path(h, "run"));
	ck_assert_str_eq(th_proc_status(h, pid, "Umask"), "0027");
	prog = th_spawned_pid(h, "sleeper", 0);
	ck_assert_int_gt(prog, 0);

	ck_assert_int_eq(kill(pid, SIGTERM), 0);
	ck_assert(th_wait(h, gone, &pid, 10000));
	ck_assert(th_wait(h, gone, &prog, 1000));
	ck_assert(th_wait(h, no_pidfile, NULL, 1000));
	ck_assert(th_wait_log(h, "supervisord exiting", 1000));
	th_free(h);
}
END_TEST

Suite *
daemonize_suite(void)
{
	Suite	*s = suite_create("daemonize");
	TCase	*tc = th_tcase("daemonize", 20);

	tcase_add_test(tc, test_daemonizes_and_stops_by_pidfile);
	suite_add_tcase(s, tc);
	return s;
}
