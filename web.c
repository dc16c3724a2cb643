/* web -- the live web view server.  MIT licensed, see LICENSE.
 * See web.h for the API, endpoints and memory. */
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/socket.h>
#include <netinet/in.h>

#include <bearssl.h>

#include "oauth.h"
#include "web.h"
#include "webdata.h"

enum {
	C_FREE, C_HEAD, C_BODY, C_RESP, C_SSE, C_WS, C_CLOSING
};

#define WS_GUID "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"

/* ---- small helpers ------------------------------------------------ */

static int64_t
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int
lower(int c)
{
	return c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c;
}

static int
ieq(const char *a, size_t an, const char *b)
{
	size_t i;

	for (i = 0; i < an; i++)
		if (b[i] == '\0' || lower((unsigned char)a[i]) !=
		    lower((unsigned char)b[i]))
			return 0;
	return b[i] == '\0';
}

static int
is_tchar(int c)
{
	if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
	    (c >= 'A' && c <= 'Z'))
		return 1;
	return c != '\0' && strchr("!#$%&'*+-.^_`|~", c) != NULL;
}

/* Decimal of v into p (at least 21 bytes); returns the length. */
static size_t
put_u64(char *p, uint64_t v)
{
	char tmp[24];
	size_t n = 0, i;

	do {
		tmp[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	for (i = 0; i < n; i++)
		p[i] = tmp[n - 1 - i];
	return n;
}

/* Appender over a fixed buffer: once full, ok stays 0. */
struct out {
	char *p;
	size_t len, cap;
	int ok;
};

static void
put(struct out *o, const char *s, size_t n)
{
	if (!o->ok || n > o->cap - o->len) {
		o->ok = 0;
		return;
	}
	memcpy(o->p + o->len, s, n);
	o->len += n;
}

static void
puts0(struct out *o, const char *s)
{
	put(o, s, strlen(s));
}

static void
putnum(struct out *o, uint64_t v)
{
	char b[24];

	put(o, b, put_u64(b, v));
}

/* ---- the WebSocket accept key ------------------------------------------- */

/* The base64 alphabet, to check a client's key (oauth.c encodes). */
static const char b64[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

int
web_ws_accept(const char *key, size_t n, char out[29])
{
	br_sha1_context sc;
	unsigned char h[br_sha1_SIZE];
	size_t i;

	/* 16 bytes in base64: 22 characters, the last of 4 values, "==" */
	if (n != 24 || key[22] != '=' || key[23] != '=' ||
	    strchr("AQgw", key[21]) == NULL)
		return WEB_E_WS_KEY;
	for (i = 0; i < 22; i++)
		if (key[i] == '\0' || key[i] == '=' ||
		    strchr(b64, key[i]) == NULL)
			return WEB_E_WS_KEY;
	br_sha1_init(&sc);
	br_sha1_update(&sc, key, n);
	br_sha1_update(&sc, WS_GUID, sizeof WS_GUID - 1);
	br_sha1_out(&sc, h);
	/* 20 bytes: 28 characters and the NUL, which out[29] holds. */
	return oauth_base64(h, sizeof h, out, 29, &i) < 0 ? WEB_E_WS_KEY : 0;
}

/* ---- request head parser ------------------------------------------------- */

/* Finds the end of the line starting at p[i]: returns the index of its
 * LF, or n when there is none yet; *bad set for a bare CR or NUL. */
static size_t
line_end(const char *p, size_t i, size_t n, int *bad)
{
	for (; i < n; i++) {
		if (p[i] == '\n')
			return i;
		if (p[i] == '\r' && (i + 1 < n && p[i + 1] != '\n'))
			*bad = 1;
		if (p[i] == '\0')
			*bad = 1;
	}
	return n;
}

static int
parse_cl(struct web_req *rq, const char *v, size_t n)
{
	uint64_t x = 0;
	size_t i;

	if (n == 0 || n > 12)
		return WEB_E_REQ_CL;
	for (i = 0; i < n; i++) {
		if (v[i] < '0' || v[i] > '9')
			return WEB_E_REQ_CL;
		x = x * 10 + (uint64_t)(v[i] - '0');
	}
	if (rq->has_cl && rq->content_length != x)
		return WEB_E_REQ_CL;
	rq->has_cl = 1;
	rq->content_length = x;
	return 0;
}

/* Walks a comma-separated token list, calling back per token. */
static void
conn_tokens(struct web_req *rq, const char *v, size_t n, int upgrade)
{
	size_t i = 0, s, e;

	while (i < n) {
		while (i < n && (v[i] == ' ' || v[i] == '\t' || v[i] == ','))
			i++;
		s = i;
		while (i < n && v[i] != ',')
			i++;
		e = i;
		while (e > s && (v[e - 1] == ' ' || v[e - 1] == '\t'))
			e--;
		if (e == s)
			continue;
		if (upgrade) {
			if (ieq(v + s, e - s, "websocket"))
				rq->upgrade_ws = 1;
		} else if (ieq(v + s, e - s, "close")) {
			rq->conn_close = 1;
		} else if (ieq(v + s, e - s, "keep-alive")) {
			rq->conn_keepalive = 1;
		} else if (ieq(v + s, e - s, "upgrade")) {
			rq->conn_upgrade = 1;
		}
	}
}

static int
header(struct web_req *rq, const char *l, size_t n)
{
	size_t c = 0, vs, ve, i;

	if (n && (l[0] == ' ' || l[0] == '\t'))
		return WEB_E_REQ;		/* obs-fold */
	while (c < n && is_tchar((unsigned char)l[c]))
		c++;
	if (c == 0 || c >= n || l[c] != ':')
		return WEB_E_REQ;
	vs = c + 1;
	while (vs < n && (l[vs] == ' ' || l[vs] == '\t'))
		vs++;
	ve = n;
	while (ve > vs && (l[ve - 1] == ' ' || l[ve - 1] == '\t'))
		ve--;
	for (i = vs; i < ve; i++) {
		unsigned char ch = (unsigned char)l[i];

		if ((ch < 0x20 && ch != '\t') || ch == 0x7f)
			return WEB_E_REQ;
	}
	if (ieq(l, c, "content-length"))
		return parse_cl(rq, l + vs, ve - vs);
	if (ieq(l, c, "transfer-encoding"))
		rq->chunked = 1;
	else if (ieq(l, c, "connection"))
		conn_tokens(rq, l + vs, ve - vs, 0);
	else if (ieq(l, c, "upgrade"))
		conn_tokens(rq, l + vs, ve - vs, 1);
	else if (ieq(l, c, "sec-websocket-key")) {
		rq->ws_key = l + vs;
		rq->ws_key_len = ve - vs;
	} else if (ieq(l, c, "sec-websocket-version")) {
		rq->ws_version = (ve - vs == 2 && l[vs] == '1' &&
		    l[vs + 1] == '3') ? 13 : -1;
	} else if (ieq(l, c, "last-event-id")) {
		rq->last_id = l + vs;
		rq->last_id_len = ve - vs;
	} else if (ieq(l, c, "authorization")) {
		rq->auth = l + vs;
		rq->auth_len = ve - vs;
	}
	return 0;
}

static int
request_line(struct web_req *rq, const char *l, size_t n)
{
	size_t i = 0, s;

	while (i < n && is_tchar((unsigned char)l[i]))
		i++;
	if (i == 0 || i >= n || l[i] != ' ')
		return WEB_E_REQ;
	rq->method = l;
	rq->method_len = i;
	s = ++i;
	while (i < n && l[i] != ' ') {
		unsigned char ch = (unsigned char)l[i];

		if (ch <= 0x20 || ch >= 0x7f)
			return WEB_E_REQ;
		i++;
	}
	if (i == s || i >= n)
		return WEB_E_REQ;
	rq->target = l + s;
	rq->target_len = i - s;
	i++;
	if (n - i != 8 || memcmp(l + i, "HTTP/", 5) != 0 || l[i + 6] != '.' ||
	    l[i + 5] < '0' || l[i + 5] > '9' || l[i + 7] < '0' ||
	    l[i + 7] > '9')
		return WEB_E_REQ;
	if (l[i + 5] != '1')
		return WEB_E_REQ_VERSION;
	rq->minor = l[i + 7] - '0';
	return 0;
}

int
web_parse_request(struct web_req *rq, const char *p, size_t n)
{
	size_t i = 0, e, len;
	int bad = 0, st, first = 1;

	memset(rq, 0, sizeof *rq);
	for (;;) {
		e = line_end(p, i, n, &bad);
		if (bad)
			return WEB_E_REQ;
		if (e >= n)
			return n >= WEB_RECV_MAX ? WEB_E_REQ_TOO_BIG : 0;
		len = e - i;
		if (len && p[e - 1] == '\r')
			len--;
		if (first) {
			if (len == 0 && i < 4) {
				i = e + 1;	/* leading empty lines */
				continue;
			}
			if ((st = request_line(rq, p + i, len)) < 0)
				return st;
			first = 0;
		} else if (len == 0) {
			rq->head_len = e + 1;
			if (rq->head_len > WEB_RECV_MAX)
				return WEB_E_REQ_TOO_BIG;
			return WEB_REQ_DONE;
		} else if ((st = header(rq, p + i, len)) < 0) {
			return st;
		}
		i = e + 1;
	}
}

/* ---- JSON projection ----------------------------------------------------- */

/* Length of the valid UTF-8 sequence at s[0..n), or 0. */
static size_t
utf8_len(const unsigned char *s, size_t n)
{
	unsigned c = s[0];
	size_t k, i;
	uint32_t cp;

	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf)
		k = 2, cp = c & 0x1f;
	else if (c >= 0xe0 && c <= 0xef)
		k = 3, cp = c & 0x0f;
	else if (c >= 0xf0 && c <= 0xf4)
		k = 4, cp = c & 0x07;
	else
		return 0;
	if (n < k)
		return 0;
	for (i = 1; i < k; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	if ((k == 3 && (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff))) ||
	    (k == 4 && (cp < 0x10000 || cp > 0x10ffff)))
		return 0;
	return k;
}

static int
hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = lower(c);
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/* Writes s[0..n) as the body of a JSON string, at most max bytes, cut at
 * a character boundary.  escaped: s already holds JSON escapes. */
static void
put_jstr(struct out *o, const char *str, size_t n, int escaped, size_t max)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t i = 0, k, start = o->len;
	char tmp[8];

	while (i < n) {
		const char *w = tmp;
		size_t wl;
		unsigned c = s[i];

		if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\') {
			/* a run of plain ASCII goes in one piece */
			k = i + 1;
			while (k < n && s[k] >= 0x20 && s[k] < 0x7f &&
			    s[k] != '"' && s[k] != '\\')
				k++;
			wl = k - i;
			if (wl > max - (o->len - start))
				wl = max - (o->len - start);
			put(o, str + i, wl);
			if (wl < k - i || !o->ok)
				break;
			i = k;
			continue;
		}
		if (escaped && c == '\\' && i + 1 < n &&
		    strchr("\"\\/bfnrt", s[i + 1]) != NULL && s[i + 1]) {
			w = (const char *)s + i;
			wl = 2;
			k = 2;
		} else if (escaped && c == '\\' && i + 5 < n &&
		    s[i + 1] == 'u' && hexval(s[i + 2]) >= 0 &&
		    hexval(s[i + 3]) >= 0 && hexval(s[i + 4]) >= 0 &&
		    hexval(s[i + 5]) >= 0) {
			w = (const char *)s + i;
			wl = 6;
			k = 6;
		} else if (c == '"' || c == '\\') {
			tmp[0] = '\\';
			tmp[1] = (char)c;
			wl = 2;
			k = 1;
		} else if (c < 0x20 || c == 0x7f) {
			tmp[0] = '\\';
			tmp[1] = 'u';
			tmp[2] = '0';
			tmp[3] = '0';
			tmp[4] = "0123456789abcdef"[c >> 4];
			tmp[5] = "0123456789abcdef"[c & 15];
			wl = 6;
			k = 1;
		} else if (c < 0x80) {
			tmp[0] = (char)c;
			wl = 1;
			k = 1;
		} else if ((k = utf8_len(s + i, n - i)) != 0) {
			w = (const char *)s + i;
			wl = k;
		} else {
			w = "\xef\xbf\xbd";	/* U+FFFD */
			wl = 3;
			k = 1;
		}
		if (o->len - start + wl > max)
			break;
		put(o, w, wl);
		i += k;
	}
}

