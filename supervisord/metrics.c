/*
 * metrics: GET /metrics (see metrics.h).  A scrape keeps where it is: the
 * family being written and the next process of it.  When the list
 * changed between two fills (a reload added, moved or freed a program),
 * that pointer may be stale and the order other: the family ends there.
 * A series may be missing from that one scrape, never written twice.
 */
#include <sys/types.h>
#include <sys/wait.h>

#include <dirent.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "supervisord/http.h"
#include "supervisord/metrics.h"
#include "supervisord/program.h"
#include "supervisord/supervisor.h"
#include "supervisord/version.h"

#define MT_CTYPE	"text/plain; version=0.0.4; charset=utf-8"
#define MT_LINE		4096		/* a process's lines of one family */

struct metrics {
	struct supervisor	*s;
};

/* The families written for each process, in this order. */
enum mt_fam {
	MF_STATE = 0,
	MF_READY,
	MF_PID,
	MF_START,
	MF_RESTARTS,
	MF_EXIT,
	MF_LOG_BYTES,
	MF_LOG_DROPPED,
	MF_N
};

static const struct {
	const char	*name;
	const char	*type;
	const char	*help;
} fams[MF_N] = {
	[MF_STATE] = { "supervisord_process_state", "gauge",
	    "1 for the state the process is in, 0 for the others." },
	[MF_READY] = { "supervisord_process_ready", "gauge",
	    "1 while the process is RUNNING (ready, where ready= says how)." },
	[MF_PID] = { "supervisord_process_pid", "gauge",
	    "The process's pid, 0 when it has none." },
	[MF_START] = { "supervisord_process_start_time_seconds", "gauge",
	    "When the process was last started, in seconds since the epoch; "
	    "0 if never." },
	[MF_RESTARTS] = { "supervisord_process_restarts_total", "counter",
	    "Starts of the process after its first." },
	[MF_EXIT] = { "supervisord_process_exit_status", "gauge",
	    "The process's last exit status; -1 when a signal ended it, 0 "
	    "before its first exit." },
	[MF_LOG_BYTES] = { "supervisord_process_log_bytes_total", "counter",
	    "Bytes the process wrote to the stream." },
	[MF_LOG_DROPPED] = { "supervisord_process_log_dropped_bytes_total",
	    "counter", "Bytes of the stream a destination refused (a full "
	    "disk, a reader gone)." },
};

/* supervisor's states, UNKNOWN too, as the state label's values. */
static const char *const states[] = { "STOPPED", "STARTING", "RUNNING",
    "BACKOFF", "STOPPING", "EXITED", "FATAL", "UNKNOWN" };

struct scrape {
	struct supervisor	*s;
	int			 fam;	/* -1: the daemon's; MF_N: done */
	bool			 begun;	/* fam's HELP and TYPE written */
	struct sv_program	*next;	/* fam's next process, or NULL */
	unsigned long		 moves;	/* s->moves when fam began */
};

/* A label value: \, " and newline escaped. */
static size_t
esc(char *out, size_t cap, const char *v)
{
	size_t	n = 0;

	for (; *v != '\0' && n + 3 < cap; v++) {
		if (*v == '\\' || *v == '"') {
			out[n++] = '\\';
			out[n++] = *v;
		} else if (*v == '\n') {
			out[n++] = '\\';
			out[n++] = 'n';
		} else
			out[n++] = *v;
	}
	out[n] = '\0';
	return n;
}

