/*
 * spawn: fork and exec one program from a fully resolved specification,
 * and resolve a command name on PATH beforehand.
 *
 * Everything that is not async-signal-safe happens in the parent, before
 * fork(): pipes, the PATH search (proc_which), and whatever the caller
 * prepared (argv, envp, uid, gid, groups).  Between fork and exec the
 * child makes system calls only; the first that fails is written to a
 * close-on-exec error pipe as a struct proc_spawn_err, so the parent
 * learns whether exec happened (at once, or later with async_report).
 * What to run, as whom and how to report a failure is the caller's
 * policy.
 *
 * The child is made with vfork() (posix_spawn implementations use
 * CLONE_VM|CLONE_VFORK the same way): no page tables are copied and the
 * parent takes no copy-on-write faults afterwards, which with a thousand
 * programs is most of what a fork costs the daemon.  The parent is suspended until the child execs or
 * exits, and the child shares its memory meanwhile: it writes only its
 * own stack frames below the parent's, the struct child_fds made for it
 * (which the parent does not read after), and errno, and it leaves with
 * execve or _exit.  Signals are blocked around vfork() and the child has
 * its own dispositions (no CLONE_SIGHAND), so no handler of the parent's
 * runs in it.
 */
#include <sys/types.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include "libproc/spawn.h"

#ifndef CLOSE_RANGE_CLOEXEC
#define CLOSE_RANGE_CLOEXEC	(1U << 2)
#endif

/* supervisor 4.2.5's ServerOptions.get_path, where PATH is unset. */
#define DEFAULT_PATH	"/bin:/usr/bin:/usr/local/bin"

static const char *const step_names[PROC_STEP_MAX] = {
	[PROC_STEP_NONE] = "none",
	[PROC_STEP_PIPE] = "pipe",
	[PROC_STEP_FORK] = "fork",
	[PROC_STEP_SETSID] = "setsid",
	[PROC_STEP_DUP2] = "dup2",
	[PROC_STEP_SIGNALS] = "signals",
	[PROC_STEP_RLIMIT] = "setrlimit",
	[PROC_STEP_SETGROUPS] = "setgroups",
	[PROC_STEP_SETGID] = "setgid",
	[PROC_STEP_SETUID] = "setuid",
	[PROC_STEP_CHDIR] = "chdir",
	[PROC_STEP_EXEC] = "execve",
};

/* The child's ends and the error pipe's write end, as the child uses them. */
struct child_fds {
	int	in;		/* read end of stdin */
	int	out;		/* write end of stdout */
	int	err;		/* write end of stderr, or out if merged */
	int	report;		/* write end of the error pipe */
};

const char *
proc_step_name(int step)
{
	if (step < 0 || step >= PROC_STEP_MAX || step_names[step] == NULL)
		return "unknown";
	return step_names[step];
}

static void
close_fd(int *fd)
{
	int	saved = errno;

	if (*fd != -1) {
		(void)close(*fd);
		*fd = -1;
	}
	errno = saved;
}

static void
close_pair(int p[2])
{
	close_fd(&p[0]);
	close_fd(&p[1]);
}

static int
set_nonblock(int fd)
{
	int	fl;

	if ((fl = fcntl(fd, F_GETFL)) == -1)
		return -1;
	return fcntl(fd, F_SETFL, fl | O_NONBLOCK);
}

/*
 * In the child: report the failed step to the parent and die.  The write
 * is one struct, well under PIPE_BUF, so it arrives whole or not at all.
 */
static void __attribute__((noreturn))
child_fail(int report, int step)
{
	struct proc_spawn_err	e;
	ssize_t			n;

	e.step = step;
	e.err = errno;
	do {
		n = write(report, &e, sizeof(e));
	} while (n == -1 && errno == EINTR);
	_exit(127);
}

/*
 * In the child: move fd above 2 so that the dup2 onto 0-2 cannot
 * overwrite it (only possible if the caller ran with 0-2 closed).
 */
