/*
 * config_mem: the memory of a parsed configuration: freeing it, copying a
 * load's result out of its arena, the lists of clamped numbers.  The cfg_
 * functions are public, through config.h; the others are internal to the
 * configuration reader (config*.c).
 */
#ifndef SUPERVISORD_CONFIG_MEM_H
#define SUPERVISORD_CONFIG_MEM_H

#include <stddef.h>

#include "supervisord/config_defs.h"

/*
 * Free what cfg_load (cfg_ctl_load) returned, a stanza moved out of it
 * (STYLE.md §4), a list of messages; each accepts NULL.
 */
void	cfg_free(struct cfg *c);
void	cfg_program_free(struct cfg_program *p);
void	cfg_ctl_free(struct cfg_ctl *cc);
void	cfg_msgs_free(struct cfg_msgs *m);

/* A copy of p, one block as a loaded stanza is; NULL out of memory. */
struct cfg_program *cfg_program_dup(const struct cfg_program *p);

/* The text of key among big (a clamped number), or NULL. */
const char *cfg_big(const struct cfg_bignum *big, size_t n, const char *key);

/* Append key's text (taken) to a list of clamped numbers; NULL: none. */
void	cfg_big_add(struct cfg_bignum **v, size_t *n, const char *key,
	    char *text);
void	cfg_big_free(struct cfg_bignum *v, size_t n);
/* What a group holds (not the struct itself). */
void	cfg_group_fields_free(struct cfg_group *g);
/*
 * A heap copy of a (a load's result, in its arena), block by block, for
 * cfg_free and cfg_program_free, and of its kept[].  Out of memory: what
 * was copied is freed, then cu_oom().  Called outside the arena
 * (cu_arena_use(NULL)).
 */
struct cfg *cfg_copy(const struct cfg *a);
/*
 * The running stanza keep finds for p (a process just read) when p is
 * the same as it (cfg_load_keep), or NULL: p is to be kept.  Never for
 * a listener's or a FastCGI program's, whose groups decide too.
 */
const struct cfg_program *cfg_kept_as(const struct cfg_keep *keep,
	    const struct cfg_program *p);
struct cfg_ctl *cfg_ctl_copy(const struct cfg_ctl *a);

#endif /* SUPERVISORD_CONFIG_MEM_H */
