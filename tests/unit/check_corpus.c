/*
 * corpus: every FILE.conf of shared/corpus/supervisor-conf, each its own
 * test, read with cfg_load and dumped with cfg_dump_json must give the
 * "groups" that Python supervisor 4.2.5 gave (FILE.expected.json, written
 * by oracle.py), and a file supervisor rejects must be rejected.  The same
 * for tests/corpus, our own files written for every key and quirk.
 *
 * The oracle's machine is reproduced without touching this one: each file
 * is read in a child that enters a private mount namespace (and a user
 * namespace where we are not root), chroots into a root that shows this
 * machine's files read-only, and makes there what the oracle's machine had
 * (its users, /var/log/supervisor/, /etc/supervisor/conf.d/) and the
 * directories a file's "assuming" names; the corpus is copied in, so that
 * %(here)s-relative directories are made in the copy.  Its environment
 * variables, host name "oracle-host", the file's directory as working
 * directory, and a wrapper main file for a file without [supervisord] are
 * the oracle's too.  Where no namespace can be made, a file is compared
 * here as it is, and a difference that this machine's directories or
 * users could explain is reported as not compared (a skip that names the
 * file), never as agreeing.
 */
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <pwd.h>
#include <sched.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <check.h>

#include "supervisord/config.h"
#include "tests/oracle_env.h"
#include "tests/skip.h"

Suite	*corpus_suite(void);

/* A minimal JSON tree: enough to compare two documents as values. */
enum jt { J_NULL, J_BOOL, J_NUM, J_STR, J_ARR, J_OBJ };

struct jv {
	enum jt		 t;
	char		*s;	/* J_STR; J_NUM as its text */
	bool		 b;
	struct jv	*v;	/* J_ARR, J_OBJ items */
	char		**k;	/* J_OBJ keys */
	size_t		 n;
};

static void
jfree(struct jv *j)
{
	size_t	i;

	for (i = 0; i < j->n; i++) {
		jfree(&j->v[i]);
		if (j->k != NULL)
			free(j->k[i]);
	}
	free(j->v);
	free(j->k);
	free(j->s);
}

static void
jws(const char **p)
{
	while (**p == ' ' || **p == '\n' || **p == '\t' || **p == '\r')
		(*p)++;
}

static int jparse(const char **p, struct jv *j);

static char *
jstr(const char **p)
{
	char		*o, *q;
	unsigned	 cp;
	size_t		 cap = strlen(*p) + 1;

	if (**p != '"')
		return NULL;
	(*p)++;
	q = o = malloc(cap);
	while (**p != '"') {
		if (**p == '\0') {
			free(o);
			return NULL;
		}
		if (**p != '\\') {
			*q++ = *(*p)++;
			continue;
		}
		(*p)++;
		switch (*(*p)++) {
		case 'n': *q++ = '\n'; break;
		case 't': *q++ = '\t'; break;
		case 'r': *q++ = '\r'; break;
		case 'b': *q++ = '\b'; break;
		case 'f': *q++ = '\f'; break;
		case 'u':
			if (sscanf(*p, "%4x", &cp) != 1) {
				free(o);
				return NULL;
			}
			*p += 4;
			if (cp < 0x80)
				*q++ = (char)cp;
			else if (cp < 0x800) {
				*q++ = (char)(0xc0 | cp >> 6);
				*q++ = (char)(0x80 | (cp & 0x3f));
			} else {
				*q++ = (char)(0xe0 | cp >> 12);
				*q++ = (char)(0x80 | ((cp >> 6) & 0x3f));
				*q++ = (char)(0x80 | (cp & 0x3f));
			}
			break;
		default:
			*q++ = (*p)[-1];
		}
	}
	(*p)++;
	*q = '\0';
	return o;
}

