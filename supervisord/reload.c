/*
 * reload: apply a new configuration by difference, as bgpd's
 * merge_config.  The whole new configuration is parsed first; if it is
 * bad, nothing changes.  Processes are matched by group and name: the same
 * stanza is dropped, a policy change is swapped in place (same pid), a
 * spawn change stops the process and starts it again with the new stanza,
 * a removed process stops and is freed at rest, a new one is created:
 * the supervisor (supervisor.c) does each, this module decides which.
 */
#include <stdlib.h>
#include <string.h>

#include <ev.h>

#include "supervisord/config.h"
#include "supervisord/log.h"
#include "supervisord/output.h"
#include "supervisord/program.h"
#include "supervisord/reload.h"
#include "supervisord/supervisor.h"

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

/* The group named name in c, or NULL. */
static const struct cfg_group *
group_of(const struct cfg *c, const char *name)
{
	size_t	i;

	for (i = 0; c != NULL && i < c->ngroups; i++)
		if (strcmp(c->groups[i].name, name) == 0)
			return &c->groups[i];
	return NULL;
}

/*
 * Whether the group of a listener or fcgi process p (p's stanza being
 * the running one) holds something else in newc than in oldc (its
 * events, its socket): its processes then restart.  Few groups have such
 * settings, and only their processes look.
 */
static bool
group_changed(const struct cfg_program *p, const struct cfg *oldc,
    const struct cfg *newc)
{
	const struct cfg_group *a, *b;

	if (p->kind != CFG_KIND_EVENTLISTENER && p->kind != CFG_KIND_FCGI)
		return false;
	a = group_of(oldc, p->group);
	b = group_of(newc, p->group);
	return a != NULL && b != NULL && cfg_group_differs(a, b);
}

void
rl_apply_groups(struct supervisor *s, struct cfg *newcfg, char *const *groups,
    size_t ngroups, bool force)
{
	struct sv_program **v, *p;
	struct cfg_program *np, **same;
	struct ix_ent	*ix;
	const struct ix_ent *e;
	enum cfg_diff	 diff;
	size_t		 i, j, nv, nix, nsame = 0;
	size_t		 added = 0, changed = 0, removed = 0, updated = 0;

	/* A snapshot: a policy swap moves its program in the list. */
	v = sup_snapshot(s, false, &nv);
	ix = cfg_index(newcfg, &nix);
	if ((same = calloc(newcfg->nprograms + 1, sizeof(*same))) == NULL ||
	    (v == NULL && s->n > 0) || (ix == NULL && newcfg->nprograms > 0)) {
		log_crit("reload: out of memory: the running configuration "
		    "is kept");
		free(same);
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
				removed++;
				sup_remove(s, p);
			}
			continue;
		}
		newcfg->programs[e->slot] = NULL;	/* moved or freed */
		/*
		 * A stanza still pending from an earlier reload, or a removal
		 * being undone: compared with p->cfg the new one may look the
		 * same, yet it must replace the pending one and start again.
		 */
		if (force || p->pending != NULL || p->doomed ||
		    group_changed(p->cfg, s->cfg, newcfg))
			diff = CFG_SPAWN;
		else
			diff = cfg_program_diff(p->cfg, np);
		sup_keep(s, p);
		switch (diff) {
		case CFG_SAME:
			/* Freed after the loop: the index points into it. */
			same[nsame++] = np;
			break;
		case CFG_POLICY:
			sup_update(s, p, np);
			updated++;
			break;
		case CFG_SPAWN:
			sup_replace(s, p, np);
			changed++;
			break;
		}
	}
	free(v);
	free(ix);
	for (i = 0; i < nsame; i++)
		cfg_program_free(same[i]);
	free(same);
	/* The new [supervisord] settings first: added programs use them. */
	apply_daemon_settings(s->cfg, newcfg);
	sup_set_cfg(s, newcfg);
	out_init(s->loop, newcfg->sd.strip_ansi);
	for (i = 0; i < newcfg->nprograms; i++) {
		if ((np = newcfg->programs[i]) == NULL ||
		    !selected(np->group, groups, ngroups))
			continue;
		newcfg->programs[i] = NULL;	/* moved: the program owns it */
		if (sup_add(s, np, true) != NULL)
			added++;
	}
	sup_reopen_logs(s);
	log_info("reload: %zu added, %zu changed, %zu updated in place, "
	    "%zu removed", added, changed, updated, removed);
}

void
rl_apply(struct supervisor *s, struct cfg *newcfg)
{
	rl_apply_groups(s, newcfg, NULL, 0, false);
}

/*
 * A burst of SIGHUPs is one pending signal to the kernel and one callback
 * to libev per loop turn: each reload reads the file whole, so the last
 * one leaves the daemon as the file says.
 */
void
rl_reload(struct supervisor *s)
{
	struct cfg_msgs	 errors;
	struct cfg	*c;
	size_t		 i;

	if (s->shutting_down)
		return;
	if ((c = s->load(s->load_arg, &errors)) == NULL) {
		for (i = 0; i < errors.n; i++)
			log_msg(LOGLEVEL_ERRO, "%s", errors.v[i]);
		log_msg(LOGLEVEL_ERRO, "reload failed: the running configuration "
		    "is kept");
		cfg_msgs_free(&errors);
		return;
	}
	for (i = 0; i < c->warnings.n; i++)
		log_warnx("%s", c->warnings.v[i]);
	rl_apply(s, c);
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
rl_diff(const struct supervisor *s, const struct cfg *c,
    struct rl_change **vp)
{
	struct sv_program **run;
	const struct cfg_group *g;
	const struct cfg_program *cp;
	const char	**names, *key;
	size_t		 i, j, k, n = 0, nrun, lo, hi;
	bool		 changed, respawn, found;

	*vp = NULL;
	run = sup_snapshot(s, true, &nrun);
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
				switch (group_changed(run[k]->cfg, s->cfg, c) ?
				    CFG_SPAWN : cfg_program_diff(run[k]->cfg,
				    cp)) {
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
