/* tlsget -- minimal HTTPS GET client on sock.c + tls.c, for tests and the
 * TLS bench.  MIT licensed, see LICENSE.
 *
 * usage: tlsget [-kPv] [-c CA] [-p PINS] [-n NAME] [-t MS] [-T UNIXTIME]
 *               [-r N] [-x PROXY] https://HOST:PORT/PATH
 *   -c CA     PEM bundle file or hashed directory (default: tls.h rules)
 *   -L        anchors on demand: CA is read per full handshake, only the
 *             anchors the server's chain needs are kept (tls.h)
 *   -p PINS   sha256//BASE64[;...]   -P  pins only (no chain check)
 *   -k        insecure (warns)       -n NAME  server name (SNI, check)
 *   -t MS     connect and handshake timeout (default 5000)
 *   -T TIME   validation time (Unix seconds)
 *   -r N      fetch N times in a row (session resumption); body once
 *   -x URL    HTTP CONNECT proxy     -v  report outcome details on stderr
 *   -S        print the server's pin on stderr
 *   -E PEM    print PEM's certificates as C trust anchors (the `brssl ta`
 *             format) and exit; build with -DTLSGET_TA_H='"file.h"' to
 *             compile them in (used when -c is not given)
 * Writes the response body to stdout.  Exit: 0 ok, 1 other, 2 usage,
 * 4 network / timeout / handshake failure / truncated, 5 TLS
 * verification, 8 HTTP status not 2xx.  Diagnostics name the outcome in
 * words (errstr()).
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "errstr.h"
#include "sock.h"
#include "tls.h"

/* Firmware-style build: anchors compiled in from a header in `brssl ta`
 * format (TAs[], TAs_NUM), e.g. made by `tlsget -E ca.pem`. */
#ifdef TLSGET_TA_H
#include TLSGET_TA_H
#endif

static struct {
	struct ca_store ta;
	struct tls_lazy lazy;
	unsigned char chain[TLS_CHAIN_MAX];
	struct ca_scan scan;
	struct tls tls;
	struct sock sock;
	unsigned char iobuf[BR_SSL_BUFSIZE_BIDI];
	char head[8192];
} g;

static int verbose;

static int
exit_for(int code)
{
	if (tls_is_verify_error(code))
		return 5;
	return 4;
}

static void
usage(void)
{
	fprintf(stderr, "usage: tlsget [-kLPSv] [-c CA] [-p PINS] [-n NAME] "
	    "[-t MS] [-T TIME] [-r N] [-x PROXY] https://HOST:PORT/PATH\n"
	    "       tlsget -E CA.pem\n");
	exit(2);
}

/* Waits for fd events with a timeout; EINTR is a timeout of 0 (callers
 * recompute deadlines on every round). */
static short
wait_fd(int fd, short ev, int ms)
{
	struct pollfd p;
	int n;

	p.fd = fd;
	p.events = ev;
	p.revents = 0;
	n = poll(&p, 1, ms);
	if (n < 0 && errno != EINTR) {
		perror("tlsget: poll");
		exit(1);
	}
	return n > 0 ? p.revents : 0;
}

