/*
 * Unit tests for libproc/spawn: real children, inspected from outside
 * through /proc while they wait on stdin (cat), and every failing step
 * reported back with its errno; then proc_which's PATH search on files
 * made in a temporary directory.
 */
#include <sys/types.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include <dirent.h>
#include <errno.h>
#include <grp.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <poll.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stddef.h>

#include <check.h>

#include "tests/skip.h"

#include "libproc/reap.h"
#include "libproc/spawn.h"

Suite	*spawn_suite(void);

static char	*sh_exit3[] = { "/bin/sh", "-c", "exit 3", NULL };
static char	*cat_argv[] = { "/bin/cat", NULL };
static char	*test_envp[] = { "PATH=/usr/bin:/bin", "FOO=bar", NULL };

static char	 tmpdir[64];	/* "/tmp/check_spawn.XXXXXX" */

static long
now_ms(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

static void
sleep_10ms(void)
{
	struct timespec	ts = { 0, 10 * 1000000L };

	while (nanosleep(&ts, &ts) == -1 && errno == EINTR)
		;
}

static void
spec_init(struct proc_spawn_spec *spec, char **argv)
{
	memset(spec, 0, sizeof(*spec));
	spec->path = argv[0];
	spec->argv = argv;
	spec->envp = test_envp;
}

/* Wait for pid to exit, polling to a deadline.  Its wait status. */
static int
wait_exit(pid_t pid, int ms)
{
	long	deadline = now_ms() + ms;
	pid_t	got;
	int	st;

	for (;;) {
		got = waitpid(pid, &st, WNOHANG);
		if (got == pid)
			return st;
		ck_assert_msg(got == 0, "waitpid: %s", strerror(errno));
		ck_assert_msg(now_ms() < deadline, "pid %d still running",
		    (int)pid);
		sleep_10ms();
	}
}

/* Read fd (non-blocking) to end of file, to a deadline; NUL-terminated. */
static size_t
read_all(int fd, char *buf, size_t len, int ms)
{
	struct pollfd	pfd;
	long		deadline = now_ms() + ms;
	size_t		got = 0;
	ssize_t		n;

	for (;;) {
		ck_assert_msg(now_ms() < deadline, "no end of file on %d", fd);
		pfd.fd = fd;
		pfd.events = POLLIN;
		if (poll(&pfd, 1, 10) <= 0)
			continue;
		n = read(fd, buf + got, len - 1 - got);
		if (n == -1 && (errno == EAGAIN || errno == EINTR))
			continue;
		ck_assert_msg(n != -1, "read: %s", strerror(errno));
		if (n == 0)
			break;
		got += (size_t)n;
		ck_assert(got < len - 1);
	}
	buf[got] = '\0';
	return got;
}

static void
child_close(struct proc_child *c)
{
	if (c->in_fd != -1)
		close(c->in_fd);
	if (c->out_fd != -1)
		close(c->out_fd);
	if (c->err_fd != -1)
		close(c->err_fd);
	c->in_fd = c->out_fd = c->err_fd = -1;
}

/* End a cat started by a test: EOF on its stdin, then it exits 0. */
static void
cat_finish(struct proc_child *c)
{
	int	st;

	close(c->in_fd);
	c->in_fd = -1;
	st = wait_exit(c->pid, 5000);
	ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) == 0,
	    "cat: status 0x%x", st);
	child_close(c);
}

static pid_t
spawn_ok(const struct proc_spawn_spec *spec, struct proc_child *c)
{
	struct proc_spawn_err	err;
	pid_t			pid;

	memset(&err, 0, sizeof(err));
	pid = proc_spawn(spec, c, &err);
	ck_assert_msg(pid > 0, "proc_spawn: %s: %s",
	    proc_step_name(err.step), strerror(err.err));
	ck_assert_int_eq(c->pid, pid);
	return pid;
}

/* The value after "key" in /proc/pid/file (status, limits), trimmed. */
static void
proc_line(pid_t pid, const char *file, const char *key, char *out,
    size_t len)
{
	char	path[64], line[512];
	FILE	*f;
	size_t	klen = strlen(key);
	char	*v, *e;

	snprintf(path, sizeof(path), "/proc/%d/%s", (int)pid, file);
	f = fopen(path, "r");
	ck_assert_msg(f != NULL, "%s: %s", path, strerror(errno));
	while (fgets(line, sizeof(line), f) != NULL) {
		if (strncmp(line, key, klen) != 0)
			continue;
		fclose(f);
		for (v = line + klen; *v == ' ' || *v == '\t'; v++)
			;
		for (e = v + strlen(v); e > v && (e[-1] == '\n' ||
		    e[-1] == ' '); e--)
			;
		*e = '\0';
		snprintf(out, len, "%s", v);
		return;
	}
	fclose(f);
	ck_abort_msg("%s: no %s", path, key);
}

/* The fds open in pid, as a sorted comma list ("0,1,2"). */
static void
proc_fds(pid_t pid, char *out, size_t len)
{
	char		 path[64];
	DIR		*d;
	struct dirent	*de;
	int		 fds[64], n = 0, i, j, t;
	size_t		 off = 0;

	snprintf(path, sizeof(path), "/proc/%d/fd", (int)pid);
	d = opendir(path);
	ck_assert_msg(d != NULL, "%s: %s", path, strerror(errno));
	while ((de = readdir(d)) != NULL && n < 64)
		if (de->d_name[0] != '.')
			fds[n++] = atoi(de->d_name);
	closedir(d);
	for (i = 0; i < n; i++)
		for (j = i + 1; j < n; j++)
			if (fds[j] < fds[i]) {
				t = fds[i];
				fds[i] = fds[j];
				fds[j] = t;
			}
	out[0] = '\0';
	for (i = 0; i < n && off < len; i++)
		off += (size_t)snprintf(out + off, len - off, "%s%d",
		    i > 0 ? "," : "", fds[i]);
}

/*
 * Wait, to a deadline, until pid's open fds are exactly want.  On the
 * clone path the parent resumes when the exec has replaced the child's
 * memory, and the kernel closes its close-on-exec fds just after that;
 * and right after exec the program's dynamic loader opens its libraries
 * for a moment (fd 3): a look at once may see either.  A leaked
 * descriptor stays, and fails.
 */
