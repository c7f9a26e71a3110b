/*
 * rpc_log: rpcinterface.py's methods on log files: the main log's
 * (readLog, clearLog) and the processes' (read, tail, clear), read as
 * options.py's readFile and tailFile do, RPC_READ_CHUNK bytes at a time.
 */
#ifndef SUPERVISORD_RPC_LOG_H
#define SUPERVISORD_RPC_LOG_H

#include "supervisord/rpc_core.h"

rpc_method_fn	rpc_read_log;			/* readLog */
rpc_method_fn	rpc_clear_log;			/* clearLog */
rpc_method_fn	rpc_read_stdout_log;		/* readProcessStdoutLog */
rpc_method_fn	rpc_read_stderr_log;		/* readProcessStderrLog */
rpc_method_fn	rpc_tail_stdout_log;		/* tailProcessStdoutLog */
rpc_method_fn	rpc_tail_stderr_log;		/* tailProcessStderrLog */
rpc_method_fn	rpc_clear_process_logs;		/* clearProcessLogs */
rpc_method_fn	rpc_clear_all_process_logs;	/* clearAllProcessLogs */

/* Close what a call reading a log holds (rpc_call_free). */
void	rpc_log_close(struct rpc_call *c);

#endif /* SUPERVISORD_RPC_LOG_H */
