/* httpcat: test tool.  Reads a raw HTTP/1.1 response from stdin, parses
 * the head with http.c, decodes the body framing (chunked with chunk.c,
 * Content-Length, or until EOF) and writes the body to stdout.  Exit 0 on
 * a complete body, 1 with the error in words otherwise.  Reads in
 * slices of random size when T_SPLIT is set, to exercise resumption. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chunk.h"
#include "errstr.h"
#include "http.h"

static int
out_write(void *arg, const unsigned char *p, size_t n)
{
	(void)arg;
	return fwrite(p, 1, n, stdout) == n ? 0 : -1;
}

int
main(void)
{
	static char head[HTTP_HEAD_MAX];
	static struct http_header hdrs[HTTP_HEADERS_MAX];
	static unsigned char buf[65536];
	struct http_resp r;
	struct chunk c;
	struct sink s = { out_write, NULL };
	int in_body = 0, done = 0, rc, split = getenv("T_SPLIT") != NULL;
	unsigned long long left = 0;
	unsigned seed = 12345;
	size_t n, off, used;

	http_resp_init(&r, head, sizeof head, hdrs, HTTP_HEADERS_MAX, 0);
	chunk_init(&c, s);
	while (!done) {
		size_t want = sizeof buf;

		if (split) {
			seed = seed * 1103515245u + 12345u;
			want = 1 + (seed >> 8) % 3000;
		}
		n = fread(buf, 1, want, stdin);
		if (n == 0)
			break;
		for (off = 0; off < n && !done; off += used) {
			if (!in_body) {
				rc = http_push(&r, buf + off, n - off, &used);
				if (rc < 0)
					goto fail;
				if (rc == HTTP_DONE) {
					in_body = 1;
					left = (unsigned long long)
					    r.content_length;
					if (r.framing == HTTP_BODY_NONE)
						done = 1;
				}
				continue;
			}
			if (r.framing == HTTP_BODY_CHUNKED) {
				rc = chunk_push(&c, buf + off, n - off, &used);
				if (rc < 0)
					goto fail;
				done = rc == CHUNK_DONE;
			} else {
				used = n - off;
				if (r.framing == HTTP_BODY_LENGTH &&
				    used > left)
					used = (size_t)left;
				if (out_write(NULL, buf + off, used))
					return 1;
				left -= used;
				done = r.framing == HTTP_BODY_LENGTH &&
				    left == 0;
			}
		}
	}
	fflush(stdout);
	if (!in_body) {
		fprintf(stderr, "httpcat: truncated response head\n");
		return 1;
	}
	if (!done && r.framing != HTTP_BODY_CLOSE) {
		fprintf(stderr, "httpcat: truncated body\n");
		return 1;
	}
	return 0;
fail:
	fprintf(stderr, "httpcat: %s\n", errstr(rc));
	return 1;
}
