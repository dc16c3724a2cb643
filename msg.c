/* msg -- classify a stream message.  MIT licensed.
 * See msg.h for the contract. */
#include <string.h>

#include "msg.h"

/* Root members the classifier looks at. */
enum {
	K_DATA, K_ERRORS, K_DELETE, K_SCRUB_GEO, K_LIMIT, K_DISCONNECT,
	K_WARNING, K_STATUS_WITHHELD, K_USER_WITHHELD, K_FRIENDS,
	K_FRIENDS_STR, K_EVENT, K_ID_STR, K_ID, K_TEXT, K_FULL_TEXT,
	K_COORDINATES, K_PLACE, K_MATCHING_RULES, K_INCLUDES, K_N
};

static const struct {
	const char *name;
	unsigned char len;
} keys[K_N] = {
	{ "data", 4 }, { "errors", 6 }, { "delete", 6 }, { "scrub_geo", 9 },
	{ "limit", 5 }, { "disconnect", 10 }, { "warning", 7 },
	{ "status_withheld", 15 }, { "user_withheld", 13 }, { "friends", 7 },
	{ "friends_str", 11 }, { "event", 5 }, { "id_str", 6 }, { "id", 2 },
	{ "text", 4 }, { "full_text", 9 }, { "coordinates", 11 },
	{ "place", 5 }, { "matching_rules", 14 }, { "includes", 8 }
};

/* keys[] by length: up to 3 candidates per length, -1 ends the list. */
static const signed char bylen[16][4] = {
	{ -1 }, { -1 }, { K_ID, -1 }, { -1 }, { K_DATA, K_TEXT, -1 },
	{ K_LIMIT, K_EVENT, K_PLACE, -1 }, { K_ERRORS, K_DELETE, K_ID_STR, -1 },
	{ K_WARNING, K_FRIENDS, -1 }, { K_INCLUDES, -1 },
	{ K_SCRUB_GEO, K_FULL_TEXT, -1 }, { K_DISCONNECT, -1 },
	{ K_FRIENDS_STR, K_COORDINATES, -1 }, { -1 }, { K_USER_WITHHELD, -1 },
	{ K_MATCHING_RULES, -1 }, { K_STATUS_WITHHELD, -1 }
};

static const char *const kind_names[] = {
	"?", "other", "tweet", "delete", "scrub_geo", "limit", "disconnect",
	"warning", "status_withheld", "user_withheld", "friends", "event",
	"v2_data", "v2_errors"
};

const char *
msg_kind_name(int k)
{
	if (k < 1 || k > MSG_V2_ERRORS)
		return kind_names[0];
	return kind_names[k];
}

/* Which of keys[] the key token k is, or -1. */
static int
keyid(const char *s, const struct json_tok *t, int ki)
{
	const struct json_tok *tk = &t[ki];
	const signed char *k;
	int i;

	if (tk->info & JSON_TOK_ESC) {	/* rare: compare decoded */
		for (i = 0; i < K_N; i++)
			if (json_strneq(s, t, ki, keys[i].name, keys[i].len))
				return i;
		return -1;
	}
	if (tk->len > 15)
		return -1;
	for (k = bylen[tk->len]; *k >= 0; k++)
		if (s[tk->start] == keys[*k].name[0] &&
		    memcmp(s + tk->start, keys[*k].name, tk->len) == 0)
			return *k;
	return -1;
}

static int
next(const struct json_tok *t, int k)
{
	int sk = json_skip(&t[k]);

	return k + (sk > 0 ? sk : 1);
}

static void
str_reset(struct msg_str *x)
{
	x->p = NULL;
	x->len = 0;
	x->tok = -1;
}

/* Points x at token i when it is a string (or, with num, a number). */
static void
set_str(struct msg_str *x, const char *s, const struct json_tok *t, int i,
    int num)
{
	enum json_type ty;

	if (i < 0)
		return;
	ty = json_type(&t[i]);
	if (ty != JSON_STRING && !(num && ty == JSON_NUMBER))
		return;
	x->p = s + t[i].start;
	x->len = t[i].len;
	x->tok = i;
}

static int
member(const char *s, const struct json_tok *t, int ntok, int obj,
    const char *key)
{
	if (obj < 0)
		return -1;
	return json_member(s, t, ntok, obj, key, strlen(key));
}

static void
get_int(const char *s, const struct json_tok *t, int i, int64_t *v)
{
	int64_t x;

	if (i >= 0 && json_int64(s, t, i, &x) == 0)
		*v = x;
}

/* The id: the string member "<name>_str"-style first, else the number. */
static void
set_id(struct msg *m, const char *s, const struct json_tok *t, int ntok,
    int obj, const char *strkey, const char *numkey)
{
	set_str(&m->id, s, t, member(s, t, ntok, obj, strkey), 0);
	if (m->id.p == NULL && numkey != NULL)
		set_str(&m->id, s, t, member(s, t, ntok, obj, numkey), 1);
}

