/*
 * The API over a real model: a struct supervisor on a real loop with real
 * child processes in a temp dir.  Each call goes through rpc_call_new and
 * rpc_call_run into a buffer, whose bytes are decoded back with the codec
 * and checked: values, struct keys and their order, faults.  A call that
 * waits runs the loop until its wake fires.
 */
#include <sys/stat.h>

#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <check.h>
#include <ev.h>

#include "libproc/reap.h"
#include "supervisord/config.h"
#include "supervisord/log.h"
#include "supervisord/program.h"
#include "supervisord/rpc.h"
#include "supervisord/rpc_core.h"
#include "supervisord/rpc_doc.h"
#include "supervisord/status.h"
#include "supervisord/supervisor.h"
#include "supervisord/xmlrpc.h"

extern char **environ;

Suite	*rpc_suite(void);

static struct ev_loop	*loop;
static char		 dir[4096];
static struct supervisor sup;
static struct rpc	*rpc;
static char		 confpath[4200];
static ev_signal	 chld;

/* main's sigchld_cb: reap every child that exited. */
static void
chld_cb(struct ev_loop *l, ev_signal *w, int revents)
{
	pid_t	pid;
	int	status;

	(void)l;
	(void)w;
	(void)revents;
	while ((pid = proc_reap(&status)) > 0)
		sup_reaped(&sup, pid, status);
}

/* What a call wrote. */
struct sink {
	char	*buf;
	size_t	 len, cap;
	size_t	 limit;		/* room per run; 0: unbounded */
	size_t	 run;		/* written in this run */
};

static void
sink_write(void *arg, const void *b, size_t n)
{
	struct sink	*k = arg;

	if (k->len + n + 1 > k->cap) {
		k->cap = (k->len + n + 1) * 2;
		ck_assert_ptr_nonnull(k->buf = realloc(k->buf, k->cap));
	}
	memcpy(k->buf + k->len, b, n);
	k->len += n;
	k->buf[k->len] = '\0';
	k->run += n;
}

static size_t
sink_room(void *arg)
{
	struct sink	*k = arg;

	if (k->limit == 0)
		return 65536;
	return k->run >= k->limit ? 0 : k->limit - k->run;
}

static int	woken;
static enum sv_state wake_state;
static struct sv_program *wake_watch;

static void
wake(void *arg)
{
	(void)arg;
	woken++;
	if (wake_watch != NULL)
		wake_state = wake_watch->state;
	ev_break(loop, EVBREAK_ONE);
}

static void
deadline_cb(struct ev_loop *l, ev_timer *w, int revents)
{
	(void)w;
	(void)revents;
	ev_break(l, EVBREAK_ONE);
}

/* Run the loop until wake() or ms went by. */
static void
run_until_woken(double secs)
{
	ev_timer	t;
	int		before = woken;

	ev_timer_init(&t, deadline_cb, secs, 0.);
	ev_timer_start(loop, &t);
	while (woken == before && ev_is_active(&t))
		ev_run(loop, EVRUN_ONCE);
	ev_timer_stop(loop, &t);
}

/* Run the loop for secs, whatever happens. */
static void
run_for(double secs)
{
	ev_timer	t;

	ev_timer_init(&t, deadline_cb, secs, 0.);
	ev_timer_start(loop, &t);
	while (ev_is_active(&t))
		ev_run(loop, EVRUN_ONCE);
}

/* A call run to its end (waits followed); its bytes in k, the number of
 * runs in *runs. */
static void
call_raw(const char *method, struct xr_val *params, struct sink *k,
    int *runs, int *waits)
{
	struct rpc_call	*c;
	struct xr_out	 o;
	enum rpc_status	 st;

	ck_assert_ptr_nonnull(c = rpc_call_new(rpc, method, params, wake,
	    NULL));
	xr_out_init(&o, sink_write, sink_room, k);
	for (;;) {
		k->run = 0;
		st = rpc_call_run(c, &o);
		(*runs)++;
		if (st == RPC_DONE)
			break;
		if (st == RPC_WAIT) {
			(*waits)++;
			run_until_woken(10.);
		}
		ck_assert_int_lt(*runs, 100000);
	}
	xr_out_finish(&o);
	rpc_call_free(c);
}

/* The decoded answer of a call; *fault set if it was one. */
static struct xr_val *
call(const char *method, struct xr_val *params, bool *fault)
{
	struct sink	 k = { 0 };
	struct xr_val	*v = NULL;
	char		 err[256];
	int		 runs = 0, waits = 0;

	call_raw(method, params, &k, &runs, &waits);
	ck_assert_msg(xr_decode_response(k.buf, k.len, &v, fault, err,
	    sizeof(err)) == 0, "%s: %s", err, k.buf);
	free(k.buf);
	return v;
}

/* params from a format: s string, i int, b bool. */
static struct xr_val *
args(const char *fmt, ...)
{
	struct xr_val	*a = xr_array();
	va_list		 ap;
	const char	*s;

	va_start(ap, fmt);
	for (; *fmt != '\0'; fmt++) {
		switch (*fmt) {
		case 's':
			s = va_arg(ap, const char *);
			xr_push(a, xr_string(s, strlen(s)));
			break;
		case 'i':
			xr_push(a, xr_int(va_arg(ap, long long)));
			break;
		case 'b':
			xr_push(a, xr_bool(va_arg(ap, int)));
			break;
		}
	}
	va_end(ap);
	return a;
}

static void
expect_fault(struct xr_val *v, int code, const char *text)
{
	ck_assert_int_eq(xr_member(v, "faultCode")->i, code);
	ck_assert_str_eq(xr_member(v, "faultString")->s, text);
	xr_val_free(v);
}

static void
fault_of(const char *method, struct xr_val *params, int code,
    const char *text)
{
	bool	 fault;

	expect_fault(call(method, params, &fault), code, text);
	ck_assert(fault);
}

static bool
call_true(const char *method, struct xr_val *params)
{
	struct xr_val	*v;
	bool		 fault, ok;

	v = call(method, params, &fault);
	ok = !fault && v->type == XR_BOOL && v->i == 1;
	if (!fault || v->type != XR_STRUCT)
		ck_assert_msg(ok, "%s: not True", method);
	else
		ck_assert_msg(ok, "%s: %s", method,
		    xr_member(v, "faultString")->s);
	xr_val_free(v);
	return ok;
}

static void
write_conf(const char *programs)
{
	FILE	*fp;

	ck_assert_ptr_nonnull(fp = fopen(confpath, "w"));
	fprintf(fp, "[supervisord]\nlogfile=%s/log\npidfile=%s/pid\n"
	    "childlogdir=%s\n\n%s", dir, dir, dir, programs);
	fclose(fp);
}

