/*
 * notify: the sd_notify datagrams the daemon sends to the socket named by
 * NOTIFY_SOCKET.  The test plays systemd: it binds a datagram socket (a
 * path, or an abstract name), puts it in the daemon's environment and
 * reads what arrives: READY=1 once the autostart programs are spawned,
 * STATUS= summaries when they change, RELOADING=1 with MONOTONIC_USEC=
 * and READY=1 around a SIGHUP reload, STOPPING=1 at SIGTERM, WATCHDOG=1
 * every WATCHDOG_USEC / 2; and that none of systemd's variables reach the
 * programs.
 */
#include <sys/socket.h>
#include <sys/types.h>
#include <sys/un.h>

#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <check.h>

#include "tests/harness.h"

Suite	*notify_suite(void);

#define NTF_MAX	512

/* What the test's "systemd" has received, in order. */
struct ntf {
	int		 fd;
	char		*msg[NTF_MAX];
	long long	 at[NTF_MAX];	/* th_now_ms() on receipt */
	int		 n;
};

/*
 * Bind a datagram socket and set NOTIFY_SOCKET to it (the test runs in
 * its own forked process: the environment change dies with it).  An
 * abstract name is "@" + a name unique to this test process.
 */
static void
ntf_listen(struct th *h, struct ntf *s, bool abstract)
{
	struct sockaddr_un	 sun;
	socklen_t		 len;
	char			 name[sizeof(sun.sun_path)];

	memset(s, 0, sizeof(*s));
	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	if (abstract)
		snprintf(name, sizeof(name), "@supervisord-test-notify-%d",
		    (int)getpid());
	else {
		ck_assert_msg(strlen(th_path(h, "notify.sock")) < sizeof(name),
		    "test directory too long for a socket path");
		snprintf(name, sizeof(name), "%s", th_path(h, "notify.sock"));
	}
	memcpy(sun.sun_path, name, strlen(name));
	if (abstract)
		sun.sun_path[0] = '\0';
	len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) +
	    strlen(name) + (abstract ? 0 : 1));
	s->fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	ck_assert_msg(s->fd != -1, "socket: %s", strerror(errno));
	ck_assert_msg(bind(s->fd, (struct sockaddr *)&sun, len) == 0,
	    "bind %s: %s", name, strerror(errno));
	ck_assert(setenv("NOTIFY_SOCKET", name, 1) == 0);
}

static void
ntf_free(struct ntf *s)
{
	int	 i;

	for (i = 0; i < s->n; i++)
		free(s->msg[i]);
	close(s->fd);
	unsetenv("NOTIFY_SOCKET");
}

/* Read every datagram waiting. */
static void
ntf_drain(struct ntf *s)
{
	char	 buf[4096];
	ssize_t	 n;

	for (;;) {
		n = recv(s->fd, buf, sizeof(buf) - 1, MSG_DONTWAIT);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1)
			break;
		ck_assert_msg(s->n < NTF_MAX, "too many notify messages");
		buf[n] = '\0';
		s->msg[s->n] = strdup(buf);
		s->at[s->n] = th_now_ms();
		s->n++;
	}
}

/* Does message i have the line "line" (whole, or as a "KEY=" prefix)? */
static bool
has_line(const char *msg, const char *line)
{
	const char	*p = msg;
	size_t		 l = strlen(line);

	while (p != NULL && *p != '\0') {
		if (strncmp(p, line, l) == 0 && (line[l - 1] == '=' ||
		    p[l] == '\n' || p[l] == '\0'))
			return true;
		if ((p = strchr(p, '\n')) != NULL)
			p++;
	}
	return false;
}

/* The first message at or after from with that line, or -1. */
static int
ntf_find(struct ntf *s, int from, const char *line)
{
	int	 i;

	for (i = from; i < s->n; i++)
		if (has_line(s->msg[i], line))
			return i;
	return -1;
}

