/* Tests for web.c: request parsing (every prefix, bad-input table with the
 * exact error), the RFC 6455 accept key, SSE and WebSocket framing, JSON
 * escaping of projections, the replay ring, and requests answered by a
 * server in this process over loopback.  MIT licensed, see LICENSE. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <unistd.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include "t.h"
#include "web.h"

/* ---- request parser ---- */

struct rvec {
	const char *name;
	const char *in;
};

static const struct rvec good_req[] = {
	{ "simple", "GET / HTTP/1.1\r\nHost: x\r\n\r\n" },
	{ "lf_only", "GET /stats HTTP/1.1\nHost: x\n\n" },
	{ "leading_crlf", "\r\nGET / HTTP/1.0\r\n\r\n" },
	{ "ws", "GET /ws?n=5 HTTP/1.1\r\nHost: h\r\nUpgrade: WebSocket\r\n"
	    "Connection: keep-alive, Upgrade\r\n"
	    "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
	    "Sec-WebSocket-Version: 13\r\n\r\n" },
	{ "sse_resume", "GET /events HTTP/1.1\r\nLast-Event-ID:  42 \r\n"
	    "Accept: text/event-stream\r\n\r\n" },
	{ "post", "POST /track HTTP/1.1\r\nContent-Length: 7\r\n"
	    "Authorization: Bearer t0k\r\ncontent-length: 7\r\n\r\nrust,go" },
	{ "close", "GET / HTTP/1.1\r\nConnection: close\r\n\r\n" },
	{ "empty_value", "GET / HTTP/1.1\r\nX-Empty:\r\n\r\n" },
};

static int
req_good(void)
{
	size_t i, k, n;
	struct web_req rq;

	for (i = 0; i < sizeof good_req / sizeof good_req[0]; i++) {
		const char *s = good_req[i].in;
		size_t body = strcmp(good_req[i].name, "post") == 0 ? 7 : 0;

		n = strlen(s);
		/* every prefix of the head: need more, never an error */
		for (k = 0; k < n - body; k++)
			check(web_parse_request(&rq, s, k) == 0);
		check(web_parse_request(&rq, s, n) == WEB_REQ_DONE);
		check(rq.head_len == n - body);
	}
	check(web_parse_request(&rq, good_req[0].in, strlen(good_req[0].in))
	    == WEB_REQ_DONE);
	check(rq.method_len == 3 && memcmp(rq.method, "GET", 3) == 0);
	check(rq.target_len == 1 && rq.target[0] == '/');
	check(rq.minor == 1 && !rq.conn_close && !rq.has_cl);
	check(web_parse_request(&rq, good_req[3].in, strlen(good_req[3].in))
	    == WEB_REQ_DONE);
	check(rq.upgrade_ws && rq.conn_upgrade && rq.conn_keepalive);
	check(rq.ws_version == 13 && rq.ws_key_len == 24);
	check(memcmp(rq.ws_key, "dGhlIHNhbXBsZSBub25jZQ==", 24) == 0);
	check(rq.target_len == 7 && memcmp(rq.target, "/ws?n=5", 7) == 0);
	check(web_parse_request(&rq, good_req[4].in, strlen(good_req[4].in))
	    == WEB_REQ_DONE);
	check(rq.last_id_len == 2 && memcmp(rq.last_id, "42", 2) == 0);
	check(web_parse_request(&rq, good_req[5].in, strlen(good_req[5].in))
	    == WEB_REQ_DONE);
	check(rq.has_cl && rq.content_length == 7);
	check(rq.auth_len == 10 && memcmp(rq.auth, "Bearer t0k", 10) == 0);
	check(web_parse_request(&rq, good_req[2].in, strlen(good_req[2].in))
	    == WEB_REQ_DONE);
	check(rq.minor == 0);
	check(web_parse_request(&rq, good_req[6].in, strlen(good_req[6].in))
	    == WEB_REQ_DONE);
	check(rq.conn_close);
	return 0;
}

struct rbad {
	const char *name;
	const char *in;
	int err;
};

