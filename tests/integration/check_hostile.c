/*
 * Hostile clients of the HTTP server, against the real daemon: garbage,
 * requests over the bounds, clients that never read a big answer or a
 * tail, idle connections past the cap, a client that leaves while its
 * call waits, a half-closed client, a deleted socket.  Through all of
 * them the operator's supervisorctl keeps working, fast, and the daemon's
 * memory stays bounded.
 */
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/un.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <check.h>

#include "tests/harness.h"
#include "tests/skip.h"

Suite	*hostile_suite(void);

/*
 * What 250 clients that never read may add to the daemon: 250 times the
 * output bound and a little.  Under AddressSanitizer (the suite is built
 * as the daemon is) freed memory waits in its 256 MB quarantine.
 */
#if defined(__SANITIZE_ADDRESS__)
#define RSS_BOUND_KIB	(400 * 1024)
#else
#define RSS_BOUND_KIB	(48 * 1024)
#endif

static const char base_conf[] =
	"[unix_http_server]\n"
	"file=@DIR@/sock\n\n"
	"[supervisorctl]\n"
	"serverurl=unix://@DIR@/sock\n\n"
	"[rpcinterface:supervisor]\n"
	"supervisor.rpcinterface_factory = "
	"supervisor.rpcinterface:make_main_rpcinterface\n\n";

static bool
sock_exists(struct th *h, void *arg)
{
	struct stat st;

	(void)arg;
	return lstat(th_path(h, "sock"), &st) == 0;
}

static struct th *
start_daemon(const char *test, const char *programs)
{
	struct th	*h = th_new_named(test);
	char		*body;

	ck_assert(asprintf(&body, "%s%s", base_conf, programs) != -1);
	th_conf(h, body);
	free(body);
	th_start_conf(h);
	ck_assert(th_wait(h, sock_exists, NULL, 5000));
	return h;
}

/* A connection to the daemon's socket; -1 with errno. */
static int
try_connect(struct th *h)
{
	struct sockaddr_un sun;
	int	fd;

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	snprintf(sun.sun_path, sizeof(sun.sun_path), "%s",
	    th_path(h, "sock"));
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1)
		return -1;
	if (connect(fd, (struct sockaddr *)&sun, sizeof(sun)) == -1) {
		close(fd);
		return -1;
	}
	return fd;
}

static int
raw_connect(struct th *h)
{
	int	fd = try_connect(h);

	ck_assert_msg(fd != -1, "connect: %s", strerror(errno));
	return fd;
}

static void
send_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;
	ssize_t	 n;

	while (len > 0) {
		n = write(fd, p, len);
		if (n == -1 && errno == EINTR)
			continue;
		ck_assert_msg(n > 0, "write: %s", strerror(errno));
		p += n;
		len -= (size_t)n;
	}
}

/* An XML-RPC POST of method with params (XML of <param>s), as Python's
 * client writes it. */
static void
send_call(int fd, const char *method, const char *params)
{
	char	*body, *req;
	int	 n, m;

	n = asprintf(&body, "<?xml version='1.0'?>\n<methodCall>\n"
	    "<methodName>%s</methodName>\n<params>\n%s</params>\n"
	    "</methodCall>\n", method, params);
	ck_assert_int_gt(n, 0);
	m = asprintf(&req, "POST /RPC2 HTTP/1.1\r\nHost: localhost\r\n"
	    "Content-Type: text/xml\r\nContent-Length: %d\r\n\r\n%s", n,
	    body);
	ck_assert_int_gt(m, 0);
	send_all(fd, req, (size_t)m);
	free(body);
	free(req);
}

static bool	peer_closed;	/* read_until_close saw the end */

/* Read until the peer closes or ms pass; what came (static), its length
 * in *lenp. */
static const char *
read_until_close(int fd, int ms, size_t *lenp)
{
	static char	 buf[1 << 16];
	size_t		 len = 0;
	long long	 deadline = th_now_ms() + ms;
	struct pollfd	 pfd = { fd, POLLIN, 0 };
	ssize_t		 n;

	peer_closed = false;
	while (th_now_ms() < deadline && len < sizeof(buf) - 1) {
		if (poll(&pfd, 1, 50) <= 0)
			continue;
		n = read(fd, buf + len, sizeof(buf) - 1 - len);
		if (n <= 0) {
			peer_closed = true;
			break;
		}
		len += (size_t)n;
	}
	buf[len] = '\0';
	if (lenp != NULL)
		*lenp = len;
	return buf;
}

