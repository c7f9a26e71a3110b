/*
 * config: read supervisord.conf as Python supervisor 4.2.5 reads it.
 *
 * Three layers.  The reader (rd_*, config_ini) splits a file into lines
 * the way Python's ConfigParser does as supervisor configures it (inline
 * comments after whitespace, "key: value" and "key = value", indented
 * continuation lines, CRLF) and hands them to inih's ini_parse_stream,
 * whose handler stores them with their file and line in a small section
 * store (store_*, sect_*).  Then the interpretation layer (ld_*) follows
 * options.py's read_config, process_groups_from_parser,
 * processes_from_section and server_configs_from_parser, with
 * supervisor's defaults, types and %(name)s expansions, into the structs
 * of config_defs.h: the regular keys row by row from the tables of
 * config_table (cfg_keys_read), the irregular ones in code.
 *
 * This file is the top of the reader's modules: it includes them, none of
 * them includes config.h.  A load allocates in an arena (config_util),
 * copies its result out to the heap when it succeeds (config_mem), and
 * frees the arena whole in every case: out of memory anywhere in a load
 * (a SIGHUP reload) returns NULL and leaves nothing behind.
 *
 * Every error names FILE:LINE: [SECTION] KEY.  Unlike supervisor, which
 * stops at the first error, a bad section is skipped and the others are
 * still checked, so one run shows every error.
 */
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/utsname.h>

#include <ctype.h>
#include <errno.h>
#include <setjmp.h>
#include <glob.h>
#include <grp.h>
#include <limits.h>
#include <pwd.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "supervisord/config.h"
#include "supervisord/config_util.h"
#include "supervisord/config_mem.h"
#include "supervisord/config_ini.h"
#include "supervisord/config_expand.h"
#include "supervisord/config_keys.h"
#include "supervisord/config_program.h"
#include "supervisord/config_group.h"
#include "supervisord/config_server.h"
#include "supervisord/config_deps.h"

extern char **environ;

static char *cfg_hostname;	/* cfg_set_hostname(), NULL: uname */

/* v with every %(here)s replaced by here, once. */
static char *
here_sub(const char *v, const char *here)
{
	struct cu_sbuf	 b = { 0 };
	const char	*p, *q;

	for (p = v; (q = strstr(p, "%(here)s")) != NULL; p = q + 8) {
		cu_sb_addn(&b, p, (size_t)(q - p));
		cu_sb_add(&b, here);
	}
	cu_sb_add(&b, p);
	return cu_sb_take(&b);
}

/*
 * expand_here: supervisor replaces %(here)s text in every value of every
 * section, [DEFAULT]'s included as seen through each section: a section
 * without the key gets its own expanded copy, and [DEFAULT] keeps the
 * text, for the sections of the files read later.  Only the values
 * marked by store_mark_here can hold it; one stays marked if here itself
 * holds "%(here)s", as the next call would replace it again.
 */
static void
ld_expand_here(struct ld *ld, const char *here)
{
	struct ini_sect	*s, *d = ld->ini.defaults;
	struct ini_opt	*o;
	char		*v;
	size_t		 i, k, n;

	for (i = n = 0; i < ld->ini.npend; i++) {
		s = ld->ini.pend[i];
		if (s == d) {
			ld->ini.pend[n++] = s;
			continue;
		}
		s->pend = false;
		for (k = 0; k < s->n; k++) {
			if (!s->o[k].here)
				continue;
			s->o[k].here = false;
			if (strstr(s->o[k].val, "%(here)s") == NULL)
				continue;
			v = here_sub(s->o[k].val, here);
			cu_free(s->o[k].val);
			s->o[k].val = v;
			if (strstr(s->o[k].val, "%(here)s") != NULL) {
				s->o[k].here = true;
				s->pend = true;
			}
		}
		if (s->pend)
			ld->ini.pend[n++] = s;
	}
	ld->ini.npend = n;
	if (d == NULL || !d->pend)
		return;
	for (k = 0; k < d->n; k++) {
		if (strstr(d->o[k].val, "%(here)s") == NULL)
			continue;
		for (i = 0; i < ld->ini.n; i++) {
			s = ld->ini.s[i];
			if (sect_opt(s, d->o[k].key) != NULL)
				continue;
			o = sect_set(s, d->o[k].key, here_sub(d->o[k].val,
			    here), d->o[k].file, d->o[k].line);
			o->dflt = true;
			store_mark_here(&ld->ini, s, o);
		}
	}
}

