/*
 * Unit tests for supervisord/config_json's string writer, cfg_json_str,
 * which --dump-config and supervisorctl's --json share: a table of
 * { input, the JSON text it must give }, each row also read back by
 * Python's json module, so the text is checked by a real parser too.
 */
#include <sys/wait.h>

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <check.h>

#include "supervisord/config_json.h"

Suite	*config_json_suite(void);

struct json_row {
	const char	*in;		/* NULL: null */
	const char	*want;		/* the bytes written */
	const char	*py;		/* repr() of what json.loads reads */
};

static const struct json_row json_rows[] = {
	{ "", "\"\"", "''" },
	{ "web", "\"web\"", "'web'" },
	{ NULL, "null", "None" },
	{ "a\"b", "\"a\\\"b\"", "'a\"b'" },
	{ "a\\b", "\"a\\\\b\"", "'a\\\\b'" },
	{ "\\\"", "\"\\\\\\\"\"", "'\\\\\"'" },
	{ "l1\nl2\r\t", "\"l1\\nl2\\r\\t\"", "'l1\\nl2\\r\\t'" },
	/* Every other control character: \u00XX. */
	{ "\x01\x08\x0b\x0c\x1b\x1f", "\"\\u0001\\u0008\\u000b\\u000c"
	  "\\u001b\\u001f\"", "'\\x01\\x08\\x0b\\x0c\\x1b\\x1f'" },
	/* DEL and / need no escape; UTF-8 passes as it is. */
	{ "\x7f/", "\"\x7f/\"", "'\\x7f/'" },
	{ "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80",
	  "\"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80\"",
	  "'caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80'" },
};

/* What cfg_json_str writes of s, malloc'ed. */
static char *
written(const char *s)
{
	char	*buf = NULL;
	size_t	 len = 0;
	FILE	*fp;

	ck_assert_ptr_nonnull(fp = open_memstream(&buf, &len));
	cfg_json_str(fp, s);
	ck_assert_int_eq(fclose(fp), 0);
	return buf;
}

/* repr(json.loads(text)) as /usr/bin/python3 prints it, malloc'ed. */
static char *
python_reads(const char *text)
{
	static const char prog[] = "import json, sys; "
	    "print(repr(json.loads(sys.argv[1])), end='')";
	char	 buf[4096];
	size_t	 n = 0;
	ssize_t	 r;
	pid_t	 pid;
	int	 p[2], status;

	ck_assert_int_eq(pipe2(p, O_CLOEXEC), 0);
	if ((pid = fork()) == 0) {
		dup2(p[1], 1);
		execl("/usr/bin/python3", "python3", "-c", prog, text,
		    (char *)NULL);
		_exit(127);
	}
	ck_assert_int_gt(pid, 0);
	close(p[1]);
	while (n < sizeof(buf) - 1 &&
	    (r = read(p[0], buf + n, sizeof(buf) - 1 - n)) > 0)
		n += (size_t)r;
	close(p[0]);
	buf[n] = '\0';
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0,
	    "python3 refused %s", text);
	return strdup(buf);
}

START_TEST(test_json_str_escapes_as_rfc_8259)
{
	const struct json_row *r = &json_rows[_i];
	char	*out = written(r->in), *py;

	ck_assert_str_eq(out, r->want);
	py = python_reads(out);
	ck_assert_str_eq(py, r->py);
	free(py);
	free(out);
}
END_TEST

/* Every byte from 1 to 0x7f round-trips through Python's parser. */
START_TEST(test_json_str_every_ascii_byte)
{
	char	 in[128], *out, *py, want[1024];
	size_t	 i, k = 0;
	int	 c;

	for (c = 1; c < 128; c++)
		in[c - 1] = (char)c;
	in[127] = '\0';
	out = written(in);
	for (i = 0; out[i] != '\0'; i++)
		ck_assert_msg((unsigned char)out[i] >= 0x20,
		    "a raw control byte at %zu", i);
	py = python_reads(out);
	/* Python's repr of the same 127 characters, built here. */
	k += (size_t)snprintf(want + k, sizeof(want) - k, "'");
	for (c = 1; c < 128; c++)
		if (c == '\t')
			k += (size_t)snprintf(want + k, sizeof(want) - k,
			    "\\t");
		else if (c == '\n')
			k += (size_t)snprintf(want + k, sizeof(want) - k,
			    "\\n");
		else if (c == '\r')
			k += (size_t)snprintf(want + k, sizeof(want) - k,
			    "\\r");
		else if (c < 0x20 || c == 0x7f)
			k += (size_t)snprintf(want + k, sizeof(want) - k,
			    "\\x%02x", c);
		else if (c == '\'' || c == '\\')
			k += (size_t)snprintf(want + k, sizeof(want) - k,
			    "\\%c", c);
		else
			k += (size_t)snprintf(want + k, sizeof(want) - k,
			    "%c", c);
	snprintf(want + k, sizeof(want) - k, "'");
	ck_assert_str_eq(py, want);
	free(py);
	free(out);
}
END_TEST

Suite *
config_json_suite(void)
{
	Suite	*s = suite_create("config_json");
	TCase	*tc = tcase_create("config_json");

	tcase_set_timeout(tc, 20);
	tcase_add_loop_test(tc, test_json_str_escapes_as_rfc_8259, 0,
	    (int)(sizeof(json_rows) / sizeof(json_rows[0])));
	tcase_add_test(tc, test_json_str_every_ascii_byte);
	suite_add_tcase(s, tc);
	return s;
}
