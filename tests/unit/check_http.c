/*
 * The HTTP server in a child process of the test (its own loop, on a unix
 * socket in a temp dir and on 127.0.0.1), with test routes; the test is
 * its client, over real sockets, with deadlines on every wait.  The
 * child's counters (connections, bytes held) come from its /stats route,
 * asked on the socket the test is not filling.  This file: the fixture
 * (check_http.h) and the protocol; check_http_hostile.c: big answers and
 * clients that misbehave.
 */
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/un.h>
#include <sys/wait.h>

#include <netinet/in.h>

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <check.h>
#include <ev.h>

#include "supervisord/config.h"
#include "supervisord/http.h"
#include "supervisord/log.h"
#include "supervisord/server.h"
#include "tests/unit/check_http.h"

Suite	*http_suite(void);

static char	 dir[4096];
char		 ht_sock_path[4200];
static int	 port;
char		 ht_log_path[4200];
pid_t		 ht_child = -1;

/* The child: test routes. */

static struct http_server *hs;
static struct http_req	*waiting[64];
static size_t		 nwaiting;

static void
hello(void *arg, struct http_req *rq)
{
	(void)arg;
	http_reply(rq, 200, "text/ht_plain", "X-Test: 1\r\n", "hello", 5);
}

/* /hdr: the request's User-agent: and Host: headers and its path. */
static void
hdr(void *arg, struct http_req *rq)
{
	const struct http_req_info *in = http_info(rq);
	const char	*ua = http_header(rq, "user-agent");
	char		 b[512];
	int		 n;

	(void)arg;
	n = snprintf(b, sizeof(b), "[%s] [%s] [%s] [%s]", ua != NULL ? ua :
	    "-", in->host != NULL ? in->host : "-", in->path, in->query);
	http_reply(rq, 200, "text/plain", NULL, b, (size_t)n);
}

static void
stats(void *arg, struct http_req *rq)
{
	char	 b[64];
	int	 n;

	(void)arg;
	n = snprintf(b, sizeof(b), "%zu %zu", http_nconns(hs),
	    http_buffered(hs));
	http_reply(rq, 200, "text/ht_plain", NULL, b, (size_t)n);
}

static void
echo(void *arg, struct http_req *rq)
{
	const struct http_req_info *in = http_info(rq);

	(void)arg;
	http_reply(rq, 200, "text/ht_plain", NULL, in->body, in->bodylen);
}

/* /wait: nothing until /release; then "released". */
static enum http_fill
wait_fill(void *arg, struct http_req *rq)
{
	bool	*released = arg;

	if (!*released)
		return HTTP_FILL_WAIT;
	http_write(rq, "released", 8);
	return HTTP_FILL_DONE;
}

static bool	*flags[64];

static void
wait_free(void *arg)
{
	size_t	 i;

	/* A client that left: its request is gone from the list. */
	for (i = 0; i < nwaiting; i++)
		if (flags[i] == arg) {
			flags[i] = flags[nwaiting - 1];
			waiting[i] = waiting[--nwaiting];
			break;
		}
	free(arg);
}

static void
waitr(void *arg, struct http_req *rq)
{
	struct http_producer p;
	bool		*f;

	(void)arg;
	f = calloc(1, sizeof(*f));
	if (nwaiting < 64) {
		flags[nwaiting] = f;
		waiting[nwaiting++] = rq;
	}
	p.fill = wait_fill;
	p.free = wait_free;
	p.arg = f;
	http_stream(rq, 200, "text/ht_plain", NULL, HTTP_STREAM_BUFFERED, &p);
}

static void
release(void *arg, struct http_req *rq)
{
	size_t	 i;

	(void)arg;
	for (i = 0; i < nwaiting; i++) {
		*flags[i] = true;
		/* From inside another request's handler: scheduled. */
		http_wake(waiting[i]);
	}
	nwaiting = 0;
	http_reply(rq, 200, "text/ht_plain", NULL, "ok", 2);
}

/* /big?N: N bytes of 'x' written as room allows; /flood?N in chunks. */
struct big {
	size_t	 left;
};

