/* web -- the live web view: a small HTTP/1.1 server inside the poll loop.
 * MIT licensed, see LICENSE.  Tool side (does socket I/O; no stdio, no
 * malloc); needs libc and BearSSL's SHA-1 (WebSocket handshake).
 *
 * Endpoints:
 *   GET  /           the page (HTML + CSS + JS, embedded: webpage.c)
 *   GET  /coast.bin  the coastline outline the page draws (webcoast.c)
 *   GET  /events     Server-Sent Events: "id: N" + "data: {projection}"
 *                    per message, "event: stats" every second;
 *                    Last-Event-ID resumes from the replay ring;
 *                    "?n=K" starts with the newest K events of the ring
 *   GET  /ws         the same feed over WebSocket (RFC 6455): one text
 *                    frame per message, {"stats":{...}} every second;
 *                    answers ping with pong and close with close; "?n=K"
 *   GET  /stats      the counters as JSON (what web_stats() set, with a
 *                    "web" member added)
 *   POST /track      new keyword list (body: text, or "track=..." form
 *                    encoded), "Authorization: Bearer TOKEN" required:
 *                    403 without the right token, 404 when the server
 *                    has no token; calls on_track()
 * Plain GETs keep the connection alive (HTTP/1.1); HEAD works too.
 *
 * Data flow: the engine calls web_publish() for every delivered message
 * with a projection (id, user, text, time, coordinates).  The projection
 * is formatted once as JSON ("n" is our own event number, 1, 2, ...) and
 * stored once, framed for SSE ("id: N\ndata: JSON\n\n"), in the shared
 * replay ring.  web_publish() touches no viewer and no socket.  A viewer
 * is a cursor into the ring (next event, bytes of it already sent) plus
 * its own small buffer for heads, answers, stats events, pong and close.
 * New events are flushed to all viewers when WEB_FLUSH_MS have passed
 * since the first unflushed one or WEB_FLUSH_BYTES have gathered: one
 * sendmsg() per viewer covers everything it has pending (for SSE the ring
 * bytes as they lie, one or two pieces; for WebSocket the JSON part of
 * each event behind a 2 or 4 byte frame header made on the stack), so at
 * a high message rate one system call carries hundreds of messages.  A
 * viewer whose socket is full is polled for POLLOUT and written as soon
 * as it drains; only then.  Own-buffer output goes out only between two
 * events, never inside one.
 *
 * The feed's rate: every event costs one kernel copy per viewer, which
 * on loopback TCP is about 60 ns per viewer for a 330-byte projection
 * (measured: splice/tee instead of the copy saves almost nothing; the
 * cost is the TCP path).  With 50 viewers that is 3 us per message, more
 * than half of what a TLS+gzip capture costs, so a capture running as
 * fast as the CPU allows would slow by a third.  cfg.max_rate bounds it:
 * the feed takes at most that many events per second (a bucket holding
 * one second's worth, so bursts pass whole) and counts the others in
 * skipped.  The caller asks web_take() before it builds a projection, so
 * a message the feed leaves out costs no parsing either.  The default, WEB_MAX_RATE_DEF (5000/s), is far above what a
 * person can read on the page and above every filtered or sampled X
 * stream (the decahose is about 600/s; only the full firehose, about
 * 6000/s on average, is sampled).  0 turns the bound off.
 *
 * Slow clients: a viewer whose cursor falls behind the oldest event still
 * in the ring is dropped (counted in dropped_slow): it never stalls the
 * loop and never makes anything grow.  A client resuming with
 * Last-Event-ID or ?n=K is simply a cursor further back.  How far a viewer
 * may lag is the ring (WEB_RINGBUF_DEF bytes, WEB_RING_DEF events) plus
 * its kernel socket buffers (cfg.sock_sndbuf and the peer's receive
 * buffer).
 *
 * Memory: every byte is the caller's, given in struct web_cfg: the client
 * array, one small buffer per client, the ring index and the ring bytes.
 * No allocation happens anywhere.  Defaults (WEB_*_DEF): per client
 * sizeof(struct web_client) + 4 KiB = 8328 bytes on LP64, and one ring of
 * 2048 events (32 KiB) + 512 KiB of bytes, shared by all viewers: 64
 * clients take 1.04 MiB, the 16 of sluice --serve 0.66 MiB (pages are
 * touched only as they are used; the old design, a 64 KiB send buffer per
 * viewer, took 4.5 and 1.2 MiB).  The ring holds about 1600 tweet
 * projections (~330 bytes each): at 5000 messages/s a viewer may fall
 * behind by 0.3 s before it is dropped, plus what its socket buffers
 * hold.  sizeof(struct web) is 5312 bytes on LP64, 5296 on ILP32 (the
 * event scratch and the stats JSON); sizeof(struct web_client) 4232 /
 * 4200 (its request buffer); sizeof(struct web_ev) 16.  A board with
 * little RAM passes fewer clients and a smaller ring (WEB_SENDBUF_MIN is
 * 2 KiB, WEB_RINGBUF_MIN 4.1 KiB).
 *
 * Loop shape (like stream_poll_fds/stream_step):
 *     web_poll_fds(w, fds + k, cap - k, &n, &timeout);   merge timeouts
 *     poll(...);
 *     web_step(w, fds + k, n);
 * web_step() MUST get the same slice web_poll_fds() filled (revents set),
 * and MUST be called after every poll, also after a timeout.  The fds
 * array needs 1 + max_clients entries for web.
 *
 * Wiring into the tool (main.c):
 *   --serve [ADDR:]PORT   web_split_listen() -> cfg.addr, cfg.port
 *   --serve-token TOKEN   cfg.token (without it POST /track answers 404)
 *   on_track(arg, kw)     stop the stream, rebuild its request with
 *                         track=kw, start again; return < 0 to refuse
 *   every message         web_take(w) first (stream_cfg.classify_fn):
 *                         when 0, web_skip(w) and nothing else
 *   on_message            web_publish(w, msg, len, &item) with item from
 *                         the JSON tokens: v1.1 id_str, user.screen_name,
 *                         extended_tweet.full_text or text, created_at,
 *                         coordinates (struct msg has_geo/lon/lat); v2
 *                         data.id, data.author_id (or the expanded
 *                         username), data.text, data.created_at.  Pass
 *                         the raw string slices with escaped = 1.
 *   every second          web_stats(w, "{\"received\":N,...}") from
 *                         stream_stats (the page shows received, written
 *                         and reconnects).
 *   --only geo            filters before on_message, so the map and the
 *                         list show only geotagged messages.
 */
