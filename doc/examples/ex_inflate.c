/* Vendoring inflate.c: gunzip from memory, emitting from the window.
 * MIT licensed.  cc -std=c99 -pedantic -Werror ex_inflate.c inflate.c */
#include <stdio.h>
#include "inflate.h"

static int
out(void *arg, const unsigned char *p, size_t n)
{
	(void)arg;
	return fwrite(p, 1, n, stdout) == n ? 0 : -1;
}

int
main(void)
{
	/* gzip of "hello, firmware\n" */
	static const unsigned char gz[] = {
		0x1f, 0x8b, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02, 0x03,
		0xcb, 0x48, 0xcd, 0xc9, 0xc9, 0xd7, 0x51, 0x48, 0xcb, 0x2c,
		0xca, 0x2d, 0x4f, 0x2c, 0x4a, 0xe5, 0x02, 0x00, 0xae, 0xca,
		0x2e, 0x34, 0x10, 0x00, 0x00, 0x00
	};
	static unsigned char window[INFLATE_WINDOW];	/* 32 KiB, yours */
	static struct inflate z;			/* ~7.7 KiB */
	struct sink s = { out, NULL };
	size_t used;

	inflate_init(&z, INFLATE_GZIP, window, s);
	if (inflate_push(&z, gz, sizeof gz, &used) < 0)
		return 1;
	return inflate_finish(&z) == 0 ? 0 : 1;	/* CRC and length checked */
}
