/* Shared helpers for the sluice fuzz targets.  MIT licensed, see LICENSE.
 *
 * Every target feeds its input to a push decoder twice -- whole, then cut
 * at split points drawn from a generator seeded by the input itself (so a
 * crash reproduces from the file alone) -- and aborts when the two runs
 * disagree in any observable result.  Results are recorded into a `struct
 * fz_log` (a growable byte log) and compared with memcmp.
 *
 * Linked with test/fuzz/replay.c instead of libFuzzer, any target is a
 * plain corpus replayer (`replay_x FILE|DIR...`), which `make check` uses
 * to replay the seed corpora under ASan+UBSan without libFuzzer.
 */
#ifndef FUZZ_H
#define FUZZ_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* ---- a byte log ------------------------------------------------------- */
struct fz_log {
	unsigned char *p;
	size_t len, cap;
};

static void
fz_put(struct fz_log *l, const void *p, size_t n)
{
	if (n == 0)
		return;
	if (l->len + n > l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 4096;

		while (cap < l->len + n)
			cap *= 2;
		l->p = realloc(l->p, cap);
		if (l->p == NULL)
			abort();
		l->cap = cap;
	}
	memcpy(l->p + l->len, p, n);
	l->len += n;
}

static void
fz_num(struct fz_log *l, int64_t v)
{
	unsigned char b[8];
	int i;

	for (i = 0; i < 8; i++)
		b[i] = (unsigned char)((uint64_t)v >> (8 * i));
	fz_put(l, b, 8);
}

/* A length-prefixed string. */
static void
fz_str(struct fz_log *l, const void *p, size_t n)
{
	fz_num(l, (int64_t)n);
	fz_put(l, p, n);
}

static int
fz_sink(void *arg, const unsigned char *p, size_t n)
{
	fz_put(arg, p, n);
	return 0;
}

static void
fz_same(const struct fz_log *a, const struct fz_log *b)
{
	if (a->len != b->len || (a->len && memcmp(a->p, b->p, a->len) != 0))
		abort();
}

static void
fz_free(struct fz_log *l)
{
	free(l->p);
	l->p = NULL;
	l->len = l->cap = 0;
}

/* ---- split points ----------------------------------------------------- */
/* whole: every take is the rest; otherwise 1 .. max bytes at random. */
struct fz_split {
	uint32_t rng;
	size_t max;
	int whole;
};

static void
fz_split_init(struct fz_split *s, const uint8_t *data, size_t size,
    int whole)
{
	uint32_t h = 2166136261u;
	size_t i;

	for (i = 0; i < size && i < 64; i++)
		h = (h ^ data[i]) * 16777619u;
	s->rng = h | 1u;
	s->whole = whole;
	/* Mostly tiny slices (every state boundary), sometimes bigger. */
	s->max = (h >> 8) % 4 == 0 ? 4096 : (h >> 8) % 4 == 1 ? 64 : 5;
}

static size_t
fz_take(struct fz_split *s, size_t left)
{
	size_t t;

	if (s->whole)
		return left;
	s->rng = s->rng * 1103515245u + 12345u;
	t = 1 + (s->rng >> 16) % s->max;
	return t < left ? t : left;
}

/* The usual target body: run(data, size, whole, log) fed whole, then in
 * slices; abort unless both logs are the same. */
static void
fz_whole_vs_split(void (*run)(const uint8_t *, size_t, int, struct fz_log *),
    const uint8_t *data, size_t size)
{
	struct fz_log a = { 0 }, b = { 0 };

	run(data, size, 1, &a);
	run(data, size, 0, &b);
	fz_same(&a, &b);
	fz_free(&a);
	fz_free(&b);
}

#endif
