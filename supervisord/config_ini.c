/*
 * config_ini: the reader that fills the section store (config_store) from
 * one file through inih.
 */
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/utsname.h>

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
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

#include "supervisord/config_defs.h"
#include "supervisord/config_util.h"
#include "supervisord/config_store.h"
#include "supervisord/config_ini.h"

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
			/* ASCII eight bytes at a time: most files are. */
			while (i + 8 <= n) {
				uint64_t	w;

				memcpy(&w, s + i, 8);
				if ((w & 0x8080808080808080ULL) != 0)
					break;
				i += 8;
			}
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

enum rd_kind { RD_SKIP, RD_HEADER, RD_CONT, RD_OPTLINE };

struct rd {
	struct ld	*ld;
	const char	*file;		/* as opened */
	bool		 included;
	/*
	 * The file is read a piece at a time into buf (ld->rbuf): len bytes
	 * from the file's offset off, the lines before pos taken, the first
	 * checked of them found UTF-8 without a NUL (what a line is taken
	 * from).  fd -1: all of it is in buf, checked.
	 */
	int		 fd;
	char		*buf;
	size_t		 len, pos, checked, off;
	bool		 bad;		/* a check failed: read it whole */
	bool		 rerr;		/* a read failed */
	int		 lineno;	/* of the line inih is reading */
	struct ini_sect	*sect;		/* ConfigParser's cursect */
	bool		 optname;	/* an option may be continued */
	size_t		 indent;	/* indent_level */
	int		 blanks;	/* empty lines since, inside a value */
	bool		 stop;		/* MissingSectionHeaderError */
	const char	*key;		/* the option's, while it lasts */
	enum rd_kind	 kind;		/* of the line inih is reading */
	bool		 handled;	/* the handler ran for it */
	bool		 bracket;	/* "[x=1": inih gets "x=1" */
	const char	*out;		/* what inih gets of the line, */
	size_t		 outlen, outpos; /* and how much it has taken */
	bool		 space;		/* a continuation: " " first */
	bool		 oom;		/* out of memory inside inih */
#if !HAVE_INIH_VARS
	bool		 whole;		/* too long for inih: a stand-in */
#endif
};

/*
 * Where ConfigParser's inline comment starts in line, or n: the first ';'
 * or '#' at the start or after a blank.  memchr finds the candidates:
 * most lines have none, and a byte at a time was a tenth of reading.
 */
static size_t
rd_cut(const char *line, size_t n)
{
	const char	*sc, *hs, *c;
	size_t		 from = 0, i;

	sc = memchr(line, ';', n);
	hs = memchr(line, '#', n);
	while (sc != NULL || hs != NULL) {
		c = sc == NULL ? hs : hs == NULL ? sc : sc < hs ? sc : hs;
		i = (size_t)(c - line);
		if (i == 0 || cu_isspace((unsigned char)line[i - 1]))
			return i;
		from = i + 1;
		if (c == sc)
			sc = memchr(line + from, ';', n - from);
		else
			hs = memchr(line + from, '#', n - from);
	}
	return n;
}

/* What was before line n: a line that inih refused is a parse error. */
static void
rd_done(struct rd *r)
{
	char	*v;

	if (r->kind != RD_OPTLINE || r->handled)
		return;
	v = cu_strip(r->out, rd_cut(r->out, r->outlen));
	ld_err(r->ld, r->file, r->lineno, r->sect->name, NULL,
	    "parse error: no '=' or ':' in '%s%s'", r->bracket ? "[" : "", v);
	cu_free(v);
	r->optname = false;
}

static void
rd_section(struct rd *r, const char *hdr)
{
	struct ini *ini = &r->ld->ini;

	if (r->included && strcmp(hdr, "include") == 0)
		ld_warn(r->ld, r->file, r->lineno, hdr, NULL, "an [include] "
		    "in an included file is ignored, as supervisor does");
	if (strcmp(hdr, "DEFAULT") == 0) {
		if (ini->defaults == NULL)
			ini->defaults = sect_new(hdr, r->file, r->lineno,
			    r->included);
		r->sect = ini->defaults;
	} else if ((r->sect = store_find(ini, hdr)) == NULL) {
		r->sect = sect_new(hdr, r->file, r->lineno, r->included);
		store_add(ini, r->sect);
	}
	r->optname = false;
}

