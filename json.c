/* json -- strict RFC 8259 tokenizing scanner.  MIT licensed.
 * See json.h for the contract. */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"

/* Byte classes inside a string.  C_PLAIN needs no attention; the UTF-8
 * lead classes say which range the second byte must fall in (RFC 3629
 * section 4 / Unicode table 3-7). */
enum {
	C_PLAIN = 0,
	C_QUOTE,	/* '"' */
	C_BSL,		/* '\\' */
	C_CTRL,		/* 0x00-0x1f */
	C_U2,		/* c2-df: 80-bf */
	C_E0,		/* e0: a0-bf 80-bf */
	C_E,		/* e1-ec ee-ef: 80-bf 80-bf */
	C_ED,		/* ed: 80-9f 80-bf (no surrogates) */
	C_F0,		/* f0: 90-bf 80-bf 80-bf */
	C_F,		/* f1-f3: 80-bf x3 */
	C_F4,		/* f4: 80-8f 80-bf 80-bf (<= U+10FFFF) */
	C_BAD		/* 80-c1 f5-ff: never a lead byte */
};

#define R16(k) k, k, k, k, k, k, k, k, k, k, k, k, k, k, k, k
static const unsigned char cls[256] = {
	R16(C_CTRL), R16(C_CTRL),
	/* 0x20 */ 0, 0, C_QUOTE, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	R16(0), R16(0),
	/* 0x50 */ 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, C_BSL, 0, 0, 0,
	R16(0), R16(0),
	R16(C_BAD), R16(C_BAD), R16(C_BAD), R16(C_BAD),
	/* 0xc0 */ C_BAD, C_BAD, C_U2, C_U2, C_U2, C_U2, C_U2, C_U2,
	C_U2, C_U2, C_U2, C_U2, C_U2, C_U2, C_U2, C_U2,
	R16(C_U2),
	/* 0xe0 */ C_E0, C_E, C_E, C_E, C_E, C_E, C_E, C_E,
	C_E, C_E, C_E, C_E, C_E, C_ED, C_E, C_E,
	/* 0xf0 */ C_F0, C_F, C_F, C_F, C_F4, C_BAD, C_BAD, C_BAD,
	C_BAD, C_BAD, C_BAD, C_BAD, C_BAD, C_BAD, C_BAD, C_BAD
};
#undef R16

/* Per UTF-8 lead class (C_U2 .. C_F4): length and second-byte range. */
static const unsigned char u8need[C_BAD] = { 0, 0, 0, 0, 2, 3, 3, 3, 4, 4, 4 };
static const unsigned char u8lo[C_BAD] = { 0, 0, 0, 0, 0x80, 0xa0, 0x80,
	0x80, 0x90, 0x80, 0x80 };
static const unsigned char u8hi[C_BAD] = { 0, 0, 0, 0, 0xbf, 0xbf, 0xbf,
	0x9f, 0xbf, 0xbf, 0x8f };

#define ONES ((uint64_t)0x0101010101010101ULL)
#define HIGH ((uint64_t)0x8080808080808080ULL)

/* Eight bytes as a little-endian integer, built with shifts: any
 * alignment, either byte order (gcc and clang turn it into one load, plus a
 * byte swap on big-endian targets).  Little-endian order puts the first
 * byte lowest, which is what first_special() needs. */
static inline uint64_t
load64(const unsigned char *p)
{
	return (uint64_t)p[0] | (uint64_t)p[1] << 8 | (uint64_t)p[2] << 16 |
	    (uint64_t)p[3] << 24 | (uint64_t)p[4] << 32 |
	    (uint64_t)p[5] << 40 | (uint64_t)p[6] << 48 |
	    (uint64_t)p[7] << 56;
}

/* Index (0-7) of the lowest byte whose top bit is set in m != 0. */
static inline unsigned
first_byte(uint64_t m)
{
#if defined(__GNUC__) || defined(__clang__)
	return (unsigned)__builtin_ctzll(m) >> 3;
#else
	unsigned i = 0;

	while (!(m & 0x80)) {
		m >>= 8;
		i++;
	}
	return i;
#endif
}

