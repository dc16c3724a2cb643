/* Tests for frame.c: vectors for every mode whole, per byte and at random
 * splits with identical messages and counters; a bad-input table with the
 * exact error of each; oversize handling; the SSE examples of the WHATWG
 * standard; random streams round-tripped in every mode.
 * MIT licensed, see LICENSE. */
#include "t.h"
#include "frame.h"

#define DEFCAP 4096

/* The frame comes first so t_feed's ctx is both. */
struct run {
	struct frame f;
	struct t_buf out;	/* messages rendered "<msg>" or "<type|msg>" */
	unsigned char *buf;
	size_t cap;
};

static void
render(struct t_buf *out, const struct frame *f)
{
	const unsigned char *m, *ev;
	size_t len, evlen;

	m = frame_msg(f, &len);
	ev = frame_event(f, &evlen);
	t_buf_write(out, (const unsigned char *)"<", 1);
	if (evlen) {
		t_buf_write(out, ev, evlen);
		t_buf_write(out, (const unsigned char *)"|", 1);
	}
	if (len)
		t_buf_write(out, m, len);
	t_buf_write(out, (const unsigned char *)">", 1);
}

static int
on_msg(void *ctx, int st)
{
	struct run *r = ctx;
	size_t len;

	if (st != FRAME_MSG || frame_msg(&r->f, &len) != r->buf)
		return 1;	/* stop: the caller sees st */
	render(&r->out, &r->f);
	return 0;
}

static void
run_init(struct run *r, int mode, size_t cap)
{
	if (r->cap < cap || r->buf == NULL) {
		free(r->buf);
		r->buf = malloc(cap ? cap : 1);
		r->cap = cap;
	}
	frame_init(&r->f, mode, r->buf, cap);
	t_buf_reset(&r->out);
}

static void
run_free(struct run *r)
{
	free(r->buf);
	t_buf_free(&r->out);
	r->buf = NULL;
	r->cap = 0;
}

static int
feed(int how, struct run *r, const void *in, size_t n, size_t *used)
{
	return t_feed(how, (t_push_fn)frame_push, &r->f, in, n, used, on_msg);
}

/* A string literal that may hold NUL: pointer and length. */
#define S(lit) lit, sizeof lit - 1

static int
feeds(struct run *r, const char *in)
{
	size_t used;

	return feed(T_SPLIT, r, in, strlen(in), &used);
}

struct vec {
	const char *name;
	int mode;
	size_t cap;		/* 0: DEFCAP */
	const char *in;
	size_t inlen;		/* 0: strlen(in) */
	const char *out;	/* rendered messages */
	unsigned msgs, ka, over;
	int pending;
	const char *lastid;	/* SSE: expected last event id, or NULL */
	long retry;		/* SSE: expected retry (-1: never set) */
};

