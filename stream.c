/* stream -- the connection state machine and the one poll() loop.
 * MIT licensed, see LICENSE.  See stream.h for the contract and
 * ARCHITECTURE.md sections 4 and 5 for the policy implemented here. */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "errstr.h"
#include "stream.h"

/* Failure classes: each has its own wait schedule (ARCHITECTURE 4). */
enum {
	FC_NONE,
	FC_END,		/* the stream ended cleanly (close, last chunk) */
	FC_NET,		/* DNS, connect, TLS handshake, reset, EOF, stall */
	FC_PROTO,	/* malformed HTTP/chunk/gzip/framing: waits as net */
	FC_HTTP,	/* 5xx and other retryable statuses */
	FC_RATE,	/* 420, 429 */
	FC_FATAL	/* no retry: outcome already set */
};

/* Why the pipeline stopped in the middle of a push. */
enum {
	HALT_NONE,
	HALT_LIMIT,	/* -n/--max-bytes reached or the caller said stop */
	HALT_OUTPUT,	/* on_message failed */
	HALT_RECONNECT,	/* a disconnect / operational error message */
	HALT_FATAL	/* a fatal disconnect code */
};

#define SEC 1000

/* ---- time, randomness, logging ---------------------------------------- */

static int64_t
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static long
scaled(const struct stream *s, long ms)
{
	double f = s->cfg->time_scale > 0 ? s->cfg->time_scale : 1.0;

	return (long)(ms * f);
}

static uint64_t
next_rand(struct stream *s)
{
	s->rng ^= s->rng << 13;
	s->rng ^= s->rng >> 7;
	s->rng ^= s->rng << 17;
	return s->rng;
}

static void
say(struct stream *s, int level, const char *fmt, ...)
{
	char line[512];
	va_list ap;

	if (s->cfg->on_log == NULL)
		return;
	va_start(ap, fmt);
	vsnprintf(line, sizeof line, fmt, ap);
	va_end(ap);
	s->cfg->on_log(s->cfg->arg, level, line);
}

static void
set_error(struct stream *s, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(s->errmsg, sizeof s->errmsg, fmt, ap);
	va_end(ap);
}

/* ---- delivery ---------------------------------------------------------- */

/* Parses a decimal id (id_str, data.id, SSE id) to a number; 0 if none. */
static uint64_t
id_value(const char *p, size_t n)
{
	uint64_t v = 0;
	size_t i;

	if (n == 0 || n > 19)
		return 0;
	for (i = 0; i < n; i++) {
		if (p[i] < '0' || p[i] > '9')
			return 0;
		v = v * 10 + (uint64_t)(p[i] - '0');
	}
	return v;
}

/* 1 if id was seen recently; remembers it otherwise.  Ids of a stream are
 * time-ordered (snowflakes, SSE sequence numbers), so anything above the
 * largest seen is new without a scan; only older ids search the ring. */
static int
seen_before(struct stream *s, uint64_t id)
{
	size_t i;

	if (id == 0)
		return 0;
	if (id <= s->id_max)
		for (i = 0; i < s->id_count; i++)
			if (s->ids[i] == id)
				return 1;
	if (id > s->id_max)
		s->id_max = id;
	s->ids[s->id_next] = id;
	s->id_next = (s->id_next + 1) % s->ids_len;
	if (s->id_count < s->ids_len)
		s->id_count++;
	return 0;
}

/* Splits "a.b.c" into json_path keys and looks it up from the root. */
static int
has_path(struct stream *s, const char *msg, int ntok, const char *path)
{
	const char *keys[8];
	char buf[256];
	size_t n = strlen(path);
	int nk = 0;
	char *p;

	if (n >= sizeof buf)
		return 0;
	memcpy(buf, path, n + 1);
	for (p = buf; nk < 8; ) {
		char *dot = strchr(p, '.');

		keys[nk++] = p;
		if (dot == NULL)
			break;
		*dot = '\0';
		p = dot + 1;
	}
	return json_path(msg, s->toks, ntok, 0, keys, (size_t)nk) >= 0;
}

/* One message, one line: line ends inside a message (SSE data joined with
 * LF, pretty-printed JSON from a length-framed stream) become spaces.
 * For JSON that changes nothing: raw CR/LF can only be whitespace there.
 * p is in our own frame buffer, so it is changed in place. */
static void
flatten(char *p, size_t n)
{
	char *q = memchr(p, '\n', n), *r = memchr(p, '\r', n);
	size_t i;

	if (q == NULL && r == NULL)
		return;
	for (i = 0; i < n; i++)
		if (p[i] == '\n' || p[i] == '\r')
			p[i] = ' ';
}

static int
deliver(struct stream *s, const char *p, size_t n, const struct msg *m)
{
	const struct stream_cfg *c = s->cfg;
	int rc;

	flatten((char *)p, n);
	rc = c->on_message(c->arg, p, n, m);
	if (rc < 0) {
		s->halt = HALT_OUTPUT;
		set_error(s, "output failed after %llu messages",
		    (unsigned long long)s->st.written);
		return 1;
	}
	s->st.written++;
	s->bytes_out += n;
	if (rc > 0 || (c->max_messages && s->st.written >= c->max_messages) ||
	    (c->max_bytes && s->bytes_out >= c->max_bytes) ||
	    s->stop_requested) {
		s->halt = HALT_LIMIT;
		return 1;
	}
	return 0;
}

