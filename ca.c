/* ca -- trust anchors for tls.c.  MIT licensed, see LICENSE. */
#ifndef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE 200809L
#endif

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include "ca.h"

/* ---- trust anchors ------------------------------------------------ */

void
ca_store_init(struct ca_store *a)
{
	a->n = 0;
	a->used = 0;
	a->err = 0;
	a->dn_start = 0;
	a->dn_over = 0;
}

struct loader {
	br_pem_decoder_context pc;
	br_x509_decoder_context dc;
	struct ca_store *a;
	int in_cert;
	int added;
};

static void
dn_append(void *ctx, const void *p, size_t n)
{
	struct ca_store *a = ctx;

	if (a->dn_over || n > CA_STORE_POOL - a->used) {
		a->dn_over = 1;
		return;
	}
	memcpy(a->pool + a->used, p, n);
	a->used += n;
}

static void
x509_dest(void *ctx, const void *p, size_t n)
{
	br_x509_decoder_push(ctx, p, n);
}

static void
discard(void *ctx, const void *p, size_t n)
{
	(void)ctx;
	(void)p;
	(void)n;
}

/* Copies p[0..n) to pool[*used..cap): where it went, or NULL when it does
 * not fit.  Both anchor stores keep DNs and keys this way. */
static unsigned char *
pool_put(unsigned char *pool, size_t cap, size_t *used,
    const unsigned char *p, size_t n)
{
	unsigned char *d;

	if (n > cap - *used)
		return NULL;
	d = pool + *used;
	if (n > 0)
		memcpy(d, p, n);
	*used += n;
	return d;
}

/* d = k with k's bytes copied into the pool (k is RSA or EC).  Returns 0,
 * or -1 when they do not fit. */
static int
key_put(br_x509_pkey *d, const br_x509_pkey *k, unsigned char *pool,
    size_t cap, size_t *used)
{
	*d = *k;
	if (k->key_type == BR_KEYTYPE_RSA) {
		d->key.rsa.n = pool_put(pool, cap, used, k->key.rsa.n,
		    k->key.rsa.nlen);
		d->key.rsa.e = pool_put(pool, cap, used, k->key.rsa.e,
		    k->key.rsa.elen);
		return d->key.rsa.n != NULL && d->key.rsa.e != NULL ? 0 : -1;
	}
	d->key.ec.q = pool_put(pool, cap, used, k->key.ec.q, k->key.ec.qlen);
	return d->key.ec.q != NULL ? 0 : -1;
}

/* A certificate object ended: make it an anchor.  Certificates BearSSL
 * cannot decode (unsupported key types) are skipped, not fatal: one odd
 * entry must not cost the whole system bundle. */
static int
loader_cert_end(struct loader *l)
{
	struct ca_store *a = l->a;
	const br_x509_pkey *pk;
	br_x509_trust_anchor *ta;

	if (a->dn_over)
		return CA_E_FULL;
	pk = br_x509_decoder_get_pkey(&l->dc);
	if (br_x509_decoder_last_error(&l->dc) != 0 || pk == NULL) {
		a->used = a->dn_start;	/* drop the DN */
		return 0;
	}
	if (a->n >= CA_STORE_MAX)
		return CA_E_FULL;
	ta = &a->ta[a->n];
	ta->dn.data = a->pool + a->dn_start;
	ta->dn.len = a->used - a->dn_start;
	ta->flags = br_x509_decoder_isCA(&l->dc) ? BR_X509_TA_CA : 0;
	if (pk->key_type != BR_KEYTYPE_RSA && pk->key_type != BR_KEYTYPE_EC) {
		a->used = a->dn_start;
		return 0;
	}
	if (key_put(&ta->pkey, pk, a->pool, CA_STORE_POOL, &a->used) < 0)
		return CA_E_FULL;
	a->n++;
	l->added++;
	return 0;
}

static void
loader_init(struct loader *l, struct ca_store *a)
{
	br_pem_decoder_init(&l->pc);
	l->a = a;
	l->in_cert = 0;
	l->added = 0;
}