static int
jparse(const char **p, struct jv *j)
{
	const char	*s;

	memset(j, 0, sizeof(*j));
	jws(p);
	if (**p == '{' || **p == '[') {
		char close = **p == '{' ? '}' : ']';

		j->t = close == '}' ? J_OBJ : J_ARR;
		(*p)++;
		jws(p);
		if (**p == close) {
			(*p)++;
			return 0;
		}
		for (;;) {
			j->v = realloc(j->v, (j->n + 1) * sizeof(*j->v));
			if (j->t == J_OBJ) {
				j->k = realloc(j->k, (j->n + 1) * sizeof(*j->k));
				jws(p);
				if ((j->k[j->n] = jstr(p)) == NULL)
					return -1;
				jws(p);
				if (*(*p)++ != ':')
					return -1;
			}
			if (jparse(p, &j->v[j->n++]) == -1)
				return -1;
			jws(p);
			if (**p == ',') {
				(*p)++;
				continue;
			}
			if (*(*p)++ != close)
				return -1;
			return 0;
		}
	}
	if (**p == '"') {
		j->t = J_STR;
		return (j->s = jstr(p)) == NULL ? -1 : 0;
	}
	if (strncmp(*p, "true", 4) == 0 || strncmp(*p, "false", 5) == 0) {
		j->t = J_BOOL;
		j->b = **p == 't';
		*p += j->b ? 4 : 5;
		return 0;
	}
	if (strncmp(*p, "null", 4) == 0) {
		*p += 4;
		return 0;
	}
	s = *p;
	while (**p == '-' || **p == '+' || **p == '.' || **p == 'e' ||
	    **p == 'E' || (**p >= '0' && **p <= '9'))
		(*p)++;
	if (*p == s)
		return -1;
	j->t = J_NUM;
	j->s = strndup(s, (size_t)(*p - s));
	return 0;
}

static const struct jv *
jget(const struct jv *j, const char *key)
{
	size_t	i;

	if (j == NULL || j->t != J_OBJ)
		return NULL;
	for (i = 0; i < j->n; i++)
		if (strcmp(j->k[i], key) == 0)
			return &j->v[i];
	return NULL;
}

/*
 * b's members or items, but for a process's "extensions": the keys that
 * are ours, which Python supervisor has not (it ignores them), apart.
 */
static size_t
jlen(const struct jv *b)
{
	size_t	i, n = b->n;

	if (b->t == J_OBJ)
		for (i = 0; i < b->n; i++)
			if (strcmp(b->k[i], "extensions") == 0)
				n--;
	return n;
}

/* Equal as JSON values (a the oracle's, b ours); where they differ, a
 * path in why. */
static bool
jeq(const struct jv *a, const struct jv *b, char *why, size_t wl)
{
	const struct jv	*o;
	size_t		 i;
	size_t		 l = strlen(why);

	if (a->t != b->t || a->n != jlen(b)) {
		snprintf(why + l, wl - l, ": type or length differs");
		return false;
	}
	switch (a->t) {
	case J_NULL:
		return true;
	case J_BOOL:
		if (a->b != b->b)
			snprintf(why + l, wl - l, ": %d != %d", a->b, b->b);
		return a->b == b->b;
	case J_NUM:
	case J_STR:
		if (strcmp(a->s, b->s) != 0)
			snprintf(why + l, wl - l, ": '%s' != '%s'", a->s, b->s);
		return strcmp(a->s, b->s) == 0;
	case J_ARR:
		for (i = 0; i < a->n; i++) {
			snprintf(why + l, wl - l, "[%zu]", i);
			if (!jeq(&a->v[i], &b->v[i], why, wl))
				return false;
		}
		break;
	case J_OBJ:
		for (i = 0; i < a->n; i++) {
			snprintf(why + l, wl - l, ".%s", a->k[i]);
			if ((o = jget(b, a->k[i])) == NULL) {
				snprintf(why + strlen(why), wl - strlen(why),
				    ": missing");
				return false;
			}
			if (!jeq(&a->v[i], o, why, wl))
				return false;
		}
		break;
	}
	why[l] = '\0';
	return true;
}

static char *
slurp(const char *path)
{
	FILE	*fp;
	char	*b;
	long	 n;

	if ((fp = fopen(path, "r")) == NULL)
		return NULL;
	fseek(fp, 0, SEEK_END);
	n = ftell(fp);
	rewind(fp);
	b = calloc(1, (size_t)n + 1);
	if (fread(b, 1, (size_t)n, fp) != (size_t)n) {
		free(b);
		b = NULL;
	}
	fclose(fp);
	return b;
}

/* Replace every from in s with to. */
static char *
subst(const char *s, const char *from, const char *to)
{
	size_t		 fl = strlen(from), tl = strlen(to), n = 0;
	const char	*p, *q;
	char		*o;

	for (p = s; (q = strstr(p, from)) != NULL; p = q + fl)
		n++;
	o = malloc(strlen(s) + n * tl + 1);
	o[0] = '\0';
	for (p = s; (q = strstr(p, from)) != NULL; p = q + fl) {
		strncat(o, p, (size_t)(q - p));
		strcat(o, to);
	}
	strcat(o, p);
	return o;
}

