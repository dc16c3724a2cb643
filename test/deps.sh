#!/bin/sh
# sluice: install the Debian packages a make target needs -- MIT licensed.
# Usage: test/deps.sh PROFILE [CROSS_COMPILE-prefix]
# Profiles: build, test, check, bench.  As root, missing packages are
# installed with apt-get; otherwise the exact command is printed and the
# script fails.  On a system without dpkg nothing is checked.
profile=$1
cross=$2
command -v dpkg-query >/dev/null 2>&1 || exit 0

# One list per profile; each later profile includes the earlier ones.
build="libbearssl-dev"
test="$build zlib1g-dev python3 python3-oauthlib python3-requests
 python3-requests-oauthlib openssl curl nginx-light gzip pigz zopfli
 libdeflate-tools mandoc redis-server redis-tools chromium faketime
 tinyproxy-bin binutils gdb"
check="$test clang libclang-rt-14-dev valgrind libyajl-dev"
bench="$test libdeflate-dev libjsmn-dev libsimdjson-dev libyajl-dev g++ time"

case $profile in
build) pkgs=$build ;;
test) pkgs=$test ;;
check) pkgs=$check ;;
bench) pkgs=$bench ;;
*) echo "deps.sh: unknown profile '$profile'" >&2; exit 2 ;;
esac

arch=
if [ -n "$cross" ]; then
	triplet=${cross%-}
	case $triplet in
	mipsel-linux-gnu) arch=mipsel ;;
	arm-linux-gnueabihf) arch=armhf ;;
	aarch64-linux-gnu) arch=arm64 ;;
	s390x-linux-gnu) arch=s390x ;;
	mips-linux-gnu) arch=mips ;;
	*) echo "deps.sh: no Debian architecture known for $triplet;" \
	    "install its compiler and BearSSL yourself" >&2; exit 0 ;;
	esac
	pkgs="gcc-$triplet libbearssl-dev:$arch"
fi

missing=
for p in $pkgs; do
	dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null |
	    grep -q 'ok installed' || missing="$missing $p"
done
[ -z "$missing" ] && exit 0

addarch=
if [ -n "$arch" ] && [ "$arch" != "$(dpkg --print-architecture)" ] &&
    ! dpkg --print-foreign-architectures | grep -qx "$arch"; then
	addarch="dpkg --add-architecture $arch && "
fi
cmd="${addarch}apt-get update && apt-get install -y$missing"
if [ "$(id -u)" -ne 0 ]; then
	echo "sluice needs these Debian packages:$missing" >&2
	echo "run as root:  $cmd" >&2
	exit 1
fi
echo "installing:$missing" >&2
export DEBIAN_FRONTEND=noninteractive
sh -c "$cmd" >&2 || { echo "deps.sh: failed: $cmd" >&2; exit 1; }
