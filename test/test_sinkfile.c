/* Tests for sinkfile.c: rotation by size, by time and by name with an
 * injected clock; logrotate create (rename + reopen) and copytruncate;
 * a full file system through RLIMIT_FSIZE in a forked child (the named
 * error, the count, the file ending on a message boundary); the fsync
 * policy counters; stdout; refused newlines. */
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

#include "t.h"
#include "sinkfile.h"

static struct fsink fs;
static char dir[256];

/* 2026-11-23 12:00:00 UTC, on an hour boundary. */
#define T0 ((time_t)1795435200)

static void
path(char *out, size_t cap, const char *name)
{
	snprintf(out, cap, "%s/%s", dir, name);
}

static int
mkdir_fresh(void)
{
	snprintf(dir, sizeof dir, "%s/sinkfile.XXXXXX",
	    getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	return mkdtemp(dir) ? 0 : -1;
}

static void
rm_dir(void)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char p[600];

	if (d == NULL)
		return;
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		snprintf(p, sizeof p, "%s/%s", dir, e->d_name);
		unlink(p);
	}
	closedir(d);
	rmdir(dir);
}

/* Message i: a fixed-width 28-byte JSON object (29 with the newline). */
static size_t
msg(char *out, unsigned i)
{
	return (size_t)snprintf(out, 64, "{\"seq\":%06u,\"x\":\"abcdefg\"}",
	    i);
}

/* Checks that file holds exactly messages first..first+n-1 in order. */
static int
holds(const char *file, unsigned first, unsigned n)
{
	unsigned char *p;
	size_t len, off = 0, ml;
	char m[64];
	unsigned i;

	p = t_slurp(file, &len);
	if (p == NULL)
		return n == 0;
	for (i = 0; i < n; i++) {
		ml = msg(m, first + i);
		if (off + ml + 1 > len || memcmp(p + off, m, ml) != 0 ||
		    p[off + ml] != '\n') {
			free(p);
			return 0;
		}
		off += ml + 1;
	}
	free(p);
	return off == len;
}

static unsigned
count_files(void)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	unsigned n = 0;

	while (d && (e = readdir(d)) != NULL)
		if (e->d_name[0] != '.')
			n++;
	if (d)
		closedir(d);
	return n;
}

static int
size_rotation(void)
{
	struct fsink_cfg cfg = { 0 };
	char p[600], q[600], m[64];
	unsigned i;

	check(mkdir_fresh() == 0);
	path(p, sizeof p, "out.ndjson");
	cfg.path = p;
	cfg.rotate_size = 100;		/* 3 lines of 29 bytes */
	check(fsink_open(&fs, &cfg, T0) == 0);
	for (i = 0; i < 10; i++)
		check(fsink_write(&fs, m, msg(m, i)) == 0);
	check(fsink_close(&fs) == 0);
	check(fsink_written(&fs) == 10);
	check(fs.rotations == 3);
	/* All in the same second: STAMP, STAMP-1, STAMP-2, live file. */
	path(q, sizeof q, "out.ndjson.20261123T120000Z");
	check(holds(q, 0, 3));
	path(q, sizeof q, "out.ndjson.20261123T120000Z-1");
	check(holds(q, 3, 3));
	path(q, sizeof q, "out.ndjson.20261123T120000Z-2");
	check(holds(q, 6, 3));
	check(holds(p, 9, 1));
	check(count_files() == 4);
	/* A message larger than rotate_size gets a file of its own. */
	cfg.rotate_size = 10;
	check(fsink_open(&fs, &cfg, T0 + 1) == 0);	/* continues p */
	check(fsink_write(&fs, m, msg(m, 10)) == 0);
	check(fsink_write(&fs, m, msg(m, 11)) == 0);
	check(fsink_close(&fs) == 0);
	path(q, sizeof q, "out.ndjson.20261123T120001Z");
	check(holds(q, 9, 2));
	check(holds(p, 11, 1));
	rm_dir();
	return 0;
}

