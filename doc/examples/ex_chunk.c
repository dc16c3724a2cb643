/* Vendoring chunk.c: decode a chunked body into a sink.  MIT licensed.
 * cc -std=c99 -pedantic -Werror ex_chunk.c chunk.c */
#include <stdio.h>
#include <string.h>
#include "chunk.h"

static int
out(void *arg, const unsigned char *p, size_t n)
{
	(void)arg;
	return fwrite(p, 1, n, stdout) == n ? 0 : -1;	/* non-zero aborts */
}

int
main(void)
{
	static const char body[] = "6\r\nhello,\r\na\r\n firmware\n\r\n0\r\n\r\n";
	struct sink s = { out, NULL };
	struct chunk c;		/* 64 bytes; no malloc anywhere */
	size_t used, off = 0;
	int rc;

	chunk_init(&c, s);
	/* Feed in any slices; here 5 bytes at a time, like a slow socket. */
	while (off < sizeof body - 1) {
		size_t n = sizeof body - 1 - off < 5 ? sizeof body - 1 - off : 5;

		rc = chunk_push(&c, (const unsigned char *)body + off, n, &used);
		off += used;
		if (rc < 0)
			return 1;	/* chunk_error(&c), see CHUNK_ERRORS */
		if (rc == CHUNK_DONE)
			return 0;
	}
	return 1;
}