static int
ntf_count(struct ntf *s, const char *line)
{
	int	 i, n = 0;

	for (i = 0; i < s->n; i++)
		n += has_line(s->msg[i], line);
	return n;
}

static void
ntf_print(struct ntf *s)
{
	int	 i;

	for (i = 0; i < s->n; i++)
		fprintf(stderr, "notify[%d] +%lld ms: %s\n", i,
		    s->at[i] - s->at[0], s->msg[i]);
}

/* Poll up to ms for a message at or after from with that line. */
static int
ntf_poll(struct ntf *s, int from, const char *line, int ms)
{
	long long	 end = th_now_ms() + ms;
	struct timespec	 ts = { 0, 10 * 1000 * 1000 };
	int		 i;

	for (;;) {
		ntf_drain(s);
		if ((i = ntf_find(s, from, line)) != -1)
			return i;
		if (th_now_ms() >= end)
			return -1;
		nanosleep(&ts, NULL);
	}
}

/* As ntf_poll, printing what came instead when the line does not. */
static int
ntf_wait(struct ntf *s, int from, const char *line, int ms)
{
	int	 i;

	if ((i = ntf_poll(s, from, line, ms)) == -1) {
		fprintf(stderr, "notify: no '%s' from message %d on within "
		    "%d ms; received:\n", line, from, ms);
		ntf_print(s);
	}
	return i;
}

/* The value of KEY= in message i, or NULL (owned by the message). */
static const char *
ntf_value(struct ntf *s, int i, const char *key)
{
	const char	*p = s->msg[i];
	size_t		 l = strlen(key);

	while (p != NULL && *p != '\0') {
		if (strncmp(p, key, l) == 0 && p[l] == '=')
			return p + l + 1;
		if ((p = strchr(p, '\n')) != NULL)
			p++;
	}
	return NULL;
}

/* Does the value of KEY= in message i start with want? */
static bool
value_is(struct ntf *s, int i, const char *key, const char *want)
{
	const char	*v = ntf_value(s, i, key);

	return v != NULL && strncmp(v, want, strlen(want)) == 0 &&
	    (v[strlen(want)] == '\n' || v[strlen(want)] == '\0');
}

START_TEST(test_ready_after_autostart_status_and_stopping)
{
	struct th	*h = th_new();
	struct ntf	 s;
	int		 r, st, i;

	ntf_listen(h, &s, false);
	th_conf(h,
	    "[program:a]\n"
	    "command=sleep 1000\n"
	    "startsecs=1\n"
	    "[program:b]\n"
	    "command=sleep 1000\n"
	    "startsecs=1\n"
	    "[program:manual]\n"
	    "command=sleep 1000\n"
	    "autostart=false\n");
	th_start_conf(h);
	r = ntf_wait(&s, 0, "READY=1", 5000);
	ck_assert_msg(r != -1, "no READY=1");
	/* Both autostart programs were spawned before READY=1 was sent. */
	ck_assert_int_eq(th_log_count(h, "spawned: 'a' with pid"), 1);
	ck_assert_int_eq(th_log_count(h, "spawned: 'b' with pid"), 1);
	ck_assert_msg(value_is(&s, r, "STATUS", "1 STOPPED, 2 STARTING"),
	    "READY message: %s", s.msg[r]);
	/* After startsecs, a new summary. */
	st = ntf_wait(&s, r + 1, "STATUS=", 5000);
	ck_assert_msg(st != -1, "no STATUS= after RUNNING");
	ck_assert_msg(value_is(&s, st, "STATUS", "1 STOPPED, 2 RUNNING") ||
	    value_is(&s, st, "STATUS", "1 STOPPED, 1 STARTING, 1 RUNNING"),
	    "status: %s", s.msg[st]);
	ck_assert(ntf_wait(&s, 0, "STATUS=1 STOPPED, 2 RUNNING", 5000) != -1);
	ck_assert_int_eq(ntf_count(&s, "READY=1"), 1);
	ck_assert_int_eq(ntf_count(&s, "STOPPING=1"), 0);

	ck_assert(th_signal(h, SIGTERM) == 0);
	ck_assert_msg(ntf_wait(&s, 0, "STOPPING=1", 5000) != -1,
	    "no STOPPING=1");
	ck_assert(th_exited_ok(th_wait_exit(h, 5000)));
	ntf_drain(&s);
	/* A summary is sent only when it differs from the one before. */
	for (i = 1; i < s.n; i++) {
		const char *a = ntf_value(&s, i, "STATUS");
		int j;

		if (a == NULL || ntf_value(&s, i, "READY") != NULL ||
		    ntf_value(&s, i, "STOPPING") != NULL)
			continue;
		for (j = i - 1; j >= 0; j--)
			if (ntf_value(&s, j, "STATUS") != NULL)
				break;
		ck_assert_msg(j < 0 ||
		    strcmp(a, ntf_value(&s, j, "STATUS")) != 0,
		    "STATUS repeated: %s", a);
	}
	ck_assert_int_eq(ntf_count(&s, "WATCHDOG=1"), 0);
	ntf_free(&s);
	th_free(h);
}
END_TEST

