/*
 * The HTTP server's big answers (held, then chunked or until close) and
 * clients that misbehave (check_http.h's fixture): bad requests and
 * requests over the bounds, half-closed, idle, slow, too many,
 * descriptors running out, and 250 that ask for megabytes and never read.
 */
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/un.h>

#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <check.h>
#include <ev.h>

#include "supervisord/config.h"
#include "supervisord/http.h"
#include "supervisord/server.h"
#include "tests/unit/check_http.h"

Suite	*http_hostile_suite(void);

/* The server's RSS with 250 clients: ASan's allocator adds its own. */
#if defined(__SANITIZE_ADDRESS__)
#define RSS_MAX_KIB	(512 * 1024)
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define RSS_MAX_KIB	(512 * 1024)
#endif
#endif
#ifndef RSS_MAX_KIB
#define RSS_MAX_KIB	(64 * 1024)
#endif

START_TEST(test_buffered_length_then_chunked)
{
	struct ht_resp	 r;
	size_t		 i;
	int		 fd;

	ht_start(&ht_plain);
	/* Short: held, then sent with its length. */
	ht_ask("GET /big?1000 HTTP/1.1\r\n\r\n", &r);
	ck_assert_ptr_nonnull(strstr(r.head, "Content-Length: 1000\r\n"));
	ck_assert_int_eq(r.bodylen, 1000);
	ht_resp_free(&r);
	/* Beyond the hold bound: chunked on HTTP/1.1 ... */
	fd = ht_conn_unix();
	ht_send(fd, "GET /big?300000 HTTP/1.1\r\n\r\n");
	ht_read(fd, &r);
	ck_assert_ptr_nonnull(strstr(r.head, "Transfer-Encoding: chunked"));
	ck_assert_ptr_null(strstr(r.head, "Content-Length"));
	ck_assert_int_eq(r.bodylen, 300000);
	for (i = 0; i < r.bodylen; i++)
		ck_assert_int_eq(r.body[i], 'x');
	ht_resp_free(&r);
	/* ... and the connection goes on. */
	ht_send(fd, "GET /hello HTTP/1.1\r\n\r\n");
	ht_read(fd, &r);
	ck_assert_int_eq(r.code, 200);
	ht_resp_free(&r);
	close(fd);
	/* HTTP/1.0: until close. */
	ht_ask("GET /big?300000 HTTP/1.0\r\nConnection: keep-alive\r\n\r\n", &r);
	ck_assert_ptr_null(strstr(r.head, "Transfer-Encoding"));
	ck_assert_ptr_null(strstr(r.head, "Content-Length"));
	ck_assert(r.closed);
	ck_assert_int_eq(r.bodylen, 300000);
	ht_resp_free(&r);
}
END_TEST

START_TEST(test_chunked_stream)
{
	struct ht_resp	 r;

	ht_start(&ht_plain);
	ht_ask("GET /chunked?70000 HTTP/1.1\r\n\r\n", &r);
	ck_assert_ptr_nonnull(strstr(r.head, "Transfer-Encoding: chunked"));
	ck_assert_int_eq(r.bodylen, 70000);
	ht_resp_free(&r);
	ht_ask("GET /chunked?10 HTTP/1.1\r\n\r\n", &r);
	ck_assert_ptr_nonnull(strstr(r.head, "Transfer-Encoding: chunked"));
	ck_assert_int_eq(r.bodylen, 10);
	ht_resp_free(&r);
}
END_TEST

static const struct {
	const char	*req;
	int		 code;
} bad_rows[] = {
	{ "POST /echo HTTP/1.1\r\nHost: x\r\n\r\n", 411 },
	{ "POST /echo HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n", 411 },
	{ "POST /echo HTTP/1.1\r\nContent-Length: 2000000\r\n\r\n", 413 },
	{ "\x01\x02 garbage\r\n\r\n", 400 },
	{ "GET /hello HTTP/1.1\r\nBad Header\r\n\r\n", 400 },
	{ "GET /%00 HTTP/1.1\r\n\r\n", 400 },
};

