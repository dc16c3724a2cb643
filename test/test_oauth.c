/* Tests for oauth.c -- MIT licensed, see LICENSE.
 * Known answers (RFC 2202 HMAC-SHA1, RFC 4648 base64, RFC 5849 3.4.1,
 * OAuth Core 1.0 appendix A, Twitter's "Creating a signature"), base
 * string URI rules, normalisation, bad input with the exact error and
 * nothing written, Bearer and Basic.  The signer is not a push decoder:
 * every input is whole. */
#include "t.h"
#include "oauth.h"

#define NSLOTS 64
#define SCRATCH 4096

static struct oauth_param slots[NSLOTS];
static char scratch[SCRATCH];
static struct oauth ctx;
static char out[8192];

static struct oauth *
fresh(void)
{
	if (oauth_init(&ctx, slots, NSLOTS, scratch, sizeof scratch) != 0)
		return NULL;
	return &ctx;
}

static int
unhex(const char *h, unsigned char *b)
{
	int n = 0;

	while (h[0] && h[1]) {
		unsigned v;

		if (sscanf(h, "%2x", &v) != 1)
			return -1;
		b[n++] = (unsigned char)v;
		h += 2;
	}
	return n;
}

/* ---- RFC 2202 section 3: HMAC-SHA1 -------------------------------------- */

static int
hmac_rfc2202(void)
{
	static const struct {
		int key_byte, key_len;	/* key_byte < 0: key is given */
		const char *key;
		int data_byte, data_len;
		const char *data;
		const char *mac;
	} v[] = {
		{ 0x0b, 20, NULL, -1, 0, "Hi There",
		    "b617318655057264e28bc0b6fb378c8ef146be00" },
		{ -1, 0, "Jefe", -1, 0, "what do ya want for nothing?",
		    "effcdf6ae5eb2fa2d27416d5f184df9c259a7c79" },
		{ 0xaa, 20, NULL, 0xdd, 50, NULL,
		    "125d7342b9ac11cd91a39af48aa17b4f63f175d3" },
		{ -2, 25, NULL, 0xcd, 50, NULL,
		    "4c9007f4026250c6bc8414f9bf50c86c2d7235da" },
		{ 0x0c, 20, NULL, -1, 0, "Test With Truncation",
		    "4c1a03424b55e07fe7f27be1d58bb9324a9a5a04" },
		{ 0xaa, 80, NULL, -1, 0,
		    "Test Using Larger Than Block-Size Key - Hash Key First",
		    "aa4ae5e15272d00e95705637ce8a3b55ed402112" },
		{ 0xaa, 80, NULL, -1, 0,
		    "Test Using Larger Than Block-Size Key and Larger "
		    "Than One Block-Size Data",
		    "e8e99d0f45237d786d6bbaa7965c7808bbff1a91" },
	};
	size_t i;

	for (i = 0; i < sizeof v / sizeof v[0]; i++) {
		unsigned char key[80], data[80], want[20], mac[20];
		size_t kl, dl;
		int j;

		if (v[i].key_byte >= 0) {
			kl = (size_t)v[i].key_len;
			memset(key, v[i].key_byte, kl);
		} else if (v[i].key_byte == -2) {
			kl = (size_t)v[i].key_len;
			for (j = 0; j < v[i].key_len; j++)
				key[j] = (unsigned char)(j + 1);
		} else {
			kl = strlen(v[i].key);
			memcpy(key, v[i].key, kl);
		}
		if (v[i].data_byte >= 0) {
			dl = (size_t)v[i].data_len;
			memset(data, v[i].data_byte, dl);
		} else {
			dl = strlen(v[i].data);
			memcpy(data, v[i].data, dl);
		}
		check(unhex(v[i].mac, want) == 20);
		oauth_hmac_sha1(key, kl, data, dl, mac);
		check(memcmp(mac, want, 20) == 0);
	}
	return 0;
}

/* ---- RFC 4648 section 10: base64 ----------------------------------------- */

static int
base64_rfc4648(void)
{
	static const char *const v[][2] = {
		{ "", "" }, { "f", "Zg==" }, { "fo", "Zm8=" },
		{ "foo", "Zm9v" }, { "foob", "Zm9vYg==" },
		{ "fooba", "Zm9vYmE=" }, { "foobar", "Zm9vYmFy" },
	};
	static const unsigned char bin[] = { 0xff, 0xfe, 0x00, 0xfb, 0xef };
	size_t i, len;

	for (i = 0; i < sizeof v / sizeof v[0]; i++) {
		size_t n = strlen(v[i][0]);

		check(oauth_base64((const unsigned char *)v[i][0], n, out,
		    sizeof out, &len) == 0);
		check(len == strlen(v[i][1]) && len == OAUTH_BASE64_LEN(n));
		check(strcmp(out, v[i][1]) == 0);
		/* measure only */
		check(oauth_base64((const unsigned char *)v[i][0], n, NULL, 0,
		    &len) == 0 && len == strlen(v[i][1]));
	}
	check(oauth_base64(bin, sizeof bin, out, sizeof out, &len) == 0);
	check(strcmp(out, "//4A++8=") == 0);
	/* exactly fitting (len + NUL) works, one less writes nothing */
	memset(out, 'Z', 16);
	check(oauth_base64((const unsigned char *)"foobar", 6, out, 8, &len)
	    == OAUTH_E_SPACE && len == 8);
	check(out[0] == 'Z' && out[7] == 'Z' && out[8] == 'Z');
	check(oauth_base64((const unsigned char *)"foobar", 6, out, 9, &len)
	    == 0 && strcmp(out, "Zm9vYmFy") == 0);
	return 0;
}

