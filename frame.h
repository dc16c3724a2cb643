/* frame -- message framer for streaming HTTP bodies.
 * MIT licensed, see LICENSE.  Vendorable: needs only this header and libc.
 *
 * A resumable push decoder that sits after the transfer and content
 * decoders and turns the body bytes into complete messages.  frame_push()
 * takes any slice of the body (one byte or a megabyte, cut anywhere) and
 * assembles the next message into a buffer the caller provides.  As soon
 * as one message is complete it stops, returns FRAME_MSG and says in *used
 * how much input it consumed; the caller takes the message with
 * frame_msg() and calls frame_push() again with the rest of its slice.
 * The message stays valid until that next call.  Output is identical
 * whether the input arrives whole, a byte at a time or split anywhere.
 *
 * Modes (frame_init):
 *  FRAME_LINES   one message per line.  A line ends with LF or CRLF; the
 *                CR of a CRLF is not part of the message (any other CR
 *                is).  A line that is empty or holds only SP, HTAB and CR
 *                is a keep-alive: counted, never delivered.  This is the
 *                Twitter default and NDJSON.
 *  FRAME_LENGTH  Twitter's delimited=length: a line holding the decimal
 *                byte count of the message (SP, HTAB and CR around the
 *                digits are tolerated; at most FRAME_LENGTH_DIGITS
 *                digits, leading zeros included), then exactly that many
 *                bytes.  Twitter counts the CRLF that ends the message in
 *                the length, so one trailing CRLF or LF is stripped from
 *                the delivered message: the output is the same as in lines
 *                mode.  Blank lines (only SP, HTAB, CR) between messages
 *                are keep-alives, and so is a message that is empty or
 *                only blanks after the strip (e.g. a length of 0).
 *  FRAME_SSE     text/event-stream as the WHATWG HTML standard
 *                ("server-sent events", interpreting an event stream)
 *                defines it: lines end with CRLF, LF or CR; one UTF-8 BOM
 *                at the start is skipped; "field:value" with one optional
 *                space after the colon removed, a line without a colon is
 *                a field with an empty value.  data: values are joined
 *                with LF; id: (unless it contains NUL) becomes the last
 *                event id when the event is dispatched (even one without
 *                data, as the standard says); event: sets the type of the
 *                current event; retry: with only ASCII digits sets the
 *                reconnection time in ms; other fields are ignored.  An
 *                empty line dispatches the event if any data: line was
 *                seen (the message is then the joined data, possibly
 *                empty).  Comment lines (starting with ':') are counted as
 *                keep-alives, and so is an empty line that ends a block
 *                with no lines at all (two line ends in a row).
 *  FRAME_AUTO    waits for the first byte that is not SP, HTAB, CR or LF
 *                (blank lines before it are keep-alives, blanks before it
 *                on its own line are dropped): a digit picks
 *                FRAME_LENGTH, anything else FRAME_LINES.  It never picks
 *                SSE: choose FRAME_SSE from the Content-Type instead.
 *
 * Bytes are passed through as they came: nothing is decoded or validated
 * (the JSON layer checks UTF-8), NUL bytes included.
 *
 * Oversize: a message longer than the buffer is never truncated or split.
 * It is skipped to its end and counted in `oversize`, and the framer stays
 * in sync: lines mode skips to the next LF, length mode skips exactly the
 * announced bytes, SSE skips the data of the event until it is dispatched
 * (its id:, event: and retry: fields still take effect).
 *
 * End of stream: a message that was not complete when the stream ended is
 * never delivered.  frame_pending() says whether one was in progress and
 * frame_finish() discards it and readies the context for the next
 * connection's stream (the caller counts it as truncated).
 *
 * Limits (each a named error or counter):
 *  - the caller's buffer capacity: longer messages are counted as oversize;
 *  - FRAME_LENGTH_DIGITS digits in a length line;
 *  - FRAME_ID_MAX bytes in an SSE id, FRAME_EVENT_MAX in an SSE event type
 *    (kept in fixed fields: a longer one is an error rather than a silently
 *    wrong id to resume from);
 *  - SSE retry values saturate at FRAME_RETRY_MAX ms.
 * Blank or skipped lines of any length are accepted (they cost no memory);
 * limiting the bytes of a stream is the caller's business.
 *
 * Memory: the caller's message buffer (FRAME_MAX = 64 KiB by default) plus
 * sizeof(struct frame): 568 bytes on LP64 (x86_64, s390x), 560 on 32-bit
 * mipsel and ARM, 552 on i386 -- three id/event fields make most of it
 * (FRAME_ID_MAX and FRAME_EVENT_MAX may be set up to 65535).
 */
