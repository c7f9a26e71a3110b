/*
 * check_http.h: the fixture of check_http.c, shared with
 * check_http_hostile.c: an HTTP server in a child process with test
 * routes (/hello, /stats, /echo, /wait and /release, /big?N, /chunked?N),
 * and a client over real sockets with deadlines.
 */
#ifndef TESTS_UNIT_CHECK_HTTP_H
#define TESTS_UNIT_CHECK_HTTP_H

#include <sys/resource.h>
#include <sys/types.h>

#include <stdbool.h>
#include <stddef.h>

#include <check.h>

/* What the child serves with. */
struct ht_opts {
	const char	*user, *pass;
	double		 idle, request;
	size_t		 max_conns;
	rlim_t		 nofile;		/* 0: unchanged */
	int		 mode;			/* chmod=; 0: 0700 */
};

extern const struct ht_opts ht_plain;	/* no auth, default limits */

/* One answer as read: the head whole, the body by its framing. */
struct ht_resp {
	int	 code;
	char	 head[4096];
	char	*body;
	size_t	 bodylen;
	bool	 closed;	/* EOF right after the answer */
};

extern char	 ht_log_path[];		/* the child's log */
extern char	 ht_sock_path[];		/* its unix socket */
extern pid_t	 ht_child;

/* A test case with the fixture and a timeout. */
TCase	*ht_tcase(Suite *s, const char *name);
void	 ht_setup(void);
void	 ht_teardown(void);
/*
 * Fork the server with o; back once its unix socket answers.  It takes
 * SIGHUP as the daemon does: the socket made again if deleted.
 */
void	 ht_start(const struct ht_opts *o);

int	 ht_conn_unix(void);		/* -1 when refused */
int	 ht_conn_inet(void);
void	 ht_send(int fd, const char *s);
double	 ht_now(void);
/* Bytes arriving within ms, appended to buf: the count, -1 on EOF. */
ssize_t	 ht_recv_for(int fd, char *buf, size_t size, size_t *len, int ms);
/* Read one answer, 5 s at most (fails the test otherwise). */
void	 ht_read(int fd, struct ht_resp *r);
void	 ht_resp_free(struct ht_resp *r);
/* Does the server close fd within ms? */
bool	 ht_closed_within(int fd, int ms);
/* One request on a fresh unix connection. */
void	 ht_ask(const char *req, struct ht_resp *r);
/* The child's connections and bytes held, asked on the inet socket. */
void	 ht_stats(size_t *nconns, size_t *held);
/* Lines of the child's log that hold what (their count in *count). */
bool	 ht_log_has(const char *what, int *count);

#endif /* TESTS_UNIT_CHECK_HTTP_H */
