#!/bin/sh
# test/streamd, the stand-in for the Twitter/X streaming APIs -- MIT licensed.
# Checks its CLI, start and stop, the endpoints with curl, requests and
# requests_oauthlib, and every fault mode as a raw client sees it.
. test/lib.sh
PY=/usr/bin/python3
SD=test/streamd

probe() { $PY test/streamd_probe.py "$@"; }

# start NAME ARGS...: start streamd with a port file and a log; sets $P
# (port) and $PID; fails the test when no port appears within 5 s.
start() {
	n=$1
	shift
	rm -f "$T_TMP/$n.port"
	$SD --port 0 --port-file "$T_TMP/$n.port" --log "$T_TMP/$n.log" "$@" \
	    >"$T_TMP/$n.out" 2>&1 &
	PID=$!
	T_PIDS="$T_PIDS $PID"
	i=0
	while [ ! -s "$T_TMP/$n.port" ] && [ $i -lt 500 ]; do
		sleep 0.01
		i=$((i + 1))
	done
	P=$(cat "$T_TMP/$n.port" 2>/dev/null)
}

# sn PROBE-OUTPUT: the stream number streamd gave that response.
sn() {
	printf '%s\n' "$1" | sed -n 's/.*"x-streamd-stream": "\([0-9]*\)".*/\1/p'
}

# closelog NAME STREAM: the log's close record of that stream (waits 2 s).
closelog() {
	$PY - "$T_TMP/$1.log" "$2" <<'PY'
import json, sys, time
end = time.time() + 2
while time.time() < end:
    for ln in open(sys.argv[1]):
        o = json.loads(ln)
        if o["ev"] == "close" and o["stream"] == int(sys.argv[2]):
            print(ln.strip())
            sys.exit(0)
    time.sleep(0.02)
sys.exit(1)
PY
}

# fault SPEC: add a fault for the next stream through the control endpoint.
fault() {
	curl -s -X POST --data-binary "next:$1" \
	    "http://127.0.0.1:$P/_control/fault" >/dev/null
}

# ---- CLI ------------------------------------------------------------------
out=$($SD --help); rc=$?
t_ok "help exits 0" [ $rc -eq 0 ]
for w in --port --tls --cert --key --log --rate --count --keepalive --seed \
    --fault --gzip-fast --clock-offset --no-auth --bearer \
    /1.1/statuses/filter.json /1.1/statuses/sample.json \
    /2/tweets/search/stream /2/tweets/sample/stream rules /sse /stream/N \
    /_control/fault delimited=length backfill_minutes Last-Event-ID \
    status=CODE retry-after reset-in delay-head tls-delay drop stall=S \
    stall-ka close=WHERE rst chunk-header gzip-header gzip-trailer \
    reset-after-msgs disconnect=CODE inject=TYPE trickle=MS oversize=BYTES \
    badjson garbage=N garbage-raw badcrc badsize chunk-overflow \
    chunk-badhex count=N rate=R; do
	t_match "help documents $w" "$out" "$w"
done
$SD --port 0 --fault 'x:nonsense' 2>"$T_TMP/err"; rc=$?
t_ok "bad fault spec exits 2" [ $rc -eq 2 ]
t_match "bad fault spec is named" "$(cat "$T_TMP/err")" "nonsense"
$SD --bogus 2>/dev/null; rc=$?
t_ok "unknown option exits 2" [ $rc -eq 2 ]

# ---- start, stop ----------------------------------------------------------
t0=$($PY -c 'import time; print(time.time())')
start a --count 5 --keepalive 0.2
t1=$($PY -c 'import time; print(time.time())')
t_ok "starts and writes its port" [ -n "$P" ]
t_ok "starts in under 1 s" $PY -c "import sys; sys.exit($t1 - $t0 >= 1)"
t_match "prints its URL" "$(cat "$T_TMP/a.out")" \
    "^streamd listening on http://127.0.0.1:$P/\$"

# ---- curl -------------------------------------------------------------------
out=$(curl -s --compressed -D "$T_TMP/h" "http://127.0.0.1:$P/stream/5")
t_ok "curl --compressed reads 5 lines" \
    [ "$(printf '%s\n' "$out" | grep -c '"sluice_seq":')" -eq 5 ]
