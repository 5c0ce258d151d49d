# A webhook receiver for the e2e tests (lib/hookrecv.py), sourced after
# common.sh. start_receiver [--fail-first] starts it: requests land in
# $HOOKS/N.json (body) and $HOOKS/N.hdr (headers), RPORT is its port; it
# is stopped with the test. wait_for N waits (at most 10 s) for request N.
start_receiver() {
	HOOKS=$TMP/got
	mkdir -p "$HOOKS"
	python3 "$ND_SOURCE_DIR/tests/e2e/lib/hookrecv.py" "$HOOKS" "$@" &
	RECV=$!
	trap 'kill $RECV 2>/dev/null; cleanup' EXIT
	for _ in $(seq 1 100); do [ -s "$HOOKS/port" ] && break; sleep 0.05; done
	RPORT=$(cat "$HOOKS/port")
}
wait_for() { for _ in $(seq 1 200); do [ -e "$HOOKS/$1.json" ] && return 0; sleep 0.05; done; return 1; }