/* supervisorctl -c DIR/supervisord.conf status NAME: its exit code and
 * how long it took in *msp. */
static int
ctl_status(struct th *h, const char *name, long long *msp)
{
	const char *bin = getenv("SUPERVISORCTL");
	long long t0 = th_now_ms();
	int	 status;
	pid_t	 pid;

	ck_assert(bin != NULL);
	if ((pid = fork()) == 0) {
		int fd = open(th_path(h, "ctl.out"),
		    O_WRONLY | O_CREAT | O_TRUNC, 0644);

		dup2(fd, 1);
		dup2(fd, 2);
		execl(bin, "supervisorctl", "-c",
		    th_path(h, "supervisord.conf"), "status", name,
		    (char *)NULL);
		_exit(127);
	}
	ck_assert_int_gt(pid, 0);
	status = th_wait_child(pid, 15000);
	*msp = th_now_ms() - t0;
	ck_assert_msg(status != -1, "supervisorctl status timed out");
	return th_exit_code(status);
}

/* The daemon's CPU time so far, in clock ticks. */
static unsigned long long
cpu_ticks(struct th *h)
{
	char		 path[64], buf[1024], *p;
	unsigned long long ut = 0, st = 0;
	FILE		*fp;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)th_pid(h));
	if ((fp = fopen(path, "r")) == NULL)
		return 0;
	if (fgets(buf, sizeof(buf), fp) != NULL &&
	    (p = strrchr(buf, ')')) != NULL)
		(void)sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u "
		    "%*u %*u %llu %llu", &ut, &st);
	fclose(fp);
	return ut + st;
}

/* Wait (up to ms) until the daemon has used no CPU for 300 ms: every
 * client has taken what its socket takes.  Whether it got there. */
static bool
wait_quiet(struct th *h, int ms)
{
	long long	 deadline = th_now_ms() + ms;
	unsigned long long t, last = cpu_ticks(h);
	int		 still = 0;

	while (th_now_ms() < deadline) {
		usleep(100000);
		t = cpu_ticks(h);
		still = t == last ? still + 1 : 0;
		last = t;
		if (still >= 3)
			return true;
	}
	return false;
}

/* The daemon's resident set in KiB. */
static long
rss_kib(struct th *h)
{
	const char *v = th_proc_status(h, th_pid(h), "VmRSS");

	ck_assert(v != NULL);
	return atol(v);
}

START_TEST(test_garbage_and_bounds)
{
	struct th	*h = start_daemon(__func__,
	    "[program:a]\ncommand=sleep 1000\nstartsecs=0\n");
	const char	*r;
	char		*big;
	long long	 ms;
	int		 fd;

	ck_assert(th_wait_log(h, "success: a entered RUNNING", 5000));
	/* Not HTTP: 400, and the connection closes. */
	fd = raw_connect(h);
	send_all(fd, "\x01\xff garbage !!\r\n\r\n", 16);
	r = read_until_close(fd, 5000, NULL);
	ck_assert_msg(strncmp(r, "HTTP/1.0 400 ", 13) == 0 ||
	    strncmp(r, "HTTP/1.1 400 ", 13) == 0, "%s", r);
	close(fd);
	/* A NUL in the request line. */
	fd = raw_connect(h);
	send_all(fd, "GET /\0x HTTP/1.1\r\n\r\n", 20);
	r = read_until_close(fd, 5000, NULL);
	ck_assert_msg(strstr(r, " 400 ") != NULL, "%s", r);
	close(fd);
	/* A header block over the bound: 431, closed. */
	fd = raw_connect(h);
	big = malloc(200000);
	ck_assert(big != NULL);
	memset(big, 'a', 200000);
	memcpy(big, "GET / HTTP/1.1\r\nX-Big: ", 23);
	(void)!write(fd, big, 200000);
	r = read_until_close(fd, 5000, NULL);
	ck_assert_msg(strstr(r, " 431 ") != NULL, "%s", r);
	close(fd);
	free(big);
	/* A body over the bound: 413 before it is sent. */
	fd = raw_connect(h);
	send_all(fd, "POST /RPC2 HTTP/1.1\r\nContent-Length: 999999999\r\n\r\n",
	    51);
	r = read_until_close(fd, 5000, NULL);
	ck_assert_msg(strstr(r, " 413 ") != NULL, "%s", r);
	close(fd);
	/* A POST without a length: 411. */
	fd = raw_connect(h);
	send_all(fd, "POST /RPC2 HTTP/1.0\r\n\r\n", 23);
	r = read_until_close(fd, 5000, NULL);
	ck_assert_msg(strstr(r, " 411 ") != NULL, "%s", r);
	close(fd);
	/* A request that is never finished does not hold the operator. */
	fd = raw_connect(h);
	send_all(fd, "POST /RPC2 HTTP/1.1\r\nContent-Length: 100\r\n\r\n<x", 46);
	ck_assert_int_eq(ctl_status(h, "a", &ms), 0);
	ck_assert_msg(ms < 2000, "status took %lld ms", ms);
	close(fd);
	ck_assert(th_exited_ok(th_stop(h)));
	th_free(h);
}
END_TEST

