/*
 * webpage: the web page's HTML (see webpage.h).  Plain server-rendered
 * HTML5 that works without JavaScript: one form around the table, whose
 * buttons post the action and the daemon's token; the tails are links.
 * Producers keep a cursor, never a copy of the page: the status table's
 * is the (group, name) of the last row written, found again in a fresh
 * snapshot of the model at each fill, so that processes added or removed
 * meanwhile are neither repeated nor dangling.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "supervisord/http.h"
#include "supervisord/program.h"
#include "supervisord/rpc.h"
#include "supervisord/status.h"
#include "supervisord/supervisor.h"
#include "supervisord/version.h"
#include "supervisord/webpage.h"
#include "supervisord/xmlrpc.h"

#define WP_NAMEMAX	1024	/* a namespec in a link or a button */

static void
put(struct http_req *rq, const char *s)
{
	http_write(rq, s, strlen(s));
}

/* s, len bytes, HTML-escaped (text and attribute values alike). */
static void
put_escn(struct http_req *rq, const char *s, size_t len)
{
	const char	*start = s, *end = s + len, *rep;

	for (; s < end; s++) {
		switch (*s) {
		case '&': rep = "&amp;"; break;
		case '<': rep = "&lt;"; break;
		case '>': rep = "&gt;"; break;
		case '"': rep = "&quot;"; break;
		case '\'': rep = "&#39;"; break;
		default: continue;
		}
		if (s > start)
			http_write(rq, start, s - start);
		put(rq, rep);
		start = s + 1;
	}
	if (s > start)
		http_write(rq, start, s - start);
}

static void
put_esc(struct http_req *rq, const char *s)
{
	put_escn(rq, s, strlen(s));
}

const char *
wp_quote(const char *s, char *buf, size_t len)
{
	static const char hex[] = "0123456789ABCDEF";
	const unsigned char *p;
	size_t		 n = 0;

	for (p = (const unsigned char *)s; *p != '\0'; p++) {
		/* urllib.parse.quote's always-safe set, and its default "/". */
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || strchr("_.-~/", *p) != NULL) {
			if (n + 1 >= len)
				break;
			buf[n++] = *p;
		} else {
			if (n + 3 >= len)
				break;
			buf[n++] = '%';
			buf[n++] = hex[*p >> 4];
			buf[n++] = hex[*p & 15];
		}
	}
	if (len > 0)
		buf[n] = '\0';
	return buf;
}

static const char head_start[] =
	"<!DOCTYPE html>\n"
	"<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
	"<meta name=\"viewport\" content=\"width=device-width, "
	"initial-scale=1\">\n"
	"<link href=\"stylesheets/supervisor.css\" rel=\"stylesheet\">\n";

static const char banner[] =
	"<header><a class=\"brand\" href=\"index.html\">supervisor</a>"
	"<span class=\"version\">supervisord " SUPERVISORD_VERSION
	"</span></header>\n<main>\n";

static const char foot[] =
	"</main>\n<footer>supervisord " SUPERVISORD_VERSION
	", speaking supervisor 4.2.5's protocol</footer>\n</body>\n</html>\n";

/* The message box: an error stands out. */
static void
put_message(struct http_req *rq, const char *message)
{
	put(rq, strncmp(message, "ERROR", 5) == 0 ?
	    "<p id=\"message\" class=\"status_msg error\">" :
	    "<p id=\"message\" class=\"status_msg\">");
	put_esc(rq, message);
	put(rq, "</p>\n");
}

/* The status page. */

enum wp_phase {
	WP_HEAD = 0,
	WP_ROWS,
	WP_FOOT
};

struct wp_page {
	struct supervisor *s;
	const char	*token;		/* the daemon's: outlives the page */
	char		*message;
	enum wp_phase	 phase;
	bool		 started;	/* a row was written: group, name */
	char		 group[256];
	char		 name[256];
	bool		 shade;
};

/* web.py's css_class_for_state, and a class per state for colour. */
static const char *
state_class(enum sv_state st)
{
	switch (st) {
	case SV_RUNNING:
		return "statusrunning";
	case SV_FATAL:
	case SV_BACKOFF:
		return "statuserror";
	default:
		return "statusnominal";
	}
}

static void
put_button(struct http_req *rq, const char *action, const char *label,
    const char *spec)
{
	put(rq, "<button name=\"action\" value=\"");
	put(rq, action);
	put(rq, ":");
	put_esc(rq, spec);
	put(rq, "\">");
	put(rq, label);
	put(rq, "</button>");
}

