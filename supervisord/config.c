/*
 * config: read supervisord.conf as Python supervisor 4.2.5 reads it.
 *
 * Three layers.  The reader (rd_*) splits a file into lines the way
 * Python's ConfigParser does as supervisor configures it (inline comments
 * after whitespace, "key: value" and "key = value", indented continuation
 * lines, CRLF) and hands them to inih's ini_parse_stream, whose handler
 * stores them with their file and line in a small section store (ini_*).
 * Then the interpretation layer (ld_*) follows options.py's read_config,
 * process_groups_from_parser, processes_from_section and
 * server_configs_from_parser key by key, with supervisor's defaults, types
 * and %(name)s expansions, into the structs of config.h.
 *
 * Every error names FILE:LINE: [SECTION] KEY.  Unlike supervisor, which
 * stops at the first error, a bad section is skipped and the others are
 * still checked, so one run shows every error.
 */
#include <sys/stat.h>
#include <sys/utsname.h>

#include <ctype.h>
#include <errno.h>
#include <glob.h>
#include <grp.h>
#include <limits.h>
#include <pwd.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <ini.h>

#include "libproc/signame.h"
#include "supervisord/config.h"
#include "supervisord/log.h"

extern char **environ;

#define CFG_VERSION	"4.2.5"

/* ---------------------------------------------------------------- */
/* Small helpers. */

static char *cfg_hostname;	/* cfg_set_hostname(), NULL: uname */

static void *
xcalloc(size_t n, size_t sz)
{
	void	*p;

	if ((p = calloc(n == 0 ? 1 : n, sz == 0 ? 1 : sz)) == NULL)
		abort();
	return p;
}

static void *
xrealloc(void *o, size_t n, size_t sz)
{
	void	*p;

	if (sz != 0 && n > SIZE_MAX / sz)
		abort();
	if ((p = realloc(o, n * sz == 0 ? 1 : n * sz)) == NULL)
		abort();
	return p;
}

static char *
xstrdup(const char *s)
{
	char	*p;

	if (s == NULL)
		return NULL;
	if ((p = strdup(s)) == NULL)
		abort();
	return p;
}

static char *
xstrndup(const char *s, size_t n)
{
	char	*p;

	if ((p = strndup(s, n)) == NULL)
		abort();
	return p;
}

static char *
xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static char *
xasprintf(const char *fmt, ...)
{
	va_list	 ap;
	char	*s;

	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) == -1)
		abort();
	va_end(ap);
	return s;
}

