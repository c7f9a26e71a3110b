/*
 * check_config_table: the key tables (a row for every key supervisor
 * 4.2.5 knows, with its default) and cfg_program_diff key by key.
 */
#include <sys/resource.h>

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "supervisord/config.h"
#include "supervisord/config_table.h"
#include "supervisord/config_util.h"

#if defined(__SANITIZE_ADDRESS__)
#define WITH_ASAN	1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define WITH_ASAN	1
#endif
#endif
#ifdef WITH_ASAN
#include <sanitizer/lsan_interface.h>
#endif

/*
 * options.py 4.2.5, by hand: every key each section reads, and its
 * default ("" for None, "-" where computed: killasgroup, childlogdir).
 */
static const struct {
	const char	*kind, *key, *def;
} want[] = {
	{ "program", "command", "" },
	{ "program", "process_name", "%(program_name)s" },
	{ "program", "numprocs", "1" },
	{ "program", "numprocs_start", "0" },
	{ "program", "priority", "999" },
	{ "program", "autostart", "true" },
	{ "program", "autorestart", "unexpected" },
	{ "program", "startsecs", "1" },
	{ "program", "startretries", "3" },
	{ "program", "exitcodes", "0" },
	{ "program", "stopsignal", "TERM" },
	{ "program", "stopwaitsecs", "10" },
	{ "program", "stopasgroup", "false" },
	{ "program", "killasgroup", "-" },
	{ "program", "user", "" },
	{ "program", "redirect_stderr", "false" },
	{ "program", "stdout_logfile", "AUTO" },
	{ "program", "stdout_logfile_maxbytes", "50MB" },
	{ "program", "stdout_logfile_backups", "10" },
	{ "program", "stdout_capture_maxbytes", "0" },
	{ "program", "stdout_events_enabled", "false" },
	{ "program", "stdout_syslog", "false" },
	{ "program", "stderr_logfile", "AUTO" },
	{ "program", "stderr_logfile_maxbytes", "50MB" },
	{ "program", "stderr_logfile_backups", "10" },
	{ "program", "stderr_capture_maxbytes", "0" },
	{ "program", "stderr_events_enabled", "false" },
	{ "program", "stderr_syslog", "false" },
	{ "program", "environment", "" },
	{ "program", "directory", "" },
	{ "program", "umask", "" },
	{ "program", "serverurl", "AUTO" },
	{ "eventlistener", "buffer_size", "10" },
	{ "eventlistener", "events", "" },
	{ "eventlistener", "result_handler",
	    "supervisor.dispatchers:default_handler" },
	{ "fcgi-program", "socket", "" },
	{ "fcgi-program", "socket_backlog", "" },
	{ "fcgi-program", "socket_owner", "" },
	{ "fcgi-program", "socket_mode", "" },
	{ "group", "programs", "" },
	{ "group", "priority", "999" },
	{ "include", "files", "" },
	{ "supervisord", "logfile", "supervisord.log" },
	{ "supervisord", "logfile_maxbytes", "50MB" },
	{ "supervisord", "logfile_backups", "10" },
	{ "supervisord", "loglevel", "info" },
	{ "supervisord", "pidfile", "supervisord.pid" },
	{ "supervisord", "umask", "022" },
	{ "supervisord", "nodaemon", "false" },
	{ "supervisord", "silent", "false" },
	{ "supervisord", "minfds", "1024" },
	{ "supervisord", "minprocs", "200" },
	{ "supervisord", "nocleanup", "false" },
	{ "supervisord", "childlogdir", "-" },
	{ "supervisord", "user", "" },
	{ "supervisord", "directory", "" },
	{ "supervisord", "strip_ansi", "false" },
	{ "supervisord", "environment", "" },
	{ "supervisord", "identifier", "supervisor" },
	{ "unix_http_server", "file", "" },
	{ "unix_http_server", "chmod", "0700" },
	{ "unix_http_server", "chown", "" },
	{ "unix_http_server", "username", "" },
	{ "unix_http_server", "password", "" },
	{ "inet_http_server", "port", "" },
	{ "inet_http_server", "username", "" },
	{ "inet_http_server", "password", "" },
	{ "supervisorctl", "serverurl", "http://localhost:9001" },
	{ "supervisorctl", "username", "" },
	{ "supervisorctl", "password", "" },
	{ "supervisorctl", "prompt", "supervisor" },
	{ "supervisorctl", "history_file", "" },
};
#define NWANT	(sizeof(want) / sizeof(want[0]))