START_TEST(test_reload_sends_reloading_then_ready)
{
	struct th	*h = th_new();
	struct ntf	 s;
	struct timespec	 ts;
	const char	*v;
	unsigned long long usec, now;
	int		 r, rl, r2;

	ntf_listen(h, &s, false);
	th_conf(h,
	    "[program:a]\n"
	    "command=sleep 1000\n"
	    "startsecs=0\n");
	th_start_conf(h);
	r = ntf_wait(&s, 0, "READY=1", 5000);
	ck_assert_msg(r != -1, "no READY=1");
	ck_assert(th_wait_log(h, "success: a entered RUNNING", 5000));
	th_conf(h,
	    "[program:a]\n"
	    "command=sleep 1000\n"
	    "startsecs=0\n"
	    "[program:b]\n"
	    "command=sleep 1000\n"
	    "startsecs=0\n");
	ck_assert(th_signal(h, SIGHUP) == 0);
	rl = ntf_wait(&s, r + 1, "RELOADING=1", 5000);
	ck_assert_msg(rl != -1, "no RELOADING=1");
	clock_gettime(CLOCK_MONOTONIC, &ts);
	now = (unsigned long long)ts.tv_sec * 1000000 +
	    (unsigned long long)ts.tv_nsec / 1000;
	v = ntf_value(&s, rl, "MONOTONIC_USEC");
	ck_assert_msg(v != NULL, "RELOADING=1 without MONOTONIC_USEC");
	usec = strtoull(v, NULL, 10);
	/* CLOCK_MONOTONIC is system-wide: the daemon's reading came first. */
	ck_assert_msg(usec <= now && now - usec < 5000000,
	    "MONOTONIC_USEC=%llu, test's clock %llu", usec, now);
	r2 = ntf_wait(&s, rl + 1, "READY=1", 5000);
	ck_assert_msg(r2 != -1, "no READY=1 after the reload");
	ck_assert(th_wait_log(h, "spawned: 'b'", 5000));
	ck_assert(ntf_wait(&s, 0, "STATUS=2 RUNNING", 5000) != -1);

	/* A bad configuration is refused: still RELOADING=1, READY=1. */
	th_conf(h, "[program:c]\nstartsecs=ten\ncommand=sleep 1\n");
	ck_assert(th_signal(h, SIGHUP) == 0);
	rl = ntf_wait(&s, r2 + 1, "RELOADING=1", 5000);
	ck_assert_msg(rl != -1, "no RELOADING=1 for the bad reload");
	ck_assert_msg(ntf_wait(&s, rl + 1, "READY=1", 5000) != -1,
	    "no READY=1 after a refused reload");
	ck_assert(th_exited_ok(th_stop(h)));
	ntf_free(&s);
	th_free(h);
}
END_TEST

