/*
 * floor: the bare C loops the daemon is compared with.  The probe starts
 * and measures them exactly as it does a supervisor, so the ratios
 * compare the supervisors' work with the least work the kernel needs.
 *
 *	floor spawn N PATH [ARG...]
 *		fork and exec PATH N times, then wait for SIGTERM; on it,
 *		SIGTERM every child, reap them all and exit 0.
 *	floor spawnp N PATH [ARG...]
 *		the same, but each child gets three close-on-exec pipes as
 *		stdin, stdout and stderr, whose other ends this process
 *		keeps, as a supervisor does: every fork then copies, and
 *		every exec closes, all the ends held so far.  Not a target,
 *		an explanation: it shows what holding pipes costs.
 *	floor spawnw N PATH [ARG...]
 *		as spawnp, and after each fork wait until the child has
 *		exec'd (EOF on a close-on-exec pipe) before the next fork,
 *		as a spawner that reports exec failures synchronously does:
 *		it shows what that serialisation costs.
 *	floor respawn PATH [ARG...]
 *		fork and exec PATH, wait for its exit, fork it again; on
 *		SIGTERM, let the running child finish and exit 0 (PATH is
 *		meant to be tick, which lives 20 ms).
 *
 * No pipes, no setsid, no signal reset beyond the mask: this is the floor,
 * not a supervisor.  While it waits, it sleeps in sigwait(): it also
 * serves as the floor of the idle wakeups figure.
 */
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static sigset_t		 oldmask;
static int		 with_pipes;
static int		 wait_exec;

static void
usage(void)
{
	fputs("usage: floor spawn N PATH [ARG...]\n"
	    "       floor spawnp N PATH [ARG...]\n"
	    "       floor spawnw N PATH [ARG...]\n"
	    "       floor respawn PATH [ARG...]\n", stderr);
	exit(2);
}

static pid_t
start(char *argv[])
{
	pid_t	 pid;
	char	 c;
	int	 p[3][2], ep[2], i;

	for (i = 0; with_pipes && i < 3; i++) {
		if (pipe2(p[i], O_CLOEXEC) == -1)
			return -1;
	}
	if (wait_exec && pipe2(ep, O_CLOEXEC) == -1)
		return -1;
	pid = fork();
	if (pid == 0) {
		if (with_pipes && (dup2(p[0][0], 0) == -1 ||
		    dup2(p[1][1], 1) == -1 || dup2(p[2][1], 2) == -1))
			_exit(127);
		/* The mask survives exec: give the program ours from before. */
		sigprocmask(SIG_SETMASK, &oldmask, NULL);
		execv(argv[0], argv);
		_exit(127);
	}
	/* Keep our ends, as a supervisor does, never to read them. */
	if (with_pipes) {
		close(p[0][0]);
		close(p[1][1]);
		close(p[2][1]);
	}
	if (wait_exec) {
		close(ep[1]);
		while (read(ep[0], &c, 1) == -1 && errno == EINTR)
			;
		close(ep[0]);
	}
	return pid;
}

static int
reap_all(void)
{
	for (;;) {
		if (waitpid(-1, NULL, 0) == -1) {
			if (errno == EINTR)
				continue;
			return errno == ECHILD ? 0 : -1;
		}
	}
}

static int
floor_spawn(long n, char *argv[])
{
	sigset_t	 term;
	pid_t		*pids;
	long		 i;
	int		 sig;

	if ((pids = calloc((size_t)n, sizeof(*pids))) == NULL) {
		perror("floor: calloc");
		return 1;
	}
	for (i = 0; i < n; i++) {
		if ((pids[i] = start(argv)) == -1) {
			perror("floor: fork");
			return 1;
		}
	}
	sigemptyset(&term);
	sigaddset(&term, SIGTERM);
	while (sigwait(&term, &sig) != 0)
		;
	for (i = 0; i < n; i++)
		kill(pids[i], SIGTERM);
	free(pids);
	return reap_all() == -1 ? 1 : 0;
}

static int
floor_respawn(char *argv[])
{
	sigset_t	 term;
	pid_t		 pid;
	int		 sig;

	sigemptyset(&term);
	sigaddset(&term, SIGTERM);
	for (;;) {
		if ((pid = start(argv)) == -1) {
			perror("floor: fork");
			return 1;
		}
		if (waitpid(pid, NULL, 0) == -1) {
			perror("floor: waitpid");
			return 1;
		}
		/* SIGTERM is blocked: look for it between two runs. */
		if (sigpending(&term) == 0 && sigismember(&term, SIGTERM)) {
			sigwait(&term, &sig);
			return 0;
		}
		sigemptyset(&term);
		sigaddset(&term, SIGTERM);
	}
}

int
main(int argc, char *argv[])
{
	sigset_t	 block;
	char		*end;
	long		 n;

	if (argc < 3)
		usage();
	/* Blocked from the start, so a SIGTERM is never lost or fatal. */
	sigemptyset(&block);
	sigaddset(&block, SIGTERM);
	sigprocmask(SIG_BLOCK, &block, &oldmask);
	if (strcmp(argv[1], "spawnw") == 0)
		wait_exec = 1;
	if (strcmp(argv[1], "spawnp") == 0 || wait_exec) {
		with_pipes = 1;
		argv[1] = "spawn";
	}
	if (strcmp(argv[1], "spawn") == 0) {
		if (argc < 4)
			usage();
		n = strtol(argv[2], &end, 10);
		if (*end != '\0' || n < 1)
			usage();
		return floor_spawn(n, argv + 3);
	}
	if (strcmp(argv[1], "respawn") == 0)
		return floor_respawn(argv + 2);
	usage();
	return 2;
}