static const char *const kinds[] = { "program", "eventlistener",
	"fcgi-program", "group", "include", "supervisord", "unix_http_server",
	"inet_http_server", "supervisorctl" };

START_TEST(test_table_rows)
{
	const struct cfg_ktable	*t = cfg_ktable(want[_i].kind);
	const struct cfg_key	*k;

	ck_assert_ptr_nonnull(t);
	k = cfg_key_find(t, want[_i].key);
	ck_assert_msg(k != NULL, "[%s] %s: no row", want[_i].kind,
	    want[_i].key);
	if (strcmp(want[_i].def, "-") == 0)
		return;
	ck_assert_msg(strcmp(k->def != NULL ? k->def : "", want[_i].def) == 0,
	    "[%s] %s: default '%s', supervisor's '%s'", want[_i].kind,
	    want[_i].key, k->def != NULL ? k->def : "", want[_i].def);
}
END_TEST

/* The keys that are ours: a row each, marked so (the dump's
 * "extensions"), in every kind of process section; and
 * health_without_auth in both HTTP servers' sections. */
static const char *const ours[] = { "stop_with_daemon", "backoff",
    "backoff_max", "retry_forever", "essential", "ready", "ready_timeout",
    "depends_on", "environment_file", "user_environment", "stdout_prefix",
    "stderr_prefix", "stdout_timestamps", "stderr_timestamps",
    "health_without_auth" };

/* No row that supervisor does not have, but ours, marked. */
START_TEST(test_table_no_extra)
{
	const struct cfg_ktable	*t = cfg_ktable(kinds[_i]);
	const struct cfg_key	*rows[2];
	size_t			 nrows[2], r, i, j;

	ck_assert_ptr_nonnull(t);
	rows[0] = t->own;
	nrows[0] = t->nown;
	rows[1] = t->base;
	nrows[1] = t->nbase;
	for (r = 0; r < 2; r++)
		for (i = 0; i < nrows[r]; i++) {
			for (j = 0; j < NWANT; j++)
				if (strcmp(want[j].key, rows[r][i].name) == 0 &&
				    (strcmp(want[j].kind, kinds[_i]) == 0 ||
				    (r == 1 && strcmp(want[j].kind,
				    "program") == 0)))
					break;
			if (rows[r][i].flags & CFG_F_EXT) {
				for (j = 0; j < sizeof(ours) / sizeof(ours[0]);
				    j++)
					if (strcmp(ours[j], rows[r][i].name) ==
					    0)
						break;
				ck_assert_msg(j < sizeof(ours) /
				    sizeof(ours[0]), "[%s] %s: ours, not "
				    "listed", kinds[_i], rows[r][i].name);
				continue;
			}
			ck_assert_msg(j < NWANT, "[%s] %s: a row supervisor "
			    "lacks", kinds[_i], rows[r][i].name);
		}
	ck_assert_ptr_null(cfg_ktable("programs"));
}
END_TEST

static struct cfg *
load(const char *text)
{
	char		 path[] = "/tmp/check_config_table.XXXXXX";
	struct cfg_msgs	 errs = { NULL, 0 };
	struct cfg	*c;
	FILE		*fp;
	int		 fd;

	ck_assert_int_ne(fd = mkstemp(path), -1);
	ck_assert_ptr_nonnull(fp = fdopen(fd, "w"));
	fputs(text, fp);
	fclose(fp);
	c = cfg_load(path, &errs);
	unlink(path);
	ck_assert_msg(c != NULL, "%s", errs.n > 0 ? errs.v[0] : "?");
	cfg_msgs_free(&errs);
	return c;
}