START_TEST(test_abstract_socket)
{
	struct th	*h = th_new();
	struct ntf	 s;
	int		 r;

	ntf_listen(h, &s, true);
	th_conf(h,
	    "[program:a]\n"
	    "command=sleep 1000\n"
	    "startsecs=0\n");
	th_start_conf(h);
	r = ntf_wait(&s, 0, "READY=1", 5000);
	ck_assert_msg(r != -1, "no READY=1 on %s", getenv("NOTIFY_SOCKET"));
	ck_assert(ntf_wait(&s, 0, "STATUS=1 RUNNING", 5000) != -1);
	ck_assert(th_exited_ok(th_stop(h)));
	ck_assert(ntf_wait(&s, 0, "STOPPING=1", 1000) != -1);
	ntf_free(&s);
	th_free(h);
}
END_TEST

START_TEST(test_watchdog_pings_at_half_the_interval)
{
	struct th	*h = th_new();
	struct ntf	 s;
	long long	 t[8], gap;
	int		 i, from = 0, n = 0;

	ntf_listen(h, &s, false);
	setenv("WATCHDOG_USEC", "200000", 1);
	unsetenv("WATCHDOG_PID");
	th_conf(h,
	    "[program:a]\n"
	    "command=sleep 1000\n");
	th_start_conf(h);
	ck_assert(ntf_wait(&s, 0, "READY=1", 5000) != -1);
	while (n < 6) {
		i = ntf_wait(&s, from, "WATCHDOG=1", 2000);
		ck_assert_msg(i != -1, "only %d pings", n);
		t[n++] = s.at[i];
		from = i + 1;
	}
	/* Every 100 ms; polling adds up to 10 ms, a loaded machine more. */
	for (i = 2; i < n; i++) {
		gap = t[i] - t[i - 1];
		ck_assert_msg(gap >= 60 && gap <= 250,
		    "ping %d came %lld ms after the one before", i, gap);
	}
	ck_assert(th_exited_ok(th_stop(h)));
	unsetenv("WATCHDOG_USEC");
	ntf_free(&s);
	th_free(h);
}
END_TEST

START_TEST(test_watchdog_of_another_pid_is_not_ours)
{
	struct th	*h = th_new();
	struct ntf	 s;

	ntf_listen(h, &s, false);
	setenv("WATCHDOG_USEC", "100000", 1);
	setenv("WATCHDOG_PID", "1", 1);
	th_conf(h,
	    "[program:a]\n"
	    "command=sleep 1000\n"
	    "startsecs=0\n");
	th_start_conf(h);
	ck_assert(ntf_wait(&s, 0, "READY=1", 5000) != -1);
	/* Ten intervals of 50 ms: a ping would have come by then. */
	ck_assert(ntf_poll(&s, 0, "WATCHDOG=1", 500) == -1);
	ck_assert(th_exited_ok(th_stop(h)));
	unsetenv("WATCHDOG_USEC");
	unsetenv("WATCHDOG_PID");
	ntf_free(&s);
	th_free(h);
}
END_TEST

static bool
file_has_newline(struct th *h, void *rel)
{
	const char	*s = th_read(h, rel, NULL);

	return s != NULL && strchr(s, '\n') != NULL &&
	    strstr(s, "END_OF_ENV") != NULL;
}

