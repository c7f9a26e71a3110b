/*
 * reload: apply a new configuration by difference, as bgpd's
 * merge_config.  The whole new configuration is parsed first; if it is
 * bad, nothing changes.  Processes are matched by group and name: the same
 * stanza is dropped, a policy change is swapped in place (same pid), a
 * spawn change stops the process and starts it again with the new stanza,
 * a removed process stops and is freed at rest, a new one is created:
 * the supervisor (supervisor.c) does each, this module decides which.
 */
#include <sys/types.h>

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <ev.h>

#include "supervisord/config.h"
#include "supervisord/log.h"
#include "supervisord/output.h"
#include "supervisord/program.h"
#include "supervisord/reload.h"
#include "supervisord/supervisor.h"
#include "supervisord/strhash.h"

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
 * Matching by (group, name) through a hash of the new configuration's
 * processes, so that a reload of thousands of programs costs a look-up
 * each, not a sort of both sides.
 */
struct ix {
	const struct cfg *c;
	size_t		*slot;		/* slot + 1 in c->programs; 0: empty */
	size_t		 cap;		/* a power of 2 */
};

/*
 * The process of slot i of c: its stanza, or, where cfg_load_keep did
 * not copy it, the running one it is the same as; NULL once taken.
 */
static const struct cfg_program *
slot_of(const struct cfg *c, size_t i)
{
	if (c->programs[i] != NULL)
		return c->programs[i];
	return c->kept != NULL ? c->kept[i] : NULL;
}

/*
 * c's processes by (group, name).  Where two share a name in one group
 * (a [group:x] may list two programs of one process_name), the first
 * stands for both: the other is added anew, as a second running
 * process of that name is removed.  -1 when out of memory.
 */
static int
ix_build(struct ix *ix, const struct cfg *c)
{
	const struct cfg_program *p, *q;
	size_t		 i, k;

	ix->c = c;
	for (ix->cap = 16; ix->cap < c->nprograms * 2; ix->cap *= 2)
		;
	if ((ix->slot = calloc(ix->cap, sizeof(*ix->slot))) == NULL)
		return -1;
	for (i = 0; i < c->nprograms; i++) {
		if ((p = slot_of(c, i)) == NULL)
			continue;
		for (k = sh_pair(p->group, p->name) & (ix->cap - 1);
		    ix->slot[k] != 0; k = (k + 1) & (ix->cap - 1)) {
			q = slot_of(c, ix->slot[k] - 1);
			if (strcmp(q->group, p->group) == 0 &&
			    strcmp(q->name, p->name) == 0)
				break;
		}
		if (ix->slot[k] == 0)
			ix->slot[k] = i + 1;
	}
	return 0;
}

