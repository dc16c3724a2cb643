/* Vendoring oauth.c: sign a request (RFC 5849 HMAC-SHA1).  MIT licensed.
 * cc -std=c99 -pedantic -Werror ex_oauth.c oauth.c -l:libbearssl.a */
#include <stdio.h>
#include "oauth.h"

int
main(void)
{
	static const struct oauth_cred c = {
		"consumer-key", "consumer-secret", "token", "token-secret"
	};
	static const unsigned char body[] = "track=firmware";
	struct oauth_param slots[16];
	char scratch[2048], hdr[1024];
	struct oauth o;
	size_t len;

	if (oauth_init(&o, slots, 16, scratch, sizeof scratch) < 0)
		return 1;
	/* Fixed nonce and time for a reproducible example; a device seeds
	 * the generator (oauth_seed) and gives the time source instead. */
	if (oauth_set_nonce(&o, "abcdef") < 0)
		return 1;
	oauth_set_timestamp(&o, 1700000000);
	if (oauth_sign(&o, &c, "POST",
	    "https://stream.twitter.com/1.1/statuses/filter.json", body,
	    sizeof body - 1, hdr, sizeof hdr, &len) < 0)
		return 1;
	printf("Authorization: %.*s\n", (int)len, hdr);
	return 0;
}
