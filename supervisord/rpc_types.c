/*
 * rpc_types: the names of supervisor's fault codes (xmlrpc.py's
 * getFaultDescription).
 */
#include <stddef.h>

#include "supervisord/rpc_types.h"

const char *
rpc_fault_name(int code)
{
	static const struct {
		int		 code;
		const char	*name;
	} names[] = {
		{ RPC_UNKNOWN_METHOD, "UNKNOWN_METHOD" },
		{ RPC_INCORRECT_PARAMETERS, "INCORRECT_PARAMETERS" },
		{ RPC_BAD_ARGUMENTS, "BAD_ARGUMENTS" },
		{ RPC_SIGNATURE_UNSUPPORTED, "SIGNATURE_UNSUPPORTED" },
		{ RPC_SHUTDOWN_STATE, "SHUTDOWN_STATE" },
		{ RPC_BAD_NAME, "BAD_NAME" },
		{ RPC_BAD_SIGNAL, "BAD_SIGNAL" },
		{ RPC_NO_FILE, "NO_FILE" },
		{ RPC_NOT_EXECUTABLE, "NOT_EXECUTABLE" },
		{ RPC_FAILED, "FAILED" },
		{ RPC_ABNORMAL_TERMINATION, "ABNORMAL_TERMINATION" },
		{ RPC_SPAWN_ERROR, "SPAWN_ERROR" },
		{ RPC_ALREADY_STARTED, "ALREADY_STARTED" },
		{ RPC_NOT_RUNNING, "NOT_RUNNING" },
		{ RPC_SUCCESS, "SUCCESS" },
		{ RPC_ALREADY_ADDED, "ALREADY_ADDED" },
		{ RPC_STILL_RUNNING, "STILL_RUNNING" },
		{ RPC_CANT_REREAD, "CANT_REREAD" },
	};
	size_t	i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (names[i].code == code)
			return names[i].name;
	return "UNKNOWN";
}
