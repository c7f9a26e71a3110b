/*
 * config_mem: the memory of a parsed configuration.  A load allocates
 * in its arena (config_util.h) and, when it succeeds, copies its result
 * out to the heap (cfg_copy), block by block, so that each struct
 * cfg_program can be moved to a running program and freed alone
 * (cfg_program_free) and the rest with cfg_free; then the arena goes
 * whole, as it does after an error or out of memory.  Also the lists of
 * messages and of clamped numbers.
 */
#include <sys/types.h>

#include <assert.h>
#include <setjmp.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "supervisord/config_util.h"
#include "supervisord/config_diff.h"
#include "supervisord/config_mem.h"

/* Append key's text (taken) to a list of clamped numbers; NULL: none. */
void
cfg_big_add(struct cfg_bignum **v, size_t *n, const char *key, char *text)
{
	if (text == NULL)
		return;
	*v = cu_realloc(*v, *n + 1, sizeof(**v));
	(*v)[*n].key = cu_strdup(key);
	(*v)[(*n)++].text = text;
}

void
cfg_big_free(struct cfg_bignum *v, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++) {
		cu_free(v[i].key);
		cu_free(v[i].text);
	}
	cu_free(v);
}

const char *
cfg_big(const struct cfg_bignum *big, size_t n, const char *key)
{
	size_t	i;

	for (i = 0; i < n; i++)
		if (strcmp(big[i].key, key) == 0)
			return big[i].text;
	return NULL;
}

void
cfg_msgs_free(struct cfg_msgs *m)
{
	size_t	i;

	if (m == NULL)
		return;
	for (i = 0; i < m->n; i++)
		free(m->v[i]);
	free(m->v);
	m->v = NULL;
	m->n = 0;
}

/* Whether q lies in p's own block (and is not to be freed alone). */
static bool
in_block(const struct cfg_program *p, const void *q)
{
	const char	*b = (const char *)p, *c = q;

	return p->blocklen > 0 && c >= b && c < b + p->blocklen;
}

/* Free q, one of p's, unless it is in p's block. */
static void
prog_field_free(const struct cfg_program *p, void *q)
{
	if (!in_block(p, q))
		cu_free(q);
}

void
cfg_program_free(struct cfg_program *p)
{
	size_t	i;

	if (p == NULL)
		return;
	prog_field_free(p, p->name);
	prog_field_free(p, p->group);
	prog_field_free(p, p->section);
	prog_field_free(p, p->file);
	prog_field_free(p, p->command);
	prog_field_free(p, p->directory);
	prog_field_free(p, p->user);
	prog_field_free(p, p->out.path);
	prog_field_free(p, p->err.path);
	prog_field_free(p, p->out.prefix);
	prog_field_free(p, p->err.prefix);
	for (i = 0; i < p->nenv; i++) {
		prog_field_free(p, p->env_keys[i]);
		prog_field_free(p, p->env_vals[i]);
	}
	prog_field_free(p, p->env_keys);
	prog_field_free(p, p->env_vals);
	prog_field_free(p, p->serverurl);
	prog_field_free(p, p->ready);
	prog_field_free(p, p->depends_on);
	prog_field_free(p, p->env_file);
	prog_field_free(p, p->pw_env);
	prog_field_free(p, p->socket);
	prog_field_free(p, p->events);
	prog_field_free(p, p->exitcodes);
	for (i = 0; i < p->nbig; i++) {
		prog_field_free(p, p->big[i].key);
		prog_field_free(p, p->big[i].text);
	}
	prog_field_free(p, p->big);
	cu_free(p);
}

void
cfg_group_fields_free(struct cfg_group *g)
{
	size_t	i;

	cu_free(g->name);
	for (i = 0; i < g->nevents; i++)
		cu_free(g->events[i]);
	cu_free(g->events);
	cu_free(g->result_handler);
	cu_free(g->socket);
	cfg_big_free(g->big, g->nbig);
}

