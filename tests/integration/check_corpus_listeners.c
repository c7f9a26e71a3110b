/*
 * corpus_listeners: the files of the shared corpus that have an
 * [eventlistener:x] section (12 of them), each its own test, show that the
 * daemon would run their listeners.
 *
 *  1. The file, copied into the test's directory and read with the
 *     oracle's environment variables (oracle.py's ENV_PLACEHOLDERS), loads
 *     (--dump-config exits 0) and every [eventlistener:NAME] of it is a
 *     group of kind "eventlistener" with the events its events= line names
 *     (PROCESS_STATE_FATAL: ProcessStateFatalEvent).  The one file Python
 *     4.2.5 rejects (a result_handler that is Python code) is rejected
 *     with FILE:LINE naming that line.  A user= that the oracle's machine
 *     had and this one lacks (snipe-it's "docker") is commented out in the
 *     copy: the whole file is compared with Python's reading in the unit
 *     suite's corpus check, in a namespace that has the user.
 *  2. Where the listener program can be written (the containers'
 *     stop-supervisor.sh and its kin, hypothesis' logger), an equivalent
 *     runs in the test's directory under the file's own [eventlistener:x]
 *     stanza, only its command= replaced: a program dies, the listener
 *     hears of it and ends the daemon (SIGQUIT by pid file or to its
 *     parent, or supervisorctl shutdown), which stops the other program,
 *     then the listener (priority -1, stopped last), and exits 0.  The
 *     logger equivalent gets the PROCESS_LOG_STDOUT of a program with
 *     stdout_events_enabled=true.
 *
 * Not run: redash's TICK_60 healthcheck (manage.py rq healthcheck, and a
 * minute's wait), and ansible-awx's file, which is rejected.
 */
#include <sys/stat.h>
#include <sys/types.h>

#include <ctype.h>
#include <dirent.h>
#include <limits.h>
#include <pwd.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <check.h>

#include "tests/oracle_env.h"
#include "tests/harness.h"
#include "tests/skip.h"

Suite	*corpus_listeners_suite(void);

#define NFILES	12

static char	corpus_dir[PATH_MAX];
static char	*names[NFILES];
static int	nnames;

/* oracle.py's ENV_PLACEHOLDERS: what the corpus' %(ENV_X)s name. */
static const char *const oracle_env[][2] = {
	ORACLE_ENV_PLACEHOLDERS
};

/* How the equivalent of a file's listener ends the daemon. */
enum kind {
	K_NONE,		/* not run */
	K_PIDFILE,	/* mailcow's: kill -3 $(cat pidfile), no answer */
	K_PPID,		/* tiangolo's: kill -QUIT $PPID, no answer */
	K_FATAL,	/* snipe-it's: on FATAL, SIGQUIT by pid file, OK */
	K_CTL,		/* makasim's: supervisorctl shutdown, then OK */
	K_LOGGER,	/* hypothesis': log each PROCESS_LOG, OK */
};

static const struct {
	const char	*prefix;
	enum kind	 kind;
} kinds[] = {
	{ "11-", K_NONE }, { "19-", K_FATAL }, { "20-", K_LOGGER },
	{ "21-", K_PIDFILE }, { "26-", K_PIDFILE }, { "32-", K_CTL },
	{ "37-", K_PPID }, { "39-", K_LOGGER }, { "44-", K_PIDFILE },
	{ "54-", K_PPID }, { "58-", K_PIDFILE }, { "59-", K_NONE },
};

/* The listeners' equivalents.  Each records the header of the event it
 * acts on in DIR/events. */
static const char sh_pidfile[] =
    "#!/bin/sh\n"
    "printf 'READY\\n'\n"
    "while read line; do\n"
    "\techo \"Processing Event: $line\" >&2\n"
    "\techo \"$line\" >>@DIR@/events\n"
    "\tkill -3 $(cat @DIR@/supervisord.pid)\n"
    "done\n";
static const char sh_ppid[] =
    "#!/bin/sh\n"
    "printf 'READY\\n'\n"
    "while read line; do\n"
    "\techo \"Processing Event: $line\" >&2\n"
    "\techo \"$line\" >>@DIR@/events\n"
    "\tkill -QUIT $PPID\n"
    "done\n";
/* The protocol kept: the payload read by its length, then the answer. */
#define SH_LOOP_HEAD \
    "#!/bin/sh\n" \
    "printf 'READY\\n'\n" \
    "while read line; do\n" \
    "\tlen=${line##*len:}\n" \
    "\tpayload=$(dd bs=1 count=$len 2>/dev/null)\n"