static const struct vec good[] = {
	/* ---- lines */
	{ "lf", FRAME_LINES, 0, "a\nb\n", 0, "<a><b>", 2, 0, 0, 0, 0, -1 },
	{ "crlf", FRAME_LINES, 0, "a\r\nb\r\n", 0, "<a><b>", 2, 0, 0, 0, 0,
	    -1 },
	{ "keepalives", FRAME_LINES, 0, "\r\n\r\n{x}\r\n\n  \r\n\t\n \n",
	    0, "<{x}>", 1, 6, 0, 0, 0, -1 },
	{ "inner_cr", FRAME_LINES, 0, "a\rb\n", 0, "<a\rb>", 1, 0, 0, 0, 0,
	    -1 },
	{ "cr_cr_lf", FRAME_LINES, 0, "a\r\r\n", 0, "<a\r>", 1, 0, 0, 0, 0,
	    -1 },
	{ "lead_cr", FRAME_LINES, 0, "a\n\rb\n", 0, "<a><\rb>", 2, 0, 0, 0, 0,
	    -1 },
	{ "spaces_kept", FRAME_LINES, 0, " x \r\n", 0, "< x >", 1, 0, 0, 0,
	    0, -1 },
	{ "nul_byte", FRAME_LINES, 0, S("\0\n"), "<\0>", 1, 0, 0, 0, 0, -1 },
	{ "partial", FRAME_LINES, 0, "a\npart", 0, "<a>", 1, 0, 0, 1, 0, -1 },
	{ "partial_cr", FRAME_LINES, 0, "a\npart\r", 0, "<a>", 1, 0, 0, 1, 0,
	    -1 },
	{ "partial_blank", FRAME_LINES, 0, "a\n \t\r", 0, "<a>", 1, 0, 0, 0, 0,
	    -1 },
	{ "json", FRAME_LINES, 0, "{\"id\":1}\r\n\r\n{\"id\":2}\r\n", 0,
	    "<{\"id\":1}><{\"id\":2}>", 2, 1, 0, 0, 0, -1 },
	{ "fits_cap", FRAME_LINES, 4, "abcd\r\nabcd\n", 0, "<abcd><abcd>", 2,
	    0, 0, 0, 0, -1 },
	{ "over_cap", FRAME_LINES, 4, "abcde\nxy\nabcd\rz\nok\n", 0,
	    "<xy><ok>", 2, 0, 2, 0, 0, -1 },
	{ "over_cr_held", FRAME_LINES, 4, "abcd\rz\n", 0, "", 0, 0, 1, 0, 0,
	    -1 },
	{ "blank_over_cap", FRAME_LINES, 2, "      \r\nab\n", 0, "<ab>", 1, 1,
	    0, 0, 0, -1 },
	{ "partial_over", FRAME_LINES, 2, "abcdef", 0, "", 0, 0, 0, 1, 0, -1 },
	/* ---- delimited=length */
	{ "twitter", FRAME_LENGTH, 0, "7\r\nhello\r\n", 0, "<hello>", 1, 0, 0,
	    0, 0, -1 },
	{ "lf_body", FRAME_LENGTH, 0, "6\nhello\n", 0, "<hello>", 1, 0, 0, 0,
	    0, -1 },
	{ "bare_body", FRAME_LENGTH, 0, "5\nhello3\nab\n", 0, "<hello><ab>", 2,
	    0, 0, 0, 0, -1 },
	{ "len_keepalives", FRAME_LENGTH, 0,
	    "\r\n7\r\nhello\r\n\r\n  9 \t\r\n{\"a\":1}\r\n\n", 0,
	    "<hello><{\"a\":1}>", 2, 3, 0, 0, 0, -1 },
	{ "zero", FRAME_LENGTH, 0, "0\n0\r\n2\r\n\r\n1\n\n3\n \r\n", 0, "", 0,
	    5, 0, 0, 0, -1 },
	{ "one_lf_stripped", FRAME_LENGTH, 0, "4\na\nb\n", 0, "<a\nb>", 1, 0,
	    0, 0, 0, -1 },
	{ "crlf_crlf", FRAME_LENGTH, 0, "6\nab\r\n\r\n", 0, "<ab\r\n>", 1,
	    0, 0, 0, 0, -1 },
	{ "trailing_cr", FRAME_LENGTH, 0, "3\nab\r", 0, "<ab\r>", 1, 0, 0, 0,
	    0, -1 },
	{ "leading_zeros", FRAME_LENGTH, 0, "007\nhello\r\n", 0, "<hello>", 1,
	    0, 0, 0, 0, -1 },
	{ "ten_digits", FRAME_LENGTH, 0, "9999999999\r\nab", 0, "", 0, 0, 0,
	    1, 0, -1 },
	{ "body_lf_inside", FRAME_LENGTH, 0, "9\n{\n}\n{\n}\r\n", 0,
	    "<{\n}\n{\n}>", 1, 0, 0, 0, 0, -1 },
	{ "len_partial_digits", FRAME_LENGTH, 0, "12", 0, "", 0, 0, 0, 1, 0,
	    -1 },
	{ "len_partial_ws", FRAME_LENGTH, 0, "12 \r", 0, "", 0, 0, 0, 1, 0,
	    -1 },
	{ "len_partial_body", FRAME_LENGTH, 0, "5\nhel", 0, "", 0, 0, 0, 1, 0,
	    -1 },
	{ "len_partial_blank", FRAME_LENGTH, 0, "\r\n  ", 0, "", 0, 1, 0, 0,
	    0, -1 },
	{ "len_cap_crlf", FRAME_LENGTH, 5, "7\r\nhello\r\n6\nhello\n", 0,
	    "<hello><hello>", 2, 0, 0, 0, 0, -1 },
	{ "len_cap_cr_in_buf", FRAME_LENGTH, 5, "6\r\nhell\r\n", 0, "<hell>",
	    1, 0, 0, 0, 0, -1 },
	{ "len_over_tail", FRAME_LENGTH, 5, "7\nhelloxy6\nhellox3\nok\n", 0,
	    "<ok>", 1, 0, 2, 0, 0, -1 },
	{ "len_over_tail_lf", FRAME_LENGTH, 5, "7\nhellox\n3\nok\n", 0,
	    "<ok>", 1, 0, 1, 0, 0, -1 },
	{ "len_over_skip", FRAME_LENGTH, 5, "8\r\nhello\nz\n3\r\nok\n", 0,
	    "<ok>", 1, 0, 1, 0, 0, -1 },
	{ "len_over_big", FRAME_LENGTH, 5,
	    "38\r\n{\"text\":\"0123456789012345678901234\"}\r\n4\r\n{}\r\n",
	    0, "<{}>", 1, 0, 1, 0, 0, -1 },
	/* ---- server-sent events: the WHATWG examples first */
	{ "spec_stock", FRAME_SSE, 0, "data: YHOO\ndata: +2\ndata: 10\n\n", 0,
	    "<YHOO\n+2\n10>", 1, 0, 0, 0, "", -1 },
	{ "spec_four_blocks", FRAME_SSE, 0,
	    ": test stream\n\ndata: first event\nid: 1\n\n"
	    "data:second event\nid\n\ndata:  third event\n", 0,
	    "<first event><second event>", 2, 1, 0, 1, "", -1 },
	{ "spec_empty_data", FRAME_SSE, 0, "data\n\ndata\ndata\n\ndata:", 0,
	    "<><\n>", 2, 0, 0, 1, "", -1 },
	{ "spec_space", FRAME_SSE, 0, "data:test\n\ndata: test\n\n", 0,
	    "<test><test>", 2, 0, 0, 0, "", -1 },
	{ "spec_event_types", FRAME_SSE, 0,
	    "event: add\ndata: 73857293\n\nevent: remove\ndata: 2153\n\n"
	    "event: add\ndata: 113411\n\n", 0,
	    "<add|73857293><remove|2153><add|113411>", 3, 0, 0, 0, "", -1 },
	{ "cr_only", FRAME_SSE, 0, "data: a\rdata: b\r\rdata: c\r\r", 0,
	    "<a\nb><c>", 2, 0, 0, 0, "", -1 },
	{ "crlf_sse", FRAME_SSE, 0, "data: a\r\ndata: b\r\n\r\n", 0,
	    "<a\nb>", 1, 0, 0, 0, "", -1 },
	{ "mixed_eol", FRAME_SSE, 0, "data: a\r\n\rdata: b\n\r\n", 0,
	    "<a><b>", 2, 0, 0, 0, "", -1 },
	{ "bom", FRAME_SSE, 0, "\xef\xbb\xbf" "data: x\n\n", 0, "<x>", 1, 0,
	    0, 0, "", -1 },
	{ "two_boms", FRAME_SSE, 0, "\xef\xbb\xbf\xef\xbb\xbf" "data: x\n\n",
	    0, "", 0, 0, 0, 0, "", -1 },
	{ "half_bom", FRAME_SSE, 0, "\xef\xbb" "data: x\n\ndata: y\n\n", 0,
	    "<y>", 1, 0, 0, 0, "", -1 },
	{ "half_bom_eol", FRAME_SSE, 0, "\xef\ndata: y\n\n", 0, "<y>", 1, 0,
	    0, 0, "", -1 },
	{ "retry", FRAME_SSE, 0, "retry: 1500\n\n", 0, "", 0, 0, 0, 0, "",
	    1500 },
	{ "retry_no_space", FRAME_SSE, 0, "retry:250\r\n", 0, "", 0, 0, 0, 0,
	    "", 250 },
	{ "retry_bad", FRAME_SSE, 0, "retry: 7\nretry: 15x\nretry:\n"
	    "retry: 1 5\nretry: -3\n", 0, "", 0, 0, 0, 0, "", 7 },
	{ "retry_huge", FRAME_SSE, 0, "retry: 99999999999999999999999\n", 0,
	    "", 0, 0, 0, 0, "", FRAME_RETRY_MAX },
	{ "id_nul", FRAME_SSE, 0, S("id: 5\n\nid: a\0b\ndata: x\n\n"),
	    "<x>", 1, 0, 0, 0, "5", -1 },
	{ "id_nul_same_block", FRAME_SSE, 0, S("id: 5\nid: a\0b\ndata: x\n\n"),
	    "<x>", 1, 0, 0, 0, "5", -1 },
	{ "id_only", FRAME_SSE, 0, "id: 7\n\n", 0, "", 0, 0, 0, 0, "7", -1 },
	{ "id_undispatched", FRAME_SSE, 0,
	    "id: 1\ndata: a\n\nid: 2\ndata: b\n", 0, "<a>", 1, 0, 0, 1, "1",
	    -1 },
	{ "id_kept", FRAME_SSE, 0, "id: 1\ndata: a\n\ndata: b\n\n", 0,
	    "<a><b>", 2, 0, 0, 0, "1", -1 },
	{ "id_colon", FRAME_SSE, 0, "id: a:b \ndata: a\n\n", 0, "<a>", 1, 0,
	    0, 0, "a:b ", -1 },
	{ "unknown_fields", FRAME_SSE, 0,
	    "foo: bar\ndata: x\nretryx: 5\nDATA: y\ndat: z\ndatax: w\n"
	    "very-long-field-name: 1\nfoo\n\n", 0, "<x>", 1, 0, 0, 0, "",
	    -1 },
	{ "one_space_only", FRAME_SSE, 0, "data:   x\n\n", 0, "<  x>", 1, 0,
	    0, 0, "", -1 },
	{ "tab_kept", FRAME_SSE, 0, "data:\tx\n\n", 0, "<\tx>", 1, 0, 0, 0,
	    "", -1 },
	{ "colon_in_value", FRAME_SSE, 0, "data: a:b\n\n", 0, "<a:b>", 1, 0,
	    0, 0, "", -1 },
	{ "blank_lines", FRAME_SSE, 0, "\n\ndata: x\n\n\n\n", 0, "<x>", 1, 4,
	    0, 0, "", -1 },
	{ "comments", FRAME_SSE, 0, ":\n\n: ping\n\n:a\n:b\r\n\r", 0, "", 0,
	    4, 0, 0, "", -1 },
	{ "event_reset", FRAME_SSE, 0, "event: foo\n\ndata: x\n\n", 0, "<x>",
	    1, 0, 0, 0, "", -1 },
	{ "event_last_wins", FRAME_SSE, 0, "event: a\nevent: b\ndata: x\n\n",
	    0, "<b|x>", 1, 0, 0, 0, "", -1 },
	{ "json_data", FRAME_SSE, 0,
	    "event: tweet\r\nid: 42\r\ndata: {\"id\":42}\r\n\r\n", 0,
	    "<tweet|{\"id\":42}>", 1, 0, 0, 0, "42", -1 },
	{ "sse_pending_data", FRAME_SSE, 0, "data: x\n", 0, "", 0, 0, 0, 1, "",
	    -1 },
	{ "sse_pending_name", FRAME_SSE, 0, "da", 0, "", 0, 0, 0, 1, "", -1 },
	{ "sse_pending_value", FRAME_SSE, 0, "data: x", 0, "", 0, 0, 0, 1, "",
	    -1 },
	{ "sse_not_pending_id", FRAME_SSE, 0, "id: 1\nev", 0, "", 0, 0, 0, 0,
	    "", -1 },
	{ "sse_not_pending_comment", FRAME_SSE, 0, ": comm", 0, "", 0, 1, 0,
	    0, "", -1 },
	{ "sse_over", FRAME_SSE, 5,
	    "data: abcde\n\ndata: abcdef\nid: 9\n\ndata: ab\ndata: cd\n\n"
	    "data: ab\ndata: cde\n\ndata: ok\n\n", 0, "<abcde><ab\ncd><ok>",
	    3, 0, 2, 0, "9", -1 },
	{ "sse_over_keeps_fields", FRAME_SSE, 2,
	    "event: e\ndata: 123\nretry: 9\nid: z\n\ndata: k\n\n", 0, "<k>",
	    1, 0, 1, 0, "z", 9 },
	{ "sse_over_pending", FRAME_SSE, 2, "data: 123", 0, "", 0, 0, 0, 1,
	    "", -1 },
	/* ---- auto */
	{ "auto_lines", FRAME_AUTO, 0, "\r\n{\"a\":1}\r\n[1]\n", 0,
	    "<{\"a\":1}><[1]>", 2, 1, 0, 0, 0, -1 },
	{ "auto_length", FRAME_AUTO, 0, "\r\n  7\r\nhello\r\n", 0, "<hello>",
	    1, 1, 0, 0, 0, -1 },
	{ "auto_other", FRAME_AUTO, 0, "\n \thello\nworld\n", 0,
	    "<hello><world>", 2, 1, 0, 0, 0, -1 },
	{ "auto_blank_only", FRAME_AUTO, 0, "\r\n \r", 0, "", 0, 1, 0, 0, 0,
	    -1 },
};

