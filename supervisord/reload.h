/*
 * reload: apply a new configuration to the running daemon by difference
 * (SIGHUP): unchanged processes are not touched, policy changes are
 * swapped in place, spawn changes restart, removed ones stop and go,
 * new ones start.
 */
#ifndef SUPERVISORD_RELOAD_H
#define SUPERVISORD_RELOAD_H

#include "supervisord/config.h"

/*
 * Apply newcfg (owned from now on: what is not moved into programs is
 * freed).  Logs what it does.
 */
void	rl_apply(struct cfg *newcfg);

/* Load the configuration again and apply it, or log why not. */
void	rl_reload(void);

/* A program came to rest: finish what a reload left pending for it. */
void	rl_program_at_rest(struct sv_program *p);

#endif /* SUPERVISORD_RELOAD_H */
