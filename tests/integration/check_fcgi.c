/*
 * fcgi: [fcgi-program:x] as supervisor 4.2.5 runs it.  The processes of
 * a section share one listening socket as their fd 0 (tests/helpers/
 * fcgiecho accepts on it and answers with its pid); the socket exists
 * while one of them lives (created by the first spawn, closed after the
 * last reap); a unix socket gets its mode; a reload that changes the URL
 * moves the listener; sendProcessStdin answers NO_FILE; a program that a
 * [group:y] lists gets its socket too (supervisor's does not); a port in
 * use or a bad path stops the daemon at startup.  Only loopback and the
 * test's directory are used; ports are picked free by the kernel.
 */
#include <sys/types.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>

#include <netinet/in.h>
#include <arpa/inet.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <check.h>

#include "tests/harness.h"

Suite	*fcgi_suite(void);

static const char ctl_conf[] =
	"[unix_http_server]\n"
	"file=@DIR@/sock\n\n"
	"[supervisorctl]\n"
	"serverurl=unix://@DIR@/sock\n\n"
	"[rpcinterface:supervisor]\n"
	"supervisor.rpcinterface_factory = "
	"supervisor.rpcinterface:make_main_rpcinterface\n\n";

/* Connect to "tcp:PORT" or a unix path: the fd, or -1 with errno. */
static int
dial(const char *where)
{
	struct sockaddr_un sun;
	struct sockaddr_in sin;
	int		 fd, rc, e;

	if (strncmp(where, "tcp:", 4) == 0) {
		fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
		ck_assert_int_ne(fd, -1);
		memset(&sin, 0, sizeof(sin));
		sin.sin_family = AF_INET;
		sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		sin.sin_port = htons((uint16_t)atoi(where + 4));
		rc = connect(fd, (struct sockaddr *)&sin, sizeof(sin));
	} else {
		fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
		ck_assert_int_ne(fd, -1);
		memset(&sun, 0, sizeof(sun));
		sun.sun_family = AF_UNIX;
		snprintf(sun.sun_path, sizeof(sun.sun_path), "%s", where);
		rc = connect(fd, (struct sockaddr *)&sun, sizeof(sun));
	}
	if (rc == -1) {
		e = errno;
		close(fd);
		errno = e;
		return -1;
	}
	return fd;
}

/* Read until EOF (the peer answers and closes), at most len - 1. */
static void
read_reply(int fd, char *buf, size_t len)
{
	size_t	got = 0;
	ssize_t	n;

	/* A stuck peer is caught by the TCase's timeout. */
	while (got < len - 1) {
		n = read(fd, buf + got, len - 1 - got);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		got += (size_t)n;
	}
	buf[got] = '\0';
}

/* Ask where for an answer: fcgiecho's pid, and its nonblock flag. */
static pid_t
ask(const char *where, int *nonblock)
{
	char	 buf[128];
	int	 fd, pid = 0, nb = -1;

	fd = dial(where);
	ck_assert_msg(fd != -1, "connect %s: %s", where, strerror(errno));
	read_reply(fd, buf, sizeof(buf));
	close(fd);
	ck_assert_msg(sscanf(buf, "pid=%d nonblock=%d", &pid, &nb) == 2,
	    "answer from %s: '%s'", where, buf);
	if (nonblock != NULL)
		*nonblock = nb;
	return (pid_t)pid;
}

struct refused_arg {
	const char	*where;
};

/* th_wait predicate: a connect to where is refused (nothing listens). */
static bool
refused(struct th *h, void *arg)
{
	struct refused_arg *r = arg;
	int	fd;

	(void)h;
	if ((fd = dial(r->where)) != -1) {
		close(fd);
		return false;
	}
	return errno == ECONNREFUSED;
}

/* "socket:[INODE]" that /proc/PID/fd/0 points to, into buf. */
static void
fd0_of(pid_t pid, char *buf, size_t len)
{
	char	path[64];
	ssize_t	n;

	snprintf(path, sizeof(path), "/proc/%d/fd/0", (int)pid);
	n = readlink(path, buf, len - 1);
	ck_assert_msg(n > 0, "%s: %s", path, strerror(errno));
	buf[n] = '\0';
}

