/*
 * config_deps: depends_on= values, and the reader's check of them.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "supervisord/config_defs.h"
#include "supervisord/config_deps.h"
#include "supervisord/config_util.h"
#include "supervisord/config_store.h"

static bool
is_sep(char c)
{
	return c == ',' || c == ' ' || c == '\t' || c == '\n';
}

int
cfg_dep_next(const char **cur, struct cfg_dep *d)
{
	const char	*s = *cur, *e;
	char		*colon;
	size_t		 n;

	while (*s != '\0' && is_sep(*s))
		s++;
	if (*s == '\0') {
		*cur = s;
		return 0;
	}
	for (e = s; *e != '\0' && !is_sep(*e); e++)
		;
	*cur = e;
	n = (size_t)(e - s);
	memset(d, 0, sizeof(*d));
	snprintf(d->name, sizeof(d->name), "%.*s", (int)n, s);
	if (n >= sizeof(d->name))
		return -1;
	d->want = CFG_DEP_RUNNING;
	if ((colon = strrchr(d->name, ':')) != NULL) {
		if (strcmp(colon, ":running") == 0)
			*colon = '\0';
		else if (strcmp(colon, ":exited") == 0) {
			d->want = CFG_DEP_EXITED;
			*colon = '\0';
		}
	}
	n = strlen(d->name);
	if (n >= 2 && strcmp(d->name + n - 2, ":*") == 0) {
		d->group_only = true;
		d->name[n - 2] = '\0';
	}
	if (d->name[0] == '\0' || strchr(d->name, ':') != NULL)
		return -1;
	return 1;
}

bool
cfg_dep_match(const struct cfg_dep *d, const struct cfg_program *q)
{
	const char	*sect;

	if (q->group != NULL && strcmp(q->group, d->name) == 0)
		return true;
	if (d->group_only || q->section == NULL ||
	    (sect = strchr(q->section, ':')) == NULL)
		return false;
	return strcmp(sect + 1, d->name) == 0;
}

/* The process of slot i: copied, or kept (the running one's). */
static const struct cfg_program *
proc_at(const struct cfg *c, size_t i)
{
	if (c->programs[i] != NULL)
		return c->programs[i];
	return c->kept != NULL ? c->kept[i] : NULL;
}

/* The first process of q's section: the node of the check's graph. */
static size_t
node_of(const struct cfg *c, size_t i, size_t *first)
{
	const struct cfg_program *q = proc_at(c, i);
	size_t	 j;

	if (first[i] != (size_t)-1)
		return first[i];
	for (j = 0; j <= i; j++)
		if (proc_at(c, j) != NULL && strcmp(proc_at(c, j)->section,
		    q->section) == 0)
			break;
	first[i] = j;
	return j;
}

/*
 * Depth first from i: true at a cycle, the walk's path in path[0 ..
 * *plen), *at the node it came back to.
 */
static bool
visit(const struct cfg *c, size_t i, size_t *first, char *color,
    size_t *path, size_t depth, size_t *plen, size_t *at)
{
	const char	*cur = proc_at(c, i)->depends_on;
	struct cfg_dep	 d;
	size_t		 j, k;

	color[i] = 1;
	path[depth] = i;
	while (cur != NULL && cfg_dep_next(&cur, &d) == 1) {
		for (j = 0; j < c->nprograms; j++) {
			if (proc_at(c, j) == NULL ||
			    !cfg_dep_match(&d, proc_at(c, j)))
				continue;
			k = node_of(c, j, first);
			if (color[k] == 1) {
				*at = k;
				*plen = depth + 1;
				return true;
			}
			if (color[k] == 0 && proc_at(c, k)->depends_on !=
			    NULL && visit(c, k, first, color, path, depth + 1,
			    plen, at))
				return true;
		}
	}
	color[i] = 2;
	return false;
}

void
ld_deps(struct ld *ld, const struct cfg *c)
{
	const struct cfg_program *p;
	const char	*cur;
	struct cfg_dep	 d;
	struct cu_sbuf	 sb = { NULL, 0, 0 };
	size_t		*first, *path, i, j, k, at = 0, plen = 0;
	char		*color;
	bool		 any = false, found;
	int		 r;

	for (i = 0; i < c->nprograms; i++) {
		if ((p = proc_at(c, i)) == NULL || p->depends_on == NULL)
			continue;
		any = true;
		cur = p->depends_on;
		while ((r = cfg_dep_next(&cur, &d)) != 0) {
			if (r == -1) {
				ld_err(ld, p->file, p->line, p->section,
				    "depends_on", "'%s': NAME, NAME:running or "
				    "NAME:exited, NAME a program, a group or "
				    "group:*", d.name);
				continue;
			}
			found = false;
			for (j = 0; j < c->nprograms && !found; j++)
				found = proc_at(c, j) != NULL &&
				    cfg_dep_match(&d, proc_at(c, j));
			if (!found)
				ld_err(ld, p->file, p->line, p->section,
				    "depends_on", "no program or group named "
				    "'%s'", d.name);
		}
	}
	if (!any || ld->nerr > 0)
		return;
	first = cu_calloc(c->nprograms, sizeof(*first));
	path = cu_calloc(c->nprograms + 1, sizeof(*path));
	color = cu_calloc(c->nprograms, 1);
	for (i = 0; i < c->nprograms; i++)
		first[i] = (size_t)-1;
	for (i = 0; i < c->nprograms; i++) {
		if ((p = proc_at(c, i)) == NULL || p->depends_on == NULL ||
		    node_of(c, i, first) != i || color[i] != 0)
			continue;
		if (!visit(c, i, first, color, path, 0, &plen, &at))
			continue;
		for (k = 0; k < plen && path[k] != at; k++)
			;
		for (j = k; j < plen; j++) {
			cu_sb_add(&sb, strchr(proc_at(c, path[j])->section,
			    ':') + 1);
			cu_sb_add(&sb, " -> ");
		}
		cu_sb_add(&sb, strchr(proc_at(c, at)->section, ':') + 1);
		p = proc_at(c, at);
		ld_err(ld, p->file, p->line, p->section, "depends_on",
		    "a cycle: %s", sb.s);
		cu_free(cu_sb_take(&sb));
		break;
	}
	cu_free(first);
	cu_free(path);
	cu_free(color);
}