static int
loader_push(struct loader *l, const unsigned char *p, size_t n)
{
	struct ca_store *a = l->a;
	int rc;

	while (n > 0) {
		size_t k = br_pem_decoder_push(&l->pc, p, n);

		p += k;
		n -= k;
		switch (br_pem_decoder_event(&l->pc)) {
		case BR_PEM_BEGIN_OBJ:
			if (strcmp(br_pem_decoder_name(&l->pc),
			    "CERTIFICATE") == 0 ||
			    strcmp(br_pem_decoder_name(&l->pc),
			    "X509 CERTIFICATE") == 0) {
				a->dn_start = a->used;
				a->dn_over = 0;
				br_x509_decoder_init(&l->dc, dn_append, a);
				br_pem_decoder_setdest(&l->pc, x509_dest,
				    &l->dc);
				l->in_cert = 1;
			} else {
				br_pem_decoder_setdest(&l->pc, discard, NULL);
			}
			break;
		case BR_PEM_END_OBJ:
			if (l->in_cert && (rc = loader_cert_end(l)) < 0)
				return rc;
			l->in_cert = 0;
			break;
		case BR_PEM_ERROR:
			return CA_E_PEM;
		}
	}
	return 0;
}

static int
loader_end(struct loader *l)
{
	/* A final newline lets the decoder see an END line cut at EOF. */
	int rc = loader_push(l, (const unsigned char *)"\n", 1);

	if (rc < 0)
		return rc;
	return l->in_cert ? CA_E_PEM : 0;
}

static int
a_fail(struct ca_store *a, int rc)
{
	a->err = rc;
	return rc;
}

int
ca_store_load_pem(struct ca_store *a, const unsigned char *p,
    size_t n)
{
	struct loader l;
	int rc;

	if (a->err)
		return a->err;
	loader_init(&l, a);
	if ((rc = loader_push(&l, p, n)) < 0 || (rc = loader_end(&l)) < 0)
		return a_fail(a, rc);
	return l.added ? l.added : a_fail(a, CA_E_EMPTY);
}


/* OpenSSL hashed-directory names: 8 hex digits, '.', digits. */
static int
hashed_name(const char *s)
{
	size_t i;

	for (i = 0; i < 8; i++)
		if (!((s[i] >= '0' && s[i] <= '9') ||
		    (s[i] >= 'a' && s[i] <= 'f')))
			return 0;
	if (s[8] != '.' || s[9] == '\0')
		return 0;
	for (i = 9; s[i]; i++)
		if (s[i] < '0' || s[i] > '9')
			return 0;
	return 1;
}

/* Reads file path in chunks of buf[0..cap) into push(arg, ...).  Returns
 * 0 at the end of the file, CA_E_OPEN, CA_E_READ, or push's error. */
static int
read_chunks(const char *path, unsigned char *buf, size_t cap,
    int (*push)(void *, const unsigned char *, size_t), void *arg)
{
	ssize_t r;
	int fd, rc = 0;

	if ((fd = open(path, O_RDONLY)) < 0)
		return CA_E_OPEN;
	for (;;) {
		r = read(fd, buf, cap);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0) {
			rc = r < 0 ? CA_E_READ : 0;
			break;
		}
		if ((rc = push(arg, buf, (size_t)r)) < 0)
			break;
	}
	(void)close(fd);
	return rc;
}

/* Calls each(arg, file) for every hashed name (XXXXXXXX.N) in directory
 * dir.  Returns the sum of what each returned, or the first error. */
static int
each_hashed(const char *dir, int (*each)(void *, const char *), void *arg)
{
	char full[1024];
	struct dirent *de;
	DIR *d;
	size_t pl = strlen(dir);
	int sum = 0, rc = 0;

	if ((d = opendir(dir)) == NULL)
		return CA_E_OPEN;
	while ((de = readdir(d)) != NULL) {
		size_t nl = strlen(de->d_name);

		if (!hashed_name(de->d_name) || pl + 1 + nl >= sizeof full)
			continue;
		memcpy(full, dir, pl);
		full[pl] = '/';
		memcpy(full + pl + 1, de->d_name, nl + 1);
		if ((rc = each(arg, full)) < 0)
			break;
		sum += rc;
	}
	(void)closedir(d);
	return rc < 0 ? rc : sum;
}

