/* sinkfile -- the file (and stdout) output: whole messages, one per line,
 * with size/time rotation, an fsync policy and SIGHUP reopen.
 * MIT licensed, see LICENSE.  Tool side: does I/O (POSIX), no stdio, no
 * malloc; the context is caller-allocated.
 *
 * Data flow.  fsink_write() appends msg + "\n" to a fixed buffer of
 * FSINK_BUF bytes inside the context; the buffer goes to the file with
 * write(2) when it is full, on fsink_flush(), fsink_tick(), rotation and
 * close.  A message longer than the buffer is written straight through.
 * The caller SHOULD call fsink_flush() before a poll() that may block and
 * MUST call fsink_tick() at least once a second (it drives time rotation,
 * the seconds fsync policy and the clock used for file names).
 *
 * One message is one line: a message containing '\n' is refused
 * (FSINK_E_NEWLINE, not sticky, nothing written).  That is what makes
 * every line boundary in the file a message boundary.
 *
 * Never a partial message.  When a write fails (ENOSPC, EDQUOT, EFBIG from
 * RLIMIT_FSIZE -- fsink_open() ignores SIGXFSZ when it has its default
 * action, so the write returns EFBIG instead of killing the process), the
 * file is cut back with ftruncate(2) to the end of the last complete line
 * that reached it, the error FSINK_E_FULL (or FSINK_E_WRITE) becomes
 * sticky, fsink_written() says how many messages are in the output and
 * fsink_lost() how many accepted messages were not written.  sys_errno
 * keeps the errno for the diagnostic.
 *
 * File names and rotation.  cfg.path may hold strftime(3) conversions
 * ("tweets-%Y%m%d-%H.ndjson"), expanded in UTC (no DST repeats) with the
 * time of the last fsink_open()/fsink_tick().  Rotation happens only
 * between messages:
 *  - by size: before a message that would take the file past
 *    rotate_size bytes (a file holds at least one message, so a single
 *    message bigger than rotate_size makes a file of its own);
 *  - by time: when the UTC clock crosses a multiple of rotate_secs
 *    (aligned periods: 3600 rotates on the hour);
 *  - by name: when the expanded pattern changes (so %H alone gives hourly
 *    files even without rotate_secs).
 * The finished file is complete when it is closed.  If the next file has
 * a different name, the finished one simply keeps its name.  If the name
 * is the same (no time fields in the pattern, or a size rotation within
 * one period), the finished file is renamed atomically (rename(2)) to
 * NAME.YYYYmmddTHHMMSSZ (UTC time of the rotation), or NAME.STAMP-1,
 * NAME.STAMP-2 ... when that exists, and a new NAME is created.  So the
 * live file is always the pattern's name and finished files never change
 * once renamed.  Files are opened O_APPEND|O_CREAT (mode 0666 & umask):
 * an existing file is continued.  Gzip of finished files is out of scope.
 *
 * fsync policy: NEVER; ROTATE (fsync a file before it is closed: rotation,
 * reopen, close); MSGS (also every sync_every messages); SECS (also every
 * sync_every seconds, from fsink_tick()).
 *
 * SIGHUP (logrotate).  fsink_reopen() flushes, closes and opens the
 * pattern name again.  With logrotate's `create` the old file was renamed
 * away and a new one is created.  With `copytruncate` the file is
 * truncated under us; because every write is O_APPEND it lands at the new
 * end of file (no hole of NUL bytes), so copytruncate works even without
 * the signal, and the reopen is harmless.  copytruncate itself loses what
 * is written between its copy and its truncate; prefer `create` + SIGHUP.
 *
 * Stdout: cfg.path NULL (or "-") writes to fd 1, buffered the same way,
 * with no rotation and no reopen; a failed write is FSINK_E_WRITE (or
 * FULL), nothing is truncated.
 *
 * Memory: sizeof(struct fsink) is 67,744 bytes on LP64 (the 64 KiB buffer
 * and two names of FSINK_NAME_MAX bytes).
 */
#ifndef SINKFILE_H
#define SINKFILE_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#ifndef FSINK_BUF
#define FSINK_BUF 16384		/* write buffer */
#endif
#ifndef FSINK_NAME_MAX
#define FSINK_NAME_MAX 1024	/* expanded file name, with suffix */
#endif