static enum http_fill
big_fill(void *arg, struct http_req *rq)
{
	struct big	*b = arg;
	char		 buf[4096];
	size_t		 n;

	memset(buf, 'x', sizeof(buf));
	while (b->left > 0 && http_room(rq) > 0) {
		n = b->left < sizeof(buf) ? b->left : sizeof(buf);
		http_write(rq, buf, n);
		b->left -= n;
	}
	return b->left == 0 ? HTTP_FILL_DONE : HTTP_FILL_MORE;
}

static void
big_route(void *arg, struct http_req *rq)
{
	struct http_producer p;
	struct big	*b = calloc(1, sizeof(*b));

	b->left = strtoul(http_info(rq)->query, NULL, 10);
	p.fill = big_fill;
	p.free = free;
	p.arg = b;
	http_stream(rq, 200, "text/ht_plain", NULL, arg != NULL ?
	    HTTP_STREAM_CHUNKED : HTTP_STREAM_BUFFERED, &p);
}

static void
child_term_cb(struct ev_loop *l, ev_signal *w, int revents)
{
	(void)w;
	(void)revents;
	ev_break(l, EVBREAK_ALL);
}

static void
child_hup_cb(struct ev_loop *l, ev_signal *w, int revents)
{
	(void)l;
	(void)w;
	(void)revents;
	http_recheck(hs);
}

static void
serve(const struct ht_opts *o)
{
	struct ev_loop	*loop;
	struct cfg	 c;
	struct srv_limits lim;
	struct rlimit	 rl;
	ev_signal	 term, hup;
	sigset_t	 set;
	char		 err[512], portbuf[16];
	static int	 chunked = 1;

	log_open(ht_log_path, 0, 0, LOGLEVEL_DEBG, false);
	if (o->nofile > 0) {
		rl.rlim_cur = rl.rlim_max = o->nofile;
		if (setrlimit(RLIMIT_NOFILE, &rl) == -1)
			_exit(3);
	}
	loop = ev_loop_new(EVFLAG_AUTO);
	memset(&c, 0, sizeof(c));
	c.unix_socket = ht_sock_path;
	c.unix_socket_mode = o->mode != 0 ? o->mode : 0700;
	snprintf(portbuf, sizeof(portbuf), "127.0.0.1:%d", port);
	c.inet_port = portbuf;
	c.inet_host = (char *)(uintptr_t)"127.0.0.1";
	c.inet_portnum = port;
	c.http_username = c.inet_username = (char *)(uintptr_t)o->user;
	c.http_password = c.inet_password = (char *)(uintptr_t)o->pass;
	if ((hs = http_open(loop, &c, err, sizeof(err))) == NULL) {
		fprintf(stderr, "http_open: %s\n", err);
		_exit(4);
	}
	memset(&lim, 0, sizeof(lim));
	lim.idle = o->idle;
	lim.request = o->request;
	lim.max_conns = o->max_conns;
	lim.retry = 0.2;
	http_set_limits(hs, &lim);
	if (http_route(hs, "/hello", HTTP_EXACT, hello, NULL) == -1 ||
	    http_route(hs, "/stats", HTTP_EXACT, stats, NULL) == -1 ||
	    http_route(hs, "/hdr", HTTP_PREFIX, hdr, NULL) == -1 ||
	    http_route(hs, "/echo", HTTP_EXACT, echo, NULL) == -1 ||
	    http_route(hs, "/wait", HTTP_EXACT, waitr, NULL) == -1 ||
	    http_route(hs, "/release", HTTP_EXACT, release, NULL) == -1 ||
	    http_route(hs, "/big", HTTP_PREFIX, big_route, NULL) == -1 ||
	    http_route(hs, "/chunked", HTTP_PREFIX, big_route, &chunked) == -1)
		_exit(5);
	ev_signal_init(&term, child_term_cb, SIGTERM);
	ev_signal_start(loop, &term);
	ev_signal_init(&hup, child_hup_cb, SIGHUP);
	ev_signal_start(loop, &hup);
	/* Blocked since the fork, so that none came before its watcher. */
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGHUP);
	sigprocmask(SIG_UNBLOCK, &set, NULL);
	http_start(hs);
	ev_run(loop, 0);
	http_close(hs);
	ev_loop_destroy(loop);
	log_close();
	_exit(0);
}

