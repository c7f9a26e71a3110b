/*
 * events: [eventlistener:x] pools seen from outside, as supervisor 4.2.5's
 * listeners see them.  A listener is tests/helpers/evrecord (it reads its
 * stdin byte by byte and appends every event, header line and payload as
 * they came, to a file), a shell script or a Python script using
 * supervisor.childutils.  Each test starts the daemon on a real
 * configuration, makes things happen (programs that start, exit, crash,
 * write; supervisorctl; XML-RPC; SIGHUP; SIGTERM) and compares what the
 * listener got, byte for byte, with what supervisor 4.2.5 sends
 * (../shared/PROTOCOLS.md section 4): the envelope
 *
 *	ver:3.0 server:supervisor serial:N pool:P poolserial:N eventname:E
 *	len:N\n<payload>
 *
 * with len: the payload's length in code points as supervisor sends it
 * (and, if the daemon adds one, blen: its length in bytes), the payloads,
 * the order of events, the serials, subscription by a parent type, and
 * the failure paths: a rejected event, a listener that breaks the
 * protocol, dies while busy, never answers or floods its stdout.
 *
 * The expectations were checked against Python supervisord 4.2.5 run on
 * the same configurations; where our daemon deliberately differs (a
 * SIGHUP reload by diff, whole lines per PROCESS_LOG event, no wakeups
 * while idle) the test says so.
 */
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/un.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <check.h>

#include "tests/harness.h"
#include "tests/skip.h"

Suite	*events_suite(void);

#define MAXEVS		512
#define CTL_MAXARGS	16
#define PYTHON		"/usr/bin/python3"

/* One event as a listener received it. */
struct ev {
	char	 hdr[512];	/* the header line, without its '\n' */
	char	 pool[64];
	char	 name[64];
	long	 serial;
	long	 poolserial;
	long	 len;		/* len: */
	long	 blen;		/* blen:, -1 if the header has none */
	char	*data;		/* the payload, NUL-terminated */
	size_t	 dlen;		/* its length in bytes */
};

struct evs {
	struct ev	 e[MAXEVS];
	int		 n;
};

/*
 * The configuration: a [supervisord] section (with extra keys), a control
 * socket with the supervisor interface, and body (with @DIR@ and
 * @HELPERS@ as in th_write()).
 */
static void
conf(struct th *h, const char *sdkeys, const char *body)
{
	char	*text;

	ck_assert(asprintf(&text,
	    "[supervisord]\n"
	    "logfile=@DIR@/supervisord.log\n"
	    "pidfile=@DIR@/supervisord.pid\n"
	    "childlogdir=@DIR@\n"
	    "%s\n"
	    "[unix_http_server]\n"
	    "file=@DIR@/sock\n\n"
	    "[rpcinterface:supervisor]\n"
	    "supervisor.rpcinterface_factory = "
	    "supervisor.rpcinterface:make_main_rpcinterface\n\n"
	    "[supervisorctl]\n"
	    "serverurl=unix://@DIR@/sock\n\n"
	    "%s", sdkeys != NULL ? sdkeys : "", body) != -1);
	th_write(h, "supervisord.conf", text);
	free(text);
}

static bool
sock_exists(struct th *h, void *arg)
{
	struct stat st;

	(void)arg;
	return lstat(th_path(h, "sock"), &st) == 0;
}

static void
start(struct th *h)
{
	th_start_conf(h);
	ck_assert(th_wait(h, sock_exists, NULL, 10000));
}

/* The number after " key:" in a header line, -1 if none. */
static long
hfield(const char *hdr, const char *key)
{
	const char	*p = hdr;
	size_t		 k = strlen(key);

	while ((p = strstr(p, key)) != NULL) {
		if ((p == hdr || p[-1] == ' ') && p[k] == ':')
			return strtol(p + k + 1, NULL, 10);
		p += k;
	}
	return -1;
}

/* A string field (pool:, eventname:) of a header line into buf. */
static void
hstr(const char *hdr, const char *key, char *buf, size_t len)
{
	const char	*p;
	size_t		 k = strlen(key), n;

	buf[0] = '\0';
	for (p = hdr; (p = strstr(p, key)) != NULL; p += k)
		if ((p == hdr || p[-1] == ' ') && p[k] == ':') {
			p += k + 1;
			n = strcspn(p, " ");
			if (n >= len)
				n = len - 1;
			memcpy(buf, p, n);
			buf[n] = '\0';
			return;
		}
}

static void
evs_clear(struct evs *v)
{
	int	i;

	for (i = 0; i < v->n; i++)
		free(v->e[i].data);
	v->n = 0;
}

/*
 * Parse what evrecord appended to rel: each event is its header line and
 * payload, blen: bytes of it if the header has blen:, else len: UTF-8
 * characters, as evrecord read it.  A last event still being written is
 * left out.
 */
static void
evs_load(struct th *h, const char *rel, struct evs *v)
{
	const char	*buf, *p, *nl, *end;
	size_t		 size, i;
	struct ev	*e;
	int		 more;

	evs_clear(v);
	if ((buf = th_read(h, rel, &size)) == NULL)
		return;
	end = buf + size;
	for (p = buf; p < end && v->n < MAXEVS; ) {
		if ((nl = memchr(p, '\n', (size_t)(end - p))) == NULL)
			break;
		e = &v->e[v->n];
		ck_assert_msg((size_t)(nl - p) < sizeof(e->hdr),
		    "header too long in %s", rel);
		memcpy(e->hdr, p, (size_t)(nl - p));
		e->hdr[nl - p] = '\0';
		e->serial = hfield(e->hdr, "serial");
		e->poolserial = hfield(e->hdr, "poolserial");
		e->len = hfield(e->hdr, "len");
		e->blen = hfield(e->hdr, "blen");
		hstr(e->hdr, "pool", e->pool, sizeof(e->pool));
		hstr(e->hdr, "eventname", e->name, sizeof(e->name));
		ck_assert_msg(e->len >= 0, "no len: in '%s'", e->hdr);
		p = nl + 1;
		if (e->blen >= 0) {
			if (end - p < e->blen)
				break;
			e->dlen = (size_t)e->blen;
		} else {
			const char *q = p;

			for (i = 0; i < (size_t)e->len && q < end; i++) {
				unsigned char c = (unsigned char)*q++;

				more = c >= 0xf0 ? 3 : c >= 0xe0 ? 2 :
				    c >= 0xc0 ? 1 : 0;
				q += more;
			}
			if (i < (size_t)e->len || q > end)
				break;
			e->dlen = (size_t)(q - p);
		}
		e->data = malloc(e->dlen + 1);
		ck_assert(e->data != NULL);
		memcpy(e->data, p, e->dlen);
		e->data[e->dlen] = '\0';
		p += e->dlen;
		v->n++;
	}
}

/* Print what the listener got (on a failure, to see why). */
static void
evs_dump(const struct evs *v, const char *what)
{
	int	i;

	fprintf(stderr, "--- %s: %d events\n", what, v->n);
	for (i = 0; i < v->n; i++)
		fprintf(stderr, "[%d] %s\n    %s\n", i, v->e[i].hdr,
		    v->e[i].data);
}

/*
 * The index of the first event at or after from named name whose payload
 * is data exactly (data NULL: any payload; a data ending in '*': that
 * prefix), -1 if none.
 */
static int
evs_find(const struct evs *v, int from, const char *name, const char *data)
{
	size_t	dl;
	int	i;

	for (i = from < 0 ? 0 : from; i < v->n; i++) {
		if (strcmp(v->e[i].name, name) != 0)
			continue;
		if (data == NULL)
			return i;
		dl = strlen(data);
		if (dl > 0 && data[dl - 1] == '*') {
			if (v->e[i].dlen >= dl - 1 &&
			    memcmp(v->e[i].data, data, dl - 1) == 0)
				return i;
		} else if (v->e[i].dlen == dl &&
		    memcmp(v->e[i].data, data, dl) == 0)
			return i;
	}
	return -1;
}

/* The number of events named name. */
static int
evs_count(const struct evs *v, const char *name)
{
	int	i, n = 0;

	for (i = 0; i < v->n; i++)
		n += strcmp(v->e[i].name, name) == 0;
	return n;
}

/* evs_find that fails the test, with the events, when there is none. */
static int
evs_must(const struct evs *v, int from, const char *name, const char *data)
{
	int	i = evs_find(v, from, name, data);

	if (i == -1) {
		evs_dump(v, "events");
		ck_abort_msg("no %s '%s' at or after event %d", name,
		    data != NULL ? data : "*", from);
	}
	return i;
}

/*
 * The header, exactly as supervisor writes it, for pool: "ver:3.0
 * server:supervisor serial:S pool:P poolserial:Q eventname:E len:L" with
 * L the payload's code points; if the daemon adds " blen:B", B is its
 * bytes.
 */
static void
ev_check_header(const struct ev *e, const char *pool)
{
	char		 want[512];
	size_t		 cps = 0, i, wl;

	for (i = 0; i < e->dlen; i++)
		if (((unsigned char)e->data[i] & 0xc0) != 0x80)
			cps++;
	snprintf(want, sizeof(want), "ver:3.0 server:supervisor serial:%ld "
	    "pool:%s poolserial:%ld eventname:%s len:%zu", e->serial, pool,
	    e->poolserial, e->name, cps);
	wl = strlen(want);
	ck_assert_msg(strncmp(e->hdr, want, wl) == 0, "header '%s', want '%s'",
	    e->hdr, want);
	if (e->hdr[wl] != '\0') {
		snprintf(want + wl, sizeof(want) - wl, " blen:%zu", e->dlen);
		ck_assert_msg(strcmp(e->hdr, want) == 0,
		    "header '%s', want '%s'", e->hdr, want);
	}
	ck_assert(e->serial >= 0 && e->poolserial >= 0);
}

