/* Tests for http.c: the request writer, the response-head parser (whole,
 * per byte, random splits), a bad-input table, limits and dates. */
#include "t.h"
#include "http.h"

static char headbuf[HTTP_HEAD_MAX];
static struct http_header hdrs[HTTP_HEADERS_MAX];

static int
parse(int mode, const char *in, size_t n, struct http_resp *r, size_t *used)
{
	http_resp_init(r, headbuf, sizeof headbuf, hdrs, HTTP_HEADERS_MAX, 0);
	return t_feed(mode, (t_push_fn)http_push, r, (const unsigned char *)in,
	    n, used, NULL);
}

static int
val_is(const char *p, size_t n, const char *want)
{
	return p != NULL && n == strlen(want) && memcmp(p, want, n) == 0;
}

static int
twitter_like(void)
{
	static const char in[] =
	    "HTTP/1.1 200 OK\r\n"
	    "Date: Sun, 06 Nov 1994 08:49:37 GMT\r\n"
	    "Content-Type: application/json; charset=utf-8\r\n"
	    "Transfer-Encoding: chunked\r\n"
	    "Content-Encoding: gzip\r\n"
	    "x-rate-limit-limit: 50\r\n"
	    "X-Rate-Limit-Remaining:   49  \r\n"
	    "x-rate-limit-reset: 1700000900\r\n"
	    "X-Empty:\r\n"
	    "\r\n"
	    "1f\r\n";
	struct http_resp r;
	const struct http_header *h;
	size_t used;
	int mode;

	for (mode = 0; mode < T_NMODES; mode++) {
		check(parse(mode, in, sizeof in - 1, &r, &used) == HTTP_DONE);
		check(used == sizeof in - 1 - 4);
		check(r.status == 200 && r.minor == 1);
		check(val_is(r.reason, r.reason_len, "OK"));
		check(r.framing == HTTP_BODY_CHUNKED);
		check(r.coding == HTTP_CODING_GZIP);
		check(r.ctype == HTTP_CTYPE_JSON);
		check(r.date == 784111777);
		check(r.rate_limit == 50 && r.rate_remaining == 49);
		check(r.rate_reset == 1700000900);
		check(r.content_length == -1);
		check(r.nheaders == 8);
		h = http_header_find(&r, "x-rate-limit-remaining");
		check(h && val_is(h->value, h->value_len, "49"));
		h = http_header_find(&r, "X-EMPTY");
		check(h && h->value_len == 0);
		check(http_header_find(&r, "Server") == NULL);
		/* Done is sticky and consumes nothing. */
		check(http_push(&r, (const unsigned char *)"x", 1, &used) ==
		    HTTP_DONE && used == 0);
	}
	return 0;
}

struct good {
	const char *name;
	const char *in;
	int status;
	enum http_framing framing;
	int64_t length;
	enum http_coding coding;
	enum http_ctype ctype;
};