/* The test's side. */


void
ht_start(const struct ht_opts *o)
{
	struct sockaddr_in sin;
	socklen_t	 len = sizeof(sin);
	sigset_t	 set;
	int		 fd, i;

	/* A free port on the loopback, for the inet socket. */
	fd = socket(AF_INET, SOCK_STREAM, 0);
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	ck_assert_int_eq(bind(fd, (struct sockaddr *)&sin, sizeof(sin)), 0);
	ck_assert_int_eq(getsockname(fd, (struct sockaddr *)&sin, &len), 0);
	port = ntohs(sin.sin_port);
	close(fd);
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGHUP);
	sigprocmask(SIG_BLOCK, &set, NULL);
	ht_child = fork();
	ck_assert_int_ne(ht_child, -1);
	if (ht_child == 0)
		serve(o);
	sigprocmask(SIG_UNBLOCK, &set, NULL);
	/* Up when the socket answers: 5 s at most. */
	for (i = 0; i < 500; i++) {
		if (access(ht_sock_path, F_OK) == 0 && (fd = ht_conn_unix()) != -1) {
			close(fd);
			return;
		}
		usleep(10000);
	}
	ck_abort_msg("the server did not start");
}

void
ht_setup(void)
{
	const char	*tmp = getenv("TMPDIR");

	snprintf(dir, sizeof(dir), "%s/http.XXXXXX",
	    tmp != NULL && *tmp != '\0' ? tmp : "/tmp");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(ht_sock_path, sizeof(ht_sock_path), "%s/sock", dir);
	/* HTTP_TEST_LOG=FILE: the server's log there, kept. */
	if (getenv("HTTP_TEST_LOG") != NULL)
		snprintf(ht_log_path, sizeof(ht_log_path), "%s",
		    getenv("HTTP_TEST_LOG"));
	else
		snprintf(ht_log_path, sizeof(ht_log_path), "%s/log", dir);
	signal(SIGPIPE, SIG_IGN);
	ht_child = -1;
}

void
ht_teardown(void)
{
	int	 st, i;

	if (ht_child > 0) {
		kill(ht_child, SIGTERM);
		for (i = 0; i < 300 && waitpid(ht_child, &st, WNOHANG) == 0; i++)
			usleep(10000);
		if (i == 300) {
			kill(ht_child, SIGKILL);
			waitpid(ht_child, &st, 0);
		}
	}
	unlink(ht_sock_path);
	if (getenv("HTTP_TEST_LOG") == NULL)
		unlink(ht_log_path);
	rmdir(dir);
}

int
ht_conn_unix(void)
{
	struct sockaddr_un sun;
	int	 fd;

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	if (strlen(ht_sock_path) >= sizeof(sun.sun_path))
		return -1;
	memcpy(sun.sun_path, ht_sock_path, strlen(ht_sock_path) + 1);
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1)
		return -1;
	if (connect(fd, (struct sockaddr *)&sun, sizeof(sun)) == -1) {
		close(fd);
		return -1;
	}
	return fd;
}

int
ht_conn_inet(void)
{
	struct sockaddr_in sin;
	int	 fd;

	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons((uint16_t)port);
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	ck_assert_int_ne(fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0),
	    -1);
	ck_assert_int_eq(connect(fd, (struct sockaddr *)&sin, sizeof(sin)),
	    0);
	return fd;
}

void
ht_send(int fd, const char *s)
{
	size_t	 n = strlen(s), off = 0;
	ssize_t	 w;

	while (off < n) {
		w = send(fd, s + off, n - off, MSG_NOSIGNAL);
		ck_assert_msg(w > 0, "send: %s", strerror(errno));
		off += (size_t)w;
	}
}

