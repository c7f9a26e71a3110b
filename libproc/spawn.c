/*
 * spawn: fork and exec one program from a fully resolved specification,
 * and resolve a command name on PATH beforehand.
 *
 * Everything that is not async-signal-safe happens in the parent, before
 * the child is made: pipes, the PATH search (proc_which), and whatever the
 * caller prepared (argv, envp, uid, gid, groups).  Between clone and exec
 * the child makes system calls only.  What to run, as whom and how to
 * report a failure is the caller's policy.
 *
 * The child is made with clone(CLONE_VM | CLONE_VFORK | CLONE_FILES), as
 * posix_spawn implementations do without CLONE_FILES: no page tables are
 * copied, and the child starts on the daemon's own descriptor table
 * instead of a copy of it.  Its ends of the pipes are staged beforehand in
 * a window of low descriptor numbers, held by /dev/null placeholders the
 * rest of the time, and its very first step is close_range(first, ~0U,
 * CLOSE_RANGE_UNSHARE): the kernel then gives it a table of its own made
 * of the few descriptors below first, whatever the daemon holds above.
 * A fork would copy the daemon's whole table and the exec close it again,
 * which makes a spawn cost grow with the number of programs running.
 * Until the unshare succeeds the child shares the daemon's table, so a
 * child whose unshare fails leaves at once, touching no descriptor.  The
 * parent is suspended until the child execs or exits, and the child
 * shares its memory meanwhile: it runs on a stack of its own (mapped once,
 * reused), writes only there, in errno and in the struct proc_spawn_err
 * the parent reads when it resumes (as glibc's posix_spawn does), and
 * leaves with execve or _exit.  Signals are blocked around the clone and
 * the child has its own dispositions (no CLONE_SIGHAND), so no handler of
 * the parent's runs in it.  The parent restores the placeholders as soon
 * as it resumes, so that it holds no extra copy of the child's ends (else
 * the end of the child's stdout would never be seen).
 *
 * Where CLOSE_RANGE_UNSHARE is missing (kernels before 5.9, a seccomp
 * profile that refuses close_range), found by a test clone made once,
 * every spawn takes the older path: vfork(), the child closes nothing
 * (everything of ours is close-on-exec) and reports its failing step
 * through a close-on-exec error pipe, read at once or, with
 * async_report, later by the caller.
 */
#include <sys/types.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <sched.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include "libproc/spawn.h"

#ifndef CLOSE_RANGE_UNSHARE
#define CLOSE_RANGE_UNSHARE	(1U << 1)
#endif
#ifndef CLOSE_RANGE_CLOEXEC
#define CLOSE_RANGE_CLOEXEC	(1U << 2)
#endif
#if !defined(SYS_close_range) && defined(__NR_close_range)
#define SYS_close_range	__NR_close_range
#endif

/*
 * The child's code runs on a stack AddressSanitizer does not know: its
 * instrumentation there (a "no return" hook before _exit) only warns.
 */
#define CHILD_CODE	__attribute__((no_sanitize_address))

/* The child's stack on the clone path: mapped once, a guard page below. */
#define CHILD_STACK	(256 * 1024)
/* Descriptors staged for the child: stdin, stdout, stderr. */
#define WINDOW		3

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
	[PROC_STEP_UNSHARE] = "unshare",
	[PROC_STEP_PDEATHSIG] = "prctl",
};

/* The child's ends and the error pipe's write end, as the child uses them. */
struct child_fds {
	int	in;		/* read end of stdin */
	int	out;		/* write end of stdout */
	int	err;		/* write end of stderr, or out if merged */
	int	report;		/* write end of the error pipe, -1 on clone */
};

/* What the child is handed: on the clone path, in the parent's memory. */
struct child_ctx {
	const struct proc_spawn_spec *spec;
	struct child_fds	 fds;
	struct proc_spawn_err	*shared;	/* clone: its failure */
	unsigned int		 first;		/* clone: the first fd closed */
	pid_t			 parent;	/* the spawner's pid */
};

/*
 * The clone path's state, made once by the probe.  The window's fds hold
 * /dev/null placeholders (close-on-exec) except while a child is being
 * made.  Not for concurrent use: the daemon spawns from one thread.
 */