static const char *const oracle_env[][2] = {
	{ "LC_ALL", "C.UTF-8" }, { "LANG", "C.UTF-8" },
	{ "PATH", "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:"
	    "/bin" },
	{ "HOME", "/root" }, { "USER", "root" }, { "LOGNAME", "root" },
	{ "SHELL", "/bin/sh" }, { "PYTHONDONTWRITEBYTECODE", "1" },
	{ "PYTHONHASHSEED", "0" }, { "SUPERVISOR_ORACLE_CHILD", "1" },
	/* oracle.py's ENV_PLACEHOLDERS (tests/oracle_env.h) */
	ORACLE_ENV_PLACEHOLDERS
};

/*
 * snprintf for paths and messages, which a long TMPDIR may cut: cut, they
 * stay terminated (and the comparison then fails, visibly).
 */
static void say(char *buf, size_t len, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
say(char *buf, size_t len, const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	(void)vsnprintf(buf, len, fmt, ap);
	va_end(ap);
}

/*
 * The oracle's machine (oracle.py): these users, /var/log/supervisor/ and
 * an empty /etc/supervisor/conf.d/.  Inside the private namespace they are
 * exactly what the reader sees, whatever this machine has.
 */
static const char oracle_passwd[] =
    "root:x:0:0:root:/root:/bin/sh\n"
    "daemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin\n"
    "bin:x:2:2:bin:/bin:/usr/sbin/nologin\n"
    "sys:x:3:3:sys:/dev:/usr/sbin/nologin\n"
    "sync:x:4:65534:sync:/bin:/bin/sync\n"
    "games:x:5:60:games:/usr/games:/usr/sbin/nologin\n"
    "man:x:6:12:man:/var/cache/man:/usr/sbin/nologin\n"
    "lp:x:7:7:lp:/var/spool/lpd:/usr/sbin/nologin\n"
    "mail:x:8:8:mail:/var/mail:/usr/sbin/nologin\n"
    "news:x:9:9:news:/var/spool/news:/usr/sbin/nologin\n"
    "uucp:x:10:10:uucp:/var/spool/uucp:/usr/sbin/nologin\n"
    "proxy:x:13:13:proxy:/bin:/usr/sbin/nologin\n"
    "www-data:x:33:33:www-data:/var/www:/usr/sbin/nologin\n"
    "backup:x:34:34:backup:/var/backups:/usr/sbin/nologin\n"
    "list:x:38:38:list:/var/list:/usr/sbin/nologin\n"
    "irc:x:39:39:ircd:/run/ircd:/usr/sbin/nologin\n"
    "_apt:x:42:65534::/nonexistent:/usr/sbin/nologin\n"
    "nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n"
    "systemd-network:x:998:998::/:/usr/sbin/nologin\n"
    "systemd-timesync:x:997:997::/:/usr/sbin/nologin\n"
    "messagebus:x:100:101::/nonexistent:/usr/sbin/nologin\n"
    "polkitd:x:996:996::/:/usr/sbin/nologin\n"
    "postgres:x:101:102::/var/lib/postgresql:/bin/sh\n";
static const char oracle_group[] =
    "root:x:0:\ndaemon:x:1:\nbin:x:2:\nsys:x:3:\nadm:x:4:\ntty:x:5:\n"
    "disk:x:6:\nlp:x:7:\nmail:x:8:\nnews:x:9:\nuucp:x:10:\nman:x:12:\n"
    "proxy:x:13:\nkmem:x:15:\ndialout:x:20:\nfax:x:21:\nvoice:x:22:\n"
    "cdrom:x:24:\nfloppy:x:25:\ntape:x:26:\nsudo:x:27:\naudio:x:29:\n"
    "dip:x:30:\nwww-data:x:33:\nbackup:x:34:\noperator:x:37:\nlist:x:38:\n"
    "irc:x:39:\nsrc:x:40:\nshadow:x:42:\nutmp:x:43:\nvideo:x:44:\n"
    "sasl:x:45:\nplugdev:x:46:\nstaff:x:50:\ngames:x:60:\nusers:x:100:\n"
    "messagebus:x:101:\npostgres:x:102:\nsystemd-network:x:998:\n"
    "systemd-timesync:x:997:\npolkitd:x:996:\nnogroup:x:65534:\n";
static const char *const etc_ours[] = {
	"passwd", "group", "nsswitch.conf", NULL
};
static const char *const oracle_dirs[] = {
	"/var/log/supervisor", "/etc/supervisor/conf.d"
};

/* The files of one corpus directory, listed when the suite is made. */
struct corpus {
	const char	*what;		/* "corpus", "own corpus" */
	char		 dir[PATH_MAX];	/* the source, a real path */
	char		**names;	/* its *.conf, sorted */
	int		 n;
};
static struct corpus	shared_corpus = { .what = "corpus" };
static struct corpus	own_corpus = { .what = "own corpus" };

/* What the child that compares one file tells the test. */
enum { C_AGREES = 10, C_DIFFERS, C_NOT_COMPARED };

static bool
put_file(const char *path, const char *text)
{
	size_t	 len = strlen(text);
	int	 fd;
	bool	 ok;

	if ((fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
	    0644)) == -1)
		return false;
	ok = write(fd, text, len) == (ssize_t)len;
	return close(fd) == 0 && ok;
}

