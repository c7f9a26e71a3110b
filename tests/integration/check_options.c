/*
 * options: every command-line option of supervisord 4.2.5 parses, in its
 * short and long forms, and the ones with a visible effect have it
 * (-l, -j, -q, -s).  -h and -v print and exit 0; an unknown option or a
 * missing argument exits 2, as supervisord's usage() does.
 */
#include <sys/stat.h>
#include <sys/types.h>

#include <dirent.h>
#include <pwd.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <check.h>

#include "tests/harness.h"

Suite	*options_suite(void);

enum {
	OPT_NONE,
	OPT_SILENT,	/* nothing of the log on stdout */
	OPT_LOGFILE,	/* the log is other.log */
	OPT_PIDFILE,	/* other.pid holds the daemon's pid */
	OPT_CHILDLOG	/* AUTO child logs land in childlogs/ */
};

struct opt_row {
	const char	*args[5];
	int		 check;
};

/* @CONF@, @DIR@ and @USER@ are replaced. */
static const struct opt_row opt_rows[] = {
	{ { "-n", "-c", "@CONF@" }, OPT_NONE },
	{ { "--nodaemon", "--configuration", "@CONF@" }, OPT_NONE },
	{ { "--nodaemon", "--configuration=@CONF@" }, OPT_NONE },
	{ { "-n", "-c", "@CONF@", "-s" }, OPT_SILENT },
	{ { "-n", "-c", "@CONF@", "--silent" }, OPT_SILENT },
	{ { "-n", "-c", "@CONF@", "-u", "@USER@" }, OPT_NONE },
	{ { "-n", "-c", "@CONF@", "--user=@USER@" }, OPT_NONE },
	{ { "-n", "-c", "@CONF@", "-m", "022" }, OPT_NONE },
	{ { "-n", "-c", "@CONF@", "--umask=077" }, OPT_NONE },
	{ { "-n", "-c", "@CONF@", "-d", "@DIR@" }, OPT_NONE },
	{ { "-n", "-c", "@CONF@", "--directory=@DIR@" }, OPT_NONE },
	{ { "-n", "-c", "@CONF@", "-l", "@DIR@/other.log" }, OPT_LOGFILE },
	{ { "-n", "-c", "@CONF@", "--logfile=@DIR@/other.log" }, OPT_LOGFILE },
	{ { "-n", "-c", "@CONF@", "--logfile", "@DIR@/other.log" },
	    OPT_LOGFILE },
	{ { "-n", "-c", "@CONF@", "-y", "1MB" }, OPT_NONE },
	{ { "-n", "-c", "@CONF@", "--logfile_maxbytes=1048576" }, OPT_NONE },
	{ { "-n", "-c", "@CONF@", "-z", "3" }, OPT_NONE },
	{ { "-n", "-c", "@CONF@", "--logfile_backups=3" }, OPT_NONE },
	{ { "-n", "-c", "@CONF@", "-e", "debug" }, OPT_NONE },
	{ { "-n", "-c", "@CONF@", "--loglevel=trace" }, OPT_NONE },
	{ { "-n", "-c", "@CONF@", "-j", "@DIR@/other.pid" }, OPT_PIDFILE },
	{ { "-n", "-c", "@CONF@", "--pidfile=@DIR@/other.pid" }, OPT_PIDFILE },
	{ { "-n", "-c", "@CONF@", "-i", "ident" }, OPT_NONE },
	{ { "-n", "-c", "@CONF@", "--identifier=ident" }, OPT_NONE },
	{ { "-n", "-c", "@CONF@", "-q", "@DIR@/childlogs" }, OPT_CHILDLOG },
	{ { "-n", "-c", "@CONF@", "--childlogdir=@DIR@/childlogs" },
	    OPT_CHILDLOG },
	{ { "-n", "-c", "@CONF@", "-k" }, OPT_NONE },
	{ { "-n", "-c", "@CONF@", "--nocleanup" }, OPT_NONE },
	{ { "-n", "-c", "@CONF@", "-a", "1024" }, OPT_NONE },
	{ { "-n", "-c", "@CONF@", "--minfds=1024" }, OPT_NONE },
	{ { "-n", "-c", "@CONF@", "--minprocs=200" }, OPT_NONE },
	{ { "-n", "-c", "@CONF@", "-t" }, OPT_NONE },
	{ { "-n", "-c", "@CONF@", "--strip_ansi" }, OPT_NONE },
	{ { "-nc", "@CONF@", "-se", "info" }, OPT_SILENT },
};

