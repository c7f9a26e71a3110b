/*
 * http: HTTP/1.x over server.c's connections, as medusa answers it
 * (PROTOCOLS.md 2.2-2.4): requests parsed as http_req.c reads them; one
 * request of a connection at a time, the later ones (pipelined) held
 * unparsed in the connection's input until its answer is complete;
 * Basic auth (http_auth.c) before any route; medusa's status lines,
 * headers and keep-alive rules.
 *
 * Bounds, per request: the header block (request line and headers) at
 * most HTTP_HEAD_MAX bytes, else 431; a body at most HTTP_BODY_MAX,
 * else 413; a buffered answer is held up to HTTP_HOLD_MAX, then sent
 * chunked (HTTP/1.1) or until close (HTTP/1.0).  Each of these ends the
 * connection once the error is sent.
 */
#include <sys/types.h>

#include <assert.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ev.h>

#include "supervisord/config.h"
#include "supervisord/http.h"
#include "supervisord/http_auth.h"
#include "supervisord/http_req.h"
#include "supervisord/log.h"
#include "supervisord/server.h"

/* One listening socket's view: its credentials. */
struct http_sock {
	struct http_server *hs;
	const char	*section;	/* for the log */
	char		*username;	/* NULL: no authentication */
	char		*password;
	bool		 open;		/* serves its open routes without */
};

struct http_route_ent {
	char		*pattern;
	size_t		 len;
	enum http_route_match how;
	bool		 open;		/* http_route_open's */
	http_handler_fn	*fn;
	void		*arg;
};

struct http_server {
	struct ev_loop	*loop;
	struct srv	*srv;
	struct http_sock unix_sock, inet_sock;
	bool		 has_unix, has_inet;
	struct http_route_ent *routes;
	size_t		 nroutes;
	char		*url;
	size_t		 held;		/* bytes in heads, bodies, holds */
};

const struct http_req_info *
http_info(const struct http_req *rq)
{
	return &rq->info;
}

const char *
http_header(const struct http_req *rq, const char *name)
{
	return hr_header(rq, name);
}

/* The answer's head. */

static void
out_str(struct http_conn *hc, const char *s)
{
	srv_write(hc->sc, s, strlen(s));
}

enum length { LEN_KNOWN, LEN_CHUNKED, LEN_NONE };

/*
 * Status line and headers, in medusa's order: Server, Date, the type,
 * the handler's, then the length and medusa's keep-alive rules, which
 * set rq->keep.  Chunks only where HTTP/1.1 allows them and the
 * connection stays: the length is how, or LEN_NONE (until close).
 */
static enum length
head_out(struct http_req *rq, int code, const char *ctype,
    const char *headers, enum length how, size_t len, const char *after)
{
	struct http_conn *hc = rq->hc;
	const char	*conn;
	char		 buf[256], date[40];
	bool		 v11, v10;

	v11 = rq->info.major == 1 && rq->info.minor >= 1;
	v10 = rq->info.major == 1 && rq->info.minor == 0;
	conn = hc->closing ? NULL : http_header(rq, "Connection");
	if (how == LEN_CHUNKED && (!v11 || hc->closing || (conn != NULL &&
	    strcasecmp(conn, "close") == 0)))
		how = LEN_NONE;
	if (hc->closing)
		rq->keep = false;
	else if (v10)
		rq->keep = conn != NULL && strcasecmp(conn, "keep-alive") == 0 &&
		    how == LEN_KNOWN;
	else if (v11)
		rq->keep = (conn == NULL || strcasecmp(conn, "close") != 0) &&
		    how != LEN_NONE;
	else
		rq->keep = false;
	hr_date(date, sizeof(date));
	snprintf(buf, sizeof(buf), "HTTP/%s %d %s\r\nServer: Medusa/1.12\r\n"
	    "Date: %s\r\n", v11 ? "1.1" : "1.0", code, hr_reason(code), date);
	out_str(hc, buf);
	if (ctype != NULL) {
		out_str(hc, "Content-Type: ");
		out_str(hc, ctype);
		out_str(hc, "\r\n");
	}
	if (headers != NULL)
		out_str(hc, headers);
	if (how == LEN_KNOWN) {
		snprintf(buf, sizeof(buf), "Content-Length: %zu\r\n", len);
		out_str(hc, buf);
	} else if (how == LEN_CHUNKED)
		out_str(hc, "Transfer-Encoding: chunked\r\n");
	if (after != NULL)
		out_str(hc, after);
	/* As medusa: no "Connection: close" when it closes. */
	if (rq->keep && v10)
		out_str(hc, "Connection: Keep-Alive\r\n");
	out_str(hc, "\r\n");
	if (!rq->keep)
		hc->closing = true;
	return how;
}

