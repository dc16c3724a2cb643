/* inflate -- streaming raw deflate / zlib / gzip decoder (RFC 1951, 1950,
 * 1952).  MIT licensed, see LICENSE.  Vendorable: needs only this header
 * and libc.
 *
 * A resumable push decoder.  inflate_push() takes any slice of compressed
 * input as it arrives (one byte or a megabyte, cut anywhere: inside a gzip
 * header, a code-length table, a length/distance pair or a stored-block
 * length) and writes the decoded bytes to the caller's sink.  Nothing is
 * allocated: the caller owns the context and the 32 KiB history window,
 * and output is written to the sink straight out of that window (no second
 * buffer).  Before inflate_push() returns, for whatever reason, every byte
 * decoded so far has been delivered to the sink, so a message that arrives
 * compressed and sync-flushed comes out at once, not when the window fills.
 *
 * Formats:
 *  - INFLATE_RAW: bare RFC 1951 deflate; ends after the final block.
 *  - INFLATE_ZLIB: RFC 1950; CM 8, CINFO <= 7, FCHECK, Adler-32 checked.
 *    FDICT (preset dictionary) is rejected with INFLATE_E_FDICT.
 *  - INFLATE_GZIP: RFC 1952 members (FTEXT, FHCRC with its CRC16 checked,
 *    FEXTRA, FNAME and FCOMMENT skipped; reserved flags rejected), CRC-32
 *    and ISIZE checked.  Members may be concatenated: after a member's
 *    trailer the decoder waits for the next one and never returns
 *    INFLATE_DONE; call inflate_finish() at the end of the input.  Bytes
 *    after a member that do not start with the gzip magic 1f 8b are
 *    INFLATE_E_TRAILING.
 *  - INFLATE_DEFLATE_AUTO: the HTTP "deflate" coding, which servers send
 *    either zlib-wrapped (as RFC 9110 says) or raw.  The first two bytes
 *    decide: CM 8, CINFO <= 7 and a valid FCHECK mean zlib, anything else
 *    raw.  (A raw stream starting like that would need a non-final stored
 *    block with non-zero padding bits, which no compressor writes.)
 *
 * Limits (optional, each a named error): a maximum output size and a
 * maximum expansion ratio, see inflate_set_limits().  Header fields (FNAME,
 * FCOMMENT, FEXTRA) are skipped, not stored, so they need no limit.
 *
 * Errors are checked as zlib's inflate() checks them, in the same order and
 * after reading the same number of bits, so both agree on every input
 * (test/test_inflate.c and test/fuzz/fuzz_inflate.c compare them).
 *
 * Speed: table-driven Huffman decoding (a primary table indexed by the next
 * 10 litlen / 8 distance bits, with sub-tables for longer codes), a 64-bit
 * bit buffer refilled with one 8-byte little-endian load assembled from
 * bytes, and a fast loop entered only when at least 24 input bytes and
 * 280 (3) bytes of window remain; it looks each next code up while the
 * item before it is still being stored or copied.  Matches are copied in
 * 16-byte chunks; with the exact 32 KiB window the bytes written past a
 * match are history, saved and restored, while a window of
 * INFLATE_WINDOW_FAST bytes has slack to scribble on, which also lets the
 * loop take a source in the older part of the ring without a branch and
 * run up to the end of the ring (about 25% faster on the tweet corpus).
 * A careful byte-at-a-time loop does the rest and never reads ahead, so
 * the decoder consumes no byte past the end of the stream.  CRC-32 runs
 * over each piece of output as it is delivered: on 64-bit machines most
 * of it folded without tables (a multiple of the polynomial with five
 * terms lets each 64-bit word be XORed, shifted, into the next five)
 * alongside one slicing-by-8 run, slicing by 8 alone on 32-bit ones;
 * Adler-32 eight bytes per step.
 *
 * INFLATE_SMALL (define it when compiling inflate.c) trades speed for
 * size: CRC-32 byte by byte from one 1 KiB table instead of 8 KiB, one
 * fast loop with the exact-window copy (a larger window is accepted but
 * its slack unused).  x86_64 -Os: 8.9 KB of code and tables instead of
 * 18.2 KB.
 *
 * Memory: sizeof(struct inflate) is 7912 bytes on LP64 (x86_64) and 7904
 * on ILP32 (mipsel), almost all of it the decode tables: litlen 1334
 * entries, distance 402, code-length 128, 4 bytes each (7456 bytes), plus
 * 320 bytes of code lengths.  The caller adds the window: INFLATE_WINDOW
 * (32 KiB) or INFLATE_WINDOW_FAST (32 KiB + 64).  Constant data: 8 KiB of
 * CRC-32 tables (1 KiB with INFLATE_SMALL), about 300 bytes of base
 * tables.
 */