/* arg with @CONF@, @DIR@, @USER@ replaced; malloc'ed. */
static char *
subst(struct th *h, const char *arg)
{
	static const char *const keys[] = { "@CONF@", "@DIR@", "@USER@" };
	struct passwd	*pw;
	const char	*vals[3], *k;
	char		 buf[4096];
	size_t		 i, len = 0;

	pw = getpwuid(getuid());
	ck_assert_ptr_nonnull(pw);
	vals[0] = th_path(h, "supervisord.conf");
	vals[1] = th_dir(h);
	vals[2] = pw->pw_name;
	while (*arg != '\0') {
		for (i = 0; i < 3; i++) {
			k = keys[i];
			if (strncmp(arg, k, strlen(k)) == 0)
				break;
		}
		if (i < 3) {
			len += (size_t)snprintf(buf + len, sizeof(buf) - len,
			    "%s", vals[i]);
			arg += strlen(keys[i]);
		} else if (len + 1 < sizeof(buf))
			buf[len++] = *arg++;
		ck_assert_uint_lt(len, sizeof(buf) - 1);
	}
	buf[len] = '\0';
	return strdup(buf);
}

static bool
childlog_made(struct th *h, void *arg)
{
	DIR		*d;
	struct dirent	*de;
	bool		 found = false;

	(void)arg;
	if ((d = opendir(th_path(h, "childlogs"))) == NULL)
		return false;
	while ((de = readdir(d)) != NULL)
		if (strncmp(de->d_name, "cat-stdout", 10) == 0)
			found = true;
	closedir(d);
	return found;
}

START_TEST(test_option_parses)
{
	const struct opt_row	*r = &opt_rows[_i];
	struct th		*h = th_new();
	char			*argv[8];
	int			 n;
	pid_t			 pid;

	th_conf(h,
	    "[program:cat]\n"
	    "command=cat\n"
	    "startsecs=0\n"
	    "stdout_logfile=AUTO\n");
	th_write(h, "childlogs/.keep", "");
	for (n = 0; n < 5 && r->args[n] != NULL; n++)
		ck_assert_ptr_nonnull(argv[n] = subst(h, r->args[n]));
	argv[n] = NULL;
	if (r->check == OPT_LOGFILE)
		th_set_log(h, "other.log");
	pid = th_start_opts(h, NULL, argv);
	ck_assert_msg(th_wait_log(h, "success: cat entered RUNNING", 5000),
	    "row %d (%s ...): the program did not start", _i,
	    r->args[n - 1]);
	switch (r->check) {
	case OPT_SILENT:
		ck_assert_ptr_null(strstr(th_read(h, "stdout", NULL),
		    "spawned:"));
		break;
	case OPT_LOGFILE:
		ck_assert_int_eq(access(th_path(h, "supervisord.log"), F_OK),
		    -1);
		break;
	case OPT_PIDFILE:
		ck_assert_int_eq(th_wait_pid(h, "other.pid", 2000), pid);
		break;
	case OPT_CHILDLOG:
		ck_assert(th_wait(h, childlog_made, NULL, 2000));
		break;
	default:
		break;
	}
	ck_assert(th_exited_ok(th_stop(h)));
	for (n = 0; argv[n] != NULL; n++)
		free(argv[n]);
	th_free(h);
}
END_TEST

START_TEST(test_version_exits_zero)
{
	struct th	*h = th_new();
	const char	*out;
	int		 st;

	st = th_run(h, 5000, "-v", (char *)NULL);
	ck_assert_int_eq(th_exit_code(st), 0);
	out = th_read(h, "stdout", NULL);
	ck_assert_ptr_nonnull(out);
	/* One line: the version alone, as scripts parse it. */
	ck_assert_int_gt(strlen(out), 1);
	ck_assert_ptr_eq(strchr(out, '\n'), out + strlen(out) - 1);
	st = th_run(h, 5000, "--version", (char *)NULL);
	ck_assert_int_eq(th_exit_code(st), 0);
	ck_assert_int_gt(strlen(th_read(h, "stdout", NULL)), 1);
	th_free(h);
}
END_TEST

START_TEST(test_help_exits_zero_with_usage)
{
	struct th	*h = th_new();
	int		 st;

	st = th_run(h, 5000, "-h", (char *)NULL);
	ck_assert_int_eq(th_exit_code(st), 0);
	ck_assert_ptr_nonnull(strcasestr(th_read(h, "stdout", NULL),
	    "usage"));
	ck_assert_ptr_nonnull(strstr(th_read(h, "stdout", NULL), "-c"));
	st = th_run(h, 5000, "--help", (char *)NULL);
	ck_assert_int_eq(th_exit_code(st), 0);
	ck_assert_ptr_nonnull(strcasestr(th_read(h, "stdout", NULL),
	    "usage"));
	th_free(h);
}
END_TEST

static const char *const bad_rows[][3] = {
	{ "--bogus", NULL },
	{ "-x", NULL },
	{ "-n", "-c", NULL },		/* -c needs its argument */
	{ "--nodaemon=yes", NULL },	/* takes no argument */
	{ "-n", "extra-argument", NULL },
};

