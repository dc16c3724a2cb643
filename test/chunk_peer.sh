#!/bin/sh
# Differential test of http.c + chunk.c against real peers on 127.0.0.1:
# nginx (gzip on: it sends a chunked gzip body) and a Python server that
# sends random chunk sizes with extensions and trailers.  The decoded body
# must equal the original bytes.
. test/lib.sh

fetch() {	# fetch PORT PATH OUT: raw response bytes, HTTP/1.1
	/usr/bin/python3 - "$1" "$2" "$3" <<'PY'
import socket, sys
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), 10)
s.sendall(("GET %s HTTP/1.1\r\nHost: localhost\r\nAccept-Encoding: gzip"
           "\r\nConnection: close\r\n\r\n" % sys.argv[2]).encode())
with open(sys.argv[3], "wb") as f:
    while True:
        b = s.recv(65536)
        if not b:
            break
        f.write(b)
PY
}

mkdir -p "$T_TMP/www" "$T_TMP/ngx"
/usr/bin/python3 test/corpus.py -n 400 -s 3 > "$T_TMP/www/tweets.json"
head -c 300000 /dev/urandom > "$T_TMP/www/random.json"
: > "$T_TMP/www/empty.json"

if command -v nginx >/dev/null 2>&1; then
	port=$(t_free_port)
	cat > "$T_TMP/ngx/nginx.conf" <<NGX
daemon off;
master_process off;
worker_processes 1;
pid $T_TMP/ngx/nginx.pid;
error_log $T_TMP/ngx/error.log;
events { worker_connections 64; }
http {
	access_log off;
	client_body_temp_path $T_TMP/ngx;
	proxy_temp_path $T_TMP/ngx;
	fastcgi_temp_path $T_TMP/ngx;
	uwsgi_temp_path $T_TMP/ngx;
	scgi_temp_path $T_TMP/ngx;
	types { application/json json; }
	gzip on;
	gzip_types application/json;
	gzip_min_length 0;
	gzip_comp_level 6;
	server {
		listen 127.0.0.1:$port;
		root $T_TMP/www;
	}
}
NGX
	nginx -c "$T_TMP/ngx/nginx.conf" -p "$T_TMP/ngx" 2>"$T_TMP/ngx/start.log" &
	T_PIDS="$T_PIDS $!"
	if t_wait_port "$port"; then
		for f in tweets random empty; do
			fetch "$port" "/$f.json" "$T_TMP/$f.raw"
			t_ok "nginx_${f}_is_chunked" grep -qai \
			    '^transfer-encoding: chunked' "$T_TMP/$f.raw"
			for mode in whole split; do
				if [ $mode = split ]; then
					export T_SPLIT=1
				else
					unset T_SPLIT
				fi
				test/httpcat < "$T_TMP/$f.raw" > "$T_TMP/$f.gz"
				rc=$?
				t_ok "nginx_${f}_${mode}_decodes" [ $rc -eq 0 ]
				gzip -dc < "$T_TMP/$f.gz" > "$T_TMP/$f.out"
				t_ok "nginx_${f}_${mode}_identical" \
				    cmp -s "$T_TMP/$f.out" "$T_TMP/www/$f.json"
			done
		done
	else
		echo "FAIL $T_NAME:nginx_start: $(cat "$T_TMP/ngx/start.log")"
		T_FAILED=1
	fi
else
	t_skip nginx "nginx not installed"
fi

# Python peer: random chunk sizes 1..5000, extensions, trailers.
port=$(t_free_port)
/usr/bin/python3 - "$port" "$T_TMP/www/tweets.json" <<'PY' &
import http.server, random, sys
data = open(sys.argv[2], "rb").read()
class H(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    def log_message(self, *a):
        pass
    def do_GET(self):
        rng = random.Random(self.path)
        self.send_response(200)
        self.send_header("Transfer-Encoding", "chunked")
        self.send_header("Connection", "close")
        self.end_headers()
        off = 0
        while off < len(data):
            n = rng.randint(1, 5000)
            piece = data[off:off + n]
            ext = ";i=%d" % off if rng.random() < 0.3 else ""
            self.wfile.write(b"%x%s\r\n%s\r\n" % (len(piece), ext.encode(),
                                                  piece))
            off += n
        self.wfile.write(b"0\r\nX-Checksum: none\r\n\r\n")
http.server.HTTPServer(("127.0.0.1", int(sys.argv[1])), H).serve_forever()
PY
T_PIDS="$T_PIDS $!"
if t_wait_port "$port"; then
	for i in 1 2 3; do
		fetch "$port" "/seed$i" "$T_TMP/py$i.raw"
		T_SPLIT=1 test/httpcat < "$T_TMP/py$i.raw" > "$T_TMP/py$i.out"
		t_ok "python_chunked_$i" cmp -s "$T_TMP/py$i.out" \
		    "$T_TMP/www/tweets.json"
	done
else
	echo "FAIL $T_NAME:python_start"
	T_FAILED=1
fi
t_done
