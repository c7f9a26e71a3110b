/*
 * config_group: process_groups_from_parser: groups, event listeners,
 * FastCGI programs.
 */
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/utsname.h>

#include <ctype.h>
#include <errno.h>
#include <glob.h>
#include <grp.h>
#include <limits.h>
#include <pwd.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "supervisord/config_defs.h"
#include "supervisord/config_util.h"
#include "supervisord/config_mem.h"
#include "supervisord/config_ini.h"
#include "supervisord/config_expand.h"
#include "supervisord/config_types.h"
#include "supervisord/config_keys.h"
#include "supervisord/config_program.h"
#include "supervisord/config_group.h"

/* Groups: process_groups_from_parser. */

static struct bgroup *
groups_add(struct groups *gs, const char *name, enum cfg_kind kind,
    int priority)
{
	struct bgroup	*b;

	gs->g = cu_realloc(gs->g, gs->n + 1, sizeof(*gs->g));
	b = &gs->g[gs->n];
	memset(b, 0, sizeof(*b));
	b->g.name = cu_strdup(name);
	b->g.kind = kind;
	b->g.priority = priority;
	b->g.socket_mode = -1;
	b->g.socket_backlog = -1;
	b->order = gs->n++;
	return b;
}


/*
 * Priorities as Python compares them: clamped ones by their text (a sign,
 * then more digits is more), so that 10**20 still sorts after 10**19.
 */
static int
prio_cmp(const struct cfg_group *a, const struct cfg_group *b)
{
	const char	*ta, *tb;
	char		 ba[24], bb[24];
	size_t		 la, lb;
	int		 sa, sb, c;

	ta = cfg_big(a->big, a->nbig, "priority");
	tb = cfg_big(b->big, b->nbig, "priority");
	if (ta == NULL && tb == NULL)
		return a->priority < b->priority ? -1 :
		    a->priority > b->priority;
	if (ta == NULL) {
		snprintf(ba, sizeof(ba), "%d", a->priority);
		ta = ba;
	}
	if (tb == NULL) {
		snprintf(bb, sizeof(bb), "%d", b->priority);
		tb = bb;
	}
	sa = *ta == '-' ? -1 : 1;
	sb = *tb == '-' ? -1 : 1;
	if (sa != sb)
		return sa < sb ? -1 : 1;
	ta += *ta == '-';
	tb += *tb == '-';
	la = strlen(ta);
	lb = strlen(tb);
	c = la != lb ? (la < lb ? -1 : 1) : strcmp(ta, tb);
	return sa * (c < 0 ? -1 : c > 0);
}

static int
bgroup_cmp(const void *a, const void *b)
{
	const struct bgroup	*ga = a, *gb = b;
	int			 c;

	if ((c = prio_cmp(&ga->g, &gb->g)) != 0)
		return c;
	if ((c = strcmp(ga->g.name, gb->g.name)) != 0)
		return c;
	return ga->order < gb->order ? -1 : ga->order > gb->order;
}

static const struct { const char *name, *cls; } event_types[] = {
	{ "EVENT", "Event" },
	{ "PROCESS_STATE", "ProcessStateEvent" },
	{ "PROCESS_STATE_STOPPED", "ProcessStateStoppedEvent" },
	{ "PROCESS_STATE_EXITED", "ProcessStateExitedEvent" },
	{ "PROCESS_STATE_STARTING", "ProcessStateStartingEvent" },
	{ "PROCESS_STATE_STOPPING", "ProcessStateStoppingEvent" },
	{ "PROCESS_STATE_BACKOFF", "ProcessStateBackoffEvent" },
	{ "PROCESS_STATE_FATAL", "ProcessStateFatalEvent" },
	{ "PROCESS_STATE_RUNNING", "ProcessStateRunningEvent" },
	{ "PROCESS_STATE_UNKNOWN", "ProcessStateUnknownEvent" },
	{ "PROCESS_COMMUNICATION", "ProcessCommunicationEvent" },
	{ "PROCESS_COMMUNICATION_STDOUT", "ProcessCommunicationStdoutEvent" },
	{ "PROCESS_COMMUNICATION_STDERR", "ProcessCommunicationStderrEvent" },
	{ "PROCESS_LOG", "ProcessLogEvent" },
	{ "PROCESS_LOG_STDOUT", "ProcessLogStdoutEvent" },
	{ "PROCESS_LOG_STDERR", "ProcessLogStderrEvent" },
	{ "REMOTE_COMMUNICATION", "RemoteCommunicationEvent" },
	{ "SUPERVISOR_STATE_CHANGE", "SupervisorStateChangeEvent" },
	{ "SUPERVISOR_STATE_CHANGE_RUNNING", "SupervisorRunningEvent" },
	{ "SUPERVISOR_STATE_CHANGE_STOPPING", "SupervisorStoppingEvent" },
	{ "TICK", "TickEvent" },
	{ "TICK_5", "Tick5Event" },
	{ "TICK_60", "Tick60Event" },
	{ "TICK_3600", "Tick3600Event" },
	{ "PROCESS_GROUP", "ProcessGroupEvent" },
	{ "PROCESS_GROUP_ADDED", "ProcessGroupAddedEvent" },
	{ "PROCESS_GROUP_REMOVED", "ProcessGroupRemovedEvent" },
};