/* Run supervisorctl with the arguments (NULL-terminated); exit code. */
static int
ctl(struct th *h, ...)
{
	char		*argv[16], *a, conf[4096];
	const char	*bin = getenv("SUPERVISORCTL");
	va_list		 ap;
	pid_t		 pid;
	int		 n = 0, fd, st;

	ck_assert_msg(bin != NULL, "SUPERVISORCTL is not set");
	argv[n++] = (char *)"supervisorctl";
	argv[n++] = (char *)"-c";
	snprintf(conf, sizeof(conf), "%s", th_path(h, "supervisord.conf"));
	argv[n++] = conf;
	va_start(ap, h);
	while (n < 15 && (a = va_arg(ap, char *)) != NULL)
		argv[n++] = a;
	va_end(ap);
	argv[n] = NULL;
	fd = open(th_path(h, "ctl.out"), O_WRONLY | O_CREAT | O_TRUNC |
	    O_CLOEXEC, 0644);
	ck_assert_int_ne(fd, -1);
	if ((pid = fork()) == 0) {
		dup2(fd, 1);
		dup2(fd, 2);
		execv(bin, argv);
		_exit(127);
	}
	close(fd);
	ck_assert_int_gt(pid, 0);
	st = th_wait_child(pid, 15000);
	ck_assert_msg(st != -1, "supervisorctl timed out");
	return th_exit_code(st);
}

/* POST one XML-RPC call to the daemon's unix socket; the reply. */
static const char *
rpc(struct th *h, const char *body, char *buf, size_t len)
{
	char	 req[2048];
	int	 fd, n;

	fd = dial(th_path(h, "sock"));
	ck_assert_msg(fd != -1, "connect: %s", strerror(errno));
	n = snprintf(req, sizeof(req), "POST /RPC2 HTTP/1.0\r\n"
	    "Content-Type: text/xml\r\nContent-Length: %zu\r\n\r\n%s",
	    strlen(body), body);
	ck_assert_int_eq(write(fd, req, (size_t)n), n);
	read_reply(fd, buf, len);
	close(fd);
	return buf;
}

static bool
sock_exists(struct th *h, void *arg)
{
	struct stat st;

	return lstat(th_path(h, arg), &st) == 0;
}

/* Start a daemon with ctl_conf and body; wait for its control socket. */
static struct th *
start(const char *test, const char *body)
{
	struct th	*h = th_new_named(test);
	char		*conf;

	ck_assert(asprintf(&conf, "%s%s", ctl_conf, body) != -1);
	th_conf(h, conf);
	free(conf);
	th_start_conf(h);
	ck_assert(th_wait(h, sock_exists, "sock", 5000));
	return h;
}

