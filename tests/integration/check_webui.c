/*
 * webui: the paths besides /RPC2 on [inet_http_server], from outside:
 * /ok.html, the status page, its actions (POSTed with the page's token;
 * GET links, forms without the token and other origins do not act),
 * /tail.html, /logtail (chunks as the program writes, across a
 * rotation) and /mainlogtail, over raw sockets; and the page in headless
 * Chromium (tests/integration/webui_browser.py), with and without Basic
 * auth.
 */
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <check.h>

#include "tests/harness.h"
#include "tests/skip.h"

Suite	*webui_suite(void);

#define PYTHON	"/usr/bin/python3"	/* Debian's, with python3-selenium */

/* The programs: one that writes a line every 50 ms (with characters
 * HTML must escape), rotated at 2 KB. */
static const char conf_fmt[] =
	"[inet_http_server]\n"
	"port=127.0.0.1:%d\n"
	"%s"
	"\n[rpcinterface:supervisor]\n"
	"supervisor.rpcinterface_factory = "
	"supervisor.rpcinterface:make_main_rpcinterface\n"
	"\n[program:ticker]\n"
	"command=/bin/sh -c 'i=0; while :; do echo \"tick $i <b>&\"; "
	"i=$((i+1)); sleep 0.05; done'\n"
	"stdout_logfile=@DIR@/ticker.out\n"
	"stdout_logfile_maxbytes=2KB\n"
	"stdout_logfile_backups=2\n"
	"stderr_logfile=@DIR@/ticker.err\n"
	"\n[program:sleeper]\n"
	"command=/bin/sleep 1000\n"
	"stdout_logfile=@DIR@/sleeper.out\n"
	"stderr_logfile=NONE\n"
	"startsecs=1\n";

/* Start the daemon with the programs above; auth is "" or
 * "username=...\npassword=...\n".  Returns the port. */
static int
web_start(struct th *h, const char *auth)
{
	char	body[4096];
	int	port = th_free_port();

	snprintf(body, sizeof(body), conf_fmt, port, auth);
	th_conf(h, body);
	th_start_conf(h);
	if (!th_wait_log_n(h, "entered RUNNING", 2, 10000)) {
		th_dump(h);
		ck_abort_msg("the programs did not start");
	}
	return port;
}

static int
web_connect(int port)
{
	struct sockaddr_in sin;
	int		 fd;

	fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	ck_assert_int_ne(fd, -1);
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	sin.sin_port = htons(port);
	ck_assert_msg(connect(fd, (struct sockaddr *)&sin, sizeof(sin)) == 0,
	    "connect to port %d: %s", port, strerror(errno));
	return fd;
}

static void
send_all(int fd, const char *s)
{
	size_t	len = strlen(s);
	ssize_t	n;

	while (len > 0) {
		n = write(fd, s, len);
		ck_assert_int_gt(n, 0);
		s += n;
		len -= n;
	}
}

/*
 * Read from fd into buf (NUL-terminated) until needle is there (NULL:
 * until the server closes) or ms have passed.  The length read.
 */
static size_t
read_until(int fd, char *buf, size_t len, size_t have, const char *needle,
    int ms)
{
	long long	deadline = th_now_ms() + ms;
	struct pollfd	pfd = { .fd = fd, .events = POLLIN };
	ssize_t		n;

	buf[have] = '\0';
	while (have + 1 < len) {
		if (needle != NULL && strstr(buf, needle) != NULL)
			break;
		if (th_now_ms() >= deadline)
			break;
		if (poll(&pfd, 1, 50) <= 0)
			continue;
		if ((n = read(fd, buf + have, len - 1 - have)) <= 0)
			break;
		have += n;
		buf[have] = '\0';
	}
	return have;
}

/* One request on its own connection, HTTP/1.0: the whole answer. */
static char *
web_req(int port, const char *req)
{
	static char	buf[1 << 20];
	int		fd = web_connect(port);

	send_all(fd, req);
	read_until(fd, buf, sizeof(buf), 0, NULL, 10000);
	close(fd);
	return buf;
}

