/*
 * linebuf: what reaches emit, call by call, for streams fed in pieces;
 * and what the struct holds in between.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>

#include "libproc/linebuf.h"

Suite	*linebuf_suite(void);

/* Everything emitted, in order, and where each call ended. */
struct rec {
	char	*out;
	size_t	 len;
	size_t	 cap;
	size_t	 calls;
	size_t	 ends[64];	/* out offset after each of the first calls */
	size_t	 maxcall;	/* longest single call */
	size_t	 partial;	/* calls not ending in '\n' */
};

static void
rec_emit(void *arg, const char *data, size_t len)
{
	struct rec	*r = arg;

	ck_assert_uint_gt(len, 0);
	if (r->len + len > r->cap) {
		r->cap = (r->len + len) * 2;
		r->out = realloc(r->out, r->cap);
		ck_assert_ptr_nonnull(r->out);
	}
	memcpy(r->out + r->len, data, len);
	r->len += len;
	if (r->calls < 64)
		r->ends[r->calls] = r->len;
	r->calls++;
	if (len > r->maxcall)
		r->maxcall = len;
	if (data[len - 1] != '\n')
		r->partial++;
}

static void
rec_reset(struct rec *r)
{
	free(r->out);
	memset(r, 0, sizeof(*r));
}

static void
assert_emitted(const struct rec *r, const char *want)
{
	ck_assert_uint_eq(r->len, strlen(want));
	ck_assert(memcmp(r->out, want, r->len) == 0);
}

static size_t
feed(struct proc_lbuf *lb, const char *s, size_t max, struct rec *r)
{
	return proc_lbuf_feed(lb, s, strlen(s), max, rec_emit, r);
}

START_TEST(test_lbuf_complete_lines_one_emit)
{
	struct proc_lbuf	lb = { 0 };
	struct rec		r = { 0 };

	ck_assert_uint_eq(feed(&lb, "a\nbb\nccc\n", 100, &r), 9);
	ck_assert_uint_eq(r.calls, 1);
	assert_emitted(&r, "a\nbb\nccc\n");
	ck_assert_ptr_null(lb.buf);
	ck_assert_uint_eq(proc_lbuf_pending(&lb), 0);
	rec_reset(&r);
}
END_TEST

START_TEST(test_lbuf_partial_line_kept)
{
	struct proc_lbuf	lb = { 0 };
	struct rec		r = { 0 };

	ck_assert_uint_eq(feed(&lb, "a\nb\npar", 100, &r), 4);
	ck_assert_uint_eq(r.calls, 1);
	assert_emitted(&r, "a\nb\n");
	ck_assert_uint_eq(proc_lbuf_pending(&lb), 3);
	ck_assert_ptr_nonnull(lb.buf);

	/* No newline: nothing emitted. */
	ck_assert_uint_eq(feed(&lb, "ti", 100, &r), 0);
	ck_assert_uint_eq(r.calls, 1);
	ck_assert_uint_eq(proc_lbuf_pending(&lb), 5);

	/* The pending line completed in one call, then the run in one. */
	ck_assert_uint_eq(feed(&lb, "al\nx\ny\nz", 100, &r), 12);
	ck_assert_uint_eq(r.calls, 3);
	ck_assert_uint_eq(r.ends[1], 12);
	assert_emitted(&r, "a\nb\npartial\nx\ny\n");
	ck_assert_uint_eq(proc_lbuf_pending(&lb), 1);
	ck_assert_uint_eq(r.partial, 0);
	proc_lbuf_free(&lb);
	ck_assert_ptr_null(lb.buf);
	rec_reset(&r);
}
END_TEST

