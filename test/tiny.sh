#!/bin/sh
# The `make tiny` feature switches, with the host compiler (fast; the
# static musl build of test/static.sh uses the same switches): a sluice
# built with SLUICE_NO_WEB, SLUICE_NO_REDIS, SLUICE_NO_SSE,
# SLUICE_NO_PROXY, FRAME_NO_SSE, SOCK_NO_PROXY (and INFLATE_SMALL, the
# small CRC) says so in --version,
# refuses those options with words naming the switch, holds none of
# their code, and still captures (gzip, chunked, length framing).
# MIT licensed, see LICENSE.
. test/lib.sh
dir=build-tinytest
feat="-DSLUICE_NO_WEB -DSLUICE_NO_REDIS -DSLUICE_NO_SSE -DSLUICE_NO_PROXY"
feat="$feat -DFRAME_NO_SSE -DSOCK_NO_PROXY -DINFLATE_SMALL"
rm -rf "$dir" && mkdir -p "$dir" || exit 1
cp -Rp *.c *.h Makefile config.mk web "$dir/" || exit 1
[ -d build-deps ] && cp -R build-deps "$dir/"
(cd "$dir" && rm -f config.h && make CPPFLAGS="$feat" \
    CFLAGS="-O1 -ffunction-sections -fdata-sections" \
    LDFLAGS="-Wl,--gc-sections" sluice) >"$T_TMP/build.log" 2>&1
t_ok build [ -x "$dir/sluice" ]
[ -x "$dir/sluice" ] || { tail -n 20 "$T_TMP/build.log"; exit 1; }
S=$dir/sluice

t_match features "$($S --version)" '^features: -web -redis -sse -proxy$'
t_match help_no_serve "$($S --help | grep -c -- '--serve\|--redis\|--proxy')" \
    '^0$'

# refused OPTION... ERE: the option fails with exit 2 and words matching ERE
refused() {
	opt=$1
	want=$2
	shift 2
	err=$($S "$@" http://127.0.0.1:1/ 2>&1 >/dev/null)
	rc=$?
	t_ok "${opt}_exit_2" [ $rc -eq 2 ]
	t_match "${opt}_says" "$err" "$want"
}
refused serve 'built without the web view \(SLUICE_NO_WEB\)' --serve 8080
refused serve_token 'SLUICE_NO_WEB' --serve-token x
refused serve_rate 'SLUICE_NO_WEB' --serve-rate 100
refused redis 'built without the Redis sink \(SLUICE_NO_REDIS\)' \
    --redis redis://127.0.0.1/
refused redis_list 'SLUICE_NO_REDIS' --redis-list k
refused proxy 'built without proxy support \(SLUICE_NO_PROXY\)' \
    --proxy http://127.0.0.1:3128
refused sse 'built without SSE framing \(SLUICE_NO_SSE\)' --framing sse
err=$($S serve --from-redis redis://127.0.0.1/c --serve 1 2>&1)
t_ok serve_subcommand_refused [ $? -ne 0 ]

# None of the left-out code is in the binary.
if command -v nm >/dev/null 2>&1; then
	syms=$(nm "$S" | awk '$2 ~ /^[TtDdRr]$/ { print $3 }')
	t_match no_web_code "$(printf '%s\n' "$syms" | grep -c '^web_')" '^0$'
	t_match no_redis_code \
	    "$(printf '%s\n' "$syms" | grep -c '^rsink_\|^resp_')" '^0$'
	t_match no_proxy_code \
	    "$(printf '%s\n' "$syms" | grep -c '^proxy_')" '^0$'
	t_match no_sse_code "$(printf '%s\n' "$syms" | grep -c '^sse_')" '^0$'
fi

# It still captures: the replay cases of test/replay.sh that need none of
# the left-out features, byte for byte.
for case in lines_gzip_chunked length_framing deflate_length; do
	/usr/bin/python3 test/mkreplay.py "$case" "$T_TMP" >/dev/null || {
		echo "FAIL $T_NAME:$case: mkreplay"; T_FAILED=1; continue; }
	$S -q --replay "$T_TMP/$case.raw" >"$T_TMP/$case.out" 2>"$T_TMP/err"
	t_ok "${case}_exit_0" [ $? -eq 0 ]
	t_ok "${case}_output" cmp -s "$T_TMP/$case.out" "$T_TMP/$case.want"
done
# An SSE stream is refused by name, not mis-framed as lines.
/usr/bin/python3 test/mkreplay.py sse "$T_TMP" >/dev/null
$S -q --replay "$T_TMP/sse.raw" >"$T_TMP/sse.out" 2>"$T_TMP/sse.err"
t_ok sse_stream_fails [ $? -ne 0 ]
t_match sse_stream_says "$(cat "$T_TMP/sse.err")" 'FRAME_NO_SSE'
t_ok sse_stream_no_output [ ! -s "$T_TMP/sse.out" ]
exit $T_FAILED
