/* sluice bench: JSON scan+validate throughput, one parse per message, over
 * the generated tweet corpus, side by side with jsmn, yajl and simdjson.
 * jsmn is strict (JSMN_STRICT) and validates less than we do: it accepts
 * invalid UTF-8, bad \u escapes, control characters and some malformed
 * numbers.  It runs twice: its default build (the reference for the
 * "x jsmn" column) and with JSMN_PARENT_LINKS (test/bench_json_jsmn.c).
 * yajl 2 allocates a handle per message (it cannot be reset).
 * MIT licensed.  Prints MB/s (best of several passes) and ratios; never
 * asserts a time.  Usage: test/bench_json [corpus.ndjson] */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define JSMN_STATIC
#define JSMN_STRICT
#include <jsmn.h>
#include <yajl/yajl_parse.h>

#include "json.h"
#include "msg.h"

size_t bench_simd_padding(void);
int bench_simd_dom(const char *p, size_t n);
int bench_jsmn_parent(const char *p, size_t n);
int bench_simd_ondemand(const char *p, size_t n, size_t cap);

#define NTOK 16384
#define PASSES 7

static char *buf;
static size_t buflen;
static size_t *off, *len, nmsg;
static struct json_tok toks[NTOK];
static jsmntok_t jtoks[NTOK];

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int
run_sluice(const char *p, size_t n)
{
	struct json j;

	return json_parse(&j, p, n, toks, NTOK) > 0;
}

static int
run_msg(const char *p, size_t n)
{
	struct json j;
	struct msg m;
	int r = json_parse(&j, p, n, toks, NTOK);

	return r > 0 && msg_classify(&m, p, n, toks, r) > 0;
}

static int
run_validate(const char *p, size_t n)
{
	struct json j;

	return json_parse(&j, p, n, NULL, 0) > 0;
}

static int
run_jsmn(const char *p, size_t n)
{
	jsmn_parser jp;

	jsmn_init(&jp);
	return jsmn_parse(&jp, p, n, jtoks, NTOK) > 0;
}

static int
run_yajl(const char *p, size_t n)
{
	yajl_handle h = yajl_alloc(NULL, NULL, NULL);
	int ok;

	ok = yajl_parse(h, (const unsigned char *)p, n) == yajl_status_ok &&
	    yajl_complete_parse(h) == yajl_status_ok;
	yajl_free(h);
	return ok;
}

static int
run_simd(const char *p, size_t n)
{
	return bench_simd_dom(p, n);
}

static int
run_ondemand(const char *p, size_t n)
{
	return bench_simd_ondemand(p, n, n + bench_simd_padding());
}

struct row {
	const char *name;
	int (*fn)(const char *, size_t);
	const char *note;
	double mbs;
};

static struct row rows[] = {
	{ "sluice json", run_sluice, "full RFC 8259 + UTF-8, tokens", 0 },
	{ "sluice validate", run_validate, "same checks, no tokens", 0 },
	{ "sluice json+msg", run_msg, "json + msg_classify", 0 },
	{ "jsmn strict", run_jsmn, "less: no UTF-8, \\u, number checks", 0 },
	{ "jsmn strict+parent", bench_jsmn_parent, "as jsmn, parent links", 0 },
	{ "yajl 2", run_yajl, "no overlong/surrogate checks", 0 },
#define SIMD_ROW 6
	{ "simdjson DOM", run_simd, "full validation, builds a DOM", 0 },
	{ "simdjson On-Demand", run_ondemand, "visits every value", 0 },
};

int
main(int argc, char **argv)
{
	const char *path = argc > 1 ? argv[1] : "test/out/tweets.ndjson";
	FILE *f = fopen(path, "rb");
	size_t cap = 0, i, r, pad;
	int pass;

	if (f == NULL) {
		perror(path);
		return 1;
	}
	pad = bench_simd_padding();
	for (;;) {
		if (buflen + 65536 + pad > cap) {
			cap = cap ? cap * 2 : 1 << 24;
			buf = realloc(buf, cap);
			if (buf == NULL)
				return 1;
		}
		r = fread(buf + buflen, 1, cap - buflen - pad - 1, f);
		if (r == 0)
			break;
		buflen += r;
	}
	fclose(f);
	memset(buf + buflen, 0, pad);
	/* Messages: lines without their CRLF. */
	for (i = 0; i < buflen; i++)
		if (buf[i] == '\n')
			nmsg++;
	off = malloc((nmsg + 1) * sizeof *off);
	len = malloc((nmsg + 1) * sizeof *len);
	nmsg = 0;
	{
		size_t start = 0;

		for (i = 0; i < buflen; i++) {
			if (buf[i] != '\n')
				continue;
			off[nmsg] = start;
			len[nmsg] = i - start;
			if (len[nmsg] && buf[i - 1] == '\r')
				len[nmsg]--;
			if (len[nmsg])
				nmsg++;
			start = i + 1;
		}
	}
	{
		size_t total = 0;

		for (i = 0; i < nmsg; i++)
			total += len[i];
		printf("corpus %s: %zu messages, %.1f MB of JSON\n", path, nmsg,
		    total / 1e6);
		/* Passes interleave the parsers, so a burst of load from
		 * elsewhere on the machine does not single one out; each
		 * keeps its best pass. */
		for (pass = 0; pass < PASSES; pass++) {
			for (r = 0; r < sizeof rows / sizeof rows[0]; r++) {
				double t0 = now(), t;
				size_t ok = 0;

				for (i = 0; i < nmsg; i++)
					ok += rows[r].fn(buf + off[i], len[i]);
				t = now() - t0;
				if (ok != nmsg && pass == 0)
					printf("%s: %zu of %zu accepted!\n",
					    rows[r].name, ok, nmsg);
				if (pass == 0 || total / 1e6 / t > rows[r].mbs)
					rows[r].mbs = total / 1e6 / t;
			}
		}
	}
	printf("%-20s %9s %8s %9s  %s\n", "parser", "MB/s", "x jsmn",
	    "x simdDOM", "validates");
	for (r = 0; r < sizeof rows / sizeof rows[0]; r++)
		printf("%-20s %9.0f %8.2f %9.2f  %s\n", rows[r].name,
		    rows[r].mbs, rows[r].mbs / rows[3].mbs,
		    rows[r].mbs / rows[SIMD_ROW].mbs, rows[r].note);
	printf("goal: sluice json >= 2.00 x jsmn and >= 0.60 x simdjson DOM\n"
	    "(x jsmn: against jsmn's default build, strict mode, no parent "
	    "links)\n");
	return 0;
}