static struct cfg *
load_cb(void *arg, const struct cfg_keep *keep, struct cfg_msgs *errors)
{
	struct cfg	*c;

	(void)arg;
	c = cfg_load_keep(confpath, keep, errors);
	return c;
}

static void
start(const char *programs)
{
	struct sup_observer ob = { 0 };
	struct cfg_msgs	 errs = { 0 };
	struct cfg	*c;

	write_conf(programs);
	c = load_cb(NULL, NULL, &errs);
	ck_assert_msg(c != NULL, "%s", errs.n > 0 ? errs.v[0] : "?");
	ck_assert_int_eq(sup_init(&sup, loop, c), 0);
	sup.load = load_cb;
	sup_set_ctx(&sup, environ, NULL, 0, NULL);
	ck_assert_ptr_nonnull(rpc = rpc_new(&sup));
	ob.changed = rpc_program_changed;
	ob.removed = rpc_program_gone;
	ob.arg = rpc;
	ck_assert_int_eq(sup_observe(&sup, &ob), 0);
	sup_add_all(&sup);
}

/* Every program at rest, then everything freed. */
static void
stop_all(void)
{
	int	i;

	sup_shutdown(&sup);
	for (i = 0; i < 500; i++) {
		struct sv_program *p;
		bool	 rest = true;

		TAILQ_FOREACH(p, &sup.programs, entry)
			rest = rest && sv_at_rest(p);
		if (rest)
			break;
		ev_run(loop, EVRUN_ONCE);
	}
	rpc_free(rpc);
	rpc = NULL;
	sup_free(&sup);
}

static void
setup(void)
{
	const char	*tmp = getenv("TMPDIR");

	snprintf(dir, sizeof(dir), "%s/rpc.XXXXXX",
	    tmp != NULL && *tmp != '\0' ? tmp : "/tmp");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(confpath, sizeof(confpath), "%s/supervisord.conf", dir);
	ck_assert_ptr_nonnull(loop = ev_loop_new(EVFLAG_AUTO));
	ev_signal_init(&chld, chld_cb, SIGCHLD);
	ev_signal_start(loop, &chld);
	log_open(NULL, 0, 0, LOGLEVEL_CRIT, false);
	signal(SIGPIPE, SIG_IGN);
}

static void
teardown(void)
{
	char	cmd[4200];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (system(cmd) != 0) {
		/* Left behind in the temp dir. */
	}
	ev_signal_stop(loop, &chld);
	ev_loop_destroy(loop);
	log_close();
}

static void
wait_state(const char *name, enum sv_state want, double secs)
{
	struct sv_program *p;
	ev_tstamp	 end = ev_time() + secs;

	ck_assert_ptr_nonnull(p = sup_find(&sup, name, name));
	while (p->state != want && ev_time() < end)
		run_for(0.02);
	ck_assert_str_eq(sv_state_name(p->state), sv_state_name(want));
}

/* web: sleeps, RUNNING after 1 s, its stdout to web.out. */
static void
start_sleeper(void)
{
	char	buf[8192];

	snprintf(buf, sizeof(buf), "[program:web]\ncommand=/bin/sleep 30\n"
	    "autostart=false\nstartsecs=1\nstopwaitsecs=2\n"
	    "stdout_logfile=%s/web.out\n\n", dir);
	start(buf);
}

START_TEST(test_get_state_and_versions)
{
	struct xr_val	*v;
	bool		 fault;

	start_sleeper();
	v = call("supervisor.getState", NULL, &fault);
	ck_assert(!fault);
	ck_assert_uint_eq(v->n, 2);
	ck_assert_str_eq(v->keys[0], "statecode");
	ck_assert_int_eq(v->v[0]->i, 1);
	ck_assert_str_eq(v->keys[1], "statename");
	ck_assert_str_eq(v->v[1]->s, "RUNNING");
	xr_val_free(v);
	v = call("supervisor.getVersion", NULL, &fault);
	ck_assert_str_eq(v->s, "3.0");
	xr_val_free(v);
	v = call("supervisor.getPID", NULL, &fault);
	ck_assert_int_eq(v->i, getpid());
	xr_val_free(v);
	v = call("supervisor.getIdentification", NULL, &fault);
	ck_assert_str_eq(v->s, "supervisor");
	xr_val_free(v);
	stop_all();
}
END_TEST

START_TEST(test_process_info_shape)
{
	static const char *const keys[] = {
		"name", "group", "start", "stop", "now", "state",
		"statename", "spawnerr", "exitstatus", "logfile",
		"stdout_logfile", "stderr_logfile", "pid", "description",
	};
	struct xr_val	*v;
	char		 path[4300];
	bool		 fault;
	size_t		 i;

	start_sleeper();
	v = call("supervisor.getProcessInfo", args("s", "web"), &fault);
	ck_assert(!fault);
	ck_assert_int_eq(v->type, XR_STRUCT);
	ck_assert_uint_eq(v->n, 14);
	for (i = 0; i < 14; i++)
		ck_assert_str_eq(v->keys[i], keys[i]);
	ck_assert_str_eq(xr_member(v, "name")->s, "web");
	ck_assert_str_eq(xr_member(v, "group")->s, "web");
	ck_assert_int_eq(xr_member(v, "start")->i, 0);
	ck_assert_int_eq(xr_member(v, "state")->i, 0);
	ck_assert_str_eq(xr_member(v, "statename")->s, "STOPPED");
	ck_assert_str_eq(xr_member(v, "spawnerr")->s, "");
	ck_assert_int_eq(xr_member(v, "exitstatus")->i, 0);
	snprintf(path, sizeof(path), "%s/web.out", dir);
	ck_assert_str_eq(xr_member(v, "logfile")->s, path);
	ck_assert_str_eq(xr_member(v, "stdout_logfile")->s, path);
	ck_assert_int_eq(xr_member(v, "pid")->i, 0);
	ck_assert_str_eq(xr_member(v, "description")->s, "Not started");
	ck_assert_int_ge(xr_member(v, "now")->i, time(NULL) - 5);
	xr_val_free(v);
	stop_all();
}
END_TEST