static void
msgs_add(struct cfg_msgs *m, char *s)
{
	m->v = xrealloc(m->v, m->n + 1, sizeof(*m->v));
	m->v[m->n++] = s;
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

/* A growable string. */
struct sbuf {
	char	*s;
	size_t	 len, cap;
};

static void
sb_addn(struct sbuf *b, const char *s, size_t n)
{
	if (b->len + n + 1 > b->cap) {
		b->cap = (b->len + n + 1) * 2;
		b->s = xrealloc(b->s, b->cap, 1);
	}
	memcpy(b->s + b->len, s, n);
	b->len += n;
	b->s[b->len] = '\0';
}

static void
sb_add(struct sbuf *b, const char *s)
{
	sb_addn(b, s, strlen(s));
}

static void
sb_addc(struct sbuf *b, char c)
{
	sb_addn(b, &c, 1);
}

static char *
sb_take(struct sbuf *b)
{
	char	*s;

	s = b->s != NULL ? b->s : xstrdup("");
	b->s = NULL;
	b->len = b->cap = 0;
	return s;
}

/* An ordered string map; set keeps a key's first position, as a dict. */
struct kvl {
	char	**k;
	char	**v;
	size_t	  n;
};

static void
kvl_set(struct kvl *l, const char *k, const char *v)
{
	size_t	i;

	for (i = 0; i < l->n; i++)
		if (strcmp(l->k[i], k) == 0) {
			free(l->v[i]);
			l->v[i] = xstrdup(v);
			return;
		}
	l->k = xrealloc(l->k, l->n + 1, sizeof(*l->k));
	l->v = xrealloc(l->v, l->n + 1, sizeof(*l->v));
	l->k[l->n] = xstrdup(k);
	l->v[l->n] = xstrdup(v);
	l->n++;
}

static const char *
kvl_get(const struct kvl *l, const char *k)
{
	size_t	i;

	if (l == NULL)
		return NULL;
	for (i = 0; i < l->n; i++)
		if (strcmp(l->k[i], k) == 0)
			return l->v[i];
	return NULL;
}

static void
kvl_free(struct kvl *l)
{
	size_t	i;

	for (i = 0; i < l->n; i++) {
		free(l->k[i]);
		free(l->v[i]);
	}
	free(l->k);
	free(l->v);
	memset(l, 0, sizeof(*l));
}

static bool
py_isspace(int c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' ||
	    c == '\v' || c == '\f' || (c >= 0x1c && c <= 0x1f);
}

/* Python's str.strip(): a new string. */
static char *
strip_dup(const char *s, size_t n)
{
	while (n > 0 && py_isspace((unsigned char)*s)) {
		s++;
		n--;
	}
	while (n > 0 && py_isspace((unsigned char)s[n - 1]))
		n--;
	return xstrndup(s, n);
}

static void
lower(char *s)
{
	for (; *s != '\0'; s++)
		*s = (char)tolower((unsigned char)*s);
}

/* os.path.expanduser */
static char *
expanduser(const char *v)
{
	const char	*home, *rest;
	struct passwd	*pw;
	char		*name;

	if (v[0] != '~')
		return xstrdup(v);
	rest = strchr(v, '/');
	if (rest == NULL)
		rest = v + strlen(v);
	if (rest == v + 1) {
		if ((home = getenv("HOME")) == NULL) {
			if ((pw = getpwuid(getuid())) == NULL)
				return xstrdup(v);
			home = pw->pw_dir;
		}
	} else {
		name = xstrndup(v + 1, (size_t)(rest - v - 1));
		pw = getpwnam(name);
		free(name);
		if (pw == NULL)
			return xstrdup(v);
		home = pw->pw_dir;
	}
	if (strcmp(home, "/") == 0 && *rest == '/')
		home = "";
	return xasprintf("%s%s", home, rest);
}

/* os.path.normpath */
static char *
normpath(const char *p)
{
	struct sbuf	 out = { 0 };
	const char	**parts, *s, *e;
	size_t		 n = 0, i, cap;
	int		 initial;

	if (*p == '\0')
		return xstrdup(".");
	initial = 0;
	if (p[0] == '/')
		initial = (p[1] == '/' && p[2] != '/') ? 2 : 1;
	cap = strlen(p) + 1;
	parts = xcalloc(cap, sizeof(*parts));
	size_t *lens = xcalloc(cap, sizeof(*lens));
	for (s = p; *s != '\0'; s = e) {
		while (*s == '/')
			s++;
		if (*s == '\0')
			break;
		for (e = s; *e != '\0' && *e != '/'; e++)
			;
		if (e - s == 1 && s[0] == '.')
			continue;
		if (e - s == 2 && s[0] == '.' && s[1] == '.') {
			if (n > 0 && !(lens[n - 1] == 2 &&
			    strncmp(parts[n - 1], "..", 2) == 0)) {
				n--;
				continue;
			}
			if (initial)
				continue;
		}
		parts[n] = s;
		lens[n++] = (size_t)(e - s);
	}
	for (i = 0; i < (size_t)initial; i++)
		sb_addc(&out, '/');
	for (i = 0; i < n; i++) {
		if (i > 0)
			sb_addc(&out, '/');
		sb_addn(&out, parts[i], lens[i]);
	}
	free(parts);
	free(lens);
	if (out.len == 0)
		sb_addc(&out, '.');
	return sb_take(&out);
}

/* os.path.abspath */
static char *
abspath(const char *p)
{
	char	cwd[PATH_MAX], *j, *r;

	if (p[0] == '/')
		return normpath(p);
	if (getcwd(cwd, sizeof(cwd)) == NULL)
		snprintf(cwd, sizeof(cwd), "%s", ".");
	j = xasprintf("%s/%s", cwd, p);
	r = normpath(j);
	free(j);
	return r;
}

/* os.path.dirname */
static char *
dirname_dup(const char *p)
{
	const char	*sl;
	size_t		 n;

	if ((sl = strrchr(p, '/')) == NULL)
		return xstrdup("");
	n = (size_t)(sl - p) + 1;
	while (n > 1 && p[n - 1] == '/')
		n--;
	if (n == 1 && p[0] == '/')
		return xstrdup("/");
	return xstrndup(p, n == 1 && p[0] != '/' ? n : n);
}

/*
 * The last directories asked about during one cfg_load: thousands of
 * programs name the same few (directory=, their log files' directories),
 * and a stat each was a tenth of the load time.
 */
#define DIRCACHE_N	4
static struct {
	char	*path;
	bool	 dir;
}		 dircache[DIRCACHE_N];
static size_t	 dircache_next;
static bool	 dircache_on;		/* inside cfg_load */

static void
dircache_clear(void)
{
	size_t	i;

	for (i = 0; i < DIRCACHE_N; i++) {
		free(dircache[i].path);
		dircache[i].path = NULL;
	}
	dircache_next = 0;
}

static bool
is_dir(const char *p)
{
	struct stat	st;
	size_t		i;
	bool		dir;

	for (i = 0; dircache_on && i < DIRCACHE_N; i++)
		if (dircache[i].path != NULL &&
		    strcmp(dircache[i].path, p) == 0)
			return dircache[i].dir;
	dir = stat(p, &st) == 0 && S_ISDIR(st.st_mode);
	if (dircache_on) {
		free(dircache[dircache_next].path);
		dircache[dircache_next].path = xstrdup(p);
		dircache[dircache_next].dir = dir;
		dircache_next = (dircache_next + 1) % DIRCACHE_N;
	}
	return dir;
}

/* ---------------------------------------------------------------- */
/* The section store: what ConfigParser keeps. */

struct ini_opt {
	char		*key;		/* lower case, as optionxform */
	char		*val;
	const char	*file;		/* one of ini.files */
	int		 line;
	bool		 here;		/* may hold a %(here)s not yet expanded */
	bool		 dflt;		/* copied from [DEFAULT] by expand_here */
};

struct ini_sect {
	char		*name;
	char		*file;		/* where it was first seen */
	int		 line;
	bool		 included;	/* first seen in an included file */
	bool		 pend;		/* in ini.pend */
	struct ini_opt	*o;
	size_t		 n;
};

/*
 * Sections in file order, and a hash of their names: a configuration of
 * thousands of programs looks each up by name several times.  pend lists
 * the sections with an option that may hold %(here)s, so expand_here,
 * run after each included file, does not rescan every value read so far.
 */
struct ini {
	struct ini_sect	**s;
	size_t		  n;
	struct ini_sect	 *defaults;	/* [DEFAULT], or NULL */
	struct ini_sect	**hash;		/* open addressing, hcap a power of 2 */
	size_t		  hcap;
	struct ini_sect	**pend;
	size_t		  npend;
	char		**files;	/* every file read, as opened */
	size_t		  nfiles;
};

static size_t
ini_hash(const char *name)
{
	size_t	h = 2166136261u;

	for (; *name != '\0'; name++)
		h = (h ^ (unsigned char)*name) * 16777619u;
	return h;
}

static struct ini_sect *
ini_find(const struct ini *ini, const char *name)
{
	size_t	i;

	if (ini->hcap == 0)
		return NULL;
	for (i = ini_hash(name) & (ini->hcap - 1); ini->hash[i] != NULL;
	    i = (i + 1) & (ini->hcap - 1))
		if (strcmp(ini->hash[i]->name, name) == 0)
			return ini->hash[i];
	return NULL;
}

/* Append s, whose name is not yet in ini. */
static void
ini_add(struct ini *ini, struct ini_sect *s)
{
	size_t	i, k;

	ini->s = xrealloc(ini->s, ini->n + 1, sizeof(*ini->s));
	ini->s[ini->n++] = s;
	if (ini->n * 2 > ini->hcap) {
		free(ini->hash);
		ini->hcap = ini->hcap == 0 ? 64 : ini->hcap * 2;
		ini->hash = xcalloc(ini->hcap, sizeof(*ini->hash));
		for (k = 0; k < ini->n; k++) {
			for (i = ini_hash(ini->s[k]->name) & (ini->hcap - 1);
			    ini->hash[i] != NULL; i = (i + 1) & (ini->hcap - 1))
				;
			ini->hash[i] = ini->s[k];
		}
		return;
	}
	for (i = ini_hash(s->name) & (ini->hcap - 1); ini->hash[i] != NULL;
	    i = (i + 1) & (ini->hcap - 1))
		;
	ini->hash[i] = s;
}

/* Note that o, an option of s just set or extended, may hold %(here)s. */
static void
ini_mark_here(struct ini *ini, struct ini_sect *s, struct ini_opt *o)
{
	if (strstr(o->val, "%(here)s") == NULL)
		return;
	o->here = true;
	if (!s->pend) {
		s->pend = true;
		/* Room for 8, then doubled at each power of 2. */
		if (ini->npend == 0 || (ini->npend >= 8 &&
		    (ini->npend & (ini->npend - 1)) == 0))
			ini->pend = xrealloc(ini->pend, ini->npend == 0 ? 8 :
			    ini->npend * 2, sizeof(*ini->pend));
		ini->pend[ini->npend++] = s;
	}
}

static struct ini_sect *
sect_new(const char *name, const char *file, int line, bool included)
{
	struct ini_sect	*s;

	s = xcalloc(1, sizeof(*s));
	s->name = xstrdup(name);
	s->file = xstrdup(file);
	s->line = line;
	s->included = included;
	return s;
}

static struct ini_opt *
sect_opt(const struct ini_sect *s, const char *key)
{
	size_t	i;

	if (s == NULL)
		return NULL;
	/* The first byte first: this runs for every key of every program. */
	for (i = 0; i < s->n; i++)
		if (s->o[i].key[0] == key[0] && strcmp(s->o[i].key, key) == 0)
			return &s->o[i];
	return NULL;
}

static void
sect_set(struct ini_sect *s, const char *key, char *val, const char *file,
    int line)
{
	struct ini_opt	*o;

	if ((o = sect_opt(s, key)) == NULL) {
		/* Room for 8, then doubled at each power of 2. */
		if (s->n == 0 || (s->n >= 8 && (s->n & (s->n - 1)) == 0))
			s->o = xrealloc(s->o, s->n == 0 ? 8 : s->n * 2,
			    sizeof(*s->o));
		o = &s->o[s->n++];
		o->key = xstrdup(key);
		o->here = false;
	} else
		free(o->val);
	o->val = val;		/* moved: the option owns it now */
	o->dflt = false;
	o->file = file;
	o->line = line;
}

static void
sect_free(struct ini_sect *s)
{
	size_t	i;

	if (s == NULL)
		return;
	for (i = 0; i < s->n; i++) {
		free(s->o[i].key);
		free(s->o[i].val);
	}
	free(s->o);
	free(s->name);
	free(s->file);
	free(s);
}

static void
ini_free(struct ini *ini)
{
	size_t	i;

	for (i = 0; i < ini->n; i++)
		sect_free(ini->s[i]);
	free(ini->s);
	free(ini->hash);
	free(ini->pend);
	for (i = 0; i < ini->nfiles; i++)
		free(ini->files[i]);
	free(ini->files);
	sect_free(ini->defaults);
	memset(ini, 0, sizeof(*ini));
}

/* ---------------------------------------------------------------- */
/* Loader state and messages. */

struct ld {
	struct cfg	*c;
	struct cfg_msgs	*errs;
	struct cfg_msgs	 warns;
	struct ini	 ini;
	const char	*here;
	const char	*host;
	char		*hostbuf;	/* host, when it is ours to free */
	struct kvl	 envx;		/* ENV_X expansions: environ + sd env */
	int		 nerr;
	char		*rbuf;		/* read_whole's, for every file */
	size_t		 rcap;
};

static void
ld_msg(struct cfg_msgs *m, const char *file, int line, const char *sect,
    const char *key, const char *fmt, va_list ap)
	__attribute__((format(printf, 6, 0)));

static void
ld_msg(struct cfg_msgs *m, const char *file, int line, const char *sect,
    const char *key, const char *fmt, va_list ap)
{
	char	*msg, *s;

	if (vasprintf(&msg, fmt, ap) == -1)
		abort();
	/* Line 0: about the whole file (unreadable, a directory). */
	if (line == 0 && sect == NULL)
		s = xasprintf("%s: %s", file, msg);
	else if (sect != NULL && key != NULL)
		s = xasprintf("%s:%d: [%s] %s: %s", file, line, sect, key, msg);
	else if (sect != NULL)
		s = xasprintf("%s:%d: [%s] %s", file, line, sect, msg);
	else
		s = xasprintf("%s:%d: %s", file, line, msg);
	free(msg);
	msgs_add(m, s);
}

static void
ld_err(struct ld *ld, const char *file, int line, const char *sect,
    const char *key, const char *fmt, ...)
	__attribute__((format(printf, 6, 7)));

static void
ld_err(struct ld *ld, const char *file, int line, const char *sect,
    const char *key, const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	ld_msg(ld->errs, file, line, sect, key, fmt, ap);
	va_end(ap);
	ld->nerr++;
}

static void
ld_warn(struct ld *ld, const char *file, int line, const char *sect,
    const char *key, const char *fmt, ...)
	__attribute__((format(printf, 6, 7)));

static void
ld_warn(struct ld *ld, const char *file, int line, const char *sect,
    const char *key, const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	ld_msg(&ld->warns, file, line, sect, key, fmt, ap);
	va_end(ap);
}

/* ---------------------------------------------------------------- */
/*
 * The reader.  inih splits lines by rules of its own that differ from
 * ConfigParser's (the first ']' ends a section name, not the last; a
 * line "[x=1" is a broken section, not a key; its buffer is fixed unless
 * the library exports ini_max_line).  So the reader parses each physical
 * line as ConfigParser does and hands inih one neutral stand-in line per
 * option ("k=v") or continuation (" v"); the handler takes the real key,
 * value and line number from the reader.  Lines of any length thus reach
 * the handler whole, whatever inih's buffer size (with or without
 * HAVE_INIH_VARS).  Section headers and syntax errors never reach inih:
 * inih does not call the handler for a section line.
 */
enum rd_item { RD_NONE, RD_OPT, RD_CONT };

struct rd {
	struct ld	*ld;
	const char	*file;		/* as opened */
	bool		 included;
	const char	*buf;
	size_t		 len, pos;
	int		 lineno;	/* of the last physical line read */
	struct ini_sect	*sect;		/* ConfigParser's cursect */
	bool		 optname;	/* an option may be continued */
	size_t		 indent;	/* the option line's indent */
	int		 blanks;	/* empty lines since, inside a value */
	bool		 stop;		/* MissingSectionHeaderError */
	enum rd_item	 it;
	char		*key;		/* the option's, while it lasts */
	char		*val;		/* the item's value */
};

/* One physical line: Python's universal newlines end at \n, \r\n, \r. */
static bool
rd_physline(struct rd *r, const char **line, size_t *n)
{
	size_t	s, e;

	if (r->pos >= r->len)
		return false;
	s = r->pos;
	for (e = s; e < r->len && r->buf[e] != '\n' && r->buf[e] != '\r'; e++)
		;
	*line = r->buf + s;
	*n = e - s;
	if (e < r->len && r->buf[e] == '\r' && e + 1 < r->len &&
	    r->buf[e + 1] == '\n')
		e++;
	r->pos = e < r->len ? e + 1 : e;
	r->lineno++;
	return true;
}

/*
 * Parse physical lines until one gives an option or a continuation, as
 * RawConfigParser._read: returns false at the end of the file.
 */
static bool
rd_next(struct rd *r)
{
	const char	*line, *v;
	size_t		 n, cs, i, ind, vn;
	char		*value, *hdr;
	bool		 comment;

	while (!r->stop && rd_physline(r, &line, &n)) {
		/* Inline comment: ; or # at the start or after whitespace. */
		cs = n;
		comment = false;
		for (i = 0; i < n; i++)
			if ((line[i] == ';' || line[i] == '#') &&
			    (i == 0 || py_isspace((unsigned char)line[i - 1]))) {
				cs = i;
				comment = true;
				break;
			}
		for (i = 0; i < n && py_isspace((unsigned char)line[i]); i++)
			;
		if (i < n && (line[i] == ';' || line[i] == '#')) {
			cs = 0;
			comment = true;
		}
		value = strip_dup(line, cs);
		if (*value == '\0') {
			/* An empty line inside a value is kept in it. */
			if (!comment && r->sect != NULL && r->optname)
				r->blanks++;
			free(value);
			continue;
		}
		for (ind = 0; ind < n && py_isspace((unsigned char)line[ind]);
		    ind++)
			;
		if (r->sect != NULL && r->optname && ind > r->indent) {
			struct sbuf b = { 0 };

			for (; r->blanks > 0; r->blanks--)
				sb_addc(&b, '\n');
			sb_add(&b, value);
			free(value);
			free(r->val);
			r->val = sb_take(&b);
			r->it = RD_CONT;
			return true;
		}
		r->indent = ind;
		r->blanks = 0;
		vn = strlen(value);
		/* A header: "[" .+ "]" with the last "]" (greedy). */
		if (value[0] == '[' && (v = strrchr(value, ']')) != NULL &&
		    v - value >= 2) {
			hdr = xstrndup(value + 1, (size_t)(v - value - 1));
			if (r->included && strcmp(hdr, "include") == 0)
				ld_warn(r->ld, r->file, r->lineno, hdr, NULL,
				    "an [include] in an included file is "
				    "ignored, as supervisor does");
			if (strcmp(hdr, "DEFAULT") == 0) {
				if (r->ld->ini.defaults == NULL)
					r->ld->ini.defaults = sect_new(hdr,
					    r->file, r->lineno, r->included);
				r->sect = r->ld->ini.defaults;
			} else if ((r->sect = ini_find(&r->ld->ini, hdr)) ==
			    NULL) {
				r->sect = sect_new(hdr, r->file, r->lineno,
				    r->included);
				ini_add(&r->ld->ini, r->sect);
			}
			free(hdr);
			free(value);
			r->optname = false;
			continue;
		}
		if (r->sect == NULL) {
			ld_err(r->ld, r->file, r->lineno, NULL, NULL,
			    "a key before any [section]: '%.*s' (supervisor: "
			    "File contains no section headers)", (int)n, line);
			free(value);
			r->stop = true;
			return false;
		}
		/* key, delimiter = or :, value. */
		for (i = 0; i < vn && value[i] != '=' && value[i] != ':'; i++)
			;
		if (i == vn) {
			ld_err(r->ld, r->file, r->lineno, r->sect->name, NULL,
			    "parse error: no '=' or ':' in '%s'", value);
			free(value);
			r->optname = false;
			continue;
		}
		free(r->key);
		r->key = strip_dup(value, i);
		if (*r->key == '\0') {
			ld_err(r->ld, r->file, r->lineno, r->sect->name, NULL,
			    "parse error: no key before '%c' in '%s'",
			    value[i], value);
			free(value);
			r->optname = false;
			continue;
		}
		lower(r->key);
		free(r->val);
		r->val = strip_dup(value + i + 1, vn - i - 1);
		free(value);
		r->optname = true;
		r->it = RD_OPT;
		return true;
	}
	return false;
}

static char *
rd_reader(char *str, int num, void *stream)
{
	struct rd	*r = stream;

	r->it = RD_NONE;
	if (!rd_next(r))
		return NULL;
	/* A stand-in inih parses as an option or a continuation. */
	snprintf(str, (size_t)num, "%s\n", r->it == RD_OPT ? "k=v" : " v");
	return str;
}

static int
rd_handler(void *user, const char *section, const char *name,
    const char *value)
{
	struct rd	*r = user;
	struct ini_opt	*o;
	char		*j;

	(void)section;
	(void)name;
	(void)value;
	if (r->it == RD_OPT) {
		sect_set(r->sect, r->key, r->val, r->file, r->lineno);
		r->val = NULL;
		ini_mark_here(&r->ld->ini, r->sect, sect_opt(r->sect, r->key));
	} else if (r->it == RD_CONT &&
	    (o = sect_opt(r->sect, r->key)) != NULL) {
		j = xasprintf("%s\n%s", o->val, r->val);
		free(o->val);
		o->val = j;
		ini_mark_here(&r->ld->ini, r->sect, o);
	}
	return 1;
}

static void
inih_setup(void)
{
#if HAVE_INIH_VARS
	/*
	 * Debian's inih exports its settings.  The stand-in lines are short,
	 * but keep inih's buffer on the heap and growable all the same.
	 */
	ini_use_stack = 0;
	ini_allow_realloc = 1;
	ini_max_line = 1 << 20;
	ini_allow_bom = 0;
	ini_allow_multiline = 1;
	ini_allow_inline_comments = 0;
	ini_allow_no_value = 0;
	ini_stop_on_first_error = 0;
#endif
}

/* Where the first byte that is not UTF-8 is, or -1. */
static long
utf8_bad(const unsigned char *s, size_t n)
{
	size_t	i = 0, k, need;
	unsigned c;

	while (i < n) {
		c = s[i];
		if (c < 0x80) {
			i++;
			continue;
		}
		if (c >= 0xc2 && c <= 0xdf)
			need = 1;
		else if (c >= 0xe0 && c <= 0xef)
			need = 2;
		else if (c >= 0xf0 && c <= 0xf4)
			need = 3;
		else
			return (long)i;
		for (k = 1; k <= need; k++)
			if (i + k >= n || (s[i + k] & 0xc0) != 0x80)
				return (long)i;
		if ((c == 0xe0 && s[i + 1] < 0xa0) ||
		    (c == 0xed && s[i + 1] > 0x9f) ||
		    (c == 0xf0 && s[i + 1] < 0x90) ||
		    (c == 0xf4 && s[i + 1] > 0x8f))
			return (long)i;
		i += need + 1;
	}
	return -1;
}

static int
line_of(const char *buf, size_t off)
{
	size_t	i;
	int	line = 1;

	for (i = 0; i < off; i++)
		if (buf[i] == '\n' || (buf[i] == '\r' &&
		    (i + 1 >= off || buf[i + 1] != '\n')))
			line++;
	return line;
}

/*
 * Read path whole into *bufp, a buffer of *capp bytes kept from one file
 * to the next: a fresh large buffer per file made malloc consolidate its
 * free lists each time, a tenth of the load time of 1,000 files.
 */
static char *
read_whole(const char *path, char **bufp, size_t *capp, size_t *lenp)
{
	struct stat	 sb;
	FILE		*fp;
	size_t		 len = 0, n;

	if ((fp = fopen(path, "re")) == NULL)
		return NULL;
	/* fread of a directory fails with EISDIR, which ferror hides. */
	if (fstat(fileno(fp), &sb) == 0 && S_ISDIR(sb.st_mode)) {
		fclose(fp);
		errno = EISDIR;
		return NULL;
	}
	for (;;) {
		if (*capp - len < 4096) {
			*capp = *capp * 2 + 8192;
			*bufp = xrealloc(*bufp, *capp, 1);
		}
		n = fread(*bufp + len, 1, *capp - len - 1, fp);
		len += n;
		if (n == 0)
			break;
	}
	if (ferror(fp)) {
		fclose(fp);
		errno = EIO;
		return NULL;
	}
	fclose(fp);
	(*bufp)[len] = '\0';
	*lenp = len;
	return *bufp;
}

/* Read one file into the store.  -1 if it could not be read at all. */
static int
rd_file(struct ld *ld, const char *file, bool included)
{
	struct rd	 r;
	char		*buf;
	size_t		 len;
	long		 bad;
	int		 rc;

	if ((buf = read_whole(file, &ld->rbuf, &ld->rcap, &len)) == NULL)
		return -1;
	if (len >= 3 && memcmp(buf, "\xef\xbb\xbf", 3) == 0) {
		ld_err(ld, file, 1, NULL, NULL, "the file starts with a UTF-8 "
		    "byte order mark, which supervisor rejects: remove it");
		return 0;
	}
	if ((bad = utf8_bad((unsigned char *)buf, len)) != -1) {
		ld_err(ld, file, line_of(buf, (size_t)bad), NULL, NULL,
		    "byte 0x%02x is not UTF-8: supervisor reads configuration "
		    "files as UTF-8", (unsigned char)buf[bad]);
		return 0;
	}
	if (memchr(buf, '\0', len) != NULL) {
		ld_err(ld, file, line_of(buf,
		    (size_t)((char *)memchr(buf, '\0', len) - buf)), NULL,
		    NULL, "a NUL byte in the file");
		return 0;
	}
	/* The options read keep the file's name: one copy for them all. */
	ld->ini.files = xrealloc(ld->ini.files, ld->ini.nfiles + 1,
	    sizeof(*ld->ini.files));
	ld->ini.files[ld->ini.nfiles++] = xstrdup(file);
	memset(&r, 0, sizeof(r));
	r.ld = ld;
	r.file = ld->ini.files[ld->ini.nfiles - 1];
	r.included = included;
	r.buf = buf;
	r.len = len;
	inih_setup();
	rc = ini_parse_stream(rd_reader, &r, rd_handler, &r);
	if (rc != 0)
		ld_err(ld, file, rc > 0 ? rc : 0, NULL, NULL,
		    "inih could not parse the file (%d)", rc);
	free(r.key);
	free(r.val);
	return 0;
}

/* ---------------------------------------------------------------- */
/*
 * Expansion: Python's "s % mapping" with supervisor's names.  A name
 * missing from the mapping is an error, as there; a conversion without a
 * name ("%s") would format the whole mapping in Python, which no one
 * means: it is an error here.
 */
struct xctx {
	const struct kvl *env[2];	/* ENV_X names; the later one wins */
	const char	*here;
	const char	*program_name;
	const char	*group_name;
	const char	*host;
	bool		 has_num;	/* process_num and numprocs */
	long long	 process_num;
	long long	 numprocs;
};

/* The value of name: 1 string, 2 integer, 0 unknown. */
static int
x_lookup(const struct xctx *x, const char *name, const char **s,
    long long *i)
{
	const char	*v;
	int		 k;

	if (strncmp(name, "ENV_", 4) == 0) {
		for (k = 1; k >= 0; k--)
			if ((v = kvl_get(x->env[k], name)) != NULL) {
				*s = v;
				return 1;
			}
		return 0;
	}
	if (strcmp(name, "here") == 0 && x->here != NULL)
		*s = x->here;
	else if (strcmp(name, "program_name") == 0 && x->program_name != NULL)
		*s = x->program_name;
	else if (strcmp(name, "group_name") == 0 && x->group_name != NULL)
		*s = x->group_name;
	else if (strcmp(name, "host_node_name") == 0 && x->host != NULL)
		*s = x->host;
	else if (strcmp(name, "process_num") == 0 && x->has_num) {
		*i = x->process_num;
		return 2;
	} else if (strcmp(name, "numprocs") == 0 && x->has_num) {
		*i = x->numprocs;
		return 2;
	} else
		return 0;
	return 1;
}

static void
x_names(const struct xctx *x, struct sbuf *b)
{
	const char	*names[] = { "group_name", "here", "host_node_name",
	    "numprocs", "process_num", "program_name" };
	const char	*s;
	long long	 i;
	size_t		 k;
	bool		 first = true;

	for (k = 0; k < sizeof(names) / sizeof(names[0]); k++)
		if (x_lookup(x, names[k], &s, &i) != 0) {
			if (!first)
				sb_add(b, ", ");
			sb_add(b, names[k]);
			first = false;
		}
	if (!first)
		sb_add(b, ", ");
	sb_add(b, "ENV_ and the name of any environment variable");
}

/* Characters in s, as Python counts them: UTF-8 lead bytes. */
static size_t
u8_chars(const char *s)
{
	size_t	n = 0;

	for (; *s != '\0'; s++)
		if (((unsigned char)*s & 0xc0) != 0x80)
			n++;
	return n;
}

/*
 * Pad s to width as Python's % does, counting characters: left with '-',
 * zeros after a sign (and after a 0x or 0o prefix, which sign holds).
 */
static void
x_pad(struct sbuf *b, const char *flags, int width, const char *sign,
    const char *body, bool numeric)
{
	size_t	len = u8_chars(sign) + u8_chars(body);
	int	pad = width > (int)len ? width - (int)len : 0;

	if (strchr(flags, '-') != NULL) {
		sb_add(b, sign);
		sb_add(b, body);
		for (; pad > 0; pad--)
			sb_addc(b, ' ');
	} else if (numeric && strchr(flags, '0') != NULL) {
		sb_add(b, sign);
		for (; pad > 0; pad--)
			sb_addc(b, '0');
		sb_add(b, body);
	} else {
		for (; pad > 0; pad--)
			sb_addc(b, ' ');
		sb_add(b, sign);
		sb_add(b, body);
	}
}

/* One conversion of a string (kind 1) or an integer (kind 2). */
static int
x_conv(struct sbuf *b, const char *flags, int width, int prec, char conv,
    int kind, const char *sv, long long iv, char **errp)
{
	char			 num[400], sign[8], *t;
	unsigned long long	 u;
	const char		*digits;
	int			 base, i;
	size_t			 cut;
	double			 d;

	if (conv == 'c' && kind == 1) {
		/* Python: one character, not a longer string. */
		if (sv[0] == '\0' || u8_chars(sv) != 1) {
			*errp = xasprintf("badly formatted: %%c requires int "
			    "or char");
			return -1;
		}
		x_pad(b, flags, width, "", sv, false);
		return 0;
	}
	if (conv == 'c') {
		/*
		 * Any code point, as UTF-8.  NUL and the surrogates Python
		 * also takes cannot stand in a C string or in UTF-8: refused.
		 */
		if (iv < 0 || iv > 0x10ffff) {
			*errp = xasprintf("badly formatted: %%c arg not in "
			    "range(0x110000)");
			return -1;
		}
		if (iv == 0 || (iv >= 0xd800 && iv <= 0xdfff)) {
			*errp = xasprintf("badly formatted: %%c of %lld "
			    "is no character here", iv);
			return -1;
		}
		u = (unsigned long long)iv;
		if (u < 0x80) {
			num[0] = (char)u;
			num[1] = '\0';
		} else if (u < 0x800) {
			num[0] = (char)(0xc0 | u >> 6);
			num[1] = (char)(0x80 | (u & 0x3f));
			num[2] = '\0';
		} else if (u < 0x10000) {
			num[0] = (char)(0xe0 | u >> 12);
			num[1] = (char)(0x80 | ((u >> 6) & 0x3f));
			num[2] = (char)(0x80 | (u & 0x3f));
			num[3] = '\0';
		} else {
			num[0] = (char)(0xf0 | u >> 18);
			num[1] = (char)(0x80 | ((u >> 12) & 0x3f));
			num[2] = (char)(0x80 | ((u >> 6) & 0x3f));
			num[3] = (char)(0x80 | (u & 0x3f));
			num[4] = '\0';
		}
		x_pad(b, flags, width, "", num, false);
		return 0;
	}
	if (kind == 1 || strchr("sra", conv) != NULL) {
		if (kind == 1 && strchr("sra", conv) == NULL) {
			*errp = xasprintf("badly formatted: %%%c format: a "
			    "real number is required, not str", conv);
			return -1;
		}
		if (kind == 2) {
			snprintf(num, sizeof(num), "%lld", iv);
			t = xstrdup(num);
		} else
			t = conv == 's' ? xstrdup(sv) : xasprintf("'%s'", sv);
		/* The precision counts characters, as Python's does. */
		if (prec >= 0) {
			for (cut = 0; t[cut] != '\0'; cut++)
				if (((unsigned char)t[cut] & 0xc0) != 0x80 &&
				    prec-- == 0)
					break;
			t[cut] = '\0';
		}
		x_pad(b, flags, width, "", t, false);
		free(t);
		return 0;
	}
	sign[0] = '\0';
	if (iv < 0)
		snprintf(sign, sizeof(sign), "%s", "-");
	else if (strchr(flags, '+') != NULL)
		snprintf(sign, sizeof(sign), "%s", "+");
	else if (strchr(flags, ' ') != NULL)
		snprintf(sign, sizeof(sign), "%s", " ");
	if (strchr("eEfFgG", conv) != NULL) {
		d = (double)(iv < 0 ? -iv : iv);
		if (prec < 0)
			prec = 6;
		if (prec > 50)
			prec = 50;
		switch (conv) {
		case 'e':
			snprintf(num, sizeof(num), "%.*e", prec, d);
			break;
		case 'E':
			snprintf(num, sizeof(num), "%.*E", prec, d);
			break;
		case 'g':
			snprintf(num, sizeof(num), "%.*g", prec, d);
			break;
		case 'G':
			snprintf(num, sizeof(num), "%.*G", prec, d);
			break;
		default:
			snprintf(num, sizeof(num), "%.*f", prec, d);
		}
		x_pad(b, flags, width, sign, num, true);
		return 0;
	}
	base = conv == 'o' ? 8 : (conv == 'x' || conv == 'X') ? 16 : 10;
	digits = conv == 'X' ? "0123456789ABCDEF" : "0123456789abcdef";
	u = iv < 0 ? 0ULL - (unsigned long long)iv : (unsigned long long)iv;
	i = sizeof(num) - 1;
	num[i] = '\0';
	do {
		num[--i] = digits[u % (unsigned)base];
		u /= (unsigned)base;
	} while (u != 0 && i > 0);
	while (prec > 0 && (int)sizeof(num) - 1 - i < prec && i > 3)
		num[--i] = '0';
	/* Python zero-pads between the 0x prefix and the digits. */
	if (strchr(flags, '#') != NULL && base != 10)
		snprintf(sign + strlen(sign), sizeof(sign) - strlen(sign),
		    "0%c", conv == 'o' ? 'o' : conv);
	x_pad(b, flags, width, sign, num + i, true);
	return 0;
}

/* Expand s; NULL with a message in *errp (malloc'ed) on error. */
static char *
x_expand(const struct xctx *x, const char *s, char **errp)
{
	struct sbuf	 b = { 0 }, nb = { 0 };
	const char	*p, *q, *sv = NULL;
	char		 flags[8], conv, *name;
	long long	 iv = 0;
	int		 kind, depth, width, prec;
	size_t		 nf;

	*errp = NULL;
	if (strchr(s, '%') == NULL)
		return xstrdup(s);
	for (p = s; *p != '\0'; p++) {
		if (*p != '%') {
			/* The text up to the next '%' in one copy. */
			q = strchrnul(p, '%');
			sb_addn(&b, p, (size_t)(q - p));
			p = q - 1;
			continue;
		}
		q = p + 1;
		if (*q == '%') {
			sb_addc(&b, '%');
			p = q;
			continue;
		}
		if (*q != '(') {
			if (*q == '\0')
				*errp = xasprintf("badly formatted: "
				    "incomplete format (a bare %% at the end: "
				    "write %%%% for a %%)");
			else
				*errp = xasprintf("badly formatted: '%%%c' "
				    "at index %d names no value (write "
				    "%%(name)s, or %%%% for a %%)", *q,
				    (int)(p - s));
			goto bad;
		}
		for (depth = 1, q++; *q != '\0' && depth > 0; q++)
			if (*q == '(')
				depth++;
			else if (*q == ')')
				depth--;
		if (depth > 0) {
			*errp = xasprintf("badly formatted: incomplete format "
			    "key at index %d", (int)(p - s));
			goto bad;
		}
		name = xstrndup(p + 2, (size_t)(q - p - 3));
		nf = 0;
		flags[0] = '\0';
		while (*q != '\0' && strchr("-+ #0", *q) != NULL) {
			if (nf < sizeof(flags) - 1 && strchr(flags, *q) == NULL)
				flags[nf++] = *q;
			flags[nf] = '\0';
			q++;
		}
		flags[nf] = '\0';
		width = prec = -1;
		if (*q == '*') {
			free(name);
			*errp = xasprintf("badly formatted: '*' width at index "
			    "%d needs a tuple", (int)(p - s));
			goto bad;
		}
		if (isdigit((unsigned char)*q)) {
			width = 0;
			while (isdigit((unsigned char)*q) && width < 100000)
				width = width * 10 + (*q++ - '0');
		}
		if (*q == '.') {
			q++;
			prec = 0;
			while (isdigit((unsigned char)*q) && prec < 100000)
				prec = prec * 10 + (*q++ - '0');
		}
		while (*q == 'h' || *q == 'l' || *q == 'L')
			q++;
		conv = *q;
		/*
		 * Python 3 reads "%%" only as a whole: after a mapping key
		 * a '%' is an unsupported conversion.
		 */
		if (conv == '\0' || strchr("diouxXeEfFgGcrsa", conv) == NULL) {
			if (conv == '\0')
				*errp = xasprintf("badly formatted: "
				    "incomplete format");
			else
				*errp = xasprintf("badly formatted: "
				    "unsupported format character '%c' (0x%x) "
				    "at index %d", conv, (unsigned char)conv,
				    (int)(q - s));
			free(name);
			goto bad;
		}
		if ((kind = x_lookup(x, name, &sv, &iv)) == 0) {
			sb_add(&nb, "");
			x_names(x, &nb);
			*errp = xasprintf("%%(%s) cannot be expanded: no such "
			    "name (available: %s)", name, nb.s);
			free(nb.s);
			free(name);
			goto bad;
		}
		free(name);
		if (x_conv(&b, flags, width, prec, conv, kind, sv, iv,
		    errp) == -1)
			goto bad;
		p = q;
	}
	return sb_take(&b);
bad:
	free(b.s);
	return NULL;
}

/* ---------------------------------------------------------------- */
/* Value types of datatypes.py, with our messages. */

static int
ty_bool(const char *v, bool *out)
{
	static const char *const t[] = { "yes", "true", "on", "1" };
	static const char *const f[] = { "no", "false", "off", "0" };
	size_t	i;

	for (i = 0; i < 4; i++) {
		if (strcasecmp(v, t[i]) == 0) {
			*out = true;
			return 0;
		}
		if (strcasecmp(v, f[i]) == 0) {
			*out = false;
			return 0;
		}
	}
	return -1;
}

/* int(): Python 3.11's, as supervisor's integer() and octal_type call it. */

/* Python 3.11 refuses int(str) of more decimal digits (ValueError). */
#define PY_INT_MAX_DIGITS	4300

/*
 * The zeros of Unicode 14's category Nd (Python 3.11's unicodedata):
 * each begins a run of ten digits, 0 to 9, which int() reads as ASCII's.
 */
static const uint32_t nd_zeros[] = {
	0x30, 0x660, 0x6f0, 0x7c0, 0x966, 0x9e6, 0xa66, 0xae6, 0xb66, 0xbe6,
	0xc66, 0xce6, 0xd66, 0xde6, 0xe50, 0xed0, 0xf20, 0x1040, 0x1090,
	0x17e0, 0x1810, 0x1946, 0x19d0, 0x1a80, 0x1a90, 0x1b50, 0x1bb0,
	0x1c40, 0x1c50, 0xa620, 0xa8d0, 0xa900, 0xa9d0, 0xa9f0, 0xaa50,
	0xabf0, 0xff10, 0x104a0, 0x10d30, 0x11066, 0x110f0, 0x11136, 0x111d0,
	0x112f0, 0x11450, 0x114d0, 0x11650, 0x116c0, 0x11730, 0x118e0,
	0x11950, 0x11c50, 0x11d50, 0x11da0, 0x16a60, 0x16ac0, 0x16b50,
	0x1d7ce, 0x1d7d8, 0x1d7e2, 0x1d7ec, 0x1d7f6, 0x1e140, 0x1e2f0,
	0x1e950, 0x1fbf0
};

/* Py_UNICODE_ISSPACE beyond ASCII: int() reads these as blanks. */
static const uint32_t u_spaces[] = {
	0x85, 0xa0, 0x1680, 0x2000, 0x2001, 0x2002, 0x2003, 0x2004, 0x2005,
	0x2006, 0x2007, 0x2008, 0x2009, 0x200a, 0x2028, 0x2029, 0x202f,
	0x205f, 0x3000
};

/* The next code point of UTF-8 text, advancing *pp; -1 if malformed. */
static long
u8_next(const unsigned char **pp)
{
	const unsigned char	*p = *pp;
	long			 c;
	int			 n, i;

	if (p[0] < 0x80) {
		*pp = p + 1;
		return p[0];
	}
	if (p[0] >= 0xc2 && p[0] <= 0xdf)
		n = 1, c = p[0] & 0x1f;
	else if (p[0] >= 0xe0 && p[0] <= 0xef)
		n = 2, c = p[0] & 0x0f;
	else if (p[0] >= 0xf0 && p[0] <= 0xf4)
		n = 3, c = p[0] & 0x07;
	else
		return -1;
	for (i = 1; i <= n; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return -1;
		c = c << 6 | (p[i] & 0x3f);
	}
	*pp = p + n + 1;
	return c;
}

/*
 * What int() makes of one code point (_PyUnicode_TransformDecimalAndSpace
 * ToASCII): ASCII as is, a Unicode blank as ' ', a decimal digit as its
 * ASCII digit, anything else as '?' (which no number contains).
 */
static int
py_ascii(long c)
{
	size_t	i;

	if (c >= 0 && c < 127)
		return (int)c;
	for (i = 0; i < sizeof(u_spaces) / sizeof(u_spaces[0]); i++)
		if ((uint32_t)c == u_spaces[i])
			return ' ';
	for (i = 0; i < sizeof(nd_zeros) / sizeof(nd_zeros[0]); i++)
		if ((uint32_t)c >= nd_zeros[i] && (uint32_t)c < nd_zeros[i] + 10)
			return '0' + (int)((uint32_t)c - nd_zeros[i]);
	return '?';
}

/* Python's Py_ISSPACE: the blanks int() skips (not \x1c-\x1f). */
static bool
py_blank(int c)
{
	return c == ' ' || (c >= '\t' && c <= '\r');
}

/* A number as int() read it. */
struct pyint {
	long long	 v;		/* the value, clamped to long long */
	bool		 clamped;	/* v is not the value: see digits */
	bool		 neg;
	char		*digits;	/* malloc'ed, in the base read, without
					   sign or leading zeros ("0") */
	bool		 toolong;	/* refused: over PY_INT_MAX_DIGITS */
};

/*
 * int(v) for base 10, int(v, 8) for base 8, as Python 3.11: blanks
 * around, a sign, in base 8 an optional 0o (an underscore may follow it),
 * then digits (any Unicode decimal digit) with single underscores between
 * them; in base 10 at most 4300 digits.  0 with *pi filled (free
 * pi->digits), or -1 if Python raises ValueError (pi->toolong says when
 * the limit is why).
 */
static int
py_int(const char *v, int base, struct pyint *pi)
{
	const unsigned char	*p = (const unsigned char *)v;
	struct sbuf		 a = { 0 };
	const char		*q;
	unsigned long long	 n = 0, lim;
	size_t			 ndig = 0, len = 0;
	long			 c;

	memset(pi, 0, sizeof(*pi));
	/* Transform to ASCII first, as int() does. */
	while (*p != '\0') {
		if ((c = u8_next(&p)) == -1) {
			free(a.s);
			return -1;
		}
		sb_addc(&a, (char)py_ascii(c));
	}
	sb_addc(&a, '\0');
	q = a.s;
	while (py_blank(*q))
		q++;
	if (*q == '+' || *q == '-')
		pi->neg = *q++ == '-';
	if (base == 8 && q[0] == '0' && (q[1] == 'o' || q[1] == 'O')) {
		q += 2;
		if (*q == '_')
			q++;
	}
	pi->digits = xcalloc(strlen(q) + 2, 1);
	lim = pi->neg ? (unsigned long long)LLONG_MAX + 1 : LLONG_MAX;
	for (; *q >= '0' && *q < '0' + base; q++) {
		ndig++;
		if (len > 0 || *q != '0')
			pi->digits[len++] = *q;
		if (!pi->clamped && n > (lim - (unsigned)(*q - '0')) / base)
			pi->clamped = true;
		else if (!pi->clamped)
			n = n * base + (unsigned)(*q - '0');
		if (q[1] == '_' && q[2] >= '0' && q[2] < '0' + base)
			q++;
	}
	while (py_blank(*q))
		q++;
	if (ndig == 0 || *q != '\0' ||
	    (pi->toolong = base == 10 && ndig > PY_INT_MAX_DIGITS)) {
		free(a.s);
		free(pi->digits);
		pi->digits = NULL;
		return -1;
	}
	free(a.s);
	if (len == 0) {
		pi->digits[0] = '0';
		pi->neg = false;
	}
	if (pi->clamped)
		pi->v = pi->neg ? LLONG_MIN : LLONG_MAX;
	else
		pi->v = pi->neg ? (long long)(0 - n) : (long long)n;
	return 0;
}

/* int(v): the value clamped to long long.  0, or -1. */
static int
ty_int(const char *v, long long *out)
{
	struct pyint	pi;

	if (py_int(v, 10, &pi) == -1)
		return -1;
	free(pi.digits);
	*out = pi.v;
	return 0;
}

/* str() of the value read, in decimal: malloc'ed. */
static char *
pyint_text(const struct pyint *pi)
{
	return xasprintf("%s%s", pi->neg ? "-" : "", pi->digits);
}

/* Decimal digits times m, in place (the buffer has room for 10 more). */
static void
dec_mul(char *d, unsigned long m)
{
	size_t			 n = strlen(d), i;
	unsigned long long	 carry = 0, x;
	char			 tmp[24];
	int			 k;

	if (strcmp(d, "0") == 0)
		return;
	for (i = n; i-- > 0;) {
		x = (unsigned long long)(d[i] - '0') * m + carry;
		d[i] = (char)('0' + x % 10);
		carry = x / 10;
	}
	if (carry == 0)
		return;
	k = snprintf(tmp, sizeof(tmp), "%llu", carry);
	memmove(d + k, d, n + 1);
	memcpy(d, tmp, (size_t)k);
}

/*
 * byte_size: int() of v, times 1024, 1024^2 or 1024^3 after a kb, mb or
 * gb suffix in any case (as v.lower() finds it: the KELVIN SIGN lowers to
 * k).  *out clamped; *text the decimal value when it does not fit a long
 * long (malloc'ed), else NULL.  0, or -1.
 */
static int
ty_bytes(const char *v, long long *out, char **text)
{
	struct pyint	 pi;
	size_t		 n = strlen(v), cut = 0;
	long long	 m = 1;
	char		*d;
	int		 rc;

	*text = NULL;
	if (n >= 2 && (v[n - 1] == 'b' || v[n - 1] == 'B')) {
		cut = 2;
		if (v[n - 2] == 'k' || v[n - 2] == 'K')
			m = 1024;
		else if (v[n - 2] == 'm' || v[n - 2] == 'M')
			m = 1024 * 1024;
		else if (v[n - 2] == 'g' || v[n - 2] == 'G')
			m = 1024LL * 1024 * 1024;
		else if (n >= 4 && memcmp(v + n - 4, "\xe2\x84\xaa", 3) == 0) {
			m = 1024;
			cut = 4;
		} else
			cut = 0;
	}
	d = xstrndup(v, n - cut);
	rc = py_int(d, 10, &pi);
	free(d);
	if (rc == -1)
		return -1;
	if (!pi.clamped && pi.v <= LLONG_MAX / m && pi.v >= LLONG_MIN / m)
		*out = pi.v * m;
	else {
		*out = pi.neg ? LLONG_MIN : LLONG_MAX;
		d = xcalloc(strlen(pi.digits) + 12, 1);
		memcpy(d, pi.digits, strlen(pi.digits));
		dec_mul(d, (unsigned long)m);
		*text = xasprintf("%s%s", pi.neg ? "-" : "", d);
		free(d);
	}
	free(pi.digits);
	return 0;
}

/*
 * octal_type: int(v, 8).  A mode that does not fit an int, or is below
 * 0 (supervisor keeps either; os.umask and os.chmod would take its low
 * bits, or fail), is used by its low ndig octal digits, as mode_t's two's
 * complement has them; *text then holds it as Python's '%0Wo' prints it
 * (W = ndig), for --dump-config.  0, or -1.
 */
static int
ty_octal(const char *v, int ndig, int *out, char **text)
{
	struct pyint	 pi;
	size_t		 n;
	int		 low = 0, mod = 1 << (3 * ndig), pad, i;

	*text = NULL;
	if (py_int(v, 8, &pi) == -1)
		return -1;
	if (!pi.neg && !pi.clamped && pi.v <= INT_MAX) {
		*out = (int)pi.v;
		free(pi.digits);
		return 0;
	}
	n = strlen(pi.digits);
	for (i = n > (size_t)ndig ? (int)n - ndig : 0; i < (int)n; i++)
		low = low * 8 + (pi.digits[i] - '0');
	*out = pi.neg ? (mod - low) % mod : low;
	pad = ndig - (pi.neg ? 1 : 0) - (int)n;
	*text = xasprintf("%s%.*s%s", pi.neg ? "-" : "", pad > 0 ? pad : 0,
	    "0000", pi.digits);
	free(pi.digits);
	return 0;
}

/* name_to_uid: a name or a number that must exist. */
static int
ty_uid(const char *v, uid_t *uid, gid_t *gid, char **err)
{
	struct passwd	*pw;
	long long	 n;

	if (ty_int(v, &n) == 0) {
		if (n < 0 || n > (long long)UINT32_MAX - 1 ||
		    (pw = getpwuid((uid_t)n)) == NULL) {
			*err = xasprintf("invalid user id %s: no such user", v);
			return -1;
		}
	} else if ((pw = getpwnam(v)) == NULL) {
		*err = xasprintf("invalid user name %s: no such user", v);
		return -1;
	}
	*uid = pw->pw_uid;
	*gid = pw->pw_gid;
	return 0;
}

static int
ty_gid(const char *v, gid_t *gid)
{
	struct group	*gr;
	long long	 n;

	if (ty_int(v, &n) == 0) {
		if (n < 0 || (gr = getgrgid((gid_t)n)) == NULL)
			return -1;
	} else if ((gr = getgrnam(v)) == NULL)
		return -1;
	*gid = gr->gr_gid;
	return 0;
}

/* existing_dirpath: the directory of the path must exist. */
static char *
ty_dirpath(const char *v, char **err)
{
	char	*nv, *d;

	nv = expanduser(v);
	d = dirname_dup(nv);
	if (*d != '\0' && !is_dir(d)) {
		*err = xasprintf("the directory named as part of the path %s "
		    "does not exist", v);
		free(d);
		free(nv);
		return NULL;
	}
	free(d);
	return nv;
}

static char *
ty_directory(const char *v, char **err)
{
	char	*nv;

	nv = expanduser(v);
	if (!is_dir(nv)) {
		*err = xasprintf("%s is not an existing directory", v);
		free(nv);
		return NULL;
	}
	return nv;
}

/* process_or_group_name */
static char *
ty_name(const char *v, char **err)
{
	char	*s;
	const char *bad;

	s = strip_dup(v, strlen(v));
	for (bad = " :/"; *bad != '\0'; bad++)
		if (strchr(s, *bad) != NULL) {
			*err = xasprintf("invalid name '%s': it contains '%c'",
			    v, *bad);
			free(s);
			return NULL;
		}
	return s;
}

/* signal_number */
static int
ty_signal(const char *v, int *out)
{
	long long	n;
	char		*s, num[24];
	int		sig;

	if (ty_int(v, &n) == 0) {
		/* int() read it: its digits may be other than ASCII. */
		snprintf(num, sizeof(num), "%lld", n);
		sig = n >= 1 && n < NSIG ? proc_sig_num(num) : -1;
	} else {
		s = strip_dup(v, strlen(v));
		sig = proc_sig_num(s);
		free(s);
	}
	if (sig <= 0)
		return -1;
	*out = sig;
	return 0;
}

/*
 * dict_of_key_value_pairs: Python's shlex.shlex (not POSIX mode, with
 * '/.+-():' added to the word characters) cuts the text into tokens;
 * every fourth token (the comma) is skipped unread, as there.
 */
struct tokl {
	char	**t;
	size_t	  n;
};

static bool
sh_word(unsigned char c)
{
	return isalnum(c) || c == '_' || (c != 0 && strchr("/.+-():", c));
}

static size_t
u8len(const char *p)
{
	unsigned char c = (unsigned char)*p;

	if (c < 0x80)
		return 1;
	if (c >= 0xf0)
		return 4;
	if (c >= 0xe0)
		return 3;
	return 2;
}

static int
shlex_split(const char *s, struct tokl *tl, char **err)
{
	const char	*p = s;
	struct sbuf	 tok = { 0 };
	char		 state = ' ';
	size_t		 n;

	for (;;) {
		char c = *p;

		if (state == ' ') {
			if (c == '\0')
				break;
			if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
				p++;
				continue;
			}
			if (c == '#') {
				while (*p != '\0' && *p != '\n')
					p++;
				continue;
			}
			if (sh_word((unsigned char)c)) {
				sb_addc(&tok, c);
				state = 'a';
				p++;
				continue;
			}
			if (c == '\'' || c == '"') {
				sb_addc(&tok, c);
				state = c;
				p++;
				continue;
			}
			n = u8len(p);
			sb_addn(&tok, p, n);
			p += n;
			goto emit;
		} else if (state == '\'' || state == '"') {
			if (c == '\0') {
				*err = xasprintf("no closing quotation");
				free(tok.s);
				return -1;
			}
			sb_addc(&tok, c);
			p++;
			if (c == state)
				goto emit;
			continue;
		} else {
			if (c == '\0')
				goto emit;
			if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
				p++;
				goto emit;
			}
			if (c == '#') {
				while (*p != '\0' && *p != '\n')
					p++;
				goto emit;
			}
			if (sh_word((unsigned char)c) || c == '\'' ||
			    c == '"') {
				sb_addc(&tok, c);
				p++;
				continue;
			}
			goto emit;
		}
emit:
		tl->t = xrealloc(tl->t, tl->n + 1, sizeof(*tl->t));
		tl->t[tl->n++] = sb_take(&tok);
		state = ' ';
	}
	return 0;
}