struct evwait {
	const char	*rel;
	const char	*name;
	const char	*data;
	int		 count;
	struct evs	*v;
};

static bool
ev_arrived(struct th *h, void *arg)
{
	struct evwait	*w = arg;
	int		 i = -1, n = 0;

	evs_load(h, w->rel, w->v);
	while ((i = evs_find(w->v, i + 1, w->name, w->data)) != -1)
		n++;
	return n >= w->count;
}

/* Wait up to ms for count events name (data as evs_find) in rel; the
 * events are then in v. */
static bool
wait_ev_n(struct th *h, const char *rel, struct evs *v, const char *name,
    const char *data, int count, int ms)
{
	struct evwait	 w = { rel, name, data, count, v };

	if (th_wait(h, ev_arrived, &w, ms))
		return true;
	evs_dump(v, rel);
	return false;
}

#define wait_ev(h, rel, v, name, data, ms) \
	wait_ev_n((h), (rel), (v), (name), (data), 1, (ms))

/* Start supervisorctl -c DIR/supervisord.conf ARGS, stdout to ctl.out. */
static int
ctl(struct th *h, const char **outp, ...)
{
	char		*argv[CTL_MAXARGS + 4];
	const char	*bin = getenv("SUPERVISORCTL");
	va_list		 ap;
	pid_t		 pid;
	int		 fd, n = 3, status;

	ck_assert_msg(bin != NULL, "SUPERVISORCTL is not set");
	argv[0] = (char *)"supervisorctl";
	argv[1] = (char *)"-c";
	argv[2] = strdup(th_path(h, "supervisord.conf"));
	va_start(ap, outp);
	while (n < CTL_MAXARGS && (argv[n] = va_arg(ap, char *)) != NULL)
		n++;
	va_end(ap);
	argv[n] = NULL;
	fd = open(th_path(h, "ctl.out"), O_WRONLY | O_CREAT | O_TRUNC |
	    O_CLOEXEC, 0644);
	ck_assert_int_ne(fd, -1);
	if ((pid = fork()) == 0) {
		dup2(fd, 1);
		dup2(fd, 2);
		execv(bin, argv);
		_exit(127);
	}
	close(fd);
	free(argv[2]);
	ck_assert_int_gt(pid, 0);
	status = th_wait_child(pid, 15000);
	if (status == -1) {
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
		ck_abort_msg("supervisorctl %s timed out", argv[3]);
	}
	if (outp != NULL) {
		*outp = th_read(h, "ctl.out", NULL);
		ck_assert(*outp != NULL);
	}
	return th_exit_code(status);
}

static void
send_all(int fd, const char *p, size_t len)
{
	ssize_t	n;

	while (len > 0) {
		n = write(fd, p, len);
		if (n == -1 && errno == EINTR)
			continue;
		ck_assert_msg(n > 0, "write: %s", strerror(errno));
		p += n;
		len -= (size_t)n;
	}
}

/*
 * An XML-RPC call over the control socket, as Python's client writes it
 * (params: XML of <param>s, UTF-8): the whole response (static).
 */
static const char *
rpc(struct th *h, const char *method, const char *params)
{
	static char	 buf[1 << 16];
	struct sockaddr_un sun;
	struct pollfd	 pfd;
	long long	 deadline = th_now_ms() + 10000;
	char		*body, *req;
	size_t		 len = 0;
	ssize_t		 n;
	int		 fd, bl, rl;

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	snprintf(sun.sun_path, sizeof(sun.sun_path), "%s",
	    th_path(h, "sock"));
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	ck_assert_int_ne(fd, -1);
	ck_assert_msg(connect(fd, (struct sockaddr *)&sun, sizeof(sun)) == 0,
	    "connect: %s", strerror(errno));
	bl = asprintf(&body, "<?xml version='1.0'?>\n<methodCall>\n"
	    "<methodName>%s</methodName>\n<params>\n%s</params>\n"
	    "</methodCall>\n", method, params);
	ck_assert_int_gt(bl, 0);
	rl = asprintf(&req, "POST /RPC2 HTTP/1.0\r\nHost: localhost\r\n"
	    "Content-Type: text/xml\r\nContent-Length: %d\r\n\r\n%s", bl,
	    body);
	ck_assert_int_gt(rl, 0);
	send_all(fd, req, (size_t)rl);
	free(body);
	free(req);
	pfd.fd = fd;
	pfd.events = POLLIN;
	while (len < sizeof(buf) - 1) {
		ck_assert_msg(th_now_ms() < deadline, "%s: no answer", method);
		if (poll(&pfd, 1, 50) <= 0)
			continue;
		n = read(fd, buf + len, sizeof(buf) - 1 - len);
		if (n <= 0)
			break;
		len += (size_t)n;
	}
	close(fd);
	buf[len] = '\0';
	return buf;
}

/* The pid of name as "spawned: 'name' with pid N" said (nth time). */
static long
spid(struct th *h, const char *name, int nth)
{
	pid_t	pid = th_spawned_pid(h, name, nth);

	ck_assert_msg(pid > 0, "no pid for %s", name);
	return (long)pid;
}

/* A payload with printf's formatting, into a static buffer. */
static const char *pl(const char *fmt, ...)
    __attribute__((format(printf, 1, 2)));

static const char *
pl(const char *fmt, ...)
{
	static char	 bufs[4][1024];
	static int	 k;
	char		*b = bufs[k++ % 4];
	va_list		 ap;

	va_start(ap, fmt);
	vsnprintf(b, sizeof(bufs[0]), fmt, ap);
	va_end(ap);
	return b;
}

/*
 * From startup to shutdown, one listener subscribed to PROCESS_STATE,
 * SUPERVISOR_STATE_CHANGE and PROCESS_GROUP gets, in this order, with
 * serial and poolserial both counting from 0 (one pool, so each event's
 * serial is its index):
 *
 * - PROCESS_GROUP_ADDED "groupname:G\n" for each group in priority
 *   order, its own first (priority -1),
 * - SUPERVISOR_STATE_CHANGE_RUNNING with an empty payload (len:0),
 * - PROCESS_STATE_STARTING "... from_state:STOPPED tries:0" for each
 *   program, in priority order, itself included,
 * - RUNNING with the pid, EXITED with expected: and the pid,
 * - for a program that cannot start (startretries=1): BACKOFF tries:1,
 *   STARTING from BACKOFF tries:1, BACKOFF tries:2, then FATAL from
 *   BACKOFF with nothing after from_state,
 * - for supervisorctl stop: STOPPING and STOPPED, both with the pid,
 * - at SIGTERM: SUPERVISOR_STATE_CHANGE_STOPPING, then the other
 *   programs' STOPPING and STOPPED: listeners stop last, so the listener
 *   is sent them before it is stopped itself.
 */
