/*
 * skip: see skip.h.  A test runs in a process Check forked, so a skip is
 * counted as one line appended (O_APPEND, one write) to the file $TH_SKIPS
 * names, which the runner reads at the end.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <check.h>

#include "tests/skip.h"

static char	skips_tmp[4096];	/* a $TH_SKIPS the runner made */

bool
th_required(const char *need)
{
	const char	*r = getenv("REQUIRE"), *p;
	size_t		 l = strlen(need);

	if (r == NULL)
		return false;
	for (p = r; *p != '\0'; p += strcspn(p, ",")) {
		p += strspn(p, ", ");
		if (strncmp(p, "all", 3) == 0 && (p[3] == ',' || p[3] == '\0'))
			return true;
		if (strncmp(p, need, l) == 0 && (p[l] == ',' || p[l] == '\0'))
			return true;
	}
	return false;
}

void
th_skip_at(const char *test, const char *need, const char *fmt, ...)
{
	char		 why[1024], line[1536], name[256], *p;
	const char	*path;
	va_list		 ap;
	int		 fd, n;

	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	/* START_TEST(x) defines x_fn. */
	snprintf(name, sizeof(name), "%s", test);
	if ((p = strstr(name, "_fn")) != NULL && p[3] == '\0')
		*p = '\0';
	if (th_required(need))
		ck_abort_msg("%s: REQUIRE=%s names %s, but: %s", name,
		    getenv("REQUIRE"), need, why);
	n = snprintf(line, sizeof(line), "SKIP: %s: %s (needs %s)\n", name,
	    why, need);
	if (n < 0 || (size_t)n >= sizeof(line))
		n = (int)strlen(line);
	(void)write(STDOUT_FILENO, line, (size_t)n);
	if ((path = getenv("TH_SKIPS")) != NULL &&
	    (fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC,
	    0600)) != -1) {
		(void)write(fd, line, (size_t)n);
		close(fd);
	}
}

void
th_skips_begin(void)
{
	const char	*tmp = getenv("TMPDIR"), *path;
	int		 fd;

	if (tmp == NULL || *tmp == '\0')
		tmp = "/tmp";
	/* Check makes its own files under $TEMP, not $TMPDIR. */
	if (getenv("TEMP") == NULL)
		setenv("TEMP", tmp, 1);
	if ((path = getenv("TH_SKIPS")) != NULL && *path != '\0') {
		if ((fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
		    0600)) != -1)
			close(fd);
		return;
	}
	snprintf(skips_tmp, sizeof(skips_tmp), "%s/th-skips.XXXXXX", tmp);
	if ((fd = mkostemp(skips_tmp, O_CLOEXEC)) == -1) {
		fprintf(stderr, "skip: mkstemp %s: %s\n", skips_tmp,
		    strerror(errno));
		skips_tmp[0] = '\0';
		return;
	}
	close(fd);
	setenv("TH_SKIPS", skips_tmp, 1);
}

void
th_skips_end(const char *what, int run, int failed)
{
	const char	*path = getenv("TH_SKIPS");
	char		 line[1536];
	FILE		*fp;
	int		 skipped = 0;

	if (path != NULL && (fp = fopen(path, "re")) != NULL) {
		while (fgets(line, sizeof(line), fp) != NULL) {
			if (skipped++ == 0)
				printf("%s: skipped here:\n", what);
			printf("  %s", line);
		}
		fclose(fp);
	}
	if (skips_tmp[0] != '\0')
		unlink(skips_tmp);
	if (skipped > run - failed)
		skipped = run - failed;
	printf("%s: %d passed, %d failed, %d skipped\n", what,
	    run - failed - skipped, failed, skipped);
	/* For make check's total over the runners. */
	if ((path = getenv("TH_SUMMARY")) != NULL &&
	    (fp = fopen(path, "we")) != NULL) {
		fprintf(fp, "%d %d %d\n", run - failed - skipped, failed,
		    skipped);
		fclose(fp);
	}
}