static void
cfg_contents_free(struct cfg *c)
{
	size_t	i;

	for (i = 0; i < c->nprograms; i++)
		cfg_program_free(c->programs[i]);
	cu_free(c->programs);
	cu_free(c->kept);
	for (i = 0; i < c->ngroups; i++)
		cfg_group_fields_free(&c->groups[i]);
	cu_free(c->groups);
	cu_free(c->sd.logfile);
	cu_free(c->sd.pidfile);
	cu_free(c->sd.directory);
	cu_free(c->sd.user);
	cu_free(c->sd.identifier);
	cu_free(c->sd.childlogdir);
	for (i = 0; i < c->sd.nenv; i++) {
		cu_free(c->sd.env_keys[i]);
		cu_free(c->sd.env_vals[i]);
	}
	cu_free(c->sd.env_keys);
	cu_free(c->sd.env_vals);
	cu_free(c->unix_socket);
	cu_free(c->unix_socket_owner);
	cu_free(c->http_username);
	cu_free(c->http_password);
	cu_free(c->inet_port);
	cu_free(c->inet_host);
	cu_free(c->inet_username);
	cu_free(c->inet_password);
	cu_free(c->ctl_serverurl);
	cfg_msgs_free(&c->warnings);
	cu_free(c->path);
	cu_free(c->here);
}

void
cfg_free(struct cfg *c)
{
	if (c == NULL)
		return;
	cfg_contents_free(c);
	cu_free(c);
}

void
cfg_ctl_free(struct cfg_ctl *cc)
{
	if (cc == NULL)
		return;
	cu_free(cc->serverurl);
	cu_free(cc->username);
	cu_free(cc->password);
	cu_free(cc->unix_file);
	cu_free(cc->unix_username);
	cu_free(cc->unix_password);
	cu_free(cc);
}

/*
 * The copies: each block is hung in its place as soon as it is
 * allocated, so that out of memory half-way leaves a structure that
 * cfg_free (cfg_program_free, cfg_ctl_free) frees whole.
 */
static void
strv_fill(char **d, char *const *s, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++)
		d[i] = cu_strdup(s[i]);
}

static void
cfg_big_copy(struct cfg_bignum **d, size_t *dn, const struct cfg_bignum *s,
    size_t n)
{
	size_t	i;

	if (n == 0)
		return;
	*d = cu_calloc(n, sizeof(**d));
	*dn = n;
	for (i = 0; i < n; i++) {
		(*d)[i].key = cu_strdup(s[i].key);
		(*d)[i].text = cu_strdup(s[i].text);
	}
}

static void
env_copy(char ***dk, char ***dv, size_t *dn, char *const *sk,
    char *const *sv, size_t n)
{
	*dk = cu_calloc(n, sizeof(char *));
	*dv = cu_calloc(n, sizeof(char *));
	*dn = n;
	strv_fill(*dk, sk, n);
	strv_fill(*dv, sv, n);
}

/*
 * A stanza's block (see blocklen): the struct, its arrays, its strings,
 * cut in turn from one allocation.  One block instead of some twenty
 * per process made the copy of 5000 programs, and their freeing on the
 * next reload, a third as long, and takes less memory.
 */
struct blk {
	char	*p;
	size_t	 len;		/* counting: what the strings need */
};

#define BLK_ALIGN(n)	(((n) + 15) & ~(size_t)15)

static void
blk_count(struct blk *b, const char *str)
{
	if (str != NULL)
		b->len += strlen(str) + 1;
}

static char *
blk_str(struct blk *b, const char *str)
{
	char	*d;
	size_t	 n;

	if (str == NULL)
		return NULL;
	n = strlen(str) + 1;
	d = memcpy(b->p, str, n);
	b->p += n;
	return d;
}

static void *
blk_array(struct blk *b, size_t n, size_t size)
{
	void	*d = b->p;

	b->p += BLK_ALIGN(n * size);
	return d;
}

