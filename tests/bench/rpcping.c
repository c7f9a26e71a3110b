/*
 * rpcping: time a daemon's XML-RPC answers over its unix socket, from the
 * raw socket, so that no client library's parsing is counted: the time of
 * one call is from connect(2) (or, on a kept-alive connection, from the
 * request's write) until the last byte of the answer has been read.
 *
 *	rpcping -u SOCKET -m METHOD [-n CALLS] [-k]
 *		CALLS calls (default 20) of METHOD without arguments, each on
 *		a fresh connection, or all on one keep-alive connection with
 *		-k.  Prints one line of key=value pairs: the median, minimum
 *		and maximum microseconds per call, calls per second over the
 *		whole run, the size of the last answer's body, the number
 *		of its chunks (0: not chunked), and how many "statename"
 *		members it held (the structs of a getAllProcessInfo).
 *
 * Answers are read as HTTP/1.0 or 1.1: Content-Length, chunked, or to
 * the end of the connection.  The probe judges nothing but the protocol:
 * exit 0 when every call got a 200 with a methodResponse and no fault,
 * 1 otherwise, with the reason on stderr.
 */
#include <sys/socket.h>
#include <sys/un.h>

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

struct answer {
	char	*buf;		/* the whole answer, headers and body */
	size_t	 len;
	size_t	 cap;
	size_t	 body;		/* offset of the body, 0 until known */
	size_t	 bodylen;	/* decoded body length (chunked: its sum) */
	long	 clen;		/* Content-Length, -1 if none */
	bool	 chunked;
	size_t	 cpos;		/* chunked: offset of the next size line */
	char	*dec;		/* chunked: the decoded body */
	size_t	 deccap;
	size_t	 nchunks;	/* chunked: how many chunks so far */
	int	 status;
};

static const char *sockpath;
static char	   req[1024];
static size_t	   reqlen;

static double
now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

static void
die(const char *what)
{
	fprintf(stderr, "rpcping: %s\n", what);
	exit(1);
}

static int
connect_unix(void)
{
	struct sockaddr_un sun;
	int fd;

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	if (strlen(sockpath) >= sizeof(sun.sun_path))
		die("socket path too long");
	strcpy(sun.sun_path, sockpath);
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1) {
		perror("rpcping: socket");
		exit(1);
	}
	while (connect(fd, (struct sockaddr *)&sun, sizeof(sun)) == -1) {
		if (errno == EINTR)
			continue;
		fprintf(stderr, "rpcping: connect %s: %s\n", sockpath,
		    strerror(errno));
		exit(1);
	}
	return fd;
}

static void
write_all(int fd, const char *p, size_t n)
{
	ssize_t w;

	while (n > 0) {
		if ((w = write(fd, p, n)) == -1) {
			if (errno == EINTR)
				continue;
			perror("rpcping: write");
			exit(1);
		}
		p += w;
		n -= (size_t)w;
	}
}

/* Headers complete: status, Content-Length, Transfer-Encoding. */
static void
parse_head(struct answer *a, const char *end)
{
	const char *p, *eol;

	if (sscanf(a->buf, "HTTP/%*d.%*d %d", &a->status) != 1)
		die("no HTTP status line");
	a->clen = -1;
	for (p = strstr(a->buf, "\r\n") + 2; p < end; p = eol + 2) {
		eol = strstr(p, "\r\n");
		if (strncasecmp(p, "Content-Length:", 15) == 0)
			a->clen = strtol(p + 15, NULL, 10);
		else if (strncasecmp(p, "Transfer-Encoding:", 18) == 0 &&
		    strstr(p, "chunked") != NULL && strstr(p, "chunked") < eol)
			a->chunked = true;
	}
	a->body = (size_t)(end - a->buf) + 4;
	a->cpos = a->body;
}

/*
 * Is the answer whole?  Chunked bodies are decoded into a->dec as their
 * chunks come whole.
 */
static bool
complete(struct answer *a)
{
	char *end, *nl;
	unsigned long sz;

	if (a->body == 0) {
		a->buf[a->len] = '\0';
		if ((end = strstr(a->buf, "\r\n\r\n")) == NULL)
			return false;
		parse_head(a, end);
	}
	if (!a->chunked) {
		a->bodylen = a->len - a->body;
		return a->clen >= 0 && a->bodylen >= (size_t)a->clen;
	}
	for (;;) {
		a->buf[a->len] = '\0';
		if ((nl = strstr(a->buf + a->cpos, "\r\n")) == NULL)
			return false;
		sz = strtoul(a->buf + a->cpos, NULL, 16);
		if (sz == 0)	/* no trailers: none are sent */
			return a->len >= (size_t)(nl - a->buf) + 4;
		if (a->len < (size_t)(nl - a->buf) + 2 + sz + 2)
			return false;
		if (a->deccap < a->bodylen + sz + 1) {
			a->deccap = (a->bodylen + sz + 1) * 2;
			if ((a->dec = realloc(a->dec, a->deccap)) == NULL)
				die("out of memory");
		}
		memcpy(a->dec + a->bodylen, nl + 2, sz);
		a->bodylen += sz;
		a->nchunks++;
		a->cpos = (size_t)(nl - a->buf) + 2 + sz + 2;
	}
}

