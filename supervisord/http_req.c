/*
 * http_req: requests as they arrive (http_req.h).  The head is kept as
 * "URL\0name\0value\0..." in one buffer bounded by HTTP_HEAD_MAX; a
 * POST's body in one of its Content-Length, bounded by HTTP_BODY_MAX;
 * another request's body is read and dropped.
 */
#include <sys/types.h>

#include <assert.h>
#include <ctype.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <http_parser.h>

#include "supervisord/http_types.h"
#include "supervisord/http_req.h"
#include "supervisord/server.h"

static const struct {
	int		 code;
	const char	*reason;
} reasons[] = {
	/* medusa's http_server.responses, and RFC 6585's 431. */
	{ 100, "Continue" }, { 101, "Switching Protocols" }, { 200, "OK" },
	{ 201, "Created" }, { 202, "Accepted" },
	{ 203, "Non-Authoritative Information" }, { 204, "No Content" },
	{ 205, "Reset Content" }, { 206, "Partial Content" },
	{ 300, "Multiple Choices" }, { 301, "Moved Permanently" },
	{ 302, "Moved Temporarily" }, { 303, "See Other" },
	{ 304, "Not Modified" }, { 305, "Use Proxy" },
	{ 400, "Bad Request" }, { 401, "Unauthorized" },
	{ 402, "Payment Required" }, { 403, "Forbidden" },
	{ 404, "Not Found" }, { 405, "Method Not Allowed" },
	{ 406, "Not Acceptable" }, { 407, "Proxy Authentication Required" },
	{ 408, "Request Time-out" }, { 409, "Conflict" }, { 410, "Gone" },
	{ 411, "Length Required" }, { 412, "Precondition Failed" },
	{ 413, "Request Entity Too Large" }, { 414, "Request-URI Too Large" },
	{ 415, "Unsupported Media Type" },
	{ 431, "Request Header Fields Too Large" },
	{ 500, "Internal Server Error" }, { 501, "Not Implemented" },
	{ 502, "Bad Gateway" }, { 503, "Service Unavailable" },
	{ 504, "Gateway Time-out" }, { 505, "HTTP Version not supported" },
};

const char *
hr_reason(int code)
{
	size_t	 i;

	for (i = 0; i < sizeof(reasons) / sizeof(reasons[0]); i++)
		if (reasons[i].code == code)
			return reasons[i].reason;
	return "Unknown";
}

