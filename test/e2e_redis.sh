#!/bin/sh
# sluice end to end into a real redis-server: capturing from test/streamd
# (plain HTTP) with --redis-list / --redis-publish / --redis-xadd, the
# counter, Redis killed mid-run and restarted (block: no loss), drop (exact
# count), the switch (exit 0 within about 1 s; --switch-pause), an error
# reply (exit 3).  MIT licensed, see LICENSE.
. test/lib.sh

PY=/usr/bin/python3
LOG=test/streamd_log.py
if ! command -v redis-server >/dev/null 2>&1; then
	t_skip all "redis-server not installed (test/deps.sh test)"
	t_done
fi
SLUICE_CONSUMER_KEY=k SLUICE_CONSUMER_SECRET=s SLUICE_TOKEN=t
SLUICE_TOKEN_SECRET=ts
export SLUICE_CONSUMER_KEY SLUICE_CONSUMER_SECRET SLUICE_TOKEN \
    SLUICE_TOKEN_SECRET

# streamd_start NAME [ARGS...]: t_streamd_start, identity coding.
streamd_start() {
	sname=$1
	shift
	t_streamd_start "$sname" --gzip never "$@"
}

streamd_stop() {
	kill "$SD_PID" 2>/dev/null
	wait "$SD_PID" 2>/dev/null
}

# redis_start NAME PORT [ARGS...]: starts redis-server, sets REDIS_PID.
redis_start() {
	rname=$1
	rport=$2
	shift 2
	mkdir -p "$T_TMP/$rname"
	redis-server --port "$rport" --bind 127.0.0.1 --save '' \
	    --appendonly no --daemonize no --dir "$T_TMP/$rname" "$@" \
	    >>"$T_TMP/$rname.log" 2>&1 &
	REDIS_PID=$!
	T_PIDS="$T_PIDS $REDIS_PID"
	t_wait_port "$rport" || { echo "redis did not start"; \
	    cat "$T_TMP/$rname.log"; }
}

redis_stop() {
	kill "$REDIS_PID" 2>/dev/null
	wait "$REDIS_PID" 2>/dev/null
}

# useqs FILE: the distinct sluice_seq numbers in FILE, sorted.
useqs() {
	sed -n 's/.*"sluice_seq":\([0-9]*\).*/\1/p' "$1" | sort -n | uniq
}

# ---- usage errors are exit 2
usage() {
	./sluice "$@" http://127.0.0.1:1/ >/dev/null 2>&1
	[ $? -eq 2 ]
}
t_ok "usage: --redis without a mode" usage --redis redis://127.0.0.1:1
t_ok "usage: a mode without --redis" usage --redis-list q
t_ok "usage: two modes" usage --redis redis://h --redis-list a \
    --redis-publish b
t_ok "usage: --on-full bad" usage --redis redis://h --redis-list a \
    --on-full maybe
t_ok "usage: bad Redis URL" usage --redis http://h --redis-list a
t_ok "usage: --redis-counter alone" usage --redis-counter c
t_ok "usage: --serve bad" usage --serve 1.2.3.4:notaport
t_ok "usage: --serve-token without --serve" usage --serve-token t
t_ok "usage: --from-redis outside serve" usage --from-redis redis://h/c
./sluice serve --serve 0 >/dev/null 2>&1
t_ok "usage: serve without --from-redis" [ $? -eq 2 ]
./sluice serve --from-redis redis://h --serve 0 >/dev/null 2>&1
t_ok "usage: serve with a URL without a channel" [ $? -eq 2 ]

S="./sluice -q --api-base"
P=$(t_free_port)
redis_start main "$P"
R="redis-cli -p $P"
U="redis://127.0.0.1:$P"

# ---- list + counter: -n N ends with exactly N, counter N, in order
streamd_start list
$S "$API" twitter:filter --track rust --redis "$U" --redis-list q \
    --redis-counter cnt -n 3000 >"$T_TMP/list.stdout" 2>"$T_TMP/list.err"
