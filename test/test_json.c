/* Tests for json.c: the conformance table (test/json/cases.h) whole, in a
 * buffer of exactly the document's size, assembled from random slices and
 * in validate-only mode -- always the same verdict, code and offset; token
 * layout; limits; error offsets; every helper; random mutations. */
#include "t.h"
#include "json.h"

struct jcase {
	char kind;		/* 'y', 'n' or 'i' */
	const char *name;
	const char *s;
	size_t n;
	int want;		/* 0 = accepted, else the exact error */
};

static const struct jcase cases[] = {
#include "json/cases.h"
};
#define NCASES (sizeof cases / sizeof cases[0])

#define NT 4096
static struct json_tok toks[NT], toks2[NT];

/* Parses s[0..n) from a heap copy of exactly n bytes, so that ASan sees
 * any read past the end. */
static int
parse_exact(const char *s, size_t n, struct json *j, struct json_tok *t,
    size_t nt)
{
	char *c = malloc(n ? n : 1);
	int r;

	if (c == NULL)
		return T_E_STUCK;
	memcpy(c, s, n);
	r = json_parse(j, c, n, t, nt);
	free(c);
	return r;
}

/* The frame module hands the scanner messages it assembled from arbitrary
 * slices: build the document from random slices, then parse it. */
static int
parse_sliced(const char *s, size_t n, struct json *j, struct json_tok *t)
{
	char *c = malloc(n ? n : 1);
	size_t off = 0, take;
	int r;

	if (c == NULL)
		return T_E_STUCK;
	while (off < n) {
		take = 1 + t_rand_below(n - off < 16 ? n - off : 16);
		memcpy(c + off, s + off, take);
		off += take;
	}
	r = json_parse(j, c, n, t, NT);
	free(c);
	return r;
}

static int
conformance(void)
{
	struct json j, j2;
	size_t i, ny = 0, nn = 0, ni = 0;
	int r, r2, bad = 0;

	for (i = 0; i < NCASES; i++) {
		const struct jcase *c = &cases[i];
		int got;

		r = parse_exact(c->s, c->n, &j, toks, NT);
		got = r < 0 ? r : 0;
		if (got != c->want) {
			fprintf(stderr, "%s: got %d want %d (pos %zu)\n",
			    c->name, r, c->want, json_error_pos(&j));
			bad++;
			continue;
		}
		if (c->kind == 'y' && r <= 0)
			bad++;
		if (c->kind == 'n' && r >= 0)
			bad++;
		if (r < 0)
			check(json_error(&j) == r);
		/* Same verdict, code and offset from slices. */
		r2 = parse_sliced(c->s, c->n, &j2, toks2);
		check(r2 == r);
		check(r >= 0 || json_error_pos(&j2) == json_error_pos(&j));
		if (r > 0)
			check(memcmp(toks, toks2, (size_t)r * sizeof *toks) ==
			    0);
		/* Validate-only: same verdict, code and offset, and the same
		 * token count. */
		r2 = parse_exact(c->s, c->n, &j2, NULL, 0);
		check(r2 == r);
		check(r >= 0 || json_error_pos(&j2) == json_error_pos(&j));
		check(json_error_pos(&j) <= c->n);
		ny += c->kind == 'y';
		nn += c->kind == 'n';
		ni += c->kind == 'i';
	}
	check(bad == 0);
	check(ny + nn + ni >= 250);
	printf("conformance: %zu y_, %zu n_, %zu i_ cases\n", ny, nn, ni);
	return 0;
}

/* Every strict prefix of a container document is an unexpected end. */
static int
prefixes(void)
{
	static const char doc[] = "{\"a\":[1,-2.5e+3,\"x\\u00e9\\ud83d\\ude00"
	    "\303\251\360\237\230\200\",true,false,null,{}],\"b\":{\"c\":[]}}";
	struct json j;
	size_t k;

	for (k = 0; k < sizeof doc - 1; k++) {
		check(parse_exact(doc, k, &j, toks, NT) == JSON_E_EOF);
		check(json_error_pos(&j) == k);
		check(parse_exact(doc, k, &j, NULL, 0) == JSON_E_EOF);
	}
	check(parse_exact(doc, sizeof doc - 1, &j, toks, NT) == 14);
	return 0;
}

