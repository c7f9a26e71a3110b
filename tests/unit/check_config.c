/*
 * config: tables of { configuration text, what the dump must show, or the
 * error it must give }, each written into a fresh temporary directory and
 * read with cfg_load; then includes, options, the default search, diffs.
 */
#include <sys/stat.h>

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <check.h>

#include "supervisord/config.h"

#define BOM	"\xef\xbb\xbf"

/* 4299 zeros: with a leading 1, Python 3.11's longest int() string. */
#define Z10	"0000000000"
#define Z100	Z10 Z10 Z10 Z10 Z10 Z10 Z10 Z10 Z10 Z10
#define Z1000	Z100 Z100 Z100 Z100 Z100 Z100 Z100 Z100 Z100 Z100
#define DIGITS_4299	Z1000 Z1000 Z1000 Z1000 Z100 Z100 Z10 Z10 Z10 Z10 Z10 \
			Z10 Z10 Z10 Z10 "000000000"

Suite	*config_suite(void);

struct row {
	const char	*text;
	const char	*want;	/* substrings of the JSON dump, \a between,
				   in this order; NULL: expect an error */
	const char	*err;	/* substring of the first error */
};

static const struct row rows[] = {
	/* Defaults of [program:x], as supervisor's. */
	{ "[supervisord]\n[program:web]\ncommand=/bin/true\n",
	  "\"autorestart\": \"unexpected\"\a\"autostart\": true\a"
	  "\"exitcodes\": [0]\a\"priority\": 999\a\"startretries\": 3\a"
	  "\"startsecs\": 1\a\"stderr_logfile\": \"AUTO\"\a"
	  "\"stdout_logfile_maxbytes\": 52428800\a\"stopsignal\": \"TERM\"\a"
	  "\"stopwaitsecs\": 10\a\"umask\": null", NULL },
	/* Ours, apart in "extensions": stop_with_daemon, default true. */
	{ "[supervisord]\n[program:web]\ncommand=x\n",
	  "\"exitcodes\": [0]\a\"extensions\": {\"backoff\": \"linear\", "
	  "\"backoff_max\": 60, \"depends_on\": null, "
	  "\"environment_file\": null, \"essential\": false, "
	  "\"ready\": null, \"ready_timeout\": 60, \"retry_forever\": false, "
	  "\"stderr_prefix\": null, \"stderr_timestamps\": false, "
	  "\"stdout_prefix\": null, \"stdout_timestamps\": false, "
	  "\"stop_with_daemon\": true, \"user_environment\": false}\a"
	  "\"killasgroup\": false", NULL },
	{ "[supervisord]\n[program:web]\ncommand=x\nbackoff = Exponential\n"
	  "backoff_max=%(ENV_CFG_TEST_N)s\nretry_forever=yes\n",
	  "\"extensions\": {\"backoff\": \"exponential\", \"backoff_max\": 7, "
	  "\"depends_on\": null, \"environment_file\": null, "
	  "\"essential\": false, \"ready\": null, \"ready_timeout\": 60, "
	  "\"retry_forever\": true", NULL },
	/* ready= (per process: %(process_num)d) and ready_timeout. */
	{ "[supervisord]\n[program:web]\ncommand=x\nnumprocs=2\n"
	  "process_name=w%(process_num)d\nready=tcp:127.0.0.1:80%(process_num)02d\n"
	  "ready_timeout=5\n",
	  "\"ready\": \"tcp:127.0.0.1:8000\", \"ready_timeout\": 5\a"
	  "\"ready\": \"tcp:127.0.0.1:8001\", \"ready_timeout\": 5", NULL },
	{ "[supervisord]\n[program:web]\ncommand=x\nready=tcp:[::1]:8080\n",
	  "\"ready\": \"tcp:[::1]:8080\", \"ready_timeout\": 60", NULL },
	{ "[supervisord]\n[program:web]\ncommand=x\nready=file:%(here)s/up\n",
	  "\"ready\": \"file:@HERE@/up\"", NULL },
	{ "[supervisord]\n[program:web]\ncommand=x\nready=file:up\n", NULL,
	  ":4: [program:web] ready: invalid value 'file:up' (file: wants an "
	  "absolute path)" },
	{ "[supervisord]\n[program:web]\ncommand=x\nready=tcp:db.example:5432\n",
	  NULL, ":4: [program:web] ready: invalid value 'tcp:db.example:5432' "
	  "(tcp: wants a numeric address, [IPv6] or localhost" },
	{ "[supervisord]\n[program:web]\ncommand=x\nready=tcp:127.0.0.1:0\n",
	  NULL, "ready: invalid value 'tcp:127.0.0.1:0' (tcp: wants a port "
	  "from 1 to 65535)" },
	{ "[supervisord]\n[program:web]\ncommand=x\nready=notify\n",
	  "\"ready\": \"notify\"", NULL },
	{ "[supervisord]\n[program:web]\ncommand=x\nready=socket\n", NULL,
	  "ready: invalid value 'socket' (notify, file:PATH or "
	  "tcp:HOST:PORT)" },
	{ "[supervisord]\n[program:web]\ncommand=x\nready_timeout=0\n", NULL,
	  ":4: [program:web] ready_timeout: 0 is less than 1 second" },
	/* depends_on=: every name there, no cycle. */
	{ "[supervisord]\n[program:web]\ncommand=x\ndepends_on=db, migrate:exited\n"
	  "[program:db]\ncommand=x\n[program:migrate]\ncommand=x\n"
	  "[program:a]\ncommand=x\ndepends_on=grp:*\n[group:grp]\nprograms=b\n"
	  "[program:b]\ncommand=x\n",
	  "\"depends_on\": \"grp:*\"\a\"depends_on\": \"db, migrate:exited\"",
	  NULL },
	{ "[supervisord]\n[program:web]\ncommand=x\ndepends_on=db\n", NULL,
	  ":2: [program:web] depends_on: no program or group named 'db'" },
	{ "[supervisord]\n[program:web]\ncommand=x\ndepends_on=db:started\n"
	  "[program:db]\ncommand=x\n", NULL,
	  ":2: [program:web] depends_on: 'db:started': NAME, NAME:running or "
	  "NAME:exited" },
	{ "[supervisord]\n[program:a]\ncommand=x\ndepends_on=b\n"
	  "[program:b]\ncommand=x\ndepends_on=c\n"
	  "[program:c]\ncommand=x\ndepends_on=a:running\n", NULL,
	  ":2: [program:a] depends_on: a cycle: a -> b -> c -> a" },
	{ "[supervisord]\n[program:a]\ncommand=x\ndepends_on=a\n", NULL,
	  ":2: [program:a] depends_on: a cycle: a -> a" },
	/* essential, autorestart=false and startsecs > 0: --test warns. */
	{ "[supervisord]\n[program:web]\ncommand=x\nessential=true\n"
	  "autorestart=false\n",
	  "\"essential\": true\a\"warnings\": [\a\"@HERE@/supervisord.conf:2: "
	  "[program:web] essential: with autorestart=false and startsecs=1, "
	  "a run shorter than 1 s is a failed start", NULL },
	{ "[supervisord]\n[program:web]\ncommand=x\nessential=true\n"
	  "autorestart=false\nstartsecs=0\n",
	  "\"essential\": true\a\"warnings\": []", NULL },
	{ "[supervisord]\n[program:web]\ncommand=x\nbackoff=random\n", NULL,
	  ":4: [program:web] backoff: invalid value 'random' (linear or "
	  "exponential)" },
	{ "[supervisord]\n[program:web]\ncommand=x\nbackoff_max=0\n", NULL,
	  ":4: [program:web] backoff_max: 0 is less than 1 second" },
	{ "[supervisord]\n[program:web]\ncommand=x\nstop_with_daemon=%(ENV_CFG_NO)s\n",
	  NULL, ":4: [program:web] stop_with_daemon: " },
	{ "[supervisord]\n[program:web]\ncommand=x\nstop_with_daemon = off\n",
	  "\"stop_with_daemon\": false, \"user_environment\": false}", NULL },
	/* Prefixes (per process) and times; too long a prefix. */
	{ "[supervisord]\n[program:web]\ncommand=x\nnumprocs=2\n"
	  "process_name=w%(process_num)d\n"
	  "stdout_prefix=%(program_name)s_%(process_num)d |\n"
	  "stderr_timestamps=yes\n",
	  "\"stderr_timestamps\": true, \"stdout_prefix\": \"web_0 |\"\a"
	  "\"stdout_prefix\": \"web_1 |\"", NULL },
	{ "[supervisord]\n[program:web]\ncommand=x\nstdout_prefix="
	  "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
	  "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
	  "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
	  "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxy\n",
	  NULL, ":4: [program:web] stdout_prefix: longer than 256 bytes" },
	/* environment_file= (per process), absolute; user_environment. */
	{ "[supervisord]\n[program:web]\ncommand=x\nnumprocs=2\n"
	  "process_name=w%(process_num)d\n"
	  "environment_file=-/nonexistent/w%(process_num)d.env\n",
	  "\"environment_file\": \"-/nonexistent/w0.env\"\a"
	  "\"environment_file\": \"-/nonexistent/w1.env\"", NULL },
	{ "[supervisord]\n[program:web]\ncommand=x\nenvironment_file=web.env\n",
	  NULL, ":4: [program:web] environment_file: 'web.env' is not an "
	  "absolute path" },
	{ "[supervisord]\n[program:web]\ncommand=x\nuser_environment=maybe\n",
	  NULL, ":4: [program:web] user_environment: invalid boolean 'maybe'" },
	{ "[supervisord]\n[program:web]\ncommand=x\nstop_with_daemon=soon\n",
	  NULL, ":4: [program:web] stop_with_daemon: invalid boolean 'soon'" },
	{ "[supervisord]\n[program:web]\ncommand=x\nstartsecs=ten\n", NULL,
	  ":4: [program:web] startsecs: invalid integer 'ten'" },
	{ "[supervisord]\n[program:web]\ncommand=x\nstartsecs = 1_0\n",
	  "\"startsecs\": 10", NULL },
	{ "[supervisord]\n[program:web]\ncommand=x\nautostart=off\n"
	  "stopasgroup=YES\n", "\"autostart\": false\a\"killasgroup\": true\a"
	  "\"stopasgroup\": true", NULL },
	{ "[supervisord]\n[program:web]\ncommand=x\nautostart=maybe\n", NULL,
	  ":4: [program:web] autostart: invalid boolean 'maybe'" },
	{ "[supervisord]\n[program:web]\ncommand=x\nstopasgroup=true\n"
	  "killasgroup=false\n", NULL, "[program:web] killasgroup: cannot" },
	{ "[supervisord]\n[program:web]\ncommand=x\n"
	  "stdout_logfile_maxbytes=1KB\nstderr_logfile_maxbytes=2mb\n",
	  "\"stderr_logfile_maxbytes\": 2097152\a"
	  "\"stdout_logfile_maxbytes\": 1024", NULL },
	{ "[supervisord]\n[program:web]\ncommand=x\n"
	  "stdout_logfile_maxbytes=1TB\n", NULL,
	  "stdout_logfile_maxbytes: invalid byte size '1TB'" },
	{ "[supervisord]\n[program:web]\ncommand=x\nstopsignal=kill\n",
	  "\"stopsignal\": \"KILL\"", NULL },
	{ "[supervisord]\n[program:web]\ncommand=x\nstopsignal=SIGHUP\n",
	  "\"stopsignal\": \"HUP\"", NULL },
	{ "[supervisord]\n[program:web]\ncommand=x\nstopsignal=BOGUS\n", NULL,
	  ":4: [program:web] stopsignal: invalid signal 'BOGUS'" },
	{ "[supervisord]\n[program:web]\ncommand=x\nexitcodes=0,2, 3\n",
	  "\"exitcodes\": [0, 2, 3]", NULL },
	/* Found by fuzzing: an empty list passed NULL to memcpy. */
	{ "[supervisord]\n[program:web]\ncommand=x\nexitcodes=\n",
	  "\"exitcodes\": []", NULL },
	{ "[supervisord]\n[program:web]\ncommand=x\nexitcodes=0,256\n", NULL,
	  "[program:web] exitcodes: invalid list of exit codes" },
	{ "[supervisord]\n[program:web]\ncommand=x\numask=027\n",
	  "\"umask\": \"027\"", NULL },
	{ "[supervisord]\n[program:web]\ncommand=x\numask=8\n", NULL,
	  "[program:web] umask: invalid octal '8'" },
	{ "[supervisord]\n[program:web]\ncommand=x\nuser=root\n",
	  "\"uid\": 0\a\"user\": \"root\"", NULL },
	{ "[supervisord]\n[program:web]\ncommand=x\nuser=0\n",
	  "\"uid\": 0\a\"user\": \"root\"", NULL },
	{ "[supervisord]\n[program:web]\ncommand=x\nuser=no_such_user_x\n",
	  NULL, ":4: [program:web] user: invalid user name no_such_user_x" },
	{ "[supervisord]\n[program:web]\ncommand=x\nautorestart=TRUE\n",
	  "\"autorestart\": \"true\"", NULL },
	{ "[supervisord]\n[program:web]\ncommand=x\nautorestart=sometimes\n",
	  NULL, "[program:web] autorestart: invalid value 'sometimes'" },
	{ "[supervisord]\n[program:web]\n", NULL,
	  "[program:web] command: program section program:web does not "
	  "specify a command" },
	/* numprocs, process_name and the expansions. */
	{ "[supervisord]\n[program:w]\ncommand=x %(process_num)d\n"
	  "numprocs=11\nprocess_name=%(program_name)s_%(process_num)s\n",
	  "\"command\": \"x 0\"\a\"name\": \"w_0\"\a\"name\": \"w_1\"\a"
	  "\"name\": \"w_10\"\a\"name\": \"w_2\"", NULL },
	{ "[supervisord]\n[program:w]\ncommand=x\nnumprocs=2\n"
	  "numprocs_start=5\nprocess_name=%(group_name)s-%(process_num)03d"
	  "-of-%(numprocs)d\n",
	  "\"name\": \"w-005-of-2\"\a\"name\": \"w-006-of-2\"", NULL },
	{ "[supervisord]\n[program:w]\ncommand=x\nnumprocs=2\n", NULL,
	  "[program:w] process_name: %(process_num) must be present" },
	{ "[supervisord]\n[program:w]\ncommand=%(host_node_name)s "
	  "%(ENV_CFG_TEST)s 100%% %(here)s/x\n",
	  "\"command\": \"testhost from-env 100% @HERE@/x\"", NULL },
	{ "[supervisord]\n[program:w]\ncommand=x\ndirectory=/d%(process_num)02d"
	  "\n", "\"directory\": \"/d00\"", NULL },
	{ "[supervisord]\n[program:w]\ncommand=50%\n", NULL,
	  "[program:w] command: format string '50%' badly formatted" },
	{ "[supervisord]\n[program:w]\ncommand=echo %s\n", NULL,
	  "[program:w] command: format string 'echo %s' badly formatted" },
	{ "[supervisord]\n[program:w]\ncommand=%(nope)s\n", NULL,
	  ":3: [program:w] command: format string '%(nope)s' %(nope) cannot "
	  "be expanded" },
	{ "[supervisord]\n[program:w]\ncommand=%(program_name)d\n", NULL,
	  "badly formatted: %d format: a real number is required" },
	/* ConfigParser's syntax. */
	{ "[supervisord]\n[program:w]\ncommand=/bin/echo a;b#c ; comment\n",
	  "\"command\": \"/bin/echo a;b#c\"", NULL },
	{ "[supervisord]\n[program:w]\ncommand=/bin/echo a\t# comment\n",
	  "\"command\": \"/bin/echo a\"", NULL },
	{ "[supervisord]\n[program:w]\ncommand=/bin/echo\n  a\n\n  b\n"
	  "; comment\n  c\nautostart=false\n",
	  "\"autostart\": false\a\"command\": \"/bin/echo\\na\\n\\nb\\nc\"",
	  NULL },
	{ "[supervisord]\n[program:w]\nCOMMAND : /bin/x\nStartSecs:7\n",
	  "\"command\": \"/bin/x\"\a\"startsecs\": 7", NULL },
	{ "[supervisord]\r\n[program:w]\r\ncommand=/bin/x\r\n"
	  "startsecs=2\r\n", "\"command\": \"/bin/x\"\a\"startsecs\": 2",
	  NULL },
	{ "[supervisord]\n[program:w]\ncommand=/bin/a\ncommand=/bin/b\n",
	  "\"command\": \"/bin/b\"", NULL },
	{ "[supervisord]\n[program:w]\ncommand=a\n[program:w]\nstartsecs=4\n",
	  "\"command\": \"a\"\a\"startsecs\": 4", NULL },
	{ BOM "[supervisord]\n[program:w]\ncommand=a\n", NULL,
	  ":1: the file starts with a UTF-8 byte order mark" },
	{ "command=a\n[supervisord]\n", NULL,
	  ":1: a key before any [section]" },
	{ "[supervisord]\n[program:w]\ncommand=caf\xe9\n", NULL,
	  ":3: byte 0xe9 is not UTF-8" },
	{ "[supervisord]\n[program:w]\ncommand=caf\xc3\xa9\n",
	  "\"command\": \"caf\xc3\xa9\"", NULL },
	{ "[supervisord]\n[program:w]\ncommand=a\njunk line\n", NULL,
	  ":4: [program:w] parse error: no '=' or ':' in 'junk line'" },
	{ "[program:w]\ncommand=a\n", NULL, "no [supervisord] section" },
	{ "[supervisord]\n[program:w]\ncommand=a\nbogus_key=1\n",
	  ":4: [program:w] bogus_key: unknown key", NULL },
	/* environment= */
	{ "[supervisord]\nenvironment=G=1,B=\"from sd\"\n[program:w]\n"
	  "command=a\nenvironment=A=\"x,y\",B='2=3',C=%(ENV_G)s\n",
	  "\"environment\": {\"A\": \"x,y\", \"B\": \"2=3\", \"C\": \"1\", "
	  "\"G\": \"1\"}", NULL },
	{ "[supervisord]\n[program:w]\ncommand=a\nenvironment=A=\"x # y\"\n",
	  NULL, "[program:w] environment: no closing quotation" },
	{ "[supervisord]\n[program:w]\ncommand=a\nenvironment=A=1 B=2\n",
	  NULL, "[program:w] environment: unexpected end of key/value" },
	{ "[supervisord]\n[program:w]\ncommand=a\nstdout_logfile=syslog\n",
	  "\"stdout_logfile\": null\a\"stdout_syslog\": true", NULL },
	{ "[supervisord]\n[program:w]\ncommand=a\nredirect_stderr=true\n"
	  "stdout_logfile=NONE\n", "\"redirect_stderr\": true\a"
	  "\"stderr_logfile\": null\a\"stdout_logfile\": null", NULL },
	{ "[supervisord]\n[program:w]\ncommand=a\n"
	  "stdout_logfile=/no/such/dir/x.log\n", NULL,
	  "[program:w] stdout_logfile: the directory named as part of the "
	  "path /no/such/dir/x.log does not exist" },
	/* Order: priority, then name as a string. */
	{ "[supervisord]\n[program:zeta]\ncommand=a\n[program:alpha]\n"
	  "command=a\n[program:first]\ncommand=a\npriority=1\n",
	  "\"name\": \"first\"\a\"name\": \"alpha\"\a\"name\": \"zeta\"",
	  NULL },
	{ "[supervisord]\n[group:g]\nprograms=b,a\npriority=5\n[program:a]\n"
	  "command=a\n[program:b]\ncommand=b\n[program:c]\ncommand=c\n",
	  "\"kind\": \"group\", \"name\": \"g\", \"priority\": 5\a"
	  "\"name\": \"b\"\a\"name\": \"a\"\a\"name\": \"c\"", NULL },
	{ "[supervisord]\n[group:g]\nprograms=nope\n", NULL,
	  ":3: [group:g] programs: names unknown program or fcgi-program "
	  "nope" },
	{ "[supervisord]\n[eventlistener:ev]\ncommand=a\n"
	  "events=TICK_5,process_state\n",
	  "\"buffer_size\": 10, \"events\": [\"ProcessStateEvent\", "
	  "\"Tick5Event\"], \"kind\": \"eventlistener\", \"name\": \"ev\", "
	  "\"priority\": -1", NULL },
	{ "[supervisord]\n[eventlistener:ev]\ncommand=a\n", NULL,
	  "[eventlistener:ev] events: an [eventlistener:x] section requires" },
	{ "[supervisord]\n[fcgi-program:f]\ncommand=a\n"
	  "socket=unix:///tmp/%(program_name)s.sock\n",
	  "\"kind\": \"fcgi-program\"\a\"socket\": \"unix:///tmp/f.sock\", "
	  "\"socket_backlog\": null, \"socket_mode\": \"0700\"", NULL },
	{ "[supervisord]\n[fcgi-program:f]\ncommand=a\nsocket=tcp://x\n", NULL,
	  "[fcgi-program:f] socket: bad socket format tcp://x" },
	/* [supervisord] */
	{ "[supervisord]\nminfds=lots\n", NULL,
	  ":2: [supervisord] minfds: invalid integer 'lots'" },
	/* Found by fuzzing: the pairs before the bad one leaked. */
	{ "[supervisord]\nenvironment=A=1 B=2\n", NULL,
	  ":2: [supervisord] environment: unexpected end of key/value pairs" },
	{ "[supervisord]\nloglevel=chatty\n", NULL,
	  ":2: [supervisord] loglevel: bad logging level name 'chatty'" },
	{ "[supervisord]\ndirectory=/no/such/dir\n", NULL,
	  "[supervisord] directory: /no/such/dir is not an existing directory"
	},
	{ "[supervisord]\n[inet_http_server]\nport=127.0.0.1:9001\n",
	  "\"warnings\": []", NULL },
	{ "[supervisord]\n[inet_http_server]\nport=*:9001\nusername=u\n",
	  NULL, "[inet_http_server] username: incomplete authentication" },
	{ "[supervisord]\n[inet_http_server]\nport=:9001\n"
	  "[inet_http_server:two]\nport=9002\n",
	  "[inet_http_server:two] only the first inet HTTP server", NULL },
	{ "[supervisord]\n[inet_http_server]\nport=127.0.0.1:http\n", NULL,
	  "[inet_http_server] port: invalid port" },
	/* Found by fuzzing: a bad group after a good user freed garbage. */
	{ "[supervisord]\n[unix_http_server]\nfile=/tmp/x.sock\n"
	  "chown=root:no_such_group_x\n", NULL, "[unix_http_server] chown: "
	  "invalid sockchown value root:no_such_group_x" },
	/* Found with the above: a bad user's message leaked. */
	{ "[supervisord]\n[fcgi-program:f]\ncommand=a\n"
	  "socket=unix:///tmp/f.sock\nsocket_owner=no_such_user_x\n", NULL,
	  "[fcgi-program:f] socket_owner: invalid socket_owner value "
	  "no_such_user_x" },
	{ "[supervisord]\n[fcgi-program:f]\ncommand=a\n"
	  "socket=unix:///tmp/f.sock\nsocket_owner=root:no_such_group_x\n",
	  NULL, "[fcgi-program:f] socket_owner: invalid socket_owner value "
	  "root:no_such_group_x" },
	{ "[supervisord]\n[unix_http_server]\nfile=/tmp/x.sock\n"
	  "username=u\n", NULL, "[unix_http_server] username: incomplete "
	  "authentication" },
	{ "[supervisord]\n[rpcinterface:supervisor]\n"
	  "supervisor.rpcinterface_factory = "
	  "supervisor.rpcinterface:make_main_rpcinterface\n",
	  "\"warnings\": []", NULL },
	{ "[supervisord]\n[rpcinterface:x]\n"
	  "supervisor.rpcinterface_factory = not a spec\n", NULL,
	  "[rpcinterface:x] supervisor.rpcinterface_factory: not a spec "
	  "cannot be resolved" },
};

