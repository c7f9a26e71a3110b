/*
 * config_server: [supervisord] and the command-line options that set its keys;
 * [unix_http_server], [inet_http_server], [supervisorctl], [rpcinterface:x].
 * Internal to the configuration reader (config*.c).
 */
#ifndef SUPERVISORD_CONFIG_SERVER_H
#define SUPERVISORD_CONFIG_SERVER_H

#include <sys/types.h>

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include "supervisord/config_defs.h"
#include "supervisord/config_ini.h"


int	sd_apply(struct cfg_supervisord *sd, const char *key, const char *v,
    char **err);
void	sd_defaults(struct cfg_supervisord *sd);
void	ld_supervisord(struct ld *ld, struct ini_sect *s);
void	ld_servers(struct ld *ld);
void	ld_rpc(struct ld *ld);
void	ld_ignored(struct ld *ld);

#endif /* SUPERVISORD_CONFIG_SERVER_H */
