#!/bin/sh
# Redis sink tests against a real redis-server on 127.0.0.1 (free ports,
# killed by PID), driven by test/rsinkdrv: list + counter, LTRIM, publish
# (a redis-cli subscriber checks every message in order), XADD, AUTH with
# an ACL user and with a password, SELECT, a unix socket, an error reply,
# Redis killed mid-run and restarted (BLOCK: no loss), Redis down (DROP:
# exact drop count), the on/off switch (stops within about 1 s).
. test/lib.sh

DRV=./test/rsinkdrv
if ! command -v redis-server >/dev/null 2>&1; then
	t_skip all "redis-server not installed (test/deps.sh test)"
	t_done
fi

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
	if [ "$rport" != 0 ]; then
		t_wait_port "$rport" || { echo "redis did not start"; \
		    cat "$T_TMP/$rname.log"; }
	fi
}

# seqs FILE: the seq numbers of the messages in FILE, one per line.
seqs() {
	sed -n 's/.*{"seq":\([0-9]*\),.*/\1/p' "$1"
}

# in_order FILE N: FILE's seqs are exactly 1..N in order.
in_order() {
	seqs "$1" >"$T_TMP/got"
	seq 1 "$2" >"$T_TMP/want"
	cmp -s "$T_TMP/got" "$T_TMP/want"
}

P=$(t_free_port)
redis_start main "$P"
R="redis-cli -p $P"
U="redis://127.0.0.1:$P"

# ---- list + counter (MULTI/EXEC): counter == LLEN, order kept
out=$($DRV -u "$U" -k q -n 20000 -c cnt 2>&1); rc=$?
t_ok "list: driver exits 0" [ $rc -eq 0 ]
t_match "list: all acked" "$out" 'sent 20000 acked 20000 dropped 0 pending 0'
t_ok "list: LLEN 20000" [ "$($R LLEN q)" = 20000 ]
t_ok "list: counter == LLEN" [ "$($R GET cnt)" = "$($R LLEN q)" ]
$R LRANGE q 0 -1 >"$T_TMP/q"
t_ok "list: every message in order" in_order "$T_TMP/q" 20000

# ---- LTRIM keeps the newest maxlen
$DRV -u "$U" -k trim -n 1000 -x 100 >/dev/null 2>&1
t_ok "maxlen: LLEN 100" [ "$($R LLEN trim)" = 100 ]
t_match "maxlen: newest kept" "$($R LINDEX trim -1)" '"seq":1000,'

# ---- publish: a subscriber sees every message, in order
redis-cli -p "$P" --raw SUBSCRIBE ch >"$T_TMP/sub" 2>&1 &
SUB=$!
T_PIDS="$T_PIDS $SUB"
i=0
while [ "$($R PUBSUB NUMSUB ch | tail -n 1)" != 1 ] && [ $i -lt 50 ]; do
	sleep 0.1; i=$((i + 1))
done
out=$($DRV -u "$U" -m publish -k ch -n 5000 2>&1); rc=$?
t_ok "publish: driver exits 0" [ $rc -eq 0 ]
i=0
while [ "$(seqs "$T_TMP/sub" | wc -l)" -lt 5000 ] && [ $i -lt 50 ]; do
	sleep 0.1; i=$((i + 1))
done
kill "$SUB" 2>/dev/null
t_ok "publish: subscriber got all 5000 in order" in_order "$T_TMP/sub" 5000

# ---- XADD with a counter; MAXLEN ~
out=$($DRV -u "$U" -m xadd -k st -n 3000 -c xcnt 2>&1); rc=$?
t_ok "xadd: driver exits 0" [ $rc -eq 0 ]
t_ok "xadd: XLEN 3000" [ "$($R XLEN st)" = 3000 ]
t_ok "xadd: counter 3000" [ "$($R GET xcnt)" = 3000 ]
t_match "xadd: field m holds the message" \
    "$($R XRANGE st - + COUNT 1)" '^m$'
$DRV -u "$U" -m xadd -k st2 -n 3000 -x 500 >/dev/null 2>&1
n=$($R XLEN st2)
t_ok "xadd: MAXLEN ~ 500 trims ($n)" [ "$n" -ge 500 -a "$n" -lt 3000 ]

# ---- an error reply is a clear error, not ignored
$R SET notalist x >/dev/null
out=$($DRV -u "$U" -k notalist -n 10 2>&1); rc=$?
t_ok "error reply: driver fails" [ $rc -ne 0 ]
t_match "error reply: says WRONGTYPE" "$out" 'RSINK_E_REPLY|WRONGTYPE'

# ---- the switch stops the stream within about 1 s
$R SET sw on >/dev/null
$DRV -u "$U" -k swq -n 0 -r 2000 -w sw >"$T_TMP/sw.out" 2>&1 &
D=$!
sleep 1
t1=$(date +%s%N)
$R SET sw off >/dev/null
t_wait_exit "$D" 100
t2=$(date +%s%N)
wait "$D"; rc=$?
ms=$(( (t2 - t1) / 1000000 ))
echo "switch: stopped ${ms} ms after SET off"
t_ok "switch: driver exits 0" [ $rc -eq 0 ]
t_match "switch: reports off" "$(cat "$T_TMP/sw.out")" 'switch-off'
t_ok "switch: stopped within 1.5 s (${ms} ms; GET once a second)" \
    [ "$ms" -le 1500 ]
t_ok "switch: what was sent is all there" \
    [ "$($R LLEN swq)" -gt 0 ]
kill "$REDIS_PID" 2>/dev/null; wait "$REDIS_PID" 2>/dev/null

# ---- AUTH with an ACL user, SELECT 3; wrong password; password only
P=$(t_free_port)
redis_start acl "$P" --user alice on '>s3cr%t' '~*' '&*' '+@all' \
    --user default off
