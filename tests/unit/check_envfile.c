/*
 * Unit tests for supervisord/config_envfile: environment_file= read as
 * systemd reads EnvironmentFile= (systemd.exec(5)'s examples), a bad
 * line named by its number, and the file's reading (missing, optional,
 * too large).
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <check.h>

#include "supervisord/config_envfile.h"

Suite	*envfile_suite(void);

/* What the callback saw: "KEY=VALUE\n" each. */
static char	seen[4096];

static int
collect(void *arg, const char *key, const char *val)
{
	(void)arg;
	if (strlen(seen) + strlen(key) + strlen(val) + 3 > sizeof(seen))
		return -1;
	strcat(seen, key);
	strcat(seen, "=");
	strcat(seen, val);
	strcat(seen, "\n");
	return 0;
}

static const struct {
	const char	*text;
	const char	*want;
} good[] = {
	{ "", "" },
	{ "# comment\n; another\n\n   \n", "" },
	{ "A=1\nB=two words\n", "A=1\nB=two words\n" },
	{ "  A = spaced \t\r\n", "A=spaced\n" },
	{ "A=", "A=\n" },
	{ "A=x=y", "A=x=y\n" },
	/* Quotes: removed; a quote later in the value is kept. */
	{ "A='single $HOME \\n'\n", "A=single $HOME \\n\n" },
	{ "A=\"dq \\\" \\\\ \\` \\$ \\n\"\n", "A=dq \" \\ ` $ \\n\n" },
	{ "A=it's \"here\"\n", "A=it's \"here\"\n" },
	{ "A=  'x'  \n", "A=x\n" },
	{ "A='a''b'\n", "A=ab\n" },
	/* Unquoted: \X is X; a backslash at the end joins the lines. */
	{ "A=a\\ b\\\\c\n", "A=a b\\c\n" },
	{ "A=one \\\ntwo\n", "A=one two\n" },
	{ "A=x\\ \n", "A=x \n" },
	{ "A=1\nB=x\\", "A=1\nB=x\n" },
	/* Quoted values span lines; \newline in "..." joins them. */
	{ "A='l1\nl2'\nB=3\n", "A=l1\nl2\nB=3\n" },
	{ "A=\"l1\\\nl2\"\n", "A=l1l2\n" },
	/* A comment's trailing backslash continues the comment. */
	{ "# c \\\nA=1\nB=2\n", "B=2\n" },
	{ "A=1\nA=2\n", "A=1\nA=2\n" },
	{ "_X1=y", "_X1=y\n" },
};

START_TEST(test_parses_as_systemd)
{
	const char	*why;
	int		 line = 0;

	seen[0] = '\0';
	ck_assert_msg(cfg_envfile_parse(good[_i].text, strlen(good[_i].text),
	    collect, NULL, &line, &why) == 0, "%s: line %d: %s",
	    good[_i].text, line, why);
	ck_assert_str_eq(seen, good[_i].want);
}
END_TEST

static const struct {
	const char	*text;
	size_t		 len;		/* 0: strlen */
	int		 line;
	const char	*why;
} bad[] = {
	{ "A=1\nexport B=2\n", 0, 2, "the key is not a variable name" },
	{ "A=1\n\nJUSTAWORD\n", 0, 3, "no '=' in the line" },
	{ "1A=x\n", 0, 1, "the key is not a variable name" },
	{ "=x\n", 0, 1, "the key is not a variable name" },
	{ "A=1\nB='open\n\n", 0, 2, "a ' not closed" },
	{ "A=\"open\\", 0, 1, "a \" not closed" },
	{ "A=1\nB=x\0y\n", 10, 2, "a NUL byte" },
};

START_TEST(test_bad_line_is_named)
{
	const char	*why = NULL;
	size_t		 len = bad[_i].len ? bad[_i].len : strlen(bad[_i].text);
	int		 line = 0;

	seen[0] = '\0';
	ck_assert_int_eq(cfg_envfile_parse(bad[_i].text, len, collect, NULL,
	    &line, &why), -1);
	ck_assert_int_eq(line, bad[_i].line);
	ck_assert_ptr_nonnull(why);
	ck_assert_msg(strncmp(why, bad[_i].why, strlen(bad[_i].why)) == 0,
	    "%s", why);
}
END_TEST

START_TEST(test_load_missing_large_and_optional)
{
	const char	*tmp = getenv("TMPDIR");
	char		 dir[512], path[600], spec[608], err[1024];
	char		*big;
	int		 fd;

	snprintf(dir, sizeof(dir), "%s/envfile.XXXXXX", tmp != NULL &&
	    *tmp != '\0' ? tmp : "/tmp");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/e.env", dir);
	/* Missing: an error naming the file, unless optional. */
	ck_assert_int_eq(cfg_envfile_load(path, collect, NULL, err,
	    sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, "e.env: No such file"));
	snprintf(spec, sizeof(spec), "-%s", path);
	ck_assert_int_eq(cfg_envfile_load(spec, collect, NULL, err,
	    sizeof(err)), 1);
	/* Present: read; a bad line named as FILE:LINE. */
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	ck_assert_int_ne(fd, -1);
	ck_assert_int_eq(write(fd, "A=1\nB\n", 6), 6);
	seen[0] = '\0';
	ck_assert_int_eq(cfg_envfile_load(spec, collect, NULL, err,
	    sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, "e.env:2: no '=' in the line"));
	ck_assert_int_eq(ftruncate(fd, 0), 0);
	ck_assert_int_eq(pwrite(fd, "A=1\n", 4, 0), 4);
	seen[0] = '\0';
	ck_assert_int_eq(cfg_envfile_load(path, collect, NULL, err,
	    sizeof(err)), 0);
	ck_assert_str_eq(seen, "A=1\n");
	/* Larger than the bound: refused, not read. */
	ck_assert_ptr_nonnull(big = calloc(1, CFG_ENVFILE_MAX + 2));
	memset(big, '#', CFG_ENVFILE_MAX + 1);
	ck_assert_int_eq(pwrite(fd, big, CFG_ENVFILE_MAX + 1, 0),
	    CFG_ENVFILE_MAX + 1);
	free(big);
	ck_assert_int_eq(cfg_envfile_load(path, collect, NULL, err,
	    sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, "larger than"));
	close(fd);
	ck_assert_int_eq(unlink(path), 0);
	ck_assert_int_eq(rmdir(dir), 0);
}
END_TEST

Suite *
envfile_suite(void)
{
	Suite	*s = suite_create("envfile");
	TCase	*tc = tcase_create("envfile");

	tcase_add_loop_test(tc, test_parses_as_systemd, 0,
	    sizeof(good) / sizeof(good[0]));
	tcase_add_loop_test(tc, test_bad_line_is_named, 0,
	    sizeof(bad) / sizeof(bad[0]));
	tcase_add_test(tc, test_load_missing_large_and_optional);
	suite_add_tcase(s, tc);
	return s;
}
