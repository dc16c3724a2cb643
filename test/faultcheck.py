#!/usr/bin/python3
# sluice: exactly-once check of a capture against streamd's send log(s)
# -- MIT licensed.
"""usage: faultcheck.py OUTPUT LOG[,LOG2...] [--strict] [--stats FILE]

OUTPUT is what sluice wrote (every "sluice_seq":N counts, in order).
Several logs (one per streamd instance, e.g. across a server restart,
where the sequence numbers start again from 1) split OUTPUT where the
sequence goes down.  Checked, for every instance:
  - no duplicates, sequence strictly increasing;
  - every message received was sent, and the messages received from each
    stream (connection) are a PREFIX of what its log says it sent: what
    is missing can only be the tail a broken connection did not carry
    ("lost in the gap");
  - --strict (nothing between sluice and streamd): "sent" means "in the
    client's kernel", so no stream may lose anything except the last,
    which the client may have stopped itself (-n, --max-time);
  - --stats: the written counter of --stats-json equals the messages in
    OUTPUT, and truncated is reported.
Prints one line: sent received lost_in_gap (earlier streams) unread_at_stop
(the last stream's tail, after the client stopped) duplicated truncated
streams,
and exits 1 (after saying why) on any violation.
"""
import json
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import streamd_log  # noqa: E402


def main(argv):
    strict = "--strict" in argv
    stats = None
    if "--stats" in argv:
        with open(argv[argv.index("--stats") + 1]) as f:
            stats = json.load(f)
    out, logs = argv[0], argv[1].split(",")
    with open(out, "rb") as f:
        text = f.read()
    got = [int(x) for x in re.findall(rb'"sluice_seq":\s*(\d+)', text)]
    lines = text.count(b"\n")
    # split by instance where the sequence goes down
    parts, cur = [], []
    for g in got:
        if cur and g < cur[-1] and len(parts) + 1 < len(logs):
            parts.append(cur)
            cur = []
        cur.append(g)
    parts.append(cur)
    while len(parts) < len(logs):
        parts.append([])
    sent = lost = dup = nstreams = unread = 0
    bad = []
    for li, (log, part) in enumerate(zip(logs, parts)):
        recs = [o for o in streamd_log.load(log) if o["status"] == 200]
        nstreams += len(recs)
        dup += len(part) - len(set(part))
        for a, b in zip(part, part[1:]):
            if b <= a:
                bad.append("instance %d: seq %d after %d" % (li + 1, b, a))
                break
        owner, want = {}, []
        for k, o in enumerate(recs):
            w = streamd_log.stream_seqs(o, False, set())
            want.append(w)
            sent += len(w)
            for s in w:
                owner[s] = k
        per = [[] for _ in recs]
        for s in part:
            if s not in owner:
                bad.append("instance %d: seq %d was never sent whole" % (
                    li + 1, s))
                continue
            per[owner[s]].append(s)
        for k, (r, w) in enumerate(zip(per, want)):
            if r != w[:len(r)]:
                bad.append("instance %d stream %d: received is not a prefix"
                           " of sent (first difference at %d)" % (
                               li + 1, recs[k]["stream"],
                               next(i for i, (x, y) in enumerate(zip(r, w))
                                    if x != y) if any(
                                   x != y for x, y in zip(r, w)) else
                               len(w)))
            miss = len(w) - len(r)
            last = li == len(logs) - 1 and k == len(recs) - 1
            if last:
                unread += miss
            else:
                lost += miss
            if strict and miss and not last:
                bad.append("instance %d stream %d: %d sent messages never "
                           "delivered" % (li + 1, recs[k]["stream"], miss))
    trunc = "?"
    if stats is not None:
        trunc = stats.get("truncated")
        if stats.get("written") != lines:
            bad.append("written counter %s, but %d lines in the output" % (
                stats.get("written"), lines))
    print("sent=%d received=%d lost_in_gap=%d unread_at_stop=%d "
          "duplicated=%d truncated=%s streams=%d" % (
              sent, len(got), lost, unread, dup, trunc, nstreams))
    for b in bad:
        print("  VIOLATION: " + b)
    return 1 if bad or dup else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