static void	answer_done(struct http_req *);

void
http_reply(struct http_req *rq, int code, const char *ctype,
    const char *headers, const void *body, size_t len)
{
	assert(rq->state == RQ_HANDLER || rq->state == RQ_READING);
	head_out(rq, code, ctype, headers, LEN_KNOWN, len, NULL);
	if (!rq->head_only)
		srv_write(rq->hc->sc, body, len);
	if (rq->state == RQ_HANDLER)
		rq->state = RQ_SENT;
	else
		answer_done(rq);
}

/* medusa's DEFAULT_ERROR_MESSAGE. */
static void
error_out(struct http_req *rq, int code, const char *headers)
{
	char	 body[256];
	int	 n;

	n = snprintf(body, sizeof(body), "<head>\r\n<title>Error response"
	    "</title>\r\n</head>\r\n<body>\r\n<h1>Error response</h1>\r\n"
	    "<p>Error code %d.\r\n<p>Message: %s.\r\n</body>\r\n", code,
	    hr_reason(code));
	head_out(rq, code, NULL, headers, LEN_KNOWN, (size_t)n,
	    "Content-Type: text/html\r\n");
	if (!rq->head_only)
		srv_write(rq->hc->sc, body, (size_t)n);
	if (rq->state == RQ_HANDLER)
		rq->state = RQ_SENT;
	else
		answer_done(rq);
}

void
http_error(struct http_req *rq, int code)
{
	assert(rq->state == RQ_HANDLER || rq->state == RQ_READING);
	error_out(rq, code, NULL);
}

/* A request that breaks a rule of ours: answered, and the end. */
static void
fail(struct http_conn *hc, int code)
{
	struct http_req	*rq = &hc->rq;

	if (code == 400)
		log_debug("a bad HTTP request: %s",
		    http_errno_description(HTTP_PARSER_ERRNO(&hc->parser)));
	hc->closing = true;
	if (rq->state != RQ_READING) {
		hr_reset(rq);
		rq->state = RQ_READING;
	}
	error_out(rq, code, NULL);
}

/* Streams. */

static void
hold_free(struct http_req *rq)
{
	*rq->hc->held -= rq->holdcap;
	free(rq->hold);
	rq->hold = NULL;
	rq->holdlen = rq->holdcap = 0;
}

/* Too much to hold: send what is held, and the rest as it comes. */
static void
spill(struct http_req *rq)
{
	struct http_conn *hc = rq->hc;
	char		 sz[24];

	/* HTTP/1.0, or asked to close: no chunks; the end is EOF. */
	rq->out = head_out(rq, rq->code, rq->ctype, rq->headers, LEN_CHUNKED,
	    0, NULL) == LEN_CHUNKED ? OUT_CHUNKED : OUT_RAW;
	if (rq->holdlen > 0 && !rq->head_only) {
		if (rq->out == OUT_CHUNKED) {
			snprintf(sz, sizeof(sz), "%zx\r\n", rq->holdlen);
			out_str(hc, sz);
		}
		srv_write(hc->sc, rq->hold, rq->holdlen);
		if (rq->out == OUT_CHUNKED)
			out_str(hc, "\r\n");
	}
	hold_free(rq);
}

/*
 * A chunked answer's writes are gathered into chunks of up to
 * HTTP_CHUNK_MAX, sent when one is full and after every fill: a
 * producer's many small writes (a struct member, a table cell) would
 * otherwise each cost a chunk's framing, more bytes than they carry.
 */
