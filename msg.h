/* msg -- classify a stream message and extract the fields sluice acts on.
 * MIT licensed, see LICENSE.  Vendorable: needs json.h/json.c and libc.
 *
 * Input: one message that json_parse() has tokenized.  msg_classify()
 * looks only at the root object's own members (one pass over them, by key
 * length and bytes) and then at the few nested values the kind needs, so
 * its cost does not grow with the size of a tweet's user or entities.
 *
 * Kinds (the root object's members decide, first match wins):
 *   MSG_V2_DATA        "data" (X API v2 stream); id = data.id;
 *                      matching_rules and errors presence flagged
 *   MSG_V2_ERRORS      "errors" without "data"; operational_disconnect set
 *                      when an error's type ends in "operational-disconnect"
 *                      or its title is "operational-disconnect"; reason =
 *                      the first error's detail (or title)
 *   MSG_DELETE         "delete";  id = delete.status.id_str (or .id)
 *   MSG_SCRUB_GEO      "scrub_geo"; id = scrub_geo.up_to_status_id_str
 *   MSG_LIMIT          "limit";   track = limit.track
 *   MSG_DISCONNECT     "disconnect"; code, stream_name, reason
 *   MSG_WARNING        "warning"; warn_code ("FALLING_BEHIND" ...),
 *                      warn_message, percent_full
 *   MSG_STATUS_WITHHELD "status_withheld"; id = status_withheld.id
 *   MSG_USER_WITHHELD  "user_withheld"; id = user_withheld.id
 *   MSG_FRIENDS        "friends" or "friends_str"; count = list length
 *   MSG_EVENT          "event" (user streams); event = its name
 *   MSG_TWEET          "id_str" (or "id") with "text" or "full_text";
 *                      id = id_str (or id)
 *   MSG_OTHER          anything else, including a root that is not an
 *                      object
 *
 * Geo (tweets and v2 data): has_geo, lon, lat from coordinates.coordinates
 * [lon, lat] (GeoJSON order) or else the centre of place.bounding_box; for
 * v2, data.geo.coordinates.coordinates or else the bbox [west, south,
 * east, north] of the place in includes.places whose id is
 * data.geo.place_id.  Values outside -180..180 / -90..90 are ignored.
 *
 * Strings (struct msg_str) point into the message: raw JSON string
 * contents, escapes not decoded; tok is the token index, so
 * json_unescape(s, toks, m->reason.tok, ...) decodes one when needed.
 * Absent strings have p NULL, len 0, tok -1.  Absent numbers are -1.
 *
 * Memory: sizeof(struct msg) is 216 bytes on LP64, 136 on ILP32 (mipsel).
 */
#ifndef MSG_H
#define MSG_H

#include <stddef.h>
#include <stdint.h>

#include "json.h"

/* Errors.  Range -160 .. -179. */
#define MSG_ERRORS(X) \
	X(MSG_E_NOTOKENS, -160, "message classifier: message not tokenized")

enum msg_error {
#define MSG_ENUM(name, code, text) name = code,
	MSG_ERRORS(MSG_ENUM)
#undef MSG_ENUM
	MSG_E_NONE = 0
};

/* Kinds: positive, returned by msg_classify(). */
enum msg_kind {
	MSG_OTHER = 1,
	MSG_TWEET,
	MSG_DELETE,
	MSG_SCRUB_GEO,
	MSG_LIMIT,
	MSG_DISCONNECT,
	MSG_WARNING,
	MSG_STATUS_WITHHELD,
	MSG_USER_WITHHELD,
	MSG_FRIENDS,
	MSG_EVENT,
	MSG_V2_DATA,
	MSG_V2_ERRORS
};

struct msg_str {
	const char *p;		/* raw (escaped) bytes, or NULL */
	size_t len;
	int tok;		/* token index, or -1 */
};

struct msg {
	enum msg_kind kind;
	struct msg_str id;		/* message or status id */
	int has_geo;
	double lon, lat;
	int64_t code;			/* disconnect code */
	struct msg_str stream_name;	/* disconnect */
	struct msg_str reason;		/* disconnect; v2 error detail */
	struct msg_str warn_code;	/* warning: "FALLING_BEHIND" */
	struct msg_str warn_message;
	int64_t percent_full;		/* warning */
	int64_t track;			/* limit: undelivered count */
	int64_t count;			/* friends: list length */
	struct msg_str event;		/* event name */
	unsigned char operational_disconnect;	/* v2 errors */
	unsigned char matching_rules;	/* v2 data carries matching_rules */
	unsigned char has_errors;	/* v2 data with partial errors */
};

/* Returns the name of kind k ("tweet", "delete", ... "v2_errors"), or
 * "?" for a value that is not a kind. */
const char *msg_kind_name(int k);

/* Classifies the message s[0..n) whose tokens toks[0..ntok) json_parse()
 * produced (ntok its return value) and fills *m completely.  Returns the
 * kind (> 0), or MSG_E_NOTOKENS when ntok < 1 or toks is NULL (m is then
 * reset, kind MSG_OTHER). */
int msg_classify(struct msg *m, const char *s, size_t n,
    const struct json_tok *toks, int ntok);

#endif