START_TEST(test_fcgi_tcp_pool_shares_one_socket)
{
	struct refused_arg r;
	struct th	*h;
	char		 body[1024], where[32], url[64], l0[64], l1[64];
	char		 reply[4096];
	pid_t		 p0, p1, got, again;
	int		 port = th_free_port(), nb;

	snprintf(body, sizeof(body),
	    "[fcgi-program:e]\n"
	    "command=@HELPERS@/fcgiecho\n"
	    "socket=tcp://127.0.0.1:%d\n"
	    "numprocs=2\n"
	    "process_name=%%(program_name)s_%%(process_num)s\n"
	    "startsecs=0\n", port);
	snprintf(where, sizeof(where), "tcp:%d", port);
	snprintf(url, sizeof(url), "socket tcp://127.0.0.1:%d", port);
	h = start(__func__, body);
	ck_assert(th_wait_log(h, "success: e_0 entered RUNNING", 5000));
	ck_assert(th_wait_log(h, "success: e_1 entered RUNNING", 5000));
	p0 = th_spawned_pid(h, "e_0", -1);
	p1 = th_spawned_pid(h, "e_1", -1);

	/* One of the pool answers, on a blocking socket. */
	got = ask(where, &nb);
	ck_assert_msg(got == p0 || got == p1, "answer from pid %d", (int)got);
	ck_assert_int_eq(nb, 0);
	/* One socket for both: the same inode as fd 0. */
	fd0_of(p0, l0, sizeof(l0));
	fd0_of(p1, l1, sizeof(l1));
	ck_assert_msg(strncmp(l0, "socket:[", 8) == 0, "fd 0: %s", l0);
	ck_assert_str_eq(l0, l1);
	/* Created once (the startup check is silent), never closed yet. */
	ck_assert_int_eq(th_log_count(h, "Creating socket"), 1);
	ck_assert_int_eq(th_log_count(h, url), 1);
	ck_assert_int_eq(th_log_count(h, "Closing socket"), 0);

	/* No stdin pipe: supervisor's NO_FILE. */
	rpc(h, "<?xml version='1.0'?><methodCall><methodName>"
	    "supervisor.sendProcessStdin</methodName><params>"
	    "<param><value><string>e:e_0</string></value></param>"
	    "<param><value><string>hi</string></value></param>"
	    "</params></methodCall>", reply, sizeof(reply));
	ck_assert_msg(strstr(reply, "<int>20</int>") != NULL &&
	    strstr(reply, "NO_FILE: e:e_0") != NULL, "reply: %s", reply);

	/* Stopping the last process closes it. */
	ck_assert_int_eq(ctl(h, "stop", "e:e_0", NULL), 0);
	ck_assert(th_wait_log(h, "stopped: e_0", 5000));
	ck_assert_int_eq(th_log_count(h, "Closing socket"), 0);
	got = ask(where, NULL);
	ck_assert_int_eq(got, p1);
	ck_assert_int_eq(ctl(h, "stop", "e:*", NULL), 0);
	ck_assert(th_wait_log(h, "Closing socket tcp://127.0.0.1", 5000));
	r.where = where;
	ck_assert(th_wait(h, refused, &r, 5000));

	/* Starting one again creates it again. */
	ck_assert_int_eq(ctl(h, "start", "e:e_1", NULL), 0);
	ck_assert(th_wait_log_n(h, "Creating socket", 2, 5000));
	ck_assert(th_wait_log_n(h, "spawned: 'e_1'", 2, 5000));
	again = th_spawned_pid(h, "e_1", -1);
	ck_assert_int_eq(ask(where, NULL), again);
	ck_assert(th_exited_ok(th_stop(h)));
	ck_assert(th_log_count(h, "Closing socket") == 2);
	th_free(h);
}
END_TEST

START_TEST(test_fcgi_unix_socket_modes)
{
	struct refused_arg r;
	struct th	*h;
	struct stat	 st;
	char		 path[512], path2[512];
	pid_t		 d0, d1, m;

	h = start(__func__,
	    "[fcgi-program:d]\n"
	    "command=@HELPERS@/fcgiecho\n"
	    "socket=unix://@DIR@/d.sock\n"
	    "numprocs=2\n"
	    "process_name=%(program_name)s_%(process_num)s\n"
	    "startsecs=0\n\n"
	    "[fcgi-program:m]\n"
	    "command=@HELPERS@/fcgiecho\n"
	    "socket=unix://@DIR@/%(program_name)s.sock\n"
	    "socket_mode=0770\n"
	    "startsecs=0\n");
	ck_assert(th_wait_log(h, "success: d_1 entered RUNNING", 5000));
	ck_assert(th_wait_log(h, "success: m entered RUNNING", 5000));
	snprintf(path, sizeof(path), "%s", th_path(h, "d.sock"));
	snprintf(path2, sizeof(path2), "%s", th_path(h, "m.sock"));
	ck_assert_int_eq(lstat(path, &st), 0);
	ck_assert(S_ISSOCK(st.st_mode));
	ck_assert_int_eq(st.st_mode & 07777, 0700);
	ck_assert_int_eq(lstat(path2, &st), 0);
	ck_assert_int_eq(st.st_mode & 07777, 0770);

	d0 = th_spawned_pid(h, "d_0", -1);
	d1 = th_spawned_pid(h, "d_1", -1);
	m = th_spawned_pid(h, "m", -1);
	{
		pid_t got = ask(path, NULL);

		ck_assert(got == d0 || got == d1);
	}
	ck_assert_int_eq(ask(path2, NULL), m);
	ck_assert_int_eq(th_log_count(h, "Creating socket unix://"), 2);

	/* Closed after the last one; the path stays, as supervisor's. */
	ck_assert_int_eq(ctl(h, "stop", "d:*", NULL), 0);
	ck_assert(th_wait_log(h, "Closing socket unix://", 5000));
	r.where = path;
	ck_assert(th_wait(h, refused, &r, 5000));
	ck_assert_int_eq(lstat(path, &st), 0);
	/* The other section's socket is its own. */
	ck_assert_int_eq(ask(path2, NULL), m);
	ck_assert(th_exited_ok(th_stop(h)));
	th_free(h);
}
END_TEST

