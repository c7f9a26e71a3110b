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
 * rotating, as supervisor does.  What is not a regular file (/dev/null, a
 * terminal, a fifo) is never rotated nor truncated.  Returns NULL with errno on failure
 * (EINVAL for a negative maxbytes or backups).
 *
 * The size is read with fstat here and at each (re)open, then counted as
 * bytes are written, never fstat'ed per write: a file truncated behind
 * our back (logrotate's copytruncate) rotates early once, unless
 * proc_rlog_reopen is called after the truncation.  Files NAME.N
 * beyond backups, left by an earlier larger setting, are left alone, as
 * supervisor does.
 */
struct proc_rlog *proc_rlog_open(const char *path, off_t maxbytes, int backups);

/*
 * Append len bytes (at most SSIZE_MAX), rotating first whenever the file
 * would pass maxbytes: the bytes that still fit are written up to their
 * last '\n' (all that fit if the file is empty and they hold none, so a
 * line longer than maxbytes is cut at maxbytes; none if the file is not
 * empty and they hold none), the file rotates, and the rest goes on in
 * the new file.  Thus no file passes maxbytes (unless it was bigger
 * when opened, when it rotates before the first write), no line of at
 * most maxbytes is split across two files, and across rotations no byte
 * is lost or written twice.  When no rotation is needed this is one
 * write(2); short writes and EINTR are retried.
 *
 * Returns len when everything was written.  When an error stops it
 * (ENOSPC, EIO, a failed rotation, the path cannot be opened, ...), the
 * file is first cut back (ftruncate) to just after its last '\n', so that
 * it never ends in a torn line that later output would continue: the bytes
 * of the unfinished line go, those of this call and those of earlier calls
 * that did not end a line (proc_rlog_unwound tells how many).  It then
 * returns the number of bytes of buf that remain in the log, 0 < n < len
 * (all of them up to a '\n'), or -1 if none do, with errno set either
 * way: the caller decides what to drop or retry.  A file that cannot be
 * truncated (not a regular file) is left as it is.
 *
 * If the file cannot be (re)opened, after proc_rlog_reopen or a rotation
 * (its directory was removed, say), the writer stays closed and every
 * later proc_rlog_write first tries to open the path again: it fails with
 * that open's errno until the path can be created, and then writing
 * resumes by itself in a fresh file.
 */
ssize_t	proc_rlog_write(struct proc_rlog *rl, const void *buf, size_t len);

/*
 * Bytes written by earlier calls that the last proc_rlog_write removed
 * when it failed (an unfinished line cut back); 0 after a call that did
 * not fail.
 */
off_t	proc_rlog_unwound(const struct proc_rlog *rl);

/*
 * Whether path still names the file being written: 0 if it does (or the
 * writer is closed: the next write opens the path anyway); else (the file
 * was removed, or something else, a directory say, took its name) reopen
 * it: 1 when that worked, -1 with errno when it did not, and then the
 * writer stays closed and each write tries again, as after
 * proc_rlog_reopen.  One stat and one fstat.
 */
int	proc_rlog_check(struct proc_rlog *rl);

/*
 * Close and open the path again (after logrotate moved it), and read its
 * size again; nothing more goes to the moved file.  0, or -1 with errno,
 * when the writer stays closed and proc_rlog_write retries the open.
 */
int	proc_rlog_reopen(struct proc_rlog *rl);

/* The path it writes.  */
const char *proc_rlog_path(const struct proc_rlog *rl);

/* Close and free; NULL is accepted. */
void	proc_rlog_close(struct proc_rlog *rl);

#endif /* LIBPROC_RLOG_H */
