/*
 * config_diff: how two stanzas of one process differ, key by key as the
 * table of program keys classifies them.  Public through config.h.
 */
#ifndef SUPERVISORD_CONFIG_DIFF_H
#define SUPERVISORD_CONFIG_DIFF_H

#include "supervisord/config_defs.h"

/*
 * CFG_SAME, CFG_POLICY when only policy keys differ (applied in place on
 * reload), CFG_SPAWN when a spawn key does (the process restarts).
 */
enum cfg_diff cfg_program_diff(const struct cfg_program *a,
	    const struct cfg_program *b);

/*
 * Whether what a group holds beside its processes differs, as supervisor
 * compares group configurations: a listener pool's events, buffer_size
 * and result_handler; an fcgi-program's socket URL (not its backlog,
 * mode or owner).  A group that differs restarts its processes on reload.
 */
bool	cfg_group_differs(const struct cfg_group *a,
	    const struct cfg_group *b);

#endif /* SUPERVISORD_CONFIG_DIFF_H */
