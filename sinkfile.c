/* sinkfile -- file and stdout output with rotation.  MIT licensed.
 * See sinkfile.h for the contract. */
#include <sys/stat.h>
#include <sys/types.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>		/* rename() only */
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "sinkfile.h"

static int
fail(struct fsink *f, int err, int e)
{
	if (f->err == 0) {
		f->err = err;
		f->sys_errno = e;
	}
	return f->err;
}

static int
is_full_errno(int e)
{
#ifdef EDQUOT
	if (e == EDQUOT)
		return 1;
#endif
	return e == ENOSPC || e == EFBIG;
}

/* Does the pattern hold a conversion other than "%%"? */
static int
has_time_fields(const char *p)
{
	for (; *p; p++)
		if (p[0] == '%') {
			if (p[1] == '%')
				p++;
			else if (p[1] != '\0')
				return 1;
		}
	return 0;
}

/* The pattern's name at time t into out[FSINK_NAME_MAX]; 0 or error. */
static int
expand(const struct fsink *f, time_t t, char *out)
{
	struct tm tm;
	size_t n;

	if (!f->timed) {
		n = strlen(f->cfg.path);
		if (n == 0 || n >= FSINK_NAME_MAX - 32)
			return FSINK_E_NAME;
		memcpy(out, f->cfg.path, n + 1);
		return 0;
	}
	if (gmtime_r(&t, &tm) == NULL)
		return FSINK_E_NAME;
	/* Leave room for the rotation suffix. */
	n = strftime(out, FSINK_NAME_MAX - 32, f->cfg.path, &tm);
	if (n == 0)
		return FSINK_E_NAME;
	return 0;
}

static int
open_file(struct fsink *f)
{
	struct stat st;

	f->fd = open(f->name, O_WRONLY | O_CREAT | O_APPEND, 0666);
	if (f->fd < 0)
		return fail(f, FSINK_E_OPEN, errno);
	(void)fcntl(f->fd, F_SETFD, FD_CLOEXEC);
	f->size = 0;
	if (fstat(f->fd, &st) == 0 && S_ISREG(st.st_mode))
		f->size = (uint64_t)st.st_size;
	f->file_msgs = 0;
	f->opened = f->now;
	return 0;
}

int
fsink_open(struct fsink *f, const struct fsink_cfg *cfg, time_t now)
{
	struct sigaction sa;
	int rc;

	memset(f, 0, sizeof *f - sizeof f->buf);
	f->cfg = *cfg;
	f->fd = -1;
	f->now = now;
	f->opened = now;
	f->last_sync = now;
	/* A write past RLIMIT_FSIZE raises SIGXFSZ, whose default action
	 * kills the process: ignore it (unless the program chose a handler)
	 * so the write fails with EFBIG and we can end on a boundary. */
	if (sigaction(SIGXFSZ, NULL, &sa) == 0 && sa.sa_handler == SIG_DFL) {
		sa.sa_handler = SIG_IGN;
		sigemptyset(&sa.sa_mask);
		sa.sa_flags = 0;
		(void)sigaction(SIGXFSZ, &sa, NULL);
	}
	if (cfg->path == NULL || strcmp(cfg->path, "-") == 0) {
		f->is_stdout = 1;
		f->fd = 1;
		return 0;
	}
	f->timed = has_time_fields(cfg->path);
	if ((rc = expand(f, now, f->name)) != 0)
		return fail(f, rc, 0);
	return open_file(f);
}

/* Writes p[0..n) fully; returns 0 or errno, *w = bytes written. */
static int
write_all(int fd, const unsigned char *p, size_t n, size_t *w)
{
	ssize_t r;

	*w = 0;
	while (*w < n) {
		r = write(fd, p + *w, n - *w);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			return errno;
		}
		if (r == 0)
			return EIO;
		*w += (size_t)r;
	}
	return 0;
}

/* After a failed write of which `extra` bytes past the last complete
 * line reached the file: cut them off.  Returns the error to report. */
static int
cut_back(struct fsink *f, uint64_t extra, int e)
{
	struct stat st;
	int err = is_full_errno(e) ? FSINK_E_FULL : FSINK_E_WRITE;

	if (extra && !f->is_stdout) {
		if (fstat(f->fd, &st) != 0 || !S_ISREG(st.st_mode) ||
		    (uint64_t)st.st_size < extra ||
		    ftruncate(f->fd, st.st_size - (off_t)extra) != 0) {
			err = FSINK_E_TRUNCATE;
			e = errno;
		}
	}
	return fail(f, err, e);
}