/*
 * The names gl found, copied and sorted; gl is freed, also when that runs
 * out of memory (glob's memory is not the arena's).
 */
static char **
ld_glob_names(glob_t *gl, size_t *n)
{
	jmp_buf	  jb, *prev;
	char	**names;
	size_t	  i;

	prev = cu_oom_catch(&jb);
	if (setjmp(jb) != 0) {
		cu_oom_catch(prev);
		globfree(gl);
		cu_oom();
	}
	names = cu_calloc(gl->gl_pathc, sizeof(*names));
	for (i = 0; i < gl->gl_pathc; i++)
		names[i] = cu_strdup(gl->gl_pathv[i]);
	cu_oom_catch(prev);
	*n = gl->gl_pathc;
	globfree(gl);
	qsort(names, *n, sizeof(char *), cu_strcmp);
	return names;
}

static int
ld_include(struct ld *ld, const char *path)
{
	struct xctx	 x = { &ld->envx, NULL, ld->here, NULL, NULL,
			    ld->host, false, 0, 0 };
	struct ini_sect	*inc;
	const struct ini_opt *o;
	char		*files, *e, *base, *a, *pat, *tok, *save;
	char		**names;
	glob_t		 gl;
	size_t		 i, n;
	int		 rc;

	if ((inc = store_find(&ld->ini, "include")) == NULL)
		return 0;
	ld_expand_here(ld, ld->here);
	if ((o = sect_opt(inc, "files")) == NULL) {
		cfg_kerr(ld, inc, NULL, "has no files= setting");
		return -1;
	}
	if ((files = x_expand(&x, o->val, &e)) == NULL) {
		cfg_kerr(ld, inc, "files", "format string '%s' %s", o->val, e);
		cu_free(e);
		return -1;
	}
	a = cu_abspath(path);
	base = cu_dirname(a);
	cu_free(a);
	for (tok = strtok_r(files, " \t\r\n\v\f", &save); tok != NULL;
	    tok = strtok_r(NULL, " \t\r\n\v\f", &save)) {
		if (tok[0] == '/')
			pat = cu_strdup(tok);
		else if (*base == '\0' || base[strlen(base) - 1] == '/')
			pat = cu_asprintf("%s%s", base, tok);
		else
			pat = cu_asprintf("%s/%s", base, tok);
		memset(&gl, 0, sizeof(gl));
		rc = glob(pat, GLOB_NOSORT | GLOB_NOESCAPE, NULL, &gl);
		if (rc != 0 || gl.gl_pathc == 0) {
			globfree(&gl);
			ld_warn(ld, inc->file, o->line, "include", "files",
			    "no file matches via include \"%s\"", pat);
			cu_free(pat);
			continue;
		}
		names = ld_glob_names(&gl, &n);
		for (i = 0; i < n; i++) {
			/*
			 * As supervisor, whose ConfigParser.read() skips
			 * what it cannot open: a warning, not an error.
			 */
			if (rd_file(ld, names[i], true) == -1) {
				if (errno == EISDIR)
					ld_warn(ld, names[i], 0, NULL, NULL,
					    "is a directory, matched by "
					    "include \"%s\": skipped", pat);
				else
					ld_warn(ld, names[i], 0, NULL, NULL,
					    "could not read included file: "
					    "%s: skipped", strerror(errno));
				continue;
			}
			a = cu_abspath(names[i]);
			e = cu_dirname(a);
			ld_expand_here(ld, e);
			cu_free(e);
			cu_free(a);
		}
		cu_free(names);
		cu_free(pat);
	}
	cu_free(files);
	cu_free(base);
	return 0;
}