static char tmpdir[256];

static void
mkfile(const char *path, const char *text)
{
	FILE	*fp;

	fp = fopen(path, "w");
	ck_assert_ptr_nonnull(fp);
	ck_assert_int_eq(fputs(text, fp) >= 0, 1);
	ck_assert_int_eq(fclose(fp), 0);
}

static void
setup(void)
{
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/check_config.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(tmpdir));
	cfg_set_hostname("testhost");
	setenv("CFG_TEST", "from-env", 1);
	setenv("CFG_TEST_N", "7", 1);
}

static void
teardown(void)
{
	char	cmd[PATH_MAX + 16];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	if (system(cmd) != 0)
		fprintf(stderr, "could not remove %s\n", tmpdir);
	cfg_set_hostname(NULL);
}

/* The dump of c with the temporary directory written @HERE@. */
static char *
dump(const struct cfg *c)
{
	char	*buf = NULL, *out, *p;
	size_t	 len = 0, tl = strlen(tmpdir), n;
	FILE	*fp;

	fp = open_memstream(&buf, &len);
	ck_assert_ptr_nonnull(fp);
	ck_assert_int_eq(cfg_dump_json(c, fp), 0);
	fclose(fp);
	out = calloc(1, len + 1);
	ck_assert_ptr_nonnull(out);
	for (p = buf, n = 0; *p != '\0';)
		if (strncmp(p, tmpdir, tl) == 0) {
			memcpy(out + n, "@HERE@", 6);
			n += 6;
			p += tl;
		} else
			out[n++] = *p++;
	out[n] = '\0';
	free(buf);
	return out;
}

