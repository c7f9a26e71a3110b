/*
 * program: supervisor's process state machine, as a table of states and
 * events (STYLE.md §7), and the work of each cell: spawn, stop, kill, the
 * judgement of an exit.  Messages and delays are supervisor 4.2.5's
 * (process.py).  Only sv_enter() assigns p->state.
 */
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/types.h>

#include <assert.h>
#include <errno.h>
#include <grp.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "libproc/reap.h"
#include "libproc/signame.h"
#include "libproc/spawn.h"
#include "libproc/split.h"
#include "supervisord/config_envfile.h"
#include "supervisord/log.h"
#include "supervisord/program.h"


static const char *const state_names[SV_NSTATES] = {
	[SV_STOPPED] = "STOPPED",
	[SV_STARTING] = "STARTING",
	[SV_RUNNING] = "RUNNING",
	[SV_BACKOFF] = "BACKOFF",
	[SV_STOPPING] = "STOPPING",
	[SV_EXITED] = "EXITED",
	[SV_FATAL] = "FATAL",
};

static const char *const event_names[SV_NEVENTS] = {
	[SV_EV_START] = "START",
	[SV_EV_STOP] = "STOP",
	[SV_EV_SPAWNERR] = "SPAWNERR",
	[SV_EV_EXIT] = "EXIT",
	[SV_EV_STARTSECS] = "STARTSECS",
	[SV_EV_BACKOFF] = "BACKOFF",
	[SV_EV_KILLWAIT] = "KILLWAIT",
};

typedef void sv_action(struct sv_program *);

/* ready=: see ready_start. */
struct sv_ready {
	struct cfg_ready r;		/* r.path into path */
	char		*path;		/* the stanza's may go (a reload) */
	ev_tstamp	 deadline;
	int		 fd;		/* TCP: a connect under way, or -1 */
	bool		 killing;	/* not ready in time: stop sent */
};

static double	backoff_delay(const struct sv_program *);
static void	dep_wait_end(struct sv_program *);
static bool	deps_hold(struct sv_program *);
static bool	ready_start(struct sv_program *);
static void	ready_tick(struct sv_program *);
static void	ready_free(struct sv_program *);
static void	signal_process(struct sv_program *, int, bool);
static bool	restarts(const struct sv_program *, bool);
static sv_action act_spawn, act_retry, act_stop, act_backoff,
    act_early_exit, act_running, act_exit, act_stopped, act_kill, act_cancel;

static sv_action *const sv_table[SV_NSTATES][SV_NEVENTS] = {
	[SV_STOPPED]  = { [SV_EV_START] = act_spawn },
	[SV_STARTING] = { [SV_EV_STOP] = act_stop,
			  [SV_EV_SPAWNERR] = act_backoff,
			  [SV_EV_EXIT] = act_early_exit,
			  [SV_EV_STARTSECS] = act_running },
	[SV_RUNNING]  = { [SV_EV_STOP] = act_stop,
			  [SV_EV_EXIT] = act_exit },
	[SV_BACKOFF]  = { [SV_EV_STOP] = act_cancel,
			  [SV_EV_BACKOFF] = act_retry },
	[SV_STOPPING] = { [SV_EV_EXIT] = act_stopped,
			  [SV_EV_KILLWAIT] = act_kill },
	[SV_EXITED]   = { [SV_EV_START] = act_spawn },
	[SV_FATAL]    = { [SV_EV_START] = act_spawn },
};

const char *
sv_state_name(enum sv_state s)
{
	if ((unsigned)s >= SV_NSTATES)
		return "UNKNOWN";
	return state_names[s];
}

bool
sv_at_rest(const struct sv_program *p)
{
	return p->state == SV_STOPPED || p->state == SV_EXITED ||
	    p->state == SV_FATAL;
}

const char *
sv_namespec(const struct sv_program *p, char *buf, size_t len)
{
	if (strcmp(p->cfg->group, p->cfg->name) == 0)
		snprintf(buf, len, "%s", p->cfg->name);
	else
		snprintf(buf, len, "%s:%s", p->cfg->group, p->cfg->name);
	return buf;
}

static void	report_cb(struct ev_loop *, ev_io *, int);

/* The fork path's exec report pipe, or -1. */
static int
report_fd(const struct sv_program *p)
{
	return p->report != NULL ? p->report->fd : -1;
}

static void
report_close(struct sv_program *p)
{
	if (report_fd(p) == -1)
		return;
	ev_io_stop(p->ctx->loop, p->report);
	close(p->report->fd);
	ev_io_set(p->report, -1, EV_READ);
}

static void
timer_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct sv_program *p = w->data;

	(void)loop;
	(void)revents;
	switch (p->state) {
	case SV_STARTING:
		if (p->ready != NULL)
			ready_tick(p);
		else
			sv_event(p, SV_EV_STARTSECS);
		break;
	case SV_BACKOFF:
		sv_event(p, SV_EV_BACKOFF);
		break;
	case SV_STOPPING:
		sv_event(p, SV_EV_KILLWAIT);
		break;
	default:
		break;
	}
}

/* What a stream hands over goes to the owner, with the stream's name. */
static void
output_cb(void *arg, struct out_stream *s, enum out_what what,
    const char *buf, size_t n)
{
	struct sv_program *p = arg;

	if (p->ctx->on_output != NULL)
		p->ctx->on_output(p->ctx->arg, p, s == &p->err, what, buf, n);
}

static void	fdq_retry_cb(struct ev_loop *, ev_timer *, int);
static void	sv_enter(struct sv_program *, enum sv_state);

void
sv_fdq_init(struct sv_fdq *q, struct ev_loop *loop)
{
	memset(q, 0, sizeof(*q));
	q->loop = loop;
	TAILQ_INIT(&q->head);
	ev_init(&q->retry, fdq_retry_cb);
	q->retry.data = q;
}

/* p waits no more (started, stopped or freed). */
static void
fdq_leave(struct sv_program *p)
{
	struct sv_fdq *q = p->ctx->fdq;

	if (!p->fd_wait)
		return;
	p->fd_wait = false;
	TAILQ_REMOVE(&q->head, p, fdq_entry);
	if (TAILQ_EMPTY(&q->head))
		ev_timer_stop(q->loop, &q->retry);
}