/* Nonzero iff one of the 8 bytes is '"', '\\', < 0x20 or >= 0x80; the
 * lowest set bit marks the first such byte exactly.  Per byte b:
 *  - b < 0x80: b - 0x20 sets the top bit iff b < 0x20, (b ^ '"') - 1 iff
 *    b == '"', (b ^ '\\') - 1 iff b == '\\';
 *  - b >= 0xa0: b - 0x20 >= 0x80; 0x80 <= b < 0xa0: (b ^ '"') is 0xa0-0xbf
 *    and minus 1 keeps the top bit; so every non-ASCII byte is marked.
 * A borrow leaves only a byte that is itself marked and moves upwards, so
 * it can add false marks above a true one, never below.  (test_json's
 * string_bytes checks every byte value in every lane.) */
static inline uint64_t
special8(uint64_t x)
{
	return ((x - ONES * 0x20) | ((x ^ ONES * 0x22) - ONES) |
	    ((x ^ ONES * 0x5c) - ONES)) & HIGH;
}

static int
hexval(unsigned c)
{
	if (c - '0' < 10)
		return (int)(c - '0');
	c |= 0x20;
	if (c - 'a' < 6)
		return (int)(c - 'a' + 10);
	return -1;
}

/* Four hex digits at p (p + 4 <= end checked by the caller), or -1. */
static long
hex4(const unsigned char *p)
{
	int a = hexval(p[0]), b = hexval(p[1]), c = hexval(p[2]),
	    d = hexval(p[3]);

	if ((a | b | c | d) < 0)
		return -1;
	return (long)a << 12 | (long)b << 8 | (long)c << 4 | (long)d;
}

/* Validates "\uXXXX" at p (p[0] is the backslash, p[1] 'u').  Returns the
 * code unit, or a negative error; *bad is where the problem is. */
static long
uescape(const unsigned char *p, const unsigned char *end,
    const unsigned char **bad)
{
	long u;
	size_t i, have = (size_t)(end - p);

	for (i = 2; i < 6; i++) {
		if (i >= have) {
			*bad = end;
			return JSON_E_EOF;
		}
		if (hexval(p[i]) < 0) {
			*bad = p + i;
			return JSON_E_ESCAPE;
		}
	}
	u = hex4(p + 2);
	return u;
}

/* Checks the multi-byte UTF-8 sequence whose lead byte (class k) is p[0].
 * Returns its length or a negative error. */
static int
utf8_seq(const unsigned char *p, const unsigned char *end, unsigned k)
{
	unsigned char lo = 0x80, hi = 0xbf;
	int need, i;

	switch (k) {
	case C_U2: need = 2; break;
	case C_E0: need = 3; lo = 0xa0; break;
	case C_E: need = 3; break;
	case C_ED: need = 3; hi = 0x9f; break;
	case C_F0: need = 4; lo = 0x90; break;
	case C_F: need = 4; break;
	case C_F4: need = 4; hi = 0x8f; break;
	default: return JSON_E_UTF8;
	}
	if (end - p < 2)
		return JSON_E_EOF;
	if (p[1] < lo || p[1] > hi)
		return JSON_E_UTF8;
	for (i = 2; i < need; i++) {
		if (end - p <= i)
			return JSON_E_EOF;
		if ((p[i] & 0xc0) != 0x80)
			return JSON_E_UTF8;
	}
	return need;
}

#define IS_DIGIT(c) ((unsigned)(c) - '0' < 10)

/* The common case inline: the plain ASCII run at the start of a string,
 * 8 bytes at a time.  Returns the first byte that needs a look (or a
 * position fewer than 8 bytes from the end). */
static inline const unsigned char *
plain_run(const unsigned char *p, const unsigned char *end)
{
	uint64_t m;

	while (end - p >= 8) {
		if ((m = special8(load64(p))) != 0)
			return p + first_byte(m);
		p += 8;
	}
	return p;
}

