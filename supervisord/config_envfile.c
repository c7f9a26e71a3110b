/*
 * config_envfile: environment_file=, read as systemd's EnvironmentFile=
 * (its env-file.c's states, with a bad line an error instead of a line
 * skipped).
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "supervisord/config_envfile.h"

/* A growing string. */
struct str {
	char	*s;
	size_t	 n;
	size_t	 cap;
};

static int
str_add(struct str *b, char c)
{
	char	*ns;

	if (b->n + 2 > b->cap) {
		b->cap = b->cap ? b->cap * 2 : 64;
		if ((ns = realloc(b->s, b->cap)) == NULL)
			return -1;
		b->s = ns;
	}
	b->s[b->n++] = c;
	b->s[b->n] = '\0';
	return 0;
}

static bool
is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r';
}

/* A POSIX name: a letter or _, then letters, digits, _. */
static bool
is_name(const char *k, size_t n)
{
	size_t	i;

	if (n == 0 || (k[0] >= '0' && k[0] <= '9'))
		return false;
	for (i = 0; i < n; i++)
		if (!(k[i] == '_' || (k[i] >= 'a' && k[i] <= 'z') ||
		    (k[i] >= 'A' && k[i] <= 'Z') ||
		    (k[i] >= '0' && k[i] <= '9')))
			return false;
	return true;
}

/* key=val, val without its trailing blanks (those past keep). */
static int
emit(cfg_envfile_set set, void *arg, struct str *key, struct str *val,
    size_t keep)
{
	if (val->s == NULL && str_add(val, 'x') == -1)
		return -1;
	val->s[val->n = keep] = '\0';
	return set(arg, key->s, val->s);
}

enum st {
	ST_PRE_KEY, ST_KEY, ST_PRE_VALUE, ST_VALUE, ST_VALUE_ESC, ST_SQ,
	ST_DQ, ST_DQ_ESC, ST_COMMENT, ST_COMMENT_ESC
};