static int
good_vectors(void)
{
	struct run r = { 0 };
	size_t i, used, idlen, n;
	const unsigned char *id;
	int how, st, pend;

	for (i = 0; i < sizeof good / sizeof good[0]; i++) {
		const struct vec *v = &good[i];
		size_t want = strlen(v->out);

		n = v->inlen ? v->inlen : strlen(v->in);
		if (v->out[0] == '<' && v->out[1] == '\0')
			want = 3;	/* "<\0>" */
		for (how = 0; how < T_NMODES; how++) {
			run_init(&r, v->mode, v->cap ? v->cap : DEFCAP);
			st = feed(how, &r, v->in, n, &used);
			pend = frame_pending(&r.f);
			if (st != 0 || r.out.len != want ||
			    memcmp(r.out.p, v->out, want) != 0 ||
			    frame_messages(&r.f) != v->msgs ||
			    frame_keepalives(&r.f) != v->ka ||
			    frame_oversize(&r.f) != v->over ||
			    pend != v->pending)
				fprintf(stderr, "%s/%s: st %d out '%.*s' "
				    "msgs %lu ka %lu over %lu pending %d\n",
				    v->name, t_mode_name[how], st,
				    (int)r.out.len, (char *)r.out.p,
				    (unsigned long)frame_messages(&r.f),
				    (unsigned long)frame_keepalives(&r.f),
				    (unsigned long)frame_oversize(&r.f), pend);
			check(st == 0);
			check(used == n);
			check(r.out.len == want);
			check(want == 0 || memcmp(r.out.p, v->out, want) == 0);
			check(frame_messages(&r.f) == v->msgs);
			check(frame_keepalives(&r.f) == v->ka);
			check(frame_oversize(&r.f) == v->over);
			check(frame_bytes(&r.f) == n);
			check(pend == v->pending);
			if (v->lastid) {
				id = frame_last_id(&r.f, &idlen);
				check(idlen == strlen(v->lastid));
				check(memcmp(id, v->lastid, idlen) == 0);
			}
			check(frame_retry(&r.f) == v->retry);
			check(frame_finish(&r.f) == v->pending);
			check(frame_pending(&r.f) == 0);
		}
	}
	run_free(&r);
	return 0;
}

