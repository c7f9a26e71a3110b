/*
 * rlog: real files in a fresh temp dir.  Rotated content is checked byte
 * for byte by concatenating NAME.N ... NAME.1 NAME; errors are real ones
 * (/dev/full, RLIMIT_FSIZE, a removed directory).
 */
#include <sys/resource.h>
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <check.h>

#include "libproc/rlog.h"

Suite	*rlog_suite(void);

static char	tmpdir[256];
static char	logpath[PATH_MAX];

static void
setup(void)
{
	const char	*t;

	if ((t = getenv("TMPDIR")) == NULL)
		t = "/tmp";
	snprintf(tmpdir, sizeof(tmpdir), "%s/check_rlog.XXXXXX", t);
	ck_assert_ptr_nonnull(mkdtemp(tmpdir));
	snprintf(logpath, sizeof(logpath), "%s/out.log", tmpdir);
}

/* Remove tmpdir, one level of subdirectories deep. */
static void
rmtree(const char *dir, int depth)
{
	char		 p[PATH_MAX];
	struct dirent	*de;
	DIR		*d;

	if ((d = opendir(dir)) == NULL)
		return;
	while ((de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 ||
		    strcmp(de->d_name, "..") == 0)
			continue;
		snprintf(p, sizeof(p), "%s/%s", dir, de->d_name);
		if (unlink(p) == -1 && errno == EISDIR && depth > 0)
			rmtree(p, depth - 1);
	}
	closedir(d);
	rmdir(dir);
}

static void
teardown(void)
{
	rmtree(tmpdir, 1);
}

/* The whole file at path, its length in *lenp; NULL if it is missing. */
static char *
slurp(const char *path, size_t *lenp)
{
	struct stat	 st;
	char		*buf;
	ssize_t		 n;
	size_t		 got = 0;
	int		 fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return NULL;
	ck_assert_int_eq(fstat(fd, &st), 0);
	buf = malloc((size_t)st.st_size + 1);
	ck_assert_ptr_nonnull(buf);
	while (got < (size_t)st.st_size) {
		n = read(fd, buf + got, (size_t)st.st_size - got);
		ck_assert_int_gt(n, 0);
		got += (size_t)n;
	}
	buf[got] = '\0';
	close(fd);
	*lenp = got;
	return buf;
}

static void
assert_file(const char *path, const char *want)
{
	size_t	 len;
	char	*got;

	got = slurp(path, &len);
	ck_assert_msg(got != NULL, "%s missing", path);
	ck_assert_uint_eq(len, strlen(want));
	ck_assert_str_eq(got, want);
	free(got);
}

static void
assert_missing(const char *path)
{
	ck_assert_msg(access(path, F_OK) == -1 && errno == ENOENT,
	    "%s exists", path);
}

static void
backup_name(char *buf, size_t sz, int i)
{
	snprintf(buf, sz, "%s.%d", logpath, i);
}

static void
write_file(const char *path, const char *data)
{
	int	fd;

	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	ck_assert_int_ne(fd, -1);
	ck_assert_int_eq(write(fd, data, strlen(data)), (ssize_t)strlen(data));
	close(fd);
}

static ssize_t
wr(struct proc_rlog *rl, const char *s)
{
	return proc_rlog_write(rl, s, strlen(s));
}

/*
 * Concatenate NAME.N ... NAME.1 NAME into a buffer; checks each file's
 * size against maxbytes, and with lines_whole that each ends with '\n'
 * or is a cut of exactly maxbytes.  Returns the number of files.
 */
static int
collect(char *out, size_t cap, size_t *lenp, off_t maxbytes, int lines_whole)
{
	char	 name[PATH_MAX + 16], *data;
	size_t	 len, total = 0;
	int	 n, i;

	for (n = 0;; n++) {
		backup_name(name, sizeof(name), n + 1);
		if (access(name, F_OK) == -1)
			break;
	}
	for (i = n; i >= 0; i--) {
		if (i == 0)
			snprintf(name, sizeof(name), "%s", logpath);
		else
			backup_name(name, sizeof(name), i);
		data = slurp(name, &len);
		ck_assert_msg(data != NULL, "%s missing", name);
		ck_assert_msg((off_t)len <= maxbytes, "%s: %zu bytes", name,
		    len);
		if (lines_whole && len > 0)
			ck_assert_msg(data[len - 1] == '\n' ||
			    (off_t)len == maxbytes,
			    "%s: ends mid-line", name);
		ck_assert_uint_le(total + len, cap);
		memcpy(out + total, data, len);
		total += len;
		free(data);
	}
	*lenp = total;
	return n + 1;
}

