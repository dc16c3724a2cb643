/* libFuzzer target: chunk.c, whole against random splits.  MIT licensed.
 *
 * The input is a chunked body.  It is decoded in one push and again in
 * slices; the return code, bytes consumed, decoded data and data counter
 * must be identical, and the decoder must stop at exactly the same byte.
 * Invariants: *used never exceeds the slice, an error is sticky, the data
 * counter equals the bytes the sink received.
 */
#include "fuzz.h"
#include "chunk.h"

static void
run(const uint8_t *data, size_t size, int whole, struct fz_log *log)
{
	struct chunk c;
	struct fz_log out = { 0 };
	struct sink s = { fz_sink, &out };
	struct fz_split sp;
	size_t off = 0, used;
	int rc = 0;

	fz_split_init(&sp, data, size, whole);
	chunk_init(&c, s);
	while (off < size) {
		size_t t = fz_take(&sp, size - off);

		rc = chunk_push(&c, data + off, t, &used);
		if (used > t)
			abort();
		off += used;
		if (rc != 0)
			break;
		if (used != t)
			abort();
	}
	if (rc < 0) {
		/* sticky, consumes nothing */
		if (chunk_push(&c, data, size, &used) != rc || used != 0 ||
		    chunk_error(&c) != rc)
			abort();
	} else if (rc == CHUNK_DONE) {
		if (chunk_push(&c, data, size, &used) != CHUNK_DONE ||
		    used != 0)
			abort();
	}
	if (chunk_data_bytes(&c) != out.len)
		abort();
	fz_num(log, rc);
	fz_num(log, (int64_t)off);
	fz_str(log, out.p, out.len);
	fz_free(&out);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fz_whole_vs_split(run, data, size);
	return 0;
}
