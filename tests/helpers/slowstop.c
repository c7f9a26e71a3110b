/*
 * slowstop: run until SIGTERM, then take MS milliseconds to exit (exit
 * status 0), so that the tests can see which programs are stopping at
 * the same time.  It writes "ready" to stdout once SIGTERM is caught, so
 * a test knows a signal will not find the default action.
 *
 *	slowstop MS
 */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

static volatile sig_atomic_t	 term;

static void
term_handler(int sig)
{
	(void)sig;
	term = 1;
}

int
main(int argc, char *argv[])
{
	struct sigaction	 sa;
	struct timespec		 ts;
	sigset_t		 mask, old;
	long			 ms;

	ms = argc > 1 ? strtol(argv[1], NULL, 10) : 500;
	sa.sa_handler = term_handler;
	sa.sa_flags = 0;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigemptyset(&mask);
	sigaddset(&mask, SIGTERM);
	sigprocmask(SIG_BLOCK, &mask, &old);
	if (write(1, "ready\n", 6) != 6)
		return 1;
	while (!term)
		sigsuspend(&old);
	ts.tv_sec = ms / 1000;
	ts.tv_nsec = (ms % 1000) * 1000000;
	while (nanosleep(&ts, &ts) == -1 && errno == EINTR)
		;
	return 0;
}
