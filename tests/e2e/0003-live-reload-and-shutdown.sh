#!/usr/bin/env bash
# A running server shows what is imported meanwhile, publishes scheduled
# stories at their time, and stops gracefully.
. "$(dirname "$0")/lib/common.sh"

printf '%s\n' '{"id":"first","title":"First story","body":"One."}' >"$TMP/1.jsonl"
"$ND_BIN" import --db "$DB" "$TMP/1.jsonl" 2>/dev/null
start_server || exit 1
fetch /api/articles/second
expect_status 404 "not imported yet"

in3=$(date -u -d '+3 seconds' +%Y-%m-%dT%H:%M:%SZ)
{
	printf '%s\n' '{"id":"second","title":"Second story","body":"Two."}'
	printf '{"id":"later","title":"Scheduled story","body":"Three.","status":"scheduled","published_at":"%s"}\n' "$in3"
} >"$TMP/2.jsonl"
"$ND_BIN" import --db "$DB" "$TMP/2.jsonl" 2>/dev/null
seen=0
for _ in $(seq 1 50); do
	fetch /api/articles/second
	[ "$STATUS" = 200 ] && { seen=1; break; }
	sleep 0.1
done
check "an import shows up on the running server" test $seen -eq 1
fetch /api/articles/later
expect_status 404 "a scheduled story is hidden before its time"
seen=0
for _ in $(seq 1 80); do
	fetch /api/articles/later
	[ "$STATUS" = 200 ] && { seen=1; break; }
	sleep 0.1
done
check "a scheduled story goes live at its time" test $seen -eq 1

# Graceful stop: a request in flight still gets its whole answer.
# --limit-rate keeps curl reading for a while; wait until its first bytes
# arrived (the request is in), then stop the server under it.
curl -s -o "$TMP/slow" --limit-rate 2k "$BASE/" &
curl_pid=$!
for _ in $(seq 1 100); do
	[ -s "$TMP/slow" ] && break
	sleep 0.05
done
check "the slow request started" test -s "$TMP/slow"
stop_server TERM
check "SIGTERM exits 0" test $? -eq 0
wait $curl_pid
check "the request in flight completed" grep -q '</html>' "$TMP/slow"
check "shutdown is logged" grep -q "SIGTERM received" "$TMP/server.log"

finish
