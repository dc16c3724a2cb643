/* preset -- the Twitter/X presets and "sluice rules": the URL, the form
 * body, the credentials and the request signing a stream needs.
 * MIT licensed, see LICENSE.  Tool side (reads the environment and the
 * credentials file); not vendorable.
 *
 * preset_setup() fills a struct stream_cfg for twitter:filter,
 * twitter:sample (v1.1, OAuth 1.0a, signed afresh on every connect with
 * the clock skew the stream learned from the server's Date) or x:stream,
 * x:sample (v2, Bearer); preset_rules() for one request to the v2 rules
 * endpoint.  Every string the cfg points to lives in struct preset, which
 * MUST outlive the stream.  Errors return an exit code (ARCHITECTURE.md
 * section 6: 2 usage, 6 authentication, 1 other) with a message that says
 * what to do.
 *
 * Memory: sizeof(struct preset) is about 24 KiB with the defaults, most
 * of it the OAuth working space (PRESET_OAUTH_SLOTS, PRESET_OAUTH_SCRATCH:
 * enough for a filter with a few hundred track terms) and the credentials.
 */
#ifndef PRESET_H
#define PRESET_H

#include "cred.h"
#include "oauth.h"
#include "stream.h"

#ifndef PRESET_OAUTH_SLOTS
#define PRESET_OAUTH_SLOTS 96		/* OAuth parameters */
#endif
#ifndef PRESET_OAUTH_SCRATCH
#define PRESET_OAUTH_SCRATCH 12288	/* OAuth encoding space */
#endif
#ifndef PRESET_BODY_MAX
#define PRESET_BODY_MAX 4096		/* form body / rules JSON */
#endif

enum preset_kind {
	PRESET_NONE,		/* a URL, not a preset */
	PRESET_FILTER,		/* twitter:filter */
	PRESET_SAMPLE,		/* twitter:sample */
	PRESET_X_STREAM,	/* x:stream */
	PRESET_X_SAMPLE,	/* x:sample */
	PRESET_UNKNOWN		/* looks like "word:word" but is none */
};

/* What the options say; the strings MUST outlive the preset. */
struct preset_opts {
	const char *api_base;		/* NULL: the real service */
	const char *track, *follow, *locations, *language;
	const char *tweet_fields, *expansions, *user_fields, *place_fields;
	const char *cred_file;		/* --credentials, or NULL */
	long backfill;			/* v2 backfill_minutes, 0: none */
	int delimited;			/* v1.1 delimited=length */
	int verbose;			/* say which key is used (redacted) */
};

struct preset {
	enum preset_kind kind;
	struct preset_opts o;
	const struct stream *stream;	/* for the clock skew, may be NULL */
	struct cred cred;
	struct oauth oauth;
	struct oauth_param slots[PRESET_OAUTH_SLOTS];
	char scratch[PRESET_OAUTH_SCRATCH];
	char url[2048];
	char body[PRESET_BODY_MAX];
	char msg[512];			/* the last error, in words */
};

/* The preset named by target (a URL gives PRESET_NONE). */
enum preset_kind preset_lookup(const char *target);

/* Sets c up for preset kind from o: url, method and body, the auth
 * callback, and the preset defaults where c has none (stall 90 s for
 * v1.1, 30 s for v2; retry forever when c->retry is -2, "not given";
 * dedupe with --backfill).  stream is where the clock skew is read from
 * when signing.  Returns 0, or an exit code with p->msg set. */
int preset_setup(struct preset *p, enum preset_kind kind,
    const struct preset_opts *o, const struct stream *stream,
    struct stream_cfg *c);

/* Rebuilds the twitter:filter form body with new track keywords (the web
 * view's /track).  Returns 0, or -1 when they do not fit. */
int preset_set_track(struct preset *p, const char *track,
    struct stream_cfg *c);

/* "sluice rules list | add RULE [--tag T] | delete ID... [--dry-run]":
 * sets c up for one request to the v2 rules endpoint; the JSON reply is
 * the output.  Returns 0, or an exit code with p->msg set. */
int preset_rules(struct preset *p, const struct preset_opts *o, int argc,
    char **argv, struct stream_cfg *c);

/* Zeroes the secrets. */
void preset_wipe(struct preset *p);

#endif
