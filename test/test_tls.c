/* Unit tests for tls.c without a server: base64, pins, the PEM anchor
 * loader (limits shrunk here, so tls.c is compiled into this test), SPKI
 * hashing, dates, argument errors, and the engine pump over a socketpair
 * (peer gone, peer silent past the deadline); on-demand anchors (the set,
 * the CA file scan, the chain's DNs, limits) and whole handshakes with
 * them against an in-process BearSSL server over a socketpair (right and
 * wrong bundles, resumption, chain too large, pins, insecure, time).
 * Outcomes against real servers are in test/tls.sh. */
#define CA_STORE_MAX 3
#define CA_STORE_POOL 1024
#define TLS_CHAIN_MAX 1024	/* leaf + intermediate fit, + root does not */
#define TLS_CHAIN_CERTS 4
#define CA_SET_MAX 3
#define CA_CHUNK 61		/* the scan's reads split every PEM line */
#include "../ca.c"
#include "../tls.c"

#include <poll.h>
#include <stdio.h>
#include "t.h"
#include "tls_certs.h"
#include "tls_san_certs.h"

static const char cert_pem[] =
    "-----BEGIN CERTIFICATE-----\n"
    "MIIBgDCCASegAwIBAgIUDmKSqK2mwesf+eqpoEdZaVRRRzQwCgYIKoZIzj0EAwIw\n"
    "FjEUMBIGA1UEAwwLYW5jaG9yLnRlc3QwHhcNMjYxMTIzMTIzNDA2WhcNMzYxMTIw\n"
    "MTIzNDA2WjAWMRQwEgYDVQQDDAthbmNob3IudGVzdDBZMBMGByqGSM49AgEGCCqG\n"
    "SM49AwEHA0IABEhA0MlPKlKRA4/La41weQjaFjIUjFzqA4AZ5mm5xKusDVYdA2tT\n"
    "FaJL2m0ptEyg+y/6TrBjZ0Yt7vIkdv5TqfijUzBRMB0GA1UdDgQWBBRiEL4RWsHa\n"
    "+/UTPMpJvBQSkGDOUjAfBgNVHSMEGDAWgBRiEL4RWsHa+/UTPMpJvBQSkGDOUjAP\n"
    "BgNVHRMBAf8EBTADAQH/MAoGCCqGSM49BAMCA0cAMEQCIBrYjkN9hH4OnISueMLa\n"
    "c93NN36VlDg27j897DS1B6a5AiBjo97Qso9kGFqnhDhoevKZonz/hZCvsx7NIqnz\n"
    "hsX6vQ==\n"
    "-----END CERTIFICATE-----\n";
/* openssl x509 -pubkey | openssl pkey -pubin -outform der | sha256 */
static const char cert_pin[] = "4izNktjfN3kJmr/PVb8W0Pc6tS9KQ3f2FteDnvlj2qc=";
/* DER of "CN=anchor.test" */
static const unsigned char cert_dn[] = {
	0x30, 0x16, 0x31, 0x14, 0x30, 0x12, 0x06, 0x03, 0x55, 0x04, 0x03,
	0x0c, 0x0b, 'a', 'n', 'c', 'h', 'o', 'r', '.', 't', 'e', 's', 't'
};

static struct ca_store ta;
static struct tls t;
static unsigned char iobuf[BR_SSL_BUFSIZE_MONO];

static int
base64(void)
{
	unsigned char out[40];
	char enc[64];
	size_t n;

	check(b64_decode("aGVsbG8=", 8, out, sizeof out) == 5);
	check(memcmp(out, "hello", 5) == 0);
	check(b64_decode("aGk=", 4, out, sizeof out) == 2);
	check(b64_decode("aGVs", 4, out, sizeof out) == 3);
	check(b64_decode("", 0, out, sizeof out) == 0);
	check(b64_decode("aGVsbG8", 7, out, sizeof out) == -1);	/* length */
	check(b64_decode("aG=s", 4, out, sizeof out) == -1);	/* pad mid */
	check(b64_decode("a=Vs", 4, out, sizeof out) == -1);
	check(b64_decode("aGk=aGk=", 8, out, sizeof out) == -1);
	check(b64_decode("aG!s", 4, out, sizeof out) == -1);
	check(b64_decode("aGVsbG8=", 8, out, 4) == -1);	/* room */
	n = b64_encode((const unsigned char *)"hello", 5, enc);
	check(n == 8 && memcmp(enc, "aGVsbG8=", 8) == 0);
	n = b64_encode((const unsigned char *)"hi", 2, enc);
	check(n == 4 && memcmp(enc, "aGk=", 4) == 0);
	return 0;
}

static int
pins(void)
{
	static const char *const bad[] = {
		"sha256/4izNktjfN3kJmr/PVb8W0Pc6tS9KQ3f2FteDnvlj2qc=",
		"sha1//4izNktjfN3kJmr/PVb8W0Pc6tS9KQ3f2FteDnvlj2qc=",
		"sha256//4izNktjfN3kJmr/PVb8W0Pc6tS9KQ3f2FteDnvlj2q",
		"sha256//aGVsbG8=",
		"sha256//",
		";",
		"sha256//4izNktjfN3kJmr/PVb8W0Pc6tS9KQ3f2FteDnvlj2qc=;;",
	};
	char p5[(TLS_PINS_MAX + 1) * 54];
	size_t i, n;

	check(parse_pins(&t, "sha256//4izNktjfN3kJmr/PVb8W0Pc6tS9KQ3f2FteDnv"
	    "lj2qc=") == 0);
	check(t.npins == 1 && t.pins[0][0] == 0xe2);
	check(parse_pins(&t, "sha256//4izNktjfN3kJmr/PVb8W0Pc6tS9KQ3f2FteDnv"
	    "lj2qc=; sha256//AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=")
	    == 0);
	check(t.npins == 2);
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++)
		check(parse_pins(&t, bad[i]) == TLS_E_PIN_SYNTAX);
	for (i = 0, n = 0; i < TLS_PINS_MAX + 1; i++)
		n += (size_t)snprintf(p5 + n, sizeof p5 - n, "%ssha256//%s",
		    i ? ";" : "", cert_pin);
	check(parse_pins(&t, p5) == TLS_E_PIN_SYNTAX);	/* too many */
	return 0;
}

static int
anchors_from_memory(void)
{
	const br_x509_trust_anchor *a;
	unsigned char h[32], want[32];
	char bundle[4 * sizeof cert_pem + 64];

	ca_store_init(&ta);
	check(ca_store_load_pem(&ta, (const unsigned char *)cert_pem,
	    strlen(cert_pem)) == 1);
	check(ta.n == 1);
	a = &ta.ta[0];
	check(a->dn.len == sizeof cert_dn);
	check(memcmp(a->dn.data, cert_dn, sizeof cert_dn) == 0);
	check(a->flags == BR_X509_TA_CA);
	check(a->pkey.key_type == BR_KEYTYPE_EC);
	check(a->pkey.key.ec.curve == BR_EC_secp256r1);
	check(a->pkey.key.ec.qlen == 65 && a->pkey.key.ec.q[0] == 0x04);
	/* the SPKI rebuilt from the key hashes to openssl's pin */
	check(spki_hash(&a->pkey, h) == 0);
	check(b64_decode(cert_pin, strlen(cert_pin), want, 32) == 32);
	check(memcmp(h, want, 32) == 0);

	/* a bundle: a key object skipped, certificates counted */
	snprintf(bundle, sizeof bundle, "junk before\n-----BEGIN PRIVATE "
	    "KEY-----\nAAAA\n-----END PRIVATE KEY-----\n%s%s", cert_pem,
	    cert_pem);
	ca_store_init(&ta);
	check(ca_store_load_pem(&ta, (unsigned char *)bundle,
	    strlen(bundle)) == 2);
	/* fed one byte at a time through the file loader's path */
	{
		struct loader l;
		size_t i, n = strlen(bundle);

		ca_store_init(&ta);
		loader_init(&l, &ta);
		for (i = 0; i < n; i++)
			check(loader_push(&l, (unsigned char *)bundle + i, 1)
			    == 0);
		check(loader_end(&l) == 0 && l.added == 2 && ta.n == 2);
	}
	/* CA_STORE_MAX is 3 here: the fourth is refused, and sticky */
	snprintf(bundle, sizeof bundle, "%s%s%s%s", cert_pem, cert_pem,
	    cert_pem, cert_pem);
	ca_store_init(&ta);
	check(ca_store_load_pem(&ta, (unsigned char *)bundle,
	    strlen(bundle)) == CA_E_FULL);
	check(ta.err == CA_E_FULL);
	check(ca_store_load_pem(&ta, (const unsigned char *)cert_pem,
	    strlen(cert_pem)) == CA_E_FULL);
	return 0;
}