struct bad {
	const char *name;
	int mode;
	const char *in;
	size_t inlen;
	int err;
	unsigned msgs;		/* messages before the error */
};

static char long_id[FRAME_ID_MAX + 16];
static char long_id_nul[FRAME_ID_MAX + 16];
static char ok_id[FRAME_ID_MAX + 16];
static char long_event[FRAME_EVENT_MAX + 16];

static const struct bad bad[] = {
	{ "len_letter", FRAME_LENGTH, "x\n", 0, FRAME_E_LENGTH, 0 },
	{ "len_junk_after", FRAME_LENGTH, "12x\n", 0, FRAME_E_LENGTH, 0 },
	{ "len_inner_space", FRAME_LENGTH, "1 2\n", 0, FRAME_E_LENGTH, 0 },
	{ "len_minus", FRAME_LENGTH, "-5\n", 0, FRAME_E_LENGTH, 0 },
	{ "len_plus", FRAME_LENGTH, "+5\n", 0, FRAME_E_LENGTH, 0 },
	{ "len_hex", FRAME_LENGTH, "0x10\n", 0, FRAME_E_LENGTH, 0 },
	{ "len_cr_digit", FRAME_LENGTH, "1\r2\n", 0, FRAME_E_LENGTH, 0 },
	{ "len_nul", FRAME_LENGTH, S("\0\n"), FRAME_E_LENGTH, 0 },
	{ "len_json_not_length", FRAME_LENGTH, "5\nhello{\"a\":1}\n", 0,
	    FRAME_E_LENGTH, 1 },
	{ "len_11_digits", FRAME_LENGTH, "12345678901\n", 0,
	    FRAME_E_LENGTH_LONG, 0 },
	{ "len_11_zeros", FRAME_LENGTH, "  00000000000\n", 0,
	    FRAME_E_LENGTH_LONG, 0 },
	{ "sse_id_long", FRAME_SSE, long_id, 0, FRAME_E_ID_LONG, 0 },
	{ "sse_event_long", FRAME_SSE, long_event, 0, FRAME_E_EVENT_LONG, 0 },
};

static void
make_long_fields(void)
{
	memcpy(long_id, "id: ", 4);
	memset(long_id + 4, 'i', FRAME_ID_MAX + 1);
	memcpy(long_id + 4 + FRAME_ID_MAX + 1, "\n", 2);
	memcpy(long_id_nul, long_id, sizeof long_id);
	long_id_nul[4 + FRAME_ID_MAX] = '\0';
	memcpy(ok_id, long_id, sizeof long_id);
	memcpy(ok_id + 4 + FRAME_ID_MAX, "\n", 2);
	memcpy(long_event, "event:", 6);
	memset(long_event + 6, 'e', FRAME_EVENT_MAX + 1);
	memcpy(long_event + 6 + FRAME_EVENT_MAX + 1, "\n", 2);
}

