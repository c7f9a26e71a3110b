/*
 * supervisorctl: the client of supervisord's XML-RPC interface, over
 * unix:// or http://.  It finds its server as supervisorctl 4.2.5 does
 * (-s, or serverurl= of [supervisorctl] in the configuration of -c or of
 * the default search; here also [unix_http_server] file= when no
 * serverurl is set), runs the words of its command line as one command,
 * prints what Python's supervisorctl prints and exits with its status.
 * This file reads the options and the configuration and runs the command
 * as Controller.onecmd does; the commands, the wire and the words live
 * in supervisorctl_*.c (see supervisorctl.h).
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "supervisord/config.h"
#include "supervisord/supervisorctl.h"

static const char usage_text[] =
"supervisorctl -- control applications run by supervisord from the cmd line.\n"
"\n"
"Usage: %s [options] [action [arguments]]\n"
"\n"
"Options:\n"
"-c/--configuration FILENAME -- configuration file path (searches if not given)\n"
"-h/--help -- print usage message and exit\n"
"-i/--interactive -- start an interactive shell after executing commands\n"
"-s/--serverurl URL -- URL on which supervisord server is listening\n"
"     (default \"http://localhost:9001\").\n"
"-u/--username USERNAME -- username to use for authentication with server\n"
"-p/--password PASSWORD -- password to use for authentication with server\n"
"-r/--history-file -- keep a readline history (if readline is available)\n"
"\n"
"action [arguments] -- see below\n"
"\n"
"Actions are commands like \"tail\" or \"stop\".  If -i is specified or no action is\n"
"specified on the command line, a \"shell\" interpreting actions typed\n"
"interactively is started.  Use the action \"help\" to find out about available\n"
"actions.\n"
"\n";

/* cmd.Cmd.print_topics of the default plugin's commands. */
static const char help_text[] =
"\n"
"default commands (type help <topic>):\n"
"=====================================\n"
"add    exit      open  reload  restart   start   tail   \n"
"avail  fg        pid   remove  shutdown  status  update \n"
"clear  maintail  quit  reread  signal    stop    version\n"
"\n";

/*
 * Our own commands, after supervisor's as a ctlplugin's topics would
 * come (print_topics under the plugin's name): supervisor's table above
 * stays as it is.
 */
static const char help_ours[] =
"\n"
"diff commands (type help <topic>):\n"
"==================================\n"
"health  rolling\n"
"\n";

