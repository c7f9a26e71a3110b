/*
 * health: GET /health over a real connection (a socket of our own to the
 * daemon's [inet_http_server] on 127.0.0.1, or its unix socket), and
 * supervisorctl health: the same rule (RUNNING, a job that exited as
 * expected, a program stopped by hand or never started are healthy;
 * FATAL is not), the same verdict (200 or 503; exit 0 or 1), and Basic
 * auth on /health unless health_without_auth = true says otherwise, for
 * /health only.
 */
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
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <check.h>

#include "tests/harness.h"
#include "tests/skip.h"

Suite	*health_suite(void);

#define RPCINTERFACE	"[rpcinterface:supervisor]\n" \
	"supervisor.rpcinterface_factory = " \
	"supervisor.rpcinterface:make_main_rpcinterface\n\n"
#define USER_SECRET	"dXNlcjpzZWNyZXQ="	/* base64 of user:secret */
#define IO_MS		5000			/* one request, at most */

/* An answer: its status code (0: none came), its body. */
struct answer {
	int	code;
	char	body[8192];
};

/*
 * One request, HTTP/1.0 so that the daemon closes after its answer: to
 * 127.0.0.1:port, or to the unix socket path when port is 0.  auth: the
 * base64 credentials, or NULL.  false when it could not be sent.
 */
static bool
request(int port, const char *path, const char *method, const char *url,
    const char *auth, const char *body, struct answer *a)
{
	struct sockaddr_in sin;
	struct sockaddr_un sun;
	struct pollfd	 pfd;
	char		 req[1024], buf[16384], *b;
	long long	 end = th_now_ms() + IO_MS;
	size_t		 len = 0;
	ssize_t		 n;
	int		 fd, rc;

	memset(a, 0, sizeof(*a));
	fd = socket(port != 0 ? AF_INET : AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC,
	    0);
	ck_assert_int_ne(fd, -1);
	if (port != 0) {
		memset(&sin, 0, sizeof(sin));
		sin.sin_family = AF_INET;
		sin.sin_port = htons((uint16_t)port);
		sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		rc = connect(fd, (struct sockaddr *)&sin, sizeof(sin));
	} else {
		memset(&sun, 0, sizeof(sun));
		sun.sun_family = AF_UNIX;
		snprintf(sun.sun_path, sizeof(sun.sun_path), "%s", path);
		rc = connect(fd, (struct sockaddr *)&sun, sizeof(sun));
	}
	if (rc == -1) {
		close(fd);
		return false;
	}
	snprintf(req, sizeof(req), "%s %s HTTP/1.0\r\nHost: localhost\r\n"
	    "%s%s%sContent-Length: %zu\r\n\r\n%s", method, url,
	    auth != NULL ? "Authorization: Basic " : "",
	    auth != NULL ? auth : "", auth != NULL ? "\r\n" : "",
	    body != NULL ? strlen(body) : 0, body != NULL ? body : "");
	ck_assert(write(fd, req, strlen(req)) == (ssize_t)strlen(req));
	pfd.fd = fd;
	pfd.events = POLLIN;
	while (len < sizeof(buf) - 1 && th_now_ms() < end) {
		if (poll(&pfd, 1, 100) <= 0)
			continue;
		if ((n = read(fd, buf + len, sizeof(buf) - 1 - len)) <= 0)
			break;
		len += (size_t)n;
	}
	close(fd);
	buf[len] = '\0';
	if (sscanf(buf, "HTTP/1.%*d %d", &a->code) != 1)
		a->code = 0;
	if ((b = strstr(buf, "\r\n\r\n")) != NULL)
		snprintf(a->body, sizeof(a->body), "%s", b + 4);
	return true;
}

static int
get(int port, const char *path, const char *url, const char *auth,
    struct answer *a)
{
	if (!request(port, path, "GET", url, auth, NULL, a))
		return 0;
	return a->code;
}

struct want {
	int		 port;
	const char	*path;		/* the unix socket when port is 0 */
	int		 code;
	struct answer	 a;
};

static bool
health_is(struct th *h, void *arg)
{
	struct want	*w = arg;

	(void)h;
	return get(w->port, w->path, "/health", NULL, &w->a) == w->code;
}

/* Run supervisorctl -c DIR/supervisord.conf ARGS; its exit code, its
 * output (owned by h) in *outp. */