/* One row: web.py's StatusView and actions_for_process. */
static void
put_row(struct wp_page *pg, struct http_req *rq, const struct sv_program *p)
{
	char		 spec[WP_NAMEMAX], q[3 * WP_NAMEMAX], desc[512], lc[16];
	const char	*name = sv_state_name(p->state);
	size_t		 i;

	for (i = 0; name[i] != '\0' && i < sizeof(lc) - 1; i++)
		lc[i] = name[i] >= 'A' && name[i] <= 'Z' ?
		    name[i] - 'A' + 'a' : name[i];
	lc[i] = '\0';
	sv_namespec(p, spec, sizeof(spec));
	wp_quote(spec, q, sizeof(q));
	st_describe(p, time(NULL), desc, sizeof(desc));

	put(rq, pg->shade ? "<tr class=\"shade\">" : "<tr>");
	pg->shade = !pg->shade;
	put(rq, "<td class=\"status\"><span class=\"");
	put(rq, state_class(p->state));
	put(rq, " state-");
	put(rq, lc);
	put(rq, "\">");
	put(rq, lc);
	put(rq, "</span></td><td class=\"desc\">");
	put_esc(rq, desc);
	put(rq, "</td><td class=\"name\"><a href=\"tail.html?processname=");
	put(rq, q);
	put(rq, "\" target=\"_blank\">");
	put_esc(rq, spec);
	put(rq, "</a></td><td class=\"action\">");
	switch (p->state) {
	case SV_RUNNING:
		put_button(rq, "restart", "Restart", spec);
		put_button(rq, "stop", "Stop", spec);
		break;
	case SV_STOPPED:
	case SV_EXITED:
	case SV_FATAL:
		put_button(rq, "start", "Start", spec);
		break;
	default:
		break;
	}
	put_button(rq, "clearlog", "Clear Log", spec);
	put(rq, "<a href=\"logtail/");
	put(rq, q);
	put(rq, "\" target=\"_blank\">Tail -f Stdout</a><a href=\"logtail/");
	put(rq, q);
	put(rq, "/stderr\" target=\"_blank\">Tail -f Stderr</a></td></tr>\n");
}

static void
page_head(struct wp_page *pg, struct http_req *rq)
{
	put(rq, head_start);
	put(rq, "<title>Supervisor Status</title>\n</head>\n<body>\n");
	put(rq, banner);
	if (pg->message != NULL)
		put_message(rq, pg->message);
	put(rq, "<form action=\"index.html\" method=\"post\">\n"
	    "<input type=\"hidden\" name=\"token\" value=\"");
	put(rq, pg->token);
	put(rq, "\">\n<div id=\"buttons\">"
	    "<a class=\"button\" href=\"index.html?action=refresh\">"
	    "Refresh</a>"
	    "<button name=\"action\" value=\"restartall\">Restart All</button>"
	    "<button name=\"action\" value=\"stopall\">Stop All</button>"
	    "</div>\n");
	if (pg->s->n == 0) {
		put(rq, "<p class=\"empty\">No programs to manage</p>\n");
		return;
	}
	put(rq, "<table id=\"statustable\">\n<thead><tr>"
	    "<th class=\"state\">State</th>"
	    "<th class=\"desc\">Description</th>"
	    "<th class=\"name\">Name</th>"
	    "<th class=\"action\">Action</th></tr></thead>\n<tbody>\n");
}

static int
key_cmp(const struct sv_program *p, const char *group, const char *name)
{
	int	r;

	if ((r = strcmp(p->cfg->group, group)) != 0)
		return r;
	return strcmp(p->cfg->name, name);
}

/* Rows while there is room; true when the last is written. */
static bool
page_rows(struct wp_page *pg, struct http_req *rq)
{
	struct sv_program **v;
	size_t		 n, lo = 0, hi, mid;
	bool		 done;

	if ((v = sup_snapshot(pg->s, false, &n)) == NULL)
		return true;	/* none, or no memory: end the table */
	/* The first process after the last row written. */
	if (pg->started) {
		hi = n;
		while (lo < hi) {
			mid = lo + (hi - lo) / 2;
			if (key_cmp(v[mid], pg->group, pg->name) <= 0)
				lo = mid + 1;
			else
				hi = mid;
		}
	}
	for (; lo < n && http_room(rq) > 0; lo++) {
		put_row(pg, rq, v[lo]);
		snprintf(pg->group, sizeof(pg->group), "%s", v[lo]->cfg->group);
		snprintf(pg->name, sizeof(pg->name), "%s", v[lo]->cfg->name);
		pg->started = true;
	}
	done = lo >= n;
	free(v);
	return done;
}

