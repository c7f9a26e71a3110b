/*
 * harness: start the real supervisord, wait for its log, look at /proc,
 * and clean up after it, even after a failed test.  See harness.h.
 *
 * Bookkeeping that cleanup needs lives in the test directory itself, in
 * ".th-info" (one "KEY VALUE" line per fact: the test's start time in
 * clock ticks, daemon pids, log paths, tracked pids), because after a
 * failed assertion the forked test process is gone and only the runner
 * process, running th_fixture_teardown(), is left to read it.
 */
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <check.h>

#include "tests/harness.h"

#define TH_MAXARGS	64
#define TH_MAXPIDS	4096

struct th {
	char		 dir[2048];	/* the test's directory, or alias */
	char		 real[2048];	/* where it is, under $TMPDIR */
	char		 alias[64];	/* a short name's directory, or "" */
	char		 name[128];
	char		 log[PATH_MAX];
	unsigned long long t0;		/* test start, clock ticks since boot */
	pid_t		 pid;		/* the running daemon, 0 if none */
	char		**garbage;	/* handed out; th_free frees them */
	size_t		 ngarbage;
};

static void	 keep(struct th *, char *);
static char	*xstrdup(const char *);
static char	*vfmt(const char *, va_list)
		    __attribute__((format(printf, 1, 0)));
static char	*fmt(const char *, ...) __attribute__((format(printf, 1, 2)));
static char	*slurp(const char *, size_t *);
static void	 info_add(const char *, const char *, long long);
static void	 info_addstr(const char *, const char *, const char *);
static unsigned long long proc_start(pid_t);
static bool	 proc_stat(pid_t, char *, pid_t *, pid_t *, pid_t *,
		    unsigned long long *);
static void	 cleanup(const char *, bool);
static void	 dump_dir(const char *, const char *);
static void	 dump_file(const char *, const char *);
static int	 rm_cb(const char *, const struct stat *, int, struct FTW *);
static void	 rm_tree(const char *);
static void	 drop_alias(const char *);
static int	 collect_pids(const char *, unsigned long long *, pid_t *, int,
		    pid_t *, int *);
static int	 spawned_in(const char *, pid_t *, int, int);
static pid_t	 start_argv(struct th *, const struct th_opts *,
		    char *const []);

static char	 th_root[1024];

