/* chunk -- HTTP/1.1 chunked transfer-coding decoder (RFC 9112 section 7.1).
 * MIT licensed, see LICENSE.  Vendorable: needs only this header and libc.
 *
 * A resumable push decoder.  chunk_push() takes any slice of the body as it
 * arrives from the socket (one byte or a megabyte, cut anywhere) and passes
 * the chunk data, without copying, to the caller's sink.  It stops after
 * the last-chunk, its trailer section and the final CRLF, returning
 * CHUNK_DONE; bytes after that are not consumed (*used says where it
 * stopped), so the caller can tell a clean end from trailing garbage.
 *
 * Grammar accepted (strict, CRLF line endings throughout; a bare LF is
 * CHUNK_E_CRLF -- real peers send CRLF, and a decoder that guesses about
 * line ends can be steered into desynchronising from the peer):
 *     chunk      = 1*HEXDIG *(SP / HTAB) [ ";" ext ] CRLF data CRLF
 *     last-chunk = 1*"0" *(SP / HTAB) [ ";" ext ] CRLF
 *     trailers   = *( field-line CRLF ) CRLF
 *
 * Limits (each a named error):
 *  - CHUNK_HEX_MAX hex digits in a size, leading zeros included, so neither
 *    an overflow nor an endless run of zeros gets through;
 *  - CHUNK_EXT_MAX bytes of extension per chunk (extensions are skipped);
 *  - CHUNK_TRAILER_MAX bytes of trailer section (trailers are skipped);
 *  - framing overhead: all bytes that are not chunk data (size lines,
 *    extensions, CRLFs) may not exceed CHUNK_OVERHEAD_BASE + CHUNK_OVERHEAD_
 *    PER_BYTE * data bytes, so a peer streaming framing with little or no
 *    data cannot keep the decoder busy forever.  A body of 1-byte chunks
 *    ("1\r\nx\r\n", 5 bytes of overhead per data byte) stays legal.
 *
 * Memory: sizeof(struct chunk) is 64 bytes on LP64, 48 on ILP32.
 */
#ifndef CHUNK_H
#define CHUNK_H

#include <stddef.h>
#include <stdint.h>

#ifndef CHUNK_HEX_MAX
#define CHUNK_HEX_MAX 16		/* hex digits in a chunk size */
#endif
#ifndef CHUNK_EXT_MAX
#define CHUNK_EXT_MAX 1024		/* extension bytes per chunk */
#endif
#ifndef CHUNK_TRAILER_MAX
#define CHUNK_TRAILER_MAX 8192		/* bytes of trailer section */
#endif
#ifndef CHUNK_OVERHEAD_BASE
#define CHUNK_OVERHEAD_BASE 65536	/* framing bytes always allowed */
#endif
#ifndef CHUNK_OVERHEAD_PER_BYTE
#define CHUNK_OVERHEAD_PER_BYTE 16	/* more framing per data byte */
#endif

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

/* Events (positive). */
#define CHUNK_DONE 1	/* last-chunk, trailers and final CRLF consumed */

/* Errors: sticky until chunk_init().  Range -60 .. -79. */
#define CHUNK_ERRORS(X) \
	X(CHUNK_E_HEX, -60, "chunk size is not a hex number") \
	X(CHUNK_E_HEX_LONG, -61, "chunk size has too many hex digits") \
	X(CHUNK_E_CRLF, -62, "chunk framing: expected CRLF") \
	X(CHUNK_E_EXT_LONG, -63, "chunk extension too long") \
	X(CHUNK_E_EXT, -64, "chunk extension contains a control character") \
	X(CHUNK_E_TRAILER_LONG, -65, "chunk trailer section too long") \
	X(CHUNK_E_TRAILER, -66, "chunk trailer contains a control character") \
	X(CHUNK_E_OVERHEAD, -67, "chunk framing overhead too large for the data") \
	X(CHUNK_E_SINK, -68, "chunk output sink failed")

enum chunk_error {
#define CHUNK_ENUM(name, code, text) name = code,
	CHUNK_ERRORS(CHUNK_ENUM)
#undef CHUNK_ENUM
	CHUNK_E_NONE = 0
};

/* Decoder context.  Caller-allocated; fields are not for the caller to
 * touch except through the functions below. */
struct chunk {
	struct sink out;
	uint64_t left;		/* data bytes left in the current chunk */
	uint64_t data;		/* data bytes emitted so far */
	uint64_t overhead;	/* framing bytes consumed so far */
	unsigned count;		/* digits, extension or trailer-line bytes */
	unsigned trailer;	/* trailer section bytes */
	int state;
	int err;		/* sticky error, 0 if none */
	int sink_err;		/* what the sink returned, if it failed */
};

/* Resets c completely (the only way to clear an error) and sets the sink
 * that receives the decoded data. */
void chunk_init(struct chunk *c, struct sink out);

/* Decodes p[0..n).  Data bytes go to the sink as they arrive, one call per
 * contiguous run of data in the slice.
 * Returns 0 when all n bytes were consumed and more are needed;
 * CHUNK_DONE when the body ended -- *used then counts the bytes that
 * belonged to it, the rest of the slice was not consumed; a negative
 * CHUNK_E_* error (sticky: later calls return it again and consume
 * nothing).  Once the body has ended, further calls return CHUNK_DONE and
 * consume nothing.  *used is always set.  p may be NULL when n is 0. */
int chunk_push(struct chunk *c, const unsigned char *p, size_t n,
    size_t *used);

/* The sticky error, or 0. */
static inline int
chunk_error(const struct chunk *c)
{
	return c->err;
}

/* Total chunk-data bytes delivered to the sink so far. */
static inline uint64_t
chunk_data_bytes(const struct chunk *c)
{
	return c->data;
}

#endif