static enum http_fill
page_fill(void *arg, struct http_req *rq)
{
	struct wp_page	*pg = arg;

	while (http_room(rq) > 0) {
		switch (pg->phase) {
		case WP_HEAD:
			page_head(pg, rq);
			pg->phase = pg->s->n == 0 ? WP_FOOT : WP_ROWS;
			break;
		case WP_ROWS:
			if (page_rows(pg, rq)) {
				put(rq, "</tbody>\n</table>\n");
				pg->phase = WP_FOOT;
			}
			break;
		case WP_FOOT:
			put(rq, "</form>\n");
			put(rq, foot);
			return HTTP_FILL_DONE;
		}
	}
	return HTTP_FILL_MORE;
}

static void
page_free(void *arg)
{
	struct wp_page	*pg = arg;

	free(pg->message);
	free(pg);
}

void
wp_status(struct http_req *rq, struct supervisor *s, const char *token,
    const char *message)
{
	struct http_producer prod;
	struct wp_page	*pg;

	if ((pg = calloc(1, sizeof(*pg))) == NULL ||
	    (message != NULL && (pg->message = strdup(message)) == NULL)) {
		free(pg);
		http_error(rq, 500);
		return;
	}
	pg->s = s;
	pg->token = token;
	prod.fill = page_fill;
	prod.free = page_free;
	prod.arg = pg;
	http_stream(rq, 200, WP_HTML, WP_NOCACHE, HTTP_STREAM_BUFFERED,
	    &prod);
}

/*
 * tail.html.  readProcessStdoutLog's answer is XML whose one string is
 * escaped as XML escapes text (&, <, >) and cleaned of what XML 1.0 does
 * not allow: that is also HTML text for a <pre>.  So its characters pass
 * straight from the codec to the socket, as the API reads the file, and
 * only the envelope around them is cut; a fault (whole, and small) is
 * kept and decoded.
 */

enum wp_cut {
	CUT_HEAD = 0,	/* before <string> */
	CUT_TEXT,	/* the string's characters */
	CUT_TAIL,	/* after them */
	CUT_FAULT	/* the answer is a fault: kept in buf */
};

struct wp_tail {
	struct http_req	*rq;
	struct rpc_call	*call;		/* NULL: no process name */
	struct xr_out	 o;
	char		*name;
	long long	 limit;
	enum wp_phase	 phase;
	enum wp_cut	 cut;
	bool		 woke;
	char		 buf[4096];	/* the envelope's head, or a fault */
	size_t		 nbuf;
};

static void
tail_write(void *arg, const void *data, size_t len)
{
	struct wp_tail	*t = arg;
	const char	*p = data, *lt, *s;
	size_t		 n;

	while (len > 0) {
		switch (t->cut) {
		case CUT_HEAD:
		case CUT_FAULT:
			n = sizeof(t->buf) - 1 - t->nbuf;
			if (n > len)
				n = len;
			memcpy(t->buf + t->nbuf, p, n);
			t->nbuf += n;
			t->buf[t->nbuf] = '\0';
			p += n;
			len -= n;
			if (t->cut == CUT_FAULT)
				return;	/* a fault beyond buf: cut */
			if (strstr(t->buf, "<fault>") != NULL) {
				t->cut = CUT_FAULT;
			} else if ((s = strstr(t->buf, "<string>")) != NULL) {
				s += strlen("<string>");
				t->cut = CUT_TEXT;
				/* What came after the tag is text: again. */
				n = t->buf + t->nbuf - s;
				t->nbuf = 0;
				tail_write(t, s, n);
			} else if (n == 0) {
				return;	/* no string within buf: cut */
			}
			break;
		case CUT_TEXT:
			if ((lt = memchr(p, '<', len)) == NULL) {
				http_write(t->rq, p, len);
				return;
			}
			http_write(t->rq, p, lt - p);
			t->cut = CUT_TAIL;
			return;
		case CUT_TAIL:
			return;
		}
	}
}

static size_t
tail_room(void *arg)
{
	struct wp_tail	*t = arg;

	return http_room(t->rq);
}

static void
tail_wake(void *arg)
{
	struct wp_tail	*t = arg;

	t->woke = true;
	http_wake(t->rq);
}