static void
put_field(struct out *o, const char *name, const char *s, size_t n,
    int escaped, size_t max)
{
	if (s == NULL || n == 0)
		return;
	puts0(o, ",\"");
	puts0(o, name);
	puts0(o, "\":\"");
	put_jstr(o, s, n, escaped, max);
	puts0(o, "\"");
}

/* A coordinate with 4 decimals, without the float formatting of stdio. */
static void
put_coord(struct out *o, double v)
{
	char b[40];
	uint64_t x;
	size_t n = 0;

	if (!(v >= -1000.0 && v <= 1000.0))
		v = 0;
	if (v < 0) {
		b[n++] = '-';
		v = -v;
	}
	x = (uint64_t)(v * 10000.0 + 0.5);
	n += put_u64(b + n, x / 10000);
	b[n++] = '.';
	x %= 10000;
	b[n++] = (char)('0' + x / 1000);
	b[n++] = (char)('0' + x / 100 % 10);
	b[n++] = (char)('0' + x / 10 % 10);
	b[n++] = (char)('0' + x % 10);
	put(o, b, n);
}

int
web_format_item(const struct web_item *it, uint64_t n, char *buf,
    size_t cap, size_t *len)
{
	struct out o = { buf, 0, cap, 1 };

	puts0(&o, "{\"n\":");
	putnum(&o, n);
	put_field(&o, "id", it->id, it->id_len, it->escaped, WEB_FIELD_MAX);
	put_field(&o, "user", it->user, it->user_len, it->escaped,
	    WEB_FIELD_MAX);
	put_field(&o, "text", it->text, it->text_len, it->escaped,
	    WEB_TEXT_MAX);
	put_field(&o, "time", it->time, it->time_len, it->escaped,
	    WEB_FIELD_MAX);
	if (it->has_geo && it->lon >= -180.0 && it->lon <= 180.0 &&
	    it->lat >= -90.0 && it->lat <= 90.0) {
		puts0(&o, ",\"lon\":");
		put_coord(&o, it->lon);
		puts0(&o, ",\"lat\":");
		put_coord(&o, it->lat);
	}
	puts0(&o, "}");
	*len = o.len;
	return o.ok ? 0 : WEB_E_TOO_SMALL;
}

