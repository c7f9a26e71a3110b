/*
 * rpc_conf: the configuration methods (see rpc_conf.h).
 *
 * supervisor keeps the configuration it last read (at startup or by
 * reloadConfig) and addProcessGroup takes groups from it.  Here the
 * running programs own their stanzas, so the API keeps what reloadConfig
 * read (r->reread) until the daemon puts another configuration in force
 * (a SIGHUP, diff.update); without one, addProcessGroup reads the file
 * again, and getAllConfigInfo shows the running processes.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "supervisord/config.h"
#include "supervisord/program.h"
#include "supervisord/reload.h"
#include "supervisord/rpc_conf.h"
#include "supervisord/rpc_core.h"
#include "supervisord/rpc_types.h"
#include "supervisord/supervisor.h"
#include "supervisord/xmlrpc.h"

static void
reread_drop(struct rpc *r)
{
	size_t	i;

	if (r->reread == NULL)
		return;
	for (i = 0; i < r->reread->nprograms; i++)
		free(r->rr_names[i]);
	free(r->rr_names);
	cfg_free(r->reread);
	r->reread = NULL;
	r->rr_names = NULL;
	r->gen++;
}

void
rpc_conf_fini(struct rpc *r)
{
	reread_drop(r);
}

/* The re-read configuration, unless another is in force since. */
static struct cfg *
reread_get(struct rpc *r)
{
	if (r->reread != NULL && r->rr_cfg_gen != r->s->cfg_gen)
		reread_drop(r);
	return r->reread;
}

/* Keep c (owned from now on) as the re-read configuration. */
static int
reread_set(struct rpc *r, struct cfg *c)
{
	size_t	i;

	reread_drop(r);
	if ((r->rr_names = calloc(c->nprograms + 1,
	    sizeof(*r->rr_names))) == NULL) {
		cfg_free(c);
		return -1;
	}
	for (i = 0; i < c->nprograms; i++)
		if (c->programs[i] != NULL &&
		    (r->rr_names[i] = strdup(c->programs[i]->name)) == NULL) {
			while (i-- > 0)
				free(r->rr_names[i]);
			free(r->rr_names);
			r->rr_names = NULL;
			cfg_free(c);
			return -1;
		}
	r->reread = c;
	r->rr_cfg_gen = r->s->cfg_gen;
	r->gen++;
	return 0;
}

/* Read the configuration again; NULL with the errors (joined by
 * newlines, malloc'ed) in *why. */
static struct cfg *
load(struct rpc *r, char **why)
{
	struct cfg_msgs	 errors = { 0 };
	struct cfg	*c;
	size_t		 i, len = 0;
	char		*t;

	*why = NULL;
	if ((c = r->s->load(r->s->load_arg, NULL, &errors)) != NULL)
		return c;
	for (i = 0; i < errors.n; i++)
		len += strlen(errors.v[i]) + 1;
	if ((t = malloc(len + 16)) != NULL) {
		t[0] = '\0';
		for (i = 0; i < errors.n; i++) {
			if (i > 0)
				strcat(t, "\n");
			strcat(t, errors.v[i]);
		}
		if (errors.n == 0)
			strcpy(t, "out of memory");
	}
	cfg_msgs_free(&errors);
	*why = t;
	return NULL;
}

static const struct cfg_group *
group_of(const struct cfg *c, const char *name)
{
	size_t	i;

	for (i = 0; i < c->ngroups; i++)
		if (strcmp(c->groups[i].name, name) == 0)
			return &c->groups[i];
	return NULL;
}

static void
put_names(struct xr_out *o, const struct rl_change *v, size_t n,
    enum rl_kind kind)
{
	size_t	i;

	xr_array_begin(o);
	for (i = 0; i < n; i++)
		if (v[i].kind == kind)
			xr_put_cstr(o, v[i].group);
	xr_array_end(o);
}

