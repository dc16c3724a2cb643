/* bench_oauth -- OAuth 1.0a signatures per second.  MIT licensed.
 * A sanity figure (a stream signs once per connect), measured side by
 * side in one run: the full oauth_sign() of a Twitter statuses/filter
 * connect, its parts (base string alone, BearSSL HMAC-SHA1 alone over a
 * base string of the same length), the Bearer/Basic writers, and Debian's
 * python3-oauthlib signing the same request as a peer.  No assertions. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "oauth.h"

static struct oauth_param slots[256];
static char scratch[16384];
static char out[16384];
static char base[16384];
static volatile size_t sink;

static const struct oauth_cred cred = {
	"xvz1evFS4wEEPTGEFPHBog",
	"kAcSOqF21Fu85e7zjz7ZN2U4ZRhfV3WpwPAoE3Z7kBw",
	"370773112-GmHxMAgYyLbNEtIKZeRNFsMKPR9EyMZeS9weJAEb",
	"LswwdoUaIvS8ltyTt5jkRh4J50vUPVVHtR2YPi5kE"
};
static const char url[] = "https://stream.twitter.com/1.1/statuses/"
    "filter.json?delimited=length&stall_warnings=true";
static const char body[] = "track=rust%2Czig%2Cbearssl%2Coauth%2Cstream"
    "%2Cjson%2Cdeflate%2Crouter%2Cmipsel%2Cs390x%2Cembedded%2Cfirmware&"
    "locations=-122.75%2C36.8%2C-121.75%2C37.8&follow=12%2C13%2C14%2C15";

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Runs fn until ~0.3 s have passed; returns calls per second. */
static double
rate(void (*fn)(void))
{
	double t0 = now(), t;
	unsigned long n = 0, batch = 64, i;

	do {
		for (i = 0; i < batch; i++)
			fn();
		n += batch;
		t = now() - t0;
	} while (t < 0.3);
	return n / t;
}

static struct oauth o;
static size_t hdr_len;

static void
do_sign(void)
{
	size_t len;

	if (oauth_sign(&o, &cred, "POST", url, (const unsigned char *)body,
	    strlen(body), out, sizeof out, &len) != 0)
		abort();
	hdr_len = len;
	sink += len;
}

static void
do_base(void)
{
	size_t len;

	if (oauth_base_string(&o, &cred, "POST", url,
	    (const unsigned char *)body, strlen(body), base, sizeof base,
	    &len) != 0)
		abort();
	sink += len;
}

static size_t base_len;

static void
do_hmac(void)
{
	static const char key[] = "kAcSOqF21Fu85e7zjz7ZN2U4ZRhfV3WpwPAoE3Z7kBw&"
	    "LswwdoUaIvS8ltyTt5jkRh4J50vUPVVHtR2YPi5kE";
	unsigned char mac[20];

	oauth_hmac_sha1(key, sizeof key - 1, base, base_len, mac);
	sink += mac[0];
}

static void
do_bearer(void)
{
	size_t len;

	oauth_bearer("AAAAAAAAAAAAAAAAAAAAAMLheAAAAAAA0%2BuSeid%2BULvsea4Jti"
	    "GRiSDSJSI%3DEUifiRBkKG5E2XzMDjRfl76ZC9Ub0wnz4XsNiRVBChTYbJcE3F",
	    out, sizeof out, &len);
	sink += len;
}

static void
do_basic(void)
{
	size_t len;

	oauth_basic("streamuser", "correct horse battery staple", out,
	    sizeof out, &len);
	sink += len;
}

/* Python oauthlib signing the same request for ~0.5 s; 0 if missing. */
static double
oauthlib_rate(void)
{
	static const char cmd[] =
	    "/usr/bin/python3 - 2>/dev/null <<'EOF'\n"
	    "import time\n"
	    "from oauthlib.oauth1 import Client\n"
	    "c = Client('xvz1evFS4wEEPTGEFPHBog',\n"
	    "  client_secret='kAcSOqF21Fu85e7zjz7ZN2U4ZRhfV3WpwPAoE3Z7kBw',\n"
	    "  resource_owner_key="
	    "'370773112-GmHxMAgYyLbNEtIKZeRNFsMKPR9EyMZeS9weJAEb',\n"
	    "  resource_owner_secret="
	    "'LswwdoUaIvS8ltyTt5jkRh4J50vUPVVHtR2YPi5kE')\n"
	    "u = '%s'\n"
	    "b = '%s'\n"
	    "h = {'Content-Type': 'application/x-www-form-urlencoded'}\n"
	    "n = 0; t0 = time.perf_counter()\n"
	    "while time.perf_counter() - t0 < 0.5:\n"
	    "    c.sign(u, 'POST', b, h); n += 1\n"
	    "print(n / (time.perf_counter() - t0))\n"
	    "EOF\n";
	char full[4096];
	double r = 0;
	FILE *p;

	snprintf(full, sizeof full, cmd, url, body);
	if ((p = popen(full, "r")) == NULL)
		return 0;
	if (fscanf(p, "%lf", &r) != 1)
		r = 0;
	pclose(p);
	return r;
}

int
main(void)
{
	double sign, fixed, bs, hmac, bearer, basic, py;

	if (oauth_init(&o, slots, sizeof slots / sizeof slots[0], scratch,
	    sizeof scratch) != 0) {
		fprintf(stderr, "bench_oauth: no entropy\n");
		return 1;
	}
	do_base();
	base_len = strlen(base);
	sign = rate(do_sign);
	bs = rate(do_base);
	oauth_set_nonce(&o, "kYjzVBB8Y0ZFabxSWbWovY3uYSQ2pTgmZeNu2VS4cg");
	fixed = rate(do_sign);
	oauth_set_nonce(&o, NULL);
	hmac = rate(do_hmac);
	bearer = rate(do_bearer);
	basic = rate(do_basic);
	py = oauthlib_rate();

	printf("OAuth 1.0a signing: POST statuses/filter, %lu-byte base "
	    "string, %lu-byte header\n", (unsigned long)base_len,
	    (unsigned long)hdr_len);
	printf("%-40s %14s %10s\n", "what", "per second", "vs sign");
	printf("%-40s %14.0f %10.2f\n", "oauth_sign (full header)", sign, 1.0);
	printf("%-40s %14.0f %10.2f\n", "oauth_sign, nonce forced (no DRBG)",
	    fixed, fixed / sign);
	printf("%-40s %14.0f %10.2f\n", "oauth_base_string (no HMAC)", bs,
	    bs / sign);
	printf("%-40s %14.0f %10.2f\n", "BearSSL HMAC-SHA1 of the base string",
	    hmac, hmac / sign);
	printf("%-40s %14.0f %10.2f\n", "oauth_bearer", bearer, bearer / sign);
	printf("%-40s %14.0f %10.2f\n", "oauth_basic", basic, basic / sign);
	if (py > 0)
		printf("%-40s %14.0f %10.2f   (oauth_sign is %.0fx faster)\n",
		    "python3-oauthlib Client.sign (peer)", py, py / sign,
		    sign / py);
	else
		printf("%-40s %14s\n", "python3-oauthlib Client.sign (peer)",
		    "not installed");
	printf("sizeof(struct oauth) = %lu bytes\n",
	    (unsigned long)sizeof(struct oauth));
	return 0;
}