void
sv_fdq_close(struct sv_fdq *q)
{
	struct sv_program *p;

	q->closed = true;
	while ((p = TAILQ_FIRST(&q->head)) != NULL)
		fdq_leave(p);
	ev_timer_stop(q->loop, &q->retry);
}

/* A process is gone, its pipes closed: try the waiters now. */
static void
fdq_kick(struct sv_fdq *q)
{
	if (q == NULL || TAILQ_EMPTY(&q->head) || q->closed)
		return;
	ev_timer_stop(q->loop, &q->retry);
	ev_timer_set(&q->retry, 0., 1.);
	ev_timer_start(q->loop, &q->retry);
}

/*
 * No descriptor for p's pipes: p waits, STOPPED, at the end of the queue
 * (or where it was, if it waited already).  Not a failed try: its
 * backoff count stays.  The first of an episode says why, with the limit.
 */
static void
fdq_wait(struct sv_program *p)
{
	struct sv_fdq	*q = p->ctx->fdq;
	struct rlimit	 rl;

	if (p->fd_wait)
		return;
	if (TAILQ_EMPTY(&q->head)) {
		q->started = 0;
		if (getrlimit(RLIMIT_NOFILE, &rl) == -1)
			rl.rlim_cur = RLIM_INFINITY;
		log_warnx("too many open files to spawn '%s': the limit of "
		    "%llu descriptors (RLIMIT_NOFILE) holds %zu programs "
		    "here, with 3 pipe ends each and %d kept free; '%s' "
		    "and any after it wait for a descriptor, and start as "
		    "descriptors are freed", p->cfg->name,
		    (unsigned long long)rl.rlim_cur, q->holding,
		    SV_FD_SPARE, p->cfg->name);
		ev_timer_set(&q->retry, 1., 1.);
		ev_timer_start(q->loop, &q->retry);
	} else
		log_debug("'%s' waits for a descriptor", p->cfg->name);
	p->fd_wait = true;
	TAILQ_INSERT_TAIL(&q->head, p, fdq_entry);
	if (p->state != SV_STOPPED)
		sv_enter(p, SV_STOPPED);
}

/*
 * Would these pipes leave fewer than SV_FD_SPARE descriptors free?  Then
 * they are closed and it is EMFILE: the spare ones keep the daemon
 * reachable (its clients, a log file to reopen) however many programs
 * wait.  Exact and free: the kernel gives the lowest free number, so every
 * number up to the highest of the new pipes is taken.
 */
static bool
fd_short(const struct sv_program *p, struct proc_pipes *pp)
{
	const int	*fds = &pp->in[0];
	struct rlimit	 rl;
	size_t		 i;
	int		 top = -1;

	if (p->ctx->fdq == NULL || getrlimit(RLIMIT_NOFILE, &rl) == -1 ||
	    rl.rlim_cur == RLIM_INFINITY)
		return false;
	for (i = 0; i < sizeof(*pp) / sizeof(int); i++)
		if (fds[i] > top)
			top = fds[i];
	if ((rlim_t)top + 1 + SV_FD_SPARE <= rl.rlim_cur)
		return false;
	proc_pipes_close(pp);
	errno = EMFILE;
	return true;
}

static void
fdq_retry_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct sv_fdq	*q = w->data;
	struct sv_program *p;

	(void)loop;
	(void)revents;
	while (!q->closed && (p = TAILQ_FIRST(&q->head)) != NULL) {
		sv_event(p, SV_EV_START);
		if (p->fd_wait)
			return;		/* still none: the next reap or second */
	}
	if (q->started > 0)
		log_info("descriptors free again: the %zu programs that waited "
		    "for one have started", q->started);
	q->started = 0;
}

struct sv_program *
sv_program_new(const struct sv_ctx *ctx, struct cfg_program *cfg)
{
	struct sv_program *p;

	if ((p = calloc(1, sizeof(*p))) == NULL)
		return NULL;
	p->ctx = ctx;
	p->cfg = cfg;
	p->state = SV_STOPPED;
	p->pid = 0;
	p->in_fd = -1;
	p->exitstatus = -1;
	p->out.io.fd = -1;
	p->err.io.fd = -1;
	p->out.hook = p->err.hook = output_cb;
	p->out.hook_arg = p->err.hook_arg = p;
	/* A listener's stdout speaks the protocol: no capture, no events. */
	p->out.hook_raw = cfg->kind == CFG_KIND_EVENTLISTENER;
	ev_init(&p->timer, timer_cb);
	p->timer.data = p;
	return p;
}

void
sv_program_free(struct sv_program *p)
{
	if (p == NULL)
		return;
	assert(p->pid == 0);
	fdq_leave(p);
	ev_timer_stop(p->ctx->loop, &p->timer);
	report_close(p);
	free(p->report);
	out_close(p->ctx->loop, &p->out);
	out_close(p->ctx->loop, &p->err);
	if (p->in_fd != -1)
		close(p->in_fd);
	ready_free(p);
	free(p->note);
	cfg_program_free(p->cfg);
	cfg_program_free(p->pending);
	free(p->spawnerr_own);
	free(p);
}

void
sv_event(struct sv_program *p, enum sv_event ev)
{
	sv_action *act;

	assert((unsigned)p->state < SV_NSTATES && (unsigned)ev < SV_NEVENTS);
	switch (ev) {
	case SV_EV_START:
		p->want_up = true;
		break;
	case SV_EV_STOP:
		p->want_up = false;
		fdq_leave(p);
		/* A start waiting for its dependencies is cancelled. */
		dep_wait_end(p);
		break;
	default:
		break;
	}
	act = sv_table[p->state][ev];
	if (act == NULL) {
		log_debug("%s: event %s ignored in state %s", p->cfg->name,
		    event_names[ev], state_names[p->state]);
		return;
	}
	act(p);
}

/*
 * Enter a state: stop the old state's timer, arm the new one's.  The
 * callbacks run last, so they see the program as it now is.
 */