/* One key changed from the base stanza, and what reload must do. */
static const struct {
	const char	*line;
	enum cfg_diff	 want;
} diffs[] = {
	{ "", CFG_SAME },
	{ "command=/bin/sleep 2", CFG_SPAWN },
	{ "directory=/", CFG_SPAWN },
	{ "umask=077", CFG_SPAWN },
	{ "stop_with_daemon=false", CFG_SPAWN },
	{ "environment_file=-/nonexistent.env", CFG_SPAWN },
	{ "user_environment=true", CFG_SPAWN },
	{ "stdout_prefix=web |", CFG_SPAWN },
	{ "stderr_prefix=web |", CFG_SPAWN },
	{ "stdout_timestamps=true", CFG_SPAWN },
	{ "stderr_timestamps=true", CFG_SPAWN },
	{ "backoff=exponential", CFG_POLICY },
	{ "backoff_max=5", CFG_POLICY },
	{ "retry_forever=true", CFG_POLICY },
	{ "essential=true", CFG_POLICY },
	{ "ready=file:/tmp/x", CFG_POLICY },
	{ "ready_timeout=5", CFG_POLICY },
	{ "redirect_stderr=true", CFG_SPAWN },
	{ "stdout_logfile=NONE", CFG_SPAWN },
	{ "stdout_logfile_maxbytes=1MB", CFG_SPAWN },
	{ "stdout_logfile_backups=2", CFG_SPAWN },
	{ "stdout_capture_maxbytes=1KB", CFG_SPAWN },
	{ "stdout_events_enabled=true", CFG_SPAWN },
	{ "stdout_syslog=true", CFG_SPAWN },
	{ "stderr_logfile=/tmp/x.log", CFG_SPAWN },
	{ "stderr_logfile_maxbytes=1MB", CFG_SPAWN },
	{ "stderr_logfile_backups=2", CFG_SPAWN },
	{ "stderr_capture_maxbytes=1KB", CFG_SPAWN },
	{ "stderr_events_enabled=true", CFG_SPAWN },
	{ "stderr_syslog=true", CFG_SPAWN },
	{ "environment=A=1", CFG_SPAWN },
	{ "serverurl=unix:///tmp/s", CFG_SPAWN },
	{ "priority=5", CFG_POLICY },
	{ "autostart=false", CFG_POLICY },
	{ "autorestart=true", CFG_POLICY },
	{ "startsecs=5", CFG_POLICY },
	{ "startretries=9", CFG_POLICY },
	{ "exitcodes=0,2", CFG_POLICY },
	{ "stopsignal=INT", CFG_POLICY },
	{ "stopwaitsecs=3", CFG_POLICY },
	{ "stopasgroup=true", CFG_POLICY },
	{ "killasgroup=true", CFG_POLICY },
};

START_TEST(test_program_diff)
{
	static const char base[] = "[supervisord]\n[program:p]\n"
	    "command=/bin/sleep 1\n";
	struct cfg	*a, *b;
	char		 text[512];

	snprintf(text, sizeof(text), "%s%s\n", base, diffs[_i].line);
	a = load(base);
	b = load(text);
	ck_assert_int_eq(a->nprograms, 1);
	ck_assert_int_eq(b->nprograms, 1);
	ck_assert_msg(cfg_program_diff(a->programs[0], b->programs[0]) ==
	    diffs[_i].want, "%s: %d, want %d", diffs[_i].line,
	    cfg_program_diff(a->programs[0], b->programs[0]), diffs[_i].want);
	ck_assert_int_eq(cfg_program_diff(b->programs[0], a->programs[0]),
	    diffs[_i].want);
	cfg_free(a);
	cfg_free(b);
}
END_TEST