START_TEST(test_faults_of_names_and_arity)
{
	start_sleeper();
	fault_of("supervisor.getProcessInfo", args("s", "nope"), 10,
	    "BAD_NAME: nope");
	fault_of("supervisor.getProcessInfo", args("s", "web:*"), 10,
	    "BAD_NAME: web:*");
	fault_of("supervisor.getProcessInfo", args("s", "web:nope"), 10,
	    "BAD_NAME: web:nope");
	fault_of("supervisor.getProcessInfo", NULL, 2,
	    "INCORRECT_PARAMETERS");
	fault_of("supervisor.getState", args("i", 1LL), 2,
	    "INCORRECT_PARAMETERS");
	fault_of("supervisor.nope", NULL, 1, "UNKNOWN_METHOD");
	fault_of("supervisor._update", NULL, 1, "UNKNOWN_METHOD");
	fault_of("a.b.c", NULL, 1, "UNKNOWN_METHOD");
	fault_of("supervisor.stopProcess", args("s", "web"), 70,
	    "NOT_RUNNING: web");
	fault_of("supervisor.startProcessGroup", args("s", "nope"), 10,
	    "BAD_NAME: nope");
	stop_all();
}
END_TEST

/* startProcess(name, True) answers once RUNNING, woken by the state
 * change, not by a timer of the API. */
START_TEST(test_start_waits_for_running)
{
	struct sv_program *p;
	struct rpc_call	*c;
	struct sink	 k = { 0 };
	struct xr_out	 o;
	struct xr_val	*v;
	ev_tstamp	 t0;
	bool		 fault;
	char		 err[128];

	start_sleeper();
	p = sup_find(&sup, "web", "web");
	c = rpc_call_new(rpc, "supervisor.startProcess", args("s", "web"),
	    wake, NULL);
	xr_out_init(&o, sink_write, sink_room, &k);
	t0 = ev_time();
	ck_assert_int_eq(rpc_call_run(c, &o), RPC_WAIT);
	ck_assert_uint_eq(k.len, 0);
	ck_assert_str_eq(sv_state_name(p->state), "STARTING");
	ck_assert(!ev_is_active(&rpc->wakeup));
	wake_watch = p;
	woken = 0;
	run_until_woken(5.);
	wake_watch = NULL;
	ck_assert_int_eq(woken, 1);
	ck_assert_str_eq(sv_state_name(wake_state), "RUNNING");
	ck_assert(ev_time() - t0 >= 0.9);
	ck_assert_int_eq(rpc_call_run(c, &o), RPC_DONE);
	xr_out_finish(&o);
	ck_assert_int_eq(xr_decode_response(k.buf, k.len, &v, &fault, err,
	    sizeof(err)), 0);
	ck_assert(!fault);
	ck_assert_int_eq(v->type, XR_BOOL);
	ck_assert_int_eq(v->i, 1);
	xr_val_free(v);
	free(k.buf);
	rpc_call_free(c);
	fault_of("supervisor.startProcess", args("s", "web"), 60,
	    "ALREADY_STARTED: web");
	/* Now stop it, waiting until it is at rest. */
	ck_assert(call_true("supervisor.stopProcess", args("s", "web")));
	ck_assert_str_eq(sv_state_name(p->state), "STOPPED");
	v = call("supervisor.getProcessInfo", args("s", "web"), &fault);
	ck_assert_int_eq(xr_member(v, "exitstatus")->i, -1);
	ck_assert_int_ne(xr_member(v, "start")->i, 0);
	ck_assert_int_ne(xr_member(v, "stop")->i, 0);
	xr_val_free(v);
	stop_all();
}
END_TEST

START_TEST(test_spawn_error_when_exiting_at_once)
{
	struct xr_val	*v;
	bool		 fault;

	start("[program:bad]\ncommand=/bin/sh -c 'exit 1'\nautostart=false\n"
	    "startsecs=1\nstartretries=0\n");
	fault_of("supervisor.startProcess", args("s", "bad"), 50,
	    "SPAWN_ERROR: bad");
	v = call("supervisor.getProcessInfo", args("s", "bad"), &fault);
	ck_assert_str_eq(xr_member(v, "statename")->s, "FATAL");
	ck_assert_str_eq(xr_member(v, "description")->s,
	    "Exited too quickly (process log may have details)");
	ck_assert_int_eq(xr_member(v, "exitstatus")->i, 0);
	xr_val_free(v);
	stop_all();
}
END_TEST

START_TEST(test_no_file_for_a_missing_command)
{
	start("[program:gone]\ncommand=/nonexistent/x\nautostart=false\n");
	fault_of("supervisor.startProcess", args("s", "gone"), 20,
	    "NO_FILE: can't find command '/nonexistent/x'");
	stop_all();
}
END_TEST

static void
check_result(const struct xr_val *r, const char *name, const char *group,
    int status, const char *desc)
{
	ck_assert_uint_eq(r->n, 4);
	ck_assert_str_eq(r->keys[0], "name");
	ck_assert_str_eq(r->keys[1], "group");
	ck_assert_str_eq(r->keys[2], "status");
	ck_assert_str_eq(r->keys[3], "description");
	ck_assert_str_eq(r->v[0]->s, name);
	ck_assert_str_eq(r->v[1]->s, group);
	ck_assert_int_eq(r->v[2]->i, status);
	ck_assert_str_eq(r->v[3]->s, desc);
}

START_TEST(test_group_and_all_results)
{
	struct xr_val	*v;
	bool		 fault;

	start("[program:w]\ncommand=/bin/sleep 30\nautostart=false\n"
	    "startsecs=0\nprocess_name=w_%(process_num)d\nnumprocs=2\n\n"
	    "[program:solo]\ncommand=/bin/sleep 30\nautostart=false\n"
	    "startsecs=0\n");
	v = call("supervisor.startProcessGroup", args("s", "w"), &fault);
	ck_assert(!fault);
	ck_assert_uint_eq(v->n, 2);
	check_result(v->v[0], "w_0", "w", 80, "OK");
	check_result(v->v[1], "w_1", "w", 80, "OK");
	xr_val_free(v);
	wait_state("solo", SV_STOPPED, 0.1);
	/* Only what is not running is started. */
	v = call("supervisor.startAllProcesses", NULL, &fault);
	ck_assert_uint_eq(v->n, 1);
	check_result(v->v[0], "solo", "solo", 80, "OK");
	xr_val_free(v);
	/* startProcess of "g:*" is the group's start. */
	v = call("supervisor.startProcess", args("s", "w:*"), &fault);
	ck_assert(!fault);
	ck_assert_int_eq(v->type, XR_ARRAY);
	ck_assert_uint_eq(v->n, 0);
	xr_val_free(v);
	v = call("supervisor.signalProcessGroup", args("ss", "w", "NOPE"),
	    &fault);
	ck_assert_uint_eq(v->n, 2);
	check_result(v->v[0], "w_0", "w", 11, "BAD_SIGNAL: NOPE");
	xr_val_free(v);
	v = call("supervisor.stopAllProcesses", NULL, &fault);
	ck_assert_uint_eq(v->n, 3);
	xr_val_free(v);
	v = call("supervisor.stopAllProcesses", args("b", 1), &fault);
	ck_assert_uint_eq(v->n, 0);
	xr_val_free(v);
	stop_all();
}
END_TEST