#ifndef WEB_H
#define WEB_H

#include <poll.h>
#include <stddef.h>
#include <stdint.h>

#ifndef WEB_RECV_MAX
#define WEB_RECV_MAX 4096	/* request head + body, per client */
#endif
#ifndef WEB_EVENT_MAX
#define WEB_EVENT_MAX 4096	/* one projection as JSON */
#endif
#ifndef WEB_TEXT_MAX
#define WEB_TEXT_MAX 2048	/* projection text bytes, escaped */
#endif
#ifndef WEB_FIELD_MAX
#define WEB_FIELD_MAX 256	/* id, user, time bytes, escaped */
#endif
#ifndef WEB_STATS_MAX
#define WEB_STATS_MAX 1024	/* the JSON given to web_stats() */
#endif
#ifndef WEB_TRACK_MAX
#define WEB_TRACK_MAX 1024	/* keyword list bytes for /track */
#endif
#ifndef WEB_HEAD_MS
#define WEB_HEAD_MS 10000	/* a request must arrive within this */
#endif
#ifndef WEB_IDLE_MS
#define WEB_IDLE_MS 30000	/* idle keep-alive connections close */
#endif
#ifndef WEB_STATS_MS
#define WEB_STATS_MS 1000	/* stats event period */
#endif
#ifndef WEB_FLUSH_MS
#define WEB_FLUSH_MS 20		/* new events wait at most this */
#endif
#ifndef WEB_FLUSH_BYTES
#define WEB_FLUSH_BYTES 65536	/* ... or until this many ring bytes
				 * (at most a quarter of the ring) */
#endif
#ifndef WEB_IOV_EVENTS
#define WEB_IOV_EVENTS 64	/* WebSocket events per writev() */
#endif
#ifndef WEB_ACCEPT_BURST
#define WEB_ACCEPT_BURST 16	/* accepts per web_step */
#endif

#define WEB_CLIENTS_DEF 64
#define WEB_SENDBUF_DEF 4096
#define WEB_RING_DEF 2048
#define WEB_RINGBUF_DEF 524288
#define WEB_SOCK_SNDBUF_DEF 65536
#define WEB_MAX_RATE_DEF 5000
/* a client's own buffer holds an answer head and a copied body (stats,
 * /track) or, while streaming, a stats event */
