/*
 * supervisorctl: what the client's files share.  supervisorctl.c reads
 * the options and the configuration and runs one command line as
 * supervisorctl.py's Controller.onecmd does; supervisorctl_http.c speaks
 * HTTP and XML-RPC to the daemon (unix:// or http://) and words the
 * errors that Python's client raises; supervisorctl_proc.c and
 * supervisorctl_conf.c are the commands, with supervisorctl 4.2.5's
 * words and exit statuses; supervisorctl_json.c writes the answers of
 * their --json option (ours).
 *
 * Python's client lets an exception it does not handle climb to onecmd,
 * which prints "error: <class ...>, ...: file: ... line: ..." and sets
 * the exit status to 1.  Here ctl_raise() prints that line and jumps back
 * to onecmd (longjmp): every value a call returned is kept in the
 * command's list (ctl_keep) and freed by onecmd, so nothing leaks past
 * the jump.
 */
#ifndef SUPERVISORD_SUPERVISORCTL_H
#define SUPERVISORD_SUPERVISORCTL_H

#include <setjmp.h>
#include <stdbool.h>
#include <stddef.h>

#include "supervisord/xmlrpc.h"

/* supervisorctl.py's exit statuses (LSBInitExitStatuses) */
#define CTL_SUCCESS		0
#define CTL_GENERIC		1
#define CTL_INVALID_ARGS	2
#define CTL_UNIMPLEMENTED	3
#define CTL_PRIVILEGES		4
#define CTL_NOT_INSTALLED	5
#define CTL_NOT_RUNNING		7
/* LSBStatusExitStatuses */
#define CTL_STATUS_NOT_RUNNING	3
#define CTL_STATUS_UNKNOWN	4

/* xmlrpc.Faults */
#define F_UNKNOWN_METHOD	1
#define F_SHUTDOWN_STATE	6
#define F_BAD_NAME		10
#define F_BAD_SIGNAL		11
#define F_NO_FILE		20
#define F_NOT_EXECUTABLE	21
#define F_FAILED		30
#define F_ABNORMAL_TERMINATION	40
#define F_SPAWN_ERROR		50
#define F_ALREADY_STARTED	60
#define F_NOT_RUNNING		70
#define F_SUCCESS		80
#define F_ALREADY_ADDED		90
#define F_STILL_RUNNING		91
#define F_CANT_REREAD		92

/* ProcessStates */
#define PS_STOPPED		0
#define PS_RUNNING		20
#define PS_EXITED		100
#define PS_FATAL		200
#define PS_UNKNOWN		1000

/* Why a call failed before any answer (ctl_rpc_try). */
enum ctl_err {
	CTL_E_NONE = 0,
	CTL_E_SOCKET,		/* connect or I/O: err is the errno */
	CTL_E_RESOLVE,		/* getaddrinfo: err is its EAI_ code */
	CTL_E_PROTOCOL,		/* not 200: err is the status */
	CTL_E_URL,		/* an unknown scheme or a bad port */
	CTL_E_BADREPLY		/* not HTTP, or not XML-RPC */
};

struct ctl {
	const char	*progname;	/* argv[0], for usage errors */
	char		*url;		/* serverurl */
	char		*user;		/* NULL: none (Python's None) */
	char		*pass;
	int		 exitstatus;

	/* The XML-RPC connection, kept open between calls. */
	int		 fd;
	char		*rbuf;		/* bytes read past the last answer */
	size_t		 rlen, rcap;
	size_t		 roff;		/* consumed: rbuf[roff..rlen) unread */

	/* The last failure, for ctl_raise_err. */
	enum ctl_err	 err;
	int		 errnum;
	char		 reason[128];	/* HTTP reason, or what was wrong */

	/* What onecmd frees after the command, and where a raise goes. */
	struct xr_val	**kept;
	size_t		 nkept, capkept;
	jmp_buf		*jb;
	bool		 retry;		/* the second run after a 401 */
};

/* Commands: arg is the rest of the line, stripped. */
typedef void	ctl_cmd_fn(struct ctl *, const char *arg);

ctl_cmd_fn	cmd_status, cmd_start, cmd_stop, cmd_restart, cmd_signal,
		cmd_clear, cmd_pid, cmd_tail, cmd_maintail, cmd_fg;
ctl_cmd_fn	cmd_avail, cmd_reread, cmd_update, cmd_add, cmd_remove,
		cmd_reload, cmd_shutdown, cmd_version, cmd_open;
/* Ours: diff.health's processes; exit 0 when there is none. */
ctl_cmd_fn	cmd_health;