t_match "response is gzip" "$(cat "$T_TMP/h")" '^Content-Encoding: gzip'
t_match "response is chunked" "$(cat "$T_TMP/h")" \
    '^Transfer-Encoding: chunked'
t_match "messages carry id_str = BASE+seq" "$out" \
    '"id_str":"1500000000000000001".*"sluice_seq":1}'
t_match "log: open" "$(cat "$T_TMP/a.log")" '"ev":"open","conn":1,"stream":1'
t_match "log: the 5 sent messages" "$(closelog a 1)" \
    '"sent":\[\[1,5\]\],"n":5,"cut":null'
r=$(probe "http://127.0.0.1:$P/stream/3")
t_match "identity when not asked for gzip" "$r" '"plain": [0-9]+' 
t_match "no Content-Encoding without Accept-Encoding" "$r" \
    '"last_chunk": true'
t_match "sequence numbers go on across connections" "$r" \
    '"seqs": \[6, 7, 8\]'

# keep-alives, rate
r=$(probe --framing sse "http://127.0.0.1:$P/sse")
t_match "sse: 5 events" "$r" '"nseqs": 5,'
t_match "sse: text/event-stream" "$r" '"content-type": "text/event-stream"'
r=$(probe --framing sse -H 'Last-Event-ID: 10' "http://127.0.0.1:$P/sse")
t_match "sse: Last-Event-ID resumes from the ring" "$r" \
    '"first_seq": 11,'
r=$(probe "http://127.0.0.1:$P/stream/300")
t_ok "log: sent + limits = what the client got" $PY - "$(closelog a \
    "$(sn "$r")")" "$r" <<'PY'
import json, sys
log, got = json.loads(sys.argv[1]), json.loads(sys.argv[2])
n = sum(b - a + 1 for a, b in log["sent"] + log["limits"])
sys.exit(not (n == got["nseqs"] == 300 and log["n"] < 300 and log["limits"]))
PY
# a client that never reads: streamd blocks in send, SIGTERM must still stop it
$PY -c 'import socket, sys, time
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
s.sendall(b"GET /stream/100000 HTTP/1.1\r\nHost: x\r\n\r\n")
time.sleep(10)' "$P" &
stuck=$!
sleep 0.5
t0=$($PY -c 'import time; print(time.time())')
kill "$PID"
wait "$PID"; rc=$?
t1=$($PY -c 'import time; print(time.time())')
kill $stuck
t_ok "SIGTERM: exit 0" [ $rc -eq 0 ]
t_ok "SIGTERM with a stuck client: stops within 3 s" \
    $PY -c "import sys; sys.exit($t1 - $t0 >= 3)"
t_match "SIGTERM: the stuck stream is logged" "$(cat "$T_TMP/a.log")" \
    '"ev":"close".*"path":"/stream/100000".*"end":"stop"'
t_match "SIGTERM: log ends with exit" "$(tail -n 1 "$T_TMP/a.log")" \
    '"ev":"exit"'

start k --count 3 --rate 4 --keepalive 0.1
r=$(probe "http://127.0.0.1:$P/stream/3")
t_match "keep-alive newlines while rate-limited" "$r" \
    '"keepalives": [1-9][0-9]*,'
r=$(probe --framing sse "http://127.0.0.1:$P/sse")
t_match "sse keep-alive comments" "$r" '"keepalives": [1-9][0-9]*,'
t_match "rate-limited stream still complete" "$r" '"nseqs": 3,'
kill "$PID"

# ---- TLS, OAuth, Bearer, rules ------------------------------------------
C=$T_TMP/certs
sh test/mkcerts.sh "$C" && sh test/mkcerts.sh "$C"
t_ok "mkcerts.sh makes a CA and a server certificate (idempotent)" \
    sh -c "openssl verify -CAfile $C/ca.pem $C/server.pem >/dev/null"
t_match "server certificate for 127.0.0.1 and localhost" \
    "$(openssl x509 -in "$T_TMP/certs/server.pem" -noout -ext \
    subjectAltName)" 'IP Address:127.0.0.1, DNS:localhost'
start t --tls --cert "$C/server.pem" --key "$C/server.key" --count 3 \
    --fault 2:tls-delay=1
out=$(curl -s --cacert "$C/ca.pem" --compressed \
    "https://localhost:$P/stream/3")