/* Errors.  Range -220 .. -239.  All but FSINK_E_NEWLINE are sticky. */
#define FSINK_ERRORS(X) \
	X(FSINK_E_OPEN, -220, "cannot open the output file") \
	X(FSINK_E_FULL, -221, "output disk full or file size limit reached") \
	X(FSINK_E_WRITE, -222, "cannot write the output") \
	X(FSINK_E_NAME, -223, "output file name empty or too long") \
	X(FSINK_E_RENAME, -224, "cannot rename the finished output file") \
	X(FSINK_E_SYNC, -225, "cannot fsync the output file") \
	X(FSINK_E_NEWLINE, -226, "message contains a newline; not written") \
	X(FSINK_E_TRUNCATE, -227, "cannot cut the output back to a boundary") \
	X(FSINK_E_CLOSE, -228, "cannot close the output file") \
	X(FSINK_E_CLOSED, -229, "the output is closed")

enum fsink_error {
#define FSINK_ENUM(name, code, text) name = code,
	FSINK_ERRORS(FSINK_ENUM)
#undef FSINK_ENUM
	FSINK_E_NONE = 0
};

enum fsink_sync {
	FSINK_SYNC_NEVER,
	FSINK_SYNC_ROTATE,	/* before closing a file */
	FSINK_SYNC_MSGS,	/* and every sync_every messages */
	FSINK_SYNC_SECS		/* and every sync_every seconds */
};

struct fsink_cfg {
	const char *path;	/* NULL or "-": stdout; may hold strftime %x */
	uint64_t rotate_size;	/* bytes; 0: no size rotation */
	long rotate_secs;	/* 0: no time rotation */
	enum fsink_sync sync;
	long sync_every;	/* N for FSINK_SYNC_MSGS / FSINK_SYNC_SECS */
};

/* The context.  Caller-allocated (it is large: keep it static); do not
 * touch the fields, use the functions. */
struct fsink {
	struct fsink_cfg cfg;	/* copy; cfg.path MUST outlive the sink */
	int fd;
	int is_stdout;
	int timed;		/* the pattern has time conversions */
	int err;		/* sticky error */
	int sys_errno;		/* errno of the failing call */
	time_t now;		/* clock from open/tick */
	time_t opened;		/* when the current file was started */
	time_t last_sync;
	uint64_t size;		/* current file size, buffered bytes included */
	uint64_t file_msgs;	/* messages in the current file */
	uint64_t written;	/* messages that reached the output */
	uint64_t lost;		/* accepted but lost to a write error */
	uint64_t rotations;
	uint64_t syncs;		/* fsync calls made */
	long since_sync;	/* messages since the last fsync */
	size_t len;		/* bytes in buf */
	size_t nbuf;		/* messages in buf */
	char name[FSINK_NAME_MAX];	/* the live file */
	char done[FSINK_NAME_MAX];	/* the last finished file */
	unsigned char buf[FSINK_BUF];
};

/* Resets f and opens the output for cfg at time now (UTC seconds; the
 * caller's clock, so tests can inject time).  Returns 0 or a negative
 * FSINK_E_* error (f->sys_errno says why). */
int fsink_open(struct fsink *f, const struct fsink_cfg *cfg, time_t now);

/* Appends msg[0..len) and a newline, rotating by size first if needed.
 * Returns 0, FSINK_E_NEWLINE (msg refused, sink still fine), or the sticky
 * error.  After an error nothing more is written. */
int fsink_write(struct fsink *f, const void *msg, size_t len);

/* Writes the buffered messages out.  0 or the sticky error. */
int fsink_flush(struct fsink *f);

/* Advances the clock to now: flushes the buffer, rotates by time or name,
 * fsyncs by the seconds policy.  0 or the sticky error. */
int fsink_tick(struct fsink *f, time_t now);

/* SIGHUP: flushes, closes and reopens the pattern's name (call from the
 * loop after the handler set a flag).  0 or the sticky error. */
int fsink_reopen(struct fsink *f);

/* Flushes, fsyncs (unless FSINK_SYNC_NEVER) and closes.  Returns 0 or the
 * sticky error (also an error from before). */
int fsink_close(struct fsink *f);

/* Parses an --fsync value: "never", "rotate", "N-messages" or
 * "N-seconds" (N >= 1; "1-message", "1-second" also) into cfg->sync and
 * cfg->sync_every.  Returns 0, or -1 (cfg untouched) when s is none. */
int fsink_parse_sync(const char *s, struct fsink_cfg *cfg);

static inline int
fsink_error(const struct fsink *f)
{
	return f->err;
}

/* Messages that reached the output (write(2) accepted them). */
static inline uint64_t
fsink_written(const struct fsink *f)
{
	return f->written;
}

/* Messages accepted by fsink_write() but lost to a write error. */
static inline uint64_t
fsink_lost(const struct fsink *f)
{
	return f->lost;
}

/* The live file's name ("" for stdout) and the last finished file's. */
static inline const char *
fsink_name(const struct fsink *f)
{
	return f->name;
}

static inline const char *
fsink_finished(const struct fsink *f)
{
	return f->done;
}

#endif
