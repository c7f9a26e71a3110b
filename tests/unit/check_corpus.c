/*
 * corpus: every FILE.conf of shared/corpus/supervisor-conf read with cfg_load
 * and dumped with cfg_dump_json must give the "groups" that Python
 * supervisor 4.2.5 gave (FILE.expected.json, written by oracle.py), and a
 * file supervisor rejects must be rejected.  The oracle's environment is
 * reproduced: its environment variables, host name "oracle-host", the
 * file's directory as working directory, a wrapper main file for a file
 * without [supervisord].  Files that supervisor rejects only for a missing
 * directory or user ("assuming") are compared with what it says once those
 * exist, when the directories can be made and the users exist; otherwise
 * they are skipped, visibly.  The same is done for tests/corpus, our own
 * files written for every key and quirk.
 */
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <pwd.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <check.h>

#include "supervisord/config.h"

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

/* Equal as JSON values; where they differ, a path in why. */
static bool
jeq(const struct jv *a, const struct jv *b, char *why, size_t wl)
{
	const struct jv	*o;
	size_t		 i;
	size_t		 l = strlen(why);

	if (a->t != b->t || a->n != b->n) {
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
	/* oracle.py's ENV_PLACEHOLDERS */
	{ "CELERY_MAIN_OPTIONS", "--concurrency 2" },
	{ "CELERY_BEAT_OPTIONS", "--schedule /tmp/celerybeat-schedule" },
	{ "GRANIAN_INTERFACE", "wsgi" },
	{ "GRANIAN_MODE_ARGS", "--blocking-threads 1" },
	{ "GRANIAN_SOCKET", "/run/granian.sock" }, { "GRANIAN_ARGS", "" },
	{ "GRANIAN_APPLICATION", "weblate.wsgi:application" },
	{ "WEB_WORKERS", "2" }, { "ENABLE_NGINX", "true" },
	{ "ENABLE_WEB", "true" }, { "ENABLE_WEBSOCKET", "false" },
	{ "ENABLE_WEBSOCKET_MONOLITHIC", "false" },
	{ "ENABLE_WORKER", "true" }, { "FETCHMAIL_POLL", "300" },
	{ "SASLAUTHD_MECH_OPTIONS", "imap.example.test" },
	{ "POSTGREY_AUTO_WHITELIST_CLIENTS", "5" },
	{ "POSTGREY_DELAY", "300" }, { "POSTGREY_MAX_AGE", "35" },
	{ "POSTGREY_TEXT", "Delayed by Postgrey" },
	{ "NUM_WORKERS_CACHE", "1" }, { "NUM_WORKERS_DEFAULT", "5" },
	{ "NUM_WORKERS_EMAIL", "5" }, { "NUM_WORKERS_PRIO", "5" },
	{ "NUM_WORKERS_UPDATE", "1" },
	{ "SUPERVISOR_USERNAME", "supervisor" },
	{ "SUPERVISOR_PASSWORD", "supervisor-password" },
	{ "QUEUES", "queries,scheduled_queries" }, { "WORKERS_COUNT", "2" },
	{ "SUPERVISOR_PHP_USER", "sail" },
	{ "SUPERVISOR_PHP_COMMAND", "/usr/bin/php -d variables_order=EGPCS "
	    "/var/www/html/artisan serve --host=0.0.0.0 --port=80" },
};

/* mkdir -p, remembering what it made so that it can be removed. */
static bool
mkdirs(const char *d, char made[][PATH_MAX], size_t *nmade, size_t max)
{
	char	buf[PATH_MAX], *p;

	snprintf(buf, sizeof(buf), "%s", d);
	for (p = buf + 1;; p++) {
		if (*p == '/' || *p == '\0') {
			char c = *p;

			*p = '\0';
			if (mkdir(buf, 0755) == 0) {
				if (*nmade < max)
					snprintf(made[(*nmade)++], PATH_MAX,
					    "%s", buf);
			} else if (errno != EEXIST)
				return false;
			*p = c;
			if (c == '\0')
				break;
		}
	}
	return true;
}

/* One corpus file: 1 agrees, 0 differs, -1 skipped; what starts messages. */
static int
corpus_one(const char *what, const char *dir, const char *name)
{
	char		 path[PATH_MAX], wdir[64], wfile[128], why[1024];
	char		 made[32][PATH_MAX], *text, *out = NULL, *o2, *o3;
	struct jv	 exp, got;
	const struct jv	*as, *eg, *gg, *ds, *us;
	struct cfg_msgs	 errs = { 0 };
	struct cfg	*c;
	const char	*p, *target;
	size_t		 outlen = 0, nmade = 0, i;
	FILE		*fp;
	int		 rc = 0;
	bool		 reject;

	snprintf(path, sizeof(path), "%s/%s.expected.json", dir, name);
	if ((text = slurp(path)) == NULL)
		return -1;
	p = text;
	ck_assert_msg(jparse(&p, &exp) == 0, "%s: bad JSON", path);
	free(text);
	eg = jget(&exp, "groups");
	reject = jget(&exp, "error") != NULL;
	if ((as = jget(&exp, "assuming")) != NULL) {
		us = jget(as, "users");
		for (i = 0; us != NULL && i < us->n; i++)
			if (getpwnam(us->v[i].s) == NULL)
				break;
		if (us != NULL && i < us->n) {
			/* As on the oracle's machine: rejected. */
			printf("%s: %s: no user %s here: only the "
			    "rejection is compared\n", what, name,
			    us->v[i].s);
			as = NULL;
		}
	}
	if (as != NULL) {
		ds = jget(as, "dirs");
		for (i = 0; ds != NULL && i < ds->n; i++) {
			o2 = subst(ds->v[i].s, "@HERE@", dir);
			if (!mkdirs(o2, made, &nmade, 32)) {
				printf("%s: %s: skipped: cannot make %s\n",
				    what, name, o2);
				rc = -1;
			}
			free(o2);
		}
		eg = jget(as, "groups");
		reject = jget(as, "error") != NULL;
	}
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	target = path;
	wdir[0] = '\0';
	if (rc == 0 && jget(&exp, "wrapped_as_include") != NULL) {
		snprintf(wdir, sizeof(wdir), "/tmp/corpus-wrap.XXXXXX");
		ck_assert_ptr_nonnull(mkdtemp(wdir));
		snprintf(wfile, sizeof(wfile), "%s/supervisord.conf", wdir);
		fp = fopen(wfile, "w");
		ck_assert_ptr_nonnull(fp);
		fprintf(fp, "[supervisord]\n[include]\nfiles = %s\n", path);
		fclose(fp);
		target = wfile;
	}
	if (rc == 0) {
		c = cfg_load(target, &errs);
		if (c == NULL && !reject) {
			printf("%s: %s: DIFFERS: rejected: %s\n", what,
			    name, errs.n > 0 ? errs.v[0] : "?");
			rc = 0;
		} else if (c != NULL && reject) {
			printf("%s: %s: DIFFERS: accepted, supervisor "
			    "says: %s\n", what, name,
			    jget(&exp, "error")->s);
			rc = 0;
		} else if (c == NULL)
			rc = 1;
		else {
			fp = open_memstream(&out, &outlen);
			ck_assert_int_eq(cfg_dump_json(c, fp), 0);
			fclose(fp);
			o2 = subst(out, dir, "@HERE@");
			o3 = wdir[0] != '\0' ? subst(o2, wdir, "@WRAPPER@") :
			    strdup(o2);
			p = o3;
			ck_assert_msg(jparse(&p, &got) == 0, "%s: our JSON "
			    "does not parse:\n%s", name, o3);
			gg = jget(&got, "groups");
			snprintf(why, sizeof(why), "groups");
			if (eg != NULL && gg != NULL &&
			    jeq(eg, gg, why, sizeof(why)))
				rc = 1;
			else
				printf("%s: %s: DIFFERS at %s\n", what,
				    name, why);
			jfree(&got);
			free(o3);
			free(o2);
			free(out);
		}
		cfg_free(c);
		cfg_msgs_free(&errs);
	}
	if (wdir[0] != '\0') {
		unlink(wfile);
		rmdir(wdir);
	}
	while (nmade > 0)
		rmdir(made[--nmade]);
	jfree(&exp);
	return rc;
}

static int
name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/*
 * Every *.conf of dir (not its subdirectories, which hold included files),
 * in the oracle's environment; the counts in agree, differ, skip.
 */
static size_t
corpus_dir(const char *what, const char *dir, int *agree, int *differ,
    int *skip)
{
	char		 real[PATH_MAX], **names = NULL;
	struct dirent	*de;
	DIR		*d;
	size_t		 n = 0, i, len;
	int		 r;

	*agree = *differ = *skip = 0;
	ck_assert_ptr_nonnull(realpath(dir, real));
	ck_assert_ptr_nonnull(d = opendir(real));
	while ((de = readdir(d)) != NULL) {
		len = strlen(de->d_name);
		if (len > 5 && strcmp(de->d_name + len - 5, ".conf") == 0) {
			names = realloc(names, (n + 1) * sizeof(*names));
			names[n++] = strdup(de->d_name);
		}
	}
	closedir(d);
	if (n > 0)
		qsort(names, n, sizeof(*names), name_cmp);
	/* The oracle's environment, as oracle.py sets it. */
	clearenv();
	for (i = 0; i < sizeof(oracle_env) / sizeof(oracle_env[0]); i++)
		setenv(oracle_env[i][0], oracle_env[i][1], 1);
	setenv("PWD", real, 1);
	cfg_set_hostname("oracle-host");
	ck_assert_int_eq(chdir(real), 0);
	for (i = 0; i < n; i++) {
		r = corpus_one(what, real, names[i]);
		if (r == 1)
			(*agree)++;
		else if (r == 0)
			(*differ)++;
		else
			(*skip)++;
		free(names[i]);
	}
	free(names);
	cfg_set_hostname(NULL);
	return n;
}

START_TEST(test_corpus_agrees_with_supervisor)
{
	const char	*corpus = getenv("CORPUS");
	char		 dir[PATH_MAX];
	DIR		*d;
	size_t		 n;
	int		 agree, differ, skip;

	if (corpus == NULL || snprintf(dir, sizeof(dir),
	    "%s/supervisor-conf", corpus) <= 0 || (d = opendir(dir)) == NULL) {
		printf("corpus: SKIPPED: no corpus (CORPUS=%s)\n",
		    corpus != NULL ? corpus : "unset");
		return;
	}
	closedir(d);
	n = corpus_dir("corpus", dir, &agree, &differ, &skip);
	printf("corpus: %d of %zu files agree with supervisor 4.2.5 "
	    "(%d differ, %d skipped)\n", agree, n, differ, skip);
	ck_assert_msg(differ == 0, "%d corpus files differ", differ);
}
END_TEST

/*
 * tests/corpus: our own files, one key or quirk each, with what Python
 * supervisor 4.2.5 made of them (oracle.py), committed so that no Python
 * is needed here.
 */
START_TEST(test_own_corpus_agrees_with_supervisor)
{
	const char	*top = getenv("TOP");
	char		 dir[PATH_MAX];
	size_t		 n;
	int		 agree, differ, skip;

	if (top == NULL) {
		printf("own corpus: SKIPPED: TOP unset\n");
		return;
	}
	snprintf(dir, sizeof(dir), "%s/tests/corpus", top);
	n = corpus_dir("own corpus", dir, &agree, &differ, &skip);
	printf("own corpus: %d of %zu files agree with supervisor 4.2.5 "
	    "(%d differ, %d skipped)\n", agree, n, differ, skip);
	ck_assert_msg(n > 0, "no files in %s", dir);
	ck_assert_msg(differ == 0, "%d own corpus files differ", differ);
	ck_assert_msg(skip == 0, "%d own corpus files skipped", skip);
}
END_TEST

Suite *
corpus_suite(void)
{
	Suite	*s;
	TCase	*tc;

	s = suite_create("corpus");
	tc = tcase_create("corpus");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_corpus_agrees_with_supervisor);
	tcase_add_test(tc, test_own_corpus_agrees_with_supervisor);
	suite_add_tcase(s, tc);
	return s;
}