/* Acts on a control message.  Returns 1 if the pipeline must stop. */
static int
control(struct stream *s, const char *p, size_t n, const struct msg *m)
{
	s->st.control++;
	switch (m->kind) {
	case MSG_LIMIT:
		/* limit.track counts undelivered messages since the
		 * connection started: keep this connection's largest. */
		if (m->track > 0 && (uint64_t)m->track > s->limit_conn)
			s->limit_conn = (uint64_t)m->track;
		s->st.limited = s->limit_base + s->limit_conn;
		return 0;
	case MSG_WARNING:
		say(s, 1, "server warning %.*s: %.*s (queue %lld%% full)",
		    (int)m->warn_code.len, m->warn_code.p,
		    (int)m->warn_message.len, m->warn_message.p,
		    (long long)m->percent_full);
		return 0;
	case MSG_DISCONNECT:
		say(s, 1, "server disconnect code %d (%.*s): %.*s",
		    (int)m->code, (int)m->stream_name.len, m->stream_name.p,
		    (int)m->reason.len, m->reason.p);
		/* 2 duplicate stream, 6 token revoked, 7 admin logout:
		 * reconnecting cannot help. */
		if (m->code == 2 || m->code == 6 || m->code == 7) {
			set_error(s, "server disconnect code %d: %.*s",
			    (int)m->code, (int)m->reason.len, m->reason.p);
			s->halt = HALT_FATAL;
		} else {
			set_error(s, "server disconnect code %d",
			    (int)m->code);
			s->halt = HALT_RECONNECT;
		}
		return 1;
	case MSG_V2_ERRORS:
		if (m->operational_disconnect) {
			say(s, 1, "server operational disconnect");
			set_error(s, "server operational disconnect");
			s->halt = HALT_RECONNECT;
			return 1;
		}
		/* Other v2 errors are data the user wants to see. */
		s->st.control--;
		return deliver(s, p, n, m);
	default:
		s->st.control--;
		return 0;
	}
}

/* Whether a message must be parsed.  Always when something needs the
 * whole message understood (--json, --has, --only, the id ring, a caller
 * that asked for every message classified).  Otherwise only when its first
 * key says it may be a control message or a delete notice: those are
 * single-key objects, so the first key names them, and the tweets that
 * make up the bulk of a stream go out unparsed. */
static size_t
skip_ws(const char *p, size_t n, size_t i)
{
	while (i < n && (p[i] == ' ' || p[i] == '\t' || p[i] == '\r' ||
	    p[i] == '\n'))
		i++;
	return i;
}

static int
needs_parse(const struct stream_cfg *c, int classify, const char *p,
    size_t n)
{
	static const char *const keys[] = {
		"limit", "disconnect", "warning", "errors", "delete",
		"scrub_geo", "status_withheld", "user_withheld"
	};
	size_t i = 0, k, len;
	const char *q;

	if (c->validate || c->has_path || c->only_geo || c->dedupe ||
	    classify)
		return 1;
	i = skip_ws(p, n, 0);
	if (i >= n || p[i] != '{')
		return 0;	/* not an object: nothing to act on */
	i = skip_ws(p, n, i + 1);
	if (i >= n || p[i] != '"')
		return 0;
	q = memchr(p + i + 1, '"', n - i - 1);
	if (q == NULL)
		return 0;
	len = (size_t)(q - (p + i + 1));
	for (k = 0; k < sizeof keys / sizeof keys[0]; k++)
		if (strlen(keys[k]) == len && !memcmp(keys[k], p + i + 1, len))
			return 1;
	return 0;
}

/* One complete message from the framer.  Returns 1 to stop the pipeline. */
static int
on_frame_message(struct stream *s, const char *p, size_t n)
{
	const struct stream_cfg *c = s->cfg;
	struct msg *m = &s->msg;
	int ntok, rc, classify;

	s->st.received++;
	classify = c->classify_fn ? c->classify_fn(c->classify_arg) :
	    c->classify;
	if (c->raw || !needs_parse(c, classify, p, n))
		return deliver(s, p, n, NULL);
	ntok = json_parse(&s->json, p, n, s->toks, STREAM_TOKENS);
	if (ntok == JSON_E_TOKENS) {
		/* Too many tokens to classify (a huge message): validate
		 * it in constant memory and deliver it unclassified. */
		ntok = json_parse(&s->json, p, n, NULL, 0);
		if (ntok < 0)
			goto invalid;
		if (c->has_path || c->only_geo) {
			s->st.filtered++;
			return 0;
		}
		return deliver(s, p, n, NULL);
	}
	if (ntok < 0)
		goto invalid;
	if (msg_classify(m, p, n, s->toks, ntok) < 0)
		goto invalid;
	switch (m->kind) {
	case MSG_LIMIT:
	case MSG_WARNING:
	case MSG_DISCONNECT:
	case MSG_V2_ERRORS:
		if (control(s, p, n, m) || m->kind != MSG_V2_ERRORS)
			return s->halt != HALT_NONE;
		return 0;
	case MSG_DELETE:
		s->st.deletes++;
		break;
	default:
		break;
	}
	if ((c->only_geo && !m->has_geo) ||
	    (c->has_path && !has_path(s, p, ntok, c->has_path))) {
		s->st.filtered++;
		return 0;
	}
	if (c->dedupe && seen_before(s, id_value(m->id.p, m->id.len))) {
		s->st.duplicates++;
		return 0;
	}
	s->ntok = ntok;
	rc = deliver(s, p, n, m);
	s->ntok = 0;
	return rc;
invalid:
	if (c->validate) {
		s->st.invalid++;
		say(s, 2, "invalid JSON message skipped: %s",
		    errstr(json_error(&s->json)));
		return 0;
	}
	return deliver(s, p, n, NULL);
}

static void
sync_frame_counters(struct stream *s)
{
	s->st.keepalives = s->ka_base + frame_keepalives(&s->frame);
	s->st.oversize = s->oversize_base + frame_oversize(&s->frame);
}

/* Sink: decoded body bytes (after chunk and inflate) into the framer. */
static int
framer_write(void *arg, const unsigned char *p, size_t n)
{
	struct stream *s = arg;
	size_t used;
	int rc;

	s->st.bytes_decoded += n;
	while (n > 0) {
		rc = frame_push(&s->frame, p, n, &used);
		p += used;
		n -= used;
		if (rc < 0) {
			set_error(s, "%s", errstr(rc));
			return rc;
		}
		if (rc == FRAME_MSG) {
			size_t len;
			const unsigned char *m = frame_msg(&s->frame, &len);

			if (on_frame_message(s, (const char *)m, len)) {
				sync_frame_counters(s);
				return 1;
			}
		}
	}
	sync_frame_counters(s);
	return 0;
}