#ifndef RD_PIECE		/* tests build with a small one */
#define RD_PIECE	65536	/* read at a time */
#endif

/*
 * Where the bytes of buf checked so far may end: before a UTF-8 sequence
 * that the next read completes.
 */
static size_t
rd_complete(const unsigned char *b, size_t from, size_t len)
{
	size_t	i, need;

	for (i = len; i > from && len - i < 4; i--) {
		if ((b[i - 1] & 0xc0) == 0x80)
			continue;		/* a continuation byte */
		need = b[i - 1] >= 0xf0 ? 4 : b[i - 1] >= 0xe0 ? 3 :
		    b[i - 1] >= 0xc0 ? 2 : 1;
		return len - (i - 1) < need ? i - 1 : len;
	}
	return len;
}

/*
 * Read more of the file into buf, dropping the lines taken, and check
 * what came as rd_whole checks a whole file (a byte order mark, a byte
 * that is not UTF-8, a NUL): those the whole file's check then reports.
 * False at the end of the file, or when a check or the read failed.
 */
static bool
rd_more(struct rd *r)
{
	struct ld	*ld = r->ld;
	ssize_t		 n;
	size_t		 end;

	if (r->fd == -1)
		return false;
	if (r->pos > 0) {
		memmove(r->buf, r->buf + r->pos, r->len - r->pos);
		r->len -= r->pos;
		r->checked -= r->pos;
		r->off += r->pos;
		r->pos = 0;
	}
	/* A line longer than buf: room for more of it. */
	if (ld->rcap < r->len + RD_PIECE / 2) {
		ld->rcap = ld->rcap < RD_PIECE ? RD_PIECE : ld->rcap * 2;
		ld->rbuf = cu_realloc(ld->rbuf, ld->rcap, 1);
		r->buf = ld->rbuf;
	}
	while ((n = read(r->fd, r->buf + r->len, ld->rcap - r->len)) == -1 &&
	    errno == EINTR)
		;
	if (n == -1) {
		r->rerr = true;
		r->fd = -1;
		return false;
	}
	r->len += (size_t)n;
	end = n == 0 ? r->len : rd_complete((unsigned char *)r->buf,
	    r->checked, r->len);
	if ((r->off == 0 && r->checked < 3 && r->len >= 3 &&
	    memcmp(r->buf, "\xef\xbb\xbf", 3) == 0) ||
	    utf8_bad((unsigned char *)r->buf + r->checked,
	    end - r->checked) != -1 ||
	    memchr(r->buf + r->checked, '\0', end - r->checked) != NULL) {
		r->bad = true;
		r->fd = -1;
		return false;
	}
	r->checked = end;
	if (n == 0) {
		r->fd = -1;
		return false;
	}
	return true;
}

