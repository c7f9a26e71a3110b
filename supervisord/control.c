/*
 * control: the unix control socket and supervisorctl's commands, served
 * from the daemon's one loop.  Each client is one non-blocking connection
 * with bounded buffers: it sends at most an "auth" line and one request
 * line; the answer is a series of frames, then a status line, then the
 * daemon closes the connection (see supervisorctl(1), PROTOCOL):
 *
 *	o TEXT		a line for the client's standard output
 *	d N		N raw bytes follow (log contents) for standard output
 *	. N		the end: the client exits with status N
 *
 * Answers use supervisorctl 4.2.5's words and exit codes, computed here,
 * so that the client only prints.  start, stop and restart answer when the
 * processes have got where they were sent (RUNNING, at rest), as
 * supervisor's startProcess and stopProcess with wait=True.
 */
#include <sys/queue.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/un.h>

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <ev.h>

#include "libproc/reap.h"
#include "libproc/signame.h"
#include "libproc/split.h"
#include "supervisord/config.h"
#include "supervisord/control.h"
#include "supervisord/log.h"
#include "supervisord/output.h"
#include "supervisord/program.h"
#include "supervisord/reload.h"
#include "supervisord/status.h"
#include "supervisord/supervisor.h"
#include "supervisord/version.h"

#define CTL_INMAX	8192		/* the request lines, together */
#define CTL_OUTMAX	(16 << 20)	/* one answer, at most */
#define CTL_TAILHIGH	(256 << 10)	/* tail -f: pause reading above */
#define CTL_MAXCLIENTS	256
#define CTL_REQ_SECS	30.		/* to send the request, at most */
#define CTL_TAIL_DEFAULT 1600
#define CTL_TAILF_HEAD	1024

/* supervisor's xmlrpc Faults, as far as the answers tell them apart. */
enum ctl_fault {
	F_SUCCESS = 0,
	F_PENDING,
	F_BAD_NAME,
	F_NO_FILE,
	F_NOT_EXECUTABLE,
	F_ALREADY_STARTED,
	F_SPAWN_ERROR,
	F_ABNORMAL,
	F_NOT_RUNNING,
	F_BAD_SIGNAL,
	F_FAILED,
	F_MSG			/* spec holds the whole line */
};

struct ctl_item {
	struct sv_program *p;		/* NULL once settled or gone */
	char		*spec;		/* namespec, or the line (F_MSG) */
	enum ctl_fault	 fault;
	int		 code;		/* exit status of an F_MSG line */
	unsigned	 batch;		/* one per name given, as supervisorctl
					   asks for them one after another */
	unsigned long	 seq;		/* when it settled (see items_settle) */
	size_t		 idx;		/* asked for in this order */
};

enum ctl_wait {
	W_NONE = 0,
	W_START,
	W_STOP
};

struct ctl_client {
	LIST_ENTRY(ctl_client) entry;
	int		 fd;
	ev_io		 rio;
	ev_io		 wio;
	ev_timer	 reqtimer;
	uid_t		 uid;
	pid_t		 pid;
	char		 in[CTL_INMAX];
	size_t		 inlen;
	bool		 authed;
	bool		 busy;		/* a request is being answered */
	bool		 ending;	/* close once the output is written */
	char		*out;
	size_t		 outlen, outoff, outcap;
	int		 status;	/* exit status so far */

	enum ctl_wait	 wait;
	bool		 restart;	/* start the names after the stops */
	char		*restart_args;	/* the names, for the start */
	struct ctl_item	*items;
	size_t		 nitems;
	unsigned	 batch;
	ev_tstamp	 t0;		/* when the request came */

	bool		 tailing;	/* tail -f / maintail -f */
	char		*tpath;
	int		 tfd;
	off_t		 toff;
	ino_t		 tino;
	ev_stat		 tstat;
};

static LIST_HEAD(, ctl_client) clients = LIST_HEAD_INITIALIZER(clients);
static size_t	 nclients;
static int	 lfd = -1;		/* the listening socket */
static char	*lpath;			/* where it is */
static char	*lurl;			/* unix://lpath */
static dev_t	 ldev;
static ino_t	 lino;
static ev_io	 accept_io;
static struct ev_loop *loop;
static struct supervisor *sup;	/* the daemon's, from ctl_start */
static ev_prepare kick;
static bool	 kick_init;


static void	client_close(struct ctl_client *);
static void	client_flush(struct ctl_client *);
static void	run_start(struct ctl_client *, char **, size_t);
static void	tail_pump(struct ctl_client *);
static unsigned long settle_tick(const struct ctl_client *);

/* The socket. */

static int
set_err(char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int
set_err(char *err, size_t errlen, const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return -1;
}

/* chown= as supervisor reads it: "user" or "user:group". */
static int
parse_owner(const char *spec, uid_t *uid, gid_t *gid, char *err,
    size_t errlen)
{
	struct passwd	*pw;
	struct group	*gr;
	char		*user, *colon;
	int		 rc = 0;

	if ((user = strdup(spec)) == NULL)
		return set_err(err, errlen, "out of memory");
	if ((colon = strchr(user, ':')) != NULL)
		*colon++ = '\0';
	if ((pw = getpwnam(user)) == NULL) {
		rc = set_err(err, errlen, "Invalid user name %s", user);
		goto out;
	}
	*uid = pw->pw_uid;
	*gid = pw->pw_gid;
	if (colon != NULL) {
		if ((gr = getgrnam(colon)) == NULL) {
			rc = set_err(err, errlen, "Invalid group name %s",
			    colon);
			goto out;
		}
		*gid = gr->gr_gid;
	}
out:
	free(user);
	return rc;
}

static int
sun_set(struct sockaddr_un *sun, const char *path)
{
	memset(sun, 0, sizeof(*sun));
	sun->sun_family = AF_UNIX;
	if (strlen(path) >= sizeof(sun->sun_path)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	memcpy(sun->sun_path, path, strlen(path) + 1);
	return 0;
}

/* Does a live daemon answer at path?  1 yes, 0 no (stale), -1 error. */
static int
socket_live(const char *path)
{
	struct sockaddr_un sun;
	int	 fd, rc;

	if (sun_set(&sun, path) == -1)
		return -1;
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1)
		return -1;
	rc = connect(fd, (struct sockaddr *)&sun, sizeof(sun));
	close(fd);
	if (rc == 0)
		return 1;
	if (errno == ECONNREFUSED)
		return 0;
	return -1;
}

int
ctl_open(const struct cfg *c, char *err, size_t errlen)
{
	struct sockaddr_un sun;
	struct stat	 st;
	char		 tmp[sizeof(sun.sun_path) + 32];
	uid_t		 uid = (uid_t)-1;
	gid_t		 gid = (gid_t)-1;
	mode_t		 mask;
	int		 fd, live;

	if (c->unix_socket == NULL)
		return 0;
	if (c->unix_socket_owner != NULL &&
	    parse_owner(c->unix_socket_owner, &uid, &gid, err, errlen) == -1)
		return -1;
	snprintf(tmp, sizeof(tmp), "%s.%d.tmp", c->unix_socket,
	    (int)getpid());
	if (sun_set(&sun, tmp) == -1)
		return set_err(err, errlen, "the socket path %s is too long",
		    c->unix_socket);
	if (lstat(c->unix_socket, &st) == 0) {
		if (!S_ISSOCK(st.st_mode))
			return set_err(err, errlen, "%s exists and is not a "
			    "socket: not replacing it", c->unix_socket);
		if ((live = socket_live(c->unix_socket)) == 1)
			return set_err(err, errlen, "Another program is "
			    "already listening on a port that one of our HTTP "
			    "servers is configured to use.  Shut this program "
			    "down first before starting supervisord.");
		if (live == -1)
			return set_err(err, errlen, "couldn't check %s: %s",
			    c->unix_socket, strerror(errno));
		/* Stale: the rename below replaces it atomically. */
	}
	(void)unlink(tmp);
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
	    0)) == -1)
		return set_err(err, errlen, "socket: %s", strerror(errno));
	/* The mode is right from the moment the name exists. */
	mask = umask((mode_t)(~c->unix_socket_mode & 0777));
	if (bind(fd, (struct sockaddr *)&sun, sizeof(sun)) == -1) {
		umask(mask);
		set_err(err, errlen, "couldn't bind %s: %s", tmp,
		    strerror(errno));
		close(fd);
		return -1;
	}
	umask(mask);
	if ((c->unix_socket_owner != NULL && lchown(tmp, uid, gid) == -1) ||
	    chmod(tmp, (mode_t)c->unix_socket_mode) == -1 ||
	    listen(fd, 128) == -1 || rename(tmp, c->unix_socket) == -1 ||
	    stat(c->unix_socket, &st) == -1) {
		set_err(err, errlen, "couldn't set up %s: %s", c->unix_socket,
		    strerror(errno));
		(void)unlink(tmp);
		close(fd);
		return -1;
	}
	if ((lpath = strdup(c->unix_socket)) == NULL ||
	    asprintf(&lurl, "unix://%s", c->unix_socket) == -1) {
		free(lpath);
		lpath = lurl = NULL;
		(void)unlink(c->unix_socket);
		close(fd);
		return set_err(err, errlen, "out of memory");
	}
	ldev = st.st_dev;
	lino = st.st_ino;
	lfd = fd;
	return 0;
}

