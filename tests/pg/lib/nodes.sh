# Shared by the tests of several nodes on one PostgreSQL (tests/pg/test-nodes*.sh),
# sourced after tests/e2e/lib/common.sh: a fresh database $DB on the test
# cluster (dropped at exit), nodes started and stopped by name, requests to
# one node, and a wait for what a node serves.
url_file=${ND_TEST_PG_URL_FILE:?ND_TEST_PG_URL_FILE names the test cluster URL file (fixture pg)}
cluster_url=$(cat "$url_file") || exit 1
PSQL=$(find /usr/lib/postgresql -mindepth 3 -maxdepth 3 -path '*/bin/psql' 2>/dev/null |
	sort -V | tail -n1)
export PGOPTIONS='-c client_min_messages=warning'
NAME=nd_nodes_$$
DB=${cluster_url%/*}/$NAME
"$PSQL" -X -q "$cluster_url" -c "CREATE DATABASE $NAME" || exit 1
pg() { "$PSQL" -X -q -At -F '|' "$DB" -c "$1"; }

declare -A NODE_PID NODE_BASE
# start_node N [ARGS...]: a node serving $DB with its own log $TMP/node-N.log.
start_node() {
	local n=$1 log=$TMP/node-$1.log port= seen
	shift
	seen=$(cat "$log" 2>/dev/null | wc -l) # a restart appends to the log
	"$ND_BIN" serve --db "$DB" --listen 127.0.0.1:0 --reload-interval-ms 60000 "$@" 2>>"$log" &
	NODE_PID[$n]=$!
	for _ in $(seq 1 200); do
		port=$(tail -n +$((seen + 1)) "$log" |
			sed -n 's|.*serving .* on http://127\.0\.0\.1:\([0-9]*\)/.*|\1|p')
		[ -n "$port" ] && break
		kill -0 "${NODE_PID[$n]}" 2>/dev/null || break
		sleep 0.05
	done
	if [ -z "$port" ]; then
		echo "node $n did not start:" >&2
		cat "$log" >&2
		return 1
	fi
	NODE_BASE[$n]=http://127.0.0.1:$port
}
# stop_node N [SIGNAL]: stops it; a clean stop must exit 0 without a sanitizer report.
stop_node() {
	local n=$1 rc=0
	kill -"${2:-TERM}" "${NODE_PID[$n]}" 2>/dev/null
	wait "${NODE_PID[$n]}" || rc=$?
	NODE_PID[$n]=
	[ "${2:-TERM}" = KILL ] && return 0
	check "node $n exits with status 0 (was $rc)" test $rc -eq 0
	check "no sanitizer report in node $n's log" \
		bash -c "! grep -qE 'ERROR: (Address|Leak)Sanitizer|runtime error:' '$TMP/node-$n.log'"
}
nodes_cleanup() {
	for n in "${!NODE_PID[@]}"; do
		[ -n "${NODE_PID[$n]}" ] && kill -KILL "${NODE_PID[$n]}" 2>/dev/null
	done
	[ -n "${RECV:-}" ] && kill "$RECV" 2>/dev/null
	"$PSQL" -X -q "$cluster_url" -c "DROP DATABASE IF EXISTS $NAME WITH (FORCE)" >/dev/null
	cleanup
}
trap nodes_cleanup EXIT

# at N PATH [CURL ARGS...]: fetch from node N.
at() {
	local n=$1
	shift
	BASE=${NODE_BASE[$n]} fetch "$@"
}
# visible N PATH STATUS WHAT: waits (at most 3 s, every 20 ms) until node N
# answers PATH with STATUS; checks it, and prints how long it took.
visible() {
	local n=$1 path=$2 want=$3 what=$4 t0 ms code=
	t0=$(date +%s%N)
	for _ in $(seq 1 150); do
		code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "${NODE_BASE[$n]}$path")
		[ "$code" = "$want" ] && break
		sleep 0.02
	done
	ms=$((($(date +%s%N) - t0) / 1000000))
	echo "node $n: $what: $want after $ms ms"
	check "node $n: $what ($path answers $want, was $code after $ms ms)" test "$code" = "$want"
}

