/* Unit tests for tls.c without a server: base64, pins, the PEM anchor
 * loader (limits shrunk here, so tls.c is compiled into this test), SPKI
 * hashing, dates, argument errors, and the engine pump over a socketpair
 * (peer gone, peer silent past the deadline).  Outcomes against real
 * servers are in test/tls.sh. */
#define TLS_TA_MAX 3
#define TLS_TA_POOL 1024
#include "../tls.c"

#include <poll.h>
#include "t.h"

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

static struct tls_anchors ta;
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

	tls_anchors_init(&ta);
	check(tls_anchors_load_pem(&ta, (const unsigned char *)cert_pem,
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
	tls_anchors_init(&ta);
	check(tls_anchors_load_pem(&ta, (unsigned char *)bundle,
	    strlen(bundle)) == 2);
	/* fed one byte at a time through the file loader's path */
	{
		struct loader l;
		size_t i, n = strlen(bundle);

		tls_anchors_init(&ta);
		loader_init(&l, &ta);
		for (i = 0; i < n; i++)
			check(loader_push(&l, (unsigned char *)bundle + i, 1)
			    == 0);
		check(loader_end(&l) == 0 && l.added == 2 && ta.n == 2);
	}
	/* TLS_TA_MAX is 3 here: the fourth is refused, and sticky */
	snprintf(bundle, sizeof bundle, "%s%s%s%s", cert_pem, cert_pem,
	    cert_pem, cert_pem);
	tls_anchors_init(&ta);
	check(tls_anchors_load_pem(&ta, (unsigned char *)bundle,
	    strlen(bundle)) == TLS_E_CA_FULL);
	check(ta.err == TLS_E_CA_FULL);
	check(tls_anchors_load_pem(&ta, (const unsigned char *)cert_pem,
	    strlen(cert_pem)) == TLS_E_CA_FULL);
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

	tls_anchors_init(&ta);
	check(tls_anchors_load_pem(&ta, (const unsigned char *)nocert,
	    strlen(nocert)) == TLS_E_CA_NONE);
	tls_anchors_init(&ta);
	check(tls_anchors_load_pem(&ta, (const unsigned char *)badb64,
	    strlen(badb64)) == TLS_E_CA_PEM);
	tls_anchors_init(&ta);
	check(tls_anchors_load_pem(&ta, (const unsigned char *)cut,
	    strlen(cut)) == TLS_E_CA_PEM);
	/* undecodable certificate: skipped, nothing left */
	tls_anchors_init(&ta);
	check(tls_anchors_load_pem(&ta, (const unsigned char *)notder,
	    strlen(notder)) == TLS_E_CA_NONE);
	check(ta.used == 0);
	tls_anchors_init(&ta);
	check(tls_anchors_load(&ta, "/nonexistent/ca.pem") == TLS_E_CA_OPEN);
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
	tls_anchors_init(&ta);
	check(tls_anchors_load_pem(&ta, (const unsigned char *)cert_pem,
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
	t_run("base64", base64);
	t_run("pins", pins);
	t_run("anchors_from_memory", anchors_from_memory);
	t_run("anchors_bad", anchors_bad);
	t_run("dates", dates);
	t_run("config_errors", config_errors);
	t_run("handshake_outcomes", handshake_outcomes);
	t_run("words", words);
	return t_done();
}
