#!/bin/sh
# Live end-to-end tests: sluice against test/streamd, one scenario per
# fault the real APIs produce.  Each asserts the exit code, the counters
# (--stats-json), the words on stderr, and exactly-once delivery against
# streamd's send log (test/streamd_log.py).  --time-scale shrinks every
# reconnect wait so the policy is exercised without the real delays.
. test/lib.sh

export SLUICE_CONSUMER_KEY=e2e-consumer-key
export SLUICE_CONSUMER_SECRET=e2e-consumer-secret
export SLUICE_TOKEN=e2e-token
export SLUICE_TOKEN_SECRET=e2e-token-secret
export SLUICE_BEARER_TOKEN=e2e-bearer-token
sh test/mkcerts.sh test/out/certs >/dev/null 2>&1
CA=test/out/certs/ca.pem

SD_PID=
sd_start() {	# sd_start NAME STREAMD-ARGS...: fresh server and log
	sd_stop
	SD_LOG=$T_TMP/$1.log
	shift
	rm -f "$T_TMP/port"
	/usr/bin/python3 test/streamd --port 0 --port-file "$T_TMP/port" \
	    --log "$SD_LOG" "$@" >"$T_TMP/streamd.out" 2>&1 &
	SD_PID=$!
	T_PIDS="$T_PIDS $SD_PID"
	i=0
	while [ ! -s "$T_TMP/port" ] && [ $i -lt 50 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	SD_PORT=$(cat "$T_TMP/port")
}
sd_stop() {
	[ -n "$SD_PID" ] && kill "$SD_PID" 2>/dev/null && wait "$SD_PID" \
	    2>/dev/null
	SD_PID=
}

# sl NAME ARGS...: runs sluice, output in $T_TMP/NAME.out, stderr in
# .err, counters in .json; sets RC.
sl() {
	n=$1
	shift
	./sluice -q --stats-json "$T_TMP/$n.json" "$@" >"$T_TMP/$n.out" \
	    2>"$T_TMP/$n.err"
	RC=$?
}
stat_is() {	# stat_is NAME COUNTER VALUE
	t_match "$1_$2_$3" "$(cat "$T_TMP/$1.json")" "\"$2\":$3[,}]"
}
stat_ge() {	# stat_ge NAME COUNTER MIN
	v=$(sed -n "s/.*\"$2\":\([0-9]*\).*/\1/p" "$T_TMP/$1.json")
	t_ok "$1_$2_at_least_$3" [ "${v:-0}" -ge "$3" ]
}
exactly_once() {	# exactly_once NAME [streamd_log.py check options]
	n=$1
	shift
	sd_stop		# flushes the close records of the log
	r=$(/usr/bin/python3 test/streamd_log.py "$SD_LOG" check \
	    "$T_TMP/$n.out" "$@" 2>&1)
	t_ok "${n}_exactly_once" [ $? -eq 0 ]
	case $r in ok*) ;; *) echo "    $r" ;; esac
}
exit_is() {	# exit_is NAME CODE
	t_ok "$1_exit_$2" [ "$RC" -eq "$2" ]
	[ "$RC" -eq "$2" ] || sed 's/^/    /' "$T_TMP/$1.err" | head -5
}
base() { echo "http://127.0.0.1:$SD_PORT"; }

# 1. The v1.1 filter preset over TLS + gzip + chunked + OAuth: -n exact.
sd_start tls_filter --tls --cert test/out/certs/server.pem \
    --key test/out/certs/server.key
sl tls_filter --cacert "$CA" --api-base "https://localhost:$SD_PORT" \
    --track rust,zig -n 500 twitter:filter
exit_is tls_filter 0
t_ok "tls_filter_500_lines" [ "$(wc -l < "$T_TMP/tls_filter.out")" -eq 500 ]
stat_is tls_filter written 500
t_ok "tls_filter_track_terms" grep -q 'rust\|zig' "$T_TMP/tls_filter.out"
exactly_once tls_filter --partial-last

