/*
 * health: GET /health (ours), for probes that cannot speak XML-RPC (a
 * load balancer, Kubernetes' httpGet): 200 and "healthy\n" when every
 * process is as status.h's st_healthy wants it, else 503 and a line per
 * process that is not, "NAMESPEC STATE DESCRIPTION\n" in start order.
 * The rule is the one diff.health (rpc.h) answers by, which
 * supervisorctl health calls.  HEAD is answered as GET, without body.
 */
#ifndef SUPERVISORD_HEALTH_H
#define SUPERVISORD_HEALTH_H

#include "supervisord/http.h"
#include "supervisord/rpc.h"
#include "supervisord/supervisor.h"

/*
 * Lines in a 503's body, at most: the rest are counted in a last line,
 * "and N more\n", so that the answer stays small whatever the number of
 * processes (diff.health lists them all).
 */
#define HEALTH_LINES_MAX	100

struct health;

/*
 * Add /health to hs as an open route (http.h: without credentials where
 * health_without_auth says so), over s, in r's mood: 503 and
 * "SHUTDOWN\n" or "RESTARTING\n" while the daemon stops every program.
 * Its state is kept until health_free, after http_close.  NULL when
 * memory ran out.
 */
struct health *health_route(struct http_server *hs, struct rpc *r,
	    struct supervisor *s);
void	health_free(struct health *hl);

#endif /* SUPERVISORD_HEALTH_H */
