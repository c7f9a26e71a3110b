/*
 * output: what a stream hands its owner (OUT_RAW, OUT_LOG, OUT_COMM) and
 * what capture mode keeps from its log file, on a real loop over real
 * pipes, with the log file in a fresh temp dir.  Each write that must
 * come as a read of its own is read before the next is written (the
 * pipe is empty: FIONREAD); a deadline timer bounds every wait.
 */
#include <sys/ioctl.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <check.h>
#include <ev.h>

#include "supervisord/log.h"
#include "supervisord/output.h"

Suite	*output_suite(void);

#define GOT_MAX		(1024 * 1024)
#define CALLS_MAX	1024
#define WAIT_MS		3000

#define TOK_BEGIN	"<!--XSUPERVISOR:BEGIN-->"
#define TOK_END		"<!--XSUPERVISOR:END-->"

struct call {
	enum out_what	 what;
	size_t		 off;
	size_t		 len;
};

static char	 tmpdir[256];
static char	 logpath[PATH_MAX];	/* the stream's log file */
static char	 mainlog[PATH_MAX];	/* the daemon's log */
static struct ev_loop *loop;
static char	*got;			/* the bytes of every call */
static size_t	 ngot;
static struct call calls[CALLS_MAX];
static size_t	 ncalls;
static int	 hook_mark;		/* the hook's arg */
static bool	 timed_out;

static void
hook(void *arg, struct out_stream *s, enum out_what what, const char *buf,
    size_t n)
{
	(void)s;
	ck_assert_ptr_eq(arg, &hook_mark);
	ck_assert_uint_lt(ncalls, CALLS_MAX);
	ck_assert_uint_le(ngot + n, GOT_MAX);
	memcpy(got + ngot, buf, n);
	calls[ncalls].what = what;
	calls[ncalls].off = ngot;
	calls[ncalls].len = n;
	ncalls++;
	ngot += n;
}

/* What the calls of one kind handed, joined (NUL-terminated). */
static const char *
joined(enum out_what what)
{
	static char	buf[GOT_MAX + 1];
	size_t		i, n = 0;

	for (i = 0; i < ncalls; i++)
		if (calls[i].what == what) {
			memcpy(buf + n, got + calls[i].off, calls[i].len);
			n += calls[i].len;
		}
	buf[n] = '\0';
	return buf;
}

static size_t
count(enum out_what what)
{
	size_t	i, n = 0;

	for (i = 0; i < ncalls; i++)
		n += calls[i].what == what;
	return n;
}

/* The k-th call of one kind, NUL-terminated. */
static const char *
nth(enum out_what what, size_t k)
{
	static char	buf[GOT_MAX + 1];
	size_t		i;

	for (i = 0; i < ncalls; i++)
		if (calls[i].what == what && k-- == 0) {
			memcpy(buf, got + calls[i].off, calls[i].len);
			buf[calls[i].len] = '\0';
			return buf;
		}
	ck_abort_msg("no such call");
	return NULL;
}

static void
setup(void)
{
	const char	*t;

	if ((t = getenv("TMPDIR")) == NULL)
		t = "/tmp";
	snprintf(tmpdir, sizeof(tmpdir), "%s/check_output.XXXXXX", t);
	ck_assert_ptr_nonnull(mkdtemp(tmpdir));
	snprintf(logpath, sizeof(logpath), "%s/prog.log", tmpdir);
	snprintf(mainlog, sizeof(mainlog), "%s/supervisord.log", tmpdir);
	loop = ev_loop_new(EVFLAG_AUTO);
	ck_assert_ptr_nonnull(loop);
	out_init(loop, false);
	got = malloc(GOT_MAX);
	ck_assert_ptr_nonnull(got);
	ngot = ncalls = 0;
}

static void
teardown(void)
{
	char	cmd[PATH_MAX + 16];

	out_shutdown(loop);
	ev_loop_destroy(loop);
	free(got);
	log_close();
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	if (system(cmd) != 0)
		fprintf(stderr, "couldn't remove %s\n", tmpdir);
}