/* The slot of (group, name) in ix's configuration, or -1. */
static ssize_t
ix_find(const struct ix *ix, const char *group, const char *name)
{
	const struct cfg_program *q;
	size_t		 k;

	for (k = sh_pair(group, name) & (ix->cap - 1); ix->slot[k] != 0;
	    k = (k + 1) & (ix->cap - 1)) {
		q = slot_of(ix->c, ix->slot[k] - 1);
		/* Moved out already: its name is gone with it. */
		if (q == NULL)
			continue;
		if (strcmp(q->group, group) == 0 && strcmp(q->name, name) == 0)
			return (ssize_t)(ix->slot[k] - 1);
	}
	return -1;
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

/* The first of run[lo..hi), one group sorted by name, not before name. */
static size_t
name_lower(struct sv_program **run, size_t lo, size_t hi, const char *name)
{
	size_t	mid;

	while (lo < hi) {
		mid = (lo + hi) / 2;
		if (strcmp(run[mid]->cfg->name, name) < 0)
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

/*
 * The groups of a configuration by name, sorted: made at the first
 * process of a listener pool or a FastCGI program that asks, so that a
 * configuration of thousands of them looks each group up in log n.
 */
struct gix {
	const struct cfg	 *c;
	const struct cfg_group	**v;
	size_t			  n;
	bool			  made;
};

static int
gix_cmp(const void *a, const void *b)
{
	const struct cfg_group *x = *(const struct cfg_group *const *)a;
	const struct cfg_group *y = *(const struct cfg_group *const *)b;

	return strcmp(x->name, y->name);
}

/* The group named name in gx's configuration, or NULL. */
static const struct cfg_group *
group_of(struct gix *gx, const char *name)
{
	struct cfg_group	 key, *kp = &key;
	const struct cfg_group	**g;
	size_t			 i, k;

	if (gx->c == NULL)
		return NULL;
	if (!gx->made) {
		gx->made = true;
		gx->n = 0;
		if ((gx->v = calloc(gx->c->ngroups + 1,
		    sizeof(*gx->v))) != NULL) {
			for (i = 0; i < gx->c->ngroups; i++)
				gx->v[i] = &gx->c->groups[i];
			gx->n = gx->c->ngroups;
			qsort(gx->v, gx->n, sizeof(*gx->v), gix_cmp);
		}
	}
	if (gx->v == NULL) {		/* out of memory: walk */
		for (i = 0; i < gx->c->ngroups; i++)
			if (strcmp(gx->c->groups[i].name, name) == 0)
				return &gx->c->groups[i];
		return NULL;
	}
	key.name = (char *)(uintptr_t)name;
	if ((g = bsearch(&kp, gx->v, gx->n, sizeof(*gx->v),
	    gix_cmp)) == NULL)
		return NULL;
	/* The first of equal names in file order. */
	for (k = (size_t)(g - gx->v); k > 0 &&
	    strcmp(gx->v[k - 1]->name, name) == 0; k--)
		;
	for (i = k; i < gx->n && strcmp(gx->v[i]->name, name) == 0; i++)
		if (gx->v[i] < gx->v[k])
			k = i;
	return gx->v[k];
}

/*
 * Whether the group of a listener or fcgi process p (p's stanza being
 * the running one) holds something else in the new configuration than
 * in the old (its events, its socket): its processes then restart.
 * Few groups have such settings, and only their processes look.
 */
static bool
group_changed(const struct cfg_program *p, struct gix *oldg,
    struct gix *newg)
{
	const struct cfg_group *a, *b;

	if (p->kind != CFG_KIND_EVENTLISTENER && p->kind != CFG_KIND_FCGI)
		return false;
	a = group_of(oldg, p->group);
	b = group_of(newg, p->group);
	return a != NULL && b != NULL && cfg_group_differs(a, b);
}

/* What the reload does to one running process, applied in name order. */
struct act {
	struct sv_program	*p;
	struct cfg_program	*np;	/* NULL: removed */
	enum cfg_diff		 diff;
	size_t			 order;	/* in the start order: ties */
};

static int
act_cmp(const void *a, const void *b)
{
	const struct act *x = a, *y = b;
	int		 r;

	if ((r = strcmp(x->p->cfg->group, y->p->cfg->group)) != 0 ||
	    (r = strcmp(x->p->cfg->name, y->p->cfg->name)) != 0)
		return r;
	return x->order < y->order ? -1 : x->order > y->order;
}

void
rl_apply_groups(struct supervisor *s, struct cfg *newcfg, char *const *groups,
    size_t ngroups, bool force)
{
	struct sv_program *p;
	struct cfg_program *np, **same;
	const struct cfg_program *kp;
	struct gix	 oldg = { s->cfg, NULL, 0, false };
	struct gix	 newg = { newcfg, NULL, 0, false };
	struct ix	 ix = { NULL, NULL, 0 };
	struct act	*acts;
	enum cfg_diff	 diff;
	ssize_t		 e;
	size_t		 i, j, nacts = 0, nsame = 0;
	size_t		 added = 0, changed = 0, removed = 0, updated = 0;

	same = calloc(newcfg->nprograms + 1, sizeof(*same));
	acts = calloc(s->n + 1, sizeof(*acts));
	if (same == NULL || acts == NULL || ix_build(&ix, newcfg) == -1) {
		log_crit("reload: out of memory: the running configuration "
		    "is kept");
		free(same);
		free(acts);
		free(ix.slot);
		cfg_free(newcfg);
		return;
	}
	/*
	 * Decide for every process first, then act in the order of their
	 * names, as supervisor does: an update moves its program in the
	 * list being walked, and only the few that change need sorting.
	 */
	j = 0;
	TAILQ_FOREACH(p, &s->programs, entry) {
		j++;
		if (!selected(p->cfg->group, groups, ngroups))
			continue;
		e = ix_find(&ix, p->cfg->group, p->cfg->name);
		if (e == -1) {
			if (!p->doomed)
				acts[nacts++] = (struct act){ p, NULL,
				    CFG_SAME, j };
			continue;
		}
		np = newcfg->programs[e];
		newcfg->programs[e] = NULL;	/* moved or freed */
		kp = newcfg->kept != NULL ? newcfg->kept[e] : NULL;
		if (newcfg->kept != NULL)
			newcfg->kept[e] = NULL;	/* taken */
		if (np == NULL) {
			/* Not copied: the same as p's, which stays. */
			if (kp == p->cfg && !force && p->pending == NULL &&
			    !p->doomed) {
				sup_keep(s, p);
				continue;
			}
			/* Another's of that name (two share it): a copy. */
			if ((np = cfg_program_dup(kp)) == NULL) {
				log_crit("reload: out of memory: %s keeps its "
				    "configuration", p->cfg->name);
				sup_keep(s, p);
				continue;
			}
		}
		/*
		 * A stanza still pending from an earlier reload, or a removal
		 * being undone: compared with p->cfg the new one may look the
		 * same, yet it must replace the pending one and start again.
		 */
		if (force || p->pending != NULL || p->doomed ||
		    group_changed(p->cfg, &oldg, &newg))
			diff = CFG_SPAWN;
		else
			diff = cfg_program_diff(p->cfg, np);
		sup_keep(s, p);
		if (diff == CFG_SAME)
			/* Freed after the loop: the index points into it. */
			same[nsame++] = np;
		else
			acts[nacts++] = (struct act){ p, np, diff, j };
	}
	if (nacts > 1)
		qsort(acts, nacts, sizeof(*acts), act_cmp);
	for (i = 0; i < nacts; i++) {
		if (acts[i].np == NULL) {
			removed++;
			sup_remove(s, acts[i].p);
		} else if (acts[i].diff == CFG_POLICY) {
			sup_update(s, acts[i].p, acts[i].np);
			updated++;
		} else {
			sup_replace(s, acts[i].p, acts[i].np);
			changed++;
		}
	}
	free(acts);
	free(ix.slot);
	free(oldg.v);
	free(newg.v);
	for (i = 0; i < nsame; i++)
		cfg_program_free(same[i]);
	free(same);
	/* The new [supervisord] settings first: added programs use them. */
	apply_daemon_settings(s->cfg, newcfg);
	sup_set_cfg(s, newcfg);
	out_init(s->loop, newcfg->sd.strip_ansi);
	for (i = 0; i < newcfg->nprograms; i++) {
		if ((kp = slot_of(newcfg, i)) == NULL ||
		    !selected(kp->group, groups, ngroups))
			continue;
		/* One not copied whose running stanza went: a copy. */
		if ((np = newcfg->programs[i]) == NULL &&
		    (np = cfg_program_dup(kp)) == NULL) {
			log_crit("reload: out of memory: %s not added",
			    kp->name);
			continue;
		}
		newcfg->programs[i] = NULL;	/* moved: the program owns it */
		if (newcfg->kept != NULL)
			newcfg->kept[i] = NULL;
		if (sup_add(s, np, true) != NULL)
			added++;
	}
	sup_reopen_logs(s);
	s->reloads++;
	log_info("reload: %zu added, %zu changed, %zu updated in place, "
	    "%zu removed", added, changed, updated, removed);
	sup_trim_soon(s);
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
/*
 * The stanza s runs for (group, name), for cfg_load_keep: not one that
 * must be replaced whatever the new one is (a stanza pending from an
 * earlier reload, a removal to be undone).
 */
static const struct cfg_program *
running(void *arg, const char *group, const char *name)
{
	struct sv_program *p;

	if ((p = sup_find(arg, group, name)) == NULL || p->pending != NULL ||
	    p->doomed)
		return NULL;
	return p->cfg;
}

void
rl_reload(struct supervisor *s)
{
	struct cfg_keep	 keep = { running, s };
	struct cfg_msgs	 errors;
	struct cfg	*c;
	size_t		 i;

	if (s->shutting_down)
		return;
	if ((c = s->load(s->load_arg, &keep, &errors)) == NULL) {
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
	struct gix	 oldg = { s->cfg, NULL, 0, false };
	struct gix	 newg = { c, NULL, 0, false };
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
			/* A group may hold thousands (numprocs): a search. */
			k = name_lower(run, lo, hi, cp->name);
			found = k < hi && strcmp(run[k]->cfg->name,
			    cp->name) == 0;
			if (!found) {
				changed = respawn = true;
				continue;
			}
			switch (group_changed(run[k]->cfg, &oldg, &newg) ?
			    CFG_SPAWN : cfg_program_diff(run[k]->cfg, cp)) {
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
	free(oldg.v);
	free(newg.v);
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
