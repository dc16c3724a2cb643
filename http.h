/* http -- HTTP/1.1 request writer and response-head push parser.
 * MIT licensed, see LICENSE.  Vendorable: needs only this header and libc.
 *
 * Writer: http_request_write() measures the request first and writes it
 * only if it fits the caller's buffer, so a request is never truncated.
 * Field values containing CR, LF or NUL are refused (header injection).
 *
 * Parser: http_push() takes the response as it arrives, in slices cut
 * anywhere, copies the head into the caller's buffer (the head must fit;
 * that is the head-size limit) and parses each line as it completes.  When
 * the empty line ends the head it returns HTTP_DONE with *used counting
 * only head bytes: what follows is body, for the decoder chosen from
 * `framing`.  Interim 1xx responses (other than 101) are parsed and
 * discarded, as RFC 9110 section 15.2 asks of a client.
 *
 * Decisions, documented because the RFC leaves them to the recipient:
 *  - a bare LF ends a line (RFC 9112 section 2.2 allows it); a CR not
 *    followed by LF is HTTP_E_BARE_CR;
 *  - obs-fold (a line starting with SP or HTAB) is HTTP_E_OBS_FOLD;
 *  - Content-Length repeated with equal values (also "5, 5") is accepted,
 *    different values are HTTP_E_CL_CONFLICT;
 *  - Transfer-Encoding: only "chunked" is understood; if it is present its
 *    framing wins over any Content-Length (RFC 9112 section 6.3 rule 3);
 *    any other transfer coding is HTTP_E_TE;
 *  - Content-Encoding: identity, gzip, x-gzip, deflate; anything else is
 *    HTTP_E_ENCODING (the caller can still inspect the value);
 *  - no body for 204, 304 and responses to HEAD (the caller says which
 *    method it sent).
 *
 * Memory: sizeof(struct http_resp) is 168 bytes on LP64, plus the caller's
 * head buffer (HTTP_HEAD_MAX by default) and header array.
 */
#ifndef HTTP_H
#define HTTP_H

#include <stddef.h>
#include <stdint.h>

#ifndef HTTP_HEAD_MAX
#define HTTP_HEAD_MAX 8192	/* suggested head buffer size */
#endif
#ifndef HTTP_LINE_MAX
#define HTTP_LINE_MAX 4096	/* longest status or header line */
#endif
#ifndef HTTP_HEADERS_MAX
#define HTTP_HEADERS_MAX 64	/* suggested header array size */
#endif

/* Events (positive). */
#define HTTP_DONE 1		/* the response head is complete */

/* Errors: sticky until http_resp_init().  Range -40 .. -59. */
#define HTTP_ERRORS(X) \
	X(HTTP_E_STATUS_LINE, -40, "malformed HTTP status line") \
	X(HTTP_E_VERSION, -41, "unsupported HTTP version (want HTTP/1.x)") \
	X(HTTP_E_HEAD_TOO_BIG, -42, "HTTP response head too large") \
	X(HTTP_E_LINE_TOO_LONG, -43, "HTTP header line too long") \
	X(HTTP_E_TOO_MANY_HEADERS, -44, "too many HTTP header fields") \
	X(HTTP_E_HEADER_SYNTAX, -45, "malformed HTTP header field") \
	X(HTTP_E_HEADER_VALUE, -46, "control character in HTTP header value") \
	X(HTTP_E_OBS_FOLD, -47, "obsolete line folding in HTTP header") \
	X(HTTP_E_BARE_CR, -48, "CR not followed by LF in HTTP head") \
	X(HTTP_E_CL_BAD, -49, "malformed Content-Length") \
	X(HTTP_E_CL_RANGE, -50, "Content-Length too large") \
	X(HTTP_E_CL_CONFLICT, -51, "conflicting Content-Length values") \
	X(HTTP_E_TE, -52, "unsupported Transfer-Encoding") \
	X(HTTP_E_ENCODING, -53, "unsupported Content-Encoding") \
	X(HTTP_E_TOO_SMALL, -54, "buffer too small for the HTTP request") \
	X(HTTP_E_FIELD, -55, "CR, LF or NUL in an HTTP request field") \
	X(HTTP_E_ARG, -56, "invalid argument to the HTTP writer") \
	X(HTTP_E_URL, -57, "malformed URL (want http:// or https://host[:port]/path)")

enum http_error {
#define HTTP_ENUM(name, code, text) name = code,
	HTTP_ERRORS(HTTP_ENUM)
#undef HTTP_ENUM
	HTTP_E_NONE = 0
};

/* ---- request writer ---------------------------------------------------- */

struct http_request {
	const char *method;		/* "GET", "POST" */
	const char *target;		/* origin-form: "/path?query" */
	const char *host;		/* Host value, with ":port" if not default */
	const char *user_agent;		/* NULL: no User-Agent */
	const char *accept_encoding;	/* NULL: no Accept-Encoding */
	const char *const *fields;	/* extra "Name: value" lines, no CRLF */
	size_t nfields;
	const char *content_type;	/* with a body; NULL: none sent */
	const unsigned char *body;	/* sent with Content-Length if non-NULL */
	size_t body_len;
};

