# sluice test stream server, the implementation -- MIT licensed.
# test/streamd is the executable; this module holds everything so tests can
# import pieces of it (templates, OAuth verification, fault parsing).
import base64
import collections
import email.utils
import hashlib
import hmac
import http
import itertools
import json
import os
import random
import select
import signal
import socket
import ssl
import struct
import sys
import threading
import time
import urllib.parse
import zlib

import corpus

HELP = r"""usage: streamd --port P [options] [--fault SPEC ...]

A local stand-in for the Twitter v1.1 and X API v2 streaming endpoints, for
sluice's end-to-end tests, `make demo` and benchmarks.  Binds 127.0.0.1.
Starts in well under a second; SIGTERM or SIGINT stop it cleanly (exit 0).

OPTIONS
  --port P            TCP port; 0 picks a free one.  The port is printed on
                      stdout as "streamd listening on http[s]://127.0.0.1:P/"
                      and written to --port-file if given.
  --port-file F       write the port number (and a newline) to F, atomically.
  --bind ADDR         address to bind (default 127.0.0.1).
  --tls --cert F --key F
                      serve HTTPS with this PEM certificate chain and key
                      (test/mkcerts.sh DIR makes a test CA and a server
                      certificate for 127.0.0.1 and localhost).
  --log FILE          send log, one JSON object per line, appended (see
                      SEND LOG).
  --rate R            data messages per second per stream (default 0 =
                      as fast as the client reads).
  --count N           end every stream cleanly (gzip trailer, last chunk)
                      after N data messages (default 0 = never).
  --keepalive SECS    send a keep-alive ("\r\n"; SSE: ": keep-alive\n\n")
                      after SECS without a message (default 30, and 20
                      on /2 streams as X sends them; 0 = never).
  --seed S            corpus seed (default 1).  The body of message SEQ is a
                      function of (seed, SEQ, track terms, endpoint shape).
  --gzip MODE         auto (gzip when Accept-Encoding allows it, default),
                      always, never.
  --gzip-level L      zlib level of the per-connection compressor (default 1).
  --gzip-fast         precompressed mode: each message is deflated on its
                      own (no back-references across messages, sequence
                      digits in stored blocks); several times faster.
                      Applies to v1.1 line streams, /sse and /stream/N;
                      delimited=length and v2 keep the compressor.
  --ring N            replay ring size for backfill / Last-Event-ID
                      (default 20000 messages).
  --clock-offset SECS shift the server clock (Date header and OAuth
                      timestamp check) by SECS, e.g. -600.
  --no-auth           accept any credentials.
  --consumer-key K    OAuth 1.0a credentials checked on /1.1 endpoints
  --consumer-secret S   (environment SLUICE_CONSUMER_KEY,
  --token T             SLUICE_CONSUMER_SECRET, SLUICE_ACCESS_TOKEN or
  --token-secret S      SLUICE_TOKEN, SLUICE_ACCESS_SECRET or
                        SLUICE_TOKEN_SECRET; defaults test-consumer-key,
                        test-consumer-secret, test-token, test-token-secret)
  --bearer B          Bearer token checked on /2 endpoints (environment
                      SLUICE_BEARER_TOKEN or SLUICE_BEARER; default
                      test-bearer-token).
  --fault SPEC        inject a fault (repeatable; see FAULTS).
  --help              this text.

ENDPOINTS  (every response carries Date; streams are HTTP/1.1 chunked,
  gzip-encoded when asked, flushed (Z_SYNC_FLUSH) after every message)
  POST /1.1/statuses/filter.json   form body (or query): track, follow,
       locations, delimited=length, stall_warnings.  OAuth 1.0a HMAC-SHA1
       verified (query + form body + oauth_* params): bad key, token or
       signature, reused nonce -> 401 {"errors":[{"code":32,...}]};
       oauth_timestamp more than 300 s off -> 401 code 135 (+ Date).
       No track/follow/locations -> 406; bad locations -> 406;
       body over 64 KiB -> 413.  stall_warnings is accepted; warnings
       come from the fault inject=warning.  Messages: tweets (with the
       track terms in their text), retweets, quotes, deletes, limits, one
       per line, CRLF.
       delimited=length: "<bytes>\r\n<message>\r\n", where <bytes> counts the
       message and its CRLF.
  GET  /1.1/statuses/sample.json   OAuth as above; same messages.
  GET  /2/tweets/search/stream     Bearer checked (401 otherwise).  v2
       shape {"data":{"edit_history_tweet_ids":[..],"id":..,"text":..},
       "matching_rules":[{"id":..,"tag":..}],"sluice_seq":N}; text contains
       the words of the current rules.  backfill_minutes=1..5 first replays
       the messages of the last M minutes from the ring (duplicates!).
  GET  /2/tweets/sample/stream     same, without matching_rules.
  GET  /2/tweets/search/stream/rules            list rules.
  POST /2/tweets/search/stream/rules[?dry_run=true]
       {"add":[{"value":..,"tag":..}]} or {"delete":{"ids":[..]}}.
  GET  /sse                        text/event-stream: "id: SEQ\ndata: MSG\n\n";
       Last-Event-ID (header, or ?last_event_id=) replays newer messages
       from the ring first.
  GET  /stream/N                   httpbin-style: N messages, LF-terminated,
       then the last chunk.
  Control (no auth; not counted as streams):
  POST /_control/fault             body: fault SPECs, one per line; the
       selector "next" means the next stream.
  POST /_control/clear             drop all faults.
  POST /_control/kick?fault=KIND[=ARG]   apply a fault (close, rst,
       disconnect=CODE, inject=warning ...) to every active stream now.
  GET  /_control/stats             {"conns":..,"streams":..,"seq":..,
       "active":..}.

  Every data message carries its global sequence number SEQ (one counter
  shared by all connections, from 1) in "sluice_seq" and, for tweets and
  deletes, in id_str = 1500000000000000000 + SEQ.  Messages are a mix of
  61 % tweets ~3.4 KB, 30 % retweets ~6.5 KB, 5 % quotes ~7.4 KB, 3 % deletes,
  1 % limit notices; some carry coordinates or a place, text is Unicode.

SEND LOG  (--log FILE; one line per event, flushed at once)
  {"ev":"listen","port":P,"tls":bool,"pid":N}
  {"ev":"open","conn":C,"stream":S,"path":..,"track":[..],"t":..}
                                                           stream starts
  {"ev":"close","conn":C,"stream":S,"method":..,"path":..,"status":200,
   "gzip":bool,"framing":"lines|length|sse|v2|ndjson","sent":[[a,b],..],
   "n":COUNT,"cut":SEQ|null,"limits":[[a,b],..],"deletes":[[a,b],..],
   "oversize":[..],"badjson":[..],"backfill":[[a,b],..],
   "control":[..],"end":WHY,"faults":[..],"wire_bytes":N,"plain_bytes":N,
   "t_open":..,"t_close":..}
      sent: ranges of the sequence numbers whose last byte was written to
      the socket (sendall returned), valid data messages only; cut: the
      message cut part-way by a fault or a failed write; oversize and
      badjson messages are listed apart, and so are limit notices (1 %
      of the v1.1 mix; "limits"; sluice counts them, never writes them);
      "deletes" lists the delete notices among "sent"; backfill: ranges
      replayed before live messages; n: the number of "sent" messages;
      end: count, client-gone, fault:KIND, stop.
  {"ev":"request","conn":C,"stream":S|null,"method":..,"path":..,
   "status":N,"why":..}                                   non-stream reply
  {"ev":"tls-error","conn":C,"error":..}
  {"ev":"exit"}
  CONN counts accepted TCP connections, STREAM counts requests to streaming
  paths (filter, sample, v2 streams, /sse, /stream/N), both from 1.

FAULTS  --fault SEL:KIND[=ARG][,after=K][,key=value...]
  SEL: N (the Nth stream), N-M, N+ (N and later), * (every stream), next
  (control endpoint only: the next stream); for tls-delay and drop, N and
  next count TCP connections instead.  after=K (default 0)
  applies the fault once K data messages of that stream were written.
  Several faults may match one stream; they fire in the order given.
  status=CODE          reply CODE instead of the stream (before auth): 401,
                       403, 404, 406, 413, 420, 429, 500, 503 ... with a JSON
                       error body, then close.  retry-after=S adds
                       Retry-After; reset-in=S adds x-rate-limit-limit,
                       -remaining: 0, -reset: now+S.
  delay-head=S         wait S seconds before the response head.
  tls-delay=S          sleep S seconds before the TLS handshake.
  drop                 close the TCP connection right after accept (a
                       client that already sent its request sees a reset).
  stall=S              send nothing for S seconds, then go on.
  stall-ka=S           send only keep-alives for S seconds (every ka=SECS,
                       default --keepalive or 1 if that is 0), then go on.
  close=WHERE, rst=WHERE
                       end the connection with FIN (close) or RST (SO_LINGER
                       0; waits up to 1 s for the send queue to drain first,
                       so "sent" means "in the client's kernel").  WHERE:
                       boundary     between messages;
                       msg          half-way through the next message's
                                    bytes (its SEQ is logged as cut);
                       chunk-header in the middle of a chunk-size line;
                       gzip-header  inside the 10-byte gzip header (gzip
                                    streams, after=0);
                       gzip-trailer half-way through the gzip trailer.
  reset-after-msgs=K   same as rst=boundary,after=K.
  close-after-msgs=K   same as close=boundary,after=K.
  disconnect=CODE      send a disconnect message (v1.1: {"disconnect":
                       {"code":CODE,"stream_name":..,"reason":..}}; v2:
                       {"errors":[{"title":"operational-disconnect",..}]})
                       then close (FIN).
  inject=TYPE          send a control message and go on; TYPE: warning
                       (stall_warnings FALLING_BEHIND, pct=N), scrub_geo,
                       status_withheld, user_withheld.
  trickle=MS           from then on write one byte every MS milliseconds
                       (with after=0 the response head is trickled too).
  oversize=BYTES       the next data message is padded to BYTES (valid JSON,
                       logged under "oversize", not "sent").
  badjson              the next data message is invalid JSON (logged under
                       "badjson").
  garbage=N            N bytes of binary garbage plus CRLF, as a message
                       (through gzip when the stream is gzipped).
  garbage-raw=N        N garbage bytes written raw into a chunk, bypassing
                       gzip (corrupts a gzip stream), then go on.
  badcrc               end the gzip member with a wrong CRC-32, send the last
                       chunk, close (identity streams: just close).
  badsize              the same with a wrong ISIZE.
  chunk-overflow       send a chunk-size line of 20 hex digits, then close.
  chunk-badhex         send a chunk-size line "zz", then close.
  count=N              end this stream cleanly after N data messages.
  rate=R               from then on R data messages per second (0: no limit).
  Examples: --fault 1:rst=msg,after=5  --fault 2:status=503
            --fault 3:status=429,retry-after=2  --fault 1-3:stall=5,after=2
            --fault 2:disconnect=7,after=10  --fault '*:trickle=2'
"""

