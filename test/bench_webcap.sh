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
# (VmHWM), the share of messages the feed took (fed: the rest are over
# --serve-rate), the viewers that got every published event 1..P with
# nothing lost between capture and feed, the stalled viewer dropped
# (dropped_slow from /stats).  The readers and the upstream share the 2
# cores with sluice, so the CPU per message is the fairer figure; the
# messages/s is what this box does with everything on it.  Cases:
#   gzip      COPIES x the corpus, gzip -6 (as the streaming APIs send),
#             sent LONG times as fast as sluice reads, default
#             --serve-rate (5000/s): what the viewers cost a capture
#             that runs as fast as the CPU allows
#   gzip-all  the same with --serve-rate 0: every message to every
#             viewer, the fan-out's full cost
#   plain     3 x LONG copies, no compression: the cheapest capture, so
#             the worst case for the ratio
#   paced     the gzip upstream at BENCH_WEBCAP_RATE messages/s (default
#             20000, about four times X's full firehose), --serve-rate 0:
#             whether sluice keeps up with every message to every viewer,
#             and what share of a core it takes
# With BENCH_WEBCAP_PIN=1 (the default) sluice runs on CPU 0 and the
# upstream and readers on CPU 1 (taskset), except for gzip-all, whose
# readers need both.  Knobs: BENCH_WEBCAP_REPS (default 3),
# BENCH_WEBCAP_COPIES (default 3), BENCH_WEBCAP_LONG (default 20),
# BENCH_WEBCAP_SLUICE (default ./sluice), BENCH_WEBCAP_VIEWERS (default
# 50), BENCH_WEBCAP_INPUTS (default "gzip gzip-all plain paced").
PY=/usr/bin/python3
reps=${BENCH_WEBCAP_REPS:-3}
copies=${BENCH_WEBCAP_COPIES:-3}
sluice=${BENCH_WEBCAP_SLUICE:-./sluice}
viewers=${BENCH_WEBCAP_VIEWERS:-50}
inputs=${BENCH_WEBCAP_INPUTS:-gzip gzip-all plain paced}
long=${BENCH_WEBCAP_LONG:-20}
pin=${BENCH_WEBCAP_PIN:-1}
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

$PY - "$sluice" "$reps" "$viewers" "$gz" "$src" "$inputs" "$rate" "$long" "$pin" <<'PY'
import json, os, re, socket, statistics, subprocess, sys, tempfile
sluice, reps, nv, gz, plain = sys.argv[1], int(sys.argv[2]), \
    int(sys.argv[3]), sys.argv[4], sys.argv[5]
inputs = sys.argv[6].split()
rate = float(sys.argv[7])
long_copies = int(sys.argv[8])
# sluice on one core, the upstream and the readers on the other: what
# the viewers cost sluice, not what the readers cost the upstream's core
# (not for gzip-all: there the readers need more than one core)
pin = sys.argv[9] == "1" and os.cpu_count() and os.cpu_count() >= 2
tmp = tempfile.mkdtemp(prefix="bench_webcap.")


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    p = s.getsockname()[1]
    s.close()
    return p


