/*
 * strhash: the one string hash of the daemon's tables (FNV-1a, then
 * murmur3's finalizer).  FNV-1a alone leaves the low bits that pick a
 * bucket poorly mixed for names that differ in a digit or two: 5000
 * programs p0..p4999 fell into 2174 of 8192 buckets, chains up to 13
 * long; finalized, 3729 buckets and at most 5.
 */
#ifndef SUPERVISORD_STRHASH_H
#define SUPERVISORD_STRHASH_H

#include <stdint.h>

/* The hash of s. */
uint32_t	sh_str(const char *s);

/* The hash of the pair (a, b): "a" "\0" "b", as one string. */
uint32_t	sh_pair(const char *a, const char *b);

#endif