static int
anchors_bad(void)
{
	static const char nocert[] = "-----BEGIN PRIVATE KEY-----\nAAAA\n"
	    "-----END PRIVATE KEY-----\n";
	static const char badb64[] = "-----BEGIN CERTIFICATE-----\n!!!!\n"
	    "-----END CERTIFICATE-----\n";
	static const char cut[] = "-----BEGIN CERTIFICATE-----\nMIIB\n";
	static const char notder[] = "-----BEGIN CERTIFICATE-----\n"
	    "aGVsbG8gd29ybGQ=\n-----END CERTIFICATE-----\n";

	ca_store_init(&ta);
	check(ca_store_load_pem(&ta, (const unsigned char *)nocert,
	    strlen(nocert)) == CA_E_EMPTY);
	ca_store_init(&ta);
	check(ca_store_load_pem(&ta, (const unsigned char *)badb64,
	    strlen(badb64)) == CA_E_PEM);
	ca_store_init(&ta);
	check(ca_store_load_pem(&ta, (const unsigned char *)cut,
	    strlen(cut)) == CA_E_PEM);
	/* undecodable certificate: skipped, nothing left */
	ca_store_init(&ta);
	check(ca_store_load_pem(&ta, (const unsigned char *)notder,
	    strlen(notder)) == CA_E_EMPTY);
	check(ta.used == 0);
	ca_store_init(&ta);
	check(ca_store_load(&ta, "/nonexistent/ca.pem") == CA_E_OPEN);
	check(hashed_name("5a3f0ff8.0") && hashed_name("5a3f0ff8.12"));
	check(!hashed_name("5a3f0ff8.") && !hashed_name("5A3F0FF8.0") &&
	    !hashed_name("ca.pem") && !hashed_name("5a3f0ff8.0x"));
	return 0;
}

static int
dates(void)
{
	check(days_from_civil(1970, 1, 1) == 0);
	check(days_from_civil(2000, 3, 1) == 11017);
	check(days_from_civil(1969, 12, 31) == -1);
	check(days_from_civil(2024, 2, 29) == 19782);
	/* __DATE__ parsed: after 2024-01-01, not in the future */
	check(build_time() >= 1704067200);
	check(build_time() <= (int64_t)time(NULL) + 86400);
	return 0;
}

static int
config_errors(void)
{
	struct tls_config cfg;

	memset(&cfg, 0, sizeof cfg);
	ca_store_init(&ta);
	check(ca_store_load_pem(&ta, (const unsigned char *)cert_pem,
	    strlen(cert_pem)) == 1);
	cfg.ta = ta.ta;
	cfg.ta_count = ta.n;
	check(tls_init(&t, &cfg, iobuf, sizeof iobuf - 1) == TLS_E_ARG);
	check(tls_init(&t, &cfg, NULL, sizeof iobuf) == TLS_E_ARG);
	check(tls_start(&t, 0, "x", 0) == TLS_E_ARG);	/* sticky */
	cfg.ta_count = 0;
	check(tls_init(&t, &cfg, iobuf, sizeof iobuf) == TLS_E_ARG);
	cfg.insecure = 1;
	check(tls_init(&t, &cfg, iobuf, sizeof iobuf) == 0);
	cfg.insecure = 0;
	cfg.pin_only = 1;
	check(tls_init(&t, &cfg, iobuf, sizeof iobuf) == TLS_E_ARG);
	cfg.pins = "sha256//x";
	check(tls_init(&t, &cfg, iobuf, sizeof iobuf) == TLS_E_PIN_SYNTAX);
	cfg.pins = cert_pin;	/* no prefix */
	check(tls_init(&t, &cfg, iobuf, sizeof iobuf) == TLS_E_PIN_SYNTAX);
	cfg.pin_only = 0;
	cfg.pins = NULL;
	cfg.ta_count = ta.n;
	check(tls_init(&t, &cfg, iobuf, sizeof iobuf) == 0);
	check(tls_step(&t, 0) == TLS_E_STATE);	/* before tls_start */
	check(tls_init(&t, &cfg, iobuf, sizeof iobuf) == 0);
	{
		char host[TLS_HOST_MAX + 1];

		memset(host, 'a', sizeof host - 1);
		host[sizeof host - 1] = '\0';
		check(tls_start(&t, 0, host, 0) == TLS_E_HOST);
		check(tls_start(&t, 0, "", 0) == TLS_E_HOST);
	}
	return 0;
}

/* Drives the handshake over one end of a socketpair until it stops. */
static int
pump(int fd, int *rounds)
{
	int rc;

	for (*rounds = 0; *rounds < 1000; (*rounds)++) {
		struct pollfd p;

		rc = tls_step(&t, 0);
		if (rc != 0)
			return rc;
		p.fd = fd;
		p.events = tls_want(&t);
		p.revents = 0;
		poll(&p, 1, tls_timeout_ms(&t));
	}
	return 0;
}

static int
handshake_outcomes(void)
{
	struct tls_config cfg;
	unsigned char hello[5];
	int sv[2], rounds, rc;
	int64_t t0, dt;

	memset(&cfg, 0, sizeof cfg);
	cfg.ta = ta.ta;
	cfg.ta_count = ta.n;
	check(tls_init(&t, &cfg, iobuf, sizeof iobuf) == 0);
	check(strcmp(tls_impl(&t), "other") != 0);

	/* peer reads the ClientHello and says nothing: deadline */
	check(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0);
	fcntl(sv[0], F_SETFL, O_NONBLOCK);
	t0 = now_ms();
	check(tls_start(&t, sv[0], "anchor.test", 150) == 0);
	check(tls_want(&t) == POLLOUT);	/* ClientHello first */
	rc = pump(sv[0], &rounds);
	dt = now_ms() - t0;
	check(rc == TLS_E_TIMEOUT);
	check(dt >= 149 && dt < 1000);	/* ms rounding */
	check(read(sv[1], hello, 5) == 5 && hello[0] == 22);	/* handshake */
	check(tls_step(&t, 0) == TLS_E_TIMEOUT);	/* sticky */
	close(sv[0]);
	close(sv[1]);

	/* peer closes during the handshake */
	check(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0);
	fcntl(sv[0], F_SETFL, O_NONBLOCK);
	check(tls_start(&t, sv[0], "anchor.test", 1000) == 0);
	check(tls_step(&t, 0) == 0);		/* hello sent, waits */
	check(tls_want(&t) == POLLIN);
	{
		unsigned char junk[4096];

		/* drain the hello: AF_UNIX resets when unread data remains */
		check(read(sv[1], junk, sizeof junk) > 5);
	}
	close(sv[1]);
	check(pump(sv[0], &rounds) == TLS_E_HS_EOF);
	close(sv[0]);

	/* peer answers garbage: a BearSSL code, not a verification one */
	check(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0);
	fcntl(sv[0], F_SETFL, O_NONBLOCK);
	check(tls_start(&t, sv[0], "anchor.test", 1000) == 0);
	check(write(sv[1], "HTTP/1.1 400 Bad Request\r\n\r\n", 28) == 28);
	rc = pump(sv[0], &rounds);
	check(rc <= TLS_E_BEARSSL && !tls_is_verify_error(rc));
	close(sv[0]);
	close(sv[1]);
	return 0;
}

/* ---- on-demand anchors ---------------------------------------------- */

/* The first PEM object of text, as DER, into out[cap]; returns its
 * length (0 on failure). */
struct blob {
	unsigned char *p;
	size_t n, cap;
};

static void
blob_put(void *ctx, const void *p, size_t n)
{
	struct blob *b = ctx;

	if (n > b->cap - b->n) {
		b->cap = 0;	/* overflow: fail */
		return;
	}
	memcpy(b->p + b->n, p, n);
	b->n += n;
}

static size_t
pem_der(const char *pem, unsigned char *out, size_t cap)
{
	br_pem_decoder_context pc;
	struct blob b;
	size_t n = strlen(pem);
	int in = 0;

	b.p = out;
	b.n = 0;
	b.cap = cap;
	br_pem_decoder_init(&pc);
	while (n > 0) {
		size_t k = br_pem_decoder_push(&pc, pem, n);

		pem += k;
		n -= k;
		switch (br_pem_decoder_event(&pc)) {
		case BR_PEM_BEGIN_OBJ:
			br_pem_decoder_setdest(&pc, blob_put, &b);
			in = 1;
			break;
		case BR_PEM_END_OBJ:
			return in && b.cap ? b.n : 0;
		case BR_PEM_ERROR:
			return 0;
		}
	}
	return 0;
}

