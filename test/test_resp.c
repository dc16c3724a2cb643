/* Tests for resp.c: the command writer (known answers, truncation at
 * every size); the reply parser (every vector whole, per byte and at
 * random splits, alone and as one pipelined stream; a bad-input table
 * with the exact error of each; limits; strings across slices). */
#include "t.h"
#include "resp.h"

/* ---- writer ----------------------------------------------------------- */

static int
writer_known(void)
{
	static const char want[] =
	    "*3\r\n$5\r\nRPUSH\r\n$1\r\nk\r\n$5\r\nhe\0lo\r\n";
	const char *argv[3] = { "RPUSH", "k", "he\0lo" };
	size_t lens[3] = { 5, 1, 5 }, len;
	unsigned char buf[128];

	check(resp_command(buf, sizeof buf, &len, 3, argv, lens) == 0);
	check(len == sizeof want - 1);
	check(memcmp(buf, want, len) == 0);
	check(resp_command_len(3, lens) == len);
	/* argvlen NULL: NUL-terminated arguments. */
	check(resp_command(buf, sizeof buf, &len, 2, argv, NULL) == 0);
	check(len == 22);
	check(memcmp(buf, "*2\r\n$5\r\nRPUSH\r\n$1\r\nk\r\n", 22) == 0);
	/* Empty argument, ten arguments (two-digit count). */
	{
		const char *a[10] = { "", "", "", "", "", "", "", "", "",
		    "" };

		check(resp_command(buf, sizeof buf, &len, 10, a, NULL) == 0);
		check(len == 5 + 10 * 6);
		check(memcmp(buf, "*10\r\n$0\r\n\r\n$0\r\n", 15) == 0);
	}
	check(resp_command(buf, sizeof buf, &len, 0, argv, NULL) ==
	    RESP_E_ARGS);
	return 0;
}

static int
writer_truncation(void)
{
	const char *argv[4] = { "XADD", "stream", "*", "0123456789abc" };
	unsigned char buf[128], ref[128];
	size_t need, len, cap, i;

	check(resp_command(ref, sizeof ref, &need, 4, argv, NULL) == 0);
	for (cap = 0; cap < need; cap++) {
		memset(buf, 0xAA, sizeof buf);
		len = 0;
		check(resp_command(buf, cap, &len, 4, argv, NULL) ==
		    RESP_E_TRUNC);
		check(len == need);
		for (i = 0; i < sizeof buf; i++)
			check(buf[i] == 0xAA);	/* nothing written */
	}
	check(resp_command(buf, need, &len, 4, argv, NULL) == 0);
	check(len == need && memcmp(buf, ref, need) == 0);
	return 0;
}

/* ---- reader ----------------------------------------------------------- */

struct vec {
	const char *in;
	size_t inlen;		/* 0: strlen */
	int type;
	int64_t integer;
	const char *str;	/* NULL: no string */
	size_t slen;
	unsigned long nerr;
};

#define V(s, t, i, str, slen, ne) { s, sizeof s - 1, t, i, str, slen, ne }
static const struct vec good[] = {
	V("+OK\r\n", RESP_T_STATUS, 0, "OK", 2, 0),
	V("+\r\n", RESP_T_STATUS, 0, "", 0, 0),
	V("-ERR wrong type\r\n", RESP_T_ERROR, 0, "ERR wrong type", 14, 0),
	V(":0\r\n", RESP_T_INT, 0, NULL, 0, 0),
	V(":-1\r\n", RESP_T_INT, -1, NULL, 0, 0),
	V(":12345\r\n", RESP_T_INT, 12345, NULL, 0, 0),
	V(":9223372036854775807\r\n", RESP_T_INT, INT64_MAX, NULL, 0, 0),
	V(":-9223372036854775808\r\n", RESP_T_INT, INT64_MIN, NULL, 0, 0),
	V(":007\r\n", RESP_T_INT, 7, NULL, 0, 0),
	V("$5\r\nhello\r\n", RESP_T_BULK, 5, "hello", 5, 0),
	V("$0\r\n\r\n", RESP_T_BULK, 0, "", 0, 0),
	V("$4\r\n\r\n\r\n\r\n", RESP_T_BULK, 4, "\r\n\r\n", 4, 0),
	V("$3\r\na\0b\r\n", RESP_T_BULK, 3, "a\0b", 3, 0),
	V("$-1\r\n", RESP_T_NIL, -1, NULL, 0, 0),
	V("*0\r\n", RESP_T_ARRAY, 0, NULL, 0, 0),
	V("*-1\r\n", RESP_T_NIL_ARRAY, -1, NULL, 0, 0),
	V("*2\r\n$1\r\na\r\n:1\r\n", RESP_T_ARRAY, 2, NULL, 0, 0),
	V("*3\r\n$-1\r\n*0\r\n*-1\r\n", RESP_T_ARRAY, 3, NULL, 0, 0),
	V("*2\r\n*1\r\n-ERR x\r\n+OK\r\n", RESP_T_ARRAY, 2, NULL, 0, 1),
	V("*3\r\n+QUEUED\r\n-WRONGTYPE no\r\n*2\r\n-E1\r\n:5\r\n",
	    RESP_T_ARRAY, 3, NULL, 0, 2),
	V("*1\r\n*1\r\n*1\r\n*1\r\n*1\r\n*1\r\n*1\r\n*1\r\n:1\r\n",
	    RESP_T_ARRAY, 1, NULL, 0, 0),	/* exactly RESP_DEPTH_MAX */
	V("*2\r\n$6\r\n1-0000\r\n*2\r\n$1\r\nm\r\n$2\r\nhi\r\n",
	    RESP_T_ARRAY, 2, NULL, 0, 0),
};

