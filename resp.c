/* resp -- Redis RESP2 command writer and reply parser.  MIT licensed.
 * See resp.h for the contract. */
#include <string.h>

#include "resp.h"

enum {
	S_TYPE,		/* type byte of the next element */
	S_LINE,		/* status / error / integer text up to CR */
	S_LINE_LF,
	S_NUM,		/* bulk or array length up to CR */
	S_NUM_LF,
	S_BULK,		/* bulk data */
	S_BULK_CR,
	S_BULK_LF
};

#define INT64_MAG_MAX 9223372036854775807ULL

/* ---- writer ---------------------------------------------------------- */

static size_t
udigits(size_t v)
{
	size_t d = 1;

	while (v >= 10) {
		v /= 10;
		d++;
	}
	return d;
}

static unsigned char *
put_uint(unsigned char *q, size_t v)
{
	unsigned char tmp[24];
	size_t k = 0;

	do {
		tmp[k++] = (unsigned char)('0' + v % 10);
		v /= 10;
	} while (v);
	while (k)
		*q++ = tmp[--k];
	return q;
}

/* Adds b to *a; returns nonzero on overflow. */
static int
add_len(size_t *a, size_t b)
{
	if (*a > (size_t)-1 - b)
		return 1;
	*a += b;
	return 0;
}

static size_t
arglen(const char *const argv[], const size_t argvlen[], int i)
{
	return argvlen ? argvlen[i] : strlen(argv[i]);
}

static size_t
measure(int argc, const char *const argv[], const size_t argvlen[])
{
	size_t total = 3 + udigits((size_t)argc), a;
	int i;

	for (i = 0; i < argc; i++) {
		a = arglen(argv, argvlen, i);
		if (add_len(&total, 5 + udigits(a)) || add_len(&total, a))
			return (size_t)-1;
	}
	return total;
}

size_t
resp_command_len(int argc, const size_t argvlen[])
{
	size_t total = 3 + udigits(argc > 0 ? (size_t)argc : 0);
	int i;

	for (i = 0; i < argc; i++)
		if (add_len(&total, 5 + udigits(argvlen[i])) ||
		    add_len(&total, argvlen[i]))
			return (size_t)-1;
	return total;
}

int
resp_command(unsigned char *buf, size_t cap, size_t *len, int argc,
    const char *const argv[], const size_t argvlen[])
{
	unsigned char *q = buf;
	size_t need, a;
	int i;

	*len = 0;
	if (argc < 1)
		return RESP_E_ARGS;
	need = measure(argc, argv, argvlen);
	*len = need;
	if (need > cap)
		return RESP_E_TRUNC;
	*q++ = '*';
	q = put_uint(q, (size_t)argc);
	*q++ = '\r';
	*q++ = '\n';
	for (i = 0; i < argc; i++) {
		a = arglen(argv, argvlen, i);
		*q++ = '$';
		q = put_uint(q, a);
		*q++ = '\r';
		*q++ = '\n';
		if (a)
			memcpy(q, argv[i], a);
		q += a;
		*q++ = '\r';
		*q++ = '\n';
	}
	return 0;
}

/* ---- reader ---------------------------------------------------------- */

void
resp_init(struct resp *r)
{
	memset(r, 0, sizeof *r);
	r->state = S_TYPE;
}

static int
fail(struct resp *r, int err)
{
	r->err = err;
	return err;
}

/* Is the element in hand top-level text the caller will see? */
static int
capturing(const struct resp *r)
{
	return r->depth == 0 && r->elem != RESP_T_INT;
}

static void
keep(struct resp *r, const unsigned char *p, size_t n)
{
	size_t room = r->slen < RESP_STR_MAX ? RESP_STR_MAX - r->slen : 0;

	if (n > room)
		n = room;
	if (n)
		memcpy(r->sbuf + r->slen, p, n);
}

/* An element ended: returns 1 when that completed the top-level reply. */
static int
elem_done(struct resp *r)
{
	int top = capturing(r);

	while (r->depth > 0) {
		if (--r->remain[r->depth - 1] > 0) {
			r->state = S_TYPE;
			return 0;
		}
		r->depth--;
	}
	r->state = S_TYPE;
	if (top && (r->elem == RESP_T_STATUS ||
	    r->elem == RESP_T_ERROR || r->elem == RESP_T_BULK)) {
		if (r->spans) {
			r->str = r->sbuf;
			r->len = r->slen < RESP_STR_MAX ? r->slen :
			    RESP_STR_MAX;
			r->str_cut = r->slen > RESP_STR_MAX;
		} else {
			r->str = r->sp;
			r->len = r->slen;
		}
	}
	r->replies++;
	return 1;
}

/* Adds one digit (or the leading '-') of a number; 0 or an error. */
static int
digit(struct resp *r, unsigned char ch)
{
	if (ch == '-' && r->count == 0 && !r->neg) {
		r->neg = 1;
		return 0;
	}
	if (ch < '0' || ch > '9' || r->count >= 20)
		return RESP_E_INT;	/* 20 digits: leading zeros, no more */
	if (r->num > (INT64_MAG_MAX + (uint64_t)r->neg - (ch - '0')) / 10)
		return RESP_E_INT;
	r->num = r->num * 10 + (uint64_t)(ch - '0');
	r->count++;
	return 0;
}

