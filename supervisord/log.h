/*
 * log: the daemon's own log, in supervisor's shape:
 *   2026-11-24 23:10:11,123 INFO spawned: 'web' with pid 123
 * to the log file (rotating) and, in the foreground unless silent, to
 * stdout.  Before log_open it writes to stderr.
 */
#ifndef SUPERVISORD_LOG_H
#define SUPERVISORD_LOG_H

#include <stdarg.h>
#include <stdbool.h>

/* supervisor's levels and numbers (loggers.py LevelsByName). */
enum log_level {
	LOGL_BLAT = 3,
	LOGL_TRAC = 5,
	LOGL_DEBG = 10,
	LOGL_INFO = 20,
	LOGL_WARN = 30,
	LOGL_ERRO = 40,
	LOGL_CRIT = 50
};

/* "info", "warn", "debug", "blather", ... to a level; -1 if unknown. */
int	log_level_parse(const char *name);
/* "INFO", "WARN", ... */
const char *log_level_name(int level);

/*
 * Start logging to path (NULL: no file), rotating at maxbytes with
 * backups, and to stdout when to_stdout.  Messages below level are
 * dropped.  0, or -1 with errno when the file cannot be opened (then
 * messages still go to stdout/stderr).
 */
int	log_open(const char *path, long long maxbytes, int backups, int level,
	    bool to_stdout);
/*
 * Lines the log file refused (a full disk, ...), since the start; each
 * episode is also logged: when it begins (on stdout only, as the file
 * refuses it) and with its count when the file takes lines again.
 */
unsigned long log_lost(void);

/* Reopen the file (SIGUSR2, reload).  0 or -1 with errno. */
int	log_reopen(void);
void	log_set_level(int level);
void	log_close(void);

void	log_msg(int level, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));
void	log_vmsg(int level, const char *fmt, va_list ap)
	    __attribute__((format(printf, 2, 0)));
/* log_warn and log_crit append ": " strerror(errno). */
void	log_crit(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void	log_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void	log_warnx(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void	log_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void	log_debug(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif /* SUPERVISORD_LOG_H */
