/*
 * config_util: allocation that aborts, messages, growable strings, an ordered map, and
 * the os.path functions supervisor calls.
 */
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/utsname.h>

#include <ctype.h>
#include <errno.h>
#include <setjmp.h>
#include <glob.h>
#include <grp.h>
#include <limits.h>
#include <pwd.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "supervisord/config.h"
#include "supervisord/config_util.h"

/* Small helpers. */

static jmp_buf	*oom_jmp;	/* the load in progress, or NULL */

void
cfg_oom_catch(jmp_buf *jb)
{
	oom_jmp = jb;
}

void
cfg_oom(void)
{
	if (oom_jmp != NULL)
		longjmp(*oom_jmp, 1);
	abort();
}

void *
xcalloc(size_t n, size_t sz)
{
	void	*p;

	if ((p = calloc(n == 0 ? 1 : n, sz == 0 ? 1 : sz)) == NULL)
		cfg_oom();
	return p;
}

void *
xrealloc(void *o, size_t n, size_t sz)
{
	void	*p;

	if (sz != 0 && n > SIZE_MAX / sz)
		cfg_oom();
	if ((p = realloc(o, n * sz == 0 ? 1 : n * sz)) == NULL)
		cfg_oom();
	return p;
}

char *
xstrdup(const char *s)
{
	char	*p;

	if (s == NULL)
		return NULL;
	if ((p = strdup(s)) == NULL)
		cfg_oom();
	return p;
}

char *
xstrndup(const char *s, size_t n)
{
	char	*p;

	if ((p = strndup(s, n)) == NULL)
		cfg_oom();
	return p;
}

char *
xasprintf(const char *fmt, ...)
{
	va_list	 ap;
	char	*s;

	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) == -1)
		cfg_oom();
	va_end(ap);
	return s;
}

void
msgs_add(struct cfg_msgs *m, char *s)
{
	m->v = xrealloc(m->v, m->n + 1, sizeof(*m->v));
	m->v[m->n++] = s;
}

void
cfg_msgs_free(struct cfg_msgs *m)
{
	size_t	i;

	if (m == NULL)
		return;
	for (i = 0; i < m->n; i++)
		free(m->v[i]);
	free(m->v);
	m->v = NULL;
	m->n = 0;
}

void
sb_addn(struct sbuf *b, const char *s, size_t n)
{
	if (b->len + n + 1 > b->cap) {
		b->cap = (b->len + n + 1) * 2;
		b->s = xrealloc(b->s, b->cap, 1);
	}
	memcpy(b->s + b->len, s, n);
	b->len += n;
	b->s[b->len] = '\0';
}

void
sb_add(struct sbuf *b, const char *s)
{
	sb_addn(b, s, strlen(s));
}

void
sb_addc(struct sbuf *b, char c)
{
	sb_addn(b, &c, 1);
}

char *
sb_take(struct sbuf *b)
{
	char	*s;

	s = b->s != NULL ? b->s : xstrdup("");
	b->s = NULL;
	b->len = b->cap = 0;
	return s;
}

void
kvl_set(struct kvl *l, const char *k, const char *v)
{
	size_t	i;

	for (i = 0; i < l->n; i++)
		if (strcmp(l->k[i], k) == 0) {
			free(l->v[i]);
			l->v[i] = xstrdup(v);
			return;
		}
	l->k = xrealloc(l->k, l->n + 1, sizeof(*l->k));
	l->v = xrealloc(l->v, l->n + 1, sizeof(*l->v));
	l->k[l->n] = xstrdup(k);
	l->v[l->n] = xstrdup(v);
	l->n++;
}

const char *
kvl_get(const struct kvl *l, const char *k)
{
	size_t	i;

	if (l == NULL)
		return NULL;
	for (i = 0; i < l->n; i++)
		if (strcmp(l->k[i], k) == 0)
			return l->v[i];
	return NULL;
}

void
kvl_free(struct kvl *l)
{
	size_t	i;

	for (i = 0; i < l->n; i++) {
		free(l->k[i]);
		free(l->v[i]);
	}
	free(l->k);
	free(l->v);
	memset(l, 0, sizeof(*l));
}

bool
py_isspace(int c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' ||
	    c == '\v' || c == '\f' || (c >= 0x1c && c <= 0x1f);
}

/* Python's str.strip(): a new string. */
char *
strip_dup(const char *s, size_t n)
{
	while (n > 0 && py_isspace((unsigned char)*s)) {
		s++;
		n--;
	}
	while (n > 0 && py_isspace((unsigned char)s[n - 1]))
		n--;
	return xstrndup(s, n);
}

void
lower(char *s)
{
	for (; *s != '\0'; s++)
		*s = (char)tolower((unsigned char)*s);
}

/* os.path.expanduser */
char *
expanduser(const char *v)
{
	const char	*home, *rest;
	struct passwd	*pw;
	char		*name;

	if (v[0] != '~')
		return xstrdup(v);
	rest = strchr(v, '/');
	if (rest == NULL)
		rest = v + strlen(v);
	if (rest == v + 1) {
		if ((home = getenv("HOME")) == NULL) {
			if ((pw = getpwuid(getuid())) == NULL)
				return xstrdup(v);
			home = pw->pw_dir;
		}
	} else {
		name = xstrndup(v + 1, (size_t)(rest - v - 1));
		pw = getpwnam(name);
		free(name);
		if (pw == NULL)
			return xstrdup(v);
		home = pw->pw_dir;
	}
	if (strcmp(home, "/") == 0 && *rest == '/')
		home = "";
	return xasprintf("%s%s", home, rest);
}

