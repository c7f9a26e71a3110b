/*
 * The process state machine, cell by cell: events fed by hand (and real
 * processes spawned where a cell spawns), states asserted.
 */
#include <sys/types.h>
#include <sys/wait.h>

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <check.h>
#include <ev.h>

#include "libproc/reap.h"
#include "libproc/spawn.h"
#include "supervisord/config.h"
#include "supervisord/log.h"
#include "supervisord/program.h"

extern char **environ;

static struct ev_loop *loop;
static struct sv_ctx ctx;
static int	rests;

static void
count_rest(void *arg, struct sv_program *p)
{
	(void)arg;
	(void)p;
	rests++;
}

static void
setup(void)
{
	loop = ev_loop_new(EVFLAG_AUTO);
	ck_assert_ptr_nonnull(loop);
	memset(&ctx, 0, sizeof(ctx));
	ctx.loop = loop;
	ctx.environ = environ;
	ctx.childlogdir = "/tmp";
	ctx.identifier = "supervisor";
	ctx.on_rest = count_rest;
	rests = 0;
	log_open(NULL, 0, 0, LOGLEVEL_CRIT, false);
}

static void
teardown(void)
{
	ev_loop_destroy(loop);
	log_close();
	proc_spawn_set_mode(PROC_SPAWN_AUTO);	/* for CK_FORK=no */
}

static struct cfg_program *
mkcfg(const char *command)
{
	struct cfg_program *c = calloc(1, sizeof(*c));

	ck_assert_ptr_nonnull(c);
	c->name = strdup("t");
	c->group = strdup("t");
	c->section = strdup("program:t");
	c->command = strdup(command);
	c->umask = -1;
	c->numprocs = 1;
	c->priority = 999;
	c->order = 999;
	c->autostart = true;
	c->autorestart = CFG_AR_UNEXPECTED;
	c->startsecs = 1;
	c->startretries = 3;
	c->exitcodes = calloc(1, sizeof(int));
	c->nexitcodes = 1;
	c->stopsignal = SIGTERM;
	c->stopwaitsecs = 10;
	c->out.kind = CFG_LOG_NONE;
	c->err.kind = CFG_LOG_NONE;
	return c;
}

/* Run the loop until the child's exec report has been read. */
static void
wait_exec(struct sv_program *p)
{
	int	i;

	for (i = 0; i < 1000 && p->report != NULL && p->report->fd != -1; i++)
		ev_run(loop, EVRUN_ONCE);
	ck_assert(p->report == NULL || p->report->fd == -1);
}

/* Wait for the program's pid to exit and feed the exit to it. */
static void
reap_into(struct sv_program *p)
{
	int	status;
	pid_t	pid = p->pid;

	ck_assert_int_gt(pid, 0);
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	sv_exit(p, status);
}

START_TEST(test_stopped_start_spawns_into_starting)
{
	struct sv_program *p = sv_program_new(&ctx, mkcfg("/bin/sleep 30"));

	ck_assert_int_eq(p->state, SV_STOPPED);
	sv_event(p, SV_EV_START);
	ck_assert_int_eq(p->state, SV_STARTING);
	ck_assert_int_gt(p->pid, 0);
	ck_assert(p->want_up);
	wait_exec(p);
	sv_event(p, SV_EV_STARTSECS);
	ck_assert_int_eq(p->state, SV_RUNNING);
	sv_event(p, SV_EV_STOP);
	ck_assert_int_eq(p->state, SV_STOPPING);
	ck_assert(!p->want_up);
	reap_into(p);
	ck_assert_int_eq(p->state, SV_STOPPED);
	ck_assert_int_eq(p->pid, 0);
	ck_assert_int_eq(rests, 1);
	sv_program_free(p);
}
END_TEST

START_TEST(test_empty_cell_is_ignored)
{
	struct sv_program *p = sv_program_new(&ctx, mkcfg("/bin/true"));

	sv_event(p, SV_EV_STOP);
	ck_assert_int_eq(p->state, SV_STOPPED);
	sv_event(p, SV_EV_EXIT);
	sv_event(p, SV_EV_KILLWAIT);
	sv_event(p, SV_EV_BACKOFF);
	ck_assert_int_eq(p->state, SV_STOPPED);
	ck_assert_int_eq(rests, 0);
	sv_program_free(p);
}
END_TEST

