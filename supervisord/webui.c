/*
 * webui: the routes besides /RPC2 (see webui.h): the tails, /ok.html, and
 * what a request to the page asks for and whether it may.  The HTML is
 * webpage's; the actions are the API's (rpc.h), as web.py's are
 * rpcinterface's.
 *
 * Cross-site requests.  A browser that has cached the Basic credentials
 * sends them with any request any other site makes it send, and the
 * answer need not be readable for the harm to be done.  So:
 *  - supervisor's GET action links (index.html?processname=x&action=stop)
 *    change nothing here: a GET must not change state, and an <img> or a
 *    link on any page could make one.  Such a request gets the page with
 *    a message saying that actions are the page's buttons.  (action=
 *    refresh changes nothing, and is still answered as web.py does.)
 *  - the page's actions are POSTed by its form, which carries a token
 *    drawn at random when the daemon starts: another site cannot read
 *    the page, so cannot know it.  It is compared in constant time.
 *  - a POST whose Origin names another host than the one it was sent to
 *    (Host, or X-Forwarded-Host from a proxy that rewrites Host) is
 *    refused with 403 before anything else is looked at.
 */
#include <sys/random.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "supervisord/http.h"
#include "supervisord/log.h"
#include "supervisord/logtail.h"
#include "supervisord/rpc.h"
#include "supervisord/supervisor.h"
#include "supervisord/webpage.h"
#include "supervisord/webui.h"
#include "supervisord/xmlrpc.h"

#define WEB_TOKEN_BYTES	32
#define WEB_FIELDMAX	1024	/* a form value we act on */
#define WEB_RESULTMAX	4096	/* of an action's answer, kept to decode */

struct web {
	struct http_server *hs;
	struct rpc	*r;
	struct supervisor *s;
	char		 token[2 * WEB_TOKEN_BYTES + 1];
};

/* Forms. */

static int
hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Decode len bytes of x-www-form-urlencoded into out; false if too long. */
static bool
form_decode(const char *s, size_t len, char *out, size_t outlen)
{
	size_t	i, n = 0;
	int	hi, lo;

	for (i = 0; i < len; i++) {
		if (n + 1 >= outlen)
			return false;
		if (s[i] == '+')
			out[n++] = ' ';
		else if (s[i] == '%' && i + 2 < len &&
		    (hi = hexval((unsigned char)s[i + 1])) != -1 &&
		    (lo = hexval((unsigned char)s[i + 2])) != -1) {
			out[n++] = hi << 4 | lo;
			i += 2;
		} else
			out[n++] = s[i];
	}
	out[n] = '\0';
	return true;
}

/*
 * The first non-empty value of key in the form qs (Python's parse_qs
 * drops blank values), decoded into out.  False if there is none, or it
 * does not fit.
 */
static bool
form_get(const char *qs, const char *key, char *out, size_t outlen)
{
	const char	*p = qs, *amp, *eq;
	size_t		 klen = strlen(key);

	while (p != NULL && *p != '\0') {
		amp = strchr(p, '&');
		eq = memchr(p, '=', amp != NULL ? (size_t)(amp - p) : strlen(p));
		if (eq != NULL && (size_t)(eq - p) == klen &&
		    strncmp(p, key, klen) == 0) {
			size_t	vlen = amp != NULL ? (size_t)(amp - eq - 1) :
			    strlen(eq + 1);

			if (vlen > 0)
				return form_decode(eq + 1, vlen, out, outlen) &&
				    out[0] != '\0';
		}
		p = amp != NULL ? amp + 1 : NULL;
	}
	return false;
}

/* A field of a request: the POSTed form's wins over the query's. */
static bool
field(const struct http_req_info *in, const char *key, char *out,
    size_t outlen)
{
	if (strcmp(in->method, "POST") == 0 &&
	    form_get(in->body, key, out, outlen))
		return true;
	return form_get(in->query, key, out, outlen);
}

/* time.ctime(): "Mon Nov  4 23:10:11 2026". */
static const char *
ctime_now(char *buf, size_t len)
{
	time_t		now = time(NULL);
	struct tm	tm;

	localtime_r(&now, &tm);
	strftime(buf, len, "%a %b %e %H:%M:%S %Y", &tm);
	return buf;
}

