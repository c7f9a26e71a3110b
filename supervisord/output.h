/*
 * output: a program's stdout or stderr pipe, read without blocking and
 * written to its destination (a rotating log file, or nowhere).  Reads are
 * bounded per wakeup so that one noisy program cannot starve the others,
 * and the pipe is always drained, even when the destination fails, so a
 * program never blocks on a full pipe while the daemon can read.
 */
#ifndef SUPERVISORD_OUTPUT_H
#define SUPERVISORD_OUTPUT_H

#include <stdbool.h>

#include <ev.h>

#include "supervisord/config.h"

struct proc_rlog;

struct out_stream {
	ev_io		  io;		/* on the pipe, while attached */
	const char	 *label;	/* "stdout" or "stderr" */
	const char	 *owner;	/* the process name, for messages */
	struct proc_rlog *log;		/* NULL: discarded */
	char		 *path;		/* the log file's path, or NULL */
	long long	  maxbytes;
	int		  backups;
	unsigned long long dropped;	/* bytes the destination refused */
	bool		  failing;	/* in an episode of failed writes */
};

/*
 * Prepare s for the process name: open the destination that lc describes
 * (AUTO: a new file in childlogdir, named with identifier).  0, or -1 with errno after logging
 * the failure (the stream then discards, and counts what it drops).
 */
int	out_open(struct out_stream *s, const char *label, const char *owner,
	    const struct cfg_log *lc, const char *childlogdir,
	    const char *identifier);

/* Start reading fd (non-blocking; s owns it from now on). */
void	out_attach(struct ev_loop *loop, struct out_stream *s, int fd);

/* Is a pipe attached? */
bool	out_attached(const struct out_stream *s);

/*
 * The process exited: read what is left in the pipe (to EOF or EAGAIN:
 * a grandchild may hold it open), then stop and close it.
 */
void	out_drain(struct ev_loop *loop, struct out_stream *s);

/* Reopen the destination (SIGUSR2, reload).  */
void	out_reopen(struct out_stream *s);

/* Detach and close everything; s may be reused with out_open. */
void	out_close(struct ev_loop *loop, struct out_stream *s);

#endif /* SUPERVISORD_OUTPUT_H */
