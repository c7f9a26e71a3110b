/*
 * config_deps: depends_on= (ours): what a process waits for before it
 * starts.  A list, by commas or blanks, of NAME, NAME:running or
 * NAME:exited, where NAME is a program (its section's name), a group, or
 * group:* (the group alone).  The reader checks that every NAME is there
 * and that no cycle is made; the daemon resolves them as it runs.
 */
#ifndef SUPERVISORD_CONFIG_DEPS_H
#define SUPERVISORD_CONFIG_DEPS_H

#include <stdbool.h>
#include <stddef.h>

#include "supervisord/config_defs.h"

enum cfg_dep_want {
	CFG_DEP_RUNNING = 0,	/* every process of it RUNNING (ready) */
	CFG_DEP_EXITED		/* every process of it EXITED, expected */
};

struct cfg_dep {
	char			 name[128];
	bool			 group_only;	/* NAME:* */
	enum cfg_dep_want	 want;
};

/*
 * The next dependency of the list at *cur into d, *cur moved past it: 1,
 * 0 at the end, -1 for a bad one (d->name holds its text, cut).
 */
int	cfg_dep_next(const char **cur, struct cfg_dep *d);

/* Whether process q is one of what d names. */
bool	cfg_dep_match(const struct cfg_dep *d, const struct cfg_program *q);

/*
 * The reader's check of a load (its processes and kept ones): every NAME
 * there, no cycle (reported with its path, "a -> b -> a").  Errors into
 * ld.
 */
struct ld;
void	ld_deps(struct ld *ld, const struct cfg *c);

#endif
