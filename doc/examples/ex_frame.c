/* Vendoring frame.c: split a byte stream into messages.  MIT licensed.
 * cc -std=c99 -pedantic -Werror ex_frame.c frame.c */
#include <stdio.h>
#include "frame.h"

int
main(void)
{
	static const char in[] = "{\"a\":1}\r\n\r\n{\"b\":2}\r\n";
	static unsigned char buf[1024];		/* largest message you accept */
	struct frame f;
	const unsigned char *p = (const unsigned char *)in, *msg;
	size_t n = sizeof in - 1, used, len;
	int rc;

	frame_init(&f, FRAME_LINES, buf, sizeof buf);
	while (n > 0) {
		rc = frame_push(&f, p, n, &used);
		p += used;
		n -= used;
		if (rc < 0)
			return 1;
		if (rc == FRAME_MSG) {	/* blank keep-alive lines are skipped */
			msg = frame_msg(&f, &len);
			printf("message: %.*s\n", (int)len, (const char *)msg);
		}
	}
	return 0;
}
