#!/usr/bin/env bash
# Search over the demo corpus: the page and GET /api/search, phrases,
# exclusions of words and phrases, pagination, highlighted snippets,
# hostile queries.
. "$(dirname "$0")/lib/common.sh"

demo_site
start_server || exit 1
j() { jq -r "$1" "$TMP/body"; }

fetch '/api/search?q=capaldi+doctor'
expect_status 200 "search API"
check "finds the Doctor Who stories ($(j .total))" test "$(j .total)" -ge 10
check "results mention the words" test "$(j '[.items[].title|test("Capaldi|Doctor";"i")]|all')" = true
check "snippets highlight the matches" grep -q '<mark>' "$TMP/body"
check "article shape with snippet and score" jq -e '.items[0]|has("url") and has("snippet") and has("score")' "$TMP/body"

fetch '/api/search?q=earthquake'
all=$(j .total)
fetch '/api/search?q=earthquake+-indonesia'
check "-word leaves articles out ($(j .total) < $all)" test "$(j .total)" -lt "$all"
check "no excluded word in the results" test "$(j '[.items[].title|test("\\bIndonesia\\b";"i")]|any')" = false

fetch '/api/search?q=%22peter+capaldi%22'
phrase=$(j .total)
check "a phrase matches ($phrase)" test "$phrase" -ge 5
fetch '/api/search?q=%22capaldi+peter%22'
check "word order matters in a phrase" test "$(j .total)" -lt "$phrase"

# -"a phrase" leaves out the articles where the words stand together, and
# keeps those that have them apart: the ids are exactly the set difference.
ids() { jq -c '[.items[].id]|sort' "$TMP/body"; }
fetch '/api/search?q=saturday&limit=100'
all=$(j .total) all_ids=$(ids)
fetch '/api/search?q=%22saturday+night%22&limit=100'
together=$(j .total) together_ids=$(ids)
fetch '/api/search?q=saturday+-night&limit=100'
nonight=$(j .total)
fetch '/api/search?q=saturday+-%22saturday+night%22&limit=100'
expect_status 200 "-\"phrase\""
check "-\"phrase\" leaves articles out ($(j .total) = $all - $together)" \
	test "$(j .total)" -eq $((all - together)) -a "$together" -gt 0
check "-\"phrase\" keeps the words apart ($(j .total) > $nonight with -night)" \
	test "$(j .total)" -gt "$nonight"
check "-\"phrase\" results: every 'saturday' article without the phrase" \
	test "$(ids)" = "$(jq -nc --argjson a "$all_ids" --argjson t "$together_ids" '$a - $t')"
fetch '/api/search?q=saturday+-%22saturday+night&limit=100'
check "an unclosed -\"phrase runs to the end" test "$(j .total)" -eq $((all - together))
fetch '/api/search?q=saturday+-%22saturday+night%22+-%22last+night%22+-game'
check "with another -\"phrase\" and a -word ($(j .total))" test "$(j .total)" -lt $((all - together))
fetch '/api/search?q=saturday+-%22zebra+crossing%22'
check "a -\"phrase\" of words no article has leaves none out" test "$(j .total)" -eq "$all"
fetch '/api/search?q=night+-%22saturday%22'
quoted=$(j .total)
fetch '/api/search?q=night+-saturday'
check "-\"word\" is -word" test "$quoted" -eq "$(j .total)"
fetch '/api/search?q=-%22saturday+night%22'
expect_status 400 "only a -\"phrase\": nothing to search for, as only -word"
check "message says why" grep -q 'Nothing to search for' "$TMP/body"

fetch '/api/search?q=capaldi&limit=2&offset=0'
first=$(j '.items[0].id')
fetch '/api/search?q=capaldi&limit=2&offset=2'
check "pagination moves on" test "$(j '.items[0].id')" != "$first"

fetch '/api/search?q=the'
expect_status 400 "stop words only: a clear message"
check "message says why" grep -q 'Nothing to search for' "$TMP/body"
fetch "/api/search?q=$(head -c 2000 /dev/zero | tr '\0' a)"
expect_status 414 "a huge query"
fetch '/api/search?q=%ff%fe'
expect_status 400 "binary query"
fetch '/api/search?q=%22unclosed+phrase'
check "an unclosed quote is no server error" test "${STATUS:0:1}" != 5

fetch '/search?q=capaldi'
expect_status 200 "search page"
expect_body '<mark>' "search page highlights"
expect_body 'results for “capaldi”' "search page count"
fetch '/search?q=%3Cscript%3Ealert(1)%3C%2Fscript%3E'
expect_no_body '<script>alert(1)' "search page escapes the query"
fetch '/search'
expect_status 200 "empty search page"
expect_body 'role="search"' "the form"

finish
