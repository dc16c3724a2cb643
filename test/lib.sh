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

t_done() {
	exit $T_FAILED
}
