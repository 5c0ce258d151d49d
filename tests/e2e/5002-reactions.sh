#!/usr/bin/env bash
# Reactions (issue 4): one per visitor per type, pressing again takes it
# back; a form POST answered with 303 back to the article, JSON POST and
# DELETE; cross-site requests refused; bad input named; a client hammering
# gets 429; acknowledged reactions survive a restart and kill -9.
. "$(dirname "$0")/lib/common.sh"

UA='Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36'
cat >"$TMP/a.jsonl" <<'JSONL'
{"id":"r-1","title":"Reacted story","body":"Body.","section":"World","published_at":"2026-11-20T09:15:00Z"}
JSONL
"$ND_BIN" import --db "$DB" "$TMP/a.jsonl" 2>/dev/null
check "fixture imports" test $? -eq 0
start_server --reactions 'verygood:veryGood!,sad:Sad' || exit 1
API=/api/articles/r-1/reactions
PAGE=/world/reacted-story
count() { curl -s -A "$UA" "$BASE/api/articles/r-1" | jq -r ".reactions.$1"; }
j() { jq -r "$1" "$TMP/body"; }

check "the API lists every type at 0" \
	test "$(curl -s -A "$UA" "$BASE/api/articles/r-1" | jq -c .reactions)" = '{"verygood":0,"sad":0}'
fetch "$PAGE" -A "$UA" -c "$TMP/jar"
expect_body 'veryGood! (<span class="count">0</span>)' "the page shows the button with its count"
expect_body 'action="/api/articles/r-1/reactions"' "the button posts to the API"

# The form (no JavaScript): toggles, 303 back to the article.
fetch "$API" -A "$UA" -b "$TMP/jar" -H "Origin: $BASE" -d type=verygood
expect_status 303 "form POST"
expect_header Location "$PAGE#reactions\$" "back to the article"
check "counted" test "$(count verygood)" = 1
fetch "$PAGE" -A "$UA" -b "$TMP/jar"
expect_body 'veryGood! (<span class="count">1</span>)' "the page shows the new count"
fetch "$API" -A "$UA" -b "$TMP/jar" -H "Origin: $BASE" -d type=verygood
expect_status 303 "form POST again"
check "pressing again takes it back" test "$(count verygood)" = 0

# JSON: POST adds (once per visitor), DELETE takes back.
post() { fetch "$API" -A "$UA" -b "$1" -H "Origin: $BASE" -H 'Content-Type: application/json' -d "$2"; }
post "$TMP/jar" '{"type":"verygood"}'
expect_status 200 "JSON POST"
check "answer has the counts" test "$(j .reactions.verygood)" = 1
check "answer says reacted" test "$(j .reacted)" = true
post "$TMP/jar" '{"type":"verygood"}'
check "one reaction per visitor" test "$(j .reactions.verygood)" = 1
curl -s -A "$UA" -c "$TMP/jar2" -o /dev/null "$BASE/"
post "$TMP/jar2" '{"type":"verygood"}'
check "another visitor adds one" test "$(j .reactions.verygood)" = 2
post "$TMP/jar2" '{"type":"sad"}'
check "types are separate" test "$(j .reactions.sad)/$(j .reactions.verygood)" = 1/2
fetch "$API?type=verygood" -A "$UA" -b "$TMP/jar2" -H "Origin: $BASE" -X DELETE
expect_status 200 "DELETE"
check "DELETE takes it back" test "$(j .reactions.verygood)/$(j .reacted)" = 1/false

# Refused: cross-site, bad input.
fetch "$API" -A "$UA" -b "$TMP/jar" -H 'Origin: https://evil.example' -d type=sad
expect_status 403 "a cross-origin POST"
fetch "$API" -A "$UA" -b "$TMP/jar" -H 'Sec-Fetch-Site: cross-site' -d type=sad
expect_status 403 "Sec-Fetch-Site: cross-site"
fetch "$API" -A "$UA" -b "$TMP/jar" -H 'Referer: https://evil.example/page' -d type=sad
expect_status 403 "a foreign Referer"
check "nothing changed" test "$(count sad)" = 1
post "$TMP/jar" '{"type":"angry"}'
expect_status 400 "an unknown type"
check "it is named" grep -q "no reaction type 'angry'" "$TMP/body"
post "$TMP/jar" '{"type":'
expect_status 400 "malformed JSON"
fetch "$API" -A "$UA" -H "Origin: $BASE" -H 'Content-Type: text/plain' -d 'type=sad'
expect_status 415 "text/plain (a cross-site form's trick)"
fetch /api/articles/nope/reactions -A "$UA" -H "Origin: $BASE" -d type=sad
expect_status 404 "an unknown article"
fetch /api/articles/r-1 -A "$UA" -H "Origin: $BASE" -d type=sad
expect_status 405 "POST to the article itself"
expect_header Allow 'GET' "405 says what is allowed"

# Hammering: 429 with Retry-After, per visitor.
curl -s -A "$UA" -c "$TMP/jar3" -o /dev/null "$BASE/"
got429=0
for _ in $(seq 1 40); do
	fetch "$API" -A "$UA" -b "$TMP/jar3" -H "Origin: $BASE" -H 'Content-Type: application/json' \
		-d '{"type":"sad"}'
	if [ "$STATUS" = 429 ]; then got429=1; break; fi
done
check "a client hammering gets 429" test $got429 = 1
expect_header Retry-After '^[0-9]+$' "429 says when to retry"

# Durable: acknowledged reactions survive a restart and a kill -9 right after.
before=$(count sad)
stop_server
start_server --reactions 'verygood:veryGood!,sad:Sad' || exit 1
check "reactions survive a restart" test "$(count sad)" = "$before"
curl -s -A "$UA" -c "$TMP/jar4" -o /dev/null "$BASE/"
post "$TMP/jar4" '{"type":"verygood"}'
expect_status 200 "a reaction before kill -9"
want=$(j .reactions.verygood)
stop_server KILL
start_server --reactions 'verygood:veryGood!,sad:Sad' || exit 1
check "an acknowledged reaction survives kill -9" test "$(count verygood)" = "$want"
check "the database is intact" db_intact

finish