/* Sink: body bytes after transfer decoding, into inflate or the framer. */
static int
decoder_write(void *arg, const unsigned char *p, size_t n)
{
	struct stream *s = arg;
	size_t used;
	int rc;

	if (!s->inflating)
		return framer_write(s, p, n);
	while (n > 0) {
		rc = inflate_push(&s->inf, p, n, &used);
		p += used;
		n -= used;
		if (rc == INFLATE_E_SINK)	/* 1: halt; < 0: framing */
			return s->inf.sink_err;
		if (rc < 0) {
			set_error(s, "decompression: %s", errstr(rc));
			return rc;
		}
		if (rc == INFLATE_DONE) {
			/* zlib/raw stream over: the rest is not ours. */
			s->body_done = 1;
			return 0;
		}
	}
	return 0;
}

/* Body bytes as they come off the connection.  Returns 0 to go on, 1 when
 * the body is complete, -1 when the pipeline stopped (see s->halt or
 * s->fail_class). */
static int
body_write(struct stream *s, const unsigned char *p, size_t n)
{
	size_t used;
	int rc;

	if (s->body_done)
		return 1;
	switch (s->resp.framing) {
	case HTTP_BODY_CHUNKED:
		rc = chunk_push(&s->chunk, p, n, &used);
		if (rc == CHUNK_DONE)
			s->body_done = 1;
		else if (rc == CHUNK_E_SINK)
			rc = s->chunk.sink_err;
		else if (rc < 0)
			set_error(s, "chunked body: %s", errstr(rc));
		break;
	case HTTP_BODY_LENGTH:
		if ((int64_t)n > s->body_left)
			n = (size_t)s->body_left;
		s->body_left -= (int64_t)n;
		rc = decoder_write(s, p, n);
		if (rc == 0 && s->body_left == 0)
			s->body_done = 1;
		break;
	default:
		rc = decoder_write(s, p, n);
		break;
	}
	if (s->halt != HALT_NONE)
		return -1;
	if (rc < 0) {
		s->fail_class = FC_PROTO;
		return -1;
	}
	return s->body_done;
}

/* ---- connection life ----------------------------------------------------- */

static void
reset_decoders(struct stream *s)
{
	struct sink dec = { decoder_write, s };
	struct sink fr = { framer_write, s };
	int mode;

	http_resp_init(&s->resp, s->head, sizeof s->head, s->hdrs,
	    HTTP_HEADERS_MAX, 0);
	chunk_init(&s->chunk, dec);
	s->ka_base = s->st.keepalives;
	s->oversize_base = s->st.oversize;
	s->limit_base = s->st.limited;
	s->limit_conn = 0;
	switch (s->cfg->framing) {
	case STREAM_FRAMING_LINES:
		mode = FRAME_LINES;
		break;
	case STREAM_FRAMING_LENGTH:
		mode = FRAME_LENGTH;
		break;
	case STREAM_FRAMING_SSE:
		mode = FRAME_SSE;
		break;
	default:
		mode = FRAME_AUTO;
		break;
	}
	frame_init(&s->frame, mode, s->framebuf, sizeof s->framebuf);
	inflate_init_size(&s->inf, INFLATE_GZIP, s->window, sizeof s->window,
	    fr);
	s->inflating = 0;
	s->body_done = 0;
	s->body_left = 0;
	s->halt = HALT_NONE;
	s->fail_class = FC_NONE;
	s->got_data = 0;
	s->established = 0;
}

/* The head is complete: check the status, choose the body decoders. */
static int
on_head(struct stream *s)
{
	struct http_resp *r = &s->resp;
	struct sink fr = { framer_write, s };

	if (r->date > 0)
		s->skew = (long)(r->date - (int64_t)time(NULL));
	if (r->status < 200 || r->status > 299)	/* rules: 201 Created */
		return -1;
	if (r->coding != HTTP_CODING_IDENTITY) {
		inflate_init_size(&s->inf, r->coding == HTTP_CODING_GZIP ?
		    INFLATE_GZIP : INFLATE_DEFLATE_AUTO, s->window,
		    sizeof s->window, fr);
		s->inflating = 1;
	}
	if (s->cfg->framing == STREAM_FRAMING_AUTO &&
	    r->ctype == HTTP_CTYPE_EVENT_STREAM)
		frame_init(&s->frame, FRAME_SSE, s->framebuf,
		    sizeof s->framebuf);
	s->body_left = r->content_length;
	if (r->framing == HTTP_BODY_NONE ||
	    (r->framing == HTTP_BODY_LENGTH && r->content_length == 0))
		s->body_done = 1;
	s->established = 1;
	say(s, 2, "HTTP %d, %s%s%s", r->status,
	    r->framing == HTTP_BODY_CHUNKED ? "chunked" :
	    r->framing == HTTP_BODY_LENGTH ? "content-length" : "until close",
	    r->coding == HTTP_CODING_GZIP ? ", gzip" :
	    r->coding == HTTP_CODING_DEFLATE ? ", deflate" : "",
	    r->ctype == HTTP_CTYPE_EVENT_STREAM ? ", event-stream" : "");
	return 0;
}

