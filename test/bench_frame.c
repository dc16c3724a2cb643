/* bench_frame -- framing throughput, side by side in one run.
 * MIT licensed, see LICENSE.
 *
 * Input: test/out/tweets.ndjson (test/bench.sh generates it with
 * test/corpus.py), fed in 16 KiB slices as reads from a socket would
 * deliver it, into a FRAME_MAX buffer.  Rows:
 *   memcpy        copying the same slices into a 64 KiB buffer (the floor:
 *                 the framer copies every message byte once too);
 *   byte loop     a naive lines framer that looks at every byte, for scale;
 *   frame lines   frame_push(FRAME_LINES) on the corpus as is;
 *   frame length  frame_push(FRAME_LENGTH) on the corpus re-encoded as
 *                 Twitter's delimited=length;
 *   frame sse     frame_push(FRAME_SSE) on the corpus as "data:" events.
 * Times are process CPU seconds, best of REPEAT runs; "x memcpy" is the
 * time divided by that of memcpy of the same bytes (for length and sse:
 * of their own re-encoded bytes, measured in the same run).
 * Usage: bench_frame [FILE]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "frame.h"

#define SLICE 16384
#define REPEAT 5

static unsigned char msgbuf[FRAME_MAX];
static volatile size_t sink_total;

static double
cpu_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

struct result {
	double secs;
	unsigned long msgs;
};

static struct result
run_memcpy(const unsigned char *p, size_t n)
{
	struct result r = { 0, 0 };
	size_t off, take, pos = 0, total = 0;
	double t0 = cpu_now();

	for (off = 0; off < n; off += take) {
		take = n - off < SLICE ? n - off : SLICE;
		if (pos + take > sizeof msgbuf)
			pos = 0;
		memcpy(msgbuf + pos, p + off, take);
		pos += take;
		total += msgbuf[pos - 1];
	}
	sink_total = total;
	r.secs = cpu_now() - t0;
	return r;
}

/* What the framer would be without memchr/memcpy: every byte looked at and
 * stored one by one. */
static struct result
run_byteloop(const unsigned char *p, size_t n)
{
	struct result r = { 0, 0 };
	size_t off, take, k, len = 0, total = 0;
	double t0 = cpu_now();

	for (off = 0; off < n; off += take) {
		take = n - off < SLICE ? n - off : SLICE;
		for (k = 0; k < take; k++) {
			unsigned char ch = p[off + k];

			if (ch == '\n') {
				if (len && msgbuf[len - 1] == '\r')
					len--;
				if (len) {
					r.msgs++;
					total += len;
				}
				len = 0;
			} else if (len < sizeof msgbuf) {
				msgbuf[len++] = ch;
			}
		}
	}
	sink_total = total;
	r.secs = cpu_now() - t0;
	return r;
}

static struct result
run_frame(int mode, const unsigned char *p, size_t n)
{
	struct result r = { 0, 0 };
	struct frame f;
	size_t off, take, used, len, mlen, total = 0;
	const unsigned char *m;
	double t0 = cpu_now();
	int st;

	frame_init(&f, mode, msgbuf, sizeof msgbuf);
	for (off = 0; off < n; off += take) {
		const unsigned char *s = p + off;

		take = n - off < SLICE ? n - off : SLICE;
		for (len = take; len > 0; len -= used, s += used) {
			st = frame_push(&f, s, len, &used);
			if (st < 0) {
				fprintf(stderr, "bench_frame: error %d\n", st);
				exit(1);
			}
			if (st == FRAME_MSG) {
				m = frame_msg(&f, &mlen);
				total += mlen + m[0];
			}
		}
	}
	sink_total = total;
	r.secs = cpu_now() - t0;
	r.msgs = (unsigned long)frame_messages(&f);
	return r;
}