size_t
web_sse_frame(char *buf, size_t cap, uint64_t id, const char *event,
    const char *json, size_t n)
{
	struct out o = { buf, 0, cap, 1 };

	if (id) {
		puts0(&o, "id: ");
		putnum(&o, id);
		puts0(&o, "\n");
	}
	if (event) {
		puts0(&o, "event: ");
		puts0(&o, event);
		puts0(&o, "\n");
	}
	puts0(&o, "data: ");
	put(&o, json, n);
	puts0(&o, "\n\n");
	return o.ok ? o.len : 0;
}

size_t
web_ws_frame(unsigned char *out, size_t cap, int op, const unsigned char *p,
    size_t n)
{
	size_t h = n < 126 ? 2 : n < 65536 ? 4 : 10, i;

	if (cap < h || n > cap - h)
		return 0;
	out[0] = (unsigned char)(0x80 | (op & 15));
	if (n < 126) {
		out[1] = (unsigned char)n;
	} else if (n < 65536) {
		out[1] = 126;
		out[2] = (unsigned char)(n >> 8);
		out[3] = (unsigned char)n;
	} else {
		uint64_t v = n;

		out[1] = 127;
		for (i = 0; i < 8; i++)
			out[2 + i] = (unsigned char)(v >> (56 - 8 * i));
	}
	if (n)
		memcpy(out + h, p, n);
	return h + n;
}

/* ---- replay ring --------------------------------------------------------- */

/* The ring holds every event once, framed for SSE: "id: N\ndata: JSON\n\n".
 * A WebSocket viewer is sent the JSON part of the same bytes behind a
 * frame header made at write time (ws_hdr). */

static struct web_ev *
ring_get(struct web *w, uint64_t n)
{
	struct web_ev *e;

	if (n == 0 || n < w->oldest || n > w->last)
		return NULL;
	e = &w->cfg->ring[n % w->cfg->ring_events];
	return e->n == n ? e : NULL;
}

static void
ring_evict_from(struct web *w, size_t lo, size_t hi)
{
	struct web_ev *e;

	while ((e = ring_get(w, w->oldest)) != NULL && e->off >= lo &&
	    e->off < hi) {
		e->n = 0;
		w->oldest++;
	}
}

/* Decimal digits of v. */
static size_t
ndigits(uint64_t v)
{
	size_t k = 1;

	while (v >= 10) {
		v /= 10;
		k++;
	}
	return k;
}

/* Stores json[0..n) framed for SSE as the next event; returns its size. */
static size_t
ring_put(struct web *w, const char *json, size_t n)
{
	const struct web_cfg *cfg = w->cfg;
	uint64_t id = w->last + 1;
	struct web_ev *e;
	unsigned char *d;
	size_t len = 4 + ndigits(id) + 7 + n + 2;	/* see ev_json() */

	if (w->rb_head + len > cfg->ringbuf_size) {
		ring_evict_from(w, w->rb_head, (size_t)-1);
		w->rb_wrap = w->rb_head;
		w->rb_head = 0;
	}
	ring_evict_from(w, w->rb_head, w->rb_head + len);
	while (id > cfg->ring_events && w->oldest <= id - cfg->ring_events) {
		cfg->ring[w->oldest % cfg->ring_events].n = 0;
		w->oldest++;
	}
	e = &cfg->ring[id % cfg->ring_events];
	e->n = id;
	e->off = (uint32_t)w->rb_head;
	e->len = (uint32_t)len;
	d = cfg->ringbuf + w->rb_head;
	memcpy(d, "id: ", 4);
	d += 4;
	d += put_u64((char *)d, id);
	memcpy(d, "\ndata: ", 7);
	memcpy(d + 7, json, n);
	memcpy(d + 7 + n, "\n\n", 2);
	w->rb_head += len;
	w->last = id;
	if (w->oldest > id)
		w->oldest = id;
	return len;
}

/* The JSON inside ring event e: *n bytes at the returned pointer. */
static const unsigned char *
ev_json(const struct web *w, const struct web_ev *e, size_t *n)
{
	size_t skip = 4 + ndigits(e->n) + 7;

	*n = e->len - skip - 2;
	return w->cfg->ringbuf + e->off + skip;
}

/* The WebSocket header of a text frame of n payload bytes into h (4
 * bytes: payloads are below 64 KiB); returns its length. */
static size_t
ws_hdr(unsigned char *h, size_t n)
{
	h[0] = 0x81;
	if (n < 126) {
		h[1] = (unsigned char)n;
		return 2;
	}
	h[1] = 126;
	h[2] = (unsigned char)(n >> 8);
	h[3] = (unsigned char)n;
	return 4;
}

/* Bytes event e takes on c's connection. */
static size_t
ev_size(const struct web *w, const struct web_client *c,
    const struct web_ev *e)
{
	unsigned char h[4];
	size_t n;

	if (!c->ws)
		return e->len;
	ev_json(w, e, &n);
	return ws_hdr(h, n) + n;
}

/* ---- clients ------------------------------------------------------------- */

static size_t
sfree(const struct web *w, const struct web_client *c)
{
	return w->cfg->sendbuf_size - (c->slen - c->soff);
}

/* Room for n more bytes at the end of sbuf (compacting), or NULL. */
static unsigned char *
sroom(struct web *w, struct web_client *c, size_t n)
{
	if (n > sfree(w, c))
		return NULL;
	if (c->slen + n > w->cfg->sendbuf_size) {
		memmove(c->sbuf, c->sbuf + c->soff, c->slen - c->soff);
		c->slen -= c->soff;
		c->soff = 0;
	}
	return c->sbuf + c->slen;
}

static int
squeue(struct web *w, struct web_client *c, const void *p, size_t n)
{
	unsigned char *d = sroom(w, c, n);

	if (d == NULL)
		return -1;
	memcpy(d, p, n);
	c->slen += n;
	return 0;
}

static int
streaming(const struct web_client *c)
{
	return c->state == C_SSE || c->state == C_WS;
}

static void
client_close(struct web *w, struct web_client *c)
{
	if (c->fd < 0)
		return;
	close(c->fd);
	if (c->state == C_SSE)
		w->ct.sse--;
	else if (c->state == C_WS)
		w->ct.ws--;
	w->ct.clients--;
	c->fd = -1;
	c->state = C_FREE;
}

/* Whether c has ring events to send: all of them while streaming, only
 * the rest of a partly sent one while closing. */
static int
ring_pending(const struct web *w, const struct web_client *c)
{
	if (c->next > w->last)
		return 0;
	return streaming(c) || (c->state == C_CLOSING && c->part > 0);
}

/* A viewer whose next event has left the ring is too slow: dropped. */
static int
client_lost(struct web *w, struct web_client *c)
{
	if (!ring_pending(w, c) || c->next >= w->oldest)
		return 0;
	w->ct.dropped_slow++;
	client_close(w, c);
	return 1;
}

/* ---- responses ----------------------------------------------------------- */