START_TEST(test_fcgi_reload_moves_the_listener)
{
	struct refused_arg r;
	struct th	*h;
	char		 body[1024], a[32], b[32], closing[64];
	pid_t		 old, neu;
	int		 pa = th_free_port(), pb;

	do
		pb = th_free_port();
	while (pb == pa);
	snprintf(body, sizeof(body),
	    "[fcgi-program:r]\n"
	    "command=@HELPERS@/fcgiecho\n"
	    "socket=tcp://127.0.0.1:%d\n"
	    "startsecs=0\n", pa);
	snprintf(a, sizeof(a), "tcp:%d", pa);
	snprintf(b, sizeof(b), "tcp:%d", pb);
	h = start(__func__, body);
	ck_assert(th_wait_log(h, "success: r entered RUNNING", 5000));
	old = th_spawned_pid(h, "r", -1);
	ck_assert_int_eq(ask(a, NULL), old);

	/* A new mode alone restarts nothing (supervisor compares URLs). */
	snprintf(body, sizeof(body), "%s"
	    "[fcgi-program:r]\n"
	    "command=@HELPERS@/fcgiecho\n"
	    "socket=tcp://127.0.0.1:%d\n"
	    "socket_backlog=5\n"
	    "startsecs=0\n", ctl_conf, pa);
	th_conf(h, body);
	ck_assert_int_eq(th_signal(h, SIGHUP), 0);
	ck_assert(th_wait_log(h, "reload: ", 5000));
	ck_assert_int_eq(th_log_count(h, "spawned: 'r'"), 1);

	snprintf(body, sizeof(body), "%s"
	    "[fcgi-program:r]\n"
	    "command=@HELPERS@/fcgiecho\n"
	    "socket=tcp://127.0.0.1:%d\n"
	    "startsecs=0\n", ctl_conf, pb);
	th_conf(h, body);
	ck_assert_int_eq(th_signal(h, SIGHUP), 0);
	ck_assert(th_wait_log_n(h, "spawned: 'r'", 2, 5000));
	ck_assert(th_wait_log(h, "success: r entered RUNNING", 5000));
	snprintf(closing, sizeof(closing), "Closing socket tcp://127.0.0.1:%d",
	    pa);
	ck_assert(th_wait_log(h, closing, 5000));
	neu = th_spawned_pid(h, "r", -1);
	ck_assert_int_ne(neu, old);
	ck_assert_int_eq(ask(b, NULL), neu);
	r.where = a;
	ck_assert(th_wait(h, refused, &r, 5000));
	ck_assert(th_exited_ok(th_stop(h)));
	th_free(h);
}
END_TEST

START_TEST(test_fcgi_listed_in_a_group_gets_its_socket)
{
	struct th	*h;
	char		 path[512];

	h = start(__func__,
	    "[group:g]\n"
	    "programs=f,p\n\n"
	    "[fcgi-program:f]\n"
	    "command=@HELPERS@/fcgiecho\n"
	    "socket=unix://@DIR@/f.sock\n"
	    "startsecs=0\n\n"
	    "[program:p]\n"
	    "command=sleep 1000\n"
	    "startsecs=0\n");
	ck_assert(th_wait_log(h, "success: f entered RUNNING", 5000));
	snprintf(path, sizeof(path), "%s", th_path(h, "f.sock"));
	ck_assert_int_eq(ask(path, NULL), th_spawned_pid(h, "f", -1));
	ck_assert_int_eq(th_log_count(h, "Creating socket"), 1);
	ck_assert(th_exited_ok(th_stop(h)));
	th_free(h);
}
END_TEST

