/* libFuzzer target: oauth.c URL, query and form-body parsing and
 * percent-encoding.  MIT licensed.
 *
 * Input: byte 0 picks the method, credentials and flags, byte 1 the cut
 * between a URL and a form body (the rest; a NUL ends the URL early).  With
 * a forced nonce and timestamp, oauth_base_string() and oauth_sign() are
 * run on them.  Checked:
 *  - both calls agree on success or the error code;
 *  - measure-then-write: out == NULL measures exactly the length written,
 *    a buffer one byte short is OAUTH_E_SPACE and left untouched, and the
 *    output is NUL-terminated at *len;
 *  - the base string has the form METHOD&enc&enc, only unreserved bytes
 *    and %XX (upper-case hex) in its two encoded parts;
 *  - oauth_pct_encode() of the whole input decodes back to the input.
 * Splitting does not apply (these are not push parsers); instead the same
 * request is signed twice and must give the same header.
 */
#include "fuzz.h"
#include "oauth.h"

static struct oauth o;
static struct oauth_param slots[1024];
static char scratch[65536];
static char out1[65536], out2[65536];
static int ready;

static int
hexv(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static int
unreserved(int c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
	    (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_' ||
	    c == '~';
}

/* Checks s[0..n) is well-formed percent-encoding; decodes into d. */
static size_t
decode(const char *s, size_t n, unsigned char *d)
{
	size_t i, k = 0;

	for (i = 0; i < n; i++) {
		if (s[i] == '%') {
			if (i + 2 >= n)
				abort();
			if (hexv(s[i + 1]) < 0 || hexv(s[i + 2]) < 0)
				abort();
			d[k++] = (unsigned char)(hexv(s[i + 1]) * 16 +
			    hexv(s[i + 2]));
			i += 2;
		} else if (unreserved((unsigned char)s[i])) {
			d[k++] = (unsigned char)s[i];
		} else {
			abort();
		}
	}
	return k;
}

typedef int (*signfn)(struct oauth *, const struct oauth_cred *,
    const char *, const char *, const unsigned char *, size_t, char *,
    size_t, size_t *);

static int
both(signfn f, const struct oauth_cred *c, const char *method,
    const char *url, const unsigned char *body, size_t blen, char *out,
    size_t *len)
{
	size_t m = 0, l = 0;
	int rc;

	rc = f(&o, c, method, url, body, blen, NULL, 0, &m);
	if (rc < 0)
		return rc;
	if (m + 1 > sizeof out1)
		return 1;
	memset(out, 'Z', m + 1);
	if (f(&o, c, method, url, body, blen, out, m, &l) != OAUTH_E_SPACE ||
	    l != m || out[0] != 'Z')
		abort();
	if (f(&o, c, method, url, body, blen, out, m + 1, &l) != 0 || l != m ||
	    out[m] != '\0' || strlen(out) != m)
		abort();
	*len = m;
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *methods[4] = { "GET", "POST", "post", "B@D" };
	static const struct oauth_cred cred[2] = {
		{ "ck", "cs", "tok", "ts" }, { "k+y", "s%cr&t", NULL, NULL }
	};
	const struct oauth_cred *c;
	const char *method;
	char *url;
	const unsigned char *body;
	size_t cut, blen, l1 = 0, l2 = 0, i, n;
	int r1, r2;
	unsigned char *dec;
	char *enc;

	if (size < 1)
		return 0;
	if (!ready) {
		unsigned char seed[32] = { 1 };

		oauth_init(&o, slots, sizeof slots / sizeof slots[0], scratch,
		    sizeof scratch);
		oauth_seed(&o, seed, sizeof seed);
		oauth_set_nonce(&o, "kYjzVBB8Y0ZFabxSWbWovY3uYSQ2pTgmZeNu2VS4cg");
		oauth_set_timestamp(&o, 1318622958);
		ready = 1;
	}
	method = methods[data[0] & 3];
	c = &cred[(data[0] >> 2) & 1];
	oauth_set_flags(&o, (data[0] >> 3) & 1 ? OAUTH_NO_VERSION : 0);
	if (size < 2)
		return 0;
	cut = data[1];
	data += 2;
	size -= 2;
	cut = (cut * 7919u) % (size + 1);
	url = malloc(cut + 1);
	if (url == NULL)
		abort();
	memcpy(url, data, cut);
	url[cut] = '\0';
	body = data + cut;
	blen = size - cut;

	r1 = both(oauth_base_string, c, method, url, body, blen, out1, &l1);
	r2 = both(oauth_sign, c, method, url, body, blen, out2, &l2);
	if ((r1 < 0 || r2 < 0) && r1 != r2)
		abort();
	if (r1 < 0 && oauth_error(&o) != r1)
		abort();
	if (r1 == 0) {
		/* METHOD&enc(uri)&enc(params), upper-cased token */
		const char *a = memchr(out1, '&', l1), *b;
		static unsigned char d[65536];

		if (a == NULL)
			abort();
		for (i = 0; out1 + i < a; i++)
			if (out1[i] < 'A' || out1[i] > 'Z')
				abort();
		b = memchr(a + 1, '&', l1 - (size_t)(a + 1 - out1));
		if (b == NULL)
			abort();
		decode(a + 1, (size_t)(b - a - 1), d);
		decode(b + 1, l1 - (size_t)(b + 1 - out1), d);
		/* deterministic with a forced nonce and time */
		if (r2 == 0) {
			char *again = malloc(l2 + 1);
			size_t l3;

			if (again == NULL ||
			    oauth_sign(&o, c, method, url, body, blen, again,
			    l2 + 1, &l3) != 0 || l3 != l2 ||
			    memcmp(again, out2, l2) != 0)
				abort();
			free(again);
		}
	}
	free(url);

	/* percent-encoding round trip over the whole input */
	enc = malloc(3 * size + 1);
	dec = malloc(size + 1);
	if (enc == NULL || dec == NULL)
		abort();
	if (oauth_pct_encode(data, size, enc, 3 * size + 1, &n) != 0)
		abort();
	if (decode(enc, n, dec) != size || (size && memcmp(dec, data, size)))
		abort();
	free(enc);
	free(dec);
	return 0;
}
