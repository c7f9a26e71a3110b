/*
 * status: supervisorctl's words for the daemon's state (see status.h).
 * The formats are supervisor 4.2.5's: supervisorctl.py's _show_statuses
 * for the lines, rpcinterface.py's getProcessInfo for the descriptions.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "libproc/reap.h"
#include "supervisord/log.h"
#include "supervisord/program.h"
#include "supervisord/status.h"
#include "supervisord/supervisor.h"

const char *
st_uptime(long secs, char *buf, size_t len)
{
	long	days = secs / 86400;

	secs %= 86400;
	if (days > 0)
		snprintf(buf, len, "%ld day%s, %ld:%02ld:%02ld", days,
		    days == 1 ? "" : "s", secs / 3600, secs / 60 % 60,
		    secs % 60);
	else
		snprintf(buf, len, "%ld:%02ld:%02ld", secs / 3600,
		    secs / 60 % 60, secs % 60);
	return buf;
}

bool
st_healthy(const struct sv_program *p)
{
	/* want_up: what the operator (or autostart) last asked for. */
	if (!p->want_up)
		return true;
	switch (p->state) {
	case SV_RUNNING:
		return true;
	case SV_EXITED:
		return p->expected && sv_ended(p);
	default:
		return false;
	}
}

const char *
st_describe(const struct sv_program *p, time_t now, char *buf, size_t len)
{
	char		up[64];
	struct tm	tm;

	switch (p->state) {
	case SV_RUNNING:
		st_uptime(now > p->laststart ? (long)(now - p->laststart) : 0,
		    up, sizeof(up));
		snprintf(buf, len, "pid %d, uptime %s", (int)p->pid, up);
		/* Ours: a ready=notify program's STATUS=, after the pid,
		 * which scripts take from here. */
		if (p->note != NULL && !p->dep_wait) {
			size_t	n = strlen(buf);

			snprintf(buf + n, len - n, ", %s", p->note);
		}
		break;
	case SV_FATAL:
	case SV_BACKOFF:
		if (p->spawnerr != NULL)
			snprintf(buf, len, "%s", p->spawnerr);
		else
			snprintf(buf, len, "unknown error (try \"tail %s\")",
			    p->cfg->name);
		/* Ours: a retry that never gives up says when it comes. */
		if (p->state == SV_BACKOFF && p->cfg->retry_forever) {
			/* Its BACKOFF timer (libev's calls take no const). */
			ev_timer *t = (ev_timer *)(uintptr_t)&p->timer;
			size_t	n = strlen(buf);

			snprintf(buf + n, len - n, "; try %d, next in %.0f s",
			    p->backoff + 1, ev_is_active(t) ?
			    ev_timer_remaining(p->ctx->loop, t) : 0.);
		}
		break;
	case SV_STOPPED:
	case SV_EXITED:
		if (p->dep_wait && p->note != NULL) {
			snprintf(buf, len, "%s", p->note);
		} else if (p->fd_wait) {
			snprintf(buf, len, "waiting for a descriptor");
		} else if (p->laststart == 0) {
			snprintf(buf, len, "Not started");
		} else {
			localtime_r(&p->laststop, &tm);
			strftime(buf, len, "%b %d %I:%M %p", &tm);
		}
		break;
	default:
		buf[0] = '\0';
		break;
	}
	return buf;
}

const char *
st_line(const struct sv_program *p, size_t width, time_t now, char *buf,
    size_t len)
{
	char	spec[512], desc[512];

	sv_namespec(p, spec, sizeof(spec));
	st_describe(p, now, desc, sizeof(desc));
	snprintf(buf, len, "%-*s%-10s%s", (int)width + 3, spec,
	    sv_state_name(p->state), desc);
	return buf;
}

size_t
st_width(const struct supervisor *s)
{
	struct sv_program *p;
	char		 spec[512];
	size_t		 width = 30, l;

	TAILQ_FOREACH(p, &s->programs, entry) {
		l = strlen(sv_namespec(p, spec, sizeof(spec)));
		if (l > width)
			width = l;
	}
	return width;
}

const char *
st_counts(const struct supervisor *s, char *buf, size_t len)
{
	struct sv_program *p;
	size_t		 n[SV_NSTATES] = { 0 }, off = 0;
	int		 st, r;

	TAILQ_FOREACH(p, &s->programs, entry)
		n[p->state]++;
	buf[0] = '\0';
	for (st = 0; st < SV_NSTATES; st++) {
		if (n[st] == 0)
			continue;
		r = snprintf(buf + off, len - off, "%s%zu %s", off ? ", " : "",
		    n[st], sv_state_name(st));
		if (r < 0 || (size_t)r >= len - off)
			break;
		off += (size_t)r;
	}
	if (off == 0)
		snprintf(buf, len, "no processes");
	return buf;
}

void
st_dump(const struct supervisor *s, const struct st_dump_info *info)
{
	struct sv_program **v;
	const struct sv_program *p;
	char		 line[1536], counts[256], up[64], text[128];
	char		 dropped[64];
	size_t		 i, n, width = st_width(s);
	time_t		 now = time(NULL);

	st_uptime(now > s->started ? (long)(now - s->started) : 0, up,
	    sizeof(up));
	log_info("status: supervisord pid %d, uptime %s, config %s: %s",
	    (int)getpid(), up, info->configfile, st_counts(s, counts,
	    sizeof(counts)));
	if (info->fwd_lines > 0)
		log_info("status: %llu lines (%llu bytes) of forwarded output "
		    "dropped", info->fwd_lines, info->fwd_bytes);
	if (info->log_lost > 0)
		log_info("status: %llu lines of the daemon's log were lost "
		    "(the log file refused them)", info->log_lost);
	v = sup_snapshot(s, false, &n);
	for (i = 0; i < n; i++) {
		p = v[i];
		st_line(p, width, now, line, sizeof(line));
		/* Output its log files refused: full disk, vanished dir. */
		dropped[0] = '\0';
		if (p->out.dropped + p->err.dropped > 0)
			snprintf(dropped, sizeof(dropped), ", log bytes "
			    "dropped %llu", p->out.dropped + p->err.dropped);
		if (p->laststop != 0)
			log_info("%s (restarts %lu, last exit: %s%s)", line,
			    p->restarts, proc_exit_text(p->status, text,
			    sizeof(text)), dropped);
		else
			log_info("%s (restarts %lu%s)", line, p->restarts,
			    dropped);
	}
	free(v);
}
