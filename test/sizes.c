/* sluice: sizeof every context, for `make size` -- MIT licensed, see
 * LICENSE.  Built natively and with each cross compiler (test/size.sh);
 * prints "name bytes" lines, the sum of the module contexts last. */
#include <stdio.h>

#include "http.h"
#include "chunk.h"
#include "oauth.h"
#include "frame.h"
#include "json.h"
#include "msg.h"
#include "resp.h"
#include "inflate.h"
#include "sock.h"
#include "tls.h"
#include "cred.h"
#include "sinkfile.h"
#include "sinkredis.h"
#include "web.h"
#include "stream.h"

#define CTX(s) { #s, sizeof(struct s) }

int
main(void)
{
	static const struct {
		const char *name;
		unsigned long size;
	} ctx[] = {
		CTX(http_resp), CTX(chunk), CTX(inflate), CTX(frame),
		CTX(json), CTX(msg), CTX(oauth), CTX(resp), CTX(sock),
		CTX(tls), CTX(ca_scan), CTX(cred), CTX(fsink), CTX(rsink),
		CTX(web), CTX(ca_store), CTX(tls_lazy), CTX(stream)
	};
	unsigned long sum = 0;
	size_t i;

	for (i = 0; i < sizeof ctx / sizeof ctx[0]; i++) {
		printf("%s %lu\n", ctx[i].name, ctx[i].size);
		if (i < 11)	/* the vendorable modules */
			sum += ctx[i].size;
	}
	printf("modules %lu\n", sum);
	printf("pointer %lu\n", (unsigned long)sizeof(void *));
	return 0;
}