/* ---- RFC 3986 percent-encoding ------------------------------------------- */

static int
pct_encode(void)
{
	static const char *const v[][2] = {
		{ "", "" },
		{ "abcXYZ019-._~", "abcXYZ019-._~" },
		{ "a b+c", "a%20b%2Bc" },
		{ "!*'();:@&=+$,/?#[]", "%21%2A%27%28%29%3B%3A%40%26%3D%2B%24"
		    "%2C%2F%3F%23%5B%5D" },
		{ "\xc3\xa9\xe2\x98\x83", "%C3%A9%E2%98%83" },
		{ "%", "%25" },
	};
	unsigned char all[256];
	size_t i, len;

	for (i = 0; i < sizeof v / sizeof v[0]; i++) {
		check(oauth_pct_encode((const unsigned char *)v[i][0],
		    strlen(v[i][0]), out, sizeof out, &len) == 0);
		check(len == strlen(v[i][1]) && strcmp(out, v[i][1]) == 0);
	}
	/* every byte: unreserved passes, all else is %XX upper case */
	for (i = 0; i < 256; i++)
		all[i] = (unsigned char)i;
	check(oauth_pct_encode(all, 256, out, sizeof out, &len) == 0);
	{
		const char *p = out;

		for (i = 0; i < 256; i++) {
			int unres = (i >= '0' && i <= '9') ||
			    (i >= 'A' && i <= 'Z') || (i >= 'a' && i <= 'z') ||
			    i == '-' || i == '.' || i == '_' || i == '~';
			char want[4];

			if (unres) {
				check(*p == (char)i);
				p++;
			} else {
				snprintf(want, sizeof want, "%%%02X",
				    (unsigned)i);
				check(memcmp(p, want, 3) == 0);
				p += 3;
			}
		}
		check(p == out + len && *p == '\0');
	}
	memset(out, 'Z', 8);
	check(oauth_pct_encode((const unsigned char *)" ", 1, out, 3, &len) ==
	    OAUTH_E_SPACE && len == 3 && out[0] == 'Z');
	return 0;
}

/* ---- RFC 5849 section 3.4.1 (base string, errata 2550 signature) -------- */

static const struct oauth_cred rfc_cred = {
	"9djdj82h48djs9d2", "j49sk3j29djd", "kkk9d7dh3k39sjv7", "dh893hdasih9"
};
static const char rfc_url[] =
    "http://example.com/request?b5=%3D%253D&a3=a&c%40=&a2=r%20b";
static const char rfc_body[] = "c2&a3=2+q";
static const char rfc_base[] =
    "POST&http%3A%2F%2Fexample.com%2Frequest&a2%3Dr%2520b%26a3%3D2%2520q"
    "%26a3%3Da%26b5%3D%253D%25253D%26c%2540%3D%26c2%3D%26oauth_consumer_"
    "key%3D9djdj82h48djs9d2%26oauth_nonce%3D7d8f3e4a%26oauth_signature_m"
    "ethod%3DHMAC-SHA1%26oauth_timestamp%3D137131201%26oauth_token%3Dkkk"
    "9d7dh3k39sjv7";

static int
rfc5849_example(void)
{
	struct oauth *o = fresh();
	size_t len;

	check(o != NULL);
	check(oauth_set_nonce(o, "7d8f3e4a") == 0);
	oauth_set_timestamp(o, 137131201);
	oauth_set_flags(o, OAUTH_NO_VERSION);	/* the example has none */
	check(oauth_base_string(o, &rfc_cred, "POST", rfc_url,
	    (const unsigned char *)rfc_body, strlen(rfc_body), out,
	    sizeof out, &len) == 0);
	check(len == strlen(rfc_base) && strcmp(out, rfc_base) == 0);
	check(oauth_sign(o, &rfc_cred, "POST", rfc_url,
	    (const unsigned char *)rfc_body, strlen(rfc_body), out,
	    sizeof out, &len) == 0);
	/* The RFC prints bYT5CMsGcbgUdFHObYMEfOx6bJw=, which is wrong
	 * (erratum 2550); openssl dgst -sha1 -hmac over the RFC's own base
	 * string gives this value. */
	check(strcmp(out, "OAuth oauth_consumer_key=\"9djdj82h48djs9d2\", "
	    "oauth_nonce=\"7d8f3e4a\", "
	    "oauth_signature=\"r6%2FTJjbCOr97%2F%2BUU0NsvSne7s5g%3D\", "
	    "oauth_signature_method=\"HMAC-SHA1\", "
	    "oauth_timestamp=\"137131201\", "
	    "oauth_token=\"kkk9d7dh3k39sjv7\"") == 0);
	check(len == strlen(out));
	/* lower-case method is signed upper-case */
	check(oauth_base_string(o, &rfc_cred, "post", rfc_url,
	    (const unsigned char *)rfc_body, strlen(rfc_body), out,
	    sizeof out, &len) == 0 && strcmp(out, rfc_base) == 0);
	return 0;
}

/* ---- OAuth Core 1.0 appendix A.5 ("photos") ------------------------------ */

