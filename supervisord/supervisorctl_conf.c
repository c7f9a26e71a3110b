/*
 * supervisorctl_conf: the commands on the configuration and the daemon
 * (avail, reread, update, add, remove, reload, shutdown, version, open),
 * as supervisorctl 4.2.5 runs them.  update differs on purpose: it asks
 * our daemon's diff.update to apply the difference (only what changed
 * restarts) and prints its lines with supervisorctl's words; a daemon
 * without that method (Python's supervisord) gets supervisorctl's own
 * algorithm: reloadConfig, then stop, remove and add group by group.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "supervisord/supervisorctl.h"

static bool
no_args(struct ctl *c, const char *arg, const char *cmd)
{
	if (*arg == '\0')
		return true;
	ctl_out("Error: %s accepts no arguments", cmd);
	c->exitstatus = CTL_GENERIC;
	ctl_help(cmd);
	return false;
}

void
cmd_avail(struct ctl *c, const char *arg)
{
	const struct xr_val *r, *p;
	char	 name[1024], prio[64];
	size_t	 i;
	int	 rc;
	bool	 json = strcmp(arg, "--json") == 0;

	if (!json && !no_args(c, arg, "avail"))
		return;
	ctl_proxy(c);
	if ((rc = ctl_rpc(c, "supervisor.getAllConfigInfo", NULL, &r)) != 0) {
		c->exitstatus = CTL_GENERIC;
		if (rc != F_SHUTDOWN_STATE)
			ctl_raise_fault(c, r);
		ctl_out("ERROR: supervisor shutting down");
		return;
	}
	if (json) {
		ctl_json_list((const struct xr_val *const *)r->v, r->n,
		    ctl_json_config);
		return;
	}
	for (i = 0; i < r->n; i++) {
		p = r->v[i];
		ctl_namespec(ctl_str(p, "group"), ctl_str(p, "name"), name,
		    sizeof(name));
		snprintf(prio, sizeof(prio), "%lld:%lld",
		    ctl_int(p, "group_prio"), ctl_int(p, "process_prio"));
		/* '%(name)-32s %(inuse)-9s %(autostart)-9s %(priority)s' */
		printf("%-32s %-9s %-9s %s\n", name,
		    ctl_int(p, "inuse") ? "in use" : "avail",
		    ctl_int(p, "autostart") ? "auto" : "manual", prio);
	}
}

/* _formatChanges of [added, changed, dropped]. */
static void
format_changes(struct ctl *c, const struct xr_val *acd)
{
	static const char *const words[3] = { "available", "changed",
	    "disappeared" };
	const char	**names, **what;
	size_t		 i, j, k, n = 0, total = 0;

	for (i = 0; acd != NULL && i < acd->n && i < 3; i++)
		total += acd->v[i]->n;
	names = ctl_keepmem(c, calloc(total + 1, 2 * sizeof(*names)));
	if (names == NULL)
		return;
	what = names + total + 1;
	for (i = 0; acd != NULL && i < acd->n && i < 3; i++)
		for (j = 0; j < acd->v[i]->n; j++) {
			/* A dict: a later list's word wins. */
			for (k = 0; k < n; k++)
				if (strcmp(names[k], acd->v[i]->v[j]->s) == 0)
					break;
			names[k] = acd->v[i]->v[j]->s;
			what[k] = words[i];
			if (k == n)
				n++;
		}
	if (n == 0) {
		ctl_out("No config updates to processes");
		return;
	}
	/* Sort the names, carrying their words along. */
	for (i = 0; i < n; i++)
		for (j = i + 1; j < n; j++)
			if (strcmp(names[j], names[i]) < 0) {
				const char *t = names[i], *w = what[i];

				names[i] = names[j];
				what[i] = what[j];
				names[j] = t;
				what[j] = w;
			}
	for (i = 0; i < n; i++)
		ctl_out("%s: %s", names[i], what[i]);
}

void
cmd_reread(struct ctl *c, const char *arg)
{
	const struct xr_val *r;
	int	 rc;

	if (!no_args(c, arg, "reread"))
		return;
	ctl_proxy(c);
	if ((rc = ctl_rpc(c, "supervisor.reloadConfig", NULL, &r)) != 0) {
		c->exitstatus = CTL_GENERIC;
		if (rc == F_SHUTDOWN_STATE)
			ctl_out("ERROR: supervisor shutting down");
		else if (rc == F_CANT_REREAD)
			ctl_out("ERROR: %s", ctl_fault_text(r));
		else
			ctl_raise_fault(c, r);
		return;
	}
	format_changes(c, r->n > 0 ? r->v[0] : NULL);
}

static bool
in_list(const struct xr_val *list, const char *s)
{
	size_t	i;

	for (i = 0; list != NULL && i < list->n; i++)
		if (list->v[i]->s != NULL && strcmp(list->v[i]->s, s) == 0)
			return true;
	return false;
}

static bool
in_words(char **words, size_t n, const char *s)
{
	size_t	i;

	for (i = 0; i < n; i++)
		if (strcmp(words[i], s) == 0)
			return true;
	return false;
}

