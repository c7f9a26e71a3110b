/*
 * package: the files that ship beside the daemon, checked quickly in
 * every `make check`: the example configuration in etc/ and the packaged
 * one (packaging/supervisord.conf) pass --test, Python supervisor reads
 * every example file without error, the systemd unit has the settings
 * the daemon relies on (and systemd-analyze verify accepts it where
 * systemd is installed), the Dockerfile's HEALTHCHECK works on the
 * packaged configuration, and the man pages pass mandoc -Tlint.
 * Building and installing the .deb takes longer: tests/package-test.sh,
 * run by `make deb-test`.
 */
#include <sys/types.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <check.h>

#include "tests/harness.h"
#include "tests/skip.h"

Suite	*package_suite(void);

/* $TOP/rel: the source tree (set by the Makefile). */
static const char *
top_path(struct th *h, const char *rel)
{
	const char	*top = getenv("TOP");
	char		 buf[4096];

	ck_assert_msg(top != NULL, "TOP is not set (run through make)");
	snprintf(buf, sizeof(buf), "%s/%s", top, rel);
	return th_path(h, buf);
}

/* Is prog on PATH? */
static bool
have(const char *prog)
{
	const char	*path = getenv("PATH");
	char		 buf[4096], *dirs, *d, *save = NULL;
	bool		 found = false;

	if (path == NULL || (dirs = strdup(path)) == NULL)
		return false;
	for (d = strtok_r(dirs, ":", &save); d != NULL && !found;
	    d = strtok_r(NULL, ":", &save)) {
		snprintf(buf, sizeof(buf), "%s/%s", d, prog);
		found = access(buf, X_OK) == 0;
	}
	free(dirs);
	return found;
}

/*
 * Run argv (PATH searched) with stdout and stderr into DIR/out, for at
 * most ms; its wait status.
 */
