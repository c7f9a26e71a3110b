/*
 * config_store: the section store (what ConfigParser keeps: sections,
 * their options, the option names read, each once) and the loader's
 * messages.  config_ini's reader fills the store; the rest of the
 * configuration reader reads it.
 */
#include <sys/types.h>

#include <ctype.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "supervisord/config_defs.h"
#include "supervisord/config_util.h"
#include "supervisord/config_store.h"
#include "supervisord/strhash.h"

/* The section store: what ConfigParser keeps. */

static size_t
store_hash(const char *name)
{
	return sh_str(name);
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
void
store_add(struct ini *ini, struct ini_sect *s)
{
	size_t	i, k;

	ini->s = cu_realloc(ini->s, ini->n + 1, sizeof(*ini->s));
	ini->s[ini->n++] = s;
	if (ini->n * 2 > ini->hcap) {
		cu_free(ini->hash);
		ini->hcap = ini->hcap == 0 ? 64 : ini->hcap * 2;
		ini->hash = cu_calloc(ini->hcap, sizeof(*ini->hash));
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
	/* Most values have no '%' at all. */
	if (strchr(o->val, '%') == NULL || strstr(o->val, "%(here)s") == NULL)
		return;
	o->here = true;
	if (!s->pend) {
		s->pend = true;
		/* Room for 8, then doubled at each power of 2. */
		if (ini->npend == 0 || (ini->npend >= 8 &&
		    (ini->npend & (ini->npend - 1)) == 0))
			ini->pend = cu_realloc(ini->pend, ini->npend == 0 ? 8 :
			    ini->npend * 2, sizeof(*ini->pend));
		ini->pend[ini->npend++] = s;
	}
}

struct ini_sect *
sect_new(const char *name, const char *file, int line, bool included)
{
	struct ini_sect	*s;

	s = cu_calloc(1, sizeof(*s));
	s->name = cu_strdup(name);
	s->kind = cu_has_prefix(name, "program:") ? INI_PROGRAM :
	    cu_has_prefix(name, "group:") ? INI_GROUP :
	    cu_has_prefix(name, "eventlistener:") ? INI_LISTENER :
	    cu_has_prefix(name, "fcgi-program:") ? INI_FCGI : INI_OTHER;
	s->file = file;		/* one of ini.files */
	s->line = line;
	s->included = included;
	return s;
}

struct ini_opt *
sect_opt(const struct ini_sect *s, const char *key)
{
	size_t	i, n;

	if (s == NULL)
		return NULL;
	/* The length first: this runs for every key of every program. */
	if ((n = strlen(key)) >= INI_KLEN_MAX) {
		for (i = 0; i < s->n; i++)
			if (s->o[i].klen == INI_KLEN_MAX &&
			    strcmp(s->o[i].key, key) == 0)
				return &s->o[i];
		return NULL;
	}
	for (i = 0; i < s->n; i++)
		if (s->o[i].klen == n && s->o[i].key[0] == key[0] &&
		    memcmp(s->o[i].key, key, n) == 0)
			return &s->o[i];
	return NULL;
}

/* Set o's value to val (taken), read at file:line. */
static void
opt_assign(struct ini_opt *o, char *val, const char *file, int line)
{
	cu_free(o->val);
	o->val = val;		/* moved: the option owns it now */
	o->dflt = false;
	o->file = file;
	o->line = line;
}

/*
 * A new option key (n bytes) of s, without a value yet.  The array grows
 * by one: the arena keeps what it leaves for the next section's, so each
 * of thousands of sections holds just as many as it has (five keys: 160
 * bytes, where growing by four left room for eight).
 */
static struct ini_opt *
sect_add(struct ini_sect *s, char *key, size_t n)
{
	struct ini_opt	*o;

	s->o = cu_realloc(s->o, s->n + 1, sizeof(*s->o));
	o = &s->o[s->n++];
	o->key = key;
	o->klen = n < INI_KLEN_MAX ? (uint16_t)n : INI_KLEN_MAX;
	o->val = NULL;
	o->here = false;
	return o;
}

/*
 * The option name of n bytes at s, lowered as optionxform does ("[" before
 * it if bracket), as the store keeps it: each name once, for all the
 * sections that have it (most of thousands of program sections have the
 * same few), made without a copy when it is kept already.
 */
/* The name kept equal to t, or NULL. */
static char *
key_find(const struct ini *ini, const char *t)
{
	size_t	i;

	if (ini->kcap == 0)
		return NULL;
	for (i = store_hash(t) & (ini->kcap - 1); ini->keys[i] != NULL;
	    i = (i + 1) & (ini->kcap - 1))
		if (strcmp(ini->keys[i], t) == 0)
			return ini->keys[i];
	return NULL;
}

/* Keep k (taken), a name not kept yet. */
static void
key_add(struct ini *ini, char *k)
{
	char	**nk;
	size_t	  i, j, cap;

	if ((ini->nkeys + 1) * 2 > ini->kcap) {
		cap = ini->kcap == 0 ? 32 : ini->kcap * 2;
		nk = cu_calloc(cap, sizeof(*nk));
		for (j = 0; j < ini->kcap; j++) {
			if (ini->keys[j] == NULL)
				continue;
			for (i = store_hash(ini->keys[j]) & (cap - 1);
			    nk[i] != NULL; i = (i + 1) & (cap - 1))
				;
			nk[i] = ini->keys[j];
		}
		cu_free(ini->keys);
		ini->keys = nk;
		ini->kcap = cap;
	}
	for (i = store_hash(k) & (ini->kcap - 1); ini->keys[i] != NULL;
	    i = (i + 1) & (ini->kcap - 1))
		;
	ini->keys[i] = k;
	ini->nkeys++;
}

/* s's n bytes lowered into d, "[" before them if bracket. */
static void
key_lower(char *d, const char *s, size_t n, bool bracket)
{
	size_t	i;

	if (bracket)
		*d++ = '[';
	for (i = 0; i < n; i++)
		d[i] = (char)tolower((unsigned char)s[i]);
	d[n] = '\0';
}

char *
key_intern(struct ini *ini, const char *s, size_t n, bool bracket)
{
	char	 buf[128], *k, *f;
	size_t	 len = n + bracket;

	/* Made on the stack when it fits, copied only when new. */
	if (len < sizeof(buf)) {
		key_lower(buf, s, n, bracket);
		if ((f = key_find(ini, buf)) != NULL)
			return f;
		k = cu_strndup(buf, len);
	} else {
		k = cu_calloc(len + 1, 1);
		key_lower(k, s, n, bracket);
		if ((f = key_find(ini, k)) != NULL) {
			cu_free(k);
			return f;
		}
	}
	key_add(ini, k);
	return k;
}

struct ini_opt *
sect_set(struct ini_sect *s, char *key, char *val, const char *file,
    int line)
{
	struct ini_opt	*o;

	if ((o = sect_opt(s, key)) == NULL)
		o = sect_add(s, key, strlen(key));
	opt_assign(o, val, file, line);
	return o;
}

/*
 * sect_set with a key of the reader's, interned (key_intern): s's keys
 * are all interned, so that the same key is the same pointer.
 */
struct ini_opt *
sect_set_key(struct ini_sect *s, char *key, char *val, const char *file,
    int line)
{
	struct ini_opt	*o = NULL;
	size_t		 i;

	for (i = 0; i < s->n && o == NULL; i++)
		if (s->o[i].key == key)
			o = &s->o[i];
	if (o == NULL)
		o = sect_add(s, key, strlen(key));
	opt_assign(o, val, file, line);
	return o;
}

/* Loader state and messages. */

/*
 * Append "FILE:LINE: [SECTION] KEY: message" to m: to the caller's errors
 * a heap copy, which outlives the load's arena; to another list (the
 * warnings) the arena's.
 */
void
ld_msg(struct ld *ld, struct cfg_msgs *m, const char *file, int line,
    const char *sect, const char *key, const char *fmt, va_list ap)
{
	char	*msg, *s;

	msg = cu_vasprintf(fmt, ap);
	/* Line 0: about the whole file (unreadable, a directory). */
	if (line == 0 && sect == NULL)
		s = cu_asprintf("%s: %s", file, msg);
	else if (sect != NULL && key != NULL)
		s = cu_asprintf("%s:%d: [%s] %s: %s", file, line, sect, key,
		    msg);
	else if (sect != NULL)
		s = cu_asprintf("%s:%d: [%s] %s", file, line, sect, msg);
	else
		s = cu_asprintf("%s:%d: %s", file, line, msg);
	cu_free(msg);
	if (m != ld->caller)
		cu_msgs_add(m, s);
	else {
		cu_msgs_add_heap(m, s);
		cu_free(s);
	}
}

void
ld_err(struct ld *ld, const char *file, int line, const char *sect,
    const char *key, const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	ld_msg(ld, ld->errs, file, line, sect, key, fmt, ap);
	va_end(ap);
	ld->nerr++;
}

void
ld_warn(struct ld *ld, const char *file, int line, const char *sect,
    const char *key, const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	ld_msg(ld, &ld->warns, file, line, sect, key, fmt, ap);
	va_end(ap);
}

/*
 * The reader.  inih reads each file: ini_parse_stream splits sections,
 * names, values, inline comments and continuation lines, and rd_handler
 * stores what it hands over.  Where ConfigParser's grammar differs from
 * inih's, rd_reader, which feeds inih one physical line at a time
 * (Python's universal newlines), records what the handler needs and
 * shapes the line so that inih decides as ConfigParser does:
 * - the line number (Debian's inih has no INI_HANDLER_LINENO);
 * - indentation: ConfigParser continues a value only on a line indented
 *   deeper than its key, inih on any indented line; the reader removes
 *   the indentation and gives one space back to a continuation line;
 * - blank lines inside a value, which ConfigParser keeps and inih drops;
 * - a section header: ended by its last ']' (inih: the first), whole
 *   (inih cuts names at 49 bytes), "[x=1" an option line; the reader
 *   opens the section itself, as inih calls no handler for a header;
 * - a comment after \x1c..\x1f, blanks to Python and not to inih;
 * - a line inih refused (no '=' or ':'): the handler did not run for it.
 */

/* Drop the messages of m from its n0th on (a caller's are the heap's). */
void
ld_msgs_cut(struct ld *ld, struct cfg_msgs *m, size_t n0)
{
	while (m->n > n0) {
		if (m == ld->caller)
			free(m->v[--m->n]);
		else
			cu_free(m->v[--m->n]);
	}
}