static int
push_loader(void *arg, const unsigned char *p, size_t n)
{
	return loader_push(arg, p, n);
}

/* Loads one file into store arg; returns the anchors added or an
 * error. */
static int
load_file(void *arg, const char *path)
{
	struct loader l;
	unsigned char buf[4096];
	int rc;

	loader_init(&l, arg);
	rc = read_chunks(path, buf, sizeof buf, push_loader, &l);
	if (rc == 0)
		rc = loader_end(&l);
	return rc < 0 ? rc : l.added;
}


/* The CA file or directory to read: path, else the environment, else
 * CA_FILE. */
static const char *
ca_path(const char *path)
{
	if (path == NULL || path[0] == '\0')
		path = getenv("SSL_CERT_FILE");
	if (path == NULL || path[0] == '\0')
		path = getenv("SSL_CERT_DIR");
	if (path == NULL || path[0] == '\0')
		path = CA_FILE;
	return path;
}

int
ca_store_load(struct ca_store *a, const char *path)
{
	struct stat st;
	int rc;

	if (a->err)
		return a->err;
	path = ca_path(path);
	if (stat(path, &st) != 0)
		return a_fail(a, CA_E_OPEN);
	rc = S_ISDIR(st.st_mode) ? each_hashed(path, load_file, a) :
	    load_file(a, path);
	if (rc == 0)
		rc = CA_E_EMPTY;
	return rc < 0 ? a_fail(a, rc) : rc;
}

/* ---- on-demand anchors: the set, the file source ------------------- */

void
ca_set_init(struct ca_set *s)
{
	s->n = 0;
	s->used = 0;
}


static int
same_bytes(const unsigned char *a, size_t an, const unsigned char *b,
    size_t bn)
{
	return an == bn && (an == 0 || memcmp(a, b, an) == 0);
}

static int
same_anchor(const br_x509_trust_anchor *a, const br_x509_trust_anchor *b)
{
	if (a->flags != b->flags || a->pkey.key_type != b->pkey.key_type ||
	    !same_bytes(a->dn.data, a->dn.len, b->dn.data, b->dn.len))
		return 0;
	if (a->pkey.key_type == BR_KEYTYPE_RSA)
		return same_bytes(a->pkey.key.rsa.n, a->pkey.key.rsa.nlen,
		    b->pkey.key.rsa.n, b->pkey.key.rsa.nlen) &&
		    same_bytes(a->pkey.key.rsa.e, a->pkey.key.rsa.elen,
		    b->pkey.key.rsa.e, b->pkey.key.rsa.elen);
	return a->pkey.key.ec.curve == b->pkey.key.ec.curve &&
	    same_bytes(a->pkey.key.ec.q, a->pkey.key.ec.qlen,
	    b->pkey.key.ec.q, b->pkey.key.ec.qlen);
}

int
ca_set_add(struct ca_set *s, const br_x509_trust_anchor *ta)
{
	br_x509_trust_anchor *d;
	size_t i, used = s->used;

	if (ta->pkey.key_type != BR_KEYTYPE_RSA &&
	    ta->pkey.key_type != BR_KEYTYPE_EC)
		return CA_E_CERT;
	for (i = 0; i < s->n; i++)
		if (same_anchor(&s->ta[i], ta))
			return 0;
	if (s->n >= CA_SET_MAX)
		return CA_E_FULL;
	d = &s->ta[s->n];
	*d = *ta;
	d->dn.data = pool_put(s->pool, CA_SET_POOL, &s->used,
	    ta->dn.data, ta->dn.len);
	if (d->dn.data == NULL || key_put(&d->pkey, &ta->pkey, s->pool,
	    CA_SET_POOL, &s->used) < 0) {
		s->used = used;		/* all or nothing */
		return CA_E_FULL;
	}
	s->n++;
	return 1;
}

/* Streams the subject DN of the certificate being scanned against the
 * wanted DNs: a bit stays live while its DN equals the bytes so far. */
