/*
 * rpc_http: /RPC2.  The body of a POST is decoded whole (the HTTP layer
 * bounds it), the call is made, and its answer is written straight into
 * the connection's output through an xr_out: the HTTP layer holds it
 * until it is complete and sends it with a Content-Length, as medusa
 * does, unless it outgrows the connection's bound, when it goes out
 * chunked as it is produced.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "supervisord/http.h"
#include "supervisord/log.h"
#include "supervisord/loglevel.h"
#include "supervisord/rpc.h"
#include "supervisord/rpc_http.h"
#include "supervisord/xmlrpc.h"

/* One answer in progress. */
struct rh_answer {
	struct http_req	*rq;
	struct rpc_call	*call;
	struct xr_out	 out;
	char		*method;	/* for the trace lines */
};

static void
rh_write(void *arg, const void *buf, size_t len)
{
	struct rh_answer *a = arg;

	http_write(a->rq, buf, len);
}

static size_t
rh_room(void *arg)
{
	struct rh_answer *a = arg;

	return http_room(a->rq);
}

static void
rh_wake(void *arg)
{
	struct rh_answer *a = arg;

	http_wake(a->rq);
}

static enum http_fill
rh_fill(void *arg, struct http_req *rq)
{
	struct rh_answer *a = arg;

	a->rq = rq;
	switch (rpc_call_run(a->call, &a->out)) {
	case RPC_DONE:
		xr_out_finish(&a->out);
		log_msg(LOGLEVEL_TRAC, "XML-RPC method %s() returned "
		    "successfully", a->method);
		return HTTP_FILL_DONE;
	case RPC_MORE:
		return HTTP_FILL_MORE;
	case RPC_WAIT:
		break;
	}
	return HTTP_FILL_WAIT;
}

static void
rh_free(void *arg)
{
	struct rh_answer *a = arg;

	rpc_call_free(a->call);
	free(a->method);
	free(a);
}

/* The request's first bytes, printable, for a log line. */
static const char *
rh_excerpt(const char *body, size_t len, char *buf, size_t size)
{
	size_t	 i, j;

	for (i = j = 0; i < len && j + 5 < size; i++) {
		unsigned char c = (unsigned char)body[i];

		if (c >= 0x20 && c < 0x7f && c != '\\')
			buf[j++] = (char)c;
		else
			j += (size_t)snprintf(buf + j, size - j, "\\x%02x", c);
	}
	if (i < len && j + 4 < size)
		j += (size_t)snprintf(buf + j, size - j, "...");
	buf[j < size ? j : size - 1] = '\0';
	return buf;
}

static void
rh_handle(void *arg, struct http_req *rq)
{
	struct rpc		*r = arg;
	const struct http_req_info *in = http_info(rq);
	struct http_producer	 p;
	struct rh_answer	*a;
	struct xr_call		 call;
	char			 err[256], ex[160];

	if (strcmp(in->method, "POST") != 0) {
		http_error(rq, 400);
		return;
	}
	if (xr_decode_call(in->body, in->bodylen, &call, err,
	    sizeof(err)) == -1) {
		log_warnx("XML-RPC request data '%s' is invalid: %s",
		    rh_excerpt(in->body, in->bodylen, ex, sizeof(ex)), err);
		http_error(rq, 400);
		return;
	}
	log_msg(LOGLEVEL_TRAC, "XML-RPC method called: %s()", call.method);
	if ((a = calloc(1, sizeof(*a))) == NULL) {
		xr_call_clear(&call);
		http_error(rq, 500);
		return;
	}
	a->rq = rq;
	a->method = call.method;
	call.method = NULL;
	a->call = rpc_call_new(r, a->method, call.params, rh_wake, a);
	call.params = NULL;
	xr_call_clear(&call);
	if (a->call == NULL) {
		log_warnx("Handling XML-RPC request for %s(): out of memory",
		    a->method);
		free(a->method);
		free(a);
		http_error(rq, 500);
		return;
	}
	xr_out_init(&a->out, rh_write, rh_room, a);
	p.fill = rh_fill;
	p.free = rh_free;
	p.arg = a;
	http_stream(rq, 200, "text/xml", NULL, HTTP_STREAM_BUFFERED, &p);
}

int
rh_route(struct http_server *hs, struct rpc *r)
{
	return http_route(hs, "/RPC2", HTTP_PREFIX, rh_handle, r);
}