static void
respond(struct web *w, struct web_client *c, int status, const char *ctype,
    const unsigned char *body, size_t blen, int copy, const char *extra)
{
	static const struct { int code; const char *text; } reasons[] = {
		{ 200, "OK" }, { 204, "No Content" },
		{ 400, "Bad Request" }, { 403, "Forbidden" },
		{ 404, "Not Found" }, { 405, "Method Not Allowed" },
		{ 411, "Length Required" }, { 413, "Content Too Large" },
		{ 426, "Upgrade Required" },
		{ 431, "Request Header Fields Too Large" },
		{ 503, "Service Unavailable" },
		{ 505, "HTTP Version Not Supported" },
	};
	char head[512];
	struct out o = { head, 0, sizeof head, 1 };
	const char *reason = "Error";
	size_t i;

	for (i = 0; i < sizeof reasons / sizeof reasons[0]; i++)
		if (reasons[i].code == status)
			reason = reasons[i].text;
	puts0(&o, "HTTP/1.1 ");
	putnum(&o, (uint64_t)status);
	puts0(&o, " ");
	puts0(&o, reason);
	puts0(&o, "\r\nServer: sluice\r\nCache-Control: no-store\r\n"
	    "X-Content-Type-Options: nosniff\r\n");
	if (ctype) {
		puts0(&o, "Content-Type: ");
		puts0(&o, ctype);
		puts0(&o, "\r\n");
	}
	if (extra)
		puts0(&o, extra);
	puts0(&o, "Content-Length: ");
	putnum(&o, blen);
	puts0(&o, !c->keepalive ? "\r\nConnection: close\r\n\r\n" :
	    c->http10 ? "\r\nConnection: keep-alive\r\n\r\n" : "\r\n\r\n");
	c->soff = c->slen = 0;
	c->body = NULL;
	c->body_len = c->body_off = 0;
	if (squeue(w, c, head, o.len) < 0)
		return;
	if (c->head_only)
		blen = 0;
	if (copy && blen && squeue(w, c, body, blen) < 0) {
		c->keepalive = 0;
		c->slen = c->soff = 0;
		return;
	}
	if (!copy) {
		c->body = body;
		c->body_len = blen;
	}
	c->state = C_RESP;
	w->ct.requests++;
}

static void
respond_text(struct web *w, struct web_client *c, int status,
    const char *text)
{
	respond(w, c, status, "text/plain; charset=utf-8",
	    (const unsigned char *)text, strlen(text), 1, NULL);
}

/* The stats JSON: the engine's object with "web" added. */
static size_t
stats_json(struct web *w, char *buf, size_t cap)
{
	struct out o = { buf, 0, cap, 1 };
	const struct web_counters *ct = &w->ct;

	if (w->stats_len >= 2) {
		size_t e = w->stats_len - 1;	/* the closing brace */

		put(&o, w->stats, e);
		if (w->stats_len > 2)
			puts0(&o, ",");
	} else {
		puts0(&o, "{");
	}
	puts0(&o, "\"web\":{\"published\":");
	putnum(&o, ct->published);
	puts0(&o, ",\"skipped\":");
	putnum(&o, ct->skipped);
	puts0(&o, ",\"clients\":");
	putnum(&o, ct->clients);
	puts0(&o, ",\"sse\":");
	putnum(&o, ct->sse);
	puts0(&o, ",\"ws\":");
	putnum(&o, ct->ws);
	puts0(&o, ",\"accepted\":");
	putnum(&o, ct->accepted);
	puts0(&o, ",\"refused\":");
	putnum(&o, ct->refused);
	puts0(&o, ",\"dropped_slow\":");
	putnum(&o, ct->dropped_slow);
	puts0(&o, ",\"gaps\":");
	putnum(&o, ct->gaps);
	puts0(&o, ",\"tracks\":");
	putnum(&o, ct->tracks);
	puts0(&o, "}}");
	return o.ok ? o.len : 0;
}

/* Value of query parameter name in target, or NULL. */
static const char *
query(const char *t, size_t n, const char *name, size_t *vlen)
{
	size_t i = 0, nl = strlen(name);

	while (i < n && t[i] != '?')
		i++;
	while (i < n) {
		size_t s = ++i, e;

		while (i < n && t[i] != '&')
			i++;
		e = i;
		if (e - s > nl && memcmp(t + s, name, nl) == 0 &&
		    t[s + nl] == '=') {
			*vlen = e - s - nl - 1;
			return t + s + nl + 1;
		}
	}
	return NULL;
}

static int
parse_u64(const char *s, size_t n, uint64_t *v)
{
	uint64_t x = 0;
	size_t i;

	if (n == 0 || n > 19)
		return -1;
	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		x = x * 10 + (uint64_t)(s[i] - '0');
	}
	*v = x;
	return 0;
}

/* Where a new streaming client starts: after Last-Event-ID, the newest
 * ?n=K, or live. */
static void
stream_start(struct web *w, struct web_client *c, const struct web_req *rq)
{
	uint64_t v, back;
	const char *q;
	size_t ql;

	c->next = w->last + 1;
	if (rq->last_id && parse_u64(rq->last_id, rq->last_id_len, &v) == 0) {
		if (v < w->last) {
			c->next = v + 1;
			if (c->next < w->oldest) {
				w->ct.gaps++;
				c->next = w->oldest;
			}
		}
	} else if ((q = query(rq->target, rq->target_len, "n", &ql)) &&
	    parse_u64(q, ql, &back) == 0 && back > 0 && w->last) {
		c->next = back >= w->last ? 1 : w->last + 1 - back;
		if (c->next < w->oldest)
			c->next = w->oldest;
	}
	c->part = 0;
	c->keepalive = 0;
	c->blocked = 0;
	c->wnow = 1;		/* the head, and any events to catch up */
}

static void
start_sse(struct web *w, struct web_client *c, const struct web_req *rq)
{
	static const char head[] = "HTTP/1.1 200 OK\r\nServer: sluice\r\n"
	    "Content-Type: text/event-stream\r\nCache-Control: no-store\r\n"
	    "X-Accel-Buffering: no\r\n\r\nretry: 2000\n\n";

	c->soff = c->slen = 0;
	stream_start(w, c, rq);
	squeue(w, c, head, sizeof head - 1);
	c->ws = 0;
	c->state = C_SSE;
	w->ct.sse++;
	w->ct.requests++;
}

static void
start_ws(struct web *w, struct web_client *c, const struct web_req *rq)
{
	char acc[29], head[256];
	struct out o = { head, 0, sizeof head, 1 };

	if (!rq->conn_upgrade || rq->ws_version != 13 ||
	    web_ws_accept(rq->ws_key ? rq->ws_key : "", rq->ws_key_len,
	    acc) < 0) {
		c->keepalive = 0;
		w->ct.bad_requests++;
		respond(w, c, 400, "text/plain", (const unsigned char *)
		    "bad WebSocket handshake\n", 24, 1,
		    "Sec-WebSocket-Version: 13\r\n");
		return;
	}
	puts0(&o, "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"
	    "Connection: Upgrade\r\nSec-WebSocket-Accept: ");
	puts0(&o, acc);
	puts0(&o, "\r\n\r\n");
	c->soff = c->slen = 0;
	stream_start(w, c, rq);
	squeue(w, c, head, o.len);
	c->ws = 1;
	c->state = C_WS;
	c->ws_close_sent = 0;
	w->ct.ws++;
	w->ct.requests++;
}

static int
token_ok(const struct web *w, const struct web_req *rq)
{
	const char *t = w->cfg->token;
	size_t tl = strlen(t), i;
	unsigned diff = 0;

	if (rq->auth == NULL || rq->auth_len != tl + 7 ||
	    !ieq(rq->auth, 7, "bearer "))
		return 0;
	for (i = 0; i < tl; i++)	/* constant time in the content */
		diff |= (unsigned)(unsigned char)rq->auth[7 + i] ^
		    (unsigned char)t[i];
	return diff == 0;
}

