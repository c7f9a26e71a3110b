/*
 * status: the daemon's state in supervisorctl's words.  Status lines
 * (supervisorctl.py's _show_statuses), the per-state counts that notify
 * and the dump show, uptimes as Python's timedelta prints them, and the
 * SIGUSR1 status dump into the log.
 */
#ifndef SUPERVISORD_STATUS_H
#define SUPERVISORD_STATUS_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "supervisord/program.h"
#include "supervisord/supervisor.h"

/* timedelta's str(): "0:01:02", "1 day, 2:03:04", "3 days, 0:00:00". */
const char *st_uptime(long secs, char *buf, size_t len);

/*
 * getProcessInfo's description at now, as rpcinterface.py's
 * _interpretProcessInfo: "pid 123, uptime 0:01:02", the spawn error, the
 * stop time ("Dec 03 02:18 PM"), "Not started", or "".
 */
const char *st_describe(const struct sv_program *p, time_t now, char *buf,
	    size_t len);

/* The namespec padded to width + 3, the state to 10, the description. */
const char *st_line(const struct sv_program *p, size_t width, time_t now,
	    char *buf, size_t len);

/* The width of the namespec column: the longest namespec, at least 30. */
size_t	st_width(const struct supervisor *s);

/* "2 RUNNING, 1 FATAL", in state order, or "no processes". */
const char *st_counts(const struct supervisor *s, char *buf, size_t len);

/*
 * Whether p is as it should be (diff.health, GET /health): RUNNING
 * (with ready=, RUNNING is ready); EXITED with an expected status and
 * no restart to come (autorestart=false, or unexpected: a job that did
 * its work); or not wanted up at all (stopped by the operator, an
 * autostart=false program nobody started, a shutdown).  Not healthy:
 * wanted up and STARTING, BACKOFF, STOPPING (a restart), STOPPED
 * (waiting for a descriptor or a dependency), FATAL, or EXITED
 * unexpectedly or about to restart.  Event listeners and FastCGI
 * processes are judged alike.
 */
bool	st_healthy(const struct sv_program *p);

/* What the dump reports besides the programs' lines. */
struct st_dump_info {
	const char	*configfile;
	unsigned long long fwd_lines;	/* forwarded output dropped */
	unsigned long long fwd_bytes;
	unsigned long long log_lost;	/* own log lines the file refused */
};

/*
 * The SIGUSR1 dump into the log: a header (pid, uptime, configuration,
 * counts), what was dropped, then each program's status line with its
 * restarts, last exit and the bytes its log files refused.
 */
void	st_dump(const struct supervisor *s, const struct st_dump_info *info);

#endif /* SUPERVISORD_STATUS_H */