long long
th_now_ms(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int
th_free_port(void)
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

static void
sleep_ms(int ms)
{
	struct timespec	 ts;

	ts.tv_sec = ms / 1000;
	ts.tv_nsec = (long)(ms % 1000) * 1000000;
	while (nanosleep(&ts, &ts) == -1 && errno == EINTR)
		;
}

static char *
xstrdup(const char *s)
{
	char	*p;

	if ((p = strdup(s)) == NULL)
		ck_abort_msg("out of memory");
	return p;
}

static char *
vfmt(const char *f, va_list ap)
{
	char	*p;

	if (vasprintf(&p, f, ap) == -1)
		ck_abort_msg("out of memory");
	return p;
}

static char *
fmt(const char *f, ...)
{
	va_list	 ap;
	char	*p;

	va_start(ap, f);
	p = vfmt(f, ap);
	va_end(ap);
	return p;
}

static void
keep(struct th *h, char *s)
{
	char	**g;

	g = realloc(h->garbage, (h->ngarbage + 1) * sizeof(*g));
	if (g == NULL)
		ck_abort_msg("out of memory");
	h->garbage = g;
	h->garbage[h->ngarbage++] = s;
}

/* A whole file, NUL-terminated, malloc'ed; NULL if it cannot be read. */
static char *
slurp(const char *path, size_t *lenp)
{
	char	*buf, *nb;
	size_t	 len = 0, cap = 65536;
	ssize_t	 n;
	int	 fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return NULL;
	if ((buf = malloc(cap + 1)) == NULL) {
		close(fd);
		return NULL;
	}
	for (;;) {
		if (len == cap) {
			cap *= 2;
			if ((nb = realloc(buf, cap + 1)) == NULL) {
				free(buf);
				close(fd);
				return NULL;
			}
			buf = nb;
		}
		n = read(fd, buf + len, cap - len);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		len += (size_t)n;
	}
	close(fd);
	buf[len] = '\0';
	if (lenp != NULL)
		*lenp = len;
	return buf;
}

static void
info_addstr(const char *dir, const char *key, const char *val)
{
	char	 path[PATH_MAX];
	FILE	*f;

	snprintf(path, sizeof(path), "%s/.th-info", dir);
	if ((f = fopen(path, "ae")) == NULL)
		ck_abort_msg("%s: %s", path, strerror(errno));
	fprintf(f, "%s %s\n", key, val);
	fclose(f);
}

static void
info_add(const char *dir, const char *key, long long val)
{
	char	 buf[32];

	snprintf(buf, sizeof(buf), "%lld", val);
	info_addstr(dir, key, buf);
}

/*
 * /proc/PID/stat: state, parent, session and start time (ticks since
 * boot).  The command name may hold spaces and parentheses: parse after
 * the last ')'.
 */
static bool
proc_stat(pid_t pid, char *state, pid_t *ppid, pid_t *pgrp, pid_t *sid,
    unsigned long long *start)
{
	char			 path[64], buf[1024], *p;
	unsigned long long	 st;
	int			 fd, i;
	ssize_t			 n;
	char			 s;
	int			 pp, pg, se;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return false;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return false;
	buf[n] = '\0';
	if ((p = strrchr(buf, ')')) == NULL)
		return false;
	if (sscanf(p + 1, " %c %d %d %d", &s, &pp, &pg, &se) != 4)
		return false;
	/* Field 22 (starttime); p + 1 starts at field 3. */
	for (i = 3; i <= 22; i++) {
		p = strchr(p + 1, ' ');
		if (p == NULL)
			return false;
	}
	st = strtoull(p + 1, NULL, 10);
	if (state != NULL)
		*state = s;
	if (ppid != NULL)
		*ppid = pp;
	if (pgrp != NULL)
		*pgrp = pg;
	if (sid != NULL)
		*sid = se;
	if (start != NULL)
		*start = st;
	return true;
}

static unsigned long long
proc_start(pid_t pid)
{
	unsigned long long	 st;

	if (!proc_stat(pid, NULL, NULL, NULL, NULL, &st))
		return 0;
	return st;
}

char
th_proc_state(pid_t pid, pid_t *ppid)
{
	char	 s;

	if (pid <= 0 || !proc_stat(pid, &s, ppid, NULL, NULL, NULL))
		return 0;
	return s;
}

bool
th_alive(struct th *h, pid_t pid)
{
	char			 s;
	unsigned long long	 st;

	if (pid <= 0 || !proc_stat(pid, &s, NULL, NULL, NULL, &st))
		return false;
	return s != 'Z' && s != 'X' && st >= h->t0;
}

int
th_children(pid_t ppid, pid_t *pids, int max)
{
	DIR		*d;
	struct dirent	*de;
	pid_t		 pid, pp;
	int		 n = 0;

	if ((d = opendir("/proc")) == NULL)
		return 0;
	while ((de = readdir(d)) != NULL) {
		if (!isdigit((unsigned char)de->d_name[0]))
			continue;
		pid = (pid_t)atoi(de->d_name);
		if (!proc_stat(pid, NULL, &pp, NULL, NULL, NULL) || pp != ppid)
			continue;
		if (n < max)
			pids[n] = pid;
		n++;
	}
	closedir(d);
	return n;
}

const char *
th_proc_status(struct th *h, pid_t pid, const char *key)
{
	char	 path[64], *buf, *p, *e, *v;
	size_t	 klen = strlen(key);

	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	if ((buf = slurp(path, NULL)) == NULL)
		return NULL;
	for (p = buf; *p != '\0'; p = e + 1) {
		if ((e = strchr(p, '\n')) == NULL)
			e = p + strlen(p);
		if (strncmp(p, key, klen) == 0 && p[klen] == ':') {
			v = p + klen + 1;
			while (*v == ' ' || *v == '\t')
				v++;
			v = strndup(v, (size_t)(e - v));
			free(buf);
			if (v == NULL)
				ck_abort_msg("out of memory");
			keep(h, v);
			return v;
		}
		if (*e == '\0')
			break;
	}
	free(buf);
	return NULL;
}

struct comm_arg {
	pid_t		 pid;
	const char	*name;
};

static bool
comm_is(struct th *h, void *arg)
{
	struct comm_arg	*c = arg;
	char		 path[64], *buf;
	bool		 ok;

	(void)h;
	snprintf(path, sizeof(path), "/proc/%d/comm", (int)c->pid);
	if ((buf = slurp(path, NULL)) == NULL)
		return false;
	buf[strcspn(buf, "\n")] = '\0';
	ok = strcmp(buf, c->name) == 0;
	free(buf);
	return ok;
}

bool
th_wait_comm(struct th *h, pid_t pid, const char *name, int ms)
{
	struct comm_arg	 c = { pid, name };

	return th_wait(h, comm_is, &c, ms);
}

void
th_fixture_setup(void)
{
	const char	*tmp, *r;

	if ((r = getenv("TH_ROOT")) != NULL) {
		snprintf(th_root, sizeof(th_root), "%s", r);
		mkdir(th_root, 0700);
		return;
	}
	if ((tmp = getenv("TMPDIR")) == NULL || *tmp == '\0')
		tmp = "/tmp";
	snprintf(th_root, sizeof(th_root), "%s/sv-it.XXXXXX", tmp);
	if (mkdtemp(th_root) == NULL) {
		fprintf(stderr, "harness: mkdtemp %s: %s\n", th_root,
		    strerror(errno));
		abort();
	}
	/* Inherited by the forked tests, so they make their dirs here. */
	setenv("TH_ROOT", th_root, 1);
	/*
	 * A daemon whose test died, and programs whose daemon was killed,
	 * are orphans: let them fall to this process (not to a pid 1 that
	 * may never reap), so th_fixture_teardown() can reap them.  Forked
	 * tests do not inherit this.
	 */
	prctl(PR_SET_CHILD_SUBREAPER, 1);
}

void
th_fixture_teardown(void)
{
	DIR		*d;
	struct dirent	*de;
	char		 dir[1536], kept[1536 + 16];
	struct stat	 sb;

	if (th_root[0] == '\0' || (d = opendir(th_root)) == NULL)
		return;
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		snprintf(dir, sizeof(dir), "%s/%s", th_root, de->d_name);
		snprintf(kept, sizeof(kept), "%s/.th-kept", dir);
		if (stat(kept, &sb) == 0)
			continue;
		/* th_free() removes a passing test's directory. */
		fprintf(stderr, "\n=== %s did not finish; its directory is "
		    "kept: %s\n", de->d_name, dir);
		cleanup(dir, true);
		dump_dir(dir, de->d_name);
		close(open(kept, O_WRONLY | O_CREAT | O_CLOEXEC, 0600));
		drop_alias(dir);
	}
	closedir(d);
	/* The orphans cleanup() killed, and dead daemons: see above.  Check
	 * has reaped its test processes by now. */
	while (waitpid(-1, NULL, WNOHANG) > 0)
		;
	rmdir(th_root);		/* only if every test passed */
}

