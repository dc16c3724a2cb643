#!/bin/sh
# sluice: make test/tls_san_certs.h, the certificates of test_tls.c's
# IP-address tests -- MIT licensed.  Usage: sh test/mksancerts.sh >
# test/tls_san_certs.h (run once; the header is committed).  A CA and one
# leaf key (EC P-256), and leaves under the CA that differ only in their
# names, valid for 20 years from today (CERTS_NOW in tls_certs.h must lie
# inside).
set -e
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$tmp"
openssl ecparam -name prime256v1 -genkey -noout -out ca.key
openssl req -x509 -new -key ca.key -sha256 -days 7300 -subj "/CN=SAN Test CA" \
    -addext "basicConstraints=critical,CA:TRUE" \
    -addext "keyUsage=critical,keyCertSign,cRLSign" -out ca.pem
openssl ecparam -name prime256v1 -genkey -noout -out leaf.key
openssl pkcs8 -topk8 -nocrypt -in leaf.key -out leaf.p8
# leaf NAME CN SAN-or-empty
leaf() {
	printf 'basicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n' \
	    > "$1.ext"
	[ -n "$3" ] && printf 'subjectAltName=%s\n' "$3" >> "$1.ext"
	openssl req -new -key leaf.key -subj "/CN=$2" -out "$1.csr"
	openssl x509 -req -in "$1.csr" -CA ca.pem -CAkey ca.key \
	    -CAcreateserial -days 7300 -sha256 -extfile "$1.ext" \
	    -out "$1.pem" 2>/dev/null
}
leaf ip4 "san ip4" "IP:127.0.0.1"
leaf ip6 "san ip6" "IP:::1"
leaf ip4other "san ip4 other" "IP:127.0.0.2"
leaf dns "test.example" "DNS:test.example"
leaf dnsip "127.0.0.1" "DNS:127.0.0.1,DNS:::1"
leaf cn "127.0.0.1" ""
many="DNS:a.example,email:x@example.org,URI:https://example.org/"
many="$many,IP:10.0.0.1,IP:2001:db8::1,DNS:c.example,IP:::1,IP:127.0.0.1"
leaf many "san many" "$many"
leaf critical "san critical" "critical,IP:127.0.0.1"
cat <<EOC
/* Certificates for test_tls.c's IP-literal tests, made by
 * test/mksancerts.sh on $(date -u +%Y-%m-%d), valid for 20 years (EC P-256):
 * a CA (san_ca), and leaves under it with one key (san_key) whose names
 * differ (subjectAltName, or none):
 *   san_ip4       IP:127.0.0.1
 *   san_ip6       IP:::1
 *   san_ip4other  IP:127.0.0.2
 *   san_dns       DNS:test.example
 *   san_dnsip     DNS:127.0.0.1, DNS:::1 (the addresses spelled as names)
 *   san_cn        none: CN=127.0.0.1
 *   san_many      DNS, email, URI, IP:10.0.0.1, IP:2001:db8::1, DNS,
 *                 IP:::1, IP:127.0.0.1 (last)
 *   san_critical  IP:127.0.0.1, the extension marked critical
 * MIT licensed, see LICENSE. */
EOC
pem() {
	echo "static const char $1[] ="
	sed 's/^/    "/; s/$/\\n"/' "$2"
	echo "    ;"
}
pem san_ca ca.pem
for n in ip4 ip6 ip4other dns dnsip cn many critical; do
	pem "san_$n" "$n.pem"
done
pem san_key leaf.p8