static void
wait_fds(pid_t pid, const char *want, int ms)
{
	long	deadline = now_ms() + ms;
	char	fds[256];

	for (;;) {
		proc_fds(pid, fds, sizeof(fds));
		if (strcmp(fds, want) == 0)
			return;
		ck_assert_msg(now_ms() < deadline, "pid %d has fds %s, want %s",
		    (int)pid, fds, want);
		sleep_10ms();
	}
}

/* Our own open fds, to check that a failed spawn leaves none behind. */
static int
count_fds(void)
{
	DIR		*d;
	struct dirent	*de;
	int		 n = 0;

	d = opendir("/proc/self/fd");
	ck_assert(d != NULL);
	while ((de = readdir(d)) != NULL)
		if (de->d_name[0] != '.')
			n++;
	closedir(d);
	return n - 1;	/* the directory's own fd */
}

/*
 * Spawn spec, expect failure at step with errno e; check that the child
 * was reaped and no fd was left open.
 */
static void
spawn_fails(const struct proc_spawn_spec *spec, int step, int e)
{
	struct proc_spawn_err	err;
	struct proc_child	c;
	int			before, st;

	before = count_fds();
	memset(&err, 0, sizeof(err));
	errno = 0;
	ck_assert_int_eq(proc_spawn(spec, &c, &err), -1);
	ck_assert_int_eq(errno, e);
	ck_assert_msg(err.step == step, "step %s, want %s",
	    proc_step_name(err.step), proc_step_name(step));
	ck_assert_msg(err.err == e, "err %s, want %s", strerror(err.err),
	    strerror(e));
	ck_assert_int_eq(count_fds(), before);
	errno = 0;
	ck_assert_int_eq(waitpid(-1, &st, WNOHANG), -1);
	ck_assert_int_eq(errno, ECHILD);
}

