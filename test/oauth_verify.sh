#!/bin/sh
# Independent verification of oauth.c -- MIT licensed, see LICENSE.
# Generates N requests (random methods, hosts, ports, paths; Unicode and
# reserved characters in names, values, keys and secrets; repeated
# parameters, empty values, bare names, query + form body mixes), signs
# them with test/oauthsign (real nonces and timestamps) and has Debian's
# python3-oauthlib verify every signature.  Also: the nonces are unique,
# the timestamps are now, and a tampered signature or secret is refused
# (so the verifier is shown able to say no).
# Usage: sh test/oauth_verify.sh [N [SEED]]   (default 400 requests)
. test/lib.sh

N=${1:-400}
SEED=${2:-${T_SEED:-5849}}
PY=/usr/bin/python3

if ! $PY -c 'import oauthlib.oauth1.rfc5849.signature' 2>/dev/null; then
	echo "FAIL $T_NAME:oauthlib: $PY cannot import oauthlib" \
	    "(apt-get install python3-oauthlib)"
	exit 1
fi
if [ ! -x test/oauthsign ]; then
	echo "FAIL $T_NAME:build: no test/oauthsign (make test/oauthsign)"
	exit 1
fi

$PY - "$N" "$SEED" >"$T_TMP/req" <<'PY'
import random, sys

n, seed = int(sys.argv[1]), int(sys.argv[2])
rng = random.Random(seed)

# Pieces of text: ASCII, reserved and sub-delims, spaces, percent signs,
# Latin-1, BMP and astral Unicode (UTF-8 of 2, 3 and 4 bytes).
ATOMS = (list("abcxyzABCXYZ0129-._~") + list("!*'();:@&=+$,/?#[]% ") +
         ["\u00e9", "\u00fc", "\u2603", "\u65e5\u672c", "\U0001F600",
          "\U0001D11E", "", "%20", "%zz", "a+b", "\t", "\u00a0"])

def text(maxlen):
    return "".join(rng.choice(ATOMS) for _ in range(rng.randint(0, maxlen)))

UNRES = set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
            "0123456789-._~")
RAW_OK = set("!$'()*,;:@/?")   # may stay raw inside a name or value

def form_enc(s):
    """Form-encode s, choosing per byte among valid spellings."""
    out = []
    for b in s.encode("utf-8"):
        c = chr(b)
        r = rng.random()
        if c in UNRES and r < 0.8:
            out.append(c)
        elif c == " " and r < 0.5:
            out.append("+")
        elif c in RAW_OK and r < 0.5:
            out.append(c)
        else:
            out.append(("%%%02X" if rng.random() < 0.7 else "%%%02x") % b)
    return "".join(out)

def form(npairs, names):
    parts = []
    for _ in range(npairs):
        name = rng.choice(names) if names and rng.random() < 0.3 else \
            text(6)
        if name.startswith("oauth_"):
            name = "x" + name
        if rng.random() < 0.3:
            names.append(name)
        r = rng.random()
        if r < 0.08:
            parts.append(form_enc(name))             # bare name
        elif r < 0.12:
            parts.append("")                          # empty pair
        else:
            parts.append(form_enc(name) + "=" + form_enc(text(10)))
    return "&".join(parts)

METHODS = ["GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS",
           "post", "Get", "MKCOL"]

def url():
    scheme = rng.choice(["http", "https", "HTTPS", "Http"])
    host = rng.choice(["api.twitter.com", "Stream.Twitter.COM",
                       "example.com", "127.0.0.1", "localhost",
                       "a-b.c-d.example.org"])
    r = rng.random()
    if r < 0.2:
        port = ":" + rng.choice(["80", "443"])     # default or not
    elif r < 0.4:
        port = ":" + str(rng.randint(1, 65535))
    else:
        port = ""
    segs = []
    for _ in range(rng.randint(0, 4)):
        s = ""
        for b in text(5).encode("utf-8"):
            c = chr(b)
            s += c if (c in UNRES or c in "!$&'()*+,=:@") else "%%%02X" % b
        segs.append(s)
    path = "/" + "/".join(segs) if segs or rng.random() < 0.7 else ""
    names = []
    q = form(rng.randint(0, 5), names) if rng.random() < 0.7 else None
    u = scheme + "://" + host + port + path
    if q is not None:
        u += "?" + q
    if rng.random() < 0.05:
        u += "#frag"
    return u, names

def secret():
    return text(rng.choice([0, 3, 12, 40, 90]))

def hx(s):
    return s.encode("utf-8").hex() or "-"

for i in range(n):
    u, names = url()
    body = form(rng.randint(1, 6), names) if rng.random() < 0.5 else ""
    key = text(20) or "k"
    tok = text(30) if rng.random() < 0.85 else ""
    print(" ".join([hx(key), hx(secret()), hx(tok), hx(secret()),
                    hx(rng.choice(METHODS)), hx(u), hx(body)]))
PY
[ $? -eq 0 ] || { echo "FAIL $T_NAME:generate: generator failed"; exit 1; }

test/oauthsign <"$T_TMP/req" >"$T_TMP/signed" 2>"$T_TMP/err"
t_ok "signer ran over $N requests" [ $? -eq 0 ]