static void
want_in_order(const char *text, const char *want)
{
	char		*w, *tok, *save;
	const char	*at = text;

	w = strdup(want);
	ck_assert_ptr_nonnull(w);
	for (tok = strtok_r(w, "\a", &save); tok != NULL;
	    tok = strtok_r(NULL, "\a", &save)) {
		at = strstr(at, tok);
		ck_assert_msg(at != NULL, "want '%s' (in order) in:\n%s", tok,
		    text);
		at += strlen(tok);
	}
	free(w);
}

/* Load r->text; check the dump or the error. */
static void
check_row(const struct row *r, int _i)
{
	struct cfg_msgs		 errs = { 0 };
	struct cfg		*c;
	char			 path[PATH_MAX], *j;

	snprintf(path, sizeof(path), "%s/supervisord.conf", tmpdir);
	mkfile(path, r->text);
	c = cfg_load(path, &errs);
	if (r->want == NULL) {
		ck_assert_msg(c == NULL, "row %d: accepted, expected '%s'",
		    _i, r->err);
		ck_assert_uint_ge(errs.n, 1);
		ck_assert_msg(strstr(errs.v[0], r->err) != NULL &&
		    strncmp(errs.v[0], path, strlen(path)) == 0,
		    "row %d: error '%s', expected '%s'", _i, errs.v[0], r->err);
	} else {
		ck_assert_msg(c != NULL, "row %d: rejected: %s", _i,
		    errs.n > 0 ? errs.v[0] : "?");
		j = dump(c);
		want_in_order(j, r->want);
		free(j);
	}
	cfg_free(c);
	cfg_msgs_free(&errs);
}