/* Every spawn key of the table has a row above: none goes untested. */
START_TEST(test_program_diff_covers)
{
	const struct cfg_ktable	*t = cfg_ktable("program");
	size_t			 i, j, n;

	for (i = 0; i < t->nown; i++) {
		if (t->own[i].cmp == CFG_C_NONE ||
		    t->own[i].cls == CFG_K_NAME ||
		    strcmp(t->own[i].name, "user") == 0 ||
		    /* Names another program: the integration tests reload
		     * a change of it in place. */
		    strcmp(t->own[i].name, "depends_on") == 0 ||
		    strcmp(t->own[i].name, "numprocs") == 0)
			continue;
		n = strlen(t->own[i].name);
		for (j = 0; j < sizeof(diffs) / sizeof(diffs[0]); j++)
			if (strncmp(diffs[j].line, t->own[i].name, n) == 0 &&
			    diffs[j].line[n] == '=')
				break;
		ck_assert_msg(j < sizeof(diffs) / sizeof(diffs[0]),
		    "%s: no diff row", t->own[i].name);
		ck_assert_int_eq(diffs[j].want, t->own[i].cls == CFG_K_SPAWN ?
		    CFG_SPAWN : CFG_POLICY);
	}
}
END_TEST

static char *
dump_of(const struct cfg *c)
{
	char	*buf = NULL;
	size_t	 len = 0;
	FILE	*fp;

	ck_assert_ptr_nonnull(fp = open_memstream(&buf, &len));
	ck_assert_int_eq(cfg_dump_json(c, fp), 0);
	fclose(fp);
	return buf;
}

/*
 * A key left out reads as its default written out: the defaults that are
 * converted once and kept (config_keys.c) set what the conversion of
 * their text sets, in a stanza loaded before and after the first use.
 */
START_TEST(test_default_as_written)
{
	static const char base[] = "[supervisord]\n[program:p]\n"
	    "command=/bin/sleep 1\n";
	const struct cfg_key	*k = &cfg_ktable("program")->own[_i];
	struct cfg		*a, *b, *a2;
	char			 text[512], *ja, *jb, *ja2;

	if (k->def == NULL || (k->flags & CFG_F_READ) == 0)
		return;
	snprintf(text, sizeof(text), "%s%s=%s\n", base, k->name, k->def);
	a = load(base);
	b = load(text);
	a2 = load(base);
	ck_assert_int_eq(cfg_program_diff(a->programs[0], b->programs[0]),
	    CFG_SAME);
	ck_assert_int_eq(cfg_program_diff(a2->programs[0], b->programs[0]),
	    CFG_SAME);
	ja = dump_of(a);
	jb = dump_of(b);
	ja2 = dump_of(a2);
	/* From the groups on: the file names differ. */
	ck_assert_str_eq(strstr(ja, "\"groups\""), strstr(jb, "\"groups\""));
	ck_assert_str_eq(strstr(ja2, "\"groups\""), strstr(jb, "\"groups\""));
	free(ja);
	free(jb);
	free(ja2);
	cfg_free(a);
	cfg_free(b);
	cfg_free(a2);
}
END_TEST

/*
 * A key set alike in many sections is converted once (config_keys.c
 * keeps the last text): each of three programs setting the same texts,
 * and one setting them otherwise, reads as a program alone does.
 */