/* See other: the page, with message. */
static void
redirect(struct http_req *rq, const char *message)
{
	char	q[4096], hdr[4200];

	/*
	 * web.py sends the browser to <server_url>/?message=...; a relative
	 * reference finds the page behind a proxy that mounts it elsewhere.
	 * 303: a POST answered this way is followed by a GET, and, unlike
	 * web.py's 301, nothing is cached.
	 */
	snprintf(hdr, sizeof(hdr), "Location: ./?message=%s\r\n" WP_NOCACHE,
	    wp_quote(message, q, sizeof(q)));
	http_reply(rq, 303, WP_HTML, hdr, "", 0);
}

/* Actions. */

enum web_act {
	ACT_START = 0,
	ACT_STOP,
	ACT_RESTART,
	ACT_CLEARLOG,
	ACT_STOPALL,
	ACT_RESTARTALL
};

static const struct {
	const char	*name;
	bool		 process;	/* of one process */
} acts[] = {
	[ACT_START] = { "start", true },
	[ACT_STOP] = { "stop", true },
	[ACT_RESTART] = { "restart", true },
	[ACT_CLEARLOG] = { "clearlog", true },
	[ACT_STOPALL] = { "stopall", false },
	[ACT_RESTARTALL] = { "restartall", false }
};

struct web_call {
	struct http_req	*rq;		/* once streaming */
	struct rpc_call	*call;
	struct xr_out	 o;
	enum web_act	 act;
	char		 spec[WEB_FIELDMAX];
	char		 res[WEB_RESULTMAX];
	size_t		 nres;
	bool		 cut;		/* res is not the whole answer */
	bool		 woke;
};

/* Keep the head of the answer: a fault, or a single result, fits. */
static void
call_write(void *arg, const void *buf, size_t len)
{
	struct web_call	*wc = arg;

	if (wc->cut || len > sizeof(wc->res) - wc->nres) {
		wc->cut = true;
		return;
	}
	memcpy(wc->res + wc->nres, buf, len);
	wc->nres += len;
}

static size_t
call_room(void *arg)
{
	(void)arg;
	return WEB_RESULTMAX;	/* whatever more is answered is dropped */
}

static void
call_wake(void *arg)
{
	struct web_call	*wc = arg;

	wc->woke = true;
	if (wc->rq != NULL)
		http_wake(wc->rq);
}

static void
call_free(void *arg)
{
	struct web_call	*wc = arg;

	rpc_call_free(wc->call);
	free(wc);
}

/* A {methodName, params} struct for system.multicall. */
static struct xr_val *
mc_item(const char *method, const char *spec)
{
	struct xr_val	*st, *v, *params;

	if ((st = xr_struct()) == NULL)
		return NULL;
	if ((v = xr_string(method, strlen(method))) == NULL ||
	    xr_put(st, "methodName", v) == -1)
		goto fail;
	if (spec != NULL) {
		if ((params = xr_array()) == NULL)
			goto fail;
		if ((v = xr_string(spec, strlen(spec))) == NULL ||
		    xr_push(params, v) == -1) {
			xr_val_free(params);
			goto fail;
		}
		if (xr_put(st, "params", params) == -1)
			goto fail;
	}
	return st;
fail:
	xr_val_free(st);
	return NULL;
}

/* The method and params of an action, as web.py's make_callback calls
 * them; false when memory ran out. */
static bool
call_params(enum web_act act, const char *spec, const char **method,
    struct xr_val **params)
{
	struct xr_val	*calls = NULL, *v;

	if ((*params = xr_array()) == NULL)
		return false;
	switch (act) {
	case ACT_START:
		*method = "supervisor.startProcess";
		break;
	case ACT_STOP:
		*method = "supervisor.stopProcess";
		break;
	case ACT_CLEARLOG:
		*method = "supervisor.clearProcessLogs";
		break;
	case ACT_STOPALL:
		*method = "supervisor.stopAllProcesses";
		return true;
	case ACT_RESTART:
	case ACT_RESTARTALL:
		*method = "system.multicall";
		if ((calls = xr_array()) == NULL)
			goto fail;
		if ((v = mc_item(act == ACT_RESTART ?
		    "supervisor.stopProcess" : "supervisor.stopAllProcesses",
		    act == ACT_RESTART ? spec : NULL)) == NULL ||
		    xr_push(calls, v) == -1 ||
		    (v = mc_item(act == ACT_RESTART ?
		    "supervisor.startProcess" : "supervisor.startAllProcesses",
		    act == ACT_RESTART ? spec : NULL)) == NULL ||
		    xr_push(calls, v) == -1 || xr_push(*params, calls) == -1) {
			calls = NULL;	/* freed by the push that failed */
			goto fail;
		}
		return true;
	}
	if ((v = xr_string(spec, strlen(spec))) == NULL ||
	    xr_push(*params, v) == -1)
		goto fail;
	return true;
fail:
	xr_val_free(calls);
	xr_val_free(*params);
	*params = NULL;
	return false;
}

