/*
 * config: read supervisord.conf as Python supervisor 4.2.5 reads it, into
 * plain structs: defaults, expansions, includes, validation, JSON dump.
 *
 * It knows nothing of processes that run, the loop or logging: every
 * error and warning is returned as text for the caller to print or log.
 */
#ifndef SUPERVISORD_CONFIG_H
#define SUPERVISORD_CONFIG_H

#include <sys/types.h>

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/*
 * The structs (config_defs.h), and the functions below cfg_load that are
 * public too: cfg_free, cfg_program_free, cfg_program_dup, cfg_ctl_free,
 * cfg_msgs_free,
 * cfg_big (config_mem.h), cfg_program_diff (config_diff.h), cfg_dump_json
 * (config_json.h), cfg_ready_parse (config_ready.h).  The modules of the reader include those, never this.
 */
#include "supervisord/config_defs.h"
#include "supervisord/config_diff.h"
#include "supervisord/config_json.h"
#include "supervisord/config_mem.h"
#include "supervisord/config_deps.h"
#include "supervisord/config_ready.h"

/*
 * Parse the configuration at path, with its includes.  Returns the config,
 * or NULL when it is invalid: then errors holds every error found (at least
 * one).  Warnings go into the config's warnings (or into errors' companion
 * list when NULL is returned, they are dropped).  Expansions use the
 * process environment (%(ENV_X)s) and the host name.
 */
struct cfg *cfg_load(const char *path, struct cfg_msgs *errors);

/*
 * cfg_load for a reload (keep NULL: cfg_load): a process whose stanza is
 * the same (cfg_program_diff: CFG_SAME) as the one keep finds is not
 * copied out of the load, programs[i] is NULL and kept[i] that stanza,
 * so that a reload that changes one program of thousands allocates for
 * one.  Listeners and FastCGI programs, whose groups decide too, are
 * always copied.
 */
struct cfg *cfg_load_keep(const char *path, const struct cfg_keep *keep,
	    struct cfg_msgs *errors);

/*
 * Apply a command-line option of supervisord to [supervisord] with the
 * same validation as the key in a file: key is the config key ("logfile",
 * "nodaemon", "minfds", ...).  0, or -1 with a message in err.
 */
int	cfg_set_option(struct cfg *c, const char *key, const char *value,
	    char *err, size_t errlen);

/*
 * Where supervisord 4.2.5 looks for its configuration without -c, in its
 * order, relative ones resolved as it does (beside the executable's real
 * directory, then the current directory, then /etc).  Returns the first
 * that exists in buf, or -1 with every place tried in buf.
 */
int	cfg_find_default(char *buf, size_t len);

/*
 * Pin %(host_node_name)s (tests, reproducible dumps); NULL: the host's
 * name from uname(2) again.  The string is copied.
 */
void	cfg_set_hostname(const char *name);


/*
 * Read path and its includes with the reader of cfg_load, interpreting
 * only the client's sections: an error elsewhere (a program the daemon
 * would refuse) does not stop the client, as with Python's supervisorctl;
 * one in the file's syntax or in [supervisorctl] does.  NULL with errors
 * in errors.  Free with cfg_ctl_free.
 */
struct cfg_ctl *cfg_ctl_load(const char *path, struct cfg_msgs *errors);

#endif /* SUPERVISORD_CONFIG_H */