static int
bad_vectors(void)
{
	struct run r = { 0 };
	size_t i, used, n;
	int how, st;

	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		const struct bad *b = &bad[i];

		n = b->inlen ? b->inlen : strlen(b->in);
		for (how = 0; how < T_NMODES; how++) {
			run_init(&r, b->mode, DEFCAP);
			st = feed(how, &r, b->in, n, &used);
			if (st != b->err)
				fprintf(stderr, "%s/%s: got %d want %d\n",
				    b->name, t_mode_name[how], st, b->err);
			check(st == b->err);
			check(used < n);
			check(frame_error(&r.f) == b->err);
			check(frame_messages(&r.f) == b->msgs);
			/* Sticky: later pushes return it and eat nothing. */
			check(frame_push(&r.f, (const unsigned char *)"1\n", 2,
			    &used) == b->err);
			check(used == 0);
			check(frame_finish(&r.f) == b->err);
			/* frame_init() clears it. */
			frame_init(&r.f, FRAME_LINES, r.buf, DEFCAP);
			check(frame_push(&r.f, (const unsigned char *)"1\n", 2,
			    &used) == FRAME_MSG);
		}
	}
	run_free(&r);
	return 0;
}

/* The id limits: exactly FRAME_ID_MAX bytes is fine; longer with a NUL is
 * ignored like any id with a NUL. */
static int
id_limits(void)
{
	struct run r = { 0 };
	const unsigned char *id;
	size_t used, idlen;

	run_init(&r, FRAME_SSE, DEFCAP);
	check(feed(T_SPLIT, &r, ok_id, strlen(ok_id), &used) == 0);
	check(feed(T_SPLIT, &r, "\n", 1, &used) == 0);
	id = frame_last_id(&r.f, &idlen);
	check(idlen == FRAME_ID_MAX);
	check(memcmp(id, ok_id + 4, FRAME_ID_MAX) == 0);
	check(feed(T_SPLIT, &r, long_id_nul, 4 + FRAME_ID_MAX + 2, &used) ==
	    0);
	check(feed(T_SPLIT, &r, "data: x\n\n", 9, &used) == 0);
	id = frame_last_id(&r.f, &idlen);
	check(idlen == FRAME_ID_MAX);
	check(frame_messages(&r.f) == 1);
	run_free(&r);
	return 0;
}

static int
bad_init(void)
{
	struct frame f;
	unsigned char buf[8];
	size_t used = 99;

	frame_init(&f, 7, buf, sizeof buf);
	check(frame_push(&f, (const unsigned char *)"a\n", 2, &used) ==
	    FRAME_E_MODE);
	check(used == 0);
	frame_init(&f, -1, buf, sizeof buf);
	check(frame_error(&f) == FRAME_E_MODE);
	frame_init(&f, FRAME_LINES, NULL, 10);
	check(frame_error(&f) == FRAME_E_MODE);
	frame_init(&f, FRAME_LINES, NULL, 0);
	check(frame_error(&f) == 0);
	check(frame_push(&f, (const unsigned char *)"a\n\n", 3, &used) == 0);
	check(frame_oversize(&f) == 1);
	check(frame_keepalives(&f) == 1);
	check(frame_push(&f, NULL, 0, &used) == 0);
	check(used == 0);
	return 0;
}

/* FRAME_MSG stops right after the message; the rest is not consumed, and
 * the message stays put until the next push. */
static int
stops_after_message(void)
{
	static const struct {
		int mode;
		const char *in;
		size_t at[3];
	} v[] = {
		{ FRAME_LINES, "a\r\nbc\nd", { 3, 6, 0 } },
		{ FRAME_LENGTH, "5\nhello\r\n4\r\nab\r\n", { 7, 16, 0 } },
		{ FRAME_SSE, "data: x\n\ndata: y\r\r\n\r\n", { 9, 18, 0 } },
		{ FRAME_AUTO, "\n[1]\n[2]\n", { 5, 9, 0 } },
	};
	unsigned char buf[64];
	struct frame f;
	const unsigned char *m;
	size_t i, k, off, used, len;
	int st;

	for (i = 0; i < sizeof v / sizeof v[0]; i++) {
		size_t n = strlen(v[i].in);

		frame_init(&f, v[i].mode, buf, sizeof buf);
		check(frame_msg(&f, &len) == NULL && len == 0);
		off = 0;
		for (k = 0; v[i].at[k]; k++) {
			st = frame_push(&f, (const unsigned char *)v[i].in +
			    off, n - off, &used);
			check(st == FRAME_MSG);
			off += used;
			check(off == v[i].at[k]);
			m = frame_msg(&f, &len);
			check(m == buf && len >= 1);
		}
		st = frame_push(&f, (const unsigned char *)v[i].in + off,
		    n - off, &used);
		check(st == 0 && used == n - off);
		check(frame_msg(&f, &len) == NULL && len == 0);
	}
	return 0;
}

/* A message of exactly the buffer size passes, one byte more is skipped,
 * and the framer stays in sync in every mode. */