static int
same_reply(const struct resp *r, const struct vec *v)
{
	if (r->type != v->type || r->integer != v->integer ||
	    r->nerr != v->nerr)
		return 0;
	if (v->str == NULL)
		return r->str == NULL;
	return r->str != NULL && r->len == v->slen && !r->str_cut &&
	    (v->slen == 0 || memcmp(r->str, v->str, v->slen) == 0);
}

static int
good_vectors(void)
{
	struct resp r;
	size_t i, used;
	int mode, st;

	for (i = 0; i < sizeof good / sizeof good[0]; i++) {
		const struct vec *v = &good[i];

		for (mode = 0; mode < T_NMODES; mode++) {
			resp_init(&r);
			st = t_feed(mode, (t_push_fn)resp_push, &r,
			    (const unsigned char *)v->in, v->inlen, &used,
			    NULL);
			if (st != RESP_REPLY || !same_reply(&r, v))
				fprintf(stderr, "vector %lu/%s: st %d type %c "
				    "int %lld\n", (unsigned long)i,
				    t_mode_name[mode], st, r.type,
				    (long long)r.integer);
			check(st == RESP_REPLY);
			check(used == v->inlen);
			check(same_reply(&r, v));
			check(r.replies == 1);
		}
	}
	return 0;
}

/* All vectors back to back, as a pipelined connection delivers them. */
static size_t seen;
static int seen_bad;
static unsigned long long t_trace_sum;

static int
on_reply(void *ctx, int st)
{
	struct resp *r = ctx;

	(void)st;
	if (seen >= sizeof good / sizeof good[0] ||
	    !same_reply(r, &good[seen]))
		seen_bad = 1;
	seen++;
	return 0;
}

static int
pipelined(void)
{
	unsigned char all[1024];
	size_t i, n = 0, used;
	struct resp r;
	int mode, st;

	for (i = 0; i < sizeof good / sizeof good[0]; i++) {
		memcpy(all + n, good[i].in, good[i].inlen);
		n += good[i].inlen;
	}
	for (mode = 0; mode < T_NMODES; mode++) {
		resp_init(&r);
		seen = 0;
		seen_bad = 0;
		st = t_feed(mode, (t_push_fn)resp_push, &r, all, n, &used,
		    on_reply);
		check(st == 0);
		check(used == n);
		check(seen == sizeof good / sizeof good[0]);
		check(!seen_bad);
		check(r.replies == seen);
	}
	return 0;
}

struct bad {
	const char *name;
	const char *in;
	int err;
};

