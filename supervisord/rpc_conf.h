/*
 * rpc_conf: rpcinterface.py's methods on the configuration:
 * reloadConfig (a re-read, kept for addProcessGroup and
 * getAllConfigInfo), addProcessGroup, removeProcessGroup,
 * getAllConfigInfo; and our diff.update (rpc.h).
 */
#ifndef SUPERVISORD_RPC_CONF_H
#define SUPERVISORD_RPC_CONF_H

#include "supervisord/rpc_core.h"

rpc_method_fn	rpc_reload_config;		/* reloadConfig */
rpc_method_fn	rpc_add_process_group;		/* addProcessGroup */
rpc_method_fn	rpc_remove_process_group;	/* removeProcessGroup */
rpc_method_fn	rpc_get_all_config_info;	/* getAllConfigInfo */
rpc_method_fn	rpc_diff_update;		/* diff.update */

/* Forget the re-read configuration (rpc_free). */
void	rpc_conf_fini(struct rpc *r);
/* Free what a call holds of it (rpc_call_free). */
void	rpc_conf_call_free(struct rpc_call *c);

#endif /* SUPERVISORD_RPC_CONF_H */
