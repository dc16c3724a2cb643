/* webdrv -- test driver for web.c: its own poll loop, synthetic messages.
 * MIT licensed, see LICENSE.  Test-only (stdio allowed).
 *
 * usage: webdrv [-p PORT] [-t TOKEN] [-r RATE] [-n COUNT] [-T SECONDS]
 *               [-C CLIENTS] [-S SENDBUF] [-R RING] [-B RINGBYTES]
 *               [-w WAITCLIENTS] [-b BENCHCOUNT] [-k BATCH]
 * Prints "port N" on stdout once listening, "track KW" for every accepted
 * POST /track, "clients N" when -w N clients are connected (then starts
 * publishing), and "done ..." at the end.  Message k (1, 2, ...) has text
 * "message k ..."; every 4th is geotagged; k = 3 and every 25th is
 * "<script>alert(1)</script>", k = 4 and every 25th + 1 an <img onerror>.
 * -b N: publish N messages as fast as the loop allows (-k per poll round,
 * default 16) and print the wall and CPU time; -n N does the same at -r.
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "web.h"

static struct web w;
static struct web_cfg cfg;
static struct web_client *clients;
static unsigned char *sendbuf, *ringbuf;
static struct web_ev *ring;
static volatile sig_atomic_t stop;

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static double
cpu(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static int
on_track(void *arg, const char *kw, size_t len)
{
	(void)arg;
	if (len >= 6 && memcmp(kw, "refuse", 6) == 0)
		return -1;
	printf("track %s\n", kw);
	fflush(stdout);
	return 0;
}

static void
on_sig(int s)
{
	stop = s;
}

static const struct { const char *name; double lon, lat; } cities[] = {
	{ "Lisbon", -9.14, 38.72 }, { "Tokyo", 139.69, 35.69 },
	{ "Sydney", 151.21, -33.87 }, { "New York", -74.01, 40.71 },
	{ "Nairobi", 36.82, -1.29 }, { "Sao Paulo", -46.63, -23.55 },
	{ "Reykjavik", -21.94, 64.15 }, { "Mumbai", 72.88, 19.08 },
	{ "Anchorage", -149.90, 61.22 }, { "Cape Town", 18.42, -33.92 },
	{ "Honolulu", -157.86, 21.31 }, { "Moscow", 37.62, 55.76 },
};

static void
publish(unsigned long k)
{
	char id[32], user[32], text[256], tm[40];
	struct web_item it;
	const size_t nc = sizeof cities / sizeof cities[0];

	memset(&it, 0, sizeof it);
	snprintf(id, sizeof id, "%llu", 1000000000000000000ULL +
	    (unsigned long long)k);
	snprintf(user, sizeof user, "user%lu", k % 17);
	if (k % 25 == 3)
		snprintf(text, sizeof text, "<script>alert(1)</script>");
	else if (k % 25 == 4)
		snprintf(text, sizeof text,
		    "<img src=x onerror=\"document.body.dataset.pwned=1\">");
	else if (k % 4 == 0)
		snprintf(text, sizeof text, "message %lu from %s \"quoted\" "
		    "caf\xc3\xa9 \xe2\x9c\x93", k, cities[(k / 4) % nc].name);
	else
		snprintf(text, sizeof text, "message %lu: the quick brown fox "
		    "jumps over the lazy dog", k);
	snprintf(tm, sizeof tm, "2026-11-23T12:%02lu:%02luZ", (k / 60) % 60,
	    k % 60);
	it.id = id;
	it.id_len = strlen(id);
	it.user = user;
	it.user_len = strlen(user);
	it.text = text;
	it.text_len = strlen(text);
	it.time = tm;
	it.time_len = strlen(tm);
	if (k % 4 == 0) {
		it.has_geo = 1;
		it.lon = cities[(k / 4) % nc].lon;
		it.lat = cities[(k / 4) % nc].lat;
	}
	web_publish(&w, NULL, 0, &it);
}

int
main(int argc, char **argv)
{
	const char *port = "0", *token = NULL;
	double rate = 20, limit_s = 0, t0, next, last_stats = 0;
	unsigned long count = 0, k = 0, bench = 0, wait_clients = 0;
	unsigned nclients = WEB_CLIENTS_DEF, nring = WEB_RING_DEF;
	size_t sbsize = WEB_SENDBUF_DEF, rbsize = WEB_RINGBUF_DEF;
	struct pollfd fds[WEB_CLIENTS_DEF * 4 + 1];
	int c, st, waiting;
	double tb = 0, cb = 0;
	unsigned batch = 16;

	while ((c = getopt(argc, argv, "p:t:r:n:T:C:S:R:B:w:b:k:")) != -1) {
		switch (c) {
		case 'p': port = optarg; break;
		case 't': token = optarg; break;
		case 'r': rate = strtod(optarg, NULL); break;
		case 'n': count = strtoul(optarg, NULL, 10); break;
		case 'T': limit_s = strtod(optarg, NULL); break;
		case 'C': nclients = (unsigned)strtoul(optarg, NULL, 10); break;
		case 'S': sbsize = strtoul(optarg, NULL, 10); break;
		case 'R': nring = (unsigned)strtoul(optarg, NULL, 10); break;
		case 'B': rbsize = strtoul(optarg, NULL, 10); break;
		case 'w': wait_clients = strtoul(optarg, NULL, 10); break;
		case 'b': bench = strtoul(optarg, NULL, 10); break;
		case 'k': batch = (unsigned)strtoul(optarg, NULL, 10); break;
		default:
			fprintf(stderr, "usage: webdrv [-p port] [-t token] "
			    "[-r rate] [-n count] [-T s] [-C n] [-S n] [-R n] "
			    "[-B n] [-w n] [-b n]\n");
			return 2;
		}
	}
	if (nclients > WEB_CLIENTS_DEF * 4)
		nclients = WEB_CLIENTS_DEF * 4;
	clients = calloc(nclients, sizeof *clients);
	sendbuf = malloc(nclients * sbsize);
	ring = calloc(nring, sizeof *ring);
	ringbuf = malloc(rbsize);
	if (!clients || !sendbuf || !ring || !ringbuf)
		return 1;
	cfg.addr = "127.0.0.1";
	cfg.port = port;
	cfg.token = token;
	cfg.on_track = on_track;
	cfg.clients = clients;
	cfg.max_clients = nclients;
	cfg.sendbuf = sendbuf;
	cfg.sendbuf_size = sbsize;
	cfg.ring = ring;
	cfg.ring_events = nring;
	cfg.ringbuf = ringbuf;
	cfg.ringbuf_size = rbsize;
	cfg.sock_sndbuf = WEB_SOCK_SNDBUF_DEF;
	if ((st = web_init(&w, &cfg)) < 0) {
		fprintf(stderr, "webdrv: web_init: %d: %s\n", st,
		    strerror(errno));
		return 1;
	}
	signal(SIGTERM, on_sig);
	signal(SIGINT, on_sig);
	signal(SIGPIPE, SIG_IGN);
	printf("port %u\nstorage %lu bytes (web %lu, client %lu)\n",
	    web_port(&w), (unsigned long)(sizeof w + nclients *
	    (sizeof *clients + sbsize) + nring * sizeof *ring + rbsize),
	    (unsigned long)sizeof w, (unsigned long)sizeof *clients);
	fflush(stdout);
	t0 = now();
	next = t0;
	waiting = wait_clients > 0;
	while (!stop) {
		int n = 0, timeout = -1;
		double t = now();

		if (limit_s > 0 && t - t0 >= limit_s)
			break;
		if (waiting && web_counters(&w)->sse + web_counters(&w)->ws
		    >= wait_clients) {
			waiting = 0;
			printf("clients %lu\n", wait_clients);
			fflush(stdout);
			next = t = now();
			tb = t;
			cb = cpu();
		}
		if (!waiting && bench) {
			unsigned j;

			if (tb == 0) {
				tb = now();
				cb = cpu();
			}
			for (j = 0; j < batch && k < bench; j++)
				publish(++k);
			if (k >= bench) {
				printf("bench %lu messages %.3f s cpu %.3f s\n",
				    k, now() - tb, cpu() - cb);
				fflush(stdout);
				bench = 0;
				count = k;
			}
			timeout = 0;
		} else if (!waiting && (count == 0 || k < count)) {
			if (tb == 0) {
				tb = now();
				cb = cpu();
			}
			while (t >= next && (count == 0 || k < count)) {
				publish(++k);
				next += 1.0 / rate;
			}
			if (count && k == count) {
				printf("bench %lu messages %.3f s cpu %.3f s\n",
				    k, now() - tb, cpu() - cb);
				fflush(stdout);
			}
			timeout = (int)((next - t) * 1000) + 1;
		}
		if (t - last_stats >= 0.5) {
			char js[256];
			int l = snprintf(js, sizeof js, "{\"received\":%lu,"
			    "\"written\":%lu,\"reconnects\":0}", k, k);

			web_stats(&w, js, (size_t)l);
			last_stats = t;
		}
		web_poll_fds(&w, fds, (int)(sizeof fds / sizeof fds[0]), &n,
		    &timeout);
		if (timeout > 200)
			timeout = 200;
		if (poll(fds, (nfds_t)n, timeout) < 0 && errno != EINTR)
			return 1;
		web_step(&w, fds, n);
	}
	{
		const struct web_counters *ct = web_counters(&w);

		if (stop)
			printf("stopped by signal %d\n", (int)stop);
		printf("done published %lu accepted %lu dropped_slow %lu "
		    "refused %lu gaps %lu clients %u\n",
		    (unsigned long)ct->published, (unsigned long)ct->accepted,
		    (unsigned long)ct->dropped_slow,
		    (unsigned long)ct->refused, (unsigned long)ct->gaps,
		    ct->clients);
	}
	web_close(&w);
	return 0;
}
