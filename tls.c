/* tls -- BearSSL TLS 1.2 client over a non-blocking fd.  MIT licensed, see
 * LICENSE.  See tls.h for the contract. */
#ifndef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE 200809L
#endif

#include <errno.h>
#include <poll.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <arpa/inet.h>
#include <netinet/in.h>

#include "tls.h"

enum { ST_IDLE, ST_HANDSHAKE, ST_DATA, ST_CLOSED };

#ifdef MSG_NOSIGNAL
#define SEND_FLAGS MSG_NOSIGNAL
#else
#define SEND_FLAGS 0	/* the program ignores SIGPIPE (see sock.h) */
#endif

/* Days from 0000-01-01 (BearSSL's epoch) to 1970-01-01. */
#define DAYS_TO_1970 719528

/* ---- BearSSL codes in words --------------------------------------- */

#define TLS_ALERTS(X) \
	X(10, "unexpected message") \
	X(20, "bad record MAC") \
	X(22, "record overflow") \
	X(30, "decompression failure") \
	X(40, "handshake failure") \
	X(42, "bad certificate") \
	X(43, "unsupported certificate") \
	X(44, "certificate revoked") \
	X(45, "certificate expired") \
	X(46, "certificate unknown") \
	X(47, "illegal parameter") \
	X(48, "unknown CA") \
	X(49, "access denied") \
	X(50, "decode error") \
	X(51, "decrypt error") \
	X(70, "protocol version") \
	X(71, "insufficient security") \
	X(80, "internal error") \
	X(90, "user canceled") \
	X(100, "no renegotiation") \
	X(110, "unsupported extension") \
	X(112, "unrecognized name") \
	X(120, "no application protocol")

static const char *
br_words(int err)
{
	switch (err) {
	case BR_ERR_OK: return "ok";
	case BR_ERR_BAD_PARAM: return "bad parameter";
	case BR_ERR_BAD_STATE: return "bad engine state";
	case BR_ERR_UNSUPPORTED_VERSION: return "unsupported TLS version";
	case BR_ERR_BAD_VERSION: return "TLS version mismatch";
	case BR_ERR_BAD_LENGTH: return "bad record length";
	case BR_ERR_TOO_LARGE: return "record too large";
	case BR_ERR_BAD_MAC: return "bad record MAC (data corrupted)";
	case BR_ERR_NO_RANDOM: return "no random source";
	case BR_ERR_UNKNOWN_TYPE: return "unknown record type";
	case BR_ERR_UNEXPECTED: return "unexpected message";
	case BR_ERR_BAD_CCS: return "bad ChangeCipherSpec";
	case BR_ERR_BAD_ALERT: return "bad alert";
	case BR_ERR_BAD_HANDSHAKE: return "bad handshake message";
	case BR_ERR_OVERSIZED_ID: return "oversized session ID";
	case BR_ERR_BAD_CIPHER_SUITE: return "no common cipher suite";
	case BR_ERR_BAD_COMPRESSION: return "unsupported compression";
	case BR_ERR_BAD_FRAGLEN: return "bad fragment length";
	case BR_ERR_BAD_SECRENEG: return "bad secure renegotiation";
	case BR_ERR_EXTRA_EXTENSION: return "unexpected extension";
	case BR_ERR_BAD_SNI: return "bad server name";
	case BR_ERR_BAD_HELLO_DONE: return "bad ServerHelloDone";
	case BR_ERR_LIMIT_EXCEEDED: return "handshake limit exceeded";
	case BR_ERR_BAD_FINISHED: return "bad Finished message";
	case BR_ERR_RESUME_MISMATCH: return "session resumption mismatch";
	case BR_ERR_INVALID_ALGORITHM: return "unsupported algorithm";
	case BR_ERR_BAD_SIGNATURE: return "bad handshake signature";
	case BR_ERR_WRONG_KEY_USAGE: return "server key usage forbids it";
	case BR_ERR_NO_CLIENT_AUTH: return "client authentication required";
	case BR_ERR_IO: return "I/O error";
	case BR_ERR_X509_INVALID_VALUE: return "certificate: invalid value";
	case BR_ERR_X509_TRUNCATED: return "certificate truncated";
	case BR_ERR_X509_EMPTY_CHAIN: return "empty certificate chain";
	case BR_ERR_X509_INNER_TRUNC: return "certificate: inner truncation";
	case BR_ERR_X509_BAD_TAG_CLASS: return "certificate: bad tag class";
	case BR_ERR_X509_BAD_TAG_VALUE: return "certificate: bad tag";
	case BR_ERR_X509_INDEFINITE_LENGTH:
		return "certificate: indefinite length";
	case BR_ERR_X509_EXTRA_ELEMENT: return "certificate: extra element";
	case BR_ERR_X509_UNEXPECTED: return "certificate: unexpected element";
	case BR_ERR_X509_NOT_CONSTRUCTED:
		return "certificate: expected constructed element";
	case BR_ERR_X509_NOT_PRIMITIVE:
		return "certificate: expected primitive element";
	case BR_ERR_X509_PARTIAL_BYTE: return "certificate: partial byte";
	case BR_ERR_X509_BAD_BOOLEAN: return "certificate: bad boolean";
	case BR_ERR_X509_OVERFLOW: return "certificate: value overflow";
	case BR_ERR_X509_BAD_DN: return "certificate: bad distinguished name";
	case BR_ERR_X509_BAD_TIME: return "certificate: bad time";
	case BR_ERR_X509_UNSUPPORTED:
		return "certificate uses an unsupported feature";
	case BR_ERR_X509_LIMIT_EXCEEDED: return "certificate: limit exceeded";
	case BR_ERR_X509_WRONG_KEY_TYPE: return "certificate: wrong key type";
	case BR_ERR_X509_BAD_SIGNATURE: return "certificate: bad signature";
	case BR_ERR_X509_TIME_UNKNOWN:
		return "certificate validity unknown (no time)";
	case BR_ERR_X509_EXPIRED:
		return "certificate expired or not yet valid";
	case BR_ERR_X509_DN_MISMATCH: return "certificate: issuer mismatch";
	case BR_ERR_X509_BAD_SERVER_NAME:
		return "hostname or IP address mismatch (certificate names "
		    "another host)";
	case BR_ERR_X509_CRITICAL_EXTENSION:
		return "certificate: unknown critical extension";
	case BR_ERR_X509_NOT_CA: return "certificate: issuer is not a CA";
	case BR_ERR_X509_FORBIDDEN_KEY_USAGE:
		return "certificate: key usage forbids it";
	case BR_ERR_X509_WEAK_PUBLIC_KEY: return "certificate: weak key";
	case BR_ERR_X509_NOT_TRUSTED:
		return "unknown issuer (chain does not end at a trusted CA)";
	}
	return NULL;
}