static char *
web_get(int port, const char *path)
{
	char	req[2048];

	snprintf(req, sizeof(req), "GET %s HTTP/1.0\r\nHost: 127.0.0.1:%d"
	    "\r\n\r\n", path, port);
	return web_req(port, req);
}

/* POST form to /index.html with extra header lines. */
static char *
web_post(int port, const char *form, const char *extra)
{
	char	req[4096];

	snprintf(req, sizeof(req), "POST /index.html HTTP/1.0\r\n"
	    "Host: 127.0.0.1:%d\r\n"
	    "Content-Type: application/x-www-form-urlencoded\r\n"
	    "%sContent-Length: %zu\r\n\r\n%s", port, extra, strlen(form),
	    form);
	return web_req(port, req);
}

/* The token in the status page's form. */
static void
page_token(int port, char *tok, size_t len)
{
	const char	*p = web_get(port, "/"), *q;
	static const char mark[] = "name=\"token\" value=\"";

	ck_assert_msg((p = strstr(p, mark)) != NULL, "no token in the page");
	p += strlen(mark);
	ck_assert((q = strchr(p, '"')) != NULL);
	ck_assert_uint_lt((size_t)(q - p), len);
	memcpy(tok, p, q - p);
	tok[q - p] = '\0';
}

static bool
status_is(const char *answer, int code)
{
	char	want[32];

	snprintf(want, sizeof(want), " %d ", code);
	return strncmp(answer, "HTTP/1.", 7) == 0 &&
	    strncmp(answer + 8, want, strlen(want)) == 0;
}

START_TEST(test_ok_html)
{
	struct th	*h = th_new();
	int		 port = web_start(h, "");
	const char	*a = web_get(port, "/ok.html");

	ck_assert_msg(status_is(a, 200), "%s", a);
	ck_assert_ptr_nonnull(strstr(a, "Content-Type: text/plain"));
	ck_assert_str_eq(strstr(a, "\r\n\r\n") + 4, "OK");
	th_free(h);
}
END_TEST

START_TEST(test_status_page_lists_programs)
{
	struct th	*h = th_new();
	int		 port = web_start(h, "");
	const char	*a = web_get(port, "/");

	ck_assert_msg(status_is(a, 200), "%s", a);
	ck_assert_ptr_nonnull(strstr(a,
	    "Content-Type: text/html;charset=utf-8"));
	ck_assert_ptr_nonnull(strstr(a, "Cache-Control: no-cache"));
	ck_assert_ptr_nonnull(strstr(a, "Pragma: no-cache"));
	ck_assert_ptr_nonnull(strstr(a, "Expires: Thu, 01 Jan 1970"));
	ck_assert_ptr_nonnull(strstr(a, ">sleeper</a>"));
	ck_assert_ptr_nonnull(strstr(a, ">ticker</a>"));
	ck_assert_ptr_nonnull(strstr(a, ">running</span>"));
	ck_assert_ptr_nonnull(strstr(a, "value=\"restart:sleeper\""));
	ck_assert_ptr_nonnull(strstr(a, "href=\"logtail/sleeper/stderr\""));
	/* Sorted by group, then name, as web.py sorts. */
	ck_assert(strstr(a, ">sleeper</a>") < strstr(a, ">ticker</a>"));
	a = web_get(port, "/index.html?message=%3Cscript%3E");
	ck_assert_ptr_nonnull(strstr(a, "&lt;script&gt;"));
	ck_assert_ptr_null(strstr(a, "<script>"));
	th_free(h);
}
END_TEST

/* No action for a while: the "nothing happens" wait below is 1.5 s, six
 * times what a stop of sleep(1) by SIGTERM takes. */
static void
assert_still_running(struct th *h, pid_t pid)
{
	ck_assert(th_log_stays_below(h, "stopped: sleeper", 1, 1500));
	ck_assert(th_alive(h, pid));
}