/* Each help_NAME of supervisorctl.py, word for word. */
static const struct {
	const char	*name;
	const char	*text;
} helps[] = {
	{ "add", "add <name> [...]\tActivates any updates in config for "
	    "process/group\n" },
	{ "avail", "avail\t\t\tDisplay all configured processes\n" },
	{ "clear", "clear <name>\t\tClear a process' log files.\n"
	    "clear <name> <name>\tClear multiple process' log files\n"
	    "clear all\t\tClear all process' log files\n" },
	{ "exit", "exit\tExit the supervisor shell.\n" },
	{ "fg", "fg <process>\tConnect to a process in foreground mode\n"
	    "\t\tCtrl-C to exit\n" },
	/* Ours. */
	{ "health", "health\t\t\tExit 0 when every process is healthy, else "
	    "list those\n"
	    "\t\t\tthat are not and exit 1 (see supervisorctl(1))\n" },
	{ "maintail", "maintail -f \tContinuous tail of supervisor main log "
	    "file (Ctrl-C to exit)\n"
	    "maintail -100\tlast 100 *bytes* of supervisord main log file\n"
	    "maintail\tlast 1600 *bytes* of supervisor main log file\n\n" },
	{ "open", "open <url>\tConnect to a remote supervisord process.\n"
	    "\t\t(for UNIX domain socket, use unix:///socket/path)\n" },
	{ "pid", "pid\t\t\tGet the PID of supervisord.\n"
	    "pid <name>\t\tGet the PID of a single child process by name.\n"
	    "pid all\t\t\tGet the PID of every child process, one per "
	    "line.\n" },
	{ "quit", "quit\tExit the supervisor shell.\n" },
	{ "reload", "reload \t\tRestart the remote supervisord.\n" },
	/* Ours: a topic, not a command (restart --rolling). */
	{ "rolling", "restart --rolling <gname>:*\tRestart a group one process "
	    "at a time,\n"
	    "\t\t\teach RUNNING before the next is stopped; the first\n"
	    "\t\t\tthat does not come back ends it (see "
	    "supervisorctl(1))\n" },
	{ "remove", "remove <name> [...]\tRemoves process/group from active "
	    "config\n" },
	{ "reread", "reread \t\t\tReload the daemon's configuration files "
	    "without add/remove\n" },
	{ "restart", "restart <name>\t\tRestart a process\n"
	    "restart <gname>:*\tRestart all processes in a group\n"
	    "restart <name> <name>\tRestart multiple processes or groups\n"
	    "restart all\t\tRestart all processes\n"
	    "Note: restart does not reread config files. For that, see "
	    "reread and update.\n" },
	{ "shutdown", "shutdown \tShut the remote supervisord down.\n" },
	{ "signal", "signal <signal name> <name>\t\tSignal a process\n"
	    "signal <signal name> <gname>:*\t\tSignal all processes in a "
	    "group\n"
	    "signal <signal name> <name> <name>\tSignal multiple processes "
	    "or groups\n"
	    "signal <signal name> all\t\tSignal all processes\n" },
	{ "start", "start <name>\t\tStart a process\n"
	    "start <gname>:*\t\tStart all processes in a group\n"
	    "start <name> <name>\tStart multiple processes or groups\n"
	    "start all\t\tStart all processes\n" },
	{ "status", "status <name>\t\tGet status for a single process\n"
	    "status <gname>:*\tGet status for all processes in a group\n"
	    "status <name> <name>\tGet status for multiple named processes\n"
	    "status\t\t\tGet all process status info\n" },
	{ "stop", "stop <name>\t\tStop a process\n"
	    "stop <gname>:*\t\tStop all processes in a group\n"
	    "stop <name> <name>\tStop multiple processes or groups\n"
	    "stop all\t\tStop all processes\n" },
	{ "tail", "tail [-f] <name> [stdout|stderr] (default stdout)\n"
	    "Ex:\n"
	    "tail -f <name>\t\tContinuous tail of named process stdout\n"
	    "\t\t\tCtrl-C to exit.\n"
	    "tail -100 <name>\tlast 100 *bytes* of process stdout\n"
	    "tail <name> stderr\tlast 1600 *bytes* of process stderr\n" },
	{ "update", "update\t\t\tReload config and add/remove as necessary, "
	    "and will restart affected programs\n"
	    "update all\t\tReload config and add/remove as necessary, and "
	    "will restart affected programs\n"
	    "update <gname> [...]\tUpdate specific groups\n" },
	{ "version", "version\t\t\tShow the version of the remote "
	    "supervisord process\n" },
};

/*
 * What help NAME adds for our options after supervisorctl.py's text;
 * not printed with a usage error, which keeps Python's words.
 */
static const struct {
	const char	*name;
	const char	*text;
} helps_ours[] = {
	{ "avail", "avail --json\t\tThe same as a JSON array, every field of "
	    "getAllConfigInfo\n" },
	{ "status", "status --json ...\tThe same as a JSON array of "
	    "getProcessInfo structs\n" },
};

static void cmd_help(struct ctl *, const char *);
static void cmd_quit(struct ctl *, const char *);

static const struct {
	const char	*name;
	ctl_cmd_fn	*fn;
} cmds[] = {
	{ "EOF", cmd_quit },		/* Controller.do_EOF */
	{ "add", cmd_add },
	{ "avail", cmd_avail },
	{ "clear", cmd_clear },
	{ "exit", cmd_quit },
	{ "fg", cmd_fg },
	{ "health", cmd_health },
	{ "help", cmd_help },
	{ "maintail", cmd_maintail },
	{ "open", cmd_open },
	{ "pid", cmd_pid },
	{ "quit", cmd_quit },
	{ "reload", cmd_reload },
	{ "remove", cmd_remove },
	{ "reread", cmd_reread },
	{ "restart", cmd_restart },
	{ "shutdown", cmd_shutdown },
	{ "signal", cmd_signal },
	{ "start", cmd_start },
	{ "status", cmd_status },
	{ "stop", cmd_stop },
	{ "tail", cmd_tail },
	{ "update", cmd_update },
	{ "version", cmd_version },
};

void
ctl_out(const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
}

bool
ctl_help(const char *name)
{
	size_t	i;

	for (i = 0; i < sizeof(helps) / sizeof(helps[0]); i++)
		if (strcmp(helps[i].name, name) == 0) {
			fputs(helps[i].text, stdout);
			return true;
		}
	return false;
}