double
ht_now(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Bytes that arrive within ms: appended to buf; -1 on EOF, else count. */
ssize_t
ht_recv_for(int fd, char *buf, size_t size, size_t *len, int ms)
{
	struct pollfd	 pfd = { fd, POLLIN, 0 };
	double		 end = ht_now() + ms / 1000.0;
	ssize_t		 n, got = 0;
	int		 left;

	while ((left = (int)((end - ht_now()) * 1000)) > 0 && *len < size) {
		if (poll(&pfd, 1, left) <= 0)
			continue;
		n = recv(fd, buf + *len, size - *len, 0);
		if (n <= 0)
			return -1;
		*len += (size_t)n;
		got += n;
	}
	return got;
}

/* Read one answer (5 s at most): head, then the body by its framing. */
void
ht_read(int fd, struct ht_resp *r)
{
	static char	 buf[1 << 22];
	static size_t	 len;
	static int	 lastfd = -1;
	char		*e, *p, *hv;
	size_t		 hl, cl, sz, off;
	double		 end = ht_now() + 5;

	memset(r, 0, sizeof(*r));
	/* What followed the last answer on this fd is this one's start. */
	if (fd != lastfd)
		len = 0;
	lastfd = fd;
	for (;;) {
		ck_assert_msg(ht_now() < end, "no answer's head in 5 s");
		if (len > 0 && (e = memmem(buf, len, "\r\n\r\n", 4)) != NULL)
			break;
		if (ht_recv_for(fd, buf, sizeof(buf), &len, 50) == -1 &&
		    memmem(buf, len, "\r\n\r\n", 4) == NULL)
			ck_abort_msg("EOF before the head (%zu bytes)", len);
	}
	hl = (size_t)(e - buf) + 4;
	ck_assert_uint_lt(hl, sizeof(r->head));
	memcpy(r->head, buf, hl);
	r->head[hl] = '\0';
	ck_assert_int_eq(sscanf(r->head, "HTTP/1.%*d %d", &r->code), 1);
	r->body = malloc(sizeof(buf));
	if ((hv = strcasestr(r->head, "\r\nContent-Length: ")) != NULL) {
		cl = strtoul(hv + 18, NULL, 10);
		while (len - hl < cl) {
			ck_assert_msg(ht_now() < end, "body short");
			if (ht_recv_for(fd, buf, sizeof(buf), &len, 50) == -1)
				break;
		}
		ck_assert_uint_ge(len - hl, cl);
		memcpy(r->body, buf + hl, cl);
		r->bodylen = cl;
		off = hl + cl;
	} else if (strcasestr(r->head, "\r\nTransfer-Encoding: chunked") !=
	    NULL) {
		off = hl;
		for (;;) {
			ck_assert_msg(ht_now() < end, "chunks short");
			p = memmem(buf + off, len - off, "\r\n", 2);
			if (p == NULL) {
				ck_assert_int_ne(ht_recv_for(fd, buf, sizeof(buf),
				    &len, 50), -1);
				continue;
			}
			sz = strtoul(buf + off, NULL, 16);
			if (len < (size_t)(p - buf) + 2 + sz + 2) {
				ck_assert_int_ne(ht_recv_for(fd, buf, sizeof(buf),
				    &len, 50), -1);
				continue;
			}
			memcpy(r->body + r->bodylen, p + 2, sz);
			r->bodylen += sz;
			off = (size_t)(p - buf) + 2 + sz + 2;
			if (sz == 0)
				break;
		}
	} else {
		/* Until close. */
		while (ht_recv_for(fd, buf, sizeof(buf), &len, 50) != -1)
			ck_assert_msg(ht_now() < end, "no EOF");
		r->closed = true;
		memcpy(r->body, buf + hl, len - hl);
		r->bodylen = len - hl;
		return;
	}
	/* Whatever follows (a pipelined answer) is kept for the next. */
	if (off < len) {
		memmove(buf, buf + off, len - off);
		len -= off;
	} else
		len = 0;
}

void
ht_resp_free(struct ht_resp *r)
{
	free(r->body);
	r->body = NULL;
}

/* Does the server close fd within ms? */
bool
ht_closed_within(int fd, int ms)
{
	char	 buf[4096];
	size_t	 len = 0;

	for (;;) {
		if (ht_recv_for(fd, buf, sizeof(buf), &len, ms) == -1)
			return true;
		if (len < sizeof(buf))
			return false;
		len = 0;
	}
}

/* One request on a fresh unix connection; the answer. */
void
ht_ask(const char *req, struct ht_resp *r)
{
	int	 fd = ht_conn_unix();

	ck_assert_int_ne(fd, -1);
	ht_send(fd, req);
	ht_read(fd, r);
	close(fd);
}

void
ht_stats(size_t *nconns, size_t *held)
{
	struct ht_resp	 r;
	int		 fd = ht_conn_inet();

	ht_send(fd, "GET /stats HTTP/1.0\r\n\r\n");
	ht_read(fd, &r);
	close(fd);
	ck_assert_int_eq(r.code, 200);
	r.body[r.bodylen] = '\0';
	ck_assert_int_eq(sscanf(r.body, "%zu %zu", nconns, held), 2);
	ht_resp_free(&r);
}

const struct ht_opts ht_plain = { NULL, NULL, 0, 0, 0, 0, 0 };

/* Tests. */

START_TEST(test_reply_headers_and_date)
{
	struct ht_resp	 r;
	char		 day[4], mon[4], tz[4];
	int		 d, y, hh, mm, ss;
	const char	*date;

	ht_start(&ht_plain);
	ht_ask("GET /hello HTTP/1.1\r\nHost: x\r\n\r\n", &r);
	ck_assert_int_eq(r.code, 200);
	ck_assert_msg(strncmp(r.head, "HTTP/1.1 200 OK\r\nServer: Medusa/1.12"
	    "\r\nDate: ", 44) == 0, "%s", r.head);
	date = r.head + 44;
	ck_assert_int_eq(sscanf(date, "%3s, %d %3s %d %d:%d:%d %3s", day, &d,
	    mon, &y, &hh, &mm, &ss, tz), 8);
	ck_assert_str_eq(tz, "GMT");
	ck_assert_ptr_nonnull(strstr(r.head, "\r\nContent-Type: text/ht_plain"
	    "\r\nX-Test: 1\r\nContent-Length: 5\r\n\r\n"));
	ck_assert_int_eq(r.bodylen, 5);
	ck_assert_int_eq(memcmp(r.body, "hello", 5), 0);
	ht_resp_free(&r);
	/* No route: medusa's error page, byte for byte. */
	ht_ask("GET /nowhere HTTP/1.0\r\n\r\n", &r);
	ck_assert_int_eq(r.code, 404);
	ck_assert_ptr_nonnull(strstr(r.head, "Content-Length: 134\r\n"
	    "Content-Type: text/html\r\n"));
	ck_assert_int_eq(r.bodylen, 134);
	ck_assert_int_eq(memcmp(r.body, "<head>\r\n<title>Error response"
	    "</title>\r\n</head>\r\n<body>\r\n<h1>Error response</h1>\r\n"
	    "<p>Error code 404.\r\n<p>Message: Not Found.\r\n</body>\r\n",
	    134), 0);
	ht_resp_free(&r);
}
END_TEST

/* supervisorctl's tail request, byte for byte: an empty Host:. */
START_TEST(test_headers_path_and_query)
{
	struct ht_resp	 r;

	ht_start(&ht_plain);
	ht_ask("GET /hdr/echoer/stdout HTTP/1.1\r\nHost: \r\n"
	    "Accept-Encoding: chunked\r\nAccept: */*\r\n"
	    "User-agent: Supervisor HTTP Client\r\n\r\n\r\n", &r);
	ck_assert_int_eq(r.code, 200);
	r.body[r.bodylen] = '\0';
	ck_assert_str_eq(r.body, "[Supervisor HTTP Client] [] "
	    "[/hdr/echoer/stdout] []");
	ht_resp_free(&r);
	/* The path %-decoded, the query raw, no fragment. */
	ht_ask("GET /hdr/a%20b%2x?x=%20y#frag HTTP/1.0\r\nHost: h:1\r\n\r\n",
	    &r);
	r.body[r.bodylen] = '\0';
	ck_assert_str_eq(r.body, "[-] [h:1] [/hdr/a b%2x] [x=%20y]");
	ht_resp_free(&r);
}
END_TEST

START_TEST(test_keep_alive_rules)
{
	struct ht_resp	 r;
	int		 fd;

	ht_start(&ht_plain);
	/* HTTP/1.1: stays open, two requests one after the other. */
	fd = ht_conn_inet();
	ht_send(fd, "GET /hello HTTP/1.1\r\n\r\n");
	ht_read(fd, &r);
	ck_assert_int_eq(r.code, 200);
	ck_assert_ptr_null(strstr(r.head, "Connection:"));
	ht_resp_free(&r);
	ht_send(fd, "GET /hello HTTP/1.1\r\n\r\n");
	ht_read(fd, &r);
	ck_assert_int_eq(r.code, 200);
	ht_resp_free(&r);
	/* ... until asked to close. */
	ht_send(fd, "GET /hello HTTP/1.1\r\nConnection: close\r\n\r\n");
	ht_read(fd, &r);
	ht_resp_free(&r);
	ck_assert(ht_closed_within(fd, 2000));
	close(fd);
	/* HTTP/1.0 with keep-alive and a length: "Connection: Keep-Alive". */
	fd = ht_conn_unix();
	ht_send(fd, "GET /hello HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");
	ht_read(fd, &r);
	ck_assert_ptr_nonnull(strstr(r.head, "HTTP/1.0 200 OK\r\n"));
	ck_assert_ptr_nonnull(strstr(r.head, "\r\nConnection: Keep-Alive\r\n"));
	ht_resp_free(&r);
	ck_assert(!ht_closed_within(fd, 200));
	/* Plain HTTP/1.0 closes, with no Connection header (medusa's). */
	ht_send(fd, "GET /hello HTTP/1.0\r\n\r\n");
	ht_read(fd, &r);
	ck_assert_ptr_null(strstr(r.head, "Connection:"));
	ht_resp_free(&r);
	ck_assert(ht_closed_within(fd, 2000));
	close(fd);
}
END_TEST

START_TEST(test_pipelined_held_behind_waiting_producer)
{
	struct ht_resp	 r;
	char		 buf[256];
	size_t		 len = 0;
	int		 fd, fd2;

	ht_start(&ht_plain);
	fd = ht_conn_unix();
	/* supervisorctl's tail sends an extra CRLF: skipped. */
	ht_send(fd, "GET /wait HTTP/1.1\r\n\r\n\r\nGET /hello HTTP/1.1\r\n"
	    "\r\n");
	/* Nothing while /wait waits: not even /hello's answer. */
	ck_assert_int_eq(ht_recv_for(fd, buf, sizeof(buf), &len, 300), 0);
	fd2 = ht_conn_inet();
	ht_send(fd2, "GET /release HTTP/1.1\r\n\r\n");
	ht_read(fd2, &r);
	ck_assert_int_eq(r.code, 200);
	ht_resp_free(&r);
	close(fd2);
	ht_read(fd, &r);
	ck_assert_int_eq(r.code, 200);
	ck_assert_ptr_nonnull(strstr(r.head, "Content-Length: 8\r\n"));
	ck_assert_int_eq(memcmp(r.body, "released", 8), 0);
	ht_resp_free(&r);
	ht_read(fd, &r);
	ck_assert_int_eq(r.code, 200);
	ck_assert_int_eq(memcmp(r.body, "hello", 5), 0);
	ht_resp_free(&r);
	close(fd);
}
END_TEST

bool
ht_log_has(const char *what, int *count)
{
	char	 line[1024];
	FILE	*fp;

	*count = 0;
	if ((fp = fopen(ht_log_path, "r")) == NULL)
		return false;
	while (fgets(line, sizeof(line), fp) != NULL)
		if (strstr(line, what) != NULL)
			(*count)++;
	fclose(fp);
	return *count > 0;
}

static const char *const sha_secret =
    "{SHA}e5e9fa1ba31ecd1ae84f75caaa474f3a663f05f4";	/* "secret" */

static const struct {
	const char	*pass;		/* configured */
	const char	*auth;		/* Authorization:, or NULL */
	int		 code;
} auth_rows[] = {
	{ "secret", NULL, 401 },
	{ "secret", "Basic dXNlcjpzZWNyZXQ=", 200 },	/* user:secret */
	{ "secret", "basic dXNlcjpzZWNyZXQ=", 200 },
	{ "secret", "Basic dXNlcjpTZWNyZXQ=", 401 },	/* user:Secret */
	{ "secret", "Basic dXNlcjI6c2VjcmV0", 401 },	/* user2:secret */
	{ "secret", "Digest dXNlcjpzZWNyZXQ=", 401 },
	{ "secret", "Basic dXNlcjpzZWNyZXQ", 400 },	/* padding */
	{ "secret", "Basic x", 400 },
	{ "secret", "Basic dXNlcg==", 401 },		/* "user" */
	{ NULL, "Basic dXNlcjpzZWNyZXQ=", 200 },	/* {SHA} */
	{ NULL, "Basic dXNlcjp4", 401 },		/* user:x */
	{ NULL, "Basic dXNlcjp7U0hBfWU1ZTlmYTFiYTMxZWNkMWFlODRmNzVjYWFhNDc0"
	    "ZjNhNjYzZjA1ZjQ=", 401 },			/* the hash itself */
};

START_TEST(test_basic_auth)
{
	struct ht_opts	 o = ht_plain;
	struct ht_resp	 r;
	char		 req[512];

	o.user = "user";
	o.pass = auth_rows[_i].pass != NULL ? auth_rows[_i].pass : sha_secret;
	ht_start(&o);
	snprintf(req, sizeof(req), "GET /hello HTTP/1.1\r\n%s%s%s\r\n",
	    auth_rows[_i].auth != NULL ? "Authorization: " : "",
	    auth_rows[_i].auth != NULL ? auth_rows[_i].auth : "",
	    auth_rows[_i].auth != NULL ? "\r\n" : "");
	ht_ask(req, &r);
	ck_assert_int_eq(r.code, auth_rows[_i].code);
	if (r.code == 401) {
		ck_assert_ptr_nonnull(strstr(r.head, "\r\nConnection: close"
		    "\r\nWWW-Authenticate: Basic realm=\"default\"\r\n"
		    "Content-Length: 137\r\nContent-Type: text/html\r\n"));
		ck_assert_int_eq(r.bodylen, 137);
	}
	ht_resp_free(&r);
	/* Every path, the unknown ones too. */
	if (auth_rows[_i].auth == NULL) {
		ht_ask("GET /nowhere HTTP/1.0\r\n\r\n", &r);
		ck_assert_int_eq(r.code, 401);
		ht_resp_free(&r);
	}
}
END_TEST

TCase *
ht_tcase(Suite *s, const char *name)
{
	TCase	*tc = tcase_create(name);

	tcase_add_checked_fixture(tc, ht_setup, ht_teardown);
	tcase_set_timeout(tc, 30);
	suite_add_tcase(s, tc);
	return tc;
}

Suite *
http_suite(void)
{
	Suite	*s = suite_create("http");

	tcase_add_test(ht_tcase(s, "http_reply"), test_reply_headers_and_date);
	tcase_add_test(ht_tcase(s, "http_reply"), test_headers_path_and_query);
	tcase_add_test(ht_tcase(s, "http_keepalive"), test_keep_alive_rules);
	tcase_add_test(ht_tcase(s, "http_pipelining"),
	    test_pipelined_held_behind_waiting_producer);
	tcase_add_loop_test(ht_tcase(s, "http_auth"), test_basic_auth, 0,
	    sizeof(auth_rows) / sizeof(auth_rows[0]));
	return s;
}
