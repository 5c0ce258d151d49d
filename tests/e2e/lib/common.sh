# Shared by the end-to-end scripts: a temporary directory, the real binary
# serving on a free loopback port, HTTP assertions with curl, a summary.
# Each script sources this, runs its checks, and ends with `finish`.
set -u

ND_BIN=${ND_BIN:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)/build/newsdesk}
ND_SOURCE_DIR=${ND_SOURCE_DIR:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)}
FIXTURES=$ND_SOURCE_DIR/tests/data
TMP=$(mktemp -d "${TMPDIR:-/tmp}/nd-e2e.XXXXXX")
SERVER_PID=
PORT=
BASE=
PASSED=0
FAILED=0

cleanup() {
	if [ -n "$SERVER_PID" ] && kill -0 "$SERVER_PID" 2>/dev/null; then
		kill -TERM "$SERVER_PID" 2>/dev/null
		wait "$SERVER_PID" 2>/dev/null
	fi
	rm -rf "$TMP"
}

# finish stops a server still running, so its exit is checked too.
trap cleanup EXIT

pass() { PASSED=$((PASSED + 1)); }
fail() {
	FAILED=$((FAILED + 1))
	echo "FAIL: $*" >&2
}

# check DESCRIPTION COMMAND...: passes when the command succeeds.
check() {
	local what=$1
	shift
	if "$@"; then pass; else fail "$what"; fi
}

# start_server [ARGS...]: serves $TMP/site.db (or the --db given) on a free
# port chosen by the kernel; sets SERVER_PID, PORT, BASE.
start_server() {
	local log=$TMP/server.log
	: >"$log"
	"$ND_BIN" serve --db "${DB:-$TMP/site.db}" --listen 127.0.0.1:0 --reload-interval-ms 100 "$@" \
		2>>"$log" &
	SERVER_PID=$!
	for _ in $(seq 1 200); do
		PORT=$(sed -n 's|.*on http://127\.0\.0\.1:\([0-9]*\)/.*|\1|p' "$log" | head -n1)
		[ -n "$PORT" ] && break
		if ! kill -0 "$SERVER_PID" 2>/dev/null; then
			echo "server exited early:" >&2
			cat "$log" >&2
			return 1
		fi
		sleep 0.05
	done
	if [ -z "$PORT" ]; then
		echo "server did not start:" >&2
		cat "$log" >&2
		return 1
	fi
	BASE=http://127.0.0.1:$PORT
}

# stop_server [SIGNAL]: stops it and waits; returns its exit status. A
# non-zero exit or a sanitizer report (a leak found at exit, say) fails.
stop_server() {
	local rc=0
	kill -"${1:-TERM}" "$SERVER_PID" 2>/dev/null
	wait "$SERVER_PID" || rc=$?
	SERVER_PID=
	if [ "${1:-TERM}" != KILL ]; then
		check "server exits with status 0 (was $rc)" test $rc -eq 0
		if grep -qE 'ERROR: (Address|Leak)Sanitizer|runtime error:' "$TMP/server.log"; then
			fail "sanitizer report in the server log:"
			cat "$TMP/server.log" >&2
		else
			pass
		fi
	fi
	return $rc
}

# fetch PATH [CURL ARGS...]: sets STATUS, and the files $TMP/headers, $TMP/body.
fetch() {
	local path=$1
	shift
	STATUS=$(curl -s -o "$TMP/body" -D "$TMP/headers" -w '%{http_code}' --max-time 10 "$@" \
		"$BASE$path")
}

expect_status() {
	if [ "$STATUS" = "$1" ]; then pass; else fail "${2:-request}: status $STATUS, expected $1"; fi
}

# header NAME: the value of the last response's header (case-insensitive).
header() {
	grep -i "^$1:" "$TMP/headers" | tail -n1 | cut -d: -f2- | sed 's/^ *//; s/\r$//'
}

expect_header() {
	local v
	v=$(header "$1")
	if printf '%s' "$v" | grep -qE -- "$2"; then pass; else
		fail "${3:-header}: $1 is '$v', expected /$2/"
	fi
}

expect_body() {
	if grep -qF -- "$1" "$TMP/body"; then pass; else fail "${2:-body} lacks '$1'"; fi
}

expect_no_body() {
	if grep -qF -- "$1" "$TMP/body"; then fail "${2:-body} contains '$1'"; else pass; fi
}

expect_body_re() {
	if grep -qE -- "$1" "$TMP/body"; then pass; else fail "${2:-body} lacks /$1/"; fi
}

finish() {
	[ -n "$SERVER_PID" ] && stop_server
	echo "$PASSED passed, $FAILED failed"
	[ "$FAILED" -eq 0 ]
}
