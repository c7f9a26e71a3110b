/*
 * ctl_compat: our supervisorctl against Python supervisor's own, command
 * by command.  A daemon ($COMPAT_SUPERVISORD, by default Python's
 * /usr/bin/supervisord; $SUPERVISORD to test ours) runs a configuration
 * with [unix_http_server], a password-protected [inet_http_server] on
 * loopback, [rpcinterface:supervisor], [supervisorctl] and a few
 * programs (one running, one that exits at once into FATAL, a group of
 * two, one that does not start by itself).  Each case runs Python's
 * supervisorctl ($COMPAT_SUPERVISORCTL, by default /usr/bin/supervisorctl)
 * and ours ($SUPERVISORCTL) on the same command line, over the unix
 * socket and over http:// with -u and -p, and wants the same stdout and
 * stderr bytes and the same exit status, once pids, uptimes, dates and
 * timestamps are normalised.  A command that changes state is preceded,
 * for each client, by the commands that restore the state it starts
 * from, run by Python's client.  Without Python supervisor installed the
 * cases are skipped (need "supervisor").
 */
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>

#include <netinet/in.h>
#include <arpa/inet.h>

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <check.h>

#include "tests/harness.h"
#include "tests/skip.h"

Suite	*ctl_compat_suite(void);

#define MAXARGS		24
#define RUN_MS		30000		/* one client run, at most */

static const char programs[] =
	"[program:sleeper]\n"
	"command=/bin/sh -c 'echo hello; echo err >&2; exec sleep 1000'\n"
	"startsecs=0\n\n"
	"[program:failer]\n"
	"command=/bin/false\n"
	"startsecs=1\n"
	"startretries=0\n\n"
	"[group:grp]\n"
	"programs=a,b\n\n"
	"[program:a]\n"
	"command=/bin/sleep 1000\n"
	"startsecs=0\n\n"
	"[program:b]\n"
	"command=/bin/sleep 1000\n"
	"startsecs=0\n\n"
	"[program:manual]\n"
	"command=/bin/sleep 1000\n"
	"autostart=false\n"
	"startsecs=0\n\n";

struct cc {
	struct th	*h;
	const char	*py;		/* Python's supervisorctl */
	const char	*ours;
	char		 url[64];	/* http://127.0.0.1:PORT */
	int		 port;
};

/* A free loopback port: bound, read, closed. */
static int
free_port(void)
{
	struct sockaddr_in sin;
	socklen_t	 len = sizeof(sin);
	int		 fd, port;

	fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	ck_assert_int_ne(fd, -1);
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	ck_assert_int_eq(bind(fd, (struct sockaddr *)&sin, sizeof(sin)), 0);
	ck_assert_int_eq(getsockname(fd, (struct sockaddr *)&sin, &len), 0);
	port = ntohs(sin.sin_port);
	close(fd);
	return port;
}

static bool
sock_exists(struct th *h, void *arg)
{
	struct stat st;

	(void)arg;
	return lstat(th_path(h, "sock"), &st) == 0;
}

/*
 * Python's clients and a daemon, or false after a visible skip.  The
 * daemon is $COMPAT_SUPERVISORD (Python's when unset), started on the
 * configuration above plus extra.
 */
static bool
cc_start(struct cc *c, const char *test, const char *extra)
{
	const char	*d = getenv("COMPAT_SUPERVISORD");
	char		*body;

	memset(c, 0, sizeof(*c));
	c->py = getenv("COMPAT_SUPERVISORCTL");
	if (c->py == NULL)
		c->py = "/usr/bin/supervisorctl";
	if (d == NULL)
		d = "/usr/bin/supervisord";
	if (access(c->py, X_OK) == -1 || access(d, X_OK) == -1) {
		th_skip_at(test, "supervisor", "Python supervisor's %s is not "
		    "installed", access(d, X_OK) == -1 ? d : c->py);
		return false;
	}
	c->ours = getenv("SUPERVISORCTL");
	ck_assert_msg(c->ours != NULL, "SUPERVISORCTL is not set");
	/* The harness starts $SUPERVISORD: this test's process only. */
	setenv("SUPERVISORD", d, 1);
	c->port = free_port();
	snprintf(c->url, sizeof(c->url), "http://127.0.0.1:%d", c->port);
	c->h = th_new_named(test);
	ck_assert(asprintf(&body,
	    "[unix_http_server]\n"
	    "file=@DIR@/sock\n\n"
	    "[inet_http_server]\n"
	    "port=127.0.0.1:%d\n"
	    "username=user\n"
	    "password=secret\n\n"
	    "[rpcinterface:supervisor]\n"
	    "supervisor.rpcinterface_factory = "
	    "supervisor.rpcinterface:make_main_rpcinterface\n\n"
	    "[supervisorctl]\n"
	    "serverurl=unix://@DIR@/sock\n\n"
	    "%s%s", c->port, programs, extra != NULL ? extra : "") != -1);
	th_conf(c->h, body);
	free(body);
	th_start_conf(c->h);
	ck_assert(th_wait(c->h, sock_exists, NULL, 10000));
	ck_assert(th_wait_log(c->h, "success: sleeper entered RUNNING",
	    10000));
	ck_assert(th_wait_log(c->h, "success: b entered RUNNING", 10000));
	ck_assert(th_wait_log(c->h, "gave up: failer entered FATAL", 10000));
	return true;
}