static struct {
	enum proc_spawn_mode	 want;		/* AUTO or FORK */
	int			 state;		/* -1 not probed, 0 no, 1 yes */
	int			 devnull;
	int			 win[WINDOW];
	unsigned int		 first;		/* 1 + the highest of win */
	char			*stack;		/* a guard page, the stack */
} cl = {
	PROC_SPAWN_AUTO, -1, -1, { -1, -1, -1 }, 0, NULL
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
static void CHILD_CODE __attribute__((noreturn))
child_fail(struct child_ctx *cx, int step)
{
	struct proc_spawn_err	e;
	ssize_t			n;

	e.step = step;
	e.err = errno;
	if (cx->shared != NULL) {
		/* The parent reads it once we are gone (CLONE_VM). */
		cx->shared->step = e.step;
		cx->shared->err = e.err;
		_exit(127);
	}
	do {
		n = write(cx->fds.report, &e, sizeof(e));
	} while (n == -1 && errno == EINTR);
	_exit(127);
}

/*
 * In the child: move fd above 2 so that the dup2 onto 0-2 cannot
 * overwrite it (only possible if the caller ran with 0-2 closed).
 */
static int CHILD_CODE
child_lift(int *fd)
{
	int	nfd;

	if (*fd > 2 || *fd == -1)
		return 0;
	if ((nfd = fcntl(*fd, F_DUPFD_CLOEXEC, 3)) == -1)
		return -1;
	*fd = nfd;
	return 0;
}

/*
 * In the child, between clone (or vfork) and exec: async-signal-safe calls
 * only, and no write to memory the parent uses but *cx->shared (see the
 * top of this file).  Every signal is blocked on entry (the parent blocked
 * them around the clone).
 */
static void CHILD_CODE __attribute__((noreturn))
child_run(struct child_ctx *cx)
{
	const struct proc_spawn_spec *spec = cx->spec;
	struct child_fds	*fds = &cx->fds;
	struct sigaction	 sa;
	unsigned long		 ksa[8];	/* a kernel struct sigaction */
	sigset_t		 empty;
	size_t			 i;
	int			 sig;

	/*
	 * Clone path: until this succeeds the table is the daemon's own, so
	 * nothing may be opened, closed or dup'ed before it.  The new table
	 * holds only the fds below first: ours, close-on-exec, and the
	 * window, where the parent staged our ends.
	 */
	if (cx->shared != NULL &&
	    syscall(SYS_close_range, cx->first, ~0U, CLOSE_RANGE_UNSHARE) == -1)
		child_fail(cx, PROC_STEP_UNSHARE);

	if (setsid() == -1)
		child_fail(cx, PROC_STEP_SETSID);

	/* The report pipe first (fork path): the others' failures go
	 * through it. */
	if (child_lift(&fds->report) == -1)
		child_fail(cx, PROC_STEP_DUP2);
	if (child_lift(&fds->in) == -1 || child_lift(&fds->out) == -1 ||
	    child_lift(&fds->err) == -1)
		child_fail(cx, PROC_STEP_DUP2);
	/* All sources are now above 2, so no dup2 is onto itself. */
	if (dup2(fds->in, STDIN_FILENO) == -1 ||
	    dup2(fds->out, STDOUT_FILENO) == -1 ||
	    dup2(spec->merge_stderr ? fds->out : fds->err,
	    STDERR_FILENO) == -1)
		child_fail(cx, PROC_STEP_DUP2);

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
			child_fail(cx, PROC_STEP_SIGNALS);
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
		child_fail(cx, PROC_STEP_SIGNALS);

	for (i = 0; i < spec->nrlimits; i++)
		if (setrlimit(spec->rlimits[i].resource,
		    &spec->rlimits[i].limit) == -1)
			child_fail(cx, PROC_STEP_RLIMIT);

	if (spec->set_ids) {
		/*
		 * setgroups and setgid before setuid: we lose the right.  Raw
		 * system calls: glibc's wrappers would, in a threaded caller,
		 * signal the parent's other threads from this vfork child.
		 */
		if (syscall(SYS_setgroups, spec->ngroups, spec->groups) == -1)
			child_fail(cx, PROC_STEP_SETGROUPS);
		if (syscall(SYS_setgid, spec->gid) == -1)
			child_fail(cx, PROC_STEP_SETGID);
		if (syscall(SYS_setuid, spec->uid) == -1)
			child_fail(cx, PROC_STEP_SETUID);
	}

	/*
	 * After the uid switch, which clears it.  Then the parent may have
	 * died before it was set: nobody would send the signal.
	 */
	if (spec->die_with_parent) {
		if (prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) == -1)
			child_fail(cx, PROC_STEP_PDEATHSIG);
		if (getppid() != cx->parent) {
			errno = ESRCH;
			child_fail(cx, PROC_STEP_PDEATHSIG);
		}
	}

	/*
	 * supervisor 4.2.5 changes directory after the uid switch, so the
	 * directory is entered with the program's own rights.
	 */
	if (spec->dir != NULL && chdir(spec->dir) == -1)
		child_fail(cx, PROC_STEP_CHDIR);
	if (spec->set_umask)
		(void)umask(spec->umask);

	/*
	 * A second line of defence against fds the caller's process leaked
	 * without O_CLOEXEC (below the window on the clone path, any on the
	 * fork path).  It marks rather than closes, so the error pipe lives
	 * until exec.  Best effort: Linux 5.11 and later, and some seccomp
	 * profiles refuse it.
	 */
#ifdef SYS_close_range
	(void)syscall(SYS_close_range, 3U, ~0U, CLOSE_RANGE_CLOEXEC);
#endif

	execve(spec->path, spec->argv, spec->envp);
	child_fail(cx, PROC_STEP_EXEC);
}