BASE_ID = corpus.BASE_ID
V1_STREAM = "/1.1/statuses/filter.json"
PHRASES = {420: "Enhance Your Calm"}
DISCONNECT_REASONS = {
    1: "Shutdown", 2: "Duplicate stream", 3: "Control request",
    4: "Stall", 5: "Normal", 6: "Token revoked", 7: "Admin logout",
    9: "Max message limit", 10: "Stream exception", 11: "Broker stall",
    12: "Shed load"}
V1_ERRORS = {401: (32, "Could not authenticate you."),
             403: (261, "Forbidden."),
             404: (34, "Sorry, that page does not exist."),
             406: (44, "Parameter is invalid."),
             413: (18, "Parameter list too long."),
             420: (420, "Exceeded connection limit for user"),
             429: (88, "Rate limit exceeded"),
             500: (131, "Internal error"),
             503: (130, "Over capacity")}


def now_epoch():
    return time.time() + OPTS.clock_offset


def http_date():
    return email.utils.formatdate(now_epoch(), usegmt=True)


def phrase(code):
    if code in PHRASES:
        return PHRASES[code]
    try:
        return http.HTTPStatus(code).phrase
    except ValueError:
        return "Status"


def jdump(o):
    return json.dumps(o, separators=(",", ":"), ensure_ascii=False).encode()


# ---- templates -----------------------------------------------------------
# A template is a message rendered once with a sentinel sequence number and
# cut where the number appears, so any SEQ renders with one bytes join.
SENT = 918273645
CODE_SEQ, CODE_ID, CODE_RID = 0, 1, 2


def stored(b):
    """A non-final stored deflate block holding b (< 64 KiB)."""
    n = len(b)
    return b"\x00" + struct.pack("<HH", n, n ^ 0xffff) + b


def zpiece(b):
    """b deflated alone, ending byte-aligned (sync flush), not final."""
    c = zlib.compressobj(6, zlib.DEFLATED, -15)
    return c.compress(b) + c.flush(zlib.Z_SYNC_FLUSH)


class Template:
    __slots__ = ("lits", "codes", "zlits", "kind")

    def __init__(self, raw):
        self.kind = ("limit" if raw.startswith(b'{"limit":') else
                     "delete" if raw.startswith(b'{"delete":') else "tweet")
        subs = [(str(BASE_ID + SENT).encode(), CODE_ID),
                (str(BASE_ID - SENT).encode(), CODE_RID),
                (str(SENT).encode(), CODE_SEQ)]
        parts = [raw]
        for pat, code in subs:
            out = []
            for p in parts:
                if isinstance(p, int):
                    out.append(p)
                    continue
                bits = p.split(pat)
                for i, b in enumerate(bits):
                    if i:
                        out.append(code)
                    out.append(b)
            parts = out
        self.lits = [p for p in parts if not isinstance(p, int)]
        self.codes = [p for p in parts if isinstance(p, int)]
        self.zlits = None

    def render(self, seq):
        vals = (str(seq).encode(), str(BASE_ID + seq).encode(),
                str(BASE_ID - seq).encode())
        lits = self.lits
        out = [lits[0]]
        for i, c in enumerate(self.codes):
            out.append(vals[c])
            out.append(lits[i + 1])
        return b"".join(out)

    def zrender(self, seq):
        """The raw-deflate pieces of render(seq) (see --gzip-fast)."""
        if self.zlits is None:
            self.zlits = [zpiece(x) if x else b"" for x in self.lits]
        vals = (str(seq).encode(), str(BASE_ID + seq).encode(),
                str(BASE_ID - seq).encode())
        z = self.zlits
        out = [z[0]]
        for i, c in enumerate(self.codes):
            out.append(stored(vals[c]))
            out.append(z[i + 1])
        return b"".join(out)


POOL_SIZE = 256
_pools = {}
_pools_lock = threading.Lock()


def _check(t, v2):
    m = json.loads(t.render(12345))
    return m.get("sluice_seq") == 12345