/* Take the next physical line and decide what inih is to see of it. */
static bool
rd_line(struct rd *r)
{
	const char	*line, *rb, *nl, *cr, *end;
	size_t		 n, e, ind, cut;
	char		*hdr;

	rd_done(r);
	r->kind = RD_SKIP;
	r->handled = r->bracket = r->space = false;
	if (r->stop)
		return false;
	/*
	 * The line ends at "\n", "\r\n" or a lone "\r" (universal
	 * newlines), among the bytes checked; at a "\r" last of them, or
	 * none, the next read says where, or that the file ends there.
	 */
	for (;;) {
		line = r->buf + r->pos;
		end = r->buf + r->checked;
		/* Nothing read yet: buf may still be NULL (memchr's UB). */
		if (end == line ||
		    (nl = memchr(line, '\n', (size_t)(end - line))) == NULL)
			nl = end;
		if (nl > line &&
		    (cr = memchr(line, '\r', (size_t)(nl - line))) != NULL)
			nl = cr;
		if ((nl < end && (*nl == '\n' || nl + 1 < end)) ||
		    (r->fd == -1 && !r->bad && !r->rerr))
			break;
		if (!rd_more(r) && (r->bad || r->rerr))
			return false;
	}
	if (r->pos >= r->checked)
		return false;
	e = (size_t)(nl - r->buf);
	n = e - r->pos;
	if (e < r->checked && r->buf[e] == '\r' && e + 1 < r->checked &&
	    r->buf[e + 1] == '\n')
		e++;
	r->pos = e < r->checked ? e + 1 : e;
	r->lineno++;
	for (ind = 0; ind < n && cu_isspace((unsigned char)line[ind]); ind++)
		;
	r->out = line + ind;
	r->outlen = n - ind;
	r->outpos = 0;
	if (ind == n) {			/* blank: kept inside a value */
		if (r->sect != NULL && r->optname)
			r->blanks++;
		return true;
	}
	if (line[ind] == ';' || line[ind] == '#')
		return true;		/* a comment */
	/*
	 * The inline comment is cut here, as ConfigParser does (after any
	 * of Python's blanks, \x1c..\x1f included): inih, which would
	 * look for it at every byte again, does not.
	 */
	r->outlen = rd_cut(r->out, r->outlen);
	if (r->sect != NULL && r->optname && ind > r->indent) {
		r->kind = RD_CONT;
		r->space = true;
		return true;
	}
	r->indent = ind;
	r->blanks = 0;
	if (line[ind] == '[') {
		/* SECTCRE: "[" .+ "]", the last "]", in the uncommented. */
		cut = rd_cut(r->out, r->outlen);
		while (cut > 0 && cu_isspace((unsigned char)r->out[cut - 1]))
			cut--;
		for (rb = r->out + cut - 1; rb > r->out && *rb != ']'; rb--)
			;
		r->outlen = cut;
		if (rb - r->out >= 2) {
			hdr = cu_strndup(r->out + 1, (size_t)(rb - r->out - 1));
			rd_section(r, hdr);
			cu_free(hdr);
			r->kind = RD_HEADER;
			r->outlen = (size_t)(rb - r->out) + 1;
			return true;
		}
		r->bracket = true;	/* an option line "[x=1" */
		r->out++;
		r->outlen--;
	}
	if (r->sect == NULL) {
		ld_err(r->ld, r->file, r->lineno, NULL, NULL, "a key before "
		    "any [section]: '%.*s' (supervisor: File contains no "
		    "section headers)", (int)n, line);
		r->stop = true;
		return false;
	}
	r->kind = RD_OPTLINE;
	return true;
}

/* inih's fgets: the line rd_line shaped, in pieces if str is short. */
static char *
rd_read(char *str, int num, void *stream)
{
	struct rd	*r = stream;
	size_t		 k, room = (size_t)num - 1;
	char		*p = str;

	if (r->outpos > r->outlen + r->space) {		/* all taken */
		if (!rd_line(r))
			return NULL;
#if !HAVE_INIH_VARS
		/* A short stand-in; the handler reads the line itself. */
		if ((r->whole = r->outlen + 3 >= room)) {
			snprintf(str, (size_t)num, "%s\n", r->kind == RD_CONT ?
			    " v" : r->kind == RD_HEADER ? "[s]" :
			    r->kind == RD_OPTLINE ? "k=v" : "");
			r->outpos = r->outlen + r->space + 1;
			return str;
		}
#endif
	}
	if (r->space && r->outpos == 0 && room > 0) {
		*p++ = ' ';
		room--;
		r->outpos++;
	}
	k = r->outlen + r->space - r->outpos;
	if (k > room)
		k = room;
	memcpy(p, r->out + r->outpos - r->space, k);
	p += k;
	room -= k;
	r->outpos += k;
	if (r->outpos == r->outlen + r->space && room > 0) {
		*p++ = '\n';
		r->outpos++;
	}
	*p = '\0';
	return str;
}