static void
write_file(const char *name, const char *text, mode_t mode, char *path,
    size_t len)
{
	int	fd;

	snprintf(path, len, "%s/%s", tmpdir, name);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
	ck_assert_msg(fd != -1, "%s: %s", path, strerror(errno));
	ck_assert_int_eq(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	ck_assert_int_eq(close(fd), 0);
	/* Not subject to our umask. */
	ck_assert_int_eq(chmod(path, mode), 0);
}

static void
tmp_setup(void)
{
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/check_spawn.XXXXXX");
	ck_assert(mkdtemp(tmpdir) != NULL);
	/* The clone path's window is made once: before any fd count. */
	(void)proc_spawn_mode();
}

static int
rm_entry(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb;
	(void)flag;
	(void)ftw;
	return remove(path);
}

static void
tmp_teardown(void)
{
	if (tmpdir[0] != '\0')
		(void)nftw(tmpdir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
	tmpdir[0] = '\0';
}

static void
fork_setup(void)
{
	proc_spawn_set_mode(PROC_SPAWN_FORK);
	tmp_setup();
}

static void
fork_teardown(void)
{
	tmp_teardown();
	proc_spawn_set_mode(PROC_SPAWN_AUTO);
}

START_TEST(test_spawn_decodes_exit_status)
{
	struct proc_spawn_spec	spec;
	struct proc_child	c;
	char			buf[64];
	int			st;

	spec_init(&spec, sh_exit3);
	spawn_ok(&spec, &c);
	st = wait_exit(c.pid, 5000);
	ck_assert_int_eq(proc_exit_code(st), 3);
	ck_assert_str_eq(proc_exit_text(st, buf, sizeof(buf)),
	    "exit status 3");
	child_close(&c);
}
END_TEST

START_TEST(test_spawn_decodes_death_by_signal)
{
	static char		*argv[] = { "/bin/sh", "-c", "kill -KILL $$",
	    NULL };
	struct proc_spawn_spec	 spec;
	struct proc_child	 c;
	char			 buf[64];
	int			 st;

	spec_init(&spec, argv);
	spawn_ok(&spec, &c);
	st = wait_exit(c.pid, 5000);
	ck_assert_int_eq(proc_exit_code(st), -1);
	ck_assert_str_eq(proc_exit_text(st, buf, sizeof(buf)),
	    "terminated by SIGKILL");
	child_close(&c);
}
END_TEST

START_TEST(test_spawn_reports_enoent)
{
	static char		*argv[] = { "/nonexistent/program", NULL };
	struct proc_spawn_spec	 spec;

	spec_init(&spec, argv);
	spawn_fails(&spec, PROC_STEP_EXEC, ENOENT);
}
END_TEST

START_TEST(test_spawn_reports_eacces_for_non_executable)
{
	struct proc_spawn_spec	spec;
	char			path[PATH_MAX];
	char			*argv[2];

	write_file("plain", "#!/bin/sh\nexit 0\n", 0644, path, sizeof(path));
	argv[0] = path;
	argv[1] = NULL;
	spec_init(&spec, argv);
	spawn_fails(&spec, PROC_STEP_EXEC, EACCES);
}
END_TEST

START_TEST(test_spawn_reports_enoexec_for_garbage)
{
	struct proc_spawn_spec	spec;
	char			path[PATH_MAX];
	char			*argv[2];

	write_file("garbage", "\x7f\x01\x02 not a program\n", 0755, path,
	    sizeof(path));
	argv[0] = path;
	argv[1] = NULL;
	spec_init(&spec, argv);
	spawn_fails(&spec, PROC_STEP_EXEC, ENOEXEC);
}
END_TEST

START_TEST(test_spawn_reports_chdir_failure)
{
	struct proc_spawn_spec	spec;

	spec_init(&spec, sh_exit3);
	spec.dir = "/nonexistent/dir";
	spawn_fails(&spec, PROC_STEP_CHDIR, ENOENT);
}
END_TEST

START_TEST(test_spawn_reports_rlimit_failure)
{
	struct proc_spawn_spec	spec;
	struct proc_rlimit	rl;

	/* A soft limit above the hard one is refused by the kernel. */
	rl.resource = RLIMIT_NOFILE;
	rl.limit.rlim_cur = 200;
	rl.limit.rlim_max = 100;
	spec_init(&spec, sh_exit3);
	spec.rlimits = &rl;
	spec.nrlimits = 1;
	spawn_fails(&spec, PROC_STEP_RLIMIT, EINVAL);
}
END_TEST

START_TEST(test_spawn_accepts_null_err)
{
	static char		*argv[] = { "/nonexistent/program", NULL };
	struct proc_spawn_spec	 spec;
	struct proc_child	 c;

	spec_init(&spec, argv);
	errno = 0;
	ck_assert_int_eq(proc_spawn(&spec, &c, NULL), -1);
	ck_assert_int_eq(errno, ENOENT);
}
END_TEST

START_TEST(test_spawn_child_has_only_fds_0_to_2)
{
	struct proc_spawn_spec	spec;
	struct proc_child	c;
	int			leak;

	/* A descriptor leaked without O_CLOEXEC: close_range catches it. */
	leak = open("/dev/null", O_RDONLY);
	ck_assert_int_ne(leak, -1);
	spec_init(&spec, cat_argv);
	spawn_ok(&spec, &c);
	wait_fds(c.pid, "0,1,2", 5000);
	cat_finish(&c);
	close(leak);
}
END_TEST

START_TEST(test_spawn_child_fds_are_blocking_and_ours_are_not)
{
	struct proc_spawn_spec	spec;
	struct proc_child	c;
	char			flags[64], file[32];
	long			fl;
	int			fd;

	spec_init(&spec, cat_argv);
	spawn_ok(&spec, &c);
	for (fd = 0; fd <= 2; fd++) {
		snprintf(file, sizeof(file), "fdinfo/%d", fd);
		proc_line(c.pid, file, "flags:", flags, sizeof(flags));
		fl = strtol(flags, NULL, 8);
		ck_assert_msg((fl & O_NONBLOCK) == 0,
		    "child fd %d is non-blocking (flags %s)", fd, flags);
	}
	ck_assert_int_ne(c.err_fd, -1);
	ck_assert(fcntl(c.in_fd, F_GETFL) & O_NONBLOCK);
	ck_assert(fcntl(c.out_fd, F_GETFL) & O_NONBLOCK);
	ck_assert(fcntl(c.err_fd, F_GETFL) & O_NONBLOCK);
	ck_assert(fcntl(c.in_fd, F_GETFD) & FD_CLOEXEC);
	ck_assert(fcntl(c.out_fd, F_GETFD) & FD_CLOEXEC);
	ck_assert(fcntl(c.err_fd, F_GETFD) & FD_CLOEXEC);
	ck_assert_int_eq(fcntl(c.in_fd, F_GETFL) & O_ACCMODE, O_WRONLY);
	ck_assert_int_eq(fcntl(c.out_fd, F_GETFL) & O_ACCMODE, O_RDONLY);
	cat_finish(&c);
}
END_TEST

static void
catch(int sig)
{
	(void)sig;
}

START_TEST(test_spawn_resets_signals_and_restores_our_mask)
{
	struct proc_spawn_spec	spec;
	struct proc_child	c;
	sigset_t		all, now;
	unsigned long		ksa[8];
	char			v[64];
	int			sig;

	/* What a daemon has: everything blocked, some signals ignored. */
	signal(SIGINT, SIG_IGN);
	signal(SIGHUP, SIG_IGN);
	signal(SIGPIPE, SIG_IGN);
	signal(SIGUSR1, catch);
	/*
	 * What glibc's posix_spawn and system() leave in their children:
	 * its reserved signals ignored, which sigaction() cannot undo.
	 * The kernel's struct sigaction starts with the handler (but on
	 * MIPS).
	 */
#ifndef __mips__
	memset(ksa, 0, sizeof(ksa));
	ksa[0] = (unsigned long)SIG_IGN;
	for (sig = 32; sig < SIGRTMIN; sig++)
		ck_assert_int_eq(syscall(SYS_rt_sigaction, sig, ksa, NULL,
		    (size_t)(NSIG / 8)), 0);
#endif
	sigfillset(&all);
	ck_assert_int_eq(sigprocmask(SIG_SETMASK, &all, NULL), 0);

	spec_init(&spec, cat_argv);
	spawn_ok(&spec, &c);
	proc_line(c.pid, "status", "SigBlk:", v, sizeof(v));
	ck_assert_str_eq(v, "0000000000000000");
	proc_line(c.pid, "status", "SigIgn:", v, sizeof(v));
	ck_assert_str_eq(v, "0000000000000000");
	proc_line(c.pid, "status", "SigCgt:", v, sizeof(v));
	ck_assert_str_eq(v, "0000000000000000");

	/* Ours is as it was. */
	ck_assert_int_eq(sigprocmask(SIG_SETMASK, NULL, &now), 0);
	for (sig = 1; sig < NSIG; sig++)
		if (sig != SIGKILL && sig != SIGSTOP &&
		    sigismember(&all, sig) == 1)
			ck_assert_msg(sigismember(&now, sig) == 1,
			    "signal %d unblocked in the parent", sig);
	cat_finish(&c);
}
END_TEST

START_TEST(test_spawn_stdout_and_stderr_pipes_deliver_output)
{
	static char		*argv[] = { "/bin/sh", "-c",
	    "echo out; echo err >&2", NULL };
	struct proc_spawn_spec	 spec;
	struct proc_child	 c;
	char			 out[64], err[64];
	int			 st;

	spec_init(&spec, argv);
	spawn_ok(&spec, &c);
	ck_assert_int_ne(c.err_fd, -1);
	read_all(c.out_fd, out, sizeof(out), 5000);
	read_all(c.err_fd, err, sizeof(err), 5000);
	ck_assert_str_eq(out, "out\n");
	ck_assert_str_eq(err, "err\n");
	st = wait_exit(c.pid, 5000);
	ck_assert_int_eq(proc_exit_code(st), 0);
	child_close(&c);
}
END_TEST

START_TEST(test_spawn_merge_stderr_onto_stdout)
{
	static char		*argv[] = { "/bin/sh", "-c",
	    "echo out; echo err >&2; echo out2", NULL };
	struct proc_spawn_spec	 spec;
	struct proc_child	 c;
	char			 out[64];
	int			 st;

	spec_init(&spec, argv);
	spec.merge_stderr = true;
	spawn_ok(&spec, &c);
	ck_assert_int_eq(c.err_fd, -1);
	read_all(c.out_fd, out, sizeof(out), 5000);
	ck_assert_str_eq(out, "out\nerr\nout2\n");
	st = wait_exit(c.pid, 5000);
	ck_assert_int_eq(proc_exit_code(st), 0);
	child_close(&c);
}
END_TEST

START_TEST(test_spawn_copes_with_our_fds_0_and_2_closed)
{
	static char		*argv[] = { "/bin/sh", "-c",
	    "read x; echo \"$x\"; echo err >&2", NULL };
	struct proc_spawn_spec	 spec;
	struct proc_child	 c;
	char			 out[64], err[64];
	int			 st;

	/*
	 * Callers keep 0-2 open, but if not the pipes land there and the
	 * child must not dup2 one onto itself or over another.
	 */
	close(0);
	close(2);
	spec_init(&spec, argv);
	spawn_ok(&spec, &c);
	ck_assert_int_eq(write(c.in_fd, "hi\n", 3), 3);
	read_all(c.out_fd, out, sizeof(out), 5000);
	read_all(c.err_fd, err, sizeof(err), 5000);
	ck_assert_str_eq(out, "hi\n");
	ck_assert_str_eq(err, "err\n");
	st = wait_exit(c.pid, 5000);
	ck_assert_int_eq(proc_exit_code(st), 0);
	child_close(&c);
}
END_TEST

START_TEST(test_spawn_passes_argv_and_environment)
{
	static char		*argv[] = { "/bin/sh", "-c",
	    "printf '%s|%s|%s' \"$0\" \"$1\" \"$FOO\"", "zero", "one two",
	    NULL };
	struct proc_spawn_spec	 spec;
	struct proc_child	 c;
	char			 out[64];

	spec_init(&spec, argv);
	spawn_ok(&spec, &c);
	read_all(c.out_fd, out, sizeof(out), 5000);
	ck_assert_str_eq(out, "zero|one two|bar");
	(void)wait_exit(c.pid, 5000);
	child_close(&c);
}
END_TEST

START_TEST(test_spawn_stdin_stays_open)
{
	struct proc_spawn_spec	spec;
	struct proc_child	c;
	char			out[64];
	long			deadline;
	int			st;

	spec_init(&spec, cat_argv);
	spawn_ok(&spec, &c);
	/*
	 * cat exits at once on end of file; 200 ms is far longer than it
	 * needs to start and read, so still running means stdin is open.
	 */
	deadline = now_ms() + 200;
	while (now_ms() < deadline) {
		ck_assert_int_eq(waitpid(c.pid, &st, WNOHANG), 0);
		sleep_10ms();
	}
	ck_assert_int_eq(write(c.in_fd, "ping\n", 5), 5);
	close(c.in_fd);
	c.in_fd = -1;
	read_all(c.out_fd, out, sizeof(out), 5000);
	ck_assert_str_eq(out, "ping\n");
	st = wait_exit(c.pid, 5000);
	ck_assert_int_eq(proc_exit_code(st), 0);
	child_close(&c);
}
END_TEST

START_TEST(test_spawn_gives_the_callers_fd_as_stdin)
{
	struct proc_spawn_spec	spec;
	struct proc_child	c;
	struct stat		sb;
	char			out[64], path[64], link[64], want[64];
	char			flags[64];
	ssize_t			n;
	int			sv[2], st;

	/* What an fcgi program gets: a socket, blocking, shared. */
	ck_assert_int_eq(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0,
	    sv), 0);
	spec_init(&spec, cat_argv);
	spec.use_stdin_fd = true;
	spec.stdin_fd = sv[1];
	spawn_ok(&spec, &c);
	ck_assert_int_eq(c.in_fd, -1);
	/* Ours stays open, close-on-exec and as it was. */
	ck_assert(fcntl(sv[1], F_GETFD) & FD_CLOEXEC);
	ck_assert_int_eq(fcntl(sv[1], F_GETFL) & O_NONBLOCK, 0);
	wait_fds(c.pid, "0,1,2", 5000);
	ck_assert_int_eq(fstat(sv[1], &sb), 0);
	snprintf(want, sizeof(want), "socket:[%lu]", (unsigned long)sb.st_ino);
	snprintf(path, sizeof(path), "/proc/%d/fd/0", (int)c.pid);
	n = readlink(path, link, sizeof(link) - 1);
	ck_assert_msg(n > 0, "%s: %s", path, strerror(errno));
	link[n] = '\0';
	ck_assert_str_eq(link, want);
	proc_line(c.pid, "fdinfo/0", "flags:", flags, sizeof(flags));
	ck_assert_msg((strtol(flags, NULL, 8) & O_NONBLOCK) == 0,
	    "child fd 0 is non-blocking (flags %s)", flags);

	ck_assert_int_eq(write(sv[0], "ping\n", 5), 5);
	ck_assert_int_eq(shutdown(sv[0], SHUT_WR), 0);
	/* The child has its own copy: ours may go. */
	close(sv[1]);
	read_all(c.out_fd, out, sizeof(out), 5000);
	ck_assert_str_eq(out, "ping\n");
	st = wait_exit(c.pid, 5000);
	ck_assert_int_eq(proc_exit_code(st), 0);
	child_close(&c);
	close(sv[0]);
}
END_TEST

START_TEST(test_spawn_reports_a_bad_stdin_fd)
{
	struct proc_spawn_spec	spec;

	spec_init(&spec, cat_argv);
	spec.use_stdin_fd = true;
	spec.stdin_fd = 1000;	/* not open */
	spawn_fails(&spec, PROC_STEP_DUP2, EBADF);
}
END_TEST

START_TEST(test_spawn_applies_umask)
{
	struct proc_spawn_spec	spec;
	struct proc_child	c;
	char			v[64];

	spec_init(&spec, cat_argv);
	spec.set_umask = true;
	spec.umask = 027;
	spawn_ok(&spec, &c);
	proc_line(c.pid, "status", "Umask:", v, sizeof(v));
	ck_assert_str_eq(v, "0027");
	cat_finish(&c);
}
END_TEST

START_TEST(test_spawn_applies_rlimits)
{
	struct proc_spawn_spec	spec;
	struct proc_child	c;
	struct proc_rlimit	rl[2];
	char			v[128];

	rl[0].resource = RLIMIT_NOFILE;
	rl[0].limit.rlim_cur = 100;
	rl[0].limit.rlim_max = 200;
	rl[1].resource = RLIMIT_CORE;
	rl[1].limit.rlim_cur = 0;
	rl[1].limit.rlim_max = 0;
	spec_init(&spec, cat_argv);
	spec.rlimits = rl;
	spec.nrlimits = 2;
	spawn_ok(&spec, &c);
	proc_line(c.pid, "limits", "Max open files", v, sizeof(v));
	ck_assert_msg(strncmp(v, "100 ", 4) == 0 && strstr(v, " 200 ") != NULL,
	    "Max open files: %s", v);
	proc_line(c.pid, "limits", "Max core file size", v, sizeof(v));
	ck_assert_msg(strncmp(v, "0 ", 2) == 0, "Max core file size: %s", v);
	cat_finish(&c);
}
END_TEST

START_TEST(test_spawn_starts_a_new_session)
{
	struct proc_spawn_spec	spec;
	struct proc_child	c;
	char			path[64], line[512], *p;
	FILE			*f;
	int			pgrp, sid;

	spec_init(&spec, cat_argv);
	spawn_ok(&spec, &c);
	snprintf(path, sizeof(path), "/proc/%d/stat", (int)c.pid);
	f = fopen(path, "r");
	ck_assert(f != NULL);
	ck_assert(fgets(line, sizeof(line), f) != NULL);
	fclose(f);
	/* pid (comm) state ppid pgrp session: comm may hold spaces. */
	p = strrchr(line, ')');
	ck_assert(p != NULL);
	ck_assert_int_eq(sscanf(p + 1, " %*c %*d %d %d", &pgrp, &sid), 2);
	ck_assert_int_eq(pgrp, c.pid);
	ck_assert_int_eq(sid, c.pid);
	cat_finish(&c);
}
END_TEST

START_TEST(test_spawn_changes_directory)
{
	static char		*argv[] = { "/bin/sh", "-c", "pwd", NULL };
	struct proc_spawn_spec	 spec;
	struct proc_child	 c;
	char			 out[PATH_MAX + 2], want[PATH_MAX + 2];

	spec_init(&spec, argv);
	spec.dir = tmpdir;
	spawn_ok(&spec, &c);
	read_all(c.out_fd, out, sizeof(out), 5000);
	snprintf(want, sizeof(want), "%s\n", tmpdir);
	ck_assert_str_eq(out, want);
	(void)wait_exit(c.pid, 5000);
	child_close(&c);
}
END_TEST

START_TEST(test_spawn_sets_ids_when_root)
{
	struct proc_spawn_spec	 spec;
	struct proc_child	 c;
	struct passwd		*pw;
	gid_t			 groups[1];
	char			 v[128], want[128];

	if (geteuid() != 0) {
		th_skip("root", "setting ids needs root");
		return;
	}
	pw = getpwnam("nobody");
	if (pw == NULL) {
		th_skip("nobody", "no user nobody here");
		return;
	}
	groups[0] = pw->pw_gid;
	spec_init(&spec, cat_argv);
	spec.set_ids = true;
	spec.uid = pw->pw_uid;
	spec.gid = pw->pw_gid;
	spec.groups = groups;
	spec.ngroups = 1;
	spawn_ok(&spec, &c);
	proc_line(c.pid, "status", "Uid:", v, sizeof(v));
	snprintf(want, sizeof(want), "%u\t%u\t%u\t%u", (unsigned)pw->pw_uid,
	    (unsigned)pw->pw_uid, (unsigned)pw->pw_uid, (unsigned)pw->pw_uid);
	ck_assert_str_eq(v, want);
	proc_line(c.pid, "status", "Gid:", v, sizeof(v));
	snprintf(want, sizeof(want), "%u\t%u\t%u\t%u", (unsigned)pw->pw_gid,
	    (unsigned)pw->pw_gid, (unsigned)pw->pw_gid, (unsigned)pw->pw_gid);
	ck_assert_str_eq(v, want);
	proc_line(c.pid, "status", "Groups:", v, sizeof(v));
	snprintf(want, sizeof(want), "%u", (unsigned)pw->pw_gid);
	ck_assert_str_eq(v, want);
	cat_finish(&c);
}
END_TEST

START_TEST(test_spawn_enters_directory_as_the_new_user)
{
	struct proc_spawn_spec	 spec;
	struct passwd		*pw;
	char			 dir[PATH_MAX];

	if (geteuid() != 0) {
		th_skip("root", "setting ids needs root");
		return;
	}
	pw = getpwnam("nobody");
	if (pw == NULL) {
		th_skip("nobody", "no user nobody here");
		return;
	}
	/* Root may enter it; nobody may not: chdir comes after setuid. */
	snprintf(dir, sizeof(dir), "%s/private", tmpdir);
	ck_assert_int_eq(mkdir(dir, 0700), 0);
	ck_assert_int_eq(chmod(tmpdir, 0755), 0);
	spec_init(&spec, sh_exit3);
	spec.set_ids = true;
	spec.uid = pw->pw_uid;
	spec.gid = pw->pw_gid;
	spec.dir = dir;
	spawn_fails(&spec, PROC_STEP_CHDIR, EACCES);
}
END_TEST

START_TEST(test_spawn_reports_setuid_failure_when_not_root)
{
	struct proc_spawn_spec	 spec;
	struct passwd		*pw;
	const char		*ckfork = getenv("CK_FORK");

	if (geteuid() == 0) {
		/* Become nobody: this test runs in a process of its own. */
		if (ckfork != NULL && strcmp(ckfork, "no") == 0) {
			th_skip("fork", "as root it drops its ids, which "
			    "needs CK_FORK=yes");
			return;
		}
		if ((pw = getpwnam("nobody")) == NULL) {
			th_skip("nobody", "no user nobody here");
			return;
		}
		ck_assert_int_eq(setgroups(0, NULL), 0);
		ck_assert_int_eq(setgid(pw->pw_gid), 0);
		ck_assert_int_eq(setuid(pw->pw_uid), 0);
	}
	spec_init(&spec, sh_exit3);
	spec.set_ids = true;
	spec.uid = 0;
	spec.gid = getegid();
	spawn_fails(&spec, PROC_STEP_SETGROUPS, EPERM);
}
END_TEST

/* How many of our fds are on the pipe (or socket) that fd is on. */
static int
fds_on_same_file(int fd)
{
	char		 path[300], want[64], link[64];
	DIR		*d;
	struct dirent	*de;
	ssize_t		 n;
	int		 count = 0;

	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	n = readlink(path, want, sizeof(want) - 1);
	ck_assert_msg(n > 0, "%s: %s", path, strerror(errno));
	want[n] = '\0';
	ck_assert_ptr_nonnull(d = opendir("/proc/self/fd"));
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "/proc/self/fd/%s", de->d_name);
		if ((n = readlink(path, link, sizeof(link) - 1)) <= 0)
			continue;
		link[n] = '\0';
		if (strcmp(link, want) == 0)
			count++;
	}
	closedir(d);
	return count;
}

