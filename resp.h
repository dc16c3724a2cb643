/* resp -- Redis RESP2 command writer and resumable reply parser.
 * MIT licensed, see LICENSE.  Vendorable: needs only this header and libc.
 * No I/O: the caller moves bytes between these buffers and its socket.
 *
 * Writer.  resp_command() encodes one command as a RESP array of bulk
 * strings ("*2\r\n$4\r\nINCR\r\n$1\r\nk\r\n") into a caller buffer.  It
 * measures first and writes only when the whole command fits: truncation
 * is an error (RESP_E_TRUNC) and then nothing at all is written, while
 * *len still says how many bytes the command needs.
 *
 * Reader.  resp_push() takes reply bytes as they arrive, cut anywhere, and
 * returns RESP_REPLY once per complete top-level reply; *used then says
 * where that reply ended (the rest of the slice is not consumed: push it
 * again).  What the reply was is in the context until the next push:
 *     r->type      RESP_T_STATUS '+', RESP_T_ERROR '-', RESP_T_INT ':',
 *                  RESP_T_BULK '$', RESP_T_NIL ($-1), RESP_T_ARRAY '*',
 *                  RESP_T_NIL_ARRAY (*-1)
 *     r->integer   the integer, or the bulk/array length
 *     r->str/len   the text of a top-level status, error or bulk string;
 *                  it points into the caller's slice when the whole
 *                  string arrived in one push, else into r->sbuf, which
 *                  keeps the first RESP_STR_MAX bytes (r->str_cut is set
 *                  when more were dropped).  Valid until the next push.
 *     r->nerr      error replies nested anywhere inside an array (EXEC
 *                  results), so none is ignored silently.
 * Elements inside arrays are checked and counted but not returned one by
 * one; sluice only needs the top level and the errors.
 *
 * Limits (each a named error, sticky until resp_init()):
 *  - RESP_LINE_MAX bytes in a status/error/integer/length line;
 *  - RESP_BULK_MAX bytes in one bulk string;
 *  - RESP_ARRAY_MAX elements in one array;
 *  - RESP_DEPTH_MAX nested arrays.
 *
 * Memory: sizeof(struct resp) is 312 bytes on LP64 with the default
 * limits (RESP_STR_MAX 128, RESP_DEPTH_MAX 8); 296 on ILP32 (mipsel).
 */
#ifndef RESP_H
#define RESP_H

#include <stddef.h>
#include <stdint.h>

#ifndef RESP_LINE_MAX
#define RESP_LINE_MAX 4096		/* status/error/integer line bytes */
#endif
#ifndef RESP_BULK_MAX
#define RESP_BULK_MAX (16L * 1024 * 1024)	/* bytes in one bulk */
#endif
#ifndef RESP_ARRAY_MAX
#define RESP_ARRAY_MAX (1L << 20)	/* elements in one array */
#endif
#ifndef RESP_DEPTH_MAX
#define RESP_DEPTH_MAX 8		/* nested arrays */
#endif
#ifndef RESP_STR_MAX
#define RESP_STR_MAX 128		/* string bytes kept across slices */
#endif

/* Events (positive). */
#define RESP_REPLY 1	/* one complete top-level reply is in the context */

/* Reply types: the RESP type byte, plus two for the null forms. */
#define RESP_T_STATUS '+'
#define RESP_T_ERROR '-'
#define RESP_T_INT ':'
#define RESP_T_BULK '$'
#define RESP_T_ARRAY '*'
#define RESP_T_NIL 'n'		/* $-1 */
#define RESP_T_NIL_ARRAY 'N'	/* *-1 */

/* Errors.  Range -180 .. -199.  Reader errors are sticky. */
#define RESP_ERRORS(X) \
	X(RESP_E_TRUNC, -180, "RESP command does not fit the buffer") \
	X(RESP_E_ARGS, -181, "RESP command needs at least one argument") \
	X(RESP_E_TYPE, -182, "RESP reply starts with an unknown type byte") \
	X(RESP_E_CRLF, -183, "RESP reply: expected CRLF") \
	X(RESP_E_INT, -184, "RESP reply: malformed integer or length") \
	X(RESP_E_LINE_LONG, -185, "RESP reply line too long") \
	X(RESP_E_BULK_LONG, -186, "RESP bulk string too long") \
	X(RESP_E_ARRAY_LONG, -187, "RESP array has too many elements") \
	X(RESP_E_DEPTH, -188, "RESP arrays nested too deep") \
	X(RESP_E_LEN, -189, "RESP reply: negative length other than -1")

enum resp_error {
#define RESP_ENUM(name, code, text) name = code,
	RESP_ERRORS(RESP_ENUM)
#undef RESP_ENUM
	RESP_E_NONE = 0
};

/* Reader context.  Caller-allocated; read the reply fields documented
 * above, do not touch the others. */
struct resp {
	/* the last complete reply */
	int type;
	int str_cut;			/* str holds only a prefix */
	int64_t integer;
	const unsigned char *str;
	size_t len;
	unsigned long nerr;		/* nested error elements */
	uint64_t replies;		/* complete replies so far */

	/* parser state */
	int state;
	int err;
	int elem;			/* type byte of the element in hand */
	int neg;
	unsigned count;			/* line bytes / digits */
	uint64_t num;			/* magnitude of the number in hand */
	int64_t left;			/* bulk bytes left */
	int depth;
	int64_t remain[RESP_DEPTH_MAX];	/* elements left per level */
	const unsigned char *sp;	/* string start in this slice */
	size_t slen;			/* string bytes so far */
	int spans;			/* string continued from a slice */
	unsigned char sbuf[RESP_STR_MAX];
};

/* Bytes resp_command() needs for argc arguments of the given lengths. */
size_t resp_command_len(int argc, const size_t argvlen[]);

/* Encodes the command argv[0..argc) (argvlen[i] bytes each; argvlen may
 * be NULL for NUL-terminated arguments) into buf[0..cap).  Returns 0 and
 * sets *len to the bytes written; RESP_E_TRUNC when it does not fit (buf
 * untouched, *len = bytes needed); RESP_E_ARGS when argc < 1. */
int resp_command(unsigned char *buf, size_t cap, size_t *len, int argc,
    const char *const argv[], const size_t argvlen[]);

/* Resets r completely (the only way to clear an error). */
void resp_init(struct resp *r);

/* Parses reply bytes p[0..n).  Returns 0 when all n bytes were consumed
 * and the reply is not complete yet; RESP_REPLY when one top-level reply
 * ended (*used counts its bytes in this slice; push the rest again); a
 * negative RESP_E_* error (sticky: later calls return it and consume
 * nothing).  *used is always set.  p may be NULL when n is 0. */
int resp_push(struct resp *r, const unsigned char *p, size_t n,
    size_t *used);

/* The sticky error, or 0. */
static inline int
resp_error(const struct resp *r)
{
	return r->err;
}

#endif
