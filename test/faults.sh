#!/bin/sh
# The network fault matrix: sluice against test/streamd, through
# test/faultproxy where the fault is the network's.  For every scenario:
# no crash (exit code as documented), the counters of --stats-json, and
# exactly-once delivery against streamd's send log (test/faultcheck.py:
# no duplicates, sequence strictly increasing, each connection's messages
# a prefix of what it sent; --strict where nothing sits in between).
# Reconnect waits are shortened with --time-scale 0.01 where a scenario
# needs the policy; timeouts (--stall) are not scaled.
# One summary line per scenario goes to test/out/faults-summary.txt.
. test/lib.sh

SUMMARY=test/out/faults-summary.txt
mkdir -p test/out
: > "$SUMMARY"
export SLUICE_CONSUMER_KEY=k SLUICE_CONSUMER_SECRET=s SLUICE_TOKEN=t \
    SLUICE_TOKEN_SECRET=ts

# sd NAME [streamd options]: starts streamd; sets SDP (port), SDPID.
sd() {
	n=$1
	shift
	rm -f "$T_TMP/$n.sdport"
	/usr/bin/python3 test/streamd --port "${SD_PORT:-0}" \
	    --port-file "$T_TMP/$n.sdport" --no-auth --keepalive 1 \
	    --log "$T_TMP/$n.sdlog" "$@" > "$T_TMP/$n.sdout" 2>&1 &
	SDPID=$!
	T_PIDS="$T_PIDS $SDPID"
	i=0
	while [ ! -s "$T_TMP/$n.sdport" ] && [ $i -lt 100 ]; do
		sleep 0.05
		i=$((i + 1))
	done
	SDP=$(cat "$T_TMP/$n.sdport")
}

# fp NAME RULE...: starts faultproxy to streamd; sets FPP, FPPID, FPCTL.
fp() {
	n=$1
	shift
	args=
	for r in "$@"; do
		args="$args --rule $r"
	done
	FPCTL=$T_TMP/$n.fpctl
	# shellcheck disable=SC2086
	test/faultproxy --target "127.0.0.1:$SDP" --port-file \
	    "$T_TMP/$n.fpport" --ctl-port-file "$FPCTL" \
	    --log "$T_TMP/$n.fplog" $args > "$T_TMP/$n.fpout" 2>&1 &
	FPPID=$!
	T_PIDS="$T_PIDS $FPPID"
	i=0
	while [ ! -s "$T_TMP/$n.fpport" ] && [ $i -lt 100 ]; do
		sleep 0.05
		i=$((i + 1))
	done
	FPP=$(cat "$T_TMP/$n.fpport")
}

# cap NAME BASEURL [sluice options]: runs sluice (twitter:sample); RC.
cap() {
	n=$1
	base=$2
	shift 2
	./sluice --stats-json "$T_TMP/$n.stats" --api-base "$base" "$@" \
	    twitter:sample > "$T_TMP/$n.out" 2> "$T_TMP/$n.err"
	RC=$?
}

# stat NAME KEY: a counter from --stats-json.
stat() {
	sed -n "s/.*\"$2\":\([0-9]*\).*/\1/p" "$T_TMP/$1.stats" 2>/dev/null
}

# verdict NAME WANT_RC LOGS [--strict]: exit code, exactly-once, summary.
verdict() {
	n=$1
	want=$2
	logs=$3
	shift 3
	kill $SDPID ${FPPID:-} 2>/dev/null
	wait $SDPID ${FPPID:-} 2>/dev/null
	FPPID=
	t_ok "${n}_exit_$want" [ "$RC" -eq "$want" ]
	[ "$RC" -eq "$want" ] || sed 's/^/    /' "$T_TMP/$n.err" | tail -5
	res=$(/usr/bin/python3 test/faultcheck.py "$T_TMP/$n.out" "$logs" \
	    --stats "$T_TMP/$n.stats" "$@")
	ok=$?
	t_ok "${n}_exactly_once" [ $ok -eq 0 ]
	[ $ok -eq 0 ] || printf '%s\n' "$res" | sed 's/^/    /'
	printf '%-22s exit=%s reconnects=%s %s\n' "$n" "$RC" \
	    "$(stat "$n" reconnects)" "$(printf '%s' "$res" | head -1)" \
	    >> "$SUMMARY"
}

