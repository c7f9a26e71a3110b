/*
 * metrics: GET /metrics (ours) over a real connection, read by a real
 * parser of Prometheus' text format (tests/integration/metrics_check.py,
 * prometheus_client's parser and the rules it leaves to the exposer):
 * behind Basic auth, each process's state, readiness, pid and bytes
 * logged, the daemon's reloads; and a page of hundreds of processes,
 * larger than what the server holds, streamed whole.
 */
#include <sys/types.h>
#include <sys/wait.h>

#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <check.h>

#include "tests/harness.h"
#include "tests/skip.h"

Suite	*metrics_suite(void);

#define PYTHON	"/usr/bin/python3"

/*
 * metrics_check.py on the daemon's /metrics with cred ("user:pass" or
 * "-"): its exit code, the page in DIR/metrics.txt, its stdout in
 * DIR/check.out.  -1 when it must be skipped (no prometheus_client).
 */
static int
check(struct th *h, int port, const char *cred, const char *test)
{
	char	 url[64], script[4096];
	const char *top = getenv("TOP");
	pid_t	 pid;
	int	 fd, st;

	ck_assert_msg(top != NULL, "TOP is not set (run through make)");
	snprintf(url, sizeof(url), "http://127.0.0.1:%d/metrics", port);
	snprintf(script, sizeof(script), "%s/tests/integration/"
	    "metrics_check.py", top);
	if (access(PYTHON, X_OK) == -1) {
		th_skip_at(test, "prometheus", "needs %s", PYTHON);
		return -1;
	}
	if ((pid = fork()) == 0) {
		fd = open(th_path(h, "check.out"), O_WRONLY | O_CREAT |
		    O_TRUNC | O_CLOEXEC, 0644);
		if (fd == -1 || dup2(fd, 1) == -1)
			_exit(127);
		execl(PYTHON, "python3", script, url, cred,
		    th_path(h, "metrics.txt"), (char *)NULL);
		_exit(127);
	}
	ck_assert_int_gt(pid, 0);
	st = th_wait_child(pid, 60000);
	ck_assert_msg(st != -1, "metrics_check.py did not finish");
	if (th_exit_code(st) == 4) {
		th_skip_at(test, "prometheus", "%s cannot import "
		    "prometheus_client (python3-prometheus-client)", PYTHON);
		return -1;
	}
	return th_exit_code(st);
}

static void
conf(struct th *h, int port, const char *programs)
{
	char	*body;

	ck_assert(asprintf(&body, "[inet_http_server]\nport=127.0.0.1:%d\n"
	    "username=user\npassword=secret\n\n%s", port, programs) != -1);
	th_conf(h, body);
	free(body);
}

/* The page has this line. */
static void
has(struct th *h, const char *line)
{
	const char	*page = th_read(h, "metrics.txt", NULL);
	char		*want;

	ck_assert(asprintf(&want, "\n%s\n", line) != -1);
	ck_assert_msg(page != NULL && strstr(page, want) != NULL,
	    "no line '%s' in:\n%.2000s", line, page != NULL ? page : "(none)");
	free(want);
}

