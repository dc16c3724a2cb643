/* stream -- the connection state machine and the one poll() loop.
 * MIT licensed, see LICENSE.  Tool side (does I/O); usable as a library.
 *
 * A stream connects (RESOLVE -> CONNECT -> TLS -> SEND -> HEAD -> BODY),
 * decodes the body through chunk -> inflate -> frame, recognises control
 * messages (disconnect, warning, limit, v2 operational errors) and hands
 * every complete data message, exactly once and in order, to the
 * caller's on_message callback.  When the connection ends or fails it
 * waits (BACKOFF) by the reconnect policy of ARCHITECTURE.md section 4 and
 * starts again, until the retries, a limit or the caller stop it.
 *
 * Ownership: struct stream holds every buffer and context (its size is
 * sizeof(struct stream); main keeps it in static storage).  The cfg and
 * every string it points to MUST outlive the stream.  No heap allocation
 * happens after stream_init (getaddrinfo aside).
 *
 * Loops: stream_run() blocks until the end.  Callers with their own loop
 * use stream_poll_fds() to learn which fds and timeout to poll, then
 * stream_step() with the poll results; stream_done() says when to stop.
 */
#ifndef STREAM_H
#define STREAM_H

#include <poll.h>
#include <stddef.h>
#include <stdint.h>

#include "chunk.h"
#include "frame.h"
#include "http.h"
#include "inflate.h"
#include "json.h"
#include "msg.h"
#include "sock.h"
#include "tls.h"

#ifndef STREAM_READ_MAX
#define STREAM_READ_MAX 16384	/* plain-TCP read buffer */
#endif
#ifndef STREAM_READS_PER_STEP
#define STREAM_READS_PER_STEP 4	/* plain-TCP reads per stream_step */
#endif
#ifndef STREAM_FRAME_MAX
#define STREAM_FRAME_MAX 65536	/* largest message delivered */
#endif
#ifndef STREAM_TOKENS
#define STREAM_TOKENS 1024	/* JSON tokens for classification */
#endif
#ifndef STREAM_IDRING
#define STREAM_IDRING 4096	/* ids remembered to drop duplicates */
#endif
#ifndef STREAM_REQ_MAX
#define STREAM_REQ_MAX 8192	/* request head + body */
#endif
#ifndef STREAM_AUTH_MAX
#define STREAM_AUTH_MAX 1024	/* Authorization field */
#endif

/* Errors.  Range -200 .. -219 (-203, "https needs trust anchor
 * storage", is retired: anchors are read on demand since tls.c/ca.c). */
#define STREAM_ERRORS(X) \
	X(STREAM_E_URL, -200, "invalid stream URL") \
	X(STREAM_E_REQUEST, -201, "request does not fit the request buffer") \
	X(STREAM_E_AUTH_SIGN, -202, "could not build the Authorization field") \
	X(STREAM_E_DEDUPE_CONFIG, -204, "dedupe needs an id ring (cfg ids)")

enum stream_error {
#define STREAM_ENUM(name, code, text) name = code,
	STREAM_ERRORS(STREAM_ENUM)
#undef STREAM_ENUM
	STREAM_E_NONE = 0
};

/* Why the stream ended: main maps these to exit codes (ARCHITECTURE 6). */
enum stream_outcome {
	STREAM_RUNNING,
	STREAM_OK,		/* limit reached, clean stop, or stream end */
	STREAM_FAIL_NETWORK,	/* 4 */
	STREAM_FAIL_TLS,	/* 5: verification */
	STREAM_FAIL_AUTH,	/* 6 */
	STREAM_FAIL_PROTOCOL,	/* 7 */
	STREAM_FAIL_HTTP,	/* 8 */
	STREAM_FAIL_OUTPUT,	/* 3 */
	STREAM_FAIL_OTHER	/* 1 */
};

enum stream_state {
	STREAM_ST_IDLE, STREAM_ST_CONNECT, STREAM_ST_TLS, STREAM_ST_SEND,
	STREAM_ST_HEAD, STREAM_ST_BODY, STREAM_ST_BACKOFF, STREAM_ST_DONE
};

enum stream_framing {
	STREAM_FRAMING_AUTO,	/* SSE by Content-Type, else lines/length */
	STREAM_FRAMING_LINES,
	STREAM_FRAMING_LENGTH,
	STREAM_FRAMING_SSE
};