enum rpc_status
rpc_reload_config(struct rpc_call *c, struct xr_out *o)
{
	struct rl_change *v;
	struct cfg	*nc;
	enum rpc_status	 st;
	char		*why;
	size_t		 n;

	if ((nc = load(c->r, &why)) == NULL) {
		st = rpc_fail(o, RPC_CANT_REREAD, why);
		free(why);
		return st;
	}
	n = rl_diff(c->r->s, nc, &v);
	if (reread_set(c->r, nc) == -1) {
		rl_changes_free(v, n);
		return rpc_fail(o, RPC_FAILED, "out of memory");
	}
	/* [[added, changed, removed]] */
	xr_array_begin(o);
	xr_array_begin(o);
	put_names(o, v, n, RL_ADDED);
	put_names(o, v, n, RL_CHANGED);
	put_names(o, v, n, RL_REMOVED);
	xr_array_end(o);
	xr_array_end(o);
	rl_changes_free(v, n);
	return RPC_DONE;
}

/* Whether every stanza of g is still in c (none was added since). */
static bool
group_whole(const struct cfg *c, const struct cfg_group *g)
{
	size_t	j;

	for (j = g->first; j < g->first + g->n && j < c->nprograms; j++)
		if (c->programs[j] == NULL)
			return false;
	return true;
}

enum rpc_status
rpc_add_process_group(struct rpc_call *c, struct xr_out *o)
{
	struct rpc	*r = c->r;
	const struct cfg_group *g = NULL;
	struct cfg_program *cp;
	struct sv_program *p;
	struct cfg	*cfg, *nc;
	const char	*name;
	enum rpc_status	 st;
	char		*why;
	size_t		 j;

	if ((name = rpc_arg_str(c->argv[0])) == NULL)
		return rpc_fail(o, RPC_BAD_NAME, "?");
	if ((cfg = reread_get(r)) != NULL)
		g = group_of(cfg, name);
	else if (rpc_group_live(r, name))
		/* In the configuration in force, so in supervisor's. */
		return rpc_fail(o, RPC_ALREADY_ADDED, name);
	if (g != NULL && rpc_group_live(r, name))
		return rpc_fail(o, RPC_ALREADY_ADDED, name);
	if (cfg == NULL || (g != NULL && !group_whole(cfg, g))) {
		/* Its stanzas went to programs since removed: read again. */
		if ((nc = load(r, &why)) == NULL) {
			st = rpc_fail(o, RPC_CANT_REREAD, why);
			free(why);
			return st;
		}
		if (reread_set(r, nc) == -1)
			return rpc_fail(o, RPC_FAILED, "out of memory");
		cfg = r->reread;
		g = group_of(cfg, name);
	}
	if (g == NULL)
		return rpc_fail(o, RPC_BAD_NAME, name);
	for (j = g->first; j < g->first + g->n && j < cfg->nprograms; j++) {
		if ((cp = cfg->programs[j]) == NULL)
			continue;
		cfg->programs[j] = NULL;	/* moved to its program */
		p = sup_find(r->s, cp->group, cp->name);
		if (p != NULL && p->doomed) {
			/* Removed, not yet at rest and freed: kept. */
			sup_keep(r->s, p);
			sup_replace(r->s, p, cp);
		} else
			(void)sup_add(r->s, cp, true);
	}
	r->gen++;
	xr_put_bool(o, true);
	return RPC_DONE;
}

enum rpc_status
rpc_remove_process_group(struct rpc_call *c, struct xr_out *o)
{
	struct supervisor *s = c->r->s;
	struct sv_program *p, *next;
	const char	*name;

	if ((name = rpc_arg_str(c->argv[0])) == NULL ||
	    !rpc_group_live(c->r, name))
		return rpc_fail(o, RPC_BAD_NAME, name != NULL ? name : "?");
	TAILQ_FOREACH(p, &s->programs, entry)
		if (!p->doomed && strcmp(p->cfg->group, name) == 0 &&
		    !sv_at_rest(p))
			return rpc_fail(o, RPC_STILL_RUNNING, name);
	for (p = TAILQ_FIRST(&s->programs); p != NULL; p = next) {
		next = TAILQ_NEXT(p, entry);
		if (!p->doomed && strcmp(p->cfg->group, name) == 0)
			sup_remove(s, p);
	}
	c->r->gen++;
	xr_put_bool(o, true);
	return RPC_DONE;
}

/* getAllConfigInfo. */

static const struct cfg_program *
row_cfg(const struct rpc_row *w)
{
	return w->p != NULL ? w->p->cfg : w->cp;
}

static int
row_cmp(const void *a, const void *b)
{
	const struct rpc_row *x = a, *y = b;
	int	r;

	/* Python's sort by name is stable: configuration order next. */
	if ((r = strcmp(row_cfg(x)->name, row_cfg(y)->name)) != 0)
		return r;
	return x->idx < y->idx ? -1 : x->idx > y->idx;
}

