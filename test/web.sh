#!/bin/sh
# web view end to end: test/webdrv (web.c in its own poll loop, publishing
# synthetic messages) against Python stdlib SSE and WebSocket clients and
# headless Chromium.  MIT licensed, see LICENSE.
. test/lib.sh

PY=/usr/bin/python3
WC=test/webclient.py

# start_drv NAME ARGS...: starts test/webdrv, sets DRV_PID and DRV_PORT.
start_drv() {
	name=$1
	shift
	: >"$T_TMP/$name.out"
	./test/webdrv "$@" >"$T_TMP/$name.out" 2>"$T_TMP/$name.err" &
	DRV_PID=$!
	T_PIDS="$T_PIDS $DRV_PID"
	i=0
	DRV_PORT=
	while [ $i -lt 50 ] && [ -z "$DRV_PORT" ]; do
		DRV_PORT=$(awk '/^port /{print $2}' "$T_TMP/$name.out")
		[ -n "$DRV_PORT" ] || sleep 0.1
		i=$((i + 1))
	done
	[ -n "$DRV_PORT" ] && t_wait_port "$DRV_PORT"
}

stop_drv() {
	kill "$DRV_PID" 2>/dev/null
	wait "$DRV_PID" 2>/dev/null
}


TOKEN=t0ken-$$
start_drv a -t "$TOKEN" -r 200 -T 120
t_ok "driver listens" [ -n "$DRV_PORT" ]
t_run_ok "ws and sse carry the same messages in order" \
    $PY $WC order "$DRV_PORT"
t_run_ok "sse reconnect with Last-Event-ID has no gaps" \
    $PY $WC resume "$DRV_PORT"
t_run_ok "track: 403 without the token, 200 with it" $PY $WC track "$DRV_PORT" \
    "$TOKEN"
sleep 0.2
t_match "track reached the engine callback" "$(cat "$T_TMP/a.out")" \
    '^track rust,zig$'
code=$(curl -s -o /dev/null -w '%{http_code}' \
    "http://127.0.0.1:$DRV_PORT/coast.bin")
t_ok "coastline served" [ "$code" = 200 ]
stop_drv

# no token configured: /track is disabled
start_drv b -r 10 -T 30
code=$(curl -s -o /dev/null -w '%{http_code}' -X POST -d x \
    -H 'Authorization: Bearer ' "http://127.0.0.1:$DRV_PORT/track")
t_ok "track disabled without a token: 404" [ "$code" = 404 ]
stop_drv

# 50 readers and one that never reads
TOTAL=8000
start_drv c -r 4000 -n $TOTAL -w 51 -T 120
storage=$(awk '/^storage /{print $2}' "$T_TMP/c.out")
base=$(awk '/^VmHWM:/{print $2}' "/proc/$DRV_PID/status")
out=$(WEB_TOTAL=$TOTAL $PY $WC fanout "$DRV_PORT" "$DRV_PID" 50 2>&1); rc=$?
t_match "50 sse readers complete, stalled client dropped" "$out" '^ok: '
[ $rc -eq 0 ] || T_FAILED=1
hwm=$(printf '%s\n' "$out" | awk '/^hwm /{print $2}')
# the bound: the process at start (its web storage allocated, not yet
# touched) plus all of that storage touched, and 256 kB for the rest
t_ok "driver memory within its fixed bound (${hwm:-?} kB <= ${base:-?} \
at start + $((storage / 1024)) storage + 256)" \
    [ "${hwm:-999999999}" -le $((${base:-0} + storage / 1024 + 256)) ]
stop_drv