# 2. Reset in the middle of a message: the partial one is dropped, the
# stream reconnects at once, nothing is lost or repeated.
sd_start reset --fault 1:rst=msg,after=40 --fault 2:close=msg,after=30
sl reset --api-base "$(base)" --track a -n 200 --time-scale 0.01 \
    twitter:filter
exit_is reset 0
stat_is reset reconnects 2
stat_is reset truncated 2
exactly_once reset --partial-last

# 3. HTTP 503 then success: the HTTP-class wait, then data.
sd_start s503 --fault 1-2:status=503
sl s503 --api-base "$(base)" --track a -n 50 --time-scale 0.01 -v \
    twitter:filter
exit_is s503 0
stat_is s503 reconnects 2
t_match "s503_wait_5s" "$(cat "$T_TMP/s503.err")" \
    'HTTP 503.*reconnecting in 0\.0[45]'
t_match "s503_wait_doubles" "$(cat "$T_TMP/s503.err")" \
    'HTTP 503.*reconnecting in 0\.(09|1[01])'
exactly_once s503 --partial-last

# 4. 420 with Retry-After: the server's wait wins over the 60 s default.
sd_start s420 --fault 1:status=420,retry-after=7
sl s420 --api-base "$(base)" --track a -n 10 --time-scale 0.01 -v \
    twitter:filter
exit_is s420 0
t_match "s420_retry_after" "$(cat "$T_TMP/s420.err")" \
    'HTTP 420.*reconnecting in 0\.0(6[3-9]|7[0-7])'

# 5. 429 with x-rate-limit-reset.
sd_start s429 --fault 1:status=429,reset-in=30
sl s429 --api-base "$(base)" --track a -n 10 --time-scale 0.01 -v \
    twitter:filter
exit_is s429 0
t_match "s429_rate_reset" "$(cat "$T_TMP/s429.err")" \
    'HTTP 429.*reconnecting in 0\.(2[7-9]|3[0-3])'

# 6. Bad credentials: 401 is final, exit 6, the server's words.
sd_start auth401
SLUICE_CONSUMER_SECRET=wrong sl auth401 --api-base "$(base)" --track a \
    twitter:filter
exit_is auth401 6
t_match "auth401_says_401" "$(cat "$T_TMP/auth401.err")" 'HTTP 401'
stat_is auth401 reconnects 0

# 7. Fatal statuses: 403 -> 6, 404 and 406 -> 8, no retry.
for st in 403:6 404:8 406:8 413:8; do
	code=${st%:*}
	sd_start "s$code" --fault "1:status=$code"
	sl "s$code" --api-base "$(base)" --track a --time-scale 0.01 \
	    twitter:filter
	exit_is "s$code" "${st#*:}"
	stat_is "s$code" reconnects 0
done

# 8. Retries exhausted on 503 with a generic URL: exit 8.
sd_start s503x --fault '*:status=503'
sl s503x --retry 2 --time-scale 0.01 "$(base)/stream/10"
exit_is s503x 8
stat_is s503x reconnects 2

# 9. Disconnect messages: code 4 reconnects, code 6 is final (exit 6).
sd_start disc4 --fault 1:disconnect=4,after=20
sl disc4 --api-base "$(base)" --track a -n 60 --time-scale 0.01 \
    twitter:filter
exit_is disc4 0
stat_is disc4 reconnects 1
stat_ge disc4 control 1
exactly_once disc4 --partial-last
sd_start disc6 --fault 1:disconnect=6,after=20
sl disc6 --api-base "$(base)" --track a --time-scale 0.01 twitter:filter
exit_is disc6 6
stat_is disc6 written 20
t_match "disc6_says_code" "$(cat "$T_TMP/disc6.err")" 'disconnect code 6'

# 10. Stall: nothing for 3 s with --stall 1 -> reconnect.
sd_start stall --fault 1:stall=3,after=10
sl stall --api-base "$(base)" --track a -n 30 --stall 1 twitter:filter
exit_is stall 0
stat_is stall reconnects 1
exactly_once stall --partial-last

