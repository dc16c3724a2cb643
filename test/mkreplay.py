#!/usr/bin/python3
# sluice: build raw HTTP responses for --replay tests -- MIT licensed.
# Usage: mkreplay.py CASE OUTDIR
# Writes OUTDIR/CASE.raw (the response as on the wire) and
# OUTDIR/CASE.want (the exact output sluice must write), and prints the
# expected counters as "name=value" words on stdout.
import gzip
import json
import os
import random
import sys
import zlib

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import corpus  # noqa: E402


def chunked(body, rng, ext=False):
    out = bytearray()
    off = 0
    while off < len(body):
        n = rng.randint(1, 3000)
        piece = body[off:off + n]
        out += b"%x%s\r\n" % (len(piece), b";x=1" if ext else b"")
        out += piece + b"\r\n"
        off += n
    return bytes(out) + b"0\r\n\r\n"


def gzip_flushed(msgs):
    """gzip stream flushed after every message, as the real service."""
    c = zlib.compressobj(6, zlib.DEFLATED, 31)
    out = bytearray()
    for m in msgs:
        out += c.compress(m)
        out += c.flush(zlib.Z_SYNC_FLUSH)
    out += c.flush()
    return bytes(out)


def head(extra=b"", ctype=b"application/json", te=True, ce=None):
    h = b"HTTP/1.1 200 OK\r\nContent-Type: " + ctype + b"\r\n"
    if te:
        h += b"Transfer-Encoding: chunked\r\n"
    if ce:
        h += b"Content-Encoding: " + ce + b"\r\n"
    return h + extra + b"\r\n"


def main():
    case, outdir = sys.argv[1], sys.argv[2]
    rng = random.Random(case)
    # 300 data messages: the corpus' own limit notices are control
    # messages, which sluice acts on and does not write.
    msgs = []
    seq = 1
    while len(msgs) < 300:
        m = corpus.message(seq, rng)
        seq += 1
        if not m.startswith(b'{"limit"'):
            msgs.append(m)
    want = b"".join(m + b"\n" for m in msgs)
    stats = {"written": len(msgs)}
    if case == "lines_gzip_chunked":
        body = b""
        parts = []
        for i, m in enumerate(msgs):
            parts.append(m + b"\r\n")
            if i % 50 == 0:
                parts.append(b"\r\n")       # keep-alive
        raw = head(ce=b"gzip") + chunked(gzip_flushed(parts), rng)
        stats["keepalives"] = 6
    elif case == "lines_identity_close":
        raw = (b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n\r\n"
               + b"".join(m + b"\n" for m in msgs))
    elif case == "length_framing":
        body = b"".join(b"%d\r\n%s\r\n" % (len(m) + 2, m) for m in msgs)
        raw = head() + chunked(body, rng, ext=True)
    elif case == "sse":
        body = b": hello\n\n" + b"".join(
            b"id: %d\nevent: message\ndata: %s\n\n" % (i + 1, m)
            for i, m in enumerate(msgs))
        raw = head(ctype=b"text/event-stream") + chunked(body, rng)
    elif case == "deflate_length":
        body = zlib.compress(b"".join(m + b"\n" for m in msgs), 9)
        raw = (b"HTTP/1.1 200 OK\r\nContent-Encoding: deflate\r\n"
               b"Content-Length: %d\r\n\r\n" % len(body)) + body
    elif case == "control":
        ctl = [b'{"limit":{"track":12,"timestamp_ms":"1"}}',
               b'{"warning":{"code":"FALLING_BEHIND","message":"behind",'
               b'"percent_full":60}}',
               b'{"limit":{"track":40,"timestamp_ms":"2"}}']
        parts = msgs[:100] + ctl + msgs[100:]
        body = b"".join(p + b"\r\n" for p in parts)
        raw = head(ce=b"gzip") + chunked(gzip.compress(body), rng)
        stats["limited"] = 40
        stats["control"] = 3
    elif case == "disconnect":
        # A disconnect notice then the server closes: the rest is
        # never sent; with --retry 0 the run ends with exit 4.
        d = (b'{"disconnect":{"code":4,"stream_name":"x",'
             b'"reason":"stall"}}')
        body = b"".join(m + b"\r\n" for m in msgs[:120]) + d + b"\r\n"
        raw = head() + chunked(body, rng)
        want = b"".join(m + b"\n" for m in msgs[:120])
        stats["written"] = 120
        stats["control"] = 1
    elif case in ("truncated", "truncated_close"):
        # The connection drops in the middle of message 201: inside a
        # chunked body (a network failure) or a body that ends at close
        # (the normal end of such a body; the partial message is dropped).
        body = b"".join(m + b"\r\n" for m in msgs)
        cut = sum(len(m) + 2 for m in msgs[:200]) + 100
        if case == "truncated":
            # chunks up to the cut, and no last-chunk
            raw = head() + chunked(body[:cut], rng)[:-5]
        else:
            raw = head(te=False) + body[:cut]
        want = b"".join(m + b"\n" for m in msgs[:200])
        stats["written"] = 200
        stats["truncated"] = 1
    elif case == "oversize":
        big = b'{"big":"' + b"x" * 70000 + b'"}'
        parts = msgs[:10] + [big] + msgs[10:]
        body = b"".join(p + b"\r\n" for p in parts)
        raw = head() + chunked(body, rng)
        stats["oversize"] = 1
    elif case == "invalid_json":
        parts = msgs[:50] + [b'{"bad":tru}', b"garbage"] + msgs[50:]
        body = b"".join(p + b"\r\n" for p in parts)
        raw = head() + chunked(body, rng)
        stats["invalid"] = 2
    elif case == "bad_gzip_crc":
        body = bytearray(gzip.compress(b"".join(m + b"\r\n" for m in msgs)))
        body[-8] ^= 0xff                     # CRC-32 of the trailer
        raw = head(ce=b"gzip") + chunked(bytes(body), rng)
        stats.pop("written")                # all or nothing: see test
    elif case == "gzip_framing_error":
        # A framing error inside a gzip body (delimited=length, then a
        # length line that is not a number) is a protocol failure (exit
        # 7) after the messages before it -- not lost in the inflater.
        body = b"".join(b"%d\r\n%s\r\n" % (len(m) + 2, m)
                        for m in msgs[:100])
        body += b"abc\r\n" + b"".join(b"%d\r\n%s\r\n" % (len(m) + 2, m)
                                      for m in msgs[100:])
        raw = head(ce=b"gzip") + chunked(gzip.compress(body), rng)
        want = b"".join(m + b"\n" for m in msgs[:100])
        stats["written"] = 100
    elif case == "status_503":
        raw = (b"HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0"
               b"\r\n\r\n")
        want = b""
        stats["written"] = 0
    else:
        sys.exit("unknown case " + case)
    with open(os.path.join(outdir, case + ".raw"), "wb") as f:
        f.write(raw)
    with open(os.path.join(outdir, case + ".want"), "wb") as f:
        f.write(want)
    print(" ".join("%s=%d" % kv for kv in sorted(stats.items())))


main()
