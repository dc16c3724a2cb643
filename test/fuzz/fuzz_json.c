/* sluice fuzz harness: json.c against yajl 2 (Debian libyajl-dev), which
 * in its default configuration is a strict RFC 8259 parser (no comments,
 * no trailing garbage, no multiple values, UTF-8 checked).  MIT licensed.
 * libFuzzer:  make fuzz   (or see the Makefile's fuzz target)
 *
 * Checked on every input:
 *  - json_parse with tokens and validate-only agree (code and offset);
 *  - tokens are well formed: inside the input, skips nest properly;
 *  - accept/reject agrees with yajl, except for the documented classes
 *    where yajl is laxer or differently limited -- each excluded only when
 *    the input really contains that class (checked here independently):
 *      1. invalid UTF-8: yajl checks only the byte pattern of a sequence
 *         (it accepts overlongs, UTF-8-encoded surrogates, > U+10FFFF);
 *      2. \u escapes of surrogates: yajl accepts lone or misordered ones;
 *      3. nesting deeper than JSON_DEPTH_MAX (yajl's limit is higher);
 *      4. trailing garbage that is itself the start of an unfinished value
 *         ('{}"', '1 tr', '[] -'): yajl's lexer reports such a fragment as
 *         "need more input", so it misses the garbage at the end;
 *      5. VT and FF between tokens: yajl takes them for whitespace, RFC
 *         8259 does not (excluded when our first error is such a byte).
 *    Nothing else is excluded; any other disagreement aborts.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <yajl/yajl_parse.h>

#include "json.h"

#define NT 65536
static struct json_tok toks[NT];

/* Strict UTF-8 check by decoding, written independently of json.c. */
static int
utf8_ok(const uint8_t *p, size_t n)
{
	size_t i = 0, k, len;
	uint32_t c, min;

	while (i < n) {
		c = p[i];
		if (c < 0x80) {
			i++;
			continue;
		}
		if ((c & 0xe0) == 0xc0) {
			len = 2; c &= 0x1f; min = 0x80;
		} else if ((c & 0xf0) == 0xe0) {
			len = 3; c &= 0x0f; min = 0x800;
		} else if ((c & 0xf8) == 0xf0) {
			len = 4; c &= 0x07; min = 0x10000;
		} else {
			return 0;
		}
		if (n - i < len)
			return 0;
		for (k = 1; k < len; k++) {
			if ((p[i + k] & 0xc0) != 0x80)
				return 0;
			c = c << 6 | (p[i + k] & 0x3f);
		}
		if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
			return 0;
		i += len;
	}
	return 1;
}

/* Does the input contain a \u escape of a surrogate (\uD800-\uDFFF)? */
static int
has_surrogate_escape(const uint8_t *p, size_t n)
{
	size_t i;

	for (i = 0; i + 3 < n; i++)
		if (p[i] == '\\' && p[i + 1] == 'u' &&
		    (p[i + 2] | 0x20) == 'd' &&
		    ((p[i + 3] >= '8' && p[i + 3] <= '9') ||
		    ((p[i + 3] | 0x20) >= 'a' && (p[i + 3] | 0x20) <= 'f')))
			return 1;
	return 0;
}

static int
too_deep(const uint8_t *p, size_t n)
{
	size_t i, open = 0;

	for (i = 0; i < n; i++)
		open += p[i] == '[' || p[i] == '{';
	return open > JSON_DEPTH_MAX;
}

static int
yajl_accepts(const uint8_t *p, size_t n)
{
	yajl_handle h = yajl_alloc(NULL, NULL, NULL);
	yajl_status st;

	st = yajl_parse(h, p, n);
	if (st == yajl_status_ok)
		st = yajl_complete_parse(h);
	yajl_free(h);
	return st == yajl_status_ok;
}

static void
check_tokens(const uint8_t *p, size_t n, int r)
{
	int i;

	(void)p;
	for (i = 0; i < r; i++) {
		int sk = json_skip(&toks[i]);

		if ((size_t)toks[i].start + toks[i].len > n || sk < 1 ||
		    i + sk > r || json_type(&toks[i]) == JSON_NONE)
			abort();
	}
	if (json_skip(&toks[0]) != r)
		abort();
}

/* Is our rejection (code r at offset pos) one of the documented classes
 * where yajl is laxer? */
static int
excused(const uint8_t *p, size_t n, int r, size_t pos, int nested)
{
	struct json j;
	int rr;

	if (r == JSON_E_UTF8 && !utf8_ok(p, n))
		return 1;
	if (r == JSON_E_SURROGATE && has_surrogate_escape(p, n))
		return 1;
	if (r == JSON_E_DEPTH && too_deep(p, n))
		return 1;
	if ((r == JSON_E_CHAR || r == JSON_E_TRAILING) && pos < n &&
	    (p[pos] == '\v' || p[pos] == '\f'))
		return 1;
	if (r == JSON_E_TRAILING && !nested) {
		/* The garbage: an unfinished value (by our rules, or by
		 * yajl's laxer ones above) is "need more" to yajl. */
		rr = json_parse(&j, (const char *)p + pos, n - pos, NULL, 0);
		if (rr == JSON_E_EOF)
			return 1;
		if (rr < 0)
			return excused(p + pos, n - pos, rr, json_error_pos(&j),
			    1);
	}
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *p, size_t n);

int
LLVMFuzzerTestOneInput(const uint8_t *p, size_t n)
{
	struct json j, j2;
	int r, r2, ours, theirs;

	r = json_parse(&j, (const char *)p, n, toks, NT);
	r2 = json_parse(&j2, (const char *)p, n, NULL, 0);
	if (r != JSON_E_TOKENS && (r != r2 ||
	    (r < 0 && json_error_pos(&j) != json_error_pos(&j2))))
		abort();
	if (r < 0 && json_error_pos(&j) > n)
		abort();
	if (r > 0)
		check_tokens(p, n, r);
	ours = r2 > 0;
	theirs = yajl_accepts(p, n);
	if (ours == theirs)
		return 0;
	if (!ours && excused(p, n, r2, json_error_pos(&j2), 0))
		return 0;
	abort();
}
