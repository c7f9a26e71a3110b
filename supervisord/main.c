/*
 * supervisord: options, startup (limits, the pidfile, privileges,
 * daemonizing, the log), the one event loop with its signal watchers, and
 * the wiring: the model (supervisor.c) and who observes it (the API
 * behind the HTTP server, systemd's notify).  Programs and their state machine live in
 * program.c; reading the configuration in config.c.
 */
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/types.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <pwd.h>
#include <grp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <ev.h>

#include "libproc/reap.h"
#include "libproc/signame.h"
#include "libproc/spawn.h"
#include "supervisord/config.h"
#include "supervisord/events.h"
#include "supervisord/health.h"
#include "supervisord/metrics.h"
#include "supervisord/http.h"
#include "supervisord/listener.h"
#include "supervisord/log.h"
#include "supervisord/notify.h"
#include "supervisord/output.h"
#include "supervisord/pidfile.h"
#include "supervisord/program.h"
#include "supervisord/ready_sock.h"
#include "supervisord/reload.h"
#include "supervisord/rpc.h"
#include "supervisord/rpc_http.h"
#include "supervisord/sink.h"
#include "supervisord/status.h"
#include "supervisord/supervisor.h"
#include "supervisord/version.h"
#include "supervisord/webui.h"

extern char **environ;

#define MAX_OVERRIDES	32

/* The signals the loop handles, each with an ev_signal watcher. */
static const int sigs[] = {
	SIGCHLD, SIGTERM, SIGINT, SIGQUIT, SIGHUP, SIGUSR1, SIGUSR2,
};

/* The daemon: what main knows besides the model.  One, in main(). */
struct daemon {
	const char	*configfile;	/* as given, or found */
	bool		 configfile_owned;
	bool		 test_only;
	bool		 dump_only;
	struct {
		const char	*key;
		const char	*value;
	}		 overrides[MAX_OVERRIDES];
	size_t		 noverrides;
	const char	*infos[4];	/* startup notes, logged once open */
	size_t		 ninfos;
	struct rlimit	 child_nofile;	/* what children get */
	bool		 raised_nofile;	/* ours is higher than theirs */
	struct pidfile	 pf;
	struct supervisor sup;		/* the model */
	struct ev_loop	*loop;
	struct http_server *http;	/* NULL: no server configured */
	struct rpc	*rpc;
	struct web	*web;		/* the web page's state */
	struct health	*health;	/* GET /health's */
	struct metrics	*metrics;	/* GET /metrics' */
	struct evt_bus	 bus;		/* events */
	struct lsn	 lsn;		/* the listener pools */
	struct rsock	 rsock;		/* NOTIFY_SOCKET of ready=notify */
	ev_timer	 later;		/* an API's shutdown() or restart() */
	bool		 later_restart;
	ev_signal	 sigs[8];
	ev_periodic	 clockwatch;
};

static const char usage_text[] =
"supervisord -- run a set of applications as daemons.\n"
"\n"
"Usage: %s [options]\n"
"\n"
"Options:\n"
"-c/--configuration FILENAME -- configuration file path (searches if not given)\n"
"-n/--nodaemon -- run in the foreground (same as 'nodaemon=true' in config file)\n"
"-s/--silent -- no logs to stdout (maps to 'silent=true' in config file)\n"
"-h/--help -- print this usage message and exit\n"
"-v/--version -- print supervisord version number and exit\n"
"-u/--user USER -- run supervisord as this user (or numeric uid)\n"
"-m/--umask UMASK -- use this umask for daemon subprocess (default is 022)\n"
"-d/--directory DIRECTORY -- directory to chdir to when daemonized\n"
"-l/--logfile FILENAME -- use FILENAME as logfile path\n"
"-y/--logfile_maxbytes BYTES -- use BYTES to limit the max size of logfile\n"
"-z/--logfile_backups NUM -- number of backups to keep when max bytes reached\n"
"-e/--loglevel LEVEL -- use LEVEL as log level (debug,info,warn,error,critical)\n"
"-j/--pidfile FILENAME -- write a pid file for the daemon process to FILENAME\n"
"-i/--identifier STR -- identifier used for this instance of supervisord\n"
"-q/--childlogdir DIRECTORY -- the log directory for child process logs\n"
"-k/--nocleanup --  prevent the process from performing cleanup (removal of\n"
"                   old automatic child log files) at startup.\n"
"-a/--minfds NUM -- the minimum number of file descriptors for start success\n"
"-t/--strip_ansi -- strip ansi escape codes from process output\n"
"--minprocs NUM  -- the minimum number of processes available for start success\n"
"--profile_options OPTIONS -- accepted for compatibility, ignored\n"
"--test -- check the configuration, print a summary and exit (2 if invalid)\n"
"--dump-config -- print the parsed configuration as JSON and exit\n";

