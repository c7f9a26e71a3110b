/*
 * supervisorctl_proc: the commands on processes (status, start, stop,
 * restart, signal, clear, pid, tail, maintail, fg), as
 * DefaultControllerPlugin's do_* methods of supervisorctl 4.2.5 run
 * them: the same calls in the same order, the same words, the same exit
 * statuses, down to the errors it raises.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "supervisord/supervisorctl.h"

#define SV_CTL	"/usr/lib/python3/dist-packages/supervisor/supervisorctl.py"

/* Whether "all" is one of the words. */
static bool
has_all(char **names)
{
	for (; *names != NULL; names++)
		if (strcmp(*names, "all") == 0)
			return true;
	return false;
}

/* Print s padded with blanks to width characters (code points, as
 * Python's %-Ns counts). */
static void
pad(const char *s, size_t width)
{
	static const char blanks[] = "                                ";
	size_t	n = 0, k;
	const char *p;

	for (p = s; *p != '\0'; p++)
		if (((unsigned char)*p & 0xc0) != 0x80)
			n++;
	fwrite(s, 1, (size_t)(p - s), stdout);
	for (; n < width; n += k) {
		k = width - n < sizeof(blanks) - 1 ? width - n :
		    sizeof(blanks) - 1;
		fwrite(blanks, 1, k, stdout);
	}
}

static const char *
result_name(const struct xr_val *r, char *buf, size_t len)
{
	const struct xr_val *name = xr_member(r, "name");

	return ctl_namespec(ctl_str(r, "group"), name != NULL ? name->s :
	    NULL, buf, len);
}

static void
unknown_code(struct ctl *c, int code, const char *name, int line)
{
	char	text[512];

	snprintf(text, sizeof(text), "Unknown result code %d for %s", code,
	    name);
	ctl_raise_value(c, text, SV_CTL, line);
}