/* web.py's words for how a start failed. */
static const char *
start_error(int code, const char *text, char *buf, size_t len)
{
	switch (code) {
	case RPC_NO_FILE:
		return "no such file";
	case RPC_NOT_EXECUTABLE:
		return "file not executable";
	case RPC_ALREADY_STARTED:
		return "already started";
	case RPC_SPAWN_ERROR:
		return "spawn error";
	case RPC_ABNORMAL_TERMINATION:
		return "abnormal termination";
	default:
		snprintf(buf, len, "unexpected rpc fault [%d] %s", code, text);
		return buf;
	}
}

/* The message for a finished call, as web.py's callbacks word it. */
static void
call_message(struct web_call *wc, char *msg, size_t len)
{
	struct xr_val	*v = NULL;
	const struct xr_val *code, *text;
	const char	*ftext = "";
	char		 err[128], tbuf[64], ebuf[512];
	bool		 fault = false;
	int		 fcode = 0;

	xr_out_finish(&wc->o);
	if (!wc->cut && xr_decode_response(wc->res, wc->nres, &v, &fault,
	    err, sizeof(err)) == 0 && fault) {
		code = xr_member(v, "faultCode");
		text = xr_member(v, "faultString");
		fcode = code != NULL ? (int)code->i : 0;
		if (text != NULL && text->s != NULL)
			ftext = text->s;
	}
	switch (wc->act) {
	case ACT_START:
		if (fault)
			snprintf(msg, len, "ERROR: Process %s: %s", wc->spec,
			    start_error(fcode, ftext, ebuf, sizeof(ebuf)));
		else
			snprintf(msg, len, "Process %s started", wc->spec);
		break;
	case ACT_STOP:
		if (fault)
			snprintf(msg, len, "unexpected rpc fault [%d] %s",
			    fcode, ftext);
		else
			snprintf(msg, len, "Process %s stopped", wc->spec);
		break;
	case ACT_RESTART:
		snprintf(msg, len, "Process %s restarted", wc->spec);
		break;
	case ACT_CLEARLOG:
		if (fault)
			snprintf(msg, len, "unexpected rpc fault [%d] %s",
			    fcode, ftext);
		else
			snprintf(msg, len, "Log for %s cleared", wc->spec);
		break;
	case ACT_STOPALL:
		snprintf(msg, len, "All stopped at %s",
		    ctime_now(tbuf, sizeof(tbuf)));
		break;
	case ACT_RESTARTALL:
		snprintf(msg, len, "All restarted at %s",
		    ctime_now(tbuf, sizeof(tbuf)));
		break;
	}
	xr_val_free(v);
}

static enum http_fill
call_fill(void *arg, struct http_req *rq)
{
	struct web_call	*wc = arg;
	enum rpc_status	 st;
	char		 msg[2048];

	if (!wc->woke)
		return HTTP_FILL_WAIT;
	wc->woke = false;
	while ((st = rpc_call_run(wc->call, &wc->o)) == RPC_MORE)
		;
	if (st == RPC_WAIT)
		return HTTP_FILL_WAIT;
	call_message(wc, msg, sizeof(msg));
	wp_moved(rq, msg);
	return HTTP_FILL_DONE;
}

