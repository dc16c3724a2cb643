#!/bin/sh
# sluice -- MIT licensed, see LICENSE.
# test/fuzz/run.sh SECONDS TARGET...   run each libFuzzer target
# test/fuzz/run.sh replay TARGET...    replay the corpora (no libFuzzer)
# Corpora: test/out/seed/T (mkseeds.py), test/fuzz/seed_T (in git),
# test/fuzz/regress/T (crash regressions, in git), test/out/fuzz_T (grown).
# Prints one summary line per target (also to test/out/fuzz-summary.txt).
cd "$(dirname "$0")/../.." || exit 2
secs=$1
shift
mkdir -p test/out
fail=0
for t in "$@"; do
	dirs=
	for d in test/out/seed/$t test/fuzz/seed_$t test/fuzz/regress/$t; do
		[ -d "$d" ] && dirs="$dirs $d"
	done
	[ "$t" = json ] && dirs="$dirs test/msg"
	if [ "$secs" = replay ]; then
		test/fuzz/replay_$t $dirs || fail=1
		continue
	fi
	opts=
	[ "$t" = json ] && opts=-max_len=4096
	[ "$t" = pipeline ] && opts=-max_len=16384
	mkdir -p test/out/fuzz_$t
	log=test/out/fuzz_$t.log
	test/fuzz/fuzz_$t -max_total_time="$secs" -print_final_stats=1 \
	    -artifact_prefix=test/out/crash-$t- $opts test/out/fuzz_$t \
	    $dirs > "$log" 2>&1
	rc=$?
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
	cov=$(grep -aE '^#[0-9]+.*(DONE|pulse|NEW|REDUCE|INITED)' "$log" |
	    tail -1 | sed -n 's/.*cov: \([0-9]*\).*ft: \([0-9]*\).*/\1 \2/p')
	line="fuzz_$t: ${secs}s execs=${execs:-?} cov/ft=${cov:-?} rc=$rc"
	echo "$line"
	echo "$(date -u +%FT%TZ) $line" >> test/out/fuzz-summary.txt
	if [ $rc -ne 0 ]; then
		tail -40 "$log"
		fail=1
	fi
done
exit $fail
