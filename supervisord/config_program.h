/*
 * config_program: processes_from_section: the processes of one program section.
 * Internal to the configuration reader (config*.c).
 */
#ifndef SUPERVISORD_CONFIG_PROGRAM_H
#define SUPERVISORD_CONFIG_PROGRAM_H

#include <sys/types.h>

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include "supervisord/config_defs.h"
#include "supervisord/config_ini.h"


/* A group while it is built, with what only some kinds have. */
struct bgroup {
	struct cfg_group	  g;
	struct cfg_program	**p;	/* NULL: kept[] (cfg_load_keep) */
	const struct cfg_program **kept; /* as p, or NULL while none is */
	size_t			  n;
	size_t			  order;	/* for a stable sort */
};

int	ld_procs(struct ld *ld, struct ini_sect *s, const char *group,
    enum cfg_kind kind, struct bgroup *bg);

#endif /* SUPERVISORD_CONFIG_PROGRAM_H */