/* Decides what an error status means (ARCHITECTURE 4). */
static void
on_error_status(struct stream *s)
{
	struct http_resp *r = &s->resp;
	int st = r->status;

	set_error(s, "HTTP %d %.*s from %s%s", st, (int)r->reason_len,
	    r->reason, s->host, st == 401 || st == 403 ? ": check the "
	    "credentials (SLUICE_* variables or --credentials) and the "
	    "clock" : st == 406 ? ": the request parameters were refused "
	    "(--track, --follow, --locations)" : "");
	if (st == 401 && !s->skew_retry_done && r->date > 0 &&
	    (s->skew > 300 || s->skew < -300)) {
		s->skew_retry_done = 1;
		say(s, 1, "HTTP 401 and the server clock differs from ours by "
		    "%ld s: correcting the OAuth timestamp and retrying once",
		    s->skew);
		s->fail_class = FC_NET;
		s->net_fails = 0;
		return;
	}
	if (st == 401 || st == 403) {
		s->fail_class = FC_FATAL;
		s->outcome = STREAM_FAIL_AUTH;
		return;
	}
	if (st == 420 || st == 429) {
		s->fail_class = FC_RATE;
		return;
	}
	if (st >= 500 || st == 408) {
		s->fail_class = FC_HTTP;
		return;
	}
	s->fail_class = FC_FATAL;
	s->outcome = STREAM_FAIL_HTTP;
}

static long
jitter(struct stream *s, long ms)
{
	long spread = ms / 10;

	if (spread <= 0)
		return ms;
	return ms - spread + (long)(next_rand(s) % (uint64_t)(2 * spread + 1));
}

/* The wait before the next attempt for the failure class just seen. */
static long
backoff_ms(struct stream *s)
{
	struct http_resp *r = &s->resp;
	long ms;
	int k;

	switch (s->fail_class) {
	case FC_HTTP:
		k = s->http_fails < 7 ? s->http_fails : 7;
		ms = 5 * SEC << k;
		if (ms > 320 * SEC)
			ms = 320 * SEC;
		s->http_fails++;
		return jitter(s, ms);
	case FC_RATE:
		k = s->rate_fails < 5 ? s->rate_fails : 5;
		ms = 60 * SEC << k;
		if (ms > 900 * SEC)
			ms = 900 * SEC;
		s->rate_fails++;
		/* The server's own word wins when it gives one. */
		if (r->retry_after >= 0)
			ms = (long)(r->retry_after < 86400 ?
			    r->retry_after : 86400) * SEC;
		else if (r->retry_after_date > 0 && r->date > 0 &&
		    r->retry_after_date > r->date)
			ms = (long)(r->retry_after_date - r->date) * SEC;
		else if (r->rate_reset > 0) {
			int64_t now = r->date > 0 ? r->date : time(NULL);

			if (r->rate_reset > now && r->rate_reset - now < 86400)
				ms = (long)(r->rate_reset - now) * SEC;
		}
		return jitter(s, ms);
	default:
		/* Network class: at once after an established stream
		 * drops, then 250 ms more each time, up to 16 s. */
		if (s->got_data)
			s->net_fails = 0;
		ms = 250L * s->net_fails;
		if (ms > 16 * SEC)
			ms = 16 * SEC;
		s->net_fails++;
		return jitter(s, ms);
	}
}

static enum stream_outcome
outcome_of(int fail_class)
{
	switch (fail_class) {
	case FC_END:
		return STREAM_OK;
	case FC_PROTO:
		return STREAM_FAIL_PROTOCOL;
	case FC_HTTP:
	case FC_RATE:
		return STREAM_FAIL_HTTP;
	default:
		return STREAM_FAIL_NETWORK;
	}
}

static void net_close(struct stream *s);
static void net_connected(struct stream *s);

static void
finish(struct stream *s, enum stream_outcome o)
{
	net_close(s);
	if (s->outcome == STREAM_RUNNING)
		s->outcome = o;
	s->state = STREAM_ST_DONE;
}

/* The connection is over, for the reason in s->halt / s->fail_class.
 * Decides between stopping and waiting to reconnect. */
static void
conn_end(struct stream *s)
{
	const struct stream_cfg *c = s->cfg;
	int64_t now = now_ms();
	long wait;

	if (frame_pending(&s->frame)) {
		s->st.truncated++;
		say(s, 2, "partial message discarded at disconnect");
	}
	sync_frame_counters(s);
	net_close(s);
	switch (s->halt) {
	case HALT_LIMIT:
		finish(s, STREAM_OK);
		return;
	case HALT_OUTPUT:
		finish(s, STREAM_FAIL_OUTPUT);
		return;
	case HALT_FATAL:
		say(s, 0, "%s", s->errmsg);
		finish(s, STREAM_FAIL_AUTH);
		return;
	case HALT_RECONNECT:
		s->fail_class = FC_NET;
		break;
	default:
		break;
	}
	if (s->fail_class == FC_FATAL) {
		say(s, 0, "%s", s->errmsg);
		finish(s, STREAM_FAIL_OTHER);
		return;
	}
	if (s->stop_requested) {
		finish(s, STREAM_OK);
		return;
	}
	if (s->replay || (c->retry >= 0 &&
	    s->st.reconnects >= (uint64_t)c->retry) ||
	    (c->retry_max_time_ms > 0 && now - s->t_start >=
	    scaled(s, c->retry_max_time_ms))) {
		if (s->fail_class != FC_END && s->errmsg[0])
			say(s, 0, "%s", s->errmsg);
		finish(s, outcome_of(s->fail_class));
		return;
	}
	wait = scaled(s, backoff_ms(s));
	if (s->errmsg[0])
		say(s, 1, "%s; reconnecting in %ld.%03ld s", s->errmsg,
		    wait / 1000, wait % 1000);
	else
		say(s, 1, "stream ended; reconnecting in %ld.%03ld s",
		    wait / 1000, wait % 1000);
	s->t_wake = now + wait;
	s->state = STREAM_ST_BACKOFF;
}

/* A body that ends cleanly ends its last line too: a response whose last
 * message has no line end (an API reply, a short test stream) is complete
 * by HTTP's framing, not cut. */
static void
end_last_line(struct stream *s)
{
	if (frame_mode(&s->frame) == FRAME_LINES && frame_pending(&s->frame) &&
	    s->halt == HALT_NONE)
		framer_write(s, (const unsigned char *)"\n", 1);
}