START_TEST(test_same_text_again)
{
	static const char *const sets[] = {
	    "stopsignal=INT\nstartsecs=5\nstdout_logfile=NONE\n"
	    "exitcodes=1,2\nautorestart=true\nstopwaitsecs=99999999999\n"
	    "stdout_logfile_maxbytes=1KB\numask=077\n",
	    "stopsignal=int\nstartsecs=05\nstdout_logfile=none\n"
	    "exitcodes=2\nautorestart=TRUE\nstopwaitsecs=7\n"
	    "stdout_logfile_maxbytes=1kb\numask=77\n",
	};
	const struct cfg_program *a, *b;
	struct cfg	*all, *one[2];
	char		 text[2048];
	size_t		 i, k, n, m;

	for (k = 0; k < 2; k++) {
		snprintf(text, sizeof(text), "[supervisord]\n[program:p0]\n"
		    "command=c\n%s", sets[k]);
		one[k] = load(text);
	}
	for (k = 0; k < 2; k++) {
		n = (size_t)snprintf(text, sizeof(text), "[supervisord]\n");
		for (i = 0; i < 4; i++)
			n += (size_t)snprintf(text + n, sizeof(text) - n,
			    "[program:p%zu]\ncommand=c\n%s", i,
			    sets[i == 2 ? 1 - k : k]);
		all = load(text);
		ck_assert_uint_eq(all->nprograms, 4);
		for (i = 0; i < 4; i++) {
			a = all->programs[i];
			b = one[(a->name[1] == '2') ? 1 - k : k]->programs[0];
			/* Only the names differ: no spawn key. */
			ck_assert_int_ne(cfg_program_diff(a, b), CFG_SPAWN);
			ck_assert_int_eq(a->stopsignal, b->stopsignal);
			ck_assert_int_eq(a->startsecs, b->startsecs);
			ck_assert_int_eq(a->out.kind, b->out.kind);
			ck_assert_uint_eq(a->nexitcodes, b->nexitcodes);
			for (m = 0; m < a->nexitcodes; m++)
				ck_assert_int_eq(a->exitcodes[m],
				    b->exitcodes[m]);
			ck_assert_int_eq(a->autorestart, b->autorestart);
			ck_assert_int_eq(a->stopwaitsecs, b->stopwaitsecs);
			ck_assert(a->out.maxbytes == b->out.maxbytes);
			ck_assert_int_eq(a->umask, b->umask);
			/* A clamped value keeps its text, each time. */
			ck_assert_uint_eq(a->nbig, b->nbig);
			for (m = 0; m < a->nbig; m++)
				ck_assert_str_eq(a->big[m].text,
				    b->big[m].text);
		}
		cfg_free(all);
	}
	cfg_free(one[0]);
	cfg_free(one[1]);
}
END_TEST

/*
 * --dump-config shows every program row that says how it is dumped, under
 * its name (or its json name), once per process: a key is one row.
 */
START_TEST(test_dump_rows)
{
	const struct cfg_ktable	*t = cfg_ktable("program");
	const struct cfg_key	*k;
	struct cfg		*c;
	char			*buf = NULL, member[64];
	size_t			 len = 0, i;
	FILE			*fp;

	c = load("[supervisord]\n[program:p]\ncommand=/bin/true\n");
	ck_assert_ptr_nonnull(fp = open_memstream(&buf, &len));
	ck_assert_int_eq(cfg_dump_json(c, fp), 0);
	fclose(fp);
	for (i = 0; i < t->nown; i++) {
		k = &t->own[i];
		if (k->dump == CFG_D_NONE)
			continue;
		snprintf(member, sizeof(member), "\"%s\": ",
		    k->dump == CFG_D_USER ? "uid" : k->json != NULL ? k->json :
		    k->name);
		ck_assert_msg(strstr(buf, member) != NULL, "%s: not in the "
		    "dump", k->name);
	}
	ck_assert_ptr_nonnull(strstr(buf, "\"user\": "));
	ck_assert_ptr_nonnull(strstr(buf, "\"program\": \"program:p\""));
	free(buf);
	cfg_free(c);
}
END_TEST

/*
 * Out of memory during a load: NULL and "out of memory", never an abort
 * (a reload then keeps the running configuration).  Not under ASan,
 * whose shadow memory a small address-space limit forbids.
 */