/* ---------------------------------------------------------------- */
/* The public functions. */

void
cfg_set_hostname(const char *name)
{
	cu_free(cfg_hostname);
	cfg_hostname = name != NULL ? cu_strdup(name) : NULL;
}


/* Start a load of path: the loader's state, a new config for it. */
static void
ld_init(struct ld *ld, const char *path, struct cfg_msgs *errors)
{
	struct utsname	 un;
	struct cfg	*c;
	char		*a, *n, **ep;
	const char	*eq;

	memset(ld, 0, sizeof(*ld));
	cu_dircache_clear();
	cu_dircache_on = true;
	c = cu_calloc(1, sizeof(*c));
	ld->c = c;
	ld->errs = ld->caller = errors;
	c->path = cu_strdup(path);
	a = cu_abspath(path);
	c->here = cu_dirname(a);
	cu_free(a);
	ld->here = c->here;
	c->unix_socket_mode = 0700;
	if (cfg_hostname != NULL)
		ld->host = cfg_hostname;
	else if (uname(&un) == 0)
		ld->host = ld->hostbuf = cu_strdup(un.nodename);
	for (ep = environ; ep != NULL && *ep != NULL; ep++)
		if ((eq = strchr(*ep, '=')) != NULL) {
			n = cu_asprintf("ENV_%.*s", (int)(eq - *ep), *ep);
			cu_kvl_set(&ld->envx, n, eq + 1);
			cu_free(n);
		}
}

/* Read path and what it includes into the store.  -1 after an error. */
static int
ld_read(struct ld *ld, const char *path)
{
	if (rd_file(ld, path, false) == -1) {
		if (errno == EISDIR)
			ld_err(ld, path, 0, NULL, NULL, "is a directory, not "
			    "a configuration file");
		else
			ld_err(ld, path, 0, NULL, NULL, "could not read "
			    "config file: %s", strerror(errno));
		return -1;
	}
	if (ld->nerr > 0 || ld_include(ld, path) == -1 || ld->nerr > 0)
		return -1;
	return 0;
}

/*
 * A load that failed: an error, or out of memory (oom) anywhere in it.
 * Its arena goes whole, with everything the load had allocated; the
 * caller keeps its running configuration.  NULL, with "out of memory"
 * added to errors (the caller's, on the heap) if there is room for it.
 */
static void *
ld_fail(struct cu_arena *a, struct cfg_msgs *errors, bool oom)
{
	char	**v, *m;

	cu_oom_catch(NULL);
	(void)cu_arena_use(NULL);
	cu_dircache_on = false;
	cu_dircache_clear();
	cu_arena_free(a);
	if (oom && (m = strdup("out of memory")) != NULL) {
		if ((v = reallocarray(errors->v, errors->n + 1,
		    sizeof(*v))) != NULL) {
			errors->v = v;
			v[errors->n++] = m;
		} else
			free(m);
	}
	return NULL;
}

/*
 * End a load's work in its arena: the config (still the arena's), or
 * NULL after an error.  What the load allocated besides goes with the
 * arena.
 */
static struct cfg *
ld_fini(struct ld *ld)
{
	cu_dircache_on = false;
	cu_dircache_clear();
	ld->c->warnings = ld->warns;
	return ld->nerr > 0 ? NULL : ld->c;
}

/*
 * The groups into c, with their processes in start order.  The groups
 * stay where gs has them: each struct bgroup begins with its cfg_group,
 * moved down over the ones already taken, so that c->groups is gs->g's
 * block (for thousands of programs, half a megabyte of the arena not
 * taken again).  gs is not to be used after.
 */
_Static_assert(offsetof(struct bgroup, g) == 0,
    "ld_flatten moves a bgroup's cfg_group down over the ones before");