START_TEST(test_signal_process)
{
	struct sv_program *p;

	start("[program:web]\ncommand=/bin/sleep 30\nautostart=false\n"
	    "startsecs=0\nautorestart=false\n");
	p = sup_find(&sup, "web", "web");
	fault_of("supervisor.signalProcess", args("ss", "web", "HUP"), 70,
	    "NOT_RUNNING: web");
	ck_assert(call_true("supervisor.startProcess", args("sb", "web", 0)));
	fault_of("supervisor.signalProcess", args("ss", "web", "NOPE"), 11,
	    "BAD_SIGNAL: NOPE");
	ck_assert(call_true("supervisor.signalProcess",
	    args("ss", "web", "SIGKILL")));
	wait_state("web", SV_EXITED, 5.);
	ck_assert_int_eq(p->exitstatus, -1);
	stop_all();
}
END_TEST

static void
write_file(const char *name, const char *text, size_t len)
{
	char	path[4300];
	FILE	*fp;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	ck_assert_ptr_nonnull(fp = fopen(path, "w"));
	ck_assert_uint_eq(fwrite(text, 1, len, fp), len);
	fclose(fp);
}

static void
read_is(const char *method, long long off, long long len, const char *want)
{
	struct xr_val	*v;
	bool		 fault;

	v = call(method, args("sii", "web", off, len), &fault);
	ck_assert_msg(!fault, "%s(%lld, %lld) faulted", method, off, len);
	ck_assert_str_eq(v->s, want);
	xr_val_free(v);
}

static void
tail_is(long long off, long long len, const char *want, long long newoff,
    bool overflow)
{
	struct xr_val	*v;
	bool		 fault;

	v = call("supervisor.tailProcessStdoutLog", args("sii", "web", off,
	    len), &fault);
	ck_assert(!fault);
	ck_assert_uint_eq(v->n, 3);
	ck_assert_str_eq(v->v[0]->s, want);
	ck_assert_int_eq(v->v[1]->i, newoff);
	ck_assert_int_eq(v->v[2]->type, XR_BOOL);
	ck_assert_int_eq(v->v[2]->i, overflow);
	xr_val_free(v);
}

START_TEST(test_read_and_tail_logs)
{
	const char	*rd = "supervisor.readProcessStdoutLog";
	struct xr_val	*v;
	char		 path[4300];
	bool		 fault;

	start_sleeper();
	snprintf(path, sizeof(path), "NO_FILE: %s/web.out", dir);
	fault_of(rd, args("sii", "web", 0LL, 0LL), 20, path);
	tail_is(0, 10, "", 0, false);
	write_file("web.out", "0123456789", 10);
	read_is(rd, 0, 0, "0123456789");
	read_is(rd, 2, 3, "234");
	read_is(rd, -4, 0, "6789");
	read_is(rd, -40, 0, "0123456789");
	read_is(rd, 100, 0, "");
	read_is(rd, 8, 100, "89");
	fault_of(rd, args("sii", "web", -4LL, 1LL), 3, "BAD_ARGUMENTS");
	fault_of(rd, args("sii", "web", 0LL, -1LL), 3, "BAD_ARGUMENTS");
	/* int() of text, as supervisor's */
	v = call(rd, args("sss", "web", " 2", "3"), &fault);
	ck_assert(!fault);
	ck_assert_str_eq(v->s, "234");
	xr_val_free(v);
	fault_of(rd, args("sss", "web", "2.5", "3"), 3, "BAD_ARGUMENTS");
	fault_of("supervisor.readProcessStderrLog", args("sii", "web", 0LL,
	    0LL), 20, "NO_FILE");
	tail_is(0, 5, "56789", 10, true);
	tail_is(10, 5, "", 10, false);
	tail_is(0, 100, "0123456789", 10, false);
	/* supervisor's arithmetic: offset 10 - 100, then 0. */
	tail_is(7, 100, "0123456789", 10, false);
	tail_is(-3, 2, "89", 10, true);
	tail_is(0, -5, "", 10, true);
	stop_all();
}
END_TEST

/* A log read of 200 KiB comes in pieces, each run bounded. */
START_TEST(test_long_read_in_pieces)
{
	struct sink	 k = { 0 }, one = { 0 };
	struct xr_val	*v;
	char		*text, err[128];
	bool		 fault;
	int		 runs = 0, waits = 0, runs1 = 0;
	size_t		 i, n = 200 * 1024;

	start_sleeper();
	ck_assert_ptr_nonnull(text = malloc(n + 1));
	for (i = 0; i < n; i++)
		text[i] = (char)('a' + i % 26);
	text[n] = '\0';
	write_file("web.out", text, n);
	k.limit = 1000;
	call_raw("supervisor.readProcessStdoutLog", args("sii", "web", 0LL,
	    0LL), &k, &runs, &waits);
	ck_assert_int_gt(runs, 10);
	call_raw("supervisor.readProcessStdoutLog", args("sii", "web", 0LL,
	    0LL), &one, &runs1, &waits);
	ck_assert_int_eq(runs1, 1);
	ck_assert_uint_eq(k.len, one.len);
	ck_assert(memcmp(k.buf, one.buf, k.len) == 0);
	ck_assert_int_eq(xr_decode_response(k.buf, k.len, &v, &fault, err,
	    sizeof(err)), 0);
	ck_assert_uint_eq(v->len, n);
	ck_assert(memcmp(v->s, text, n) == 0);
	xr_val_free(v);
	free(k.buf);
	free(one.buf);
	free(text);
	stop_all();
}
END_TEST