START_TEST(test_state_events_startup_to_shutdown)
{
	struct th	*h = th_new();
	struct evs	*v = calloc(1, sizeof(*v));
	const char	*out;
	long		 pa, pb, pex, prec;
	int		 i, j, k, run;
	static const char *const groups[] = { "rec", "a", "b", "crash", "ex" };

	conf(h, NULL,
	    "[eventlistener:rec]\n"
	    "command=@HELPERS@/evrecord @DIR@/rec.out\n"
	    "events=PROCESS_STATE,SUPERVISOR_STATE_CHANGE,PROCESS_GROUP\n"
	    "buffer_size=100\n\n"
	    "[program:b]\ncommand=/bin/sleep 1000\nstartsecs=0\n"
	    "priority=20\n\n"
	    "[program:a]\ncommand=/bin/sleep 1000\nstartsecs=0\n"
	    "priority=10\n\n"
	    "[program:crash]\ncommand=/bin/false\nstartsecs=1\n"
	    "startretries=1\npriority=30\n\n"
	    "[program:ex]\ncommand=/bin/sh -c 'sleep 0.3; exit 0'\n"
	    "startsecs=0\nautorestart=false\npriority=40\n");
	start(h);
	ck_assert(wait_ev(h, "rec.out", v, "PROCESS_STATE_FATAL", NULL,
	    15000));
	ck_assert(wait_ev(h, "rec.out", v, "PROCESS_STATE_RUNNING",
	    "processname:rec *", 15000));
	ck_assert(wait_ev(h, "rec.out", v, "PROCESS_STATE_EXITED", NULL,
	    15000));
	prec = spid(h, "rec", 0);
	pa = spid(h, "a", 0);
	pb = spid(h, "b", 0);
	pex = spid(h, "ex", 0);

	/* The groups, in priority order, then RUNNING. */
	for (i = 0; i < 5; i++)
		ck_assert_int_eq(evs_must(v, 0, "PROCESS_GROUP_ADDED",
		    pl("groupname:%s\n", groups[i])), i);
	ck_assert_int_eq(evs_must(v, 0, "SUPERVISOR_STATE_CHANGE_RUNNING",
	    ""), 5);
	run = 5;
	ck_assert_int_eq(v->e[run].len, 0);
	/* Each program's STARTING, in priority order, after RUNNING. */
	for (i = 0, j = run; i < 5; i++) {
		k = evs_must(v, 0, "PROCESS_STATE_STARTING",
		    pl("processname:%s groupname:%s from_state:STOPPED "
		    "tries:0", groups[i], groups[i]));
		ck_assert_msg(k > j, "STARTING %s at %d, not after %d",
		    groups[i], k, j);
		j = k;
	}
	evs_must(v, 0, "PROCESS_STATE_RUNNING", pl("processname:a "
	    "groupname:a from_state:STARTING pid:%ld", pa));
	evs_must(v, 0, "PROCESS_STATE_RUNNING", pl("processname:b "
	    "groupname:b from_state:STARTING pid:%ld", pb));
	evs_must(v, 0, "PROCESS_STATE_RUNNING", pl("processname:rec "
	    "groupname:rec from_state:STARTING pid:%ld", prec));
	evs_must(v, evs_must(v, 0, "PROCESS_STATE_RUNNING", pl(
	    "processname:ex groupname:ex from_state:STARTING pid:%ld", pex)),
	    "PROCESS_STATE_EXITED", pl("processname:ex groupname:ex "
	    "from_state:RUNNING expected:1 pid:%ld", pex));
	/* crash: tries counts the backoffs; FATAL comes from BACKOFF. */
	i = evs_must(v, 0, "PROCESS_STATE_STARTING", "processname:crash "
	    "groupname:crash from_state:STOPPED tries:0");
	i = evs_must(v, i, "PROCESS_STATE_BACKOFF", "processname:crash "
	    "groupname:crash from_state:STARTING tries:1");
	i = evs_must(v, i, "PROCESS_STATE_STARTING", "processname:crash "
	    "groupname:crash from_state:BACKOFF tries:1");
	i = evs_must(v, i, "PROCESS_STATE_BACKOFF", "processname:crash "
	    "groupname:crash from_state:STARTING tries:2");
	i = evs_must(v, i, "PROCESS_STATE_FATAL", "processname:crash "
	    "groupname:crash from_state:BACKOFF");

	/* supervisorctl stop a: STOPPING and STOPPED with its pid. */
	ck_assert_int_eq(ctl(h, &out, "stop", "a", NULL), 0);
	ck_assert(wait_ev(h, "rec.out", v, "PROCESS_STATE_STOPPED",
	    "processname:a *", 10000));
	i = evs_must(v, 0, "PROCESS_STATE_STOPPING", pl("processname:a "
	    "groupname:a from_state:RUNNING pid:%ld", pa));
	evs_must(v, i, "PROCESS_STATE_STOPPED", pl("processname:a "
	    "groupname:a from_state:STOPPING pid:%ld", pa));

	/* Shutdown: the listener is stopped last and sees b stop first. */
	ck_assert(th_exited_ok(th_stop(h)));
	evs_load(h, "rec.out", v);
	i = evs_must(v, 0, "SUPERVISOR_STATE_CHANGE_STOPPING", "");
	ck_assert_int_eq(v->e[i].len, 0);
	j = evs_must(v, i, "PROCESS_STATE_STOPPING", pl("processname:b "
	    "groupname:b from_state:RUNNING pid:%ld", pb));
	evs_must(v, j, "PROCESS_STATE_STOPPED", pl("processname:b "
	    "groupname:b from_state:STOPPING pid:%ld", pb));
	ck_assert_int_lt(th_file_line(h, "supervisord.log", "stopped: b "),
	    th_file_line(h, "supervisord.log", "stopped: rec "));
	ck_assert_int_gt(th_file_line(h, "supervisord.log", "stopped: b "), 0);

	/* One pool: serial and poolserial are both the event's index. */
	for (i = 0; i < v->n; i++) {
		ck_assert_int_eq(v->e[i].serial, i);
		ck_assert_int_eq(v->e[i].poolserial, i);
		ev_check_header(&v->e[i], "rec");
	}
	evs_clear(v);
	free(v);
	th_free(h);
}
END_TEST

/*
 * Subscriptions by a parent type deliver its children and nothing else:
 * a pool on PROCESS_STATE gets only PROCESS_STATE_* events, a pool on
 * PROCESS_GROUP and SUPERVISOR_STATE_CHANGE_RUNNING only those.  Serials
 * are global (one per event, shared by all pools), poolserials per pool:
 * each pool's poolserials count 0, 1, 2 ..., its serials increase, and
 * the two pools' serials together are 0 .. N-1 with none twice, as no
 * event goes to both.
 */
START_TEST(test_parent_subscription_and_serials)
{
	struct th	*h = th_new();
	struct evs	*v1 = calloc(1, sizeof(*v1));
	struct evs	*v2 = calloc(1, sizeof(*v2));
	char		 seen[MAXEVS];
	int		 i, total;

	conf(h, NULL,
	    "[eventlistener:states]\n"
	    "command=@HELPERS@/evrecord @DIR@/states.out\n"
	    "events=PROCESS_STATE\nbuffer_size=50\n\n"
	    "[eventlistener:groups]\n"
	    "command=@HELPERS@/evrecord @DIR@/groups.out\n"
	    "events=PROCESS_GROUP,SUPERVISOR_STATE_CHANGE_RUNNING\n"
	    "buffer_size=50\n\n"
	    "[program:a]\ncommand=/bin/sleep 1000\nstartsecs=0\n");
	start(h);
	ck_assert(wait_ev(h, "states.out", v1, "PROCESS_STATE_RUNNING",
	    "processname:states *", 10000));
	ck_assert(wait_ev(h, "states.out", v1, "PROCESS_STATE_RUNNING",
	    "processname:groups *", 10000));
	ck_assert(wait_ev(h, "states.out", v1, "PROCESS_STATE_RUNNING",
	    "processname:a *", 10000));
	ck_assert(wait_ev(h, "groups.out", v2,
	    "SUPERVISOR_STATE_CHANGE_RUNNING", "", 10000));
	evs_load(h, "states.out", v1);
	ck_assert_int_eq(v1->n, 6);	/* 3 x STARTING, RUNNING */
	for (i = 0; i < v1->n; i++) {
		ck_assert_msg(strncmp(v1->e[i].name, "PROCESS_STATE_", 14) == 0,
		    "states got %s", v1->e[i].name);
		ck_assert_int_eq(v1->e[i].poolserial, i);
		ev_check_header(&v1->e[i], "states");
		if (i > 0)
			ck_assert_int_gt(v1->e[i].serial, v1->e[i - 1].serial);
	}
	/* Three groups (both pools are groups too), then RUNNING. */
	ck_assert_int_eq(v2->n, 4);
	for (i = 0; i < v2->n; i++) {
		ck_assert_int_eq(v2->e[i].poolserial, i);
		ev_check_header(&v2->e[i], "groups");
		if (i > 0)
			ck_assert_int_gt(v2->e[i].serial, v2->e[i - 1].serial);
	}
	evs_must(v2, 0, "PROCESS_GROUP_ADDED", "groupname:states\n");
	evs_must(v2, 0, "PROCESS_GROUP_ADDED", "groupname:groups\n");
	evs_must(v2, 0, "PROCESS_GROUP_ADDED", "groupname:a\n");
	ck_assert_str_eq(v2->e[3].name, "SUPERVISOR_STATE_CHANGE_RUNNING");
	total = v1->n + v2->n;
	memset(seen, 0, sizeof(seen));
	for (i = 0; i < v1->n + v2->n; i++) {
		const struct ev *e = i < v1->n ? &v1->e[i] : &v2->e[i - v1->n];

		ck_assert_msg(e->serial >= 0 && e->serial < total &&
		    !seen[e->serial], "serial %ld: not in 0..%d or twice",
		    e->serial, total - 1);
		seen[e->serial] = 1;
	}
	ck_assert(th_exited_ok(th_stop(h)));
	evs_clear(v1);
	evs_clear(v2);
	free(v1);
	free(v2);
	th_free(h);
}
END_TEST

/*
 * TICK: a pool subscribed to the parent TICK gets TICK_5 every 5 s with
 * "when:T", T a multiple of 5 (the start of the 5 s slice), one slice
 * after the other; nothing but TICK_* events (TICK_60 only on a minute).
 */
START_TEST(test_tick_5)
{
	struct th	*h = th_new();
	struct evs	*v = calloc(1, sizeof(*v));
	long		 w, prev = -1;
	int		 i;

	conf(h, NULL,
	    "[eventlistener:ticks]\n"
	    "command=@HELPERS@/evrecord @DIR@/ticks.out\n"
	    "events=TICK\n");
	start(h);
	/* Two slices change in at most 10 s after the listener is up. */
	ck_assert(wait_ev_n(h, "ticks.out", v, "TICK_5", NULL, 2, 14000));
	for (i = 0; i < v->n; i++) {
		ev_check_header(&v->e[i], "ticks");
		ck_assert_int_eq(v->e[i].poolserial, i);
		ck_assert_msg(strncmp(v->e[i].data, "when:", 5) == 0 &&
		    strspn(v->e[i].data + 5, "0123456789") ==
		    v->e[i].dlen - 5, "payload '%s'", v->e[i].data);
		w = strtol(v->e[i].data + 5, NULL, 10);
		if (strcmp(v->e[i].name, "TICK_5") == 0) {
			ck_assert_int_eq(w % 5, 0);
			if (prev != -1)
				ck_assert_int_eq(w, prev + 5);
			prev = w;
		} else if (strcmp(v->e[i].name, "TICK_60") == 0)
			ck_assert_int_eq(w % 60, 0);
		else if (strcmp(v->e[i].name, "TICK_3600") == 0)
			ck_assert_int_eq(w % 3600, 0);
		else
			ck_abort_msg("a TICK pool got %s", v->e[i].name);
	}
	ck_assert(th_exited_ok(th_stop(h)));
	evs_clear(v);
	free(v);
	th_free(h);
}
END_TEST