static unsigned long	rng_state;

static unsigned long
rng(void)
{
	rng_state = rng_state * 6364136223846793005UL + 1442695040888963407UL;
	return rng_state >> 33;
}

/* A stream of lines of 1..lmax bytes, '\n' included. */
static size_t
make_lines(char *buf, size_t len, size_t lmax)
{
	size_t	i = 0, l, k;

	while (i < len) {
		l = 1 + rng() % lmax;
		if (l > len - i)
			l = len - i;
		for (k = 0; k + 1 < l; k++)
			buf[i + k] = (char)('a' + (i + k) % 26);
		buf[i + l - 1] = '\n';
		i += l;
	}
	return len;
}

/* Random chunks that ignore line ends: bytes exact, files <= maxbytes. */
START_TEST(test_rlog_rotations_byte_exact)
{
	enum { LEN = 150000, MAX = 1000 };
	struct proc_rlog	*rl;
	char			*in, *out;
	size_t			 off = 0, n, outlen;
	int			 files;

	rng_state = 1;
	in = malloc(LEN);
	out = malloc(LEN);
	ck_assert(in != NULL && out != NULL);
	make_lines(in, LEN, 2 * MAX);	/* some lines longer than MAX */
	rl = proc_rlog_open(logpath, MAX, 400);
	ck_assert_ptr_nonnull(rl);
	while (off < LEN) {
		n = 1 + rng() % (3 * MAX);
		if (n > LEN - off)
			n = LEN - off;
		ck_assert_int_eq(proc_rlog_write(rl, in + off, n), (ssize_t)n);
		off += n;
	}
	proc_rlog_close(rl);
	files = collect(out, LEN, &outlen, MAX, 0);
	ck_assert_int_gt(files, LEN / MAX);
	ck_assert_uint_eq(outlen, LEN);
	ck_assert(memcmp(in, out, LEN) == 0);
	free(in);
	free(out);
}
END_TEST

/* Whole-line writes of lines <= maxbytes: every file ends at a '\n'. */
START_TEST(test_rlog_lines_never_split)
{
	enum { LEN = 100000, MAX = 500 };
	struct proc_rlog	*rl;
	char			*in, *out, *nl;
	size_t			 off = 0, end, outlen;
	int			 k, files;

	rng_state = 7;
	in = malloc(LEN);
	out = malloc(LEN);
	ck_assert(in != NULL && out != NULL);
	make_lines(in, LEN, MAX);
	rl = proc_rlog_open(logpath, MAX, 400);
	ck_assert_ptr_nonnull(rl);
	while (off < LEN) {
		/* 1 to 4 whole lines per write */
		end = off;
		for (k = 1 + (int)(rng() % 4); k > 0 && end < LEN; k--) {
			nl = memchr(in + end, '\n', LEN - end);
			end = nl == NULL ? LEN : (size_t)(nl - in) + 1;
		}
		ck_assert_int_eq(proc_rlog_write(rl, in + off, end - off),
		    (ssize_t)(end - off));
		off = end;
	}
	proc_rlog_close(rl);
	files = collect(out, LEN, &outlen, MAX, 1);
	ck_assert_int_gt(files, LEN / MAX);
	ck_assert_uint_eq(outlen, LEN);
	ck_assert(memcmp(in, out, LEN) == 0);
	free(in);
	free(out);
}
END_TEST

