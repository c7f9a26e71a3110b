/*
 * badconf: a bad configuration stops the daemon before it runs anything:
 * exit status 2 and "FILE:LINE: [SECTION] KEY: message" on stderr, for the
 * main file and for an included one.  --test checks a configuration: 0
 * and a one-line summary, or 2 and the errors.  A configuration path that
 * is a directory says so; an [include] glob matching a directory skips it
 * with a warning, as supervisor skips it.
 */
#include <sys/stat.h>
#include <sys/types.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <check.h>

#include "tests/harness.h"

Suite	*badconf_suite(void);

static const char bad_main[] =
    "[program:good]\n"
    "command=cat\n"
    "\n"
    "[program:x]\n"
    "command=cat\n"
    "startsecs=ten\n";

/* "PATH:LINE: [SECTION] KEY:" for the line of rel holding needle. */
static char *
where(struct th *h, const char *rel, const char *needle, const char *sect,
    const char *key)
{
	char	*s;
	int	 line;

	line = th_file_line(h, rel, needle);
	ck_assert_int_gt(line, 0);
	ck_assert_int_ne(asprintf(&s, "%s:%d: [%s] %s:", th_path(h, rel), line,
	    sect, key), -1);
	return s;
}

START_TEST(test_bad_integer_exits_2_with_file_line)
{
	struct th	*h = th_new();
	const char	*err;
	char		*want;
	int		 st;

	th_conf(h, bad_main);
	st = th_run(h, 5000, "-n", "-c", th_path(h, "supervisord.conf"),
	    (char *)NULL);
	ck_assert_int_eq(th_exit_code(st), 2);
	err = th_read(h, "stderr", NULL);
	want = where(h, "supervisord.conf", "startsecs=ten", "program:x",
	    "startsecs");
	ck_assert_msg(strstr(err, want) != NULL, "stderr \"%s\" lacks \"%s\"",
	    err, want);
	ck_assert_ptr_nonnull(strstr(err, "ten"));
	free(want);
	/* Refused whole: not even the good program ran. */
	ck_assert_int_eq(th_log_count(h, "spawned:"), 0);
	th_free(h);
}
END_TEST

START_TEST(test_relative_config_path_named_as_given)
{
	struct th	*h = th_new();
	const char	*err;
	char		 want[128];
	int		 st;

	th_conf(h, bad_main);
	/* The daemon runs in the test directory: the path is relative. */
	st = th_run(h, 5000, "-n", "-c", "supervisord.conf", (char *)NULL);
	ck_assert_int_eq(th_exit_code(st), 2);
	err = th_read(h, "stderr", NULL);
	snprintf(want, sizeof(want), "supervisord.conf:%d: [program:x] "
	    "startsecs:", th_file_line(h, "supervisord.conf", "startsecs="));
	ck_assert_msg(strstr(err, want) != NULL, "stderr \"%s\" lacks \"%s\"",
	    err, want);
	/* As given: not made absolute. */
	ck_assert_ptr_null(strstr(err, th_dir(h)));
	th_free(h);
}
END_TEST

START_TEST(test_bad_value_in_included_file_names_that_file)
{
	struct th	*h = th_new();
	const char	*err;
	char		*want;
	int		 st;

	th_conf(h, "[include]\nfiles = conf.d/*.conf\n");
	th_write(h, "conf.d/a.conf", "[program:a]\ncommand=cat\n");
	th_write(h, "conf.d/web.conf",
	    "; web workers\n"
	    "[program:web]\n"
	    "command=cat\n"
	    "autorestart=sometimes\n");
	st = th_run(h, 5000, "-n", "-c", th_path(h, "supervisord.conf"),
	    (char *)NULL);
	ck_assert_int_eq(th_exit_code(st), 2);
	err = th_read(h, "stderr", NULL);
	/* The glob is joined to the main file's directory: absolute. */
	want = where(h, "conf.d/web.conf", "autorestart=", "program:web",
	    "autorestart");
	ck_assert_msg(strstr(err, want) != NULL, "stderr \"%s\" lacks \"%s\"",
	    err, want);
	free(want);
	ck_assert_int_eq(th_log_count(h, "spawned:"), 0);
	th_free(h);
}
END_TEST

