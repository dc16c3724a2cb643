#!/bin/sh
# TLS outcome tests: test/tlsget (sock.c + tls.c) against openssl s_server,
# nginx, tinyproxy and tiny python servers on 127.0.0.1, with certificates
# made here.  Each case checks the exit code and the words.  MIT licensed.
. test/lib.sh

PY=/usr/bin/python3
GET=./test/tlsget
D=$T_TMP
mkdir -p "$D/www"
echo "hello from sluice tls test" > "$D/www/index.html"

# ---- certificates ----------------------------------------------------
# Everything "valid" is backdated 3 days (faketime) so that validating at
# the build date (clock fallback test) also finds it valid.
BACK="faketime -f -3d"
cd "$D" || exit 1
cat > ca.ext <<EOF
basicConstraints=critical,CA:TRUE
keyUsage=critical,keyCertSign,cRLSign
EOF
cat > leaf.ext <<EOF
basicConstraints=CA:FALSE
subjectAltName=DNS:test.example
extendedKeyUsage=serverAuth
EOF
gen() { # gen NAME CN ISSUER EXTFILE DAYS [TIMEWRAP] [ec]
	n=$1 cn=$2 iss=$3 ext=$4 days=$5 wrap=$6 kind=$7
	if [ "$kind" = ec ]; then
		openssl ecparam -name prime256v1 -genkey -noout -out "$n.key"
	else
		openssl genrsa -out "$n.key" 2048 2>/dev/null
	fi
	openssl req -new -key "$n.key" -subj "/CN=$cn" -out "$n.csr"
	if [ "$iss" = self ]; then
		$wrap openssl x509 -req -in "$n.csr" -signkey "$n.key" \
		    -days "$days" -extfile "$ext" -out "$n.pem" 2>/dev/null
	else
		$wrap openssl x509 -req -in "$n.csr" -CA "$iss.pem" \
		    -CAkey "$iss.key" -CAcreateserial -days "$days" \
		    -extfile "$ext" -out "$n.pem" 2>/dev/null
	fi
}
gen root "Test Root CA" self ca.ext 3650 "$BACK"
gen inter "Test Intermediate CA" root ca.ext 3650 "$BACK"
gen rsa test.example inter leaf.ext 365 "$BACK"
gen ec test.example inter leaf.ext 365 "$BACK" ec
gen expired test.example inter leaf.ext 30 "faketime -f -400d"
gen future test.example inter leaf.ext 30 "faketime -f +30d"
gen other "Other Root CA" self ca.ext 3650 "$BACK"
gen stranger test.example other leaf.ext 365 "$BACK"
gen selfsigned test.example self leaf.ext 365 "$BACK"
cd - >/dev/null || exit 1
for c in root inter rsa ec expired future stranger selfsigned; do
	[ -s "$D/$c.pem" ] || { echo "FAIL $T_NAME:certs: $c.pem not made"; exit 1; }
done
CA=$D/root.pem
pin_of() {
	openssl x509 -in "$1" -pubkey -noout | openssl pkey -pubin \
	    -outform der | openssl dgst -sha256 -binary | base64
}
PIN_RSA=sha256//$(pin_of "$D/rsa.pem")
PIN_EC=sha256//$(pin_of "$D/ec.pem")
PIN_SELF=sha256//$(pin_of "$D/selfsigned.pem")

# ---- servers ---------------------------------------------------------
# s_server NAME-OF-CERT [CHAIN|-] [extra s_server args]: starts it, sets PORT
s_server() {
	cert=$1 chain=$2
	shift 2
	PORT=$(t_free_port)
	if [ "$chain" = - ]; then chainarg=; else chainarg="-cert_chain $D/$chain.pem"; fi
	(cd "$D/www" && exec openssl s_server -quiet -WWW \
	    -accept "127.0.0.1:$PORT" -cert "$D/$cert.pem" \
	    -key "$D/$cert.key" $chainarg "$@" >"$D/s_server.log" 2>&1) &
	SPID=$!
	T_PIDS="$T_PIDS $SPID"
	t_wait_port "$PORT"
}
stop() { kill "$1" 2>/dev/null; wait "$1" 2>/dev/null; }