/* Bytes received from the connection (after TLS), head or body. */
static void
on_bytes(struct stream *s, const unsigned char *p, size_t n)
{
	size_t used;
	int rc;

	s->t_last_rx = now_ms();
	s->st.bytes_wire += n;
	if (s->cfg->record_fd >= 0) {
		const unsigned char *q = p;
		size_t left = n;

		while (left > 0) {
			ssize_t w = write(s->cfg->record_fd, q, left);

			if (w < 0 && errno == EINTR)
				continue;
			if (w <= 0)
				break;
			q += w;
			left -= (size_t)w;
		}
	}
	if (s->state == STREAM_ST_HEAD) {
		rc = http_push(&s->resp, p, n, &used);
		if (rc < 0) {
			set_error(s, "bad response from %s: %s", s->host,
			    errstr(rc));
			s->fail_class = FC_PROTO;
			conn_end(s);
			return;
		}
		if (rc == 0)
			return;
		if (on_head(s) < 0) {
			on_error_status(s);
			conn_end(s);
			return;
		}
		s->state = STREAM_ST_BODY;
		s->t_data_since = s->t_last_rx;
		p += used;
		n -= used;
	}
	if (n == 0 && !s->body_done)
		return;
	if (n > 0)
		s->got_data = 1;
	/* A healthy minute of data resets every failure counter. */
	if (s->t_last_rx - s->t_data_since >= scaled(s, 60 * SEC)) {
		s->net_fails = s->http_fails = s->rate_fails = 0;
		s->skew_retry_done = 0;
	}
	rc = body_write(s, p, n);
	if (rc == 0)
		return;
	if (rc > 0) {
		s->fail_class = FC_END;
		s->errmsg[0] = '\0';
		end_last_line(s);
	}
	conn_end(s);
}

/* The connection closed (EOF) or failed while reading. */
static void
on_eof(struct stream *s, int clean)
{
	if (s->state == STREAM_ST_BODY && s->resp.framing == HTTP_BODY_CLOSE &&
	    clean) {
		if (s->inflating && inflate_finish(&s->inf) != 0 &&
		    !s->body_done) {
			set_error(s, "connection closed inside the gzip stream");
			s->fail_class = FC_NET;
		} else {
			/* A close cannot tell a last line without its line
			 * end from a cut one: it stays partial (truncated). */
			s->fail_class = FC_END;
			s->errmsg[0] = '\0';
		}
	} else if (s->state == STREAM_ST_BODY && s->body_done) {
		s->fail_class = FC_END;
		s->errmsg[0] = '\0';
	} else if (s->state == STREAM_ST_BODY) {
		set_error(s, "connection to %s closed before the body ended",
		    s->host);
		s->fail_class = FC_NET;
	} else if (s->state == STREAM_ST_HEAD) {
		set_error(s, "connection to %s closed before a response",
		    s->host);
		s->fail_class = FC_NET;
	}
	conn_end(s);
}

/* ---- the request ---------------------------------------------------------- */

static int
build_request(struct stream *s)
{
	const struct stream_cfg *c = s->cfg;
	const char *fields[40];
	struct http_request rq;
	char target[4096];
	size_t nf = 0, i, len;
	int rc;

	if (c->nfields > 36)
		return STREAM_E_REQUEST;
	for (i = 0; i < c->nfields; i++)
		fields[nf++] = c->fields[i];
	memset(&rq, 0, sizeof rq);
	rq.method = c->method ? c->method : (c->body ? "POST" : "GET");
	if (c->auth) {
		rc = c->auth(c->auth_arg, rq.method, c->url, c->body,
		    c->body_len, s->auth, sizeof s->auth);
		if (rc < 0) {
			set_error(s, "cannot sign the request: %s",
			    errstr(rc));
			return STREAM_E_AUTH_SIGN;
		}
		fields[nf++] = s->auth;
	}
	if (s->last_id_field[0])
		fields[nf++] = s->last_id_field;
	if (s->url.target_len >= sizeof target)
		return STREAM_E_REQUEST;
	memcpy(target, s->url.target, s->url.target_len);
	target[s->url.target_len] = '\0';
	rq.target = target;
	rq.host = s->hostport;
	rq.user_agent = c->user_agent;
	rq.accept_encoding = c->compressed ? "gzip, deflate" : NULL;
	rq.fields = fields;
	rq.nfields = nf;
	rq.body = c->body;
	rq.body_len = c->body_len;
	rq.content_type = c->body ? (c->content_type ? c->content_type :
	    "application/x-www-form-urlencoded") : NULL;
	rc = http_request_write(&rq, (char *)s->req, sizeof s->req, &len);
	if (rc < 0) {
		set_error(s, "request: %s", errstr(rc));
		return rc == HTTP_E_TOO_SMALL ? STREAM_E_REQUEST : rc;
	}
	s->req_len = len;
	s->req_off = 0;
	return 0;
}

/* SSE resume: send the last event id on the next connection. */
static void
remember_event_id(struct stream *s)
{
	size_t n;
	const unsigned char *id = frame_last_id(&s->frame, &n);

	if (s->frame.mode != FRAME_SSE || n == 0 ||
	    n > sizeof s->last_id_field - 20)
		return;
	snprintf(s->last_id_field, sizeof s->last_id_field,
	    "Last-Event-ID: %.*s", (int)n, id);
}

/* ---- replay ------------------------------------------------------------- */

static void
replay_step(struct stream *s)
{
	ssize_t n = read(s->fd, s->io.plain, sizeof s->io.plain);

	if (n < 0 && errno == EINTR)
		return;
	if (n < 0) {
		set_error(s, "replay: %s", strerror(errno));
		s->fail_class = FC_NET;
		conn_end(s);
		return;
	}
	if (n == 0) {
		on_eof(s, 1);
		return;
	}
	on_bytes(s, s->io.plain, (size_t)n);
}

static void
replay_open(struct stream *s)
{
	s->fd = open(s->cfg->replay_path, O_RDONLY);
	if (s->fd < 0) {
		set_error(s, "cannot open replay file %s: %s",
		    s->cfg->replay_path, strerror(errno));
		say(s, 0, "%s", s->errmsg);
		s->outcome = STREAM_FAIL_OTHER;
		s->state = STREAM_ST_DONE;
		return;
	}
	reset_decoders(s);
	s->state = STREAM_ST_HEAD;
}

