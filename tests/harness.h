/*
 * harness: run the built supervisord as a black box and look at it from
 * outside: its files, its log, signals and /proc.
 *
 * Each test makes a fresh temporary directory with th_new(), writes a
 * configuration there, starts $SUPERVISORD in its own process group and
 * waits for lines in its log with a deadline, polling every 10 ms.  The
 * test process is the daemon's parent; the daemon gets SIGTERM if the test
 * process dies (a failed assertion ends a forked Check test at once).
 *
 * Cleanup has two layers.  th_free() on the passing path stops the daemon,
 * kills by pid whatever it spawned that is still alive (each program runs
 * in its own session, out of reach of any group kill of ours) and removes
 * the directory.  A test that failed or timed out never reaches th_free():
 * th_fixture_teardown(), an unchecked fixture run in the runner process
 * after each TCase, finds its directory, prints the daemon's log and
 * output, kills the same way, and keeps the directory for inspection.
 * A pid is killed only if /proc/PID/stat shows it started no earlier than
 * the test process, so a recycled pid is left alone.
 */
#ifndef TESTS_HARNESS_H
#define TESTS_HARNESS_H

#include <sys/types.h>
#include <signal.h>
#include <stdbool.h>
#include <stddef.h>

#include <check.h>

struct th;

/* How th_start_opts() starts the daemon. */
struct th_opts {
	sigset_t	 ignore;	/* signals set to SIG_IGN before exec */
	sigset_t	 block;		/* signals blocked before exec */
};

/* TCase fixtures (tcase_add_unchecked_fixture) for every integration
 * TCase: the setup names this run's root directory, the teardown cleans
 * up after the tests of the TCase that did not reach th_free(). */
void	 th_fixture_setup(void);
void	 th_fixture_teardown(void);

/* A TCase with the fixtures above and a timeout in seconds. */
TCase	*th_tcase(const char *name, double timeout);

/* A wait status (or -1) that is a normal exit with code 0; the exit code
 * of a normal exit, -1 otherwise. */
bool	 th_exited_ok(int status);
int	 th_exit_code(int status);

/* A fresh temporary directory for one test; aborts the test on failure. */
#define th_new()	th_new_named(__func__)
struct th *th_new_named(const char *test);

/* Stop the daemon if running, kill what it left, remove the directory.
 * Call it last, on the passing path. */
void	 th_free(struct th *h);

/* The directory, and a path inside it (owned by h, valid until th_free). */
const char *th_dir(const struct th *h);
const char *th_path(struct th *h, const char *rel);

/*
 * Write text to rel (parent directories created), replacing "@DIR@" with
 * the test directory and "@HELPERS@" with $TEST_HELPERS.
 */
void	 th_write(struct th *h, const char *rel, const char *text);

/*
 * Write supervisord.conf: a [supervisord] section with logfile=
 * DIR/supervisord.log, pidfile= and childlogdir= in DIR, then body (same
 * substitutions as th_write).  Returns the configuration's path.
 */
const char *th_conf(struct th *h, const char *body);

/* The line number (1-based) of the first line of the file rel that
 * contains needle, 0 if none. */
int	 th_file_line(struct th *h, const char *rel, const char *needle);

/*
 * Start $SUPERVISORD with the arguments that follow (NULL-terminated), in
 * its own process group, in DIR as working directory, stdin /dev/null,
 * stdout and stderr to DIR/stdout and DIR/stderr.  Returns its pid.
 * th_start_conf() is "-n -c DIR/supervisord.conf".
 */
pid_t	 th_start(struct th *h, ...) __attribute__((sentinel));
pid_t	 th_start_conf(struct th *h);
pid_t	 th_start_opts(struct th *h, const struct th_opts *o,
	    char *const argv[]);

/*
 * Run $SUPERVISORD with the arguments that follow (NULL-terminated) to its
 * end, at most ms milliseconds (then SIGKILL and a test failure), as
 * th_start() does.  Returns the wait status.
 */
int	 th_run(struct th *h, int ms, ...) __attribute__((sentinel));

/* Wait up to ms for pid, a child of the test's, to exit (polling every
 * 10 ms): its wait status, or -1 at the deadline. */
int	 th_wait_child(pid_t pid, int ms);