static void
cmd_help(struct ctl *c, const char *arg)
{
	size_t	i;

	(void)c;
	if (strcmp(arg, "help") == 0) {
		ctl_out("help\t\tPrint a list of available actions");
		ctl_out("help <action>\tPrint help for <action>");
	} else if (*arg == '\0') {
		fputs(help_text, stdout);
		fputs(help_ours, stdout);
	}
	else if (!ctl_help(arg))
		ctl_out("*** No help on %s", arg);
	else
		for (i = 0; i < sizeof(helps_ours) / sizeof(helps_ours[0]);
		    i++)
			if (strcmp(helps_ours[i].name, arg) == 0)
				fputs(helps_ours[i].text, stdout);
}

static void
cmd_quit(struct ctl *c, const char *arg)
{
	(void)c;
	(void)arg;
	ctl_out("%s", "");
}

static void __attribute__((noreturn))
oom(void)
{
	fputs("supervisorctl: out of memory\n", stderr);
	exit(1);
}

void *
ctl_keepmem(struct ctl *c, void *p)
{
	struct xr_val	**v, *w;

	if (c->nkept == c->capkept) {
		if ((v = reallocarray(c->kept, c->capkept * 2 + 16,
		    sizeof(*v))) == NULL)
			oom();
		c->kept = v;
		c->capkept = c->capkept * 2 + 16;
	}
	if (p == NULL)
		return NULL;
	/* An empty base64 value owns the block: freed with the rest. */
	if ((w = xr_string("", 0)) == NULL)
		oom();
	free(w->s);
	w->type = XR_BASE64;
	w->s = p;
	c->kept[c->nkept++] = w;
	return p;
}

/* Python's str.isspace() for ASCII, as str.split() and strip() use it. */
static bool
py_space(unsigned char ch)
{
	return ch == ' ' || (ch >= '\t' && ch <= '\r') ||
	    (ch >= 0x1c && ch <= 0x1f);
}

char **
ctl_split(struct ctl *c, const char *arg, size_t *np)
{
	char	**v, *s;
	size_t	 n = 0, len = strlen(arg);

	if ((v = malloc((len / 2 + 2) * sizeof(*v) + len + 1)) == NULL)
		oom();
	s = (char *)(v + len / 2 + 2);
	memcpy(s, arg, len + 1);
	for (;;) {
		while (py_space((unsigned char)*s))
			*s++ = '\0';
		if (*s == '\0')
			break;
		v[n++] = s;
		while (*s != '\0' && !py_space((unsigned char)*s))
			s++;
	}
	v[n] = NULL;
	if (np != NULL)
		*np = n;
	return ctl_keepmem(c, v);
}

struct xr_val *
ctl_args(const char *fmt, ...)
{
	struct xr_val	*a, *v;
	const char	*s;
	va_list		 ap;

	if ((a = xr_array()) == NULL)
		oom();
	va_start(ap, fmt);
	for (; *fmt != '\0'; fmt++) {
		if (*fmt == 's') {
			s = va_arg(ap, const char *);
			v = xr_string(s, strlen(s));
		} else if (*fmt == 'i')
			v = xr_int(va_arg(ap, int));
		else
			v = va_arg(ap, struct xr_val *);
		if (xr_push(a, v) == -1)
			oom();
	}
	va_end(ap);
	return a;
}

int
ctl_fault_code(const struct xr_val *fault)
{
	return (int)ctl_int(fault, "faultCode");
}

const char *
ctl_fault_text(const struct xr_val *fault)
{
	return ctl_str(fault, "faultString");
}

/* Python's repr() of a str. */
static void
str_repr(char *buf, size_t len, const char *s)
{
	char	 q = strchr(s, '\'') != NULL && strchr(s, '"') == NULL ?
		    '"' : '\'';
	size_t	 o = 0;
	int	 n;

	n = snprintf(buf, len, "%c", q);
	o = (size_t)n;
	for (; *s != '\0' && o + 6 < len; s++) {
		unsigned char ch = (unsigned char)*s;

		if (ch == (unsigned char)q || ch == '\\')
			o += (size_t)snprintf(buf + o, len - o, "\\%c", ch);
		else if (ch == '\n')
			o += (size_t)snprintf(buf + o, len - o, "\\n");
		else if (ch == '\r')
			o += (size_t)snprintf(buf + o, len - o, "\\r");
		else if (ch == '\t')
			o += (size_t)snprintf(buf + o, len - o, "\\t");
		else if (ch < 0x20 || ch == 0x7f)
			o += (size_t)snprintf(buf + o, len - o, "\\x%02x", ch);
		else
			buf[o++] = (char)ch;
	}
	snprintf(buf + o, len - o, "%c", q);
}

