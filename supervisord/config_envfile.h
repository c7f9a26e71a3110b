/*
 * config_envfile: environment_file= (ours), a file of KEY=VALUE lines
 * read as systemd reads EnvironmentFile= (systemd.exec(5)): blank lines
 * and lines starting with # or ; are skipped; around a value, blanks are
 * dropped; a value in '...' is taken as it is, one in "..." knows the
 * escapes \" \\ \` \$, an unquoted one takes \X as X; a backslash at the
 * end of a line joins the next one; quoted values may span lines.  Read
 * at each spawn, from the loop: a local file, bounded in size.
 */
#ifndef SUPERVISORD_CONFIG_ENVFILE_H
#define SUPERVISORD_CONFIG_ENVFILE_H

#include <stddef.h>

/* The largest file read: a larger one is refused. */
#define CFG_ENVFILE_MAX	(1024 * 1024)

/* Called with each assignment in the file's order; 0, or -1 to stop. */
typedef int	(*cfg_envfile_set)(void *arg, const char *key,
		    const char *val);

/*
 * Parse the len bytes of text, calling set for each KEY=VALUE.  0, or -1
 * with the line where the bad assignment starts in *line and a static
 * reason in *why (a line with no '=', a key that is not a variable name,
 * a quote not closed, a NUL byte, no memory, or set's -1).
 */
int	cfg_envfile_parse(const char *text, size_t len, cfg_envfile_set set,
	    void *arg, int *line, const char **why);

/*
 * Read spec (a path; with a leading '-', a missing file is no error) and
 * pass its assignments to set.  0; 1 for a missing optional file; -1 with
 * the reason in err ("PATH:LINE: why" or "PATH: strerror").
 */
int	cfg_envfile_load(const char *spec, cfg_envfile_set set, void *arg,
	    char *err, size_t errlen);

#endif
