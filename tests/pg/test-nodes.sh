#!/usr/bin/env bash
# Two newsdesk nodes on one PostgreSQL (issue 7, item 3): what one node, the
# admin or the command line writes is served by the other within a second
# (NOTIFY, docs/internals/postgres.md), although each polls only once a
# minute here; an admin session and an API token made on one work on the
# other; a scheduled article goes live on both and its webhook fires once;
# a node killed with kill -9 and started again serves what was written
# while it was down. ND_TEST_PG_URL_FILE names the test cluster's URL file.
source "$(dirname "$0")/../e2e/lib/common.sh"

export ND_TEST_FAST_HASH=1
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

printf '%s\n' '{"id":"n-1","title":"First story","body":"Body one.","section":"World"}' \
	'{"id":"n-2","title":"Second story","body":"Body two.","section":"World"}' >"$TMP/a.jsonl"
check "import into PostgreSQL" "$ND_BIN" import --db "$DB" "$TMP/a.jsonl"
echo 'correct horse battery staple' | "$ND_BIN" user add ed --role editor --db "$DB" >/dev/null 2>&1
check "a user" test $? -eq 0
ED=$("$ND_BIN" token add ed --name nodes --db "$DB" 2>/dev/null)
check "a token" test -n "$ED"

. "$ND_SOURCE_DIR/tests/e2e/lib/hooks.sh"
start_receiver
trap nodes_cleanup EXIT # hooks.sh set its own
cat >"$TMP/site.ini" <<EOF
[webhook test]
url = http://127.0.0.1:$RPORT/hook
secret = s3cret
events = publish
EOF
start_node a --config "$TMP/site.ini" || exit 1
start_node b --config "$TMP/site.ini" || exit 1
for n in a b; do
	at $n /world/first-story
	expect_status 200 "node $n serves the imported article"
done

# --- a write on one node is served by the other ---
api() {
	local n=$1 m=$2 p=$3
	shift 3
	at "$n" "$p" -X "$m" -H "Authorization: Bearer $ED" -H 'Content-Type: application/json' "$@"
}
api a POST /api/articles -d '{"id":"n-3","title":"Published on A","body":"B.","section":"World"}'
expect_status 201 "publish through node a's API"
visible b /world/published-on-a 200 "an API publish on node a"
api b PUT /api/articles/n-3 -d '{"title":"Published on A","body":"Edited on B.","section":"World"}'
expect_status 200 "edit through node b's API"
for _ in $(seq 1 150); do
	curl -s "${NODE_BASE[a]}/world/published-on-a" | grep -q "Edited on B" && break
	sleep 0.02
done
at a /world/published-on-a
expect_body "Edited on B" "node a serves node b's edit"
api a PUT /api/articles/n-3 -d '{"title":"Published on A","body":"Edited on B.","section":"World","status":"draft"}'
expect_status 200 "unpublish through node a's API"
visible b /world/published-on-a 410 "an unpublish on node a"

printf '%s\n' '{"id":"n-4","title":"From the command line","body":"B.","section":"World"}' |
	"$ND_BIN" import --db "$DB" - 2>/dev/null
check "newsdesk import while the nodes run" test $? -eq 0
visible a /world/from-the-command-line 200 "newsdesk import"
visible b /world/from-the-command-line 200 "newsdesk import"

# --- the admin: a session made on one node works on the other ---
at a /admin/login -c "$TMP/jar" -b "$TMP/jar"
CSRF=$(sed -n 's/.*name="csrf" value="\([^"]*\)".*/\1/p' "$TMP/body")
at a /admin/login -c "$TMP/jar" -b "$TMP/jar" --data-urlencode "csrf=$CSRF" \
	--data-urlencode "login=ed" --data-urlencode "password=correct horse battery staple"
expect_status 303 "log in on node a"
at b /admin/articles -b "$TMP/jar"
expect_status 200 "node b knows node a's session"
expect_body "From the command line" "node b's article list"
# An article saved in node b's admin editor is served by node a.
at b /admin/articles/new -b "$TMP/jar"
CSRF=$(sed -n 's/.*name="csrf" value="\([^"]*\)".*/\1/p' "$TMP/body" | head -n1)
at b /admin/articles -b "$TMP/jar" -c "$TMP/jar" --data-urlencode "csrf=$CSRF" \
	--data-urlencode "title=Written in the admin" --data-urlencode "body=Text." \
	--data-urlencode "section=World" --data-urlencode "action=publish"
expect_status 303 "publish in node b's admin"
visible a /world/written-in-the-admin 200 "an admin publish on node b"

# --- a scheduled article goes live on both, its webhook fires once ---
at_time=$(date -u -d '+3 seconds' +%Y-%m-%dT%H:%M:%SZ)
printf '%s\n' '{"id":"n-5","title":"Scheduled story","body":"B.","section":"World","status":"scheduled","published_at":"'"$at_time"'"}' |
	"$ND_BIN" import --db "$DB" - 2>/dev/null
check "a scheduled article" test $? -eq 0
at a /world/scheduled-story
expect_status 404 "not live before its time"
sleep 3
visible a /world/scheduled-story 200 "the scheduled article at its time"
visible b /world/scheduled-story 200 "the scheduled article at its time"
sleep 2 # both nodes' go-live claims have run
publishes() { grep -l '"n-5"' "$HOOKS"/*.json 2>/dev/null | xargs -r grep -l '"publish"' | wc -l; }
check "the go-live webhook fired once for two nodes (got $(publishes))" test "$(publishes)" = 1

# --- kill -9 of a node; it catches up when started again ---
stop_node b KILL
api a POST /api/articles -d '{"id":"n-6","title":"While B was down","body":"B.","section":"World"}'
expect_status 201 "publish while node b is down"
start_node b --config "$TMP/site.ini" || exit 1
at b /world/while-b-was-down
expect_status 200 "node b, started again, serves what was written while it was down"

stop_node a
stop_node b
finish