/* Print a line to stdout, as Controller.output does. */
void	ctl_out(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Print a command's help (help_NAME); false if it has none. */
bool	ctl_help(const char *name);

/* The words of a line split on Python's whitespace, as str.split():
 * a NULL-terminated array in one allocation (kept until onecmd ends). */
char	**ctl_split(struct ctl *c, const char *arg, size_t *np);
/* Keep a block of memory until the command ends (any malloc'ed pointer
 * wrapped as an XR_BASE64 value whose s is it). */
void	*ctl_keepmem(struct ctl *c, void *p);

/*
 * The server proxy, as get_supervisor() makes it: only checks the URL
 * (an unknown scheme or a bad port raises, as SupervisorTransport's
 * constructor does).
 */
void	ctl_proxy(struct ctl *c);

/*
 * Call method with params (an XR_ARRAY, consumed; NULL for none).
 * ctl_rpc_try: 0 with *res the answer; a fault code > 0 with *res the
 * fault's struct; -1 with c->err set when no answer came.  ctl_rpc
 * raises on -1.  Every *res is kept (freed when the command ends).
 */
int	ctl_rpc_try(struct ctl *c, const char *method, struct xr_val *params,
	    const struct xr_val **res);
int	ctl_rpc(struct ctl *c, const char *method, struct xr_val *params,
	    const struct xr_val **res);
/* ctl_rpc_try keeping of the answer's structs only the members named in
 * keep (NULL-terminated), for a command that reads a few of many. */
int	ctl_rpc_keep(struct ctl *c, const char *method, struct xr_val *params,
	    const char *const *keep, const struct xr_val **res);
/* A serverurl taken apart as the transport does. */
struct url {
	bool		 unix_;
	char		 path[4096];	/* unix:// */
	char		 host[256];	/* http:// */
	char		 port[16];
	char		 netloc[512];	/* as urlparse's, for tail -f's Host */
};

/* 0, or -1 with c->err (an unknown scheme, a port urlparse refuses). */
int	ctl_url_parse(struct ctl *c, const char *s, struct url *u);
/* Connect: the fd, or -1 with c->err. */
int	ctl_dial(struct ctl *c, const struct url *u);
/* send() it all; 0 or -1 with errno. */
int	ctl_write_all(int fd, const void *buf, size_t len);
/* base64 of "user:pass" (user NULL: "None", as Python formats it), a
 * newline every 76 characters if nl; malloc'ed, NULL if out of memory. */
char	*ctl_basic_auth(const char *user, const char *pass, bool nl);
/* Python's OSError subclass for an errno. */
const char *ctl_os_class(int e);

/* Close the kept connection. */
void	ctl_disconnect(struct ctl *c);
/* A params array of strings, then of a string and an int, ... */
struct xr_val *ctl_args(const char *fmt, ...);

/* Raise what onecmd prints for an exception: the last failure, a fault
 * not handled, or a ValueError; never returns. */
void	ctl_raise_err(struct ctl *c) __attribute__((noreturn));
void	ctl_raise_fault(struct ctl *c, const struct xr_val *fault)
	    __attribute__((noreturn));
void	ctl_raise_value(struct ctl *c, const char *text, const char *file,
	    int line) __attribute__((noreturn));

/* Faults: the code and text of a fault struct; str(Fault) as Python
 * writes it ("<Fault 70: 'NOT_RUNNING'>") into buf. */
int	ctl_fault_code(const struct xr_val *fault);
const char *ctl_fault_text(const struct xr_val *fault);
const char *ctl_fault_str(const struct xr_val *fault, char *buf, size_t len);

/* Members of a struct: a string ("" if absent), an int (0 if absent). */
const char *ctl_str(const struct xr_val *st, const char *key);
long long ctl_int(const struct xr_val *st, const char *key);

/* supervisorctl's upcheck(): getVersion() == "3.0", false after saying
 * why (and setting the exit status). */
bool	ctl_upcheck(struct ctl *c);

/*
 * tail -f: GET each path (one or two) as supervisor's http_client does
 * and copy the bodies to stdout until they end or SIGINT comes.  With
 * fg_name, also read stdin lines and send them to that process, as
 * supervisorctl's fg does.  Returns when done; the words are printed.
 */
void	ctl_tailf(struct ctl *c, const char *const *paths, size_t npaths,
	    const char *fg_name);

/* make_namespec and split_namespec of options.py: spec is written to
 * buf; *group and *name point into scratch (name NULL for "g:*"). */
const char *ctl_namespec(const char *group, const char *name, char *buf,
	    size_t len);
void	ctl_split_namespec(struct ctl *c, const char *spec, const char **group,
	    const char **name);

/*
 * --json (status, avail).  ctl_json_flag takes every "--json" out of the
 * n words (a ctl_split array, NULL-terminated again, *np updated) and
 * says whether there was one.  ctl_json_list prints the n structs as one
 * JSON array on stdout, one object a line, each with the members named
 * in fields (NULL-terminated) in that order: a member the struct lacks
 * is null.  ctl_json_info and ctl_json_config are the fields of status
 * and of avail (supervisorctl(1) lists them).
 */
extern const char *const ctl_json_info[];
extern const char *const ctl_json_config[];
bool	ctl_json_flag(char **words, size_t *np);
void	ctl_json_list(const struct xr_val *const *items, size_t n,
	    const char *const *fields);

/* Controller.set_exitstatus_from_xmlrpc_fault. */
void	ctl_fault_status(struct ctl *c, int code, int ignored);

#endif /* SUPERVISORD_SUPERVISORCTL_H */
