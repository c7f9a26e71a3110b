/*
 * events without a daemon: the class masks of events=, the payloads made
 * from what the supervisor tells (group added and removed, the daemon
 * running, remote communication), len: in code points, supervisor's
 * "Undecodable" text for output that is not UTF-8, the serials, and the
 * tick timers running only while someone takes a tick.  Programs have
 * autostart=false: nothing is spawned.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <check.h>
#include <ev.h>

#include "supervisord/config.h"
#include "supervisord/events.h"
#include "supervisord/log.h"
#include "supervisord/supervisor.h"

extern char **environ;

Suite	*events_suite(void);

static struct ev_loop	*loop;
static char		 dir[4096];

/* What a test subscriber received. */
#define MAXGOT	32
static struct evt_event	*got[MAXGOT];
static size_t		 ngot;

static void
take(void *arg, struct evt_event *e)
{
	(void)arg;
	ck_assert_uint_lt(ngot, MAXGOT);
	got[ngot++] = evt_ref(e);
}

static void
setup(void)
{
	const char	*tmp = getenv("TMPDIR");

	snprintf(dir, sizeof(dir), "%s/evt.XXXXXX",
	    tmp != NULL && *tmp != '\0' ? tmp : "/tmp");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	loop = ev_loop_new(EVFLAG_AUTO);
	ck_assert_ptr_nonnull(loop);
	log_open(NULL, 0, 0, LOGLEVEL_CRIT, false);
	ngot = 0;
}

static void
teardown(void)
{
	char	path[4200];
	size_t	i;

	for (i = 0; i < ngot; i++)
		evt_unref(got[i]);
	ngot = 0;
	snprintf(path, sizeof(path), "%s/supervisord.conf", dir);
	unlink(path);
	rmdir(dir);
	ev_loop_destroy(loop);
	log_close();
}

static struct cfg *
load(const char *programs)
{
	struct cfg_msgs	 errs = { 0 };
	struct cfg	*c;
	char		 path[4200];
	FILE		*fp;

	snprintf(path, sizeof(path), "%s/supervisord.conf", dir);
	ck_assert_ptr_nonnull(fp = fopen(path, "w"));
	fprintf(fp, "[supervisord]\nlogfile=%s/log\npidfile=%s/pid\n\n%s",
	    dir, dir, programs);
	fclose(fp);
	c = cfg_load(path, &errs);
	ck_assert_msg(c != NULL, "%s", errs.n > 0 ? errs.v[0] : "?");
	cfg_msgs_free(&errs);
	return c;
}

static void
got_is(size_t i, enum evt_type t, const char *payload, size_t ncp)
{
	ck_assert_uint_lt(i, ngot);
	ck_assert_str_eq(evt_name(got[i]->type), evt_name(t));
	ck_assert_uint_eq(got[i]->len, strlen(payload));
	ck_assert_mem_eq(got[i]->payload, payload, got[i]->len);
	ck_assert_uint_eq(got[i]->ncp, ncp);
}

START_TEST(test_class_masks)
{
	ck_assert_uint_eq(evt_class_mask("Event"), EVT_BIT(EVT_NTYPES) - 1);
	ck_assert_uint_eq(evt_class_mask("ProcessStateEvent"),
	    EVT_BIT(EVT_PROCESS_STATE_UNKNOWN + 1) - 1);
	ck_assert_uint_eq(evt_class_mask("TickEvent"), EVT_BIT(EVT_TICK_5) |
	    EVT_BIT(EVT_TICK_60) | EVT_BIT(EVT_TICK_3600));
	ck_assert_uint_eq(evt_class_mask("ProcessLogStderrEvent"),
	    EVT_BIT(EVT_PROCESS_LOG_STDERR));
	ck_assert_uint_eq(evt_class_mask("ProcessGroupEvent"),
	    EVT_BIT(EVT_PROCESS_GROUP_ADDED) |
	    EVT_BIT(EVT_PROCESS_GROUP_REMOVED));
	ck_assert_uint_eq(evt_class_mask("NoSuchEvent"), 0);
	ck_assert_str_eq(evt_name(EVT_SUPERVISOR_STATE_CHANGE_RUNNING),
	    "SUPERVISOR_STATE_CHANGE_RUNNING");
}
END_TEST

/* At startup: one ADDED per group in start order, then RUNNING; a group
 * goes with its last process. */
START_TEST(test_groups_and_running)
{
	struct supervisor s;
	struct evt_bus	 b;
	struct evt_sub	 sub = { .mask = ~0u, .deliver = take };
	struct sv_program *p;

	ck_assert_int_eq(sup_init(&s, loop, load(
	    "[program:web]\ncommand=/bin/true\nautostart=false\n"
	    "numprocs=2\nprocess_name=web%(process_num)d\npriority=5\n"
	    "[program:db]\ncommand=/bin/true\nautostart=false\n"
	    "priority=1\n")), 0);
	sup_set_ctx(&s, environ, NULL, 0, NULL);
	ck_assert_int_eq(evt_init(&b, &s), 0);
	evt_subscribe(&b, &sub);
	sup_add_all(&s);
	ck_assert_uint_eq(ngot, 3);
	got_is(0, EVT_PROCESS_GROUP_ADDED, "groupname:db\n", 13);
	got_is(1, EVT_PROCESS_GROUP_ADDED, "groupname:web\n", 14);
	got_is(2, EVT_SUPERVISOR_STATE_CHANGE_RUNNING, "", 0);
	ck_assert(got[0]->serial == 0 && !got[0]->has_serial);

	/* The first of web's two leaving is not the group leaving. */
	p = sup_find(&s, "web", "web0");
	ck_assert_ptr_nonnull(p);
	sup_remove(&s, p);
	ev_run(loop, EVRUN_NOWAIT);
	ck_assert_uint_eq(ngot, 3);
	p = sup_find(&s, "web", "web1");
	ck_assert_ptr_nonnull(p);
	sup_remove(&s, p);
	ev_run(loop, EVRUN_NOWAIT);
	ck_assert_uint_eq(ngot, 4);
	got_is(3, EVT_PROCESS_GROUP_REMOVED, "groupname:web\n", 14);

	sup_shutdown(&s);
	ck_assert_uint_eq(ngot, 5);
	got_is(4, EVT_SUPERVISOR_STATE_CHANGE_STOPPING, "", 0);

	evt_unsubscribe(&b, &sub);
	evt_free(&b);
	sup_free(&s);
}
END_TEST

