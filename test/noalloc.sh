#!/bin/sh
# Zero heap allocations after start-up (issue 12), run by `make check`:
# sluice captures from test/streamd over TLS + chunked + gzip + OAuth while
# streamd resets the connection three times, with test/mallocshim.so
# counting every malloc-family call.  After the first message is written
# the count must stay 0, libc's getaddrinfo (once per connect) aside.
# Then the allocation-failure sweep: the Nth allocation fails for every N
# that start-up makes; sluice must exit with a message, never crash.
. test/lib.sh
: "${SLUICE:=./sluice}"
shim=$(pwd)/test/mallocshim.so
certs=test/out/certs
sh test/mkcerts.sh "$certs" >/dev/null 2>&1 || {
	echo "FAIL $T_NAME:mkcerts"; exit 1; }
export SLUICE_CONSUMER_KEY=na-ck SLUICE_CONSUMER_SECRET=na-cs
export SLUICE_TOKEN=na-t SLUICE_TOKEN_SECRET=na-ts
/usr/bin/python3 test/streamd --port 0 --port-file "$T_TMP/port" --tls \
    --cert "$certs/server.pem" --key "$certs/server.key" --gzip always \
    --fault '1-3:reset-after-msgs=200' >"$T_TMP/streamd.log" 2>&1 &
T_PIDS="$T_PIDS $!"
i=0
while [ ! -s "$T_TMP/port" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
port=$(cat "$T_TMP/port")
run() {
	LD_PRELOAD=$shim MALLOCSHIM_OUT=$T_TMP/shim $SLUICE \
	    --cacert "$certs/ca.pem" --api-base "https://localhost:$port" \
	    --track a,e --stats-json "$T_TMP/stats" -q "$@" twitter:filter
}
: >"$T_TMP/shim"
run -n 1500 >"$T_TMP/out" 2>"$T_TMP/err"
rc=$?
t_ok capture_exit_0 [ $rc -eq 0 ]
[ $rc -eq 0 ] || sed 's/^/    /' "$T_TMP/err"
t_ok capture_1500_messages [ "$(wc -l < "$T_TMP/out")" -eq 1500 ]
stats=$(cat "$T_TMP/stats")
t_match reconnected_3_times "$stats" '"reconnects":[3-9]'
shim_line=$(cat "$T_TMP/shim")
echo "# $shim_line; $(echo "$stats" | grep -o '"reconnects":[0-9]*')"
# The shim is active: libc's resolver allocates on every connect.
t_match shim_ran "$shim_line" ' resolver=[1-9]'
t_match zero_steady_allocations "$shim_line" ' steady=0 '

# Allocation-failure sweep (one message, so each run is short): the Nth
# allocation made outside getaddrinfo fails, for every N that start-up
# makes.  (glibc 2.36's getaddrinfo crashes when its own malloc fails, in
# nss_database.c: not sluice's to fix, so the shim never fails those.)
: >"$T_TMP/shim"
run -n 1 --max-time 10 >/dev/null 2>&1
k=$(sed -n 's/.*start=\([0-9]*\).*/\1/p' "$T_TMP/shim")
[ -n "$k" ] && [ "$k" -gt 40 ] && k=40
crash=0 clean=0 ok=0
n=1
while [ "$n" -le "${k:-0}" ]; do
	MALLOCSHIM_FAIL=$n run -n 1 --max-time 10 >/dev/null 2>"$T_TMP/err$n"
	rc=$?
	if [ $rc -ge 128 ] || { [ $rc -ne 0 ] && [ ! -s "$T_TMP/err$n" ]; }
	then
		echo "# MALLOCSHIM_FAIL=$n: exit $rc"
		sed 's/^/#    /' "$T_TMP/err$n"
		crash=$((crash + 1))
	elif [ $rc -ne 0 ]; then
		clean=$((clean + 1))
	else
		ok=$((ok + 1))
	fi
	n=$((n + 1))
done
if [ "${k:-0}" -eq 0 ]; then
	echo "# start-up makes no allocation outside the resolver:" \
	    "nothing to sweep"
else
	echo "# sweep over $k start-up allocations: $ok runs unaffected," \
	    "$clean clean errors, $crash crashes or silent failures"
fi
t_ok alloc_failure_never_crashes [ $crash -eq 0 ]
exit $T_FAILED