static struct result
best(int which, const unsigned char *p, size_t n)
{
	struct result r, b = { 1e9, 0 };
	int k;

	for (k = 0; k < REPEAT; k++) {
		switch (which) {
		case 0:
			r = run_memcpy(p, n);
			break;
		case 1:
			r = run_byteloop(p, n);
			break;
		default:
			r = run_frame(which - 2, p, n);
			break;
		}
		if (r.secs < b.secs)
			b = r;
	}
	return b;
}

/* Re-encodes the CRLF lines of in as delimited=length or SSE. */
static unsigned char *
encode(int mode, const unsigned char *in, size_t n, size_t *outn)
{
	unsigned char *out = malloc(n * 2 + 64), *o = out;
	const unsigned char *s = in, *e = in + n, *q;

	if (out == NULL)
		return NULL;
	while (s < e && (q = memchr(s, '\n', (size_t)(e - s))) != NULL) {
		size_t len = (size_t)(q - s) + 1;	/* with its CRLF */

		if (mode == FRAME_LENGTH) {
			o += snprintf((char *)o, 32, "%zu\r\n", len);
			memcpy(o, s, len);
			o += len;
		} else {
			size_t body = len - 1;

			if (body && s[body - 1] == '\r')
				body--;
			memcpy(o, "data: ", 6);
			memcpy(o + 6, s, body);
			memcpy(o + 6 + body, "\n\n", 2);
			o += body + 8;
		}
		s = q + 1;
	}
	*outn = (size_t)(o - out);
	return out;
}

static void
row(const char *name, struct result r, size_t n, double base)
{
	printf("%-14s %10.1f %12.0f %10.2f\n", name,
	    n / 1e6 / r.secs, r.msgs / r.secs, r.secs / base);
}

int
main(int argc, char **argv)
{
	const char *path = argc > 1 ? argv[1] : "test/out/tweets.ndjson";
	FILE *fp = fopen(path, "rb");
	unsigned char *in, *len_in, *sse_in;
	size_t n, len_n, sse_n;
	struct result mc, r;
	unsigned long msgs;
	long sz;

	if (fp == NULL || fseek(fp, 0, SEEK_END) != 0 ||
	    (sz = ftell(fp)) <= 0) {
		fprintf(stderr, "bench_frame: cannot read %s (generate it: "
		    "/usr/bin/python3 test/corpus.py --bytes 67108864 -s 7 "
		    "> %s)\n", path, path);
		return 1;
	}
	n = (size_t)sz;
	rewind(fp);
	in = malloc(n);
	if (in == NULL || fread(in, 1, n, fp) != n) {
		fprintf(stderr, "bench_frame: cannot read %s\n", path);
		return 1;
	}
	fclose(fp);
	len_in = encode(FRAME_LENGTH, in, n, &len_n);
	sse_in = encode(FRAME_SSE, in, n, &sse_n);
	if (len_in == NULL || sse_in == NULL)
		return 1;

	printf("frame: %s, %.1f MB, %d KiB slices, CPU time best of %d; "
	    "sizeof(struct frame) = %zu\n", path, n / 1e6, SLICE / 1024,
	    REPEAT, sizeof(struct frame));
	printf("%-14s %10s %12s %10s\n", "", "MB/s", "msgs/s",
	    "x memcpy");
	mc = best(0, in, n);
	row("memcpy", mc, n, mc.secs);
	r = best(1, in, n);
	row("byte loop", r, n, mc.secs);
	msgs = r.msgs;
	r = best(2 + FRAME_LINES, in, n);
	row("frame lines", r, n, mc.secs);
	if (r.msgs != msgs) {
		fprintf(stderr, "bench_frame: frame found %lu messages, the "
		    "byte loop %lu\n", r.msgs, msgs);
		return 1;
	}
	/* The other encodings against memcpy of their own bytes. */
	r = best(2 + FRAME_LENGTH, len_in, len_n);
	row("frame length", r, len_n, best(0, len_in, len_n).secs);
	r = best(2 + FRAME_SSE, sse_in, sse_n);
	row("frame sse", r, sse_n, best(0, sse_in, sse_n).secs);
	free(in);
	free(len_in);
	free(sse_in);
	return 0;
}