static int
time_rotation(void)
{
	struct fsink_cfg cfg = { 0 };
	char p[600], q[600], m[64];
	unsigned i;

	check(mkdir_fresh() == 0);
	/* Pattern with time fields and a 60 s period. */
	snprintf(p, sizeof p, "%s/t-%%H%%M.ndjson", dir);
	cfg.path = p;
	cfg.rotate_secs = 60;
	check(fsink_open(&fs, &cfg, T0 + 5) == 0);
	for (i = 0; i < 3; i++)
		check(fsink_write(&fs, m, msg(m, i)) == 0);
	check(fsink_tick(&fs, T0 + 59) == 0);
	check(fs.rotations == 0);
	check(fsink_tick(&fs, T0 + 60) == 0);	/* the minute turns */
	check(fs.rotations == 1);
	check(fsink_write(&fs, m, msg(m, 3)) == 0);
	/* An idle period: nothing to finish, no rotation by period... */
	check(fsink_tick(&fs, T0 + 125) == 0);
	/* ...but the name changed (12:02), so a new file anyway. */
	check(fs.rotations == 2);
	check(fsink_close(&fs) == 0);
	path(q, sizeof q, "t-1200.ndjson");
	check(holds(q, 0, 3));
	path(q, sizeof q, "t-1201.ndjson");
	check(holds(q, 3, 1));
	path(q, sizeof q, "t-1202.ndjson");
	check(holds(q, 0, 0));
	check(strcmp(fsink_finished(&fs), q) != 0);

	/* No time fields: the finished file is renamed to NAME.STAMP. */
	path(p, sizeof p, "plain.ndjson");
	cfg.path = p;
	cfg.rotate_secs = 3600;
	check(fsink_open(&fs, &cfg, T0 + 10) == 0);
	check(fsink_write(&fs, m, msg(m, 0)) == 0);
	check(fsink_tick(&fs, T0 + 3599) == 0);
	check(fsink_write(&fs, m, msg(m, 1)) == 0);
	check(fsink_tick(&fs, T0 + 3600) == 0);
	check(fsink_write(&fs, m, msg(m, 2)) == 0);
	check(fsink_close(&fs) == 0);
	path(q, sizeof q, "plain.ndjson.20261123T130000Z");
	check(strcmp(fsink_finished(&fs), q) == 0);
	check(holds(q, 0, 2));
	check(holds(p, 2, 1));
	rm_dir();
	return 0;
}

static int
reopen_logrotate(void)
{
	struct fsink_cfg cfg = { 0 };
	char p[600], q[600], m[64];
	unsigned char *data;
	size_t len;
	int fd;

	check(mkdir_fresh() == 0);
	path(p, sizeof p, "cap.ndjson");
	path(q, sizeof q, "cap.ndjson.1");
	cfg.path = p;
	check(fsink_open(&fs, &cfg, T0) == 0);
	check(fsink_write(&fs, m, msg(m, 0)) == 0);
	check(fsink_write(&fs, m, msg(m, 1)) == 0);
	check(fsink_flush(&fs) == 0);
	/* logrotate "create": rename, then SIGHUP -> reopen. */
	check(rename(p, q) == 0);
	check(fsink_write(&fs, m, msg(m, 2)) == 0);
	check(fsink_reopen(&fs) == 0);	/* flushes 2 into the old file */
	check(fsink_write(&fs, m, msg(m, 3)) == 0);
	check(fsink_flush(&fs) == 0);
	check(holds(q, 0, 3));
	check(holds(p, 3, 1));
	/* logrotate "copytruncate": the file is cut to 0 under us; O_APPEND
	 * puts the next write at the new end, no hole. */
	fd = open(p, O_WRONLY);
	check(fd >= 0 && ftruncate(fd, 0) == 0);
	close(fd);
	check(fsink_write(&fs, m, msg(m, 4)) == 0);
	check(fsink_flush(&fs) == 0);
	check(holds(p, 4, 1));
	check(fsink_reopen(&fs) == 0);	/* harmless after copytruncate */
	check(fsink_write(&fs, m, msg(m, 5)) == 0);
	check(fsink_close(&fs) == 0);
	check(holds(p, 4, 2));
	data = t_slurp(p, &len);
	check(data != NULL && memchr(data, '\0', len) == NULL);
	free(data);
	rm_dir();
	return 0;
}

/* In a child limited to `limit` bytes per file: write n messages of
 * msglen bytes; report the error and counts through a pipe. */
struct full_result {
	int err;
	unsigned long written, lost;
};

