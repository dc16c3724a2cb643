#!/bin/sh
# sluice sizes and memory -- MIT licensed, see LICENSE.
# Usage: test/size.sh   (run by `make size`, from the top directory)
# Prints a Markdown table, every figure measured in this run: stripped
# binary sizes (static musl x86_64, `make tiny`, mipsel and armhf dynamic
# against glibc and static), -Os .text of each vendorable module on mipsel
# and armhf, sizeof every context (native and cross, test/sizes.c), peak
# RSS of a TLS + gzip capture from test/streamd (static binary natively,
# mipsel under qemu), the budgets beside them and curl's figures.
# SIZE_SECS sets the capture length (default 60).  The table is also
# written to build-size/size.md; SIZE_README=1 puts it into README.md
# between the "size:begin" and "size:end" marker comments.
secs=${SIZE_SECS:-60}
vendor=${VENDOR:-http chunk oauth frame json msg resp inflate sock ca tls}
out=build-size
mkdir -p "$out" || exit 1
log=$out/size.log
: >"$log"
kib() { awk -v n="$1" 'BEGIN { printf "%.1f KiB", n / 1024 }'; }
ok() { [ "$1" -le "$2" ] && echo ok || echo OVER; }

table() {
sh test/static.sh static >>"$log" 2>&1 || { tail "$log"; exit 1; }
sh test/static.sh tiny >>"$log" 2>&1 || { tail "$log"; exit 1; }

# Cross builds of sluice, -Os with section GC, dynamic and static (glibc:
# Debian has no musl cross toolchain for these targets).
cross_build() {	# ARCH TRIPLET LDFLAGS DIR
	sh test/deps.sh cross "$2-" >>"$log" 2>&1 || return 1
	rm -rf "$4" && mkdir -p "$4" || return 1
	cp -Rp *.c *.h Makefile config.mk web "$4/" || return 1
	[ -d build-deps ] && cp -R build-deps "$4/"
	(cd "$4" && rm -f config.h && make CROSS_COMPILE="$2-" \
	    CFLAGS="-Os -ffunction-sections -fdata-sections" \
	    LDFLAGS="$3 -Wl,--gc-sections" sluice && "$2-strip" sluice) \
	    >>"$log" 2>&1
}
for a in mipsel:mipsel-linux-gnu armhf:arm-linux-gnueabihf; do
	arch=${a%%:*}
	t=${a#*:}
	cross_build "$arch" "$t" "" "$out/$arch-dyn" || {
		tail "$log"; exit 1; }
	cross_build "$arch" "$t" "-static" "$out/$arch-static" || {
		tail "$log"; exit 1; }
	eval "dyn_$arch=\$(wc -c < $out/$arch-dyn/sluice)"
	eval "st_$arch=\$(wc -c < $out/$arch-static/sluice)"
done
musl=$(wc -c < build-musl/sluice)
tiny=$(wc -c < build-tiny/sluice)

echo "### Binary size (stripped, -Os, --gc-sections)"
echo
echo "| build | bytes | | budget |"
echo "|---|---:|---:|---|"
echo "| x86_64 static musl (\`make static\`) | $musl | $(kib $musl) |" \
    "≤ 250 KiB: $(ok $musl 256000) |"
echo "| x86_64 static musl, \`make tiny\` | $tiny | $(kib $tiny) |" \
    "≤ 160 KiB: $(ok $tiny 163840) |"
for arch in mipsel armhf; do
	eval "d=\$dyn_$arch s=\$st_$arch"
	echo "| $arch dynamic (glibc) | $d | $(kib $d) | |"
	echo "| $arch static (glibc) | $s | $(kib $s) | |"
done
c=$(command -v curl)
if [ -n "$c" ]; then
	libs=$(ldd "$c" | sed -n 's/.*=> \(\/[^ ]*\).*/\1/p')
	cb=$(wc -c < "$c")
	cl=$(cat $libs | wc -c)
	echo "| curl $(curl -V | sed -n '1s/curl \([^ ]*\).*/\1/p')" \
	    "x86_64 dynamic + its $(echo "$libs" | wc -l) libraries |" \
	    "$((cb + cl)) | $(kib $((cb + cl))) | |"
fi
echo

# -Os .text (text column of size(1): code + read-only data) per module.
echo "### Vendorable modules: -Os size (text + data) per target"
echo
printf '| module | x86_64 |'
for arch in mipsel armhf; do printf ' %s |' "$arch"; done
echo
echo "|---|---:|---:|---:|"
tot_x=0 tot_m=0 tot_a=0
for m in $vendor; do
	row="| $m |"
	for cc in gcc mipsel-linux-gnu-gcc arm-linux-gnueabihf-gcc; do
		$cc -std=c99 -pedantic -D_POSIX_C_SOURCE=200809L -Os \
		    -c -o "$out/$m.o" "$m.c" 2>>"$log" || exit 1
		n=$(size "$out/$m.o" | awk 'NR == 2 { print $1 + $2 }')
		case $cc in
		gcc) tot_x=$((tot_x + n)) ;;
		mipsel*) tot_m=$((tot_m + n)) ;;
		*) tot_a=$((tot_a + n)) ;;
		esac
		row="$row $n |"
	done
	echo "$row"
done
echo "| all | $tot_x | $tot_m | $tot_a |"
echo

