/* tls -- BearSSL TLS 1.2 client over a non-blocking fd: verification
 * against trust anchors (ca.h), SPKI pinning, session resumption, clock
 * fallback.  MIT licensed, see LICENSE.  Vendorable: needs libc (POSIX),
 * BearSSL, ca.c and this header.
 *
 * Data flow.  The caller owns everything: struct tls (BearSSL client and
 * X.509 contexts inside), the I/O buffer, and the trust anchors.  The
 * caller connects a non-blocking socket (sock.c), calls tls_start(), and
 * then runs its poll() loop: poll the fd for tls_want(t), call
 * tls_step(t, revents) after every wake-up (and on a poll timeout).
 * tls_step() does the socket I/O -- it always drains records waiting to be
 * sent (SENDREC) before reading more, as BearSSL wants (tools/sslio.c) --
 * and never blocks.  It returns TLS_READY once the handshake is done,
 * TLS_DATA while decrypted data waits, TLS_CLOSED after the peer's
 * close_notify, 0 when it needs poll() again, or an error.  Received data is
 * read in place, with no copy: tls_read_avail() gives a pointer into the
 * iobuf, tls_read_ack() releases what was consumed.  tls_write() copies the
 * (small) request into the engine.
 *
 * Outcomes are distinct codes: TLS_CLOSED (close_notify) vs TLS_E_TRUNCATED
 * (bare EOF after the handshake) vs TLS_E_HS_EOF / TLS_E_RESET (peer gone
 * during the handshake) vs TLS_E_TIMEOUT (handshake deadline passed) vs a
 * verification failure (tls_is_verify_error(): TLS_E_PIN, TLS_E_NOT_YET_
 * VALID, or a BearSSL X.509 code, the tool exits 5) vs a handshake failure
 * (other BearSSL codes, alerts).  BearSSL's engine and X.509 error codes
 * are passed through as -(1000 + err); tls_br_errstr() says them in words
 * ("certificate expired", "unknown issuer", "hostname or IP address
 * mismatch").
 *
 * Protocol: TLS 1.2 only (BearSSL 0.6 has no 1.3), ECDHE with AES-GCM or
 * ChaCha20-Poly1305, RSA or ECDSA server keys, SNI, hostname check.  The
 * implementations are BearSSL's fastest for the CPU (br_ssl_client_init_
 * full picks AES-NI + PCLMUL on x86; tls_impl() names the choice).
 *
 * Names.  A DNS host name is sent as SNI and matched by BearSSL against
 * the certificate's dNSName subjectAltNames (its CN when it has no
 * subjectAltName), with a leading wildcard.  An IP literal -- "192.0.2.1",
 * "2001:db8::1", also "[2001:db8::1]" and "fe80::1%eth0" (zone ignored),
 * as inet_pton() reads them -- is not sent as SNI (RFC 6066 s.3 forbids
 * it) and must equal one of the end-entity certificate's iPAddress
 * subjectAltNames (RFC 5280 4.2.1.6, RFC 6125 6.2.1): a dNSName or CN
 * that spells the address does not count, and an IPv4 address does not
 * match its IPv4-mapped IPv6 form.  The certificate is read for those
 * names as it streams in, by a small push DER walker with a fixed state
 * (ca.h's struct ca_san, 84 bytes, inside struct tls; no copy of the
 * certificate): it follows Certificate > tbsCertificate > extensions >
 * subjectAltName > GeneralNames and skips the rest by length; a
 * certificate it finds malformed has no address.  A mismatch fails the
 * handshake with the DNS name's code, BearSSL's BR_ERR_X509_BAD_SERVER_
 * NAME, a verification error; when the chain itself fails too, the
 * chain's error is reported.  Insecure and pin-only modes check no name,
 * for addresses as for DNS names.
 *
 * Trust anchors (ca.h), two ways.  In memory: cfg.ta, a struct ca_store
 * filled from a PEM bundle or a compiled-in array.  On demand (cfg.find):
 * no anchor is held between handshakes.  The X.509 wrapper buffers the
 * server's chain (struct tls_lazy and cfg.chain, at most TLS_CHAIN_CERTS
 * certificates, else TLS_E_CHAIN_BIG), collects the issuer and subject DN
 * of every certificate in it (ca_cert_names), asks the anchor source
 * cfg.find (ca_scan_find reads the CA file) for the anchors with those
 * DNs, then replays the chain into br_x509_minimal with just those.  A
 * chain that does not fit, or a source that fails, fails the handshake
 * with that code (not a verification error, see tls_is_verify_error()),
 * except in insecure and pin-only modes, which never needed the anchors.
 *
 * Pinning: cfg.pins holds "sha256//BASE64" (curl's spelling; several
 * separated by ';'), the SHA-256 of the server key's DER
 * SubjectPublicKeyInfo.  Checked in addition to the chain, or, with
 * cfg.pin_only, instead of it.
 *
 * Time: X.509 validity needs a clock.  cfg.now (or tls_set_time()) gives
 * the time explicitly (hosts without an RTC: from NTP, the HTTP Date
 * header...).  Otherwise the system clock is used, unless it is obviously
 * wrong -- earlier than TLS_BUILD_TIME, the build date -- in which case the
 * build date is used instead and tls_clock_fallback() is true so the tool
 * can warn.  Validation is never skipped because of the clock: a
 * certificate not yet valid on the build date still fails.
 *
 * Insecure mode (cfg.insecure) accepts any chain and name; pins, if given,
 * are still checked.  The tool warns on every connect.
 *
 * Sessions: after a full handshake the session parameters are kept in
 * struct tls; the next tls_start() to the same host name offers them, and a
 * server with a session cache resumes (no certificate exchange, one round
 * trip less).  tls_resumed() tells which happened.
 *
 * Memory (LP64, BearSSL 0.6): sizeof(struct tls) is 9096 bytes; iobuf
 * TLS_IOBUF_MONO = BR_SSL_BUFSIZE_MONO = 16709 bytes (one record each way,
 * half-duplex, enough for HTTP request then response) or
 * BR_SSL_BUFSIZE_BIDI = 33178 bytes; plus the trust anchors (ca.h): a
 * struct ca_store or a compiled-in array, or, on demand, sizeof(struct
 * tls_lazy), 7232 bytes (a struct ca_set and the chain's DN list), the
 * source's state (struct ca_scan, 3424 bytes) and a chain buffer,
 * cfg.chain: TLS_CHAIN_MAX = 16384 suggested (real chains: 2-6 KiB).  The
 * chain buffer is used only inside a full handshake, and tls refuses
 * renegotiation (BR_OPT_NO_RENEGOTIATION), so a caller may lend it a
 * buffer that is idle then (stream.c lends its inflate window, which
 * serves only the response body).
 */