def pool(shape, track):
    """Templates for shape 'v1' or 'v2' with these track terms (tuple)."""
    key = (shape, track)
    with _pools_lock:
        p = _pools.get(key)
        if p is not None:
            return p
        rng = random.Random("%d/%s" % (OPTS.seed, "|".join(track)))
        p = []
        while len(p) < POOL_SIZE:
            raw = corpus.message(SENT, rng, list(track) or None)
            if shape == "v2":
                m = json.loads(raw)
                if "text" not in m:
                    continue
                tid = str(BASE_ID + SENT)
                raw = jdump({"data": {"edit_history_tweet_ids": [tid],
                                      "id": tid, "text": m["text"]},
                             "sluice_seq": SENT})
            t = Template(raw)
            if _check(t, shape == "v2"):
                p.append(t)
        if len(_pools) > 16:
            _pools.clear()
        _pools[key] = p
        return p


def with_rules(raw, rules_json):
    """Insert "matching_rules" before "sluice_seq" in a v2 message."""
    i = raw.rindex(b',"sluice_seq":')
    return raw[:i] + b',"matching_rules":' + rules_json + raw[i:]


# ---- OAuth 1.0a verification (RFC 5849, HMAC-SHA1) ---------------------
def penc(s):
    return urllib.parse.quote(s.encode() if isinstance(s, str) else s,
                              safe="-._~")


def parse_oauth_header(h):
    if not h or not h[:6].lower() == "oauth ":
        return None
    out = {}
    for item in h[6:].split(","):
        item = item.strip()
        if not item:
            continue
        k, sep, v = item.partition("=")
        if not sep:
            return None
        v = v.strip()
        if len(v) >= 2 and v[0] == '"' and v[-1] == '"':
            v = v[1:-1]
        out[urllib.parse.unquote(k.strip())] = urllib.parse.unquote(v)
    return out


def base_string(method, base_uri, params):
    norm = sorted((penc(k), penc(v)) for k, v in params)
    ps = "&".join("%s=%s" % kv for kv in norm)
    return "&".join((method.upper(), penc(base_uri), penc(ps)))


def sign(base, consumer_secret, token_secret):
    key = (penc(consumer_secret) + "&" + penc(token_secret)).encode()
    d = hmac.new(key, base.encode(), hashlib.sha1).digest()
    return base64.b64encode(d).decode()


_nonces = collections.OrderedDict()
_nonce_lock = threading.Lock()


def oauth_check(req, base_uri):
    """None when the request is properly signed, else (code, why)."""
    o = parse_oauth_header(req.headers.get("authorization"))
    if o is None:
        return (32, "no OAuth Authorization header")
    if o.get("oauth_signature_method") != "HMAC-SHA1":
        return (32, "signature method is not HMAC-SHA1")
    if o.get("oauth_version", "1.0") != "1.0":
        return (32, "oauth_version is not 1.0")
    if o.get("oauth_consumer_key") != OPTS.consumer_key:
        return (32, "wrong consumer key")
    if o.get("oauth_token") != OPTS.token:
        return (89, "wrong token")
    try:
        ts = int(o.get("oauth_timestamp", ""))
    except ValueError:
        return (32, "bad oauth_timestamp")
    if abs(now_epoch() - ts) > 300:
        return (135, "timestamp out of bounds")
    params = list(req.query) + list(req.form)
    params += [(k, v) for k, v in o.items()
               if k not in ("oauth_signature", "realm")]
    want = sign(base_string(req.method, base_uri, params),
                OPTS.consumer_secret, OPTS.token_secret)
    if not hmac.compare_digest(want, o.get("oauth_signature", "")):
        return (32, "bad signature")
    nonce = o.get("oauth_nonce", "")
    with _nonce_lock:
        if not nonce or (nonce, ts) in _nonces:
            return (32, "missing or reused nonce")
        _nonces[(nonce, ts)] = 1
        while len(_nonces) > 10000:
            _nonces.popitem(last=False)
    return None


# ---- faults --------------------------------------------------------------
CONN_KINDS = ("tls-delay", "drop")
HEAD_KINDS = ("status", "delay-head")
POS_KINDS = ("stall", "stall-ka", "close", "rst", "disconnect", "inject",
             "trickle", "oversize", "badjson", "garbage", "garbage-raw",
             "badcrc", "badsize", "chunk-overflow", "chunk-badhex", "count",
             "rate")
WHERES = ("boundary", "msg", "chunk-header", "gzip-header", "gzip-trailer")
INJECTS = ("warning", "scrub_geo", "status_withheld", "user_withheld")
NEED_ARG = {"status", "delay-head", "tls-delay", "stall", "stall-ka", "close",
            "rst", "disconnect", "inject", "trickle", "oversize", "garbage",
            "garbage-raw", "count", "rate"}


class Fault:
    def __init__(self, spec, lo, hi, kind, arg, params):
        self.spec, self.lo, self.hi = spec, lo, hi
        self.kind, self.arg, self.params = kind, arg, params
        self.after = int(params.get("after", 0))

    def matches(self, n):
        return self.lo <= n and (self.hi is None or n <= self.hi)

    def num(self, key=None, default=None):
        v = self.arg if key is None else self.params.get(key)
        if v is None:
            return default
        return float(v)


def parse_selector(sel, next_stream):
    if sel == "*":
        return 1, None
    if sel == "next":
        return next_stream, next_stream
    if sel.endswith("+"):
        return int(sel[:-1]), None
    if "-" in sel:
        a, b = sel.split("-", 1)
        return int(a), int(b)
    n = int(sel)
    return n, n


def parse_fault(spec, next_stream=1, next_conn=1):
    """Parse SEL:KIND[=ARG][,k=v...]; raise ValueError on a bad spec."""
    sel, sep, rest = spec.partition(":")
    if not sep or not rest:
        raise ValueError("fault %r: want SEL:KIND[=ARG][,key=value...]"
                         % spec)
    items = rest.split(",")
    kind, _, arg = items[0].partition("=")
    kind = kind.strip()
    try:
        lo, hi = parse_selector(sel.strip(), next_conn
                                if kind in CONN_KINDS else next_stream)
    except ValueError:
        raise ValueError("fault %r: bad selector %r" % (spec, sel))
    arg = arg.strip() or None
    params = {}
    for it in items[1:]:
        k, s, v = it.partition("=")
        if not s:
            raise ValueError("fault %r: parameter %r needs =VALUE"
                             % (spec, it))
        params[k.strip()] = v.strip()
    if kind in ("reset-after-msgs", "close-after-msgs"):
        params["after"] = arg
        kind, arg = ("rst" if kind[0] == "r" else "close"), "boundary"
    if kind not in CONN_KINDS + HEAD_KINDS + POS_KINDS:
        raise ValueError("fault %r: unknown kind %r" % (spec, kind))
    if kind in NEED_ARG and arg is None:
        raise ValueError("fault %r: %s needs =VALUE" % (spec, kind))
    if kind in ("close", "rst") and arg not in WHERES:
        raise ValueError("fault %r: where must be one of %s"
                         % (spec, ", ".join(WHERES)))
    if kind == "inject" and arg not in INJECTS:
        raise ValueError("fault %r: inject one of %s"
                         % (spec, ", ".join(INJECTS)))
    for k in params:
        if k not in ("after", "retry-after", "reset-in", "ka", "pct"):
            raise ValueError("fault %r: unknown parameter %r" % (spec, k))
    try:
        f = Fault(spec, lo, hi, kind, arg, params)
        if kind not in ("close", "rst", "inject") and arg is not None:
            float(arg)
        for k in params:
            float(params[k])
    except ValueError:
        raise ValueError("fault %r: a number was expected" % spec)
    return f