/* [lon, lat] array at token a. */
static int
point(const char *s, const struct json_tok *t, int ntok, int a,
    double *lon, double *lat)
{
	int x, y;

	if (a < 0 || a >= ntok || json_type(&t[a]) != JSON_ARRAY)
		return 0;
	x = json_index(t, ntok, a, 0);
	y = json_index(t, ntok, a, 1);
	if (x < 0 || y < 0 || json_double(s, t, x, lon) != 0 ||
	    json_double(s, t, y, lat) != 0)
		return 0;
	return *lon >= -180.0 && *lon <= 180.0 && *lat >= -90.0 &&
	    *lat <= 90.0;
}

static void
set_geo(struct msg *m, double lon, double lat)
{
	if (lon < -180.0 || lon > 180.0 || lat < -90.0 || lat > 90.0)
		return;
	m->has_geo = 1;
	m->lon = lon;
	m->lat = lat;
}

/* Centre of a v1.1 place.bounding_box: coordinates [[[lon,lat] x 4]]. */
static void
bbox_v1(struct msg *m, const char *s, const struct json_tok *t, int ntok,
    int place)
{
	int c, ring, e, end, n = 0;
	double lon, lat, w = 0, so = 0, ea = 0, no = 0;

	c = member(s, t, ntok, member(s, t, ntok, place, "bounding_box"),
	    "coordinates");
	if (c < 0 || (ring = json_index(t, ntok, c, 0)) < 0 ||
	    json_type(&t[ring]) != JSON_ARRAY)
		return;
	end = ring + json_skip(&t[ring]);
	for (e = ring + 1; e < end && e < ntok; e = next(t, e)) {
		if (!point(s, t, ntok, e, &lon, &lat))
			return;
		if (n == 0 || lon < w)
			w = lon;
		if (n == 0 || lon > ea)
			ea = lon;
		if (n == 0 || lat < so)
			so = lat;
		if (n == 0 || lat > no)
			no = lat;
		n++;
	}
	if (n > 0)
		set_geo(m, (w + ea) / 2, (so + no) / 2);
}

static void
geo_v1(struct msg *m, const char *s, const struct json_tok *t, int ntok,
    int coords, int place)
{
	double lon, lat;

	if (point(s, t, ntok, member(s, t, ntok, coords, "coordinates"),
	    &lon, &lat)) {
		set_geo(m, lon, lat);
		return;
	}
	if (place >= 0 && json_type(&t[place]) == JSON_OBJECT)
		bbox_v1(m, s, t, ntok, place);
}

/* v2: data.geo.coordinates.coordinates, else the bbox of the place in
 * includes.places whose id is data.geo.place_id. */
static void
geo_v2(struct msg *m, const char *s, const struct json_tok *t, int ntok,
    int data, int includes)
{
	int geo, pid, places, e, end, id, bb, k;
	double lon, lat, v[4];

	geo = member(s, t, ntok, data, "geo");
	if (point(s, t, ntok, member(s, t, ntok, member(s, t, ntok, geo,
	    "coordinates"), "coordinates"), &lon, &lat)) {
		set_geo(m, lon, lat);
		return;
	}
	pid = member(s, t, ntok, geo, "place_id");
	places = member(s, t, ntok, includes, "places");
	if (pid < 0 || places < 0 || json_type(&t[places]) != JSON_ARRAY)
		return;
	end = places + json_skip(&t[places]);
	for (e = places + 1; e < end && e < ntok; e = next(t, e)) {
		id = member(s, t, ntok, e, "id");
		if (id < 0 || t[id].len != t[pid].len ||
		    memcmp(s + t[id].start, s + t[pid].start, t[id].len) != 0)
			continue;
		bb = member(s, t, ntok, member(s, t, ntok, e, "geo"), "bbox");
		if (bb < 0 || json_count(t, ntok, bb) != 4)
			return;
		for (k = 0; k < 4; k++)
			if (json_double(s, t, json_index(t, ntok, bb, k),
			    &v[k]) != 0)
				return;
		set_geo(m, (v[0] + v[2]) / 2, (v[1] + v[3]) / 2);
		return;
	}
}

static int
ends_with(const char *p, size_t n, const char *suffix)
{
	size_t k = strlen(suffix);

	return n >= k && memcmp(p + n - k, suffix, k) == 0;
}

static void
v2_errors(struct msg *m, const char *s, const struct json_tok *t, int ntok,
    int errs)
{
	int e, end, ty, ti;

	if (json_type(&t[errs]) != JSON_ARRAY)
		return;
	end = errs + json_skip(&t[errs]);
	for (e = errs + 1; e < end && e < ntok; e = next(t, e)) {
		ty = member(s, t, ntok, e, "type");
		ti = member(s, t, ntok, e, "title");
		if (m->reason.p == NULL) {
			set_str(&m->reason, s, t, member(s, t, ntok, e,
			    "detail"), 0);
			if (m->reason.p == NULL)
				set_str(&m->reason, s, t, ti, 0);
		}
		if ((ty >= 0 && json_type(&t[ty]) == JSON_STRING &&
		    ends_with(s + t[ty].start, t[ty].len,
		    "operational-disconnect")) ||
		    (ti >= 0 && json_streq(s, t, ti, "operational-disconnect")))
			m->operational_disconnect = 1;
	}
}