static const struct rbad bad_req[] = {
	{ "no_target", "GET HTTP/1.1\r\n\r\n", WEB_E_REQ },
	{ "two_spaces", "GET  / HTTP/1.1\r\n\r\n", WEB_E_REQ },
	{ "no_version", "GET /\r\n\r\n", WEB_E_REQ },
	{ "http2", "GET / HTTP/2.0\r\n\r\n", WEB_E_REQ_VERSION },
	{ "bad_proto", "GET / HTTX/1.1\r\n\r\n", WEB_E_REQ },
	{ "ctl_in_target", "GET /\001 HTTP/1.1\r\n\r\n", WEB_E_REQ },
	{ "bare_cr", "GET / HTTP/1.1\rHost: x\r\n\r\n", WEB_E_REQ },
	{ "obs_fold", "GET / HTTP/1.1\r\nA: b\r\n c\r\n\r\n", WEB_E_REQ },
	{ "no_colon", "GET / HTTP/1.1\r\nHost x\r\n\r\n", WEB_E_REQ },
	{ "space_in_name", "GET / HTTP/1.1\r\nHo st: x\r\n\r\n", WEB_E_REQ },
	{ "ctl_in_value", "GET / HTTP/1.1\r\nA: b\001c\r\n\r\n", WEB_E_REQ },
	{ "cl_alpha", "POST / HTTP/1.1\r\nContent-Length: 1x\r\n\r\n",
	    WEB_E_REQ_CL },
	{ "cl_conflict", "POST / HTTP/1.1\r\nContent-Length: 1\r\n"
	    "Content-Length: 2\r\n\r\n", WEB_E_REQ_CL },
	{ "cl_huge", "POST / HTTP/1.1\r\nContent-Length: 99999999999999\r\n"
	    "\r\n", WEB_E_REQ_CL },
	{ "nul", "GET / HTTP/1.1\r\nA: \0\r\n\r\n", WEB_E_REQ },
};

static int
req_bad(void)
{
	size_t i;
	struct web_req rq;
	static char big[WEB_RECV_MAX + 10];

	for (i = 0; i < sizeof bad_req / sizeof bad_req[0]; i++) {
		const char *s = bad_req[i].in;
		size_t n = strlen(s);

		if (strcmp(bad_req[i].name, "nul") == 0)
			n = 24;
		if (web_parse_request(&rq, s, n) != bad_req[i].err) {
			printf("  bad vector %s: got %d\n", bad_req[i].name,
			    web_parse_request(&rq, s, n));
			check(0);
		}
	}
	/* a head that never ends */
	memcpy(big, "GET / HTTP/1.1\r\nX: ", 19);
	memset(big + 19, 'a', sizeof big - 19);
	check(web_parse_request(&rq, big, WEB_RECV_MAX - 1) == 0);
	check(web_parse_request(&rq, big, WEB_RECV_MAX) == WEB_E_REQ_TOO_BIG);
	return 0;
}

/* Random and mutated heads: never a crash, a result within the input. */
static int
req_random(void)
{
	static const char alpha[] = "GET /ab?HTP1.0:\r\n \t,;=-\001\377"
	    "Content-Length:5 Connection: close Upgrade websocket";
	char buf[600];
	struct web_req rq;
	size_t n, i, k;
	int st;

	for (k = 0; k < 20000; k++) {
		n = t_rand_below(sizeof buf);
		if (k & 1) {
			/* a good head with a few bytes changed */
			const char *g = good_req[t_rand_below(
			    sizeof good_req / sizeof good_req[0])].in;

			n = strlen(g);
			memcpy(buf, g, n);
			for (i = 0; i < 3; i++)
				buf[t_rand_below(n)] = (char)t_rand();
		} else {
			for (i = 0; i < n; i++)
				buf[i] = alpha[t_rand_below(sizeof alpha - 1)];
		}
		st = web_parse_request(&rq, buf, n);
		check(st == 0 || st == WEB_REQ_DONE || st == WEB_E_REQ ||
		    st == WEB_E_REQ_VERSION || st == WEB_E_REQ_CL);
		if (st == WEB_REQ_DONE) {
			check(rq.head_len <= n);
			check(rq.method + rq.method_len <= buf + n);
			check(rq.target + rq.target_len <= buf + n);
		}
	}
	return 0;
}

/* ---- WebSocket accept key, RFC 6455 section 1.3 ---- */

static int
ws_accept(void)
{
	char out[29];

	check(web_ws_accept("dGhlIHNhbXBsZSBub25jZQ==", 24, out) == 0);
	check(strcmp(out, "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=") == 0);
	check(web_ws_accept("dGhlIHNhbXBsZSBub25jZQ=", 23, out) ==
	    WEB_E_WS_KEY);
	check(web_ws_accept("dGhlIHNhbXBsZSBub25jZQ=a", 24, out) ==
	    WEB_E_WS_KEY);
	check(web_ws_accept("dGhlIHNhbXBsZSBub25j!Q==", 24, out) ==
	    WEB_E_WS_KEY);
	check(web_ws_accept("dGhlIHNhbXBsZSBub25jZR==", 24, out) ==
	    WEB_E_WS_KEY);	/* non-zero pad bits */
	check(web_ws_accept("AAAAAAAAAAAAAAAAAAAAAA==", 24, out) == 0);
	return 0;
}