struct th *
th_new_named(const char *test)
{
	struct th	*h;
	char		 name[128], *p;

	if (th_root[0] == '\0')
		th_fixture_setup();
	if ((h = calloc(1, sizeof(*h))) == NULL)
		ck_abort_msg("out of memory");
	snprintf(name, sizeof(name), "%s", test);
	/* START_TEST(x) defines x_fn. */
	if ((p = strstr(name, "_fn")) != NULL && p[3] == '\0')
		*p = '\0';
	snprintf(h->name, sizeof(h->name), "%s", name);
	snprintf(h->dir, sizeof(h->dir), "%s/%s.XXXXXX", th_root, name);
	if (mkdtemp(h->dir) == NULL)
		ck_abort_msg("mkdtemp %s: %s", h->dir, strerror(errno));
	memcpy(h->real, h->dir, sizeof(h->real));
	/*
	 * A unix socket's path has at most 107 bytes: where $TMPDIR is too
	 * long for DIR/some-name.sock, the tests see the directory through a
	 * short symbolic link, /tmp/th.XXXXXX/d (removed by th_free).
	 */
	if (strlen(h->dir) > 107 - 24) {
		snprintf(h->alias, sizeof(h->alias), "/tmp/th.XXXXXX");
		if (mkdtemp(h->alias) == NULL)
			ck_abort_msg("mkdtemp %s: %s", h->alias,
			    strerror(errno));
		/* Only the real directories decide who gets in. */
		chmod(h->alias, 0755);
		snprintf(h->dir, sizeof(h->dir), "%s/d", h->alias);
		if (symlink(h->real, h->dir) == -1)
			ck_abort_msg("symlink %s: %s", h->dir, strerror(errno));
		/* For th_fixture_teardown(), if the test fails. */
		info_addstr(h->real, "alias", h->alias);
	}
	/*
	 * Everything the daemon spawns starts after this process did: a pid
	 * whose start time is earlier has been recycled and is not ours.
	 */
	h->t0 = proc_start(getpid());
	info_add(h->dir, "t0", (long long)h->t0);
	snprintf(h->log, sizeof(h->log), "%s/supervisord.log", h->dir);
	info_addstr(h->dir, "log", h->log);
	return h;
}

void
th_free(struct th *h)
{
	size_t	 i;

	if (h == NULL)
		return;
	if (h->pid > 0)
		(void)th_stop(h);
	cleanup(h->dir, false);
	rm_tree(h->real);
	if (h->alias[0] != '\0') {
		unlink(h->dir);
		rmdir(h->alias);
	}
	for (i = 0; i < h->ngarbage; i++)
		free(h->garbage[i]);
	free(h->garbage);
	free(h);
}