/*
 * PROCESS_GROUP_ADDED and _REMOVED for groups added and removed through
 * XML-RPC: the configuration edited, then supervisorctl reread, add c
 * (addProcessGroup) and stop a, remove a (removeProcessGroup).
 */
START_TEST(test_group_added_removed_by_ctl)
{
	struct th	*h = th_new();
	struct evs	*v = calloc(1, sizeof(*v));
	const char	*out;
	int		 i;

	conf(h, NULL,
	    "[eventlistener:rec]\n"
	    "command=@HELPERS@/evrecord @DIR@/rec.out\n"
	    "events=PROCESS_GROUP\n\n"
	    "[program:a]\ncommand=/bin/sleep 1000\nstartsecs=0\n");
	start(h);
	ck_assert(wait_ev(h, "rec.out", v, "PROCESS_GROUP_ADDED",
	    "groupname:a\n", 10000));
	conf(h, NULL,
	    "[eventlistener:rec]\n"
	    "command=@HELPERS@/evrecord @DIR@/rec.out\n"
	    "events=PROCESS_GROUP\n\n"
	    "[program:c]\ncommand=/bin/sleep 1000\nstartsecs=0\n");
	ck_assert_int_eq(ctl(h, &out, "reread", NULL), 0);
	ck_assert_int_eq(ctl(h, &out, "add", "c", NULL), 0);
	ck_assert_str_eq(out, "c: added process group\n");
	ck_assert(wait_ev(h, "rec.out", v, "PROCESS_GROUP_ADDED",
	    "groupname:c\n", 10000));
	ck_assert_int_eq(ctl(h, &out, "stop", "a", NULL), 0);
	ck_assert_int_eq(ctl(h, &out, "remove", "a", NULL), 0);
	ck_assert_str_eq(out, "a: removed process group\n");
	ck_assert(wait_ev(h, "rec.out", v, "PROCESS_GROUP_REMOVED",
	    "groupname:a\n", 10000));
	/* rec, a at startup, then c, then a's removal; nothing else. */
	ck_assert_int_eq(v->n, 4);
	i = evs_must(v, 0, "PROCESS_GROUP_ADDED", "groupname:c\n");
	ck_assert_int_eq(i, 2);
	for (i = 0; i < v->n; i++) {
		ev_check_header(&v->e[i], "rec");
		ck_assert_int_eq(v->e[i].poolserial, i);
	}
	ck_assert(th_exited_ok(th_stop(h)));
	evs_clear(v);
	free(v);
	th_free(h);
}
END_TEST

/*
 * A SIGHUP reload that adds a group (d) and removes one (c): our daemon
 * reloads by diff (DESIGN.md), so the listener, unchanged, keeps running
 * (same pid) and is sent PROCESS_GROUP_ADDED d and PROCESS_GROUP_REMOVED
 * c.  (Python supervisord restarts everything on SIGHUP instead: its new
 * listener gets PROCESS_GROUP_ADDED for every group of the new
 * configuration and no REMOVED; this test is ours only.)
 */
START_TEST(test_group_added_removed_by_sighup)
{
	struct th	*h = th_new();
	struct evs	*v = calloc(1, sizeof(*v));
	static const char listener[] =
	    "[eventlistener:rec]\n"
	    "command=@HELPERS@/evrecord @DIR@/rec.out\n"
	    "events=PROCESS_GROUP\n\n";
	char		*body;

	ck_assert(asprintf(&body, "%s[program:c]\ncommand=/bin/sleep 1000\n"
	    "startsecs=0\n", listener) != -1);
	conf(h, NULL, body);
	free(body);
	start(h);
	ck_assert(wait_ev(h, "rec.out", v, "PROCESS_GROUP_ADDED",
	    "groupname:c\n", 10000));
	ck_assert(th_wait_log(h, "success: rec entered RUNNING", 10000));
	ck_assert(asprintf(&body, "%s[program:d]\ncommand=/bin/sleep 1000\n"
	    "startsecs=0\n", listener) != -1);
	conf(h, NULL, body);
	free(body);
	ck_assert_int_eq(th_signal(h, SIGHUP), 0);
	ck_assert(wait_ev(h, "rec.out", v, "PROCESS_GROUP_ADDED",
	    "groupname:d\n", 10000));
	ck_assert(wait_ev(h, "rec.out", v, "PROCESS_GROUP_REMOVED",
	    "groupname:c\n", 10000));
	/* The listener was not restarted. */
	ck_assert_int_eq(th_log_count(h, "spawned: 'rec'"), 1);
	ck_assert(th_alive(h, th_spawned_pid(h, "rec", 0)));
	ck_assert_int_eq(v->n, 4);
	ck_assert(th_exited_ok(th_stop(h)));
	evs_clear(v);
	free(v);
	th_free(h);
}
END_TEST

/*
 * PROCESS_LOG_STDOUT and _STDERR with stdout_events_enabled and
 * stderr_events_enabled: "processname:P groupname:G pid:N channel:C\n"
 * then the data.  The program writes "one\ntwo\n" in one write, then
 * "three\n" to stderr, then "four\n": each event holds whole lines, and
 * the stdout events together are the program's stdout.
 */
/* Ours: a prefix and times on forwarded output, times in log files. */
#define DECORATED	"stdout_logfile=/dev/stdout\n" \
			"stdout_prefix=%(program_name)s |\n" \
			"stdout_timestamps=true\nstderr_timestamps=true\n"

START_TEST(test_process_log_events)
{
	struct th	*h = th_new();
	struct evs	*v = calloc(1, sizeof(*v));
	char		 acc[256], head[128], text[1024];
	long		 pid;
	int		 i;

	th_write(h, "talk.sh", "#!/bin/sh\n"
	    "printf 'one\\ntwo\\n'\n"
	    "printf 'three\\n' >&2\n"
	    "printf 'four\\n'\n"
	    "exec sleep 1000\n");
	ck_assert_int_eq(chmod(th_path(h, "talk.sh"), 0755), 0);
	/* Prefixes and times (ours) never enter the payloads. */
	snprintf(text, sizeof(text),
	    "[eventlistener:logs]\n"
	    "command=@HELPERS@/evrecord @DIR@/logs.out\n"
	    "events=PROCESS_LOG\n\n"
	    "[program:talk]\ncommand=@DIR@/talk.sh\nstartsecs=0\n"
	    "stdout_events_enabled=true\nstderr_events_enabled=true\n%s",
	    _i == 0 ? "" : DECORATED);
	conf(h, NULL, text);
	start(h);
	ck_assert(wait_ev(h, "logs.out", v, "PROCESS_LOG_STDERR", NULL,
	    10000));
	ck_assert(th_wait_log(h, "spawned: 'talk'", 5000));
	pid = spid(h, "talk", 0);
	/* Wait for all of stdout (in as many events as the daemon made). */
	snprintf(head, sizeof(head), "processname:talk groupname:talk "
	    "pid:%ld channel:stdout\n", pid);
	for (;;) {
		evs_load(h, "logs.out", v);
		acc[0] = '\0';
		for (i = 0; i < v->n; i++) {
			const struct ev *e = &v->e[i];

			ev_check_header(e, "logs");
			ck_assert_int_eq(e->poolserial, i);
			if (strcmp(e->name, "PROCESS_LOG_STDERR") == 0) {
				ck_assert_str_eq(e->data, pl("processname:talk "
				    "groupname:talk pid:%ld channel:stderr\n"
				    "three\n", pid));
				continue;
			}
			ck_assert_str_eq(e->name, "PROCESS_LOG_STDOUT");
			ck_assert_msg(strncmp(e->data, head, strlen(head)) ==
			    0, "payload '%s'", e->data);
			/* Whole lines: the data ends with a newline. */
			ck_assert(e->dlen > strlen(head) &&
			    e->data[e->dlen - 1] == '\n');
			strncat(acc, e->data + strlen(head),
			    sizeof(acc) - strlen(acc) - 1);
		}
		if (strcmp(acc, "one\ntwo\nfour\n") == 0)
			break;
		ck_assert_msg(strlen(acc) < 13, "stdout events: '%s'", acc);
		ck_assert(wait_ev_n(h, "logs.out", v, "PROCESS_LOG_STDOUT",
		    NULL, evs_count(v, "PROCESS_LOG_STDOUT") + 1, 10000));
	}
	ck_assert(th_exited_ok(th_stop(h)));
	/* They were forwarded with them. */
	if (_i == 1)
		ck_assert_msg(strstr(th_read(h, "stdout", NULL), "talk | 20")
		    != NULL, "%s", th_read(h, "stdout", NULL));
	evs_clear(v);
	free(v);
	th_free(h);
}
END_TEST

/*
 * Many lines, each written in two pieces (tests/helpers/fwdlines): our
 * daemon sends whole lines per PROCESS_LOG event, so no line is split
 * across two events, and the events' data together is exactly what the
 * program wrote (its stdout_logfile).  (Python supervisord sends one event
 * per read, which may split a line: this test is ours only.)
 */