/* Make pipe p unless it is made, its parent's end (end) non-blocking. */
static int
pipe_make(int p[2], int end)
{
	if (p[0] != -1)
		return 0;
	if (pipe2(p, O_CLOEXEC) == -1)
		return -1;
	if (end != -1 && set_nonblock(p[end]) == -1) {
		close_pair(p);
		return -1;
	}
	return 0;
}

/*
 * Make whichever of the pipes the spawn needs is not made yet: 0, or -1
 * with errno and every one of them closed.  The child's ends must stay
 * blocking (dup2 clears close-on-exec but keeps the file status flags),
 * so O_NONBLOCK goes on the parent's ends only.
 */
static int
pipes_make(int inp[2], int outp[2], int errp[2], int rep[2], bool merge,
    bool use_stdin, bool report)
{
	int	e;

	if ((!use_stdin && pipe_make(inp, 1) == -1) ||
	    pipe_make(outp, 0) == -1 ||
	    (!merge && pipe_make(errp, 0) == -1) ||
	    (report && pipe_make(rep, -1) == -1)) {
		e = errno;
		close_pair(inp);
		close_pair(outp);
		close_pair(errp);
		close_pair(rep);
		errno = e;
		return -1;
	}
	/* A report pipe made for a fork path given up since is not used. */
	if (!report)
		close_pair(rep);
	return 0;
}

int
proc_pipes_open(struct proc_pipes *pp, bool merge_stderr, bool use_stdin_fd)
{
	memset(pp, -1, sizeof(*pp));
	if (pipes_make(pp->in, pp->out, pp->err, pp->rep, merge_stderr,
	    use_stdin_fd, proc_spawn_mode() == PROC_SPAWN_FORK) == -1)
		return -1;
	return 0;
}