#define WEB_SENDBUF_MIN (WEB_STATS_MAX + 1024)
#define WEB_RINGBUF_MIN (WEB_EVENT_MAX + 64)	/* one framed event */

/* Events (positive). */
#define WEB_REQ_DONE 1		/* web_parse_request: head complete */

/* Errors.  Range -280 .. -299. */
#define WEB_ERRORS(X) \
	X(WEB_E_ADDR, -280, "cannot resolve the --serve address") \
	X(WEB_E_SOCKET, -281, "cannot create the web server socket") \
	X(WEB_E_BIND, -282, "cannot bind the --serve address") \
	X(WEB_E_LISTEN, -283, "cannot listen on the --serve address") \
	X(WEB_E_CONFIG, -284, "web server storage missing or too small") \
	X(WEB_E_TOO_SMALL, -285, "buffer too small for the web output") \
	X(WEB_E_REQ, -286, "malformed HTTP request") \
	X(WEB_E_REQ_TOO_BIG, -287, "HTTP request head too large") \
	X(WEB_E_REQ_VERSION, -288, "unsupported HTTP request version") \
	X(WEB_E_REQ_CL, -289, \
	    "malformed or conflicting request Content-Length") \
	X(WEB_E_WS_KEY, -290, "malformed Sec-WebSocket-Key")

enum web_error {
#define WEB_ENUM(name, code, text) name = code,
	WEB_ERRORS(WEB_ENUM)
#undef WEB_ENUM
	WEB_E_NONE = 0
};

/* ---- request head parser (exposed for tests) ---------------------------- */

/* A parsed request head.  Strings point into the caller's buffer. */
struct web_req {
	const char *method;
	size_t method_len;
	const char *target;		/* "/path?query" */
	size_t target_len;
	int minor;			/* HTTP/1.minor */
	uint64_t content_length;
	int has_cl, chunked;		/* chunked: any Transfer-Encoding */
	int conn_close, conn_keepalive, conn_upgrade;
	int upgrade_ws;			/* Upgrade: websocket */
	int ws_version;			/* Sec-WebSocket-Version */
	const char *ws_key;		/* Sec-WebSocket-Key */
	size_t ws_key_len;
	const char *last_id;		/* Last-Event-ID */
	size_t last_id_len;
	const char *auth;		/* Authorization */
	size_t auth_len;
	size_t head_len;		/* head bytes, final empty line incl. */
};

/* Parses the request head at the start of p[0..n).  Returns 0 when the
 * head is not complete yet (call again with more bytes, from the start);
 * WEB_REQ_DONE with *rq filled and rq->head_len set; WEB_E_REQ (syntax,
 * control characters, obs-fold, bare CR), WEB_E_REQ_VERSION (not
 * HTTP/1.x), WEB_E_REQ_CL, or WEB_E_REQ_TOO_BIG when n reaches
 * WEB_RECV_MAX without a complete head.  Lines end in CRLF or LF; empty
 * lines before the request line are skipped (RFC 9112 section 2.2). */
int web_parse_request(struct web_req *rq, const char *p, size_t n);

/* ---- helpers (exposed for tests) ---------------------------------------- */

/* Sec-WebSocket-Accept for key[0..n): base64(SHA-1(key + GUID)), 28
 * characters and a NUL into out.  Returns 0, or WEB_E_WS_KEY when the key
 * is not 24 base64 characters (16 bytes, RFC 6455 section 4.1). */
int web_ws_accept(const char *key, size_t n, char out[29]);

/* One message as the page shows it.  Pointer + length strings (NULL or
 * length 0: absent).  With escaped = 0 the strings are raw bytes (UTF-8;
 * invalid sequences become U+FFFD); with escaped = 1 they are JSON string
 * bodies exactly as found between the quotes of the message, escapes
 * intact (zero copy from the JSON scanner), re-checked and repaired.
 * Long fields are cut at a character boundary (WEB_TEXT_MAX, WEB_FIELD_MAX
 * bytes of output). */
struct web_item {
	const char *id;
	size_t id_len;
	const char *user;
	size_t user_len;
	const char *text;
	size_t text_len;
	const char *time;
	size_t time_len;
	int has_geo;
	double lon, lat;		/* degrees, WGS 84 */
	int escaped;
};