static void accept_cb(struct ev_loop *, ev_io *, int);

const char *
ctl_serverurl(void)
{
	return lurl;
}

void
ctl_start(struct supervisor *s)
{
	const char	*url;

	sup = s;
	loop = s->loop;
	url = s->cfg != NULL ? s->cfg->ctl_serverurl : NULL;
	if (url != NULL && strncmp(url, "unix://", 7) != 0)
		log_warnx("[supervisorctl] serverurl=%s: only a unix socket "
		    "([unix_http_server] file=) is served, no TCP or XML-RPC",
		    url);
	if (lfd == -1) {
		log_info("no [unix_http_server] file=: no control socket, "
		    "supervisorctl can't reach this daemon");
		return;
	}
	log_info("control socket %s ready", lpath);
	ev_io_init(&accept_io, accept_cb, lfd, EV_READ);
	ev_io_start(loop, &accept_io);
}

void
ctl_close(void)
{
	struct ctl_client *c;
	struct stat	 st;

	while ((c = LIST_FIRST(&clients)) != NULL)
		client_close(c);
	if (kick_init && loop != NULL)
		ev_prepare_stop(loop, &kick);
	if (lfd == -1)
		return;
	if (loop != NULL)
		ev_io_stop(loop, &accept_io);
	close(lfd);
	lfd = -1;
	/* Only our own: another daemon may have taken the name since. */
	if (stat(lpath, &st) == 0 && st.st_dev == ldev && st.st_ino == lino &&
	    unlink(lpath) == -1)
		log_warn("couldn't remove %s", lpath);
	free(lpath);
	free(lurl);
	lpath = lurl = NULL;
}

/* Output. */

static bool
out_room(struct ctl_client *c, size_t more)
{
	size_t	 cap;
	char	*n;

	if (c->outoff > 0 && c->outoff == c->outlen)
		c->outoff = c->outlen = 0;
	if (c->outlen + more <= c->outcap)
		return true;
	if (c->outlen - c->outoff + more > CTL_OUTMAX)
		return false;
	if (c->outoff > 0) {
		memmove(c->out, c->out + c->outoff, c->outlen - c->outoff);
		c->outlen -= c->outoff;
		c->outoff = 0;
		if (c->outlen + more <= c->outcap)
			return true;
	}
	cap = c->outcap ? c->outcap : 4096;
	while (cap < c->outlen + more)
		cap *= 2;
	if ((n = realloc(c->out, cap)) == NULL)
		return false;
	c->out = n;
	c->outcap = cap;
	return true;
}

static void
out_add(struct ctl_client *c, const void *buf, size_t len)
{
	if (!out_room(c, len))
		return;		/* past the bound: the answer is cut */
	memcpy(c->out + c->outlen, buf, len);
	c->outlen += len;
}