/* POST /track body: "track=..." (form encoded) or the list itself. */
static void
do_track(struct web *w, struct web_client *c, char *b, size_t n)
{
	size_t i, o = 0;
	char resp[WEB_TRACK_MAX + 64];
	struct out r = { resp, 0, sizeof resp, 1 };

	if (n >= 6 && memcmp(b, "track=", 6) == 0) {
		for (i = 6; i < n; i++) {
			int hi, lo;

			if (b[i] == '+') {
				b[o++] = ' ';
			} else if (b[i] == '%' && i + 2 < n &&
			    (hi = hexval((unsigned char)b[i + 1])) >= 0 &&
			    (lo = hexval((unsigned char)b[i + 2])) >= 0) {
				b[o++] = (char)(hi << 4 | lo);
				i += 2;
			} else if (b[i] == '&') {
				break;
			} else {
				b[o++] = b[i];
			}
		}
		n = o;
	}
	while (n && (b[n - 1] == '\n' || b[n - 1] == '\r' || b[n - 1] == ' '))
		n--;
	for (i = 0; i < n; i++)
		if ((unsigned char)b[i] < 0x20 || b[i] == 0x7f)
			break;
	if (n == 0 || i < n || n > WEB_TRACK_MAX) {
		respond_text(w, c, 400, "bad keyword list\n");
		return;
	}
	b[n] = '\0';
	if (w->cfg->on_track && w->cfg->on_track(w->cfg->arg, b, n) < 0) {
		respond_text(w, c, 400, "keyword list refused\n");
		return;
	}
	w->ct.tracks++;
	puts0(&r, "{\"track\":\"");
	put_jstr(&r, b, n, 0, WEB_TRACK_MAX);
	puts0(&r, "\"}");
	respond(w, c, 200, "application/json", (const unsigned char *)resp,
	    r.len, 1, NULL);
}

static int
path_is(const struct web_req *rq, const char *path)
{
	size_t n = 0;

	while (n < rq->target_len && rq->target[n] != '?')
		n++;
	return n == strlen(path) && memcmp(rq->target, path, n) == 0;
}

/* A complete request is in rbuf (head + body): answer it. */
static void
dispatch(struct web *w, struct web_client *c, const struct web_req *rq)
{
	int get = rq->method_len == 3 && memcmp(rq->method, "GET", 3) == 0;
	int head = rq->method_len == 4 && memcmp(rq->method, "HEAD", 4) == 0;
	int post = rq->method_len == 4 && memcmp(rq->method, "POST", 4) == 0;
	char sj[WEB_STATS_MAX + 256];
	size_t sl;

	c->head_only = head;
	c->keepalive = rq->minor >= 1 ? !rq->conn_close : rq->conn_keepalive;
	c->http10 = rq->minor == 0;
	if (path_is(rq, "/track")) {
		if (!post) {
			respond(w, c, 405, "text/plain",
			    (const unsigned char *)"POST only\n", 10, 1,
			    "Allow: POST\r\n");
		} else if (w->cfg->token == NULL) {
			respond_text(w, c, 404, "/track is disabled\n");
		} else if (!token_ok(w, rq)) {
			respond_text(w, c, 403, "wrong or missing token\n");
		} else {
			do_track(w, c, (char *)c->rbuf + rq->head_len,
			    (size_t)rq->content_length);
		}
		return;
	}
	if (!get && !head) {
		respond(w, c, 405, "text/plain", (const unsigned char *)
		    "GET or HEAD\n", 12, 1, "Allow: GET, HEAD\r\n");
		return;
	}
	if (path_is(rq, "/") || path_is(rq, "/index.html")) {
		respond(w, c, 200, "text/html; charset=utf-8", web_page,
		    web_page_len, 0, "Content-Security-Policy: default-src "
		    "'self'; script-src 'unsafe-inline'; style-src "
		    "'unsafe-inline'\r\n");
	} else if (path_is(rq, "/coast.bin")) {
		respond(w, c, 200, "application/octet-stream", web_coast,
		    web_coast_len, 0, NULL);
	} else if (path_is(rq, "/stats")) {
		sl = stats_json(w, sj, sizeof sj);
		respond(w, c, 200, "application/json", (const unsigned char *)
		    sj, sl, 1, NULL);
	} else if (path_is(rq, "/events") && get) {
		start_sse(w, c, rq);
	} else if (path_is(rq, "/ws") && get) {
		if (!rq->upgrade_ws) {
			respond_text(w, c, 426, "WebSocket only\n");
			return;
		}
		start_ws(w, c, rq);
	} else {
		respond_text(w, c, 404, "not found\n");
	}
}

/* Tries to parse a request from rbuf; answers it when complete. */
static void
client_request(struct web *w, struct web_client *c)
{
	struct web_req rq;
	int st = web_parse_request(&rq, (const char *)c->rbuf, c->rlen);

	if (st == 0)
		return;
	if (st < 0) {
		c->keepalive = 0;
		w->ct.bad_requests++;
		if (st == WEB_E_REQ_TOO_BIG)
			respond_text(w, c, 431, "request head too large\n");
		else if (st == WEB_E_REQ_VERSION)
			respond_text(w, c, 505, "HTTP/1.x only\n");
		else
			respond_text(w, c, 400, "bad request\n");
		return;
	}
	if (rq.chunked) {
		c->keepalive = 0;
		w->ct.bad_requests++;
		respond_text(w, c, 411, "Content-Length required\n");
		return;
	}
	if (rq.content_length > WEB_RECV_MAX - rq.head_len) {
		c->keepalive = 0;
		w->ct.bad_requests++;
		respond_text(w, c, 413, "request body too large\n");
		return;
	}
	c->need = rq.head_len + (size_t)rq.content_length;
	if (c->rlen < c->need) {
		c->state = C_BODY;
		return;
	}
	dispatch(w, c, &rq);
	/* keep what follows (a pipelined request) for after the answer */
	if (c->state == C_RESP) {
		memmove(c->rbuf, c->rbuf + c->need, c->rlen - c->need);
		c->rlen -= c->need;
	} else {
		c->rlen = 0;
	}
	c->need = 0;
}

/* WebSocket frames from the client (masked): ping, pong, close; data
 * frames are read and ignored. */
static void
ws_input(struct web *w, struct web_client *c)
{
	size_t i = 0;

	while (c->rlen - i >= 2) {
		const unsigned char *p = c->rbuf + i;
		unsigned op = p[0] & 15;
		uint64_t len = p[1] & 127;
		size_t h = 2, k;
		unsigned char pl[125], fr[130];

		if (!(p[1] & 0x80)) {		/* clients MUST mask */
			client_close(w, c);
			return;
		}
		if (len == 126) {
			if (c->rlen - i < 4)
				break;
			len = (uint64_t)p[2] << 8 | p[3];
			h = 4;
		} else if (len == 127) {
			client_close(w, c);	/* far too big for us */
			return;
		}
		if (len > WEB_RECV_MAX - h - 4) {
			client_close(w, c);
			return;
		}
		if (c->rlen - i < h + 4 + len)
			break;
		if (op >= 8) {
			if (len > 125) {
				client_close(w, c);
				return;
			}
			for (k = 0; k < len; k++)
				pl[k] = p[h + 4 + k] ^ p[h + (k & 3)];
			if (op == 9) {
				k = web_ws_frame(fr, sizeof fr, 10, pl,
				    (size_t)len);
				if (squeue(w, c, fr, k) < 0) {
					w->ct.dropped_slow++;
					client_close(w, c);
					return;
				}
			} else if (op == 8) {
				if (!c->ws_close_sent) {
					k = web_ws_frame(fr, sizeof fr, 8, pl,
					    len >= 2 ? 2 : 0);
					squeue(w, c, fr, k);
					c->ws_close_sent = 1;
				}
				w->ct.ws--;
				c->state = C_CLOSING;
				c->rlen = 0;
				return;
			}
		}
		i += h + 4 + (size_t)len;
	}
	memmove(c->rbuf, c->rbuf + i, c->rlen - i);
	c->rlen -= i;
}

