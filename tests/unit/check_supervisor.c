/*
 * The model without a daemon: namespecs, status lines and counts, and
 * reload's diff and apply as a table (a running set of programs, a new
 * configuration, what each program becomes).  Programs have
 * autostart=false, so nothing is spawned: every change happens at rest,
 * settled by one turn of the loop.
 */
#include <sys/stat.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <check.h>
#include <ev.h>

#include "supervisord/config.h"
#include "supervisord/log.h"
#include "supervisord/program.h"
#include "supervisord/reload.h"
#include "supervisord/status.h"
#include "supervisord/supervisor.h"

extern char **environ;

Suite	*supervisor_suite(void);

static struct ev_loop	*loop;
static char		 dir[4096];

static void
setup(void)
{
	const char	*tmp = getenv("TMPDIR");

	snprintf(dir, sizeof(dir), "%s/sup.XXXXXX",
	    tmp != NULL && *tmp != '\0' ? tmp : "/tmp");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	loop = ev_loop_new(EVFLAG_AUTO);
	ck_assert_ptr_nonnull(loop);
	log_open(NULL, 0, 0, LOGLEVEL_CRIT, false);
}

static void
teardown(void)
{
	char	path[4200];

	snprintf(path, sizeof(path), "%s/supervisord.conf", dir);
	unlink(path);
	rmdir(dir);
	ev_loop_destroy(loop);
	log_close();
}

/* A configuration from text (programs after a [supervisord] section). */
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
start(struct supervisor *s, const char *programs)
{
	ck_assert_int_eq(sup_init(s, loop, load(programs)), 0);
	sup_set_ctx(s, environ, NULL, 0, NULL);
	sup_add_all(s);
}

/* One turn of the loop: what waits for rest is settled. */
static void
settle(void)
{
	ev_run(loop, EVRUN_NOWAIT);
}

/* namespec parsing, as supervisor's split_namespec. */
static const struct {
	const char	*spec, *group, *name;	/* name NULL: the group */
} ns_rows[] = {
	{ "web", "web", "web" },
	{ "workers:w_0", "workers", "w_0" },
	{ "workers:*", "workers", NULL },
	{ "workers:", "workers", NULL },
	{ ":x", "", "x" },
};

START_TEST(test_split_namespec)
{
	char		 g[64], n[64];
	const char	*name;

	sup_split_namespec(ns_rows[_i].spec, g, sizeof(g), n, sizeof(n),
	    &name);
	ck_assert_str_eq(g, ns_rows[_i].group);
	if (ns_rows[_i].name == NULL)
		ck_assert_ptr_null(name);
	else
		ck_assert_str_eq(name, ns_rows[_i].name);
}
END_TEST

static const struct {
	long		 secs;
	const char	*text;
} up_rows[] = {
	{ 0, "0:00:00" }, { 62, "0:01:02" }, { 86399, "23:59:59" },
	{ 86400 + 3723, "1 day, 1:02:03" }, { 2 * 86400, "2 days, 0:00:00" },
};

START_TEST(test_uptime_as_timedelta)
{
	char	buf[64];

	ck_assert_str_eq(st_uptime(up_rows[_i].secs, buf, sizeof(buf)),
	    up_rows[_i].text);
}
END_TEST

/* supervisorctl's status lines: padding, states, descriptions. */
START_TEST(test_status_lines)
{
	struct supervisor s;
	struct sv_program *p;
	char		 line[256], want[256];

	start(&s, "[program:web]\ncommand=/bin/true\nautostart=false\n\n"
	    "[program:w]\ncommand=/bin/true\nautostart=false\n"
	    "process_name=w_%(process_num)d\nnumprocs=2\n");
	ck_assert_uint_eq(s.n, 3);
	ck_assert_uint_eq(st_width(&s), 30);
	ck_assert_ptr_nonnull(p = sup_find(&s, "web", "web"));
	ck_assert_str_eq(st_line(p, 30, time(NULL), line, sizeof(line)),
	    "web                              STOPPED   Not started");
	p->state = SV_RUNNING;
	p->pid = 1234;
	p->laststart = 1000;
	snprintf(want, sizeof(want), "%-33s%-10s%s", "web", "RUNNING",
	    "pid 1234, uptime 0:01:02");
	ck_assert_str_eq(st_line(p, 30, 1062, line, sizeof(line)), want);
	ck_assert_str_eq(st_counts(&s, line, sizeof(line)),
	    "2 STOPPED, 1 RUNNING");
	p->state = SV_FATAL;
	p->spawnerr = "can't find command 'x'";
	snprintf(want, sizeof(want), "%-33s%-10s%s", "w:w_1", "FATAL",
	    "can't find command 'x'");
	ck_assert_ptr_nonnull(p = sup_find(&s, "w", "w_1"));
	p->state = SV_FATAL;
	p->spawnerr = "can't find command 'x'";
	ck_assert_str_eq(st_line(p, 30, 1062, line, sizeof(line)), want);
	p = sup_find(&s, "web", "web");
	p->state = SV_STOPPED;
	p->pid = 0;
	p = sup_find(&s, "w", "w_1");
	p->state = SV_STOPPED;
	sup_free(&s);
}
END_TEST

