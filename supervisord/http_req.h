/*
 * http_req: a request of http.c as it arrives (the connection's parser,
 * its head and body, bounded), and the bits of medusa's answers that
 * need no connection: reason phrases and dates.  The parser is
 * libhttp-parser behind hr_init and hr_feed, so that llhttp could take
 * its place here.  Internal to http*.c.
 */
#ifndef SUPERVISORD_HTTP_REQ_H
#define SUPERVISORD_HTTP_REQ_H

#include <stdbool.h>
#include <stddef.h>

#include <http_parser.h>

#include "supervisord/http_types.h"
#include "supervisord/server.h"

struct http_server;
struct http_sock;

enum rq_state {
	RQ_NONE = 0,	/* between requests */
	RQ_READING,	/* parsing one */
	RQ_HANDLER,	/* in its handler */
	RQ_STREAM,	/* its producer runs */
	RQ_SENT		/* answered: done once the handler returns */
};

enum rq_out {
	OUT_HOLD = 0,	/* buffered: held in hold */
	OUT_CHUNKED,	/* chunks as they come */
	OUT_RAW		/* raw until close */
};

struct http_req {
	struct http_conn *hc;
	struct http_req_info info;
	enum rq_state	 state;
	/* "URL\0name\0value\0...": the request as it arrives. */
	char		*head;
	size_t		 headlen, headcap;
	size_t		 nfields;
	int		 last;		/* 0 url, 1 field, 2 value */
	char		*pathq;		/* path\0query\0, decoded */
	char		*body;
	size_t		 bodylen;
	bool		 want_body, has_cl, complete;
	int		 error;		/* status to answer, or 0 */
	/* The answer. */
	bool		 keep, head_only;
	int		 code;
	char		*ctype, *headers;
	struct http_producer p;
	enum rq_out	 out;
	char		*hold;
	size_t		 holdlen, holdcap;
	bool		 in_fill, woken;
};

struct http_conn {
	struct http_server *hs;
	size_t		*held;		/* the server's count of bytes held */
	struct http_sock *sock;
	struct srv_conn	*sc;
	http_parser	 parser;
	struct http_req	 rq;
	bool		 eof;		/* the client sends nothing more */
	bool		 closing;	/* no request after this answer */
};

/* Forget rq (its producer freed), ready for the next request. */
void	hr_reset(struct http_req *rq);

/* A new connection's parser. */
void	hr_init(struct http_conn *hc);

/*
 * Parse: the bytes taken; stops after a whole request (*done, the
 * request in hc->rq) or an error (*status: 400, or the bound passed).
 */
size_t	hr_feed(struct http_conn *hc, const char *buf, size_t len,
	    bool *done, int *status);

/* A request header's value (name case-insensitive), or NULL. */
const char *hr_header(const struct http_req *rq, const char *name);

/* medusa's reason phrase for code ("Unknown" for one it lacks). */
const char *hr_reason(int code);

/* Now, as medusa's Date: header (RFC 1123, GMT). */
void	hr_date(char *buf, size_t size);

#endif /* SUPERVISORD_HTTP_REQ_H */