START_TEST(test_process_log_whole_lines)
{
	struct th	*h = th_new();
	struct evs	*v = calloc(1, sizeof(*v));
	const char	*log;
	char		*acc;
	size_t		 alen = 0, loglen, hl;
	int		 i, lines = 0;

	conf(h, NULL,
	    "[eventlistener:logs]\n"
	    "command=@HELPERS@/evrecord @DIR@/logs.out\n"
	    "events=PROCESS_LOG_STDOUT\nbuffer_size=1000\n\n"
	    "[program:fw]\ncommand=@HELPERS@/fwdlines 7 300 300\n"
	    "startsecs=0\nautorestart=false\n"
	    "stdout_logfile=@DIR@/fw.log\n"
	    "stdout_events_enabled=true\n");
	start(h);
	ck_assert(th_wait_log(h, "exited: fw ", 10000));
	ck_assert(th_wait_log(h, "success: logs entered RUNNING", 10000));
	log = th_read(h, "fw.log", &loglen);
	ck_assert(log != NULL);
	for (i = 0; i < (int)loglen; i++)
		lines += log[i] == '\n';
	ck_assert_int_eq(lines, 300);
	acc = malloc(loglen + 1);
	ck_assert(acc != NULL);
	for (;;) {
		evs_load(h, "logs.out", v);
		alen = 0;
		for (i = 0; i < v->n; i++) {
			const struct ev *e = &v->e[i];
			const char *nl = memchr(e->data, '\n', e->dlen);

			ck_assert(nl != NULL);
			hl = (size_t)(nl - e->data) + 1;
			ck_assert_msg(e->data[e->dlen - 1] == '\n',
			    "event %d ends in the middle of a line", i);
			ck_assert(alen + e->dlen - hl <= loglen);
			memcpy(acc + alen, e->data + hl, e->dlen - hl);
			alen += e->dlen - hl;
		}
		if (alen == loglen)
			break;
		ck_assert(wait_ev_n(h, "logs.out", v, "PROCESS_LOG_STDOUT",
		    NULL, evs_count(v, "PROCESS_LOG_STDOUT") + 1, 10000));
	}
	ck_assert(memcmp(acc, log, loglen) == 0);
	free(acc);
	ck_assert(th_exited_ok(th_stop(h)));
	evs_clear(v);
	free(v);
	th_free(h);
}
END_TEST

/*
 * PROCESS_COMMUNICATION_STDOUT: with stdout_capture_maxbytes, what a
 * program writes between <!--XSUPERVISOR:BEGIN--> and
 * <!--XSUPERVISOR:END--> is one event "processname:P groupname:G
 * pid:N\n<data>", also when the tokens arrive in pieces; what is outside
 * goes to the log as usual.
 */
START_TEST(test_process_communication)
{
	struct th	*h = th_new();
	struct evs	*v = calloc(1, sizeof(*v));
	const char	*log;
	long		 pid;

	th_write(h, "comm.sh", "#!/bin/sh\n"
	    "printf 'before<!--XSUPERVISOR:BEGIN-->captured data"
	    "<!--XSUPERVISOR:END-->after\\n'\n"
	    "sleep 0.2\n"
	    "printf '<!--XSUPERVISOR:BEG'\n"
	    "sleep 0.2\n"
	    "printf 'IN-->split\\ndata<!--XSUPERVISOR:'\n"
	    "sleep 0.2\n"
	    "printf 'END-->tail\\n'\n"
	    "exec sleep 1000\n");
	ck_assert_int_eq(chmod(th_path(h, "comm.sh"), 0755), 0);
	/* With times in the log (ours), the tokens are found the same. */
	conf(h, NULL, _i == 0 ?
	    "[eventlistener:comm]\n"
	    "command=@HELPERS@/evrecord @DIR@/comm.out\n"
	    "events=PROCESS_COMMUNICATION\n\n"
	    "[program:talk]\ncommand=@DIR@/comm.sh\nstartsecs=0\n"
	    "stdout_logfile=@DIR@/talk.log\n"
	    "stdout_capture_maxbytes=1MB\n" :
	    "[eventlistener:comm]\n"
	    "command=@HELPERS@/evrecord @DIR@/comm.out\n"
	    "events=PROCESS_COMMUNICATION\n\n"
	    "[program:talk]\ncommand=@DIR@/comm.sh\nstartsecs=0\n"
	    "stdout_logfile=@DIR@/talk.log\nstdout_timestamps=true\n"
	    "stdout_capture_maxbytes=1MB\n");
	start(h);
	ck_assert(wait_ev_n(h, "comm.out", v, "PROCESS_COMMUNICATION_STDOUT",
	    NULL, 2, 10000));
	pid = spid(h, "talk", 0);
	ck_assert_int_eq(v->n, 2);
	ck_assert_str_eq(v->e[0].data, pl("processname:talk groupname:talk "
	    "pid:%ld\ncaptured data", pid));
	ck_assert_str_eq(v->e[1].data, pl("processname:talk groupname:talk "
	    "pid:%ld\nsplit\ndata", pid));
	ev_check_header(&v->e[0], "comm");
	ev_check_header(&v->e[1], "comm");
	ck_assert(th_wait_file(h, "talk.log", 5000));
	log = th_read(h, "talk.log", NULL);
	ck_assert(log != NULL);
	ck_assert_msg(strstr(log, "captured") == NULL, "log '%s'", log);
	ck_assert(strstr(log, "before") != NULL);
	/* "2026-12-05T22:54:12.714+00:00 before" */
	if (_i == 1)
		ck_assert_msg(strlen(log) > 36 && log[4] == '-' &&
		    log[10] == 'T' && log[19] == '.' && log[26] == ':' &&
		    strncmp(log + 29, " before", 7) == 0, "log '%s'", log);
	ck_assert(th_exited_ok(th_stop(h)));
	evs_clear(v);
	free(v);
	th_free(h);
}
END_TEST

/*
 * REMOTE_COMMUNICATION: supervisor.sendRemoteCommEvent(type, data) over
 * XML-RPC returns true and sends "type:T\nDATA" to the pools subscribed.
 */
START_TEST(test_remote_communication)
{
	struct th	*h = th_new();
	struct evs	*v = calloc(1, sizeof(*v));
	const char	*r;

	conf(h, NULL,
	    "[eventlistener:rc]\n"
	    "command=@HELPERS@/evrecord @DIR@/rc.out\n"
	    "events=REMOTE_COMMUNICATION\n");
	start(h);
	ck_assert(th_wait_log(h, "success: rc entered RUNNING", 10000));
	r = rpc(h, "supervisor.sendRemoteCommEvent",
	    "<param><value><string>mytype</string></value></param>\n"
	    "<param><value><string>hello\nworld</string></value></param>\n");
	ck_assert_msg(strstr(r, "<boolean>1</boolean>") != NULL, "%s", r);
	ck_assert(wait_ev(h, "rc.out", v, "REMOTE_COMMUNICATION", NULL,
	    10000));
	ck_assert_int_eq(v->n, 1);
	ck_assert_str_eq(v->e[0].data, "type:mytype\nhello\nworld");
	ev_check_header(&v->e[0], "rc");
	ck_assert_int_eq(v->e[0].len, 23);
	ck_assert_int_eq(v->e[0].serial, 0);
	ck_assert(th_exited_ok(th_stop(h)));
	evs_clear(v);
	free(v);
	th_free(h);
}
END_TEST

/* The Python listener: every event's headers and payload, as
 * childutils.listener.wait() returns them, into @DIR@/py.out. */
static const char pylistener[] =
	"import sys\n"
	"from supervisor import childutils\n"
	"while True:\n"
	"    headers, payload = childutils.listener.wait(sys.stdin, "
	"sys.stdout)\n"
	"    with open('@DIR@/py.out', 'ab') as f:\n"
	"        f.write(('%s len:%s\\n%s\\n--end--\\n' % "
	"(headers['eventname'], headers['len'], payload)).encode('utf-8'))\n"
	"    childutils.listener.ok(sys.stdout)\n";

static bool
py_got_remote(struct th *h, void *arg)
{
	const char	*py = th_read(h, "py.out", NULL);

	(void)arg;
	return py != NULL && strstr(py, "REMOTE_COMMUNICATION") != NULL;
}

static bool
have_python_supervisor(const char *test)
{
	int	 status;
	pid_t	 pid;

	if (access(PYTHON, X_OK) == 0) {
		if ((pid = fork()) == 0) {
			int fd = open("/dev/null", O_WRONLY);

			dup2(fd, 1);
			dup2(fd, 2);
			execl(PYTHON, "python3", "-c", "import supervisor."
			    "childutils", (char *)NULL);
			_exit(127);
		}
		status = th_wait_child(pid, 20000);
		if (th_exited_ok(status))
			return true;
	}
	th_skip_at(test, "supervisor", "%s cannot import supervisor."
	    "childutils", PYTHON);
	return false;
}

/*
 * A non-ASCII PROCESS_LOG payload ("déjà vu\n", 8 code points, 10 bytes)
 * and REMOTE_COMMUNICATION "déjà vu": len: counts code points, as
 * supervisor 4.2.5 sends it; a blen:, if the daemon sends one, counts
 * bytes, and evrecord, reading bytes, uses it; a Python listener using
 * supervisor.childutils gets the exact payload.
 */