# case NAME WANT_RC ERE [tlsget args]: runs tlsget on $PORT, checks both
tcase() {
	name=$1 want=$2 ere=$3
	shift 3
	out=$($GET -t 3000 "$@" 2>&1 >"$D/body"); rc=$?
	if [ "$rc" -eq "$want" ] && printf '%s\n' "$out" | grep -qE -- "$ere"
	then
		echo "PASS $T_NAME:$name"
	else
		echo "FAIL $T_NAME:$name: exit $rc (want $want), stderr:"
		printf '%s\n' "$out" | head -n 5 | sed 's/^/    /'
		T_FAILED=1
	fi
}
URL() { echo "https://127.0.0.1:$PORT/index.html"; }

# ---- good chains, RSA and ECDSA --------------------------------------
s_server rsa inter
tcase rsa_good_chain 0 'close_notify' -v -c "$CA" -n test.example "$(URL)"
t_ok rsa_body_intact cmp -s "$D/body" "$D/www/index.html"
MISMATCH='hostname or IP address mismatch'
tcase wrong_hostname 5 "verification failed: $MISMATCH" \
    -c "$CA" -n other.example "$(URL)"
tcase unknown_ca_bundle 5 'unknown issuer' -c "$D/other.pem" \
    -n test.example "$(URL)"
tcase pin_match_plus_chain 0 'status 200' -v -c "$CA" -p "$PIN_RSA" \
    -n test.example "$(URL)"
tcase pin_in_list 0 'status 200' -v -c "$CA" \
    -p "$PIN_EC;$PIN_RSA" -n test.example "$(URL)"
tcase pin_mismatch 5 'verification failed: .*does not match the pin' \
    -c "$CA" -p "$PIN_EC" -n test.example "$(URL)"
tcase pin_bad_syntax 2 'bad pin' -c "$CA" -p "sha256//nope" \
    -n test.example "$(URL)"
out=$($GET -S -c "$CA" -n test.example "$(URL)" 2>&1 >/dev/null)
t_ok spki_pin_equals_openssl eval 'printf "%s\n" "$out" | grep -qxF "tlsget: pin $PIN_RSA"'
tcase insecure_warns 0 'warning: --insecure' -k -n wrong.name "$(URL)"
tcase insecure_still_pins 5 'does not match the pin' -k -p "$PIN_EC" \
    -n wrong.name "$(URL)"
# Validation time override: the leaf was issued 3 days ago; a year later
# it has expired, ten days ago it was not yet valid.
now=$(date +%s)
tcase time_option_expired 5 'expired' -c "$CA" -n test.example \
    -T $((now + 400 * 86400)) "$(URL)"
tcase time_option_not_yet 5 'not yet valid' -c "$CA" -n test.example \
    -T $((now - 10 * 86400)) "$(URL)"
# A clock before the build date: validation at the build date, warned.
# (libfaketime's preload deadlocks an ASan build: skipped under make check)
if nm "$GET" 2>/dev/null | grep -q __asan_init; then
	t_skip clock_fallback "faketime preload vs ASan"
elif command -v faketime >/dev/null; then
	out=$(FAKETIME_DONT_FAKE_MONOTONIC=1 timeout 20 \
	    faketime -f '@2001-01-01 00:00:00' \
	    $GET -c "$CA" -n test.example "$(URL)" 2>&1 >/dev/null); rc=$?
	t_ok clock_fallback_exit0 [ "$rc" -eq 0 ]
	t_match clock_fallback_warns "$out" 'clock before build date'
fi
# CA directory (OpenSSL hashed names) and SSL_CERT_FILE.
mkdir -p "$D/cadir"
cp "$CA" "$D/cadir/$(openssl x509 -hash -noout -in "$CA").0"
cp "$D/other.pem" "$D/cadir/$(openssl x509 -hash -noout -in "$D/other.pem").0"
cp "$CA" "$D/cadir/not-hashed.pem"
tcase ca_directory 0 '2 anchors' -v -c "$D/cadir" -n test.example "$(URL)"
out=$(SSL_CERT_FILE=$CA $GET -v -n test.example "$(URL)" 2>&1 >/dev/null)
t_match ssl_cert_file_env "$out" '^tlsget: 1 anchors'
tcase lazy_ca_directory 0 '1 anchors fetched on demand' -L -v \
    -c "$D/cadir" -n test.example "$(URL)"
out=$(SSL_CERT_FILE=$CA $GET -L -v -n test.example "$(URL)" 2>&1 >/dev/null)
t_match lazy_ssl_cert_file_env "$out" "^tlsget: 1 certificates in $CA"
# Anchors on demand (-L): the CA file is read per full handshake and only
# the anchors the chain names are kept; same verdicts as above.
cat "$D/other.pem" "$CA" > "$D/bundle.pem"
tcase lazy_good_chain 0 '1 anchors fetched on demand for 2 certificates' \
    -L -v -c "$D/bundle.pem" -n test.example "$(URL)"
