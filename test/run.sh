#!/bin/sh
# sluice test runner -- MIT licensed, see LICENSE.
# Usage: test/run.sh PROGRAM...   (test binaries or shell test scripts)
# Each program prints PASS/FAIL lines; a program that exits non-zero
# without printing a FAIL line (a crash, a sanitizer report) counts as one
# failure.  Ends with "N passed, N failed" and a non-zero exit on failure.
passed=0
failed=0
out=${TMPDIR:-/tmp}/sluice-run.$$
trap 'rm -f "$out"' EXIT INT TERM
for t in "$@"; do
	case $t in
	*.sh) sh "$t" >"$out" 2>&1 ;;
	*) "$t" >"$out" 2>&1 ;;
	esac
	rc=$?
	p=$(grep -c '^PASS ' "$out")
	f=$(grep -c '^FAIL ' "$out")
	grep -E '^(FAIL|SKIP) ' "$out"
	if [ "$rc" -gt 128 ] || { [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; }; then
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
