#!/bin/sh
# sluice --serve end to end: capturing from test/streamd (plain HTTP) with
# the live view: /stats counters advance, /events carries the messages,
# /track (403 without the token; with it the next upstream connection asks
# for the new terms, per streamd's log), --only geo, headless Chromium
# shows messages and map points, and "sluice serve --from-redis" shows
# what another sluice publishes.  MIT licensed, see LICENSE.
. test/lib.sh

PY=/usr/bin/python3
WC=test/webclient.py
SLUICE_CONSUMER_KEY=k SLUICE_CONSUMER_SECRET=s SLUICE_TOKEN=t
SLUICE_TOKEN_SECRET=ts
export SLUICE_CONSUMER_KEY SLUICE_CONSUMER_SECRET SLUICE_TOKEN \
    SLUICE_TOKEN_SECRET

# sluice_start NAME ARGS...: sluice in the background; sets SL_PID.
sluice_start() {
	lname=$1
	shift
	./sluice "$@" >"$T_TMP/$lname.out" 2>"$T_TMP/$lname.err" &
	SL_PID=$!
	T_PIDS="$T_PIDS $SL_PID"
}

stop() {
	kill "$1" 2>/dev/null
	wait "$1" 2>/dev/null
}


# field JSON NAME: a top-level integer member of JSON.
field() {
	printf '%s\n' "$1" | sed -n "s/.*\"$2\":\([0-9]*\).*/\1/p"
}

TOKEN=tok-$$
W=$(t_free_port)
t_streamd_start a --rate 40
sluice_start a --api-base "$API" twitter:filter --track sluice \
    --serve "127.0.0.1:$W" --serve-token "$TOKEN" -o "$T_TMP/a.ndjson" \
    --max-time 50
t_wait_port "$W"
sleep 1.2
s1=$(curl -s "http://127.0.0.1:$W/stats")
sleep 2.2
s2=$(curl -s "http://127.0.0.1:$W/stats")
w1=$(field "$s1" written)
w2=$(field "$s2" written)
t_ok "stats: written advances ($w1 -> $w2)" \
    [ "${w2:-0}" -gt "${w1:-0}" -a "${w1:-0}" -gt 0 ]
t_match "stats: web counters included" "$s2" '"web":\{"published":'
curl -sN --max-time 2 "http://127.0.0.1:$W/events" >"$T_TMP/ev" 2>/dev/null
n=$(grep -c '^data: {"n":' "$T_TMP/ev")
t_ok "events: messages delivered ($n in 2 s)" [ "$n" -ge 20 ]
t_match "events: id, user, text, time from the tweet" "$(cat "$T_TMP/ev")" \
    '^data: \{"n":[0-9]+,"id":"15[0-9]+","user":"[^"]+","text":"[^"]*","time":"[A-Z][a-z][a-z] '
t_match "events: geotagged messages carry lon/lat" "$(cat "$T_TMP/ev")" \
    '"lon":-?[0-9.]+,"lat":-?[0-9.]+\}$'
t_match "events: stats events" "$(cat "$T_TMP/ev")" '^event: stats'

# /track: 403 without the token, 200 with it; the next connection asks
# streamd for the new terms.
code=$(curl -s -o /dev/null -w '%{http_code}' -X POST -d 'track=rust,zig' \
    "http://127.0.0.1:$W/track")
t_ok "track: 403 without the token ($code)" [ "$code" = 403 ]
code=$(curl -s -o /dev/null -w '%{http_code}' -X POST \
    -H "Authorization: Bearer wrong" -d 'track=rust,zig' \
    "http://127.0.0.1:$W/track")
t_ok "track: 403 with a wrong token ($code)" [ "$code" = 403 ]
code=$(curl -s -o /dev/null -w '%{http_code}' -X POST \
    -H "Authorization: Bearer $TOKEN" -d 'track=rust,zig' \
    "http://127.0.0.1:$W/track")
