/*
 * rpc_http: supervisor's XML-RPC handler at /RPC2 (xmlrpc.py's
 * supervisor_xmlrpc_handler): a POST's body decoded, the call run through
 * rpc.h, its answer streamed back as text/xml as it is written.  A call
 * that waits keeps its connection's later requests waiting, as medusa's
 * deferred responses do, and answers the moment the state it waits for
 * is reached.
 */
#ifndef SUPERVISORD_RPC_HTTP_H
#define SUPERVISORD_RPC_HTTP_H

#include "supervisord/http.h"
#include "supervisord/rpc.h"

/* Route /RPC2 (and, as supervisor matches it, /RPC2anything) to r.
 * 0, or -1 when memory ran out. */
int	rh_route(struct http_server *hs, struct rpc *r);

#endif /* SUPERVISORD_RPC_HTTP_H */
