/*
 * rpc_core: what the API's modules share (rpc.c dispatches to them): the
 * API's state, a call in progress, the items a group call reports on or
 * waits for, arguments read as supervisor reads them, faults, names and
 * the process info struct.  Waiting is event-driven: an item waited on
 * is settled by the model's observers (rpc_core_changed, rpc_core_gone),
 * and a call whose last item settled is woken from a prepare watcher,
 * outside any rpc_call_run and outside the state machine.
 */
#ifndef SUPERVISORD_RPC_CORE_H
#define SUPERVISORD_RPC_CORE_H

#include <sys/queue.h>
#include <sys/types.h>
#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include <ev.h>

#include "supervisord/config.h"
#include "supervisord/program.h"
#include "supervisord/rpc_types.h"
#include "supervisord/supervisor.h"
#include "supervisord/xmlrpc.h"

#define RPC_NBUCKETS	256		/* items by program */

struct rpc_call;
struct rpc_item;
LIST_HEAD(rpc_item_list, rpc_item);

struct rpc {
	struct supervisor *s;
	int		 mood;
	struct rpc_hooks hooks;
	LIST_HEAD(, rpc_call) calls;	/* every call not yet freed */
	TAILQ_HEAD(, rpc_call) woken;	/* to wake before the next poll */
	ev_prepare	 wakeup;
	struct rpc_item_list items[RPC_NBUCKETS]; /* items whose p is set */
	unsigned long	 gen;		/* counts processes gone, rereads */
	struct cfg	*reread;	/* reloadConfig's, or NULL */
	char		**rr_names;	/* its process names, slot by slot */
	unsigned long	 rr_cfg_gen;	/* s->cfg_gen when it was read */
};

typedef enum rpc_status rpc_method_fn(struct rpc_call *, struct xr_out *);

enum rpc_wait {
	RPC_W_NONE = 0,
	RPC_W_START,		/* until RUNNING, or supervisor's fault */
	RPC_W_STOP		/* until at rest */
};

/* One process a call reports on: a result struct, or what it waits for. */
struct rpc_item {
	LIST_ENTRY(rpc_item) link;	/* in r->items while p is set */
	struct rpc_call	*call;
	struct sv_program *p;		/* NULL once it left the set */
	char		*spec;		/* as asked, for fault texts */
	char		*name;		/* copied when p leaves */
	char		*group;
	enum rpc_wait	 wait;
	int		 code;		/* 0 while waited on, then
					   RPC_SUCCESS or a fault code */
	char		*text;		/* the fault's text, or NULL */
	unsigned long	 round;		/* its place in the answer (below) */
	bool		 start;		/* diff.rollingRestart: a start, not
					   a stop */
};

/* A line of diff.update's answer. */
struct rpc_upd {
	char		*group;
	int		 status;
	const char	*desc;		/* static text */
};

/* A row of getAllConfigInfo. */
struct rpc_row {
	struct sv_program *p;		/* a running process's stanza */
	const struct cfg_program *cp;	/* or the reread one's */
	const char	*group;		/* the row's group (as cp or p) */
	int		 gprio;
	bool		 inuse;
	size_t		 idx;		/* in configuration order */
};

struct rpc_call {
	LIST_ENTRY(rpc_call) entry;	/* r->calls */
	TAILQ_ENTRY(rpc_call) wentry;	/* r->woken, while inwoken */
	bool		 inwoken;
	struct rpc	*r;
	struct rpc_call	*parent;	/* a multicall's item: its multicall */
	rpc_method_fn	*fn;		/* NULL: unknown method */
	char		*method;
	struct xr_val	*params;	/* owned */
	struct xr_val	**argv;		/* params' items */
	size_t		 argc;
	void		(*wake)(void *);
	void		*arg;
	bool		 waiting;	/* returned RPC_WAIT, not run since */
	int		 phase;		/* the method's: 0 before it starts */

	/* Items: results, and the processes waited on. */
	struct rpc_item	*items;
	size_t		 nitems, npending;
	size_t		*order;		/* item indexes as they settled */
	size_t		 nsettled;
	size_t		 cursor;
	bool		 begun;		/* the answer's array is open */
	bool		 single;	/* one process: True, or its fault */

	/* A snapshot of the processes (getAllProcessInfo). */
	struct sv_program **snap;
	size_t		 nsnap;
	unsigned long	 gen;		/* r->gen when taken */
	unsigned long	 cfg_gen;	/* s->cfg_gen when taken */
	char		*last;		/* key of the last one written */
	size_t		 lastcap;

	/* getAllConfigInfo's rows. */
	struct rpc_row	*rows;
	size_t		 nrows;
	struct rpc_upd	*upd;		/* diff.update's lines */
	size_t		 nupd;
	char		**roll;		/* diff.rollingRestart's processes, */
	size_t		 nroll;		/* as namespecs, in start order */