static int
core10_photos_example(void)
{
	static const struct oauth_cred c = {
		"dpf43f3p2l4k3l03", "kd94hf93k423kf44", "nnch734d00sl2jdk",
		"pfkkdhi9sl3r4s00"
	};
	struct oauth *o = fresh();
	size_t len;

	check(o != NULL);
	check(oauth_set_nonce(o, "kllo9940pd9333jh") == 0);
	oauth_set_timestamp(o, 1191242096);
	check(oauth_base_string(o, &c, "GET",
	    "http://photos.example.net/photos?file=vacation.jpg&size=original",
	    NULL, 0, out, sizeof out, &len) == 0);
	check(strcmp(out, "GET&http%3A%2F%2Fphotos.example.net%2Fphotos&"
	    "file%3Dvacation.jpg%26oauth_consumer_key%3Ddpf43f3p2l4k3l03%26"
	    "oauth_nonce%3Dkllo9940pd9333jh%26oauth_signature_method%3DHMAC-"
	    "SHA1%26oauth_timestamp%3D1191242096%26oauth_token%3Dnnch734d00s"
	    "l2jdk%26oauth_version%3D1.0%26size%3Doriginal") == 0);
	check(oauth_sign(o, &c, "GET",
	    "http://photos.example.net/photos?file=vacation.jpg&size=original",
	    NULL, 0, out, sizeof out, &len) == 0);
	check(strstr(out, "oauth_signature=\"tR3%2BTy81lMeYAr%2FFid0kMTYa%2F"
	    "WM%3D\"") != NULL);
	return 0;
}

/* ---- Twitter, "Creating a signature" ------------------------------------- */

static int
twitter_example(void)
{
	static const struct oauth_cred c = {
		"xvz1evFS4wEEPTGEFPHBog",
		"kAcSOqF21Fu85e7zjz7ZN2U4ZRhfV3WpwPAoE3Z7kBw",
		"370773112-GmHxMAgYyLbNEtIKZeRNFsMKPR9EyMZeS9weJAEb",
		"LswwdoUaIvS8ltyTt5jkRh4J50vUPVVHtR2YPi5kE"
	};
	static const char url[] =
	    "https://api.twitter.com/1.1/statuses/update.json"
	    "?include_entities=true";
	static const char body[] = "status=Hello%20Ladies%20%2B%20Gentlemen"
	    "%2C%20a%20signed%20OAuth%20request%21";
	struct oauth *o = fresh();
	size_t len;

	check(o != NULL);
	check(oauth_set_nonce(o, "kYjzVBB8Y0ZFabxSWbWovY3uYSQ2pTgmZeNu2VS4cg")
	    == 0);
	oauth_set_timestamp(o, 1318622958);
	check(oauth_base_string(o, &c, "POST", url,
	    (const unsigned char *)body, strlen(body), out, sizeof out, &len)
	    == 0);
	check(strcmp(out, "POST&https%3A%2F%2Fapi.twitter.com%2F1.1%2Fstatuses"
	    "%2Fupdate.json&include_entities%3Dtrue%26oauth_consumer_key%3Dxvz"
	    "1evFS4wEEPTGEFPHBog%26oauth_nonce%3DkYjzVBB8Y0ZFabxSWbWovY3uYSQ2pT"
	    "gmZeNu2VS4cg%26oauth_signature_method%3DHMAC-SHA1%26oauth_timesta"
	    "mp%3D1318622958%26oauth_token%3D370773112-GmHxMAgYyLbNEtIKZeRNFsM"
	    "KPR9EyMZeS9weJAEb%26oauth_version%3D1.0%26status%3DHello%2520Ladi"
	    "es%2520%252B%2520Gentlemen%252C%2520a%2520signed%2520OAuth%2520re"
	    "quest%2521") == 0);
	check(oauth_sign(o, &c, "POST", url, (const unsigned char *)body,
	    strlen(body), out, sizeof out, &len) == 0);
	/* the signing key is 85 bytes: the hashed-key path of HMAC */
	check(strcmp(out,
	    "OAuth oauth_consumer_key=\"xvz1evFS4wEEPTGEFPHBog\", "
	    "oauth_nonce=\"kYjzVBB8Y0ZFabxSWbWovY3uYSQ2pTgmZeNu2VS4cg\", "
	    "oauth_signature=\"hCtSmYh%2BiHYCEqBWrE7C7hYmtUk%3D\", "
	    "oauth_signature_method=\"HMAC-SHA1\", "
	    "oauth_timestamp=\"1318622958\", "
	    "oauth_token=\"370773112-GmHxMAgYyLbNEtIKZeRNFsMKPR9EyMZeS9weJAEb\""
	    ", oauth_version=\"1.0\"") == 0);
	check(len == strlen(out));
	/* measuring gives the same length and writes nothing */
	check(oauth_sign(o, &c, "POST", url, (const unsigned char *)body,
	    strlen(body), NULL, 0, &len) == 0 && len == strlen(out));
	return 0;
}

/* ---- signature == HMAC(key, base string), secrets around 64 bytes ------ */

