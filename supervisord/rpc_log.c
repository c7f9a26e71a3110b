/*
 * rpc_log: the log methods (see rpc_log.h).  A read is checked whole
 * before anything is written (a fault is whole), then sent in pieces of
 * RPC_READ_CHUNK bytes as the writer has room, up to the file's size when
 * the call began: memory per call is one open descriptor and a chunk on
 * the stack, whatever length is asked.
 */
#include <sys/stat.h>
#include <sys/types.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "supervisord/program.h"
#include "supervisord/rpc_core.h"
#include "supervisord/rpc_log.h"
#include "supervisord/rpc_types.h"
#include "supervisord/supervisor.h"
#include "supervisord/xmlrpc.h"

#define NAMEMAX		4096

enum {
	PH_START = 0,
	PH_READ,		/* the string's pieces */
	PH_TAIL_END		/* tail: the offset and the flag */
};

static long long
sat_add(long long a, long long b)
{
	if (b > 0 && a > LLONG_MAX - b)
		return LLONG_MAX;
	if (b < 0 && a < LLONG_MIN - b)
		return LLONG_MIN;
	return a + b;
}

static long long
sat_sub(long long a, long long b)
{
	if (b == LLONG_MIN)
		return a >= 0 ? LLONG_MAX : a + LLONG_MAX + 1;
	return sat_add(a, -b);
}

void
rpc_log_close(struct rpc_call *c)
{
	if (c->fd != -1) {
		close(c->fd);
		c->fd = -1;
	}
}

static bool
exists(const char *path)
{
	struct stat	st;

	return stat(path, &st) == 0;
}

/* Open path for a read; its size in *size.  -1 with errno. */
static int
open_log(const char *path, off_t *size)
{
	struct stat	st;
	int		fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)) == -1)
		return -1;
	if (fstat(fd, &st) == -1) {
		close(fd);
		return -1;
	}
	*size = st.st_size;
	return fd;
}

/* Send the pieces of [c->pos, c->end); RPC_MORE when room() said 0. */
static enum rpc_status
pump(struct rpc_call *c, struct xr_out *o)
{
	char	buf[RPC_READ_CHUNK];
	size_t	want;
	ssize_t	n;

	while (c->pos < c->end) {
		if (xr_room(o) == 0)
			return RPC_MORE;
		want = c->end - c->pos > (off_t)sizeof(buf) ? sizeof(buf) :
		    (size_t)(c->end - c->pos);
		n = pread(c->fd, buf, want, c->pos);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0)
			break;		/* truncated meanwhile: what there is */
		xr_str_part(o, buf, (size_t)n);
		c->pos += n;
	}
	xr_str_end(o);
	rpc_log_close(c);
	return RPC_DONE;
}

/* options.py's readFile of path, then the string in pieces. */
static enum rpc_status
read_file(struct rpc_call *c, struct xr_out *o, const char *path,
    const struct xr_val *offarg, const struct xr_val *lenarg)
{
	unsigned long long mag;
	long long	 offset, length;
	off_t		 size;
	int		 code;

	if ((code = rpc_arg_int(offarg, &offset)) != 0 ||
	    (code = rpc_arg_int(lenarg, &length)) != 0)
		return rpc_fail(o, code, NULL);
	if ((c->fd = open_log(path, &size)) == -1)
		return rpc_fail(o, RPC_FAILED, NULL);
	if (offset < 0) {
		/* The last |offset| bytes. */
		if (length != 0) {
			rpc_log_close(c);
			return rpc_fail(o, RPC_BAD_ARGUMENTS, NULL);
		}
		mag = (unsigned long long)-(offset + 1) + 1;
		c->pos = mag >= (unsigned long long)size ? 0 :
		    size - (off_t)mag;
		c->end = size;
	} else {
		if (length < 0) {
			rpc_log_close(c);
			return rpc_fail(o, RPC_BAD_ARGUMENTS, NULL);
		}
		c->pos = offset > size ? size : (off_t)offset;
		c->end = length == 0 || sat_add(offset, length) > size ?
		    size : (off_t)(offset + length);
	}
	c->phase = PH_READ;
	xr_str_begin(o);
	return pump(c, o);
}

/* options.py's tailFile: [bytes, offset, overflow]. */
static enum rpc_status
tail_file(struct rpc_call *c, struct xr_out *o, const char *path,
    long long offset, long long length)
{
	off_t	 size;
	bool	 overflow = false;

	if ((c->fd = open_log(path, &size)) == -1) {
		xr_array_begin(o);
		xr_put_cstr(o, "");
		xr_put_int(o, offset);
		xr_put_bool(o, false);
		xr_array_end(o);
		return RPC_DONE;
	}
	if (size > sat_add(offset, length)) {
		overflow = true;
		offset = size - 1;
	}
	if (sat_add(offset, length) > size) {
		if (offset > size - 1)
			length = 0;
		offset = sat_sub(size, length);
	}
	if (offset < 0)
		offset = 0;
	if (length < 0)
		length = 0;
	c->pos = offset > size ? size : (off_t)offset;
	c->end = sat_add(c->pos, length) > size ? size :
	    c->pos + (off_t)length;
	c->newoff = size;
	c->overflow = overflow;
	c->phase = PH_READ;
	xr_array_begin(o);
	xr_str_begin(o);
	return RPC_MORE;	/* the caller pumps */
}

enum rpc_status
rpc_read_log(struct rpc_call *c, struct xr_out *o)
{
	const struct rpc_hooks *h = &c->r->hooks;
	const char	*path;

	if (c->phase == PH_READ)
		return pump(c, o);
	path = h->logfile != NULL ? h->logfile(h->arg) : NULL;
	if (path == NULL)
		return rpc_fail(o, RPC_NO_FILE, NULL);
	if (!exists(path))
		return rpc_fail(o, RPC_NO_FILE, path);
	return read_file(c, o, path, c->argv[0], c->argv[1]);
}