START_TEST(test_config_table)
{
	check_row(&rows[_i], _i);
}
END_TEST

#define PROG	"[supervisord]\n[program:x]\ncommand=x\n"

/*
 * Integers as Python 3.11's int() reads them (supervisor's integer(),
 * byte_size, octal_type), and values beyond our fields, which keep
 * Python's text in the dump.
 */
static const struct row int_rows[] = {
	/* Unicode decimal digits: Arabic-Indic, fullwidth, math bold. */
	{ PROG "startsecs=\xd9\xa3\n", "\"startsecs\": 3", NULL },
	{ PROG "startsecs=\xef\xbc\x93\xef\xbc\x90\n", "\"startsecs\": 30",
	  NULL },
	{ PROG "startsecs=\xf0\x9d\x9f\x93\n", "\"startsecs\": 5", NULL },
	{ PROG "startsecs=1_\xd9\xa3\n", "\"startsecs\": 13", NULL },
	{ PROG "umask=\xd9\xa1\xd9\xa7\n", "\"umask\": \"017\"", NULL },
	{ PROG "stopsignal=\xd9\xa9\n", "\"stopsignal\": \"KILL\"", NULL },
	{ PROG "exitcodes=\xd9\xa0,\xef\xbc\x92\n", "\"exitcodes\": [0, 2]",
	  NULL },
	{ PROG "stdout_logfile_maxbytes=\xd9\xa3kb\n",
	  "\"stdout_logfile_maxbytes\": 3072", NULL },
	/* byte_size lowers the suffix: the KELVIN SIGN becomes k. */
	{ PROG "stdout_logfile_maxbytes=2\xe2\x84\xaa""B\n",
	  "\"stdout_logfile_maxbytes\": 2048", NULL },
	/* A superscript digit is No, not Nd: not a digit to int(). */
	{ PROG "startsecs=\xc2\xb2\n", NULL, "startsecs: invalid integer" },
	/* Signs and blanks: Python's, Unicode ones too; none after a sign. */
	{ PROG "startsecs=-5\n", "\"startsecs\": -5", NULL },
	{ PROG "startsecs=+5\n", "\"startsecs\": 5", NULL },
	{ PROG "startsecs=-0\n", "\"startsecs\": 0", NULL },
	{ PROG "startsecs=\xe3\x80\x80" "7\xc2\xa0\n", "\"startsecs\": 7",
	  NULL },
	{ PROG "startsecs=- 5\n", NULL, "startsecs: invalid integer '- 5'" },
	{ PROG "startsecs=+-5\n", NULL, "startsecs: invalid integer" },
	{ PROG "exitcodes=1,\t2 \n", "\"exitcodes\": [1, 2]", NULL },
	/* int() takes ASCII \x1c-\x1f for no blank (str.strip does). */
	{ PROG "exitcodes=1,\x1c" "2\n", NULL, "exitcodes: invalid list" },
	/* Underscores: single, between digits. */
	{ PROG "startsecs=1_000\n", "\"startsecs\": 1000", NULL },
	{ PROG "startsecs=_1\n", NULL, "startsecs: invalid integer '_1'" },
	{ PROG "startsecs=1_\n", NULL, "startsecs: invalid integer '1_'" },
	{ PROG "startsecs=1__0\n", NULL, "startsecs: invalid integer" },
	{ PROG "startsecs=+_1\n", NULL, "startsecs: invalid integer" },
	{ PROG "umask=0o_17\n", "\"umask\": \"017\"", NULL },
	{ PROG "umask=0_o17\n", NULL, "umask: invalid octal" },
	{ PROG "startsecs=0x10\n", NULL, "startsecs: invalid integer" },
	/* Beyond our fields: Python's value in the dump. */
	{ PROG "startsecs=99999999999999999999\n",
	  "\"startsecs\": 99999999999999999999", NULL },
	{ PROG "stopwaitsecs=-3000000000\n", "\"stopwaitsecs\": -3000000000",
	  NULL },
	{ PROG "priority=00000000000000000000000042\n", "\"priority\": 42",
	  NULL },
	{ PROG "stdout_logfile_maxbytes=99999999999999999999GB\n",
	  "\"stdout_logfile_maxbytes\": 107374182399999999998926258176", NULL },
	{ PROG "stderr_logfile_backups=-1_000_000_000_000\n",
	  "\"stderr_logfile_backups\": -1000000000000", NULL },
	{ PROG "umask=-1\n", "\"umask\": \"-01\"", NULL },
	{ PROG "umask=7777777777777777777777\n",
	  "\"umask\": \"7777777777777777777777\"", NULL },
	/* Python orders the groups by the whole value. */
	{ "[supervisord]\n[program:a]\ncommand=x\n"
	  "priority=100000000000000000000\n[program:b]\ncommand=x\n"
	  "priority=99999999999999999999\n[program:c]\ncommand=x\n"
	  "priority=-99999999999999999999\n",
	  "\"name\": \"c\"\a\"name\": \"b\"\a\"name\": \"a\"", NULL },
	/* Where supervisor checks a range, we do. */
	{ PROG "exitcodes=99999999999999999999\n", NULL,
	  "exitcodes: invalid list of exit codes" },
	{ "[supervisord]\n[fcgi-program:f]\ncommand=x\n"
	  "socket=unix:///tmp/f.sock\nsocket_backlog=99999999999999999999\n",
	  NULL, "socket_backlog: 99999999999999999999 is out of range" },
	{ "[supervisord]\n[eventlistener:e]\ncommand=x\nevents=TICK_5\n"
	  "buffer_size=-99999999999999999999\n", NULL,
	  "invalid buffer_size (-99999999999999999999)" },
	{ "[supervisord]\n[eventlistener:e]\ncommand=x\nevents=TICK_5\n"
	  "buffer_size=99999999999999999999\n",
	  "\"buffer_size\": 99999999999999999999", NULL },
	{ "[supervisord]\n[inet_http_server]\nport=\xd9\xa9\xd9\xa0\xd9\xa0"
	  "\xd9\xa1\n[program:x]\ncommand=x\n", "\"name\": \"x\"", NULL },
	{ "[supervisord]\n[inet_http_server]\nport=99999999999999999999\n",
	  NULL, "port" },
	/* numprocs below 1: no process, however far below. */
	{ PROG "numprocs=-99999999999999999999\n[program:y]\ncommand=y\n",
	  "\"name\": \"y\"", NULL },
	{ "[supervisord]\n[program:x]\ncommand=x\nnumprocs=1000001\n"
	  "process_name=%(process_num)s\n", NULL,
	  "numprocs: 1000001 is more than this daemon's limit" },
	/* At most 4300 digits (underscores not counted), as Python 3.11. */
	{ PROG "startsecs=1_" DIGITS_4299 "\n", "\"startsecs\": 1" DIGITS_4299,
	  NULL },
	{ PROG "startsecs=1" DIGITS_4299 "\n", "\"startsecs\": 1" DIGITS_4299,
	  NULL },
	{ PROG "startsecs=10" DIGITS_4299 "\n", NULL, "more than 4300 digits" },
	{ PROG "startsecs=00" DIGITS_4299 "\n", NULL, "more than 4300 digits" },
};

