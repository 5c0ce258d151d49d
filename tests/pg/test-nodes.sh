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
source "$(dirname "$0")/lib/nodes.sh"

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
