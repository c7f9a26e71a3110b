/*
 * rpc_proc: the process methods of rpcinterface.py (see rpc_proc.h).
 * Starts and stops that wait keep one item per process and answer once
 * every item has settled; the group and all variants answer supervisor's
 * result structs, first those settled at once, then the others as they
 * settle (make_allfunc's order).
 */
#include <sys/types.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "libproc/signame.h"
#include "libproc/split.h"
#include "supervisord/program.h"
#include "supervisord/rpc_core.h"
#include "supervisord/rpc_proc.h"
#include "supervisord/status.h"
#include "supervisord/supervisor.h"
#include "supervisord/xmlrpc.h"

#define NAMEMAX		4096		/* a namespec's group, at most */

enum op {
	OP_START = 0,
	OP_STOP,
	OP_SIGNAL
};

enum rpc_status
rpc_get_process_info(struct rpc_call *c, struct xr_out *o)
{
	struct sv_program *p;
	const char	*name;
	char		 group[NAMEMAX];
	int		 code;

	if ((name = rpc_arg_str(c->argv[0])) == NULL)
		return rpc_fail(o, RPC_INCORRECT_PARAMETERS, NULL);
	if ((code = rpc_lookup(c->r, name, group, sizeof(group), &p)) != 0)
		return rpc_fail(o, code, name);
	if (p == NULL)
		return rpc_fail(o, RPC_BAD_NAME, name);
	rpc_put_info(o, p, time(NULL), false);
	return RPC_DONE;
}

/*
 * getAllProcessInfo, or brief, diff.getAllProcessStatus: the same walk;
 * diff.health is the brief one of the processes that are not healthy.
 */
static enum rpc_status
all_info(struct rpc_call *c, struct xr_out *o, bool brief, bool sick)
{
	struct sv_program *p;

	if (c->phase == 0) {
		if (rpc_snap_take(c) == -1)
			return rpc_fail(o, RPC_FAILED, "out of memory");
		xr_array_begin(o);
		c->phase = 1;
	}
	while ((p = rpc_snap_next(c)) != NULL) {
		if (xr_room(o) == 0)
			return RPC_MORE;
		if (!sick || !st_healthy(p))
			rpc_put_info(o, p, time(NULL), brief);
		rpc_snap_done(c, p);
	}
	xr_array_end(o);
	return RPC_DONE;
}

enum rpc_status
rpc_get_all_process_info(struct rpc_call *c, struct xr_out *o)
{
	return all_info(c, o, false, false);
}

enum rpc_status
rpc_get_all_process_status(struct rpc_call *c, struct xr_out *o)
{
	return all_info(c, o, true, false);
}

enum rpc_status
rpc_health(struct rpc_call *c, struct xr_out *o)
{
	return all_info(c, o, true, true);
}

/* What get_execv_args says of p's command: 0, NO_FILE or NOT_EXECUTABLE
 * with supervisor's message in msg. */
static int
check_command(const struct sv_program *p, char *msg, size_t len)
{
	char		**argv = NULL, path[4096];
	const char	*why;
	size_t		 argc;
	int		 code = 0;

	if (proc_split(p->cfg->command, &argv, &argc, &why) == -1) {
		snprintf(msg, len, "can't parse command %s",
		    p->cfg->command);
		return RPC_NOT_EXECUTABLE;
	}
	if (argc == 0) {
		snprintf(msg, len, "can't find command ''");
		code = RPC_NO_FILE;
	} else {
		switch (sv_find_command(p, argv[0], path, sizeof(path), msg,
		    len)) {
		case SV_CMD_OK:
			break;
		case SV_CMD_NO_FILE:
			code = RPC_NO_FILE;
			break;
		case SV_CMD_NOT_EXECUTABLE:
			code = RPC_NOT_EXECUTABLE;
			break;
		}
	}
	proc_split_free(argv);
	return code;
}