/* Skips decimal digits from p, 8 at a time where it can.  A byte is
 * marked when it is below '0' (the subtraction borrows) or above '9' (the
 * addition reaches the top bit); digits neither borrow nor carry, so the
 * lowest mark is exact. */
static inline const unsigned char *
digits(const unsigned char *p, const unsigned char *end)
{
	uint64_t x, m;

	while (end - p >= 8) {
		x = load64(p);
		m = ((x + ONES * 0x46) | (x - ONES * 0x30)) & HIGH;
		if (m != 0)
			return p + first_byte(m);
		p += 8;
	}
	while (p < end && IS_DIGIT(*p))
		p++;
	return p;
}

/* Scans string contents from p (just after the opening quote).  Returns
 * the position of the closing quote, or NULL with *err and *bad set.
 * *esc is set to JSON_TOK_ESC when an escape was seen. */
static const unsigned char *
scan_string(const unsigned char *p, const unsigned char *end,
    unsigned *esc, int *err, const unsigned char **bad)
{
	unsigned k;
	long u;
	int r;

	for (;;) {
		/* Fast path: 8 bytes at a time while they are plain ASCII,
		 * then straight to the first byte that needs a look. */
		if (end - p >= 8) {
			uint64_t m = special8(load64(p));

			if (m == 0) {
				p += 8;
				continue;
			}
			p += first_byte(m);
		} else {
			for (;;) {
				if (p == end) {
					*err = JSON_E_EOF;
					*bad = p;
					return NULL;
				}
				if (cls[*p] != C_PLAIN)
					break;
				p++;
			}
		}
		if (*p == '"')
			return p;
		k = cls[*p];
		switch (k) {
		case C_QUOTE:
			return p;
		case C_BSL:
			*esc = JSON_TOK_ESC;
			if (end - p < 2) {
				*err = JSON_E_EOF;
				*bad = end;
				return NULL;
			}
			switch (p[1]) {
			case '"': case '\\': case '/': case 'b': case 'f':
			case 'n': case 'r': case 't':
				p += 2;
				continue;
			case 'u':
				break;
			default:
				*err = JSON_E_ESCAPE;
				*bad = p;
				return NULL;
			}
			if ((u = uescape(p, end, bad)) < 0) {
				*err = (int)u;
				return NULL;
			}
			if (u >= 0xdc00 && u <= 0xdfff) {
				*err = JSON_E_SURROGATE;
				*bad = p;
				return NULL;
			}
			p += 6;
			if (u < 0xd800 || u > 0xdbff)
				continue;
			/* A high surrogate: a low one must follow at once. */
			if (end - p < 2) {
				*err = p == end || p[0] == '\\' ?
				    JSON_E_EOF : JSON_E_SURROGATE;
				*bad = p == end || p[0] == '\\' ? end : p - 6;
				return NULL;
			}
			if (p[0] != '\\' || p[1] != 'u') {
				*err = JSON_E_SURROGATE;
				*bad = p - 6;
				return NULL;
			}
			if ((u = uescape(p, end, bad)) < 0) {
				*err = (int)u;
				return NULL;
			}
			if (u < 0xdc00 || u > 0xdfff) {
				*err = JSON_E_SURROGATE;
				*bad = p;
				return NULL;
			}
			p += 6;
			continue;
		case C_CTRL:
			*err = JSON_E_CTRL;
			*bad = p;
			return NULL;
		default:
			/* Well inside the text: one range test on the second
			 * byte, a mask test on the others. */
			if (end - p >= 4 && k != C_BAD) {
				unsigned need = u8need[k];

				if (p[1] >= u8lo[k] && p[1] <= u8hi[k] &&
				    (need < 3 || (p[2] & 0xc0) == 0x80) &&
				    (need < 4 || (p[3] & 0xc0) == 0x80)) {
					p += need;
					continue;
				}
			}
			if ((r = utf8_seq(p, end, k)) < 0) {
				*err = r;
				*bad = r == JSON_E_EOF ? end : p;
				return NULL;
			}
			p += r;
			continue;
		}
	}
}

