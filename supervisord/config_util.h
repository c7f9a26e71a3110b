/*
 * config_util: allocation (in a load's arena, out of memory caught),
 * messages, growable strings, an ordered map, and the os.path functions
 * supervisor calls.
 * Internal to the configuration reader (config*.c).
 */
#ifndef SUPERVISORD_CONFIG_UTIL_H
#define SUPERVISORD_CONFIG_UTIL_H

#include <sys/types.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

#include "supervisord/config_defs.h"

/* A growable string. */
struct sbuf {
	char	*s;
	size_t	 len, cap;
};

/* An ordered string map; set keeps a key's first position, as a dict. */
struct kvl {
	char	**k;
	char	**v;
	size_t	  n;
};

/*
 * Out of memory: jump to jb of cfg_oom_catch (a load in progress, which
 * then frees its arena and returns NULL), else abort.  The x* functions
 * below call it.  NULL: no load in progress.  Returns the previous jb,
 * for a catch that cleans up and jumps on (cfg_oom again).
 */
jmp_buf *cfg_oom_catch(jmp_buf *jb);
void	cfg_oom(void) __attribute__((noreturn));

/*
 * A load's arena: while it is in use (cu_arena_use), the x* functions
 * allocate from it and cu_free does nothing; cu_arena_free frees every
 * block at once.  Outside (cu_arena_use(NULL)) they are malloc's, and
 * cu_free is free.  cu_arena_new: NULL when out of memory.
 * cu_arena_use returns the arena that was in use.
 */
struct cu_arena;
struct cu_arena *cu_arena_new(void);
struct cu_arena *cu_arena_use(struct cu_arena *a);
void	cu_arena_free(struct cu_arena *a);
void	cu_free(void *p);
/*
 * Tests only: the n-th allocation of the x* functions from now (arena
 * blocks and heap blocks alike) fails as out of memory; 0: none.
 * Returns how many were left of the previous count (0: it failed, or
 * none was set).
 */
long	cu_fail_after(long n);
/* Append a heap copy of s to m (a caller's, which outlives any arena). */
void	msgs_add_heap(struct cfg_msgs *m, const char *s);
char *	xvasprintf(const char *fmt, va_list ap)
	    __attribute__((format(printf, 1, 0)));

void *	xcalloc(size_t n, size_t sz);
void *	xrealloc(void *o, size_t n, size_t sz);
char *	xstrdup(const char *s);
char *	xstrndup(const char *s, size_t n);
char *	xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void	msgs_add(struct cfg_msgs *m, char *s);
void	sb_addn(struct sbuf *b, const char *s, size_t n);
void	sb_add(struct sbuf *b, const char *s);
void	sb_addc(struct sbuf *b, char c);
char *	sb_take(struct sbuf *b);
void	kvl_set(struct kvl *l, const char *k, const char *v);
const char *	kvl_get(const struct kvl *l, const char *k);
void	kvl_free(struct kvl *l);
bool	py_isspace(int c);
char *	strip_dup(const char *s, size_t n);
void	lower(char *s);
char *	expanduser(const char *v);
char *	normpath(const char *p);
char *	abspath(const char *p);
char *	dirname_dup(const char *p);
extern bool	 dircache_on;
void	dircache_clear(void);
bool	is_dir(const char *p);
bool	has_prefix(const char *s, const char *p);
bool	in_list(const char *const *l, const char *k);
int	str_cmp(const void *a, const void *b);
char **	split_commas(const char *v, size_t *n);
void	strv_free(char **l, size_t n);

#endif /* SUPERVISORD_CONFIG_UTIL_H */