class State:
    """Everything shared between connection threads."""

    def __init__(self):
        self.lock = threading.Lock()
        self.seq = itertools.count(1)
        self.last_seq = 0
        self.conns = 0
        self.streams = 0
        self.faults = []
        self.active = {}          # stream number -> Stream
        self.socks = set()
        self.ring = collections.deque()
        self.ring_lock = threading.Lock()
        self.rules = []
        self.rule_id = itertools.count(1600000000000000001)
        self.stop = threading.Event()
        self.log = None
        self.log_lock = threading.Lock()

    def next_seq(self, t):
        s = next(self.seq)
        with self.ring_lock:
            self.ring.append((t, s))
            if len(self.ring) > OPTS.ring:
                self.ring.popleft()
            self.last_seq = s
        return s

    def ring_since(self, t=None, seq=None):
        with self.ring_lock:
            items = list(self.ring)
        if t is not None:
            return [s for (ts, s) in items if ts >= t]
        return [s for (ts, s) in items if s > seq]

    def write_log(self, obj):
        if self.log is None:
            return
        line = json.dumps(obj, separators=(",", ":")) + "\n"
        with self.log_lock:
            self.log.write(line)
            self.log.flush()

    def faults_for(self, n, kinds):
        with self.lock:
            return [f for f in self.faults
                    if f.kind in kinds and f.matches(n)]


ST = None
OPTS = None


# ---- requests ------------------------------------------------------------
class Request:
    pass


class Closed(Exception):
    pass


class Conn:
    def __init__(self, sock, num):
        self.sock = sock
        self.num = num
        self.buf = b""
        self.trickle = 0.0
        self.wire = 0
        self.watch = True

    def idle(self, secs):
        """Sleep secs; raise Closed on stop or when the client has gone
        (EOF seen with MSG_PEEK, or a TLS close_notify; any other byte
        ends the watching)."""
        end = time.monotonic() + secs
        while True:
            left = end - time.monotonic()
            if left <= 0:
                return
            if ST.stop.is_set():
                raise Closed()
            if not self.watch:
                if ST.stop.wait(min(left, 0.1)):
                    raise Closed()
                continue
            try:
                rd, _, _ = select.select([self.sock], [], [],
                                         min(left, 0.1))
                if rd and isinstance(self.sock, ssl.SSLSocket):
                    # a close_notify reads as b""; keep any real bytes
                    b = self.sock.recv(4096)
                    if not b:
                        raise Closed()
                    self.buf += b
                    self.watch = False
                elif rd:
                    b = socket.socket.recv(self.sock, 1, socket.MSG_PEEK)
                    if not b:
                        raise Closed()
                    self.watch = False
            except (OSError, ValueError):
                raise Closed()

    def recv_more(self):
        try:
            b = self.sock.recv(65536)
        except (OSError, ValueError):
            b = b""
        if not b:
            raise Closed()
        self.buf += b

    def read_request(self):
        while b"\r\n\r\n" not in self.buf:
            if len(self.buf) > 65536:
                return "toolong"
            self.recv_more()
        head, _, self.buf = self.buf.partition(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        parts = lines[0].split(" ")
        if len(parts) != 3 or not parts[2].startswith("HTTP/1."):
            return "bad"
        r = Request()
        r.method, r.target, r.version = parts
        r.headers = {}
        for ln in lines[1:]:
            k, sep, v = ln.partition(":")
            if not sep:
                return "bad"
            r.headers[k.strip().lower()] = v.strip()
        r.path, _, qs = r.target.partition("?")
        r.query = urllib.parse.parse_qsl(qs, keep_blank_values=True)
        r.body = b""
        n = r.headers.get("content-length")
        if r.headers.get("transfer-encoding"):
            return "chunked-body"
        if n:
            try:
                n = int(n)
            except ValueError:
                return "bad"
            if n > 65536:
                return "toolarge"
            if r.headers.get("expect", "").lower() == "100-continue":
                self.write(b"HTTP/1.1 100 Continue\r\n\r\n")
            while len(self.buf) < n:
                self.recv_more()
            r.body, self.buf = self.buf[:n], self.buf[n:]
        r.form = []
        ct = r.headers.get("content-type", "")
        if r.body and ct.startswith("application/x-www-form-urlencoded"):
            r.form = urllib.parse.parse_qsl(
                r.body.decode("utf-8", "surrogateescape"),
                keep_blank_values=True)
        r.params = dict(r.query)
        r.params.update(dict(r.form))
        return r

    def write(self, b):
        if self.trickle:
            for i in range(len(b)):
                self.sock.sendall(b[i:i + 1])
                self.wire += 1
                self.idle(self.trickle)
            return
        self.sock.sendall(b)
        self.wire += len(b)

    def drain(self, limit=1.0):
        """Wait until the kernel send queue is empty (at most limit s)."""
        import fcntl
        import termios
        end = time.monotonic() + limit
        while time.monotonic() < end:
            try:
                q = struct.unpack("i", fcntl.ioctl(
                    self.sock.fileno(), termios.TIOCOUTQ, b"\0\0\0\0"))[0]
            except OSError:
                return
            if q == 0:
                return
            time.sleep(0.005)

    def rst(self):
        self.drain()
        try:
            self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
                                 struct.pack("ii", 1, 0))
        except OSError:
            pass
        self.close()

    def close(self):
        try:
            self.sock.close()
        except OSError:
            pass


def reply(conn, code, body, ctype="application/json; charset=utf-8",
          extra=(), close=False):
    h = ["HTTP/1.1 %d %s" % (code, phrase(code)), "Date: " + http_date(),
         "Content-Type: " + ctype, "Content-Length: %d" % len(body),
         "Server: streamd"]
    h += list(extra)
    if close:
        h.append("Connection: close")
    conn.write(("\r\n".join(h) + "\r\n\r\n").encode() + body)


def error_body(code, v2, why=None, twcode=None):
    if v2:
        return jdump({"title": phrase(code), "detail": why or phrase(code),
                      "type": "about:blank", "status": code})
    c, msg = V1_ERRORS.get(code, (code, phrase(code)))
    if twcode is not None:
        c = twcode
        if twcode == 135:
            msg = "Timestamp out of bounds."
        elif twcode == 89:
            msg = "Invalid or expired token."
    return jdump({"errors": [{"code": c, "message": msg}]})


STREAM_PATHS = ("/1.1/statuses/filter.json", "/1.1/statuses/sample.json",
                "/2/tweets/search/stream", "/2/tweets/sample/stream",
                "/sse")


def is_stream_path(p):
    if p in STREAM_PATHS:
        return True
    if p.startswith("/stream/"):
        return p[8:].isdigit()
    return False


def handle_conn(raw, num):
    sock = raw
    conn = Conn(raw, num)
    try:
        for f in ST.faults_for(num, CONN_KINDS):
            if f.kind == "drop":
                ST.write_log({"ev": "request", "conn": num, "stream": None,
                              "path": None, "status": None,
                              "why": "fault:drop"})
                return
            if f.kind == "tls-delay":
                if ST.stop.wait(f.num()):
                    return
        if OPTS.tls:
            raw.settimeout(10)
            try:
                sock = TLS_CTX.wrap_socket(raw, server_side=True)
            except (OSError, ssl.SSLError) as e:
                ST.write_log({"ev": "tls-error", "conn": num,
                              "error": str(e)})
                return
            with ST.lock:
                ST.socks.discard(raw)
                ST.socks.add(sock)
            conn.sock = sock
        while not ST.stop.is_set():
            conn.sock.settimeout(120)
            try:
                r = conn.read_request()
            except Closed:
                return
            conn.sock.settimeout(None)
            if isinstance(r, str):
                code = {"toolarge": 413, "chunked-body": 411}.get(r, 400)
                reply(conn, code, error_body(code, False, r), close=True)
                ST.write_log({"ev": "request", "conn": num, "stream": None,
                              "path": None, "status": code, "why": r})
                return
            if not route(conn, r):
                return
    except (Closed, OSError, ValueError):
        pass
    finally:
        with ST.lock:
            ST.socks.discard(raw)
            ST.socks.discard(sock)
        conn.close()


