/* ca -- trust anchors for tls.c: a whole bundle in memory, or the few a
 * handshake needs, found on demand; and what tls.c reads from a
 * certificate beyond BearSSL (its DNs, its iPAddress subjectAltNames).
 * MIT licensed, see LICENSE.
 * Vendorable: needs libc (POSIX), BearSSL and this header only.
 *
 * Two ways.  (1) In memory: a caller-owned struct ca_store (fixed
 * arrays, no heap) that ca_store_load() fills from a PEM bundle file or
 * an OpenSSL-style hashed directory (files named XXXXXXXX.N) with
 * BearSSL's PEM and X.509 decoders; or a compiled-in array (`brssl ta`
 * output).  Either is given to tls.c as tls_config.ta.  (2) On demand: an
 * anchor source (ca_find_fn) adds to a small struct ca_set the
 * anchors whose subject DN equals one of the DNs it is asked for; tls.c
 * (tls_config.find) asks it once per full handshake for the issuer and
 * subject DNs of the server's chain (ca_cert_names() finds them) and
 * validates with just those.  BearSSL only ever uses an anchor whose DN
 * equals a chain certificate's issuer (CA anchors) or subject (direct
 * trust), so the verdict is the one the full set would give.  This
 * module's source, ca_scan_find(), reads the PEM file (or every file
 * of the hashed directory) in CA_CHUNK-byte read()s and keeps the
 * matching certificates: a few ms per full handshake.  Firmware can plug
 * in anchors kept in flash instead.  Default file for both: the path
 * given, else $SSL_CERT_FILE, else $SSL_CERT_DIR, else CA_FILE.
 *
 * Memory (LP64, BearSSL 0.6): sizeof(struct ca_store) is CA_STORE_MAX *
 * 64 + CA_STORE_POOL bytes (92 KiB by default, sized for Debian 12's system
 * bundle: 144 anchors, 61917 pool bytes, measured); sizeof(struct
 * ca_set) 6672 (CA_SET_MAX = 8 anchors, CA_SET_POOL =
 * 6144 pool bytes: eight 4096-bit RSA keys with DNs of up to 250 bytes;
 * the bundle's largest DN is 213 bytes, its largest key 515; a handshake
 * uses one or two); sizeof(struct ca_scan) 3424 (an X.509 decoder, a
 * CA_CHUNK = 2048 read buffer).  Scanning Debian's bundle (220 KB,
 * 144 certificates) for a chain's DNs takes 1.8 ms on a 2020s x86 core
 * (the PEM reader stops decoding a certificate once its DN differs from
 * every wanted one); ca_scan_init()'s full decode 8 ms;
 * ca_store_load() 31 ms.  The scan also reads CRLF bundles, whose
 * certificates BearSSL's PEM decoder (ca_store_load) does not see.  No
 * heap use, but a hashed directory is read with opendir(), which
 * allocates in libc: use a bundle file where no allocation after start-up
 * is allowed.
 */
#ifndef CA_H
#define CA_H

#include <stddef.h>
#include <stdint.h>
#include <bearssl.h>

#ifndef CA_STORE_MAX
#define CA_STORE_MAX 192			/* trust anchors in ca_store */
#endif
#ifndef CA_STORE_POOL
#define CA_STORE_POOL (80 * 1024)	/* DN + key bytes of all anchors */
#endif
#ifndef CA_FILE
#define CA_FILE "/etc/ssl/certs/ca-certificates.crt"
#endif
#ifndef CA_SET_MAX
#define CA_SET_MAX 8		/* anchors of one handshake */
#endif
#ifndef CA_SET_POOL
#define CA_SET_POOL (8 * 768)	/* their DN + key bytes */
#endif
#ifndef CA_CHUNK
#define CA_CHUNK 2048		/* read() size of the CA file scan */
#endif

/* Errors.  Range -300 .. -319. */
#define CA_ERRORS(X) \
	X(CA_E_OPEN, -300, "cannot open CA file or directory") \
	X(CA_E_READ, -301, "cannot read CA file") \
	X(CA_E_PEM, -302, "CA file is not valid PEM") \
	X(CA_E_CERT, -303, "CA certificate cannot be decoded") \
	X(CA_E_FULL, -304, "too many trust anchors for the fixed storage") \
	X(CA_E_EMPTY, -305, "no trust anchors found")

enum ca_error {
#define CA_ENUM(name, code, text) name = code,
	CA_ERRORS(CA_ENUM)
#undef CA_ENUM
	CA_E_NONE = 0
};

/* Trust anchor storage: ta[] entries point into pool. */
struct ca_store {
	br_x509_trust_anchor ta[CA_STORE_MAX];
	unsigned char pool[CA_STORE_POOL];
	size_t n;		/* anchors loaded */
	size_t used;		/* pool bytes used */
	int err;		/* sticky load error */
	/* loader scratch (do not touch) */
	size_t dn_start;
	int dn_over;
};

/* The anchors of one handshake (on-demand mode): ta[] entries point into
 * pool.  Filled by an anchor source with ca_set_add(). */
struct ca_set {
	br_x509_trust_anchor ta[CA_SET_MAX];
	unsigned char pool[CA_SET_POOL];
	size_t n;		/* anchors in ta[] */
	size_t used;		/* pool bytes used */
};