static void __attribute__((noreturn))
usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static void __attribute__((noreturn))
usage_error(const char *fmt, ...)
{
	va_list	ap;

	fputs("Error: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nFor help, use %s -h\n", "supervisord");
	exit(2);
}

enum {
	OPT_MINPROCS = 256,
	OPT_PROFILE,
	OPT_TEST,
	OPT_DUMP
};

static const struct option long_opts[] = {
	{ "configuration",	required_argument,	NULL, 'c' },
	{ "nodaemon",		no_argument,		NULL, 'n' },
	{ "silent",		no_argument,		NULL, 's' },
	{ "help",		no_argument,		NULL, 'h' },
	{ "version",		no_argument,		NULL, 'v' },
	{ "user",		required_argument,	NULL, 'u' },
	{ "umask",		required_argument,	NULL, 'm' },
	{ "directory",		required_argument,	NULL, 'd' },
	{ "logfile",		required_argument,	NULL, 'l' },
	{ "logfile_maxbytes",	required_argument,	NULL, 'y' },
	{ "logfile_backups",	required_argument,	NULL, 'z' },
	{ "loglevel",		required_argument,	NULL, 'e' },
	{ "pidfile",		required_argument,	NULL, 'j' },
	{ "identifier",		required_argument,	NULL, 'i' },
	{ "childlogdir",	required_argument,	NULL, 'q' },
	{ "nocleanup",		no_argument,		NULL, 'k' },
	{ "minfds",		required_argument,	NULL, 'a' },
	{ "strip_ansi",		no_argument,		NULL, 't' },
	{ "minprocs",		required_argument,	NULL, OPT_MINPROCS },
	{ "profile_options",	required_argument,	NULL, OPT_PROFILE },
	{ "test",		no_argument,		NULL, OPT_TEST },
	{ "dump-config",	no_argument,		NULL, OPT_DUMP },
	{ NULL, 0, NULL, 0 }
};

static const char *
opt_key(int c)
{
	switch (c) {
	case 'n': return "nodaemon";
	case 's': return "silent";
	case 'u': return "user";
	case 'm': return "umask";
	case 'd': return "directory";
	case 'l': return "logfile";
	case 'y': return "logfile_maxbytes";
	case 'z': return "logfile_backups";
	case 'e': return "loglevel";
	case 'j': return "pidfile";
	case 'i': return "identifier";
	case 'q': return "childlogdir";
	case 'k': return "nocleanup";
	case 'a': return "minfds";
	case 't': return "strip_ansi";
	case OPT_MINPROCS: return "minprocs";
	default: return NULL;
	}
}

/*
 * SUPERVISORD_SPAWN=fork: every spawn forks, as where the kernel refuses
 * the clone path (the path's probe is not even tried).  For tools that
 * cannot follow a clone sharing the fd table: valgrind, for one.
 */
static void
spawn_env(void)
{
	const char	*s = getenv("SUPERVISORD_SPAWN");

	if (s == NULL || *s == '\0' || strcmp(s, "auto") == 0)
		return;
	if (strcmp(s, "fork") != 0)
		usage_error("SUPERVISORD_SPAWN=%s: not 'fork' or 'auto'", s);
	proc_spawn_set_mode(PROC_SPAWN_FORK);
}

