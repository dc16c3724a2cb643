/* json -- strict RFC 8259 tokenizing scanner over one complete document.
 * MIT licensed, see LICENSE.  Vendorable: needs only this header and libc.
 *
 * json_parse() scans one whole JSON text held in memory (a stream message
 * that the frame module assembled) and either rejects it with an error code
 * and the byte offset where it went wrong, or fills a caller-provided array
 * of tokens that point into the text: offsets, never copies, nothing
 * allocated.  With no token array it only validates, in constant memory,
 * for documents of any size.
 *
 * Grammar: exactly RFC 8259, nothing more.
 *  - one value, surrounded by optional whitespace (SP HT LF CR only);
 *    anything after it is JSON_E_TRAILING;
 *  - numbers: -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?
 *  - strings: no raw control character (< 0x20); escapes \" \\ \/ \b \f
 *    \n \r \t \uXXXX only; a \u high surrogate must be followed by a \u low
 *    surrogate and a low surrogate may not stand alone (JSON_E_SURROGATE);
 *  - UTF-8 everywhere in the text must be well formed (RFC 3629): no
 *    overlong forms, no encoded surrogates, nothing above U+10FFFF, no
 *    stray continuation bytes, no truncated sequences;
 *  - a byte-order mark is not whitespace (rejected);
 *  - duplicate object keys are accepted (RFC 8259 says "SHOULD be unique");
 *    json_get() returns the first.
 *
 * Tokens.  One per value and one per object key, in document order
 * (pre-order): an object with n members is followed by 2n subtrees (key,
 * value, key, value ...), an array by its elements' subtrees.
 *
 *	struct json_tok { uint32_t start, len, info; }	 12 bytes
 *
 *  - start, len: for a string, the raw bytes between the quotes (escapes
 *    not decoded); for a number or literal, its text; for an object or
 *    array, the span from the opening to the closing bracket inclusive.
 *  - info: bits 0-2 the type (enum json_type), bit 3 set when a string
 *    contains at least one backslash escape, bits 4-31 the "skip": the
 *    number of tokens in this token's subtree, itself included (1 for a
 *    scalar), so t + skip is the next sibling.  Use the inline getters.
 * Documents are limited to 4 GiB - 1 bytes when tokens are wanted
 * (JSON_E_TOO_BIG), and to 2^28 - 1 tokens.
 *
 * Limits: nesting deeper than JSON_DEPTH_MAX arrays/objects is
 * JSON_E_DEPTH; more tokens than the array holds is JSON_E_TOKENS.
 *
 * Memory: sizeof(struct json) is 32 bytes on LP64, 24 on ILP32, with the
 * default JSON_DEPTH_MAX (its nesting stack is one bit per level); a token
 * is 12 bytes everywhere.  The stream engine's default of 512 tokens is
 * 6 KiB: enough for the generated corpus (at most 432 tokens a message),
 * tight for real retweets with extended entities.
 *
 * Speed: strings are skipped 8 bytes at a time while they hold only plain
 * ASCII (portable word tricks over a memcpy'd 64-bit value, so any
 * alignment and either byte order); UTF-8 is checked with a short range
 * test per multi-byte sequence.  The scanner never reads p[n] or beyond.
 */
#ifndef JSON_H
#define JSON_H

#include <stddef.h>
#include <stdint.h>

#ifndef JSON_DEPTH_MAX
#define JSON_DEPTH_MAX 64	/* nested arrays/objects */
#endif

/* Errors.  Range -100 .. -119. */
#define JSON_ERRORS(X) \
	X(JSON_E_EOF, -100, "JSON: unexpected end of document") \
	X(JSON_E_CHAR, -101, "JSON: unexpected character") \
	X(JSON_E_CTRL, -102, "JSON: control character in string") \
	X(JSON_E_ESCAPE, -103, "JSON: invalid escape in string") \
	X(JSON_E_SURROGATE, -104, "JSON: unpaired \\u surrogate in string") \
	X(JSON_E_UTF8, -105, "JSON: invalid UTF-8") \
	X(JSON_E_NUMBER, -106, "JSON: malformed number") \
	X(JSON_E_DEPTH, -107, "JSON: nesting too deep") \
	X(JSON_E_TOKENS, -108, "JSON: too many tokens") \
	X(JSON_E_TRAILING, -109, "JSON: data after the document") \
	X(JSON_E_TOO_BIG, -110, "JSON: document too large for tokens") \
	X(JSON_E_NOTFOUND, -111, "JSON: no such key or element") \
	X(JSON_E_TYPE, -112, "JSON: value has the wrong type") \
	X(JSON_E_RANGE, -113, "JSON: number out of range") \
	X(JSON_E_SPACE, -114, "JSON: output buffer too small")

enum json_error {
#define JSON_ENUM(name, code, text) name = code,
	JSON_ERRORS(JSON_ENUM)
#undef JSON_ENUM
	JSON_E_NONE = 0
};

enum json_type {
	JSON_NONE = 0,
	JSON_OBJECT = 1,
	JSON_ARRAY = 2,
	JSON_STRING = 3,
	JSON_NUMBER = 4,
	JSON_TRUE = 5,
	JSON_FALSE = 6,
	JSON_NULL = 7
};

#define JSON_TOK_ESC 8u		/* info bit: string holds an escape */
#define JSON_TOK_MAX 0x0fffffffu	/* most tokens one parse can fill */

