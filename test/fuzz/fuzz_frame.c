/* libFuzzer target: frame.c in every mode, whole against random splits.
 * MIT licensed.  Built twice: fuzz_frame picks the mode from input byte 0
 * (lines, length, SSE, auto); fuzz_sse (-DFUZZ_MODE=FRAME_SSE) is SSE
 * only, with its own corpus of event streams.
 *
 * Byte 0 also picks the buffer size (64 KiB, 16 or 0 bytes: oversize
 * handling).  Both runs must produce the same messages in order, each
 * with its SSE event type and last event id, then the same code, bytes
 * consumed, pending flag, frame_finish() result, counters, retry and
 * mode chosen.  Invariants: a message fits the buffer; counters add up.
 */
#include "fuzz.h"
#include "frame.h"

static unsigned char mbuf[FRAME_MAX];

static void
run(const uint8_t *data, size_t size, int mode, size_t cap, int whole,
    struct fz_log *log)
{
	static struct frame f;
	struct fz_split sp;
	size_t off = 0, used, n, idn, evn;
	const unsigned char *m, *id, *ev;
	int rc = 0;
	uint64_t msgs = 0;

	fz_split_init(&sp, data, size, whole);
	frame_init(&f, mode, mbuf, cap);
	while (off < size) {
		size_t t = fz_take(&sp, size - off), got = 0;

		do {
			rc = frame_push(&f, data + off, t - got, &used);
			if (used > t - got)
				abort();
			off += used;
			got += used;
			if (rc == FRAME_MSG) {
				m = frame_msg(&f, &n);
				if (n > cap || (n && m == NULL))
					abort();
				ev = frame_event(&f, &evn);
				id = frame_last_id(&f, &idn);
				fz_str(log, m, n);
				fz_str(log, ev, evn);
				fz_str(log, id, idn);
				msgs++;
			}
		} while (rc == FRAME_MSG && got < t);
		if (rc < 0)
			break;
		if (got != t)
			abort();
	}
	fz_num(log, rc < 0 ? rc : 0);
	fz_num(log, (int64_t)off);
	if (rc < 0) {
		if (frame_push(&f, data, size, &used) != rc || used != 0 ||
		    frame_finish(&f) != rc)
			abort();
		return;
	}
	if (frame_messages(&f) != msgs)
		abort();
	fz_num(log, frame_pending(&f));
	fz_num(log, frame_mode(&f));
	fz_num(log, frame_finish(&f));
	fz_num(log, (int64_t)frame_messages(&f));
	fz_num(log, (int64_t)frame_keepalives(&f));
	fz_num(log, (int64_t)frame_oversize(&f));
	fz_num(log, (int64_t)frame_bytes(&f));
	fz_num(log, frame_retry(&f));
	id = frame_last_id(&f, &idn);
	fz_str(log, id, idn);
	/* After finish nothing is pending and a new stream starts clean. */
	if (frame_pending(&f))
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fz_log a = { 0 }, b = { 0 };
	static const size_t caps[4] = { FRAME_MAX, 16, 0, FRAME_MAX };
	int mode;
	size_t cap;

	if (size < 1)
		return 0;
#ifdef FUZZ_MODE
	mode = FUZZ_MODE;
#else
	mode = data[0] & 3;
#endif
	cap = caps[(data[0] >> 2) & 3];
	run(data + 1, size - 1, mode, cap, 1, &a);
	run(data + 1, size - 1, mode, cap, 0, &b);
	fz_same(&a, &b);
	fz_free(&a);
	fz_free(&b);
	return 0;
}
