/*
 * logtail: a follower on a real loop over real files in a fresh temp
 * dir.  The consumer collects what it is handed; "ready" breaks the loop,
 * a deadline timer bounds every wait.
 */
#include <sys/stat.h>
#include <sys/vfs.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <check.h>
#include <ev.h>

#include "supervisord/logtail.h"
#include "tests/skip.h"

Suite	*logtail_suite(void);

#define GOT_MAX	(1024 * 1024)

static char	 tmpdir[256];
static char	 logpath[PATH_MAX];
static struct ev_loop *loop;
static char	*got;		/* what the consumer was handed */
static size_t	 ngot;
static size_t	 maxcall;	/* the largest single hand-over */
static int	 nready;

static void
got_data(void *arg, const void *buf, size_t len)
{
	(void)arg;
	ck_assert_uint_le(ngot + len, GOT_MAX);
	memcpy(got + ngot, buf, len);
	ngot += len;
	if (len > maxcall)
		maxcall = len;
}

static void
got_ready(void *arg)
{
	(void)arg;
	nready++;
	ev_break(loop, EVBREAK_ALL);
}

static const struct lt_consumer consumer = { got_data, got_ready, NULL };

static void
setup(void)
{
	const char	*t;

	if ((t = getenv("TMPDIR")) == NULL)
		t = "/tmp";
	snprintf(tmpdir, sizeof(tmpdir), "%s/check_logtail.XXXXXX", t);
	ck_assert_ptr_nonnull(mkdtemp(tmpdir));
	snprintf(logpath, sizeof(logpath), "%s/out.log", tmpdir);
	loop = ev_loop_new(EVFLAG_AUTO);
	ck_assert_ptr_nonnull(loop);
	got = malloc(GOT_MAX);
	ck_assert_ptr_nonnull(got);
	ngot = maxcall = 0;
	nready = 0;
}

static void
teardown(void)
{
	char	cmd[PATH_MAX + 16];

	ev_loop_destroy(loop);
	free(got);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	if (system(cmd) != 0)
		fprintf(stderr, "couldn't remove %s\n", tmpdir);
}

static void
deadline_cb(struct ev_loop *l, ev_timer *w, int revents)
{
	(void)w;
	(void)revents;
	ev_break(l, EVBREAK_ALL);
}

/* Run the loop until the follower is ready or ms have passed. */
static bool
wait_ready(int ms)
{
	ev_timer	deadline;
	int		before = nready;

	ev_timer_init(&deadline, deadline_cb, ms / 1000.0, 0.);
	ev_timer_start(loop, &deadline);
	ev_run(loop, 0);
	ev_timer_stop(loop, &deadline);
	return nready > before;
}

/* Append text to path (created if missing). */
static void
append(const char *path, const char *text, size_t len)
{
	int	fd;

	fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
	ck_assert_int_ne(fd, -1);
	ck_assert_int_eq(write(fd, text, len), (ssize_t)len);
	close(fd);
}

static void
append_s(const char *path, const char *text)
{
	append(path, text, strlen(text));
}

/* Pump everything there is; the status of the last pump. */
static enum lt_status
drain(struct lt_follow *f)
{
	enum lt_status	st;

	while ((st = lt_pump(f, 1 << 20)) == LT_MORE)
		;
	return st;
}

/* Wait for the follower, then pump until got ends with want. */
static void
expect(struct lt_follow *f, const char *want)
{
	size_t	len = strlen(want);
	int	tries;

	for (tries = 0; tries < 50; tries++) {
		drain(f);
		if (ngot >= len && memcmp(got + ngot - len, want, len) == 0)
			return;
		ck_assert_msg(wait_ready(2000), "no change reported, got "
		    "'%.*s', want '%s'", (int)ngot, got, want);
	}
	ck_abort_msg("got '%.*s', want '%s'", (int)ngot, got, want);
}

START_TEST(test_follow_starts_1024_bytes_before_the_end)
{
	char		 big[3000];
	struct lt_follow *f;
	size_t		 i;

	for (i = 0; i < sizeof(big); i++)
		big[i] = 'a' + i % 26;
	append(logpath, big, sizeof(big));
	f = lt_follow_new(loop, logpath, LT_HEAD, &consumer);
	ck_assert_ptr_nonnull(f);
	ck_assert_int_eq(drain(f), LT_IDLE);
	ck_assert_uint_eq(ngot, 1024);
	ck_assert(memcmp(got, big + sizeof(big) - 1024, 1024) == 0);
	lt_follow_free(f);
}
END_TEST

