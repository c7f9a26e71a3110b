/*
 * spawn: fork and exec one program from a fully resolved specification.
 *
 * The caller resolves everything that is not async-signal-safe before the
 * call (the absolute path, uid, gid, groups, argv, envp); the child only
 * runs system calls.  A failure in the child is reported back synchronously
 * through a close-on-exec pipe, with the step that failed and its errno.
 * Policy (what to run, when, as whom) is the caller's.
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
	PROC_STEP_FORK,		/* in the parent: vfork */
	PROC_STEP_SETSID,
	PROC_STEP_DUP2,
	PROC_STEP_SIGNALS,
	PROC_STEP_RLIMIT,
	PROC_STEP_SETGROUPS,
	PROC_STEP_SETGID,
	PROC_STEP_SETUID,
	PROC_STEP_CHDIR,
	PROC_STEP_EXEC,
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
	bool			 async_report;	/* don't wait for the exec */
	/*
	 * The child's fd 0 is this descriptor (dup2'ed in the child, left
	 * open and unchanged here) instead of a pipe: in_fd is then -1.
	 * The two share their file status flags: a listening socket meant
	 * to be blocking in the child must be blocking here.
	 */
	bool			 use_stdin_fd;
	int			 stdin_fd;
};

/* The parent's ends of the child's standard streams. */
struct proc_child {
	pid_t	pid;
	int	in_fd;		/* write end of the child's stdin */
	int	out_fd;		/* read end of the child's stdout */
	int	err_fd;		/* read end of its stderr, -1 if merged */
	int	report_fd;	/* async_report: the exec report, else -1 */
};

/*
 * Spawn spec.  On success fill *child and return its pid: the three fds are
 * the caller's, O_CLOEXEC and O_NONBLOCK.  On failure return -1, fill *err
 * with the failing step and errno (also left in errno); a child that failed
 * has been reaped and no fd is left open.  Every signal is blocked in the
 * parent around vfork() and the mask restored after.
 * The child runs: setsid, dup2 of the pipes onto 0-2, SIG_DFL for every
 * signal then an empty mask, rlimits, setgroups/setgid/setuid if set_ids,
 * chdir, umask, close_range(3, ~0U, CLOSE_RANGE_CLOEXEC) best effort,
 * execve.
 */
pid_t	proc_spawn(const struct proc_spawn_spec *spec, struct proc_child *child,
	    struct proc_spawn_err *err);

/*
 * With spec->async_report, proc_spawn returns as soon as the child is
 * forked, without waiting for its exec, so that the caller can fork the
 * next one while this one sets itself up; child->report_fd (O_CLOEXEC,
 * O_NONBLOCK, the caller's to close) then becomes readable once the child
 * has exec'd or failed.  Read it with proc_spawn_report: 0 when the exec
 * happened; 1 when the child failed, with *err filled (the child then
 * exits 127: reap it as any other); -1 with errno EAGAIN while the child
 * is still setting up.  A short or unreadable report is a failure with
 * step PROC_STEP_NONE: the child's fate is unknown, kill it.
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
