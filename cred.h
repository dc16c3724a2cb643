/* cred -- the tool's credentials: environment, key = value file, redaction
 * and wiping.  MIT licensed, see LICENSE.  Tool side (not vendorable): it
 * uses POSIX open/fstat/read and snprintf, and knows sluice's names.
 *
 * Sources, each setting only the fields it names (the caller picks the
 * order; sluice reads the environment first, then the file given by
 * option, so the more explicit source wins):
 *  - environment: SLUICE_CONSUMER_KEY, SLUICE_CONSUMER_SECRET,
 *    SLUICE_TOKEN, SLUICE_TOKEN_SECRET, SLUICE_BEARER_TOKEN;
 *  - a file of lines "key = value" with keys consumer_key,
 *    consumer_secret, token, token_secret, bearer_token; blank lines and
 *    lines starting with "#" are skipped; spaces around key and value are
 *    trimmed; a value may be wrapped in matching double or single quotes.
 *    The file MUST be a regular file that neither group nor others can
 *    read or write (mode 0600 or stricter): otherwise it is refused with
 *    CRED_E_PERM and a message naming the file and the chmod that fixes
 *    it.  The mode is checked on the opened descriptor (no race).
 *
 * Storage: fixed arrays inside struct cred, no malloc.  The file is read
 * with read(2) into a stack buffer (not stdio, whose heap buffer would
 * keep a copy of the secrets), which is wiped afterwards.
 *
 * Secrets are never printed: cred_redact() shows the first 4 characters
 * only.  cred_wipe() zeroes the whole struct through a volatile pointer,
 * so the compiler cannot drop the stores; call it when the credentials
 * are no longer needed (the environment strings themselves stay where
 * libc keeps them).
 *
 * Memory: sizeof(struct cred) is 5 * CRED_VALUE_MAX + 4 = 2564 bytes.
 */
#ifndef CRED_H
#define CRED_H

#include <stddef.h>

#include "oauth.h"

#ifndef CRED_VALUE_MAX
#define CRED_VALUE_MAX 512	/* bytes per value, NUL included */
#endif
#ifndef CRED_FILE_MAX
#define CRED_FILE_MAX 8192	/* largest credentials file */
#endif
#define CRED_MSG_MAX 512	/* room for a diagnostic message */

/* Errors: range -240 .. -259. */
#define CRED_ERRORS(X) \
	X(CRED_E_OPEN, -240, "cannot open the credentials file") \
	X(CRED_E_PERM, -241, \
	    "credentials file is accessible by group or others") \
	X(CRED_E_TYPE, -242, "credentials file is not a regular file") \
	X(CRED_E_READ, -243, "cannot read the credentials file") \
	X(CRED_E_BIG, -244, "credentials file is too large") \
	X(CRED_E_SYNTAX, -245, "credentials file line is not key = value") \
	X(CRED_E_KEY, -246, "credentials file has an unknown key") \
	X(CRED_E_LONG, -247, "credential value too long") \
	X(CRED_E_INCOMPLETE, -248, "incomplete OAuth 1.0a credentials") \
	X(CRED_E_NONE, -249, "no credentials given")

enum cred_error {
#define CRED_ENUM(name, code, text) name = code,
	CRED_ERRORS(CRED_ENUM)
#undef CRED_ENUM
	CRED_E_OK = 0
};

/* Bits of cred.have. */
enum {
	CRED_CONSUMER_KEY = 1, CRED_CONSUMER_SECRET = 2, CRED_TOKEN = 4,
	CRED_TOKEN_SECRET = 8, CRED_BEARER_TOKEN = 16
};

struct cred {
	char consumer_key[CRED_VALUE_MAX];
	char consumer_secret[CRED_VALUE_MAX];
	char token[CRED_VALUE_MAX];
	char token_secret[CRED_VALUE_MAX];
	char bearer_token[CRED_VALUE_MAX];
	unsigned have;		/* CRED_* bits of the fields set */
};

/* Empties c. */
void cred_init(struct cred *c);

/* Sets the fields whose SLUICE_* variable is set and non-empty.  Returns
 * 0, or CRED_E_LONG (msg says which variable; the field is left as it
 * was).  msg may be NULL; it gets at most msg_cap bytes. */
int cred_from_env(struct cred *c, char *msg, size_t msg_cap);

/* Sets the fields the file at path names.  Returns 0 or a CRED_E_* error
 * with a one-line message in msg (naming the file, the line and for
 * CRED_E_PERM the fix, e.g. "chmod 600 FILE"; never a secret).  On error
 * c is left as it was. */
int cred_from_file(struct cred *c, const char *path, char *msg,
    size_t msg_cap);

/* What the credentials allow: 2 for OAuth 1.0a user context (consumer
 * key and secret, token and token secret), 1 for a bearer token, and
 * CRED_E_INCOMPLETE / CRED_E_NONE (with msg naming what is missing)
 * otherwise.  OAuth wins when both are complete. */
int cred_check(const struct cred *c, char *msg, size_t msg_cap);

/* Points o's fields at c's strings (empty ones as NULL tokens). */
void cred_oauth(const struct cred *c, struct oauth_cred *o);

/* Writes a printable stand-in for secret to buf: its first 4 characters
 * followed by "..." and its length, e.g. "xvz1... (22 chars)"; secrets of
 * 8 characters or fewer show no characters at all ("... (6 chars)"), and
 * an empty one is "(empty)".  Bytes outside printable ASCII among the 4
 * are shown as "?".  Returns buf. */
const char *cred_redact(const char *secret, char *buf, size_t cap);

/* Zeroes n bytes at p in a way the compiler cannot optimise away. */
void cred_wipe_mem(void *p, size_t n);

/* Zeroes all of c. */
void cred_wipe(struct cred *c);

#endif