/*
 * The child lists its own fds after exec (the shell looks for each of
 * /proc/$$/fd/0 to 255): exactly 0, 1 and 2, on either path, however many fds
 * we hold, and close-on-exec or not.
 */
START_TEST(test_spawn_child_sees_only_fds_0_to_2)
{
	static char		*argv[] = { "/bin/sh", "-c",
	    "n=0; while [ $n -lt 256 ]; do [ -h /proc/$$/fd/$n ] && "
	    "printf '%s,' $n; n=$((n + 1)); done",
	    NULL };
	struct proc_spawn_spec	 spec;
	struct proc_child	 c;
	char			 out[256];
	int			 held[64], i, leak, st;

	for (i = 0; i < 64; i++)
		ck_assert_int_ne(held[i] = open("/dev/null",
		    O_RDONLY | O_CLOEXEC), -1);
	leak = open("/dev/null", O_RDONLY);
	ck_assert_int_ne(leak, -1);
	spec_init(&spec, argv);
	spawn_ok(&spec, &c);
	read_all(c.out_fd, out, sizeof(out), 5000);
	ck_assert_str_eq(out, "0,1,2,");
	st = wait_exit(c.pid, 5000);
	ck_assert_int_eq(proc_exit_code(st), 0);
	child_close(&c);
	close(leak);
	for (i = 0; i < 64; i++)
		close(held[i]);
}
END_TEST