START_TEST(test_all_process_info_streamed)
{
	struct sink	 k = { 0 }, one = { 0 };
	struct xr_val	*v;
	char		 progs[65536], err[128];
	size_t		 i, off = 0;
	bool		 fault;
	int		 runs = 0, waits = 0, runs1 = 0;

	for (i = 0; i < 40; i++)
		off += (size_t)snprintf(progs + off, sizeof(progs) - off,
		    "[program:p%02zu]\ncommand=/bin/true\nautostart=false\n\n",
		    39 - i);
	start(progs);
	k.limit = 1;
	call_raw("supervisor.getAllProcessInfo", NULL, &k, &runs, &waits);
	ck_assert_int_ge(runs, 40);
	call_raw("supervisor.getAllProcessInfo", NULL, &one, &runs1, &waits);
	ck_assert_int_eq(runs1, 1);
	/* The same bytes, but for "now", which may have ticked. */
	ck_assert_uint_eq(k.len, one.len);
	ck_assert_int_eq(xr_decode_response(k.buf, k.len, &v, &fault, err,
	    sizeof(err)), 0);
	ck_assert_uint_eq(v->n, 40);
	ck_assert_str_eq(xr_member(v->v[0], "name")->s, "p00");
	ck_assert_str_eq(xr_member(v->v[39], "name")->s, "p39");
	xr_val_free(v);
	free(k.buf);
	free(one.buf);
	/* A process removed between two runs is not written. */
	stop_all();
}
END_TEST

/*
 * diff.getAllProcessStatus: getAllProcessInfo's structs, the same
 * processes in the same order, with only status's members, the same
 * values.  Between the two calls "uptime" may tick: the description of
 * each is that of one of the two getAllProcessInfo around it.
 */
START_TEST(test_all_process_status_matches_info)
{
	static const char *const keys[] = {
		"name", "group", "state", "statename", "description",
	};
	struct xr_val	*info[2], *st, *a;
	const struct xr_val *b;
	struct sink	 k = { 0 };
	bool		 fault;
	size_t		 i, j, big;
	int		 runs = 0, waits = 0;

	start("[program:run]\ncommand=/bin/sleep 30\nstartsecs=0\n\n"
	    "[program:bad]\ncommand=/bin/false\nstartsecs=1\n"
	    "startretries=0\n\n"
	    "[program:idle]\ncommand=/bin/sleep 30\nautostart=false\n\n"
	    "[program:nosuch]\ncommand=/nonexistent/x\nstartretries=0\n\n"
	    "[group:g]\nprograms=a,b\n\n"
	    "[program:a]\ncommand=/bin/sleep 30\nstartsecs=0\n\n"
	    "[program:b]\ncommand=/bin/sleep 30\nautostart=false\n\n");
	wait_state("run", SV_RUNNING, 5.);
	wait_state("bad", SV_FATAL, 5.);
	wait_state("nosuch", SV_FATAL, 5.);
	info[0] = call("supervisor.getAllProcessInfo", NULL, &fault);
	ck_assert(!fault);
	st = call("diff.getAllProcessStatus", NULL, &fault);
	ck_assert(!fault);
	info[1] = call("supervisor.getAllProcessInfo", NULL, &fault);
	ck_assert_int_eq(st->type, XR_ARRAY);
	ck_assert_uint_eq(st->n, 6);
	ck_assert_uint_eq(st->n, info[0]->n);
	for (i = 0; i < st->n; i++) {
		a = st->v[i];
		ck_assert_uint_eq(a->n, 5);
		for (j = 0; j < 5; j++) {
			ck_assert_str_eq(a->keys[j], keys[j]);
			b = xr_member(info[0]->v[i], keys[j]);
			ck_assert_int_eq(a->v[j]->type, b->type);
			if (b->type == XR_INT) {
				ck_assert_int_eq(a->v[j]->i, b->i);
				continue;
			}
			if (strcmp(a->v[j]->s, b->s) == 0)
				continue;
			ck_assert_str_eq(keys[j], "description");
			ck_assert_str_eq(a->v[j]->s, xr_member(info[1]->v[i],
			    keys[j])->s);
		}
	}
	ck_assert_str_eq(xr_member(st->v[0], "name")->s, "bad");
	ck_assert_str_eq(xr_member(st->v[1], "group")->s, "g");
	xr_val_free(info[0]);
	xr_val_free(info[1]);
	xr_val_free(st);
	fault_of("diff.getAllProcessStatus", args("i", 1LL), 2,
	    "INCORRECT_PARAMETERS");
	/* About a third of the bytes: what it is for. */
	call_raw("supervisor.getAllProcessInfo", NULL, &k, &runs, &waits);
	big = k.len;
	free(k.buf);
	memset(&k, 0, sizeof(k));
	call_raw("diff.getAllProcessStatus", NULL, &k, &runs, &waits);
	ck_assert_uint_lt(k.len * 2, big);
	free(k.buf);
	stop_all();
}
END_TEST

START_TEST(test_multicall_with_a_waiting_item)
{
	struct xr_val	*calls, *item, *v;
	struct sink	 k = { 0 };
	char		 err[128];
	bool		 fault;
	int		 runs = 0, waits = 0;

	start_sleeper();
	calls = xr_array();
	item = xr_struct();
	xr_put(item, "methodName", xr_string("supervisor.startProcess", 23));
	xr_put(item, "params", args("s", "web"));
	xr_push(calls, item);
	item = xr_struct();
	xr_put(item, "methodName", xr_string("supervisor.getProcessInfo",
	    25));
	xr_put(item, "params", args("s", "web"));
	xr_push(calls, item);
	item = xr_struct();
	xr_put(item, "methodName", xr_string("system.multicall", 16));
	xr_push(calls, item);
	item = xr_struct();
	xr_push(calls, item);
	item = xr_struct();
	xr_put(item, "methodName", xr_string("supervisor.nope", 15));
	xr_push(calls, item);
	item = xr_array();
	xr_push(item, calls);
	call_raw("system.multicall", item, &k, &runs, &waits);
	ck_assert_int_eq(waits, 1);
	ck_assert_int_eq(xr_decode_response(k.buf, k.len, &v, &fault, err,
	    sizeof(err)), 0);
	ck_assert(!fault);
	ck_assert_uint_eq(v->n, 5);
	ck_assert_int_eq(v->v[0]->type, XR_BOOL);
	ck_assert_int_eq(v->v[0]->i, 1);
	/* The second ran after the first was done. */
	ck_assert_str_eq(xr_member(v->v[1], "statename")->s, "RUNNING");
	ck_assert_str_eq(xr_member(v->v[2], "faultString")->s,
	    "INCORRECT_PARAMETERS: Recursive system.multicall forbidden");
	ck_assert_str_eq(xr_member(v->v[3], "faultString")->s,
	    "INCORRECT_PARAMETERS: No methodName");
	ck_assert_int_eq(xr_member(v->v[4], "faultCode")->i, 1);
	xr_val_free(v);
	free(k.buf);
	stop_all();
}
END_TEST