START_TEST(test_config_int_table)
{
	check_row(&int_rows[_i], _i);
}
END_TEST

/* What the daemon uses of values beyond its fields: clamped, low bits. */
START_TEST(test_config_int_clamped)
{
	struct cfg_msgs		 errs = { 0 };
	struct cfg		*c;
	const struct cfg_program *p;
	char			 path[PATH_MAX], err[256];

	snprintf(path, sizeof(path), "%s/supervisord.conf", tmpdir);
	mkfile(path, "[supervisord]\nminfds=99999999999999999999\n"
	    "logfile_backups=-99999999999999999999\numask=-1\n"
	    "[program:x]\ncommand=x\n"
	    "startsecs=99999999999999999999\npriority=-3000000000\n"
	    "stdout_logfile_maxbytes=99999999999999999999\n"
	    "stderr_capture_maxbytes=-99999999999999999999\n"
	    "umask=-2\n");
	c = cfg_load(path, &errs);
	ck_assert_msg(c != NULL, "rejected: %s", errs.n > 0 ? errs.v[0] : "?");
	ck_assert(c->sd.minfds == LLONG_MAX);
	ck_assert_int_eq(c->sd.logfile_backups, INT_MIN);
	/* As umask(2) takes (mode_t)-1: 0777. */
	ck_assert_int_eq(c->sd.umask, 0777);
	ck_assert_uint_eq(c->nprograms, 1);
	p = c->programs[0];
	ck_assert_int_eq(p->startsecs, INT_MAX);
	ck_assert_int_eq(p->priority, INT_MIN);
	ck_assert(p->out.maxbytes == LLONG_MAX);
	ck_assert(p->err.capture_maxbytes == LLONG_MIN);
	ck_assert_int_eq(p->umask, 0776);
	ck_assert_str_eq(cfg_big(p->big, p->nbig, "startsecs"),
	    "99999999999999999999");
	ck_assert_ptr_null(cfg_big(p->big, p->nbig, "stopwaitsecs"));
	/* The command line reads numbers the same way. */
	ck_assert_int_eq(cfg_set_option(c, "minfds", "\xd9\xa4", err,
	    sizeof(err)), 0);
	ck_assert(c->sd.minfds == 4);
	ck_assert_int_eq(cfg_set_option(c, "logfile_maxbytes",
	    "1" DIGITS_4299 "kb", err, sizeof(err)), 0);
	ck_assert(c->sd.logfile_maxbytes == LLONG_MAX);
	ck_assert_int_eq(cfg_set_option(c, "logfile_backups",
	    "10" DIGITS_4299, err, sizeof(err)), -1);
	cfg_free(c);
	cfg_msgs_free(&errs);
}
END_TEST

START_TEST(test_config_long_line)
{
	struct cfg_msgs	 errs = { 0 };
	struct cfg	*c;
	char		 path[PATH_MAX], *text, *p;
	size_t		 i;

	/* 1000 variables on one line, about 10 kB. */
	text = malloc(20000);
	ck_assert_ptr_nonnull(text);
	p = text + sprintf(text, "[supervisord]\n[program:w]\ncommand=a\n"
	    "environment=");
	for (i = 0; i < 1000; i++)
		p += sprintf(p, "%sV%zu=%zu", i > 0 ? "," : "", i, i);
	sprintf(p, "\nstartsecs=5\n");
	snprintf(path, sizeof(path), "%s/supervisord.conf", tmpdir);
	mkfile(path, text);
	free(text);
	c = cfg_load(path, &errs);
	ck_assert_msg(c != NULL, "%s", errs.n > 0 ? errs.v[0] : "?");
	ck_assert_uint_eq(c->nprograms, 1);
	ck_assert_uint_eq(c->programs[0]->nenv, 1000);
	ck_assert_str_eq(c->programs[0]->env_keys[999], "V999");
	ck_assert_str_eq(c->programs[0]->env_vals[999], "999");
	ck_assert_int_eq(c->programs[0]->startsecs, 5);
	cfg_free(c);
	cfg_msgs_free(&errs);
}
END_TEST

/*
 * A regular file is read in pieces of 64 KiB as it is parsed
 * (config_ini.c): what straddles two pieces reads as in one, and a check
 * that fails in a later piece reports only what a whole file's check
 * reports, after an error of an earlier piece's line too.
 */
#define PIECE	65536

/* "[supervisord]\n" then comment lines up to byte at, then tail. */
static char *
padded(size_t at, const char *crlf, const char *tail)
{
	size_t	 n = 0, cap = at + strlen(tail) + 256;
	char	*t = malloc(cap);

	ck_assert_ptr_nonnull(t);
	n = (size_t)snprintf(t, cap, "[supervisord]%s", crlf);
	while (n + 40 < at)
		n += (size_t)snprintf(t + n, cap - n, ";%036zu%s", n, crlf);
	while (n < at - strlen(crlf))
		t[n++] = ';';
	memcpy(t + n, crlf, strlen(crlf));
	n += strlen(crlf);
	snprintf(t + n, cap - n, "%s", tail);
	return t;
}