static int
run(struct th *h, int ms, char *const argv[])
{
	const char	*out = th_path(h, "out");
	long long	 end = th_now_ms() + ms;
	pid_t		 pid, r;
	int		 fd, status;

	if ((pid = fork()) == -1)
		ck_abort_msg("fork: %s", strerror(errno));
	if (pid == 0) {
		if ((fd = open(out, O_WRONLY | O_CREAT | O_TRUNC, 0644)) != -1) {
			dup2(fd, 1);
			dup2(fd, 2);
		}
		execvp(argv[0], argv);
		dprintf(2, "exec %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	for (;;) {
		r = waitpid(pid, &status, WNOHANG);
		if (r == pid)
			return status;
		if (th_now_ms() >= end) {
			kill(pid, SIGKILL);
			waitpid(pid, &status, 0);
			ck_abort_msg("%s did not finish within %d ms", argv[0],
			    ms);
		}
		usleep(10000);
	}
}

/* Copy the file src to rel in the test directory, with sed-like edits. */
static void
copy_edit(struct th *h, const char *src, const char *rel,
    const char *const *from, const char *const *to, size_t n)
{
	const char	*text = th_read(h, src, NULL);
	char		*buf, *p;
	size_t		 i, len, cap;

	ck_assert_msg(text != NULL, "cannot read %s", src);
	cap = strlen(text) * 4 + 4096;
	ck_assert((buf = malloc(cap)) != NULL);
	snprintf(buf, cap, "%s", text);
	for (i = 0; i < n; i++) {
		/* Past each replacement: to[i] may contain from[i]. */
		for (p = buf; (p = strstr(p, from[i])) != NULL;
		    p += strlen(to[i])) {
			len = strlen(from[i]);
			ck_assert(strlen(buf) + strlen(to[i]) < cap);
			memmove(p + strlen(to[i]), p + len, strlen(p + len) + 1);
			memcpy(p, to[i], strlen(to[i]));
		}
	}
	th_write(h, rel, buf);
	free(buf);
}

static bool
has_line(const char *text, const char *line)
{
	const char	*p = text;
	size_t		 l = strlen(line);

	while (p != NULL && *p != '\0') {
		if (strncmp(p, line, l) == 0 && (p[l] == '\n' || p[l] == '\0'))
			return true;
		if ((p = strchr(p, '\n')) != NULL)
			p++;
	}
	return false;
}

/* Copy the example stanzas (etc/conf.d/NAME.conf) into the directory rel. */
static int
copy_stanzas(struct th *h, const char *rel)
{
	glob_t	 g;
	char	 dst[4096];
	size_t	 i;
	int	 n;

	memset(&g, 0, sizeof(g));
	if (glob(top_path(h, "etc/conf.d/*.conf"), 0, NULL, &g) != 0)
		return 0;
	for (i = 0; i < g.gl_pathc; i++) {
		snprintf(dst, sizeof(dst), "%s/%s", rel,
		    strrchr(g.gl_pathv[i], '/') + 1);
		th_write(h, dst, th_read(h, g.gl_pathv[i], NULL));
	}
	n = (int)g.gl_pathc;
	globfree(&g);
	return n;
}

START_TEST(test_example_configuration_passes_test)
{
	struct th	*h = th_new();
	const char	*conf = top_path(h, "etc/supervisord.conf");
	int		 status;

	status = th_run(h, 10000, "--test", "-c", conf, (char *)NULL);
	if (!th_exited_ok(status))
		th_dump(h);
	ck_assert_msg(th_exited_ok(status), "--test on %s: %s", conf,
	    th_read(h, "stderr", NULL));
	ck_assert(strstr(th_read(h, "stdout", NULL), "configuration OK") !=
	    NULL);
	ck_assert_msg(strstr(th_read(h, "stderr", NULL), "error") == NULL,
	    "%s", th_read(h, "stderr", NULL));
	th_free(h);
}
END_TEST

/*
 * Python supervisor 4.2.5 reads every example file as it is, our keys
 * among them (it ignores keys it does not know): the corpus' oracle.py,
 * which runs supervisor's own parse, reports no error for any of them.
 */
START_TEST(test_examples_pass_python_supervisor)
{
	struct th	*h = th_new();
	const char	*corpus = getenv("CORPUS"), *out;
	char		 oracle[4096], *argv[4];
	glob_t		 g;
	size_t		 i;
	int		 status;

	ck_assert_msg(corpus != NULL, "CORPUS is not set (run through make)");
	snprintf(oracle, sizeof(oracle), "%s/oracle.py", corpus);
	argv[0] = "/usr/bin/python3";
	argv[1] = "-c";
	argv[2] = "import supervisor.options";
	argv[3] = NULL;
	if (access(argv[0], X_OK) == -1 ||
	    !th_exited_ok(run(h, 20000, argv))) {
		th_skip("supervisor", "%s cannot import supervisor.options",
		    argv[0]);
		th_free(h);
		return;
	}
	ck_assert(glob(top_path(h, "etc/conf.d/*.conf"), 0, NULL, &g) == 0);
	ck_assert(glob(top_path(h, "etc/supervisord.conf"), GLOB_APPEND, NULL,
	    &g) == 0);
	for (i = 0; i < g.gl_pathc; i++) {
		argv[1] = oracle;
		argv[2] = g.gl_pathv[i];
		status = run(h, 30000, argv);
		out = th_read(h, "out", NULL);
		ck_assert_msg(th_exited_ok(status) && out != NULL &&
		    strstr(out, "\"error\":") == NULL &&
		    strstr(out, "\"groups\": [\n  {") != NULL,
		    "oracle.py %s:\n%s", g.gl_pathv[i], out);
	}
	ck_assert_int_ge((int)g.gl_pathc, 2);
	globfree(&g);
	th_free(h);
}
END_TEST

START_TEST(test_packaged_configuration_passes_test)
{
	static const char *const from[] = { "/var/log/supervisor", "/run/" };
	const char	*to[2];
	const char	*text;
	struct th	*h = th_new();
	const char	*t;
	int		 status, n;

	text = th_read(h, top_path(h, "packaging/supervisord.conf"), NULL);
	ck_assert(text != NULL);
	/* What the package promises, as the file says it. */
	ck_assert(has_line(text, "files = conf.d/*.conf"));
	ck_assert(strstr(text, "\nlogfile = /var/log/supervisor/"
	    "supervisord.log") != NULL);
	ck_assert(strstr(text, "\nchildlogdir = /var/log/supervisor") !=
	    NULL);
	ck_assert(strstr(text, "\nfile = /run/supervisor.sock") != NULL);
	ck_assert(strstr(text, "\nserverurl = unix:///run/supervisor.sock") !=
	    NULL);

	/* The same file with its directories moved into the test's, and
	   the example stanzas in its conf.d/. */
	to[0] = th_path(h, "log");
	to[1] = th_path(h, "run/");
	th_write(h, "log/.keep", "");
	th_write(h, "run/.keep", "");
	copy_edit(h, top_path(h, "packaging/supervisord.conf"),
	    "supervisor/supervisord.conf", from, to, 2);
	n = copy_stanzas(h, "supervisor/conf.d");
	ck_assert_int_gt(n, 0);
	status = th_run(h, 10000, "--test", "-c",
	    th_path(h, "supervisor/supervisord.conf"), (char *)NULL);
	if (!th_exited_ok(status))
		th_dump(h);
	ck_assert(th_exited_ok(status));
	/* Every stanza was read: each file holds at least one program. */
	text = th_read(h, "stdout", NULL);
	ck_assert_msg((t = strstr(text, "configuration OK: ")) != NULL, "%s",
	    text);
	ck_assert_int_ge(atoi(t + 18), n);
	th_free(h);
}
END_TEST

/*
 * The Dockerfile's HEALTHCHECK command, exec form (CMD ["a", "b"]), its
 * continuation lines joined: the words into argv (at most max - 1,
 * NULL-terminated, in a static buffer), their count.
 */
static int
healthcheck_argv(struct th *h, char **argv, int max)
{
	const char	*text = th_read(h, top_path(h, "packaging/Dockerfile"),
			    NULL);
	static char	 buf[4096];
	char		*b = buf, *e;
	const char	*p;
	int		 n = 0;

	ck_assert(text != NULL);
	p = strstr(text, "\nHEALTHCHECK ");
	ck_assert_msg(p != NULL, "no HEALTHCHECK in packaging/Dockerfile");
	for (p++; *p != '\0' && b < buf + sizeof(buf) - 1; p++) {
		if (p[0] == '\\' && p[1] == '\n') {
			p++;
			continue;
		}
		if (*p == '\n')
			break;
		*b++ = *p;
	}
	*b = '\0';
	b = strstr(buf, "CMD [");
	ck_assert_msg(b != NULL, "HEALTHCHECK not in exec form: %s", buf);
	for (b += 5; n < max - 1 && (b = strchr(b, '"')) != NULL; b = e + 1) {
		ck_assert((e = strchr(b + 1, '"')) != NULL);
		*e = '\0';
		argv[n++] = b + 1;
	}
	argv[n] = NULL;
	return n;
}

static bool
run_ok(struct th *h, void *arg)
{
	return th_exited_ok(run(h, 15000, arg));
}

/*
 * The Dockerfile's HEALTHCHECK, run as it is (our supervisorctl in its
 * place, -c naming the packaged configuration moved into the test's
 * directory) against a daemon on that configuration and the example
 * stanzas: exit 0 once the programs are up, 1 once one is FATAL.
 */
START_TEST(test_dockerfile_healthcheck)
{
	static const char *const from[] = { "/var/log/supervisor", "/run/" };
	struct th	*h = th_new();
	const char	*to[2], *conf, *out;
	char		*argv[16];
	int		 i, n, status;

	n = healthcheck_argv(h, argv, 16);
	ck_assert_int_ge(n, 2);
	ck_assert_msg(strcmp(argv[0], "supervisorctl") == 0 ||
	    strcmp(argv[0], "/usr/bin/supervisorctl") == 0, "%s", argv[0]);
	ck_assert_str_eq(argv[n - 1], "health");
	to[0] = th_path(h, "log");
	to[1] = th_path(h, "run/");
	th_write(h, "log/.keep", "");
	th_write(h, "run/.keep", "");
	copy_edit(h, top_path(h, "packaging/supervisord.conf"),
	    "supervisor/supervisord.conf", from, to, 2);
	ck_assert_int_gt(copy_stanzas(h, "supervisor/conf.d"), 0);
	conf = th_path(h, "supervisor/supervisord.conf");
	argv[0] = getenv("SUPERVISORCTL");
	ck_assert(argv[0] != NULL);
	/* -c names the image's file: this test's copy stands in for it. */
	for (i = 1; i < n - 1; i++)
		if (strcmp(argv[i], "-c") == 0) {
			ck_assert_str_eq(argv[i + 1],
			    "/etc/supervisor/supervisord.conf");
			argv[i + 1] = (char *)(uintptr_t)conf;
		}
	th_set_log(h, "log/supervisord.log");
	th_start(h, "-n", "-c", conf, (char *)NULL);
	ck_assert(th_wait_log(h, "success: web entered RUNNING", 10000));
	ck_assert_msg(th_wait(h, run_ok, argv, 10000), "%s",
	    th_read(h, "out", NULL));
	ck_assert_str_eq(th_read(h, "out", NULL), "healthy\n");
	/* A program that cannot start, added by a reload: FATAL. */
	th_write(h, "supervisor/conf.d/broken.conf", "[program:broken]\n"
	    "command = /bin/false\nstartsecs = 1\nstartretries = 0\n");
	ck_assert_int_eq(th_signal(h, SIGHUP), 0);
	ck_assert(th_wait_log(h, "gave up: broken entered FATAL", 10000));
	status = run(h, 15000, argv);
	out = th_read(h, "out", NULL);
	ck_assert_msg(th_exit_code(status) == 1 && out != NULL &&
	    strncmp(out, "broken ", 7) == 0 && strstr(out, "FATAL") != NULL,
	    "exit %d: %s", th_exit_code(status), out);
	ck_assert(th_exited_ok(th_stop_ms(h, 20000)));
	th_free(h);
}
END_TEST

START_TEST(test_unit_file)
{
	struct th	*h = th_new();
	const char	*unit = top_path(h, "packaging/supervisord.service");
	const char	*text = th_read(h, unit, NULL);
	static const char *const lines[] = {
		"Type=notify",
		("ExecStart=/usr/bin/supervisord -n -c "
		    "/etc/supervisor/supervisord.conf"),
		"ExecReload=/bin/kill -HUP $MAINPID",
		"KillMode=mixed",
		"Restart=on-failure",
		"RestartPreventExitStatus=2",
		"WantedBy=multi-user.target",
	};
	const char	*t, *from[1], *to[1];
	size_t		 i;
	int		 status;

	ck_assert(text != NULL);
	for (i = 0; i < sizeof(lines) / sizeof(lines[0]); i++)
		ck_assert_msg(has_line(text, lines[i]), "no '%s' in %s",
		    lines[i], unit);
	ck_assert((t = strstr(text, "\nTimeoutStopSec=")) != NULL);
	ck_assert_int_ge(atoi(t + 16), 60);
	/* Nothing that would get in the way of programs run as others. */
	ck_assert(strstr(text, "\nNoNewPrivileges") == NULL);
	ck_assert(strstr(text, "\nUser=") == NULL);
	ck_assert(strstr(text, "\nPrivateTmp") == NULL);
	ck_assert(strstr(text, "\nProtectSystem") == NULL);
	ck_assert(strstr(text, "\nProtectHome") == NULL);

	if (!have("systemd-analyze")) {
		th_skip("systemd-analyze", "systemd-analyze verify "
		    "supervisord.service: no systemd-analyze here");
		th_free(h);
		return;
	}
	/* The unit as it is, starting the daemon just built. */
	from[0] = "/usr/bin/supervisord";
	to[0] = getenv("SUPERVISORD");
	ck_assert(to[0] != NULL);
	copy_edit(h, unit, "unit/supervisord.service", from, to, 1);
	{
		char *argv[] = { "systemd-analyze", "verify", "--man=no",
		    (char *)(uintptr_t)th_path(h, "unit/supervisord.service"),
		    NULL };

		status = run(h, 20000, argv);
	}
	ck_assert_msg(th_exited_ok(status), "systemd-analyze verify: %s",
	    th_read(h, "out", NULL));
	th_free(h);
}
END_TEST

START_TEST(test_man_pages_lint_clean)
{
	struct th	*h = th_new();
	glob_t		 g;
	char		*argv[16];
	const char	*out;
	size_t		 i, n = 0;
	int		 status;

	if (!have("mandoc")) {
		th_skip("mandoc", "mandoc -Tlint: no mandoc here "
		    "(apt-get install mandoc)");
		th_free(h);
		return;
	}
	memset(&g, 0, sizeof(g));
	ck_assert(glob(top_path(h, "man/*.[1-8]"), 0, NULL, &g) == 0);
	ck_assert_int_ge(g.gl_pathc, 2);
	argv[n++] = "mandoc";
	argv[n++] = "-Tlint";
	/*
	 * Warnings and errors.  Style notes ("referenced manual not found")
	 * depend on which manuals this machine has installed.
	 */
	argv[n++] = "-W";
	argv[n++] = "warning";
	for (i = 0; i < g.gl_pathc && n < 15; i++)
		argv[n++] = g.gl_pathv[i];
	argv[n] = NULL;
	status = run(h, 20000, argv);
	out = th_read(h, "out", NULL);
	ck_assert_msg(th_exited_ok(status) && out != NULL && *out == '\0',
	    "mandoc -Tlint: %s", out != NULL ? out : "");
	globfree(&g);
	th_free(h);
}
END_TEST

Suite *
package_suite(void)
{
	Suite	*s;
	TCase	*tc;

	s = suite_create("package");
	tc = th_tcase("package", 30);
	tcase_add_test(tc, test_example_configuration_passes_test);
	tcase_add_test(tc, test_examples_pass_python_supervisor);
	tcase_add_test(tc, test_packaged_configuration_passes_test);
	tcase_add_test(tc, test_dockerfile_healthcheck);
	tcase_add_test(tc, test_unit_file);
	tcase_add_test(tc, test_man_pages_lint_clean);
	suite_add_tcase(s, tc);
	return s;
}