static const struct bad bad[] = {
	{ "type", "?x\r\n", RESP_E_TYPE },
	{ "type_in_array", "*1\r\n!x\r\n", RESP_E_TYPE },
	{ "bare_lf", "+OK\n", RESP_E_CRLF },
	{ "cr_no_lf", "+OK\rx", RESP_E_CRLF },
	{ "int_junk", ":12a\r\n", RESP_E_INT },
	{ "int_empty", ":\r\n", RESP_E_INT },
	{ "int_minus_only", ":-\r\n", RESP_E_INT },
	{ "int_two_minus", ":--1\r\n", RESP_E_INT },
	{ "int_plus", ":+1\r\n", RESP_E_INT },
	{ "int_overflow", ":9223372036854775808\r\n", RESP_E_INT },
	{ "int_underflow", ":-9223372036854775809\r\n", RESP_E_INT },
	{ "int_zeros", ":000000000000000000000\r\n", RESP_E_INT },
	{ "int_bare_lf", ":1\n", RESP_E_CRLF },
	{ "bulk_minus2", "$-2\r\n", RESP_E_LEN },
	{ "bulk_minus0", "$-0\r\n", RESP_E_LEN },
	{ "bulk_empty_len", "$\r\n", RESP_E_INT },
	{ "bulk_hex_len", "$x\r\n", RESP_E_INT },
	{ "bulk_len_lf", "$1\n", RESP_E_INT },
	{ "bulk_len_cr_x", "$1\rx", RESP_E_CRLF },
	{ "bulk_too_long_data", "$3\r\nabcd\r\n", RESP_E_CRLF },
	{ "bulk_cr_then_x", "$3\r\nabc\rx", RESP_E_CRLF },
	{ "bulk_huge", "$99999999999\r\n", RESP_E_BULK_LONG },
	{ "array_minus5", "*-5\r\n", RESP_E_LEN },
	{ "array_huge", "*99999999\r\n", RESP_E_ARRAY_LONG },
	{ "depth", "*1\r\n*1\r\n*1\r\n*1\r\n*1\r\n*1\r\n*1\r\n*1\r\n*1\r\n",
	    RESP_E_DEPTH },
	{ "nested_bad", "*2\r\n:1\r\n$2\r\nabc\r\n", RESP_E_CRLF },
};

static int
bad_vectors(void)
{
	struct resp r;
	size_t i, used;
	int mode, st;

	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		const struct bad *b = &bad[i];

		for (mode = 0; mode < T_NMODES; mode++) {
			resp_init(&r);
			st = t_feed(mode, (t_push_fn)resp_push, &r,
			    (const unsigned char *)b->in, strlen(b->in),
			    &used, NULL);
			if (st != b->err)
				fprintf(stderr, "%s/%s: got %d want %d\n",
				    b->name, t_mode_name[mode], st, b->err);
			check(st == b->err);
			check(resp_error(&r) == b->err);
			check(resp_push(&r, (const unsigned char *)"+OK\r\n",
			    5, &used) == b->err);
			check(used == 0);
		}
	}
	return 0;
}

static int
line_limit(void)
{
	static unsigned char in[RESP_LINE_MAX + 8];
	struct resp r;
	size_t used, n;
	int mode, st;

	/* Exactly RESP_LINE_MAX bytes: fine.  One more: the named error. */
	for (n = RESP_LINE_MAX; n <= RESP_LINE_MAX + 1; n++) {
		in[0] = '-';
		memset(in + 1, 'e', n);
		memcpy(in + 1 + n, "\r\n", 2);
		for (mode = 0; mode < T_NMODES; mode++) {
			resp_init(&r);
			st = t_feed(mode, (t_push_fn)resp_push, &r, in,
			    n + 3, &used, NULL);

			if (n == RESP_LINE_MAX) {
				check(st == RESP_REPLY);
				check(r.type == RESP_T_ERROR);
				/* Cut or not depends on the split. */
				check((r.len == n && !r.str_cut &&
				    mode != T_BYTES) ||
				    (r.len == RESP_STR_MAX && r.str_cut &&
				    mode != T_WHOLE));
			} else {
				check(st == RESP_E_LINE_LONG);
			}
		}
	}
	return 0;
}

/* A bulk string longer than RESP_STR_MAX: whole, str points into the
 * slice with its full length; cut across slices, sbuf keeps a prefix. */
