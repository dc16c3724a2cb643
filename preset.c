/* preset -- the Twitter/X presets and "sluice rules".  MIT licensed.
 * See preset.h for the contract. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "errstr.h"
#include "preset.h"

/* Exit codes (ARCHITECTURE.md section 6) this module returns. */
enum { X_GENERIC = 1, X_USAGE = 2, X_AUTH = 6 };

static int
fail(struct preset *p, int code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(p->msg, sizeof p->msg, fmt, ap);
	va_end(ap);
	return code;
}

/* stream_auth_fn for v1.1: a fresh nonce and timestamp on every connect,
 * with the clock skew the engine learned from the server's Date. */
static int
auth_oauth(void *arg, const char *method, const char *url,
    const unsigned char *body, size_t body_len, char *out, size_t cap)
{
	struct preset *p = arg;
	struct oauth_cred oc;
	size_t len;
	int rc;

	cred_oauth(&p->cred, &oc);
	if (p->stream)
		oauth_set_skew(&p->oauth, stream_clock_skew(p->stream));
	if (cap < 16)
		return OAUTH_E_SPACE;
	memcpy(out, "Authorization: ", 15);
	rc = oauth_sign(&p->oauth, &oc, method, url, body, body_len,
	    out + 15, cap - 15, &len);
	return rc < 0 ? rc : 0;
}

/* stream_auth_fn for v2. */
static int
auth_bearer(void *arg, const char *method, const char *url,
    const unsigned char *body, size_t body_len, char *out, size_t cap)
{
	struct preset *p = arg;
	size_t len;
	int rc;

	(void)method;
	(void)url;
	(void)body;
	(void)body_len;
	if (cap < 16)
		return OAUTH_E_SPACE;
	memcpy(out, "Authorization: ", 15);
	rc = oauth_bearer(p->cred.bearer_token, out + 15, cap - 15, &len);
	return rc < 0 ? rc : 0;
}

/* Appends "name=encoded(value)" to dst, after sep0 for the first
 * parameter (none when sep0 is 0) and '&' for the others.  A NULL value
 * adds nothing.  Returns 0, or -1 when it does not fit. */
static int
add_param(char *dst, size_t cap, int *first, char sep0, const char *name,
    const char *value)
{
	size_t n0 = strlen(dst), n = n0, k = strlen(name), len;

	if (value == NULL)
		return 0;
	if (n + k + 3 >= cap)
		return -1;
	if (!*first)
		dst[n++] = '&';
	else if (sep0)
		dst[n++] = sep0;
	*first = 0;
	memcpy(dst + n, name, k);
	n += k;
	dst[n++] = '=';
	dst[n] = '\0';
	if (oauth_pct_encode((const unsigned char *)value, strlen(value),
	    dst + n, cap - n, &len) < 0) {
		dst[n0] = '\0';
		return -1;
	}
	dst[n + len] = '\0';
	return 0;
}

/* Loads credentials (environment, then --credentials FILE over it) and
 * checks the kind the preset needs. */
static int
need_cred(struct preset *p, int bearer)
{
	char msg[CRED_MSG_MAX], red[64];
	int rc;

	cred_init(&p->cred);
	if (cred_from_env(&p->cred, msg, sizeof msg) < 0)
		return fail(p, X_USAGE, "%s", msg);
	if (p->o.cred_file && cred_from_file(&p->cred, p->o.cred_file, msg,
	    sizeof msg) < 0)
		return fail(p, X_USAGE, "%s", msg);
	rc = cred_check(&p->cred, msg, sizeof msg);
	if (bearer && !p->cred.bearer_token[0])
		return fail(p, X_AUTH, "x: presets need a Bearer token: set "
		    "SLUICE_BEARER_TOKEN or bearer_token in --credentials");
	if (!bearer && rc != 2)
		return fail(p, X_AUTH, "twitter: presets need OAuth 1.0a "
		    "credentials (%s): set SLUICE_CONSUMER_KEY, "
		    "SLUICE_CONSUMER_SECRET, SLUICE_TOKEN and "
		    "SLUICE_TOKEN_SECRET (or --credentials FILE)", msg);
	if (p->o.verbose)
		fprintf(stderr, "sluice: using %s %s\n", bearer ?
		    "bearer token" : "consumer key", cred_redact(bearer ?
		    p->cred.bearer_token : p->cred.consumer_key, red,
		    sizeof red));
	if (!bearer && oauth_init(&p->oauth, p->slots, PRESET_OAUTH_SLOTS,
	    p->scratch, sizeof p->scratch) < 0)
		return fail(p, X_GENERIC, "no entropy source for OAuth "
		    "nonces: %s", errstr(OAUTH_E_SEED));
	return 0;
}

