/* libFuzzer target: http.c response-head parser, whole against random
 * splits.  MIT licensed.
 *
 * Input byte 0 holds flags (bit 0: the request was HEAD; bit 1: a small
 * head buffer, 256 bytes, to reach HTTP_E_HEAD_TOO_BIG); the rest is the
 * response.  Both runs must agree on the code, the bytes consumed and
 * every parsed result (status, version, framing, coding, content type,
 * lengths, dates, rate limits, reason, Location, every field).  Every
 * field value is also run through http_date_parse(), and the input
 * through http_url_parse() as a string.
 */
#include "fuzz.h"
#include "http.h"

static void
hdr(struct fz_log *l, const char *p, size_t n)
{
	fz_str(l, p, p ? n : 0);
}

static void
run(const uint8_t *data, size_t size, int flags, int whole,
    struct fz_log *log)
{
	static char buf[HTTP_HEAD_MAX];
	static struct http_header h[HTTP_HEADERS_MAX];
	struct http_resp r;
	struct fz_split sp;
	size_t off = 0, used, i, cap = flags & 2 ? 256 : sizeof buf;
	int rc = 0;

	fz_split_init(&sp, data, size, whole);
	http_resp_init(&r, buf, cap, h, HTTP_HEADERS_MAX, flags & 1);
	while (off < size) {
		size_t t = fz_take(&sp, size - off);

		rc = http_push(&r, data + off, t, &used);
		if (used > t)
			abort();
		off += used;
		if (rc != 0)
			break;
		if (used != t)
			abort();
	}
	fz_num(log, rc);
	fz_num(log, (int64_t)off);
	if (rc < 0) {
		if (http_push(&r, data, size, &used) != rc || used != 0 ||
		    http_error(&r) != rc)
			abort();
		return;
	}
	if (rc != HTTP_DONE)
		return;
	if (http_push(&r, data, size, &used) != HTTP_DONE || used != 0)
		abort();
	if (r.status < 100 || r.status > 599)
		abort();
	fz_num(log, r.status);
	fz_num(log, r.minor);
	fz_num(log, r.framing);
	fz_num(log, r.coding);
	fz_num(log, r.ctype);
	fz_num(log, r.content_length);
	fz_num(log, r.date);
	fz_num(log, r.retry_after);
	fz_num(log, r.retry_after_date);
	fz_num(log, r.rate_limit);
	fz_num(log, r.rate_remaining);
	fz_num(log, r.rate_reset);
	hdr(log, r.reason, r.reason_len);
	hdr(log, r.location, r.location_len);
	fz_num(log, (int64_t)r.nheaders);
	if (r.nheaders > HTTP_HEADERS_MAX)
		abort();
	for (i = 0; i < r.nheaders; i++) {
		const char *nm = h[i].name, *v = h[i].value;

		/* the fields point into the head buffer */
		if (nm < buf || nm + h[i].name_len > buf + cap ||
		    v < buf || v + h[i].value_len > buf + cap)
			abort();
		hdr(log, nm, h[i].name_len);
		hdr(log, v, h[i].value_len);
		fz_num(log, http_date_parse(v, h[i].value_len));
	}
	fz_num(log, http_header_find(&r, "content-type") != NULL);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fz_log a = { 0 }, b = { 0 };
	struct http_url u;
	char *s;
	int flags;

	if (size < 1)
		return 0;
	flags = data[0];
	run(data + 1, size - 1, flags, 1, &a);
	run(data + 1, size - 1, flags, 0, &b);
	fz_same(&a, &b);
	fz_free(&a);
	fz_free(&b);
	s = malloc(size);
	if (s == NULL)
		abort();
	memcpy(s, data + 1, size - 1);
	s[size - 1] = '\0';
	if (http_url_parse(s, &u) == 0 &&
	    (u.host < s || u.host + u.host_len > s + size))
		abort();
	free(s);
	return 0;
}