START_TEST(test_get_action_link_does_not_act)
{
	struct th	*h = th_new();
	int		 port = web_start(h, "");
	pid_t		 pid = th_spawned_pid(h, "sleeper", -1);
	const char	*a;

	a = web_get(port, "/index.html?processname=sleeper&action=stop");
	ck_assert_msg(status_is(a, 200), "%s", a);
	ck_assert_ptr_nonnull(strstr(a, "nothing was done"));
	assert_still_running(h, pid);
	th_free(h);
}
END_TEST

START_TEST(test_post_without_token_does_not_act)
{
	struct th	*h = th_new();
	int		 port = web_start(h, "");
	pid_t		 pid = th_spawned_pid(h, "sleeper", -1);
	const char	*a;

	a = web_post(port, "action=stop%3Asleeper", "");
	ck_assert_msg(status_is(a, 303), "%s", a);
	ck_assert_ptr_nonnull(strstr(a, "Location: ./?message=ERROR"));
	a = web_post(port, "action=stop%3Asleeper&token=00", "");
	ck_assert_msg(status_is(a, 303), "%s", a);
	assert_still_running(h, pid);
	th_free(h);
}
END_TEST

START_TEST(test_post_from_other_origin_refused)
{
	struct th	*h = th_new();
	int		 port = web_start(h, "");
	pid_t		 pid = th_spawned_pid(h, "sleeper", -1);
	char		 tok[128], form[256];
	const char	*a;

	page_token(port, tok, sizeof(tok));
	snprintf(form, sizeof(form), "action=stop%%3Asleeper&token=%s", tok);
	a = web_post(port, form, "Origin: http://evil.example\r\n");
	ck_assert_msg(status_is(a, 403), "%s", a);
	a = web_post(port, form, "Origin: null\r\n");
	ck_assert_msg(status_is(a, 403), "%s", a);
	assert_still_running(h, pid);
	th_free(h);
}
END_TEST

START_TEST(test_post_actions_act)
{
	struct th	*h = th_new();
	int		 port = web_start(h, "");
	pid_t		 pid = th_spawned_pid(h, "sleeper", -1), pid2;
	char		 tok[128], form[256], origin[64];
	const char	*a;

	page_token(port, tok, sizeof(tok));
	snprintf(origin, sizeof(origin), "Origin: http://127.0.0.1:%d\r\n",
	    port);
	/* Stop waits for the process: the answer follows the stop. */
	snprintf(form, sizeof(form), "action=stop%%3Asleeper&token=%s", tok);
	a = web_post(port, form, origin);
	ck_assert_msg(strstr(a, "Process%20sleeper%20stopped") != NULL, "%s",
	    a);
	ck_assert(th_wait_log(h, "stopped: sleeper", 5000));
	/* Start waits startsecs (1 s). */
	snprintf(form, sizeof(form), "action=start%%3Asleeper&token=%s", tok);
	a = web_post(port, form, "");
	ck_assert_msg(strstr(a, "Process%20sleeper%20started") != NULL, "%s",
	    a);
	pid2 = th_spawned_pid(h, "sleeper", -1);
	ck_assert_int_ne(pid2, pid);
	ck_assert(th_alive(h, pid2));
	/* supervisor's form fields work too, with the token. */
	snprintf(form, sizeof(form), "action=clearlog&processname=sleeper&"
	    "token=%s", tok);
	a = web_post(port, form, "");
	ck_assert_msg(status_is(a, 303), "%s", a);
	ck_assert_ptr_nonnull(strstr(a, "Log%20for%20sleeper%20cleared"));
	snprintf(form, sizeof(form), "action=stop%%3Anosuch&token=%s", tok);
	a = web_post(port, form, "");
	ck_assert_ptr_nonnull(strstr(a, "No%20such%20process%20named%20nosuch"));
	a = web_get(port, "/index.html?action=refresh");
	ck_assert_msg(status_is(a, 303), "%s", a);
	ck_assert_ptr_nonnull(strstr(a, "Page%20refreshed%20at"));
	th_free(h);
}
END_TEST

