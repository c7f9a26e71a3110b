/*
 * rpc: the API's entry points (see rpc.h): the method table, dispatch as
 * xmlrpc.py's traverse (unknown method, arity, the mood), the small
 * methods, the system namespace and multicall, and a call's life.  The
 * methods on processes, logs and the configuration are in rpc_proc.c,
 * rpc_log.c and rpc_conf.c; what they share in rpc_core.c.
 */
#include <sys/queue.h>

#include <ctype.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <ev.h>

#include "supervisord/rpc.h"
#include "supervisord/rpc_conf.h"
#include "supervisord/rpc_core.h"
#include "supervisord/rpc_doc.h"
#include "supervisord/rpc_log.h"
#include "supervisord/rpc_proc.h"
#include "supervisord/rpc_types.h"
#include "supervisord/supervisor.h"
#include "supervisord/version.h"
#include "supervisord/xmlrpc.h"

#define API_VERSION	"3.0"		/* rpcinterface.py's */

static rpc_method_fn	m_api_version, m_supervisor_version;
static rpc_method_fn	m_identification, m_state, m_pid, m_shutdown;
static rpc_method_fn	m_restart, m_remote_comm_event;
static rpc_method_fn	m_list_methods, m_method_help, m_method_signature;
static rpc_method_fn	m_multicall;

struct rpc_method {
	const char	*name;
	rpc_method_fn	*fn;
	unsigned char	 min, max;	/* arguments */
	bool		 gated;		/* SHUTDOWN_STATE below RUNNING */
};

/* Sorted by name, as system.listMethods answers. */
static const struct rpc_method methods[] = {
	{ "diff.getAllProcessStatus", rpc_get_all_process_status, 0, 0,
	    true },
	{ "diff.health", rpc_health, 0, 0, true },
	{ "diff.rollingRestart", rpc_rolling_restart, 1, 1, true },
	{ "diff.update", rpc_diff_update, 1, 1, true },
	{ "supervisor.addProcessGroup", rpc_add_process_group, 1, 1, true },
	{ "supervisor.clearAllProcessLogs", rpc_clear_all_process_logs,
	    0, 0, true },
	{ "supervisor.clearLog", rpc_clear_log, 0, 0, true },
	{ "supervisor.clearProcessLog", rpc_clear_process_logs, 1, 1, true },
	{ "supervisor.clearProcessLogs", rpc_clear_process_logs, 1, 1,
	    true },
	{ "supervisor.getAPIVersion", m_api_version, 0, 0, true },
	{ "supervisor.getAllConfigInfo", rpc_get_all_config_info, 0, 0,
	    true },
	{ "supervisor.getAllProcessInfo", rpc_get_all_process_info, 0, 0,
	    true },
	{ "supervisor.getIdentification", m_identification, 0, 0, true },
	{ "supervisor.getPID", m_pid, 0, 0, true },
	{ "supervisor.getProcessInfo", rpc_get_process_info, 1, 1, true },
	{ "supervisor.getState", m_state, 0, 0, true },
	{ "supervisor.getSupervisorVersion", m_supervisor_version, 0, 0,
	    true },
	{ "supervisor.getVersion", m_api_version, 0, 0, true },
	{ "supervisor.readLog", rpc_read_log, 2, 2, true },
	{ "supervisor.readMainLog", rpc_read_log, 2, 2, true },
	{ "supervisor.readProcessLog", rpc_read_stdout_log, 3, 3, true },
	{ "supervisor.readProcessStderrLog", rpc_read_stderr_log, 3, 3,
	    true },
	{ "supervisor.readProcessStdoutLog", rpc_read_stdout_log, 3, 3,
	    true },
	{ "supervisor.reloadConfig", rpc_reload_config, 0, 0, true },
	{ "supervisor.removeProcessGroup", rpc_remove_process_group, 1, 1,
	    true },
	{ "supervisor.restart", m_restart, 0, 0, true },
	{ "supervisor.sendProcessStdin", rpc_send_process_stdin, 2, 2,
	    true },
	{ "supervisor.sendRemoteCommEvent", m_remote_comm_event, 2, 2,
	    false },
	{ "supervisor.shutdown", m_shutdown, 0, 0, true },
	{ "supervisor.signalAllProcesses", rpc_signal_all_processes, 1, 1,
	    true },
	{ "supervisor.signalProcess", rpc_signal_process, 2, 2, true },
	{ "supervisor.signalProcessGroup", rpc_signal_process_group, 2, 2,
	    true },
	{ "supervisor.startAllProcesses", rpc_start_all_processes, 0, 1,
	    true },
	{ "supervisor.startProcess", rpc_start_process, 1, 2, true },
	{ "supervisor.startProcessGroup", rpc_start_process_group, 1, 2,
	    true },
	{ "supervisor.stopAllProcesses", rpc_stop_all_processes, 0, 1,
	    true },
	{ "supervisor.stopProcess", rpc_stop_process, 1, 2, true },
	{ "supervisor.stopProcessGroup", rpc_stop_process_group, 1, 2,
	    true },
	{ "supervisor.tailProcessLog", rpc_tail_stdout_log, 3, 3, true },
	{ "supervisor.tailProcessStderrLog", rpc_tail_stderr_log, 3, 3,
	    true },
	{ "supervisor.tailProcessStdoutLog", rpc_tail_stdout_log, 3, 3,
	    true },
	{ "system.listMethods", m_list_methods, 0, 0, false },
	{ "system.methodHelp", m_method_help, 1, 1, false },
	{ "system.methodSignature", m_method_signature, 1, 1, false },
	{ "system.multicall", m_multicall, 1, 1, false },
};
#define NMETHODS	(sizeof(methods) / sizeof(methods[0]))

