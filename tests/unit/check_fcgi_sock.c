/*
 * Unit tests for supervisord/fcgi_sock: the listening sockets of
 * fcgi-programs.  Real sockets on loopback and in a temporary directory:
 * their flags, mode and backlog, the reference count, what a failure
 * leaves behind.
 */
#include <sys/types.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

#include <netinet/in.h>
#include <arpa/inet.h>

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <check.h>

#include "supervisord/config.h"
#include "supervisord/fcgi_sock.h"

Suite	*fcgi_sock_suite(void);

static char	 tmpdir[64];

static void
setup(void)
{
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/check_fcgi_sock.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(tmpdir));
}

static void
teardown(void)
{
	char	cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	if (system(cmd) != 0)
		fprintf(stderr, "could not remove %s\n", tmpdir);
}

/* A stanza with just what fcgi_sock reads. */
static void
prog(struct cfg_program *c, const char *section, const char *url)
{
	memset(c, 0, sizeof(*c));
	c->section = (char *)(uintptr_t)section;
	c->socket = strdup(url);
	ck_assert_ptr_nonnull(c->socket);
	c->socket_mode = strncmp(url, "unix://", 7) == 0 ? 0700 : -1;
	c->socket_backlog = -1;
	c->socket_gid = (gid_t)-1;
}

static int
free_port(void)
{
	struct sockaddr_in sin;
	socklen_t	 len = sizeof(sin);
	int		 fd, port;

	fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	ck_assert_int_eq(bind(fd, (struct sockaddr *)&sin, sizeof(sin)), 0);
	ck_assert_int_eq(getsockname(fd, (struct sockaddr *)&sin, &len), 0);
	port = ntohs(sin.sin_port);
	close(fd);
	return port;
}

static void
assert_listening(int fd)
{
	int		 v = 0;
	socklen_t	 len = sizeof(v);

	ck_assert_int_eq(getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &v, &len),
	    0);
	ck_assert_int_eq(v, 1);
	/* Blocking, for the children; close-on-exec, for everyone else. */
	ck_assert_int_eq(fcntl(fd, F_GETFL) & O_NONBLOCK, 0);
	ck_assert(fcntl(fd, F_GETFD) & FD_CLOEXEC);
}

START_TEST(test_fcgi_open_tcp)
{
	struct cfg_program c;
	char		 url[64], err[128];
	int		 fd, v = 0;
	socklen_t	 len = sizeof(v);

	snprintf(url, sizeof(url), "tcp://127.0.0.1:%d", free_port());
	prog(&c, "fcgi-program:t", url);
	fd = fcgi_open(&c, err, sizeof(err));
	ck_assert_msg(fd != -1, "%s", err);
	assert_listening(fd);
	ck_assert_int_eq(getsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &v, &len),
	    0);
	ck_assert_int_eq(v, 1);
	/* A second bind of the same port fails, and says where. */
	ck_assert_int_eq(fcgi_open(&c, err, sizeof(err)), -1);
	ck_assert_int_eq(errno, EADDRINUSE);
	ck_assert_str_eq(err, "bind: Address already in use");
	close(fd);
	free(c.socket);
}
END_TEST

START_TEST(test_fcgi_open_unix_mode_and_stale_path)
{
	struct cfg_program c;
	struct stat	 st;
	char		 url[160], path[128], err[128];
	int		 fd;

	snprintf(path, sizeof(path), "%s/s.sock", tmpdir);
	snprintf(url, sizeof(url), "unix://%s", path);
	/* Whatever is at the path goes, as supervisor's unlink. */
	fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
	ck_assert_int_ne(fd, -1);
	close(fd);
	prog(&c, "fcgi-program:u", url);
	c.socket_mode = 0660;
	fd = fcgi_open(&c, err, sizeof(err));
	ck_assert_msg(fd != -1, "%s", err);
	assert_listening(fd);
	ck_assert_int_eq(lstat(path, &st), 0);
	ck_assert(S_ISSOCK(st.st_mode));
	ck_assert_int_eq(st.st_mode & 07777, 0660);
	close(fd);
	/* Closed, the path stays. */
	ck_assert_int_eq(lstat(path, &st), 0);
	free(c.socket);
}
END_TEST

