/*
 * signame: Linux signal names to numbers and back, as supervisor's
 * datatypes.signal_number reads them and options.signame prints them.
 * Which signals a program may be sent is the caller's policy.
 */
#include <ctype.h>
#include <limits.h>
#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <string.h>
#include <strings.h>

#include "libproc/signame.h"

/*
 * The classic signals, by number, without "SIG".  Where two names share
 * a number the one supervisor 4.2.5 prints comes first here: ABRT over
 * IOT, CHLD over CLD, and POLL over IO (Python's signal module happens to
 * list SIGPOLL last, so supervisor logs "terminated by SIGPOLL").
 */
static const char *const signames[] = {
	[SIGHUP] = "HUP",
	[SIGINT] = "INT",
	[SIGQUIT] = "QUIT",
	[SIGILL] = "ILL",
	[SIGTRAP] = "TRAP",
	[SIGABRT] = "ABRT",
	[SIGBUS] = "BUS",
	[SIGFPE] = "FPE",
	[SIGKILL] = "KILL",
	[SIGUSR1] = "USR1",
	[SIGSEGV] = "SEGV",
	[SIGUSR2] = "USR2",
	[SIGPIPE] = "PIPE",
	[SIGALRM] = "ALRM",
	[SIGTERM] = "TERM",
	[SIGSTKFLT] = "STKFLT",
	[SIGCHLD] = "CHLD",
	[SIGCONT] = "CONT",
	[SIGSTOP] = "STOP",
	[SIGTSTP] = "TSTP",
	[SIGTTIN] = "TTIN",
	[SIGTTOU] = "TTOU",
	[SIGURG] = "URG",
	[SIGXCPU] = "XCPU",
	[SIGXFSZ] = "XFSZ",
	[SIGVTALRM] = "VTALRM",
	[SIGPROF] = "PROF",
	[SIGWINCH] = "WINCH",
	[SIGPOLL] = "POLL",
	[SIGPWR] = "PWR",
	[SIGSYS] = "SYS",
};

#define NSIGNAMES	((int)(sizeof(signames) / sizeof(signames[0])))

/* Second names Python's signal module also knows. */
static const struct {
	const char	*name;
	int		 sig;
} aliases[] = {
	{ "IOT", SIGIOT },
	{ "CLD", SIGCHLD },
	{ "IO", SIGIO },
};

const char *
proc_sig_name(int sig)
{
	if (sig > 0 && sig < NSIGNAMES && signames[sig] != NULL)
		return signames[sig];
	/*
	 * Of the realtime signals Python names only the two ends, with
	 * glibc's values (32 and 33 are reserved for its threads).
	 */
	if (sig == SIGRTMIN)
		return "RTMIN";
	if (sig == SIGRTMAX)
		return "RTMAX";
	return NULL;
}

/*
 * Python's int() as signal_number uses it: optional sign, decimal digits.
 * 0 and a number, or -1 if s is not one.
 */
static int
parse_int(const char *s, size_t n, long *val)
{
	long	 v = 0;
	bool	 neg = false;
	size_t	 i = 0;

	if (i < n && (s[i] == '+' || s[i] == '-'))
		neg = s[i++] == '-';
	if (i == n)
		return -1;
	for (; i < n; i++) {
		if (!isdigit((unsigned char)s[i]))
			return -1;
		if (v < INT_MAX)	/* saturate: too big is out of range */
			v = v * 10 + (s[i] - '0');
	}
	*val = neg ? -v : v;
	return 0;
}

int
proc_sig_num(const char *name)
{
	const char	*s, *e;
	size_t		 n, i;
	long		 v;
	int		 sig;

	if (name == NULL)
		return -1;
	/* Python's strip(): surrounding white space does not count. */
	for (s = name; isspace((unsigned char)*s); s++)
		;
	for (e = s + strlen(s); e > s && isspace((unsigned char)e[-1]); e--)
		;
	n = (size_t)(e - s);
	if (n == 0)
		return -1;

	if (parse_int(s, n, &v) == 0) {
		/*
		 * supervisor accepts only numbers that have a name; it also
		 * takes 0 (SIG_BLOCK is in its list by accident), which
		 * signals nothing and so is refused here.
		 */
		if (v <= 0 || v > INT_MAX)
			return -1;
		return proc_sig_name((int)v) != NULL ? (int)v : -1;
	}

	if (n > 3 && strncasecmp(s, "SIG", 3) == 0) {
		s += 3;
		n -= 3;
	}
	for (sig = 1; sig < NSIGNAMES; sig++)
		if (signames[sig] != NULL && strlen(signames[sig]) == n &&
		    strncasecmp(s, signames[sig], n) == 0)
			return sig;
	for (i = 0; i < sizeof(aliases) / sizeof(aliases[0]); i++)
		if (strlen(aliases[i].name) == n &&
		    strncasecmp(s, aliases[i].name, n) == 0)
			return aliases[i].sig;
	if (n == 5 && strncasecmp(s, "RTMIN", 5) == 0)
		return SIGRTMIN;
	if (n == 5 && strncasecmp(s, "RTMAX", 5) == 0)
		return SIGRTMAX;
	return -1;
}
