/*
 * config_json: cfg_dump_json, the parsed configuration as JSON in the
 * schema of shared/corpus/oracle.py (keys sorted, as json.dumps with
 * sort_keys), so that `supervisord --dump-config` can be compared with
 * what Python supervisor makes of the same file; and cfg_json_str, the
 * string writer, which supervisorctl's --json shares.
 */
#include <sys/types.h>

#include <assert.h>
#include <pwd.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "libproc/signame.h"
#include "supervisord/config_mem.h"
#include "supervisord/config_table.h"
#include "supervisord/config_json.h"

void
cfg_json_str(FILE *fp, const char *s)
{
	const unsigned char	*p;

	if (s == NULL) {
		fputs("null", fp);
		return;
	}
	fputc('"', fp);
	for (p = (const unsigned char *)s; *p != '\0'; p++) {
		switch (*p) {
		case '"':
			fputs("\\\"", fp);
			break;
		case '\\':
			fputs("\\\\", fp);
			break;
		case '\n':
			fputs("\\n", fp);
			break;
		case '\r':
			fputs("\\r", fp);
			break;
		case '\t':
			fputs("\\t", fp);
			break;
		default:
			if (*p < 0x20)
				fprintf(fp, "\\u%04x", *p);
			else
				fputc(*p, fp);
		}
	}
	fputc('"', fp);
}

/* ", \"key\": v", or the text of v when it was clamped. */
static void
cfg_json_num(FILE *fp, const struct cfg_bignum *big, size_t nbig,
    const char *key, long long v)
{
	const char	*t = cfg_big(big, nbig, key);

	if (t != NULL)
		fprintf(fp, ", \"%s\": %s", key, t);
	else
		fprintf(fp, ", \"%s\": %lld", key, v);
}

static const char *
cfg_json_bool(bool b)
{
	return b ? "true" : "false";
}

/* A program's environment, sorted by key. */
static void
cfg_json_env(FILE *fp, const struct cfg_program *p)
{
	size_t	i, j, best;
	const char *last = NULL;

	fputs("{", fp);
	for (i = 0; i < p->nenv; i++) {
		best = p->nenv;
		for (j = 0; j < p->nenv; j++) {
			if (last != NULL && strcmp(p->env_keys[j], last) <= 0)
				continue;
			if (best == p->nenv ||
			    strcmp(p->env_keys[j], p->env_keys[best]) < 0)
				best = j;
		}
		if (best == p->nenv)
			break;
		if (i > 0)
			fputs(", ", fp);
		cfg_json_str(fp, p->env_keys[best]);
		fputs(": ", fp);
		cfg_json_str(fp, p->env_vals[best]);
		last = p->env_keys[best];
	}
	fputs("}", fp);
}

/*
 * The members of a process in the dump, sorted by name as json.dumps
 * sorts them: a row of the program table each (CFG_D_USER twice: "uid"
 * and "user"), the section, which is no key, and "extensions": an object
 * of the keys that are ours (CFG_F_EXT), which supervisor has not.
 */
struct jmember {
	const char		*name;
	const struct cfg_key	*k;	/* NULL: "program", the section, or
					   "extensions" (part 2) */
	int			 part;	/* CFG_D_USER: 0 uid, 1 user */
};

static struct jmember	 jmembers[64];
static size_t		 njmembers;
static struct jmember	 jext[16];	/* the members of "extensions" */
static size_t		 njext;

static int
jmember_cmp(const void *a, const void *b)
{
	return strcmp(((const struct jmember *)a)->name,
	    ((const struct jmember *)b)->name);
}

static void
jmembers_init(void)
{
	const struct cfg_ktable	*t = cfg_ktable("program");
	const struct cfg_key	*k;
	size_t			 i;

	if (njmembers > 0)
		return;
	jmembers[njmembers++] = (struct jmember){ "program", NULL, 0 };
	jmembers[njmembers++] = (struct jmember){ "extensions", NULL, 2 };
	for (i = 0; i < t->nown; i++) {
		k = &t->own[i];
		if (k->dump == CFG_D_NONE)
			continue;
		if (k->flags & CFG_F_EXT) {
			/* No CFG_D_USER among them: one member each. */
			assert(njext < sizeof(jext) / sizeof(jext[0]) &&
			    k->dump != CFG_D_USER);
			jext[njext++] = (struct jmember){ k->name, k, 1 };
			continue;
		}
		assert(njmembers + 2 <= sizeof(jmembers) / sizeof(jmembers[0]));
		if (k->dump == CFG_D_USER)
			jmembers[njmembers++] = (struct jmember){ "uid", k, 0 };
		jmembers[njmembers++] = (struct jmember){ k->json != NULL ?
		    k->json : k->name, k, 1 };
	}
	qsort(jmembers, njmembers, sizeof(jmembers[0]), jmember_cmp);
	qsort(jext, njext, sizeof(jext[0]), jmember_cmp);
}