static void
prog_copy(struct cfg_program **slot, const struct cfg_program *s)
{
	const char *const strs[] = { s->name, s->group, s->section, s->file,
	    s->command, s->directory, s->user, s->serverurl, s->socket,
	    s->events, s->out.path, s->err.path, s->ready, s->depends_on,
	    s->env_file, s->pw_env, s->out.prefix, s->err.prefix };
	struct cfg_program	*p;
	struct blk		 b = { NULL, 0 };
	size_t			 i, arrays, total;

	for (i = 0; i < sizeof(strs) / sizeof(strs[0]); i++)
		blk_count(&b, strs[i]);
	for (i = 0; i < s->nenv; i++) {
		blk_count(&b, s->env_keys[i]);
		blk_count(&b, s->env_vals[i]);
	}
	for (i = 0; i < s->nbig; i++) {
		blk_count(&b, s->big[i].key);
		blk_count(&b, s->big[i].text);
	}
	arrays = 2 * BLK_ALIGN(s->nenv * sizeof(char *)) +
	    BLK_ALIGN(s->nexitcodes * sizeof(int)) +
	    BLK_ALIGN(s->nbig * sizeof(struct cfg_bignum));
	total = BLK_ALIGN(sizeof(*p)) + arrays + b.len;
	*slot = p = cu_calloc(1, total);
	/* The numbers; every pointer is then one into the block. */
	*p = *s;
	p->blocklen = total;
	b.p = (char *)p + BLK_ALIGN(sizeof(*p));
	/* Never NULL, as before: exitcodes= (empty) is no code at all. */
	p->env_keys = blk_array(&b, s->nenv, sizeof(char *));
	p->env_vals = blk_array(&b, s->nenv, sizeof(char *));
	p->exitcodes = blk_array(&b, s->nexitcodes, sizeof(int));
	p->big = s->nbig > 0 ? blk_array(&b, s->nbig, sizeof(*p->big)) :
	    NULL;
	if (s->nexitcodes > 0)
		memcpy(p->exitcodes, s->exitcodes,
		    s->nexitcodes * sizeof(int));
	p->name = blk_str(&b, s->name);
	p->group = blk_str(&b, s->group);
	p->section = blk_str(&b, s->section);
	p->file = blk_str(&b, s->file);
	p->command = blk_str(&b, s->command);
	p->directory = blk_str(&b, s->directory);
	p->user = blk_str(&b, s->user);
	p->serverurl = blk_str(&b, s->serverurl);
	p->ready = blk_str(&b, s->ready);
	p->depends_on = blk_str(&b, s->depends_on);
	p->env_file = blk_str(&b, s->env_file);
	p->pw_env = blk_str(&b, s->pw_env);
	p->socket = blk_str(&b, s->socket);
	p->events = blk_str(&b, s->events);
	p->out.path = blk_str(&b, s->out.path);
	p->err.path = blk_str(&b, s->err.path);
	p->out.prefix = blk_str(&b, s->out.prefix);
	p->err.prefix = blk_str(&b, s->err.prefix);
	for (i = 0; i < s->nenv; i++) {
		p->env_keys[i] = blk_str(&b, s->env_keys[i]);
		p->env_vals[i] = blk_str(&b, s->env_vals[i]);
	}
	for (i = 0; i < s->nbig; i++) {
		p->big[i].key = blk_str(&b, s->big[i].key);
		p->big[i].text = blk_str(&b, s->big[i].text);
	}
	assert(b.p <= (char *)p + total);
}

struct cfg_program *
cfg_program_dup(const struct cfg_program *p)
{
	struct cfg_program	*d = NULL;
	jmp_buf			 jb, *prev;

	/* One allocation: if it fails, nothing is left to free. */
	prev = cu_oom_catch(&jb);
	if (setjmp(jb) != 0) {
		cu_oom_catch(prev);
		return NULL;
	}
	prog_copy(&d, p);
	cu_oom_catch(prev);
	return d;
}

/* s into g, whose pointers it clears before the first allocation. */
static void
group_copy(struct cfg_group *g, const struct cfg_group *s)
{
	*g = *s;
	g->name = g->result_handler = g->socket = NULL;
	g->events = NULL;
	g->nevents = 0;
	g->big = NULL;
	g->nbig = 0;
	g->name = cu_strdup(s->name);
	g->result_handler = cu_strdup(s->result_handler);
	g->socket = cu_strdup(s->socket);
	if (s->nevents > 0) {
		g->events = cu_calloc(s->nevents, sizeof(char *));
		g->nevents = s->nevents;
		strv_fill(g->events, s->events, s->nevents);
	}
	cfg_big_copy(&g->big, &g->nbig, s->big, s->nbig);
}

const struct cfg_program *
cfg_kept_as(const struct cfg_keep *keep, const struct cfg_program *p)
{
	const struct cfg_program *r;

	if (keep == NULL || p->kind == CFG_KIND_EVENTLISTENER ||
	    p->kind == CFG_KIND_FCGI || p->socket != NULL)
		return NULL;
	if ((r = keep->find(keep->arg, p->group, p->name)) == NULL ||
	    cfg_program_diff(r, p) != CFG_SAME)
		return NULL;
	return r;
}