/* os.path.normpath */
char *
normpath(const char *p)
{
	struct sbuf	 out = { 0 };
	const char	**parts, *s, *e;
	size_t		 n = 0, i, cap;
	int		 initial;

	if (*p == '\0')
		return xstrdup(".");
	initial = 0;
	if (p[0] == '/')
		initial = (p[1] == '/' && p[2] != '/') ? 2 : 1;
	cap = strlen(p) + 1;
	parts = xcalloc(cap, sizeof(*parts));
	size_t *lens = xcalloc(cap, sizeof(*lens));
	for (s = p; *s != '\0'; s = e) {
		while (*s == '/')
			s++;
		if (*s == '\0')
			break;
		for (e = s; *e != '\0' && *e != '/'; e++)
			;
		if (e - s == 1 && s[0] == '.')
			continue;
		if (e - s == 2 && s[0] == '.' && s[1] == '.') {
			if (n > 0 && !(lens[n - 1] == 2 &&
			    strncmp(parts[n - 1], "..", 2) == 0)) {
				n--;
				continue;
			}
			if (initial)
				continue;
		}
		parts[n] = s;
		lens[n++] = (size_t)(e - s);
	}
	for (i = 0; i < (size_t)initial; i++)
		sb_addc(&out, '/');
	for (i = 0; i < n; i++) {
		if (i > 0)
			sb_addc(&out, '/');
		sb_addn(&out, parts[i], lens[i]);
	}
	free(parts);
	free(lens);
	if (out.len == 0)
		sb_addc(&out, '.');
	return sb_take(&out);
}

/* os.path.abspath */
char *
abspath(const char *p)
{
	char	cwd[PATH_MAX], *j, *r;

	if (p[0] == '/')
		return normpath(p);
	if (getcwd(cwd, sizeof(cwd)) == NULL)
		snprintf(cwd, sizeof(cwd), "%s", ".");
	j = xasprintf("%s/%s", cwd, p);
	r = normpath(j);
	free(j);
	return r;
}

/* os.path.dirname */
char *
dirname_dup(const char *p)
{
	const char	*sl;
	size_t		 n;

	if ((sl = strrchr(p, '/')) == NULL)
		return xstrdup("");
	n = (size_t)(sl - p) + 1;
	while (n > 1 && p[n - 1] == '/')
		n--;
	if (n == 1 && p[0] == '/')
		return xstrdup("/");
	return xstrndup(p, n == 1 && p[0] != '/' ? n : n);
}

/*
 * The last directories asked about during one cfg_load: thousands of
 * programs name the same few (directory=, their log files' directories),
 * and a stat each was a tenth of the load time.
 */
#define DIRCACHE_N	4
static struct {
	char	*path;
	bool	 dir;
}		 dircache[DIRCACHE_N];
static size_t	 dircache_next;
bool	 dircache_on;		/* inside cfg_load */

void
dircache_clear(void)
{
	size_t	i;

	for (i = 0; i < DIRCACHE_N; i++) {
		free(dircache[i].path);
		dircache[i].path = NULL;
	}
	dircache_next = 0;
}

bool
is_dir(const char *p)
{
	struct stat	st;
	size_t		i;
	bool		dir;

	for (i = 0; dircache_on && i < DIRCACHE_N; i++)
		if (dircache[i].path != NULL &&
		    strcmp(dircache[i].path, p) == 0)
			return dircache[i].dir;
	dir = stat(p, &st) == 0 && S_ISDIR(st.st_mode);
	if (dircache_on) {
		free(dircache[dircache_next].path);
		dircache[dircache_next].path = xstrdup(p);
		dircache[dircache_next].dir = dir;
		dircache_next = (dircache_next + 1) % DIRCACHE_N;
	}
	return dir;
}

bool
has_prefix(const char *s, const char *p)
{
	return strncmp(s, p, strlen(p)) == 0;
}

bool
in_list(const char *const *l, const char *k)
{
	if (l == NULL)
		return false;
	for (; *l != NULL; l++)
		if (**l == *k && strcmp(*l, k) == 0)
			return true;
	return false;
}

int
str_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* list_of_strings: comma-separated, each stripped; "" is no item. */
char **
split_commas(const char *v, size_t *n)
{
	char		**l = NULL;
	const char	 *p, *q;

	*n = 0;
	if (*v == '\0')
		return NULL;
	for (p = v;; p = q + 1) {
		q = strchr(p, ',');
		l = xrealloc(l, *n + 1, sizeof(*l));
		l[(*n)++] = strip_dup(p, q == NULL ? strlen(p) :
		    (size_t)(q - p));
		if (q == NULL)
			break;
	}
	return l;
}

void
strv_free(char **l, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++)
		free(l[i]);
	free(l);
}