static int
rd_handle(void *user, const char *section, const char *name,
    const char *value)
{
	struct rd	*r = user;
	struct ini_opt	*o;
	char		*j, *v, *k;
	const char	*d, *kp;
	size_t		 len, kn;

	(void)section;		/* the reader's, whole: r->sect */
	r->handled = true;
#if !HAVE_INIH_VARS
	if (r->whole) {
		/* The stand-in's name and value: the real ones, uncut. */
		len = rd_cut(r->out, r->outlen);
		if (r->kind == RD_CONT) {
			v = cu_strip(r->out, len);
			goto cont;
		}
		for (d = r->out; d < r->out + len && *d != '=' && *d != ':';
		    d++)
			;
		if (d == r->out + len) {
			r->handled = false;
			return 1;
		}
		kp = r->out;
		kn = (size_t)(d - r->out);
		v = cu_strip(d + 1, len - (size_t)(d - r->out) - 1);
		goto opt;
	}
#endif
	v = cu_strip(value, strlen(value));
	if (r->kind == RD_CONT)
		goto cont;
	kp = name;
	kn = strlen(name);
	goto opt;
cont:
	if ((o = sect_opt(r->sect, r->key)) != NULL) {
		len = strlen(o->val);
		j = cu_calloc(len + (size_t)r->blanks + strlen(v) + 2, 1);
		memcpy(j, o->val, len);
		memset(j + len, '\n', (size_t)r->blanks + 1);
		strcpy(j + len + r->blanks + 1, v);
		cu_free(o->val);
		o->val = j;
		store_mark_here(&r->ld->ini, r->sect, o);
	}
	r->blanks = 0;
	cu_free(v);
	return 1;
opt:
	/* Python's str.strip() of the name. */
	while (kn > 0 && cu_isspace((unsigned char)*kp)) {
		kp++;
		kn--;
	}
	while (kn > 0 && cu_isspace((unsigned char)kp[kn - 1]))
		kn--;
	if (kn == 0 && !r->bracket) {
		d = r->out + strcspn(r->out, "=:");
		j = cu_strip(r->out, rd_cut(r->out, r->outlen));
		ld_err(r->ld, r->file, r->lineno, r->sect->name, NULL,
		    "parse error: no key before '%c' in '%s'", *d, j);
		cu_free(j);
		cu_free(v);
		r->optname = false;
		return 1;
	}
	k = key_intern(&r->ld->ini, kp, kn, r->bracket);
	o = sect_set_key(r->sect, k, v, r->file, r->lineno);
	r->key = o->key;	/* the option's: it lives as long as the store */
	store_mark_here(&r->ld->ini, r->sect, o);
	r->optname = true;
	return 1;
}

/*
 * What inih calls.  Out of memory must not jump across inih, which would
 * leak its line buffer: it ends the file (EOF) instead, and rd_file
 * jumps on once inih has returned.
 */
static char *
rd_reader(char *str, int num, void *stream)
{
	struct rd	*r = stream;
	jmp_buf		 jb, *prev;
	char		*line;

	if (r->oom)
		return NULL;
	prev = cu_oom_catch(&jb);
	if (setjmp(jb) != 0) {
		cu_oom_catch(prev);
		r->oom = true;
		return NULL;
	}
	line = rd_read(str, num, stream);
	cu_oom_catch(prev);
	return line;
}

static int
rd_handler(void *user, const char *section, const char *name,
    const char *value)
{
	struct rd	*r = user;
	jmp_buf		 jb, *prev;
	int		 rc;

	if (r->oom)
		return 0;
	prev = cu_oom_catch(&jb);
	if (setjmp(jb) != 0) {
		cu_oom_catch(prev);
		r->oom = true;
		return 0;
	}
	rc = rd_handle(user, section, name, value);
	cu_oom_catch(prev);
	return rc;
}