static int
ld_listener(struct ld *ld, struct ini_sect *s, struct groups *gs)
{
	struct xctx	 x = { &ld->envx, NULL, ld->here, NULL, NULL, NULL,
			    false, 0, 0 };
	struct bgroup	*b;
	const char	*name = strchr(s->name, ':') + 1;
	char		*v, **ev, *bp = NULL, *bb = NULL;
	size_t		 nev, i, j, k;
	int		 prio, bufsz;

	if (cfg_get_iint(ld, s, "priority", "-1", &x, &prio, &bp) == -1 ||
	    cfg_get_iint(ld, s, "buffer_size", "10", &x, &bufsz, &bb) == -1)
		goto bad;
	if (bufsz < 1) {
		if (bb != NULL)
			cfg_kerr(ld, s, "buffer_size", "invalid buffer_size "
			    "(%s): at least 1", bb);
		else
			cfg_kerr(ld, s, "buffer_size", "invalid buffer_size "
			    "(%d): at least 1", bufsz);
		goto bad;
	}
	if (cfg_sget(ld, s, "result_handler",
	    "supervisor.dispatchers:default_handler", &x, &v) == -1)
		goto bad;
	if (!ty_spec_ok(v) || !ty_spec_known(v)) {
		cfg_kerr(ld, s, "result_handler", "%s cannot be resolved: %s",
		    v, ty_spec_ok(v) ? "this daemon runs no Python code" :
		    "not a Python import spec (module:attribute)");
		cu_free(v);
		goto bad;
	}
	b = groups_add(gs, name, CFG_KIND_EVENTLISTENER, prio);
	cfg_big_add(&b->g.big, &b->g.nbig, "priority", bp);
	cfg_big_add(&b->g.big, &b->g.nbig, "buffer_size", bb);
	bp = bb = NULL;
	b->g.buffer_size = bufsz;
	b->g.result_handler = v;
	if (cfg_sget(ld, s, "events", "", &x, &v) == -1)
		return -1;
	ev = cu_split_commas(v, &nev);
	cu_free(v);
	for (i = 0; i < nev; i++) {
		cu_lower(ev[i]);
		for (j = 0; ev[i][j] != '\0'; j++)
			ev[i][j] = (char)toupper((unsigned char)ev[i][j]);
		for (k = 0; k < sizeof(event_types) / sizeof(event_types[0]);
		    k++)
			if (strcmp(event_types[k].name, ev[i]) == 0)
				break;
		if (k == sizeof(event_types) / sizeof(event_types[0])) {
			cfg_kerr(ld, s, "events", "unknown event type %s",
			    ev[i]);
			cu_strv_free(ev, nev);
			return -1;
		}
		for (j = 0; j < b->g.nevents; j++)
			if (strcmp(b->g.events[j], event_types[k].cls) == 0)
				break;
		if (j == b->g.nevents) {
			b->g.events = cu_realloc(b->g.events, b->g.nevents + 1,
			    sizeof(char *));
			b->g.events[b->g.nevents++] =
			    cu_strdup(event_types[k].cls);
		}
	}
	cu_strv_free(ev, nev);
	if (b->g.nevents == 0) {
		cfg_kerr(ld, s, "events", "an [eventlistener:x] section "
		    "requires an \"events\" line");
		return -1;
	}
	if (b->g.nevents > 1)
		qsort(b->g.events, b->g.nevents, sizeof(char *), cu_strcmp);
	return ld_procs(ld, s, name, CFG_KIND_EVENTLISTENER, b);
bad:
	cu_free(bp);
	cu_free(bb);
	return -1;
}