/* mkdir -p */
static bool
mkdirs(const char *d)
{
	char	buf[PATH_MAX], *p;

	say(buf, sizeof(buf), "%s", d);
	for (p = buf + 1;; p++) {
		if (*p == '/' || *p == '\0') {
			char c = *p;

			*p = '\0';
			if (mkdir(buf, 0755) == -1 && errno != EEXIST)
				return false;
			*p = c;
			if (c == '\0')
				break;
		}
	}
	return true;
}

/* cp -R from to: directories and regular files. */
static bool
copy_tree(const char *from, const char *to)
{
	char		 a[PATH_MAX], b[PATH_MAX], buf[65536];
	struct dirent	*de;
	struct stat	 sb;
	DIR		*d;
	ssize_t		 r;
	int		 in, out;
	bool		 ok = true;

	if (mkdir(to, 0755) == -1 && errno != EEXIST)
		return false;
	if ((d = opendir(from)) == NULL)
		return false;
	while (ok && (de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 ||
		    strcmp(de->d_name, "..") == 0)
			continue;
		say(a, sizeof(a), "%s/%s", from, de->d_name);
		say(b, sizeof(b), "%s/%s", to, de->d_name);
		if (stat(a, &sb) == -1)
			ok = false;
		else if (S_ISDIR(sb.st_mode))
			ok = copy_tree(a, b);
		else if (S_ISREG(sb.st_mode)) {
			if ((in = open(a, O_RDONLY | O_CLOEXEC)) == -1)
				ok = false;
			else if ((out = open(b, O_WRONLY | O_CREAT | O_TRUNC |
			    O_CLOEXEC, 0644)) == -1) {
				ok = false;
				close(in);
			} else {
				while ((r = read(in, buf, sizeof(buf))) > 0)
					if (write(out, buf, (size_t)r) != r) {
						ok = false;
						break;
					}
				ok = ok && r == 0;
				close(in);
				ok = close(out) == 0 && ok;
			}
		}
	}
	closedir(d);
	return ok;
}

static int
rm_one(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb;
	(void)ftw;
	if (flag == FTW_DP)
		rmdir(path);
	else
		unlink(path);
	return 0;
}

/*
 * Show from/name at to/name, read-only (this machine must not be written
 * through it): a directory bound with what is mounted below it, a file
 * bound on an empty file, a symlink copied.
 */
static void
mirror(const char *from, const char *to, const char *name)
{
	char		 f[PATH_MAX], t[PATH_MAX], link[PATH_MAX];
	struct stat	 sb;
	ssize_t		 n;
	int		 fd;

	say(f, sizeof(f), "%s/%s", strcmp(from, "/") == 0 ? "" : from, name);
	say(t, sizeof(t), "%s/%s", to, name);
	if (lstat(f, &sb) == -1)
		return;
	if (S_ISLNK(sb.st_mode)) {
		if ((n = readlink(f, link, sizeof(link) - 1)) > 0) {
			link[n] = '\0';
			(void)symlink(link, t);
		}
		return;
	}
	if (S_ISDIR(sb.st_mode)) {
		if (mkdir(t, 0755) == -1)
			return;
	} else if ((fd = open(t, O_WRONLY | O_CREAT | O_CLOEXEC, 0644)) == -1)
		return;
	else
		close(fd);
	if (mount(f, t, NULL, MS_BIND | MS_REC, NULL) == -1)
		return;
	/* The kernel's own file systems are left as they are. */
	if (strcmp(f, "/proc") != 0 && strcmp(f, "/sys") != 0 &&
	    strcmp(f, "/dev") != 0)
		(void)mount(NULL, t, NULL, MS_REMOUNT | MS_BIND | MS_RDONLY,
		    NULL);
}

/*
 * Replace the directory dir, in this namespace, with a tmpfs of ours that
 * shows the same entries (mirror()), except those named in skip: then a
 * directory or file can be made in it.  0 or -1.
 */