/* The indexes: by (group, name), by pid, and the snapshot's order. */
START_TEST(test_find_and_snapshot)
{
	struct supervisor s;
	struct sv_program **v, *p;
	char		 progs[65536];
	size_t		 n, i, off = 0;

	/* Enough programs for the tables to grow several times. */
	for (i = 0; i < 300; i++)
		off += (size_t)snprintf(progs + off, sizeof(progs) - off,
		    "[program:p%03zu]\ncommand=/bin/true\nautostart=false\n"
		    "priority=%zu\n", i, 1000 - i);
	start(&s, progs);
	ck_assert_uint_eq(s.n, 300);
	/* Start order: priority, so p299 first. */
	ck_assert_str_eq(TAILQ_FIRST(&s.programs)->cfg->name, "p299");
	for (i = 0; i < 300; i += 37) {
		snprintf(progs, sizeof(progs), "p%03zu", i);
		ck_assert_ptr_nonnull(p = sup_find(&s, progs, progs));
		ck_assert_str_eq(p->cfg->name, progs);
	}
	ck_assert_ptr_null(sup_find(&s, "p000", "nope"));
	ck_assert(sup_group_exists(&s, "p123"));
	ck_assert(!sup_group_exists(&s, "nope"));
	ck_assert_ptr_null(sup_find_pid(&s, 12345));
	v = sup_snapshot(&s, false, &n);
	ck_assert_uint_eq(n, 300);
	for (i = 1; i < n; i++)
		ck_assert_int_lt(strcmp(v[i - 1]->cfg->name, v[i]->cfg->name),
		    0);
	free(v);
	sup_free(&s);
}
END_TEST

/*
 * reload, row by row: the running programs, the new file, what rl_diff
 * says of each group, and what each program has become once applied.
 */
struct rl_row {
	const char	*why;
	const char	*before, *after;
	const char	*diff;		/* "+g" added, "~g" changed, "-g" gone */
	const char	*present;	/* "g:n" that exist after, spaces */
	const char	*absent;	/* "g:n" that do not */
	const char	*command;	/* "g:n=command" after, or NULL */
	int		 startretries;	/* of the first present, or -1 */
	bool		 same;		/* the first present is the same struct */
};

#define P(n, extra) "[program:" n "]\ncommand=/bin/sleep 1\n" \
	"autostart=false\n" extra "\n"

static const struct rl_row rl_rows[] = {
	{ "unchanged", P("a", "") P("b", ""), P("a", "") P("b", ""),
	    "", "a:a b:b", "", NULL, 3, true },
	{ "added", P("a", ""), P("a", "") P("b", ""),
	    "+b", "a:a b:b", "", NULL, 3, true },
	{ "removed", P("a", "") P("b", ""), P("a", ""),
	    "-b", "a:a", "b:b", NULL, 3, true },
	{ "spawn change", P("a", ""),
	    "[program:a]\ncommand=/bin/sleep 2\nautostart=false\n",
	    "~a", "a:a", "", "a:a=/bin/sleep 2", 3, true },
	{ "policy change", P("a", ""), P("a", "startretries=7"),
	    "~a", "a:a", "", "a:a=/bin/sleep 1", 7, true },
	{ "numprocs up", P("w", "process_name=w_%(process_num)d\nnumprocs=2"),
	    P("w", "process_name=w_%(process_num)d\nnumprocs=4"),
	    "~w", "w:w_0 w:w_1 w:w_2 w:w_3", "", NULL, 3, true },
	{ "listener events", "[eventlistener:l]\ncommand=/bin/cat\n"
	    "events=TICK_5\nautostart=false\n",
	    "[eventlistener:l]\ncommand=/bin/cat\nevents=TICK_60\n"
	    "autostart=false\n", "~l", "l:l", "", "l:l=/bin/cat", 3, true },
	{ "listener unchanged", "[eventlistener:l]\ncommand=/bin/cat\n"
	    "events=TICK_5\nautostart=false\n" P("a", ""),
	    "[eventlistener:l]\ncommand=/bin/cat\nevents=TICK_5\n"
	    "autostart=false\n" P("a", ""), "", "l:l a:a", "", NULL, 3,
	    true },
	{ "numprocs down",
	    P("w", "process_name=w_%(process_num)d\nnumprocs=4"),
	    P("w", "process_name=w_%(process_num)d\nnumprocs=2"),
	    "~w", "w:w_0 w:w_1", "w:w_2 w:w_3", NULL, 3, true },
};

