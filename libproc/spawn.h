/*
 * spawn: fork and exec one program from a fully resolved specification.
 *
 * The caller resolves everything that is not async-signal-safe before the
 * call (the absolute path, uid, gid, groups, argv, envp); the child only
 * runs system calls.  A failure in the child is reported back with the
 * step that failed and its errno: in memory shared with the child on the
 * clone path, through a close-on-exec pipe on the fork path (see
 * proc_spawn_mode).  Policy (what to run, when, as whom) is the caller's.
 */
#ifndef LIBPROC_SPAWN_H
#define LIBPROC_SPAWN_H

#include <sys/stat.h>
#include <sys/types.h>
#include <sys/resource.h>
#include <stdbool.h>
#include <stddef.h>

/* The step of the child's setup that failed. */
enum proc_step {
	PROC_STEP_NONE = 0,
	PROC_STEP_PIPE,		/* in the parent: pipe2 */
	PROC_STEP_FORK,		/* in the parent: clone or vfork */
	PROC_STEP_SETSID,
	PROC_STEP_DUP2,
	PROC_STEP_SIGNALS,
	PROC_STEP_RLIMIT,
	PROC_STEP_SETGROUPS,
	PROC_STEP_SETGID,
	PROC_STEP_SETUID,
	PROC_STEP_CHDIR,
	PROC_STEP_EXEC,
	PROC_STEP_UNSHARE,	/* clone path: close_range(..., UNSHARE) */
	PROC_STEP_PDEATHSIG,	/* prctl(PR_SET_PDEATHSIG), or the parent
				   already gone (ESRCH) */
	PROC_STEP_MAX
};

struct proc_spawn_err {
	int	step;		/* enum proc_step */
	int	err;		/* errno in the child (or the parent) */
};

struct proc_rlimit {
	int		resource;	/* RLIMIT_NOFILE, ... */
	struct rlimit	limit;
};

struct proc_spawn_spec {
	const char		*path;	/* absolute path of the executable */
	char *const		*argv;	/* NULL-terminated */
	char *const		*envp;	/* NULL-terminated, the whole environment */
	const char		*dir;	/* chdir here, or NULL */
	bool			 set_umask;
	mode_t			 umask;
	bool			 set_ids;	/* setgroups/setgid/setuid */
	uid_t			 uid;
	gid_t			 gid;
	const gid_t		*groups;
	size_t			 ngroups;
	bool			 merge_stderr;	/* stderr onto the stdout pipe */
	const struct proc_rlimit *rlimits;	/* set in the child, in order */
	size_t			 nrlimits;
	bool			 async_report;	/* fork path: don't wait */
	/*
	 * SIGKILL the child when the thread that spawned it dies
	 * (PR_SET_PDEATHSIG, after the uid switch, which would clear it);
	 * a child whose parent is already gone then exits at once.  Lost
	 * at an exec of a set-user-ID program, and never reaches the
	 * child's own children.
	 */
	bool			 die_with_parent;
	/*
	 * The child's fd 0 is this descriptor (dup2'ed in the child, left
	 * open and unchanged here) instead of a pipe: in_fd is then -1.
	 * The two share their file status flags: a listening socket meant
	 * to be blocking in the child must be blocking here.
	 */
	bool			 use_stdin_fd;
	int			 stdin_fd;
	/*
	 * The spawn's pipes, made beforehand with proc_pipes_open (for the
	 * same merge_stderr and use_stdin_fd), or NULL: proc_spawn makes
	 * them.  proc_spawn takes them over, whatever it returns.
	 */
	struct proc_pipes	*pipes;
};

/* The parent's ends of the child's standard streams. */
struct proc_child {
	pid_t	pid;
	int	in_fd;		/* write end of the child's stdin */
	int	out_fd;		/* read end of the child's stdout */
	int	err_fd;		/* read end of its stderr, -1 if merged */
	int	report_fd;	/* fork path, async_report: report, else -1 */
};

/*
 * How children are made.  PROC_SPAWN_CLONE: clone(CLONE_VM | CLONE_VFORK |
 * CLONE_FILES), the child's first step close_range(first, ~0U,
 * CLOSE_RANGE_UNSHARE) so that it copies a few low fds and not the
 * caller's whole table: a spawn costs the same however many fds the
 * caller holds.  The child's failure is known when proc_spawn returns (no
 * report pipe, report_fd -1, whatever async_report says).
 * PROC_SPAWN_FORK: vfork(), whose child copies the whole table, and a
 * close-on-exec report pipe.  The clone path needs three fds of the caller
 * (placeholders on /dev/null, close-on-exec, above 2) plus one, and a
 * 256 KiB stack mapping, made once.
 */