/* The in-process server: BearSSL over the other end of a socketpair. */
#define SRV_CHAIN 8
static struct {
	br_ssl_server_context sc;
	br_skey_decoder_context kd;
	br_ssl_session_cache_lru lru;
	unsigned char lrubuf[2048];
	br_x509_certificate chain[SRV_CHAIN];
	unsigned char der[SRV_CHAIN][1024];
	unsigned char keyder[512];
	unsigned char iobuf[BR_SSL_BUFSIZE_BIDI];
} srv;
static const char *srv_key = pem_leaf_key;	/* the leaves' key */

static int
srv_setup(const char *const *pems, size_t n)
{
	size_t i, kl;

	if (n > SRV_CHAIN)
		return -1;
	for (i = 0; i < n; i++) {
		srv.chain[i].data = srv.der[i];
		srv.chain[i].data_len = pem_der(pems[i], srv.der[i],
		    sizeof srv.der[i]);
		if (srv.chain[i].data_len == 0)
			return -1;
	}
	kl = pem_der(srv_key, srv.keyder, sizeof srv.keyder);
	br_skey_decoder_init(&srv.kd);
	br_skey_decoder_push(&srv.kd, srv.keyder, kl);
	if (kl == 0 || br_skey_decoder_last_error(&srv.kd) != 0 ||
	    br_skey_decoder_get_ec(&srv.kd) == NULL)
		return -1;
	br_ssl_server_init_full_ec(&srv.sc, srv.chain, n, BR_KEYTYPE_EC,
	    br_skey_decoder_get_ec(&srv.kd));
	br_ssl_session_cache_lru_init(&srv.lru, srv.lrubuf,
	    sizeof srv.lrubuf);
	br_ssl_server_set_cache(&srv.sc, &srv.lru.vtable);
	br_ssl_engine_set_buffer(&srv.sc.eng, srv.iobuf, sizeof srv.iobuf, 1);
	return 0;
}

/* Moves the server engine's records over fd without blocking. */
static void
srv_pump(int fd)
{
	br_ssl_engine_context *e = &srv.sc.eng;

	for (;;) {
		unsigned st = br_ssl_engine_current_state(e);
		unsigned char *buf;
		size_t len;
		ssize_t r;

		if (st & BR_SSL_CLOSED)
			return;
		if (st & BR_SSL_SENDREC) {
			buf = br_ssl_engine_sendrec_buf(e, &len);
			if ((r = write(fd, buf, len)) <= 0)
				return;
			br_ssl_engine_sendrec_ack(e, (size_t)r);
			continue;
		}
		if (st & BR_SSL_RECVREC) {
			buf = br_ssl_engine_recvrec_buf(e, &len);
			if ((r = read(fd, buf, len)) <= 0) {
				if (r == 0)
					br_ssl_engine_close(e);
				return;
			}
			br_ssl_engine_recvrec_ack(e, (size_t)r);
			continue;
		}
		return;
	}
}

/* One handshake of t (configured) with the server over a fresh
 * socketpair; returns tls_step()'s first non-zero result. */
static int
handshake(const char *host)
{
	int sv[2], i, rc = 0;

	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) != 0)
		return -9999;
	fcntl(sv[0], F_SETFL, O_NONBLOCK);
	fcntl(sv[1], F_SETFL, O_NONBLOCK);
	br_ssl_server_reset(&srv.sc);
	if ((rc = tls_start(&t, sv[0], host, 5000)) == 0) {
		for (i = 0; i < 10000 && rc == 0; i++) {
			rc = tls_step(&t, 0);
			srv_pump(sv[1]);
		}
	}
	close(sv[0]);
	close(sv[1]);
	return rc;
}

static struct tls_lazy lazy;
static unsigned char chainbuf[TLS_CHAIN_MAX];
static struct ca_scan scan;

static const char *
tls_text(int code)
{
	switch (code) {
#define TEXT_ROW(name, c, text) case c: return text;
	TLS_ERRORS(TEXT_ROW)
#undef TEXT_ROW
	}
	return "";
}
static int finds;

/* The file source, counting its calls. */
static int
count_find(void *arg, const br_x500_name *dn, size_t ndn,
    struct ca_set *out)
{
	finds++;
	return ca_scan_find(arg, dn, ndn, out);
}

static int
write_file(const char *path, const char *const *parts, size_t n)
{
	FILE *f = fopen(path, "w");
	size_t i;

	if (f == NULL)
		return -1;
	for (i = 0; i < n; i++)
		fputs(parts[i], f);
	return fclose(f);
}

static char tmpdir[] = "/tmp/test_tls.XXXXXX";

static const char *
tmp(const char *name)
{
	static char path[4][128];
	static unsigned k;
	char *p = path[k++ % 4];

	snprintf(p, sizeof path[0], "%s/%s", tmpdir, name);
	return p;
}

static void
lazy_cfg(struct tls_config *cfg)
{
	memset(cfg, 0, sizeof *cfg);
	cfg->find = count_find;
	cfg->find_arg = &scan;
	cfg->lazy = &lazy;
	cfg->chain = chainbuf;
	cfg->chain_len = sizeof chainbuf;
	cfg->now = CERTS_NOW;
}

static int
dn_is(const br_x500_name *dn, const char *pem)
{
	unsigned char der[512];
	br_x509_decoder_context dc;
	struct blob b;
	unsigned char dnbuf[256];
	size_t n = pem_der(pem, der, sizeof der);

	b.p = dnbuf;
	b.n = 0;
	b.cap = sizeof dnbuf;
	br_x509_decoder_init(&dc, blob_put, &b);
	br_x509_decoder_push(&dc, der, n);
	return n > 0 && b.cap && dn->len == b.n &&
	    memcmp(dn->data, dnbuf, b.n) == 0;
}

static int
scan_push_all(void *ctx, const unsigned char *p, size_t n, size_t *used)
{
	*used = n;
	return scan_push(ctx, p, n);
}

/* The scan's PEM reader, fed whole, per byte and at random splits: the
 * same anchors each time, and every cut of the text fails or finds
 * fewer, never more. */
static int
scan_splits(void)
{
	static char text[8 * sizeof pem_root];
	unsigned char der[512];
	br_x500_name want[2];
	struct ca_set set;
	size_t n, len, i;
	int mode, rc;

	n = (size_t)snprintf(text, sizeof text, "%s%s%s%s", pem_other1,
	    pem_root2, pem_root, pem_other2);
	len = pem_der(pem_root, der, sizeof der);
	check(ca_cert_names(der, len, &want[0], &want[1]) == 0);
	for (mode = 0; mode < T_NMODES; mode++) {
		memset(&scan, 0, sizeof scan);
		ca_set_init(&set);
		scan.want = want;
		scan.nwant = 1;
		scan.out = &set;
		check(t_feed(mode, scan_push_all, &scan, (unsigned char *)text,
		    n, NULL, NULL) == 0);
		check(scan.state == SC_OUT && scan.added == 2 && set.n == 2);
	}
	for (i = 0; i < n; i += 7) {
		memset(&scan, 0, sizeof scan);
		ca_set_init(&set);
		scan.want = want;
		scan.nwant = 1;
		scan.out = &set;
		rc = scan_push(&scan, (unsigned char *)text, i);
		check(rc == 0 || rc == CA_E_PEM);
		check(set.n <= 2);
	}
	return 0;
}