static int
token_layout(void)
{
	static const char doc[] =
	    " {\"a\" : [1, \"x\\ny\", {}], \"b\":null, \"c\\u0041\":true} ";
	struct json j;
	int r;

	check(sizeof(struct json_tok) == 12);
	r = json_parse(&j, doc, sizeof doc - 1, toks, NT);
	check(r == 10);
	check(json_depth(&j) == 3);
	/* 0 object, 1 "a", 2 array, 3 1, 4 "x\ny", 5 {}, 6 "b", 7 null,
	 * 8 "cA", 9 true */
	check(json_type(&toks[0]) == JSON_OBJECT);
	check(toks[0].start == 1);
	check(toks[0].len == sizeof doc - 3);
	check(json_skip(&toks[0]) == r);
	check(json_type(&toks[1]) == JSON_STRING);
	check(toks[1].start == 3 && toks[1].len == 1);
	check(json_skip(&toks[1]) == 1);
	check(json_type(&toks[2]) == JSON_ARRAY);
	check(json_skip(&toks[2]) == 4);
	check(doc[toks[2].start] == '[');
	check(doc[toks[2].start + toks[2].len - 1] == ']');
	check(json_type(&toks[3]) == JSON_NUMBER);
	check(toks[3].len == 1 && doc[toks[3].start] == '1');
	check(json_type(&toks[4]) == JSON_STRING);
	check(toks[4].info & JSON_TOK_ESC);
	check(toks[4].len == 4);
	check(!(toks[1].info & JSON_TOK_ESC));
	check(json_type(&toks[5]) == JSON_OBJECT && toks[5].len == 2);
	check(json_skip(&toks[5]) == 1);
	check(json_type(&toks[7]) == JSON_NULL);
	check(json_type(&toks[8]) == JSON_STRING);
	check(json_type(&toks[9]) == JSON_TRUE);
	check(json_count(toks, r, 0) == 3);
	check(json_count(toks, r, 2) == 3);
	check(json_count(toks, r, 5) == 0);
	check(json_count(toks, r, 3) == 0);
	return 0;
}

static int
limits(void)
{
	char doc[2 * JSON_DEPTH_MAX + 8];
	struct json j;
	int d;

	/* Depth: exactly JSON_DEPTH_MAX passes, one more fails at the
	 * bracket that is one too many. */
	for (d = JSON_DEPTH_MAX; d <= JSON_DEPTH_MAX + 1; d++) {
		memset(doc, '[', (size_t)d);
		memset(doc + d, ']', (size_t)d);
		if (d == JSON_DEPTH_MAX) {
			check(json_parse(&j, doc, 2 * (size_t)d, toks, NT) == d);
			check(json_depth(&j) == JSON_DEPTH_MAX);
			check(json_parse(&j, doc, 2 * (size_t)d, NULL, 0) == d);
		} else {
			check(json_parse(&j, doc, 2 * (size_t)d, toks, NT) ==
			    JSON_E_DEPTH);
			check(json_error_pos(&j) == JSON_DEPTH_MAX);
			check(json_parse(&j, doc, 2 * (size_t)d, NULL, 0) ==
			    JSON_E_DEPTH);
		}
	}
	/* Tokens: exactly enough passes, one fewer fails where the token
	 * that does not fit starts. */
	check(json_parse(&j, "[1,2,3]", 7, toks, 4) == 4);
	check(json_parse(&j, "[1,2,3]", 7, toks, 3) == JSON_E_TOKENS);
	check(json_error_pos(&j) == 5);
	check(json_parse(&j, "{\"k\":1}", 7, toks, 2) == JSON_E_TOKENS);
	check(json_error_pos(&j) == 5);
	check(json_parse(&j, "1", 1, toks, 0) == JSON_E_TOKENS);
	check(json_parse(&j, "1", 1, NULL, 0) == 1);
	/* NULL text with length 0. */
	check(json_parse(&j, NULL, 0, toks, NT) == JSON_E_EOF);
	check(json_error_pos(&j) == 0);
	return 0;
}

struct pos {
	const char *s;
	int err;
	size_t pos;
};