static const struct good good[] = {
	{ "http10_close", "HTTP/1.0 200 OK\r\n\r\n", 200, HTTP_BODY_CLOSE,
	    -1, HTTP_CODING_IDENTITY, HTTP_CTYPE_NONE },
	{ "length", "HTTP/1.1 200 OK\r\nContent-Length: 42\r\n\r\n", 200,
	    HTTP_BODY_LENGTH, 42, HTTP_CODING_IDENTITY, HTTP_CTYPE_NONE },
	{ "length_dup_same", "HTTP/1.1 200 OK\r\nContent-Length: 7\r\n"
	    "content-length: 7\r\n\r\n", 200, HTTP_BODY_LENGTH, 7,
	    HTTP_CODING_IDENTITY, HTTP_CTYPE_NONE },
	{ "length_list_same", "HTTP/1.1 200 OK\r\nContent-Length: 7, 7\r\n\r\n",
	    200, HTTP_BODY_LENGTH, 7, HTTP_CODING_IDENTITY, HTTP_CTYPE_NONE },
	{ "te_beats_cl", "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n"
	    "Transfer-Encoding: chunked\r\n\r\n", 200, HTTP_BODY_CHUNKED, 5,
	    HTTP_CODING_IDENTITY, HTTP_CTYPE_NONE },
	{ "te_case", "HTTP/1.1 200 OK\r\nTransfer-Encoding: ChUnKeD\r\n\r\n",
	    200, HTTP_BODY_CHUNKED, -1, HTTP_CODING_IDENTITY,
	    HTTP_CTYPE_NONE },
	{ "no_content", "HTTP/1.1 204 No Content\r\nContent-Length: 9\r\n\r\n",
	    204, HTTP_BODY_NONE, 9, HTTP_CODING_IDENTITY, HTTP_CTYPE_NONE },
	{ "not_modified", "HTTP/1.1 304 Not Modified\r\n\r\n", 304,
	    HTTP_BODY_NONE, -1, HTTP_CODING_IDENTITY, HTTP_CTYPE_NONE },
	{ "bare_lf", "HTTP/1.1 200 OK\nContent-Length: 3\n\n", 200,
	    HTTP_BODY_LENGTH, 3, HTTP_CODING_IDENTITY, HTTP_CTYPE_NONE },
	{ "no_reason", "HTTP/1.1 503\r\n\r\n", 503, HTTP_BODY_CLOSE, -1,
	    HTTP_CODING_IDENTITY, HTTP_CTYPE_NONE },
	{ "empty_reason", "HTTP/1.1 420 \r\n\r\n", 420, HTTP_BODY_CLOSE, -1,
	    HTTP_CODING_IDENTITY, HTTP_CTYPE_NONE },
	{ "x_gzip", "HTTP/1.1 200 OK\r\nContent-Encoding: x-gzip\r\n\r\n", 200,
	    HTTP_BODY_CLOSE, -1, HTTP_CODING_GZIP, HTTP_CTYPE_NONE },
	{ "deflate", "HTTP/1.1 200 OK\r\nContent-Encoding: deflate\r\n\r\n",
	    200, HTTP_BODY_CLOSE, -1, HTTP_CODING_DEFLATE, HTTP_CTYPE_NONE },
	{ "identity", "HTTP/1.1 200 OK\r\nContent-Encoding: identity\r\n\r\n",
	    200, HTTP_BODY_CLOSE, -1, HTTP_CODING_IDENTITY, HTTP_CTYPE_NONE },
	{ "sse", "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\n\r\n",
	    200, HTTP_BODY_CLOSE, -1, HTTP_CODING_IDENTITY,
	    HTTP_CTYPE_EVENT_STREAM },
	{ "ndjson", "HTTP/1.1 200 OK\r\nContent-Type: application/x-ndjson"
	    "\r\n\r\n", 200, HTTP_BODY_CLOSE, -1, HTTP_CODING_IDENTITY,
	    HTTP_CTYPE_JSON },
	{ "other_type", "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n",
	    200, HTTP_BODY_CLOSE, -1, HTTP_CODING_IDENTITY,
	    HTTP_CTYPE_OTHER },
	{ "interim_100", "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\n"
	    "Content-Length: 1\r\n\r\n", 200, HTTP_BODY_LENGTH, 1,
	    HTTP_CODING_IDENTITY, HTTP_CTYPE_NONE },
	{ "interim_103", "HTTP/1.1 103 Early Hints\r\nLink: </s>\r\n\r\n"
	    "HTTP/1.1 401 Unauthorized\r\n\r\n", 401, HTTP_BODY_CLOSE, -1,
	    HTTP_CODING_IDENTITY, HTTP_CTYPE_NONE },
	{ "obs_text_value", "HTTP/1.1 200 OK\r\nX-A: caf\xc3\xa9\r\n\r\n", 200,
	    HTTP_BODY_CLOSE, -1, HTTP_CODING_IDENTITY, HTTP_CTYPE_NONE },
};

static int
good_heads(void)
{
	struct http_resp r;
	size_t i, used;
	int mode;

	for (i = 0; i < sizeof good / sizeof good[0]; i++) {
		const struct good *g = &good[i];
		size_t n = strlen(g->in);

		for (mode = 0; mode < T_NMODES; mode++) {
			int st = parse(mode, g->in, n, &r, &used);

			if (st != HTTP_DONE)
				fprintf(stderr, "%s/%s: %d\n", g->name,
				    t_mode_name[mode], st);
			check(st == HTTP_DONE);
			check(used == n);
			check(r.status == g->status);
			check(r.framing == g->framing);
			check(r.content_length == g->length);
			check(r.coding == g->coding);
			check(r.ctype == g->ctype);
		}
	}
	return 0;
}

