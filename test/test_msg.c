/* Tests for msg.c: every message kind from fixture files (test/msg/NAME.json,
 * our own, shaped after the Twitter/X documentation's examples), parsed
 * whole and assembled from random slices; extracted fields exactly. */
#include "t.h"
#include "msg.h"

#ifndef MSGDIR
#define MSGDIR "test/msg/"
#endif

/* Expected results.  A NULL string must be absent; a 0 number must be
 * absent (-1) -- no fixture has a real 0 in these fields. */
struct exp {
	const char *file;
	int kind;
	const char *id;
	int has_geo;
	double lon, lat;
	int64_t code;
	const char *stream_name, *reason, *warn_code, *warn_message;
	int64_t percent_full, track, count;
	const char *event;
	int opdisc, rules, errors;
};

static const struct exp exps[] = {
	{ .file = "tweet_plain.json", .kind = MSG_TWEET,
	    .id = "1050118621198921728" },
	{ .file = "tweet_coordinates.json", .kind = MSG_TWEET,
	    .id = "850006245121695744", .has_geo = 1, .lon = -75.14310264,
	    .lat = 40.05701649 },
	{ .file = "tweet_place.json", .kind = MSG_TWEET,
	    .id = "1307025659294674945", .has_geo = 1,
	    .lon = (-77.119759 + -76.909393) / 2,
	    .lat = (38.791645 + 38.995548) / 2 },
	{ .file = "retweet.json", .kind = MSG_TWEET,
	    .id = "1724000000000000002" },
	{ .file = "tweet_extended.json", .kind = MSG_TWEET,
	    .id = "1724400000000000000" },
	{ .file = "tweet_escaped_keys.json", .kind = MSG_TWEET,
	    .id = "99887766", .has_geo = 1, .lon = 2.3522, .lat = 48.8566 },
	{ .file = "delete.json", .kind = MSG_DELETE, .id = "1234" },
	{ .file = "scrub_geo.json", .kind = MSG_SCRUB_GEO,
	    .id = "23260136625" },
	{ .file = "limit.json", .kind = MSG_LIMIT, .track = 1234 },
	{ .file = "disconnect.json", .kind = MSG_DISCONNECT, .code = 4,
	    .stream_name = "sluice-test-filter",
	    .reason = "Stall: the client was reading too slowly" },
	{ .file = "warning.json", .kind = MSG_WARNING,
	    .warn_code = "FALLING_BEHIND",
	    .warn_message = "Your connection is falling behind and messages "
	    "are being queued for delivery to you. Your queue is now over 60% "
	    "full. You will be disconnected when the queue is full.",
	    .percent_full = 60 },
	{ .file = "warning_follows.json", .kind = MSG_WARNING,
	    .warn_code = "FOLLOWS_OVER_LIMIT",
	    .warn_message = "This user has more follows than the user stream "
	    "can deliver." },
	{ .file = "status_withheld.json", .kind = MSG_STATUS_WITHHELD,
	    .id = "1234567890" },
	{ .file = "user_withheld.json", .kind = MSG_USER_WITHHELD,
	    .id = "123456" },
	{ .file = "friends.json", .kind = MSG_FRIENDS, .count = 4 },
	{ .file = "friends_str.json", .kind = MSG_FRIENDS, .count = 3 },
	{ .file = "event.json", .kind = MSG_EVENT, .event = "favorite" },
	{ .file = "v2_data.json", .kind = MSG_V2_DATA,
	    .id = "1346889436626259968", .rules = 1 },
	{ .file = "v2_data_geo.json", .kind = MSG_V2_DATA,
	    .id = "1445880548472328192", .has_geo = 1, .lon = -73.99,
	    .lat = 40.73, .rules = 1 },
	{ .file = "v2_data_place.json", .kind = MSG_V2_DATA,
	    .id = "1445880548472328193", .has_geo = 1,
	    .lon = (-74.026675 + -73.910408) / 2,
	    .lat = (40.683935 + 40.877483) / 2 },
	{ .file = "v2_data_with_errors.json", .kind = MSG_V2_DATA,
	    .id = "1500000000000000123", .rules = 1, .errors = 1 },
	{ .file = "v2_errors_opdisc.json", .kind = MSG_V2_ERRORS,
	    .reason = "This stream has been disconnected upstream for "
	    "operational reasons.", .opdisc = 1 },
	{ .file = "v2_errors_other.json", .kind = MSG_V2_ERRORS,
	    .reason = "This stream is currently at the maximum allowed "
	    "connection limit." },
	{ .file = "other_object.json", .kind = MSG_OTHER },
	{ .file = "other_array.json", .kind = MSG_OTHER },
	{ .file = "other_bad_geo.json", .kind = MSG_TWEET, .id = "5" },
};

#define NT 2048
static struct json_tok toks[NT];

static int
str_is(const struct msg_str *x, const char *want)
{
	if (want == NULL)
		return x->p == NULL && x->len == 0 && x->tok == -1;
	return x->p != NULL && x->len == strlen(want) &&
	    memcmp(x->p, want, x->len) == 0 && x->tok > 0;
}

static int
near(double a, double b)
{
	return a - b < 1e-9 && b - a < 1e-9;
}