static void
scan_dn(void *ctx, const void *p, size_t n)
{
	struct ca_scan *s = ctx;
	size_t i;

	for (i = 0; i < s->nwant; i++) {
		const br_x500_name *w = &s->want[i];

		if (!(s->live >> i & 1))
			continue;
		if (n > w->len - s->dn_off ||
		    memcmp(w->data + s->dn_off, p, n) != 0)
			s->live &= ~((uint32_t)1 << i);
	}
	s->dn_off += n;
}

/* A certificate object ended: count it, or add it if its DN matched. */
static int
scan_cert_end(struct ca_scan *s)
{
	const br_x509_pkey *pk;
	br_x509_trust_anchor ta;
	size_t i;
	int rc;

	if (!s->count && s->live == 0)
		return 0;
	pk = br_x509_decoder_get_pkey(&s->dc);
	if (br_x509_decoder_last_error(&s->dc) != 0 || pk == NULL ||
	    (pk->key_type != BR_KEYTYPE_RSA && pk->key_type != BR_KEYTYPE_EC))
		return 0;	/* skipped, like ca_store_load() does */
	if (s->count) {
		s->added++;
		return 0;
	}
	for (i = 0; i < s->nwant; i++)
		if ((s->live >> i & 1) && s->dn_off == s->want[i].len)
			break;
	if (i == s->nwant)
		return 0;	/* a longer DN with a wanted one as prefix */
	ta.dn = s->want[i];
	ta.flags = br_x509_decoder_isCA(&s->dc) ? BR_X509_TA_CA : 0;
	ta.pkey = *pk;
	if ((rc = ca_set_add(s->out, &ta)) < 0)
		return rc;
	s->added += rc;
	return 0;
}

/*
 * The scan's own PEM reader.  BearSSL's PEM decoder (an interpreter, one
 * byte at a time) made a scan of Debian's bundle cost 25 ms; this one is
 * a table-driven base64 decoder that also stops decoding a certificate
 * once its subject DN has differed from every wanted one, and only looks
 * for the END line after that (base64 text has no '-').  Certificates
 * are "-----BEGIN CERTIFICATE-----" or "...X509 CERTIFICATE-----" lines;
 * other objects are skipped whole; a bad base64 character or a cut object
 * is CA_E_PEM, as with ca_store_load().
 */
enum { SC_OUT, SC_OTHER, SC_CERT, SC_END };

static int
b64_value(int c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+')
		return 62;
	if (c == '/')
		return 63;
	return -1;
}

/* The line in s->line (its start), trailing blanks off, equals w. */
static int
line_is(const struct ca_scan *s, const char *w)
{
	size_t n = s->line_len < sizeof s->line ? s->line_len :
	    sizeof s->line, wl = strlen(w);

	while (n > 0 && (s->line[n - 1] == '\r' || s->line[n - 1] == ' ' ||
	    s->line[n - 1] == '\t'))
		n--;
	return n == wl && s->line_len <= sizeof s->line &&
	    memcmp(s->line, w, n) == 0;
}

static int
line_starts(const struct ca_scan *s, const char *w)
{
	size_t wl = strlen(w);

	return s->line_len >= wl && wl <= sizeof s->line &&
	    memcmp(s->line, w, wl) == 0;
}

/* Decoded bytes go to the X.509 decoder, unless nothing can match. */
static void
scan_flush(struct ca_scan *s)
{
	if (s->der_len > 0 && (s->count || s->live != 0))
		br_x509_decoder_push(&s->dc, s->der, s->der_len);
	s->der_len = 0;
}

/* A complete line outside a certificate's base64. */
static int
scan_line(struct ca_scan *s)
{
	int rc = 0;

	switch (s->state) {
	case SC_OUT:
		if (line_is(s, "-----BEGIN CERTIFICATE-----") ||
		    line_is(s, "-----BEGIN X509 CERTIFICATE-----")) {
			s->state = SC_CERT;
			s->live = s->nwant >= 32 ? 0xffffffffu :
			    ((uint32_t)1 << s->nwant) - 1;
			s->dn_off = 0;
			s->acc = 0;
			s->nacc = 0;
			s->pad = 0;
			s->der_len = 0;
			br_x509_decoder_init(&s->dc, scan_dn, s);
		} else if (line_starts(s, "-----BEGIN ")) {
			s->state = SC_OTHER;
		}
		break;
	case SC_OTHER:
		if (line_starts(s, "-----END "))
			s->state = SC_OUT;
		break;
	case SC_END:
		if (!line_starts(s, "-----END ") || s->nacc != 0)
			return CA_E_PEM;
		scan_flush(s);
		rc = scan_cert_end(s);
		s->state = SC_OUT;
		break;
	}
	s->line_len = 0;
	return rc;
}

