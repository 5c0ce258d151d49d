#!/usr/bin/env bash
# The Recommendation list (issue 5) on the demo site: a reader of three
# boxing stories is recommended boxing, never what they read; a new reader
# gets the popular and fresh list; GET /api/recommendations checks its
# arguments; the block on article pages and "For you" on the home page;
# the caching headers; histories survive a restart.
. "$(dirname "$0")/lib/common.sh"
. "$(dirname "$0")/lib/recs.sh"

demo_server --no-histories || exit 1

# api JAR QUERY: the reader's list (JAR "" for no cookie) into $TMP/body.
api() {
	if [ -n "$1" ]; then fetch "/api/recommendations$2" -A "$UA" -b "$1"; else
		fetch "/api/recommendations$2" -A "$UA"; fi
}

# Topic 7 of the corpus, Klitschko's title fights: the only articles of
# Sport/Boxing. The reader reads three of one story.
READ=(ecbplus-7_6ecb ecbplus-7_7ecb ecbplus-7_1ecb)
NEXT=ecbplus-7_3ecb
for id in "${READ[@]}" $NEXT; do eval "P_${id//[-.]/_}=\$(path $id)"; done
read_json=$(printf '"%s",' "${READ[@]}" | sed 's/,$//')

# --- a new reader: no cookie, no history ---
api "" ""
expect_status 200 "recommendations for a new reader"
expect_header Content-Type 'application/json'
expect_header Cache-Control '^private, no-store$' "the list is the reader's own"
expect_header Vary 'Cookie' "the list varies by cookie"
expect_header Vary 'DNT' "and by DNT"
expect_header Vary 'Sec-GPC' "and by Sec-GPC"
check "not personal" test "$(j .personal)" = false
check "8 items by default (recommend_count)" test "$(j '.items | length')" = 8
check "reasons: popular or fresh ($(j '[.items[].reason] | unique | join(",")'))" \
	test "$(j '[.items[].reason | select(. != "popular" and . != "fresh")] | length')" = 0
check "items have the article shape and a score" \
	test "$(j '[.items[] | select((.id | type) == "string" and (.url | test("^http")) and (.score | type) == "number")] | length')" = 8
check "the first item has the highest score" test "$(j '.items[0].score == ([.items[].score] | max)')" = true
check "no article twice" test "$(j '[.items[].id] | unique | length')" = 8
new_list=$(j '[.items[].id] | join(",")')
api "" "?limit=3"
check "limit=3 gives 3" test "$(j '.items | length')" = 3
check "the same first three" test "$(j '[.items[].id] | join(",")')" = "$(echo "$new_list" | cut -d, -f1-3)"
api "" "?limit=0"
expect_status 200 "limit=0"
check "limit=0 gives none" test "$(j '.items | length')" = 0
api "" "?limit=50"
check "limit=50 gives 50" test "$(j '.items | length')" = 50
for bad in abc 999 -1 51 3x ''; do
	api "" "?limit=$bad"
	expect_status 400 "limit=$bad"
	check "limit=$bad: a JSON error naming limit" test "$(j '.error.message | test("limit")')" = true
done
api "" "?article=nope"
expect_status 404 "an unknown article"
check "a JSON 404" test "$(j .error.status)" = 404