static void
tokl_free(struct tokl *tl)
{
	size_t	i;

	for (i = 0; i < tl->n; i++)
		free(tl->t[i]);
	free(tl->t);
}

static char *
strip_quotes(const char *s)
{
	size_t	n = strlen(s);

	while (*s == '\'' || *s == '"') {
		s++;
		n--;
	}
	while (n > 0 && (s[n - 1] == '\'' || s[n - 1] == '"'))
		n--;
	return xstrndup(s, n);
}

static int
ty_env(const char *s, struct kvl *out, char **err)
{
	struct tokl	tl = { 0 };
	size_t		i;
	char		*v;

	if (shlex_split(s, &tl, err) == -1) {
		tokl_free(&tl);
		return -1;
	}
	for (i = 0; i < tl.n; i += 4) {
		if (i + 2 >= tl.n || strcmp(tl.t[i + 1], "=") != 0) {
			*err = xasprintf("unexpected end of key/value pairs "
			    "in value '%s' (KEY=value, comma-separated; "
			    "quote values with other characters)", s);
			tokl_free(&tl);
			return -1;
		}
		v = strip_quotes(tl.t[i + 2]);
		kvl_set(out, tl.t[i], v);
		free(v);
	}
	tokl_free(&tl);
	return 0;
}

/* ---------------------------------------------------------------- */
/* Reading options of a section. */