static int
sign_matches_base_string(void)
{
	static const size_t lens[] = { 0, 1, 30, 31, 32, 62, 63, 64, 65, 200 };
	char cs[256], ts[256], key[1024], base[4096], want[64];
	unsigned char mac[20];
	size_t i, j, len, kl, bl;

	for (i = 0; i < sizeof lens / sizeof lens[0]; i++) {
		struct oauth *o = fresh();
		struct oauth_cred c = { "key", cs, "tok", ts };
		const char *p;

		check(o != NULL);
		for (j = 0; j < lens[i]; j++)
			cs[j] = (char)('a' + j % 26);
		cs[lens[i]] = '\0';
		/* a token secret with bytes that encode to 3 */
		for (j = 0; j < lens[i] / 2; j++)
			ts[j] = (j & 1) ? '/' : 'x';
		ts[lens[i] / 2] = '\0';
		check(oauth_set_nonce(o, "n0nce") == 0);
		oauth_set_timestamp(o, 1700000000);
		check(oauth_base_string(o, &c, "GET", "https://h/p?q=1", NULL,
		    0, base, sizeof base, &bl) == 0);
		check(oauth_pct_encode((const unsigned char *)cs, strlen(cs),
		    key, sizeof key, &kl) == 0);
		key[kl++] = '&';
		check(oauth_pct_encode((const unsigned char *)ts, strlen(ts),
		    key + kl, sizeof key - kl, &len) == 0);
		kl += len;
		oauth_hmac_sha1(key, kl, base, bl, mac);
		check(oauth_base64(mac, 20, want, sizeof want, &len) == 0);
		check(oauth_sign(o, &c, "GET", "https://h/p?q=1", NULL, 0, out,
		    sizeof out, &len) == 0);
		p = strstr(out, "oauth_signature=\"");
		check(p != NULL);
		p += 17;
		check(oauth_pct_encode((const unsigned char *)want,
		    strlen(want), key, sizeof key, &kl) == 0);
		check(strncmp(p, key, kl) == 0 && p[kl] == '"');
	}
	return 0;
}

/* ---- base string URI (RFC 5849 3.4.1.2) ---------------------------------- */

static int
base_uri_rules(void)
{
	static const char *const v[][2] = {
		{ "HTTP://Example.COM:80/r%20v/X.html",
		    "http%3A%2F%2Fexample.com%2Fr%2520v%2FX.html" },
		{ "https://www.example.net:8080/?q=1",
		    "https%3A%2F%2Fwww.example.net%3A8080%2F" },
		{ "https://x.com:443", "https%3A%2F%2Fx.com%2F" },
		{ "https://x.com", "https%3A%2F%2Fx.com%2F" },
		{ "http://x.com?a=b", "http%3A%2F%2Fx.com%2F" },
		{ "http://x.com:443/", "http%3A%2F%2Fx.com%3A443%2F" },
		{ "https://x.com:80/", "https%3A%2F%2Fx.com%3A80%2F" },
		{ "http://x.com:0080/p", "http%3A%2F%2Fx.com%2Fp" },
		{ "http://x.com:08080/p", "http%3A%2F%2Fx.com%3A8080%2Fp" },
		{ "http://x.com:/p", "http%3A%2F%2Fx.com%2Fp" },
		{ "http://x.com/p#frag?x=1", "http%3A%2F%2Fx.com%2Fp" },
		{ "http://[::1]:8080/s",
		    "http%3A%2F%2F%5B%3A%3A1%5D%3A8080%2Fs" },
		{ "http://[FE80::A]/", "http%3A%2F%2F%5Bfe80%3A%3Aa%5D%2F" },
		{ "http://127.0.0.1:80/a;b", "http%3A%2F%2F127.0.0.1%2Fa%3Bb" },
	};
	static const struct oauth_cred c = { "k", "s", NULL, NULL };
	size_t i, len;

	for (i = 0; i < sizeof v / sizeof v[0]; i++) {
		struct oauth *o = fresh();
		const char *a, *b;

		check(o != NULL);
		check(oauth_base_string(o, &c, "GET", v[i][0], NULL, 0, out,
		    sizeof out, &len) == 0);
		a = strchr(out, '&');
		check(a != NULL);
		b = strchr(a + 1, '&');
		check(b != NULL);
		check((size_t)(b - a - 1) == strlen(v[i][1]));
		check(memcmp(a + 1, v[i][1], strlen(v[i][1])) == 0);
	}
	return 0;
}

/* ---- parameter collection and normalisation ------------------------------ */

#define PROTO "oauth_consumer_key=ck&oauth_nonce=N&" \
	"oauth_signature_method=HMAC-SHA1&oauth_timestamp=1&oauth_version=1.0"