void
proc_pipes_close(struct proc_pipes *pp)
{
	close_pair(pp->in);
	close_pair(pp->out);
	close_pair(pp->err);
	close_pair(pp->rep);
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

static int CHILD_CODE
child_entry(void *arg)
{
	child_run(arg);
}

/* The probe's child: unshare, and say whether that worked. */
static int CHILD_CODE
probe_entry(void *arg)
{
	struct child_ctx *cx = arg;

	if (syscall(SYS_close_range, cx->first, ~0U, CLOSE_RANGE_UNSHARE) == -1)
		child_fail(cx, PROC_STEP_UNSHARE);
	_exit(0);
}

/*
 * clone(CLONE_VM | CLONE_VFORK | CLONE_FILES) with every signal blocked
 * (see proc_spawn): returns once the child has exec'd or exited.
 */
static pid_t
clone_child(int (*fn)(void *), struct child_ctx *cx)
{
	sigset_t	all, old;
	pid_t		pid;
	int		e;

	sigfillset(&all);
	if (sigprocmask(SIG_SETMASK, &all, &old) == -1)
		return -1;
	/* The stack grows down on every architecture Linux runs us on
	 * but hppa, which has no close_range before 5.9 either. */
	pid = clone(fn, cl.stack + CHILD_STACK + (size_t)getpagesize(),
	    CLONE_VM | CLONE_VFORK | CLONE_FILES | SIGCHLD, cx);
	e = errno;
	(void)sigprocmask(SIG_SETMASK, &old, NULL);
	errno = e;
	return pid;
}

/* Give back what the probe made: the fork path needs none of it. */
static void
clone_release(void)
{
	int	i;

	for (i = 0; i < WINDOW; i++)
		close_fd(&cl.win[i]);
	close_fd(&cl.devnull);
	if (cl.stack != NULL) {
		(void)munmap(cl.stack, CHILD_STACK + (size_t)getpagesize());
		cl.stack = NULL;
	}
	cl.state = 0;
}

/*
 * Make the window, its placeholders and the child's stack, then clone a
 * child that only unshares its table: 1 if that works here, else 0 (and
 * every spawn takes the fork path).
 */
static int
clone_probe(void)
{
	struct proc_spawn_err	ce;
	struct child_ctx	cx;
	size_t			page = (size_t)getpagesize();
	pid_t			pid;
	int			i, st;

	clone_release();
	if (cl.want == PROC_SPAWN_FORK)
		return 0;
#ifndef SYS_close_range
	return 0;
#else
	/* Above 2: the child's dup2 onto 0-2 must not hit the window. */
	if ((cl.devnull = open("/dev/null", O_RDWR | O_CLOEXEC)) == -1)
		goto fail;
	cl.first = 0;
	for (i = 0; i < WINDOW; i++) {
		if ((cl.win[i] = fcntl(cl.devnull, F_DUPFD_CLOEXEC, 3)) == -1)
			goto fail;
		if ((unsigned int)cl.win[i] + 1 > cl.first)
			cl.first = (unsigned int)cl.win[i] + 1;
	}
	cl.stack = mmap(NULL, CHILD_STACK + page, PROT_READ | PROT_WRITE,
	    MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_STACK, -1, 0);
	if (cl.stack == MAP_FAILED) {
		cl.stack = NULL;
		goto fail;
	}
	if (mprotect(cl.stack, page, PROT_NONE) == -1)
		goto fail;

	memset(&cx, 0, sizeof(cx));
	memset(&ce, 0, sizeof(ce));
	cx.shared = &ce;
	cx.first = cl.first;
	if ((pid = clone_child(probe_entry, &cx)) == -1)
		goto fail;
	while (waitpid(pid, &st, 0) == -1 && errno == EINTR)
		;
	if (ce.step != PROC_STEP_NONE)
		goto fail;
	cl.state = 1;
	return 1;
fail:
	clone_release();
	return 0;
#endif
}

void
proc_spawn_set_mode(enum proc_spawn_mode mode)
{
	clone_release();
	cl.want = mode == PROC_SPAWN_FORK ? PROC_SPAWN_FORK : PROC_SPAWN_AUTO;
	cl.state = -1;
}

enum proc_spawn_mode
proc_spawn_mode(void)
{
	if (cl.state == -1)
		(void)clone_probe();
	return cl.state == 1 ? PROC_SPAWN_CLONE : PROC_SPAWN_FORK;
}

/*
 * Put the placeholders back on the first n fds of the window: the
 * parent must hold no copy of the child's ends.  Should that fail (it
 * cannot, single-threaded: the target is open), the fd is closed and
 * the clone path given up.
 */
static void
window_restore(int n)
{
	int	i, broken = 0;

	for (i = 0; i < n; i++)
		if (dup3(cl.devnull, cl.win[i], O_CLOEXEC) == -1) {
			close_fd(&cl.win[i]);
			broken = 1;
		}
	if (broken)
		clone_release();
}

/*
 * The clone path (see the top of this file).  The pipes are made; the
 * child's ends are staged in the window, the child made, the window
 * restored.  The child's failure, if any, is in ce when clone returns.
 */
static pid_t
spawn_clone(const struct proc_spawn_spec *spec, struct child_ctx *cx,
    struct proc_spawn_err *ce)
{
	int	src[WINDOW], n, i, e;
	pid_t	pid;

	n = 0;
	src[n++] = cx->fds.in;
	src[n++] = cx->fds.out;
	if (!spec->merge_stderr)
		src[n++] = cx->fds.err;
	for (i = 0; i < n; i++)
		if (dup3(src[i], cl.win[i], O_CLOEXEC) == -1) {
			e = errno;
			window_restore(i);
			ce->step = PROC_STEP_DUP2;
			ce->err = e;
			return 0;
		}
	cx->fds.in = cl.win[0];
	cx->fds.out = cl.win[1];
	cx->fds.err = spec->merge_stderr ? cl.win[1] : cl.win[2];
	cx->fds.report = -1;
	cx->shared = ce;
	cx->first = cl.first;
	pid = clone_child(child_entry, cx);
	e = errno;
	window_restore(n);
	if (pid == -1) {
		ce->step = PROC_STEP_FORK;
		ce->err = e;
		return 0;
	}
	return pid;
}

pid_t
proc_spawn(const struct proc_spawn_spec *spec, struct proc_child *child,
    struct proc_spawn_err *err)
{
	struct proc_spawn_err	 ce;
	struct child_ctx	 cx;
	sigset_t		 all, old;
	ssize_t			 n;
	size_t			 got;
	pid_t			 pid;
	int			 inp[2] = { -1, -1 }, outp[2] = { -1, -1 };
	int			 errp[2] = { -1, -1 }, rep[2] = { -1, -1 };
	int			 e, st;
	bool			 use_clone;

	use_clone = proc_spawn_mode() == PROC_SPAWN_CLONE;

	if (spec->pipes != NULL) {
		/* Taken over: the caller's struct holds no descriptor now. */
		memcpy(inp, spec->pipes->in, sizeof(inp));
		memcpy(outp, spec->pipes->out, sizeof(outp));
		memcpy(errp, spec->pipes->err, sizeof(errp));
		memcpy(rep, spec->pipes->rep, sizeof(rep));
		memset(spec->pipes, -1, sizeof(*spec->pipes));
	}
	if (pipes_make(inp, outp, errp, rep, spec->merge_stderr,
	    spec->use_stdin_fd, !use_clone) == -1)
		return spawn_fail(err, PROC_STEP_PIPE, errno);

	/*
	 * The caller's descriptor is not ours to close: the child dup2s it
	 * onto 0 (which clears close-on-exec on that copy only) and it is
	 * left open here.  Its file status flags (O_NONBLOCK) are shared
	 * with the child's copy, so it is handed over as it is.
	 */
	memset(&cx, 0, sizeof(cx));
	cx.spec = spec;
	cx.parent = getpid();
	cx.fds.in = spec->use_stdin_fd ? spec->stdin_fd : inp[0];
	cx.fds.out = outp[1];
	cx.fds.err = spec->merge_stderr ? outp[1] : errp[1];
	cx.fds.report = rep[1];

	if (use_clone) {
		memset(&ce, 0, sizeof(ce));
		pid = spawn_clone(spec, &cx, &ce);
		close_fd(&inp[0]);
		close_fd(&outp[1]);
		close_fd(&errp[1]);
		if (ce.step == PROC_STEP_NONE) {
			child->pid = pid;
			child->in_fd = inp[1];
			child->out_fd = outp[0];
			child->err_fd = errp[0];
			child->report_fd = -1;
			return pid;
		}
		if (pid > 0)
			while (waitpid(pid, &st, 0) == -1 && errno == EINTR)
				;
		close_fd(&inp[1]);
		close_fd(&outp[0]);
		close_fd(&errp[0]);
		/*
		 * The probe passed but the unshare is refused now (a seccomp
		 * filter installed since): the fork path from now on.
		 */
		if (ce.step == PROC_STEP_UNSHARE) {
			struct proc_spawn_spec again = *spec;

			clone_release();
			again.pipes = NULL;	/* closed above */
			return proc_spawn(&again, child, err);
		}
		return spawn_fail(err, ce.step, ce.err);
	}

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
		child_run(&cx);
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
