#!/usr/bin/env bash
# kill -9 during a burst of views (issue 4): at most one flush interval of
# views is lost, nothing else is (articles, reactions acknowledged), and the
# database passes its integrity check.
. "$(dirname "$0")/lib/common.sh"

UA='Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36'
FLUSH_MS=500
cat >"$TMP/a.jsonl" <<'JSONL'
{"id":"k-1","title":"Burst story","body":"Body.","section":"World","published_at":"2026-11-20T09:15:00Z"}
{"id":"k-2","title":"Quiet story","body":"Body two.","section":"World","published_at":"2026-11-21T09:15:00Z"}
JSONL
"$ND_BIN" import --db "$DB" "$TMP/a.jsonl" 2>/dev/null
check "fixture imports" test $? -eq 0
start_server --counter-flush-ms $FLUSH_MS || exit 1
views() { curl -s -A "$UA" "$BASE/api/articles/$1" | jq -r .views; }

# An acknowledged reaction before the burst.
curl -s -A "$UA" -c "$TMP/jar" -o /dev/null "$BASE/"
fetch /api/articles/k-2/reactions -A "$UA" -b "$TMP/jar" -H "Origin: $BASE" \
	-H 'Content-Type: application/json' -d '{"type":"verygood"}'
expect_status 200 "a reaction before the burst"

# The burst: distinct visitors (a User-Agent each, no cookies: each is its
# own fallback id), 4 clients in parallel, each logging a line per answer.
burst() {
	local n=0
	while :; do
		n=$((n + 1))
		curl -s --max-time 5 -A "$UA burst-$1-$n" -o /dev/null -w '%{http_code}\n' \
			"$BASE/world/burst-story" >>"$TMP/done.$1" || break
	done
}
for c in 1 2 3 4; do
	burst $c &
	pids+=($!)
done
sleep 3
counted_before_kill=$(views k-1)
sleep 1.2
stop_server KILL
wait "${pids[@]}" 2>/dev/null
answered=$(cat "$TMP"/done.* | grep -c '^200$')
check "the burst was served ($answered pages, $counted_before_kill counted 1.2 s before the kill)" \
	test "$answered" -gt 50

check "the database is intact after kill -9" \
	db_intact
start_server --counter-flush-ms $FLUSH_MS || exit 1
after=$(views k-1)
# Everything counted at least one flush interval (and the 1.2 s) before the
# kill was flushed; nothing is counted that was not served.
check "views kept: $after >= $counted_before_kill (counted 1.2 s before the kill)" \
	test "$after" -ge "$counted_before_kill"
check "no view invented: $after <= $answered served" test "$after" -le "$answered"
check "the acknowledged reaction is there" \
	test "$(curl -s -A "$UA" "$BASE/api/articles/k-2" | jq -r .reactions.verygood)" = 1
check "the articles are there" test "$(curl -s -A "$UA" "$BASE/api/articles" | jq -r .total)" = 2

finish
