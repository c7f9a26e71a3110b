/*
 * skip: a test that cannot run on this machine says so, on a line of its
 * own with the reason, and is counted; the runner prints the count at the
 * end.  Each skip names what it needs ("root", "tmpfs", "unshare",
 * "mandoc", ...): where $REQUIRE (a comma-separated list, or "all") names
 * it, the skip is a failure instead, so that CI, which can do these
 * things, never passes by skipping them.
 */
#ifndef TESTS_SKIP_H
#define TESTS_SKIP_H

#include <stdbool.h>

/* Whether $REQUIRE names need (or is "all"). */
bool	 th_required(const char *need);

/*
 * Skip the running test, which needs need: print "SKIP: TEST: reason
 * (needs NEED)" and count it, or fail the test (ck_abort) when need is
 * required.  The caller returns after it.  th_skip() names the test from
 * __func__.
 */
void	 th_skip_at(const char *test, const char *need, const char *fmt, ...)
	    __attribute__((format(printf, 3, 4)));
#define th_skip(need, ...)	th_skip_at(__func__, (need), __VA_ARGS__)

/*
 * For the runner: start counting skips in $TH_SKIPS (made in $TMPDIR when
 * unset, and Check's TEMP pointed at $TMPDIR too); at the end, print the
 * skips again and the closing line "WHAT: N passed, N failed, N skipped"
 * (the three numbers also into the file $TH_SUMMARY names, if set).
 */
void	 th_skips_begin(void);
void	 th_skips_end(const char *what, int run, int failed);

#endif /* TESTS_SKIP_H */