rc=$?
t_ok "list: exit 0" [ $rc -eq 0 ]
t_ok "list: LLEN 3000" [ "$($R LLEN q)" = 3000 ]
t_ok "list: counter 3000" [ "$($R GET cnt)" = 3000 ]
t_ok "list: nothing on standard output" [ ! -s "$T_TMP/list.stdout" ]
$R --raw LRANGE q 0 -1 >"$T_TMP/q"
out=$($PY $LOG "$SD_LOG" check "$T_TMP/q" --partial-last 2>&1)
t_match "list: the messages streamd sent, in order" "$out" '^ok'
streamd_stop

# ---- -o FILE too: the same messages in the file and in Redis
streamd_start both
$S "$API" twitter:filter --track rust --redis "$U" --redis-list q2 \
    -o "$T_TMP/both.out" -n 500 2>/dev/null
t_ok "list + -o: LLEN 500 and 500 lines" \
    [ "$($R LLEN q2)" = 500 -a "$(wc -l <"$T_TMP/both.out")" -eq 500 ]
$R --raw LRANGE q2 0 -1 | cmp -s - "$T_TMP/both.out"
t_ok "list + -o: identical" [ $? -eq 0 ]
streamd_stop

# ---- publish: a subscriber gets every message in order
streamd_start pub
redis-cli -p "$P" --raw SUBSCRIBE ch >"$T_TMP/sub" 2>&1 &
SUB=$!
T_PIDS="$T_PIDS $SUB"
i=0
while [ "$($R PUBSUB NUMSUB ch | tail -n 1)" != 1 ] && [ $i -lt 50 ]; do
	sleep 0.1; i=$((i + 1))
done
$S "$API" twitter:filter --track rust --redis "$U" --redis-publish ch \
    -n 2000 2>/dev/null
rc=$?
i=0
while [ "$(grep -c sluice_seq "$T_TMP/sub")" -lt 2000 ] && [ $i -lt 50 ]; do
	sleep 0.1; i=$((i + 1))
done
kill "$SUB" 2>/dev/null
t_ok "publish: exit 0" [ $rc -eq 0 ]
out=$($PY $LOG "$SD_LOG" check "$T_TMP/sub" --partial-last 2>&1)
t_match "publish: subscriber got all 2000 in order" "$out" '^ok 2000'
streamd_stop

# ---- xadd + counter
streamd_start xadd
$S "$API" twitter:filter --track rust --redis "$U" --redis-xadd st \
    --redis-counter xc -n 700 2>/dev/null
rc=$?
t_ok "xadd: exit 0" [ $rc -eq 0 ]
t_ok "xadd: XLEN 700, counter 700" \
    [ "$($R XLEN st)" = 700 -a "$($R GET xc)" = 700 ]
streamd_stop

# ---- an error reply is exit 3
streamd_start err
$R SET notalist x >/dev/null
out=$($S "$API" twitter:filter --track rust --redis "$U" \
    --redis-list notalist -n 10 2>&1); rc=$?
t_ok "error reply: exit 3 ($rc)" [ $rc -eq 3 ]
t_match "error reply: says WRONGTYPE" "$out" 'WRONGTYPE'
streamd_stop

# ---- the switch: "off" ends the run within about 1 s, exit 0
streamd_start sw --rate 500
$R SET sw on >/dev/null
$S "$API" twitter:filter --track rust --redis "$U" --redis-list swq \
    --redis-switch sw 2>"$T_TMP/sw.err" &
D=$!
sleep 1.5
t1=$(date +%s%N)
$R SET sw off >/dev/null
t_wait_exit "$D" 150
t2=$(date +%s%N)
wait "$D"; rc=$?
ms=$(( (t2 - t1) / 1000000 ))
echo "switch: sluice ended ${ms} ms after SET off"
t_ok "switch: exit 0" [ $rc -eq 0 ]
t_ok "switch: ended within 1.5 s (${ms} ms; GET once a second)" \
    [ "$ms" -le 1500 ]
n=$($R LLEN swq)
t_ok "switch: what was read is in Redis ($n)" [ "$n" -gt 0 ]
$R --raw LRANGE swq 0 -1 >"$T_TMP/swq"
out=$($PY $LOG "$SD_LOG" check "$T_TMP/swq" --partial-last 2>&1)
t_match "switch: in order, no gap" "$out" '^ok'
streamd_stop

