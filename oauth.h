/* oauth -- OAuth 1.0a HMAC-SHA1 request signing (RFC 5849), Bearer and
 * Basic credentials, RFC 3986 percent-encoding and base64.
 * MIT licensed, see LICENSE.  Vendorable: needs this header, libc and
 * BearSSL (SHA-1, HMAC, HMAC-DRBG and the OS seeder).
 *
 * Data flow of oauth_sign():
 *   1. the URL is split into scheme, host, port, path and query; the base
 *      string URI is scheme and host in lower case, the port only when it
 *      is not the scheme's default (80 for http, 443 for https), the path
 *      ("/" when empty), no query, no fragment (RFC 5849 3.4.1.2);
 *   2. parameters are collected (3.4.1.3.1): the query's name=value pairs
 *      and those of the body, each form-decoded ("+" is a space, %XX a
 *      byte) and re-encoded with oauth_pct_encode() into the caller's
 *      scratch buffer, plus the protocol parameters oauth_consumer_key,
 *      oauth_nonce, oauth_signature_method, oauth_timestamp, oauth_token
 *      (when there is a token) and oauth_version (unless OAUTH_NO_VERSION);
 *      an "oauth_signature" from the query or body is left out;
 *   3. the parameter slots are sorted by encoded name, then encoded value,
 *      duplicates kept (3.4.1.3.2);
 *   4. the signature base string METHOD&enc(uri)&enc(params) (3.4.1.1)
 *      is streamed straight into HMAC-SHA1, keyed with
 *      enc(consumer_secret)&enc(token_secret) (3.4.2) -- it is never
 *      materialised, so its length needs no buffer;
 *   5. the header value "OAuth oauth_consumer_key=\"...\", ..." (3.5.1) is
 *      measured, then written if it fits.
 *
 * Encoding: RFC 3986 unreserved bytes (A-Z a-z 0-9 - . _ ~) pass, every
 * other byte is %XX with upper-case hex; bytes are taken as they are, so
 * UTF-8 text is encoded byte by byte and nothing is normalised.
 *
 * Query and body are strict application/x-www-form-urlencoded: pairs are
 * separated by "&" (empty pairs are skipped), a pair without "=" has an
 * empty value, "%" must be followed by two hex digits (OAUTH_E_PERCENT),
 * and every raw byte must be one a form encoder may leave unencoded --
 * unreserved, sub-delims "!$'()*+,;=", ":@/?" and "%" -- anything else
 * (space, controls, '"', '<', '[', bytes >= 0x80 ...) is OAUTH_E_FORM,
 * since verifiers disagree on how to read it.  Pass the body only when it
 * is sent as application/x-www-form-urlencoded; any other body is not
 * signed (RFC 5849 3.4.1.3.1) and MUST be passed as NULL, 0.  Build query
 * strings and bodies with oauth_pct_encode() and they always qualify.
 *
 * Working space (no malloc): the caller hands oauth_init() an array of
 * parameter slots and a scratch buffer, kept for the life of the context.
 * For a URL of url_len bytes, a body of body_len bytes and a consumer key
 * and token of key_len and token_len bytes, these are always enough:
 *     slots   OAUTH_SLOTS_NEED(url_len, body_len)
 *     scratch OAUTH_SCRATCH_NEED(url_len, body_len, key_len, token_len)
 * (each parameter takes 2 bytes of input at least, and encoding at most
 * triples a byte).  Less is fine for real requests; running out is
 * OAUTH_E_SLOTS or OAUTH_E_SCRATCH and nothing is written.  A Twitter
 * statuses/filter connect with 400 track keywords needs about 90 slots
 * and 16 KiB.
 *
 * Writers (oauth_sign, oauth_base_string, oauth_bearer, oauth_basic,
 * oauth_base64, oauth_pct_encode) measure, then write: when the result
 * plus its terminating NUL does not fit in cap, they return OAUTH_E_SPACE,
 * set *len to the length needed (without the NUL) and write nothing.  With
 * out == NULL they only measure and return 0.
 *
 * Errors: the last error of oauth_sign()/oauth_base_string() is kept in
 * the context (oauth_error()).  Unlike a decoder's, it does not block
 * later calls: every signature is computed from scratch, and a caller that
 * got OAUTH_E_SPACE is expected to retry with a bigger buffer.  The one
 * condition that persists is a failed seeding (OAUTH_E_SEED), until
 * oauth_seed() adds entropy or oauth_init() succeeds.
 *
 * Memory: sizeof(struct oauth) is 272 bytes on LP64 (about 248 on ILP32;
 * 144 of them are BearSSL's HMAC-DRBG), plus the caller's slots
 * (sizeof(struct oauth_param) = 32 bytes on LP64, 16 on ILP32) and
 * scratch.  oauth_sign() needs under 2 KiB of stack (912 bytes in its own
 * frame on x86_64, mostly BearSSL's HMAC contexts).  Code: about 8.5 KB at
 * -Os on x86_64, plus BearSSL's SHA-1, SHA-256, HMAC and HMAC-DRBG.
 */