static int
normalisation(void)
{
	static const struct {
		const char *url, *body, *params;
	} v[] = {
		/* duplicates kept, ordered by value; empty values */
		{ "http://h/?b=2&a=2&a=1&a=", NULL,
		    "a=&a=1&a=2&b=2&" PROTO },
		/* pair without "=", empty pairs skipped, "=" inside value */
		{ "http://h/?x&&y=a=b&", NULL, PROTO "&x=&y=a%3Db" },
		/* "+" is a space; raw reserved bytes re-encoded; lower hex */
		{ "http://h/?q=a+b%2bc&r=!*'()&s=%e2%98%83", NULL,
		    PROTO "&q=a%20b%2Bc&r=%21%2A%27%28%29&s=%E2%98%83" },
		/* query and body mixed */
		{ "http://h/?z=1&m=q", "m=b&a=%7E", "a=~&m=b&m=q&" PROTO
		    "&z=1" },
		/* an oauth_signature anywhere is never signed */
		{ "http://h/?oauth_signature=x&k=v", "oauth_signature=y",
		    "k=v&" PROTO },
		/* sort is on encoded bytes: "%" (0x25) < "-" < digits < "_" */
		{ "http://h/?a_=1&a1=1&a-=1&a%20=1", NULL,
		    "a%20=1&a-=1&a1=1&a_=1&" PROTO },
		/* sub-delims, ":@/?" and "=" raw in a value */
		{ "http://h/?u=http://x/y?z=1;2,3$@", NULL,
		    PROTO "&u=http%3A%2F%2Fx%2Fy%3Fz%3D1%3B2%2C3%24%40" },
	};
	static const struct oauth_cred c = { "ck", "cs", NULL, NULL };
	size_t i, len;

	for (i = 0; i < sizeof v / sizeof v[0]; i++) {
		struct oauth *o = fresh();
		char enc[2048];
		size_t elen;
		const char *a;

		check(o != NULL);
		check(oauth_set_nonce(o, "N") == 0);
		oauth_set_timestamp(o, 1);
		check(oauth_pct_encode((const unsigned char *)v[i].params,
		    strlen(v[i].params), enc, sizeof enc, &elen) == 0);
		check(oauth_base_string(o, &c, "POST", v[i].url,
		    (const unsigned char *)v[i].body,
		    v[i].body ? strlen(v[i].body) : 0, out, sizeof out,
		    &len) == 0);
		a = strchr(strchr(out, '&') + 1, '&') + 1;
		check(strcmp(a, enc) == 0);
	}
	return 0;
}

/* ---- two-legged: no token ------------------------------------------------ */

static int
no_token(void)
{
	static const struct oauth_cred c = { "ck", "cs", NULL, NULL };
	static const struct oauth_cred c2 = { "ck", "cs", "", "" };
	struct oauth *o = fresh();
	unsigned char mac[20];
	char base[1024], sig[64], enc[96];
	size_t len, bl;

	check(o != NULL);
	check(oauth_set_nonce(o, "abc") == 0);
	oauth_set_timestamp(o, 5);
	check(oauth_base_string(o, &c, "GET", "http://h/", NULL, 0, base,
	    sizeof base, &bl) == 0);
	check(strstr(base, "oauth_token") == NULL);
	oauth_hmac_sha1("cs&", 3, base, bl, mac);
	check(oauth_base64(mac, 20, sig, sizeof sig, &len) == 0);
	check(oauth_pct_encode((unsigned char *)sig, len, enc, sizeof enc,
	    &len) == 0);
	check(oauth_sign(o, &c, "GET", "http://h/", NULL, 0, out, sizeof out,
	    &len) == 0);
	check(strstr(out, enc) != NULL && strstr(out, "oauth_token") == NULL);
	check(oauth_sign(o, &c2, "GET", "http://h/", NULL, 0, out, sizeof out,
	    &len) == 0);
	check(strstr(out, enc) != NULL && strstr(out, "oauth_token") == NULL);
	return 0;
}

/* ---- nonce, timestamp, skew ---------------------------------------------- */

static int
nonce_and_clock(void)
{
	static const struct oauth_cred c = { "ck", "cs", "t", "ts" };
	struct oauth *o = fresh();
	char n1[80], n2[80];
	const char *p;
	size_t len, i;
	long long ts;
	time_t now;

	check(o != NULL);
	check(oauth_sign(o, &c, "GET", "http://h/", NULL, 0, out, sizeof out,
	    &len) == 0);
	p = strstr(out, "oauth_nonce=\"");
	check(p != NULL);
	p += 13;
	for (i = 0; p[i] != '"'; i++)
		check(i < sizeof n1 - 1 && ((p[i] >= '0' && p[i] <= '9') ||
		    (p[i] >= 'A' && p[i] <= 'Z') ||
		    (p[i] >= 'a' && p[i] <= 'z')));
	check(i == OAUTH_NONCE_LEN);
	memcpy(n1, p, i);
	n1[i] = '\0';
	check(oauth_sign(o, &c, "GET", "http://h/", NULL, 0, out, sizeof out,
	    &len) == 0);
	p = strstr(out, "oauth_nonce=\"") + 13;
	memcpy(n2, p, OAUTH_NONCE_LEN);
	n2[OAUTH_NONCE_LEN] = '\0';
	check(strcmp(n1, n2) != 0);

	oauth_set_skew(o, 1000);
	check(oauth_skew(o) == 1000);
	now = time(NULL);
	check(oauth_sign(o, &c, "GET", "http://h/", NULL, 0, out, sizeof out,
	    &len) == 0);
	p = strstr(out, "oauth_timestamp=\"");
	check(p != NULL && sscanf(p + 17, "%lld", &ts) == 1);
	check(ts >= (long long)now + 1000 && ts <= (long long)now + 1002);

	oauth_set_server_time(o, (int64_t)time(NULL) - 600);
	check(oauth_skew(o) <= -599 && oauth_skew(o) >= -601);
	now = time(NULL);
	check(oauth_sign(o, &c, "GET", "http://h/", NULL, 0, out, sizeof out,
	    &len) == 0);
	p = strstr(out, "oauth_timestamp=\"");
	check(p != NULL && sscanf(p + 17, "%lld", &ts) == 1);
	check(ts >= (long long)now - 601 && ts <= (long long)now - 598);

	/* forcing is undone by NULL / -1 */
	check(oauth_set_nonce(o, "fixed") == 0);
	oauth_set_timestamp(o, 42);
	check(oauth_sign(o, &c, "GET", "http://h/", NULL, 0, out, sizeof out,
	    &len) == 0);
	check(strstr(out, "oauth_nonce=\"fixed\"") != NULL);
	check(strstr(out, "oauth_timestamp=\"42\"") != NULL);
	check(oauth_set_nonce(o, NULL) == 0);
	oauth_set_timestamp(o, -1);
	check(oauth_sign(o, &c, "GET", "http://h/", NULL, 0, out, sizeof out,
	    &len) == 0);
	check(strstr(out, "oauth_nonce=\"fixed\"") == NULL);
	check(strstr(out, "oauth_timestamp=\"42\"") == NULL);
	/* bad forced nonces */
	check(oauth_set_nonce(o, "") == OAUTH_E_NONCE);
	check(oauth_set_nonce(o, "a b") == OAUTH_E_NONCE);
	check(oauth_set_nonce(o, "a\"b") == OAUTH_E_NONCE);
	memset(n1, 'x', 65);
	n1[65] = '\0';
	check(oauth_set_nonce(o, n1) == OAUTH_E_NONCE);
	n1[64] = '\0';
	check(oauth_set_nonce(o, n1) == 0);
	return 0;
}

