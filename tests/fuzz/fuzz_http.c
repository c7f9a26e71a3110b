/*
 * fuzz_http: libFuzzer over the HTTP request path.  Each input is what
 * one client sends on a connection (one end of a socketpair served by
 * http_adopt): parsed, authenticated, routed to test routes (a reply, an
 * echo of the body, a buffered stream that waits once and grows past the
 * hold bound, a chunked stream) and answered, in the real loop, until
 * the server closes the connection.  The first byte's low bit picks the
 * socket: the unix one (no auth) or the inet one (Basic auth, user:pass).
 * Besides memory errors it checks that every connection ends and that
 * nothing stays held afterwards.
 */
#include <sys/socket.h>

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <ev.h>

#include "supervisord/config.h"
#include "supervisord/http.h"
#include "supervisord/log.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static struct ev_loop	*loop;
static struct http_server *hs;

static void
hello(void *arg, struct http_req *rq)
{
	(void)arg;
	http_reply(rq, 200, "text/plain", "X-A: b\r\n", "hello", 5);
}

static void
echo(void *arg, struct http_req *rq)
{
	const struct http_req_info *in = http_info(rq);

	(void)arg;
	if (strcmp(in->method, "POST") != 0) {
		http_error(rq, 400);
		return;
	}
	if (in->body[in->bodylen] != '\0' || strlen(in->path) == 0 ||
	    in->query == NULL)
		abort();
	http_reply(rq, 200, "text/xml", NULL, in->body, in->bodylen);
}

struct gen {
	size_t	 left;
	bool	 waited;
};

static enum http_fill
gen_fill(void *arg, struct http_req *rq)
{
	struct gen	*g = arg;
	char		 buf[1000];
	size_t		 n;

	if (!g->waited) {
		/* Woken from inside fill: run again, not re-entered. */
		g->waited = true;
		http_wake(rq);
		return HTTP_FILL_WAIT;
	}
	memset(buf, 'y', sizeof(buf));
	while (g->left > 0 && http_room(rq) > 0) {
		n = g->left < sizeof(buf) ? g->left : sizeof(buf);
		http_write(rq, buf, n);
		g->left -= n;
	}
	return g->left == 0 ? HTTP_FILL_DONE : HTTP_FILL_MORE;
}

static void
gen(void *arg, struct http_req *rq)
{
	struct http_producer p;
	struct gen	*g;

	if ((g = calloc(1, sizeof(*g))) == NULL) {
		http_error(rq, 500);
		return;
	}
	g->left = strtoul(http_info(rq)->query, NULL, 10) % 70000;
	p.fill = gen_fill;
	p.free = free;
	p.arg = g;
	http_stream(rq, 200, "text/plain", NULL, arg != NULL ?
	    HTTP_STREAM_CHUNKED : HTTP_STREAM_BUFFERED, &p);
}

static void
setup(void)
{
	static int	 chunked = 1;
	struct cfg	 c;
	char		 err[256];

	memset(&c, 0, sizeof(c));
	c.inet_username = (char *)(uintptr_t)"user";
	c.inet_password = (char *)(uintptr_t)"pass";
	if ((hs = http_open(loop, &c, err, sizeof(err))) == NULL ||
	    http_route(hs, "/", HTTP_EXACT, hello, NULL) == -1 ||
	    http_route(hs, "/RPC2", HTTP_PREFIX, echo, NULL) == -1 ||
	    http_route(hs, "/gen", HTTP_PREFIX, gen, NULL) == -1 ||
	    http_route(hs, "/chunk", HTTP_PREFIX, gen, &chunked) == -1)
		abort();
	http_set_auths(hs, &c);
	http_start(hs);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char		 buf[65536];
	size_t		 off = 0;
	ssize_t		 n;
	int		 sv[2], i;
	bool		 shut = false;

	if (loop == NULL) {
		if ((loop = ev_loop_new(EVFLAG_AUTO)) == NULL)
			abort();
		log_open(NULL, 0, 0, LOGLEVEL_CRIT, false);
		setup();
	}
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0,
	    sv) == -1)
		abort();
	if (http_adopt(hs, sv[0], size == 0 || (data[0] & 1) == 0) == -1)
		abort();
	for (i = 0; i < 100000; i++) {
		if (off < size) {
			n = write(sv[1], data + off, size - off);
			if (n > 0)
				off += (size_t)n;
		}
		if (off == size && !shut) {
			(void)shutdown(sv[1], SHUT_WR);
			shut = true;
		}
		ev_run(loop, EVRUN_NOWAIT);
		while ((n = read(sv[1], buf, sizeof(buf))) > 0)
			;
		if (n == 0 && http_nconns(hs) == 0)
			break;
		if (n == -1 && errno != EAGAIN)
			break;
	}
	close(sv[1]);
	/* Every connection ends; nothing stays held once it has. */
	for (i = 0; i < 1000 && http_nconns(hs) > 0; i++)
		ev_run(loop, EVRUN_NOWAIT);
	if (http_nconns(hs) != 0 || http_buffered(hs) != 0)
		abort();
	return 0;
}
