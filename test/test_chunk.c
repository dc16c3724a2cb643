/* Tests for chunk.c: vectors whole, per byte and at random splits; a
 * bad-input table with the exact error of each; limits. */
#include "t.h"
#include "chunk.h"

struct vec {
	const char *name;
	const char *in;		/* encoded body (may be followed by extra) */
	const char *out;	/* decoded data */
	size_t tail;		/* bytes after the body, left unconsumed */
};

static const struct vec good[] = {
	{ "empty", "0\r\n\r\n", "", 0 },
	{ "one", "5\r\nhello\r\n0\r\n\r\n", "hello", 0 },
	{ "two", "5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n", "hello world", 0 },
	{ "upper_hex", "A\r\n0123456789\r\n0\r\n\r\n", "0123456789", 0 },
	{ "lower_hex", "a\r\n0123456789\r\n0\r\n\r\n", "0123456789", 0 },
	{ "leading_zeros", "0005\r\nhello\r\n000\r\n\r\n", "hello", 0 },
	{ "ext", "5;name=value\r\nhello\r\n0;x\r\n\r\n", "hello", 0 },
	{ "ext_quoted", "5;n=\"a b;c\"\r\nhello\r\n0\r\n\r\n", "hello", 0 },
	{ "ws_before_ext", "5 \t;e\r\nhello\r\n0\r\n\r\n", "hello", 0 },
	{ "ws_after_size", "5  \r\nhello\r\n0\r\n\r\n", "hello", 0 },
	{ "trailers", "3\r\nabc\r\n0\r\nX-A: 1\r\nX-B: two\r\n\r\n",
	    "abc", 0 },
	{ "crlf_in_data", "4\r\n\r\n\r\n\r\n0\r\n\r\n", "\r\n\r\n", 0 },
	{ "tail_left", "3\r\nabc\r\n0\r\n\r\nHTTP/1.1", "abc", 8 },
	{ "one_byte_chunks", "1\r\na\r\n1\r\nb\r\n1\r\nc\r\n0\r\n\r\n",
	    "abc", 0 },
	{ "sse_like", "1b\r\ndata: {\"id\":1}\n\ndata: xyzzy\r\n0\r\n\r\n",
	    "data: {\"id\":1}\n\ndata: xyzzy", 0 },
};

struct bad {
	const char *name;
	const char *in;
	int err;
};

static const struct bad bad[] = {
	{ "no_digits", "\r\n", CHUNK_E_HEX },
	{ "bad_hex", "g\r\n", CHUNK_E_HEX },
	{ "hex_then_junk", "5x\r\nhello\r\n", CHUNK_E_HEX },
	{ "negative", "-5\r\n", CHUNK_E_HEX },
	{ "plus", "+5\r\n", CHUNK_E_HEX },
	{ "0x_prefix", "0x5\r\n", CHUNK_E_HEX },
	{ "space_first", " 5\r\n", CHUNK_E_HEX },
	{ "ws_then_digit", "5 5\r\n", CHUNK_E_HEX },
	{ "overflow_17_digits", "10000000000000000\r\n", CHUNK_E_HEX_LONG },
	{ "endless_zeros", "00000000000000000000\r\n", CHUNK_E_HEX_LONG },
	{ "bare_lf_size", "5\nhello\r\n", CHUNK_E_CRLF },
	{ "cr_no_lf", "5\rhello", CHUNK_E_CRLF },
	{ "data_no_crlf", "5\r\nhelloX\r\n", CHUNK_E_CRLF },
	{ "data_bare_lf", "5\r\nhello\n0\r\n\r\n", CHUNK_E_CRLF },
	{ "data_cr_only", "5\r\nhello\r0\r\n\r\n", CHUNK_E_CRLF },
	{ "data_too_long", "3\r\nhello\r\n", CHUNK_E_CRLF },
	{ "ext_ctl", "5;a\001b\r\nhello\r\n", CHUNK_E_EXT },
	{ "ext_bare_lf", "5;ab\nhello\r\n", CHUNK_E_CRLF },
	{ "trailer_ctl", "0\r\nX-A: \0011\r\n\r\n", CHUNK_E_TRAILER },
	{ "trailer_bare_lf", "0\r\nX-A: 1\n\r\n", CHUNK_E_CRLF },
	{ "final_cr_no_lf", "0\r\n\rX", CHUNK_E_CRLF },
	{ "nul_size", "\0\r\n", CHUNK_E_HEX },
};