static void
parse_options(struct daemon *dm, int argc, char **argv)
{
	int	 c;

	opterr = 0;
	while ((c = getopt_long(argc, argv, ":c:nshvu:m:d:l:y:z:e:j:i:q:ka:t?",
	    long_opts, NULL)) != -1) {
		switch (c) {
		case 'c':
			dm->configfile = optarg;
			break;
		case 'h':
			printf(usage_text, "supervisord");
			exit(0);
		case 'v':
			printf("%s\n", SUPERVISORD_VERSION);
			exit(0);
		case OPT_TEST:
			dm->test_only = true;
			break;
		case OPT_DUMP:
			dm->dump_only = true;
			break;
		case OPT_PROFILE:
			break;
		case ':':
			usage_error("option %s requires argument",
			    argv[optind - 1]);
		case '?':
			if (optopt == '?' || optopt == 0) {
				if (optopt == '?') {
					printf(usage_text, "supervisord");
					exit(0);
				}
				usage_error("option %s not recognized",
				    argv[optind - 1]);
			}
			usage_error("option -%c not recognized", optopt);
		default:
			if (dm->noverrides < MAX_OVERRIDES) {
				dm->overrides[dm->noverrides].key = opt_key(c);
				dm->overrides[dm->noverrides].value =
				    optarg != NULL ? optarg : "true";
				dm->noverrides++;
			}
			break;
		}
	}
	if (optind < argc)
		usage_error("positional arguments are not supported: %s",
		    argv[optind]);
	spawn_env();
}

/* Append a malloc'ed message to m; -1 (m unchanged) if memory ran out. */
static int
msgs_push(struct cfg_msgs *m, const char *text)
{
	char	**v, *s;

	if ((s = strdup(text)) == NULL)
		return -1;
	if ((v = reallocarray(m->v, m->n + 1, sizeof(*v))) == NULL) {
		free(s);
		return -1;
	}
	m->v = v;
	m->v[m->n++] = s;
	return 0;
}

/* Load the file and apply the command line's overrides on top. */
static struct cfg *
load_config(void *arg, const struct cfg_keep *keep, struct cfg_msgs *errors)
{
	struct daemon	*dm = arg;
	struct cfg	*c;
	char		 err[512];
	size_t		 i;
	bool		 oom = false;

	memset(errors, 0, sizeof(*errors));
	if ((c = cfg_load_keep(dm->configfile, keep, errors)) == NULL)
		return NULL;
	for (i = 0; i < dm->noverrides && !oom; i++) {
		if (cfg_set_option(c, dm->overrides[i].key, dm->overrides[i].value,
		    err, sizeof(err)) == 0)
			continue;
		/* Not an accepted configuration, even with no message. */
		if (msgs_push(errors, err) == -1)
			oom = true;
	}
	if (oom || errors->n > 0) {
		cfg_free(c);
		return NULL;
	}
	/*
	 * As supervisor, which reads pidfile= only when it starts: a reload
	 * keeps the pidfile locked at startup.
	 */
	if (dm->pf.path != NULL && c->sd.pidfile != NULL &&
	    strcmp(c->sd.pidfile, dm->pf.path) != 0) {
		snprintf(err, sizeof(err), "%s: [supervisord] pidfile: %s "
		    "takes effect at the next start; %s stays locked until "
		    "then", dm->configfile, c->sd.pidfile, dm->pf.path);
		(void)msgs_push(&c->warnings, err);
	}
	return c;
}

/* set_rlimits could not raise a limit: supervisor's words, exit 2. */
static void __attribute__((noreturn))
rlimit_error(int res, long long want, long long hard)
{
	if (res == RLIMIT_NOFILE)
		usage_error("The minimum number of file descriptors required "
		    "to run this process is %lld as per the \"minfds\" "
		    "command-line argument or config file setting. The current "
		    "environment will only allow you to open %lld file "
		    "descriptors.  Either raise the number of usable file "
		    "descriptors in your environment (see README.rst) or lower "
		    "the minfds setting in the config file to allow the process "
		    "to start.", want, hard);
	usage_error("The minimum number of available processes required to "
	    "run this program is %lld as per the \"minprocs\" command-line "
	    "argument or config file setting. The current environment will "
	    "only allow you to open %lld processes.  Either raise the number "
	    "of usable processes in your environment (see README.rst) or "
	    "lower the minprocs setting in the config file to allow the "
	    "program to start.", want, hard);
}

/*
 * As supervisor's set_rlimits_or_exit: raise the soft limits to minfds and
 * minprocs, or refuse to start.  Then raise our own descriptor limit
 * further for what the configuration needs (three pipe ends and up to two
 * log files per process), while the children keep what supervisor would
 * have given them.
 */
