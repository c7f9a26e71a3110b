/*
 * config_ini: the reader that fills the section store (config_store.h,
 * included for those who read the store) from one file through inih.
 * Internal to the configuration reader (config*.c).
 */
#ifndef SUPERVISORD_CONFIG_INI_H
#define SUPERVISORD_CONFIG_INI_H

#include <stdbool.h>

#include "supervisord/config_store.h"

/*
 * Read file (as opened: its name in messages) into ld's store; an
 * [include] in it is warned of if included.  -1 with errno if it could
 * not be read at all (EISDIR: a directory); errors in it are ld's.
 */
int	rd_file(struct ld *ld, const char *file, bool included);

#endif /* SUPERVISORD_CONFIG_INI_H */