START_TEST(test_tail_html_escapes_the_log)
{
	struct th	*h = th_new();
	int		 port = web_start(h, "");
	const char	*a;

	ck_assert(th_wait_file(h, "ticker.out", 5000));
	a = web_get(port, "/tail.html?processname=ticker&limit=100");
	ck_assert_msg(status_is(a, 200), "%s", a);
	ck_assert_ptr_nonnull(strstr(a, "<pre id=\"tailbody\">"));
	ck_assert_msg(strstr(a, "&lt;b&gt;&amp;") != NULL, "%s", a);
	ck_assert_ptr_null(strstr(a, "<b>"));
	ck_assert_ptr_nonnull(strstr(a, "limit=1024"));
	a = web_get(port, "/tail.html?processname=nosuch");
	ck_assert_ptr_nonnull(strstr(a, "BAD_NAME"));
	a = web_get(port, "/tail.html");
	ck_assert_ptr_nonnull(strstr(a, "No process name found"));
	th_free(h);
}
END_TEST

START_TEST(test_logtail_follows_across_rotation)
{
	static char	 buf[1 << 18];
	struct th	*h = th_new();
	int		 port = web_start(h, ""), fd;
	char		 req[256];
	size_t		 n;

	ck_assert(th_wait_file(h, "ticker.out", 5000));
	fd = web_connect(port);
	snprintf(req, sizeof(req), "GET /logtail/ticker HTTP/1.1\r\n"
	    "Host: 127.0.0.1:%d\r\n\r\n", port);
	send_all(fd, req);
	n = read_until(fd, buf, sizeof(buf), 0, "\r\n\r\n", 5000);
	ck_assert_msg(status_is(buf, 200), "%s", buf);
	ck_assert_ptr_nonnull(strstr(buf, "Transfer-Encoding: chunked"));
	ck_assert_ptr_nonnull(strstr(buf, "X-Accel-Buffering: no"));
	ck_assert_ptr_nonnull(strstr(buf, "Last-Modified: "));
	ck_assert_ptr_nonnull(strstr(buf,
	    "Content-Type: text/plain;charset=utf-8"));
	/* 2 KB at ~12 bytes every 50 ms: a rotation every ~8 s; 200 lines
	 * later at least one has happened, and lines still come. */
	ck_assert(th_wait_file(h, "ticker.out.1", 15000));
	n = read_until(fd, buf, sizeof(buf), n, "tick 300 ", 25000);
	ck_assert_msg(strstr(buf, "tick 300 ") != NULL, "%zu bytes: %s", n,
	    buf + (n > 400 ? n - 400 : 0));
	close(fd);
	th_free(h);
}
END_TEST

START_TEST(test_logtail_not_found)
{
	struct th	*h = th_new();
	int		 port = web_start(h, "");
	const char	*a;

	a = web_get(port, "/logtail/nosuch");
	ck_assert_msg(status_is(a, 404), "%s", a);
	a = web_get(port, "/logtail/ticker/bogus");
	ck_assert_msg(status_is(a, 404), "%s", a);
	/* stderr_logfile=NONE. */
	a = web_get(port, "/logtail/sleeper/stderr");
	ck_assert_msg(status_is(a, 404), "%s", a);
	a = web_req(port, "POST /logtail/ticker HTTP/1.0\r\n"
	    "Content-Length: 0\r\n\r\n");
	ck_assert_msg(status_is(a, 400), "%s", a);
	th_free(h);
}
END_TEST

START_TEST(test_mainlogtail_follows_the_log)
{
	static char	 buf[1 << 16];
	struct th	*h = th_new();
	int		 port = web_start(h, ""), fd;
	char		 req[256];
	size_t		 n;

	fd = web_connect(port);
	snprintf(req, sizeof(req), "GET /mainlogtail HTTP/1.1\r\n"
	    "Host: 127.0.0.1:%d\r\n\r\n", port);
	send_all(fd, req);
	n = read_until(fd, buf, sizeof(buf), 0, "entered RUNNING", 5000);
	ck_assert_msg(status_is(buf, 200), "%s", buf);
	ck_assert_ptr_nonnull(strstr(buf, "entered RUNNING"));
	/* A line the daemon writes now arrives: the status dump's. */
	ck_assert_int_eq(th_signal(h, SIGUSR1), 0);
	n = read_until(fd, buf, sizeof(buf), n, "status: supervisord pid",
	    5000);
	ck_assert_msg(strstr(buf, "status: supervisord pid") != NULL, "%s",
	    buf);
	close(fd);
	th_free(h);
}
END_TEST

