/*
 * notify: sd_notify(3) without libsystemd.  The protocol is one datagram
 * per message, "KEY=value" lines, sent to the AF_UNIX socket that
 * NOTIFY_SOCKET names; systemd reads the sender's credentials itself, so
 * nothing more is needed.  Which moments to report (startup done, reload,
 * shutdown) is main.c's decision; the STATUS= summary is computed here
 * from the daemon's program list, coalesced to one per loop iteration.
 */
#include <sys/socket.h>
#include <sys/types.h>
#include <sys/un.h>

#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <ev.h>

#include "supervisord/log.h"
#include "supervisord/notify.h"
#include "supervisord/program.h"
#include "supervisord/status.h"
#include "supervisord/supervisor.h"

static int		 ntf_fd = -1;
static struct sockaddr_un ntf_addr;
static socklen_t	 ntf_addrlen;
static struct ev_loop	*ntf_loop;
static const struct supervisor *ntf_sup;	/* whose counts STATUS= says */
static ev_timer		 watchdog;
static ev_prepare	 status_w;
static char		 last_status[256];
static bool		 failing;	/* in an episode of failed sends */
static unsigned long	 nfailed;

int
ntf_send(const char *msg)
{
	ssize_t	 n;

	if (ntf_fd == -1) {
		errno = ENOTCONN;
		return -1;
	}
	/*
	 * sendto every time rather than connect once: systemd binds its
	 * socket anew when it re-executes, and a connected datagram socket
	 * would keep pointing at the old one.
	 */
	do {
		n = sendto(ntf_fd, msg, strlen(msg), MSG_NOSIGNAL,
		    (struct sockaddr *)&ntf_addr, ntf_addrlen);
	} while (n == -1 && errno == EINTR);
	if (n == -1) {
		nfailed++;
		if (!failing)
			log_warn("couldn't notify systemd");
		failing = true;
		return -1;
	}
	if (failing)
		log_info("notifying systemd works again after %lu failed "
		    "message%s", nfailed, nfailed == 1 ? "" : "s");
	failing = false;
	nfailed = 0;
	return 0;
}

/* Send msg followed by the current STATUS= line. */
static void
send_with_status(const char *msg)
{
	char	 buf[512];

	st_counts(ntf_sup, last_status, sizeof(last_status));
	snprintf(buf, sizeof(buf), "%sSTATUS=%s", msg, last_status);
	(void)ntf_send(buf);
}

static void
status_cb(struct ev_loop *loop, ev_prepare *w, int revents)
{
	char	 now[sizeof(last_status)], buf[sizeof(now) + 16];

	(void)revents;
	ev_prepare_stop(loop, w);
	st_counts(ntf_sup, now, sizeof(now));
	if (strcmp(now, last_status) == 0)
		return;
	memcpy(last_status, now, sizeof(last_status));
	snprintf(buf, sizeof(buf), "STATUS=%s", now);
	(void)ntf_send(buf);
}

static void
watchdog_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	(void)loop;
	(void)w;
	(void)revents;
	(void)ntf_send("WATCHDOG=1");
}

/* As sd_watchdog_enabled: the interval in µs, 0 when not asked of us. */
static unsigned long long
watchdog_usec(void)
{
	const char		*s, *p;
	char			*end;
	unsigned long long	 usec;
	long			 pid;

	if ((s = getenv("WATCHDOG_USEC")) == NULL)
		return 0;
	errno = 0;
	usec = strtoull(s, &end, 10);
	if (errno != 0 || end == s || *end != '\0' || usec == 0 ||
	    *s == '-') {
		log_warnx("WATCHDOG_USEC: invalid value '%s': no watchdog "
		    "pings", s);
		return 0;
	}
	/* Without WATCHDOG_PID the pings are ours to send. */
	if ((p = getenv("WATCHDOG_PID")) != NULL) {
		errno = 0;
		pid = strtol(p, &end, 10);
		if (errno != 0 || end == p || *end != '\0' ||
		    pid != (long)getpid())
			return 0;
	}
	return usec;
}

int
ntf_init(const struct supervisor *sup)
{
	struct ev_loop		*loop = sup->loop;
	const char		*s;
	size_t			 len;
	unsigned long long	 usec;
	int			 fd;

	if ((s = getenv("NOTIFY_SOCKET")) == NULL || *s == '\0')
		return 0;
	len = strlen(s);
	memset(&ntf_addr, 0, sizeof(ntf_addr));
	ntf_addr.sun_family = AF_UNIX;
	if ((*s != '/' && *s != '@') || len >= sizeof(ntf_addr.sun_path)) {
		log_warnx("NOTIFY_SOCKET: unusable address '%s' (a path or "
		    "@abstract name of at most %zu bytes): not notifying "
		    "systemd", s, sizeof(ntf_addr.sun_path) - 1);
		return -1;
	}
	memcpy(ntf_addr.sun_path, s, len);
	/* An abstract name: a leading NUL, and no terminating one counted. */
	if (*s == '@')
		ntf_addr.sun_path[0] = '\0';
	ntf_addrlen = (socklen_t)(offsetof(struct sockaddr_un, sun_path) +
	    len + (*s == '@' ? 0 : 1));
	if ((fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK,
	    0)) == -1) {
		log_warn("NOTIFY_SOCKET: socket");
		return -1;
	}
	ntf_fd = fd;
	ntf_loop = loop;
	ntf_sup = sup;
	ev_prepare_init(&status_w, status_cb);
	ev_timer_init(&watchdog, watchdog_cb, 0., 0.);
	if ((usec = watchdog_usec()) > 0) {
		ev_timer_set(&watchdog, usec / 2e6, usec / 2e6);
		ev_timer_start(loop, &watchdog);
		log_info("systemd watchdog: a ping every %.3f s",
		    usec / 2e6);
	}
	log_debug("notifying systemd at %s", s);
	return 1;
}

void
ntf_ready(void)
{
	if (ntf_fd != -1)
		send_with_status("READY=1\n");
}

void
ntf_reloading(void)
{
	struct timespec	 ts;
	char		 buf[96];

	if (ntf_fd == -1)
		return;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	snprintf(buf, sizeof(buf), "RELOADING=1\nMONOTONIC_USEC=%" PRIu64,
	    (uint64_t)ts.tv_sec * 1000000 + (uint64_t)ts.tv_nsec / 1000);
	(void)ntf_send(buf);
}

void
ntf_stopping(void *arg)
{
	(void)arg;
	if (ntf_fd != -1)
		send_with_status("STOPPING=1\n");
}

void
ntf_changed(void *arg, struct sv_program *p)
{
	(void)arg;
	(void)p;
	if (ntf_fd != -1 && !ev_is_active(&status_w))
		ev_prepare_start(ntf_loop, &status_w);
}

void
ntf_close(void)
{
	if (ntf_fd == -1)
		return;
	ev_prepare_stop(ntf_loop, &status_w);
	ev_timer_stop(ntf_loop, &watchdog);
	close(ntf_fd);
	ntf_fd = -1;
	ntf_loop = NULL;
}