static int
error_offsets(void)
{
	static const struct pos v[] = {
		{ "[1,]", JSON_E_CHAR, 3 },
		{ "{\"a\" 1}", JSON_E_CHAR, 5 },
		{ "[01]", JSON_E_NUMBER, 2 },
		{ "[1.x]", JSON_E_NUMBER, 3 },
		{ "[\"ab\001\"]", JSON_E_CTRL, 4 },
		{ "[\"ab\\q\"]", JSON_E_ESCAPE, 4 },
		{ "[\"ab\\uDC00\"]", JSON_E_SURROGATE, 4 },
		{ "[\"ab\\uD800x\"]", JSON_E_SURROGATE, 4 },
		{ "[\"ab\\u12G4\"]", JSON_E_ESCAPE, 8 },
		{ "[\"abcdefghij\300\200\"]", JSON_E_UTF8, 12 },
		{ "[\"abc", JSON_E_EOF, 5 },
		{ "[1] x", JSON_E_TRAILING, 4 },
		{ "[tRue]", JSON_E_CHAR, 2 },
	};
	struct json j;
	size_t i;

	for (i = 0; i < sizeof v / sizeof v[0]; i++) {
		check(json_parse(&j, v[i].s, strlen(v[i].s), toks, NT) ==
		    v[i].err);
		if (json_error_pos(&j) != v[i].pos)
			fprintf(stderr, "%s: pos %zu\n", v[i].s,
			    json_error_pos(&j));
		check(json_error_pos(&j) == v[i].pos);
	}
	/* A successful parse clears the previous error. */
	check(json_parse(&j, "[]", 2, toks, NT) == 1);
	check(json_error(&j) == 0);
	return 0;
}

static int
lookups(void)
{
	static const char doc[] =
	    "{\"user\":{\"id\":1,\"screen_name\":\"sluice\",\"n\\u0061me\":"
	    "\"caf\\u00e9\"},\"a\":[10,[20,21],{\"x\":30}],\"dup\":1,"
	    "\"dup\":2,\"disconnect\":{\"code\":4},\"e\\u0301\":5,"
	    "\"\\ud83d\\ude00\":6}";
	const char *path[2] = { "disconnect", "code" };
	struct json j;
	int r, v;
	int64_t x;

	r = json_parse(&j, doc, sizeof doc - 1, toks, NT);
	check(r > 0);
	v = json_get(doc, toks, r, 0, "user", "screen_name", (char *)NULL);
	check(v > 0 && json_streq(doc, toks, v, "sluice"));
	/* An escaped key matches its decoded form. */
	v = json_get(doc, toks, r, 0, "user", "name", (char *)NULL);
	check(v > 0 && json_streq(doc, toks, v, "caf\303\251"));
	check(!json_streq(doc, toks, v, "cafe"));
	check(!json_streq(doc, toks, v, "caf\303\251s"));
	check(!json_streq(doc, toks, v, "caf"));
	v = json_get(doc, toks, r, 0, "e\314\201", (char *)NULL);
	check(v > 0 && json_int64(doc, toks, v, &x) == 0 && x == 5);
	v = json_get(doc, toks, r, 0, "\360\237\230\200", (char *)NULL);
	check(v > 0 && json_int64(doc, toks, v, &x) == 0 && x == 6);
	/* Duplicates: the first. */
	v = json_get(doc, toks, r, 0, "dup", (char *)NULL);
	check(v > 0 && json_int64(doc, toks, v, &x) == 0 && x == 1);
	v = json_path(doc, toks, r, 0, path, 2);
	check(v > 0 && json_int64(doc, toks, v, &x) == 0 && x == 4);
	check(json_get(doc, toks, r, 0, "nope", (char *)NULL) ==
	    JSON_E_NOTFOUND);
	check(json_get(doc, toks, r, 0, "user", "id", "deeper", (char *)NULL)
	    == JSON_E_TYPE);
	check(json_get(doc, toks, r, 0, "user", "i", (char *)NULL) ==
	    JSON_E_NOTFOUND);
	/* Keys are whole: "user" does not match "use". */
	check(json_get(doc, toks, r, 0, "use", (char *)NULL) ==
	    JSON_E_NOTFOUND);
	check(json_get(doc, toks, r, 0, (char *)NULL) == 0);
	/* Arrays. */
	v = json_get(doc, toks, r, 0, "a", (char *)NULL);
	check(json_count(toks, r, v) == 3);
	check(json_int64(doc, toks, json_index(toks, r, v, 0), &x) == 0 &&
	    x == 10);
	check(json_int64(doc, toks, json_index(toks, r,
	    json_index(toks, r, v, 1), 1), &x) == 0 && x == 21);
	check(json_int64(doc, toks, json_get(doc, toks, r,
	    json_index(toks, r, v, 2), "x", (char *)NULL), &x) == 0 &&
	    x == 30);
	check(json_index(toks, r, v, 3) == JSON_E_NOTFOUND);
	check(json_index(toks, r, 0, 0) == JSON_E_TYPE);
	check(json_member(doc, toks, r, v, "x", 1) == JSON_E_TYPE);
	check(json_member(doc, toks, r, r + 5, "x", 1) == JSON_E_TYPE);
	/* A key is a string token, a value can be compared too. */
	check(json_streq(doc, toks, 1, "user"));
	check(!json_streq(doc, toks, 0, "user"));
	return 0;
}