/* supervisor's startProcess for one process. */
static void
start_one(struct rpc_call *c, struct sv_program *p, const char *spec,
    bool wait)
{
	struct rpc_item	*it;
	char		 msg[4200];
	int		 code;

	if ((it = rpc_item_add(c, p, spec)) == NULL)
		return;
	if ((code = check_command(p, msg, sizeof(msg))) != 0) {
		rpc_item_settle(it, code, msg);
		return;
	}
	if (sup_running_state(p)) {
		rpc_item_settle(it, RPC_ALREADY_STARTED, spec);
		return;
	}
	/*
	 * STOPPING: supervisor's spawn() refuses while a pid is there, and
	 * the wait then finds the process neither STARTING nor RUNNING.
	 */
	if (p->state == SV_STOPPING) {
		rpc_item_settle(it, wait ? RPC_ABNORMAL_TERMINATION :
		    RPC_SUCCESS, wait ? spec : NULL);
		return;
	}
	if (!sup_start(c->r->s, p)) {
		rpc_item_settle(it, RPC_FAILED, spec);
		return;
	}
	/* Started once its dependencies hold: waited for like a start. */
	if (p->dep_wait) {
		if (wait)
			rpc_item_wait(it, RPC_W_START);
		else
			rpc_item_settle(it, RPC_SUCCESS, NULL);
		return;
	}
	/* No descriptor for it: it waits in the queue, not started. */
	if (p->spawnerr != NULL || p->fd_wait) {
		rpc_item_settle(it, RPC_SPAWN_ERROR, spec);
		return;
	}
	if (wait && p->state != SV_RUNNING)
		rpc_item_wait(it, RPC_W_START);
	else
		rpc_item_settle(it, RPC_SUCCESS, NULL);
}

/* supervisor's stopProcess for one process. */
static void
stop_one(struct rpc_call *c, struct sv_program *p, const char *spec,
    bool wait)
{
	struct rpc_item	*it;

	if ((it = rpc_item_add(c, p, spec)) == NULL)
		return;
	/* A start waiting for its dependencies: cancelled, and then it
	 * answers as a stopped process does. */
	(void)sup_cancel_start(c->r->s, p);
	if (!sup_stoppable(p)) {
		rpc_item_settle(it, RPC_NOT_RUNNING, spec);
		return;
	}
	(void)sup_stop(c->r->s, p);
	if (wait && !sv_at_rest(p))
		rpc_item_wait(it, RPC_W_STOP);
	else
		rpc_item_settle(it, RPC_SUCCESS, NULL);
}

static bool
signallable(const struct sv_program *p)
{
	return p->state == SV_RUNNING || p->state == SV_STARTING ||
	    p->state == SV_STOPPING;
}

/* signal_number(): a name ('HUP', 'SIGHUP') or a number ('1', 1); -1 for
 * none, with its text in buf for the fault. */
static int
signal_arg(const struct xr_val *a, char *buf, size_t len)
{
	const char	*s;

	if (a->type == XR_INT || a->type == XR_BOOL)
		snprintf(buf, len, "%lld", a->i);
	else if ((s = rpc_arg_str(a)) != NULL)
		snprintf(buf, len, "%s", s);
	else {
		snprintf(buf, len, "?");
		return -1;
	}
	return proc_sig_num(buf);
}

/* supervisor's signalProcess for one process. */
static void
signal_one(struct rpc_call *c, struct sv_program *p, const char *spec,
    const struct xr_val *sigarg)
{
	struct rpc_item	*it;
	char		 text[256], msg[512];
	int		 sig;

	if ((it = rpc_item_add(c, p, spec)) == NULL)
		return;
	if ((sig = signal_arg(sigarg, text, sizeof(text))) <= 0) {
		rpc_item_settle(it, RPC_BAD_SIGNAL, text);
		return;
	}
	if (!signallable(p)) {
		rpc_item_settle(it, RPC_NOT_RUNNING, spec);
		return;
	}
	if (sup_signal(c->r->s, p, sig) == -1) {
		snprintf(msg, sizeof(msg), "%s", strerror(errno));
		rpc_item_settle(it, RPC_FAILED, msg);
		return;
	}
	rpc_item_settle(it, RPC_SUCCESS, NULL);
}

/*
 * make_allfunc: op on every live process of group (NULL: all) that its
 * predicate takes, in start order.  -1 when memory ran out.
 */