static size_t
count_nl(const unsigned char *p, size_t n)
{
	const unsigned char *q, *end = p + n;
	size_t c = 0;

	while (p < end && (q = memchr(p, '\n', (size_t)(end - p))) != NULL) {
		c++;
		p = q + 1;
	}
	return c;
}

int
fsink_flush(struct fsink *f)
{
	size_t w, keep, whole;
	int e;

	if (f->err)
		return f->err;
	if (f->len == 0)
		return 0;
	e = write_all(f->fd, f->buf, f->len, &w);
	if (e == 0) {
		f->written += f->nbuf;
		f->len = 0;
		f->nbuf = 0;
		return 0;
	}
	/* Keep the complete lines that made it, cut the rest. */
	keep = w;
	while (keep > 0 && f->buf[keep - 1] != '\n')
		keep--;
	whole = count_nl(f->buf, keep);
	f->written += whole;
	f->lost += f->nbuf - whole;
	f->len = 0;
	f->nbuf = 0;
	return cut_back(f, (uint64_t)(w - keep), e);
}

static int
do_sync(struct fsink *f)
{
	if (f->is_stdout)
		return 0;
	f->syncs++;
	f->since_sync = 0;
	f->last_sync = f->now;
	if (fsync(f->fd) != 0)
		return fail(f, FSINK_E_SYNC, errno);
	return 0;
}

/* Closes the live file (flushed, synced by policy). */
static int
close_file(struct fsink *f)
{
	int rc;

	if ((rc = fsink_flush(f)) != 0)
		return rc;
	if (f->cfg.sync != FSINK_SYNC_NEVER && (rc = do_sync(f)) != 0)
		return rc;
	if (close(f->fd) != 0 && errno != EINTR) {
		f->fd = -1;
		return fail(f, FSINK_E_CLOSE, errno);
	}
	f->fd = -1;
	return 0;
}

/* Appends ".STAMP" (and "-k" when taken) to name into out. */
static int
finished_name(const struct fsink *f, char *out)
{
	struct stat st;
	struct tm tm;
	size_t n = strlen(f->name), k;
	char stamp[24];
	unsigned i;

	if (gmtime_r(&f->now, &tm) == NULL ||
	    strftime(stamp, sizeof stamp, "%Y%m%dT%H%M%SZ", &tm) == 0)
		return FSINK_E_NAME;
	k = strlen(stamp);
	if (n + 1 + k + 12 >= FSINK_NAME_MAX)
		return FSINK_E_NAME;
	memcpy(out, f->name, n);
	out[n] = '.';
	memcpy(out + n + 1, stamp, k + 1);
	for (i = 1; lstat(out, &st) == 0 && i < 1000000; i++) {
		char num[12];
		size_t d = 0, j = n + 1 + k;
		unsigned v = i;

		do {
			num[d++] = (char)('0' + v % 10);
			v /= 10;
		} while (v);
		out[j++] = '-';
		while (d)
			out[j++] = num[--d];
		out[j] = '\0';
	}
	return 0;
}

static int
rotate(struct fsink *f)
{
	char next[FSINK_NAME_MAX];
	int rc;

	if ((rc = expand(f, f->now, next)) != 0)
		return fail(f, rc, 0);
	if ((rc = close_file(f)) != 0)
		return rc;
	if (strcmp(next, f->name) == 0) {
		if ((rc = finished_name(f, f->done)) != 0)
			return fail(f, rc, 0);
		if (rename(f->name, f->done) != 0)
			return fail(f, FSINK_E_RENAME, errno);
	} else {
		memcpy(f->done, f->name, sizeof f->done);
		memcpy(f->name, next, sizeof f->name);
	}
	f->rotations++;
	return open_file(f);
}

