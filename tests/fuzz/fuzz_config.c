/*
 * fuzz_config: libFuzzer over cfg_load and cfg_dump_json.  Each input is
 * written as fuzz.conf into a private temp dir, the working directory, and
 * loaded from there, so relative includes stay inside it; an input that
 * could include from elsewhere (an [include] with "/" or "..") is skipped,
 * and the environment is emptied so %(ENV_X)s names no outside path.
 */
#include <sys/stat.h>

#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "supervisord/config.h"

int	LLVMFuzzerInitialize(int *, char ***);
int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static char	 fz_dir[64];
static FILE	*fz_null;

/* Files an input's relative [include] may match. */
static const char *const fz_files[][2] = {
	{ "a.conf", "[program:inc]\ncommand=/bin/true %(here)s\n" },
	{ "b.ini", "[group:g]\nprograms=inc\n[include]\nfiles=a.conf\n" },
};

static void
fz_cleanup(void)
{
	size_t	i;

	for (i = 0; i < sizeof(fz_files) / sizeof(fz_files[0]); i++)
		unlink(fz_files[i][0]);
	unlink("fuzz.conf");
	if (chdir("/") == 0)
		rmdir(fz_dir);
}

static int
fz_write(const char *path, const void *buf, size_t len)
{
	int	fd;
	ssize_t	n;

	if ((fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
	    0600)) == -1)
		return -1;
	n = write(fd, buf, len);
	close(fd);
	return n == (ssize_t)len ? 0 : -1;
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	const char	*t;
	size_t		 i;

	(void)argc;
	(void)argv;
	if ((t = getenv("TMPDIR")) == NULL || *t == '\0')
		t = "/tmp";
	snprintf(fz_dir, sizeof(fz_dir), "%s/fuzz-config.XXXXXX", t);
	if (mkdtemp(fz_dir) == NULL || chdir(fz_dir) == -1) {
		perror(fz_dir);
		exit(1);
	}
	atexit(fz_cleanup);
	for (i = 0; i < sizeof(fz_files) / sizeof(fz_files[0]); i++)
		if (fz_write(fz_files[i][0], fz_files[i][1],
		    strlen(fz_files[i][1])) == -1) {
			perror(fz_files[i][0]);
			exit(1);
		}
	if ((fz_null = fopen("/dev/null", "we")) == NULL) {
		perror("/dev/null");
		exit(1);
	}
	clearenv();
	cfg_set_hostname("fuzzhost");
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cfg_msgs	 errs = { 0 };
	struct cfg	*c;

	if (memmem(data, size, "include", 7) != NULL &&
	    (memchr(data, '/', size) != NULL ||
	    memmem(data, size, "..", 2) != NULL))
		return 0;
	if (fz_write("fuzz.conf", data, size) == -1)
		abort();
	if ((c = cfg_load("fuzz.conf", &errs)) != NULL) {
		cfg_dump_json(c, fz_null);
		fflush(fz_null);
	}
	cfg_free(c);
	cfg_msgs_free(&errs);
	return 0;
}
