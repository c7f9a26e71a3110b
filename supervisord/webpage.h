/*
 * webpage: the HTML of the web page, written as the socket drains: the
 * status table (web.py's StatusView, index.html), a process's log
 * (TailView, tail.html), the page that follows an action that had to
 * wait, and the stylesheet.  It reads the model and calls the API; what
 * a request asks for, and whether it may, is webui's.  Every text that
 * comes from a name, a log or a request is HTML-escaped.
 */
#ifndef SUPERVISORD_WEBPAGE_H
#define SUPERVISORD_WEBPAGE_H

#include <stddef.h>

#include "supervisord/http.h"
#include "supervisord/rpc.h"
#include "supervisord/supervisor.h"

/* web.py's page headers: no caching. */
#define WP_NOCACHE	"Pragma: no-cache\r\n" \
			"Cache-Control: no-cache\r\n" \
			"Expires: Thu, 01 Jan 1970 00:00:00 GMT\r\n"
#define WP_HTML		"text/html;charset=utf-8"

/*
 * Answer rq with the status page of s: message (copied; NULL for none)
 * above the table, token in the form of its buttons.  Rows are written
 * in supervisor's order (group, then name) while the socket has room,
 * one at a time, so that 5000 programs never make one buffer.
 */
void	wp_status(struct http_req *rq, struct supervisor *s,
	    const char *token, const char *message);

/*
 * Answer rq with tail.html for processname (NULL: none was given): the
 * last limit bytes (at least 1024) of its stdout log through r's
 * readProcessStdoutLog, streamed into a <pre>.
 */
void	wp_tail(struct http_req *rq, struct rpc *r, const char *processname,
	    long long limit);

/*
 * Inside a producer's fill, after an action that had to wait: write a
 * page that takes the browser to the status page with message at once (a
 * meta refresh: the status and headers went before the message was
 * known, so it cannot be a redirect).
 */
void	wp_moved(struct http_req *rq, const char *message);

/* The stylesheet: text/css, cached for an hour. */
void	wp_css(struct http_req *rq);

/* message %-quoted as Python's urllib.parse.quote (safe: "/") into buf;
 * cut at a whole escape when it does not fit. */
const char *wp_quote(const char *s, char *buf, size_t len);

#endif /* SUPERVISORD_WEBPAGE_H */