static int
child_lift(int *fd)
{
	int	nfd;

	if (*fd > 2)
		return 0;
	if ((nfd = fcntl(*fd, F_DUPFD_CLOEXEC, 3)) == -1)
		return -1;
	*fd = nfd;
	return 0;
}

/*
 * In the child, between vfork and exec: async-signal-safe calls only,
 * and no write to memory the parent uses (see the top of this file).
 * Every signal is blocked on entry (the parent blocked them around
 * vfork).
 */
static void __attribute__((noreturn))
child_run(const struct proc_spawn_spec *spec, struct child_fds *fds)
{
	struct sigaction	 sa;
	unsigned long		 ksa[8];	/* a kernel struct sigaction */
	sigset_t		 empty;
	size_t			 i;
	int			 sig;

	if (setsid() == -1)
		child_fail(fds->report, PROC_STEP_SETSID);

	/* The report pipe first: the others' failures go through it. */
	if (child_lift(&fds->report) == -1)
		child_fail(fds->report, PROC_STEP_DUP2);
	if (child_lift(&fds->in) == -1 || child_lift(&fds->out) == -1 ||
	    child_lift(&fds->err) == -1)
		child_fail(fds->report, PROC_STEP_DUP2);
	/* All sources are now above 2, so no dup2 is onto itself. */
	if (dup2(fds->in, STDIN_FILENO) == -1 ||
	    dup2(fds->out, STDOUT_FILENO) == -1 ||
	    dup2(spec->merge_stderr ? fds->out : fds->err,
	    STDERR_FILENO) == -1)
		child_fail(fds->report, PROC_STEP_DUP2);

	/*
	 * Handlers do not survive exec, but ignored signals would: the
	 * program must start with every disposition at its default.
	 */
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = SIG_DFL;
	sigemptyset(&sa.sa_mask);
	memset(&ksa, 0, sizeof(ksa));
	for (sig = 1; sig < NSIG; sig++) {
		if (sig == SIGKILL || sig == SIGSTOP)
			continue;
		if (sigaction(sig, &sa, NULL) == 0)
			continue;
		if (errno != EINVAL)
			child_fail(fds->report, PROC_STEP_SIGNALS);
		/*
		 * glibc refuses its reserved signals (32, 33), yet its own
		 * posix_spawn() and system() leave them ignored in what they
		 * start, and that survives exec.  An all-zero kernel
		 * sigaction is SIG_DFL on every architecture.  Best effort.
		 */
		(void)syscall(SYS_rt_sigaction, sig, &ksa, NULL,
		    (size_t)(NSIG / 8));
	}
	sigemptyset(&empty);
	if (sigprocmask(SIG_SETMASK, &empty, NULL) == -1)
		child_fail(fds->report, PROC_STEP_SIGNALS);

	for (i = 0; i < spec->nrlimits; i++)
		if (setrlimit(spec->rlimits[i].resource,
		    &spec->rlimits[i].limit) == -1)
			child_fail(fds->report, PROC_STEP_RLIMIT);

	if (spec->set_ids) {
		/*
		 * setgroups and setgid before setuid: we lose the right.  Raw
		 * system calls: glibc's wrappers would, in a threaded caller,
		 * signal the parent's other threads from this vfork child.
		 */
		if (syscall(SYS_setgroups, spec->ngroups, spec->groups) == -1)
			child_fail(fds->report, PROC_STEP_SETGROUPS);
		if (syscall(SYS_setgid, spec->gid) == -1)
			child_fail(fds->report, PROC_STEP_SETGID);
		if (syscall(SYS_setuid, spec->uid) == -1)
			child_fail(fds->report, PROC_STEP_SETUID);
	}

	/*
	 * supervisor 4.2.5 changes directory after the uid switch, so the
	 * directory is entered with the program's own rights.
	 */
	if (spec->dir != NULL && chdir(spec->dir) == -1)
		child_fail(fds->report, PROC_STEP_CHDIR);
	if (spec->set_umask)
		(void)umask(spec->umask);

	/*
	 * A second line of defence against fds the caller's process leaked
	 * without O_CLOEXEC.  It marks rather than closes, so the error
	 * pipe lives until exec.  Best effort: Linux 5.11 and later, and
	 * some seccomp profiles refuse it.
	 */
#ifdef SYS_close_range
	(void)syscall(SYS_close_range, 3U, ~0U, CLOSE_RANGE_CLOEXEC);
#endif

	execve(spec->path, spec->argv, spec->envp);
	child_fail(fds->report, PROC_STEP_EXEC);
}

