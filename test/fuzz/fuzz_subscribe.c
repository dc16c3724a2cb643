/* libFuzzer target: subscribe.c's push-frame parser, the whole input at
 * once against the bytes arriving in random slices.  MIT licensed.
 *
 * subscribe_read() appends what arrives to its buffer and takes complete
 * frames from the front; this does the same with subscribe_frame() over
 * a growing prefix.  Both runs must log the same messages (payload bytes,
 * read through the returned pointer, so ASan sees any read past the
 * frame), the same final code and the same bytes left over.
 */
#include "fuzz.h"
#include "subscribe.h"

/* Takes the complete frames at buf[*off..n); returns the last code. */
static int
take(const uint8_t *buf, size_t n, size_t *off, struct fz_log *log)
{
	const unsigned char *m;
	size_t used, mlen;
	int rc;

	for (;;) {
		rc = subscribe_frame(buf + *off, n - *off, &used, &m, &mlen);
		if (rc <= 0)
			return rc;
		if (used == 0 || used > n - *off)
			abort();
		if (m != NULL) {
			if (m < buf + *off || m + mlen > buf + *off + used)
				abort();
			fz_num(log, (int64_t)mlen);
			fz_str(log, m, mlen);
		}
		*off += used;
	}
}

static void
run(const uint8_t *data, size_t size, int whole, struct fz_log *log)
{
	struct fz_split sp;
	size_t have = 0, off = 0;
	int rc = 0;

	fz_split_init(&sp, data, size, whole);
	while (have < size) {
		have += fz_take(&sp, size - have);
		rc = take(data, have, &off, log);
		if (rc < 0)
			break;
	}
	fz_num(log, rc);
	fz_num(log, (int64_t)off);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fz_whole_vs_split(run, data, size);
	return 0;
}
