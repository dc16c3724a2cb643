#!/usr/bin/python3
# sluice: a raw HTTP client for checking test/streamd -- MIT licensed.
# Usage: streamd_probe.py [options] URL
# Sends one request over a plain socket (or TLS with --cacert), reads the
# raw bytes until EOF, reset or --timeout, then prints one JSON object that
# describes exactly what arrived: status, headers, chunk framing (and the
# first chunk error), gzip state (complete member, CRC ok, error), the
# messages found (count, sequence numbers, keep-alives, invalid JSON),
# how the connection ended (eof / reset / timeout) and the longest silence.
import argparse
import json
import socket
import ssl
import struct
import time
import urllib.parse
import zlib


def dechunk(b):
    """(data, complete, error): decode as much chunked coding as there is."""
    out = []
    i = 0
    while True:
        j = b.find(b"\r\n", i)
        if j < 0:
            return b"".join(out), False, "truncated chunk-size line" \
                if i < len(b) else None
        line = b[i:j].split(b";")[0].strip()
        try:
            if not line or len(line) > 16:
                raise ValueError
            n = int(line, 16)
        except ValueError:
            return b"".join(out), False, "bad chunk size %r" % line[:32]
        i = j + 2
        if n == 0:
            return b"".join(out), True, None
        if len(b) < i + n:
            out.append(b[i:])
            return b"".join(out), False, "truncated chunk data"
        out.append(b[i:i + n])
        i += n
        if b[i:i + 2] != b"\r\n":
            if len(b) < i + 2:
                return b"".join(out), False, "truncated chunk end"
            return b"".join(out), False, "missing CRLF after chunk"
        i += 2


def gunzip(b):
    """(plain, state): state ok / incomplete / error text."""
    if len(b) < 10:
        return b"", "incomplete header"
    d = zlib.decompressobj(-15)
    hdr = b[:10]
    if hdr[:3] != b"\x1f\x8b\x08":
        return b"", "bad header"
    try:
        plain = d.decompress(b[10:])
    except zlib.error as e:
        return b"", "inflate: %s" % e
    if not d.eof:
        return plain, "incomplete"
    tail = d.unused_data
    if len(tail) < 8:
        return plain, "incomplete trailer"
    crc, isize = struct.unpack("<II", tail[:8])
    if crc != zlib.crc32(plain):
        return plain, "crc mismatch"
    if isize != len(plain) & 0xffffffff:
        return plain, "isize mismatch"
    return plain, "ok"


def messages(plain, framing):
    msgs, kas = [], 0
    if framing == "sse":
        for ev in plain.split(b"\n\n"):
            data = [ln[5:].lstrip(b" ") for ln in ev.split(b"\n")
                    if ln.startswith(b"data:")]
            if data:
                msgs.append(b"\n".join(data))
            elif ev.startswith(b":"):
                kas += 1
        return msgs, kas, b""
    if framing == "length":
        i = 0
        while i < len(plain):
            j = plain.find(b"\r\n", i)
            if j < 0:
                break
            if j == i:
                kas += 1
                i += 2
                continue
            n = int(plain[i:j])
            if len(plain) < j + 2 + n:
                return msgs, kas, plain[i:]
            msgs.append(plain[j + 2:j + 2 + n - 2])
            i = j + 2 + n
        return msgs, kas, plain[i:]
    lines = plain.split(b"\n")
    rest = lines.pop()
    for ln in lines:
        ln = ln.rstrip(b"\r")
        if ln:
            msgs.append(ln)
        else:
            kas += 1
    return msgs, kas, rest