static void
emit(struct ctl_client *c, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* One output line ("o TEXT\n"); newlines inside become spaces. */
static void
emit(struct ctl_client *c, const char *fmt, ...)
{
	va_list	 ap;
	char	 sbuf[2048], *buf = sbuf, *s;
	int	 n;

	va_start(ap, fmt);
	n = vsnprintf(sbuf, sizeof(sbuf), fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n >= sizeof(sbuf)) {
		if ((buf = malloc((size_t)n + 1)) == NULL)
			return;
		va_start(ap, fmt);
		vsnprintf(buf, (size_t)n + 1, fmt, ap);
		va_end(ap);
	}
	for (s = buf; *s != '\0'; s++)
		if (*s == '\n' || *s == '\r')
			*s = ' ';
	out_add(c, "o ", 2);
	out_add(c, buf, (size_t)n);
	out_add(c, "\n", 1);
	if (buf != sbuf)
		free(buf);
}

static void
emit_data(struct ctl_client *c, const void *buf, size_t len)
{
	char	hdr[32];
	int	n;

	n = snprintf(hdr, sizeof(hdr), "d %zu\n", len);
	if (!out_room(c, (size_t)n + len))
		return;
	out_add(c, hdr, (size_t)n);
	out_add(c, buf, len);
}

/* The answer is complete: its status line, then close once written. */
static void
finish(struct ctl_client *c)
{
	char	buf[32];
	int	n;

	n = snprintf(buf, sizeof(buf), ". %d\n", c->status);
	/* The status line always fits: room was kept for it. */
	if (out_room(c, (size_t)n))
		out_add(c, buf, (size_t)n);
	c->ending = true;
	c->busy = false;
	client_flush(c);
}

/*
 * Write what is queued until the socket is full; a tail -f client then
 * gets more of its file, at most CTL_TAILHIGH a round and a few rounds a
 * call, so that one fast reader of a big file can't hold the loop.
 */
static void
client_flush(struct ctl_client *c)
{
	ssize_t	n;
	int	rounds = 0;

	for (;;) {
		while (c->outoff < c->outlen) {
			n = write(c->fd, c->out + c->outoff,
			    c->outlen - c->outoff);
			if (n == -1) {
				if (errno == EINTR)
					continue;
				if (errno == EAGAIN || errno == EWOULDBLOCK) {
					ev_io_start(loop, &c->wio);
					return;
				}
				/* The client went away. */
				client_close(c);
				return;
			}
			c->outoff += (size_t)n;
		}
		c->outoff = c->outlen = 0;
		if (c->ending) {
			client_close(c);
			return;
		}
		if (!c->tailing)
			break;
		if (++rounds > 4) {
			/* More later, when the socket says it's writable. */
			ev_io_start(loop, &c->wio);
			return;
		}
		tail_pump(c);
		if (c->outlen == 0)
			break;
	}
	ev_io_stop(loop, &c->wio);
}

static void
write_cb(struct ev_loop *l, ev_io *w, int revents)
{
	(void)l;
	(void)revents;
	client_flush(w->data);
}

static void
items_free(struct ctl_client *c)
{
	size_t	i;

	for (i = 0; i < c->nitems; i++)
		free(c->items[i].spec);
	free(c->items);
	c->items = NULL;
	c->nitems = 0;
}

static void
client_close(struct ctl_client *c)
{
	ev_io_stop(loop, &c->rio);
	ev_io_stop(loop, &c->wio);
	ev_timer_stop(loop, &c->reqtimer);
	if (c->tailing)
		ev_stat_stop(loop, &c->tstat);
	if (c->tfd != -1)
		close(c->tfd);
	free(c->tpath);
	close(c->fd);
	items_free(c);
	free(c->restart_args);
	free(c->out);
	LIST_REMOVE(c, entry);
	nclients--;
	free(c);
}

/* Items: the processes a start or stop waits on. */

static struct ctl_item *
item_add(struct ctl_client *c, struct sv_program *p, const char *spec,
    enum ctl_fault fault)
{
	struct ctl_item	*v, *it;

	if ((v = reallocarray(c->items, c->nitems + 1, sizeof(*v))) == NULL)
		return NULL;
	c->items = v;
	it = &v[c->nitems];
	memset(it, 0, sizeof(*it));
	if ((it->spec = strdup(spec)) == NULL)
		return NULL;
	c->nitems++;
	it->p = fault == F_PENDING ? p : NULL;
	it->fault = fault;
	it->batch = c->batch;
	it->idx = c->nitems - 1;
	it->seq = 0;
	return it;
}

static void
item_msg(struct ctl_client *c, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
item_msg(struct ctl_client *c, int code, const char *fmt, ...)
{
	struct ctl_item	*it;
	va_list		 ap;
	char		 buf[1024];

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if ((it = item_add(c, NULL, buf, F_MSG)) != NULL)
		it->code = code;
}

void
ctl_program_gone(void *arg, struct sv_program *p)
{
	struct ctl_client *c;
	size_t		 i;

	(void)arg;
	LIST_FOREACH(c, &clients, entry)
		for (i = 0; i < c->nitems; i++)
			if (c->items[i].p == p) {
				c->items[i].p = NULL;
				/* Removed while stopping: it is stopped. */
				c->items[i].fault = c->wait == W_STOP ?
				    F_SUCCESS : F_ABNORMAL;
				c->items[i].seq = settle_tick(c);
			}
}

/*
 * supervisor answers what settles at once first, then polls the others
 * every 50 ms, in the order asked: so do the ticks here.
 */
static unsigned long
settle_tick(const struct ctl_client *c)
{
	return 1 + (unsigned long)((ev_now(loop) - c->t0) / 0.05);
}

/* Settle what can be; true when nothing is pending any more. */
static bool
items_settle(struct ctl_client *c)
{
	struct ctl_item	*it;
	bool		 done = true;
	size_t		 i;

	for (i = 0; i < c->nitems; i++) {
		it = &c->items[i];
		if (it->fault != F_PENDING)
			continue;
		if (c->wait == W_START) {
			if (it->p->state == SV_RUNNING)
				it->fault = F_SUCCESS;
			else if (it->p->state == SV_STARTING)
				done = false;
			else if (it->p->spawnerr != NULL)
				it->fault = F_SPAWN_ERROR;
			else
				it->fault = F_ABNORMAL;
		} else {
			if (sv_at_rest(it->p))
				it->fault = F_SUCCESS;
			else
				done = false;
		}
		if (it->fault != F_PENDING) {
			/* supervisor has startsecs=0 RUNNING at once. */
			it->seq = it->fault == F_SUCCESS && c->wait == W_START &&
			    it->p->cfg->startsecs == 0 ? 0 : settle_tick(c);
			it->p = NULL;
		}
	}
	return done;
}

static int
item_cmp(const void *a, const void *b)
{
	const struct ctl_item *x = a, *y = b;

	if (x->batch != y->batch)
		return x->batch < y->batch ? -1 : 1;
	if (x->seq != y->seq)
		return x->seq < y->seq ? -1 : 1;
	return x->idx < y->idx ? -1 : x->idx > y->idx;
}

/*
 * supervisorctl's _startresult, _stopresult, _signalresult, in its
 * order: name after name, and inside "all" or a group as they settled.
 */
static void
items_report(struct ctl_client *c, const char *success)
{
	static const char *const why[] = {
		[F_BAD_NAME] = "no such process",
		[F_NO_FILE] = "no such file",
		[F_NOT_EXECUTABLE] = "file is not executable",
		[F_ALREADY_STARTED] = "already started",
		[F_SPAWN_ERROR] = "spawn error",
		[F_ABNORMAL] = "abnormal termination",
		[F_NOT_RUNNING] = "not running",
		[F_BAD_SIGNAL] = "bad signal name",
		[F_FAILED] = "failed",
	};
	struct ctl_item	*it;
	size_t		 i;

	if (c->nitems > 1)
		qsort(c->items, c->nitems, sizeof(*c->items), item_cmp);
	for (i = 0; i < c->nitems; i++) {
		it = &c->items[i];
		switch (it->fault) {
		case F_MSG:
			emit(c, "%s", it->spec);
			if (it->code != 0)
				c->status = it->code;
			continue;
		case F_SUCCESS:
			emit(c, "%s: %s", it->spec, success);
			continue;
		case F_PENDING:
			continue;
		default:
			emit(c, "%s: ERROR (%s)", it->spec, why[it->fault]);
			break;
		}
		/* set_exitstatus_from_xmlrpc_fault */
		if ((it->fault == F_ALREADY_STARTED && c->wait == W_START) ||
		    (it->fault == F_NOT_RUNNING && c->wait == W_STOP))
			continue;
		if (it->fault == F_SPAWN_ERROR || it->fault == F_ABNORMAL ||
		    it->fault == F_NOT_RUNNING)
			c->status = 7;
		else
			c->status = 1;
	}
}

/* A waiting request may be done: answer it, or go on to its starts. */
static void
client_check(struct ctl_client *c)
{
	char	**argv;
	const char *why;
	size_t	  argc;

	if (c->wait == W_NONE || !items_settle(c))
		return;
	items_report(c, c->wait == W_START ? "started" : "stopped");
	items_free(c);
	if (c->wait == W_STOP && c->restart) {
		c->restart = false;
		if (proc_split(c->restart_args, &argv, &argc, &why) == 0) {
			run_start(c, argv, argc);
			proc_split_free(argv);
			return;
		}
	}
	c->wait = W_NONE;
	finish(c);
}

static void
kick_cb(struct ev_loop *l, ev_prepare *w, int revents)
{
	struct ctl_client *c, *next;

	(void)revents;
	ev_prepare_stop(l, w);
	for (c = LIST_FIRST(&clients); c != NULL; c = next) {
		next = LIST_NEXT(c, entry);
		client_check(c);
	}
}

void
ctl_program_changed(void *arg, struct sv_program *p)
{
	struct ctl_client *c;

	(void)arg;
	(void)p;
	if (loop == NULL)
		return;
	LIST_FOREACH(c, &clients, entry) {
		if (c->wait == W_NONE)
			continue;
		if (!kick_init) {
			ev_prepare_init(&kick, kick_cb);
			kick_init = true;
		}
		/* Not from inside the state machine: before the next poll. */
		ev_prepare_start(loop, &kick);
		return;
	}
}

/* Names. */

static const char *
make_namespec(const char *group, const char *name, char *buf, size_t len)
{
	if (strcmp(group, name) == 0)
		snprintf(buf, len, "%s", name);
	else
		snprintf(buf, len, "%s:%s", group, name);
	return buf;
}

/* As supervisor's get_execv_args: NO_FILE, NOT_EXECUTABLE or SUCCESS. */
static enum ctl_fault
check_command(const struct sv_program *p)
{
	char		**argv = NULL, path[4096], msg[4096 + 64];
	const char	*why;
	size_t		 argc;
	enum ctl_fault	 f = F_SUCCESS;

	if (proc_split(p->cfg->command, &argv, &argc, &why) == -1)
		return F_NOT_EXECUTABLE;
	if (argc == 0)
		f = F_NOT_EXECUTABLE;
	else switch (sv_find_command(p, argv[0], path, sizeof(path), msg,
	    sizeof(msg))) {
	case SV_CMD_OK:
		break;
	case SV_CMD_NO_FILE:
		f = F_NO_FILE;
		break;
	case SV_CMD_NOT_EXECUTABLE:
		f = F_NOT_EXECUTABLE;
		break;
	}
	proc_split_free(argv);
	return f;
}

static void
start_one(struct ctl_client *c, struct sv_program *p, const char *spec)
{
	enum ctl_fault	f;

	if ((f = check_command(p)) != F_SUCCESS) {
		item_add(c, NULL, spec, f);
		return;
	}
	if (sup_running_state(p)) {
		item_add(c, NULL, spec, F_ALREADY_STARTED);
		return;
	}
	if (p->state == SV_STOPPING) {
		/* supervisor can't spawn a STOPPING process either. */
		item_add(c, NULL, spec, F_ALREADY_STARTED);
		return;
	}
	if (item_add(c, p, spec, F_PENDING) != NULL)
		(void)sup_start(sup, p);
}

static void
stop_one(struct ctl_client *c, struct sv_program *p, const char *spec)
{
	if (!sup_running_state(p)) {
		item_add(c, NULL, spec, F_NOT_RUNNING);
		return;
	}
	if (item_add(c, p, spec, F_PENDING) != NULL)
		(void)sup_stop(sup, p);
}

static bool
has_word(char **argv, size_t argc, const char *w)
{
	size_t	i;

	for (i = 0; i < argc; i++)
		if (strcmp(argv[i], w) == 0)
			return true;
	return false;
}

/*
 * Start or stop the names: "all" takes every process in start order that
 * is (not) running, "g:*" those of a group, a name that one process.
 */
static void
run_startstop(struct ctl_client *c, char **argv, size_t argc, bool start)
{
	struct sv_program *p, *next;
	char		 group[256], nbuf[256], spec[512];
	const char	*name;
	size_t		 i;
	bool		 any;

	c->wait = start ? W_START : W_STOP;
	c->t0 = ev_now(loop);
	if (has_word(argv, argc, "all")) {
		for (p = TAILQ_FIRST(&sup->programs); p != NULL; p = next) {
			next = TAILQ_NEXT(p, entry);
			sv_namespec(p, spec, sizeof(spec));
			if (start && !sup_running_state(p))
				start_one(c, p, spec);
			else if (!start && sup_running_state(p))
				stop_one(c, p, spec);
		}
	} else {
		for (i = 0; i < argc; i++) {
			c->batch++;
			sup_split_namespec(argv[i], group, sizeof(group), nbuf, sizeof(nbuf), &name);
			if (name == NULL) {
				if (!sup_group_exists(sup, group)) {
					item_msg(c, start ? 2 : 1,
					    "%s: ERROR (no such group)", group);
					continue;
				}
				any = false;
				TAILQ_FOREACH(p, &sup->programs, entry) {
					if (strcmp(p->cfg->group, group) != 0)
						continue;
					any = true;
					sv_namespec(p, spec, sizeof(spec));
					if (start && !sup_running_state(p))
						start_one(c, p, spec);
					else if (!start && sup_running_state(p))
						stop_one(c, p, spec);
				}
				(void)any;
				continue;
			}
			make_namespec(group, name, spec, sizeof(spec));
			if ((p = sup_find(sup, group, name)) == NULL) {
				item_add(c, NULL, spec, F_BAD_NAME);
				continue;
			}
			if (start)
				start_one(c, p, spec);
			else
				stop_one(c, p, spec);
		}
	}
	client_check(c);
}

static void
run_start(struct ctl_client *c, char **argv, size_t argc)
{
	run_startstop(c, argv, argc, true);
}

static void
signal_one(struct ctl_client *c, struct sv_program *p, const char *spec,
    int sig)
{
	if (sig <= 0) {
		item_add(c, NULL, spec, F_BAD_SIGNAL);
		return;
	}
	if (p->state != SV_RUNNING && p->state != SV_STARTING &&
	    p->state != SV_STOPPING) {
		item_add(c, NULL, spec, F_NOT_RUNNING);
		return;
	}
	if (sup_signal(sup, p, sig) == -1) {
		item_msg(c, 1, "%s: ERROR (failed)", spec);
		return;
	}
	item_add(c, NULL, spec, F_SUCCESS);
}

static void
cmd_signal(struct ctl_client *c, char **argv, size_t argc)
{
	struct sv_program *p;
	char		 group[256], nbuf[256], spec[512];
	const char	*name;
	size_t		 i;
	int		 sig;

	if (argc < 2) {
		emit(c, "Error: signal requires a signal name and a process "
		    "name");
		emit(c, "signal <signal name> <name>\t\tSignal a process");
		emit(c, "signal <signal name> <gname>:*\t\tSignal all "
		    "processes in a group");
		emit(c, "signal <signal name> <name> <name>\tSignal multiple "
		    "processes or groups");
		emit(c, "signal <signal name> all\t\tSignal all processes");
		c->status = 1;
		finish(c);
		return;
	}
	sig = proc_sig_num(argv[0]);
	c->wait = W_NONE;
	if (has_word(argv + 1, argc - 1, "all")) {
		TAILQ_FOREACH(p, &sup->programs, entry)
			if (p->state == SV_RUNNING ||
			    p->state == SV_STARTING || p->state == SV_STOPPING)
				signal_one(c, p, sv_namespec(p, spec,
				    sizeof(spec)), sig);
	} else {
		for (i = 1; i < argc; i++) {
			c->batch++;
			sup_split_namespec(argv[i], group, sizeof(group), nbuf, sizeof(nbuf), &name);
			if (name == NULL) {
				if (!sup_group_exists(sup, group)) {
					item_msg(c, 1,
					    "%s: ERROR (no such group)", group);
					continue;
				}
				TAILQ_FOREACH(p, &sup->programs, entry)
					if (strcmp(p->cfg->group, group) == 0 &&
					    (sig <= 0 ||
					    p->state == SV_RUNNING ||
					    p->state == SV_STARTING ||
					    p->state == SV_STOPPING))
						signal_one(c, p, sv_namespec(p,
						    spec, sizeof(spec)), sig);
				continue;
			}
			make_namespec(group, name, spec, sizeof(spec));
			if ((p = sup_find(sup, group, name)) == NULL)
				item_add(c, NULL, spec, F_BAD_NAME);
			else
				signal_one(c, p, spec, sig);
		}
	}
	items_report(c, "signalled");
	items_free(c);
	finish(c);
}

static bool
status_selected(const struct sv_program *p, char **argv, size_t argc)
{
	char		 group[256], nbuf[256];
	const char	*name;
	size_t		 i;

	for (i = 0; i < argc; i++) {
		sup_split_namespec(argv[i], group, sizeof(group), nbuf, sizeof(nbuf), &name);
		if (strcmp(p->cfg->group, group) == 0 &&
		    (name == NULL || strcmp(p->cfg->name, name) == 0))
			return true;
	}
	return false;
}

static void
cmd_status(struct ctl_client *c, char **argv, size_t argc)
{
	struct sv_program **v;
	char		 line[1536], group[256], nbuf[256];
	const char	*name;
	size_t		 i, j, n, width = 30, l;
	time_t		 now = time(NULL);
	bool		 all = argc == 0 || has_word(argv, argc, "all"), hit;

	v = sup_snapshot(sup, false, &n);
	if (!all) {
		/* supervisorctl reports the bad names first. */
		for (i = 0; i < argc; i++) {
			sup_split_namespec(argv[i], group, sizeof(group), nbuf, sizeof(nbuf), &name);
			hit = false;
			for (j = 0; j < n && !hit; j++)
				hit = strcmp(v[j]->cfg->group, group) == 0 &&
				    (name == NULL ||
				    strcmp(v[j]->cfg->name, name) == 0);
			if (hit)
				continue;
			if (name == NULL)
				emit(c, "%s: ERROR (no such group)", group);
			else
				emit(c, "%s: ERROR (no such process)",
				    argv[i]);
			c->status = 4;
		}
	}
	for (i = j = 0; i < n; i++)
		if (all || status_selected(v[i], argv, argc))
			v[j++] = v[i];
	n = j;
	for (i = 0; i < n; i++) {
		sv_namespec(v[i], line, sizeof(line));
		if ((l = strlen(line)) > width)
			width = l;
	}
	for (i = 0; i < n; i++) {
		emit(c, "%s", st_line(v[i], width, now, line,
		    sizeof(line)));
		if (sv_at_rest(v[i]))
			c->status = 3;
	}
	free(v);
	finish(c);
}

static void
cmd_pid(struct ctl_client *c, char **argv, size_t argc)
{
	struct sv_program **v, *p;
	char		 group[256], nbuf[256];
	const char	*name;
	size_t		 i, n;

	if (argc == 0) {
		emit(c, "%d", (int)getpid());
	} else if (has_word(argv, argc, "all")) {
		v = sup_snapshot(sup, false, &n);
		for (i = 0; i < n; i++)
			emit(c, "%d", (int)v[i]->pid);
		free(v);
	} else {
		for (i = 0; i < argc; i++) {
			sup_split_namespec(argv[i], group, sizeof(group), nbuf, sizeof(nbuf), &name);
			if (name == NULL ||
			    (p = sup_find(sup, group, name)) == NULL) {
				emit(c, "No such process %s", argv[i]);
				c->status = 1;
				continue;
			}
			emit(c, "%d", (int)p->pid);
			if (p->pid == 0)
				c->status = 7;
		}
	}
	finish(c);
}

/* The log file a process writes for channel, or NULL. */
static const char *
process_log(const struct sv_program *p, bool err)
{
	const struct out_stream *s = err ? &p->err : &p->out;
	const struct cfg_log *lc = err ? &p->cfg->err : &p->cfg->out;

	if (err && p->cfg->redirect_stderr)
		return NULL;
	if (s->path != NULL)
		return s->path;
	if (lc->kind == CFG_LOG_PATH)
		return lc->path;
	return NULL;
}

/* Send the last n bytes of path; -1 if it can't be read. */
static int
send_tail(struct ctl_client *c, const char *path, long long n, off_t *endp)
{
	struct stat	 st;
	char		 buf[65536];
	off_t		 off;
	ssize_t		 r;
	int		 fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)) == -1)
		return -1;
	if (fstat(fd, &st) == -1) {
		close(fd);
		return -1;
	}
	if (n > CTL_OUTMAX / 2)
		n = CTL_OUTMAX / 2;
	off = st.st_size > n ? st.st_size - (off_t)n : 0;
	while (off < st.st_size) {
		r = pread(fd, buf, sizeof(buf), off);
		if (r == -1 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		if (off + r > st.st_size)
			r = (ssize_t)(st.st_size - off);
		emit_data(c, buf, (size_t)r);
		off += r;
	}
	if (endp != NULL)
		*endp = off;
	close(fd);
	return 0;
}

