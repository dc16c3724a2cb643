/* http -- HTTP/1.1 request writer and response-head push parser.
 * MIT licensed, see LICENSE.  See http.h for the contract. */
#include <string.h>

#include "http.h"

enum { S_STATUS, S_HEADERS, S_DONE };

/* ---- small helpers: ASCII only, never <ctype.h> on wire bytes --------- */

static unsigned char
lower(unsigned char c)
{
	return (c >= 'A' && c <= 'Z') ? (unsigned char)(c + 32) : c;
}

static int
is_digit(unsigned char c)
{
	return c >= '0' && c <= '9';
}

static int
is_tchar(unsigned char c)
{
	if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || is_digit(c))
		return 1;
	return c != 0 && strchr("!#$%&'*+-.^_`|~", c) != NULL;
}

static int
is_ows(unsigned char c)
{
	return c == ' ' || c == '\t';
}

/* Case-insensitive compare of s[0..n) with the C string lit. */
static int
eq_lit(const char *s, size_t n, const char *lit)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (lit[i] == '\0' || lower((unsigned char)s[i]) !=
		    lower((unsigned char)lit[i]))
			return 0;
	return lit[n] == '\0';
}

/* Parses all-digit s[0..n) to *v.  Returns 0, or -1 if not digits or
 * empty, -2 if above max. */
static int
parse_u64(const char *s, size_t n, uint64_t max, uint64_t *v)
{
	uint64_t x = 0;
	size_t i;

	if (n == 0)
		return -1;
	for (i = 0; i < n; i++) {
		unsigned d;

		if (!is_digit((unsigned char)s[i]))
			return -1;
		d = (unsigned)(s[i] - '0');
		if (x > (max - d) / 10)
			return -2;
		x = x * 10 + d;
	}
	*v = x;
	return 0;
}

/* Trims OWS from both ends of s[0..*n). */
static const char *
trim(const char *s, size_t *n)
{
	while (*n && is_ows((unsigned char)s[0])) {
		s++;
		(*n)--;
	}
	while (*n && is_ows((unsigned char)s[*n - 1]))
		(*n)--;
	return s;
}

/* Splits the next comma-separated list element off s[0..*n): returns the
 * trimmed element and its length in *elen, advances s/n past the comma. */
static const char *
next_elem(const char **s, size_t *n, size_t *elen)
{
	const char *p = *s, *comma = memchr(p, ',', *n);
	size_t len = comma ? (size_t)(comma - p) : *n;

	*s = comma ? comma + 1 : p + *n;
	*n -= comma ? len + 1 : len;
	*elen = len;
	return trim(p, elen);
}

/* ---- dates --------------------------------------------------------------- */

static const char months[] = "janfebmaraprmayjunjulaugsepoctnovdec";
static const char *const wdays[7] = {
	"monday", "tuesday", "wednesday", "thursday", "friday", "saturday",
	"sunday"
};

static int
month_of(const char *s)
{
	int i;

	for (i = 0; i < 12; i++)
		if (lower((unsigned char)s[0]) == months[3 * i] &&
		    lower((unsigned char)s[1]) == months[3 * i + 1] &&
		    lower((unsigned char)s[2]) == months[3 * i + 2])
			return i + 1;
	return 0;
}

/* 1 if s[0..n) is a weekday name: in full, or its first 3 letters. */
static int
is_wday(const char *s, size_t n, int full)
{
	int i;

	for (i = 0; i < 7; i++)
		if (full ? eq_lit(s, n, wdays[i]) :
		    (n == 3 && lower((unsigned char)s[0]) == wdays[i][0] &&
		    lower((unsigned char)s[1]) == wdays[i][1] &&
		    lower((unsigned char)s[2]) == wdays[i][2]))
			return 1;
	return 0;
}

