/*
 * pidfile: one daemon per configuration.  The pidfile stays open and
 * locked (flock) for the daemon's life and holds its pid; a second daemon
 * on the same pidfile is refused, naming the first one's pid.
 */
#ifndef SUPERVISORD_PIDFILE_H
#define SUPERVISORD_PIDFILE_H

#include <sys/types.h>
#include <stdbool.h>
#include <stddef.h>

struct pidfile {
	char	*path;		/* the one locked, or NULL */
	int	 fd;		/* locked, or -1 */
	int	 err;		/* why it is not: errno */
	pid_t	 pid;		/* the pid written in it */
};

/* An unlocked pidfile (fd -1). */
void	pf_init(struct pidfile *pf);

/*
 * Open path (created with mode 0666 & ~mask when set_mask, as supervisor
 * creates it after daemonizing set umask=) without truncating it, lock
 * it, check that path still names it, and write our pid.  0 when locked,
 * or when it could not be (pf->err says why: not fatal, as in
 * supervisor); -1 with a message in msg when another daemon holds it.
 */
int	pf_lock(struct pidfile *pf, const char *path, bool set_mask,
	    mode_t mask, char *msg, size_t msglen);

/* (Re)write our pid into the locked pidfile (nothing if it is not
 * locked): after the daemonizing fork.  0, or -1 with errno. */
int	pf_update(struct pidfile *pf);

/*
 * Once the log is open (and after daemonizing): write our final pid, or
 * log that path could not be locked and that nothing then stops a second
 * daemon.  path is the configured one (NULL: no pidfile).
 */
void	pf_report(struct pidfile *pf, const char *path);

/* At exit: remove the file if it is still ours, then drop the lock. */
void	pf_release(struct pidfile *pf);

#endif /* SUPERVISORD_PIDFILE_H */
