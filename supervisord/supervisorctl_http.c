/*
 * supervisorctl_http: the client's side of the wire.  XML-RPC calls go
 * as SupervisorTransport sends them (POST /RPC2, HTTP/1.1, Basic auth
 * when a username and a password are both set) over one connection kept
 * open between calls; tail -f and fg read /logtail and /mainlogtail as
 * supervisor's http_client does (its request shape, chunked or
 * Content-Length bodies, its words on stderr: supervisorctl_tail.c).
 * Failures are worded as the exceptions Python's client would meet (see
 * supervisorctl.h).
 */
#include <sys/socket.h>
#include <sys/types.h>
#include <sys/un.h>

#include <errno.h>
#include <netdb.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "supervisord/supervisorctl.h"
#include "supervisord/version.h"

#define PY_SOCKET	"/usr/lib/python3.11/socket.py"
#define PY_HTTPLIB	"/usr/lib/python3.11/http/client.py"
#define PY_PARSE	"/usr/lib/python3.11/urllib/parse.py"
#define SV_XMLRPC	"/usr/lib/python3/dist-packages/supervisor/xmlrpc.py"
#define MAX_HEAD	65536		/* status line and headers */
#define BODY_READ	65536		/* a body's bytes read at a time */

static void
set_err(struct ctl *c, enum ctl_err e, int num, const char *reason)
{
	c->err = e;
	c->errnum = num;
	snprintf(c->reason, sizeof(c->reason), "%.127s", reason != NULL ? reason :
	    "");
}

/*
 * Parse serverurl as the transport does: 0, or -1 with c->err (an
 * unknown scheme, a port urlparse refuses).
 */
int
ctl_url_parse(struct ctl *c, const char *s, struct url *u)
{
	const char	*p, *end, *colon, *at;
	size_t		 n;
	char		 port[64];

	memset(u, 0, sizeof(*u));
	if (strncmp(s, "unix://", 7) == 0) {
		u->unix_ = true;
		snprintf(u->path, sizeof(u->path), "%s", s + 7);
		return 0;
	}
	if (strncmp(s, "http://", 7) != 0) {
		set_err(c, CTL_E_URL, 505, "");
		snprintf(c->reason, sizeof(c->reason), "%.100s", s);
		return -1;
	}
	p = s + 7;
	end = p + strcspn(p, "/?#");
	n = (size_t)(end - p);
	snprintf(u->netloc, sizeof(u->netloc), "%.*s", (int)n, p);
	/* userinfo@ goes; [v6]:port keeps its brackets out of the host. */
	if ((at = memrchr(p, '@', n)) != NULL)
		p = at + 1;
	if (*p == '[' && (colon = memchr(p, ']', (size_t)(end - p))) != NULL) {
		snprintf(u->host, sizeof(u->host), "%.*s",
		    (int)(colon - p - 1), p + 1);
		colon = colon + 1 < end && colon[1] == ':' ? colon + 1 : NULL;
	} else {
		colon = memchr(p, ':', (size_t)(end - p));
		snprintf(u->host, sizeof(u->host), "%.*s",
		    (int)((colon != NULL ? colon : end) - p), p);
	}
	for (n = 0; u->host[n] != '\0'; n++)
		if (u->host[n] >= 'A' && u->host[n] <= 'Z')
			u->host[n] += 'a' - 'A';
	if (colon == NULL) {
		snprintf(u->port, sizeof(u->port), "80");
		return 0;
	}
	snprintf(port, sizeof(port), "%.*s", (int)(end - colon - 1),
	    colon + 1);
	if (port[0] == '\0' || strspn(port, "0123456789") != strlen(port)) {
		set_err(c, CTL_E_URL, 182, "");
		snprintf(c->reason, sizeof(c->reason), "Port could not be "
		    "cast to integer value as '%.60s'", port);
		return -1;
	}
	if (strlen(port) > 5 || atoi(port) > 65535) {
		set_err(c, CTL_E_URL, 184, "Port out of range 0-65535");
		return -1;
	}
	snprintf(u->port, sizeof(u->port), "%d", atoi(port));
	return 0;
}

void
ctl_proxy(struct ctl *c)
{
	struct url	u;

	if (ctl_url_parse(c, c->url, &u) == -1)
		ctl_raise_err(c);
}

