/* webreaders -- test peer for sluice --serve under load.  MIT licensed, see
 * LICENSE.  Test-only (stdio, malloc).  One process, one poll loop:
 *   - the upstream: listens on 127.0.0.1 (port printed as "upstream P"),
 *     takes sluice's request and answers with FILE's bytes, COPIES times,
 *     chunked (Content-Encoding: gzip with -z: FILE is then gzip data);
 *   - N SSE viewers of sluice's /events that read everything and check
 *     the event ids ("id: N" lines) are 1, 2, 3, ... without a gap;
 *   - S stalled viewers (SO_RCVBUF 4096) that never read.
 * The body is held back until sluice's /stats shows all N+S viewers, so
 * every viewer sees every event; before the last chunk it reads /stats
 * again for the web counters.  Ends when sluice closes the upstream
 * connection and every viewer (sluice exits at the end of the stream).
 *
 * usage: webreaders -p WEBPORT -f FILE [-c COPIES] [-z] [-n N] [-s S]
 *                   [-T SECONDS] [-r BYTES_PER_SECOND]
 * -r paces the upstream body (default: as fast as sluice reads).
 * Prints "upstream P" at once, then at the end:
 *   capture_s X bytes B
 *   viewers N ok K events MIN..MAX first F
 *   stalled S events E
 *   web published P dropped_slow D sse V
 * and exits 0 when all N viewers got the same gap-free run 1..MAX. */
#define _DEFAULT_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/wait.h>

struct viewer {
	int fd;
	int head;		/* response head seen */
	int bol;		/* at the start of a line */
	int match;		/* bytes of "id: " matched at this line */
	int inid;		/* reading the id digits */
	unsigned long long cur, first, last, count;
	int bad;		/* an id out of order */
	int eof;
};

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static void
die(const char *m)
{
	fprintf(stderr, "webreaders: %s: %s\n", m, strerror(errno));
	exit(2);
}

static int
connect_to(int port, int rcvbuf, double deadline)
{
	struct sockaddr_in a;
	int fd;

	memset(&a, 0, sizeof a);
	a.sin_family = AF_INET;
	a.sin_port = htons((unsigned short)port);
	a.sin_addr.s_addr = htonl(0x7f000001);
	for (;;) {
		fd = socket(AF_INET, SOCK_STREAM, 0);
		if (fd < 0)
			die("socket");
		if (rcvbuf)
			setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf,
			    sizeof rcvbuf);
		if (connect(fd, (struct sockaddr *)&a, sizeof a) == 0)
			return fd;
		close(fd);
		if (now() > deadline)
			die("connect to the web port");
		usleep(20000);
	}
}

static void
send_all(int fd, const char *p, size_t n)
{
	while (n) {
		ssize_t r = write(fd, p, n);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			die("write");
		p += r;
		n -= (size_t)r;
	}
}

/* A blocking GET /stats; copies a field's value (or 0). */
static unsigned long long
field(const char *j, const char *name)
{
	char key[64];
	const char *p;

	snprintf(key, sizeof key, "\"%s\":", name);
	p = strstr(j, key);
	return p ? strtoull(p + strlen(key), NULL, 10) : 0;
}

static void
get_stats(int port, char *out, size_t cap)
{
	int fd = connect_to(port, 0, now() + 5);
	size_t got = 0;
	ssize_t r;
	const char *req = "GET /stats HTTP/1.1\r\nConnection: close\r\n\r\n";

	send_all(fd, req, strlen(req));
	while (got < cap - 1 && (r = read(fd, out + got, cap - 1 - got)) > 0)
		got += (size_t)r;
	out[got] = '\0';
	close(fd);
}

/* Scans SSE bytes for "id: N" lines. */
static void
scan(struct viewer *v, const char *p, size_t n)
{
	size_t i = 0;

	if (!v->head) {
		/* the head arrives whole on loopback, the events after it */
		for (; i + 3 < n; i++)
			if (memcmp(p + i, "\r\n\r\n", 4) == 0)
				break;
		if (i + 3 >= n)
			return;
		v->head = 1;
		v->bol = 1;
		i += 4;
	}
	while (i < n) {
		const char *q;

		if (v->inid) {
			while (i < n && p[i] >= '0' && p[i] <= '9')
				v->cur = v->cur * 10 + (unsigned)(p[i++] - '0');
			if (i == n)
				return;
			if (v->count && v->cur != v->last + 1)
				v->bad = 1;
			if (v->count == 0)
				v->first = v->cur;
			v->last = v->cur;
			v->count++;
			v->inid = 0;
			v->bol = 0;
		}
		if (v->bol) {
			while (v->match < 4 && i < n &&
			    p[i] == "id: "[v->match]) {
				v->match++;
				i++;
			}
			if (v->match == 4) {
				v->inid = 1;
				v->cur = 0;
				v->match = 0;
				continue;
			}
			if (i == n)
				return;
			v->match = 0;
			v->bol = 0;
		}
		/* the rest of the line: skipped at memchr speed */
		q = memchr(p + i, '\n', n - i);
		if (q == NULL)
			return;
		i = (size_t)(q - p) + 1;
		v->bol = 1;
	}
}