t_ok "curl over TLS with --cacert" \
    [ "$(printf '%s\n' "$out" | grep -c '"sluice_seq":')" -eq 3 ]
r=$(probe --cacert "$C/ca.pem" "https://127.0.0.1:$P/stream/1")
t_match "fault tls-delay: slow handshake" "$r" '"first_byte": (1|2)\.'
curl -s -X POST --cacert "$C/ca.pem" --data-binary "next:stall=30,after=1" \
    "https://127.0.0.1:$P/_control/fault" >/dev/null
r=$(probe --cacert "$C/ca.pem" --timeout 0.5 "https://127.0.0.1:$P/stream/3")
t_match "TLS: a client that leaves during a stall is noticed" \
    "$(closelog t "$(sn "$r")")" '"n":1,.*"end":"client-gone"'
curl -s "https://127.0.0.1:$P/stream/1" >/dev/null; rc=$?
t_ok "curl without the CA refuses it" [ $rc -eq 60 ]

cat >"$T_TMP/oauth.py" <<'PY'
import json, sys, time, requests
from requests_oauthlib import OAuth1
port, ca, mode = sys.argv[1], sys.argv[2], sys.argv[3]
import email.utils
kw = {}
cs = "test-consumer-secret"
if mode == "wrong":
    cs = "not-the-secret"
if mode == "old":
    kw["timestamp"] = str(int(time.time()) - 600)
if mode == "replay":
    kw["timestamp"], kw["nonce"] = str(int(time.time())), "fixednonce42"
auth = OAuth1("test-consumer-key", cs, "test-token", "test-token-secret",
              **kw)
url = "https://127.0.0.1:%s/1.1/statuses/filter.json" % port
for i in range(2 if mode == "replay" else 1):
    r = requests.post(url, data={"track": "zig,rust lang",
                                 "stall_warnings": "true"},
                      auth=auth, stream=True, verify=ca, timeout=5)
d = r.headers.get("date")
print("status", r.status_code, "date" if d else "")
if d:
    print("skew %d" % (email.utils.parsedate_to_datetime(d).timestamp()
                       - time.time()))
if r.status_code != 200:
    print(r.text)
    sys.exit(0)
n = track = 0
for line in r.iter_lines():
    if line:
        m = json.loads(line)
        n += 1
        t = m.get("text", "")
        track += "zig" in t or "rust lang" in t
print("messages", n, "with track terms", track)
PY
out=$($PY "$T_TMP/oauth.py" "$P" "$C/ca.pem" right)
t_match "requests_oauthlib: signed filter request accepted" "$out" \
    '^status 200'
t_match "requests_oauthlib: reads the stream" "$out" '^messages 3 '
t_match "filter: tweets carry the track terms" "$out" \
    'with track terms [1-3]$'
out=$($PY "$T_TMP/oauth.py" "$P" "$C/ca.pem" wrong)
t_match "wrong signature: 401" "$out" '^status 401'
t_match "wrong signature: JSON error 32" "$out" '"code":32'
out=$($PY "$T_TMP/oauth.py" "$P" "$C/ca.pem" old)
t_match "old timestamp: 401 with Date" "$out" '^status 401 date'
t_match "old timestamp: error 135" "$out" '"code":135'
out=$($PY "$T_TMP/oauth.py" "$P" "$C/ca.pem" replay)
t_match "reused nonce: 401" "$out" '^status 401'
r=$(probe --cacert "$C/ca.pem" -X POST -d 'track=a' \
    "https://127.0.0.1:$P/1.1/statuses/filter.json")
t_match "unsigned filter request: 401" "$r" '"status": 401'

B='Authorization: Bearer test-bearer-token'
r=$(probe --cacert "$C/ca.pem" -H "$B" \
    "https://127.0.0.1:$P/2/tweets/sample/stream")
t_match "v2 sample stream with Bearer" "$r" '"nseqs": 3,'
t_match "v2 sample: no matching_rules" "$(probe --cacert "$C/ca.pem" \
    -H "$B" --raw "$T_TMP/raw" "https://127.0.0.1:$P/2/tweets/sample/stream" \
    >/dev/null; cat "$T_TMP/raw")" '^\{"data":\{"edit_history_tweet_ids"'