/*
 * We hold no copy of the child's ends (the window's placeholders are
 * back): each pipe is open here once, and the end of the child's stdout
 * is seen when it exits.
 */
START_TEST(test_spawn_leaves_us_no_copy_of_the_childs_ends)
{
	struct proc_spawn_spec	spec;
	struct proc_child	c;
	char			out[16];
	int			st;

	spec_init(&spec, cat_argv);
	spawn_ok(&spec, &c);
	ck_assert_int_eq(fds_on_same_file(c.in_fd), 1);
	ck_assert_int_eq(fds_on_same_file(c.out_fd), 1);
	ck_assert_int_eq(fds_on_same_file(c.err_fd), 1);
	/* cat ends at the end of its stdin: then the end of its stdout. */
	close(c.in_fd);
	c.in_fd = -1;
	read_all(c.out_fd, out, sizeof(out), 5000);
	ck_assert_str_eq(out, "");
	read_all(c.err_fd, out, sizeof(out), 5000);
	st = wait_exit(c.pid, 5000);
	ck_assert_int_eq(proc_exit_code(st), 0);
	child_close(&c);
}
END_TEST

/*
 * The report: a pipe with async_report on the fork path only; the clone
 * path knows the child's fate when proc_spawn returns.
 */
START_TEST(test_spawn_report_pipe_only_on_the_fork_path)
{
	struct proc_spawn_spec	spec;
	struct proc_child	c;
	struct proc_spawn_err	err;

	spec_init(&spec, cat_argv);
	spec.async_report = true;
	spawn_ok(&spec, &c);
	if (proc_spawn_mode() == PROC_SPAWN_CLONE)
		ck_assert_int_eq(c.report_fd, -1);
	else {
		ck_assert_int_ne(c.report_fd, -1);
		while (proc_spawn_report(c.report_fd, &err) == -1) {
			ck_assert_int_eq(errno, EAGAIN);
			sleep_10ms();
		}
		close(c.report_fd);
	}
	cat_finish(&c);
}
END_TEST

