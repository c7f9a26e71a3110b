/*
 * rpc_doc: each method's documentation, as system.methodHelp answers it:
 * supervisor 4.2.5's docstrings verbatim (str(func.__doc__), indentation
 * and all), and ours for the diff namespace (diff.update,
 * diff.getAllProcessStatus).  system.methodSignature reads its
 * @return and @param tags.
 */
#ifndef SUPERVISORD_RPC_DOC_H
#define SUPERVISORD_RPC_DOC_H

/* The documentation of method ("supervisor.startProcess"), or NULL. */
const char *rpc_doc(const char *method);

#endif /* SUPERVISORD_RPC_DOC_H */
