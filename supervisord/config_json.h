/*
 * config_json: the parsed configuration as JSON, for --dump-config.
 * Public through config.h.
 */
#ifndef SUPERVISORD_CONFIG_JSON_H
#define SUPERVISORD_CONFIG_JSON_H

#include <stdio.h>
#include "supervisord/config_defs.h"


/*
 * Print the config as JSON in the schema of shared/corpus/oracle.py
 * (sorted keys, as json.dumps).  0, or -1 if fp has an error.
 */
int	cfg_dump_json(const struct cfg *c, FILE *fp);

#endif /* SUPERVISORD_CONFIG_JSON_H */
