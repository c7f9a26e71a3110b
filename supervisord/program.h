/*
 * program: one supervised process and supervisor's state machine for it,
 * written as a table of states and events (STYLE.md §7).  It spawns through
 * libproc, arms its one timer (startsecs, backoff or stopwaitsecs) on the
 * daemon's loop, and owns its output streams.  Which programs exist, and
 * when the daemon stops them, is main.c's and reload.c's business.
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

/* What every program shares: set once by the daemon with sv_init. */
struct sv_ctx {
	struct ev_loop	*loop;
	char		**environ;	/* the daemon's environment */
	const char	*childlogdir;
	const char	*identifier;	/* in AUTO log names */
	const char	*serverurl;	/* SUPERVISOR_SERVER_URL, or NULL */
	struct proc_rlimit rlimits[2];	/* what children get */
	size_t		 nrlimits;
	/* Called when a program comes to rest (STOPPED, EXITED, FATAL). */
	void		(*on_rest)(struct sv_program *);
	/* Called on every state change (status, notify). */
	void		(*on_change)(struct sv_program *);
};

struct sv_program {
	TAILQ_ENTRY(sv_program) entry;
	struct cfg_program *cfg;	/* owned */
	struct cfg_program *pending;	/* owned: swap in at rest (reload) */
	enum sv_state	 state;
	bool		 want_up;	/* operator or config asked: up */
	bool		 doomed;	/* reload removed it: free at rest */
	pid_t		 pid;
	int		 backoff;	/* failed starts in a row */
	bool		 killing;	/* a stop signal was sent */
	int		 status;	/* last wait status */
	int		 exitstatus;	/* last exit code, -1 for a signal */
	const char	*spawnerr;	/* static text, or spawnerr_buf */
	char		 spawnerr_buf[256];
	ev_tstamp	 started;	/* ev_now at the last spawn */
	time_t		 laststart;	/* wall clock, for status */
	time_t		 laststop;
	unsigned long	 restarts;	/* spawns after the first */
	ev_timer	 timer;		/* the state's one timer */
	struct out_stream out;
	struct out_stream err;
	int		 in_fd;		/* write end of its stdin, or -1 */
	ev_io		 report;	/* the exec report, until it comes */
	bool		 startsecs_done; /* the timer ran before the report */
	bool		 exec_failed;	/* the report said the child failed */
};

TAILQ_HEAD(sv_list, sv_program);

/* Set the shared context (copied).  */
void	sv_init(const struct sv_ctx *ctx);

/* A new program, STOPPED, owning cfg (moved in).  NULL with errno. */
struct sv_program *sv_program_new(struct cfg_program *cfg);

/* Free a program at rest (every watcher stopped, pipes closed). */
void	sv_program_free(struct sv_program *p);

/* Feed an event; the only way a program changes state. */
void	sv_event(struct sv_program *p, enum sv_event ev);

/* The program's pid was reaped with this wait status. */
void	sv_exit(struct sv_program *p, int status);

/* STOPPED, EXITED or FATAL: nothing running, no timer. */
bool	sv_at_rest(const struct sv_program *p);

/* "RUNNING", ... as supervisor names them. */
const char *sv_state_name(enum sv_state s);

/* "web" or "group:web", as supervisorctl shows it. */
const char *sv_namespec(const struct sv_program *p, char *buf, size_t len);

/* supervisorctl's description: "pid 123, uptime 0:01:02", ... */
const char *sv_describe(const struct sv_program *p, time_t now, char *buf,
	    size_t len);

/* Reopen its log files (SIGUSR2). */
void	sv_reopen_logs(struct sv_program *p);

#endif /* SUPERVISORD_PROGRAM_H */