static int
shadow(const char *dir, const char *const *skip)
{
	static int	 nshadow;
	char		 stage[64];
	struct dirent	*de;
	DIR		*d;
	size_t		 i;

	say(stage, sizeof(stage), "/.shadow.%d", nshadow++);
	if (mkdir(stage, 0755) == -1 ||
	    mount("tmpfs", stage, "tmpfs", 0, "mode=0755") == -1 ||
	    (d = opendir(dir)) == NULL)
		return -1;
	while ((de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 ||
		    strcmp(de->d_name, "..") == 0)
			continue;
		for (i = 0; skip != NULL && skip[i] != NULL; i++)
			if (strcmp(skip[i], de->d_name) == 0)
				break;
		if (skip == NULL || skip[i] == NULL)
			mirror(dir, stage, de->d_name);
	}
	closedir(d);
	return mount(stage, dir, NULL, MS_MOVE, NULL);
}

/* mkdir -p in the namespace: a parent that cannot be written is shadowed. */
static bool
ns_mkdirs(const char *path)
{
	char	buf[PATH_MAX], *p;

	say(buf, sizeof(buf), "%s", path);
	for (p = buf + 1;; p++) {
		if (*p == '/' || *p == '\0') {
			char c = *p;

			*p = '\0';
			if (mkdir(buf, 0755) == -1 && errno != EEXIST) {
				char *slash = strrchr(buf, '/');

				*slash = '\0';
				if (shadow(slash == buf ? "/" : buf, NULL) == -1)
					return false;
				*slash = '/';
				if (mkdir(buf, 0755) == -1 && errno != EEXIST)
					return false;
			}
			*p = c;
			if (c == '\0')
				break;
		}
	}
	return true;
}

/*
 * Make private the nearest mount point at or above dir: the mount our
 * mounts under dir hang from.  0, or -1 if none could be (up to /).
 */
static int
private_ancestor(const char *dir)
{
	char	p[PATH_MAX], *slash;

	say(p, sizeof(p), "%s", dir);
	for (;;) {
		if (mount(NULL, p[0] != '\0' ? p : "/", NULL,
		    MS_REC | MS_PRIVATE, NULL) == 0)
			return 0;
		if (p[0] == '\0' || (slash = strrchr(p, '/')) == NULL)
			return -1;
		*slash = '\0';
	}
}

/*
 * Enter a private mount namespace (a user namespace too, where we are not
 * root) and build there, on a tmpfs at work/ovl, a root that shows this
 * machine's files read-only (mirror()); chroot into it.  What is made
 * there is gone with the process, and this machine is never changed.  0,
 * or -1 with the reason in why.
 */
static int
ns_enter(const char *work, char *why, size_t wl)
{
	char		 root[PATH_MAX], map[64];
	struct dirent	*de;
	DIR		*d;
	unsigned	 uid = (unsigned)getuid(), gid = (unsigned)getgid();

	/*
	 * Our mounts must not reach this machine's namespace.  As root:
	 * a mount namespace with / made private, or where / is no mount
	 * point (a chroot) the mount that holds work, under which all of
	 * ours go.  Not root: a user namespace too, in which the mounts
	 * shared with the parent become slaves (mount_namespaces(7)), so
	 * nothing propagates back.
	 */
	if (unshare(CLONE_NEWNS) == -1 ||
	    (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) == -1 &&
	    private_ancestor(work) == -1)) {
		if (unshare(CLONE_NEWUSER | CLONE_NEWNS) == -1) {
			say(why, wl, "cannot make a private mount "
			    "namespace: %s", strerror(errno));
			return -1;
		}
		say(map, sizeof(map), "0 %u 1", uid);
		(void)put_file("/proc/self/setgroups", "deny");
		if (!put_file("/proc/self/uid_map", map)) {
			say(why, wl, "uid_map: %s", strerror(errno));
			return -1;
		}
		say(map, sizeof(map), "0 %u 1", gid);
		if (!put_file("/proc/self/gid_map", map)) {
			say(why, wl, "gid_map: %s", strerror(errno));
			return -1;
		}
	}
	say(root, sizeof(root), "%s/root", work);
	if ((mkdir(root, 0700) == -1 && errno != EEXIST) ||
	    mount("tmpfs", root, "tmpfs", 0, "mode=0755") == -1) {
		say(why, wl, "tmpfs on %s: %s", root, strerror(errno));
		return -1;
	}
	if ((d = opendir("/")) == NULL) {
		say(why, wl, "opendir /: %s", strerror(errno));
		return -1;
	}
	while ((de = readdir(d)) != NULL)
		if (strcmp(de->d_name, ".") != 0 &&
		    strcmp(de->d_name, "..") != 0)
			mirror("/", root, de->d_name);
	closedir(d);
	if (chroot(root) == -1 || chdir("/") == -1) {
		say(why, wl, "chroot %s: %s", root, strerror(errno));
		return -1;
	}
	return 0;
}