static void
sv_enter(struct sv_program *p, enum sv_state s)
{
	enum sv_state old = p->state;
	double	 after = -1;

	ev_timer_stop(p->ctx->loop, &p->timer);
	if (old == SV_STARTING && s != SV_STARTING)
		ready_free(p);
	p->prev = old;
	p->state = s;
	switch (s) {
	case SV_STARTING:
		/* ready=: checked every SV_READY_TICK (notify: told, so
		 * only its deadline), not startsecs. */
		if (p->cfg->ready == NULL || !ready_start(p))
			after = p->cfg->startsecs;
		else if (p->ready->r.kind == CFG_READY_NOTIFY)
			after = p->cfg->ready_timeout;
		else
			after = SV_READY_TICK;
		free(p->note);
		p->note = NULL;
		break;
	case SV_BACKOFF:
		after = backoff_delay(p);
		break;
	case SV_STOPPING:
		after = p->cfg->stopwaitsecs;
		break;
	default:
		break;
	}
	if (after >= 0) {
		ev_timer_set(&p->timer, after, 0.);
		ev_timer_start(p->ctx->loop, &p->timer);
	}
	log_debug("%s: %s -> %s", p->cfg->name, state_names[old],
	    state_names[s]);
	if (p->ctx->on_change != NULL)
		p->ctx->on_change(p->ctx->arg, p);
	if (sv_at_rest(p) && p->ctx->on_rest != NULL)
		p->ctx->on_rest(p->ctx->arg, p);
	p->gone_pid = 0;
}

static void
set_spawnerr(struct sv_program *p, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
spawnerr_clear(struct sv_program *p)
{
	free(p->spawnerr_own);
	p->spawnerr_own = NULL;
	p->spawnerr = NULL;
}

/* A message of its own: held until the next one, not in every program. */
static void
set_spawnerr(struct sv_program *p, const char *fmt, ...)
{
	va_list	ap;
	char	*s;
	int	 n;

	va_start(ap, fmt);
	n = vasprintf(&s, fmt, ap);
	va_end(ap);
	spawnerr_clear(p);
	if (n >= 0)
		p->spawnerr = p->spawnerr_own = s;
	else
		p->spawnerr = "spawn error (out of memory for its message)";
	log_info("spawnerr: %s", p->spawnerr);
}

static const char *
env_get(char *const *env, const char *key)
{
	size_t	 klen = strlen(key);

	for (; env != NULL && *env != NULL; env++)
		if (strncmp(*env, key, klen) == 0 && (*env)[klen] == '=')
			return *env + klen + 1;
	return NULL;
}

/* Variables of systemd's that must not reach the programs. */
static bool
env_private(const char *kv)
{
	static const char *const names[] = {
		"NOTIFY_SOCKET=", "WATCHDOG_USEC=", "WATCHDOG_PID=",
	};
	size_t	i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strncmp(kv, names[i], strlen(names[i])) == 0)
			return true;
	return false;
}

struct envb {
	char	**v;
	size_t	  n;
	size_t	  cap;
};

/* Set key=val in e, replacing an earlier value as os.environ.update. */
static int
envb_set(struct envb *e, const char *key, const char *val)
{
	size_t	 i, klen = strlen(key);
	char	*kv, **nv;

	if (asprintf(&kv, "%s=%s", key, val) == -1)
		return -1;
	for (i = 0; i < e->n; i++) {
		if (strncmp(e->v[i], key, klen) == 0 && e->v[i][klen] == '=') {
			free(e->v[i]);
			e->v[i] = kv;
			return 0;
		}
	}
	if (e->n + 2 > e->cap) {
		e->cap = e->cap ? e->cap * 2 : 64;
		if ((nv = reallocarray(e->v, e->cap, sizeof(*nv))) == NULL) {
			free(kv);
			return -1;
		}
		e->v = nv;
	}
	e->v[e->n++] = kv;
	e->v[e->n] = NULL;
	return 0;
}

static void
envb_free(struct envb *e)
{
	size_t	i;

	for (i = 0; i < e->n; i++)
		free(e->v[i]);
	free(e->v);
	memset(e, 0, sizeof(*e));	/* freed again: nothing */
}

/* cfg_envfile_load's callback: set in the envb. */
static int
envb_file_set(void *arg, const char *key, const char *val)
{
	return envb_set(arg, key, val);
}

/*
 * The child's environment, as supervisor builds it: the daemon's (with
 * user_environment, user='s HOME, USER, LOGNAME and SHELL over it), then
 * SUPERVISOR_*, then [supervisord]'s environment=, then ours, the
 * environment_file, then the program's environment=.  0, or -1 with the
 * reason in err (e freed).
 */
static int
build_env(const struct sv_program *p, struct envb *e, char *err,
    size_t errlen)
{
	const struct cfg_program *c = p->cfg;
	const char *name, *f[3];
	char	**ev, *eq, *key, *pw = NULL, *at;
	size_t	 i;
	int	 r;

	memset(e, 0, sizeof(*e));
	snprintf(err, errlen, "out of memory building the environment");
	for (ev = p->ctx->environ; ev != NULL && *ev != NULL; ev++) {
		if (env_private(*ev) || (eq = strchr(*ev, '=')) == NULL)
			continue;
		if ((key = strndup(*ev, (size_t)(eq - *ev))) == NULL)
			goto fail;
		r = envb_set(e, key, eq + 1);
		free(key);
		if (r == -1)
			goto fail;
	}
	/* "NAME:HOME:SHELL": no field of a passwd entry has a ':'. */
	if (c->pw_env != NULL) {
		if ((pw = strdup(c->pw_env)) == NULL)
			goto fail;
		for (i = 0, at = pw; i < 3; i++) {
			f[i] = at;
			if ((at = strchr(at, ':')) != NULL)
				*at++ = '\0';
			else
				at = pw + strlen(c->pw_env);
		}
		r = envb_set(e, "HOME", f[1]) == -1 ||
		    envb_set(e, "USER", f[0]) == -1 ||
		    envb_set(e, "LOGNAME", f[0]) == -1 ||
		    envb_set(e, "SHELL", f[2]) == -1 ? -1 : 0;
		free(pw);
		if (r == -1)
			goto fail;
	}
	if (envb_set(e, "SUPERVISOR_ENABLED", "1") == -1)
		goto fail;
	if (c->serverurl != NULL || p->ctx->serverurl != NULL) {
		if (envb_set(e, "SUPERVISOR_SERVER_URL", c->serverurl != NULL ?
		    c->serverurl : p->ctx->serverurl) == -1)
			goto fail;
	}
	if (envb_set(e, "SUPERVISOR_PROCESS_NAME", c->name) == -1 ||
	    envb_set(e, "SUPERVISOR_GROUP_NAME", c->group) == -1)
		goto fail;
	for (i = 0; i < (size_t)c->nenv_sd && i < c->nenv; i++)
		if (envb_set(e, c->env_keys[i], c->env_vals[i]) == -1)
			goto fail;
	if (c->env_file != NULL && cfg_envfile_load(c->env_file,
	    envb_file_set, e, err, errlen) == -1)
		goto fail;
	for (; i < c->nenv; i++)
		if (envb_set(e, c->env_keys[i], c->env_vals[i]) == -1)
			goto fail;
	/* Ours: where ready=notify programs say READY=1. */
	if (c->ready != NULL && strcmp(c->ready, "notify") == 0 &&
	    p->ctx->notify_name != NULL &&
	    (name = p->ctx->notify_name(p->ctx->notify_arg)) != NULL &&
	    envb_set(e, "NOTIFY_SOCKET", name) == -1)
		goto fail;
	if (e->v == NULL && envb_set(e, "SUPERVISOR_ENABLED", "1") == -1)
		goto fail;
	return 0;
fail:
	envb_free(e);
	return -1;
}

