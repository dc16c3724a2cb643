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

#endif
