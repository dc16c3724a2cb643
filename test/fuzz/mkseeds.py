#!/usr/bin/python3
# sluice -- MIT licensed, see LICENSE.
"""Writes the seed corpora of the fuzz targets: mkseeds.py OUTDIR.

OUTDIR/<target>/<name> for every target in test/fuzz (inflate's seeds are
in git, json uses test/msg).  Deterministic; small inputs only, so the
fuzzers start from every interesting state without big blobs in git.
Byte 0 of most targets holds flags (see each fuzz_*.c), so seeds come in
several flag variants.
"""
import gzip
import os
import random
import sys
import zlib

sys.path.insert(0, os.path.join(os.path.dirname(__file__), '..'))
import corpus  # noqa: E402

rng = random.Random(13)


def msgs(n, start=1):
    return [corpus.message(start + i, rng) for i in range(n)]


def chunked(body, sizes=(7, 100, 1, 4096)):
    out, i, k = [], 0, 0
    while i < len(body):
        n = sizes[k % len(sizes)]
        k += 1
        piece = body[i:i + n]
        ext = b';x=1' if k == 2 else b''
        out.append(b'%x%s\r\n%s\r\n' % (len(piece), ext, piece))
        i += n
    out.append(b'0\r\nX-Trailer: t\r\n\r\n')
    return b''.join(out)


def lines(ms, crlf=True):
    end = b'\r\n' if crlf else b'\n'
    return b''.join(m + end + (end if i % 2 else b'')
                    for i, m in enumerate(ms))


def delimited(ms):
    return b''.join(b'%d\r\n%s\r\n' % (len(m) + 2, m) for m in ms)


def sse(ms):
    out = [b'\xef\xbb\xbf: hello\n\n', b'retry: 1500\n']
    for i, m in enumerate(ms):
        out.append(b'id: %d\nevent: tweet\ndata: %s\n\n' % (i + 1, m))
    out.append(b'data: a\r\ndata: b\rdata\n\n:keepalive\n\n')
    return b''.join(out)


def head(framing, ctype=b'application/json', enc=None, extra=b''):
    h = [b'HTTP/1.1 200 OK', b'Content-Type: ' + ctype,
         b'Date: Sun, 06 Nov 1994 08:49:37 GMT',
         b'x-rate-limit-limit: 15', b'x-rate-limit-remaining: 14',
         b'x-rate-limit-reset: 1700000000']
    if framing == 'chunked':
        h.append(b'Transfer-Encoding: chunked')
    elif isinstance(framing, int):
        h.append(b'Content-Length: %d' % framing)
    if enc:
        h.append(b'Content-Encoding: ' + enc)
    return b'\r\n'.join(h) + b'\r\n' + extra + b'\r\n'


def write(root, target, name, data):
    d = os.path.join(root, target)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, name), 'wb') as f:
        f.write(data)