/*
 * The socket keys of the [fcgi-program:x] section s (name: its x) into
 * g's socket fields, as supervisor's options.py reads them; a clamped
 * socket_mode's text to *bm.  0, or -1 (reported).
 */
static int
ld_fcgi_socket(struct ld *ld, struct ini_sect *s, const char *name,
    struct cfg_group *g, char **bm)
{
	struct xctx	 x = { &ld->envx, NULL, ld->here, NULL, NULL, NULL,
			    false, 0, 0 };
	char		*v, *e, *path;
	long long	 n;
	int		 mode = -1, backlog = -1;
	uid_t		 ouid = 0, puid = 0;
	gid_t		 ogid = (gid_t)-1, pgid = 0, ugid;
	bool		 owner = false, has_puid = false;

	*bm = NULL;
	if (cfg_sget(ld, s, "user", NULL, &x, &v) == -1)
		return -1;
	if (v != NULL) {
		if (ty_uid(v, &puid, &pgid, &e) == -1) {
			cfg_kerr(ld, s, "user", "%s", e);
			cu_free(e);
			cu_free(v);
			return -1;
		}
		has_puid = true;
		cu_free(v);
	}
	if (cfg_opt(ld, s, "socket_backlog") != NULL) {
		if (cfg_get_int(ld, s, "socket_backlog", NULL, &x, 1, 65535,
		    &n, NULL) == -1)
			return -1;
		backlog = (int)n;
	}
	if (cfg_sget(ld, s, "socket_owner", NULL, &x, &v) == -1)
		return -1;
	if (v != NULL) {
		char *c = strchr(v, ':');

		if (c != NULL)
			*c = '\0';
		/* e: set only when the user is what failed.  A user alone
		 * leaves the group as it is: supervisor's gid -1. */
		e = NULL;
		if (ty_uid(v, &ouid, &ugid, &e) == -1 ||
		    (c != NULL && ty_gid(c + 1, &ogid) == -1)) {
			if (c != NULL)
				*c = ':';
			cfg_kerr(ld, s, "socket_owner", "invalid socket_owner "
			    "value %s (user or user:group)", v);
			cu_free(e);
			cu_free(v);
			return -1;
		}
		owner = true;
		cu_free(v);
	}
	if (cfg_sget(ld, s, "socket_mode", NULL, &x, &v) == -1)
		return -1;
	if (v != NULL && ty_octal(v, 4, &mode, bm) == -1) {
		cfg_kerr(ld, s, "socket_mode", "invalid socket_mode value %s",
		    v);
		cu_free(v);
		return -1;
	}
	cu_free(v);
	x.program_name = name;
	if (cfg_sget(ld, s, "socket", NULL, &x, &v) == -1)
		goto bad;
	if (v == NULL || *v == '\0') {
		cfg_kerr(ld, s, "socket", "an [fcgi-program:x] section "
		    "requires a \"socket\" line");
		cu_free(v);
		goto bad;
	}
	if (cu_has_prefix(v, "unix://")) {
		if (v[7] != '/') {
			cfg_kerr(ld, s, "socket", "unix socket path %s is not "
			    "an absolute path", v + 7);
			cu_free(v);
			goto bad;
		}
		path = cu_normpath(v + 7);
		cu_free(v);
		v = cu_asprintf("unix://%s", path);
		cu_free(path);
		if (!owner && has_puid && puid != getuid()) {
			owner = true;
			ouid = puid;
			ogid = pgid;
		}
		if (mode == -1)
			mode = 0700;
	} else {
		const char *c = NULL, *q;
		char *h;

		if (owner || mode != -1) {
			cfg_kerr(ld, s, "socket", "socket_owner and "
			    "socket_mode only apply to a unix domain socket");
			cu_free(v);
			goto bad;
		}
		if (cu_has_prefix(v, "tcp://"))
			c = strrchr(v + 6, ':');
		/* re's \d+: any Unicode decimal digit, then int(). */
		q = c != NULL ? c + 1 : NULL;
		while (q != NULL && *q != '\0') {
			const unsigned char *u = (const unsigned char *)q;
			long cp = ty_u8_next(&u);

			if (cp == -1 || ty_ascii(cp) < '0' ||
			    ty_ascii(cp) > '9')
				break;
			q = (const char *)u;
		}
		if (c == NULL || c == v + 6 || c[1] == '\0' || *q != '\0' ||
		    strpbrk(v + 6, " \t:") != c ||
		    ty_int(c + 1, &n) == -1 || n < 1 || n > 65535) {
			cfg_kerr(ld, s, "socket", "bad socket format %s", v);
			cu_free(v);
			goto bad;
		}
		h = cu_strndup(v + 6, (size_t)(c - v - 6));
		cu_lower(h);
		cu_free(v);
		v = cu_asprintf("tcp://%s:%lld", h, n);
		cu_free(h);
	}
	g->socket = v;
	g->socket_mode = mode;
	g->socket_backlog = backlog;
	g->has_socket_owner = owner;
	g->socket_uid = ouid;
	g->socket_gid = ogid;
	return 0;
bad:
	cu_free(*bm);
	*bm = NULL;
	return -1;
}

