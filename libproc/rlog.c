/*
 * rlog: a rotating, append-only log file, as supervisor's
 * RotatingFileHandler (loggers.py) with two differences: the rotation
 * comes before the write that would pass maxbytes rather than after the
 * one that did, and it cuts the data at its last line end that still
 * fits, so that a file never holds more than maxbytes and a line no
 * longer than maxbytes is never split across two files.
 *
 * The size is taken from fstat at open and then counted, so the hot path
 * is one write(2) per call.  A write that fails part-way (a full disk)
 * cuts the file back to its last line end, so that a file never holds a
 * torn line followed by later output.  A file that is gone (its directory removed)
 * leaves the writer closed; each later write tries to open the path again,
 * so logging resumes by itself once the directory is back.  Deciding what
 * to drop, and saying so, is the caller's business.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "libproc/rlog.h"

struct proc_rlog {
	int	 fd;		/* -1 while the path cannot be opened */
	off_t	 size;		/* bytes in the file, as far as we wrote */
	off_t	 lineend;	/* size just after the last '\n' we wrote */
	off_t	 unwound;	/* earlier bytes the last failure removed */
	off_t	 maxbytes;	/* 0: never rotate */
	bool	 regular;	/* a regular file: the only kind rotated */
	int	 backups;	/* 0: truncate instead of rotating */
	size_t	 namesz;	/* size of src and dst */
	char	*src;		/* scratch for NAME.i */
	char	*dst;		/* scratch for NAME.i+1 */
	char	 path[];
};

static int
rlog_openfd(struct proc_rlog *rl, int trunc)
{
	struct stat	st;
	int		fd, flags, save;

	flags = O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC;
	if (trunc)
		flags |= O_TRUNC;
	do
		fd = open(rl->path, flags, 0666);
	while (fd == -1 && errno == EINTR);
	if (fd == -1)
		return -1;
	if (fstat(fd, &st) == -1) {
		save = errno;
		close(fd);
		errno = save;
		return -1;
	}
	rl->fd = fd;
	/* /dev/null, a tty, a fifo: never renamed away or truncated. */
	rl->regular = S_ISREG(st.st_mode);
	rl->size = st.st_size;
	/* What was there before us is taken as whole lines. */
	rl->lineend = st.st_size;
	return 0;
}

static void
rlog_closefd(struct proc_rlog *rl)
{
	/* Linux releases the fd even when close fails: never retry it. */
	if (rl->fd != -1)
		(void)close(rl->fd);
	rl->fd = -1;
}

/* rename, where a missing source is no error, as removeAndRename. */
static int
rlog_rename(const char *src, const char *dst)
{
	if (rename(src, dst) == -1 && errno != ENOENT)
		return -1;
	return 0;
}

/*
 * NAME.backups-1 -> NAME.backups (replacing the oldest), ..., NAME ->
 * NAME.1, then a new empty NAME; or with no backups, NAME emptied.  If a
 * rename fails for another reason than a missing file, the current file
 * stays open and the error goes back to the caller; the next write that
 * needs a rotation tries again.
 */
static int
rlog_rotate(struct proc_rlog *rl)
{
	int	i;

	if (rl->backups > 0) {
		for (i = rl->backups - 1; i >= 0; i--) {
			if (i == 0)
				strcpy(rl->src, rl->path);
			else
				(void)snprintf(rl->src, rl->namesz,
				    "%s.%d", rl->path, i);
			(void)snprintf(rl->dst, rl->namesz,
			    "%s.%d", rl->path, i + 1);
			if (rlog_rename(rl->src, rl->dst) == -1)
				return -1;
		}
	}
	/* As supervisor's open('wb'): with no backups, NAME is emptied. */
	rlog_closefd(rl);
	return rlog_openfd(rl, 1);
}

/* Write all of buf, retrying partial writes and EINTR. */
static ssize_t
rlog_writeall(struct proc_rlog *rl, const char *buf, size_t len)
{
	const char	*nl;
	size_t		 done = 0;
	ssize_t		 n;

	while (done < len) {
		n = write(rl->fd, buf + done, len - done);
		if (n == -1) {
			if (errno == EINTR)
				continue;
			break;
		}
		if (n == 0) {
			/* Not seen on a regular file; never spin on it. */
			errno = EIO;
			break;
		}
		if ((nl = memrchr(buf + done, '\n', (size_t)n)) != NULL)
			rl->lineend = rl->size + (nl - (buf + done)) + 1;
		done += (size_t)n;
		rl->size += n;
	}
	return (ssize_t)done;
}

/*
 * A write failed: cut the file back to its last line end, so that what
 * comes after the failure never continues a torn line.  Returns how many
 * bytes were removed.  The end is taken from fstat, not from our count:
 * a file truncated behind our back (copytruncate) must not be extended.
 * Best effort: a file that cannot be truncated (not a regular file) is
 * left as it is.
 */
