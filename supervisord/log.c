/*
 * log: the daemon's own log.  One line per message, in supervisor's shape,
 * written whole with one write(2) per destination so that lines from the
 * daemon never interleave with forwarded program output mid-line.  The file
 * rotates through libproc's rlog, which writes a line whole or not at all
 * (a write stopped by a full disk is cut back).  A refused line is
 * counted, not retried: logging must never stop the loop; the episode is
 * announced on stdout (the file cannot take it) and its count logged when
 * the file takes lines again.  Lines for stdout go through
 * output.c, which owns fd 1 once it forwards program output there (a
 * non-blocking pipe with a whole-line queue).
 */
#include <sys/time.h>

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "libproc/rlog.h"
#include "supervisord/log.h"
#include "supervisord/loglevel.h"
#include "supervisord/sink.h"

static struct {
	struct proc_rlog *file;
	int		  level;
	bool		  to_stdout;
	bool		  opened;	/* log_open was called */
	bool		  failing;	/* in an episode of refused lines */
	bool		  reporting;	/* writing the episode's report */
	unsigned long	  lost;		/* lines the file refused, in all */
	unsigned long	  lost_at;	/* lost when the episode began */
	int		  err;		/* errno of the episode's first */
} lg = { NULL, LOGLEVEL_INFO, false, false, false, false, 0, 0, 0 };

static void
log_close_file(void)
{
	proc_rlog_close(lg.file);
	lg.file = NULL;
	lg.opened = false;
}

int
log_open(const char *path, long long maxbytes, int backups, int level,
    bool to_stdout)
{
	log_close_file();
	lg.level = level;
	lg.to_stdout = to_stdout;
	lg.opened = true;
	if (path == NULL)
		return 0;
	lg.file = proc_rlog_open(path, (off_t)maxbytes, backups);
	return lg.file == NULL ? -1 : 0;
}

unsigned long
log_lost(void)
{
	return lg.lost;
}

int
log_reopen(void)
{
	if (lg.file == NULL)
		return 0;
	return proc_rlog_reopen(lg.file);
}

void
log_set_level(int level)
{
	lg.level = level;
}

/* At exit: also what output.c still queues for stdout goes out. */
void
log_close(void)
{
	sink_shutdown(NULL);
	log_close_file();
}

/*
 * One line to the log file.  A refused line starts an episode, said once
 * on stdout (in the foreground), since the file cannot take it; the first
 * line the file takes again is followed by the episode's count.
 */
static void
log_file_line(const char *line, size_t n)
{
	unsigned long	lost;

	if (proc_rlog_write(lg.file, line, n) != (ssize_t)n) {
		lg.lost++;
		if (lg.failing || lg.reporting)
			return;
		lg.failing = true;
		lg.err = errno;
		lg.lost_at = lg.lost - 1;
		log_warnx("couldn't write to the log file %s: %s: counting "
		    "the lines lost until it works", proc_rlog_path(lg.file),
		    strerror(lg.err));
		return;
	}
	if (!lg.failing || lg.reporting)
		return;
	lost = lg.lost - lg.lost_at;
	lg.reporting = true;
	log_warnx("the log file %s is writable again: %lu lines lost",
	    proc_rlog_path(lg.file), lost);
	lg.reporting = false;
	lg.failing = false;
}

void
log_vmsg(int level, const char *fmt, va_list ap)
{
	char		 line[4096], *p;
	struct timeval	 tv;
	struct tm	 tm;
	size_t		 n;
	int		 r, saved = errno;

	if (level < lg.level)
		return;
	gettimeofday(&tv, NULL);
	localtime_r(&tv.tv_sec, &tm);
	n = strftime(line, sizeof(line), "%Y-%m-%d %H:%M:%S", &tm);
	n += (size_t)snprintf(line + n, sizeof(line) - n, ",%03d %s ",
	    (int)(tv.tv_usec / 1000), loglevel_name(level));
	r = vsnprintf(line + n, sizeof(line) - n, fmt, ap);
	if (r < 0)
		r = 0;
	n += (size_t)r;
	if (n > sizeof(line) - 2)
		n = sizeof(line) - 2;
	/* One line per message: a newline in a message would fake a line. */
	for (p = line; p < line + n; p++)
		if (*p == '\n')
			*p = ' ';
	line[n++] = '\n';
	line[n] = '\0';

	if (!lg.opened) {
		sink_log_line(SINK_STDERR, line, n);
	} else {
		if (lg.to_stdout)
			sink_log_line(SINK_STDOUT, line, n);
		if (lg.file != NULL)
			log_file_line(line, n);
	}
	errno = saved;
}

void
log_msg(int level, const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	log_vmsg(level, fmt, ap);
	va_end(ap);
}

static void
vlog_errno(int level, const char *fmt, va_list ap)
    __attribute__((format(printf, 2, 0)));

static void
vlog_errno(int level, const char *fmt, va_list ap)
{
	char	buf[2048];
	int	saved = errno;

	vsnprintf(buf, sizeof(buf), fmt, ap);
	log_msg(level, "%s: %s", buf, strerror(saved));
	errno = saved;
}

void
log_crit(const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	vlog_errno(LOGLEVEL_CRIT, fmt, ap);
	va_end(ap);
}

void
log_warn(const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	vlog_errno(LOGLEVEL_WARN, fmt, ap);
	va_end(ap);
}

void
log_warnx(const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	log_vmsg(LOGLEVEL_WARN, fmt, ap);
	va_end(ap);
}

void
log_info(const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	log_vmsg(LOGLEVEL_INFO, fmt, ap);
	va_end(ap);
}

void
log_debug(const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	log_vmsg(LOGLEVEL_DEBG, fmt, ap);
	va_end(ap);
}