static void
set_rlimits(struct daemon *dm, const struct cfg *c)
{
	static const int res[] = { RLIMIT_NOFILE, RLIMIT_NPROC };
	struct rlimit	 rl;
	rlim_t		 want, need, hard;
	long long	 n;
	size_t		 i;

	for (i = 0; i < 2; i++) {
		n = res[i] == RLIMIT_NOFILE ? c->sd.minfds : c->sd.minprocs;
		/* Below 1, no soft limit is below it (supervisor's test). */
		if (n < 1 || getrlimit(res[i], &rl) == -1)
			continue;
		want = (rlim_t)n;
		if (rl.rlim_cur != RLIM_INFINITY && rl.rlim_cur < want) {
			hard = rl.rlim_max;
			if (rl.rlim_max != RLIM_INFINITY && rl.rlim_max < want)
				rl.rlim_max = want;
			rl.rlim_cur = want;
			if (setrlimit(res[i], &rl) == -1)
				rlimit_error(res[i], (long long)want,
				    (long long)hard);
			dm->infos[dm->ninfos++] = res[i] == RLIMIT_NOFILE ?
			    "Increased RLIMIT_NOFILE limit" :
			    "Increased RLIMIT_NPROC limit";
		}
	}
	if (getrlimit(RLIMIT_NOFILE, &rl) == -1)
		return;
	dm->child_nofile = rl;
	need = (rlim_t)(c->nprograms * 5 + 64);
	if (rl.rlim_cur != RLIM_INFINITY && rl.rlim_cur < need) {
		rl.rlim_cur = rl.rlim_max == RLIM_INFINITY ? need :
		    (need < rl.rlim_max ? need : rl.rlim_max);
		if (setrlimit(RLIMIT_NOFILE, &rl) == 0)
			dm->raised_nofile = true;
	}
}

/* As supervisor's drop_privileges, for [supervisord] user=. */
static void
drop_privileges(const struct cfg *c)
{
	struct passwd	*pw;

	if (c->sd.user == NULL || !c->sd.has_uid)
		return;
	if (getuid() == c->sd.uid)
		return;
	if (getuid() != 0)
		usage_error("Can't drop privilege as nonroot user");
	if ((pw = getpwuid(c->sd.uid)) == NULL)
		usage_error("Can't find uid %d", (int)c->sd.uid);
	if (initgroups(pw->pw_name, pw->pw_gid) == -1)
		usage_error("Could not set groups of effective user");
	if (setgid(pw->pw_gid) == -1)
		usage_error("Could not set group id of effective user");
	if (setuid(c->sd.uid) == -1)
		usage_error("Could not set user id of effective user");
}

/*
 * Fork away from the caller.  The parent exits once the pidfile holds the
 * daemon's own pid (the child says so through a pipe, or by dying), so
 * that whoever started us (systemd's Type=forking, a script) reads the
 * right pid as soon as we return.
 */
static void
daemonize(struct daemon *dm, const struct cfg *c)
{
	char	b;
	pid_t	pid;
	int	fd, ready[2];

	if (pipe2(ready, O_CLOEXEC) == -1)
		usage_error("couldn't fork: %s", strerror(errno));
	if ((pid = fork()) == -1)
		usage_error("couldn't fork: %s", strerror(errno));
	if (pid != 0) {
		close(ready[1]);
		while (read(ready[0], &b, 1) == -1 && errno == EINTR)
			continue;
		_exit(0);
	}
	close(ready[0]);
	if (c->sd.directory != NULL && chdir(c->sd.directory) == -1)
		log_crit("can't chdir into '%s'", c->sd.directory);
	if ((fd = open("/dev/null", O_RDWR | O_CLOEXEC)) != -1) {
		dup2(fd, 0);
		dup2(fd, 1);
		dup2(fd, 2);
		if (fd > 2)
			close(fd);
	}
	setsid();
	umask((mode_t)c->sd.umask);
	/* If this fails, pf_report says so once the log is open. */
	(void)pf_update(&dm->pf);
	close(ready[1]);
}

static void
remove_matching(const char *dir, const char *pat)
{
	DIR		*dp;
	struct dirent	*de;

	if ((dp = opendir(dir)) == NULL)
		return;
	while ((de = readdir(dp)) != NULL) {
		if (strstr(de->d_name, pat) == NULL)
			continue;
		if (unlinkat(dirfd(dp), de->d_name, 0) == -1)
			log_warn("couldn't remove %s/%s", dir, de->d_name);
	}
	closedir(dp);
}

