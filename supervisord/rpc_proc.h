/*
 * rpc_proc: rpcinterface.py's methods on processes: their info, start,
 * stop and signal (one, a group, all), and sendProcessStdin; and our
 * diff.getAllProcessStatus and diff.health.  Each is an rpc_method_fn, run by rpc.c once
 * the arity and the mood are checked; the name says which method it is.
 */
#ifndef SUPERVISORD_RPC_PROC_H
#define SUPERVISORD_RPC_PROC_H

#include "supervisord/rpc_core.h"

rpc_method_fn	rpc_get_process_info;		/* getProcessInfo */
rpc_method_fn	rpc_get_all_process_info;	/* getAllProcessInfo */
/* Ours: getAllProcessInfo's structs with only what status prints. */
rpc_method_fn	rpc_get_all_process_status;	/* diff.getAllProcessStatus */
/* Ours: the same structs, of the processes status.h's st_healthy
 * finds not healthy. */
rpc_method_fn	rpc_health;			/* diff.health */
rpc_method_fn	rpc_rolling_restart;		/* diff.rollingRestart */

/* Free what a call of this module's methods kept. */
void	rpc_proc_call_free(struct rpc_call *c);
rpc_method_fn	rpc_start_process;		/* startProcess */
rpc_method_fn	rpc_start_process_group;	/* startProcessGroup */
rpc_method_fn	rpc_start_all_processes;	/* startAllProcesses */
rpc_method_fn	rpc_stop_process;		/* stopProcess */
rpc_method_fn	rpc_stop_process_group;		/* stopProcessGroup */
rpc_method_fn	rpc_stop_all_processes;		/* stopAllProcesses */
rpc_method_fn	rpc_signal_process;		/* signalProcess */
rpc_method_fn	rpc_signal_process_group;	/* signalProcessGroup */
rpc_method_fn	rpc_signal_all_processes;	/* signalAllProcesses */
rpc_method_fn	rpc_send_process_stdin;		/* sendProcessStdin */

#endif /* SUPERVISORD_RPC_PROC_H */
