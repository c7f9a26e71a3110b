/*
 * sink: the daemon's own stdout and stderr (fd 1 and 2) as bounded
 * queues of whole lines from many writers, never blocking the loop (see
 * sink.c).  It knows no log and no program: it tells its writers' layer
 * when to hold back and when to go on (the flow callback), and whoever
 * main wires what happened (the report callback).
 */
#ifndef SUPERVISORD_SINK_H
#define SUPERVISORD_SINK_H

#include <stdbool.h>
#include <stddef.h>

#include <ev.h>

enum sink_fd {
	SINK_STDOUT = 0,
	SINK_STDERR
};

/* Write through loop from now on (again after a reload); NULL: blocking
 * writes with a short wait (before the loop, after it). */
void	sink_init(struct ev_loop *loop);

/*
 * flow(arg, i): queue i was held back or let go, or a line opened or
 * ended there: the writers' layer starts or stops reading accordingly.
 */
void	sink_set_flow(void (*flow)(void *arg, int i), void *arg);

/* report(level, msg): drops, their episodes and counts (LOGLEVEL_*). */
void	sink_set_report(void (*report)(int level, const char *msg));

/* The queue that lines for which go to: fd 2 on fd 1's pipe shares it. */
int	sink_dest(enum sink_fd which);

/*
 * Whole lines (or a piece of a long one) from writer (any pointer that
 * names it) to queue i.  Returns the number of bytes dropped.
 */
size_t	sink_put(int i, const char *data, size_t len, const void *writer);

/* Queue i is above its bound: writers that can wait should. */
bool	sink_held(int i);

/* Whose line is unfinished at queue i's tail, or NULL. */
const void *sink_open(int i);

/* End that line there (its writer stopped mid-line, or is gone).  The
 * caller re-checks its flow. */
void	sink_close_line(int i);

/* One of the daemon's own log lines, to which: never held back (before
 * sink_init, a plain blocking write). */
void	sink_log_line(enum sink_fd which, const char *line, size_t len);

/* Write what is queued, waiting a while for a slow reader, then drop the
 * rest; stop the watchers on loop (NULL: it is gone) and give back the
 * file descriptions' flags. */
void	sink_shutdown(struct ev_loop *loop);

/* Lines and bytes dropped since the start. */
void	sink_dropped(unsigned long long *lines, unsigned long long *bytes);

#endif /* SUPERVISORD_SINK_H */
