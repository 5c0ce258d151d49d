#!/usr/bin/env bash
# A scheduled article goes live at its time to the second with no request
# in between: the server's own timer rebuilds the site (issue 6, item 4),
# and everything made from the site changes with it: the article's page
# and API answer, the home page, its section, the lists and Related.
. "$(dirname "$0")/lib/common.sh"

now=$(date -u +%Y-%m-%dT%H:%M:%SZ)
at=$(date -u -d '+3 seconds' +%Y-%m-%dT%H:%M:%SZ)
{
	printf '{"id":"quake-1","title":"Earthquake shakes the coast","section":"World","published_at":"%s","body":"A strong earthquake shook the coast on Monday, damaging harbour walls and old houses."}\n' "$now"
	printf '{"id":"quake-2","title":"Aftershocks follow the coast earthquake","section":"World","status":"scheduled","published_at":"%s","body":"Aftershocks of the strong earthquake shook the coast again, damaging more harbour walls."}\n' "$at"
} >"$TMP/a.jsonl"
"$ND_BIN" import --db "$DB" "$TMP/a.jsonl" >/dev/null 2>&1
check "imported" test $? -eq 0
# No polling to speak of: only the timer can bring the article in.
start_server --reload-interval-ms 600000 || exit 1

fetch /api/articles/quake-2
expect_status 404 "before its time, the article is hidden"
fetch /
expect_no_body "Aftershocks follow" "before its time, the home page"
builds=$(grep -c 'site snapshot rebuilt' "$TMP/server.log")

# No request at all until well after the time.
sleep 4.5
check "the site was rebuilt with no request in between" \
	test "$(grep -c 'site snapshot rebuilt' "$TMP/server.log")" -gt "$builds"
rebuilt=$(grep 'site snapshot rebuilt' "$TMP/server.log" | tail -n1 | cut -c1-19)
# Not early; how late is for a loaded machine to say, not a test (the
# rebuild above came before any request, which is the point).
check "not before its time (rebuilt ${rebuilt}Z, scheduled $at)" \
	test "$(date -u -d "${rebuilt}Z" +%s)" -ge "$(date -u -d "$at" +%s)"

fetch /api/articles/quake-2
expect_status 200 "the article is live"
fetch /
expect_body "Aftershocks follow the coast earthquake" "the home page"
fetch /world
expect_body "Aftershocks follow the coast earthquake" "the section page"
fetch '/api/articles?limit=1'
check "the newest in the list" test "$(jq -r '.items[0].id' "$TMP/body")" = quake-2
fetch /api/articles/quake-1/related
check "Related of its sibling story names it" \
	test "$(jq -r '[.items[].id] | index("quake-2") != null' "$TMP/body")" = true

finish