static int
head_request(void)
{
	static const char in[] = "HTTP/1.1 200 OK\r\nContent-Length: 9\r\n\r\n";
	struct http_resp r;
	size_t used;

	http_resp_init(&r, headbuf, sizeof headbuf, hdrs, HTTP_HEADERS_MAX, 1);
	check(http_push(&r, (const unsigned char *)in, sizeof in - 1, &used) ==
	    HTTP_DONE);
	check(r.framing == HTTP_BODY_NONE);
	return 0;
}

struct bad {
	const char *name;
	const char *in;
	int err;
};

static const struct bad bad[] = {
	{ "not_http", "HTTX/1.1 200 OK\r\n", HTTP_E_STATUS_LINE },
	{ "http2", "HTTP/2 200\r\n\r\n", HTTP_E_VERSION },
	{ "http09_junk", "<html>\r\n", HTTP_E_STATUS_LINE },
	{ "status_2_digits", "HTTP/1.1 20 OK\r\n", HTTP_E_STATUS_LINE },
	{ "status_letters", "HTTP/1.1 2x0 OK\r\n", HTTP_E_STATUS_LINE },
	{ "status_99", "HTTP/1.1 099 Low\r\n", HTTP_E_STATUS_LINE },
	{ "status_600", "HTTP/1.1 600 High\r\n", HTTP_E_STATUS_LINE },
	{ "status_4_digits", "HTTP/1.1 2000 OK\r\n", HTTP_E_STATUS_LINE },
	{ "reason_ctl", "HTTP/1.1 200 O\001K\r\n", HTTP_E_STATUS_LINE },
	{ "no_colon", "HTTP/1.1 200 OK\r\nContent-Length 5\r\n",
	    HTTP_E_HEADER_SYNTAX },
	{ "space_before_colon", "HTTP/1.1 200 OK\r\nContent-Length : 5\r\n",
	    HTTP_E_HEADER_SYNTAX },
	{ "empty_name", "HTTP/1.1 200 OK\r\n: 5\r\n", HTTP_E_HEADER_SYNTAX },
	{ "obs_fold", "HTTP/1.1 200 OK\r\nX-A: 1\r\n  2\r\n",
	    HTTP_E_OBS_FOLD },
	{ "value_ctl", "HTTP/1.1 200 OK\r\nX-A: 1\0012\r\n",
	    HTTP_E_HEADER_VALUE },
	{ "bare_cr", "HTTP/1.1 200 OK\r\nX-A: 1\r2\r\n", HTTP_E_BARE_CR },
	{ "cl_letters", "HTTP/1.1 200 OK\r\nContent-Length: 12a\r\n",
	    HTTP_E_CL_BAD },
	{ "cl_negative", "HTTP/1.1 200 OK\r\nContent-Length: -1\r\n",
	    HTTP_E_CL_BAD },
	{ "cl_empty", "HTTP/1.1 200 OK\r\nContent-Length:\r\n",
	    HTTP_E_CL_BAD },
	{ "cl_overflow", "HTTP/1.1 200 OK\r\n"
	    "Content-Length: 99999999999999999999\r\n", HTTP_E_CL_RANGE },
	{ "cl_conflict", "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n"
	    "Content-Length: 6\r\n", HTTP_E_CL_CONFLICT },
	{ "cl_list_conflict", "HTTP/1.1 200 OK\r\nContent-Length: 5, 6\r\n",
	    HTTP_E_CL_CONFLICT },
	{ "te_gzip", "HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\n",
	    HTTP_E_TE },
	{ "te_twice", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n"
	    "Transfer-Encoding: chunked\r\n", HTTP_E_TE },
	{ "te_identity", "HTTP/1.1 200 OK\r\nTransfer-Encoding: identity\r\n",
	    HTTP_E_TE },
	{ "ce_br", "HTTP/1.1 200 OK\r\nContent-Encoding: br\r\n",
	    HTTP_E_ENCODING },
	{ "ce_stacked", "HTTP/1.1 200 OK\r\nContent-Encoding: gzip, gzip\r\n",
	    HTTP_E_ENCODING },
};

static int
bad_heads(void)
{
	struct http_resp r;
	size_t i, used;
	int mode;

	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		const struct bad *b = &bad[i];

		for (mode = 0; mode < T_NMODES; mode++) {
			int st = parse(mode, b->in, strlen(b->in), &r, &used);

			if (st != b->err)
				fprintf(stderr, "%s/%s: got %d want %d\n",
				    b->name, t_mode_name[mode], st, b->err);
			check(st == b->err);
			check(http_error(&r) == b->err);
			check(http_push(&r, (const unsigned char *)"\r\n", 2,
			    &used) == b->err && used == 0);
		}
	}
	return 0;
}