#ifndef FRAME_H
#define FRAME_H

#include <stddef.h>
#include <stdint.h>

#ifndef FRAME_MAX
#define FRAME_MAX 65536		/* suggested message buffer size */
#endif
#ifndef FRAME_LENGTH_DIGITS
#define FRAME_LENGTH_DIGITS 10	/* digits in a delimited=length line */
#endif
#ifndef FRAME_ID_MAX
#define FRAME_ID_MAX 128	/* bytes of an SSE last event id */
#endif
#ifndef FRAME_EVENT_MAX
#define FRAME_EVENT_MAX 64	/* bytes of an SSE event type */
#endif
#ifndef FRAME_RETRY_MAX
#define FRAME_RETRY_MAX 2147483647L	/* SSE retry: saturates here (ms) */
#endif

/* Build with -DFRAME_NO_SSE to leave the SSE parser out (a smaller
 * firmware image): frame_init() then refuses FRAME_SSE with
 * FRAME_E_MODE, and FRAME_HAVE_SSE is 0. */
#ifdef FRAME_NO_SSE
#define FRAME_HAVE_SSE 0
#else
#define FRAME_HAVE_SSE 1
#endif

/* Modes. */
#define FRAME_LINES 0
#define FRAME_LENGTH 1
#define FRAME_SSE 2
#define FRAME_AUTO 3

/* Events (positive). */
#define FRAME_MSG 1	/* a complete message is in the buffer */

/* Errors: sticky until frame_init().  Range -120 .. -139. */
#define FRAME_ERRORS(X) \
	X(FRAME_E_MODE, -120, \
	    "framing: unknown mode, no buffer, or SSE left out (FRAME_NO_SSE)") \
	X(FRAME_E_LENGTH, -121, \
	    "framing: length line is not a decimal number") \
	X(FRAME_E_LENGTH_LONG, -122, \
	    "framing: length line has too many digits") \
	X(FRAME_E_ID_LONG, -123, "framing: SSE id longer than FRAME_ID_MAX") \
	X(FRAME_E_EVENT_LONG, -124, \
	    "framing: SSE event type longer than FRAME_EVENT_MAX")

enum frame_error {
#define FRAME_ENUM(name, code, text) name = code,
	FRAME_ERRORS(FRAME_ENUM)
#undef FRAME_ENUM
	FRAME_E_NONE = 0
};

/* Framer context.  Caller-allocated; the fields are not for the caller to
 * touch: use the functions below. */
struct frame {
	unsigned char *buf;	/* caller's message buffer */
	size_t cap;		/* its size */
	size_t len;		/* message bytes in buf */
	uint64_t need;		/* length mode: message bytes still to come */
	uint64_t messages;	/* delivered */
	uint64_t keepalives;	/* blank lines, comments, empty messages */
	uint64_t oversize;	/* messages skipped for being too long */
	uint64_t bytes;		/* input bytes consumed */
	long retry;		/* SSE retry in ms, -1 if never set */
	int mode;		/* FRAME_LINES, _LENGTH or _SSE once decided */
	int want;		/* the mode given to frame_init() */
	int state;
	int err;		/* sticky error, 0 if none */
	unsigned count;		/* length digits, SSE field name bytes */
	unsigned char ready;	/* a message was returned: clear on next push */
	unsigned char skip;	/* the current message is oversize */
	unsigned char nonblank;	/* the current line has a non-blank byte */
	unsigned char cr;	/* lines: CR held back; SSE: CR ended a line */
	unsigned char nl;	/* SSE: an LF owed before the next data line */
	unsigned char data;	/* SSE: the event has a data: line */
	unsigned char lines;	/* SSE: the block has a line */
	unsigned char field;	/* SSE: field of the current line */
	unsigned char bad;	/* SSE: id has NUL / retry has a non-digit */
	unsigned char tlen;	/* length mode: bytes in tail */
	unsigned char tail[2];	/* length mode: bytes past cap (CRLF) */
	unsigned char name[6];	/* SSE: field name so far */
	unsigned short idlen, pidlen, evlen, evout;
	unsigned char id[FRAME_ID_MAX];	/* last event id (dispatched) */
	unsigned char pid[FRAME_ID_MAX];	/* last event id buffer */
	unsigned char tmp[FRAME_ID_MAX];	/* id: value being read */
	unsigned char ev[FRAME_EVENT_MAX];	/* event type buffer */
};