static int
ctl(struct th *h, const char **outp, ...)
{
	const char	*bin = getenv("SUPERVISORCTL");
	char		*argv[16];
	va_list		 ap;
	pid_t		 pid;
	int		 n = 3, fd, status;

	ck_assert_msg(bin != NULL, "SUPERVISORCTL is not set");
	argv[0] = "supervisorctl";
	argv[1] = "-c";
	argv[2] = (char *)(uintptr_t)th_path(h, "supervisord.conf");
	va_start(ap, outp);
	while (n < 15 && (argv[n] = va_arg(ap, char *)) != NULL)
		n++;
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
	status = th_wait_child(pid, 15000);
	if (status == -1) {
		kill(pid, SIGKILL);
		waitpid(pid, &status, 0);
		ck_abort_msg("supervisorctl %s timed out", argv[3]);
	}
	*outp = th_read(h, "ctl.out", NULL);
	ck_assert(*outp != NULL);
	return th_exit_code(status);
}

static bool
sock_exists(struct th *h, void *arg)
{
	struct stat st;

	(void)arg;
	return lstat(th_path(h, "sock"), &st) == 0;
}

/* Write the configuration: a unix socket (DIR/sock) and 127.0.0.1:port,
 * with the sections' extra lines, and programs. */
static void
conf(struct th *h, int port, const char *unix_extra, const char *inet_extra,
    const char *programs)
{
	char	*body;

	ck_assert(asprintf(&body, "[unix_http_server]\nfile=@DIR@/sock\n%s\n"
	    "[inet_http_server]\nport=127.0.0.1:%d\n%s\n"
	    "[supervisorctl]\nserverurl=unix://@DIR@/sock\n\n" RPCINTERFACE
	    "%s", unix_extra, port, inet_extra, programs) != -1);
	th_conf(h, body);
	free(body);
}

/* A daemon on conf()'s configuration, on a free port. */
static struct th *
start(const char *test, int *port, const char *unix_extra,
    const char *inet_extra, const char *programs)
{
	struct th	*h = th_new_named(test);

	*port = th_free_port();
	conf(h, *port, unix_extra, inet_extra, programs);
	th_start_conf(h);
	ck_assert(th_wait(h, sock_exists, NULL, 5000));
	return h;
}

/*
 * Healthy: RUNNING, a one-shot job that exited 0 with autorestart=false,
 * a program nobody started, and one the operator stopped.  GET and HEAD
 * answer 200; supervisorctl health exits 0.
 */
START_TEST(test_healthy_running_job_idle_and_stopped)
{
	int		 port;
	struct th	*h = start("health_ok", &port, "", "",
	    "[program:web]\ncommand=sleep 1000\nstartsecs=0\n\n"
	    "[program:job]\ncommand=sh -c 'exit 0'\nstartsecs=0\n"
	    "autorestart=false\n\n"
	    "[program:idle]\ncommand=sleep 1000\nautostart=false\n\n");
	struct want	 w = { port, NULL, 200, { 0, "" } };
	struct answer	 a;
	const char	*out;

	ck_assert(th_wait_log(h, "success: web entered RUNNING", 5000));
	ck_assert(th_wait_log(h, "exited: job (exit status 0; expected)",
	    5000));
	ck_assert_msg(th_wait(h, health_is, &w, 5000), "%d %s", w.a.code,
	    w.a.body);
	ck_assert_str_eq(w.a.body, "healthy\n");
	ck_assert(request(port, NULL, "HEAD", "/health", NULL, NULL, &a));
	ck_assert_int_eq(a.code, 200);
	ck_assert_str_eq(a.body, "");
	ck_assert(request(port, NULL, "POST", "/health", NULL, "x", &a));
	ck_assert_int_eq(a.code, 405);
	ck_assert_int_eq(ctl(h, &out, "health", (char *)NULL), 0);
	ck_assert_str_eq(out, "healthy\n");
	/* Stopped by the operator: still healthy. */
	ck_assert_int_eq(ctl(h, &out, "stop", "web", (char *)NULL), 0);
	ck_assert_int_eq(get(port, NULL, "/health", NULL, &a), 200);
	ck_assert_int_eq(ctl(h, &out, "health", (char *)NULL), 0);
	/* Started by hand, it counts: RUNNING again, healthy. */
	ck_assert_int_eq(ctl(h, &out, "start", "idle", (char *)NULL), 0);
	ck_assert_int_eq(get(port, NULL, "/health", NULL, &a), 200);
	ck_assert(th_exited_ok(th_stop_ms(h, 20000)));
	th_free(h);
}
END_TEST