/*
 * 250 clients ask for an 8 MB log and never read: the daemon's memory
 * stays bounded (each answer is produced as its socket drains) and
 * status stays fast.
 */
START_TEST(test_clients_that_never_read)
{
	struct th	*h = start_daemon(__func__,
	    "[program:a]\ncommand=sleep 1000\nstartsecs=0\n\n"
	    "[program:big]\n"
	    "command=/bin/sh -c 'i=0; while [ $i -lt 2048 ]; do "
	    "printf \"%%04096d\\n\" $i; i=$((i+1)); done; exec sleep 1000'\n"
	    "stdout_logfile=@DIR@/big.log\n"
	    "stdout_logfile_maxbytes=0\n"
	    "startsecs=0\n");
	enum { NCLIENTS = 250 };
	int		 fds[NCLIENTS], i;
	long		 before, after;
	long long	 ms;
	struct stat	 st;
	long long	 deadline = th_now_ms() + 20000;

	ck_assert(th_wait_log(h, "success: a entered RUNNING", 5000));
	while ((stat(th_path(h, "big.log"), &st) == -1 ||
	    st.st_size < 2048 * 4097) && th_now_ms() < deadline)
		usleep(20000);
	ck_assert_int_ge(st.st_size, 2048 * 4097);
	before = rss_kib(h);
	for (i = 0; i < NCLIENTS; i++) {
		fds[i] = raw_connect(h);
		send_call(fds[i], "supervisor.readProcessStdoutLog",
		    "<param>\n<value><string>big</string></value>\n</param>\n"
		    "<param>\n<value><int>0</int></value>\n</param>\n"
		    "<param>\n<value><int>8388608</int></value>\n</param>\n");
	}
	/* Every client has been served as far as its socket takes: then
	 * the daemon rests, and answers the operator at once. */
	ck_assert(wait_quiet(h, 60000));
	ck_assert_int_eq(ctl_status(h, "a", &ms), 0);
	ck_assert_msg(ms < 2000, "status took %lld ms", ms);
	after = rss_kib(h);
	/* Bounded: far below 250 whole answers (2 GB). */
	ck_assert_msg(after - before < RSS_BOUND_KIB, "RSS %ld KiB -> %ld KiB",
	    before, after);
	for (i = 0; i < NCLIENTS; i++)
		close(fds[i]);
	ck_assert_int_eq(ctl_status(h, "a", &ms), 0);
	ck_assert(th_exited_ok(th_stop(h)));
	th_free(h);
}
END_TEST

/* A tail -f that is never read, and a client that leaves while its
 * start waits, change nothing for the others. */
START_TEST(test_follower_and_leaver)
{
	struct th	*h = start_daemon(__func__,
	    "[program:a]\ncommand=sleep 1000\nstartsecs=0\n\n"
	    "[program:slow]\ncommand=sleep 1000\nautostart=false\n"
	    "startsecs=2\n\n"
	    "[program:noisy]\n"
	    "command=/bin/sh -c 'while :; do echo xxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
	    "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx; done'\n"
	    "stdout_logfile=@DIR@/noisy.log\n"
	    "stdout_logfile_maxbytes=1MB\n"
	    "startsecs=0\n");
	int		 follower, leaver, queued = 0;
	long long	 ms, deadline;

	ck_assert(th_wait_log(h, "success: a entered RUNNING", 5000));
	leaver = raw_connect(h);
	send_call(leaver, "supervisor.startProcess",
	    "<param>\n<value><string>slow</string></value>\n</param>\n");
	ck_assert(th_wait_log(h, "spawned: 'slow'", 5000));
	close(leaver);
	follower = raw_connect(h);
	send_all(follower, "GET /logtail/noisy HTTP/1.1\r\nHost: \r\n\r\n",
	    39);
	deadline = th_now_ms() + 5000;
	while ((ioctl(follower, FIONREAD, &queued) == -1 || queued < 32768) &&
	    th_now_ms() < deadline)
		usleep(10000);
	ck_assert_int_ge(queued, 32768);
	ck_assert(th_wait_log(h, "success: slow entered RUNNING", 5000));
	ck_assert_int_eq(ctl_status(h, "slow", &ms), 0);
	ck_assert_msg(ms < 2000, "status took %lld ms", ms);
	close(follower);
	ck_assert_int_eq(ctl_status(h, "a", &ms), 0);
	ck_assert(th_exited_ok(th_stop(h)));
	th_free(h);
}
END_TEST