START_TEST(test_bad_requests)
{
	struct ht_resp	 r;
	int		 fd;

	ht_start(&ht_plain);
	fd = ht_conn_unix();
	ht_send(fd, bad_rows[_i].req);
	ht_read(fd, &r);
	ck_assert_int_eq(r.code, bad_rows[_i].code);
	ck_assert_ptr_nonnull(strstr(r.head, "Content-Type: text/html"));
	ht_resp_free(&r);
	/* Each ends the connection. */
	ck_assert(ht_closed_within(fd, 2000));
	close(fd);
}
END_TEST

START_TEST(test_header_block_bound)
{
	struct ht_resp	 r;
	char		*req;
	int		 fd;

	ht_start(&ht_plain);
	req = malloc(HTTP_HEAD_MAX + 200);
	memset(req, 'a', HTTP_HEAD_MAX + 100);
	memcpy(req, "GET /hello HTTP/1.1\r\nX-Big: ", 28);
	strcpy(req + HTTP_HEAD_MAX + 100, "\r\n\r\n");
	fd = ht_conn_unix();
	ht_send(fd, req);
	ht_read(fd, &r);
	ck_assert_int_eq(r.code, 431);
	ck_assert_ptr_nonnull(strstr(r.head,
	    " 431 Request Header Fields Too Large\r\n"));
	ht_resp_free(&r);
	ck_assert(ht_closed_within(fd, 2000));
	close(fd);
	free(req);
	/* Just under the bound is fine. */
	ht_ask("POST /echo HTTP/1.1\r\nContent-Length: 3\r\n\r\nabc", &r);
	ck_assert_int_eq(r.code, 200);
	ck_assert_int_eq(r.bodylen, 3);
	ht_resp_free(&r);
}
END_TEST

START_TEST(test_body_bound)
{
	struct ht_resp	 r;
	char		 hdr[128], *body;
	int		 fd;

	ht_start(&ht_plain);
	/* A body of exactly the bound is taken, one byte more is not. */
	body = malloc(HTTP_BODY_MAX + 1);
	memset(body, 'b', HTTP_BODY_MAX);
	body[HTTP_BODY_MAX] = '\0';
	fd = ht_conn_inet();
	snprintf(hdr, sizeof(hdr), "POST /echo HTTP/1.1\r\nContent-Length: "
	    "%d\r\n\r\n", HTTP_BODY_MAX);
	ht_send(fd, hdr);
	ht_send(fd, body);
	ht_read(fd, &r);
	ck_assert_int_eq(r.code, 200);
	ck_assert_int_eq(r.bodylen, HTTP_BODY_MAX);
	ht_resp_free(&r);
	snprintf(hdr, sizeof(hdr), "POST /echo HTTP/1.1\r\nContent-Length: "
	    "%d\r\n\r\n", HTTP_BODY_MAX + 1);
	ht_send(fd, hdr);
	ht_read(fd, &r);
	ck_assert_int_eq(r.code, 413);
	ht_resp_free(&r);
	close(fd);
	free(body);
}
END_TEST

START_TEST(test_half_close_gets_whole_answer)
{
	struct ht_resp	 r;
	int		 fd, fd2;

	ht_start(&ht_plain);
	fd = ht_conn_unix();
	ht_send(fd, "GET /wait HTTP/1.1\r\n\r\nGET /big?200000 HTTP/1.1\r\n"
	    "\r\n");
	ck_assert_int_eq(shutdown(fd, SHUT_WR), 0);
	usleep(100000);
	fd2 = ht_conn_inet();
	ht_send(fd2, "GET /release HTTP/1.0\r\n\r\n");
	ht_read(fd2, &r);
	ht_resp_free(&r);
	close(fd2);
	ht_read(fd, &r);
	ck_assert_int_eq(memcmp(r.body, "released", 8), 0);
	ht_resp_free(&r);
	ht_read(fd, &r);
	ck_assert_int_eq(r.bodylen, 200000);
	ht_resp_free(&r);
	ck_assert(ht_closed_within(fd, 2000));
	close(fd);
}
END_TEST

