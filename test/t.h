/* sluice test harness -- MIT licensed, see LICENSE.
 *
 * One header shared by every test/test_<module>.c.  A test is a function
 * `static int name(void)` that returns 0 on success or the __LINE__ of the
 * first failed check().  t_run() prints one line per test:
 *     PASS test_chunk:whole_vectors
 *     FAIL test_chunk:bad_hex at test/test_chunk.c:120: st == CHUNK_E_HEX (seed 42)
 * and t_done() returns the process exit status.  test/run.sh counts those
 * lines across every test program and prints the final "N passed, N failed".
 *
 * Decoder tests feed their input in the three modes every push decoder must
 * agree on (STYLE.md rule 6): whole, one byte at a time, and random splits.
 * The random split seed comes from $T_SEED (default: the time) and is
 * printed with every failure so a run can be reproduced exactly.
 */
#ifndef T_H
#define T_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static const char *t_prog = "test";
static unsigned long t_seed_value;
static int t_passed, t_failed;
static const char *t_fail_expr;
static const char *t_fail_file;

#define check(cond) do { \
		if (!(cond)) { \
			t_fail_expr = #cond; \
			t_fail_file = __FILE__; \
			return __LINE__; \
		} \
	} while (0)

/* xorshift64*: deterministic per seed, good enough to pick split points. */
static uint64_t t_rng_state = 88172645463325252ULL;

static uint64_t
t_rand(void)
{
	t_rng_state ^= t_rng_state >> 12;
	t_rng_state ^= t_rng_state << 25;
	t_rng_state ^= t_rng_state >> 27;
	return t_rng_state * 2685821657736338717ULL;
}

static size_t
t_rand_below(size_t n)
{
	return n ? (size_t)(t_rand() % n) : 0;
}

static void
t_srand(uint64_t seed)
{
	t_rng_state = seed * 2654435761ULL + 0x9E3779B97F4A7C15ULL;
	if (t_rng_state == 0)
		t_rng_state = 1;
}

static void
t_init(const char *prog)
{
	const char *s = getenv("T_SEED");

	t_prog = prog;
	t_seed_value = s ? strtoul(s, NULL, 10) : (unsigned long)time(NULL);
	t_srand(t_seed_value);
}

static void
t_run(const char *name, int (*fn)(void))
{
	int line;

	t_fail_expr = "";
	t_fail_file = "";
	line = fn();
	if (line == 0) {
		t_passed++;
		printf("PASS %s:%s\n", t_prog, name);
	} else {
		t_failed++;
		printf("FAIL %s:%s at %s:%d: %s (T_SEED=%lu)\n", t_prog, name,
		    t_fail_file, line, t_fail_expr, t_seed_value);
	}
	fflush(stdout);
}

static int
t_done(void)
{
	return t_failed ? 1 : 0;
}

/* Feeding modes for push decoders. */
enum { T_WHOLE, T_BYTES, T_SPLIT, T_NMODES };

static const char *const t_mode_name[T_NMODES] = { "whole", "bytes", "split" };

/* The shape of every push decoder: int xx_push(ctx, p, n, &used). */
typedef int (*t_push_fn)(void *ctx, const unsigned char *p, size_t n,
    size_t *used);

#define T_E_STUCK (-99999)	/* decoder returned 0 without consuming all */

/*
 * Feeds p[0..n) to push() in slices chosen by mode.  Continues while push
 * returns 0 (need more).  A positive status (event) is passed to on_event,
 * if given, which returns nonzero to stop; without on_event the first event
 * stops the feed.  A negative status stops it.  Returns the last nonzero
 * status (0 if all input was consumed without one) and stores the number of
 * bytes consumed in *consumed.  A decoder that returns 0 without consuming
 * its whole slice breaks the push contract: T_E_STUCK.
 */
static int
t_feed(int mode, t_push_fn push, void *ctx, const unsigned char *p, size_t n,
    size_t *consumed, int (*on_event)(void *ctx, int status))
{
	size_t off = 0;
	int st = 0;

	while (off < n) {
		size_t take = n - off, used = 0;

		if (mode == T_BYTES)
			take = 1;
		else if (mode == T_SPLIT)
			take = 1 + t_rand_below(take < 64 ? take : (t_rand() & 1) ?
			    64 : take);
		if (take > n - off)
			take = n - off;
		st = push(ctx, p + off, take, &used);
		off += used;
		if (st < 0)
			break;
		if (st > 0) {
			if (on_event == NULL || on_event(ctx, st))
				break;
			st = 0;
			continue;
		}
		if (used != take) {
			st = T_E_STUCK;
			break;
		}
	}
	if (consumed)
		*consumed = off;
	return st;
}

/* Reads a whole file into a malloc'd buffer (tests only); NULL on error. */
static unsigned char *
t_slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	unsigned char *buf = NULL;
	size_t cap = 0, n = 0, r;

	if (f == NULL)
		return NULL;
	for (;;) {
		if (n == cap) {
			unsigned char *nb;

			cap = cap ? cap * 2 : 65536;
			nb = realloc(buf, cap);
			if (nb == NULL) {
				free(buf);
				fclose(f);
				return NULL;
			}
			buf = nb;
		}
		r = fread(buf + n, 1, cap - n, f);
		if (r == 0)
			break;
		n += r;
	}
	fclose(f);
	*len = n;
	return buf;
}

/* A growable byte sink for collecting decoder output in tests. */
struct t_buf {
	unsigned char *p;
	size_t len, cap;
	size_t calls;
};

static int
t_buf_write(void *arg, const unsigned char *p, size_t n)
{
	struct t_buf *b = arg;

	b->calls++;
	if (b->len + n > b->cap) {
		size_t cap = b->cap ? b->cap : 4096;
		unsigned char *np;

		while (cap < b->len + n)
			cap *= 2;
		np = realloc(b->p, cap);
		if (np == NULL)
			return -1;
		b->p = np;
		b->cap = cap;
	}
	if (n)
		memcpy(b->p + b->len, p, n);
	b->len += n;
	return 0;
}

static void
t_buf_reset(struct t_buf *b)
{
	b->len = 0;
	b->calls = 0;
}

static void
t_buf_free(struct t_buf *b)
{
	free(b->p);
	b->p = NULL;
	b->len = b->cap = b->calls = 0;
}

#endif