const char *
ctl_fault_str(const struct xr_val *fault, char *buf, size_t len)
{
	char	r[400];

	str_repr(r, sizeof(r), ctl_fault_text(fault));
	snprintf(buf, len, "<Fault %d: %s>", ctl_fault_code(fault), r);
	return buf;
}

const char *
ctl_str(const struct xr_val *st, const char *key)
{
	const struct xr_val *v = xr_member(st, key);

	return v != NULL && v->s != NULL ? v->s : "";
}

long long
ctl_int(const struct xr_val *st, const char *key)
{
	const struct xr_val *v = xr_member(st, key);

	if (v == NULL)
		return 0;
	if (v->type == XR_STRING && v->s != NULL)
		return strtoll(v->s, NULL, 10);
	return v->i;
}

void
ctl_raise_fault(struct ctl *c, const struct xr_val *fault)
{
	char	buf[512];

	ctl_out("error: <class 'xmlrpc.client.Fault'>, %s: file: "
	    "/usr/lib/python3.11/xmlrpc/client.py line: 668",
	    ctl_fault_str(fault, buf, sizeof(buf)));
	c->exitstatus = CTL_GENERIC;
	longjmp(*c->jb, 1);
}

void
ctl_raise_value(struct ctl *c, const char *text, const char *file, int line)
{
	ctl_out("error: <class 'ValueError'>, %s: file: %s line: %d", text,
	    file, line);
	c->exitstatus = CTL_GENERIC;
	longjmp(*c->jb, 1);
}

const char *
ctl_namespec(const char *group, const char *name, char *buf, size_t len)
{
	if (name != NULL && strcmp(group, name) == 0)
		snprintf(buf, len, "%s", name);
	else
		snprintf(buf, len, "%s:%s", group, name != NULL ? name :
		    "None");
	return buf;
}

void
ctl_split_namespec(struct ctl *c, const char *spec, const char **group,
    const char **name)
{
	char	*g, *colon;

	if ((g = strdup(spec)) == NULL)
		oom();
	ctl_keepmem(c, g);
	if ((colon = strchr(g, ':')) == NULL) {
		*group = *name = g;
		return;
	}
	*colon = '\0';
	*group = g;
	*name = colon[1] == '\0' || strcmp(colon + 1, "*") == 0 ? NULL :
	    colon + 1;
}

void
ctl_fault_status(struct ctl *c, int code, int ignored)
{
	if (code == ignored || code == F_SUCCESS)
		return;
	if (code == F_SPAWN_ERROR || code == F_ABNORMAL_TERMINATION ||
	    code == F_NOT_RUNNING)
		c->exitstatus = CTL_NOT_RUNNING;
	else
		c->exitstatus = CTL_GENERIC;
}

bool
ctl_upcheck(struct ctl *c)
{
	const struct xr_val *r;
	int	 rc;

	ctl_proxy(c);
	if ((rc = ctl_rpc_try(c, "supervisor.getVersion", NULL, &r)) == -1) {
		if (c->err == CTL_E_SOCKET && c->errnum == ECONNREFUSED) {
			ctl_out("%s refused connection", c->url);
			c->exitstatus = CTL_PRIVILEGES;
			return false;
		}
		if (c->err == CTL_E_SOCKET && c->errnum == ENOENT) {
			ctl_out("%s no such file", c->url);
			c->exitstatus = CTL_NOT_RUNNING;
			return false;
		}
		ctl_raise_err(c);
	}
	if (rc == F_UNKNOWN_METHOD) {
		ctl_out("Sorry, supervisord responded but did not recognize "
		    "the supervisor namespace commands that supervisorctl "
		    "uses to control it.  Please check that the "
		    "[rpcinterface:supervisor] section is enabled in the "
		    "configuration file (see sample.conf).");
		c->exitstatus = CTL_UNIMPLEMENTED;
		return false;
	}
	if (rc != 0)
		ctl_raise_fault(c, r);
	if (r->type != XR_STRING || strcmp(r->s, "3.0") != 0) {
		ctl_out("Sorry, this version of supervisorctl expects to talk "
		    "to a server with API version 3.0, but the remote version "
		    "is %s.", r->type == XR_STRING ? r->s : "?");
		c->exitstatus = CTL_NOT_INSTALLED;
		return false;
	}
	return true;
}

static void
kept_free(struct ctl *c)
{
	while (c->nkept > 0)
		xr_val_free(c->kept[--c->nkept]);
}