START_TEST(test_config_pieces)
{
	struct cfg_msgs	 errs = { 0 };
	struct cfg	*c;
	char		 path[PATH_MAX], want[PATH_MAX + 128], *t, *big;
	size_t		 i, n;

	snprintf(path, sizeof(path), "%s/supervisord.conf", tmpdir);

	/* "é" split by the piece's end, in a value. */
	t = padded(PIECE - 20, "\n", "[program:w]\ncommand=x\xc3\xa9y\n");
	mkfile(path, t);
	free(t);
	c = cfg_load(path, &errs);
	ck_assert_msg(c != NULL, "%s", errs.n > 0 ? errs.v[0] : "?");
	ck_assert_str_eq(c->programs[0]->command, "x\xc3\xa9y");
	cfg_free(c);

	/* CR LF split by the piece's end: one line end, lines counted. */
	t = padded(PIECE + 1, "\r\n", "[program:w]\r\ncommand=x\r\n"
	    "startsecs=ten\r\n");
	mkfile(path, t);
	ck_assert_ptr_null(cfg_load(path, &errs));
	ck_assert_uint_eq(errs.n, 1);
	for (i = 0, n = 1; t + i < strstr(t, "startsecs"); i++)
		n += t[i] == '\n';
	snprintf(want, sizeof(want), "%s:%zu: [program:w] startsecs: invalid "
	    "integer 'ten'", path, n);
	ck_assert_str_eq(errs.v[0], want);
	cfg_msgs_free(&errs);
	free(t);

	/* A line longer than a piece. */
	big = malloc(3 * PIECE);
	ck_assert_ptr_nonnull(big);
	memset(big, 'a', 3 * PIECE - 1);
	big[3 * PIECE - 1] = '\0';
	t = malloc(4 * PIECE);
	ck_assert_ptr_nonnull(t);
	snprintf(t, 4 * PIECE, "[supervisord]\n[program:w]\ncommand=%s\n"
	    "startsecs=4\n", big);
	mkfile(path, t);
	c = cfg_load(path, &errs);
	ck_assert_msg(c != NULL, "%s", errs.n > 0 ? errs.v[0] : "?");
	ck_assert_uint_eq(strlen(c->programs[0]->command), 3 * PIECE - 1);
	ck_assert_int_eq(c->programs[0]->startsecs, 4);
	cfg_free(c);
	free(t);
	free(big);

	/* A key before any section, a bad byte two pieces later: only it. */
	t = padded(2 * PIECE + 10, "\n", "[x]\nk=\xff\n");
	t[0] = 'k';
	t[1] = '=';
	mkfile(path, t);
	ck_assert_ptr_null(cfg_load(path, &errs));
	ck_assert_uint_eq(errs.n, 1);
	ck_assert_msg(strstr(errs.v[0], "byte 0xff is not UTF-8") != NULL,
	    "%s", errs.v[0]);
	cfg_msgs_free(&errs);
	free(t);

	/* An error in the first piece, a NUL in a later one: only the NUL. */
	t = padded(PIECE + 100, "\n", "[program:w]\ncommand=x\n");
	memcpy(t + 14, "[program:e]\nstartsecs=ten\n", 26);
	t[PIECE + 101] = '\0';
	mkfile(path, t);	/* cut at the NUL: mkfile writes a string */
	free(t);
	{
		FILE	*fp = fopen(path, "a");

		ck_assert_ptr_nonnull(fp);
		ck_assert_int_eq(fputc('\0', fp), 0);
		fputs("x\n", fp);
		fclose(fp);
	}
	ck_assert_ptr_null(cfg_load(path, &errs));
	ck_assert_uint_eq(errs.n, 1);
	ck_assert_msg(strstr(errs.v[0], "a NUL byte in the file") != NULL,
	    "%s", errs.v[0]);
	cfg_msgs_free(&errs);
}
END_TEST

START_TEST(test_config_include)
{
	struct cfg_msgs	 errs = { 0 };
	struct cfg	*c;
	char		 path[PATH_MAX], p2[PATH_MAX + 32], *j;
	size_t		 i;
	bool		 warned = false;

	snprintf(p2, sizeof(p2), "%s/conf.d", tmpdir);
	ck_assert_int_eq(mkdir(p2, 0755), 0);
	snprintf(p2, sizeof(p2), "%s/more", tmpdir);
	ck_assert_int_eq(mkdir(p2, 0755), 0);
	snprintf(path, sizeof(path), "%s/supervisord.conf", tmpdir);
	mkfile(path, "[supervisord]\n[include]\n"
	    "files = conf.d/*.conf more/x.ini\n");
	snprintf(p2, sizeof(p2), "%s/conf.d/b.conf", tmpdir);
	mkfile(p2, "[program:b]\ncommand=%(here)s/b\n[include]\n"
	    "files=nothing\n");
	snprintf(p2, sizeof(p2), "%s/conf.d/a.conf", tmpdir);
	mkfile(p2, "[program:a]\ncommand=a\n");
	snprintf(p2, sizeof(p2), "%s/more/x.ini", tmpdir);
	mkfile(p2, "[program:x]\ncommand=%(here)s/x\n");
	c = cfg_load(path, &errs);
	ck_assert_msg(c != NULL, "%s", errs.n > 0 ? errs.v[0] : "?");
	j = dump(c);
	want_in_order(j, "\"command\": \"a\"\a\"@HERE@/conf.d/b\"\a"
	    "\"@HERE@/more/x\"");
	free(j);
	for (i = 0; i < c->warnings.n; i++)
		if (strstr(c->warnings.v[i], "conf.d/b.conf:3: [include] an "
		    "[include] in an included file is ignored") != NULL)
			warned = true;
	ck_assert_msg(warned, "no warning for the nested [include]");
	cfg_free(c);

	/* An error in an included file names that file as globbed. */
	snprintf(p2, sizeof(p2), "%s/conf.d/web.conf", tmpdir);
	mkfile(p2, "; web\n\n[program:web]\ncommand=w\n\n\nstartsecs=ten\n");
	c = cfg_load(path, &errs);
	ck_assert_ptr_null(c);
	ck_assert_uint_ge(errs.n, 1);
	snprintf(p2, sizeof(p2), "%s/conf.d/web.conf:7: [program:web] "
	    "startsecs: invalid integer 'ten'", tmpdir);
	ck_assert_str_eq(errs.v[0], p2);
	cfg_msgs_free(&errs);
}
END_TEST

/*
 * %(here)s is replaced after each file is read, in every value that still
 * holds it: a section continued in a later file gets that file's
 * directory for the keys it adds there (as supervisor 4.2.5 does).
 */
START_TEST(test_config_include_here)
{
	struct cfg_msgs	 errs = { 0 };
	struct cfg	*c;
	char		 path[PATH_MAX], p2[PATH_MAX + 32], *j;

	snprintf(p2, sizeof(p2), "%s/conf.d", tmpdir);
	ck_assert_int_eq(mkdir(p2, 0755), 0);
	snprintf(p2, sizeof(p2), "%s/more", tmpdir);
	ck_assert_int_eq(mkdir(p2, 0755), 0);
	snprintf(path, sizeof(path), "%s/supervisord.conf", tmpdir);
	mkfile(path, "[supervisord]\nlogfile=%(here)s/sd.log\n[include]\n"
	    "files = conf.d/*.conf more/x.ini\n");
	snprintf(p2, sizeof(p2), "%s/conf.d/a.conf", tmpdir);
	mkfile(p2, "[program:m]\ncommand=%(here)s/m\n");
	snprintf(p2, sizeof(p2), "%s/more/x.ini", tmpdir);
	mkfile(p2, "[program:m]\ndirectory=%(here)s\n"
	    "stdout_logfile=%(here)s/o.log\n");
	c = cfg_load(path, &errs);
	ck_assert_msg(c != NULL, "%s", errs.n > 0 ? errs.v[0] : "?");
	j = dump(c);
	want_in_order(j, "\"command\": \"@HERE@/conf.d/m\"\a"
	    "\"directory\": \"@HERE@/more\"\a"
	    "\"stdout_logfile\": \"@HERE@/more/o.log\"");
	snprintf(p2, sizeof(p2), "%s/sd.log", tmpdir);
	ck_assert_str_eq(c->sd.logfile, p2);
	free(j);
	cfg_free(c);
	cfg_msgs_free(&errs);
}
END_TEST