/* As supervisor's clear_autochildlogdir: old AUTO logs of this identifier. */
static void
clear_autochildlogdir(const struct cfg *c)
{
	char	*pat;

	if (c->sd.nocleanup || c->sd.childlogdir == NULL)
		return;
	if (asprintf(&pat, "---%s-", c->sd.identifier) == -1)
		return;
	remove_matching(c->sd.childlogdir, pat);
	free(pat);
}

static void
open_std_fds(void)
{
	int	fd;

	/* So that no pipe of ours lands on 0-2. */
	while ((fd = open("/dev/null", O_RDWR)) != -1 && fd <= 2)
		continue;
	if (fd > 2)
		close(fd);
}

static void
free_options(struct daemon *dm)
{
	if (dm->configfile_owned)
		free((char *)(uintptr_t)dm->configfile);
	dm->configfile = NULL;
}

static void
clock_cb(struct ev_loop *loop, ev_periodic *w, int revents)
{
	(void)loop;
	(void)w;
	(void)revents;
}

static void
sigchld_cb(struct ev_loop *loop, ev_signal *w, int revents)
{
	struct daemon	*dm = w->data;

	(void)loop;
	(void)revents;
	sup_reap(&dm->sup);
}

static void
status_dump(struct daemon *dm)
{
	struct st_dump_info	 info;

	memset(&info, 0, sizeof(info));
	info.configfile = dm->configfile;
	sink_dropped(&info.fwd_lines, &info.fwd_bytes);
	info.log_lost = log_lost();
	st_dump(&dm->sup, &info);
}

static void
signal_cb(struct ev_loop *loop, ev_signal *w, int revents)
{
	struct daemon	*dm = w->data;
	const char	*name;

	(void)loop;
	(void)revents;
	switch (w->signum) {
	case SIGTERM:
	case SIGINT:
	case SIGQUIT:
		if (dm->sup.shutting_down)
			break;
		name = proc_sig_name(w->signum);
		log_warnx("received SIG%s indicating exit request",
		    name != NULL ? name : "?");
		sup_shutdown(&dm->sup);
		break;
	case SIGHUP:
		if (dm->sup.shutting_down) {
			log_info("received SIGHUP during shutdown: ignored");
			break;
		}
		log_warnx("received SIGHUP indicating restart request");
		ntf_reloading();
		rl_reload(&dm->sup);
		if (dm->http != NULL) {
			/* New credentials apply at once; new sockets at
			 * the next start. */
			http_set_auths(dm->http, dm->sup.cfg);
			http_recheck(dm->http);
		}
		ntf_ready();
		break;
	case SIGUSR1:
		status_dump(dm);
		break;
	case SIGUSR2:
		log_info("received SIGUSR2 indicating log reopen request");
		if (log_reopen() == -1)
			log_warn("couldn't reopen the log file");
		sup_reopen_logs(&dm->sup);
		if (dm->http != NULL)
			http_recheck(dm->http);
		break;
	default:
		break;
	}
}

static void
start_signals(struct daemon *dm)
{
	sigset_t	mask;
	size_t		i;

	sigemptyset(&mask);
	for (i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++) {
		if (sigs[i] == SIGCHLD)
			ev_signal_init(&dm->sigs[i], sigchld_cb, SIGCHLD);
		else
			ev_signal_init(&dm->sigs[i], signal_cb, sigs[i]);
		dm->sigs[i].data = dm;
		ev_signal_start(dm->sup.loop, &dm->sigs[i]);
		sigaddset(&mask, sigs[i]);
	}
	/* Blocked since main began: what came meanwhile is delivered now,
	 * to libev's handlers. */
	sigprocmask(SIG_UNBLOCK, &mask, NULL);
}

/* What the sink (our stdout and stderr) has to say goes to the log. */
static void
sink_report(int level, const char *msg)
{
	log_msg(level, "%s", msg);
}

/* The API's shutdown() and restart(), run from the loop once the call
 * that asked has answered. */