/* Run fn(arg) under the jump a raise takes; the jump's value. */
static int
run_guarded(struct ctl *c, ctl_cmd_fn *fn, const char *arg)
{
	jmp_buf	jb;
	int	rc;

	c->jb = &jb;
	if ((rc = setjmp(jb)) == 0)
		fn(c, arg);
	c->jb = NULL;
	return rc;
}

/*
 * Controller.onecmd with cmd.Cmd's parseline: the command is the
 * leading identifier characters, its argument the rest, stripped.  A 401
 * says "Server requires authentication" and runs the command again, as
 * the non-interactive path of onecmd does, which then raises.
 */
static void
onecmd(struct ctl *c, const char *text)
{
	const char	*arg, *e;
	char		*line, *name;
	ctl_cmd_fn	*fn = NULL;
	size_t		 i, n;

	while (py_space((unsigned char)*text))
		text++;
	n = strlen(text);
	while (n > 0 && py_space((unsigned char)text[n - 1]))
		n--;
	if (n == 0)
		return;
	if (*text == '?') {
		if (asprintf(&line, "help %.*s", (int)n - 1, text + 1) == -1)
			oom();
	} else if ((line = strndup(text, n)) == NULL)
		oom();
	for (e = line; (*e >= 'a' && *e <= 'z') || (*e >= 'A' && *e <= 'Z') ||
	    (*e >= '0' && *e <= '9') || *e == '_'; e++)
		;
	if ((name = strndup(line, (size_t)(e - line))) == NULL)
		oom();
	for (arg = e; py_space((unsigned char)*arg); arg++)
		;
	for (i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++)
		if (strcmp(cmds[i].name, name) == 0)
			fn = cmds[i].fn;
	if (*line == '!' || fn == NULL) {
		ctl_out("*** Unknown syntax: %s", line);
		c->exitstatus = CTL_GENERIC;
	} else if (run_guarded(c, fn, arg) == 2) {
		kept_free(c);
		ctl_out("Server requires authentication");
		c->exitstatus = CTL_GENERIC;
		c->retry = true;
		(void)run_guarded(c, fn, arg);
		c->retry = false;
	}
	kept_free(c);
	free(name);
	free(line);
}

/*
 * The client's sections of the configuration, read as the daemon reads
 * the file (cfg_ctl_load): a program section the daemon would refuse
 * does not keep the client from reaching a running daemon.
 */
static void
read_config(struct ctl *c, const char *file, const char *s_url,
    const char *s_user, const char *s_pass)
{
	char		 path[PATH_MAX * 8];
	struct cfg_msgs	 errs = { NULL, 0 };
	struct cfg_ctl	*cc = NULL;
	const char	*url, *user, *pass;
	size_t		 i;

	if (file == NULL && cfg_find_default(path, sizeof(path)) == 0)
		file = path;
	else if (file == NULL && s_url == NULL) {
		fprintf(stderr, "Error: No config file found at default paths "
		    "(%s); use the -c option to specify a config file at a "
		    "different path\n", path);
		exit(2);
	}
	if (file != NULL && (cc = cfg_ctl_load(file, &errs)) == NULL) {
		for (i = 0; i < errs.n; i++)
			fprintf(stderr, "Error: %s\n", errs.v[i]);
		if (errs.n == 0)
			fprintf(stderr, "Error: could not read config file "
			    "%s: out of memory\n", file);
		cfg_msgs_free(&errs);
		exit(2);
	}
	url = s_url != NULL ? s_url : cc != NULL ? cc->serverurl : NULL;
	user = cc != NULL ? cc->username : NULL;
	pass = cc != NULL ? cc->password : NULL;
	/* No serverurl anywhere: the daemon's own socket, its credentials. */
	if (url == NULL && cc != NULL && cc->unix_file != NULL) {
		if (asprintf(&c->url, "unix://%s", cc->unix_file) == -1)
			oom();
		if (user == NULL && pass == NULL) {
			user = cc->unix_username;
			pass = cc->unix_password;
		}
	} else if ((c->url = strdup(url != NULL ? url :
	    "http://localhost:9001")) == NULL)
		oom();
	if (s_user != NULL)
		user = s_user;
	if (s_pass != NULL)
		pass = s_pass;
	if ((user != NULL && (c->user = strdup(user)) == NULL) ||
	    (pass != NULL && (c->pass = strdup(pass)) == NULL))
		oom();
	cfg_ctl_free(cc);
}