/* Whether a process of the expected groups names a user. */
static bool
names_user(const struct jv *groups)
{
	const struct jv	*ps, *u;
	size_t		 i, j;

	for (i = 0; groups != NULL && i < groups->n; i++) {
		ps = jget(&groups->v[i], "processes");
		for (j = 0; ps != NULL && j < ps->n; j++)
			if ((u = jget(&ps->v[j], "user")) != NULL &&
			    u->t == J_STR)
				return true;
	}
	return false;
}

/*
 * In the child: compare one file, copied to work/corpus (in the private
 * namespace when it can be made), with what the oracle said.  Returns
 * C_AGREES, C_DIFFERS or C_NOT_COMPARED with why, a note in note.
 */
static int
compare_file(const struct corpus *c, const char *name, const char *work,
    char *why, size_t wl, char *note, size_t nl)
{
	char		 dir[PATH_MAX], p[PATH_MAX];
	char		 wdir[PATH_MAX], wfile[PATH_MAX + 32], nswhy[512];
	char		 at[2048], base[PATH_MAX];
	char		 *text, *out = NULL, *o2, *o3, *missing = NULL;
	struct jv	 exp, got;
	const struct jv	*as, *eg, *gg, *ds, *us, *e;
	struct cfg_msgs	 errs = { 0 };
	struct cfg	*cfg;
	const char	*q, *target;
	size_t		 outlen = 0, i;
	FILE		*fp;
	bool		 ns, reject;
	int		 rc;

	say(p, sizeof(p), "%s/%s.expected.json", c->dir, name);
	if ((text = slurp(p)) == NULL) {
		say(why, wl, "cannot read %s", p);
		return C_DIFFERS;
	}
	q = text;
	if (jparse(&q, &exp) == -1) {
		say(why, wl, "%s: bad JSON", p);
		return C_DIFFERS;
	}
	free(text);

	ns = ns_enter(work, nswhy, sizeof(nswhy)) == 0;
	if (ns) {
		/*
		 * The copy, on the new root's own tmpfs; the oracle's users
		 * and directories.
		 */
		say(base, sizeof(base), "/corpus-copy");
		say(dir, sizeof(dir), "%s/corpus", base);
		if (!mkdirs(dir) || !copy_tree(c->dir, dir)) {
			say(why, wl, "copying %s to %s: %s", c->dir, dir,
			    strerror(errno));
			return C_NOT_COMPARED;
		}
		if (shadow("/etc", etc_ours) == -1 ||
		    !put_file("/etc/passwd", oracle_passwd) ||
		    !put_file("/etc/group", oracle_group) ||
		    !put_file("/etc/nsswitch.conf", "passwd: files\n"
		    "group: files\nhosts: files\n")) {
			say(why, wl, "/etc: %s", strerror(errno));
			return C_NOT_COMPARED;
		}
		for (i = 0; i < sizeof(oracle_dirs) / sizeof(*oracle_dirs);
		    i++)
			if (!ns_mkdirs(oracle_dirs[i])) {
				say(why, wl, "cannot make %s: %s",
				    oracle_dirs[i], strerror(errno));
				return C_NOT_COMPARED;
			}
	} else if (say(base, sizeof(base), "%s", work),
	    say(dir, sizeof(dir), "%s/corpus", base),
	    !copy_tree(c->dir, dir)) {
		say(why, wl, "copying %s to %s: %s", c->dir, dir,
		    strerror(errno));
		return C_NOT_COMPARED;
	} else {
		for (i = 0; i < sizeof(oracle_dirs) / sizeof(*oracle_dirs);
		    i++)
			if (access(oracle_dirs[i], F_OK) == -1)
				missing = strdup(oracle_dirs[i]);
	}

	/* The oracle's environment, as oracle.py sets it. */
	clearenv();
	for (i = 0; i < sizeof(oracle_env) / sizeof(oracle_env[0]); i++)
		setenv(oracle_env[i][0], oracle_env[i][1], 1);
	setenv("PWD", dir, 1);
	cfg_set_hostname("oracle-host");
	if (chdir(dir) == -1) {
		say(why, wl, "chdir %s: %s", dir, strerror(errno));
		return C_NOT_COMPARED;
	}

	eg = jget(&exp, "groups");
	reject = jget(&exp, "error") != NULL;
	if ((as = jget(&exp, "assuming")) != NULL) {
		us = jget(as, "users");
		for (i = 0; us != NULL && i < us->n; i++)
			if (getpwnam(us->v[i].s) == NULL)
				break;
		if (us != NULL && i < us->n) {
			/* As on the oracle's machine: rejected. */
			say(note, nl, "no user %s here: only the "
			    "rejection is compared", us->v[i].s);
			as = NULL;
		}
	}
	if (as != NULL) {
		ds = jget(as, "dirs");
		for (i = 0; ds != NULL && i < ds->n; i++) {
			o2 = subst(ds->v[i].s, "@HERE@", dir);
			/* Outside the namespace only the copy is ours. */
			if (ns ? !ns_mkdirs(o2) : (o2[0] != '/' ||
			    strncmp(o2, dir, strlen(dir)) == 0) &&
			    !mkdirs(o2)) {
				say(why, wl, "cannot make %s: %s", o2,
				    strerror(errno));
				return C_NOT_COMPARED;
			}
			if (access(o2, F_OK) == -1) {
				free(missing);
				missing = o2;
			} else
				free(o2);
		}
		eg = jget(as, "groups");
		reject = jget(as, "error") != NULL;
	}

	say(p, sizeof(p), "%s/%s", dir, name);
	target = p;
	wdir[0] = '\0';
	if (jget(&exp, "wrapped_as_include") != NULL) {
		say(wdir, sizeof(wdir), "%s/wrap", base);
		say(wfile, sizeof(wfile), "%s/supervisord.conf", wdir);
		if (!mkdirs(wdir) || (fp = fopen(wfile, "we")) == NULL) {
			say(why, wl, "%s: %s", wfile, strerror(errno));
			return C_NOT_COMPARED;
		}
		fprintf(fp, "[supervisord]\n[include]\nfiles = %s\n", p);
		fclose(fp);
		target = wfile;
	}

	rc = C_DIFFERS;
	cfg = cfg_load(target, &errs);
	if (cfg == NULL && !reject)
		say(why, wl, "rejected: %s",
		    errs.n > 0 ? errs.v[0] : "?");
	else if (cfg != NULL && reject)
		say(why, wl, "accepted, supervisor says: %s",
		    (e = jget(as != NULL ? as : &exp, "error")) != NULL &&
		    e->t == J_STR ? e->s : "?");
	else if (cfg == NULL)
		rc = C_AGREES;
	else if ((fp = open_memstream(&out, &outlen)) == NULL ||
	    cfg_dump_json(cfg, fp) != 0 || fclose(fp) != 0)
		say(why, wl, "cfg_dump_json failed");
	else {
		o2 = subst(out, dir, "@HERE@");
		o3 = wdir[0] != '\0' ? subst(o2, wdir, "@WRAPPER@") :
		    strdup(o2);
		q = o3;
		if (jparse(&q, &got) == -1)
			say(why, wl, "our JSON does not parse:\n%s", o3);
		else {
			gg = jget(&got, "groups");
			say(at, sizeof(at), "groups");
			if (eg != NULL && gg != NULL &&
			    jeq(eg, gg, at, sizeof(at)))
				rc = C_AGREES;
			else
				say(why, wl, "differs at %s", at);
			jfree(&got);
		}
		free(o3);
		free(o2);
	}
	free(out);
	/*
	 * Outside the namespace, a difference that this machine's
	 * directories or users could explain is not a verdict.
	 */
	if (rc == C_DIFFERS && !ns && (missing != NULL ||
	    names_user(jget(&exp, "groups")) ||
	    (jget(&exp, "assuming") != NULL &&
	    jget(jget(&exp, "assuming"), "users") != NULL))) {
		say(note, nl, "%s", why);
		say(why, wl, "%s; %s%s%s", nswhy, missing != NULL ?
		    "no " : "the users it names may differ here",
		    missing != NULL ? missing : "",
		    missing != NULL ? " here" : "");
		rc = C_NOT_COMPARED;
	}
	free(missing);
	cfg_free(cfg);
	cfg_msgs_free(&errs);
	jfree(&exp);
	return rc;
}