/* The daemon's pid, 0 if none is running. */
pid_t	 th_pid(const struct th *h);

/* Send sig to the daemon (by pid).  0 or -1. */
int	 th_signal(struct th *h, int sig);

/*
 * SIGTERM the daemon and wait up to ms for it to exit.  Returns its wait
 * status, or -1 (after SIGKILL) if it outlived the deadline.
 */
int	 th_stop_ms(struct th *h, int ms);
#define th_stop(h)	th_stop_ms((h), 10000)

/* Wait up to ms for the daemon to exit by itself: its wait status, or -1
 * if it is still running. */
int	 th_wait_exit(struct th *h, int ms);

/* The log is DIR/supervisord.log unless set here (for -l). */
void	 th_set_log(struct th *h, const char *rel);

/*
 * Read a whole file (rel to DIR, or absolute) into a NUL-terminated buffer
 * owned by h (valid until th_free); *lenp gets its length if not NULL.
 * NULL if it cannot be read.
 */
const char *th_read(struct th *h, const char *rel, size_t *lenp);
const char *th_log(struct th *h);

/* Number of log lines containing needle. */
int	 th_log_count(struct th *h, const char *needle);

/* Wait up to ms for the log to contain needle at least n times. */
bool	 th_wait_log(struct th *h, const char *needle, int ms);
bool	 th_wait_log_n(struct th *h, const char *needle, int n, int ms);

/* Wait up to ms for the file rel to exist and hold something. */
bool	 th_wait_file(struct th *h, const char *rel, int ms);

/*
 * A "nothing happens" check: true if, all through the next ms, the log
 * has fewer than n lines containing needle (false as soon as it has n).
 * The caller says why ms is long enough.
 */
bool	 th_log_stays_below(struct th *h, const char *needle, int n, int ms);

/* Poll pred(h, arg) every 10 ms until it is true or ms have passed. */
bool	 th_wait(struct th *h, bool (*pred)(struct th *, void *), void *arg,
	    int ms);

/*
 * The log lines containing needle, in order: their timestamps in seconds
 * (from "YYYY-MM-DD HH:MM:SS,mmm") into t[], at most max.  Returns the
 * number of matching lines (which may exceed max).
 */
int	 th_log_times(struct th *h, const char *needle, double *t, int max);

/*
 * The pid from the nth (0-based; -1 for the last) "spawned: 'name' with
 * pid N" line, 0 if none.  Pids found this way are killed at cleanup.
 */
pid_t	 th_spawned_pid(struct th *h, const char *name, int nth);

/* Also kill pid at cleanup (a grandchild the test learnt of). */
void	 th_track(struct th *h, pid_t pid);

/* Read a pid written in the file rel, 0 if none yet. */
pid_t	 th_read_pid(struct th *h, const char *rel);

/* Wait up to ms for a whole line (a pid and '\n') in the file rel; the
 * pid, tracked for cleanup, or 0 on timeout. */
pid_t	 th_wait_pid(struct th *h, const char *rel, int ms);

/*
 * /proc/PID/stat: state letter ('R', 'S', 'Z', ...), or 0 if there is no
 * such process; *ppid gets its parent if not NULL.
 */
char	 th_proc_state(pid_t pid, pid_t *ppid);

/* Alive and not a zombie, and started after the test began. */
bool	 th_alive(struct th *h, pid_t pid);

/* The pids whose parent is ppid, at most max; returns their number. */
int	 th_children(pid_t ppid, pid_t *pids, int max);

/* A "Key:" value of /proc/PID/status as text (owned by h), or NULL. */
const char *th_proc_status(struct th *h, pid_t pid, const char *key);

/* Wait up to ms for pid's command name (/proc/PID/comm) to be name: for a
 * program that sets something up and then execs name. */
bool	 th_wait_comm(struct th *h, pid_t pid, const char *name, int ms);

/* Print the daemon's log, stdout and stderr to stderr. */
void	 th_dump(struct th *h);

/* Milliseconds on the monotonic clock. */
long long th_now_ms(void);

/* A TCP port on 127.0.0.1 that nothing listens on now: bound, read,
 * closed. */
int	 th_free_port(void);

#endif /* TESTS_HARNESS_H */