def done(buf):
    """True when buf holds a whole chunked response."""
    if buf.endswith(b"\r\n0\r\n\r\n"):
        head, sep, rest = bytes(buf).partition(b"\r\n\r\n")
        return bool(sep) and b"chunked" in head.lower() and dechunk(rest)[1]
    i = buf.find(b"\r\n\r\n")
    if i < 0 or buf[:i].lower().find(b"\r\ncontent-length:") < 0:
        return False
    head = bytes(buf[:i]).lower()
    n = int(head.split(b"\r\ncontent-length:")[1].split(b"\r\n")[0])
    return len(buf) >= i + 4 + n


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("url")
    ap.add_argument("-X", "--method", default="GET")
    ap.add_argument("-H", "--header", action="append", default=[])
    ap.add_argument("-d", "--data", default=None)
    ap.add_argument("--gzip", action="store_true",
                    help="send Accept-Encoding: gzip")
    ap.add_argument("--cacert")
    ap.add_argument("--timeout", type=float, default=5.0,
                    help="give up after this many seconds in total")
    ap.add_argument("--idle", type=float, default=None,
                    help="give up after this long without a byte")
    ap.add_argument("--max-bytes", type=int, default=0)
    ap.add_argument("--framing", default="lines",
                    choices=("lines", "sse", "length"))
    ap.add_argument("--raw", help="also write the raw bytes to this file")
    a = ap.parse_args()
    u = urllib.parse.urlsplit(a.url)
    port = u.port or (443 if u.scheme == "https" else 80)
    t0 = time.monotonic()
    s = socket.create_connection((u.hostname, port), timeout=a.timeout)
    if u.scheme == "https":
        ctx = ssl.create_default_context(cafile=a.cacert)
        s = ctx.wrap_socket(s, server_hostname=u.hostname)
    path = u.path + ("?" + u.query if u.query else "")
    hdr = ["%s %s HTTP/1.1" % (a.method, path), "Host: %s" % u.netloc,
           "User-Agent: streamd_probe"]
    if a.gzip:
        hdr.append("Accept-Encoding: gzip")
    hdr += a.header
    body = a.data.encode() if a.data is not None else b""
    if a.data is not None:
        hdr.append("Content-Length: %d" % len(body))
        if not any(h.lower().startswith("content-type:") for h in a.header):
            hdr.append("Content-Type: application/x-www-form-urlencoded")
    s.sendall(("\r\n".join(hdr) + "\r\n\r\n").encode() + body)
    buf = bytearray()
    end = "eof"
    gap, last, reads = 0.0, time.monotonic(), 0
    first_byte = None
    while True:
        left = a.timeout - (time.monotonic() - t0)
        if left <= 0:
            end = "timeout"
            break
        s.settimeout(min(left, a.idle) if a.idle else left)
        try:
            b = s.recv(65536)
        except socket.timeout:
            end = "idle" if a.idle and left > a.idle else "timeout"
            break
        except ConnectionResetError:
            end = "reset"
            break
        except ssl.SSLError as e:
            end = "tls: %s" % e.reason
            break
        now = time.monotonic()
        if not b:
            break
        if first_byte is None:
            first_byte = now - t0
        gap = max(gap, now - last)
        last = now
        reads += 1
        buf += b
        if done(buf):
            end = "last-chunk"
            break
        if a.max_bytes and len(buf) >= a.max_bytes:
            end = "max-bytes"
            break
    s.close()
    raw = bytes(buf)
    if a.raw:
        with open(a.raw, "wb") as f:
            f.write(raw)
    r = {"end": end, "wire": len(raw), "reads": reads, "max_gap":
         round(gap, 3), "first_byte": first_byte, "elapsed":
         round(time.monotonic() - t0, 3)}
    head, sep, rest = raw.partition(b"\r\n\r\n")
    if not sep:
        r["status"] = None
        r["head_bytes"] = len(raw)
        print(json.dumps(r))
        return
    lines = head.decode("latin-1").split("\r\n")
    r["status"] = int(lines[0].split(" ")[1])
    hd = {}
    for ln in lines[1:]:
        k, _, v = ln.partition(":")
        hd[k.strip().lower()] = v.strip()
    r["headers"] = hd
    if hd.get("transfer-encoding") == "chunked":
        data, last_chunk, err = dechunk(rest)
        r["last_chunk"] = last_chunk
        r["chunk_error"] = err
    else:
        n = int(hd.get("content-length", len(rest)))
        data = rest[:n]
        r["body"] = data.decode("utf-8", "replace")[:2000]
    if hd.get("content-encoding") == "gzip":
        data, r["gzip"] = gunzip(data)
    msgs, kas, partial = messages(data, a.framing)
    r["plain"] = len(data)
    r["keepalives"] = kas
    r["partial"] = len(partial)
    seqs, bad, big = [], 0, 0
    for m in msgs:
        try:
            o = json.loads(m)
            if "sluice_seq" in o:
                seqs.append(o["sluice_seq"])
            elif isinstance(o, dict) and o:
                r.setdefault("control", []).append(next(iter(o)))
        except ValueError:
            bad += 1
        if len(m) > 65536:
            big = max(big, len(m))
    r["messages"] = len(msgs)
    r["seqs"] = seqs if len(seqs) <= 50 else seqs[:3] + ["..."] + seqs[-3:]
    r["nseqs"] = len(seqs)
    r["increasing"] = all(x < y for x, y in zip(seqs, seqs[1:]))
    r["first_seq"] = seqs[0] if seqs else None
    r["last_seq"] = seqs[-1] if seqs else None
    r["bad_json"] = bad
    r["largest"] = big
    print(json.dumps(r))


if __name__ == "__main__":
    main()
