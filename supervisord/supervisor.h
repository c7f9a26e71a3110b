/*
 * supervisor: the model of the daemon.  The set of programs it runs, in
 * start order (priority, then name), found by pid and by (group, name)
 * through hash tables; the configuration in force; the shutdown.  One
 * create path (sup_add) and one remove path (sup_remove, the program freed
 * once at rest); a stanza changed by a reload is swapped in at rest.
 * Nothing here calls a module above: those are told through observers
 * that main.c wires (state changed, process added, process removed).
 * Everything is passed explicitly: there is no global.
 */
#ifndef SUPERVISORD_SUPERVISOR_H
#define SUPERVISORD_SUPERVISOR_H

#include <sys/types.h>
#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include <ev.h>

#include "supervisord/config.h"
#include "supervisord/fcgi_sock.h"
#include "supervisord/program.h"

#define SUP_MAXOBS	8
#define SUP_NSTOPPED	64	/* pids reaped by pid first, at most */
#define SUP_TRIM_SECS	0.1	/* sup_trim_soon's wait */
#define SUP_ORPHAN_KILL_SECS 5.	/* for adopted ones after SIGKILL */
/* How long a shutdown waits for listeners to take their last events. */
#define SUP_HOLD_SECS	5.

/* Told of changes; every member may be NULL. */
struct sup_observer {
	/* p changed state (every transition). */
	void	(*changed)(void *arg, struct sv_program *p);
	/* p was added to the set (before it is started). */
	void	(*added)(void *arg, struct sv_program *p);
	/* p is leaving the set, at rest, and is freed after this. */
	void	(*removed)(void *arg, struct sv_program *p);
	/* sup_add_all added every program and starts them now. */
	void	(*running)(void *arg);
	/* sup_shutdown began. */
	void	(*stopping)(void *arg);
	/* One of p's streams handed something over (program.h's
	 * on_output). */
	void	(*output)(void *arg, struct sv_program *p, bool err,
		    enum out_what what, const char *buf, size_t n);
	/* Shutdown: whether stopping p must wait (an event listener with
	 * events still to deliver); the observer calls sup_resume when
	 * that ends.  The wait lasts SUP_HOLD_SECS at most. */
	bool	(*holds)(void *arg, struct sv_program *p);
	void	*arg;
};

struct sup_entry;

struct supervisor {
	struct ev_loop	*loop;
	struct cfg	*cfg;		/* in force; its programs moved out */
	unsigned long	 cfg_gen;	/* counts sup_set_cfg's changes */
	struct sv_list	 programs;	/* start order */
	size_t		 n;		/* programs in the set */
	struct sv_ctx	 ctx;		/* what every program shares */
	struct fcgi_socks socks;	/* [fcgi-program:x]'s, while used */
	struct sv_fdq	 fdq;		/* programs waiting for descriptors */
	time_t		 started;
	unsigned long	 moves;		/* changes to the list, ever (a
					   program added, moved or freed):
					   a walk across loop turns checks
					   it */
	unsigned long	 reloads;	/* configurations applied by reload */
	bool		 shutting_down;
	bool		 in_step;	/* a shutdown step is running */
	bool		 step_again;
	int		 step_prio;	/* the priority value being stopped */
	size_t		 step_busy;	/* its processes not yet at rest */
	ev_timer	 hold;		/* a step waits for listeners */
	ev_tstamp	 hold_until;	/* the wait's deadline, or 0 */
	bool		 resumed;	/* sup_resume: the wait is over */
	bool		 hold_expired;	/* SUP_HOLD_SECS went by */

	/* Indexes: chained hash tables of entries, one per program. */
	struct sup_entry **byname;
	struct sup_entry **bypid;
	size_t		 cap;		/* buckets of each, a power of 2 */