static int
scan_push(struct ca_scan *s, const unsigned char *p, size_t n)
{
	size_t i;
	int rc, v;

	for (i = 0; i < n; i++) {
		int c = p[i];

		if (s->state == SC_CERT) {
			if (c == '-') {		/* the END line */
				s->state = SC_END;
			} else if (!s->count && s->live == 0) {
				continue;	/* no match: skip to END */
			} else if (c == '\n' || c == '\r' || c == ' ' ||
			    c == '\t') {
				continue;
			} else {
				if (c == '=') {
					v = 0;
					s->pad++;
				} else if (s->pad ||
				    (v = b64_value(c)) < 0) {
					return CA_E_PEM;
				}
				s->acc = s->acc << 6 | (uint32_t)v;
				if (++s->nacc < 4)
					continue;
				if (s->pad > 2)
					return CA_E_PEM;
				s->der[s->der_len++] =
				    (unsigned char)(s->acc >> 16);
				if (s->pad < 2)
					s->der[s->der_len++] =
					    (unsigned char)(s->acc >> 8);
				if (s->pad < 1)
					s->der[s->der_len++] =
					    (unsigned char)s->acc;
				s->nacc = 0;
				s->acc = 0;
				if (s->der_len > sizeof s->der - 3)
					scan_flush(s);
				continue;
			}
		}
		if (c == '\n') {
			if ((rc = scan_line(s)) < 0)
				return rc;
			continue;
		}
		if (s->line_len < sizeof s->line)
			s->line[s->line_len] = (unsigned char)c;
		if (s->line_len <= sizeof s->line)
			s->line_len++;
	}
	return 0;
}



static int
push_scan(void *arg, const unsigned char *p, size_t n)
{
	return scan_push(arg, p, n);
}

/* One file into scan arg, in CA_CHUNK-byte reads.  Returns 0 or an
 * error. */
static int
scan_file(void *arg, const char *path)
{
	struct ca_scan *s = arg;
	int rc;

	s->state = SC_OUT;
	s->line_len = 0;
	rc = read_chunks(path, s->buf, sizeof s->buf, push_scan, s);
	if (rc < 0)
		return rc;
	/* a final newline lets the decoder see a cut END */
	rc = scan_push(s, (const unsigned char *)"\n", 1);
	if (rc == 0 && s->state != SC_OUT && s->state != SC_OTHER)
		rc = CA_E_PEM;
	return rc < 0 ? rc : 0;
}

static int
scan_run(struct ca_scan *s)
{
	int rc;

	s->added = 0;
	rc = s->dir ? each_hashed(s->path, scan_file, s) :
	    scan_file(s, s->path);
	return rc < 0 ? rc : s->added;
}

int
ca_scan_init(struct ca_scan *s, const char *path)
{
	struct stat st;
	int rc;

	s->path = ca_path(path);
	s->dir = 0;
	s->want = NULL;
	s->nwant = 0;
	s->out = NULL;
	if (stat(s->path, &st) != 0)
		return CA_E_OPEN;
	s->dir = S_ISDIR(st.st_mode) != 0;
	s->count = 1;
	rc = scan_run(s);
	s->count = 0;
	return rc == 0 ? CA_E_EMPTY : rc;
}

int
ca_scan_find(void *arg, const br_x500_name *dn, size_t ndn,
    struct ca_set *out)
{
	struct ca_scan *s = arg;
	int rc, added = 0;

