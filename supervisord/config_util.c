/*
 * config_util: allocation (in a load's arena, out of memory caught),
 * messages, growable strings, an ordered map, and the os.path functions
 * supervisor calls.
 */
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/utsname.h>

#include <assert.h>
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

#include "supervisord/config_util.h"

/*
 * Allocation.  During a load every x* allocation comes from the load's
 * arena (cu_arena_use), and cu_arena_free frees all of it at once when
 * the load ends, whether it succeeds (its result copied out to the heap
 * first), fails, or runs out of memory half-way, with temporaries still
 * held in the frames that longjmp left.  Inside, blocks are cut from
 * chunks and, when cu_free gives them back, kept on a free list by size
 * class for the next allocation of that class, so that the load's many
 * temporaries take no more room than they would in malloc.  Each block
 * starts with its size (its class's), so cu_realloc of a block that has
 * room returns it.  Outside a load the x* functions are malloc's, and
 * cu_free is free.
 */
#define CU_HDR		16		/* the block's size, and alignment */
#define CU_SMALL	1024		/* classes of 16 bytes up to this */
#define CU_NSMALL	(CU_SMALL / 16)
#define CU_NCLASS	(CU_NSMALL + 48)	/* then powers of 2 */
#define CU_CHUNK_MIN	(64 * 1024)
#define CU_CHUNK_MAX	(2 * 1024 * 1024)	/* a huge page */

struct cu_chunk {
	struct cu_chunk	*next;
	size_t		 size, used;	/* of data */
	size_t		 map;		/* mmap'ed: its length; 0: malloc'ed */
	unsigned char	 data[];
};

struct cu_arena {
	struct cu_chunk	*head;		/* the chunk allocated from */
	size_t		 next;		/* the next chunk's size */
	void		*free[CU_NCLASS]; /* blocks given back, by class */
};

static jmp_buf		*oom_jmp;	/* the load in progress, or NULL */
static struct cu_arena	*cu_cur;	/* the load's arena, or NULL */
static long		 cu_fail_n;	/* cu_fail_after: 0 off */

jmp_buf *
cu_oom_catch(jmp_buf *jb)
{
	jmp_buf	*prev = oom_jmp;

	oom_jmp = jb;
	return prev;
}

void
cu_oom(void)
{
	if (oom_jmp != NULL)
		longjmp(*oom_jmp, 1);
	abort();
}

long
cu_fail_after(long n)
{
	long	left = cu_fail_n;

	cu_fail_n = n;
	return left;
}

/* Whether the allocation about to be made is to fail (cu_fail_after). */
static bool
cu_failing(void)
{
	return cu_fail_n > 0 && --cu_fail_n == 0;
}

struct cu_arena *
cu_arena_new(void)
{
	struct cu_arena	*a;

	if (cu_failing() || (a = calloc(1, sizeof(*a))) == NULL)
		return NULL;
	a->next = CU_CHUNK_MIN;
	return a;
}

struct cu_arena *
cu_arena_use(struct cu_arena *a)
{
	struct cu_arena	*prev = cu_cur;

	cu_cur = a;
	return prev;
}

/*
 * A chunk of sz bytes of data.  The large ones are huge pages where the
 * system has them (madvise): a large configuration's load takes tens of
 * megabytes, and faulting them in 4 KiB at a time, at every load, cost
 * more than the parse itself.
 */
static struct cu_chunk *
cu_chunk_new(size_t sz)
{
	struct cu_chunk	*c;
	unsigned char	*m;
	size_t		 len, pre;

	if (sizeof(*c) + sz != CU_CHUNK_MAX) {
		if ((c = malloc(sizeof(*c) + sz)) == NULL)
			return NULL;
		c->map = 0;
		return c;
	}
	len = CU_CHUNK_MAX * 2;
	if ((m = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE |
	    MAP_ANONYMOUS, -1, 0)) == MAP_FAILED)
		return NULL;
	/* Aligned on its size, the rest unmapped. */
	pre = (CU_CHUNK_MAX - (uintptr_t)m % CU_CHUNK_MAX) % CU_CHUNK_MAX;
	if (pre > 0)
		(void)munmap(m, pre);
	(void)munmap(m + pre + CU_CHUNK_MAX, len - pre - CU_CHUNK_MAX);
	c = (struct cu_chunk *)(void *)(m + pre);
#ifdef MADV_HUGEPAGE
	(void)madvise(c, CU_CHUNK_MAX, MADV_HUGEPAGE);
#endif
	c->map = CU_CHUNK_MAX;
	return c;
}

