#!/usr/bin/python3
# webclient.py -- MIT licensed, see LICENSE.
# Python-stdlib clients for test/web.sh: SSE, WebSocket (RFC 6455, masked
# client frames), and Chromium driven over the DevTools protocol (which is
# itself a WebSocket).  Each subcommand prints one line and exits 0 on
# success, 1 on failure:
#   order PORT            WS and SSE get the same messages, in order
#   resume PORT           SSE reconnect with Last-Event-ID: no gap
#   track PORT TOKEN      /track: 403 without token, 200 with it
#   fanout PORT PID N     N SSE readers + 1 stalled one: stalled dropped,
#                         readers complete, driver memory bounded
#   browser PORT PNG      headless Chromium loads the page, checks the DOM,
#                         saves a screenshot
import base64, hashlib, json, os, selectors, socket, struct, subprocess
import sys, tempfile, time, urllib.request, shutil

HOST = "127.0.0.1"


def fail(msg):
    print("fail: " + msg)
    sys.exit(1)


# ---- SSE -----------------------------------------------------------------

class SSE:
    def __init__(self, port, path="/events", last_id=None, rcvbuf=None):
        self.s = socket.socket()
        if rcvbuf:
            self.s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, rcvbuf)
        self.s.connect((HOST, port))
        req = "GET %s HTTP/1.1\r\nHost: x\r\nAccept: text/event-stream\r\n" % path
        if last_id is not None:
            req += "Last-Event-ID: %s\r\n" % last_id
        self.s.sendall((req + "\r\n").encode())
        self.buf = b""
        self.head = None
        self.events = []        # (id, event, data)
        self.light = False      # fanout: only check the ids
        self.count = 0
        self.last = 0
        self.bad = None

    def feed(self, data):
        self.buf += data
        if self.head is None:
            i = self.buf.find(b"\r\n\r\n")
            if i < 0:
                return
            self.head = self.buf[:i].decode()
            self.buf = self.buf[i + 4:]
        while True:
            i = self.buf.find(b"\n\n")
            if i < 0:
                return
            block, self.buf = self.buf[:i].decode(), self.buf[i + 2:]
            ev = {"id": None, "event": "message", "data": []}
            for line in block.split("\n"):
                if line.startswith(":"):
                    continue
                k, _, v = line.partition(":")
                v = v[1:] if v.startswith(" ") else v
                if k == "data":
                    ev["data"].append(v)
                elif k in ("id", "event"):
                    ev[k] = v
            if ev["data"] and self.light:
                if ev["event"] == "message":
                    i = int(ev["id"])
                    if i != self.last + 1 and self.bad is None:
                        self.bad = "after %d came %d" % (self.last, i)
                    self.last = i
                    self.count += 1
            elif ev["data"]:
                self.events.append((ev["id"], ev["event"], "\n".join(ev["data"])))

    def read_until(self, pred, timeout=10):
        end = time.time() + timeout
        self.s.settimeout(0.2)
        while not pred(self) and time.time() < end:
            try:
                d = self.s.recv(65536)
            except socket.timeout:
                continue
            if not d:
                break
            self.feed(d)
        return pred(self)

    def messages(self):
        return [(int(i), json.loads(d)) for i, e, d in self.events
                if e == "message"]


# ---- WebSocket -----------------------------------------------------------