static const struct ini_opt *
opt_get(const struct ld *ld, const struct ini_sect *s, const char *key)
{
	const struct ini_opt	*o;

	if ((o = sect_opt(s, key)) != NULL)
		return o;
	return sect_opt(ld->ini.defaults, key);
}

/* Report an error at key of s (its line, or the section's if unset). */
static void
kerr(struct ld *ld, const struct ini_sect *s, const char *key,
    const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static void
kerr(struct ld *ld, const struct ini_sect *s, const char *key,
    const char *fmt, ...)
{
	const struct ini_opt	*o;
	va_list			 ap;

	o = key != NULL ? opt_get(ld, s, key) : NULL;
	va_start(ap, fmt);
	ld_msg(ld->errs, o != NULL ? o->file : s->file,
	    o != NULL ? o->line : s->line, s->name, key, fmt, ap);
	va_end(ap);
	ld->nerr++;
}

/*
 * saneget: the value of key in s, or def; expanded with x unless x is
 * NULL.  *out is NULL when neither is set.  -1 after an error.
 */
static int
sget(struct ld *ld, const struct ini_sect *s, const char *key,
    const char *def, const struct xctx *x, char **out)
{
	const struct ini_opt	*o;
	const char		*v;
	char			*e;

	o = opt_get(ld, s, key);
	v = o != NULL ? o->val : def;
	*out = NULL;
	if (v == NULL)
		return 0;
	if (x == NULL) {
		*out = xstrdup(v);
		return 0;
	}
	if ((*out = x_expand(x, v, &e)) == NULL) {
		kerr(ld, s, key, "format string '%s' %s", v, e);
		free(e);
		return -1;
	}
	return 0;
}

/* Append key's text (taken) to a list of clamped numbers; NULL: none. */
static void
big_add(struct cfg_bignum **v, size_t *n, const char *key, char *text)
{
	if (text == NULL)
		return;
	*v = xrealloc(*v, *n + 1, sizeof(**v));
	(*v)[*n].key = xstrdup(key);
	(*v)[(*n)++].text = text;
}

static void
big_free(struct cfg_bignum *v, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++) {
		free(v[i].key);
		free(v[i].text);
	}
	free(v);
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

/*
 * An integer key, read by int() as supervisor reads it.  A value outside
 * lo..hi is an error when big is NULL (a range supervisor checks, or a
 * limit of ours); else it is clamped, and *big gets its decimal text
 * (malloc'ed; NULL when in range) for --dump-config.
 */
static int
get_int(struct ld *ld, const struct ini_sect *s, const char *key,
    const char *def, const struct xctx *x, long long lo, long long hi,
    long long *out, char **big)
{
	struct pyint	 pi;
	char		*v;
	int		 rc = 0;

	if (big != NULL)
		*big = NULL;
	if (sget(ld, s, key, def, x, &v) == -1)
		return -1;
	if (py_int(v, 10, &pi) == -1) {
		if (pi.toolong)
			kerr(ld, s, key, "invalid integer '%.20s...': more than "
			    "%d digits, which Python's int() refuses", v,
			    PY_INT_MAX_DIGITS);
		else
			kerr(ld, s, key, "invalid integer '%s'", v);
		rc = -1;
	} else if (!pi.clamped && pi.v >= lo && pi.v <= hi)
		*out = pi.v;
	else if (big == NULL) {
		kerr(ld, s, key, "%s is out of range (%lld to %lld)", v, lo, hi);
		rc = -1;
	} else {
		*out = pi.v < lo ? lo : pi.v > hi ? hi : pi.v;
		*big = pyint_text(&pi);
	}
	free(pi.digits);
	free(v);
	return rc;
}

/* An int key that supervisor does not range-check: clamped, see get_int. */
static int
get_iint(struct ld *ld, const struct ini_sect *s, const char *key,
    const char *def, const struct xctx *x, int *out, char **big)
{
	long long	v;

	if (get_int(ld, s, key, def, x, INT_MIN, INT_MAX, &v, big) == -1)
		return -1;
	*out = (int)v;
	return 0;
}

static int
get_bool(struct ld *ld, const struct ini_sect *s, const char *key,
    const char *def, const struct xctx *x, bool *out)
{
	char	*v;
	int	 rc = 0;

	if (sget(ld, s, key, def, x, &v) == -1)
		return -1;
	if (ty_bool(v, out) == -1) {
		kerr(ld, s, key, "invalid boolean '%s' (true, false, yes, no, "
		    "on, off, 1 or 0)", v);
		rc = -1;
	}
	free(v);
	return rc;
}

/* A byte_size key: clamped, *big its text then, as get_int. */
static int
get_bytes(struct ld *ld, const struct ini_sect *s, const char *key,
    const char *def, const struct xctx *x, long long *out, char **big)
{
	char	*v;
	int	 rc = 0;

	*big = NULL;
	if (sget(ld, s, key, def, x, &v) == -1)
		return -1;
	if (ty_bytes(v, out, big) == -1) {
		kerr(ld, s, key, "invalid byte size '%s' (a number, with KB, "
		    "MB or GB)", v);
		rc = -1;
	}
	free(v);
	return rc;
}

/* Keys each kind of section knows; others get a warning. */
static const char *const keys_program[] = {
	"command", "process_name", "numprocs", "numprocs_start", "priority",
	"autostart", "autorestart", "startsecs", "startretries", "exitcodes",
	"stopsignal", "stopwaitsecs", "stopasgroup", "killasgroup", "user",
	"redirect_stderr", "stdout_logfile", "stdout_logfile_maxbytes",
	"stdout_logfile_backups", "stdout_capture_maxbytes",
	"stdout_events_enabled", "stdout_syslog", "stderr_logfile",
	"stderr_logfile_maxbytes", "stderr_logfile_backups",
	"stderr_capture_maxbytes", "stderr_events_enabled", "stderr_syslog",
	"environment", "directory", "umask", "serverurl", NULL
};
static const char *const keys_listener[] = {
	"buffer_size", "events", "result_handler", NULL
};
static const char *const keys_fcgi[] = {
	"socket", "socket_backlog", "socket_owner", "socket_mode", NULL
};
static const char *const keys_group[] = { "programs", "priority", NULL };
static const char *const keys_include[] = { "files", NULL };
static const char *const keys_sd[] = {
	"logfile", "logfile_maxbytes", "logfile_backups", "loglevel",
	"pidfile", "umask", "nodaemon", "silent", "minfds", "minprocs",
	"nocleanup", "childlogdir", "user", "directory", "strip_ansi",
	"environment", "identifier", NULL
};
static const char *const keys_unix[] = {
	"file", "chmod", "chown", "username", "password", NULL
};
static const char *const keys_inet[] = {
	"port", "username", "password", NULL
};
static const char *const keys_ctl[] = {
	"serverurl", "username", "password", "prompt", "history_file", NULL
};

static bool
in_list(const char *const *l, const char *k)
{
	if (l == NULL)
		return false;
	for (; *l != NULL; l++)
		if (**l == *k && strcmp(*l, k) == 0)
			return true;
	return false;
}

static void
warn_unknown(struct ld *ld, const struct ini_sect *s,
    const char *const *l1, const char *const *l2)
{
	size_t	i;

	/* A [DEFAULT] key copied in is not this section's own. */
	for (i = 0; i < s->n; i++)
		if (!s->o[i].dflt && !in_list(l1, s->o[i].key) &&
		    !in_list(l2, s->o[i].key))
			ld_warn(ld, s->o[i].file, s->o[i].line, s->name,
			    s->o[i].key, "unknown key, ignored (supervisor "
			    "ignores it too)");
}

static bool
has_prefix(const char *s, const char *p)
{
	return strncmp(s, p, strlen(p)) == 0;
}

/* ---------------------------------------------------------------- */
/* [supervisord] and the command-line options that set its keys. */

static const char *
tempdir(void)
{
	static const char *const vars[] = { "TMPDIR", "TEMP", "TMP" };
	const char	*d;
	size_t		 i;

	for (i = 0; i < 3; i++)
		if ((d = getenv(vars[i])) != NULL && *d != '\0' && is_dir(d))
			return d;
	return "/tmp";
}

/* Convert one [supervisord] value into sd.  -1 with *err set. */
static int
sd_apply(struct cfg_supervisord *sd, const char *key, const char *v,
    char **err)
{
	long long	 n;
	bool		 b;
	char		*p, *t;
	int		 lvl, m;

	/*
	 * supervisor range-checks none of these: a value beyond our field
	 * is used clamped (minfds, minprocs, logfile_backups,
	 * logfile_maxbytes) or by its low bits (umask).
	 */
	*err = NULL;
	if (strcmp(key, "minfds") == 0 || strcmp(key, "minprocs") == 0) {
		if (ty_int(v, &n) == -1) {
			*err = xasprintf("invalid integer '%s'", v);
			return -1;
		}
		if (key[3] == 'f')
			sd->minfds = n;
		else
			sd->minprocs = n;
	} else if (strcmp(key, "logfile_backups") == 0) {
		if (ty_int(v, &n) == -1) {
			*err = xasprintf("invalid integer '%s'", v);
			return -1;
		}
		sd->logfile_backups = n < INT_MIN ? INT_MIN : n > INT_MAX ?
		    INT_MAX : (int)n;
	} else if (strcmp(key, "logfile_maxbytes") == 0) {
		if (ty_bytes(v, &n, &t) == -1) {
			*err = xasprintf("invalid byte size '%s' (a number, "
			    "with KB, MB or GB)", v);
			return -1;
		}
		free(t);
		sd->logfile_maxbytes = n;
	} else if (strcmp(key, "umask") == 0) {
		if (ty_octal(v, 3, &m, &t) == -1) {
			*err = xasprintf("invalid octal '%s'", v);
			return -1;
		}
		free(t);
		sd->umask = m;
	} else if (strcmp(key, "directory") == 0) {
		if ((p = ty_directory(v, err)) == NULL)
			return -1;
		free(sd->directory);
		sd->directory = p;
	} else if (strcmp(key, "logfile") == 0 || strcmp(key, "pidfile") == 0) {
		if ((p = ty_dirpath(v, err)) == NULL)
			return -1;
		/* realize(): normalize_path, except for "syslog". */
		if (key[0] == 'l' && (strcasecmp(p, "none") == 0 ||
		    strcasecmp(p, "off") == 0)) {
			free(p);
			p = NULL;
		} else if (key[0] != 'l' || strcmp(p, "syslog") != 0) {
			char *a = abspath(p);

			free(p);
			p = a;
		}
		if (key[0] == 'l') {
			free(sd->logfile);
			sd->logfile = p;
		} else {
			free(sd->pidfile);
			sd->pidfile = p;
		}
	} else if (strcmp(key, "loglevel") == 0) {
		p = xstrdup(v);
		lower(p);
		lvl = log_level_parse(p);
		free(p);
		if (lvl == -1) {
			*err = xasprintf("bad logging level name '%s' (critical, "
			    "error, warn, info, debug, trace, blather)", v);
			return -1;
		}
		sd->loglevel = lvl;
	} else if (strcmp(key, "identifier") == 0) {
		free(sd->identifier);
		sd->identifier = xstrdup(v);
	} else if (strcmp(key, "childlogdir") == 0) {
		if ((p = ty_directory(v, err)) == NULL)
			return -1;
		free(sd->childlogdir);
		sd->childlogdir = p;
	} else if (strcmp(key, "user") == 0) {
		if (ty_uid(v, &sd->uid, &sd->gid, err) == -1)
			return -1;
		free(sd->user);
		sd->user = xstrdup(v);
		sd->has_uid = true;
	} else if (strcmp(key, "nodaemon") == 0 || strcmp(key, "silent") == 0 ||
	    strcmp(key, "nocleanup") == 0 || strcmp(key, "strip_ansi") == 0) {
		if (ty_bool(v, &b) == -1) {
			*err = xasprintf("invalid boolean '%s' (true, false, "
			    "yes, no, on, off, 1 or 0)", v);
			return -1;
		}
		if (key[0] == 'n' && key[2] == 'd')
			sd->nodaemon = b;
		else if (key[0] == 's' && key[1] == 'i')
			sd->silent = b;
		else if (key[0] == 'n')
			sd->nocleanup = b;
		else
			sd->strip_ansi = b;
	} else {
		*err = xasprintf("no such option");
		return -1;
	}
	return 0;
}

static void
sd_defaults(struct cfg_supervisord *sd)
{
	char	*e;

	memset(sd, 0, sizeof(*sd));
	sd->logfile_maxbytes = 50LL * 1024 * 1024;
	sd->logfile_backups = 10;
	sd->loglevel = LOGL_INFO;
	sd->minfds = 1024;
	sd->minprocs = 200;
	sd->umask = 022;
	sd->identifier = xstrdup("supervisor");
	sd->childlogdir = abspath(tempdir());
	(void)sd_apply(sd, "logfile", "supervisord.log", &e);
	free(e);
	(void)sd_apply(sd, "pidfile", "supervisord.pid", &e);
	free(e);
}

static void
ld_supervisord(struct ld *ld, struct ini_sect *s)
{
	/* read_config's order: the first error is supervisor's. */
	static const struct { const char *key, *def; } k[] = {
		{ "minfds", "1024" }, { "minprocs", "200" },
		{ "directory", NULL }, { "umask", "022" },
		{ "logfile", "supervisord.log" },
		{ "logfile_maxbytes", "50MB" }, { "logfile_backups", "10" },
		{ "loglevel", "info" }, { "pidfile", "supervisord.pid" },
		{ "identifier", "supervisor" }, { "nodaemon", "false" },
		{ "silent", "false" }, { "childlogdir", NULL },
		{ "nocleanup", "false" }, { "strip_ansi", "false" },
		{ "user", NULL },
	};
	struct xctx	 x = { { &ld->envx, NULL }, ld->here, NULL, NULL, NULL,
			    false, 0, 0 };
	struct xctx	 x2 = x;
	struct kvl	 env = { 0 };
	char		*v, *v2, *e;
	size_t		 i;

	warn_unknown(ld, s, keys_sd, NULL);
	for (i = 0; i < sizeof(k) / sizeof(k[0]); i++) {
		if (sget(ld, s, k[i].key, k[i].def, &x, &v) == -1)
			continue;
		if (v == NULL)
			continue;
		if (sd_apply(&ld->c->sd, k[i].key, v, &e) == -1) {
			kerr(ld, s, k[i].key, "%s", e);
			free(e);
		}
		free(v);
	}
	/* environment= is expanded twice, the second time with the host. */
	if (sget(ld, s, "environment", "", &x, &v) == -1)
		return;
	x2.host = ld->host;
	if ((v2 = x_expand(&x2, v, &e)) == NULL) {
		kerr(ld, s, "environment", "format string '%s' %s", v, e);
		free(e);
		free(v);
		return;
	}
	free(v);
	if (ty_env(v2, &env, &e) == -1) {
		/* The pairs read before the bad one are dropped too. */
		kvl_free(&env);
		kerr(ld, s, "environment", "%s", e);
		free(e);
	} else {
		struct cfg_supervisord *sd = &ld->c->sd;

		sd->env_keys = xcalloc(env.n, sizeof(char *));
		sd->env_vals = xcalloc(env.n, sizeof(char *));
		for (i = 0; i < env.n; i++) {
			char *n = xasprintf("ENV_%s", env.k[i]);

			kvl_set(&ld->envx, n, env.v[i]);
			free(n);
			sd->env_keys[i] = env.k[i];
			sd->env_vals[i] = env.v[i];
		}
		sd->nenv = env.n;
		free(env.k);
		free(env.v);
		memset(&env, 0, sizeof(env));
	}
	free(v2);
}

/* ---------------------------------------------------------------- */
/* Programs: processes_from_section. */

/* A group while it is built, with what only some kinds have. */
struct bgroup {
	struct cfg_group	  g;
	struct cfg_program	**p;
	size_t			  n;
	size_t			  order;	/* for a stable sort */
};

void
cfg_program_free(struct cfg_program *p)
{
	size_t	i;

	if (p == NULL)
		return;
	free(p->name);
	free(p->group);
	free(p->section);
	free(p->file);
	free(p->command);
	free(p->directory);
	free(p->user);
	free(p->out.path);
	free(p->err.path);
	for (i = 0; i < p->nenv; i++) {
		free(p->env_keys[i]);
		free(p->env_vals[i]);
	}
	free(p->env_keys);
	free(p->env_vals);
	free(p->serverurl);
	free(p->exitcodes);
	big_free(p->big, p->nbig);
	free(p);
}

static int
prog_cmp(const void *a, const void *b)
{
	const struct cfg_program *pa = *(struct cfg_program *const *)a;
	const struct cfg_program *pb = *(struct cfg_program *const *)b;

	if (pa->priority != pb->priority)
		return pa->priority < pb->priority ? -1 : 1;
	if (strcmp(pa->name, pb->name) != 0)
		return strcmp(pa->name, pb->name);
	return pa->process_num < pb->process_num ? -1 :
	    pa->process_num > pb->process_num;
}

static int
get_exitcodes(struct ld *ld, const struct ini_sect *s, const struct xctx *x,
    int **codes, size_t *n)
{
	char		*v, *p, *q, *item;
	long long	 c;
	int		 rc = 0;

	if (sget(ld, s, "exitcodes", "0", x, &v) == -1)
		return -1;
	*codes = NULL;
	*n = 0;
	if (*v == '\0') {
		free(v);
		return 0;
	}
	for (p = v;; p = q + 1) {
		q = strchr(p, ',');
		item = xstrndup(p, q == NULL ? strlen(p) : (size_t)(q - p));
		if (ty_int(item, &c) == -1 || c < 0 || c > 255) {
			kerr(ld, s, "exitcodes", "invalid list of exit codes "
			    "'%s' (numbers 0 to 255, comma-separated)", v);
			free(item);
			rc = -1;
			break;
		}
		free(item);
		*codes = xrealloc(*codes, *n + 1, sizeof(**codes));
		(*codes)[(*n)++] = (int)c;
		if (q == NULL)
			break;
	}
	if (rc == -1) {
		free(*codes);
		*codes = NULL;
		*n = 0;
	}
	free(v);
	return rc;
}

/* One of stdout_logfile, stderr_logfile and their companions. */
static int
get_log(struct ld *ld, const struct ini_sect *s, const char *ch,
    const struct xctx *x, struct cfg_log *lg, struct cfg_program *p)
{
	char	 key[64], *v, *v2, *e, *path, *big;
	int	 rc = 0;
	long long n;

	memset(lg, 0, sizeof(*lg));
	snprintf(key, sizeof(key), "%s_logfile", ch);
	if (sget(ld, s, key, "AUTO", x, &v) == -1)
		return -1;
	/* supervisor expands a log file name a second time. */
	if ((v2 = x_expand(x, v, &e)) == NULL) {
		kerr(ld, s, key, "format string '%s' %s", v, e);
		free(e);
		free(v);
		return -1;
	}
	free(v);
	if (strcasecmp(v2, "none") == 0 || strcasecmp(v2, "off") == 0)
		lg->kind = CFG_LOG_NONE;
	else if (strcasecmp(v2, "auto") == 0)
		lg->kind = CFG_LOG_AUTO;
	else if (strcasecmp(v2, "syslog") == 0) {
		/* Deprecated; supervisor rewrites it as NONE + _syslog. */
		lg->kind = CFG_LOG_SYSLOG;
		ld_warn(ld, s->file, s->line, s->name, key, "%s=syslog is "
		    "deprecated: use %s_syslog=true", key, ch);
	} else if ((path = ty_dirpath(v2, &e)) == NULL) {
		kerr(ld, s, key, "%s", e);
		free(e);
		rc = -1;
	} else {
		lg->kind = CFG_LOG_PATH;
		lg->path = path;
	}
	free(v2);
	if (rc == -1)
		return -1;
	snprintf(key, sizeof(key), "%s_logfile_backups", ch);
	if (get_int(ld, s, key, "10", x, INT_MIN, INT_MAX, &n, &big) == -1)
		return -1;
	lg->backups = (int)n;
	big_add(&p->big, &p->nbig, key, big);
	snprintf(key, sizeof(key), "%s_logfile_maxbytes", ch);
	if (get_bytes(ld, s, key, "50MB", x, &lg->maxbytes, &big) == -1)
		return -1;
	big_add(&p->big, &p->nbig, key, big);
	snprintf(key, sizeof(key), "%s_syslog", ch);
	if (get_bool(ld, s, key, "false", x, &lg->syslog) == -1)
		return -1;
	if (lg->kind == CFG_LOG_SYSLOG) {
		lg->kind = CFG_LOG_NONE;
		lg->syslog = true;
	}
	return 0;
}

/*
 * The processes of one [program:x] (or eventlistener, fcgi-program)
 * section, appended to bg.  -1 after an error.
 */
static int
ld_procs(struct ld *ld, struct ini_sect *s, const char *group,
    enum cfg_kind kind, struct bgroup *bg)
{
	struct cfg_program	 t, *p;
	struct xctx		 x;
	struct kvl		 penv = { 0 }, merged = { 0 }, *pe = NULL;
	char			*pname = NULL, *prog = NULL, *envs = NULL;
	char			*v, *e, *name, *user = NULL, *surl = NULL;
	static const char *const bigkeys[] = { "priority", "startsecs",
		"startretries", "stopwaitsecs", "stdout_capture_maxbytes",
		"stderr_capture_maxbytes" };
	char			*big[6] = { NULL };
	long long		 numprocs, start, i;
	size_t			 k, first = bg->n;
	int			 rc = -1, umask = -1;
	uid_t			 uid = 0;
	gid_t			 gid = 0;
	bool			 has_uid = false;

	memset(&t, 0, sizeof(t));
	if ((prog = ty_name(strchr(s->name, ':') + 1, &e)) == NULL) {
		kerr(ld, s, NULL, "%s", e);
		free(e);
		return -1;
	}
	memset(&x, 0, sizeof(x));
	x.env[0] = &ld->envx;
	x.here = ld->here;
	x.program_name = prog;
	x.group_name = group;
	x.host = ld->host;

	if (get_iint(ld, s, "priority", "999", &x, &t.priority,
	    &big[0]) == -1 ||
	    get_bool(ld, s, "autostart", "true", &x, &t.autostart) == -1)
		goto out;
	if (sget(ld, s, "autorestart", "unexpected", &x, &v) == -1)
		goto out;
	if (ty_bool(v, &t.stopasgroup) == 0)
		t.autorestart = t.stopasgroup ? CFG_AR_TRUE : CFG_AR_FALSE;
	else if (strcasecmp(v, "unexpected") == 0)
		t.autorestart = CFG_AR_UNEXPECTED;
	else {
		kerr(ld, s, "autorestart", "invalid value '%s' (true, false "
		    "or unexpected)", v);
		free(v);
		goto out;
	}
	free(v);
	if (get_iint(ld, s, "startsecs", "1", &x, &t.startsecs,
	    &big[1]) == -1 ||
	    get_iint(ld, s, "startretries", "3", &x, &t.startretries,
	    &big[2]) == -1)
		goto out;
	if (sget(ld, s, "stopsignal", "TERM", &x, &v) == -1)
		goto out;
	if (ty_signal(v, &t.stopsignal) == -1) {
		kerr(ld, s, "stopsignal", "invalid signal '%s'", v);
		free(v);
		goto out;
	}
	free(v);
	if (get_iint(ld, s, "stopwaitsecs", "10", &x, &t.stopwaitsecs,
	    &big[3]) == -1 ||
	    get_bool(ld, s, "stopasgroup", "false", &x, &t.stopasgroup) == -1 ||
	    get_bool(ld, s, "killasgroup", t.stopasgroup ? "true" : "false",
	    &x, &t.killasgroup) == -1 ||
	    get_exitcodes(ld, s, &x, &t.exitcodes, &t.nexitcodes) == -1 ||
	    get_bool(ld, s, "redirect_stderr", "false", &x,
	    &t.redirect_stderr) == -1 ||
	    get_int(ld, s, "numprocs", "1", &x, LLONG_MIN, LLONG_MAX,
	    &numprocs, &v) == -1)
		goto out;
	/* Below LLONG_MIN: no process at all, as any value below 1. */
	free(v);
	if (numprocs > 1000000) {
		kerr(ld, s, "numprocs", "%lld is more than this daemon's limit "
		    "of 1000000 processes per section", numprocs);
		goto out;
	}
	/*
	 * Ours, not supervisor's: process_num is an int here, and a clamped
	 * one would give other names.
	 */
	if (get_int(ld, s, "numprocs_start", "0", &x, INT_MIN,
	    INT_MAX - (numprocs > 0 ? numprocs : 0), &start, NULL) == -1)
		goto out;
	if (kind == CFG_KIND_EVENTLISTENER && t.redirect_stderr) {
		kerr(ld, s, "redirect_stderr", "redirect_stderr=true is not "
		    "allowed in an event listener: it would interfere with "
		    "the eventlistener protocol");
		goto out;
	}
	if (sget(ld, s, "environment", "", NULL, &envs) == -1 ||
	    get_bytes(ld, s, "stdout_capture_maxbytes", "0", &x,
	    &t.out.capture_maxbytes, &big[4]) == -1 ||
	    get_bool(ld, s, "stdout_events_enabled", "false", &x,
	    &t.out.events_enabled) == -1 ||
	    get_bytes(ld, s, "stderr_capture_maxbytes", "0", &x,
	    &t.err.capture_maxbytes, &big[5]) == -1 ||
	    get_bool(ld, s, "stderr_events_enabled", "false", &x,
	    &t.err.events_enabled) == -1 ||
	    sget(ld, s, "serverurl", NULL, &x, &surl) == -1)
		goto out;
	for (k = 0; k < sizeof(big) / sizeof(big[0]); k++) {
		big_add(&t.big, &t.nbig, bigkeys[k], big[k]);
		big[k] = NULL;
	}
	if (surl != NULL) {
		char *st = strip_dup(surl, strlen(surl));

		if (strcasecmp(st, "auto") == 0 || *surl == '\0') {
			free(surl);
			surl = NULL;
		}
		free(st);
	}
	if (sget(ld, s, "user", NULL, &x, &user) == -1)
		goto out;
	if (user != NULL) {
		if (ty_uid(user, &uid, &gid, &e) == -1) {
			kerr(ld, s, "user", "%s", e);
			free(e);
			goto out;
		}
		has_uid = true;
	}
	if (sget(ld, s, "umask", NULL, &x, &v) == -1)
		goto out;
	if (v != NULL && ty_octal(v, 3, &umask, &e) == -1) {
		kerr(ld, s, "umask", "invalid octal '%s'", v);
		free(v);
		goto out;
	}
	if (v != NULL)
		big_add(&t.big, &t.nbig, "umask", e);
	free(v);
	if (sget(ld, s, "process_name", "%(program_name)s", NULL, &v) == -1)
		goto out;
	pname = ty_name(v, &e);
	free(v);
	if (pname == NULL) {
		kerr(ld, s, "process_name", "%s", e);
		free(e);
		goto out;
	}
	if (numprocs > 1 && strstr(pname, "%(process_num)") == NULL) {
		kerr(ld, s, "process_name", "%%(process_num) must be present "
		    "within process_name when numprocs > 1");
		goto out;
	}
	if (t.stopasgroup && !t.killasgroup) {
		kerr(ld, s, "killasgroup", "cannot set stopasgroup=true and "
		    "killasgroup=false");
		goto out;
	}

	for (i = start; i < start + numprocs; i++) {
		x.has_num = true;
		x.process_num = i;
		x.numprocs = numprocs;
		x.env[1] = NULL;
		kvl_free(&penv);
		if ((v = x_expand(&x, envs, &e)) == NULL) {
			kerr(ld, s, "environment", "format string '%s' %s",
			    envs, e);
			free(e);
			goto out;
		}
		if (ty_env(v, &penv, &e) == -1) {
			kerr(ld, s, "environment", "%s", e);
			free(e);
			free(v);
			goto out;
		}
		free(v);
		/* %(ENV_X)s of the program's own environment. */
		{
			pe = xcalloc(1, sizeof(*pe));
			for (k = 0; k < penv.n; k++) {
				char *n = xasprintf("ENV_%s", penv.k[k]);

				kvl_set(pe, n, penv.v[k]);
				free(n);
			}
			x.env[1] = pe;
		}
		p = xcalloc(1, sizeof(*p));
		*p = t;
		p->big = NULL;
		p->nbig = 0;
		for (k = 0; k < t.nbig; k++)
			big_add(&p->big, &p->nbig, t.big[k].key,
			    xstrdup(t.big[k].text));
		p->exitcodes = xcalloc(t.nexitcodes, sizeof(int));
		/* exitcodes= (empty) is no code at all, and t.exitcodes NULL. */
		if (t.nexitcodes > 0)
			memcpy(p->exitcodes, t.exitcodes,
			    t.nexitcodes * sizeof(int));
		p->out.path = p->err.path = NULL;
		p->env_keys = p->env_vals = NULL;
		p->nenv = 0;
		p->group = xstrdup(group);
		p->section = xstrdup(s->name);
		p->file = xstrdup(s->file);
		p->line = s->line;
		p->kind = kind;
		p->numprocs = (int)numprocs;
		p->process_num = (int)i;
		p->umask = umask;
		p->user = xstrdup(user);
		p->has_uid = has_uid;
		p->uid = uid;
		p->gid = gid;
		p->serverurl = xstrdup(surl);
		bg->p = xrealloc(bg->p, bg->n + 1, sizeof(*bg->p));
		bg->p[bg->n++] = p;

		rc = sget(ld, s, "directory", NULL, &x, &p->directory);
		if (rc == 0)
			rc = get_log(ld, s, "stdout", &x, &p->out, p);
		if (rc == 0)
			rc = get_log(ld, s, "stderr", &x, &p->err, p);
		if (rc == 0) {
			p->out.capture_maxbytes = t.out.capture_maxbytes;
			p->out.events_enabled = t.out.events_enabled;
			p->err.capture_maxbytes = t.err.capture_maxbytes;
			p->err.events_enabled = t.err.events_enabled;
			if (p->out.kind == CFG_LOG_AUTO && p->out.maxbytes == 0)
				ld_warn(ld, s->file, s->line, s->name,
				    "stdout_logfile", "AUTO logging without "
				    "rollover: set maxbytes > 0 to avoid "
				    "filling up the filesystem");
			if (p->err.kind == CFG_LOG_AUTO && p->err.maxbytes ==
			    0 && !t.redirect_stderr)
				ld_warn(ld, s->file, s->line, s->name,
				    "stderr_logfile", "AUTO logging without "
				    "rollover: set maxbytes > 0 to avoid "
				    "filling up the filesystem");
			if (t.redirect_stderr) {
				if (p->err.kind == CFG_LOG_PATH)
					ld_warn(ld, s->file, s->line, s->name,
					    "stderr_logfile", "redirect_stderr="
					    "true: the file name is ignored");
				free(p->err.path);
				p->err.path = NULL;
				p->err.kind = CFG_LOG_NONE;
			}
			rc = sget(ld, s, "command", NULL, &x, &p->command);
		}
		if (rc == 0 && p->command == NULL) {
			kerr(ld, s, "command", "program section %s does not "
			    "specify a command", s->name);
			rc = -1;
		}
		if (rc == 0) {
			if ((name = x_expand(&x, pname, &e)) == NULL) {
				kerr(ld, s, "process_name", "format string "
				    "'%s' %s", pname, e);
				free(e);
				rc = -1;
			} else
				p->name = name;
		}
		if (rc == 0) {
			/* [supervisord]'s environment, updated by ours. */
			kvl_free(&merged);
			for (k = 0; k < ld->c->sd.nenv; k++)
				kvl_set(&merged, ld->c->sd.env_keys[k],
				    ld->c->sd.env_vals[k]);
			for (k = 0; k < penv.n; k++)
				kvl_set(&merged, penv.k[k], penv.v[k]);
			p->env_keys = merged.k;
			p->env_vals = merged.v;
			p->nenv = merged.n;
			memset(&merged, 0, sizeof(merged));
		}
		kvl_free(pe);
		free(pe);
		pe = NULL;
		x.env[1] = NULL;
		if (rc == -1)
			goto out;
	}
	if (bg->n - first > 1)
		qsort(bg->p + first, bg->n - first, sizeof(*bg->p),
		    prog_cmp);
	rc = 0;
out:
	if (rc == -1) {
		while (bg->n > first)
			cfg_program_free(bg->p[--bg->n]);
	}
	if (pe != NULL) {
		kvl_free(pe);
		free(pe);
	}
	kvl_free(&penv);
	kvl_free(&merged);
	free(t.exitcodes);
	big_free(t.big, t.nbig);
	for (k = 0; k < sizeof(big) / sizeof(big[0]); k++)
		free(big[k]);
	free(pname);
	free(prog);
	free(envs);
	free(user);
	free(surl);
	return rc;
}

/* ---------------------------------------------------------------- */
/* Groups: process_groups_from_parser. */

struct groups {
	struct bgroup	*g;
	size_t		 n;
};

static struct bgroup *
groups_add(struct groups *gs, const char *name, enum cfg_kind kind,
    int priority)
{
	struct bgroup	*b;

	gs->g = xrealloc(gs->g, gs->n + 1, sizeof(*gs->g));
	b = &gs->g[gs->n];
	memset(b, 0, sizeof(*b));
	b->g.name = xstrdup(name);
	b->g.kind = kind;
	b->g.priority = priority;
	b->g.socket_mode = -1;
	b->g.socket_backlog = -1;
	b->order = gs->n++;
	return b;
}

static void
group_fields_free(struct cfg_group *g)
{
	size_t	i;

	free(g->name);
	for (i = 0; i < g->nevents; i++)
		free(g->events[i]);
	free(g->events);
	free(g->result_handler);
	free(g->socket);
	big_free(g->big, g->nbig);
}

/*
 * Priorities as Python compares them: clamped ones by their text (a sign,
 * then more digits is more), so that 10**20 still sorts after 10**19.
 */
static int
prio_cmp(const struct cfg_group *a, const struct cfg_group *b)
{
	const char	*ta, *tb;
	char		 ba[24], bb[24];
	size_t		 la, lb;
	int		 sa, sb, c;

	ta = cfg_big(a->big, a->nbig, "priority");
	tb = cfg_big(b->big, b->nbig, "priority");
	if (ta == NULL && tb == NULL)
		return a->priority < b->priority ? -1 : a->priority > b->priority;
	if (ta == NULL) {
		snprintf(ba, sizeof(ba), "%d", a->priority);
		ta = ba;
	}
	if (tb == NULL) {
		snprintf(bb, sizeof(bb), "%d", b->priority);
		tb = bb;
	}
	sa = *ta == '-' ? -1 : 1;
	sb = *tb == '-' ? -1 : 1;
	if (sa != sb)
		return sa < sb ? -1 : 1;
	ta += *ta == '-';
	tb += *tb == '-';
	la = strlen(ta);
	lb = strlen(tb);
	c = la != lb ? (la < lb ? -1 : 1) : strcmp(ta, tb);
	return sa * (c < 0 ? -1 : c > 0);
}

static int
bgroup_cmp(const void *a, const void *b)
{
	const struct bgroup	*ga = a, *gb = b;
	int			 c;

	if ((c = prio_cmp(&ga->g, &gb->g)) != 0)
		return c;
	if ((c = strcmp(ga->g.name, gb->g.name)) != 0)
		return c;
	return ga->order < gb->order ? -1 : ga->order > gb->order;
}

/* A Python import spec "module:attr" or "module"; syntax only. */
static bool
spec_ok(const char *v)
{
	const char	*p;
	bool		 start = true;

	if (*v == '\0')
		return false;
	for (p = v; *p != '\0'; p++) {
		if (*p == '.' || *p == ':') {
			if (start)
				return false;
			start = true;
			continue;
		}
		if (!(isalnum((unsigned char)*p) || *p == '_') ||
		    (start && isdigit((unsigned char)*p)))
			return false;
		start = false;
	}
	return !start && strchr(strchr(v, ':') != NULL ? strchr(v, ':') + 1 :
	    "", ':') == NULL;
}

/*
 * Import specs the daemon can vouch for: supervisor's own.  Any other
 * names Python code that supervisor would import and this daemon cannot;
 * supervisor rejects it unless that code is installed.
 */
static bool
spec_known(const char *v)
{
	static const char *const known[] = {
		"supervisor.dispatchers:default_handler",
		"supervisor.rpcinterface:make_main_rpcinterface",
		NULL
	};

	return in_list(known, v);
}

static const struct { const char *name, *cls; } event_types[] = {
	{ "EVENT", "Event" },
	{ "PROCESS_STATE", "ProcessStateEvent" },
	{ "PROCESS_STATE_STOPPED", "ProcessStateStoppedEvent" },
	{ "PROCESS_STATE_EXITED", "ProcessStateExitedEvent" },
	{ "PROCESS_STATE_STARTING", "ProcessStateStartingEvent" },
	{ "PROCESS_STATE_STOPPING", "ProcessStateStoppingEvent" },
	{ "PROCESS_STATE_BACKOFF", "ProcessStateBackoffEvent" },
	{ "PROCESS_STATE_FATAL", "ProcessStateFatalEvent" },
	{ "PROCESS_STATE_RUNNING", "ProcessStateRunningEvent" },
	{ "PROCESS_STATE_UNKNOWN", "ProcessStateUnknownEvent" },
	{ "PROCESS_COMMUNICATION", "ProcessCommunicationEvent" },
	{ "PROCESS_COMMUNICATION_STDOUT", "ProcessCommunicationStdoutEvent" },
	{ "PROCESS_COMMUNICATION_STDERR", "ProcessCommunicationStderrEvent" },
	{ "PROCESS_LOG", "ProcessLogEvent" },
	{ "PROCESS_LOG_STDOUT", "ProcessLogStdoutEvent" },
	{ "PROCESS_LOG_STDERR", "ProcessLogStderrEvent" },
	{ "REMOTE_COMMUNICATION", "RemoteCommunicationEvent" },
	{ "SUPERVISOR_STATE_CHANGE", "SupervisorStateChangeEvent" },
	{ "SUPERVISOR_STATE_CHANGE_RUNNING", "SupervisorRunningEvent" },
	{ "SUPERVISOR_STATE_CHANGE_STOPPING", "SupervisorStoppingEvent" },
	{ "TICK", "TickEvent" },
	{ "TICK_5", "Tick5Event" },
	{ "TICK_60", "Tick60Event" },
	{ "TICK_3600", "Tick3600Event" },
	{ "PROCESS_GROUP", "ProcessGroupEvent" },
	{ "PROCESS_GROUP_ADDED", "ProcessGroupAddedEvent" },
	{ "PROCESS_GROUP_REMOVED", "ProcessGroupRemovedEvent" },
};

static int
str_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* list_of_strings: comma-separated, each stripped; "" is no item. */
static char **
split_commas(const char *v, size_t *n)
{
	char		**l = NULL;
	const char	 *p, *q;

	*n = 0;
	if (*v == '\0')
		return NULL;
	for (p = v;; p = q + 1) {
		q = strchr(p, ',');
		l = xrealloc(l, *n + 1, sizeof(*l));
		l[(*n)++] = strip_dup(p, q == NULL ? strlen(p) :
		    (size_t)(q - p));
		if (q == NULL)
			break;
	}
	return l;
}

static void
strv_free(char **l, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++)
		free(l[i]);
	free(l);
}