/* Run the browser script against port; 77 skips. */
static void
browser(struct th *h, int port, const char *user, const char *pass,
    const char *test)
{
	char	 url[64], script[4096];
	const char *top = getenv("TOP");
	pid_t	 pid;
	int	 status;

	if (access("/usr/bin/chromium", X_OK) == -1 ||
	    access("/usr/bin/chromedriver", X_OK) == -1 ||
	    access(PYTHON, X_OK) == -1 ||
	    system(PYTHON " -c 'import selenium' 2>/dev/null") != 0) {
		th_skip_at(test, "chromium", "needs /usr/bin/chromium, "
		    "/usr/bin/chromedriver and python3-selenium");
		return;
	}
	ck_assert_msg(top != NULL, "TOP is not set");
	snprintf(script, sizeof(script), "%s/tests/integration/"
	    "webui_browser.py", top);
	snprintf(url, sizeof(url), "http://127.0.0.1:%d", port);
	if ((pid = fork()) == 0) {
		execl(PYTHON, PYTHON, script, url, "sleeper", user, pass,
		    (char *)NULL);
		_exit(127);
	}
	ck_assert_int_gt(pid, 0);
	status = th_wait_child(pid, 100000);
	if (status == -1) {
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
	}
	if (status != -1 && th_exit_code(status) == 77) {
		th_skip_at(test, "chromium", "webui_browser.py found no "
		    "browser");
		return;
	}
	if (status == -1 || th_exit_code(status) != 0)
		th_dump(h);
	ck_assert_msg(status != -1, "webui_browser.py timed out");
	ck_assert_msg(th_exit_code(status) == 0, "webui_browser.py failed");
	/* The restart respawned sleeper: the daemon's log agrees. */
	ck_assert(th_log_count(h, "spawned: 'sleeper'") == 2);
}

START_TEST(test_browser_restart_changes_pid)
{
	struct th	*h = th_new();
	int		 port = web_start(h, "");

	browser(h, port, NULL, NULL, __func__);
	th_free(h);
}
END_TEST

START_TEST(test_browser_with_basic_auth)
{
	struct th	*h = th_new();
	int		 port = web_start(h, "username=admin\npassword=s3cret\n");
	const char	*a;

	a = web_get(port, "/");
	ck_assert_msg(status_is(a, 401), "%s", a);
	browser(h, port, "admin", "s3cret", __func__);
	th_free(h);
}
END_TEST

Suite *
webui_suite(void)
{
	Suite	*s = suite_create("webui");
	TCase	*tc = th_tcase("http", 60);
	TCase	*tb = th_tcase("browser", 150);

	tcase_add_test(tc, test_ok_html);
	tcase_add_test(tc, test_status_page_lists_programs);
	tcase_add_test(tc, test_get_action_link_does_not_act);
	tcase_add_test(tc, test_post_without_token_does_not_act);
	tcase_add_test(tc, test_post_from_other_origin_refused);
	tcase_add_test(tc, test_post_actions_act);
	tcase_add_test(tc, test_tail_html_escapes_the_log);
	tcase_add_test(tc, test_logtail_follows_across_rotation);
	tcase_add_test(tc, test_logtail_not_found);
	tcase_add_test(tc, test_mainlogtail_follows_the_log);
	suite_add_tcase(s, tc);
	tcase_add_test(tb, test_browser_restart_changes_pid);
	tcase_add_test(tb, test_browser_with_basic_auth);
	suite_add_tcase(s, tb);
	return s;
}