/*
 * diff.health: status's structs of the processes that are not healthy,
 * in start order.  RUNNING, a job that exited as expected without a
 * restart, a program nobody started and one stopped by hand are
 * healthy; FATAL and an unexpected exit are not.
 */
START_TEST(test_health_lists_the_unhealthy)
{
	struct xr_val	*v;
	bool		 fault;

	start("[program:run]\ncommand=/bin/sleep 30\nstartsecs=0\n\n"
	    "[program:bad]\ncommand=/bin/false\nstartsecs=1\n"
	    "startretries=0\n\n"
	    "[program:idle]\ncommand=/bin/sleep 30\nautostart=false\n\n"
	    "[program:job]\ncommand=/bin/true\nstartsecs=0\n"
	    "autorestart=false\n\n"
	    "[program:fail]\ncommand=/bin/sh -c 'exit 3'\nstartsecs=0\n"
	    "autorestart=false\n\n"
	    "[program:once]\ncommand=/bin/true\nstartsecs=0\n"
	    "autorestart=unexpected\n\n"
	    "[program:web]\ncommand=/bin/sleep 30\nstartsecs=0\n\n");
	wait_state("run", SV_RUNNING, 5.);
	wait_state("web", SV_RUNNING, 5.);
	wait_state("bad", SV_FATAL, 5.);
	wait_state("job", SV_EXITED, 5.);
	wait_state("fail", SV_EXITED, 5.);
	wait_state("once", SV_EXITED, 5.);
	v = call("diff.health", NULL, &fault);
	ck_assert(!fault);
	ck_assert_int_eq(v->type, XR_ARRAY);
	ck_assert_uint_eq(v->n, 2);
	ck_assert_str_eq(xr_member(v->v[0], "name")->s, "bad");
	ck_assert_str_eq(xr_member(v->v[0], "statename")->s, "FATAL");
	ck_assert_str_eq(xr_member(v->v[1], "name")->s, "fail");
	ck_assert_str_eq(xr_member(v->v[1], "statename")->s, "EXITED");
	ck_assert_uint_eq(v->v[0]->n, 5);
	xr_val_free(v);
	/* Stopped by hand: healthy.  Started by hand and FATAL: not. */
	ck_assert(call_true("supervisor.stopProcess", args("s", "web")));
	wait_state("web", SV_STOPPED, 5.);
	v = call("diff.health", NULL, &fault);
	ck_assert_uint_eq(v->n, 2);
	xr_val_free(v);
	fault_of("diff.health", args("i", 1LL), 2, "INCORRECT_PARAMETERS");
	stop_all();
}
END_TEST

START_TEST(test_system_methods)
{
	const char *const *names;
	struct xr_val	*v;
	bool		 fault;
	size_t		 n, i;

	start_sleeper();
	names = rpc_method_names(&n);
	ck_assert_uint_eq(n, 45);
	for (i = 1; i < n; i++)
		ck_assert_int_lt(strcmp(names[i - 1], names[i]), 0);
	v = call("system.listMethods", NULL, &fault);
	ck_assert_uint_eq(v->n, 45);
	ck_assert_str_eq(v->v[0]->s, "diff.getAllProcessStatus");
	ck_assert_str_eq(v->v[1]->s, "diff.health");
	ck_assert_str_eq(v->v[2]->s, "diff.rollingRestart");
	ck_assert_str_eq(v->v[3]->s, "diff.update");
	ck_assert_str_eq(v->v[44]->s, "system.multicall");
	xr_val_free(v);
	v = call("system.methodSignature", args("s",
	    "diff.getAllProcessStatus"), &fault);
	ck_assert(!fault);
	ck_assert_uint_eq(v->n, 1);
	ck_assert_str_eq(v->v[0]->s, "array");
	xr_val_free(v);
	v = call("system.methodHelp", args("s", "diff.getAllProcessStatus"),
	    &fault);
	ck_assert(!fault);
	ck_assert_ptr_nonnull(strstr(v->s, "@return array result"));
	xr_val_free(v);
	v = call("system.methodSignature", args("s",
	    "supervisor.startProcess"), &fault);
	ck_assert(!fault);
	ck_assert_uint_eq(v->n, 3);
	ck_assert_str_eq(v->v[0]->s, "boolean");
	ck_assert_str_eq(v->v[1]->s, "string");
	ck_assert_str_eq(v->v[2]->s, "boolean");
	xr_val_free(v);
	/* Every method has a signature, as supervisor's [OBS]. */
	for (i = 0; i < n; i++) {
		v = call("system.methodSignature", args("s", names[i]),
		    &fault);
		ck_assert_msg(!fault, "%s", names[i]);
		xr_val_free(v);
	}
	v = call("system.methodHelp", args("s", "supervisor.getState"),
	    &fault);
	ck_assert_str_eq(v->s, " Return current state of supervisord as a "
	    "struct\n\n        @return struct A struct with keys int "
	    "statecode, string statename\n        ");
	xr_val_free(v);
	fault_of("system.methodHelp", args("s", "x.y"), 4,
	    "SIGNATURE_UNSUPPORTED");
	fault_of("system.methodSignature", args("s", "x.y"), 4,
	    "SIGNATURE_UNSUPPORTED");
	stop_all();
}
END_TEST

START_TEST(test_shutdown_state)
{
	struct xr_val	*v;
	bool		 fault;

	start_sleeper();
	rpc_set_mood(rpc, -1);
	fault_of("supervisor.getState", NULL, 6, "SHUTDOWN_STATE");
	fault_of("supervisor.startProcess", args("s", "web"), 6,
	    "SHUTDOWN_STATE");
	ck_assert(call_true("supervisor.sendRemoteCommEvent",
	    args("ss", "t", "d")));
	v = call("system.listMethods", NULL, &fault);
	ck_assert(!fault);
	xr_val_free(v);
	rpc_set_mood(rpc, 1);
	ck_assert(call_true("supervisor.shutdown", NULL));
	ck_assert_int_eq(rpc_mood(rpc), -1);
	stop_all();
}
END_TEST

static void
names_are(const struct xr_val *a, const char *want)
{
	char	got[512] = "";
	size_t	i;

	for (i = 0; i < a->n; i++) {
		if (i > 0)
			strcat(got, " ");
		strcat(got, a->v[i]->s);
	}
	ck_assert_str_eq(got, want);
}