static void
inih_setup(void)
{
#if HAVE_INIH_VARS
	/* Debian's inih exports its settings: a heap buffer that grows. */
	ini_use_stack = 0;
	ini_allow_realloc = 1;
	ini_max_line = INT_MAX / 2;
	ini_allow_bom = 0;
	ini_allow_multiline = 1;
	ini_allow_inline_comments = 0;	/* rd_line cuts them */
	ini_inline_comment_prefixes = (char *)";#";
	ini_start_comment_prefixes = (char *)";#";
	ini_allow_no_value = 0;
	ini_stop_on_first_error = 0;
#endif
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
 * Read fd to its end into *bufp, grown as needed, size (st_size) being
 * the length expected.  Its length, or -1.  Once size bytes are in, the
 * read that should see the end goes into a small buffer of its own: had
 * it wanted room in *bufp, a file read whole would grow the buffer (a
 * copy of the file) only to be told it was at its end.
 */
static ssize_t
read_fd(int fd, size_t size, char **bufp, size_t *capp)
{
	char	probe[512];
	ssize_t	n;
	size_t	len = 0, want;

	for (;;) {
		if (len == size && size > 0) {
			if ((n = read(fd, probe, sizeof(probe))) == -1) {
				if (errno == EINTR)
					continue;
				return -1;
			}
			if (n == 0)
				return (ssize_t)len;
			/* It grew since fstat: take what came, read on. */
			want = len + (size_t)n + 4096;
			if (*capp < want) {
				*capp = want > *capp * 2 ? want : *capp * 2;
				*bufp = cu_realloc(*bufp, *capp, 1);
			}
			memcpy(*bufp + len, probe, (size_t)n);
			len += (size_t)n;
			size = 0;	/* no more guesses: to EOF */
			continue;
		}
		want = len + 4096;
		if (size + 1 > want)
			want = size + 1;
		if (*capp < want) {
			*capp = want > *capp * 2 ? want : *capp * 2;
			*bufp = cu_realloc(*bufp, *capp, 1);
		}
		if ((n = read(fd, *bufp + len, (size > len ? size : *capp - 1) -
		    len)) == -1) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		if (n == 0)
			return (ssize_t)len;
		len += (size_t)n;
	}
}

/*
 * Read path whole into *bufp, a buffer of *capp bytes kept from one file
 * to the next (a fresh large buffer per file made malloc consolidate its
 * free lists each time, a tenth of the load time of 1,000 files), with
 * open and read, not stdio (a tenth again).  NULL with errno (EISDIR: a
 * directory) if it cannot be.
 */
static char *
read_whole(const char *path, char **bufp, size_t *capp, size_t *lenp)
{
	struct stat	 sb;
	jmp_buf		 jb, *prev;
	ssize_t		 len;
	int		 fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return NULL;
	/* read(2) of a directory fails with EISDIR: say so at once. */
	if (fstat(fd, &sb) == -1 || S_ISDIR(sb.st_mode)) {
		(void)close(fd);
		errno = EISDIR;
		return NULL;
	}
	/* Out of memory growing the buffer: the file is closed first. */
	prev = cu_oom_catch(&jb);
	if (setjmp(jb) != 0) {
		cu_oom_catch(prev);
		(void)close(fd);
		cu_oom();
	}
	len = read_fd(fd, sb.st_size > 0 ? (size_t)sb.st_size : 0, bufp,
	    capp);
	cu_oom_catch(prev);
	(void)close(fd);
	if (len == -1) {
		errno = EIO;
		return NULL;
	}
	(*bufp)[len] = '\0';
	*lenp = (size_t)len;
	return *bufp;
}

/*
 * Parse what r reads into the store, as file (one of ini.files); inih's
 * result.  The caller checks r->oom and the result for out of memory.
 */
static int
rd_parse(struct ld *ld, struct rd *r, const char *file, bool included)
{
	r->outpos = 1;		/* rd_reader takes a line first */
	r->ld = ld;
	r->file = file;
	r->included = included;
	inih_setup();
	return ini_parse_stream(rd_reader, r, rd_handler, r);
}

/*
 * rd_file's way for what is not a regular file, and where a piece read
 * failed a check: the file read whole, checked, then parsed (name: its
 * entry in ini.files).  -1 if it could not be read at all.
 */
static int
rd_whole(struct ld *ld, const char *path, const char *name, bool included)
{
	struct rd	 r;
	char		*buf;
	size_t		 len;
	long		 bad;
	int		 rc;

	if ((buf = read_whole(path, &ld->rbuf, &ld->rcap, &len)) == NULL)
		return -1;
	if (len >= 3 && memcmp(buf, "\xef\xbb\xbf", 3) == 0) {
		ld_err(ld, path, 1, NULL, NULL, "the file starts with a UTF-8 "
		    "byte order mark, which supervisor rejects: remove it");
		return 0;
	}
	if ((bad = utf8_bad((unsigned char *)buf, len)) != -1) {
		ld_err(ld, path, line_of(buf, (size_t)bad), NULL, NULL,
		    "byte 0x%02x is not UTF-8: supervisor reads configuration "
		    "files as UTF-8", (unsigned char)buf[bad]);
		return 0;
	}
	if (memchr(buf, '\0', len) != NULL) {
		ld_err(ld, path, line_of(buf,
		    (size_t)((char *)memchr(buf, '\0', len) - buf)), NULL,
		    NULL, "a NUL byte in the file");
		return 0;
	}
	memset(&r, 0, sizeof(r));
	r.fd = -1;
	r.buf = buf;
	r.len = r.checked = len;
	rc = rd_parse(ld, &r, name, included);
	if (r.oom)
		cu_oom();
	rd_done(&r);
	/* The lines inih refused are reported already; -2: its malloc. */
	if (rc == -2)
		cu_oom();
	return 0;
}

/*
 * Read one file into the store.  -1 if it could not be read at all.
 * A regular file is read a piece at a time as it is parsed, so that a
 * load takes no buffer the size of its largest file, fresh memory at
 * each reload: should a piece fail the checks a whole file gets (a
 * rare mistake), what the pieces before gave is reported no more and
 * the file is read again whole, to report it as ever.
 */
int
rd_file(struct ld *ld, const char *file, bool included)
{
	struct stat	 sb;
	struct rd	 r;
	const char	*name;
	size_t		 nerrs, nwarns;
	int		 fd, rc, nerr;

	/* The options read keep the file's name: one copy for them all. */
	ld->ini.files = cu_realloc(ld->ini.files, ld->ini.nfiles + 1,
	    sizeof(*ld->ini.files));
	ld->ini.files[ld->ini.nfiles++] = cu_strdup(file);
	name = ld->ini.files[ld->ini.nfiles - 1];
	if ((fd = open(file, O_RDONLY | O_CLOEXEC)) == -1)
		return -1;
	/* read(2) of a directory fails with EISDIR: say so at once. */
	if (fstat(fd, &sb) == -1 || S_ISDIR(sb.st_mode)) {
		(void)close(fd);
		errno = EISDIR;
		return -1;
	}
	if (!S_ISREG(sb.st_mode)) {
		(void)close(fd);
		return rd_whole(ld, file, name, included);
	}
	nerrs = ld->errs->n;
	nwarns = ld->warns.n;
	nerr = ld->nerr;
	memset(&r, 0, sizeof(r));
	r.fd = fd;
	r.buf = ld->rbuf;
	rc = rd_parse(ld, &r, name, included);
	/* Parsing stopped early (no section header): the rest is checked. */
	while (!r.oom && r.fd != -1) {
		r.pos = r.checked;
		(void)rd_more(&r);
	}
	(void)close(fd);
	if (r.oom)
		cu_oom();
	rd_done(&r);
	if (rc == -2)
		cu_oom();
	if (!r.bad && !r.rerr)
		return 0;
	ld_msgs_cut(ld, ld->errs, nerrs);
	ld_msgs_cut(ld, &ld->warns, nwarns);
	ld->nerr = nerr;
	if (r.rerr) {
		errno = EIO;
		return -1;
	}
	return rd_whole(ld, file, name, included);
}