/* TailView's words for a fault. */
static void
tail_fault(struct wp_tail *t, struct http_req *rq)
{
	struct xr_val	*v = NULL;
	const struct xr_val *code, *text;
	bool		 fault;
	char		 err[128], msg[512];

	if (xr_decode_response(t->buf, t->nbuf, &v, &fault, err,
	    sizeof(err)) == -1 || !fault) {
		put_esc(rq, "ERROR: unexpected rpc fault");
		xr_val_free(v);
		return;
	}
	code = xr_member(v, "faultCode");
	text = xr_member(v, "faultString");
	if (code != NULL && code->i == RPC_NO_FILE)
		snprintf(msg, sizeof(msg), "No file for %s", t->name);
	else
		snprintf(msg, sizeof(msg), "ERROR: unexpected rpc fault [%lld] "
		    "%s", code != NULL ? code->i : 0,
		    text != NULL && text->s != NULL ? text->s : "");
	put_esc(rq, msg);
	xr_val_free(v);
}

static enum http_fill
tail_fill(void *arg, struct http_req *rq)
{
	struct wp_tail	*t = arg;
	char		 q[3 * WP_NAMEMAX];
	enum rpc_status	 st;

	while (http_room(rq) > 0) {
		switch (t->phase) {
		case WP_HEAD:
			put(rq, head_start);
			put(rq, "<title>Supervisor tail of process ");
			put_esc(rq, t->name != NULL ? t->name : "None");
			put(rq, "</title>\n</head>\n<body class=\"tail\">\n");
			put(rq, banner);
			put(rq, "<h1>");
			put_esc(rq, t->name != NULL ? t->name : "");
			put(rq, "</h1>\n<pre id=\"tailbody\">");
			t->phase = WP_ROWS;
			break;
		case WP_ROWS:
			if (t->call == NULL) {
				put(rq, "No process name found");
				t->phase = WP_FOOT;
				break;
			}
			if (t->woke)
				t->woke = false;
			st = rpc_call_run(t->call, &t->o);
			if (st == RPC_WAIT)
				return HTTP_FILL_WAIT;
			if (st == RPC_MORE)
				break;
			xr_out_finish(&t->o);
			if (t->cut == CUT_FAULT)
				tail_fault(t, rq);
			t->phase = WP_FOOT;
			break;
		case WP_FOOT:
			put(rq, "</pre>\n");
			if (t->name != NULL) {
				put(rq, "<div id=\"buttons\"><a class=\"button\" "
				    "href=\"tail.html?processname=");
				put(rq, wp_quote(t->name, q, sizeof(q)));
				snprintf(q, sizeof(q), "&amp;limit=%lld",
				    t->limit);
				put(rq, q);
				put(rq, "\">Refresh</a></div>\n");
			}
			put(rq, foot);
			return HTTP_FILL_DONE;
		}
	}
	return HTTP_FILL_MORE;
}

static void
tail_free(void *arg)
{
	struct wp_tail	*t = arg;

	rpc_call_free(t->call);
	free(t->name);
	free(t);
}

void
wp_tail(struct http_req *rq, struct rpc *r, const char *processname,
    long long limit)
{
	struct http_producer prod;
	struct xr_val	*params = NULL, *v;
	struct wp_tail	*t;

	if ((t = calloc(1, sizeof(*t))) == NULL)
		goto fail;
	t->rq = rq;
	/* TailView: readProcessStdoutLog(name, -max(1024, limit), 0). */
	t->limit = limit < 1024 ? 1024 : limit;
	xr_out_init(&t->o, tail_write, tail_room, t);
	if (processname != NULL && processname[0] != '\0') {
		if ((t->name = strdup(processname)) == NULL ||
		    (params = xr_array()) == NULL)
			goto fail;
		if ((v = xr_string(processname, strlen(processname))) == NULL ||
		    xr_push(params, v) == -1 ||
		    (v = xr_int(-t->limit)) == NULL || xr_push(params, v) == -1 ||
		    (v = xr_int(0)) == NULL || xr_push(params, v) == -1)
			goto fail;
		t->call = rpc_call_new(r, "supervisor.readProcessStdoutLog",
		    params, tail_wake, t);
		params = NULL;
		if (t->call == NULL)
			goto fail;
	}
	prod.fill = tail_fill;
	prod.free = tail_free;
	prod.arg = t;
	http_stream(rq, 200, WP_HTML, WP_NOCACHE, HTTP_STREAM_BUFFERED, &prod);
	return;
fail:
	xr_val_free(params);
	if (t != NULL)
		tail_free(t);
	http_error(rq, 500);
}