/* ---- network: connect, TLS, send, receive -------------------------------- */

static void
net_fail(struct stream *s, int fail_class)
{
	s->fail_class = fail_class;
	conn_end(s);
}

static void
net_start(struct stream *s)
{
	const struct stream_cfg *c = s->cfg;
	long ct = c->connect_timeout_ms;
	int rc;

	remember_event_id(s);	/* before the framer is reset */
	reset_decoders(s);
	s->errmsg[0] = '\0';
	rc = build_request(s);
	if (rc < 0) {
		say(s, 0, "%s", s->errmsg);
		finish(s, STREAM_FAIL_OTHER);
		return;
	}
	s->t_phase = now_ms();
	s->t_last_rx = s->t_phase;
	say(s, 2, "connecting to %s port %s", s->host, s->port);
	if (s->use_tls && c->insecure)
		say(s, 0, "warning: --insecure: %s is NOT verified", s->host);
	sock_init(&s->sock);
	rc = c->proxy ? sock_set_proxy(&s->sock, c->proxy) : 0;
	if (rc == 0)
		rc = sock_resolve(&s->sock, s->host, s->port);
	if (rc == 0)
		rc = sock_connect_start(&s->sock, (int)ct, (int)(3 * ct));
	if (rc < 0) {
		set_error(s, "%s", sock_msg(&s->sock));
		net_fail(s, FC_NET);
		return;
	}
	s->fd = s->sock.fd;
	s->state = STREAM_ST_CONNECT;
	if (rc == SOCK_CONNECTED)
		net_connected(s);
}

static void
net_close(struct stream *s)
{
	if (s->replay) {
		if (s->fd >= 0)
			close(s->fd);
		s->fd = -1;
		return;
	}
	/* No close_notify: the connection is over either way and a stream
	 * client has nothing to protect by waiting for it. */
	sock_close(&s->sock);
	s->fd = -1;
}

static short
net_events(struct stream *s)
{
	switch (s->state) {
	case STREAM_ST_CONNECT:
		return sock_events(&s->sock);
	case STREAM_ST_TLS:
	case STREAM_ST_SEND:
	case STREAM_ST_HEAD:
	case STREAM_ST_BODY:
		if (s->use_tls)
			return tls_want(&s->tls);
		return s->state == STREAM_ST_SEND ? POLLOUT : POLLIN;
	default:
		return 0;
	}
}

/* TCP is up: start TLS, or send the request in the clear. */
static void
net_connected(struct stream *s)
{
	int rc;

	s->fd = s->sock.fd;
	s->t_phase = now_ms();
	s->t_last_rx = s->t_phase;
	say(s, 2, "connected to %s port %s", s->host, s->port);
	if (!s->use_tls) {
		s->state = STREAM_ST_SEND;
		return;
	}
	rc = tls_start(&s->tls, s->fd, s->host,
	    (int)s->cfg->connect_timeout_ms);
	if (rc < 0) {
		set_error(s, "TLS setup for %s: %s", s->host, errstr(rc));
		net_fail(s, FC_NET);
		return;
	}
	s->state = STREAM_ST_TLS;
}

/* Plain TCP: write the request, then read. */
static void
plain_step(struct stream *s, short revents)
{
	size_t n;
	int rc, k;

	if (s->state == STREAM_ST_SEND) {
		rc = sock_write(&s->sock, s->req + s->req_off,
		    s->req_len - s->req_off, &n);
		if (rc == SOCK_AGAIN)
			return;
		if (rc < 0) {
			set_error(s, "%s", sock_msg(&s->sock));
			net_fail(s, FC_NET);
			return;
		}
		s->req_off += n;
		if (s->req_off == s->req_len)
			s->state = STREAM_ST_HEAD;
		return;
	}
	if (!(revents & (POLLIN | POLLHUP | POLLERR)))
		return;
	/* Up to STREAM_READS_PER_STEP reads while the socket keeps filling
	 * the buffer: at a high rate, one poll() per 16 KiB was most of the
	 * loop's cost (and grows with every fd the loop also polls). */
	for (k = 0; k < STREAM_READS_PER_STEP; k++) {
		rc = sock_read(&s->sock, s->io.plain, sizeof s->io.plain, &n);
		if (rc == SOCK_AGAIN)
			return;
		if (rc == SOCK_EOF) {
			on_eof(s, 1);
			return;
		}
		if (rc < 0) {
			set_error(s, "%s", sock_msg(&s->sock));
			on_eof(s, 0);
			return;
		}
		on_bytes(s, s->io.plain, n);
		if (n < sizeof s->io.plain || s->paused ||
		    (s->state != STREAM_ST_HEAD && s->state != STREAM_ST_BODY))
			return;
	}
}

static void
tls_failed(struct stream *s, int rc)
{
	set_error(s, "TLS with %s: %s", s->host, errstr(rc));
	if (tls_is_verify_error(rc)) {
		say(s, 0, "%s", s->errmsg);
		finish(s, STREAM_FAIL_TLS);
		return;
	}
	if ((s->state == STREAM_ST_BODY || s->state == STREAM_ST_HEAD) &&
	    (rc == TLS_E_TRUNCATED || s->body_done)) {
		/* Servers often end a stream without close_notify. */
		on_eof(s, rc == TLS_E_TRUNCATED);
		return;
	}
	net_fail(s, FC_NET);	/* keeps the TLS reason (bad MAC...) */
}

