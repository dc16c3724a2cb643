#!/bin/sh
# End-to-end tests of the whole pipeline through --replay: raw responses
# built by test/mkreplay.py (chunked, gzip, deflate, length framing, SSE,
# control messages, truncation, oversize, invalid JSON, bad gzip CRC,
# error status).  Output must be byte-identical; counters exact; exit
# codes as documented.
# SLUICE runs the binary under test (default ./sluice; cross builds set it
# to an emulator command line, see test/cross.sh).
. test/lib.sh
: "${SLUICE:=./sluice}"

# run CASE EXIT [OPTIONS...]: replays CASE, checks exit code, output and
# every expected counter.
run() {
	case=$1
	want_rc=$2
	shift 2
	stats=$(/usr/bin/python3 test/mkreplay.py "$case" "$T_TMP") || {
		echo "FAIL $T_NAME:$case: mkreplay"; T_FAILED=1; return; }
	$SLUICE -q --stats-json "$T_TMP/$case.stats" --replay \
	    "$T_TMP/$case.raw" "$@" > "$T_TMP/$case.out" 2> "$T_TMP/$case.err"
	rc=$?
	t_ok "${case}_exit_$want_rc" [ $rc -eq "$want_rc" ]
	[ $rc -eq "$want_rc" ] || sed 's/^/    /' "$T_TMP/$case.err"
	if [ "$case" != bad_gzip_crc ]; then
		t_ok "${case}_output" cmp -s "$T_TMP/$case.out" \
		    "$T_TMP/$case.want"
	fi
	for kv in $stats; do
		k=${kv%=*}
		v=${kv#*=}
		t_match "${case}_$k" "$(cat "$T_TMP/$case.stats")" "\"$k\":$v[,}]"
	done
}

run lines_gzip_chunked 0
run lines_identity_close 0
run length_framing 0
run sse 0
run deflate_length 0
run control 0
run disconnect 4
run truncated 4
run truncated_close 0
run oversize 0
run invalid_json 0 --json
run bad_gzip_crc 7
run gzip_framing_error 7
run status_503 8

# Without --json, invalid messages are delivered as they are.
/usr/bin/python3 test/mkreplay.py invalid_json "$T_TMP" >/dev/null
n=$($SLUICE -q --replay "$T_TMP/invalid_json.raw" | wc -l)
t_ok "invalid_json_delivered_without_json" [ "$n" -eq 302 ]

# -n N delivers exactly N, at any N.
for n in 1 7 150 299; do
	c=$($SLUICE -q -n $n --replay "$T_TMP/lines_gzip_chunked.raw" | wc -l)
	t_ok "max_messages_$n" [ "$c" -eq $n ]
done

# --raw delivers control messages too.
c=$($SLUICE -q --raw --replay "$T_TMP/control.raw" | wc -l)
t_ok "raw_delivers_control" [ "$c" -eq 303 ]

# --only geo and --has filter; counts agree with Python's view.
want=$(/usr/bin/python3 -c '
import json,sys
n=0
for l in open(sys.argv[1],"rb"):
    m=json.loads(l)
    if m.get("coordinates") or (m.get("place") or {}).get("bounding_box"):
        n+=1
print(n)' "$T_TMP/lines_gzip_chunked.want")
c=$($SLUICE -q --only geo --replay "$T_TMP/lines_gzip_chunked.raw" | wc -l)
t_ok "only_geo_count_$want" [ "$c" -eq "$want" ]
want=$(grep -c '"retweeted_status"' "$T_TMP/lines_gzip_chunked.want")
c=$($SLUICE -q --has retweeted_status.user.screen_name \
    --replay "$T_TMP/lines_gzip_chunked.raw" | wc -l)
t_ok "has_path_count_$want" [ "$c" -eq "$want" ]

# Output errors: exit 3, saying how many messages were written.
$SLUICE -q --replay "$T_TMP/lines_gzip_chunked.raw" -o /dev/full \
    2>"$T_TMP/err"; rc=$?
t_ok "output_full_exit_3" [ $rc -eq 3 ]
t_match "output_full_says_count" "$(cat "$T_TMP/err")" \
    'cannot write .*messages written'

# --max-bytes stops at the first message boundary at or after N bytes.
$SLUICE -q --max-bytes 10000 --replay "$T_TMP/lines_gzip_chunked.raw" \
    > "$T_TMP/mb.out"; rc=$?
t_ok "max_bytes_exit_0" [ $rc -eq 0 ]
want=$(/usr/bin/python3 -c '
import sys
n = t = 0
for l in open(sys.argv[1], "rb"):
    n += 1; t += len(l) - 1
    if t >= 10000: break
print(n)' "$T_TMP/lines_gzip_chunked.want")
t_ok "max_bytes_boundary_$want" [ "$(wc -l < "$T_TMP/mb.out")" -eq "$want" ]

# A replay file that does not exist.
$SLUICE -q --replay "$T_TMP/nope.raw" 2>"$T_TMP/err"; rc=$?
t_ok "missing_replay_exit_1" [ $rc -eq 1 ]
t_match "missing_replay_named" "$(cat "$T_TMP/err")" "nope.raw"
t_done