enum proc_spawn_mode {
	PROC_SPAWN_AUTO = 0,	/* the clone path where the probe finds it */
	PROC_SPAWN_FORK,	/* the fork path always */
	PROC_SPAWN_CLONE
};

/*
 * The path spawns take: the first call probes (a test clone that only
 * unshares), once; CLONE, or FORK where that fails (Linux before 5.9, a
 * seccomp profile that refuses close_range) or was asked for.
 */
enum proc_spawn_mode proc_spawn_mode(void);

/*
 * PROC_SPAWN_FORK forces the fork path; PROC_SPAWN_AUTO (or CLONE) forgets
 * the probe's answer so that the next spawn probes again.
 */
void	proc_spawn_set_mode(enum proc_spawn_mode mode);

/*
 * The pipes of one spawn, made before it by a caller that must know it
 * has the descriptors before anything else happens (a program that would
 * wait for one is not started at all): each pair [read, write], O_CLOEXEC,
 * -1 where not made.
 */
struct proc_pipes {
	int	in[2];		/* the child's stdin, unless use_stdin_fd */
	int	out[2];
	int	err[2];		/* unless merge_stderr */
	int	rep[2];		/* the fork path's report */
};

/*
 * Make the pipes a spawn of that kind needs: 0, or -1 with errno (EMFILE,
 * ENFILE: no descriptor for them) and none left open.
 */
int	proc_pipes_open(struct proc_pipes *pp, bool merge_stderr,
	    bool use_stdin_fd);

/* Close what proc_pipes_open made (what a spawn did not take over). */
void	proc_pipes_close(struct proc_pipes *pp);

/*
 * Spawn spec.  On success fill *child and return its pid: the three fds are
 * the caller's, O_CLOEXEC and O_NONBLOCK.  On failure return -1, fill *err
 * with the failing step and errno (also left in errno); a child that failed
 * has been reaped and no fd is left open.  Every signal is blocked in the
 * parent around clone() or vfork() and the mask restored after.
 * The child runs: on the clone path close_range(first, ~0U,
 * CLOSE_RANGE_UNSHARE), then setsid, dup2 of the pipes onto 0-2, SIG_DFL
 * for every signal then an empty mask, rlimits, setgroups/setgid/setuid if
 * set_ids, chdir, umask, close_range(3, ~0U, CLOSE_RANGE_CLOEXEC) best
 * effort, execve.  Not for concurrent calls (one stack, one window).
 */
pid_t	proc_spawn(const struct proc_spawn_spec *spec, struct proc_child *child,
	    struct proc_spawn_err *err);

/*
 * On the fork path, with spec->async_report, proc_spawn returns as soon
 * as the child is forked, without waiting for its exec, so that the
 * caller can fork the next one while this one sets itself up;
 * child->report_fd (O_CLOEXEC, O_NONBLOCK, the caller's to close) then
 * becomes readable once the child has exec'd or failed.  Read it with
 * proc_spawn_report: 0 when the exec happened; 1 when the child failed,
 * with *err filled (the child then exits 127: reap it as any other); -1
 * with errno EAGAIN while the child is still setting up.  A short or
 * unreadable report is a failure with step PROC_STEP_NONE: the child's
 * fate is unknown, kill it.
 */
int	proc_spawn_report(int fd, struct proc_spawn_err *err);

/* The step's name for messages ("chdir", "execve", ...). */
const char *proc_step_name(int step);

/*
 * Find cmd as supervisor 4.2.5 does (Subprocess.get_execv_args): a cmd
 * with a '/' is taken as it is; otherwise the first directory of path (a
 * PATH value; NULL or "" means supervisor's default "/bin:/usr/bin:
 * /usr/local/bin"; an empty entry is the current directory) in which
 * stat() finds the name, whatever it is.  buf gets the path found, *st
 * (if not NULL) its stat.  0, or -1 with errno ENOENT (buf then holds
 * cmd) or ENAMETOOLONG.  Whether what was found may be run (a directory,
 * no x bit, access(X_OK)) is for the caller to say: supervisor words each.
 */
int	proc_which(const char *cmd, const char *path, char *buf, size_t len,
	    struct stat *st);

#endif /* LIBPROC_SPAWN_H */
