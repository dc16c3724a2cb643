#!/bin/sh
# Redis sink throughput -- MIT licensed.  Messages/s of test/rsinkdrv in
# list mode (RPUSH, pipelined through sinkredis.c, every reply checked)
# side by side with redis-benchmark -t rpush -P 16 at the same payload
# size on the same server, in this one run.  Prints ratios; asserts
# nothing.  Goal: ratio >= 0.7.
. test/lib.sh
command -v redis-server >/dev/null 2>&1 &&
    command -v redis-benchmark >/dev/null 2>&1 || {
	echo "bench_redis: redis-server/redis-benchmark missing; skipped"
	exit 0
}
[ -x test/rsinkdrv ] || make -s test/rsinkdrv || exit 1
P=$(t_free_port)
redis-server --port "$P" --bind 127.0.0.1 --save '' --appendonly no \
    --daemonize no --dir "$T_TMP" >"$T_TMP/redis.log" 2>&1 &
RP=$!
T_PIDS="$T_PIDS $RP"
t_wait_port "$P" || { echo "bench_redis: redis did not start"; exit 1; }

printf '%-8s %9s %14s %14s %7s\n' payload messages "sluice msg/s" \
    "redis-bench/s" ratio
for size in 128 1024 4096; do
	case $size in
	128) n=400000 ;;
	1024) n=200000 ;;
	*) n=50000 ;;
	esac
	best_s=0
	best_b=0
	for round in 1 2 3; do
		redis-cli -p "$P" FLUSHALL >/dev/null
		s=$(./test/rsinkdrv -u "redis://127.0.0.1:$P" -k benchq \
		    -n "$n" -s "$size" 2>/dev/null |
		    sed -n 's/.* rate \([0-9]*\).*/\1/p')
		redis-cli -p "$P" FLUSHALL >/dev/null
		b=$(redis-benchmark -p "$P" -t rpush -P 16 -d "$size" \
		    -n "$n" --csv 2>/dev/null |
		    awk -F'"' '$2 == "RPUSH" { printf "%d", $4 }')
		[ "${s:-0}" -gt "$best_s" ] && best_s=$s
		[ "${b:-0}" -gt "$best_b" ] && best_b=$b
	done
	ratio=$(awk -v a="$best_s" -v b="$best_b" \
	    'BEGIN { if (b > 0) printf "%.2f", a / b; else print "n/a" }')
	printf '%-8s %9s %14s %14s %7s\n' "$size" "$n" "$best_s" "$best_b" \
	    "${ratio}x"
done
echo "(best of 3 each; sluice: rsinkdrv list mode, default 4 MiB backlog;"
echo " redis-benchmark: -t rpush -P 16 -d SIZE, 50 clients)"
kill "$RP" 2>/dev/null
wait "$RP" 2>/dev/null
exit 0
