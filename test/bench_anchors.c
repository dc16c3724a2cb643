/* bench_anchors: trust anchors for one full handshake, three ways, on the
 * system bundle (or the file given): loading all of it into memory
 * (ca_store_load, what start-up did), the on-demand source's start-up
 * check (ca_scan_init: decodes every certificate once) and its
 * per-handshake lookup (ca_scan_find for the DNs of a typical chain:
 * three names, one anchor found).  Best of 5; ratios to the lookup.
 * MIT licensed, see LICENSE. */
#include <stdio.h>
#include <time.h>

#include "tls.h"

static struct ca_store all;
static struct ca_scan scan;
static struct ca_set set;

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

int
main(int argc, char **argv)
{
	const char *path = argc > 1 ? argv[1] : NULL;
	double best[3] = { 1e9, 1e9, 1e9 }, t0, t;
	br_x500_name dn[3];
	int k, rc = 0, found = 0;

	for (k = 0; k < 5; k++) {
		t0 = now();
		ca_store_init(&all);
		rc = ca_store_load(&all, path);
		if ((t = now() - t0) < best[0])
			best[0] = t;
		if (rc < 3) {
			fprintf(stderr, "bench_anchors: need a bundle of 3+ "
			    "certificates (%d)\n", rc);
			return 1;
		}
		t0 = now();
		rc = ca_scan_init(&scan, path);
		if ((t = now() - t0) < best[1])
			best[1] = t;
		/* a leaf's own DN and a made-up intermediate match nothing,
		 * the root's does (the middle one of the bundle) */
		dn[0] = all.ta[0].dn;
		dn[0].len--;
		dn[1] = all.ta[1].dn;
		dn[1].len--;
		dn[2] = all.ta[all.n / 2].dn;
		t0 = now();
		ca_set_init(&set);
		found = ca_scan_find(&scan, dn, 3, &set);
		if ((t = now() - t0) < best[2])
			best[2] = t;
	}
	printf("trust anchors for one handshake, %d certificates in %s\n",
	    rc, scan.path);
	printf("%-44s %9s %7s\n", "", "ms", "ratio");
	printf("%-44s %9.2f %7.1f\n", "load all into memory (92 KiB)",
	    best[0], best[0] / best[2]);
	printf("%-44s %9.2f %7.1f\n", "on demand: start-up check (full decode)",
	    best[1], best[1] / best[2]);
	printf("%-44s %9.2f %7.1f   (%d found)\n",
	    "on demand: per full handshake (3 DNs)", best[2], 1.0, found);
	printf("memory: struct ca_store %zu; on demand: tls_lazy %zu + "
	    "ca_scan %zu\n", sizeof all, sizeof(struct tls_lazy),
	    sizeof scan);
	return 0;
}
