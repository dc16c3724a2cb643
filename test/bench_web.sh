#!/bin/sh
# bench_web: what serving the live view costs the capture loop.  MIT
# licensed, see LICENSE.  test/webdrv publishes N synthetic messages at
# RATE per second (the projections are ~250 B) with no viewer, then with
# 50 SSE viewers plus one stalled viewer (test/webclient.py fanout, which
# also checks that every viewer got every message in order).  The figure
# is the driver's CPU time per message: what the capture loop pays for the
# viewers.  The Python readers share the machine's 2 cores, so wall time
# is fixed by the rate and not compared.
N=${N:-30000}
RATE=${RATE:-5000}
PY=/usr/bin/python3
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

one() {	# one VIEWERS -> "cpu_s"
	: >"$tmp/out"
	./test/webdrv -r "$RATE" -n "$N" -w $(($1 + 1)) -T 120 >"$tmp/out" &
	pid=$!
	while ! grep -q '^port ' "$tmp/out"; do sleep 0.05; done
	port=$(awk '/^port /{print $2}' "$tmp/out")
	if [ "$1" -gt 0 ]; then
		WEB_TOTAL=$N $PY test/webclient.py fanout "$port" "$pid" "$1" \
		    >"$tmp/py" 2>&1 || echo "bench_web: fanout failed:" \
		    "$(tail -n 1 "$tmp/py")" >&2
	else
		$PY - "$port" <<'PY'
import socket, sys
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
s.sendall(b"GET /events HTTP/1.1\r\n\r\n")   # the one stalled viewer
import time; time.sleep(0.5)
PY
	fi
	while ! grep -q '^bench ' "$tmp/out"; do sleep 0.05; done
	kill "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	awk '/^bench /{print $7}' "$tmp/out"
}

echo "web: $N messages at $RATE/s published by test/webdrv"
printf '%-12s %10s %12s %10s\n' viewers cpu_s cpu_us/msg ratio
base=$(one 0)
printf '%-12s %10s %12.2f %10s\n' "0+1" "$base" \
    "$(echo "$base * 1000000 / $N" | bc -l)" 1.00
c=$(one 50)
printf '%-12s %10s %12.2f %10.2f\n' "50+1" "$c" \
    "$(echo "$c * 1000000 / $N" | bc -l)" "$(echo "$c / $base" | bc -l)"
echo "(for scale: capturing one ~3.4 KB tweet costs ~16 us of inflate +"
echo " JSON at the PLATFORM.md reference speeds)"