/* medusa's http_date.build_http_date: RFC 1123, GMT, English names. */
void
hr_date(char *buf, size_t size)
{
	static const char days[] = "SunMonTueWedThuFriSat";
	static const char months[] = "JanFebMarAprMayJunJulAugSepOctNovDec";
	struct tm	 tm;
	time_t		 t = time(NULL);

	gmtime_r(&t, &tm);
	snprintf(buf, size, "%.3s, %02d %.3s %04d %02d:%02d:%02d GMT",
	    days + 3 * tm.tm_wday, tm.tm_mday, months + 3 * tm.tm_mon,
	    tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

/* The request so far. */

void
hr_reset(struct http_req *rq)
{
	struct http_conn *hc = rq->hc;

	if (rq->p.free != NULL)
		rq->p.free(rq->p.arg);
	*hc->held -= rq->headcap + rq->holdcap +
	    (rq->body != NULL ? rq->info.bodylen + 1 : 0);
	free(rq->head);
	free(rq->pathq);
	free(rq->body);
	free(rq->ctype);
	free(rq->headers);
	free(rq->hold);
	memset(rq, 0, sizeof(*rq));
	rq->hc = hc;
}

/* Append to the head; false (431) beyond its bound. */
static bool
head_add(struct http_req *rq, const char *s, size_t n)
{
	size_t	 cap;
	char	*p;

	if (rq->headlen + n + 1 > HTTP_HEAD_MAX) {
		rq->error = 431;
		return false;
	}
	if (rq->headlen + n + 1 > rq->headcap) {
		for (cap = rq->headcap > 0 ? rq->headcap : 512;
		    cap < rq->headlen + n + 1; cap *= 2)
			;
		if ((p = realloc(rq->head, cap)) == NULL) {
			rq->error = 500;
			return false;
		}
		*rq->hc->held += cap - rq->headcap;
		rq->head = p;
		rq->headcap = cap;
	}
	memcpy(rq->head + rq->headlen, s, n);
	rq->headlen += n;
	rq->head[rq->headlen] = '\0';
	return true;
}

const char *
hr_header(const struct http_req *rq, const char *name)
{
	const char	*p, *end;
	size_t		 i;

	if (rq->head == NULL)
		return NULL;
	p = rq->head + strlen(rq->head) + 1;	/* past the URL */
	end = rq->head + rq->headlen;
	for (i = 0; i < rq->nfields && p < end; i++) {
		const char *v = p + strlen(p) + 1;

		if (v > end)
			break;
		if (strcasecmp(p, name) == 0)
			return v;
		p = v + strlen(v) + 1;
	}
	return NULL;
}

static int
unhex(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = tolower(c);
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/*
 * Split the URL into its %-decoded path (medusa unquotes only the path)
 * and its raw query, without a fragment.  false when the path holds a
 * NUL once decoded.
 */
static bool
url_split(struct http_req *rq)
{
	const char	*url = rq->head, *q, *f;
	size_t		 plen, qlen, i, j;
	char		*d;

	f = strchr(url, '#');
	plen = strcspn(url, "?#");
	q = url[plen] == '?' ? url + plen + 1 : NULL;
	qlen = q == NULL ? 0 : f != NULL && f > q ? (size_t)(f - q) :
	    strlen(q);
	if ((d = malloc(plen + qlen + 2)) == NULL)
		return false;
	for (i = j = 0; i < plen; i++) {
		if (url[i] == '%' && i + 2 < plen + 1 && unhex(url[i + 1]) >= 0 &&
		    unhex(url[i + 2]) >= 0) {
			d[j++] = (char)(unhex(url[i + 1]) * 16 +
			    unhex(url[i + 2]));
			i += 2;
		} else
			d[j++] = url[i];
	}
	d[j] = '\0';
	if (strlen(d) != j) {
		free(d);
		return false;
	}
	rq->pathq = d;
	rq->info.path = d;
	memcpy(d + j + 1, q != NULL ? q : "", qlen);
	d[j + 1 + qlen] = '\0';
	rq->info.query = d + j + 1;
	return true;
}

/* libhttp-parser, kept to hp_*: llhttp could take its place here. */

static int
hp_begin(http_parser *p)
{
	struct http_conn *hc = p->data;

	hr_reset(&hc->rq);
	hc->rq.state = RQ_READING;
	srv_set_state(hc->sc, SRV_REQUEST);
	return 0;
}

static int
hp_url(http_parser *p, const char *at, size_t n)
{
	struct http_conn *hc = p->data;

	return head_add(&hc->rq, at, n) ? 0 : -1;
}

static int
hp_field(http_parser *p, const char *at, size_t n)
{
	struct http_req	*rq = &((struct http_conn *)p->data)->rq;

	if (rq->last != 1) {
		/* A new field: end the URL or the last value. */
		if (!head_add(rq, "", 1))
			return -1;
		rq->last = 1;
		rq->nfields++;
	}
	return head_add(rq, at, n) ? 0 : -1;
}

static int
hp_value(http_parser *p, const char *at, size_t n)
{
	struct http_req	*rq = &((struct http_conn *)p->data)->rq;

	if (rq->last != 2) {
		if (!head_add(rq, "", 1))
			return -1;
		rq->last = 2;
	}
	return head_add(rq, at, n) ? 0 : -1;
}

static int
hp_headers(http_parser *p)
{
	struct http_conn *hc = p->data;
	struct http_req	*rq = &hc->rq;
	struct http_req_info *in = &rq->info;

	if (rq->head == NULL && !head_add(rq, "", 0))
		return -1;
	if (rq->last == 1 && !head_add(rq, "", 1))
		return -1;
	in->method = http_method_str((enum http_method)p->method);
	in->major = p->http_major;
	in->minor = p->http_minor;
	in->unix_peer = srv_is_unix(hc->sc);
	in->host = hr_header(rq, "Host");
	in->body = "";
	rq->head_only = p->method == HTTP_HEAD;
	if (!url_split(rq)) {
		rq->error = 400;
		return -1;
	}
	rq->has_cl = hr_header(rq, "Content-Length") != NULL;
	if (p->method == HTTP_POST && !rq->has_cl) {
		rq->error = 411;
		return -1;
	}
	if (rq->has_cl && p->content_length > HTTP_BODY_MAX) {
		rq->error = 413;
		return -1;
	}
	/* Only a POST's body is kept; another's is read and dropped. */
	if (p->method == HTTP_POST) {
		if ((rq->body = malloc(p->content_length + 1)) == NULL) {
			rq->error = 500;
			return -1;
		}
		*hc->held += p->content_length + 1;
		in->bodylen = p->content_length;
		rq->body[0] = '\0';
		rq->want_body = true;
	}
	return 0;
}

static int
hp_body(http_parser *p, const char *at, size_t n)
{
	struct http_req	*rq = &((struct http_conn *)p->data)->rq;

	if (rq->bodylen + n > HTTP_BODY_MAX) {
		rq->error = 413;
		return -1;
	}
	if (rq->want_body) {
		assert(rq->bodylen + n <= rq->info.bodylen);
		memcpy(rq->body + rq->bodylen, at, n);
	}
	rq->bodylen += n;
	return 0;
}

static int
hp_complete(http_parser *p)
{
	struct http_conn *hc = p->data;
	struct http_req	*rq = &hc->rq;

	if (rq->want_body) {
		rq->body[rq->bodylen] = '\0';
		rq->info.body = rq->body;
	}
	rq->complete = true;
	/* One request at a time: the next waits for this one's answer. */
	http_parser_pause(p, 1);
	return 0;
}

static const http_parser_settings hp_settings = {
	.on_message_begin = hp_begin,
	.on_url = hp_url,
	.on_header_field = hp_field,
	.on_header_value = hp_value,
	.on_headers_complete = hp_headers,
	.on_body = hp_body,
	.on_message_complete = hp_complete,
};

void
hr_init(struct http_conn *hc)
{
	http_parser_init(&hc->parser, HTTP_REQUEST);
	hc->parser.data = hc;
}

/*
 * Parse: the bytes taken; stops after a whole request (*done) or an
 * error (*status: 400, or the bound that was passed).
 */
size_t
hr_feed(struct http_conn *hc, const char *buf, size_t len, bool *done,
    int *status)
{
	size_t		 n;
	enum http_errno	 e;

	n = http_parser_execute(&hc->parser, &hp_settings, buf, len);
	e = HTTP_PARSER_ERRNO(&hc->parser);
	*done = false;
	*status = 0;
	if (e == HPE_PAUSED) {
		http_parser_pause(&hc->parser, 0);
		*done = true;
	} else if (e == HPE_HEADER_OVERFLOW)
		*status = 431;
	else if (e != HPE_OK)
		*status = hc->rq.error != 0 ? hc->rq.error : 400;
	return n;
}