START_TEST(test_non_ascii_payload)
{
	struct th	*h = th_new();
	struct evs	*v = calloc(1, sizeof(*v));
	const char	*r, *py;
	char		 want[256];
	long		 pid;
	int		 i;

	if (!have_python_supervisor(__func__)) {
		free(v);
		th_free(h);
		return;
	}
	th_write(h, "deja.sh", "#!/bin/sh\n"
	    "printf 'd\\303\\251j\\303\\240 vu\\n'\n"
	    "exec sleep 1000\n");
	ck_assert_int_eq(chmod(th_path(h, "deja.sh"), 0755), 0);
	th_write(h, "pylistener.py", pylistener);
	conf(h, NULL,
	    "[eventlistener:rec]\n"
	    "command=@HELPERS@/evrecord @DIR@/rec.out\n"
	    "events=PROCESS_LOG,REMOTE_COMMUNICATION\n\n"
	    "[eventlistener:py]\n"
	    "command=" PYTHON " @DIR@/pylistener.py\n"
	    "environment=PYTHONIOENCODING=utf-8\n"
	    "events=PROCESS_LOG,REMOTE_COMMUNICATION\n\n"
	    "[program:deja]\ncommand=@DIR@/deja.sh\nstartsecs=0\n"
	    "stdout_events_enabled=true\n");
	start(h);
	ck_assert(wait_ev(h, "rec.out", v, "PROCESS_LOG_STDOUT", NULL,
	    10000));
	pid = spid(h, "deja", 0);
	snprintf(want, sizeof(want), "processname:deja groupname:deja "
	    "pid:%ld channel:stdout\nd\303\251j\303\240 vu\n", pid);
	ck_assert_str_eq(v->e[0].data, want);
	ck_assert_int_eq(v->e[0].len, (long)strlen(want) - 2);
	if (v->e[0].blen != -1)
		ck_assert_int_eq(v->e[0].blen, (long)strlen(want));
	ev_check_header(&v->e[0], "rec");
	ck_assert(th_wait_log(h, "success: py entered RUNNING", 10000));
	r = rpc(h, "supervisor.sendRemoteCommEvent",
	    "<param><value><string>mytype</string></value></param>\n"
	    "<param><value><string>d\303\251j\303\240 vu</string></value>"
	    "</param>\n");
	ck_assert_msg(strstr(r, "<boolean>1</boolean>") != NULL, "%s", r);
	ck_assert(wait_ev(h, "rec.out", v, "REMOTE_COMMUNICATION",
	    "type:mytype\nd\303\251j\303\240 vu", 10000));
	i = evs_must(v, 0, "REMOTE_COMMUNICATION", NULL);
	ck_assert_int_eq(v->e[i].len, 19);
	if (v->e[i].blen != -1)
		ck_assert_int_eq(v->e[i].blen, 21);
	ev_check_header(&v->e[i], "rec");
	/* And the childutils listener: both, exact, and still answering. */
	ck_assert(th_wait(h, py_got_remote, NULL, 10000));
	py = th_read(h, "py.out", NULL);
	snprintf(want, sizeof(want), "PROCESS_LOG_STDOUT len:%zu\n"
	    "processname:deja groupname:deja pid:%ld channel:stdout\n"
	    "d\303\251j\303\240 vu\n\n--end--\n"
	    "REMOTE_COMMUNICATION len:19\ntype:mytype\nd\303\251j\303\240 vu"
	    "\n--end--\n", strlen(v->e[0].data) - 2, pid);
	ck_assert_msg(py != NULL && strcmp(py, want) == 0, "py.out: '%s'",
	    py != NULL ? py : "(none)");
	ck_assert(th_exited_ok(th_stop(h)));
	evs_clear(v);
	free(v);
	th_free(h);
}
END_TEST

/*
 * A shell listener that, on PROCESS_STATE_FATAL, kills the daemon by its
 * pidfile (kill $(cat pidfile)): the daemon shuts down in order (the
 * other program stopped, the listener last) and exits 0.
 */
START_TEST(test_shell_listener_kills_daemon_on_fatal)
{
	struct th	*h = th_new();
	int		 status;

	th_write(h, "fatal.sh", "#!/bin/sh\n"
	    "printf 'READY\\n'\n"
	    "while read -r hdr; do\n"
	    "    len=${hdr##*len:}; len=${len%% *}\n"
	    "    dd bs=1 count=$len of=/dev/null 2>/dev/null\n"
	    "    case \"$hdr\" in *eventname:PROCESS_STATE_FATAL*)\n"
	    "        echo \"$hdr\" >>@DIR@/fatal.seen\n"
	    "        kill $(cat @DIR@/supervisord.pid);;\n"
	    "    esac\n"
	    "    printf 'RESULT 2\\nOK'\n"
	    "    printf 'READY\\n'\n"
	    "done\n");
	ck_assert_int_eq(chmod(th_path(h, "fatal.sh"), 0755), 0);
	conf(h, NULL,
	    "[eventlistener:watch]\n"
	    "command=@DIR@/fatal.sh\n"
	    "events=PROCESS_STATE_FATAL\n\n"
	    "[program:a]\ncommand=/bin/sleep 1000\nstartsecs=0\n\n"
	    "[program:crash]\ncommand=/bin/false\nstartsecs=1\n"
	    "startretries=0\n");
	start(h);
	status = th_wait_exit(h, 20000);
	ck_assert_msg(status != -1, "the daemon is still running");
	ck_assert(th_exited_ok(status));
	ck_assert(th_file_line(h, "fatal.seen", "eventname:"
	    "PROCESS_STATE_FATAL") == 1);
	ck_assert_int_gt(th_file_line(h, "supervisord.log",
	    "gave up: crash entered FATAL"), 0);
	ck_assert_int_gt(th_file_line(h, "supervisord.log", "stopped: a "),
	    th_file_line(h, "supervisord.log", "gave up: crash entered FATAL"));
	ck_assert_int_gt(th_file_line(h, "supervisord.log", "stopped: watch "),
	    th_file_line(h, "supervisord.log", "stopped: a "));
	th_free(h);
}
END_TEST

/*
 * A listener that answers "RESULT 4\nFAIL": the log says "rec: event was
 * rejected" (WARN) and the same event (same serial and poolserial) is
 * sent again; then the events go on in order.
 */
START_TEST(test_rejected_event_is_resent)
{
	struct th	*h = th_new();
	struct evs	*v = calloc(1, sizeof(*v));

	conf(h, NULL,
	    "[eventlistener:rec]\n"
	    "command=@HELPERS@/evrecord @DIR@/rec.out failonce\n"
	    "events=PROCESS_GROUP\n\n"
	    "[program:a]\ncommand=/bin/sleep 1000\nstartsecs=0\n");
	start(h);
	ck_assert(th_wait_log(h, "WARN rec: event was rejected", 10000));
	ck_assert(wait_ev(h, "rec.out", v, "PROCESS_GROUP_ADDED",
	    "groupname:a\n", 10000));
	ck_assert_int_eq(v->n, 3);
	ck_assert_str_eq(v->e[0].hdr, v->e[1].hdr);
	ck_assert_str_eq(v->e[0].data, "groupname:rec\n");
	ck_assert_str_eq(v->e[1].data, "groupname:rec\n");
	ck_assert_int_eq(v->e[0].serial, 0);
	ck_assert_int_eq(v->e[2].serial, 1);
	ck_assert_int_eq(v->e[2].poolserial, 1);
	ck_assert_int_eq(th_log_count(h, "event was rejected"), 1);
	ck_assert(th_exited_ok(th_stop(h)));
	evs_clear(v);
	free(v);
	th_free(h);
}
END_TEST

/*
 * A listener that writes something other than READY\n: it enters the
 * UNKNOWN state (supervisor's WARN line), gets no event, and is not
 * killed: it keeps running until it is stopped.
 */
START_TEST(test_protocol_violation_unknown_not_killed)
{
	struct th	*h = th_new();
	pid_t		 pid;

	conf(h, NULL,
	    "[eventlistener:bad]\n"
	    "command=@HELPERS@/evrecord @DIR@/bad.out garbage\n"
	    "events=PROCESS_STATE\n\n"
	    "[program:a]\ncommand=/bin/sleep 1000\nstartsecs=0\n");
	start(h);
	ck_assert(th_wait_log(h, "WARN bad: has entered the UNKNOWN state "
	    "and will no longer receive events, this usually indicates the "
	    "process violated the eventlistener protocol", 10000));
	ck_assert(th_wait_log(h, "success: bad entered RUNNING", 10000));
	pid = th_spawned_pid(h, "bad", 0);
	/* 1.5 s: startsecs is 1, a kill or a restart would show by then. */
	ck_assert(th_log_stays_below(h, "exited: bad", 1, 1500));
	ck_assert(th_alive(h, pid));
	ck_assert_int_eq(th_log_count(h, "spawned: 'bad'"), 1);
	ck_assert_int_eq(th_log_count(h, "has entered the UNKNOWN state"), 1);
	ck_assert(access(th_path(h, "bad.out"), F_OK) == -1);
	ck_assert(th_exited_ok(th_stop(h)));
	th_free(h);
}
END_TEST

/*
 * A result line whose length is not a number ("RESULT x\n"): the log
 * says "P: bad result line: 'RESULT x'" (WARN), P enters UNKNOWN, and
 * the event goes back to the pool, to be sent, with the same serial and
 * poolserial, to the pool's other process; the events that follow go to
 * that one too.
 */