/* datatypes.url: a scheme, then a netloc or a path. */
static bool
is_url(const char *s)
{
	size_t	n = strspn(s, "abcdefghijklmnopqrstuvwxyz"
		    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789+-.");

	if (n == 0 || s[n] != ':' || !((*s >= 'a' && *s <= 'z') ||
	    (*s >= 'A' && *s <= 'Z')))
		return false;
	s += n + 1;
	return *s != '\0' && *s != '?' && *s != '#';
}

static void	usage_error(const char *, const char *, ...)
		    __attribute__((noreturn, format(printf, 2, 3)));

static void
usage_error(const char *progname, const char *fmt, ...)
{
	va_list	ap;

	fputs("Error: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nFor help, use %s -h\n", progname);
	exit(2);
}

/* How getopt names a bad option: "-x", or "--name" without its value. */
static const char *
optname(const char *arg, int opt)
{
	static char	buf[256];

	if (strncmp(arg, "--", 2) != 0)
		snprintf(buf, sizeof(buf), "-%c", opt);
	else
		snprintf(buf, sizeof(buf), "%.*s", (int)strcspn(arg, "="),
		    arg);
	return buf;
}

int
main(int argc, char **argv)
{
	static const struct option long_opts[] = {
		{ "configuration",	required_argument,	NULL, 'c' },
		{ "help",		no_argument,		NULL, 'h' },
		{ "interactive",	no_argument,		NULL, 'i' },
		{ "serverurl",		required_argument,	NULL, 's' },
		{ "username",		required_argument,	NULL, 'u' },
		{ "password",		required_argument,	NULL, 'p' },
		{ "history_file",	required_argument,	NULL, 'r' },
		{ NULL, 0, NULL, 0 }
	};
	struct ctl	 c;
	const char	*file = NULL, *s_url = NULL, *s_user = NULL;
	const char	*s_pass = NULL;
	char		*line;
	size_t		 len;
	int		 ch, i, status;
	unsigned	 seen = 0, bit;
	int		 longidx = -1;

	memset(&c, 0, sizeof(c));
	c.fd = -1;
	c.progname = argv[0];
	opterr = 0;
	/* "+": the action's own options (tail -f) are not ours. */
	while ((ch = getopt_long(argc, argv, "+:c:his:u:p:r:", long_opts,
	    &longidx)) != -1) {
		/* Options.realize: a second -c, -s, -u, -p, -i or -r. */
		bit = ch == 'c' ? 1 : ch == 's' ? 2 : ch == 'u' ? 4 :
		    ch == 'p' ? 8 : ch == 'i' ? 16 : ch == 'r' ? 32 : 0;
		if (bit != 0 && (seen & bit) != 0 && (ch != 's' ||
		    is_url(optarg)))
			usage_error(argv[0], "conflicting command line option "
			    "'%s%s'", longidx >= 0 ? "--" : "-", longidx >= 0 ?
			    long_opts[longidx].name : (char []){ (char)ch, 0 });
		seen |= bit;
		longidx = -1;
		switch (ch) {
		case 'c':
			file = optarg;
			break;
		case 'h':
			printf(usage_text, argv[0]);
			return 0;
		case 'i':
		case 'r':
			break;
		case 's':
			if (!is_url(optarg))
				usage_error(argv[0], "invalid value for -s "
				    "'%s': value '%s' is not a URL", optarg,
				    optarg);
			s_url = optarg;
			break;
		case 'u':
			s_user = optarg;
			break;
		case 'p':
			s_pass = optarg;
			break;
		case ':':
			usage_error(argv[0], "option %s requires argument",
			    optname(argv[optind - 1], optopt));
		default:
			usage_error(argv[0], "option %s not recognized",
			    optname(argv[optind - 1], optopt));
		}
	}
	read_config(&c, file, s_url, s_user, s_pass);

	/* main(): " ".join(args); without any, status (there is no shell). */
	for (len = 1, i = optind; i < argc; i++)
		len += strlen(argv[i]) + 1;
	if ((line = malloc(len + 6)) == NULL)
		oom();
	strcpy(line, optind < argc ? "" : "status");
	for (i = optind; i < argc; i++) {
		if (i > optind)
			strcat(line, " ");
		strcat(line, argv[i]);
	}
	onecmd(&c, line);
	status = c.exitstatus;
	free(line);
	if (c.fd != -1)
		close(c.fd);
	free(c.rbuf);
	free(c.kept);
	free(c.url);
	free(c.user);
	free(c.pass);
	if (fflush(stdout) == EOF && errno != EPIPE)
		return 1;
	return status;
}