static int
decode(int mode, const char *in, size_t n, struct t_buf *out, size_t *used,
    struct chunk *c)
{
	struct sink s = { t_buf_write, out };

	chunk_init(c, s);
	t_buf_reset(out);
	return t_feed(mode, (t_push_fn)chunk_push, c, (const unsigned char *)in,
	    n, used, NULL);
}

static int
good_vectors(void)
{
	struct t_buf out = { 0 };
	struct chunk c;
	size_t i, used;
	int mode, st;

	for (i = 0; i < sizeof good / sizeof good[0]; i++) {
		const struct vec *v = &good[i];
		size_t n = strlen(v->in), want = strlen(v->out);

		for (mode = 0; mode < T_NMODES; mode++) {
			st = decode(mode, v->in, n, &out, &used, &c);
			if (st != CHUNK_DONE)
				fprintf(stderr, "%s/%s: %d\n", v->name,
				    t_mode_name[mode], st);
			check(st == CHUNK_DONE);
			check(used == n - v->tail);
			check(out.len == want);
			check(want == 0 || memcmp(out.p, v->out, want) == 0);
			check(chunk_data_bytes(&c) == want);
		}
	}
	t_buf_free(&out);
	return 0;
}

static int
bad_vectors(void)
{
	struct t_buf out = { 0 };
	struct chunk c;
	size_t i, used, n;
	int mode, st;

	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		const struct bad *b = &bad[i];

		/* Vectors with an embedded NUL: measure up to the CRLF. */
		n = strlen(b->in);
		if (n == 0)
			n = 3;
		for (mode = 0; mode < T_NMODES; mode++) {
			st = decode(mode, b->in, n, &out, &used, &c);
			if (st != b->err)
				fprintf(stderr, "%s: got %d want %d\n",
				    b->name, st, b->err);
			check(st == b->err);
			check(chunk_error(&c) == b->err);
			/* Sticky: a later push returns it and eats nothing. */
			check(chunk_push(&c, (const unsigned char *)"0", 1,
			    &used) == b->err);
			check(used == 0);
		}
	}
	t_buf_free(&out);
	return 0;
}

/* Every prefix of a valid body: need more, never an error or DONE. */
static int
truncations(void)
{
	static const char in[] =
	    "5;x=y\r\nhello\r\n10\r\n0123456789abcdef\r\n0\r\nT: v\r\n\r\n";
	struct t_buf out = { 0 };
	struct chunk c;
	size_t k, used;

	for (k = 0; k < sizeof in - 1; k++) {
		check(decode(T_WHOLE, in, k, &out, &used, &c) == 0);
		check(used == k);
	}
	check(decode(T_WHOLE, in, sizeof in - 1, &out, &used, &c) ==
	    CHUNK_DONE);
	t_buf_free(&out);
	return 0;
}

static int
after_done(void)
{
	struct t_buf out = { 0 };
	struct chunk c;
	size_t used;

	check(decode(T_WHOLE, "0\r\n\r\n", 5, &out, &used, &c) == CHUNK_DONE);
	check(chunk_push(&c, (const unsigned char *)"1\r\n", 3, &used) ==
	    CHUNK_DONE);
	check(used == 0);
	t_buf_free(&out);
	return 0;
}

static int
limits(void)
{
	static char in[CHUNK_EXT_MAX + CHUNK_TRAILER_MAX + 64];
	struct t_buf out = { 0 };
	struct chunk c;
	size_t used, n;

	/* An extension of exactly the limit passes; one more byte fails. */
	n = 0;
	in[n++] = '0';
	in[n++] = ';';
	memset(in + n, 'e', CHUNK_EXT_MAX);
	n += CHUNK_EXT_MAX;
	memcpy(in + n, "\r\n\r\n", 4);
	check(decode(T_SPLIT, in, n + 4, &out, &used, &c) == CHUNK_DONE);
	in[n] = 'e';
	check(decode(T_SPLIT, in, n + 4, &out, &used, &c) ==
	    CHUNK_E_EXT_LONG);

	/* Trailer section over the limit. */
	n = 0;
	memcpy(in, "0\r\n", 3);
	n = 3;
	memset(in + n, 't', CHUNK_TRAILER_MAX + 1);
	n += CHUNK_TRAILER_MAX + 1;
	check(decode(T_SPLIT, in, n, &out, &used, &c) ==
	    CHUNK_E_TRAILER_LONG);

	/* Largest size accepted: 16 digits; it is only a size. */
	check(decode(T_WHOLE, "ffffffffffffffff\r\nab", 20, &out, &used, &c) ==
	    0);
	check(out.len == 2);
	t_buf_free(&out);
	return 0;
}