class WS:
    def __init__(self, port, path, host=HOST):
        self.s = socket.create_connection((host, port), 10)
        key = base64.b64encode(os.urandom(16)).decode()
        self.s.sendall(("GET %s HTTP/1.1\r\nHost: %s:%d\r\nUpgrade: websocket\r\n"
                        "Connection: Upgrade\r\nSec-WebSocket-Key: %s\r\n"
                        "Sec-WebSocket-Version: 13\r\n\r\n" %
                        (path, host, port, key)).encode())
        self.buf = b""
        while b"\r\n\r\n" not in self.buf:
            d = self.s.recv(4096)
            if not d:
                fail("ws: closed during handshake")
            self.buf += d
        head, self.buf = self.buf.split(b"\r\n\r\n", 1)
        head = head.decode()
        want = base64.b64encode(hashlib.sha1(
            (key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11").encode()).digest()).decode()
        if " 101 " not in head.split("\r\n")[0] or \
                ("sec-websocket-accept: " + want.lower()) not in head.lower():
            fail("ws: bad handshake: " + head)

    def send(self, op, payload):
        mask = os.urandom(4)
        n = len(payload)
        h = bytes([0x80 | op])
        if n < 126:
            h += bytes([0x80 | n])
        elif n < 65536:
            h += bytes([0x80 | 126]) + struct.pack(">H", n)
        else:
            h += bytes([0x80 | 127]) + struct.pack(">Q", n)
        self.s.sendall(h + mask + bytes(b ^ mask[i & 3] for i, b in enumerate(payload)))

    def _need(self, n):
        while len(self.buf) < n:
            d = self.s.recv(65536)
            if not d:
                raise EOFError
            self.buf += d

    def recv(self):
        """One whole message: (opcode, payload); continuation joined."""
        parts, first = [], None
        while True:
            self._need(2)
            b0, b1 = self.buf[0], self.buf[1]
            if b1 & 0x80:
                fail("ws: server frame is masked")
            n, h = b1 & 127, 2
            if n == 126:
                self._need(4)
                n, h = struct.unpack(">H", self.buf[2:4])[0], 4
            elif n == 127:
                self._need(10)
                n, h = struct.unpack(">Q", self.buf[2:10])[0], 10
            self._need(h + n)
            payload, self.buf = self.buf[h:h + n], self.buf[h + n:]
            op = b0 & 15
            if op >= 8:
                return op, payload
            if first is None:
                first = op
            parts.append(payload)
            if b0 & 0x80:
                return first, b"".join(parts)


# ---- subcommands -----------------------------------------------------------

def cmd_order(port):
    ws = WS(port, "/ws")
    sse = SSE(port)
    got_ws = []
    ws.s.settimeout(10)
    ws.send(9, b"hello")            # ping: the pong comes in the stream
    pong = False
    while len(got_ws) < 60:
        op, p = ws.recv()
        if op == 10:
            pong = p == b"hello"
            continue
        if op != 1:
            fail("ws: unexpected opcode %d" % op)
        m = json.loads(p.decode("utf-8"))
        if "stats" in m:
            continue
        got_ws.append(m)
    if not pong:
        fail("ws: no pong for the ping")
    ws.send(8, struct.pack(">H", 1000))
    while True:
        op, p = ws.recv()
        if op == 8:
            break
    try:
        if ws.s.recv(1) != b"":
            fail("ws: not closed after close")
    except socket.timeout:
        fail("ws: not closed after close")
    last_n = got_ws[-1]["n"]
    if not sse.read_until(lambda s: any(i >= last_n for i, m in s.messages())):
        fail("sse: did not reach %d" % last_n)
    ns = [m["n"] for m in got_ws]
    if ns != list(range(ns[0], ns[0] + len(ns))):
        fail("ws: not in order / gaps: %s" % ns[:10])
    by_n = {i: m for i, m in sse.messages()}
    common = [m for m in got_ws if m["n"] in by_n]
    if len(common) < 30:
        fail("ws/sse overlap too small: %d" % len(common))
    for m in common:
        if by_n[m["n"]] != m:
            fail("ws and sse differ at %d: %r %r" % (m["n"], m, by_n[m["n"]]))
    sids = [i for i, m in sse.messages()]
    if sids != list(range(sids[0], sids[0] + len(sids))):
        fail("sse: gaps")
    print("ok: %d ws messages in order, %d identical on sse, pong ok" %
          (len(got_ws), len(common)))


def cmd_resume(port):
    seen = []
    last = None
    for round_ in range(4):
        s = SSE(port, last_id=last)
        want = len(seen) + 25
        if not s.read_until(lambda x: len(seen) + len(x.messages()) >= want):
            fail("resume: round %d got too few" % round_)
        ms = s.messages()
        if "text/event-stream" not in s.head:
            fail("resume: content type")
        s.s.close()
        seen += [i for i, m in ms]
        last = seen[-1]
        time.sleep(0.3)             # messages published while away
    if seen != list(range(seen[0], seen[0] + len(seen))):
        miss = sorted(set(range(seen[0], seen[-1] + 1)) - set(seen))
        fail("resume: gaps or duplicates, missing %s" % miss[:10])
    print("ok: %d events over 4 connections, ids %d..%d without gaps" %
          (len(seen), seen[0], seen[-1]))


def http(port, method, path, body=None, headers=None):
    req = urllib.request.Request("http://%s:%d%s" % (HOST, port, path),
                                 data=body, method=method, headers=headers or {})
    try:
        with urllib.request.urlopen(req, timeout=10) as r:
            return r.status, r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.read()


def cmd_track(port, token):
    st, _ = http(port, "POST", "/track", b"nope")
    if st != 403:
        fail("no token: %d" % st)
    st, _ = http(port, "POST", "/track", b"nope", {"Authorization": "Bearer x" + token})
    if st != 403:
        fail("wrong token: %d" % st)
    st, b = http(port, "POST", "/track", b"rust,zig",
                 {"Authorization": "Bearer " + token})
    if st != 200 or json.loads(b) != {"track": "rust,zig"}:
        fail("right token: %d %r" % (st, b))
    st, b = http(port, "POST", "/track", b"track=caf%C3%A9+bar",
                 {"Authorization": "Bearer " + token,
                  "Content-Type": "application/x-www-form-urlencoded"})
    if st != 200 or json.loads(b) != {"track": "caf\u00e9 bar"}:
        fail("form: %d %r" % (st, b))
    st, _ = http(port, "GET", "/track")
    if st != 405:
        fail("GET /track: %d" % st)
    print("ok: 403 without and with a wrong token, 200 with it")


def vm(pid, key):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith(key + ":"):
                return int(line.split()[1])
    return 0


def cmd_fanout(port, pid, n):
    n = int(n)
    pid = int(pid)
    stalled = socket.socket()
    stalled.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    stalled.connect((HOST, port))
    stalled.sendall(b"GET /events HTTP/1.1\r\nHost: x\r\n\r\n")
    readers = [SSE(port) for _ in range(n)]
    sel = selectors.DefaultSelector()
    for r in readers:
        r.light = True
        r.s.setblocking(False)
        sel.register(r.s, selectors.EVENT_READ, r)
    end = time.time() + 60
    rss_max = 0
    stats = None
    # the driver publishes -n messages once all are connected, then idles
    while time.time() < end:
        for key, _ in sel.select(0.2):
            try:
                d = key.fileobj.recv(262144)
            except BlockingIOError:
                continue
            if not d:
                sel.unregister(key.fileobj)
                continue
            key.data.feed(d)
        rss_max = max(rss_max, vm(pid, "VmRSS"))
        if all(r.last >= TOTAL for r in readers):
            break
    st, b = http(port, "GET", "/stats")
    stats = json.loads(b)["web"]
    hwm = vm(pid, "VmHWM")
    for i, r in enumerate(readers):
        if r.bad or r.count != TOTAL or r.last != TOTAL:
            fail("reader %d: %d events, last %d, %s" %
                 (i, r.count, r.last, r.bad))
    if stats["dropped_slow"] != 1:
        fail("stalled client not dropped: %r" % stats)
    if stats["sse"] != n:
        fail("readers lost: %r" % stats)
    print("ok: %d readers got all %d events in order; stalled one dropped;"
          " driver VmHWM %d kB" % (n, TOTAL, hwm))
    print("hwm %d" % hwm)
    stalled.close()


def cmd_browser(port, png, frag=""):
    # WEB_NO_INJECT=1: the feed carries no <script>/<img> texts (sluice
    # capturing test/streamd), so do not wait for them.
    inject = not os.environ.get("WEB_NO_INJECT")
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if not chromium:
        print("skip: no chromium")
        sys.exit(77)
    prof = tempfile.mkdtemp(prefix="sluice-chromium-")
    s = socket.socket()
    s.bind((HOST, 0))
    dport = s.getsockname()[1]
    s.close()
    p = subprocess.Popen([chromium, "--headless", "--no-sandbox", "--disable-gpu",
                          "--no-first-run", "--disable-background-networking",
                          "--disable-component-update", "--disable-sync",
                          "--user-data-dir=" + prof, "--window-size=1280,760",
                          "--hide-scrollbars",
                          "--remote-debugging-address=127.0.0.1",
                          "--remote-debugging-port=%d" % dport, "about:blank"],
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        end = time.time() + 30
        target = None
        while time.time() < end and target is None:
            try:
                with urllib.request.urlopen("http://127.0.0.1:%d/json/list" % dport,
                                            timeout=2) as r:
                    for t in json.load(r):
                        if t.get("type") == "page":
                            target = t["webSocketDebuggerUrl"]
            except OSError:
                time.sleep(0.2)
        if target is None:
            fail("chromium: no DevTools target")
        path = target.split("%d" % dport, 1)[1]
        cdp = WS(dport, path)
        cdp.s.settimeout(30)
        seq = [0]

        def call(method, **params):
            seq[0] += 1
            cdp.send(1, json.dumps({"id": seq[0], "method": method,
                                    "params": params}).encode())
            while True:
                op, p_ = cdp.recv()
                if op != 1:
                    continue
                m = json.loads(p_)
                if m.get("id") == seq[0]:
                    if "error" in m:
                        fail("cdp %s: %r" % (method, m["error"]))
                    return m.get("result", {})

        def js(expr):
            r = call("Runtime.evaluate", expression=expr, returnByValue=True)
            return r.get("result", {}).get("value")

        call("Page.enable")
        call("Runtime.enable")
        call("Emulation.setEmulatedMedia", features=[
            {"name": "prefers-reduced-motion", "value": "reduce"}])
        call("Page.navigate", url="http://%s:%d/%s" % (HOST, port, frag))
        probe = ("JSON.stringify({msgs:+document.body.dataset.msgs,"
                 "geo:+document.body.dataset.geo,"
                 "stats:+document.body.dataset.stats,"
                 "points:+document.getElementById('map').dataset.points,"
                 "coast:+document.getElementById('map').dataset.coast,"
                 "items:document.querySelectorAll('#list li').length,"
                 "state:document.getElementById('state').textContent,"
                 "pwned:document.body.dataset.pwned||null,"
                 "scripts:document.scripts.length,"
                 "script_text:Array.from(document.querySelectorAll('#list .text'))"
                 ".filter(e=>e.textContent==='<script>alert(1)</script>').length,"
                 "img_text:Array.from(document.querySelectorAll('#list .text'))"
                 ".filter(e=>e.textContent.startsWith('<img src=x')).length,"
                 "imgs:document.querySelectorAll('#list img').length,"
                 "counters:document.getElementById('counters').textContent})")
        first = None
        st = {}
        end = time.time() + 30
        while time.time() < end:
            v = js(probe)
            st = json.loads(v) if v else {}
            if first is None and st.get("stats", 0) >= 1:
                first = st
            if first and st.get("stats", 0) >= first["stats"] + 2 and \
                    st.get("msgs", 0) > first["msgs"] and st.get("points", 0) > 0 \
                    and (not inject or (st.get("script_text", 0) > 0
                                        and st.get("img_text", 0) > 0)):
                break
            time.sleep(0.25)
        time.sleep(0.6)         # let a few points fade in for the picture
        if png != "-":
            shot = call("Page.captureScreenshot", format="png")
            with open(png, "wb") as f:
                f.write(base64.b64decode(shot["data"]))
        st = json.loads(js(probe))
        errs = []
        if not first:
            errs.append("no stats event reached the page")
        if st.get("items", 0) < 10 or st.get("msgs", 0) < 10:
            errs.append("messages did not appear in the list")
        if first and not (st["msgs"] > first["msgs"] and st["stats"] > first["stats"]):
            errs.append("counters did not advance")
        if st.get("points", 0) < 1 or st.get("coast", 0) < 100:
            errs.append("no points / coastline on the map")
        if inject and (st.get("script_text", 0) < 1 or st.get("img_text", 0) < 1):
            errs.append("<script>/<img> text not shown as text")
        if st.get("pwned") or st.get("imgs") or st.get("scripts") != 1:
            errs.append("injected markup was interpreted")
        want = "WebSocket" if "ws" in frag else "SSE"
        if "live" not in (st.get("state") or "") or want not in st["state"]:
            errs.append("page not live: %r" % st.get("state"))
        if errs:
            fail("; ".join(errs) + " -- " + json.dumps(st))
        print("ok: %s: %d messages, %d geotagged, %d points on the map, "
              "%d stats events; %s; screenshot %s" %
              (st["state"], st["msgs"], st["geo"], st["points"], st["stats"],
               "<script> shown as text" if inject else "no markup run",
               png))
    finally:
        p.terminate()
        try:
            p.wait(10)
        except subprocess.TimeoutExpired:
            p.kill()
        shutil.rmtree(prof, ignore_errors=True)


TOTAL = int(os.environ.get("WEB_TOTAL", "0"))

if __name__ == "__main__":
    a = sys.argv[1:]
    if not a:
        fail("usage")
    port = int(a[1])
    {"order": lambda: cmd_order(port),
     "resume": lambda: cmd_resume(port),
     "track": lambda: cmd_track(port, a[2]),
     "fanout": lambda: cmd_fanout(port, a[2], a[3]),
     "browser": lambda: cmd_browser(port, a[2], *a[3:])}[a[0]]()