static void
msg_reset(struct msg *m)
{
	m->kind = MSG_OTHER;
	str_reset(&m->id);
	m->has_geo = 0;
	m->lon = 0;
	m->lat = 0;
	m->code = -1;
	str_reset(&m->stream_name);
	str_reset(&m->reason);
	str_reset(&m->warn_code);
	str_reset(&m->warn_message);
	m->percent_full = -1;
	m->track = -1;
	m->count = -1;
	str_reset(&m->event);
	m->operational_disconnect = 0;
	m->matching_rules = 0;
	m->has_errors = 0;
}

int
msg_classify(struct msg *m, const char *s, size_t n,
    const struct json_tok *t, int ntok)
{
	int v[K_N], k, end, id, o;

	msg_reset(m);
	if (t == NULL || ntok < 1 || (size_t)t[0].start + t[0].len > n)
		return MSG_E_NOTOKENS;
	if (json_type(&t[0]) != JSON_OBJECT)
		return m->kind;
	for (k = 0; k < K_N; k++)
		v[k] = -1;
	end = json_skip(&t[0]);
	if (end > ntok)
		end = ntok;
	/* One pass over the root's members; the first of duplicates wins. */
	for (k = 1; k + 1 < end; k = next(t, k + 1))
		if ((id = keyid(s, t, k)) >= 0 && v[id] < 0)
			v[id] = k + 1;

	if (v[K_DATA] >= 0) {
		m->kind = MSG_V2_DATA;
		set_str(&m->id, s, t, member(s, t, ntok, v[K_DATA], "id"), 1);
		m->matching_rules = v[K_MATCHING_RULES] >= 0;
		m->has_errors = v[K_ERRORS] >= 0;
		if (json_type(&t[v[K_DATA]]) == JSON_OBJECT)
			geo_v2(m, s, t, ntok, v[K_DATA], v[K_INCLUDES]);
	} else if (v[K_ERRORS] >= 0) {
		m->kind = MSG_V2_ERRORS;
		v2_errors(m, s, t, ntok, v[K_ERRORS]);
	} else if ((o = v[K_DELETE]) >= 0) {
		m->kind = MSG_DELETE;
		set_id(m, s, t, ntok, member(s, t, ntok, o, "status"),
		    "id_str", "id");
		if (m->id.p == NULL)	/* direct_message deletes */
			set_id(m, s, t, ntok, member(s, t, ntok, o,
			    "direct_message"), "id_str", "id");
	} else if ((o = v[K_SCRUB_GEO]) >= 0) {
		m->kind = MSG_SCRUB_GEO;
		set_id(m, s, t, ntok, o, "up_to_status_id_str",
		    "up_to_status_id");
	} else if ((o = v[K_LIMIT]) >= 0) {
		m->kind = MSG_LIMIT;
		get_int(s, t, member(s, t, ntok, o, "track"), &m->track);
	} else if ((o = v[K_DISCONNECT]) >= 0) {
		m->kind = MSG_DISCONNECT;
		get_int(s, t, member(s, t, ntok, o, "code"), &m->code);
		set_str(&m->stream_name, s, t, member(s, t, ntok, o,
		    "stream_name"), 0);
		set_str(&m->reason, s, t, member(s, t, ntok, o, "reason"), 0);
	} else if ((o = v[K_WARNING]) >= 0) {
		m->kind = MSG_WARNING;
		set_str(&m->warn_code, s, t, member(s, t, ntok, o, "code"), 1);
		set_str(&m->warn_message, s, t, member(s, t, ntok, o,
		    "message"), 0);
		get_int(s, t, member(s, t, ntok, o, "percent_full"),
		    &m->percent_full);
	} else if ((o = v[K_STATUS_WITHHELD]) >= 0) {
		m->kind = MSG_STATUS_WITHHELD;
		set_id(m, s, t, ntok, o, "id_str", "id");
	} else if ((o = v[K_USER_WITHHELD]) >= 0) {
		m->kind = MSG_USER_WITHHELD;
		set_id(m, s, t, ntok, o, "id_str", "id");
	} else if ((o = v[K_FRIENDS]) >= 0 || (o = v[K_FRIENDS_STR]) >= 0) {
		m->kind = MSG_FRIENDS;
		if (json_type(&t[o]) == JSON_ARRAY)
			m->count = json_count(t, ntok, o);
	} else if ((o = v[K_EVENT]) >= 0) {
		m->kind = MSG_EVENT;
		set_str(&m->event, s, t, o, 0);
	} else if ((v[K_ID_STR] >= 0 || v[K_ID] >= 0) &&
	    (v[K_TEXT] >= 0 || v[K_FULL_TEXT] >= 0)) {
		m->kind = MSG_TWEET;
		set_str(&m->id, s, t, v[K_ID_STR], 0);
		if (m->id.p == NULL)
			set_str(&m->id, s, t, v[K_ID], 1);
		geo_v1(m, s, t, ntok, v[K_COORDINATES], v[K_PLACE]);
	}
	return m->kind;
}