static void
deadline_cb(struct ev_loop *l, ev_timer *w, int revents)
{
	(void)l;
	(void)w;
	(void)revents;
	timed_out = true;
}

/* Run the loop until pred() or ms have passed; pred()'s last value. */
static bool
run_until(bool (*pred)(const void *), const void *arg, int ms)
{
	ev_timer	deadline;

	timed_out = false;
	ev_timer_init(&deadline, deadline_cb, ms / 1000.0, 0.);
	ev_timer_start(loop, &deadline);
	while (!pred(arg) && !timed_out)
		ev_run(loop, EVRUN_ONCE);
	ev_timer_stop(loop, &deadline);
	return pred(arg);
}

struct want {
	enum out_what	 what;
	const char	*text;
};

static bool
got_text(const void *arg)
{
	const struct want *w = arg;

	return strcmp(joined(w->what), w->text) == 0;
}

/* Wait until the calls of one kind have handed exactly text. */
static void
expect(enum out_what what, const char *text)
{
	struct want	w = { what, text };

	if (!run_until(got_text, &w, WAIT_MS))
		ck_abort_msg("kind %d: got \"%s\", want \"%s\"", (int)what,
		    joined(what), text);
}

static bool
pipe_empty(const void *arg)
{
	const struct out_stream *s = arg;
	int		n = 0;

	if (s->io.fd == -1)
		return true;
	ck_assert_int_ne(ioctl(s->io.fd, FIONREAD, &n), -1);
	return n == 0;
}

/*
 * Write len bytes (the pipe is non-blocking: the loop reads between
 * writes when it is full), then wait until the stream has read them all,
 * so that the next write comes as a read of its own.
 */
static void
put(struct out_stream *s, int fd, const char *buf, size_t len)
{
	ssize_t	n;

	while (len > 0) {
		n = write(fd, buf, len);
		if (n == -1 && errno == EAGAIN) {
			ev_run(loop, EVRUN_NOWAIT);
			continue;
		}
		ck_assert_int_gt(n, 0);
		buf += n;
		len -= (size_t)n;
	}
	ck_assert(run_until(pipe_empty, s, WAIT_MS));
}

static void
puts_(struct out_stream *s, int fd, const char *text)
{
	put(s, fd, text, strlen(text));
}

/* A new pipe for s to read, as at a spawn: its write end. */
static int
attach_pipe(struct out_stream *s)
{
	int	fds[2];

	ck_assert_int_eq(pipe2(fds, O_CLOEXEC), 0);
	ck_assert_int_ne(fcntl(fds[1], F_SETFL, O_NONBLOCK), -1);
	out_attach(loop, s, fds[0]);
	return fds[1];
}

/* A stream to a log file in tmpdir, reading a new pipe: its write end. */
static int
open_stream(struct out_stream *s, const struct cfg_log *lc, bool raw)
{
	memset(s, 0, sizeof(*s));
	s->io.fd = -1;
	s->hook = hook;
	s->hook_arg = &hook_mark;
	s->hook_raw = raw;
	ck_assert_int_eq(out_open(s, "stdout", "prog", lc, tmpdir, "id"), 0);
	return attach_pipe(s);
}

static struct cfg_log
log_cfg(bool events, long long capture)
{
	struct cfg_log	lc;

	memset(&lc, 0, sizeof(lc));
	lc.kind = CFG_LOG_PATH;
	lc.path = logpath;
	lc.maxbytes = 0;
	lc.backups = 0;
	lc.events_enabled = events;
	lc.capture_maxbytes = capture;
	return lc;
}

/* A file's contents, NUL-terminated (static). */
static const char *
slurp(const char *path)
{
	static char	buf[GOT_MAX + 1];
	ssize_t		n;
	size_t		len = 0;
	int		fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return "";
	while ((n = read(fd, buf + len, GOT_MAX - len)) > 0)
		len += (size_t)n;
	close(fd);
	buf[len] = '\0';
	return buf;
}