START_TEST(test_systemd_variables_not_passed_to_programs)
{
	struct th	*h = th_new();
	struct ntf	 s;
	const char	*env;

	ntf_listen(h, &s, false);
	setenv("WATCHDOG_USEC", "30000000", 1);
	setenv("WATCHDOG_PID", "1", 1);
	setenv("SUPERVISORD_TEST_KEPT", "yes", 1);
	th_conf(h,
	    "[program:env]\n"
	    "command=/bin/sh -c 'env > @DIR@/env.tmp; echo END_OF_ENV >> "
	    "@DIR@/env.tmp; mv @DIR@/env.tmp @DIR@/env.txt; exec sleep 1000'\n"
	    "startsecs=0\n");
	th_start_conf(h);
	ck_assert(th_wait(h, file_has_newline, "env.txt", 5000));
	env = th_read(h, "env.txt", NULL);
	ck_assert_msg(strstr(env, "SUPERVISORD_TEST_KEPT=yes\n") != NULL,
	    "the environment did not reach the program:\n%s", env);
	ck_assert_msg(strstr(env, "NOTIFY_SOCKET") == NULL, "%s", env);
	ck_assert_msg(strstr(env, "WATCHDOG_USEC") == NULL, "%s", env);
	ck_assert_msg(strstr(env, "WATCHDOG_PID") == NULL, "%s", env);
	/* The daemon itself did get them. */
	ck_assert(ntf_wait(&s, 0, "READY=1", 5000) != -1);
	ck_assert(th_exited_ok(th_stop(h)));
	ntf_free(&s);
	th_free(h);
}
END_TEST

START_TEST(test_unusable_notify_socket_is_logged_not_fatal)
{
	struct th	*h = th_new();

	setenv("NOTIFY_SOCKET", "relative/notify.sock", 1);
	th_conf(h,
	    "[program:a]\n"
	    "command=sleep 1000\n"
	    "startsecs=0\n");
	th_start_conf(h);
	ck_assert(th_wait_log(h, "success: a entered RUNNING", 5000));
	ck_assert_int_eq(th_log_count(h, "NOTIFY_SOCKET: unusable address "
	    "'relative/notify.sock'"), 1);
	ck_assert(th_exited_ok(th_stop(h)));
	unsetenv("NOTIFY_SOCKET");
	th_free(h);
}
END_TEST

START_TEST(test_vanished_socket_is_survived)
{
	struct th	*h = th_new();
	struct ntf	 s;

	ntf_listen(h, &s, false);
	th_conf(h,
	    "[program:a]\n"
	    "command=sleep 1000\n"
	    "startsecs=0\n");
	th_start_conf(h);
	ck_assert(ntf_wait(&s, 0, "READY=1", 5000) != -1);
	ck_assert(th_wait_log(h, "success: a entered RUNNING", 5000));
	/* systemd went away: the next messages fail, once logged. */
	close(s.fd);
	unlink(th_path(h, "notify.sock"));
	ck_assert(th_signal(h, SIGHUP) == 0);
	ck_assert(th_wait_log(h, "couldn't notify systemd", 5000));
	ck_assert(th_signal(h, SIGHUP) == 0);
	ck_assert(th_wait_log_n(h, "received SIGHUP", 2, 5000));
	ck_assert(th_wait_log_n(h, "reload:", 2, 5000));
	ck_assert_int_eq(th_log_count(h, "couldn't notify systemd"), 1);
	ck_assert(th_exited_ok(th_stop(h)));
	s.fd = -1;
	ntf_free(&s);
	th_free(h);
}
END_TEST

Suite *
notify_suite(void)
{
	Suite	*s;
	TCase	*tc;

	s = suite_create("notify");
	tc = th_tcase("notify", 15);
	tcase_add_test(tc, test_ready_after_autostart_status_and_stopping);
	tcase_add_test(tc, test_reload_sends_reloading_then_ready);
	tcase_add_test(tc, test_abstract_socket);
	tcase_add_test(tc, test_systemd_variables_not_passed_to_programs);
	tcase_add_test(tc, test_unusable_notify_socket_is_logged_not_fatal);
	tcase_add_test(tc, test_vanished_socket_is_survived);
	suite_add_tcase(s, tc);
	tc = th_tcase("watchdog", 15);
	tcase_add_test(tc, test_watchdog_pings_at_half_the_interval);
	tcase_add_test(tc, test_watchdog_of_another_pid_is_not_ours);
	suite_add_tcase(s, tc);
	return s;
}
