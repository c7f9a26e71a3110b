/*
 * config_json: cfg_dump_json, the parsed configuration as JSON in the
 * schema of shared/corpus/oracle.py (keys sorted, as json.dumps with
 * sort_keys), so that `supervisord --dump-config` can be compared with
 * what Python supervisor makes of the same file.
 */
#include <sys/types.h>

#include <pwd.h>
#include <stdio.h>
#include <string.h>

#include "libproc/signame.h"
#include "supervisord/config.h"

static void
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

static void
cfg_json_log(FILE *fp, const char *ch, const struct cfg_log *l,
    const struct cfg_program *p)
{
	char	key[64];

	snprintf(key, sizeof(key), "%s_capture_maxbytes", ch);
	cfg_json_num(fp, p->big, p->nbig, key, l->capture_maxbytes);
	fprintf(fp, ", \"%s_events_enabled\": %s", ch,
	    cfg_json_bool(l->events_enabled));
	fprintf(fp, ", \"%s_logfile\": ", ch);
	switch (l->kind) {
	case CFG_LOG_PATH:
		cfg_json_str(fp, l->path);
		break;
	case CFG_LOG_AUTO:
		fputs("\"AUTO\"", fp);
		break;
	case CFG_LOG_SYSLOG:
		fputs("\"SYSLOG\"", fp);
		break;
	default:
		fputs("null", fp);
	}
	snprintf(key, sizeof(key), "%s_logfile_backups", ch);
	cfg_json_num(fp, p->big, p->nbig, key, l->backups);
	snprintf(key, sizeof(key), "%s_logfile_maxbytes", ch);
	cfg_json_num(fp, p->big, p->nbig, key, l->maxbytes);
	fprintf(fp, ", \"%s_syslog\": %s", ch, cfg_json_bool(l->syslog));
}

/* Indices of a program's environment, sorted by key. */
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

/* The oracle's '%03o' % umask. */
static void
cfg_json_umask(FILE *fp, const struct cfg_program *p)
{
	const char	*t = cfg_big(p->big, p->nbig, "umask");

	fputs(", \"umask\": ", fp);
	if (t != NULL)
		cfg_json_str(fp, t);
	else if (p->umask >= 0)
		fprintf(fp, "\"%03o\"", (unsigned)p->umask);
	else
		fputs("null", fp);
}

static void
cfg_json_proc(FILE *fp, const struct cfg_program *p)
{
	static const char *const ar[] = { "false", "unexpected", "true" };
	struct passwd	*pw;
	const char	*sig;
	size_t		 i;

	fprintf(fp, "{\"autorestart\": \"%s\"", ar[p->autorestart]);
	fprintf(fp, ", \"autostart\": %s", cfg_json_bool(p->autostart));
	fputs(", \"command\": ", fp);
	cfg_json_str(fp, p->command);
	fputs(", \"directory\": ", fp);
	cfg_json_str(fp, p->directory);
	fputs(", \"environment\": ", fp);
	cfg_json_env(fp, p);
	fputs(", \"exitcodes\": [", fp);
	for (i = 0; i < p->nexitcodes; i++)
		fprintf(fp, "%s%d", i > 0 ? ", " : "", p->exitcodes[i]);
	fprintf(fp, "], \"killasgroup\": %s", cfg_json_bool(p->killasgroup));
	fputs(", \"name\": ", fp);
	cfg_json_str(fp, p->name);
	fprintf(fp, ", \"numprocs\": %d", p->numprocs);
	cfg_json_num(fp, p->big, p->nbig, "priority", p->priority);
	fputs(", \"program\": ", fp);
	cfg_json_str(fp, p->section);
	fprintf(fp, ", \"redirect_stderr\": %s, \"serverurl\": ",
	    cfg_json_bool(p->redirect_stderr));
	cfg_json_str(fp, p->serverurl);
	cfg_json_num(fp, p->big, p->nbig, "startretries", p->startretries);
	cfg_json_num(fp, p->big, p->nbig, "startsecs", p->startsecs);
	cfg_json_log(fp, "stderr", &p->err, p);
	cfg_json_log(fp, "stdout", &p->out, p);
	fprintf(fp, ", \"stopasgroup\": %s, \"stopsignal\": ",
	    cfg_json_bool(p->stopasgroup));
	if ((sig = proc_sig_name(p->stopsignal)) != NULL)
		cfg_json_str(fp, sig);
	else
		fprintf(fp, "\"%d\"", p->stopsignal);
	cfg_json_num(fp, p->big, p->nbig, "stopwaitsecs", p->stopwaitsecs);
	if (p->has_uid) {
		fprintf(fp, ", \"uid\": %lu", (unsigned long)p->uid);
		pw = getpwuid(p->uid);
		cfg_json_umask(fp, p);
		fputs(", \"user\": ", fp);
		cfg_json_str(fp, pw != NULL ? pw->pw_name : NULL);
	} else {
		fputs(", \"uid\": null", fp);
		cfg_json_umask(fp, p);
		fputs(", \"user\": null", fp);
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