void
cu_arena_free(struct cu_arena *a)
{
	struct cu_chunk	*c, *n;

	if (a == NULL)
		return;
	assert(cu_cur != a);
	for (c = a->head; c != NULL; c = n) {
		n = c->next;
		if (c->map > 0)
			(void)munmap(c, c->map);
		else
			free(c);
	}
	free(a);
}

/* The class of a block of n bytes, and its size in *sz. */
static size_t
cu_class(size_t n, size_t *sz)
{
	size_t	k, s;

	if (n <= CU_SMALL) {
		k = n == 0 ? 0 : (n - 1) / 16;
		*sz = (k + 1) * 16;
		return k;
	}
	for (k = CU_NSMALL, s = CU_SMALL * 2; s < n; k++, s *= 2)
		if (k + 1 == CU_NCLASS || s > SIZE_MAX / 4)
			cu_oom();
	*sz = s;
	return k;
}

/* n bytes of the current arena, after their size. */
static void *
cu_arena_alloc(size_t n)
{
	struct cu_arena	*a = cu_cur;
	struct cu_chunk	*c = a->head;
	unsigned char	*p;
	size_t		 k, sz, need, csz;

	k = cu_class(n, &sz);
	if (cu_failing())
		cu_oom();
	if ((p = a->free[k]) != NULL) {
		a->free[k] = *(void **)(void *)p;
		return p;
	}
	need = sz + CU_HDR;
	if (c == NULL || c->size - c->used < need) {
		csz = need > a->next / 4 ? need : a->next - sizeof(*c);
		if ((c = cu_chunk_new(csz)) == NULL)
			cu_oom();
		c->size = csz;
		c->used = 0;
		if (csz == need && a->head != NULL) {
			/* A large block: its own chunk, behind the head. */
			c->next = a->head->next;
			a->head->next = c;
		} else {
			c->next = a->head;
			a->head = c;
			/* A small load stays in 64 KiB; a large one goes huge. */
			a->next = CU_CHUNK_MAX;
		}
	}
	p = c->data + c->used;
	c->used += need;
	*(size_t *)(void *)p = sz;
	return p + CU_HDR;
}

static size_t
cu_size(const void *p)
{
	return *(const size_t *)(const void *)((const unsigned char *)p -
	    CU_HDR);
}

void
cu_free(void *p)
{
	size_t	k, sz;

	if (cu_cur == NULL) {
		free(p);
		return;
	}
	if (p == NULL)
		return;
	k = cu_class(cu_size(p), &sz);
	*(void **)p = cu_cur->free[k];
	cu_cur->free[k] = p;
}

void *
cu_calloc(size_t n, size_t sz)
{
	void	*p;

	if (sz != 0 && n > SIZE_MAX / sz)
		cu_oom();
	if (cu_cur != NULL) {
		p = cu_arena_alloc(n * sz);
		memset(p, 0, n * sz);
		return p;
	}
	if (cu_failing() ||
	    (p = calloc(n == 0 ? 1 : n, sz == 0 ? 1 : sz)) == NULL)
		cu_oom();
	return p;
}

void *
cu_realloc(void *o, size_t n, size_t sz)
{
	void	*p;
	size_t	 have;

	if (sz != 0 && n > SIZE_MAX / sz)
		cu_oom();
	if (cu_cur != NULL) {
		if (o == NULL)
			return cu_arena_alloc(n * sz);
		if (n * sz <= (have = cu_size(o)))
			return o;
		p = cu_arena_alloc(n * sz);
		memcpy(p, o, have);
		cu_free(o);
		return p;
	}
	if (cu_failing() ||
	    (p = realloc(o, n * sz == 0 ? 1 : n * sz)) == NULL)
		cu_oom();
	return p;
}