static void
client_read(struct web *w, struct web_client *c, int64_t now)
{
	ssize_t r;
	unsigned char junk[512];

	if (c->state == C_SSE || c->state == C_CLOSING) {
		/* nothing expected: detect the close, discard the rest */
		r = read(c->fd, junk, sizeof junk);
		if (r == 0 || (r < 0 && errno != EAGAIN && errno != EINTR &&
		    errno != EWOULDBLOCK))
			client_close(w, c);
		return;
	}
	if (c->rlen >= WEB_RECV_MAX) {
		if (c->state == C_HEAD || c->state == C_BODY)
			client_request(w, c);
		return;
	}
	r = read(c->fd, c->rbuf + c->rlen, WEB_RECV_MAX - c->rlen);
	if (r == 0 || (r < 0 && errno != EAGAIN && errno != EINTR &&
	    errno != EWOULDBLOCK)) {
		client_close(w, c);
		return;
	}
	if (r < 0)
		return;
	c->rlen += (size_t)r;
	c->t_last = now;
	if (c->state == C_WS)
		ws_input(w, c);
	else if (c->state == C_HEAD || (c->state == C_BODY &&
	    c->rlen >= c->need))
		client_request(w, c);
}

/* Moves c's ring cursor on by k bytes sent. */
static void
cursor_advance(struct web *w, struct web_client *c, size_t k)
{
	while (k > 0) {
		const struct web_ev *e = ring_get(w, c->next);
		size_t rest;

		if (e == NULL)
			return;		/* cannot happen: it was just sent */
		rest = ev_size(w, c, e) - c->part;
		if (k < rest) {
			c->part += k;
			return;
		}
		k -= rest;
		c->next++;
		c->part = 0;
	}
}

/* Adds ring event e, from byte skip of its framed form on c's
 * connection, to the iovec; hb is 4 bytes of header scratch. */
static int
iov_event(const struct web *w, const struct web_client *c,
    const struct web_ev *e, size_t skip, struct iovec *iov, int k,
    unsigned char *hb)
{
	const unsigned char *j;
	size_t n, h;

	if (!c->ws) {
		iov[k].iov_base = w->cfg->ringbuf + e->off + skip;
		iov[k].iov_len = e->len - skip;
		return k + 1;
	}
	j = ev_json(w, e, &n);
	h = ws_hdr(hb, n);
	if (skip < h) {
		iov[k].iov_base = hb + skip;
		iov[k].iov_len = h - skip;
		k++;
		skip = h;
	}
	iov[k].iov_base = (void *)(j + (skip - h));
	iov[k].iov_len = n - (skip - h);
	return k + 1;
}

/* Adds c's whole ring events from number n on (at most WEB_IOV_EVENTS for
 * WebSocket, whose frames need a header each).  SSE events lie back to
 * back in the ring: one piece, or two when the ring wrapped between. */
static int
iov_events(const struct web *w, const struct web_client *c, uint64_t n,
    struct iovec *iov, int k, unsigned char (*hb)[4], uint64_t *upto)
{
	const struct web_ev *a, *b;
	int i;

	if (n > w->last || (a = ring_get((struct web *)w, n)) == NULL ||
	    (b = ring_get((struct web *)w, w->last)) == NULL)
		return k;
	if (c->ws) {
		for (i = 0; i < WEB_IOV_EVENTS && n <= w->last; i++, n++) {
			a = ring_get((struct web *)w, n);
			k = iov_event(w, c, a, 0, iov, k, hb[i]);
			*upto = n;
		}
		return k;
	}
	*upto = w->last;
	iov[k].iov_base = w->cfg->ringbuf + a->off;
	if (b->off >= a->off) {
		iov[k].iov_len = b->off + b->len - a->off;
		return k + 1;
	}
	iov[k].iov_len = w->rb_wrap - a->off;
	iov[k + 1].iov_base = w->cfg->ringbuf;
	iov[k + 1].iov_len = b->off + b->len;
	return k + 2;
}

static size_t
min_sz(size_t a, size_t b)
{
	return a < b ? a : b;
}

/* Writes what c has pending, in one writev() per round: the rest of a
 * partly sent event, then its own buffer (heads, answers, stats, pong,
 * close: only ever between events), then the static body or the ring
 * events after its cursor.  Stops at a short write (the socket is full:
 * c->blocked, wait for POLLOUT). */
static void
client_write(struct web *w, struct web_client *c, int64_t now)
{
	struct iovec iov[2 * WEB_IOV_EVENTS + 6];
	unsigned char hb[WEB_IOV_EVENTS + 1][4];
	struct msghdr mh;
	size_t first, sb, bd, total, r, k;
	uint64_t upto;
	ssize_t got;
	int n, whole;

	c->wnow = 0;
	for (;;) {
		const struct web_ev *e;

		if (client_lost(w, c))
			return;
		n = 0;
		first = sb = bd = 0;
		upto = 0;	/* the last ring event in the iovec */
		if (ring_pending(w, c) && c->part > 0 &&
		    (e = ring_get(w, c->next)) != NULL) {
			upto = c->next;
			n = iov_event(w, c, e, c->part, iov, n,
			    hb[WEB_IOV_EVENTS]);
			for (k = 0; k < (size_t)n; k++)
				first += iov[k].iov_len;
		}
		if (c->soff < c->slen) {
			iov[n].iov_base = c->sbuf + c->soff;
			iov[n++].iov_len = sb = c->slen - c->soff;
		}
		if (ring_pending(w, c) && streaming(c)) {
			k = (size_t)n;
			n = iov_events(w, c, c->next + (first > 0), iov, n,
			    hb, &upto);
			for (; k < (size_t)n; k++)
				bd += iov[k].iov_len;
		} else if (c->body_off < c->body_len) {
			iov[n].iov_base = (void *)(c->body + c->body_off);
			iov[n++].iov_len = bd = c->body_len - c->body_off;
		}
		total = first + sb + bd;
		if (total == 0)
			break;
		memset(&mh, 0, sizeof mh);
		mh.msg_iov = iov;
		mh.msg_iovlen = (size_t)n;
		got = sendmsg(c->fd, &mh, MSG_NOSIGNAL);	/* a writev */
		if (got < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				c->blocked = 1;
			else
				client_close(w, c);
			return;
		}
		r = (size_t)got;
		c->t_last = now;
		/* all of it sent (the usual case): the cursor jumps */
		whole = r == total;
		k = min_sz(r, first);
		if (!whole)
			cursor_advance(w, c, k);
		r -= k;
		k = min_sz(r, sb);
		c->soff += k;
		if (c->soff == c->slen)
			c->soff = c->slen = 0;
		r -= k;
		if (!streaming(c))
			c->body_off += r;
		else if (!whole)
			cursor_advance(w, c, r);
		if (whole && upto) {
			c->next = upto + 1;
			c->part = 0;
		}
		if (!whole) {
			c->blocked = 1;		/* the socket is full */
			return;
		}
		c->blocked = 0;
	}
	c->blocked = 0;
	/* all sent */
	if (c->state == C_RESP) {
		c->body = NULL;
		c->body_len = c->body_off = 0;
		if (!c->keepalive) {
			client_close(w, c);
			return;
		}
		c->state = C_HEAD;
		if (c->rlen)
			client_request(w, c);
	} else if (c->state == C_CLOSING) {
		client_close(w, c);
	}
}

