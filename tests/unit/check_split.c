/*
 * split: proc_split against Python's shlex.split (posix, no comments).
 * Every expected row below was produced by running python3's shlex.split
 * on the input; an error row holds the ValueError's message.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>

#include "libproc/split.h"

Suite	*split_suite(void);

struct split_row {
	const char	*in;
	const char	*err;		/* shlex's ValueError, or NULL */
	size_t		 argc;
	const char	*argv[8];
};

static const struct split_row rows[] = {
	{ "", NULL, 0, { NULL } },
	{ " ", NULL, 0, { NULL } },
	{ " \011\015\012 ", NULL, 0, { NULL } },
	{ "a", NULL, 1, { "a", NULL } },
	{ "a b c", NULL, 3, { "a", "b", "c", NULL } },
	{ "  a   b  ", NULL, 2, { "a", "b", NULL } },
	{ "a\011b\012c\015d", NULL, 4, { "a", "b", "c", "d", NULL } },
	{ "/usr/bin/python -m http.server 8000", NULL, 4,
	    { "/usr/bin/python", "-m", "http.server", "8000", NULL } },
	{ "'a b' c", NULL, 2, { "a b", "c", NULL } },
	{ "\"a b\" c", NULL, 2, { "a b", "c", NULL } },
	{ "''", NULL, 1, { "", NULL } },
	{ "\"\"", NULL, 1, { "", NULL } },
	{ "'' ''", NULL, 2, { "", "", NULL } },
	{ "\"\" a \"\"", NULL, 3, { "", "a", "", NULL } },
	{ "a''b", NULL, 1, { "ab", NULL } },
	{ "a\"\"b", NULL, 1, { "ab", NULL } },
	{ "a'b c'd", NULL, 1, { "ab cd", NULL } },
	{ "a\"b c\"d", NULL, 1, { "ab cd", NULL } },
	{ "'a'\"b\"c", NULL, 1, { "abc", NULL } },
	{ "'\"'", NULL, 1, { "\"", NULL } },
	{ "\"'\"", NULL, 1, { "'", NULL } },
	{ "a\\ b", NULL, 1, { "a b", NULL } },
	{ "\\a\\b", NULL, 1, { "ab", NULL } },
	{ "\\\\", NULL, 1, { "\\", NULL } },
	{ "\\'", NULL, 1, { "'", NULL } },
	{ "\\\"", NULL, 1, { "\"", NULL } },
	{ "a\\\012b", NULL, 1, { "a\012b", NULL } },
	{ "\\ ", NULL, 1, { " ", NULL } },
	{ "'\\'", NULL, 1, { "\\", NULL } },
	{ "'\\\\'", NULL, 1, { "\\\\", NULL } },
	{ "\"\\\"\"", NULL, 1, { "\"", NULL } },
	{ "\"\\\\\"", NULL, 1, { "\\", NULL } },
	{ "\"\\a\"", NULL, 1, { "\\a", NULL } },
	{ "\"\\$HOME\"", NULL, 1, { "\\$HOME", NULL } },
	{ "\"\\`x\\`\"", NULL, 1, { "\\`x\\`", NULL } },
	{ "\"a\\\012b\"", NULL, 1, { "a\\\012b", NULL } },
	{ "\"\\'\"", NULL, 1, { "\\'", NULL } },
	{ "$HOME ~ *.txt", NULL, 3, { "$HOME", "~", "*.txt", NULL } },
	{ "a;b|c&d", NULL, 1, { "a;b|c&d", NULL } },
	{ "# not a comment", NULL, 4, { "#", "not", "a", "comment", NULL } },
	{ "x #y", NULL, 2, { "x", "#y", NULL } },
	{ "caf\303\251 \346\227\245\346\234\254 'na\303\257ve x'", NULL, 3,
	    { "caf\303\251", "\346\227\245\346\234\254", "na\303\257ve x",
	    NULL } },
	{ "\302\240a\302\240b", NULL, 1, { "\302\240a\302\240b", NULL } },
	{ "\303\251\"\303\250 \303\240\"", NULL, 1,
	    { "\303\251\303\250 \303\240", NULL } },
	{ "a\013b\014c", NULL, 1, { "a\013b\014c", NULL } },
	{ "--opt=\"val with space\" --x='y'", NULL, 2,
	    { "--opt=val with space", "--x=y", NULL } },
	{ "sh -c 'echo \"hi $1\"; exit 3' arg0", NULL, 4,
	    { "sh", "-c", "echo \"hi $1\"; exit 3", "arg0", NULL } },
	{ "'", "No closing quotation", 0, { NULL } },
	{ "\"", "No closing quotation", 0, { NULL } },
	{ "a'b", "No closing quotation", 0, { NULL } },
	{ "a\"b", "No closing quotation", 0, { NULL } },
	{ "'abc", "No closing quotation", 0, { NULL } },
	{ "\"abc", "No closing quotation", 0, { NULL } },
	{ "\\", "No escaped character", 0, { NULL } },
	{ "a\\", "No escaped character", 0, { NULL } },
	{ "\"\\", "No escaped character", 0, { NULL } },
	{ "\"a\\", "No escaped character", 0, { NULL } },
	{ "'\\", "No closing quotation", 0, { NULL } },
	{ "ab 'c", "No closing quotation", 0, { NULL } },
	{ "x \"y\\\" z", "No closing quotation", 0, { NULL } },
	{ "a '' b", NULL, 3, { "a", "", "b", NULL } },
	{ "a \"\" b", NULL, 3, { "a", "", "b", NULL } },
};