/* Fill *err (if given) and errno with step and e; return -1. */
static pid_t
spawn_fail(struct proc_spawn_err *err, int step, int e)
{
	if (err != NULL) {
		err->step = step;
		err->err = e;
	}
	errno = e;
	return -1;
}

pid_t
proc_spawn(const struct proc_spawn_spec *spec, struct proc_child *child,
    struct proc_spawn_err *err)
{
	struct proc_spawn_err	 ce;
	struct child_fds	 fds;
	sigset_t		 all, old;
	ssize_t			 n;
	size_t			 got;
	pid_t			 pid;
	int			 inp[2] = { -1, -1 }, outp[2] = { -1, -1 };
	int			 errp[2] = { -1, -1 }, rep[2] = { -1, -1 };
	int			 e, st;

	/*
	 * The child's ends must stay blocking (dup2 clears close-on-exec
	 * but keeps the file status flags), so O_NONBLOCK goes on the
	 * parent's ends only, and after the pipe is made.
	 */
	if ((!spec->use_stdin_fd && pipe2(inp, O_CLOEXEC) == -1) ||
	    pipe2(outp, O_CLOEXEC) == -1 ||
	    (!spec->merge_stderr && pipe2(errp, O_CLOEXEC) == -1) ||
	    pipe2(rep, O_CLOEXEC) == -1 ||
	    (inp[1] != -1 && set_nonblock(inp[1]) == -1) ||
	    set_nonblock(outp[0]) == -1 ||
	    (errp[0] != -1 && set_nonblock(errp[0]) == -1)) {
		e = errno;
		close_pair(inp);
		close_pair(outp);
		close_pair(errp);
		close_pair(rep);
		return spawn_fail(err, PROC_STEP_PIPE, e);
	}

	/*
	 * The caller's descriptor is not ours to close: the child dup2s it
	 * onto 0 (which clears close-on-exec on that copy only) and it is
	 * left open here.  Its file status flags (O_NONBLOCK) are shared
	 * with the child's copy, so it is handed over as it is.
	 */
	fds.in = spec->use_stdin_fd ? spec->stdin_fd : inp[0];
	fds.out = outp[1];
	fds.err = spec->merge_stderr ? outp[1] : errp[1];
	fds.report = rep[1];

	/*
	 * With every signal blocked no handler of ours (libev's) can run
	 * in the child before its dispositions are reset, and swallow a
	 * signal meant for the program.
	 */
	sigfillset(&all);
	if (sigprocmask(SIG_SETMASK, &all, &old) == -1) {
		e = errno;
		close_pair(inp);
		close_pair(outp);
		close_pair(errp);
		close_pair(rep);
		return spawn_fail(err, PROC_STEP_FORK, e);
	}
	/* The child never returns from here: child_run execs or _exits. */
	pid = vfork();
	if (pid == 0)
		child_run(spec, &fds);
	e = errno;
	(void)sigprocmask(SIG_SETMASK, &old, NULL);

	close_fd(&inp[0]);
	close_fd(&outp[1]);
	close_fd(&errp[1]);
	close_fd(&rep[1]);
	if (pid == -1) {
		close_fd(&inp[1]);
		close_fd(&outp[0]);
		close_fd(&errp[0]);
		close_fd(&rep[0]);
		return spawn_fail(err, PROC_STEP_FORK, e);
	}

