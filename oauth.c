/* oauth -- OAuth 1.0a HMAC-SHA1 signing, Bearer and Basic credentials.
 * MIT licensed, see LICENSE.  See oauth.h for the contract. */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "oauth.h"

static const char hexdig[] = "0123456789ABCDEF";

/* ---- small byte classes (no <ctype.h>: locale-free) --------------------- */

static int
is_alnum(unsigned char ch)
{
	return (ch >= '0' && ch <= '9') || (ch >= 'A' && ch <= 'Z') ||
	    (ch >= 'a' && ch <= 'z');
}

/* RFC 3986 unreserved: the only bytes OAuth leaves unencoded. */
static int
is_unreserved(unsigned char ch)
{
	return is_alnum(ch) || ch == '-' || ch == '.' || ch == '_' ||
	    ch == '~';
}

/* Bytes a form encoder may leave raw (unreserved, sub-delims, ":@/?",
 * and "%" which starts an escape). */
static int
is_form_raw(unsigned char ch)
{
	if (is_unreserved(ch))
		return 1;
	switch (ch) {
	case '!': case '$': case '&': case '\'': case '(': case ')':
	case '*': case '+': case ',': case ';': case '=': case ':':
	case '@': case '/': case '?': case '%':
		return 1;
	default:
		return 0;
	}
}

/* RFC 9110 tchar. */
static int
is_tchar(unsigned char ch)
{
	if (is_alnum(ch))
		return 1;
	switch (ch) {
	case '!': case '#': case '$': case '%': case '&': case '\'':
	case '*': case '+': case '-': case '.': case '^': case '_':
	case '`': case '|': case '~':
		return 1;
	default:
		return 0;
	}
}

static int
hexval(unsigned char ch)
{
	if (ch >= '0' && ch <= '9')
		return ch - '0';
	if (ch >= 'a' && ch <= 'f')
		return ch - 'a' + 10;
	if (ch >= 'A' && ch <= 'F')
		return ch - 'A' + 10;
	return -1;
}

static unsigned char
lower(unsigned char ch)
{
	return (ch >= 'A' && ch <= 'Z') ? (unsigned char)(ch - 'A' + 'a') : ch;
}

static unsigned char
upper(unsigned char ch)
{
	return (ch >= 'a' && ch <= 'z') ? (unsigned char)(ch - 'a' + 'A') : ch;
}

/* Zeroes memory that held key material; the volatile pointer keeps the
 * stores from being optimised away. */
static void
wipe(void *p, size_t n)
{
	volatile unsigned char *v = p;

	while (n--)
		*v++ = 0;
}

/* ---- output: measure, write, or feed HMAC -------------------------------- */

struct emit {
	char *p;		/* NULL: measure only; else room was checked */
	size_t len;
	br_hmac_context *hmac;	/* also fed when non-NULL */
	br_sha1_context *sha1;	/* likewise */
};

static void
put(struct emit *e, const void *s, size_t n)
{
	if (e->hmac)
		br_hmac_update(e->hmac, s, n);
	if (e->sha1)
		br_sha1_update(e->sha1, s, n);
	if (e->p)
		memcpy(e->p + e->len, s, n);
	e->len += n;
}

static void
puts_(struct emit *e, const char *s)
{
	put(e, s, strlen(s));
}

/* Percent-encodes s[0..n) into e, through a small buffer that is wiped
 * afterwards when it held a secret. */
static void
put_enc_x(struct emit *e, const void *s, size_t n, int secret)
{
	const unsigned char *p = s;
	char buf[96];
	size_t k = 0, i;

	for (i = 0; i < n; i++) {
		if (k > sizeof buf - 3) {
			put(e, buf, k);
			k = 0;
		}
		if (is_unreserved(p[i])) {
			buf[k++] = (char)p[i];
		} else {
			buf[k++] = '%';
			buf[k++] = hexdig[p[i] >> 4];
			buf[k++] = hexdig[p[i] & 15];
		}
	}
	put(e, buf, k);
	if (secret)
		wipe(buf, sizeof buf);
}

static void
put_enc(struct emit *e, const void *s, size_t n)
{
	put_enc_x(e, s, n, 0);
}