static void
cfg_copy_into(struct cfg *h, const struct cfg *a)
{
	const struct cfg_supervisord	*ss = &a->sd;
	struct cfg_supervisord		*sd = &h->sd;
	size_t				 i;

	h->path = cu_strdup(a->path);
	h->here = cu_strdup(a->here);
	*sd = *ss;
	sd->logfile = sd->pidfile = sd->directory = sd->user = NULL;
	sd->identifier = sd->childlogdir = NULL;
	sd->env_keys = sd->env_vals = NULL;
	sd->nenv = 0;
	sd->logfile = cu_strdup(ss->logfile);
	sd->pidfile = cu_strdup(ss->pidfile);
	sd->directory = cu_strdup(ss->directory);
	sd->user = cu_strdup(ss->user);
	sd->identifier = cu_strdup(ss->identifier);
	sd->childlogdir = cu_strdup(ss->childlogdir);
	env_copy(&sd->env_keys, &sd->env_vals, &sd->nenv, ss->env_keys,
	    ss->env_vals, ss->nenv);
	/*
	 * Arrays that are written whole are not zeroed first: for thousands
	 * of programs that was the first touch of half a megabyte, twice.
	 * ngroups counts a group once its copy has begun: group_copy clears
	 * its pointers before it allocates, so that an out of memory half
	 * way frees only what was copied.
	 */
	h->programs = cu_calloc(a->nprograms, sizeof(*h->programs));
	h->nprograms = a->nprograms;
	if (a->kept != NULL) {
		h->kept = cu_realloc(NULL, a->nprograms, sizeof(*h->kept));
		memcpy(h->kept, a->kept, a->nprograms * sizeof(*h->kept));
	}
	for (i = 0; i < a->nprograms; i++)
		if (a->programs[i] != NULL)
			prog_copy(&h->programs[i], a->programs[i]);
	h->groups = cu_realloc(NULL, a->ngroups, sizeof(*h->groups));
	for (i = 0; i < a->ngroups; i++) {
		h->ngroups = i + 1;
		group_copy(&h->groups[i], &a->groups[i]);
	}
	h->unix_socket = cu_strdup(a->unix_socket);
	h->unix_socket_mode = a->unix_socket_mode;
	h->unix_socket_owner = cu_strdup(a->unix_socket_owner);
	h->http_username = cu_strdup(a->http_username);
	h->http_password = cu_strdup(a->http_password);
	h->unix_health_open = a->unix_health_open;
	h->inet_port = cu_strdup(a->inet_port);
	h->inet_host = cu_strdup(a->inet_host);
	h->inet_portnum = a->inet_portnum;
	h->inet_username = cu_strdup(a->inet_username);
	h->inet_password = cu_strdup(a->inet_password);
	h->inet_health_open = a->inet_health_open;
	h->ctl_serverurl = cu_strdup(a->ctl_serverurl);
	h->has_rpcinterface = a->has_rpcinterface;
	if (a->warnings.n > 0) {
		h->warnings.v = cu_calloc(a->warnings.n, sizeof(char *));
		h->warnings.n = a->warnings.n;
		strv_fill(h->warnings.v, a->warnings.v, a->warnings.n);
	}
}

struct cfg *
cfg_copy(const struct cfg *a)
{
	struct cfg *volatile	 h = NULL;
	jmp_buf			 jb, *prev;

	prev = cu_oom_catch(&jb);
	if (setjmp(jb) != 0) {
		cu_oom_catch(prev);
		cfg_free(h);
		cu_oom();
	}
	h = cu_calloc(1, sizeof(*h));
	cfg_copy_into(h, a);
	cu_oom_catch(prev);
	return h;
}

struct cfg_ctl *
cfg_ctl_copy(const struct cfg_ctl *a)
{
	struct cfg_ctl *volatile h = NULL;
	jmp_buf			 jb, *prev;

	prev = cu_oom_catch(&jb);
	if (setjmp(jb) != 0) {
		cu_oom_catch(prev);
		cfg_ctl_free(h);
		cu_oom();
	}
	h = cu_calloc(1, sizeof(*h));
	h->serverurl = cu_strdup(a->serverurl);
	h->username = cu_strdup(a->username);
	h->password = cu_strdup(a->password);
	h->unix_file = cu_strdup(a->unix_file);
	h->unix_username = cu_strdup(a->unix_username);
	h->unix_password = cu_strdup(a->unix_password);
	cu_oom_catch(prev);
	return h;
}
