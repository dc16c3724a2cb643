/* frame -- message framer: lines, delimited=length, server-sent events.
 * MIT licensed, see LICENSE.  See frame.h for the contract. */
#include <string.h>

#include "frame.h"

enum {
	S_AUTO,		/* FRAME_AUTO: before the first non-blank byte */
	S_LINE,		/* lines: inside a line */
	S_LEN_PRE,	/* length: blanks before the digits */
	S_LEN_DIGITS,	/* length: the digits */
	S_LEN_POST,	/* length: blanks after the digits, up to LF */
	S_LEN_BODY,	/* length: the message bytes */
	S_SSE_BOM,	/* SSE: a UTF-8 BOM at the start of the stream */
	S_SSE_START,	/* SSE: first byte of a line */
	S_SSE_NAME,	/* SSE: field name */
	S_SSE_SPACE,	/* SSE: the optional space after the colon */
	S_SSE_VALUE	/* SSE: field value (or a skipped line) up to CR/LF */
};

/* SSE fields; F_NONE is a comment or a field that is ignored. */
enum { F_NONE, F_DATA, F_ID, F_EVENT, F_RETRY };

/* SSE bad flags: an id: with NUL or a retry: with a non-digit is ignored;
 * an id: too long for the fixed field is an error unless ignored. */
#define BAD_IGNORE 1
#define BAD_LONG 2

/* Field-name bytes kept: enough for "retry" plus one to tell "retryx". */
#define NAME_KEEP 6

#if FRAME_HAVE_SSE
static const unsigned char bom[3] = { 0xef, 0xbb, 0xbf };
#endif

static int
start_state(int mode)
{
	switch (mode) {
	case FRAME_LINES:
		return S_LINE;
	case FRAME_LENGTH:
		return S_LEN_PRE;
	case FRAME_SSE:
		return S_SSE_BOM;
	default:
		return S_AUTO;
	}
}

/* Resets everything that belongs to one stream (not the counters, the SSE
 * last event id or retry). */
static void
reset_stream(struct frame *f)
{
	f->mode = f->want;
	f->state = start_state(f->want);
	f->len = 0;
	f->need = 0;
	f->count = 0;
	f->ready = 0;
	f->skip = 0;
	f->nonblank = 0;
	f->cr = 0;
	f->nl = 0;
	f->data = 0;
	f->lines = 0;
	f->field = F_NONE;
	f->bad = 0;
	f->tlen = 0;
	f->evlen = 0;
	f->evout = 0;
	/* A new stream's last event id buffer starts from the last id, as
	 * browsers do, so events without id: keep reporting it. */
	memcpy(f->pid, f->id, f->idlen);
	f->pidlen = f->idlen;
}

void
frame_init(struct frame *f, int mode, unsigned char *buf, size_t cap)
{
	f->buf = buf;
	f->cap = cap;
	f->messages = 0;
	f->keepalives = 0;
	f->oversize = 0;
	f->bytes = 0;
	f->retry = -1;
	f->idlen = 0;
	f->err = 0;
	if (mode < FRAME_LINES || mode > FRAME_AUTO || (buf == NULL &&
	    cap > 0) || (FRAME_HAVE_SSE == 0 && mode == FRAME_SSE)) {
		f->err = FRAME_E_MODE;
		mode = FRAME_LINES;
	}
	f->want = mode;
	reset_stream(f);
}

static int
is_blank(unsigned char ch)
{
	return ch == ' ' || ch == '\t' || ch == '\r';
}

static int
is_digit(unsigned char ch)
{
	return ch >= '0' && ch <= '9';
}

/* Nonzero if p[0..n) has a byte other than SP, HTAB, CR.  A message
 * usually starts with one, so this costs one byte per line. */
static int
any_nonblank(const unsigned char *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!is_blank(p[i]))
			return 1;
	return 0;
}

/* Appends p[0..n) to the message; 0 if it does not fit. */
static int
put(struct frame *f, const unsigned char *p, size_t n)
{
	if (n > f->cap - f->len)
		return 0;
	if (n) {
		memcpy(f->buf + f->len, p, n);
		f->len += n;
	}
	return 1;
}