static int
limits(void)
{
	static char in[3 * HTTP_HEAD_MAX];
	static struct http_header few[2], many[HTTP_HEAD_MAX / 8];
	struct http_resp r;
	size_t n, used;
	int mode;

	/* One header line longer than HTTP_LINE_MAX. */
	n = (size_t)snprintf(in, sizeof in, "HTTP/1.1 200 OK\r\nX-Long: ");
	memset(in + n, 'a', HTTP_LINE_MAX);
	n += HTTP_LINE_MAX;
	memcpy(in + n, "\r\n\r\n", 4);
	for (mode = 0; mode < T_NMODES; mode++)
		check(parse(mode, in, n + 4, &r, &used) ==
		    HTTP_E_LINE_TOO_LONG);

	/* Many short lines past the head buffer. */
	n = (size_t)snprintf(in, sizeof in, "HTTP/1.1 200 OK\r\n");
	while (n < HTTP_HEAD_MAX + 100)
		n += (size_t)snprintf(in + n, sizeof in - n, "X-A: 1\r\n");
	for (mode = 0; mode < T_NMODES; mode++) {
		/* Enough header slots to run out of bytes first. */
		http_resp_init(&r, headbuf, sizeof headbuf, many,
		    sizeof many / sizeof many[0], 0);
		check(t_feed(mode, (t_push_fn)http_push, &r,
		    (const unsigned char *)in, n, &used, NULL) ==
		    HTTP_E_HEAD_TOO_BIG);
		/* consumed up to the limit, however it was sliced */
		check(used == sizeof headbuf);
	}

	/* Header count. */
	n = (size_t)snprintf(in, sizeof in,
	    "HTTP/1.1 200 OK\r\nA: 1\r\nB: 2\r\nC: 3\r\n\r\n");
	for (mode = 0; mode < T_NMODES; mode++) {
		http_resp_init(&r, headbuf, sizeof headbuf, few, 2, 0);
		check(t_feed(mode, (t_push_fn)http_push, &r,
		    (const unsigned char *)in, n, &used, NULL) ==
		    HTTP_E_TOO_MANY_HEADERS);
	}

	/* A small head buffer: head too big, whichever way it is sliced. */
	for (mode = 0; mode < T_NMODES; mode++) {
		http_resp_init(&r, headbuf, 20, hdrs, HTTP_HEADERS_MAX, 0);
		check(t_feed(mode, (t_push_fn)http_push, &r,
		    (const unsigned char *)in, n, &used, NULL) ==
		    HTTP_E_HEAD_TOO_BIG);
		check(used == 20);
	}
	return 0;
}

/* Every prefix of a valid head is "need more". */
static int
truncations(void)
{
	static const char in[] = "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n"
	    "Date: Sun, 06 Nov 1994 08:49:37 GMT\r\n\r\n";
	struct http_resp r;
	size_t k, used;

	for (k = 0; k < sizeof in - 1; k++) {
		check(parse(T_WHOLE, in, k, &r, &used) == 0);
		check(used == k);
	}
	return 0;
}

static int
retry_after(void)
{
	static const char secs[] = "HTTP/1.1 429 Too Many\r\n"
	    "Retry-After: 120\r\nLocation: /x\r\n\r\n";
	static const char date[] = "HTTP/1.1 503 Busy\r\n"
	    "Retry-After: Fri, 31 Dec 1999 23:59:59 GMT\r\n\r\n";
	static const char junk[] = "HTTP/1.1 503 Busy\r\n"
	    "Retry-After: soon\r\n\r\n";
	struct http_resp r;
	size_t used;

	check(parse(T_SPLIT, secs, sizeof secs - 1, &r, &used) == HTTP_DONE);
	check(r.retry_after == 120 && r.retry_after_date == -1);
	check(val_is(r.location, r.location_len, "/x"));
	check(parse(T_SPLIT, date, sizeof date - 1, &r, &used) == HTTP_DONE);
	check(r.retry_after == -1 && r.retry_after_date == 946684799);
	check(parse(T_SPLIT, junk, sizeof junk - 1, &r, &used) == HTTP_DONE);
	check(r.retry_after == -1 && r.retry_after_date == -1);
	return 0;
}