START_TEST(test_spawnerr_backs_off_then_fatal)
{
	struct cfg_program *c = mkcfg("/nonexistent/prog");
	struct sv_program *p;
	int	i;

	c->startretries = 2;
	p = sv_program_new(&ctx, c);
	sv_event(p, SV_EV_START);
	ck_assert_int_eq(p->state, SV_BACKOFF);
	ck_assert_int_eq(p->backoff, 1);
	ck_assert_str_eq(p->spawnerr,
	    "can't find command '/nonexistent/prog'");
	/* The backoff delay grows one second per failed try. */
	ck_assert(ev_is_active(&p->timer));
	ck_assert(ev_timer_remaining(loop, &p->timer) > 0.9 &&
	    ev_timer_remaining(loop, &p->timer) <= 1.0 + 1e-9);
	for (i = 2; i <= 2; i++) {
		sv_event(p, SV_EV_BACKOFF);
		ck_assert_int_eq(p->state, SV_BACKOFF);
		ck_assert_int_eq(p->backoff, i);
	}
	sv_event(p, SV_EV_BACKOFF);
	ck_assert_int_eq(p->state, SV_FATAL);
	ck_assert(!ev_is_active(&p->timer));
	sv_program_free(p);
}
END_TEST

START_TEST(test_backoff_stop_goes_to_stopped)
{
	struct sv_program *p = sv_program_new(&ctx, mkcfg("/nonexistent/prog"));

	sv_event(p, SV_EV_START);
	ck_assert_int_eq(p->state, SV_BACKOFF);
	sv_event(p, SV_EV_STOP);
	ck_assert_int_eq(p->state, SV_STOPPED);
	ck_assert(!ev_is_active(&p->timer));
	sv_program_free(p);
}
END_TEST

START_TEST(test_early_exit_backs_off)
{
	struct cfg_program *c = mkcfg("/bin/sh -c 'exit 3'");
	struct sv_program *p;

	c->startsecs = 30;
	p = sv_program_new(&ctx, c);
	sv_event(p, SV_EV_START);
	ck_assert_int_eq(p->state, SV_STARTING);
	reap_into(p);
	ck_assert_int_eq(p->state, SV_BACKOFF);
	ck_assert_str_eq(p->spawnerr,
	    "Exited too quickly (process log may have details)");
	sv_event(p, SV_EV_STOP);
	sv_program_free(p);
}
END_TEST

/* autorestart, exitcodes: which exits from RUNNING start it again. */
static const struct {
	enum cfg_autorestart ar;
	const char	*cmd;
	bool		 restarted;
} exit_rows[] = {
	{ CFG_AR_UNEXPECTED,	"/bin/sh -c 'exit 0'",	false },
	{ CFG_AR_UNEXPECTED,	"/bin/sh -c 'exit 2'",	true },
	{ CFG_AR_TRUE,		"/bin/sh -c 'exit 0'",	true },
	{ CFG_AR_FALSE,		"/bin/sh -c 'exit 2'",	false },
};

START_TEST(test_exit_from_running_restarts_per_autorestart)
{
	struct cfg_program *c = mkcfg(exit_rows[_i].cmd);
	struct sv_program *p;

	c->autorestart = exit_rows[_i].ar;
	c->startsecs = 0;
	p = sv_program_new(&ctx, c);
	sv_event(p, SV_EV_START);
	wait_exec(p);
	sv_event(p, SV_EV_STARTSECS);
	ck_assert_int_eq(p->state, SV_RUNNING);
	reap_into(p);
	if (exit_rows[_i].restarted) {
		ck_assert_int_eq(p->state, SV_STARTING);
		ck_assert_int_eq(p->restarts, 1);
		sv_event(p, SV_EV_STOP);
		reap_into(p);
	} else {
		ck_assert_int_eq(p->state, SV_EXITED);
	}
	sv_program_free(p);
}
END_TEST

START_TEST(test_killwait_sends_sigkill)
{
	struct cfg_program *c = mkcfg(
	    "/bin/sh -c 'trap \"\" TERM; echo x; while :; do sleep 1; done'");
	struct sv_program *p;
	int	status;

	c->stopwaitsecs = 1;
	p = sv_program_new(&ctx, c);
	sv_event(p, SV_EV_START);
	wait_exec(p);
	sv_event(p, SV_EV_STARTSECS);
	sv_event(p, SV_EV_STOP);
	ck_assert_int_eq(p->state, SV_STOPPING);
	sv_event(p, SV_EV_KILLWAIT);
	ck_assert_int_eq(p->state, SV_STOPPING);
	ck_assert_int_eq(waitpid(p->pid, &status, 0), p->pid);
	ck_assert(WIFSIGNALED(status));
	sv_exit(p, status);
	ck_assert_int_eq(p->state, SV_STOPPED);
	sv_program_free(p);
}
END_TEST

/*
 * The fork path (forced here: where the clone path is, the exec is known
 * when the spawn returns): RUNNING needs the exec confirmed, and a timer
 * that fires first waits for the report.
 */