static int
run_full(const char *file, rlim_t limit, unsigned n, size_t msglen,
    struct full_result *res)
{
	int pfd[2], st;
	pid_t pid;

	if (pipe(pfd) != 0)
		return -1;
	pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		struct fsink_cfg cfg = { 0 };
		struct rlimit rl;
		struct full_result r = { 0, 0, 0 };
		char *m = malloc(msglen);
		unsigned i;
		int rc = 0;

		close(pfd[0]);
		rl.rlim_cur = rl.rlim_max = limit;
		if (m == NULL || setrlimit(RLIMIT_FSIZE, &rl) != 0)
			_exit(2);
		cfg.path = file;
		if (fsink_open(&fs, &cfg, T0) != 0)
			_exit(3);
		for (i = 0; i < n && rc == 0; i++) {
			snprintf(m, msglen, "%0*u", (int)msglen - 1, i);
			m[msglen - 1] = 'x';
			rc = fsink_write(&fs, m, msglen);
		}
		if (rc == 0)
			rc = fsink_close(&fs);
		else
			(void)fsink_close(&fs);
		r.err = rc;
		r.written = (unsigned long)fsink_written(&fs);
		r.lost = (unsigned long)fsink_lost(&fs);
		if (write(pfd[1], &r, sizeof r) != (ssize_t)sizeof r)
			_exit(4);
		_exit(0);
	}
	close(pfd[1]);
	st = (int)read(pfd[0], res, sizeof *res);
	close(pfd[0]);
	if (waitpid(pid, &st, 0) != pid || !WIFEXITED(st) ||
	    WEXITSTATUS(st) != 0)
		return -1;
	return 0;
}

/* Each line of file is msglen bytes + '\n'; returns the line count or
 * -1 when the file does not end on a boundary. */
static long
whole_lines(const char *file, size_t msglen)
{
	unsigned char *p;
	size_t len, i;

	p = t_slurp(file, &len);
	if (p == NULL)
		return -1;
	if (len % (msglen + 1) != 0) {
		free(p);
		return -1;
	}
	for (i = 0; i < len; i += msglen + 1)
		if (p[i + msglen] != '\n' || p[i + msglen - 1] != 'x') {
			free(p);
			return -1;
		}
	free(p);
	return (long)(len / (msglen + 1));
}

static int
full_filesystem(void)
{
	struct full_result r;
	char p[600];

	check(mkdir_fresh() == 0);
	/* Buffered path: 30-byte lines, a 1000-byte limit: 33 lines fit and
	 * the 64 KiB flush is cut inside line 34. */
	path(p, sizeof p, "full.ndjson");
	check(run_full(p, 1000, 200, 29, &r) == 0);
	check(r.err == FSINK_E_FULL);
	check(r.written == 33);
	check(r.lost == 200 - 33);
	check(whole_lines(p, 29) == 33);
	/* Straight-through path: 70,000-byte messages, a 150,000 limit. */
	path(p, sizeof p, "big.ndjson");
	check(run_full(p, 150000, 5, 70000, &r) == 0);
	check(r.err == FSINK_E_FULL);
	check(r.written == 2);
	check(r.lost == 1);
	check(whole_lines(p, 70000) == 2);
	rm_dir();
	return 0;
}

static int
sync_policy(void)
{
	struct fsink_cfg cfg = { 0 };
	char p[600], m[64];
	unsigned i;

	check(mkdir_fresh() == 0);
	path(p, sizeof p, "s.ndjson");
	cfg.path = p;
	cfg.sync = FSINK_SYNC_MSGS;
	cfg.sync_every = 10;
	check(fsink_open(&fs, &cfg, T0) == 0);
	for (i = 0; i < 25; i++)
		check(fsink_write(&fs, m, msg(m, i)) == 0);
	check(fs.syncs == 2);
	check(fsink_close(&fs) == 0);
	check(fs.syncs == 3);		/* and before closing */
	check(holds(p, 0, 25));
	unlink(p);
	cfg.sync = FSINK_SYNC_SECS;
	cfg.sync_every = 5;
	check(fsink_open(&fs, &cfg, T0) == 0);
	check(fsink_write(&fs, m, msg(m, 0)) == 0);
	check(fsink_tick(&fs, T0 + 4) == 0);
	check(fs.syncs == 0);
	check(fsink_tick(&fs, T0 + 5) == 0);
	check(fs.syncs == 1);
	check(fsink_tick(&fs, T0 + 20) == 0);	/* nothing new: no sync */
	check(fs.syncs == 1);
	check(fsink_close(&fs) == 0);
	unlink(p);
	cfg.sync = FSINK_SYNC_NEVER;
	check(fsink_open(&fs, &cfg, T0) == 0);
	check(fsink_write(&fs, m, msg(m, 0)) == 0);
	check(fsink_close(&fs) == 0);
	check(fs.syncs == 0);
	rm_dir();
	return 0;
}