/* TLS: pump the engine; write the request; read records in place. */
static void
tls_side_step(struct stream *s, short revents)
{
	const unsigned char *p;
	size_t n;
	int rc;

	for (;;) {
		rc = tls_step(&s->tls, revents);
		revents = 0;
		if (rc < 0) {
			tls_failed(s, rc);
			return;
		}
		if (rc == TLS_READY && s->state == STREAM_ST_TLS) {
			say(s, 2, "TLS established with %s%s", s->host,
			    tls_resumed(&s->tls) ? " (session resumed)" : "");
			s->state = STREAM_ST_SEND;
			s->t_last_rx = now_ms();
		}
		if (s->state == STREAM_ST_SEND && s->req_off < s->req_len) {
			rc = tls_write(&s->tls, s->req + s->req_off,
			    s->req_len - s->req_off, &n);
			if (rc < 0) {
				tls_failed(s, rc);
				return;
			}
			s->req_off += n;
			if (s->req_off == s->req_len)
				s->state = STREAM_ST_HEAD;
			if (n > 0)
				continue;	/* let tls_step send it */
		}
		if (rc == TLS_CLOSED) {
			on_eof(s, 1);
			return;
		}
		if (rc != TLS_DATA)
			return;		/* 0: poll for tls_want() */
		if (tls_read_avail(&s->tls, &p, &n) < 0 || n == 0)
			return;
		if (s->state != STREAM_ST_HEAD && s->state != STREAM_ST_BODY) {
			tls_read_ack(&s->tls, n);	/* not ours: drop */
			continue;
		}
		on_bytes(s, p, n);
		if (s->state != STREAM_ST_HEAD && s->state != STREAM_ST_BODY)
			return;		/* the connection ended */
		tls_read_ack(&s->tls, n);
	}
}

static void
net_step(struct stream *s, short revents)
{
	int rc;

	if (s->state == STREAM_ST_CONNECT) {
		rc = sock_connect_step(&s->sock, revents);
		s->fd = s->sock.fd;
		if (rc == 0)
			return;
		if (rc < 0) {
			set_error(s, "%s", sock_msg(&s->sock));
			net_fail(s, FC_NET);
			return;
		}
		net_connected(s);
		if (s->state == STREAM_ST_SEND && !s->use_tls)
			plain_step(s, POLLOUT);
		else if (s->state == STREAM_ST_TLS)
			tls_side_step(s, 0);
		return;
	}
	if (s->use_tls)
		tls_side_step(s, revents);
	else
		plain_step(s, revents);
}

/* ---- timeouts ---------------------------------------------------------- */

/* The deadline of the current wait, in monotonic ms; 0 if none. */
static int64_t
deadline(const struct stream *s)
{
	const struct stream_cfg *c = s->cfg;
	int64_t d = 0, stall = s->t_last_rx + c->stall_ms;

	switch (s->state) {
	case STREAM_ST_CONNECT:
		d = now_ms() + sock_timeout_ms(&s->sock);
		break;
	case STREAM_ST_TLS:
	case STREAM_ST_SEND:
	case STREAM_ST_HEAD:
	case STREAM_ST_BODY:
		d = stall;
		break;
	case STREAM_ST_BACKOFF:
		d = s->t_wake;
		break;
	default:
		return 0;
	}
	if (c->max_time_ms > 0) {
		int64_t end = s->t_start + c->max_time_ms;

		if (end < d || d == 0)
			d = end;
	}
	return d;
}

static int
check_timeouts(struct stream *s)
{
	const struct stream_cfg *c = s->cfg;
	int64_t now = now_ms();

	if (c->max_time_ms > 0 && now >= s->t_start + c->max_time_ms &&
	    s->state != STREAM_ST_DONE) {
		say(s, 2, "--max-time reached");
		if (frame_pending(&s->frame))
			s->st.truncated++;
		finish(s, STREAM_OK);
		return 1;
	}
	if (s->replay)
		return 0;	/* a file cannot stall */
	if (s->paused && s->state != STREAM_ST_BACKOFF) {
		s->t_last_rx = now;	/* a pause is not a stall */
		return 0;
	}
	switch (s->state) {
	case STREAM_ST_BACKOFF:
		if (now >= s->t_wake) {
			s->st.reconnects++;
			net_start(s);
		}
		return 1;
	case STREAM_ST_CONNECT:
		return 0;	/* sock keeps the connect deadlines */
	case STREAM_ST_TLS:
	case STREAM_ST_SEND:
	case STREAM_ST_HEAD:
	case STREAM_ST_BODY:
		if (now >= s->t_last_rx + c->stall_ms) {
			if (s->state == STREAM_ST_BODY)
				set_error(s, "stream from %s stalled: nothing "
				    "received for %ld s", s->host,
				    c->stall_ms / 1000);
			else
				set_error(s, "no response from %s within "
				    "%ld s", s->host, c->stall_ms / 1000);
			net_fail(s, FC_NET);
			return 1;
		}
		return 0;
	default:
		return 0;
	}
}

/* ---- the loop -------------------------------------------------------------- */

void
stream_poll_fds(struct stream *s, struct pollfd *fds, int *n, int cap,
    int *timeout_ms)
{
	int64_t d = deadline(s), now = now_ms();

	*n = 0;
	*timeout_ms = -1;
	if (s->state == STREAM_ST_DONE) {
		*timeout_ms = 0;
		return;
	}
	if (s->replay) {
		*timeout_ms = s->paused ? -1 : 0;	/* a file is always
							 * readable */
		return;
	}
	if (s->paused && s->state != STREAM_ST_BACKOFF)	/* --max-time only */
		d = s->cfg->max_time_ms > 0 ? s->t_start +
		    s->cfg->max_time_ms : 0;
	if (cap > 0 && s->fd >= 0 && s->state != STREAM_ST_BACKOFF &&
	    !s->paused) {
		fds[0].fd = s->fd;
		fds[0].events = (short)net_events(s);
		fds[0].revents = 0;
		*n = 1;
	}
	if (d > 0)
		*timeout_ms = d <= now ? 0 : (int)(d - now > 3600000 ?
		    3600000 : d - now);
}