# --- a reader of three boxing stories ---
# The first comes without a cookie: the one minted with it names the
# history (no other cookieless reader read it: see lib/recs.sh).
JAR=$TMP/reader
for id in "${READ[@]}"; do
	p=P_${id//[-.]/_}
	read_as "$JAR" "${!p}"
done
check "the reader has a cookie" grep -q nd_v "$JAR"
api "$JAR" ""
expect_status 200 "recommendations for the reader"
check "personal" test "$(j .personal)" = true
check "8 items" test "$(j '.items | length')" = 8
boxing=$(j '[.items[] | select(.section == "Sport/Boxing")] | length')
check "at least half are boxing ($boxing of 8: $(j '[.items[].section] | join(", ")'))" test "$boxing" -ge 4
check "the first three are boxing" test "$(j '[.items[:3][] | select(.section == "Sport/Boxing")] | length')" = 3
check "none of the articles read" test "$(j "[.items[] | select(.id | IN($read_json))] | length")" = 0
check "reasons include content or covisit ($(j '[.items[].reason] | join(",")'))" \
	test "$(j '[.items[] | select(.reason == "content" or .reason == "covisit")] | length')" -ge 3
check "the reader's list is not the new reader's" test "$(j '[.items[].id] | join(",")')" != "$new_list"
expect_header Cache-Control '^private, no-store$' "a personal list is private"

# --- the block on the next article page ---
fetch "$P_ecbplus_7_3ecb" -A "$UA" -b "$JAR" -c "$JAR"
expect_status 200 "the next boxing article"
expect_header Cache-Control 'private' "an article page with a personal block is private"
expect_header Cache-Control 'no-cache' "and revalidated"
expect_header Vary 'Cookie' "article page varies by cookie"
expect_header Vary 'DNT'
expect_header Vary 'Sec-GPC'
expect_body '<section class="block recommendation"' "the Recommendation block"
expect_body 'Recommended for you'
sed -n '/<section class="block recommendation"/,/<\/section>/p' "$TMP/body" >"$TMP/block"
n=$(grep -o '<li data-reason="[a-z]*"><a href="[^"]*"' "$TMP/block" | wc -l)
check "the block has 1 to 8 items ($n)" test "$n" -ge 1 -a "$n" -le 8
check "the block does not list the current article" sh -c "! grep -qF 'href=\"$P_ecbplus_7_3ecb?ref=rec\"' '$TMP/block'"
for id in "${READ[@]}"; do
	p=P_${id//[-.]/_}
	check "the block does not list $id, read before" sh -c "! grep -qF 'href=\"${!p}?ref=rec\"' '$TMP/block'"
done
check "the block's reasons are known ones" \
	test "$(grep -o 'data-reason="[a-z]*"' "$TMP/block" | grep -cvE '"(covisit|content|popular|fresh)"')" = 0
# The page's Related block shows the nearest boxing stories already and
# the block never repeats them (one page lists an article once), so it
# holds the next ones among the fresh and popular: some, not most.
sed -n '/<section class="block related"/,/<\/section>/p' "$TMP/body" |
	grep -o 'href="[^"?]*' | sed 's/^href="//' | sort -u >"$TMP/related"
check "the page has a Related block" test -s "$TMP/related"
check "the block repeats nothing of the Related block" sh -c \
	"! grep -o 'href=\"[^\"?]*' '$TMP/block' | sed 's/^href=\"//' | grep -qxF -f '$TMP/related'"
check "the block has boxing stories for this reader" \
	test "$(grep -c 'href="/sport/boxing/' <(grep -o '<li[^>]*><a href="[^"]*"' "$TMP/block"))" -ge 2
check "no marker leaks into the page" sh -c "! grep -q 'ndh[0-9a-f]\{16\}' '$TMP/body'"

# --- For you on the home page ---
fetch / -A "$UA" -b "$JAR"
expect_status 200 "home"
expect_body '<section class="block recommendation for-you"' "the For you block"
expect_body '>For you</h2>'
expect_header Vary 'Cookie' "home varies by cookie"
sed -n '/<section class="block recommendation for-you"/,/<\/section>/p' "$TMP/body" >"$TMP/foryou"
check "For you has boxing for this reader" grep -q 'href="/sport/boxing/' "$TMP/foryou"
for id in "${READ[@]}" $NEXT; do
	p=P_${id//[-.]/_}
	check "For you does not list $id, read" sh -c "! grep -qF 'href=\"${!p}?ref=rec\"' '$TMP/foryou'"
done
fetch / -A "$UA"
sed -n '/<section class="block recommendation for-you"/,/<\/section>/p' "$TMP/body" >"$TMP/foryou-new"
check "a new reader's For you has items" grep -q '<li data-reason=' "$TMP/foryou-new"
check "and differs from the reader's" sh -c "! cmp -s '$TMP/foryou' '$TMP/foryou-new'"

# --- durable: the history survives a restart ---
sleep 0.6 # the reading queue is written with each flush (200 ms)
stop_server
start_server --counter-flush-ms 200 || exit 1
api "$JAR" ""
expect_status 200 "after the restart"
check "still personal" test "$(j .personal)" = true
boxing=$(j '[.items[] | select(.section == "Sport/Boxing")] | length')
check "still boxing after the restart ($boxing of 8)" test "$boxing" -ge 4
check "still content or covisit reasons" \
	test "$(j '[.items[] | select(.reason == "content" or .reason == "covisit")] | length')" -ge 3
check "still none of the four read" \
	test "$(j "[.items[] | select(.id | IN($read_json, \"$NEXT\"))] | length")" = 0
api "" ""
check "a new reader's list is still not personal" test "$(j .personal)" = false

finish