/* Connect as the transport does; the fd, or -1 with c->err. */
int
ctl_dial(struct ctl *c, const struct url *u)
{
	struct sockaddr_un sun;
	struct addrinfo	 hints, *res, *ai;
	int		 fd = -1, rc, saved = 0;

	if (u->unix_) {
		memset(&sun, 0, sizeof(sun));
		sun.sun_family = AF_UNIX;
		if (strlen(u->path) >= sizeof(sun.sun_path)) {
			set_err(c, CTL_E_SOCKET, ENAMETOOLONG, "");
			return -1;
		}
		memcpy(sun.sun_path, u->path, strlen(u->path) + 1);
		if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) ==
		    -1 || connect(fd, (struct sockaddr *)&sun,
		    sizeof(sun)) == -1) {
			set_err(c, CTL_E_SOCKET, errno, SV_XMLRPC);
			if (fd != -1)
				close(fd);
			return -1;
		}
		return fd;
	}
	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	if ((rc = getaddrinfo(u->host, u->port, &hints, &res)) != 0) {
		set_err(c, CTL_E_RESOLVE, rc, PY_SOCKET);
		return -1;
	}
	for (ai = res; ai != NULL; ai = ai->ai_next) {
		if ((fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC,
		    ai->ai_protocol)) == -1) {
			saved = saved != 0 ? saved : errno;
			continue;
		}
		if (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0)
			break;
		/* create_connection raises the first address's error. */
		saved = saved != 0 ? saved : errno;
		close(fd);
		fd = -1;
	}
	freeaddrinfo(res);
	if (fd == -1)
		set_err(c, CTL_E_SOCKET, saved != 0 ? saved : ECONNREFUSED,
		    PY_SOCKET);
	return fd;
}