START_TEST(test_bad_result_line_event_goes_to_other_process)
{
	struct th	*h = th_new();
	struct evs	*v = calloc(1, sizeof(*v));
	int		 i, n[3];

	conf(h, NULL,
	    "[eventlistener:rec]\n"
	    "command=@HELPERS@/evrecord @DIR@/rec.out badonce\n"
	    "process_name=%(program_name)s_%(process_num)d\n"
	    "numprocs=2\nstartsecs=0\n"
	    "events=PROCESS_GROUP\n\n"
	    "[program:a]\ncommand=/bin/sleep 1000\nstartsecs=0\n\n"
	    "[program:b]\ncommand=/bin/sleep 1000\nstartsecs=0\n");
	start(h);
	ck_assert(th_wait_log(h, ": bad result line: 'RESULT x'", 10000));
	ck_assert(wait_ev(h, "rec.out", v, "PROCESS_GROUP_ADDED",
	    "groupname:b\n", 10000));
	ck_assert_int_eq(th_log_count(h, "bad result line"), 1);
	ck_assert_int_eq(th_log_count(h, "has entered the UNKNOWN state"), 1);
	ck_assert(th_log_count(h, "WARN rec_0: bad result line: 'RESULT x'") +
	    th_log_count(h, "WARN rec_1: bad result line: 'RESULT x'") == 1);
	/*
	 * rec, a, b, and one of them twice: the two processes take events
	 * 0 and 1 at once, and whichever answers first answers badly (the
	 * helper's "once" is across both); that event comes back and goes
	 * to the one that answers.
	 */
	ck_assert_int_eq(v->n, 4);
	memset(n, 0, sizeof(n));
	for (i = 0; i < v->n; i++) {
		ck_assert(v->e[i].serial >= 0 && v->e[i].serial < 3);
		ck_assert_int_eq(v->e[i].poolserial, v->e[i].serial);
		ev_check_header(&v->e[i], "rec");
		n[v->e[i].serial]++;
		if (v->e[i].serial == 0)
			ck_assert_str_eq(v->e[i].data, "groupname:rec\n");
	}
	ck_assert_int_eq((n[0] == 2) + (n[1] == 2) + (n[2] == 2), 1);
	ck_assert_int_eq(n[0] + n[1] + n[2], 4);
	ck_assert(n[0] >= 1 && n[1] >= 1 && n[2] >= 1);
	ck_assert(th_exited_ok(th_stop(h)));
	evs_clear(v);
	free(v);
	th_free(h);
}
END_TEST

/*
 * A listener that dies while BUSY (it read an event and exits without an
 * answer): the event goes back to the pool's buffer and the restarted
 * listener gets it, with the same serial and poolserial.
 */
START_TEST(test_listener_dies_busy_event_resent)
{
	struct th	*h = th_new();
	struct evs	*v = calloc(1, sizeof(*v));

	conf(h, NULL,
	    "[eventlistener:rec]\n"
	    "command=@HELPERS@/evrecord @DIR@/rec.out dieonce\n"
	    "events=PROCESS_GROUP\nstartsecs=0\n\n"
	    "[program:a]\ncommand=/bin/sleep 1000\nstartsecs=0\n");
	start(h);
	ck_assert(th_wait_log(h, "exited: rec (exit status 3", 10000));
	ck_assert(wait_ev(h, "rec.out", v, "PROCESS_GROUP_ADDED",
	    "groupname:a\n", 10000));
	ck_assert_int_eq(th_log_count(h, "spawned: 'rec'"), 2);
	ck_assert_int_eq(v->n, 3);
	ck_assert_str_eq(v->e[0].hdr, v->e[1].hdr);
	ck_assert_str_eq(v->e[1].data, "groupname:rec\n");
	ck_assert_int_eq(v->e[1].serial, 0);
	ck_assert_int_eq(v->e[2].serial, 1);
	ck_assert(th_exited_ok(th_stop(h)));
	evs_clear(v);
	free(v);
	th_free(h);
}
END_TEST

/*
 * buffer_size=2 and a listener that never answers: events beyond the
 * buffer are discarded, oldest first, and the log says "pool rec event
 * buffer overflowed" (supervisor logs each discarded serial; ours may
 * log once per episode with a count: matched loosely).
 */
START_TEST(test_buffer_overflow)
{
	struct th	*h = th_new();
	const char	*out;

	conf(h, NULL,
	    "[eventlistener:rec]\n"
	    "command=@HELPERS@/evrecord @DIR@/rec.out hang\n"
	    "events=PROCESS_STATE\nbuffer_size=2\n\n"
	    "[program:a]\ncommand=/bin/sleep 1000\nstartsecs=0\n\n"
	    "[program:b]\ncommand=/bin/sleep 1000\nstartsecs=0\n\n"
	    "[program:c]\ncommand=/bin/sleep 1000\nstartsecs=0\n");
	start(h);
	ck_assert(th_wait_log(h, "pool rec event buffer overflowed", 10000));
	/* The daemon still answers. */
	ck_assert_int_eq(ctl(h, &out, "stop", "a", NULL), 0);
	ck_assert_str_eq(out, "a: stopped\n");
	ck_assert(th_exited_ok(th_stop(h)));
	th_free(h);
}
END_TEST

/*
 * A listener that never answers and one that floods its stdout do not
 * stall the daemon nor another pool: supervisorctl stop and start of a
 * program answer at once, and a third pool gets those events.
 */
START_TEST(test_stuck_listeners_stall_nothing)
{
	struct th	*h = th_new();
	struct evs	*v = calloc(1, sizeof(*v));
	const char	*out;
	long long	 t0;

	conf(h, NULL,
	    "[eventlistener:hang]\n"
	    "command=@HELPERS@/evrecord @DIR@/hang.out hang\n"
	    "events=PROCESS_STATE\nbuffer_size=5\n\n"
	    "[eventlistener:flood]\n"
	    "command=@HELPERS@/evrecord @DIR@/flood.out flood\n"
	    "events=PROCESS_STATE\nstdout_logfile=NONE\n\n"
	    "[eventlistener:ok]\n"
	    "command=@HELPERS@/evrecord @DIR@/ok.out\n"
	    "events=PROCESS_STATE\n\n"
	    "[program:a]\ncommand=/bin/sleep 1000\nstartsecs=0\n");
	start(h);
	ck_assert(wait_ev(h, "ok.out", v, "PROCESS_STATE_RUNNING",
	    "processname:ok *", 10000));
	ck_assert(th_wait_log(h, "flood: has entered the UNKNOWN state",
	    10000));
	t0 = th_now_ms();
	ck_assert_int_eq(ctl(h, &out, "stop", "a", NULL), 0);
	ck_assert_str_eq(out, "a: stopped\n");
	ck_assert_int_eq(ctl(h, &out, "start", "a", NULL), 0);
	ck_assert_str_eq(out, "a: started\n");
	ck_assert_msg(th_now_ms() - t0 < 5000, "stop and start took %lld ms",
	    th_now_ms() - t0);
	ck_assert(wait_ev(h, "ok.out", v, "PROCESS_STATE_STOPPED",
	    "processname:a *", 5000));
	ck_assert(wait_ev(h, "ok.out", v, "PROCESS_STATE_RUNNING",
	    pl("processname:a groupname:a from_state:STARTING pid:%ld",
	    spid(h, "a", 1)), 5000));
	ck_assert(th_exited_ok(th_stop(h)));
	evs_clear(v);
	free(v);
	th_free(h);
}
END_TEST

static long
ctxt_switches(struct th *h, pid_t pid)
{
	const char	*s;

	s = th_proc_status(h, pid, "voluntary_ctxt_switches");

	ck_assert(s != NULL);
	return strtol(s, NULL, 10);
}

/*
 * With listeners but none subscribed to TICK, an idle daemon makes no
 * timer wakeup: its voluntary context switches (/proc/PID/status) do not
 * move over 2 s.  (Python supervisord wakes every second; this is ours.)
 */
START_TEST(test_no_wakeup_without_tick_listener)
{
	struct th	*h = th_new();
	long		 before;

	conf(h, NULL,
	    "[eventlistener:rec]\n"
	    "command=@HELPERS@/evrecord @DIR@/rec.out\n"
	    "events=PROCESS_STATE,PROCESS_LOG\n\n"
	    "[program:a]\ncommand=/bin/sleep 1000\nstartsecs=0\n");
	start(h);
	ck_assert(th_wait_log(h, "success: rec entered RUNNING", 10000));
	ck_assert(th_wait_log(h, "success: a entered RUNNING", 10000));
	/* Let the listener take what was buffered. */
	ck_assert(th_log_stays_below(h, "rec: ", 1, 300));
	before = ctxt_switches(h, th_pid(h));
	/* 2 s: a timer of 1 s (or TICK_5's, less than 5 s away) would show
	 * at least once in 5 s; 2 s is the budget the other no-wakeup
	 * tests use. */
	ck_assert(th_log_stays_below(h, "rec: ", 1, 2000));
	ck_assert_int_eq(ctxt_switches(h, th_pid(h)), before);
	ck_assert(th_exited_ok(th_stop(h)));
	th_free(h);
}
END_TEST

/*
 * A listener group added while the daemon runs (supervisorctl reread and
 * add, as Python's supervisorctl update does through addProcessGroup)
 * takes the events its own section names, from the configuration read
 * again, not the one the daemon started with.
 */