ctl() {
	test/faultproxy --ctl "$FPCTL" "$@" > /dev/null
}

FAST="--time-scale 0.01 --retry -1"

# ---- the network's faults, through test/faultproxy ----------------------

# Latency 200 ms +- 100 ms on every piece: slower, nothing lost.
sd latency --rate 300
fp latency '*:latency=200,jitter=100'
cap latency "http://127.0.0.1:$FPP" -q -n 300 --max-time 15
verdict latency 0 "$T_TMP/latency.sdlog" --strict
t_ok latency_all_300 [ "$(stat latency written)" = 300 ]

# 1 byte every 10 ms after 20 kB: a slow link is not a stall (--stall 2).
sd trickle --rate 300
fp trickle '*:trickle=10,after=20000'
cap trickle "http://127.0.0.1:$FPP" -q --stall 2 --max-time 4
verdict trickle 0 "$T_TMP/trickle.sdlog" --strict
t_ok trickle_no_reconnect [ "$(stat trickle reconnects)" = 0 ]

# Bit flips inside TLS application data: the record MAC fails, the
# connection is dropped and sluice reconnects; nothing corrupt delivered.
sh test/mkcerts.sh test/out/certs > /dev/null
sd tlsflip --rate 300 --tls --cert test/out/certs/server.pem \
    --key test/out/certs/server.key
fp tlsflip '1:flip,at=30000,bit=3' '2:flip,at=60000,every=7919'
cap tlsflip "https://localhost:$FPP" $FAST --cacert \
    test/out/certs/ca.pem -n 400 --max-time 20
verdict tlsflip 0 "$T_TMP/tlsflip.sdlog"
t_ok tlsflip_reconnected [ "$(stat tlsflip reconnects)" -ge 2 ]
t_match tlsflip_says_tls "$(cat "$T_TMP/tlsflip.err")" \
    '^sluice: TLS with localhost: .*; reconnecting'

# A partition (every flow blackholed, new ones too) for 3 s, with
# --stall 1: stall detection, backoff, reconnect, recovery.
sd partition --rate 300
fp partition
cap partition "http://127.0.0.1:$FPP" -q $FAST --stall 1 \
    --max-time 9 &
cpid=$!
sleep 2
ctl partition on
sleep 3
ctl partition off
wait $cpid
RC=$?
verdict partition 0 "$T_TMP/partition.sdlog"
t_ok partition_reconnected [ "$(stat partition reconnects)" -ge 1 ]
t_ok partition_recovered [ "$(/usr/bin/python3 test/streamd_log.py \
    "$T_TMP/partition.sdlog" streams | awk '$4 > 0' | wc -l)" -ge 2 ]

# A blackholed flow (no FIN, no RST) after 100 kB: --stall 2 must fire.
sd blackhole --rate 300
fp blackhole '1:blackhole,after=100000'
cap blackhole "http://127.0.0.1:$FPP" --stall 2 --retry 3 -n 500 \
    --max-time 15
verdict blackhole 0 "$T_TMP/blackhole.sdlog"
t_match blackhole_stall_fired "$(cat "$T_TMP/blackhole.err")" 'stall'
t_ok blackhole_reconnected [ "$(stat blackhole reconnects)" -ge 1 ]

# Cut by the network with RST, then with FIN, mid-stream.
sd cut --rate 300
fp cut '1:cut=rst,at=60000' '2:cut=fin,at=60000'
cap cut "http://127.0.0.1:$FPP" -q $FAST -n 600 --max-time 15
verdict cut 0 "$T_TMP/cut.sdlog"
t_ok cut_reconnected [ "$(stat cut reconnects)" -ge 2 ]