/* Every counter is exact (ARCHITECTURE.md section 5). */
struct stream_stats {
	uint64_t received;	/* complete messages framed */
	uint64_t written;	/* delivered to on_message and accepted */
	uint64_t keepalives;
	uint64_t deletes;	/* delete notices (delivered as data) */
	uint64_t limited;	/* undelivered, from limit notices */
	uint64_t control;	/* disconnect/warning/limit/errors acted on */
	uint64_t oversize;	/* skipped: larger than the frame buffer */
	uint64_t truncated;	/* partial messages cut by a disconnect */
	uint64_t duplicates;	/* dropped by the id ring */
	uint64_t invalid;	/* --json: invalid, skipped */
	uint64_t filtered;	/* --has / --only: not matching */
	uint64_t reconnects;
	uint64_t bytes_wire;	/* body bytes as received */
	uint64_t bytes_decoded;	/* after chunk + inflate */
};

/* Builds the Authorization field ("Authorization: ...", no CRLF) for one
 * request into out[0..cap); returns 0, or a negative error. */
typedef int (*stream_auth_fn)(void *arg, const char *method,
    const char *url, const unsigned char *body, size_t body_len,
    char *out, size_t cap);

/* Called for every data message: msg[0..len) is one complete message (not
 * NUL-terminated; valid during the call).  m is its classification (NULL
 * with raw).  Return 0 to go on, > 0 to stop cleanly after this message,
 * < 0 when the output failed (the stream stops: STREAM_FAIL_OUTPUT). */
typedef int (*stream_msg_fn)(void *arg, const char *msg, size_t len,
    const struct msg *m);

/* Log lines for the user (connection events, control messages, waits).
 * level: 0 error, 1 notice (default shown), 2 verbose (-v). */
typedef void (*stream_log_fn)(void *arg, int level, const char *text);

struct stream_cfg {
	const char *url;		/* http:// or https:// */
	const char *method;		/* NULL: GET, or POST with a body */
	const unsigned char *body;
	size_t body_len;
	const char *content_type;	/* for the body */
	const char *const *fields;	/* extra "Name: value" fields */
	size_t nfields;
	const char *user_agent;
	int compressed;			/* Accept-Encoding: gzip, deflate */
	enum stream_framing framing;
	int raw;			/* deliver everything, act on nothing */
	int validate;			/* skip (count) invalid JSON */
	const char *has_path;		/* deliver only with this key path */
	int only_geo;
	int dedupe;			/* drop repeated ids, remembered in: */
	uint64_t *ids;			/* caller's id ring, ids_len entries
					 * (STREAM_IDRING suggested); only
					 * dedupe uses it, and needs it */
	size_t ids_len;
	int classify;			/* parse every message for on_message
					 * (else: only possible control
					 * messages; tweets get m == NULL) */
	int (*classify_fn)(void *arg);	/* instead of classify: asked once
					 * per message, parse this one? */
	void *classify_arg;
	uint64_t max_messages;		/* 0: no limit */
	uint64_t max_bytes;		/* delivered bytes; 0: none */
	long max_time_ms;		/* 0: none */
	long stall_ms;
	long connect_timeout_ms;
	long retry;			/* reconnects allowed; -1 forever */
	long retry_max_time_ms;		/* 0: none */
	double time_scale;		/* multiply reconnect waits (tests) */

	const char *proxy;		/* "http://host:port" or NULL */

	/* TLS */
	struct ca_store *anchors;	/* NULL: anchors read on demand from
					 * cacert per handshake (default);
					 * else loaded here at start-up */
	const char *cacert;		/* file or directory; NULL default */
	const char *pin;		/* "sha256//BASE64" or NULL */
	int insecure;
	int64_t tls_time;		/* validation time, 0: the clock */

	stream_auth_fn auth;		/* NULL: no Authorization */
	void *auth_arg;

	const char *replay_path;	/* read a raw response, no network */
	int record_fd;			/* >= 0: copy received bytes here */

	stream_msg_fn on_message;
	stream_log_fn on_log;
	void *arg;
};

struct stream;

/* Prepares s for cfg.  Returns 0 or a negative error (bad URL...). */
int stream_init(struct stream *s, const struct stream_cfg *cfg);

/* Runs until the stream is done; returns the outcome. */
enum stream_outcome stream_run(struct stream *s);