START_TEST(test_metrics_page)
{
	struct th	*h = th_new();
	int		 port = th_free_port(), rc;
	char		 line[256];

	conf(h, port,
	    "[program:w]\ncommand=/bin/sh -c 'echo hello; exec sleep 1000'\n"
	    "process_name=w%(process_num)d\nnumprocs=2\nstartsecs=0\n\n"
	    "[program:x]\ncommand=/bin/false\nstartretries=0\n\n"
	    "[program:y]\ncommand=/bin/sleep 1000\nautostart=false\n");
	th_start_conf(h);
	ck_assert(th_wait_log(h, "success: w1 entered RUNNING", 5000));
	ck_assert(th_wait_log(h, "gave up: x entered FATAL", 5000));
	/* Behind the server's auth. */
	if ((rc = check(h, port, "-", __func__)) == -1)
		goto out;
	ck_assert_int_eq(rc, 3);
	ck_assert_str_eq(th_read(h, "check.out", NULL), "401\n");
	/* "hello\n" read from w0's pipe: wait until it is counted. */
	for (rc = 0; rc < 100; rc++) {
		ck_assert_msg(check(h, port, "user:secret", __func__) == 0,
		    "%s", th_read(h, "check.out", NULL));
		if (strstr(th_read(h, "metrics.txt", NULL),
		    "supervisord_process_log_bytes_total{group=\"w\",name=\"w0\","
		    "stream=\"stdout\"} 6\n") != NULL)
			break;
	}
	has(h, "supervisord_process_state{group=\"w\",name=\"w0\","
	    "state=\"RUNNING\"} 1");
	has(h, "supervisord_process_state{group=\"w\",name=\"w0\","
	    "state=\"STOPPED\"} 0");
	has(h, "supervisord_process_state{group=\"x\",name=\"x\","
	    "state=\"FATAL\"} 1");
	has(h, "supervisord_process_state{group=\"y\",name=\"y\","
	    "state=\"STOPPED\"} 1");
	has(h, "supervisord_process_ready{group=\"w\",name=\"w1\"} 1");
	has(h, "supervisord_process_ready{group=\"x\",name=\"x\"} 0");
	has(h, "supervisord_process_exit_status{group=\"x\",name=\"x\"} 1");
	has(h, "supervisord_process_log_bytes_total{group=\"w\",name=\"w0\","
	    "stream=\"stdout\"} 6");
	has(h, "supervisord_processes 4");
	has(h, "supervisord_reloads_total 0");
	snprintf(line, sizeof(line), "supervisord_process_pid{group=\"w\","
	    "name=\"w0\"} %d", (int)th_spawned_pid(h, "w0", 0));
	has(h, line);
	/* A reload is counted. */
	ck_assert_int_eq(th_signal(h, SIGHUP), 0);
	ck_assert(th_wait_log(h, "reload: ", 5000));
	ck_assert_int_eq(check(h, port, "user:secret", __func__), 0);
	has(h, "supervisord_reloads_total 1");
out:
	ck_assert(th_exited_ok(th_stop(h)));
	th_free(h);
}
END_TEST

/*
 * 400 processes: a page of some 450 KB, more than the server holds for
 * an answer (64 KiB), written as the socket drains and read whole.
 */
START_TEST(test_metrics_of_many_processes)
{
	struct th	*h = th_new();
	const char	*page;
	int		 port = th_free_port(), n = 0;
	size_t		 len;

	conf(h, port,
	    "[program:p]\ncommand=/bin/sleep 1000\n"
	    "process_name=p%(process_num)03d\nnumprocs=400\nstartsecs=0\n");
	th_start_conf(h);
	ck_assert(th_wait_log_n(h, "entered RUNNING", 400, 30000));
	if (check(h, port, "user:secret", __func__) == -1)
		goto out;
	ck_assert_msg(check(h, port, "user:secret", __func__) == 0, "%s",
	    th_read(h, "check.out", NULL));
	page = th_read(h, "metrics.txt", &len);
	ck_assert_uint_gt(len, 65536);
	for (; (page = strstr(page, "state=\"RUNNING\"} 1\n")) != NULL; page++)
		n++;
	ck_assert_int_eq(n, 400);
	has(h, "supervisord_process_state{group=\"p\",name=\"p399\","
	    "state=\"RUNNING\"} 1");
out:
	ck_assert(th_exited_ok(th_stop_ms(h, 30000)));
	th_free(h);
}
END_TEST

Suite *
metrics_suite(void)
{
	Suite	*s = suite_create("metrics");
	TCase	*tc = th_tcase("metrics", 60);

	tcase_add_test(tc, test_metrics_page);
	tcase_add_test(tc, test_metrics_of_many_processes);
	suite_add_tcase(s, tc);
	return s;
}