START_TEST(test_startsecs_before_exec_report_waits_for_it)
{
	struct sv_program *p;

	proc_spawn_set_mode(PROC_SPAWN_FORK);
	p = sv_program_new(&ctx, mkcfg("/bin/sleep 30"));

	sv_event(p, SV_EV_START);
	ck_assert_ptr_nonnull(p->report);
	ck_assert_int_ne(p->report->fd, -1);
	sv_event(p, SV_EV_STARTSECS);
	ck_assert_int_eq(p->state, SV_STARTING);
	wait_exec(p);
	ck_assert_int_eq(p->state, SV_RUNNING);
	sv_event(p, SV_EV_STOP);
	reap_into(p);
	ck_assert_int_eq(p->state, SV_STOPPED);
	sv_program_free(p);
}
END_TEST

/* Fork path: a failure in the child, reported after fork: a spawn error. */
START_TEST(test_child_failure_is_spawnerr)
{
	struct cfg_program *c = mkcfg("/bin/sleep 30");
	struct sv_program *p;

	proc_spawn_set_mode(PROC_SPAWN_FORK);
	c->directory = strdup("/nonexistent/dir");
	c->startsecs = 0;
	p = sv_program_new(&ctx, c);
	sv_event(p, SV_EV_START);
	ck_assert_int_eq(p->state, SV_STARTING);
	sv_event(p, SV_EV_STARTSECS);
	wait_exec(p);
	ck_assert(p->exec_failed);
	ck_assert_int_eq(p->state, SV_STARTING);
	reap_into(p);
	ck_assert_int_eq(p->state, SV_BACKOFF);
	ck_assert_str_eq(p->spawnerr, "couldn't chdir to /nonexistent/dir: "
	    "No such file or directory");
	sv_event(p, SV_EV_STOP);
	ck_assert_int_eq(p->state, SV_STOPPED);
	sv_program_free(p);
}
END_TEST

/* Fork path: the exit can be seen before the report: read it then. */
START_TEST(test_exit_before_report_is_spawnerr)
{
	struct cfg_program *c = mkcfg("/bin/sleep 30");
	struct sv_program *p;

	proc_spawn_set_mode(PROC_SPAWN_FORK);
	c->directory = strdup("/nonexistent/dir");
	p = sv_program_new(&ctx, c);
	sv_event(p, SV_EV_START);
	reap_into(p);
	ck_assert_int_eq(p->state, SV_BACKOFF);
	ck_assert_ptr_nonnull(p->report);
	ck_assert_int_eq(p->report->fd, -1);
	ck_assert_str_eq(p->spawnerr, "couldn't chdir to /nonexistent/dir: "
	    "No such file or directory");
	sv_event(p, SV_EV_STOP);
	sv_program_free(p);
}
END_TEST

/*
 * Clone path: the child's failure is known when the spawn returns, so
 * the program goes to BACKOFF at once, with the same spawn error.
 */
START_TEST(test_clone_child_failure_is_spawnerr_at_once)
{
	struct cfg_program *c = mkcfg("/bin/sleep 30");
	struct sv_program *p;

	if (proc_spawn_mode() != PROC_SPAWN_CLONE)
		return;		/* no CLOSE_RANGE_UNSHARE here */
	c->directory = strdup("/nonexistent/dir");
	p = sv_program_new(&ctx, c);
	sv_event(p, SV_EV_START);
	ck_assert_int_eq(p->state, SV_BACKOFF);
	ck_assert_int_eq(p->pid, 0);
	ck_assert_ptr_null(p->report);	/* no report, no watcher for one */
	ck_assert_str_eq(p->spawnerr, "couldn't chdir to /nonexistent/dir: "
	    "No such file or directory");
	sv_event(p, SV_EV_STOP);
	ck_assert_int_eq(p->state, SV_STOPPED);
	sv_program_free(p);
}
END_TEST

Suite *program_suite(void);

Suite *
program_suite(void)
{
	Suite	*s = suite_create("program");
	TCase	*tc = tcase_create("table");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 10);
	tcase_add_test(tc, test_stopped_start_spawns_into_starting);
	tcase_add_test(tc, test_empty_cell_is_ignored);
	tcase_add_test(tc, test_spawnerr_backs_off_then_fatal);
	tcase_add_test(tc, test_backoff_stop_goes_to_stopped);
	tcase_add_test(tc, test_early_exit_backs_off);
	tcase_add_loop_test(tc, test_exit_from_running_restarts_per_autorestart,
	    0, sizeof(exit_rows) / sizeof(exit_rows[0]));
	tcase_add_test(tc, test_killwait_sends_sigkill);
	tcase_add_test(tc, test_startsecs_before_exec_report_waits_for_it);
	tcase_add_test(tc, test_child_failure_is_spawnerr);
	tcase_add_test(tc, test_exit_before_report_is_spawnerr);
	tcase_add_test(tc, test_clone_child_failure_is_spawnerr_at_once);
	suite_add_tcase(s, tc);
	return s;
}