	s->count = 0;
	s->out = out;
	while (ndn > 0) {
		s->want = dn;
		s->nwant = ndn < 32 ? ndn : 32;
		if ((rc = scan_run(s)) < 0)
			return rc;
		added += rc;
		dn += s->nwant;
		ndn -= s->nwant;
	}
	return added;
}

/* ---- a certificate's DNs ------------------------------------------- */

/* The DER element at p[off..n): *hdr header bytes, *len content bytes.
 * Single-byte tags, definite lengths in up to 4 bytes (TLS caps a
 * certificate at 2^24 - 1 bytes; leading zero bytes are taken as they
 * come, the validator judges the encoding).  Returns the tag or -1 when
 * the element does not fit in p[0..n). */
static int
der_elt(const unsigned char *p, size_t n, size_t off, size_t *hdr,
    size_t *len)
{
	size_t i = off, l, k;
	int tag;

	if (off > n || n - off < 2)
		return -1;
	tag = p[i++];
	if ((tag & 0x1f) == 0x1f)
		return -1;
	l = p[i++];
	if (l & 0x80) {
		k = l & 0x7f;
		if (k == 0 || k > 4 || n - i < k)
			return -1;
		for (l = 0; k > 0; k--) {
			if (l > (SIZE_MAX >> 8))
				return -1;
			l = l << 8 | p[i++];
		}
	}
	if (l > n - i)
		return -1;
	*hdr = i - off;
	*len = l;
	return tag;
}

int
ca_cert_names(unsigned char *p, size_t n, br_x500_name *issuer,
    br_x500_name *subject)
{
	/* TBSCertificate: [0] version OPTIONAL, serialNumber, signature,
	 * issuer, validity, subject, ... */
	static const int want[] = { 0x02, 0x30, 0x30, 0x30, 0x30 };
	size_t off, h, l, i;
	int tag;

	if (der_elt(p, n, 0, &h, &l) != 0x30)
		return -1;
	n = h + l;
	off = h;
	if (der_elt(p, n, off, &h, &l) != 0x30)
		return -1;
	n = off + h + l;
	off += h;
	if ((tag = der_elt(p, n, off, &h, &l)) == 0xa0) {
		off += h + l;
		tag = der_elt(p, n, off, &h, &l);
	}
	for (i = 0; i < sizeof want / sizeof want[0]; i++) {
		if (i > 0)
			tag = der_elt(p, n, off, &h, &l);
		if (tag != want[i])
			return -1;
		if (i == 2) {
			issuer->data = p + off;
			issuer->len = h + l;
		} else if (i == 4) {
			subject->data = p + off;
			subject->len = h + l;
		}
		off += h + l;
	}
	return 0;
}

/* ---- a certificate's iPAddress subjectAltNames ---------------------- */

/*
 * For https://192.0.2.1/ or https://[2001:db8::1]/ the certificate must
 * carry the address as a subjectAltName iPAddress (GeneralName [7], 4 or
 * 16 octets; RFC 5280 4.2.1.6, RFC 6125 6.2.1); a dNSName or a CN that
 * spells the address does not count.  br_x509_minimal matches DNS names
 * only and br_x509_decoder does not expose the extensions, so this push
 * walker reads the end-entity certificate as the engine streams it
 * (tls.c's X.509 wrapper feeds it):
 *
 *   depth 0  Certificate SEQUENCE
 *         1  tbsCertificate SEQUENCE, signatureAlgorithm, signature
 *         2  [0] version, serial, signature, issuer, validity, subject,
 *            subjectPublicKeyInfo, [1], [2], [3] extensions
 *         3  Extensions SEQUENCE
 *         4  Extension SEQUENCE ...
 *         5  extnID OID, critical BOOLEAN (optional), extnValue OCTET STRING
 *         6  (2.5.29.17 only) GeneralNames SEQUENCE
 *         7  GeneralName ...: [7] compared, the others skipped
 *
 * It enters only the elements on that path (end[] holds where each open
 * one ends, every child must fit in its parent), skips the rest by
 * length, and checks each level's field order and count when it closes.
 * Only definite DER lengths of up to 4 octets, minimal, and one-octet tags
 * are accepted.  Anything malformed is sticky SAN_BAD: no match.  The
 * result is the same for any slicing of the input.
 */
