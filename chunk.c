/* chunk -- HTTP/1.1 chunked transfer-coding decoder.  MIT licensed.
 * See chunk.h for the contract. */
#include "chunk.h"

enum {
	S_SIZE0,	/* first hex digit of a chunk size */
	S_SIZE,		/* further hex digits */
	S_SIZE_WS,	/* whitespace after the size */
	S_EXT,		/* inside ";ext" up to CR */
	S_SIZE_LF,	/* LF of the size line */
	S_DATA,
	S_DATA_CR,
	S_DATA_LF,
	S_TRAILER,	/* start of a trailer line, or the final CRLF */
	S_TRAILER_LINE,
	S_TRAILER_LF,
	S_FINAL_LF,
	S_DONE
};

void
chunk_init(struct chunk *c, struct sink out)
{
	c->out = out;
	c->left = 0;
	c->data = 0;
	c->overhead = 0;
	c->count = 0;
	c->trailer = 0;
	c->state = S_SIZE0;
	c->err = 0;
	c->sink_err = 0;
}

static int
hexval(unsigned char ch)
{
	if (ch >= '0' && ch <= '9')
		return ch - '0';
	if (ch >= 'a' && ch <= 'f')
		return ch - 'a' + 10;
	if (ch >= 'A' && ch <= 'F')
		return ch - 'A' + 10;
	return -1;
}

/* Characters allowed in an extension or a trailer line: anything but
 * controls other than HTAB (obs-text included, it is skipped anyway). */
static int
is_text(unsigned char ch)
{
	return ch == '\t' || (ch >= 0x20 && ch != 0x7f);
}

static int
fail(struct chunk *c, int err)
{
	c->err = err;
	return err;
}

int
chunk_push(struct chunk *c, const unsigned char *p, size_t n, size_t *used)
{
	size_t i = 0, framing = 0;
	int v, rc = 0;

	*used = 0;
	if (c->err)
		return c->err;
	if (c->state == S_DONE)
		return CHUNK_DONE;	/* the body is over; nothing consumed */
	while (i < n) {
		unsigned char ch = p[i];

		if (c->state == S_DATA) {
			size_t take = n - i;
			int w;

			if ((uint64_t)take > c->left)
				take = (size_t)c->left;
			w = c->out.write(c->out.arg, p + i, take);
			if (w != 0) {
				c->sink_err = w;
				rc = fail(c, CHUNK_E_SINK);
				goto out;
			}
			c->left -= take;
			c->data += take;
			i += take;
			if (c->left == 0)
				c->state = S_DATA_CR;
			continue;
		}
		i++;
		framing++;
		switch (c->state) {
		case S_SIZE0:
			if ((v = hexval(ch)) < 0) {
				rc = fail(c, CHUNK_E_HEX);
				goto out;
			}
			c->left = (uint64_t)v;
			c->count = 1;
			c->state = S_SIZE;
			break;
		case S_SIZE:
			if ((v = hexval(ch)) >= 0) {
				if (++c->count > CHUNK_HEX_MAX) {
					rc = fail(c, CHUNK_E_HEX_LONG);
					goto out;
				}
				c->left = c->left << 4 | (uint64_t)v;
				break;
			}
			/* FALLTHROUGH - the size ended */
		case S_SIZE_WS:
			if (ch == ' ' || ch == '\t') {
				c->state = S_SIZE_WS;
			} else if (ch == ';') {
				c->count = 0;
				c->state = S_EXT;
			} else if (ch == '\r') {
				c->state = S_SIZE_LF;
			} else {
				rc = fail(c, ch == '\n' ? CHUNK_E_CRLF :
				    CHUNK_E_HEX);
				goto out;
			}
			break;
		case S_EXT:
			if (ch == '\r') {
				c->state = S_SIZE_LF;
			} else if (!is_text(ch)) {
				rc = fail(c, ch == '\n' ? CHUNK_E_CRLF :
				    CHUNK_E_EXT);
				goto out;
			} else if (++c->count > CHUNK_EXT_MAX) {
				rc = fail(c, CHUNK_E_EXT_LONG);
				goto out;
			}
			break;
		case S_SIZE_LF:
			if (ch != '\n') {
				rc = fail(c, CHUNK_E_CRLF);
				goto out;
			}
			c->state = c->left ? S_DATA : S_TRAILER;
			break;
		case S_DATA_CR:
			if (ch != '\r') {
				rc = fail(c, CHUNK_E_CRLF);
				goto out;
			}
			c->state = S_DATA_LF;
			break;
		case S_DATA_LF:
			if (ch != '\n') {
				rc = fail(c, CHUNK_E_CRLF);
				goto out;
			}
			c->state = S_SIZE0;
			break;
		case S_TRAILER:
			if (ch == '\r') {
				c->state = S_FINAL_LF;
				break;
			}
			c->state = S_TRAILER_LINE;
			/* FALLTHROUGH - first byte of a trailer line */
		case S_TRAILER_LINE:
			if (++c->trailer > CHUNK_TRAILER_MAX) {
				rc = fail(c, CHUNK_E_TRAILER_LONG);
				goto out;
			}
			if (ch == '\r') {
				c->state = S_TRAILER_LF;
			} else if (!is_text(ch)) {
				rc = fail(c, ch == '\n' ? CHUNK_E_CRLF :
				    CHUNK_E_TRAILER);
				goto out;
			}
			break;
		case S_TRAILER_LF:
			if (ch != '\n') {
				rc = fail(c, CHUNK_E_CRLF);
				goto out;
			}
			c->state = S_TRAILER;
			break;
		case S_FINAL_LF:
			if (ch != '\n') {
				rc = fail(c, CHUNK_E_CRLF);
				goto out;
			}
			c->state = S_DONE;
			rc = CHUNK_DONE;
			goto out;
		}
	}
out:
	c->overhead += framing;
	if (rc >= 0 && c->overhead > (uint64_t)CHUNK_OVERHEAD_BASE +
	    c->data * CHUNK_OVERHEAD_PER_BYTE)
		rc = fail(c, CHUNK_E_OVERHEAD);
	*used = i;
	return rc;
}