/* Writes the request head (and body, if any) into buf[0..cap).  *len is
 * always set to the size the request needs.  Returns 0 when written;
 * HTTP_E_TOO_SMALL when cap < *len, with nothing written (call with cap 0
 * to measure); HTTP_E_FIELD when a value holds CR, LF or NUL; HTTP_E_ARG
 * when method, target or host is missing.  "Connection: close" is not
 * sent: a stream client keeps its one connection for the whole stream. */
int http_request_write(const struct http_request *rq, char *buf, size_t cap,
    size_t *len);

/* ---- URLs ---------------------------------------------------------------- */

/* An absolute http or https URL split in place: pointers into the caller's
 * string, not NUL-terminated. */
struct http_url {
	int tls;			/* https */
	const char *host;		/* without brackets for IPv6 */
	size_t host_len;
	unsigned port;			/* explicit, or 80 / 443 */
	int port_given;
	const char *target;		/* "/path?query", "/" when empty */
	size_t target_len;
};

/* Parses an absolute http:// or https:// URL (scheme case-insensitive;
 * host a name, IPv4 or [IPv6]; optional :port 1..65535; userinfo and
 * fragments refused).  Returns 0 or HTTP_E_URL. */
int http_url_parse(const char *url, struct http_url *u);

/* ---- response head parser ---------------------------------------------- */

/* A header field: name and value point into the caller's head buffer; the
 * value has surrounding whitespace removed.  Neither is NUL-terminated. */
struct http_header {
	const char *name;
	const char *value;
	unsigned short name_len;
	unsigned short value_len;
};

enum http_framing {
	HTTP_BODY_NONE,		/* 1xx, 204, 304, HEAD: no body */
	HTTP_BODY_LENGTH,	/* exactly content_length bytes */
	HTTP_BODY_CHUNKED,	/* chunked transfer coding: feed chunk.c */
	HTTP_BODY_CLOSE		/* until the server closes the connection */
};

enum http_coding {
	HTTP_CODING_IDENTITY,
	HTTP_CODING_GZIP,	/* gzip, x-gzip */
	HTTP_CODING_DEFLATE	/* zlib-wrapped or raw: inflate auto-detects */
};

enum http_ctype {
	HTTP_CTYPE_NONE,	/* no Content-Type */
	HTTP_CTYPE_JSON,	/* application/json, application/x-ndjson... */
	HTTP_CTYPE_EVENT_STREAM,	/* text/event-stream */
	HTTP_CTYPE_OTHER
};

struct http_resp {
	/* Results, valid after HTTP_DONE. */
	int status;			/* 100..599 */
	int minor;			/* HTTP/1.minor */
	enum http_framing framing;
	enum http_coding coding;
	enum http_ctype ctype;
	int64_t content_length;		/* -1: none */
	int64_t date;			/* Date, Unix seconds; -1: none/bad */
	int64_t retry_after;		/* delay seconds; -1: none */
	int64_t retry_after_date;	/* Retry-After as a date; -1: none */
	int64_t rate_limit;		/* x-rate-limit-limit; -1: none */
	int64_t rate_remaining;		/* x-rate-limit-remaining; -1: none */
	int64_t rate_reset;		/* x-rate-limit-reset (epoch); -1 */
	const char *reason;		/* reason phrase, in the buffer */
	size_t reason_len;
	const char *location;		/* Location value or NULL */
	size_t location_len;
	struct http_header *headers;	/* caller's array: all fields */
	size_t nheaders;

	/* Parser state: do not touch. */
	char *buf;
	size_t cap, len, line;		/* buffer, bytes held, line start */
	size_t maxheaders;
	int state;
	int err;
	int head_only;
	int cl_seen, te_seen;
};

/* Resets r (the only way to clear an error) for a new response.
 * buf[0..cap) receives the head (HTTP_HEAD_MAX is a sane size); headers
 * [0..maxheaders) receives its fields.  Both MUST outlive r's use.
 * head_only: the request was HEAD, so no body follows whatever the
 * headers say. */
void http_resp_init(struct http_resp *r, char *buf, size_t cap,
    struct http_header *headers, size_t maxheaders, int head_only);

/* Parses p[0..n).  Returns 0 when all n bytes were consumed and more are
 * needed; HTTP_DONE when the head is complete (*used bytes belonged to
 * it; the rest of the slice is body); a negative HTTP_E_* error (sticky).
 * After HTTP_DONE, further calls return HTTP_DONE and consume nothing. */
int http_push(struct http_resp *r, const unsigned char *p, size_t n,
    size_t *used);

/* The first field named `name` (case-insensitive), or NULL. */
const struct http_header *http_header_find(const struct http_resp *r,
    const char *name);

/* Parses an HTTP-date (IMF-fixdate, RFC 850 or asctime form) to Unix
 * seconds.  Returns -1 when s[0..n) is not a valid date. */
int64_t http_date_parse(const char *s, size_t n);

/* The sticky error, or 0. */
static inline int
http_error(const struct http_resp *r)
{
	return r->err;
}

#endif