	ev_prepare	 settle;	/* frees and swaps at rest */
	/* Removed by a reload, their stop waiting for what depends on them
	 * (depends_on=) to stop first: how many, and their next look. */
	size_t		 nrm_wait;
	ev_prepare	 rm_kick;
	ev_idle		 reap;		/* the scan of every child, after */
	/* At the end of a shutdown: the processes adopted as subreaper. */
	ev_timer	 orphans;	/* their grace, then SIGKILL's */
	int		 orphan_phase;	/* 0, 1 SIGTERM sent, 2 SIGKILL sent */
	pid_t		*termed;	/* sent SIGTERM */
	size_t		 ntermed;
	int		 exit_status;	/* the daemon's, once it stops */
	/* depends_on=: the starts waiting, tried again after changes. */
	struct sv_program **waiters;
	size_t		 nwaiters;
	ev_idle		 deps_kick;
	ev_idle		 essential;	/* an essential program ended */
	pid_t		 stopped[SUP_NSTOPPED]; /* sent a stop, not reaped */
	size_t		 nstopped;
	ev_timer	 trim;		/* gives freed memory back, once */
	struct sv_list	 settling;	/* what it frees or swaps, by
					   settle_entry */
	struct sup_observer obs[SUP_MAXOBS];
	size_t		 nobs;

	/* Read the configuration again, with the command line applied:
	 * main's (reload, reread, update); keep, for a reload, as
	 * cfg_load_keep's, else NULL.  NULL with errors, or none when
	 * memory ran out. */
	struct cfg	*(*load)(void *arg, const struct cfg_keep *keep,
			    struct cfg_msgs *errors);
	void		*load_arg;
};

/*
 * Start s on loop with cfg (owned from now on; its programs stay in it
 * until sup_add_all).  The shared context (environment, rlimits, server
 * URL) is set with sup_set_ctx.  0, or -1 with errno.
 */
int	sup_init(struct supervisor *s, struct ev_loop *loop, struct cfg *cfg);

/*
 * SUP_TRIM_SECS from the first call of a burst, give the memory a load, a
 * reload or freed programs left free back to the kernel (malloc_trim): a
 * reload builds a whole configuration and keeps a little of it, and
 * without this the holes it leaves stay resident.  Not at once: a reload
 * and the restarts it causes are one trim, which comes after them and
 * does not delay them.
 */
void	sup_trim_soon(struct supervisor *s);

/* Free every program (at exit: their watchers stopped, pipes closed),
 * the configuration and the indexes. */
void	sup_free(struct supervisor *s);

/* Observe s: at most SUP_MAXOBS observers.  0 or -1. */
int	sup_observe(struct supervisor *s, const struct sup_observer *o);

/*
 * Set what every program shares from s->cfg and what main knows (the
 * environment, what children's RLIMIT_NOFILE is, the server URL); again
 * after a reload replaced s->cfg.
 */
void	sup_set_ctx(struct supervisor *s, char **env,
	    const struct proc_rlimit *rlimits, size_t nrlimits,
	    const char *serverurl);

/* Put cfg in force (owned from now on; the old one is freed): the shared
 * context follows its childlogdir and identifier. */
void	sup_set_cfg(struct supervisor *s, struct cfg *cfg);

/*
 * The one create path: a program for the stanza cfg (moved in, even on
 * failure), in start order, indexed, observers told; started if start
 * and cfg->autostart.  The program, or NULL (logged) when memory ran out.
 */
struct sv_program *sup_add(struct supervisor *s, struct cfg_program *cfg,
	    bool start);

/*
 * Before sup_add_all, as supervisor does when it makes an fcgi-program's
 * group: create and close each section's socket once, so that a bad
 * path or a port in use stops the daemon at startup rather than showing
 * as spawn errors.  Silent when it works (the first spawn logs
 * "Creating socket").  0, or -1 with err saying which section's socket
 * failed and why.
 */
int	sup_check_sockets(struct supervisor *s, char *err, size_t len);

/* Every program of s->cfg, in start order; observers told it runs; then
 * the autostart ones are started. */
void	sup_add_all(struct supervisor *s);