t_ok "track: 200 with the token ($code)" [ "$code" = 200 ]
sleep 1.5
tracks=$($PY -c '
import json, sys
for ln in open(sys.argv[1]):
    o = json.loads(ln)
    if o.get("ev") == "open":
        print(o["stream"], ",".join(o.get("track", [])))
' "$SD_LOG")
t_match "track: first connection asked for sluice" "$tracks" '^1 sluice$'
t_match "track: the next connection asks for rust,zig" "$tracks" '^2 rust,zig$'
s3=$(curl -s "http://127.0.0.1:$W/stats")
t_ok "track: counted as one reconnect" [ "$(field "$s3" reconnects)" = 1 ]
curl -sN --max-time 1.5 "http://127.0.0.1:$W/events" >"$T_TMP/ev2" \
    2>/dev/null
t_match "track: new messages carry the new terms" "$(cat "$T_TMP/ev2")" \
    '"text":"[^"]*(rust|zig)'

# the page in a real browser
mkdir -p test/out
t_run_ok "chromium shows messages, map points and counters from streamd" \
    env WEB_NO_INJECT=1 $PY $WC browser "$W" test/out/e2e_web.png
stop "$SL_PID"
t_ok "capture went on to the file meanwhile" \
    [ "$(wc -l <"$T_TMP/a.ndjson")" -gt 50 ]

# --only geo: the feed holds only geotagged messages
W=$(t_free_port)
sluice_start g --api-base "$API" twitter:filter --track geo --only geo \
    --serve "127.0.0.1:$W" -o /dev/null --max-time 20
t_wait_port "$W"
curl -sN --max-time 2.5 "http://127.0.0.1:$W/events" >"$T_TMP/geo" \
    2>/dev/null
all=$(grep -c '^data: {"n":' "$T_TMP/geo")
geo=$(grep -c '^data: {"n":.*"lat":' "$T_TMP/geo")
t_ok "only geo: every event has coordinates ($geo of $all)" \
    [ "$all" -gt 0 -a "$all" = "$geo" ]
stop "$SL_PID"
stop "$SD_PID"

# ---- sluice serve --from-redis: the page fed by another sluice's channel
if ! command -v redis-server >/dev/null 2>&1; then
	t_skip from-redis "redis-server not installed"
	t_done
fi
P=$(t_free_port)
mkdir -p "$T_TMP/redis"
redis-server --port "$P" --bind 127.0.0.1 --save '' --appendonly no \
    --dir "$T_TMP/redis" >"$T_TMP/redis.log" 2>&1 &
RP=$!
T_PIDS="$T_PIDS $RP"
t_wait_port "$P"
W=$(t_free_port)
sluice_start view serve --from-redis "redis://127.0.0.1:$P/tweets" \
    --serve "127.0.0.1:$W"
VIEW=$SL_PID
t_wait_port "$W"
i=0
while [ "$(redis-cli -p "$P" PUBSUB NUMSUB tweets | tail -n 1)" != 1 ] &&
    [ $i -lt 50 ]; do
	sleep 0.1; i=$((i + 1))
done
curl -sN --max-time 5 "http://127.0.0.1:$W/events" >"$T_TMP/rev" \
    2>/dev/null &
CURL=$!
sleep 0.3
t_streamd_start b
./sluice -q --api-base "$API" twitter:filter --track redis \
    --redis "redis://127.0.0.1:$P" --redis-publish tweets -n 300 \
    2>/dev/null
rc=$?
t_ok "from-redis: the producer exits 0" [ $rc -eq 0 ]
wait "$CURL"
n=$(grep -c '^data: {"n":' "$T_TMP/rev")
t_ok "from-redis: the view got all 300 messages ($n)" [ "$n" = 300 ]
$PY test/streamd_log.py "$SD_LOG" seqs | head -n 300 |
    $PY -c 'import sys; [print(1500000000000000000 + int(l)) for l in sys.stdin]' \
    >"$T_TMP/rwant"
sed -n 's/^data: {"n":[0-9]*,"id":"\([0-9]*\)".*/\1/p' "$T_TMP/rev" \
    >"$T_TMP/rgot"
same_order() {
	[ -s "$T_TMP/rwant" ] && cmp -s "$T_TMP/rgot" "$T_TMP/rwant"
}
t_ok "from-redis: in the order streamd sent them" same_order
s=$(curl -s "http://127.0.0.1:$W/stats")
t_ok "from-redis: /stats counts them" [ "$(field "$s" received)" = 300 ]
# a producer running while a browser watches the view, at a pace a
# browser keeps up with (an unthrottled feed overruns the viewer's send
# buffer, and the view then drops it on purpose)
t_streamd_start c --rate 300
./sluice -q --api-base "$API" twitter:filter --track redis \
    --redis "redis://127.0.0.1:$P" --redis-publish tweets --max-time 40 \
    2>/dev/null &
PROD=$!
T_PIDS="$T_PIDS $PROD"
t_run_ok "chromium shows what another sluice publishes (serve --from-redis)" \
    env WEB_NO_INJECT=1 $PY $WC browser "$W" test/out/e2e_web_redis.png
stop "$PROD"
stop "$VIEW"
t_ok "from-redis: the view exits 0 on SIGTERM" [ $? -eq 0 ]
stop "$SD_PID"
stop "$RP"
t_done