/* More idle connections than the cap: the operator still gets in. */
START_TEST(test_idle_connections)
{
	struct th	*h = start_daemon(__func__,
	    "[program:a]\ncommand=sleep 1000\nstartsecs=0\n");
	enum { NIDLE = 300 };
	int		 fds[NIDLE], i, n = 0;
	long long	 ms;

	ck_assert(th_wait_log(h, "success: a entered RUNNING", 5000));
	for (i = 0; i < NIDLE; i++) {
		/* A keep-alive connection that asked once, then idles. */
		if ((fds[n] = try_connect(h)) == -1)
			break;
		send_call(fds[n], "supervisor.getState", "");
		n++;
	}
	ck_assert_int_gt(n, 256);
	ck_assert_int_eq(ctl_status(h, "a", &ms), 0);
	ck_assert_msg(ms < 2000, "status took %lld ms", ms);
	for (i = 0; i < n; i++)
		close(fds[i]);
	ck_assert_int_eq(ctl_status(h, "a", &ms), 0);
	ck_assert(th_exited_ok(th_stop(h)));
	th_free(h);
}
END_TEST

/* A client that half-closes after its request gets its whole answer. */
START_TEST(test_half_closed)
{
	struct th	*h = start_daemon(__func__,
	    "[program:a]\ncommand=sleep 1000\nstartsecs=0\n");
	const char	*r;
	int		 fd;

	ck_assert(th_wait_log(h, "success: a entered RUNNING", 5000));
	fd = raw_connect(h);
	send_call(fd, "supervisor.getAllProcessInfo", "");
	ck_assert_int_eq(shutdown(fd, SHUT_WR), 0);
	r = read_until_close(fd, 5000, NULL);
	ck_assert_msg(strncmp(r, "HTTP/1.1 200 OK\r\n", 17) == 0, "%s", r);
	ck_assert_msg(strstr(r, "</methodResponse>\n") != NULL, "%s", r);
	/* And then the daemon closed it: the client said it was done. */
	ck_assert(peer_closed);
	close(fd);
	th_free(h);
}
END_TEST

/* A deleted socket comes back on SIGHUP and on SIGUSR2. */
START_TEST(test_socket_recreated)
{
	struct th	*h = start_daemon(__func__,
	    "[program:a]\ncommand=sleep 1000\nstartsecs=0\n");
	long long	 ms;
	int		 sig, i;

	ck_assert(th_wait_log(h, "success: a entered RUNNING", 5000));
	for (i = 0; i < 2; i++) {
		sig = i == 0 ? SIGHUP : SIGUSR2;
		ck_assert_int_eq(unlink(th_path(h, "sock")), 0);
		ck_assert_int_ne(ctl_status(h, "a", &ms), 0);
		ck_assert_int_eq(th_signal(h, sig), 0);
		ck_assert(th_wait(h, sock_exists, NULL, 5000));
		ck_assert_int_eq(ctl_status(h, "a", &ms), 0);
	}
	ck_assert(th_exited_ok(th_stop(h)));
	th_free(h);
}
END_TEST

Suite *
hostile_suite(void)
{
	Suite	*s = suite_create("hostile");
	TCase	*tc = th_tcase("hostile", 90);

	tcase_add_test(tc, test_garbage_and_bounds);
	tcase_add_test(tc, test_clients_that_never_read);
	tcase_add_test(tc, test_follower_and_leaver);
	tcase_add_test(tc, test_idle_connections);
	tcase_add_test(tc, test_half_closed);
	tcase_add_test(tc, test_socket_recreated);
	suite_add_tcase(s, tc);
	return s;
}
