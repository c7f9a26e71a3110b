/*
 * output: a program's stdout or stderr pipe, read without blocking and
 * written to its destinations: a rotating log file, the daemon's own
 * stdout or stderr (stdout_logfile=/dev/stdout: containers, journald),
 * syslog, or nowhere.  Reads are bounded per wakeup so that one noisy
 * program cannot starve the others, and the pipe is always drained, even
 * when a destination fails, so a program never blocks on a full pipe while
 * the daemon can read.
 *
 * What goes to the daemon's stdout or stderr is whole lines, so that the
 * lines of many programs (and the daemon's own log lines) never
 * interleave mid-line: that is the sink's (sink.h).  Where that fd is a pipe or a
 * socket (or a terminal, through a description of our own) it is
 * non-blocking and fed from a bounded queue; when a reader falls behind
 * and the queue passes its bound, the pipes of the programs that write
 * there are no longer read until it has drained to half: they block in
 * write(), as on a slow pipe, nothing is lost, and the loop never blocks.
 * Only what cannot wait (the daemon's own lines, a stopping program, a
 * pipe being closed) goes past the bound, up to a hard one beyond which
 * whole lines are dropped and counted; so is everything once the reader
 * is gone (EPIPE).
 */
#ifndef SUPERVISORD_OUTPUT_H
#define SUPERVISORD_OUTPUT_H

#include <sys/queue.h>
#include <stdbool.h>
#include <stddef.h>

#include <ev.h>

#include "libproc/linebuf.h"
#include "supervisord/config.h"

struct out_file;
struct out_stream;

/* What a stream hands its owner besides writing its destinations. */
enum out_what {
	OUT_RAW = 0,	/* every chunk read, as read (hook_raw streams) */
	OUT_LOG,	/* whole lines of output (lc->events_enabled), after
			   the ANSI strip and without capture tokens, captured
			   output included; each read's complete lines in at
			   most two calls (the line held from before, then the
			   rest), split further only by a token; a partial
			   line only past 64 KiB or at the end (out_drain,
			   out_close, EOF) */
	OUT_COMM	/* a capture's content, at its END token
			   (lc->capture_maxbytes > 0), at most that many bytes:
			   the oldest go first, as supervisor's BoundIO */
};

/*
 * Called from the stream's read, drain or close with buf valid only
 * during the call.  It must not open, attach, drain or close s.
 */
typedef void out_hook_fn(void *arg, struct out_stream *s, enum out_what what,
	    const char *buf, size_t n);

/* Where a stream's lines go besides its log file. */
enum out_fwd {
	OUT_FWD_NONE = 0,
	OUT_FWD_STDOUT,		/* the daemon's fd 1 */
	OUT_FWD_STDERR		/* the daemon's fd 2 */
};

struct out_stream {
	ev_io		  io;		/* on the pipe, while attached */
	const char	 *label;	/* "stdout" or "stderr" */
	const char	 *owner;	/* the process name, for messages */
	struct out_file	 *file;		/* its log file, or NULL: none */
	unsigned long long dropped;	/* bytes a destination refused */
	unsigned long long bytes;	/* bytes read from the pipe */
	struct proc_lbuf  lb;		/* partial line, for fwd and syslog */
	LIST_ENTRY(out_stream) link;	/* on its destination's list */
	size_t		  linger_left;	/* bytes still to read after exit */
	/* The owner's hook, kept across out_open and out_close.  A
	 * hook_raw stream (a listener's stdout) is handed every chunk as
	 * OUT_RAW and has no capture and no OUT_LOG.  Between a capture's
	 * tokens, output goes to the capture, not to the destinations. */
	out_hook_fn	 *hook;
	void		 *hook_arg;
	struct out_cap	 *cap;		/* capture and event state, or NULL:
					   out_open makes it when lc asks */
	enum out_fwd	  fwd;		/* forwarded to our stdout/stderr */
	char		 *prefix;	/* stdout_prefix (forwarded lines), or
					   NULL; its own copy */
	bool		  stamp;	/* *_timestamps: each line's time */
	bool		  fwd_mid;	/* forwarded: in a line, past its
					   prefix and time */
	bool		  file_mid;	/* file, stamped: in a line */
	bool		  hook_raw;
	bool		  syslog;	/* lines to syslog too */
	unsigned char	  esc;		/* ANSI escape state across reads */
	bool		  grown;	/* its pipe was made larger */
	bool		  linked;	/* attached and forwarded */
	bool		  exempt;	/* read even above the bound */
	bool		  lingering;	/* its process is gone, pipe kept */
};

/*
 * Set the loop that the forwarding queues' write watchers run on, and
 * whether ANSI escape sequences are removed from program output
 * ([supervisord] strip_ansi, -t).  Call after creating the loop and after
 * every reload; until then out_attach takes the loop from its caller.
 * Makes fd 1 non-blocking if it is a pipe or a socket (a terminal or a
 * file is left alone).
 */
void	out_init(struct ev_loop *loop, bool strip_ansi);

/*
 * Prepare s for the process name owner: open the destination that lc
 * describes (AUTO: a new file in childlogdir, named with identifier;
 * /dev/stdout and /dev/stderr: forwarding).  0, or -1 with errno after
 * logging the failure (the stream then retries at each write, and counts
 * what it drops until it succeeds).
 */
int	out_open(struct out_stream *s, const char *label, const char *owner,
	    const struct cfg_log *lc, const char *childlogdir,
	    const char *identifier);

/* Its log file's path (PATH, or AUTO once created), or NULL. */
const char *out_path(const struct out_stream *s);

/* Start reading fd (non-blocking; s owns it from now on). */
void	out_attach(struct ev_loop *loop, struct out_stream *s, int fd);

/*
 * The program is stopping: read its pipe even while its destination is
 * above its bound, so that what it writes as it stops (a SIGTERM handler)
 * does not hold it until SIGKILL.  out_attach ends this.
 */
void	out_stopping(struct ev_loop *loop, struct out_stream *s);

/*
 * The process exited: read what is left in the pipe (to EOF or EAGAIN:
 * a grandchild may hold it open; at most 8 MiB), pass on a partial last
 * line, then stop and close the pipe.  While the destination is above
 * its bound, the pipe is kept and read once there is room; the next
 * out_attach or out_close reads what is left at once.
 */
void	out_drain(struct ev_loop *loop, struct out_stream *s);

/* Reopen the destination (SIGUSR2, reload).  */
void	out_reopen(struct out_stream *s);

/* Detach and close everything; s may be reused with out_open. */
void	out_close(struct ev_loop *loop, struct out_stream *s);

/*
 * Before the loop is destroyed: stop reading for the sink, stop the
 * timers, and shut the sink down on loop (sink_shutdown).  Forwarding
 * goes on with blocking writes afterwards.
 */
void	out_shutdown(struct ev_loop *loop);

#endif /* SUPERVISORD_OUTPUT_H */
