#!/bin/sh
# make demo: capture from the bundled test stream server over TLS + gzip +
# chunked + OAuth 1.0a, offline, in well under a minute.
set -e
dir=test/out/demo
mkdir -p "$dir"
sh test/mkcerts.sh test/out/certs >/dev/null
port=$(/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
export SLUICE_CONSUMER_KEY=demo-consumer-key
export SLUICE_CONSUMER_SECRET=demo-consumer-secret
export SLUICE_TOKEN=demo-token
export SLUICE_TOKEN_SECRET=demo-token-secret
/usr/bin/python3 test/streamd --port "$port" --tls \
    --cert test/out/certs/server.pem --key test/out/certs/server.key \
    --rate 400 --keepalive 2 --log "$dir/streamd.log" \
    >"$dir/streamd.out" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null' EXIT INT TERM
/usr/bin/python3 - "$port" <<'PY'
import socket, sys, time
end = time.time() + 5
while time.time() < end:
    try:
        socket.create_connection(("127.0.0.1", int(sys.argv[1])), 0.2).close()
        sys.exit(0)
    except OSError:
        time.sleep(0.05)
sys.exit("streamd did not start")
PY
echo "== streamd on https://localhost:$port (TLS, chunked, gzip, OAuth 1.0a)"
echo "== ./sluice --cacert test/out/certs/ca.pem --api-base https://localhost:$port --track rust,zig --max-time 5 -o $dir/tweets.ndjson twitter:filter"
./sluice --cacert test/out/certs/ca.pem --api-base "https://localhost:$port" \
    --track rust,zig --max-time 5 -o "$dir/tweets.ndjson" twitter:filter
echo "== first messages (user, text):"
head -n 5 "$dir/tweets.ndjson" | /usr/bin/python3 -c '
import json, sys
for line in sys.stdin:
    m = json.loads(line)
    u = (m.get("user") or {}).get("screen_name", "-")
    t = (m.get("text") or json.dumps(m))[:70]
    print("  @%-16s %s" % (u, t))'
echo "== $(wc -l < "$dir/tweets.ndjson") messages in $dir/tweets.ndjson"