/*
 * The one remove path: p is stopped if it runs and freed once at rest
 * (observers told first).  The stop comes at the next loop turn, after
 * the removed processes that depend on p (depends_on=) have stopped.  A
 * later sup_keep (a reload that puts it back) undoes it while it is still
 * stopping.
 */
void	sup_remove(struct supervisor *s, struct sv_program *p);
void	sup_keep(struct supervisor *s, struct sv_program *p);

/* Give p a new stanza now (a policy change: same pid), or at rest (a
 * spawn change: p is stopped, then started with it if autostart). */
void	sup_update(struct supervisor *s, struct sv_program *p,
	    struct cfg_program *cfg);
void	sup_replace(struct supervisor *s, struct sv_program *p,
	    struct cfg_program *cfg);

/* Start, stop, signal one program: false if its state does not allow it
 * (supervisor's ALREADY_STARTED, NOT_RUNNING).  sup_signal: 0 or -1 with
 * errno from kill(2). */
bool	sup_start(struct supervisor *s, struct sv_program *p);
bool	sup_stop(struct supervisor *s, struct sv_program *p);

/* Cancel p's start that waits for its dependencies, if it does: then
 * true (a stop of it answers as for a stopped process). */
bool	sup_cancel_start(struct supervisor *s, struct sv_program *p);
int	sup_signal(struct supervisor *s, struct sv_program *p, int sig);

/* STARTING, RUNNING, BACKOFF: what supervisor calls a running state. */
bool	sup_running_state(const struct sv_program *p);

/* What a stop applies to: a running state, or a wait for a descriptor
 * (the stop ends the wait). */
bool	sup_stoppable(const struct sv_program *p);

/* The program with this pid, or NULL (an adopted orphan). */
struct sv_program *sup_find_pid(const struct supervisor *s, pid_t pid);

/* The program named name in group group, or NULL; doomed ones too. */
struct sv_program *sup_find(const struct supervisor *s, const char *group,
	    const char *name);

/* Whether some program (doomed or not) is in group. */
bool	sup_group_exists(const struct supervisor *s, const char *group);

/*
 * The programs as supervisor's getAllProcessInfo orders them (by group,
 * then name), doomed ones too unless live_only; malloc'ed, *np their
 * number.  NULL (with *np 0) when memory ran out or there are none.
 */
struct sv_program **sup_snapshot(const struct supervisor *s, bool live_only,
	    size_t *np);

/*
 * Split a namespec as supervisor's split_namespec: "group:name",
 * "group:*" or "group:" (the whole group: *name NULL), or "name" (group
 * and name both name).  The parts are copied into gbuf and nbuf (cut to
 * fit); *name points to nbuf or is NULL.
 */
void	sup_split_namespec(const char *spec, char *gbuf, size_t glen,
	    char *nbuf, size_t nlen, const char **name);

/*
 * The process's pid was reaped with this status: feed its program, or
 * log an adopted orphan.
 */
void	sup_reaped(struct supervisor *s, pid_t pid, int status);

/*
 * On SIGCHLD: reap every exited child and hand each to sup_reaped.  The
 * processes s stopped are waited for by pid first, each in time that does
 * not grow with the number of children; when one of them has exited, the
 * scan of all children (which the kernel walks whole, and which finds the
 * rest: crashes, adopted orphans) runs after the loop's next prepare
 * watchers, so that a restart spawns before it.
 */
void	sup_reap(struct supervisor *s);

/*
 * Stop every program, the highest priority value first, each priority's
 * processes at once, and break the loop once all are at rest.  No program
 * starts again.  A second call is ignored.
 */
void	sup_shutdown(struct supervisor *s);

/* What held the shutdown (an observer's holds) is over: it goes on, from
 * the loop (not from inside the caller). */
void	sup_resume(struct supervisor *s);

/* Reopen every program's log files (SIGUSR2, reload). */
void	sup_reopen_logs(struct supervisor *s);

#endif /* SUPERVISORD_SUPERVISOR_H */