/* A row against the key "name\0group\0" of the last one written. */
static int
row_key_cmp(const struct rpc_row *w, const char *key)
{
	const struct cfg_program *cp = row_cfg(w);
	int	r;

	if ((r = strcmp(cp->name, key)) != 0)
		return r;
	return strcmp(w->group != NULL ? w->group : cp->group,
	    key + strlen(key) + 1);
}

/* Is group among the sorted live processes v? */
static bool
live_in(struct sv_program **v, size_t n, const char *group)
{
	size_t	lo = 0, hi = n, mid;

	while (lo < hi) {
		mid = (lo + hi) / 2;
		if (strcmp(v[mid]->cfg->group, group) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < n && strcmp(v[lo]->cfg->group, group) == 0;
}

static int
rows_build(struct rpc_call *c)
{
	struct rpc	*r = c->r;
	struct sv_program **v;
	const struct cfg_group *g;
	struct cfg	*cfg = reread_get(r);
	struct rpc_row	*w;
	size_t		 i, j, n, max;

	free(c->rows);
	c->rows = NULL;
	c->nrows = c->cursor = 0;
	c->gen = r->gen;
	c->cfg_gen = r->s->cfg_gen;
	if ((v = sup_snapshot(r->s, true, &n)) == NULL)
		return -1;
	max = cfg != NULL ? cfg->nprograms : n;
	if ((c->rows = calloc(max + 1, sizeof(*c->rows))) == NULL) {
		free(v);
		return -1;
	}
	if (cfg != NULL) {
		for (i = 0; i < cfg->ngroups; i++) {
			g = &cfg->groups[i];
			for (j = g->first; j < g->first + g->n &&
			    j < cfg->nprograms; j++) {
				w = &c->rows[c->nrows];
				w->cp = cfg->programs[j];
				if (w->cp == NULL && (w->p = rpc_find(r,
				    g->name, r->rr_names[j])) == NULL)
					continue;
				w->group = g->name;
				w->gprio = g->priority;
				w->inuse = live_in(v, n, g->name);
				w->idx = c->nrows++;
			}
		}
	} else {
		for (i = 0; i < n; i++) {
			w = &c->rows[c->nrows];
			w->p = v[i];
			w->group = NULL;
			g = r->s->cfg != NULL ? group_of(r->s->cfg,
			    v[i]->cfg->group) : NULL;
			w->gprio = g != NULL ? g->priority : 999;
			w->inuse = true;
			w->idx = c->nrows++;
		}
	}
	free(v);
	if (c->nrows > 1)
		qsort(c->rows, c->nrows, sizeof(*c->rows), row_cmp);
	/* Taken again after a change: on past what was written. */
	if (c->last != NULL)
		while (c->cursor < c->nrows &&
		    row_key_cmp(&c->rows[c->cursor], c->last) <= 0)
			c->cursor++;
	return 0;
}

static void
member_bool(struct xr_out *o, const char *key, bool v)
{
	xr_member_begin(o, key);
	xr_put_bool(o, v);
	xr_member_end(o);
}

static void
member_int(struct xr_out *o, const char *key, long long v)
{
	xr_member_begin(o, key);
	xr_put_int(o, v);
	xr_member_end(o);
}

/* A string, or 'none' for None (XML-RPC has no nil). */
static void
member_str(struct xr_out *o, const char *key, const char *v)
{
	xr_member_begin(o, key);
	xr_put_cstr(o, v != NULL ? v : "none");
	xr_member_end(o);
}

/* A log file's name as supervisor's config holds it. */
static const char *
log_name(const struct rpc_row *w, bool err)
{
	const struct cfg_program *cp = row_cfg(w);
	const struct cfg_log *lc = err ? &cp->err : &cp->out;

	if (err && cp->redirect_stderr)
		return NULL;
	switch (lc->kind) {
	case CFG_LOG_PATH:
		return lc->path;
	case CFG_LOG_AUTO:
		if (w->p != NULL && rpc_logfile(w->p, err) != NULL)
			return rpc_logfile(w->p, err);
		return "auto";
	default:
		return NULL;
	}
}

static void
put_config(struct xr_out *o, const struct rpc_row *w)
{
	const struct cfg_program *cp = row_cfg(w);
	size_t	i;

	xr_struct_begin(o);
	member_bool(o, "autostart", cp->autostart);
	member_str(o, "directory", cp->directory);
	if (cp->has_uid)
		member_int(o, "uid", cp->uid);
	else
		member_str(o, "uid", NULL);
	member_str(o, "command", cp->command);
	xr_member_begin(o, "exitcodes");
	xr_array_begin(o);
	for (i = 0; i < cp->nexitcodes; i++)
		xr_put_int(o, cp->exitcodes[i]);
	xr_array_end(o);
	xr_member_end(o);
	member_str(o, "group", w->group != NULL ? w->group : cp->group);
	member_int(o, "group_prio", w->gprio);
	member_bool(o, "inuse", w->inuse);
	member_bool(o, "killasgroup", cp->killasgroup);
	member_str(o, "name", cp->name);
	member_int(o, "process_prio", cp->priority);
	member_bool(o, "redirect_stderr", cp->redirect_stderr);
	member_int(o, "startretries", cp->startretries);
	member_int(o, "startsecs", cp->startsecs);
	member_int(o, "stdout_capture_maxbytes", cp->out.capture_maxbytes);
	member_bool(o, "stdout_events_enabled", cp->out.events_enabled);
	member_str(o, "stdout_logfile", log_name(w, false));
	member_int(o, "stdout_logfile_backups", cp->out.backups);
	member_int(o, "stdout_logfile_maxbytes", cp->out.maxbytes);
	member_bool(o, "stdout_syslog", cp->out.syslog ||
	    cp->out.kind == CFG_LOG_SYSLOG);
	member_int(o, "stopsignal", cp->stopsignal);
	member_int(o, "stopwaitsecs", cp->stopwaitsecs);
	member_int(o, "stderr_capture_maxbytes", cp->err.capture_maxbytes);
	member_bool(o, "stderr_events_enabled", cp->err.events_enabled);
	member_str(o, "stderr_logfile", log_name(w, true));
	member_int(o, "stderr_logfile_backups", cp->err.backups);
	member_int(o, "stderr_logfile_maxbytes", cp->err.maxbytes);
	member_bool(o, "stderr_syslog", cp->err.syslog ||
	    cp->err.kind == CFG_LOG_SYSLOG);
	member_str(o, "serverurl", cp->serverurl);
	xr_struct_end(o);
}

enum rpc_status
rpc_get_all_config_info(struct rpc_call *c, struct xr_out *o)
{
	const struct rpc_row *w;
	const char	*g;
	char		*n;
	size_t		 nl, gl;

	if (c->phase == 0) {
		if (rows_build(c) == -1)
			return rpc_fail(o, RPC_FAILED, "out of memory");
		xr_array_begin(o);
		c->phase = 1;
	} else if ((c->gen != c->r->gen || c->cfg_gen != c->r->s->cfg_gen) &&
	    rows_build(c) == -1) {
		c->nrows = 0;		/* out of memory: end it here */
	}
	while (c->cursor < c->nrows) {
		if (xr_room(o) == 0)
			return RPC_MORE;
		w = &c->rows[c->cursor++];
		put_config(o, w);
		g = w->group != NULL ? w->group : row_cfg(w)->group;
		nl = strlen(row_cfg(w)->name);
		gl = strlen(g);
		if (nl + gl + 2 > c->lastcap) {
			if ((n = realloc(c->last, nl + gl + 2)) == NULL)
				continue;
			c->last = n;
			c->lastcap = nl + gl + 2;
		}
		memcpy(c->last, row_cfg(w)->name, nl + 1);
		memcpy(c->last + nl + 1, g, gl + 1);
	}
	xr_array_end(o);
	return RPC_DONE;
}

/* diff.update. */

static bool
has_name(const struct xr_val *names, const char *w)
{
	const char	*s;
	size_t		 i;

	for (i = 0; i < names->n; i++)
		if ((s = rpc_arg_str(names->v[i])) != NULL &&
		    strcmp(s, w) == 0)
			return true;
	return false;
}

static int
upd_add(struct rpc_call *c, size_t max, const char *group, int status,
    const char *desc)
{
	struct rpc_upd	*u;

	if (c->nupd >= max)
		return -1;
	u = &c->upd[c->nupd];
	if ((u->group = strdup(group)) == NULL)
		return -1;
	u->status = status;
	u->desc = desc;
	c->nupd++;
	return 0;
}

void
rpc_conf_call_free(struct rpc_call *c)
{
	size_t	i;

	for (i = 0; i < c->nupd; i++)
		free(c->upd[i].group);
	free(c->upd);
	free(c->rows);
	c->upd = NULL;
	c->rows = NULL;
	c->nupd = c->nrows = 0;
}

/* Plan diff.update's lines, then apply; -1 when memory ran out. */
static int
update_plan(struct rpc_call *c, const struct xr_val *names, struct cfg *nc,
    char ***selp, size_t *nselp)
{
	struct rl_change *v;
	const char	*w;
	char		**sel;
	size_t		 i, j, n, max, nsel = 0;
	bool		 known;
	int		 k, rc = 0;

	n = rl_diff(c->r->s, nc, &v);
	max = names->n + 2 * n;
	if ((c->upd = calloc(max + 1, sizeof(*c->upd))) == NULL ||
	    (sel = calloc(names->n + 1, sizeof(*sel))) == NULL) {
		rl_changes_free(v, n);
		return -1;
	}
	for (i = 0; i < names->n && !has_name(names, "all"); i++) {
		w = rpc_arg_str(names->v[i]);
		known = rpc_group_live(c->r, w);
		for (j = 0; j < n && !known; j++)
			known = v[j].kind == RL_ADDED &&
			    strcmp(v[j].group, w) == 0;
		if (!known)
			rc |= upd_add(c, max, w, RPC_BAD_NAME,
			    "no such group");
		sel[nsel++] = (char *)(uintptr_t)w;
	}
	/* supervisorctl's order: removed, then changed, then added. */
	for (k = RL_REMOVED; k >= RL_ADDED; k--)
		for (j = 0; j < n; j++) {
			if ((int)v[j].kind != k || (nsel > 0 &&
			    !has_name(names, v[j].group)))
				continue;
			if (k != RL_ADDED && (k == RL_REMOVED ||
			    v[j].respawn))
				rc |= upd_add(c, max, v[j].group, RPC_SUCCESS,
				    "stopped");
			rc |= upd_add(c, max, v[j].group, RPC_SUCCESS,
			    k == RL_REMOVED ? "removed process group" :
			    k == RL_CHANGED ? "updated process group" :
			    "added process group");
		}
	rl_changes_free(v, n);
	*selp = sel;
	*nselp = nsel;
	return rc;
}

enum rpc_status
rpc_diff_update(struct rpc_call *c, struct xr_out *o)
{
	const struct xr_val *names = c->argv[0];
	const struct rpc_upd *u;
	struct cfg	*nc;
	enum rpc_status	 st;
	char		**sel, *why;
	size_t		 i, nsel;

	if (c->phase == 0) {
		if (names->type != XR_ARRAY)
			return rpc_fail(o, RPC_INCORRECT_PARAMETERS, NULL);
		for (i = 0; i < names->n; i++)
			if (rpc_arg_str(names->v[i]) == NULL)
				return rpc_fail(o, RPC_INCORRECT_PARAMETERS,
				    NULL);
		if ((nc = load(c->r, &why)) == NULL) {
			st = rpc_fail(o, RPC_CANT_REREAD, why);
			free(why);
			return st;
		}
		if (update_plan(c, names, nc, &sel, &nsel) == -1) {
			cfg_free(nc);
			rpc_conf_call_free(c);
			return rpc_fail(o, RPC_FAILED, "out of memory");
		}
		rl_apply_groups(c->r->s, nc, nsel > 0 ? sel : NULL, nsel,
		    false);
		free(sel);
		c->phase = 1;
		c->cursor = 0;
		xr_array_begin(o);
	}
	while (c->cursor < c->nupd) {
		if (xr_room(o) == 0)
			return RPC_MORE;
		u = &c->upd[c->cursor++];
		xr_struct_begin(o);
		xr_member_begin(o, "name");
		xr_put_cstr(o, u->group);
		xr_member_end(o);
		member_int(o, "status", u->status);
		xr_member_begin(o, "description");
		xr_put_cstr(o, u->desc);
		xr_member_end(o);
		xr_struct_end(o);
	}
	xr_array_end(o);
	return RPC_DONE;
}