/* tail -f: read what the file grew by, as long as the client keeps up. */
static void
tail_pump(struct ctl_client *c)
{
	struct stat	 st;
	char		 buf[65536];
	ssize_t		 r;

	if (stat(c->tpath, &st) == 0 && (st.st_ino != c->tino ||
	    st.st_size < c->toff)) {
		/* Rotated or truncated: follow the new file from its start. */
		if (c->tfd != -1)
			close(c->tfd);
		c->tfd = open(c->tpath, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
		c->toff = 0;
		c->tino = st.st_ino;
	}
	if (c->tfd == -1)
		return;
	while (c->outlen - c->outoff < CTL_TAILHIGH) {
		r = pread(c->tfd, buf, sizeof(buf), c->toff);
		if (r == -1 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		emit_data(c, buf, (size_t)r);
		c->toff += r;
	}
}

static void
tail_stat_cb(struct ev_loop *l, ev_stat *w, int revents)
{
	struct ctl_client *c = w->data;

	(void)l;
	(void)revents;
	/* While a write waits, write_cb reads on when the client has room. */
	if (!ev_is_active(&c->wio))
		client_flush(c);
}

static void
tail_follow(struct ctl_client *c, const char *path)
{
	struct stat	 st;

	emit(c, "==> Press Ctrl-C to exit <==");
	if ((c->tpath = strdup(path)) == NULL ||
	    (c->tfd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)) == -1 ||
	    fstat(c->tfd, &st) == -1) {
		emit(c, "ERROR: couldn't open %s: %s", path, strerror(errno));
		c->status = 1;
		finish(c);
		return;
	}
	c->tino = st.st_ino;
	c->toff = st.st_size > CTL_TAILF_HEAD ? st.st_size - CTL_TAILF_HEAD :
	    0;
	c->tailing = true;
	c->busy = true;
	ev_stat_init(&c->tstat, tail_stat_cb, c->tpath, 0.);
	c->tstat.data = c;
	ev_stat_start(loop, &c->tstat);
	client_flush(c);
}

static bool
parse_bytes(const char *arg, long long *n)
{
	char	*end;

	errno = 0;
	*n = strtoll(arg + 1, &end, 10);
	return errno == 0 && *end == '\0' && arg[1] != '\0';
}

static void
cmd_tail(struct ctl_client *c, char **argv, size_t argc)
{
	struct sv_program *p;
	const char	*modifier = NULL, *name, *channel = "stdout", *pname;
	const char	*path;
	char		 group[256], nbuf[256];
	long long	 bytes = CTL_TAIL_DEFAULT;
	bool		 follow = false;
	size_t		 i = 0;

	if (argc < 1 || argc > 3) {
		emit(c, argc < 1 ? "Error: too few arguments" :
		    "Error: too many arguments");
		emit(c, "tail [-f] <name> [stdout|stderr] (default stdout)");
		emit(c, "Ex:");
		emit(c, "tail -f <name>\t\tContinuous tail of named process "
		    "stdout");
		emit(c, "\t\t\tCtrl-C to exit.");
		emit(c, "tail -100 <name>\tlast 100 *bytes* of process stdout");
		emit(c, "tail <name> stderr\tlast 1600 *bytes* of process "
		    "stderr");
		c->status = 1;
		finish(c);
		return;
	}
	if (argv[0][0] == '-')
		modifier = argv[i++];
	if (i >= argc) {
		emit(c, "Error: tail requires process name");
		c->status = 1;
		finish(c);
		return;
	}
	name = argv[i];
	if (argc - i > 1) {
		channel = argv[argc - 1];
		if (strcasecmp(channel, "stdout") != 0 &&
		    strcasecmp(channel, "stderr") != 0) {
			emit(c, "Error: bad channel '%s'", channel);
			c->status = 1;
			finish(c);
			return;
		}
	}
	if (modifier != NULL) {
		if (strcmp(modifier, "-f") == 0)
			follow = true;
		else if (!parse_bytes(modifier, &bytes)) {
			emit(c, "Error: bad argument %s", modifier);
			c->status = 1;
			finish(c);
			return;
		}
	}
	sup_split_namespec(name, group, sizeof(group), nbuf, sizeof(nbuf),
	    &pname);
	if (pname == NULL || (p = sup_find(sup, group, pname)) == NULL) {
		emit(c, "%s: ERROR (no such process name)", name);
		c->status = 1;
		finish(c);
		return;
	}
	path = process_log(p, strcasecmp(channel, "stderr") == 0);
	if (path == NULL) {
		emit(c, "%s: ERROR (no log file)", name);
		c->status = 1;
		finish(c);
		return;
	}
	if (follow) {
		tail_follow(c, path);
		return;
	}
	if (send_tail(c, path, bytes, NULL) == -1) {
		emit(c, "%s: ERROR (%s)", name,
		    errno == ENOENT ? "no log file" :
		    "unknown error reading log");
		c->status = 1;
	} else {
		emit(c, "%s", "");
	}
	finish(c);
}

static void
cmd_maintail(struct ctl_client *c, char **argv, size_t argc)
{
	const char	*path = sup->cfg->sd.logfile;
	long long	 bytes = CTL_TAIL_DEFAULT;
	bool		 follow = false;

	if (argc > 1) {
		emit(c, "Error: too many arguments");
		emit(c, "maintail -f \tContinuous tail of supervisor main log "
		    "file (Ctrl-C to exit)");
		emit(c, "maintail -100\tlast 100 *bytes* of supervisord main "
		    "log file");
		emit(c, "maintail\tlast 1600 *bytes* of supervisor main log "
		    "file");
		emit(c, "%s", "");
		c->status = 1;
		finish(c);
		return;
	}
	if (argc == 1) {
		if (strcmp(argv[0], "-f") == 0)
			follow = true;
		else if (argv[0][0] != '-' || !parse_bytes(argv[0], &bytes)) {
			emit(c, "Error: bad argument %s", argv[0]);
			c->status = 1;
			finish(c);
			return;
		}
	}
	if (path == NULL) {
		emit(c, "supervisord: ERROR (no log file)");
		c->status = 1;
		finish(c);
		return;
	}
	if (follow) {
		tail_follow(c, path);
		return;
	}
	if (send_tail(c, path, bytes, NULL) == -1) {
		emit(c, "supervisord: ERROR (%s)", errno == ENOENT ?
		    "no log file" : "unknown error reading log");
		c->status = 1;
	} else {
		emit(c, "%s", "");
	}
	finish(c);
}

/* Empty a log file and have its writer count from zero again. */
static int
clear_logs(struct sv_program *p)
{
	const char	*path;
	int		 rc = 0;

	if ((path = process_log(p, false)) != NULL &&
	    truncate(path, 0) == -1 && errno != ENOENT)
		rc = -1;
	if ((path = process_log(p, true)) != NULL &&
	    truncate(path, 0) == -1 && errno != ENOENT)
		rc = -1;
	sv_reopen_logs(p);
	return rc;
}

static void
cmd_clear(struct ctl_client *c, char **argv, size_t argc)
{
	struct sv_program *p;
	char		 group[256], nbuf[256], spec[512];
	const char	*name;
	size_t		 i;

	if (argc == 0) {
		emit(c, "Error: clear requires a process name");
		emit(c, "clear <name>\t\tClear a process' log files.");
		emit(c, "clear <name> <name>\tClear multiple process' log "
		    "files");
		emit(c, "clear all\t\tClear all process' log files");
		c->status = 1;
		finish(c);
		return;
	}
	if (has_word(argv, argc, "all")) {
		TAILQ_FOREACH(p, &sup->programs, entry)
			item_add(c, NULL, sv_namespec(p, spec, sizeof(spec)),
			    clear_logs(p) == 0 ? F_SUCCESS : F_FAILED);
	} else {
		for (i = 0; i < argc; i++) {
			sup_split_namespec(argv[i], group, sizeof(group), nbuf, sizeof(nbuf), &name);
			if (name == NULL) {
				/* clearProcessLogs takes no group. */
				make_namespec(group, group, spec, sizeof(spec));
				item_add(c, NULL, spec, F_BAD_NAME);
				continue;
			}
			make_namespec(group, name, spec, sizeof(spec));
			if ((p = sup_find(sup, group, name)) == NULL)
				item_add(c, NULL, spec, F_BAD_NAME);
			else
				item_add(c, NULL, spec, clear_logs(p) == 0 ?
				    F_SUCCESS : F_FAILED);
		}
	}
	items_report(c, "cleared");
	items_free(c);
	finish(c);
}

/* Load the configuration file again; NULL after reporting the errors. */
static struct cfg *
load_or_report(struct ctl_client *c)
{
	struct cfg_msgs	 errors;
	struct cfg	*nc;
	size_t		 i;

	if ((nc = sup->load(sup->load_arg, &errors)) == NULL) {
		for (i = 0; i < errors.n; i++)
			emit(c, "ERROR: %s", errors.v[i]);
		cfg_msgs_free(&errors);
		c->status = 1;
	}
	return nc;
}

static int
name_cmp(const void *a, const void *b)
{
	const struct rl_change *x = a, *y = b;

	return strcmp(x->group, y->group);
}

static void
cmd_reread(struct ctl_client *c)
{
	static const char *const kind[] = {
		[RL_ADDED] = "available",
		[RL_CHANGED] = "changed",
		[RL_REMOVED] = "disappeared",
	};
	struct rl_change *v;
	struct cfg	*nc;
	size_t		 i, n;

	if ((nc = load_or_report(c)) != NULL) {
		n = rl_diff(sup, nc, &v);
		if (n > 1)	/* v is NULL when nothing changed */
			qsort(v, n, sizeof(*v), name_cmp);
		for (i = 0; i < n; i++)
			emit(c, "%s: %s", v[i].group, kind[v[i].kind]);
		if (n == 0)
			emit(c, "No config updates to processes");
		rl_changes_free(v, n);
		cfg_free(nc);
	}
	finish(c);
}

static void
cmd_update(struct ctl_client *c, char **argv, size_t argc)
{
	struct rl_change *v;
	struct cfg	*nc;
	char		**sel;
	size_t		 i, j, n, nsel = 0;
	bool		 known;
	int		 k;

	if ((nc = load_or_report(c)) == NULL) {
		finish(c);
		return;
	}
	n = rl_diff(sup, nc, &v);
	if (has_word(argv, argc, "all"))
		argc = 0;
	if ((sel = calloc(argc + 1, sizeof(*sel))) == NULL) {
		rl_changes_free(v, n);
		cfg_free(nc);
		c->status = 1;
		finish(c);
		return;
	}
	for (i = 0; i < argc; i++) {
		known = sup_group_exists(sup, argv[i]);
		for (j = 0; j < n && !known; j++)
			known = v[j].kind == RL_ADDED &&
			    strcmp(v[j].group, argv[i]) == 0;
		if (!known) {
			emit(c, "ERROR: no such group: %s", argv[i]);
			c->status = 1;
		}
		sel[nsel++] = argv[i];
	}
	/* supervisorctl's order: removed, then changed, then added. */
	for (k = RL_REMOVED; k >= RL_ADDED; k--) {
		for (j = 0; j < n; j++) {
			if ((int)v[j].kind != k ||
			    (nsel > 0 && !has_word(sel, nsel, v[j].group)))
				continue;
			switch (v[j].kind) {
			case RL_REMOVED:
				emit(c, "%s: stopped", v[j].group);
				emit(c, "%s: removed process group",
				    v[j].group);
				break;
			case RL_CHANGED:
				if (v[j].respawn)
					emit(c, "%s: stopped", v[j].group);
				emit(c, "%s: updated process group",
				    v[j].group);
				break;
			case RL_ADDED:
				emit(c, "%s: added process group",
				    v[j].group);
				break;
			}
		}
	}
	rl_changes_free(v, n);
	rl_apply_groups(sup, nc, nsel > 0 ? sel : NULL, nsel, false);
	free(sel);
	finish(c);
}

static void
cmd_avail(struct ctl_client *c)
{
	struct cfg	*nc;
	struct cfg_group *g;
	struct cfg_program *cp;
	char		 spec[512];
	size_t		 i, j;
	bool		 inuse;

	if ((nc = load_or_report(c)) == NULL) {
		finish(c);
		return;
	}
	for (i = 0; i < nc->ngroups; i++) {
		g = &nc->groups[i];
		inuse = sup_group_exists(sup, g->name);
		for (j = g->first; j < g->first + g->n && j < nc->nprograms;
		    j++) {
			cp = nc->programs[j];
			emit(c, "%-32s %-9s %-9s %d:%d", make_namespec(g->name,
			    cp->name, spec, sizeof(spec)), inuse ? "in use" :
			    "avail", cp->autostart ? "auto" : "manual",
			    g->priority, cp->priority);
		}
	}
	cfg_free(nc);
	finish(c);
}

static void
cmd_add(struct ctl_client *c, char **argv, size_t argc)
{
	struct cfg	*nc;
	struct cfg_program *p;
	size_t		 i, j;
	bool		 found;

	if ((nc = load_or_report(c)) == NULL) {
		finish(c);
		return;
	}
	for (i = 0; i < argc; i++) {
		found = false;
		for (j = 0; j < nc->ngroups && !found; j++)
			found = strcmp(nc->groups[j].name, argv[i]) == 0;
		if (!found) {
			emit(c, "ERROR: no such process/group: %s", argv[i]);
			c->status = 1;
			continue;
		}
		if (sup_group_exists(sup, argv[i])) {
			emit(c, "ERROR: process group already active");
			continue;
		}
		for (j = 0; j < nc->nprograms; j++) {
			if (nc->programs[j] == NULL ||
			    strcmp(nc->programs[j]->group, argv[i]) != 0)
				continue;
			p = nc->programs[j];
			nc->programs[j] = NULL;	/* moved */
			(void)sup_add(sup, p, true);
		}
		emit(c, "%s: added process group", argv[i]);
	}
	cfg_free(nc);
	finish(c);
}

static void
cmd_remove(struct ctl_client *c, char **argv, size_t argc)
{
	struct sv_program *p, *next;
	size_t		 i;
	bool		 busy;

	for (i = 0; i < argc; i++) {
		if (!sup_group_exists(sup, argv[i])) {
			emit(c, "ERROR: no such process/group: %s", argv[i]);
			c->status = 1;
			continue;
		}
		busy = false;
		TAILQ_FOREACH(p, &sup->programs, entry)
			if (strcmp(p->cfg->group, argv[i]) == 0 &&
			    !sv_at_rest(p))
				busy = true;
		if (busy) {
			emit(c, "ERROR: process/group still running: %s",
			    argv[i]);
			c->status = 1;
			continue;
		}
		for (p = TAILQ_FIRST(&sup->programs); p != NULL; p = next) {
			next = TAILQ_NEXT(p, entry);
			if (strcmp(p->cfg->group, argv[i]) == 0)
				sup_remove(sup, p);
		}
		emit(c, "%s: removed process group", argv[i]);
	}
	finish(c);
}

static void
cmd_reload(struct ctl_client *c)
{
	struct cfg	*nc;

	if ((nc = load_or_report(c)) != NULL) {
		log_warnx("reload requested: every process restarts");
		rl_apply_groups(sup, nc, NULL, 0, true);
		emit(c, "Restarted supervisord");
	}
	finish(c);
}

static void
usage_line(struct ctl_client *c, const char *cmd, const char *help)
{
	emit(c, "Error: %s accepts no arguments", cmd);
	emit(c, "%s", help);
	c->status = 1;
	finish(c);
}

/* Commands that change something: logged with the client's identity. */
static bool
changes_state(const char *cmd)
{
	static const char *const cmds[] = {
		"start", "stop", "restart", "signal", "clear", "update",
		"add", "remove", "reload", "shutdown",
	};
	size_t	i;

	for (i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++)
		if (strcmp(cmd, cmds[i]) == 0)
			return true;
	return false;
}

/* Split a request line on blanks, as supervisorctl's arg.split(). */
static size_t
split_words(char *line, char **argv, size_t max)
{
	size_t	n = 0;
	char	*s = line;

	while (n < max) {
		while (*s != '\0' && isspace((unsigned char)*s))
			s++;
		if (*s == '\0')
			break;
		argv[n++] = s;
		while (*s != '\0' && !isspace((unsigned char)*s))
			s++;
		if (*s != '\0')
			*s++ = '\0';
	}
	return n;
}

static void
run_request(struct ctl_client *c, char *line)
{
	char	*argv[512], copy[CTL_INMAX], *cmd;
	size_t	 argc;

	snprintf(copy, sizeof(copy), "%s", line);
	argc = split_words(line, argv, sizeof(argv) / sizeof(argv[0]));
	c->busy = true;
	c->status = 0;
	if (argc == 0) {
		argv[0] = "status";
		argc = 1;
	}
	cmd = argv[0];
	if (changes_state(cmd))
		log_info("control: uid %d pid %d: %s", (int)c->uid,
		    (int)c->pid, copy);
	if (sup->shutting_down && changes_state(cmd) &&
	    strcmp(cmd, "shutdown") != 0) {
		emit(c, "ERROR: supervisor shutting down");
		c->status = 1;
		finish(c);
		return;
	}
	if (strcmp(cmd, "status") == 0)
		cmd_status(c, argv + 1, argc - 1);
	else if (strcmp(cmd, "start") == 0 || strcmp(cmd, "stop") == 0 ||
	    strcmp(cmd, "restart") == 0) {
		if (argc == 1) {
			emit(c, "Error: %s requires a process name", cmd);
			if (cmd[2] == 'a') {
				emit(c, "start <name>\t\tStart a process");
				emit(c, "start <gname>:*\t\tStart all "
				    "processes in a group");
				emit(c, "start <name> <name>\tStart multiple "
				    "processes or groups");
				emit(c, "start all\t\tStart all processes");
				c->status = 2;
			} else if (cmd[2] == 'o') {
				emit(c, "stop <name>\t\tStop a process");
				emit(c, "stop <gname>:*\t\tStop all processes "
				    "in a group");
				emit(c, "stop <name> <name>\tStop multiple "
				    "processes or groups");
				emit(c, "stop all\t\tStop all processes");
				c->status = 1;
			} else {
				emit(c, "restart <name>\t\tRestart a process");
				emit(c, "restart <gname>:*\tRestart all "
				    "processes in a group");
				emit(c, "restart <name> <name>\tRestart "
				    "multiple processes or groups");
				emit(c, "restart all\t\tRestart all processes");
				emit(c, "Note: restart does not reread config "
				    "files. For that, see reread and update.");
				c->status = 1;
			}
			finish(c);
			return;
		}
		if (cmd[2] == 's') {
			/* restart: the stops, then the same names' starts. */
			c->restart = true;
			c->restart_args = strdup(copy + (argv[1] - line));
			if (c->restart_args == NULL)
				c->restart = false;
		}
		run_startstop(c, argv + 1, argc - 1, cmd[2] == 'a' &&
		    cmd[0] == 's');
	} else if (strcmp(cmd, "signal") == 0)
		cmd_signal(c, argv + 1, argc - 1);
	else if (strcmp(cmd, "pid") == 0)
		cmd_pid(c, argv + 1, argc - 1);
	else if (strcmp(cmd, "tail") == 0)
		cmd_tail(c, argv + 1, argc - 1);
	else if (strcmp(cmd, "maintail") == 0)
		cmd_maintail(c, argv + 1, argc - 1);
	else if (strcmp(cmd, "clear") == 0)
		cmd_clear(c, argv + 1, argc - 1);
	else if (strcmp(cmd, "avail") == 0) {
		if (argc > 1)
			usage_line(c, cmd, "avail\t\t\tDisplay all configured "
			    "processes");
		else
			cmd_avail(c);
	} else if (strcmp(cmd, "reread") == 0) {
		if (argc > 1)
			usage_line(c, cmd, "reread \t\t\tReload the daemon's "
			    "configuration files without add/remove");
		else
			cmd_reread(c);
	} else if (strcmp(cmd, "update") == 0)
		cmd_update(c, argv + 1, argc - 1);
	else if (strcmp(cmd, "add") == 0)
		cmd_add(c, argv + 1, argc - 1);
	else if (strcmp(cmd, "remove") == 0)
		cmd_remove(c, argv + 1, argc - 1);
	else if (strcmp(cmd, "reload") == 0) {
		if (argc > 1)
			usage_line(c, cmd, "reload \t\tRestart the remote "
			    "supervisord.");
		else
			cmd_reload(c);
	} else if (strcmp(cmd, "shutdown") == 0) {
		if (argc > 1) {
			usage_line(c, cmd, "shutdown \tShut the remote "
			    "supervisord down.");
		} else if (sup->shutting_down) {
			emit(c, "ERROR: already shutting down");
			finish(c);
		} else {
			emit(c, "Shut down");
			finish(c);
			log_warnx("shutdown requested through the control "
			    "socket");
			sup_shutdown(sup);
		}
	} else if (strcmp(cmd, "version") == 0) {
		if (argc > 1)
			usage_line(c, cmd, "version\t\t\tShow the version of "
			    "the remote supervisord process");
		else {
			emit(c, "%s", SUPERVISORD_VERSION);
			finish(c);
		}
	} else {
		emit(c, "*** Unknown syntax: %s", copy);
		c->status = 1;
		finish(c);
	}
}

/* %XX decoding of the auth line's fields. */
static void
pct_decode(char *s)
{
	char	*o = s;
	int	 hi, lo;

	for (; *s != '\0'; s++) {
		if (*s == '%' && isxdigit((unsigned char)s[1]) &&
		    isxdigit((unsigned char)s[2])) {
			hi = isdigit((unsigned char)s[1]) ? s[1] - '0' :
			    tolower((unsigned char)s[1]) - 'a' + 10;
			lo = isdigit((unsigned char)s[2]) ? s[2] - '0' :
			    tolower((unsigned char)s[2]) - 'a' + 10;
			*o++ = (char)(hi * 16 + lo);
			s += 2;
		} else {
			*o++ = *s;
		}
	}
	*o = '\0';
}

static bool
auth_needed(void)
{
	return sup->cfg != NULL && sup->cfg->http_username != NULL;
}

/* An "auth USER PASSWORD" line: true if the client may go on. */
static bool
client_auth(struct ctl_client *c, char *line)
{
	char	*argv[4];
	size_t	 n;

	n = split_words(line, argv, 4);
	if (n == 3) {
		pct_decode(argv[1]);
		pct_decode(argv[2]);
	}
	c->authed = !auth_needed() || (n == 3 &&
	    strcmp(argv[1], sup->cfg->http_username) == 0 &&
	    sup->cfg->http_password != NULL &&
	    strcmp(argv[2], sup->cfg->http_password) == 0);
	if (!c->authed) {
		log_warnx("control: uid %d pid %d: authentication failed",
		    (int)c->uid, (int)c->pid);
		emit(c, "Server requires authentication");
		c->status = 1;
	}
	return c->authed;
}

/* The request line. */
static void
client_line(struct ctl_client *c, char *line)
{
	ev_timer_stop(loop, &c->reqtimer);
	if (auth_needed() && !c->authed) {
		emit(c, "Server requires authentication");
		c->status = 1;
		finish(c);
		return;
	}
	run_request(c, line);
}

static void
read_cb(struct ev_loop *l, ev_io *w, int revents)
{
	struct ctl_client *c = w->data;
	char		*nl, junk[512];
	ssize_t		 n;
	size_t		 len;

	(void)l;
	(void)revents;
	if (c->busy || c->ending) {
		/* Nothing more is read; only notice the client leaving. */
		n = read(c->fd, junk, sizeof(junk));
		if (n == 0 || (n == -1 && errno != EAGAIN &&
		    errno != EINTR && errno != EWOULDBLOCK))
			client_close(c);
		return;
	}
	n = read(c->fd, c->in + c->inlen, sizeof(c->in) - 1 - c->inlen);
	if (n == -1) {
		if (errno != EAGAIN && errno != EINTR && errno != EWOULDBLOCK)
			client_close(c);
		return;
	}
	if (n == 0) {
		client_close(c);
		return;
	}
	c->inlen += (size_t)n;
	c->in[c->inlen] = '\0';
	while ((nl = memchr(c->in, '\n', c->inlen)) != NULL) {
		len = (size_t)(nl - c->in) + 1;
		*nl = '\0';
		if (nl > c->in && nl[-1] == '\r')
			nl[-1] = '\0';
		if (memchr(c->in, '\0', len - 1) != NULL &&
		    strlen(c->in) + 2 < len) {
			/* A NUL inside: not a request of ours. */
			emit(c, "ERROR: bad request");
			c->status = 1;
			finish(c);
			return;
		}
		if (strncmp(c->in, "auth ", 5) == 0 && !c->authed) {
			if (!client_auth(c, c->in)) {
				finish(c);
				return;
			}
			memmove(c->in, c->in + len, c->inlen - len + 1);
			c->inlen -= len;
			continue;
		}
		/* The last line read: c may be freed once it returns. */
		client_line(c, c->in);
		return;
	}
	if (c->inlen >= sizeof(c->in) - 1) {
		emit(c, "ERROR: request too long");
		c->status = 1;
		finish(c);
	}
}

static void
reqtimer_cb(struct ev_loop *l, ev_timer *w, int revents)
{
	struct ctl_client *c = w->data;

	(void)l;
	(void)revents;
	client_close(c);
}

static void
accept_cb(struct ev_loop *l, ev_io *w, int revents)
{
	struct ctl_client *c;
	struct ucred	 cred;
	socklen_t	 clen = sizeof(cred);
	int		 fd;

	(void)l;
	(void)revents;
	for (;;) {
		fd = accept4(w->fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fd == -1) {
			if (errno == EINTR || errno == ECONNABORTED)
				continue;
			if (errno != EAGAIN && errno != EWOULDBLOCK)
				log_warn("control: accept");
			return;
		}
		if (nclients >= CTL_MAXCLIENTS ||
		    (c = calloc(1, sizeof(*c))) == NULL) {
			if (write(fd, "o ERROR: too many clients\n. 1\n",
			    29) == -1) {
				/* It will see the connection close. */
			}
			close(fd);
			continue;
		}
		c->fd = fd;
		c->tfd = -1;
		c->uid = (uid_t)-1;
		if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &clen) == 0) {
			c->uid = cred.uid;
			c->pid = cred.pid;
		}
		ev_io_init(&c->rio, read_cb, fd, EV_READ);
		ev_io_init(&c->wio, write_cb, fd, EV_WRITE);
		ev_timer_init(&c->reqtimer, reqtimer_cb, CTL_REQ_SECS, 0.);
		c->rio.data = c->wio.data = c->reqtimer.data = c;
		LIST_INSERT_HEAD(&clients, c, entry);
		nclients++;
		ev_io_start(loop, &c->rio);
		ev_timer_start(loop, &c->reqtimer);
	}
}
