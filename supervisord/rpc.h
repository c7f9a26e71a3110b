/*
 * rpc: supervisor 4.2.5's API (rpcinterface.py and xmlrpc.py's system
 * namespace) over the model, shared by every front end: /RPC2, the web
 * page, and whatever comes later.  A call is made from a method name and
 * its decoded params, then run: it writes its one answer (a value or a
 * fault) through an xr_out writer.  A call that waits (startProcess with
 * wait=True, the group and all starts and stops, multicall of them)
 * answers when the state it waits for is reached, not on a poll: it
 * returns RPC_WAIT and its wake callback fires when it should run again.
 * A long answer (getAllProcessInfo of 5000 programs, a log read of
 * megabytes) stops when the writer's room() is 0 (RPC_MORE) and goes on
 * where it stopped, so that memory per call stays bounded.
 *
 * A method faults only before it writes anything, so that a fault is
 * always whole (xr_fault).
 */
#ifndef SUPERVISORD_RPC_H
#define SUPERVISORD_RPC_H

#include <stdbool.h>
#include <stddef.h>

#include "supervisord/supervisor.h"
#include "supervisord/xmlrpc.h"

/* supervisor's xmlrpc.Faults. */
enum rpc_fault {
	RPC_UNKNOWN_METHOD = 1,
	RPC_INCORRECT_PARAMETERS = 2,
	RPC_BAD_ARGUMENTS = 3,
	RPC_SIGNATURE_UNSUPPORTED = 4,
	RPC_SHUTDOWN_STATE = 6,
	RPC_BAD_NAME = 10,
	RPC_BAD_SIGNAL = 11,
	RPC_NO_FILE = 20,
	RPC_NOT_EXECUTABLE = 21,
	RPC_FAILED = 30,
	RPC_ABNORMAL_TERMINATION = 40,
	RPC_SPAWN_ERROR = 50,
	RPC_ALREADY_STARTED = 60,
	RPC_NOT_RUNNING = 70,
	RPC_SUCCESS = 80,
	RPC_ALREADY_ADDED = 90,
	RPC_STILL_RUNNING = 91,
	RPC_CANT_REREAD = 92
};

/* "BAD_NAME", ... ("UNKNOWN" for a code supervisor does not have). */
const char *rpc_fault_name(int code);

enum rpc_status {
	RPC_DONE = 0,	/* the answer is written whole */
	RPC_MORE,	/* room() said 0: run again once it has room */
	RPC_WAIT	/* waits for the model: run again after wake */
};

/* The API's state, one per daemon (owned by main). */
struct rpc;

/*
 * The API over s.  The caller wires rpc_program_changed and
 * rpc_program_gone as s's observers (sup_observe), and calls
 * rpc_set_mood when the daemon starts to shut down or restart.
 * NULL when memory ran out.
 */
struct rpc *rpc_new(struct supervisor *s);
void	rpc_free(struct rpc *r);	/* every call must be freed first */

/* Observers: a process changed state; a process is leaving the set. */
void	rpc_program_changed(void *arg, struct sv_program *p);
void	rpc_program_gone(void *arg, struct sv_program *p);

/* supervisor's mood: RUNNING (1), RESTARTING (0), SHUTDOWN (-1).
 * Below RUNNING, every supervisor.* method but sendRemoteCommEvent
 * faults SHUTDOWN_STATE. */
void	rpc_set_mood(struct rpc *r, int mood);
int	rpc_mood(const struct rpc *r);

/* What main does for shutdown() and restart(): set by main. */
struct rpc_hooks {
	void	(*shutdown)(void *arg);	/* supervisor.shutdown() */
	void	(*restart)(void *arg);	/* supervisor.restart() */
	/* The main log's path, or NULL: readLog, clearLog, /mainlogtail. */
	const char *(*logfile)(void *arg);
	/* Reopen the main log after clearLog truncated it. */
	void	(*reopen_log)(void *arg);
	void	*arg;
};
void	rpc_set_hooks(struct rpc *r, const struct rpc_hooks *h);

/* One call in progress. */
struct rpc_call;

/*
 * A call of method with params (an XR_ARRAY, owned from now on; NULL
 * for none).  Unknown methods and bad arity are found when it runs (the
 * fault is its answer).  wake(arg) is called (never from inside
 * rpc_call_run) when a call that returned RPC_WAIT should run again.
 * NULL when memory ran out.
 */
struct rpc_call *rpc_call_new(struct rpc *r, const char *method,
	    struct xr_val *params, void (*wake)(void *), void *arg);

/* Run (or go on with) the call, writing its answer to o.  The same o, or
 * one that continues the same stream, every time. */
enum rpc_status rpc_call_run(struct rpc_call *c, struct xr_out *o);

/* Free a call, finished or not (its client went away). */
void	rpc_call_free(struct rpc_call *c);

/* The method names, sorted (system.listMethods): a static array of n. */
const char *const *rpc_method_names(size_t *n);

#endif /* SUPERVISORD_RPC_H */