const char *
th_dir(const struct th *h)
{
	return h->dir;
}

const char *
th_path(struct th *h, const char *rel)
{
	char	*p;

	if (rel[0] == '/')
		p = xstrdup(rel);
	else
		p = fmt("%s/%s", h->dir, rel);
	keep(h, p);
	return p;
}

/* text with @DIR@ and @HELPERS@ replaced; malloc'ed. */
static char *
expand(struct th *h, const char *text)
{
	const char	*helpers, *p, *rep;
	char		*out;
	size_t		 len = 0, cap, rl;

	if ((helpers = getenv("TEST_HELPERS")) == NULL)
		helpers = "";
	cap = strlen(text) * 2 + PATH_MAX + 1;
	if ((out = malloc(cap)) == NULL)
		ck_abort_msg("out of memory");
	for (p = text; *p != '\0';) {
		rep = NULL;
		if (strncmp(p, "@DIR@", 5) == 0) {
			rep = h->dir;
			p += 5;
		} else if (strncmp(p, "@HELPERS@", 9) == 0) {
			rep = helpers;
			p += 9;
		}
		rl = rep != NULL ? strlen(rep) : 1;
		if (len + rl + 1 > cap) {
			cap = (len + rl + 1) * 2;
			if ((out = realloc(out, cap)) == NULL)
				ck_abort_msg("out of memory");
		}
		if (rep != NULL)
			memcpy(out + len, rep, rl);
		else
			out[len] = *p++;
		len += rl;
	}
	out[len] = '\0';
	return out;
}

void
th_write(struct th *h, const char *rel, const char *text)
{
	char	*path, *s, *body;
	FILE	*f;

	path = fmt("%s/%s", h->dir, rel);
	/* Make the parent directories. */
	for (s = path + strlen(h->dir) + 1; (s = strchr(s, '/')) != NULL;
	    s++) {
		*s = '\0';
		if (mkdir(path, 0755) == -1 && errno != EEXIST)
			ck_abort_msg("mkdir %s: %s", path, strerror(errno));
		*s = '/';
	}
	body = expand(h, text);
	if ((f = fopen(path, "we")) == NULL)
		ck_abort_msg("%s: %s", path, strerror(errno));
	if (fputs(body, f) == EOF || fclose(f) == EOF)
		ck_abort_msg("write %s: %s", path, strerror(errno));
	free(body);
	free(path);
}

const char *
th_conf(struct th *h, const char *body)
{
	char	*text;

	text = fmt("[supervisord]\n"
	    "logfile=@DIR@/supervisord.log\n"
	    "pidfile=@DIR@/supervisord.pid\n"
	    "childlogdir=@DIR@\n"
	    "\n%s", body);
	th_write(h, "supervisord.conf", text);
	free(text);
	return th_path(h, "supervisord.conf");
}

int
th_file_line(struct th *h, const char *rel, const char *needle)
{
	const char	*buf, *p, *e;
	int		 line = 1;

	if ((buf = th_read(h, rel, NULL)) == NULL)
		return 0;
	for (p = buf; *p != '\0'; p = e + 1, line++) {
		if ((e = strchr(p, '\n')) == NULL)
			e = p + strlen(p);
		if (memmem(p, (size_t)(e - p), needle, strlen(needle)) != NULL)
			return line;
		if (*e == '\0')
			break;
	}
	return 0;
}

static const char *
daemon_path(void)
{
	const char	*d;

	if ((d = getenv("SUPERVISORD")) == NULL)
		ck_abort_msg("SUPERVISORD is not set (run through make)");
	if (access(d, X_OK) == -1)
		ck_abort_msg("%s: %s (not built?)", d, strerror(errno));
	return d;
}

