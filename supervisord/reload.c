/*
 * reload: apply a new configuration by difference, as bgpd's
 * merge_config.  The whole new configuration is parsed first; if it is
 * bad, nothing changes.  Processes are matched by group and name: the same
 * stanza is dropped, a policy change is swapped in place (same pid), a
 * spawn change stops the process and starts it again with the new stanza,
 * a removed process stops and is freed at rest, a new one is created.
 * Programs are freed or swapped from a prepare watcher, never inside their
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

static ev_prepare	settle;
static bool	settle_init;

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
settle_cb(struct ev_loop *loop, ev_prepare *w, int revents)
{
	struct sv_program *p, *next;

	(void)revents;
	ev_prepare_stop(loop, w);
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

/*
 * Before the loop next polls: not an ev_idle, which never runs while some
 * pipe is always readable (a program that writes without pause), and
 * still outside the state machine's callbacks.
 */
static void
settle_soon(void)
{
	if (!settle_init) {
		ev_prepare_init(&settle, settle_cb);
		settle_init = true;
	}
	ev_prepare_start(d.loop, &settle);
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

/*
 * Matching by (group, name) through sorted indexes, so that a reload of
 * thousands of programs costs n log n comparisons, not n squared.
 */
struct ix_ent {
	const char	*group;
	const char	*name;
	size_t		 slot;		/* in cfg->programs */
};

static int
key_cmp(const char *g1, const char *n1, const char *g2, const char *n2)
{
	int	r;

	if ((r = strcmp(g1, g2)) != 0)
		return r;
	return strcmp(n1, n2);
}

static int
ix_cmp(const void *a, const void *b)
{
	const struct ix_ent *x = a, *y = b;

	return key_cmp(x->group, x->name, y->group, y->name);
}

static int
sp_cmp(const void *a, const void *b)
{
	const struct sv_program *x = *(struct sv_program *const *)a;
	const struct sv_program *y = *(struct sv_program *const *)b;

	return key_cmp(x->cfg->group, x->cfg->name, y->cfg->group,
	    y->cfg->name);
}

/* c's processes sorted by (group, name); *np gets their number. */
static struct ix_ent *
cfg_index(const struct cfg *c, size_t *np)
{
	struct ix_ent	*v;
	size_t		 i, n = 0;

	if ((v = calloc(c->nprograms + 1, sizeof(*v))) == NULL) {
		*np = 0;
		return NULL;
	}
	for (i = 0; i < c->nprograms; i++) {
		if (c->programs[i] == NULL)
			continue;
		v[n].group = c->programs[i]->group;
		v[n].name = c->programs[i]->name;
		v[n].slot = i;
		n++;
	}
	qsort(v, n, sizeof(*v), ix_cmp);
	*np = n;
	return v;
}

static const struct ix_ent *
ix_find(const struct ix_ent *v, size_t n, const char *group,
    const char *name)
{
	struct ix_ent	key = { group, name, 0 };

	return v == NULL ? NULL : bsearch(&key, v, n, sizeof(*v), ix_cmp);
}

/* The running programs (doomed ones too if all), as an array. */
static struct sv_program **
running(bool all, bool sorted, size_t *np)
{
	struct sv_program **v, *p;
	size_t		 n = 0;

	TAILQ_FOREACH(p, &d.programs, entry)
		n++;
	if ((v = calloc(n + 1, sizeof(*v))) == NULL) {
		*np = 0;
		return NULL;
	}
	n = 0;
	TAILQ_FOREACH(p, &d.programs, entry)
		if (all || !p->doomed)
			v[n++] = p;
	if (sorted)
		qsort(v, n, sizeof(*v), sp_cmp);
	*np = n;
	return v;
}

/* The first of the sorted run[] whose group is not before group. */
static size_t
group_lower(struct sv_program **run, size_t n, const char *group)
{
	size_t	lo = 0, hi = n, mid;

	while (lo < hi) {
		mid = (lo + hi) / 2;
		if (strcmp(run[mid]->cfg->group, group) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
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
	struct sv_program **v, *p;
	struct cfg_program *np, **same;
	struct ix_ent	*ix;
	const struct ix_ent *e;
	enum cfg_diff	 diff;
	size_t		 i, j, nv, nix, nsame = 0;
	size_t		 added = 0, changed = 0, removed = 0, updated = 0;

	/* A snapshot: a policy swap moves its program in the list. */
	v = running(true, false, &nv);
	ix = cfg_index(newcfg, &nix);
	if ((same = calloc(newcfg->nprograms + 1, sizeof(*same))) == NULL) {
		log_crit("reload: out of memory: the running configuration "
		    "is kept");
		free(v);
		free(ix);
		cfg_free(newcfg);
		return;
	}
	for (j = 0; j < nv; j++) {
		p = v[j];
		if (!selected(p->cfg->group, groups, ngroups))
			continue;
		e = ix_find(ix, nix, p->cfg->group, p->cfg->name);
		if (e == NULL || (np = newcfg->programs[e->slot]) == NULL) {
			if (!p->doomed) {
				p->doomed = true;
				removed++;
				if (sv_at_rest(p))
					settle_soon();
				else
					sv_event(p, SV_EV_STOP);
			}
			continue;
		}
		newcfg->programs[e->slot] = NULL;	/* moved or freed */
		/*
		 * A stanza still pending from an earlier reload, or a removal
		 * being undone: compared with p->cfg the new one may look the
		 * same, yet it must replace the pending one and start again.
		 */
		if (force || p->pending != NULL || p->doomed)
			diff = CFG_SPAWN;
		else
			diff = cfg_program_diff(p->cfg, np);
		p->doomed = false;
		switch (diff) {
		case CFG_SAME:
			/* Freed after the loop: the index points into it. */
			same[nsame++] = np;
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
	}
	free(v);
	free(ix);
	for (i = 0; i < nsame; i++)
		cfg_program_free(same[i]);
	free(same);
	/* The new [supervisord] settings first: added programs use them. */
	apply_daemon_settings(d.cfg, newcfg);
	cfg_free(d.cfg);
	d.cfg = newcfg;
	daemon_ctx_init();
	out_init(d.loop, d.cfg->sd.strip_ansi);
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
	TAILQ_FOREACH(p, &d.programs, entry)
		sv_reopen_logs(p);
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

static int
str_cmp(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

size_t
rl_diff(const struct cfg *c, struct rl_change **vp)
{
	struct sv_program **run;
	const struct cfg_group *g;
	const struct cfg_program *cp;
	const char	**names, *key;
	size_t		 i, j, k, n = 0, nrun, lo, hi;
	bool		 changed, respawn, found;

	*vp = NULL;
	run = running(false, true, &nrun);
	for (i = 0; i < c->ngroups; i++) {
		g = &c->groups[i];
		lo = group_lower(run, nrun, g->name);
		for (hi = lo; hi < nrun &&
		    strcmp(run[hi]->cfg->group, g->name) == 0; hi++)
			continue;
		if (hi == lo) {
			change_add(vp, &n, g->name, RL_ADDED, true);
			continue;
		}
		changed = respawn = hi - lo != g->n;
		for (j = g->first; j < g->first + g->n && j < c->nprograms;
		    j++) {
			if ((cp = c->programs[j]) == NULL)
				continue;
			found = false;
			for (k = lo; k < hi && !found; k++) {
				/* Few processes per group: a linear look. */
				if (strcmp(run[k]->cfg->name, cp->name) != 0)
					continue;
				found = true;
				switch (cfg_program_diff(run[k]->cfg, cp)) {
				case CFG_SAME:
					break;
				case CFG_POLICY:
					changed = true;
					break;
				case CFG_SPAWN:
					changed = respawn = true;
					break;
				}
			}
			if (!found)
				changed = respawn = true;
		}
		if (changed)
			change_add(vp, &n, g->name, RL_CHANGED, respawn);
	}
	/* Removed: running groups c does not have, by name. */
	if ((names = calloc(c->ngroups + 1, sizeof(*names))) != NULL) {
		for (i = 0; i < c->ngroups; i++)
			names[i] = c->groups[i].name;
		qsort(names, c->ngroups, sizeof(*names), str_cmp);
		for (i = 0; i < nrun; i++) {
			if (i > 0 && strcmp(run[i]->cfg->group,
			    run[i - 1]->cfg->group) == 0)
				continue;
			key = run[i]->cfg->group;
			if (bsearch(&key, names, c->ngroups, sizeof(*names),
			    str_cmp) == NULL)
				change_add(vp, &n, key, RL_REMOVED, true);
		}
		free(names);
	}
	free(run);
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