START_TEST(test_follow_short_file_from_its_start)
{
	struct lt_follow *f;

	append_s(logpath, "hello\n");
	f = lt_follow_new(loop, logpath, LT_HEAD, &consumer);
	ck_assert_ptr_nonnull(f);
	drain(f);
	ck_assert_uint_eq(ngot, 6);
	ck_assert(memcmp(got, "hello\n", 6) == 0);
	lt_follow_free(f);
}
END_TEST

START_TEST(test_follow_appends_arrive)
{
	struct lt_follow *f;
	int		 i;
	char		 line[32];

	append_s(logpath, "old\n");
	f = lt_follow_new(loop, logpath, 0, &consumer);
	ck_assert_ptr_nonnull(f);
	ck_assert_int_eq(drain(f), LT_IDLE);
	ck_assert_uint_eq(ngot, 0);
	for (i = 0; i < 5; i++) {
		snprintf(line, sizeof(line), "line %d\n", i);
		append_s(logpath, line);
		expect(f, line);
	}
	ck_assert_uint_eq(ngot, 5 * strlen("line 0\n"));
	lt_follow_free(f);
}
END_TEST

START_TEST(test_follow_rotation_reads_old_rest_then_new)
{
	struct lt_follow *f;
	char		 rotated[PATH_MAX + 4];

	append_s(logpath, "before\n");
	f = lt_follow_new(loop, logpath, LT_HEAD, &consumer);
	ck_assert_ptr_nonnull(f);
	drain(f);
	/* Written just before the rename: still ours, from the old file. */
	append_s(logpath, "last of old\n");
	snprintf(rotated, sizeof(rotated), "%s.1", logpath);
	ck_assert_int_eq(rename(logpath, rotated), 0);
	append_s(logpath, "first of new\n");
	expect(f, "first of new\n");
	got[ngot] = '\0';
	ck_assert_str_eq(got, "before\nlast of old\nfirst of new\n");
	append_s(logpath, "more\n");
	expect(f, "more\n");
	lt_follow_free(f);
}
END_TEST

START_TEST(test_follow_truncation_noticed)
{
	struct lt_follow *f;

	append_s(logpath, "0123456789\n");
	f = lt_follow_new(loop, logpath, LT_HEAD, &consumer);
	ck_assert_ptr_nonnull(f);
	drain(f);
	ck_assert_int_eq(truncate(logpath, 0), 0);
	expect(f, LT_TRUNCATED);
	append_s(logpath, "again\n");
	expect(f, "again\n");
	got[ngot] = '\0';
	ck_assert_str_eq(got, "0123456789\n" LT_TRUNCATED "again\n");
	lt_follow_free(f);
}
END_TEST

START_TEST(test_follow_file_that_appears_later)
{
	struct lt_follow *f;

	f = lt_follow_new(loop, logpath, LT_HEAD, &consumer);
	ck_assert_ptr_nonnull(f);
	ck_assert_int_eq(drain(f), LT_IDLE);
	ck_assert_uint_eq(ngot, 0);
	append_s(logpath, "born\n");
	/* libev watches the directory for the name: no 5 s poll wait. */
	expect(f, "born\n");
	got[ngot] = '\0';
	ck_assert_str_eq(got, "born\n");
	lt_follow_free(f);
}
END_TEST

/* The file systems libev 4.33's infy_add knows to be local. */
static bool
libev_local_fs(const char *path)
{
	static const long local[] = {
		0x1373, 0x4006, 0x4d44, 0xEF53, 0x72b6, 0x858458f6,
		0x5346544e, 0x3153464a, 0x9123683e, 0x52654973, 0x01021994,
		0x58465342
	};
	struct statfs	sfs;
	size_t		i;

	if (statfs(path, &sfs) == -1)
		return false;
	for (i = 0; i < sizeof(local) / sizeof(local[0]); i++)
		if ((long)sfs.f_type == local[i])
			return true;
	return false;
}

START_TEST(test_follow_arms_no_timer_on_a_local_file)
{
	struct lt_follow *f;

	if (!(ev_supported_backends() & EVBACKEND_EPOLL) ||
	    !libev_local_fs(tmpdir)) {
		th_skip("inotify", "%s is not on a file system libev knows "
		    "to be local", tmpdir);
		return;
	}
	append_s(logpath, "x\n");
	f = lt_follow_new(loop, logpath, LT_HEAD, &consumer);
	ck_assert_ptr_nonnull(f);
	ck_assert(!lt_polling(f));
	drain(f);
	append_s(logpath, "y\n");
	expect(f, "y\n");
	ck_assert(!lt_polling(f));
	lt_follow_free(f);
}
END_TEST