START_TEST(test_timeouts)
{
	struct ht_opts	 o = ht_plain;
	struct ht_resp	 r;
	int		 idle, half, busy, fd2;

	o.idle = 0.3;
	o.request = 0.3;
	ht_start(&o);
	idle = ht_conn_unix();
	half = ht_conn_unix();
	ht_send(half, "GET /hello HTTP/1.1\r\nHost:");
	busy = ht_conn_unix();
	ht_send(busy, "GET /wait HTTP/1.1\r\n\r\n");
	/* Idle and half-sent: closed after 0.3 s; 3 s is plenty. */
	ck_assert(ht_closed_within(idle, 3000));
	ck_assert(ht_closed_within(half, 3000));
	/* Waiting on its answer: kept (1 s is three timeouts). */
	ck_assert(!ht_closed_within(busy, 1000));
	fd2 = ht_conn_inet();
	ht_send(fd2, "GET /release HTTP/1.0\r\n\r\n");
	ht_read(fd2, &r);
	ht_resp_free(&r);
	close(fd2);
	ht_read(busy, &r);
	ck_assert_int_eq(memcmp(r.body, "released", 8), 0);
	ht_resp_free(&r);
	close(idle);
	close(half);
	close(busy);
}
END_TEST

START_TEST(test_connection_cap)
{
	struct ht_opts	 o = ht_plain;
	struct ht_resp	 r;
	int		 fds[4], fd, i, n;

	o.max_conns = 4;
	ht_start(&o);
	for (i = 0; i < 4; i++) {
		fds[i] = ht_conn_unix();
		ht_send(fds[i], "GET /hello HTTP/1.1\r\n\r\n");
		ht_read(fds[i], &r);
		ht_resp_free(&r);
		usleep(20000);	/* so that the first is the longest idle */
	}
	/* A fifth: the longest-idle one goes, the new one is served. */
	ht_ask("GET /hello HTTP/1.1\r\n\r\n", &r);
	ck_assert_int_eq(r.code, 200);
	ht_resp_free(&r);
	ck_assert(ht_closed_within(fds[0], 2000));
	close(fds[0]);
	/* All four busy: 503. */
	fds[0] = ht_conn_unix();
	for (i = 0; i < 4; i++)
		ht_send(fds[i], "GET /wait HTTP/1.1\r\n\r\n");
	usleep(100000);
	for (n = 0; n < 3; n++) {
		ht_ask("GET /hello HTTP/1.1\r\n\r\n", &r);
		ck_assert_int_eq(r.code, 503);
		ck_assert_ptr_nonnull(strstr(r.body, "Error code 503."));
		ht_resp_free(&r);
	}
	/* The other socket has its own cap. */
	fd = ht_conn_inet();
	ht_send(fd, "GET /release HTTP/1.0\r\n\r\n");
	ht_read(fd, &r);
	ck_assert_int_eq(r.code, 200);
	ht_resp_free(&r);
	close(fd);
	for (i = 0; i < 4; i++) {
		ht_read(fds[i], &r);
		ht_resp_free(&r);
		close(fds[i]);
	}
	/* Logged once for the episode, then once at its end. */
	for (i = 0; i < 200 && !ht_log_has("below the most", &n); i++)
		usleep(10000);
	ck_assert(ht_log_has("closing the longest-idle", &n));
	ck_assert_int_eq(n, 1);
	ck_assert(ht_log_has("below the most it serves again (", &n));
	ck_assert_int_eq(n, 1);
	ck_assert(ht_log_has("idle ones closed, 3 clients refused)", &n));
}
END_TEST

