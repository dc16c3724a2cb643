#!/bin/sh
# doc/embedding.md's examples (doc/examples/ex_<module>.c): each is copied
# into an empty directory with only the files doc/embedding.md says to
# vendor, compiled with -std=c99 -pedantic -Wall -Wextra -Werror, and run;
# its output is checked.
. test/lib.sh
cc=${CC:-cc}
# ex MODULE "FILES" "LIBS" EXPECTED-ERE
ex() {
	d=$T_TMP/$1
	mkdir -p "$d" && cp "doc/examples/ex_$1.c" $2 "$d/" || {
		echo "FAIL $T_NAME:$1_copy"; T_FAILED=1; return; }
	srcs=$(cd "$d" && ls *.c)
	if (cd "$d" && $cc -std=c99 -pedantic -Wall -Wextra -Werror \
	    -o ex $srcs $3) >"$d/cc.log" 2>&1; then
		echo "PASS $T_NAME:$1_compiles_alone"
	else
		echo "FAIL $T_NAME:$1_compiles_alone"
		sed 's/^/    /' "$d/cc.log"
		T_FAILED=1
		return
	fi
	out=$("$d/ex")
	t_ok "$1_runs" [ $? -eq 0 ]
	t_match "$1_output" "$out" "$4"
}
ex chunk "chunk.c chunk.h" "" '^hello, firmware$'
ex inflate "inflate.c inflate.h" "" '^hello, firmware$'
ex frame "frame.c frame.h" "" '^message: \{"b":2\}$'
ex json "json.c json.h msg.c msg.h" "" '^kind: tweet$'
t_match json_lookup "$("$T_TMP/json/ex")" '^text: hello, firmware$'
ex resp "resp.c resp.h" "" '^reply: integer 7$'
ex oauth "oauth.c oauth.h" "-l:libbearssl.a" \
    '^Authorization: OAuth .*oauth_signature="[A-Za-z0-9%]+"'
exit $T_FAILED