t_ok lazy_body_intact cmp -s "$D/body" "$D/www/index.html"
if [ -s /etc/ssl/certs/ca-certificates.crt ]; then
	cat /etc/ssl/certs/ca-certificates.crt "$CA" > "$D/system_plus.pem"
	out=$($GET -L -v -c "$D/system_plus.pem" -n test.example "$(URL)" \
	    2>&1 >/dev/null); rc=$?
	t_ok lazy_system_bundle_plus_test_ca [ "$rc" -eq 0 ]
	printf '%s\n' "$out" | grep -E 'certificates in|handshake' |
	    sed 's/^/# /'
fi
tcase lazy_unknown_ca 5 'verification failed: unknown issuer' -L \
    -c "$D/other.pem" -n test.example "$(URL)"
tcase lazy_wrong_hostname 5 "$MISMATCH" -L -c "$D/bundle.pem" \
    -n other.example "$(URL)"
tcase lazy_pin_mismatch 5 'does not match the pin' -L -c "$CA" \
    -p "$PIN_EC" -n test.example "$(URL)"
tcase lazy_time_expired 5 'expired' -L -c "$CA" -n test.example \
    -T $((now + 400 * 86400)) "$(URL)"
tcase lazy_missing_ca_file 1 'cannot open CA file' -L \
    -c "$D/nonexistent.pem" -n test.example "$(URL)"
# Firmware build: anchors compiled in (brssl ta layout, made by -E).
if $GET -E "$CA" > "$D/ta.h" && ${CC:-cc} -std=c99 -D_POSIX_C_SOURCE=200809L \
    -I. "-DTLSGET_TA_H=\"$D/ta.h\"" -o "$D/tlsget_fw" test/tlsget.c sock.c \
    ca.c tls.c errstr.c -l:libbearssl.a; then
	GET_SAVED=$GET
	GET=$D/tlsget_fw
	tcase compiled_in_anchors 0 '1 compiled-in anchors' -v \
	    -n test.example "$(URL)"
	tcase compiled_in_anchors_name_checked 5 "$MISMATCH" \
	    -n other.example "$(URL)"
	GET=$GET_SAVED
else
	echo "FAIL $T_NAME:compiled_in_anchors: build failed"
	T_FAILED=1
fi
stop "$SPID"

s_server ec inter
tcase ecdsa_good_chain 0 'close_notify' -v -c "$CA" -n test.example "$(URL)"
t_ok ecdsa_body_intact cmp -s "$D/body" "$D/www/index.html"
out=$($GET -S -c "$CA" -n test.example "$(URL)" 2>&1 >/dev/null)
t_ok ecdsa_spki_pin_equals_openssl eval 'printf "%s\n" "$out" | grep -qxF "tlsget: pin $PIN_EC"'
stop "$SPID"

# ---- bad chains ------------------------------------------------------
s_server expired inter
tcase expired 5 'verification failed: certificate expired' -c "$CA" \
    -n test.example "$(URL)"
tcase expired_insecure 0 'warning: --insecure' -k -n test.example "$(URL)"
tcase expired_pin_only 0 'status 200' -v -P \
    -p "sha256//$(pin_of "$D/expired.pem")" -n test.example "$(URL)"
stop "$SPID"
s_server future inter
tcase not_yet_valid 5 'verification failed: certificate not yet valid' \
    -c "$CA" -n test.example "$(URL)"
stop "$SPID"
s_server stranger -
if [ -x "$D/tlsget_fw" ]; then
	GET_SAVED=$GET; GET=$D/tlsget_fw
	tcase compiled_in_anchors_unknown_ca 5 'unknown issuer' \
	    -n test.example "$(URL)"
	GET=$GET_SAVED
fi
tcase unknown_ca 5 'verification failed: unknown issuer' -c "$CA" \
    -n test.example "$(URL)"
stop "$SPID"
s_server selfsigned -
tcase self_signed 5 'verification failed: unknown issuer' -c "$CA" \
    -n test.example "$(URL)"
tcase self_signed_pin_only 0 'status 200' -v -P -p "$PIN_SELF" \
    -n test.example "$(URL)"
tcase self_signed_pin_only_mismatch 5 'does not match the pin' -P \
    -p "$PIN_RSA" -n test.example "$(URL)"
