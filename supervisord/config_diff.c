/*
 * config_diff: cfg_program_diff, how two stanzas of one process differ,
 * key by key as the table of program keys classifies them.
 */
#include <stdbool.h>
#include <string.h>

#include "supervisord/config_table.h"
#include "supervisord/config_diff.h"

static bool
str_eq(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		return a == b;
	return strcmp(a, b) == 0;
}

#define AT(p, k, t)	((t const *)(const void *)((const char *)(p) + \
			    (k)->off))

/* Whether the field of key k is the same in a and b. */
static bool
key_eq(const struct cfg_key *k, const struct cfg_program *a,
    const struct cfg_program *b)
{
	size_t	i;

	switch (k->cmp) {
	case CFG_C_NONE:
		return true;
	case CFG_C_STR:
		return str_eq(*AT(a, k, char *), *AT(b, k, char *));
	case CFG_C_INT:
		return *AT(a, k, int) == *AT(b, k, int);
	case CFG_C_BOOL:
		return *AT(a, k, bool) == *AT(b, k, bool);
	case CFG_C_LL:
		return *AT(a, k, long long) == *AT(b, k, long long);
	case CFG_C_LOG:
		return AT(a, k, struct cfg_log)->kind ==
		    AT(b, k, struct cfg_log)->kind &&
		    str_eq(AT(a, k, struct cfg_log)->path,
		    AT(b, k, struct cfg_log)->path);
	case CFG_C_ENV:
		if (a->nenv != b->nenv || a->nenv_sd != b->nenv_sd)
			return false;
		for (i = 0; i < a->nenv; i++)
			if (!str_eq(a->env_keys[i], b->env_keys[i]) ||
			    !str_eq(a->env_vals[i], b->env_vals[i]))
				return false;
		return true;
	case CFG_C_EXIT:
		return a->nexitcodes == b->nexitcodes && (a->nexitcodes == 0 ||
		    memcmp(a->exitcodes, b->exitcodes,
		    a->nexitcodes * sizeof(int)) == 0);
	case CFG_C_USER:
		return str_eq(a->user, b->user) && a->has_uid == b->has_uid &&
		    a->uid == b->uid && a->gid == b->gid &&
		    str_eq(a->pw_env, b->pw_env);
	}
	return false;
}

enum cfg_diff
cfg_program_diff(const struct cfg_program *a, const struct cfg_program *b)
{
	const struct cfg_ktable	*t = cfg_ktable("program");
	bool			 policy = false;
	size_t			 i;

	/* supervisor 4.2.5 compares a socket by its URL only: a new
	 * backlog, mode or owner alone restarts nothing. */
	if (a->kind != b->kind || !str_eq(a->socket, b->socket))
		return CFG_SPAWN;
	/* A listener pool's events and buffer restart its processes, as
	 * supervisor's group comparison. */
	if (!str_eq(a->events, b->events) || a->buffer_size != b->buffer_size)
		return CFG_SPAWN;
	/* A socket is its section's: another section, another socket. */
	if (a->socket != NULL && !str_eq(a->section, b->section))
		return CFG_SPAWN;
	for (i = 0; i < t->nown; i++) {
		if (key_eq(&t->own[i], a, b))
			continue;
		if (t->own[i].cls == CFG_K_SPAWN)
			return CFG_SPAWN;
		policy = true;
	}
	if (policy || !str_eq(a->group, b->group) ||
	    !str_eq(a->section, b->section))
		return CFG_POLICY;
	return CFG_SAME;
}

bool
cfg_group_differs(const struct cfg_group *a, const struct cfg_group *b)
{
	size_t	i;

	if (a->kind != b->kind)
		return true;
	switch (a->kind) {
	case CFG_KIND_EVENTLISTENER:
		if (a->buffer_size != b->buffer_size ||
		    a->nevents != b->nevents ||
		    !str_eq(a->result_handler, b->result_handler))
			return true;
		for (i = 0; i < a->nevents; i++)
			if (!str_eq(a->events[i], b->events[i]))
				return true;
		return false;
	case CFG_KIND_FCGI:
		return !str_eq(a->socket, b->socket);
	default:
		return false;
	}
}