static const char *method_names[NMETHODS];

const char *const *
rpc_method_names(size_t *n)
{
	size_t	i;

	if (method_names[0] == NULL)
		for (i = 0; i < NMETHODS; i++)
			method_names[i] = methods[i].name;
	*n = NMETHODS;
	return method_names;
}

static int
method_cmp(const void *key, const void *elem)
{
	return strcmp(key, ((const struct rpc_method *)elem)->name);
}

static const struct rpc_method *
method_find(const char *name)
{
	return bsearch(name, methods, NMETHODS, sizeof(methods[0]),
	    method_cmp);
}

/* The API's state. */

struct rpc *
rpc_new(struct supervisor *s)
{
	struct rpc	*r;

	if ((r = calloc(1, sizeof(*r))) == NULL)
		return NULL;
	r->s = s;
	r->mood = 1;
	rpc_core_init(r);
	return r;
}

void
rpc_free(struct rpc *r)
{
	if (r == NULL)
		return;
	while (!LIST_EMPTY(&r->calls))
		rpc_call_free(LIST_FIRST(&r->calls));
	rpc_conf_fini(r);
	rpc_core_fini(r);
	free(r);
}

void
rpc_program_changed(void *arg, struct sv_program *p)
{
	rpc_core_changed(arg, p);
}

void
rpc_program_gone(void *arg, struct sv_program *p)
{
	rpc_core_gone(arg, p);
}

void
rpc_set_mood(struct rpc *r, int mood)
{
	r->mood = mood;
}

int
rpc_mood(const struct rpc *r)
{
	return r->mood;
}

void
rpc_set_hooks(struct rpc *r, const struct rpc_hooks *h)
{
	r->hooks = *h;
}

/* Calls. */

static struct rpc_call *
call_new(struct rpc *r, const char *method, struct xr_val *params,
    bool owned)
{
	struct rpc_call	*c;

	if ((c = calloc(1, sizeof(*c))) == NULL) {
		if (owned)
			xr_val_free(params);
		return NULL;
	}
	if ((c->method = strdup(method)) == NULL) {
		if (owned)
			xr_val_free(params);
		free(c);
		return NULL;
	}
	c->r = r;
	c->fd = -1;
	if (owned)
		c->params = params;
	if (params != NULL && params->type == XR_ARRAY) {
		c->argv = params->v;
		c->argc = params->n;
	}
	LIST_INSERT_HEAD(&r->calls, c, entry);
	return c;
}

struct rpc_call *
rpc_call_new(struct rpc *r, const char *method, struct xr_val *params,
    void (*wake)(void *), void *arg)
{
	struct rpc_call	*c;

	if ((c = call_new(r, method, params, true)) == NULL)
		return NULL;
	c->wake = wake;
	c->arg = arg;
	return c;
}

void
rpc_call_free(struct rpc_call *c)
{
	if (c == NULL)
		return;
	if (c->child != NULL)
		rpc_call_free(c->child);
	if (c->inwoken)
		TAILQ_REMOVE(&c->r->woken, c, wentry);
	LIST_REMOVE(c, entry);
	rpc_items_free(c);
	rpc_log_close(c);
	rpc_conf_call_free(c);
	rpc_proc_call_free(c);
	free(c->snap);
	free(c->last);
	free(c->method);
	xr_val_free(c->params);
	free(c);
}

/* traverse(): the method, its arity, the mood; then the method. */
static enum rpc_status
call_run(struct rpc_call *c, struct xr_out *o)
{
	const struct rpc_method *m;
	int	code;

	if (c->fn == NULL) {
		if ((m = method_find(c->method)) == NULL)
			return rpc_fail(o, RPC_UNKNOWN_METHOD, NULL);
		if (c->argc < m->min || c->argc > m->max)
			return rpc_fail(o, RPC_INCORRECT_PARAMETERS, NULL);
		if (m->gated && (code = rpc_gate(c->r)) != 0)
			return rpc_fail(o, code, NULL);
		c->fn = m->fn;
	}
	return c->fn(c, o);
}

