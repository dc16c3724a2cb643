#!/bin/sh
# make soak SOAK_MINUTES=N: one capture for N minutes (default 3) through
# test/faultproxy from test/streamd, with a random fault every 2-6 s --
# network (RST, FIN, a 1-3 s partition, latency or a blackhole on the next
# connection) or server (mid-message reset, disconnect notice, stall,
# warning, garbage, oversize).  Checks at the end: exit 0, RSS flat after
# the first minute (sampled every 5 s; "flat": the last sample within 64
# KiB of the one at 60 s -- at 30 s for runs under 2 minutes), output
# exactly-once against the send log and the written counter exact.
# The figures go to test/out/soak-summary.txt.
. test/lib.sh

min=${SOAK_MINUTES:-3}
secs=$((min * 60))
mkdir -p test/out
export SLUICE_CONSUMER_KEY=k SLUICE_CONSUMER_SECRET=s SLUICE_TOKEN=t \
    SLUICE_TOKEN_SECRET=ts

/usr/bin/python3 test/streamd --port 0 --port-file "$T_TMP/sdport" \
    --no-auth --keepalive 1 --rate 200 --log "$T_TMP/sd.log" \
    > "$T_TMP/sd.out" 2>&1 &
sdpid=$!
T_PIDS="$T_PIDS $sdpid"
i=0
while [ ! -s "$T_TMP/sdport" ] && [ $i -lt 100 ]; do
	sleep 0.05
	i=$((i + 1))
done
sdp=$(cat "$T_TMP/sdport")
test/faultproxy --target "127.0.0.1:$sdp" --port-file "$T_TMP/fpport" \
    --ctl-port-file "$T_TMP/fpctl" --log "$T_TMP/fp.log" \
    > "$T_TMP/fp.out" 2>&1 &
fppid=$!
T_PIDS="$T_PIDS $fppid"
i=0
while [ ! -s "$T_TMP/fpport" ] && [ $i -lt 100 ]; do
	sleep 0.05
	i=$((i + 1))
done
fpp=$(cat "$T_TMP/fpport")

# Only the sequence numbers are kept (a 60-minute run is gigabytes).
mkfifo "$T_TMP/fifo"
grep -a -o '"sluice_seq":[0-9]*' < "$T_TMP/fifo" > "$T_TMP/seqs" &
greppid=$!
./sluice -q --json --time-scale 0.01 --retry -1 --stall 2 --max-time "$secs" \
    --stats-json "$T_TMP/stats" --api-base "http://127.0.0.1:$fpp" \
    twitter:sample > "$T_TMP/fifo" 2> "$T_TMP/err" &
spid=$!
T_PIDS="$T_PIDS $spid"

ctl() { test/faultproxy --ctl "$T_TMP/fpctl" "$@" > /dev/null 2>&1; }
kick() {
	curl -s -m 2 -X POST "http://127.0.0.1:$sdp/_control/kick?fault=$1" \
	    > /dev/null 2>&1
}
rss() { sed -n 's/^VmRSS:[[:space:]]*\([0-9]*\).*/\1/p' "/proc/$spid/status" \
    2>/dev/null; }

start=$(date +%s)
faults=0
rss0=$(rss)
rss1=
ref=60
[ "$min" -lt 2 ] && ref=30
last_sample=0
rnd() { /usr/bin/python3 -c "import random; print(random.randint($1, $2))"; }
while kill -0 $spid 2>/dev/null; do
	now=$(($(date +%s) - start))
	[ $now -ge $((secs - 5)) ] && break
	sleep "$(rnd 2 6)"
	if [ $((now - last_sample)) -ge 5 ]; then
		r=$(rss)
		[ -n "$r" ] && echo "$now $r" >> "$T_TMP/rss"
		[ -z "$rss1" ] && [ $now -ge $ref ] && rss1=$r
		last_sample=$now
	fi
	case $(rnd 0 10) in
	0) ctl kill rst ;;
	1) ctl kill fin ;;
	2) ctl partition on; sleep "$(rnd 1 3)"; ctl partition off ;;
	3) n=$(test/faultproxy --ctl "$T_TMP/fpctl" stats |
	       sed 's/.*"conns": *\([0-9]*\).*/\1/')
	   ctl rule "$((n + 1)):latency=100,jitter=80" ;;
	4) n=$(test/faultproxy --ctl "$T_TMP/fpctl" stats |
	       sed 's/.*"conns": *\([0-9]*\).*/\1/')
	   ctl rule "$((n + 1)):blackhole,after=$(rnd 1 200000)"
	   ctl kill fin ;;
	5) kick rst=msg ;;
	6) kick disconnect=4 ;;
	7) kick inject=warning ;;
	8) kick stall=3 ;;
	9) kick garbage=100 ;;
	10) kick oversize=70000 ;;
	esac
	faults=$((faults + 1))
done
wait $spid
rc=$?
wait $greppid
rss2=$(tail -1 "$T_TMP/rss" | cut -d' ' -f2)
kill $sdpid $fppid 2>/dev/null
wait $sdpid $fppid 2>/dev/null

t_ok soak_exit_0 [ $rc -eq 0 ]
[ $rc -eq 0 ] || tail -5 "$T_TMP/err" | sed 's/^/    /'
res=$(/usr/bin/python3 test/faultcheck.py "$T_TMP/seqs" "$T_TMP/sd.log" \
    --stats "$T_TMP/stats")
ok=$?
t_ok soak_exactly_once [ $ok -eq 0 ]
[ $ok -eq 0 ] || printf '%s\n' "$res" | sed 's/^/    /'
t_ok soak_rss_sampled [ -n "$rss1" ] && [ -n "$rss2" ]
t_ok soak_rss_flat [ "$((rss2 - ${rss1:-0}))" -le 64 ]
reconn=$(sed -n 's/.*"reconnects":\([0-9]*\).*/\1/p' "$T_TMP/stats")
rssmax=$(sort -k2 -n "$T_TMP/rss" | tail -1 | cut -d' ' -f2)
line="soak ${min} min: faults=$faults reconnects=$reconn"
line="$line rss_kb start=$rss0 at_${ref}s=$rss1 end=$rss2 max=$rssmax $res"
echo "  $line"
echo "$(date -u +%FT%TZ) $line" >> test/out/soak-summary.txt
t_done