static int
stdout_and_newline(void)
{
	struct fsink_cfg cfg = { 0 };
	char p[600], m[64];
	int fd, saved;

	check(mkdir_fresh() == 0);
	path(p, sizeof p, "stdout.txt");
	fflush(stdout);
	fd = open(p, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	saved = dup(1);
	check(fd >= 0 && saved >= 0 && dup2(fd, 1) == 1);
	cfg.path = NULL;
	cfg.rotate_size = 1;	/* ignored for stdout */
	check(fsink_open(&fs, &cfg, T0) == 0);
	check(fsink_write(&fs, m, msg(m, 0)) == 0);
	check(fsink_write(&fs, "a\nb", 3) == FSINK_E_NEWLINE);
	check(fsink_error(&fs) == 0);
	check(fsink_write(&fs, m, msg(m, 1)) == 0);
	check(fsink_close(&fs) == 0);
	check(dup2(saved, 1) == 1);
	close(saved);
	close(fd);
	check(holds(p, 0, 2));
	check(fsink_write(&fs, m, 1) == FSINK_E_CLOSED);
	/* A file that cannot be opened: named error, errno kept. */
	path(p, sizeof p, "no/such/dir/x");
	cfg.path = p;
	check(fsink_open(&fs, &cfg, T0) == FSINK_E_OPEN);
	check(fs.sys_errno == ENOENT);
	cfg.path = "";
	check(fsink_open(&fs, &cfg, T0) == FSINK_E_NAME);
	rm_dir();
	return 0;
}

static int
parse_sync(void)
{
	static const struct {
		const char *s;
		int ok;
		enum fsink_sync mode;
		long n;
	} v[] = {
		{ "never", 1, FSINK_SYNC_NEVER, 0 },
		{ "rotate", 1, FSINK_SYNC_ROTATE, 0 },
		{ "100-messages", 1, FSINK_SYNC_MSGS, 100 },
		{ "1-message", 1, FSINK_SYNC_MSGS, 1 },
		{ "5-seconds", 1, FSINK_SYNC_SECS, 5 },
		{ "1-second", 1, FSINK_SYNC_SECS, 1 },
		{ "0-seconds", 0, 0, 0 },
		{ "2-second", 0, 0, 0 },
		{ "-seconds", 0, 0, 0 },
		{ "5", 0, 0, 0 },
		{ "5-minutes", 0, 0, 0 },
		{ "999999999999-messages", 0, 0, 0 },
		{ "Never", 0, 0, 0 },
		{ "", 0, 0, 0 },
	};
	struct fsink_cfg cfg;
	size_t i;

	for (i = 0; i < sizeof v / sizeof v[0]; i++) {
		memset(&cfg, 0, sizeof cfg);
		cfg.sync = FSINK_SYNC_ROTATE;
		cfg.sync_every = 42;
		if (!v[i].ok) {
			check(fsink_parse_sync(v[i].s, &cfg) == -1);
			check(cfg.sync == FSINK_SYNC_ROTATE);
			check(cfg.sync_every == 42);
			continue;
		}
		check(fsink_parse_sync(v[i].s, &cfg) == 0);
		check(cfg.sync == v[i].mode);
		check(v[i].n == 0 || cfg.sync_every == v[i].n);
	}
	return 0;
}

int
main(void)
{
	t_init("test_sinkfile");
	t_run("size_rotation", size_rotation);
	t_run("time_rotation", time_rotation);
	t_run("reopen_logrotate", reopen_logrotate);
	t_run("full_filesystem", full_filesystem);
	t_run("sync_policy", sync_policy);
	t_run("stdout_and_newline", stdout_and_newline);
	t_run("parse_sync", parse_sync);
	return t_done();
}