static void cfg_json_value(FILE *, const struct cfg_program *,
    const struct jmember *);

static void
cfg_json_ext(FILE *fp, const struct cfg_program *p)
{
	size_t	i;

	fputs("{", fp);
	for (i = 0; i < njext; i++) {
		fprintf(fp, "%s\"%s\": ", i > 0 ? ", " : "", jext[i].name);
		cfg_json_value(fp, p, &jext[i]);
	}
	fputs("}", fp);
}

#define AT(p, k, t)	((t const *)(const void *)((const char *)(p) + \
			    (k)->off))

/* One member's value, as the oracle prints it. */
static void
cfg_json_value(FILE *fp, const struct cfg_program *p, const struct jmember *m)
{
	static const char *const ar[] = { "false", "unexpected", "true" };
	const struct cfg_key	*k = m->k;
	const struct cfg_log	*l;
	struct passwd		*pw;
	const char		*t;
	size_t			 i;

	if (k == NULL) {
		if (m->part == 2)
			cfg_json_ext(fp, p);
		else
			cfg_json_str(fp, p->section);
		return;
	}
	switch (k->dump) {
	case CFG_D_INT:
	case CFG_D_LL:
		if ((t = cfg_big(p->big, p->nbig, k->name)) != NULL)
			fputs(t, fp);
		else if (k->dump == CFG_D_INT)
			fprintf(fp, "%d", *AT(p, k, int));
		else
			fprintf(fp, "%lld", *AT(p, k, long long));
		break;
	case CFG_D_BOOL:
		fputs(cfg_json_bool(*AT(p, k, bool)), fp);
		break;
	case CFG_D_STR:
		cfg_json_str(fp, *AT(p, k, char *));
		break;
	case CFG_D_BACKOFF:
		fputs(*AT(p, k, int) == CFG_BACKOFF_EXPONENTIAL ?
		    "\"exponential\"" : "\"linear\"", fp);
		break;
	case CFG_D_AUTORESTART:
		fprintf(fp, "\"%s\"", ar[*AT(p, k, enum cfg_autorestart)]);
		break;
	case CFG_D_EXIT:
		fputs("[", fp);
		for (i = 0; i < p->nexitcodes; i++)
			fprintf(fp, "%s%d", i > 0 ? ", " : "", p->exitcodes[i]);
		fputs("]", fp);
		break;
	case CFG_D_SIGNAL:
		if ((t = proc_sig_name(*AT(p, k, int))) != NULL)
			cfg_json_str(fp, t);
		else
			fprintf(fp, "\"%d\"", *AT(p, k, int));
		break;
	case CFG_D_LOG:
		l = AT(p, k, struct cfg_log);
		if (l->kind == CFG_LOG_PATH)
			cfg_json_str(fp, l->path);
		else if (l->kind == CFG_LOG_AUTO)
			fputs("\"AUTO\"", fp);
		else if (l->kind == CFG_LOG_SYSLOG)
			fputs("\"SYSLOG\"", fp);
		else
			fputs("null", fp);
		break;
	case CFG_D_ENV:
		cfg_json_env(fp, p);
		break;
	case CFG_D_UMASK:
		/* The oracle's '%03o' % umask. */
		if ((t = cfg_big(p->big, p->nbig, k->name)) != NULL)
			cfg_json_str(fp, t);
		else if (*AT(p, k, int) >= 0)
			fprintf(fp, "\"%03o\"", (unsigned)*AT(p, k, int));
		else
			fputs("null", fp);
		break;
	case CFG_D_USER:
		if (!p->has_uid)
			fputs("null", fp);
		else if (m->part == 0)
			fprintf(fp, "%lu", (unsigned long)p->uid);
		else {
			pw = getpwuid(p->uid);
			cfg_json_str(fp, pw != NULL ? pw->pw_name : NULL);
		}
		break;
	case CFG_D_NONE:
		break;
	}
}

static void
cfg_json_proc(FILE *fp, const struct cfg_program *p)
{
	size_t	i;

	jmembers_init();
	for (i = 0; i < njmembers; i++) {
		fprintf(fp, "%s\"%s\": ", i > 0 ? ", " : "{", jmembers[i].name);
		cfg_json_value(fp, p, &jmembers[i]);
	}
	fputs("}", fp);
}

