#!/bin/sh
# Kernel-level faults: test/streamd inside a network namespace behind a
# veth pair (10.213.0.1 host side, 10.213.0.2 namespace side).  Scenarios:
# a tc tbf rate limit (1 Mbit/s) on the server's side, and the link taken
# down for 3 s -- packets really dropped, no FIN, no RST -- then up again.
# Needs root, `ip netns` and `tc`; skipped with a message otherwise.
# Exactly-once is checked as in test/faults.sh.  (netem is not available
# on these kernels and is not used.)
. test/lib.sh

NS=sluice-ft$$
H=veth-sh$$
N=veth-sn$$
SUMMARY=test/out/faults-summary.txt
mkdir -p test/out

netns_cleanup() {
	ip netns del $NS 2>/dev/null
	ip link del $H 2>/dev/null
	t_cleanup
}
trap netns_cleanup EXIT

if [ "$(id -u)" -ne 0 ] || ! command -v ip > /dev/null ||
    ! command -v tc > /dev/null || ! ip netns add $NS 2>/dev/null; then
	t_skip netns "needs root, ip and tc, and network namespaces"
	t_done
fi
if ! ip link add $H type veth peer name $N 2>/dev/null ||
    ! ip link set $N netns $NS ||
    ! ip addr add 10.213.0.1/24 dev $H || ! ip link set $H up ||
    ! ip -n $NS addr add 10.213.0.2/24 dev $N ||
    ! ip -n $NS link set $N up || ! ip -n $NS link set lo up; then
	t_skip netns "cannot create the veth pair"
	t_done
fi
export SLUICE_CONSUMER_KEY=k SLUICE_CONSUMER_SECRET=s SLUICE_TOKEN=t \
    SLUICE_TOKEN_SECRET=ts

# sdns NAME [options]: streamd inside the namespace on 10.213.0.2.
sdns() {
	n=$1
	shift
	ip netns exec $NS /usr/bin/python3 test/streamd --port 0 \
	    --bind 10.213.0.2 --port-file "$T_TMP/$n.sdport" --no-auth \
	    --keepalive 1 --log "$T_TMP/$n.sdlog" "$@" \
	    > "$T_TMP/$n.sdout" 2>&1 &
	SDPID=$!
	T_PIDS="$T_PIDS $SDPID"
	i=0
	while [ ! -s "$T_TMP/$n.sdport" ] && [ $i -lt 100 ]; do
		sleep 0.05
		i=$((i + 1))
	done
	SDP=$(cat "$T_TMP/$n.sdport")
}

verdict() {
	n=$1
	want=$2
	shift 2
	kill $SDPID 2>/dev/null
	wait $SDPID 2>/dev/null
	t_ok "${n}_exit_$want" [ "$RC" -eq "$want" ]
	[ "$RC" -eq "$want" ] || tail -5 "$T_TMP/$n.err" | sed 's/^/    /'
	res=$(/usr/bin/python3 test/faultcheck.py "$T_TMP/$n.out" \
	    "$T_TMP/$n.sdlog" --stats "$T_TMP/$n.stats" "$@")
	ok=$?
	t_ok "${n}_exactly_once" [ $ok -eq 0 ]
	[ $ok -eq 0 ] || printf '%s\n' "$res" | sed 's/^/    /'
	rec=$(sed -n 's/.*"reconnects":\([0-9]*\).*/\1/p' "$T_TMP/$n.stats")
	printf '%-22s exit=%s reconnects=%s %s\n' "$n" "$RC" "$rec" \
	    "$(printf '%s' "$res" | head -1)" >> "$SUMMARY"
}

# 1 Mbit/s token bucket on the server's egress: about 120 kB/s of gzip.
tc -n $NS qdisc add dev $N root tbf rate 1mbit burst 32kbit latency 400ms
sdns tbf --rate 500
./sluice -q --stats-json "$T_TMP/tbf.stats" \
    --api-base "http://10.213.0.2:$SDP" --max-time 4 twitter:sample \
    > "$T_TMP/tbf.out" 2> "$T_TMP/tbf.err"
RC=$?
verdict tbf 0 --strict
wire=$(sed -n 's/.*"bytes_wire":\([0-9]*\).*/\1/p' "$T_TMP/tbf.stats")
t_ok "tbf_rate_limited ($wire bytes in 4 s)" [ "${wire:-0}" -gt 0 ] &&
    [ "${wire:-0}" -lt 800000 ]
tc -n $NS qdisc del dev $N root

# The link goes down for 3 s (300 s on sluice's clock) and comes back.
sdns linkdown --rate 300
./sluice -q --stats-json "$T_TMP/linkdown.stats" --time-scale 0.01 \
    --retry -1 --stall 2 --max-time 9 \
    --api-base "http://10.213.0.2:$SDP" twitter:sample \
    > "$T_TMP/linkdown.out" 2> "$T_TMP/linkdown.err" &
cpid=$!
sleep 2
ip link set $H down
sleep 3
ip link set $H up
wait $cpid
RC=$?
verdict linkdown 0
t_ok linkdown_reconnected [ "$(sed -n 's/.*"reconnects":\([0-9]*\).*/\1/p' \
    "$T_TMP/linkdown.stats")" -ge 1 ]
t_done