const char *
tls_br_errstr(int err)
{
	const char *w;

	if ((w = br_words(err)) != NULL)
		return w;
#define RECV_ALERT(n, text) \
	case BR_ERR_RECV_FATAL_ALERT + n: return "server sent alert: " text;
#define SEND_ALERT(n, text) \
	case BR_ERR_SEND_FATAL_ALERT + n: return "sent alert: " text;
	switch (err) {
	TLS_ALERTS(RECV_ALERT)
	TLS_ALERTS(SEND_ALERT)
	}
#undef RECV_ALERT
#undef SEND_ALERT
	if (err >= BR_ERR_SEND_FATAL_ALERT)
		return "sent a fatal alert";
	if (err >= BR_ERR_RECV_FATAL_ALERT)
		return "server sent a fatal alert";
	return "unknown BearSSL error";
}

/* ---- base64 (pins only; oauth.c has its own encoder) ---------------- */

static const char b64[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

static int
b64val(char c)
{
	const char *p;

	if (c == '\0' || (p = strchr(b64, c)) == NULL)
		return -1;
	return (int)(p - b64);
}

/* Decodes exactly n padded base64 chars into out[cap]; returns the byte
 * count or -1. */
static int
b64_decode(const char *s, size_t n, unsigned char *out, size_t cap)
{
	size_t i, o = 0;

	if (n % 4)
		return -1;
	for (i = 0; i < n; i += 4) {
		int v[4], k, pad = 0;
		unsigned long w = 0;

		for (k = 0; k < 4; k++) {
			if (s[i + k] == '=' && i + 4 == n && k >= 2) {
				v[k] = 0;
				pad++;
			} else if (pad || (v[k] = b64val(s[i + k])) < 0) {
				return -1;
			}
			w = w << 6 | (unsigned long)v[k];
		}
		if (o + 3 - (size_t)pad > cap)
			return -1;
		out[o++] = (unsigned char)(w >> 16);
		if (pad < 2)
			out[o++] = (unsigned char)(w >> 8);
		if (pad < 1)
			out[o++] = (unsigned char)w;
	}
	return (int)o;
}

static size_t
b64_encode(const unsigned char *p, size_t n, char *out)
{
	size_t i, o = 0;

	for (i = 0; i < n; i += 3) {
		unsigned long w = (unsigned long)p[i] << 16;

		if (i + 1 < n)
			w |= (unsigned long)p[i + 1] << 8;
		if (i + 2 < n)
			w |= p[i + 2];
		out[o++] = b64[w >> 18 & 63];
		out[o++] = b64[w >> 12 & 63];
		out[o++] = i + 1 < n ? b64[w >> 6 & 63] : '=';
		out[o++] = i + 2 < n ? b64[w & 63] : '=';
	}
	return o;
}

/* ---- clock ---------------------------------------------------------- */

/* Days since 1970-01-01 of a proleptic Gregorian date. */
static int64_t
days_from_civil(int64_t y, unsigned m, unsigned d)
{
	int64_t era;
	unsigned yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = (unsigned)(y - era * 400);
	doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (int64_t)doe - 719468;
}

static int64_t
build_time(void)
{
#ifdef TLS_BUILD_TIME
	return (int64_t)TLS_BUILD_TIME;
#else
	static const char months[] = "JanFebMarAprMayJunJulAugSepOctNovDec";
	const char *date = __DATE__;	/* "Mmm dd yyyy" */
	unsigned m, d = 0, i;
	int64_t y = 0;

	for (m = 0; m < 12; m++)
		if (memcmp(months + 3 * m, date, 3) == 0)
			break;
	if (m == 12)
		return 0;
	for (i = 4; i < 6; i++)
		if (date[i] >= '0' && date[i] <= '9')
			d = d * 10 + (unsigned)(date[i] - '0');
	for (i = 7; i < 11; i++)
		y = y * 10 + (date[i] - '0');
	return days_from_civil(y, m + 1, d) * 86400;
#endif
}

static void
set_validation_time(struct tls *t)
{
	int64_t now = t->now, bt;

	t->clock_fallback = 0;
	if (now == 0) {
		now = (int64_t)time(NULL);
		bt = build_time();
		if (now < bt) {
			now = bt;
			t->clock_fallback = 1;
		}
	}
	t->vnow = now;
	br_x509_minimal_set_time(&t->xc,
	    (uint32_t)(now / 86400 + DAYS_TO_1970), (uint32_t)(now % 86400));
}

void
tls_set_time(struct tls *t, int64_t unix_seconds)
{
	t->now = unix_seconds;
}

/* ---- SPKI pin ------------------------------------------------------- */

static size_t
der_lenlen(size_t n)
{
	return n < 0x80 ? 1 : n < 0x100 ? 2 : n < 0x10000 ? 3 : 4;
}

static size_t
der_tlv(size_t n)
{
	return 1 + der_lenlen(n) + n;
}

static void
der_hdr(br_sha256_context *h, unsigned tag, size_t n)
{
	unsigned char b[5];
	size_t k = 0;

	b[k++] = (unsigned char)tag;
	if (n < 0x80) {
		b[k++] = (unsigned char)n;
	} else if (n < 0x100) {
		b[k++] = 0x81;
		b[k++] = (unsigned char)n;
	} else if (n < 0x10000) {
		b[k++] = 0x82;
		b[k++] = (unsigned char)(n >> 8);
		b[k++] = (unsigned char)n;
	} else {
		b[k++] = 0x83;
		b[k++] = (unsigned char)(n >> 16);
		b[k++] = (unsigned char)(n >> 8);
		b[k++] = (unsigned char)n;
	}
	br_sha256_update(h, b, k);
}

/* A DER INTEGER of an unsigned big-endian value. */
static void
der_uint(br_sha256_context *h, const unsigned char *p, size_t n, int hash)
{
	static const unsigned char zero = 0;

	while (n > 1 && p[0] == 0) {
		p++;
		n--;
	}
	if (!hash)
		return;
	der_hdr(h, 0x02, n + (p[0] >= 0x80));
	if (p[0] >= 0x80)
		br_sha256_update(h, &zero, 1);
	br_sha256_update(h, p, n);
}

static size_t
uint_len(const unsigned char *p, size_t n)
{
	while (n > 1 && p[0] == 0) {
		p++;
		n--;
	}
	return n + (p[0] >= 0x80);
}

/* SHA-256 of the DER SubjectPublicKeyInfo rebuilt from pk (certificates
 * carry DER, which is canonical, so the rebuilt bytes are the original
 * ones).  Returns 0, or -1 for a key type or curve not handled. */
static int
spki_hash(const br_x509_pkey *pk, unsigned char out[32])
{
	static const unsigned char rsa_alg[] = {
		0x30, 0x0d, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d,
		0x01, 0x01, 0x01, 0x05, 0x00
	};
	static const unsigned char ec_oid[] = {
		0x06, 0x07, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01
	};
	static const unsigned char p256[] = {
		0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07
	};
	static const unsigned char p384[] = {
		0x06, 0x05, 0x2b, 0x81, 0x04, 0x00, 0x22
	};
	static const unsigned char p521[] = {
		0x06, 0x05, 0x2b, 0x81, 0x04, 0x00, 0x23
	};
	static const unsigned char zero = 0;
	br_sha256_context h;
	size_t in, bit;

	br_sha256_init(&h);
	if (pk->key_type == BR_KEYTYPE_RSA) {
		const br_rsa_public_key *k = &pk->key.rsa;

		if (k->nlen == 0 || k->elen == 0)
			return -1;
		in = der_tlv(uint_len(k->n, k->nlen)) +
		    der_tlv(uint_len(k->e, k->elen));
		bit = 1 + der_tlv(in);
		der_hdr(&h, 0x30, sizeof rsa_alg + der_tlv(bit));
		br_sha256_update(&h, rsa_alg, sizeof rsa_alg);
		der_hdr(&h, 0x03, bit);
		br_sha256_update(&h, &zero, 1);
		der_hdr(&h, 0x30, in);
		der_uint(&h, k->n, k->nlen, 1);
		der_uint(&h, k->e, k->elen, 1);
	} else if (pk->key_type == BR_KEYTYPE_EC) {
		const br_ec_public_key *k = &pk->key.ec;
		const unsigned char *c;
		size_t cl, alg;

		switch (k->curve) {
		case BR_EC_secp256r1: c = p256; cl = sizeof p256; break;
		case BR_EC_secp384r1: c = p384; cl = sizeof p384; break;
		case BR_EC_secp521r1: c = p521; cl = sizeof p521; break;
		default: return -1;
		}
		alg = sizeof ec_oid + cl;
		bit = 1 + k->qlen;
		der_hdr(&h, 0x30, der_tlv(alg) + der_tlv(bit));
		der_hdr(&h, 0x30, alg);
		br_sha256_update(&h, ec_oid, sizeof ec_oid);
		br_sha256_update(&h, c, cl);
		der_hdr(&h, 0x03, bit);
		br_sha256_update(&h, &zero, 1);
		br_sha256_update(&h, k->q, k->qlen);
	} else {
		return -1;
	}
	br_sha256_out(&h, out);
	return 0;
}

static int
parse_pins(struct tls *t, const char *s)
{
	t->npins = 0;
	while (s && *s) {
		const char *e = strchr(s, ';');
		size_t n = e ? (size_t)(e - s) : strlen(s);

		while (n && (*s == ' ')) {
			s++;
			n--;
		}
		if (n < 8 || memcmp(s, "sha256//", 8) != 0 ||
		    t->npins >= TLS_PINS_MAX ||
		    b64_decode(s + 8, n - 8, t->pins[t->npins], 32) != 32)
			return TLS_E_PIN_SYNTAX;
		t->npins++;
		s = e ? e + 1 : NULL;
	}
	return 0;
}

int
tls_peer_pin(const struct tls *t, char *out, size_t cap)
{
	size_t n;

	if (!t->have_spki || cap < 8 + 44 + 1)
		return -1;
	memcpy(out, "sha256//", 8);
	n = b64_encode(t->ee_spki, 32, out + 8);
	out[8 + n] = '\0';
	return 0;
}

/* ---- the chain's DNs (on-demand anchors) ---------------------------- */

/* Adds name to the distinct DNs z->dn[0..*nd). */
static void
dn_add(struct tls_lazy *z, size_t *nd, const br_x500_name *name)
{
	size_t i;

	for (i = 0; i < *nd; i++)
		if (z->dn[i].len == name->len && (name->len == 0 ||
		    memcmp(z->dn[i].data, name->data, name->len) == 0))
			return;
	z->dn[(*nd)++] = *name;
}

/* The buffered chain is complete: fetch its anchors, then let the minimal
 * validator see the chain as the engine gave it.  Returns its verdict, or
 * a BearSSL code with t->lazy_err set when the chain did not fit or the
 * source failed. */
static unsigned
lazy_end_chain(struct tls *t)
{
	struct tls_lazy *z = t->lazy;
	const br_x509_class **xc = &t->xc.vtable;
	br_x500_name iss, sub;
	size_t nd = 0;
	unsigned i;
	int rc;

	if (z->over) {
		t->lazy_err = TLS_E_CHAIN_BIG;
		return BR_ERR_X509_LIMIT_EXCEEDED;
	}
	for (i = 0; i < z->ncerts; i++) {
		if (ca_cert_names(z->chain + z->off[i], z->len[i], &iss,
		    &sub) != 0)
			continue;
		dn_add(z, &nd, &iss);
		dn_add(z, &nd, &sub);
	}
	ca_set_init(&z->set);
	if (nd > 0 && (rc = t->find(t->find_arg, z->dn, nd, &z->set)) < 0) {
		t->lazy_err = rc;
		return BR_ERR_X509_NOT_TRUSTED;
	}
	/* br_x509_minimal_init() would reset everything else: set the two
	 * fields it documents as the anchor list (BearSSL 0.6 layout, as
	 * engine_closed() reads the decoder's dates). */
	t->xc.trust_anchors = z->set.ta;
	t->xc.trust_anchors_num = z->set.n;
	(*xc)->start_chain(xc, z->server_name);
	for (i = 0; i < z->ncerts; i++) {
		(*xc)->start_cert(xc, z->decl[i]);
		if (z->len[i] > 0)
			(*xc)->append(xc, z->chain + z->off[i], z->len[i]);
		(*xc)->end_cert(xc);
	}
	return (*xc)->end_chain(xc);
}

/* host as an IP literal: "192.0.2.1", "2001:db8::1", also bracketed
 * "[2001:db8::1]" and with a zone "fe80::1%eth0" (ignored); the address
 * into out[16].  Returns 4, 16, or 0 for a DNS name. */
static unsigned
ip_literal(const char *host, unsigned char out[16])
{
	char tmp[64];
	size_t n = strlen(host);

	if (inet_pton(AF_INET, host, out) == 1)
		return 4;
	if (n >= 2 && host[0] == '[' && host[n - 1] == ']') {
		host++;
		n -= 2;
	}
	n = strcspn(host, "%") < n ? strcspn(host, "%") : n;
	if (n == 0 || n >= sizeof tmp)
		return 0;
	memcpy(tmp, host, n);
	tmp[n] = '\0';
	return inet_pton(AF_INET6, tmp, out) == 1 ? 16 : 0;
}

/* ---- the X.509 wrapper --------------------------------------------- */

static struct tls *
xw_tls(const void *ctx)
{
	return ((const struct tls_x509 *)ctx)->t;
}

static void
xw_start_chain(const br_x509_class **ctx, const char *server_name)
{
	struct tls *t = xw_tls(ctx);

	t->certs = 0;
	t->chains++;
	t->pin_failed = 0;
	t->overridden = 0;
	t->chain_err = 0;
	t->have_spki = 0;
	t->lazy_err = 0;
	set_validation_time(t);
	if (t->lazy != NULL) {
		t->lazy->chain_len = 0;
		t->lazy->ncerts = 0;
		t->lazy->over = 0;
		t->lazy->server_name = server_name;
		return;
	}
	t->xc.vtable->start_chain(&t->xc.vtable, server_name);
}

static void
xw_start_cert(const br_x509_class **ctx, uint32_t length)
{
	struct tls *t = xw_tls(ctx);

	if (t->certs == 0) {
		br_x509_decoder_init(&t->ee, 0, NULL);
		if (t->ip_len)
			ca_san_init(&t->san, t->ip, t->ip_len);
	}
	if (t->lazy != NULL) {
		struct tls_lazy *z = t->lazy;

		if (z->ncerts >= TLS_CHAIN_CERTS)
			z->over = 1;
		if (z->over)
			return;
		z->off[z->ncerts] = z->chain_len;
		z->len[z->ncerts] = 0;
		z->decl[z->ncerts] = length;
		return;
	}
	t->xc.vtable->start_cert(&t->xc.vtable, length);
}

static void
xw_append(const br_x509_class **ctx, const unsigned char *buf, size_t len)
{
	struct tls *t = xw_tls(ctx);

	if (t->certs == 0) {
		size_t used;

		br_x509_decoder_push(&t->ee, buf, len);
		if (t->ip_len)
			(void)ca_san_push(&t->san, buf, len, &used);
	}
	if (t->lazy != NULL) {
		struct tls_lazy *z = t->lazy;

		if (z->over)
			return;
		if (len > z->chain_cap - z->chain_len) {
			z->over = 1;
			return;
		}
		memcpy(z->chain + z->chain_len, buf, len);
		z->chain_len += len;
		z->len[z->ncerts] += len;
		return;
	}
	t->xc.vtable->append(&t->xc.vtable, buf, len);
}

static void
xw_end_cert(const br_x509_class **ctx)
{
	struct tls *t = xw_tls(ctx);

	if (t->lazy == NULL)
		t->xc.vtable->end_cert(&t->xc.vtable);
	else if (!t->lazy->over)
		t->lazy->ncerts++;
	t->certs++;
}

static int
pin_match(const struct tls *t)
{
	unsigned i;

	for (i = 0; i < t->npins; i++)
		if (memcmp(t->pins[i], t->ee_spki, 32) == 0)
			return 1;
	return 0;
}

static unsigned
xw_end_chain(const br_x509_class **ctx)
{
	struct tls *t = xw_tls(ctx);
	unsigned err;
	const br_x509_pkey *pk = NULL;

	if (t->lazy != NULL)
		err = lazy_end_chain(t);
	else
		err = t->xc.vtable->end_chain(&t->xc.vtable);
	/* An IP literal went to the validator as no name at all: the
	 * address is checked here, after the chain (whose errors win). */
	if (err == 0 && t->ip_len && !(t->certs > 0 && ca_san_match(&t->san)))
		err = BR_ERR_X509_BAD_SERVER_NAME;
	t->chain_err = (int)err;
	if (t->certs > 0 && br_x509_decoder_last_error(&t->ee) == 0)
		pk = br_x509_decoder_get_pkey(&t->ee);
	if (pk != NULL && spki_hash(pk, t->ee_spki) == 0)
		t->have_spki = 1;
	if (err != 0 && !t->insecure && !t->pin_only)
		return err;
	t->lazy_err = 0;	/* what failed is overridden, or worse */
	if (pk == NULL)
		return err ? err : BR_ERR_X509_INVALID_VALUE;
	if (t->npins && !(t->have_spki && pin_match(t))) {
		t->pin_failed = 1;
		return BR_ERR_X509_NOT_TRUSTED;
	}
	if (err != 0)
		t->overridden = 1;
	return 0;
}

static const br_x509_pkey *
xw_get_pkey(const br_x509_class *const *ctx, unsigned *usages)
{
	struct tls *t = xw_tls(ctx);

	if (t->overridden) {
		if (usages)
			*usages = BR_KEYTYPE_KEYX | BR_KEYTYPE_SIGN;
		return br_x509_decoder_get_pkey(&t->ee);
	}
	return t->xc.vtable->get_pkey(&t->xc.vtable, usages);
}

static const br_x509_class xw_class = {
	sizeof(struct tls_x509),
	xw_start_chain,
	xw_start_cert,
	xw_append,
	xw_end_cert,
	xw_end_chain,
	xw_get_pkey
};

/* ---- engine --------------------------------------------------------- */

static const uint16_t suites[] = {
	BR_TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
	BR_TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,
#ifndef TLS_MINIMAL
	BR_TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
	BR_TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,
	BR_TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256,
	BR_TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256
#endif
};

/*
 * What br_ssl_client_init_full() does, cut down to the suites above: it
 * would link every cipher, mode and key exchange BearSSL has (3DES, CBC,
 * CCM, static RSA and ECDH, TLS 1.0 PRF...) that the suites list never
 * lets the engine use (20 KiB of a static musl binary).  Certificate checks
 * keep every hash and both RSA and ECDSA.  TLS_MINIMAL (tls.h) keeps only
 * ECDHE + AES-128-GCM and SHA-1/SHA-256.
 */
static void
client_init(struct tls *t, const struct tls_config *cfg)
{
#ifndef TLS_MINIMAL
	static const br_hash_class *const hashes[] = {
		&br_md5_vtable, &br_sha1_vtable, &br_sha224_vtable,
		&br_sha256_vtable, &br_sha384_vtable, &br_sha512_vtable
	};
#else
	static const br_hash_class *const hashes[] = {
		NULL, &br_sha1_vtable, NULL, &br_sha256_vtable, NULL, NULL
	};
#endif
	br_ssl_engine_context *eng = &t->sc.eng;
	int id;

	br_ssl_client_zero(&t->sc);
	br_ssl_engine_set_versions(eng, BR_TLS12, BR_TLS12);
	/* One handshake per connection: the on-demand chain buffer may be
	 * lent (tls.h), and a stream API has no use for renegotiation. */
	br_ssl_engine_add_flags(eng, BR_OPT_NO_RENEGOTIATION);
	if (cfg->find != NULL)	/* anchors set per chain */
		br_x509_minimal_init(&t->xc, &br_sha256_vtable,
		    cfg->lazy->set.ta, 0);
	else
		br_x509_minimal_init(&t->xc, &br_sha256_vtable, cfg->ta,
		    cfg->ta_count);
	br_ssl_engine_set_suites(eng, suites, sizeof suites / sizeof suites[0]);
	br_ssl_client_set_default_rsapub(&t->sc);
	br_ssl_engine_set_default_rsavrfy(eng);
	br_ssl_engine_set_default_ecdsa(eng);
	br_x509_minimal_set_rsa(&t->xc, br_ssl_engine_get_rsavrfy(eng));
	br_x509_minimal_set_ecdsa(&t->xc, br_ssl_engine_get_ec(eng),
	    br_ssl_engine_get_ecdsa(eng));
	for (id = br_md5_ID; id <= br_sha512_ID; id++) {
		br_ssl_engine_set_hash(eng, id, hashes[id - 1]);
		br_x509_minimal_set_hash(&t->xc, id, hashes[id - 1]);
	}
	br_ssl_engine_set_x509(eng, &t->xc.vtable);
	br_ssl_engine_set_prf_sha256(eng, &br_tls12_sha256_prf);
	br_ssl_engine_set_default_aes_gcm(eng);
#ifndef TLS_MINIMAL
	br_ssl_engine_set_prf_sha384(eng, &br_tls12_sha384_prf);
	br_ssl_engine_set_default_chapol(eng);
#endif
}

int
tls_init(struct tls *t, const struct tls_config *cfg, unsigned char *iobuf,
    size_t iobuf_len)
{
	int rc;

	memset(t, 0, sizeof *t);
	t->fd = -1;
	t->state = ST_IDLE;
	if (iobuf == NULL || iobuf_len < BR_SSL_BUFSIZE_MONO ||
	    (cfg->find != NULL && (cfg->lazy == NULL ||
	    cfg->chain == NULL || cfg->chain_len == 0)) ||
	    (cfg->ta_count == 0 && cfg->find == NULL && !cfg->insecure &&
	    !cfg->pin_only) ||
	    (cfg->pin_only && (cfg->pins == NULL || cfg->pins[0] == '\0')))
		return t->err = TLS_E_ARG;
	if ((rc = parse_pins(t, cfg->pins)) < 0)
		return t->err = rc;
	t->pin_only = cfg->pin_only;
	t->insecure = cfg->insecure;
	t->now = cfg->now;
	if (cfg->find != NULL) {
		t->find = cfg->find;
		t->find_arg = cfg->find_arg;
		t->lazy = cfg->lazy;
		t->lazy->chain = cfg->chain;
		t->lazy->chain_cap = cfg->chain_len;
		t->lazy->ncerts = 0;
		t->lazy->chain_len = 0;
		t->lazy->over = 0;
		ca_set_init(&t->lazy->set);
	}
	t->iobuf = iobuf;
	t->iobuf_len = iobuf_len;
	client_init(t, cfg);
	br_ssl_engine_set_buffer(&t->sc.eng, iobuf, iobuf_len,
	    iobuf_len >= BR_SSL_BUFSIZE_BIDI);
	t->xw.vtable = &xw_class;
	t->xw.t = t;
	br_ssl_engine_set_x509(&t->sc.eng, &t->xw.vtable);
	return 0;
}

static int
fail(struct tls *t, int err)
{
	t->err = err;
	return err;
}

int
tls_start(struct tls *t, int fd, const char *host, int timeout_ms)
{
	size_t hl;
	int resume;

	if (t->iobuf == NULL)
		return t->err ? t->err : TLS_E_STATE;
	t->err = 0;
	hl = strlen(host);
	if (hl == 0 || hl >= sizeof t->host)
		return fail(t, TLS_E_HOST);
	memcpy(t->host, host, hl + 1);
	t->ip_len = ip_literal(host, t->ip);
	t->fd = fd;
	t->chains = 0;
	t->certs = 0;
	t->resumed = 0;
	t->pin_failed = 0;
	t->overridden = 0;
	t->have_spki = 0;
	t->lazy_err = 0;
	t->deadline = 0;
	t->stash_off = 0;
	t->stash_len = 0;
	if (timeout_ms > 0) {
		struct timespec ts;

		clock_gettime(CLOCK_MONOTONIC, &ts);
		t->deadline = (int64_t)ts.tv_sec * 1000 +
		    ts.tv_nsec / 1000000 + timeout_ms;
	}
	resume = t->have_sess && strcmp(t->sess_host, host) == 0;
	if (resume)
		br_ssl_engine_set_session_parameters(&t->sc.eng, &t->sess);
	/* No SNI for an IP literal (RFC 6066 s.3), and so no name check by
	 * BearSSL either: xw_end_chain() checks the address. */
	if (!br_ssl_client_reset(&t->sc, t->ip_len ? NULL : host, resume))
		return fail(t, TLS_E_BEARSSL -
		    br_ssl_engine_last_error(&t->sc.eng));
	t->state = ST_HANDSHAKE;
	return 0;
}

short
tls_want(const struct tls *t)
{
	unsigned st;

	if (t->err || t->state == ST_IDLE || t->state == ST_CLOSED)
		return 0;
	st = br_ssl_engine_current_state(&t->sc.eng);
	if (st & BR_SSL_CLOSED)
		return 0;
	if (st & BR_SSL_SENDREC)
		return POLLOUT;
	if (st & BR_SSL_RECVAPP)
		return 0;
	if (st & BR_SSL_RECVREC)
		return POLLIN;
	return 0;
}

static int64_t
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int
tls_timeout_ms(const struct tls *t)
{
	int64_t left;

	if (t->state != ST_HANDSHAKE || t->deadline == 0)
		return -1;
	left = t->deadline - now_ms();
	return left < 0 ? 0 : left > 0x7fffffff ? 0x7fffffff : (int)left;
}

/* The engine closed: clean close, or why it failed. */
static int
engine_closed(struct tls *t)
{
	int err = br_ssl_engine_last_error(&t->sc.eng);
	br_x509_decoder_context *ee = &t->ee;
	uint32_t vd, vs;

	if (err == BR_ERR_OK) {
		if (t->state == ST_HANDSHAKE)
			return fail(t, TLS_E_HS_EOF);
		t->state = ST_CLOSED;
		return TLS_CLOSED;
	}
	t->have_sess = 0;	/* never resume after a failure */
	if (t->pin_failed)
		return fail(t, TLS_E_PIN);
	if (t->lazy_err)	/* the chain did not fit, or no source */
		return fail(t, t->lazy_err);
	vd = (uint32_t)(t->vnow / 86400 + DAYS_TO_1970);
	vs = (uint32_t)(t->vnow % 86400);
	/* BearSSL has one code for both ends of the validity period; the
	 * end-entity decoder's dates tell "not yet valid" apart.  (The
	 * decoder fields are documented as opaque; BearSSL 0.6 layout.) */
	if (err == BR_ERR_X509_EXPIRED && t->certs > 0 &&
	    br_x509_decoder_last_error(ee) == 0 &&
	    (vd < ee->notbefore_days ||
	    (vd == ee->notbefore_days && vs < ee->notbefore_seconds)))
		return fail(t, TLS_E_NOT_YET_VALID);
	return fail(t, TLS_E_BEARSSL - err);
}

static int
sys_fail(struct tls *t, int e)
{
	return fail(t, e == ECONNRESET || e == EPIPE ? TLS_E_RESET : TLS_E_IO);
}

/* BearSSL asks for a record in two pieces: the 5-byte header, then the
 * body.  Reading the body together with the next header (readv into the
 * engine's buffer plus a TLS_STASH-byte stash) halves the read() calls in
 * bulk transfers; the body still lands in place, only the header is
 * copied.  Invariant: tls_step() returns 0 ("poll") only with an empty
 * stash, so poll() never sleeps on bytes already read. */
static ssize_t
read_ahead(struct tls *t, unsigned char *buf, size_t len)
{
	struct iovec iov[2];

	if (len > TLS_STASH)	/* a body: take the next header along */
	{
		iov[0].iov_base = buf;
		iov[0].iov_len = len;
		iov[1].iov_base = t->stash;
		iov[1].iov_len = TLS_STASH;
		return readv(t->fd, iov, 2);
	}
	return read(t->fd, buf, len);
}

int
tls_step(struct tls *t, short revents)
{
	br_ssl_engine_context *eng = &t->sc.eng;

	(void)revents;
	if (t->err)
		return t->err;
	if (t->state == ST_IDLE)
		return fail(t, TLS_E_STATE);
	if (t->state == ST_CLOSED)
		return TLS_CLOSED;
	for (;;) {
		unsigned st = br_ssl_engine_current_state(eng);
		unsigned char *buf;
		size_t len;
		ssize_t r;

		if (st & BR_SSL_CLOSED)
			return engine_closed(t);
		if (st & BR_SSL_SENDREC) {
			buf = br_ssl_engine_sendrec_buf(eng, &len);
			r = send(t->fd, buf, len, SEND_FLAGS);
			if (r < 0 && errno == EINTR)
				continue;
			if (r < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
				break;
			if (r < 0) {
				/* The peer's close_notify came in, our reply
				 * could not go out: still a clean close. */
				if (eng->shutdown_recv) {
					t->state = ST_CLOSED;
					return TLS_CLOSED;
				}
				return sys_fail(t, errno);
			}
			br_ssl_engine_sendrec_ack(eng, (size_t)r);
			continue;
		}
		if (t->state == ST_HANDSHAKE &&
		    (st & (BR_SSL_SENDAPP | BR_SSL_RECVAPP))) {
			t->state = ST_DATA;
			t->resumed = t->chains == 0;
			br_ssl_engine_get_session_parameters(eng, &t->sess);
			memcpy(t->sess_host, t->host, sizeof t->host);
			t->have_sess = 1;
			return TLS_READY;
		}
		if (st & BR_SSL_RECVAPP)
			return TLS_DATA;
		if (st & BR_SSL_RECVREC) {
			buf = br_ssl_engine_recvrec_buf(eng, &len);
			if (t->stash_len) {
				/* bytes read ahead last time */
				size_t k = t->stash_len < len ?
				    t->stash_len : len;

				memcpy(buf, t->stash + t->stash_off, k);
				t->stash_off += k;
				t->stash_len -= k;
				br_ssl_engine_recvrec_ack(eng, k);
				continue;
			}
			r = read_ahead(t, buf, len);
			if (r < 0 && errno == EINTR)
				continue;
			if (r < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
				break;
			if (r < 0)
				return sys_fail(t, errno);
			if (r == 0)
				return fail(t, t->state == ST_HANDSHAKE ?
				    TLS_E_HS_EOF : TLS_E_TRUNCATED);
			if ((size_t)r > len) {
				t->stash_off = 0;
				t->stash_len = (size_t)r - len;
				r = (ssize_t)len;
			}
			br_ssl_engine_recvrec_ack(eng, (size_t)r);
			continue;
		}
		break;		/* only SENDAPP: the caller's turn */
	}
	if (t->state == ST_HANDSHAKE && t->deadline && now_ms() >= t->deadline)
		return fail(t, TLS_E_TIMEOUT);
	return 0;
}

int
tls_read_avail(struct tls *t, const unsigned char **p, size_t *len)
{
	*len = 0;
	*p = NULL;
	if (t->err)
		return t->err;
	if (t->state != ST_DATA)
		return 0;
	*p = br_ssl_engine_recvapp_buf(&t->sc.eng, len);
	if (*p == NULL)
		*len = 0;
	return 0;
}

void
tls_read_ack(struct tls *t, size_t n)
{
	if (n)
		br_ssl_engine_recvapp_ack(&t->sc.eng, n);
}

int
tls_write(struct tls *t, const void *p, size_t n, size_t *used)
{
	unsigned char *buf;
	size_t avail;

	*used = 0;
	if (t->err)
		return t->err;
	if (t->state != ST_DATA)
		return fail(t, TLS_E_STATE);
	buf = br_ssl_engine_sendapp_buf(&t->sc.eng, &avail);
	if (buf == NULL)
		return 0;
	if (avail > n)
		avail = n;
	memcpy(buf, p, avail);
	br_ssl_engine_sendapp_ack(&t->sc.eng, avail);
	br_ssl_engine_flush(&t->sc.eng, 0);
	*used = avail;
	return 0;
}

void
tls_close(struct tls *t)
{
	if (t->state == ST_DATA || t->state == ST_HANDSHAKE)
		br_ssl_engine_close(&t->sc.eng);
}

void
tls_forget_session(struct tls *t)
{
	t->have_sess = 0;
}

const char *
tls_impl(const struct tls *t)
{
	const br_ssl_engine_context *e = &t->sc.eng;
	int ni = e->iaes_ctr != NULL &&
	    e->iaes_ctr == br_aes_x86ni_ctr_get_vtable();
	int pcl = e->ighash != 0 && e->ighash == br_ghash_pclmul_get();

	if (ni && pcl)
		return "aes_x86ni+ghash_pclmul";
	if (ni)
		return "aes_x86ni+ghash_portable";
	if (e->iaes_ctr == &br_aes_ct64_ctr_vtable)
		return "aes_ct64 (portable constant-time)";
	if (e->iaes_ctr == &br_aes_ct_ctr_vtable)
		return "aes_ct (portable constant-time, 32-bit)";
	return "other";
}
