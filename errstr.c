/* errstr -- words for every module's error code.  MIT licensed. */
#include <stdio.h>

#include "config.h"
#include "errstr.h"
#include "chunk.h"
#include "frame.h"
#include "inflate.h"
#include "http.h"
#include "oauth.h"
#include "cred.h"
#include "json.h"
#include "msg.h"
#include "sinkfile.h"
#ifndef SLUICE_NO_REDIS
#include "resp.h"
#include "sinkredis.h"
#endif
#ifndef SLUICE_NO_WEB
#include "web.h"
#endif
#if !defined(SLUICE_NO_WEB) && !defined(SLUICE_NO_REDIS)
#include "subscribe.h"
#endif
#include "sock.h"
#include "stream.h"
#include "ca.h"
#include "tls.h"

struct errdesc {
	int code;
	const char *name;
	const char *text;
};

#define ERR_ROW(name, code, text) { code, #name, text },
static const struct errdesc table[] = {
	CHUNK_ERRORS(ERR_ROW)
	FRAME_ERRORS(ERR_ROW)
	INFLATE_ERRORS(ERR_ROW)
	HTTP_ERRORS(ERR_ROW)
	OAUTH_ERRORS(ERR_ROW)
	CRED_ERRORS(ERR_ROW)
	JSON_ERRORS(ERR_ROW)
	MSG_ERRORS(ERR_ROW)
	FSINK_ERRORS(ERR_ROW)
#ifndef SLUICE_NO_REDIS
	RESP_ERRORS(ERR_ROW)
	RSINK_ERRORS(ERR_ROW)
#ifndef SLUICE_NO_WEB
	SUBSCRIBE_ERRORS(ERR_ROW)
#endif
#endif
#ifndef SLUICE_NO_WEB
	WEB_ERRORS(ERR_ROW)
#endif
	SOCK_ERRORS(ERR_ROW)
	TLS_ERRORS(ERR_ROW)
	CA_ERRORS(ERR_ROW)
	STREAM_ERRORS(ERR_ROW)
};
#undef ERR_ROW

static const struct errdesc *
lookup(int code)
{
	size_t i;

	for (i = 0; i < sizeof table / sizeof table[0]; i++)
		if (table[i].code == code)
			return &table[i];
	return NULL;
}

const char *
errstr(int code)
{
	static char unknown[32];
	const struct errdesc *d;

	if (code == 0)
		return "ok";
	if ((d = lookup(code)) != NULL)
		return d->text;
	/* BearSSL codes passed through: -(1000 + err), err < 1024 */
	if (code <= TLS_E_BEARSSL && code > TLS_E_BEARSSL - 1024)
		return tls_br_errstr(TLS_E_BEARSSL - code);
	snprintf(unknown, sizeof unknown, "unknown error %d", code);
	return unknown;
}

const char *
errname(int code)
{
	const struct errdesc *d = lookup(code);

	return d ? d->name : NULL;
}