#ifndef OAUTH_H
#define OAUTH_H

#include <stddef.h>
#include <stdint.h>

#include <bearssl.h>

#ifndef OAUTH_NONCE_LEN
#define OAUTH_NONCE_LEN 32	/* alphanumerics in a generated nonce */
#endif
#ifndef OAUTH_NONCE_MAX
#define OAUTH_NONCE_MAX 64	/* longest nonce oauth_set_nonce() takes */
#endif

/* Protocol parameters oauth_sign() adds to the caller's ones. */
#define OAUTH_PROTO_PARAMS 6
/* Slots and scratch bytes that are always enough (see the overview). */
#define OAUTH_SLOTS_NEED(url_len, body_len) \
	(((url_len) + 1) / 2 + ((body_len) + 1) / 2 + OAUTH_PROTO_PARAMS)
#define OAUTH_SCRATCH_NEED(url_len, body_len, key_len, token_len) \
	(3 * ((url_len) + (body_len) + (key_len) + (token_len)) + \
	    3 * OAUTH_NONCE_MAX + 128)

/* Length of the base64 encoding of n bytes (without NUL). */
#define OAUTH_BASE64_LEN(n) ((((n) + 2) / 3) * 4)
/* Length of an HMAC-SHA1 value and of its base64 form. */
#define OAUTH_SHA1_LEN 20
#define OAUTH_SIG_LEN 28

/* oauth_set_flags() bits. */
#define OAUTH_NO_VERSION 1u	/* leave out oauth_version="1.0" (optional,
				 * RFC 5849 3.1; Twitter sends it) */

/* Errors: range -140 .. -159. */
#define OAUTH_ERRORS(X) \
	X(OAUTH_E_SPACE, -140, "output buffer too small (nothing written)") \
	X(OAUTH_E_SLOTS, -141, "more request parameters than parameter slots") \
	X(OAUTH_E_SCRATCH, -142, \
	    "request parameters too long for the scratch buffer") \
	X(OAUTH_E_PERCENT, -143, \
	    "invalid percent-encoding in the query or form body") \
	X(OAUTH_E_FORM, -144, \
	    "query or form body byte must be percent-encoded") \
	X(OAUTH_E_URL, -145, "URL is not an absolute http or https URL") \
	X(OAUTH_E_METHOD, -146, "HTTP method is not a valid token") \
	X(OAUTH_E_CRED, -147, "OAuth consumer key or secret missing") \
	X(OAUTH_E_SEED, -148, "no system entropy to seed the OAuth nonce") \
	X(OAUTH_E_NONCE, -149, "forced nonce is too long or not printable") \
	X(OAUTH_E_TOKEN, -150, \
	    "bearer token empty or has bytes not allowed in a header") \
	X(OAUTH_E_BASIC, -151, \
	    "Basic user has a colon, or user/password a control character")

enum oauth_error {
#define OAUTH_ENUM(name, code, text) name = code,
	OAUTH_ERRORS(OAUTH_ENUM)
#undef OAUTH_ENUM
	OAUTH_E_NONE = 0
};

/* Credentials, NUL-terminated.  token and token_secret may be NULL (or
 * "") for requests signed with consumer credentials alone (two-legged):
 * oauth_token is then left out and the key ends in "&". */
struct oauth_cred {
	const char *consumer_key;
	const char *consumer_secret;
	const char *token;
	const char *token_secret;
};

/* A parameter slot: an encoded name and value in the scratch buffer. */
struct oauth_param {
	const char *name;
	const char *value;
	size_t name_len;
	size_t value_len;
};

/* Signing context.  Caller-allocated; do not touch the fields. */
struct oauth {
	br_hmac_drbg_context drbg;	/* nonce generator */
	struct oauth_param *slot;	/* caller's parameter slots */
	size_t nslots;
	char *scratch;			/* caller's scratch buffer */
	size_t scratch_cap;
	int64_t skew;			/* seconds added to time(NULL) */
	int64_t forced_ts;		/* test hook; -1: use the clock */
	unsigned char forced_nonce_len;	/* test hook; 0: generate */
	char forced_nonce[OAUTH_NONCE_MAX];
	unsigned flags;
	int seeded;
	int err;			/* last error, 0 if none */
};

/* Resets o completely, keeps the caller's slots (nslots of them) and
 * scratch buffer (scratch_cap bytes) for every later call, and seeds the
 * nonce generator from the OS (br_prng_seeder_system).  Returns 0, or
 * OAUTH_E_SEED when the system has no usable entropy source; signing then
 * fails with OAUTH_E_SEED until oauth_seed() is called (or a nonce is
 * forced).  The slots and scratch MUST be non-NULL (nslots and
 * scratch_cap non-zero) and MUST outlive o. */
