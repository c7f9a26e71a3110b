/*
 * reap: collect exited children without blocking, describe a wait status
 * in supervisor's words, and signal a process or its group.  Which pid
 * belongs to which program is the caller's business.
 */
#include <sys/types.h>
#include <sys/wait.h>

#include <errno.h>
#include <signal.h>
#include <stdio.h>

#include "libproc/reap.h"
#include "libproc/signame.h"

pid_t
proc_reap(int *status)
{
	pid_t	pid;
	int	st;

	do {
		pid = waitpid(-1, &st, WNOHANG);
	} while (pid == -1 && errno == EINTR);
	if (pid > 0 && status != NULL)
		*status = st;
	return pid;
}

pid_t
proc_reap_pid(pid_t pid, int *status)
{
	pid_t	r;
	int	st;

	if (pid <= 0) {
		/* Not "any child" nor a group: one pid. */
		errno = EINVAL;
		return -1;
	}
	do {
		r = waitpid(pid, &st, WNOHANG);
	} while (r == -1 && errno == EINTR);
	if (r > 0 && status != NULL)
		*status = st;
	return r;
}

const char *
proc_exit_text(int status, char *buf, size_t len)
{
	const char	*name;
	const char	*core;

	if (len == 0)
		return buf;
	/* supervisor 4.2.5: options.decode_wait_status. */
	if (WIFEXITED(status)) {
		snprintf(buf, len, "exit status %d", WEXITSTATUS(status));
	} else if (WIFSIGNALED(status)) {
		core = WCOREDUMP(status) ? " (core dumped)" : "";
		name = proc_sig_name(WTERMSIG(status));
		if (name != NULL)
			snprintf(buf, len, "terminated by SIG%s%s", name, core);
		else
			snprintf(buf, len, "terminated by signal %d%s",
			    WTERMSIG(status), core);
	} else
		snprintf(buf, len, "unknown termination cause 0x%04x",
		    (unsigned int)status);
	return buf;
}

int
proc_exit_code(int status)
{
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

int
proc_kill(pid_t pid, int sig, bool group)
{
	/*
	 * kill(0) and kill(-1) would reach our own group or every process
	 * we may signal: never what a caller holding a child's pid meant.
	 */
	if (pid <= 0) {
		errno = EINVAL;
		return -1;
	}
	return kill(group ? -pid : pid, sig);
}