/*
 * The PATH a command is looked for in, as supervisor's
 * ProcessConfig.get_path: the program's environment='s, else the
 * daemon's; NULL lets proc_which take supervisor's default.
 */
static const char *
command_search_path(const struct sv_program *p)
{
	const struct cfg_program *c = p->cfg;
	size_t	 i;

	for (i = c->nenv; i-- > 0;)
		if (strcmp(c->env_keys[i], "PATH") == 0)
			return c->env_vals[i];
	return env_get(p->ctx->environ, "PATH");
}

/* sv_find_command, in the PATH search (NULL: supervisor's default). */
static enum sv_cmd
find_command(const char *search, const char *prog, char *path, size_t len,
    char *msg, size_t msglen)
{
	struct stat	 st;

	if (proc_which(prog, search, path, len, &st) == -1) {
		snprintf(msg, msglen, "can't find command '%s'", path);
		return SV_CMD_NO_FILE;
	}
	if (S_ISDIR(st.st_mode)) {
		snprintf(msg, msglen, "command at '%s' is a directory", path);
		return SV_CMD_NOT_EXECUTABLE;
	}
	if ((st.st_mode & 0111) == 0) {
		snprintf(msg, msglen, "command at '%s' is not executable",
		    path);
		return SV_CMD_NOT_EXECUTABLE;
	}
	if (access(path, X_OK) == -1) {
		snprintf(msg, msglen, "no permission to run command '%s'",
		    path);
		return SV_CMD_NOT_EXECUTABLE;
	}
	return SV_CMD_OK;
}

/* cfg_envfile_load's callback: keep the last PATH (arg: a char **). */
static int
take_path(void *arg, const char *key, const char *val)
{
	char	**pp = arg, *v;

	if (strcmp(key, "PATH") != 0)
		return 0;
	if ((v = strdup(val)) == NULL)
		return -1;
	free(*pp);
	*pp = v;
	return 0;
}

enum sv_cmd
sv_find_command(const struct sv_program *p, const char *prog, char *path,
    size_t len, char *msg, size_t msglen)
{
	const struct cfg_program *c = p->cfg;
	enum sv_cmd	 r;
	char		*fpath = NULL;
	size_t		 i;

	/*
	 * An environment_file's PATH counts, below the program's own
	 * environment= (a file that fails leaves the spawn to say why).
	 */
	for (i = (size_t)c->nenv_sd; i < c->nenv; i++)
		if (strcmp(c->env_keys[i], "PATH") == 0)
			break;
	if (c->env_file != NULL && i == c->nenv &&
	    cfg_envfile_load(c->env_file, take_path, &fpath, msg,
	    msglen) == -1) {
		free(fpath);
		fpath = NULL;
	}
	r = find_command(fpath != NULL ? fpath : command_search_path(p), prog,
	    path, len, msg, msglen);
	free(fpath);
	return r;
}

static void
spawn_failed(struct sv_program *p, const struct proc_spawn_err *e)
{
	const struct cfg_program *c = p->cfg;

	switch (e->step) {
	case PROC_STEP_PIPE:
		if (e->err == EMFILE || e->err == ENFILE)
			set_spawnerr(p, "too many open files to spawn '%s'",
			    c->name);
		else
			set_spawnerr(p, "unknown error making dispatchers for "
			    "'%s': %s", c->name, strerror(e->err));
		break;
	case PROC_STEP_FORK:
		if (e->err == EAGAIN)
			set_spawnerr(p, "Too many processes in process table "
			    "to spawn '%s'", c->name);
		else
			set_spawnerr(p, "unknown error during fork for '%s': "
			    "%s", c->name, strerror(e->err));
		break;
	case PROC_STEP_CHDIR:
		set_spawnerr(p, "couldn't chdir to %s: %s", c->directory,
		    strerror(e->err));
		break;
	case PROC_STEP_SETUID:
	case PROC_STEP_SETGID:
	case PROC_STEP_SETGROUPS:
		set_spawnerr(p, "couldn't %s to %s: %s",
		    proc_step_name(e->step), c->user != NULL ? c->user : "?",
		    strerror(e->err));
		break;
	case PROC_STEP_EXEC:
		set_spawnerr(p, "couldn't exec %s: %s", c->command,
		    strerror(e->err));
		break;
	default:
		set_spawnerr(p, "couldn't %s for '%s': %s",
		    proc_step_name(e->step), c->name, strerror(e->err));
		break;
	}
}

/* Give back the socket reference that the last spawn took. */
static void
put_sock(struct sv_program *p)
{
	if (!p->has_sock)
		return;
	p->has_sock = false;
	if (p->ctx->sock_put != NULL)
		p->ctx->sock_put(p->ctx->arg, p);
}