START_TEST(test_follow_reads_bounded_by_room_and_chunk)
{
	static char	 big[100000];
	struct lt_follow *f;
	size_t		 i;

	for (i = 0; i < sizeof(big); i++)
		big[i] = 'a' + i % 26;
	append(logpath, "", 0);
	f = lt_follow_new(loop, logpath, LT_HEAD, &consumer);
	ck_assert_ptr_nonnull(f);
	ck_assert_int_eq(drain(f), LT_IDLE);
	append(logpath, big, sizeof(big));
	ck_assert(wait_ready(2000));
	ck_assert_int_eq(lt_pump(f, 1000), LT_MORE);
	ck_assert_uint_eq(ngot, 1000);
	ck_assert_int_eq(lt_pump(f, 0), LT_MORE);
	ck_assert_uint_eq(ngot, 1000);
	/* A consumer that is busy is not told again until it asks: 300 ms
	 * is long for inotify, which answers within a loop iteration. */
	append_s(logpath, "z");
	ck_assert(!wait_ready(300));
	ck_assert_int_eq(drain(f), LT_IDLE);
	ck_assert_uint_eq(ngot, sizeof(big) + 1);
	ck_assert_uint_le(maxcall, LT_CHUNK);
	ck_assert(memcmp(got, big, sizeof(big)) == 0);
	lt_follow_free(f);
}
END_TEST

START_TEST(test_follow_truncation_notice_split_by_room)
{
	struct lt_follow *f;
	size_t		 i;

	append_s(logpath, "0123456789012345678901234567890123456789\n");
	f = lt_follow_new(loop, logpath, LT_HEAD, &consumer);
	ck_assert_ptr_nonnull(f);
	drain(f);
	ngot = 0;
	ck_assert_int_eq(truncate(logpath, 0), 0);
	ck_assert(wait_ready(2000));
	for (i = 0; i < sizeof(LT_TRUNCATED) - 1; i++) {
		ck_assert_int_eq(lt_pump(f, 1), LT_MORE);
		ck_assert_uint_eq(ngot, i + 1);
	}
	ck_assert_int_eq(lt_pump(f, 1), LT_IDLE);
	ck_assert(memcmp(got, LT_TRUNCATED, ngot) == 0);
	lt_follow_free(f);
}
END_TEST

START_TEST(test_follow_unreadable_or_not_a_file)
{
	struct lt_follow *f;

	if (geteuid() == 0) {
		/* root reads a mode 000 file: a directory fails instead. */
		ck_assert_int_eq(mkdir(logpath, 0755), 0);
		f = lt_follow_new(loop, logpath, LT_HEAD, &consumer);
		if (f != NULL) {
			/* open(2) of a directory O_RDONLY succeeds: nothing
			 * is read from it, and nothing breaks. */
			ck_assert_int_eq(drain(f), LT_IDLE);
			ck_assert_uint_eq(ngot, 0);
			lt_follow_free(f);
		}
		return;
	}
	append_s(logpath, "secret\n");
	ck_assert_int_eq(chmod(logpath, 0), 0);
	f = lt_follow_new(loop, logpath, LT_HEAD, &consumer);
	ck_assert_ptr_null(f);
	ck_assert_int_eq(errno, EACCES);
}
END_TEST

Suite *
logtail_suite(void)
{
	Suite	*s = suite_create("logtail");
	TCase	*tc = tcase_create("follow");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 20);
	tcase_add_test(tc, test_follow_starts_1024_bytes_before_the_end);
	tcase_add_test(tc, test_follow_short_file_from_its_start);
	tcase_add_test(tc, test_follow_appends_arrive);
	tcase_add_test(tc, test_follow_rotation_reads_old_rest_then_new);
	tcase_add_test(tc, test_follow_truncation_noticed);
	tcase_add_test(tc, test_follow_file_that_appears_later);
	tcase_add_test(tc, test_follow_arms_no_timer_on_a_local_file);
	tcase_add_test(tc, test_follow_reads_bounded_by_room_and_chunk);
	tcase_add_test(tc, test_follow_truncation_notice_split_by_room);
	tcase_add_test(tc, test_follow_unreadable_or_not_a_file);
	suite_add_tcase(s, tc);
	return s;
}
