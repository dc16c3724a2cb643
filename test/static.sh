#!/bin/sh
# sluice static build -- MIT licensed, see LICENSE.
# Usage: test/static.sh static|tiny
# A static, -Os, section-collected, stripped sluice linked against musl
# (Debian musl-tools) in build-musl/ (static) or build-tiny/ (tiny: the
# optional features compiled out, see config.def.h).
# BearSSL: Debian's libbearssl.a is built for glibc (fortified __*_chk
# calls) and cannot link with musl, so BearSSL is compiled from Debian's
# source package (`apt-get source bearssl`, a deb-src entry is added if
# missing) with musl-gcc -Os into build-bearssl-musl/.
# Size flags, for sluice and BearSSL alike: -Os, one section per function
# for --gc-sections, and no unwind tables (.eh_frame: C needs none, and
# it was a tenth of the file).
profile=${1:-static}
sh test/deps.sh static || exit 1
top=$(pwd)
sizeflags="-Os -ffunction-sections -fdata-sections"
sizeflags="$sizeflags -fno-asynchronous-unwind-tables -fno-unwind-tables"
bdir=$top/build-bearssl-musl
blib=$(ls "$bdir"/*/build/libbearssl.a 2>/dev/null | head -n 1)
[ -n "$blib" ] && [ "$(cat "$bdir/flags" 2>/dev/null)" != "$sizeflags" ] &&
	blib=
if [ -z "$blib" ]; then
	src=$(ls -d "$bdir"/bearssl-*/ 2>/dev/null | head -n 1)
fi
if [ -z "$blib" ] && [ -z "$src" ]; then
	if ! grep -rqs 'deb-src' /etc/apt/sources.list /etc/apt/sources.list.d
	then
		[ "$(id -u)" -eq 0 ] || {
			echo "static.sh: needs a deb-src entry (as root)" >&2
			exit 1; }
		sed 's/^Types: deb$/Types: deb-src/' \
		    /etc/apt/sources.list.d/debian.sources \
		    > /etc/apt/sources.list.d/debian-src.sources &&
		    apt-get update >&2
	fi
	rm -rf "$bdir" && mkdir -p "$bdir" || exit 1
	(cd "$bdir" && apt-get source bearssl >src.log 2>&1) || {
		tail "$bdir/src.log"; exit 1; }
	src=$(ls -d "$bdir"/bearssl-*/ | head -n 1)
fi
if [ -z "$blib" ]; then
	rm -rf "$src/build"
	(cd "$src" && make CC=musl-gcc LD=musl-gcc LDDLL=musl-gcc \
	    CFLAGS="-fPIC $sizeflags" \
	    lib >build.log 2>&1) || { tail "$src/build.log"; exit 1; }
	blib=$(ls "$bdir"/*/build/libbearssl.a | head -n 1)
	echo "$sizeflags" >"$bdir/flags"
fi
binc=${blib%/build/libbearssl.a}/inc

case $profile in
static) dir=build-musl feat= ;;
tiny) dir=build-tiny
      feat="-DSLUICE_NO_WEB -DSLUICE_NO_REDIS -DSLUICE_NO_SSE"
      feat="$feat -DSLUICE_NO_PROXY -DTLS_MINIMAL"
      feat="$feat -DFRAME_NO_SSE -DSOCK_NO_PROXY -DINFLATE_SMALL"
      ;;
*) echo "static.sh: static or tiny" >&2; exit 2 ;;
esac
rm -rf "$dir" && mkdir -p "$dir" || exit 1
cp -Rp *.c *.h Makefile config.mk web "$dir/" || exit 1
cd "$dir" && rm -f config.h || exit 1
make CC=musl-gcc CFLAGS="$sizeflags" CPPFLAGS="$feat" \
    BEARSSL_CFLAGS="-I$binc" BEARSSL_LIBS="$blib" \
    LDFLAGS="-static -Wl,--gc-sections -Wl,-z,noseparate-code" \
    sluice >build.log 2>&1 || {
	tail -n 30 build.log; exit 1; }
strip sluice || exit 1
echo "$dir/sluice: $(wc -c < sluice) bytes, static musl, stripped" \
    "(BearSSL: $blib)"