START_TEST(test_rlog_long_line_cut_at_maxbytes)
{
	struct proc_rlog	*rl;
	char			 line[252], want[101], name[PATH_MAX + 16];

	memset(line, 'x', 250);
	line[250] = '\n';
	line[251] = '\0';
	memset(want, 'x', 100);
	want[100] = '\0';
	write_file(logpath, "abc\n");
	rl = proc_rlog_open(logpath, 100, 5);
	ck_assert_ptr_nonnull(rl);
	/* The file is not empty and nothing fits up to a '\n': rotate first. */
	ck_assert_int_eq(wr(rl, line), 251);
	proc_rlog_close(rl);
	backup_name(name, sizeof(name), 3);
	assert_file(name, "abc\n");
	backup_name(name, sizeof(name), 2);
	assert_file(name, want);
	backup_name(name, sizeof(name), 1);
	assert_file(name, want);
	memset(want, 'x', 50);
	want[50] = '\n';
	want[51] = '\0';
	assert_file(logpath, want);
	backup_name(name, sizeof(name), 4);
	assert_missing(name);
}
END_TEST

START_TEST(test_rlog_cut_at_last_newline_that_fits)
{
	struct proc_rlog	*rl;
	char			 name[PATH_MAX + 16];

	rl = proc_rlog_open(logpath, 10, 2);
	ck_assert_ptr_nonnull(rl);
	ck_assert_int_eq(wr(rl, "ab\n"), 3);
	/* 3 + 9 > 10: "cd\nef\n" fits up to its last '\n', "gh\n" moves. */
	ck_assert_int_eq(wr(rl, "cd\nef\ngh\n"), 9);
	/* Exactly maxbytes fits without a rotation. */
	ck_assert_int_eq(wr(rl, "123456\n"), 7);
	proc_rlog_close(rl);
	backup_name(name, sizeof(name), 1);
	assert_file(name, "ab\ncd\nef\n");
	assert_file(logpath, "gh\n123456\n");
}
END_TEST

START_TEST(test_rlog_backups_limit)
{
	struct proc_rlog	*rl;
	char			 name[PATH_MAX + 16], line[16];
	int			 i;

	write_file(logpath, "");
	backup_name(name, sizeof(name), 7);
	write_file(name, "stale\n");
	rl = proc_rlog_open(logpath, 10, 3);
	ck_assert_ptr_nonnull(rl);
	/* 9-byte lines: two never fit in 10 bytes, so one per file. */
	for (i = 0; i < 20; i++) {
		snprintf(line, sizeof(line), "%08d\n", i);
		ck_assert_int_eq(wr(rl, line), 9);
	}
	proc_rlog_close(rl);
	assert_file(logpath, "00000019\n");
	for (i = 1; i <= 3; i++) {
		backup_name(name, sizeof(name), i);
		snprintf(line, sizeof(line), "%08d\n", 19 - i);
		assert_file(name, line);
	}
	backup_name(name, sizeof(name), 4);
	assert_missing(name);
	/* Beyond backups: left alone, as supervisor does. */
	backup_name(name, sizeof(name), 7);
	assert_file(name, "stale\n");
}
END_TEST

START_TEST(test_rlog_no_backups_truncates)
{
	struct proc_rlog	*rl;
	char			 name[PATH_MAX + 16];

	rl = proc_rlog_open(logpath, 10, 0);
	ck_assert_ptr_nonnull(rl);
	ck_assert_int_eq(wr(rl, "1234567\n"), 8);
	ck_assert_int_eq(wr(rl, "abcdefg\n"), 8);
	ck_assert_int_eq(wr(rl, "z\n"), 2);
	proc_rlog_close(rl);
	assert_file(logpath, "abcdefg\nz\n");
	backup_name(name, sizeof(name), 1);
	assert_missing(name);
}
END_TEST

START_TEST(test_rlog_maxbytes_zero_never_rotates)
{
	struct proc_rlog	*rl;
	struct stat		 st;
	char			 buf[4096], name[PATH_MAX + 16];
	int			 i;

	memset(buf, 'y', sizeof(buf));
	buf[sizeof(buf) - 1] = '\n';
	rl = proc_rlog_open(logpath, 0, 3);
	ck_assert_ptr_nonnull(rl);
	for (i = 0; i < 1024; i++)
		ck_assert_int_eq(proc_rlog_write(rl, buf, sizeof(buf)),
		    (ssize_t)sizeof(buf));
	proc_rlog_close(rl);
	ck_assert_int_eq(stat(logpath, &st), 0);
	ck_assert_int_eq(st.st_size, 1024 * (off_t)sizeof(buf));
	backup_name(name, sizeof(name), 1);
	assert_missing(name);
}
END_TEST