static int
long_bulk(void)
{
	unsigned char in[400];
	struct resp r;
	size_t used, k;
	int st;

	memcpy(in, "$300\r\n", 6);
	for (k = 0; k < 300; k++)
		in[6 + k] = (unsigned char)('a' + k % 26);
	memcpy(in + 306, "\r\n", 2);
	resp_init(&r);
	check(resp_push(&r, in, 308, &used) == RESP_REPLY);
	check(used == 308 && r.len == 300 && r.str == in + 6);
	check(!r.str_cut);
	resp_init(&r);
	check(resp_push(&r, in, 100, &used) == 0 && used == 100);
	check(resp_push(&r, in + 100, 208, &used) == RESP_REPLY);
	check(r.str == r.sbuf && r.len == RESP_STR_MAX && r.str_cut);
	check(memcmp(r.str, in + 6, RESP_STR_MAX) == 0);
	/* Short string cut after the type byte: copied, not cut. */
	resp_init(&r);
	check(resp_push(&r, (const unsigned char *)"+", 1, &used) == 0);
	check(resp_push(&r, (const unsigned char *)"PONG\r\n", 6, &used) ==
	    RESP_REPLY);
	check(r.len == 4 && memcmp(r.str, "PONG", 4) == 0 && !r.str_cut);
	/* Two replies in one slice: stops after the first. */
	resp_init(&r);
	st = resp_push(&r, (const unsigned char *)":1\r\n:2\r\n", 8, &used);
	check(st == RESP_REPLY && used == 4 && r.integer == 1);
	st = resp_push(&r, (const unsigned char *)":2\r\n", 4, &used);
	check(st == RESP_REPLY && used == 4 && r.integer == 2);
	return 0;
}

/* Every strict prefix of a reply: need more, never an event or error. */
static int
prefixes(void)
{
	size_t i, k, used;
	struct resp r;

	for (i = 0; i < sizeof good / sizeof good[0]; i++)
		for (k = 0; k < good[i].inlen; k++) {
			resp_init(&r);
			check(resp_push(&r, (const unsigned char *)good[i].in,
			    k, &used) == 0);
			check(used == k);
		}
	return 0;
}

/* Random streams built from RESP fragments (valid and not): every
 * feeding mode must give the same replies and the same final status. */
static int
on_trace(void *ctx, int st)
{
	struct resp *r = ctx;

	(void)st;
	seen++;
	/* A string longer than RESP_STR_MAX is cut when split: compare the
	 * part every mode keeps. */
	t_trace_sum = t_trace_sum * 31 + (unsigned long long)r->type * 7 +
	    (unsigned long long)r->integer * 3 +
	    (r->len < RESP_STR_MAX ? r->len : RESP_STR_MAX) + r->nerr;
	return 0;
}

static int
modes_agree(void)
{
	static const char *const frag[] = {
		"+OK\r\n", "-ERR x\r\n", ":1\r\n", ":-42\r\n", "$3\r\nabc\r\n",
		"$-1\r\n", "*2\r\n", "*0\r\n", "*-1\r\n", "$0\r\n\r\n",
		"\r", "\n", "x", "$", "*", ":", "-", "+", "9", "\r\n"
	};
	unsigned char in[256];
	struct resp r;
	size_t n, used, k;
	unsigned long long sum0;
	int round, mode, st, st0, seen0;
	unsigned long replies = 0, errors = 0;

	for (round = 0; round < 3000; round++) {
		n = 0;
		while (n < 200) {
			const char *f = frag[t_rand_below(sizeof frag /
			    sizeof frag[0])];

			k = strlen(f);
			if (n + k > sizeof in)
				break;
			memcpy(in + n, f, k);
			n += k;
			if (t_rand_below(8) == 0)
				break;
		}
		st0 = 0;
		seen0 = 0;
		sum0 = 0;
		for (mode = 0; mode < T_NMODES; mode++) {
			resp_init(&r);
			seen = 0;
			t_trace_sum = 0;
			st = t_feed(mode, (t_push_fn)resp_push, &r, in, n,
			    &used, on_trace);
			check(st <= 0);		/* events go to on_trace */
			check(st != T_E_STUCK);
			if (mode == 0) {
				st0 = st;
				seen0 = (int)seen;
				sum0 = t_trace_sum;
				replies += seen;
				errors += st < 0;
				continue;
			}
			check(st == st0);
			check((int)seen == seen0);
			check(t_trace_sum == sum0);
		}
	}
	/* The generator exercises both sides. */
	check(replies > 1000 && errors > 100);
	return 0;
}

int
main(void)
{
	t_init("test_resp");
	t_run("writer_known", writer_known);
	t_run("writer_truncation", writer_truncation);
	t_run("good_vectors", good_vectors);
	t_run("pipelined", pipelined);
	t_run("bad_vectors", bad_vectors);
	t_run("line_limit", line_limit);
	t_run("long_bulk", long_bulk);
	t_run("prefixes", prefixes);
	t_run("modes_agree", modes_agree);
	return t_done();
}