static int
split_listen(void)
{
	static const struct { const char *in, *addr, *port; int st; } v[] = {
		{ "8080", "", "8080", 0 },
		{ "127.0.0.1:80", "127.0.0.1", "80", 0 },
		{ "[::1]:8080", "::1", "8080", 0 },
		{ "[::]:1", "::", "1", 0 },
		{ "localhost:65535", "localhost", "65535", 0 },
		{ "0", "", "0", 0 },
		{ "", NULL, NULL, WEB_E_ADDR },
		{ "host:", NULL, NULL, WEB_E_ADDR },
		{ ":80", NULL, NULL, WEB_E_ADDR },
		{ "::1:80", NULL, NULL, WEB_E_ADDR },
		{ "65536", NULL, NULL, WEB_E_ADDR },
		{ "123456", NULL, NULL, WEB_E_ADDR },
		{ "80x", NULL, NULL, WEB_E_ADDR },
		{ "-1", NULL, NULL, WEB_E_ADDR },
		{ "a b:80", NULL, NULL, WEB_E_ADDR },
		{ "[]:80", NULL, NULL, WEB_E_ADDR },
		{ "averyveryverylonghostname:80", NULL, NULL, WEB_E_TOO_SMALL },
	};
	char a[16], p[8];
	size_t i;

	for (i = 0; i < sizeof v / sizeof v[0]; i++) {
		int st = web_split_listen(v[i].in, a, sizeof a, p, sizeof p);

		if (st != v[i].st) {
			printf("  %s: got %d\n", v[i].in, st);
			check(0);
		}
		if (st == 0)
			check(strcmp(a, v[i].addr) == 0 &&
			    strcmp(p, v[i].port) == 0);
	}
	return 0;
}

/* ---- framing ---- */

static int
sse_frame(void)
{
	char out[128];
	size_t n;

	n = web_sse_frame(out, sizeof out, 7, NULL, "{\"a\":1}", 7);
	check(n == 21 && memcmp(out, "id: 7\ndata: {\"a\":1}\n\n", n) == 0);
	n = web_sse_frame(out, sizeof out, 0, "stats", "{}", 2);
	check(n == 23 && memcmp(out, "event: stats\ndata: {}\n\n", n) == 0);
	n = web_sse_frame(out, sizeof out, 18446744073709551615ULL, NULL,
	    "x", 1);
	check(n == 34 && memcmp(out, "id: 18446744073709551615\ndata: x\n\n",
	    n) == 0);
	check(web_sse_frame(out, 20, 7, NULL, "{\"a\":1}", 7) == 0);
	check(web_sse_frame(out, 21, 7, NULL, "{\"a\":1}", 7) == 21);
	return 0;
}

static int
ws_frame(void)
{
	static unsigned char in[70000], out[70020];
	size_t n;

	memset(in, 'x', sizeof in);
	n = web_ws_frame(out, sizeof out, 1, in, 0);
	check(n == 2 && out[0] == 0x81 && out[1] == 0);
	n = web_ws_frame(out, sizeof out, 1, in, 125);
	check(n == 127 && out[1] == 125);
	n = web_ws_frame(out, sizeof out, 1, in, 126);
	check(n == 130 && out[1] == 126 && out[2] == 0 && out[3] == 126);
	n = web_ws_frame(out, sizeof out, 10, in, 65535);
	check(n == 65539 && out[0] == 0x8a && out[2] == 0xff &&
	    out[3] == 0xff);
	n = web_ws_frame(out, sizeof out, 1, in, 65536);
	check(n == 65546 && out[1] == 127 && out[2] == 0 && out[7] == 1 &&
	    out[8] == 0 && out[9] == 0 && out[10] == 'x');
	check(web_ws_frame(out, 129, 1, in, 126) == 0);
	check(web_ws_frame(out, 1, 1, in, 0) == 0);
	return 0;
}

/* ---- projection JSON ---- */

static int
fmt(const struct web_item *it, uint64_t n, const char *want)
{
	static char out[WEB_EVENT_MAX];
	size_t len;

	if (web_format_item(it, n, out, sizeof out, &len) != 0)
		return 0;
	if (len != strlen(want) || memcmp(out, want, len) != 0) {
		printf("  got  %.*s\n  want %s\n", (int)len, out, want);
		return 0;
	}
	return 1;
}

