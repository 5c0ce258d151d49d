#!/usr/bin/env bash
# Webhooks of writes made outside the write API (issue 6, items 4 and 9):
# a scheduled article going live fires "publish" exactly once, whatever
# the rebuilds, restarts and servers on the database after it; what went
# live before webhooks were first used on the database is not announced;
# `serve`'s wire fetch fires "publish" for new items and "update" for a
# changed one, nothing for unchanged ones; `newsdesk import` fires none.
. "$(dirname "$0")/lib/common.sh"
. "$(dirname "$0")/lib/hooks.sh"

start_receiver
cat >"$TMP/site.ini" <<EOF2
[webhook test]
url = http://127.0.0.1:$RPORT/hook
secret = s3cret
EOF2
# events: every request so far as "EVENT ID", in order.
events() {
	for f in $(ls "$HOOKS"/*.json 2>/dev/null | sort -t/ -k2 -V); do
		jq -r '.event + " " + .id' "$f"
	done
}
count() { events | grep -cx "$1"; }
# until_n SECONDS N: waits until the receiver has N requests.
until_n() {
	for _ in $(seq 1 $(($1 * 10))); do [ "$(events | wc -l)" -ge "$2" ] && return 0; sleep 0.1; done
	return 1
}
rebuilds() { grep -c 'site snapshot rebuilt' "$1"; }
# imported FILE: imports one JSON line with the CLI (no webhook).
import() { "$ND_BIN" import --quiet --db "$DB" - <<<"$1" >/dev/null 2>&1; }

# --- a scheduled article goes live ---
past=$(date -u -d '-60 seconds' +%Y-%m-%dT%H:%M:%SZ)
at=$(date -u -d '+3 seconds' +%Y-%m-%dT%H:%M:%SZ)
import '{"id":"old-1","title":"Went live before","body":"B","status":"scheduled","published_at":"'"$past"'"}'
import '{"id":"sched-1","title":"Goes live soon","body":"B","status":"scheduled","published_at":"'"$at"'"}'
check "imported" test "$(db_query 'SELECT count(*) FROM articles')" = 2
start_server --config "$TMP/site.ini" || exit 1
# A second server on the same database, as another node would be.
"$ND_BIN" serve --config "$TMP/site.ini" --db "$DB" --listen 127.0.0.1:0 --reload-interval-ms 100 \
	2>"$TMP/node2.log" &
NODE2=$!
trap 'kill $RECV $NODE2 2>/dev/null; cleanup' EXIT
check "the publish of the article that went live" until_n 15 1
check "it is sched-1's publish" test "$(events | head -n1)" = "publish sched-1"
check "signed like the API's" grep -qi '^X-Newsdesk-Signature: sha256=' "$HOOKS/1.hdr"
check "the payload holds the article" test "$(jq -r .article.title "$HOOKS/1.json")" = "Goes live soon"
check "the site shows it" test "$(curl -s "$BASE/api/articles/sched-1" | jq -r .id)" = sched-1
# More rebuilds on both servers: a CLI import bumps the generation.
b1=$(rebuilds "$TMP/server.log")
b2=$(rebuilds "$TMP/node2.log")
import '{"id":"more-1","title":"Another story","body":"B"}'
more() { [ "$(rebuilds "$TMP/server.log")" -gt "$b1" ] && [ "$(rebuilds "$TMP/node2.log")" -gt "$b2" ]; }
for _ in $(seq 1 100); do more && break; sleep 0.1; done
check "both servers rebuilt after the import" more
# A restart rebuilds too.
stop_server
start_server --config "$TMP/site.ini" || exit 1
import '{"id":"more-2","title":"Yet another story","body":"B"}'
b1=$(rebuilds "$TMP/server.log")
for _ in $(seq 1 100); do [ "$(rebuilds "$TMP/server.log")" -gt "$b1" ] && break; sleep 0.1; done
sleep 1.5
check "one publish in all, for two servers, rebuilds and a restart (got: $(events | paste -sd,))" \
	test "$(count 'publish sched-1')" = 1
check "nothing for what went live before webhooks were used" test "$(events | grep -c old-1)" = 0
check "nothing for the CLI's imports" test "$(events | grep -c more-)" = 0
check "one delivery logged" \
	test "$(db_query "SELECT count(*) || '|' || min(event) FROM webhook_deliveries WHERE article = 'sched-1'")" = "1|publish"
kill $NODE2
wait $NODE2
check "the second server stopped cleanly" test $? -eq 0
stop_server

# --- a scheduled article whose time came is live: saved as published it is
# an update (not a second publish), saved as a draft an unpublish ---
export ND_TEST_FAST_HASH=1
echo 'correct horse battery staple' | "$ND_BIN" user add ed --role editor --db "$DB" >/dev/null 2>&1
TOKEN=$("$ND_BIN" token add ed --name hooks --db "$DB" 2>/dev/null)
start_server --config "$TMP/site.ini" || exit 1
n=$(events | wc -l)
patch() {
	curl -s -o /dev/null -w '%{http_code}' -X PATCH -H "Authorization: Bearer $TOKEN" \
		-H 'Content-Type: application/json' -d "$2" "$BASE/api/articles/$1"
}
check "sched-1 made published through the API" test "$(patch sched-1 '{"status":"published"}')" = 200
check "an event for it" until_n 10 $((n + 1))
check "it is an update: sched-1 was live already" test "$(events | tail -n1)" = "update sched-1"
check "old-1 (live, never announced) made a draft" test "$(patch old-1 '{"status":"draft"}')" = 200
check "an event for it" until_n 10 $((n + 2))
check "it is an unpublish: old-1 was on the site" test "$(events | tail -n1)" = "unpublish old-1"
stop_server
n0=$(events | wc -l)

# --- the wire fetch of serve ---
DB=$(new_db wire) || exit 1
FEEDS=$TMP/feeds
mkdir -p "$FEEDS"
cp "$FIXTURES"/wire/world.xml "$FEEDS/"
python3 "$ND_SOURCE_DIR/tests/e2e/lib/feedserver.py" "$FEEDS" "$TMP/feedport" "$TMP/feedlog" &
FEED_PID=$!
trap 'kill $RECV $FEED_PID 2>/dev/null; cleanup' EXIT
for _ in $(seq 1 100); do [ -s "$TMP/feedport" ] && break; sleep 0.05; done
cat >>"$TMP/site.ini" <<INI

[wire]
fetch_interval = 1

[feed world]
url = http://127.0.0.1:$(cat "$TMP/feedport")/world.xml
section = World
INI
start_server --config "$TMP/site.ini" || exit 1
check "a publish per new item" until_n 15 $((n0 + 3))
check "three publishes of wire articles" \
	test "$(events | tail -n +$((n0 + 1)) | grep -c '^publish wire-')" = 3
sed -i 's|Markets steady before central bank decision|Markets climb on schedule|' "$FEEDS/world.xml"
check "an update for the changed item" until_n 15 $((n0 + 4))
check "it is an update" test "$(events | tail -n1 | cut -d' ' -f1)" = update
check "with the new title" test "$(jq -r .article.title "$(ls "$HOOKS"/*.json | sort -V | tail -n1)")" = "Markets climb on schedule"
# Later runs find the feed unchanged (304): no more events.
n1=$(grep -c "feed 'world': not modified" "$TMP/server.log")
for _ in $(seq 1 50); do [ "$(grep -c "feed 'world': not modified" "$TMP/server.log")" -gt "$n1" ] && break; sleep 0.1; done
sleep 0.5
check "nothing for unchanged runs" test "$(events | wc -l)" = $((n0 + 4))
stop_server

finish