enum { SAN_TAG, SAN_LEN, SAN_LENN, SAN_SKIP, SAN_VAL, SAN_DONE, SAN_BAD };

#define SAN_SEQ 0x30
#define SAN_IP 0x87		/* [7] IMPLICIT OCTET STRING */

static const unsigned char oid_san[] = { 0x55, 0x1d, 0x11 };	/* 2.5.29.17 */

/* Starts a walk for the address ip[0..n), n 4 or 16. */
void
ca_san_init(struct ca_san *w, const unsigned char *ip, size_t n)
{
	memset(w, 0, sizeof *w);
	memcpy(w->want, ip, n);
	w->want_len = (unsigned char)n;
}

/* Bytes left in the innermost open element. */
static uint32_t
san_room(const struct ca_san *w)
{
	return w->depth ? w->end[w->depth - 1] - w->pos : 0xffffffffu - w->pos;
}

/* Opens the element whose header was just read. */
static int
san_enter(struct ca_san *w)
{
	w->end[w->depth++] = w->pos + w->len;
	w->k[w->depth] = 0;
	w->len = 0;
	return SAN_TAG;
}

/* What to do with the element (w->tag, w->len) at w->depth: open it,
 * skip it, read its value, or refuse it.  k[] counts the elements of a
 * level, or, for tbsCertificate and Extension, is the next field. */
static int
san_elem(struct ca_san *w)
{
	unsigned d = w->depth, k = w->k[d], tag = w->tag;

	if (w->k[d] < 255)
		w->k[d]++;
	switch (d) {
	case 0:		/* Certificate */
	case 3:		/* [3] holds one Extensions */
	case 6:		/* the SAN's extnValue holds one GeneralNames */
		return k == 0 && tag == SAN_SEQ ? san_enter(w) : SAN_BAD;
	case 1:		/* tbsCertificate, signatureAlgorithm, signature */
		if (k == 0 && tag == SAN_SEQ)
			return san_enter(w);
		if ((k == 1 && tag == SAN_SEQ) || (k == 2 && tag == 0x03))
			return SAN_SKIP;
		return SAN_BAD;
	case 2:		/* tbsCertificate: k is the next field, 0..9 */
		if (k == 0 && tag == 0xa0) {	/* version */
			w->k[d] = 1;
			return SAN_SKIP;
		}
		if (k <= 1 && tag == 0x02) {	/* serialNumber */
			w->k[d] = 2;
			return SAN_SKIP;
		}
		if (k >= 2 && k <= 6 && tag == SAN_SEQ) {	/* ... SPKI */
			w->k[d] = (unsigned char)(k + 1);
			return SAN_SKIP;
		}
		if (k == 7 && tag == 0x81) {	/* issuerUniqueID */
			w->k[d] = 8;
			return SAN_SKIP;
		}
		if (k >= 7 && k <= 8 && tag == 0x82) {	/* subjectUniqueID */
			w->k[d] = 9;
			return SAN_SKIP;
		}
		if (k >= 7 && k <= 9 && tag == 0xa3) {	/* extensions */
			w->k[d] = 10;
			return san_enter(w);
		}
		return SAN_BAD;
	case 4:		/* Extension */
		w->is_san = 0;
		return tag == SAN_SEQ ? san_enter(w) : SAN_BAD;
	case 5:		/* Extension: k is the next field, 0..2 */
		if (k == 0 && tag == 0x06) {
			w->k[d] = 1;
			return w->len == sizeof oid_san ? SAN_VAL : SAN_SKIP;
		}
		if (k == 1 && tag == 0x01 && w->len == 1) {	/* critical */
			w->k[d] = 2;
			return SAN_SKIP;
		}
		if ((k == 1 || k == 2) && tag == 0x04) {
			w->k[d] = 3;
			return w->is_san ? san_enter(w) : SAN_SKIP;
		}
		return SAN_BAD;
	case CA_SAN_DEPTH:	/* GeneralName: context-specific [0]..[8] */
		if ((tag & 0xc0) != 0x80)
			return SAN_BAD;
		return tag == SAN_IP && w->len == w->want_len ? SAN_VAL :
		    SAN_SKIP;
	}
	return SAN_BAD;
}

