/*
 * split: a command line into argv with POSIX shell quoting rules, as
 * Python's shlex.split(s) (posix mode, no comments) does for supervisor.
 * No shell is run: no expansion, no globbing.
 */
#ifndef LIBPROC_SPLIT_H
#define LIBPROC_SPLIT_H

#include <stddef.h>

/*
 * Split line.  On success return 0 and store a NULL-terminated, malloc'ed
 * argv in *argvp and its count in *argcp (free with proc_split_free).  On a
 * syntax error return -1, set *errp to a static message ("No closing
 * quotation", "No escaped character", as shlex says) and errno to EINVAL;
 * on ENOMEM return -1 with *errp NULL.
 */
int	proc_split(const char *line, char ***argvp, size_t *argcp,
	    const char **errp);

/* Free an argv from proc_split; NULL is accepted. */
void	proc_split_free(char **argv);

#endif /* LIBPROC_SPLIT_H */