# sluice itself capturing (test/webreaders is the upstream, paced at 8 MB/s,
# and the viewers): 50 SSE viewers that read and one that never does.
# Every reader gets every event, 1..N in order (N = messages sluice
# wrote); the stalled one is dropped; sluice's peak RSS stays within the
# same run without viewers plus the web storage --version states for 64
# clients (64 x 8328 + 557056 bytes = 1065 kB).
$PY test/corpus.py -n 3000 -s 11 > "$T_TMP/cap.ndjson"
# cap NAME VIEWERS STALLED [OPTIONS]: one capture; sets CAP_HWM,
# CAP_WRITTEN, CAP_OUT
cap() {
	W=$(t_free_port)
	./test/webreaders -p "$W" -f "$T_TMP/cap.ndjson" -n "$2" -s "$3" \
	    -r 8000000 -T 60 >"$T_TMP/$1.wr" 2>&1 &
	wr=$!
	T_PIDS="$T_PIDS $wr"
	i=0
	while ! grep -q '^upstream ' "$T_TMP/$1.wr" && [ $i -lt 100 ]; do
		sleep 0.05; i=$((i + 1))
	done
	U=$(awk '/^upstream /{print $2}' "$T_TMP/$1.wr")
	# shellcheck disable=SC2086 # $4: more options, split on purpose
	./sluice -q --stats-json "$T_TMP/$1.json" -o /dev/null \
	    --serve "127.0.0.1:$W" --serve-clients 64 $4 \
	    "http://127.0.0.1:$U/stream" 2>"$T_TMP/$1.err" &
	sp=$!
	T_PIDS="$T_PIDS $sp"
	# VmHWM only grows: its last reading before the exit is the peak
	# (the capture is over by then; nothing is allocated at the end)
	CAP_HWM=0
	while h=$(awk '/^VmHWM:/{print $2}' "/proc/$sp/status" 2>/dev/null) &&
	    [ -n "$h" ]; do
		[ "$h" -gt "$CAP_HWM" ] && CAP_HWM=$h
		sleep 0.02
	done
	wait "$sp"
	wait "$wr"
	CAP_OUT=$(cat "$T_TMP/$1.wr")
	CAP_WRITTEN=$(sed -n 's/.*"written":\([0-9]*\).*/\1/p' "$T_TMP/$1.json")
}
cap cap0 0 0
hwm0=$CAP_HWM
cap cap50 50 1
t_ok "sluice captured the corpus (${CAP_WRITTEN:-?} messages)" \
    [ "${CAP_WRITTEN:-0}" -gt 2000 ]
t_match "50 viewers got every event 1..N in order while sluice captured" \
    "$CAP_OUT" "^viewers 50 ok 50 events $CAP_WRITTEN\.\.$CAP_WRITTEN first 1\$"
t_match "the stalled viewer was dropped, the 50 readers were not" \
    "$CAP_OUT" '^web published [0-9]* skipped 0 dropped_slow 1 sse 50$'
t_ok "sluice VmHWM ${CAP_HWM:-?} kB <= ${hwm0:-?} kB (no viewer) + 1065 kB" \
    [ "${CAP_HWM:-999999}" -le $((${hwm0:-0} + 1065)) ]

# --serve-rate: the feed takes at most N events/s (a one-second bucket),
# the rest are counted, and what is published still reaches every viewer
# numbered 1..P without a gap.  The capture (~1.5 s at 8 MB/s) runs well
# above 500 messages/s.
cap caprate 50 0 "--serve-rate 500"
# the final counters (--stats-json): /stats, read by the upstream right
# after its last byte, may be a few messages behind
pub=$(sed -n 's/.*"web":{"published":\([0-9]*\).*/\1/p' "$T_TMP/caprate.json")
skip=$(sed -n 's/.*"web":{.*"skipped":\([0-9]*\).*/\1/p' "$T_TMP/caprate.json")
secs=$(printf '%s\n' "$CAP_OUT" | sed -n 's/^capture_s \([0-9]*\)\..*/\1/p')
t_ok "--serve-rate 500: published ${pub:-?} + skipped ${skip:-?} = written \
${CAP_WRITTEN:-?}" [ $((${pub:-0} + ${skip:-0})) -eq "${CAP_WRITTEN:-x}" ]
t_ok "--serve-rate 500: ${pub:-?} published in ${secs:-?}+ s, within \
500/s + a second's burst, and some skipped" \
    [ "${pub:-0}" -gt 0 ] && [ "${skip:-0}" -gt 0 ] &&
    [ "${pub:-999999}" -le $((500 * (${secs:-0} + 3))) ]
t_match "--serve-rate 500: 50 viewers got events 1..${pub:-?} in order" \
    "$CAP_OUT" "^viewers 50 ok 50 events $pub\.\.$pub first 1\$"

# the page in a real browser
mkdir -p test/out
start_drv d -t "$TOKEN" -r 12 -T 120
t_run_ok "chromium shows messages, map points, counters, text not markup" \
    $PY $WC browser "$DRV_PORT" test/out/web.png
t_run_ok "chromium over WebSocket too" $PY $WC browser "$DRV_PORT" - "#ws"
stop_drv
t_done