static int
dates(void)
{
	static const struct {
		const char *s;
		int64_t t;
	} v[] = {
		{ "Sun, 06 Nov 1994 08:49:37 GMT", 784111777 },
		{ "Sunday, 06-Nov-94 08:49:37 GMT", 784111777 },
		{ "Sun Nov  6 08:49:37 1994", 784111777 },
		{ "Thu, 01 Jan 1970 00:00:00 GMT", 0 },
		{ "Tue, 19 Jan 2038 03:14:08 GMT", 2147483648LL },
		{ "Mon, 29 Feb 2100 00:00:00 GMT", -1 },
		{ "Tue, 29 Feb 2000 00:00:00 GMT", 951782400 },
		{ "Sat, 29 Feb 2020 12:00:00 GMT", 1582977600 },
		{ "Wednesday, 01-Jan-25 00:00:00 GMT", 1735689600 },
		{ "Thu Dec 31 23:59:59 1999", 946684799 },
		{ "Sun, 06 Nov 1994 08:49:37 UTC", -1 },
		{ "Sun, 32 Nov 1994 08:49:37 GMT", -1 },
		{ "Sun, 06 Foo 1994 08:49:37 GMT", -1 },
		{ "Sun, 06 Nov 1994 24:49:37 GMT", -1 },
		{ "Sun, 06 Nov 1994 08:49 GMT", -1 },
		{ "Xyz, 06 Nov 1994 08:49:37 GMT", -1 },
		{ "Sun, 30 Feb 1994 08:49:37 GMT", -1 },
		{ "", -1 },
		{ "1700000000", -1 },
	};
	size_t i;

	for (i = 0; i < sizeof v / sizeof v[0]; i++) {
		int64_t got = http_date_parse(v[i].s, strlen(v[i].s));

		if (got != v[i].t)
			fprintf(stderr, "date '%s': %lld\n", v[i].s,
			    (long long)got);
		check(got == v[i].t);
	}
	return 0;
}

static int
request_writer(void)
{
	static const char *const fields[] = {
		"Authorization: OAuth oauth_consumer_key=\"k\"",
		"X-Test: 1",
	};
	static const char body[] = "track=rust%2Czig";
	static const char want[] =
	    "POST /1.1/statuses/filter.json?delimited=length HTTP/1.1\r\n"
	    "Host: stream.example:8443\r\n"
	    "User-Agent: sluice/0\r\n"
	    "Accept-Encoding: gzip\r\n"
	    "Authorization: OAuth oauth_consumer_key=\"k\"\r\n"
	    "X-Test: 1\r\n"
	    "Content-Type: application/x-www-form-urlencoded\r\n"
	    "Content-Length: 16\r\n"
	    "\r\n"
	    "track=rust%2Czig";
	struct http_request rq = { 0 };
	char buf[512];
	size_t len;

	rq.method = "POST";
	rq.target = "/1.1/statuses/filter.json?delimited=length";
	rq.host = "stream.example:8443";
	rq.user_agent = "sluice/0";
	rq.accept_encoding = "gzip";
	rq.fields = fields;
	rq.nfields = 2;
	rq.content_type = "application/x-www-form-urlencoded";
	rq.body = (const unsigned char *)body;
	rq.body_len = sizeof body - 1;

	/* Measure, then write. */
	check(http_request_write(&rq, NULL, 0, &len) == HTTP_E_TOO_SMALL);
	check(len == sizeof want - 1);
	memset(buf, 'Z', sizeof buf);
	check(http_request_write(&rq, buf, len - 1, &len) == HTTP_E_TOO_SMALL);
	check(buf[0] == 'Z');	/* nothing written on truncation */
	check(http_request_write(&rq, buf, sizeof buf, &len) == 0);
	check(len == sizeof want - 1 && memcmp(buf, want, len) == 0);

	/* GET, no body, no optional fields. */
	memset(&rq, 0, sizeof rq);
	rq.method = "GET";
	rq.target = "/2/tweets/sample/stream";
	rq.host = "h";
	check(http_request_write(&rq, buf, sizeof buf, &len) == 0);
	check(len == 49 && memcmp(buf, "GET /2/tweets/sample/stream HTTP/1.1"
	    "\r\nHost: h\r\n\r\n", len) == 0);

	/* Header injection and bad arguments are refused. */
	rq.host = "h\r\nX-Evil: 1";
	check(http_request_write(&rq, buf, sizeof buf, &len) == HTTP_E_FIELD);
	rq.host = "h";
	rq.target = "/a b";
	check(http_request_write(&rq, buf, sizeof buf, &len) == HTTP_E_FIELD);
	rq.target = "/";
	rq.method = "GE T";
	check(http_request_write(&rq, buf, sizeof buf, &len) == HTTP_E_FIELD);
	rq.method = "GET";
	rq.fields = fields;
	rq.nfields = 1;
	rq.user_agent = "ua\n";
	check(http_request_write(&rq, buf, sizeof buf, &len) == HTTP_E_FIELD);
	rq.user_agent = NULL;
	{
		static const char *const nocolon[] = { "NoColon" };

		rq.fields = nocolon;
		check(http_request_write(&rq, buf, sizeof buf, &len) ==
		    HTTP_E_FIELD);
	}
	rq.host = NULL;
	check(http_request_write(&rq, buf, sizeof buf, &len) == HTTP_E_ARG);
	return 0;
}