/* Payloads: len: in code points; invalid UTF-8 as supervisor's repr. */
START_TEST(test_payloads)
{
	struct supervisor s;
	struct evt_bus	 b;
	struct evt_sub	 sub = { .deliver = take };

	ck_assert_int_eq(sup_init(&s, loop, load("")), 0);
	ck_assert_int_eq(evt_init(&b, &s), 0);
	/* Nobody takes it: not made. */
	ck_assert_int_eq(evt_remote(&b, "t", "x", 1), 0);
	ck_assert_uint_eq(ngot, 0);
	sub.mask = evt_class_mask("RemoteCommunicationEvent");
	evt_subscribe(&b, &sub);
	ck_assert(evt_wanted(&b, EVT_REMOTE_COMMUNICATION));
	ck_assert(!evt_wanted(&b, EVT_TICK_5));

	ck_assert_int_eq(evt_remote(&b, "mytype", "d\xc3\xa9j\xc3\xa0 vu",
	    9), 0);
	got_is(0, EVT_REMOTE_COMMUNICATION, "type:mytype\nd\xc3\xa9j\xc3\xa0 vu",
	    19);
	/* Invalid UTF-8 (a lone continuation byte, an overlong form, a
	 * surrogate) is sent as Python's repr of the bytes. */
	ck_assert_int_eq(evt_remote(&b, "t", "a\x80'b\\\n", 6), 0);
	got_is(1, EVT_REMOTE_COMMUNICATION,
	    "type:t\nUndecodable: b\"a\\x80'b\\\\\\n\"", 34);
	ck_assert_int_eq(evt_remote(&b, "t", "\xc0\xaf", 2), 0);
	got_is(2, EVT_REMOTE_COMMUNICATION,
	    "type:t\nUndecodable: b'\\xc0\\xaf'", 31);
	ck_assert_int_eq(evt_remote(&b, "t", "\xed\xa0\x80", 3), 0);
	got_is(3, EVT_REMOTE_COMMUNICATION,
	    "type:t\nUndecodable: b'\\xed\\xa0\\x80'", 35);
	/* Four bytes, one code point. */
	ck_assert_int_eq(evt_remote(&b, "t", "\xf0\x9f\x98\x80", 4), 0);
	got_is(4, EVT_REMOTE_COMMUNICATION, "type:t\n\xf0\x9f\x98\x80", 8);

	/* Serials: taken once, in order, from 0. */
	evt_take_serial(&b, got[1]);
	evt_take_serial(&b, got[0]);
	evt_take_serial(&b, got[1]);
	ck_assert(got[1]->has_serial && got[1]->serial == 0);
	ck_assert(got[0]->has_serial && got[0]->serial == 1);

	evt_unsubscribe(&b, &sub);
	ck_assert(!evt_wanted(&b, EVT_REMOTE_COMMUNICATION));
	evt_free(&b);
	sup_free(&s);
}
END_TEST

/* The tick timers run only while some subscriber takes a tick. */
START_TEST(test_ticks_only_when_taken)
{
	struct supervisor s;
	struct evt_bus	 b;
	struct evt_sub	 sub = { .deliver = take }, sub2 = { .deliver = take };

	ck_assert_int_eq(sup_init(&s, loop, load("")), 0);
	ck_assert_int_eq(evt_init(&b, &s), 0);
	sub.mask = evt_class_mask("Tick60Event");
	evt_subscribe(&b, &sub);
	ck_assert(ev_is_active(&b.tick[1]));
	ck_assert(!ev_is_active(&b.tick[0]) && !ev_is_active(&b.tick[2]));
	sub2.mask = evt_class_mask("TickEvent");
	evt_subscribe(&b, &sub2);
	ck_assert(ev_is_active(&b.tick[0]) && ev_is_active(&b.tick[2]));
	evt_unsubscribe(&b, &sub2);
	ck_assert(ev_is_active(&b.tick[1]));
	ck_assert(!ev_is_active(&b.tick[0]) && !ev_is_active(&b.tick[2]));
	evt_unsubscribe(&b, &sub);
	ck_assert(!ev_is_active(&b.tick[1]));
	evt_free(&b);
	sup_free(&s);
}
END_TEST

Suite *
events_suite(void)
{
	Suite	*s = suite_create("events");
	TCase	*tc = tcase_create("events");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_class_masks);
	tcase_add_test(tc, test_groups_and_running);
	tcase_add_test(tc, test_payloads);
	tcase_add_test(tc, test_ticks_only_when_taken);
	suite_add_tcase(s, tc);
	return s;
}
