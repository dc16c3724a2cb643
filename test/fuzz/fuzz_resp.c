/* libFuzzer target: resp.c reply parser, whole against random splits.
 * MIT licensed.
 *
 * Both runs must return the same sequence of replies (type, integer,
 * nested error count, and the string as the API promises it: the first
 * RESP_STR_MAX bytes, plus whether it was longer), then the same code and
 * bytes consumed.  A string that arrived whole is complete (r->len is its
 * length); one that spanned slices keeps a prefix and sets str_cut, so
 * the log normalises both to "prefix + cut flag".
 */
#include "fuzz.h"
#include "resp.h"

static void
run(const uint8_t *data, size_t size, int whole, struct fz_log *log)
{
	static struct resp r;
	struct fz_split sp;
	size_t off = 0, used;
	int rc = 0;
	uint64_t n = 0;

	fz_split_init(&sp, data, size, whole);
	resp_init(&r);
	while (off < size) {
		size_t t = fz_take(&sp, size - off), got = 0;

		do {
			rc = resp_push(&r, data + off, t - got, &used);
			if (used > t - got)
				abort();
			off += used;
			got += used;
			if (rc == RESP_REPLY) {
				int str = r.type == RESP_T_STATUS ||
				    r.type == RESP_T_ERROR ||
				    r.type == RESP_T_BULK;
				size_t keep = r.len < RESP_STR_MAX ? r.len :
				    RESP_STR_MAX;

				if (str && r.len && r.str == NULL)
					abort();
				if (r.str_cut && r.len != RESP_STR_MAX)
					abort();
				fz_num(log, r.type);
				fz_num(log, r.integer);
				fz_num(log, (int64_t)r.nerr);
				if (str) {
					fz_str(log, r.str, keep);
					fz_num(log, r.str_cut ||
					    r.len > RESP_STR_MAX);
				}
				n++;
			}
		} while (rc == RESP_REPLY && got < t);
		if (rc < 0)
			break;
		if (got != t)
			abort();
	}
	fz_num(log, rc < 0 ? rc : 0);
	fz_num(log, (int64_t)off);
	if (rc < 0 && (resp_push(&r, data, size, &used) != rc || used != 0 ||
	    resp_error(&r) != rc))
		abort();
	if (r.replies != n)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fz_whole_vs_split(run, data, size);
	return 0;
}
