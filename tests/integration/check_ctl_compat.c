/*
 * ctl_compat: Python supervisor's supervisorctl against our daemon, and
 * our supervisorctl against Python's, command by command, three ways.
 * Two daemons run side by side, each in its own directory on the same
 * configuration (its own unix socket, its own free loopback port for a
 * password-protected [inet_http_server], [rpcinterface:supervisor],
 * [supervisorctl] and a few programs: one running, one that exits at
 * once into FATAL, a group of two, one that does not start by itself):
 * Python's supervisord ($COMPAT_SUPERVISORD, by default
 * /usr/bin/supervisord) and ours ($SUPERVISORD).  Each command line is
 * run
 *
 *	(1) by Python's supervisorctl ($COMPAT_SUPERVISORCTL, by default
 *	    /usr/bin/supervisorctl) against Python's daemon,
 *	(2) by Python's supervisorctl against our daemon,
 *	(3) by ours ($SUPERVISORCTL) against our daemon,
 *
 * over the unix socket and over http:// with -u and -p, and all three
 * must give the same stdout and stderr bytes and the same exit status
 * once what differs between two runs is normalised: the directories,
 * the ports, pids, uptimes, dates, timestamps and the version (and,
 * from our client, the help lines of our --json).  (1)
 * against (2) is our daemon's XML-RPC as supervisor's own client sees
 * it; (2) against (3) is our client.  (1) and (2) run at once, on their
 * two daemons.  A command that changes state is preceded, for each run,
 * by the commands that restore the state it starts from, run on that
 * run's daemon by Python's client (by ours before (3)).  Without Python supervisor
 * installed the cases are skipped (need "supervisor").
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
#define LINE		2048

/* One of the two daemons. */
struct dmn {
	struct th	*h;
	const char	*bin;		/* the daemon's executable */
	char		 url[64];	/* http://127.0.0.1:PORT */
	char		 hostport[32];	/* 127.0.0.1:PORT */
	char		*conf;		/* supervisord.conf as first written */
};

struct cc {
	struct dmn	 pd;		/* Python's daemon: run (1) */
	struct dmn	 od;		/* ours: runs (2) and (3) */
	const char	*py;		/* Python's supervisorctl */
	const char	*ours;
	char		*obin;		/* $SUPERVISORD, a copy */
};

/* What runs before a client, on its daemon d: nth is how many runs of
 * the same line d has had before this one. */
typedef void	prep_fn(struct cc *, struct dmn *, int);

static bool
sock_exists(struct th *h, void *arg)
{
	struct stat st;

	(void)arg;
	return lstat(th_path(h, "sock"), &st) == 0;
}

/* Start d->bin on the configuration above plus extra, in a directory
 * of its own named after test and which, on a free port but other (the
 * other daemon's, free until that one listens).  Its port. */
static int
dmn_start(struct dmn *d, const char *bin, const char *test,
    const char *which, const char *extra, int other)
{
	char	 name[128], *p, *body;
	int	 port;

	d->bin = bin;
	snprintf(name, sizeof(name), "%s", test);
	if ((p = strstr(name, "_fn")) != NULL && p[3] == '\0')
		*p = '\0';
	snprintf(name + strlen(name), sizeof(name) - strlen(name), ".%s",
	    which);
	while ((port = th_free_port()) == other)
		;
	snprintf(d->url, sizeof(d->url), "http://127.0.0.1:%d", port);
	snprintf(d->hostport, sizeof(d->hostport), "127.0.0.1:%d", port);
	d->h = th_new_named(name);
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
	    "%s%s", port, programs, extra != NULL ? extra : "") != -1);
	th_conf(d->h, body);
	free(body);
	d->conf = strdup(th_read(d->h, "supervisord.conf", NULL));
	ck_assert(d->conf != NULL);
	/* The harness starts $SUPERVISORD: this test's process only. */
	setenv("SUPERVISORD", bin, 1);
	th_start_conf(d->h);
	return port;
}

/* The daemon is up with its programs started (the nth time). */
static void
dmn_ready(struct dmn *d, int n)
{
	ck_assert(th_wait(d->h, sock_exists, NULL, 10000));
	ck_assert(th_wait_log_n(d->h, "success: sleeper entered RUNNING", n,
	    15000));
	ck_assert(th_wait_log_n(d->h, "success: b entered RUNNING", n,
	    15000));
	ck_assert(th_wait_log_n(d->h, "gave up: failer entered FATAL", n,
	    15000));
}