#ifndef TLS_H
#define TLS_H

#include <stddef.h>
#include <stdint.h>
#include <bearssl.h>

#include "ca.h"

/* TLS_MINIMAL, if defined, offers only ECDHE_{ECDSA,RSA}_WITH_AES_128_GCM_
 * SHA256 and checks certificates signed with SHA-1 or SHA-256 only (no
 * SHA-384 chains): the smallest client that still talks to most servers,
 * used by `make tiny`. */
#ifndef TLS_PINS_MAX
#define TLS_PINS_MAX 4			/* sha256// pins */
#endif
#ifndef TLS_HOST_MAX
#define TLS_HOST_MAX 256		/* server name, NUL included */
#endif
#ifndef TLS_STASH
#define TLS_STASH 5			/* read-ahead bytes: a record header */
#endif
#ifndef TLS_CHAIN_MAX
#define TLS_CHAIN_MAX (16 * 1024)	/* chain bytes buffered (on demand) */
#endif
#ifndef TLS_CHAIN_CERTS
#define TLS_CHAIN_CERTS 10		/* certificates in that chain */
#endif
#define TLS_IOBUF_MONO BR_SSL_BUFSIZE_MONO

/* Events (positive). */
#define TLS_READY 1		/* handshake completed (returned once) */
#define TLS_DATA 2		/* decrypted data waiting: tls_read_avail() */
#define TLS_CLOSED 3		/* peer sent close_notify; clean end */

/* Errors: sticky until tls_start()/tls_init().  Range -20 .. -39, plus
 * BearSSL codes as -(1000 + err), see tls_br_errstr(). */
#define TLS_ERRORS(X) \
	X(TLS_E_ARG, -20, "bad TLS configuration") \
	X(TLS_E_PIN_SYNTAX, -27, "bad pin (want sha256//BASE64)") \
	X(TLS_E_PIN, -28, "server public key does not match the pin") \
	X(TLS_E_IO, -29, "socket error during TLS") \
	X(TLS_E_RESET, -30, "connection reset by peer during TLS") \
	X(TLS_E_HS_EOF, -31, "connection closed during the TLS handshake") \
	X(TLS_E_TRUNCATED, -32, \
	    "connection closed without close_notify (truncated)") \
	X(TLS_E_TIMEOUT, -33, "TLS handshake timed out") \
	X(TLS_E_STATE, -34, "TLS call out of sequence") \
	X(TLS_E_HOST, -35, "server name too long") \
	X(TLS_E_NOT_YET_VALID, -36, "certificate not yet valid") \
	X(TLS_E_CHAIN_BIG, -37, \
	    "server certificate chain too large for the chain buffer")