	if (spec->async_report) {
		child->pid = pid;
		child->in_fd = inp[1];
		child->out_fd = outp[0];
		child->err_fd = errp[0];
		child->report_fd = rep[0];
		(void)set_nonblock(rep[0]);	/* cannot fail on a pipe */
		return pid;
	}

	/* End of file: exec closed the write end.  A struct: it failed. */
	got = 0;
	memset(&ce, 0, sizeof(ce));
	for (;;) {
		n = read(rep[0], (char *)&ce + got, sizeof(ce) - got);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		got += (size_t)n;
		if (got == sizeof(ce))
			break;
	}
	e = errno;
	close_fd(&rep[0]);

	if (n == 0 && got == 0) {
		child->pid = pid;
		child->in_fd = inp[1];
		child->out_fd = outp[0];
		child->err_fd = errp[0];
		child->report_fd = -1;
		return pid;
	}

	if (got != sizeof(ce)) {
		/*
		 * A read error or a short report: whether exec happened is
		 * unknown, and a child we cannot account for must not run.
		 */
		ce.step = PROC_STEP_NONE;
		ce.err = n == -1 ? e : EIO;
		(void)kill(pid, SIGKILL);
	}
	while (waitpid(pid, &st, 0) == -1 && errno == EINTR)
		;
	close_fd(&inp[1]);
	close_fd(&outp[0]);
	close_fd(&errp[0]);
	return spawn_fail(err, ce.step, ce.err);
}

int
proc_spawn_report(int fd, struct proc_spawn_err *err)
{
	struct proc_spawn_err	 ce;
	ssize_t			 n;

	/* The child writes its report in one write(2) below PIPE_BUF, so a
	 * read sees all of it or none. */
	do
		n = read(fd, &ce, sizeof(ce));
	while (n == -1 && errno == EINTR);
	if (n == 0)
		return 0;
	if (n == -1 && errno == EAGAIN)
		return -1;
	if (n != (ssize_t)sizeof(ce)) {
		ce.step = PROC_STEP_NONE;
		ce.err = n == -1 ? errno : EIO;
	}
	if (err != NULL)
		*err = ce;
	return 1;
}

/*
 * Store dir "/" cmd (or cmd alone for an empty dir, the current
 * directory, as supervisor's os.path.join does).  0, or -1 if it does
 * not fit.
 */
static int
join_path(char *buf, size_t len, const char *dir, size_t dlen,
    const char *cmd)
{
	size_t	clen = strlen(cmd);
	size_t	need = dlen + (dlen > 0) + clen + 1;

	if (need > len)
		return -1;
	memcpy(buf, dir, dlen);
	if (dlen > 0)
		buf[dlen++] = '/';
	memcpy(buf + dlen, cmd, clen + 1);
	return 0;
}

int
proc_which(const char *cmd, const char *path, char *buf, size_t len,
    struct stat *st)
{
	struct stat	 sb;
	const char	*p, *colon;
	bool		 toolong = false;

	if (st == NULL)
		st = &sb;
	if (cmd == NULL || *cmd == '\0') {
		if (len > 0)
			buf[0] = '\0';
		errno = ENOENT;
		return -1;
	}
	if (strchr(cmd, '/') != NULL) {
		if (join_path(buf, len, "", 0, cmd) == -1) {
			errno = ENAMETOOLONG;
			return -1;
		}
		return stat(buf, st);
	}
	/* supervisor's get_path: an empty PATH is no PATH. */
	if (path == NULL || *path == '\0')
		path = DEFAULT_PATH;
	for (p = path;; p = colon + 1) {
		if ((colon = strchr(p, ':')) == NULL)
			colon = p + strlen(p);
		if (join_path(buf, len, p, (size_t)(colon - p), cmd) == -1)
			toolong = true;
		else if (stat(buf, st) == 0)
			return 0;
		if (*colon == '\0')
			break;
	}
	if (join_path(buf, len, "", 0, cmd) == -1 && len > 0)
		buf[0] = '\0';
	errno = toolong ? ENAMETOOLONG : ENOENT;
	return -1;
}