static void
chunk_flush(struct http_req *rq)
{
	struct http_conn *hc = rq->hc;
	char		 sz[24];

	if (rq->out != OUT_CHUNKED || rq->holdlen == 0)
		return;
	snprintf(sz, sizeof(sz), "%zx\r\n", rq->holdlen);
	out_str(hc, sz);
	srv_write(hc->sc, rq->hold, rq->holdlen);
	out_str(hc, "\r\n");
	/* Held only during a fill: a stalled tail holds nothing here. */
	hold_free(rq);
}

/* Append to the hold (the held answer, or the chunk being gathered). */
static int
hold_add(struct http_req *rq, const void *buf, size_t len)
{
	struct http_conn *hc = rq->hc;
	size_t		 cap;
	char		*p;

	if (rq->holdlen + len > rq->holdcap) {
		cap = rq->holdcap > 0 ? rq->holdcap :
		    rq->out == OUT_CHUNKED ? HTTP_CHUNK_MAX : 1024;
		while (cap < rq->holdlen + len)
			cap *= 2;
		/* The write that passes the bound: not twice the bound. */
		if (cap > HTTP_HOLD_MAX && rq->holdlen + len <= HTTP_HOLD_MAX +
		    SRV_READ_SIZE)
			cap = rq->holdlen + len > HTTP_HOLD_MAX ?
			    rq->holdlen + len : HTTP_HOLD_MAX;
		if ((p = realloc(rq->hold, cap)) == NULL) {
			log_warnx("an HTTP answer: out of memory");
			srv_close(hc->sc);
			return -1;
		}
		*hc->held += cap - rq->holdcap;
		rq->hold = p;
		rq->holdcap = cap;
	}
	memcpy(rq->hold + rq->holdlen, buf, len);
	rq->holdlen += len;
	return 0;
}

void
http_write(struct http_req *rq, const void *buf, size_t len)
{
	struct http_conn *hc = rq->hc;
	size_t		 n;

	assert(rq->state == RQ_STREAM);
	if (len == 0)
		return;
	switch (rq->out) {
	case OUT_HOLD:
		if (hold_add(rq, buf, len) == -1)
			return;
		if (rq->holdlen >= HTTP_HOLD_MAX)
			spill(rq);
		break;
	case OUT_CHUNKED:
		if (rq->head_only)
			break;
		while (len > 0) {
			n = HTTP_CHUNK_MAX - rq->holdlen;
			if (n > len)
				n = len;
			if (hold_add(rq, buf, n) == -1)
				return;
			buf = (const char *)buf + n;
			len -= n;
			if (rq->holdlen >= HTTP_CHUNK_MAX)
				chunk_flush(rq);
		}
		break;
	case OUT_RAW:
		if (!rq->head_only)
			srv_write(hc->sc, buf, len);
		break;
	}
}

size_t
http_room(const struct http_req *rq)
{
	size_t	room;

	if (rq->out == OUT_HOLD)
		return rq->holdlen >= HTTP_HOLD_MAX ? 0 :
		    HTTP_HOLD_MAX - rq->holdlen;
	room = srv_room(rq->hc->sc);
	if (rq->out == OUT_CHUNKED)	/* the chunk being gathered too */
		return room > rq->holdlen ? room - rq->holdlen : 0;
	return room;
}

static void
stream_end(struct http_req *rq)
{
	switch (rq->out) {
	case OUT_HOLD:
		head_out(rq, rq->code, rq->ctype, rq->headers, LEN_KNOWN,
		    rq->holdlen, NULL);
		if (!rq->head_only)
			srv_write(rq->hc->sc, rq->hold, rq->holdlen);
		break;
	case OUT_CHUNKED:
		chunk_flush(rq);
		if (!rq->head_only)
			out_str(rq->hc, "0\r\n\r\n");
		break;
	case OUT_RAW:
		rq->keep = false;
		break;
	}
	answer_done(rq);
}

/* Run the producer while there is room (a few rounds, then the loop's). */
static void
pump(struct http_conn *hc)
{
	struct http_req	*rq = &hc->rq;
	enum http_fill	 r;
	int		 i;

	if (rq->state != RQ_STREAM || rq->in_fill)
		return;
	for (i = 0; i < 16; i++) {
		if (http_room(rq) == 0) {
			srv_want_room(hc->sc);
			return;
		}
		rq->woken = false;
		rq->in_fill = true;
		r = rq->p.fill(rq->p.arg, rq);
		rq->in_fill = false;
		chunk_flush(rq);
		switch (r) {
		case HTTP_FILL_DONE:
			stream_end(rq);
			return;
		case HTTP_FILL_MORE:
			break;
		case HTTP_FILL_WAIT:
			if (!rq->woken)
				return;
			break;
		}
	}
	srv_kick(hc->sc);
}