/* _startresult */
static void
start_result(struct ctl *c, const struct xr_val *r)
{
	static const struct { int code; const char *why; } words[] = {
		{ F_BAD_NAME, "no such process" },
		{ F_NO_FILE, "no such file" },
		{ F_NOT_EXECUTABLE, "file is not executable" },
		{ F_ALREADY_STARTED, "already started" },
		{ F_SPAWN_ERROR, "spawn error" },
		{ F_ABNORMAL_TERMINATION, "abnormal termination" },
	};
	char	name[1024];
	int	code = (int)ctl_int(r, "status");
	size_t	i;

	result_name(r, name, sizeof(name));
	for (i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		if (words[i].code == code) {
			ctl_out("%s: ERROR (%s)", name, words[i].why);
			return;
		}
	if (code != F_SUCCESS)
		unknown_code(c, code, name, 761);
	ctl_out("%s: started", name);
}

/* _signalresult, and _stopresult with success "stopped" */
static void
signal_result(struct ctl *c, const struct xr_val *r, const char *success)
{
	char	name[1024];
	int	code = (int)ctl_int(r, "status");

	result_name(r, name, sizeof(name));
	if (code == F_BAD_NAME)
		ctl_out("%s: ERROR (no such process)", name);
	else if (code == F_BAD_SIGNAL)
		ctl_out("%s: ERROR (bad signal name)", name);
	else if (code == F_NOT_RUNNING)
		ctl_out("%s: ERROR (not running)", name);
	else if (code == F_SUCCESS)
		ctl_out("%s: %s", name, success);
	else if (code == F_FAILED)
		ctl_out("%s", ctl_str(r, "description"));
	else
		unknown_code(c, code, name, 835);
}

/* _clearresult */
static void
clear_result(struct ctl *c, const struct xr_val *r)
{
	char	name[1024];
	int	code = (int)ctl_int(r, "status");

	result_name(r, name, sizeof(name));
	if (code == F_BAD_NAME)
		ctl_out("%s: ERROR (no such process)", name);
	else if (code == F_FAILED)
		ctl_out("%s: ERROR (failed)", name);
	else if (code == F_SUCCESS)
		ctl_out("%s: cleared", name);
	else
		unknown_code(c, code, name, 1260);
}

/* The error dict do_start and its siblings make of a fault. */
static struct xr_val *
fault_result(struct ctl *c, const struct xr_val *fault, const char *group,
    const char *name)
{
	struct xr_val	*r;

	if ((r = xr_struct()) == NULL ||
	    xr_put(r, "status", xr_int(ctl_fault_code(fault))) == -1 ||
	    xr_put(r, "name", name != NULL ? xr_string(name, strlen(name)) :
	    NULL) == -1 ||
	    xr_put(r, "group", xr_string(group, strlen(group))) == -1 ||
	    xr_put(r, "description", xr_string(ctl_fault_text(fault),
	    strlen(ctl_fault_text(fault)))) == -1) {
		fputs("supervisorctl: out of memory\n", stderr);
		exit(1);
	}
	ctl_keepmem(c, NULL);
	c->kept[c->nkept++] = r;
	return r;
}

/* The results of a group or all call, each worded and counted. */
static void
results(struct ctl *c, const struct xr_val *rs, int kind, int ignored)
{
	size_t	i;

	for (i = 0; rs != NULL && rs->type == XR_ARRAY && i < rs->n; i++) {
		if (kind == 's')
			start_result(c, rs->v[i]);
		else if (kind == 'p')
			signal_result(c, rs->v[i], "stopped");
		else if (kind == 'k')
			signal_result(c, rs->v[i], "signalled");
		else
			clear_result(c, rs->v[i]);
		ctl_fault_status(c, (int)ctl_int(rs->v[i], "status"), ignored);
	}
}

/* What status reads of each process's info. */
static const char *const status_keys[] = {
	"name", "group", "state", "statename", "description", NULL
};

/* _show_statuses: the namespecs padded to the longest, at least 30. */
static void
show_statuses(struct ctl *c, const struct xr_val *const *match, size_t n)
{
	char		 buf[1024], **specs;
	size_t		 i, j, k, width = 30;

	if ((specs = ctl_keepmem(c, calloc(n + 1, sizeof(*specs)))) == NULL)
		return;
	for (i = 0; i < n; i++) {
		result_name(match[i], buf, sizeof(buf));
		specs[i] = ctl_keepmem(c, strdup(buf));
		for (k = 0, j = 0; specs[i] != NULL && specs[i][j] != '\0';
		    j++)
			if (((unsigned char)specs[i][j] & 0xc0) != 0x80)
				k++;
		if (k > width)
			width = k;
	}
	for (i = 0; i < n; i++) {
		pad(specs[i] != NULL ? specs[i] : "", width + 3);
		pad(ctl_str(match[i], "statename"), 10);
		puts(ctl_str(match[i], "description"));
	}
}

/*
 * Print an unknown name as status does; with --json on stderr, so that
 * stdout holds only the array.
 */
static void
status_unknown(bool json, const char *group, const char *proc,
    const char *word)
{
	FILE	*fp = json ? stderr : stdout;

	if (proc == NULL)
		fprintf(fp, "%s: ERROR (no such group)\n", group);
	else
		fprintf(fp, "%s: ERROR (no such process)\n", word);
}

void
cmd_status(struct ctl *c, const char *arg)
{
	const struct xr_val *all, *info, **match;
	const char	*group, *proc;
	char		**names;
	size_t		 i, j, k, n = 0, nnames;
	bool		 bad, json;
	int		 rc;

	if (!ctl_upcheck(c)) {
		c->exitstatus = CTL_STATUS_UNKNOWN;
		return;
	}
	ctl_proxy(c);
	names = ctl_split(c, arg, &nnames);
	json = ctl_json_flag(names, &nnames);
	/*
	 * Our daemon's diff.getAllProcessStatus answers only these members,
	 * a third of the bytes to read; Python's knows only getAllProcessInfo.
	 * --json prints every member of getProcessInfo: it asks for them all.
	 */
	if (json)
		rc = ctl_rpc_try(c, "supervisor.getAllProcessInfo", NULL, &all);
	else if ((rc = ctl_rpc_keep(c, "diff.getAllProcessStatus", NULL,
	    status_keys, &all)) == F_UNKNOWN_METHOD)
		rc = ctl_rpc_keep(c, "supervisor.getAllProcessInfo", NULL,
		    status_keys, &all);
	if (rc == -1)
		ctl_raise_err(c);
	if (rc != 0)
		ctl_raise_fault(c, all);
	match = ctl_keepmem(c, calloc(all->n * (nnames + 1) + 1,
	    sizeof(*match)));
	if (match == NULL)
		return;
	for (i = 0; nnames == 0 || has_all(names) ? i < all->n : false; i++)
		match[n++] = all->v[i];
	for (k = 0; nnames > 0 && !has_all(names) && k < nnames; k++) {
		ctl_split_namespec(c, names[k], &group, &proc);
		bad = true;
		for (j = 0; j < all->n; j++) {
			info = all->v[j];
			if (strcmp(ctl_str(info, "group"), group) != 0 ||
			    (proc != NULL && strcmp(ctl_str(info, "name"),
			    proc) != 0))
				continue;
			bad = false;
			match[n++] = info;
		}
		if (!bad)
			continue;
		status_unknown(json, group, proc, names[k]);
		c->exitstatus = CTL_STATUS_UNKNOWN;
	}
	if (json)
		ctl_json_list(match, n, ctl_json_info);
	else
		show_statuses(c, match, n);
	for (i = 0; i < n; i++)
		switch (ctl_int(match[i], "state")) {
		case PS_STOPPED:
		case PS_EXITED:
		case PS_FATAL:
		case PS_UNKNOWN:
			c->exitstatus = CTL_STATUS_NOT_RUNNING;
			break;
		}
}

/*
 * Ours: the processes diff.health finds not healthy, as status prints
 * them, and "healthy" when there is none.  Exit 0 when healthy, 1 for
 * anything else, a daemon that cannot be asked included, so that a
 * probe (docker's HEALTHCHECK) needs to know one code.
 */
void
cmd_health(struct ctl *c, const char *arg)
{
	const struct xr_val *sick;
	int		 rc;

	if (*arg != '\0') {
		ctl_out("Error: health accepts no arguments");
		(void)ctl_help("health");
		c->exitstatus = CTL_GENERIC;
		return;
	}
	if (!ctl_upcheck(c)) {
		c->exitstatus = CTL_GENERIC;
		return;
	}
	ctl_proxy(c);
	rc = ctl_rpc_keep(c, "diff.health", NULL, status_keys, &sick);
	if (rc == F_UNKNOWN_METHOD) {
		ctl_out("Error: supervisord has no diff.health (it is not "
		    "this one: Python's?)");
		c->exitstatus = CTL_GENERIC;
		return;
	}
	if (rc == -1)
		ctl_raise_err(c);
	if (rc != 0)
		ctl_raise_fault(c, sick);
	if (sick->type != XR_ARRAY || sick->n == 0) {
		if (sick->type != XR_ARRAY)
			c->exitstatus = CTL_GENERIC;
		else
			ctl_out("healthy");
		return;
	}
	show_statuses(c, (const struct xr_val *const *)sick->v, sick->n);
	c->exitstatus = CTL_GENERIC;
}

/* do_start, do_stop, do_signal share their walk over the names. */
struct verb {
	const char	*all, *group, *one;	/* the methods */
	int		 kind;			/* for results() */
	int		 ignored;		/* a fault that is no error */
	int		 bad_group_status;
	const char	*done;			/* "started", ... */
};

static const struct verb v_start = {
	"supervisor.startAllProcesses", "supervisor.startProcessGroup",
	"supervisor.startProcess", 's', F_ALREADY_STARTED, CTL_INVALID_ARGS,
	"started"
};
static const struct verb v_stop = {
	"supervisor.stopAllProcesses", "supervisor.stopProcessGroup",
	"supervisor.stopProcess", 'p', F_NOT_RUNNING, CTL_GENERIC, "stopped"
};
static const struct verb v_signal = {
	"supervisor.signalAllProcesses", "supervisor.signalProcessGroup",
	"supervisor.signalProcess", 'k', -1, CTL_GENERIC, "signalled"
};

static void
walk(struct ctl *c, const struct verb *v, char **names, const char *sig)
{
	const struct xr_val *r, *e;
	const char	*group, *proc;
	char		 buf[1024];
	int		 rc;

	if (has_all(names)) {
		if (ctl_rpc(c, v->all, sig != NULL ? ctl_args("s", sig) : NULL,
		    &r) != 0)
			ctl_raise_fault(c, r);
		results(c, r, v->kind, v->ignored);
		return;
	}
	for (; *names != NULL; names++) {
		ctl_split_namespec(c, *names, &group, &proc);
		if (proc == NULL) {
			rc = ctl_rpc(c, v->group, sig != NULL ?
			    ctl_args("ss", group, sig) : ctl_args("s", group),
			    &r);
			if (rc == 0) {
				results(c, r, v->kind, v->ignored);
				continue;
			}
			if (v != &v_signal)
				c->exitstatus = v != &v_start ||
				    rc != F_BAD_NAME ? CTL_GENERIC :
				    CTL_INVALID_ARGS;
			if (rc != F_BAD_NAME)
				ctl_raise_fault(c, r);
			ctl_out("%s: ERROR (no such group)", group);
			c->exitstatus = v->bad_group_status;
			continue;
		}
		rc = ctl_rpc(c, v->one, sig != NULL ? ctl_args("ss", *names,
		    sig) : ctl_args("s", *names), &r);
		if (rc != 0) {
			e = fault_result(c, r, group, proc);
			if (v == &v_start)
				start_result(c, e);
			else
				signal_result(c, e, v->done);
			ctl_fault_status(c, rc, v->ignored);
		} else
			ctl_out("%s: %s", ctl_namespec(group, proc, buf,
			    sizeof(buf)), v->done);
	}
}

void
cmd_start(struct ctl *c, const char *arg)
{
	char	**names;
	size_t	 n;

	if (!ctl_upcheck(c))
		return;
	names = ctl_split(c, arg, &n);
	ctl_proxy(c);
	if (n == 0) {
		ctl_out("Error: start requires a process name");
		c->exitstatus = CTL_INVALID_ARGS;
		ctl_help("start");
		return;
	}
	walk(c, &v_start, names, NULL);
}

void
cmd_stop(struct ctl *c, const char *arg)
{
	char	**names;
	size_t	 n;

	if (!ctl_upcheck(c))
		return;
	names = ctl_split(c, arg, &n);
	ctl_proxy(c);
	if (n == 0) {
		ctl_out("Error: stop requires a process name");
		c->exitstatus = CTL_GENERIC;
		ctl_help("stop");
		return;
	}
	walk(c, &v_stop, names, NULL);
}

void
cmd_signal(struct ctl *c, const char *arg)
{
	char	**args;
	size_t	 n;

	if (!ctl_upcheck(c))
		return;
	args = ctl_split(c, arg, &n);
	if (n < 2) {
		ctl_out("Error: signal requires a signal name and a process "
		    "name");
		ctl_help("signal");
		c->exitstatus = CTL_GENERIC;
		return;
	}
	ctl_proxy(c);
	walk(c, &v_signal, args + 1, args[0]);
}

/*
 * restart --rolling NAME... (ours): diff.rollingRestart for each, its
 * stops and starts worded as restart's; the first that fails ends it.
 */
static void
restart_rolling(struct ctl *c, char **names, size_t n)
{
	const struct xr_val *r, *it;
	const char	*group, *proc;
	char		 buf[1024];
	size_t		 i, j;
	int		 rc, code = F_SUCCESS;

	if (n == 0) {
		ctl_out("Error: restart --rolling requires a group or process "
		    "name");
		c->exitstatus = CTL_GENERIC;
		ctl_help("restart");
		return;
	}
	ctl_proxy(c);
	for (i = 0; i < n && code == F_SUCCESS; i++) {
		ctl_split_namespec(c, names[i], &group, &proc);
		if ((rc = ctl_rpc(c, "diff.rollingRestart",
		    ctl_args("s", names[i]), &r)) != 0) {
			if (rc == F_UNKNOWN_METHOD) {
				ctl_out("Error: this supervisord has no "
				    "rolling restart (diff.rollingRestart)");
				c->exitstatus = CTL_GENERIC;
				return;
			}
			if (proc == NULL && rc == F_BAD_NAME) {
				ctl_out("%s: ERROR (no such group)", group);
				c->exitstatus = CTL_INVALID_ARGS;
				return;
			}
			if (proc == NULL)
				ctl_raise_fault(c, r);
			start_result(c, fault_result(c, r, group, proc));
			ctl_fault_status(c, rc, -1);
			return;
		}
		for (j = 0; r != NULL && r->type == XR_ARRAY && j < r->n; j++) {
			it = r->v[j];
			code = (int)ctl_int(it, "status");
			if (strcmp(ctl_str(it, "action"), "start") == 0)
				start_result(c, it);
			else
				signal_result(c, it, "stopped");
			ctl_fault_status(c, code, -1);
		}
		if (code != F_SUCCESS) {
			result_name(it, buf, sizeof(buf));
			ctl_out("%s: rolling restart stopped at %s: what "
			    "follows it is left as it was", names[i], buf);
		}
	}
}

void
cmd_restart(struct ctl *c, const char *arg)
{
	char	**names;
	size_t	n;

	if (!ctl_upcheck(c))
		return;
	names = ctl_split(c, arg, &n);
	if (n > 0 && strcmp(names[0], "--rolling") == 0) {
		restart_rolling(c, names + 1, n - 1);
		return;
	}
	if (n == 0) {
		ctl_out("Error: restart requires a process name");
		c->exitstatus = CTL_GENERIC;
		ctl_help("restart");
		return;
	}
	cmd_stop(c, arg);
	cmd_start(c, arg);
}

void
cmd_clear(struct ctl *c, const char *arg)
{
	const struct xr_val *r;
	const char	*group, *proc;
	char		**names, buf[1024];
	size_t		 n;
	int		 rc;

	if (!ctl_upcheck(c))
		return;
	names = ctl_split(c, arg, &n);
	if (n == 0) {
		ctl_out("Error: clear requires a process name");
		c->exitstatus = CTL_GENERIC;
		ctl_help("clear");
		return;
	}
	ctl_proxy(c);
	if (has_all(names)) {
		if (ctl_rpc(c, "supervisor.clearAllProcessLogs", NULL, &r) != 0)
			ctl_raise_fault(c, r);
		results(c, r, 'c', -1);
		return;
	}
	for (; *names != NULL; names++) {
		ctl_split_namespec(c, *names, &group, &proc);
		if ((rc = ctl_rpc(c, "supervisor.clearProcessLogs",
		    ctl_args("s", *names), &r)) != 0) {
			clear_result(c, fault_result(c, r, group, proc));
			ctl_fault_status(c, rc, -1);
		} else
			ctl_out("%s: cleared", ctl_namespec(group, proc, buf,
			    sizeof(buf)));
	}
}

void
cmd_pid(struct ctl *c, const char *arg)
{
	const struct xr_val *r;
	char	**names;
	size_t	 n, i;
	int	 rc;

	ctl_proxy(c);
	if (!ctl_upcheck(c))
		return;
	names = ctl_split(c, arg, &n);
	if (n == 0) {
		if (ctl_rpc(c, "supervisor.getPID", NULL, &r) != 0)
			ctl_raise_fault(c, r);
		ctl_out("%lld", r->i);
		return;
	}
	if (has_all(names)) {
		if (ctl_rpc(c, "supervisor.getAllProcessInfo", NULL, &r) != 0)
			ctl_raise_fault(c, r);
		for (i = 0; i < r->n; i++)
			ctl_out("%lld", ctl_int(r->v[i], "pid"));
		return;
	}
	for (; *names != NULL; names++) {
		rc = ctl_rpc(c, "supervisor.getProcessInfo",
		    ctl_args("s", *names), &r);
		if (rc != 0) {
			c->exitstatus = CTL_GENERIC;
			if (rc != F_BAD_NAME)
				ctl_raise_fault(c, r);
			ctl_out("No such process %s", *names);
			continue;
		}
		ctl_out("%lld", ctl_int(r, "pid"));
		if (ctl_int(r, "pid") == 0)
			c->exitstatus = CTL_NOT_RUNNING;
	}
}

/* Python's int() of an argument: -1 if it is not one. */
static int
py_int(const char *s, long long *v)
{
	char	buf[64], *e;
	size_t	o = 0;

	while (*s == ' ' || *s == '\t')
		s++;
	for (; *s != '\0' && o + 1 < sizeof(buf); s++) {
		/* An underscore only between digits. */
		if (*s == '_' && o > 0 && buf[o - 1] >= '0' &&
		    buf[o - 1] <= '9' && s[1] >= '0' && s[1] <= '9')
			continue;
		buf[o++] = *s;
	}
	buf[o] = '\0';
	while (o > 0 && (buf[o - 1] == ' ' || buf[o - 1] == '\t'))
		buf[--o] = '\0';
	if (o == 0 || strspn(buf + (buf[0] == '-' || buf[0] == '+'),
	    "0123456789") != o - (buf[0] == '-' || buf[0] == '+') ||
	    o == (size_t)(buf[0] == '-' || buf[0] == '+'))
		return -1;
	*v = strtoll(buf, &e, 10);
	return 0;
}

static void
tailf(struct ctl *c, const char *path)
{
	const char *paths[1] = { path };

	ctl_out("==> Press Ctrl-C to exit <==");
	fflush(stdout);
	ctl_tailf(c, paths, 1, NULL);
}

/* A log's text as output() prints it, or the fault's words. */
static void
read_log(struct ctl *c, const char *method, struct xr_val *args,
    const char *who, bool process)
{
	const struct xr_val *r;
	int	 rc;

	if ((rc = ctl_rpc(c, method, args, &r)) == 0) {
		fwrite(r->s != NULL ? r->s : "", 1, r->s != NULL ? r->len : 0,
		    stdout);
		putchar('\n');
		return;
	}
	c->exitstatus = CTL_GENERIC;
	if (rc == F_NO_FILE)
		ctl_out("%s: ERROR (no log file)", who);
	else if (rc == F_FAILED)
		ctl_out("%s: ERROR (unknown error reading log)", who);
	else if (rc == F_BAD_NAME && process)
		ctl_out("%s: ERROR (no such process name)", who);
	else
		ctl_raise_fault(c, r);
}

void
cmd_tail(struct ctl *c, const char *arg)
{
	char		**args, *mod = NULL, path[4200];
	const char	*name, *channel = "stdout";
	long long	 bytes = 1600;
	size_t		 n;
	bool		 follow = false;

	if (!ctl_upcheck(c))
		return;
	args = ctl_split(c, arg, &n);
	if (n < 1 || n > 3) {
		ctl_out(n < 1 ? "Error: too few arguments" :
		    "Error: too many arguments");
		c->exitstatus = CTL_GENERIC;
		ctl_help("tail");
		return;
	}
	if (args[0][0] == '-') {
		mod = args[0];
		args++;
		n--;
	}
	if (n == 0) {
		ctl_out("Error: tail requires process name");
		c->exitstatus = CTL_GENERIC;
		return;
	}
	name = n == 1 ? args[0] : args[0];
	if (n > 1) {
		channel = args[n - 1];
		for (char *p = args[n - 1]; *p != '\0'; p++)
			if (*p >= 'A' && *p <= 'Z')
				*p += 'a' - 'A';
		if (strcmp(channel, "stderr") != 0 &&
		    strcmp(channel, "stdout") != 0) {
			ctl_out("Error: bad channel '%s'", channel);
			c->exitstatus = CTL_GENERIC;
			return;
		}
	}
	if (mod != NULL) {
		if (strcmp(mod + 1, "f") == 0)
			follow = true;
		else if (py_int(mod + 1, &bytes) == -1) {
			ctl_out("Error: bad argument %s", mod);
			c->exitstatus = CTL_GENERIC;
			return;
		}
	}
	ctl_proxy(c);
	if (follow) {
		snprintf(path, sizeof(path), "/logtail/%s/%s", name, channel);
		tailf(c, path);
		return;
	}
	read_log(c, strcmp(channel, "stdout") == 0 ?
	    "supervisor.readProcessStdoutLog" :
	    "supervisor.readProcessStderrLog",
	    ctl_args("svv", name, xr_int(-bytes), xr_int(0)), name, true);
}

void
cmd_maintail(struct ctl *c, const char *arg)
{
	char		**args;
	long long	 bytes = 1600;
	size_t		 n;

	if (!ctl_upcheck(c))
		return;
	args = ctl_split(c, arg, &n);
	if (n > 1) {
		ctl_out("Error: too many arguments");
		c->exitstatus = CTL_GENERIC;
		ctl_help("maintail");
		return;
	}
	if (n == 1) {
		if (args[0][0] == '-' && strcmp(args[0] + 1, "f") == 0) {
			tailf(c, "/mainlogtail");
			return;
		}
		if (args[0][0] != '-' || py_int(args[0] + 1, &bytes) == -1) {
			ctl_out("Error: bad argument %s", args[0]);
			c->exitstatus = CTL_GENERIC;
			return;
		}
	}
	ctl_proxy(c);
	read_log(c, "supervisor.readLog", ctl_args("vv", xr_int(-bytes),
	    xr_int(0)), "supervisord", false);
}

void
cmd_fg(struct ctl *c, const char *arg)
{
	const struct xr_val *r;
	const char	*paths[2];
	char		**names, buf[512], out[4200], err[4200];
	size_t		 n;
	int		 rc;

	if (!ctl_upcheck(c))
		return;
	names = ctl_split(c, arg, &n);
	if (n == 0) {
		ctl_out("ERROR: no process name supplied");
		c->exitstatus = CTL_GENERIC;
		ctl_help("fg");
		return;
	}
	if (n > 1) {
		ctl_out("ERROR: too many process names supplied");
		c->exitstatus = CTL_GENERIC;
		return;
	}
	ctl_proxy(c);
	rc = ctl_rpc(c, "supervisor.getProcessInfo", ctl_args("s", names[0]),
	    &r);
	if (rc == F_BAD_NAME) {
		ctl_out("ERROR: bad process name supplied");
		c->exitstatus = CTL_GENERIC;
		return;
	}
	if (rc != 0) {
		ctl_out("ERROR: %s", ctl_fault_str(r, buf, sizeof(buf)));
		return;
	}
	if (ctl_int(r, "state") != PS_RUNNING) {
		ctl_out("ERROR: process not running");
		c->exitstatus = CTL_GENERIC;
		return;
	}
	ctl_out("==> Press Ctrl-C to exit <==");
	fflush(stdout);
	snprintf(out, sizeof(out), "/logtail/%s/stdout", names[0]);
	snprintf(err, sizeof(err), "/logtail/%s/stderr", names[0]);
	paths[0] = out;
	paths[1] = err;
	ctl_tailf(c, paths, 2, names[0]);
}
