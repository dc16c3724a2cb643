#!/bin/sh
# sluice end-to-end bench -- MIT licensed.  One local nginx serves the
# generated tweet corpus over TLS 1.2 (ECDHE-RSA-AES128-GCM-SHA256), gzip -6
# precompressed (gzip_static) and chunked (the addition filter drops the
# length); in one run, side by side, each client reads the whole stream:
#   sluice --raw      framing only (no JSON at all)
#   sluice            default: control messages recognised
#   sluice --json     every message validated
#   curl --compressed -o /dev/null (validates nothing)
#   Python requests + iter_lines + json.loads per line
#   tweepy's Stream (Debian python3-tweepy), its own _connect and on_data
# Figures per client (median of BENCH_E2E_REPS runs, clients interleaved):
# CPU seconds (user+sys, wait4 rusage) per GB of decompressed stream,
# messages/s, peak RSS; ratios to curl and tweepy and the goals of issue 9.
# Figures, never assertions.  Knobs: BENCH_E2E_COPIES (corpus copies
# served, default 3: about 200 MB), BENCH_E2E_REPS (default 3),
# BENCH_E2E_SLUICE (the binary, default ./sluice), BENCH_E2E_STATIC (a
# second, statically linked sluice -- e.g. musl, see README -- measured too:
# a dynamic glibc process starts at about 1 MB of RSS before main()).
PY=/usr/bin/python3
copies=${BENCH_E2E_COPIES:-3}
reps=${BENCH_E2E_REPS:-3}
sluice=${BENCH_E2E_SLUICE:-./sluice}
src=test/out/tweets.ndjson
if ! command -v nginx >/dev/null 2>&1; then
	echo "bench_e2e: nginx not installed (test/deps.sh bench)"; exit 0
fi
[ -s "$src" ] || { echo "bench_e2e: no $src (run test/bench.sh)"; exit 1; }
for b in "$sluice" test/rusage; do
	[ -x "$b" ] || { echo "bench_e2e: no $b (make bench)"; exit 1; }
done

# The served corpus, cached in test/out: COPIES times the corpus, gzip -6.
www=test/out/e2e-www
gz=$www/tweets.json.gz
stamp="$copies $(wc -c < "$src")"
if [ ! -s "$gz" ] || [ "$(cat "$www/stamp" 2>/dev/null)" != "$stamp" ] ||
    [ "$src" -nt "$gz" ]; then
	mkdir -p "$www"
	i=0
	while [ $i -lt "$copies" ]; do cat "$src"; i=$((i + 1)); done |
	    gzip -6 -n > "$gz.tmp" && mv "$gz.tmp" "$gz" || exit 1
	echo "$stamp" > "$www/stamp"
fi
: > "$www/empty.txt"
sh test/mkcerts.sh test/out/e2e-certs || exit 1
bytes=$(($(wc -c < "$src") * copies))
msgs=$(($(wc -l < "$src") * copies))