/*
 * stdout_logfile=/dev/null: what is not a regular file is never renamed
 * away or truncated.  Through a link in the test's directory, so that a
 * rotation would rename the link, never /dev/null itself.
 */
START_TEST(test_rlog_device_never_rotates)
{
	struct proc_rlog	*rl;
	struct stat		 st;
	char			 buf[100], name[PATH_MAX + 16], link[PATH_MAX];
	ssize_t			 n;
	int			 i;

	memset(buf, 'z', sizeof(buf));
	buf[sizeof(buf) - 1] = '\n';
	ck_assert_int_eq(symlink("/dev/null", logpath), 0);
	rl = proc_rlog_open(logpath, 150, 0);
	ck_assert_ptr_nonnull(rl);
	for (i = 0; i < 10; i++)
		ck_assert_int_eq(proc_rlog_write(rl, buf, sizeof(buf)),
		    (ssize_t)sizeof(buf));
	proc_rlog_close(rl);
	rl = proc_rlog_open(logpath, 150, 3);
	ck_assert_ptr_nonnull(rl);
	for (i = 0; i < 10; i++)
		ck_assert_int_eq(proc_rlog_write(rl, buf, sizeof(buf)),
		    (ssize_t)sizeof(buf));
	proc_rlog_close(rl);
	ck_assert_int_eq(lstat(logpath, &st), 0);
	ck_assert(S_ISLNK(st.st_mode));
	n = readlink(logpath, link, sizeof(link) - 1);
	ck_assert_int_gt(n, 0);
	link[n] = '\0';
	ck_assert_str_eq(link, "/dev/null");
	backup_name(name, sizeof(name), 1);
	assert_missing(name);
}
END_TEST

/* The size counts from what is in the file at open. */
START_TEST(test_rlog_size_from_existing_file)
{
	struct proc_rlog	*rl;
	char			 name[PATH_MAX + 16];

	write_file(logpath, "old1\nold2\n");
	rl = proc_rlog_open(logpath, 15, 2);
	ck_assert_ptr_nonnull(rl);
	ck_assert_int_eq(wr(rl, "new1\n"), 5);		/* 15: fits */
	ck_assert_int_eq(wr(rl, "new2\n"), 5);		/* rotates */
	proc_rlog_close(rl);
	backup_name(name, sizeof(name), 1);
	assert_file(name, "old1\nold2\nnew1\n");
	assert_file(logpath, "new2\n");

	/* A file already over maxbytes rotates before the first write. */
	write_file(logpath, "0123456789abcdefghij\n");
	rl = proc_rlog_open(logpath, 15, 2);
	ck_assert_ptr_nonnull(rl);
	ck_assert_int_eq(wr(rl, "x\n"), 2);
	proc_rlog_close(rl);
	backup_name(name, sizeof(name), 1);
	assert_file(name, "0123456789abcdefghij\n");
	backup_name(name, sizeof(name), 2);
	assert_file(name, "old1\nold2\nnew1\n");
	assert_file(logpath, "x\n");
}
END_TEST

START_TEST(test_rlog_reopen_after_rename)
{
	struct proc_rlog	*rl;
	char			 moved[PATH_MAX + 16], name[PATH_MAX + 16];

	snprintf(moved, sizeof(moved), "%s.moved", logpath);
	rl = proc_rlog_open(logpath, 20, 2);
	ck_assert_ptr_nonnull(rl);
	ck_assert_int_eq(wr(rl, "a\n"), 2);
	ck_assert_int_eq(rename(logpath, moved), 0);
	ck_assert_int_eq(wr(rl, "b\n"), 2);	/* still the moved file */
	/* Someone puts 15 bytes at the path: reopen must count them. */
	write_file(logpath, "0123456789abcd\n");
	ck_assert_int_eq(proc_rlog_reopen(rl), 0);
	ck_assert_int_eq(wr(rl, "c\n"), 2);		/* 17 */
	ck_assert_int_eq(wr(rl, "dddd\n"), 5);	/* 22 > 20: rotates */
	proc_rlog_close(rl);
	assert_file(moved, "a\nb\n");
	backup_name(name, sizeof(name), 1);
	assert_file(name, "0123456789abcd\nc\n");
	assert_file(logpath, "dddd\n");
}
END_TEST

