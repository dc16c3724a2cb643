#!/bin/sh
# sluice test runner -- MIT licensed, see LICENSE.
# Usage: test/run.sh PROGRAM...   (test binaries or shell test scripts)
# Each program prints PASS/FAIL lines; a program that exits non-zero
# without printing a FAIL line (a crash, a sanitizer report) counts as one
# failure.  Ends with "N passed, N failed" and a non-zero exit on failure.
# RUN, if set, prefixes every test binary (an emulator for cross builds:
# RUN="qemu-mipsel -L /usr/mipsel-linux-gnu"); shell tests see SLUICE.
# XFAIL lists test:case names whose failure is a known emulator defect
# (test/cross.sh says which and why): printed as XFAIL, not counted.
passed=0
failed=0
out=${TMPDIR:-/tmp}/sluice-run.$$
trap 'rm -f "$out" "$out.x"' EXIT INT TERM
for t in "$@"; do
	case $t in
	*.sh) sh "$t" >"$out" 2>&1 ;;
	*) $RUN "$t" >"$out" 2>&1 ;;
	esac
	rc=$?
	xf=0
	for x in $XFAIL; do
		if grep -q "^FAIL $x at " "$out"; then
			sed "s/^FAIL $x at /XFAIL $x at /" "$out" >"$out.x"
			mv "$out.x" "$out"
			xf=$((xf + 1))
		fi
	done
	p=$(grep -c '^PASS ' "$out")
	f=$(grep -c '^FAIL ' "$out")
	# FAIL lines with the indented detail lines a test prints under them
	awk '/^(FAIL|XFAIL|SKIP) / { print; d = 1; next }
	    d && /^    / { print; next } { d = 0 }' "$out"
	if [ "$rc" -gt 128 ] || { [ "$rc" -ne 0 ] && [ "$f" -eq 0 ] &&
	    [ "$xf" -eq 0 ]; }; then
		echo "FAIL $t: exited with status $rc:"
		tail -n 20 "$out" | sed 's/^/    /'
		f=$((f + 1))
	fi
	if [ "$f" -ne 0 ] && [ -n "$VERBOSE" ]; then
		cat "$out"
	fi
	echo "  $t: $p passed, $f failed"
	passed=$((passed + p))
	failed=$((failed + f))
done
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
