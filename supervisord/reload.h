/*
 * reload: apply a new configuration to the running daemon by difference
 * (SIGHUP): unchanged processes are not touched, policy changes are
 * swapped in place, spawn changes restart, removed ones stop and go,
 * new ones start.
 */
#ifndef SUPERVISORD_RELOAD_H
#define SUPERVISORD_RELOAD_H

#include <stdbool.h>
#include <stddef.h>

#include "supervisord/config.h"
#include "supervisord/supervisor.h"

/*
 * Apply newcfg (owned from now on: what is not moved into programs is
 * freed).  Logs what it does.
 */
void	rl_apply(struct supervisor *s, struct cfg *newcfg);

/*
 * Apply newcfg (owned from now on) to the processes of the named groups
 * only (groups NULL: all), as supervisorctl's "update GROUP...".  With
 * force, every matched process is stopped and started again with its new
 * stanza even when nothing changed (supervisorctl's "reload").
 */
void	rl_apply_groups(struct supervisor *s, struct cfg *newcfg,
	    char *const *groups, size_t ngroups, bool force);

/* Load the configuration again (s->load) and apply it, or log why not. */
void	rl_reload(struct supervisor *s);

/* How a group of c differs from the running one (supervisor's
 * diff_to_active). */
enum rl_kind {
	RL_ADDED = 0,
	RL_CHANGED,
	RL_REMOVED
};
struct rl_change {
	char		*group;		/* owned */
	enum rl_kind	 kind;
	bool		 respawn;	/* a process would restart, come or go */
};

/*
 * The groups that differ between the running programs and c: added and
 * changed in c's order, then removed ones by name.  The array (free it
 * with rl_changes_free) goes into *vp; returns its length.
 */
size_t	rl_diff(const struct supervisor *s, const struct cfg *c,
	    struct rl_change **vp);
void	rl_changes_free(struct rl_change *v, size_t n);

#endif /* SUPERVISORD_RELOAD_H */