/* Open the log destinations once, at the first spawn. */
static void
open_outputs(struct sv_program *p)
{
	const struct cfg_program *c = p->cfg;

	if (p->out.label == NULL)
		out_open(&p->out, "stdout", c->name, &c->out, p->ctx->childlogdir,
		    p->ctx->identifier);
	if (p->err.label == NULL && !c->redirect_stderr)
		out_open(&p->err, "stderr", c->name, &c->err, p->ctx->childlogdir,
		    p->ctx->identifier);
}

/*
 * Fork and exec, as supervisor's Subprocess.spawn: a failure before or
 * in the child is a spawn error (-> BACKOFF), logged as "spawnerr: ...":
 * at once where proc_spawn says so (the clone path knows the child's fate
 * when it returns), or when the fork path's report comes (read_report).
 */
static void
act_spawn(struct sv_program *p)
{
	const struct cfg_program *c = p->cfg;
	struct proc_spawn_spec	 spec;
	struct proc_spawn_err	 err, pipe_err;
	struct proc_pipes	 pipes;
	struct proc_child	 child;
	struct envb		 env;
	char			 path[PATH_MAX], **argv = NULL, msg[PATH_MAX + 64];
	const char		*why;
	gid_t			 groups[NGROUPS_MAX];
	int			 ngroups = NGROUPS_MAX;
	size_t			 argc;
	pid_t			 pid;
	bool			 use_sock;

	memset(&env, 0, sizeof(env));	/* freed at fail: */
	/* depends_on=: no try before what it waits for holds. */
	if (c->depends_on != NULL && p->ctx->deps_check != NULL &&
	    !deps_hold(p))
		return;

	/*
	 * The pipes first: without descriptors for them the program waits,
	 * STOPPED, and this is no try (fdq_wait).
	 */
	use_sock = c->socket != NULL && p->ctx->sock_get != NULL;
	pipe_err.step = PROC_STEP_NONE;
	if (proc_pipes_open(&pipes, c->redirect_stderr, use_sock) == -1 ||
	    fd_short(p, &pipes)) {
		if ((errno == EMFILE || errno == ENFILE) &&
		    p->ctx->fdq != NULL && !p->ctx->fdq->closed) {
			fdq_wait(p);
			return;
		}
		pipe_err.step = PROC_STEP_PIPE;
		pipe_err.err = errno;
	} else if (p->fd_wait) {
		fdq_leave(p);
		p->ctx->fdq->started++;
	}

	/*
	 * startsecs counts from now, not from the start of this loop turn,
	 * which may have spawned hundreds already (startup, a reload).
	 */
	ev_now_update(p->ctx->loop);
	if (p->state != SV_STOPPED)
		p->restarts++;
	spawnerr_clear(p);
	p->started = ev_now(p->ctx->loop);
	p->laststart = time(NULL);
	sv_enter(p, SV_STARTING);

	if (pipe_err.step != PROC_STEP_NONE) {
		spawn_failed(p, &pipe_err);
		goto fail;
	}
	if (proc_split(c->command, &argv, &argc, &why) == -1) {
		if (why == NULL)
			set_spawnerr(p, "out of memory parsing command");
		else
			set_spawnerr(p, "can't parse command '%s': %s",
			    c->command, why);
		goto fail;
	}
	if (argc == 0) {
		set_spawnerr(p, "can't find command ''");
		goto fail;
	}
	if (build_env(p, &env, msg, sizeof(msg)) == -1) {
		set_spawnerr(p, "%s", msg);
		goto fail;
	}
	/* The PATH it gets is where its command is looked for: the
	 * program's environment=, an environment_file, the daemon's. */
	if (find_command(env_get(env.v, "PATH"), argv[0], path, sizeof(path),
	    msg, sizeof(msg)) != SV_CMD_OK) {
		set_spawnerr(p, "%s", msg);
		goto fail;
	}

	memset(&spec, 0, sizeof(spec));
	if (c->has_uid && c->uid != getuid()) {
		if (getuid() != 0) {
			set_spawnerr(p, "Can't drop privilege as nonroot "
			    "user");
			goto fail;
		}
		spec.set_ids = true;
		spec.uid = c->uid;
		spec.gid = c->gid;
		if (getgrouplist(c->user != NULL ? c->user : "", c->gid,
		    groups, &ngroups) == -1)
			ngroups = 0;
		spec.groups = groups;
		spec.ngroups = (size_t)(ngroups > 0 ? ngroups : 0);
		if (spec.ngroups == 0) {
			groups[0] = c->gid;
			spec.ngroups = 1;
		}
	}
	spec.path = path;
	spec.argv = argv;
	spec.envp = env.v;
	spec.dir = c->directory;
	spec.set_umask = c->umask >= 0;
	spec.umask = c->umask >= 0 ? (mode_t)c->umask : 0;
	spec.merge_stderr = c->redirect_stderr;
	spec.die_with_parent = c->stop_with_daemon;
	spec.rlimits = p->ctx->rlimits;
	spec.nrlimits = p->ctx->nrlimits;
	spec.pipes = &pipes;
	/* Fork path: fork the next program while this one sets itself up,
	 * its report read by a watcher made for it once. */
	spec.async_report = true;
	if (proc_spawn_mode() == PROC_SPAWN_FORK && p->report == NULL) {
		if ((p->report = malloc(sizeof(*p->report))) == NULL) {
			set_spawnerr(p, "out of memory spawning '%s'",
			    c->name);
			envb_free(&env);
			goto fail;
		}
		ev_io_init(p->report, report_cb, -1, EV_READ);
		p->report->data = p;
	}
	if (use_sock) {
		if ((spec.stdin_fd = p->ctx->sock_get(p->ctx->arg, p)) == -1) {
			set_spawnerr(p, "couldn't open the socket of '%s': %s",
			    c->name, strerror(errno));
			envb_free(&env);
			goto fail;
		}
		spec.use_stdin_fd = true;
		p->has_sock = true;
	}

	open_outputs(p);
	pid = proc_spawn(&spec, &child, &err);
	envb_free(&env);
	if (pid == -1) {
		put_sock(p);
		spawn_failed(p, &err);
		goto fail;
	}
	proc_split_free(argv);
	p->pid = pid;
	p->gone_pid = 0;
	if (p->ctx->fdq != NULL)
		p->ctx->fdq->holding++;
	if (p->ctx->on_pid != NULL)
		p->ctx->on_pid(p->ctx->arg, p);
	p->in_fd = child.in_fd;
	p->exec_failed = false;
	p->startsecs_done = false;
	/* The fork path's report pipe; on the clone path the exec (or
	 * its failure, returned above) is known already. */
	if (child.report_fd != -1) {
		assert(p->report != NULL);
		ev_io_set(p->report, child.report_fd, EV_READ);
		ev_io_start(p->ctx->loop, p->report);
	}
	out_attach(p->ctx->loop, &p->out, child.out_fd);
	if (child.err_fd != -1) {
		out_attach(p->ctx->loop, &p->err, child.err_fd);
	}
	log_info("spawned: '%s' with pid %d", c->name, (int)pid);
	return;
fail:
	envb_free(&env);
	proc_pipes_close(&pipes);
	proc_split_free(argv);
	sv_event(p, SV_EV_SPAWNERR);
}

