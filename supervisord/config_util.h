/*
 * config_util: allocation that aborts, messages, growable strings, an ordered map, and
 * the os.path functions supervisor calls.
 * Internal to the configuration reader (config*.c).
 */
#ifndef SUPERVISORD_CONFIG_UTIL_H
#define SUPERVISORD_CONFIG_UTIL_H

#include <sys/types.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

#include "supervisord/config.h"

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
 * then returns NULL and leaves what it had allocated), else abort.  The
 * x* functions below call it.  NULL: no load in progress.
 */
void	cfg_oom_catch(jmp_buf *jb);
void	cfg_oom(void) __attribute__((noreturn));

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