static int
oversize_sync(void)
{
	struct run r = { 0 };
	struct t_buf in = { 0 };
	unsigned char *big = malloc(FRAME_MAX + 16);
	char line[64];
	size_t used, size;
	int how, mode;

	check(big != NULL);
	memset(big, 'x', FRAME_MAX + 16);
	big[0] = '{';
	for (mode = FRAME_LINES; mode <= FRAME_SSE; mode++) {
		t_buf_reset(&in);
		for (size = FRAME_MAX - 1; size <= FRAME_MAX + 2; size++) {
			if (mode == FRAME_LENGTH) {
				snprintf(line, sizeof line, "%zu\r\n",
				    size + 2);
				t_buf_write(&in, (unsigned char *)line,
				    strlen(line));
			} else if (mode == FRAME_SSE) {
				t_buf_write(&in, (unsigned char *)"data: ", 6);
			}
			t_buf_write(&in, big, size);
			t_buf_write(&in, (unsigned char *)"\r\n", 2);
			if (mode == FRAME_SSE)
				t_buf_write(&in, (unsigned char *)"\r\n", 2);
			if (mode == FRAME_LENGTH)
				t_buf_write(&in, (unsigned char *)"9\r\n", 3);
			else if (mode == FRAME_SSE)
				t_buf_write(&in, (unsigned char *)"data: ", 6);
			t_buf_write(&in, (unsigned char *)"{\"a\":1}\r\n", 9);
			if (mode == FRAME_SSE)
				t_buf_write(&in, (unsigned char *)"\r\n", 2);
		}
		for (how = 0; how < T_NMODES; how++) {
			run_init(&r, mode, FRAME_MAX);
			check(feed(how, &r, in.p, in.len, &used) == 0);
			check(frame_messages(&r.f) == 6);
			check(frame_oversize(&r.f) == 2);
			check(r.out.len == 2 * (FRAME_MAX + 2) - 1 + 4 * 9);
			check(memcmp(r.out.p + r.out.len - 18,
			    "<{\"a\":1}><{\"a\":1}>", 18) == 0);
		}
	}
	free(big);
	t_buf_free(&in);
	run_free(&r);
	return 0;
}

/* End of stream: the partial message is reported, never delivered, and
 * the next stream starts clean. */
static int
finish_and_restart(void)
{
	struct run r = { 0 };
	const unsigned char *id;
	size_t used, idlen;

	run_init(&r, FRAME_LINES, DEFCAP);
	check(feed(T_SPLIT, &r, "a\nabc", 5, &used) == 0);
	check(frame_finish(&r.f) == 1);
	check(feed(T_SPLIT, &r, "def\n", 4, &used) == 0);
	check(r.out.len == 8 && memcmp(r.out.p, "<a><def>", 8) == 0);
	/* A held-back CR is not carried into the next stream. */
	check(feed(T_SPLIT, &r, "x\r", 2, &used) == 0);
	check(frame_finish(&r.f) == 1);
	check(feed(T_SPLIT, &r, "y\n", 2, &used) == 0);
	check(r.out.len == 11 && memcmp(r.out.p + 8, "<y>", 3) == 0);

	run_init(&r, FRAME_LENGTH, DEFCAP);
	check(feed(T_SPLIT, &r, "5\nhel", 5, &used) == 0);
	check(frame_finish(&r.f) == 1);
	check(feed(T_SPLIT, &r, "2\nok", 4, &used) == 0);
	check(r.out.len == 4 && memcmp(r.out.p, "<ok>", 4) == 0);

	/* SSE: the last id survives, the undispatched one does not. */
	run_init(&r, FRAME_SSE, DEFCAP);
	check(feeds(&r, "retry: 5\nid: 1\ndata: a\n\nid: 2\ndata: b\n") ==
	    0);
	check(frame_finish(&r.f) == 1);
	check(frame_retry(&r.f) == 5);
	check(feed(T_SPLIT, &r, "\xef\xbb\xbf" "data: c\n\n", 12, &used) == 0);
	check(r.out.len == 6 && memcmp(r.out.p, "<a><c>", 6) == 0);
	id = frame_last_id(&r.f, &idlen);
	check(idlen == 1 && id[0] == '1');
	check(frame_messages(&r.f) == 2);

	/* AUTO decides again on the new stream. */
	run_init(&r, FRAME_AUTO, DEFCAP);
	check(feed(T_SPLIT, &r, "{}\n", 3, &used) == 0);
	check(frame_mode(&r.f) == FRAME_LINES);
	check(frame_finish(&r.f) == 0);
	check(frame_mode(&r.f) == FRAME_AUTO);
	check(feed(T_SPLIT, &r, "4\n{}\r\n", 6, &used) == 0);
	check(frame_mode(&r.f) == FRAME_LENGTH);
	check(r.out.len == 8 && memcmp(r.out.p, "<{}><{}>", 8) == 0);
	run_free(&r);
	return 0;
}

/* ---- random streams in every mode ------------------------------------ */

#define RCAP 600
#define RMAX 800	/* messages up to this long: some are oversize */

struct expect {
	struct t_buf out;	/* rendered expected messages */
	struct t_buf in;	/* the encoded stream */
	unsigned long msgs, ka, over;
	char lastid[32];
};

static unsigned char
rand_byte(int nolf)
{
	static const char pick[] = "{}[]\":, \t\r\nabcxyz0123\\";
	unsigned char c;

	do {
		c = (t_rand() & 3) ? (unsigned char)pick[t_rand_below(
		    sizeof pick - 1)] : (unsigned char)t_rand();
	} while (nolf && (c == '\n' || (nolf == 2 && c == '\r')));
	return c;
}

/* A random message body of len bytes with at least one non-blank byte and
 * no LF/CR at the end; nolf 1: no LF, 2: no CR or LF. */
static void
rand_msg(unsigned char *m, size_t len, int nolf)
{
	size_t k;

	for (k = 0; k < len; k++)
		m[k] = rand_byte(nolf);
	m[t_rand_below(len)] = 'a' + (unsigned char)t_rand_below(26);
	while (m[len - 1] == '\r' || m[len - 1] == '\n')
		m[len - 1] = '}';
}