/* Run act on spec (NULL for all) for rq. */
static void
act_run(struct web *w, struct http_req *rq, enum web_act act,
    const char *spec)
{
	struct http_producer prod;
	struct web_call	*wc;
	struct xr_val	*params;
	const char	*method;
	enum rpc_status	 st;
	char		 msg[2048];

	if ((wc = calloc(1, sizeof(*wc))) == NULL)
		goto fail;
	wc->act = act;
	snprintf(wc->spec, sizeof(wc->spec), "%s", spec != NULL ? spec : "");
	xr_out_init(&wc->o, call_write, call_room, wc);
	if (!call_params(act, wc->spec, &method, &params))
		goto fail;
	if ((wc->call = rpc_call_new(w->r, method, params, call_wake,
	    wc)) == NULL)
		goto fail;
	while ((st = rpc_call_run(wc->call, &wc->o)) == RPC_MORE)
		;
	if (st == RPC_DONE) {
		call_message(wc, msg, sizeof(msg));
		call_free(wc);
		redirect(rq, msg);
		return;
	}
	/* It waits for the model (a start's startsecs, a stop). */
	wc->rq = rq;
	prod.fill = call_fill;
	prod.free = call_free;
	prod.arg = wc;
	http_stream(rq, 200, WP_HTML, WP_NOCACHE, HTTP_STREAM_BUFFERED, &prod);
	return;
fail:
	log_warnx("web: out of memory for an action");
	if (wc != NULL)
		call_free(wc);
	http_error(rq, 500);
}

/* Whether a and b, of length n, are equal, in time that does not tell
 * where they differ. */
static bool
same_secret(const char *a, const char *b, size_t n)
{
	volatile unsigned char d = 0;
	size_t	i;

	for (i = 0; i < n; i++)
		d |= (unsigned char)a[i] ^ (unsigned char)b[i];
	return d == 0;
}

/* An Origin, if sent, must be the host the request was sent to. */
static bool
origin_ok(struct http_req *rq)
{
	const char	*origin = http_header(rq, "Origin");
	const char	*host = http_info(rq)->host;
	const char	*fwd = http_header(rq, "X-Forwarded-Host");

	if (origin == NULL)
		return true;	/* not a browser's cross-site POST */
	if (strncasecmp(origin, "http://", 7) == 0)
		origin += 7;
	else if (strncasecmp(origin, "https://", 8) == 0)
		origin += 8;
	else
		return false;	/* "null": a sandbox, a file, a redirect */
	return (host != NULL && strcasecmp(origin, host) == 0) ||
	    (fwd != NULL && strcasecmp(origin, fwd) == 0);
}

/* A POSTed action: checked, then done. */
static void
index_post(struct web *w, struct http_req *rq, const char *action)
{
	const struct http_req_info *in = http_info(rq);
	char		 token[2 * WEB_TOKEN_BYTES + 2], spec[WEB_FIELDMAX];
	char		 group[256], nbuf[256], msg[2048];
	const char	*name, *colon;
	size_t		 i, alen;

	if (!origin_ok(rq)) {
		log_warnx("web: refused a POST from origin %s to host %s",
		    http_header(rq, "Origin"),
		    in->host != NULL ? in->host : "(none)");
		http_error(rq, 403);
		return;
	}
	if (!form_get(in->body, "token", token, sizeof(token)) ||
	    strlen(token) != 2 * WEB_TOKEN_BYTES ||
	    !same_secret(token, w->token, 2 * WEB_TOKEN_BYTES)) {
		redirect(rq, "ERROR: the page was out of date (the daemon "
		    "restarted?): nothing was done; try again");
		return;
	}
	/* Our buttons send "action:namespec"; a form of supervisor's shape
	 * sends action= and processname=. */
	colon = strchr(action, ':');
	alen = colon != NULL ? (size_t)(colon - action) : strlen(action);
	spec[0] = '\0';
	if (colon != NULL)
		snprintf(spec, sizeof(spec), "%s", colon + 1);
	else
		field(in, "processname", spec, sizeof(spec));
	for (i = 0; i < sizeof(acts) / sizeof(acts[0]); i++)
		if (strlen(acts[i].name) == alen &&
		    strncmp(acts[i].name, action, alen) == 0)
			break;
	if (i == sizeof(acts) / sizeof(acts[0]) ||
	    (acts[i].process && spec[0] == '\0')) {
		http_error(rq, 400);
		return;
	}
	if (acts[i].process) {
		sup_split_namespec(spec, group, sizeof(group), nbuf,
		    sizeof(nbuf), &name);
		if (name == NULL || sup_find(w->s, group, name) == NULL) {
			snprintf(msg, sizeof(msg), "No such process named %s",
			    spec);
			redirect(rq, msg);
			return;
		}
	}
	act_run(w, rq, i, acts[i].process ? spec : NULL);
}