static struct sv_program *
find_spec(struct supervisor *s, const char *spec, size_t len)
{
	char	g[64], n[64];
	const char *colon = memchr(spec, ':', len);

	ck_assert_ptr_nonnull(colon);
	snprintf(g, sizeof(g), "%.*s", (int)(colon - spec), spec);
	snprintf(n, sizeof(n), "%.*s", (int)(len - (size_t)(colon - spec) - 1),
	    colon + 1);
	return sup_find(s, g, n);
}

static void
each_spec(struct supervisor *s, const char *list, bool want)
{
	const char	*p = list;
	size_t		 len;

	while (*p != '\0') {
		len = strcspn(p, " ");
		ck_assert_msg((find_spec(s, p, len) != NULL) == want,
		    "%.*s should %sbe there", (int)len, p, want ? "" : "not ");
		p += len;
		p += strspn(p, " ");
	}
}

START_TEST(test_reload_table)
{
	const struct rl_row *r = &rl_rows[_i];
	struct supervisor s;
	struct rl_change *v;
	struct sv_program *first, *after;
	struct cfg	*nc;
	char		 got[256] = "";
	const char	*eq;
	size_t		 n, i, len;

	start(&s, r->before);
	len = strcspn(r->present, " ");
	first = find_spec(&s, r->present, len);
	nc = load(r->after);
	n = rl_diff(&s, nc, &v);
	for (i = 0; i < n; i++)
		snprintf(got + strlen(got), sizeof(got) - strlen(got), "%s%c%s",
		    i > 0 ? " " : "", v[i].kind == RL_ADDED ? '+' :
		    v[i].kind == RL_CHANGED ? '~' : '-', v[i].group);
	rl_changes_free(v, n);
	ck_assert_msg(strcmp(got, r->diff) == 0, "%s: diff '%s', not '%s'",
	    r->why, got, r->diff);
	rl_apply(&s, nc);
	settle();
	each_spec(&s, r->present, true);
	each_spec(&s, r->absent, false);
	after = find_spec(&s, r->present, len);
	ck_assert_ptr_nonnull(after);
	ck_assert_ptr_null(after->pending);
	ck_assert(!after->doomed);
	ck_assert_int_eq(after->state, SV_STOPPED);
	if (r->same)
		ck_assert_ptr_eq(after, first);
	if (r->command != NULL) {
		eq = strchr(r->command, '=');
		ck_assert_str_eq(after->cfg->command, eq + 1);
	}
	if (r->startretries >= 0)
		ck_assert_int_eq(after->cfg->startretries, r->startretries);
	sup_free(&s);
}
END_TEST

/*
 * One changed among many (the scale issue's reload): only its group
 * differs and only its program changes; every other keeps its very
 * stanza.  In a group of many processes, a policy change reaches each.
 */
START_TEST(test_reload_one_of_many)
{
	struct supervisor s;
	struct rl_change *v;
	struct sv_program *p;
	const struct cfg_program **before;
	struct cfg	*nc;
	char		*a, *b, name[32];
	size_t		 n, i, len = 0, cap = 400 * 64;

	a = calloc(1, cap);
	b = calloc(1, cap + 64);
	ck_assert(a != NULL && b != NULL);
	for (i = 0; i < 400; i++)
		len += (size_t)snprintf(a + len, cap - len, "[program:p%zu]\n"
		    "command=/bin/sleep 1\nautostart=false\n", i);
	len = 0;
	for (i = 0; i < 400; i++)
		len += (size_t)snprintf(b + len, cap + 64 - len,
		    "[program:p%zu]\ncommand=/bin/sleep %d\n"
		    "autostart=false\n", i, i == 200 ? 2 : 1);
	start(&s, a);
	before = calloc(400, sizeof(*before));
	ck_assert_ptr_nonnull(before);
	for (i = 0; i < 400; i++) {
		snprintf(name, sizeof(name), "p%zu", i);
		ck_assert_ptr_nonnull(p = sup_find(&s, name, name));
		before[i] = p->cfg;
	}
	nc = load(b);
	n = rl_diff(&s, nc, &v);
	ck_assert_uint_eq(n, 1);
	ck_assert_int_eq(v[0].kind, RL_CHANGED);
	ck_assert_str_eq(v[0].group, "p200");
	rl_changes_free(v, n);
	rl_apply(&s, nc);
	settle();
	ck_assert_uint_eq(s.n, 400);
	for (i = 0; i < 400; i++) {
		snprintf(name, sizeof(name), "p%zu", i);
		ck_assert_ptr_nonnull(p = sup_find(&s, name, name));
		ck_assert_ptr_null(p->pending);
		if (i == 200)
			ck_assert_str_eq(p->cfg->command, "/bin/sleep 2");
		else
			ck_assert_ptr_eq(p->cfg, before[i]);
	}
	sup_free(&s);

	/* A policy change in a group of 300 processes: each updated. */
	start(&s, "[program:w]\ncommand=/bin/sleep 1\nautostart=false\n"
	    "process_name=w_%(process_num)d\nnumprocs=300\n");
	nc = load("[program:w]\ncommand=/bin/sleep 1\nautostart=false\n"
	    "process_name=w_%(process_num)d\nnumprocs=300\n"
	    "startretries=9\n");
	n = rl_diff(&s, nc, &v);
	ck_assert_uint_eq(n, 1);
	ck_assert_int_eq(v[0].kind, RL_CHANGED);
	ck_assert(!v[0].respawn);
	rl_changes_free(v, n);
	rl_apply(&s, nc);
	settle();
	ck_assert_uint_eq(s.n, 300);
	TAILQ_FOREACH(p, &s.programs, entry)
		ck_assert_int_eq(p->cfg->startretries, 9);
	sup_free(&s);
	free(before);
	free(a);
	free(b);
}
END_TEST