stop "$SPID"
s_server rsa -
tcase missing_intermediate 5 'verification failed: unknown issuer' \
    -c "$CA" -n test.example "$(URL)"
tcase lazy_missing_intermediate 5 'verification failed: unknown issuer' \
    -L -c "$D/bundle.pem" -n test.example "$(URL)"
stop "$SPID"
# A chain over TLS_CHAIN_MAX (16 KiB): the intermediate and 20 more CA
# certificates sent along.  On demand it does not fit (not a verification
# error: exit 4); in memory, or insecure, it is fine as before.
{ cat "$D/inter.pem"; i=0; while [ $i -lt 20 ]; do cat "$D/other.pem"; \
    i=$((i + 1)); done; } > "$D/bigchain.pem"
s_server rsa bigchain
tcase lazy_chain_too_big 4 'TLS: server certificate chain too large' \
    -L -c "$D/bundle.pem" -n test.example "$(URL)"
tcase big_chain_in_memory 0 'status 200' -v -c "$D/bundle.pem" \
    -n test.example "$(URL)"
tcase lazy_chain_too_big_insecure 0 'warning: --insecure' -L -k \
    -c "$D/bundle.pem" -n test.example "$(URL)"
stop "$SPID"

# ---- IP-address hosts: iPAddress subjectAltNames, no SNI --------------
# https://127.0.0.1/ is checked against the certificate's iPAddress names
# only (a DNS name spelling the address does not count), and no SNI is
# sent for it (RFC 6066 s.3).  The servers run with -servername
# test.example -servername_fatal: an SNI other than test.example gets a
# fatal "unrecognized name" alert, and test.example selects the second
# certificate (ec: DNS:test.example), so what the client sent shows.
# (Before, BearSSL sent "127.0.0.1" and got that alert.)
ipleaf() {	# ipleaf NAME SUBJECTALTNAME
	printf 'basicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n' \
	    > "$D/$1.ext"
	printf 'subjectAltName=%s\n' "$2" >> "$D/$1.ext"
	(cd "$D" && gen "$1" "$1" inter "$1.ext" 365 "$BACK" ec)
	[ -s "$D/$1.pem" ] || { echo "FAIL $T_NAME:certs: $1.pem"; exit 1; }
}
ipleaf ip4 "IP:127.0.0.1"
ipleaf ip4other "IP:127.0.0.2"
ipleaf ip6 "IP:::1"
ipleaf dnsip "DNS:127.0.0.1"
SNI="-servername test.example -servername_fatal -cert2 $D/ec.pem -key2 $D/ec.key"
IPURL() { echo "https://127.0.0.1:$PORT/index.html"; }
s_server ip4 inter $SNI
tcase ip_san_v4 0 'close_notify' -v -c "$CA" "$(IPURL)"
t_ok ip_san_v4_body cmp -s "$D/body" "$D/www/index.html"
tcase ip_san_v4_lazy 0 'fetched on demand' -v -L -c "$D/bundle.pem" \
    "$(IPURL)"
tcase ip_san_v4_no_sni 0 'status 200' -v -c "$CA" -n 127.0.0.1 "$(IPURL)"
tcase dns_name_sends_sni 4 'server sent alert: unrecognized name' \
    -c "$CA" -n other.example "$(IPURL)"
# (s_server sends no chain with -cert2: the intermediate is the anchor)
tcase dns_name_sni_picks_cert 0 'status 200' -v -c "$D/inter.pem" \
    -n test.example "$(IPURL)"
stop "$SPID"
s_server ec inter
tcase ip_dns_only 5 "verification failed: $MISMATCH" -c "$CA" "$(IPURL)"
tcase ip_dns_only_lazy 5 "verification failed: $MISMATCH" -L \
    -c "$D/bundle.pem" "$(IPURL)"
tcase ip_dns_only_insecure 0 'warning: --insecure' -k "$(IPURL)"
tcase ip_dns_only_pin_only 0 'status 200' -v -P -p "$PIN_EC" "$(IPURL)"
stop "$SPID"
s_server ip4other inter
tcase ip_other_address 5 "verification failed: $MISMATCH" -c "$CA" \
    "$(IPURL)"
stop "$SPID"
s_server dnsip inter
tcase ip_spelled_as_dns_name 5 "verification failed: $MISMATCH" \
    -c "$CA" "$(IPURL)"