/* /, /index.html: web.py's StatusView. */
static void
index_cb(void *arg, struct http_req *rq)
{
	struct web	*w = arg;
	const struct http_req_info *in = http_info(rq);
	char		 action[WEB_FIELDMAX], msg[2048], tbuf[64];
	bool		 post = strcmp(in->method, "POST") == 0;

	if (!post && strcmp(in->method, "GET") != 0) {
		http_error(rq, 400);
		return;
	}
	if (!field(in, "action", action, sizeof(action))) {
		if (!field(in, "message", msg, sizeof(msg)))
			wp_status(rq, w->s, w->token, NULL);
		else
			wp_status(rq, w->s, w->token, msg);
		return;
	}
	if (strcmp(action, "refresh") == 0) {
		snprintf(msg, sizeof(msg), "Page refreshed at %s",
		    ctime_now(tbuf, sizeof(tbuf)));
		redirect(rq, msg);
		return;
	}
	if (!post) {
		/* See the file's opening comment: a link does not act. */
		wp_status(rq, w->s, w->token, "ERROR: nothing was done: "
		    "actions are made with this page's buttons, not with "
		    "links");
		return;
	}
	index_post(w, rq, action);
}

/* /tail.html: web.py's TailView. */
static void
tail_cb(void *arg, struct http_req *rq)
{
	struct web	*w = arg;
	const struct http_req_info *in = http_info(rq);
	char		 name[WEB_FIELDMAX], limit[32];
	long long	 n = 1024;
	const char	*p;

	if (strcmp(in->method, "GET") != 0 && strcmp(in->method, "POST") != 0) {
		http_error(rq, 400);
		return;
	}
	/* web.py: a limit that is not all digits is 1024. */
	if (field(in, "limit", limit, sizeof(limit))) {
		for (p = limit; *p >= '0' && *p <= '9'; p++)
			;
		if (*p == '\0' && strlen(limit) < 16)
			n = strtoll(limit, NULL, 10);
	}
	wp_tail(rq, w->r, field(in, "processname", name, sizeof(name)) ?
	    name : NULL, n);
}

static void
ok_cb(void *arg, struct http_req *rq)
{
	(void)arg;
	http_reply(rq, 200, "text/plain", NULL, "OK", 2);
}

static void
css_cb(void *arg, struct http_req *rq)
{
	(void)arg;
	if (strcmp(http_info(rq)->method, "GET") != 0 &&
	    strcmp(http_info(rq)->method, "HEAD") != 0) {
		http_error(rq, 400);
		return;
	}
	wp_css(rq);
}

/* tail -f: a follower streamed as chunks. */

struct web_tailf {
	struct http_req	*rq;
	struct lt_follow *f;
};

static void
tailf_data(void *arg, const void *buf, size_t len)
{
	struct web_tailf *t = arg;

	http_write(t->rq, buf, len);
}

static void
tailf_ready(void *arg)
{
	struct web_tailf *t = arg;

	http_wake(t->rq);
}

static enum http_fill
tailf_fill(void *arg, struct http_req *rq)
{
	struct web_tailf *t = arg;

	return lt_pump(t->f, http_room(rq)) == LT_MORE ? HTTP_FILL_MORE :
	    HTTP_FILL_WAIT;
}

static void
tailf_free(void *arg)
{
	struct web_tailf *t = arg;

	lt_follow_free(t->f);
	free(t);
}

/* Answer rq with tail -f of path, which exists; extra headers too. */
static void
tailf_start(struct web *w, struct http_req *rq, const char *path,
    const char *extra)
{
	struct http_producer prod;
	struct lt_consumer c;
	struct web_tailf *t;
	struct stat	 sb;
	struct tm	 tm;
	char		 hdr[256], date[64];

	if (stat(path, &sb) == -1) {
		http_error(rq, 404);
		return;
	}
	gmtime_r(&sb.st_mtime, &tm);
	strftime(date, sizeof(date), "%a, %d %b %Y %H:%M:%S GMT", &tm);
	snprintf(hdr, sizeof(hdr), "Last-Modified: %s\r\n%s", date, extra);
	if ((t = calloc(1, sizeof(*t))) == NULL) {
		http_error(rq, 500);
		return;
	}
	t->rq = rq;
	c.data = tailf_data;
	c.ready = tailf_ready;
	c.arg = t;
	if ((t->f = lt_follow_new(w->s->loop, path, LT_HEAD, &c)) == NULL) {
		int	save = errno;

		log_warn("web: couldn't follow %s", path);
		free(t);
		http_error(rq, save == ENOENT ? 404 : 500);
		return;
	}
	prod.fill = tailf_fill;
	prod.free = tailf_free;
	prod.arg = t;
	http_stream(rq, 200, "text/plain;charset=utf-8", hdr,
	    HTTP_STREAM_CHUNKED, &prod);
}

