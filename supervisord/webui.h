/*
 * webui: supervisor's other paths besides /RPC2: /logtail/NAME[/CHANNEL]
 * and /mainlogtail (tail -f over HTTP, chunked), /ok.html, and the web
 * page (/, /index.html, /tail.html, its stylesheet), as supervisor's
 * http.py and web.py serve them.
 *
 * The page's actions (start, stop, restart, clear log, restart all, stop
 * all) are POSTed forms carrying the daemon's token, and go through the
 * API (rpc.h) as web.py's do; supervisor's GET action links are shown the
 * page instead of being acted upon: see webui.c for why.
 */
#ifndef SUPERVISORD_WEBUI_H
#define SUPERVISORD_WEBUI_H

#include "supervisord/http.h"
#include "supervisord/rpc.h"
#include "supervisord/supervisor.h"

struct web;

/*
 * Add the routes to hs, in supervisor's order (after /RPC2, which is
 * rpc_http's): /logtail, /mainlogtail, then the page's paths.  Actions go
 * through r, over s.  The web state (the token) is kept until web_free,
 * after http_close.  NULL when memory or randomness ran out: then hs
 * may hold some of the routes, and must be closed, not served.
 */
struct web *web_routes(struct http_server *hs, struct rpc *r,
	    struct supervisor *s);
void	web_free(struct web *w);

#endif /* SUPERVISORD_WEBUI_H */