r=$(probe --cacert "$C/ca.pem" -H 'Authorization: Bearer nope' \
    "https://127.0.0.1:$P/2/tweets/search/stream")
t_match "v2 wrong Bearer: 401" "$r" '"status": 401'
RU="https://127.0.0.1:$P/2/tweets/search/stream/rules"
cu() { curl -s --cacert "$C/ca.pem" -H "$B" "$@"; }
out=$(cu -H 'Content-Type: application/json' \
    -d '{"add":[{"value":"sluice","tag":"t1"}]}' "$RU?dry_run=true")
t_match "rules: dry_run validates" "$out" '"created":1'
t_match "rules: dry_run adds nothing" "$(cu "$RU")" '"result_count":0'
out=$(cu -H 'Content-Type: application/json' \
    -d '{"add":[{"value":"sluice","tag":"t1"}]}' "$RU")
id=$(printf '%s' "$out" | sed -n 's/.*"id":"\([0-9]*\)".*/\1/p')
t_match "rules: add" "$(cu "$RU")" "\"id\":\"$id\",\"value\":\"sluice\""
out=$(cu "https://127.0.0.1:$P/2/tweets/search/stream")
t_match "search stream: matching_rules" "$out" \
    "\"matching_rules\":\\[\\{\"id\":\"$id\",\"tag\":\"t1\"\\}\\]"
t_match "search stream: text matches the rule" "$out" '"text":"[^"]*sluice'
out=$(cu -H 'Content-Type: application/json' \
    -d "{\"delete\":{\"ids\":[\"$id\"]}}" "$RU")
t_match "rules: delete" "$out" '"deleted":1'
r=$(probe --cacert "$C/ca.pem" -H "$B" \
    "https://127.0.0.1:$P/2/tweets/sample/stream?backfill_minutes=1")
t_match "backfill_minutes replays recent messages first" "$r" \
    '"first_seq": 1,'
r=$(probe --cacert "$C/ca.pem" -H "$B" \
    "https://127.0.0.1:$P/2/tweets/sample/stream?backfill_minutes=9")
t_match "backfill_minutes out of range: 400" "$r" '"status": 400'
kill "$PID"

start o --tls --cert "$C/server.pem" --key "$C/server.key" --clock-offset -600
out=$($PY "$T_TMP/oauth.py" "$P" "$C/ca.pem" right)
t_match "--clock-offset -600: a good request is 401 (135)" "$out" '"code":135'
t_match "--clock-offset -600: Date is 10 minutes behind" "$out" \
    '^skew -(59[0-9]|60[0-9])$'
kill "$PID"

# ---- gzip: the compressor and --gzip-fast ---------------------------------
for mode in "" --gzip-fast; do
	start g --no-auth --count 5 $mode
	r=$(probe --gzip "http://127.0.0.1:$P/stream/5")
	t_match "gzip$mode: /stream/5 whole, CRC ok" "$r" \
	    '"gzip": "ok".*"nseqs": 5, "increasing": true'
	r=$(probe --gzip --framing sse "http://127.0.0.1:$P/sse")
	t_match "gzip$mode: /sse whole, CRC ok" "$r" \
	    '"gzip": "ok".*"nseqs": 5, "increasing": true'
	r=$(probe --gzip -X POST -d 'track=a,b&delimited=length' \
	    --framing length "http://127.0.0.1:$P/1.1/statuses/filter.json")
	t_match "gzip$mode: delimited=length whole" "$r" \
	    '"gzip": "ok".*"partial": 0,.*"nseqs": 5, "increasing": true'
	r=$(probe --gzip -X POST -d 'track=a,b' \
	    "http://127.0.0.1:$P/1.1/statuses/filter.json")
	t_match "gzip$mode: filter whole" "$r" \
	    '"gzip": "ok".*"partial": 0,.*"nseqs": 5, "increasing": true'
	kill "$PID"
done

# ---- the send log gives exact expectations across reconnects -------------
start l --no-auth --count 6 --fault 1:rst=msg,after=3 \
    --fault 2:oversize=70000,after=1 --fault 3:badjson,after=2 \
    --fault 4:disconnect=4,after=2