/* s->load for rl_reload: the file load() wrote last, with keep. */
static struct cfg *
load_again(void *arg, const struct cfg_keep *keep, struct cfg_msgs *errors)
{
	char	path[4200];

	(void)arg;
	snprintf(path, sizeof(path), "%s/supervisord.conf", dir);
	memset(errors, 0, sizeof(*errors));
	return cfg_load_keep(path, keep, errors);
}

/*
 * A SIGHUP's reload (rl_reload) copies no stanza that is the same as the
 * running one: those keep theirs, the changed one gets the new, one added
 * is added; two processes of one name in a group come through as two.
 */
START_TEST(test_reload_keep)
{
	struct supervisor s;
	struct sv_program *p, *a;
	const struct cfg_program *before[3];
	struct cfg	*c;
	size_t		 n;

	start(&s, P("a", "") P("b", "") P("c", ""));
	s.load = load_again;
	before[0] = sup_find(&s, "a", "a")->cfg;
	before[1] = sup_find(&s, "b", "b")->cfg;
	before[2] = sup_find(&s, "c", "c")->cfg;
	/* The file load() writes is the one load_again reads. */
	c = load(P("a", "") P("b", "startretries=5") P("c", "") P("d", ""));
	cfg_free(c);
	rl_reload(&s);
	settle();
	ck_assert_uint_eq(s.n, 4);
	ck_assert_ptr_eq(sup_find(&s, "a", "a")->cfg, before[0]);
	ck_assert_ptr_eq(sup_find(&s, "c", "c")->cfg, before[2]);
	ck_assert_ptr_ne(sup_find(&s, "b", "b")->cfg, before[1]);
	ck_assert_int_eq(sup_find(&s, "b", "b")->cfg->startretries, 5);
	ck_assert_ptr_nonnull(sup_find(&s, "d", "d"));
	ck_assert_ptr_null(s.cfg->kept == NULL ? NULL : s.cfg->kept[0]);
	sup_free(&s);

	start(&s, "[group:g]\nprograms=a,b\n"
	    "[program:a]\ncommand=/bin/true\nprocess_name=x\n"
	    "autostart=false\n[program:b]\ncommand=/bin/false\n"
	    "process_name=x\nautostart=false\n");
	s.load = load_again;
	a = sup_find(&s, "g", "x");
	rl_reload(&s);
	settle();
	ck_assert_uint_eq(s.n, 2);
	n = 0;
	TAILQ_FOREACH(p, &s.programs, entry) {
		ck_assert_str_eq(p->cfg->name, "x");
		ck_assert(!p->doomed);
		n += strcmp(p->cfg->command, "/bin/true") == 0 ? 1 : 10;
	}
	ck_assert_uint_eq(n, 11);
	ck_assert_ptr_nonnull(a);
	sup_free(&s);
}
END_TEST

Suite *
supervisor_suite(void)
{
	Suite	*s = suite_create("supervisor");
	TCase	*tc = tcase_create("model");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 10);
	tcase_add_loop_test(tc, test_split_namespec, 0,
	    sizeof(ns_rows) / sizeof(ns_rows[0]));
	tcase_add_loop_test(tc, test_uptime_as_timedelta, 0,
	    sizeof(up_rows) / sizeof(up_rows[0]));
	tcase_add_test(tc, test_status_lines);
	tcase_add_test(tc, test_find_and_snapshot);
	tcase_add_loop_test(tc, test_reload_table, 0,
	    sizeof(rl_rows) / sizeof(rl_rows[0]));
	tcase_add_test(tc, test_reload_one_of_many);
	tcase_add_test(tc, test_reload_keep);
	suite_add_tcase(s, tc);
	return s;
}