def main(root):
    m5 = msgs(5)
    body = lines(m5)
    # chunk
    write(root, 'chunk', 'simple', chunked(body))
    write(root, 'chunk', 'ones', chunked(b'abcdef', (1,)))
    write(root, 'chunk', 'empty', b'0\r\n\r\n')
    write(root, 'chunk', 'trailing', b'3\r\nabc\r\n0\r\n\r\nGARBAGE')
    write(root, 'chunk', 'upper', b'A  ;ext="q"\r\n0123456789\r\n0\r\n\r\n')
    # http (byte 0: flags)
    heads = [
        head('chunked', enc=b'gzip'),
        head(123, b'application/x-ndjson'),
        head(None, b'text/event-stream'),
        b'HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 204 No Content\r\n\r\n',
        b'HTTP/1.1 420 Enhance Your Calm\r\nRetry-After: 120\r\n'
        b'Content-Length: 5, 5\r\n\r\n',
        b'HTTP/1.0 503 Service Unavailable\nRetry-After: '
        b'Fri, 31 Dec 1999 23:59:59 GMT\nLocation: /x\n\n',
        b'HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\n\r\n',
        b'HTTP/1.1 301 Moved\r\nDate: Sunday, 06-Nov-94 08:49:37 GMT\r\n'
        b'Date: Sun Nov  6 08:49:37 1994\r\n\r\n',
    ]
    for i, h in enumerate(heads):
        write(root, 'http', 'head%d' % i, bytes([i & 3]) + h + b'body')
    # frame (byte 0: mode | cap << 2) and sse
    bodies = [lines(m5), delimited(m5), sse(m5),
              b'\r\n\r\n  ' + delimited(m5[:2])]
    for mode, b in enumerate(bodies):
        for cap in (0, 1, 2):
            write(root, 'frame', 'm%d-c%d' % (mode, cap),
                  bytes([mode | cap << 2]) + b)
    for cap in (0, 1):
        write(root, 'sse', 'c%d' % cap, bytes([cap << 2]) + sse(m5))
    write(root, 'sse', 'fields', b'\x00id: a\x00b\nid\nevent:' + b'e' * 70 +
          b'\nretry: 99999999999999\nretry: 1x\ndata\n\n')
    # resp
    write(root, 'resp', 'mixed', b'+OK\r\n-ERR bad\r\n:42\r\n$5\r\nhello\r\n'
          b'$-1\r\n*-1\r\n*3\r\n:1\r\n-ERR in\r\n*1\r\n$0\r\n\r\n')
    write(root, 'resp', 'long', b'$300\r\n' + b'x' * 300 + b'\r\n+' +
          b'y' * 200 + b'\r\n')
    write(root, 'resp', 'exec', b'*2\r\n+QUEUED\r\n*2\r\n:-5\r\n$3\r\nabc'
          b'\r\n')
    # subscribe (push frames as "sluice serve --from-redis" reads them)
    write(root, 'subscribe', 'session',
          b'*3\r\n$9\r\nsubscribe\r\n$6\r\ntweets\r\n:1\r\n'
          b'*3\r\n$7\r\nmessage\r\n$6\r\ntweets\r\n$11\r\n{"id":"1"}\n'
          b'\r\n+OK\r\n*3\r\n$7\r\nmessage\r\n$1\r\nt\r\n$0\r\n\r\n')
    write(root, 'subscribe', 'error', b'*3\r\n$7\r\nmessage\r\n$1\r\nt'
          b'\r\n$3\r\nabc\r\n-NOAUTH Authentication required.\r\n')
    # oauth (byte 0: method/cred/flags; byte 1 picks the url/body cut)
    for i, (u, b) in enumerate([
            (b'https://stream.twitter.com/1.1/statuses/filter.json'
             b'?delimited=length&stall_warnings=true',
             b'track=twitter%2Csluice&locations=-122.75%2C36.8'),
            (b'http://Example.COM:8080/r%20v/?b5=%3D%253D&a3=a&c%40=&a2=r%20b',
             b'c2&a3=2+q'),
            (b'https://api.x.com/2/tweets/search/stream?x=%zz', b'a=b c')]):
        data, sel = u + b, 0
        for v in range(256):
            if (v * 7919) % (len(data) + 1) == len(u):
                sel = v
                break
        data = bytes([sel]) + data
        write(root, 'oauth', 'req%d' % i, bytes([i]) + data)
    # pipeline (byte 0: framing, raw, validate, dedupe, limit)
    gz = gzip.compress(body)
    defl = zlib.compress(delimited(m5))
    resp = [
        (0, head('chunked', enc=b'gzip') + chunked(gz)),
        (1, head(len(body)) + body),
        (2, head(len(defl), enc=b'deflate') + defl),
        (3, head(None, b'text/event-stream') + sse(m5)),
        (0, head('chunked') + chunked(lines(msgs(3) + [
            b'{"delete":{"status":{"id":1,"id_str":"1","user_id":3}}}',
            b'{"limit":{"track":7}}',
            b'{"warning":{"code":"FALLING_BEHIND","message":"x",'
            b'"percent_full":60}}',
            b'{"disconnect":{"code":7,"stream_name":"s","reason":"r"}}']))),
        (8, head(None) + b'not json\n{"a":1}\n' + m5[0] + b'\n' + m5[0] +
         b'\n{"id_str":"x"\n'),
        (16, head(None) + lines([m5[0], m5[0], m5[1]])),
        (32, head(None) + body),
        (4, b'HTTP/1.1 420 Enhance Your Calm\r\nRetry-After: 1\r\n'
         b'Content-Length: 2\r\n\r\nno'),
        (0, b'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n'
         b'5\r\nab'),
    ]
    for i, (f, r) in enumerate(resp):
        write(root, 'pipeline', 'r%d' % i, bytes([f]) + r)


if __name__ == '__main__':
    main(sys.argv[1] if len(sys.argv) > 1 else 'test/out/seed')
