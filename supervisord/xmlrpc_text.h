/*
 * xmlrpc_text: the text of a scalar element read as Python's
 * xmlrpc.client reads it, for the decoder (xmlrpc_dec).  Each takes a
 * NUL-terminated text.
 */
#ifndef SUPERVISORD_XMLRPC_TEXT_H
#define SUPERVISORD_XMLRPC_TEXT_H

#include <sys/types.h>

#include <stddef.h>

/* int(): blanks around, a sign, _ between digits.  0, or -1. */
int	xr_text_int(const char *s, long long *out);
/* float(): no hex, no nan(...), _ between digits.  0, or -1. */
int	xr_text_double(const char *s, double *out);
/*
 * base64, as Python's non-strict decoder: other characters skipped.
 * Decoded in place (each byte lands behind the text it comes from) and
 * NUL-terminated: its length, or -1.
 */
ssize_t	xr_text_base64(char *s, size_t len);

#endif /* SUPERVISORD_XMLRPC_TEXT_H */