/* The socket of g to each process that ld_procs added from first on. */
static void
procs_socket(struct bgroup *b, size_t first, const struct cfg_group *g)
{
	struct cfg_program	*p;
	size_t			 i;

	for (i = first; i < b->n; i++) {
		p = b->p[i];
		p->socket = cu_strdup(g->socket);
		p->socket_mode = g->socket_mode;
		p->socket_backlog = g->socket_backlog;
		p->has_socket_owner = g->has_socket_owner;
		p->socket_uid = g->socket_uid;
		p->socket_gid = g->socket_gid;
	}
}

static int
ld_fcgi(struct ld *ld, struct ini_sect *s, struct groups *gs)
{
	struct xctx	 x = { &ld->envx, NULL, ld->here, NULL, NULL, NULL,
			    false, 0, 0 };
	struct cfg_group sg;
	struct bgroup	*b;
	char		*name, *e, *bp = NULL, *bm = NULL;
	size_t		 first;
	int		 prio;

	if ((name = ty_name(strchr(s->name, ':') + 1, &e)) == NULL) {
		cfg_kerr(ld, s, NULL, "%s", e);
		cu_free(e);
		return -1;
	}
	memset(&sg, 0, sizeof(sg));
	if (cfg_get_iint(ld, s, "priority", "999", &x, &prio, &bp) == -1 ||
	    ld_fcgi_socket(ld, s, name, &sg, &bm) == -1)
		goto bad;
	b = groups_add(gs, name, CFG_KIND_FCGI, prio);
	cfg_big_add(&b->g.big, &b->g.nbig, "priority", bp);
	cfg_big_add(&b->g.big, &b->g.nbig, "socket_mode", bm);
	bp = bm = NULL;
	b->g.socket = sg.socket;
	b->g.socket_mode = sg.socket_mode;
	b->g.socket_backlog = sg.socket_backlog;
	b->g.has_socket_owner = sg.has_socket_owner;
	b->g.socket_uid = sg.socket_uid;
	b->g.socket_gid = sg.socket_gid;
	first = b->n;
	if (ld_procs(ld, s, name, CFG_KIND_FCGI, b) == -1)
		goto bad;
	procs_socket(b, first, &b->g);
	cu_free(name);
	return 0;
bad:
	cu_free(bp);
	cu_free(bm);
	cu_free(name);
	return -1;
}

/*
 * An [fcgi-program:x] that a [group:y] lists: supervisor 4.2.5 reads it
 * as a plain program and silently gives it no socket.  Here it keeps its
 * socket keys, checked as in its own group, since its socket is the
 * only reason to write one.
 */
static void
ld_grouped_fcgi(struct ld *ld, struct ini_sect *s, const char *gname,
    struct bgroup *b)
{
	struct cfg_group sg;
	char		*name, *e, *bm = NULL;
	size_t		 first;

	if ((name = ty_name(strchr(s->name, ':') + 1, &e)) == NULL) {
		cfg_kerr(ld, s, NULL, "%s", e);
		cu_free(e);
		return;
	}
	memset(&sg, 0, sizeof(sg));
	if (ld_fcgi_socket(ld, s, name, &sg, &bm) == 0) {
		first = b->n;
		if (ld_procs(ld, s, gname, CFG_KIND_GROUP, b) == 0)
			procs_socket(b, first, &sg);
	}
	cu_free(sg.socket);
	cu_free(bm);
	cu_free(name);
}

