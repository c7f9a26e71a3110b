/*
 * log: the daemon's own log, in supervisor's shape:
 *   2026-11-24 23:10:11,123 INFO spawned: 'web' with pid 123
 * to the log file (rotating) and, in the foreground unless silent, to
 * stdout (through the sink).  Before log_open it writes to stderr.
 * Levels are loglevel.h's.
 */
#ifndef SUPERVISORD_LOG_H
#define SUPERVISORD_LOG_H

#include <stdarg.h>
#include <stdbool.h>

#include "supervisord/loglevel.h"

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