def route(conn, r):
    """Serve one request; return True to keep the connection."""
    p = r.path
    if is_stream_path(p):
        with ST.lock:
            ST.streams += 1
            sn = ST.streams
        return Stream(conn, r, sn).run()
    if p.startswith("/_control/"):
        return control(conn, r)
    if p == "/2/tweets/search/stream/rules":
        return rules(conn, r)
    reply(conn, 404, error_body(404, p.startswith("/2/")))
    ST.write_log({"ev": "request", "conn": conn.num, "stream": None,
                  "method": r.method, "path": p, "status": 404,
                  "why": "no such path"})
    return True


def bearer_ok(r):
    if OPTS.no_auth:
        return True
    h = r.headers.get("authorization", "")
    return hmac.compare_digest(h, "Bearer " + OPTS.bearer)


def sent_at():
    return time.strftime("%Y-%m-%dT%H:%M:%S.000Z", time.gmtime(now_epoch()))


def rules(conn, r):
    def log(code, why):
        ST.write_log({"ev": "request", "conn": conn.num, "stream": None,
                      "method": r.method, "path": r.path, "status": code,
                      "why": why})
    if not bearer_ok(r):
        reply(conn, 401, error_body(401, True, "Unauthorized"))
        log(401, "bad bearer token")
        return True
    if r.method == "GET":
        with ST.lock:
            data = [dict(x) for x in ST.rules]
        o = {"meta": {"sent": sent_at(), "result_count": len(data)}}
        if data:
            o["data"] = data
        reply(conn, 200, jdump(o))
        log(200, "list")
        return True
    if r.method != "POST":
        reply(conn, 405, error_body(405, True))
        log(405, "method")
        return True
    dry = r.params.get("dry_run", "") in ("true", "1")
    try:
        body = json.loads(r.body or b"null")
        if not isinstance(body, dict):
            raise ValueError("body is not an object")
    except ValueError as e:
        reply(conn, 400, error_body(400, True, "invalid JSON: %s" % e))
        log(400, "bad json")
        return True
    if "add" in body:
        add = body["add"]
        if not isinstance(add, list) or not all(
                isinstance(x, dict) and isinstance(x.get("value"), str)
                and x["value"] for x in add):
            reply(conn, 400, error_body(400, True, "add: want "
                                        "[{\"value\":..,\"tag\":..}]"))
            log(400, "bad add")
            return True
        made = []
        for x in add:
            rule = {"id": str(next(ST.rule_id)), "value": x["value"]}
            if "tag" in x:
                rule["tag"] = str(x["tag"])
            made.append(rule)
        if not dry:
            with ST.lock:
                ST.rules.extend(made)
        o = {"data": made, "meta": {"sent": sent_at(), "summary": {
            "created": len(made), "not_created": 0, "valid": len(made),
            "invalid": 0}}}
        reply(conn, 200 if dry else 201, jdump(o))
        log(200 if dry else 201, "add")
        return True
    if "delete" in body:
        ids = body["delete"].get("ids", []) if isinstance(
            body["delete"], dict) else []
        ids = [str(i) for i in ids]
        with ST.lock:
            hit = [x for x in ST.rules if x["id"] in ids]
            if not dry:
                ST.rules = [x for x in ST.rules if x["id"] not in ids]
        o = {"meta": {"sent": sent_at(), "summary": {
            "deleted": len(hit), "not_deleted": len(ids) - len(hit)}}}
        reply(conn, 200, jdump(o))
        log(200, "delete")
        return True
    reply(conn, 400, error_body(400, True, "want add or delete"))
    log(400, "no add/delete")
    return True


def control(conn, r):
    p = r.path[len("/_control/"):]
    code, out = 200, {}
    if p == "fault" and r.method == "POST":
        added = []
        try:
            with ST.lock:
                nxt, nxc = ST.streams + 1, ST.conns + 1
            for ln in r.body.decode().splitlines():
                if ln.strip():
                    added.append(parse_fault(ln.strip(), nxt, nxc))
        except ValueError as e:
            code, out = 400, {"error": str(e)}
        else:
            with ST.lock:
                ST.faults.extend(added)
            out = {"added": len(added)}
    elif p == "clear" and r.method == "POST":
        with ST.lock:
            ST.faults = []
        out = {"cleared": True}
    elif p == "kick" and r.method == "POST":
        try:
            f = parse_fault("*:" + r.params.get("fault", "close=boundary"))
        except ValueError as e:
            code, out = 400, {"error": str(e)}
        else:
            with ST.lock:
                act = list(ST.active.values())
            for s in act:
                s.pending.append(f)
            out = {"kicked": [s.num for s in act]}
    elif p == "stats":
        with ST.lock:
            out = {"conns": ST.conns, "streams": ST.streams,
                   "seq": ST.last_seq, "active": len(ST.active),
                   "faults": [f.spec for f in ST.faults]}
    else:
        code, out = 404, {"error": "no such control"}
    reply(conn, code, jdump(out))
    return True


# ---- the stream ----------------------------------------------------------
class Ranges:
    def __init__(self):
        self.r = []
        self.n = 0

    def add(self, s):
        self.n += 1
        r = self.r
        if r and r[-1][1] + 1 == s:
            r[-1][1] = s
        else:
            r.append([s, s])


GZ_HEADER = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\xff"


class Stop(Exception):
    """End the stream; .why goes to the log."""

    def __init__(self, why):
        Exception.__init__(self, why)
        self.why = why