/*
 * A [DEFAULT] value with %(here)s: each section gets the directory of the
 * file after which expand_here first saw it (supervisor 4.2.5 checked),
 * and the copies raise no unknown-key warning.
 */
START_TEST(test_config_include_default_here)
{
	struct cfg_msgs	 errs = { 0 };
	struct cfg	*c;
	char		 path[PATH_MAX], p2[PATH_MAX + 32], *j;

	snprintf(p2, sizeof(p2), "%s/conf.d", tmpdir);
	ck_assert_int_eq(mkdir(p2, 0755), 0);
	snprintf(path, sizeof(path), "%s/supervisord.conf", tmpdir);
	mkfile(path, "[DEFAULT]\ndirectory=%(here)s\nfoo=%(here)s/x\n"
	    "[supervisord]\n[program:a]\ncommand=/bin/a\n[include]\n"
	    "files = conf.d/*.conf\n");
	snprintf(p2, sizeof(p2), "%s/conf.d/b.conf", tmpdir);
	mkfile(p2, "[program:b]\ncommand=/bin/b\n");
	c = cfg_load(path, &errs);
	ck_assert_msg(c != NULL, "%s", errs.n > 0 ? errs.v[0] : "?");
	j = dump(c);
	want_in_order(j, "\"command\": \"/bin/a\", \"directory\": \"@HERE@\""
	    "\a\"command\": \"/bin/b\", \"directory\": \"@HERE@/conf.d\"");
	free(j);
	ck_assert_uint_eq(c->warnings.n, 0);
	cfg_free(c);
	cfg_msgs_free(&errs);
}
END_TEST

START_TEST(test_config_relative_path)
{
	struct cfg_msgs	 errs = { 0 };
	struct cfg	*c;
	char		 old[PATH_MAX], p2[PATH_MAX + 32];

	ck_assert_ptr_nonnull(getcwd(old, sizeof(old)));
	snprintf(p2, sizeof(p2), "%s/etc", tmpdir);
	ck_assert_int_eq(mkdir(p2, 0755), 0);
	snprintf(p2, sizeof(p2), "%s/etc/s.conf", tmpdir);
	mkfile(p2, "[supervisord]\nlogfile=%(here)s/sd.log\n[program:w]\n"
	    "command=a\nstartsecs=x\n");
	ck_assert_int_eq(chdir(tmpdir), 0);
	c = cfg_load("etc/s.conf", &errs);
	ck_assert_ptr_null(c);
	ck_assert_str_eq(errs.v[0], "etc/s.conf:5: [program:w] startsecs: "
	    "invalid integer 'x'");
	cfg_msgs_free(&errs);
	mkfile(p2, "[supervisord]\nlogfile=%(here)s/sd.log\n");
	c = cfg_load("etc/s.conf", &errs);
	ck_assert_ptr_nonnull(c);
	snprintf(p2, sizeof(p2), "%s/etc/sd.log", tmpdir);
	ck_assert_str_eq(c->sd.logfile, p2);
	snprintf(p2, sizeof(p2), "%s/supervisord.pid", tmpdir);
	ck_assert_str_eq(c->sd.pidfile, p2);
	ck_assert_int_eq(chdir(old), 0);
	cfg_free(c);
}
END_TEST

START_TEST(test_config_set_option)
{
	struct cfg_msgs	 errs = { 0 };
	struct cfg	*c;
	char		 path[PATH_MAX], err[256];

	snprintf(path, sizeof(path), "%s/supervisord.conf", tmpdir);
	mkfile(path, "[supervisord]\nminfds=100\n");
	c = cfg_load(path, &errs);
	ck_assert_ptr_nonnull(c);
	ck_assert_int_eq(c->sd.minfds, 100);
	ck_assert_int_eq(c->sd.umask, 022);
	ck_assert_int_eq(cfg_set_option(c, "minfds", "4096", err,
	    sizeof(err)), 0);
	ck_assert_int_eq(c->sd.minfds, 4096);
	ck_assert_int_eq(cfg_set_option(c, "nodaemon", "true", err,
	    sizeof(err)), 0);
	ck_assert(c->sd.nodaemon);
	ck_assert_int_eq(cfg_set_option(c, "umask", "077", err,
	    sizeof(err)), 0);
	ck_assert_int_eq(c->sd.umask, 077);
	ck_assert_int_eq(cfg_set_option(c, "minfds", "many", err,
	    sizeof(err)), -1);
	ck_assert_str_eq(err, "minfds: invalid integer 'many'");
	ck_assert_int_eq(cfg_set_option(c, "user", "no_such_user_x", err,
	    sizeof(err)), -1);
	ck_assert_int_eq(cfg_set_option(c, "childlogdir", "/no/such", err,
	    sizeof(err)), -1);
	ck_assert_int_eq(cfg_set_option(c, "loglevel", "debug", err,
	    sizeof(err)), 0);
	cfg_free(c);
}
END_TEST

START_TEST(test_config_find_default)
{
	char	buf[4096], old[PATH_MAX], p2[PATH_MAX + 32];
	int	rc;

	ck_assert_ptr_nonnull(getcwd(old, sizeof(old)));
	ck_assert_int_eq(chdir(tmpdir), 0);
	rc = cfg_find_default(buf, sizeof(buf));
	if (rc == -1)
		ck_assert_msg(strstr(buf, "supervisord.conf, "
		    "etc/supervisord.conf, /etc/supervisord.conf, "
		    "/etc/supervisor/supervisord.conf") != NULL, "%s", buf);
	snprintf(p2, sizeof(p2), "%s/etc", tmpdir);
	ck_assert_int_eq(mkdir(p2, 0755), 0);
	mkfile("etc/supervisord.conf", "[supervisord]\n");
	rc = cfg_find_default(buf, sizeof(buf));
	ck_assert_int_eq(rc, 0);
	/* Beside the executable first; else the current directory's. */
	if (strstr(buf, "/etc/supervisord.conf") != buf + strlen(buf) - 21 ||
	    buf[0] != '/')
		ck_assert_str_eq(buf, "etc/supervisord.conf");
	mkfile("supervisord.conf", "[supervisord]\n");
	ck_assert_int_eq(cfg_find_default(buf, sizeof(buf)), 0);
	ck_assert_int_eq(chdir(old), 0);
}
END_TEST

START_TEST(test_config_diff)
{
	struct cfg_msgs	 errs = { 0 };
	struct cfg	*a, *b, *d;
	char		 path[PATH_MAX];

	snprintf(path, sizeof(path), "%s/supervisord.conf", tmpdir);
	mkfile(path, "[supervisord]\n[program:w]\ncommand=a\n");
	a = cfg_load(path, &errs);
	mkfile(path, "[supervisord]\n[program:w]\ncommand=a\nstartsecs=9\n");
	b = cfg_load(path, &errs);
	mkfile(path, "[supervisord]\n[program:w]\ncommand=a\n"
	    "environment=X=1\n");
	d = cfg_load(path, &errs);
	ck_assert(a != NULL && b != NULL && d != NULL);
	ck_assert_int_eq(cfg_program_diff(a->programs[0], a->programs[0]),
	    CFG_SAME);
	ck_assert_int_eq(cfg_program_diff(a->programs[0], b->programs[0]),
	    CFG_POLICY);
	ck_assert_int_eq(cfg_program_diff(a->programs[0], d->programs[0]),
	    CFG_SPAWN);
	/* Moving a program out of its config, as the daemon does. */
	cfg_program_free(a->programs[0]);
	a->programs[0] = NULL;
	cfg_free(a);
	cfg_free(b);
	cfg_free(d);
	cfg_free(NULL);
	cfg_program_free(NULL);
	cfg_msgs_free(NULL);
	cfg_msgs_free(&errs);
}
END_TEST