static double
cpu_seconds(pid_t pid)
{
	char	 path[64], buf[1024], *p;
	unsigned long ut, st;
	FILE	*fp;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	ck_assert_ptr_nonnull(fp = fopen(path, "r"));
	ck_assert_ptr_nonnull(fgets(buf, sizeof(buf), fp));
	fclose(fp);
	p = strrchr(buf, ')');
	ck_assert_int_eq(sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u "
	    "%*u %*u %lu %lu", &ut, &st), 2);
	return (double)(ut + st) / (double)sysconf(_SC_CLK_TCK);
}

START_TEST(test_emfile_no_spin)
{
	struct ht_opts	 o = ht_plain;
	struct ht_resp	 r;
	int		 fds[64], i, n;
	double		 c0, c1;

	/* Room for the loop's own descriptors and a few clients. */
	o.nofile = 16;
	ht_start(&o);
	for (i = 0; i < 64; i++) {
		fds[i] = ht_conn_unix();
		ck_assert_int_ne(fds[i], -1);
		ht_send(fds[i], "GET /wait HTTP/1.1\r\n\r\n");
	}
	for (i = 0; i < 300 && !ht_log_has("couldn't accept", &n); i++)
		usleep(10000);
	ck_assert_msg(n == 1, "the EMFILE episode logged %d times", n);
	/* Stopped, not spinning: 1.5 s of it uses little CPU. */
	c0 = cpu_seconds(ht_child);
	usleep(1500000);
	c1 = cpu_seconds(ht_child);
	ck_assert_msg(c1 - c0 < 0.3, "%.2f s of CPU in 1.5 s", c1 - c0);
	ck_assert(ht_log_has("couldn't accept", &n));
	ck_assert_int_eq(n, 1);
	/* Free the descriptors: it accepts again and serves everyone. */
	for (i = 0; i < 64; i++)
		close(fds[i]);
	for (i = 0; i < 300 && !ht_log_has("accepting connections again", &n);
	    i++) {
		int fd = ht_conn_unix();

		if (fd != -1)
			close(fd);
		usleep(10000);
	}
	ck_assert_int_eq(n, 1);
	ht_ask("GET /hello HTTP/1.1\r\n\r\n", &r);
	ck_assert_int_eq(r.code, 200);
	ht_resp_free(&r);
}
END_TEST

START_TEST(test_bounded_memory_with_clients_that_never_read)
{
	struct ht_resp	 r;
	int		 fds[250], i;
	size_t		 nconns = 0, held = 0;
	long		 rss_kib = 0;
	char		 path[64], line[256];
	FILE		*fp;

	ht_start(&ht_plain);
	/* 250 clients each ask for 8 MB, and never read. */
	for (i = 0; i < 250; i++) {
		fds[i] = ht_conn_unix();
		ck_assert_int_ne(fds[i], -1);
		ht_send(fds[i], i % 2 ? "GET /chunked?8000000 HTTP/1.1\r\n\r\n" :
		    "GET /big?8000000 HTTP/1.1\r\n\r\n");
	}
	/* Until the sockets are full and every producer stopped. */
	for (i = 0; i < 100; i++) {
		usleep(50000);
		ht_stats(&nconns, &held);
		if (nconns >= 251 && held > 250 * (size_t)SRV_OUT_HIGH / 2)
			break;
	}
	ck_assert_uint_ge(nconns, 251);
	/* Per connection: the output bound and one write past it. */
	ck_assert_msg(held <= 250 * (size_t)(SRV_OUT_HIGH + 8192 + 4096),
	    "%zu bytes held for 250 connections", held);
	snprintf(path, sizeof(path), "/proc/%d/status", (int)ht_child);
	ck_assert_ptr_nonnull(fp = fopen(path, "r"));
	while (fgets(line, sizeof(line), fp) != NULL)
		if (sscanf(line, "VmRSS: %ld", &rss_kib) == 1)
			break;
	fclose(fp);
	printf("http_memory: 250 clients that never read: %zu KiB held, "
	    "RSS %ld KiB\n", held / 1024, rss_kib);
	/* 250 answers of 8 MB, built whole, would be 2 GB. */
	ck_assert_msg(rss_kib < RSS_MAX_KIB, "RSS %ld KiB", rss_kib);
	for (i = 0; i < 250; i++)
		close(fds[i]);
	/* Still serving, and the buffers are gone with the clients. */
	ht_ask("GET /hello HTTP/1.1\r\n\r\n", &r);
	ck_assert_int_eq(r.code, 200);
	ht_resp_free(&r);
	for (i = 0; i < 200; i++) {
		ht_stats(&nconns, &held);
		if (nconns == 1)
			break;
		usleep(10000);
	}
	ck_assert_uint_eq(nconns, 1);
}
END_TEST