/* Scans a number starting at p (a '-' or a digit).  Returns its end, or
 * NULL with *err and *bad set. */
static const unsigned char *
scan_number(const unsigned char *p, const unsigned char *end, int *err,
    const unsigned char **bad)
{
	if (*p == '-')
		p++;
	if (p == end)
		goto eof;
	if (*p == '0') {
		p++;
	} else if (IS_DIGIT(*p)) {
		p = digits(p + 1, end);
	} else {
		goto bad;
	}
	if (p == end)
		return p;
	if (*p == '.') {
		if (++p == end)
			goto eof;
		if (!IS_DIGIT(*p))
			goto bad;
		p = digits(p + 1, end);
		if (p == end)
			return p;
	}
	if ((*p | 0x20) == 'e') {
		if (++p == end)
			goto eof;
		if (*p == '+' || *p == '-')
			if (++p == end)
				goto eof;
		if (!IS_DIGIT(*p))
			goto bad;
		do
			p++;
		while (p < end && IS_DIGIT(*p));
		if (p == end)
			return p;
	}
	if (IS_DIGIT(*p))	/* "01", "-00" */
		goto bad;
	return p;
eof:
	*err = JSON_E_EOF;
	*bad = end;
	return NULL;
bad:
	*err = JSON_E_NUMBER;
	*bad = p;
	return NULL;
}

#define IS_WS(c) ((c) == ' ' || (c) == '\n' || (c) == '\r' || (c) == '\t')
#define SKIP_WS() do { \
		if (p < end && *p <= ' ') \
			while (p < end && IS_WS(*p)) \
				p++; \
	} while (0)
#define NONE 0xffffffffu

void
json_init(struct json *j)
{
	memset(j, 0, sizeof *j);
}

int
json_parse(struct json *j, const char *s, size_t n, struct json_tok *toks,
    size_t ntoks)
{
	static const char lit[3][6] = { "true", "false", "null" };
	static const unsigned char littype[3] = { JSON_TRUE, JSON_FALSE,
	    JSON_NULL };
	const unsigned char *base = n ? (const unsigned char *)s :
	    (const unsigned char *)"";
	const unsigned char *p = base, *end = base + n, *q, *bad = base;
	unsigned depth = 0, maxdepth = 0, obj = 0, esc;
	uint32_t cur = NONE;
	size_t nt = 0, ln, k;
	int err = 0, li;

	json_init(j);
	if (toks != NULL) {
		if (n > 0xffffffffu) {
			err = JSON_E_TOO_BIG;
			goto fail;
		}
		if (ntoks > JSON_TOK_MAX)
			ntoks = JSON_TOK_MAX;
	}

/* Appends a token; info carries the type, or the parent for containers
 * until they close. */
#define TOKEN(st, ln_, inf) do { \
		if (toks != NULL) { \
			if (nt == ntoks) { \
				err = JSON_E_TOKENS; \
				bad = (st); \
				goto fail; \
			} \
			toks[nt].start = (uint32_t)((st) - base); \
			toks[nt].len = (uint32_t)(ln_); \
			toks[nt].info = (inf); \
		} \
		nt++; \
	} while (0)

