#!/usr/bin/env bash
# Imports that create sections while the server rebuilds its snapshot every
# 50 ms: the server must stay up and end up showing everything.
. "$(dirname "$0")/lib/common.sh"

printf '%s\n' '{"id":"seed","title":"Seed","body":"x"}' | "$ND_BIN" import --db "$DB" - 2>/dev/null
start_server --reload-interval-ms 50 || exit 1
for i in $(seq 1 200); do
	printf '{"id":"r%d","title":"Story %d","body":"x","section":"Section %d"}\n' "$i" "$i" "$i" |
		"$ND_BIN" import --db "$DB" - 2>/dev/null || fail "import $i"
done
check "server survived the imports" kill -0 "$SERVER_PID"
seen=0
for _ in $(seq 1 50); do
	fetch /api/articles
	[ "$(jq -r .total "$TMP/body" 2>/dev/null)" = 201 ] && { seen=1; break; }
	sleep 0.1
done
check "every imported article is served" test $seen -eq 1
fetch /section-200/story-200
expect_status 200 "the last new section's article"

finish