# 11. Keep-alives only for 2.5 s with --stall 1: no reconnect.
sd_start stallka --fault 1:stall-ka=2.5,after=10,ka=0.3
sl stallka --api-base "$(base)" --track a -n 30 --stall 1 twitter:filter
exit_is stallka 0
stat_is stallka reconnects 0
stat_ge stallka keepalives 5

# 12. Oversize message: skipped and counted, the stream goes on.
sd_start oversize --fault 1:oversize=100000,after=5
sl oversize --api-base "$(base)" --track a -n 20 twitter:filter
exit_is oversize 0
stat_is oversize oversize 1
exactly_once oversize --partial-last

# 13. Invalid JSON with --json: skipped and counted.
sd_start badjson --fault 1:badjson,after=5
sl badjson --json --api-base "$(base)" --track a -n 20 twitter:filter
exit_is badjson 0
stat_is badjson invalid 1

# 14. Protocol errors: a bad gzip CRC, a chunk-size overflow, garbage
# inside the gzip stream.  With --retry 0: exit 7, every whole message
# already received kept.
for kind in badcrc chunk-overflow garbage-raw=64 chunk-badhex; do
	pn=p$(echo "$kind" | tr -c 'a-z0-9\n' '_')
	sd_start "$pn" --fault "1:$kind,after=10"
	sl "$pn" --retry 0 "$(base)/stream/100000"
	exit_is "$pn" 7
	stat_ge "$pn" written 10
done

# 15. Trickle: one byte every ms, messages still whole; the stream then
# ends cleanly (--count) and with --retry 0 that is exit 0.
sd_start trickle --count 4 --fault 1:trickle=1,after=2
sl trickle --retry 0 --api-base "$(base)" --track a twitter:filter
exit_is trickle 0
stat_is trickle written 4
exactly_once trickle

# 16. X API v2 with backfill: the replayed messages are dropped by the id
# ring, the output is the full sequence with no gap.
sd_start v2 --fault 1:rst=boundary,after=30
sl v2 --api-base "$(base)" --backfill 2 -n 100 --time-scale 0.01 x:sample
exit_is v2 0
stat_ge v2 duplicates 1
exactly_once v2 --dedupe --partial-last

# 17. SSE with Last-Event-ID resume: no gap, no duplicate.
sd_start sse --fault 1:rst=msg,after=25
sl sse --retry 3 --time-scale 0.01 -n 80 "$(base)/sse"
exit_is sse 0
stat_is sse reconnects 1
exactly_once sse --partial-last

# 18. The server's clock is 10 min behind: 401 + Date, one corrected retry.
sd_start skew --clock-offset -600
sl skew --api-base "$(base)" --track a -n 5 --time-scale 0.01 -v \
    twitter:filter
exit_is skew 0
t_match "skew_said" "$(cat "$T_TMP/skew.err")" 'correcting the OAuth timestamp'

# 19. A finished stream (/stream/N) with --retry 0 is the normal end.
sd_start finite
sl finite "$(base)/stream/25"
exit_is finite 0
stat_is finite written 25

# 20. --record then --replay: byte-identical output.
sd_start record
sl record --record "$T_TMP/wire.raw" "$(base)/stream/300"
sl replayed --replay "$T_TMP/wire.raw"
t_ok "replay_identical_to_live" cmp -s "$T_TMP/record.out" \
    "$T_TMP/replayed.out"

# 21. SIGINT: finish, flush, print the counters, exit 0.
sd_start sigint --rate 200
./sluice --api-base "$(base)" --track a twitter:filter \
    >"$T_TMP/sigint.out" 2>"$T_TMP/sigint.err" &
pid=$!
sleep 1.5
kill -INT $pid
wait $pid
RC=$?
exit_is sigint 0
t_match "sigint_stats_line" "$(cat "$T_TMP/sigint.err")" 'written=[1-9]'
exactly_once sigint --partial-last

