/*
 * reload: apply a new configuration by difference, as bgpd's
 * merge_config.  The whole new configuration is parsed first; if it is
 * bad, nothing changes.  Processes are matched by group and name: the same
 * stanza is dropped, a policy change is swapped in place (same pid), a
 * spawn change stops the process and starts it again with the new stanza,
 * a removed process stops and is freed at rest, a new one is created.
 * Programs are freed or swapped from an idle watcher, never inside their
 * own state machine's callbacks.
 */
#include <stdlib.h>
#include <string.h>

#include <ev.h>

#include "supervisord/config.h"
#include "supervisord/control.h"
#include "supervisord/log.h"
#include "supervisord/main.h"
#include "supervisord/output.h"
#include "supervisord/program.h"
#include "supervisord/reload.h"

static ev_idle	settle;
static bool	settle_init;

static bool
same_process(const struct cfg_program *a, const struct cfg_program *b)
{
	return strcmp(a->name, b->name) == 0 && strcmp(a->group, b->group) == 0;
}

/* Swap a pending stanza in, at rest: the next spawn uses it. */
static void
swap_pending(struct sv_program *p)
{
	struct ev_loop *loop = d.loop;

	cfg_program_free(p->cfg);
	p->cfg = p->pending;		/* moved */
	p->pending = NULL;
	/* Log settings may have changed: the next spawn reopens them. */
	out_close(loop, &p->out);
	out_close(loop, &p->err);
	p->backoff = 0;
	TAILQ_REMOVE(&d.programs, p, entry);
	daemon_insert(p);
	if (p->cfg->autostart && !d.shutting_down)
		sv_event(p, SV_EV_START);
}

static void
settle_cb(struct ev_loop *loop, ev_idle *w, int revents)
{
	struct sv_program *p, *next;

	(void)revents;
	ev_idle_stop(loop, w);
	for (p = TAILQ_FIRST(&d.programs); p != NULL; p = next) {
		next = TAILQ_NEXT(p, entry);
		if (!sv_at_rest(p))
			continue;
		if (p->doomed) {
			TAILQ_REMOVE(&d.programs, p, entry);
			log_info("removed process '%s'", p->cfg->name);
			ctl_program_gone(p);
			sv_program_free(p);
		} else if (p->pending != NULL) {
			swap_pending(p);
		}
	}
}

static void
settle_soon(void)
{
	if (!settle_init) {
		ev_idle_init(&settle, settle_cb);
		settle_init = true;
	}
	ev_idle_start(d.loop, &settle);
}

void
rl_program_at_rest(struct sv_program *p)
{
	if (p->doomed || p->pending != NULL)
		settle_soon();
}

/* Take the [supervisord] settings that can change while running. */
static void
apply_daemon_settings(struct cfg *old, struct cfg *new)
{
	const char *op = old->sd.logfile, *np = new->sd.logfile;

	if ((op == NULL) != (np == NULL) || (op != NULL && strcmp(op, np)) ||
	    old->sd.logfile_maxbytes != new->sd.logfile_maxbytes ||
	    old->sd.logfile_backups != new->sd.logfile_backups) {
		if (log_open(np, new->sd.logfile_maxbytes,
		    new->sd.logfile_backups, new->sd.loglevel,
		    new->sd.nodaemon && !new->sd.silent) == -1)
			log_warn("couldn't open log file %s", np);
	} else {
		log_set_level(new->sd.loglevel);
		if (log_reopen() == -1)
			log_warn("couldn't reopen log file %s", np);
	}
}

static bool
selected(const char *group, char *const *groups, size_t ngroups)
{
	size_t	i;

	if (groups == NULL)
		return true;
	for (i = 0; i < ngroups; i++)
		if (strcmp(groups[i], group) == 0)
			return true;
	return false;
}

void
rl_apply_groups(struct cfg *newcfg, char *const *groups, size_t ngroups,
    bool force)
{
	struct sv_program *p, *next;
	struct cfg_program *np;
	enum cfg_diff	 diff;
	size_t		 i, added = 0, changed = 0, removed = 0, updated = 0;
	bool		 found;

	for (p = TAILQ_FIRST(&d.programs); p != NULL; p = next) {
		next = TAILQ_NEXT(p, entry);
		if (!selected(p->cfg->group, groups, ngroups))
			continue;
		found = false;
		for (i = 0; i < newcfg->nprograms; i++) {
			np = newcfg->programs[i];
			if (np == NULL || !same_process(p->cfg, np))
				continue;
			found = true;
			newcfg->programs[i] = NULL;	/* moved or freed */
			p->doomed = false;
			diff = force ? CFG_SPAWN : cfg_program_diff(p->cfg, np);
			switch (diff) {
			case CFG_SAME:
				cfg_program_free(np);
				break;
			case CFG_POLICY:
				cfg_program_free(p->cfg);
				p->cfg = np;
				p->out.owner = p->err.owner = np->name;
				TAILQ_REMOVE(&d.programs, p, entry);
				daemon_insert(p);
				updated++;
				break;
			case CFG_SPAWN:
				cfg_program_free(p->pending);
				p->pending = np;
				changed++;
				if (sv_at_rest(p))
					settle_soon();
				else
					sv_event(p, SV_EV_STOP);
				break;
			}
			break;
		}
		if (!found && !p->doomed) {
			p->doomed = true;
			removed++;
			if (sv_at_rest(p))
				settle_soon();
			else
				sv_event(p, SV_EV_STOP);
		}
	}
	for (i = 0; i < newcfg->nprograms; i++) {
		if ((np = newcfg->programs[i]) == NULL ||
		    !selected(np->group, groups, ngroups))
			continue;
		if ((p = sv_program_new(np)) == NULL) {
			log_crit("couldn't create program %s", np->name);
			continue;
		}
		newcfg->programs[i] = NULL;	/* moved: the program owns it */
		daemon_insert(p);
		added++;
		if (p->cfg->autostart)
			sv_event(p, SV_EV_START);
	}
	apply_daemon_settings(d.cfg, newcfg);
	TAILQ_FOREACH(p, &d.programs, entry)
		sv_reopen_logs(p);
	cfg_free(d.cfg);
	d.cfg = newcfg;
	daemon_ctx_init();
	out_init(d.loop, d.cfg->sd.strip_ansi);
	log_info("reload: %zu added, %zu changed, %zu updated in place, "
	    "%zu removed", added, changed, updated, removed);
}

