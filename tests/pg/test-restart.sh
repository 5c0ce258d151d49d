#!/usr/bin/env bash
# newsdesk serve on PostgreSQL through a restart of the database
# (docs/internals/pg-pool.md): while pages and views keep coming, the
# cluster restarts (pg_ctl restart -m fast: every session ended, then
# refused until it is back). Checks:
#   - every request is answered, 200, within curl's --max-time (the site is
#     served from the snapshot in memory; nothing waits on the database);
#   - once PostgreSQL is back, writes work again on the same server: a
#     reaction POST and an article imported through the API (then on its
#     page);
#   - the views counted during the outage reach the database (the failed
#     flushes kept their batch);
#   - the server logs that it reconnected, and exits cleanly.
# It restarts a cluster of its own (tests/pg/cluster start/restart/stop in
# $TMP), not the pg fixture's, which other tests may be using meanwhile.
source "$(dirname "$0")/../e2e/lib/common.sh"

CLUSTER=$ND_SOURCE_DIR/tests/pg/cluster
PGDIR=$TMP/pg
UA='Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36'
LOAD_PID=
# The client of the newest server installed, as tests/pg/cluster uses.
PSQL=$(find /usr/lib/postgresql -mindepth 3 -maxdepth 3 -path '*/bin/psql' 2>/dev/null |
	sort -V | tail -n1)

stop_all() {
	if [ -n "$LOAD_PID" ]; then
		kill "$LOAD_PID" 2>/dev/null
		wait "$LOAD_PID" 2>/dev/null
	fi
	if [ -n "$SERVER_PID" ] && kill -0 "$SERVER_PID" 2>/dev/null; then
		kill -TERM "$SERVER_PID" 2>/dev/null
		wait "$SERVER_PID" 2>/dev/null
	fi
	SERVER_PID=
	"$CLUSTER" stop "$PGDIR" >/dev/null 2>&1
	cleanup
}
trap stop_all EXIT

url=$("$CLUSTER" start "$PGDIR") || exit 1
check "a cluster of our own" test -n "$url"
export DB=$url ND_TEST_FAST_HASH=1

cat >"$TMP/a.jsonl" <<'JSONL'
{"id":"p-1","title":"First story","body":"Body one.","section":"World","published_at":"2026-11-20T09:15:00Z"}
{"id":"p-2","title":"Second story","body":"Body two.","section":"World","published_at":"2026-11-21T09:15:00Z"}
{"id":"p-3","title":"Third story","body":"Body three.","section":"Science","published_at":"2026-11-22T09:15:00Z"}
JSONL
check "import into PostgreSQL" "$ND_BIN" import --db "$DB" "$TMP/a.jsonl"
echo 'correct horse battery staple' |
	"$ND_BIN" user add ed --role editor --name "Ed Editor" --db "$DB" >/dev/null 2>&1
TOKEN=$("$ND_BIN" token add ed --name CI --db "$DB" 2>/dev/null)
check "a token for the API" test -n "$TOKEN"

start_server --counter-flush-ms 200 --reactions 'like:Like' || exit 1

# Visitors, each with its cookie from the home page, before the load.
VISITORS=60
for i in $(seq 1 $VISITORS); do
	curl -s --max-time 5 -A "$UA" -c "$TMP/jar$i" -o /dev/null "$BASE/"
done

# The load: in turn the home page, a section, an article (a view by the
# next visitor); one line per request: path, status, curl's exit, seconds.
load() {
	local n=0 path
	while [ ! -e "$TMP/stop" ]; do
		for path in / /world /world/first-story; do
			local i=$((n % VISITORS + 1))
			curl -s --max-time 5 -A "$UA" -b "$TMP/jar$i" -o /dev/null \
				-w "$path %{http_code} %{time_total}" "$BASE$path"
			echo " $?"
		done
		n=$((n + 1))
	done >"$TMP/load.log"
}
load &
LOAD_PID=$!

sleep 1
check "the cluster restarts" "$CLUSTER" restart "$PGDIR"
sleep 2
touch "$TMP/stop"
wait "$LOAD_PID"
LOAD_PID=

total=$(wc -l <"$TMP/load.log")
bad=$(grep -vcE ' 200 [0-9.]+ 0$' "$TMP/load.log")
slowest=$(awk '{ if ($3 > m) m = $3 } END { print m + 0 }' "$TMP/load.log")
echo "load: $total requests, $bad not 200, slowest ${slowest}s" >&2
check "requests were made during the restart ($total)" test "$total" -ge 30
check "every request answered 200 in time ($bad were not: $(grep -vE ' 200 [0-9.]+ 0$' "$TMP/load.log" | head -n3 | tr '\n' ';'))" \
	test "$bad" -eq 0
check "none took longer than 5 s (slowest ${slowest}s)" awk -v m="$slowest" 'BEGIN { exit !(m < 5) }'

# Writes, once PostgreSQL is back: a reaction, then an article through the API.
fetch /api/articles/p-1/reactions -A "$UA" -b "$TMP/jar1" -H "Origin: $BASE" \
	-H 'Content-Type: application/json' -d '{"type":"like"}'
expect_status 200 "a reaction after the restart"
check "it is counted" test "$(jq -r .reactions.like "$TMP/body")" = 1
fetch /api/articles -X POST -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' \
	-d '{"id":"p-4","title":"After the restart","body":"Written after.","section":"World"}'
expect_status 201 "an article through the API after the restart"
for _ in $(seq 1 100); do
	fetch /world/after-the-restart
	[ "$STATUS" = 200 ] && break
	sleep 0.05
done
expect_status 200 "its page is served"

# Views: every visitor viewed the article once (the load went round them
# all, see requests above), and the flushes that failed kept their batch.
viewed=$(grep -c '^/world/first-story ' "$TMP/load.log")
want=$((viewed < VISITORS ? viewed : VISITORS))
for _ in $(seq 1 100); do
	got=$("${PSQL:-psql}" -X -At "$DB" -c "SELECT coalesce(sum(views), 0) FROM article_stats" 2>/dev/null)
	[ "$got" = "$want" ] && break
	sleep 0.1
done
check "the views reached the database ($got of $want)" test "$got" = "$want"

# What the server logged of the outage, for the record.
grep -E ' (warn|error) ' "$TMP/server.log" | sed 's/^/server: /' | head -n 20 >&2
check "the server says it reconnected" grep -q "reconnected to the database" "$TMP/server.log"
finish