#define SH_LOOP_TAIL \
    "\tprintf 'RESULT 2\\nOKREADY\\n'\n" \
    "done\n"
static const char sh_fatal[] =
    SH_LOOP_HEAD
    "\techo \"$line\" >>@DIR@/events\n"
    "\tkill -QUIT $(cat @DIR@/supervisord.pid)\n"
    SH_LOOP_TAIL;
static const char sh_ctl[] =
    SH_LOOP_HEAD
    "\techo \"$line\" >>@DIR@/events\n"
    "\t\"$SUPERVISORCTL\" -c @DIR@/supervisord.conf shutdown >&2\n"
    SH_LOOP_TAIL;
/* hypothesis' bin/logger writes "NAME (CHANNEL) | LINE" for each. */
static const char sh_logger[] =
    SH_LOOP_HEAD
    "\tname=${payload#processname:}; name=${name%% *}\n"
    "\tchan=${payload#*channel:}; chan=${chan%%\n*}\n"
    "\tdata=${payload#*\n}\n"
    "\techo \"$line\" >>@DIR@/events\n"
    "\tprintf '%s (%s) | %s\\n' \"$name\" \"$chan\" \"$data\" | "
    "tee -a @DIR@/logged >&2\n"
    SH_LOOP_TAIL;

static void
list_files(void)
{
	const char	*c = getenv("CORPUS");
	struct dirent	**ents;
	char		 path[PATH_MAX + 256], line[512];
	FILE		*f;
	int		 n, i;
	bool		 has;

	if (c == NULL)
		return;
	snprintf(corpus_dir, sizeof(corpus_dir), "%s/supervisor-conf", c);
	if ((n = scandir(corpus_dir, &ents, NULL, alphasort)) < 0)
		return;
	for (i = 0; i < n; i++) {
		size_t l = strlen(ents[i]->d_name);

		if (l > 5 && strcmp(ents[i]->d_name + l - 5, ".conf") == 0) {
			snprintf(path, sizeof(path), "%s/%s", corpus_dir,
			    ents[i]->d_name);
			has = false;
			if ((f = fopen(path, "r")) != NULL) {
				while (fgets(line, sizeof(line), f) != NULL)
					if (strncmp(line, "[eventlistener:",
					    15) == 0)
						has = true;
				fclose(f);
			}
			if (has && nnames < NFILES)
				names[nnames++] = strdup(ents[i]->d_name);
			else if (has)
				nnames++;
		}
		free(ents[i]);
	}
	free(ents);
}