int
fsink_write(struct fsink *f, const void *msg, size_t len)
{
	const unsigned char *m = msg;
	size_t w1, w2 = 0;
	int e, rc;

	if (f->err)
		return f->err;
	if (f->fd < 0)
		return FSINK_E_CLOSED;
	if (len && memchr(m, '\n', len) != NULL)
		return FSINK_E_NEWLINE;
	if (!f->is_stdout && f->cfg.rotate_size && f->file_msgs > 0 &&
	    f->size + len + 1 > f->cfg.rotate_size &&
	    (rc = rotate(f)) != 0)
		return rc;
	if (len + 1 > FSINK_BUF - f->len && (rc = fsink_flush(f)) != 0)
		return rc;
	if (len + 1 <= FSINK_BUF) {
		if (len)
			memcpy(f->buf + f->len, m, len);
		f->buf[f->len + len] = '\n';
		f->len += len + 1;
		f->nbuf++;
	} else {
		/* Larger than the buffer (now empty): straight through. */
		e = write_all(f->fd, m, len, &w1);
		if (e == 0)
			e = write_all(f->fd, (const unsigned char *)"\n", 1,
			    &w2);
		if (e != 0) {
			f->lost++;
			return cut_back(f, (uint64_t)(w1 + w2), e);
		}
		f->written++;
	}
	f->size += len + 1;
	f->file_msgs++;
	f->since_sync++;
	if (f->cfg.sync == FSINK_SYNC_MSGS && f->cfg.sync_every > 0 &&
	    f->since_sync >= f->cfg.sync_every) {
		if ((rc = fsink_flush(f)) != 0)
			return rc;
		return do_sync(f);
	}
	return 0;
}

int
fsink_tick(struct fsink *f, time_t now)
{
	char next[FSINK_NAME_MAX];
	long period = f->cfg.rotate_secs;
	int rc;

	if (f->err)
		return f->err;
	if (f->fd < 0)
		return FSINK_E_CLOSED;
	f->now = now;
	if ((rc = fsink_flush(f)) != 0)
		return rc;
	if (f->is_stdout)
		return 0;
	if (period > 0 && now / period != f->opened / period) {
		if (f->file_msgs > 0)
			return rotate(f);
		f->opened = now;	/* nothing to finish: keep the file */
	}
	if (f->timed) {
		if ((rc = expand(f, now, next)) != 0)
			return fail(f, rc, 0);
		if (strcmp(next, f->name) != 0)
			return rotate(f);
	}
	if (f->cfg.sync == FSINK_SYNC_SECS && f->cfg.sync_every > 0 &&
	    now - f->last_sync >= f->cfg.sync_every && f->since_sync > 0)
		return do_sync(f);
	return 0;
}

int
fsink_reopen(struct fsink *f)
{
	int rc;

	if (f->err)
		return f->err;
	if (f->fd < 0)
		return FSINK_E_CLOSED;
	if (f->is_stdout)
		return fsink_flush(f);
	if ((rc = close_file(f)) != 0)
		return rc;
	if ((rc = expand(f, f->now, f->name)) != 0)
		return fail(f, rc, 0);
	return open_file(f);
}

int
fsink_close(struct fsink *f)
{
	int rc = f->err;

	if (f->fd < 0)
		return rc;
	if (f->is_stdout) {
		if (rc == 0)
			rc = fsink_flush(f);
		f->fd = -1;
		return rc;
	}
	if (rc == 0)
		return close_file(f);
	(void)close(f->fd);
	f->fd = -1;
	return rc;
}

int
fsink_parse_sync(const char *s, struct fsink_cfg *cfg)
{
	long n = 0;
	const char *p = s;

	if (strcmp(s, "never") == 0) {
		cfg->sync = FSINK_SYNC_NEVER;
		return 0;
	}
	if (strcmp(s, "rotate") == 0) {
		cfg->sync = FSINK_SYNC_ROTATE;
		return 0;
	}
	for (; *p >= '0' && *p <= '9'; p++) {
		if (n > 100000000L)
			return -1;
		n = n * 10 + (*p - '0');
	}
	if (p == s || *p != '-' || n < 1)
		return -1;
	p++;
	if (strcmp(p, "messages") == 0 || (n == 1 &&
	    strcmp(p, "message") == 0)) {
		cfg->sync = FSINK_SYNC_MSGS;
	} else if (strcmp(p, "seconds") == 0 || (n == 1 &&
	    strcmp(p, "second") == 0)) {
		cfg->sync = FSINK_SYNC_SECS;
	} else {
		return -1;
	}
	cfg->sync_every = n;
	return 0;
}
