/*
 * supervisorctl_tail: tail -f, maintail -f and fg.  Each stream is a GET
 * of /logtail/NAME/CHANNEL or /mainlogtail shaped as supervisor's
 * http_client sends it (its Host, its extra CRLF, Authorization only
 * with a password), its body copied to stdout as it comes, chunked or
 * by Content-Length, and its failures worded on stderr as http_client's
 * Listener words them.  fg reads stdin lines meanwhile and sends them to
 * the process.  One poll loop, no thread; SIGINT ends it.
 */
#include <sys/socket.h>
#include <sys/types.h>

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "supervisord/supervisorctl.h"

enum part { P_STATUS, P_HEADERS, P_SIZE, P_CHUNK, P_TRAILER, P_BODY,
	P_DONE };

struct stream {
	int		 fd;
	char		 url[4200];
	enum part	 part;
	char		*buf;
	size_t		 len, cap;
	size_t		 want;		/* the chunk's or the body's bytes */
	bool		 chunked;
	size_t		 length;
};

static volatile sig_atomic_t interrupted;

static void
on_sigint(int sig)
{
	(void)sig;
	interrupted = 1;
}

/* Python's repr() of bytes. */
static void
bytes_repr(FILE *fp, const unsigned char *s, size_t n)
{
	char	q = memchr(s, '\'', n) != NULL && memchr(s, '"', n) == NULL ?
		    '"' : '\'';
	size_t	i;

	fprintf(fp, "b%c", q);
	for (i = 0; i < n; i++) {
		if (s[i] == (unsigned char)q || s[i] == '\\')
			fprintf(fp, "\\%c", s[i]);
		else if (s[i] == '\t')
			fputs("\\t", fp);
		else if (s[i] == '\n')
			fputs("\\n", fp);
		else if (s[i] == '\r')
			fputs("\\r", fp);
		else if (s[i] < 0x20 || s[i] >= 0x7f)
			fprintf(fp, "\\x%02x", s[i]);
		else
			fputc(s[i], fp);
	}
	fputc(q, fp);
}

static bool
utf8_ok(const unsigned char *s, size_t n)
{
	size_t	i = 0, k, need;
	unsigned cp;

	while (i < n) {
		if (s[i] < 0x80) {
			i++;
			continue;
		}
		if (s[i] >= 0xc2 && s[i] <= 0xdf)
			need = 1, cp = s[i] & 0x1f;
		else if (s[i] >= 0xe0 && s[i] <= 0xef)
			need = 2, cp = s[i] & 0x0f;
		else if (s[i] >= 0xf0 && s[i] <= 0xf4)
			need = 3, cp = s[i] & 0x07;
		else
			return false;
		for (k = 1; k <= need; k++) {
			if (i + k >= n || (s[i + k] & 0xc0) != 0x80)
				return false;
			cp = cp << 6 | (s[i + k] & 0x3f);
		}
		if ((need == 2 && (cp < 0x800 || (cp >= 0xd800 &&
		    cp <= 0xdfff))) || (need == 3 && (cp < 0x10000 ||
		    cp > 0x10ffff)))
			return false;
		i += need + 1;
	}
	return true;
}

/* Listener.feed: the data as text, or its repr when it is not UTF-8. */
static void
feed(const char *data, size_t n)
{
	if (n == 0)
		return;
	if (utf8_ok((const unsigned char *)data, n))
		fwrite(data, 1, n, stdout);
	else {
		fputs("Undecodable: ", stdout);
		bytes_repr(stdout, (const unsigned char *)data, n);
	}
	fflush(stdout);
}

static void	stream_error(struct stream *, const char *, ...)
		    __attribute__((format(printf, 2, 3)));

static void
stream_error(struct stream *st, const char *fmt, ...)
{
	va_list	ap;

	fflush(stdout);
	fprintf(stderr, "%s ", st->url);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	fflush(stderr);
}

static void
stream_close(struct stream *st)
{
	if (st->fd != -1)
		close(st->fd);
	st->fd = -1;
	st->part = P_DONE;
}

/* Python's "not enough values" for a status line of fewer words. */
static int
status_line(struct stream *st, char *line)
{
	char	*w[3], *p = line;
	int	 n = 0, status;

	/* split(None, 2): two words, then the rest of the line. */
	while (n < 3) {
		p += strspn(p, " \t");
		if (*p == '\0')
			break;
		w[n++] = p;
		if (n == 3)
			break;
		p += strcspn(p, " \t");
		if (*p != '\0')
			*p++ = '\0';
	}
	if (n < 3) {
		stream_error(st, "Cannot connect, error: <class 'ValueError'> "
		    "(not enough values to unpack (expected 3, got %d))", n);
		return -1;
	}
	status = atoi(w[1]);
	if (status != 200) {
		stream_error(st, "Cannot read, status code %d", status);
		return -1;
	}
	return 0;
}

