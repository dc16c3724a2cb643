#!/bin/sh
# sluice: install the Debian packages a make target needs -- MIT licensed.
# Usage: test/deps.sh PROFILE [CROSS_COMPILE-prefix]
# Profiles: build, test, check, bench, cross (with a prefix: the cross
# compiler, qemu-user and the target's BearSSL and zlib archives), static
# (musl-tools and the BearSSL source package, see test/static.sh).  As root, missing packages are
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
bench="$test libdeflate-dev libjsmn-dev libsimdjson-dev libyajl-dev g++ time
 python3-tweepy"
static="musl-tools dpkg-dev binutils time"

case $profile in
build) pkgs=$build ;;
test) pkgs=$test ;;
check) pkgs=$check ;;
bench) pkgs=$bench ;;
cross) pkgs="qemu-user python3" ;;
static) pkgs=$static ;;
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
	libs="libbearssl-dev:$arch"
	[ "$profile" = cross ] && libs="$libs zlib1g-dev:$arch" &&
	    pkgs="$pkgs gcc-$triplet" || pkgs="gcc-$triplet"
	pkgs="$pkgs $libs"
fi

# The target's libraries through multiarch need libc6-dev:ARCH, which apt
# refuses when the host's linux-libc-dev is newer than the mirror's copy
# for ARCH (seen on Debian 12 with bookworm-security).  Then only the
# archives are taken: `apt-get download` + `dpkg -x` into
# build-deps/TRIPLET, which the Makefile adds to the library path.  Nothing
# outside the tree is touched.
fallback() {
	d=build-deps/$triplet
	[ -f "$d/libbearssl.a" ] && return 0
	echo "deps.sh: multiarch install failed; extracting the $arch" \
	    "archives into $d" >&2
	rm -rf "$d.tmp" && mkdir -p "$d.tmp" "$d" || return 1
	for p in $libs; do
		(cd "$d.tmp" && apt-get download "$p" >/dev/null 2>&1) || {
			echo "deps.sh: apt-get download $p failed" >&2
			return 1; }
	done
	for f in "$d.tmp"/*.deb; do dpkg -x "$f" "$d.tmp/root" || return 1
	done
	cp "$d.tmp/root/usr/lib/$triplet"/*.a "$d/" && rm -rf "$d.tmp"
}

# Archives extracted by an earlier fallback count as installed.
if [ -n "$arch" ] && [ -f "build-deps/$triplet/libbearssl.a" ]; then
	for p in $libs; do pkgs=$(echo "$pkgs" | sed "s/ $p//"); done
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
sh -c "$cmd" >&2 && exit 0
if [ -n "$arch" ]; then
	# The compiler and tools alone, then the archives by hand.
	tools=
	for p in $missing; do
		case $p in *:*) ;; *) tools="$tools $p" ;; esac
	done
	[ -z "$tools" ] || apt-get install -y$tools >&2 || exit 1
	fallback && exit 0
fi
echo "deps.sh: failed: $cmd" >&2
exit 1
