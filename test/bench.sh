#!/bin/sh
# sluice benchmarks -- MIT licensed.  Runs every test/bench_* program and
# test/bench_*.sh script; each prints its own table of figures measured side
# by side in this one run (ratios, never timed assertions).
# Corpus: test/out/tweets.ndjson, generated once by test/corpus.py.
mkdir -p test/out
if [ ! -s test/out/tweets.ndjson ]; then
	/usr/bin/python3 test/corpus.py --bytes 67108864 -s 7 \
	    > test/out/tweets.ndjson || exit 1
fi
for b in test/bench_*; do
	case $b in
	*.c|*.cpp|*.o) ;;
	*.sh) echo "== $b"; sh "$b" || echo "bench $b failed" ;;
	*) [ -x "$b" ] && { echo "== $b"; "$b" || echo "bench $b failed"; } ;;
	esac
done