/* ---- bad input: exact error, nothing written ----------------------------- */

static int
bad_input(void)
{
	static const struct oauth_cred good = { "ck", "cs", "t", "ts" };
	static const struct oauth_cred nokey = { "", "cs", "t", "ts" };
	static const struct oauth_cred nosecret = { "ck", NULL, "t", "ts" };
	static const struct {
		const char *name;
		const struct oauth_cred *c;
		const char *method, *url, *body;
		int err;
	} v[] = {
		{ "body_bad_hex", &good, "POST", "http://h/", "a=%zz",
		    OAUTH_E_PERCENT },
		{ "body_half_escape", &good, "POST", "http://h/", "a=%4",
		    OAUTH_E_PERCENT },
		{ "body_trailing_pct", &good, "POST", "http://h/", "a=b%",
		    OAUTH_E_PERCENT },
		{ "body_bad_name", &good, "POST", "http://h/", "%G0=1",
		    OAUTH_E_PERCENT },
		{ "body_second_digit", &good, "POST", "http://h/", "a=%2x",
		    OAUTH_E_PERCENT },
		{ "query_bad_hex", &good, "GET", "http://h/?a=%%", NULL,
		    OAUTH_E_PERCENT },
		{ "body_raw_space", &good, "POST", "http://h/", "a=b c",
		    OAUTH_E_FORM },
		{ "body_raw_quote", &good, "POST", "http://h/", "a=\"",
		    OAUTH_E_FORM },
		{ "body_raw_utf8", &good, "POST", "http://h/", "a=\xc3\xa9",
		    OAUTH_E_FORM },
		{ "body_raw_bracket", &good, "POST", "http://h/", "a[]=1",
		    OAUTH_E_FORM },
		{ "body_raw_newline", &good, "POST", "http://h/", "a=1\r\n",
		    OAUTH_E_FORM },
		{ "query_raw_pipe", &good, "GET", "http://h/?a=|", NULL,
		    OAUTH_E_FORM },
		{ "url_empty", &good, "GET", "", NULL, OAUTH_E_URL },
		{ "url_relative", &good, "GET", "/1.1/x.json", NULL,
		    OAUTH_E_URL },
		{ "url_no_scheme", &good, "GET", "example.com/x", NULL,
		    OAUTH_E_URL },
		{ "url_ftp", &good, "GET", "ftp://h/", NULL, OAUTH_E_URL },
		{ "url_no_host", &good, "GET", "http:///p", NULL,
		    OAUTH_E_URL },
		{ "url_userinfo", &good, "GET", "http://u:p@h/", NULL,
		    OAUTH_E_URL },
		{ "url_big_port", &good, "GET", "http://h:65536/", NULL,
		    OAUTH_E_URL },
		{ "url_zero_port", &good, "GET", "http://h:0/", NULL,
		    OAUTH_E_URL },
		{ "url_port_alpha", &good, "GET", "http://h:8a/", NULL,
		    OAUTH_E_URL },
		{ "url_space", &good, "GET", "http://h/a b", NULL,
		    OAUTH_E_URL },
		{ "url_open_bracket", &good, "GET", "http://[::1/", NULL,
		    OAUTH_E_URL },
		{ "url_junk_after_v6", &good, "GET", "http://[::1]x/", NULL,
		    OAUTH_E_URL },
		{ "method_empty", &good, "", "http://h/", NULL,
		    OAUTH_E_METHOD },
		{ "method_space", &good, "GE T", "http://h/", NULL,
		    OAUTH_E_METHOD },
		{ "method_crlf", &good, "GET\r\n", "http://h/", NULL,
		    OAUTH_E_METHOD },
		{ "cred_no_key", &nokey, "GET", "http://h/", NULL,
		    OAUTH_E_CRED },
		{ "cred_no_secret", &nosecret, "GET", "http://h/", NULL,
		    OAUTH_E_CRED },
		{ "cred_null", NULL, "GET", "http://h/", NULL, OAUTH_E_CRED },
	};
	size_t i, len;

	for (i = 0; i < sizeof v / sizeof v[0]; i++) {
		struct oauth *o = fresh();
		size_t bl = v[i].body ? strlen(v[i].body) : 0;
		int rc;

		check(o != NULL);
		memset(out, 'Z', 64);
		len = 12345;
		rc = oauth_sign(o, v[i].c, v[i].method, v[i].url,
		    (const unsigned char *)v[i].body, bl, out, sizeof out,
		    &len);
		if (rc != v[i].err)
			fprintf(stderr, "bad_input %s: got %d want %d\n",
			    v[i].name, rc, v[i].err);
		check(rc == v[i].err);
		check(oauth_error(o) == v[i].err);
		check(out[0] == 'Z' && out[63] == 'Z' && len == 0);
		rc = oauth_base_string(o, v[i].c, v[i].method, v[i].url,
		    (const unsigned char *)v[i].body, bl, out, sizeof out,
		    &len);
		check(rc == v[i].err && out[0] == 'Z');
	}
	/* a NULL body with a length */
	check(oauth_sign(fresh(), &good, "POST", "http://h/", NULL, 3, out,
	    sizeof out, &len) == OAUTH_E_FORM);
	return 0;
}