/* Framing with no data is capped; 1-byte chunks are not. */
static int
overhead(void)
{
	struct t_buf out = { 0 };
	struct chunk c;
	struct sink s = { t_buf_write, &out };
	unsigned char ext[1007];
	size_t used, i;
	int st = 0;

	/* 1 data byte per chunk, each with a 1000-byte extension. */
	memset(ext, 'e', sizeof ext);
	memcpy(ext, "1;", 2);
	memcpy(ext + sizeof ext - 5, "\r\nx\r\n", 5);
	chunk_init(&c, s);
	for (i = 0; i < 1000 && st == 0; i++)
		st = chunk_push(&c, ext, sizeof ext, &used);
	check(st == CHUNK_E_OVERHEAD);
	check(i > 60 && i < 70);	/* 64 KiB base / ~1000 bytes */

	chunk_init(&c, s);
	for (i = 0; i < 200000; i++) {
		st = chunk_push(&c, (const unsigned char *)"1\r\nx\r\n", 6,
		    &used);
		check(st == 0);
	}
	check(chunk_data_bytes(&c) == 200000);
	t_buf_free(&out);
	return 0;
}

static int
failing_sink_write(void *arg, const unsigned char *p, size_t n)
{
	(void)arg;
	(void)p;
	(void)n;
	return 42;
}

static int
sink_failure(void)
{
	struct chunk c;
	struct sink s = { failing_sink_write, NULL };
	size_t used;

	chunk_init(&c, s);
	check(chunk_push(&c, (const unsigned char *)"3\r\nabc\r\n", 8, &used) ==
	    CHUNK_E_SINK);
	check(c.sink_err == 42);
	return 0;
}

/* Random bodies, random chunk sizes, random extensions; fed in all modes. */
static int
random_bodies(void)
{
	struct t_buf enc = { 0 }, out = { 0 };
	unsigned char *data = malloc(70000);
	struct chunk c;
	int round, mode;
	size_t used;

	check(data != NULL);
	for (round = 0; round < 200; round++) {
		size_t len = t_rand_below(70000), off = 0, k;
		char line[64];

		for (k = 0; k < len; k++)
			data[k] = (unsigned char)t_rand();
		t_buf_reset(&enc);
		while (off < len) {
			size_t take = 1 + t_rand_below(round % 2 ? 16 : 9000);

			if (take > len - off)
				take = len - off;
			snprintf(line, sizeof line, "%zx%s\r\n", take,
			    t_rand() & 1 ? ";k=v" : "");
			t_buf_write(&enc, (unsigned char *)line, strlen(line));
			t_buf_write(&enc, data + off, take);
			t_buf_write(&enc, (unsigned char *)"\r\n", 2);
			off += take;
		}
		t_buf_write(&enc, (unsigned char *)"0\r\n\r\n", 5);
		for (mode = 0; mode < T_NMODES; mode++) {
			if (mode == T_BYTES && round % 10)
				continue;
			check(decode(mode, (char *)enc.p, enc.len, &out, &used,
			    &c) == CHUNK_DONE);
			check(used == enc.len);
			check(out.len == len);
			check(len == 0 || memcmp(out.p, data, len) == 0);
		}
	}
	free(data);
	t_buf_free(&enc);
	t_buf_free(&out);
	return 0;
}

int
main(void)
{
	t_init("test_chunk");
	t_run("good_vectors", good_vectors);
	t_run("bad_vectors", bad_vectors);
	t_run("truncations", truncations);
	t_run("after_done", after_done);
	t_run("limits", limits);
	t_run("overhead", overhead);
	t_run("sink_failure", sink_failure);
	t_run("random_bodies", random_bodies);
	return t_done();
}
