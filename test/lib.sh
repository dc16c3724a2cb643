# Shell test helpers -- MIT licensed.  Source from a test/*.sh script run
# from the top directory; print PASS/FAIL lines like the C tests.
T_NAME=$(basename "$0" .sh)
T_FAILED=0
T_TMP=$(mktemp -d)
trap 't_cleanup' EXIT
T_PIDS=

t_cleanup() {
	for p in $T_PIDS; do kill "$p" 2>/dev/null; done
	rm -rf "$T_TMP"
}

# t_ok NAME COMMAND...: passes when COMMAND succeeds.
t_ok() {
	name=$1
	shift
	if "$@"; then
		echo "PASS $T_NAME:$name"
	else
		echo "FAIL $T_NAME:$name: $*"
		T_FAILED=1
	fi
}

# t_match NAME TEXT ERE: passes when TEXT has a line matching ERE.
t_match() {
	if printf '%s\n' "$2" | grep -qE -- "$3"; then
		echo "PASS $T_NAME:$1"
	else
		echo "FAIL $T_NAME:$1: no match for /$3/ in:"
		printf '%s\n' "$2" | head -n 5 | sed 's/^/    /'
		T_FAILED=1
	fi
}

# t_skip NAME REASON
t_skip() {
	echo "SKIP $T_NAME:$1: $2"
}

# t_free_port: prints a TCP port free on 127.0.0.1.
t_free_port() {
	/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

# t_wait_port PORT: waits up to 5 s for 127.0.0.1:PORT to accept.
t_wait_port() {
	/usr/bin/python3 - "$1" <<'PY'
import socket, sys, time
end = time.time() + 5
while time.time() < end:
    try:
        socket.create_connection(("127.0.0.1", int(sys.argv[1])), 0.2).close()
        sys.exit(0)
    except OSError:
        time.sleep(0.05)
sys.exit(1)
PY
}

# t_streamd_start NAME [ARGS...]: a fresh test/streamd on a free port,
# without auth; sets SD_PID, SD_LOG (its send log) and API (its URL).
t_streamd_start() {
	_n=$1
	shift
	SD_LOG="$T_TMP/$_n.sdlog"
	/usr/bin/python3 test/streamd --port 0 --port-file "$T_TMP/$_n.port" \
	    --log "$SD_LOG" --no-auth "$@" >/dev/null 2>"$T_TMP/$_n.sderr" &
	SD_PID=$!
	T_PIDS="$T_PIDS $SD_PID"
	_i=0
	while [ ! -s "$T_TMP/$_n.port" ] && [ $_i -lt 100 ]; do
		sleep 0.05
		_i=$((_i + 1))
	done
	API="http://127.0.0.1:$(cat "$T_TMP/$_n.port")"
}

# t_wait_exit PID TICKS: waits up to TICKS x 20 ms for PID to exit (it
# does not reap it: `wait PID` for the status).
t_wait_exit() {
	_i=0
	while kill -0 "$1" 2>/dev/null && [ $_i -lt "$2" ]; do
		sleep 0.02
		_i=$((_i + 1))
	done
}

# t_run_ok NAME COMMAND...: passes when COMMAND exits 0 (its "ok: ..."
# lines shown), skips on exit 77, fails with its output otherwise.
t_run_ok() {
	name=$1
	shift
	out=$("$@" 2>&1); rc=$?
	if [ $rc -eq 77 ]; then
		t_skip "$name" "$out"
	elif [ $rc -eq 0 ]; then
		echo "PASS $T_NAME:$name"
		printf '%s\n' "$out" | sed -n 's/^ok: /    /p'
	else
		echo "FAIL $T_NAME:$name: $out"
		T_FAILED=1
	fi
}

t_done() {
	exit $T_FAILED
}
