/*
 * metrics: GET /metrics (ours), the daemon and its processes in
 * Prometheus' text format (version 0.0.4), behind the server's auth like
 * every other path.  Written family by family as the socket drains, so
 * that thousands of processes cost the connection's bounded buffer, not
 * the whole answer.  supervisord(8) lists the metrics.
 */
#ifndef SUPERVISORD_METRICS_H
#define SUPERVISORD_METRICS_H

#include "supervisord/http.h"
#include "supervisord/supervisor.h"

struct metrics;

/* Add /metrics to hs over s.  NULL when memory ran out. */
struct metrics *metrics_route(struct http_server *hs, struct supervisor *s);
void	metrics_free(struct metrics *m);

#endif /* SUPERVISORD_METRICS_H */