static int
write_all(const unsigned char *p, size_t n)
{
	while (n > 0) {
		ssize_t w = write(1, p, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return -1;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

static long
parse_cl(const char *head)
{
	const char *p = head;

	while ((p = strchr(p, '\n')) != NULL) {
		p++;
		if (strncmp(p, "Content-Length:", 15) == 0 ||
		    strncmp(p, "content-length:", 15) == 0)
			return strtol(p + 15, NULL, 10);
	}
	return -1;
}

/* One GET.  Returns the exit code. */
static int
fetch(const char *host, const char *port, const char *path,
    const char *name, const char *proxy, int tmo, int print_body,
    int show_pin)
{
	char req[1024];
	size_t rl, off = 0, hl = 0;
	long cl = -1, got = 0;
	int rc, head_done = 0, status = 0;
	struct timespec t0, t1;

	sock_init(&g.sock);
	if (proxy && sock_set_proxy(&g.sock, proxy) < 0) {
		fprintf(stderr, "tlsget: %s\n", sock_msg(&g.sock));
		return 2;
	}
	rc = sock_connect(&g.sock, host, port, tmo);
	if (rc < 0) {
		fprintf(stderr, "tlsget: %s\n", sock_msg(&g.sock));
		return 4;
	}
	if (g.tls.insecure)	/* on every connect */
		fprintf(stderr, "tlsget: warning: --insecure: the server's "
		    "certificate is not verified\n");
	clock_gettime(CLOCK_MONOTONIC, &t0);
	if ((rc = tls_start(&g.tls, g.sock.fd, name, tmo)) < 0)
		goto tls_fail;
	for (;;) {
		rc = tls_step(&g.tls, 0);
		if (rc < 0)
			goto tls_fail;
		if (rc == TLS_READY)
			break;
		if (rc == 0)
			wait_fd(g.sock.fd, tls_want(&g.tls),
			    tls_timeout_ms(&g.tls));
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	if (verbose)
		fprintf(stderr, "tlsget: handshake %s %.3f ms (%s)\n",
		    tls_resumed(&g.tls) ? "resumed" : "full",
		    (t1.tv_sec - t0.tv_sec) * 1e3 +
		    (t1.tv_nsec - t0.tv_nsec) / 1e6, tls_impl(&g.tls));
	if (verbose && g.tls.lazy != NULL && !tls_resumed(&g.tls))
		fprintf(stderr, "tlsget: %zu anchors fetched on demand for "
		    "%u certificates\n", g.lazy.set.n, g.lazy.ncerts);
	if (tls_clock_fallback(&g.tls))
		fprintf(stderr, "tlsget: warning: clock before build date; "
		    "validating at the build date\n");
	if (show_pin) {
		char pin[64];

		if (tls_peer_pin(&g.tls, pin, sizeof pin) == 0)
			fprintf(stderr, "tlsget: pin %s\n", pin);
	}
	rl = (size_t)snprintf(req, sizeof req, "GET %s HTTP/1.1\r\nHost: %s"
	    "\r\nUser-Agent: tlsget\r\nConnection: close\r\n\r\n", path, name);
	if (rl >= sizeof req)
		return 2;
	for (;;) {
		const unsigned char *p;
		size_t n, used;

		if (off < rl) {
			if ((rc = tls_write(&g.tls, req + off, rl - off,
			    &used)) < 0)
				goto tls_fail;
			off += used;
		}
		rc = tls_step(&g.tls, 0);
		if (rc == TLS_CLOSED) {
			if (verbose)
				fprintf(stderr, "tlsget: close_notify\n");
			break;
		}
		if (rc == TLS_E_TRUNCATED && head_done && cl >= 0 &&
		    got >= cl)
			break;
		if (rc < 0)
			goto tls_fail;
		if (rc == 0) {
			wait_fd(g.sock.fd, tls_want(&g.tls), 30000);
			continue;
		}
		tls_read_avail(&g.tls, &p, &n);
		if (n == 0)
			continue;
		if (!head_done) {
			size_t take = n, i;
			char *e;

			if (take > sizeof g.head - 1 - hl)
				take = sizeof g.head - 1 - hl;
			memcpy(g.head + hl, p, take);
			g.head[hl + take] = '\0';
			e = strstr(g.head, "\r\n\r\n");
			if (e == NULL) {
				if (hl + take == sizeof g.head - 1) {
					fprintf(stderr, "tlsget: head too "
					    "long\n");
					return 1;
				}
				hl += take;
				tls_read_ack(&g.tls, take);
				continue;
			}
			i = (size_t)(e + 4 - g.head) - hl;
			tls_read_ack(&g.tls, i);
			head_done = 1;
			*e = '\0';
			if (sscanf(g.head, "HTTP/1.%*d %d", &status) != 1)
				status = 0;
			cl = parse_cl(g.head);
			if (verbose)
				fprintf(stderr, "tlsget: status %d\n", status);
			if (cl == 0)
				break;
			continue;
		}
		if (print_body && write_all(p, n) < 0) {
			perror("tlsget: write");
			return 3;
		}
		got += (long)n;
		tls_read_ack(&g.tls, n);
		if (cl >= 0 && got >= cl)
			break;
	}
	sock_close(&g.sock);
	if (status < 200 || status > 299) {
		fprintf(stderr, "tlsget: HTTP status %d\n", status);
		return 8;
	}
	return 0;
tls_fail:
	sock_close(&g.sock);
	if (tls_is_verify_error(rc))
		fprintf(stderr, "tlsget: TLS verification failed: %s\n",
		    errstr(rc));
	else
		fprintf(stderr, "tlsget: TLS: %s\n", errstr(rc));
	return exit_for(rc);
}

static void
c_bytes(const char *name, unsigned i, const unsigned char *p, size_t n)
{
	size_t k;

	printf("static const unsigned char TA%u_%s[] = {", i, name);
	for (k = 0; k < n; k++)
		printf("%s0x%02X%s", k % 12 ? " " : "\n\t", p[k],
		    k + 1 < n ? "," : "");
	printf("\n};\n\n");
}

/* Prints the anchors of a PEM file as C, in `brssl ta`'s layout. */
static int
emit_anchors(const char *path)
{
	size_t i;
	int rc;

	ca_store_init(&g.ta);
	if ((rc = ca_store_load(&g.ta, path)) < 0) {
		fprintf(stderr, "tlsget: %s: %s\n", path, errstr(rc));
		return 1;
	}
	for (i = 0; i < g.ta.n; i++) {
		const br_x509_trust_anchor *ta = &g.ta.ta[i];

		c_bytes("DN", (unsigned)i, ta->dn.data, ta->dn.len);
		if (ta->pkey.key_type == BR_KEYTYPE_RSA) {
			c_bytes("RSA_N", (unsigned)i, ta->pkey.key.rsa.n,
			    ta->pkey.key.rsa.nlen);
			c_bytes("RSA_E", (unsigned)i, ta->pkey.key.rsa.e,
			    ta->pkey.key.rsa.elen);
		} else {
			c_bytes("EC_Q", (unsigned)i, ta->pkey.key.ec.q,
			    ta->pkey.key.ec.qlen);
		}
	}
	printf("static const br_x509_trust_anchor TAs[%zu] = {\n", g.ta.n);
	for (i = 0; i < g.ta.n; i++) {
		const br_x509_trust_anchor *ta = &g.ta.ta[i];
		unsigned k = (unsigned)i;

		printf("\t{\n\t\t{ (unsigned char *)TA%u_DN, sizeof TA%u_DN },"
		    "\n\t\t%s,\n", k, k, ta->flags & BR_X509_TA_CA ?
		    "BR_X509_TA_CA" : "0");
		if (ta->pkey.key_type == BR_KEYTYPE_RSA)
			printf("\t\t{ BR_KEYTYPE_RSA, { .rsa = {\n"
			    "\t\t\t(unsigned char *)TA%u_RSA_N, "
			    "sizeof TA%u_RSA_N,\n"
			    "\t\t\t(unsigned char *)TA%u_RSA_E, "
			    "sizeof TA%u_RSA_E,\n\t\t} } }\n", k, k, k, k);
		else
			printf("\t\t{ BR_KEYTYPE_EC, { .ec = {\n"
			    "\t\t\t%d, (unsigned char *)TA%u_EC_Q, "
			    "sizeof TA%u_EC_Q,\n\t\t} } }\n",
			    ta->pkey.key.ec.curve, k, k);
		printf("\t}%s\n", i + 1 < g.ta.n ? "," : "");
	}
	printf("};\n\n#define TAs_NUM %zu\n", g.ta.n);
	return 0;
}

int
main(int argc, char **argv)
{
	struct tls_config cfg;
	const char *ca = NULL, *name = NULL, *proxy = NULL, *url;
	char host[256], port[8] = "443";
	const char *path, *h, *e;
	int c, tmo = 5000, repeat = 1, i, rc = 0, show_pin = 0, lazy = 0;

	signal(SIGPIPE, SIG_IGN);
	memset(&cfg, 0, sizeof cfg);
	while ((c = getopt(argc, argv, "c:E:kLn:p:Pr:St:T:vx:")) != -1) {
		switch (c) {
		case 'E': return emit_anchors(optarg);
		case 'c': ca = optarg; break;
		case 'k': cfg.insecure = 1; break;
		case 'L': lazy = 1; break;
		case 'n': name = optarg; break;
		case 'p': cfg.pins = optarg; break;
		case 'P': cfg.pin_only = 1; break;
		case 'r': repeat = (int)strtol(optarg, NULL, 10); break;
		case 'S': show_pin = 1; break;
		case 't': tmo = (int)strtol(optarg, NULL, 10); break;
		case 'T': cfg.now = strtoll(optarg, NULL, 10); break;
		case 'v': verbose = 1; break;
		case 'x': proxy = optarg; break;
		default: usage();
		}
	}
	if (optind != argc - 1)
		usage();
	url = argv[optind];
	if (strncmp(url, "https://", 8) != 0)
		usage();
	h = url + 8;
	path = strchr(h, '/');
	if (path == NULL)
		path = "/";
	e = path[0] == '/' && path != h ? path : h + strlen(h);
	if (*h == '[') {
		const char *rb = strchr(h, ']');

		if (rb == NULL || rb - h - 1 >= (long)sizeof host)
			usage();
		memcpy(host, h + 1, (size_t)(rb - h - 1));
		host[rb - h - 1] = '\0';
		h = rb + 1;
	} else {
		const char *colon = memchr(h, ':', (size_t)(e - h));
		const char *he = colon ? colon : e;

		if (he - h >= (long)sizeof host)
			usage();
		memcpy(host, h, (size_t)(he - h));
		host[he - h] = '\0';
		h = he;
	}
	if (*h == ':') {
		if (e - h - 1 <= 0 || e - h - 1 >= (long)sizeof port)
			usage();
		memcpy(port, h + 1, (size_t)(e - h - 1));
		port[e - h - 1] = '\0';
	}
	if (name == NULL)
		name = host;
	ca_store_init(&g.ta);
	cfg.ta = g.ta.ta;
#ifdef TLSGET_TA_H
	if (ca == NULL) {
		cfg.ta = TAs;
		cfg.ta_count = TAs_NUM;
		if (verbose)
			fprintf(stderr, "tlsget: %d compiled-in anchors\n",
			    TAs_NUM);
	} else
#endif
	if (lazy && ((!cfg.insecure && !cfg.pin_only) || ca != NULL)) {
		rc = ca_scan_init(&g.scan, ca);
		if (rc < 0) {
			fprintf(stderr, "tlsget: trust anchors %s: %s\n",
			    ca ? ca : "(default)", errstr(rc));
			return 1;
		}
		if (verbose)
			fprintf(stderr, "tlsget: %d certificates in %s, read "
			    "on demand\n", rc, g.scan.path);
		cfg.find = ca_scan_find;
		cfg.find_arg = &g.scan;
		cfg.lazy = &g.lazy;
		cfg.chain = g.chain;
		cfg.chain_len = sizeof g.chain;
	} else if (!cfg.insecure && !cfg.pin_only) {
		rc = ca_store_load(&g.ta, ca);
		if (rc < 0) {
			fprintf(stderr, "tlsget: trust anchors %s: %s\n",
			    ca ? ca : "(default)", errstr(rc));
			return 1;
		}
		if (verbose)
			fprintf(stderr, "tlsget: %zu anchors, %zu pool bytes\n",
			    g.ta.n, g.ta.used);
		cfg.ta_count = g.ta.n;
	}
	if ((rc = tls_init(&g.tls, &cfg, g.iobuf, TLS_IOBUF_MONO)) < 0) {
		fprintf(stderr, "tlsget: %s\n", errstr(rc));
		return 2;
	}
	for (i = 0; i < repeat && rc == 0; i++)
		rc = fetch(host, port, path, name, proxy, tmo, i == 0,
		    show_pin);
	return rc;
}
