#!/bin/sh
# RTC-less hosts (issue 12): the clock is faked to 1970 with faketime(1),
# as on a board that boots without a battery-backed clock.  Given the time
# with --tls-time, sluice still verifies test/streamd's certificate and its
# OAuth 1.0a signature is accepted (the first request carries a 1970
# timestamp; streamd answers 401 with its Date, and sluice corrects the
# skew and retries once).  Negative controls: --tls-time before the
# certificate's notBefore or after its notAfter fails verification
# (exit 5), so the option really is the validation time.
. test/lib.sh
: "${SLUICE:=./sluice}"
command -v faketime >/dev/null 2>&1 || {
	t_skip faketime "faketime not installed (test/deps.sh test)"; exit 0; }
certs=test/out/certs
sh test/mkcerts.sh "$certs" >/dev/null 2>&1 || {
	echo "FAIL $T_NAME:mkcerts"; exit 1; }
export SLUICE_CONSUMER_KEY=rtc-ck SLUICE_CONSUMER_SECRET=rtc-cs
export SLUICE_TOKEN=rtc-t SLUICE_TOKEN_SECRET=rtc-ts
/usr/bin/python3 test/streamd --port 0 --port-file "$T_TMP/port" --tls \
    --cert "$certs/server.pem" --key "$certs/server.key" \
    --log "$T_TMP/streamd.log" >"$T_TMP/streamd.out" 2>&1 &
T_PIDS="$T_PIDS $!"
i=0
while [ ! -s "$T_TMP/port" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
port=$(cat "$T_TMP/port")
now=$(date +%s)
# libfaketime's preload deadlocks an ASan build (as in test/tls.sh):
# skipped under `make check`; `make test` runs it.
if nm ./sluice 2>/dev/null | grep -q __asan_init; then
	t_skip faked_clock "faketime preload vs ASan"
	exit 0
fi
# The monotonic clock stays real: only the wall clock lacks an RTC.
export FAKETIME_DONT_FAKE_MONOTONIC=1
run() {	# TLS_TIME [OPTIONS...]
	tt=$1
	shift
	timeout 60 faketime '1970-01-01 00:10:00' $SLUICE --cacert "$certs/ca.pem" \
	    --api-base "https://localhost:$port" --track a,e --tls-time "$tt" \
	    -v "$@" twitter:filter
}
t_ok faked_clock_is_1970 [ "$(faketime '1970-01-01 00:10:00' date +%Y)" \
    = 1970 ]
run "$now" -n 20 >"$T_TMP/out" 2>"$T_TMP/err"
rc=$?
t_ok tls_time_now_exit_0 [ $rc -eq 0 ]
[ $rc -eq 0 ] || sed 's/^/    /' "$T_TMP/err"
t_ok tls_time_now_20_messages [ "$(wc -l < "$T_TMP/out")" -eq 20 ]
t_match oauth_skew_corrected "$(cat "$T_TMP/err")" \
    'server clock differs from ours by [0-9]+ s: correcting the OAuth'
t_match streamd_rejected_1970_timestamp "$(cat "$T_TMP/streamd.log")" \
    '"status": ?401'
t_match streamd_then_accepted "$(cat "$T_TMP/streamd.log")" \
    '"status": ?200'

# Before the certificate existed (1970-01-02) and after it expired (2099).
run 86400 -n 1 --retry 0 >/dev/null 2>"$T_TMP/err1"
rc=$?
t_ok tls_time_1970_exit_5 [ $rc -eq 5 ]
[ $rc -eq 5 ] || sed 's/^/    /' "$T_TMP/err1"
run 4070908800 -n 1 --retry 0 >/dev/null 2>"$T_TMP/err2"
rc=$?
t_ok tls_time_2099_exit_5 [ $rc -eq 5 ]
[ $rc -eq 5 ] || sed 's/^/    /' "$T_TMP/err2"
exit $T_FAILED
