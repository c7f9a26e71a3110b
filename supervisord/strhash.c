/*
 * strhash: FNV-1a with murmur3's finalizer.
 */
#include <stdint.h>

#include "supervisord/strhash.h"

#define FNV_BASIS	2166136261u
#define FNV_PRIME	16777619u

static uint32_t
fnv(uint32_t h, const char *s)
{
	for (; *s != '\0'; s++)
		h = (h ^ (unsigned char)*s) * FNV_PRIME;
	return h;
}

/* murmur3's fmix32: every bit of h reaches the low ones. */
static uint32_t
fmix(uint32_t h)
{
	h ^= h >> 16;
	h *= 0x85ebca6bu;
	h ^= h >> 13;
	h *= 0xc2b2ae35u;
	h ^= h >> 16;
	return h;
}

uint32_t
sh_str(const char *s)
{
	return fmix(fnv(FNV_BASIS, s));
}

uint32_t
sh_pair(const char *a, const char *b)
{
	/* The '\0' between them: no byte of a string, so a split shows. */
	return fmix(fnv(fnv(FNV_BASIS, a) * FNV_PRIME, b));
}