enum rpc_status
rpc_call_run(struct rpc_call *c, struct xr_out *o)
{
	enum rpc_status	st;

	c->waiting = false;
	if (c->inwoken) {
		TAILQ_REMOVE(&c->r->woken, c, wentry);
		c->inwoken = false;
	}
	st = call_run(c, o);
	c->waiting = st == RPC_WAIT;
	return st;
}

/* The small methods. */

static enum rpc_status
m_api_version(struct rpc_call *c, struct xr_out *o)
{
	(void)c;
	xr_put_cstr(o, API_VERSION);
	return RPC_DONE;
}

static enum rpc_status
m_supervisor_version(struct rpc_call *c, struct xr_out *o)
{
	(void)c;
	xr_put_cstr(o, SUPERVISORD_VERSION);
	return RPC_DONE;
}

static enum rpc_status
m_identification(struct rpc_call *c, struct xr_out *o)
{
	const struct cfg *cfg = c->r->s->cfg;

	xr_put_cstr(o, cfg != NULL && cfg->sd.identifier != NULL ?
	    cfg->sd.identifier : "supervisor");
	return RPC_DONE;
}

static enum rpc_status
m_state(struct rpc_call *c, struct xr_out *o)
{
	static const char *const names[] = {
		"SHUTDOWN", "RESTARTING", "RUNNING", "FATAL"
	};
	int	mood = c->r->mood;

	xr_struct_begin(o);
	xr_member_begin(o, "statecode");
	xr_put_int(o, mood);
	xr_member_end(o);
	xr_member_begin(o, "statename");
	xr_put_cstr(o, mood >= -1 && mood <= 2 ? names[mood + 1] : "");
	xr_member_end(o);
	xr_struct_end(o);
	return RPC_DONE;
}

static enum rpc_status
m_pid(struct rpc_call *c, struct xr_out *o)
{
	(void)c;
	xr_put_int(o, getpid());
	return RPC_DONE;
}

/* supervisor sets its mood, and its loop acts on it: main's hooks. */
static enum rpc_status
m_shutdown(struct rpc_call *c, struct xr_out *o)
{
	const struct rpc_hooks *h = &c->r->hooks;

	c->r->mood = -1;
	xr_put_bool(o, true);
	if (h->shutdown != NULL)
		h->shutdown(h->arg);
	return RPC_DONE;
}

static enum rpc_status
m_restart(struct rpc_call *c, struct xr_out *o)
{
	const struct rpc_hooks *h = &c->r->hooks;

	c->r->mood = 0;
	xr_put_bool(o, true);
	if (h->restart != NULL)
		h->restart(h->arg);
	return RPC_DONE;
}

/*
 * A REMOTE_COMMUNICATION event for the listeners that take it.  As
 * supervisor, which formats whatever it is given with %s, a number or a
 * boolean is sent as its text.
 */
static enum rpc_status
m_remote_comm_event(struct rpc_call *c, struct xr_out *o)
{
	char		 tbuf[2][64];
	const char	*s[2];
	size_t		 len[2], i;

	for (i = 0; i < 2; i++) {
		const struct xr_val *a = c->argv[i];

		if ((s[i] = rpc_arg_str(a)) != NULL) {
			len[i] = a->len;
			continue;
		}
		if (a->type == XR_BOOL)
			s[i] = a->i ? "True" : "False";
		else if (a->type == XR_INT) {
			snprintf(tbuf[i], sizeof(tbuf[i]), "%lld", a->i);
			s[i] = tbuf[i];
		} else
			return rpc_fail(o, RPC_INCORRECT_PARAMETERS, NULL);
		len[i] = strlen(s[i]);
	}
	(void)len[0];
	if (c->r->hooks.remote_comm != NULL)
		c->r->hooks.remote_comm(c->r->hooks.arg, s[0], s[1], len[1]);
	xr_put_bool(o, true);
	return RPC_DONE;
}

/* The system namespace. */

static enum rpc_status
m_list_methods(struct rpc_call *c, struct xr_out *o)
{
	size_t	i;

	(void)c;
	xr_array_begin(o);
	for (i = 0; i < NMETHODS; i++)
		xr_put_cstr(o, methods[i].name);
	xr_array_end(o);
	return RPC_DONE;
}

static enum rpc_status
m_method_help(struct rpc_call *c, struct xr_out *o)
{
	const char	*name, *doc = NULL;

	if ((name = rpc_arg_str(c->argv[0])) != NULL)
		doc = rpc_doc(name);
	if (doc == NULL)
		return rpc_fail(o, RPC_SIGNATURE_UNSUPPORTED, NULL);
	xr_put_cstr(o, doc);
	return RPC_DONE;
}