# Delayed writes (250 ms, coalesced) on the way down.
sd delay --rate 300
fp delay '*:delay=250'
cap delay "http://127.0.0.1:$FPP" -q -n 200 --max-time 15
verdict delay 0 "$T_TMP/delay.sdlog" --strict

# ---- the server's faults: sluice straight to streamd (--strict) ---------

# A server restart: streamd stops (FIN) and comes back on the same port
# 1 s later, its sequence starting again (two logs).
sd restart1 --rate 300
SD_PORT=$SDP
cap restart "http://127.0.0.1:$SDP" -q $FAST --max-time 5 &
cpid=$!
sleep 1.5
kill $SDPID
wait $SDPID 2>/dev/null
sleep 1
sd restart2 --rate 300
wait $cpid
RC=$?
SD_PORT=
verdict restart 0 "$T_TMP/restart1.sdlog,$T_TMP/restart2.sdlog" --strict
t_ok restart_reconnected [ "$(stat restart reconnects)" -ge 1 ]

# DNS failure, then recovery: the name appears in /etc/hosts after 1.5 s
# (restored afterwards; skipped when /etc/hosts is not writable).
name=sluice-faults.invalid
if [ -w /etc/hosts ] && ! getent hosts $name > /dev/null; then
	cp /etc/hosts "$T_TMP/hosts.orig"
	sd dns --rate 300
	cap dns "http://$name:$SDP" -q $FAST -n 200 --max-time 10 &
	cpid=$!
	sleep 1.5
	printf '127.0.0.1 %s\n' $name >> /etc/hosts
	wait $cpid
	RC=$?
	cat "$T_TMP/hosts.orig" > /etc/hosts
	verdict dns 0 "$T_TMP/dns.sdlog" --strict
	t_ok dns_retried [ "$(stat dns reconnects)" -ge 1 ]
else
	t_skip dns "/etc/hosts not writable or $name resolves"
fi

# streamd's own fault list.  sfault NAME WANT_RC FAULT [sluice options]
sfault() {
	n=$1
	want=$2
	f=$3
	shift 3
	# shellcheck disable=SC2086
	sd "$n" --rate 500 --fault "$f" ${SDX:-}
	cap "$n" "http://127.0.0.1:$SDP" -q $FAST --max-time 10 "$@"
	verdict "$n" "$want" "$T_TMP/$n.sdlog" --strict
}
sfault rst_msg 0 1:rst=msg,after=20 -n 100
t_ok rst_msg_truncated [ "$(stat rst_msg truncated)" = 1 ]
sfault close_chunkhdr 0 1:close=chunk-header,after=20 -n 100
SDX='--count 30' sfault close_gziptrailer 0 1:close=gzip-trailer -n 100
sfault status_503 0 1:status=503 -n 50
sfault status_420 0 1:status=420,retry-after=2 -n 50
sfault disconnect_4 0 1:disconnect=4,after=20 -n 100
t_ok disconnect_4_control [ "$(stat disconnect_4 control)" = 1 ]
sfault disconnect_7 6 1:disconnect=7,after=20 -n 100
sfault oversize 0 1:oversize=80000,after=10 -n 100
t_ok oversize_counted [ "$(stat oversize oversize)" = 1 ]
sfault garbage 0 1:garbage=200,after=10 -n 100 --json
t_ok garbage_invalid [ "$(stat garbage invalid)" = 1 ]
sfault garbage_raw 0 1:garbage-raw=64,after=10 -n 100
sfault badcrc 0 1:badcrc,after=30 -n 100
sfault badhex 0 1:chunk-badhex,after=10 -n 100
sfault stall 0 1:stall=3,after=10 -n 100 --stall 1
t_ok stall_reconnected [ "$(stat stall reconnects)" = 1 ]

sed 's/^/  /' "$SUMMARY"
t_done