# 22. Connection refused with retries: network class, exit 4.
port=$(t_free_port)
sl refused --retry 3 --time-scale 0.01 "http://127.0.0.1:$port/"
exit_is refused 4
stat_is refused reconnects 3

# 23. An address as the host: checked against the certificate's iPAddress
# names (test/mkcerts.sh's has IP:127.0.0.1), no SNI.  A certificate for
# another name only: exit 5, no retry.
sd_start ipaddr --tls --cert test/out/certs/server.pem \
    --key test/out/certs/server.key
sl ipaddr --cacert "$CA" "https://127.0.0.1:$SD_PORT/stream/50" -n 20
exit_is ipaddr 0
t_ok "ipaddr_20_lines" [ "$(wc -l < "$T_TMP/ipaddr.out")" -eq 20 ]
exactly_once ipaddr --partial-last
printf 'subjectAltName=DNS:test.example\n' > "$T_TMP/dnsonly.ext"
openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
    -subj "/CN=127.0.0.1" -keyout "$T_TMP/dnsonly.key" \
    -out "$T_TMP/dnsonly.csr" 2>/dev/null
openssl x509 -req -in "$T_TMP/dnsonly.csr" -CA "$CA" \
    -CAkey test/out/certs/ca.key -CAcreateserial \
    -CAserial "$T_TMP/dnsonly.srl" -days 2 -extfile "$T_TMP/dnsonly.ext" \
    -out "$T_TMP/dnsonly.pem" 2>/dev/null
sd_start badname --tls --cert "$T_TMP/dnsonly.pem" \
    --key "$T_TMP/dnsonly.key"
sl badname --retry 3 --cacert "$CA" "https://127.0.0.1:$SD_PORT/stream/5"
exit_is badname 5
t_match "badname_says_why" "$(cat "$T_TMP/badname.err")" \
    'hostname or IP address mismatch'
stat_is badname reconnects 0
sd_start lazy --tls --cert test/out/certs/server.pem \
    --key test/out/certs/server.key

# 23b. Trust anchors are read on demand per full handshake (the default):
# the test CA found among the system bundle's; another CA refused (exit
# 5); a bad --cacert fails at start-up, before any connection.
if [ -s /etc/ssl/certs/ca-certificates.crt ]; then
	cat /etc/ssl/certs/ca-certificates.crt "$CA" > "$T_TMP/bundle.pem"
else
	cp "$CA" "$T_TMP/bundle.pem"
fi
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
    -days 30 -subj "/CN=another CA" -keyout "$T_TMP/other.key" \
    -out "$T_TMP/other.pem" 2>/dev/null
sl lazy_bundle --cacert "$T_TMP/bundle.pem" \
    "https://localhost:$SD_PORT/stream/50" -n 20
exit_is lazy_bundle 0
t_ok "lazy_bundle_20_lines" [ "$(wc -l < "$T_TMP/lazy_bundle.out")" -eq 20 ]
sl lazy_other_ca --retry 3 --cacert "$T_TMP/other.pem" \
    "https://localhost:$SD_PORT/stream/5"
exit_is lazy_other_ca 5
t_match "lazy_other_ca_says_why" "$(cat "$T_TMP/lazy_other_ca.err")" \
    'unknown issuer'
# (nothing listens on $nowhere: a connection attempt would exit 4)
nowhere="https://127.0.0.1:$(t_free_port)/stream/5"
sl lazy_missing --cacert "$T_TMP/none.pem" "$nowhere"
exit_is lazy_missing 1
t_match "lazy_missing_says_why" "$(cat "$T_TMP/lazy_missing.err")" \
    "trust anchors from $T_TMP/none.pem: cannot open CA file"
: > "$T_TMP/empty.pem"
sl lazy_empty --cacert "$T_TMP/empty.pem" "$nowhere"
exit_is lazy_empty 1
t_match "lazy_empty_says_why" "$(cat "$T_TMP/lazy_empty.err")" \
    'no trust anchors found'

