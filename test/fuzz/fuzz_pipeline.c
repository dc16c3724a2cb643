/* libFuzzer target: the whole receive pipeline, as `sluice --replay` runs
 * it (stream.c: http -> chunk -> inflate -> frame -> json/msg, control
 * messages, counters).  MIT licensed.
 *
 * The input after byte 0 is a raw HTTP response.  It is written into a
 * pipe whose read end is the stream's replay file (/proc/self/fd/N), one
 * slice per stream_step(), so the engine sees exactly the slices chosen
 * here: first in pieces as large as its read buffer, then at random
 * splits.  Byte 0 picks the framing and the options (raw, --json
 * validation, dedupe, a message limit).  Both runs must deliver the same
 * messages in the same order and end with the same outcome and the same
 * counters.  Invariants: written <= received, nothing delivered after the
 * limit, every message at most STREAM_FRAME_MAX bytes.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

#include "fuzz.h"
#include "stream.h"

static struct stream st;
static uint64_t ids[STREAM_IDRING];

static int
on_msg(void *arg, const char *msg, size_t len, const struct msg *m)
{
	(void)m;
	if (len > STREAM_FRAME_MAX)
		abort();
	fz_str(arg, msg, len);
	return 0;
}

static void
run(const uint8_t *data, size_t size, int flags, int whole,
    struct fz_log *log)
{
	struct stream_cfg c;
	struct fz_split sp;
	const struct stream_stats *ss;
	char path[64];
	int fds[2];
	size_t off = 0;

	if (pipe(fds) != 0)
		abort();
	fcntl(fds[1], F_SETFL, O_NONBLOCK);
	snprintf(path, sizeof path, "/proc/self/fd/%d", fds[0]);
	memset(&c, 0, sizeof c);
	c.replay_path = path;
	c.record_fd = -1;
	c.framing = (enum stream_framing)(flags & 3);
	c.raw = (flags >> 2) & 1;
	c.validate = (flags >> 3) & 1;
	c.dedupe = (flags >> 4) & 1;
	c.ids = ids;
	c.ids_len = sizeof ids / sizeof ids[0];
	c.max_messages = (flags >> 5) & 1 ? 3 : 0;
	c.retry = 0;
	c.on_message = on_msg;
	c.arg = log;
	if (stream_init(&st, &c) != 0)
		abort();
	fz_split_init(&sp, data, size, whole);
	while (off < size && !stream_done(&st)) {
		size_t t = whole ? (size - off < STREAM_READ_MAX ?
		    size - off : STREAM_READ_MAX) : fz_take(&sp, size - off);
		ssize_t w = write(fds[1], data + off, t);

		if (w < 0 && errno == EAGAIN) {
			stream_step(&st, NULL, 0);
			continue;
		}
		if (w <= 0)
			abort();
		off += (size_t)w;
		stream_step(&st, NULL, 0);
	}
	close(fds[1]);
	while (!stream_done(&st))
		stream_step(&st, NULL, 0);
	close(fds[0]);
	ss = stream_stats(&st);
	if (ss->written > ss->received + ss->deletes)
		abort();
	if (c.max_messages && ss->written > c.max_messages)
		abort();
	fz_num(log, stream_outcome(&st));
	fz_num(log, (int64_t)ss->received);
	fz_num(log, (int64_t)ss->written);
	fz_num(log, (int64_t)ss->keepalives);
	fz_num(log, (int64_t)ss->deletes);
	fz_num(log, (int64_t)ss->limited);
	fz_num(log, (int64_t)ss->control);
	fz_num(log, (int64_t)ss->oversize);
	fz_num(log, (int64_t)ss->truncated);
	fz_num(log, (int64_t)ss->duplicates);
	fz_num(log, (int64_t)ss->invalid);
	fz_num(log, (int64_t)ss->filtered);
	fz_num(log, (int64_t)ss->reconnects);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fz_log a = { 0 }, b = { 0 };

	if (size < 1 || size > 65536)
		return 0;
	run(data + 1, size - 1, data[0], 1, &a);
	run(data + 1, size - 1, data[0], 0, &b);
	fz_same(&a, &b);
	fz_free(&a);
	fz_free(&b);
	return 0;
}
