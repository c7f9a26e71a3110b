/*
 * program: one supervised process and supervisor's state machine for it,
 * written as a table of states and events (STYLE.md §7).  It spawns through
 * libproc, arms its one timer (startsecs, backoff or stopwaitsecs) on the
 * daemon's loop, and owns its output streams.  Which programs exist, and
 * when they are stopped for good, is supervisor.c's business: it is told
 * of every change through the shared context's callbacks.
 */
#ifndef SUPERVISORD_PROGRAM_H
#define SUPERVISORD_PROGRAM_H

#include <sys/queue.h>
#include <sys/types.h>
#include <stdbool.h>
#include <time.h>

#include <ev.h>

#include "libproc/spawn.h"
#include "supervisord/config.h"
#include "supervisord/output.h"

enum sv_state {
	SV_STOPPED = 0,
	SV_STARTING,
	SV_RUNNING,
	SV_BACKOFF,
	SV_STOPPING,
	SV_EXITED,
	SV_FATAL,
	SV_NSTATES
};

enum sv_event {
	SV_EV_START = 0,
	SV_EV_STOP,
	SV_EV_SPAWNERR,
	SV_EV_EXIT,
	SV_EV_STARTSECS,
	SV_EV_BACKOFF,
	SV_EV_KILLWAIT,
	SV_NEVENTS
};

struct sv_program;

/*
 * The programs that wait for descriptors (a spawn would have left fewer
 * than SV_FD_SPARE free): STOPPED with the description "waiting for a
 * descriptor", in the order they asked.  A wait is not a
 * failed try.  Each is started again, in that order, when a process of
 * the daemon's is reaped (its pipes closed) and every second while any
 * waits, until one must wait again.  Its owner's (supervisor.c), shared
 * through the context.
 */
#define SV_FD_SPARE	16	/* descriptors a spawn leaves free */

struct sv_fdq {
	struct ev_loop	*loop;
	TAILQ_HEAD(sv_fdq_head, sv_program) head;
	ev_timer	 retry;
	size_t		 holding;	/* programs that have a process */
	size_t		 started;	/* waiters started this episode */
	bool		 closed;	/* shutdown: nothing more starts */
};

void	sv_fdq_init(struct sv_fdq *q, struct ev_loop *loop);

/* Shutdown: nothing more starts; the waiters stay STOPPED. */
void	sv_fdq_close(struct sv_fdq *q);

/* What every program shares: its owner's (supervisor.c), which outlives
 * the programs. */
struct sv_ctx {
	struct ev_loop	*loop;
	char		**environ;	/* the daemon's environment */
	const char	*childlogdir;
	const char	*identifier;	/* in AUTO log names */
	const char	*serverurl;	/* SUPERVISOR_SERVER_URL, or NULL */
	struct proc_rlimit rlimits[2];	/* what children get */
	size_t		 nrlimits;
	/* Called when a program comes to rest (STOPPED, EXITED, FATAL). */
	void		(*on_rest)(void *arg, struct sv_program *);
	/* Called on every state change, after the one above. */
	void		(*on_change)(void *arg, struct sv_program *);
	/* Called when a spawn gave the program a pid (set in p->pid). */
	void		(*on_pid)(void *arg, struct sv_program *);
	/* What one of its streams hands over (output.h's enum out_what);
	 * err: the stderr stream. */
	void		(*on_output)(void *arg, struct sv_program *, bool err,
			    enum out_what what, const char *buf, size_t n);
	/*
	 * A program of an [fcgi-program:x]: the listening socket its process
	 * gets as fd 0, taken before each spawn (-1 with errno: a spawn
	 * error) and given back once the process is reaped (or the spawn
	 * failed), so that the socket lives while one process of the group
	 * does.
	 */
	int		(*sock_get)(void *arg, struct sv_program *);
	void		(*sock_put)(void *arg, struct sv_program *);
	struct sv_fdq	*fdq;		/* NULL: no descriptor, a spawn error */
	void		*arg;
	/*
	 * depends_on=: whether what p waits for holds (1), not yet (0:
	 * why says "waiting for NAME"), or never will (-1: why says
	 * "dependency NAME is FATAL").  It may start what p depends on.
	 */
	int		(*deps_check)(void *arg, struct sv_program *p,
			    char *why, size_t len);
	/* p began (true) or ended (false) waiting for its dependencies. */
	void		(*on_wait)(void *arg, struct sv_program *p, bool on);
	/* NOTIFY_SOCKET for ready=notify, NULL when there is none. */
	const char	*(*notify_name)(void *notify_arg);
	void		*notify_arg;
};

struct sv_ready;

#define SV_READY_TICK	0.1	/* seconds between ready= checks */
#define SV_STATUS_MAX	256	/* bytes of a STATUS= kept */