/* Formats the projection of it, numbered n, as one JSON object into
 * out[0..cap): {"n":N,"id":"..","user":"..","text":"..","time":"..",
 * "lon":X,"lat":Y} (lon/lat only with has_geo, 4 decimals).  *len gets
 * the length.  Returns 0 or WEB_E_TOO_SMALL.  The output holds no CR, LF
 * or invalid UTF-8, so it is one SSE data line and one WebSocket text
 * frame as it is. */
int web_format_item(const struct web_item *it, uint64_t n, char *out,
    size_t cap, size_t *len);

/* Frames json[0..n) as an SSE event into out[0..cap): "id: N\n" when
 * id > 0, "event: NAME\n" when event is not NULL, "data: json\n\n".
 * Returns the framed length, or 0 when it does not fit. */
size_t web_sse_frame(char *out, size_t cap, uint64_t id, const char *event,
    const char *json, size_t n);

/* Frames p[0..n) as one unmasked WebSocket frame with opcode op (FIN set).
 * Returns the framed length, or 0 when it does not fit. */
size_t web_ws_frame(unsigned char *out, size_t cap, int op,
    const unsigned char *p, size_t n);

/* Splits a --serve argument "[ADDR:]PORT" ("8080", "127.0.0.1:8080",
 * "[::1]:8080", "[::]:8080", "localhost:8080") into NUL-terminated addr
 * (empty: all IPv4 addresses) and port (1..65535, digits only; "0" too,
 * for tests).  Returns 0, WEB_E_ADDR when malformed, WEB_E_TOO_SMALL when
 * a part does not fit its buffer. */
int web_split_listen(const char *s, char *addr, size_t acap, char *port,
    size_t pcap);

/* ---- the server ---------------------------------------------------------- */

/* Called for POST /track with the right token: kw[0..len) is the new
 * keyword list (NUL-terminated too, no control characters).  Return 0 to
 * accept (200), < 0 to refuse (400). */
typedef int (*web_track_fn)(void *arg, const char *kw, size_t len);

/* One client connection.  Caller-allocated (cfg.clients); do not touch. */
struct web_client {
	int fd;				/* -1: free */
	int state;
	int pidx;			/* index in the last poll slice */
	int keepalive, head_only, http10;
	int ws;				/* a WebSocket viewer */
	int ws_close_sent;
	int wnow;			/* write at the next step */
	int blocked;			/* socket full: wait for POLLOUT */
	size_t rlen;			/* bytes in rbuf */
	size_t need;			/* request bytes: head+body */
	unsigned char *sbuf;		/* its part of cfg.sendbuf */
	size_t soff, slen;		/* pending output sbuf[soff..slen) */
	const unsigned char *body;	/* static body sent after sbuf */
	size_t body_len, body_off;
	uint64_t next;			/* cursor: next ring event, ... */
	size_t part;			/* ... of which this much is sent */
	int64_t t_last;			/* ms, last progress */
	unsigned char rbuf[WEB_RECV_MAX + 1];
};

/* One replay ring entry; do not touch. */
struct web_ev {
	uint64_t n;			/* event number, 0: empty */
	uint32_t off, len;		/* in cfg.ringbuf */
};

struct web_cfg {
	const char *addr;		/* bind address; NULL: 0.0.0.0 */
	const char *port;		/* "8080"; "0": any free port */
	const char *token;		/* NULL: /track disabled (404) */
	web_track_fn on_track;
	void *arg;
	/* storage: all of it the caller's, and it MUST outlive w */
	struct web_client *clients;	/* max_clients entries */
	unsigned max_clients;		/* >= 1; WEB_CLIENTS_DEF */
	unsigned char *sendbuf;		/* max_clients*sendbuf_size */
	size_t sendbuf_size;		/* >= WEB_SENDBUF_MIN */
	struct web_ev *ring;		/* ring_events entries */
	unsigned ring_events;		/* >= 1; WEB_RING_DEF */
	unsigned char *ringbuf;		/* ringbuf_size bytes */
	size_t ringbuf_size;		/* >= WEB_EVENT_MAX */
	unsigned max_rate;		/* events per second the feed takes,
					 * at most (a one-second bucket); the
					 * rest are counted in skipped.  0:
					 * every message; WEB_MAX_RATE_DEF */
	int sock_sndbuf;		/* SO_SNDBUF of client sockets: bounds
					 * kernel memory per client and how
					 * long a stalled one lasts; 0: the
					 * kernel's (autotuned, up to MBs) */
};