static void
do_accept(struct web *w, int64_t now)
{
	int k;

	for (k = 0; k < WEB_ACCEPT_BURST; k++) {
		struct web_client *c = NULL;
		unsigned i;
		int fd = accept(w->lfd, NULL, NULL);

		if (fd < 0)
			return;
		for (i = 0; i < w->cfg->max_clients; i++)
			if (w->cfg->clients[i].fd < 0) {
				c = &w->cfg->clients[i];
				break;
			}
		if (c == NULL) {
			static const char busy[] = "HTTP/1.1 503 Service "
			    "Unavailable\r\nContent-Length: 0\r\n"
			    "Connection: close\r\nRetry-After: 5\r\n\r\n";

			fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
			/* best effort: the client may see a reset instead */
			(void)!send(fd, busy, sizeof busy - 1, MSG_NOSIGNAL);
			close(fd);
			w->ct.refused++;
			continue;
		}
		fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
		fcntl(fd, F_SETFD, FD_CLOEXEC);
		if (w->cfg->sock_sndbuf > 0)
			setsockopt(fd, SOL_SOCKET, SO_SNDBUF,
			    &w->cfg->sock_sndbuf, sizeof w->cfg->sock_sndbuf);
		c->fd = fd;
		c->state = C_HEAD;
		c->pidx = -1;
		c->rlen = c->need = 0;
		c->soff = c->slen = 0;
		c->body = NULL;
		c->body_len = c->body_off = 0;
		c->keepalive = c->head_only = 0;
		c->ws = c->wnow = c->blocked = 0;
		c->next = 0;
		c->part = 0;
		c->t_last = now;
		w->ct.accepted++;
		w->ct.clients++;
	}
}

static void
send_stats(struct web *w)
{
	char sj[WEB_STATS_MAX + 256], sse[WEB_STATS_MAX + 320];
	char wj[WEB_STATS_MAX + 320];
	unsigned char ws[WEB_STATS_MAX + 340];
	size_t sl = stats_json(w, sj, sizeof sj), ks, kw;
	struct out o = { wj, 0, sizeof wj, 1 };
	unsigned i;

	if (sl == 0 || w->ct.sse + w->ct.ws == 0)
		return;
	ks = web_sse_frame(sse, sizeof sse, 0, "stats", sj, sl);
	puts0(&o, "{\"stats\":");	/* WebSocket: {"stats":{...}} */
	put(&o, sj, sl);
	puts0(&o, "}");
	kw = o.ok ? web_ws_frame(ws, sizeof ws, 1, (unsigned char *)wj,
	    o.len) : 0;
	for (i = 0; i < w->cfg->max_clients; i++) {
		struct web_client *c = &w->cfg->clients[i];
		size_t k = c->ws ? kw : ks;

		if (c->fd < 0 || !streaming(c) || k == 0)
			continue;
		/* skipped when its buffer is full */
		(void)squeue(w, c, c->ws ? (const void *)ws : sse, k);
	}
}

int
web_split_listen(const char *s, char *addr, size_t acap, char *port,
    size_t pcap)
{
	const char *colon = strrchr(s, ':'), *a = s, *p = s;
	size_t al = 0, pl, i;
	unsigned long v = 0;

	if (colon) {
		p = colon + 1;
		al = (size_t)(colon - s);
		if (al >= 2 && s[0] == '[' && s[al - 1] == ']') {
			a = s + 1;
			al -= 2;
		} else if (memchr(s, ':', al) != NULL || memchr(s, '[', al) ||
		    memchr(s, ']', al)) {
			return WEB_E_ADDR;	/* bare IPv6 needs brackets */
		}
		if (al == 0)
			return WEB_E_ADDR;
	}
	pl = strlen(p);
	if (pl == 0 || pl > 5)
		return WEB_E_ADDR;
	for (i = 0; i < pl; i++) {
		if (p[i] < '0' || p[i] > '9')
			return WEB_E_ADDR;
		v = v * 10 + (unsigned long)(p[i] - '0');
	}
	if (v > 65535)
		return WEB_E_ADDR;
	for (i = 0; i < al; i++)
		if ((unsigned char)a[i] <= 0x20 || (unsigned char)a[i] >= 0x7f)
			return WEB_E_ADDR;
	if (al + 1 > acap || pl + 1 > pcap)
		return WEB_E_TOO_SMALL;
	memcpy(addr, a, al);
	addr[al] = '\0';
	memcpy(port, p, pl + 1);
	return 0;
}

/* ---- API ----------------------------------------------------------------- */

/* The feed's bucket: cfg.max_rate events per second, holding one second's
 * worth, counted in thousandths of an event so that each millisecond adds
 * max_rate.  It fills here, with the loop's clock (web_poll_fds and
 * web_step), so that web_take(), asked for every message, reads no
 * clock. */
static void
rate_fill(struct web *w, int64_t now)
{
	uint64_t rate = w->cfg->max_rate, full = rate * 1000;

	if (now <= w->t_rate)
		return;
	w->rate_credit += (uint64_t)(now - w->t_rate) * rate;
	if (w->rate_credit > full)
		w->rate_credit = full;
	w->t_rate = now;
}