void
wp_moved(struct http_req *rq, const char *message)
{
	char	q[4096];

	wp_quote(message, q, sizeof(q));
	put(rq, head_start);
	put(rq, "<meta http-equiv=\"refresh\" content=\"0; url=./?message=");
	put(rq, q);
	put(rq, "\">\n<title>Supervisor Status</title>\n</head>\n<body>\n");
	put(rq, banner);
	put_message(rq, message);
	put(rq, "<p><a href=\"./?message=");
	put(rq, q);
	put(rq, "\">Back to the status page</a></p>\n");
	put(rq, foot);
}

static const char css[] =
	":root{--bg:#f6f7f9;--fg:#1f2430;--muted:#6b7280;--line:#e3e6eb;"
	"--card:#fff;--accent:#2f6fdb;--ok:#1f8f4e;--warn:#b7791f;"
	"--bad:#c53030;--idle:#6b7280}\n"
	"*{box-sizing:border-box}\n"
	"body{margin:0;background:var(--bg);color:var(--fg);"
	"font:14px/1.45 system-ui,-apple-system,\"Segoe UI\",Roboto,"
	"Helvetica,Arial,sans-serif}\n"
	"header{display:flex;align-items:baseline;gap:1em;padding:.8em 1.5em;"
	"background:#1f2430;color:#fff}\n"
	"header .brand{color:#fff;font-weight:700;font-size:1.25em;"
	"text-decoration:none;letter-spacing:.02em}\n"
	"header .version{color:#aab1bf;font-size:.9em}\n"
	"main{max-width:1100px;margin:1.5em auto;padding:0 1.5em}\n"
	"footer{max-width:1100px;margin:2em auto;padding:0 1.5em;"
	"color:var(--muted);font-size:.85em}\n"
	".status_msg{margin:0 0 1em;padding:.6em 1em;background:var(--card);"
	"border:1px solid var(--line);border-left:4px solid var(--accent);"
	"border-radius:4px}\n"
	".status_msg.error{border-left-color:var(--bad)}\n"
	"#buttons{display:flex;gap:.5em;margin:0 0 1em}\n"
	"button,.button{display:inline-block;padding:.3em .8em;"
	"font:inherit;font-size:.9em;color:var(--fg);background:var(--card);"
	"border:1px solid #c9ced6;border-radius:4px;cursor:pointer;"
	"text-decoration:none}\n"
	"button:hover,.button:hover{border-color:var(--accent);"
	"color:var(--accent)}\n"
	"table{width:100%;border-collapse:collapse;background:var(--card);"
	"border:1px solid var(--line);border-radius:4px}\n"
	"th{text-align:left;font-weight:600;color:var(--muted);"
	"font-size:.8em;text-transform:uppercase;letter-spacing:.04em;"
	"background:#fafbfc}\n"
	"th,td{padding:.45em .8em;border-bottom:1px solid var(--line);"
	"vertical-align:middle}\n"
	"tr.shade td{background:#fbfcfd}\n"
	"td.name a{color:var(--fg);font-weight:600;text-decoration:none}\n"
	"td.name a:hover{color:var(--accent)}\n"
	"td.desc{color:var(--muted)}\n"
	"td.action{white-space:nowrap}\n"
	"td.action button{margin-right:.3em;padding:.15em .55em}\n"
	"td.action a{margin-right:.8em;color:var(--accent);font-size:.9em}\n"
	".status span{display:inline-block;min-width:6.5em;padding:.1em .5em;"
	"border-radius:999px;text-align:center;font-size:.85em;"
	"font-weight:600;color:#fff;background:var(--idle)}\n"
	".state-running{background:var(--ok)!important}\n"
	".state-starting,.state-stopping{background:var(--warn)!important}\n"
	".state-backoff,.state-fatal{background:var(--bad)!important}\n"
	".empty{padding:1em;background:var(--card);"
	"border:1px solid var(--line);border-radius:4px}\n"
	"h1{font-size:1.2em;margin:0 0 .8em}\n"
	"pre{margin:0 0 1em;padding:1em;background:#1f2430;color:#e6e9ef;"
	"border-radius:4px;overflow:auto;white-space:pre-wrap;"
	"word-break:break-all;font:13px/1.4 ui-monospace,SFMono-Regular,"
	"Menlo,Consolas,monospace}\n";

void
wp_css(struct http_req *rq)
{
	http_reply(rq, 200, "text/css", "Cache-Control: max-age=3600\r\n",
	    css, sizeof(css) - 1);
}