#ifndef INFLATE_H
#define INFLATE_H

#include <stddef.h>
#include <stdint.h>

#define INFLATE_WINDOW 32768	/* bytes the caller passes as the window */

/* A window of INFLATE_WINDOW_FAST bytes (see inflate_init_size()) makes
 * the ring INFLATE_SLACK bytes longer than the history it must keep, so
 * the fast loop may scribble past a match instead of saving and restoring
 * the bytes there (see Speed above). */
#define INFLATE_SLACK 64
#define INFLATE_WINDOW_FAST (INFLATE_WINDOW + INFLATE_SLACK)

#ifndef INFLATE_RATIO_FLOOR
#define INFLATE_RATIO_FLOOR 65536	/* output the ratio always allows */
#endif

/* Table sizes: the largest a valid code can need (zlib's "enough" program
 * for 288 symbols, 10 root bits, and 32 symbols, 8 root bits).  11 root
 * bits (2342 entries) measured no faster on either bench corpus. */
#define INFLATE_LITLEN_BITS 10
#define INFLATE_DIST_BITS 8
#define INFLATE_PRE_BITS 7
#define INFLATE_LITLEN_ENOUGH 1334
#define INFLATE_DIST_ENOUGH 402

/* The output of every sluice decoder (STYLE.md rule 7): write() gets each
 * piece of output in order; a non-zero return stops the producer, which
 * reports its own *_E_SINK error and keeps the sink's code for the caller.
 * Defined identically in every vendorable header that produces output. */
#ifndef SLUICE_SINK_DEFINED
#define SLUICE_SINK_DEFINED
struct sink {
	int (*write)(void *arg, const unsigned char *p, size_t n);
	void *arg;
};
#endif

/* Formats for inflate_init(). */
enum {
	INFLATE_RAW,
	INFLATE_ZLIB,
	INFLATE_GZIP,
	INFLATE_DEFLATE_AUTO
};

/* Events (positive). */
#define INFLATE_DONE 1	/* a raw or zlib stream ended */

/* Errors: sticky until inflate_init().  Range -80 .. -99. */
#define INFLATE_ERRORS(X) \
	X(INFLATE_E_BLOCK_TYPE, -80, "deflate: invalid block type") \
	X(INFLATE_E_STORED_LEN, -81, \
	    "deflate: stored block length does not match its complement") \
	X(INFLATE_E_CODE_LENGTHS, -82, "deflate: bad code lengths " \
	    "(too many codes, bad repeat or no end-of-block code)") \
	X(INFLATE_E_CODE_OVERSUB, -83, \
	    "deflate: over-subscribed Huffman code") \
	X(INFLATE_E_CODE_INCOMPLETE, -84, "deflate: incomplete Huffman code") \
	X(INFLATE_E_SYMBOL, -85, \
	    "deflate: invalid literal/length or distance symbol") \
	X(INFLATE_E_DISTANCE, -86, "deflate: distance too far back") \
	X(INFLATE_E_HEADER, -87, "gzip/zlib: bad header " \
	    "(magic, method, window size or header check)") \
	X(INFLATE_E_FLAGS, -88, "gzip: reserved header flags set") \
	X(INFLATE_E_HCRC, -89, "gzip: header CRC16 mismatch") \
	X(INFLATE_E_FDICT, -90, "zlib: preset dictionary not supported") \
	X(INFLATE_E_CRC, -91, "gzip: CRC-32 mismatch") \
	X(INFLATE_E_ISIZE, -92, "gzip: ISIZE (length) mismatch") \
	X(INFLATE_E_ADLER, -93, "zlib: Adler-32 mismatch") \
	X(INFLATE_E_TRUNCATED, -94, "compressed stream truncated") \
	X(INFLATE_E_TRAILING, -95, "gzip: trailing garbage after last member") \
	X(INFLATE_E_MAX_OUT, -96, "inflate: output size limit exceeded") \
	X(INFLATE_E_RATIO, -97, "inflate: expansion ratio limit exceeded") \
	X(INFLATE_E_SINK, -98, "inflate output sink failed")

enum inflate_error {
#define INFLATE_ENUM(name, code, text) name = code,
	INFLATE_ERRORS(INFLATE_ENUM)
#undef INFLATE_ENUM
	INFLATE_E_NONE = 0
};