/* One file of c, the _i-th: compared in a child of its own. */
static void
corpus_test(const struct corpus *c, int i)
{
	const char	*tmp = getenv("TMPDIR"), *name = c->names[i];
	char		 work[PATH_MAX], msg[8192], test[PATH_MAX];
	char		 why[4096] = "", note[2048] = "";
	size_t		 len = 0;
	ssize_t		 r;
	pid_t		 pid;
	int		 fd[2], status, rc;

	if (tmp == NULL || *tmp == '\0')
		tmp = "/tmp";
	say(work, sizeof(work), "%s/corpus.XXXXXX", tmp);
	ck_assert_msg(mkdtemp(work) != NULL, "mkdtemp %s: %s", work,
	    strerror(errno));
	ck_assert_int_eq(pipe2(fd, O_CLOEXEC), 0);
	if ((pid = fork()) == 0) {
		close(fd[0]);
		rc = compare_file(c, name, work, why, sizeof(why), note,
		    sizeof(note));
		dprintf(fd[1], "%s%c%s", why, '\0', note);
		_exit(rc);
	}
	ck_assert_int_ne(pid, -1);
	close(fd[1]);
	while (len < sizeof(msg) - 1 &&
	    (r = read(fd[0], msg + len, sizeof(msg) - 1 - len)) != 0) {
		if (r == -1 && errno == EINTR)
			continue;
		if (r == -1)
			break;
		len += (size_t)r;
	}
	msg[len] = '\0';
	close(fd[0]);
	while (waitpid(pid, &status, 0) == -1 && errno == EINTR)
		;
	nftw(work, rm_one, 16, FTW_DEPTH | FTW_PHYS);
	say(why, sizeof(why), "%s", msg);
	if (strlen(msg) < len)
		say(note, sizeof(note), "%s", msg + strlen(msg) + 1);
	rc = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
	if (note[0] != '\0' && rc != C_NOT_COMPARED)
		printf("%s: %s: %s\n", c->what, name, note);
	say(test, sizeof(test), "%s: %s", c->what, name);
	switch (rc) {
	case C_AGREES:
		break;
	case C_NOT_COMPARED:
		th_skip_at(test, "unshare", "not compared: %s%s%s", why,
		    note[0] != '\0' ? "; outside it: " : "", note);
		break;
	case C_DIFFERS:
		ck_abort_msg("%s: %s: DIFFERS: %s", c->what, name, why);
		break;
	default:
		ck_abort_msg("%s: %s: the comparison crashed (wait status "
		    "%#x)", c->what, name, (unsigned)status);
	}
}

