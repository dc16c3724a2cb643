/* oauthsign -- signs requests read from stdin, for test/oauth_verify.sh.
 * MIT licensed, see LICENSE.  Test-only: uses stdio.
 *
 * Input, one request per line, seven space-separated fields, each the hex
 * of its bytes ("-" for empty or absent):
 *     consumer_key consumer_secret token token_secret method url body
 * Output, per line: the input line, a space, and either the hex of the
 * Authorization header value oauth_sign() wrote, or "ERR <code>".
 * The nonce and the timestamp are the real ones (OS-seeded HMAC-DRBG and
 * the clock), so the verifier also sees what a server would.
 *
 *     oauthsign [-V] [-n nonce] [-t timestamp]
 * -n and -t force the nonce and timestamp; -V leaves out oauth_version.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "oauth.h"

#define LINE_MAX_ 65536

static struct oauth_param slots[4096];
static char scratch[3 * LINE_MAX_ + 1024];
static char line[LINE_MAX_];
static char field[7][LINE_MAX_ / 2];
static size_t flen[7];
static char hdr[LINE_MAX_];

static int
hexv(int ch)
{
	if (ch >= '0' && ch <= '9')
		return ch - '0';
	if (ch >= 'a' && ch <= 'f')
		return ch - 'a' + 10;
	if (ch >= 'A' && ch <= 'F')
		return ch - 'A' + 10;
	return -1;
}

/* Splits line into the seven hex fields; returns 0 or -1. */
static int
split(char *s)
{
	int i;

	for (i = 0; i < 7; i++) {
		char *e = strchr(s, i < 6 ? ' ' : '\0');
		size_t n = 0;

		if (e == NULL)
			return -1;
		if (!(e - s == 1 && s[0] == '-')) {
			for (; s + 1 < e; s += 2) {
				int hi = hexv(s[0]), lo = hexv(s[1]);

				if (hi < 0 || lo < 0 ||
				    n + 1 >= sizeof field[i])
					return -1;
				field[i][n++] = (char)(hi << 4 | lo);
			}
			if (s != e)
				return -1;
		}
		field[i][n] = '\0';
		flen[i] = n;
		s = e + 1;
	}
	return 0;
}

int
main(int argc, char **argv)
{
	struct oauth o;
	int i, lineno = 0;

	if (oauth_init(&o, slots, sizeof slots / sizeof slots[0], scratch,
	    sizeof scratch) != 0) {
		fprintf(stderr, "oauthsign: no entropy\n");
		return 1;
	}
	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "-V") == 0) {
			oauth_set_flags(&o, OAUTH_NO_VERSION);
			continue;
		}
		if (i + 1 < argc && strcmp(argv[i], "-n") == 0 &&
		    oauth_set_nonce(&o, argv[i + 1]) == 0) {
			i++;
			continue;
		}
		if (i + 1 < argc && strcmp(argv[i], "-t") == 0) {
			oauth_set_timestamp(&o, strtoll(argv[i + 1], NULL, 10));
			i++;
			continue;
		}
		fprintf(stderr, "usage: oauthsign [-V] [-n nonce] [-t ts] "
		    "<in\n");
		return 2;
	}
	while (fgets(line, sizeof line, stdin) != NULL) {
		struct oauth_cred c;
		size_t len, k;
		int rc;

		lineno++;
		line[strcspn(line, "\r\n")] = '\0';
		fputs(line, stdout);
		if (split(line) != 0) {
			fprintf(stderr, "oauthsign: line %d: bad input\n",
			    lineno);
			return 1;
		}
		c.consumer_key = field[0];
		c.consumer_secret = field[1];
		c.token = flen[2] ? field[2] : NULL;
		c.token_secret = field[3];
		rc = oauth_sign(&o, &c, field[4], field[5],
		    (const unsigned char *)field[6], flen[6], hdr, sizeof hdr,
		    &len);
		if (rc != 0) {
			printf(" ERR %d\n", rc);
			continue;
		}
		putchar(' ');
		for (k = 0; k < len; k++)
			printf("%02x", (unsigned char)hdr[k]);
		putchar('\n');
	}
	return 0;
}