START_TEST(test_rlog_removed_directory_resumes)
{
	struct proc_rlog	*rl;
	char			 sub[PATH_MAX], path[PATH_MAX + 16];

	snprintf(sub, sizeof(sub), "%s/sub", tmpdir);
	snprintf(path, sizeof(path), "%s/out.log", sub);
	ck_assert_int_eq(mkdir(sub, 0755), 0);
	rl = proc_rlog_open(path, 10, 1);
	ck_assert_ptr_nonnull(rl);
	ck_assert_str_eq(proc_rlog_path(rl), path);
	ck_assert_int_eq(wr(rl, "12345\n"), 6);

	/* Gone, then reopened (logrotate, SIGUSR2): open fails. */
	ck_assert_int_eq(unlink(path), 0);
	ck_assert_int_eq(rmdir(sub), 0);
	errno = 0;
	ck_assert_int_eq(proc_rlog_reopen(rl), -1);
	ck_assert_int_eq(errno, ENOENT);
	errno = 0;
	ck_assert_int_eq(wr(rl, "lost\n"), -1);
	ck_assert_int_eq(errno, ENOENT);
	ck_assert_int_eq(mkdir(sub, 0755), 0);
	ck_assert_int_eq(wr(rl, "back\n"), 5);
	assert_file(path, "back\n");

	/* Gone while open: the rotation's open fails, then resumes. */
	ck_assert_int_eq(unlink(path), 0);
	ck_assert_int_eq(rmdir(sub), 0);
	errno = 0;
	ck_assert_int_eq(wr(rl, "abcdef\n"), -1);	/* 5 + 7 > 10 */
	ck_assert_int_eq(errno, ENOENT);
	ck_assert_int_eq(wr(rl, "abcdef\n"), -1);
	ck_assert_int_eq(mkdir(sub, 0755), 0);
	ck_assert_int_eq(wr(rl, "abcdef\n"), 7);
	proc_rlog_close(rl);
	assert_file(path, "abcdef\n");
}
END_TEST

/* A rotation that cannot rename keeps the file and reports the error. */
START_TEST(test_rlog_failed_rotation_keeps_file)
{
	struct proc_rlog	*rl;
	char			 name[PATH_MAX + 16], inner[PATH_MAX + 32];

	/* NAME.1 a non-empty directory: rename(NAME, NAME.1) fails. */
	backup_name(name, sizeof(name), 1);
	snprintf(inner, sizeof(inner), "%s/x", name);
	ck_assert_int_eq(mkdir(name, 0755), 0);
	write_file(inner, "x");
	rl = proc_rlog_open(logpath, 10, 1);
	ck_assert_ptr_nonnull(rl);
	ck_assert_int_eq(wr(rl, "12345\n"), 6);
	errno = 0;
	ck_assert_int_eq(wr(rl, "abcdef\n"), -1);	/* 6 + 7 > 10 */
	ck_assert(errno == EISDIR || errno == ENOTEMPTY || errno == EEXIST);
	/* Cut after "ab\n": those bytes are in, the rest is not. */
	ck_assert_int_eq(wr(rl, "ab\ncdef\n"), 3);
	assert_file(logpath, "12345\nab\n");
	ck_assert_int_eq(unlink(inner), 0);
	ck_assert_int_eq(rmdir(name), 0);
	ck_assert_int_eq(wr(rl, "cdef\n"), 5);
	proc_rlog_close(rl);
	assert_file(name, "12345\nab\n");
	assert_file(logpath, "cdef\n");
}
END_TEST

START_TEST(test_rlog_open_errors)
{
	char	path[PATH_MAX + 16];

	snprintf(path, sizeof(path), "%s/none/out.log", tmpdir);
	errno = 0;
	ck_assert_ptr_null(proc_rlog_open(path, 10, 1));
	ck_assert_int_eq(errno, ENOENT);
	errno = 0;
	ck_assert_ptr_null(proc_rlog_open(logpath, -1, 1));
	ck_assert_int_eq(errno, EINVAL);
	ck_assert_ptr_null(proc_rlog_open(logpath, 10, -1));
	proc_rlog_close(NULL);
}
END_TEST