static int
ld_listener(struct ld *ld, struct ini_sect *s, struct groups *gs)
{
	struct xctx	 x = { { &ld->envx, NULL }, ld->here, NULL, NULL, NULL,
			    false, 0, 0 };
	struct bgroup	*b;
	const char	*name = strchr(s->name, ':') + 1;
	char		*v, **ev, *bp = NULL, *bb = NULL;
	size_t		 nev, i, j, k;
	int		 prio, bufsz;

	if (get_iint(ld, s, "priority", "-1", &x, &prio, &bp) == -1 ||
	    get_iint(ld, s, "buffer_size", "10", &x, &bufsz, &bb) == -1)
		goto bad;
	if (bufsz < 1) {
		if (bb != NULL)
			kerr(ld, s, "buffer_size", "invalid buffer_size (%s): "
			    "at least 1", bb);
		else
			kerr(ld, s, "buffer_size", "invalid buffer_size (%d): "
			    "at least 1", bufsz);
		goto bad;
	}
	if (sget(ld, s, "result_handler",
	    "supervisor.dispatchers:default_handler", &x, &v) == -1)
		goto bad;
	if (!spec_ok(v) || !spec_known(v)) {
		kerr(ld, s, "result_handler", "%s cannot be resolved: %s", v,
		    spec_ok(v) ? "this daemon runs no Python code" :
		    "not a Python import spec (module:attribute)");
		free(v);
		goto bad;
	}
	b = groups_add(gs, name, CFG_KIND_EVENTLISTENER, prio);
	big_add(&b->g.big, &b->g.nbig, "priority", bp);
	big_add(&b->g.big, &b->g.nbig, "buffer_size", bb);
	bp = bb = NULL;
	b->g.buffer_size = bufsz;
	b->g.result_handler = v;
	if (sget(ld, s, "events", "", &x, &v) == -1)
		return -1;
	ev = split_commas(v, &nev);
	free(v);
	for (i = 0; i < nev; i++) {
		lower(ev[i]);
		for (j = 0; ev[i][j] != '\0'; j++)
			ev[i][j] = (char)toupper((unsigned char)ev[i][j]);
		for (k = 0; k < sizeof(event_types) / sizeof(event_types[0]);
		    k++)
			if (strcmp(event_types[k].name, ev[i]) == 0)
				break;
		if (k == sizeof(event_types) / sizeof(event_types[0])) {
			kerr(ld, s, "events", "unknown event type %s", ev[i]);
			strv_free(ev, nev);
			return -1;
		}
		for (j = 0; j < b->g.nevents; j++)
			if (strcmp(b->g.events[j], event_types[k].cls) == 0)
				break;
		if (j == b->g.nevents) {
			b->g.events = xrealloc(b->g.events, b->g.nevents + 1,
			    sizeof(char *));
			b->g.events[b->g.nevents++] =
			    xstrdup(event_types[k].cls);
		}
	}
	strv_free(ev, nev);
	if (b->g.nevents == 0) {
		kerr(ld, s, "events", "an [eventlistener:x] section requires "
		    "an \"events\" line");
		return -1;
	}
	if (b->g.nevents > 1)
		qsort(b->g.events, b->g.nevents, sizeof(char *), str_cmp);
	return ld_procs(ld, s, name, CFG_KIND_EVENTLISTENER, b);
bad:
	free(bp);
	free(bb);
	return -1;
}