static int
lazy_units(void)
{
	unsigned char der[512];
	br_x500_name iss, sub, want[2];
	br_x509_trust_anchor a;
	struct ca_set set;
	struct tls_config cfg;
	size_t n, i;
	const char *parts[6];

	/* the chain's DNs, as the decoder sees the subject */
	n = pem_der(pem_leaf, der, sizeof der);
	check(n == 438);
	check(ca_cert_names(der, n, &iss, &sub) == 0);
	check(dn_is(&iss, pem_inter) && dn_is(&sub, pem_leaf));
	check(!dn_is(&iss, pem_root));
	for (i = 0; i < n; i++)	/* every cut fails cleanly */
		check(ca_cert_names(der, i, &iss, &sub) == -1);
	der[0] = 0x31;
	check(ca_cert_names(der, n, &iss, &sub) == -1);
	{
		/* hand-made: a 4-byte length, no version, empty fields */
		static unsigned char c[] = {
			0x30, 0x84, 0, 0, 0, 0x13,
			0x30, 0x11, 0x02, 0x01, 0x05, 0x30, 0x00,
			0x30, 0x02, 0x31, 0x00,			/* issuer */
			0x30, 0x00,
			0x30, 0x04, 0x31, 0x02, 0x30, 0x00	/* subject */
		};

		check(ca_cert_names(c, sizeof c, &iss, &sub) == 0);
		check(iss.data == c + 13 && iss.len == 4);
		check(sub.data == c + 19 && sub.len == 6);
		c[1] = 0x85;	/* 5 length bytes: refused */
		check(ca_cert_names(c, sizeof c, &iss, &sub) == -1);
		c[1] = 0x84;
		c[9] = 0x02;	/* the serial takes the next tag */
		check(ca_cert_names(c, sizeof c, &iss, &sub) == -1);
		c[9] = 0x01;
	}
	n = pem_der(pem_root, der, sizeof der);
	check(ca_cert_names(der, n, &iss, &sub) == 0);
	check(dn_is(&iss, pem_root) && dn_is(&sub, pem_root));

	/* the file source: counts at init, finds by DN */
	parts[0] = pem_other1;
	parts[1] = "-----BEGIN PRIVATE KEY-----\nAAAA\n"
	    "-----END PRIVATE KEY-----\n";
	parts[2] = pem_root2;
	parts[3] = pem_other2;
	parts[4] = pem_root;
	parts[5] = pem_root;	/* twice: one anchor */
	check(write_file(tmp("bundle.pem"), parts, 6) == 0);
	check(ca_scan_init(&scan, tmp("bundle.pem")) == 5);
	check(!scan.dir);
	ca_set_init(&set);
	want[0] = sub;		/* "CN=Lazy Root CA" */
	check(ca_scan_find(&scan, want, 1, &set) == 2);
	check(set.n == 2 && dn_is(&set.ta[0].dn, pem_root) &&
	    dn_is(&set.ta[1].dn, pem_root));
	check(set.ta[0].flags == BR_X509_TA_CA);
	check(set.ta[0].pkey.key_type == BR_KEYTYPE_EC &&
	    set.ta[0].pkey.key.ec.qlen == 65);
	check(!same_anchor(&set.ta[0], &set.ta[1]));	/* two keys */
	check(ca_scan_find(&scan, want, 1, &set) == 0);	/* dups */
	n = pem_der(pem_leaf, der, sizeof der);
	check(ca_cert_names(der, n, &want[0], &want[1]) == 0);
	ca_set_init(&set);
	check(ca_scan_find(&scan, want, 2, &set) == 0);	/* not CAs */
	check(set.n == 0);

	/* the scan's PEM reader agrees with ca_store_load_pem(): CRLF
	 * lines, the X509 label, no final newline */
	{
		static char crlf[4 * sizeof pem_root];
		const char *c;
		size_t k = 0, j;

		memcpy(crlf, "junk\r\n", 6);
		k = 6;
		for (c = pem_other1; *c; c++) {
			if (*c == '\n')
				crlf[k++] = '\r';
			crlf[k++] = *c;
		}
		c = strstr(pem_root, "-----END");
		k += (size_t)snprintf(crlf + k, sizeof crlf - k, "%s%.*s%s%s",
		    "-----BEGIN X509 CERTIFICATE-----\n",
		    (int)(c - pem_root - 28), pem_root + 28,
		    "-----END X509 CERTIFICATE-----\n", pem_other2);
		crlf[k - 1] = '\0';	/* no final newline */
		parts[0] = crlf;
		check(write_file(tmp("crlf.pem"), parts, 1) == 0);
		check(ca_scan_init(&scan, tmp("crlf.pem")) == 3);
		/* BearSSL's PEM decoder does not see CRLF banners */
		ca_store_init(&ta);
		check(ca_store_load(&ta, tmp("crlf.pem")) == 2);
		for (j = 0; j < ta.n; j++) {
			ca_set_init(&set);
			check(ca_scan_find(&scan, &ta.ta[j].dn, 1, &set)
			    == 1);
			check(same_anchor(&set.ta[0], &ta.ta[j]));
		}
		n = pem_der(pem_other1, der, sizeof der);
		check(ca_cert_names(der, n, &iss, &sub) == 0);
		ca_set_init(&set);
		check(ca_scan_find(&scan, &sub, 1, &set) == 1);
		check(dn_is(&set.ta[0].dn, pem_other1));
		check(unlink(tmp("crlf.pem")) == 0);
	}
	check(ca_scan_init(&scan, tmp("none.pem")) == CA_E_OPEN);
	parts[0] = "no certificates here\n";
	check(write_file(tmp("empty.pem"), parts, 1) == 0);
	check(ca_scan_init(&scan, tmp("empty.pem")) == CA_E_EMPTY);
	parts[0] = "-----BEGIN CERTIFICATE-----\n!!!!\n"
	    "-----END CERTIFICATE-----\n";
	check(write_file(tmp("bad.pem"), parts, 1) == 0);
	check(ca_scan_init(&scan, tmp("bad.pem")) == CA_E_PEM);
	parts[0] = "-----BEGIN CERTIFICATE-----\nMIIB\n";
	check(write_file(tmp("cut.pem"), parts, 1) == 0);
	check(ca_scan_init(&scan, tmp("cut.pem")) == CA_E_PEM);
	parts[0] = "-----BEGIN CERTIFICATE-----\nMIIB=A==\n"
	    "-----END CERTIFICATE-----\n";
	check(write_file(tmp("cut.pem"), parts, 1) == 0);
	check(ca_scan_init(&scan, tmp("cut.pem")) == CA_E_PEM);
	parts[0] = "-----BEGIN CERTIFICATE-----\nMIIBA\n"
	    "-----END CERTIFICATE-----\n";
	check(write_file(tmp("cut.pem"), parts, 1) == 0);
	check(ca_scan_init(&scan, tmp("cut.pem")) == CA_E_PEM);
	parts[0] = "-----BEGIN CERTIFICATE-----\nMIIB\n-----BEGIN "
	    "CERTIFICATE-----\n";
	check(write_file(tmp("cut.pem"), parts, 1) == 0);
	check(ca_scan_init(&scan, tmp("cut.pem")) == CA_E_PEM);

	/* the set: duplicates, the anchor limit, the pool limit */
	memset(der, 0x5a, sizeof der);	/* made-up DN and key bytes */
	ca_set_init(&set);
	memset(&a, 0, sizeof a);
	a.dn.data = der;
	a.dn.len = 200;
	a.pkey.key_type = BR_KEYTYPE_RSA;
	a.pkey.key.rsa.n = der;
	a.pkey.key.rsa.nlen = 256;
	a.pkey.key.rsa.e = der + 300;
	a.pkey.key.rsa.elen = 3;
	check(ca_set_add(&set, &a) == 1);
	check(ca_set_add(&set, &a) == 0);
	a.pkey.key.rsa.elen = 1;
	check(ca_set_add(&set, &a) == 1);
	a.pkey.key.rsa.elen = 2;
	check(ca_set_add(&set, &a) == 1);
	a.pkey.key.rsa.elen = 4;
	check(ca_set_add(&set, &a) == CA_E_FULL);	/* 3 max */
	check(set.n == CA_SET_MAX);
	ca_set_init(&set);
	a.pkey.key.rsa.nlen = 512;
	a.dn.len = 250;
	for (i = 0; i < 8; i++) {
		a.pkey.key.rsa.elen = i + 1;
		if (i < CA_SET_MAX)
			check(ca_set_add(&set, &a) == 1);
	}
	check(set.used == 3 * 762 + 6);	/* 8 x 768 fits 3 */
	a.pkey.key_type = 0;
	check(ca_set_add(&set, &a) == CA_E_CERT);
	{
		static unsigned char big[CA_SET_POOL];
		struct ca_set one;

		ca_set_init(&one);
		a.pkey.key_type = BR_KEYTYPE_RSA;
		a.dn.data = big;
		a.dn.len = CA_SET_POOL - 512;
		check(ca_set_add(&one, &a) == CA_E_FULL);
		check(one.n == 0 && one.used == 0);	/* all or nothing */
	}

	/* too many certificates: the wrapper, fed by hand */
	check(ca_scan_init(&scan, tmp("bundle.pem")) == 5);
	lazy_cfg(&cfg);
	check(tls_init(&t, &cfg, iobuf, sizeof iobuf) == 0);
	xw_start_chain(&t.xw.vtable, "test.example");
	for (i = 0; i < TLS_CHAIN_CERTS + 1; i++) {
		xw_start_cert(&t.xw.vtable, 4);
		xw_append(&t.xw.vtable, (const unsigned char *)"\x30\x02\x05"
		    "\x00", 4);
		xw_end_cert(&t.xw.vtable);
	}
	check(lazy.over && lazy.ncerts == TLS_CHAIN_CERTS);
	check(xw_end_chain(&t.xw.vtable) == BR_ERR_X509_LIMIT_EXCEEDED);
	check(t.lazy_err == TLS_E_CHAIN_BIG);
	/* a few junk certificates fit: BearSSL judges them, no anchors */
	xw_start_chain(&t.xw.vtable, "test.example");
	xw_start_cert(&t.xw.vtable, 4);
	xw_append(&t.xw.vtable, (const unsigned char *)"\x30\x02\x05\x00", 4);
	xw_end_cert(&t.xw.vtable);
	check(xw_end_chain(&t.xw.vtable) != 0 && t.lazy_err == 0);
	check(finds == 0);	/* no DN in junk: the source is not asked */
	/* find without storage, or without a chain buffer */
	cfg.chain = NULL;
	check(tls_init(&t, &cfg, iobuf, sizeof iobuf) == TLS_E_ARG);
	cfg.chain = chainbuf;
	cfg.chain_len = 0;
	check(tls_init(&t, &cfg, iobuf, sizeof iobuf) == TLS_E_ARG);
	cfg.chain_len = sizeof chainbuf;
	check(tls_init(&t, &cfg, iobuf, sizeof iobuf) == 0);
	cfg.lazy = NULL;
	check(tls_init(&t, &cfg, iobuf, sizeof iobuf) == TLS_E_ARG);
	return 0;
}