START_TEST(test_rlog_enospc)
{
	struct proc_rlog	*rl;

	rl = proc_rlog_open("/dev/full", 0, 0);
	ck_assert_ptr_nonnull(rl);
	errno = 0;
	ck_assert_int_eq(wr(rl, "x\n"), -1);
	ck_assert_int_eq(errno, ENOSPC);
	proc_rlog_close(rl);
}
END_TEST

/*
 * A write stopped half-way (RLIMIT_FSIZE: EFBIG, as ENOSPC would) keeps
 * its whole lines and cuts the torn one back; the next one fails.
 */
START_TEST(test_rlog_partial_write_keeps_whole_lines)
{
	struct proc_rlog	*rl;
	struct rlimit		 rlim = { 1000, 1000 };
	char			 buf[1500], *got;
	size_t			 len;

	/* Runs in its own forked process (Check's fork mode). */
	signal(SIGXFSZ, SIG_IGN);
	ck_assert_int_eq(setrlimit(RLIMIT_FSIZE, &rlim), 0);
	memset(buf, 'p', sizeof(buf));
	buf[599] = '\n';
	buf[899] = '\n';
	rl = proc_rlog_open(logpath, 0, 0);
	ck_assert_ptr_nonnull(rl);
	errno = 0;
	ck_assert_int_eq(proc_rlog_write(rl, buf, sizeof(buf)), 900);
	ck_assert_int_eq(errno, EFBIG);
	ck_assert_int_eq(proc_rlog_unwound(rl), 0);
	errno = 0;
	ck_assert_int_eq(proc_rlog_write(rl, buf, 600), -1);
	ck_assert_int_eq(errno, EFBIG);
	proc_rlog_close(rl);
	got = slurp(logpath, &len);
	ck_assert_uint_eq(len, 900);
	ck_assert_int_eq(got[899], '\n');
	free(got);
}
END_TEST

/*
 * A line begun by an earlier write (a program's partial line) goes too
 * when the write that should end it fails: proc_rlog_unwound counts it.
 */
START_TEST(test_rlog_failure_unwinds_earlier_partial_line)
{
	struct proc_rlog	*rl;
	struct rlimit		 rlim = { 1000, 1000 };
	char			 buf[200], *got;
	size_t			 len;

	/* Not less: Check's own result file is under the same limit. */
	signal(SIGXFSZ, SIG_IGN);
	ck_assert_int_eq(setrlimit(RLIMIT_FSIZE, &rlim), 0);
	rl = proc_rlog_open(logpath, 0, 0);
	ck_assert_ptr_nonnull(rl);
	memset(buf, 'y', sizeof(buf));
	buf[sizeof(buf) - 1] = '\n';
	for (len = 0; len < 4; len++)
		ck_assert_int_eq(proc_rlog_write(rl, buf, sizeof(buf)), 200);
	ck_assert_int_eq(wr(rl, "one\ntwo "), 8);
	ck_assert_int_eq(wr(rl, "and a half "), 11);
	memset(buf, 'x', sizeof(buf));
	buf[sizeof(buf) - 1] = '\n';
	errno = 0;
	ck_assert_int_eq(proc_rlog_write(rl, buf, sizeof(buf)), -1);
	ck_assert_int_eq(errno, EFBIG);
	ck_assert_int_eq(proc_rlog_unwound(rl), 15);
	/* The next whole line fits again. */
	ck_assert_int_eq(wr(rl, "three\n"), 6);
	ck_assert_int_eq(proc_rlog_unwound(rl), 0);
	proc_rlog_close(rl);
	got = slurp(logpath, &len);
	ck_assert_uint_eq(len, 810);
	ck_assert(memcmp(got + 800, "one\nthree\n", 10) == 0);
	free(got);
}
END_TEST

