/*
 * pidfile: see pidfile.h.  flock(2), not a fcntl record lock: it belongs
 * to the open file description, so it survives the daemonizing fork (the
 * child keeps the descriptor, and with it the lock, once the parent
 * exits), and it is not dropped when some other descriptor of the file is
 * closed.  main takes it before the control socket is touched and before
 * anything runs, so that a second daemon on the same configuration
 * neither spawns programs nor replaces the first one's socket, even when
 * that socket was deleted.  Opened without O_TRUNC: the pid in it is the
 * running daemon's until the lock says it is stale.
 */
#include <sys/file.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "supervisord/log.h"
#include "supervisord/pidfile.h"

void
pf_init(struct pidfile *pf)
{
	memset(pf, 0, sizeof(*pf));
	pf->fd = -1;
}

/* Whether fd is the file path names now. */
static bool
same_file(int fd, const char *path)
{
	struct stat	fst, pst;

	return fstat(fd, &fst) == 0 && stat(path, &pst) == 0 &&
	    fst.st_dev == pst.st_dev && fst.st_ino == pst.st_ino;
}

int
pf_update(struct pidfile *pf)
{
	char	 buf[32];
	int	 len;

	if (pf->fd == -1)
		return 0;
	len = snprintf(buf, sizeof(buf), "%d\n", (int)getpid());
	if (ftruncate(pf->fd, 0) == -1 ||
	    pwrite(pf->fd, buf, (size_t)len, 0) != len)
		return -1;
	pf->pid = getpid();
	return 0;
}

int
pf_lock(struct pidfile *pf, const char *path, bool set_mask, mode_t mask,
    char *msg, size_t msglen)
{
	char		 buf[32];
	ssize_t		 n;
	mode_t		 old = 0;
	int		 fd = -1, tries;

	for (tries = 0; tries < 100; tries++) {
		if (set_mask)
			old = umask(mask);
		fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0666);
		if (set_mask)
			umask(old);
		if (fd == -1) {
			pf->err = errno;
			return 0;
		}
		while (flock(fd, LOCK_EX | LOCK_NB) == -1) {
			if (errno == EINTR)
				continue;
			if (errno != EWOULDBLOCK) {
				pf->err = errno;
				close(fd);
				return 0;
			}
			n = pread(fd, buf, sizeof(buf) - 1, 0);
			buf[n > 0 ? n : 0] = '\0';
			buf[strcspn(buf, "\n")] = '\0';
			close(fd);
			/* Empty between its open and its write. */
			if (buf[0] == '\0' ||
			    buf[strspn(buf, "0123456789")] != '\0')
				snprintf(msg, msglen, "another supervisord is "
				    "already running on this configuration: "
				    "it holds the lock on its pidfile %s",
				    path);
			else
				snprintf(msg, msglen, "another supervisord is "
				    "already running on this configuration, "
				    "with pid %s: it holds the lock on its "
				    "pidfile %s", buf, path);
			return -1;
		}
		/* A daemon exiting may have unlinked it since our open. */
		if (same_file(fd, path))
			break;
		close(fd);
		fd = -1;
	}
	if (fd == -1) {
		pf->err = EAGAIN;
		return 0;
	}
	if ((pf->path = strdup(path)) == NULL) {
		pf->err = errno;
		close(fd);
		return 0;
	}
	pf->fd = fd;
	/* If this fails, pf_report tries again and says so. */
	(void)pf_update(pf);
	return 0;
}

void
pf_report(struct pidfile *pf, const char *path)
{
	if (path == NULL)
		return;
	if (pf->fd == -1) {
		errno = pf->err;
		log_crit("could not write pidfile %s: %s", path,
		    strerror(errno));
		log_warnx("pidfile %s is not locked: nothing stops a second "
		    "supervisord on this configuration", path);
		return;
	}
	if (pf->pid != getpid() && pf_update(pf) == -1) {
		log_crit("could not write pidfile %s: %s", pf->path,
		    strerror(errno));
		return;
	}
	log_info("supervisord started with pid %d", (int)getpid());
}

void
pf_release(struct pidfile *pf)
{
	if (pf->fd == -1)
		return;
	/* Unlinked while still locked, so no other daemon locks it first. */
	if (same_file(pf->fd, pf->path) && unlink(pf->path) == -1)
		log_warn("couldn't remove pidfile %s", pf->path);
	close(pf->fd);
	pf->fd = -1;
	free(pf->path);
	pf->path = NULL;
}