/* Appends to the message, or turns it into an oversize one to skip. */
static void
put_or_skip(struct frame *f, const unsigned char *p, size_t n)
{
	if (!f->skip && !put(f, p, n)) {
		f->skip = 1;
		f->len = 0;
	}
}

/* The message is complete: it is delivered unless it was oversize. */
static int
deliver(struct frame *f)
{
	if (f->skip) {
		f->oversize++;
		f->skip = 0;
		f->len = 0;
		return 0;
	}
	f->messages++;
	f->ready = 1;
	return FRAME_MSG;
}

/* Length mode: the announced bytes are all in.  One trailing LF or CRLF
 * is stripped; bytes past cap (at most those two) are in tail. */
static int
length_done(struct frame *f)
{
	size_t total, strip = 0;

	f->state = S_LEN_PRE;
	if (f->skip)
		return deliver(f);
	total = f->len + f->tlen;
	if (total >= 1 && (f->tlen ? f->tail[f->tlen - 1] :
	    f->buf[f->len - 1]) == '\n') {
		strip = 1;
		if (total >= 2 && (f->tlen >= 2 ? f->tail[0] : f->tlen == 1 ?
		    f->buf[f->len - 1] : f->buf[f->len - 2]) == '\r')
			strip = 2;
	}
	total -= strip;
	f->tlen = 0;
	if (total > f->cap) {
		f->skip = 1;
		return deliver(f);
	}
	f->len = total;
	if (!any_nonblank(f->buf, total)) {
		f->keepalives++;
		f->len = 0;
		return 0;
	}
	return deliver(f);
}

#if FRAME_HAVE_SSE
/* SSE: the field name is complete; returns the field it names. */
static int
sse_field(const struct frame *f)
{
	static const struct {
		const char *name;
		unsigned len;
		int field;
	} tab[] = {
		{ "data", 4, F_DATA },
		{ "id", 2, F_ID },
		{ "event", 5, F_EVENT },
		{ "retry", 5, F_RETRY }
	};
	size_t k;

	for (k = 0; k < sizeof tab / sizeof tab[0]; k++)
		if (f->count == tab[k].len &&
		    memcmp(f->name, tab[k].name, tab[k].len) == 0)
			return tab[k].field;
	return F_NONE;
}

/* SSE: a field line's value starts. */
static void
sse_begin(struct frame *f)
{
	f->field = (unsigned char)sse_field(f);
	f->count = 0;
	f->bad = 0;
	f->need = 0;
	switch (f->field) {
	case F_DATA:
		/* The LF that joins this line to the previous data line. */
		if (f->nl)
			put_or_skip(f, (const unsigned char *)"\n", 1);
		f->nl = 0;
		f->data = 1;
		break;
	case F_EVENT:
		f->evlen = 0;
		break;
	}
}

/* SSE: p[0..n) is part of the current line's value (an event type that
 * fits: the caller checked). */
static void
sse_value(struct frame *f, const unsigned char *p, size_t n)
{
	size_t k;

	switch (f->field) {
	case F_DATA:
		put_or_skip(f, p, n);
		break;
	case F_ID:
		if (memchr(p, 0, n) != NULL)
			f->bad |= BAD_IGNORE;
		if (n > FRAME_ID_MAX - f->count) {
			f->bad |= BAD_LONG;
			break;
		}
		memcpy(f->tmp + f->count, p, n);
		f->count += (unsigned)n;
		break;
	case F_EVENT:
		memcpy(f->ev + f->evlen, p, n);
		f->evlen = (unsigned short)(f->evlen + n);
		break;
	case F_RETRY:
		for (k = 0; k < n; k++) {
			if (!is_digit(p[k])) {
				f->bad |= BAD_IGNORE;
				break;
			}
			f->count = 1;
			f->need = f->need * 10 + (unsigned)(p[k] - '0');
			if (f->need > (uint64_t)FRAME_RETRY_MAX)
				f->need = (uint64_t)FRAME_RETRY_MAX;
		}
		break;
	}
}

/* SSE: the current field line ended. */
static int
sse_end(struct frame *f)
{
	switch (f->field) {
	case F_DATA:
		f->nl = 1;
		break;
	case F_ID:
		if (f->bad & BAD_IGNORE)
			break;
		if (f->bad & BAD_LONG)
			return FRAME_E_ID_LONG;
		memcpy(f->pid, f->tmp, f->count);
		f->pidlen = (unsigned short)f->count;
		break;
	case F_RETRY:
		if (!(f->bad & BAD_IGNORE) && f->count)
			f->retry = (long)f->need;
		break;
	}
	f->field = F_NONE;
	f->count = 0;
	f->state = S_SSE_START;
	return 0;
}