value:
	SKIP_WS();
	if (p == end)
		goto eof;
	if (*p == '"')
		goto string;
	switch (*p) {
	case '"':
	string:
		esc = 0;
		q = plain_run(p + 1, end);
		if (q == end || *q != '"') {
			q = scan_string(q, end, &esc, &err, &bad);
			if (q == NULL)
				goto fail;
		}
		TOKEN(p + 1, q - p - 1, JSON_STRING | esc | 1u << 4);
		p = q + 1;
		goto after;
	case '{':
	case '[':
		if (depth == JSON_DEPTH_MAX) {
			err = JSON_E_DEPTH;
			bad = p;
			goto fail;
		}
		obj = *p == '{';
		if (obj)
			j->stack[depth >> 3] |= (unsigned char)(1u << (depth & 7));
		else
			j->stack[depth >> 3] &= (unsigned char)~(1u << (depth & 7));
		if (++depth > maxdepth)
			maxdepth = depth;
		TOKEN(p, 0, cur);
		cur = (uint32_t)(nt - 1);
		p++;
		SKIP_WS();
		if (p == end)
			goto eof;
		if (*p == (obj ? '}' : ']'))
			goto close;
		if (obj)
			goto key;
		goto value;
	case 't':
		li = 0;
		goto literal;
	case 'f':
		li = 1;
		goto literal;
	case 'n':
		li = 2;
		goto literal;
	case '-': case '0': case '1': case '2': case '3': case '4':
	case '5': case '6': case '7': case '8': case '9':
		q = scan_number(p, end, &err, &bad);
		if (q == NULL)
			goto fail;
		TOKEN(p, q - p, JSON_NUMBER | 1u << 4);
		p = q;
		goto after;
	default:
		goto badchar;
	}

literal:
	ln = li == 1 ? 5 : 4;
	for (k = 0; k < ln; k++) {
		if (p + k == end)
			goto eof;
		if (p[k] != (unsigned char)lit[li][k]) {
			p += k;
			goto badchar;
		}
	}
	TOKEN(p, ln, littype[li] | 1u << 4);
	p += ln;
	goto after;

key:
	/* p is at a non-blank byte inside an object: a member's key. */
	if (*p != '"')
		goto badchar;
	esc = 0;
	q = plain_run(p + 1, end);
	if (q == end || *q != '"') {
		q = scan_string(q, end, &esc, &err, &bad);
		if (q == NULL)
			goto fail;
	}
	TOKEN(p + 1, q - p - 1, JSON_STRING | esc | 1u << 4);
	p = q + 1;
	SKIP_WS();
	if (p == end)
		goto eof;
	if (*p != ':')
		goto badchar;
	p++;
	goto value;

after:
	if (depth == 0)
		goto done;
	if (p == end)
		goto eof;
	if (IS_WS(*p)) {
		SKIP_WS();
		if (p == end)
			goto eof;
	}
	if (*p == ',') {
		p++;
		if (!obj)
			goto value;
		SKIP_WS();
		if (p == end)
			goto eof;
		goto key;
	}
	if (*p != (obj ? '}' : ']'))
		goto badchar;
	/* FALLTHROUGH */
close:
	/* p is at the closing bracket of container cur. */
	p++;
	if (toks != NULL) {
		struct json_tok *t = &toks[cur];
		uint32_t parent = t->info;

		t->len = (uint32_t)(p - base) - t->start;
		t->info = (obj ? JSON_OBJECT : JSON_ARRAY) |
		    (uint32_t)(nt - cur) << 4;
		cur = parent;
	}
	depth--;
	if (depth > 0)
		obj = j->stack[(depth - 1) >> 3] >> ((depth - 1) & 7) & 1;
	goto after;

done:
	SKIP_WS();
	if (p != end) {
		err = JSON_E_TRAILING;
		bad = p;
		goto fail;
	}
	j->depth = maxdepth;
	if (nt > 0x7fffffff)
		nt = 0x7fffffff;
	j->ntok = (int)nt;
	return (int)nt;
#undef TOKEN

eof:
	err = JSON_E_EOF;
	bad = end;
	goto fail;
badchar:
	err = JSON_E_CHAR;
	bad = p;
fail:
	j->err = err;
	j->pos = (size_t)(bad - base);
	j->depth = maxdepth;
	return err;
}

/* ---- helpers ---------------------------------------------------------- */

int
json_count(const struct json_tok *t, int ntok, int i)
{
	int k, endk, c = 0;

	if (i < 0 || i >= ntok)
		return 0;
	if (json_type(&t[i]) != JSON_OBJECT && json_type(&t[i]) != JSON_ARRAY)
		return 0;
	endk = i + json_skip(&t[i]);
	for (k = i + 1; k < endk && k < ntok; k += json_skip(&t[k])) {
		c++;
		if (json_skip(&t[k]) < 1)	/* not json_parse()'s tokens */
			break;
	}
	return json_type(&t[i]) == JSON_OBJECT ? c / 2 : c;
}