/* Random lines fed 1 to 7 bytes at a time come out whole and in order. */
START_TEST(test_lbuf_small_feeds_assemble_lines)
{
	enum { LEN = 100000 };
	struct proc_lbuf	lb = { 0 };
	struct rec		r = { 0 };
	unsigned long		seed = 3;
	char			*in;
	size_t			i, n, l, off;

	in = malloc(LEN);
	ck_assert_ptr_nonnull(in);
	for (i = 0; i < LEN; i += l) {
		seed = seed * 6364136223846793005UL + 1442695040888963407UL;
		l = 1 + (seed >> 33) % 120;
		if (l > LEN - i)
			l = LEN - i;
		memset(in + i, 'a' + (int)(i % 26), l - 1);
		in[i + l - 1] = '\n';
	}
	for (off = 0; off < LEN; off += n) {
		seed = seed * 6364136223846793005UL + 1442695040888963407UL;
		n = 1 + (seed >> 33) % 7;
		if (n > LEN - off)
			n = LEN - off;
		proc_lbuf_feed(&lb, in + off, n, 4096, rec_emit, &r);
		ck_assert_uint_le(lb.cap, 4096);
	}
	ck_assert_uint_eq(r.partial, 0);
	ck_assert_uint_eq(r.len, LEN);
	ck_assert(memcmp(r.out, in, LEN) == 0);
	ck_assert_ptr_null(lb.buf);
	ck_assert_uint_eq(proc_lbuf_flush(&lb, rec_emit, &r), 0);
	free(in);
	rec_reset(&r);
}
END_TEST

/* 10 MiB with no line end: never more than max bytes held. */
START_TEST(test_lbuf_memory_bounded)
{
	enum { CHUNK = 4096, TOTAL = 10 << 20, MAX = 1000 };
	struct proc_lbuf	lb = { 0 };
	struct rec		r = { 0 };
	char			*chunk, *big;
	size_t			off, emitted = 0;

	chunk = malloc(CHUNK);
	ck_assert_ptr_nonnull(chunk);
	memset(chunk, 'z', CHUNK);
	for (off = 0; off < TOTAL; off += CHUNK) {
		emitted += proc_lbuf_feed(&lb, chunk, CHUNK, MAX, rec_emit,
		    &r);
		ck_assert_uint_le(lb.cap, MAX);
		ck_assert_uint_le(lb.len, MAX);
		ck_assert_uint_eq(emitted + lb.len, off + CHUNK);
	}
	ck_assert_uint_eq(r.maxcall, MAX);
	ck_assert_uint_eq(r.len, emitted);
	ck_assert_uint_eq(r.len, r.calls * MAX);
	emitted += proc_lbuf_flush(&lb, rec_emit, &r);
	ck_assert_uint_eq(emitted, TOTAL);
	ck_assert_uint_eq(r.len, TOTAL);
	ck_assert_ptr_null(lb.buf);
	rec_reset(&r);

	/* One 10 MiB feed: the pieces come straight from the data. */
	big = malloc(TOTAL);
	ck_assert_ptr_nonnull(big);
	memset(big, 'q', TOTAL);
	emitted = proc_lbuf_feed(&lb, big, TOTAL, MAX, rec_emit, &r);
	ck_assert_uint_eq(emitted, TOTAL - TOTAL % MAX);
	ck_assert_uint_eq(lb.len, TOTAL % MAX);
	ck_assert_uint_le(lb.cap, MAX);
	proc_lbuf_free(&lb);
	free(big);
	free(chunk);
	rec_reset(&r);
}
END_TEST

START_TEST(test_lbuf_long_line_in_pieces)
{
	struct proc_lbuf	lb = { 0 };
	struct rec		r = { 0 };

	/* Complete on arrival: passed on whole, whatever max. */
	ck_assert_uint_eq(feed(&lb, "abcdefghij\n", 4, &r), 11);
	ck_assert_uint_eq(r.calls, 1);
	rec_reset(&r);

	/* Pending: pieces of max bytes, then the rest with its '\n'. */
	ck_assert_uint_eq(feed(&lb, "ab", 4, &r), 0);
	ck_assert_uint_eq(feed(&lb, "cdefghij\nk", 4, &r), 11);
	ck_assert_uint_eq(r.calls, 3);
	ck_assert_uint_eq(r.ends[0], 4);
	ck_assert_uint_eq(r.ends[1], 8);
	assert_emitted(&r, "abcdefghij\n");
	ck_assert_uint_eq(proc_lbuf_pending(&lb), 1);
	ck_assert_uint_le(lb.cap, 4);

	/* Exactly max pending is kept; the next byte of it makes a piece. */
	ck_assert_uint_eq(feed(&lb, "lmn", 4, &r), 0);
	ck_assert_uint_eq(feed(&lb, "\n", 4, &r), 5);
	assert_emitted(&r, "abcdefghij\nklmn\n");
	ck_assert_ptr_null(lb.buf);
	rec_reset(&r);
}
END_TEST