int
web_init(struct web *w, const struct web_cfg *cfg)
{
	struct addrinfo hints, *ai = NULL, *a;
	struct sockaddr_storage ss;
	socklen_t sl = sizeof ss;
	unsigned i;
	int one = 1, st = 0;

	memset(w, 0, sizeof *w);
	w->lfd = -1;
	w->cfg = cfg;
	if (cfg->clients == NULL || cfg->max_clients == 0 ||
	    cfg->sendbuf == NULL || cfg->sendbuf_size < WEB_SENDBUF_MIN ||
	    cfg->ring == NULL || cfg->ring_events == 0 ||
	    cfg->ringbuf == NULL || cfg->ringbuf_size < WEB_RINGBUF_MIN ||
	    cfg->ringbuf_size > 0xffffffffu || cfg->port == NULL)
		return WEB_E_CONFIG;
	for (i = 0; i < cfg->max_clients; i++) {
		memset(&cfg->clients[i], 0, sizeof cfg->clients[i]);
		cfg->clients[i].fd = -1;
		cfg->clients[i].sbuf = cfg->sendbuf + (size_t)i *
		    cfg->sendbuf_size;
	}
	for (i = 0; i < cfg->ring_events; i++)
		cfg->ring[i].n = 0;
	w->oldest = 1;
	w->stats_len = 0;
	w->t_rate = now_ms();
	w->rate_credit = (uint64_t)cfg->max_rate * 1000;
	/* flush well before the ring turns over */
	w->flush_bytes = cfg->ringbuf_size / 4 < WEB_FLUSH_BYTES ?
	    cfg->ringbuf_size / 4 : WEB_FLUSH_BYTES;
	memset(&hints, 0, sizeof hints);
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_PASSIVE;
	if (getaddrinfo(cfg->addr && cfg->addr[0] ? cfg->addr : "0.0.0.0",
	    cfg->port, &hints, &ai) != 0)
		return WEB_E_ADDR;
	st = WEB_E_SOCKET;
	for (a = ai; a; a = a->ai_next) {
		w->lfd = socket(a->ai_family, a->ai_socktype, a->ai_protocol);
		if (w->lfd < 0)
			continue;
		setsockopt(w->lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
		if (bind(w->lfd, a->ai_addr, a->ai_addrlen) == 0)
			break;
		st = WEB_E_BIND;
		close(w->lfd);
		w->lfd = -1;
	}
	freeaddrinfo(ai);
	if (w->lfd < 0)
		return st;
	if (listen(w->lfd, 64) < 0) {
		close(w->lfd);
		w->lfd = -1;
		return WEB_E_LISTEN;
	}
	fcntl(w->lfd, F_SETFL, fcntl(w->lfd, F_GETFL) | O_NONBLOCK);
	fcntl(w->lfd, F_SETFD, FD_CLOEXEC);
	if (getsockname(w->lfd, (struct sockaddr *)&ss, &sl) == 0) {
		if (ss.ss_family == AF_INET)
			w->port = ntohs(((struct sockaddr_in *)&ss)->sin_port);
		else if (ss.ss_family == AF_INET6)
			w->port = ntohs(((struct sockaddr_in6 *)&ss)->
			    sin6_port);
	}
	w->t_stats = now_ms() + WEB_STATS_MS;
	return 0;
}

void
web_close(struct web *w)
{
	unsigned i;

	if (w->cfg == NULL)
		return;
	for (i = 0; i < w->cfg->max_clients; i++) {
		struct web_client *c = &w->cfg->clients[i];

		/* what fits in the socket now goes out; nothing waits */
		if (c->fd >= 0 && streaming(c) && !c->blocked)
			client_write(w, c, now_ms());
		client_close(w, c);
	}
	if (w->lfd >= 0)
		close(w->lfd);
	w->lfd = -1;
}

static int64_t
client_deadline(const struct web_client *c)
{
	if (c->state == C_HEAD)
		return c->t_last + (c->rlen ? WEB_HEAD_MS : WEB_IDLE_MS);
	if (c->state == C_BODY)
		return c->t_last + WEB_HEAD_MS;
	if (c->state == C_RESP || c->state == C_CLOSING)
		return c->t_last + WEB_IDLE_MS;
	return -1;	/* streaming: kept while it reads */
}

void
web_poll_fds(struct web *w, struct pollfd *fds, int cap, int *n,
    int *timeout_ms)
{
	int64_t now = now_ms(), next = w->t_stats, d;
	unsigned i;
	int k = 0;

	rate_fill(w, now);
	if (w->lfd >= 0 && k < cap) {
		fds[k].fd = w->lfd;
		fds[k].events = POLLIN;
		fds[k].revents = 0;
		k++;
	}
	if (w->t_flush) {
		d = w->unflushed >= w->flush_bytes ? now : w->t_flush;
		if (d < next)
			next = d;
	}
	for (i = 0; i < w->cfg->max_clients; i++) {
		struct web_client *c = &w->cfg->clients[i];
		short ev = 0;

		c->pidx = -1;
		if (c->fd < 0 || client_lost(w, c))
			continue;
		/* A viewer is polled for POLLOUT only once its socket was
		 * found full; else it is written when the next flush is due
		 * (web_publish set the deadline) or at once for wnow and
		 * queued answers. */
		if (c->blocked)
			ev |= POLLOUT;
		else if (c->wnow || c->soff < c->slen ||
		    c->body_off < c->body_len)
			next = now;
		/* SSE viewers send nothing: a closed one is found by the
		 * next write (a stats event goes out every second) */
		if (c->state != C_RESP && c->state != C_SSE)
			ev |= POLLIN;
		if ((d = client_deadline(c)) >= 0 && d < next)
			next = d;
		if (ev == 0 || k >= cap)
			continue;
		fds[k].fd = c->fd;
		fds[k].events = ev;
		fds[k].revents = 0;
		c->pidx = k++;
	}
	*n = k;
	d = next - now;
	if (d < 0)
		d = 0;
	if (d > 60000)
		d = 60000;
	if (*timeout_ms < 0 || d < *timeout_ms)
		*timeout_ms = (int)d;
}

void
web_step(struct web *w, const struct pollfd *fds, int n)
{
	int64_t now = now_ms(), d;
	unsigned i;
	int k, flush = 0;

	rate_fill(w, now);
	if (w->t_flush && (now >= w->t_flush ||
	    w->unflushed >= w->flush_bytes)) {
		flush = 1;
		w->t_flush = 0;
		w->unflushed = 0;
	}
	if (now >= w->t_stats) {
		send_stats(w);
		w->t_stats = now + WEB_STATS_MS;
	}
	for (i = 0; i < w->cfg->max_clients; i++) {
		struct web_client *c = &w->cfg->clients[i];
		short re = 0;

		if (c->fd < 0)
			continue;
		if (c->pidx >= 0 && c->pidx < n && fds[c->pidx].fd == c->fd)
			re = fds[c->pidx].revents;
		c->pidx = -1;
		if (re & POLLNVAL) {
			client_close(w, c);
			continue;
		}
		if (re & (POLLIN | POLLHUP | POLLERR))
			client_read(w, c, now);
		if (c->fd < 0)
			continue;
		if ((re & (POLLOUT | POLLERR)) || (!c->blocked && (c->wnow ||
		    c->soff < c->slen || c->body_off < c->body_len ||
		    (flush && ring_pending(w, c)))))
			client_write(w, c, now);
	}
	for (k = 0; k < n; k++)
		if (fds[k].fd == w->lfd && w->lfd >= 0 &&
		    (fds[k].revents & POLLIN))
			do_accept(w, now);
	for (i = 0; i < w->cfg->max_clients; i++) {
		struct web_client *c = &w->cfg->clients[i];

		if (c->fd >= 0 && (d = client_deadline(c)) >= 0 && d <= now)
			client_close(w, c);
	}
}

int
web_take(struct web *w)
{
	if (w->cfg->max_rate == 0)
		return 1;
	if (w->rate_credit < 1000)
		return 0;
	w->rate_credit -= 1000;
	return 1;
}

void
web_skip(struct web *w)
{
	w->ct.skipped++;
}

int64_t
web_publish(struct web *w, const char *msg, size_t len,
    const struct web_item *it)
{
	static const struct web_item empty;
	size_t n;

	(void)msg;
	(void)len;
	if (web_format_item(it ? it : &empty, w->last + 1, w->ev,
	    sizeof w->ev, &n) < 0 &&
	    web_format_item(&empty, w->last + 1, w->ev, sizeof w->ev,
	    &n) < 0)
		return WEB_E_TOO_SMALL;
	n = ring_put(w, w->ev, n);
	w->ct.published++;
	/* no viewer is touched here: they are written at the next flush */
	if (w->ct.sse + w->ct.ws > 0) {
		w->unflushed += n;
		if (w->t_flush == 0)
			w->t_flush = now_ms() + WEB_FLUSH_MS;
	}
	return (int64_t)w->last;
}

void
web_stats(struct web *w, const char *json, size_t len)
{
	if (len > WEB_STATS_MAX - 128 || len < 2 || json[0] != '{' ||
	    json[len - 1] != '}') {
		w->stats_len = 0;
		return;
	}
	memcpy(w->stats, json, len);
	w->stats_len = len;
}