struct json_tok {
	uint32_t start;		/* byte offset (strings: after the quote) */
	uint32_t len;		/* bytes (strings: up to the closing quote) */
	uint32_t info;		/* type | JSON_TOK_ESC | skip << 4 */
};

/* Scanner context: the result of the last json_parse().  Caller-allocated;
 * read it through the getters, do not touch the fields. */
struct json {
	size_t pos;		/* where the error was found (byte offset) */
	int err;		/* last error, 0 if the last parse succeeded */
	int ntok;		/* tokens filled by the last parse */
	unsigned depth;		/* deepest nesting seen */
	unsigned char stack[(JSON_DEPTH_MAX + 7) / 8];	/* 1 = object */
};

/* Resets j completely. */
void json_init(struct json *j);

/* Scans s[0..n) as one complete JSON text.  toks[0..ntoks) receives the
 * tokens; toks MAY be NULL (ntoks is then ignored) to validate only, in
 * constant memory.  s need not be NUL-terminated and is never read at or
 * past s[n]; s MAY be NULL when n is 0.
 * Returns the number of tokens (>= 1; with toks NULL, the number the
 * document would need), or a negative JSON_E_* error.  Every call starts
 * afresh (a document is scanned whole, there is no state to carry), so
 * json_parse() also does json_init()'s job; the result stays in j until
 * the next call: json_error(), json_error_pos(). */
int json_parse(struct json *j, const char *s, size_t n,
    struct json_tok *toks, size_t ntoks);

static inline int
json_error(const struct json *j)
{
	return j->err;
}

/* Byte offset of the offending byte (n for a premature end). */
static inline size_t
json_error_pos(const struct json *j)
{
	return j->pos;
}

/* Deepest array/object nesting seen by the last parse. */
static inline unsigned
json_depth(const struct json *j)
{
	return j->depth;
}

static inline enum json_type
json_type(const struct json_tok *t)
{
	return (enum json_type)(t->info & 7u);
}

static inline int
json_skip(const struct json_tok *t)
{
	return (int)(t->info >> 4);
}

/* ---- helpers over a parsed document.  Every one takes the text s, the
 * tokens t[0..ntok) exactly as json_parse() filled them, and token indexes;
 * they never read outside a token's bytes. */

/* Number of members (object) or elements (array) of container token i;
 * 0 for scalars.  Walks the children: O(children). */
int json_count(const struct json_tok *t, int ntok, int i);

/* Index of element k (0-based) of array token i; JSON_E_TYPE when i is not
 * an array, JSON_E_NOTFOUND when the array is shorter. */
int json_index(const struct json_tok *t, int ntok, int i, int k);

/* Index of the value of the first member of object token i whose key
 * equals key[0..keylen) (decoded UTF-8; escaped keys match too).
 * JSON_E_TYPE when i is not an object, JSON_E_NOTFOUND when absent. */
int json_member(const char *s, const struct json_tok *t, int ntok, int i,
    const char *key, size_t keylen);

/* Follows a path of object keys from token i: each key is looked up in the
 * object reached so far.  path[0..npath) are NUL-terminated C strings.
 * Returns the index of the value reached, or JSON_E_NOTFOUND / JSON_E_TYPE
 * (a key applied to something that is not an object). */
int json_path(const char *s, const struct json_tok *t, int ntok, int i,
    const char *const *path, size_t npath);

/* The same, with the keys as arguments ended by NULL:
 *	v = json_get(s, t, ntok, 0, "user", "screen_name", (char *)NULL);
 * At most 16 keys. */
int json_get(const char *s, const struct json_tok *t, int ntok, int i, ...);

/* 1 when string token i, decoded, equals the NUL-terminated cstr; 0 when it
 * differs or i is not a string.  No buffer: escapes are decoded on the
 * fly, so "caf\u00e9" equals "caf\xc3\xa9". */
int json_streq(const char *s, const struct json_tok *t, int i,
    const char *cstr);

/* As json_streq() with a length: compares with cstr[0..n). */
int json_strneq(const char *s, const struct json_tok *t, int i,
    const char *cstr, size_t n);

/* Decodes string token i into out[0..cap): escapes resolved, \u surrogate
 * pairs joined into one UTF-8 sequence.  Measure, then write: *len is
 * always set to the decoded length (no NUL is added); returns 0 when the
 * whole string was written, JSON_E_SPACE when cap < *len (out then holds
 * an unspecified prefix; call again with a larger buffer, or with out NULL
 * and cap 0 to measure), JSON_E_TYPE when i is not a string.  Decoded
 * output may contain U+0000 ("\u0000"). */
int json_unescape(const char *s, const struct json_tok *t, int i,
    char *out, size_t cap, size_t *len);

/* Parses number token i as a 64-bit integer.  JSON_E_TYPE when it is not a
 * number or has a fraction or exponent; JSON_E_RANGE when it does not fit
 * (INT64_MIN is accepted).  "-0" is 0. */
int json_int64(const char *s, const struct json_tok *t, int i, int64_t *v);

/* Parses number token i as a double with strtod().  strtod follows the C
 * locale's LC_NUMERIC: a program that calls setlocale() with a locale
 * whose decimal point is not '.' gets wrong results (sluice never does).
 * Numbers longer than 63 bytes are JSON_E_RANGE, as are values that
 * overflow a double; JSON_E_TYPE when i is not a number. */
int json_double(const char *s, const struct json_tok *t, int i, double *v);

#endif
