/* rsinkdrv -- test driver for sinkredis.c.  MIT licensed.
 * Pushes N numbered messages through rsink with its own poll() loop, the
 * way sluice's loop will, and prints what happened:
 *     rsinkdrv: sent 5000 acked 5000 dropped 0 pending 0 reconnects 0
 *         ms 123 rate 40650
 * Messages are {"seq":N,"pad":"xxx..."} padded to -s bytes.
 * Usage: rsinkdrv -u URL [-m list|publish|xadd] [-k KEY] [-n N (0: until
 *     the switch says off)] [-s SIZE] [-c COUNTER] [-w SWITCH] [-d (drop)]
 *     [-b BACKLOG] [-x MAXLEN] [-r RATE msgs/s] [-t FLUSH_MS] [-v]
 * Exit: 0 done (or switch off), 1 sink error, 2 usage, 3 flush timeout. */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "errstr.h"
#include "sinkredis.h"

static struct rsink rs;
static int verbose;

static long long
now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static void
logline(void *arg, int level, const char *text)
{
	(void)arg;
	if (level <= 1 || verbose)
		fprintf(stderr, "rsinkdrv: %s\n", text);
}

static size_t
make_msg(char *buf, size_t size, unsigned long seq)
{
	int n = snprintf(buf, size + 1, "{\"seq\":%lu,\"pad\":\"", seq);
	size_t len = (size_t)n;

	while (len + 2 < size)
		buf[len++] = 'x';
	buf[len++] = '"';
	buf[len++] = '}';
	return len;
}

static void
usage(void)
{
	fprintf(stderr, "usage: rsinkdrv -u URL [-m list|publish|xadd] "
	    "[-k KEY] [-n N] [-s SIZE] [-c COUNTER] [-w SWITCH] [-d] "
	    "[-b BACKLOG] [-x MAXLEN] [-r RATE] [-t FLUSH_MS] [-v]\n");
	exit(2);
}

int
main(int argc, char **argv)
{
	struct rsink_cfg cfg;
	struct pollfd pfd;
	unsigned char *backlog;
	size_t cap = RSINK_BACKLOG_DEFAULT, size = 100, len = 0;
	unsigned long n = 1000, seq = 0, rate = 0;
	long flush_ms = 20000;
	long long t0, t1, allowed;
	char *msg;
	int c, rc, np, tmo, held = 0, off = 0;

	memset(&cfg, 0, sizeof cfg);
	cfg.key = "sluice";
	while ((c = getopt(argc, argv, "u:m:k:n:s:c:w:db:x:r:t:v")) != -1) {
		switch (c) {
		case 'u': cfg.url = optarg; break;
		case 'm':
			if (!strcmp(optarg, "list"))
				cfg.mode = RSINK_LIST;
			else if (!strcmp(optarg, "publish"))
				cfg.mode = RSINK_PUBLISH;
			else if (!strcmp(optarg, "xadd"))
				cfg.mode = RSINK_XADD;
			else
				usage();
			break;
		case 'k': cfg.key = optarg; break;
		case 'n': n = strtoul(optarg, NULL, 10); break;
		case 's': size = strtoul(optarg, NULL, 10); break;
		case 'c': cfg.counter_key = optarg; break;
		case 'w': cfg.switch_key = optarg; break;
		case 'd': cfg.on_full = RSINK_DROP; break;
		case 'b': cap = strtoul(optarg, NULL, 10); break;
		case 'x': cfg.maxlen = strtoull(optarg, NULL, 10); break;
		case 'r': rate = strtoul(optarg, NULL, 10); break;
		case 't': flush_ms = strtol(optarg, NULL, 10); break;
		case 'v': verbose = 1; break;
		default: usage();
		}
	}
	if (cfg.url == NULL || size < 40)
		usage();
	cfg.on_log = logline;
	backlog = malloc(cap);
	msg = malloc(size + 1);
	if (backlog == NULL || msg == NULL)
		return 1;
	if ((rc = rsink_init(&rs, &cfg, backlog, cap)) != 0) {
		fprintf(stderr, "rsinkdrv: %s\n", errstr(rc));
		rc = 2;
		goto out;
	}
	t0 = now_us();
	for (;;) {
		if (rsink_switch(&rs) == RSINK_SWITCH_OFF) {
			off = 1;
			break;
		}
		if (n && seq >= n && !held)
			break;
		/* Produce while the sink has room (BLOCK: the caller stops
		 * reading upstream while rsink_room() is false). */
		allowed = rate ? (now_us() - t0) * (long long)rate / 1000000 + 1
		    : -1;
		while ((n == 0 || seq < n || held) && rsink_room(&rs) &&
		    (allowed < 0 || (long long)seq < allowed)) {
			if (!held) {
				len = make_msg(msg, size, seq + 1);
				held = 1;
			}
			rc = rsink_write(&rs, msg, len);
			if (rc == RSINK_FULL)
				break;		/* keep it, retry later */
			if (rc < 0) {
				fprintf(stderr, "rsinkdrv: write: %s (%s)\n",
				    errstr(rc), rsink_errmsg(&rs));
				rc = 1;
				goto out;
			}
			held = 0;
			seq++;
			if (seq % 256 == 0)
				break;		/* let the sink run too */
		}
		tmo = -1;
		if (rate)
			tmo = 2;
		if ((n == 0 || seq < n) && !held && rsink_room(&rs) &&
		    (allowed < 0 || (long long)seq < allowed))
			tmo = 0;
		np = rsink_poll_fds(&rs, &pfd, 1, &tmo);
		rc = poll(&pfd, (nfds_t)np, tmo);
		if (rc < 0 && errno != EINTR) {
			rc = 1;
			goto out;
		}
		if (rsink_step(&rs, &pfd, rc > 0 ? np : 0) != 0) {
			fprintf(stderr, "rsinkdrv: %s: %s\n",
			    errstr(rsink_error(&rs)), rsink_errmsg(&rs));
			rc = 1;
			goto out;
		}
	}
	rc = rsink_flush_blocking(&rs, flush_ms);
	t1 = now_us();
	printf("rsinkdrv: sent %lu acked %llu dropped %llu pending %lu "
	    "reconnects %llu ms %lld rate %.0f%s\n", seq,
	    (unsigned long long)rsink_acked(&rs),
	    (unsigned long long)rsink_dropped(&rs),
	    (unsigned long)rsink_pending(&rs),
	    (unsigned long long)rs.reconnects, (t1 - t0) / 1000,
	    t1 > t0 ? (double)rsink_acked(&rs) * 1e6 / (double)(t1 - t0)
	    : 0.0, off ? " switch-off" : "");
	if (rc == RSINK_E_TIMEOUT) {
		rc = 3;
	} else if (rc != 0) {
		fprintf(stderr, "rsinkdrv: %s: %s\n", errstr(rc),
		    rsink_errmsg(&rs));
		rc = 1;
	}
out:
	rsink_close(&rs);
	free(backlog);
	free(msg);
	return rc;
}
