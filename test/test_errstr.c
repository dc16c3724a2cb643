/* Tests for errstr: every code is unique, named and described. */
#include "t.h"
#include "errstr.h"
#include "chunk.h"
#include "frame.h"
#include "inflate.h"
#include "http.h"
#include "oauth.h"
#include "cred.h"
#include "json.h"
#include "msg.h"
#include "resp.h"
#include "sinkfile.h"
#include "sinkredis.h"
#include "subscribe.h"
#include "web.h"
#include "sock.h"
#include "stream.h"
#include "tls.h"

#define CODE_ROW(name, code, text) code,
static const int codes[] = {
	CHUNK_ERRORS(CODE_ROW)
	FRAME_ERRORS(CODE_ROW)
	INFLATE_ERRORS(CODE_ROW)
	HTTP_ERRORS(CODE_ROW)
	OAUTH_ERRORS(CODE_ROW)
	CRED_ERRORS(CODE_ROW)
	JSON_ERRORS(CODE_ROW)
	MSG_ERRORS(CODE_ROW)
	RESP_ERRORS(CODE_ROW)
	FSINK_ERRORS(CODE_ROW)
	RSINK_ERRORS(CODE_ROW)
	SUBSCRIBE_ERRORS(CODE_ROW)
	WEB_ERRORS(CODE_ROW)
	SOCK_ERRORS(CODE_ROW)
	TLS_ERRORS(CODE_ROW)
	CA_ERRORS(CODE_ROW)
	STREAM_ERRORS(CODE_ROW)
};

static int
codes_unique_and_described(void)
{
	size_t i, j, n = sizeof codes / sizeof codes[0];

	for (i = 0; i < n; i++) {
		check(codes[i] < 0);
		check(errname(codes[i]) != NULL);
		check(strncmp(errstr(codes[i]), "unknown", 7) != 0);
		for (j = i + 1; j < n; j++)
			check(codes[i] != codes[j]);
	}
	return 0;
}

static int
unknown_code(void)
{
	check(strcmp(errstr(0), "ok") == 0);
	check(strcmp(errstr(-31337), "unknown error -31337") == 0);
	check(errname(-31337) == NULL);
	check(strcmp(errname(CHUNK_E_HEX), "CHUNK_E_HEX") == 0);
	return 0;
}

/* BearSSL codes passed through as -(1000 + err) are said in words. */
static int
bearssl_codes(void)
{
	check(strcmp(errstr(TLS_E_BEARSSL - BR_ERR_X509_EXPIRED),
	    "certificate expired or not yet valid") == 0);
	check(strstr(errstr(TLS_E_BEARSSL - BR_ERR_X509_NOT_TRUSTED),
	    "unknown issuer") != NULL);
	check(strstr(errstr(TLS_E_BEARSSL - BR_ERR_X509_BAD_SERVER_NAME),
	    "hostname or IP address mismatch") != NULL);
	check(strcmp(errstr(TLS_E_BEARSSL - BR_ERR_RECV_FATAL_ALERT - 40),
	    "server sent alert: handshake failure") == 0);
	check(strcmp(errstr(TLS_E_BEARSSL - BR_ERR_SEND_FATAL_ALERT - 42),
	    "sent alert: bad certificate") == 0);
	check(strcmp(errstr(TLS_E_BEARSSL - 30), "unknown BearSSL error") == 0);
	check(tls_is_verify_error(TLS_E_BEARSSL - BR_ERR_X509_EXPIRED));
	check(tls_is_verify_error(TLS_E_PIN));
	check(!tls_is_verify_error(TLS_E_BEARSSL - BR_ERR_BAD_MAC));
	check(!tls_is_verify_error(TLS_E_TIMEOUT));
	/* a chain over the on-demand buffer is a limit, not a refusal */
	check(!tls_is_verify_error(TLS_E_CHAIN_BIG));
	check(strcmp(errname(TLS_E_CHAIN_BIG), "TLS_E_CHAIN_BIG") == 0);
	check(strstr(errstr(TLS_E_CHAIN_BIG), "chain too large") != NULL);
	return 0;
}

int
main(void)
{
	t_init("test_errstr");
	t_run("codes_unique_and_described", codes_unique_and_described);
	t_run("unknown_code", unknown_code);
	t_run("bearssl_codes", bearssl_codes);
	return t_done();
}