/* Random heads with random header sets: all three modes agree. */
static int
random_heads(void)
{
	static char in[HTTP_HEAD_MAX];
	struct http_resp r;
	int round, mode;

	for (round = 0; round < 300; round++) {
		size_t n, used, k, nh = t_rand_below(40);
		int64_t cl = (int64_t)t_rand_below(1000000);
		int status = 100 + (int)t_rand_below(500);

		if (status < 200)
			status = 200;
		n = (size_t)snprintf(in, sizeof in, "HTTP/1.%d %d Reason %d\r\n",
		    (int)(t_rand() & 1), status, round);
		for (k = 0; k < nh; k++)
			n += (size_t)snprintf(in + n, sizeof in - n,
			    "X-H%u:%*s%lu\r\n", (unsigned)k,
			    (int)t_rand_below(3), "",
			    (unsigned long)t_rand());
		n += (size_t)snprintf(in + n, sizeof in - n,
		    "Content-Length: %lld\r\n\r\n", (long long)cl);
		for (mode = 0; mode < T_NMODES; mode++) {
			check(parse(mode, in, n, &r, &used) == HTTP_DONE);
			check(used == n && r.status == status);
			check(r.content_length == cl);
			check(r.nheaders == nh + 1);
		}
	}
	return 0;
}

static int
urls(void)
{
	struct http_url u;

	check(http_url_parse("https://stream.twitter.com/1.1/statuses/"
	    "filter.json?delimited=length", &u) == 0);
	check(u.tls && u.port == 443 && !u.port_given);
	check(val_is(u.host, u.host_len, "stream.twitter.com"));
	check(val_is(u.target, u.target_len,
	    "/1.1/statuses/filter.json?delimited=length"));
	check(http_url_parse("HTTP://127.0.0.1:8080", &u) == 0);
	check(!u.tls && u.port == 8080 && u.port_given);
	check(val_is(u.host, u.host_len, "127.0.0.1"));
	check(val_is(u.target, u.target_len, "/"));
	check(http_url_parse("http://[::1]:99/x", &u) == 0);
	check(val_is(u.host, u.host_len, "::1") && u.port == 99);
	check(http_url_parse("ftp://h/", &u) == HTTP_E_URL);
	check(http_url_parse("http://", &u) == HTTP_E_URL);
	check(http_url_parse("http://u:p@h/", &u) == HTTP_E_URL);
	check(http_url_parse("http://h:0/", &u) == HTTP_E_URL);
	check(http_url_parse("http://h:65536/", &u) == HTTP_E_URL);
	check(http_url_parse("http://h:8x/", &u) == HTTP_E_URL);
	check(http_url_parse("http://h/a b", &u) == HTTP_E_URL);
	check(http_url_parse("http://h/a#frag", &u) == HTTP_E_URL);
	check(http_url_parse("http://[::1/", &u) == HTTP_E_URL);
	check(http_url_parse("http://h?q=1", &u) == HTTP_E_URL);
	check(http_url_parse("stream.twitter.com", &u) == HTTP_E_URL);
	return 0;
}

int
main(void)
{
	t_init("test_http");
	t_run("twitter_like", twitter_like);
	t_run("good_heads", good_heads);
	t_run("head_request", head_request);
	t_run("bad_heads", bad_heads);
	t_run("limits", limits);
	t_run("truncations", truncations);
	t_run("retry_after", retry_after);
	t_run("dates", dates);
	t_run("request_writer", request_writer);
	t_run("random_heads", random_heads);
	t_run("urls", urls);
	return t_done();
}