START_TEST(test_reload_add_remove)
{
	struct xr_val	*v;
	bool		 fault;

	start("[program:a]\ncommand=/bin/sleep 30\nautostart=false\n\n"
	    "[program:b]\ncommand=/bin/sleep 30\nautostart=false\n\n"
	    "[program:c]\ncommand=/bin/sleep 30\nautostart=false\n");
	write_conf("[program:a]\ncommand=/bin/sleep 31\nautostart=false\n\n"
	    "[program:b]\ncommand=/bin/sleep 30\nautostart=false\n\n"
	    "[program:n]\ncommand=/bin/sleep 30\nautostart=false\n");
	v = call("supervisor.reloadConfig", NULL, &fault);
	ck_assert(!fault);
	ck_assert_uint_eq(v->n, 1);
	ck_assert_uint_eq(v->v[0]->n, 3);
	names_are(v->v[0]->v[0], "n");
	names_are(v->v[0]->v[1], "a");
	names_are(v->v[0]->v[2], "c");
	xr_val_free(v);
	/* Nothing changed yet: reloadConfig only reads. */
	ck_assert_ptr_nonnull(sup_find(&sup, "c", "c"));
	fault_of("supervisor.getProcessInfo", args("s", "n"), 10,
	    "BAD_NAME: n");
	ck_assert(call_true("supervisor.addProcessGroup", args("s", "n")));
	v = call("supervisor.getProcessInfo", args("s", "n"), &fault);
	ck_assert(!fault);
	xr_val_free(v);
	fault_of("supervisor.addProcessGroup", args("s", "n"), 90,
	    "ALREADY_ADDED: n");
	fault_of("supervisor.addProcessGroup", args("s", "zz"), 10,
	    "BAD_NAME: zz");
	ck_assert(call_true("supervisor.removeProcessGroup", args("s", "c")));
	fault_of("supervisor.getProcessInfo", args("s", "c"), 10,
	    "BAD_NAME: c");
	fault_of("supervisor.removeProcessGroup", args("s", "c"), 10,
	    "BAD_NAME: c");
	/* Removed and added again at once, as supervisorctl's update. */
	ck_assert(call_true("supervisor.removeProcessGroup", args("s", "a")));
	ck_assert(call_true("supervisor.addProcessGroup", args("s", "a")));
	run_for(0.05);
	ck_assert_str_eq(sup_find(&sup, "a", "a")->cfg->command,
	    "/bin/sleep 31");
	v = call("supervisor.getAllConfigInfo", NULL, &fault);
	ck_assert(!fault);
	ck_assert_uint_eq(v->n, 3);
	ck_assert_str_eq(xr_member(v->v[0], "name")->s, "a");
	ck_assert_str_eq(xr_member(v->v[2], "name")->s, "n");
	ck_assert_int_eq(xr_member(v->v[2], "inuse")->i, 1);
	ck_assert_str_eq(xr_member(v->v[0], "directory")->s, "none");
	ck_assert_uint_eq(v->v[0]->n, 29);
	xr_val_free(v);
	/* A running group can't go. */
	ck_assert(call_true("supervisor.startProcess", args("sb", "b", 0)));
	fault_of("supervisor.removeProcessGroup", args("s", "b"), 91,
	    "STILL_RUNNING: b");
	write_conf("[program:a]\nstartsecs=ten\n");
	v = call("supervisor.reloadConfig", NULL, &fault);
	ck_assert(fault);
	ck_assert_int_eq(xr_member(v, "faultCode")->i, 92);
	xr_val_free(v);
	stop_all();
}
END_TEST

START_TEST(test_diff_update)
{
	struct xr_val	*v, *names;
	bool		 fault;

	start("[program:a]\ncommand=/bin/sleep 30\nautostart=false\n\n"
	    "[program:c]\ncommand=/bin/sleep 30\nautostart=false\n");
	write_conf("[program:a]\ncommand=/bin/sleep 31\nautostart=false\n\n"
	    "[program:n]\ncommand=/bin/sleep 30\nautostart=false\n");
	names = xr_array();
	xr_push(names, xr_array());
	v = call("diff.update", names, &fault);
	ck_assert_msg(!fault, "%s", fault ? xr_member(v, "faultString")->s :
	    "");
	ck_assert_uint_eq(v->n, 5);
	ck_assert_uint_eq(v->v[0]->n, 3);
	ck_assert_str_eq(v->v[0]->keys[0], "name");
	ck_assert_str_eq(v->v[0]->v[0]->s, "c");
	ck_assert_str_eq(v->v[0]->keys[1], "status");
	ck_assert_int_eq(v->v[0]->v[1]->i, 80);
	ck_assert_str_eq(v->v[0]->keys[2], "description");
	ck_assert_str_eq(v->v[0]->v[2]->s, "stopped");
	ck_assert_str_eq(xr_member(v->v[1], "description")->s,
	    "removed process group");
	ck_assert_str_eq(xr_member(v->v[2], "description")->s, "stopped");
	ck_assert_str_eq(xr_member(v->v[3], "description")->s,
	    "updated process group");
	ck_assert_str_eq(xr_member(v->v[4], "name")->s, "n");
	xr_val_free(v);
	run_for(0.05);
	ck_assert_ptr_null(sup_find(&sup, "c", "c"));
	ck_assert_ptr_nonnull(sup_find(&sup, "n", "n"));
	names = xr_array();
	xr_push(names, args("s", "zz"));
	v = call("diff.update", names, &fault);
	ck_assert_uint_eq(v->n, 1);
	ck_assert_int_eq(xr_member(v->v[0], "status")->i, 10);
	xr_val_free(v);
	stop_all();
}
END_TEST

/* A process removed while a start waits on it: the wait ends, no
 * dangling pointer (ASan). */
START_TEST(test_removed_while_waited_on)
{
	struct rpc_call	*c;
	struct sink	 k = { 0 };
	struct xr_out	 o;
	struct xr_val	*v;
	bool		 fault;
	char		 err[128];

	start_sleeper();
	c = rpc_call_new(rpc, "supervisor.startProcess", args("s", "web"),
	    wake, NULL);
	xr_out_init(&o, sink_write, sink_room, &k);
	ck_assert_int_eq(rpc_call_run(c, &o), RPC_WAIT);
	sup_remove(&sup, sup_find(&sup, "web", "web"));
	woken = 0;
	run_until_woken(5.);
	ck_assert_int_eq(woken, 1);
	run_for(0.05);
	ck_assert_ptr_null(sup_find(&sup, "web", "web"));
	ck_assert_int_eq(rpc_call_run(c, &o), RPC_DONE);
	xr_out_finish(&o);
	ck_assert_int_eq(xr_decode_response(k.buf, k.len, &v, &fault, err,
	    sizeof(err)), 0);
	ck_assert(fault);
	ck_assert_int_eq(xr_member(v, "faultCode")->i, 40);
	xr_val_free(v);
	free(k.buf);
	rpc_call_free(c);
	stop_all();
}
END_TEST