static int
batch(struct rpc_call *c, const char *group, enum op op, bool wait,
    const struct xr_val *sigarg)
{
	struct supervisor *s = c->r->s;
	struct sv_program *p, **v;
	char		 spec[2 * NAMEMAX];
	size_t		 i, n = 0;
	bool		 take;

	if ((v = calloc(s->n + 1, sizeof(*v))) == NULL)
		return -1;
	/* A copy: a start or stop may reorder nothing, but be sure. */
	TAILQ_FOREACH(p, &s->programs, entry)
		if (!p->doomed && (group == NULL ||
		    strcmp(p->cfg->group, group) == 0))
			v[n++] = p;
	if (rpc_items_new(c, n) == -1) {
		free(v);
		return -1;
	}
	for (i = 0; i < n; i++) {
		p = v[i];
		switch (op) {
		case OP_START:
			take = !sup_running_state(p);
			break;
		case OP_STOP:
			take = sup_stoppable(p);
			break;
		default:
			take = signallable(p);
			break;
		}
		if (!take)
			continue;
		rpc_namespec(p->cfg->group, p->cfg->name, spec, sizeof(spec));
		if (op == OP_START)
			start_one(c, p, spec, wait);
		else if (op == OP_STOP)
			stop_one(c, p, spec, wait);
		else
			signal_one(c, p, spec, sigarg);
	}
	free(v);
	return 0;
}

/* The answer, once every item settled: True or the fault for one
 * process, the result structs for many. */
static enum rpc_status
answer(struct rpc_call *c, struct xr_out *o)
{
	const struct rpc_item *it;

	if (c->npending > 0)
		return RPC_WAIT;
	if (!c->single)
		return rpc_put_results(c, o);
	it = &c->items[0];
	if (c->nitems == 0)
		return rpc_fail(o, RPC_FAILED, "out of memory");
	if (it->code != RPC_SUCCESS) {
		xr_fault(o, it->code, it->text != NULL ? it->text :
		    rpc_fault_name(it->code));
		return RPC_DONE;
	}
	xr_put_bool(o, true);
	return RPC_DONE;
}

/* startProcess, stopProcess, signalProcess: one process, or its group. */
static enum rpc_status
one_or_group(struct rpc_call *c, struct xr_out *o, enum op op)
{
	struct sv_program *p;
	const struct xr_val *sigarg = NULL;
	const char	*name;
	char		 group[NAMEMAX];
	bool		 wait = true;
	int		 code;

	if (c->phase != 0)
		return answer(c, o);
	if ((name = rpc_arg_str(c->argv[0])) == NULL)
		return rpc_fail(o, RPC_INCORRECT_PARAMETERS, NULL);
	if (op == OP_SIGNAL)
		sigarg = c->argv[1];
	else if (c->argc > 1)
		wait = rpc_truthy(c->argv[1]);
	if ((code = rpc_lookup(c->r, name, group, sizeof(group), &p)) != 0)
		return rpc_fail(o, code, name);
	c->phase = 1;
	if (p == NULL) {
		if (batch(c, group, op, wait, sigarg) == -1)
			return rpc_fail(o, RPC_FAILED, "out of memory");
		return answer(c, o);
	}
	if (rpc_items_new(c, 1) == -1)
		return rpc_fail(o, RPC_FAILED, "out of memory");
	c->single = true;
	if (op == OP_START)
		start_one(c, p, name, wait);
	else if (op == OP_STOP)
		stop_one(c, p, name, wait);
	else
		signal_one(c, p, name, sigarg);
	return answer(c, o);
}

/* The group and all variants. */
static enum rpc_status
many(struct rpc_call *c, struct xr_out *o, enum op op, bool all)
{
	const struct xr_val *sigarg = NULL;
	const char	*group = NULL;
	size_t		 next = 0;
	bool		 wait = true;

	if (c->phase != 0)
		return answer(c, o);
	if (!all) {
		group = rpc_arg_str(c->argv[0]);
		if (group == NULL || !rpc_group_live(c->r, group))
			return rpc_fail(o, RPC_BAD_NAME, group != NULL ?
			    group : "?");
		next = 1;
	}
	if (op == OP_SIGNAL)
		sigarg = c->argv[next];
	else if (c->argc > next)
		wait = rpc_truthy(c->argv[next]);
	c->phase = 1;
	if (batch(c, group, op, wait, sigarg) == -1)
		return rpc_fail(o, RPC_FAILED, "out of memory");
	return answer(c, o);
}

enum rpc_status
rpc_start_process(struct rpc_call *c, struct xr_out *o)
{
	return one_or_group(c, o, OP_START);
}

enum rpc_status
rpc_stop_process(struct rpc_call *c, struct xr_out *o)
{
	return one_or_group(c, o, OP_STOP);
}

