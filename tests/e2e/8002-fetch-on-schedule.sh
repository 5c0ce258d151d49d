#!/usr/bin/env bash
# serve with fetch_interval: the feeds are fetched at start and then on a
# schedule, the site follows by itself, and shutdown does not wait for a
# slow feed.
. "$(dirname "$0")/lib/common.sh"

FEEDS=$TMP/feeds
mkdir -p "$FEEDS"
cp "$FIXTURES"/wire/world.xml "$FIXTURES"/wire/europe.atom "$FEEDS/"
python3 "$ND_SOURCE_DIR/tests/e2e/lib/feedserver.py" "$FEEDS" "$TMP/feedport" "$TMP/feedlog" &
FEED_PID=$!
trap 'kill $FEED_PID 2>/dev/null; cleanup' EXIT
for _ in $(seq 1 100); do [ -s "$TMP/feedport" ] && break; sleep 0.05; done
F=http://127.0.0.1:$(cat "$TMP/feedport")

# A PostgreSQL store is no file to keep the feeds' ETags next to (8001).
STATE_INI=
[ "$ND_TEST_STORE" = pg ] && STATE_INI="fetch_state = $TMP/feeds.json"
cat >"$TMP/site.ini" <<INI
[wire]
$STATE_INI
fetch_interval = 1
fetch_timeout = 30

[feed world]
url = $F/world.xml
section = World

[feed europe]
url = $F/europe.atom
INI

total() { curl -s --max-time 5 "$BASE/api/articles?limit=50" | jq -r .total; }
# wait_for SECONDS COMMAND...: polls until the command succeeds.
wait_for() {
	local n=$(($1 * 10))
	shift
	for _ in $(seq 1 $n); do "$@" && return 0; sleep 0.1; done
	return 1
}

start_server --config "$TMP/site.ini" || exit 1
check "fetch thread announced" grep -q "wire: fetching 2 feeds now and every 1 s" "$TMP/server.log"
# 5 articles, 4 stories: the lists fold the two copies of the flood story.
has4() { [ "$(total)" = 4 ]; }
check "the site shows the fetched articles" wait_for 15 has4
check "a later run gets 304" wait_for 10 grep -q "feed 'world': not modified (304)" "$TMP/server.log"

sed -i 's|Markets steady before central bank decision|Markets climb on schedule|' "$FEEDS/world.xml"
updated() { curl -s --max-time 5 "$BASE/api/articles?limit=50" | grep -q "Markets climb on schedule"; }
check "an updated item reaches the site on the next run" wait_for 15 updated
check "no duplicates" test "$(total)" = 4
check "5 articles in the store" test "$(db_query 'select count(*) from articles')" = 5

# A slow feed in progress does not hold up shutdown.
printf '\n[feed slow]\nurl = %s/slow/world.xml\n' "$F" >>"$TMP/site.ini"
stop_server
start_server --config "$TMP/site.ini" || exit 1
sleep 1.5
t0=$(date +%s%N)
stop_server
t1=$(date +%s%N)
# The feed answers 30 s after it was asked: a shutdown that waited for
# it would take over 28 s; one that aborts it takes about a second.
check "shutdown does not wait for a slow transfer" test $(((t1 - t0) / 1000000)) -lt 15000

# fetch_interval 0: no schedule.
start_server --config "$TMP/site.ini" --fetch-interval 0 || exit 1
check "interval 0: no fetch thread" test "$(grep -c 'wire: fetching' "$TMP/server.log")" -eq 0
finish