/* SSE: an empty line.  The event is dispatched if it has data. */
static int
sse_dispatch(struct frame *f)
{
	int rc = 0;

	memcpy(f->id, f->pid, f->pidlen);
	f->idlen = f->pidlen;
	if (!f->lines)
		f->keepalives++;	/* two line ends in a row */
	if (f->data) {
		rc = deliver(f);
		if (rc == FRAME_MSG)
			f->evout = f->evlen;
	}
	f->lines = 0;
	f->data = 0;
	f->nl = 0;
	f->evlen = 0;
	return rc;
}
#endif

int
frame_push(struct frame *f, const unsigned char *p, size_t n, size_t *used)
{
	const unsigned char *s, *q;
#if FRAME_HAVE_SSE
	const unsigned char *r;
#endif
	size_t i = 0, run, take;
	unsigned char ch;
	int rc = 0;

	*used = 0;
	if (f->err)
		return f->err;
	if (f->ready) {
		f->ready = 0;
		f->len = 0;
		f->evout = 0;
	}
	while (i < n) {
		switch (f->state) {
		case S_AUTO:
			ch = p[i];
			if (is_blank(ch)) {
				i++;
			} else if (ch == '\n') {
				i++;
				f->keepalives++;
			} else if (is_digit(ch)) {
				f->mode = FRAME_LENGTH;
				f->state = S_LEN_PRE;
			} else {
				f->mode = FRAME_LINES;
				f->state = S_LINE;
			}
			break;
		case S_LINE:
			/* Fast path: find the LF, copy the run before it. */
			s = p + i;
			q = memchr(s, '\n', n - i);
			run = q ? (size_t)(q - s) : n - i;
			if (run) {
				take = run;
				if (!f->nonblank)
					f->nonblank = (unsigned char)
					    any_nonblank(s, run);
				if (f->cr) {
					/* The CR held back was not the end. */
					put_or_skip(f,
					    (const unsigned char *)"\r", 1);
					f->cr = 0;
				}
				if (s[run - 1] == '\r') {
					take--;
					f->cr = 1;
				}
				put_or_skip(f, s, take);
			}
			i += run;
			if (q == NULL)
				break;
			i++;
			f->cr = 0;
			if (!f->nonblank) {
				f->keepalives++;
				f->skip = 0;
				f->len = 0;
			} else {
				f->nonblank = 0;
				if ((rc = deliver(f)) != 0)
					goto out;
			}
			break;
		case S_LEN_PRE:
			ch = p[i];
			if (is_blank(ch)) {
				i++;
				break;
			}
			if (ch == '\n') {
				i++;
				f->keepalives++;
				break;
			}
			if (!is_digit(ch)) {
				rc = f->err = FRAME_E_LENGTH;
				goto out;
			}
			f->need = 0;
			f->count = 0;
			f->state = S_LEN_DIGITS;
			/* FALLTHROUGH */
		case S_LEN_DIGITS:
			while (i < n && is_digit(p[i])) {
				if (++f->count > FRAME_LENGTH_DIGITS) {
					rc = f->err = FRAME_E_LENGTH_LONG;
					goto out;
				}
				f->need = f->need * 10 + (unsigned)(p[i] - '0');
				i++;
			}
			if (i == n)
				break;
			f->state = S_LEN_POST;
			/* FALLTHROUGH */
		case S_LEN_POST:
			ch = p[i];
			if (is_blank(ch)) {
				i++;
				break;
			}
			if (ch != '\n') {
				rc = f->err = FRAME_E_LENGTH;
				goto out;
			}
			i++;
			f->len = 0;
			f->tlen = 0;
			f->skip = f->need > 2 && f->need - 2 > f->cap;
			f->state = S_LEN_BODY;
			if (f->need == 0 && (rc = length_done(f)) != 0)
				goto out;
			break;
		case S_LEN_BODY:
			take = n - i;
			if ((uint64_t)take > f->need)
				take = (size_t)f->need;
			if (!f->skip) {
				run = f->cap - f->len;
				if (run > take)
					run = take;
				if (run) {
					memcpy(f->buf + f->len, p + i, run);
					f->len += run;
				}
				/* Past cap: at most a CRLF to strip. */
				for (; run < take; run++)
					f->tail[f->tlen++] = p[i + run];
			}
			i += take;
			f->need -= take;
			if (f->need == 0 && (rc = length_done(f)) != 0)
				goto out;
			break;
#if FRAME_HAVE_SSE
		case S_SSE_BOM:
			if (p[i] == bom[f->count]) {
				i++;
				if (++f->count == sizeof bom) {
					f->count = 0;
					f->state = S_SSE_START;
				}
				break;
			}
			if (f->count == 0) {
				f->state = S_SSE_START;
				break;
			}
			/* Part of a BOM: those bytes start a field name that
			 * can be no field sluice knows. */
			f->count = NAME_KEEP;
			f->lines = 1;
			f->state = S_SSE_NAME;
			break;
		case S_SSE_START:
			ch = p[i];
			if (f->cr) {
				f->cr = 0;
				if (ch == '\n') {	/* the LF of a CRLF */
					i++;
					break;
				}
			}
			if (ch == '\r' || ch == '\n') {
				i++;
				f->cr = ch == '\r';
				if ((rc = sse_dispatch(f)) != 0)
					goto out;
				break;
			}
			f->lines = 1;
			if (ch == ':') {
				i++;
				f->keepalives++;
				f->field = F_NONE;
				f->state = S_SSE_VALUE;
				break;
			}
			f->count = 0;
			f->state = S_SSE_NAME;
			/* FALLTHROUGH */
		case S_SSE_NAME:
			ch = p[i];
			if (ch == ':' || ch == '\r' || ch == '\n') {
				sse_begin(f);
				if (ch == ':') {
					i++;
					f->state = S_SSE_SPACE;
					break;
				}
				f->state = S_SSE_VALUE;
				break;
			}
			i++;
			if (f->count < NAME_KEEP)
				f->name[f->count++] = ch;
			if (f->count == NAME_KEEP) {
				/* No field has a name this long: skip. */
				f->field = F_NONE;
				f->count = 0;
				f->state = S_SSE_VALUE;
			}
			break;
		case S_SSE_SPACE:
			if (p[i] == ' ')
				i++;
			f->state = S_SSE_VALUE;
			break;
		case S_SSE_VALUE:
			s = p + i;
			q = memchr(s, '\n', n - i);
			run = q ? (size_t)(q - s) : n - i;
			if ((r = memchr(s, '\r', run)) != NULL) {
				run = (size_t)(r - s);
				q = r;
			}
			if (f->field == F_EVENT &&
			    run > (size_t)FRAME_EVENT_MAX - f->evlen) {
				/* Consume what fits, so that *used does not
				 * depend on how the input was split. */
				i += (size_t)FRAME_EVENT_MAX - f->evlen;
				rc = f->err = FRAME_E_EVENT_LONG;
				goto out;
			}
			if (run)
				sse_value(f, s, run);
			i += run;
			if (q == NULL)
				break;
			if ((rc = sse_end(f)) != 0) {
				f->err = rc;
				goto out;
			}
			i++;
			f->cr = *q == '\r';
			break;
#endif
		}
	}
out:
	f->bytes += i;
	*used = i;
	return rc;
}

const unsigned char *
frame_msg(const struct frame *f, size_t *len)
{
	if (!f->ready) {
		*len = 0;
		return NULL;
	}
	*len = f->len;
	return f->buf;
}

int
frame_pending(const struct frame *f)
{
	switch (f->state) {
	case S_LINE:
		return f->nonblank;
	case S_LEN_DIGITS:
	case S_LEN_POST:
	case S_LEN_BODY:
		return 1;
	case S_SSE_NAME:
		if (f->count > 0 && f->count <= 4 &&
		    memcmp(f->name, "data", f->count) == 0)
			return 1;
		break;
	}
	return f->state >= S_SSE_BOM && f->data;
}

int
frame_finish(struct frame *f)
{
	int pending;

	if (f->err)
		return f->err;
	pending = frame_pending(f);
	reset_stream(f);
	return pending ? 1 : 0;
}