/* The file removed and a directory in its place: check says so. */
START_TEST(test_rlog_check_sees_a_directory_in_its_place)
{
	struct proc_rlog	*rl;
	char			*got;
	size_t			 len;

	rl = proc_rlog_open(logpath, 0, 0);
	ck_assert_ptr_nonnull(rl);
	ck_assert_int_eq(wr(rl, "a\n"), 2);
	ck_assert_int_eq(proc_rlog_check(rl), 0);
	ck_assert_int_eq(unlink(logpath), 0);
	ck_assert_int_eq(mkdir(logpath, 0755), 0);
	errno = 0;
	ck_assert_int_eq(proc_rlog_check(rl), -1);
	ck_assert_int_eq(errno, EISDIR);
	ck_assert_int_eq(wr(rl, "b\n"), -1);
	ck_assert_int_eq(proc_rlog_check(rl), 0);	/* closed: no news */
	ck_assert_int_eq(rmdir(logpath), 0);
	ck_assert_int_eq(wr(rl, "c\n"), 2);
	proc_rlog_close(rl);
	got = slurp(logpath, &len);
	ck_assert_uint_eq(len, 2);
	ck_assert(memcmp(got, "c\n", 2) == 0);
	free(got);
	/* Removed without a replacement: a fresh file. */
	rl = proc_rlog_open(logpath, 0, 0);
	ck_assert_ptr_nonnull(rl);
	ck_assert_int_eq(unlink(logpath), 0);
	ck_assert_int_eq(proc_rlog_check(rl), 1);
	ck_assert_int_eq(wr(rl, "d\n"), 2);
	proc_rlog_close(rl);
	got = slurp(logpath, &len);
	ck_assert_uint_eq(len, 2);
	free(got);
}
END_TEST

/* The one fd it holds is close-on-exec. */
START_TEST(test_rlog_fd_cloexec)
{
	struct proc_rlog	*rl;
	struct dirent		*de;
	char			 link[64], target[PATH_MAX];
	ssize_t			 n;
	DIR			*d;
	int			 found = 0, fd;

	rl = proc_rlog_open(logpath, 100, 1);
	ck_assert_ptr_nonnull(rl);
	d = opendir("/proc/self/fd");
	ck_assert_ptr_nonnull(d);
	while ((de = readdir(d)) != NULL) {
		fd = atoi(de->d_name);
		snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
		n = readlink(link, target, sizeof(target) - 1);
		if (n <= 0)
			continue;
		target[n] = '\0';
		if (strcmp(target, logpath) != 0)
			continue;
		found++;
		ck_assert(fcntl(fd, F_GETFD) & FD_CLOEXEC);
		ck_assert(fcntl(fd, F_GETFL) & O_APPEND);
	}
	closedir(d);
	ck_assert_int_eq(found, 1);
	proc_rlog_close(rl);
}
END_TEST

Suite *
rlog_suite(void)
{
	Suite	*s;
	TCase	*tc;

	s = suite_create("rlog");
	tc = tcase_create("rlog");
	tcase_set_timeout(tc, 30);
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_rlog_rotations_byte_exact);
	tcase_add_test(tc, test_rlog_lines_never_split);
	tcase_add_test(tc, test_rlog_long_line_cut_at_maxbytes);
	tcase_add_test(tc, test_rlog_cut_at_last_newline_that_fits);
	tcase_add_test(tc, test_rlog_backups_limit);
	tcase_add_test(tc, test_rlog_no_backups_truncates);
	tcase_add_test(tc, test_rlog_maxbytes_zero_never_rotates);
	tcase_add_test(tc, test_rlog_device_never_rotates);
	tcase_add_test(tc, test_rlog_size_from_existing_file);
	tcase_add_test(tc, test_rlog_reopen_after_rename);
	tcase_add_test(tc, test_rlog_removed_directory_resumes);
	tcase_add_test(tc, test_rlog_failed_rotation_keeps_file);
	tcase_add_test(tc, test_rlog_open_errors);
	tcase_add_test(tc, test_rlog_enospc);
	tcase_add_test(tc, test_rlog_partial_write_keeps_whole_lines);
	tcase_add_test(tc, test_rlog_failure_unwinds_earlier_partial_line);
	tcase_add_test(tc, test_rlog_check_sees_a_directory_in_its_place);
	tcase_add_test(tc, test_rlog_fd_cloexec);
	suite_add_tcase(s, tc);
	return s;
}