/*
 * The probe says CLONE exactly where close_range(CLOSE_RANGE_UNSHARE)
 * works (tried in a child of ours: it would unshare our table).
 */
START_TEST(test_spawn_probe_matches_the_kernel)
{
	pid_t	pid;
	int	st;

	if ((pid = fork()) == 0)
		_exit(syscall(SYS_close_range, ~0U, ~0U, 2U) == 0 ? 0 : 1);
	ck_assert_int_gt(pid, 0);
	st = wait_exit(pid, 5000);
	ck_assert_int_eq(proc_spawn_mode(), proc_exit_code(st) == 0 ?
	    PROC_SPAWN_CLONE : PROC_SPAWN_FORK);
	proc_spawn_set_mode(PROC_SPAWN_FORK);
	ck_assert_int_eq(proc_spawn_mode(), PROC_SPAWN_FORK);
	proc_spawn_set_mode(PROC_SPAWN_AUTO);
	ck_assert_int_eq(proc_spawn_mode(), proc_exit_code(st) == 0 ?
	    PROC_SPAWN_CLONE : PROC_SPAWN_FORK);
}
END_TEST

#if defined(__x86_64__)
#define AUDIT_ARCH_NATIVE	AUDIT_ARCH_X86_64
#elif defined(__aarch64__)
#define AUDIT_ARCH_NATIVE	AUDIT_ARCH_AARCH64
#elif defined(__i386__)
#define AUDIT_ARCH_NATIVE	AUDIT_ARCH_I386
#endif

/* A seccomp filter that makes close_range fail with ENOSYS.  0 or -1. */
static int
refuse_close_range(void)
{
#if !defined(AUDIT_ARCH_NATIVE) || !defined(SYS_close_range)
	errno = ENOSYS;
	return -1;
#else
	struct sock_filter	 code[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
		    offsetof(struct seccomp_data, arch)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, AUDIT_ARCH_NATIVE, 1, 0),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
		    offsetof(struct seccomp_data, nr)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_close_range, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | ENOSYS),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	struct sock_fprog	 prog = {
		(unsigned short)(sizeof(code) / sizeof(code[0])), code
	};

	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == -1)
		return -1;
	return prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog, 0, 0);
#endif
}

/*
 * In a child of ours, under the filter: 0 if spawn works there (echo's
 * output comes, with only fds 0-2, and a chdir failure is reported with
 * its step) and the mode is FORK afterwards; else a line number.
 */
static int
filter_fail(int line)
{
	fprintf(stderr, "check_spawn.c:%d: under the filter: failed\n", line);
	return 1;
}