# 24. The embedding example (doc/embedding.md) against a live stream.
sd_start embed
out=$(test/embed "$(base)/stream/500" 2>"$T_TMP/embed.err"); RC=$?
exit_is embed 0
t_match "embed_counts_100_tweets" "$out" '^100 tweets, [0-9]+ deletes$'

# 25. sluice rules: list, add (with tag, dry run), delete, against the
# X API v2 rules endpoint.
sd_start rules
sl rules_add rules --api-base "$(base)" add 'from:NASA has:media' --tag nasa
exit_is rules_add 0
t_match "rules_add_reply" "$(cat "$T_TMP/rules_add.out")" '"value":"from:NASA has:media"'
id=$(sed -n 's/.*"id":"\([0-9]*\)".*/\1/p' "$T_TMP/rules_add.out" | head -1)
sl rules_list rules --api-base "$(base)" list
t_match "rules_list_shows_it" "$(cat "$T_TMP/rules_list.out")" '"tag":"nasa"'
sl rules_dry rules --api-base "$(base)" add 'x' --dry-run
t_match "rules_dry_run" "$(cat "$T_TMP/rules_dry.out")" 'dry|summary'
sl rules_del rules --api-base "$(base)" delete "$id"
exit_is rules_del 0
sl rules_list2 rules --api-base "$(base)" list
t_ok "rules_deleted" sh -c "! grep -q nasa '$T_TMP/rules_list2.out'"
SLUICE_BEARER_TOKEN=wrong sl rules_bad rules --api-base "$(base)" list
exit_is rules_bad 6

# 26. SIGUSR1 prints the counters; SIGHUP reopens -o (logrotate).
sd_start signals --rate 300
./sluice -q --api-base "$(base)" --track a -o "$T_TMP/cap.ndjson" \
    twitter:filter 2>"$T_TMP/signals.err" &
pid=$!
sleep 1
kill -USR1 $pid
sleep 0.3
mv "$T_TMP/cap.ndjson" "$T_TMP/cap.1"
kill -HUP $pid
sleep 1
kill -TERM $pid
wait $pid
RC=$?
exit_is signals 0
t_match "sigusr1_prints_counters" "$(cat "$T_TMP/signals.err")" 'received=[0-9]+ written='
t_ok "sighup_reopened_output" [ -s "$T_TMP/cap.ndjson" ]
cat "$T_TMP/cap.1" "$T_TMP/cap.ndjson" > "$T_TMP/signals.out"
exactly_once signals --partial-last

# 27. On a terminal: the one-line live status on stderr.
if command -v script >/dev/null 2>&1; then
	sd_start tty --rate 100
	script -qfc "./sluice --api-base $(base) --track a --max-time 2.5 \
	    -o /dev/null twitter:filter" "$T_TMP/tty.log" >/dev/null 2>&1
	t_match "tty_status_line" "$(tr '\r' '\n' < "$T_TMP/tty.log")" \
	    '[0-9]+ msgs +[0-9]+ msg/s +[0-9.]+ MB +0 reconnects +streaming'
else
	t_skip tty_status_line "script(1) not installed"
fi

# 28. Through an HTTP CONNECT proxy (tinyproxy), TLS end to end.
if command -v tinyproxy >/dev/null 2>&1; then
	sd_start proxy --tls --cert test/out/certs/server.pem \
	    --key test/out/certs/server.key
	pp=$(t_free_port)
	printf 'Port %s\nListen 127.0.0.1\nTimeout 30\nMaxClients 4\nLogLevel Error\nPidFile "%s"\n' \
	    "$pp" "$T_TMP/tp.pid" > "$T_TMP/tp.conf"
	tinyproxy -d -c "$T_TMP/tp.conf" >"$T_TMP/tp.log" 2>&1 &
	T_PIDS="$T_PIDS $!"
	t_wait_port "$pp"
	sl proxy --proxy "http://127.0.0.1:$pp" --cacert "$CA" \
	    "https://localhost:$SD_PORT/stream/40"
	exit_is proxy 0
	stat_is proxy written 40
else
	t_skip proxy "tinyproxy not installed"
fi
sd_stop
t_done