/* Decoder context.  Caller-allocated; the fields are the decoder's own,
 * not for the caller to touch except through the functions below. */
struct inflate {
	struct sink out;
	unsigned char *win;	/* caller's INFLATE_WINDOW bytes, a ring */
	uint64_t bb;		/* bit buffer, next bit in bit 0 */
	uint64_t total_in;	/* compressed bytes consumed */
	uint64_t total_out;	/* decoded bytes delivered to the sink */
	uint64_t max_out;	/* 0: unlimited */
	uint32_t wpos;		/* write position in the window */
	uint32_t wsize;		/* ring size: INFLATE_WINDOW or _FAST */
	uint32_t wflush;	/* window bytes before this are delivered */
	uint32_t wrapped;	/* the window holds 32 KiB of history */
	uint32_t check;		/* running CRC-32 or Adler-32 */
	uint32_t hcrc;		/* CRC-32 of the gzip header */
	uint32_t isize;		/* member output mod 2^32 */
	uint32_t acc;		/* multi-byte field being read */
	uint32_t count;		/* extra bits / bytes left in a field */
	uint32_t len;		/* match length or stored bytes left */
	uint32_t dist;
	unsigned max_ratio;	/* 0: unlimited */
	unsigned bc;		/* bits in bb */
	unsigned short nlen, ndist, ncode, have;
	unsigned char format;	/* INFLATE_* */
	unsigned char wrap;	/* effective format once detected */
	unsigned char flags;	/* gzip FLG */
	unsigned char final;	/* in the final block */
	unsigned char fixed;	/* the tables hold the fixed code */
	unsigned char pad[3];
	int state;
	int err;		/* sticky error, 0 if none */
	int sink_err;		/* what the sink returned, if it failed */
	unsigned char lens[320];	/* code lengths being read */
	uint32_t litlen[INFLATE_LITLEN_ENOUGH];
	uint32_t distt[INFLATE_DIST_ENOUGH];
	uint32_t pre[1 << INFLATE_PRE_BITS];
};

/* Resets z completely (the only way to clear an error) for a new stream
 * of the given format, decoding into window, which MUST point to
 * INFLATE_WINDOW bytes that stay valid and untouched by the caller until
 * the stream is done.  Output goes to out.  No limits are set. */
void inflate_init(struct inflate *z, int format, unsigned char *window,
    struct sink out);

/* The same with a window of size bytes, which MUST be at least
 * INFLATE_WINDOW.  From INFLATE_WINDOW_FAST bytes on (more is not used)
 * the decoder is faster; below that it uses exactly INFLATE_WINDOW. */
void inflate_init_size(struct inflate *z, int format, unsigned char *window,
    size_t size, struct sink out);

/* Sets the limits (0 = unlimited): at most max_out decoded bytes in total
 * (bytes up to the limit are delivered, then INFLATE_E_MAX_OUT), and at
 * most max_ratio decoded bytes per compressed byte consumed, checked once
 * the output exceeds INFLATE_RATIO_FLOOR (INFLATE_E_RATIO).  Both are
 * checked whenever output is delivered, i.e. at least every 32 KiB. */
void inflate_set_limits(struct inflate *z, uint64_t max_out,
    unsigned max_ratio);

/* Decodes p[0..n).  Returns 0 when all n bytes were consumed and more are
 * needed (for gzip: also between members); INFLATE_DONE when a raw or
 * zlib stream ended -- *used counts the bytes that belonged to it, the rest
 * was not consumed, and later calls return INFLATE_DONE consuming nothing;
 * a negative INFLATE_E_* error (sticky: later calls return it again and
 * consume nothing).  Every decoded byte has reached the sink when it
 * returns.  *used is always set.  p may be NULL when n is 0. */
int inflate_push(struct inflate *z, const unsigned char *p, size_t n,
    size_t *used);

/* Call at the end of the input.  Returns 0 if the stream ended cleanly:
 * INFLATE_DONE was returned, or (gzip) the input ended exactly after a
 * member's trailer, at least one member having been read.  Otherwise the
 * sticky error, or INFLATE_E_TRUNCATED (which then becomes sticky). */
int inflate_finish(struct inflate *z);

/* The sticky error, or 0. */
static inline int
inflate_error(const struct inflate *z)
{
	return z->err;
}

/* Compressed bytes consumed so far (headers and trailers included). */
static inline uint64_t
inflate_total_in(const struct inflate *z)
{
	return z->total_in;
}

/* Decoded bytes delivered to the sink so far (all members). */
static inline uint64_t
inflate_total_out(const struct inflate *z)
{
	return z->total_out;
}

#endif
