/*
 * xmlrpc_mem: the memory of one decoded document, the codec's own (the
 * decoder fills it, xr_val_free empties it).  An arena: what the decoder
 * builds is carved out of it, and it goes whole when the document's top
 * value goes, which it holds in its first chunk (XR_F_ROOT).
 */
#ifndef SUPERVISORD_XMLRPC_MEM_H
#define SUPERVISORD_XMLRPC_MEM_H

#include <stddef.h>

struct xr_mem;

/*
 * A new arena, with room for a root of that many bytes at a place from
 * which the arena can be found again.  NULL when memory ran out.
 */
struct xr_mem	*xr_mem_new(size_t root);
/* size bytes aligned for any value, or NULL when memory ran out. */
void		*xr_mem_alloc(struct xr_mem *m, size_t size);
/* The room for the root, and the arena of that room. */
void		*xr_mem_root(struct xr_mem *m);
struct xr_mem	*xr_mem_of(void *root);
/* Free the arena, the top value with it; NULL is fine. */
void		 xr_mem_free(struct xr_mem *m);

#endif /* SUPERVISORD_XMLRPC_MEM_H */