static void
later_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct daemon	*dm = w->data;
	struct cfg_msgs	 errors;
	struct cfg	*nc;
	size_t		 i;

	(void)loop;
	(void)revents;
	if (!dm->later_restart) {
		sup_shutdown(&dm->sup);
		return;
	}
	dm->later_restart = false;
	if ((nc = dm->sup.load(dm->sup.load_arg, NULL, &errors)) == NULL) {
		for (i = 0; i < errors.n; i++)
			log_warnx("%s", errors.v[i]);
		cfg_msgs_free(&errors);
		log_warnx("restart refused: the configuration in force is kept");
		rpc_set_mood(dm->rpc, 1);
		return;
	}
	log_warnx("restart requested: every process restarts");
	ntf_reloading();
	rl_apply_groups(&dm->sup, nc, NULL, 0, true);
	if (dm->http != NULL)
		http_set_auths(dm->http, dm->sup.cfg);
	ntf_ready();
	rpc_set_mood(dm->rpc, 1);
}

static void
api_shutdown(void *arg)
{
	struct daemon	*dm = arg;

	log_warnx("received shutdown request over XML-RPC");
	rpc_set_mood(dm->rpc, -1);
	dm->later_restart = false;
	ev_timer_start(dm->loop, &dm->later);
}

static void
api_restart(void *arg)
{
	struct daemon	*dm = arg;

	if (dm->sup.shutting_down)
		return;
	rpc_set_mood(dm->rpc, 0);
	dm->later_restart = true;
	ev_timer_start(dm->loop, &dm->later);
}

static const char *
api_logfile(void *arg)
{
	struct daemon	*dm = arg;

	return dm->sup.cfg != NULL ? dm->sup.cfg->sd.logfile : NULL;
}

static void
api_reopen_log(void *arg)
{
	(void)arg;
	if (log_reopen() == -1)
		log_warn("couldn't reopen the log file");
}

static void
api_remote_comm(void *arg, const char *type, const char *data, size_t len)
{
	struct daemon	*dm = arg;

	(void)evt_remote(&dm->bus, type, data, len);
}

static void
api_stopping(void *arg)
{
	struct daemon	*dm = arg;

	rpc_set_mood(dm->rpc, -1);
}

/* The API and its routes, in supervisor's order: /RPC2, the tails, the
 * page.  0, or -1 (logged) when memory ran out. */
static int
start_api(struct daemon *dm)
{
	const struct rpc_hooks hooks = {
		.shutdown = api_shutdown, .restart = api_restart,
		.logfile = api_logfile, .reopen_log = api_reopen_log,
		.remote_comm = api_remote_comm, .arg = dm
	};
	struct sup_observer obs = {
		.changed = rpc_program_changed, .removed = rpc_program_gone
	};
	struct sup_observer mood = { .stopping = api_stopping, .arg = dm };

	if ((dm->rpc = rpc_new(&dm->sup)) == NULL) {
		log_crit("couldn't start the XML-RPC interface: out of memory");
		return -1;
	}
	rpc_set_hooks(dm->rpc, &hooks);
	obs.arg = dm->rpc;
	(void)sup_observe(&dm->sup, &obs);
	(void)sup_observe(&dm->sup, &mood);
	ev_timer_init(&dm->later, later_cb, 0., 0.);
	dm->later.data = dm;
	if (dm->http == NULL) {
		log_info("no [unix_http_server] nor [inet_http_server]: "
		    "supervisorctl cannot reach this daemon");
		return 0;
	}
	if (!dm->sup.cfg->has_rpcinterface)
		log_warnx("no [rpcinterface:supervisor] section: the "
		    "supervisor namespace is served anyway (supervisor "
		    "would answer UNKNOWN_METHOD), so that supervisorctl "
		    "works with a configuration written before it was "
		    "needed");
	log_info("RPC interface 'supervisor' initialized");
	if (rh_route(dm->http, dm->rpc) == -1 ||
	    (dm->web = web_routes(dm->http, dm->rpc, &dm->sup)) == NULL ||
	    (dm->health = health_route(dm->http, dm->rpc, &dm->sup)) ==
	    NULL ||
	    (dm->metrics = metrics_route(dm->http, &dm->sup)) == NULL) {
		log_crit("couldn't start the HTTP server: out of memory");
		return -1;
	}
	http_start(dm->http);
	return 0;
}