START_TEST(test_listener_added_by_ctl_gets_events)
{
	struct th	*h = th_new();
	struct evs	*v = calloc(1, sizeof(*v));
	const char	*out;

	conf(h, NULL,
	    "[program:a]\ncommand=/bin/sleep 1000\nstartsecs=0\n");
	start(h);
	ck_assert(th_wait_log(h, "success: a entered RUNNING", 10000));
	conf(h, NULL,
	    "[program:a]\ncommand=/bin/sleep 1000\nstartsecs=0\n\n"
	    "[eventlistener:rec]\n"
	    "command=@HELPERS@/evrecord @DIR@/rec.out\n"
	    "events=REMOTE_COMMUNICATION\nbuffer_size=3\nstartsecs=0\n");
	ck_assert_int_eq(ctl(h, &out, "reread", NULL), 0);
	ck_assert_int_eq(ctl(h, &out, "add", "rec", NULL), 0);
	ck_assert_str_eq(out, "rec: added process group\n");
	ck_assert(th_wait_log(h, "success: rec entered RUNNING", 10000));
	out = rpc(h, "supervisor.sendRemoteCommEvent",
	    "<param><value><string>t</string></value></param>\n"
	    "<param><value><string>hello</string></value></param>\n");
	ck_assert_ptr_nonnull(strstr(out, "<boolean>1</boolean>"));
	ck_assert(wait_ev(h, "rec.out", v, "REMOTE_COMMUNICATION",
	    "type:t\nhello", 10000));
	ck_assert_int_eq(th_log_count(h, "takes no event"), 0);
	ck_assert(th_exited_ok(th_stop(h)));
	evs_clear(v);
	free(v);
	th_free(h);
}
END_TEST

/*
 * A reload that makes a listener a plain program (same group and name:
 * a spawn change) leaves its pool: the program gets no envelope on its
 * stdin; a reload that then removes it leaves nothing behind that a
 * later event could reach.
 */
START_TEST(test_listener_becomes_a_program_on_reload)
{
	struct th	*h = th_new();
	struct evs	*v = calloc(1, sizeof(*v));
	static const char other[] =
	    "[eventlistener:other]\n"
	    "command=@HELPERS@/evrecord @DIR@/other.out\n"
	    "events=REMOTE_COMMUNICATION\nstartsecs=0\n\n";
	static const char *const words[] = { "one", "two", "three" };
	const char	*out, *cat;
	char		 params[256];
	int		 i;

	conf(h, "loglevel=debug\n", pl("%s[eventlistener:x]\n"
	    "command=@HELPERS@/evrecord @DIR@/x.out\n"
	    "events=REMOTE_COMMUNICATION\nstartsecs=0\n", other));
	start(h);
	/* Both READY: the first event goes to each at once. */
	ck_assert(th_wait_log(h, "x: ACKNOWLEDGED -> READY", 10000));
	ck_assert(th_wait_log(h, "other: ACKNOWLEDGED -> READY", 10000));
	for (i = 0; i < 3; i++) {
		if (i == 1) {
			conf(h, "loglevel=debug\n", pl("%s[program:x]\n"
			    "command=sh -c 'exec cat > @DIR@/cat.out'\n"
			    "startsecs=0\n", other));
			ck_assert_int_eq(th_signal(h, SIGHUP), 0);
			ck_assert(th_wait_log_n(h, "success: x entered RUNNING",
			    2, 10000));
		} else if (i == 2) {
			conf(h, "loglevel=debug\n", other);
			ck_assert_int_eq(th_signal(h, SIGHUP), 0);
			ck_assert(th_wait_log(h, "1 removed", 10000));
		}
		snprintf(params, sizeof(params),
		    "<param><value><string>t</string></value></param>\n"
		    "<param><value><string>%s</string></value></param>\n",
		    words[i]);
		out = rpc(h, "supervisor.sendRemoteCommEvent", params);
		ck_assert_ptr_nonnull(strstr(out, "<boolean>1</boolean>"));
		ck_assert(wait_ev(h, "other.out", v, "REMOTE_COMMUNICATION",
		    pl("type:t\n%s", words[i]), 10000));
	}
	/* x, a listener, had the first; the program x none. */
	ck_assert(wait_ev(h, "x.out", v, "REMOTE_COMMUNICATION",
	    "type:t\none", 10000));
	ck_assert_int_eq(v->n, 1);
	cat = th_read(h, "cat.out", NULL);
	ck_assert_ptr_nonnull(cat);
	ck_assert_str_eq(cat, "");
	ck_assert(th_exited_ok(th_stop(h)));
	evs_clear(v);
	free(v);
	th_free(h);
}
END_TEST

/*
 * An event one listener rejects goes at once to another READY listener
 * of the pool, without waiting for the first to say READY again (it
 * never does here) or for another event to come.
 */
START_TEST(test_rejected_event_goes_to_a_ready_sibling)
{
	struct th	*h = th_new();
	struct evs	*v = calloc(1, sizeof(*v));
	const char	*out;
	int		 i, got = 0;

	conf(h, NULL,
	    "[eventlistener:rec]\n"
	    "command=@HELPERS@/evrecord @DIR@/rec.out failstall\n"
	    "process_name=%(program_name)s_%(process_num)d\n"
	    "numprocs=2\nstartsecs=0\n"
	    "events=REMOTE_COMMUNICATION\n");
	start(h);
	ck_assert(th_wait_log(h, "success: rec_0 entered RUNNING", 10000));
	ck_assert(th_wait_log(h, "success: rec_1 entered RUNNING", 10000));
	out = rpc(h, "supervisor.sendRemoteCommEvent",
	    "<param><value><string>t</string></value></param>\n"
	    "<param><value><string>once</string></value></param>\n");
	ck_assert_ptr_nonnull(strstr(out, "<boolean>1</boolean>"));
	ck_assert(th_wait_log(h, "event was rejected", 10000));
	/* Both processes record into rec.out: the event twice, same
	 * serials, within the wait (the rejecting one stalls for good). */
	ck_assert(wait_ev_n(h, "rec.out", v, "REMOTE_COMMUNICATION",
	    "type:t\nonce", 2, 5000));
	for (i = 0; i < v->n; i++) {
		ev_check_header(&v->e[i], "rec");
		ck_assert_int_eq(v->e[i].serial, 0);
		ck_assert_int_eq(v->e[i].poolserial, 0);
		got++;
	}
	ck_assert_int_eq(got, 2);
	ck_assert(th_exited_ok(th_stop(h)));
	evs_clear(v);
	free(v);
	th_free(h);
}
END_TEST

/*
 * Names of any length: a process name of 600 characters makes state
 * events whose payload has it whole, with len: its length.
 */
START_TEST(test_long_names_whole_in_payloads)
{
	struct th	*h = th_new();
	struct evs	*v = calloc(1, sizeof(*v));
	char		 name[601], want[1400];

	memset(name, 'p', 600);
	name[600] = '\0';
	conf(h, NULL, pl("[eventlistener:rec]\n"
	    "command=@HELPERS@/evrecord @DIR@/rec.out\n"
	    "events=PROCESS_STATE_EXITED\nstartsecs=0\n\n"
	    "[program:%s]\ncommand=/bin/sh -c 'sleep 0.3'\nstartsecs=0\n"
	    "autorestart=false\nstdout_logfile=NONE\nstderr_logfile=NONE\n",
	    name));
	start(h);
	ck_assert(th_wait_log(h, "exited: ppp", 10000));
	snprintf(want, sizeof(want), "processname:%s groupname:%s "
	    "from_state:RUNNING expected:1 pid:%ld", name, name,
	    spid(h, name, 0));
	ck_assert(wait_ev(h, "rec.out", v, "PROCESS_STATE_EXITED", want,
	    10000));
	ck_assert_int_eq(v->e[0].len, (long)strlen(want));
	ck_assert(th_exited_ok(th_stop(h)));
	evs_clear(v);
	free(v);
	th_free(h);
}
END_TEST

Suite *
events_suite(void)
{
	Suite	*s = suite_create("events");
	TCase	*tc;

	tc = th_tcase("events_state", 60);
	tcase_add_test(tc, test_state_events_startup_to_shutdown);
	tcase_add_test(tc, test_parent_subscription_and_serials);
	tcase_add_test(tc, test_tick_5);
	suite_add_tcase(s, tc);
	tc = th_tcase("events_groups", 60);
	tcase_add_test(tc, test_group_added_removed_by_ctl);
	tcase_add_test(tc, test_group_added_removed_by_sighup);
	tcase_add_test(tc, test_listener_added_by_ctl_gets_events);
	tcase_add_test(tc, test_listener_becomes_a_program_on_reload);
	tcase_add_test(tc, test_long_names_whole_in_payloads);
	suite_add_tcase(s, tc);
	tc = th_tcase("events_output", 60);
	tcase_add_loop_test(tc, test_process_log_events, 0, 2);
	tcase_add_test(tc, test_process_log_whole_lines);
	tcase_add_loop_test(tc, test_process_communication, 0, 2);
	tcase_add_test(tc, test_remote_communication);
	tcase_add_test(tc, test_non_ascii_payload);
	suite_add_tcase(s, tc);
	tc = th_tcase("events_failures", 60);
	tcase_add_test(tc, test_shell_listener_kills_daemon_on_fatal);
	tcase_add_test(tc, test_rejected_event_is_resent);
	tcase_add_test(tc, test_rejected_event_goes_to_a_ready_sibling);
	tcase_add_test(tc, test_protocol_violation_unknown_not_killed);
	tcase_add_test(tc, test_bad_result_line_event_goes_to_other_process);
	tcase_add_test(tc, test_listener_dies_busy_event_resent);
	tcase_add_test(tc, test_buffer_overflow);
	tcase_add_test(tc, test_stuck_listeners_stall_nothing);
	tcase_add_test(tc, test_no_wakeup_without_tick_listener);
	suite_add_tcase(s, tc);
	return s;
}
