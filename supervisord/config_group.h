/*
 * config_group: process_groups_from_parser: groups, event listeners,
 * FastCGI programs.
 * Internal to the configuration reader (config*.c).
 */
#ifndef SUPERVISORD_CONFIG_GROUP_H
#define SUPERVISORD_CONFIG_GROUP_H

#include <sys/types.h>

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

#include "supervisord/config_defs.h"
#include "supervisord/config_ini.h"
#include "supervisord/config_program.h"

struct groups {
	struct bgroup	*g;
	size_t		 n;
};

void	ld_groups(struct ld *ld, struct groups *gs);

#endif /* SUPERVISORD_CONFIG_GROUP_H */
