#!/bin/sh
# CLI transcript tests: options, help, version, usage errors, presets'
# credential checks, the man page.  No network.
. test/lib.sh

out=$(./sluice --version); rc=$?
t_ok "version exits 0" [ $rc -eq 0 ]
t_match "version names the program" "$out" '^sluice [0-9]'
t_match "version shows the memory budget" "$out" 'memory: [0-9]+ bytes'
t_match "version shows the TLS library" "$out" 'tls: BearSSL'

out=$(./sluice --help); rc=$?
t_ok "help exits 0" [ $rc -eq 0 ]
t_match "help shows usage" "$out" '^usage: '
t_match "help lists --replay" "$out" '--replay FILE'

# Usage errors: exit 2 and the message names the culprit.
usage_err() {	# NAME PATTERN ARGS...
	name=$1
	pat=$2
	shift 2
	./sluice "$@" >/dev/null 2>"$T_TMP/err"
	rc=$?
	t_ok "${name}_exit_2" [ $rc -eq 2 ]
	t_match "${name}_message" "$(cat "$T_TMP/err")" "$pat"
}
usage_err unknown_option "no-such-option" --no-such-option http://h/
usage_err no_arguments "usage:"
usage_err missing_value "needs a value" http://h/ -n
usage_err bad_number "not a number" -n 12x http://h/
usage_err zero_messages "not a number" -n 0 http://h/
usage_err serve_rate_needs_serve "--serve-rate needs --serve" --serve-rate 5 http://h/
usage_err serve_rate_bad "--serve-rate: .-1. is not a number" --serve 0 --serve-rate -1 http://h/
usage_err bad_framing "not auto, lines" --framing xml http://h/
usage_err bad_only "only 'geo'" --only text http://h/
usage_err unknown_preset "unknown preset" twitter:firehose
usage_err two_urls "more than one URL" http://a/ http://b/
usage_err bad_url "invalid URL" ftp://h/
usage_err filter_needs_terms "needs --track" --api-base http://127.0.0.1:9 \
    twitter:filter
usage_err bad_header "want 'Name: value'" -H nocolon http://h/

# Presets without credentials: exit 6, say which variables to set.
env -u SLUICE_CONSUMER_KEY -u SLUICE_BEARER_TOKEN ./sluice --track x \
    twitter:filter >/dev/null 2>"$T_TMP/err"; rc=$?
t_ok "filter_without_credentials_exit_6" [ $rc -eq 6 ]
t_match "filter_without_credentials_names_vars" "$(cat "$T_TMP/err")" \
    SLUICE_CONSUMER_KEY
env -u SLUICE_BEARER_TOKEN ./sluice x:sample >/dev/null 2>"$T_TMP/err"
rc=$?
t_ok "x_without_token_exit_6" [ $rc -eq 6 ]
t_match "x_without_token_names_var" "$(cat "$T_TMP/err")" \
    SLUICE_BEARER_TOKEN

# -k is refused with presets (they carry credentials).
SLUICE_BEARER_TOKEN=abcd ./sluice -k x:sample >/dev/null 2>"$T_TMP/err"
rc=$?
t_ok "insecure_preset_refused_exit_2" [ $rc -eq 2 ]

# A connection refused on a closed port: exit 4, the address named.
port=$(t_free_port)
./sluice -q --connect-timeout 2 "http://127.0.0.1:$port/" 2>"$T_TMP/err"
rc=$?
t_ok "refused_exit_4" [ $rc -eq 4 ]
t_match "refused_names_address" "$(cat "$T_TMP/err")" "127.0.0.1"

# The man page renders and lints clean.
if command -v mandoc >/dev/null 2>&1; then
	lint=$(mandoc -Tlint -W warning doc/sluice.1 2>&1 | grep -v mandoc.db)
	t_ok "man_page_lint_clean" [ -z "$lint" ]
	[ -z "$lint" ] || echo "$lint" | sed 's/^/    /'
	t_match "man_page_renders" "$(mandoc -Tutf8 doc/sluice.1 | col -b)" \
	    'EXIT STATUS'
else
	t_skip man_page "mandoc not installed"
fi
t_done