/* Take in what was read; -1 when the stream is over. */
static int
stream_take(struct stream *st)
{
	char	*e, *line, *colon;
	size_t	 n;

	for (;;) {
		if (st->part == P_BODY) {
			n = st->len < st->want ? st->len : st->want;
			feed(st->buf, n);
			memmove(st->buf, st->buf + n, st->len - n);
			st->len -= n;
			st->want -= n;
			if (st->want == 0)
				return -1;
			return 0;
		}
		if (st->part == P_CHUNK) {
			if (st->len < st->want)
				return 0;
			feed(st->buf, st->want);
			n = st->want;
			memmove(st->buf, st->buf + n, st->len - n);
			st->len -= n;
			st->part = P_SIZE;
			continue;
		}
		if ((e = memmem(st->buf, st->len, "\r\n", 2)) == NULL)
			return 0;
		*e = '\0';
		line = st->buf;
		n = (size_t)(e - st->buf) + 2;
		switch (st->part) {
		case P_STATUS:
			if (status_line(st, line) == -1)
				return -1;
			st->part = P_HEADERS;
			break;
		case P_HEADERS:
			if (*line == '\0') {
				st->part = st->chunked ? P_SIZE : P_BODY;
				st->want = st->length;
				if (!st->chunked && st->want == 0) {
					memmove(st->buf, st->buf + n,
					    st->len - n);
					st->len -= n;
					return -1;
				}
				break;
			}
			if ((colon = strchr(line, ':')) == NULL) {
				stream_error(st, "Cannot connect, error: "
				    "<class 'ValueError'> (not enough values "
				    "to unpack (expected 2, got 1))");
				return -1;
			}
			*colon++ = '\0';
			colon += strspn(colon, " \t");
			if (strcasecmp(line, "transfer-encoding") == 0)
				st->chunked = strcmp(colon, "chunked") == 0;
			else if (strcasecmp(line, "content-length") == 0)
				st->length = strtoul(colon, NULL, 10);
			break;
		case P_SIZE:
			/* An empty line ends the chunk before it. */
			if (*line != '\0') {
				st->want = strtoul(line, NULL, 16);
				st->part = st->want == 0 ? P_TRAILER : P_CHUNK;
			}
			break;
		default:
			/* The trailer: http_client waits for the close. */
			break;
		}
		memmove(st->buf, st->buf + n, st->len - n);
		st->len -= n;
	}
}

/* Read what the stream has; -1 once it is over. */
static int
stream_read(struct stream *st)
{
	ssize_t	n;
	char	*p;

	if (st->cap - st->len < 16384) {
		if ((p = realloc(st->buf, st->cap * 2 + 16384)) == NULL)
			return -1;
		st->buf = p;
		st->cap = st->cap * 2 + 16384;
	}
	n = read(st->fd, st->buf + st->len, st->cap - st->len);
	if (n == -1 && (errno == EINTR || errno == EAGAIN))
		return 0;
	if (n <= 0)
		return -1;
	st->len += (size_t)n;
	return stream_take(st);
}

/* Connect and send http_client's GET; -1 (said on stderr) on failure. */
static int
stream_open(struct ctl *c, struct stream *st, const char *path)
{
	struct url	 u;
	char		*auth = NULL, *req;
	int		 n;

	memset(st, 0, sizeof(*st));
	st->fd = -1;
	st->part = P_STATUS;
	snprintf(st->url, sizeof(st->url), "%s%s", c->url, path);
	if (ctl_url_parse(c, c->url, &u) == -1 || (st->fd = ctl_dial(c, &u)) == -1) {
		if (c->err == CTL_E_SOCKET)
			stream_error(st, "Cannot connect, error: <class '%s'> "
			    "([Errno %d] %s)", ctl_os_class(c->errnum), c->errnum,
			    strerror(c->errnum));
		else
			stream_error(st, "Cannot connect, error: %s",
			    c->reason);
		st->part = P_DONE;
		return -1;
	}
	if (c->pass != NULL && *c->pass != '\0')
		auth = ctl_basic_auth(c->user, c->pass, true);
	n = asprintf(&req, "GET %s HTTP/1.1\r\nHost: %s\r\n"
	    "Accept-Encoding: chunked\r\nAccept: */*\r\n"
	    "User-agent: Supervisor HTTP Client\r\n%s%s%s\r\n\r\n", path,
	    u.netloc, auth != NULL ? "Authorization: Basic " : "",
	    auth != NULL ? auth : "", auth != NULL ? "\r\n" : "");
	free(auth);
	if (n == -1 || ctl_write_all(st->fd, req, (size_t)n) == -1) {
		if (n != -1)
			free(req);
		stream_close(st);
		return -1;
	}
	free(req);
	return 0;
}

/* One line of stdin, as input() reads it (reading once more first if
 * may_read and no whole line is held): 1, 0 at EOF, -1 not yet. */