class Stream:
    def __init__(self, conn, req, num):
        self.conn, self.req, self.num = conn, req, num
        self.pending = []
        self.sent = Ranges()
        self.limits = Ranges()
        self.deletes = Ranges()
        self.backfill = Ranges()
        self.cut = None
        self.oversize, self.badjson, self.ctl = [], [], []
        self.plain = 0
        self.gzip = False
        self.z = None
        self.crc = 0
        self.isize = 0
        self.hdr_sent = True
        self.status = 200
        self.end = None
        self.fired = []
        self.count = OPTS.count
        self.n = 0                # data messages written on this stream
        self.last_write = time.monotonic()
        self.keepalive = OPTS.keepalive
        if self.keepalive is None:
            self.keepalive = 20.0 if req.path.startswith("/2/") else 30.0

    # -- setup -----------------------------------------------------------
    def log_request(self, code, why):
        ST.write_log({"ev": "request", "conn": self.conn.num,
                      "stream": self.num, "method": self.req.method,
                      "path": self.req.path, "status": code, "why": why})

    def fail(self, code, why, v2, twcode=None, extra=()):
        reply(self.conn, code, error_body(code, v2, why, twcode),
              extra=extra, close=True)
        self.log_request(code, why)
        return False

    def run(self):
        r = self.req
        p = r.path
        v2 = p.startswith("/2/")
        for f in ST.faults_for(self.num, HEAD_KINDS):
            self.fired.append(f.spec)
            if f.kind == "delay-head":
                self.conn.idle(f.num())
            elif f.kind == "status":
                code = int(f.num())
                extra = []
                if "retry-after" in f.params:
                    extra.append("Retry-After: %d" % f.num("retry-after"))
                if "reset-in" in f.params:
                    extra += ["x-rate-limit-limit: 50",
                              "x-rate-limit-remaining: 0",
                              "x-rate-limit-reset: %d" %
                              (now_epoch() + f.num("reset-in"))]
                return self.fail(code, "fault:" + f.spec, v2, extra=extra)
        self.track = ()
        self.shape = "v1"
        self.framing = "lines"
        self.rules_json = None
        start = []
        if p.startswith("/1.1/"):
            want = "POST" if p == V1_STREAM else "GET"
            if r.method != want and not (p == V1_STREAM and
                                         r.method == "GET"):
                return self.fail(405, "method not allowed", False)
            if not OPTS.no_auth:
                host = r.headers.get("host", "")
                scheme = "https" if OPTS.tls else "http"
                host = host.lower()
                dport = ":443" if OPTS.tls else ":80"
                if host.endswith(dport):
                    host = host[:-len(dport)]
                bad = oauth_check(r, "%s://%s%s" % (scheme, host, p))
                if bad:
                    return self.fail(401, bad[1], False, twcode=bad[0])
            if p == V1_STREAM:
                prm = r.params
                if not any(prm.get(k) for k in ("track", "follow",
                                                "locations")):
                    return self.fail(406, "need track, follow or "
                                     "locations", False)
                tr = [t.strip() for t in prm.get("track", "").split(",")
                      if t.strip()]
                if len(tr) > 400 or any(len(t.encode()) > 60 for t in tr):
                    return self.fail(406, "track: at most 400 terms of "
                                     "60 bytes", False)
                if prm.get("locations"):
                    try:
                        loc = [float(x) for x in
                               prm["locations"].split(",")]
                        if not loc or len(loc) % 4:
                            raise ValueError
                    except ValueError:
                        return self.fail(406, "locations: want groups of "
                                         "4 numbers", False)
                if prm.get("follow"):
                    if not all(x.strip().isdigit() for x in
                               prm["follow"].split(",")):
                        return self.fail(406, "follow: want user ids",
                                         False)
                self.track = tuple(tr[:8])
            if r.params.get("delimited") == "length":
                self.framing = "length"
        elif v2:
            if not bearer_ok(r):
                return self.fail(401, "Unauthorized", True)
            self.shape = "v2"
            self.framing = "v2"
            if p == "/2/tweets/search/stream":
                with ST.lock:
                    rl = [dict(x) for x in ST.rules]
                words = []
                for x in rl:
                    words += [w for w in x["value"].split()
                              if w.isalnum()]
                self.track = tuple(words[:8])
                self.rules_json = jdump([{k: x[k] for k in ("id", "tag")
                                          if k in x} for x in rl])
            bf = r.params.get("backfill_minutes")
            if bf is not None:
                if not bf.isdigit() or not 1 <= int(bf) <= 5:
                    return self.fail(400, "backfill_minutes: 1 to 5", True)
                start = ST.ring_since(t=time.monotonic() - 60 * int(bf))
        elif p == "/sse":
            self.framing = "sse"
            last = r.headers.get("last-event-id",
                                 r.params.get("last_event_id"))
            if last is not None:
                try:
                    start = ST.ring_since(seq=int(last))
                except ValueError:
                    pass
        else:
            self.framing = "ndjson"
            self.count = int(p[8:])
        self.pool = pool(self.shape, self.track)
        ae = r.headers.get("accept-encoding", "")
        want_gz = any(x.split(";")[0].strip() in ("gzip", "x-gzip", "*")
                      and "q=0" != x.split(";")[-1].strip().replace(" ", "")
                      for x in ae.split(","))
        self.gzip = (OPTS.gzip == "always" or
                     (OPTS.gzip == "auto" and want_gz))
        return self.serve(start)

    # -- output layers ---------------------------------------------------
    def chunk(self, data):
        if data:
            self.conn.write(b"%x\r\n%s\r\n" % (len(data), data))

    def gz(self, plain):
        """Compressed bytes of plain (with the gzip header first)."""
        out = b""
        if not self.hdr_sent:
            out, self.hdr_sent = GZ_HEADER, True
        self.crc = zlib.crc32(plain, self.crc)
        self.isize += len(plain)
        if self.z is None:
            return out + stored(plain) if len(plain) < 65536 else \
                out + zpiece(plain)
        return out + self.z.compress(plain) + self.z.flush(
            zlib.Z_SYNC_FLUSH)

    def encode(self, plain):
        self.plain += len(plain)
        return self.gz(plain) if self.gzip else plain

    def gz_trailer(self, bad=None):
        tail = self.z.flush(zlib.Z_FINISH) if self.z else \
            b"\x01\x00\x00\xff\xff"
        crc = self.crc ^ (0xffffffff if bad == "crc" else 0)
        size = (self.isize + (1 if bad == "size" else 0)) & 0xffffffff
        return tail + struct.pack("<II", crc, size)

    def frame(self, seq, body):
        """(prefix, suffix) around a message body for this framing."""
        f = self.framing
        if f == "sse":
            return b"id: %d\ndata: " % seq, b"\n\n"
        if f == "ndjson":
            return b"", b"\n"
        if f == "length":
            return b"%d\r\n" % (len(body) + 2), b"\r\n"
        return b"", b"\r\n"

    def keepalive_bytes(self):
        return b": keep-alive\n\n" if self.framing == "sse" else b"\r\n"

    def message(self, seq):
        """(plain bytes, wire data bytes) of data message seq."""
        t = self.pool[seq % len(self.pool)]
        if self.gzip and OPTS.gzip_fast and self.shape == "v1" and \
                self.framing != "length":
            body = t.render(seq)
            pre, suf = self.frame(seq, body)
            plain = pre + body + suf
            self.plain += len(plain)
            self.crc = zlib.crc32(plain, self.crc)
            self.isize += len(plain)
            out = b""
            if not self.hdr_sent:
                out, self.hdr_sent = GZ_HEADER, True
            data = out + (stored(pre) if pre else b"") + t.zrender(seq) + \
                stored(suf)
            return data
        body = t.render(seq)
        if self.rules_json is not None:
            body = with_rules(body, self.rules_json)
        pre, suf = self.frame(seq, body)
        return self.encode(pre + body + suf)

    def special(self, body, seq):
        pre, suf = self.frame(seq or 0, body)
        if seq is None and self.framing == "sse":
            pre = b"data: "
        return self.encode(pre + body + suf)

    # -- the loop --------------------------------------------------------
    def serve(self, start):
        c = self.conn
        faults = ST.faults_for(self.num, POS_KINDS)
        self.at = collections.defaultdict(list)
        for f in faults:
            self.at[f.after].append(f)
            if f.kind == "trickle" and f.after == 0:
                c.trickle = f.num() / 1000.0
                self.fired.append(f.spec)
                self.at[0].remove(f)
        if self.gzip:
            self.hdr_sent = False
            if not OPTS.gzip_fast or self.framing == "length" or \
                    self.shape == "v2":
                self.z = zlib.compressobj(OPTS.gzip_level, zlib.DEFLATED,
                                          -15)
        h = ["HTTP/1.1 200 OK", "Date: " + http_date(), "Server: streamd",
             "Content-Type: " + ("text/event-stream"
                                 if self.framing == "sse" else
                                 "application/json; charset=utf-8"),
             "Transfer-Encoding: chunked", "Vary: Accept-Encoding",
             "Cache-Control: no-cache",
             "X-Connection-Hash: %032x" % random.getrandbits(128),
             "X-Streamd-Conn: %d" % c.num, "X-Streamd-Stream: %d" % self.num]
        if self.gzip:
            h.append("Content-Encoding: gzip")
        self.t_open = time.time()
        with ST.lock:
            ST.active[self.num] = self
        ST.write_log({"ev": "open", "conn": c.num, "stream": self.num,
                      "path": self.req.path, "track": list(self.track),
                      "t": self.t_open})
        keep = False
        try:
            c.write(("\r\n".join(h) + "\r\n\r\n").encode())
            self.loop(start)
            # a clean end: the gzip trailer, then the last chunk
            if self.gzip:
                self.chunk(self.hdr_bytes() + self.gz_trailer())
            c.write(b"0\r\n\r\n")
            self.end = self.end or "count"
            keep = True
        except Stop as e:
            self.end = e.why
        except Closed:
            self.end = "stop" if ST.stop.is_set() else "client-gone"
        except (OSError, ValueError) as e:
            self.end = "stop" if ST.stop.is_set() else "client-gone"
            if not ST.stop.is_set() and not isinstance(e, OSError):
                self.end = "error: %s" % e
        finally:
            with ST.lock:
                ST.active.pop(self.num, None)
            ST.write_log({
                "ev": "close", "conn": c.num, "stream": self.num,
                "method": self.req.method, "path": self.req.path,
                "status": self.status, "gzip": self.gzip,
                "framing": self.framing, "sent": self.sent.r,
                "n": self.sent.n, "cut": self.cut,
                "limits": self.limits.r, "deletes": self.deletes.r,
                "oversize": self.oversize, "badjson": self.badjson,
                "backfill": self.backfill.r, "control": self.ctl,
                "end": self.end, "faults": self.fired,
                "wire_bytes": c.wire, "plain_bytes": self.plain,
                "t_open": self.t_open, "t_close": time.time()})
        return keep and not ST.stop.is_set()

    def hdr_bytes(self):
        if self.gzip and not self.hdr_sent:
            self.hdr_sent = True
            return GZ_HEADER
        return b""

    def send_data(self, seq, data, ranges):
        """Write one message chunk; record seq once its last byte is out."""
        self.cut = seq
        self.chunk(data)
        self.cut = None
        ranges.add(seq)
        self.last_write = time.monotonic()

    def wait(self, until):
        """Sleep until monotonic time `until`, sending keep-alives."""
        ka = self.keepalive
        while True:
            now = time.monotonic()
            if now >= until or self.pending:
                return
            if ka and now - self.last_write >= ka:
                self.chunk(self.encode(self.keepalive_bytes()))
                self.last_write = now
                continue
            nxt = until
            if ka:
                nxt = min(nxt, self.last_write + ka)
            self.conn.idle(min(0.1, max(0.0, nxt - now)))

    def loop(self, start):
        rate = OPTS.rate
        self.step = 1.0 / rate if rate > 0 else 0.0
        nexttime = time.monotonic()
        for seq in start:
            if ST.stop.is_set():
                raise Stop("stop")
            self.send_data(seq, self.message(seq), self.backfill)
        at = self.at
        stop = ST.stop
        while True:
            if self.count and self.n >= self.count:
                return
            if stop.is_set():
                raise Stop("stop")
            if self.n in at:
                for f in at.pop(self.n):
                    self.apply(f)
                if self.count and self.n >= self.count:
                    return
            if self.pending:
                self.apply(self.pending.pop(0))
                continue
            if self.step:
                nexttime += self.step
                if nexttime > time.monotonic():
                    self.wait(nexttime)
                    if self.pending:
                        continue
                else:
                    nexttime = max(nexttime, time.monotonic() - 1.0)
            seq = ST.next_seq(time.monotonic())
            kind = self.pool[seq % len(self.pool)].kind
            self.send_data(seq, self.message(seq), self.limits
                           if kind == "limit" else self.sent)
            if kind == "delete":
                self.deletes.add(seq)
            self.n += 1

    # -- faults ----------------------------------------------------------
    def end_with(self, how, where, kind):
        c = self.conn
        if where == "msg":
            seq = ST.next_seq(time.monotonic())
            data = self.message(seq)
            half = max(1, len(data) // 2)
            self.cut = seq
            c.write(b"%x\r\n" % len(data) + data[:half])
        elif where == "chunk-header":
            hx = b"%x" % 4096
            c.write(hx[:2])
        elif where == "gzip-header":
            if self.gzip and not self.hdr_sent:
                c.write(b"a\r\n" + GZ_HEADER[:4])
            else:
                seq = ST.next_seq(time.monotonic())
                data = self.message(seq)
                self.cut = seq
                c.write(b"%x\r\n" % len(data) + data[:len(data) // 2])
        elif where == "gzip-trailer":
            if self.gzip:
                t = self.hdr_bytes() + self.gz_trailer()
                c.write(b"%x\r\n" % len(t) + t[:len(t) - 4])
        if how == "rst":
            c.rst()
        else:
            c.close()
        raise Stop("fault:" + kind)

    def apply(self, f):
        self.fired.append(f.spec)
        k = f.kind
        c = self.conn
        if k == "count":
            self.count = int(f.num())
        elif k == "rate":
            self.step = 1.0 / f.num() if f.num() > 0 else 0.0
        elif k == "trickle":
            c.trickle = f.num() / 1000.0
        elif k == "stall":
            self.conn.idle(f.num())
        elif k == "stall-ka":
            ka = f.num("ka", self.keepalive or 1)
            now = time.monotonic()
            end, nxt = now + f.num(), now + ka
            while now < end:
                if now >= nxt:
                    self.chunk(self.encode(self.keepalive_bytes()))
                    self.last_write = now
                    nxt += ka
                else:
                    self.conn.idle(min(nxt, end) - now)
                now = time.monotonic()
        elif k in ("close", "rst"):
            self.end_with(k, f.arg, "%s=%s" % (k, f.arg))
        elif k == "disconnect":
            code = int(f.num())
            if self.shape == "v2":
                body = jdump({"errors": [{
                    "title": "operational-disconnect",
                    "disconnect_type": DISCONNECT_REASONS.get(
                        code, "UpstreamOperationalDisconnect"),
                    "detail": "This stream has been disconnected upstream "
                              "for operational reasons.",
                    "type": "https://api.twitter.com/2/problems/"
                            "operational-disconnect"}]})
            else:
                body = jdump({"disconnect": {
                    "code": code, "stream_name": "streamd-statuses%d"
                    % self.num,
                    "reason": DISCONNECT_REASONS.get(code, "Unknown")}})
            self.chunk(self.special(body, None))
            self.ctl.append("disconnect=%d" % code)
            if self.gzip:
                self.chunk(self.hdr_bytes() + self.gz_trailer())
            c.write(b"0\r\n\r\n")
            c.close()
            raise Stop("fault:disconnect=%d" % code)
        elif k == "inject":
            body = self.control_message(f)
            self.chunk(self.special(body, None))
            self.ctl.append(f.arg)
        elif k == "oversize":
            seq = ST.next_seq(time.monotonic())
            t = self.pool[seq % len(self.pool)]
            b = t.render(seq)
            need = max(0, int(f.num()) - len(b) - 14)
            b = b[:-1] + b',"padding":"' + b"x" * need + b'"}'
            self.cut = seq
            self.chunk(self.special(b, seq))
            self.cut = None
            self.oversize.append(seq)
            self.n += 1
        elif k == "badjson":
            seq = ST.next_seq(time.monotonic())
            b = b'{"id_str":"%d","sluice_seq":%d,"text":"broken' % (
                BASE_ID + seq, seq)
            self.cut = seq
            self.chunk(self.special(b, seq))
            self.cut = None
            self.badjson.append(seq)
            self.n += 1
        elif k in ("garbage", "garbage-raw"):
            n = int(f.num())
            rng = random.Random(n)
            g = bytes(rng.choice(b"\x00\x01\x7f\x80\xfe\xff{}[]\"\\ab9")
                      for _ in range(n))
            if k == "garbage":
                self.chunk(self.encode(g + b"\r\n"))
            else:
                self.chunk(self.hdr_bytes() + g + b"\r\n")
            self.ctl.append(k)
        elif k in ("badcrc", "badsize"):
            if self.gzip:
                self.chunk(self.hdr_bytes() +
                           self.gz_trailer(bad=k[3:]))
                c.write(b"0\r\n\r\n")
            c.close()
            raise Stop("fault:" + k)
        elif k == "chunk-overflow":
            c.write(b"1" + b"0" * 19 + b"\r\n" + b"x" * 64)
            c.close()
            raise Stop("fault:" + k)
        elif k == "chunk-badhex":
            c.write(b"zz\r\nxx\r\n")
            c.close()
            raise Stop("fault:" + k)

    def control_message(self, f):
        a = f.arg
        if a == "warning":
            pct = int(f.num("pct", 60))
            return jdump({"warning": {
                "code": "FALLING_BEHIND",
                "message": "Your connection is falling behind and messages "
                           "are being queued for delivery to you. Your "
                           "queue is now over %d%% full. You will be "
                           "disconnected when the queue is full." % pct,
                "percent_full": pct}})
        if a == "scrub_geo":
            return jdump({"scrub_geo": {"user_id": 1234, "user_id_str":
                                        "1234", "up_to_status_id": BASE_ID,
                                        "up_to_status_id_str":
                                        str(BASE_ID)}})
        if a == "status_withheld":
            return jdump({"status_withheld": {
                "id": BASE_ID, "user_id": 1234,
                "withheld_in_countries": ["DE", "AR"]}})
        return jdump({"user_withheld": {
            "id": 1234, "withheld_in_countries": ["DE", "AR"]}})


# ---- main ----------------------------------------------------------------
TLS_CTX = None


class Opts:
    pass


def parse_args(argv):
    o = Opts()
    env = os.environ.get
    o.port = None
    o.port_file = None
    o.bind = "127.0.0.1"
    o.tls = False
    o.cert = o.key = None
    o.log = None
    o.rate = 0.0
    o.count = 0
    o.keepalive = None
    o.seed = 1
    o.gzip = "auto"
    o.gzip_level = 1
    o.gzip_fast = False
    o.ring = 20000
    o.clock_offset = 0.0
    o.no_auth = False
    o.consumer_key = env("SLUICE_CONSUMER_KEY", "test-consumer-key")
    o.consumer_secret = env("SLUICE_CONSUMER_SECRET", "test-consumer-secret")
    o.token = env("SLUICE_ACCESS_TOKEN", env("SLUICE_TOKEN", "test-token"))
    o.token_secret = env("SLUICE_ACCESS_SECRET",
                         env("SLUICE_TOKEN_SECRET", "test-token-secret"))
    o.bearer = env("SLUICE_BEARER_TOKEN", env("SLUICE_BEARER",
                                              "test-bearer-token"))
    o.faults = []
    valued = {"--port": ("port", int), "--port-file": ("port_file", str),
              "--bind": ("bind", str), "--cert": ("cert", str),
              "--key": ("key", str), "--log": ("log", str),
              "--rate": ("rate", float), "--count": ("count", int),
              "--keepalive": ("keepalive", float), "--seed": ("seed", int),
              "--gzip": ("gzip", str), "--gzip-level": ("gzip_level", int),
              "--ring": ("ring", int), "--clock-offset": ("clock_offset",
                                                          float),
              "--consumer-key": ("consumer_key", str),
              "--consumer-secret": ("consumer_secret", str),
              "--token": ("token", str),
              "--token-secret": ("token_secret", str),
              "--bearer": ("bearer", str)}
    flags = {"--tls": "tls", "--no-auth": "no_auth",
             "--gzip-fast": "gzip_fast"}
    i = 0
    while i < len(argv):
        a = argv[i]
        name, eq, val = a.partition("=")
        if a in ("-h", "--help"):
            sys.stdout.write(HELP)
            sys.exit(0)
        if name in flags and not eq:
            setattr(o, flags[name], True)
        elif name in valued or name == "--fault":
            if not eq:
                i += 1
                if i >= len(argv):
                    usage("%s needs a value" % name)
                val = argv[i]
            if name == "--fault":
                try:
                    o.faults.append(parse_fault(val))
                except ValueError as e:
                    usage(str(e))
            else:
                attr, conv = valued[name]
                try:
                    setattr(o, attr, conv(val))
                except ValueError:
                    usage("%s: bad value %r" % (name, val))
        else:
            usage("unknown option %r" % a)
        i += 1
    if o.port is None:
        usage("--port is required (0 picks a free port)")
    if o.tls and not (o.cert and o.key):
        usage("--tls needs --cert and --key")
    if o.gzip not in ("auto", "always", "never"):
        usage("--gzip: auto, always or never")
    if not 0 <= o.gzip_level <= 9:
        usage("--gzip-level: 0 to 9")
    return o


def usage(msg):
    sys.stderr.write("streamd: %s\nusage: streamd --port P [options] "
                     "(see --help)\n" % msg)
    sys.exit(2)


def main(argv):
    global OPTS, ST, TLS_CTX
    OPTS = parse_args(argv)
    ST = State()
    ST.faults = list(OPTS.faults)
    if OPTS.log:
        ST.log = open(OPTS.log, "a", encoding="utf-8")
    if OPTS.tls:
        TLS_CTX = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        try:
            TLS_CTX.load_cert_chain(OPTS.cert, OPTS.key)
        except (OSError, ssl.SSLError) as e:
            sys.stderr.write("streamd: %s / %s: %s\n" %
                             (OPTS.cert, OPTS.key, e))
            return 1
    ls = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        ls.bind((OPTS.bind, OPTS.port))
    except OSError as e:
        sys.stderr.write("streamd: bind %s:%d: %s\n" %
                         (OPTS.bind, OPTS.port, e))
        return 1
    ls.listen(64)
    port = ls.getsockname()[1]
    pool("v1", ())                       # warm the default templates

    def on_signal(sig, frame):
        ST.stop.set()
    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    signal.signal(signal.SIGPIPE, signal.SIG_IGN)
    if OPTS.port_file:
        tmp = OPTS.port_file + ".tmp"
        with open(tmp, "w") as f:
            f.write("%d\n" % port)
        os.rename(tmp, OPTS.port_file)
    ST.write_log({"ev": "listen", "port": port, "tls": OPTS.tls,
                  "pid": os.getpid()})
    sys.stdout.write("streamd listening on %s://%s:%d/\n" %
                     ("https" if OPTS.tls else "http", OPTS.bind, port))
    sys.stdout.flush()
    threads = []
    while not ST.stop.is_set():
        try:
            rd, _, _ = select.select([ls], [], [], 0.2)
        except InterruptedError:
            continue
        if not rd:
            continue
        try:
            s, _ = ls.accept()
        except OSError:
            continue
        s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        with ST.lock:
            ST.conns += 1
            n = ST.conns
            ST.socks.add(s)
        t = threading.Thread(target=handle_conn, args=(s, n), daemon=True)
        t.start()
        threads = [x for x in threads if x.is_alive()] + [t]
    ls.close()
    # Streams notice the stop flag between messages; unblock the rest.
    end = time.monotonic() + 0.3
    for t in threads:
        t.join(max(0.0, end - time.monotonic()))
    with ST.lock:
        socks = list(ST.socks)
    for s in socks:
        try:
            socket.socket.shutdown(s, socket.SHUT_RDWR)
        except (OSError, ValueError):
            pass
    end = time.monotonic() + 1.0
    for t in threads:
        t.join(max(0.0, end - time.monotonic()))
    ST.write_log({"ev": "exit"})
    if ST.log:
        ST.log.close()
    return 0