stop "$SPID"
# IPv6 loopback, when the host has it: https://[::1]:PORT/
if $PY -c 'import socket; socket.socket(socket.AF_INET6).bind(("::1", 0))' \
    2>/dev/null; then
	PORT=$(t_free_port)
	(cd "$D/www" && exec openssl s_server -quiet -WWW \
	    -accept "[::1]:$PORT" -cert "$D/ip6.pem" -key "$D/ip6.key" \
	    -cert_chain "$D/inter.pem" $SNI >"$D/s_server6.log" 2>&1) &
	SPID=$!
	T_PIDS="$T_PIDS $SPID"
	i=0
	until $GET -k "https://[::1]:$PORT/index.html" >/dev/null 2>&1 ||
	    [ $i -ge 50 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	tcase ip_san_v6 0 'close_notify' -v -c "$CA" \
	    "https://[::1]:$PORT/index.html"
	t_ok ip_san_v6_body cmp -s "$D/body" "$D/www/index.html"
	tcase ip_san_v6_not_v4 5 "$MISMATCH" -c "$CA" -n 127.0.0.1 \
	    "https://[::1]:$PORT/index.html"
	stop "$SPID"
else
	t_skip ip_san_v6 "no IPv6 loopback"
fi

# ---- handshake failure (no common suite): not a verification error ---
s_server rsa inter -tls1_2 -cipher AES128-SHA
tcase handshake_failure 4 'TLS: server sent alert: handshake failure' \
    -c "$CA" -n test.example "$(URL)"
stop "$SPID"

# ---- servers that misbehave -------------------------------------------
PORT=$(t_free_port)
$PY - "$PORT" <<'PY' &
import socket, sys, time
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", int(sys.argv[1]))); s.listen(8)
conns = []
while True:
    c, _ = s.accept(); conns.append(c)   # accept, never answer
PY
SPID=$!; T_PIDS="$T_PIDS $SPID"; t_wait_port "$PORT"
t0=$($PY -c 'import time; print(time.monotonic())')
out=$($GET -t 700 -c "$CA" -n test.example "$(URL)" 2>&1 >/dev/null); rc=$?
dt=$($PY -c "import time; print(int((time.monotonic() - $t0) * 1000))")
t_ok handshake_timeout_exit4 [ "$rc" -eq 4 ]
t_match handshake_timeout_words "$out" 'TLS: TLS handshake timed out'
t_ok handshake_timeout_deadline [ "$dt" -ge 700 ] && [ "$dt" -lt 2500 ]
stop "$SPID"

PORT=$(t_free_port)
$PY - "$PORT" <<'PY' &
import socket, struct, sys
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", int(sys.argv[1]))); s.listen(8)
while True:
    c, _ = s.accept()
    c.recv(5)                            # a few bytes of the ClientHello
    c.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    c.close()                            # RST
PY
SPID=$!; T_PIDS="$T_PIDS $SPID"; t_wait_port "$PORT"
tcase reset_mid_handshake 4 'TLS: connection reset by peer during TLS' \
    -c "$CA" -n test.example "$(URL)"
stop "$SPID"

# close_notify vs truncation: a python TLS server that drops TCP without
# close_notify after a body with no length.
PORT=$(t_free_port)
$PY - "$PORT" "$D/rsa.pem" "$D/rsa.key" "$D/inter.pem" <<'PY' &
import socket, ssl, sys
port, cert, key, inter = sys.argv[1:]
open(cert + ".chain", "w").write(open(cert).read() + open(inter).read())
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
ctx.load_cert_chain(cert + ".chain", key)
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", int(port))); s.listen(8)
while True:
    c, _ = s.accept()
    try:
        t = ctx.wrap_socket(c, server_side=True)
        t.recv(4096)
        t.sendall(b"HTTP/1.0 200 OK\r\n\r\npartial body")
        t.shutdown(socket.SHUT_RDWR)     # TCP FIN, no close_notify
        t.close()
    except Exception:
        c.close()
PY
SPID=$!; T_PIDS="$T_PIDS $SPID"; t_wait_port "$PORT"
tcase truncated_eof 4 'closed without close_notify' -c "$CA" \
    -n test.example "$(URL)"
stop "$SPID"

# refused: the words name the address
PORT=$(t_free_port)
tcase connect_refused 4 "connect to 127.0.0.1:$PORT: connection refused" \
    -c "$CA" -n test.example "$(URL)"

# ---- nginx: session resumption, tinyproxy CONNECT ---------------------
if command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ]; then
	NGINX=$(command -v nginx || echo /usr/sbin/nginx)
	PORT=$(t_free_port)
	N=$D/nginx
	mkdir -p "$N/logs"
	cat "$D/rsa.pem" "$D/inter.pem" > "$N/chain.pem"
	cat > "$N/nginx.conf" <<EOF