/*
 * xmlrpc.py's gettags: of each line that starts with '@' (blanks
 * stripped), the tag and the word after it.  Calls fn(tag, type) for
 * each, in order.
 */
static void
doc_tags(const char *doc, void (*fn)(void *, const char *, size_t,
    const char *, size_t), void *arg)
{
	const char	*l, *e, *t, *te, *d, *de;

	for (l = doc; *l != '\0'; l = *e == '\n' ? e + 1 : e) {
		e = strchr(l, '\n');
		if (e == NULL)
			e = l + strlen(l);
		while (l < e && isspace((unsigned char)*l))
			l++;
		if (l == e || *l != '@')
			continue;
		for (t = l + 1, te = t; te < e &&
		    !isspace((unsigned char)*te); te++)
			continue;
		for (d = te; d < e && isspace((unsigned char)*d); d++)
			continue;
		for (de = d; de < e && !isspace((unsigned char)*de); de++)
			continue;
		fn(arg, t, (size_t)(te - t), d, (size_t)(de - d));
	}
}

struct sig {
	struct xr_out	*o;
	const char	*rtype;
	size_t		 rlen;
	bool		 params;	/* this pass writes the params */
};

static bool
tag_is(const char *t, size_t tl, const char *w)
{
	return tl == strlen(w) && memcmp(t, w, tl) == 0;
}

static void
sig_tag(void *arg, const char *t, size_t tl, const char *d, size_t dl)
{
	struct sig	*sg = arg;

	if (!sg->params && tag_is(t, tl, "return")) {
		sg->rtype = d;
		sg->rlen = dl;
	} else if (sg->params && tag_is(t, tl, "param"))
		xr_put_string(sg->o, d, dl);
}

static enum rpc_status
m_method_signature(struct rpc_call *c, struct xr_out *o)
{
	struct sig	 sg = { o, NULL, 0, false };
	const char	*name, *doc = NULL;

	if ((name = rpc_arg_str(c->argv[0])) != NULL)
		doc = rpc_doc(name);
	if (doc == NULL)
		return rpc_fail(o, RPC_SIGNATURE_UNSUPPORTED, NULL);
	doc_tags(doc, sig_tag, &sg);
	if (sg.rtype == NULL)
		return rpc_fail(o, RPC_SIGNATURE_UNSUPPORTED, NULL);
	xr_array_begin(o);
	xr_put_string(o, sg.rtype, sg.rlen);
	sg.params = true;
	doc_tags(doc, sig_tag, &sg);
	xr_array_end(o);
	return RPC_DONE;
}

/*
 * system.multicall: the calls one after another, each answer an item of
 * the array (a fault as its struct); one that waits holds the rest.
 */
static enum rpc_status
m_multicall(struct rpc_call *c, struct xr_out *o)
{
	const struct xr_val *calls = c->argv[0], *it, *name, *params;
	enum rpc_status	 st;

	if (c->phase == 0) {
		if (calls->type != XR_ARRAY)
			return rpc_fail(o, RPC_INCORRECT_PARAMETERS, NULL);
		xr_array_begin(o);
		c->phase = 1;
	}
	for (;;) {
		if (c->child != NULL) {
			if ((st = call_run(c->child, o)) != RPC_DONE)
				return st;
			rpc_call_free(c->child);
			c->child = NULL;
			c->idx++;
		}
		if (c->idx >= calls->n)
			break;
		if (xr_room(o) == 0)
			return RPC_MORE;
		it = calls->v[c->idx];
		name = it->type == XR_STRUCT ? xr_member(it, "methodName") :
		    NULL;
		params = it->type == XR_STRUCT ? xr_member(it, "params") :
		    NULL;
		if (name == NULL || rpc_arg_str(name) == NULL) {
			rpc_fail(o, RPC_INCORRECT_PARAMETERS,
			    "No methodName");
		} else if (strcmp(rpc_arg_str(name), "system.multicall") ==
		    0) {
			rpc_fail(o, RPC_INCORRECT_PARAMETERS,
			    "Recursive system.multicall forbidden");
		} else if (params != NULL && params->type != XR_ARRAY) {
			rpc_fail(o, RPC_INCORRECT_PARAMETERS, NULL);
		} else {
			/* The item borrows its params from ours. */
			c->child = call_new(c->r, rpc_arg_str(name),
			    (struct xr_val *)(uintptr_t)params, false);
			if (c->child == NULL) {
				rpc_fail(o, RPC_FAILED, "out of memory");
			} else {
				c->child->parent = c;
				continue;
			}
		}
		c->idx++;
	}
	xr_array_end(o);
	return RPC_DONE;
}