static int
spawn_under_filter(bool probe_before)
{
	static char		*argv[] = { "/bin/sh", "-c",
	    "n=0; while [ $n -lt 256 ]; do [ -h /proc/$$/fd/$n ] && "
	    "printf '%s,' $n; n=$((n + 1)); done",
	    NULL };
	struct proc_spawn_spec	 spec;
	struct proc_spawn_err	 err;
	struct proc_child	 c;
	char			 out[64];
	size_t			 got = 0;
	ssize_t			 n;
	int			 fd, st;

	/*
	 * The filter refuses the fork path's close_range(CLOEXEC) too, so
	 * the child keeps whatever is not close-on-exec: as in the daemon,
	 * everything of ours is (check's own files are not).
	 */
	for (fd = 3; fd < 1024; fd++)
		(void)fcntl(fd, F_SETFD, FD_CLOEXEC);
	proc_spawn_set_mode(PROC_SPAWN_AUTO);
	if (probe_before)
		(void)proc_spawn_mode();	/* probed before the filter */
	if (refuse_close_range() == -1)
		return filter_fail(__LINE__);
	if (!probe_before && proc_spawn_mode() != PROC_SPAWN_FORK)
		return filter_fail(__LINE__);
	spec_init(&spec, argv);
	if (proc_spawn(&spec, &c, &err) == -1)
		return filter_fail(__LINE__);
	if (proc_spawn_mode() != PROC_SPAWN_FORK)
		return filter_fail(__LINE__);
	(void)fcntl(c.out_fd, F_SETFL, 0);
	while (got < sizeof(out) - 1 &&
	    (n = read(c.out_fd, out + got, sizeof(out) - 1 - got)) > 0)
		got += (size_t)n;
	out[got] = '\0';
	if (strcmp(out, "0,1,2,") != 0)
		return filter_fail(__LINE__);
	if (waitpid(c.pid, &st, 0) != c.pid || !WIFEXITED(st) ||
	    WEXITSTATUS(st) != 0)
		return filter_fail(__LINE__);
	child_close(&c);
	spec.dir = "/nonexistent/dir";
	if (proc_spawn(&spec, &c, &err) != -1 ||
	    err.step != PROC_STEP_CHDIR || err.err != ENOENT)
		return filter_fail(__LINE__);
	return 0;
}

/*
 * Where seccomp refuses close_range the probe says FORK and spawns take
 * the fork path; where the refusal comes after the probe, the first
 * spawn finds it out and falls back.  In a child: the filter is for
 * good.
 */
START_TEST(test_spawn_falls_back_when_close_range_is_refused)
{
	pid_t	pid;
	int	st;

	if ((pid = fork()) == 0)
		_exit(spawn_under_filter(_i == 1));
	ck_assert_int_gt(pid, 0);
	st = wait_exit(pid, 10000);
	ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) == 0,
	    "under the filter: status 0x%x (its stderr says where)", st);
}
END_TEST

START_TEST(test_step_names)
{
	ck_assert_str_eq(proc_step_name(PROC_STEP_CHDIR), "chdir");
	ck_assert_str_eq(proc_step_name(PROC_STEP_EXEC), "execve");
	ck_assert_str_eq(proc_step_name(PROC_STEP_SETUID), "setuid");
	ck_assert_str_eq(proc_step_name(PROC_STEP_RLIMIT), "setrlimit");
	ck_assert_str_eq(proc_step_name(-1), "unknown");
	ck_assert_str_eq(proc_step_name(PROC_STEP_MAX), "unknown");
}
END_TEST

START_TEST(test_which_finds_command_on_path)
{
	char		buf[PATH_MAX];
	struct stat	st;

	ck_assert_int_eq(proc_which("sh", "/nonexistent:/bin", buf,
	    sizeof(buf), &st), 0);
	ck_assert_str_eq(buf, "/bin/sh");
	ck_assert(S_ISREG(st.st_mode));
}
END_TEST

/* supervisor's default when PATH is unset or empty: /bin first. */
START_TEST(test_which_uses_supervisors_default_path)
{
	char	buf[PATH_MAX];

	ck_assert_int_eq(proc_which("sh", NULL, buf, sizeof(buf), NULL), 0);
	ck_assert_str_eq(buf, "/bin/sh");
	ck_assert_int_eq(proc_which("sh", "", buf, sizeof(buf), NULL), 0);
	ck_assert_str_eq(buf, "/bin/sh");
}
END_TEST

START_TEST(test_which_reports_enoent_when_not_found)
{
	char	buf[PATH_MAX];

	errno = 0;
	ck_assert_int_eq(proc_which("no-such-command-here", "/bin:/usr/bin",
	    buf, sizeof(buf), NULL), -1);
	ck_assert_int_eq(errno, ENOENT);
	ck_assert_str_eq(buf, "no-such-command-here");
	errno = 0;
	ck_assert_int_eq(proc_which("", "/bin", buf, sizeof(buf), NULL), -1);
	ck_assert_int_eq(errno, ENOENT);
}
END_TEST

/*
 * As supervisor: the first directory where stat() finds the name wins,
 * whether it may be run or not (a file without x bits, a directory): the
 * caller then says "not executable" or "is a directory".
 */
START_TEST(test_which_stops_at_the_first_name_found)
{
	char		path[PATH_MAX], buf[PATH_MAX], dirs[3 * PATH_MAX];
	char		d1[PATH_MAX], d2[PATH_MAX], d3[PATH_MAX];
	struct stat	st;

	snprintf(d1, sizeof(d1), "%s/a", tmpdir);
	snprintf(d2, sizeof(d2), "%s/b", tmpdir);
	snprintf(d3, sizeof(d3), "%s/c", tmpdir);
	ck_assert_int_eq(mkdir(d1, 0755), 0);
	ck_assert_int_eq(mkdir(d2, 0755), 0);
	ck_assert_int_eq(mkdir(d3, 0755), 0);
	write_file("c/prog", "#!/bin/sh\n", 0755, path, sizeof(path));
	snprintf(dirs, sizeof(dirs), "%s:%s:%s", d1, d2, d3);
	ck_assert_int_eq(proc_which("prog", dirs, buf, sizeof(buf), &st), 0);
	ck_assert_str_eq(buf, path);
	write_file("b/prog", "#!/bin/sh\n", 0644, path, sizeof(path));
	ck_assert_int_eq(proc_which("prog", dirs, buf, sizeof(buf), &st), 0);
	ck_assert_str_eq(buf, path);
	ck_assert_int_eq(st.st_mode & 0111, 0);
	snprintf(path, sizeof(path), "%s/a/prog", tmpdir);
	ck_assert_int_eq(mkdir(path, 0755), 0);
	ck_assert_int_eq(proc_which("prog", dirs, buf, sizeof(buf), &st), 0);
	ck_assert_str_eq(buf, path);
	ck_assert(S_ISDIR(st.st_mode));
}
END_TEST