static void
ld_flatten(struct cfg *c, struct groups *gs)
{
	struct cfg_program		**p;
	const struct cfg_program	**kp;
	struct cfg_group		 *cg;
	size_t				  i, k, n;
	bool				  kept = false;

	for (i = 0; i < gs->n; i++) {
		c->nprograms += gs->g[i].n;
		kept |= gs->g[i].kept != NULL;
	}
	c->programs = cu_calloc(c->nprograms, sizeof(*c->programs));
	if (kept)
		c->kept = cu_calloc(c->nprograms, sizeof(*c->kept));
	c->nprograms = 0;
	cg = (struct cfg_group *)(void *)gs->g;
	for (i = 0; i < gs->n; i++) {
		p = gs->g[i].p;
		kp = gs->g[i].kept;
		n = gs->g[i].n;
		for (k = 0; k < n; k++) {
			if (kp != NULL)
				c->kept[c->nprograms + k] = kp[k];
			c->programs[c->nprograms + k] = p[k];
		}
		/* Below bgroup i's own p, kept and n: they were read. */
		memmove(&cg[i], &gs->g[i].g, sizeof(cg[i]));
		cg[i].first = c->nprograms;
		cg[i].n = n;
		c->nprograms += n;
	}
	c->groups = cg;
	c->ngroups = gs->n;
	gs->g = NULL;
	gs->n = 0;
}

struct cfg *
cfg_load(const char *path, struct cfg_msgs *errors)
{
	return cfg_load_keep(path, NULL, errors);
}

struct cfg *
cfg_load_keep(const char *path, const struct cfg_keep *keep,
    struct cfg_msgs *errors)
{
	struct cu_arena	*a;
	struct ld	 ld;
	struct cfg	*c;
	struct groups	 gs = { 0 };
	struct ini_sect	*sd;
	jmp_buf		 jb;

	if ((a = cu_arena_new()) == NULL)
		return ld_fail(NULL, errors, true);
	if (setjmp(jb) != 0)
		return ld_fail(a, errors, true);
	cu_oom_catch(&jb);
	(void)cu_arena_use(a);
	ld_init(&ld, path, errors);
	ld.keep = keep;
	c = ld.c;
	sd_defaults(&c->sd);
	if (ld_read(&ld, path) == -1)
		goto done;
	if ((sd = store_find(&ld.ini, "supervisord")) == NULL) {
		ld_err(&ld, path, 1, NULL, NULL, "no [supervisord] section: "
		    "this is not a main configuration file (an included "
		    "file? then name the main one with -c)");
		goto done;
	}
	if ((sd = store_find(&ld.ini, "include")) != NULL)
		cfg_warn_unknown(&ld, sd, "include");
	ld_supervisord(&ld, store_find(&ld.ini, "supervisord"));
	ld_rpc(&ld);
	ld_groups(&ld, &gs);
	ld_servers(&ld);
	ld_ignored(&ld);

	ld_flatten(c, &gs);
	ld_deps(&ld, c);
done:
	if ((c = ld_fini(&ld)) == NULL)
		return ld_fail(a, errors, false);
	/* The result to the heap, out of memory still caught; then done. */
	(void)cu_arena_use(NULL);
	c = cfg_copy(c);
	cu_oom_catch(NULL);
	cu_arena_free(a);
	return c;
}

/*
 * key of s, expanded with here and the environment if expand; NULL if
 * unset.  An error counts if must.
 */
static char *
ctl_get(struct ld *ld, struct ini_sect *s, const char *key, bool must,
    bool expand)
{
	struct xctx	 x = { &ld->envx, NULL, ld->here, NULL, NULL,
			    NULL, false, 0, 0 };
	char		*v;
	int		 nerr = ld->nerr;

	if (s == NULL || cfg_sget(ld, s, key, NULL, expand ? &x : NULL,
	    &v) == -1) {
		/* Only [supervisorctl] stops the client, as in Python. */
		if (!must)
			ld->nerr = nerr;
		return NULL;
	}
	return v;
}