#define S(x) x, sizeof x - 1

static int
escaping(void)
{
	struct web_item it;
	static char longtext[WEB_TEXT_MAX + 100];
	static char out[WEB_EVENT_MAX];
	size_t len, i;

	memset(&it, 0, sizeof it);
	check(fmt(&it, 1, "{\"n\":1}"));
	it.user = "u";
	it.user_len = 1;
	it.text = "<script>alert(1)</script>";
	it.text_len = strlen(it.text);
	check(fmt(&it, 2, "{\"n\":2,\"user\":\"u\",\"text\":"
	    "\"<script>alert(1)</script>\"}"));
	it.user = NULL;
	it.text = "a\"b\\c\nd\re\tf\001g\177";
	it.text_len = strlen(it.text);
	check(fmt(&it, 3, "{\"n\":3,\"text\":\"a\\\"b\\\\c\\u000ad\\u000d"
	    "e\\u0009f\\u0001g\\u007f\"}"));
	/* UTF-8 kept; invalid bytes, overlongs, surrogates -> U+FFFD */
	it.text = "caf\xc3\xa9 \xf0\x9f\x98\x80 \xff \xc0\xaf \xed\xa0\x80 "
	    "\xe2\x82";
	it.text_len = strlen(it.text);
	check(fmt(&it, 4, "{\"n\":4,\"text\":\"caf\xc3\xa9 \xf0\x9f\x98\x80 "
	    "\xef\xbf\xbd \xef\xbf\xbd\xef\xbf\xbd \xef\xbf\xbd\xef\xbf\xbd"
	    "\xef\xbf\xbd \xef\xbf\xbd\xef\xbf\xbd\"}"));
	/* already-escaped strings pass, broken ones are repaired */
	it.escaped = 1;
	it.text = "say \\\"hi\\\" \\u00e9\\n";
	it.text_len = strlen(it.text);
	check(fmt(&it, 5, "{\"n\":5,\"text\":\"say \\\"hi\\\" \\u00e9\\n\"}"));
	it.text = "bad \\x \" \\u12 end\\";
	it.text_len = strlen(it.text);
	check(fmt(&it, 6, "{\"n\":6,\"text\":\"bad \\\\x \\\" \\\\u12 end"
	    "\\\\\"}"));
	it.escaped = 0;
	/* coordinates */
	it.text = NULL;
	it.has_geo = 1;
	it.lon = -9.14;
	it.lat = 38.72;
	check(fmt(&it, 7, "{\"n\":7,\"lon\":-9.1400,\"lat\":38.7200}"));
	it.lon = 179.99996;
	it.lat = -0.00004;
	check(fmt(&it, 8, "{\"n\":8,\"lon\":180.0000,\"lat\":-0.0000}"));
	it.lon = 200;
	check(fmt(&it, 9, "{\"n\":9}"));
	it.has_geo = 0;
	/* long text: cut at WEB_TEXT_MAX on a character boundary */
	for (i = 0; i + 1 < sizeof longtext; i += 2) {
		longtext[i] = '\xc3';
		longtext[i + 1] = '\xa9';
	}
	it.text = longtext;
	it.text_len = sizeof longtext;
	check(web_format_item(&it, 1, out, sizeof out, &len) == 0);
	check(len == 17 + WEB_TEXT_MAX / 2 * 2);
	check((unsigned char)out[len - 3] == 0xa9);
	/* too small */
	check(web_format_item(&it, 1, out, 100, &len) == WEB_E_TOO_SMALL);
	return 0;
}

/* ---- a server in this process ---- */

static struct web_client clients[4];
static unsigned char sendbuf[4 * WEB_SENDBUF_MIN];
static struct web_ev ring[4];
static unsigned char ringbuf[WEB_RINGBUF_MIN];
static struct web srv;
static struct web_cfg cfg;
static char tracked[64];

static int
track_cb(void *arg, const char *kw, size_t len)
{
	(void)arg;
	if (len >= sizeof tracked || strcmp(kw, "no") == 0)
		return -1;
	memcpy(tracked, kw, len + 1);
	return 0;
}