/* The backoff delay is over: try again, unless a stop came meanwhile. */
static void
act_retry(struct sv_program *p)
{
	if (p->want_up)
		act_spawn(p);
	else
		act_cancel(p);
}

/*
 * ready= (ours): while STARTING, the file or the port is checked every
 * SV_READY_TICK; RUNNING once it is there.  Past ready_timeout the
 * process is killed (stopsignal, SIGKILL after stopwaitsecs) while it
 * stays STARTING, and its exit is a failed start: no STOPPING nor
 * STOPPED, which listeners would take for a stop.
 */
static void
ready_free(struct sv_program *p)
{
	if (p->ready == NULL)
		return;
	if (p->ready->fd != -1)
		close(p->ready->fd);
	free(p->ready->path);
	free(p->ready);
	p->ready = NULL;
}

/* Before the spawn: the checks' state; false to fall back on startsecs. */
static bool
ready_start(struct sv_program *p)
{
	struct sv_ready	*r;
	const char	*why;

	ready_free(p);
	if ((r = calloc(1, sizeof(*r))) == NULL) {
		log_warn("%s: no memory for its ready= checks: startsecs "
		    "decides", p->cfg->name);
		return false;
	}
	r->fd = -1;
	if (cfg_ready_parse(p->cfg->ready, &r->r, &why) == -1) {
		/* Checked at load: not reached. */
		log_warnx("%s: ready=%s: %s", p->cfg->name, p->cfg->ready, why);
		free(r);
		return false;
	}
	if (r->r.kind == CFG_READY_FILE) {
		if ((r->path = strdup(r->r.path)) == NULL) {
			free(r);
			log_warn("%s: no memory for its ready= checks: "
			    "startsecs decides", p->cfg->name);
			return false;
		}
		r->r.path = r->path;
	}
	r->deadline = ev_now(p->ctx->loop) + p->cfg->ready_timeout;
	/* A file the last run left is no sign of this one. */
	if (r->r.kind == CFG_READY_FILE && unlink(r->r.path) == -1 &&
	    errno != ENOENT)
		log_warn("%s: couldn't remove %s before the start",
		    p->cfg->name, r->r.path);
	p->ready = r;
	return true;
}

/* A non-blocking connect, one step per tick: whether it got through. */
static bool
ready_tcp(struct sv_ready *r)
{
	struct pollfd	pf;
	socklen_t	len = sizeof(int);
	int		err = 0;

	if (r->fd == -1) {
		if ((r->fd = socket(r->r.addr.ss_family, SOCK_STREAM |
		    SOCK_NONBLOCK | SOCK_CLOEXEC, 0)) == -1)
			return false;
		if (connect(r->fd, (struct sockaddr *)&r->r.addr,
		    r->r.addrlen) == 0)
			goto done;
		if (errno == EINPROGRESS)
			return false;
		err = -1;
		goto done;
	}
	pf.fd = r->fd;
	pf.events = POLLOUT;
	pf.revents = 0;
	/* A zero timeout: it only asks. */
	if (poll(&pf, 1, 0) <= 0)
		return false;
	if (getsockopt(r->fd, SOL_SOCKET, SO_ERROR, &err, &len) == -1)
		err = -1;
done:
	close(r->fd);
	r->fd = -1;
	return err == 0;
}

static void
ready_tick(struct sv_program *p)
{
	struct sv_ready	*r = p->ready;
	struct stat	 st;
	bool		 ok;
	char		*msg;

	if (r->killing) {
		/* stopwaitsecs went by since the stop signal. */
		signal_process(p, SIGKILL, p->cfg->killasgroup);
		return;
	}
	switch (r->r.kind) {
	case CFG_READY_FILE:
		ok = stat(r->r.path, &st) == 0;
		break;
	case CFG_READY_TCP:
		ok = ready_tcp(r);
		break;
	default:
		ok = false;	/* notify: READY=1 comes by itself */
		break;
	}
	if (ok) {
		sv_event(p, SV_EV_STARTSECS);
		return;
	}
	if (ev_now(p->ctx->loop) < r->deadline) {
		ev_timer_set(&p->timer, SV_READY_TICK, 0.);
		ev_timer_start(p->ctx->loop, &p->timer);
		return;
	}
	r->killing = true;
	spawnerr_clear(p);
	if (asprintf(&msg, "not ready after %d s", p->cfg->ready_timeout) >=
	    0)
		p->spawnerr = p->spawnerr_own = msg;
	else
		p->spawnerr = "not ready in time";
	log_warnx("%s: %s (%s): killing it", p->cfg->name, p->spawnerr,
	    p->cfg->ready);
	signal_process(p, p->cfg->stopsignal, p->cfg->stopasgroup);
	ev_timer_set(&p->timer, p->cfg->stopwaitsecs, 0.);
	ev_timer_start(p->ctx->loop, &p->timer);
}

void
sv_notify_ready(struct sv_program *p)
{
	if (p->state != SV_STARTING || p->ready == NULL ||
	    p->ready->r.kind != CFG_READY_NOTIFY || p->ready->killing)
		return;
	sv_event(p, SV_EV_STARTSECS);
}

