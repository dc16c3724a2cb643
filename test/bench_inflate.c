/* Benchmark for inflate.c.  MIT licensed, see LICENSE.
 *
 * Decompression throughput (MB/s of output) on two corpora compressed with
 * zlib at level 6 into gzip: the tweet corpus test/out/tweets.ndjson (or
 * the file given as the first argument) and a generated binary-ish corpus
 * of packed records.  Input is fed in 16 KiB slices to our decoder and to
 * zlib's streaming inflate(); libdeflate decompresses the whole buffer at
 * once.  Each figure is the best of several runs, all measured in this one
 * run; the ratios are ours divided by theirs.  Ours runs with the
 * INFLATE_WINDOW_FAST window that sluice itself uses; "32k" is the same
 * with the minimal INFLATE_WINDOW ring.  Never asserts a time.
 */
#include <libdeflate.h>
#include <zlib.h>

#include "t.h"
#include "inflate.h"

#define SLICE 16384
#define RUNS 5

static unsigned char window[INFLATE_WINDOW_FAST];
static unsigned char zbuf[65536];

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int
count_write(void *arg, const unsigned char *p, size_t n)
{
	uint64_t *c = arg;

	(void)p;
	*c += n;
	return 0;
}

static uint64_t
run_mine(const unsigned char *in, size_t n, size_t wsize)
{
	struct inflate z;
	uint64_t out = 0;
	struct sink s = { count_write, &out };
	size_t off = 0, used, take;

	inflate_init_size(&z, INFLATE_GZIP, window, wsize, s);
	while (off < n) {
		take = n - off < SLICE ? n - off : SLICE;
		if (inflate_push(&z, in + off, take, &used) != 0)
			return 0;
		off += used;
	}
	return inflate_finish(&z) == 0 ? out : 0;
}

static uint64_t
run_zlib(const unsigned char *in, size_t n)
{
	z_stream s;
	size_t off = 0, take;
	uint64_t out = 0;
	int rc = Z_OK;

	memset(&s, 0, sizeof s);
	inflateInit2(&s, 31);
	while (off < n && rc != Z_STREAM_END) {
		take = n - off < SLICE ? n - off : SLICE;
		s.next_in = (unsigned char *)in + off;
		s.avail_in = (uInt)take;
		do {
			s.next_out = zbuf;
			s.avail_out = sizeof zbuf;
			rc = inflate(&s, Z_NO_FLUSH);
			if (rc != Z_OK && rc != Z_STREAM_END)
				return 0;
			out += sizeof zbuf - s.avail_out;
		} while (s.avail_out == 0 && rc != Z_STREAM_END);
		off += take - s.avail_in;
	}
	inflateEnd(&s);
	return out;
}

static uint64_t
run_libdeflate(const unsigned char *in, size_t n, unsigned char *out,
    size_t cap)
{
	struct libdeflate_decompressor *d = libdeflate_alloc_decompressor();
	size_t got = 0;

	if (libdeflate_gzip_decompress(d, in, n, out, cap, &got) !=
	    LIBDEFLATE_SUCCESS)
		got = 0;
	libdeflate_free_decompressor(d);
	return got;
}

static void
bench(const char *name, const unsigned char *data, size_t n)
{
	z_stream s;
	unsigned char *comp, *out = malloc(n + 1);
	size_t cap = compressBound(n) + 64;
	double t, best[4] = { 1e9, 1e9, 1e9, 1e9 }, mb;
	int r, k;
	uint64_t got[4];

	comp = malloc(cap);
	memset(&s, 0, sizeof s);
	deflateInit2(&s, 6, Z_DEFLATED, 31, 8, Z_DEFAULT_STRATEGY);
	s.next_in = (unsigned char *)data;
	s.avail_in = (uInt)n;
	s.next_out = comp;
	s.avail_out = (uInt)cap;
	deflate(&s, Z_FINISH);
	cap = s.total_out;
	deflateEnd(&s);
	for (r = 0; r < RUNS; r++) {
		for (k = 0; k < 4; k++) {
			t = now();
			got[k] = k == 0 ? run_mine(comp, cap, sizeof window) :
			    k == 1 ? run_zlib(comp, cap) : k == 2 ?
			    run_libdeflate(comp, cap, out, n + 1) :
			    run_mine(comp, cap, INFLATE_WINDOW);
			t = now() - t;
			if (got[k] != n) {
				printf("%s: decoder %d produced %llu of %zu "
				    "bytes\n", name, k,
				    (unsigned long long)got[k], n);
				exit(1);
			}
			if (t < best[k])
				best[k] = t;
		}
	}
	mb = n / 1e6;
	printf("%-8s %7.1f MB -> %6.1f MB gz-6  sluice %7.1f (32k %7.1f)  "
	    "zlib %7.1f  libdeflate %7.1f MB/s  x%.2f zlib  x%.2f libdeflate\n",
	    name, mb, cap / 1e6, mb / best[0], mb / best[3], mb / best[1],
	    mb / best[2], best[1] / best[0], best[2] / best[0]);
	free(comp);
	free(out);
}

/* Packed little-endian records: ids, counters, timestamps, floats. */
static unsigned char *
binaryish(size_t n)
{
	unsigned char *p = malloc(n);
	size_t i = 0, k;
	uint64_t id = 1500000000000000000ULL, ts = 1700000000;

	while (i + 32 <= n) {
		uint64_t r = t_rand();

		id += 1 + (r & 0xffff);
		ts += (r >> 16) & 7;
		for (k = 0; k < 8; k++)
			p[i++] = (unsigned char)(id >> (8 * k));
		for (k = 0; k < 4; k++)
			p[i++] = (unsigned char)(ts >> (8 * k));
		for (k = 0; k < 4; k++)	/* small counter */
			p[i++] = (unsigned char)(k ? 0 : (r >> 24) & 31);
		for (k = 0; k < 8; k++)	/* float-ish noise */
			p[i++] = (unsigned char)(k < 5 ? t_rand() :
			    0x40 + (k & 1));
		for (k = 0; k < 8; k++)
			p[i++] = (unsigned char)("rec\0\0ok\n"[k]);
	}
	while (i < n)
		p[i++] = 0;
	return p;
}

int
main(int argc, char **argv)
{
	const char *path = argc > 1 ? argv[1] : "test/out/tweets.ndjson";
	unsigned char *tweets, *bin;
	size_t n;

	printf("sizeof(struct inflate) = %zu, window %zu (32k: %d), slices of "
	    "%d bytes, best of %d\n", sizeof(struct inflate), sizeof window,
	    INFLATE_WINDOW, SLICE, RUNS);
	tweets = t_slurp(path, &n);
	if (tweets == NULL) {
		printf("no corpus %s (run test/bench.sh)\n", path);
		return 1;
	}
	bench("tweets", tweets, n);
	free(tweets);
	t_srand(1);
	bin = binaryish(32u << 20);
	bench("binary", bin, 32u << 20);
	free(bin);
	return 0;
}