START_TEST(test_corpus_file_agrees)
{
	corpus_test(&shared_corpus, _i);
}
END_TEST

START_TEST(test_own_corpus_file_agrees)
{
	corpus_test(&own_corpus, _i);
}
END_TEST

START_TEST(test_corpus_missing)
{
	th_skip("corpus", "no corpus at %s/supervisor-conf (CORPUS=%s)",
	    getenv("CORPUS") != NULL ? getenv("CORPUS") : "?",
	    getenv("CORPUS") != NULL ? getenv("CORPUS") : "unset");
}
END_TEST

static int
name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* List the *.conf of dir (not of its subdirectories: included files). */
static bool
corpus_list(struct corpus *c, const char *dir)
{
	struct dirent	*de;
	DIR		*d;
	size_t		 len;

	if (realpath(dir, c->dir) == NULL || (d = opendir(c->dir)) == NULL)
		return false;
	while ((de = readdir(d)) != NULL) {
		len = strlen(de->d_name);
		if (len > 5 && strcmp(de->d_name + len - 5, ".conf") == 0) {
			c->names = realloc(c->names,
			    (size_t)(c->n + 1) * sizeof(*c->names));
			if (c->names == NULL)
				abort();
			c->names[c->n++] = strdup(de->d_name);
		}
	}
	closedir(d);
	if (c->n > 0)
		qsort(c->names, (size_t)c->n, sizeof(*c->names), name_cmp);
	return c->n > 0;
}

Suite *
corpus_suite(void)
{
	const char	*corpus = getenv("CORPUS"), *top = getenv("TOP");
	char		 dir[PATH_MAX];
	Suite		*s;
	TCase		*tc;

	s = suite_create("corpus");
	tc = tcase_create("corpus");
	tcase_set_timeout(tc, 30);
	say(dir, sizeof(dir), "%s/supervisor-conf",
	    corpus != NULL ? corpus : ".");
	if (corpus != NULL && corpus_list(&shared_corpus, dir))
		tcase_add_loop_test(tc, test_corpus_file_agrees, 0,
		    shared_corpus.n);
	else
		tcase_add_test(tc, test_corpus_missing);
	suite_add_tcase(s, tc);

	tc = tcase_create("own_corpus");
	tcase_set_timeout(tc, 30);
	say(dir, sizeof(dir), "%s/tests/corpus", top != NULL ? top : ".");
	if (!corpus_list(&own_corpus, dir)) {
		fprintf(stderr, "corpus: no files in %s (TOP=%s)\n", dir,
		    top != NULL ? top : "unset");
		abort();
	}
	tcase_add_loop_test(tc, test_own_corpus_file_agrees, 0, own_corpus.n);
	suite_add_tcase(s, tc);
	return s;
}