out=$($DRV -u "redis://alice:s3cr%25t@127.0.0.1:$P/3" -k q -n 1000 \
    -c c 2>&1); rc=$?
t_ok "acl: driver exits 0" [ $rc -eq 0 ]
AR="redis-cli -p $P --user alice --pass s3cr%t --no-auth-warning"
t_ok "acl+select: LLEN 1000 in db 3" [ "$($AR -n 3 LLEN q)" = 1000 ]
t_ok "acl+select: db 0 untouched" [ "$($AR -n 0 LLEN q)" = 0 ]
out=$($DRV -u "redis://alice:wrong@127.0.0.1:$P" -k q -n 10 2>&1); rc=$?
t_ok "acl: wrong password fails" [ $rc -ne 0 ]
t_match "acl: says AUTH" "$out" 'RSINK_E_AUTH|AUTH.*WRONGPASS'
kill "$REDIS_PID" 2>/dev/null; wait "$REDIS_PID" 2>/dev/null

P=$(t_free_port)
redis_start pw "$P" --requirepass hunter2 \
    --unixsocket "$T_TMP/redis.sock" --unixsocketperm 700
out=$($DRV -u "redis://:hunter2@127.0.0.1:$P" -k q -n 100 2>&1); rc=$?
t_ok "password: driver exits 0" [ $rc -eq 0 ]
PR="redis-cli -p $P -a hunter2 --no-auth-warning"
t_ok "password: LLEN 100" [ "$($PR LLEN q)" = 100 ]
out=$($DRV -u "redis://127.0.0.1:$P" -k q -n 10 2>&1); rc=$?
t_match "no password: NOAUTH is an error" "$out" 'NOAUTH'
kill "$REDIS_PID" 2>/dev/null; wait "$REDIS_PID" 2>/dev/null

P=$(t_free_port)
redis_start unix "$P" --unixsocket "$T_TMP/u.sock" --unixsocketperm 700
out=$($DRV -u "unix:$T_TMP/u.sock?db=2" -k uq -n 500 2>&1); rc=$?
t_ok "unix socket: driver exits 0" [ $rc -eq 0 ]
t_ok "unix socket: LLEN 500 in db 2" \
    [ "$(redis-cli -p "$P" -n 2 LLEN uq)" = 500 ]
kill "$REDIS_PID" 2>/dev/null; wait "$REDIS_PID" 2>/dev/null

# ---- killed mid-run and restarted (AOF fsync always, so what Redis
# acknowledged survives the kill): BLOCK loses nothing; counter == LLEN.
P=$(t_free_port)
AOF="--appendonly yes --appendfsync always"
redis_start kill "$P" $AOF
$DRV -u "redis://127.0.0.1:$P" -k kq -n 20000 -r 10000 -b 65536 -c kc \
    >"$T_TMP/kill.out" 2>&1 &
D=$!
sleep 0.6
kill -9 "$REDIS_PID"; wait "$REDIS_PID" 2>/dev/null
sleep 0.8
redis_start kill "$P" $AOF
wait "$D"; rc=$?
out=$(cat "$T_TMP/kill.out")
t_ok "kill: driver exits 0" [ $rc -eq 0 ]
t_match "kill: reconnected" "$out" 'reconnects [1-9]'
t_match "kill: all acked" "$out" 'sent 20000 acked 20000 dropped 0 pending 0'
redis-cli -p "$P" LRANGE kq 0 -1 >"$T_TMP/kq"
seqs "$T_TMP/kq" | sort -n | uniq >"$T_TMP/kq.uniq"
seq 1 20000 >"$T_TMP/want"
t_ok "kill: no message lost" cmp -s "$T_TMP/kq.uniq" "$T_TMP/want"
len=$(redis-cli -p "$P" LLEN kq)
echo "kill: LLEN $len (duplicates: replies lost with the" \
    "connection: $((len - 20000)))"
t_ok "kill: counter == LLEN" [ "$(redis-cli -p "$P" GET kc)" = "$len" ]
kill "$REDIS_PID" 2>/dev/null; wait "$REDIS_PID" 2>/dev/null

# ---- Redis down at the start, DROP: the drop count is exact
P=$(t_free_port)
$DRV -u "redis://127.0.0.1:$P" -k dq -n 5000 -d -b 65536 \
    >"$T_TMP/drop.out" 2>&1 &
D=$!
sleep 0.5
redis_start drop "$P"
wait "$D"; rc=$?
out=$(cat "$T_TMP/drop.out")
dropped=$(sed -n 's/.* dropped \([0-9]*\) .*/\1/p' "$T_TMP/drop.out")
len=$(redis-cli -p "$P" LLEN dq)
echo "drop: dropped $dropped, LLEN $len"
t_ok "drop: driver exits 0" [ $rc -eq 0 ]
t_ok "drop: some dropped" [ "${dropped:-0}" -gt 0 ]
t_ok "drop: LLEN + dropped == 5000" [ $((len + dropped)) -eq 5000 ]
redis-cli -p "$P" LRANGE dq 0 -1 >"$T_TMP/dq"
t_ok "drop: the kept ones are the first, in order" in_order "$T_TMP/dq" "$len"
kill "$REDIS_PID" 2>/dev/null; wait "$REDIS_PID" 2>/dev/null

# ---- Redis never comes: the exit flush times out and says what is left
P=$(t_free_port)
out=$($DRV -u "redis://127.0.0.1:$P" -k q -n 100 -t 500 2>&1); rc=$?
t_ok "unreachable: flush times out (exit 3)" [ $rc -eq 3 ]
t_match "unreachable: pending reported" "$out" 'acked 0 .*pending 13000'
t_match "unreachable: the failure is said" "$out" 'Connection refused'

t_done