/* The oracle's "kind": a [group:x] of one same-named program is "program". */
static const char *
cfg_json_kind(const struct cfg *c, const struct cfg_group *g)
{
	const char	*sect = NULL;
	size_t		 i;
	bool		 several = false;

	switch (g->kind) {
	case CFG_KIND_EVENTLISTENER:
		return "eventlistener";
	case CFG_KIND_FCGI:
		return "fcgi-program";
	default:
		break;
	}
	for (i = g->first; i < g->first + g->n; i++) {
		if (sect != NULL && strcmp(sect, c->programs[i]->section) != 0)
			several = true;
		sect = c->programs[i]->section;
	}
	if (several)
		return "group";
	if (sect != NULL && !(strncmp(sect, "program:", 8) == 0 &&
	    strcmp(sect + 8, g->name) == 0) &&
	    !(strncmp(sect, "fcgi-program:", 13) == 0 &&
	    strcmp(sect + 13, g->name) == 0))
		return "group";
	return "program";
}

static void
cfg_json_group(FILE *fp, const struct cfg *c, const struct cfg_group *g)
{
	const char	*kind = cfg_json_kind(c, g), *t;
	size_t		 i;

	fputs("{", fp);
	if (g->kind == CFG_KIND_EVENTLISTENER) {
		if ((t = cfg_big(g->big, g->nbig, "buffer_size")) != NULL)
			fprintf(fp, "\"buffer_size\": %s", t);
		else
			fprintf(fp, "\"buffer_size\": %d", g->buffer_size);
		fputs(", \"events\": [", fp);
		for (i = 0; i < g->nevents; i++) {
			if (i > 0)
				fputs(", ", fp);
			cfg_json_str(fp, g->events[i]);
		}
		fputs("], ", fp);
	}
	fprintf(fp, "\"kind\": \"%s\", \"name\": ", kind);
	cfg_json_str(fp, g->name);
	cfg_json_num(fp, g->big, g->nbig, "priority", g->priority);
	fputs(", \"processes\": [", fp);
	for (i = 0; i < g->n; i++) {
		fputs(i > 0 ? ",\n   " : "\n   ", fp);
		cfg_json_proc(fp, c->programs[g->first + i]);
	}
	fputs("]", fp);
	if (g->kind == CFG_KIND_EVENTLISTENER) {
		fputs(", \"result_handler\": ", fp);
		cfg_json_str(fp, g->result_handler);
	}
	if (g->kind == CFG_KIND_FCGI) {
		fputs(", \"socket\": ", fp);
		cfg_json_str(fp, g->socket);
		if (g->socket_backlog >= 0)
			fprintf(fp, ", \"socket_backlog\": %d",
			    g->socket_backlog);
		else
			fputs(", \"socket_backlog\": null", fp);
		if ((t = cfg_big(g->big, g->nbig, "socket_mode")) != NULL) {
			fputs(", \"socket_mode\": ", fp);
			cfg_json_str(fp, t);
		} else if (g->socket_mode >= 0)
			fprintf(fp, ", \"socket_mode\": \"%04o\"",
			    (unsigned)g->socket_mode);
		else
			fputs(", \"socket_mode\": null", fp);
		if (g->has_socket_owner)
			fprintf(fp, ", \"socket_owner\": [%ld, %ld]",
			    (long)g->socket_uid,
			    g->socket_gid == (gid_t)-1 ? -1L :
			    (long)g->socket_gid);
		else
			fputs(", \"socket_owner\": null", fp);
	}
	fputs("}", fp);
}

int
cfg_dump_json(const struct cfg *c, FILE *fp)
{
	const char	*base;
	size_t		 i;

	base = strrchr(c->path, '/');
	base = base != NULL ? base + 1 : c->path;
	fputs("{\"file\": ", fp);
	cfg_json_str(fp, base);
	fputs(",\n \"groups\": [", fp);
	for (i = 0; i < c->ngroups; i++) {
		fputs(i > 0 ? ",\n  " : "\n  ", fp);
		cfg_json_group(fp, c, &c->groups[i]);
	}
	fputs("],\n \"infos\": [],\n \"supervisor_version\": \"4.2.5\",\n"
	    " \"warnings\": [", fp);
	for (i = 0; i < c->warnings.n; i++) {
		fputs(i > 0 ? ",\n  " : "\n  ", fp);
		cfg_json_str(fp, c->warnings.v[i]);
	}
	fputs("]}\n", fp);
	fflush(fp);
	return ferror(fp) ? -1 : 0;
}
