/* sluice -- tap long-lived HTTP streaming APIs.  MIT licensed.
 * The command line tool: options, exit codes; owns all memory in one
 * static struct (ARCHITECTURE.md section 3). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "chunk.h"
#include "errstr.h"
#include "http.h"

#ifndef SLUICE_VERSION
#define SLUICE_VERSION "unknown"
#endif
#ifndef SLUICE_BUILD_CFLAGS
#define SLUICE_BUILD_CFLAGS "unknown"
#endif
#ifndef SLUICE_BEARSSL
#define SLUICE_BEARSSL "BearSSL"
#endif

/* Exit codes (ARCHITECTURE.md section 6). */
enum {
	EXIT_OK = 0, EXIT_GENERIC = 1, EXIT_USAGE = 2, EXIT_OUTPUT = 3,
	EXIT_NETWORK = 4, EXIT_TLS = 5, EXIT_AUTH = 6, EXIT_PROTOCOL = 7,
	EXIT_HTTP = 8
};

/* Every byte of state the tool needs, sized at compile time. */
static struct app {
	struct http_resp resp;
	char head[CONF_HEAD_MAX];
	struct http_header headers[CONF_HEADERS_MAX];
	struct chunk chunk;
} app;

static const char *argv0 = "sluice";

static void
usage(void)
{
	fprintf(stderr, "usage: %s [options] URL | preset  (try --help)\n",
	    argv0);
	exit(EXIT_USAGE);
}

static void
help(void)
{
	printf("usage: %s [options] URL\n"
	    "Capture a long-lived HTTP stream, one message per line.\n\n"
	    "  -h, --help       show this help and exit\n"
	    "  -V, --version    show version, build and memory budget\n\n"
	    "See sluice(1) for everything else.\n", argv0);
}

static void
version(void)
{
	printf("sluice %s\n", SLUICE_VERSION);
	printf("build: %s\n", SLUICE_BUILD_CFLAGS);
	printf("tls: %s\n", SLUICE_BEARSSL);
	printf("memory: %lu bytes of state in the default configuration\n",
	    (unsigned long)sizeof app);
	printf("  http_resp %lu + head %lu + headers %lu, chunk %lu\n",
	    (unsigned long)sizeof app.resp, (unsigned long)sizeof app.head,
	    (unsigned long)sizeof app.headers,
	    (unsigned long)sizeof app.chunk);
}

int
main(int argc, char **argv)
{
	int i;

	if (argc > 0 && argv[0] && argv[0][0])
		argv0 = argv[0];
	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
			help();
			return EXIT_OK;
		}
		if (!strcmp(argv[i], "-V") || !strcmp(argv[i], "--version")) {
			version();
			return EXIT_OK;
		}
		fprintf(stderr, "%s: unknown option or argument '%s'\n",
		    argv0, argv[i]);
		usage();
	}
	usage();
	return EXIT_USAGE;
}