/* The twitter:filter form body. */
static int
filter_body(struct preset *p, struct stream_cfg *c)
{
	int first = 1;

	p->body[0] = '\0';
	if (add_param(p->body, sizeof p->body, &first, 0, "track",
	    p->o.track) < 0 ||
	    add_param(p->body, sizeof p->body, &first, 0, "follow",
	    p->o.follow) < 0 ||
	    add_param(p->body, sizeof p->body, &first, 0, "locations",
	    p->o.locations) < 0 ||
	    add_param(p->body, sizeof p->body, &first, 0, "language",
	    p->o.language) < 0 ||
	    add_param(p->body, sizeof p->body, &first, 0, "stall_warnings",
	    "true") < 0 ||
	    (p->o.delimited && add_param(p->body, sizeof p->body, &first, 0,
	    "delimited", "length") < 0))
		return -1;
	c->method = "POST";
	c->body = (const unsigned char *)p->body;
	c->body_len = strlen(p->body);
	return 0;
}

enum preset_kind
preset_lookup(const char *t)
{
	if (t == NULL || strstr(t, "://"))
		return PRESET_NONE;
	if (!strcmp(t, "twitter:filter"))
		return PRESET_FILTER;
	if (!strcmp(t, "twitter:sample"))
		return PRESET_SAMPLE;
	if (!strcmp(t, "x:stream"))
		return PRESET_X_STREAM;
	if (!strcmp(t, "x:sample"))
		return PRESET_X_SAMPLE;
	return strchr(t, ':') ? PRESET_UNKNOWN : PRESET_NONE;
}

static int
setup_v11(struct preset *p, struct stream_cfg *c)
{
	const char *base = p->o.api_base ? p->o.api_base :
	    "https://stream.twitter.com";
	int first = 1, rc;

	if (p->kind == PRESET_FILTER && !p->o.track && !p->o.follow &&
	    !p->o.locations)
		return fail(p, X_USAGE, "twitter:filter needs --track, "
		    "--follow or --locations");
	if ((rc = need_cred(p, 0)) != 0)
		return rc;
	c->auth = auth_oauth;
	if (p->kind == PRESET_FILTER) {
		snprintf(p->url, sizeof p->url, "%s/1.1/statuses/filter.json",
		    base);
		if (filter_body(p, c) < 0)
			return fail(p, X_USAGE, "filter parameters too long "
			    "(at most %d bytes encoded)", PRESET_BODY_MAX);
	} else {
		snprintf(p->url, sizeof p->url, "%s/1.1/statuses/sample.json",
		    base);
		if (add_param(p->url, sizeof p->url, &first, '?',
		    "stall_warnings", "true") < 0 ||
		    add_param(p->url, sizeof p->url, &first, '?', "language",
		    p->o.language) < 0 ||
		    (p->o.delimited && add_param(p->url, sizeof p->url, &first,
		    '?', "delimited", "length") < 0))
			return fail(p, X_USAGE, "request parameters too long");
	}
	if (c->stall_ms == 0)
		c->stall_ms = 90 * 1000;
	return 0;
}

static int
setup_v2(struct preset *p, struct stream_cfg *c)
{
	const char *base = p->o.api_base ? p->o.api_base :
	    "https://api.twitter.com";
	char bf[24];
	int first = 1, rc;

	if ((rc = need_cred(p, 1)) != 0)
		return rc;
	c->auth = auth_bearer;
	snprintf(p->url, sizeof p->url, "%s/2/tweets/%s", base,
	    p->kind == PRESET_X_STREAM ? "search/stream" : "sample/stream");
	snprintf(bf, sizeof bf, "%ld", p->o.backfill);
	if (add_param(p->url, sizeof p->url, &first, '?', "tweet.fields",
	    p->o.tweet_fields) < 0 ||
	    add_param(p->url, sizeof p->url, &first, '?', "expansions",
	    p->o.expansions) < 0 ||
	    add_param(p->url, sizeof p->url, &first, '?', "user.fields",
	    p->o.user_fields) < 0 ||
	    add_param(p->url, sizeof p->url, &first, '?', "place.fields",
	    p->o.place_fields) < 0 ||
	    (p->o.backfill > 0 && add_param(p->url, sizeof p->url, &first,
	    '?', "backfill_minutes", bf) < 0))
		return fail(p, X_USAGE, "request parameters too long");
	/* Backfill repeats messages already seen: the id ring drops them. */
	if (p->o.backfill > 0)
		c->dedupe = 1;
	/* v2 sends a keep-alive every 20 s, often a little late. */
	if (c->stall_ms == 0)
		c->stall_ms = 30 * 1000;
	return 0;
}

int
preset_setup(struct preset *p, enum preset_kind kind,
    const struct preset_opts *o, const struct stream *stream,
    struct stream_cfg *c)
{
	int rc;

	p->kind = kind;
	p->o = *o;
	p->stream = stream;
	p->msg[0] = '\0';
	if (c->insecure && !getenv("SLUICE_FORCE_INSECURE"))
		return fail(p, X_USAGE, "-k/--insecure is refused with "
		    "presets: they carry credentials (set "
		    "SLUICE_FORCE_INSECURE=1 to force)");
	rc = kind == PRESET_FILTER || kind == PRESET_SAMPLE ?
	    setup_v11(p, c) : setup_v2(p, c);
	if (rc != 0)
		return rc;
	c->url = p->url;
	c->auth_arg = p;
	if (c->retry == -2)
		c->retry = -1;	/* presets retry for ever */
	return 0;
}