tmp=$(mktemp -d)
pid=
trap '[ -n "$pid" ] && kill $pid 2>/dev/null; rm -rf "$tmp"' EXIT
port=$($PY -c 'import socket; s = socket.socket()
s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
top=$(pwd)
cat > "$tmp/nginx.conf" <<NGX
daemon off;
master_process off;
worker_processes 1;
pid $tmp/nginx.pid;
error_log $tmp/error.log;
events { worker_connections 64; }
http {
	access_log off;
	client_body_temp_path $tmp;
	proxy_temp_path $tmp;
	fastcgi_temp_path $tmp;
	uwsgi_temp_path $tmp;
	scgi_temp_path $tmp;
	types { application/json json; text/plain txt; }
	server {
		listen 127.0.0.1:$port ssl;
		ssl_certificate $top/test/out/e2e-certs/server.pem;
		ssl_certificate_key $top/test/out/e2e-certs/server.key;
		ssl_protocols TLSv1.2;
		ssl_ciphers ECDHE-RSA-AES128-GCM-SHA256;
		root $top/$www;
		location / {
			gzip_static on;
			addition_types *;
			add_after_body /empty.txt;
		}
		location = /empty.txt { }
	}
}
NGX
nginx -c "$tmp/nginx.conf" -p "$tmp" 2>"$tmp/start.log" &
pid=$!
url=https://localhost:$port/tweets.json
ca=test/out/e2e-certs/ca.pem

# The stand-in clients, run as children of the driver below.
cat > "$tmp/py_requests.py" <<'PY'
import json, sys, requests
n = 0
with requests.get(sys.argv[1], stream=True, verify=sys.argv[2]) as r:
    r.raise_for_status()
    for line in r.iter_lines(chunk_size=16384):
        if line:
            json.loads(line)
            n += 1
print(n)
PY
cat > "$tmp/py_tweepy.py" <<'PY'
# tweepy's v1.1 Stream, unchanged but for the URL: _connect is BaseStream's
# own (requests session, iter_lines(chunk_size=512) as tweepy does), on_data
# is Stream's (json.loads, Status.parse for tweets, dispatch by type).
import sys, tweepy
class S(tweepy.Stream):
    n = 0
    def on_data(self, raw):
        S.n += 1
        return super().on_data(raw)
    def on_status(self, status):
        pass
    def on_closed(self, resp):
        self.disconnect()
    def on_limit(self, track):
        pass
    def on_delete(self, sid, uid):
        pass
s = S("k", "s", "t", "ts", verify=sys.argv[2], max_retries=0)
tweepy.streaming.BaseStream._connect(s, "GET", sys.argv[1])
print(S.n)
PY

$PY - "$url" "$ca" "$sluice" "$bytes" "$msgs" "$reps" "$tmp" "$port" \
    "${BENCH_E2E_STATIC:-}" \
    <<'PY'
import json, os, subprocess, sys, time, statistics, socket
url, ca, sluice, nbytes, nmsgs, reps, tmp, port, static = sys.argv[1:]
nbytes, nmsgs, reps = int(nbytes), int(nmsgs), int(reps)
py = "/usr/bin/python3"
end = time.time() + 5
while True:
    try:
        socket.create_connection(("127.0.0.1", int(port)), 0.2).close()
        break
    except OSError:
        if time.time() > end:
            sys.exit("bench_e2e: nginx did not start: " +
                     open(tmp + "/start.log").read())
        time.sleep(0.05)

# Check the response really is TLS 1.2, chunked and gzip.
hdr = subprocess.run(["curl", "-s", "--compressed", "--cacert", ca, "-D", "-",
                      "-o", "/dev/null", "-w", "%{ssl_version}", url],
                     capture_output=True, text=True).stdout.lower()
te = "chunked" if "transfer-encoding: chunked" in hdr else "NOT chunked"
ce = "gzip" if "content-encoding: gzip" in hdr else "NOT gzip"
try:
    import tweepy
    have_tweepy = True
except ImportError:
    have_tweepy = False

stats = tmp + "/stats.json"
sl = [sluice, "-q", "--stats-json", stats, "--cacert", ca, "-o", "/dev/null"]
clients = [
    ("sluice --raw", sl + ["--raw", url]),
    ("sluice", sl + [url]),
    ("sluice --json", sl + ["--json", url]),
]
if static:
    st = [static, "-q", "--stats-json", stats, "--cacert", ca, "-o",
          "/dev/null"]
    clients += [("static --raw", st + ["--raw", url]),
                ("static --json", st + ["--json", url])]
clients += [
    ("curl", ["curl", "--compressed", "-s", "-o", "/dev/null",
              "--cacert", ca, url]),
    ("python requests", [py, tmp + "/py_requests.py", url, ca]),
]
if have_tweepy:
    clients.append(("tweepy", [py, tmp + "/py_tweepy.py", url, ca]))

res = {name: [] for name, _ in clients}
for r in range(reps):
    for name, argv in clients:
        # test/rusage forks from a small static process: the kernel keeps
        # the pre-exec RSS in a child's maxrss, so not from this Python.
        p = subprocess.run(["test/rusage"] + argv, capture_output=True)
        out = p.stdout
        if p.returncode != 0:
            print("bench_e2e: %s exited with %d: %s" % (name, p.returncode,
                  p.stderr.decode(errors="replace")[-300:]))
        ru = p.stderr.decode().split("rusage ")[-1].split()
        cpu, wall, rss = float(ru[0]) + float(ru[1]), float(ru[2]), int(ru[3])
        got = nmsgs
        if name.startswith(("sluice", "static")):
            got = json.load(open(stats))["received"]
            os.unlink(stats)
        elif name.startswith("python") or name == "tweepy":
            got = int(out.split()[-1])
        if got != nmsgs:
            print("bench_e2e: %s saw %d messages, expected %d"
                  % (name, got, nmsgs))
        res[name].append((cpu, wall, rss))

gb = nbytes / 1e9
med = {}
for name, _ in clients:
    cpu = statistics.median(x[0] for x in res[name])
    wall = statistics.median(x[1] for x in res[name])
    rss = max(x[2] for x in res[name])
    med[name] = (cpu / gb, nmsgs / wall, rss / 1024.0, cpu, wall)
print("nginx, TLS 1.2 ECDHE-RSA-AES128-GCM, %s, %s" % (te, ce))
print("%.0f MB decompressed, %d messages; medians of %d runs"
      % (nbytes / 1e6, nmsgs, reps))
print("%-16s %9s %8s %10s %9s %8s %9s" % ("client", "cpu-s/GB", "wall-s",
      "msgs/s", "peak-RSS", "x curl", "tweepy/x"))
c = med["curl"][0]
t = med["tweepy"][0] if have_tweepy else None
for name, _ in clients:
    cpg, mps, rss, cpu, wall = med[name]
    print("%-16s %9.2f %8.2f %10.0f %7.2fMB %8.2f %9s" % (
        name, cpg, wall, mps, rss, cpg / c,
        "%.1f" % (t / cpg) if t else "-"))
def goal(text, ok):
    print("goal %-52s %s" % (text, "met" if ok else "MISSED"))
goal("sluice --raw cpu <= 0.6x curl (%.2fx)" % (med["sluice --raw"][0] / c),
     med["sluice --raw"][0] <= 0.6 * c)
goal("sluice --json cpu <= 1.0x curl (%.2fx)" % (med["sluice --json"][0] / c),
     med["sluice --json"][0] <= 1.0 * c)
if t:
    goal("sluice --json >= 10x less cpu than tweepy (%.1fx)"
         % (t / med["sluice --json"][0]), t >= 10 * med["sluice --json"][0])
for kind in ("sluice", "static"):
    rss = [med[n][2] for n in med if n.startswith(kind)]
    if rss:
        goal("%s peak RSS <= 1.0 MB (%.2f MB)" % (kind, max(rss)),
             max(rss) <= 1.0)
if not have_tweepy:
    print("tweepy: not installed (apt-get install python3-tweepy)")
PY
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
