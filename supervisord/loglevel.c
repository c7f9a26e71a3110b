/*
 * loglevel: supervisor's level names and numbers.
 */
#include <stddef.h>
#include <strings.h>

#include "supervisord/loglevel.h"

static const struct {
	const char	*desc;		/* config spelling */
	const char	*name;		/* in the log line */
	int		 level;
} levels[] = {
	{ "critical",	"CRIT",	LOGLEVEL_CRIT },
	{ "error",	"ERRO",	LOGLEVEL_ERRO },
	{ "warn",	"WARN",	LOGLEVEL_WARN },
	{ "info",	"INFO",	LOGLEVEL_INFO },
	{ "debug",	"DEBG",	LOGLEVEL_DEBG },
	{ "trace",	"TRAC",	LOGLEVEL_TRAC },
	{ "blather",	"BLAT",	LOGLEVEL_BLAT },
};
#define NLEVELS	(sizeof(levels) / sizeof(levels[0]))

int
loglevel_parse(const char *desc)
{
	size_t	i;

	for (i = 0; i < NLEVELS; i++)
		if (strcasecmp(desc, levels[i].desc) == 0)
			return levels[i].level;
	return -1;
}

const char *
loglevel_name(int level)
{
	size_t	i;

	for (i = 0; i < NLEVELS; i++)
		if (levels[i].level == level)
			return levels[i].name;
	return "INFO";
}

const char *
loglevel_desc(int level)
{
	size_t	i;

	for (i = 0; i < NLEVELS; i++)
		if (levels[i].level == level)
			return levels[i].desc;
	return NULL;
}