void
ld_groups(struct ld *ld, struct groups *gs)
{
	struct xctx	 x = { &ld->envx, NULL, ld->here, NULL, NULL, NULL,
			    false, 0, 0 };
	struct ini_sect	*s, *ps, *fs;
	struct bgroup	*b;
	char		*gname, *v, *e, **progs, *sn, *bp;
	size_t		 i, j, nprogs;
	int		 prio;

	/* At most a group per section: room for all, grown no more. */
	gs->g = cu_realloc(gs->g, ld->ini.n + 1, sizeof(*gs->g));

	for (i = 0; i < ld->ini.n; i++) {
		s = ld->ini.s[i];
		if (s->kind != INI_GROUP)
			continue;
		cfg_warn_unknown(ld, s, "group");
		if ((gname = ty_name(s->name + 6, &e)) == NULL) {
			cfg_kerr(ld, s, NULL, "%s", e);
			cu_free(e);
			continue;
		}
		if (cfg_sget(ld, s, "programs", "", &x, &v) == -1 ||
		    cfg_get_iint(ld, s, "priority", "999", &x, &prio,
		    &bp) == -1) {
			cu_free(v);
			cu_free(gname);
			continue;
		}
		progs = cu_split_commas(v, &nprogs);
		cu_free(v);
		b = groups_add(gs, gname, CFG_KIND_GROUP, prio);
		cfg_big_add(&b->g.big, &b->g.nbig, "priority", bp);
		for (j = 0; j < nprogs; j++) {
			sn = cu_asprintf("program:%s", progs[j]);
			ps = store_find(&ld->ini, sn);
			cu_free(sn);
			sn = cu_asprintf("fcgi-program:%s", progs[j]);
			fs = store_find(&ld->ini, sn);
			cu_free(sn);
			if (ps == NULL && fs == NULL) {
				cfg_kerr(ld, s, "programs", "names unknown "
				    "program or fcgi-program %s", progs[j]);
				continue;
			}
			if (ps != NULL && fs != NULL) {
				cfg_kerr(ld, s, "programs", "name %s is "
				    "ambiguous (exists as program and "
				    "fcgi-program)", progs[j]);
				continue;
			}
			ps = ps != NULL ? ps : fs;
			ps->grouped = true;
			if (ps == fs)
				ld_grouped_fcgi(ld, ps, gname, b);
			else
				(void)ld_procs(ld, ps, gname, CFG_KIND_GROUP,
				    b);
		}
		cu_strv_free(progs, nprogs);
		cu_free(gname);
	}
	for (i = 0; i < ld->ini.n; i++) {
		s = ld->ini.s[i];
		if (s->kind != INI_PROGRAM)
			continue;
		cfg_warn_unknown(ld, s, "program");
		if (s->grouped)
			continue;
		if ((gname = ty_name(s->name + 8, &e)) == NULL) {
			cfg_kerr(ld, s, NULL, "%s", e);
			cu_free(e);
			continue;
		}
		if (cfg_get_iint(ld, s, "priority", "999", &x, &prio,
		    &bp) == 0) {
			b = groups_add(gs, gname, CFG_KIND_PROGRAM, prio);
			cfg_big_add(&b->g.big, &b->g.nbig, "priority", bp);
			(void)ld_procs(ld, s, gname, CFG_KIND_PROGRAM, b);
		}
		cu_free(gname);
	}
	for (i = 0; i < ld->ini.n; i++) {
		s = ld->ini.s[i];
		if (s->kind != INI_LISTENER)
			continue;
		cfg_warn_unknown(ld, s, "eventlistener");
		(void)ld_listener(ld, s, gs);
	}
	for (i = 0; i < ld->ini.n; i++) {
		s = ld->ini.s[i];
		if (s->kind != INI_FCGI)
			continue;
		cfg_warn_unknown(ld, s, "fcgi-program");
		if (s->grouped)
			continue;
		(void)ld_fcgi(ld, s, gs);
	}
	if (gs->n > 1)
		qsort(gs->g, gs->n, sizeof(*gs->g), bgroup_cmp);
}