static void
put(struct http_req *rq, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
put(struct http_req *rq, const char *fmt, ...)
{
	char	buf[MT_LINE];
	va_list	ap;
	int	n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (n > 0)
		http_write(rq, buf, (size_t)n < sizeof(buf) ? (size_t)n :
		    sizeof(buf) - 1);
}

static void
head(struct http_req *rq, const char *name, const char *type,
    const char *help)
{
	put(rq, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

/* Resident bytes, from /proc/self/statm; 0 if unknown. */
static unsigned long long
rss_bytes(void)
{
	char		 buf[128];
	unsigned long	 size, res;
	ssize_t		 n;
	int		 fd;

	if ((fd = open("/proc/self/statm", O_RDONLY | O_CLOEXEC)) == -1)
		return 0;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return 0;
	buf[n] = '\0';
	if (sscanf(buf, "%lu %lu", &size, &res) != 2)
		return 0;
	return (unsigned long long)res *
	    (unsigned long long)sysconf(_SC_PAGESIZE);
}

/* Open descriptors, from /proc/self/fd (less the directory's own). */
static long
open_fds(void)
{
	struct dirent	*d;
	DIR		*dir;
	long		 n = 0;

	if ((dir = opendir("/proc/self/fd")) == NULL)
		return -1;
	while ((d = readdir(dir)) != NULL)
		if (d->d_name[0] != '.')
			n++;
	closedir(dir);
	return n - 1;
}

static void
daemon_part(struct scrape *sc, struct http_req *rq)
{
	struct supervisor *s = sc->s;
	struct sv_program *p;
	size_t		 n = 0;

	head(rq, "supervisord_info", "gauge", "The daemon's version.");
	put(rq, "supervisord_info{version=\"%s\"} 1\n", SUPERVISORD_VERSION);
	head(rq, "supervisord_start_time_seconds", "gauge",
	    "When the daemon started, in seconds since the epoch.");
	put(rq, "supervisord_start_time_seconds %lld\n",
	    (long long)s->started);
	head(rq, "supervisord_resident_memory_bytes", "gauge",
	    "The daemon's resident memory.");
	put(rq, "supervisord_resident_memory_bytes %llu\n", rss_bytes());
	head(rq, "supervisord_open_fds", "gauge",
	    "The daemon's open file descriptors.");
	put(rq, "supervisord_open_fds %ld\n", open_fds());
	head(rq, "supervisord_reloads_total", "counter",
	    "Configurations applied by a reload (SIGHUP, update).");
	put(rq, "supervisord_reloads_total %lu\n", s->reloads);
	head(rq, "supervisord_processes", "gauge",
	    "Processes in the configuration in force.");
	/* Not those a reload removed that are still stopping. */
	TAILQ_FOREACH(p, &s->programs, entry)
		n += !p->doomed;
	put(rq, "supervisord_processes %zu\n", n);
}

/* The last wait status's code: -1 for a signal, 0 before any exit. */
static int
exit_of(const struct sv_program *p)
{
	if (p->laststop == 0)
		return 0;
	if (WIFEXITED(p->status))
		return WEXITSTATUS(p->status);
	return WIFSIGNALED(p->status) ? -1 : 0;
}

/* p's lines of family f. */
static void
process_part(struct http_req *rq, int f, const struct sv_program *p)
{
	char		 g[1024], n[1024], lab[2100];
	const char	*name = fams[f].name;
	size_t		 i;

	esc(g, sizeof(g), p->cfg->group);
	esc(n, sizeof(n), p->cfg->name);
	snprintf(lab, sizeof(lab), "group=\"%s\",name=\"%s\"", g, n);
	switch (f) {
	case MF_STATE:
		for (i = 0; i < sizeof(states) / sizeof(states[0]); i++)
			put(rq, "%s{%s,state=\"%s\"} %d\n", name, lab,
			    states[i], i < SV_NSTATES &&
			    (enum sv_state)i == p->state);
		break;
	case MF_READY:
		put(rq, "%s{%s} %d\n", name, lab, p->state == SV_RUNNING);
		break;
	case MF_PID:
		put(rq, "%s{%s} %d\n", name, lab, (int)p->pid);
		break;
	case MF_START:
		put(rq, "%s{%s} %lld\n", name, lab, (long long)p->laststart);
		break;
	case MF_RESTARTS:
		put(rq, "%s{%s} %lu\n", name, lab, p->restarts);
		break;
	case MF_EXIT:
		put(rq, "%s{%s} %d\n", name, lab, exit_of(p));
		break;
	case MF_LOG_BYTES:
		put(rq, "%s{%s,stream=\"stdout\"} %llu\n%s{%s,stream=\"stderr\"} "
		    "%llu\n", name, lab, p->out.bytes, name, lab, p->err.bytes);
		break;
	case MF_LOG_DROPPED:
		put(rq, "%s{%s,stream=\"stdout\"} %llu\n%s{%s,stream=\"stderr\"} "
		    "%llu\n", name, lab, p->out.dropped, name, lab,
		    p->err.dropped);
		break;
	}
}

/* The next process of the family, none if the list changed meanwhile. */
static struct sv_program *
resume(struct scrape *sc)
{
	if (sc->moves != sc->s->moves)
		sc->next = NULL;	/* the family ends here */
	return sc->next;
}

static enum http_fill
scrape_fill(void *arg, struct http_req *rq)
{
	struct scrape	*sc = arg;
	struct sv_program *p;

	while (http_room(rq) > 0) {
		if (sc->fam == -1) {
			daemon_part(sc, rq);
			sc->fam = 0;
			continue;
		}
		if (sc->fam == MF_N)
			return HTTP_FILL_DONE;
		if (!sc->begun) {
			head(rq, fams[sc->fam].name, fams[sc->fam].type,
			    fams[sc->fam].help);
			sc->begun = true;
			sc->next = TAILQ_FIRST(&sc->s->programs);
			sc->moves = sc->s->moves;
			continue;
		}
		if ((p = resume(sc)) == NULL) {
			sc->fam++;
			sc->begun = false;
			continue;
		}
		process_part(rq, sc->fam, p);
		sc->next = TAILQ_NEXT(p, entry);
	}
	return sc->fam == MF_N ? HTTP_FILL_DONE : HTTP_FILL_MORE;
}

static void
scrape_free(void *arg)
{
	free(arg);
}

static void
metrics_cb(void *arg, struct http_req *rq)
{
	struct metrics	*m = arg;
	struct http_producer prod;
	struct scrape	*sc;
	const char	*method = http_info(rq)->method;

	if (strcmp(method, "GET") != 0 && strcmp(method, "HEAD") != 0) {
		http_error(rq, 405);
		return;
	}
	if ((sc = calloc(1, sizeof(*sc))) == NULL) {
		http_error(rq, 500);
		return;
	}
	sc->s = m->s;
	sc->fam = -1;
	prod.fill = scrape_fill;
	prod.free = scrape_free;
	prod.arg = sc;
	http_stream(rq, 200, MT_CTYPE, "Cache-Control: no-store\r\n",
	    HTTP_STREAM_BUFFERED, &prod);
}

struct metrics *
metrics_route(struct http_server *hs, struct supervisor *s)
{
	struct metrics	*m;

	if ((m = calloc(1, sizeof(*m))) == NULL)
		return NULL;
	m->s = s;
	if (http_route(hs, "/metrics", HTTP_EXACT, metrics_cb, m) == -1) {
		free(m);
		return NULL;
	}
	return m;
}

void
metrics_free(struct metrics *m)
{
	free(m);
}