START_TEST(test_config_test_good_prints_one_line)
{
	struct th	*h = th_new();
	const char	*out;
	int		 st;

	th_conf(h, "[program:a]\ncommand=cat\n\n[program:b]\ncommand=cat\n");
	st = th_run(h, 5000, "-c", th_path(h, "supervisord.conf"), "--test",
	    (char *)NULL);
	ck_assert_int_eq(th_exit_code(st), 0);
	out = th_read(h, "stdout", NULL);
	ck_assert_ptr_nonnull(out);
	ck_assert_int_gt(strlen(out), 1);
	ck_assert_msg(strchr(out, '\n') == out + strlen(out) - 1,
	    "not one line: \"%s\"", out);
	ck_assert_int_eq(th_log_count(h, "spawned:"), 0);
	th_free(h);
}
END_TEST

START_TEST(test_config_test_bad_exits_2)
{
	struct th	*h = th_new();
	const char	*err;
	char		*want;
	int		 st;

	th_conf(h, bad_main);
	st = th_run(h, 5000, "-c", th_path(h, "supervisord.conf"), "--test",
	    (char *)NULL);
	ck_assert_int_eq(th_exit_code(st), 2);
	err = th_read(h, "stderr", NULL);
	want = where(h, "supervisord.conf", "startsecs=ten", "program:x",
	    "startsecs");
	ck_assert_msg(strstr(err, want) != NULL, "stderr \"%s\" lacks \"%s\"",
	    err, want);
	free(want);
	th_free(h);
}
END_TEST

START_TEST(test_missing_config_file_exits_2)
{
	struct th	*h = th_new();
	int		 st;

	st = th_run(h, 5000, "-n", "-c", th_path(h, "nope.conf"),
	    (char *)NULL);
	ck_assert_int_eq(th_exit_code(st), 2);
	ck_assert_int_gt(strlen(th_read(h, "stderr", NULL)), 0);
	th_free(h);
}
END_TEST

START_TEST(test_config_path_is_a_directory_exits_2)
{
	struct th	*h = th_new();
	const char	*err;
	char		*want;
	int		 st;

	ck_assert_int_eq(mkdir(th_path(h, "conf.d"), 0755), 0);
	st = th_run(h, 5000, "-n", "-c", th_path(h, "conf.d"), (char *)NULL);
	ck_assert_int_eq(th_exit_code(st), 2);
	err = th_read(h, "stderr", NULL);
	ck_assert_ptr_nonnull(err);
	ck_assert_int_ne(asprintf(&want, "%s: is a directory",
	    th_path(h, "conf.d")), -1);
	ck_assert_msg(strstr(err, want) != NULL, "stderr \"%s\" lacks \"%s\"",
	    err, want);
	free(want);
	/* Not what fread's failure once said. */
	ck_assert_ptr_null(strstr(err, "Input/output error"));
	th_free(h);
}
END_TEST

/* As supervisor, whose ConfigParser.read() skips it: a warning. */
START_TEST(test_include_matching_a_directory_is_skipped)
{
	struct th	*h = th_new();
	char		*want;

	th_conf(h, "[include]\nfiles = conf.d/*.conf\n");
	th_write(h, "conf.d/a.conf", "[program:a]\ncommand=sleep 1000\n"
	    "startsecs=0\n");
	ck_assert_int_eq(mkdir(th_path(h, "conf.d/sub.conf"), 0755), 0);
	th_start_conf(h);
	ck_assert(th_wait_log(h, "entered RUNNING", 5000));
	ck_assert_int_ne(asprintf(&want, "%s: is a directory, matched by "
	    "include", th_path(h, "conf.d/sub.conf")), -1);
	ck_assert_int_eq(th_log_count(h, want), 1);
	free(want);
	ck_assert(th_exited_ok(th_stop(h)));
	th_free(h);
}
END_TEST

Suite *
badconf_suite(void)
{
	Suite	*s;
	TCase	*tc;

	s = suite_create("badconf");
	tc = th_tcase("startup", 10);
	tcase_add_test(tc, test_bad_integer_exits_2_with_file_line);
	tcase_add_test(tc, test_bad_value_in_included_file_names_that_file);
	tcase_add_test(tc, test_relative_config_path_named_as_given);
	tcase_add_test(tc, test_missing_config_file_exits_2);
	tcase_add_test(tc, test_config_path_is_a_directory_exits_2);
	tcase_add_test(tc, test_include_matching_a_directory_is_skipped);
	suite_add_tcase(s, tc);
	tc = th_tcase("test_option", 10);
	tcase_add_test(tc, test_config_test_good_prints_one_line);
	tcase_add_test(tc, test_config_test_bad_exits_2);
	suite_add_tcase(s, tc);
	return s;
}
