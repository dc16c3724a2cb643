#!/usr/bin/python3
# sluice: read test/streamd's send log -- MIT licensed.
# Usage:
#   streamd_log.py LOG seqs [--stream N]
#       the sequence numbers of whole data messages ("sent": limit notices,
#       oversize and badjson messages excluded), stream by stream in stream
#       order, one per line; backfill replays first within their stream.
#   streamd_log.py LOG check OUTPUT [--dedupe] [--partial-last]
#       OUTPUT holds messages (NDJSON or the like; every "sluice_seq":N in
#       it counts, in order).  Passes (exit 0, prints "ok N messages") when
#       OUTPUT is exactly the sent messages of every stream, in order, each
#       once (--dedupe: a replayed backfill message already seen is
#       dropped, as the client's id ring would), and -- with
#       --partial-last -- only a prefix of the last stream (a client that
#       stopped itself, e.g. -n N).  Otherwise prints the first difference
#       and exits 1.
#   streamd_log.py LOG streams
#       one line per closed stream: number, path, status, n, cut, end.
import json
import re
import sys


def load(path):
    out = []
    with open(path) as f:
        for ln in f:
            o = json.loads(ln)
            if o.get("ev") == "close":
                out.append(o)
    out.sort(key=lambda o: o["stream"])
    return out


def expand(ranges):
    for a, b in ranges:
        yield from range(a, b + 1)


def stream_seqs(o, dedupe, seen):
    """Whole data messages of one stream, in the order they were sent."""
    out = []
    for s in expand(o.get("backfill", [])):
        if dedupe and s in seen:
            continue
        out.append(s)
        seen.add(s)
    skip = set(expand(o.get("limits", []))) | set(o.get("oversize", [])) \
        | set(o.get("badjson", []))
    for s in expand(o["sent"]):
        if s in skip:
            continue
        if dedupe and s in seen:
            continue
        out.append(s)
        seen.add(s)
    return out


def main(argv):
    if len(argv) < 2:
        sys.stderr.write("usage: streamd_log.py LOG seqs|check|streams ..."
                         "\n")
        return 2
    log, cmd, rest = argv[0], argv[1], argv[2:]
    recs = load(log)
    if cmd == "streams":
        for o in recs:
            print(o["stream"], o["path"], o["status"], o["n"], o["cut"],
                  o["end"])
        return 0
    if cmd == "seqs":
        only = int(rest[1]) if rest[:1] == ["--stream"] else None
        seen = set()
        for o in recs:
            s = stream_seqs(o, False, seen)
            if only is None or o["stream"] == only:
                for x in s:
                    print(x)
        return 0
    if cmd == "check":
        dedupe = "--dedupe" in rest
        partial = "--partial-last" in rest
        with open(rest[0], "rb") as f:
            got = [int(x) for x in
                   re.findall(rb'"sluice_seq":\s*(\d+)', f.read())]
        seen = set()
        per = [stream_seqs(o, dedupe, seen) for o in recs
               if o["status"] == 200]
        want = [x for s in per for x in s]
        least = len(want) - (len(per[-1]) if per and partial else 0)
        for i, (g, w) in enumerate(zip(got, want)):
            if g != w:
                print("message %d: got seq %d, want %d" % (i, g, w))
                return 1
        if len(got) > len(want):
            print("extra messages from seq %d on" % got[len(want)])
            return 1
        if len(got) < least or (not partial and len(got) != len(want)):
            print("missing messages from seq %s on (got %d of %d)" % (
                want[len(got)], len(got), len(want)))
            return 1
        print("ok %d messages" % len(got))
        return 0
    sys.stderr.write("streamd_log.py: unknown command %r\n" % cmd)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
