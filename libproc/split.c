/*
 * split: a command line into argv the way Python's shlex.split(s) does in
 * posix mode without comments, which is what supervisor 4.2.5 runs on
 * command=.  The rules, from CPython's shlex.py:
 *
 *  - space, tab, CR and LF separate words (nothing else: not \v, \f);
 *  - outside quotes a backslash takes the next character literally, a
 *    newline included (no line continuation), and a backslash at the end
 *    is "No escaped character";
 *  - inside single quotes every character is literal;
 *  - inside double quotes a backslash escapes only '"' and '\'; before
 *    any other character both are kept;
 *  - quoted parts join the word around them, and a word made only of
 *    quotes ("" or '') is an empty argument;
 *  - an unterminated quote is "No closing quotation".
 *
 * Bytes are bytes: UTF-8 passes through, as its multi-byte sequences
 * never contain an ASCII byte.  Expansion and globbing are left to no one:
 * no shell is run.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "libproc/split.h"

static const char err_quote[] = "No closing quotation";
static const char err_escape[] = "No escaped character";

static int
is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/*
 * One pass over line.  With argv NULL it only counts words and checks the
 * syntax; otherwise it stores each word into buf (NUL-terminated) and a
 * pointer to it into argv.  A word never grows longer than the input it
 * came from, so strlen(line) + one NUL per word is room enough.
 * Returns the number of words, or -1 with *errp set.
 */
static long
lex(const char *line, char **argv, char *buf, const char **errp)
{
	const char	*p = line;
	char		*o = buf;
	long		 argc = 0;
	int		 inword;

	for (;;) {
		while (is_space(*p))
			p++;
		if (*p == '\0')
			return argc;
		if (argv != NULL)
			argv[argc] = o;
		inword = 1;
		while (inword) {
			switch (*p) {
			case '\0':
				inword = 0;
				break;
			case ' ':
			case '\t':
			case '\r':
			case '\n':
				inword = 0;
				break;
			case '\\':
				if (p[1] == '\0') {
					*errp = err_escape;
					return -1;
				}
				if (argv != NULL)
					*o++ = p[1];
				p += 2;
				break;
			case '\'':
				for (p++; *p != '\''; p++) {
					if (*p == '\0') {
						*errp = err_quote;
						return -1;
					}
					if (argv != NULL)
						*o++ = *p;
				}
				p++;
				break;
			case '"':
				for (p++; *p != '"'; p++) {
					if (*p == '\0') {
						*errp = err_quote;
						return -1;
					}
					if (*p == '\\') {
						/*
						 * shlex checks the escape's
						 * end before the quote's.
						 */
						if (p[1] == '\0') {
							*errp = err_escape;
							return -1;
						}
						if (p[1] == '"' || p[1] == '\\')
							p++;
						else if (argv != NULL)
							*o++ = *p++;
						else
							p++;
					}
					if (argv != NULL)
						*o++ = *p;
				}
				p++;
				break;
			default:
				if (argv != NULL)
					*o++ = *p;
				p++;
				break;
			}
		}
		if (argv != NULL)
			*o++ = '\0';
		argc++;
	}
}

int
proc_split(const char *line, char ***argvp, size_t *argcp, const char **errp)
{
	const char	 *err = NULL;
	char		**argv;
	size_t		  len, ptrs, total;
	long		  argc;

	*errp = NULL;
	argc = lex(line, NULL, NULL, &err);
	if (argc == -1) {
		*errp = err;
		errno = EINVAL;
		return -1;
	}
	/* One block: the pointers, then the words they point into. */
	len = strlen(line);
	ptrs = ((size_t)argc + 1) * sizeof(char *);
	if (len > SIZE_MAX - ptrs - (size_t)argc) {
		errno = ENOMEM;
		return -1;
	}
	total = ptrs + len + (size_t)argc;
	if ((argv = malloc(total)) == NULL)
		return -1;
	(void)lex(line, argv, (char *)argv + ptrs, &err);
	argv[argc] = NULL;
	*argvp = argv;
	*argcp = (size_t)argc;
	return 0;
}

void
proc_split_free(char **argv)
{
	free(argv);
}
