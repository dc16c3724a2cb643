/* Vendoring resp.c: write a Redis command, read a reply.  MIT licensed.
 * cc -std=c99 -pedantic -Werror ex_resp.c resp.c */
#include <stdio.h>
#include <string.h>
#include "resp.h"

int
main(void)
{
	const char *argv[] = { "RPUSH", "tweets", "{\"id\":1}" };
	size_t argvlen[3], len, used;
	unsigned char cmd[128];
	static const unsigned char reply[] = ":7\r\n";
	struct resp r;
	int i;

	for (i = 0; i < 3; i++)
		argvlen[i] = strlen(argv[i]);
	/* Measure, then write: RESP_E_TRUNC if it does not fit. */
	if (resp_command(cmd, sizeof cmd, &len, 3, argv, argvlen) < 0)
		return 1;
	printf("%lu bytes: %.*s", (unsigned long)len, (int)len,
	    (const char *)cmd);
	resp_init(&r);
	if (resp_push(&r, reply, sizeof reply - 1, &used) != RESP_REPLY)
		return 1;
	printf("\nreply: integer %ld\n", (long)r.integer);
	return 0;
}