struct sv_program {
	TAILQ_ENTRY(sv_program) entry;
	const struct sv_ctx *ctx;	/* shared, not owned */
	struct cfg_program *cfg;	/* owned */
	struct cfg_program *pending;	/* owned: swap in at rest (reload) */
	void		*lsn_member;	/* listener.c's: p's membership of
					   a listener pool, or NULL */
	/* supervisor.c's: waiting to be freed or swapped at rest. */
	TAILQ_ENTRY(sv_program) settle_entry;
	TAILQ_ENTRY(sv_program) fdq_entry;	/* in ctx->fdq */
	const char	*spawnerr;	/* static text, or spawnerr_own */
	char		*spawnerr_own;	/* a message made for it, or NULL */
	ev_tstamp	 started;	/* ev_now at the last spawn */
	time_t		 laststart;	/* wall clock, for status */
	time_t		 laststop;
	unsigned long	 restarts;	/* spawns after the first */
	ev_timer	 timer;		/* the state's one timer */
	struct out_stream out;
	struct out_stream err;
	ev_io		*report;	/* fork path: the exec report, made at
					   its first spawn there; or NULL */
	enum sv_state	 state;
	enum sv_state	 prev;		/* the state before, for events */
	pid_t		 pid;
	pid_t		 gone_pid;	/* during the change that follows a
					   reap: the pid reaped; else 0 */
	int		 backoff;	/* failed starts in a row */
	int		 status;	/* last wait status */
	struct sv_ready	*ready;		/* STARTING with ready=: its checks */
	/* Its own words in its description: what its start waits for
	 * (dep_wait), or the STATUS= it sent while it runs (ready_sock). */
	char		*note;
	int		 exitstatus;	/* last exit code, -1 for a signal */
	int		 in_fd;		/* write end of its stdin, or -1 */
	bool		 want_up;	/* operator or config asked: up */
	bool		 doomed;	/* reload removed it: free at rest */
	bool		 rm_wait;	/* doomed, its stop waits for those
					   that depend on it */
	bool		 settling;	/* on supervisor.c's settle list */
	bool		 expected;	/* the last exit was expected */
	bool		 has_sock;	/* holds a sock_get reference */
	bool		 fd_wait;	/* in ctx->fdq: waits for a descriptor */
	bool		 dep_wait;	/* a start waits for depends_on */
	bool		 startsecs_done; /* the timer ran before the report */
	bool		 exec_failed;	/* the report said the child failed */
};

TAILQ_HEAD(sv_list, sv_program);

/* A new program, STOPPED, owning cfg (moved in; still the caller's on
 * failure), sharing ctx.  NULL with errno. */
struct sv_program *sv_program_new(const struct sv_ctx *ctx,
	    struct cfg_program *cfg);

/* Free a program at rest (every watcher stopped, pipes closed). */
void	sv_program_free(struct sv_program *p);

/* Feed an event; the only way a program changes state. */
void	sv_event(struct sv_program *p, enum sv_event ev);

/* The program's pid was reaped with this wait status. */
void	sv_exit(struct sv_program *p, int status);

/*
 * p has ended for good: FATAL, or EXITED with no restart to come (its
 * autorestart says so for that exit).  A stop asked for is STOPPED, not
 * this.
 */
bool	sv_ended(const struct sv_program *p);

/* ready_sock: READY=1 from p's process (RUNNING when it was waiting for
 * it: STARTING with ready=notify). */
void	sv_notify_ready(struct sv_program *p);

/* ready_sock: its STATUS= text (n bytes, cut at SV_STATUS_MAX), shown in
 * its description until its next spawn. */
void	sv_notify_status(struct sv_program *p, const char *text, size_t n);

/* STOPPED, EXITED or FATAL: nothing running, no timer. */
bool	sv_at_rest(const struct sv_program *p);

/* "RUNNING", ... as supervisor names them. */
const char *sv_state_name(enum sv_state s);

/* "web" or "group:web", as supervisorctl shows it. */
const char *sv_namespec(const struct sv_program *p, char *buf, size_t len);

/* At rest: put the pending stanza (a reload's spawn change) in force. */
void	sv_take_pending(struct sv_program *p);

/* What supervisor's check_execv_args says of a command. */
enum sv_cmd {
	SV_CMD_OK = 0,
	SV_CMD_NO_FILE,		/* "can't find command ..." */
	SV_CMD_NOT_EXECUTABLE	/* a directory, no x bit, no permission */
};

/*
 * Find prog (a command's first word) as supervisor does: a name with a
 * '/' as it is, otherwise in the PATH of p's environment=, else the
 * daemon's (proc_which); then check that it can be run.  The path goes
 * to path, supervisor's message for what is wrong to msg.
 */
enum sv_cmd sv_find_command(const struct sv_program *p, const char *prog,
	    char *path, size_t len, char *msg, size_t msglen);

/* Reopen its log files (SIGUSR2). */
void	sv_reopen_logs(struct sv_program *p);

#endif /* SUPERVISORD_PROGRAM_H */