# sizeof every context, natively and on the cross targets.
cc_sizes() {	# CC OUT [LDFLAGS]
	$1 -std=c99 -pedantic -D_POSIX_C_SOURCE=200809L -D_FILE_OFFSET_BITS=64 \
	    -D_TIME_BITS=64 -I. $3 -o "$2" test/sizes.c 2>>"$log"
}
cc_sizes gcc "$out/sizes.x86_64" || exit 1
cc_sizes mipsel-linux-gnu-gcc "$out/sizes.mipsel" -static || exit 1
cc_sizes arm-linux-gnueabihf-gcc "$out/sizes.armhf" -static || exit 1
cc_sizes s390x-linux-gnu-gcc "$out/sizes.s390x" -static || exit 1
"$out/sizes.x86_64" >"$out/sz.x86_64"
qemu-mipsel "$out/sizes.mipsel" >"$out/sz.mipsel"
qemu-arm "$out/sizes.armhf" >"$out/sz.armhf"
qemu-s390x "$out/sizes.s390x" >"$out/sz.s390x"
echo "### sizeof every context (bytes; buffers passed in are not counted)"
echo
echo "| context | x86_64 | mipsel | armhf | s390x |"
echo "|---|---:|---:|---:|---:|"
while read -r name n; do
	[ "$name" = pointer ] && continue
	m=$(awk -v k="$name" '$1 == k { print $2 }' "$out/sz.mipsel")
	a=$(awk -v k="$name" '$1 == k { print $2 }' "$out/sz.armhf")
	s=$(awk -v k="$name" '$1 == k { print $2 }' "$out/sz.s390x")
	if [ "$name" = modules ]; then
		name="the 11 vendorable module contexts, without the buffers passed in"
	else
		name="struct $name"
	fi
	echo "| $name | $n | $m | $a | $s |"
done <"$out/sz.x86_64"
st=$(build-musl/sluice --version | sed -n 's/^memory: \([0-9]*\).*/\1/p')
stm=$(qemu-mipsel -L /usr/mipsel-linux-gnu "$out/mipsel-dyn/sluice" \
    --version | sed -n 's/^memory: \([0-9]*\).*/\1/p')
echo "| **sluice's whole state, default configuration, buffers included**" \
    "(\`sluice --version\`; budget ≤ 160 KiB: $(ok "$st" 163840)) |" \
    "$st | $stm | | |"
echo

# Peak RSS of a capture (from localhost) over TLS + gzip + chunked + OAuth
# from streamd.
certs=test/out/certs
sh test/mkcerts.sh "$certs" >/dev/null 2>&1 || exit 1
export SLUICE_CONSUMER_KEY=size-ck SLUICE_CONSUMER_SECRET=size-cs
export SLUICE_TOKEN=size-t SLUICE_TOKEN_SECRET=size-ts
rm -f "$out/port"
/usr/bin/python3 test/streamd --port 0 --port-file "$out/port" --tls \
    --cert "$certs/server.pem" --key "$certs/server.key" --rate 400 \
    --gzip always --bearer size-bearer >>"$log" 2>&1 &
spid=$!
trap 'kill $spid 2>/dev/null' EXIT INT TERM
i=0
while [ ! -s "$out/port" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
port=$(cat "$out/port")
rss() {	# LABEL COMMAND...: prints max RSS in KiB, output line count
	label=$1
	shift
	/usr/bin/time -f '%M' -o "$out/rss" "$@" >"$out/cap" 2>>"$log"
	echo "$(tail -n 1 "$out/rss") $(wc -l < "$out/cap")"
}
args="--cacert $certs/ca.pem --api-base https://localhost:$port --track a,e
 --max-time $secs -q twitter:filter"
set -- $(rss static build-musl/sluice $args)
r_st=$1 n_st=$2
qm="qemu-mipsel -L /usr/mipsel-linux-gnu"
set -- $(rss qemu0 $qm "$out/mipsel-dyn/sluice" --version)
r_q0=$1
set -- $(rss mipsel $qm "$out/mipsel-dyn/sluice" $args)
r_m=$1 n_m=$2
set -- $(rss curl curl -s --compressed --cacert "$certs/ca.pem" \
    -H 'Authorization: Bearer size-bearer' --max-time "$secs" \
    "https://localhost:$port/2/tweets/sample/stream")
r_c=$1 n_c=$2
echo "### Peak RSS, ${secs}-second capture from test/streamd" \
    "(TLS 1.2 + chunked + gzip, 400 msg/s)"
echo
echo "| client | peak RSS (VmHWM) | messages | budget |"
echo "|---|---:|---:|---|"
echo "| sluice x86_64 static musl | $r_st KiB | $n_st |" \
    "≤ 1.0 MB: $(ok $((r_st * 1024)) 1000000) |"
echo "| sluice mipsel under qemu-mipsel (qemu itself: $r_q0 KiB" \
    "running \`sluice --version\`) | $r_m KiB (+$((r_m - r_q0))) |" \
    "$n_m | |"
echo "| curl $(curl -V | sed -n '1s/curl \([^ ]*\).*/\1/p') --compressed," \
    "same stream (v2 sample, Bearer) | $r_c KiB | $n_c | |"
kill $spid 2>/dev/null
echo
echo "Generated by \`make size\` (test/size.sh) on $(uname -m)," \
    "$(date -u +%Y-%m-%d); BearSSL for musl: Debian source package, built" \
    "with musl-gcc -Os."
}

table | tee "$out/size.md"
[ "$(wc -l < "$out/size.md")" -gt 20 ] || exit 1
if [ -n "$SIZE_README" ]; then
	awk -v f="$out/size.md" '
	/<!-- size:begin -->/ { print; while ((getline l < f) > 0) print l
		skip = 1; next }
	/<!-- size:end -->/ { skip = 0 }
	!skip' README.md >"$out/README.md" && cp "$out/README.md" README.md
fi
