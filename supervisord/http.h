/*
 * http: HTTP/1.x as supervisor's medusa speaks it, in the daemon's one
 * loop, on the listening sockets of server.h.  Requests are parsed with
 * libhttp-parser (behind a thin wrapper); Basic auth guards every path
 * when a username is configured (but the open routes, where the section
 * says so); a request goes to the first route whose
 * path matches (routes are added by main, in supervisor's order).
 *
 * A handler answers at once (http_reply, http_error) or starts a stream
 * (http_stream) whose producer fills the answer as the socket drains and
 * may wait (a deferred XML-RPC call, tail -f) until http_wake.  While an
 * answer is not complete, later pipelined requests on the connection
 * wait.  If the client goes away, the producer's free() is called: the
 * handler's state goes with it.
 */
#ifndef SUPERVISORD_HTTP_H
#define SUPERVISORD_HTTP_H

#include <stdbool.h>
#include <stddef.h>

#include <ev.h>

#include "supervisord/config.h"
#include "supervisord/http_types.h"
#include "supervisord/server.h"

struct http_server;
struct http_req;

const struct http_req_info *http_info(const struct http_req *rq);

/* A request header's value (name case-insensitive), or NULL. */
const char *http_header(const struct http_req *rq, const char *name);

/*
 * A handler: answers rq, now or later (through a stream).  Returning
 * without an answer and without a stream is a bug (asserted).
 */
typedef void http_handler_fn(void *arg, struct http_req *rq);

enum http_route_match {
	HTTP_PREFIX = 0,	/* the path starts with pattern */
	HTTP_EXACT		/* the path is pattern */
};

/*
 * Add a route: the first added that matches wins.  0, or -1 when memory
 * ran out.
 */
int	http_route(struct http_server *hs, const char *pattern,
	    enum http_route_match how, http_handler_fn *fn, void *arg);

/*
 * As http_route, but an open route: on a socket whose section has
 * health_without_auth = true, it is served without credentials (any
 * sent are not looked at); elsewhere Basic auth guards it as any path.
 */
int	http_route_open(struct http_server *hs, const char *pattern,
	    enum http_route_match how, http_handler_fn *fn, void *arg);

/*
 * A whole answer: status code (its reason phrase is medusa's), the
 * Content-Type, extra header lines (each "Name: value\r\n", or NULL) and
 * the body, copied.  Server:, Date:, Content-Length and the keep-alive
 * rules are added here.
 */
void	http_reply(struct http_req *rq, int code, const char *ctype,
	    const char *headers, const void *body, size_t len);

/* medusa's error page for code (400, 404, 405, 411, 413, 500, ...). */
void	http_error(struct http_req *rq, int code);

enum http_stream_mode {
	/*
	 * An answer of unknown length that is usually short (XML-RPC):
	 * held until the producer is done, up to a bound, then sent with
	 * Content-Length, as medusa does; beyond the bound, sent chunked
	 * (HTTP/1.1) or until close (HTTP/1.0).
	 */
	HTTP_STREAM_BUFFERED = 0,
	/* Headers at once, then chunks as they come (tail -f). */
	HTTP_STREAM_CHUNKED
};

/* Start a streamed answer; p is copied. */
void	http_stream(struct http_req *rq, int code, const char *ctype,
	    const char *headers, enum http_stream_mode mode,
	    const struct http_producer *p);

/* Inside fill: append to the answer; how much more fits now. */
void	http_write(struct http_req *rq, const void *buf, size_t len);
size_t	http_room(const struct http_req *rq);

/* A producer that returned HTTP_FILL_WAIT has something now. */
void	http_wake(struct http_req *rq);

/*
 * The server on loop for c's [unix_http_server] and [inet_http_server]
 * (either or both).  Sockets are opened by http_open before the loop
 * runs (errors fatal there, in err), and served from http_start.  NULL
 * with err set.
 */
struct http_server *http_open(struct ev_loop *loop, const struct cfg *c,
	    char *err, size_t errlen);
void	http_start(struct http_server *hs);

/* Recreate a deleted unix socket (SIGHUP, SIGUSR2). */
void	http_recheck(struct http_server *hs);

/* Take each socket's credentials, and whether its open routes need
 * them, from c's sections (a reload). */
void	http_set_auths(struct http_server *hs, const struct cfg *c);

/* The URL children get as SUPERVISOR_SERVER_URL: unix://FILE, or
 * http://HOST:PORT when only [inet_http_server] is configured; NULL when
 * neither. */
const char *http_serverurl(const struct http_server *hs);

/* Timeouts and the connection cap (tests); see server.h. */
void	http_set_limits(struct http_server *hs, const struct srv_limits *l);

/* Connections open now; bytes held for them (buffers, bodies, holds). */
size_t	http_nconns(const struct http_server *hs);
size_t	http_buffered(const struct http_server *hs);

/*
 * Serve fd, a connected socket (tests, fuzzing), with the unix socket's
 * credentials (unix_peer) or the inet one's.  0, or -1 (fd not closed).
 */
int	http_adopt(struct http_server *hs, int fd, bool unix_peer);

/* Close every socket and connection (producers freed), free hs. */
void	http_close(struct http_server *hs);

#endif /* SUPERVISORD_HTTP_H */