: >"$T_TMP/got"
for i in 1 2 3 4 5; do
	curl -s -d track=a "http://127.0.0.1:$P/1.1/statuses/filter.json" |
	    $PY -c 'import json, sys
for ln in sys.stdin.buffer:
    try:
        m = json.loads(ln)
    except ValueError:
        continue
    if len(ln) < 65536 and "sluice_seq" in m and "limit" not in m:
        sys.stdout.buffer.write(ln)' >>"$T_TMP/got"
done
out=$($PY test/streamd_log.py "$T_TMP/l.log" check "$T_TMP/got")
t_match "streamd_log.py check: exactly the sent messages" "$out" \
    '^ok [12][0-9] messages$'
sed 7d "$T_TMP/got" >"$T_TMP/lost"
out=$($PY test/streamd_log.py "$T_TMP/l.log" check "$T_TMP/lost")
t_match "streamd_log.py check: finds a lost message" "$out" '^message 6: '
head -n 8 "$T_TMP/got" >"$T_TMP/part"
out=$($PY test/streamd_log.py "$T_TMP/l.log" check "$T_TMP/part")
t_match "streamd_log.py check: a short output fails" "$out" '^missing '
out=$($PY test/streamd_log.py "$T_TMP/l.log" check "$T_TMP/part" \
    --partial-last)
t_match "streamd_log.py check --partial-last: only for the last stream" \
    "$out" '^missing '
t_match "streamd_log.py streams" \
    "$($PY test/streamd_log.py "$T_TMP/l.log" streams)" \
    '^1 /1.1/statuses/filter.json 200 3 [0-9]+ fault:rst=msg$'
kill "$PID"

# ---- faults, as a raw client sees them ------------------------------------
start f --no-auth --count 4 --keepalive 0 --fault 1:status=503
U="http://127.0.0.1:$P/stream/4"
r=$(probe "$U")
t_match "fault by option: 1:status=503" "$r" '"status": 503'
t_match "503 has a JSON error body" "$r" '"body": "\{\\"errors\\"'
for code in 401 403 406 413 420 500; do
	fault "status=$code"
	t_match "fault status=$code" "$(probe "$U")" "\"status\": $code"
done
fault "status=429,retry-after=7"
t_match "fault 429 with Retry-After" "$(probe "$U")" '"retry-after": "7"'
fault "status=429,reset-in=60"
t_match "fault 429 with x-rate-limit-reset" "$(probe "$U")" \
    '"x-rate-limit-reset": "[0-9]{10}"'
r=$(probe -X POST -d 'track=a&delimited=length' --framing length \
    "http://127.0.0.1:$P/1.1/statuses/filter.json")
t_match "delimited=length framing" "$r" '"nseqs": 4, "increasing": true'
t_match "delimited=length: nothing left over" "$r" '"partial": 0,'
r=$(probe -X POST -d 'delimited=length' \
    "http://127.0.0.1:$P/1.1/statuses/filter.json")
t_match "filter without predicates: 406" "$r" '"status": 406'

fault "rst=msg,after=2"
r=$(probe "$U")
t_match "rst=msg: reset" "$r" '"end": "reset"'
t_match "rst=msg: 2 whole messages, one cut" "$r" \
    '"partial": [1-9][0-9]*, "messages": 2,'
t_match "rst=msg: log has 2 sent and the cut one" \
    "$(closelog f "$(sn "$r")")" \
    '"n":2,"cut":[0-9]+,.*"end":"fault:rst=msg"'
fault "close=msg,after=1"
r=$(probe "$U")
t_match "close=msg: FIN mid-message" "$r" \
    '"end": "eof".*"chunk_error": "truncated chunk data".*"messages": 1,'
fault "close=chunk-header,after=1"
t_match "close=chunk-header" "$(probe "$U")" \
    '"end": "eof".*"truncated chunk-size line"'
fault "rst=chunk-header,after=1"
t_match "rst=chunk-header" "$(probe "$U")" \
    '"end": "reset".*"truncated chunk-size line"'
fault "reset-after-msgs=3"
t_match "reset-after-msgs=3" "$(probe "$U")" \
    '"end": "reset".*"partial": 0, "messages": 3,'
fault "close=gzip-header"
t_match "close=gzip-header" "$(probe --gzip "$U")" \
    '"gzip": "incomplete header"'