/* supervisorctl 4.2.5's do_update, for a daemon without diff.update. */
static void
update_python(struct ctl *c, char **names, size_t n)
{
	const struct xr_val *r, *acd, *added, *changed, *removed, *all, *rs;
	char	**uniq;
	size_t	 i, j, nu = 0;
	int	 rc;
	bool	 fails, known;

	if ((rc = ctl_rpc(c, "supervisor.reloadConfig", NULL, &r)) != 0) {
		c->exitstatus = CTL_GENERIC;
		if (rc != F_SHUTDOWN_STATE)
			ctl_raise_fault(c, r);
		ctl_out("ERROR: already shutting down");
		return;
	}
	acd = r->n > 0 ? r->v[0] : NULL;
	added = acd != NULL && acd->n > 0 ? acd->v[0] : NULL;
	changed = acd != NULL && acd->n > 1 ? acd->v[1] : NULL;
	removed = acd != NULL && acd->n > 2 ? acd->v[2] : NULL;
	/* A set of the names; "all" means none. */
	uniq = ctl_keepmem(c, calloc(n + 1, sizeof(*uniq)));
	for (i = 0; uniq != NULL && i < n; i++)
		if (!in_words(uniq, nu, names[i]))
			uniq[nu++] = names[i];
	if (in_words(uniq, nu, "all"))
		nu = 0;
	if (nu > 0) {
		if (ctl_rpc(c, "supervisor.getAllProcessInfo", NULL, &all) !=
		    0)
			ctl_raise_fault(c, all);
		for (i = 0; i < nu; i++) {
			known = in_list(added, uniq[i]);
			for (j = 0; !known && j < all->n; j++)
				known = strcmp(ctl_str(all->v[j], "group"),
				    uniq[i]) == 0;
			if (!known) {
				ctl_out("ERROR: no such group: %s", uniq[i]);
				c->exitstatus = CTL_GENERIC;
			}
		}
	}
	for (i = 0; removed != NULL && i < removed->n; i++) {
		const char *g = removed->v[i]->s;

		if (nu > 0 && !in_words(uniq, nu, g))
			continue;
		if (ctl_rpc(c, "supervisor.stopProcessGroup", ctl_args("s", g),
		    &rs) != 0)
			ctl_raise_fault(c, rs);
		ctl_out("%s: stopped", g);
		fails = false;
		for (j = 0; j < rs->n; j++)
			fails |= ctl_int(rs->v[j], "status") == F_FAILED;
		if (fails) {
			ctl_out("%s: has problems; not removing", g);
			c->exitstatus = CTL_GENERIC;
			continue;
		}
		if (ctl_rpc(c, "supervisor.removeProcessGroup",
		    ctl_args("s", g), &rs) != 0)
			ctl_raise_fault(c, rs);
		ctl_out("%s: removed process group", g);
	}
	for (i = 0; changed != NULL && i < changed->n; i++) {
		const char *g = changed->v[i]->s;

		if (nu > 0 && !in_words(uniq, nu, g))
			continue;
		if (ctl_rpc(c, "supervisor.stopProcessGroup", ctl_args("s", g),
		    &rs) != 0)
			ctl_raise_fault(c, rs);
		ctl_out("%s: stopped", g);
		if (ctl_rpc(c, "supervisor.removeProcessGroup",
		    ctl_args("s", g), &rs) != 0 ||
		    ctl_rpc(c, "supervisor.addProcessGroup", ctl_args("s", g),
		    &rs) != 0)
			ctl_raise_fault(c, rs);
		ctl_out("%s: updated process group", g);
	}
	for (i = 0; added != NULL && i < added->n; i++) {
		const char *g = added->v[i]->s;

		if (nu > 0 && !in_words(uniq, nu, g))
			continue;
		if (ctl_rpc(c, "supervisor.addProcessGroup", ctl_args("s", g),
		    &rs) != 0)
			ctl_raise_fault(c, rs);
		ctl_out("%s: added process group", g);
	}
}

void
cmd_update(struct ctl *c, const char *arg)
{
	const struct xr_val *r, *u;
	struct xr_val	*list;
	char		**names;
	size_t		 n, i;
	int		 rc;

	names = ctl_split(c, arg, &n);
	ctl_proxy(c);
	if ((list = xr_array()) == NULL)
		return;
	for (i = 0; i < n; i++)
		(void)xr_push(list, xr_string(names[i], strlen(names[i])));
	rc = ctl_rpc(c, "diff.update", ctl_args("v", list), &r);
	if (rc == F_UNKNOWN_METHOD) {
		update_python(c, names, n);
		return;
	}
	if (rc != 0) {
		c->exitstatus = CTL_GENERIC;
		if (rc == F_SHUTDOWN_STATE)
			ctl_out("ERROR: already shutting down");
		else if (rc == F_CANT_REREAD)
			ctl_out("ERROR: %s", ctl_fault_text(r));
		else
			ctl_raise_fault(c, r);
		return;
	}
	for (i = 0; i < r->n; i++) {
		u = r->v[i];
		switch (ctl_int(u, "status")) {
		case F_SUCCESS:
			ctl_out("%s: %s", ctl_str(u, "name"),
			    ctl_str(u, "description"));
			break;
		case F_BAD_NAME:
			ctl_out("ERROR: no such group: %s", ctl_str(u, "name"));
			c->exitstatus = CTL_GENERIC;
			break;
		default:
			ctl_out("%s: %s", ctl_str(u, "name"),
			    ctl_str(u, "description"));
			c->exitstatus = CTL_GENERIC;
			break;
		}
	}
}

