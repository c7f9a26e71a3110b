/*
 * config_expand: %-expansion: Python's "s % mapping" with supervisor's names.
 * Internal to the configuration reader (config*.c).
 */
#ifndef SUPERVISORD_CONFIG_EXPAND_H
#define SUPERVISORD_CONFIG_EXPAND_H

#include <sys/types.h>

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

#include "supervisord/config_util.h"

struct xctx {
	const struct cu_kvl *env;	/* ENV_X names: the environment */
	const struct cu_kvl *penv;	/* X names, before env: a program's
					   environment=, or NULL */
	const char	*here;
	const char	*program_name;
	const char	*group_name;
	const char	*host;
	bool		 has_num;	/* process_num and numprocs */
	long long	 process_num;
	long long	 numprocs;
};

char *	x_expand(const struct xctx *x, const char *s, char **errp);

#endif /* SUPERVISORD_CONFIG_EXPAND_H */