static int
lazy_handshakes(void)
{
	static const char *const good[] = { pem_leaf, pem_inter };
	static const char *const big[] = { pem_leaf, pem_inter, pem_root };
	struct tls_config cfg;
	const char *parts[3];
	char pin[64];
	int rc;

	/* the right root among several CAs */
	check(srv_setup(good, 2) == 0);
	check(ca_scan_init(&scan, tmp("bundle.pem")) == 5);
	lazy_cfg(&cfg);
	check(tls_init(&t, &cfg, iobuf, sizeof iobuf) == 0);
	finds = 0;
	check(handshake("test.example") == TLS_READY);
	check(!tls_resumed(&t) && finds == 1);
	check(lazy.set.n == 2);	/* root and root2: same DN */
	check(lazy.ncerts == 2 && lazy.chain_len == 438 + 414);
	check(tls_peer_pin(&t, pin, sizeof pin) == 0);
	/* resumed: no chain, the file is not read */
	check(handshake("test.example") == TLS_READY);
	check(tls_resumed(&t) && finds == 1);
	/* the name is still checked */
	rc = handshake("other.example");
	check(rc == TLS_E_BEARSSL - BR_ERR_X509_BAD_SERVER_NAME);
	check(finds == 2);
	/* validity at cfg.now / tls_set_time(), "not yet" told apart */
	check(tls_init(&t, &cfg, iobuf, sizeof iobuf) == 0);
	tls_set_time(&t, CERTS_NOW - 2 * 86400);
	check(handshake("test.example") == TLS_E_NOT_YET_VALID);
	tls_set_time(&t, CERTS_NOW + 30 * 365 * 86400LL);
	check(handshake("test.example") ==
	    TLS_E_BEARSSL - BR_ERR_X509_EXPIRED);
	/* pins on top of the chain */
	cfg.pins = "sha256//AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=";
	check(tls_init(&t, &cfg, iobuf, sizeof iobuf) == 0);
	check(handshake("test.example") == TLS_E_PIN);
	cfg.pins = pin;
	check(tls_init(&t, &cfg, iobuf, sizeof iobuf) == 0);
	check(handshake("test.example") == TLS_READY);
	cfg.pins = NULL;

	/* the wrong bundle: BearSSL's unknown issuer, as before */
	parts[0] = pem_other1;
	parts[1] = pem_other2;
	check(write_file(tmp("other.pem"), parts, 2) == 0);
	check(ca_scan_init(&scan, tmp("other.pem")) == 2);
	check(tls_init(&t, &cfg, iobuf, sizeof iobuf) == 0);
	rc = handshake("test.example");
	check(rc == TLS_E_BEARSSL - BR_ERR_X509_NOT_TRUSTED);
	check(tls_is_verify_error(rc) && lazy.set.n == 0);
	/* the same with the anchors in memory: the same verdicts */
	memset(&cfg, 0, sizeof cfg);
	cfg.now = CERTS_NOW;
	ca_store_init(&ta);
	check(ca_store_load(&ta, tmp("other.pem")) == 2);
	cfg.ta = ta.ta;
	cfg.ta_count = ta.n;
	check(tls_init(&t, &cfg, iobuf, sizeof iobuf) == 0);
	check(handshake("test.example") == rc);
	ca_store_init(&ta);
	check(ca_store_load_pem(&ta, (const unsigned char *)pem_root,
	    strlen(pem_root)) == 1);
	cfg.ta_count = ta.n;
	check(tls_init(&t, &cfg, iobuf, sizeof iobuf) == 0);
	check(handshake("test.example") == TLS_READY);

	/* a directory: hashed names only */
	check(mkdir(tmp("dir"), 0700) == 0);
	parts[0] = pem_root;
	check(write_file(tmp("dir/0123abcd.0"), parts, 1) == 0);
	parts[0] = pem_other1;
	check(write_file(tmp("dir/0123abcd.1"), parts, 1) == 0);
	parts[0] = pem_root2;
	check(write_file(tmp("dir/root2.pem"), parts, 1) == 0);
	check(ca_scan_init(&scan, tmp("dir")) == 2 && scan.dir);
	lazy_cfg(&cfg);
	check(tls_init(&t, &cfg, iobuf, sizeof iobuf) == 0);
	check(handshake("test.example") == TLS_READY);
	check(lazy.set.n == 1);

	/* the source fails: its error, not a verification one */
	check(unlink(tmp("dir/0123abcd.0")) == 0 &&
	    unlink(tmp("dir/0123abcd.1")) == 0 &&
	    unlink(tmp("dir/root2.pem")) == 0 && rmdir(tmp("dir")) == 0);
	check(tls_init(&t, &cfg, iobuf, sizeof iobuf) == 0);
	rc = handshake("test.example");
	check(rc == CA_E_OPEN && !tls_is_verify_error(rc));
	check(finds > 0);

	/* a chain larger than TLS_CHAIN_MAX */
	check(srv_setup(big, 3) == 0);
	check(ca_scan_init(&scan, tmp("bundle.pem")) == 5);
	check(tls_init(&t, &cfg, iobuf, sizeof iobuf) == 0);
	rc = handshake("test.example");
	check(rc == TLS_E_CHAIN_BIG && !tls_is_verify_error(rc));
	check(strcmp(tls_text(rc), "server certificate chain too large "
	    "for the chain buffer") == 0);
	/* insecure and pin-only never needed the anchors: as before */
	cfg.insecure = 1;
	check(tls_init(&t, &cfg, iobuf, sizeof iobuf) == 0);
	check(handshake("test.example") == TLS_READY);
	cfg.insecure = 0;
	cfg.pin_only = 1;
	cfg.pins = pin;
	check(tls_init(&t, &cfg, iobuf, sizeof iobuf) == 0);
	check(handshake("test.example") == TLS_READY);
	return 0;
}

/* ---- IP literals: the iPAddress walker and handshakes --------------- */

static int
san_push_fn(void *ctx, const unsigned char *p, size_t n, size_t *used)
{
	return ca_san_push(ctx, p, n, used);
}

static struct ca_san san;

static int
san_go_on(void *ctx, int st)
{
	(void)ctx;
	(void)st;
	return 0;
}

/* Walks der[0..n) for the address ip (a literal) in feeding mode: the
 * push status (1: certificate ended, -1: malformed, 0: cut short) and,
 * in *match, ca_san_match(). */
static int
san_walk(int mode, const unsigned char *der, size_t n, const char *ip,
    int *match)
{
	unsigned char a[16];
	unsigned al = ip_literal(ip, a);
	size_t used;
	int st;

	ca_san_init(&san, a, al);
	st = t_feed(mode, san_push_fn, &san, der, n, &used, san_go_on);
	*match = ca_san_match(&san);
	if (st < 0)
		return st;
	if (used != n)
		return -2;
	return san.state == SAN_DONE ? 1 : 0;
}