/* An empty entry of PATH is the current directory, as os.path.join("",
 * name) makes it. */
START_TEST(test_which_empty_entry_is_the_current_directory)
{
	char	buf[PATH_MAX], path[PATH_MAX], cwd[PATH_MAX];

	ck_assert_ptr_nonnull(getcwd(cwd, sizeof(cwd)));
	write_file("here", "#!/bin/sh\n", 0755, path, sizeof(path));
	ck_assert_int_eq(chdir(tmpdir), 0);
	ck_assert_int_eq(proc_which("here", "/nonexistent::/bin", buf,
	    sizeof(buf), NULL), 0);
	ck_assert_str_eq(buf, "here");
	ck_assert_int_eq(chdir(cwd), 0);
}
END_TEST

START_TEST(test_which_takes_a_path_with_slash_as_is)
{
	char		path[PATH_MAX], buf[PATH_MAX];
	struct stat	st;

	ck_assert_int_eq(proc_which("/bin/sh", "/nonexistent", buf,
	    sizeof(buf), NULL), 0);
	ck_assert_str_eq(buf, "/bin/sh");
	errno = 0;
	ck_assert_int_eq(proc_which("/nonexistent/sh", "/bin", buf,
	    sizeof(buf), NULL), -1);
	ck_assert_int_eq(errno, ENOENT);
	ck_assert_int_eq(proc_which(tmpdir, "/bin", buf, sizeof(buf), &st),
	    0);
	ck_assert(S_ISDIR(st.st_mode));
	write_file("plain", "#!/bin/sh\n", 0644, path, sizeof(path));
	ck_assert_int_eq(proc_which(path, "/bin", buf, sizeof(buf), &st), 0);
	ck_assert_str_eq(buf, path);
	ck_assert_int_eq(st.st_mode & 0111, 0);
}
END_TEST

START_TEST(test_which_reports_enametoolong)
{
	char	buf[8];

	errno = 0;
	ck_assert_int_eq(proc_which("sh", "/usr/local/bin:/usr/bin", buf,
	    sizeof(buf), NULL), -1);
	ck_assert_int_eq(errno, ENAMETOOLONG);
	errno = 0;
	ck_assert_int_eq(proc_which("/bin/bash", NULL, buf, sizeof(buf),
	    NULL), -1);
	ck_assert_int_eq(errno, ENAMETOOLONG);
	/* "/bin/sh" and its NUL fit exactly. */
	ck_assert_int_eq(proc_which("sh", "/bin", buf, sizeof(buf), NULL), 0);
	ck_assert_str_eq(buf, "/bin/sh");
}
END_TEST

Suite *
spawn_suite(void)
{
	/* Run on the path the probe picks, then on the fork path. */
	const TTest *both[] = {
		test_spawn_decodes_exit_status,
		test_spawn_decodes_death_by_signal,
		test_spawn_reports_enoent,
		test_spawn_reports_eacces_for_non_executable,
		test_spawn_reports_enoexec_for_garbage,
		test_spawn_reports_chdir_failure,
		test_spawn_reports_rlimit_failure,
		test_spawn_accepts_null_err,
		test_spawn_child_has_only_fds_0_to_2,
		test_spawn_child_fds_are_blocking_and_ours_are_not,
		test_spawn_resets_signals_and_restores_our_mask,
		test_spawn_stdout_and_stderr_pipes_deliver_output,
		test_spawn_merge_stderr_onto_stdout,
		test_spawn_copes_with_our_fds_0_and_2_closed,
		test_spawn_passes_argv_and_environment,
		test_spawn_stdin_stays_open,
		test_spawn_gives_the_callers_fd_as_stdin,
		test_spawn_reports_a_bad_stdin_fd,
		test_spawn_applies_umask,
		test_spawn_applies_rlimits,
		test_spawn_starts_a_new_session,
		test_spawn_changes_directory,
		test_spawn_sets_ids_when_root,
		test_spawn_enters_directory_as_the_new_user,
		test_spawn_reports_setuid_failure_when_not_root,
		test_spawn_child_sees_only_fds_0_to_2,
		test_spawn_leaves_us_no_copy_of_the_childs_ends,
		test_spawn_report_pipe_only_on_the_fork_path,
	};
	Suite	*s;
	TCase	*tc;
	size_t	 i;

	s = suite_create("spawn");

	tc = tcase_create("spawn");
	tcase_set_timeout(tc, 15);
	tcase_add_checked_fixture(tc, tmp_setup, tmp_teardown);
	for (i = 0; i < sizeof(both) / sizeof(both[0]); i++)
		_tcase_add_test(tc, both[i], 0, 0, 0, 1);
	tcase_add_test(tc, test_step_names);
	suite_add_tcase(s, tc);

	/* The fork path, forced: what runs where the probe fails. */
	tc = tcase_create("fork path");
	tcase_set_timeout(tc, 15);
	tcase_add_checked_fixture(tc, fork_setup, fork_teardown);
	for (i = 0; i < sizeof(both) / sizeof(both[0]); i++)
		_tcase_add_test(tc, both[i], 0, 0, 0, 1);
	suite_add_tcase(s, tc);

	tc = tcase_create("probe");
	tcase_set_timeout(tc, 20);
	tcase_add_checked_fixture(tc, tmp_setup, tmp_teardown);
	tcase_add_test(tc, test_spawn_probe_matches_the_kernel);
	tcase_add_loop_test(tc,
	    test_spawn_falls_back_when_close_range_is_refused, 0, 2);
	suite_add_tcase(s, tc);

	tc = tcase_create("which");
	tcase_set_timeout(tc, 10);
	tcase_add_checked_fixture(tc, tmp_setup, tmp_teardown);
	tcase_add_test(tc, test_which_finds_command_on_path);
	tcase_add_test(tc, test_which_uses_supervisors_default_path);
	tcase_add_test(tc, test_which_reports_enoent_when_not_found);
	tcase_add_test(tc, test_which_stops_at_the_first_name_found);
	tcase_add_test(tc, test_which_empty_entry_is_the_current_directory);
	tcase_add_test(tc, test_which_takes_a_path_with_slash_as_is);
	tcase_add_test(tc, test_which_reports_enametoolong);
	suite_add_tcase(s, tc);
	return s;
}