static char *
dup_or_null(const char *s, bool *oom)
{
	char	*d;

	if (s == NULL)
		return NULL;
	if ((d = strdup(s)) == NULL)
		*oom = true;
	return d;
}

void
http_stream(struct http_req *rq, int code, const char *ctype,
    const char *headers, enum http_stream_mode mode,
    const struct http_producer *p)
{
	struct http_conn *hc = rq->hc;
	bool		 oom = false, in_handler = rq->state == RQ_HANDLER;

	assert(rq->state == RQ_HANDLER || rq->state == RQ_READING);
	rq->p = *p;
	rq->state = RQ_STREAM;
	rq->code = code;
	if (mode == HTTP_STREAM_CHUNKED) {
		rq->out = head_out(rq, code, ctype, headers, LEN_CHUNKED, 0,
		    NULL) == LEN_CHUNKED ? OUT_CHUNKED : OUT_RAW;
	} else {
		rq->out = OUT_HOLD;
		rq->ctype = dup_or_null(ctype, &oom);
		rq->headers = dup_or_null(headers, &oom);
		if (oom) {
			log_warnx("an HTTP answer: out of memory");
			srv_close(hc->sc);
			return;
		}
	}
	/* From a handler, dispatch runs it once the handler returns. */
	if (!in_handler)
		srv_kick(hc->sc);
}

void
http_wake(struct http_req *rq)
{
	rq->woken = true;
	if (!rq->in_fill && rq->state == RQ_STREAM)
		srv_kick(rq->hc->sc);
}

/* Requests. */

static void
answer_done(struct http_req *rq)
{
	struct http_conn *hc = rq->hc;
	bool		 keep = rq->keep;

	hr_reset(rq);
	if (!keep || hc->eof)
		hc->closing = true;
	if (hc->closing) {
		srv_finish(hc->sc);
		return;
	}
	srv_set_state(hc->sc, SRV_IDLE);
	srv_resume(hc->sc);
}

static void
dispatch(struct http_conn *hc)
{
	struct http_server *hs = hc->hs;
	struct http_req	*rq = &hc->rq;
	struct http_route_ent *r;
	size_t		 i;
	int		 code;

	srv_set_state(hc->sc, SRV_ANSWER);
	rq->state = RQ_HANDLER;
	for (i = 0, r = NULL; i < hs->nroutes && r == NULL; i++)
		if (hs->routes[i].how == HTTP_EXACT ?
		    strcmp(rq->info.path, hs->routes[i].pattern) == 0 :
		    strncmp(rq->info.path, hs->routes[i].pattern,
		    hs->routes[i].len) == 0)
			r = &hs->routes[i];
	/* An open route on a socket that allows it: whatever is sent. */
	if (hc->sock->username != NULL && !(r != NULL && r->open &&
	    hc->sock->open) &&
	    (code = http_auth_check(http_header(rq, "Authorization"),
	    hc->sock->username, hc->sock->password)) != 0) {
		/* medusa's handle_unauthorized; then no more requests. */
		hc->closing = true;
		error_out(rq, code, code == 401 ? "Connection: close\r\n"
		    "WWW-Authenticate: Basic realm=\"default\"\r\n" : NULL);
	} else if (r != NULL)
		r->fn(r->arg, rq);
	else
		error_out(rq, 404, NULL);
	assert(rq->state == RQ_SENT || rq->state == RQ_STREAM);
	if (rq->state == RQ_SENT)
		answer_done(rq);
	else
		pump(hc);
}

/* server.c's side. */

static void *
conn_open(void *arg, struct srv_conn *sc)
{
	struct http_sock *sock = arg;
	struct http_conn *hc;

	if ((hc = calloc(1, sizeof(*hc))) == NULL)
		return NULL;
	hc->hs = sock->hs;
	hc->held = &sock->hs->held;
	hc->sock = sock;
	hc->sc = sc;
	hc->rq.hc = hc;
	hr_init(hc);
	return hc;
}