static int
server(const char *token)
{
	memset(&cfg, 0, sizeof cfg);
	cfg.addr = "127.0.0.1";
	cfg.port = "0";
	cfg.token = token;
	cfg.on_track = track_cb;
	cfg.clients = clients;
	cfg.max_clients = 4;
	cfg.sendbuf = sendbuf;
	cfg.sendbuf_size = WEB_SENDBUF_MIN;
	cfg.ring = ring;
	cfg.ring_events = 4;
	cfg.ringbuf = ringbuf;
	cfg.ringbuf_size = sizeof ringbuf;
	return web_init(&srv, &cfg);
}

static void
spin(int rounds)
{
	struct pollfd fds[8];
	int n, t, i;

	for (i = 0; i < rounds; i++) {
		t = 5;
		web_poll_fds(&srv, fds, 8, &n, &t);
		poll(fds, (nfds_t)n, t > 5 ? 5 : t);
		web_step(&srv, fds, n);
	}
}

static void
spin0(void)
{
	struct pollfd fds[8];
	int n, t = 0;

	web_poll_fds(&srv, fds, 8, &n, &t);
	poll(fds, (nfds_t)n, 0);
	web_step(&srv, fds, n);
}

static int
connect_srv(void)
{
	struct sockaddr_in a;
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	memset(&a, 0, sizeof a);
	a.sin_family = AF_INET;
	a.sin_port = htons((unsigned short)web_port(&srv));
	a.sin_addr.s_addr = htonl(0x7f000001);
	if (connect(fd, (struct sockaddr *)&a, sizeof a) < 0)
		return -1;
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
	return fd;
}

/* Sends req on fd, runs the server, collects what comes back. */
static size_t
exchange(int fd, const char *req, size_t rn, char *out, size_t cap)
{
	size_t got = 0;
	int i;
	ssize_t r;

	if (rn && write(fd, req, rn) != (ssize_t)rn)
		return 0;
	for (i = 0; i < 40; i++) {
		spin(1);
		while (got < cap - 1 &&
		    (r = read(fd, out + got, cap - 1 - got)) > 0)
			got += (size_t)r;
	}
	out[got] = '\0';
	return got;
}