void
stream_step(struct stream *s, const struct pollfd *fds, int n)
{
	if (s->state == STREAM_ST_DONE)
		return;
	if (s->stop_requested) {
		/* Messages are handled whole inside a step, so there is no
		 * message "in hand" here: only a partial one to count. */
		if (s->state == STREAM_ST_BODY && frame_pending(&s->frame))
			s->st.truncated++;
		finish(s, STREAM_OK);
		return;
	}
	if (check_timeouts(s))
		return;
	if (s->replay) {
		if (!s->paused)
			replay_step(s);
		return;
	}
	if (s->paused && s->state != STREAM_ST_BACKOFF)
		return;
	if (n > 0 && fds[0].fd == s->fd && fds[0].revents)
		net_step(s, fds[0].revents);
	else if (s->state == STREAM_ST_CONNECT)
		net_step(s, 0);		/* a connect deadline may have passed */
}

enum stream_outcome
stream_run(struct stream *s)
{
	struct pollfd fds[4];
	int n, timeout;

	while (s->state != STREAM_ST_DONE) {
		stream_poll_fds(s, fds, &n, 4, &timeout);
		if (!s->replay && poll(fds, (nfds_t)n, timeout) < 0 &&
		    errno != EINTR) {
			set_error(s, "poll: %s", strerror(errno));
			finish(s, STREAM_FAIL_OTHER);
			break;
		}
		stream_step(s, fds, n);
	}
	return s->outcome;
}

int
stream_init(struct stream *s, const struct stream_cfg *cfg)
{
	int rc;

	memset(s, 0, sizeof *s);
	s->cfg = cfg;
	s->fd = -1;
	s->t_start = now_ms();
	s->rng = (uint64_t)s->t_start * 6364136223846793005ULL ^
	    (uint64_t)getpid();
	if (s->rng == 0)
		s->rng = 1;
	if (cfg->dedupe && (cfg->ids == NULL || cfg->ids_len == 0)) {
		set_error(s, "dedupe needs an id ring (stream_cfg ids)");
		return STREAM_E_DEDUPE_CONFIG;
	}
	s->ids = cfg->ids;
	s->ids_len = cfg->ids_len;
	if (cfg->replay_path) {
		s->replay = 1;
		/* Messages name the file where they would name the host. */
		snprintf(s->host, sizeof s->host, "%s", cfg->replay_path);
		replay_open(s);
		return 0;
	}
	if (cfg->url == NULL || http_url_parse(cfg->url, &s->url) != 0 ||
	    s->url.host_len >= sizeof s->host) {
		set_error(s, "invalid URL '%s'", cfg->url ? cfg->url : "");
		return STREAM_E_URL;
	}
	memcpy(s->host, s->url.host, s->url.host_len);
	s->host[s->url.host_len] = '\0';
	snprintf(s->port, sizeof s->port, "%u", s->url.port);
	if (s->url.port_given)
		snprintf(s->hostport, sizeof s->hostport,
		    memchr(s->host, ':', s->url.host_len) ? "[%s]:%u" :
		    "%s:%u", s->host, s->url.port);
	else
		snprintf(s->hostport, sizeof s->hostport,
		    memchr(s->host, ':', s->url.host_len) ? "[%s]" : "%s",
		    s->host);
	s->use_tls = s->url.tls;
	if (s->use_tls) {
		struct tls_config tc;

		memset(&tc, 0, sizeof tc);
		rc = 0;
		if (cfg->insecure && cfg->cacert == NULL) {
			/* no anchors: nothing is verified */
		} else if (cfg->anchors == NULL) {
			/* Default: read per full handshake, only the
			 * anchors the chain needs; checked once now. */
			rc = ca_scan_init(&s->ca, cfg->cacert);
			tc.find = ca_scan_find;
			tc.find_arg = &s->ca;
			tc.lazy = &s->lazy;
			/* The window serves only the body: idle during
			 * handshakes, which happen only at connect (tls.h). */
			tc.chain = s->window;
			tc.chain_len = sizeof s->window;
		} else {
			ca_store_init(cfg->anchors);
			rc = ca_store_load(cfg->anchors, cfg->cacert);
			tc.ta = cfg->anchors->ta;
			tc.ta_count = cfg->anchors->n;
		}
		if (rc < 0) {
			set_error(s, "trust anchors from %s: %s",
			    cfg->cacert ? cfg->cacert : "the system bundle",
			    errstr(rc));
			return rc;
		}
		tc.pins = cfg->pin;
		tc.insecure = cfg->insecure;
		tc.now = cfg->tls_time;
		rc = tls_init(&s->tls, &tc, s->io.tls, sizeof s->io.tls);
		if (rc < 0) {
			set_error(s, "TLS: %s", errstr(rc));
			return rc;
		}
	}
	net_start(s);
	return 0;
}

void
stream_pause(struct stream *s, int on)
{
	if (!on && s->paused)
		s->t_last_rx = now_ms();	/* the stall clock restarts */
	s->paused = on != 0;
}

void
stream_restart(struct stream *s)
{
	if (s->state == STREAM_ST_DONE || s->replay)
		return;
	if (s->state == STREAM_ST_BODY && frame_pending(&s->frame))
		s->st.truncated++;
	sync_frame_counters(s);
	net_close(s);
	say(s, 1, "restarting the stream with a new request");
	s->st.reconnects++;
	s->halt = HALT_NONE;
	net_start(s);
}

const struct json_tok *
stream_tokens(const struct stream *s, int *ntok)
{
	*ntok = s->ntok;
	return s->ntok > 0 ? s->toks : NULL;
}

void
stream_stop(struct stream *s)
{
	s->stop_requested = 1;
}

int
stream_done(const struct stream *s)
{
	return s->state == STREAM_ST_DONE;
}

enum stream_outcome
stream_outcome(const struct stream *s)
{
	return s->outcome;
}

const struct stream_stats *
stream_stats(const struct stream *s)
{
	return &s->st;
}

enum stream_state
stream_state(const struct stream *s)
{
	return s->state;
}

const char *
stream_last_error(const struct stream *s)
{
	return s->errmsg;
}

long
stream_clock_skew(const struct stream *s)
{
	return s->skew;
}