int
main(int argc, char **argv)
{
	const char *file = NULL;
	int wport = 0, copies = 1, gz = 0, nv = 50, ns = 1, opt, lfd, up = -1;
	double limit = 120, rate = 0, t0, t1, deadline;
	struct viewer *v;
	int *stalled;
	char *data, *body, hbuf[8192], sj[4096];
	size_t dlen = 0, blen = 0, hl = 0, cap, k;
	int copy;
	char head[256];
	struct sockaddr_in a;
	socklen_t sl = sizeof a;
	FILE *f;
	struct pollfd *fds;
	int i, nf, up_eof = 0, one = 1, st;
	pid_t pid;
	unsigned long long mn = ~0ULL, mx = 0, first = 0;
	int ok = 0;

	while ((opt = getopt(argc, argv, "p:f:c:zn:s:T:r:")) != -1) {
		switch (opt) {
		case 'p': wport = (int)strtol(optarg, NULL, 10); break;
		case 'f': file = optarg; break;
		case 'c': copies = (int)strtol(optarg, NULL, 10); break;
		case 'z': gz = 1; break;
		case 'n': nv = (int)strtol(optarg, NULL, 10); break;
		case 's': ns = (int)strtol(optarg, NULL, 10); break;
		case 'T': limit = strtod(optarg, NULL); break;
		case 'r': rate = strtod(optarg, NULL); break;
		default:
			fprintf(stderr, "usage: webreaders -p WEBPORT -f FILE "
			    "[-c COPIES] [-z] [-n N] [-s S] [-T SECONDS] "
			    "[-r BYTES/S]\n");
			return 2;
		}
	}
	if (!wport || !file || copies < 1 || nv < 0 || ns < 0)
		return 2;
	/* the body, chunked once: 16 KiB chunks */
	if ((f = fopen(file, "rb")) == NULL)
		die(file);
	fseek(f, 0, SEEK_END);
	dlen = (size_t)ftell(f);
	fseek(f, 0, SEEK_SET);
	data = malloc(dlen + 1);
	if (!data || fread(data, 1, dlen, f) != dlen)
		die("read FILE");
	fclose(f);
	cap = dlen + (dlen / 16384 + 1) * 16;
	body = malloc(cap);
	if (!body)
		die("malloc");
	for (k = 0; k < dlen; k += 16384) {
		size_t n = dlen - k < 16384 ? dlen - k : 16384;

		blen += (size_t)snprintf(body + blen, cap - blen, "%zx\r\n", n);
		memcpy(body + blen, data + k, n);
		blen += n;
		memcpy(body + blen, "\r\n", 2);
		blen += 2;
	}
	free(data);
	snprintf(head, sizeof head, "HTTP/1.1 200 OK\r\nContent-Type: "
	    "application/json\r\nTransfer-Encoding: chunked\r\n%s\r\n",
	    gz ? "Content-Encoding: gzip\r\n" : "");

	lfd = socket(AF_INET, SOCK_STREAM, 0);
	setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
	memset(&a, 0, sizeof a);
	a.sin_family = AF_INET;
	a.sin_addr.s_addr = htonl(0x7f000001);
	if (bind(lfd, (struct sockaddr *)&a, sizeof a) < 0 ||
	    listen(lfd, 4) < 0 || getsockname(lfd, (struct sockaddr *)&a,
	    &sl) < 0)
		die("listen");
	printf("upstream %u\n", ntohs(a.sin_port));
	fflush(stdout);
	deadline = now() + limit;

	/* the viewers, once sluice listens */
	v = calloc((size_t)nv + 1, sizeof *v);
	stalled = calloc((size_t)ns + 1, sizeof *stalled);
	fds = calloc((size_t)nv + 2, sizeof *fds);
	if (!v || !stalled || !fds)
		die("calloc");
	for (i = 0; i < ns; i++) {
		stalled[i] = connect_to(wport, 4096, deadline);
		send_all(stalled[i], "GET /events HTTP/1.1\r\n\r\n", 24);
	}
	for (i = 0; i < nv; i++) {
		v[i].fd = connect_to(wport, 0, deadline);
		send_all(v[i].fd, "GET /events HTTP/1.1\r\n\r\n", 24);
		fcntl(v[i].fd, F_SETFL, fcntl(v[i].fd, F_GETFL) | O_NONBLOCK);
	}
	/* all of them connected as far as sluice is concerned */
	for (;;) {
		get_stats(wport, sj, sizeof sj);
		if (field(sj, "sse") == (unsigned long long)(nv + ns))
			break;
		if (now() > deadline) {
			fprintf(stderr, "webreaders: viewers not all seen: "
			    "%s\n", sj);
			return 2;
		}
		usleep(20000);
	}

	/* the upstream in a child process, so that its writing never waits
	 * for the viewers' reading (one core each, as far as they go) */
	fflush(stdout);
	if ((pid = fork()) < 0)
		die("fork");
	if (pid == 0) {
		up = accept(lfd, NULL, NULL);
		if (up < 0)
			die("accept");
		while (!strstr(hbuf, "\r\n\r\n")) {
			ssize_t r = read(up, hbuf + hl, sizeof hbuf - 1 - hl);

			if (r <= 0)
				die("upstream request");
			hl += (size_t)r;
			hbuf[hl] = '\0';
		}
		t0 = now();
		send_all(up, head, strlen(head));
		for (copy = 0; copy < copies; copy++) {
			if (rate <= 0) {
				send_all(up, body, blen);
				continue;
			}
			for (k = 0; k < blen; k += 65536) {
				double due = t0 + (double)(copy * blen + k) /
				    rate, d = due - now();

				if (d > 0)
					usleep((useconds_t)(d * 1e6));
				send_all(up, body + k, blen - k < 65536 ?
				    blen - k : 65536);
			}
		}
		/* the web counters, then the last chunk */
		get_stats(wport, sj, sizeof sj);
		send_all(up, "0\r\n\r\n", 5);
		while (read(up, hbuf, sizeof hbuf) > 0)
			;
		t1 = now();
		printf("capture_s %.3f bytes %zu\n", t1 - t0,
		    strlen(head) + (size_t)copies * blen + 5);
		printf("web published %llu skipped %llu dropped_slow %llu "
		    "sse %llu\n", field(sj, "published"),
		    field(sj, "skipped"), field(sj, "dropped_slow"),
		    field(sj, "sse"));
		fflush(stdout);
		free(body);
		free(v);
		free(stalled);
		free(fds);
		_exit(0);
	}
	close(lfd);
	for (;;) {
		nf = 0;
		for (i = 0; i < nv; i++) {
			if (v[i].eof)
				continue;
			fds[nf].fd = v[i].fd;
			fds[nf].events = POLLIN;
			nf++;
		}
		if (nf == 0 || now() > deadline)
			break;
		if (poll(fds, (nfds_t)nf, 1000) < 0 && errno != EINTR)
			die("poll");
		for (k = 0; k < (size_t)nf; k++) {
			static char buf[262144];
			struct viewer *w = NULL;
			ssize_t r;

			if (!fds[k].revents)
				continue;
			for (i = 0; i < nv; i++)
				if (v[i].fd == fds[k].fd && !v[i].eof)
					w = &v[i];
			if (w == NULL)
				continue;
			while ((r = read(w->fd, buf, sizeof buf)) > 0)
				scan(w, buf, (size_t)r);
			if (r == 0 || (r < 0 && errno != EAGAIN)) {
				w->eof = 1;
				close(w->fd);
			}
		}
	}
	up_eof = waitpid(pid, &st, 0) == pid && WIFEXITED(st) &&
	    WEXITSTATUS(st) == 0;
	for (i = 0; i < nv; i++) {
		if (v[i].count < mn)
			mn = v[i].count;
		if (v[i].last > mx)
			mx = v[i].last;
	}
	for (i = 0; i < nv; i++)
		if (!v[i].bad && v[i].count == mx && v[i].first == 1 &&
		    v[i].last == mx)
			ok++;
	if (nv)
		first = v[0].first;
	printf("viewers %d ok %d events %llu..%llu first %llu\n", nv, ok,
	    nv ? mn : 0, mx, first);
	for (i = 0; i < ns; i++) {
		static char buf[65536];
		struct viewer s;
		ssize_t r;

		memset(&s, 0, sizeof s);
		fcntl(stalled[i], F_SETFL, fcntl(stalled[i], F_GETFL) |
		    O_NONBLOCK);
		while ((r = read(stalled[i], buf, sizeof buf)) > 0)
			scan(&s, buf, (size_t)r);
		printf("stalled %d events %llu\n", i, s.count);
		close(stalled[i]);
	}
	fflush(stdout);
	free(body);
	free(v);
	free(stalled);
	free(fds);
	return up_eof && ok == nv ? 0 : 1;
}
