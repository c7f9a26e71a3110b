/*
 * supervisord: options, startup (limits, privileges, daemonizing, the
 * log), the one event loop with its signal watchers, the reaper, the
 * status dump and the ordered shutdown.  Programs and their state machine
 * live in program.c; reading the configuration in config.c.
 */
#include <sys/file.h>
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
#include "supervisord/config.h"
#include "supervisord/control.h"
#include "supervisord/log.h"
#include "supervisord/notify.h"
#include "supervisord/output.h"
#include "supervisord/program.h"
#include "supervisord/reload.h"
#include "supervisord/main.h"

extern char **environ;

struct daemon	d;

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

static void
parse_options(int argc, char **argv)
{
	int	 c;

	opterr = 0;
	while ((c = getopt_long(argc, argv, ":c:nshvu:m:d:l:y:z:e:j:i:q:ka:t?",
	    long_opts, NULL)) != -1) {
		switch (c) {
		case 'c':
			d.configfile = optarg;
			break;
		case 'h':
			printf(usage_text, "supervisord");
			exit(0);
		case 'v':
			printf("%s\n", SUPERVISORD_VERSION);
			exit(0);
		case OPT_TEST:
			d.test_only = true;
			break;
		case OPT_DUMP:
			d.dump_only = true;
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
			if (d.noverrides < MAX_OVERRIDES) {
				d.overrides[d.noverrides].key = opt_key(c);
				d.overrides[d.noverrides].value =
				    optarg != NULL ? optarg : "true";
				d.noverrides++;
			}
			break;
		}
	}
	if (optind < argc)
		usage_error("positional arguments are not supported: %s",
		    argv[optind]);
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
struct cfg *
daemon_load_config(struct cfg_msgs *errors)
{
	struct cfg	*c;
	char		 err[512];
	size_t		 i;
	bool		 oom = false;

	memset(errors, 0, sizeof(*errors));
	if ((c = cfg_load(d.configfile, errors)) == NULL)
		return NULL;
	for (i = 0; i < d.noverrides && !oom; i++) {
		if (cfg_set_option(c, d.overrides[i].key, d.overrides[i].value,
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
	if (d.pidfile != NULL && c->sd.pidfile != NULL &&
	    strcmp(c->sd.pidfile, d.pidfile) != 0) {
		snprintf(err, sizeof(err), "%s: [supervisord] pidfile: %s "
		    "takes effect at the next start; %s stays locked until "
		    "then", d.configfile, c->sd.pidfile, d.pidfile);
		(void)msgs_push(&c->warnings, err);
	}
	/* --dump-config shows everything read; the daemon runs programs. */
	if (!d.dump_only)
		cfg_drop_unrun(c);
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
set_rlimits(const struct cfg *c)
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
			d.infos[d.ninfos++] = res[i] == RLIMIT_NOFILE ?
			    "Increased RLIMIT_NOFILE limit" :
			    "Increased RLIMIT_NPROC limit";
		}
	}
	if (getrlimit(RLIMIT_NOFILE, &rl) == -1)
		return;
	d.child_nofile = rl;
	need = (rlim_t)(c->nprograms * 5 + 64);
	if (rl.rlim_cur != RLIM_INFINITY && rl.rlim_cur < need) {
		rl.rlim_cur = rl.rlim_max == RLIM_INFINITY ? need :
		    (need < rl.rlim_max ? need : rl.rlim_max);
		if (setrlimit(RLIMIT_NOFILE, &rl) == 0)
			d.raised_nofile = true;
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

static void
daemonize(const struct cfg *c)
{
	pid_t	pid;
	int	fd;

	if ((pid = fork()) == -1)
		usage_error("couldn't fork: %s", strerror(errno));
	if (pid != 0)
		_exit(0);
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
}

/*
 * (Re)write our pid into the locked pidfile: at once, and again after the
 * daemonizing fork changed it.  0, or -1 with errno.
 */
static int
pidfile_write(void)
{
	char	 buf[32];
	int	 len;

	len = snprintf(buf, sizeof(buf), "%d\n", (int)getpid());
	if (ftruncate(d.pidfd, 0) == -1 ||
	    pwrite(d.pidfd, buf, (size_t)len, 0) != len)
		return -1;
	d.pidfile_pid = getpid();
	return 0;
}

/*
 * One daemon per configuration: the pidfile stays open and locked for the
 * daemon's life.  flock(2), not a fcntl record lock: it belongs to the open
 * file description, so it survives the daemonizing fork (the child keeps
 * the descriptor, and with it the lock, once the parent exits), and it is
 * not dropped when some other descriptor of the file is closed.  Taken
 * before the control socket is touched and before anything runs, so that
 * a second daemon on the same configuration neither spawns programs nor
 * replaces the first one's socket, even when that socket was deleted.
 * Opened without O_TRUNC: the pid in it is the running daemon's until the
 * lock says it is stale.  A pidfile that cannot be opened or locked is,
 * as in supervisor, not fatal: daemon_run says so, and that nothing then
 * stops a second daemon.
 */
static void
pidfile_lock(const struct cfg *c)
{
	struct stat	 fst, pst;
	const char	*path = c->sd.pidfile;
	char		 buf[32];
	ssize_t		 n;
	mode_t		 mask = 0;
	int		 fd, tries;

	if (path == NULL)
		return;
	for (tries = 0; tries < 100; tries++) {
		/* supervisor creates it after daemonize() set umask=. */
		if (!c->sd.nodaemon)
			mask = umask((mode_t)c->sd.umask);
		fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0666);
		if (!c->sd.nodaemon)
			umask(mask);
		if (fd == -1) {
			d.pidfile_err = errno;
			return;
		}
		while (flock(fd, LOCK_EX | LOCK_NB) == -1) {
			if (errno == EINTR)
				continue;
			if (errno != EWOULDBLOCK) {
				d.pidfile_err = errno;
				close(fd);
				return;
			}
			n = pread(fd, buf, sizeof(buf) - 1, 0);
			buf[n > 0 ? n : 0] = '\0';
			buf[strcspn(buf, "\n")] = '\0';
			close(fd);
			/* Empty between its open and its write. */
			if (buf[0] == '\0' ||
			    buf[strspn(buf, "0123456789")] != '\0')
				usage_error("another supervisord is already "
				    "running on this configuration: it holds "
				    "the lock on its pidfile %s", path);
			usage_error("another supervisord is already running "
			    "on this configuration, with pid %s: it holds the "
			    "lock on its pidfile %s", buf, path);
		}
		/* A daemon exiting may have unlinked it since our open. */
		if (fstat(fd, &fst) == 0 && stat(path, &pst) == 0 &&
		    fst.st_dev == pst.st_dev && fst.st_ino == pst.st_ino)
			break;
		close(fd);
		fd = -1;
	}
	if (fd == -1) {
		d.pidfile_err = EAGAIN;
		return;
	}
	if ((d.pidfile = strdup(path)) == NULL)
		usage_error("out of memory");
	d.pidfd = fd;
	/* If this fails, pidfile_report tries again and says so. */
	(void)pidfile_write();
}

/* In daemon_run, once the log is open: our final pid, or the warnings. */
static void
pidfile_report(const struct cfg *c)
{
	if (c->sd.pidfile == NULL)
		return;
	if (d.pidfd == -1) {
		errno = d.pidfile_err;
		log_crit("could not write pidfile %s: %s", c->sd.pidfile,
		    strerror(errno));
		log_warnx("pidfile %s is not locked: nothing stops a second "
		    "supervisord on this configuration", c->sd.pidfile);
		return;
	}
	if (d.pidfile_pid != getpid() && pidfile_write() == -1) {
		log_crit("could not write pidfile %s: %s", d.pidfile,
		    strerror(errno));
		return;
	}
	log_info("supervisord started with pid %d", (int)getpid());
}

/* At exit: remove the pidfile, if it is still ours, then drop the lock. */
static void
pidfile_release(void)
{
	struct stat	fst, pst;

	if (d.pidfd == -1)
		return;
	/* Unlinked while still locked, so no other daemon locks it first. */
	if (fstat(d.pidfd, &fst) == 0 && stat(d.pidfile, &pst) == 0 &&
	    fst.st_dev == pst.st_dev && fst.st_ino == pst.st_ino &&
	    unlink(d.pidfile) == -1)
		log_warn("couldn't remove pidfile %s", d.pidfile);
	close(d.pidfd);
	d.pidfd = -1;
	free(d.pidfile);
	d.pidfile = NULL;
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
	daemon_remove_matching(c->sd.childlogdir, pat);
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

int
main(int argc, char **argv)
{
	struct cfg_msgs	 errors;
	struct cfg	*c;
	char		 path[PATH_MAX * 8];
	size_t		 i;
	sigset_t	 none;

	d.pidfd = -1;
	open_std_fds();
	signal(SIGPIPE, SIG_IGN);
	/* A daemon started with signals blocked would never see them. */
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);

	parse_options(argc, argv);
	if (d.configfile == NULL) {
		if (cfg_find_default(path, sizeof(path)) == -1)
			usage_error("No config file found at default paths "
			    "(%s); use the -c option to specify a config file "
			    "at a different path", path);
		d.configfile = strdup(path);
		d.configfile_owned = true;
	}
	if ((c = daemon_load_config(&errors)) == NULL) {
		for (i = 0; i < errors.n; i++)
			fprintf(stderr, "%s\n", errors.v[i]);
		if (errors.n == 0)
			fprintf(stderr, "Error: out of memory reading %s\n",
			    d.configfile);
		cfg_msgs_free(&errors);
		exit(2);
	}
	if (d.test_only) {
		for (i = 0; i < c->warnings.n; i++)
			fprintf(stderr, "%s\n", c->warnings.v[i]);
		printf("%s: configuration OK: %zu group%s, %zu process%s\n",
		    d.configfile, c->ngroups, c->ngroups == 1 ? "" : "s",
		    c->nprograms, c->nprograms == 1 ? "" : "es");
		cfg_free(c);
		daemon_free_options();
		return 0;
	}
	if (d.dump_only) {
		cfg_dump_json(c, stdout);
		cfg_free(c);
		daemon_free_options();
		return 0;
	}
	set_rlimits(c);
	/* Before the socket: a second daemon must not replace the first's. */
	pidfile_lock(c);
	/* As supervisord: the socket's errors go to stderr, with chown=. */
	if (ctl_open(c, path, sizeof(path)) == -1)
		usage_error("%s", path);
	drop_privileges(c);
	/* As PID 1 (a container), forking away would end the container. */
	if (!c->sd.nodaemon && getpid() != 1)
		daemonize(c);
	return daemon_run(c);
}

void
daemon_free_options(void)
{
	if (d.configfile_owned)
		free((char *)(uintptr_t)d.configfile);
	d.configfile = NULL;
}

void
daemon_remove_matching(const char *dir, const char *pat)
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

static int
start_cmp(const struct sv_program *a, const struct sv_program *b)
{
	if (a->cfg->priority != b->cfg->priority)
		return a->cfg->priority < b->cfg->priority ? -1 : 1;
	return strcmp(a->cfg->name, b->cfg->name);
}

void
daemon_insert(struct sv_program *p)
{
	struct sv_program *q;

	TAILQ_FOREACH(q, &d.programs, entry) {
		if (start_cmp(p, q) < 0) {
			TAILQ_INSERT_BEFORE(q, p, entry);
			return;
		}
	}
	TAILQ_INSERT_TAIL(&d.programs, p, entry);
}

static struct sv_program *
find_pid(pid_t pid)
{
	struct sv_program *p;

	TAILQ_FOREACH(p, &d.programs, entry)
		if (p->pid == pid)
			return p;
	return NULL;
}

static void
sigchld_cb(struct ev_loop *loop, ev_signal *w, int revents)
{
	struct sv_program *p;
	char		 text[128];
	pid_t		 pid;
	int		 status;

	(void)loop;
	(void)w;
	(void)revents;
	while ((pid = proc_reap(&status)) > 0) {
		if ((p = find_pid(pid)) == NULL) {
			/* An orphan we adopted as subreaper. */
			log_debug("reaped unknown pid %d (%s)", (int)pid,
			    proc_exit_text(status, text, sizeof(text)));
			continue;
		}
		sv_exit(p, status);
	}
}

/*
 * One step of the shutdown: stop every process of the highest priority
 * value still up, all at once; the next step runs when they are at rest.
 */
static void
shutdown_step(void)
{
	struct sv_program *p;
	bool		 any = false;
	int		 prio = 0;

	if (d.in_step) {
		d.step_again = true;
		return;
	}
	d.in_step = true;
	do {
		d.step_again = false;
		any = false;
		TAILQ_FOREACH(p, &d.programs, entry) {
			if (sv_at_rest(p))
				continue;
			if (!any || p->cfg->priority > prio)
				prio = p->cfg->priority;
			any = true;
		}
		if (!any) {
			ev_break(d.loop, EVBREAK_ALL);
			break;
		}
		d.stop_priority = prio;
		TAILQ_FOREACH(p, &d.programs, entry) {
			if (p->cfg->priority == prio && !sv_at_rest(p) &&
			    p->state != SV_STOPPING)
				sv_event(p, SV_EV_STOP);
		}
	} while (d.step_again);
	d.in_step = false;
}

static void
on_rest(struct sv_program *p)
{
	if (d.shutting_down) {
		shutdown_step();
		return;
	}
	rl_program_at_rest(p);
}

static void
on_change(struct sv_program *p)
{
	ntf_changed();
	ctl_program_changed(p);
}

static void
begin_shutdown(int sig)
{
	struct sv_program *p;
	const char	*name = proc_sig_name(sig);

	if (d.shutting_down)
		return;
	if (sig != 0)
		log_warnx("received SIG%s indicating exit request",
		    name != NULL ? name : "?");
	d.shutting_down = true;
	ntf_stopping();
	/* No program starts again from now on, as supervisor's mood. */
	TAILQ_FOREACH(p, &d.programs, entry)
		p->want_up = false;
	shutdown_step();
}

/* From the control socket: supervisorctl shutdown. */
void
daemon_shutdown(void)
{
	if (!d.shutting_down)
		log_warnx("shutdown requested through the control socket");
	begin_shutdown(0);
}

static void
signal_cb(struct ev_loop *loop, ev_signal *w, int revents)
{
	struct sv_program *p;

	(void)loop;
	(void)revents;
	switch (w->signum) {
	case SIGTERM:
	case SIGINT:
	case SIGQUIT:
		begin_shutdown(w->signum);
		break;
	case SIGHUP:
		if (d.shutting_down) {
			log_info("received SIGHUP during shutdown: ignored");
			break;
		}
		log_warnx("received SIGHUP indicating restart request");
		ntf_reloading();
		rl_reload();
		ntf_ready();
		break;
	case SIGUSR1:
		ctl_status_dump();
		break;
	case SIGUSR2:
		log_info("received SIGUSR2 indicating log reopen request");
		if (log_reopen() == -1)
			log_warn("couldn't reopen the log file");
		TAILQ_FOREACH(p, &d.programs, entry)
			sv_reopen_logs(p);
		break;
	default:
		break;
	}
}

static void
clock_cb(struct ev_loop *loop, ev_periodic *w, int revents)
{
	(void)loop;
	(void)w;
	(void)revents;
}

static void
start_signals(void)
{
	static const int sigs[] = {
		SIGCHLD, SIGTERM, SIGINT, SIGQUIT, SIGHUP, SIGUSR1, SIGUSR2,
	};
	size_t	i;

	for (i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++) {
		if (sigs[i] == SIGCHLD)
			ev_signal_init(&d.sigs[i], sigchld_cb, SIGCHLD);
		else
			ev_signal_init(&d.sigs[i], signal_cb, sigs[i]);
		ev_signal_start(d.loop, &d.sigs[i]);
	}
}

/* Move the config's processes into programs; start the autostart ones. */
static void
create_programs(struct cfg *c)
{
	struct sv_program *p;
	size_t		 i;

	for (i = 0; i < c->nprograms; i++) {
		if ((p = sv_program_new(c->programs[i])) == NULL) {
			log_crit("couldn't create program");
			continue;
		}
		c->programs[i] = NULL;	/* moved: the program owns it now */
		daemon_insert(p);
	}
	TAILQ_FOREACH(p, &d.programs, entry)
		if (p->cfg->autostart)
			sv_event(p, SV_EV_START);
}

static void
free_programs(void)
{
	struct sv_program *p;

	while ((p = TAILQ_FIRST(&d.programs)) != NULL) {
		TAILQ_REMOVE(&d.programs, p, entry);
		sv_program_free(p);
	}
}

void
daemon_ctx_init(void)
{
	struct sv_ctx	 ctx;

	memset(&ctx, 0, sizeof(ctx));
	ctx.loop = d.loop;
	ctx.environ = environ;
	ctx.childlogdir = d.cfg->sd.childlogdir;
	ctx.identifier = d.cfg->sd.identifier;
	ctx.serverurl = ctl_serverurl();	/* as supervisor: the socket */
	ctx.on_rest = on_rest;
	ctx.on_change = on_change;
	if (d.raised_nofile) {
		ctx.rlimits[0].resource = RLIMIT_NOFILE;
		ctx.rlimits[0].limit = d.child_nofile;
		ctx.nrlimits = 1;
	}
	sv_init(&ctx);
}

int
daemon_run(struct cfg *c)
{
	size_t	i;

	d.cfg = c;
	d.started = time(NULL);
	TAILQ_INIT(&d.programs);
	if (log_open(c->sd.logfile, c->sd.logfile_maxbytes,
	    c->sd.logfile_backups, c->sd.loglevel,
	    c->sd.nodaemon && !c->sd.silent) == -1)
		log_warn("couldn't open log file %s", c->sd.logfile);
	for (i = 0; i < c->warnings.n; i++)
		log_warnx("%s", c->warnings.v[i]);
	for (i = 0; i < d.ninfos; i++)
		log_info("%s", d.infos[i]);
	if (prctl(PR_SET_CHILD_SUBREAPER, 1) == -1)
		log_warn("couldn't become a child subreaper");
	clear_autochildlogdir(c);
	pidfile_report(c);

	if ((d.loop = ev_loop_new(EVFLAG_AUTO)) == NULL) {
		log_crit("couldn't create the event loop");
		return 2;
	}
	/*
	 * An ev_periodic gives libev a timerfd to notice clock jumps with;
	 * without one it wakes every ~60 s to check the clock itself.
	 */
	ev_periodic_init(&d.clockwatch, clock_cb, 0., 86400. * 365, NULL);
	ev_periodic_start(d.loop, &d.clockwatch);
	out_init(d.loop, c->sd.strip_ansi);
	start_signals();
	(void)ntf_init(d.loop);
	daemon_ctx_init();
	create_programs(c);
	ctl_start(d.loop);
	ntf_ready();

	ev_run(d.loop, 0);

	log_info("supervisord exiting");
	ctl_close();
	free_programs();
	ntf_close();
	for (i = 0; i < sizeof(d.sigs) / sizeof(d.sigs[0]); i++)
		if (d.sigs[i].signum != 0)
			ev_signal_stop(d.loop, &d.sigs[i]);
	ev_periodic_stop(d.loop, &d.clockwatch);
	out_shutdown(d.loop);
	ev_loop_destroy(d.loop);
	/* c may have been replaced by a reload: d.pidfile is what we lock. */
	pidfile_release();
	cfg_free(d.cfg);
	d.cfg = NULL;
	log_close();
	daemon_free_options();
	return 0;
}