struct cfg_ctl *
cfg_ctl_load(const char *path, struct cfg_msgs *errors)
{
	struct cu_arena	*a;
	struct ld	 ld;
	struct cfg_msgs	 drop = { NULL, 0 };
	struct cfg_ctl	*cc;
	struct ini_sect	*s;
	jmp_buf		 jb;

	if ((a = cu_arena_new()) == NULL)
		return ld_fail(NULL, errors, true);
	if (setjmp(jb) != 0)
		return ld_fail(a, errors, true);
	cu_oom_catch(&jb);
	(void)cu_arena_use(a);
	ld_init(&ld, path, errors);
	cc = cu_calloc(1, sizeof(*cc));
	if (ld_read(&ld, path) == 0) {
		s = store_find(&ld.ini, "supervisorctl");
		cc->serverurl = ctl_get(&ld, s, "serverurl", true, true);
		cc->username = ctl_get(&ld, s, "username", true, true);
		cc->password = ctl_get(&ld, s, "password", true, true);
		/* Errors in the server sections are not the client's. */
		ld.errs = &drop;	/* in the arena: gone with it */
		s = store_find(&ld.ini, "unix_http_server");
		/* As the daemon reads them: the credentials expanded. */
		cc->unix_file = ctl_get(&ld, s, "file", false, true);
		cc->unix_username = ctl_get(&ld, s, "username", false, true);
		cc->unix_password = ctl_get(&ld, s, "password", false, true);
		ld.errs = errors;
	}
	if (ld_fini(&ld) == NULL)
		return ld_fail(a, errors, false);
	(void)cu_arena_use(NULL);
	cc = cfg_ctl_copy(cc);
	cu_oom_catch(NULL);
	cu_arena_free(a);
	return cc;
}

int
cfg_set_option(struct cfg *c, const char *key, const char *value,
    char *err, size_t errlen)
{
	char	*e;

	if (sd_apply(&c->sd, key, value, &e) == -1) {
		snprintf(err, errlen, "%s: %s", key, e);
		cu_free(e);
		return -1;
	}
	return 0;
}

int
cfg_find_default(char *buf, size_t len)
{
	char		 exe[PATH_MAX], *d1, *d2, *paths[6];
	struct cu_sbuf	 tried = { 0 };
	ssize_t		 n;
	size_t		 i;
	int		 rc = -1;

	/* options.py: ../etc/supervisord.conf, ../supervisord.conf of the
	   executable's directory, then the current directory, then /etc. */
	if ((n = readlink("/proc/self/exe", exe, sizeof(exe) - 1)) == -1)
		n = 0;
	exe[n] = '\0';
	d1 = cu_dirname(exe);
	d2 = cu_dirname(d1);
	paths[0] = cu_asprintf("%s%setc/supervisord.conf", d2,
	    *d2 == '\0' || strcmp(d2, "/") == 0 ? "" : "/");
	paths[1] = cu_asprintf("%s%ssupervisord.conf", d2,
	    *d2 == '\0' || strcmp(d2, "/") == 0 ? "" : "/");
	paths[2] = cu_strdup("supervisord.conf");
	paths[3] = cu_strdup("etc/supervisord.conf");
	paths[4] = cu_strdup("/etc/supervisord.conf");
	paths[5] = cu_strdup("/etc/supervisor/supervisord.conf");
	for (i = 0; i < 6; i++) {
		if (rc == -1 && access(paths[i], F_OK) == 0) {
			snprintf(buf, len, "%s", paths[i]);
			rc = 0;
		}
		if (i > 0)
			cu_sb_add(&tried, ", ");
		cu_sb_add(&tried, paths[i]);
	}
	if (rc == -1)
		snprintf(buf, len, "%s", tried.s);
	for (i = 0; i < 6; i++)
		cu_free(paths[i]);
	cu_free(tried.s);
	cu_free(d1);
	cu_free(d2);
	return rc;
}
