#!/usr/bin/env bash
# The Ranking (issue 4): /api/ranking by window and section, in order of
# views, with bounds checked; the Ranking blocks of the home and article
# pages follow new views with no restart, even from the page cache.
. "$(dirname "$0")/lib/common.sh"

UA='Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36'
cat >"$TMP/a.jsonl" <<'JSONL'
{"id":"a","title":"Alpha story","body":"Body.","section":"World/Europe","published_at":"2026-11-20T09:15:00Z"}
{"id":"b","title":"Beta story","body":"Body.","section":"World","published_at":"2026-11-21T09:15:00Z"}
{"id":"c","title":"Gamma story","body":"Body.","section":"Sport","published_at":"2026-11-22T09:15:00Z"}
JSONL
"$ND_BIN" import --db "$DB" "$TMP/a.jsonl" 2>/dev/null
check "fixture imports" test $? -eq 0
start_server --counter-flush-ms 100 || exit 1
j() { jq -r "$1" "$TMP/body"; }

# views N PATH: N new visitors (never seen before) read PATH.
seen=0
views() {
	for _ in $(seq 1 "$1"); do
		seen=$((seen + 1))
		curl -s -A "$UA reader-$seen" -o /dev/null "$BASE$2"
	done
}

fetch /api/ranking -A "$UA"
expect_status 200 "ranking with no views"
check "empty at first" test "$(j '.items | length')" = 0
fetch / -A "$UA"
expect_no_body 'Most read' "no Ranking block while nothing was read"

views 5 /world/europe/alpha-story
views 3 /world/beta-story
views 7 /sport/gamma-story
sleep 0.5 # a flush (100 ms) feeds the Ranking

fetch '/api/ranking?window=24h' -A "$UA"
expect_status 200 "24h ranking"
check "ordered by views" test "$(j '[.items[].id] | join(",")')" = "c,a,b"
check "with their views" test "$(j '[.items[].views] | join(",")')" = "7,5,3"
check "items have the article shape" test "$(j '.items[0].url | test("/sport/gamma-story$")')" = true
check "the window is named" test "$(j .window)" = 24h
fetch '/api/ranking?window=1h&limit=2' -A "$UA"
check "1h, limit 2" test "$(j '[.items[].id] | join(",")')" = "c,a"
fetch '/api/ranking?window=7d&section=world' -A "$UA"
check "a section counts its subsections" test "$(j '[.items[].id] | join(",")')" = "a,b"
fetch '/api/ranking?section=world/europe' -A "$UA"
check "a subsection" test "$(j '[.items[].id] | join(",")')" = "a"
fetch '/api/ranking?window=2d' -A "$UA"
expect_status 400 "an unknown window"
check "the error names it" grep -q "window" "$TMP/body"
fetch '/api/ranking?limit=101' -A "$UA"
expect_status 400 "limit over 100"
fetch '/api/ranking?section=nowhere' -A "$UA"
expect_status 404 "an unknown section"

# The blocks, from the page cache, follow the views.
fetch / -A "$UA"
expect_body 'Most read' "the home page's Ranking block"
expect_body_re 'Gamma story</a> <span class="views">7 views' "with the counts"
fetch /world/beta-story -A "$UA"
expect_body 'Most read' "the article page's Ranking block"
views 10 /world/beta-story
sleep 0.5
fetch / -A "$UA"
expect_body_re 'Beta story</a> <span class="views">1[34] views' "the cached home page shows the new order"
fetch '/api/ranking' -A "$UA"
check "beta first now ($(j '[.items[] | "\(.id)=\(.views)"] | join(",")'))" test "$(j '.items[0].id')" = b

finish
