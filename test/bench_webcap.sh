#!/bin/sh
# bench_webcap: what 50 live viewers cost sluice while it captures at full
# speed.  MIT licensed, see LICENSE.  test/webreaders is the upstream (the
# corpus, chunked, as fast as sluice reads it, from a child process) and
# the viewers (N SSE readers in one process that read everything and check
# the ids are 1, 2, 3, ... without a gap, plus one stalled viewer that
# never reads).  sluice captures to /dev/null with --serve; per case,
# interleaved, median of BENCH_WEBCAP_REPS runs:
#   0      --serve, no viewer
#   50+1   --serve, 50 SSE viewers and the stalled one
# Figures: capture messages/s (wall, upstream's first byte to sluice's
# close), sluice's CPU (user+sys, wait4 rusage) per message, its peak RSS
# (VmHWM), the viewers that got every event, the stalled viewer dropped
# (dropped_slow from /stats).  The readers and the upstream share the 2
# cores with sluice, so the CPU per message is the fairer figure; the
# messages/s is what this box does with everything on it.  Upstreams:
# gzip (COPIES x the corpus, gzip -6, as the streaming APIs send), plain
# (one copy, no compression: the cheapest capture, so the worst case for
# the ratio), and paced (the gzip upstream at BENCH_WEBCAP_RATE messages/s,
# default 20000, about four times X's full firehose: there the figure is
# whether sluice keeps up and what share of a core it takes).  Knobs: BENCH_WEBCAP_REPS (default 3),
# BENCH_WEBCAP_COPIES (default 3), BENCH_WEBCAP_SLUICE (default ./sluice),
# BENCH_WEBCAP_VIEWERS (default 50), BENCH_WEBCAP_INPUTS (default
# "gzip plain").
PY=/usr/bin/python3
reps=${BENCH_WEBCAP_REPS:-3}
copies=${BENCH_WEBCAP_COPIES:-3}
sluice=${BENCH_WEBCAP_SLUICE:-./sluice}
viewers=${BENCH_WEBCAP_VIEWERS:-50}
inputs=${BENCH_WEBCAP_INPUTS:-gzip plain paced}
rate=${BENCH_WEBCAP_RATE:-20000}
src=test/out/tweets.ndjson
[ -s "$src" ] || { echo "bench_webcap: no $src (run test/bench.sh)"; exit 1; }
for b in "$sluice" test/rusage test/webreaders; do
	[ -x "$b" ] || { echo "bench_webcap: no $b (make bench)"; exit 1; }
done
gz=test/out/webcap.json.gz
stamp="$copies $(wc -c < "$src")"
if [ ! -s "$gz" ] || [ "$(cat "$gz.stamp" 2>/dev/null)" != "$stamp" ] ||
    [ "$src" -nt "$gz" ]; then
	i=0
	while [ $i -lt "$copies" ]; do cat "$src"; i=$((i + 1)); done |
	    gzip -6 -n > "$gz.tmp" && mv "$gz.tmp" "$gz" || exit 1
	echo "$stamp" > "$gz.stamp"
fi

$PY - "$sluice" "$reps" "$viewers" "$gz" "$src" "$inputs" "$rate" <<'PY'
import json, os, re, socket, statistics, subprocess, sys, tempfile
sluice, reps, nv, gz, plain = sys.argv[1], int(sys.argv[2]), \
    int(sys.argv[3]), sys.argv[4], sys.argv[5]
inputs = sys.argv[6].split()
rate = float(sys.argv[7])
tmp = tempfile.mkdtemp(prefix="bench_webcap.")


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    p = s.getsockname()[1]
    s.close()
    return p


def run(upstream, gzip, n, stalled, pace=0):
    port = free_port()
    rd = subprocess.Popen(["test/webreaders", "-p", str(port), "-f",
                           upstream, "-n", str(n), "-s", str(stalled)] +
                          (["-z"] if gzip else []) +
                          (["-r", str(pace)] if pace else []),
                          stdout=subprocess.PIPE, text=True)
    up = rd.stdout.readline().split()[1]
    stats = os.path.join(tmp, "stats.json")
    sl = subprocess.run(["test/rusage", sluice, "-q", "--stats-json", stats,
                         "-o", "/dev/null", "--serve", "127.0.0.1:%d" % port,
                         "--serve-clients", str(n + stalled + 4),
                         "http://127.0.0.1:%s/stream" % up],
                        stderr=subprocess.PIPE, text=True)
    out = rd.stdout.read()
    rc = rd.wait()
    ru = sl.stderr.split("rusage ")[-1].split()
    msgs = json.load(open(stats))["written"]
    os.unlink(stats)
    cap = float(re.search(r"capture_s (\S+)", out).group(1))
    ok = int(re.search(r"viewers \d+ ok (\d+)", out).group(1))
    drop = int(re.search(r"dropped_slow (\d+)", out).group(1))
    last = int(re.search(r"events \d+\.\.(\d+)", out).group(1))
    if n and last != msgs:
        ok = 0
    return dict(rate=msgs / cap, cpu=(float(ru[0]) + float(ru[1])) / msgs,
                core=(float(ru[0]) + float(ru[1])) / cap,
                hwm=int(ru[3]), ok=ok, drop=drop, msgs=msgs, rc=rc)


print("web viewers while capturing: %s, median of %d runs, 2 cores shared "
      "by sluice, upstream and readers" % (sluice, reps))
print("%-6s %-6s %8s %10s %9s %6s %9s %9s %8s" % ("input", "viewers",
      "msgs", "msgs/s", "cpu_us/msg", "core", "VmHWM_kB", "complete",
      "dropped"))
# the gzip upstream's bytes per message, to pace it in messages/s
probe = run(gz, True, 0, 0)
gz_bytes = os.path.getsize(gz) / probe["msgs"]
for name, path, gzip in (("gzip", gz, True), ("plain", plain, False),
                         ("paced", gz, True)):
    if name not in inputs:
        continue
    pace = rate * gz_bytes if name == "paced" else 0
    res = {0: [], nv: []}
    for r in range(reps):
        for n in (0, nv):
            res[n].append(run(path, gzip, n, 1 if n else 0, pace))
    med = {}
    for n in (0, nv):
        rs = res[n]
        med[n] = dict(rate=statistics.median(x["rate"] for x in rs),
                      cpu=statistics.median(x["cpu"] for x in rs),
                      core=statistics.median(x["core"] for x in rs),
                      hwm=max(x["hwm"] for x in rs))
        print("%-6s %-6s %8d %10.0f %9.2f %5.0f%% %9d %9s %8s" % (
            name, "%d+%d" % (n, 1 if n else 0), rs[0]["msgs"],
            med[n]["rate"], med[n]["cpu"] * 1e6, 100 * med[n]["core"],
            med[n]["hwm"],
            "%d/%d" % (min(x["ok"] for x in rs), n) if n else "-",
            "/".join(str(x["drop"]) for x in rs) if n else "-"))
    print("%-6s throughput drop %.1f %%, CPU per message +%.1f %% "
          "(goal of issue 11: < 10 %%)" % (
              name, 100 * (1 - med[nv]["rate"] / med[0]["rate"]),
              100 * (med[nv]["cpu"] / med[0]["cpu"] - 1)))
PY