# ---- --switch-pause: off pauses, on resumes
streamd_start swp --rate 500
$R SET swp off >/dev/null
$S "$API" twitter:filter --track rust --redis "$U" --redis-list pq \
    --redis-switch swp --switch-pause -n 300 2>"$T_TMP/swp.err" &
D=$!
sleep 1.5
a=$($R LLEN pq)
$R SET swp on >/dev/null
wait "$D"; rc=$?
t_ok "switch-pause: nothing while off ($a)" [ "$a" = 0 ]
t_ok "switch-pause: on resumes, exit 0, LLEN 300" \
    [ $rc -eq 0 -a "$($R LLEN pq)" = 300 ]
streamd_stop
redis_stop

# ---- Redis killed mid-run for longer than --stall and restarted: block
# loses nothing and does not reconnect upstream
P=$(t_free_port)
AOF="--appendonly yes --appendfsync always"
redis_start kill "$P" $AOF
streamd_start kill --rate 3000
./sluice -v --api-base "$API" twitter:filter --track rust \
    --redis "redis://127.0.0.1:$P" --redis-list kq --redis-counter kc \
    --redis-backlog 65536 -n 6000 --stall 1 >/dev/null 2>"$T_TMP/kill.err" &
D=$!
sleep 0.7
kill -9 "$REDIS_PID"; wait "$REDIS_PID" 2>/dev/null
sleep 2.5	# longer than --stall: a paused stream is not stalled
redis_start kill "$P" $AOF
wait "$D"; rc=$?
t_ok "kill: exit 0" [ $rc -eq 0 ]
[ $rc -eq 0 ] || tail -n 15 "$T_TMP/kill.err" | sed 's/^/    /'
redis-cli -p "$P" --raw LRANGE kq 0 -1 >"$T_TMP/kq"
useqs "$T_TMP/kq" >"$T_TMP/kq.uniq"
$PY $LOG "$SD_LOG" seqs | head -n 6000 | sort -n >"$T_TMP/kq.want"
t_ok "kill: the first 6000 sent are all in Redis, none lost" \
    cmp -s "$T_TMP/kq.uniq" "$T_TMP/kq.want"
len=$(redis-cli -p "$P" LLEN kq)
echo "kill: LLEN $len ($((len - 6000)) repeated: replies lost with the" \
    "connection)"
t_ok "kill: counter == LLEN" [ "$(redis-cli -p "$P" GET kc)" = "$len" ]
kerr=$(cat "$T_TMP/kill.err")
t_match "kill: Redis reconnected" "$kerr" 'redis: reconnected'
t_match "kill: upstream paused (backlog full)" "$kerr" 'redis: backlog'
t_match "kill: the stream was paused, not stalled" "$kerr" 'reconnects=0'
no_stall() {
	! grep -q 'stalled' "$T_TMP/kill.err"
}
t_ok "kill: no stall reported upstream" no_stall
streamd_stop
redis_stop

# ---- Redis down at the start, drop: the drop count is exact
P=$(t_free_port)
streamd_start drop
./sluice --api-base "$API" twitter:filter --track rust \
    --redis "redis://127.0.0.1:$P" --redis-list dq --on-full drop \
    --redis-backlog 65536 -n 3000 >/dev/null 2>"$T_TMP/drop.err" &
D=$!
sleep 0.5
redis_start drop "$P"
wait "$D"; rc=$?
dropped=$(sed -n 's/.*acknowledged, \([0-9]*\) dropped.*/\1/p' \
    "$T_TMP/drop.err")
len=$(redis-cli -p "$P" LLEN dq)
echo "drop: dropped $dropped, LLEN $len"
t_ok "drop: exit 0" [ $rc -eq 0 ]
t_ok "drop: some dropped" [ "${dropped:-0}" -gt 0 ]
t_ok "drop: LLEN + dropped == 3000" [ $((len + ${dropped:-0})) -eq 3000 ]
streamd_stop
redis_stop
t_done
