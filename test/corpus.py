#!/usr/bin/python3
# sluice: deterministic synthetic stream messages -- MIT licensed.
#
# The traffic mix measured on realistic v1.1 streams (../shared/PLATFORM.md):
# 61 % original tweets (~3.4 KB), 30 % retweets (~6.5 KB), 5 % quote tweets
# (~7.4 KB), 3 % delete notices (~170 B), 1 % limit notices (~60 B).  Every
# data message carries its global sequence number twice: in "id_str" (so the
# id ring and users see it) and in "sluice_seq" (so tests can check exactly
# which messages arrived).  Some tweets carry coordinates or a place
# bounding box, some match track terms, text is mixed ASCII/Unicode.
#
# Library:  import corpus; corpus.message(seq, rng) -> bytes (one JSON doc)
# CLI:      corpus.py [-n COUNT] [-s SEED] [--bytes N] > file.ndjson
#           one message per line, CRLF-terminated as Twitter sends them.
import json
import random
import sys

WORDS = ("stream sluice router firmware rust zig python data river flood "
         "gate water tide current channel bridge signal packet kernel "
         "memory buffer socket cable fiber antenna morning evening "
         "coffee weekend weather storm rain sun cloud wind city harbour "
         "music game match goal team vote news update launch release").split()
UNI = ("café naïve Zürich São Paulo 東京 서울 Москва مرحبا שלום "
       "😀 🚀 🌊 ❤️ 👍 🎉 ñandú Ελλάδα").split()
LANGS = ["en", "es", "fr", "de", "ja", "pt", "ar", "und"]
SOURCES = ['<a href="http://twitter.com/download/iphone" rel="nofollow">'
           'Twitter for iPhone</a>',
           '<a href="https://mobile.twitter.com" rel="nofollow">'
           'Twitter Web App</a>',
           '<a href="http://twitter.com/download/android" rel="nofollow">'
           'Twitter for Android</a>']
BASE_ID = 1500000000000000000
EPOCH = 1700000000


def created_at(t):
    import time
    return time.strftime("%a %b %d %H:%M:%S +0000 %Y", time.gmtime(t))


def text(rng, n_words, track=None):
    words = []
    for _ in range(n_words):
        r = rng.random()
        words.append(rng.choice(UNI) if r < 0.12 else rng.choice(WORDS))
    if track:
        words.insert(rng.randrange(len(words) + 1), rng.choice(track))
    return " ".join(words)


def user(rng, uid):
    name = "".join(rng.choice("abcdefghijklmnopqrstuvwxyz_0123456789")
                   for _ in range(rng.randint(5, 14)))
    return {
        "id": uid, "id_str": str(uid), "name": name.title(),
        "screen_name": name, "location": rng.choice(
            ["", "Berlin", "São Paulo", "東京", "Lagos", "Toronto"]),
        "url": "https://example.com/%s" % name,
        "description": text(rng, rng.randint(50, 110)),
        "entities": {"url": {"urls": [{"url": "https://t.co/%08x" %
                                       rng.getrandbits(32),
                                       "expanded_url": "https://example."
                                       "com/" + name,
                                       "display_url": "example.com/" + name,
                                       "indices": [0, 23]}]},
                     "description": {"urls": []}},
        "profile_banner_url": "https://pbs.twimg.com/profile_banners/%d/"
                              "%d" % (uid, rng.randint(1, 1 << 31)),
        "translator_type": "none", "protected": False,
        "verified": rng.random() < 0.05,
        "followers_count": rng.randint(0, 100000),
        "friends_count": rng.randint(0, 5000),
        "listed_count": rng.randint(0, 300),
        "favourites_count": rng.randint(0, 90000),
        "statuses_count": rng.randint(1, 200000),
        "created_at": created_at(EPOCH - rng.randint(0, 4e8)),
        "utc_offset": None, "time_zone": None, "geo_enabled": True,
        "lang": None, "contributors_enabled": False,
        "is_translator": False,
        "profile_background_color": "F5F8FA",
        "profile_background_image_url": "",
        "profile_background_image_url_https": "",
        "profile_background_tile": False,
        "profile_link_color": "1DA1F2",
        "profile_sidebar_border_color": "C0DEED",
        "profile_sidebar_fill_color": "DDEEF6",
        "profile_text_color": "333333",
        "profile_use_background_image": True,
        "profile_image_url": "http://pbs.twimg.com/profile_images/%d/"
                             "a_normal.jpg" % rng.randint(1, 1 << 40),
        "profile_image_url_https": "https://pbs.twimg.com/profile_images/"
                                   "%d/a_normal.jpg" % rng.randint(1, 1 << 40),
        "default_profile": True, "default_profile_image": False,
        "following": None, "follow_request_sent": None,
        "notifications": None,
    }