static int64_t
number(const struct resp *r)
{
	if (r->neg)
		return r->num ? -(int64_t)(r->num - 1) - 1 : 0;
	return (int64_t)r->num;
}

int
resp_push(struct resp *r, const unsigned char *p, size_t n, size_t *used)
{
	size_t i = 0, take;
	int64_t v;
	int rc = 0;

	*used = 0;
	if (r->err)
		return r->err;
	r->sp = p;	/* a string in hand continues at the slice start */
	while (i < n) {
		unsigned char ch = p[i];

		switch (r->state) {
		case S_TYPE:
			i++;
			if (r->depth == 0) {	/* a new top-level reply */
				r->type = ch;
				r->integer = 0;
				r->str = NULL;
				r->len = 0;
				r->str_cut = 0;
				r->nerr = 0;
			}
			r->elem = ch;
			r->neg = 0;
			r->num = 0;
			r->count = 0;
			r->slen = 0;
			r->spans = 0;
			r->sp = p + i;
			switch (ch) {
			case RESP_T_STATUS:
			case RESP_T_INT:
				r->state = S_LINE;
				break;
			case RESP_T_ERROR:
				if (r->depth > 0)
					r->nerr++;
				r->state = S_LINE;
				break;
			case RESP_T_BULK:
			case RESP_T_ARRAY:
				r->state = S_NUM;
				break;
			default:
				rc = fail(r, RESP_E_TYPE);
				goto out;
			}
			break;
		case S_LINE:
			if (ch == '\r') {
				i++;
				if (r->elem == RESP_T_INT) {
					if (r->count == 0) {
						rc = fail(r, RESP_E_INT);
						goto out;
					}
					if (r->depth == 0)
						r->integer = number(r);
				}
				r->state = S_LINE_LF;
				break;
			}
			if (ch == '\n') {
				rc = fail(r, RESP_E_CRLF);
				goto out;
			}
			if (r->elem == RESP_T_INT) {
				if ((rc = digit(r, ch)) != 0) {
					rc = fail(r, rc);
					goto out;
				}
			} else {
				if (r->slen >= RESP_LINE_MAX) {
					rc = fail(r, RESP_E_LINE_LONG);
					goto out;
				}
				if (capturing(r))
					keep(r, &ch, 1);
				r->slen++;
			}
			i++;
			break;
		case S_LINE_LF:
		case S_BULK_LF:
			i++;
			if (ch != '\n') {
				rc = fail(r, RESP_E_CRLF);
				goto out;
			}
			if (elem_done(r)) {
				rc = RESP_REPLY;
				goto out;
			}
			break;
		case S_NUM:
			i++;
			if (ch != '\r') {
				if ((rc = digit(r, ch)) != 0) {
					rc = fail(r, rc);
					goto out;
				}
				break;
			}
			if (r->count == 0) {
				rc = fail(r, RESP_E_INT);
				goto out;
			}
			r->state = S_NUM_LF;
			break;
		case S_NUM_LF:
			i++;
			if (ch != '\n') {
				rc = fail(r, RESP_E_CRLF);
				goto out;
			}
			v = number(r);
			if (r->depth == 0)
				r->integer = v;
			if (v < -1 || (r->neg && v == 0)) {
				rc = fail(r, RESP_E_LEN);
				goto out;
			}
			if (r->elem == RESP_T_BULK) {
				if (v == -1) {
					if (r->depth == 0)
						r->type = RESP_T_NIL;
					r->elem = RESP_T_NIL;
					if (elem_done(r)) {
						rc = RESP_REPLY;
						goto out;
					}
					break;
				}
				if (v > RESP_BULK_MAX) {
					rc = fail(r, RESP_E_BULK_LONG);
					goto out;
				}
				r->left = v;
				r->sp = p + i;
				r->state = v ? S_BULK : S_BULK_CR;
				break;
			}
			/* an array */
			if (v == -1 && r->depth == 0)
				r->type = RESP_T_NIL_ARRAY;
			if (v > RESP_ARRAY_MAX) {
				rc = fail(r, RESP_E_ARRAY_LONG);
				goto out;
			}
			if (v <= 0) {
				if (elem_done(r)) {
					rc = RESP_REPLY;
					goto out;
				}
				break;
			}
			if (r->depth == RESP_DEPTH_MAX) {
				rc = fail(r, RESP_E_DEPTH);
				goto out;
			}
			r->remain[r->depth++] = v;
			r->state = S_TYPE;
			break;
		case S_BULK:
			take = n - i;
			if ((uint64_t)take > (uint64_t)r->left)
				take = (size_t)r->left;
			if (capturing(r))
				keep(r, p + i, take);
			r->slen += take;
			r->left -= (int64_t)take;
			i += take;
			if (r->left == 0)
				r->state = S_BULK_CR;
			break;
		case S_BULK_CR:
			i++;
			if (ch != '\r') {
				rc = fail(r, RESP_E_CRLF);
				goto out;
			}
			r->state = S_BULK_LF;
			break;
		}
	}
out:
	/* A string still open continues in the next slice: from now on its
	 * bytes are only in sbuf. */
	if (rc == 0)
		r->spans = 1;
	*used = i;
	return rc;
}