int
ctl_write_all(int fd, const void *buf, size_t len)
{
	const char	*p = buf;
	ssize_t		 n;

	while (len > 0) {
		if ((n = send(fd, p, len, MSG_NOSIGNAL)) == -1) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/* base64 of "user:pass", with a newline every 76 characters if nl (as
 * Python's encodestring writes it). */
char *
ctl_basic_auth(const char *user, const char *pass, bool nl)
{
	static const char tab[] =
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	const unsigned char *s;
	char		*in, *out;
	size_t		 n, i, o = 0;
	unsigned	 v;

	if (asprintf(&in, "%s:%s", user != NULL ? user : "None", pass) ==
	    -1)
		return NULL;
	n = strlen(in);
	if ((out = malloc(n / 3 * 4 + n / 57 + 8)) == NULL) {
		free(in);
		return NULL;
	}
	s = (const unsigned char *)in;
	for (i = 0; i < n; i += 3) {
		if (nl && i > 0 && i % 57 == 0)
			out[o++] = '\n';
		v = (unsigned)s[i] << 16;
		if (i + 1 < n)
			v |= (unsigned)s[i + 1] << 8;
		if (i + 2 < n)
			v |= s[i + 2];
		out[o++] = tab[v >> 18 & 63];
		out[o++] = tab[v >> 12 & 63];
		out[o++] = i + 1 < n ? tab[v >> 6 & 63] : '=';
		out[o++] = i + 2 < n ? tab[v & 63] : '=';
	}
	out[o] = '\0';
	free(in);
	return out;
}

/* XML-RPC over HTTP */

static void
conn_close(struct ctl *c)
{
	if (c->fd != -1)
		close(c->fd);
	c->fd = -1;
	c->rlen = c->roff = 0;
}

void
ctl_disconnect(struct ctl *c)
{
	conn_close(c);
}

/* Read more into c->rbuf: bytes read, 0 at EOF, -1 with errno. */
static ssize_t
fill(struct ctl *c)
{
	ssize_t	n;
	char	*p;

	/* What was consumed goes once per read, not once per chunk. */
	if (c->roff > 0) {
		memmove(c->rbuf, c->rbuf + c->roff, c->rlen - c->roff);
		c->rlen -= c->roff;
		c->roff = 0;
	}
	/* Room for a big read: several chunks of a body at a time. */
	if (c->rcap - c->rlen < BODY_READ) {
		if ((p = realloc(c->rbuf, c->rlen + BODY_READ)) == NULL)
			return -1;
		c->rbuf = p;
		c->rcap = c->rlen + BODY_READ;
	}
	do
		n = read(c->fd, c->rbuf + c->rlen, c->rcap - c->rlen);
	while (n == -1 && errno == EINTR);
	if (n > 0)
		c->rlen += (size_t)n;
	return n;
}

static void
consume(struct ctl *c, size_t n)
{
	c->roff += n;
	if (c->roff == c->rlen)
		c->rlen = c->roff = 0;
}

/* A header's value in the block head (lines after the first), or NULL. */
static const char *
header(const char *head, const char *name, char *buf, size_t len)
{
	const char	*p = strstr(head, "\r\n"), *e;
	size_t		 n = strlen(name);

	while (p != NULL && p[2] != '\r' && p[2] != '\0') {
		p += 2;
		e = strstr(p, "\r\n");
		if (strncasecmp(p, name, n) == 0 && p[n] == ':') {
			p += n + 1;
			while (*p == ' ' || *p == '\t')
				p++;
			n = (size_t)(e - p);
			while (n > 0 && (p[n - 1] == ' ' || p[n - 1] == '\t'))
				n--;
			snprintf(buf, len, "%.*s", (int)n, p);
			return buf;
		}
		p = e;
	}
	return NULL;
}

static int
bad_reply(struct ctl *c, const char *why)
{
	set_err(c, CTL_E_BADREPLY, 0, why);
	conn_close(c);
	return -1;
}

/* The unread bytes of c->rbuf. */
#define RB	(c->rbuf + c->roff)
#define RL	(c->rlen - c->roff)

/*
 * Hand the body's next n bytes (SIZE_MAX: up to EOF) to the decoder as
 * they come, so that the parse keeps pace with the server and the body
 * is never held whole: a long stretch is read straight into the parser's
 * buffer; a short one (a chunk's rest) is read ahead into c->rbuf with
 * what follows it, several chunks a read, and copied from there.  0 with
 * *got the bytes passed (fewer than n: EOF came first), -1 with errno,
 * 1 when the decoder refused more (the document is bad: it tells why).
 */
static int
body_pass(struct ctl *c, struct xr_dec *d, size_t n, size_t *got)
{
	void	*b;
	size_t	 k;
	ssize_t	 r;

	for (*got = 0; *got < n; *got += k) {
		k = n - *got;
		if (RL == 0 && k < BODY_READ && (r = fill(c)) <= 0)
			return r == 0 ? 0 : -1;
		if (RL > 0 && k > RL)
			k = RL;
		else if (RL == 0)
			k = BODY_READ;
		if ((b = xr_resp_buf(d, k)) == NULL)
			return 1;
		if (RL > 0) {
			memcpy(b, RB, k);
			consume(c, k);
		} else {
			do
				r = read(c->fd, b, k);
			while (r == -1 && errno == EINTR);
			if (r == -1)
				return -1;
			if (r == 0)
				return 0;
			k = (size_t)r;
		}
		xr_resp_feed(d, k);
	}
	return 0;
}

/*
 * Read one answer, its body into the decoder d.  0 (the body passed, or
 * refused by the decoder midway: the connection then closed), or -1
 * with c->err (*nothing: nothing at all came back, so a reused
 * connection may have been closed by the server meanwhile).
 */
static int
read_answer(struct ctl *c, struct xr_dec *d, bool *nothing)
{
	char		*head, *p, *e, v[64], reason[128];
	size_t		 hl, need, got, cl = 0;
	ssize_t		 n;
	int		 status, minor, rc;
	bool		 chunked, has_cl, keep;

	*nothing = true;
	while ((p = RL > 0 ? memmem(RB, RL, "\r\n\r\n", 4) :
	    NULL) == NULL) {
		if (RL > MAX_HEAD)
			return bad_reply(c, "headers too long");
		if ((n = fill(c)) <= 0) {
			if (n == 0 && RL == 0)
				set_err(c, CTL_E_BADREPLY, 294,
				    "Remote end closed connection without "
				    "response");
			else if (n == 0)
				set_err(c, CTL_E_BADREPLY, 0,
				    "incomplete headers");
			else
				set_err(c, CTL_E_SOCKET, errno, PY_SOCKET);
			if (RL > 0)
				*nothing = false;
			conn_close(c);
			return -1;
		}
		*nothing = false;
	}
	*nothing = false;
	hl = (size_t)(p - RB) + 4;
	if ((head = strndup(RB, hl)) == NULL)
		return bad_reply(c, "out of memory");
	consume(c, hl);
	reason[0] = '\0';
	if (sscanf(head, "HTTP/1.%d %d %127[^\r]", &minor, &status,
	    reason) < 2) {
		free(head);
		return bad_reply(c, "not an HTTP answer");
	}
	chunked = header(head, "Transfer-Encoding", v, sizeof(v)) != NULL &&
	    strcasecmp(v, "chunked") == 0;
	has_cl = header(head, "Content-Length", v, sizeof(v)) != NULL;
	if (has_cl)
		cl = strtoul(v, NULL, 10);
	keep = minor >= 1;
	if (header(head, "Connection", v, sizeof(v)) != NULL)
		keep = strcasecmp(v, "close") != 0 &&
		    (minor >= 1 || strcasecmp(v, "keep-alive") == 0);
	free(head);
	if (status != 200) {
		/* The transport closes at once, the body unread. */
		set_err(c, CTL_E_PROTOCOL, status, reason);
		conn_close(c);
		return -1;
	}
	for (;;) {
		if (chunked) {
			while ((e = memmem(RB, RL, "\r\n", 2)) ==
			    NULL)
				if (fill(c) <= 0)
					return bad_reply(c, "incomplete "
					    "chunked read");
			need = strtoul(RB, NULL, 16);
			consume(c, (size_t)(e - RB) + 2);
			if (need == 0) {
				/* The trailer, to its empty line. */
				while ((e = memmem(RB, RL, "\r\n",
				    2)) == NULL || e != RB) {
					if (e != NULL) {
						consume(c, (size_t)(e -
						    RB) + 2);
						continue;
					}
					if (fill(c) <= 0)
						return bad_reply(c,
						    "incomplete chunked read");
				}
				consume(c, 2);
				break;
			}
		} else if (has_cl)
			need = cl;
		else
			need = SIZE_MAX;
		if ((rc = body_pass(c, d, need, &got)) == 1) {
			/* Where the answer ends is unknown now. */
			conn_close(c);
			return 0;
		}
		if (rc == -1 || (got < need && (has_cl || chunked)))
			return bad_reply(c, "incomplete read");
		if (!chunked) {
			if (!has_cl)
				keep = false;
			break;
		}
		/* The chunk's CRLF. */
		while (RL < 2)
			if (fill(c) <= 0)
				return bad_reply(c, "incomplete read");
		consume(c, 2);
	}
	if (!keep)
		conn_close(c);
	return 0;
}

#undef RB
#undef RL

/* POST body to /RPC2, the answer's body into d; 0, or -1 with c->err. */
static int
post(struct ctl *c, const char *xml, size_t len, struct xr_dec *d)
{
	struct url	 u;
	char		*auth = NULL, *req;
	int		 n, try;
	bool		 reused, nothing;

	if (ctl_url_parse(c, c->url, &u) == -1)
		return -1;
	if (c->user != NULL && c->pass != NULL &&
	    (auth = ctl_basic_auth(c->user, c->pass, false)) == NULL)
		return bad_reply(c, "out of memory");
	/* SupervisorTransport's headers, in http.client's order. */
	n = asprintf(&req, "POST /RPC2 HTTP/1.1\r\n"
	    "Host: %s\r\n"
	    "Accept-Encoding: identity\r\n"
	    "User-Agent: supervisorctl/%s\r\n"
	    "Content-Type: text/xml\r\n"
	    "Accept: text/xml\r\n"
	    "%s%s%s"
	    "Content-Length: %zu\r\n\r\n",
	    u.unix_ ? "localhost" : u.netloc, SUPERVISORD_VERSION,
	    auth != NULL ? "Authorization: Basic " : "",
	    auth != NULL ? auth : "", auth != NULL ? "\r\n" : "", len);
	free(auth);
	if (n == -1)
		return bad_reply(c, "out of memory");
	for (try = 0; try < 2; try++) {
		reused = c->fd != -1;
		if (c->fd == -1) {
			if ((c->fd = ctl_dial(c, &u)) == -1)
				break;
			c->rlen = c->roff = 0;
		}
		if (ctl_write_all(c->fd, req, (size_t)n) == -1 ||
		    ctl_write_all(c->fd, xml, len) == -1) {
			set_err(c, CTL_E_SOCKET, errno, PY_SOCKET);
			conn_close(c);
			if (reused)
				continue;
			break;
		}
		if (read_answer(c, d, &nothing) == 0) {
			free(req);
			return 0;
		}
		/*
		 * A kept connection the server had closed: once more (the
		 * decoder has seen nothing yet).
		 */
		if (!(reused && nothing))
			break;
	}
	free(req);
	return -1;
}

int
ctl_rpc_keep(struct ctl *c, const char *method, struct xr_val *params,
    const char *const *keep, const struct xr_val **res)
{
	struct xr_val	*v;
	struct xr_dec	*d;
	char		*xml, err[256];
	size_t		 len;
	bool		 fault;

	*res = NULL;
	if (params == NULL)
		params = xr_array();
	xml = params != NULL ? xr_encode_call(method, params, &len) : NULL;
	xr_val_free(params);
	if (xml == NULL || (d = xr_resp_new(err, sizeof(err))) == NULL) {
		free(xml);
		set_err(c, CTL_E_BADREPLY, 0, "out of memory");
		return -1;
	}
	if (keep != NULL)
		xr_resp_keep(d, keep);
	if (post(c, xml, len, d) == -1) {
		xr_resp_free(d);
		free(xml);
		return -1;
	}
	free(xml);
	if (xr_resp_end(d, &v, &fault) == -1) {
		set_err(c, CTL_E_BADREPLY, 0, err);
		return -1;
	}
	ctl_keepmem(c, NULL);	/* room first: the push below cannot fail */
	c->kept[c->nkept++] = v;
	*res = v;
	if (fault)
		return ctl_fault_code(v) > 0 ? ctl_fault_code(v) : 1;
	return 0;
}

int
ctl_rpc_try(struct ctl *c, const char *method, struct xr_val *params,
    const struct xr_val **res)
{
	return ctl_rpc_keep(c, method, params, NULL, res);
}

int
ctl_rpc(struct ctl *c, const char *method, struct xr_val *params,
    const struct xr_val **res)
{
	int	rc;

	if ((rc = ctl_rpc_try(c, method, params, res)) == -1)
		ctl_raise_err(c);
	return rc;
}

/* Python's exception class for an errno, as OSError's constructor picks. */
const char *
ctl_os_class(int e)
{
	switch (e) {
	case ENOENT:
		return "FileNotFoundError";
	case ECONNREFUSED:
		return "ConnectionRefusedError";
	case EACCES:
	case EPERM:
		return "PermissionError";
	case ECONNRESET:
		return "ConnectionResetError";
	case ECONNABORTED:
		return "ConnectionAbortedError";
	case EPIPE:
	case ESHUTDOWN:
		return "BrokenPipeError";
	case ETIMEDOUT:
		return "TimeoutError";
	case ENOTDIR:
		return "NotADirectoryError";
	case EAGAIN:
		return "BlockingIOError";
	case EINTR:
		return "InterruptedError";
	default:
		return "OSError";
	}
}

void
ctl_raise_err(struct ctl *c)
{
	char	msg[512];

	/* onecmd's first run of a command swallows a 401 (see onecmd). */
	if (c->err == CTL_E_PROTOCOL && c->errnum == 401 && !c->retry) {
		c->exitstatus = CTL_GENERIC;
		longjmp(*c->jb, 2);
	}
	switch (c->err) {
	case CTL_E_SOCKET:
		snprintf(msg, sizeof(msg), "error: <class '%s'>, [Errno %d] "
		    "%s: file: %s line: %d", ctl_os_class(c->errnum), c->errnum,
		    strerror(c->errnum), c->reason,
		    strcmp(c->reason, SV_XMLRPC) == 0 ? 557 : 836);
		break;
	case CTL_E_RESOLVE:
		snprintf(msg, sizeof(msg), "error: <class 'socket.gaierror'>, "
		    "[Errno %d] %s: file: %s line: 962", c->errnum,
		    gai_strerror(c->errnum), PY_SOCKET);
		break;
	case CTL_E_PROTOCOL:
		snprintf(msg, sizeof(msg), "error: <class "
		    "'xmlrpc.client.ProtocolError'>, <ProtocolError for "
		    "127.0.0.1/RPC2: %d %s>: file: %s line: 539", c->errnum,
		    c->reason, SV_XMLRPC);
		break;
	case CTL_E_URL:
		if (c->errnum == 505)
			snprintf(msg, sizeof(msg), "error: <class "
			    "'ValueError'>, Unknown protocol for serverurl "
			    "%s: file: %s line: 505", c->reason, SV_XMLRPC);
		else
			snprintf(msg, sizeof(msg), "error: <class "
			    "'ValueError'>, %s: file: %s line: %d", c->reason,
			    PY_PARSE, c->errnum);
		break;
	default:
		if (c->errnum == 294)
			snprintf(msg, sizeof(msg), "error: <class "
			    "'http.client.RemoteDisconnected'>, %s: file: %s "
			    "line: 294", c->reason, PY_HTTPLIB);
		else
			snprintf(msg, sizeof(msg), "error: <class "
			    "'xml.parsers.expat.ExpatError'>, %s: file: "
			    "/usr/lib/python3.11/xmlrpc/client.py line: 451",
			    c->reason);
		break;
	}
	ctl_out("%s", msg);
	c->exitstatus = CTL_GENERIC;
	longjmp(*c->jb, 1);
}