static int
ip_literals(void)
{
	unsigned char a[16];

	check(ip_literal("127.0.0.1", a) == 4 && memcmp(a, "\x7f\0\0\1", 4)
	    == 0);
	check(ip_literal("::1", a) == 16 && a[15] == 1 && a[0] == 0);
	check(ip_literal("[::1]", a) == 16 && a[15] == 1);
	check(ip_literal("fe80::1%eth0", a) == 16 && a[0] == 0xfe);
	check(ip_literal("[fe80::2%25eth0]", a) == 16 && a[15] == 2);
	check(ip_literal("::ffff:10.0.0.1", a) == 16 && a[10] == 0xff);
	check(ip_literal("2001:db8::1", a) == 16);
	check(ip_literal("test.example", a) == 0);
	check(ip_literal("localhost", a) == 0);
	check(ip_literal("1.2.3", a) == 0);
	check(ip_literal("256.1.1.1", a) == 0);
	check(ip_literal("1.2.3.4.", a) == 0);
	check(ip_literal("[127.0.0.1]", a) == 0);	/* not a v6 literal */
	check(ip_literal("[]", a) == 0 && ip_literal("%eth0", a) == 0);
	check(ip_literal("::1x", a) == 0 && ip_literal("", a) == 0);
	return 0;
}

/* Every certificate of tls_san_certs.h against addresses, whole, per
 * byte and at random splits (several). */
static int
san_certs(void)
{
	static const struct {
		const char *pem, *ip;
		int match;
	} v[] = {
		{ san_ip4, "127.0.0.1", 1 },
		{ san_ip4, "127.0.0.2", 0 },
		{ san_ip4, "::1", 0 },
		{ san_ip4, "::ffff:127.0.0.1", 0 },
		{ san_ip4other, "127.0.0.1", 0 },
		{ san_ip4other, "127.0.0.2", 1 },
		{ san_ip6, "::1", 1 },
		{ san_ip6, "[::1]", 1 },
		{ san_ip6, "::2", 0 },
		{ san_ip6, "127.0.0.1", 0 },
		{ san_ip6, "0.0.0.1", 0 },
		{ san_dns, "127.0.0.1", 0 },
		{ san_dnsip, "127.0.0.1", 0 },
		{ san_dnsip, "::1", 0 },
		{ san_cn, "127.0.0.1", 0 },
		{ san_many, "127.0.0.1", 1 },
		{ san_many, "::1", 1 },
		{ san_many, "2001:db8::1", 1 },
		{ san_many, "10.0.0.1", 1 },
		{ san_many, "10.0.0.2", 0 },
		{ san_many, "2001:db8::2", 0 },
		{ san_critical, "127.0.0.1", 1 },
		{ san_critical, "127.0.0.3", 0 },
		{ pem_leaf, "127.0.0.1", 0 },
		{ pem_root, "127.0.0.1", 0 },
		{ san_ca, "127.0.0.1", 0 },
	};
	unsigned char der[1024];
	size_t i, n;
	int mode, rep, m;

	for (i = 0; i < sizeof v / sizeof v[0]; i++) {
		n = pem_der(v[i].pem, der, sizeof der);
		check(n > 0);
		for (mode = 0; mode < T_NMODES; mode++)
			for (rep = 0; rep < (mode == T_SPLIT ? 20 : 1); rep++) {
				if (san_walk(mode, der, n, v[i].ip, &m) != 1)
					return (int)(1000 + i);
				if (m != v[i].match)
					return (int)(2000 + i);
			}
	}
	return 0;
}

/* Cut, extended and garbled certificates: no match unless whole, no
 * over-read (ASan in make check), the same verdict in every mode. */
static int
san_damaged(void)
{
	static const char *const pems[] = { san_ip4, san_many };
	unsigned char der[1024], bad[1025];
	size_t i, n, k;
	int st, m, mode, st0, m0;

	for (k = 0; k < 2; k++) {
		n = pem_der(pems[k], der, sizeof der);
		check(n > 0 && n < sizeof der);
		for (i = 0; i < n; i++)	/* every cut */
			for (mode = 0; mode < T_NMODES; mode++) {
				st = san_walk(mode, der, i, "127.0.0.1", &m);
				check((st == 0 || st == -1) && !m);
			}
		memcpy(bad, der, n);	/* one byte too many */
		bad[n] = 0;
		for (mode = 0; mode < T_NMODES; mode++) {
			st = san_walk(mode, bad, n + 1, "127.0.0.1", &m);
			check(st == -1 && !m);
		}
		/* a header length one larger (the outer one): now short */
		memcpy(bad, der, n);
		check(bad[0] == 0x30 && bad[1] == 0x82);
		bad[3]++;
		check(san_walk(T_WHOLE, bad, n, "127.0.0.1", &m) == 0 && !m);
		for (i = 0; i < n; i++) {	/* every byte garbled */
			static const unsigned char x[] = { 0x01, 0x80, 0xff };
			size_t j;

			for (j = 0; j < sizeof x; j++) {
				memcpy(bad, der, n);
				bad[i] ^= x[j];
				st0 = san_walk(T_WHOLE, bad, n, "127.0.0.1",
				    &m0);
				for (mode = 1; mode < T_NMODES; mode++) {
					st = san_walk(mode, bad, n, "127.0.0.1",
					    &m);
					check(st == st0 && m == m0);
				}
			}
		}
	}
	return 0;
}

/* Hand-made DER: a tiny writer. */
struct der {
	unsigned char b[256];
	size_t n;
};

static void
der_raw(struct der *d, const void *p, size_t n)
{
	memcpy(d->b + d->n, p, n);
	d->n += n;
}

/* Appends tag, length, in's bytes. */
static void
der_put(struct der *d, unsigned tag, const struct der *in)
{
	d->b[d->n++] = (unsigned char)tag;
	if (in->n >= 0x80)
		d->b[d->n++] = 0x81;
	d->b[d->n++] = (unsigned char)in->n;
	der_raw(d, in->b, in->n);
}

#define RAW(d, s) der_raw(d, s, sizeof s - 1)
#define OID_SAN "\x06\x03\x55\x1d\x11"
#define GN_LOCAL "\x87\x04\x7f\x00\x00\x01"

/* Appends one Extension: the OID's bytes, the critical flag's (or none),
 * extnValue's contents. */
static void
der_ext(struct der *d, const char *oid, size_t on, const char *crit,
    size_t cn, const char *val, size_t vn)
{
	struct der e, v;

	e.n = v.n = 0;
	der_raw(&e, oid, on);
	der_raw(&e, crit, cn);
	der_raw(&v, val, vn);
	der_put(&e, 0x04, &v);
	der_put(d, 0x30, &e);
}

/* A certificate: head (the tbsCertificate fields before extensions),
 * exts (the Extension SEQUENCEs, or NULL: no [3]), tail (after the
 * tbsCertificate). */
static size_t
der_cert(unsigned char *out, const char *head, size_t hn,
    const struct der *exts, const char *tail, size_t tn)
{
	struct der tbs, c, x, w;

	tbs.n = c.n = x.n = w.n = 0;
	der_raw(&tbs, head, hn);
	if (exts != NULL) {
		der_put(&x, 0x30, exts);
		der_put(&tbs, 0xa3, &x);
	}
	der_put(&c, 0x30, &tbs);
	der_raw(&c, tail, tn);
	der_put(&w, 0x30, &c);
	memcpy(out, w.b, w.n);
	return w.n;
}

#define HEAD "\xa0\x03\x02\x01\x02\x02\x01\x01\x30\x00\x30\x00\x30\x00" \
	"\x30\x00\x30\x00"
#define TAIL "\x30\x00\x03\x01\x00"

static int
san_handmade(void)
{
	/* extnValue contents: GeneralNames */
	static const char gn_one[] = "\x30\x06" GN_LOCAL;
	static const char gn_two[] = "\x30\x0b\x82\x03" "a.b" GN_LOCAL;
	static const char gn_five[] = "\x30\x07\x87\x05\x7f\x00\x00\x01\x00";
	static const char gn_dir[] = "\x30\x0a\xa4\x08\x30\x06" GN_LOCAL;
	static const char gn_empty[] = "\x30\x00";
	static const char gn_univ[] = "\x30\x08\x30\x06" GN_LOCAL;
	static const char gn_long[] = "\x30\x09" GN_LOCAL;	/* > parent */
	static const char gn_two_seq[] = "\x30\x06" GN_LOCAL "\x30\x00";
	unsigned char c[512];
	struct der e;
	size_t n;
	int m, mode;

#define WANT(st_, match_) do { \
		for (mode = 0; mode < T_NMODES; mode++) { \
			check(san_walk(mode, c, n, "127.0.0.1", &m) == (st_)); \
			check(m == (match_)); \
		} \
	} while (0)
