#!/usr/bin/env bash
# Views (issue 4): counted server side on a GET of an article page, once per
# visitor per 30 minutes; not for bots, HEAD or prefetch; shown live on the
# page and in the API (even when the page comes from the cache); survive a
# restart.
. "$(dirname "$0")/lib/common.sh"

UA='Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36'
cat >"$TMP/a.jsonl" <<'JSONL'
{"id":"v-1","title":"Counted story","body":"Body.","section":"World","published_at":"2026-11-20T09:15:00Z"}
{"id":"v-2","title":"Other story","body":"Body two.","section":"World","published_at":"2026-11-21T09:15:00Z"}
JSONL
"$ND_BIN" import --db "$DB" "$TMP/a.jsonl" 2>/dev/null
check "fixture imports" test $? -eq 0
start_server --counter-flush-ms 200 || exit 1
PAGE=/world/counted-story

views() { curl -s -A "$UA" "$BASE/api/articles/$1" | jq -r .views; }

check "no views yet" test "$(views v-1)" = 0

# 100 distinct visitors, each with its own cookie (from the home page).
for i in $(seq 1 100); do
	curl -s -A "$UA" -c "$TMP/jar$i" -o /dev/null "$BASE/"
done
check "the home page sets a visitor cookie" grep -q 'nd_v' "$TMP/jar1"
# Ten at a time (not `wait` alone: that would wait for the server too).
for i in $(seq 1 100); do
	curl -s --max-time 10 -A "$UA" -b "$TMP/jar$i" -o /dev/null "$BASE$PAGE" &
	pids+=($!)
	if (( i % 10 == 0 )); then
		wait "${pids[@]}"
		pids=()
	fi
done
check "100 visitors give 100 views (got $(views v-1))" test "$(views v-1)" = 100

# The same visitor ten more times: nothing more.
for _ in $(seq 1 10); do curl -s -A "$UA" -b "$TMP/jar1" -o /dev/null "$BASE$PAGE"; done
check "repeat views by one visitor count once" test "$(views v-1)" = 100

# A new visitor reloading ten times: one.
for _ in $(seq 1 10); do curl -s -A "$UA" -b "$TMP/jar-new" -c "$TMP/jar-new" -o /dev/null "$BASE$PAGE"; done
check "a new visitor's reloads count once (got $(views v-1))" test "$(views v-1)" = 101

# A client that refuses cookies: its address and User-Agent stand for it.
for _ in $(seq 1 5); do curl -s -A "$UA (no cookies)" -o /dev/null "$BASE$PAGE"; done
check "a cookieless client's reloads count once (got $(views v-1))" test "$(views v-1)" = 102

# Not views: a bot, HEAD, a prefetch.
for _ in 1 2 3; do
	curl -s -A 'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)' \
		-o /dev/null "$BASE$PAGE"
	curl -s -A 'curl/8.0' -o /dev/null "$BASE$PAGE"
done
check "bots are not counted" test "$(views v-1)" = 102
curl -s -I -A "$UA" -b "$TMP/jar-head" -c "$TMP/jar-head" -o /dev/null "$BASE$PAGE"
check "HEAD is not counted" test "$(views v-1)" = 102
curl -s -A "$UA" -H 'Sec-Purpose: prefetch' -b "$TMP/jar-pf" -c "$TMP/jar-pf" -o /dev/null "$BASE$PAGE"
curl -s -A "$UA" -H 'Purpose: prefetch' -b "$TMP/jar-pf2" -c "$TMP/jar-pf2" -o /dev/null "$BASE$PAGE"
check "prefetch is not counted" test "$(views v-1)" = 102
check "the other article has none" test "$(views v-2)" = 0

# The page shows the live count, cached or not, and its validator follows it.
fetch "$PAGE" -A "$UA" -b "$TMP/jar1"
expect_status 200 "article page"
expect_body 'View 102' "the page shows the count"
expect_header Cache-Control 'private' "a page with live counts is private"
expect_header Cache-Control 'no-cache' "and revalidated"
etag=$(header ETag)
check "no marker leaks into the page" sh -c "! grep -q 'ndh[0-9a-f]\{16\}' '$TMP/body'"
fetch "$PAGE" -A "$UA" -b "$TMP/jar1" -H "If-None-Match: $etag"
expect_status 304 "unchanged count: 304"
curl -s -A "$UA late" -b "$TMP/jar-late" -c "$TMP/jar-late" -o /dev/null "$BASE$PAGE"
fetch "$PAGE" -A "$UA" -b "$TMP/jar1" -H "If-None-Match: $etag"
expect_status 200 "a new view changes the validator"
expect_body 'View 103' "the cached page shows the new count"

# The cookie: set once, HttpOnly, SameSite=Lax; not for bots.
fetch / -A "$UA"
expect_header Set-Cookie '^nd_v=1\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43}; Path=/; Max-Age=[0-9]+; HttpOnly; SameSite=Lax$' "visitor cookie"
fetch / -A "$UA" -b "$TMP/jar1"
check "a reader with a cookie gets none" test -z "$(header Set-Cookie)"
fetch / -A 'curl/8.0'
check "a bot gets no cookie" test -z "$(header Set-Cookie)"
fetch / -A "$UA" -H 'Cookie: nd_v=1.AAAAAAAAAAAAAAAAAAAAAA.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA'
expect_header Set-Cookie '^nd_v=' "a forged cookie is replaced"

# Durable: a restart keeps every count.
stop_server
start_server --counter-flush-ms 200 || exit 1
check "views survive a restart (got $(views v-1))" test "$(views v-1)" = 103

finish