static int
stdin_line(char **buf, size_t *len, size_t *cap, char **line, bool *eof,
    bool may_read)
{
	char	*e, *p;
	ssize_t	 n;

	if ((e = *len > 0 ? memchr(*buf, '\n', *len) : NULL) == NULL &&
	    !*eof && may_read) {
		if (*cap - *len < 4096) {
			if ((p = realloc(*buf, *cap * 2 + 4096)) == NULL)
				return 0;
			*buf = p;
			*cap = *cap * 2 + 4096;
		}
		n = read(STDIN_FILENO, *buf + *len, *cap - *len);
		if (n == -1 && errno == EINTR)
			return -1;
		if (n <= 0)
			*eof = true;
		else
			*len += (size_t)n;
		e = memchr(*buf, '\n', *len);
	}
	if (e == NULL && (!*eof || *len == 0))
		return *eof ? 0 : -1;
	if (e == NULL)
		e = *buf + *len;
	*line = strndup(*buf, (size_t)(e - *buf));
	n = e - *buf + (e < *buf + *len ? 1 : 0);
	memmove(*buf, *buf + n, *len - (size_t)n);
	*len -= (size_t)n;
	return *line != NULL ? 1 : 0;
}

/* fg: send a line; false when fg ends (said why). */
static bool
fg_send(struct ctl *c, const char *name, const char *line)
{
	const struct xr_val *r;
	char	*text, buf[512];
	int	 rc;

	if (asprintf(&text, "%s\n", line) == -1)
		return false;
	rc = ctl_rpc(c, "supervisor.sendProcessStdin", ctl_args("ss", name,
	    text), &r);
	free(text);
	if (rc != 0) {
		if (rc == F_NOT_RUNNING)
			ctl_out("Process got killed");
		else
			ctl_out("ERROR: %s", ctl_fault_str(r, buf,
			    sizeof(buf)));
		ctl_out("Exiting foreground");
		return false;
	}
	if (ctl_rpc(c, "supervisor.getProcessInfo", ctl_args("s", name),
	    &r) != 0)
		ctl_raise_fault(c, r);
	if (ctl_int(r, "state") != PS_RUNNING) {
		ctl_out("Process got killed");
		ctl_out("Exiting foreground");
		return false;
	}
	return true;
}

void
ctl_tailf(struct ctl *c, const char *const *paths, size_t npaths,
    const char *fg_name)
{
	/* Static: a raise out of fg_send leaves them reachable. */
	static struct stream st[2];
	static char	*in;
	static size_t	 inlen, incap;
	struct sigaction sa, old;
	struct pollfd	 pfd[3];
	char		*line;
	size_t		 i, n;
	bool		 eof = false, going = true, more;
	int		 rc, who[3];

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_sigint;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, &old);
	interrupted = 0;
	for (i = 0; i < npaths && i < 2; i++)
		(void)stream_open(c, &st[i], paths[i]);
	for (;;) {
		n = 0;
		for (i = 0; i < npaths && i < 2; i++) {
			who[i] = -1;
			if (st[i].part != P_DONE) {
				who[i] = (int)n;
				pfd[n].fd = st[i].fd;
				pfd[n++].events = POLLIN;
			}
		}
		if (fg_name == NULL && n == 0)
			break;
		who[2] = -1;
		if (fg_name != NULL && !eof) {
			who[2] = (int)n;
			pfd[n].fd = STDIN_FILENO;
			pfd[n++].events = POLLIN;
		}
		if (interrupted)
			break;
		if (poll(pfd, n, -1) == -1) {
			if (errno == EINTR)
				continue;
			break;
		}
		for (i = 0; i < npaths && i < 2; i++)
			if (who[i] != -1 && pfd[who[i]].revents != 0 &&
			    stream_read(&st[i]) == -1)
				stream_close(&st[i]);
		if (who[2] == -1 || pfd[who[2]].revents == 0)
			continue;
		/* One read, then the whole lines it completed. */
		for (more = true; (rc = stdin_line(&in, &inlen, &incap, &line,
		    &eof, more)) == 1; more = false) {
			ctl_keepmem(c, line);
			if (!(going = fg_send(c, fg_name, line)))
				break;
		}
		if (!going)
			break;
		if (rc == 0) {
			/* input() met EOF: fg ends as on Ctrl-C. */
			ctl_out("Exiting foreground");
			going = false;
			break;
		}
	}
	for (i = 0; i < npaths && i < 2; i++) {
		stream_close(&st[i]);
		free(st[i].buf);
		st[i].buf = NULL;
	}
	free(in);
	in = NULL;
	inlen = incap = 0;
	sigaction(SIGINT, &old, NULL);
	if (interrupted && going)
		ctl_out(fg_name != NULL ? "Exiting foreground" : "");
}