int
cfg_envfile_parse(const char *text, size_t len, cfg_envfile_set set,
    void *arg, int *line, const char **why)
{
	struct str	 key = { NULL, 0, 0 }, val = { NULL, 0, 0 };
	enum st		 st = ST_PRE_KEY;
	size_t		 i, keep = 0;	/* val's length but trailing blanks */
	int		 ln = 1, start = 1, rc = -1;
	char		 c;

	*why = NULL;
	for (i = 0; i <= len; i++) {
		/* The end is one more newline, then stop. */
		c = i < len ? text[i] : '\n';
		if (i < len && c == '\0') {
			*why = "a NUL byte";
			start = ln;
			goto out;
		}
		switch (st) {
		case ST_PRE_KEY:
			if (c == '#' || c == ';')
				st = ST_COMMENT;
			else if (c == '=') {
				start = ln;
				*why = "the key is not a variable name "
				    "(letters, digits, _)";
				goto out;
			} else if (!is_blank(c) && c != '\n') {
				start = ln;
				key.n = 0;
				if (str_add(&key, c) == -1)
					goto nomem;
				st = ST_KEY;
			}
			break;
		case ST_KEY:
			if (c == '\n') {
				*why = "no '=' in the line";
				goto out;
			}
			if (c == '=') {
				while (key.n > 0 && is_blank(key.s[key.n - 1]))
					key.s[--key.n] = '\0';
				if (!is_name(key.s, key.n)) {
					*why = "the key is not a variable name "
					    "(letters, digits, _)";
					goto out;
				}
				val.n = keep = 0;
				st = ST_PRE_VALUE;
			} else if (str_add(&key, c) == -1)
				goto nomem;
			break;
		case ST_PRE_VALUE:
			if (c == '\n') {
				if (emit(set, arg, &key, &val, keep) == -1)
					goto nomem;
				st = ST_PRE_KEY;
			} else if (c == '\'')
				st = ST_SQ;
			else if (c == '"')
				st = ST_DQ;
			else if (c == '\\')
				st = ST_VALUE_ESC;
			else if (!is_blank(c)) {
				if (str_add(&val, c) == -1)
					goto nomem;
				keep = val.n;
				st = ST_VALUE;
			}
			break;
		case ST_VALUE:
			if (c == '\n') {
				if (emit(set, arg, &key, &val, keep) == -1)
					goto nomem;
				st = ST_PRE_KEY;
			} else if (c == '\\')
				st = ST_VALUE_ESC;
			else {
				if (str_add(&val, c) == -1)
					goto nomem;
				if (!is_blank(c))
					keep = val.n;
			}
			break;
		case ST_VALUE_ESC:
			/* \newline joins the lines; \X is X, kept.  At the
			 * end of the file the value ends. */
			if (i == len) {
				if (emit(set, arg, &key, &val, keep) == -1)
					goto nomem;
				break;
			}
			st = ST_VALUE;
			if (c != '\n') {
				if (str_add(&val, c) == -1)
					goto nomem;
				keep = val.n;
			}
			break;
		case ST_SQ:
			if (i == len) {
				*why = "a ' not closed";
				goto out;
			}
			if (c == '\'')
				st = ST_PRE_VALUE;
			else if (str_add(&val, c) == -1)
				goto nomem;
			keep = val.n;
			break;
		case ST_DQ:
			if (i == len) {
				*why = "a \" not closed";
				goto out;
			}
			if (c == '"')
				st = ST_PRE_VALUE;
			else if (c == '\\')
				st = ST_DQ_ESC;
			else if (str_add(&val, c) == -1)
				goto nomem;
			keep = val.n;
			break;
		case ST_DQ_ESC:
			if (i == len) {
				*why = "a \" not closed";
				goto out;
			}
			st = ST_DQ;
			if (c == '\n')
				break;
			if (strchr("\"\\`$", c) == NULL &&
			    str_add(&val, '\\') == -1)
				goto nomem;
			if (str_add(&val, c) == -1)
				goto nomem;
			keep = val.n;
			break;
		case ST_COMMENT:
			if (c == '\\')
				st = ST_COMMENT_ESC;
			else if (c == '\n')
				st = ST_PRE_KEY;
			break;
		case ST_COMMENT_ESC:
			st = ST_COMMENT;
			break;
		}
		if (c == '\n')
			ln++;
	}
	rc = 0;
	goto out;
nomem:
	*why = "no memory";
out:
	if (rc == -1)
		*line = start;
	free(key.s);
	free(val.s);
	return rc;
}

int
cfg_envfile_load(const char *spec, cfg_envfile_set set, void *arg,
    char *err, size_t errlen)
{
	const char	*path = spec[0] == '-' ? spec + 1 : spec;
	const char	*why;
	struct stat	 st;
	char		*text = NULL;
	size_t		 n = 0;
	ssize_t		 r;
	int		 fd, line, rc = -1;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY |
	    O_NONBLOCK)) == -1) {
		if (errno == ENOENT && spec[0] == '-')
			return 1;
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	if (fstat(fd, &st) == -1) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		goto out;
	}
	if (!S_ISREG(st.st_mode)) {
		snprintf(err, errlen, "%s: not a regular file", path);
		goto out;
	}
	if (st.st_size > CFG_ENVFILE_MAX) {
		snprintf(err, errlen, "%s: larger than %d bytes", path,
		    CFG_ENVFILE_MAX);
		goto out;
	}
	if ((text = malloc((size_t)st.st_size + 1)) == NULL) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		goto out;
	}
	/* The size it had: a file that grows meanwhile is read that far. */
	while (n < (size_t)st.st_size) {
		r = read(fd, text + n, (size_t)st.st_size - n);
		if (r == -1 && errno == EINTR)
			continue;
		if (r == -1) {
			snprintf(err, errlen, "%s: %s", path, strerror(errno));
			goto out;
		}
		if (r == 0)
			break;
		n += (size_t)r;
	}
	if (cfg_envfile_parse(text, n, set, arg, &line, &why) == -1) {
		snprintf(err, errlen, "%s:%d: %s", path, line, why);
		goto out;
	}
	rc = 0;
out:
	free(text);
	close(fd);
	return rc;
}