void
cmd_add(struct ctl *c, const char *arg)
{
	const struct xr_val *r;
	char	**names;
	size_t	 n;
	int	 rc;

	names = ctl_split(c, arg, &n);
	ctl_proxy(c);
	for (; *names != NULL; names++) {
		rc = ctl_rpc(c, "supervisor.addProcessGroup",
		    ctl_args("s", *names), &r);
		if (rc == 0)
			ctl_out("%s: added process group", *names);
		else if (rc == F_SHUTDOWN_STATE) {
			ctl_out("ERROR: shutting down");
			c->exitstatus = CTL_GENERIC;
		} else if (rc == F_ALREADY_ADDED)
			ctl_out("ERROR: process group already active");
		else if (rc == F_BAD_NAME) {
			ctl_out("ERROR: no such process/group: %s", *names);
			c->exitstatus = CTL_GENERIC;
		} else
			ctl_raise_fault(c, r);
	}
}

void
cmd_remove(struct ctl *c, const char *arg)
{
	const struct xr_val *r;
	char	**names;
	size_t	 n;
	int	 rc;

	names = ctl_split(c, arg, &n);
	ctl_proxy(c);
	for (; *names != NULL; names++) {
		rc = ctl_rpc(c, "supervisor.removeProcessGroup",
		    ctl_args("s", *names), &r);
		if (rc == 0) {
			ctl_out("%s: removed process group", *names);
			continue;
		}
		c->exitstatus = CTL_GENERIC;
		if (rc == F_STILL_RUNNING)
			ctl_out("ERROR: process/group still running: %s",
			    *names);
		else if (rc == F_BAD_NAME)
			ctl_out("ERROR: no such process/group: %s", *names);
		else
			ctl_raise_fault(c, r);
	}
}

void
cmd_reload(struct ctl *c, const char *arg)
{
	const struct xr_val *r;
	int	 rc;

	if (!no_args(c, arg, "reload"))
		return;
	ctl_proxy(c);
	if ((rc = ctl_rpc(c, "supervisor.restart", NULL, &r)) != 0) {
		c->exitstatus = CTL_GENERIC;
		if (rc != F_SHUTDOWN_STATE)
			ctl_raise_fault(c, r);
		ctl_out("ERROR: already shutting down");
		return;
	}
	ctl_out("Restarted supervisord");
}

void
cmd_shutdown(struct ctl *c, const char *arg)
{
	const struct xr_val *r;
	int	 rc;

	if (!no_args(c, arg, "shutdown"))
		return;
	ctl_proxy(c);
	rc = ctl_rpc_try(c, "supervisor.shutdown", NULL, &r);
	if (rc == -1) {
		if (c->err != CTL_E_SOCKET || (c->errnum != ECONNREFUSED &&
		    c->errnum != ENOENT))
			ctl_raise_err(c);
		c->exitstatus = CTL_GENERIC;
		ctl_out("ERROR: %s %s (already shut down?)", c->url,
		    c->errnum == ENOENT ? "no such file" :
		    "refused connection");
		return;
	}
	if (rc == F_SHUTDOWN_STATE)
		ctl_out("ERROR: already shutting down");
	else if (rc != 0)
		ctl_raise_fault(c, r);
	else
		ctl_out("Shut down");
}

void
cmd_version(struct ctl *c, const char *arg)
{
	const struct xr_val *r;

	if (!no_args(c, arg, "version"))
		return;
	if (!ctl_upcheck(c))
		return;
	ctl_proxy(c);
	if (ctl_rpc(c, "supervisor.getSupervisorVersion", NULL, &r) != 0)
		ctl_raise_fault(c, r);
	ctl_out("%s", r->s != NULL ? r->s : "");
}

void
cmd_open(struct ctl *c, const char *arg)
{
	int	saved;
	char	*url;

	if (strncmp(arg, "unix:", 5) != 0 && strncmp(arg, "http:", 5) != 0) {
		ctl_out("ERROR: url must be http:// or unix://");
		c->exitstatus = CTL_GENERIC;
		return;
	}
	if ((url = strdup(arg)) == NULL)
		return;
	free(c->url);
	c->url = url;
	ctl_disconnect(c);	/* another server: the kept connection goes */
	saved = c->exitstatus;
	cmd_status(c, "");
	c->exitstatus = saved;
}
