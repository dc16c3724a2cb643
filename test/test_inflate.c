/* Tests for inflate.c.  MIT licensed, see LICENSE.
 *
 * - known-answer streams built by hand (fixed, stored, dynamic, gzip, zlib);
 * - a differential test against zlib (test-only link): >= 2000 generated
 *   inputs, compressed by zlib at levels 0-9, five strategies, window bits
 *   9-15, raw/zlib/gzip, with and without sync/full flushes, decoded whole,
 *   per byte and at random splits; then each stream corrupted and cut, and
 *   the error (mapped from zlib's message) compared with ours;
 * - streams made by real compressors (gzip, pigz, libdeflate-gzip, zopfli,
 *   Python's gzip), multi-member, and headers with FHCRC/FEXTRA/FNAME/
 *   FCOMMENT built here;
 * - the bad-input corpus test/bad/inflate/NAME.ERRNAME.{raw,zlib,gz};
 * - every truncation point of valid streams: need more, never a wrong byte;
 * - limits, sink failure, DEFLATE_AUTO, trailing bytes, stickiness.
 */
#include <dirent.h>
#include <zlib.h>

#include "t.h"
#include "inflate.h"

static unsigned char window[INFLATE_WINDOW];
/* The larger window that lets the fast loop copy in whole chunks; mine()
 * alternates between the two, so every stream of the differential test
 * runs through both copy strategies (the modes of one stream alternate,
 * and the parity moves from stream to stream). */
static unsigned char window_fast[INFLATE_WINDOW_FAST];
static unsigned mine_calls;

/* ---- helpers ---------------------------------------------------------- */

static int
push_fn(void *ctx, const unsigned char *p, size_t n, size_t *used)
{
	return inflate_push(ctx, p, n, used);
}

/* Decodes in[0..n) in the given mode; returns INFLATE_DONE or 0 for a
 * clean end (inflate_finish() == 0), else the error.  *consumed gets the
 * bytes consumed. */
static int
mine(int format, int mode, const unsigned char *in, size_t n,
    struct t_buf *out, size_t *consumed)
{
	struct inflate z;
	struct sink s = { t_buf_write, out };
	size_t used = 0;
	int st;

	t_buf_reset(out);
	if (mine_calls++ & 1)
		inflate_init_size(&z, format, window_fast,
		    sizeof window_fast, s);
	else
		inflate_init(&z, format, window, s);
	st = t_feed(mode, push_fn, &z, in, n, &used, NULL);
	if (consumed)
		*consumed = used;
	if (st == T_E_STUCK)
		return st;
	if (st < 0)
		return st;
	if (inflate_total_out(&z) != out->len ||
	    inflate_total_in(&z) != used)
		return -1000;	/* counters wrong */
	st = st == INFLATE_DONE ? st : inflate_finish(&z);
	return st;
}

static const char *
zmsg_code_name(int code)
{
	static char buf[16];

	snprintf(buf, sizeof buf, "%d", code);
	return buf;
}