void
sv_notify_status(struct sv_program *p, const char *text, size_t n)
{
	char	*s;
	size_t	 i;

	if (n > SV_STATUS_MAX)
		n = SV_STATUS_MAX;
	if ((s = malloc(n + 1)) == NULL)
		return;
	/* One line of printable text in a status line. */
	for (i = 0; i < n; i++)
		s[i] = (unsigned char)text[i] < 0x20 || text[i] == 0x7f ?
		    ' ' : text[i];
	s[n] = '\0';
	free(p->note);
	p->note = s;
}

static void
dep_wait_end(struct sv_program *p)
{
	if (!p->dep_wait)
		return;
	p->dep_wait = false;
	free(p->note);
	p->note = NULL;
	if (p->ctx->on_wait != NULL)
		p->ctx->on_wait(p->ctx->arg, p, false);
}

/*
 * Whether p's dependencies hold, for a start.  If not yet, p waits where
 * it is (STOPPED: "waiting for NAME"), and the supervisor starts it again
 * when one of them changes; if never (one is FATAL), p is FATAL.
 */
static bool
deps_hold(struct sv_program *p)
{
	char	why[256], *w;
	int	r;

	r = p->ctx->deps_check(p->ctx->arg, p, why, sizeof(why));
	if (r == 1) {
		dep_wait_end(p);
		return true;
	}
	if (r == -1) {
		dep_wait_end(p);
		set_spawnerr(p, "%s", why);
		sv_enter(p, SV_FATAL);
		log_info("gave up: %s entered FATAL state, %s", p->cfg->name,
		    why);
		return false;
	}
	if (!p->dep_wait || p->note == NULL || strcmp(p->note, why)) {
		if (!p->dep_wait)
			log_info("%s: %s", p->cfg->name, why);
		if ((w = strdup(why)) != NULL) {
			free(p->note);
			p->note = w;
		}
	}
	if (!p->dep_wait) {
		p->dep_wait = true;
		if (p->ctx->on_wait != NULL)
			p->ctx->on_wait(p->ctx->arg, p, true);
	}
	return false;
}

/* xorshift32, seeded once: the jitter needs no more. */
static uint32_t
jitter_rand(void)
{
	static uint32_t	x;

	if (x == 0)
		x = (uint32_t)getpid() * 2654435761u ^ (uint32_t)time(NULL) ^
		    1u;
	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	return x;
}

/*
 * The delay before the next try after p->backoff failed starts in a row.
 * supervisor's linear rule (1 s, 2 s, 3 s ...) by default, as it is
 * (capped at backoff_max only under retry_forever, where it would grow
 * without end); exponential doubles from 1 s up to backoff_max.  Its delays
 * are jittered by at most 10% either way, so that programs that failed
 * together do not retry in lockstep.
 */
static double
backoff_delay(const struct sv_program *p)
{
	const struct cfg_program *c = p->cfg;
	double	d, cap = c->backoff_max > 0 ? c->backoff_max : 1;
	int	n = p->backoff > 0 ? p->backoff : 1;

	if (c->backoff_kind != CFG_BACKOFF_EXPONENTIAL)
		return n < cap || !c->retry_forever ? n : cap;
	d = n > 30 ? cap : (double)(1u << (n - 1));
	if (d > cap)
		d = cap;
	return d * (0.9 + 0.2 * (jitter_rand() / 4294967296.0));
}

/*
 * Into BACKOFF; then FATAL when the retries are used up, as supervisor,
 * whose listeners see BACKOFF (tries: one more than startretries) and
 * FATAL from BACKOFF.
 */
static void
act_backoff(struct sv_program *p)
{
	/* supervisor 4.2.5: the delay grows 1 s per failed try. */
	if (p->backoff < INT_MAX)
		p->backoff++;
	if (p->backoff > p->cfg->startretries && !p->cfg->retry_forever) {
		sv_enter(p, SV_BACKOFF);
		p->backoff = 0;
		sv_enter(p, SV_FATAL);
		log_info("gave up: %s entered FATAL state, too many start "
		    "retries too quickly", p->cfg->name);
		return;
	}
	if (!p->want_up) {
		sv_enter(p, SV_STOPPED);
		return;
	}
	sv_enter(p, SV_BACKOFF);
}

static void
act_running(struct sv_program *p)
{
	/*
	 * RUNNING needs both: startsecs elapsed and the exec confirmed.
	 * With startsecs=0 the timer usually wins; the report then moves
	 * the program on (report_cb).
	 */
	if (report_fd(p) != -1) {
		p->startsecs_done = true;
		return;
	}
	if (p->exec_failed)
		return;		/* its exit comes next: a spawn error */
	p->backoff = 0;
	if (p->ready != NULL) {
		sv_enter(p, SV_RUNNING);
		log_info("success: %s entered RUNNING state, process is ready "
		    "(%s)", p->cfg->name, p->cfg->ready);
		return;
	}
	sv_enter(p, SV_RUNNING);
	log_info("success: %s entered RUNNING state, process has stayed up "
	    "for > than %d seconds (startsecs)", p->cfg->name,
	    p->cfg->startsecs);
}

/* A stop request while BACKOFF: nothing runs, so just stop there. */
static void
act_cancel(struct sv_program *p)
{
	p->backoff = 0;
	sv_enter(p, SV_STOPPED);
}

static void
signal_process(struct sv_program *p, int sig, bool group)
{
	if (proc_kill(p->pid, sig, group) == -1 && errno != ESRCH)
		log_warn("couldn't send SIG%s to '%s' (pid %d)",
		    proc_sig_name(sig) != NULL ? proc_sig_name(sig) : "?",
		    p->cfg->name, (int)p->pid);
}

static void
act_stop(struct sv_program *p)
{
	const char *name = proc_sig_name(p->cfg->stopsignal);

	log_debug("killing %s (pid %d) %swith signal SIG%s", p->cfg->name,
	    (int)p->pid, p->cfg->stopasgroup ? "process group " : "",
	    name != NULL ? name : "?");
	sv_enter(p, SV_STOPPING);
	/* What it writes as it stops must not hold it until SIGKILL. */
	out_stopping(p->ctx->loop, &p->out);
	out_stopping(p->ctx->loop, &p->err);
	signal_process(p, p->cfg->stopsignal, p->cfg->stopasgroup);
}

