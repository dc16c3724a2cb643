/* Vendoring json.c (and msg.c): scan one message, look a key up,
 * classify it.  MIT licensed.
 * cc -std=c99 -pedantic -Werror ex_json.c json.c msg.c */
#include <stdio.h>
#include <string.h>
#include "json.h"
#include "msg.h"

int
main(void)
{
	static const char m[] =
	    "{\"id_str\":\"42\",\"text\":\"hello, firmware\",\"user\":{}}";
	struct json_tok toks[64];	/* 12 bytes each, caller's array */
	struct json j;
	struct msg k;
	int n, v;

	json_init(&j);
	n = json_parse(&j, m, sizeof m - 1, toks, 64);
	if (n < 0)
		return 1;	/* json_error(&j), json_error_pos(&j) */
	v = json_member(m, toks, n, 0, "text", 4);
	if (v < 0)
		return 1;
	printf("text: %.*s\n", (int)toks[v].len, m + toks[v].start);
	if (msg_classify(&k, m, sizeof m - 1, toks, n) < 0)
		return 1;
	printf("kind: %s\n", msg_kind_name(k.kind));
	return 0;
}