static int
ld_fcgi(struct ld *ld, struct ini_sect *s, struct groups *gs)
{
	struct xctx	 x = { { &ld->envx, NULL }, ld->here, NULL, NULL, NULL,
			    false, 0, 0 };
	struct bgroup	*b;
	char		*name, *v, *e, *path, *bp = NULL, *bm = NULL;
	long long	 n;
	int		 prio, mode = -1, backlog = -1;
	uid_t		 ouid = 0, puid = 0;
	gid_t		 ogid = (gid_t)-1, pgid = 0;
	bool		 owner = false, has_puid = false;

	if ((name = ty_name(strchr(s->name, ':') + 1, &e)) == NULL) {
		kerr(ld, s, NULL, "%s", e);
		free(e);
		return -1;
	}
	if (get_iint(ld, s, "priority", "999", &x, &prio, &bp) == -1)
		goto bad;
	if (sget(ld, s, "user", NULL, &x, &v) == -1)
		goto bad;
	if (v != NULL) {
		if (ty_uid(v, &puid, &pgid, &e) == -1) {
			kerr(ld, s, "user", "%s", e);
			free(e);
			free(v);
			goto bad;
		}
		has_puid = true;
		free(v);
	}
	if (opt_get(ld, s, "socket_backlog") != NULL) {
		if (get_int(ld, s, "socket_backlog", NULL, &x, 1, 65535,
		    &n, NULL) == -1)
			goto bad;
		backlog = (int)n;
	}
	if (sget(ld, s, "socket_owner", NULL, &x, &v) == -1)
		goto bad;
	if (v != NULL) {
		char *c = strchr(v, ':');

		if (c != NULL)
			*c = '\0';
		/* e: set only when the user is what failed. */
		e = NULL;
		if (ty_uid(v, &ouid, &pgid, &e) == -1 ||
		    (c != NULL && ty_gid(c + 1, &ogid) == -1)) {
			if (c != NULL)
				*c = ':';
			kerr(ld, s, "socket_owner", "invalid socket_owner "
			    "value %s (user or user:group)", v);
			free(e);
			free(v);
			goto bad;
		}
		owner = true;
		free(v);
	}
	if (sget(ld, s, "socket_mode", NULL, &x, &v) == -1)
		goto bad;
	if (v != NULL && ty_octal(v, 4, &mode, &bm) == -1) {
		kerr(ld, s, "socket_mode", "invalid socket_mode value %s", v);
		free(v);
		goto bad;
	}
	free(v);
	x.program_name = name;
	if (sget(ld, s, "socket", NULL, &x, &v) == -1)
		goto bad;
	if (v == NULL || *v == '\0') {
		kerr(ld, s, "socket", "an [fcgi-program:x] section requires "
		    "a \"socket\" line");
		free(v);
		goto bad;
	}
	if (has_prefix(v, "unix://")) {
		if (v[7] != '/') {
			kerr(ld, s, "socket", "unix socket path %s is not an "
			    "absolute path", v + 7);
			free(v);
			goto bad;
		}
		path = normpath(v + 7);
		free(v);
		v = xasprintf("unix://%s", path);
		free(path);
		if (!owner && has_puid && puid != getuid()) {
			owner = true;
			ouid = puid;
			ogid = pgid;
		}
		if (mode == -1)
			mode = 0700;
	} else {
		const char *c = NULL, *q;
		char *h;

		if (owner || mode != -1) {
			kerr(ld, s, "socket", "socket_owner and socket_mode "
			    "only apply to a unix domain socket");
			free(v);
			goto bad;
		}
		if (has_prefix(v, "tcp://"))
			c = strrchr(v + 6, ':');
		/* re's \d+: any Unicode decimal digit, then int(). */
		q = c != NULL ? c + 1 : NULL;
		while (q != NULL && *q != '\0') {
			const unsigned char *u = (const unsigned char *)q;
			long cp = u8_next(&u);

			if (cp == -1 || py_ascii(cp) < '0' ||
			    py_ascii(cp) > '9')
				break;
			q = (const char *)u;
		}
		if (c == NULL || c == v + 6 || c[1] == '\0' || *q != '\0' ||
		    strpbrk(v + 6, " \t:") != c ||
		    ty_int(c + 1, &n) == -1 || n < 1 || n > 65535) {
			kerr(ld, s, "socket", "bad socket format %s", v);
			free(v);
			goto bad;
		}
		h = xstrndup(v + 6, (size_t)(c - v - 6));
		lower(h);
		free(v);
		v = xasprintf("tcp://%s:%lld", h, n);
		free(h);
	}
	b = groups_add(gs, name, CFG_KIND_FCGI, prio);
	big_add(&b->g.big, &b->g.nbig, "priority", bp);
	big_add(&b->g.big, &b->g.nbig, "socket_mode", bm);
	bp = bm = NULL;
	b->g.socket = v;
	b->g.socket_mode = mode;
	b->g.socket_backlog = backlog;
	b->g.has_socket_owner = owner;
	b->g.socket_uid = ouid;
	b->g.socket_gid = ogid;
	if (ld_procs(ld, s, name, CFG_KIND_FCGI, b) == -1)
		goto bad;
	free(name);
	return 0;
bad:
	free(bp);
	free(bm);
	free(name);
	return -1;
}