START_TEST(test_fcgi_open_unix_owner)
{
	struct cfg_program c;
	struct stat	 st;
	char		 url[160], path[128], err[128];
	int		 fd;

	snprintf(path, sizeof(path), "%s/o.sock", tmpdir);
	snprintf(url, sizeof(url), "unix://%s", path);
	prog(&c, "fcgi-program:o", url);
	c.has_socket_owner = true;
	c.socket_uid = geteuid() == 0 ? 65534 : 0;
	c.socket_gid = geteuid() == 0 ? 65534 : (gid_t)-1;
	fd = fcgi_open(&c, err, sizeof(err));
	if (geteuid() == 0) {
		/* Root gives it away. */
		ck_assert_msg(fd != -1, "%s", err);
		ck_assert_int_eq(lstat(path, &st), 0);
		ck_assert_int_eq(st.st_uid, 65534);
		ck_assert_int_eq(st.st_gid, 65534);
		close(fd);
	} else {
		/* Others cannot: the failure leaves no path behind. */
		ck_assert_int_eq(fd, -1);
		ck_assert_msg(strncmp(err, "chown: ", 7) == 0, "%s", err);
		ck_assert_int_eq(lstat(path, &st), -1);
	}
	free(c.socket);
}
END_TEST

START_TEST(test_fcgi_open_reports_a_missing_directory)
{
	struct cfg_program c;
	char		 url[128], err[128];

	snprintf(url, sizeof(url), "unix://%s/no/such.sock", tmpdir);
	prog(&c, "fcgi-program:n", url);
	ck_assert_int_eq(fcgi_open(&c, err, sizeof(err)), -1);
	ck_assert_int_eq(errno, ENOENT);
	ck_assert_str_eq(err, "bind: No such file or directory");
	free(c.socket);
}
END_TEST

START_TEST(test_fcgi_references)
{
	struct fcgi_socks set;
	struct cfg_program a, b, other, moved;
	char		 url[128], url2[128];
	int		 fa, fb, fo, fm;

	LIST_INIT(&set.head);
	snprintf(url, sizeof(url), "unix://%s/r.sock", tmpdir);
	snprintf(url2, sizeof(url2), "unix://%s/r2.sock", tmpdir);
	prog(&a, "fcgi-program:r", url);
	prog(&b, "fcgi-program:r", url);
	prog(&other, "fcgi-program:q", url2);
	/* The same section after a reload changed its URL. */
	prog(&moved, "fcgi-program:r", url2);
	ck_assert_int_eq(fcgi_refs(&set, &a), 0);
	fa = fcgi_get(&set, &a);
	ck_assert_int_ne(fa, -1);
	fb = fcgi_get(&set, &b);
	ck_assert_int_eq(fb, fa);
	ck_assert_int_eq(fcgi_refs(&set, &a), 2);
	fo = fcgi_get(&set, &other);
	ck_assert_int_ne(fo, -1);
	ck_assert_int_ne(fo, fa);
	/* other has r2.sock now: moved's bind replaces its path, its own
	 * socket stays open. */
	fm = fcgi_get(&set, &moved);
	ck_assert_int_ne(fm, -1);
	ck_assert_int_ne(fm, fo);
	fcgi_put(&set, &moved);
	ck_assert_int_eq(fcgi_refs(&set, &moved), 0);
	fcgi_put(&set, &a);
	ck_assert_int_eq(fcgi_refs(&set, &a), 1);
	ck_assert_int_ne(fcntl(fa, F_GETFD), -1);
	fcgi_put(&set, &b);
	ck_assert_int_eq(fcgi_refs(&set, &a), 0);
	/* The last release closed it. */
	ck_assert_int_eq(fcntl(fa, F_GETFD), -1);
	ck_assert_int_eq(errno, EBADF);
	fcgi_close_all(&set);
	ck_assert_int_eq(fcgi_refs(&set, &other), 0);
	ck_assert_ptr_null(LIST_FIRST(&set.head));
	free(a.socket);
	free(b.socket);
	free(other.socket);
	free(moved.socket);
}
END_TEST

Suite *
fcgi_sock_suite(void)
{
	Suite	*s = suite_create("fcgi_sock");
	TCase	*tc = tcase_create("fcgi_sock");

	tcase_set_timeout(tc, 10);
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_fcgi_open_tcp);
	tcase_add_test(tc, test_fcgi_open_unix_mode_and_stale_path);
	tcase_add_test(tc, test_fcgi_open_unix_owner);
	tcase_add_test(tc, test_fcgi_open_reports_a_missing_directory);
	tcase_add_test(tc, test_fcgi_references);
	suite_add_tcase(s, tc);
	return s;
}
