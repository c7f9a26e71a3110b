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
struct cu_sbuf {
	char	*s;
	size_t	 len, cap;
};

/* An ordered string map; set keeps a key's first position, as a dict. */
struct cu_kvl {
	char	**k;
	char	**v;
	size_t	  n;
};

/*
 * Out of memory: jump to jb of cu_oom_catch (a load in progress, which
 * then frees its arena and returns NULL), else abort.  The x* functions
 * below call it.  NULL: no load in progress.  Returns the previous jb,
 * for a catch that cleans up and jumps on (cu_oom again).
 */
jmp_buf *cu_oom_catch(jmp_buf *jb);
void	cu_oom(void) __attribute__((noreturn));

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
void	cu_msgs_add_heap(struct cfg_msgs *m, const char *s);
char *	cu_vasprintf(const char *fmt, va_list ap)
	    __attribute__((format(printf, 1, 0)));

void *	cu_calloc(size_t n, size_t sz);
void *	cu_realloc(void *o, size_t n, size_t sz);
char *	cu_strdup(const char *s);
char *	cu_strndup(const char *s, size_t n);
char *	cu_asprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void	cu_msgs_add(struct cfg_msgs *m, char *s);
void	cu_sb_addn(struct cu_sbuf *b, const char *s, size_t n);
void	cu_sb_add(struct cu_sbuf *b, const char *s);
void	cu_sb_addc(struct cu_sbuf *b, char c);
char *	cu_sb_take(struct cu_sbuf *b);
void	cu_kvl_set(struct cu_kvl *l, const char *k, const char *v);
const char *	cu_kvl_get(const struct cu_kvl *l, const char *k);
void	cu_kvl_free(struct cu_kvl *l);
bool	cu_isspace(int c);
char *	cu_strip(const char *s, size_t n);
void	cu_lower(char *s);
char *	cu_expanduser(const char *v);
char *	cu_normpath(const char *p);
char *	cu_abspath(const char *p);
char *	cu_dirname(const char *p);
extern bool	 cu_dircache_on;
void	cu_dircache_clear(void);
bool	cu_is_dir(const char *p);
bool	cu_has_prefix(const char *s, const char *p);
bool	cu_in_list(const char *const *l, const char *k);
int	cu_strcmp(const void *a, const void *b);
char **	cu_split_commas(const char *v, size_t *n);
void	cu_strv_free(char **l, size_t n);

#endif /* SUPERVISORD_CONFIG_UTIL_H */