/*
 * Python's clients and both daemons, started together, or false after a
 * visible skip.
 */
static bool
cc_start(struct cc *c, const char *test, const char *extra)
{
	const char	*d = getenv("COMPAT_SUPERVISORD"), *o;
	int		 port;

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
	o = getenv("SUPERVISORD");
	ck_assert_msg(o != NULL, "SUPERVISORD is not set");
	/* setenv() below replaces the string getenv() gave. */
	c->obin = strdup(o);
	ck_assert(c->obin != NULL);
	port = dmn_start(&c->pd, d, test, "py", extra, -1);
	(void)dmn_start(&c->od, c->obin, test, "ours", extra, port);
	dmn_ready(&c->pd, 1);
	dmn_ready(&c->od, 1);
	return true;
}

static void
cc_free(struct cc *c)
{
	th_free(c->pd.h);
	th_free(c->od.h);
	free(c->pd.conf);
	free(c->od.conf);
	free(c->obin);
}

/* in with "@URL@" made d's http:// URL and "@DIR@" its directory. */
static void
expand(struct dmn *d, const char *in, char *out, size_t len)
{
	size_t	 n = 0;
	const char *s;

	for (; *in != '\0' && n + 1 < len; ) {
		s = NULL;
		if (strncmp(in, "@URL@", 5) == 0)
			s = d->url;
		else if (strncmp(in, "@DIR@", 5) == 0)
			s = th_dir(d->h);
		if (s != NULL) {
			n += (size_t)snprintf(out + n, len - n, "%s", s);
			ck_assert(n < len);
			in += 5;
		} else
			out[n++] = *in++;
	}
	out[n] = '\0';
}

/*
 * Start a client: bin with "-c CONF" (d's) and args, stdout and stderr
 * to the file rel in d's directory, stdin from fd in (or /dev/null when
 * -1).  Its pid.
 */