static int
endpoints(void)
{
	static char out[200000];
	size_t n;
	int fd;
	struct web_item it;
	const char *p;

	check(server("s3cret") == 0);
	check(web_port(&srv) > 0);
	web_stats(&srv, S("{\"received\":5}"));
	fd = connect_srv();
	check(fd >= 0);
	/* keep-alive: two requests, one connection; then a pipelined pair */
	n = exchange(fd, S("GET /stats HTTP/1.1\r\nHost: x\r\n\r\n"), out,
	    sizeof out);
	check(strstr(out, "HTTP/1.1 200 OK\r\n") == out);
	check(strstr(out, "\r\n\r\n{\"received\":5,\"web\":{\"published\":0"));
	check(strstr(out, "Connection: close") == NULL);
	n = exchange(fd, S("GET /nope HTTP/1.1\r\n\r\nGET / HTTP/1.1\r\n\r\n"),
	    out, sizeof out);
	check(strstr(out, "HTTP/1.1 404 Not Found\r\n") == out);
	p = strstr(out + 10, "HTTP/1.1 200 OK\r\n");
	check(p != NULL && strstr(p, "text/html") && strstr(p, "</html>"));
	check(n > 5000);
	/* HTTP/1.0 with keep-alive says so */
	n = exchange(fd, S("GET /stats HTTP/1.0\r\nConnection: keep-alive\r\n"
	    "\r\n"), out, sizeof out);
	check(strstr(out, "HTTP/1.1 200 OK\r\n") == out);
	check(strstr(out, "\r\nConnection: keep-alive\r\n"));
	/* HEAD: headers only */
	n = exchange(fd, S("HEAD / HTTP/1.1\r\n\r\n"), out, sizeof out);
	check(strstr(out, "HTTP/1.1 200 OK\r\n") == out);
	check(strstr(out, "<html") == NULL);
	/* /track: 403 without the token, 200 with it, 400 when refused */
	n = exchange(fd, S("POST /track HTTP/1.1\r\nContent-Length: 3\r\n\r\n"
	    "a,b"), out, sizeof out);
	check(strstr(out, "HTTP/1.1 403 ") == out);
	n = exchange(fd, S("POST /track HTTP/1.1\r\nContent-Length: 3\r\n"
	    "Authorization: Bearer s3creX\r\n\r\na,b"), out, sizeof out);
	check(strstr(out, "HTTP/1.1 403 ") == out);
	/* the body arriving later than the head */
	n = exchange(fd, S("POST /track HTTP/1.1\r\nContent-Length: 16\r\n"
	    "Authorization: Bearer s3cret\r\n\r\n"), out, sizeof out);
	check(n == 0);
	n = exchange(fd, S("track=rust%2Czig"), out, sizeof out);
	check(strstr(out, "HTTP/1.1 200 OK\r\n") == out);
	check(strcmp(tracked, "rust,zig") == 0);
	check(strstr(out, "{\"track\":\"rust,zig\"}"));
	n = exchange(fd, S("POST /track HTTP/1.1\r\nContent-Length: 2\r\n"
	    "Authorization: bearer s3cret\r\n\r\nno"), out, sizeof out);
	check(strstr(out, "HTTP/1.1 400 ") == out);
	n = exchange(fd, S("GET /track HTTP/1.1\r\n\r\n"), out, sizeof out);
	check(strstr(out, "HTTP/1.1 405 ") == out);
	/* a malformed request: 400 and close */
	n = exchange(fd, S("GET / HTTP/1.1\r\nbad header\r\n\r\n"), out,
	    sizeof out);
	check(strstr(out, "HTTP/1.1 400 ") == out);
	check(strstr(out, "Connection: close"));
	check(read(fd, out, 1) == 0);
	close(fd);

	/* SSE: ring of 4; resume from Last-Event-ID; ?n= */
	memset(&it, 0, sizeof it);
	for (n = 0; n < 6; n++) {
		it.text = "hello";
		it.text_len = 5;
		check(web_publish(&srv, NULL, 0, &it) == (int64_t)n + 1);
	}
	check(srv.oldest == 3 && srv.last == 6);
	fd = connect_srv();
	n = exchange(fd, S("GET /events HTTP/1.1\r\nLast-Event-ID: 4\r\n\r\n"),
	    out, sizeof out);
	check(strstr(out, "Content-Type: text/event-stream"));
	check(strstr(out, "id: 4\n") == NULL && strstr(out, "id: 5\ndata: "
	    "{\"n\":5,\"text\":\"hello\"}\n\n") && strstr(out, "id: 6\n"));
	check(srv.ct.sse == 1);
	web_publish(&srv, NULL, 0, &it);
	n = exchange(fd, NULL, 0, out, sizeof out);
	check(strcmp(out, "id: 7\ndata: {\"n\":7,\"text\":\"hello\"}"
	    "\n\n") == 0);
	close(fd);
	/* an SSE viewer is only polled to write: its close is found by the
	 * next write, the stats event within a second */
	for (n = 0; n < 400 && srv.ct.clients; n++)
		spin(1);
	check(srv.ct.sse == 0 && srv.ct.clients == 0);
	fd = connect_srv();
	n = exchange(fd, S("GET /events?n=2 HTTP/1.1\r\n\r\n"), out,
	    sizeof out);
	check(strstr(out, "id: 5\n") == NULL && strstr(out, "id: 6\n") &&
	    strstr(out, "id: 7\n"));
	close(fd);
	/* resume from before the ring: starts at the oldest, counted */
	fd = connect_srv();
	n = exchange(fd, S("GET /events HTTP/1.1\r\nLast-Event-ID: 1\r\n\r\n"),
	    out, sizeof out);
	check(strstr(out, "id: 3\n") == NULL && strstr(out, "id: 4\n"));
	check(srv.ct.gaps == 1);
	close(fd);
	spin(3);
	web_close(&srv);
	return 0;
}

/* cfg.max_rate: web_take() lets a burst of one second's worth pass, then
 * says no until the bucket fills again with time; 0 means no bound.
 * web_skip() counts, web_publish() numbers only what is published. */
static int
rate_bound(void)
{
	struct web_item it;
	struct timespec ts = { 0, 600000000 };	/* 0.6 s: 1.2 events */
	static char text[100];
	int k, taken;

	check(server(NULL) == 0);
	web_close(&srv);
	cfg.max_rate = 2;
	check(web_init(&srv, &cfg) == 0);
	memset(&it, 0, sizeof it);
	memset(text, 'x', sizeof text);
	it.text = text;
	it.text_len = 1;
	check(web_take(&srv) == 1);
	check(web_publish(&srv, NULL, 0, &it) == 1);
	check(web_take(&srv) == 1);
	check(web_publish(&srv, NULL, 0, &it) == 2);
	check(web_take(&srv) == 0);
	web_skip(&srv);
	check(web_take(&srv) == 0);
	web_skip(&srv);
	check(srv.ct.published == 2 && srv.ct.skipped == 2);
	check(srv.last == 2);
	nanosleep(&ts, NULL);
	check(web_take(&srv) == 0);	/* the loop has not run yet */
	spin(1);			/* the bucket fills as it runs */
	check(web_take(&srv) == 1);
	check(web_publish(&srv, NULL, 0, &it) == 3);
	check(web_take(&srv) == 0);
	web_close(&srv);
	/* 0: no bound */
	cfg.max_rate = 0;
	check(web_init(&srv, &cfg) == 0);
	for (k = taken = 0; k < 10000; k++)
		taken += web_take(&srv);
	check(taken == 10000);
	for (it.text_len = 0; it.text_len < sizeof text; it.text_len++)
		check(web_publish(&srv, NULL, 0, &it) ==
		    (int64_t)it.text_len + 1);
	check(srv.ct.skipped == 0);
	web_close(&srv);
	return 0;
}