/* The process exited: its write end closed, the pipe drained. */
static void
finish(struct out_stream *s, int fd)
{
	close(fd);
	out_drain(loop, s);
}

START_TEST(test_log_lines_whole_across_writes)
{
	struct cfg_log		lc = log_cfg(true, 0);
	struct out_stream	s;
	int			fd;
	size_t			i;

	fd = open_stream(&s, &lc, false);
	puts_(&s, fd, "one\ntw");
	expect(OUT_LOG, "one\n");
	puts_(&s, fd, "o\nthr");
	expect(OUT_LOG, "one\ntwo\n");
	puts_(&s, fd, "ee\n");
	expect(OUT_LOG, "one\ntwo\nthree\n");
	ck_assert_uint_eq(count(OUT_LOG), 3);
	for (i = 0; i < 3; i++)
		ck_assert_int_eq(nth(OUT_LOG, i)[strlen(nth(OUT_LOG, i)) - 1],
		    '\n');
	ck_assert_str_eq(slurp(logpath), "one\ntwo\nthree\n");
	ck_assert_uint_eq(count(OUT_RAW), 0);
	ck_assert_uint_eq(count(OUT_COMM), 0);
	finish(&s, fd);
	out_close(loop, &s);
	ck_assert_uint_eq(count(OUT_LOG), 3);
}
END_TEST

/* A read's complete lines come in one call; a held line completed first. */
START_TEST(test_log_lines_batched_per_read)
{
	struct cfg_log		lc = log_cfg(true, 0);
	struct out_stream	s;
	int			fd;

	fd = open_stream(&s, &lc, false);
	puts_(&s, fd, "a\nb\nc\n");
	expect(OUT_LOG, "a\nb\nc\n");
	ck_assert_uint_eq(count(OUT_LOG), 1);
	puts_(&s, fd, "x");
	puts_(&s, fd, "y\nz\nw\n");
	expect(OUT_LOG, "a\nb\nc\nxy\nz\nw\n");
	ck_assert_uint_eq(count(OUT_LOG), 3);
	ck_assert_str_eq(nth(OUT_LOG, 1), "xy\n");
	ck_assert_str_eq(nth(OUT_LOG, 2), "z\nw\n");
	finish(&s, fd);
	out_close(loop, &s);
}
END_TEST

START_TEST(test_log_partial_handed_at_drain)
{
	struct cfg_log		lc = log_cfg(true, 0);
	struct out_stream	s;
	int			fd;

	fd = open_stream(&s, &lc, false);
	puts_(&s, fd, "abc\ndef");
	expect(OUT_LOG, "abc\n");
	/* Nothing more comes while the line is open. */
	ev_run(loop, EVRUN_NOWAIT);
	ck_assert_uint_eq(count(OUT_LOG), 1);
	finish(&s, fd);
	ck_assert_str_eq(joined(OUT_LOG), "abc\ndef");
	ck_assert_str_eq(nth(OUT_LOG, 1), "def");
	out_close(loop, &s);
	ck_assert_uint_eq(count(OUT_LOG), 2);
}
END_TEST

START_TEST(test_log_partial_handed_at_close)
{
	struct cfg_log		lc = log_cfg(true, 0);
	struct out_stream	s;
	int			fd;

	fd = open_stream(&s, &lc, false);
	puts_(&s, fd, "no newline");
	ck_assert_uint_eq(count(OUT_LOG), 0);
	out_close(loop, &s);
	close(fd);
	ck_assert_str_eq(joined(OUT_LOG), "no newline");
	ck_assert_uint_eq(count(OUT_LOG), 1);
}
END_TEST

