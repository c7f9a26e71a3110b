/*
 * rlog: an append-only log file that rotates at a size, as supervisor's
 * RotatingFileHandler does: NAME becomes NAME.1, NAME.1 becomes NAME.2, ...
 * and the oldest beyond the number of backups is removed.  Unlike
 * supervisor, a rotation cuts at a line end when the data has one, so a
 * line shorter than maxbytes is never split across two files.
 */
#ifndef LIBPROC_RLOG_H
#define LIBPROC_RLOG_H

#include <sys/types.h>
#include <stddef.h>

struct proc_rlog;

/*
 * Open path for appending (O_APPEND|O_CREAT|O_CLOEXEC, mode 0666 & umask).
 * maxbytes 0 never rotates; backups 0 truncates the file instead of
 * rotating, as supervisor does.  Returns NULL with errno on failure.
 */
struct proc_rlog *proc_rlog_open(const char *path, off_t maxbytes, int backups);

/*
 * Append len bytes, rotating first whenever the file would pass maxbytes.
 * Returns len on success, or -1 with errno (ENOSPC, EIO, ...) after writing
 * what it could; the caller decides what to drop and when to retry.
 */
ssize_t	proc_rlog_write(struct proc_rlog *rl, const void *buf, size_t len);

/* Close and open the path again (after logrotate moved it).  0 or -1. */
int	proc_rlog_reopen(struct proc_rlog *rl);

/* The path it writes.  */
const char *proc_rlog_path(const struct proc_rlog *rl);

/* Close and free; NULL is accepted. */
void	proc_rlog_close(struct proc_rlog *rl);

#endif /* LIBPROC_RLOG_H */
