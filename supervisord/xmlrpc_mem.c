/*
 * xmlrpc_mem: a decoded document's arena (see xmlrpc_mem.h).  A small
 * document (a request, most answers) stays in 8 KiB, then 64 KiB, of
 * the heap; a large one (getAllProcessInfo of thousands of processes)
 * goes on in 2 MiB chunks aligned for transparent huge pages where the
 * system has them (madvise): each 4 KiB page faulted in costs about
 * as much as parsing a kilobyte of its XML, so a tree of megabytes
 * faulted in page by page cost more than its parse.
 */
#include <sys/mman.h>

#include <stdint.h>
#include <stdlib.h>

#include "supervisord/xmlrpc_mem.h"

#define XM_FIRST	8192		/* the first chunk, with the root */
#define XM_SECOND	65536
#define XM_HUGE		((size_t)2 << 20)	/* a huge page */
#define XM_ALIGN	16

struct xr_chunk {
	struct xr_chunk	*next;		/* older */
	size_t		 size;		/* bytes of data */
	size_t		 used;
	size_t		 map;		/* mmap'ed length; 0: malloc'ed */
	_Alignas(XM_ALIGN) unsigned char data[];
};

/* At the start of the first chunk, the root behind it. */
struct xr_mem {
	struct xr_chunk	*head;		/* the newest chunk */
	size_t		 next;		/* the size of the next one */
};

#define XM_ROUND(n)	(((n) + XM_ALIGN - 1) & ~(size_t)(XM_ALIGN - 1))
#define XM_HEAD		XM_ROUND(sizeof(struct xr_mem))

/* A chunk of len bytes in all: malloc'ed, or huge pages from XM_HUGE. */
static struct xr_chunk *
chunk_new(size_t len)
{
	struct xr_chunk	*c;
	unsigned char	*m;
	size_t		 pre;

	if (len < XM_HUGE) {
		if ((c = malloc(len)) == NULL)
			return NULL;
		c->map = 0;
	} else {
		if ((m = mmap(NULL, len + XM_HUGE, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0)) == MAP_FAILED)
			return NULL;
		/* Aligned on a huge page, the rest unmapped. */
		pre = (XM_HUGE - (uintptr_t)m % XM_HUGE) % XM_HUGE;
		if (pre > 0)
			(void)munmap(m, pre);
		(void)munmap(m + pre + len, XM_HUGE - pre);
		c = (struct xr_chunk *)(void *)(m + pre);
#ifdef MADV_HUGEPAGE
		(void)madvise(c, len, MADV_HUGEPAGE);
#endif
		c->map = len;
	}
	c->size = len - sizeof(*c);
	c->used = 0;
	c->next = NULL;
	return c;
}

static void
chunk_free(struct xr_chunk *c)
{
	if (c->map > 0)
		(void)munmap(c, c->map);
	else
		free(c);
}

struct xr_mem *
xr_mem_new(size_t root)
{
	struct xr_chunk	*c;
	struct xr_mem	*m;

	if (root > XM_FIRST / 2 || (c = chunk_new(XM_FIRST)) == NULL)
		return NULL;
	m = (struct xr_mem *)(void *)c->data;
	c->used = XM_HEAD + XM_ROUND(root);
	m->head = c;
	m->next = XM_SECOND;
	return m;
}

void *
xr_mem_alloc(struct xr_mem *m, size_t size)
{
	struct xr_chunk	*c = m->head;
	size_t		 len;
	void		*p;

	if (size > SIZE_MAX / 2)
		return NULL;
	size = XM_ROUND(size);
	if (c->size - c->used < size) {
		len = m->next;
		if (len < size + sizeof(*c))
			len = size + sizeof(*c);
		if (len > XM_SECOND)
			len = (len + XM_HUGE - 1) / XM_HUGE * XM_HUGE;
		if ((c = chunk_new(len)) == NULL)
			return NULL;
		c->next = m->head;
		m->head = c;
		m->next = XM_HUGE;
	}
	p = c->data + c->used;
	c->used += size;
	return p;
}

void *
xr_mem_root(struct xr_mem *m)
{
	return (unsigned char *)m + XM_HEAD;
}

struct xr_mem *
xr_mem_of(void *root)
{
	return (struct xr_mem *)(void *)((unsigned char *)root - XM_HEAD);
}

void
xr_mem_free(struct xr_mem *m)
{
	struct xr_chunk	*c, *next;

	if (m == NULL)
		return;
	/* The first chunk, which holds m, is the last of the list. */
	for (c = m->head; c != NULL; c = next) {
		next = c->next;
		chunk_free(c);
	}
}