/* Counters (exact). */
struct web_counters {
	uint64_t published;		/* web_publish calls stored */
	uint64_t skipped;		/* web_skip calls: over max_rate */
	uint64_t accepted;		/* connections accepted */
	uint64_t refused;		/* turned away: all clients busy */
	uint64_t requests;		/* requests answered */
	uint64_t dropped_slow;		/* streaming clients too slow */
	uint64_t gaps;			/* resumes older than the ring */
	uint64_t bad_requests;		/* 4xx for malformed requests */
	uint64_t tracks;		/* accepted /track calls */
	unsigned clients, sse, ws;	/* connected now */
};

/* The server.  Caller-allocated; do not touch the fields. */
struct web {
	const struct web_cfg *cfg;
	int lfd;			/* listening socket */
	unsigned port;			/* bound port */
	uint64_t last;			/* newest event number, 0: none */
	uint64_t oldest;		/* oldest in the ring (last+1: empty) */
	size_t rb_head;			/* next write offset, ringbuf */
	size_t rb_wrap;			/* end of the bytes before the last
					 * wrap to offset 0 */
	int64_t t_stats;		/* ms, next stats event */
	int64_t t_flush;		/* ms, next flush; 0: none pending */
	size_t unflushed;		/* ring bytes since the last flush */
	size_t flush_bytes;		/* flush at once from this many */
	int64_t t_rate;			/* ms, rate_credit last topped up */
	uint64_t rate_credit;		/* events x 1000 the feed may take */
	struct web_counters ct;
	size_t stats_len;
	char stats[WEB_STATS_MAX];
	char ev[WEB_EVENT_MAX];		/* scratch: one projection */
};

/* Checks cfg, binds and listens (non-blocking, SO_REUSEADDR).  Returns 0
 * or a negative WEB_E_* error (errno tells more for socket errors).  cfg
 * and its storage MUST outlive w.  Call web_close() to release. */
int web_init(struct web *w, const struct web_cfg *cfg);

/* Closes the listening socket and every client; a viewer first gets what
 * its socket takes at once of what it has pending (nothing waits). */
void web_close(struct web *w);

/* The port actually bound (useful with port "0"). */
static inline unsigned
web_port(const struct web *w)
{
	return w->port;
}

/* Fills fds[0..*n) (at most cap entries) with the listener and every
 * client, and lowers *timeout_ms (poll() style, -1: none) to the next
 * deadline (stats tick, request and idle timeouts).  With cap too small
 * some clients are left out this round (they are served later). */
void web_poll_fds(struct web *w, struct pollfd *fds, int cap, int *n,
    int *timeout_ms);

/* Accepts, reads, parses, answers and writes with poll()'s results:
 * fds[0..n) as web_poll_fds() filled them.  Never blocks.  Also sends the
 * stats event when due and closes timed-out clients. */
void web_step(struct web *w, const struct pollfd *fds, int n);

/* The feed's rate bound, asked before a message's projection is built
 * (so that a message the feed will not take is not even parsed): 1 when
 * the feed takes one more message now (publish it), 0 when it is over
 * cfg.max_rate (do not publish it; count it with web_skip()).  Always 1
 * when cfg.max_rate is 0.  Reads no clock: the bucket fills with the
 * loop's, as web_poll_fds() and web_step() run. */
int web_take(struct web *w);

/* Counts one message left out of the feed (skipped). */
void web_skip(struct web *w);

/* Publishes one message: its projection is numbered, stored in the ring
 * and queued for every streaming client.  msg[0..len) is the message as
 * delivered (unused for now: the projection is what is sent; it may be
 * NULL).  It does not look at the rate bound: web_take() decides.
 * Returns the event number (> 0), or WEB_E_TOO_SMALL when even an empty
 * projection does not fit (cannot happen with the defaults). */
int64_t web_publish(struct web *w, const char *msg, size_t len,
    const struct web_item *it);

/* Sets the counters JSON served at /stats and sent every second (a JSON
 * object; cut to WEB_STATS_MAX - 128 bytes it is dropped instead). */
void web_stats(struct web *w, const char *json, size_t len);

static inline const struct web_counters *
web_counters(const struct web *w)
{
	return &w->ct;
}

#endif