/* Run the loop on c (owned from now on) until shutdown; the exit code. */
static int
run(struct daemon *dm, struct cfg *c)
{
	const struct sup_observer ntf_obs = {
		.changed = ntf_changed, .stopping = ntf_stopping
	};
	struct proc_rlimit rl;
	struct ev_loop	*loop = dm->loop;
	char		 errbuf[512];
	size_t		 i;

	/*
	 * The spawn path's probe, and its window of low fds, before the
	 * log, the sockets and the programs' pipes take the low numbers:
	 * every spawn copies the fds below the window into the child.
	 */
	(void)proc_spawn_mode();
	sink_set_report(sink_report);
	if (log_open(c->sd.logfile, c->sd.logfile_maxbytes,
	    c->sd.logfile_backups, c->sd.loglevel,
	    c->sd.nodaemon && !c->sd.silent) == -1)
		log_warn("couldn't open log file %s", c->sd.logfile);
	log_debug("programs start through %s",
	    proc_spawn_mode() == PROC_SPAWN_CLONE ?
	    "clone(2) and close_range(2)" : "fork(2)");
	for (i = 0; i < c->warnings.n; i++)
		log_warnx("%s", c->warnings.v[i]);
	for (i = 0; i < dm->ninfos; i++)
		log_info("%s", dm->infos[i]);
	if (prctl(PR_SET_CHILD_SUBREAPER, 1) == -1)
		log_warn("couldn't become a child subreaper");
	clear_autochildlogdir(c);
	pf_report(&dm->pf, c->sd.pidfile);

	if (sup_init(&dm->sup, loop, c) == -1) {
		log_crit("couldn't start: out of memory");
		cfg_free(c);
		ev_loop_destroy(loop);
		return 2;
	}
	dm->sup.load = load_config;
	dm->sup.load_arg = dm;
	rl.resource = RLIMIT_NOFILE;
	rl.limit = dm->child_nofile;
	/* As supervisor: SUPERVISOR_SERVER_URL names the unix socket, or
	 * the inet server when there is no unix one. */
	sup_set_ctx(&dm->sup, environ, &rl, dm->raised_nofile ? 1 : 0,
	    dm->http != NULL ? http_serverurl(dm->http) : NULL);
	rsock_init(&dm->rsock, &dm->sup);
	dm->sup.ctx.notify_name = rsock_name;
	dm->sup.ctx.notify_arg = &dm->rsock;
	/* As supervisor, which fails to make such a group and exits. */
	if (sup_check_sockets(&dm->sup, errbuf, sizeof(errbuf)) == -1) {
		log_msg(LOGLEVEL_CRIT, "%s", errbuf);
		/* With -n (not -s) the log is on stdout already. */
		if (!c->sd.nodaemon || c->sd.silent)
			fprintf(stderr, "Error: %s\n", errbuf);
		if (dm->http != NULL)
			http_close(dm->http);
		dm->http = NULL;
		sup_free(&dm->sup);
		ev_loop_destroy(loop);
		pf_release(&dm->pf);
		log_close();
		return 2;
	}
	/*
	 * An ev_periodic gives libev a timerfd to notice clock jumps with;
	 * without one it wakes every ~60 s to check the clock itself.
	 */
	ev_periodic_init(&dm->clockwatch, clock_cb, 0., 86400. * 365, NULL);
	ev_periodic_start(loop, &dm->clockwatch);
	out_init(loop, c->sd.strip_ansi);
	start_signals(dm);
	(void)ntf_init(&dm->sup);
	(void)sup_observe(&dm->sup, &ntf_obs);
	/* The pools first: they take the events about their own group. */
	if (lsn_init(&dm->lsn, &dm->sup, &dm->bus) == -1 ||
	    evt_init(&dm->bus, &dm->sup) == -1)
		log_warnx("couldn't start the event listeners: too many "
		    "observers");
	if (start_api(dm) == -1) {
		http_close(dm->http);
		dm->http = NULL;
		web_free(dm->web);
		dm->web = NULL;
		health_free(dm->health);
		dm->health = NULL;
		metrics_free(dm->metrics);
		dm->metrics = NULL;
	}
	sup_add_all(&dm->sup);
	sup_trim_soon(&dm->sup);
	ntf_ready();

	ev_run(loop, 0);

	log_info("supervisord exiting");
	if (dm->http != NULL)
		http_close(dm->http);
	dm->http = NULL;
	web_free(dm->web);
	dm->web = NULL;
	health_free(dm->health);
	dm->health = NULL;
	metrics_free(dm->metrics);
	dm->metrics = NULL;
	ev_timer_stop(loop, &dm->later);
	rpc_free(dm->rpc);
	dm->rpc = NULL;
	ntf_close();
	for (i = 0; i < sizeof(dm->sigs) / sizeof(dm->sigs[0]); i++)
		if (dm->sigs[i].signum != 0)
			ev_signal_stop(loop, &dm->sigs[i]);
	ev_periodic_stop(loop, &dm->clockwatch);
	lsn_free(&dm->lsn);
	evt_free(&dm->bus);
	rsock_free(&dm->rsock);
	/* The configuration in force may be a reload's, not c. */
	sup_free(&dm->sup);
	out_shutdown(loop);
	ev_loop_destroy(loop);
	pf_release(&dm->pf);
	log_close();
	/* 0, or what an essential program's end said. */
	return dm->sup.exit_status;
}

