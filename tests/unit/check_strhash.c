/*
 * Unit tests for supervisord/strhash: the pair hash keeps the split, and
 * the names a large configuration has (p0..p4999, each its own group)
 * spread over a table's buckets.
 */
#include <stdio.h>
#include <string.h>

#include <check.h>

#include "supervisord/strhash.h"

Suite	*strhash_suite(void);

START_TEST(test_pair_is_the_joined_string)
{
	ck_assert_uint_eq(sh_pair("ab", "c"), sh_pair("ab", "c"));
	ck_assert_uint_ne(sh_pair("ab", "c"), sh_pair("a", "bc"));
	ck_assert_uint_ne(sh_pair("x", ""), sh_pair("", "x"));
	ck_assert_uint_ne(sh_str("program:a"), sh_str("program:b"));
}
END_TEST

/*
 * 5000 names into 8192 buckets by the low bits, as supervisor.c and
 * reload.c index them: random keys would use about 3740 buckets with
 * chains of at most 5 or 6.  FNV-1a alone used 2174, with a chain of 13.
 */
START_TEST(test_low_bits_spread_similar_names)
{
	static unsigned	 b[8192], c[8192];
	char		 name[32];
	unsigned	 used = 0, cused = 0, most = 0;
	size_t		 i;

	memset(b, 0, sizeof(b));
	memset(c, 0, sizeof(c));
	for (i = 0; i < 5000; i++) {
		snprintf(name, sizeof(name), "p%zu", i);
		b[sh_pair(name, name) & 8191]++;
		snprintf(name, sizeof(name), "program:p%zu", i);
		c[sh_str(name) & 8191]++;
	}
	for (i = 0; i < 8192; i++) {
		used += b[i] > 0;
		cused += c[i] > 0;
		if (b[i] > most)
			most = b[i];
		if (c[i] > most)
			most = c[i];
	}
	ck_assert_msg(used > 3500 && cused > 3500, "buckets used: %u and %u "
	    "of 8192", used, cused);
	ck_assert_uint_le(most, 8);
}
END_TEST

Suite *
strhash_suite(void)
{
	Suite	*s = suite_create("strhash");
	TCase	*tc = tcase_create("hash");

	tcase_add_test(tc, test_pair_is_the_joined_string);
	tcase_add_test(tc, test_low_bits_spread_similar_names);
	suite_add_tcase(s, tc);
	return s;
}