/* supervisor's checkused: a dead socket is replaced, a live one is not. */
START_TEST(test_unix_socket_stale_live_and_mode)
{
	struct ht_opts	 o = ht_plain;
	struct sockaddr_un sun;
	struct ht_resp	 r;
	struct stat	 st;
	int		 fd, n;

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	ck_assert_uint_lt(strlen(ht_sock_path), sizeof(sun.sun_path));
	memcpy(sun.sun_path, ht_sock_path, strlen(ht_sock_path) + 1);
	/* A socket nobody listens on any more. */
	ck_assert_int_ne(fd = socket(AF_UNIX, SOCK_STREAM, 0), -1);
	ck_assert_int_eq(bind(fd, (struct sockaddr *)&sun, sizeof(sun)), 0);
	close(fd);
	o.mode = 0770;
	ht_start(&o);
	ck_assert(ht_log_has("Unlinking stale socket", &n));
	ck_assert_int_eq(stat(ht_sock_path, &st), 0);
	ck_assert_int_eq(st.st_mode & 07777, 0770);
	ht_ask("GET /hello HTTP/1.0\r\n\r\n", &r);
	ck_assert_int_eq(r.code, 200);
	ht_resp_free(&r);
}
END_TEST

START_TEST(test_unix_socket_in_use_is_refused)
{
	struct ev_loop	*loop;
	struct sockaddr_un sun;
	struct http_server *hs;
	struct cfg	 c;
	char		 err[512];
	int		 fd;

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	memcpy(sun.sun_path, ht_sock_path, strlen(ht_sock_path) + 1);
	/* Listening, never answering: still someone's (1 s probe). */
	ck_assert_int_ne(fd = socket(AF_UNIX, SOCK_STREAM, 0), -1);
	ck_assert_int_eq(bind(fd, (struct sockaddr *)&sun, sizeof(sun)), 0);
	ck_assert_int_eq(listen(fd, 4), 0);
	memset(&c, 0, sizeof(c));
	c.unix_socket = ht_sock_path;
	c.unix_socket_mode = 0700;
	ck_assert_ptr_nonnull(loop = ev_loop_new(EVFLAG_AUTO));
	hs = http_open(loop, &c, err, sizeof(err));
	ck_assert_ptr_null(hs);
	ck_assert_msg(strstr(err, "Another program is already listening") !=
	    NULL, "%s", err);
	close(fd);
	ev_loop_destroy(loop);
}
END_TEST