int
main(int argc, char **argv)
{
	struct daemon	 dm;
	struct cfg_msgs	 errors;
	struct cfg	*c;
	char		 path[PATH_MAX * 8];
	size_t		 i;
	sigset_t	 mask;
	int		 rc;

	memset(&dm, 0, sizeof(dm));
	pf_init(&dm.pf);
	open_std_fds();
	signal(SIGPIPE, SIG_IGN);
	/*
	 * A daemon started with signals blocked would never see them; but
	 * the ones the loop handles stay blocked until their watchers have
	 * started (start_signals), so that a SIGTERM during startup waits
	 * for the loop and stops us cleanly instead of killing us.
	 */
	sigemptyset(&mask);
	for (i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		sigaddset(&mask, sigs[i]);
	sigprocmask(SIG_SETMASK, &mask, NULL);

	parse_options(&dm, argc, argv);
	if (dm.configfile == NULL) {
		if (cfg_find_default(path, sizeof(path)) == -1)
			usage_error("No config file found at default paths "
			    "(%s); use the -c option to specify a config file "
			    "at a different path", path);
		dm.configfile = strdup(path);
		dm.configfile_owned = true;
	}
	if ((c = load_config(&dm, NULL, &errors)) == NULL) {
		for (i = 0; i < errors.n; i++)
			fprintf(stderr, "%s\n", errors.v[i]);
		if (errors.n == 0)
			fprintf(stderr, "Error: out of memory reading %s\n",
			    dm.configfile);
		cfg_msgs_free(&errors);
		exit(2);
	}
	if (dm.test_only) {
		for (i = 0; i < c->warnings.n; i++)
			fprintf(stderr, "%s\n", c->warnings.v[i]);
		printf("%s: configuration OK: %zu group%s, %zu process%s\n",
		    dm.configfile, c->ngroups, c->ngroups == 1 ? "" : "s",
		    c->nprograms, c->nprograms == 1 ? "" : "es");
		cfg_free(c);
		free_options(&dm);
		return 0;
	}
	if (dm.dump_only) {
		cfg_dump_json(c, stdout);
		cfg_free(c);
		free_options(&dm);
		return 0;
	}
	set_rlimits(&dm, c);
	/* Before the socket: a second daemon must not replace the first's. */
	if (c->sd.pidfile != NULL && pf_lock(&dm.pf, c->sd.pidfile,
	    !c->sd.nodaemon, (mode_t)c->sd.umask, path, sizeof(path)) == -1)
		usage_error("%s", path);
	if ((dm.loop = ev_loop_new(EVFLAG_AUTO)) == NULL) {
		fprintf(stderr, "Error: couldn't create the event loop\n");
		exit(2);
	}
	/* As supervisord: the sockets' errors go to stderr, with chown=. */
	if ((c->unix_socket != NULL || c->inet_port != NULL) &&
	    (dm.http = http_open(dm.loop, c, path, sizeof(path))) == NULL)
		usage_error("%s", path);
	drop_privileges(c);
	/* As PID 1 (a container), forking away would end the container. */
	if (!c->sd.nodaemon && getpid() != 1) {
		daemonize(&dm, c);
		ev_loop_fork(dm.loop);
	}
	rc = run(&dm, c);
	free_options(&dm);
	return rc;
}