static off_t
rlog_unwind(struct proc_rlog *rl)
{
	struct stat	st;
	off_t		torn = rl->size - rl->lineend, end;
	int		save = errno;

	if (rl->fd == -1 || torn <= 0)
		return 0;
	if (fstat(rl->fd, &st) == -1 || !S_ISREG(st.st_mode)) {
		errno = save;
		return 0;
	}
	end = st.st_size > torn ? st.st_size - torn : 0;
	if (ftruncate(rl->fd, end) == -1) {
		errno = save;
		return 0;
	}
	rl->size = rl->lineend;
	errno = save;
	return torn;
}

struct proc_rlog *
proc_rlog_open(const char *path, off_t maxbytes, int backups)
{
	struct proc_rlog	*rl;
	size_t			 plen;
	int			 save;

	if (maxbytes < 0 || backups < 0) {
		errno = EINVAL;
		return NULL;
	}
	plen = strlen(path);
	/* path, then two scratch names: path "." and an int, NUL. */
	rl = malloc(sizeof(*rl) + plen + 1 + 2 * (plen + 16));
	if (rl == NULL)
		return NULL;
	memcpy(rl->path, path, plen + 1);
	rl->src = rl->path + plen + 1;
	rl->namesz = plen + 16;
	rl->dst = rl->src + rl->namesz;
	rl->maxbytes = maxbytes;
	rl->backups = backups;
	rl->fd = -1;
	rl->size = 0;
	rl->lineend = 0;
	rl->unwound = 0;
	if (rlog_openfd(rl, 0) == -1) {
		save = errno;
		free(rl);
		errno = save;
		return NULL;
	}
	return rl;
}

ssize_t
proc_rlog_write(struct proc_rlog *rl, const void *buf, size_t len)
{
	const char	*p = buf, *nl;
	size_t		 done = 0, cur = 0, n;
	ssize_t		 w;
	off_t		 room, torn;

	if (len > SSIZE_MAX)
		len = SSIZE_MAX;
	rl->unwound = 0;
	while (done < len) {
		if (rl->fd == -1 && rlog_openfd(rl, 0) == -1)
			goto fail;
		n = len - done;
		if (rl->maxbytes > 0 && rl->regular &&
		    (off_t)n > rl->maxbytes - rl->size) {
			/* This piece would pass maxbytes: cut, then rotate. */
			room = rl->maxbytes - rl->size;
			if (room <= 0)
				n = 0;
			else if ((nl = memrchr(p + done, '\n',
			    (size_t)room)) != NULL)
				n = (size_t)(nl - (p + done)) + 1;
			else if (rl->size == 0)
				n = (size_t)room;	/* a line > maxbytes */
			else
				n = 0;	/* start the line in a fresh file */
			if (n > 0) {
				w = rlog_writeall(rl, p + done, n);
				done += (size_t)w;
				cur += (size_t)w;
				if ((size_t)w < n)
					goto fail;
			}
			if (rlog_rotate(rl) == -1)
				goto fail;
			/* What went before is in NAME.1 now, whole. */
			cur = 0;
			rl->lineend = rl->size;
			continue;
		}
		w = rlog_writeall(rl, p + done, n);
		done += (size_t)w;
		cur += (size_t)w;
		if ((size_t)w < n)
			goto fail;
	}
	return (ssize_t)done;
fail:
	/* No torn line: what this call and earlier ones left after the
	 * file's last line end goes. */
	torn = rlog_unwind(rl);
	if ((off_t)cur >= torn)
		done -= (size_t)torn;
	else {
		rl->unwound = torn - (off_t)cur;
		done -= cur;
	}
	return done > 0 ? (ssize_t)done : -1;
}

off_t
proc_rlog_unwound(const struct proc_rlog *rl)
{
	return rl->unwound;
}

int
proc_rlog_check(struct proc_rlog *rl)
{
	struct stat	a, b;

	if (rl->fd != -1 && fstat(rl->fd, &a) == 0 &&
	    stat(rl->path, &b) == 0 && a.st_dev == b.st_dev &&
	    a.st_ino == b.st_ino)
		return 0;
	if (rl->fd == -1)
		return 0;	/* the next write tries to open it anyway */
	if (proc_rlog_reopen(rl) == -1)
		return -1;
	return 1;
}

int
proc_rlog_reopen(struct proc_rlog *rl)
{
	rlog_closefd(rl);
	return rlog_openfd(rl, 0);
}

const char *
proc_rlog_path(const struct proc_rlog *rl)
{
	return rl->path;
}

void
proc_rlog_close(struct proc_rlog *rl)
{
	if (rl == NULL)
		return;
	rlog_closefd(rl);
	free(rl);
}