static pid_t
client_spawn(struct cc *c, struct dmn *d, const char *bin,
    char *const *args, const char *rel, int in)
{
	char	*argv[MAXARGS + 4], conf[4096];
	pid_t	 pid;
	int	 fd, n, sig;

	(void)c;
	snprintf(conf, sizeof(conf), "%s", th_path(d->h, "supervisord.conf"));
	argv[0] = (char *)"supervisorctl";
	argv[1] = (char *)"-c";
	argv[2] = conf;
	for (n = 0; args[n] != NULL && n < MAXARGS; n++)
		argv[3 + n] = args[n];
	argv[3 + n] = NULL;
	fd = open(th_path(d->h, rel), O_WRONLY | O_CREAT | O_TRUNC |
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

/*
 * Run the ';'-separated lines with the client bin (output ignored) on
 * each daemon of ds[0..n-1], the daemons at once: a state to restore.
 */
static void
run_on(struct cc *c, const char *bin, struct dmn *const *ds, int n,
    const char *lines)
{
	char	 buf[1024], e[2][LINE], *args[2][MAXARGS + 1], *save = NULL;
	char	*line;
	pid_t	 pid[2];
	int	 i;

	ck_assert(n <= 2);
	snprintf(buf, sizeof(buf), "%s", lines);
	for (line = strtok_r(buf, ";", &save); line != NULL;
	    line = strtok_r(NULL, ";", &save)) {
		for (i = 0; i < n; i++) {
			expand(ds[i], line, e[i], sizeof(e[i]));
			words(e[i], args[i]);
			pid[i] = client_spawn(c, ds[i], bin, args[i],
			    "reset.out", -1);
		}
		for (i = 0; i < n; i++)
			(void)client_wait(pid[i], line);
	}
}

/* On both daemons at once. */
static void
py_run(struct cc *c, const char *lines)
{
	struct dmn	*ds[2] = { &c->pd, &c->od };

	run_on(c, c->py, ds, 2, lines);
}

static void
py_run_one(struct cc *c, struct dmn *d, const char *lines)
{
	run_on(c, c->py, &d, 1, lines);
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
 * timestamp, an EXITED date ("Dec 04 05:38 PM"), the client's path,
 * and what differs between the two daemons: d's directory, its port
 * and a line that is only a version ("4.2.5").  The version is the one
 * answer that differs by design (our getSupervisorVersion gives our
 * own): made "VERSION" rather than compared between (2) and (3) only,
 * so that Python's client on our daemon is still held to what it
 * prints on Python's, the line's shape and the exit status.  A
 * malloc'ed string.
 */
static char *
normalise(const char *s, const char *path, struct dmn *d)
{
	char	*out, *o;
	size_t	 pl = path != NULL ? strlen(path) : 0;
	size_t	 dl = strlen(th_dir(d->h)), hl = strlen(d->hostport);
	bool	 bol = true;
	const char *p;

	o = out = malloc(strlen(s) * 2 + 16);
	ck_assert(out != NULL);
	for (p = s; *p != '\0';) {
		if (bol && isdigit((unsigned char)*p)) {
			const char *e = p + strspn(p, "0123456789.");

			if (*e == '\n' || *e == '\0') {
				o += sprintf(o, "%s", memchr(p, '.',
				    (size_t)(e - p)) != NULL ? "VERSION" :
				    "N");
				p = e;
				bol = false;
				continue;
			}
		}
		bol = false;
		if (strncmp(p, th_dir(d->h), dl) == 0) {
			o += sprintf(o, "DIR");
			p += dl;
		} else if (strncmp(p, d->hostport, hl) == 0 &&
		    !isdigit((unsigned char)p[hl])) {
			o += sprintf(o, "127.0.0.1:PORT");
			p += hl;
		} else if (strncmp(p, "pid ", 4) == 0 &&
		    isdigit((unsigned char)p[4])) {
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
 * The three runs' outputs (normalised) and exit codes: all the same, or
 * the test fails showing the three.  For update, (1) is compared with
 * (2) only, and (3) with (2), Python's client on the same daemon, as
 * before: our client's update goes by diff.update where Python's does
 * reloadConfig, removeProcessGroup and addProcessGroup (README), so
 * (1) against (2) is what tests our daemon's answers to those, and (3)
 * must still print supervisor's words for the same change.
 */
static void
same3(const char *what, bool update, char *const *o, const int *rc)
{
	bool	ok12, ok3;

	ok12 = strcmp(o[0], o[1]) == 0 && rc[0] == rc[1];
	ok3 = strcmp(o[2], o[update ? 1 : 0]) == 0 &&
	    rc[2] == rc[update ? 1 : 0];
	ck_assert_msg(ok12 && ok3, "supervisorctl %s: %s\n"
	    "--- (1) Python's client, Python's daemon (exit %d):\n%s"
	    "--- (2) Python's client, our daemon (exit %d):\n%s"
	    "--- (3) our client, our daemon (exit %d):\n%s---", what,
	    !ok12 ? "Python's client prints something else against our "
	    "daemon" : update ? "our update prints something else than "
	    "Python's client's on our daemon" : "our client prints "
	    "something else", rc[0], o[0], rc[1], o[1], rc[2], o[2]);
}

/*
 * Our client's help lists our own topics (health, rolling) after supervisor's
 * table, as a ctlplugin's would come: cut them, so that supervisor's
 * part is compared byte for byte.
 */
static void
cut_ours(char *out)
{
	char	*t;

	t = strstr(out, "\ndiff commands (type help <topic>):\n");
	ck_assert_msg(t != NULL, "help: no diff commands in\n%s", out);
	ck_assert_msg(strstr(t, "\nhealth  rolling\n") != NULL, "help: %s", t);
	*t = '\0';
}

/*
 * The lines help status and help avail add for our --json: the one
 * difference by design in help's words, taken out of our client's
 * output before the comparison (check_ctl.c holds them to their text).
 */
static const char *const ours_help[] = {
	"status --json ...\tThe same as a JSON array of getProcessInfo "
	    "structs\n",
	"avail --json\t\tThe same as a JSON array, every field of "
	    "getAllConfigInfo\n",
};

static void
drop_ours_help(char *s)
{
	char	*at;
	size_t	 i, n;

	for (i = 0; i < sizeof(ours_help) / sizeof(ours_help[0]); i++)
		if ((at = strstr(s, ours_help[i])) != NULL &&
		    (at == s || at[-1] == '\n')) {
			n = strlen(ours_help[i]);
			memmove(at, at + n, strlen(at + n) + 1);
		}
}

/*
 * Run line three ways (each after reset and prep, when given), over
 * via: "" for the configuration's unix socket, or the options that
 * come before the command (-s @URL@ -u ... -p ...; "@URL@" and "@DIR@"
 * are each daemon's).  (1) and (2) run at once.
 */
static void
same_prep(struct cc *c, const char *via, const char *reset, prep_fn *prep,
    const char *line)
{
	struct dmn	*d[3] = { &c->pd, &c->od, &c->od };
	const char	*bin[3] = { c->py, c->py, c->ours };
	const char	*rel[3] = { "py.out", "py.out", "ours.out" };
	char		 t[LINE], e[3][LINE], *args[3][MAXARGS + 1], *o[3];
	pid_t		 pid[2];
	int		 rc[3], i;

	snprintf(t, sizeof(t), "%s%s%s", via, *via != '\0' ? " " : "",
	    line);
	for (i = 0; i < 3; i++) {
		expand(d[i], t, e[i], sizeof(e[i]));
		words(e[i], args[i]);
	}
	if (reset != NULL)
		py_run(c, reset);
	if (prep != NULL) {
		prep(c, d[0], 0);
		prep(c, d[1], 0);
	}
	for (i = 0; i < 2; i++)
		pid[i] = client_spawn(c, d[i], bin[i], args[i], rel[i], -1);
	for (i = 0; i < 2; i++)
		rc[i] = client_wait(pid[i], t);
	/*
	 * (3)'s reset by our client: Python's takes a good part of a second
	 * to start, and the reset runs three times per line where it ran
	 * twice; a reset that failed would show in (3)'s output.
	 */
	if (reset != NULL)
		run_on(c, c->ours, &d[2], 1, reset);
	if (prep != NULL)
		prep(c, d[2], 1);
	rc[2] = client_wait(client_spawn(c, d[2], bin[2], args[2], rel[2],
	    -1), t);
	for (i = 0; i < 3; i++) {
		o[i] = normalise(th_read(d[i]->h, rel[i], NULL),
		    bin[i] == c->py ? c->py : NULL, d[i]);
		if (bin[i] == c->ours)
			drop_ours_help(o[i]);
		if (strstr(line, " all") != NULL ||
		    strstr(line, ":*") != NULL)
			sort_lines(o[i]);
		if (bin[i] == c->ours && strcmp(line, "help") == 0)
			cut_ours(o[i]);
	}
	same3(t, strncmp(line, "update", 6) == 0, o, rc);
	for (i = 0; i < 3; i++)
		free(o[i]);
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
	same(c, "", reset, line);
	same(c, "-s @URL@ -u user -p secret", reset, line);
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
	same(&c, "", NULL, "help avail");
	same(&c, "", NULL, "frob");
	same(&c, "", NULL, "quit");
	same(&c, "", NULL, "exit");
	same(&c, "", NULL, "open");
	same(&c, "", NULL, "-x");
	same(&c, "", NULL, "-s notaurl status");
	cc_free(&c);
}
END_TEST

/*
 * Our client's status against our daemon (diff.getAllProcessStatus) and
 * against Python's (the fault UNKNOWN_METHOD, then getAllProcessInfo):
 * the same bytes and exit status, over via.
 */
static void
ours_both(struct cc *c, const char *via, const char *line)
{
	struct dmn	*d[2] = { &c->pd, &c->od };
	char		 t[LINE], e[2][LINE], *args[2][MAXARGS + 1], *o[2];
	int		 rc[2], i;

	snprintf(t, sizeof(t), "%s%s%s", via, *via != '\0' ? " " : "",
	    line);
	for (i = 0; i < 2; i++) {
		expand(d[i], t, e[i], sizeof(e[i]));
		words(e[i], args[i]);
		rc[i] = client_wait(client_spawn(c, d[i], c->ours, args[i],
		    "ours.out", -1), t);
		o[i] = normalise(th_read(d[i]->h, "ours.out", NULL), NULL,
		    d[i]);
	}
	ck_assert_msg(strcmp(o[0], o[1]) == 0 && rc[0] == rc[1],
	    "supervisorctl %s: our client prints something else by "
	    "getAllProcessInfo than by diff.getAllProcessStatus\n"
	    "--- our client, Python's daemon (exit %d):\n%s"
	    "--- our client, our daemon (exit %d):\n%s---", t, rc[0], o[0],
	    rc[1], o[1]);
	for (i = 0; i < 2; i++)
		free(o[i]);
}

START_TEST(test_compat_status_fallback)
{
	static const char *const lines[] = {
		"status", "status all", "status grp:*", "status manual",
		"status nosuch grp:a x:y",
	};
	struct cc	c;
	size_t		i;

	if (!cc_start(&c, __func__, NULL))
		return;
	for (i = 0; i < sizeof(lines) / sizeof(lines[0]); i++) {
		ours_both(&c, "", lines[i]);
		ours_both(&c, "-s @URL@ -u user -p secret", lines[i]);
	}
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

/* The last line of d's log, in *line. */
static const char *
log_tail_line(struct dmn *d, char *line, size_t len)
{
	const char	*log = th_log(d->h), *e, *b;

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
 * A client that follows (tail -f, maintail -f, fg) on d: started with
 * stdin a pipe held open, read until its output has every needle (5 s
 * at most; needles NULL: the last line of d's log), then ended with sig
 * (SIGINT: its own way out; SIGKILL: cut).  The output normalised, in
 * *outp; its exit code, or -1 for SIGKILL.
 */
static int
follow(struct cc *c, struct dmn *d, const char *bin, const char *line,
    const char *rel, const char *const *needles, int sig, char **outp)
{
	struct wantout	 w = { rel, { NULL, NULL, NULL } };
	char		 buf[LINE], last[512], *args[MAXARGS + 1];
	pid_t		 pid;
	int		 p[2], i, status;

	expand(d, line, buf, sizeof(buf));
	words(buf, args);
	if (needles == NULL)
		w.needles[0] = log_tail_line(d, last, sizeof(last));
	for (i = 0; needles != NULL && i < 3 && needles[i] != NULL; i++)
		w.needles[i] = needles[i];
	ck_assert_int_eq(pipe2(p, O_CLOEXEC), 0);
	pid = client_spawn(c, d, bin, args, rel, p[0]);
	close(p[0]);
	ck_assert_msg(th_wait(d->h, out_has, &w, 5000), "supervisorctl %s: "
	    "%s", line, th_read(d->h, rel, NULL));
	kill(pid, sig);
	status = th_wait_child(pid, 10000);
	close(p[1]);
	ck_assert_msg(status != -1, "supervisorctl %s outlived signal %d",
	    line, sig);
	*outp = normalise(th_read(d->h, rel, NULL), bin == c->py ? c->py :
	    NULL, d);
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/* fg's two streams come on two connections: their order varies.  "err"
 * then "hello" as the second and third lines made the other way. */
static void
fg_order(char *s)
{
	char	*l1 = strchr(s, '\n'), *l2, *l3, *p;

	if (l1 == NULL || (l2 = strchr(l1 + 1, '\n')) == NULL ||
	    (l3 = strchr(l2 + 1, '\n')) == NULL)
		return;
	if (strncmp(l1 + 1, "hello\n", 6) != 0 &&
	    strncmp(l2 + 1, "hello\n", 6) == 0) {
		p = strndup(l1 + 1, (size_t)(l2 - l1));
		ck_assert(p != NULL);
		memmove(l1 + 1, l2 + 1, (size_t)(l3 - l2));
		memcpy(l1 + 1 + (l3 - l2), p, (size_t)(l2 - l1));
		free(p);
	}
}

/* The first and the last line of s, with "...\n" between: malloc'ed. */
static char *
first_last(const char *s)
{
	const char	*e1 = strchr(s, '\n'), *e, *b;
	char		*out;

	if (e1 == NULL)
		return strdup(s);
	for (e = s + strlen(s); e > e1 + 1 && e[-1] == '\n'; e--)
		;
	for (b = e; b > e1 + 1 && b[-1] != '\n'; b--)
		;
	ck_assert(asprintf(&out, "%.*s...\n%.*s\n", (int)(e1 + 1 - s), s,
	    (int)(e - b), b) != -1);
	return out;
}

/*
 * follow() three ways, one after the other.  logbody: the output is the
 * daemon's own log (maintail -f: its last 1600 bytes, then what comes),
 * whose lines are each daemon's (Python's logs "waiting for sleeper to
 * stop" or not as the timing goes): (2) and (3) are compared whole, (1)
 * with them by the first line and the last, the line waited for.
 */
static void
same_follow(struct cc *c, const char *line, const char *const *needles,
    int sig, bool fg, bool logbody)
{
	struct dmn	*d[3] = { &c->pd, &c->od, &c->od };
	const char	*bin[3] = { c->py, c->py, c->ours };
	const char	*rel[3] = { "py.out", "py.out", "ours.out" };
	char		*o[3], *t;
	int		 rc[3], i;

	for (i = 0; i < 3; i++) {
		rc[i] = follow(c, d[i], bin[i], line, rel[i], needles, sig,
		    &o[i]);
		if (fg)
			fg_order(o[i]);
	}
	if (logbody) {
		ck_assert_msg(strcmp(o[1], o[2]) == 0 && rc[1] == rc[2],
		    "supervisorctl %s: our client prints something else\n"
		    "--- (2) Python's client, our daemon (exit %d):\n%s"
		    "--- (3) our client, our daemon (exit %d):\n%s---", line,
		    rc[1], o[1], rc[2], o[2]);
		for (i = 0; i < 3; i++) {
			t = first_last(o[i]);
			ck_assert(t != NULL);
			free(o[i]);
			o[i] = t;
		}
	}
	same3(line, false, o, rc);
	for (i = 0; i < 3; i++)
		free(o[i]);
}

START_TEST(test_compat_logs)
{
	static const char *const hello[] = { "hello\n", NULL };
	static const char *const err[] = { "err\n", NULL };
	static const char *const both_lines[] = { "hello\n", "err\n", NULL };
	struct cc	 c;

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
	/*
	 * maintail -100 shows the daemon's own log, whose last lines differ
	 * when the two daemons log the same tick's events in another order
	 * (ours starts a, b, failer, sleeper by program name, Python's
	 * failer, a, b, sleeper by group name): both made to end on the
	 * same line, sleeper's "success:".
	 */
	py_run(&c, "restart sleeper");
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
	same_follow(&c, "tail -f sleeper", hello, SIGINT, false,
	    false);
	same_follow(&c, "tail -f sleeper stderr", err, SIGINT, false, false);
	same_follow(&c, "-s @URL@ -u user -p secret tail -f sleeper", hello,
	    SIGINT, false, false);
	both(&c, NULL, "tail -f nosuch");
	same_follow(&c, "maintail -f", NULL, SIGINT, false, true);
	same_follow(&c, "fg sleeper", both_lines, SIGKILL, true,
	    false);
	cc_free(&c);
}
END_TEST

/* d's configuration as first written, or with one program more. */
static void
conf_extra(struct dmn *d, bool extra)
{
	char	*more;

	ck_assert(asprintf(&more, "%s%s", d->conf, extra ?
	    "[program:extra]\ncommand=/bin/sleep 1000\nstartsecs=0\n" :
	    "") != -1);
	th_write(d->h, "supervisord.conf", more);
	free(more);
}

/* extra running again, then gone from the file. */
static void
extra_back(struct cc *c, struct dmn *d, int nth)
{
	(void)nth;
	conf_extra(d, true);
	py_run_one(c, d, "update");
	conf_extra(d, false);
}

START_TEST(test_compat_config)
{
	struct cc	c;

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
	conf_extra(&c.pd, true);
	conf_extra(&c.od, true);
	both(&c, NULL, "reread");
	both(&c, "stop extra;remove extra", "update");
	both(&c, "stop extra;remove extra", "update extra");
	both(&c, "stop extra;remove extra", "update extra nosuch");
	both(&c, "stop extra;remove extra", "add extra");
	both(&c, "add extra", "remove extra");
	both(&c, "add extra;stop extra", "remove extra");
	/* Gone again from the file: reread tells, update removes it. */
	py_run(&c, "add extra");
	conf_extra(&c.pd, false);
	conf_extra(&c.od, false);
	both(&c, NULL, "reread");
	same_prep(&c, "", NULL, extra_back, "update");
	same_prep(&c, "", NULL, extra_back, "update extra");
	cc_free(&c);
}
END_TEST

START_TEST(test_compat_auth_and_errors)
{
	struct cc	c;

	if (!cc_start(&c, __func__, NULL))
		return;
	same(&c, "-s @URL@", NULL, "status");
	same(&c, "-s @URL@", NULL, "avail");
	same(&c, "-s @URL@", NULL, "tail -f sleeper");
	same(&c, "-s @URL@ -u user -p wrong", NULL, "status");
	same(&c, "-s @URL@ -u user -p wrong", NULL, "reread");
	same(&c, "-s @URL@ -u user", NULL, "version");
	same(&c, "-s @URL@/ -u user -p secret", NULL, "version");
	same(&c, "-s @URL@ -u user -p secret", NULL, "tail -f nosuch");
	same(&c, "-s unix://@DIR@/nosock", NULL, "status");
	same(&c, "-s unix://@DIR@/nosock", NULL, "pid");
	same(&c, "-s unix://@DIR@/nosock", NULL, "start sleeper");
	same(&c, "-s unix://@DIR@/nosock", NULL, "avail");
	same(&c, "-s unix://@DIR@/nosock", NULL, "shutdown");
	same(&c, "-s unix://@DIR@/nosock", NULL, "tail -f sleeper");
	same(&c, "-s unix://@DIR@/nosock", NULL, "maintail -f");
	/* Port 1 on loopback: nothing listens there. */
	same(&c, "-s http://127.0.0.1:1", NULL, "status");
	same(&c, "-s http://127.0.0.1:1", NULL, "reread");
	same(&c, "-s http://127.0.0.1:1", NULL, "shutdown");
	same(&c, "-s foo://x", NULL, "status");
	same(&c, "-s http://127.0.0.1:99999", NULL, "version");
	same(&c, "-s @URL@ -s @URL@", NULL, "status");
	same(&c, "-i -i", NULL, "status");
	same(&c, "--history-file=x", NULL, "status");
	same(&c, "--serverurl", NULL, "");
	cc_free(&c);
}
END_TEST

/* Before d's nth run of reload, the one before it is over: the daemon
 * started its programs again (1 + nth runs in all so far). */
static void
reloaded(struct cc *c, struct dmn *d, int nth)
{
	(void)c;
	if (nth > 0)
		dmn_ready(d, 1 + nth);
}

START_TEST(test_compat_reload_and_shutdown)
{
	static char	*shutdown[] = { (char *)"shutdown", NULL };
	struct cc	 c;
	char		*o[3];
	pid_t		 pid[2];
	int		 rc[3];

	if (!cc_start(&c, __func__, NULL))
		return;
	both(&c, NULL, "reload x");
	both(&c, NULL, "shutdown x");
	/* reload: each client's after the last one's is done. */
	same_prep(&c, "", NULL, reloaded, "reload");
	reloaded(&c, &c.pd, 1);
	reloaded(&c, &c.od, 2);
	both(&c, NULL, "status");
	/* shutdown: Python's client on both, then ours on ours again. */
	pid[0] = client_spawn(&c, &c.pd, c.py, shutdown, "py.out", -1);
	pid[1] = client_spawn(&c, &c.od, c.py, shutdown, "py.out", -1);
	rc[0] = client_wait(pid[0], "shutdown");
	rc[1] = client_wait(pid[1], "shutdown");
	ck_assert(th_wait_exit(c.pd.h, 15000) != -1);
	ck_assert(th_wait_exit(c.od.h, 15000) != -1);
	o[0] = normalise(th_read(c.pd.h, "py.out", NULL), c.py, &c.pd);
	o[1] = normalise(th_read(c.od.h, "py.out", NULL), c.py, &c.od);
	setenv("SUPERVISORD", c.od.bin, 1);
	th_start_conf(c.od.h);
	dmn_ready(&c.od, 4);
	rc[2] = client_wait(client_spawn(&c, &c.od, c.ours, shutdown,
	    "ours.out", -1), "shutdown");
	ck_assert(th_wait_exit(c.od.h, 15000) != -1);
	o[2] = normalise(th_read(c.od.h, "ours.out", NULL), NULL, &c.od);
	same3("shutdown", false, o, rc);
	free(o[0]);
	free(o[1]);
	free(o[2]);
	/* Nobody home now. */
	same(&c, "", NULL, "shutdown");
	same(&c, "", NULL, "status");
	same(&c, "-s @URL@ -u user -p secret", NULL, "shutdown");
	same(&c, "-s @URL@ -u user -p secret", NULL, "status");
	same(&c, "-s @URL@ -u user -p secret", NULL, "version");
	cc_free(&c);
}
END_TEST

Suite *
ctl_compat_suite(void)
{
	Suite	*s = suite_create("ctl_compat");
	TCase	*tc = th_tcase("ctl_compat", 240);

	tcase_add_test(tc, test_compat_status_and_info);
	tcase_add_test(tc, test_compat_status_fallback);
	tcase_add_test(tc, test_compat_start_stop);
	tcase_add_test(tc, test_compat_logs);
	tcase_add_test(tc, test_compat_config);
	tcase_add_test(tc, test_compat_auth_and_errors);
	tcase_add_test(tc, test_compat_reload_and_shutdown);
	suite_add_tcase(s, tc);
	return s;
}
