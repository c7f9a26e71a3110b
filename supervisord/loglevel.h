/*
 * loglevel: supervisor's level names and numbers (loggers.py
 * LevelsByName and LevelsByDescription), below log so that the
 * configuration reader can use them without the log itself.
 */
#ifndef SUPERVISORD_LOGLEVEL_H
#define SUPERVISORD_LOGLEVEL_H

enum loglevel {
	LOGLEVEL_BLAT = 3,
	LOGLEVEL_TRAC = 5,
	LOGLEVEL_DEBG = 10,
	LOGLEVEL_INFO = 20,
	LOGLEVEL_WARN = 30,
	LOGLEVEL_ERRO = 40,
	LOGLEVEL_CRIT = 50
};

/*
 * A level's description as the configuration spells it ("critical",
 * "error", "warn", "info", "debug", "trace", "blather", any case) to its
 * number; -1 if unknown.
 */
int	loglevel_parse(const char *desc);

/* A level's name in a log line ("CRIT", "INFO", ...); "INFO" if unknown. */
const char *loglevel_name(int level);

/* A level's description ("info", ...); NULL if unknown. */
const char *loglevel_desc(int level);

#endif /* SUPERVISORD_LOGLEVEL_H */