enum tls_error {
#define TLS_ENUM(name, code, text) name = code,
	TLS_ERRORS(TLS_ENUM)
#undef TLS_ENUM
	TLS_E_NONE = 0
};

/* Offset of BearSSL codes passed through. */
#define TLS_E_BEARSSL (-1000)

/* Storage for on-demand anchors, one per struct tls: caller-allocated,
 * MUST outlive it; do not touch fields. */
struct tls_lazy {
	unsigned char *chain;			/* cfg.chain: the DER */
	size_t chain_cap, chain_len;
	size_t off[TLS_CHAIN_CERTS];		/* certificate i: chain + off[i] */
	size_t len[TLS_CHAIN_CERTS];		/* bytes received */
	uint32_t decl[TLS_CHAIN_CERTS];		/* length the engine announced */
	unsigned ncerts;
	int over;				/* did not fit */
	const char *server_name;
	br_x500_name dn[2 * TLS_CHAIN_CERTS];	/* into chain[] */
	struct ca_set set;
};

struct tls_config {
	const br_x509_trust_anchor *ta;	/* anchors (ca_store.ta or a
					 * compiled-in array) */
	size_t ta_count;
	ca_find_fn find;	/* on-demand anchors instead of ta: source */
	void *find_arg;
	struct tls_lazy *lazy;	/* its storage (MUST be given with find) */
	unsigned char *chain;	/* and the chain's (MUST be given with
				 * find; TLS_CHAIN_MAX bytes suggested) */
	size_t chain_len;
	const char *pins;	/* "sha256//B64[;sha256//B64]..." or NULL */
	int pin_only;		/* pins replace chain validation */
	int insecure;		/* accept any chain and name (warn!) */
	int64_t now;		/* validation time, Unix s; 0: system clock */
};

struct tls;

/* The X.509 class installed in the engine: forwards to the minimal
 * validator and feeds the end-entity certificate to a decoder for pinning
 * and the insecure/pin-only overrides. */
struct tls_x509 {
	const br_x509_class *vtable;
	struct tls *t;
};

/* Per-connection TLS context.  Caller-allocated; do not touch fields. */
struct tls {
	br_ssl_client_context sc;
	br_x509_minimal_context xc;
	struct tls_x509 xw;
	br_x509_decoder_context ee;	/* end-entity cert decoder */
	unsigned char pins[TLS_PINS_MAX][32];
	unsigned npins;
	unsigned certs;		/* certificates seen in this chain */
	unsigned chains;	/* chains seen since tls_start (0: resumed) */
	int pin_only, insecure;
	int pin_failed;		/* last chain failed the pin check */
	int overridden;		/* chain errors ignored (pin_only/insecure) */
	int chain_err;		/* BearSSL's own verdict on the chain */
	ca_find_fn find;	/* on-demand anchors, or NULL */
	void *find_arg;
	struct tls_lazy *lazy;
	int lazy_err;		/* TLS_E_* that failed the last chain */
	int64_t now;		/* fixed validation time, 0: clock */
	int64_t vnow;		/* time used for the last chain */
	unsigned char ip[16];	/* host as an IP literal, network order */
	unsigned ip_len;	/* 4 or 16; 0: host is a DNS name */
	struct ca_san san;	/* the EE certificate's iPAddress SANs */
	unsigned char ee_spki[32];	/* SHA-256 of the EE SPKI */
	int have_spki;
	int clock_fallback;
	unsigned char *iobuf;
	size_t iobuf_len;
	int fd;
	int state;
	int err;
	unsigned char stash[TLS_STASH];	/* bytes read ahead of the engine */
	size_t stash_off, stash_len;
	int64_t deadline;	/* handshake deadline, CLOCK_MONOTONIC ms */
	br_ssl_session_parameters sess;
	int have_sess;
	int resumed;
	char host[TLS_HOST_MAX];
	char sess_host[TLS_HOST_MAX];
};