enum rpc_status
rpc_signal_process(struct rpc_call *c, struct xr_out *o)
{
	return one_or_group(c, o, OP_SIGNAL);
}

enum rpc_status
rpc_start_process_group(struct rpc_call *c, struct xr_out *o)
{
	return many(c, o, OP_START, false);
}

enum rpc_status
rpc_stop_process_group(struct rpc_call *c, struct xr_out *o)
{
	return many(c, o, OP_STOP, false);
}

enum rpc_status
rpc_signal_process_group(struct rpc_call *c, struct xr_out *o)
{
	return many(c, o, OP_SIGNAL, false);
}

enum rpc_status
rpc_start_all_processes(struct rpc_call *c, struct xr_out *o)
{
	return many(c, o, OP_START, true);
}

enum rpc_status
rpc_stop_all_processes(struct rpc_call *c, struct xr_out *o)
{
	return many(c, o, OP_STOP, true);
}

enum rpc_status
rpc_signal_all_processes(struct rpc_call *c, struct xr_out *o)
{
	return many(c, o, OP_SIGNAL, true);
}

enum rpc_status
rpc_send_process_stdin(struct rpc_call *c, struct xr_out *o)
{
	struct sv_program *p;
	const struct xr_val *a = c->argv[1];
	const char	*name, *chars;
	char		 group[NAMEMAX], text[64];
	size_t		 off = 0;
	ssize_t		 n;
	int		 code;

	if ((chars = rpc_arg_str(a)) == NULL) {
		/* Python's str() of what came instead. */
		if (a->type == XR_INT)
			snprintf(text, sizeof(text), "%lld", a->i);
		else if (a->type == XR_BOOL)
			snprintf(text, sizeof(text), "%s", a->i ? "True" :
			    "False");
		return rpc_fail(o, RPC_INCORRECT_PARAMETERS,
		    a->type == XR_INT || a->type == XR_BOOL ? text : NULL);
	}
	if ((name = rpc_arg_str(c->argv[0])) == NULL)
		return rpc_fail(o, RPC_INCORRECT_PARAMETERS, NULL);
	if ((code = rpc_lookup(c->r, name, group, sizeof(group), &p)) != 0)
		return rpc_fail(o, code, name);
	if (p == NULL)
		return rpc_fail(o, RPC_BAD_NAME, name);
	if (p->pid <= 0 || p->state == SV_STOPPING)
		return rpc_fail(o, RPC_NOT_RUNNING, name);
	if (p->in_fd == -1)
		return rpc_fail(o, RPC_NO_FILE, name);
	/*
	 * supervisor queues what the pipe does not take; here the pipe is
	 * written at once, and a full pipe (64 KiB the child has not read)
	 * is a failure rather than a queue that grows without bound.
	 */
	while (off < a->len) {
		n = write(p->in_fd, chars + off, a->len - off);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1 && errno == EPIPE)
			return rpc_fail(o, RPC_NO_FILE, name);
		if (n == -1)
			return rpc_fail(o, RPC_FAILED, name);
		off += (size_t)n;
	}
	xr_put_bool(o, true);
	return RPC_DONE;
}

/*
 * diff.rollingRestart (ours): the processes of a group one at a time, in
 * start order.  Phase 1 + 2k stops process k (waiting until it is at
 * rest), phase 2 + 2k starts it (waiting until RUNNING); each is found
 * again by name at its step, as a reload may have removed it meanwhile.
 * The first stop or start that fails ends it.
 */
static int
roll_plan(struct rpc_call *c, struct sv_program *one, const char *group)
{
	struct sv_program *p;
	char		 spec[2 * NAMEMAX];
	size_t		 n = 0;

	TAILQ_FOREACH(p, &c->r->s->programs, entry)
		if (!p->doomed && (one != NULL ? p == one :
		    strcmp(p->cfg->group, group) == 0))
			n++;
	if ((c->roll = calloc(n + 1, sizeof(*c->roll))) == NULL ||
	    rpc_items_new(c, 2 * n) == -1)
		return -1;
	TAILQ_FOREACH(p, &c->r->s->programs, entry) {
		if (p->doomed || (one != NULL ? p != one :
		    strcmp(p->cfg->group, group) != 0))
			continue;
		rpc_namespec(p->cfg->group, p->cfg->name, spec, sizeof(spec));
		if ((c->roll[c->nroll] = strdup(spec)) == NULL)
			return -1;
		c->nroll++;
	}
	return 0;
}