static void
act_kill(struct sv_program *p)
{
	log_warnx("killing '%s' (%d) with SIGKILL", p->cfg->name, (int)p->pid);
	signal_process(p, SIGKILL, p->cfg->killasgroup);
}

static bool
exit_expected(const struct sv_program *p)
{
	size_t	i;

	for (i = 0; i < p->cfg->nexitcodes; i++)
		if (p->cfg->exitcodes[i] == p->exitstatus)
			return true;
	return false;
}

/*
 * Read the child's exec report (fork path only) if it is there.  False
 * while the child is still setting up.  A failure is logged as supervisor's spawnerr; the
 * child then exits 127, and that exit is judged as a spawn error.
 */
static bool
read_report(struct sv_program *p)
{
	struct proc_spawn_err	err;
	int			r;

	if (report_fd(p) == -1)
		return true;
	if ((r = proc_spawn_report(p->report->fd, &err)) == -1 &&
	    errno == EAGAIN)
		return false;
	report_close(p);
	if (r != 0) {
		p->exec_failed = true;
		spawn_failed(p, &err);
		/* An unreadable report: the child's fate is unknown. */
		if (err.step == PROC_STEP_NONE && p->pid > 0)
			signal_process(p, SIGKILL, false);
	}
	return true;
}

static void
report_cb(struct ev_loop *loop, ev_io *w, int revents)
{
	struct sv_program *p = w->data;

	(void)loop;
	(void)revents;
	if (!read_report(p) || p->exec_failed)
		return;
	if (p->state == SV_STARTING && p->startsecs_done)
		sv_event(p, SV_EV_STARTSECS);
}

/* The process is gone: collect its last output and its pipes. */
static void
finish(struct sv_program *p)
{
	(void)read_report(p);
	out_drain(p->ctx->loop, &p->out);
	out_drain(p->ctx->loop, &p->err);
	if (p->in_fd != -1) {
		close(p->in_fd);
		p->in_fd = -1;
	}
	put_sock(p);
	if (p->ctx->fdq != NULL && p->pid > 0) {
		p->ctx->fdq->holding--;
		fdq_kick(p->ctx->fdq);
	}
	p->gone_pid = p->pid;
	p->pid = 0;
	p->laststop = time(NULL);
	p->exitstatus = proc_exit_code(p->status);
}

/* An exit while STARTING: too quickly (BACKOFF), or it made it after all. */
static void
act_early_exit(struct sv_program *p)
{
	char	text[128];

	/* The child is gone, so its report is complete. */
	(void)read_report(p);
	if (p->exec_failed) {
		finish(p);
		act_backoff(p);
		return;
	}
	/* With ready=, an exit before it said so is a failed start. */
	if (p->ready == NULL &&
	    ev_now(p->ctx->loop) - p->started >= p->cfg->startsecs) {
		/* The startsecs timer had not run yet: as supervisor, count
		 * the process as having reached RUNNING. */
		act_running(p);
		act_exit(p);
		return;
	}
	finish(p);
	p->exitstatus = -1;
	if (p->ready != NULL && p->ready->killing) {
		/* Its spawnerr says "not ready after N s" already. */
		log_warnx("exited: %s (%s; not ready)", p->cfg->name,
		    proc_exit_text(p->status, text, sizeof(text)));
		act_backoff(p);
		return;
	}
	spawnerr_clear(p);
	p->spawnerr = "Exited too quickly (process log may have details)";
	log_warnx("exited: %s (%s; not expected)", p->cfg->name,
	    proc_exit_text(p->status, text, sizeof(text)));
	act_backoff(p);
}

static void
act_exit(struct sv_program *p)
{
	char	text[128];
	bool	expected, restart;

	finish(p);
	p->backoff = 0;
	expected = exit_expected(p);
	p->expected = expected;
	proc_exit_text(p->status, text, sizeof(text));
	/* Logged before the change, as supervisor: a listener told of it
	 * finds the line in the log. */
	if (expected)
		log_info("exited: %s (%s; expected)", p->cfg->name, text);
	else {
		spawnerr_clear(p);
		if (asprintf(&p->spawnerr_own, "Bad exit code %d",
		    p->exitstatus) >= 0)
			p->spawnerr = p->spawnerr_own;
		else
			p->spawnerr_own = NULL;
		log_warnx("exited: %s (%s; not expected)", p->cfg->name, text);
	}
	sv_enter(p, SV_EXITED);
	restart = restarts(p, expected);
	if (restart && p->want_up && p->state == SV_EXITED)
		sv_event(p, SV_EV_START);
}

static void
act_stopped(struct sv_program *p)
{
	char	text[128];

	finish(p);
	p->backoff = 0;
	proc_exit_text(p->status, text, sizeof(text));
	if (exit_expected(p))
		log_info("stopped: %s (%s)", p->cfg->name, text);
	else
		log_warnx("stopped: %s (%s)", p->cfg->name, text);
	sv_enter(p, SV_STOPPED);
}

/* Whether an exit that was (not) expected restarts, as act_exit does. */
static bool
restarts(const struct sv_program *p, bool expected)
{
	switch (p->cfg->autorestart) {
	case CFG_AR_TRUE:
		return true;
	case CFG_AR_UNEXPECTED:
		return !expected;
	default:
		return false;
	}
}

bool
sv_ended(const struct sv_program *p)
{
	return p->state == SV_FATAL || (p->state == SV_EXITED &&
	    !(restarts(p, p->expected) && p->want_up));
}

void
sv_exit(struct sv_program *p, int status)
{
	p->status = status;
	sv_event(p, SV_EV_EXIT);
}

void
sv_take_pending(struct sv_program *p)
{
	if (p->pending == NULL)
		return;
	cfg_program_free(p->cfg);
	p->cfg = p->pending;		/* moved */
	p->pending = NULL;
	p->out.owner = p->err.owner = p->cfg->name;
	p->out.hook_raw = p->cfg->kind == CFG_KIND_EVENTLISTENER;
	/* Log settings may have changed: the next spawn reopens them. */
	out_close(p->ctx->loop, &p->out);
	out_close(p->ctx->loop, &p->err);
	p->backoff = 0;
}

void
sv_reopen_logs(struct sv_program *p)
{
	out_reopen(&p->out);
	out_reopen(&p->err);
}
