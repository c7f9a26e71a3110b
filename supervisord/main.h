/*
 * The daemon's state, shared by main.c (options, loop, signals, shutdown)
 * and reload.c (applying a new configuration).
 */
#ifndef SUPERVISORD_MAIN_H
#define SUPERVISORD_MAIN_H

#include <sys/resource.h>
#include <stdbool.h>
#include <time.h>

#include <ev.h>

#include "supervisord/config.h"
#include "supervisord/program.h"

#define MAX_OVERRIDES	32

/* What "supervisord -v" and "supervisorctl version" print. */
#define SUPERVISORD_VERSION	"0.1.0"

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
	char		*pidfile;	/* the one locked, to remove at exit */
	int		 pidfd;		/* locked with flock, or -1 */
	int		 pidfile_err;	/* why it is not: errno */
	pid_t		 pidfile_pid;	/* the pid written in it */

	struct ev_loop	*loop;
	struct cfg	*cfg;		/* current config; programs moved out */
	struct sv_list	 programs;	/* in start order */
	time_t		 started;
	bool		 shutting_down;
	bool		 in_step;	/* shutdown_step is running */
	bool		 step_again;
	int		 stop_priority;	/* the priority being stopped */

	ev_signal	 sigs[8];
	ev_periodic	 clockwatch;
};

extern struct daemon d;

/*
 * Load d.configfile and apply the command line.  NULL with errors, none
 * when memory ran out.  A running daemon keeps its pidfile: a changed
 * pidfile= is only a warning.
 */
struct cfg *daemon_load_config(struct cfg_msgs *errors);

/* Run the loop on c (owned from now on) until shutdown; the exit code. */
int	daemon_run(struct cfg *c);

/* Remove the files of dir whose names contain pat (AUTO log cleanup). */
void	daemon_remove_matching(const char *dir, const char *pat);

/* Insert p into d.programs in start order (priority, then name). */
void	daemon_insert(struct sv_program *p);

void	daemon_free_options(void);

/* Stop every program in order and exit, as on SIGTERM (control socket). */
void	daemon_shutdown(void);

/* (Re)build the programs' shared context from d.cfg. */
void	daemon_ctx_init(void);

#endif /* SUPERVISORD_MAIN_H */