/*
 * A process removed by a reload before its turn: a BAD_NAME result that
 * ends the restart, an item watching no process.
 */
static void
roll_gone(struct rpc_call *c, const char *spec)
{
	struct rpc_item	*it = &c->items[c->nitems];
	const char	*colon = strchr(spec, ':');

	memset(it, 0, sizeof(*it));
	it->call = c;
	it->code = -1;
	it->spec = strdup(spec);
	it->name = strdup(colon != NULL ? colon + 1 : spec);
	it->group = colon != NULL ? strndup(spec, (size_t)(colon - spec)) :
	    strdup(spec);
	c->nitems++;
	rpc_item_settle(it, RPC_BAD_NAME, spec);
}

/* The results in the order done, each with its action. */
static enum rpc_status
roll_answer(struct rpc_call *c, struct xr_out *o)
{
	const struct rpc_item *it;

	if (!c->begun) {
		xr_array_begin(o);
		c->begun = true;
	}
	while (c->cursor < c->nitems) {
		if (xr_room(o) == 0)
			return RPC_MORE;
		it = &c->items[c->cursor++];
		xr_struct_begin(o);
		xr_member_begin(o, "name");
		xr_put_cstr(o, it->p != NULL ? it->p->cfg->name : it->name);
		xr_member_end(o);
		xr_member_begin(o, "group");
		xr_put_cstr(o, it->p != NULL ? it->p->cfg->group : it->group);
		xr_member_end(o);
		xr_member_begin(o, "action");
		xr_put_cstr(o, it->start ? "start" : "stop");
		xr_member_end(o);
		xr_member_begin(o, "status");
		xr_put_int(o, it->code);
		xr_member_end(o);
		xr_member_begin(o, "description");
		xr_put_cstr(o, it->code == RPC_SUCCESS ? "OK" : it->text != NULL ?
		    it->text : rpc_fault_name(it->code));
		xr_member_end(o);
		xr_struct_end(o);
	}
	xr_array_end(o);
	return RPC_DONE;
}

enum rpc_status
rpc_rolling_restart(struct rpc_call *c, struct xr_out *o)
{
	struct sv_program *p;
	const char	*name;
	char		 group[NAMEMAX], g[NAMEMAX];
	size_t		 k, step;
	int		 code;

	if (c->begun)
		return roll_answer(c, o);
	if (c->phase == 0) {
		if ((name = rpc_arg_str(c->argv[0])) == NULL)
			return rpc_fail(o, RPC_INCORRECT_PARAMETERS, NULL);
		if ((code = rpc_lookup(c->r, name, group, sizeof(group),
		    &p)) != 0)
			return rpc_fail(o, code, name);
		if (p == NULL && !rpc_group_live(c->r, group))
			return rpc_fail(o, RPC_BAD_NAME, name);
		if (roll_plan(c, p, group) == -1)
			return rpc_fail(o, RPC_FAILED, "out of memory");
		c->phase = 1;
	}
	for (; (step = (size_t)c->phase - 1) < 2 * c->nroll; c->phase++) {
		/* What the last step waited for: on, or the end. */
		if (c->nitems > 0 && c->items[c->nitems - 1].code !=
		    RPC_SUCCESS)
			break;
		k = step / 2;
		if ((code = rpc_lookup(c->r, c->roll[k], g, sizeof(g),
		    &p)) != 0 || p == NULL) {
			roll_gone(c, c->roll[k]);
			c->items[c->nitems - 1].start = step % 2 == 1;
			break;
		}
		if (step % 2 == 0) {
			/* Not running: nothing to stop, no item. */
			(void)sup_cancel_start(c->r->s, p);
			if (!sup_stoppable(p))
				continue;
			stop_one(c, p, c->roll[k], true);
		} else
			start_one(c, p, c->roll[k], true);
		if (c->nitems > 0)
			c->items[c->nitems - 1].start = step % 2 == 1;
		if (c->npending > 0) {
			c->phase++;
			return RPC_WAIT;
		}
	}
	c->phase = (int)(2 * c->nroll + 1);
	return roll_answer(c, o);
}

void
rpc_proc_call_free(struct rpc_call *c)
{
	size_t	i;

	for (i = 0; i < c->nroll; i++)
		free(c->roll[i]);
	free(c->roll);
	c->roll = NULL;
	c->nroll = 0;
}