/*
 * A loaded stanza is one block (blocklen): its strings and arrays lie in
 * it, and cfg_program_free frees only what was set anew after the load.
 * (Leaks and double frees: make sanitize.)
 */
START_TEST(test_config_program_block)
{
	struct cfg_msgs	 errs = { 0 };
	struct cfg	*c;
	struct cfg_program *p;
	char		 path[PATH_MAX];
	const char	*b;

	snprintf(path, sizeof(path), "%s/supervisord.conf", tmpdir);
	mkfile(path, "[supervisord]\nenvironment=S=1\n[program:w]\n"
	    "command=a b\nenvironment=A=1,B=\"2\"\nexitcodes=0,2\n"
	    "startsecs=99999999999999999999\nstdout_logfile=%(here)s/o\n");
	c = cfg_load(path, &errs);
	ck_assert_msg(c != NULL, "%s", errs.n > 0 ? errs.v[0] : "?");
	p = c->programs[0];
	b = (const char *)p;
	ck_assert_uint_gt(p->blocklen, sizeof(*p));
	ck_assert(p->command > b && p->command < b + p->blocklen);
	ck_assert(p->out.path > b && p->out.path < b + p->blocklen);
	ck_assert_uint_eq(p->nenv, 3);
	ck_assert_str_eq(p->env_keys[0], "S");
	ck_assert_str_eq(p->env_vals[2], "2");
	ck_assert(p->env_vals[2] > b && p->env_vals[2] < b + p->blocklen);
	ck_assert_uint_eq(p->nexitcodes, 2);
	ck_assert_int_eq(p->exitcodes[1], 2);
	ck_assert_uint_eq(p->nbig, 1);
	ck_assert_str_eq(p->big[0].key, "startsecs");
	ck_assert_str_eq(p->big[0].text, "99999999999999999999");
	/* Set anew: freed alone, the block's own left to the block. */
	p->command = strdup("c");
	p->env_vals[0] = strdup("v");
	ck_assert_ptr_nonnull(p->command);
	ck_assert_ptr_nonnull(p->env_vals[0]);
	c->programs[0] = NULL;
	cfg_program_free(p);
	cfg_free(c);
	cfg_msgs_free(&errs);
}
END_TEST

START_TEST(test_config_fcgi_socket_on_each_process)
{
	struct cfg_msgs	 errs = { 0 };
	struct cfg	*c;
	char		 path[PATH_MAX];
	size_t		 i;

	/* Its own group, and one a [group:g] lists: both keep a socket. */
	snprintf(path, sizeof(path), "%s/supervisord.conf", tmpdir);
	mkfile(path, "[supervisord]\n[fcgi-program:f]\ncommand=a\n"
	    "socket=tcp://LocalHost:9000\nsocket_backlog=7\nnumprocs=2\n"
	    "process_name=%(program_name)s_%(process_num)s\n"
	    "[group:g]\nprograms=h\n[fcgi-program:h]\ncommand=b\n"
	    "socket=unix:///tmp/%(program_name)s.sock\nsocket_mode=0770\n"
	    "[program:p]\ncommand=c\n");
	c = cfg_load(path, &errs);
	ck_assert_msg(c != NULL, "%s", errs.n > 0 ? errs.v[0] : "?");
	ck_assert_uint_eq(c->nprograms, 4);
	for (i = 0; i < c->nprograms; i++) {
		const struct cfg_program *p = c->programs[i];

		if (strcmp(p->section, "program:p") == 0) {
			ck_assert_ptr_null(p->socket);
		} else if (strcmp(p->section, "fcgi-program:f") == 0) {
			ck_assert_int_eq(p->kind, CFG_KIND_FCGI);
			ck_assert_str_eq(p->socket, "tcp://localhost:9000");
			ck_assert_int_eq(p->socket_backlog, 7);
			ck_assert_int_eq(p->socket_mode, -1);
		} else {
			ck_assert_str_eq(p->section, "fcgi-program:h");
			ck_assert_int_eq(p->kind, CFG_KIND_GROUP);
			ck_assert_str_eq(p->group, "g");
			ck_assert_str_eq(p->socket, "unix:///tmp/h.sock");
			ck_assert_int_eq(p->socket_mode, 0770);
			ck_assert_int_eq(p->socket_backlog, -1);
		}
	}
	cfg_free(c);
	/* A listed one's socket keys are checked as in its own group. */
	mkfile(path, "[supervisord]\n[group:g]\nprograms=h\n"
	    "[fcgi-program:h]\ncommand=b\n");
	ck_assert_ptr_null(cfg_load(path, &errs));
	ck_assert_uint_eq(errs.n, 1);
	ck_assert_msg(strstr(errs.v[0], "requires a \"socket\" line") !=
	    NULL, "%s", errs.v[0]);
	cfg_msgs_free(&errs);
}
END_TEST

START_TEST(test_config_diff_fcgi_socket_by_url_only)
{
	struct cfg_msgs	 errs = { 0 };
	struct cfg	*a, *b, *d;
	char		 path[PATH_MAX];

	snprintf(path, sizeof(path), "%s/supervisord.conf", tmpdir);
	mkfile(path, "[supervisord]\n[fcgi-program:f]\ncommand=a\n"
	    "socket=unix:///tmp/f.sock\n");
	a = cfg_load(path, &errs);
	/* supervisor's SocketConfig.__eq__: the URL only. */
	mkfile(path, "[supervisord]\n[fcgi-program:f]\ncommand=a\n"
	    "socket=unix:///tmp/f.sock\nsocket_mode=0777\n"
	    "socket_backlog=5\n");
	b = cfg_load(path, &errs);
	mkfile(path, "[supervisord]\n[fcgi-program:f]\ncommand=a\n"
	    "socket=unix:///tmp/g.sock\n");
	d = cfg_load(path, &errs);
	ck_assert(a != NULL && b != NULL && d != NULL);
	ck_assert_int_eq(cfg_program_diff(a->programs[0], b->programs[0]),
	    CFG_SAME);
	ck_assert_int_eq(cfg_program_diff(a->programs[0], d->programs[0]),
	    CFG_SPAWN);
	cfg_free(a);
	cfg_free(b);
	cfg_free(d);
	cfg_msgs_free(&errs);
}
END_TEST

Suite *
config_suite(void)
{
	Suite	*s;
	TCase	*tc;

	s = suite_create("config");
	tc = tcase_create("config");
	tcase_set_timeout(tc, 10);
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_loop_test(tc, test_config_table, 0,
	    (int)(sizeof(rows) / sizeof(rows[0])));
	tcase_add_loop_test(tc, test_config_int_table, 0,
	    sizeof(int_rows) / sizeof(int_rows[0]));
	tcase_add_test(tc, test_config_int_clamped);
	tcase_add_test(tc, test_config_long_line);
	tcase_add_test(tc, test_config_pieces);
	tcase_add_test(tc, test_config_include);
	tcase_add_test(tc, test_config_include_here);
	tcase_add_test(tc, test_config_include_default_here);
	tcase_add_test(tc, test_config_relative_path);
	tcase_add_test(tc, test_config_set_option);
	tcase_add_test(tc, test_config_find_default);
	tcase_add_test(tc, test_config_diff);
	tcase_add_test(tc, test_config_program_block);
	tcase_add_test(tc, test_config_fcgi_socket_on_each_process);
	tcase_add_test(tc, test_config_diff_fcgi_socket_by_url_only);
	suite_add_tcase(s, tc);
	return s;
}
