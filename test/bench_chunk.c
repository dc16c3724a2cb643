/* bench_chunk: chunked-decoder throughput against memcpy of the same
 * bytes (the physical limit), for 4 KiB chunks and for 1-byte... 64-byte
 * chunks.  Prints MB/s of decoded output and the ratio.  Best of 5. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "chunk.h"

#define BODY (64u << 20)

struct dst {
	unsigned char *p;
	size_t len;
};

static int
copy_write(void *arg, const unsigned char *p, size_t n)
{
	struct dst *d = arg;

	memcpy(d->p + d->len, p, n);
	d->len += n;
	return 0;
}

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static size_t
encode(unsigned char *enc, const unsigned char *data, size_t len,
    size_t csize)
{
	size_t off = 0, n = 0;

	while (off < len) {
		size_t take = len - off < csize ? len - off : csize;

		n += (size_t)snprintf((char *)enc + n, 32, "%zx\r\n", take);
		memcpy(enc + n, data + off, take);
		n += take;
		memcpy(enc + n, "\r\n", 2);
		n += 2;
		off += take;
	}
	memcpy(enc + n, "0\r\n\r\n", 5);
	return n + 5;
}

static void
run(const char *label, size_t csize, unsigned char *data, unsigned char *enc,
    unsigned char *out)
{
	size_t n = encode(enc, data, BODY, csize), used, off, slice = 16384;
	double best_dec = 1e9, best_cpy = 1e9, t;
	int i;

	for (i = 0; i < 5; i++) {
		struct dst d = { out, 0 };
		struct sink s = { copy_write, &d };
		struct chunk c;
		int rc = 0;

		t = now();
		memcpy(out, enc, n);
		t = now() - t;
		if (t < best_cpy)
			best_cpy = t;

		chunk_init(&c, s);
		t = now();
		/* 16 KiB slices, as a TLS record hands them over. */
		for (off = 0; off < n; off += used) {
			size_t take = n - off < slice ? n - off : slice;

			rc = chunk_push(&c, enc + off, take, &used);
			if (rc != 0)
				break;
		}
		t = now() - t;
		if (rc != CHUNK_DONE || d.len != BODY ||
		    memcmp(out, data, BODY) != 0) {
			fprintf(stderr, "bench_chunk: decode failed (%d)\n", rc);
			exit(1);
		}
		if (t < best_dec)
			best_dec = t;
	}
	printf("%-22s %9.0f %9.0f %7.2fx\n", label, BODY / best_dec / 1e6,
	    n / best_cpy / 1e6, best_cpy / best_dec * BODY / n);
}

int
main(void)
{
	unsigned char *data = malloc(BODY), *enc = malloc(BODY * 6u),
	    *out = malloc(BODY * 6u);
	size_t i;

	if (!data || !enc || !out)
		return 1;
	for (i = 0; i < BODY; i++)
		data[i] = (unsigned char)(i * 2654435761u >> 13);
	printf("chunk decoder vs memcpy, 64 MiB body, 16 KiB input slices\n");
	printf("%-22s %9s %9s %8s\n", "chunk size", "MB/s", "memcpy",
	    "ratio");
	run("4 KiB chunks", 4096, data, enc, out);
	run("64 KiB chunks", 65536, data, enc, out);
	run("64 B chunks", 64, data, enc, out);
	free(data);
	free(enc);
	free(out);
	return 0;
}