/* Next sibling of token k, guarding against tokens not made by us. */
static int
next_sibling(const struct json_tok *t, int k)
{
	int s = json_skip(&t[k]);

	return k + (s > 0 ? s : 1);
}

int
json_index(const struct json_tok *t, int ntok, int i, int k)
{
	int e, endk;

	if (i < 0 || i >= ntok || json_type(&t[i]) != JSON_ARRAY)
		return JSON_E_TYPE;
	endk = i + json_skip(&t[i]);
	if (endk > ntok)
		endk = ntok;
	for (e = i + 1; e < endk; e = next_sibling(t, e))
		if (k-- == 0)
			return e;
	return JSON_E_NOTFOUND;
}

int
json_member(const char *s, const struct json_tok *t, int ntok, int i,
    const char *key, size_t keylen)
{
	int k, endk;

	if (i < 0 || i >= ntok || json_type(&t[i]) != JSON_OBJECT)
		return JSON_E_TYPE;
	endk = i + json_skip(&t[i]);
	if (endk > ntok)
		endk = ntok;
	for (k = i + 1; k + 1 < endk; k = next_sibling(t, k + 1))
		if (json_strneq(s, t, k, key, keylen))
			return k + 1;
	return JSON_E_NOTFOUND;
}

int
json_path(const char *s, const struct json_tok *t, int ntok, int i,
    const char *const *path, size_t npath)
{
	size_t k;

	for (k = 0; k < npath; k++) {
		i = json_member(s, t, ntok, i, path[k], strlen(path[k]));
		if (i < 0)
			return i;
	}
	return i;
}

int
json_get(const char *s, const struct json_tok *t, int ntok, int i, ...)
{
	const char *path[16];
	size_t n = 0;
	const char *k;
	va_list ap;

	va_start(ap, i);
	while ((k = va_arg(ap, const char *)) != NULL) {
		if (n == sizeof path / sizeof path[0]) {
			va_end(ap);
			return JSON_E_NOTFOUND;
		}
		path[n++] = k;
	}
	va_end(ap);
	return json_path(s, t, ntok, i, path, n);
}

/* Decodes the escape at p (p[0] == '\\', already validated by the
 * scanner) into out[0..4); returns the bytes written and advances *pp. */
static size_t
unesc(const unsigned char **pp, unsigned char out[4])
{
	const unsigned char *p = *pp;
	unsigned long u;

	*pp = p + 2;
	switch (p[1]) {
	case 'b': out[0] = '\b'; return 1;
	case 'f': out[0] = '\f'; return 1;
	case 'n': out[0] = '\n'; return 1;
	case 'r': out[0] = '\r'; return 1;
	case 't': out[0] = '\t'; return 1;
	case 'u': break;
	default: out[0] = p[1]; return 1;
	}
	u = (unsigned long)hex4(p + 2);
	*pp = p + 6;
	if (u >= 0xd800 && u <= 0xdbff) {
		u = 0x10000 + ((u - 0xd800) << 10) +
		    ((unsigned long)hex4(p + 8) - 0xdc00);
		*pp = p + 12;
	}
	if (u < 0x80) {
		out[0] = (unsigned char)u;
		return 1;
	}
	if (u < 0x800) {
		out[0] = (unsigned char)(0xc0 | u >> 6);
		out[1] = (unsigned char)(0x80 | (u & 0x3f));
		return 2;
	}
	if (u < 0x10000) {
		out[0] = (unsigned char)(0xe0 | u >> 12);
		out[1] = (unsigned char)(0x80 | (u >> 6 & 0x3f));
		out[2] = (unsigned char)(0x80 | (u & 0x3f));
		return 3;
	}
	out[0] = (unsigned char)(0xf0 | u >> 18);
	out[1] = (unsigned char)(0x80 | (u >> 12 & 0x3f));
	out[2] = (unsigned char)(0x80 | (u >> 6 & 0x3f));
	out[3] = (unsigned char)(0x80 | (u & 0x3f));
	return 4;
}