START_TEST(test_load_oom)
{
#ifdef WITH_ASAN
	return;
#endif
	struct rlimit	 rl;
	struct cfg_msgs	 errs = { NULL, 0 };
	struct cfg	*c;
	char		 path[] = "/tmp/check_config_table.XXXXXX";
	FILE		*fp;
	int		 fd;

	ck_assert_int_ne(fd = mkstemp(path), -1);
	ck_assert_ptr_nonnull(fp = fdopen(fd, "w"));
	fputs("[supervisord]\n[program:p]\ncommand=/bin/true\n"
	    "process_name=%(process_num)d\nnumprocs=1000000\n", fp);
	fclose(fp);
	/* 128 MiB: a million processes do not fit. */
	ck_assert_int_eq(getrlimit(RLIMIT_AS, &rl), 0);
	rl.rlim_cur = 128UL * 1024 * 1024;
	ck_assert_int_eq(setrlimit(RLIMIT_AS, &rl), 0);
	c = cfg_load(path, &errs);
	unlink(path);
	ck_assert_ptr_null(c);
	ck_assert_uint_ge(errs.n, 1);
	ck_assert_str_eq(errs.v[errs.n - 1], "out of memory");
}
END_TEST

/*
 * Out of memory at every allocation of a load in turn (cu_fail_after):
 * NULL and "out of memory" each time, and nothing left allocated (the
 * arena goes whole; under ASan, LeakSanitizer checks).  The files use
 * what allocates outside the arena too: an include (glob), errors kept
 * by the caller, the copy of the result to the heap.
 */
static const char *const oom_files[][2] = {
	{ "supervisord.conf", "[supervisord]\nenvironment=A=\"1\",B=2\n"
	    "[include]\nfiles=*.inc\n"
	    "[unix_http_server]\nfile=%(here)s/s.sock\n"
	    "[supervisorctl]\nserverurl=unix://%(here)s/s.sock\n"
	    "[group:g]\nprograms=a,b\npriority=5\n"
	    "[eventlistener:l]\ncommand=/bin/cat\nevents=TICK_5\n" },
	{ "a.inc", "[program:a]\ncommand=/bin/sleep %(process_num)d\n"
	    "process_name=%(program_name)s_%(process_num)d\nnumprocs=3\n"
	    "environment=X=\"%(process_num)d\"\nexitcodes=0,2\n"
	    "startsecs=99999999999999999999\nunknown=1\n"
	    "stdout_logfile=%(here)s/%(program_name)s.log\n" },
	{ "b.inc", "[program:b]\ncommand=/bin/true\nuser=root\n"
	    "umask=-1\nstdout_logfile=syslog\n" },
};