/* The element of level w->depth - 1 ends here: were its fields all
 * there? */
static int
san_complete(const struct ca_san *w)
{
	unsigned k = w->k[w->depth];

	switch (w->depth) {
	case 1: return k == 3;
	case 2: return k >= 7;
	case 5: return k == 3;
	case 3:
	case 6: return k == 1;
	}
	return k >= 1;	/* Extensions, GeneralNames: SIZE (1..MAX) */
}

/* A value read in full: an extnID, or an iPAddress. */
static void
san_value(struct ca_san *w)
{
	if (w->depth == 5)
		w->is_san = memcmp(w->val, oid_san, sizeof oid_san) == 0;
	else if (memcmp(w->val, w->want, w->want_len) == 0)
		w->match = 1;
}

/*
 * Pushes certificate bytes p[0..n).  Returns 0 (need more), 1 when the
 * Certificate ended with the last byte (san_match() holds the answer), or
 * -1 for malformed input, bytes after the Certificate included (sticky).
 * *used: bytes taken, all of them unless -1 is returned.
 */
int
ca_san_push(struct ca_san *w, const unsigned char *p, size_t n, size_t *used)
{
	size_t i = 0, k;
	unsigned c;
	int rc = 0;

	for (;;) {
		switch (w->state) {
		case SAN_TAG:
			/* close every element that ends here */
			while (w->depth > 0 && w->pos == w->end[w->depth - 1]) {
				if (!san_complete(w))
					goto bad;
				w->depth--;
				if (w->depth == 0) {
					w->state = SAN_DONE;
					break;
				}
			}
			if (w->state == SAN_DONE)
				break;
			if (i == n)
				goto out;
			w->tag = p[i++];
			w->pos++;
			if ((w->tag & 0x1f) == 0x1f)	/* multi-octet tag */
				goto bad;
			w->state = SAN_LEN;
			/* FALLTHROUGH */
		case SAN_LEN:
			if (i == n)
				goto out;
			if (san_room(w) == 0)
				goto bad;
			c = p[i++];
			w->pos++;
			w->len = c;
			w->nlen = 0;
			if (c >= 0x80) {
				w->nlen = (unsigned char)(c & 0x7f);
				w->len = 0;
				if (w->nlen == 0 || w->nlen > 4)
					goto bad;	/* indefinite, huge */
			}
			w->state = SAN_LENN;
			/* FALLTHROUGH */
		case SAN_LENN:
			for (; w->nlen > 0; w->nlen--) {
				if (i == n)
					goto out;
				if (san_room(w) == 0)
					goto bad;
				c = p[i++];
				w->pos++;
				if (w->len == 0 && c == 0)
					goto bad;	/* not minimal */
				w->len = w->len << 8 | c;
				if (w->nlen == 1 && w->len < 0x80)
					goto bad;	/* not minimal */
			}
			if (w->len > san_room(w))
				goto bad;
			w->state = (unsigned char)san_elem(w);
			w->val_len = 0;
			if (w->state == SAN_BAD)
				goto bad;
			break;
		case SAN_SKIP:
		case SAN_VAL:
			k = n - i < w->len ? n - i : w->len;
			if (w->state == SAN_VAL) {
				memcpy(w->val + w->val_len, p + i, k);
				w->val_len = (unsigned char)(w->val_len + k);
			}
			i += k;
			w->pos += (uint32_t)k;
			w->len -= (uint32_t)k;
			if (w->len > 0)
				goto out;
			if (w->state == SAN_VAL)
				san_value(w);
			w->state = SAN_TAG;
			break;
		case SAN_DONE:
			if (i < n)
				goto bad;	/* after the Certificate */
			rc = 1;
			goto out;
		default:
			goto bad;
		}
	}
bad:
	w->state = SAN_BAD;
	rc = -1;
out:
	*used = i;
	return rc;
}

/* The walk ended well and found the address. */
int
ca_san_match(const struct ca_san *w)
{
	return w->state == SAN_DONE && w->match;
}