	/* A log being read. */
	int		 fd;
	off_t		 pos, end;
	long long	 newoff;	/* tail: the offset answered */
	bool		 overflow;

	/* system.multicall */
	struct rpc_call	*child;
	size_t		 idx;
};

/* Set up and tear down what rpc_core keeps in r. */
void	rpc_core_init(struct rpc *r);
void	rpc_core_fini(struct rpc *r);

/* The observers' work: settle the items of p. */
void	rpc_core_changed(struct rpc *r, struct sv_program *p);
void	rpc_core_gone(struct rpc *r, struct sv_program *p);

/* Write the fault code ("NAME: extra", or "NAME" when extra is NULL);
 * RPC_DONE. */
enum rpc_status rpc_fail(struct xr_out *o, int code, const char *extra);

/* SHUTDOWN_STATE when the mood is below RUNNING, else 0. */
int	rpc_gate(const struct rpc *r);

/*
 * Python's int() of an argument: 0 and *v, or the fault code:
 * INCORRECT_PARAMETERS for a type int() refuses (a struct, an array),
 * BAD_ARGUMENTS for text that is no integer.  Beyond 64 bits is clamped.
 */
int	rpc_arg_int(const struct xr_val *a, long long *v);
/* The text of a string argument, or NULL. */
const char *rpc_arg_str(const struct xr_val *a);
/* Python's truth of an argument (wait=...). */
bool	rpc_truthy(const struct xr_val *a);

/* "name", or "group:name" when they differ (make_namespec). */
const char *rpc_namespec(const char *group, const char *name, char *buf,
	    size_t len);

/* A live process (not removed by a reload), or NULL. */
struct sv_program *rpc_find(const struct rpc *r, const char *group,
	    const char *name);
/* Whether a group has a live process. */
bool	rpc_group_live(const struct rpc *r, const char *group);

/*
 * split_namespec, then the look-up of _getGroupAndProcess: 0 with *pp
 * the process, or NULL and the group's name in gbuf ("g:*", "g:"); or
 * RPC_BAD_NAME.  spec is copied: gbuf needs at most strlen(spec) + 1.
 */
int	rpc_lookup(const struct rpc *r, const char *spec, char *gbuf,
	    size_t glen, struct sv_program **pp);

/*
 * The process info struct of getProcessInfo; brief, only the members
 * supervisorctl's status prints (name, group, state, statename,
 * description: diff.getAllProcessStatus), in the same order.
 */
void	rpc_put_info(struct xr_out *o, const struct sv_program *p,
	    time_t now, bool brief);

/* supervisor's state codes (states.py): RUNNING 20, ... */
int	rpc_state_code(enum sv_state s);

/* The log file of p's stdout or stderr, or NULL (none, syslog, or
 * stderr redirected). */
const char *rpc_logfile(const struct sv_program *p, bool err);

/*
 * Items.  rpc_items_new makes room for n (never more: items are linked
 * by address).  rpc_item_add adds one for p, watched until p leaves the
 * set.  rpc_item_settle gives it its result (extra as rpc_fail's);
 * rpc_item_wait has it wait, and settles it at once if the state is
 * already there.  -1 when memory ran out.
 */
int	rpc_items_new(struct rpc_call *c, size_t n);
struct rpc_item *rpc_item_add(struct rpc_call *c, struct sv_program *p,
	    const char *spec);
void	rpc_item_settle(struct rpc_item *it, int code, const char *extra);
void	rpc_item_wait(struct rpc_item *it, enum rpc_wait w);
void	rpc_items_free(struct rpc_call *c);

/*
 * The settled items' result structs, in make_allfunc's order: those
 * settled at once, then the waited stops and startsecs=0 starts, then
 * the starts that waited startsecs, each round in the items' order
 * (rpc_item_settle).  A cursor in c: RPC_MORE when room() said 0.
 */
enum rpc_status rpc_put_results(struct rpc_call *c, struct xr_out *o);

/*
 * Snapshots of the live processes by (group, name), kept across runs:
 * rpc_snap_next gives the next to write (NULL at the end), taking the
 * snapshot again after a process went (past the last one written);
 * rpc_snap_done records that one as written.  -1 when memory ran out.
 */
int	rpc_snap_take(struct rpc_call *c);
struct sv_program *rpc_snap_next(struct rpc_call *c);
void	rpc_snap_done(struct rpc_call *c, const struct sv_program *p);

/* The call's top (a multicall, or itself) is woken before the next poll
 * if it waits. */
void	rpc_call_woken(struct rpc_call *c);

#endif /* SUPERVISORD_RPC_CORE_H */