enum rpc_status
rpc_clear_log(struct rpc_call *c, struct xr_out *o)
{
	const struct rpc_hooks *h = &c->r->hooks;
	const char	*path;

	path = h->logfile != NULL ? h->logfile(h->arg) : NULL;
	if (path == NULL || !exists(path))
		return rpc_fail(o, RPC_NO_FILE, NULL);
	if (unlink(path) == -1)
		return rpc_fail(o, RPC_FAILED, NULL);
	if (h->reopen_log != NULL)
		h->reopen_log(h->arg);
	xr_put_bool(o, true);
	return RPC_DONE;
}

/* _getGroupAndProcess for a method that wants a process. */
static int
one_process(struct rpc_call *c, struct xr_out *o, struct sv_program **pp)
{
	const char	*name;
	char		 group[NAMEMAX];
	int		 code;

	if ((name = rpc_arg_str(c->argv[0])) == NULL) {
		rpc_fail(o, RPC_INCORRECT_PARAMETERS, NULL);
		return -1;
	}
	if ((code = rpc_lookup(c->r, name, group, sizeof(group), pp)) != 0 ||
	    *pp == NULL) {
		rpc_fail(o, RPC_BAD_NAME, name);
		return -1;
	}
	return 0;
}

static enum rpc_status
read_process_log(struct rpc_call *c, struct xr_out *o, bool err)
{
	struct sv_program *p;
	const char	*path;

	if (c->phase == PH_READ)
		return pump(c, o);
	if (one_process(c, o, &p) == -1)
		return RPC_DONE;
	if ((path = rpc_logfile(p, err)) == NULL)
		return rpc_fail(o, RPC_NO_FILE, NULL);
	if (!exists(path))
		return rpc_fail(o, RPC_NO_FILE, path);
	return read_file(c, o, path, c->argv[1], c->argv[2]);
}

enum rpc_status
rpc_read_stdout_log(struct rpc_call *c, struct xr_out *o)
{
	return read_process_log(c, o, false);
}

enum rpc_status
rpc_read_stderr_log(struct rpc_call *c, struct xr_out *o)
{
	return read_process_log(c, o, true);
}

static enum rpc_status
tail_process_log(struct rpc_call *c, struct xr_out *o, bool err)
{
	struct sv_program *p;
	const char	*path;
	long long	 offset, length;
	int		 code;

	switch (c->phase) {
	case PH_START:
		if (one_process(c, o, &p) == -1)
			return RPC_DONE;
		path = rpc_logfile(p, err);
		if (path == NULL || !exists(path)) {
			xr_array_begin(o);
			xr_put_cstr(o, "");
			xr_put_int(o, 0);
			xr_put_bool(o, false);
			xr_array_end(o);
			return RPC_DONE;
		}
		if ((code = rpc_arg_int(c->argv[1], &offset)) != 0 ||
		    (code = rpc_arg_int(c->argv[2], &length)) != 0)
			return rpc_fail(o, code, NULL);
		if (tail_file(c, o, path, offset, length) == RPC_DONE)
			return RPC_DONE;
		/* FALLTHROUGH */
	case PH_READ:
		if (pump(c, o) == RPC_MORE)
			return RPC_MORE;
		c->phase = PH_TAIL_END;
		/* FALLTHROUGH */
	default:
		xr_put_int(o, c->newoff);
		xr_put_bool(o, c->overflow);
		xr_array_end(o);
		return RPC_DONE;
	}
}

enum rpc_status
rpc_tail_stdout_log(struct rpc_call *c, struct xr_out *o)
{
	return tail_process_log(c, o, false);
}

enum rpc_status
rpc_tail_stderr_log(struct rpc_call *c, struct xr_out *o)
{
	return tail_process_log(c, o, true);
}

/* Empty p's log files and have their writers count from zero again. */
static int
clear_logs(struct sv_program *p)
{
	const char	*path;
	int		 rc = 0;

	if ((path = rpc_logfile(p, false)) != NULL &&
	    truncate(path, 0) == -1 && errno != ENOENT)
		rc = -1;
	if ((path = rpc_logfile(p, true)) != NULL &&
	    truncate(path, 0) == -1 && errno != ENOENT)
		rc = -1;
	sv_reopen_logs(p);
	return rc;
}

enum rpc_status
rpc_clear_process_logs(struct rpc_call *c, struct xr_out *o)
{
	struct sv_program *p;

	if (one_process(c, o, &p) == -1)
		return RPC_DONE;
	if (clear_logs(p) == -1)
		return rpc_fail(o, RPC_FAILED, rpc_arg_str(c->argv[0]));
	xr_put_bool(o, true);
	return RPC_DONE;
}

enum rpc_status
rpc_clear_all_process_logs(struct rpc_call *c, struct xr_out *o)
{
	struct supervisor *s = c->r->s;
	struct sv_program *p;
	struct rpc_item	*it;
	char		 spec[2 * NAMEMAX];

	if (c->phase == PH_START) {
		if (rpc_items_new(c, s->n) == -1)
			return rpc_fail(o, RPC_FAILED, "out of memory");
		c->phase = PH_READ;
		TAILQ_FOREACH(p, &s->programs, entry) {
			if (p->doomed)
				continue;
			rpc_namespec(p->cfg->group, p->cfg->name, spec,
			    sizeof(spec));
			if ((it = rpc_item_add(c, p, spec)) == NULL)
				continue;
			if (clear_logs(p) == -1)
				rpc_item_settle(it, RPC_FAILED, spec);
			else
				rpc_item_settle(it, RPC_SUCCESS, NULL);
		}
	}
	return rpc_put_results(c, o);
}