daemon off;
master_process off;
worker_processes 1;
pid $N/nginx.pid;
error_log $N/logs/error.log;
events { worker_connections 64; }
http {
	access_log off;
	client_body_temp_path $N/tmp;
	proxy_temp_path $N/tmp;
	fastcgi_temp_path $N/tmp;
	uwsgi_temp_path $N/tmp;
	scgi_temp_path $N/tmp;
	ssl_session_cache shared:SSL:1m;
	ssl_session_tickets off;
	server {
		listen 127.0.0.1:$PORT ssl;
		ssl_certificate $N/chain.pem;
		ssl_certificate_key $D/rsa.key;
		ssl_protocols TLSv1.2;
		ssl_ciphers ECDHE-RSA-AES128-GCM-SHA256;
		root $D/www;
	}
}
EOF
	$NGINX -p "$N" -c "$N/nginx.conf" 2>"$N/logs/stderr" &
	NPID=$!; T_PIDS="$T_PIDS $NPID"
	if t_wait_port "$PORT"; then
		out=$($GET -v -r 5 -c "$CA" -n test.example "$(URL)" 2>&1 \
		    >"$D/body"); rc=$?
		t_ok nginx_resume_exit0 [ "$rc" -eq 0 ]
		t_ok nginx_resume_body cmp -s "$D/body" "$D/www/index.html"
		t_match nginx_first_full "$out" 'handshake full'
		n=$(printf '%s\n' "$out" | grep -c 'handshake resumed')
		t_ok nginx_then_resumed [ "$n" -eq 4 ]
		printf '%s\n' "$out" | grep handshake | sed 's/^/# /'
		# different name: no resumption offered
		out=$($GET -v -k -n 127.0.0.1 "$(URL)" 2>&1 >/dev/null)
		t_match nginx_other_name_full "$out" 'handshake full'
		# on demand: the CA file is read for the full handshake only
		out=$($GET -L -v -r 5 -c "$D/bundle.pem" -n test.example \
		    "$(URL)" 2>&1 >"$D/body"); rc=$?
		t_ok nginx_lazy_resume_exit0 [ "$rc" -eq 0 ]
		n=$(printf '%s\n' "$out" | grep -c 'handshake resumed')
		t_ok nginx_lazy_then_resumed [ "$n" -eq 4 ]
		n=$(printf '%s\n' "$out" | grep -c 'fetched on demand')
		t_ok nginx_lazy_file_read_once [ "$n" -eq 1 ]

		if command -v tinyproxy >/dev/null 2>&1; then
			PP=$(t_free_port)
			cat > "$D/tinyproxy.conf" <<EOF
Port $PP
Listen 127.0.0.1
Timeout 30
MaxClients 10
LogLevel Error
PidFile "$D/tinyproxy.pid"
EOF
			tinyproxy -d -c "$D/tinyproxy.conf" >"$D/tp.log" 2>&1 &
			TPID=$!; T_PIDS="$T_PIDS $TPID"
			if t_wait_port "$PP"; then
				tcase proxy_connect_tinyproxy 0 'status 200' -v \
				    -x "http://127.0.0.1:$PP" -c "$CA" \
				    -n test.example "$(URL)"
				t_ok proxy_body cmp -s "$D/body" \
				    "$D/www/index.html"
				P2=$(t_free_port)
				tcase proxy_target_refused 4 \
				    'proxy 127.0.0.1:[0-9]+: CONNECT 127.0.0.1:[0-9]+: refused with status 5' \
				    -x "http://127.0.0.1:$PP" -c "$CA" \
				    -n test.example "https://127.0.0.1:$P2/"
			else
				t_skip tinyproxy "did not start"
			fi
			stop "$TPID"
		else
			t_skip tinyproxy "not installed"
		fi
	else
		echo "FAIL $T_NAME:nginx_start: $(cat "$N/logs/stderr")"
		T_FAILED=1
	fi
	stop "$NPID"
else
	t_skip nginx "not installed"
fi

# ---- no heap in the modules ------------------------------------------
heap=$(nm -u sock.o ca.o tls.o | grep -E '\<(malloc|calloc|realloc|free|strdup)\>')
t_ok modules_use_no_heap [ -z "$heap" ]
t_done