START_TEST(test_split_matches_shlex)
{
	const struct split_row	*r = &rows[_i];
	const char		*err;
	char			**argv = NULL;
	size_t			 argc = 99, i;
	int			 rc;

	errno = 0;
	rc = proc_split(r->in, &argv, &argc, &err);
	if (r->err != NULL) {
		ck_assert_int_eq(rc, -1);
		ck_assert_int_eq(errno, EINVAL);
		ck_assert_ptr_nonnull(err);
		ck_assert_str_eq(err, r->err);
		return;
	}
	ck_assert_msg(rc == 0, "row %d: failed: %s", _i, err ? err : "?");
	ck_assert_ptr_null(err);
	ck_assert_uint_eq(argc, r->argc);
	for (i = 0; i < argc; i++)
		ck_assert_msg(strcmp(argv[i], r->argv[i]) == 0,
		    "row %d word %zu: got '%s' want '%s'", _i, i, argv[i],
		    r->argv[i]);
	ck_assert_ptr_null(argv[argc]);
	proc_split_free(argv);
}
END_TEST

/* Many words and one long word: the single block is sized right. */
START_TEST(test_split_many_words)
{
	enum { N = 20000 };
	const char	*err;
	char		*line, **argv;
	size_t		 argc, i;

	line = malloc(N * 4 + 1);
	ck_assert_ptr_nonnull(line);
	for (i = 0; i < N; i++)
		memcpy(line + i * 4, i % 2 ? "'b' " : "\"\"  ", 4);
	line[N * 4] = '\0';
	ck_assert_int_eq(proc_split(line, &argv, &argc, &err), 0);
	ck_assert_uint_eq(argc, N);
	for (i = 0; i < N; i++)
		ck_assert_str_eq(argv[i], i % 2 ? "b" : "");
	ck_assert_ptr_null(argv[N]);
	proc_split_free(argv);

	memset(line, 'x', N * 4);
	ck_assert_int_eq(proc_split(line, &argv, &argc, &err), 0);
	ck_assert_uint_eq(argc, 1);
	ck_assert_uint_eq(strlen(argv[0]), N * 4);
	proc_split_free(argv);
	free(line);
}
END_TEST

START_TEST(test_split_free_accepts_null)
{
	proc_split_free(NULL);
}
END_TEST

Suite *
split_suite(void)
{
	Suite	*s;
	TCase	*tc;

	s = suite_create("split");
	tc = tcase_create("split");
	tcase_set_timeout(tc, 10);
	tcase_add_loop_test(tc, test_split_matches_shlex, 0,
	    (int)(sizeof(rows) / sizeof(rows[0])));
	tcase_add_test(tc, test_split_many_words);
	tcase_add_test(tc, test_split_free_accepts_null);
	suite_add_tcase(s, tc);
	return s;
}