static int
ring_bytes(void)
{
	struct web_item it;
	static char text[1500];
	size_t i;
	uint64_t k;

	check(server(NULL) == 0);
	memset(text, 'a', sizeof text);
	memset(&it, 0, sizeof it);
	it.text = text;
	/* ~1.5 KB events in a 4 KiB ring: two fit, a third wraps */
	for (k = 1; k <= 20; k++) {
		it.text_len = 500 + (size_t)(k * 97 % 1000);
		check(web_publish(&srv, NULL, 0, &it) == (int64_t)k);
		check(srv.last == k && srv.oldest <= k);
		check(srv.last - srv.oldest < 4);
		/* every event still in the ring is intact and in place */
		for (i = (size_t)srv.oldest; i <= k; i++) {
			struct web_ev *e = &ring[i % 4];

			check(e->n == i);
			check(e->off + e->len <= sizeof ringbuf);
			/* stored framed for SSE, once for every viewer */
			check(memcmp(ringbuf + e->off, "id: ", 4) == 0);
			check(memcmp(ringbuf + e->off + e->len - 3, "}\n\n",
			    3) == 0);
		}
		for (i = (size_t)srv.oldest; i < k; i++) {
			struct web_ev *a = &ring[i % 4], *b = &ring[k % 4];

			check(a->off + a->len <= b->off ||
			    b->off + b->len <= a->off);
		}
	}
	web_close(&srv);
	cfg.sendbuf_size = 10;
	check(web_init(&srv, &cfg) == WEB_E_CONFIG);
	cfg.sendbuf_size = WEB_SENDBUF_MIN;
	cfg.ringbuf_size = 100;
	check(web_init(&srv, &cfg) == WEB_E_CONFIG);
	cfg.ringbuf_size = sizeof ringbuf;
	cfg.addr = "no.such.host.invalid";
	check(web_init(&srv, &cfg) == WEB_E_ADDR);
	return 0;
}

