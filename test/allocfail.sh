#!/bin/sh
# Allocation-failure sweep: with test/failmalloc.so preloaded, make every
# malloc/calloc/realloc call of a run fail in turn (the k-th call, for
# every k up to the number the run makes); each must end cleanly -- a
# normal exit code (never a signal), an error message when it is not 0,
# and the right output when it is.  Also checks there is no allocation
# in steady state: a run of 5 messages and a run of 2000 make the same
# number of calls.  Runs: --replay (no network), HTTP and HTTPS to
# 127.0.0.1, and by name (localhost: getaddrinfo's NSS allocates).
. test/lib.sh

SO=$(pwd)/test/failmalloc.so
# A sanitizer build (make check) must come first in the library list.
if ! FAILMALLOC_COUNT=1 LD_PRELOAD=$SO ./sluice --version 2>&1 |
    grep -q '^failmalloc:'; then
	t_skip sweep "cannot preload test/failmalloc.so (sanitizer build?)"
	t_done
fi
sh test/mkcerts.sh test/out/certs > /dev/null
/usr/bin/python3 test/mkreplay.py lines_gzip_chunked "$T_TMP" > /dev/null
/usr/bin/python3 test/streamd --port 0 --port-file "$T_TMP/p" --no-auth \
    > /dev/null 2>&1 &
T_PIDS="$T_PIDS $!"
/usr/bin/python3 test/streamd --port 0 --port-file "$T_TMP/ps" --no-auth \
    --tls --cert test/out/certs/server.pem --key test/out/certs/server.key \
    > /dev/null 2>&1 &
T_PIDS="$T_PIDS $!"
i=0
while { [ ! -s "$T_TMP/p" ] || [ ! -s "$T_TMP/ps" ]; } && [ $i -lt 100 ]; do
	sleep 0.05
	i=$((i + 1))
done
P=$(cat "$T_TMP/p")
PS=$(cat "$T_TMP/ps")

calls() {
	FAILMALLOC_COUNT=1 LD_PRELOAD=$SO ./sluice -q "$@" 2>&1 >/dev/null |
	    sed -n 's/^failmalloc: \([0-9]*\) calls$/\1/p'
}

# glibc 2.36's getaddrinfo does not survive an allocation failure while
# it first loads its NSS configuration (a NULL dereference at
# nss_database.c:402, an assertion at :291).  With gdb, a crash whose
# backtrace is inside nss_database/getaddrinfo is reported as glibc's;
# any other crash fails.
glibc_nss_crash() {
	k=$1
	shift
	gdb -batch -ex run -ex bt --args env FAILMALLOC_N="$k" \
	    LD_PRELOAD="$SO" ./sluice -q "$@" 2>&1 |
	    sed -n '/^#[0-9]/p' | head -10 | grep -q 'nss_\|getaddrinfo'
}

# sweep NAME WANT_LINES ARGS...
sweep() {
	n=$1
	want=$2
	shift 2
	total=$(calls "$@")
	t_ok "${n}_counted" [ -n "$total" ]
	bad=0
	k=1
	while [ "$k" -le "${total:-0}" ]; do
		FAILMALLOC_N=$k LD_PRELOAD=$SO ./sluice -q "$@" \
		    > "$T_TMP/out" 2> "$T_TMP/err"
		rc=$?
		lines=$(wc -l < "$T_TMP/out")
		if [ $rc -ge 126 ] && [ -n "$GLIBC_NSS_OK" ] &&
		    glibc_nss_crash "$k" "$@"; then
			echo "  $n: call $k of $total: crash inside glibc's NSS" \
			    "(getaddrinfo), not sluice" >> "$T_TMP/summary"
		elif [ $rc -ge 126 ] ||
		    { [ $rc -eq 0 ] && [ "$lines" -ne "$want" ]; } ||
		    { [ $rc -ne 0 ] && [ ! -s "$T_TMP/err" ]; }; then
			echo "    call $k of $total: exit $rc, $lines lines"
			sed 's/^/      /' "$T_TMP/err" | head -3
			bad=1
		fi
		k=$((k + 1))
	done
	t_ok "${n}_every_failure_clean" [ $bad -eq 0 ]
	echo "  $n: $total allocation calls, each failed in turn" \
	    >> "$T_TMP/summary"
}

sweep replay 300 --replay "$T_TMP/lines_gzip_chunked.raw"
sweep http 20 -n 20 "http://127.0.0.1:$P/stream/1000"
sweep https 20 -n 20 --insecure "https://127.0.0.1:$PS/stream/1000"
if command -v gdb > /dev/null; then
	GLIBC_NSS_OK=1
	sweep http_by_name 20 -n 20 "http://localhost:$P/stream/1000"
	sweep https_by_name 20 -n 20 --cacert test/out/certs/ca.pem \
	    "https://localhost:$PS/stream/1000"
	GLIBC_NSS_OK=
else
	t_skip by_name "needs gdb to tell glibc's NSS crashes from sluice's"
fi

a=$(calls -n 5 "http://localhost:$P/stream/5000")
b=$(calls -n 2000 "http://localhost:$P/stream/5000")
t_ok "no_steady_state_allocation ($a vs $b)" [ "$a" = "$b" ]
cat "$T_TMP/summary"
t_done