static size_t
conn_input(void *cs, const char *buf, size_t len)
{
	struct http_conn *hc = cs;
	size_t		 off = 0;
	bool		 done;
	int		 status;

	while (off < len) {
		if (hc->closing)
			return len;
		/* Pipelined: held until this answer is complete. */
		if (hc->rq.state != RQ_NONE && hc->rq.state != RQ_READING)
			return off;
		off += hr_feed(hc, buf + off, len - off, &done, &status);
		if (status != 0) {
			fail(hc, status);
			return len;
		}
		if (done && hc->rq.complete)
			dispatch(hc);
	}
	return off;
}

static void
conn_eof(void *cs)
{
	struct http_conn *hc = cs;

	hc->eof = true;
	/* A half-closed client still gets its whole answer. */
	if (hc->rq.state == RQ_HANDLER || hc->rq.state == RQ_STREAM)
		return;
	if (hc->rq.state == RQ_READING)
		srv_close(hc->sc);	/* a request cut short */
	else {
		hc->closing = true;
		srv_finish(hc->sc);
	}
}

static void
conn_run(void *cs)
{
	pump(cs);
}

static void
conn_close(void *cs)
{
	struct http_conn *hc = cs;

	hr_reset(&hc->rq);
	free(hc);
}

static size_t
conn_busy(void *arg, char *buf, size_t size)
{
	static const char body[] = "<head>\r\n<title>Error response</title>"
	    "\r\n</head>\r\n<body>\r\n<h1>Error response</h1>\r\n"
	    "<p>Error code 503.\r\n<p>Message: Service Unavailable.\r\n"
	    "</body>\r\n";
	char	 date[40];
	int	 n;

	(void)arg;
	hr_date(date, sizeof(date));
	n = snprintf(buf, size, "HTTP/1.0 503 Service Unavailable\r\n"
	    "Server: Medusa/1.12\r\nDate: %s\r\nContent-Length: %zu\r\n"
	    "Content-Type: text/html\r\n\r\n%s", date, sizeof(body) - 1,
	    body);
	return n < 0 ? 0 : (size_t)n >= size ? size - 1 : (size_t)n;
}

static const struct srv_ops http_ops = {
	.open = conn_open,
	.input = conn_input,
	.eof = conn_eof,
	.run = conn_run,
	.close = conn_close,
	.busy = conn_busy,
};

/* The server. */

static int
route_add(struct http_server *hs, const char *pattern,
    enum http_route_match how, bool open, http_handler_fn *fn, void *arg)
{
	struct http_route_ent *v, *r;

	v = reallocarray(hs->routes, hs->nroutes + 1, sizeof(*v));
	if (v == NULL)
		return -1;
	hs->routes = v;
	r = &v[hs->nroutes];
	if ((r->pattern = strdup(pattern)) == NULL)
		return -1;
	r->len = strlen(pattern);
	r->how = how;
	r->open = open;
	r->fn = fn;
	r->arg = arg;
	hs->nroutes++;
	return 0;
}

int
http_route(struct http_server *hs, const char *pattern,
    enum http_route_match how, http_handler_fn *fn, void *arg)
{
	return route_add(hs, pattern, how, false, fn, arg);
}

int
http_route_open(struct http_server *hs, const char *pattern,
    enum http_route_match how, http_handler_fn *fn, void *arg)
{
	return route_add(hs, pattern, how, true, fn, arg);
}

static int
sock_auth(struct http_sock *sock, const char *username, const char *password)
{
	char	*u = NULL, *p = NULL;

	if (username != NULL && ((u = strdup(username)) == NULL ||
	    (p = strdup(password != NULL ? password : "")) == NULL)) {
		free(u);
		return -1;
	}
	if (sock->password != NULL)
		explicit_bzero(sock->password, strlen(sock->password));
	free(sock->username);
	free(sock->password);
	sock->username = u;
	sock->password = p;
	return 0;
}