/* Resets t fully (saved session included) and applies cfg: anchors are
 * referenced, not copied -- they MUST outlive t.  iobuf (iobuf_len >=
 * TLS_IOBUF_MONO) is the caller's and MUST outlive t.  With cfg.find set
 * the anchors come from it on demand (cfg.ta is ignored), through
 * cfg.lazy, which MUST be given and outlive t.  Returns 0, TLS_E_ARG or
 * TLS_E_PIN_SYNTAX. */
int tls_init(struct tls *t, const struct tls_config *cfg,
    unsigned char *iobuf, size_t iobuf_len);

/* Sets the validation time (Unix seconds) for the next handshakes; 0
 * returns to the system clock.  For hosts without an RTC. */
void tls_set_time(struct tls *t, int64_t unix_seconds);

/* Starts a handshake on connected non-blocking fd with server name host:
 * a DNS name (SNI, matched against the certificate's DNS names) or an IP
 * literal (no SNI, matched against its iPAddress names only; see "Names"
 * above).  The handshake must finish within timeout_ms (<= 0: no
 * deadline).  Offers the saved session
 * if host is the one it was made with.  Clears any error.  Returns 0 or a
 * negative error. */
int tls_start(struct tls *t, int fd, const char *host, int timeout_ms);

/* Poll events needed now: POLLOUT while records wait to be sent, POLLIN
 * while the engine wants input, 0 when it waits for the caller (data to
 * read or to write).  Valid after tls_step() returned 0: tls_step() reads
 * a record header ahead (see TLS_STASH) but only returns 0 once such
 * read-ahead bytes are consumed, so poll() never waits on them.  After
 * TLS_DATA the caller MUST consume (tls_read_ack) and call tls_step()
 * again before polling. */
short tls_want(const struct tls *t);

/* Pumps the engine over the fd without blocking (revents: from poll(), 0
 * on a timeout; only informative).  Returns TLS_READY (once, when the
 * handshake completes), TLS_DATA, TLS_CLOSED, 0 (poll tls_want() and call
 * again), or a negative error (sticky). */
int tls_step(struct tls *t, short revents);

/* Milliseconds until the handshake deadline (-1: none), for poll(). */
int tls_timeout_ms(const struct tls *t);

/* Decrypted data in place: *p, *len (0 when none).  Returns 0 or the
 * sticky error. */
int tls_read_avail(struct tls *t, const unsigned char **p, size_t *len);

/* Releases n bytes of what tls_read_avail() gave (n <= *len). */
void tls_read_ack(struct tls *t, size_t n);

/* Queues up to n bytes of application data and flushes them into a
 * record; *used says how many were taken (0 when the engine cannot take
 * data now: call tls_step()).  Returns 0 or the sticky error. */
int tls_write(struct tls *t, const void *p, size_t n, size_t *used);

/* Starts a clean close (sends close_notify); keep calling tls_step()
 * until it returns TLS_CLOSED or an error. */
void tls_close(struct tls *t);

/* Forgets the saved session (after a verification change, say). */
void tls_forget_session(struct tls *t);

/* Writes the server key's pin of the last handshake, "sha256//BASE64",
 * NUL-terminated, into out[cap] (cap >= 52).  Returns 0, or -1 when there
 * is none (resumed session, undecodable key) or cap is too small. */
int tls_peer_pin(const struct tls *t, char *out, size_t cap);

/* BearSSL error code err (>= 0, as br_ssl_engine_last_error) in words. */
const char *tls_br_errstr(int err);

/* The implementation pair in use for AES-GCM ("aes_x86ni+ghash_pclmul"
 * or a portable one) -- for benchmarks and --version. */
const char *tls_impl(const struct tls *t);

/* True for codes meaning "the server's certificate or key was refused"
 * (the tool's exit code 5). */
static inline int
tls_is_verify_error(int code)
{
	return code == TLS_E_PIN || code == TLS_E_NOT_YET_VALID ||
	    (code <= TLS_E_BEARSSL - BR_ERR_X509_OK &&
	    code >= TLS_E_BEARSSL - BR_ERR_X509_NOT_TRUSTED);
}

static inline int
tls_error(const struct tls *t)
{
	return t->err;
}

/* The last handshake resumed a session (abbreviated handshake). */
static inline int
tls_resumed(const struct tls *t)
{
	return t->resumed;
}

/* The system clock was before the build date and the build date was
 * used for validation instead. */
static inline int
tls_clock_fallback(const struct tls *t)
{
	return t->clock_fallback;
}

#endif