static int
unescape(void)
{
	static const char doc[] = "[\"a\\\"b\\\\c\\/d\\b\\f\\n\\r\\t"
	    "\\u0000\\u00e9\\u20ac\\ud83d\\ude00\\uDBFF\\uDFFF\303\251\"]";
	static const char want[] = "a\"b\\c/d\b\f\n\r\t\000\303\251\342\202\254"
	    "\360\237\230\200\364\217\277\277\303\251";
	char out[64];
	struct json j;
	size_t len, cap;

	check(json_parse(&j, doc, sizeof doc - 1, toks, NT) == 2);
	/* Measure. */
	check(json_unescape(doc, toks, 1, NULL, 0, &len) == JSON_E_SPACE);
	check(len == sizeof want - 1);
	/* Every too-small buffer fails, never silently truncates. */
	for (cap = 0; cap < len; cap++) {
		memset(out, 'Z', sizeof out);
		check(json_unescape(doc, toks, 1, out, cap, &len) ==
		    JSON_E_SPACE);
		check(len == sizeof want - 1);
		check(out[cap] == 'Z');	/* nothing written past cap */
	}
	check(json_unescape(doc, toks, 1, out, len, &len) == 0);
	check(memcmp(out, want, len) == 0);
	/* And streq agrees with the decoded form. */
	check(json_strneq(doc, toks, 1, want, sizeof want - 1));
	check(json_unescape(doc, toks, 0, out, sizeof out, &len) ==
	    JSON_E_TYPE);
	/* No escapes: a plain copy. */
	check(json_parse(&j, "\"plain\"", 7, toks, NT) == 1);
	check(json_unescape("\"plain\"", toks, 0, out, 5, &len) == 0);
	check(len == 5 && memcmp(out, "plain", 5) == 0);
	return 0;
}

struct ival {
	const char *s;
	int rc;
	int64_t v;
};

static int
int64s(void)
{
	static const struct ival v[] = {
		{ "0", 0, 0 },
		{ "-0", 0, 0 },
		{ "7", 0, 7 },
		{ "-42", 0, -42 },
		{ "1500000000000000001", 0, 1500000000000000001LL },
		{ "9223372036854775807", 0, INT64_MAX },
		{ "9223372036854775808", JSON_E_RANGE, 0 },
		{ "-9223372036854775808", 0, INT64_MIN },
		{ "-9223372036854775809", JSON_E_RANGE, 0 },
		{ "18446744073709551616", JSON_E_RANGE, 0 },
		{ "99999999999999999999999", JSON_E_RANGE, 0 },
		{ "1.0", JSON_E_TYPE, 0 },
		{ "1e3", JSON_E_TYPE, 0 },
		{ "\"1\"", JSON_E_TYPE, 0 },
		{ "true", JSON_E_TYPE, 0 },
	};
	struct json j;
	size_t i;
	int64_t x;

	for (i = 0; i < sizeof v / sizeof v[0]; i++) {
		check(json_parse(&j, v[i].s, strlen(v[i].s), toks, NT) == 1);
		check(json_int64(v[i].s, toks, 0, &x) == v[i].rc);
		check(x == v[i].v);
	}
	return 0;
}

static int
doubles(void)
{
	static const char doc[] = "[-122.3959,37.7668,1e2,-0,1.5e+9999,"
	    "1e-9999,\"x\",12345678901234567890123456789012345678901234567"
	    "8901234567890123456789]";
	struct json j;
	double d;
	int r;

	r = json_parse(&j, doc, sizeof doc - 1, toks, NT);
	check(r == 9);
	check(json_double(doc, toks, 1, &d) == 0 && d < -122.3958 &&
	    d > -122.3960);
	check(json_double(doc, toks, 2, &d) == 0 && d > 37.7667 &&
	    d < 37.7669);
	check(json_double(doc, toks, 3, &d) == 0 && d == 100.0);
	check(json_double(doc, toks, 4, &d) == 0 && d == 0.0);
	check(json_double(doc, toks, 5, &d) == JSON_E_RANGE);
	check(json_double(doc, toks, 6, &d) == 0 && d >= 0.0 && d < 1e-300);
	check(json_double(doc, toks, 7, &d) == JSON_E_TYPE);
	check(json_double(doc, toks, 8, &d) == JSON_E_RANGE);
	return 0;
}