/* getAllProcessInfo goes on past a process removed between two runs. */
START_TEST(test_all_process_info_after_a_removal)
{
	struct rpc_call	*c;
	struct sink	 k = { 0 };
	struct xr_out	 o;
	struct xr_val	*v;
	char		 progs[8192], err[128];
	size_t		 i, off = 0;
	bool		 fault;
	int		 runs = 0;

	for (i = 0; i < 10; i++)
		off += (size_t)snprintf(progs + off, sizeof(progs) - off,
		    "[program:p%zu]\ncommand=/bin/true\nautostart=false\n\n",
		    i);
	start(progs);
	c = rpc_call_new(rpc, "supervisor.getAllProcessInfo", NULL, wake,
	    NULL);
	k.limit = 1;
	xr_out_init(&o, sink_write, sink_room, &k);
	for (i = 0; i < 3; i++) {
		k.run = 0;
		ck_assert_int_eq(rpc_call_run(c, &o), RPC_MORE);
	}
	sup_remove(&sup, sup_find(&sup, "p7", "p7"));
	run_for(0.02);
	ck_assert_ptr_null(sup_find(&sup, "p7", "p7"));
	do {
		k.run = 0;
		ck_assert_int_lt(runs++, 100);
	} while (rpc_call_run(c, &o) == RPC_MORE);
	xr_out_finish(&o);
	rpc_call_free(c);
	ck_assert_int_eq(xr_decode_response(k.buf, k.len, &v, &fault, err,
	    sizeof(err)), 0);
	ck_assert_uint_eq(v->n, 9);
	for (i = 0; i < 9; i++) {
		snprintf(err, sizeof(err), "p%zu", i < 7 ? i : i + 1);
		ck_assert_str_eq(xr_member(v->v[i], "name")->s, err);
	}
	xr_val_free(v);
	free(k.buf);
	stop_all();
}
END_TEST

static const char *
main_log(void *arg)
{
	return arg;
}

static int	reopened;

static void
reopen_log(void *arg)
{
	(void)arg;
	reopened++;
}

/* readLog and clearLog through main's hooks; a process's stdin; the
 * process logs cleared. */
START_TEST(test_main_log_stdin_and_clear)
{
	struct rpc_hooks h = { 0 };
	struct xr_val	*v;
	char		 path[4300], buf[64], progs[4400];
	bool		 fault;
	FILE		*fp;
	size_t		 n = 0;
	int		 i;

	snprintf(path, sizeof(path), "%s/main.log", dir);
	start_sleeper();
	fault_of("supervisor.readLog", args("ii", 0LL, 0LL), 20, "NO_FILE");
	h.logfile = main_log;
	h.reopen_log = reopen_log;
	h.arg = path;
	rpc_set_hooks(rpc, &h);
	write_file("main.log", "line one\n", 9);
	v = call("supervisor.readLog", args("ii", -4LL, 0LL), &fault);
	ck_assert_str_eq(v->s, "one\n");
	xr_val_free(v);
	ck_assert(call_true("supervisor.clearLog", NULL));
	ck_assert_int_eq(reopened, 1);
	ck_assert_int_eq(access(path, F_OK), -1);
	stop_all();

	snprintf(progs, sizeof(progs), "[program:cat]\ncommand=/bin/cat\n"
	    "startsecs=0\nstdout_logfile=%s/cat.out\n", dir);
	start(progs);
	wait_state("cat", SV_RUNNING, 5.);
	ck_assert(call_true("supervisor.sendProcessStdin",
	    args("ss", "cat", "hello\n")));
	fault_of("supervisor.sendProcessStdin", args("si", "cat", 5LL), 2,
	    "INCORRECT_PARAMETERS: 5");
	snprintf(path, sizeof(path), "%s/cat.out", dir);
	for (i = 0; i < 250 && n < 6; i++) {
		run_for(0.02);
		if ((fp = fopen(path, "r")) != NULL) {
			n = fread(buf, 1, sizeof(buf) - 1, fp);
			buf[n] = '\0';
			fclose(fp);
		}
	}
	ck_assert_str_eq(buf, "hello\n");
	v = call("supervisor.clearAllProcessLogs", NULL, &fault);
	ck_assert_uint_eq(v->n, 1);
	check_result(v->v[0], "cat", "cat", 80, "OK");
	xr_val_free(v);
	ck_assert_int_eq((fp = fopen(path, "r")) != NULL, 1);
	ck_assert_uint_eq(fread(buf, 1, sizeof(buf), fp), 0);
	fclose(fp);
	ck_assert(call_true("supervisor.clearProcessLogs", args("s", "cat")));
	fault_of("supervisor.clearProcessLogs", args("s", "cat:*"), 10,
	    "BAD_NAME: cat:*");
	stop_all();
}
END_TEST

Suite *
rpc_suite(void)
{
	Suite	*s = suite_create("rpc");
	TCase	*tc = tcase_create("rpc");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 20);
	tcase_add_test(tc, test_get_state_and_versions);
	tcase_add_test(tc, test_process_info_shape);
	tcase_add_test(tc, test_faults_of_names_and_arity);
	tcase_add_test(tc, test_start_waits_for_running);
	tcase_add_test(tc, test_spawn_error_when_exiting_at_once);
	tcase_add_test(tc, test_no_file_for_a_missing_command);
	tcase_add_test(tc, test_group_and_all_results);
	tcase_add_test(tc, test_signal_process);
	tcase_add_test(tc, test_read_and_tail_logs);
	tcase_add_test(tc, test_long_read_in_pieces);
	tcase_add_test(tc, test_all_process_info_streamed);
	tcase_add_test(tc, test_all_process_status_matches_info);
	tcase_add_test(tc, test_multicall_with_a_waiting_item);
	tcase_add_test(tc, test_health_lists_the_unhealthy);
	tcase_add_test(tc, test_system_methods);
	tcase_add_test(tc, test_shutdown_state);
	tcase_add_test(tc, test_reload_add_remove);
	tcase_add_test(tc, test_diff_update);
	tcase_add_test(tc, test_removed_while_waited_on);
	tcase_add_test(tc, test_all_process_info_after_a_removal);
	tcase_add_test(tc, test_main_log_stdin_and_clear);
	suite_add_tcase(s, tc);
	return s;
}
