#!/usr/bin/env bash
# Related on real news: ECB+ stories (the demo corpus) — the API ranks
# articles of the same story first, never the article itself, and the
# article page shows the block.
. "$(dirname "$0")/lib/common.sh"

demo_site
check "demo site created" test $? -eq 0
start_server || exit 1

# ecbplus-39_1ecbplus: Peter Capaldi named the 12th Doctor (story 39b).
fetch '/api/articles/ecbplus-39_1ecbplus/related?limit=5'
expect_status 200 "related API"
check "five items" test "$(jq '.items|length' "$TMP/body")" = 5
check "never the article itself" test "$(jq '[.items[].id]|index("ecbplus-39_1ecbplus")' "$TMP/body")" = null
check "ranked by score" jq -e '[.items[].score] as $s | $s == ($s|sort|reverse)' "$TMP/body"
check "items have the article shape" jq -e '.items[0] | has("url") and has("section") and has("score")' "$TMP/body"
same=$(jq -r '.items[].title' "$TMP/body" | grep -ci 'capaldi')
check "the same story comes first ($same of 5 about Capaldi)" test "$same" -ge 4

fetch '/api/articles/ecbplus-39_1ecbplus/related?limit=abc'
expect_status 400 "bad limit"
fetch '/api/articles/no-such-id/related'
expect_status 404 "unknown article"

url=$(curl -s "$BASE/api/articles/ecbplus-39_1ecbplus" | jq -r .url | sed 's|^http://[^/]*||')
fetch "$url"
expect_status 200 "article page"
expect_body '<section class="block related">' "article page has a Related block"

finish
