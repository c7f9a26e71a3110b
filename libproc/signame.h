/*
 * signame: signal names to numbers and back.
 */
#ifndef LIBPROC_SIGNAME_H
#define LIBPROC_SIGNAME_H

/*
 * The number of a signal named "TERM", "SIGTERM", "term" or "15" (as
 * supervisor's signal_number accepts).  -1 if unknown or out of range.
 */
int	proc_sig_num(const char *name);

/* The name without "SIG" ("TERM"), or NULL for an unknown number. */
const char *proc_sig_name(int sig);

#endif /* LIBPROC_SIGNAME_H */