void
rl_apply(struct cfg *newcfg)
{
	rl_apply_groups(newcfg, NULL, 0, false);
}

/*
 * A burst of SIGHUPs is one pending signal to the kernel and one callback
 * to libev per loop turn: each reload reads the file whole, so the last
 * one leaves the daemon as the file says.
 */
void
rl_reload(void)
{
	struct cfg_msgs	 errors;
	struct cfg	*c;
	size_t		 i;

	if (d.shutting_down)
		return;
	if ((c = daemon_load_config(&errors)) == NULL) {
		for (i = 0; i < errors.n; i++)
			log_msg(LOGL_ERRO, "%s", errors.v[i]);
		log_msg(LOGL_ERRO, "reload failed: the running configuration "
		    "is kept");
		cfg_msgs_free(&errors);
		return;
	}
	for (i = 0; i < c->warnings.n; i++)
		log_warnx("%s", c->warnings.v[i]);
	rl_apply(c);
}

static bool
program_running_in(const char *group)
{
	struct sv_program *p;

	TAILQ_FOREACH(p, &d.programs, entry)
		if (!p->doomed && strcmp(p->cfg->group, group) == 0)
			return true;
	return false;
}

static int
change_add(struct rl_change **vp, size_t *np, const char *group,
    enum rl_kind kind, bool respawn)
{
	struct rl_change *v;

	if ((v = reallocarray(*vp, *np + 1, sizeof(*v))) == NULL)
		return -1;
	*vp = v;
	if ((v[*np].group = strdup(group)) == NULL)
		return -1;
	v[*np].kind = kind;
	v[*np].respawn = respawn;
	(*np)++;
	return 0;
}

size_t
rl_diff(const struct cfg *c, struct rl_change **vp)
{
	struct sv_program *p, *q;
	const struct cfg_group *g;
	const struct cfg_program *cp;
	size_t		 i, j, n = 0, nrun;
	bool		 changed, respawn, found;

	*vp = NULL;
	for (i = 0; i < c->ngroups; i++) {
		g = &c->groups[i];
		if (!program_running_in(g->name)) {
			change_add(vp, &n, g->name, RL_ADDED, true);
			continue;
		}
		changed = respawn = false;
		for (j = g->first; j < g->first + g->n && j < c->nprograms;
		    j++) {
			if ((cp = c->programs[j]) == NULL)
				continue;
			found = false;
			TAILQ_FOREACH(p, &d.programs, entry) {
				if (p->doomed || !same_process(p->cfg, cp))
					continue;
				found = true;
				switch (cfg_program_diff(p->cfg, cp)) {
				case CFG_SAME:
					break;
				case CFG_POLICY:
					changed = true;
					break;
				case CFG_SPAWN:
					changed = respawn = true;
					break;
				}
				break;
			}
			if (!found)
				changed = true;
		}
		nrun = 0;
		TAILQ_FOREACH(p, &d.programs, entry)
			if (!p->doomed && strcmp(p->cfg->group, g->name) == 0)
				nrun++;
		if (nrun != g->n)
			changed = respawn = true;
		if (changed)
			change_add(vp, &n, g->name, RL_CHANGED, respawn);
	}
	TAILQ_FOREACH(p, &d.programs, entry) {
		if (p->doomed)
			continue;
		found = false;
		for (i = 0; i < c->ngroups && !found; i++)
			found = strcmp(c->groups[i].name, p->cfg->group) == 0;
		/* Once per group: the first of its programs reports it. */
		TAILQ_FOREACH(q, &d.programs, entry) {
			if (q == p || (!q->doomed &&
			    strcmp(q->cfg->group, p->cfg->group) == 0))
				break;
		}
		if (!found && q == p)
			change_add(vp, &n, p->cfg->group, RL_REMOVED, true);
	}
	return n;
}

void
rl_changes_free(struct rl_change *v, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++)
		free(v[i].group);
	free(v);
}
