#!/bin/sh
# CLI transcript tests: options, help, version, exit codes.
. test/lib.sh

out=$(./sluice --version); rc=$?
t_ok "version exits 0" [ $rc -eq 0 ]
t_match "version names the program" "$out" '^sluice [0-9]'
t_match "version shows the memory budget" "$out" 'memory: [0-9]+ bytes'
t_match "version shows the TLS library" "$out" 'tls: BearSSL'

out=$(./sluice --help); rc=$?
t_ok "help exits 0" [ $rc -eq 0 ]
t_match "help shows usage" "$out" '^usage: '

./sluice --no-such-option 2>"$T_TMP/err"; rc=$?
t_ok "unknown option exits 2" [ $rc -eq 2 ]
t_match "unknown option is named" "$(cat "$T_TMP/err")" "no-such-option"

./sluice 2>/dev/null; rc=$?
t_ok "no arguments exits 2" [ $rc -eq 2 ]
t_done
