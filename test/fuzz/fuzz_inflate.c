/* libFuzzer harness for inflate.c.  MIT licensed, see LICENSE.
 *
 * Build: make fuzz-inflate (clang -fsanitize=fuzzer,address,undefined).
 * The first input byte picks the format and a split seed; the rest is the
 * compressed stream, fed to inflate_push() in random slices (seeded from
 * that byte, so a crash reproduces).  The same bytes go to zlib's
 * inflate() in one piece; the verdicts must agree (zlib's message mapped
 * to our code, as in test/test_inflate.c), and on success the output and
 * the bytes consumed must be identical.  Any disagreement aborts.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "inflate.h"

static unsigned char window[INFLATE_WINDOW];
static unsigned char window_fast[INFLATE_WINDOW_FAST];

struct buf {
	unsigned char *p;
	size_t len, cap;
};

static int
buf_write(void *arg, const unsigned char *p, size_t n)
{
	struct buf *b = arg;

	if (n == 0)
		return 0;
	if (b->len + n > b->cap) {
		size_t cap = b->cap ? b->cap * 2 : 65536;

		while (cap < b->len + n)
			cap *= 2;
		b->p = realloc(b->p, cap);
		if (b->p == NULL)
			abort();
		b->cap = cap;
	}
	memcpy(b->p + b->len, p, n);
	b->len += n;
	return 0;
}

static const struct { const char *msg; int code; } zmap[] = {
	{ "invalid block type", INFLATE_E_BLOCK_TYPE },
	{ "invalid stored block lengths", INFLATE_E_STORED_LEN },
	{ "too many length or distance symbols", INFLATE_E_CODE_LENGTHS },
	{ "invalid bit length repeat", INFLATE_E_CODE_LENGTHS },
	{ "invalid code -- missing end-of-block", INFLATE_E_CODE_LENGTHS },
	{ "invalid code lengths set", -1 },
	{ "invalid literal/lengths set", -1 },
	{ "invalid distances set", -1 },
	{ "invalid literal/length code", INFLATE_E_SYMBOL },
	{ "invalid distance code", INFLATE_E_SYMBOL },
	{ "invalid distance too far back", INFLATE_E_DISTANCE },
	{ "incorrect header check", INFLATE_E_HEADER },
	{ "unknown compression method", INFLATE_E_HEADER },
	{ "invalid window size", INFLATE_E_HEADER },
	{ "unknown header flags set", INFLATE_E_FLAGS },
	{ "header crc mismatch", INFLATE_E_HCRC },
	{ "incorrect data check", -2 },
	{ "incorrect length check", INFLATE_E_ISIZE },
};

static int
ref(int format, const unsigned char *in, size_t n, struct buf *out,
    size_t *consumed)
{
	static unsigned char tmp[65536];
	z_stream s;
	int rc, members = 0;
	size_t i;

	memset(&s, 0, sizeof s);
	if (inflateInit2(&s, format == INFLATE_RAW ? -15 :
	    format == INFLATE_ZLIB ? 15 : 31) != Z_OK)
		abort();
	s.next_in = (unsigned char *)in;
	s.avail_in = (uInt)n;
	for (;;) {
		s.next_out = tmp;
		s.avail_out = sizeof tmp;
		rc = inflate(&s, Z_NO_FLUSH);
		buf_write(out, tmp, sizeof tmp - s.avail_out);
		if (rc == Z_STREAM_END) {
			members++;
			if (format != INFLATE_GZIP || s.avail_in == 0) {
				rc = format == INFLATE_GZIP ? 0 : INFLATE_DONE;
				break;
			}
			inflateReset(&s);
			continue;
		}
		if (rc == Z_NEED_DICT) {
			rc = INFLATE_E_FDICT;
			break;
		}
		if (rc == Z_DATA_ERROR) {
			rc = -3;
			for (i = 0; i < sizeof zmap / sizeof zmap[0]; i++)
				if (strcmp(s.msg, zmap[i].msg) == 0)
					rc = zmap[i].code;
			if (format == INFLATE_GZIP && members > 0 &&
			    strcmp(s.msg, "incorrect header check") == 0)
				rc = INFLATE_E_TRAILING;
			break;
		}
		if (rc == Z_BUF_ERROR || (rc == Z_OK && s.avail_in == 0 &&
		    s.avail_out != 0)) {
			rc = INFLATE_E_TRUNCATED;
			break;
		}
		if (rc != Z_OK)
			abort();
	}
	*consumed = n - s.avail_in;
	inflateEnd(&s);
	return rc;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct buf a = { 0 }, b = { 0 };
	struct inflate z;
	struct sink s = { buf_write, &a };
	uint32_t rng;
	size_t off = 0, used, ub;
	int format, m = 0, r, ok;

	if (size < 1)
		return 0;
	format = data[0] & 3;
	if (format == INFLATE_DEFLATE_AUTO)
		format = INFLATE_RAW;
	rng = 0x9e3779b9u * (data[0] | 1u);
	data++;
	size--;
	if (data[-1] & 16)	/* the ring with slack (chunked copies) */
		inflate_init_size(&z, format, window_fast,
		    sizeof window_fast, s);
	else
		inflate_init(&z, format, window, s);
	if (data[-1] & 4)
		inflate_set_limits(&z, 0, 0);
	while (off < size) {
		size_t take;

		rng = rng * 1103515245u + 12345u;
		take = 1 + (rng >> 16) % (data[-1] & 8 ? 7 : 4096);
		if (take > size - off)
			take = size - off;
		m = inflate_push(&z, data + off, take, &used);
		off += used;
		if (m != 0)
			break;
		if (used != take)
			abort();
	}
	if (m == 0)
		m = inflate_finish(&z);
	else if (m == INFLATE_DONE && inflate_finish(&z) != 0)
		abort();
	r = ref(format, data, size, &b, &ub);
	if (r == -1)
		ok = m == INFLATE_E_CODE_OVERSUB ||
		    m == INFLATE_E_CODE_INCOMPLETE;
	else if (r == -2)
		ok = m == INFLATE_E_CRC || m == INFLATE_E_ADLER;
	else
		ok = m == r;
	if (!ok)
		abort();
	if (m >= 0 && (a.len != b.len || off != ub ||
	    (a.len && memcmp(a.p, b.p, a.len) != 0)))
		abort();
	/* Whatever we produced before an error, zlib produced too. */
	if (a.len > b.len && m != INFLATE_E_TRUNCATED)
		abort();
	if (inflate_total_out(&z) != a.len)
		abort();
	free(a.p);
	free(b.p);
	return 0;
}
