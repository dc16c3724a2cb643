/* sluice tool defaults -- MIT licensed.  Copied to config.h on the first
 * build; edit config.h to change them.  Modules never include this file
 * (STYLE.md rule 2): their own limits are macros in their headers. */
#ifndef CONFIG_H
#define CONFIG_H

#define CONF_HEAD_MAX 8192		/* response head buffer */
#define CONF_HEADERS_MAX 64		/* response header fields */
#define CONF_USER_AGENT "sluice/" SLUICE_VERSION
#define CONF_OUT_BUF 65536		/* output buffer */
#define CONF_CONNECT_TIMEOUT 10		/* seconds */
#define CONF_STALL 90			/* seconds, generic URLs */

/*
 * Optional features, compiled in unless switched off here or with -D
 * (`make tiny` switches all of them off to show the floor):
 *   SLUICE_NO_WEB    no --serve web view (web.c, webpage.c, webcoast.c)
 *   SLUICE_NO_REDIS  no --redis sink (sinkredis.c, resp.c)
 *   SLUICE_NO_SSE    no --framing sse
 *   SLUICE_NO_PROXY  no --proxy (HTTP CONNECT)
 *   TLS_MINIMAL      ECDHE + AES-128-GCM only (see tls.h)
 */

#endif
