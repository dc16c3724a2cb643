#!/bin/sh
# sluice: make a test CA and a server certificate for 127.0.0.1 and
# localhost -- MIT licensed.  Usage: test/mkcerts.sh DIR
# Writes DIR/ca.pem, DIR/ca.key, DIR/server.pem (leaf + CA chain),
# DIR/server.key.  Idempotent: keeps existing files when all are present
# and the server certificate is still valid for a day.
set -e
dir=${1:?usage: mkcerts.sh DIR}
mkdir -p "$dir"
cd "$dir"
if [ -s ca.pem ] && [ -s ca.key ] && [ -s server.pem ] && [ -s server.key ] &&
    openssl x509 -in server.pem -noout -checkend 86400 >/dev/null 2>&1; then
	exit 0
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
openssl req -x509 -newkey rsa:2048 -nodes -days 3650 -sha256 \
    -keyout "$tmp/ca.key" -out "$tmp/ca.pem" \
    -subj "/CN=sluice test CA" \
    -addext "basicConstraints=critical,CA:TRUE" \
    -addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null
openssl req -newkey rsa:2048 -nodes -sha256 \
    -keyout "$tmp/server.key" -out "$tmp/server.csr" \
    -subj "/CN=localhost" 2>/dev/null
cat > "$tmp/ext.cnf" <<EOC
basicConstraints=CA:FALSE
keyUsage=critical,digitalSignature,keyEncipherment
extendedKeyUsage=serverAuth
subjectAltName=IP:127.0.0.1,DNS:localhost
EOC
openssl x509 -req -in "$tmp/server.csr" -CA "$tmp/ca.pem" \
    -CAkey "$tmp/ca.key" -CAcreateserial -days 825 -sha256 \
    -extfile "$tmp/ext.cnf" -out "$tmp/leaf.pem" 2>/dev/null
cat "$tmp/leaf.pem" "$tmp/ca.pem" > "$tmp/server.pem"
for f in ca.key ca.pem server.key server.pem; do
	mv "$tmp/$f" "$f"
done