int oauth_init(struct oauth *o, struct oauth_param *slots, size_t nslots,
    char *scratch, size_t scratch_cap);

/* Mixes len bytes of caller entropy into the nonce generator and counts
 * it as seeded: for hosts without a system source.  The caller MUST give
 * at least 16 bytes of real entropy. */
void oauth_seed(struct oauth *o, const void *seed, size_t len);

/* Clock correction: timestamps are time(NULL) + skew seconds. */
void oauth_set_skew(struct oauth *o, int64_t skew);

/* Same, from the time a server reported (its Date header, parsed by the
 * caller into seconds since the epoch): skew = server_now - time(NULL). */
void oauth_set_server_time(struct oauth *o, int64_t server_now);

static inline int64_t
oauth_skew(const struct oauth *o)
{
	return o->skew;
}

/* OAUTH_NO_VERSION, or 0 (the default). */
static inline void
oauth_set_flags(struct oauth *o, unsigned flags)
{
	o->flags = flags;
}

/* Test hooks for known-answer tests and reproducible output: force the
 * nonce (printable ASCII other than '"' and '\\', at most OAUTH_NONCE_MAX
 * bytes; NULL returns to generated nonces) and the timestamp (-1 returns
 * to the clock).  Returns 0 or OAUTH_E_NONCE.  A real client never forces
 * a nonce: replays would be refused. */
int oauth_set_nonce(struct oauth *o, const char *nonce);
void oauth_set_timestamp(struct oauth *o, int64_t ts);

/* Signs one request and writes the Authorization header VALUE, e.g.
 *   OAuth oauth_consumer_key="...", oauth_nonce="...",
 *   oauth_signature="...", oauth_signature_method="HMAC-SHA1",
 *   oauth_timestamp="...", oauth_token="...", oauth_version="1.0"
 * (one line, parameters in that order, values percent-encoded) to out,
 * NUL-terminated; the caller prefixes "Authorization: ".
 * method: the request method (upper-cased for signing, MUST be a token);
 * url: the absolute request URL as it will be sent, query included;
 * body: the form body (see the overview) or NULL with body_len 0.
 * Returns 0 with *len the header length, or a negative OAUTH_E_*; on any
 * error nothing is written to out.  Each call draws a fresh nonce. */
int oauth_sign(struct oauth *o, const struct oauth_cred *c,
    const char *method, const char *url, const unsigned char *body,
    size_t body_len, char *out, size_t cap, size_t *len);

/* Writes the signature base string oauth_sign() would sign, for the same
 * inputs, to out (measure-then-write; for tests and debugging -- it
 * contains no secret).  With a forced nonce and timestamp the two agree
 * exactly; otherwise each call draws its own nonce. */
int oauth_base_string(struct oauth *o, const struct oauth_cred *c,
    const char *method, const char *url, const unsigned char *body,
    size_t body_len, char *out, size_t cap, size_t *len);

/* The last error of oauth_sign()/oauth_base_string(), or 0. */
static inline int
oauth_error(const struct oauth *o)
{
	return o->err;
}

/* ---- helpers, no context needed ---------------------------------------- */

/* RFC 3986 percent-encoding of in[0..n) as OAuth requires (see the
 * overview); usable for building query strings and form bodies.
 * Measure-then-write; returns 0 or OAUTH_E_SPACE. */
int oauth_pct_encode(const unsigned char *in, size_t n, char *out,
    size_t cap, size_t *len);

/* Standard base64 (RFC 4648 section 4, "=" padding, no line breaks) of
 * in[0..n): also for Basic credentials and WebSocket accept keys.
 * Measure-then-write; returns 0 or OAUTH_E_SPACE. */
int oauth_base64(const unsigned char *in, size_t n, char *out, size_t cap,
    size_t *len);

/* HMAC-SHA1 (RFC 2104) of msg with key, through BearSSL, into out. */
void oauth_hmac_sha1(const void *key, size_t key_len, const void *msg,
    size_t msg_len, unsigned char out[OAUTH_SHA1_LEN]);

/* Writes the header value "Bearer TOKEN" (RFC 6750).  The token MUST be
 * non-empty visible ASCII (0x21-0x7e; X's tokens contain "%"), otherwise
 * OAUTH_E_TOKEN.  Measure-then-write; returns 0 or a negative error. */
int oauth_bearer(const char *token, char *out, size_t cap, size_t *len);

/* Writes the header value "Basic base64(user:password)" (RFC 7617; bytes
 * as given, UTF-8 recommended).  A user with ":" or either with a control
 * character is OAUTH_E_BASIC.  Measure-then-write. */
int oauth_basic(const char *user, const char *password, char *out,
    size_t cap, size_t *len);

#endif