$PY - "$T_TMP/signed" "$T_NAME" <<'PY'
import sys, time
from urllib.parse import urlparse
from oauthlib.common import Request
from oauthlib.oauth1.rfc5849 import signature, utils

path, name = sys.argv[1], sys.argv[2]
now = time.time()
ok = bad = refused = 0
nonces = set()
tampered_ok = 0
ts_off = []
mix = dict.fromkeys(["query+body", "body only", "repeated names",
                     "empty values", "non-ASCII", "no token"], 0)
fails = []

def unhex(f):
    return "" if f == "-" else bytes.fromhex(f).decode("utf-8")

for ln, line in enumerate(open(path), 1):
    f = line.split()
    ck, cs, tk, ts, method, uri, body = (unhex(x) for x in f[:7])
    if f[7] == "ERR":
        fails.append("line %d: signer refused (%s): %s %r body %r" %
                     (ln, f[8], method, uri, body))
        refused += 1
        continue
    hdr = unhex(f[7])
    try:
        params = signature.collect_parameters(
            uri_query=urlparse(uri).query, body=body,
            headers={"Authorization": hdr})
        hp = dict(utils.parse_authorization_header(hdr))
        req = Request(uri, http_method=method, body=body,
                      headers={"Authorization": hdr})
        req.params = params
        req.signature = utils.unescape(hp["oauth_signature"])
        good = signature.verify_hmac_sha1(req, cs, ts)
        # same key set as sent, consumer key and token round-trip
        hd = dict((k, v) for k, v in params if k.startswith("oauth_"))
        good = good and hd["oauth_consumer_key"] == ck
        good = good and hd.get("oauth_token", "") == tk
        good = good and hd["oauth_signature_method"] == "HMAC-SHA1"
    except Exception as e:  # a parse failure is a mismatch too
        good = False
        fails.append("line %d: oauthlib raised %r" % (ln, e))
    if good:
        ok += 1
    else:
        bad += 1
        fails.append("line %d: MISMATCH %s %r body %r header %r" %
                     (ln, method, uri, body, hdr))
        continue
    nonces.add(hd["oauth_nonce"])
    q, names = urlparse(uri).query, [k for k, v in params]
    mix["query+body"] += bool(q and body)
    mix["body only"] += bool(body and not q)
    mix["repeated names"] += len(set(names)) < len(names)
    mix["empty values"] += any(v == "" for k, v in params)
    mix["non-ASCII"] += any(ord(ch) > 127 for k, v in params
                            for ch in k + v)
    mix["no token"] += tk == ""
    ts_off.append(int(hd["oauth_timestamp"]) - now)
    # negative controls: a changed secret or signature must not verify
    if signature.verify_hmac_sha1(req, cs + "x", ts) or \
       signature.verify_hmac_sha1(req, cs, ts + "x"):
        tampered_ok += 1
    sig = req.signature
    req.signature = ("B" if sig[0] != "B" else "C") + sig[1:]
    if signature.verify_hmac_sha1(req, cs, ts):
        tampered_ok += 1

total = ok + bad + refused
print("# requests with " + ", ".join("%s: %d" % kv for kv in mix.items()))
for m in fails[:20]:
    print("    " + m)

def result(cond, what):
    print("%s %s:%s" % ("PASS" if cond else "FAIL", name, what))

result(total >= 200 and bad == 0 and refused == 0,
       "oauthlib verifies %d of %d signatures (%d mismatches, %d refused)"
       % (ok, total, bad, refused))
result(ok > 0 and len(nonces) == ok,
       "%d nonces, all distinct" % len(nonces))
result(ok > 0 and all(-5 <= d <= 5 for d in ts_off),
       "timestamps within 5 s of the clock")
result(ok > 0 and tampered_ok == 0,
       "tampered secrets and signatures refused (%d wrongly accepted)"
       % tampered_ok)
sys.exit(0 if bad == 0 and refused == 0 and tampered_ok == 0 else 1)
PY
[ $? -eq 0 ] || T_FAILED=1

# Fixed nonce and timestamp: the RFC 5849 example through the same path.
printf '%s\n' "$(printf '%s' 9djdj82h48djs9d2 | od -An -tx1 | tr -d ' \n') \
$(printf '%s' j49sk3j29djd | od -An -tx1 | tr -d ' \n') \
$(printf '%s' kkk9d7dh3k39sjv7 | od -An -tx1 | tr -d ' \n') \
$(printf '%s' dh893hdasih9 | od -An -tx1 | tr -d ' \n') \
$(printf '%s' POST | od -An -tx1 | tr -d ' \n') \
$(printf '%s' 'http://example.com/request?b5=%3D%253D&a3=a&c%40=&a2=r%20b' |
    od -An -tx1 | tr -d ' \n') \
$(printf '%s' 'c2&a3=2+q' | od -An -tx1 | tr -d ' \n')" >"$T_TMP/rfc"
out=$(test/oauthsign -V -n 7d8f3e4a -t 137131201 <"$T_TMP/rfc" |
    awk '{print $8}' |
    $PY -c 'import sys; print(bytes.fromhex(sys.stdin.read()).decode())')
t_match "oauthsign -n -t -V reproduces RFC 5849 3.4.1 (erratum 2550)" \
    "$out" 'oauth_signature="r6%2FTJjbCOr97%2F%2BUU0NsvSne7s5g%3D"'
t_done
