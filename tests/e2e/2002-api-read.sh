#!/usr/bin/env bash
# The JSON API, read side: one article by its external id, and lists.
. "$(dirname "$0")/lib/common.sh"

cat >"$TMP/a.jsonl" <<'JSONL'
{"id":"wire-1","title":"Rates held at 4%","summary":"The bank waits.","body":"Body.","section":"Business/Markets","author":"Jane Roe","tags":["Rates","Central banks"],"published_at":"2026-11-20T09:15:00+01:00","updated_at":"2026-11-20T10:00:00Z"}
{"id":"wire 2/x","title":"Second","body":"Body two.","section":"Business","published_at":"2026-11-21T09:15:00Z"}
{"id":"draft-1","title":"Not yet","body":"Draft.","status":"draft"}
JSONL
"$ND_BIN" import --db "$DB" "$TMP/a.jsonl" 2>/dev/null
check "fixture imports" test $? -eq 0
start_server --site-url https://news.example.com || exit 1

fetch /api/articles/wire-1
expect_status 200 "GET /api/articles/wire-1"
expect_header Content-Type '^application/json' "API"
j() { jq -r "$1" "$TMP/body"; }
check "id" test "$(j .id)" = "wire-1"
check "slug" test "$(j .slug)" = "rates-held-at-4"
check "title" test "$(j .title)" = "Rates held at 4%"
check "summary" test "$(j .summary)" = "The bank waits."
check "section path" test "$(j .section)" = "Business/Markets"
check "author" test "$(j .author)" = "Jane Roe"
check "tags in order" test "$(j '.tags|join(",")')" = "Rates,Central banks"
check "absolute url" test "$(j .url)" = "https://news.example.com/business/markets/rates-held-at-4"
check "published_at in UTC" test "$(j .published_at)" = "2026-11-20T08:15:00Z"
check "updated_at" test "$(j .updated_at)" = "2026-11-20T10:00:00Z"

fetch '/api/articles/wire%202%2Fx'
expect_status 200 "an id with a space and a slash, percent-encoded"
check "odd id" test "$(j .id)" = "wire 2/x"
check "no author is null" test "$(j .author)" = "null"

fetch /api/articles/draft-1
expect_status 404 "a draft is not public"
check "error message" test "$(j .error.message)" = "no published article with id 'draft-1'"

fetch /api/articles
expect_status 200 "list"
check "list total" test "$(j .total)" = "2"
check "list newest first" test "$(j '.items[0].id')" = "wire 2/x"
check "list items have the article shape" test "$(j '.items[1].section')" = "Business/Markets"
fetch '/api/articles?section=business/markets'
check "list by section" test "$(j '.items|length')" = "1"
fetch '/api/articles?tag=central-banks'
check "list by tag" test "$(j '.items[0].id')" = "wire-1"
fetch '/api/articles?limit=1&offset=1'
check "limit and offset" test "$(j '.items[0].id')" = "wire-1"
fetch '/api/articles?limit=1000'
expect_status 400 "limit over the maximum"
fetch '/api/articles?limit=abc'
expect_status 400 "non-numeric limit"
fetch '/api/articles?section=nope'
expect_status 404 "unknown section"

finish