/* A WebSocket client in this process: handshake, ping, close. */
static int
websocket(void)
{
	static char out[20000];
	unsigned char ping[] = { 0x89, 0x83, 1, 2, 3, 4, 'a' ^ 1, 'b' ^ 2,
	    'c' ^ 3 };
	unsigned char closefr[] = { 0x88, 0x82, 0, 0, 0, 0, 0x03, 0xe8 };
	struct web_item it;
	size_t n;
	int fd;
	char *p;

	check(server(NULL) == 0);
	memset(&it, 0, sizeof it);
	it.text = "x";
	it.text_len = 1;
	web_publish(&srv, NULL, 0, &it);
	fd = connect_srv();
	n = exchange(fd, S("GET /ws?n=1 HTTP/1.1\r\nUpgrade: websocket\r\n"
	    "Connection: Upgrade\r\nSec-WebSocket-Version: 13\r\n"
	    "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n"), out,
	    sizeof out);
	check(strstr(out, "HTTP/1.1 101 Switching Protocols\r\n") == out);
	check(strstr(out, "Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo="
	    "\r\n"));
	p = strstr(out, "\r\n\r\n") + 4;
	check((unsigned char)p[0] == 0x81 && p[1] == 18 &&
	    memcmp(p + 2, "{\"n\":1,\"text\":\"x\"}", 18) == 0);
	n = exchange(fd, (const char *)ping, sizeof ping, out, sizeof out);
	check(n == 5 && (unsigned char)out[0] == 0x8a && out[1] == 3 &&
	    memcmp(out + 2, "abc", 3) == 0);
	web_publish(&srv, NULL, 0, &it);
	n = exchange(fd, NULL, 0, out, sizeof out);
	check(n == 20 && (unsigned char)out[0] == 0x81);
	n = exchange(fd, (const char *)closefr, sizeof closefr, out,
	    sizeof out);
	check(n == 4 && (unsigned char)out[0] == 0x88 && out[1] == 2 &&
	    (unsigned char)out[2] == 0x03 && (unsigned char)out[3] == 0xe8);
	check(read(fd, out, 1) == 0);
	check(srv.ct.ws == 0);
	close(fd);
	/* a bad handshake is refused */
	fd = connect_srv();
	n = exchange(fd, S("GET /ws HTTP/1.1\r\nUpgrade: websocket\r\n"
	    "Connection: Upgrade\r\nSec-WebSocket-Version: 8\r\n"
	    "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n"), out,
	    sizeof out);
	check(strstr(out, "HTTP/1.1 400 ") == out);
	close(fd);
	/* all four client slots busy: the fifth connection gets 503 */
	{
		int busy[4], k;

		for (k = 0; k < 4; k++) {
			busy[k] = connect_srv();
			check(busy[k] >= 0);
		}
		spin(3);
		check(srv.ct.clients == 4);
		fd = connect_srv();
		n = exchange(fd, NULL, 0, out, sizeof out);
		check(strstr(out, "HTTP/1.1 503 ") == out);
		check(srv.ct.refused == 1);
		close(fd);
		for (k = 0; k < 4; k++)
			close(busy[k]);
		spin(3);
		check(srv.ct.clients == 0);
	}
	/* /track without a token configured: 404 */
	fd = connect_srv();
	n = exchange(fd, S("POST /track HTTP/1.1\r\nContent-Length: 1\r\n"
	    "Authorization: Bearer \r\n\r\nx"), out, sizeof out);
	check(strstr(out, "HTTP/1.1 404 ") == out);
	close(fd);
	spin(2);
	web_close(&srv);
	return 0;
}

/* A streaming client that never reads is dropped, the others go on. */
static int
slow_client(void)
{
	static char out[WEB_SENDBUF_MIN * 8];
	static char text[1500];
	struct web_item it;
	int fast, slow, rcv = 4096, i;
	size_t n, total = 0;

	check(server(NULL) == 0);
	slow = socket(AF_INET, SOCK_STREAM, 0);
	setsockopt(slow, SOL_SOCKET, SO_RCVBUF, &rcv, sizeof rcv);
	{
		struct sockaddr_in a;

		memset(&a, 0, sizeof a);
		a.sin_family = AF_INET;
		a.sin_port = htons((unsigned short)web_port(&srv));
		a.sin_addr.s_addr = htonl(0x7f000001);
		check(connect(slow, (struct sockaddr *)&a, sizeof a) == 0);
	}
	check(write(slow, "GET /events HTTP/1.1\r\n\r\n", 24) == 24);
	fast = connect_srv();
	exchange(fast, S("GET /events HTTP/1.1\r\n\r\n"), out, sizeof out);
	check(srv.ct.sse == 2);
	memset(text, 'z', sizeof text);
	memset(&it, 0, sizeof it);
	it.text = text;
	it.text_len = sizeof text;
	for (i = 0; i < 20000 && srv.ct.dropped_slow == 0; i++) {
		ssize_t r;

		web_publish(&srv, NULL, 0, &it);
		spin0();
		while ((r = read(fast, out, sizeof out)) > 0)
			total += (size_t)r;
	}
	/* the fast client gets everything up to here */
	total += exchange(fast, NULL, 0, out, sizeof out);
	check(total > (size_t)i * sizeof text);
	check(srv.ct.dropped_slow == 1);
	check(srv.ct.sse == 1);
	web_publish(&srv, NULL, 0, &it);
	n = exchange(fast, NULL, 0, out, sizeof out);
	check(n > sizeof text && strstr(out, "data: {\"n\":"));
	close(fast);
	close(slow);
	spin(2);
	web_close(&srv);
	return 0;
}

int
main(void)
{
	t_init("test_web");
	t_run("req_good", req_good);
	t_run("req_bad", req_bad);
	t_run("req_random", req_random);
	t_run("ws_accept", ws_accept);
	t_run("split_listen", split_listen);
	t_run("sse_frame", sse_frame);
	t_run("ws_frame", ws_frame);
	t_run("escaping", escaping);
	t_run("endpoints", endpoints);
	t_run("ring_bytes", ring_bytes);
	t_run("rate_bound", rate_bound);
	t_run("websocket", websocket);
	t_run("slow_client", slow_client);
	return t_done();
}