/* zlib's verdict mapped to our codes. */
static int
map_zlib(const char *msg)
{
	static const struct { const char *msg; int code; } m[] = {
		{ "invalid block type", INFLATE_E_BLOCK_TYPE },
		{ "invalid stored block lengths", INFLATE_E_STORED_LEN },
		{ "too many length or distance symbols",
		    INFLATE_E_CODE_LENGTHS },
		{ "invalid bit length repeat", INFLATE_E_CODE_LENGTHS },
		{ "invalid code -- missing end-of-block",
		    INFLATE_E_CODE_LENGTHS },
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
	size_t i;

	for (i = 0; i < sizeof m / sizeof m[0]; i++)
		if (msg && strcmp(msg, m[i].msg) == 0)
			return m[i].code;
	return -3;
}

/* zlib's decode of the same input; same return convention as mine(), with
 * error codes mapped.  -1: one of our two Huffman-code errors (zlib does
 * not say which); -2: a check value (ours says which). */
static int
ref(int format, const unsigned char *in, size_t n, struct t_buf *out,
    size_t *consumed)
{
	z_stream s;
	unsigned char buf[65536];
	int wbits, rc, ended = 0, members = 0;

	memset(&s, 0, sizeof s);
	t_buf_reset(out);
	wbits = format == INFLATE_RAW ? -15 : format == INFLATE_ZLIB ? 15 :
	    31;
	if (inflateInit2(&s, wbits) != Z_OK)
		return -5000;
	s.next_in = (unsigned char *)in;
	s.avail_in = (uInt)n;
	for (;;) {
		s.next_out = buf;
		s.avail_out = sizeof buf;
		rc = inflate(&s, Z_NO_FLUSH);
		t_buf_write(out, buf, sizeof buf - s.avail_out);
		if (rc == Z_STREAM_END) {
			members++;
			if (format != INFLATE_GZIP || s.avail_in == 0) {
				ended = 1;
				break;
			}
			inflateReset(&s);
			continue;
		}
		if (rc == Z_NEED_DICT) {
			rc = INFLATE_E_FDICT;
			goto done;
		}
		if (rc == Z_DATA_ERROR) {
			rc = map_zlib(s.msg);
			if (format == INFLATE_GZIP && members > 0 &&
			    strcmp(s.msg, "incorrect header check") == 0)
				rc = INFLATE_E_TRAILING;
			goto done;
		}
		if (rc == Z_BUF_ERROR || (rc == Z_OK && s.avail_in == 0 &&
		    s.avail_out != 0))
			break;
		if (rc != Z_OK) {
			rc = -6000 - rc;
			goto done;
		}
	}
	rc = ended ? 0 : INFLATE_E_TRUNCATED;
	if (ended && format != INFLATE_GZIP)
		rc = INFLATE_DONE;
done:
	if (consumed)
		*consumed = n - s.avail_in;
	inflateEnd(&s);
	return rc;
}

/* Same verdict?  zlib does not tell over-subscribed from incomplete, and
 * says "incorrect data check" for both CRC-32 and Adler-32. */
static int
same_verdict(int m, int r)
{
	if (r == -1)
		return m == INFLATE_E_CODE_OVERSUB ||
		    m == INFLATE_E_CODE_INCOMPLETE;
	if (r == -2)
		return m == INFLATE_E_CRC || m == INFLATE_E_ADLER;
	return m == r;
}

/* zlib compressor with the given parameters; flushes (0 none, 1 sync,
 * 2 full) at random points. */
static int
zcompress(const unsigned char *in, size_t n, int format, int level,
    int strategy, int wbits, int flushes, struct t_buf *out)
{
	z_stream s;
	unsigned char buf[16384];
	size_t off = 0, step;
	int rc, flush;

	memset(&s, 0, sizeof s);
	t_buf_reset(out);
	if (format == INFLATE_RAW)
		wbits = -wbits;
	else if (format == INFLATE_GZIP)
		wbits += 16;
	if (deflateInit2(&s, level, Z_DEFLATED, wbits, 8, strategy) != Z_OK)
		return -1;
	do {
		step = n - off;
		flush = Z_FINISH;
		if (flushes && step > 1) {
			step = 1 + t_rand_below(step < 3000 ? step : 3000);
			flush = flushes == 1 ? Z_SYNC_FLUSH : Z_FULL_FLUSH;
		}
		s.next_in = (unsigned char *)in + off;
		s.avail_in = (uInt)step;
		off += step;
		if (off == n)
			flush = Z_FINISH;
		do {
			s.next_out = buf;
			s.avail_out = sizeof buf;
			rc = deflate(&s, flush);
			t_buf_write(out, buf, sizeof buf - s.avail_out);
		} while (s.avail_out == 0 || (flush == Z_FINISH &&
		    rc != Z_STREAM_END));
	} while (off < n);
	deflateEnd(&s);
	return 0;
}

/* ---- generated data ---------------------------------------------------- */

static const char *const words[] = {
	"stream", "sluice", "router", "the", "a", "of", "water", "gate",
	"\"text\":", "\"id_str\":\"", "https://t.co/", "RT @", "#zig",
	"\\u00e9", " ", " ", ", ", ".\n", "{\"created_at\":\"Mon Nov 23\",",
	"\"user\":{\"screen_name\":\"", "\"}}\r\n", "caf\xc3\xa9 ",
	"\xf0\x9f\x9a\x80",
};

static void
gen(unsigned char *p, size_t n, int kind)
{
	size_t i = 0, k;

	switch (kind) {
	case 0:		/* random bytes */
		for (; i < n; i++)
			p[i] = (unsigned char)t_rand();
		break;
	case 1:		/* highly repetitive, with rare changes */
		for (; i < n; i++)
			p[i] = (unsigned char)("abcab"[i % 5]);
		for (k = 0; k < n / 500; k++)
			p[t_rand_below(n)] = (unsigned char)t_rand();
		break;
	case 2:		/* long runs (RLE) */
		while (i < n) {
			unsigned char c = (unsigned char)t_rand();
			size_t run = 1 + t_rand_below(300);

			for (k = 0; k < run && i < n; k++)
				p[i++] = c;
		}
		break;
	case 3:		/* binary-ish: small values, structured */
		for (; i < n; i++)
			p[i] = (unsigned char)((t_rand() % 7) * (i % 13));
		break;
	default:	/* text / tweet-like JSON from a word list */
		while (i < n) {
			const char *w = words[t_rand_below(sizeof words /
			    sizeof words[0])];
			size_t l = strlen(w);

			if (kind == 5 && (t_rand() & 7) == 0) {
				char num[24];

				snprintf(num, sizeof num, "%llu",
				    (unsigned long long)(t_rand() >> 4));
				w = num;
				l = strlen(num);
				for (k = 0; k < l && i < n; k++)
					p[i++] = (unsigned char)num[k];
				continue;
			}
			for (k = 0; k < l && i < n; k++)
				p[i++] = (unsigned char)w[k];
		}
		break;
	}
}

/* ---- known answers ----------------------------------------------------- */

struct kv {
	const char *name;
	int format;
	const char *in;
	size_t n;
	const char *out;
};

static const struct kv known[] = {
	/* final fixed block, just end-of-block */
	{ "empty_fixed", INFLATE_RAW, "\x03\x00", 2, "" },
	/* final stored block "abc" */
	{ "stored", INFLATE_RAW, "\x01\x03\x00\xfc\xff" "abc", 8, "abc" },
	/* empty non-final stored (sync flush) then final fixed */
	{ "sync_then_fixed", INFLATE_RAW, "\x00\x00\x00\xff\xff\x03\x00",
	    7, "" },
	/* fixed: literals, and "a" then a match at distance 1 */
	{ "fixed_literals", INFLATE_RAW, "\x4b\x4c\x4c\x4c\x04\x00", 6,
	    "aaaa" },
	{ "fixed_match", INFLATE_RAW, "\x4b\x4c\xc4\x04\x00", 5,
	    "aaaaaaaaaaaaaaaaaaaa" },
	/* zlib "hello" (python zlib.compress(b"hello")) */
	{ "zlib_hello", INFLATE_ZLIB,
	    "\x78\x9c\xcb\x48\xcd\xc9\xc9\x07\x00\x06\x2c\x02\x15", 13,
	    "hello" },
	/* gzip of "" (gzip -n) */
	{ "gzip_empty", INFLATE_GZIP,
	    "\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03\x03\x00"
	    "\x00\x00\x00\x00\x00\x00\x00\x00", 20, "" },
	/* the same, twice: two members */
	{ "gzip_two_empty", INFLATE_GZIP,
	    "\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03\x03\x00"
	    "\x00\x00\x00\x00\x00\x00\x00\x00"
	    "\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03\x03\x00"
	    "\x00\x00\x00\x00\x00\x00\x00\x00", 40, "" },
	/* auto: zlib-wrapped and raw */
	{ "auto_zlib", INFLATE_DEFLATE_AUTO,
	    "\x78\x9c\xcb\x48\xcd\xc9\xc9\x07\x00\x06\x2c\x02\x15", 13,
	    "hello" },
	{ "auto_raw", INFLATE_DEFLATE_AUTO, "\xcb\x48\xcd\xc9\xc9\x07\x00",
	    7, "hello" },
	{ "auto_raw_stored", INFLATE_DEFLATE_AUTO,
	    "\x01\x03\x00\xfc\xff" "abc", 8, "abc" },
};

static int
known_answers(void)
{
	struct t_buf out = { 0 };
	size_t i, used;
	int mode, st;

	/* as documented in inflate.h */
	check(sizeof(struct inflate) <= 8000);
	for (i = 0; i < sizeof known / sizeof known[0]; i++) {
		const struct kv *k = &known[i];

		for (mode = 0; mode < T_NMODES; mode++) {
			st = mine(k->format, mode, (const unsigned char *)k->in,
			    k->n, &out, &used);
			if (st < 0)
				fprintf(stderr, "%s/%s: %d\n", k->name,
				    t_mode_name[mode], st);
			check(st == 0 || st == INFLATE_DONE);
			check(used == k->n);
			check(out.len == strlen(k->out));
			check(out.len == 0 ||
			    memcmp(out.p, k->out, out.len) == 0);
		}
	}
	t_buf_free(&out);
	return 0;
}

/* ---- the differential test ------------------------------------------- */

static int
check_one(int format, const unsigned char *data, size_t dn,
    const struct t_buf *comp, int bytes, struct t_buf *out)
{
	size_t used;
	int mode, st, want = format == INFLATE_GZIP ? 0 : INFLATE_DONE;

	for (mode = 0; mode < T_NMODES; mode++) {
		if (mode == T_BYTES && !bytes)
			continue;
		st = mine(format, mode, comp->p, comp->len, out, &used);
		if (st != want || out->len != dn ||
		    (dn && memcmp(out->p, data, dn) != 0)) {
			fprintf(stderr, "format %d mode %s: st %d len "
			    "%zu/%zu\n", format, t_mode_name[mode], st,
			    out->len, dn);
			return 1;
		}
		check(used == comp->len);
	}
	return 0;
}

/* Corrupts a copy of comp and compares our verdict with zlib's. */
static int
corrupt_one(int format, const struct t_buf *comp, struct t_buf *a,
    struct t_buf *b, struct t_buf *tmp)
{
	size_t k, nflip = 1 + t_rand_below(3), ua, ub, cut;
	int m, r, mode = (int)t_rand_below(T_NMODES);

	if (comp->len == 0)
		return 0;
	t_buf_reset(tmp);
	t_buf_write(tmp, comp->p, comp->len);
	for (k = 0; k < nflip; k++)
		tmp->p[t_rand_below(tmp->len)] ^= (unsigned char)
		    (1u << t_rand_below(8));
	cut = (t_rand() & 3) == 0 ? t_rand_below(tmp->len) : tmp->len;
	if (mode == T_BYTES && cut > 5000)
		mode = T_SPLIT;
	m = mine(format, mode, tmp->p, cut, a, &ua);
	r = ref(format, tmp->p, cut, b, &ub);
	if (!same_verdict(m, r)) {
		fprintf(stderr, "corrupt format %d: mine %d zlib %s\n", format,
		    m, zmsg_code_name(r));
		return 1;
	}
	if (m >= 0) {
		check(a->len == b->len);
		check(a->len == 0 || memcmp(a->p, b->p, a->len) == 0);
		check(ua == ub);
	}
	return 0;
}

static int
differential(void)
{
	static const int strategies[] = { Z_DEFAULT_STRATEGY, Z_FILTERED,
	    Z_HUFFMAN_ONLY, Z_RLE, Z_FIXED };
	struct t_buf comp = { 0 }, out = { 0 }, a = { 0 }, b = { 0 };
	unsigned char *data = malloc(3u << 20);
	int i, runs = 0, corrupt = 0;

	check(data != NULL);
	for (i = 0; i < 2100; i++) {
		int format = i % 3, level = i % 10, wbits = 9 + (i / 3) % 7;
		int strategy = strategies[(i / 10) % 5], kind = (i / 7) % 6;
		int flushes = (i / 21) % 3;
		size_t n;
		struct t_buf zout = { 0 };

		if (i % 97 == 5)
			n = (1u << 20) + t_rand_below(1u << 21);
		else if (i % 13 == 0)
			n = t_rand_below(3);	/* empty and 1-byte */
		else if (i % 5 == 0)
			n = t_rand_below(200000);
		else
			n = t_rand_below(9000);
		gen(data, n, kind);
		check(zcompress(data, n, format, level, strategy, wbits,
		    flushes, &comp) == 0);
		if (check_one(format, data, n, &comp, comp.len < 30000, &out))
		{
			fprintf(stderr, "input %d: level %d strategy %d "
			    "wbits %d kind %d flushes %d n %zu\n", i, level,
			    strategy, wbits, kind, flushes, n);
			check(0);
		}
		/* zlib agrees it is clean, consuming the same bytes. */
		check(ref(format, comp.p, comp.len, &zout, NULL) ==
		    (format == INFLATE_GZIP ? 0 : INFLATE_DONE));
		check(zout.len == n);
		t_buf_free(&zout);
		runs++;
		if (comp.len < 300000) {
			if (corrupt_one(format, &comp, &a, &b, &out)) {
				fprintf(stderr, "input %d\n", i);
				check(0);
			}
			corrupt++;
		}
	}
	check(runs >= 2000);
	printf("differential: %d streams, %d corrupted variants\n", runs,
	    corrupt);
	free(data);
	t_buf_free(&comp);
	t_buf_free(&out);
	t_buf_free(&a);
	t_buf_free(&b);
	return 0;
}

/* Random garbage and mutated streams: verdicts agree with zlib. */
static int
garbage(void)
{
	struct t_buf in = { 0 }, a = { 0 }, b = { 0 }, data = { 0 };
	unsigned char buf[4096];
	int i, m, r, format;
	size_t n, ua, ub;

	for (i = 0; i < 3000; i++) {
		format = i % 3;
		n = t_rand_below(sizeof buf);
		gen(buf, n, i % 6);
		t_buf_reset(&in);
		/* A valid header half of the time, so the deflate decoder
		 * sees the garbage. */
		if (format == INFLATE_ZLIB && (i & 2))
			t_buf_write(&in, (const unsigned char *)"\x78\x9c", 2);
		if (format == INFLATE_GZIP && (i & 2))
			t_buf_write(&in, (const unsigned char *)
			    "\x1f\x8b\x08\x00\0\0\0\0\0\3", 10);
		if (i & 4) {
			size_t k;

			/* mostly-valid dynamic blocks, mutated */
			gen(buf, n, 4);
			check(zcompress(buf, n, INFLATE_RAW, 6, 0, 15, 0,
			    &data) == 0);
			for (k = 0; k < 1 + t_rand_below(4); k++)
				if (data.len)
					data.p[t_rand_below(data.len)] =
					    (unsigned char)t_rand();
			t_buf_write(&in, data.p, data.len);
		} else {
			t_buf_write(&in, buf, n);
		}
		m = mine(format, (int)t_rand_below(T_NMODES), in.p, in.len,
		    &a, &ua);
		r = ref(format, in.p, in.len, &b, &ub);
		if (!same_verdict(m, r)) {
			fprintf(stderr, "garbage %d format %d: mine %d zlib "
			    "%d\n", i, format, m, r);
			check(0);
		}
		if (m >= 0) {
			check(a.len == b.len && ua == ub);
			check(a.len == 0 || memcmp(a.p, b.p, a.len) == 0);
		}
	}
	t_buf_free(&in);
	t_buf_free(&a);
	t_buf_free(&b);
	t_buf_free(&data);
	return 0;
}

/* ---- truncation ------------------------------------------------------- */

static int
truncations(void)
{
	struct t_buf comp = { 0 }, out = { 0 };
	unsigned char data[6000];
	int format, st;
	size_t k, used;

	gen(data, sizeof data, 5);
	memset(data + 3000, 'x', 500);	/* a long match run */
	for (format = 0; format < 3; format++) {
		check(zcompress(data, sizeof data, format, 6, 0, 15, 1,
		    &comp) == 0);
		for (k = 0; k < comp.len; k++) {
			st = mine(format, k & 1 ? T_SPLIT : T_WHOLE, comp.p, k,
			    &out, &used);
			check(st == INFLATE_E_TRUNCATED);
			check(used == k);
			check(out.len <= sizeof data);
			check(out.len == 0 ||
			    memcmp(out.p, data, out.len) == 0);
		}
		check(mine(format, T_WHOLE, comp.p, k, &out, &used) >= 0);
		check(out.len == sizeof data);
	}
	t_buf_free(&comp);
	t_buf_free(&out);
	return 0;
}

/* ---- gzip headers built here ----------------------------------------- */

static void
put_le32(struct t_buf *b, uint32_t v)
{
	unsigned char x[4];

	x[0] = (unsigned char)v;
	x[1] = (unsigned char)(v >> 8);
	x[2] = (unsigned char)(v >> 16);
	x[3] = (unsigned char)(v >> 24);
	t_buf_write(b, x, 4);
}

/* A gzip member of data with the given flags (FTEXT 1, FHCRC 2, FEXTRA 4,
 * FNAME 8, FCOMMENT 16); bad_hcrc corrupts the header CRC. */
static void
gzip_member(struct t_buf *b, const unsigned char *data, size_t n, int flg,
    int bad_hcrc)
{
	struct t_buf raw = { 0 };
	size_t start = b->len;
	unsigned char h[10] = { 0x1f, 0x8b, 8, 0, 1, 2, 3, 4, 0, 3 };
	uLong crc;

	h[3] = (unsigned char)flg;
	t_buf_write(b, h, 10);
	if (flg & 4) {
		unsigned char x[2 + 300];
		size_t k;

		x[0] = 44;	/* XLEN 300, little-endian */
		x[1] = 1;
		for (k = 2; k < sizeof x; k++)
			x[k] = (unsigned char)(k * 7);
		t_buf_write(b, x, sizeof x);
	}
	if (flg & 8)
		t_buf_write(b, (const unsigned char *)"name.txt", 9);
	if (flg & 16)
		t_buf_write(b, (const unsigned char *)"a comment\n", 11);
	if (flg & 2) {
		unsigned char x[2];

		crc = crc32(0, b->p + start, (uInt)(b->len - start));
		if (bad_hcrc)
			crc ^= 1;
		x[0] = (unsigned char)crc;
		x[1] = (unsigned char)(crc >> 8);
		t_buf_write(b, x, 2);
	}
	zcompress(data, n, INFLATE_RAW, 6, 0, 15, 0, &raw);
	t_buf_write(b, raw.p, raw.len);
	put_le32(b, (uint32_t)crc32(0, data, (uInt)n));
	put_le32(b, (uint32_t)n);
	t_buf_free(&raw);
}

static int
gzip_headers(void)
{
	struct t_buf gz = { 0 }, out = { 0 }, all = { 0 };
	unsigned char data[3000];
	int flg, mode;
	size_t used, k;

	gen(data, sizeof data, 4);
	for (flg = 0; flg < 32; flg++) {
		t_buf_reset(&gz);
		gzip_member(&gz, data, sizeof data, flg, 0);
		/* then a second member with every flag */
		gzip_member(&gz, data, 100, 31, 0);
		for (mode = 0; mode < T_NMODES; mode++) {
			check(mine(INFLATE_GZIP, mode, gz.p, gz.len, &out,
			    &used) == 0);
			check(out.len == sizeof data + 100);
			check(memcmp(out.p, data, sizeof data) == 0);
			check(memcmp(out.p + sizeof data, data, 100) == 0);
		}
		/* truncated anywhere in the headers: need more */
		for (k = 0; k < 400 && k < gz.len; k++)
			check(mine(INFLATE_GZIP, T_WHOLE, gz.p, k, &out,
			    &used) == INFLATE_E_TRUNCATED);
		check(ref(INFLATE_GZIP, gz.p, gz.len, &all, NULL) == 0);
		check(all.len == sizeof data + 100);
	}
	t_buf_reset(&gz);
	gzip_member(&gz, data, sizeof data, 2 | 8, 1);
	check(mine(INFLATE_GZIP, T_SPLIT, gz.p, gz.len, &out, &used) ==
	    INFLATE_E_HCRC);
	check(ref(INFLATE_GZIP, gz.p, gz.len, &all, NULL) == INFLATE_E_HCRC);
	t_buf_free(&gz);
	t_buf_free(&out);
	t_buf_free(&all);
	return 0;
}

/* ---- real compressors ------------------------------------------------- */

static int
have_tool(const char *name)
{
	char cmd[256];

	snprintf(cmd, sizeof cmd, "command -v %s >/dev/null 2>&1", name);
	return system(cmd) == 0;
}

static int
real_compressors(void)
{
	static const struct { const char *tool, *cmd; } tools[] = {
		{ "gzip", "gzip -1 -c %s > %s" },
		{ "gzip", "gzip -9 -c %s > %s" },
		{ "gzip", "gzip -6 -c %s > %s; gzip -1 -c %s >> %s" },
		{ "pigz", "pigz -6 -c %s > %s" },
		{ "pigz", "pigz -11 -c %s > %s" },
		{ "pigz", "pigz -b 32 -p 2 -c %s > %s; pigz -c %s >> %s" },
		{ "libdeflate-gzip", "libdeflate-gzip -c -12 %s > %s" },
		{ "libdeflate-gzip", "libdeflate-gzip -c -1 %s > %s" },
		{ "zopfli", "zopfli --i5 -c %s > %s" },
		{ "python3", "/usr/bin/python3 -c 'import gzip,sys; "
		    "d=open(sys.argv[1],\"rb\").read(); "
		    "f=gzip.GzipFile(\"x.txt\",\"wb\",9,"
		    "open(sys.argv[2],\"wb\"),1234); f.write(d); f.close()' "
		    "%s %s" },
	};
	char src[] = "/tmp/sluice-infl-XXXXXX";
	char gz[64], cmd[1024];
	struct t_buf out = { 0 };
	unsigned char *data = malloc(400000), *comp;
	size_t n = 400000, len, used, i;
	int fd, mode, doubled, kind;
	FILE *f;

	check(data != NULL);
	for (kind = 3; kind <= 5; kind += 2) {
		gen(data, n, kind);
		fd = mkstemp(src);
		check(fd >= 0);
		f = fdopen(fd, "wb");
		check(f != NULL && fwrite(data, 1, n, f) == n);
		fclose(f);
		snprintf(gz, sizeof gz, "%s.gz", src);
		for (i = 0; i < sizeof tools / sizeof tools[0]; i++) {
			if (!have_tool(tools[i].tool)) {
				printf("SKIP test_inflate:real_%s: not "
				    "installed\n", tools[i].tool);
				continue;
			}
			snprintf(cmd, sizeof cmd, tools[i].cmd, src, gz, src,
			    gz);
			check(system(cmd) == 0);
			doubled = strstr(tools[i].cmd, ">>") != NULL;
			comp = t_slurp(gz, &len);
			check(comp != NULL);
			for (mode = 0; mode < T_NMODES; mode++) {
				if (mode == T_BYTES && kind == 5)
					continue;
				check(mine(INFLATE_GZIP, mode, comp, len, &out,
				    &used) == 0);
				check(out.len == (doubled ? 2 : 1) * n);
				check(memcmp(out.p, data, n) == 0);
				check(!doubled || memcmp(out.p + n, data, n)
				    == 0);
			}
			free(comp);
			remove(gz);
		}
		remove(src);
		memcpy(src + strlen(src) - 6, "XXXXXX", 6);
	}
	free(data);
	t_buf_free(&out);
	return 0;
}

/* ---- bad-input corpus ------------------------------------------------- */

#define NAME_ROW(name, code, text) { #name, code },
static const struct { const char *name; int code; } errnames[] = {
	INFLATE_ERRORS(NAME_ROW)
};
#undef NAME_ROW

/* Files are test/bad/inflate/DESC.ERRNAME.FMT, FMT raw, zlib or gz. */
static int
bad_corpus(void)
{
	const char *dir = "test/bad/inflate";
	struct t_buf out = { 0 }, zo = { 0 };
	struct dirent *d;
	DIR *dp = opendir(dir);
	int files = 0, mode, st;

	check(dp != NULL);
	while ((d = readdir(dp)) != NULL) {
		char path[512], name[256], *dot, *fmt;
		unsigned char *p;
		size_t len, used, i;
		int format, want = 0;

		if (d->d_name[0] == '.' || strlen(d->d_name) >= sizeof name)
			continue;
		snprintf(name, sizeof name, "%s", d->d_name);
		if ((fmt = strrchr(name, '.')) == NULL)
			continue;
		*fmt++ = '\0';
		if (strcmp(fmt, "raw") == 0)
			format = INFLATE_RAW;
		else if (strcmp(fmt, "zlib") == 0)
			format = INFLATE_ZLIB;
		else if (strcmp(fmt, "gz") == 0)
			format = INFLATE_GZIP;
		else
			continue;
		dot = strrchr(name, '.');
		check(dot != NULL);
		for (i = 0; i < sizeof errnames / sizeof errnames[0]; i++)
			if (strcmp(dot + 1, errnames[i].name) == 0)
				want = errnames[i].code;
		check(want != 0);
		snprintf(path, sizeof path, "%s/%s", dir, d->d_name);
		p = t_slurp(path, &len);
		check(p != NULL);
		for (mode = 0; mode < T_NMODES; mode++) {
			st = mine(format, mode, p, len, &out, &used);
			if (st != want)
				fprintf(stderr, "%s: %s: got %d want %d\n",
				    d->d_name, t_mode_name[mode], st, want);
			check(st == want);
		}
		/* zlib agrees, where it can tell. */
		st = ref(format, p, len, &zo, &used);
		if (!same_verdict(want, st))
			fprintf(stderr, "%s: zlib says %d\n", d->d_name, st);
		check(same_verdict(want, st));
		free(p);
		files++;
	}
	closedir(dp);
	check(files >= 20);
	t_buf_free(&out);
	t_buf_free(&zo);
	return 0;
}

/* ---- API behaviour ---------------------------------------------------- */

static int
done_and_trailing(void)
{
	struct t_buf out = { 0 };
	struct inflate z;
	struct sink s = { t_buf_write, &out };
	static const unsigned char zs[] =
	    "\x78\x9c\xcb\x48\xcd\xc9\xc9\x07\x00\x06\x2c\x02\x15" "TAIL";
	static const unsigned char gz[] =
	    "\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03\x03\x00"
	    "\x00\x00\x00\x00\x00\x00\x00\x00" "\x00\x00";
	size_t used;

	/* zlib: DONE, the tail is not consumed, then DONE again. */
	inflate_init(&z, INFLATE_ZLIB, window, s);
	check(inflate_push(&z, zs, sizeof zs - 1, &used) == INFLATE_DONE);
	check(used == 13);
	check(inflate_push(&z, zs, 4, &used) == INFLATE_DONE && used == 0);
	check(inflate_finish(&z) == 0);
	check(inflate_total_in(&z) == 13 && inflate_total_out(&z) == 5);

	/* gzip: garbage after a member. */
	inflate_init(&z, INFLATE_GZIP, window, s);
	check(inflate_push(&z, gz, 20, &used) == 0 && used == 20);
	check(inflate_finish(&z) == 0);
	check(inflate_push(&z, gz + 20, 2, &used) == INFLATE_E_TRAILING);
	/* sticky */
	check(inflate_push(&z, gz, 20, &used) == INFLATE_E_TRAILING);
	check(used == 0);
	check(inflate_finish(&z) == INFLATE_E_TRAILING);
	check(inflate_error(&z) == INFLATE_E_TRAILING);

	/* gzip: nothing at all is truncated; one byte of a next member
	 * too. */
	inflate_init(&z, INFLATE_GZIP, window, s);
	check(inflate_finish(&z) == INFLATE_E_TRUNCATED);
	inflate_init(&z, INFLATE_GZIP, window, s);
	check(inflate_push(&z, gz, 21, &used) == 0 && used == 21);
	check(inflate_finish(&z) == INFLATE_E_TRUNCATED);
	t_buf_free(&out);
	return 0;
}

/* Sync-flushed messages come out at once, each before push returns. */
static int
flush_delivery(void)
{
	struct t_buf comp = { 0 }, out = { 0 };
	struct inflate z;
	struct sink s = { t_buf_write, &out };
	z_stream zs;
	unsigned char buf[4096];
	char msg[200];
	size_t used;
	int i;

	memset(&zs, 0, sizeof zs);
	check(deflateInit2(&zs, 6, Z_DEFLATED, 31, 8, 0) == Z_OK);
	inflate_init(&z, INFLATE_GZIP, window, s);
	for (i = 0; i < 500; i++) {
		snprintf(msg, sizeof msg, "{\"id\":%d,\"text\":\"message %d "
		    "of the stream\"}\r\n", i, i * 7);
		zs.next_in = (unsigned char *)msg;
		zs.avail_in = (uInt)strlen(msg);
		zs.next_out = buf;
		zs.avail_out = sizeof buf;
		check(deflate(&zs, Z_SYNC_FLUSH) == Z_OK);
		check(inflate_push(&z, buf, sizeof buf - zs.avail_out, &used)
		    == 0);
		check(used == sizeof buf - zs.avail_out);
		/* the whole message is out */
		check(out.len >= strlen(msg));
		check(memcmp(out.p + out.len - strlen(msg), msg, strlen(msg))
		    == 0);
	}
	deflateEnd(&zs);
	t_buf_free(&comp);
	t_buf_free(&out);
	return 0;
}

static int
limits(void)
{
	struct t_buf comp = { 0 }, out = { 0 };
	struct inflate z;
	struct sink s = { t_buf_write, &out };
	unsigned char *data = calloc(1, 4u << 20);
	size_t used, off;
	int st;

	check(data != NULL);
	check(zcompress(data, 4u << 20, INFLATE_GZIP, 9, 0, 15, 0, &comp) ==
	    0);
	/* ~1000:1.  A ratio limit of 100 stops it. */
	inflate_init(&z, INFLATE_GZIP, window, s);
	inflate_set_limits(&z, 0, 100);
	t_buf_reset(&out);
	st = inflate_push(&z, comp.p, comp.len, &used);
	check(st == INFLATE_E_RATIO);
	check(out.len <= (uint64_t)100 * comp.len + INFLATE_RATIO_FLOOR);
	/* ratio 2000 lets it through, fed in slices */
	inflate_init(&z, INFLATE_GZIP, window, s);
	inflate_set_limits(&z, 0, 2000);
	t_buf_reset(&out);
	for (off = 0, st = 0; off < comp.len && st == 0; off += used)
		st = inflate_push(&z, comp.p + off, comp.len - off < 100 ?
		    comp.len - off : 100, &used);
	check(st == 0 && inflate_finish(&z) == 0);
	check(out.len == 4u << 20);
	/* max_out: exactly the limit is delivered, then the error */
	inflate_init(&z, INFLATE_GZIP, window, s);
	inflate_set_limits(&z, 1000000, 0);
	t_buf_reset(&out);
	check(inflate_push(&z, comp.p, comp.len, &used) ==
	    INFLATE_E_MAX_OUT);
	check(out.len == 1000000);
	check(inflate_total_out(&z) == 1000000);
	/* max_out equal to the size: fine */
	inflate_init(&z, INFLATE_GZIP, window, s);
	inflate_set_limits(&z, 4u << 20, 0);
	check(inflate_push(&z, comp.p, comp.len, &used) == 0);
	check(inflate_finish(&z) == 0);
	free(data);
	t_buf_free(&comp);
	t_buf_free(&out);
	return 0;
}

static int
failing_write(void *arg, const unsigned char *p, size_t n)
{
	(void)arg;
	(void)p;
	(void)n;
	return 7;
}

static int
sink_failure(void)
{
	struct inflate z;
	struct sink s = { failing_write, NULL };
	size_t used;

	inflate_init(&z, INFLATE_RAW, window, s);
	check(inflate_push(&z, (const unsigned char *)"\x01\x03\x00\xfc\xff"
	    "abc", 8, &used) == INFLATE_E_SINK);
	check(z.sink_err == 7);
	check(inflate_finish(&z) == INFLATE_E_SINK);
	return 0;
}

int
main(void)
{
	t_init("test_inflate");
	t_run("known_answers", known_answers);
	t_run("done_and_trailing", done_and_trailing);
	t_run("flush_delivery", flush_delivery);
	t_run("limits", limits);
	t_run("sink_failure", sink_failure);
	t_run("gzip_headers", gzip_headers);
	t_run("truncations", truncations);
	if (getenv("T_NO_CORPUS") == NULL)
		t_run("bad_corpus", bad_corpus);
	t_run("garbage", garbage);
	t_run("real_compressors", real_compressors);
	t_run("differential", differential);
	return t_done();
}