int
preset_set_track(struct preset *p, const char *track, struct stream_cfg *c)
{
	const char *old = p->o.track;

	if (p->kind != PRESET_FILTER)
		return -1;
	p->o.track = track;
	if (filter_body(p, c) == 0)
		return 0;
	p->o.track = old;	/* keep the body that works */
	filter_body(p, c);
	return -1;
}

/* ---- sluice rules ---------------------------------------------------------- */

/* Appends s as a JSON string (quoted, escaped) to dst[0..cap). */
static int
json_quote(char *dst, size_t cap, const char *s)
{
	size_t n = strlen(dst);

	if (n + 2 >= cap)
		return -1;
	dst[n++] = '"';
	for (; *s; s++) {
		unsigned char ch = (unsigned char)*s;
		char esc[8];
		size_t k;

		if (ch == '"' || ch == '\\')
			snprintf(esc, sizeof esc, "\\%c", ch);
		else if (ch < 0x20)
			snprintf(esc, sizeof esc, "\\u%04x", ch);
		else
			snprintf(esc, sizeof esc, "%c", ch);
		k = strlen(esc);
		if (n + k + 2 >= cap)
			return -1;
		memcpy(dst + n, esc, k);
		n += k;
	}
	dst[n++] = '"';
	dst[n] = '\0';
	return 0;
}

static int
append(char *dst, size_t cap, const char *s)
{
	size_t n = strlen(dst), k = strlen(s);

	if (n + k >= cap)
		return -1;
	memcpy(dst + n, s, k + 1);
	return 0;
}

/* The JSON body of "add" or "delete"; 0, or -1 when too long. */
static int
rules_body(struct preset *p, int add, const char *const *args, int nargs,
    const char *tag)
{
	char *b = p->body;
	size_t cap = sizeof p->body;
	int i;

	b[0] = '\0';
	if (add)
		return append(b, cap, "{\"add\":[{\"value\":") < 0 ||
		    json_quote(b, cap, args[0]) < 0 ||
		    (tag && (append(b, cap, ",\"tag\":") < 0 ||
		    json_quote(b, cap, tag) < 0)) ||
		    append(b, cap, "}]}") < 0 ? -1 : 0;
	if (append(b, cap, "{\"delete\":{\"ids\":[") < 0)
		return -1;
	for (i = 0; i < nargs; i++)
		if ((i && append(b, cap, ",") < 0) ||
		    json_quote(b, cap, args[i]) < 0)
			return -1;
	return append(b, cap, "]}}");
}

int
preset_rules(struct preset *p, const struct preset_opts *o, int argc,
    char **argv, struct stream_cfg *c)
{
	const char *base, *tag = NULL, *verb, *args[64];
	int i, dry = 0, nargs = 0, rc;

	p->kind = PRESET_NONE;
	p->o = *o;
	p->stream = NULL;
	base = o->api_base ? o->api_base : "https://api.twitter.com";
	if (argc < 1)
		return fail(p, X_USAGE, "rules: want list, add RULE or "
		    "delete ID...");
	verb = argv[0];
	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--tag") && i + 1 < argc)
			tag = argv[++i];
		else if (!strcmp(argv[i], "--dry-run"))
			dry = 1;
		else if (nargs < 64)
			args[nargs++] = argv[i];
		else
			return fail(p, X_USAGE, "rules: too many arguments");
	}
	p->body[0] = '\0';
	if (!strcmp(verb, "list")) {
		if (nargs)
			return fail(p, X_USAGE, "rules list takes no "
			    "arguments");
	} else if (!strcmp(verb, "add") || !strcmp(verb, "delete")) {
		int add = verb[0] == 'a';

		if (add ? nargs != 1 : nargs == 0)
			return fail(p, X_USAGE, add ? "rules add: want one "
			    "RULE (quote it)" : "rules delete: want rule IDs");
		if (rules_body(p, add, args, nargs, tag) < 0)
			return fail(p, X_USAGE, "rules: request too long");
	} else {
		return fail(p, X_USAGE, "rules: unknown command '%s' (list, "
		    "add, delete)", verb);
	}
	if ((rc = need_cred(p, 1)) != 0)
		return rc;
	c->auth = auth_bearer;
	c->auth_arg = p;
	snprintf(p->url, sizeof p->url, "%s/2/tweets/search/stream/rules%s",
	    base, dry ? "?dry_run=true" : "");
	if (p->body[0]) {
		c->method = "POST";
		c->body = (const unsigned char *)p->body;
		c->body_len = strlen(p->body);
		c->content_type = "application/json";
	}
	c->url = p->url;
	c->raw = 1;
	c->retry = 0;
	c->framing = STREAM_FRAMING_LINES;
	if (c->stall_ms == 0)
		c->stall_ms = 30 * 1000L;
	return 0;
}

void
preset_wipe(struct preset *p)
{
	cred_wipe(&p->cred);
	cred_wipe_mem(&p->oauth, sizeof p->oauth);
}