static void
put_str(struct t_buf *b, const char *s)
{
	t_buf_write(b, (const unsigned char *)s, strlen(s));
}

static void
expect_msg(struct expect *e, const unsigned char *m, size_t len,
    const char *ev)
{
	if (len > RCAP) {
		e->over++;
		return;
	}
	e->msgs++;
	put_str(&e->out, "<");
	if (ev && *ev) {
		put_str(&e->out, ev);
		put_str(&e->out, "|");
	}
	t_buf_write(&e->out, m, len);
	put_str(&e->out, ">");
}

static void
gen_lines(struct expect *e, unsigned char *m, int count)
{
	static const char *const ka[] = { "\n", "\r\n", "  \r\n", "\t\n",
	    " \r \n" };
	int k;

	for (k = 0; k < count; k++) {
		size_t len = 1 + t_rand_below(RMAX);

		while (t_rand_below(4) == 0) {
			put_str(&e->in, ka[t_rand_below(5)]);
			e->ka++;
		}
		rand_msg(m, len, 1);
		if (k == 0)
			m[0] = '{';	/* so that FRAME_AUTO picks lines */
		t_buf_write(&e->in, m, len);
		put_str(&e->in, t_rand() & 1 ? "\r\n" : "\n");
		expect_msg(e, m, len, NULL);
	}
}

static void
gen_length(struct expect *e, unsigned char *m, int count)
{
	static const char *const ka[] = { "\n", "\r\n", " \r\n", "0\r\n",
	    "2\r\n\r\n", "1\n\n", "3\n \r\n" };
	static const char *const term[] = { "", "\n", "\r\n" };
	char line[64];
	int k, t;

	for (k = 0; k < count; k++) {
		size_t len = 1 + t_rand_below(RMAX);

		while (t_rand_below(4) == 0) {
			put_str(&e->in, ka[t_rand_below(7)]);
			e->ka++;
		}
		rand_msg(m, len, 0);
		t = (int)t_rand_below(3);
		snprintf(line, sizeof line, "%s%0*zu%s\r\n",
		    t_rand() & 1 ? " " : "", (int)t_rand_below(4),
		    len + strlen(term[t]), t_rand() & 1 ? "\t" : "");
		put_str(&e->in, line);
		t_buf_write(&e->in, m, len);
		put_str(&e->in, term[t]);
		expect_msg(e, m, len, NULL);
	}
}

static void
gen_sse(struct expect *e, unsigned char *m, int count)
{
	static const char *const eols[] = { "\n", "\r", "\r\n" };
	const char *eol = eols[t_rand_below(3)];
	char line[64], ev[16];
	int k;

	if (t_rand() & 1)
		put_str(&e->in, "\xef\xbb\xbf");
	for (k = 0; k < count; k++) {
		size_t len = t_rand_below(RMAX), a, b;

		while (t_rand_below(4) == 0) {
			/* A comment alone in its block, or an empty block. */
			if (t_rand() & 1) {
				put_str(&e->in, ":keep-alive");
				put_str(&e->in, eol);
			}
			put_str(&e->in, eol);
			e->ka++;
		}
		if (t_rand_below(3) == 0) {
			put_str(&e->in, ": c");
			put_str(&e->in, eol);
			e->ka++;
		}
		ev[0] = '\0';
		if (t_rand_below(3) == 0) {
			snprintf(ev, sizeof ev, "t%d", k % 7);
			snprintf(line, sizeof line, "event:%s%s%s",
			    t_rand() & 1 ? " " : "", ev, eol);
			put_str(&e->in, line);
		}
		if (len)
			rand_msg(m, len, 2);
		/* LFs inside become separate data: lines. */
		for (a = 0; a < len; a++)
			if (t_rand_below(50) == 0)
				m[a] = '\n';
		for (a = 0;; a = b + 1) {
			for (b = a; b < len && m[b] != '\n'; b++)
				continue;
			put_str(&e->in, b > a && m[a] == ' ' ? "data: " :
			    t_rand() & 1 ? "data: " : "data:");
			t_buf_write(&e->in, m + a, b - a);
			put_str(&e->in, eol);
			if (b >= len)
				break;
		}
		if (t_rand_below(2) == 0) {
			snprintf(e->lastid, sizeof e->lastid, "%d", k);
			snprintf(line, sizeof line, "id: %d%s", k, eol);
			put_str(&e->in, line);
		}
		if (t_rand_below(5) == 0) {
			snprintf(line, sizeof line, "retry: %d%s", k, eol);
			put_str(&e->in, line);
		}
		put_str(&e->in, eol);
		expect_msg(e, m, len, ev);
	}
}