/* A line without end is handed in 64 KiB pieces: what is held is bounded. */
START_TEST(test_log_partial_bounded)
{
	struct cfg_log		lc = log_cfg(true, 0);
	struct out_stream	s;
	char			*big;
	size_t			len = 3 * 64 * 1024 + 100;
	int			fd;

	big = malloc(len);
	ck_assert_ptr_nonnull(big);
	memset(big, 'x', len);
	fd = open_stream(&s, &lc, false);
	put(&s, fd, big, len);
	ck_assert_uint_eq(count(OUT_LOG), 3);
	ck_assert_uint_eq(calls[0].len, 64 * 1024);
	ck_assert_uint_eq(calls[1].len, 64 * 1024);
	ck_assert_uint_eq(calls[2].len, 64 * 1024);
	puts_(&s, fd, "\n");
	ck_assert_uint_eq(count(OUT_LOG), 4);
	ck_assert_uint_eq(calls[3].len, 101);
	ck_assert_str_eq(nth(OUT_LOG, 3) + 100, "\n");
	ck_assert_uint_eq(ngot, len + 1);
	finish(&s, fd);
	out_close(loop, &s);
	free(big);
}
END_TEST

START_TEST(test_log_ansi_stripped)
{
	struct cfg_log		lc = log_cfg(true, 0);
	struct out_stream	s;
	int			fd;

	out_init(loop, true);
	fd = open_stream(&s, &lc, false);
	puts_(&s, fd, "\033[31mred\033[");
	puts_(&s, fd, "0m\n");
	expect(OUT_LOG, "red\n");
	ck_assert_str_eq(slurp(logpath), "red\n");
	finish(&s, fd);
	out_close(loop, &s);
}
END_TEST

/* Events off, no capture: nothing for the hook, no state allocated. */
START_TEST(test_no_events_no_calls)
{
	struct cfg_log		lc = log_cfg(false, 0);
	struct out_stream	s;
	int			fd;

	fd = open_stream(&s, &lc, false);
	ck_assert_ptr_null(s.cap);
	puts_(&s, fd, "plain\n" TOK_BEGIN "x" TOK_END "\n");
	finish(&s, fd);
	out_close(loop, &s);
	ck_assert_uint_eq(ncalls, 0);
	/* Without capture, tokens are output like any other bytes. */
	ck_assert_str_eq(slurp(logpath), "plain\n" TOK_BEGIN "x" TOK_END "\n");
}
END_TEST

START_TEST(test_capture_comm_event)
{
	struct cfg_log		lc = log_cfg(true, 1000);
	struct out_stream	s;
	int			fd;

	ck_assert_int_eq(log_open(mainlog, 0, 0, LOGLEVEL_DEBG, false), 0);
	fd = open_stream(&s, &lc, false);
	puts_(&s, fd, "before\n" TOK_BEGIN "secret\n" TOK_END "after\n");
	expect(OUT_COMM, "secret\n");
	expect(OUT_LOG, "before\nsecret\nafter\n");
	ck_assert_uint_eq(count(OUT_COMM), 1);
	/* Captured output stays out of the log file; the tokens too. */
	ck_assert_str_eq(slurp(logpath), "before\nafter\n");
	ck_assert_ptr_nonnull(strstr(slurp(mainlog),
	    " DEBG 'prog' stdout emitted a comm event\n"));
	/* An empty capture is an event too. */
	puts_(&s, fd, TOK_BEGIN TOK_END);
	ck_assert_uint_eq(count(OUT_COMM), 2);
	ck_assert_str_eq(nth(OUT_COMM, 1), "");
	finish(&s, fd);
	out_close(loop, &s);
}
END_TEST

/* Capture without events: OUT_COMM only. */
START_TEST(test_capture_without_events)
{
	struct cfg_log		lc = log_cfg(false, 100);
	struct out_stream	s;
	int			fd;

	fd = open_stream(&s, &lc, false);
	puts_(&s, fd, "a" TOK_BEGIN "b" TOK_END "c\n");
	expect(OUT_COMM, "b");
	ck_assert_uint_eq(count(OUT_LOG), 0);
	ck_assert_str_eq(slurp(logpath), "ac\n");
	finish(&s, fd);
	out_close(loop, &s);
}
END_TEST

