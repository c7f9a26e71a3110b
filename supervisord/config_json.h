/*
 * config_json: the parsed configuration as JSON, for --dump-config, and
 * the JSON string writer supervisorctl's --json uses too.  Public through
 * config.h.
 */
#ifndef SUPERVISORD_CONFIG_JSON_H
#define SUPERVISORD_CONFIG_JSON_H

#include <stdio.h>
#include "supervisord/config_defs.h"

/*
 * Print s as a JSON string (RFC 8259): " and \ escaped with a backslash,
 * newline, carriage return and tab as \n \r \t, every other control
 * character below 0x20 as \u00XX, the rest (UTF-8 included) as it is.
 * NULL prints null.  Errors are left in fp's error flag.
 */
void	cfg_json_str(FILE *fp, const char *s);

/*
 * Print the config as JSON in the schema of shared/corpus/oracle.py
 * (sorted keys, as json.dumps).  0, or -1 if fp has an error.
 */
int	cfg_dump_json(const struct cfg *c, FILE *fp);

#endif /* SUPERVISORD_CONFIG_JSON_H */