char *
cu_strndup(const char *s, size_t n)
{
	char	*p;

	n = strnlen(s, n);
	p = cu_cur != NULL ? cu_arena_alloc(n + 1) : NULL;
	if (p == NULL && (cu_failing() || (p = malloc(n + 1)) == NULL))
		cu_oom();
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *
cu_strdup(const char *s)
{
	if (s == NULL)
		return NULL;
	return cu_strndup(s, strlen(s));
}

char *
cu_vasprintf(const char *fmt, va_list ap)
{
	va_list	 aq;
	char	 buf[256], *s;
	int	 n;

	va_copy(aq, ap);
	n = vsnprintf(buf, sizeof(buf), fmt, aq);
	va_end(aq);
	if (n < 0)
		cu_oom();
	if ((size_t)n < sizeof(buf))
		return cu_strndup(buf, (size_t)n);
	s = cu_calloc((size_t)n + 1, 1);
	(void)vsnprintf(s, (size_t)n + 1, fmt, ap);
	return s;
}

char *
cu_asprintf(const char *fmt, ...)
{
	va_list	 ap;
	char	*s;

	va_start(ap, fmt);
	s = cu_vasprintf(fmt, ap);
	va_end(ap);
	return s;
}

/* Append s (copied to the heap, whatever the arena) to m, the caller's. */
void
cu_msgs_add_heap(struct cfg_msgs *m, const char *s)
{
	char	**v, *d;

	if (cu_failing() || (d = strdup(s)) == NULL)
		cu_oom();
	if (cu_failing() ||
	    (v = reallocarray(m->v, m->n + 1, sizeof(*v))) == NULL) {
		free(d);
		cu_oom();
	}
	m->v = v;
	m->v[m->n++] = d;
}

void
cu_msgs_add(struct cfg_msgs *m, char *s)
{
	m->v = cu_realloc(m->v, m->n + 1, sizeof(*m->v));
	m->v[m->n++] = s;
}


void
cu_sb_addn(struct cu_sbuf *b, const char *s, size_t n)
{
	if (b->len + n + 1 > b->cap) {
		b->cap = (b->len + n + 1) * 2;
		b->s = cu_realloc(b->s, b->cap, 1);
	}
	memcpy(b->s + b->len, s, n);
	b->len += n;
	b->s[b->len] = '\0';
}

void
cu_sb_add(struct cu_sbuf *b, const char *s)
{
	cu_sb_addn(b, s, strlen(s));
}

void
cu_sb_addc(struct cu_sbuf *b, char c)
{
	cu_sb_addn(b, &c, 1);
}

char *
cu_sb_take(struct cu_sbuf *b)
{
	char	*s;

	s = b->s != NULL ? b->s : cu_strdup("");
	b->s = NULL;
	b->len = b->cap = 0;
	return s;
}

void
cu_kvl_set(struct cu_kvl *l, const char *k, const char *v)
{
	size_t	i;

	for (i = 0; i < l->n; i++)
		if (strcmp(l->k[i], k) == 0) {
			cu_free(l->v[i]);
			l->v[i] = cu_strdup(v);
			return;
		}
	l->k = cu_realloc(l->k, l->n + 1, sizeof(*l->k));
	l->v = cu_realloc(l->v, l->n + 1, sizeof(*l->v));
	l->k[l->n] = cu_strdup(k);
	l->v[l->n] = cu_strdup(v);
	l->n++;
}

const char *
cu_kvl_get(const struct cu_kvl *l, const char *k)
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
cu_kvl_free(struct cu_kvl *l)
{
	size_t	i;

	for (i = 0; i < l->n; i++) {
		cu_free(l->k[i]);
		cu_free(l->v[i]);
	}
	cu_free(l->k);
	cu_free(l->v);
	memset(l, 0, sizeof(*l));
}

bool
cu_isspace(int c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' ||
	    c == '\v' || c == '\f' || (c >= 0x1c && c <= 0x1f);
}

/* Python's str.strip(): a new string. */
char *
cu_strip(const char *s, size_t n)
{
	while (n > 0 && cu_isspace((unsigned char)*s)) {
		s++;
		n--;
	}
	while (n > 0 && cu_isspace((unsigned char)s[n - 1]))
		n--;
	return cu_strndup(s, n);
}

void
cu_lower(char *s)
{
	for (; *s != '\0'; s++)
		*s = (char)tolower((unsigned char)*s);
}

/* os.path.cu_expanduser */
char *
cu_expanduser(const char *v)
{
	const char	*home, *rest;
	struct passwd	*pw;
	char		*name;

	if (v[0] != '~')
		return cu_strdup(v);
	rest = strchr(v, '/');
	if (rest == NULL)
		rest = v + strlen(v);
	if (rest == v + 1) {
		if ((home = getenv("HOME")) == NULL) {
			if ((pw = getpwuid(getuid())) == NULL)
				return cu_strdup(v);
			home = pw->pw_dir;
		}
	} else {
		name = cu_strndup(v + 1, (size_t)(rest - v - 1));
		pw = getpwnam(name);
		cu_free(name);
		if (pw == NULL)
			return cu_strdup(v);
		home = pw->pw_dir;
	}
	if (strcmp(home, "/") == 0 && *rest == '/')
		home = "";
	return cu_asprintf("%s%s", home, rest);
}

/* os.path.cu_normpath */
char *
cu_normpath(const char *p)
{
	struct cu_sbuf	 out = { 0 };
	const char	**parts, *s, *e;
	size_t		 n = 0, i, cap;
	int		 initial;

	if (*p == '\0')
		return cu_strdup(".");
	initial = 0;
	if (p[0] == '/')
		initial = (p[1] == '/' && p[2] != '/') ? 2 : 1;
	cap = strlen(p) + 1;
	parts = cu_calloc(cap, sizeof(*parts));
	size_t *lens = cu_calloc(cap, sizeof(*lens));
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
		cu_sb_addc(&out, '/');
	for (i = 0; i < n; i++) {
		if (i > 0)
			cu_sb_addc(&out, '/');
		cu_sb_addn(&out, parts[i], lens[i]);
	}
	cu_free(parts);
	cu_free(lens);
	if (out.len == 0)
		cu_sb_addc(&out, '.');
	return cu_sb_take(&out);
}

/* os.path.cu_abspath */
char *
cu_abspath(const char *p)
{
	char	cwd[PATH_MAX], *j, *r;

	if (p[0] == '/')
		return cu_normpath(p);
	if (getcwd(cwd, sizeof(cwd)) == NULL)
		snprintf(cwd, sizeof(cwd), "%s", ".");
	j = cu_asprintf("%s/%s", cwd, p);
	r = cu_normpath(j);
	cu_free(j);
	return r;
}

/* os.path.dirname */
char *
cu_dirname(const char *p)
{
	const char	*sl;
	size_t		 n;

	if ((sl = strrchr(p, '/')) == NULL)
		return cu_strdup("");
	n = (size_t)(sl - p) + 1;
	while (n > 1 && p[n - 1] == '/')
		n--;
	if (n == 1 && p[0] == '/')
		return cu_strdup("/");
	return cu_strndup(p, n == 1 && p[0] != '/' ? n : n);
}

/*
 * The last directories asked about during one cfg_load: thousands of
 * programs name the same few (directory=, their log files' directories),
 * and a stat each was a tenth of the load time.
 */
#define CU_DIRCACHE_N	4
static struct {
	char	*path;
	bool	 dir;
}		 cu_dircache[CU_DIRCACHE_N];
static size_t	 cu_dircache_next;
bool	 cu_dircache_on;		/* inside cfg_load */

void
cu_dircache_clear(void)
{
	size_t	i;

	/* The paths were the load's, in its arena. */
	for (i = 0; i < CU_DIRCACHE_N; i++)
		cu_dircache[i].path = NULL;
	cu_dircache_next = 0;
}

bool
cu_is_dir(const char *p)
{
	struct stat	st;
	size_t		i;
	bool		dir;

	for (i = 0; cu_dircache_on && i < CU_DIRCACHE_N; i++)
		if (cu_dircache[i].path != NULL &&
		    strcmp(cu_dircache[i].path, p) == 0)
			return cu_dircache[i].dir;
	dir = stat(p, &st) == 0 && S_ISDIR(st.st_mode);
	if (cu_dircache_on) {
		cu_free(cu_dircache[cu_dircache_next].path);
		cu_dircache[cu_dircache_next].path = cu_strdup(p);
		cu_dircache[cu_dircache_next].dir = dir;
		cu_dircache_next = (cu_dircache_next + 1) % CU_DIRCACHE_N;
	}
	return dir;
}

bool
cu_has_prefix(const char *s, const char *p)
{
	return strncmp(s, p, strlen(p)) == 0;
}

bool
cu_in_list(const char *const *l, const char *k)
{
	if (l == NULL)
		return false;
	for (; *l != NULL; l++)
		if (**l == *k && strcmp(*l, k) == 0)
			return true;
	return false;
}

int
cu_strcmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* list_of_strings: comma-separated, each stripped; "" is no item. */
char **
cu_split_commas(const char *v, size_t *n)
{
	char		**l = NULL;
	const char	 *p, *q;

	*n = 0;
	if (*v == '\0')
		return NULL;
	for (p = v;; p = q + 1) {
		q = strchr(p, ',');
		l = cu_realloc(l, *n + 1, sizeof(*l));
		l[(*n)++] = cu_strip(p, q == NULL ? strlen(p) :
		    (size_t)(q - p));
		if (q == NULL)
			break;
	}
	return l;
}

void
cu_strv_free(char **l, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++)
		cu_free(l[i]);
	cu_free(l);
}