/* Fork and exec argv (argv[0] is the daemon) as start/run describe. */
static pid_t
start_argv(struct th *h, const struct th_opts *o, char *const argv[])
{
	char	 out[PATH_MAX + 8], err[PATH_MAX + 8];
	pid_t	 pid, parent = getpid();
	int	 fd, sig;

	snprintf(out, sizeof(out), "%s/stdout", h->dir);
	snprintf(err, sizeof(err), "%s/stderr", h->dir);
	if ((pid = fork()) == -1)
		ck_abort_msg("fork: %s", strerror(errno));
	if (pid == 0) {
		/*
		 * Own process group: Check's timeout kills the test's group
		 * and must not take the daemon with it before cleanup sees
		 * it; the daemon hears of the test's death by SIGTERM.
		 */
		setpgid(0, 0);
		prctl(PR_SET_PDEATHSIG, SIGTERM);
		if (getppid() != parent)
			_exit(126);
		/* Relative paths in a test mean the test's directory. */
		if (chdir(h->dir) == -1)
			_exit(126);
		if ((fd = open("/dev/null", O_RDONLY)) != -1) {
			dup2(fd, 0);
			close(fd);
		}
		fd = open(out, O_WRONLY | O_CREAT | O_TRUNC, 0644);
		if (fd != -1) {
			dup2(fd, 1);
			close(fd);
		}
		fd = open(err, O_WRONLY | O_CREAT | O_TRUNC, 0644);
		if (fd != -1) {
			dup2(fd, 2);
			close(fd);
		}
		for (sig = 1; sig < NSIG; sig++) {
			if (o != NULL && sigismember(&o->ignore, sig) == 1)
				signal(sig, SIG_IGN);
			else if (sig != SIGKILL && sig != SIGSTOP)
				signal(sig, SIG_DFL);
		}
		if (o != NULL)
			sigprocmask(SIG_SETMASK, &o->block, NULL);
		else {
			sigset_t	 none;

			sigemptyset(&none);
			sigprocmask(SIG_SETMASK, &none, NULL);
		}
		execv(argv[0], argv);
		dprintf(2, "harness: exec %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	setpgid(pid, pid);	/* both sides, so no race */
	info_add(h->dir, "daemon", pid);
	return pid;
}

static void
build_argv(char **argv, va_list ap)
{
	const char	*a;
	int		 n = 1;

	argv[0] = (char *)(uintptr_t)daemon_path();
	while ((a = va_arg(ap, const char *)) != NULL) {
		if (n == TH_MAXARGS - 1)
			ck_abort_msg("too many arguments");
		argv[n++] = (char *)(uintptr_t)a;
	}
	argv[n] = NULL;
}

pid_t
th_start(struct th *h, ...)
{
	char	*argv[TH_MAXARGS];
	va_list	 ap;

	va_start(ap, h);
	build_argv(argv, ap);
	va_end(ap);
	return th_start_opts(h, NULL, argv + 1);
}

pid_t
th_start_conf(struct th *h)
{
	return th_start(h, "-n", "-c", th_path(h, "supervisord.conf"),
	    (char *)NULL);
}

pid_t
th_start_opts(struct th *h, const struct th_opts *o, char *const args[])
{
	char	*argv[TH_MAXARGS];
	int	 n;

	ck_assert_msg(h->pid == 0, "the daemon is already running");
	argv[0] = (char *)(uintptr_t)daemon_path();
	for (n = 0; args[n] != NULL; n++) {
		if (n + 2 >= TH_MAXARGS)
			ck_abort_msg("too many arguments");
		argv[n + 1] = args[n];
	}
	argv[n + 1] = NULL;
	h->pid = start_argv(h, o, argv);
	return h->pid;
}

int
th_wait_child(pid_t pid, int ms)
{
	long long	 end = th_now_ms() + ms;
	int		 status;
	pid_t		 r;

	for (;;) {
		r = waitpid(pid, &status, WNOHANG);
		if (r == pid)
			return status;
		if (r == -1 && errno != EINTR)
			ck_abort_msg("waitpid %d: %s", (int)pid,
			    strerror(errno));
		if (th_now_ms() >= end)
			return -1;
		sleep_ms(10);
	}
}

int
th_run(struct th *h, int ms, ...)
{
	char	*argv[TH_MAXARGS];
	va_list	 ap;
	pid_t	 pid;
	int	 status;

	va_start(ap, ms);
	build_argv(argv, ap);
	va_end(ap);
	pid = start_argv(h, NULL, argv);
	if ((status = th_wait_child(pid, ms)) == -1) {
		kill(pid, SIGKILL);
		(void)th_wait_child(pid, 5000);
		ck_abort_msg("%s did not exit within %d ms", argv[0], ms);
	}
	return status;
}

pid_t
th_pid(const struct th *h)
{
	return h->pid;
}

int
th_signal(struct th *h, int sig)
{
	if (h->pid <= 0)
		return -1;
	return kill(h->pid, sig);
}

int
th_wait_exit(struct th *h, int ms)
{
	int	 status;

	if (h->pid <= 0)
		return -1;
	if ((status = th_wait_child(h->pid, ms)) != -1)
		h->pid = 0;
	return status;
}

int
th_stop_ms(struct th *h, int ms)
{
	int	 status;

	if (h->pid <= 0)
		return -1;
	kill(h->pid, SIGTERM);
	if ((status = th_wait_child(h->pid, ms)) == -1) {
		kill(h->pid, SIGKILL);
		(void)th_wait_child(h->pid, 5000);
	}
	h->pid = 0;
	return status;
}

void
th_set_log(struct th *h, const char *rel)
{
	const char	*path = th_path(h, rel);

	if (strlen(path) >= sizeof(h->log))
		ck_abort_msg("path too long: %s", path);
	memcpy(h->log, path, strlen(path) + 1);
	info_addstr(h->dir, "log", h->log);
}

const char *
th_read(struct th *h, const char *rel, size_t *lenp)
{
	char	*buf;

	if ((buf = slurp(th_path(h, rel), lenp)) == NULL)
		return NULL;
	keep(h, buf);
	return buf;
}

const char *
th_log(struct th *h)
{
	const char	*s;

	s = th_read(h, h->log, NULL);
	return s != NULL ? s : "";
}

/* Call fn for each line of the log containing needle; number of lines. */
static int
log_lines(struct th *h, const char *needle,
    void (*fn)(const char *, size_t, int, void *), void *arg)
{
	char		*buf, *p, *e;
	int		 n = 0;

	if ((buf = slurp(h->log, NULL)) == NULL)
		return 0;
	for (p = buf; *p != '\0'; p = e + 1) {
		if ((e = strchr(p, '\n')) == NULL)
			e = p + strlen(p);
		if (memmem(p, (size_t)(e - p), needle, strlen(needle))
		    != NULL) {
			if (fn != NULL)
				fn(p, (size_t)(e - p), n, arg);
			n++;
		}
		if (*e == '\0')
			break;
	}
	free(buf);
	return n;
}

int
th_log_count(struct th *h, const char *needle)
{
	return log_lines(h, needle, NULL, NULL);
}

struct count_arg {
	const char	*needle;
	int		 n;
};

static bool
count_pred(struct th *h, void *arg)
{
	struct count_arg	*c = arg;

	return th_log_count(h, c->needle) >= c->n;
}

bool
th_wait_log_n(struct th *h, const char *needle, int n, int ms)
{
	struct count_arg	 c = { needle, n };

	return th_wait(h, count_pred, &c, ms);
}

bool
th_wait_log(struct th *h, const char *needle, int ms)
{
	return th_wait_log_n(h, needle, 1, ms);
}

static bool
file_pred(struct th *h, void *arg)
{
	size_t	len;

	return th_read(h, arg, &len) != NULL && len > 0;
}

bool
th_wait_file(struct th *h, const char *rel, int ms)
{
	return th_wait(h, file_pred, (void *)(uintptr_t)rel, ms);
}

bool
th_log_stays_below(struct th *h, const char *needle, int n, int ms)
{
	struct count_arg	 c = { needle, n };

	return !th_wait(h, count_pred, &c, ms);
}

bool
th_wait(struct th *h, bool (*pred)(struct th *, void *), void *arg, int ms)
{
	long long	 end = th_now_ms() + ms;

	for (;;) {
		if (pred(h, arg))
			return true;
		if (th_now_ms() >= end)
			return false;
		sleep_ms(10);
	}
}

struct times_arg {
	double	*t;
	int	 max;
};

static void
times_fn(const char *line, size_t len, int i, void *arg)
{
	struct times_arg	*ta = arg;
	struct tm		 tm;
	int			 ms;
	char			 buf[32];

	if (i >= ta->max)
		return;
	ta->t[i] = -1;
	if (len >= sizeof(buf))
		len = sizeof(buf) - 1;
	memcpy(buf, line, len);
	buf[len] = '\0';
	memset(&tm, 0, sizeof(tm));
	if (sscanf(buf, "%d-%d-%d %d:%d:%d,%d", &tm.tm_year, &tm.tm_mon,
	    &tm.tm_mday, &tm.tm_hour, &tm.tm_min, &tm.tm_sec, &ms) != 7)
		return;
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;
	/* Only differences matter: read as UTC, no DST step inside. */
	ta->t[i] = (double)timegm(&tm) + ms / 1000.0;
}

int
th_log_times(struct th *h, const char *needle, double *t, int max)
{
	struct times_arg	 ta = { t, max };

	return log_lines(h, needle, times_fn, &ta);
}

/* pids of "spawned: 'name' with pid N" lines in the file at path (every
 * program when name is NULL); nth -1 for all, stored in pids. */
static int
spawned_in(const char *path, pid_t *pids, int max, int nth)
{
	char		*buf, *p;
	int		 n = 0, k = 0;
	const char	*key = "' with pid ";

	if ((buf = slurp(path, NULL)) == NULL)
		return 0;
	for (p = buf; (p = strstr(p, "spawned: '")) != NULL; p++) {
		char	*q, *e;

		e = strchr(p, '\n');
		q = strstr(p, key);
		if (q == NULL || (e != NULL && q > e))
			continue;
		if (nth == -1 || k == nth) {
			if (n < max)
				pids[n++] = (pid_t)atoi(q + strlen(key));
		}
		k++;
	}
	free(buf);
	return n;
}

pid_t
th_spawned_pid(struct th *h, const char *name, int nth)
{
	char		*buf, *p, *needle, *e;
	pid_t		 pid = 0;
	int		 k = 0;

	if ((buf = slurp(h->log, NULL)) == NULL)
		return 0;
	needle = fmt("spawned: '%s' with pid ", name);
	for (p = buf; (p = strstr(p, needle)) != NULL; p = e) {
		e = p + strlen(needle);
		if (nth == -1 || k == nth)
			pid = (pid_t)atoi(e);
		if (k == nth)
			break;
		k++;
	}
	free(needle);
	free(buf);
	return pid;
}

void
th_track(struct th *h, pid_t pid)
{
	info_add(h->dir, "pid", pid);
}

pid_t
th_read_pid(struct th *h, const char *rel)
{
	char	*buf;
	pid_t	 pid;

	if ((buf = slurp(th_path(h, rel), NULL)) == NULL)
		return 0;
	pid = (pid_t)atoi(buf);
	free(buf);
	return pid;
}

static bool
pid_line(struct th *h, void *rel)
{
	const char	*s;

	s = th_read(h, rel, NULL);
	return s != NULL && strchr(s, '\n') != NULL && atoi(s) > 0;
}

pid_t
th_wait_pid(struct th *h, const char *rel, int ms)
{
	pid_t	 pid;

	if (!th_wait(h, pid_line, (void *)(uintptr_t)rel, ms))
		return 0;
	pid = th_read_pid(h, rel);
	th_track(h, pid);
	return pid;
}


/* Remove the short alias of the test directory dir, if it has one. */
static void
drop_alias(const char *dir)
{
	char	 path[PATH_MAX + 16], *buf, *p, *e;

	snprintf(path, sizeof(path), "%s/.th-info", dir);
	if ((buf = slurp(path, NULL)) == NULL)
		return;
	for (p = buf; (e = strchr(p, '\n')) != NULL; p = e + 1) {
		*e = '\0';
		if (strncmp(p, "alias /tmp/th.", 14) == 0) {
			snprintf(path, sizeof(path), "%s/d", p + 6);
			unlink(path);
			rmdir(p + 6);
		}
	}
	free(buf);
}
/*
 * Read .th-info: the start time, the daemon pids, and every pid to kill
 * (tracked pids and those of "spawned:" lines in the logs).
 */
static int
collect_pids(const char *dir, unsigned long long *t0, pid_t *daemons,
    int maxd, pid_t *pids, int *npids)
{
	char	 path[PATH_MAX + 16], *buf, *p, *e;
	int	 nd = 0;

	*t0 = ~0ULL;
	*npids = 0;
	snprintf(path, sizeof(path), "%s/.th-info", dir);
	if ((buf = slurp(path, NULL)) == NULL)
		return 0;
	for (p = buf; *p != '\0'; p = e + 1) {
		if ((e = strchr(p, '\n')) == NULL)
			break;
		*e = '\0';
		if (strncmp(p, "t0 ", 3) == 0)
			*t0 = strtoull(p + 3, NULL, 10);
		else if (strncmp(p, "daemon ", 7) == 0 && nd < maxd)
			daemons[nd++] = (pid_t)atoi(p + 7);
		else if (strncmp(p, "pid ", 4) == 0 && *npids < TH_MAXPIDS)
			pids[(*npids)++] = (pid_t)atoi(p + 4);
		else if (strncmp(p, "log ", 4) == 0)
			*npids += spawned_in(p + 4, pids + *npids,
			    TH_MAXPIDS - *npids, -1);
	}
	free(buf);
	return nd;
}

/* Ours: alive or a zombie, started no earlier than the test. */
static bool
ours(pid_t pid, unsigned long long t0)
{
	unsigned long long	 st;
	char			 s;

	if (pid <= 1 || pid == getpid() ||
	    !proc_stat(pid, &s, NULL, NULL, NULL, &st))
		return false;
	return st >= t0 && s != 'Z' && s != 'X';
}

/*
 * Kill what a test left: its daemons (by pid), every program the daemon
 * spawned, and every process in those programs' sessions or process
 * groups (each program leads its own session; Python supervisor, run as
 * a reference, makes only a process group; neither id can be reused
 * while a member lives, and the start-time check rules out the rest).
 */
static void
cleanup(const char *dir, bool report)
{
	static pid_t		 pids[TH_MAXPIDS];
	pid_t			 daemons[64], pid, pgrp, sid;
	unsigned long long	 t0, st;
	int			 nd, np, i, j, left;
	long long		 end;
	DIR			*d;
	struct dirent		*de;
	char			 s;

	nd = collect_pids(dir, &t0, daemons, 64, pids, &np);
	if (np > TH_MAXPIDS)
		np = TH_MAXPIDS;
	for (i = 0; i < nd; i++) {
		if (ours(daemons[i], t0)) {
			if (report)
				fprintf(stderr, "harness: killing daemon "
				    "%d\n", (int)daemons[i]);
			kill(daemons[i], SIGKILL);
		}
	}
	if ((d = opendir("/proc")) != NULL) {
		while ((de = readdir(d)) != NULL) {
			if (!isdigit((unsigned char)de->d_name[0]))
				continue;
			pid = (pid_t)atoi(de->d_name);
			if (!proc_stat(pid, &s, NULL, &pgrp, &sid, &st) ||
			    st < t0 || s == 'Z')
				continue;
			for (j = 0; j < np; j++) {
				if ((pids[j] == sid || pids[j] == pgrp) &&
				    pid != pids[j] &&
				    ours(pid, t0)) {
					if (report)
						fprintf(stderr, "harness: "
						    "killing %d (session "
						    "%d)\n", (int)pid,
						    (int)sid);
					kill(pid, SIGKILL);
					break;
				}
			}
		}
		closedir(d);
	}
	for (j = 0; j < np; j++) {
		if (ours(pids[j], t0)) {
			if (report)
				fprintf(stderr, "harness: killing %d\n",
				    (int)pids[j]);
			kill(pids[j], SIGKILL);
		}
	}
	/* Let them go before the next test looks at /proc. */
	end = th_now_ms() + 2000;
	do {
		left = 0;
		for (j = 0; j < np; j++)
			left += ours(pids[j], t0);
		for (i = 0; i < nd; i++)
			left += ours(daemons[i], t0);
		if (left > 0)
			sleep_ms(10);
	} while (left > 0 && th_now_ms() < end);
}

static void
dump_file(const char *path, const char *title)
{
	char	*buf, *p;
	size_t	 len;

	if ((buf = slurp(path, &len)) == NULL)
		return;
	p = buf;
	/* The end tells most; cap what a runaway log prints. */
	if (len > 32768) {
		p = buf + len - 32768;
		fprintf(stderr, "--- %s (last 32 KiB of %zu bytes) ---\n",
		    title, len);
	} else
		fprintf(stderr, "--- %s ---\n", title);
	fputs(p, stderr);
	if (len > 0 && buf[len - 1] != '\n')
		fputc('\n', stderr);
	free(buf);
}

static void
dump_dir(const char *dir, const char *name)
{
	char	 path[PATH_MAX + 16], *buf, *p, *e;

	snprintf(path, sizeof(path), "%s/.th-info", dir);
	if ((buf = slurp(path, NULL)) != NULL) {
		for (p = buf; (e = strchr(p, '\n')) != NULL; p = e + 1) {
			*e = '\0';
			if (strncmp(p, "log ", 4) == 0)
				dump_file(p + 4, "daemon log");
		}
		free(buf);
	}
	snprintf(path, sizeof(path), "%s/stdout", dir);
	dump_file(path, "daemon stdout");
	snprintf(path, sizeof(path), "%s/stderr", dir);
	dump_file(path, "daemon stderr");
	fprintf(stderr, "=== end of %s\n", name);
}

void
th_dump(struct th *h)
{
	dump_dir(h->dir, h->name);
}

static int
rm_cb(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb;
	(void)flag;
	(void)ftw;
	remove(path);
	return 0;
}

static void
rm_tree(const char *dir)
{
	nftw(dir, rm_cb, 16, FTW_DEPTH | FTW_PHYS);
}

TCase *
th_tcase(const char *name, double timeout)
{
	TCase	*tc;

	tc = tcase_create(name);
	tcase_add_unchecked_fixture(tc, th_fixture_setup, th_fixture_teardown);
	tcase_set_timeout(tc, timeout);
	return tc;
}

bool
th_exited_ok(int status)
{
	return status != -1 && WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

int
th_exit_code(int status)
{
	if (status == -1 || !WIFEXITED(status))
		return -1;
	return WEXITSTATUS(status);
}