/* The header does not fit: exactly fitting works, one byte less is
 * OAUTH_E_SPACE with *len the need and not a byte written. */
static int
header_too_small(void)
{
	struct oauth *o = fresh();
	char buf[1024];
	size_t need, len;

	check(o != NULL);
	check(oauth_set_nonce(o, "7d8f3e4a") == 0);
	oauth_set_timestamp(o, 137131201);
	oauth_set_flags(o, OAUTH_NO_VERSION);
	check(oauth_sign(o, &rfc_cred, "POST", rfc_url,
	    (const unsigned char *)rfc_body, strlen(rfc_body), NULL, 0,
	    &need) == 0);
	memset(buf, 'Z', sizeof buf);
	check(oauth_sign(o, &rfc_cred, "POST", rfc_url,
	    (const unsigned char *)rfc_body, strlen(rfc_body), buf, need,
	    &len) == OAUTH_E_SPACE);
	check(len == need && oauth_error(o) == OAUTH_E_SPACE);
	for (len = 0; len < sizeof buf; len++)
		check(buf[len] == 'Z');
	check(oauth_sign(o, &rfc_cred, "POST", rfc_url,
	    (const unsigned char *)rfc_body, strlen(rfc_body), buf, need + 1,
	    &len) == 0);
	check(len == need && buf[need] == '\0' && strlen(buf) == need);
	check(oauth_error(o) == 0);	/* not sticky: a retry succeeds */
	check(oauth_base_string(o, &rfc_cred, "POST", rfc_url,
	    (const unsigned char *)rfc_body, strlen(rfc_body), buf,
	    strlen(rfc_base), &len) == OAUTH_E_SPACE);
	/* *len is the need; the header written before is untouched */
	check(len == strlen(rfc_base) && buf[0] == 'O' && buf[1] == 'A');
	return 0;
}

/* Over-long parameters: out of slots or scratch is a named error. */
static int
params_over_limit(void)
{
	static const struct oauth_cred c = { "ck", "cs", "t", "ts" };
	static struct oauth_param few[8];
	static char small[512];
	static unsigned char body[8192];
	struct oauth o;
	size_t len, i, n;

	/* 4 user parameters + 6 protocol ones do not fit in 8 slots */
	check(oauth_init(&o, few, 8, scratch, sizeof scratch) == 0);
	memset(out, 'Z', 16);
	check(oauth_sign(&o, &c, "GET", "http://h/?a=1&b=2&c=3&d=4", NULL, 0,
	    out, sizeof out, &len) == OAUTH_E_SLOTS && out[0] == 'Z');
	/* 2 fit */
	check(oauth_sign(&o, &c, "GET", "http://h/?a=1&b=2", NULL, 0, out,
	    sizeof out, &len) == 0);
	/* one 400-byte value of bytes that encode to 3 each: 1200 > 512 */
	check(oauth_init(&o, slots, NSLOTS, small, sizeof small) == 0);
	n = 0;
	body[n++] = 'v';
	body[n++] = '=';
	for (i = 0; i < 400; i++)
		body[n++] = '*';
	memset(out, 'Z', 16);
	check(oauth_sign(&o, &c, "POST", "http://h/", body, n, out,
	    sizeof out, &len) == OAUTH_E_SCRATCH && out[0] == 'Z');
	check(oauth_sign(&o, &c, "POST", "http://h/", body, 100, out,
	    sizeof out, &len) == 0);
	/* a long consumer key alone can exhaust it too */
	{
		static char key[400];
		struct oauth_cred lc = { key, "cs", NULL, NULL };

		memset(key, '+', sizeof key - 1);
		check(oauth_sign(&o, &lc, "GET", "http://h/", NULL, 0, out,
		    sizeof out, &len) == OAUTH_E_SCRATCH);
	}
	/* the documented bounds are enough for the worst case */
	{
		static struct oauth_param many[OAUTH_SLOTS_NEED(0, 8192)];
		static char big[OAUTH_SCRATCH_NEED(9, 8192, 2, 1)];
		static char hdr[1024];

		n = 0;
		/* "*&*&*&...": 4096 parameters */
		while (n + 2 <= sizeof body) {
			body[n++] = '*';
			body[n++] = '&';
		}
		check(oauth_init(&o, many, sizeof many / sizeof many[0], big,
		    sizeof big) == 0);
		check(oauth_sign(&o, &c, "POST", "http://h/", body, n, hdr,
		    sizeof hdr, &len) == 0);
	}
	return 0;
}

