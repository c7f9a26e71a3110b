/*
 * ctl: supervisorctl against a running daemon through the control socket:
 * every command's output lines and exit status as supervisorctl 4.2.5
 * gives them, the socket's mode and owner, refusal of other users, a
 * stale socket replaced and a live one respected, authentication, and
 * clients that misbehave (garbage, silence, leaving mid-command, not
 * reading a tail -f) without disturbing the daemon.
 */
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/un.h>
#include <sys/wait.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <check.h>

#include "tests/harness.h"
#include "tests/skip.h"

Suite	*ctl_suite(void);

#define CTL_MAXARGS	16
#define RPCINTERFACE	"[rpcinterface:supervisor]\n" \
	"supervisor.rpcinterface_factory = " \
	"supervisor.rpcinterface:make_main_rpcinterface\n\n"

static const char base_conf[] =
	"[unix_http_server]\n"
	"file=@DIR@/sock\n"
	"chmod=0770\n\n"
	"[supervisorctl]\n"
	"serverurl=unix://@DIR@/sock\n\n"
	RPCINTERFACE;

/*
 * Start supervisorctl -c DIR/supervisord.conf ARGS, stdout to rel, stderr
 * to errrel (NULL: to rel too).
 */
static pid_t
ctl_spawn2(struct th *h, const char *rel, const char *errrel, char **args)
{
	char	*argv[CTL_MAXARGS + 4], conf[4096];
	const char *bin = getenv("SUPERVISORCTL");
	pid_t	 pid;
	int	 fd, efd, i;

	ck_assert_msg(bin != NULL, "SUPERVISORCTL is not set");
	argv[0] = (char *)"supervisorctl";
	argv[1] = (char *)"-c";
	snprintf(conf, sizeof(conf), "%s", th_path(h, "supervisord.conf"));
	argv[2] = conf;
	for (i = 0; args[i] != NULL && i < CTL_MAXARGS; i++)
		argv[3 + i] = args[i];
	argv[3 + i] = NULL;
	fd = open(th_path(h, rel), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
	    0644);
	ck_assert_int_ne(fd, -1);
	efd = errrel == NULL ? fd : open(th_path(h, errrel), O_WRONLY |
	    O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	ck_assert_int_ne(efd, -1);
	if ((pid = fork()) == 0) {
		dup2(fd, 1);
		dup2(efd, 2);
		execv(bin, argv);
		_exit(127);
	}
	close(fd);
	if (efd != fd)
		close(efd);
	ck_assert_int_gt(pid, 0);
	return pid;
}

static pid_t
ctl_spawn(struct th *h, const char *rel, char **args)
{
	return ctl_spawn2(h, rel, NULL, args);
}

/* Wait up to ms for pid; its wait status, or -1 after killing it. */
static int
ctl_wait(pid_t pid, int ms)
{
	long long deadline = th_now_ms() + ms;
	int	  status;

	while (th_now_ms() < deadline) {
		if (waitpid(pid, &status, WNOHANG) == pid)
			return status;
		usleep(10000);
	}
	kill(pid, SIGKILL);
	waitpid(pid, &status, 0);
	return -1;
}

/*
 * Run supervisorctl with the NULL-terminated arguments; its output (owned
 * by h) in *outp, its exit code returned.
 */
static int
ctl(struct th *h, const char **outp, ...)
{
	char	*args[CTL_MAXARGS + 1];
	va_list	 ap;
	int	 n = 0, status;

	va_start(ap, outp);
	while (n < CTL_MAXARGS && (args[n] = va_arg(ap, char *)) != NULL)
		n++;
	va_end(ap);
	args[n] = NULL;
	status = ctl_wait(ctl_spawn(h, "ctl.out", args), 15000);
	ck_assert_msg(status != -1, "supervisorctl %s timed out",
	    n > 0 ? args[0] : "");
	*outp = th_read(h, "ctl.out", NULL);
	ck_assert(*outp != NULL);
	return th_exit_code(status);
}

/*
 * As ctl, with stdout in *outp and stderr apart in *errp (both owned by
 * h).
 */
static int
ctl_sep(struct th *h, const char **outp, const char **errp, ...)
{
	char	*args[CTL_MAXARGS + 1];
	va_list	 ap;
	int	 n = 0, status;

	va_start(ap, errp);
	while (n < CTL_MAXARGS && (args[n] = va_arg(ap, char *)) != NULL)
		n++;
	va_end(ap);
	args[n] = NULL;
	status = ctl_wait(ctl_spawn2(h, "ctl.out", "ctl.err", args), 15000);
	ck_assert_msg(status != -1, "supervisorctl %s timed out",
	    n > 0 ? args[0] : "");
	*outp = th_read(h, "ctl.out", NULL);
	*errp = th_read(h, "ctl.err", NULL);
	ck_assert(*outp != NULL && *errp != NULL);
	return th_exit_code(status);
}

/* supervisorctl's status line with the default width. */
static const char *
sline(char *buf, size_t len, const char *spec, const char *state,
    const char *desc)
{
	snprintf(buf, len, "%-33s%-10s%s\n", spec, state, desc);
	return buf;
}

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

/*
 * essential=true: a stop asked for (supervisorctl stop) is not its end:
 * the daemon goes on; its own exit after a start ends the daemon with
 * its exit status.
 */
START_TEST(test_stop_of_essential_does_not_end_the_daemon)
{
	struct th	*h = start_daemon("essential_stop",
	    "[program:key]\ncommand=sleep 1000\nstartsecs=0\n"
	    "essential=true\nautorestart=false\n\n"
	    "[program:job]\ncommand=sh -c 'sleep 0.5; exit 4'\n"
	    "startsecs=0\nautostart=false\nessential=true\n"
	    "autorestart=false\n\n");
	const char	*out;
	int		 st;

	ck_assert(th_wait_log(h, "success: key entered RUNNING", 5000));
	ck_assert_int_eq(ctl(h, &out, "stop", "key", (char *)NULL), 0);
	ck_assert(th_wait_log(h, "stopped: key", 5000));
	/* Still serving: a stopped essential program is no end. */
	ck_assert_int_eq(th_wait_exit(h, 500), -1);
	ck_assert_int_eq(ctl(h, &out, "status", "key", (char *)NULL), 3);
	ck_assert_ptr_nonnull(strstr(out, "STOPPED"));
	ck_assert_int_eq(ctl(h, &out, "start", "job", (char *)NULL), 0);
	st = th_wait_exit(h, 10000);
	ck_assert_int_ne(st, -1);
	ck_assert_int_eq(th_exit_code(st), 4);
	ck_assert_int_eq(th_log_count(h, "essential job exited for good "
	    "(exit status 4): stopping everything, exit status 4"), 1);
	th_free(h);
}
END_TEST

/* Where needle is first (last: its last time) in the log, or -1. */
static long
log_at(struct th *h, const char *needle)
{
	const char	*log = th_log(h), *at;

	if (log == NULL || (at = strstr(log, needle)) == NULL)
		return -1;
	return (long)(at - log);
}

static long
log_last(struct th *h, const char *needle)
{
	const char	*log = th_log(h), *at, *last = NULL;

	for (at = log; at != NULL && (at = strstr(at, needle)) != NULL; at++)
		last = at;
	return last != NULL ? (long)(last - log) : -1;
}

/*
 * restart --rolling (ours, diff.rollingRestart): one process at a time,
 * each RUNNING before the next is stopped; the first that does not come
 * back ends it, and the rest keep their pids.
 */
START_TEST(test_rolling_restart)
{
	struct th	*h = th_new_named("rolling");
	const char	*out;
	char		*body, name[16], text[64];
	long		 up[3], down[3];
	pid_t		 w2;
	int		 i;

	for (i = 0; i < 3; i++) {
		snprintf(name, sizeof(name), "ok%d", i);
		th_write(h, name, "");
	}
	ck_assert(asprintf(&body, "%s%s", base_conf,
	    "[program:w]\ncommand=/bin/sh -c 'test -e @DIR@/ok%(process_num)d "
	    "|| exit 1; exec sleep 1000'\nprocess_name=w%(process_num)d\n"
	    "numprocs=3\nstartsecs=1\nstartretries=0\n\n") != -1);
	th_conf(h, body);
	free(body);
	th_start_conf(h);
	ck_assert(th_wait(h, sock_exists, NULL, 5000));
	ck_assert(th_wait_log_n(h, "entered RUNNING", 3, 10000));
	ck_assert_int_eq(ctl(h, &out, "restart", "--rolling", "w:*",
	    (char *)NULL), 0);
	ck_assert_str_eq(out, "w:w0: stopped\nw:w0: started\nw:w1: stopped\n"
	    "w:w1: started\nw:w2: stopped\nw:w2: started\n");
	/* Each up again before the next went down. */
	for (i = 0; i < 3; i++) {
		snprintf(text, sizeof(text), "stopped: w%d", i);
		ck_assert((down[i] = log_at(h, text)) >= 0);
		snprintf(text, sizeof(text), "success: w%d entered RUNNING", i);
		ck_assert((up[i] = log_last(h, text)) >= 0);
		ck_assert(down[i] < up[i]);
		if (i > 0)
			ck_assert_msg(up[i - 1] < down[i], "w%d stopped before "
			    "w%d was up:\n%s", i, i - 1, th_log(h));
	}
	/* w1 cannot come back: w2 is left alone. */
	ck_assert_int_eq(unlink(th_path(h, "ok1")), 0);
	w2 = th_spawned_pid(h, "w2", 1);
	ck_assert_int_eq(ctl(h, &out, "restart", "--rolling", "w:*",
	    (char *)NULL), 7);
	ck_assert_msg(strstr(out, "w:w1: ERROR (spawn error)\nw:*: rolling "
	    "restart stopped at w:w1") != NULL, "%s", out);
	ck_assert(strstr(out, "w:w2") == NULL);
	ck_assert(th_alive(h, w2));
	ck_assert_int_eq(th_log_count(h, "spawned: 'w2'"), 2);
	ck_assert_int_eq(ctl(h, &out, "restart", "--rolling", "nosuch:*",
	    (char *)NULL), 2);
	ck_assert_str_eq(out, "nosuch: ERROR (no such group)\n");
	ck_assert_int_eq(ctl(h, &out, "restart", "--rolling", "w:nosuch",
	    (char *)NULL), 1);
	ck_assert_str_eq(out, "w:nosuch: ERROR (no such process)\n");
	ck_assert(th_exited_ok(th_stop(h)));
	th_free(h);
}
END_TEST

/*
 * startProcess looks for the command where the spawn will: in the PATH
 * an environment_file sets, unless the program's environment= has one.
 */
START_TEST(test_start_finds_command_in_environment_file_path)
{
	struct th	*h = start_daemon("envfile_path",
	    "[program:app]\ncommand=myapp\nenvironment_file=@DIR@/app.env\n"
	    "autostart=false\nstartsecs=0\n\n"
	    "[program:own]\ncommand=myapp\nenvironment_file=@DIR@/app.env\n"
	    "environment=PATH=\"/nonexistent\"\nautostart=false\n\n");
	const char	*out;

	th_write(h, "bin/myapp", "#!/bin/sh\nexec sleep 1000\n");
	ck_assert_int_eq(chmod(th_path(h, "bin/myapp"), 0755), 0);
	th_write(h, "app.env", "PATH=@DIR@/bin:/usr/bin:/bin\n");
	ck_assert_int_eq(ctl(h, &out, "start", "app", (char *)NULL), 0);
	ck_assert_str_eq(out, "app: started\n");
	ck_assert_int_ne(ctl(h, &out, "start", "own", (char *)NULL), 0);
	ck_assert_str_eq(out, "own: ERROR (no such file)\n");
	ck_assert(th_exited_ok(th_stop(h)));
	th_free(h);
}
END_TEST

static bool
pid_gone(struct th *h, void *arg)
{
	return !th_alive(h, *(pid_t *)arg);
}

/*
 * A reload removes a dependent slow to stop and what it depends on: the
 * dependency waits for it.  update of the dependent alone brings it back
 * while it stops: the dependency, still removed, need wait no longer.
 */
START_TEST(test_removed_dependency_stops_when_dependent_is_kept)
{
	static const char ab[] =
	    "[program:a]\ncommand=/bin/sh -c 'trap \"\" TERM; exec sleep "
	    "1000'\nstartsecs=0\nstopwaitsecs=10\ndepends_on=b\n\n"
	    "[program:b]\ncommand=sleep 1000\nstartsecs=0\n\n";
	struct th	*h = start_daemon("rm_kept", ab);
	const char	*out;
	char		*body;
	pid_t		 b;

	ck_assert(th_wait_log(h, "success: a entered RUNNING", 5000));
	b = th_spawned_pid(h, "b", 0);
	th_conf(h, base_conf);
	ck_assert_int_eq(ctl(h, &out, "update", (char *)NULL), 0);
	/* b waits for a, which ignores SIGTERM. */
	ck_assert(th_log_stays_below(h, "removed process 'b'", 1, 500));
	ck_assert(th_alive(h, b));
	ck_assert(asprintf(&body, "%s%s", base_conf, ab) != -1);
	th_conf(h, body);
	free(body);
	ck_assert_int_eq(ctl(h, &out, "update", "a", (char *)NULL), 0);
	/* Long before a's stopwaitsecs: b goes. */
	ck_assert(th_wait_log(h, "removed process 'b'", 3000));
	ck_assert(th_wait(h, pid_gone, &b, 3000));
	ck_assert(th_exited_ok(th_stop_ms(h, 20000)));
	th_free(h);
}
END_TEST

/* Whether one of pid's descriptors is the file path. */
static bool
holds_file(pid_t pid, const char *path)
{
	char		 dir[64], link[PATH_MAX + 64], to[PATH_MAX];
	DIR		*d;
	struct dirent	*e;
	ssize_t		 n;
	bool		 found = false;

	snprintf(dir, sizeof(dir), "/proc/%d/fd", (int)pid);
	ck_assert_ptr_nonnull(d = opendir(dir));
	while ((e = readdir(d)) != NULL && !found) {
		if (e->d_name[0] == '.')
			continue;
		snprintf(link, sizeof(link), "%s/%s", dir, e->d_name);
		if ((n = readlink(link, to, sizeof(to) - 1)) > 0) {
			to[n] = '\0';
			found = strcmp(to, path) == 0;
		}
	}
	closedir(d);
	return found;
}

/* A line of supervisorctl status: what it starts with and ends with. */
struct sline_want {
	const char	*head;
	const char	*tail;
};

/* supervisorctl status, run once, has the line arg (a sline_want). */
static bool
status_has_line(struct th *h, void *arg)
{
	const struct sline_want *w = arg;
	const char	*out, *at, *nl;
	size_t		 n = strlen(w->tail);

	(void)ctl(h, &out, "status", (char *)NULL);
	for (at = out; (at = strstr(at, w->head)) != NULL; at++) {
		if ((nl = strchr(at, '\n')) == NULL)
			nl = at + strlen(at);
		if ((size_t)(nl - at) >= n && memcmp(nl - n, w->tail, n) == 0)
			return true;
	}
	return false;
}

/*
 * ready=notify: RUNNING at the main pid's READY=1 (not a child's: the
 * forked one never is), its STATUS= in the description after the pid, a
 * descriptor sent along closed; STOPPING=1 and RELOADING=1 change the
 * description, not the state; not ready in time: FATAL as startretries
 * says, "not ready after 1 s".
 */
START_TEST(test_ready_notify)
{
	struct th	*h = start_daemon("ready_notify",
	    "[program:nt]\ncommand=@HELPERS@/notifyprog 300 "
	    "\"STATUS=warming up\" \"READY=1\\nSTATUS=serving 3 clients\"\n"
	    "ready=notify\nstartsecs=0\n\n"
	    "[program:late]\ncommand=@HELPERS@/notifyprog 3000 READY=1\n"
	    "ready=notify\nready_timeout=1\nstartretries=0\n\n"
	    "[program:forked]\ncommand=@HELPERS@/notifyprog 0 fork:READY=1\n"
	    "ready=notify\nready_timeout=1\nstartretries=0\n\n"
	    "[program:stp]\ncommand=@HELPERS@/notifyprog 0 READY=1 "
	    "STOPPING=1\nready=notify\nstartsecs=0\n\n"
	    "[program:rel]\ncommand=@HELPERS@/notifyprog 0 READY=1 "
	    "RELOADING=1\nready=notify\nstartsecs=0\n\n");
	const char	*out, *env;
	char		 want[128], bin[PATH_MAX], real[PATH_MAX];
	pid_t		 nt;
	size_t		 len;

	ck_assert(th_wait_log(h, "success: nt entered RUNNING state, process "
	    "is ready (notify)", 5000));
	ck_assert(th_wait_log(h, "gave up: late entered FATAL", 5000));
	ck_assert(th_wait_log(h, "gave up: forked entered FATAL", 5000));
	ck_assert_int_eq(th_log_count(h, "success: late"), 0);
	ck_assert_int_eq(th_log_count(h, "success: forked"), 0);
	nt = th_spawned_pid(h, "nt", 0);
	ck_assert_int_eq(ctl(h, &out, "status", (char *)NULL), 3);
	snprintf(want, sizeof(want), "RUNNING   pid %d, uptime 0:00:0",
	    (int)nt);
	ck_assert_msg(strstr(out, want) != NULL && strstr(out,
	    ", serving 3 clients\n") != NULL, "status:\n%s", out);
	ck_assert_ptr_nonnull(strstr(out, "FATAL     not ready after 1 s"));
	snprintf(want, sizeof(want), "stp                              "
	    "RUNNING   pid %d, uptime 0:00:", (int)th_spawned_pid(h, "stp", 0));
	ck_assert(th_wait(h, status_has_line,
	    &(struct sline_want){ want, ", stopping" }, 5000));
	snprintf(want, sizeof(want), "rel                              "
	    "RUNNING   pid %d, uptime 0:00:", (int)th_spawned_pid(h, "rel", 0));
	ck_assert(th_wait(h, status_has_line,
	    &(struct sline_want){ want, ", reloading" }, 5000));
	/* Its environment names the daemon's socket. */
	snprintf(want, sizeof(want), "/proc/%d/environ", (int)nt);
	ck_assert_ptr_nonnull(env = th_read(h, want, &len));
	snprintf(want, sizeof(want), "NOTIFY_SOCKET=@supervisord/%d/notify",
	    (int)th_pid(h));
	ck_assert_ptr_nonnull(memmem(env, len, want, strlen(want)));
	/* The binary's descriptor it sent was closed. */
	snprintf(bin, sizeof(bin), "%s/notifyprog", getenv("TEST_HELPERS"));
	ck_assert_ptr_nonnull(realpath(bin, real));
	ck_assert(!holds_file(th_pid(h), real));
	ck_assert(th_exited_ok(th_stop(h)));
	th_free(h);
}
END_TEST

/*
 * depends_on=: a process waiting for its dependency shows it in status;
 * stop cancels its start (answered as for a stopped process), so that it
 * does not start when the dependency comes up; start then starts it.
 */
START_TEST(test_stop_cancels_a_waiting_start)
{
	struct th	*h = start_daemon("deps_stop",
	    "[program:db]\ncommand=sleep 1000\nstartsecs=0\n"
	    "ready=file:@DIR@/db.up\nready_timeout=60\n\n"
	    "[program:web]\ncommand=sleep 1000\nstartsecs=0\n"
	    "depends_on=db\n\n");
	const char	*out;
	char		 line[256];
	FILE		*f;

	ck_assert(th_wait_log(h, "web: waiting for db", 5000));
	ck_assert_int_eq(ctl(h, &out, "status", "web", (char *)NULL), 3);
	ck_assert_str_eq(out, sline(line, sizeof(line), "web", "STOPPED",
	    "waiting for db"));
	(void)ctl(h, &out, "stop", "web", (char *)NULL);
	ck_assert_ptr_nonnull(strstr(out, "web: ERROR (not running)"));
	ck_assert_ptr_nonnull(f = fopen(th_path(h, "db.up"), "w"));
	fclose(f);
	ck_assert(th_wait_log(h, "success: db entered RUNNING", 5000));
	/* Its retry would come at once, at db's change. */
	ck_assert(th_log_stays_below(h, "spawned: 'web'", 1, 1000));
	ck_assert_int_eq(ctl(h, &out, "start", "web", (char *)NULL), 0);
	ck_assert_ptr_nonnull(strstr(out, "web: started"));
	ck_assert(th_exited_ok(th_stop(h)));
	th_free(h);
}
END_TEST

static const char two_programs[] =
	"[program:web]\n"
	"command=sleep 1000\n"
	"startsecs=0\n\n"
	"[program:wk]\n"
	"command=sleep 1000\n"
	"numprocs=2\n"
	"process_name=%(program_name)s_%(process_num)02d\n"
	"startsecs=0\n\n"
	"[program:idle]\n"
	"command=sleep 1000\n"
	"autostart=false\n\n"
	"[program:nf]\n"
	"command=/nonexistent/prog\n"
	"autostart=false\n\n"
	"[program:fails]\n"
	"command=/bin/false\n"
	"autostart=false\n"
	"startretries=0\n";

START_TEST(test_status)
{
	struct th	*h = start_daemon(__func__, two_programs);
	const char	*out;
	char		 want[2048], l[5][256], desc[64];
	pid_t		 web, w0, w1;

	ck_assert(th_wait_log(h, "success: wk_01 entered RUNNING", 5000));
	ck_assert(th_wait_log(h, "success: web entered RUNNING", 5000));
	web = th_spawned_pid(h, "web", 0);
	w0 = th_spawned_pid(h, "wk_00", 0);
	w1 = th_spawned_pid(h, "wk_01", 0);

	/* Without arguments: status, lexical, exit 3 as some are stopped. */
	ck_assert_int_eq(ctl(h, &out, NULL), 3);
	snprintf(desc, sizeof(desc), "pid %d, uptime 0:00:0", (int)web);
	ck_assert_msg(strstr(out, desc) != NULL, "%s", out);
	ck_assert_msg(strncmp(out, sline(l[0], 256, "fails", "STOPPED",
	    "Not started"), strlen(l[0])) == 0, "%s", out);
	snprintf(want, sizeof(want), "%s%s%s",
	    sline(l[0], 256, "fails", "STOPPED", "Not started"),
	    sline(l[1], 256, "idle", "STOPPED", "Not started"),
	    sline(l[2], 256, "nf", "STOPPED", "Not started"));
	ck_assert_msg(strncmp(out, want, strlen(want)) == 0, "%s", out);
	ck_assert_int_eq(ctl(h, &out, "status", NULL), 3);

	/* One process, all running: exit 0; the uptime moves on. */
	ck_assert_int_eq(ctl(h, &out, "status", "web", NULL), 0);
	snprintf(want, sizeof(want), "%-33s%-10spid %d, uptime 0:00:0",
	    "web", "RUNNING", (int)web);
	ck_assert_msg(strncmp(out, want, strlen(want)) == 0, "%s", out);

	ck_assert_int_eq(ctl(h, &out, "status", "wk:*", NULL), 0);
	snprintf(want, sizeof(want), "%-33s%-10spid %d, uptime 0:00:0",
	    "wk:wk_00", "RUNNING", (int)w0);
	ck_assert_msg(strncmp(out, want, strlen(want)) == 0, "%s", out);
	snprintf(want, sizeof(want), "\n%-33s%-10spid %d, uptime 0:00:0",
	    "wk:wk_01", "RUNNING", (int)w1);
	ck_assert_msg(strstr(out, want) != NULL, "%s", out);

	ck_assert_int_eq(ctl(h, &out, "status", "idle", NULL), 3);
	ck_assert_int_eq(ctl(h, &out, "status", "nope", NULL), 4);
	ck_assert_str_eq(out, "nope: ERROR (no such process)\n");
	ck_assert_int_eq(ctl(h, &out, "status", "nog:*", NULL), 4);
	ck_assert_str_eq(out, "nog: ERROR (no such group)\n");
	ck_assert_int_eq(ctl(h, &out, "status", "wk:nope", NULL), 4);
	ck_assert_str_eq(out, "wk:nope: ERROR (no such process)\n");
	th_free(h);
}
END_TEST

START_TEST(test_start_stop_restart)
{
	struct th	*h = start_daemon(__func__, two_programs);
	const char	*out;
	pid_t		 w0, w1;

	ck_assert(th_wait_log(h, "success: wk_01 entered RUNNING", 5000));
	ck_assert_int_eq(ctl(h, &out, "start", "idle", NULL), 0);
	ck_assert_str_eq(out, "idle: started\n");
	ck_assert(th_log_count(h, "success: idle entered RUNNING") == 1);
	ck_assert_int_eq(ctl(h, &out, "start", "idle", NULL), 0);
	ck_assert_str_eq(out, "idle: ERROR (already started)\n");
	ck_assert_int_eq(ctl(h, &out, "start", "nf", NULL), 1);
	ck_assert_str_eq(out, "nf: ERROR (no such file)\n");
	ck_assert_int_eq(ctl(h, &out, "start", "fails", NULL), 7);
	ck_assert_str_eq(out, "fails: ERROR (spawn error)\n");
	ck_assert_int_eq(ctl(h, &out, "start", "nope", NULL), 1);
	ck_assert_str_eq(out, "nope: ERROR (no such process)\n");
	ck_assert_int_eq(ctl(h, &out, "start", "nog:*", NULL), 2);
	ck_assert_str_eq(out, "nog: ERROR (no such group)\n");
	ck_assert_int_eq(ctl(h, &out, "start", NULL), 2);
	ck_assert(strncmp(out, "Error: start requires a process name\n"
	    "start <name>\t\tStart a process\n", 50) == 0);

	ck_assert_int_eq(ctl(h, &out, "stop", "idle", NULL), 0);
	ck_assert_str_eq(out, "idle: stopped\n");
	ck_assert_int_eq(ctl(h, &out, "stop", "idle", NULL), 0);
	ck_assert_str_eq(out, "idle: ERROR (not running)\n");
	ck_assert_int_eq(ctl(h, &out, "stop", "nope", NULL), 1);
	ck_assert_str_eq(out, "nope: ERROR (no such process)\n");
	ck_assert_int_eq(ctl(h, &out, "stop", "nog:*", NULL), 1);
	ck_assert_str_eq(out, "nog: ERROR (no such group)\n");

	/* restart: the stops, then the starts; new pids. */
	w0 = th_spawned_pid(h, "wk_00", -1);
	w1 = th_spawned_pid(h, "wk_01", -1);
	ck_assert_int_eq(ctl(h, &out, "restart", "wk:*", NULL), 0);
	ck_assert_str_eq(out, "wk:wk_00: stopped\nwk:wk_01: stopped\n"
	    "wk:wk_00: started\nwk:wk_01: started\n");
	ck_assert_int_ne(th_spawned_pid(h, "wk_00", -1), w0);
	ck_assert_int_ne(th_spawned_pid(h, "wk_01", -1), w1);
	ck_assert(!th_alive(h, w0));

	ck_assert_int_eq(ctl(h, &out, "stop", "all", NULL), 0);
	ck_assert_str_eq(out, "web: stopped\nwk:wk_00: stopped\n"
	    "wk:wk_01: stopped\n");
	/*
	 * start all: what settles at once first (startsecs=0 included, as
	 * supervisor has them RUNNING at once), then as they settle.
	 */
	ck_assert_int_eq(ctl(h, &out, "start", "all", NULL), 7);
	ck_assert_str_eq(out, "nf: ERROR (no such file)\n"
	    "web: started\nwk:wk_00: started\nwk:wk_01: started\n"
	    "fails: ERROR (spawn error)\nidle: started\n");
	th_free(h);
}
END_TEST

START_TEST(test_pid_signal_version)
{
	struct th	*h = start_daemon(__func__, two_programs);
	const char	*out;
	char		 want[64];
	pid_t		 web;

	ck_assert(th_wait_log(h, "success: web entered RUNNING", 5000));
	web = th_spawned_pid(h, "web", 0);
	ck_assert_int_eq(ctl(h, &out, "pid", NULL), 0);
	snprintf(want, sizeof(want), "%d\n", (int)th_pid(h));
	ck_assert_str_eq(out, want);
	ck_assert_int_eq(ctl(h, &out, "pid", "web", NULL), 0);
	snprintf(want, sizeof(want), "%d\n", (int)web);
	ck_assert_str_eq(out, want);
	ck_assert_int_eq(ctl(h, &out, "pid", "idle", NULL), 7);
	ck_assert_str_eq(out, "0\n");
	ck_assert_int_eq(ctl(h, &out, "pid", "nope", NULL), 1);
	ck_assert_str_eq(out, "No such process nope\n");
	ck_assert_int_eq(ctl(h, &out, "pid", "all", NULL), 0);
	ck_assert_int_eq((int)strlen(out) > 10, 1);

	ck_assert_int_eq(ctl(h, &out, "signal", "FOO", "web", NULL), 1);
	ck_assert_str_eq(out, "web: ERROR (bad signal name)\n");
	ck_assert_int_eq(ctl(h, &out, "signal", "HUP", "idle", NULL), 7);
	ck_assert_str_eq(out, "idle: ERROR (not running)\n");
	ck_assert_int_eq(ctl(h, &out, "signal", "HUP", NULL), 1);
	ck_assert(strncmp(out, "Error: signal requires a signal name and a "
	    "process name\n", 56) == 0);
	ck_assert_int_eq(ctl(h, &out, "signal", "TERM", "web", NULL), 0);
	ck_assert_str_eq(out, "web: signalled\n");
	ck_assert(th_wait_log(h, "exited: web (terminated by SIGTERM", 5000));

	ck_assert_int_eq(ctl(h, &out, "version", NULL), 0);
	ck_assert_int_gt((int)strlen(out), 1);
	ck_assert_int_eq(ctl(h, &out, "version", "x", NULL), 1);
	ck_assert_int_eq(ctl(h, &out, "bogus", "cmd", NULL), 1);
	ck_assert_str_eq(out, "*** Unknown syntax: bogus cmd\n");
	th_free(h);
}
END_TEST

START_TEST(test_tail_clear_maintail)
{
	struct th	*h = start_daemon(__func__,
	    "[program:talk]\n"
	    "command=/bin/sh -c 'echo hello; echo oops >&2; "
	    "exec sleep 1000'\n"
	    "stdout_logfile=@DIR@/talk.out\n"
	    "stderr_logfile=@DIR@/talk.err\n"
	    "startsecs=0\n\n"
	    "[program:quiet]\n"
	    "command=sleep 1000\n"
	    "stdout_logfile=NONE\n"
	    "redirect_stderr=true\n"
	    "startsecs=0\n");
	const char	*out, *s;
	pid_t		 pid;
	size_t		 len;
	long long	 deadline;

	ck_assert(th_wait_log(h, "success: talk entered RUNNING", 5000));
	deadline = th_now_ms() + 5000;
	while (((s = th_read(h, "talk.err", &len)) == NULL || len < 5) &&
	    th_now_ms() < deadline)
		usleep(10000);
	ck_assert_int_eq(ctl(h, &out, "tail", "talk", NULL), 0);
	ck_assert_str_eq(out, "hello\n\n");
	ck_assert_int_eq(ctl(h, &out, "tail", "talk", "stderr", NULL), 0);
	ck_assert_str_eq(out, "oops\n\n");
	ck_assert_int_eq(ctl(h, &out, "tail", "-3", "talk", NULL), 0);
	ck_assert_str_eq(out, "lo\n\n");
	ck_assert_int_eq(ctl(h, &out, "tail", "nope", NULL), 1);
	ck_assert_str_eq(out, "nope: ERROR (no such process name)\n");
	ck_assert_int_eq(ctl(h, &out, "tail", "quiet", NULL), 1);
	ck_assert_str_eq(out, "quiet: ERROR (no log file)\n");
	ck_assert_int_eq(ctl(h, &out, "tail", "-x", "talk", NULL), 1);
	ck_assert_str_eq(out, "Error: bad argument -x\n");
	ck_assert_int_eq(ctl(h, &out, "tail", "talk", "stdlog", NULL), 1);
	ck_assert_str_eq(out, "Error: bad channel 'stdlog'\n");

	ck_assert_int_eq(ctl(h, &out, "clear", "talk", NULL), 0);
	ck_assert_str_eq(out, "talk: cleared\n");
	s = th_read(h, "talk.out", &len);
	ck_assert(s != NULL && len == 0);
	ck_assert_int_eq(ctl(h, &out, "clear", "nope", NULL), 1);
	ck_assert_str_eq(out, "nope: ERROR (no such process)\n");

	ck_assert_int_eq(ctl(h, &out, "maintail", NULL), 0);
	ck_assert_msg(strstr(out, "success: talk entered RUNNING") != NULL,
	    "%s", out);
	ck_assert_int_eq(ctl(h, &out, "maintail", "x", NULL), 1);
	ck_assert_str_eq(out, "Error: bad argument x\n");

	/* tail -f: the header, then what the program writes later. */
	pid = ctl_spawn(h, "follow.out", (char *[]){ "tail", "-f", "talk",
	    NULL });
	ck_assert_int_eq(ctl(h, &out, "signal", "TERM", "talk", NULL), 0);
	deadline = th_now_ms() + 5000;
	while (th_log_count(h, "spawned: 'talk'") < 2 &&
	    th_now_ms() < deadline)
		usleep(10000);
	deadline = th_now_ms() + 5000;
	while (((s = th_read(h, "follow.out", NULL)) == NULL ||
	    strstr(s, "hello") == NULL) && th_now_ms() < deadline)
		usleep(10000);
	ck_assert_msg(s != NULL && strncmp(s, "==> Press Ctrl-C to exit "
	    "<==\n", 28) == 0 && strstr(s, "hello") != NULL, "%s",
	    s != NULL ? s : "(none)");
	kill(pid, SIGINT);
	ck_assert_int_eq(th_exit_code(ctl_wait(pid, 5000)), 0);
	ck_assert_int_gt(th_pid(h), 0);
	th_free(h);
}
END_TEST

START_TEST(test_update_add_remove)
{
	struct th	*h = start_daemon(__func__,
	    "[program:keep]\n"
	    "command=sleep 1000\n"
	    "startsecs=0\n\n"
	    "[program:pol]\n"
	    "command=sleep 1000\n"
	    "startsecs=0\n\n"
	    "[program:gone]\n"
	    "command=sleep 1000\n"
	    "startsecs=0\n");
	const char	*out;
	char		*body;
	pid_t		 keep, pol;

	ck_assert(th_wait_log(h, "success: gone entered RUNNING", 5000));
	keep = th_spawned_pid(h, "keep", 0);
	pol = th_spawned_pid(h, "pol", 0);
	ck_assert_int_eq(ctl(h, &out, "reread", NULL), 0);
	ck_assert_str_eq(out, "No config updates to processes\n");
	ck_assert_int_eq(ctl(h, &out, "avail", NULL), 0);
	ck_assert_msg(strstr(out, "keep                             in use    "
	    "auto      999:999\n") != NULL, "%s", out);

	ck_assert(asprintf(&body, "%s%s", base_conf,
	    "[program:keep]\n"
	    "command=sleep 1000\n"
	    "startsecs=0\n\n"
	    "[program:pol]\n"
	    "command=sleep 1000\n"
	    "startsecs=0\n"
	    "startretries=9\n\n"
	    "[program:new]\n"
	    "command=sleep 1000\n"
	    "startsecs=0\n") != -1);
	th_conf(h, body);
	free(body);
	ck_assert_int_eq(ctl(h, &out, "reread", NULL), 0);
	ck_assert_str_eq(out, "gone: disappeared\nnew: available\n"
	    "pol: changed\n");
	ck_assert_int_eq(ctl(h, &out, "avail", NULL), 0);
	ck_assert_msg(strstr(out, "new                              avail     "
	    "auto      999:999\n") != NULL, "%s", out);
	ck_assert_int_eq(ctl(h, &out, "update", "nosuch", NULL), 1);
	ck_assert_str_eq(out, "ERROR: no such group: nosuch\n");
	ck_assert_int_eq(ctl(h, &out, "update", NULL), 0);
	ck_assert_str_eq(out, "gone: stopped\ngone: removed process group\n"
	    "pol: updated process group\nnew: added process group\n");
	ck_assert(th_wait_log(h, "success: new entered RUNNING", 5000));
	ck_assert(th_wait_log(h, "removed process 'gone'", 5000));
	/* Policy only: same pid; unchanged: same pid. */
	ck_assert_int_eq(th_spawned_pid(h, "pol", -1), pol);
	ck_assert_int_eq(th_spawned_pid(h, "keep", -1), keep);
	ck_assert(th_alive(h, pol) && th_alive(h, keep));

	ck_assert_int_eq(ctl(h, &out, "remove", "new", NULL), 1);
	ck_assert_str_eq(out, "ERROR: process/group still running: new\n");
	ck_assert_int_eq(ctl(h, &out, "stop", "new", NULL), 0);
	ck_assert_int_eq(ctl(h, &out, "remove", "new", NULL), 0);
	ck_assert_str_eq(out, "new: removed process group\n");
	ck_assert_int_eq(ctl(h, &out, "remove", "new", NULL), 1);
	ck_assert_str_eq(out, "ERROR: no such process/group: new\n");
	ck_assert_int_eq(ctl(h, &out, "add", "new", NULL), 0);
	ck_assert_str_eq(out, "new: added process group\n");
	ck_assert_int_eq(ctl(h, &out, "add", "new", NULL), 0);
	ck_assert_str_eq(out, "ERROR: process group already active\n");
	ck_assert_int_eq(ctl(h, &out, "add", "nosuch", NULL), 1);
	ck_assert_str_eq(out, "ERROR: no such process/group: nosuch\n");

	/* reload: supervisor's meaning, every process again. */
	ck_assert_int_eq(ctl(h, &out, "reload", NULL), 0);
	ck_assert_str_eq(out, "Restarted supervisord\n");
	ck_assert(th_wait_log_n(h, "spawned: 'keep'", 2, 5000));
	ck_assert(th_wait_log_n(h, "spawned: 'pol'", 2, 5000));
	ck_assert_int_ne(th_spawned_pid(h, "keep", -1), keep);

	/* A bad file: the reasons, exit 1, nothing changes. */
	ck_assert(asprintf(&body, "%s[program:x]\nstartsecs=ten\n",
	    base_conf) != -1);
	th_conf(h, body);
	free(body);
	ck_assert_int_eq(ctl(h, &out, "update", NULL), 1);
	ck_assert_msg(strncmp(out, "ERROR: ", 7) == 0, "%s", out);
	ck_assert_int_eq(ctl(h, &out, "reread", NULL), 1);
	th_free(h);
}
END_TEST

START_TEST(test_shutdown_and_no_daemon)
{
	struct th	*h = start_daemon(__func__, two_programs);
	const char	*out;
	char		 want[1024];

	ck_assert_int_eq(ctl(h, &out, "shutdown", NULL), 0);
	ck_assert_str_eq(out, "Shut down\n");
	ck_assert(th_exited_ok(th_wait_exit(h, 10000)));
	ck_assert(!sock_exists(h, NULL));
	snprintf(want, sizeof(want), "unix://%s no such file\n",
	    th_path(h, "sock"));
	ck_assert_int_eq(ctl(h, &out, "status", NULL), 4);
	ck_assert_str_eq(out, want);
	ck_assert_int_eq(ctl(h, &out, "start", "web", NULL), 7);
	ck_assert_str_eq(out, want);
	ck_assert_int_eq(ctl(h, &out, "shutdown", NULL), 1);
	snprintf(want, sizeof(want), "ERROR: unix://%s no such file (already "
	    "shut down?)\n", th_path(h, "sock"));
	ck_assert_str_eq(out, want);
	th_free(h);
}
END_TEST

START_TEST(test_socket_mode_and_owner)
{
	struct th	*h = th_new();
	struct stat	 st;
	struct passwd	*pw;
	char		*body;
	bool		 root = getuid() == 0;

	pw = root ? getpwnam("nobody") : getpwuid(getuid());
	ck_assert(pw != NULL);
	ck_assert(asprintf(&body,
	    "[unix_http_server]\nfile=@DIR@/sock\nchmod=0760\nchown=%s\n\n"
	    RPCINTERFACE
	    "[program:a]\ncommand=sleep 1000\n", pw->pw_name) != -1);
	th_conf(h, body);
	free(body);
	th_start_conf(h);
	ck_assert(th_wait(h, sock_exists, NULL, 5000));
	ck_assert_int_eq(lstat(th_path(h, "sock"), &st), 0);
	ck_assert(S_ISSOCK(st.st_mode));
	ck_assert_int_eq(st.st_mode & 07777, 0760);
	ck_assert_int_eq(st.st_uid, pw->pw_uid);
	ck_assert_int_eq(st.st_gid, pw->pw_gid);
	ck_assert(th_exited_ok(th_stop(h)));
	ck_assert(!sock_exists(h, NULL));
	th_free(h);
}
END_TEST

/*
 * Connect to path as uid: 0 on success, the errno of connect, or 200 if
 * the path can't even be seen (the directories, not the socket, refuse).
 */
static int
connect_as(const char *path, uid_t uid, gid_t gid)
{
	struct sockaddr_un sun;
	struct stat	 st;
	pid_t		 pid;
	int		 status, fd;

	if ((pid = fork()) == 0) {
		if (setgroups(0, NULL) == -1 || setgid(gid) == -1 ||
		    setuid(uid) == -1)
			_exit(100);
		if (stat(path, &st) == -1)
			_exit(200);
		memset(&sun, 0, sizeof(sun));
		sun.sun_family = AF_UNIX;
		snprintf(sun.sun_path, sizeof(sun.sun_path), "%s", path);
		fd = socket(AF_UNIX, SOCK_STREAM, 0);
		if (connect(fd, (struct sockaddr *)&sun, sizeof(sun)) == 0)
			_exit(0);
		_exit(errno);
	}
	waitpid(pid, &status, 0);
	return WEXITSTATUS(status);
}

START_TEST(test_other_uid_refused)
{
	struct th	*h;
	struct passwd	*pw;
	struct stat	 st;
	char		 root[4096], *slash;

	if (getuid() != 0) {
		th_skip("root", "connecting as another user needs root");
		return;
	}
	ck_assert((pw = getpwnam("nobody")) != NULL);
	h = start_daemon(__func__, "[program:a]\ncommand=sleep 1000\n");
	/* Let nobody through the directories, so only the socket decides. */
	ck_assert(realpath(th_dir(h), root) != NULL);
	ck_assert((slash = strrchr(root, '/')) != NULL);
	*slash = '\0';
	ck_assert_int_eq(stat(root, &st), 0);
	ck_assert_int_eq(chmod(root, 0711), 0);
	ck_assert_int_eq(chmod(th_dir(h), 0711), 0);
	ck_assert_int_eq(connect_as(th_path(h, "sock"), pw->pw_uid,
	    pw->pw_gid), EACCES);
	ck_assert_int_eq(connect_as(th_path(h, "sock"), 0, 0), 0);
	/* The control: with the socket open to all, nobody gets in. */
	ck_assert_int_eq(chmod(th_path(h, "sock"), 0777), 0);
	ck_assert_int_eq(connect_as(th_path(h, "sock"), pw->pw_uid,
	    pw->pw_gid), 0);
	ck_assert_int_eq(chmod(root, st.st_mode & 07777), 0);
	ck_assert_int_gt(th_pid(h), 0);
	th_free(h);
}
END_TEST

START_TEST(test_stale_and_live_socket)
{
	struct th	*h = th_new();
	struct sockaddr_un sun;
	const char	*out;
	char		*body;
	int		 fd, status;

	/* A socket nobody listens on, as a crashed daemon leaves it. */
	ck_assert(asprintf(&body, "%s[program:a]\ncommand=sleep 1000\n"
	    "startsecs=0\n", base_conf) != -1);
	th_conf(h, body);
	free(body);
	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	snprintf(sun.sun_path, sizeof(sun.sun_path), "%s",
	    th_path(h, "sock"));
	fd = socket(AF_UNIX, SOCK_STREAM, 0);
	ck_assert_int_eq(bind(fd, (struct sockaddr *)&sun, sizeof(sun)), 0);
	close(fd);
	th_start_conf(h);
	ck_assert(th_wait_log(h, "success: a entered RUNNING", 5000));
	ck_assert_int_eq(ctl(h, &out, "status", NULL), 0);

	/* A second daemon on the same socket (with a pidfile of its own,
	 * which the first has not locked) refuses to start. */
	status = th_run(h, 10000, "-n", "-c", th_path(h, "supervisord.conf"),
	    "-l", th_path(h, "second.log"), "-j", th_path(h, "second.pid"),
	    NULL);
	ck_assert_int_eq(th_exit_code(status), 2);
	ck_assert(strstr(th_read(h, "stderr", NULL), "Another program is "
	    "already listening") != NULL);
	/* And left the first one's socket alone. */
	ck_assert_int_eq(ctl(h, &out, "status", NULL), 0);
	th_free(h);
}
END_TEST

START_TEST(test_auth)
{
	struct th	*h = th_new();
	const char	*out;
	char		 url[1024], want[1100];

	th_conf(h,
	    "[unix_http_server]\nfile=@DIR@/sock\nusername=admin\n"
	    "password=s3 cret%%\n\n"
	    "[supervisorctl]\nserverurl=unix://@DIR@/sock\nusername=admin\n"
	    "password=s3 cret%%\n\n"
	    RPCINTERFACE
	    "[program:a]\ncommand=sleep 1000\nstartsecs=0\n");
	th_start_conf(h);
	ck_assert(th_wait(h, sock_exists, NULL, 5000));
	ck_assert(th_wait_log(h, "success: a entered RUNNING", 5000));
	/* [supervisorctl]'s credentials, then -u and -p. */
	ck_assert_int_eq(ctl(h, &out, "status", "a", NULL), 0);
	ck_assert_int_eq(ctl(h, &out, "-u", "admin", "-p", "wrong", "status",
	    NULL), 1);
	/* supervisorctl 4.2.5's words, its error line included. */
	ck_assert_msg(strncmp(out, "Server requires authentication\n"
	    "error: <class 'xmlrpc.client.ProtocolError'>, <ProtocolError "
	    "for 127.0.0.1/RPC2: 401 Unauthorized>", 129) == 0, "%s", out);
	ck_assert_int_eq(ctl(h, &out, "-u", "admin", "-p", "s3 cret%",
	    "status", "a", NULL), 0);
	/* As supervisorctl: a socket that is not there. */
	snprintf(url, sizeof(url), "unix://%s", th_path(h, "nosock"));
	ck_assert_int_eq(ctl(h, &out, "-s", url, "status", NULL), 4);
	snprintf(want, sizeof(want), "%s no such file\n", url);
	ck_assert_str_eq(out, want);
	th_free(h);
}
END_TEST

START_TEST(test_child_serverurl)
{
	struct th	*h = start_daemon(__func__,
	    "[program:env]\n"
	    "command=/bin/sh -c 'echo \"url=$SUPERVISOR_SERVER_URL\"; "
	    "exec sleep 1000'\n"
	    "stdout_logfile=@DIR@/env.out\n"
	    "startsecs=0\n");
	const char	*s;
	char		 want[1024];
	long long	 deadline = th_now_ms() + 5000;

	snprintf(want, sizeof(want), "url=unix://%s\n", th_path(h, "sock"));
	while (((s = th_read(h, "env.out", NULL)) == NULL || *s == '\0') &&
	    th_now_ms() < deadline)
		usleep(10000);
	ck_assert_msg(s != NULL && strcmp(s, want) == 0, "%s", s);
	th_free(h);
}
END_TEST

START_TEST(test_sigusr1_dump)
{
	struct th	*h = start_daemon(__func__, two_programs);
	char		 want[128];

	/* All three up, or the counts below may catch one STARTING. */
	ck_assert(th_wait_log_n(h, "entered RUNNING", 3, 5000));
	ck_assert_int_eq(th_signal(h, SIGUSR1), 0);
	snprintf(want, sizeof(want), "status: supervisord pid %d, uptime ",
	    (int)th_pid(h));
	ck_assert(th_wait_log(h, want, 5000));
	ck_assert(th_wait_log(h, "(restarts 0)", 5000));
	ck_assert(th_log_count(h, ": 3 STOPPED, 3 RUNNING") == 1);
	th_free(h);
}
END_TEST

/*
 * At the descriptor limit a program waits, STOPPED "waiting for a
 * descriptor", as no failed try, and starts once descriptors are freed;
 * a stop ends its wait.
 */
START_TEST(test_fd_limit_waits_for_a_descriptor)
{
	struct rlimit	 rl = { 120, 120 };
	struct th	*h;
	const char	*out, *p;
	int		 waiting = 0, running = 0;

	/* Check forks each test: the limit is this test's and the daemon's. */
	ck_assert_int_eq(setrlimit(RLIMIT_NOFILE, &rl), 0);
	h = th_new_named("fd_limit");
	th_conf(h, "[unix_http_server]\nfile=@DIR@/sock\n\n"
	    "[supervisorctl]\nserverurl=unix://@DIR@/sock\n\n" RPCINTERFACE
	    "[program:cat]\ncommand=cat\n"
	    "numprocs=40\nprocess_name=%(program_name)s_%(process_num)02d\n"
	    "startsecs=0\nstartretries=0\nautorestart=false\n"
	    "stdout_logfile=NONE\nstderr_logfile=NONE\n");
	/* minfds=1: supervisor's 1024 is above this hard limit. */
	th_start(h, "-n", "-c", th_path(h, "supervisord.conf"), "--minfds",
	    "1", NULL);
	ck_assert(th_wait(h, sock_exists, NULL, 5000));
	ck_assert(th_wait_log(h, "wait for a descriptor", 10000));
	ck_assert(th_wait_log(h, "the limit of 120 descriptors "
	    "(RLIMIT_NOFILE) holds ", 1000));
	ck_assert_int_eq(ctl(h, &out, "status", NULL), 3);
	for (p = out; (p = strstr(p, "STOPPED   waiting for a descriptor"))
	    != NULL; p++)
		waiting++;
	for (p = out; (p = strstr(p, "RUNNING")) != NULL; p++)
		running++;
	ck_assert_msg(waiting > 0 && running > 0 && waiting + running == 40,
	    "%d waiting, %d running:\n%s", waiting, running, out);
	/* No try counted: nothing in BACKOFF or FATAL, no spawn error. */
	ck_assert_int_eq(th_log_count(h, "gave up"), 0);
	ck_assert_int_eq(th_log_count(h, "spawnerr"), 0);
	ck_assert_ptr_null(strstr(out, "FATAL"));
	/* The last one waiting stops: it will not start. */
	ck_assert_int_eq(ctl(h, &out, "stop", "cat:cat_39", NULL), 0);
	ck_assert_ptr_nonnull(strstr(out, "cat:cat_39: stopped"));
	/* Free enough: every other waiter starts. */
	ck_assert_int_eq(ctl(h, &out, "stop", "cat:cat_00", "cat:cat_01",
	    "cat:cat_02", "cat:cat_03", "cat:cat_04", "cat:cat_05",
	    "cat:cat_06", "cat:cat_07", "cat:cat_08", "cat:cat_09",
	    "cat:cat_10", "cat:cat_11", "cat:cat_12", "cat:cat_13", NULL), 0);
	ck_assert(th_wait_log(h, "descriptors free again", 10000));
	ck_assert_int_eq(ctl(h, &out, "status", NULL), 3);
	ck_assert_ptr_null(strstr(out, "waiting for a descriptor"));
	ck_assert_ptr_nonnull(strstr(out, "cat:cat_38                       "
	    "RUNNING"));
	ck_assert_ptr_nonnull(strstr(out, "cat:cat_39                       "
	    "STOPPED   Not started"));
	ck_assert(th_exited_ok(th_stop_ms(h, 20000)));
	th_free(h);
}
END_TEST

/*
 * --json's fields, as supervisorctl(1) documents them, in their order,
 * with one letter a field for its JSON type: i a number, s a string, b
 * true or false, l an array of numbers, u a number or a string.
 */
#define INFO_KEYS	"name,group,description,start,stop,now,state," \
	"statename,spawnerr,exitstatus,logfile,stdout_logfile," \
	"stderr_logfile,pid"
#define INFO_TYPES	"sssiiiississsi"
#define CONFIG_KEYS	"name,group,inuse,autostart,process_prio," \
	"group_prio,directory,uid,command,exitcodes,killasgroup," \
	"redirect_stderr,startretries,startsecs,stdout_capture_maxbytes," \
	"stdout_events_enabled,stdout_logfile,stdout_logfile_backups," \
	"stdout_logfile_maxbytes,stdout_syslog,stopsignal,stopwaitsecs," \
	"stderr_capture_maxbytes,stderr_events_enabled,stderr_logfile," \
	"stderr_logfile_backups,stderr_logfile_maxbytes,stderr_syslog," \
	"serverurl"
#define CONFIG_TYPES	"ssbbii" "suslbb" "ii" "ibsiib" "ii" "ibsiib" "s"

/*
 * Read DIR/rel with Python's json module: it must be an array of objects
 * whose keys are keys (comma-separated), exactly and in that order, typed
 * as types says.  Returns, of each object, the members named in show
 * joined with '|' (Python's str() of each), one line an object (owned by
 * h); fails with Python's words otherwise.
 */
static const char *
json_check(struct th *h, const char *rel, const char *keys,
    const char *types, const char *show)
{
	static const char prog[] =
	    "import json, sys\n"
	    "path, keys, types, show = sys.argv[1:5]\n"
	    "keys = keys.split(','); show = show.split(',')\n"
	    "assert len(keys) == len(types), 'the test: keys and types'\n"
	    "ok = {'i': lambda v: type(v) is int,\n"
	    "      's': lambda v: type(v) is str,\n"
	    "      'b': lambda v: type(v) is bool,\n"
	    "      'l': lambda v: type(v) is list and\n"
	    "           all(type(x) is int for x in v),\n"
	    "      'u': lambda v: type(v) in (int, str)}\n"
	    "with open(path, encoding='utf-8') as f:\n"
	    "    a = json.load(f)\n"
	    "assert type(a) is list, 'not an array: %r' % (a,)\n"
	    "for o in a:\n"
	    "    assert type(o) is dict and list(o) == keys, "
	    "'keys: %r' % (list(o),)\n"
	    "    for k, t in zip(keys, types):\n"
	    "        assert ok[t](o[k]), '%s: %r' % (k, o[k])\n"
	    "    print('|'.join(str(o[k]) for k in show))\n";
	char	 path[4096];
	pid_t	 pid;
	int	 out, err, status;

	snprintf(path, sizeof(path), "%s", th_path(h, rel));
	out = open(th_path(h, "py.out"), O_WRONLY | O_CREAT | O_TRUNC |
	    O_CLOEXEC, 0644);
	err = open(th_path(h, "py.err"), O_WRONLY | O_CREAT | O_TRUNC |
	    O_CLOEXEC, 0644);
	ck_assert(out != -1 && err != -1);
	if ((pid = fork()) == 0) {
		dup2(out, 1);
		dup2(err, 2);
		execl("/usr/bin/python3", "python3", "-X", "utf8", "-c", prog,
		    path, keys, types, show, (char *)NULL);
		_exit(127);
	}
	close(out);
	close(err);
	ck_assert_int_gt(pid, 0);
	status = ctl_wait(pid, 15000);
	ck_assert_msg(status != -1, "python3 timed out");
	ck_assert_msg(th_exit_code(status) == 0, "python3 on %s:\n%s\n%s",
	    rel, th_read(h, rel, NULL), th_read(h, "py.err", NULL));
	return th_read(h, "py.out", NULL);
}

/*
 * status --json: every process as one JSON array of getProcessInfo's
 * fields, typed, in their order, a spawn error's quote, backslash, tab
 * and UTF-8 through a real parser; the names select as status does and
 * the exit statuses are status's, an unknown name on stderr.
 */
START_TEST(test_status_json)
{
	struct th	*h = start_daemon("status_json",
	    "[program:run]\ncommand=sleep 1000\nstartsecs=0\n\n"
	    "[program:ex]\ncommand=sh -c 'exit 3'\nstartsecs=0\n"
	    "autorestart=false\n\n"
	    "[program:fat]\ncommand=\"/nonexistent/a\\\"b\\\\c\td\xc3\xa9\"\n"
	    "startretries=0\n\n"
	    "[program:idle]\ncommand=sleep 1000\nautostart=false\n\n"
	    "[program:wk]\ncommand=sleep 1000\nnumprocs=2\n"
	    "process_name=%(program_name)s_%(process_num)02d\nstartsecs=0\n");
	const char	*out, *err, *show = "group,name,statename,state,pid,"
	    "exitstatus,spawnerr";
	char		 want[1024];

	ck_assert(th_wait_log(h, "success: run entered RUNNING", 5000));
	ck_assert(th_wait_log(h, "success: wk_00 entered RUNNING", 5000));
	ck_assert(th_wait_log(h, "success: wk_01 entered RUNNING", 5000));
	ck_assert(th_wait_log(h, "exited: ex (exit status 3", 5000));
	ck_assert(th_wait_log(h, "gave up: fat entered FATAL", 5000));

	ck_assert_int_eq(ctl_sep(h, &out, &err, "status", "--json",
	    (char *)NULL), 3);
	ck_assert_str_eq(err, "");
	ck_assert_msg(strncmp(out, "[\n{\"name\": \"ex\", ", 17) == 0 &&
	    strcmp(out + strlen(out) - 4, "}\n]\n") == 0, "%s", out);
	snprintf(want, sizeof(want),
	    "ex|ex|EXITED|100|0|3|Bad exit code 3\n"
	    "fat|fat|FATAL|200|0|0|can't find command "
	    "'/nonexistent/a\"b\\c\td\xc3\xa9'\n"
	    "idle|idle|STOPPED|0|0|0|\n"
	    "run|run|RUNNING|20|%d|0|\n"
	    "wk|wk_00|RUNNING|20|%d|0|\n"
	    "wk|wk_01|RUNNING|20|%d|0|\n",
	    (int)th_spawned_pid(h, "run", 0),
	    (int)th_spawned_pid(h, "wk_00", 0),
	    (int)th_spawned_pid(h, "wk_01", 0));
	ck_assert_str_eq(json_check(h, "ctl.out", INFO_KEYS, INFO_TYPES,
	    show), want);
	/* The description is status's own. */
	snprintf(want, sizeof(want), "\npid %d, uptime 0:00:",
	    (int)th_spawned_pid(h, "run", 0));
	ck_assert_ptr_nonnull(strstr(json_check(h, "ctl.out", INFO_KEYS,
	    INFO_TYPES, "description"), want));

	/* A name and a group, in any place beside --json: all running. */
	ck_assert_int_eq(ctl_sep(h, &out, &err, "status", "wk:*", "--json",
	    "run", (char *)NULL), 0);
	ck_assert_str_eq(err, "");
	snprintf(want, sizeof(want), "wk_00|%d\nwk_01|%d\nrun|%d\n",
	    (int)th_spawned_pid(h, "wk_00", 0),
	    (int)th_spawned_pid(h, "wk_01", 0),
	    (int)th_spawned_pid(h, "run", 0));
	ck_assert_str_eq(json_check(h, "ctl.out", INFO_KEYS, INFO_TYPES,
	    "name,pid"), want);

	/* An unknown name: status's words on stderr, the rest still shown,
	 * exit 4; nothing matched at all: an empty array. */
	ck_assert_int_eq(ctl_sep(h, &out, &err, "status", "nope", "--json",
	    "run", (char *)NULL), 4);
	ck_assert_str_eq(err, "nope: ERROR (no such process)\n");
	ck_assert_str_eq(json_check(h, "ctl.out", INFO_KEYS, INFO_TYPES,
	    "name"), "run\n");
	ck_assert_int_eq(ctl_sep(h, &out, &err, "status", "--json", "x:*",
	    (char *)NULL), 4);
	ck_assert_str_eq(out, "[]\n");
	ck_assert_str_eq(err, "x: ERROR (no such group)\n");

	/* Without --json, status is unchanged; help says --json. */
	ck_assert_int_eq(ctl_sep(h, &out, &err, "status", "idle",
	    (char *)NULL), 3);
	ck_assert_str_eq(out, sline(want, sizeof(want), "idle", "STOPPED",
	    "Not started"));
	ck_assert_int_eq(ctl(h, &out, "help", "status", (char *)NULL), 0);
	ck_assert_str_eq(out,
	    "status <name>\t\tGet status for a single process\n"
	    "status <gname>:*\tGet status for all processes in a group\n"
	    "status <name> <name>\tGet status for multiple named processes\n"
	    "status\t\t\tGet all process status info\n"
	    "status --json ...\tThe same as a JSON array of getProcessInfo "
	    "structs\n");
	ck_assert(th_exited_ok(th_stop(h)));
	th_free(h);
}
END_TEST

/*
 * avail --json: getAllConfigInfo's struct, typed, avail's fields first,
 * a group's priority apart from its program's; avail with another
 * argument keeps supervisorctl's error and help.
 */
START_TEST(test_avail_json)
{
	struct th	*h = start_daemon("avail_json",
	    "[program:a]\ncommand=sleep 1000\nstartsecs=0\npriority=5\n\n"
	    "[program:m]\ncommand=sleep 1000\nautostart=false\n"
	    "exitcodes=0,2\n\n"
	    "[program:w]\ncommand=sleep 1000\nstartsecs=0\n\n"
	    "[group:g]\nprograms=w\npriority=7\n");
	const char	*out, *err;

	ck_assert(th_wait_log(h, "success: a entered RUNNING", 5000));
	ck_assert_int_eq(ctl_sep(h, &out, &err, "avail", "--json",
	    (char *)NULL), 0);
	ck_assert_str_eq(err, "");
	ck_assert_str_eq(json_check(h, "ctl.out", CONFIG_KEYS, CONFIG_TYPES,
	    "name,group,inuse,autostart,process_prio,group_prio,exitcodes"),
	    "a|a|True|True|5|5|[0]\n"
	    "m|m|True|False|999|999|[0, 2]\n"
	    "w|g|True|True|999|7|[0]\n");
	ck_assert_int_eq(ctl(h, &out, "avail", "--json", "x", (char *)NULL),
	    1);
	ck_assert_str_eq(out, "Error: avail accepts no arguments\n"
	    "avail\t\t\tDisplay all configured processes\n");
	ck_assert(th_exited_ok(th_stop(h)));
	th_free(h);
}
END_TEST

Suite *
ctl_suite(void)
{
	Suite	*s = suite_create("ctl");
	TCase	*tc = th_tcase("ctl", 60);

	tcase_add_test(tc, test_status);
	tcase_add_test(tc, test_start_stop_restart);
	tcase_add_test(tc, test_stop_of_essential_does_not_end_the_daemon);
	tcase_add_test(tc, test_ready_notify);
	tcase_add_test(tc, test_stop_cancels_a_waiting_start);
	tcase_add_test(tc, test_rolling_restart);
	tcase_add_test(tc, test_removed_dependency_stops_when_dependent_is_kept);
	tcase_add_test(tc, test_start_finds_command_in_environment_file_path);
	tcase_add_test(tc, test_pid_signal_version);
	tcase_add_test(tc, test_tail_clear_maintail);
	tcase_add_test(tc, test_update_add_remove);
	tcase_add_test(tc, test_shutdown_and_no_daemon);
	tcase_add_test(tc, test_socket_mode_and_owner);
	tcase_add_test(tc, test_other_uid_refused);
	tcase_add_test(tc, test_stale_and_live_socket);
	tcase_add_test(tc, test_auth);
	tcase_add_test(tc, test_child_serverurl);
	tcase_add_test(tc, test_sigusr1_dump);
	tcase_add_test(tc, test_fd_limit_waits_for_a_descriptor);
	tcase_add_test(tc, test_status_json);
	tcase_add_test(tc, test_avail_json);
	suite_add_tcase(s, tc);
	return s;
}