static enum kind
kind_of(const char *name)
{
	size_t	i;

	for (i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
		if (strncmp(name, kinds[i].prefix, strlen(kinds[i].prefix)) ==
		    0)
			return kinds[i].kind;
	return K_NONE;
}

/* The text of a file, malloc'd; aborts the test if unreadable. */
static char *
slurp(const char *path)
{
	FILE	*f = fopen(path, "r");
	char	*buf;
	long	 len;

	ck_assert_msg(f != NULL, "cannot read %s", path);
	fseek(f, 0, SEEK_END);
	len = ftell(f);
	rewind(f);
	buf = malloc(len + 1);
	ck_assert(buf != NULL);
	ck_assert(fread(buf, 1, len, f) == (size_t)len);
	buf[len] = '\0';
	fclose(f);
	return buf;
}

/* "PROCESS_STATE_FATAL" -> "ProcessStateFatalEvent". */
static void
class_name(const char *ev, size_t len, char *out, size_t outlen)
{
	size_t	i, o = 0;
	bool	up = true;

	for (i = 0; i < len && o + 6 < outlen; i++) {
		if (ev[i] == '_') {
			up = true;
			continue;
		}
		out[o++] = up ? (char)toupper((unsigned char)ev[i]) :
		    (char)tolower((unsigned char)ev[i]);
		up = false;
	}
	strcpy(out + o, "Event");
}

/* The value of "key" (spaces around '=' allowed) on a section line. */
static const char *
key_value(const char *line, const char *key)
{
	size_t	l = strlen(key);

	if (strncmp(line, key, l) != 0)
		return NULL;
	line += l;
	while (*line == ' ' || *line == '\t')
		line++;
	if (*line != '=')
		return NULL;
	line++;
	while (*line == ' ' || *line == '\t')
		line++;
	return line;
}

/*
 * Every [eventlistener:NAME] of text, with its events= line: the dump has
 * its group, of kind eventlistener, with those event classes.  Returns the
 * number of listener sections.
 */
static int
check_dump(const char *text, const char *dump, const char *file)
{
	const char	*p, *e, *v;
	char		 name[128], want[256], cls[128], *grp, *nl;
	int		 n = 0;
	size_t		 l;

	for (p = text; (p = strstr(p, "[eventlistener:")) != NULL; p = e) {
		if (p != text && p[-1] != '\n') {
			e = p + 1;
			continue;
		}
		p += 15;
		l = strcspn(p, "]");
		ck_assert(l < sizeof(name));
		memcpy(name, p, l);
		name[l] = '\0';
		n++;
		snprintf(want, sizeof(want), "\"kind\": \"eventlistener\", "
		    "\"name\": \"%s\"", name);
		ck_assert_msg((grp = strstr(dump, want)) != NULL,
		    "%s: no group %s in --dump-config", file, want);
		grp = strndup(grp, strcspn(grp, "\n"));
		/* Its section, to the next one. */
		e = strstr(p, "\n[");
		if (e == NULL)
			e = p + strlen(p);
		for (v = NULL; p < e; p = nl + 1) {
			if ((v = key_value(p, "events")) != NULL)
				break;
			if ((nl = strchr(p, '\n')) == NULL)
				break;
		}
		ck_assert_msg(v != NULL && v < e, "%s: [eventlistener:%s] "
		    "has no events=", file, name);
		/* Each comma-separated name, as the dump's class. */
		while (*v != '\n' && *v != '\0') {
			v += strspn(v, ", \t\r");
			l = strcspn(v, ", \t\r\n");
			if (l == 0)
				break;
			class_name(v, l, cls, sizeof(cls));
			snprintf(want, sizeof(want), "\"%s\"", cls);
			/* The events are before "kind" in the group's line:
			 * look in the whole line. */
			ck_assert_msg(strstr(grp, want) != NULL || strstr(
			    dump, want) != NULL, "%s: [eventlistener:%s]: "
			    "%s not in its events", file, name, want);
			v += l;
		}
		free(grp);
	}
	return n;
}

/* Copy the corpus file into the test directory; comment out a user=
 * naming a user this machine lacks.  Returns the copy's text. */
static char *
copy_in(struct th *h, const char *name)
{
	char	 path[2 * PATH_MAX], *text, *out, *p, *nl, user[128];
	size_t	 o = 0, l;

	snprintf(path, sizeof(path), "%s/%s", corpus_dir, name);
	text = slurp(path);
	out = malloc(strlen(text) * 2 + 64);
	ck_assert(out != NULL);
	for (p = text; *p != '\0'; p = nl) {
		const char *v = key_value(p, "user");

		nl = strchr(p, '\n');
		nl = nl == NULL ? p + strlen(p) : nl + 1;
		if (v != NULL) {
			l = strcspn(v, " \t\r\n");
			snprintf(user, sizeof(user), "%.*s", (int)l, v);
			if (getpwnam(user) == NULL) {
				fprintf(stderr, "corpus_listeners: %s: user %s "
				    "is not here: commented out\n", name, user);
				out[o++] = ';';
			}
		}
		memcpy(out + o, p, nl - p);
		o += nl - p;
	}
	out[o] = '\0';
	free(text);
	th_write(h, name, out);
	return out;
}

/* Whether $SUPERVISORD is ours (Python's has no --dump-config). */
static bool
daemon_is_ours(void)
{
	const char	*d = getenv("SUPERVISORD");
	char		 buf[2] = "";
	FILE		*f;

	if (d == NULL || (f = fopen(d, "r")) == NULL)
		return false;
	if (fread(buf, 1, 2, f) != 2)
		buf[0] = '\0';
	fclose(f);
	return !(buf[0] == '#' && buf[1] == '!');
}

/*
 * The listener's stanza of text with command= replaced by cmd (the only
 * change), into out.
 */
static void
stanza(const char *text, const char *cmd, char *out, size_t outlen)
{
	const char	*p = strstr(text, "\n[eventlistener:"), *e, *nl;
	size_t		 o = 0;
	int		 k;

	ck_assert(p != NULL);
	p++;
	e = strstr(p, "\n[");
	e = e == NULL ? p + strlen(p) : e + 1;
	for (; p < e; p = nl) {
		nl = memchr(p, '\n', e - p);
		nl = nl == NULL ? e : nl + 1;
		if (key_value(p, "command") != NULL)
			k = snprintf(out + o, outlen - o, "command=%s\n", cmd);
		else
			k = snprintf(out + o, outlen - o, "%.*s",
			    (int)(nl - p), p);
		ck_assert(k >= 0 && (size_t)k < outlen - o);
		o += k;
	}
	if (o > 0 && out[o - 1] != '\n' && o + 1 < outlen)
		out[o++] = '\n';
	out[o] = '\0';
}

/* The name the daemon gives the listener's process: its group's, or
 * NAME_00 for makasim's process_name. */
static void
listener_process(const char *text, char *out, size_t outlen)
{
	const char	*p = strstr(text, "\n[eventlistener:") + 16;
	size_t		 l = strcspn(p, "]");

	if (strstr(p, "%(process_num)02d") != NULL)
		snprintf(out, outlen, "%.*s_00", (int)l, p);
	else
		snprintf(out, outlen, "%.*s", (int)l, p);
}

static void
run_equivalent(struct th *h, const char *name, enum kind k,
    const char *text)
{
	char		 conf[8192], st[2048], lst[128], want[256];
	const char	*script, *ctl, *events;
	int		 l_app, l_lst, l_exit;

	switch (k) {
	case K_PIDFILE:	script = sh_pidfile; break;
	case K_PPID:	script = sh_ppid; break;
	case K_FATAL:	script = sh_fatal; break;
	case K_CTL:	script = sh_ctl; break;
	case K_LOGGER:	script = sh_logger; break;
	default:	return;
	}
	if (k == K_CTL) {
		/* The listener runs "$SUPERVISORCTL", from the daemon's
		 * environment, which is ours. */
		ctl = getenv("SUPERVISORCTL");
		ck_assert_msg(ctl != NULL, "SUPERVISORCTL is not set");
	}
	th_write(h, "listener", script);
	ck_assert_int_eq(chmod(th_path(h, "listener"), 0755), 0);
	stanza(text, th_path(h, "listener"), st, sizeof(st));
	listener_process(text, lst, sizeof(lst));
	snprintf(conf, sizeof(conf),
	    "[unix_http_server]\n"
	    "file=@DIR@/sock\n\n"
	    "[supervisorctl]\n"
	    "serverurl=unix://@DIR@/sock\n\n"
	    "[rpcinterface:supervisor]\n"
	    "supervisor.rpcinterface_factory = "
	    "supervisor.rpcinterface:make_main_rpcinterface\n\n"
	    "[program:app]\n"
	    "command=/bin/sleep 1000\n"
	    "startsecs=0\n"
	    "%s\n"
	    "[program:dies]\n"
	    "%s"
	    "autorestart=false\n\n"
	    "%s",
	    k == K_LOGGER ? "stdout_events_enabled=true\n" : "",
	    k == K_FATAL ?
	    /* Fails at once, no retry: BACKOFF, then FATAL. */
	    "command=/bin/sh -c 'exit 3'\nstartsecs=1\nstartretries=0\n" :
	    k == K_LOGGER ?
	    "command=/bin/sh -c 'echo hello from dies; sleep 1000'\n"
	    "startsecs=0\nstdout_events_enabled=true\n" :
	    "command=/bin/sh -c 'sleep 1; exit 3'\nstartsecs=0\n", st);
	th_conf(h, conf);
	th_start_conf(h);
	ck_assert(th_wait_log(h, "success: app entered RUNNING", 10000));

	if (k == K_LOGGER) {
		/* The line, as hypothesis' logger prints it. */
		ck_assert_msg(th_wait_file(h, "logged", 10000), "%s: the "
		    "logger heard nothing", name);
		ck_assert_msg(strstr(th_read(h, "logged", NULL),
		    "dies (stdout) | hello from dies\n") != NULL,
		    "%s: logged: %s", name, th_read(h, "logged", NULL));
		ck_assert(strstr(th_read(h, "events", NULL),
		    "eventname:PROCESS_LOG_STDOUT") != NULL);
		ck_assert(th_exited_ok(th_stop(h)));
		return;
	}
	/* The program dies; the listener ends the daemon, which stops
	 * everything and exits by itself. */
	ck_assert_msg(th_exited_ok(th_wait_exit(h, 20000)), "%s: the daemon "
	    "did not exit after dies died", name);
	events = th_read(h, "events", NULL);
	ck_assert_msg(events != NULL, "%s: the listener heard nothing", name);
	snprintf(want, sizeof(want), "eventname:%s",
	    k == K_FATAL ? "PROCESS_STATE_FATAL" : "PROCESS_STATE_EXITED");
	ck_assert_msg(strstr(events, want) != NULL, "%s: events: %s", name,
	    events);
	if (k == K_FATAL)
		ck_assert(th_log_count(h, "gave up: dies entered FATAL") == 1);
	else
		ck_assert(th_log_count(h, "exited: dies (exit status 3; not "
		    "expected)") == 1);
	/* In order: dies' end, app stopped, then the listener. */
	l_exit = th_file_line(h, "supervisord.log", k == K_FATAL ?
	    "gave up: dies" : "exited: dies");
	l_app = th_file_line(h, "supervisord.log", "stopped: app ");
	snprintf(want, sizeof(want), "stopped: %s ", lst);
	l_lst = th_file_line(h, "supervisord.log", want);
	ck_assert_msg(l_exit > 0 && l_app > l_exit && l_lst > l_app,
	    "%s: not in order: dies at line %d, app stopped at %d, %s "
	    "at %d", name, l_exit, l_app, lst, l_lst);
	if (k != K_CTL)
		ck_assert(th_log_count(h, "received SIGQUIT") == 1);
}

START_TEST(test_corpus_listener)
{
	const char	*name = names[_i];
	struct th	*h;
	char		*text, *dump, path[PATH_MAX], want[PATH_MAX];
	size_t		 i;
	enum kind	 k;
	int		 st, line;

	if (name == NULL) {
		th_skip("corpus", "no corpus file %d with an [eventlistener:x] "
		    "(CORPUS=%s)", _i, getenv("CORPUS") != NULL ?
		    getenv("CORPUS") : "unset");
		return;
	}
	h = th_new();
	for (i = 0; i < sizeof(oracle_env) / sizeof(oracle_env[0]); i++)
		ck_assert(setenv(oracle_env[i][0], oracle_env[i][1], 1) == 0);
	text = copy_in(h, name);
	k = kind_of(name);

	if (daemon_is_ours()) {
		snprintf(path, sizeof(path), "%s", th_path(h, name));
		st = th_run(h, 10000, "-c", path, "--dump-config", NULL);
		if (strncmp(name, "59-", 3) == 0) {
			/* Python: "supervisor_stdout:event_handler cannot be
			 * resolved within [eventlistener:stdout]". */
			ck_assert_int_eq(th_exit_code(st), 2);
			line = th_file_line(h, name, "result_handler = "
			    "supervisor_stdout:event_handler");
			ck_assert_int_gt(line, 0);
			snprintf(want, sizeof(want), "%s:%d: [eventlistener:"
			    "stdout] result_handler: ", name, line);
			ck_assert_msg(strstr(th_read(h, "stderr", NULL), want)
			    != NULL, "%s: stderr: %s (wanted %s)", name,
			    th_read(h, "stderr", NULL), want);
		} else {
			ck_assert_msg(th_exited_ok(st), "%s: --dump-config: "
			    "%s", name, th_read(h, "stderr", NULL));
			dump = strdup(th_read(h, "stdout", NULL));
			ck_assert_int_ge(check_dump(text, dump, name), 1);
			free(dump);
		}
	} else
		fprintf(stderr, "corpus_listeners: %s: %s is not ours: no "
		    "--dump-config\n", name, getenv("SUPERVISORD"));

	if (k != K_NONE) {
		/* The stanza's programs are the test's own. */
		run_equivalent(h, name, k, text);
	}
	free(text);
	th_free(h);
}
END_TEST

START_TEST(test_corpus_has_twelve)
{
	if (corpus_dir[0] == '\0' || nnames == 0) {
		th_skip("corpus", "no corpus (CORPUS=%s)", getenv("CORPUS") !=
		    NULL ? getenv("CORPUS") : "unset");
		return;
	}
	ck_assert_int_eq(nnames, NFILES);
}
END_TEST

Suite *
corpus_listeners_suite(void)
{
	Suite	*s = suite_create("corpus_listeners");
	TCase	*tc = th_tcase("corpus_listeners", 60);

	list_files();
	tcase_add_test(tc, test_corpus_has_twelve);
	tcase_add_loop_test(tc, test_corpus_listener, 0, NFILES);
	suite_add_tcase(s, tc);
	return s;
}
