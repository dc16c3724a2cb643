#!/bin/sh
# sluice lint -- MIT licensed.  Usage: test/lint.sh CC MODULE...
#  1. no banned function (STYLE.md rule 17) in non-test code;
#  2. no <stdio.h> and no config.h in a vendorable module;
#  3. each vendorable module compiles alone, with only its own header (and
#     the headers of modules it builds on, e.g. msg on json.h), under
#     -std=c99 -pedantic -Werror.
cc=$1
shift
fail=0
srcs=$(ls *.c *.h)
banned='\<(strcpy|strcat|sprintf|vsprintf|gets|strtok|atoi|atol)[[:space:]]*\('
if grep -nE "$banned" $srcs; then
	echo "lint: banned function above (STYLE.md rule 17)"
	fail=1
fi
if grep -nE '#include[[:space:]]*<ctype\.h>' $srcs; then
	echo "lint: <ctype.h> is locale-dependent; not on wire bytes"
	fail=1
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for m in "$@"; do
	if grep -nE '#include[[:space:]]*(<stdio\.h>|"config\.h")' "$m.c" "$m.h"
	then
		echo "lint: vendorable module $m includes stdio.h or config.h"
		fail=1
	fi
	mkdir "$tmp/$m"
	deps=$(sed -n 's/^#include[[:space:]]*"\([a-z0-9_]*\.h\)".*/\1/p' \
	    "$m.c" "$m.h" | sort -u | grep -v "^$m\.h$")
	cp "$m.c" "$m.h" $deps "$tmp/$m/"
	if ! (cd "$tmp/$m" && $cc -std=c99 -pedantic -Wall -Wextra -Werror \
	    -c "$m.c" -o "$m.o"); then
		echo "lint: module $m does not compile alone"
		fail=1
	fi
done
[ $fail -eq 0 ] && echo "lint: ok ($# modules standalone)"
exit $fail
