/*
 * config_ini: the section store (what ConfigParser keeps), the loader's messages,
 * and the reader that fills the store from one file through inih.
 */
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/utsname.h>

#include <ctype.h>
#include <errno.h>
#include <glob.h>
#include <grp.h>
#include <limits.h>
#include <pwd.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <ini.h>

#include "supervisord/config.h"
#include "supervisord/config_util.h"
#include "supervisord/config_ini.h"

/* The section store: what ConfigParser keeps. */

static size_t
store_hash(const char *name)
{
	size_t	h = 2166136261u;

	for (; *name != '\0'; name++)
		h = (h ^ (unsigned char)*name) * 16777619u;
	return h;
}

struct ini_sect *
store_find(const struct ini *ini, const char *name)
{
	size_t	i;

	if (ini->hcap == 0)
		return NULL;
	for (i = store_hash(name) & (ini->hcap - 1); ini->hash[i] != NULL;
	    i = (i + 1) & (ini->hcap - 1))
		if (strcmp(ini->hash[i]->name, name) == 0)
			return ini->hash[i];
	return NULL;
}

/* Append s, whose name is not yet in ini. */
static void
store_add(struct ini *ini, struct ini_sect *s)
{
	size_t	i, k;

	ini->s = xrealloc(ini->s, ini->n + 1, sizeof(*ini->s));
	ini->s[ini->n++] = s;
	if (ini->n * 2 > ini->hcap) {
		free(ini->hash);
		ini->hcap = ini->hcap == 0 ? 64 : ini->hcap * 2;
		ini->hash = xcalloc(ini->hcap, sizeof(*ini->hash));
		for (k = 0; k < ini->n; k++) {
			for (i = store_hash(ini->s[k]->name) & (ini->hcap - 1);
			    ini->hash[i] != NULL; i = (i + 1) & (ini->hcap - 1))
				;
			ini->hash[i] = ini->s[k];
		}
		return;
	}
	for (i = store_hash(s->name) & (ini->hcap - 1); ini->hash[i] != NULL;
	    i = (i + 1) & (ini->hcap - 1))
		;
	ini->hash[i] = s;
}

/* Note that o, an option of s just set or extended, may hold %(here)s. */
void
store_mark_here(struct ini *ini, struct ini_sect *s, struct ini_opt *o)
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

struct ini_opt *
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

void
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

void
store_free(struct ini *ini)
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

/* Loader state and messages. */

void
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

void
ld_err(struct ld *ld, const char *file, int line, const char *sect,
    const char *key, const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	ld_msg(ld->errs, file, line, sect, key, fmt, ap);
	va_end(ap);
	ld->nerr++;
}

void
ld_warn(struct ld *ld, const char *file, int line, const char *sect,
    const char *key, const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	ld_msg(&ld->warns, file, line, sect, key, fmt, ap);
	va_end(ap);
}

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
			} else if ((r->sect = store_find(&r->ld->ini, hdr)) ==
			    NULL) {
				r->sect = sect_new(hdr, r->file, r->lineno,
				    r->included);
				store_add(&r->ld->ini, r->sect);
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
		store_mark_here(&r->ld->ini, r->sect, sect_opt(r->sect, r->key));
	} else if (r->it == RD_CONT &&
	    (o = sect_opt(r->sect, r->key)) != NULL) {
		j = xasprintf("%s\n%s", o->val, r->val);
		free(o->val);
		o->val = j;
		store_mark_here(&r->ld->ini, r->sect, o);
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
int
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
