/*
 * http_types: what a request and a producer of http.h are made of, below
 * http.h and the modules of http.c (http.h has their contract).
 */
#ifndef SUPERVISORD_HTTP_TYPES_H
#define SUPERVISORD_HTTP_TYPES_H

#include <stdbool.h>
#include <stddef.h>

/*
 * Bounds per request: the request line and headers (else 431), a body
 * (else 413), an HTTP_STREAM_BUFFERED answer held before it goes out
 * chunked.  Output beyond that waits in server.h's bound (SRV_OUT_HIGH).
 */
#define HTTP_HEAD_MAX	(8 * 1024)
#define HTTP_BODY_MAX	(1024 * 1024)
#define HTTP_HOLD_MAX	(64 * 1024)
#define HTTP_CHUNK_MAX	(16 * 1024)	/* a gathered chunk, at most */

struct http_req;

/*
 * A request (see http_info), valid until its answer is complete (or the
 * client left).
 */
struct http_req_info {
	const char	*method;	/* "GET", "POST", ... */
	const char	*path;		/* %-decoded, without the query */
	const char	*query;		/* raw, without '?'; "" when none */
	const char	*body;		/* NUL-terminated; "" when none */
	size_t		 bodylen;
	const char	*host;		/* Host:, or NULL */
	int		 major, minor;	/* HTTP version */
	bool		 unix_peer;	/* came on the unix socket */
};

/* What a producer returns. */
enum http_fill {
	HTTP_FILL_DONE = 0,	/* the answer is complete */
	HTTP_FILL_MORE,		/* stopped at http_room() == 0 */
	HTTP_FILL_WAIT		/* nothing more until http_wake() */
};

struct http_producer {
	/* Write with http_write while http_room() > 0. */
	enum http_fill (*fill)(void *arg, struct http_req *rq);
	/* The answer is complete or the client left: free arg. */
	void	(*free)(void *arg);
	void	*arg;
};

#endif /* SUPERVISORD_HTTP_TYPES_H */
