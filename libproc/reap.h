/*
 * reap: collect exited children and describe how they ended.
 */
#ifndef LIBPROC_REAP_H
#define LIBPROC_REAP_H

#include <sys/types.h>
#include <stdbool.h>
#include <stddef.h>

/*
 * Reap one exited child of any pid without blocking (waitpid(-1, WNOHANG),
 * EINTR retried).  Returns its pid and stores its wait status in *status;
 * 0 when children remain but none has exited; -1 with errno ECHILD when
 * there are no children.  Call in a loop until it returns 0 or -1.
 */
pid_t	proc_reap(int *status);

/*
 * Reap pid if it has exited, without blocking (waitpid(pid, WNOHANG),
 * EINTR retried): the kernel looks at that child alone, where waitpid(-1)
 * walks every child.  pid and *status, 0 while it runs, -1 with errno
 * ECHILD when it is not a child (any more).
 */
pid_t	proc_reap_pid(pid_t pid, int *status);

/*
 * Supervisor's text for a wait status: "exit status 1", "terminated by
 * SIGKILL", "terminated by SIGSEGV (core dumped)".  Writes into buf, returns
 * buf.
 */
const char *proc_exit_text(int status, char *buf, size_t len);

/* The exit code for a normal exit, or -1 when killed by a signal. */
int	proc_exit_code(int status);

/* Signal pid, or its process group if group.  0, or -1 with errno. */
int	proc_kill(pid_t pid, int sig, bool group);

#endif /* LIBPROC_REAP_H */