def run(upstream, gzip, n, stalled, pace=0, copies=1, rate_opt=None,
        pinned=False):
    port = free_port()
    pin_sl = ["taskset", "-c", "0"] if pinned and pin else []
    pin_up = ["taskset", "-c", "1"] if pinned and pin else []
    rd = subprocess.Popen(pin_up + ["test/webreaders", "-p", str(port), "-f",
                           upstream, "-n", str(n), "-s", str(stalled),
                           "-c", str(copies)] +
                          (["-z"] if gzip else []) +
                          (["-r", str(pace)] if pace else []),
                          stdout=subprocess.PIPE, text=True)
    up = rd.stdout.readline().split()[1]
    stats = os.path.join(tmp, "stats.json")
    sl = subprocess.run(pin_sl + ["test/rusage", sluice, "-q", "--stats-json", stats,
                         "-o", "/dev/null", "--serve", "127.0.0.1:%d" % port,
                         "--serve-clients", str(n + stalled + 4)] +
                        (["--serve-rate", rate_opt] if rate_opt else []) +
                        ["http://127.0.0.1:%s/stream" % up],
                        stderr=subprocess.PIPE, text=True)
    out = rd.stdout.read()
    rc = rd.wait()
    ru = sl.stderr.split("rusage ")[-1].split()
    final = json.load(open(stats))
    os.unlink(stats)
    msgs = final["written"]
    pub, skip = final["web"]["published"], final["web"]["skipped"]
    cap = float(re.search(r"capture_s (\S+)", out).group(1))
    ok = int(re.search(r"viewers \d+ ok (\d+)", out).group(1))
    drop = int(re.search(r"dropped_slow (\d+)", out).group(1))
    last = int(re.search(r"events \d+\.\.(\d+)", out).group(1))
    # complete: every viewer got every published event, and nothing
    # was lost between the capture and the feed
    if n and (last != pub or pub + skip != msgs):
        ok = 0
    return dict(rate=msgs / cap, cpu=(float(ru[0]) + float(ru[1])) / msgs,
                core=(float(ru[0]) + float(ru[1])) / cap,
                hwm=int(ru[3]), ok=ok, drop=drop, msgs=msgs, rc=rc,
                fed=pub / msgs)


print("web viewers while capturing: %s, median of %d runs, 2 cores shared "
      "by sluice, upstream and readers" % (sluice, reps))
print("%-9s %-6s %8s %10s %9s %6s %9s %6s %9s %8s" % ("input", "viewers",
      "msgs", "msgs/s", "cpu_us/msg", "core", "VmHWM_kB", "fed",
      "complete", "dropped"))
# the gzip upstream's bytes per message, to pace it in messages/s
probe = run(gz, True, 0, 0)
gz_bytes = os.path.getsize(gz) / probe["msgs"]
# name, upstream, gzip, pace (msgs/s), upstream copies, --serve-rate
cases = (("gzip", gz, True, 0, long_copies, None, True),
         ("gzip-all", gz, True, 0, long_copies, "0", False),
         ("plain", plain, False, 0, 3 * long_copies, None, True),
         ("paced", gz, True, rate, 1, "0", True))
for name, path, gzip, pace_msgs, ncopies, rate_opt, pinned in cases:
    if name not in inputs:
        continue
    pace = pace_msgs * gz_bytes
    res = {0: [], nv: []}
    for r in range(reps):
        for n in (0, nv):
            res[n].append(run(path, gzip, n, 1 if n else 0, pace, ncopies,
                              rate_opt, pinned))
    med = {}
    for n in (0, nv):
        rs = res[n]
        med[n] = dict(rate=statistics.median(x["rate"] for x in rs),
                      cpu=statistics.median(x["cpu"] for x in rs),
                      core=statistics.median(x["core"] for x in rs),
                      hwm=max(x["hwm"] for x in rs),
                      fed=statistics.median(x["fed"] for x in rs))
        print("%-9s %-6s %8d %10.0f %9.2f %5.0f%% %9d %5.0f%% %9s %8s" % (
            name, "%d+%d" % (n, 1 if n else 0), rs[0]["msgs"],
            med[n]["rate"], med[n]["cpu"] * 1e6, 100 * med[n]["core"],
            med[n]["hwm"], 100 * med[n]["fed"],
            "%d/%d" % (min(x["ok"] for x in rs), n) if n else "-",
            "/".join(str(x["drop"]) for x in rs) if n else "-"))
    print("%-9s throughput drop %.1f %%, CPU per message +%.1f %% "
          "(goal of issue 11: < 10 %%)" % (
              name, 100 * (1 - med[nv]["rate"] / med[0]["rate"]),
              100 * (med[nv]["cpu"] / med[0]["cpu"] - 1)))
PY
