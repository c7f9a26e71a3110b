/*
 * logtail: tail -f of one log file, as supervisor's tail_f_producer
 * follows it: from 1024 bytes before its end (or its start), then what
 * is appended; when another file takes its name (a rotation) the rest of
 * the old one, then the new one from its start; when it shrinks (a
 * truncation) "==> File truncated <==" and its start again.  A file that
 * does not exist yet is followed from its start once it appears.
 *
 * Driven by changes, not by a timer: an ev_stat watcher on the path,
 * which libev backs with inotify on Linux, so that a file on a local file
 * system costs no wakeup until it changes.  (On a file system libev does
 * not know to be local, and while the file is missing, libev stats it on
 * a timer too: see lt_polling.)  The consumer pulls: it says how much it
 * has room for, and gets at most that, read LT_CHUNK bytes at a time, so
 * that a follower holds no buffer whatever the file's size.
 *
 * Also where the paths come from: a process's stdout or stderr log as
 * supervisor's logtail_handler finds it, and the daemon's own log.
 */
#ifndef SUPERVISORD_LOGTAIL_H
#define SUPERVISORD_LOGTAIL_H

#include <sys/types.h>
#include <stdbool.h>
#include <stddef.h>

#include <ev.h>

#include "supervisord/supervisor.h"

#define LT_CHUNK	16384	/* at most this much per read */
#define LT_HEAD		1024	/* tail_f_producer's look back */
#define LT_TRUNCATED	"==> File truncated <==\n"

/* What a follower tells its consumer. */
struct lt_consumer {
	/* Bytes of the file, or the truncation notice, in order; called
	 * only from inside lt_pump. */
	void	(*data)(void *arg, const void *buf, size_t len);
	/* After lt_pump returned LT_IDLE, something new may be there: call
	 * lt_pump again.  Once per LT_IDLE, never from inside lt_pump. */
	void	(*ready)(void *arg);
	void	*arg;
};

struct lt_follow;

/*
 * Follow path on loop from head bytes before its end (0 and below: from
 * its end; a file shorter than head, or missing: from its start).  c is
 * copied.  NULL with errno when memory ran out or the file exists but
 * cannot be opened.
 */
struct lt_follow *lt_follow_new(struct ev_loop *loop, const char *path,
	    off_t head, const struct lt_consumer *c);

enum lt_status {
	LT_IDLE = 0,	/* all read: ready() comes when there is more */
	LT_MORE		/* room ran out first: call again with room */
};

/* Hand the consumer at most room bytes of what is new. */
enum lt_status lt_pump(struct lt_follow *f, size_t room);

/* Whether libev stats the file on a timer besides inotify (a file system
 * it does not know to be local, no inotify, or the file is missing). */
bool	lt_polling(const struct lt_follow *f);

/* Stop following, close the file, free f; NULL is fine. */
void	lt_follow_free(struct lt_follow *f);

enum lt_find {
	LT_FOUND = 0,
	LT_NO_PROCESS,		/* no such group or process */
	LT_NO_FILE		/* no such channel, no log file, or missing */
};

/*
 * The log file of namespec's channel ("stdout", "stderr") as supervisor's
 * logtail_handler finds it: the process (a group's name alone finds
 * nothing), then its channel's log file, which must exist.  *path points
 * into the program: use it before the loop runs again.
 */
enum lt_find lt_logfile(const struct supervisor *s, const char *namespec,
	    const char *channel, const char **path);

/* The daemon's own log file ([supervisord] logfile, -l), or NULL. */
const char *lt_mainlog(const struct supervisor *s);

#endif /* SUPERVISORD_LOGTAIL_H */