int
json_strneq(const char *s, const struct json_tok *t, int i,
    const char *cstr, size_t n)
{
	const struct json_tok *tk = &t[i];
	const unsigned char *p, *end, *c = (const unsigned char *)cstr;
	unsigned char buf[4];
	size_t k;

	if (json_type(tk) != JSON_STRING)
		return 0;
	p = (const unsigned char *)s + tk->start;
	if (!(tk->info & JSON_TOK_ESC))
		return tk->len == n && memcmp(p, cstr, n) == 0;
	end = p + tk->len;
	while (p < end) {
		if (*p != '\\') {
			if (n == 0 || *p != *c)
				return 0;
			p++;
			c++;
			n--;
			continue;
		}
		k = unesc(&p, buf);
		if (k > n || memcmp(buf, c, k) != 0)
			return 0;
		c += k;
		n -= k;
	}
	return n == 0;
}

int
json_streq(const char *s, const struct json_tok *t, int i, const char *cstr)
{
	return json_strneq(s, t, i, cstr, strlen(cstr));
}

int
json_unescape(const char *s, const struct json_tok *t, int i, char *out,
    size_t cap, size_t *len)
{
	const struct json_tok *tk = &t[i];
	const unsigned char *p, *end, *run;
	unsigned char buf[4];
	size_t n = 0, k;

	*len = 0;
	if (json_type(tk) != JSON_STRING)
		return JSON_E_TYPE;
	p = (const unsigned char *)s + tk->start;
	end = p + tk->len;
	while (p < end) {
		for (run = p; p < end && *p != '\\'; p++)
			;
		k = (size_t)(p - run);
		if (k > 0 && n + k <= cap)
			memcpy(out + n, run, k);
		n += k;
		if (p == end)
			break;
		k = unesc(&p, buf);
		if (n + k <= cap)
			memcpy(out + n, buf, k);
		n += k;
	}
	*len = n;
	return n <= cap ? 0 : JSON_E_SPACE;
}

int
json_int64(const char *s, const struct json_tok *t, int i, int64_t *v)
{
	const struct json_tok *tk = &t[i];
	const unsigned char *p, *end;
	uint64_t acc = 0, lim;
	int neg = 0;

	*v = 0;
	if (json_type(tk) != JSON_NUMBER)
		return JSON_E_TYPE;
	p = (const unsigned char *)s + tk->start;
	end = p + tk->len;
	if (p < end && *p == '-') {
		neg = 1;
		p++;
	}
	lim = neg ? (uint64_t)1 << 63 : ((uint64_t)1 << 63) - 1;
	for (; p < end; p++) {
		unsigned d = (unsigned)*p - '0';

		if (d > 9)
			return JSON_E_TYPE;	/* fraction or exponent */
		if (acc > (lim - d) / 10)
			return JSON_E_RANGE;
		acc = acc * 10 + d;
	}
	if (neg)
		*v = acc == (uint64_t)1 << 63 ? INT64_MIN : -(int64_t)acc;
	else
		*v = (int64_t)acc;
	return 0;
}

int
json_double(const char *s, const struct json_tok *t, int i, double *v)
{
	const struct json_tok *tk = &t[i];
	char buf[64];
	double d;

	*v = 0;
	if (json_type(tk) != JSON_NUMBER)
		return JSON_E_TYPE;
	if (tk->len >= sizeof buf)
		return JSON_E_RANGE;
	memcpy(buf, s + tk->start, tk->len);
	buf[tk->len] = '\0';
	errno = 0;
	d = strtod(buf, NULL);
	if (errno == ERANGE && (d > 1.0 || d < -1.0))
		return JSON_E_RANGE;
	*v = d;
	return 0;
}