START_TEST(test_fcgi_port_in_use_stops_startup)
{
	struct sockaddr_in sin;
	struct th	*h = th_new();
	char		 body[512], want[128];
	int		 port = th_free_port(), fd, st;

	/* Ours, on the port the program wants. */
	fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	ck_assert_int_ne(fd, -1);
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	sin.sin_port = htons((uint16_t)port);
	ck_assert_int_eq(bind(fd, (struct sockaddr *)&sin, sizeof(sin)), 0);
	ck_assert_int_eq(listen(fd, 1), 0);
	snprintf(body, sizeof(body),
	    "[fcgi-program:busy]\n"
	    "command=@HELPERS@/fcgiecho\n"
	    "socket=tcp://127.0.0.1:%d\n", port);
	th_conf(h, body);
	th_start_conf(h);
	st = th_wait_exit(h, 5000);
	ck_assert_int_eq(th_exit_code(st), 2);
	snprintf(want, sizeof(want), "CRIT [fcgi-program:busy] Could not "
	    "create FastCGI socket tcp://127.0.0.1:%d: bind: ", port);
	ck_assert_msg(th_log_count(h, want) == 1, "log:\n%s", th_log(h));
	ck_assert_int_eq(th_log_count(h, "spawned:"), 0);
	close(fd);
	th_free(h);

	/* A unix path in no directory. */
	h = th_new();
	th_conf(h, "[fcgi-program:nodir]\n"
	    "command=@HELPERS@/fcgiecho\n"
	    "socket=unix://@DIR@/no/such/dir.sock\n");
	th_start_conf(h);
	st = th_wait_exit(h, 5000);
	ck_assert_int_eq(th_exit_code(st), 2);
	ck_assert_msg(th_log_count(h, "[fcgi-program:nodir] Could not create "
	    "FastCGI socket unix://") == 1, "log:\n%s", th_log(h));
	ck_assert_int_eq(th_log_count(h, "bind: No such file or directory"),
	    1);
	th_free(h);
}
END_TEST

START_TEST(test_fcgi_socket_failing_later_is_a_spawn_error)
{
	struct sockaddr_in sin;
	struct th	*h;
	char		 body[1024], want[128];
	int		 pa = th_free_port(), pb, fd;

	snprintf(body, sizeof(body),
	    "[fcgi-program:r]\n"
	    "command=@HELPERS@/fcgiecho\n"
	    "socket=tcp://127.0.0.1:%d\n"
	    "startsecs=0\n"
	    "startretries=1\n", pa);
	h = start(__func__, body);
	ck_assert(th_wait_log(h, "success: r entered RUNNING", 5000));

	/* A reload moves it to a port that is ours by now. */
	fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	ck_assert_int_ne(fd, -1);
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	ck_assert_int_eq(bind(fd, (struct sockaddr *)&sin, sizeof(sin)), 0);
	ck_assert_int_eq(listen(fd, 1), 0);
	{
		socklen_t len = sizeof(sin);

		ck_assert_int_eq(getsockname(fd, (struct sockaddr *)&sin,
		    &len), 0);
		pb = ntohs(sin.sin_port);
	}
	snprintf(body, sizeof(body), "%s"
	    "[fcgi-program:r]\n"
	    "command=@HELPERS@/fcgiecho\n"
	    "socket=tcp://127.0.0.1:%d\n"
	    "startsecs=0\n"
	    "startretries=1\n", ctl_conf, pb);
	th_conf(h, body);
	ck_assert_int_eq(th_signal(h, SIGHUP), 0);
	snprintf(want, sizeof(want), "Could not create FastCGI socket "
	    "tcp://127.0.0.1:%d for [fcgi-program:r]: bind: ", pb);
	ck_assert(th_wait_log(h, want, 5000));
	ck_assert(th_wait_log(h, "spawnerr: couldn't open the socket of 'r'",
	    5000));
	/* Nothing fatal for the daemon: the program backs off, then gives
	 * up after startretries. */
	ck_assert(th_wait_log(h, "gave up: r entered FATAL", 10000));
	ck_assert_int_eq(th_pid(h) > 0, 1);
	ck_assert_int_eq(ctl(h, "status", NULL), 3);
	close(fd);
	ck_assert(th_exited_ok(th_stop(h)));
	th_free(h);
}
END_TEST

Suite *
fcgi_suite(void)
{
	Suite	*s = suite_create("fcgi");
	TCase	*tc = th_tcase("fcgi", 60);

	tcase_add_test(tc, test_fcgi_tcp_pool_shares_one_socket);
	tcase_add_test(tc, test_fcgi_unix_socket_modes);
	tcase_add_test(tc, test_fcgi_reload_moves_the_listener);
	tcase_add_test(tc, test_fcgi_listed_in_a_group_gets_its_socket);
	tcase_add_test(tc, test_fcgi_port_in_use_stops_startup);
	tcase_add_test(tc, test_fcgi_socket_failing_later_is_a_spawn_error);
	suite_add_tcase(s, tc);
	return s;
}
