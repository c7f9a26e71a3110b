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
 * always whole (xr_fault).  rpc_call_run writes the one value (or fault)
 * and no envelope's end: the front end calls xr_out_finish after
 * RPC_DONE.
 *
 * Memory per call is bounded whatever is asked: a log is read and sent
 * RPC_READ_CHUNK bytes at a time; the long arrays keep one pointer per
 * process (a snapshot taken when the call starts, taken again if a
 * process goes meanwhile) or one item per process waited on.
 *
 * The fault codes, rpc_status, rpc_hooks and RPC_READ_CHUNK are in
 * rpc_types.h.
 */
#ifndef SUPERVISORD_RPC_H
#define SUPERVISORD_RPC_H

#include <stdbool.h>
#include <stddef.h>

#include "supervisord/rpc_types.h"
#include "supervisord/supervisor.h"
#include "supervisord/xmlrpc.h"

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

/* What main does for shutdown(), restart() and the main log
 * (rpc_types.h). */
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

/*
 * The method names, sorted (system.listMethods): a static array of n.
 * supervisor 4.2.5's 41, and three of our own:
 *
 * diff.getAllProcessStatus() answers getAllProcessInfo's array with only
 * the members supervisorctl's status prints: name, group, state,
 * statename, description, the same values in the same order (about a
 * third of the bytes).  Our supervisorctl's status calls it, and
 * getAllProcessInfo where the fault is UNKNOWN_METHOD (Python's daemon).
 *
 * diff.health() answers the same structs as diff.getAllProcessStatus,
 * of the processes that are not healthy (status.h's st_healthy), in
 * start order: an empty array when all is well.  GET /health asks the
 * same question; our supervisorctl's health calls it.
 *
 * diff.update(array names) re-reads the configuration and applies the
 * difference to the named groups (none, or "all": every group), as a
 * SIGHUP does: only what changed restarts, a policy change is made in
 * place.  It answers an array of structs {name: the group, status: int,
 * description: string}, in the order supervisorctl's update prints
 * them: first each name that is no group, running or in the new
 * configuration (status 10, BAD_NAME, description "no such group"), then
 * removed groups ("stopped", then "removed process group"), changed ones
 * ("stopped" when a process restarts or goes, then "updated process
 * group"), added ones ("added process group"), all with status 80.  A
 * configuration that does not load is the fault CANT_REREAD, its errors
 * joined by newlines.  Our supervisorctl's update calls it.
 */
const char *const *rpc_method_names(size_t *n);

#endif /* SUPERVISORD_RPC_H */