START_TEST(test_lbuf_flush)
{
	struct proc_lbuf	lb = { 0 };
	struct rec		r = { 0 };

	feed(&lb, "done\nno newline at exit", 100, &r);
	ck_assert_uint_eq(proc_lbuf_flush(&lb, rec_emit, &r), 18);
	assert_emitted(&r, "done\nno newline at exit");
	ck_assert_uint_eq(r.calls, 2);
	ck_assert_ptr_null(lb.buf);
	ck_assert_uint_eq(lb.cap, 0);
	/* Nothing pending: no call. */
	ck_assert_uint_eq(proc_lbuf_flush(&lb, rec_emit, &r), 0);
	ck_assert_uint_eq(r.calls, 2);
	/* Usable again. */
	ck_assert_uint_eq(feed(&lb, "again\n", 100, &r), 6);
	rec_reset(&r);
}
END_TEST

/* Quiet streams, and streams between lines, hold no buffer. */
START_TEST(test_lbuf_idle_holds_no_memory)
{
	enum { N = 1000 };
	struct proc_lbuf	*lbs;
	struct rec		 r = { 0 };
	size_t			 i;

	lbs = calloc(N, sizeof(*lbs));
	ck_assert_ptr_nonnull(lbs);
	for (i = 0; i < N; i++) {
		feed(&lbs[i], "half a ", 1024, &r);
		ck_assert_ptr_nonnull(lbs[i].buf);
		feed(&lbs[i], "line\nand one more\n", 1024, &r);
		ck_assert_ptr_null(lbs[i].buf);
		ck_assert_uint_eq(lbs[i].cap, 0);
		ck_assert_uint_eq(lbs[i].len, 0);
	}
	ck_assert_uint_eq(r.partial, 0);
	ck_assert_uint_eq(r.len, N * strlen("half a line\nand one more\n"));
	free(lbs);
	rec_reset(&r);
}
END_TEST

START_TEST(test_lbuf_empty_feed_and_no_bound)
{
	struct proc_lbuf	lb = { 0 };
	struct rec		r = { 0 };
	char			buf[100000];

	ck_assert_uint_eq(proc_lbuf_feed(&lb, "", 0, 10, rec_emit, &r), 0);
	ck_assert_ptr_null(lb.buf);
	memset(buf, 'n', sizeof(buf));
	/* max 0: no bound, the partial line is all kept. */
	ck_assert_uint_eq(proc_lbuf_feed(&lb, buf, sizeof(buf), 0, rec_emit,
	    &r), 0);
	ck_assert_uint_eq(r.calls, 0);
	ck_assert_uint_eq(proc_lbuf_pending(&lb), sizeof(buf));
	ck_assert_uint_eq(proc_lbuf_feed(&lb, "\n", 1, 0, rec_emit, &r),
	    sizeof(buf) + 1);
	ck_assert_uint_eq(r.calls, 1);
	proc_lbuf_free(&lb);
	proc_lbuf_free(NULL);
	rec_reset(&r);
}
END_TEST

Suite *
linebuf_suite(void)
{
	Suite	*s;
	TCase	*tc;

	s = suite_create("linebuf");
	tc = tcase_create("linebuf");
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, test_lbuf_complete_lines_one_emit);
	tcase_add_test(tc, test_lbuf_partial_line_kept);
	tcase_add_test(tc, test_lbuf_small_feeds_assemble_lines);
	tcase_add_test(tc, test_lbuf_memory_bounded);
	tcase_add_test(tc, test_lbuf_long_line_in_pieces);
	tcase_add_test(tc, test_lbuf_flush);
	tcase_add_test(tc, test_lbuf_idle_holds_no_memory);
	tcase_add_test(tc, test_lbuf_empty_feed_and_no_bound);
	suite_add_tcase(s, tc);
	return s;
}