/* Resets f completely (the only way to clear an error): mode is one of
 * FRAME_LINES, FRAME_LENGTH, FRAME_SSE, FRAME_AUTO; buf[0..cap) receives
 * the messages and MUST stay valid while f is used.  cap may be 0 (every
 * non-empty message is then oversize).  An unknown mode, or a NULL buf
 * with cap > 0, makes every frame_push() return FRAME_E_MODE. */
void frame_init(struct frame *f, int mode, unsigned char *buf, size_t cap);

/* Frames p[0..n).
 * Returns FRAME_MSG as soon as a message is complete: *used counts the
 * input consumed up to and including the message's end (the rest of the
 * slice was not consumed) and frame_msg() gives the message until the next
 * frame_push().  Returns 0 when all n bytes were consumed and more are
 * needed, or a negative FRAME_E_* error (sticky: later calls return it
 * again and consume nothing).  *used is always set.  p may be NULL when n
 * is 0. */
int frame_push(struct frame *f, const unsigned char *p, size_t n,
    size_t *used);

/* The message returned by the last FRAME_MSG (pointer into the caller's
 * buffer, *len bytes, not NUL-terminated), or NULL with *len = 0 when
 * there is none.  It stays valid until the next frame_push(),
 * frame_finish() or frame_init().  SSE: the joined data of the event. */
const unsigned char *frame_msg(const struct frame *f, size_t *len);

/* Nonzero if the stream so far ends inside a message: lines, a line with
 * a non-blank byte but no LF yet; length, a length line with digits or an
 * incomplete message body; SSE, an event with a data: line (or a line
 * that may be one) not yet dispatched.  Blank bytes, keep-alives and
 * SSE fields other than data: are never pending. */
int frame_pending(const struct frame *f);

/* Ends the current stream.  Returns 1 if a message was pending (it is
 * discarded, never delivered), 0 if not, or the sticky error (nothing is
 * reset then: call frame_init()).  Afterwards f frames a new stream, for
 * example after a reconnect: the counters, the SSE last event id and
 * retry are kept, everything else (FRAME_AUTO's choice too) starts over. */
int frame_finish(struct frame *f);

/* The sticky error, or 0. */
static inline int
frame_error(const struct frame *f)
{
	return f->err;
}

/* The mode in use: FRAME_AUTO until it has decided. */
static inline int
frame_mode(const struct frame *f)
{
	return f->mode;
}

/* SSE: the last event id (the id of the last dispatched event that had
 * one; an empty id resets it), *len bytes, possibly 0.  Send it as
 * Last-Event-ID when reconnecting. */
static inline const unsigned char *
frame_last_id(const struct frame *f, size_t *len)
{
	*len = f->idlen;
	return f->id;
}

/* SSE: the type of the event returned by the last FRAME_MSG, *len bytes;
 * 0 bytes means the default type "message". */
static inline const unsigned char *
frame_event(const struct frame *f, size_t *len)
{
	*len = f->evout;
	return f->ev;
}

/* SSE: the reconnection time the server asked for with retry:, in ms, or
 * -1 if it never did. */
static inline long
frame_retry(const struct frame *f)
{
	return f->retry;
}

/* Counters since frame_init(). */
static inline uint64_t
frame_messages(const struct frame *f)
{
	return f->messages;
}

static inline uint64_t
frame_keepalives(const struct frame *f)
{
	return f->keepalives;
}

static inline uint64_t
frame_oversize(const struct frame *f)
{
	return f->oversize;
}

static inline uint64_t
frame_bytes(const struct frame *f)
{
	return f->bytes;
}

#endif