/*
 * Start a client: bin with "-c CONF" and args, stdout and stderr to the
 * file rel, stdin from fd in (or /dev/null when -1).  Its pid.
 */
static pid_t
client_spawn(struct cc *c, const char *bin, char *const *args,
    const char *rel, int in)
{
	char	*argv[MAXARGS + 4], conf[4096];
	pid_t	 pid;
	int	 fd, n, sig;

	snprintf(conf, sizeof(conf), "%s", th_path(c->h, "supervisord.conf"));
	argv[0] = (char *)"supervisorctl";
	argv[1] = (char *)"-c";
	argv[2] = conf;
	for (n = 0; args[n] != NULL && n < MAXARGS; n++)
		argv[3 + n] = args[n];
	argv[3 + n] = NULL;
	fd = open(th_path(c->h, rel), O_WRONLY | O_CREAT | O_TRUNC |
	    O_CLOEXEC, 0644);
	ck_assert_int_ne(fd, -1);
	if ((pid = fork()) == 0) {
		if (in == -1)
			in = open("/dev/null", O_RDONLY);
		dup2(in, 0);
		dup2(fd, 1);
		dup2(fd, 2);
		for (sig = 1; sig < NSIG; sig++)
			if (sig != SIGKILL && sig != SIGSTOP)
				signal(sig, SIG_DFL);
		execv(bin, argv);
		_exit(127);
	}
	close(fd);
	ck_assert_int_gt(pid, 0);
	return pid;
}

/* Wait for a client to its end: the exit code (a timeout fails). */
static int
client_wait(pid_t pid, const char *what)
{
	int	status = th_wait_child(pid, RUN_MS);

	if (status == -1) {
		kill(pid, SIGKILL);
		(void)th_wait_child(pid, 5000);
		ck_abort_msg("supervisorctl %s: no end within %d ms", what,
		    RUN_MS);
	}
	ck_assert_msg(WIFEXITED(status), "supervisorctl %s: killed by "
	    "signal %d", what, WIFSIGNALED(status) ? WTERMSIG(status) : 0);
	return WEXITSTATUS(status);
}

/* Split a command line on blanks into args (a copy owned by buf). */
static int
words(char *buf, char **args)
{
	char	*save = NULL, *w;
	int	 n = 0;

	for (w = strtok_r(buf, " ", &save); w != NULL && n < MAXARGS;
	    w = strtok_r(NULL, " ", &save))
		args[n++] = w;
	args[n] = NULL;
	return n;
}

/* Run line with Python's client (output ignored): a state to restore. */
static void
py_run(struct cc *c, const char *lines)
{
	char	buf[1024], *args[MAXARGS + 1], *save = NULL, *line;

	snprintf(buf, sizeof(buf), "%s", lines);
	for (line = strtok_r(buf, ";", &save); line != NULL;
	    line = strtok_r(NULL, ";", &save)) {
		words(line, args);
		(void)client_wait(client_spawn(c, c->py, args, "reset.out",
		    -1), line);
	}
}

static bool
at(const char *p, const char *pat)
{
	/* pat: 'D' a digit, 'U' an upper-case letter, 'l' lower, else
	 * itself. */
	for (; *pat != '\0'; p++, pat++) {
		if (*p == '\0')
			return false;
		if ((*pat == 'D' && !isdigit((unsigned char)*p)) ||
		    (*pat == 'U' && !isupper((unsigned char)*p)) ||
		    (*pat == 'l' && !islower((unsigned char)*p)) ||
		    (*pat != 'D' && *pat != 'U' && *pat != 'l' && *pat != *p))
			return false;
	}
	return true;
}

