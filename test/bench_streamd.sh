#!/bin/sh
# test/streamd throughput -- MIT licensed.  One client reads N messages
# (about 4 KB each) from /stream/N over identity, gzip (the per-connection
# zlib compressor, level 1, Z_SYNC_FLUSH per message) and --gzip-fast
# (precompressed messages), with curl and with a Python client.  Prints MB/s
# of decompressed stream (wall clock, both sides sharing this machine) and
# streamd's own CPU seconds per GB.  Figures, never assertions.
N=${STREAMD_BENCH_N:-20000}
PY=/usr/bin/python3
tmp=$(mktemp -d)
pid=
trap '[ -n "$pid" ] && kill $pid 2>/dev/null; rm -rf "$tmp"' EXIT
now() { $PY -c 'import time; print(time.time())'; }
cpu() { awk '{print ($14 + $15) / 100}' /proc/$pid/stat; }
pyclient() {
	$PY - "$1" "$2" <<'PY'
import http.client, sys, zlib
c = http.client.HTTPConnection("127.0.0.1", int(sys.argv[1]))
c.request("GET", "/stream/%d" % int(sys.argv[2]),
          headers={"Accept-Encoding": "gzip"})
r = c.getresponse()
d = zlib.decompressobj(31) if r.getheader("Content-Encoding") else None
n = 0
while True:
    b = r.read1(262144)
    if not b:
        break
    n += len(d.decompress(b)) if d else len(b)
print(n)
PY
}
printf '%-10s %-9s %-7s %10s %9s %12s\n' mode encoding client bytes MB/s \
    "cpu-s/GB"
for mode in stream fast; do
	rm -f "$tmp/port"
	extra=
	[ $mode = fast ] && extra=--gzip-fast
	test/streamd --port 0 --port-file "$tmp/port" $extra >/dev/null &
	pid=$!
	while [ ! -s "$tmp/port" ]; do sleep 0.01; done
	p=$(cat "$tmp/port")
	for enc in identity gzip; do
		[ $mode = fast ] && [ $enc = identity ] && continue
		for client in curl python; do
			c0=$(cpu)
			t0=$(now)
			if [ $client = curl ]; then
				z=
				[ $enc = gzip ] && z=--compressed
				b=$(curl -s $z "http://127.0.0.1:$p/stream/$N" |
				    wc -c)
			elif [ $enc = gzip ]; then
				b=$(pyclient "$p" "$N")
			else
				b=$($PY -c 'import sys, urllib.request as u
n = 0
r = u.urlopen("http://127.0.0.1:%s/stream/%s" % tuple(sys.argv[1:]))
while True:
    x = r.read1(262144)
    if not x: break
    n += len(x)
print(n)' "$p" "$N")
			fi
			t1=$(now)
			c1=$(cpu)
			$PY -c "import sys
b, t, c = $b, $t1 - $t0, $c1 - $c0
print('%-10s %-9s %-7s %10d %9.1f %12.2f' % ('$mode', '$enc',
      '$client', b, b / t / 1e6, c / (b / 1e9)))"
		done
	done
	kill $pid
	wait $pid 2>/dev/null
	pid=
done
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