/* An autostart program that goes FATAL: 503 naming it, exit 1. */
START_TEST(test_fatal_is_unhealthy)
{
	int		 port;
	struct th	*h = start("health_fatal", &port, "", "",
	    "[program:web]\ncommand=sleep 1000\nstartsecs=0\n\n"
	    "[program:broken]\ncommand=sh -c 'exit 3'\nstartsecs=1\n"
	    "startretries=0\n\n");
	struct want	 w = { port, NULL, 503, { 0, "" } };
	const char	*out;
	int		 rc;

	ck_assert(th_wait_log(h, "gave up: broken entered FATAL", 5000));
	ck_assert(th_wait(h, health_is, &w, 5000));
	ck_assert_msg(strncmp(w.a.body, "broken FATAL ", 13) == 0, "%s",
	    w.a.body);
	ck_assert_ptr_null(strstr(w.a.body, "web"));
	ck_assert_int_eq((int)(strchr(w.a.body, '\n') - w.a.body) + 1,
	    (int)strlen(w.a.body));
	rc = ctl(h, &out, "health", (char *)NULL);
	ck_assert_msg(rc == 1, "exit %d: %s", rc, out);
	ck_assert_msg(strncmp(out, "broken ", 7) == 0 &&
	    strstr(out, "FATAL") != NULL && strstr(out, "web") == NULL,
	    "%s", out);
	/* Extra words are refused, exit 1 too. */
	ck_assert_int_eq(ctl(h, &out, "health", "web", (char *)NULL), 1);
	ck_assert(th_exited_ok(th_stop_ms(h, 20000)));
	th_free(h);
}
END_TEST

/*
 * Credentials: /health asks for them as every path does, unless the
 * section says health_without_auth = true; then /health only is open,
 * /RPC2 still asks.  Each server by its own section.
 */
START_TEST(test_auth_and_health_without_auth)
{
	static const char auth[] = "username=user\npassword=secret\n";
	static const char open[] = "username=user\npassword=secret\n"
	    "health_without_auth = true\n";
	static const char web[] =
	    "[program:web]\ncommand=sleep 1000\nstartsecs=0\n\n";
	int		 port;
	struct th	*h = start("health_auth", &port, auth, open, web);
	struct answer	 a;
	const char	*sock = th_path(h, "sock");
	long long	 end;

	ck_assert(th_wait_log(h, "success: web entered RUNNING", 5000));
	/* inet: open for /health, whatever is sent. */
	ck_assert_int_eq(get(port, NULL, "/health", NULL, &a), 200);
	ck_assert_str_eq(a.body, "healthy\n");
	ck_assert_int_eq(get(port, NULL, "/health", "Ym9ndXM6Ym9ndXM=",
	    &a), 200);
	ck_assert(request(port, NULL, "POST", "/RPC2", NULL, "<x/>", &a));
	ck_assert_int_eq(a.code, 401);
	ck_assert_int_eq(get(port, NULL, "/", NULL, &a), 401);
	/* unix: no such key, so credentials are asked for. */
	ck_assert_int_eq(get(0, sock, "/health", NULL, &a), 401);
	ck_assert_int_eq(get(0, sock, "/health", USER_SECRET, &a), 200);

	/* A reload takes the key away from inet, gives it to unix. */
	conf(h, port, open, auth, web);
	ck_assert_int_eq(th_signal(h, SIGHUP), 0);
	end = th_now_ms() + 5000;
	while (get(port, NULL, "/health", NULL, &a) != 401 &&
	    th_now_ms() < end)
		usleep(10000);
	ck_assert_int_eq(a.code, 401);
	ck_assert_int_eq(get(0, sock, "/health", NULL, &a), 200);
	ck_assert(th_exited_ok(th_stop_ms(h, 20000)));
	th_free(h);
}
END_TEST

/* A bad value is a configuration error naming the key. */
START_TEST(test_bad_value_refused)
{
	struct th	*h = th_new_named("health_bad");
	int		 status;

	th_conf(h, "[unix_http_server]\nfile=@DIR@/sock\n"
	    "health_without_auth=maybe\n\n"
	    "[program:web]\ncommand=sleep 1000\n");
	status = th_run(h, 10000, "--test", "-c",
	    th_path(h, "supervisord.conf"), (char *)NULL);
	ck_assert_int_eq(th_exit_code(status), 2);
	ck_assert_msg(strstr(th_read(h, "stderr", NULL), "[unix_http_server] "
	    "health_without_auth: invalid boolean 'maybe'") != NULL, "%s",
	    th_read(h, "stderr", NULL));
	th_free(h);
}
END_TEST

Suite *
health_suite(void)
{
	Suite	*s = suite_create("health");
	TCase	*tc = th_tcase("health", 60);

	tcase_add_test(tc, test_healthy_running_job_idle_and_stopped);
	tcase_add_test(tc, test_fatal_is_unhealthy);
	tcase_add_test(tc, test_auth_and_health_without_auth);
	tcase_add_test(tc, test_bad_value_refused);
	suite_add_tcase(s, tc);
	return s;
}