/* Reads exactly `digits` decimal digits at s; -1 if any is not a digit. */
static int
num_at(const char *s, int digits)
{
	int v = 0, i;

	for (i = 0; i < digits; i++) {
		if (!is_digit((unsigned char)s[i]))
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

/* Days since 1970-01-01 of a proleptic Gregorian date (era arithmetic,
 * valid for any year >= 0). */
static int64_t
days_from_civil(int64_t y, int m, int d)
{
	int64_t era, yoe, doy, doe;

	y -= m <= 2;
	era = y / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static int64_t
make_time(int y, int mon, int d, const char *hms)
{
	int h = num_at(hms, 2), mi = num_at(hms + 3, 2), s = num_at(hms + 6, 2);
	static const unsigned char mdays[12] = {
		31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31
	};

	if (mon < 1 || d < 1 || d > mdays[mon - 1] || y < 0)
		return -1;
	if (mon == 2 && d == 29 && (y % 4 != 0 || (y % 100 == 0 &&
	    y % 400 != 0)))
		return -1;
	if (hms[2] != ':' || hms[5] != ':' || h < 0 || h > 23 || mi < 0 ||
	    mi > 59 || s < 0 || s > 60)
		return -1;
	return days_from_civil(y, mon, d) * 86400 + h * 3600 + mi * 60 + s;
}

int64_t
http_date_parse(const char *s, size_t n)
{
	const char *comma = memchr(s, ',', n);
	int y, d;

	if (comma == NULL) {
		/* asctime: "Sun Nov  6 08:49:37 1994" */
		if (n != 24 || !is_wday(s, 3, 0) || s[3] != ' ' ||
		    s[7] != ' ' || s[10] != ' ' || s[19] != ' ')
			return -1;
		d = s[8] == ' ' ? num_at(s + 9, 1) : num_at(s + 8, 2);
		y = num_at(s + 20, 4);
		if (d < 0 || y < 0)
			return -1;
		return make_time(y, month_of(s + 4), d, s + 11);
	}
	if (comma - s == 3) {
		/* IMF-fixdate: "Sun, 06 Nov 1994 08:49:37 GMT" */
		if (n != 29 || !is_wday(s, 3, 0) || s[4] != ' ' ||
		    s[7] != ' ' || s[11] != ' ' || s[16] != ' ' ||
		    s[25] != ' ' || memcmp(s + 26, "GMT", 3) != 0)
			return -1;
		d = num_at(s + 5, 2);
		y = num_at(s + 12, 4);
		if (d < 0 || y < 0)
			return -1;
		return make_time(y, month_of(s + 8), d, s + 17);
	}
	/* RFC 850: "Sunday, 06-Nov-94 08:49:37 GMT" */
	{
		size_t w = (size_t)(comma - s);
		const char *t = comma + 1;

		if (!is_wday(s, w, 1) || n != w + 24 || t[0] != ' ' ||
		    t[3] != '-' || t[7] != '-' || t[10] != ' ' ||
		    t[19] != ' ' || memcmp(t + 20, "GMT", 3) != 0)
			return -1;
		d = num_at(t + 1, 2);
		y = num_at(t + 8, 2);
		if (d < 0 || y < 0)
			return -1;
		/* RFC 9110 5.6.7: a two-digit year more than 50 years in the
		 * future is in the past; with no clock here, 70 is the
		 * pivot as in most implementations. */
		y += y < 70 ? 2000 : 1900;
		return make_time(y, month_of(t + 4), d, t + 11);
	}
}

/* ---- request writer ---------------------------------------------------- */

struct out {
	char *buf;	/* NULL while measuring */
	size_t len;
};

static void
put(struct out *o, const char *s, size_t n)
{
	if (o->buf)
		memcpy(o->buf + o->len, s, n);
	o->len += n;
}

static void
puts0(struct out *o, const char *s)
{
	put(o, s, strlen(s));
}

static void
put_u64(struct out *o, uint64_t v)
{
	char d[20];
	size_t i = sizeof d;

	do {
		d[--i] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	put(o, d + i, sizeof d - i);
}

static void
put_field(struct out *o, const char *name, const char *value)
{
	puts0(o, name);
	put(o, ": ", 2);
	puts0(o, value);
	put(o, "\r\n", 2);
}

static int
clean(const char *s)
{
	for (; *s; s++)
		if (*s == '\r' || *s == '\n')
			return 0;
	return 1;
}

static void
compose(const struct http_request *rq, struct out *o)
{
	size_t i;

	puts0(o, rq->method);
	put(o, " ", 1);
	puts0(o, rq->target);
	put(o, " HTTP/1.1\r\n", 11);
	put_field(o, "Host", rq->host);
	if (rq->user_agent)
		put_field(o, "User-Agent", rq->user_agent);
	if (rq->accept_encoding)
		put_field(o, "Accept-Encoding", rq->accept_encoding);
	for (i = 0; i < rq->nfields; i++) {
		puts0(o, rq->fields[i]);
		put(o, "\r\n", 2);
	}
	if (rq->body) {
		if (rq->content_type)
			put_field(o, "Content-Type", rq->content_type);
		put(o, "Content-Length: ", 16);
		put_u64(o, rq->body_len);
		put(o, "\r\n", 2);
	}
	put(o, "\r\n", 2);
	if (rq->body)
		put(o, (const char *)rq->body, rq->body_len);
}

int
http_request_write(const struct http_request *rq, char *buf, size_t cap,
    size_t *len)
{
	struct out o = { NULL, 0 };
	const char *p;
	size_t i;

	*len = 0;
	if (rq->method == NULL || rq->target == NULL || rq->host == NULL ||
	    rq->method[0] == '\0' || rq->target[0] == '\0' ||
	    rq->host[0] == '\0' || (rq->nfields && rq->fields == NULL))
		return HTTP_E_ARG;
	for (p = rq->method; *p; p++)
		if (!is_tchar((unsigned char)*p))
			return HTTP_E_FIELD;
	for (p = rq->target; *p; p++)
		if ((unsigned char)*p <= ' ' || *p == 0x7f)
			return HTTP_E_FIELD;
	if (!clean(rq->host) || (rq->user_agent && !clean(rq->user_agent)) ||
	    (rq->accept_encoding && !clean(rq->accept_encoding)) ||
	    (rq->content_type && !clean(rq->content_type)))
		return HTTP_E_FIELD;
	for (i = 0; i < rq->nfields; i++)
		if (rq->fields[i] == NULL || !clean(rq->fields[i]) ||
		    strchr(rq->fields[i], ':') == NULL)
			return HTTP_E_FIELD;
	compose(rq, &o);
	*len = o.len;
	if (buf == NULL || o.len > cap)
		return HTTP_E_TOO_SMALL;
	o.buf = buf;
	o.len = 0;
	compose(rq, &o);
	return 0;
}

/* ---- URLs ---------------------------------------------------------------- */

int
http_url_parse(const char *url, struct http_url *u)
{
	const char *p = url, *end;
	size_t i;

	memset(u, 0, sizeof *u);
	if (eq_lit(p, 8, "https://") && strlen(p) >= 8) {
		u->tls = 1;
		u->port = 443;
		p += 8;
	} else if (eq_lit(p, 7, "http://") && strlen(p) >= 7) {
		u->port = 80;
		p += 7;
	} else {
		return HTTP_E_URL;
	}
	end = p + strcspn(p, "/?#");
	if (*end == '#' || memchr(p, '@', (size_t)(end - p)) != NULL)
		return HTTP_E_URL;
	if (*p == '[') {
		const char *rb = memchr(p, ']', (size_t)(end - p));

		if (rb == NULL || rb == p + 1)
			return HTTP_E_URL;
		u->host = p + 1;
		u->host_len = (size_t)(rb - p - 1);
		p = rb + 1;
	} else {
		const char *colon = memchr(p, ':', (size_t)(end - p));

		u->host = p;
		u->host_len = (size_t)((colon ? colon : end) - p);
		p += u->host_len;
		for (i = 0; i < u->host_len; i++) {
			unsigned char c = (unsigned char)u->host[i];

			if (!is_tchar(c) || c == '%')
				return HTTP_E_URL;
		}
	}
	if (u->host_len == 0)
		return HTTP_E_URL;
	if (p < end) {
		uint64_t port;

		if (*p != ':' || parse_u64(p + 1, (size_t)(end - p - 1), 65535,
		    &port) != 0 || port == 0)
			return HTTP_E_URL;
		u->port = (unsigned)port;
		u->port_given = 1;
	}
	if (strchr(end, '#') != NULL)
		return HTTP_E_URL;
	for (p = end; *p; p++)
		if ((unsigned char)*p <= ' ' || *p == 0x7f)
			return HTTP_E_URL;
	u->target = *end == '/' ? end : "/";
	u->target_len = *end == '/' ? strlen(end) : 1;
	if (*end == '?')	/* "http://h?x": target "/?x" is not in place */
		return HTTP_E_URL;
	return 0;
}

/* ---- response head parser ---------------------------------------------- */

static void
reset_head(struct http_resp *r)
{
	r->status = 0;
	r->minor = 0;
	r->framing = HTTP_BODY_CLOSE;
	r->coding = HTTP_CODING_IDENTITY;
	r->ctype = HTTP_CTYPE_NONE;
	r->content_length = -1;
	r->date = -1;
	r->retry_after = -1;
	r->retry_after_date = -1;
	r->rate_limit = -1;
	r->rate_remaining = -1;
	r->rate_reset = -1;
	r->reason = NULL;
	r->reason_len = 0;
	r->location = NULL;
	r->location_len = 0;
	r->nheaders = 0;
	r->len = 0;
	r->line = 0;
	r->state = S_STATUS;
	r->cl_seen = 0;
	r->te_seen = 0;
}

void
http_resp_init(struct http_resp *r, char *buf, size_t cap,
    struct http_header *headers, size_t maxheaders, int head_only)
{
	r->buf = buf;
	r->cap = cap;
	r->headers = headers;
	r->maxheaders = maxheaders;
	r->head_only = head_only;
	r->err = 0;
	reset_head(r);
}

static int
fail(struct http_resp *r, int err)
{
	r->err = err;
	return err;
}

static int
parse_status(struct http_resp *r, const char *s, size_t n)
{
	size_t i;

	if (n < 6 || memcmp(s, "HTTP/", 5) != 0)
		return HTTP_E_STATUS_LINE;
	if (n < 8 || s[5] != '1' || s[6] != '.' ||
	    !is_digit((unsigned char)s[7]))
		return is_digit((unsigned char)s[5]) ? HTTP_E_VERSION :
		    HTTP_E_STATUS_LINE;
	if (n < 12)
		return HTTP_E_STATUS_LINE;
	if (s[8] != ' ' || !is_digit((unsigned char)s[9]) ||
	    !is_digit((unsigned char)s[10]) || !is_digit((unsigned char)s[11]))
		return HTTP_E_STATUS_LINE;
	r->minor = s[7] - '0';
	r->status = num_at(s + 9, 3);
	if (r->status < 100 || r->status > 599)
		return HTTP_E_STATUS_LINE;
	if (n > 12 && s[12] != ' ')
		return HTTP_E_STATUS_LINE;
	for (i = 13; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if ((c < 0x20 && c != '\t') || c == 0x7f)
			return HTTP_E_STATUS_LINE;
	}
	r->reason = n > 13 ? s + 13 : s + n;
	r->reason_len = n > 13 ? n - 13 : 0;
	return 0;
}

static int
set_content_length(struct http_resp *r, const char *v, size_t n)
{
	while (n) {
		size_t elen;
		const char *e = next_elem(&v, &n, &elen);
		uint64_t x;
		int rc = parse_u64(e, elen, INT64_MAX, &x);

		if (rc == -1)
			return HTTP_E_CL_BAD;
		if (rc == -2)
			return HTTP_E_CL_RANGE;
		if (r->cl_seen && (uint64_t)r->content_length != x)
			return HTTP_E_CL_CONFLICT;
		r->content_length = (int64_t)x;
		r->cl_seen = 1;
	}
	return r->cl_seen ? 0 : HTTP_E_CL_BAD;
}

static int
set_transfer_encoding(struct http_resp *r, const char *v, size_t n)
{
	while (n) {
		size_t elen;
		const char *e = next_elem(&v, &n, &elen);

		if (elen == 0)
			continue;
		/* chunked must be the only coding, applied once. */
		if (!eq_lit(e, elen, "chunked") || r->te_seen)
			return HTTP_E_TE;
		r->te_seen = 1;
	}
	return r->te_seen ? 0 : HTTP_E_TE;
}

static int
set_content_encoding(struct http_resp *r, const char *v, size_t n)
{
	int seen = 0;

	while (n) {
		size_t elen;
		const char *e = next_elem(&v, &n, &elen);

		if (elen == 0 || eq_lit(e, elen, "identity"))
			continue;
		if (seen || r->coding != HTTP_CODING_IDENTITY)
			return HTTP_E_ENCODING;	/* stacked codings */
		if (eq_lit(e, elen, "gzip") || eq_lit(e, elen, "x-gzip"))
			r->coding = HTTP_CODING_GZIP;
		else if (eq_lit(e, elen, "deflate"))
			r->coding = HTTP_CODING_DEFLATE;
		else
			return HTTP_E_ENCODING;
		seen = 1;
	}
	return 0;
}

static void
set_content_type(struct http_resp *r, const char *v, size_t n)
{
	const char *semi = memchr(v, ';', n);
	size_t len = semi ? (size_t)(semi - v) : n;

	v = trim(v, &len);
	if (eq_lit(v, len, "text/event-stream"))
		r->ctype = HTTP_CTYPE_EVENT_STREAM;
	else if (eq_lit(v, len, "application/json") ||
	    eq_lit(v, len, "application/x-ndjson") ||
	    eq_lit(v, len, "application/ndjson") ||
	    eq_lit(v, len, "application/x-json-stream") ||
	    eq_lit(v, len, "application/stream+json") ||
	    (len > 5 && eq_lit(v + len - 5, 5, "+json")))
		r->ctype = HTTP_CTYPE_JSON;
	else
		r->ctype = HTTP_CTYPE_OTHER;
}

/* Numeric headers that are advisory: an invalid value is ignored. */
static int64_t
advisory_num(const char *v, size_t n)
{
	uint64_t x;

	return parse_u64(v, n, INT64_MAX, &x) == 0 ? (int64_t)x : -1;
}

static int
interpret(struct http_resp *r, const char *name, size_t nl, const char *v,
    size_t vl)
{
	if (eq_lit(name, nl, "content-length"))
		return set_content_length(r, v, vl);
	if (eq_lit(name, nl, "transfer-encoding"))
		return set_transfer_encoding(r, v, vl);
	if (eq_lit(name, nl, "content-encoding"))
		return set_content_encoding(r, v, vl);
	if (eq_lit(name, nl, "content-type"))
		set_content_type(r, v, vl);
	else if (eq_lit(name, nl, "date"))
		r->date = http_date_parse(v, vl);
	else if (eq_lit(name, nl, "retry-after")) {
		r->retry_after = advisory_num(v, vl);
		if (r->retry_after < 0)
			r->retry_after_date = http_date_parse(v, vl);
	} else if (eq_lit(name, nl, "x-rate-limit-limit"))
		r->rate_limit = advisory_num(v, vl);
	else if (eq_lit(name, nl, "x-rate-limit-remaining"))
		r->rate_remaining = advisory_num(v, vl);
	else if (eq_lit(name, nl, "x-rate-limit-reset"))
		r->rate_reset = advisory_num(v, vl);
	else if (eq_lit(name, nl, "location")) {
		r->location = v;
		r->location_len = vl;
	}
	return 0;
}

static int
parse_header(struct http_resp *r, const char *s, size_t n)
{
	size_t i = 0, vl;
	const char *v;
	struct http_header *h;

	if (is_ows((unsigned char)s[0]))
		return HTTP_E_OBS_FOLD;
	while (i < n && is_tchar((unsigned char)s[i]))
		i++;
	if (i == 0 || i == n || s[i] != ':')
		return HTTP_E_HEADER_SYNTAX;
	v = s + i + 1;
	vl = n - i - 1;
	v = trim(v, &vl);
	for (n = 0; n < vl; n++) {
		unsigned char c = (unsigned char)v[n];

		if ((c < 0x20 && c != '\t') || c == 0x7f)
			return HTTP_E_HEADER_VALUE;
	}
	if (r->nheaders == r->maxheaders)
		return HTTP_E_TOO_MANY_HEADERS;
	h = &r->headers[r->nheaders++];
	h->name = s;
	h->name_len = (unsigned short)i;
	h->value = v;
	h->value_len = (unsigned short)vl;
	return interpret(r, s, i, v, vl);
}

/* The empty line: decide the body framing. */
static void
end_of_head(struct http_resp *r)
{
	if (r->head_only || r->status == 204 || r->status == 304 ||
	    r->status < 200)
		r->framing = HTTP_BODY_NONE;
	else if (r->te_seen)
		r->framing = HTTP_BODY_CHUNKED;
	else if (r->cl_seen)
		r->framing = HTTP_BODY_LENGTH;
	else
		r->framing = HTTP_BODY_CLOSE;
}

/* One complete line buf[line..len) including its LF.  Returns 0, an
 * error, or HTTP_DONE. */
static int
parse_line(struct http_resp *r)
{
	const char *s = r->buf + r->line;
	size_t n = r->len - r->line - 1;	/* drop the LF */

	if (n && s[n - 1] == '\r')
		n--;
	if (memchr(s, '\r', n) != NULL)
		return HTTP_E_BARE_CR;
	if (r->state == S_STATUS) {
		r->state = S_HEADERS;
		return parse_status(r, s, n);
	}
	if (n > 0)
		return parse_header(r, s, n);
	end_of_head(r);
	/* Interim responses are skipped; 101 switches protocols and ends. */
	if (r->status < 200 && r->status != 101) {
		reset_head(r);
		return 0;
	}
	r->state = S_DONE;
	return HTTP_DONE;
}

int
http_push(struct http_resp *r, const unsigned char *p, size_t n,
    size_t *used)
{
	size_t i = 0;
	int rc;

	*used = 0;
	if (r->err)
		return r->err;
	if (r->state == S_DONE)
		return HTTP_DONE;
	while (i < n) {
		const unsigned char *lf = memchr(p + i, '\n', n - i);
		size_t take = lf ? (size_t)(lf - (p + i)) + 1 : n - i;
		size_t room_line = HTTP_LINE_MAX + 2 - (r->len - r->line);
		size_t room_cap = r->cap - r->len;

		/* Whichever limit the bytes reach first decides the error,
		 * so the verdict does not depend on how input is sliced;
		 * *used stops exactly at that limit, for the same reason. */
		if (take > room_line || take > room_cap) {
			*used = i + (room_line < room_cap ? room_line :
			    room_cap);
			return fail(r, room_line < room_cap ?
			    HTTP_E_LINE_TOO_LONG : HTTP_E_HEAD_TOO_BIG);
		}
		memcpy(r->buf + r->len, p + i, take);
		r->len += take;
		i += take;
		if (lf == NULL)
			break;
		rc = parse_line(r);
		r->line = r->len;
		if (rc < 0) {
			*used = i;
			return fail(r, rc);
		}
		if (rc == HTTP_DONE) {
			*used = i;
			return HTTP_DONE;
		}
	}
	*used = i;
	return 0;
}

const struct http_header *
http_header_find(const struct http_resp *r, const char *name)
{
	size_t i;

	for (i = 0; i < r->nheaders; i++)
		if (eq_lit(r->headers[i].name, r->headers[i].name_len, name))
			return &r->headers[i];
	return NULL;
}