static void
ld_groups(struct ld *ld, struct groups *gs)
{
	struct xctx	 x = { { &ld->envx, NULL }, ld->here, NULL, NULL, NULL,
			    false, 0, 0 };
	struct ini_sect	*s, *ps, *fs, **excl = NULL;
	struct bgroup	*b;
	char		*gname, *v, *e, **progs, *sn, *bp;
	size_t		 i, j, nprogs, nexcl = 0;
	int		 prio;

	for (i = 0; i < ld->ini.n; i++) {
		s = ld->ini.s[i];
		if (!has_prefix(s->name, "group:"))
			continue;
		warn_unknown(ld, s, keys_group, NULL);
		if ((gname = ty_name(s->name + 6, &e)) == NULL) {
			kerr(ld, s, NULL, "%s", e);
			free(e);
			continue;
		}
		if (sget(ld, s, "programs", "", &x, &v) == -1 ||
		    get_iint(ld, s, "priority", "999", &x, &prio, &bp) == -1) {
			free(v);
			free(gname);
			continue;
		}
		progs = split_commas(v, &nprogs);
		free(v);
		b = groups_add(gs, gname, CFG_KIND_GROUP, prio);
		big_add(&b->g.big, &b->g.nbig, "priority", bp);
		for (j = 0; j < nprogs; j++) {
			sn = xasprintf("program:%s", progs[j]);
			ps = ini_find(&ld->ini, sn);
			free(sn);
			sn = xasprintf("fcgi-program:%s", progs[j]);
			fs = ini_find(&ld->ini, sn);
			free(sn);
			if (ps == NULL && fs == NULL) {
				kerr(ld, s, "programs", "names unknown program "
				    "or fcgi-program %s", progs[j]);
				continue;
			}
			if (ps != NULL && fs != NULL) {
				kerr(ld, s, "programs", "name %s is ambiguous "
				    "(exists as program and fcgi-program)",
				    progs[j]);
				continue;
			}
			ps = ps != NULL ? ps : fs;
			excl = xrealloc(excl, nexcl + 1, sizeof(*excl));
			excl[nexcl++] = ps;
			(void)ld_procs(ld, ps, gname, CFG_KIND_GROUP, b);
		}
		strv_free(progs, nprogs);
		free(gname);
	}
	for (i = 0; i < ld->ini.n; i++) {
		s = ld->ini.s[i];
		if (!has_prefix(s->name, "program:"))
			continue;
		warn_unknown(ld, s, keys_program, NULL);
		for (j = 0; j < nexcl && excl[j] != s; j++)
			;
		if (j < nexcl)
			continue;
		if ((gname = ty_name(s->name + 8, &e)) == NULL) {
			kerr(ld, s, NULL, "%s", e);
			free(e);
			continue;
		}
		if (get_iint(ld, s, "priority", "999", &x, &prio, &bp) == 0) {
			b = groups_add(gs, gname, CFG_KIND_PROGRAM, prio);
			big_add(&b->g.big, &b->g.nbig, "priority", bp);
			(void)ld_procs(ld, s, gname, CFG_KIND_PROGRAM, b);
		}
		free(gname);
	}
	for (i = 0; i < ld->ini.n; i++) {
		s = ld->ini.s[i];
		if (!has_prefix(s->name, "eventlistener:"))
			continue;
		warn_unknown(ld, s, keys_program, keys_listener);
		(void)ld_listener(ld, s, gs);
	}
	for (i = 0; i < ld->ini.n; i++) {
		s = ld->ini.s[i];
		if (!has_prefix(s->name, "fcgi-program:"))
			continue;
		warn_unknown(ld, s, keys_program, keys_fcgi);
		for (j = 0; j < nexcl && excl[j] != s; j++)
			;
		if (j < nexcl)
			continue;
		(void)ld_fcgi(ld, s, gs);
	}
	free(excl);
	if (gs->n > 1)
		qsort(gs->g, gs->n, sizeof(*gs->g), bgroup_cmp);
}

/* ---------------------------------------------------------------- */
/* Servers: server_configs_from_parser, and [supervisorctl]. */

static void
ld_auth(struct ld *ld, struct ini_sect *s, bool keep)
{
	const struct ini_opt	*u, *p;

	u = opt_get(ld, s, "username");
	p = opt_get(ld, s, "password");
	if ((u == NULL) != (p == NULL)) {
		kerr(ld, s, u == NULL ? "password" : "username",
		    "incomplete authentication: a username and a password "
		    "go together");
		return;
	}
	if (keep && u != NULL) {
		free(ld->c->http_username);
		free(ld->c->http_password);
		ld->c->http_username = xstrdup(u->val);
		ld->c->http_password = xstrdup(p->val);
	}
}

static void
ld_servers(struct ld *ld)
{
	struct xctx	 x = { { &ld->envx, NULL }, ld->here, NULL, NULL, NULL,
			    false, 0, 0 };
	struct xctx	 xe = x;
	struct ini_sect	*s;
	char		*v, *e, *c, *sv;
	size_t		 i;
	long long	 n;
	uid_t		 uid;
	gid_t		 gid;
	int		 mode;

	xe.here = NULL;
	for (i = 0; i < ld->ini.n; i++) {
		s = ld->ini.s[i];
		if (strcmp(s->name, "inet_http_server") != 0 &&
		    !has_prefix(s->name, "inet_http_server:"))
			continue;
		warn_unknown(ld, s, keys_inet, NULL);
		ld_auth(ld, s, false);
		if (sget(ld, s, "port", NULL, &xe, &v) == -1)
			continue;
		if (v == NULL) {
			kerr(ld, s, NULL, "has no port value");
			continue;
		}
		c = strrchr(v, ':');
		if ((c != NULL && c[1] == '\0') ||
		    ty_int(c != NULL ? c + 1 : v, &n) == -1 || n < 1 ||
		    n > 65535)
			kerr(ld, s, "port", "invalid port '%s' (a number 1 to "
			    "65535, optionally after host:)", v);
		free(v);
	}
	for (i = 0; i < ld->ini.n; i++) {
		s = ld->ini.s[i];
		if (strcmp(s->name, "unix_http_server") != 0 &&
		    !has_prefix(s->name, "unix_http_server:"))
			continue;
		warn_unknown(ld, s, keys_unix, NULL);
		if (sget(ld, s, "file", NULL, &x, &v) == -1)
			continue;
		if (v == NULL) {
			kerr(ld, s, NULL, "has no file value");
			continue;
		}
		sv = strip_dup(v, strlen(v));
		free(v);
		v = expanduser(sv);
		free(sv);
		sv = abspath(v);
		free(v);
		ld_auth(ld, s, ld->c->unix_socket == NULL);
		if (ld->c->unix_socket == NULL)
			ld->c->unix_socket = sv;
		else
			free(sv);
		if (sget(ld, s, "chown", NULL, &xe, &v) == -1)
			continue;
		if (v != NULL) {
			c = strchr(v, ':');
			if (c != NULL)
				*c = '\0';
			/* e: set only when the user is what failed. */
			e = NULL;
			if (ty_uid(v, &uid, &gid, &e) == -1 ||
			    (c != NULL && ty_gid(c + 1, &gid) == -1)) {
				if (c != NULL)
					*c = ':';
				kerr(ld, s, "chown", "invalid sockchown value "
				    "%s (user or user:group)", v);
				free(e);
				free(v);
				continue;
			}
			if (c != NULL)
				*c = ':';
			if (ld->c->unix_socket_owner == NULL)
				ld->c->unix_socket_owner = xstrdup(v);
			free(v);
		}
		if (sget(ld, s, "chmod", NULL, &xe, &v) == -1)
			continue;
		if (v != NULL) {
			/* Beyond an int: its low bits, as umask=. */
			if (ty_octal(v, 4, &mode, &e) == -1)
				kerr(ld, s, "chmod", "invalid chmod value %s",
				    v);
			else
				ld->c->unix_socket_mode = mode;
			free(e);
			free(v);
		}
	}
	if ((s = ini_find(&ld->ini, "supervisorctl")) != NULL) {
		warn_unknown(ld, s, keys_ctl, NULL);
		ld->c->ctl_serverurl = xstrdup(opt_get(ld, s, "serverurl") ?
		    opt_get(ld, s, "serverurl")->val : NULL);
	}
}