/* An anchor source: adds to out (with ca_set_add) every anchor
 * whose subject DN equals, byte for byte, one of dn[0..ndn) (full DER
 * encodings, distinct).  Returns the number added (0 is no error: the
 * chain is then not trusted, BearSSL's "unknown issuer") or a negative
 * TLS_E_* code, which fails the handshake with that code.  Called from
 * tls_step(), once per full handshake. */
typedef int (*ca_find_fn)(void *arg, const br_x500_name *dn, size_t ndn,
    struct ca_set *out);

/* The file source: scans a PEM bundle or hashed directory per call.
 * Caller-allocated; do not touch fields. */
struct ca_scan {
	const char *path;	/* resolved, caller's string */
	int dir;
	/* scan state */
	br_x509_decoder_context dc;
	const br_x500_name *want;	/* DNs searched, <= 32 per pass */
	size_t nwant;
	uint32_t live;		/* want[i] still equal to the DN so far */
	size_t dn_off;		/* DN bytes seen */
	int count;		/* counting mode (ca_scan_init) */
	struct ca_set *out;
	int added;
	int state;		/* PEM reader */
	unsigned char line[40];	/* start of a BEGIN or END line */
	size_t line_len;
	uint32_t acc;		/* base64 quantum */
	unsigned nacc, pad;
	unsigned char der[64];	/* decoded, for the X.509 decoder */
	size_t der_len;
	unsigned char buf[CA_CHUNK];
};

/* Resets a (n = 0, no error). */
void ca_store_init(struct ca_store *a);

/* Adds the CERTIFICATE objects of PEM file or hashed directory path to a.
 * path NULL: $SSL_CERT_FILE, else $SSL_CERT_DIR, else CA_FILE.
 * Returns the number of anchors added (> 0) or a CA_E_* error. */
int ca_store_load(struct ca_store *a, const char *path);

/* Adds the certificates of PEM text p[0..n) (memory). */
int ca_store_load_pem(struct ca_store *a, const unsigned char *p,
    size_t n);

/* Empties s. */
void ca_set_init(struct ca_set *s);

/* Copies anchor ta (DN, flags, key) into s.  Returns 1, 0 when s holds
 * the same anchor already, or CA_E_FULL (CA_SET_MAX anchors or
 * CA_SET_POOL bytes) or CA_E_CERT (a key type other than RSA or
 * EC). */
int ca_set_add(struct ca_set *s,
    const br_x509_trust_anchor *ta);

/* Prepares the file source: path as for ca_store_load() (NULL: the
 * environment, else CA_FILE; the string MUST outlive s), checked once
 * now by a full scan.  Returns the number of certificates usable as
 * anchors (> 0) or CA_E_OPEN, CA_E_READ, CA_E_PEM,
 * CA_E_EMPTY. */
int ca_scan_init(struct ca_scan *s, const char *path);

/* The file source as a ca_find_fn (arg: a struct ca_scan made by
 * ca_scan_init): one pass over the file per 32 DNs.  Errors:
 * CA_E_OPEN, CA_E_READ, CA_E_PEM (the file changed since),
 * CA_E_FULL. */
int ca_scan_find(void *arg, const br_x500_name *dn, size_t ndn,
    struct ca_set *out);

/* Finds the issuer and subject Name of certificate p[0..n): whole DER
 * elements, as BearSSL hashes them, pointing into p.  Returns 0 or -1
 * (not a certificate: the validator will say what is wrong with it). */
int ca_cert_names(unsigned char *p, size_t n, br_x500_name *issuer,
    br_x500_name *subject);

/* A certificate's subjectAltName iPAddress entries (GeneralName [7], 4 or
 * 16 octets; RFC 5280 4.2.1.6), compared with one address while the DER
 * streams in: what tls.c checks for an https://IP-ADDRESS/ host, since
 * BearSSL matches DNS names only.  The walker follows the structure
 * Certificate > tbsCertificate > [3] > Extensions > Extension > extnValue
 * > GeneralNames, skips everything else by length and checks each level's
 * fields; a dNSName or a CN that spells the address does not count.  It
 * holds no byte of the certificate but the element being compared:
 * sizeof(struct ca_san) is 84 bytes everywhere.  Resumable: any slicing
 * of the input gives the same answer.  Do not touch the fields.
 * CA_SAN_DEPTH is that path's depth, not a tunable. */
#define CA_SAN_DEPTH 7
struct ca_san {
	uint32_t end[CA_SAN_DEPTH];	/* where each open element ends */
	uint32_t pos;			/* certificate bytes walked */
	uint32_t len;			/* bytes left of the current element */
	unsigned char k[CA_SAN_DEPTH + 1];	/* fields seen per level */
	unsigned char depth, state, tag, nlen;
	unsigned char is_san, match, want_len, val_len;
	unsigned char want[16];		/* the address, network order */
	unsigned char val[16];		/* an OID or an iPAddress being read */
};

/* Starts a walk looking for the address ip[0..n), n 4 or 16 (network
 * order). */
void ca_san_init(struct ca_san *w, const unsigned char *ip, size_t n);

/* Pushes certificate bytes p[0..n).  Returns 0 (need more), 1 when the
 * Certificate ended with the last byte (ca_san_match() has the answer),
 * or -1 for malformed input, bytes after the Certificate included
 * (sticky: no match).  *used: bytes taken, all of them unless -1. */
int ca_san_push(struct ca_san *w, const unsigned char *p, size_t n,
    size_t *used);

/* Nonzero when the walk ended well and found the address. */
int ca_san_match(const struct ca_san *w);

#endif