/* Fills fds[0..*n) (cap entries, at least 1) and *timeout_ms for poll(). */
void stream_poll_fds(struct stream *s, struct pollfd *fds, int *n, int cap,
    int *timeout_ms);

/* Advances the stream with poll()'s results (fds as filled, revents set);
 * call after every poll, also on timeout (n may be 0). */
void stream_step(struct stream *s, const struct pollfd *fds, int n);

/* Asks the stream to stop after the message in hand (signal-safe to set
 * from a flag checked by the caller: call from the loop, not a handler). */
void stream_stop(struct stream *s);

/* Backpressure: with on nonzero the stream stops reading upstream (the
 * caller's output is full): stream_poll_fds() returns no upstream fd,
 * stream_step() does not touch the connection, and the stall and connect
 * deadlines are pushed forward while paused (a pause is not a stall).
 * Limits, --max-time and stream_stop() still apply.  0 resumes. */
void stream_pause(struct stream *s, int on);

/* Drops the connection at once and connects again now (the caller
 * changed cfg->body, e.g. new track keywords); counted as a reconnect.
 * A partial message in hand is counted as truncated.  No effect on a
 * stream that is done or reads a replay file. */
void stream_restart(struct stream *s);

/* The JSON tokens of the message being delivered: valid only during
 * on_message, when its m is not NULL (*ntok 0 and NULL otherwise). */
const struct json_tok *stream_tokens(const struct stream *s, int *ntok);

int stream_done(const struct stream *s);
enum stream_outcome stream_outcome(const struct stream *s);
const struct stream_stats *stream_stats(const struct stream *s);
enum stream_state stream_state(const struct stream *s);

/* Words for the last error that ended or interrupted the stream. */
const char *stream_last_error(const struct stream *s);

/* Sets the OAuth clock correction learned from a server Date. */
long stream_clock_skew(const struct stream *s);

/* The context.  Its layout is visible so callers can allocate it
 * statically; do not touch the fields. */
struct stream {
	const struct stream_cfg *cfg;
	struct http_url url;
	char host[256];			/* NUL-terminated host name */
	char hostport[272];		/* Host field value */
	char port[8];
	enum stream_state state;
	enum stream_outcome outcome;
	struct stream_stats st;
	char errmsg[320];

	/* connection */
	struct sock sock;
	struct tls tls;
	struct tls_lazy lazy;		/* https: on-demand anchors, */
	struct ca_scan ca;		/* read from the CA file */
	int fd;				/* upstream, or the replay file */
	int use_tls, replay, established, got_data;
	unsigned char req[STREAM_REQ_MAX];
	size_t req_len, req_off;
	char auth[STREAM_AUTH_MAX];
	char last_id_field[160];	/* "Last-Event-ID: ..." for SSE */
	union {				/* TLS and plain never both */
		unsigned char tls[TLS_IOBUF_MONO];	/* BearSSL iobuf */
		unsigned char plain[STREAM_READ_MAX];	/* read buffer */
	} io;

	/* decoding */
	struct http_resp resp;
	char head[HTTP_HEAD_MAX];
	struct http_header hdrs[HTTP_HEADERS_MAX];
	struct chunk chunk;
	struct inflate inf;
	unsigned char window[INFLATE_WINDOW_FAST];	/* 64 B slack: faster */
	struct frame frame;
	unsigned char framebuf[STREAM_FRAME_MAX];
	struct json json;
	struct json_tok toks[STREAM_TOKENS];
	int ntok;			/* tokens of the message delivered */
	struct msg msg;
	int64_t body_left;		/* Content-Length framing */
	int inflating, body_done;
	uint64_t ka_base, oversize_base;	/* frame counters, earlier */
	uint64_t limit_base, limit_conn;	/* limit notices */

	/* delivery */
	uint64_t *ids;			/* cfg->ids */
	size_t ids_len, id_next, id_count;
	uint64_t id_max;
	uint64_t bytes_out;
	int halt;			/* why the pipeline stopped */
	int stop_requested;
	int paused;			/* stream_pause() */

	/* time and policy */
	int64_t t_start, t_phase, t_last_rx, t_data_since, t_wake;
	int net_fails, http_fails, rate_fails;
	int fail_class;
	long skew;			/* server Date - local clock, s */
	int skew_retry_done;
	uint64_t rng;
};
#endif