static void
ld_rpc(struct ld *ld)
{
	struct xctx	 x = { { &ld->envx, NULL }, NULL, NULL, NULL, NULL,
			    false, 0, 0 };
	struct ini_sect	*s;
	const char	*fk = "supervisor.rpcinterface_factory";
	char		*v;
	size_t		 i, k;

	for (i = 0; i < ld->ini.n; i++) {
		s = ld->ini.s[i];
		if (!has_prefix(s->name, "rpcinterface:"))
			continue;
		if (sget(ld, s, fk, NULL, &x, &v) == -1)
			continue;
		if (v == NULL) {
			kerr(ld, s, NULL, "does not specify a %s", fk);
			continue;
		}
		if (!spec_ok(v) || !spec_known(v)) {
			kerr(ld, s, fk, "%s cannot be resolved: %s", v,
			    spec_ok(v) ? "this daemon runs no Python code" :
			    "not a Python import spec (module:attribute)");
			free(v);
			continue;
		}
		free(v);
		/* The other keys are the factory's arguments. */
		for (k = 0; k < s->n; k++) {
			if (strcmp(s->o[k].key, fk) == 0)
				continue;
			if (sget(ld, s, s->o[k].key, NULL, &x, &v) == 0)
				free(v);
		}
	}
}

/* Sections this daemon parses and checks but does not act on: once. */
static void
ld_ignored(struct ld *ld)
{
	static const char *const pfx[] = { "inet_http_server",
	    "eventlistener:", "fcgi-program:", "rpcinterface:",
	    "supervisorctl", "ctlplugin:", NULL };
	struct ini_sect	*s;
	size_t		 i, k;
	bool		 known;

	for (i = 0; i < ld->ini.n; i++) {
		s = ld->ini.s[i];
		for (k = 0; pfx[k] != NULL; k++)
			if (has_prefix(s->name, pfx[k]))
				break;
		if (pfx[k] != NULL) {
			/* cfg_drop_unrun() leaves their processes out. */
			if (has_prefix(s->name, "eventlistener:"))
				ld_warn(ld, s->file, s->line, s->name, NULL,
				    "checked, but not run: this daemon sends "
				    "no events");
			else if (has_prefix(s->name, "fcgi-program:"))
				ld_warn(ld, s->file, s->line, s->name, NULL,
				    "checked, but not run: this daemon opens "
				    "no FastCGI socket");
			else
				ld_warn(ld, s->file, s->line, s->name, NULL,
				    "checked, but this daemon does not act on "
				    "this section");
			continue;
		}
		known = strcmp(s->name, "supervisord") == 0 ||
		    strcmp(s->name, "include") == 0 ||
		    strcmp(s->name, "unix_http_server") == 0 ||
		    has_prefix(s->name, "unix_http_server:") ||
		    has_prefix(s->name, "program:") ||
		    has_prefix(s->name, "group:");
		if (!known)
			ld_warn(ld, s->file, s->line, s->name, NULL,
			    "unknown section, ignored (supervisor ignores it "
			    "too)");
	}
}

/* v with every %(here)s replaced by here, once. */
static char *
here_sub(const char *v, const char *here)
{
	struct sbuf	 b = { 0 };
	const char	*p, *q;

	for (p = v; (q = strstr(p, "%(here)s")) != NULL; p = q + 8) {
		sb_addn(&b, p, (size_t)(q - p));
		sb_add(&b, here);
	}
	sb_add(&b, p);
	return sb_take(&b);
}

/*
 * expand_here: supervisor replaces %(here)s text in every value of every
 * section, [DEFAULT]'s included as seen through each section: a section
 * without the key gets its own expanded copy, and [DEFAULT] keeps the
 * text, for the sections of the files read later.  Only the values
 * marked by ini_mark_here can hold it; one stays marked if here itself
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
			free(s->o[k].val);
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
			sect_set(s, d->o[k].key, here_sub(d->o[k].val, here),
			    d->o[k].file, d->o[k].line);
			o = sect_opt(s, d->o[k].key);
			o->dflt = true;
			ini_mark_here(&ld->ini, s, o);
		}
	}
}

static int
ld_include(struct ld *ld, const char *path)
{
	struct xctx	 x = { { &ld->envx, NULL }, ld->here, NULL, NULL,
			    ld->host, false, 0, 0 };
	struct ini_sect	*inc;
	const struct ini_opt *o;
	char		*files, *e, *base, *a, *pat, *tok, *save;
	char		**names;
	glob_t		 gl;
	size_t		 i;
	int		 rc;

	if ((inc = ini_find(&ld->ini, "include")) == NULL)
		return 0;
	ld_expand_here(ld, ld->here);
	if ((o = sect_opt(inc, "files")) == NULL) {
		kerr(ld, inc, NULL, "has no files= setting");
		return -1;
	}
	if ((files = x_expand(&x, o->val, &e)) == NULL) {
		kerr(ld, inc, "files", "format string '%s' %s", o->val, e);
		free(e);
		return -1;
	}
	a = abspath(path);
	base = dirname_dup(a);
	free(a);
	for (tok = strtok_r(files, " \t\r\n\v\f", &save); tok != NULL;
	    tok = strtok_r(NULL, " \t\r\n\v\f", &save)) {
		if (tok[0] == '/')
			pat = xstrdup(tok);
		else if (*base == '\0' || base[strlen(base) - 1] == '/')
			pat = xasprintf("%s%s", base, tok);
		else
			pat = xasprintf("%s/%s", base, tok);
		memset(&gl, 0, sizeof(gl));
		rc = glob(pat, GLOB_NOSORT | GLOB_NOESCAPE, NULL, &gl);
		if (rc != 0 || gl.gl_pathc == 0) {
			ld_warn(ld, inc->file, o->line, "include", "files",
			    "no file matches via include \"%s\"", pat);
			globfree(&gl);
			free(pat);
			continue;
		}
		names = gl.gl_pathv;
		qsort(names, gl.gl_pathc, sizeof(char *), str_cmp);
		for (i = 0; i < gl.gl_pathc; i++) {
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
			a = abspath(names[i]);
			e = dirname_dup(a);
			ld_expand_here(ld, e);
			free(e);
			free(a);
		}
		globfree(&gl);
		free(pat);
	}
	free(files);
	free(base);
	return 0;
}

/* ---------------------------------------------------------------- */
/* The public functions. */

void
cfg_set_hostname(const char *name)
{
	free(cfg_hostname);
	cfg_hostname = name != NULL ? xstrdup(name) : NULL;
}

static void
cfg_contents_free(struct cfg *c)
{
	size_t	i;

	for (i = 0; i < c->nprograms; i++)
		cfg_program_free(c->programs[i]);
	free(c->programs);
	for (i = 0; i < c->ngroups; i++)
		group_fields_free(&c->groups[i]);
	free(c->groups);
	free(c->sd.logfile);
	free(c->sd.pidfile);
	free(c->sd.directory);
	free(c->sd.user);
	free(c->sd.identifier);
	free(c->sd.childlogdir);
	for (i = 0; i < c->sd.nenv; i++) {
		free(c->sd.env_keys[i]);
		free(c->sd.env_vals[i]);
	}
	free(c->sd.env_keys);
	free(c->sd.env_vals);
	free(c->unix_socket);
	free(c->unix_socket_owner);
	free(c->http_username);
	free(c->http_password);
	free(c->ctl_serverurl);
	cfg_msgs_free(&c->warnings);
	free(c->path);
	free(c->here);
}

void
cfg_drop_unrun(struct cfg *c)
{
	size_t	 i, j, ng = 0, np = 0;

	for (i = 0; i < c->ngroups; i++) {
		struct cfg_group *g = &c->groups[i];

		if (g->kind == CFG_KIND_EVENTLISTENER ||
		    g->kind == CFG_KIND_FCGI) {
			for (j = g->first; j < g->first + g->n; j++) {
				cfg_program_free(c->programs[j]);
				c->programs[j] = NULL;
			}
			group_fields_free(g);
			continue;
		}
		/* Groups hold their processes in a run: move both down. */
		for (j = 0; j < g->n; j++)
			c->programs[np + j] = c->programs[g->first + j];
		c->groups[ng] = *g;
		c->groups[ng].first = np;
		np += g->n;
		ng++;
	}
	c->ngroups = ng;
	c->nprograms = np;
}

void
cfg_free(struct cfg *c)
{
	if (c == NULL)
		return;
	cfg_contents_free(c);
	free(c);
}

struct cfg *
cfg_load(const char *path, struct cfg_msgs *errors)
{
	struct ld	 ld;
	struct cfg	*c;
	struct groups	 gs = { 0 };
	struct utsname	 un;
	struct ini_sect	*sd;
	char		*a, *n, **ep;
	const char	*eq;
	size_t		 i, k;

	memset(&ld, 0, sizeof(ld));
	dircache_clear();
	dircache_on = true;
	c = xcalloc(1, sizeof(*c));
	ld.c = c;
	ld.errs = errors;
	c->path = xstrdup(path);
	a = abspath(path);
	c->here = dirname_dup(a);
	free(a);
	ld.here = c->here;
	c->unix_socket_mode = 0700;
	if (cfg_hostname != NULL)
		ld.host = cfg_hostname;
	else if (uname(&un) == 0)
		ld.host = ld.hostbuf = xstrdup(un.nodename);
	for (ep = environ; ep != NULL && *ep != NULL; ep++)
		if ((eq = strchr(*ep, '=')) != NULL) {
			n = xasprintf("ENV_%.*s", (int)(eq - *ep), *ep);
			kvl_set(&ld.envx, n, eq + 1);
			free(n);
		}
	sd_defaults(&c->sd);

	if (rd_file(&ld, path, false) == -1) {
		if (errno == EISDIR)
			ld_err(&ld, path, 0, NULL, NULL, "is a directory, not "
			    "a configuration file");
		else
			ld_err(&ld, path, 0, NULL, NULL, "could not read "
			    "config file: %s", strerror(errno));
		goto done;
	}
	if (ld.nerr > 0)
		goto done;
	if (ld_include(&ld, path) == -1 || ld.nerr > 0)
		goto done;
	if ((sd = ini_find(&ld.ini, "supervisord")) == NULL) {
		ld_err(&ld, path, 1, NULL, NULL, "no [supervisord] section: "
		    "this is not a main configuration file (an included "
		    "file? then name the main one with -c)");
		goto done;
	}
	if ((sd = ini_find(&ld.ini, "include")) != NULL)
		warn_unknown(&ld, sd, keys_include, NULL);
	ld_supervisord(&ld, ini_find(&ld.ini, "supervisord"));
	ld_rpc(&ld);
	ld_groups(&ld, &gs);
	ld_servers(&ld);
	ld_ignored(&ld);

	/* Flatten the groups into start order. */
	for (i = 0; i < gs.n; i++)
		c->nprograms += gs.g[i].n;
	c->programs = xcalloc(c->nprograms, sizeof(*c->programs));
	c->groups = xcalloc(gs.n, sizeof(*c->groups));
	c->nprograms = 0;
	for (i = 0; i < gs.n; i++) {
		c->groups[i] = gs.g[i].g;
		c->groups[i].first = c->nprograms;
		c->groups[i].n = gs.g[i].n;
		for (k = 0; k < gs.g[i].n; k++)
			c->programs[c->nprograms++] = gs.g[i].p[k];
		free(gs.g[i].p);
	}
	c->ngroups = gs.n;
	free(gs.g);
	gs.g = NULL;
	gs.n = 0;
done:
	for (i = 0; i < gs.n; i++) {
		for (k = 0; k < gs.g[i].n; k++)
			cfg_program_free(gs.g[i].p[k]);
		free(gs.g[i].p);
		group_fields_free(&gs.g[i].g);
	}
	free(gs.g);
	dircache_on = false;
	dircache_clear();
	free(ld.hostbuf);
	free(ld.rbuf);
	kvl_free(&ld.envx);
	ini_free(&ld.ini);
	c->warnings = ld.warns;
	if (ld.nerr > 0) {
		cfg_free(c);
		return NULL;
	}
	return c;
}

int
cfg_set_option(struct cfg *c, const char *key, const char *value,
    char *err, size_t errlen)
{
	char	*e;

	if (sd_apply(&c->sd, key, value, &e) == -1) {
		snprintf(err, errlen, "%s: %s", key, e);
		free(e);
		return -1;
	}
	return 0;
}

int
cfg_find_default(char *buf, size_t len)
{
	char		 exe[PATH_MAX], *d1, *d2, *paths[6];
	struct sbuf	 tried = { 0 };
	ssize_t		 n;
	size_t		 i;
	int		 rc = -1;

	/* options.py: ../etc/supervisord.conf, ../supervisord.conf of the
	   executable's directory, then the current directory, then /etc. */
	if ((n = readlink("/proc/self/exe", exe, sizeof(exe) - 1)) == -1)
		n = 0;
	exe[n] = '\0';
	d1 = dirname_dup(exe);
	d2 = dirname_dup(d1);
	paths[0] = xasprintf("%s%setc/supervisord.conf", d2,
	    *d2 == '\0' || strcmp(d2, "/") == 0 ? "" : "/");
	paths[1] = xasprintf("%s%ssupervisord.conf", d2,
	    *d2 == '\0' || strcmp(d2, "/") == 0 ? "" : "/");
	paths[2] = xstrdup("supervisord.conf");
	paths[3] = xstrdup("etc/supervisord.conf");
	paths[4] = xstrdup("/etc/supervisord.conf");
	paths[5] = xstrdup("/etc/supervisor/supervisord.conf");
	for (i = 0; i < 6; i++) {
		if (rc == -1 && access(paths[i], F_OK) == 0) {
			snprintf(buf, len, "%s", paths[i]);
			rc = 0;
		}
		if (i > 0)
			sb_add(&tried, ", ");
		sb_add(&tried, paths[i]);
	}
	if (rc == -1)
		snprintf(buf, len, "%s", tried.s);
	for (i = 0; i < 6; i++)
		free(paths[i]);
	free(tried.s);
	free(d1);
	free(d2);
	return rc;
}

static bool
str_eq(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		return a == b;
	return strcmp(a, b) == 0;
}

static bool
log_eq(const struct cfg_log *a, const struct cfg_log *b)
{
	return a->kind == b->kind && str_eq(a->path, b->path) &&
	    a->maxbytes == b->maxbytes && a->backups == b->backups &&
	    a->capture_maxbytes == b->capture_maxbytes &&
	    a->events_enabled == b->events_enabled && a->syslog == b->syslog;
}

enum cfg_diff
cfg_program_diff(const struct cfg_program *a, const struct cfg_program *b)
{
	size_t	i;

	if (!str_eq(a->command, b->command) ||
	    !str_eq(a->directory, b->directory) ||
	    !str_eq(a->user, b->user) || a->has_uid != b->has_uid ||
	    a->uid != b->uid || a->gid != b->gid || a->umask != b->umask ||
	    a->redirect_stderr != b->redirect_stderr ||
	    !log_eq(&a->out, &b->out) || !log_eq(&a->err, &b->err) ||
	    !str_eq(a->serverurl, b->serverurl) || a->nenv != b->nenv ||
	    a->kind != b->kind)
		return CFG_SPAWN;
	for (i = 0; i < a->nenv; i++)
		if (!str_eq(a->env_keys[i], b->env_keys[i]) ||
		    !str_eq(a->env_vals[i], b->env_vals[i]))
			return CFG_SPAWN;
	if (!str_eq(a->group, b->group) || !str_eq(a->section, b->section) ||
	    a->numprocs != b->numprocs || a->process_num != b->process_num ||
	    a->priority != b->priority || a->autostart != b->autostart ||
	    a->autorestart != b->autorestart ||
	    a->startsecs != b->startsecs ||
	    a->startretries != b->startretries ||
	    a->nexitcodes != b->nexitcodes ||
	    memcmp(a->exitcodes, b->exitcodes,
	    a->nexitcodes * sizeof(int)) != 0 ||
	    a->stopsignal != b->stopsignal ||
	    a->stopwaitsecs != b->stopwaitsecs ||
	    a->stopasgroup != b->stopasgroup ||
	    a->killasgroup != b->killasgroup)
		return CFG_POLICY;
	return CFG_SAME;
}