/*
 * What differs between any two runs, made the same: "pid 123", "uptime
 * 0:00:01", a line that is only a number (pid's answer), a log
 * timestamp, an EXITED date ("Dec 04 05:38 PM"), the client's path.
 * A malloc'ed string.
 */
static char *
normalise(const char *s, const char *path)
{
	char	*out, *o;
	size_t	 pl = path != NULL ? strlen(path) : 0;
	bool	 bol = true;
	const char *p;

	o = out = malloc(strlen(s) * 2 + 16);
	ck_assert(out != NULL);
	for (p = s; *p != '\0';) {
		if (bol && isdigit((unsigned char)*p)) {
			const char *e = p + strspn(p, "0123456789");

			if (*e == '\n' || *e == '\0') {
				o += sprintf(o, "N");
				p = e;
				bol = false;
				continue;
			}
		}
		bol = false;
		if (strncmp(p, "pid ", 4) == 0 && isdigit((unsigned char)p[4])) {
			o += sprintf(o, "pid N");
			p += 4 + strspn(p + 4, "0123456789");
		} else if (strncmp(p, "uptime ", 7) == 0) {
			o += sprintf(o, "uptime U");
			p += 7 + strspn(p + 7, "0123456789:");
		} else if (at(p, "DDDD-DD-DD DD:DD:DD,DDD")) {
			o += sprintf(o, "TS");
			p += 23;
		} else if (at(p, "Ull DD DD:DD AM") || at(p, "Ull DD DD:DD PM")) {
			o += sprintf(o, "DATE");
			p += 15;
		} else if (pl > 0 && strncmp(p, path, pl) == 0) {
			o += sprintf(o, "supervisorctl");
			p += pl;
		} else {
			bol = *p == '\n';
			*o++ = *p++;
		}
	}
	*o = '\0';
	return out;
}