/* One answer from fd into a; false at EOF before any byte. */
static bool
read_answer(int fd, struct answer *a)
{
	ssize_t r;

	a->len = a->body = a->bodylen = a->nchunks = 0;
	a->chunked = false;
	a->status = 0;
	for (;;) {
		if (a->cap - a->len < 65537) {
			a->cap = a->cap * 2 + 65537;
			if ((a->buf = realloc(a->buf, a->cap)) == NULL)
				die("out of memory");
		}
		r = read(fd, a->buf + a->len, a->cap - a->len - 1);
		if (r == -1 && errno == EINTR)
			continue;
		if (r == -1) {
			perror("rpcping: read");
			exit(1);
		}
		if (r == 0) {
			if (a->len == 0)
				return false;
			if (a->body == 0 || a->chunked || a->clen >= 0)
				die("connection closed mid-answer");
			a->bodylen = a->len - a->body;
			return true;
		}
		a->len += (size_t)r;
		if (complete(a))
			return true;
	}
}

static void
check(struct answer *a)
{
	char *b;

	if (a->status != 200) {
		fprintf(stderr, "rpcping: HTTP status %d\n", a->status);
		exit(1);
	}
	b = a->chunked ? a->dec : a->buf + a->body;
	b[a->bodylen] = '\0';
	if (strstr(b, "<methodResponse>") == NULL)
		die("no methodResponse in the answer");
	if (strstr(b, "<fault>") != NULL) {
		fprintf(stderr, "rpcping: fault: %.300s\n", b);
		exit(1);
	}
}

static int
cmp(const void *x, const void *y)
{
	double a = *(const double *)x, b = *(const double *)y;

	return a < b ? -1 : a > b;
}

int
main(int argc, char *argv[])
{
	struct answer a;
	const char *method = NULL, *p;
	double *us, t0, t1, start;
	int c, i, n = 20, fd = -1, structs;
	bool keep = false;
	char body[256];

	while ((c = getopt(argc, argv, "u:m:n:k")) != -1) {
		switch (c) {
		case 'u':
			sockpath = optarg;
			break;
		case 'm':
			method = optarg;
			break;
		case 'n':
			n = atoi(optarg);
			break;
		case 'k':
			keep = true;
			break;
		default:
			goto usage;
		}
	}
	if (sockpath == NULL || method == NULL || n < 1 || optind != argc)
		goto usage;

	snprintf(body, sizeof(body), "<?xml version='1.0'?>\n"
	    "<methodCall>\n<methodName>%s</methodName>\n<params>\n"
	    "</params>\n</methodCall>\n", method);
	reqlen = (size_t)snprintf(req, sizeof(req), "POST /RPC2 HTTP/1.1\r\n"
	    "Host: localhost\r\nUser-Agent: rpcping\r\n"
	    "Content-Type: text/xml\r\nAccept: text/xml\r\n"
	    "Content-Length: %zu\r\n\r\n%s", strlen(body), body);

	memset(&a, 0, sizeof(a));
	if ((us = calloc((size_t)n, sizeof(*us))) == NULL)
		die("out of memory");
	start = now_us();
	for (i = 0; i < n; i++) {
		t0 = now_us();
		if (fd == -1)
			fd = connect_unix();
		write_all(fd, req, reqlen);
		if (!read_answer(fd, &a))
			die("connection closed before an answer");
		t1 = now_us();
		check(&a);
		us[i] = t1 - t0;
		if (!keep) {
			close(fd);
			fd = -1;
		}
	}
	t1 = now_us();
	if (fd != -1)
		close(fd);

	structs = 0;
	for (p = a.chunked ? a.dec : a.buf + a.body;
	    (p = strstr(p, "statename")) != NULL; p++)
		structs++;
	qsort(us, (size_t)n, sizeof(*us), cmp);
	printf("calls=%d median_us=%.0f min_us=%.0f max_us=%.0f "
	    "calls_per_s=%.0f body_bytes=%zu chunks=%zu structs=%d\n", n,
	    us[(n - 1) / 2], us[0], us[n - 1], n / ((t1 - start) / 1e6),
	    a.bodylen, a.nchunks, structs);
	free(us);
	free(a.buf);
	free(a.dec);
	return 0;

usage:
	fprintf(stderr, "usage: rpcping -u SOCKET -m METHOD [-n CALLS] [-k]\n");
	return 1;
}
