/*
 * rpc_types: what every module of the API shares with its front ends:
 * supervisor's fault codes, how far a call got, and the hooks main sets.
 * rpc.h includes it; the API's own modules include it instead of rpc.h,
 * which is above them.
 */
#ifndef SUPERVISORD_RPC_TYPES_H
#define SUPERVISORD_RPC_TYPES_H

/* Bytes of a log read at a time: what one call holds of a file. */
#define RPC_READ_CHUNK	16384

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

/*
 * What main does for shutdown() and restart(): set by main.  The API
 * sets its mood first (SHUTDOWN, RESTARTING), as supervisor does, then
 * calls the hook once the answer (True) is written; a restart that
 * leaves the daemon running sets the mood back with rpc_set_mood.
 */
struct rpc_hooks {
	void	(*shutdown)(void *arg);	/* supervisor.shutdown() */
	void	(*restart)(void *arg);	/* supervisor.restart() */
	/* The main log's path, or NULL: readLog, clearLog, /mainlogtail. */
	const char *(*logfile)(void *arg);
	/* Reopen the main log after clearLog removed it. */
	void	(*reopen_log)(void *arg);
	/* supervisor.sendRemoteCommEvent(type, data). */
	void	(*remote_comm)(void *arg, const char *type, const char *data,
		    size_t len);
	void	*arg;
};

#endif /* SUPERVISORD_RPC_TYPES_H */
