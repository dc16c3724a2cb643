/* errstr -- words for every module's error code.  MIT licensed.
 * Tool side only (not vendorable): it includes every module's header and
 * expands their X-macro error lists into one table. */
#ifndef ERRSTR_H
#define ERRSTR_H

/* Returns a static message for any sluice error code (negative), "ok" for
 * 0, and "unknown error N" (in a static buffer) for anything else. */
const char *errstr(int code);

/* Returns the symbolic name ("CHUNK_E_HEX") or NULL if unknown. */
const char *errname(int code);

#endif