START_TEST(test_bad_option_exits_2)
{
	const char *const	*r = bad_rows[_i];
	struct th		*h = th_new();
	const char		*err;
	int			 st;

	th_conf(h, "[program:cat]\ncommand=cat\n");
	st = th_run(h, 5000, r[0], r[1], r[2], (char *)NULL);
	ck_assert_msg(th_exit_code(st) == 2, "%s %s: exit %d, want 2", r[0],
	    r[1] != NULL ? r[1] : "", th_exit_code(st));
	err = th_read(h, "stderr", NULL);
	ck_assert_ptr_nonnull(err);
	ck_assert_msg(strlen(err) > 0, "no message on stderr");
	if (_i == 0)
		ck_assert_ptr_nonnull(strstr(err, "--bogus"));
	/* Nothing was started. */
	ck_assert_int_eq(th_log_count(h, "spawned:"), 0);
	th_free(h);
}
END_TEST

/* How many descriptors pid has open, -1 if it is gone. */
static int
fd_count(pid_t pid)
{
	char		 path[64];
	DIR		*d;
	struct dirent	*e;
	int		 n = 0;

	snprintf(path, sizeof(path), "/proc/%d/fd", (int)pid);
	if ((d = opendir(path)) == NULL)
		return -1;
	while ((e = readdir(d)) != NULL)
		if (e->d_name[0] != '.')
			n++;
	closedir(d);
	return n;
}

static bool
three_fds(struct th *h, void *arg)
{
	(void)h;
	return fd_count(*(pid_t *)arg) == 3;
}

/*
 * SUPERVISORD_SPAWN=fork takes the fork path (the one for valgrind and
 * kernels without CLOSE_RANGE_UNSHARE): the log says so, and a program
 * runs there with its output captured and no descriptor of the daemon's.
 * Another value is an error that names it, and nothing starts.
 */
START_TEST(test_spawn_env)
{
	struct th	*h = th_new();
	const char	*err;
	pid_t		 pid;
	int		 st;

	th_conf(h, "[supervisord]\nloglevel=debug\n"
	    "[program:x]\ncommand=sh -c 'echo spawned-by-fork; exec sleep 60'\n"
	    "startsecs=0\nstdout_logfile=%(here)s/x.log\n");
	setenv("SUPERVISORD_SPAWN", "clone", 1);
	st = th_run(h, 5000, "-n", "-c", th_path(h, "supervisord.conf"),
	    (char *)NULL);
	ck_assert_int_eq(th_exit_code(st), 2);
	err = th_read(h, "stderr", NULL);
	ck_assert_ptr_nonnull(strstr(err, "SUPERVISORD_SPAWN=clone"));
	ck_assert_int_eq(th_log_count(h, "spawned:"), 0);

	setenv("SUPERVISORD_SPAWN", "fork", 1);
	th_start_conf(h);
	ck_assert(th_wait_log(h, "programs start through fork(2)", 5000));
	ck_assert(th_wait_log(h, "success: x entered RUNNING", 5000));
	ck_assert(th_wait_file(h, "x.log", 5000));
	pid = th_spawned_pid(h, "x", 0);
	ck_assert_int_gt(pid, 0);
	ck_assert(th_wait_comm(h, pid, "sleep", 5000));
	/*
	 * 0, 1 and 2: pipes and /dev/null, nothing of the daemon's.  The
	 * kernel renames a process before it closes its close-on-exec
	 * descriptors: sh's may still be there at "sleep" for a moment;
	 * one of the daemon's would stay.
	 */
	ck_assert_msg(th_wait(h, three_fds, &pid, 5000), "pid %d has %d "
	    "descriptors, not 3", (int)pid, fd_count(pid));
	ck_assert(th_exited_ok(th_stop_ms(h, 10000)));
	ck_assert_int_eq(th_file_line(h, "x.log", "spawned-by-fork"), 1);
	unsetenv("SUPERVISORD_SPAWN");
	th_free(h);
}
END_TEST

Suite *
options_suite(void)
{
	Suite	*s;
	TCase	*tc;

	s = suite_create("options");
	tc = th_tcase("parse", 10);
	tcase_add_loop_test(tc, test_option_parses, 0,
	    (int)(sizeof(opt_rows) / sizeof(opt_rows[0])));
	suite_add_tcase(s, tc);
	tc = th_tcase("print", 10);
	tcase_add_test(tc, test_version_exits_zero);
	tcase_add_test(tc, test_help_exits_zero_with_usage);
	tcase_add_loop_test(tc, test_bad_option_exits_2, 0,
	    (int)(sizeof(bad_rows) / sizeof(bad_rows[0])));
	tcase_add_test(tc, test_spawn_env);
	suite_add_tcase(s, tc);
	return s;
}
