/* sluice bench helper: jsmn built with JSMN_PARENT_LINKS (its faster
 * configuration), in its own translation unit because jsmn.h defines
 * static functions whose behaviour depends on the macros.  MIT licensed. */
#include <stddef.h>

#define JSMN_STATIC
#define JSMN_STRICT
#define JSMN_PARENT_LINKS
#include <jsmn.h>

int bench_jsmn_parent(const char *p, size_t n);

static jsmntok_t toks[16384];

int
bench_jsmn_parent(const char *p, size_t n)
{
	jsmn_parser jp;

	jsmn_init(&jp);
	return jsmn_parse(&jp, p, n, toks, sizeof toks / sizeof toks[0]) > 0;
}