START_TEST(test_capture_tokens_split_across_reads)
{
	struct cfg_log		lc = log_cfg(true, 1000);
	struct out_stream	s;
	int			fd;

	fd = open_stream(&s, &lc, false);
	puts_(&s, fd, "a<!--XSUP");
	puts_(&s, fd, "ERVISOR:BEG");
	puts_(&s, fd, "IN-->cap");
	puts_(&s, fd, "<");
	puts_(&s, fd, "!--XSUPERVISOR:END-");
	ck_assert_uint_eq(count(OUT_COMM), 0);
	puts_(&s, fd, "->b\n");
	expect(OUT_COMM, "cap");
	expect(OUT_LOG, "acapb\n");
	/* A start that is no token is output, the byte that broke it too. */
	puts_(&s, fd, "x<!--XSUPERV");
	puts_(&s, fd, "ISOR:NOPE\n");
	puts_(&s, fd, "p<");
	puts_(&s, fd, "<!--XSUPERVISOR:BEGIN-->z");
	puts_(&s, fd, "<!--XSUPERVISOR:END--><\n");
	expect(OUT_COMM, "capz");
	ck_assert_uint_eq(count(OUT_COMM), 2);
	ck_assert_str_eq(slurp(logpath),
	    "ab\nx<!--XSUPERVISOR:NOPE\np<<\n");
	expect(OUT_LOG, "acapb\nx<!--XSUPERVISOR:NOPE\np<z<\n");
	finish(&s, fd);
	out_close(loop, &s);
}
END_TEST

/* supervisor's BoundIO: a piece that passes the bound drops as many old. */
START_TEST(test_capture_bound_drops_oldest)
{
	struct cfg_log		lc = log_cfg(true, 10);
	struct out_stream	s;
	int			fd;

	fd = open_stream(&s, &lc, false);
	puts_(&s, fd, TOK_BEGIN "abcdefg\n");
	puts_(&s, fd, "xy\n");
	puts_(&s, fd, TOK_END);
	expect(OUT_COMM, "defg\nxy\n");
	/* A piece larger than the bound: its last 10 bytes. */
	puts_(&s, fd, TOK_BEGIN "0123456789ABCDEF\n" TOK_END);
	ck_assert_uint_eq(count(OUT_COMM), 2);
	ck_assert_str_eq(nth(OUT_COMM, 1), "789ABCDEF\n");
	/* The events still have it all. */
	expect(OUT_LOG, "abcdefg\nxy\n0123456789ABCDEF\n");
	ck_assert_str_eq(slurp(logpath), "");
	finish(&s, fd);
	out_close(loop, &s);
}
END_TEST

START_TEST(test_capture_ansi_stripped)
{
	struct cfg_log		lc = log_cfg(false, 100);
	struct out_stream	s;
	int			fd;

	out_init(loop, true);
	fd = open_stream(&s, &lc, false);
	puts_(&s, fd, TOK_BEGIN "\033[1mbold\033[0m" TOK_END "\n");
	expect(OUT_COMM, "bold");
	finish(&s, fd);
	out_close(loop, &s);
	ck_assert_str_eq(slurp(logpath), "\n");
}
END_TEST

/*
 * At the end, a token's start held back is output, and a capture without
 * its END is dropped (supervisor's next process starts afresh).
 */
START_TEST(test_capture_end_of_stream)
{
	struct cfg_log		lc = log_cfg(true, 100);
	struct out_stream	s;
	int			fd;

	fd = open_stream(&s, &lc, false);
	puts_(&s, fd, "tail<!--XSUP");
	ck_assert_str_eq(slurp(logpath), "tail");
	finish(&s, fd);
	ck_assert_str_eq(slurp(logpath), "tail<!--XSUP");
	ck_assert_str_eq(joined(OUT_LOG), "tail<!--XSUP");

	/* The next run: a capture left open is never handed. */
	fd = attach_pipe(&s);
	puts_(&s, fd, TOK_BEGIN "lost\n<!--XSUPERVISOR:E");
	finish(&s, fd);
	ck_assert_uint_eq(count(OUT_COMM), 0);
	ck_assert_str_eq(joined(OUT_LOG),
	    "tail<!--XSUPlost\n<!--XSUPERVISOR:E");
	out_close(loop, &s);
	ck_assert_str_eq(slurp(logpath), "tail<!--XSUP");
}
END_TEST