/* ---- Bearer and Basic ---------------------------------------------------- */

static int
bearer_and_basic(void)
{
	size_t len;

	check(oauth_bearer("AAAA%2FBBB%3Dccc", out, sizeof out, &len) == 0);
	check(strcmp(out, "Bearer AAAA%2FBBB%3Dccc") == 0 && len == 23);
	check(oauth_bearer("", out, sizeof out, &len) == OAUTH_E_TOKEN);
	check(oauth_bearer(NULL, out, sizeof out, &len) == OAUTH_E_TOKEN);
	check(oauth_bearer("a b", out, sizeof out, &len) == OAUTH_E_TOKEN);
	check(oauth_bearer("ab\r\nX-Evil: 1", out, sizeof out, &len) ==
	    OAUTH_E_TOKEN);
	check(oauth_bearer("\xc3\xa9", out, sizeof out, &len) ==
	    OAUTH_E_TOKEN);
	memset(out, 'Z', 16);
	check(oauth_bearer("abc", out, 10, &len) == OAUTH_E_SPACE &&
	    len == 10 && out[0] == 'Z');
	check(oauth_bearer("abc", out, 11, &len) == 0 &&
	    strcmp(out, "Bearer abc") == 0);

	/* RFC 7617 section 2 */
	check(oauth_basic("Aladdin", "open sesame", out, sizeof out, &len) ==
	    0);
	check(strcmp(out, "Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==") == 0);
	check(len == strlen(out));
	/* RFC 7617 section 2.1 (UTF-8) */
	check(oauth_basic("test", "123\xc2\xa3", out, sizeof out, &len) == 0);
	check(strcmp(out, "Basic dGVzdDoxMjPCow==") == 0);
	check(oauth_basic("", "", out, sizeof out, &len) == 0);
	check(strcmp(out, "Basic Og==") == 0);
	check(oauth_basic("a:b", "c", out, sizeof out, &len) ==
	    OAUTH_E_BASIC);
	check(oauth_basic("a", "b\nc", out, sizeof out, &len) ==
	    OAUTH_E_BASIC);
	check(oauth_basic("a\001", "b", out, sizeof out, &len) ==
	    OAUTH_E_BASIC);
	check(oauth_basic("a", "pass:word", out, sizeof out, &len) == 0);
	check(strcmp(out, "Basic YTpwYXNzOndvcmQ=") == 0);
	memset(out, 'Z', 40);
	check(oauth_basic("Aladdin", "open sesame", out, 34, &len) ==
	    OAUTH_E_SPACE && len == 34 && out[0] == 'Z' && out[33] == 'Z');
	check(oauth_basic("Aladdin", "open sesame", NULL, 0, &len) == 0 &&
	    len == 34);
	return 0;
}

/* Without entropy nothing is signed, unless a nonce is forced or the
 * caller seeds the generator. */
static int
unseeded(void)
{
	static const struct oauth_cred c = { "ck", "cs", "t", "ts" };
	struct oauth *o = fresh();
	size_t len;

	check(o != NULL);
	o->seeded = 0;		/* as if br_prng_seeder_system had failed */
	memset(out, 'Z', 8);
	check(oauth_sign(o, &c, "GET", "http://h/", NULL, 0, out, sizeof out,
	    &len) == OAUTH_E_SEED && out[0] == 'Z');
	check(oauth_set_nonce(o, "forced") == 0);
	check(oauth_sign(o, &c, "GET", "http://h/", NULL, 0, out, sizeof out,
	    &len) == 0);
	check(oauth_set_nonce(o, NULL) == 0);
	oauth_seed(o, "0123456789abcdef0123456789abcdef", 32);
	check(oauth_sign(o, &c, "GET", "http://h/", NULL, 0, out, sizeof out,
	    &len) == 0 && oauth_error(o) == 0);
	return 0;
}

static int
context_size(void)
{
	printf("# sizeof(struct oauth) = %lu, sizeof(struct oauth_param) = "
	    "%lu\n", (unsigned long)sizeof(struct oauth),
	    (unsigned long)sizeof(struct oauth_param));
	check(sizeof(struct oauth) <= 320);
	return 0;
}

int
main(void)
{
	t_init("test_oauth");
	t_run("hmac_rfc2202", hmac_rfc2202);
	t_run("base64_rfc4648", base64_rfc4648);
	t_run("pct_encode", pct_encode);
	t_run("rfc5849_example", rfc5849_example);
	t_run("core10_photos_example", core10_photos_example);
	t_run("twitter_example", twitter_example);
	t_run("sign_matches_base_string", sign_matches_base_string);
	t_run("base_uri_rules", base_uri_rules);
	t_run("normalisation", normalisation);
	t_run("no_token", no_token);
	t_run("nonce_and_clock", nonce_and_clock);
	t_run("bad_input", bad_input);
	t_run("header_too_small", header_too_small);
	t_run("params_over_limit", params_over_limit);
	t_run("bearer_and_basic", bearer_and_basic);
	t_run("unseeded", unseeded);
	t_run("context_size", context_size);
	return t_done();
}