struct http_server *
http_open(struct ev_loop *loop, const struct cfg *c, char *err,
    size_t errlen)
{
	struct http_server *hs;
	int		 rc;

	if ((hs = calloc(1, sizeof(*hs))) == NULL ||
	    (hs->srv = srv_new(loop, &http_ops)) == NULL) {
		free(hs);
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	hs->loop = loop;
	hs->unix_sock.hs = hs->inet_sock.hs = hs;
	hs->unix_sock.section = "unix_http_server";
	hs->inet_sock.section = "inet_http_server";
	/* As supervisor: the inet server first, then the unix one. */
	if (c->inet_port != NULL) {
		rc = srv_listen_inet(hs->srv, c->inet_host, c->inet_portnum,
		    &hs->inet_sock, err, errlen);
		if (rc == -1 || sock_auth(&hs->inet_sock, c->inet_username,
		    c->inet_password) == -1)
			goto fail;
		hs->inet_sock.open = c->inet_health_open;
		hs->has_inet = true;
		if (asprintf(&hs->url, "http://%s:%d", *c->inet_host != '\0' ?
		    c->inet_host : "localhost", c->inet_portnum) == -1) {
			hs->url = NULL;
			goto fail;
		}
	}
	if (c->unix_socket != NULL) {
		rc = srv_listen_unix(hs->srv, c->unix_socket,
		    c->unix_socket_mode, c->unix_socket_owner, &hs->unix_sock,
		    err, errlen);
		if (rc == -1 || sock_auth(&hs->unix_sock, c->http_username,
		    c->http_password) == -1)
			goto fail;
		hs->unix_sock.open = c->unix_health_open;
		hs->has_unix = true;
		free(hs->url);
		if (asprintf(&hs->url, "unix://%s", c->unix_socket) == -1) {
			hs->url = NULL;
			goto fail;
		}
	}
	return hs;
fail:
	if (*err == '\0')
		snprintf(err, errlen, "out of memory");
	http_close(hs);
	return NULL;
}

void
http_start(struct http_server *hs)
{
	const struct http_sock *v[2] = { &hs->inet_sock, &hs->unix_sock };
	const bool	 on[2] = { hs->has_inet, hs->has_unix };
	size_t		 i;

	/* Our bound on the header block is the parser's too. */
	http_parser_set_max_header_size(HTTP_HEAD_MAX);
	for (i = 0; i < 2; i++)
		if (on[i] && v[i]->username == NULL)
			log_msg(LOGLEVEL_CRIT, "Server '%s' running without "
			    "any HTTP authentication checking",
			    v[i]->section);
	srv_start(hs->srv);
}

void
http_recheck(struct http_server *hs)
{
	srv_recheck(hs->srv);
}

void
http_set_auths(struct http_server *hs, const struct cfg *c)
{
	hs->unix_sock.open = c->unix_health_open;
	hs->inet_sock.open = c->inet_health_open;
	if (sock_auth(&hs->unix_sock, c->http_username,
	    c->http_password) == -1 || sock_auth(&hs->inet_sock,
	    c->inet_username, c->inet_password) == -1)
		log_warnx("couldn't take the new credentials: out of memory");
}

const char *
http_serverurl(const struct http_server *hs)
{
	return hs->url;
}

void
http_set_limits(struct http_server *hs, const struct srv_limits *l)
{
	srv_set_limits(hs->srv, l);
}

size_t
http_nconns(const struct http_server *hs)
{
	return srv_nconns(hs->srv);
}

size_t
http_buffered(const struct http_server *hs)
{
	return srv_buffered(hs->srv) + hs->held;
}

int
http_adopt(struct http_server *hs, int fd, bool unix_peer)
{
	return srv_adopt(hs->srv, fd, unix_peer,
	    unix_peer ? &hs->unix_sock : &hs->inet_sock);
}

void
http_close(struct http_server *hs)
{
	size_t	 i;

	if (hs == NULL)
		return;
	srv_free(hs->srv);
	for (i = 0; i < hs->nroutes; i++)
		free(hs->routes[i].pattern);
	free(hs->routes);
	(void)sock_auth(&hs->unix_sock, NULL, NULL);
	(void)sock_auth(&hs->inet_sock, NULL, NULL);
	free(hs->url);
	free(hs);
}