/* A listener's stdout: every read as read, before the strip; no capture. */
START_TEST(test_raw_chunks_as_read)
{
	struct cfg_log		lc = log_cfg(true, 100);
	struct out_stream	s;
	int			fd;

	out_init(loop, true);
	fd = open_stream(&s, &lc, true);
	puts_(&s, fd, "READY\n");
	puts_(&s, fd, "\033[1mRESULT 2\nOK");
	puts_(&s, fd, TOK_BEGIN "x" TOK_END);
	ck_assert_uint_eq(count(OUT_RAW), 3);
	ck_assert_str_eq(nth(OUT_RAW, 0), "READY\n");
	ck_assert_str_eq(nth(OUT_RAW, 1), "\033[1mRESULT 2\nOK");
	ck_assert_str_eq(nth(OUT_RAW, 2), TOK_BEGIN "x" TOK_END);
	finish(&s, fd);
	out_close(loop, &s);
	ck_assert_uint_eq(count(OUT_LOG), 0);
	ck_assert_uint_eq(count(OUT_COMM), 0);
	ck_assert_str_eq(slurp(logpath),
	    "READY\nRESULT 2\nOK" TOK_BEGIN "x" TOK_END);
}
END_TEST

/* The hook is the owner's: out_close and out_open keep it. */
START_TEST(test_hooks_survive_close_and_open)
{
	struct cfg_log		off = log_cfg(false, 0);
	struct cfg_log		on = log_cfg(true, 0);
	struct out_stream	s;
	int			fd;

	fd = open_stream(&s, &off, true);
	out_close(loop, &s);
	close(fd);
	ck_assert_ptr_eq(s.hook, hook);
	ck_assert_ptr_eq(s.hook_arg, &hook_mark);
	ck_assert(s.hook_raw);
	ck_assert_ptr_null(s.cap);
	/* Reopened (a reload) with events on: they follow the new config. */
	s.hook_raw = false;
	ck_assert_int_eq(out_open(&s, "stdout", "prog", &on, tmpdir, "id"),
	    0);
	ck_assert_ptr_eq(s.hook, hook);
	ck_assert_ptr_eq(s.hook_arg, &hook_mark);
	ck_assert(!s.hook_raw);
	ck_assert_ptr_nonnull(s.cap);
	out_close(loop, &s);
	ck_assert_ptr_null(s.cap);
	ck_assert_int_eq(out_open(&s, "stdout", "prog", &on, tmpdir, "id"),
	    0);
	fd = attach_pipe(&s);
	puts_(&s, fd, "again\n");
	expect(OUT_LOG, "again\n");
	finish(&s, fd);
	out_close(loop, &s);
	ck_assert_ptr_eq(s.hook, hook);
}
END_TEST

Suite *
output_suite(void)
{
	Suite	*su = suite_create("output");
	TCase	*tc = tcase_create("output");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 20);
	tcase_add_test(tc, test_log_lines_whole_across_writes);
	tcase_add_test(tc, test_log_lines_batched_per_read);
	tcase_add_test(tc, test_log_partial_handed_at_drain);
	tcase_add_test(tc, test_log_partial_handed_at_close);
	tcase_add_test(tc, test_log_partial_bounded);
	tcase_add_test(tc, test_log_ansi_stripped);
	tcase_add_test(tc, test_no_events_no_calls);
	tcase_add_test(tc, test_capture_comm_event);
	tcase_add_test(tc, test_capture_without_events);
	tcase_add_test(tc, test_capture_tokens_split_across_reads);
	tcase_add_test(tc, test_capture_bound_drops_oldest);
	tcase_add_test(tc, test_capture_ansi_stripped);
	tcase_add_test(tc, test_capture_end_of_stream);
	tcase_add_test(tc, test_raw_chunks_as_read);
	tcase_add_test(tc, test_hooks_survive_close_and_open);
	suite_add_tcase(su, tc);
	return su;
}