/* What one byte does inside a string, at every offset from the opening
 * quote (so at every lane of the 8-byte fast path), alone and followed by
 * a second special byte: the first one decides, at its exact offset. */
static int
expect_byte(unsigned b, size_t at, int *err, size_t *pos)
{
	if (b == '"') {
		*err = JSON_E_TRAILING;
		*pos = at + 1;
	} else if (b == '\\') {
		*err = JSON_E_ESCAPE;
		*pos = at;
	} else if (b < 0x20) {
		*err = JSON_E_CTRL;
		*pos = at;
	} else if (b >= 0x80) {
		*err = JSON_E_UTF8;
		*pos = at;
	} else {
		*err = 0;
	}
	return *err;
}

static int
string_bytes(void)
{
	static const unsigned char second[] = { 0x00, 0x1f, '"', '\\', 0x80,
	    0xff, 0x20, 0x7f };
	char doc[40];
	struct json j;
	size_t at, k, pos, wantpos;
	unsigned b;
	int r, want;

	for (b = 0; b < 256; b++) {
		for (at = 1; at < 20; at++) {
			for (k = 0; k <= sizeof second; k++) {
				memset(doc, 'a', sizeof doc);
				doc[0] = '"';
				doc[sizeof doc - 1] = '"';
				doc[at] = (char)b;
				if (k < sizeof second && at + 3 < sizeof doc - 1)
					doc[at + 3] = (char)second[k];
				r = parse_exact(doc, sizeof doc, &j, toks, NT);
				pos = json_error_pos(&j);
				if (expect_byte(b, at, &want, &wantpos) == 0) {
					if (k == sizeof second ||
					    at + 3 >= sizeof doc - 1 ||
					    expect_byte(second[k], at + 3, &want,
					    &wantpos) == 0) {
						check(r == 1);
						continue;
					}
				}
				check(r == want);
				check(pos == wantpos);
			}
		}
	}
	return 0;
}

/* Random mutations of valid documents: whole, sliced and validate-only
 * agree; nothing reads out of bounds (ASan in make check). */
static int
mutations(void)
{
	static const char *const seeds[] = {
		"{\"a\":[1,-2.5e+3,\"x\\u00e9\\ud83d\\ude00\303\251\",true],"
		    "\"b\":{\"c\":[null,false]}}",
		"[\"0123456789abcdef\\n\",{\"k\":\"\360\237\230\200\"},0.5]",
	};
	static const char alphabet[] = "{}[]\":,\\u0123456789abcdefABCDEF.-+eE"
	    " \t\r\ntrufalsn\200\277\300\355\360\364\377\001";
	char buf[256];
	struct json j, j2;
	int round, r, r2;

	for (round = 0; round < 20000; round++) {
		const char *s = seeds[round & 1];
		size_t n = strlen(s), k, muts = 1 + t_rand_below(3);

		memcpy(buf, s, n);
		for (k = 0; k < muts; k++) {
			size_t at = t_rand_below(n);
			char c = alphabet[t_rand_below(sizeof alphabet - 1)];

			switch (t_rand() % 3) {
			case 0:
				buf[at] = c;
				break;
			case 1:
				if (n + 1 < sizeof buf) {
					memmove(buf + at + 1, buf + at, n - at);
					buf[at] = c;
					n++;
				}
				break;
			default:
				memmove(buf + at, buf + at + 1, n - at - 1);
				n--;
				break;
			}
		}
		r = parse_exact(buf, n, &j, toks, NT);
		r2 = parse_sliced(buf, n, &j2, toks2);
		check(r == r2);
		r2 = parse_exact(buf, n, &j2, NULL, 0);
		check(r == r2);
		check(r > 0 || json_error_pos(&j) == json_error_pos(&j2));
		check(r > 0 || json_error_pos(&j) <= n);
	}
	return 0;
}

int
main(void)
{
	t_init("test_json");
	t_run("conformance", conformance);
	t_run("prefixes", prefixes);
	t_run("token_layout", token_layout);
	t_run("limits", limits);
	t_run("error_offsets", error_offsets);
	t_run("lookups", lookups);
	t_run("unescape", unescape);
	t_run("int64s", int64s);
	t_run("doubles", doubles);
	t_run("string_bytes", string_bytes);
	t_run("mutations", mutations);
	return t_done();
}