def geo(rng, t):
    r = rng.random()
    if r < 0.04:
        lon = round(rng.uniform(-179, 179), 6)
        lat = round(rng.uniform(-60, 70), 6)
        t["geo"] = {"type": "Point", "coordinates": [lat, lon]}
        t["coordinates"] = {"type": "Point", "coordinates": [lon, lat]}
    elif r < 0.10:
        lon = rng.uniform(-170, 170)
        lat = rng.uniform(-55, 65)
        box = [[lon, lat], [lon, lat + 0.5], [lon + 0.7, lat + 0.5],
               [lon + 0.7, lat]]
        t["place"] = {
            "id": "%016x" % rng.getrandbits(64),
            "url": "https://api.twitter.com/1.1/geo/id/x.json",
            "place_type": "city", "name": "Somewhere",
            "full_name": "Somewhere, Earth", "country_code": "XX",
            "country": "Earth",
            "bounding_box": {"type": "Polygon",
                             "coordinates": [[[round(a, 6), round(b, 6)]
                                              for a, b in box]]},
            "attributes": {}}


def tweet(seq, rng, track=None, depth=0):
    tid = BASE_ID + seq
    uid = rng.randint(1, 1 << 40)
    words = rng.randint(15, 50)
    t = {
        "created_at": created_at(EPOCH + seq // 50),
        "id": tid, "id_str": str(tid),
        "text": text(rng, words, track),
        "source": rng.choice(SOURCES), "truncated": False,
        "in_reply_to_status_id": None, "in_reply_to_status_id_str": None,
        "in_reply_to_user_id": None, "in_reply_to_user_id_str": None,
        "in_reply_to_screen_name": None,
        "user": user(rng, uid),
        "geo": None, "coordinates": None, "place": None,
        "contributors": None, "is_quote_status": False,
        "quote_count": 0, "reply_count": rng.randint(0, 3),
        "retweet_count": 0, "favorite_count": rng.randint(0, 10),
        "entities": {"hashtags": [{"text": rng.choice(WORDS),
                                   "indices": [0, 5]}]
                     if rng.random() < 0.3 else [],
                     "urls": [{"url": "https://t.co/%08x" % rng.getrandbits(32),
                               "expanded_url": "https://example.org/%d" %
                               rng.getrandbits(40),
                               "display_url": "example.org/...",
                               "indices": [40, 63]}]
                     if rng.random() < 0.5 else [],
                     "user_mentions": [{"screen_name": rng.choice(WORDS),
                                        "name": rng.choice(WORDS),
                                        "id": rng.getrandbits(40),
                                        "id_str": str(rng.getrandbits(40)),
                                        "indices": [0, 9]}]
                     if rng.random() < 0.4 else [],
                     "symbols": []},
        "display_text_range": [0, 140],
        "favorited": False, "retweeted": False,
        "filter_level": "low", "lang": rng.choice(LANGS),
        "timestamp_ms": str((EPOCH + seq // 50) * 1000),
    }
    if depth == 0:
        geo(rng, t)
    return t


def message(seq, rng, track=None):
    """One message as compact JSON bytes (no line terminator)."""
    r = rng.random()
    if r < 0.61:
        m = tweet(seq, rng, track)
    elif r < 0.91:
        m = tweet(seq, rng, track)
        m["retweeted_status"] = tweet(seq, rng, track, 1)
        m["retweeted_status"]["id_str"] = str(BASE_ID - seq)
        m["text"] = "RT @x: " + m["text"]
    elif r < 0.96:
        m = tweet(seq, rng, track)
        m["is_quote_status"] = True
        q = tweet(seq, rng, track, 1)
        q["id_str"] = str(BASE_ID - seq)
        m["quoted_status"] = q
        m["quoted_status_id_str"] = q["id_str"]
        m["extended_tweet"] = {"full_text": text(rng, 50, track)}
    elif r < 0.99:
        tid = BASE_ID + seq
        m = {"delete": {"status": {"id": tid, "id_str": str(tid),
                                   "user_id": rng.randint(1, 1 << 40),
                                   "user_id_str": "12345"},
                        "timestamp_ms": str((EPOCH + seq // 50) * 1000)}}
    else:
        m = {"limit": {"track": rng.randint(1, 5000),
                       "timestamp_ms": str((EPOCH + seq // 50) * 1000)}}
    m["sluice_seq"] = seq
    return json.dumps(m, ensure_ascii=False, separators=(",", ":")).encode()


def main(argv):
    import argparse
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("-n", type=int, default=1000, help="messages")
    ap.add_argument("-s", "--seed", type=int, default=1)
    ap.add_argument("--bytes", type=int, default=0,
                    help="stop after this many bytes instead of -n")
    ap.add_argument("--lf", action="store_true", help="LF, not CRLF")
    a = ap.parse_args(argv)
    rng = random.Random(a.seed)
    out = sys.stdout.buffer
    end = b"\n" if a.lf else b"\r\n"
    total = 0
    seq = 1
    while (a.bytes and total < a.bytes) or (not a.bytes and seq <= a.n):
        m = message(seq, rng) + end
        out.write(m)
        total += len(m)
        seq += 1


if __name__ == "__main__":
    main(sys.argv[1:])