static size_t
enc_len(const void *s, size_t n)
{
	const unsigned char *p = s;
	size_t i, len = 0;

	for (i = 0; i < n; i++)
		len += is_unreserved(p[i]) ? 1 : 3;
	return len;
}

/* Decimal digits of v into buf (at least 21 bytes); returns the length. */
static size_t
fmt_u64(char *buf, uint64_t v)
{
	char tmp[24];
	size_t n = 0, i;

	do {
		tmp[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	for (i = 0; i < n; i++)
		buf[i] = tmp[n - 1 - i];
	buf[n] = '\0';
	return n;
}

/* ---- base64 ------------------------------------------------------------- */

static const char b64dig[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/* A streaming encoder, so "user:password" needs no joined copy. */
struct b64 {
	struct emit *e;
	unsigned char q[3];
	unsigned nq;
};

static void
b64_group(struct b64 *b)
{
	char o[4];
	uint32_t v = ((uint32_t)b->q[0] << 16) | ((uint32_t)b->q[1] << 8) |
	    b->q[2];

	o[0] = b64dig[(v >> 18) & 63];
	o[1] = b64dig[(v >> 12) & 63];
	o[2] = b->nq > 1 ? b64dig[(v >> 6) & 63] : '=';
	o[3] = b->nq > 2 ? b64dig[v & 63] : '=';
	put(b->e, o, 4);
	b->q[0] = b->q[1] = b->q[2] = 0;
	b->nq = 0;
}

static void
b64_put(struct b64 *b, const void *s, size_t n)
{
	const unsigned char *p = s;

	while (n--) {
		b->q[b->nq++] = *p++;
		if (b->nq == 3)
			b64_group(b);
	}
}

static void
b64_end(struct b64 *b)
{
	if (b->nq)
		b64_group(b);
}

int
oauth_base64(const unsigned char *in, size_t n, char *out, size_t cap,
    size_t *len)
{
	struct emit e = { NULL, 0, NULL, NULL };
	struct b64 b = { NULL, { 0, 0, 0 }, 0 };
	size_t need = OAUTH_BASE64_LEN(n);

	*len = need;
	if (out == NULL)
		return 0;
	if (need >= cap)
		return OAUTH_E_SPACE;
	e.p = out;
	b.e = &e;
	b64_put(&b, in, n);
	b64_end(&b);
	out[e.len] = '\0';
	return 0;
}

int
oauth_pct_encode(const unsigned char *in, size_t n, char *out, size_t cap,
    size_t *len)
{
	struct emit e = { NULL, 0, NULL, NULL };
	size_t need = enc_len(in, n);

	*len = need;
	if (out == NULL)
		return 0;
	if (need >= cap)
		return OAUTH_E_SPACE;
	e.p = out;
	put_enc(&e, in, n);
	out[e.len] = '\0';
	return 0;
}

void
oauth_hmac_sha1(const void *key, size_t key_len, const void *msg,
    size_t msg_len, unsigned char out[OAUTH_SHA1_LEN])
{
	br_hmac_key_context kc;
	br_hmac_context hc;

	br_hmac_key_init(&kc, &br_sha1_vtable, key, key_len);
	br_hmac_init(&hc, &kc, 0);
	br_hmac_update(&hc, msg, msg_len);
	br_hmac_out(&hc, out);
	wipe(&kc, sizeof kc);
	wipe(&hc, sizeof hc);
}

/* ---- Bearer and Basic ---------------------------------------------------- */

int
oauth_bearer(const char *token, char *out, size_t cap, size_t *len)
{
	size_t n, i;

	*len = 0;
	if (token == NULL || token[0] == '\0')
		return OAUTH_E_TOKEN;
	n = strlen(token);
	for (i = 0; i < n; i++)
		if ((unsigned char)token[i] < 0x21 ||
		    (unsigned char)token[i] > 0x7e)
			return OAUTH_E_TOKEN;
	*len = 7 + n;
	if (out == NULL)
		return 0;
	if (*len >= cap)
		return OAUTH_E_SPACE;
	memcpy(out, "Bearer ", 7);
	memcpy(out + 7, token, n);
	out[7 + n] = '\0';
	return 0;
}

static int
has_ctl(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20 || (unsigned char)s[i] == 0x7f)
			return 1;
	return 0;
}

int
oauth_basic(const char *user, const char *password, char *out, size_t cap,
    size_t *len)
{
	struct emit e = { NULL, 0, NULL, NULL };
	struct b64 b = { NULL, { 0, 0, 0 }, 0 };
	size_t ul, pl;

	*len = 0;
	if (user == NULL || password == NULL)
		return OAUTH_E_BASIC;
	ul = strlen(user);
	pl = strlen(password);
	if (memchr(user, ':', ul) != NULL || has_ctl(user, ul) ||
	    has_ctl(password, pl))
		return OAUTH_E_BASIC;
	*len = 6 + OAUTH_BASE64_LEN(ul + 1 + pl);
	if (out == NULL)
		return 0;
	if (*len >= cap)
		return OAUTH_E_SPACE;
	e.p = out;
	b.e = &e;
	put(&e, "Basic ", 6);
	b64_put(&b, user, ul);
	b64_put(&b, ":", 1);
	b64_put(&b, password, pl);
	b64_end(&b);
	wipe(b.q, sizeof b.q);
	out[e.len] = '\0';
	return 0;
}

/* ---- context ------------------------------------------------------------ */

int
oauth_init(struct oauth *o, struct oauth_param *slots, size_t nslots,
    char *scratch, size_t scratch_cap)
{
	br_prng_seeder seeder;
	const char *name = NULL;

	memset(o, 0, sizeof *o);
	o->slot = slots;
	o->nslots = nslots;
	o->scratch = scratch;
	o->scratch_cap = scratch_cap;
	o->forced_ts = -1;
	br_hmac_drbg_init(&o->drbg, &br_sha256_vtable, NULL, 0);
	seeder = br_prng_seeder_system(&name);
	if (seeder != NULL && seeder(&o->drbg.vtable))
		o->seeded = 1;
	o->err = o->seeded ? 0 : OAUTH_E_SEED;
	return o->err;
}

void
oauth_seed(struct oauth *o, const void *seed, size_t len)
{
	br_hmac_drbg_update(&o->drbg, seed, len);
	o->seeded = 1;
	if (o->err == OAUTH_E_SEED)
		o->err = 0;
}

void
oauth_set_skew(struct oauth *o, int64_t skew)
{
	o->skew = skew;
}

void
oauth_set_server_time(struct oauth *o, int64_t server_now)
{
	o->skew = server_now - (int64_t)time(NULL);
}

int
oauth_set_nonce(struct oauth *o, const char *nonce)
{
	size_t n, i;

	if (nonce == NULL) {
		o->forced_nonce_len = 0;
		return 0;
	}
	n = strlen(nonce);
	if (n == 0 || n > OAUTH_NONCE_MAX)
		return OAUTH_E_NONCE;
	for (i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)nonce[i];

		if (ch < 0x21 || ch > 0x7e || ch == '"' || ch == '\\')
			return OAUTH_E_NONCE;
	}
	memcpy(o->forced_nonce, nonce, n);
	o->forced_nonce_len = (unsigned char)n;
	return 0;
}

void
oauth_set_timestamp(struct oauth *o, int64_t ts)
{
	o->forced_ts = ts < 0 ? -1 : ts;
}

/* ---- one request --------------------------------------------------------- */

struct req {
	const char *method;
	size_t method_len;
	const char *scheme;	/* "http" or "https" as written */
	size_t scheme_len;
	const char *host;	/* with brackets for an IPv6 literal */
	size_t host_len;
	long port;		/* -1: none or the default */
	const char *path;
	size_t path_len;
	const char *query;
	size_t query_len;
	char nonce[OAUTH_NONCE_MAX + 1];
	size_t nonce_len;
	char ts[24];
	size_t ts_len;
	size_t nparams;		/* slots in use */
	size_t used;		/* scratch bytes in use */
};

static int
bytes_ieq(const char *a, size_t n, const char *lit)
{
	size_t i;

	if (strlen(lit) != n)
		return 0;
	for (i = 0; i < n; i++)
		if (lower((unsigned char)a[i]) != (unsigned char)lit[i])
			return 0;
	return 1;
}

/* Splits an absolute http(s) URL: scheme "://" authority path [?query]
 * [#fragment].  No user info, no bytes <= 0x20 or 0x7f anywhere. */
static int
parse_url(struct req *r, const char *url)
{
	const char *p = url, *a, *end;
	size_t i, n = strlen(url);
	int https;

	for (i = 0; i < n; i++)
		if ((unsigned char)url[i] <= 0x20 ||
		    (unsigned char)url[i] == 0x7f)
			return OAUTH_E_URL;
	end = url + n;
	for (a = p; a < end && *a != ':'; a++)
		;
	if (a == end || end - a < 3 || a[1] != '/' || a[2] != '/')
		return OAUTH_E_URL;
	r->scheme = p;
	r->scheme_len = (size_t)(a - p);
	if (bytes_ieq(p, r->scheme_len, "https"))
		https = 1;
	else if (bytes_ieq(p, r->scheme_len, "http"))
		https = 0;
	else
		return OAUTH_E_URL;
	p = a + 3;
	/* authority */
	for (a = p; a < end && *a != '/' && *a != '?' && *a != '#'; a++)
		if (*a == '@')
			return OAUTH_E_URL;
	r->host = p;
	if (p < a && *p == '[') {
		const char *q = memchr(p, ']', (size_t)(a - p));

		if (q == NULL || q == p + 1)
			return OAUTH_E_URL;
		r->host_len = (size_t)(q + 1 - p);
		p = q + 1;
		if (p < a && *p != ':')
			return OAUTH_E_URL;
	} else {
		const char *q = p;

		while (q < a && *q != ':')
			q++;
		r->host_len = (size_t)(q - p);
		p = q;
	}
	if (r->host_len == 0)
		return OAUTH_E_URL;
	r->port = -1;
	if (p < a) {		/* ":" port, possibly empty */
		long port = 0;

		for (p++; p < a; p++) {
			if (*p < '0' || *p > '9')
				return OAUTH_E_URL;
			port = port * 10 + (*p - '0');
			if (port > 65535)
				return OAUTH_E_URL;
		}
		if (a[-1] != ':') {
			if (port == 0)
				return OAUTH_E_URL;
			if (port != (https ? 443 : 80))
				r->port = port;
		}
	}
	/* path, query, fragment */
	r->path = a;
	while (a < end && *a != '?' && *a != '#')
		a++;
	r->path_len = (size_t)(a - r->path);
	r->query = a;
	r->query_len = 0;
	if (a < end && *a == '?') {
		r->query = ++a;
		while (a < end && *a != '#')
			a++;
		r->query_len = (size_t)(a - r->query);
	}
	return 0;
}

/* Appends one encoded byte string to the scratch buffer. */
static int
scratch_put(struct oauth *o, struct req *r, const void *s, size_t n,
    const char **at, size_t *len)
{
	struct emit e = { NULL, 0, NULL, NULL };
	size_t need = enc_len(s, n);

	if (need > o->scratch_cap - r->used)
		return OAUTH_E_SCRATCH;
	e.p = o->scratch + r->used;
	put_enc(&e, s, n);
	*at = e.p;
	*len = need;
	r->used += need;
	return 0;
}

static int
add_param(struct oauth *o, struct req *r, const char *name,
    const void *value, size_t value_len)
{
	struct oauth_param *sl;
	int rc;

	if (r->nparams == o->nslots)
		return OAUTH_E_SLOTS;
	sl = &o->slot[r->nparams];
	if ((rc = scratch_put(o, r, name, strlen(name), &sl->name,
	    &sl->name_len)) != 0)
		return rc;
	if ((rc = scratch_put(o, r, value, value_len, &sl->value,
	    &sl->value_len)) != 0)
		return rc;
	r->nparams++;
	return 0;
}

/* Form-decodes s[0..n) and writes its re-encoding to the scratch buffer. */
static int
form_recode(struct oauth *o, struct req *r, const unsigned char *s,
    size_t n, const char **at, size_t *len)
{
	char *out = o->scratch + r->used;
	size_t room = o->scratch_cap - r->used, k = 0, i;

	for (i = 0; i < n; i++) {
		unsigned char ch = s[i];

		if (ch == '%') {
			int hi, lo;

			if (n - i < 3 || (hi = hexval(s[i + 1])) < 0 ||
			    (lo = hexval(s[i + 2])) < 0)
				return OAUTH_E_PERCENT;
			ch = (unsigned char)(hi << 4 | lo);
			i += 2;
		} else if (ch == '+') {
			ch = ' ';
		} else if (!is_form_raw(ch)) {
			return OAUTH_E_FORM;
		}
		if (is_unreserved(ch)) {
			if (room - k < 1)
				return OAUTH_E_SCRATCH;
			out[k++] = (char)ch;
		} else {
			if (room - k < 3)
				return OAUTH_E_SCRATCH;
			out[k++] = '%';
			out[k++] = hexdig[ch >> 4];
			out[k++] = hexdig[ch & 15];
		}
	}
	*at = out;
	*len = k;
	r->used += k;
	return 0;
}

/* Collects the name=value pairs of a form-encoded string. */
static int
collect_form(struct oauth *o, struct req *r, const unsigned char *p,
    size_t n)
{
	size_t i = 0;

	while (i < n) {
		const unsigned char *pair = p + i, *amp, *eq;
		size_t plen, used0 = r->used;
		struct oauth_param *sl;
		int rc;

		amp = memchr(pair, '&', n - i);
		plen = amp ? (size_t)(amp - pair) : n - i;
		i += plen + 1;
		if (plen == 0)
			continue;
		if (r->nparams == o->nslots)
			return OAUTH_E_SLOTS;
		sl = &o->slot[r->nparams];
		eq = memchr(pair, '=', plen);
		if ((rc = form_recode(o, r, pair, eq ? (size_t)(eq - pair) :
		    plen, &sl->name, &sl->name_len)) != 0)
			return rc;
		if ((rc = form_recode(o, r, eq ? eq + 1 : pair + plen,
		    eq ? plen - (size_t)(eq + 1 - pair) : 0, &sl->value,
		    &sl->value_len)) != 0)
			return rc;
		if (sl->name_len == 15 &&
		    memcmp(sl->name, "oauth_signature", 15) == 0) {
			r->used = used0;	/* never signed (3.4.1.3.1) */
			continue;
		}
		r->nparams++;
	}
	return 0;
}

static int
bytes_cmp(const char *a, size_t an, const char *b, size_t bn)
{
	int c = memcmp(a, b, an < bn ? an : bn);

	if (c != 0)
		return c;
	return an < bn ? -1 : an > bn;
}

static int
param_cmp(const void *x, const void *y)
{
	const struct oauth_param *a = x, *b = y;
	int c = bytes_cmp(a->name, a->name_len, b->name, b->name_len);

	return c ? c : bytes_cmp(a->value, a->value_len, b->value,
	    b->value_len);
}

static int
make_nonce(struct oauth *o, struct req *r)
{
	static const char alnum[] =
	    "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
	unsigned char rnd[64];
	size_t i;

	if (o->forced_nonce_len) {
		memcpy(r->nonce, o->forced_nonce, o->forced_nonce_len);
		r->nonce_len = o->forced_nonce_len;
		r->nonce[r->nonce_len] = '\0';
		return 0;
	}
	if (!o->seeded)
		return OAUTH_E_SEED;
	r->nonce_len = 0;
	while (r->nonce_len < OAUTH_NONCE_LEN) {
		br_hmac_drbg_generate(&o->drbg, rnd, sizeof rnd);
		/* 248 = 4 * 62: rejecting 248..255 keeps the draw uniform */
		for (i = 0; i < sizeof rnd && r->nonce_len < OAUTH_NONCE_LEN;
		    i++)
			if (rnd[i] < 248)
				r->nonce[r->nonce_len++] = alnum[rnd[i] % 62];
	}
	r->nonce[r->nonce_len] = '\0';
	wipe(rnd, sizeof rnd);
	return 0;
}

/* Everything up to the signature: validates the inputs, draws nonce and
 * timestamp, collects and sorts the parameters. */
static int
prepare(struct oauth *o, const struct oauth_cred *c, const char *method,
    const char *url, const unsigned char *body, size_t body_len,
    struct req *r)
{
	int64_t ts;
	size_t i;
	int rc;

	memset(r, 0, sizeof *r);
	if (c == NULL || c->consumer_key == NULL || c->consumer_key[0] == '\0'
	    || c->consumer_secret == NULL)
		return OAUTH_E_CRED;
	if (method == NULL || method[0] == '\0')
		return OAUTH_E_METHOD;
	r->method = method;
	r->method_len = strlen(method);
	for (i = 0; i < r->method_len; i++)
		if (!is_tchar((unsigned char)method[i]))
			return OAUTH_E_METHOD;
	if (url == NULL)
		return OAUTH_E_URL;
	if ((rc = parse_url(r, url)) != 0)
		return rc;
	if (body == NULL && body_len != 0)
		return OAUTH_E_FORM;
	if ((rc = make_nonce(o, r)) != 0)
		return rc;
	ts = o->forced_ts >= 0 ? o->forced_ts : (int64_t)time(NULL) + o->skew;
	r->ts_len = fmt_u64(r->ts, ts < 0 ? 0 : (uint64_t)ts);

	if ((rc = collect_form(o, r, (const unsigned char *)r->query,
	    r->query_len)) != 0)
		return rc;
	if (body_len && (rc = collect_form(o, r, body, body_len)) != 0)
		return rc;
	if ((rc = add_param(o, r, "oauth_consumer_key", c->consumer_key,
	    strlen(c->consumer_key))) != 0 ||
	    (rc = add_param(o, r, "oauth_nonce", r->nonce, r->nonce_len)) != 0
	    || (rc = add_param(o, r, "oauth_signature_method", "HMAC-SHA1",
	    9)) != 0 ||
	    (rc = add_param(o, r, "oauth_timestamp", r->ts, r->ts_len)) != 0)
		return rc;
	if (c->token && c->token[0] && (rc = add_param(o, r, "oauth_token",
	    c->token, strlen(c->token))) != 0)
		return rc;
	if (!(o->flags & OAUTH_NO_VERSION) &&
	    (rc = add_param(o, r, "oauth_version", "1.0", 3)) != 0)
		return rc;
	qsort(o->slot, r->nparams, sizeof o->slot[0], param_cmp);
	return 0;
}

/* METHOD & enc(base string URI) & enc(normalised parameters). */
static void
emit_base(struct oauth *o, const struct req *r, struct emit *e)
{
	char buf[64];
	size_t i, k;

	for (i = 0; i < r->method_len; i += k) {
		for (k = 0; k < sizeof buf && i + k < r->method_len; k++)
			buf[k] = (char)upper((unsigned char)r->method[i + k]);
		put_enc(e, buf, k);
	}
	put(e, "&", 1);
	for (i = 0; i < r->scheme_len; i++)
		buf[i] = (char)lower((unsigned char)r->scheme[i]);
	put_enc(e, buf, r->scheme_len);
	put_enc(e, "://", 3);
	for (i = 0; i < r->host_len; i += k) {
		for (k = 0; k < sizeof buf && i + k < r->host_len; k++)
			buf[k] = (char)lower((unsigned char)r->host[i + k]);
		put_enc(e, buf, k);
	}
	if (r->port >= 0) {
		buf[0] = ':';
		k = 1 + fmt_u64(buf + 1, (uint64_t)r->port);
		put_enc(e, buf, k);
	}
	if (r->path_len)
		put_enc(e, r->path, r->path_len);
	else
		put_enc(e, "/", 1);
	put(e, "&", 1);
	for (i = 0; i < r->nparams; i++) {
		const struct oauth_param *sl = &o->slot[i];

		if (i)
			put_enc(e, "&", 1);
		put_enc(e, sl->name, sl->name_len);
		put_enc(e, "=", 1);
		put_enc(e, sl->value, sl->value_len);
	}
}

int
oauth_base_string(struct oauth *o, const struct oauth_cred *c,
    const char *method, const char *url, const unsigned char *body,
    size_t body_len, char *out, size_t cap, size_t *len)
{
	struct emit e = { NULL, 0, NULL, NULL };
	struct req r;
	int rc;

	*len = 0;
	if ((rc = prepare(o, c, method, url, body, body_len, &r)) != 0)
		goto out;
	emit_base(o, &r, &e);
	*len = e.len;
	if (out == NULL)
		goto out;
	if (e.len >= cap) {
		rc = OAUTH_E_SPACE;
		goto out;
	}
	e.p = out;
	e.len = 0;
	emit_base(o, &r, &e);
	out[e.len] = '\0';
out:
	o->err = rc;
	return rc;
}

/* The signing key enc(consumer_secret) "&" enc(token_secret), streamed:
 * HMAC hashes a key longer than SHA-1's 64-byte block first (RFC 2104),
 * so a long key is hashed here on the fly and never held whole. */
static void
signing_key(br_hmac_key_context *kc, const struct oauth_cred *c)
{
	const char *ts = c->token_secret ? c->token_secret : "";
	size_t csl = strlen(c->consumer_secret), tsl = strlen(ts);
	struct emit e = { NULL, 0, NULL, NULL };
	unsigned char key[64];
	br_sha1_context sc;

	if (enc_len(c->consumer_secret, csl) + 1 + enc_len(ts, tsl) <=
	    sizeof key) {
		e.p = (char *)key;
	} else {
		br_sha1_init(&sc);
		e.sha1 = &sc;
	}
	put_enc_x(&e, c->consumer_secret, csl, 1);
	put(&e, "&", 1);
	put_enc_x(&e, ts, tsl, 1);
	if (e.sha1) {
		br_sha1_out(&sc, key);
		e.len = OAUTH_SHA1_LEN;
		wipe(&sc, sizeof sc);
	}
	br_hmac_key_init(kc, &br_sha1_vtable, key, e.len);
	wipe(key, sizeof key);
}

static void
emit_header(const struct oauth *o, const struct oauth_cred *c,
    const struct req *r, const char *sig, struct emit *e)
{
	puts_(e, "OAuth oauth_consumer_key=\"");
	put_enc(e, c->consumer_key, strlen(c->consumer_key));
	puts_(e, "\", oauth_nonce=\"");
	put_enc(e, r->nonce, r->nonce_len);
	puts_(e, "\", oauth_signature=\"");
	put_enc(e, sig, OAUTH_SIG_LEN);
	puts_(e, "\", oauth_signature_method=\"HMAC-SHA1\", "
	    "oauth_timestamp=\"");
	put(e, r->ts, r->ts_len);
	if (c->token && c->token[0]) {
		puts_(e, "\", oauth_token=\"");
		put_enc(e, c->token, strlen(c->token));
	}
	if (!(o->flags & OAUTH_NO_VERSION))
		puts_(e, "\", oauth_version=\"1.0");
	put(e, "\"", 1);
}

int
oauth_sign(struct oauth *o, const struct oauth_cred *c, const char *method,
    const char *url, const unsigned char *body, size_t body_len, char *out,
    size_t cap, size_t *len)
{
	struct emit e = { NULL, 0, NULL, NULL };
	br_hmac_key_context kc;
	br_hmac_context hc;
	unsigned char mac[OAUTH_SHA1_LEN];
	char sig[OAUTH_SIG_LEN + 1];
	size_t siglen;
	struct req r;
	int rc;

	*len = 0;
	if ((rc = prepare(o, c, method, url, body, body_len, &r)) != 0)
		goto out;
	signing_key(&kc, c);
	br_hmac_init(&hc, &kc, 0);
	e.hmac = &hc;
	emit_base(o, &r, &e);
	br_hmac_out(&hc, mac);
	wipe(&kc, sizeof kc);
	wipe(&hc, sizeof hc);
	oauth_base64(mac, sizeof mac, sig, sizeof sig, &siglen);

	e.hmac = NULL;
	e.len = 0;
	emit_header(o, c, &r, sig, &e);
	*len = e.len;
	if (out == NULL)
		goto out;
	if (e.len >= cap) {
		rc = OAUTH_E_SPACE;
		goto out;
	}
	e.p = out;
	e.len = 0;
	emit_header(o, c, &r, sig, &e);
	out[e.len] = '\0';
out:
	o->err = rc;
	return rc;
}