static int
check_one(const struct exp *e, const struct msg *m)
{
	check((int)m->kind == e->kind);
	check(str_is(&m->id, e->id));
	check(m->has_geo == e->has_geo);
	if (e->has_geo) {
		check(near(m->lon, e->lon));
		check(near(m->lat, e->lat));
	}
	check(m->code == (e->code ? e->code : -1));
	check(str_is(&m->stream_name, e->stream_name));
	check(str_is(&m->reason, e->reason));
	check(str_is(&m->warn_code, e->warn_code));
	check(str_is(&m->warn_message, e->warn_message));
	check(m->percent_full == (e->percent_full ? e->percent_full : -1));
	check(m->track == (e->track ? e->track : -1));
	check(m->count == (e->count ? e->count : -1));
	check(str_is(&m->event, e->event));
	check(m->operational_disconnect == e->opdisc);
	check(m->matching_rules == e->rules);
	check(m->has_errors == e->errors);
	return 0;
}

static int
fixtures(void)
{
	struct json j;
	struct msg m;
	size_t i, n, off, take;
	int r, line, kinds = 0;

	for (i = 0; i < sizeof exps / sizeof exps[0]; i++) {
		char path[256];
		unsigned char *doc, *copy;

		snprintf(path, sizeof path, "%s%s", MSGDIR, exps[i].file);
		doc = t_slurp(path, &n);
		if (doc == NULL)
			fprintf(stderr, "cannot read %s\n", path);
		check(doc != NULL);
		/* Whole. */
		r = json_parse(&j, (char *)doc, n, toks, NT);
		if (r < 0)
			fprintf(stderr, "%s: %d at %zu\n", path, r,
			    json_error_pos(&j));
		check(r > 0);
		check(msg_classify(&m, (char *)doc, n, toks, r) ==
		    exps[i].kind);
		if ((line = check_one(&exps[i], &m)) != 0) {
			fprintf(stderr, "%s: field check at line %d\n", path,
			    line);
			free(doc);
			return line;
		}
		kinds |= 1 << m.kind;
		/* Assembled from random slices: the same. */
		copy = malloc(n);
		check(copy != NULL);
		for (off = 0; off < n; off += take) {
			take = 1 + t_rand_below(n - off < 64 ? n - off : 64);
			memcpy(copy + off, doc + off, take);
		}
		check(json_parse(&j, (char *)copy, n, toks, NT) == r);
		check(msg_classify(&m, (char *)copy, n, toks, r) ==
		    exps[i].kind);
		check(check_one(&exps[i], &m) == 0);
		/* The exact token count suffices; one fewer is an error. */
		check(json_parse(&j, (char *)copy, n, toks, (size_t)r) == r);
		check(json_parse(&j, (char *)copy, n, toks, (size_t)r - 1) ==
		    JSON_E_TOKENS);
		free(copy);
		free(doc);
	}
	/* Every kind was seen. */
	for (r = MSG_OTHER; r <= MSG_V2_ERRORS; r++)
		check(kinds & 1 << r);
	return 0;
}

static int
edge_cases(void)
{
	static const char one[] = "{\"limit\":{\"track\":\"x\"}}";
	static const char dup[] = "{\"id_str\":\"1\",\"text\":\"a\","
	    "\"id_str\":\"2\"}";
	static const char esc[] = "{\"disconnect\":{\"code\":12,"
	    "\"stream_name\":\"s\",\"reason\":\"load \\\"shed\\\"\"}}";
	struct json j;
	struct msg m;
	char out[32];
	size_t len;
	int r;

	check(msg_classify(&m, one, sizeof one - 1, NULL, 0) ==
	    MSG_E_NOTOKENS);
	check(m.kind == MSG_OTHER && m.id.p == NULL);
	check(msg_classify(&m, one, sizeof one - 1, toks, 0) ==
	    MSG_E_NOTOKENS);
	r = json_parse(&j, one, sizeof one - 1, toks, NT);
	check(r > 0);
	/* Tokens that do not belong to a text this short. */
	check(msg_classify(&m, one, 3, toks, r) == MSG_E_NOTOKENS);
	/* A non-number track stays absent. */
	check(msg_classify(&m, one, sizeof one - 1, toks, r) == MSG_LIMIT);
	check(m.track == -1);
	/* Duplicate keys: the first wins. */
	r = json_parse(&j, dup, sizeof dup - 1, toks, NT);
	check(msg_classify(&m, dup, sizeof dup - 1, toks, r) == MSG_TWEET);
	check(str_is(&m.id, "1"));
	/* Escaped strings point at raw bytes; json_unescape decodes. */
	r = json_parse(&j, esc, sizeof esc - 1, toks, NT);
	check(msg_classify(&m, esc, sizeof esc - 1, toks, r) ==
	    MSG_DISCONNECT);
	check(m.code == 12);
	check(m.reason.len == 13);
	check(json_unescape(esc, toks, m.reason.tok, out, sizeof out, &len)
	    == 0);
	check(len == 11 && memcmp(out, "load \"shed\"", 11) == 0);
	/* A tweet with only a numeric id. */
	r = json_parse(&j, "{\"id\":5,\"text\":\"x\"}", 19, toks, NT);
	check(r == 5);
	check(msg_classify(&m, "{\"id\":5,\"text\":\"x\"}", 19, toks, r) ==
	    MSG_TWEET);
	check(str_is(&m.id, "5"));
	/* Names. */
	check(strcmp(msg_kind_name(MSG_TWEET), "tweet") == 0);
	check(strcmp(msg_kind_name(MSG_V2_ERRORS), "v2_errors") == 0);
	check(strcmp(msg_kind_name(0), "?") == 0);
	check(strcmp(msg_kind_name(99), "?") == 0);
	return 0;
}

int
main(void)
{
	t_init("test_msg");
	t_run("fixtures", fixtures);
	t_run("edge_cases", edge_cases);
	return t_done();
}