static char *
oom_tree(char *dir)
{
	char	 path[512];
	FILE	*fp;
	size_t	 i;

	ck_assert_ptr_nonnull(mkdtemp(dir));
	for (i = 0; i < sizeof(oom_files) / sizeof(oom_files[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, oom_files[i][0]);
		ck_assert_ptr_nonnull(fp = fopen(path, "w"));
		fputs(oom_files[i][1], fp);
		fclose(fp);
	}
	snprintf(path, sizeof(path), "%s/supervisord.conf", dir);
	return strdup(path);
}

static void
oom_tree_rm(const char *dir)
{
	char	path[512];
	size_t	i;

	for (i = 0; i < sizeof(oom_files) / sizeof(oom_files[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, oom_files[i][0]);
		unlink(path);
	}
	rmdir(dir);
}

/* keep for cfg_load_keep: the stanza of (group, name) in a config. */
static const struct cfg_program *
find_in(void *arg, const char *group, const char *name)
{
	const struct cfg	*c = arg;
	size_t			 i;

	for (i = 0; i < c->nprograms; i++)
		if (c->programs[i] != NULL &&
		    strcmp(c->programs[i]->group, group) == 0 &&
		    strcmp(c->programs[i]->name, name) == 0)
			return c->programs[i];
	return NULL;
}

START_TEST(test_load_fail_each)
{
	char		 dir[] = "/tmp/check_config_oom.XXXXXX";
	struct cfg_msgs	 errs = { NULL, 0 };
	struct cfg_keep	 keep;
	struct cfg_ctl	*cc;
	struct cfg	*c, *c0;
	char		*path;
	size_t		 i, nkept;
	long		 n, left;

	path = oom_tree(dir);
	/* The file is good: with enough memory, a config. */
	c = cfg_load(path, &errs);
	ck_assert_msg(c != NULL, "%s", errs.n > 0 ? errs.v[0] : "?");
	ck_assert_int_eq(c->nprograms, 5);
	cfg_free(c);
	for (n = 1;; n++) {
		cu_fail_after(n);
		c = cfg_load(path, &errs);
		left = cu_fail_after(0);
		if (left > 0) {		/* fewer allocations than n */
			ck_assert_ptr_nonnull(c);
			ck_assert_uint_eq(errs.n, 0);
			cfg_free(c);
			break;
		}
		ck_assert_msg(c == NULL, "allocation %ld failed, and a config",
		    n);
		ck_assert_uint_eq(errs.n, 1);
		ck_assert_str_eq(errs.v[0], "out of memory");
		cfg_msgs_free(&errs);
	}
	ck_assert_int_gt(n, 100);
	/* A reload's, which copies only what is not the same. */
	c0 = cfg_load(path, &errs);
	ck_assert_ptr_nonnull(c0);
	keep.find = find_in;
	keep.arg = c0;
	for (n = 1;; n++) {
		cu_fail_after(n);
		c = cfg_load_keep(path, &keep, &errs);
		left = cu_fail_after(0);
		if (left > 0) {
			ck_assert_ptr_nonnull(c);
			ck_assert_ptr_nonnull(c->kept);
			for (i = 0, nkept = 0; i < c->nprograms; i++) {
				ck_assert((c->programs[i] == NULL) ==
				    (c->kept[i] != NULL));
				nkept += c->kept[i] != NULL;
			}
			/* All but the listener, always copied. */
			ck_assert_uint_eq(nkept, 4);
			cfg_free(c);
			break;
		}
		ck_assert_ptr_null(c);
		ck_assert_str_eq(errs.v[errs.n - 1], "out of memory");
		cfg_msgs_free(&errs);
	}
	cfg_free(c0);
	for (n = 1;; n++) {
		cu_fail_after(n);
		cc = cfg_ctl_load(path, &errs);
		left = cu_fail_after(0);
		if (left > 0) {
			ck_assert_ptr_nonnull(cc);
			ck_assert_ptr_nonnull(cc->serverurl);
			cfg_ctl_free(cc);
			break;
		}
		ck_assert_ptr_null(cc);
		ck_assert_str_eq(errs.v[errs.n - 1], "out of memory");
		cfg_msgs_free(&errs);
	}
	cfg_msgs_free(&errs);
	oom_tree_rm(dir);
	free(path);
#ifdef WITH_ASAN
	ck_assert_int_eq(__lsan_do_recoverable_leak_check(), 0);
#endif
}
END_TEST

Suite	*config_table_suite(void);

Suite *
config_table_suite(void)
{
	Suite	*s = suite_create("config_table");
	TCase	*tc = tcase_create("config_table");

	tcase_add_loop_test(tc, test_table_rows, 0, (int)NWANT);
	tcase_add_loop_test(tc, test_table_no_extra, 0,
	    (int)(sizeof(kinds) / sizeof(kinds[0])));
	tcase_add_loop_test(tc, test_program_diff, 0,
	    (int)(sizeof(diffs) / sizeof(diffs[0])));
	tcase_add_test(tc, test_program_diff_covers);
	tcase_add_test(tc, test_same_text_again);
	tcase_add_loop_test(tc, test_default_as_written, 0,
	    (int)cfg_ktable("program")->nown);
	tcase_add_test(tc, test_dump_rows);
	tcase_add_test(tc, test_load_oom);
	tcase_add_test(tc, test_load_fail_each);
	tcase_set_timeout(tc, 60);
	suite_add_tcase(s, tc);
	return s;
}