/* /logtail/NAME[/CHANNEL]: http.py's logtail_handler. */
static void
logtail_cb(void *arg, struct http_req *rq)
{
	struct web	*w = arg;
	const struct http_req_info *in = http_info(rq);
	const char	*p = in->path, *slash, *path;
	char		 spec[WEB_FIELDMAX];
	const char	*channel = "stdout";
	size_t		 n;

	if (strcmp(in->method, "GET") != 0) {
		http_error(rq, 400);
		return;
	}
	while (*p == '/')
		p++;
	/* "logtail" alone has no name: supervisor fails there with 500. */
	if ((slash = strchr(p, '/')) == NULL) {
		http_error(rq, 500);
		return;
	}
	p = slash + 1;
	if ((slash = strchr(p, '/')) != NULL) {
		n = slash - p;
		channel = slash + 1;
	} else
		n = strlen(p);
	if (n >= sizeof(spec)) {
		http_error(rq, 404);
		return;
	}
	memcpy(spec, p, n);
	spec[n] = '\0';
	if (lt_logfile(w->s, spec, channel, &path) != LT_FOUND) {
		http_error(rq, 404);
		return;
	}
	/* Tell a reverse proxy (nginx) not to buffer, as supervisor does. */
	tailf_start(w, rq, path, "X-Accel-Buffering: no\r\n");
}

/* /mainlogtail: http.py's mainlogtail_handler. */
static void
mainlogtail_cb(void *arg, struct http_req *rq)
{
	struct web	*w = arg;
	const char	*path;

	if (strcmp(http_info(rq)->method, "GET") != 0) {
		http_error(rq, 400);
		return;
	}
	if ((path = lt_mainlog(w->s)) == NULL) {
		http_error(rq, 404);
		return;
	}
	tailf_start(w, rq, path, "");
}

/* The token: getrandom, else /dev/urandom.  0 or -1. */
static int
make_token(struct web *w)
{
	unsigned char	 b[WEB_TOKEN_BYTES];
	size_t		 i;
	ssize_t		 n;
	int		 fd;

	while ((n = getrandom(b, sizeof(b), GRND_NONBLOCK)) == -1 &&
	    errno == EINTR)
		;
	if (n != (ssize_t)sizeof(b)) {
		if ((fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC)) == -1)
			return -1;
		n = read(fd, b, sizeof(b));
		close(fd);
		if (n != (ssize_t)sizeof(b))
			return -1;
	}
	for (i = 0; i < sizeof(b); i++)
		snprintf(w->token + 2 * i, 3, "%02x", b[i]);
	return 0;
}

struct web *
web_routes(struct http_server *hs, struct rpc *r, struct supervisor *s)
{
	static const struct {
		const char	*path;
		enum http_route_match how;
		http_handler_fn	*fn;
	} routes[] = {
		/* supervisor's order after /RPC2: logtail, mainlogtail, ui,
		 * then what its default handler serves. */
		{ "/logtail", HTTP_PREFIX, logtail_cb },
		{ "/mainlogtail", HTTP_PREFIX, mainlogtail_cb },
		{ "/", HTTP_EXACT, index_cb },
		{ "/index.html", HTTP_EXACT, index_cb },
		{ "/tail.html", HTTP_EXACT, tail_cb },
		{ "/ok.html", HTTP_EXACT, ok_cb },
		{ "/stylesheets/supervisor.css", HTTP_EXACT, css_cb }
	};
	struct web	*w;
	size_t		 i;

	if ((w = calloc(1, sizeof(*w))) == NULL)
		return NULL;
	w->hs = hs;
	w->r = r;
	w->s = s;
	if (make_token(w) == -1) {
		log_warn("web: no random token");
		free(w);
		return NULL;
	}
	for (i = 0; i < sizeof(routes) / sizeof(routes[0]); i++)
		if (http_route(hs, routes[i].path, routes[i].how,
		    routes[i].fn, w) == -1) {
			free(w);
			return NULL;
		}
	return w;
}

void
web_free(struct web *w)
{
	free(w);
}
