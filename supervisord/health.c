/*
 * health: GET /health (see health.h).  The body is made whole, at once:
 * it is bounded (HEALTH_LINES_MAX lines of at most LINE_MAX bytes), so
 * it needs no producer, and it is a snapshot of one moment.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "supervisord/health.h"
#include "supervisord/http.h"
#include "supervisord/program.h"
#include "supervisord/rpc.h"
#include "supervisord/status.h"
#include "supervisord/supervisor.h"

#define HL_LINE_MAX	512		/* bytes of a line, cut there */
#define BODY_MAX	(HEALTH_LINES_MAX * HL_LINE_MAX + 64)

struct health {
	struct rpc		*r;
	struct supervisor	*s;
};

/* No cache between a probe and the daemon may answer for it. */
static const char no_cache[] = "Cache-Control: no-store\r\n";

static void
health_cb(void *arg, struct http_req *rq)
{
	struct health	*hl = arg;
	const char	*method = http_info(rq)->method;
	struct sv_program *p;
	char		 spec[256], desc[HL_LINE_MAX], *body;
	size_t		 len = 0, lines = 0, more = 0;
	time_t		 now = time(NULL);
	int		 n;

	if (strcmp(method, "GET") != 0 && strcmp(method, "HEAD") != 0) {
		http_error(rq, 405);
		return;
	}
	if (rpc_mood(hl->r) < 1) {
		body = rpc_mood(hl->r) == 0 ? "RESTARTING\n" : "SHUTDOWN\n";
		http_reply(rq, 503, "text/plain", no_cache, body,
		    strlen(body));
		return;
	}
	if ((body = malloc(BODY_MAX)) == NULL) {
		http_error(rq, 500);
		return;
	}
	TAILQ_FOREACH(p, &hl->s->programs, entry) {
		if (st_healthy(p))
			continue;
		if (lines == HEALTH_LINES_MAX) {
			more++;
			continue;
		}
		n = snprintf(body + len, HL_LINE_MAX, "%s %s %s",
		    sv_namespec(p, spec, sizeof(spec)),
		    sv_state_name(p->state),
		    st_describe(p, now, desc, sizeof(desc)));
		/* Cut, the newline kept: one process a line. */
		len += n < 0 ? 0 : (size_t)n < HL_LINE_MAX - 1 ? (size_t)n :
		    HL_LINE_MAX - 2;
		body[len++] = '\n';
		lines++;
	}
	if (more > 0)
		len += (size_t)snprintf(body + len, BODY_MAX - len,
		    "and %zu more\n", more);
	if (lines == 0)
		http_reply(rq, 200, "text/plain", no_cache, "healthy\n", 8);
	else
		http_reply(rq, 503, "text/plain", no_cache, body, len);
	free(body);
}

struct health *
health_route(struct http_server *hs, struct rpc *r, struct supervisor *s)
{
	struct health	*hl;

	if ((hl = calloc(1, sizeof(*hl))) == NULL)
		return NULL;
	hl->r = r;
	hl->s = s;
	if (http_route_open(hs, "/health", HTTP_EXACT, health_cb, hl) == -1) {
		free(hl);
		return NULL;
	}
	return hl;
}

void
health_free(struct health *hl)
{
	free(hl);
}