/* SIGHUP and SIGUSR2 in the daemon: a deleted socket is made again. */
START_TEST(test_recheck_makes_a_deleted_socket_again)
{
	struct ht_resp	 r;
	struct stat	 st;
	int		 fd, i, n;

	ht_start(&ht_plain);
	/* A client of the old socket (accepted: answered) keeps it. */
	fd = ht_conn_unix();
	ck_assert_int_ne(fd, -1);
	ht_send(fd, "GET /hello HTTP/1.1\r\n\r\n");
	ht_read(fd, &r);
	ht_resp_free(&r);
	ck_assert_int_eq(unlink(ht_sock_path), 0);
	ck_assert_int_eq(kill(ht_child, SIGHUP), 0);
	for (i = 0; i < 300 && stat(ht_sock_path, &st) == -1; i++)
		usleep(10000);
	ck_assert_int_eq(stat(ht_sock_path, &st), 0);
	ck_assert_int_eq(st.st_mode & 07777, 0700);
	ht_ask("GET /hello HTTP/1.0\r\n\r\n", &r);
	ck_assert_int_eq(r.code, 200);
	ht_resp_free(&r);
	ht_send(fd, "GET /hello HTTP/1.1\r\n\r\n");
	ht_read(fd, &r);
	ck_assert_int_eq(r.code, 200);
	ht_resp_free(&r);
	close(fd);
	ck_assert(ht_log_has("was deleted: made again", &n));
	/* Present: nothing to do. */
	ck_assert_int_eq(kill(ht_child, SIGHUP), 0);
	usleep(100000);
	ck_assert(ht_log_has("was deleted: made again", &n));
	ck_assert_int_eq(n, 1);
}
END_TEST

static long
ctxt_switches(pid_t pid)
{
	char	 path[64], line[256];
	long	 v = -1, n;
	FILE	*fp;

	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	ck_assert_ptr_nonnull(fp = fopen(path, "r"));
	while (fgets(line, sizeof(line), fp) != NULL)
		if (sscanf(line, "voluntary_ctxt_switches: %ld", &n) == 1)
			v = n;
	fclose(fp);
	return v;
}

/* With no client, the server sleeps: no timer, no wakeup. */
START_TEST(test_no_wakeup_without_clients)
{
	struct ht_resp	 r;
	long		 before;
	int		 fd;

	ht_start(&ht_plain);
	/* A client came and went, another left mid-request. */
	ht_ask("GET /hello HTTP/1.1\r\n\r\n", &r);
	ht_resp_free(&r);
	fd = ht_conn_unix();
	ht_send(fd, "GET /hel");
	close(fd);
	usleep(200000);
	before = ctxt_switches(ht_child);
	/* 2 s: any timer of ours (1 s retry, 5 s probe) would show. */
	usleep(2000000);
	ck_assert_int_eq(ctxt_switches(ht_child), before);
}
END_TEST

Suite *
http_hostile_suite(void)
{
	Suite	*s = suite_create("http_hostile");

	tcase_add_test(ht_tcase(s, "http_stream"),
	    test_buffered_length_then_chunked);
	tcase_add_test(ht_tcase(s, "http_stream"), test_chunked_stream);
	tcase_add_loop_test(ht_tcase(s, "http_bad"), test_bad_requests, 0,
	    sizeof(bad_rows) / sizeof(bad_rows[0]));
	tcase_add_test(ht_tcase(s, "http_bounds"), test_header_block_bound);
	tcase_add_test(ht_tcase(s, "http_bounds"), test_body_bound);
	tcase_add_test(ht_tcase(s, "http_halfclose"),
	    test_half_close_gets_whole_answer);
	tcase_add_test(ht_tcase(s, "http_timeouts"), test_timeouts);
	tcase_add_test(ht_tcase(s, "http_cap"), test_connection_cap);
	tcase_add_test(ht_tcase(s, "http_emfile"), test_emfile_no_spin);
	tcase_add_test(ht_tcase(s, "http_memory"),
	    test_bounded_memory_with_clients_that_never_read);
	tcase_add_test(ht_tcase(s, "http_socket"),
	    test_unix_socket_stale_live_and_mode);
	tcase_add_test(ht_tcase(s, "http_socket"),
	    test_unix_socket_in_use_is_refused);
	tcase_add_test(ht_tcase(s, "http_socket"),
	    test_recheck_makes_a_deleted_socket_again);
	tcase_add_test(ht_tcase(s, "http_idle"), test_no_wakeup_without_clients);
	return s;
}