static int
random_streams(void)
{
	struct expect e = { 0 };
	struct run r = { 0 };
	unsigned char *m = malloc(RMAX + 1);
	const unsigned char *id;
	size_t used, idlen;
	int round, mode, how, st;

	check(m != NULL);
	for (round = 0; round < 60; round++) {
		for (mode = FRAME_LINES; mode <= FRAME_AUTO; mode++) {
			t_buf_reset(&e.out);
			t_buf_reset(&e.in);
			e.msgs = e.ka = e.over = 0;
			e.lastid[0] = '\0';
			switch (mode) {
			case FRAME_LINES:
				gen_lines(&e, m, 1 + (int)t_rand_below(40));
				break;
			case FRAME_LENGTH:
				gen_length(&e, m, 1 + (int)t_rand_below(40));
				break;
			case FRAME_SSE:
				gen_sse(&e, m, 1 + (int)t_rand_below(40));
				break;
			default:
				/* AUTO over a lines or length stream whose
				 * first message starts with a non-blank. */
				if (round & 1)
					gen_length(&e, m, 20);
				else
					gen_lines(&e, m, 20);
				break;
			}
			for (how = 0; how < T_NMODES; how++) {
				if (how == T_BYTES && round % 6)
					continue;
				run_init(&r, mode, RCAP);
				st = feed(how, &r, e.in.p, e.in.len, &used);
				if (st != 0)
					fprintf(stderr, "mode %d how %d: %d at "
					    "%zu: '%.20s'\n", mode, how, st,
					    used, e.in.p + used);
				check(st == 0);
				check(used == e.in.len);
				check(frame_messages(&r.f) == e.msgs);
				check(frame_oversize(&r.f) == e.over);
				check(frame_keepalives(&r.f) == e.ka);
				check(r.out.len == e.out.len);
				check(e.out.len == 0 ||
				    memcmp(r.out.p, e.out.p, e.out.len) == 0);
				check(frame_pending(&r.f) == 0);
				if (mode == FRAME_SSE) {
					id = frame_last_id(&r.f, &idlen);
					check(idlen == strlen(e.lastid));
					check(idlen == 0 || memcmp(id, e.lastid, idlen) == 0);
				}
			}
		}
	}
	free(m);
	t_buf_free(&e.out);
	t_buf_free(&e.in);
	run_free(&r);
	return 0;
}

/* Arbitrary input made of the pieces that drive the state machines: the
 * three feeding modes must agree on everything, errors included. */
static int
random_garbage(void)
{
	static const char *const piece[] = { "\n", "\r", "\r\n", " ", "\t",
	    ":", "data", "data:", "id: ", "event:", "retry:", "12", "0", "7",
	    "{\"a\":1}", "x", "\xef\xbb\xbf", "\xef", "\0", "\n\n", "abcdefg" };
	struct run r = { 0 };
	struct t_buf in = { 0 }, ref = { 0 };
	const unsigned char *id, *ev;
	size_t used, ref_used = 0, idlen, evlen, ref_idlen = 0, k;
	unsigned char ref_id[FRAME_ID_MAX];
	uint64_t ref_cnt[4] = { 0 };
	int round, mode, how, st, ref_st = 0, ref_pend = 0;
	long ref_retry = 0;

	for (round = 0; round < 400; round++) {
		mode = round % 4;
		t_buf_reset(&in);
		for (k = t_rand_below(200); k > 0; k--) {
			const char *pc = piece[t_rand_below(sizeof piece /
			    sizeof piece[0])];

			t_buf_write(&in, (const unsigned char *)pc,
			    *pc ? strlen(pc) : 1);
		}
		for (how = 0; how < T_NMODES; how++) {
			run_init(&r, mode, 1 + round % 16);
			st = feed(how, &r, in.p, in.len, &used);
			id = frame_last_id(&r.f, &idlen);
			ev = frame_event(&r.f, &evlen);
			(void)ev;
			if (how == T_WHOLE) {
				ref_st = st;
				ref_used = used;
				ref_pend = frame_pending(&r.f);
				ref_retry = frame_retry(&r.f);
				ref_cnt[0] = frame_messages(&r.f);
				ref_cnt[1] = frame_keepalives(&r.f);
				ref_cnt[2] = frame_oversize(&r.f);
				ref_cnt[3] = frame_bytes(&r.f);
				ref_idlen = idlen;
				memcpy(ref_id, id, idlen);
				t_buf_reset(&ref);
				t_buf_write(&ref, r.out.p, r.out.len);
				continue;
			}
			if (st != ref_st || used != ref_used) {
				fprintf(stderr, "mode %d how %d cap %d: st "
				    "%d/%d used %zu/%zu of %zu\n", mode, how,
				    1 + round % 16, st, ref_st, used, ref_used,
				    in.len);
				fwrite(in.p, 1, in.len, stderr);
				fputc('\n', stderr);
			}
			check(st == ref_st);
			check(used == ref_used);
			check(frame_pending(&r.f) == ref_pend);
			check(frame_retry(&r.f) == ref_retry);
			check(frame_messages(&r.f) == ref_cnt[0]);
			check(frame_keepalives(&r.f) == ref_cnt[1]);
			check(frame_oversize(&r.f) == ref_cnt[2]);
			check(frame_bytes(&r.f) == ref_cnt[3]);
			check(idlen == ref_idlen);
			check(memcmp(id, ref_id, idlen) == 0);
			check(r.out.len == ref.len);
			check(ref.len == 0 || memcmp(r.out.p, ref.p, ref.len) ==
			    0);
		}
	}
	t_buf_free(&in);
	t_buf_free(&ref);
	run_free(&r);
	return 0;
}

static int
sizeof_documented(void)
{
	/* frame.h documents 568 bytes on LP64 and 552..560 on ILP32 with
	 * the default limits; keep the two in step. */
	if (FRAME_ID_MAX != 128 || FRAME_EVENT_MAX != 64)
		return 0;
	if (sizeof(void *) == 8)
		check(sizeof(struct frame) == 568);
	else
		check(sizeof(struct frame) >= 552 &&
		    sizeof(struct frame) <= 560);
	return 0;
}

int
main(void)
{
	t_init("test_frame");
	make_long_fields();
	t_run("good_vectors", good_vectors);
	t_run("bad_vectors", bad_vectors);
	t_run("id_limits", id_limits);
	t_run("bad_init", bad_init);
	t_run("stops_after_message", stops_after_message);
	t_run("oversize_sync", oversize_sync);
	t_run("finish_and_restart", finish_and_restart);
	t_run("random_streams", random_streams);
	t_run("random_garbage", random_garbage);
	t_run("sizeof_documented", sizeof_documented);
	return t_done();
}
