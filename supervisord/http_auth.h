/*
 * http_auth: Basic authentication as supervisor checks it (medusa's
 * auth_handler with supervisor's encrypted_dictionary_authorizer): one
 * username, a password in clear or as "{SHA}" and SHA-1's hex digest.
 */
#ifndef SUPERVISORD_HTTP_AUTH_H
#define SUPERVISORD_HTTP_AUTH_H

/*
 * Check an Authorization: header's value (NULL when absent) against
 * username and password: 0 when it passes, else the status to answer:
 * 400 for credentials that are not base64 (or not UTF-8), as medusa
 * does, 401 for anything else.  The comparisons take the same time
 * whatever bytes differ.
 */
int	http_auth_check(const char *authorization, const char *username,
	    const char *password);

/*
 * Decode base64 as Python's binascii.a2b_base64 does (what medusa uses):
 * characters outside the alphabet are skipped; enough "=" ends the data;
 * a last group of one character, or of two or three without its "=",
 * is an error.  out holds at least strlen(in) * 3 / 4 + 3 bytes.  The
 * length, or -1.
 */
long	http_auth_b64(const char *in, unsigned char *out);

#endif /* SUPERVISORD_HTTP_AUTH_H */