fault "rst=msg,after=1"
t_match "rst mid gzip stream" "$(probe --gzip "$U")" \
    '"end": "reset".*"gzip": "incomplete".*"messages": 1,'
fault "close=gzip-trailer,after=2"
t_match "close=gzip-trailer" "$(probe --gzip "$U")" \
    '"gzip": "incomplete trailer".*"messages": 2,'
fault "badcrc,after=2"
t_match "badcrc: wrong gzip CRC" "$(probe --gzip "$U")" \
    '"last_chunk": true.*"gzip": "crc mismatch".*"messages": 2,'
fault "badsize,after=1"
t_match "badsize: wrong gzip ISIZE" "$(probe --gzip "$U")" \
    '"gzip": "isize mismatch"'
fault "garbage-raw=16,after=1"
t_match "garbage-raw inside a gzip chunk" "$(probe --gzip "$U")" \
    '"gzip": "inflate: '
fault "garbage=16,after=1"
t_match "garbage line" "$(probe "$U")" '"nseqs": 4.*"bad_json": 1,'
fault "badjson,after=1"
r=$(probe "$U")
t_match "badjson" "$r" '"nseqs": 3.*"bad_json": 1,'
t_match "badjson: logged apart" "$(closelog f "$(sn "$r")")" \
    '"n":3,"cut":null,.*"oversize":\[\],"badjson":\[[0-9]+\]'
fault "oversize=100000,after=1"
r=$(probe "$U")
t_match "oversize message" "$r" '"largest": (99|100)[0-9]{3}'
t_match "oversize: logged apart" "$(closelog f "$(sn "$r")")" \
    '"oversize":\[[0-9]+\]'
fault "chunk-overflow,after=1"
t_match "chunk-overflow" "$(probe "$U")" \
    '"chunk_error": "bad chunk size b.10000000000000000000.".*"messages": 1'
fault "chunk-badhex,after=1"
t_match "chunk-badhex" "$(probe "$U")" '"chunk_error": "bad chunk size'
fault "disconnect=7,after=2"
r=$(probe "$U")
t_match "disconnect message then close" "$r" \
    '"last_chunk": true.*"control": \["disconnect"\], "messages": 3,'
t_match "disconnect: logged" "$(closelog f "$(sn "$r")")" \
    '"control":\["disconnect=7"\],"end":"fault:disconnect=7"'
fault "inject=warning,after=1"
t_match "inject=warning" "$(probe "$U")" '"control": \["warning"\]'
fault "stall=1,after=1"
t_match "stall=1: one silent second" "$(probe "$U")" \
    '"max_gap": (0\.9|1\.)[0-9]*,.*"nseqs": 4'
fault "stall=30,after=1"
r=$(probe --timeout 0.5 "$U")
t_match "stall: a client that leaves is noticed at once" \
    "$(closelog f "$(sn "$r")")" '"n":1,.*"end":"client-gone"'
fault "stall-ka=1,ka=0.2,after=1"
t_match "stall-ka: only keep-alives" "$(probe "$U")" \
    '"max_gap": 0\.[0-3][0-9]*,.*"keepalives": [3-6],'
fault "delay-head=1"
t_match "delay-head=1" "$(probe "$U")" '"first_byte": 1\.'
fault "trickle=2"
t_match "trickle=2: one byte per read" "$(probe --max-bytes 150 "$U")" \
    '"end": "max-bytes", "wire": 150, "reads": 1[45][0-9],'
fault "drop"
t_match "drop: closed at accept" "$(probe "$U")" \
    '"end": "(eof|reset)", "wire": 0,'
# kick: a disconnect order to every active stream, through the control API
fault "rate=20"
(probe --timeout 5 "http://127.0.0.1:$P/stream/0" >"$T_TMP/kick" 2>&1) &
sleep 0.3
curl -s -X POST "http://127.0.0.1:$P/_control/kick?fault=disconnect=12" \
    >/dev/null
wait $!
t_match "control kick: disconnect=12 to an active stream" \
    "$(cat "$T_TMP/kick")" '"control": \["disconnect"\]'
out=$(curl -s "http://127.0.0.1:$P/_control/stats")
t_match "control stats" "$out" '"streams":3[0-9],"seq":[0-9]+,"active":0'
kill "$PID"
t_done