#define EXT(oid, crit, gn) do { \
		e.n = 0; \
		der_ext(&e, oid, sizeof oid - 1, crit, sizeof crit - 1, gn, \
		    sizeof gn - 1); \
	} while (0)

	EXT(OID_SAN, "", gn_one);
	n = der_cert(c, HEAD, sizeof HEAD - 1, &e, TAIL, sizeof TAIL - 1);
	WANT(1, 1);
	check(san_walk(T_WHOLE, c, n, "127.0.0.2", &m) == 1 && !m);
	check(san_walk(T_WHOLE, c, n, "::1", &m) == 1 && !m);
	EXT(OID_SAN, "\x01\x01\xff", gn_one);	/* critical */
	n = der_cert(c, HEAD, sizeof HEAD - 1, &e, TAIL, sizeof TAIL - 1);
	WANT(1, 1);
	EXT(OID_SAN, "", gn_two);		/* DNS name, then the IP */
	n = der_cert(c, HEAD, sizeof HEAD - 1, &e, TAIL, sizeof TAIL - 1);
	WANT(1, 1);
	/* after another extension; the v1 head (no version) is walked */
	e.n = 0;
	der_ext(&e, "\x06\x03\x55\x1d\x13", 5, "\x01\x01\xff", 3,
	    "\x30\x00", 2);
	der_ext(&e, OID_SAN, 5, "", 0, gn_one, sizeof gn_one - 1);
	n = der_cert(c, &HEAD[5], sizeof HEAD - 6, &e, TAIL, sizeof TAIL - 1);
	WANT(1, 1);
	/* issuerUniqueID and subjectUniqueID before [3] */
	{
		static const char h[] = HEAD "\x81\x01\x00\x82\x01\x00";

		EXT(OID_SAN, "", gn_one);
		n = der_cert(c, h, sizeof h - 1, &e, TAIL, sizeof TAIL - 1);
		WANT(1, 1);
	}

	/* no match: the address in the wrong place, or not an address */
	EXT("\x06\x03\x55\x1d\x12", "", gn_one);	/* issuerAltName */
	n = der_cert(c, HEAD, sizeof HEAD - 1, &e, TAIL, sizeof TAIL - 1);
	WANT(1, 0);
	EXT("\x06\x04\x55\x1d\x11\x00", "", gn_one);	/* 2.5.29.17.0 */
	n = der_cert(c, HEAD, sizeof HEAD - 1, &e, TAIL, sizeof TAIL - 1);
	WANT(1, 0);
	EXT("\x06\x02\x55\x1d", "", gn_one);	/* 2.5.29 */
	n = der_cert(c, HEAD, sizeof HEAD - 1, &e, TAIL, sizeof TAIL - 1);
	WANT(1, 0);
	EXT(OID_SAN, "", gn_five);		/* 5 octets */
	n = der_cert(c, HEAD, sizeof HEAD - 1, &e, TAIL, sizeof TAIL - 1);
	WANT(1, 0);
	EXT(OID_SAN, "", gn_dir);		/* inside a directoryName */
	n = der_cert(c, HEAD, sizeof HEAD - 1, &e, TAIL, sizeof TAIL - 1);
	WANT(1, 0);
	{
		/* the SAN's bytes inside the subject, no extensions: a
		 * byte search would find them */
		static const char h[] = "\xa0\x03\x02\x01\x02\x02\x01\x01"
		    "\x30\x00\x30\x00\x30\x00\x30\x0f" OID_SAN "\x04\x08"
		    "\x30\x06" GN_LOCAL "\x30\x00";

		n = der_cert(c, h, sizeof h - 1, NULL, TAIL, sizeof TAIL - 1);
		WANT(1, 0);
	}

	/* malformed: -1 in every mode, no match */
	EXT(OID_SAN, "", gn_empty);		/* GeneralNames SIZE (1..) */
	n = der_cert(c, HEAD, sizeof HEAD - 1, &e, TAIL, sizeof TAIL - 1);
	WANT(-1, 0);
	EXT(OID_SAN, "", gn_univ);		/* not a GeneralName tag */
	n = der_cert(c, HEAD, sizeof HEAD - 1, &e, TAIL, sizeof TAIL - 1);
	WANT(-1, 0);
	EXT(OID_SAN, "", gn_long);		/* longer than its parent */
	n = der_cert(c, HEAD, sizeof HEAD - 1, &e, TAIL, sizeof TAIL - 1);
	WANT(-1, 0);
	{
		/* refused at its length octet already */
		size_t off = n - 5 - 8;

		check(c[off] == 0x30 && c[off + 1] == 0x09);
		for (mode = 0; mode < T_NMODES; mode++)
			check(san_walk(mode, c, off + 2, "127.0.0.1", &m) ==
			    -1);
	}
	EXT(OID_SAN, "", gn_two_seq);		/* two GeneralNames */
	n = der_cert(c, HEAD, sizeof HEAD - 1, &e, TAIL, sizeof TAIL - 1);
	WANT(-1, 0);
	EXT(OID_SAN, "\x01\x02\x00\xff", gn_one);	/* BOOLEAN of 2 */
	n = der_cert(c, HEAD, sizeof HEAD - 1, &e, TAIL, sizeof TAIL - 1);
	WANT(-1, 0);
	e.n = 0;				/* Extension without a value */
	RAW(&e, "\x30\x05" OID_SAN);
	n = der_cert(c, HEAD, sizeof HEAD - 1, &e, TAIL, sizeof TAIL - 1);
	WANT(-1, 0);
	e.n = 0;				/* empty Extensions */
	n = der_cert(c, HEAD, sizeof HEAD - 1, &e, TAIL, sizeof TAIL - 1);
	WANT(-1, 0);
	EXT(OID_SAN, "", gn_one);
	{
		/* fields out of order or missing */
		static const char swapped[] = "\x02\x01\x01\xa0\x03\x02\x01"
		    "\x02\x30\x00\x30\x00\x30\x00\x30\x00\x30\x00";
		static const char no_spki[] = "\xa0\x03\x02\x01\x02\x02\x01"
		    "\x01\x30\x00\x30\x00\x30\x00\x30\x00";
		static const char uid_late[] = HEAD "\x82\x01\x00\x81\x01\x00";

		n = der_cert(c, swapped, sizeof swapped - 1, &e, TAIL,
		    sizeof TAIL - 1);
		WANT(-1, 0);
		n = der_cert(c, no_spki, sizeof no_spki - 1, &e, TAIL,
		    sizeof TAIL - 1);
		WANT(-1, 0);
		n = der_cert(c, uid_late, sizeof uid_late - 1, &e, TAIL,
		    sizeof TAIL - 1);
		WANT(-1, 0);
		n = der_cert(c, HEAD, sizeof HEAD - 1, &e, TAIL, 2);
		WANT(-1, 0);			/* no signature */
		n = der_cert(c, HEAD, sizeof HEAD - 1, &e, TAIL "\x30\x00",
		    sizeof TAIL + 1);
		WANT(-1, 0);			/* a fourth element */
	}
	n = der_cert(c, HEAD, sizeof HEAD - 1, &e, TAIL, sizeof TAIL - 1);
	WANT(1, 1);
	/* byte surgery on the good one: c[0..1] 30 LL, c[2..3] 30 LL */
	{
		unsigned char good[512];
		size_t gn = n;

		memcpy(good, c, n);
		c[1] = 0x80;			/* indefinite length */
		WANT(-1, 0);
		memcpy(c, good, gn);
		c[1] = 0x85;			/* 5 length octets */
		WANT(-1, 0);
		/* a non-minimal length: 81 LL for LL < 0x80 */
		c[0] = 0x30;
		c[1] = 0x81;
		memcpy(c + 2, good + 1, gn - 1);
		n = gn + 1;
		WANT(-1, 0);
		c[1] = 0x82;			/* 82 00 LL */
		c[2] = 0x00;
		memcpy(c + 3, good + 1, gn - 1);
		n = gn + 2;
		WANT(-1, 0);
		c[2] = 0x01;			/* 82 01 ..: too long */
		WANT(0, 0);
		memcpy(c, good, gn);
		n = gn;
		c[0] = 0x3f;			/* a multi-octet tag */
		WANT(-1, 0);
		c[0] = 0x31;			/* SET, not SEQUENCE */
		WANT(-1, 0);
		c[0] = 0x30;
		c[3]++;				/* tbs past the end */
		WANT(-1, 0);
		memcpy(c, good, gn);
		c[gn] = 0x00;			/* a byte after the end */
		n = gn + 1;
		WANT(-1, 0);
		n = 0;				/* nothing at all */
		WANT(0, 0);
		/* sticky: the good certificate after a failure */
		memcpy(c, good, gn);
		{
			unsigned char a[16];
			size_t used;

			ca_san_init(&san, a, ip_literal("127.0.0.1", a));
			check(ca_san_push(&san, (unsigned char *)"\x31\x00", 2,
			    &used) == -1);
			check(ca_san_push(&san, c, gn, &used) == -1 &&
			    used == 0 && !ca_san_match(&san));
			ca_san_init(&san, a, ip_literal("127.0.0.1", a));
			check(ca_san_push(&san, c, gn, &used) == 1 &&
			    used == gn && ca_san_match(&san));
			check(ca_san_push(&san, c, 0, &used) == 1);
			check(ca_san_push(&san, c, 1, &used) == -1);
			check(!ca_san_match(&san));
		}
	}