static int
cmp_lines(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The lines of s sorted, in place: Python's daemon answers the "all"
 * and "group:*" calls in the order the processes finish, which varies. */
static void
sort_lines(char *s)
{
	char	*v[256], *copy, *p, *save = NULL;
	size_t	 n = 0, i;

	copy = strdup(s);
	ck_assert(copy != NULL);
	for (p = strtok_r(copy, "\n", &save); p != NULL && n < 256;
	    p = strtok_r(NULL, "\n", &save))
		v[n++] = p;
	qsort(v, n, sizeof(*v), cmp_lines);
	for (*s = '\0', i = 0; i < n; i++) {
		strcat(s, v[i]);
		strcat(s, "\n");
	}
	free(copy);
}

/*
 * Run line with both clients (each after reset, when given), over
 * via: "" for the configuration's unix socket, or the options that
 * come before the command (-s URL -u ... -p ...).  Same output and
 * status, or the test fails showing both.
 */
static void
same_prep(struct cc *c, const char *via, const char *reset,
    void (*prep)(struct cc *, int), const char *line)
{
	char	 buf[2048], *args[MAXARGS + 1], *po, *oo;
	int	 prc, orc;

	snprintf(buf, sizeof(buf), "%s%s%s", via, *via != '\0' ? " " : "",
	    line);
	words(buf, args);
	if (reset != NULL)
		py_run(c, reset);
	if (prep != NULL)
		prep(c, 0);
	prc = client_wait(client_spawn(c, c->py, args, "py.out", -1), line);
	if (reset != NULL)
		py_run(c, reset);
	if (prep != NULL)
		prep(c, 1);
	orc = client_wait(client_spawn(c, c->ours, args, "ours.out", -1),
	    line);
	po = normalise(th_read(c->h, "py.out", NULL), c->py);
	oo = normalise(th_read(c->h, "ours.out", NULL), NULL);
	if (strstr(line, " all") != NULL || strstr(line, ":*") != NULL) {
		sort_lines(po);
		sort_lines(oo);
	}
	ck_assert_msg(strcmp(po, oo) == 0 && prc == orc,
	    "supervisorctl %s%s%s:\n--- Python's (exit %d):\n%s--- ours "
	    "(exit %d):\n%s---", via, *via != '\0' ? " " : "", line, prc, po,
	    orc, oo);
	free(po);
	free(oo);
}

static void
same(struct cc *c, const char *via, const char *reset, const char *line)
{
	same_prep(c, via, reset, NULL, line);
}

/* Over the unix socket, and over http:// with the password. */
static void
both(struct cc *c, const char *reset, const char *line)
{
	char	via[256];

	same(c, "", reset, line);
	snprintf(via, sizeof(via), "-s %s -u user -p secret", c->url);
	same(c, via, reset, line);
}

static void
cc_free(struct cc *c)
{
	th_free(c->h);
}

START_TEST(test_compat_status_and_info)
{
	struct cc	c;

	if (!cc_start(&c, __func__, NULL))
		return;
	both(&c, NULL, "status");
	both(&c, NULL, "status all");
	both(&c, NULL, "status sleeper");
	both(&c, NULL, "status grp:*");
	both(&c, NULL, "status grp:a grp:b");
	both(&c, NULL, "status nosuch grp:* x:y nosuch:*");
	both(&c, NULL, "status manual");
	both(&c, NULL, "pid");
	both(&c, NULL, "pid all");
	both(&c, NULL, "pid sleeper grp:a");
	both(&c, NULL, "pid manual");
	both(&c, NULL, "pid nosuch");
	both(&c, NULL, "avail");
	both(&c, NULL, "avail x");
	both(&c, NULL, "version");
	both(&c, NULL, "version x");
	same(&c, "", NULL, "help");
	same(&c, "", NULL, "help tail");
	same(&c, "", NULL, "help help");
	same(&c, "", NULL, "help update");
	same(&c, "", NULL, "help nosuch");
	same(&c, "", NULL, "?status");
	same(&c, "", NULL, "frob");
	same(&c, "", NULL, "quit");
	same(&c, "", NULL, "exit");
	same(&c, "", NULL, "open");
	same(&c, "", NULL, "-x");
	same(&c, "", NULL, "-s notaurl status");
	cc_free(&c);
}
END_TEST

START_TEST(test_compat_start_stop)
{
	struct cc	c;

	if (!cc_start(&c, __func__, NULL))
		return;
	both(&c, "stop manual", "start manual");
	both(&c, NULL, "start sleeper");
	both(&c, NULL, "start nosuch");
	both(&c, NULL, "start nosuch:*");
	both(&c, NULL, "start grp:x");
	both(&c, NULL, "start grp:*");
	both(&c, NULL, "start");
	both(&c, "stop manual", "start all");
	both(&c, "start sleeper", "stop sleeper");
	both(&c, "start manual", "stop manual");
	both(&c, "stop manual", "stop manual");
	both(&c, "start grp:*", "stop grp:*");
	both(&c, NULL, "stop nosuch nosuch:*");
	both(&c, NULL, "stop");
	both(&c, "start sleeper grp:*", "stop all");
	both(&c, "start sleeper", "restart sleeper");
	both(&c, "start sleeper grp:*", "restart grp:* sleeper");
	both(&c, NULL, "restart");
	both(&c, "stop manual", "restart manual");
	both(&c, "stop manual", "start manual manual");
	both(&c, "start sleeper grp:*;stop manual", "restart all");
	both(&c, NULL, "signal CONT sleeper");
	both(&c, NULL, "signal CONT grp:*");
	both(&c, NULL, "signal CONT all");
	both(&c, NULL, "signal CONT manual nosuch nosuch:*");
	both(&c, NULL, "signal BAD sleeper");
	both(&c, NULL, "signal CONT");
	cc_free(&c);
}
END_TEST

/* The last line of the daemon's log, in *line (owned by h). */
static const char *
log_tail_line(struct cc *c, char *line, size_t len)
{
	const char	*log = th_log(c->h), *e, *b;

	ck_assert(log != NULL);
	e = log + strlen(log);
	while (e > log && e[-1] == '\n')
		e--;
	for (b = e; b > log && b[-1] != '\n'; b--)
		;
	snprintf(line, len, "%.*s", (int)(e - b), b);
	return line;
}

struct wantout {
	const char	*rel;
	const char	*needles[3];
};

static bool
out_has(struct th *h, void *arg)
{
	const struct wantout *w = arg;
	const char	*out = th_read(h, w->rel, NULL);
	int		 i;

	for (i = 0; i < 3 && w->needles[i] != NULL; i++)
		if (out == NULL || strstr(out, w->needles[i]) == NULL)
			return false;
	return true;
}

/*
 * A client that follows (tail -f, maintail -f, fg): started with stdin
 * a pipe held open, read until its output has every needle (5 s at
 * most), then ended with sig (SIGINT: its own way out; SIGKILL: cut).
 * The output normalised, in *outp; its exit code, or -1 for SIGKILL.
 */
static int
follow(struct cc *c, const char *bin, const char *line, const char *rel,
    const char *const *needles, int sig, char **outp)
{
	struct wantout	 w = { rel, { NULL, NULL, NULL } };
	char		 buf[1024], *args[MAXARGS + 1];
	pid_t		 pid;
	int		 p[2], i, status;

	snprintf(buf, sizeof(buf), "%s", line);
	words(buf, args);
	for (i = 0; i < 3 && needles[i] != NULL; i++)
		w.needles[i] = needles[i];
	ck_assert_int_eq(pipe2(p, O_CLOEXEC), 0);
	pid = client_spawn(c, bin, args, rel, p[0]);
	close(p[0]);
	ck_assert_msg(th_wait(c->h, out_has, &w, 5000), "supervisorctl %s: "
	    "%s", line, th_read(c->h, rel, NULL));
	kill(pid, sig);
	status = th_wait_child(pid, 10000);
	close(p[1]);
	ck_assert_msg(status != -1, "supervisorctl %s outlived signal %d",
	    line, sig);
	*outp = normalise(th_read(c->h, rel, NULL), bin == c->py ? c->py :
	    NULL);
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

static void
same_follow(struct cc *c, const char *line, const char *const *needles,
    int sig, bool sorted)
{
	char	*po, *oo, *p;
	int	 prc, orc;

	prc = follow(c, c->py, line, "py.out", needles, sig, &po);
	orc = follow(c, c->ours, line, "ours.out", needles, sig, &oo);
	/* fg's two streams come on two connections: their order varies. */
	if (sorted) {
		char *a[2] = { po, oo };

		for (int k = 0; k < 2; k++) {
			char	*l1 = strchr(a[k], '\n'), *l2, *l3;

			if (l1 == NULL || (l2 = strchr(l1 + 1, '\n')) == NULL ||
			    (l3 = strchr(l2 + 1, '\n')) == NULL)
				continue;
			if (strncmp(l1 + 1, "hello\n", 6) != 0 &&
			    strncmp(l2 + 1, "hello\n", 6) == 0) {
				/* err then hello: swap the two lines. */
				p = strndup(l1 + 1, (size_t)(l2 - l1));
				memmove(l1 + 1, l2 + 1, (size_t)(l3 - l2));
				memcpy(l1 + 1 + (l3 - l2), p,
				    (size_t)(l2 - l1));
				free(p);
			}
		}
	}
	ck_assert_msg(strcmp(po, oo) == 0 && prc == orc,
	    "supervisorctl %s:\n--- Python's (exit %d):\n%s--- ours "
	    "(exit %d):\n%s---", line, prc, po, orc, oo);
	free(po);
	free(oo);
}

START_TEST(test_compat_logs)
{
	static const char *const hello[] = { "hello\n", NULL };
	static const char *const err[] = { "err\n", NULL };
	static const char *const both_lines[] = { "hello\n", "err\n", NULL };
	const char	*mainlast[2] = { NULL, NULL };
	struct cc	 c;
	char		 last[512], via[256];

	if (!cc_start(&c, __func__, NULL))
		return;
	both(&c, NULL, "tail sleeper");
	both(&c, NULL, "tail sleeper stderr");
	both(&c, NULL, "tail sleeper STDERR");
	both(&c, NULL, "tail -3 sleeper");
	both(&c, NULL, "tail -3 sleeper stdout");
	both(&c, NULL, "tail nosuch");
	both(&c, NULL, "tail grp:a");
	both(&c, NULL, "tail");
	both(&c, NULL, "tail -x sleeper");
	both(&c, NULL, "tail a b c d");
	both(&c, NULL, "tail sleeper foo");
	both(&c, NULL, "tail -5");
	both(&c, NULL, "maintail -100");
	both(&c, NULL, "maintail x");
	both(&c, NULL, "maintail -x");
	both(&c, NULL, "maintail -1 -2");
	both(&c, NULL, "clear nosuch");
	both(&c, NULL, "clear");
	both(&c, NULL, "clear grp:a");
	both(&c, NULL, "clear all");
	both(&c, "restart sleeper", "clear sleeper");
	both(&c, NULL, "fg");
	both(&c, NULL, "fg a b");
	both(&c, NULL, "fg nosuch");
	both(&c, NULL, "fg manual");

	/* The followers: sleeper's lines were cleared, so restart it. */
	py_run(&c, "restart sleeper");
	same_follow(&c, "tail -f sleeper", hello, SIGINT, false);
	same_follow(&c, "tail -f sleeper stderr", err, SIGINT, false);
	snprintf(via, sizeof(via), "-s %s -u user -p secret tail -f sleeper",
	    c.url);
	same_follow(&c, via, hello, SIGINT, false);
	both(&c, NULL, "tail -f nosuch");
	mainlast[0] = log_tail_line(&c, last, sizeof(last));
	same_follow(&c, "maintail -f", mainlast, SIGINT, false);
	same_follow(&c, "fg sleeper", both_lines, SIGKILL, true);
	cc_free(&c);
}
END_TEST

/* extra running again, then gone from the file. */
static void
extra_back(struct cc *c, int side)
{
	char	*text, *more;

	(void)side;
	text = strdup(th_read(c->h, "supervisord.conf", NULL));
	ck_assert(text != NULL);
	ck_assert(asprintf(&more, "%s[program:extra]\ncommand=/bin/sleep "
	    "1000\nstartsecs=0\n", text) != -1);
	th_write(c->h, "supervisord.conf", more);
	py_run(c, "update");
	th_write(c->h, "supervisord.conf", text);
	free(more);
	free(text);
}

START_TEST(test_compat_config)
{
	struct cc	c;
	const char	*conf;
	char		*text, *more;

	if (!cc_start(&c, __func__, NULL))
		return;
	both(&c, NULL, "reread");
	both(&c, NULL, "reread x");
	both(&c, NULL, "update");
	both(&c, NULL, "update all");
	both(&c, NULL, "update nosuch");
	both(&c, NULL, "update nosuch grp");
	both(&c, NULL, "add nosuch");
	both(&c, NULL, "add sleeper");
	both(&c, NULL, "add");
	both(&c, NULL, "remove sleeper");
	both(&c, NULL, "remove nosuch");
	both(&c, NULL, "remove");

	/* A program more in the file: reread, then each way to apply it. */
	conf = th_path(c.h, "supervisord.conf");
	text = strdup(th_read(c.h, "supervisord.conf", NULL));
	ck_assert(text != NULL);
	ck_assert(asprintf(&more, "%s[program:extra]\ncommand=/bin/sleep "
	    "1000\nstartsecs=0\n", text) != -1);
	th_write(c.h, "supervisord.conf", more);
	(void)conf;
	both(&c, NULL, "reread");
	both(&c, "stop extra;remove extra", "update");
	both(&c, "stop extra;remove extra", "update extra");
	both(&c, "stop extra;remove extra", "update extra nosuch");
	both(&c, "stop extra;remove extra", "add extra");
	both(&c, "add extra", "remove extra");
	both(&c, "add extra;stop extra", "remove extra");
	/* Gone again from the file: reread tells, update removes it. */
	py_run(&c, "add extra");
	th_write(c.h, "supervisord.conf", text);
	both(&c, NULL, "reread");
	same_prep(&c, "", NULL, extra_back, "update");
	same_prep(&c, "", NULL, extra_back, "update extra");
	free(more);
	free(text);
	cc_free(&c);
}
END_TEST

START_TEST(test_compat_auth_and_errors)
{
	struct cc	c;
	char		via[256], line[512];

	if (!cc_start(&c, __func__, NULL))
		return;
	snprintf(via, sizeof(via), "-s %s", c.url);
	same(&c, via, NULL, "status");
	same(&c, via, NULL, "avail");
	same(&c, via, NULL, "tail -f sleeper");
	snprintf(via, sizeof(via), "-s %s -u user -p wrong", c.url);
	same(&c, via, NULL, "status");
	same(&c, via, NULL, "reread");
	snprintf(via, sizeof(via), "-s %s -u user", c.url);
	same(&c, via, NULL, "version");
	snprintf(via, sizeof(via), "-s %s/ -u user -p secret", c.url);
	same(&c, via, NULL, "version");
	snprintf(via, sizeof(via), "-s %s -u user -p secret", c.url);
	same(&c, via, NULL, "tail -f nosuch");
	snprintf(via, sizeof(via), "-s unix://%s", th_path(c.h, "nosock"));
	same(&c, via, NULL, "status");
	same(&c, via, NULL, "pid");
	same(&c, via, NULL, "start sleeper");
	same(&c, via, NULL, "avail");
	same(&c, via, NULL, "shutdown");
	same(&c, via, NULL, "tail -f sleeper");
	same(&c, via, NULL, "maintail -f");
	/* Port 1 on loopback: nothing listens there. */
	same(&c, "-s http://127.0.0.1:1", NULL, "status");
	same(&c, "-s http://127.0.0.1:1", NULL, "reread");
	same(&c, "-s http://127.0.0.1:1", NULL, "shutdown");
	same(&c, "-s foo://x", NULL, "status");
	same(&c, "-s http://127.0.0.1:99999", NULL, "version");
	snprintf(line, sizeof(line), "-s %s -s %s", c.url, c.url);
	same(&c, line, NULL, "status");
	same(&c, "-i -i", NULL, "status");
	same(&c, "--history-file=x", NULL, "status");
	same(&c, "--serverurl", NULL, "");
	cc_free(&c);
}
END_TEST

/* Before the nth client's reload, the one before it is over: the
 * daemon started its programs again (1 + side runs in all so far). */
static void
reloaded(struct cc *c, int side)
{
	if (side == 0)
		return;
	ck_assert(th_wait_log_n(c->h, "success: b entered RUNNING",
	    1 + side, 15000));
	ck_assert(th_wait_log_n(c->h, "gave up: failer entered FATAL",
	    1 + side, 15000));
}

START_TEST(test_compat_reload_and_shutdown)
{
	struct cc	c;
	char		via[256];

	if (!cc_start(&c, __func__, NULL))
		return;
	both(&c, NULL, "reload x");
	both(&c, NULL, "shutdown x");
	/* reload: each client's after the last one's is done. */
	same_prep(&c, "", NULL, reloaded, "reload");
	reloaded(&c, 2);
	both(&c, NULL, "status");
	/* shutdown: Python's client first, then ours on a new daemon. */
	snprintf(via, sizeof(via), "-s %s -u user -p secret", c.url);
	{
		char	*args[8] = { (char *)"shutdown", NULL }, *po, *oo;
		int	 prc, orc;

		prc = client_wait(client_spawn(&c, c.py, args, "py.out", -1),
		    "shutdown");
		ck_assert(th_wait_exit(c.h, 15000) != -1);
		po = normalise(th_read(c.h, "py.out", NULL), c.py);
		th_start_conf(c.h);
		ck_assert(th_wait(c.h, sock_exists, NULL, 10000));
		ck_assert(th_wait_log_n(c.h, "success: b entered RUNNING", 4,
		    15000));
		ck_assert(th_wait_log_n(c.h, "gave up: failer entered FATAL", 4,
		    15000));
		orc = client_wait(client_spawn(&c, c.ours, args, "ours.out",
		    -1), "shutdown");
		ck_assert(th_wait_exit(c.h, 15000) != -1);
		oo = normalise(th_read(c.h, "ours.out", NULL), NULL);
		ck_assert_msg(strcmp(po, oo) == 0 && prc == orc,
		    "shutdown:\n--- Python's (exit %d):\n%s--- ours "
		    "(exit %d):\n%s---", prc, po, orc, oo);
		free(po);
		free(oo);
	}
	/* Nobody home now. */
	same(&c, "", NULL, "shutdown");
	same(&c, "", NULL, "status");
	same(&c, via, NULL, "shutdown");
	same(&c, via, NULL, "status");
	same(&c, via, NULL, "version");
	cc_free(&c);
}
END_TEST

Suite *
ctl_compat_suite(void)
{
	Suite	*s = suite_create("ctl_compat");
	TCase	*tc = th_tcase("ctl_compat", 240);

	tcase_add_test(tc, test_compat_status_and_info);
	tcase_add_test(tc, test_compat_start_stop);
	tcase_add_test(tc, test_compat_logs);
	tcase_add_test(tc, test_compat_config);
	tcase_add_test(tc, test_compat_auth_and_errors);
	tcase_add_test(tc, test_compat_reload_and_shutdown);
	suite_add_tcase(s, tc);
	return s;
}
