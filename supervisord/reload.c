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
#include "supervisord/log.h"
#include "supervisord/main.h"
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

void
rl_apply(struct cfg *newcfg)
{
	struct sv_program *p, *next;
	struct cfg_program *np;
	size_t		 i, added = 0, changed = 0, removed = 0, updated = 0;
	bool		 found;

	for (p = TAILQ_FIRST(&d.programs); p != NULL; p = next) {
		next = TAILQ_NEXT(p, entry);
		found = false;
		for (i = 0; i < newcfg->nprograms; i++) {
			np = newcfg->programs[i];
			if (np == NULL || !same_process(p->cfg, np))
				continue;
			found = true;
			newcfg->programs[i] = NULL;	/* moved or freed */
			p->doomed = false;
			switch (cfg_program_diff(p->cfg, np)) {
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
		if ((np = newcfg->programs[i]) == NULL)
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
	log_info("reload: %zu added, %zu changed, %zu updated in place, "
	    "%zu removed", added, changed, updated, removed);
}

void
rl_reload(void)
{
	struct cfg_msgs	 errors;
	struct cfg	*c;
	size_t		 i;

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