#undef WANT
#undef EXT
	return 0;
}

/* Handshakes with the in-process server for IP-literal hosts: no SNI,
 * the address checked against iPAddress names only, the same verdicts
 * with on-demand anchors; insecure and pin-only as before. */
static int
ip_handshakes(void)
{
	static const struct {
		const char *pem, *host;
		int ok;
	} v[] = {
		{ san_ip4, "127.0.0.1", 1 },
		{ san_ip4, "127.0.0.2", 0 },
		{ san_ip4, "::ffff:127.0.0.1", 0 },
		{ san_ip4other, "127.0.0.1", 0 },
		{ san_ip6, "::1", 1 },
		{ san_ip6, "[::1]", 1 },
		{ san_ip6, "::2", 0 },
		{ san_dns, "127.0.0.1", 0 },
		{ san_dns, "test.example", 1 },
		{ san_dnsip, "127.0.0.1", 0 },
		{ san_dnsip, "::1", 0 },
		{ san_cn, "127.0.0.1", 0 },
		{ san_many, "127.0.0.1", 1 },
		{ san_many, "2001:db8::1", 1 },
		{ san_many, "10.0.0.2", 0 },
		{ san_critical, "127.0.0.1", 1 },
	};
	const char *chain[1], *parts[1];
	struct tls_config cfg;
	const char *sni;
	char pin[64];
	size_t i;
	int rc, lz;

	srv_key = san_key;
	parts[0] = san_ca;
	check(write_file(tmp("sanca.pem"), parts, 1) == 0);
	for (lz = 0; lz < 2; lz++) {
		for (i = 0; i < sizeof v / sizeof v[0]; i++) {
			chain[0] = v[i].pem;
			check(srv_setup(chain, 1) == 0);
			if (lz) {
				check(ca_scan_init(&scan, tmp("sanca.pem"))
				    == 1);
				lazy_cfg(&cfg);
			} else {
				memset(&cfg, 0, sizeof cfg);
				cfg.now = CERTS_NOW;
				ca_store_init(&ta);
				check(ca_store_load_pem(&ta, (const unsigned
				    char *)san_ca, strlen(san_ca)) == 1);
				cfg.ta = ta.ta;
				cfg.ta_count = ta.n;
			}
			check(tls_init(&t, &cfg, iobuf, sizeof iobuf) == 0);
			rc = handshake(v[i].host);
			if (v[i].ok ? rc != TLS_READY : rc != TLS_E_BEARSSL -
			    BR_ERR_X509_BAD_SERVER_NAME)
				return (int)(1000 * (lz + 1) + i);
			check(v[i].ok || tls_is_verify_error(rc));
			/* SNI: the name, never an address */
			sni = br_ssl_engine_get_server_name(&srv.sc.eng);
			check(strcmp(sni, t.ip_len ? "" : v[i].host) == 0);
			check(t.ip_len == (v[i].host[0] == 't' ? 0u :
			    strchr(v[i].host, ':') ? 16u : 4u));
			if (!v[i].ok)
				continue;
			/* resumed: no certificate, still fine */
			check(handshake(v[i].host) == TLS_READY);
			check(tls_resumed(&t));
		}
	}
	check(strcmp(tls_br_errstr(BR_ERR_X509_BAD_SERVER_NAME),
	    "hostname or IP address mismatch (certificate names another "
	    "host)") == 0);

	/* insecure, pin-only: names are not checked, as for DNS names */
	chain[0] = san_dns;
	check(srv_setup(chain, 1) == 0);
	memset(&cfg, 0, sizeof cfg);
	cfg.now = CERTS_NOW;
	cfg.insecure = 1;
	check(tls_init(&t, &cfg, iobuf, sizeof iobuf) == 0);
	check(handshake("127.0.0.1") == TLS_READY);
	check(tls_peer_pin(&t, pin, sizeof pin) == 0);
	cfg.insecure = 0;
	cfg.pin_only = 1;
	cfg.pins = pin;
	check(tls_init(&t, &cfg, iobuf, sizeof iobuf) == 0);
	check(handshake("127.0.0.1") == TLS_READY);
	cfg.pins = "sha256//AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=";
	check(tls_init(&t, &cfg, iobuf, sizeof iobuf) == 0);
	check(handshake("127.0.0.1") == TLS_E_PIN);
	/* pins on top of the chain: the address is still checked */
	cfg.pin_only = 0;
	cfg.pins = pin;
	cfg.ta = ta.ta;
	cfg.ta_count = ta.n;
	check(tls_init(&t, &cfg, iobuf, sizeof iobuf) == 0);
	check(handshake("127.0.0.1") ==
	    TLS_E_BEARSSL - BR_ERR_X509_BAD_SERVER_NAME);
	chain[0] = san_ip4;
	check(srv_setup(chain, 1) == 0);
	check(handshake("127.0.0.1") == TLS_READY);
	/* an expired chain: the chain's error, not the name's */
	tls_set_time(&t, CERTS_NOW + 30 * 365 * 86400LL);
	check(handshake("127.0.0.2") == TLS_E_BEARSSL - BR_ERR_X509_EXPIRED);
	srv_key = pem_leaf_key;
	check(unlink(tmp("sanca.pem")) == 0);
	return 0;
}

static int
words(void)
{
	int e;

	for (e = 0; e < 64; e++)
		check(tls_br_errstr(e) != NULL);
	check(strcmp(tls_br_errstr(BR_ERR_X509_EXPIRED),
	    "certificate expired or not yet valid") == 0);
	check(strcmp(tls_br_errstr(BR_ERR_RECV_FATAL_ALERT + 48),
	    "server sent alert: unknown CA") == 0);
	check(strcmp(tls_br_errstr(BR_ERR_RECV_FATAL_ALERT + 3),
	    "server sent a fatal alert") == 0);
	return 0;
}

int
main(void)
{
	t_init("test_tls");
	printf("# sizeof(struct tls) = %zu, iobuf mono %d, bidi %d\n",
	    sizeof(struct tls), BR_SSL_BUFSIZE_MONO, BR_SSL_BUFSIZE_BIDI);
	printf("# sizeof(struct ca_san) = %zu\n", sizeof(struct ca_san));
	printf("# here (limits shrunk): tls_lazy %zu, ca_set %zu, "
	    "ca_scan %zu\n", sizeof(struct tls_lazy),
	    sizeof(struct ca_set), sizeof(struct ca_scan));
	t_run("base64", base64);
	t_run("pins", pins);
	t_run("anchors_from_memory", anchors_from_memory);
	t_run("anchors_bad", anchors_bad);
	t_run("dates", dates);
	t_run("config_errors", config_errors);
	t_run("handshake_outcomes", handshake_outcomes);
	t_run("words", words);
	if (mkdtemp(tmpdir) == NULL) {
		perror("mkdtemp");
		return 1;
	}
	t_run("scan_splits", scan_splits);
	t_run("lazy_units", lazy_units);
	t_run("lazy_handshakes", lazy_handshakes);
	t_run("ip_literals", ip_literals);
	t_run("san_certs", san_certs);
	t_run("san_damaged", san_damaged);
	t_run("san_handmade", san_handmade);
	t_run("ip_handshakes", ip_handshakes);
	{
		static const char *const f[] = { "bundle.pem", "other.pem",
			"empty.pem", "bad.pem", "cut.pem" };
		size_t i;

		for (i = 0; i < sizeof f / sizeof f[0]; i++)
			unlink(tmp(f[i]));
		rmdir(tmpdir);
	}
	return t_done();
}
