#!/usr/bin/env bash
# The write API (issue 6, items 5 and 3): tokens made with `newsdesk token`;
# Bearer auth (401 + WWW-Authenticate without or with a bad or revoked
# token, a cookie counts for nothing); create, replace, merge, delete; the
# import's validation and messages; roles (an author writes own drafts
# only); revisions listed and restored; a body over 1 MB is 413; reactions
# still work on the same paths.
. "$(dirname "$0")/lib/common.sh"

export ND_TEST_FAST_HASH=1
PW='correct horse battery staple'
nd() { "$ND_BIN" "$@" --db "$DB" 2>"$TMP/cli.err"; }

echo "$PW" | nd user add ed --role editor --name "Ed Editor" >/dev/null
echo "$PW" | nd user add au --role author --name "Au Thor" >/dev/null
echo "$PW" | nd user add au2 --role author >/dev/null
ED=$(nd token add ed --name "CI")
check "token add prints the token" grep -qE '^nd_[A-Za-z0-9_-]{43}$' <<<"$ED"
check "it says it is shown once" grep -q "not shown again" "$TMP/cli.err"
AU=$(nd token add au --name "laptop")
AU2=$(nd token add au2 --name "other")
BAD=$(nd token add au --name "to revoke")
nd token list >"$TMP/list"
check "token list shows a header" grep -q "^ID .*USER .*NAME .*LAST USED" "$TMP/list"
check "token list shows ed's token" grep -qE "^1 +ed +CI +.* never +no$" "$TMP/list"
check "no token or hash in the list" test "$(grep -c nd_ "$TMP/list")" = 0
nd token list au >"$TMP/list"
check "token list LOGIN shows only that user's" test "$(grep -c '^[0-9]' "$TMP/list")" = 2
nd token revoke 4 >/dev/null
check "token revoke" test $? -eq 0
nd token list >"$TMP/list"
check "the revoked one is marked" grep -qE "^4 +au +to revoke .* [0-9]{4}-[0-9]{2}-[0-9]{2} [0-9:]{5}$" "$TMP/list"
nd token add nobody --name x >/dev/null
check "a token for an unknown user fails with 1" test $? -eq 1
nd token add ed >/dev/null
check "add without --name is a usage error" test $? -eq 2

start_server --reload-interval-ms 50 --reactions 'verygood:Very good' || exit 1

# api METHOD PATH TOKEN [curl args]: a JSON request with the token.
api() {
	local m=$1 p=$2 t=$3
	shift 3
	fetch "$p" -X "$m" -H "Authorization: Bearer $t" -H 'Content-Type: application/json' "$@"
}
msg() { jq -r .error.message "$TMP/body"; }

# --- auth ---
fetch /api/articles -X POST -H 'Content-Type: application/json' -d '{"id":"x","title":"T","body":"B"}'
expect_status 401 "no token"
expect_header WWW-Authenticate '^Bearer' "no token"
check "a JSON error" test "$(jq -r .error.status "$TMP/body")" = 401
fetch /api/articles -X POST -H 'Cookie: nd_s=whatever' -H 'Content-Type: application/json' -d '{"id":"x","title":"T","body":"B"}'
expect_status 401 "a cookie is not a token"
api POST /api/articles nd_notatoken -d '{"id":"x","title":"T","body":"B"}'
expect_status 401 "a malformed token"
expect_header WWW-Authenticate 'invalid_token' "a malformed token"
api POST /api/articles "$BAD" -d '{"id":"x","title":"T","body":"B","status":"draft"}'
expect_status 401 "a revoked token"

# --- create ---
api POST /api/articles "$ED" -d '{"id":"w-1","title":"Written through the API","body":"First text.","section":"World","author":"Ed Editor","tags":["API"]}'
expect_status 201 "an editor creates a published article"
expect_header Location '^/api/articles/w-1$' "create"
check "the answer is the article" test "$(jq -r '.title + "|" + .status + "|" + .section' "$TMP/body")" = "Written through the API|published|World"
expect_header Cache-Control 'no-store' "a write"
sleep 0.5
fetch /api/articles/w-1
expect_status 200 "the new article is in the public API"
URL=$(jq -r .url "$TMP/body")
fetch "${URL#"$BASE"}"
expect_status 200 "and on its page"
expect_body "First text." "the page"
api POST /api/articles "$ED" -d '{"id":"w-1","title":"Again","body":"B"}'
expect_status 409 "creating an id that exists"

# --- validation: the import's messages ---
printf '%s\n' '{"id":"v","title":"T"}' '{"id":"v","title":"T","body":"B","tags":"x"}' \
	'{"id":"v","title":"T","body":"B","status":"live"}' '{"id":"v","title":"T","body":"B","published_at":"2024-13-01"}' >"$TMP/bad.jsonl"
nd import "$TMP/bad.jsonl" >/dev/null
n=0
while read -r line; do
	n=$((n + 1))
	want=$(sed -n "s/^[^:]*:$n: //p" "$TMP/cli.err")
	api POST /api/articles "$ED" -d "$line"
	expect_status 422 "invalid line $n"
	check "line $n: the import's message ('$want', got '$(msg)')" test "$(msg)" = "$want"
done <"$TMP/bad.jsonl"
check "a message names the field" grep -q "field 'published_at'" <<<"$(msg)"
api POST /api/articles "$ED" -d '{"id": tru}'
expect_status 400 "not JSON"
check "the import's JSON message" grep -q '^bad JSON at column' <<<"$(msg)"
api POST /api/articles "$ED" -d '[1]'
expect_status 422 "not an object"
fetch /api/articles -X POST -H "Authorization: Bearer $ED" -H 'Content-Type: text/plain' -d 'x'
expect_status 415 "not JSON content"

# --- replace and merge ---
api PUT /api/articles/w-1 "$ED" -d '{"title":"Replaced","body":"Second text.","section":"World"}'
expect_status 200 "PUT replaces"
check "tags gone with the replace" test "$(jq -r '.tags | length' "$TMP/body")" = 0
api PUT /api/articles/w-1 "$ED" -d '{"id":"other","title":"T","body":"B"}'
expect_status 422 "PUT with another id in the body"
api PUT /api/articles/w-2 "$ED" -d '{"title":"Made by PUT","body":"B","status":"draft"}'
expect_status 201 "PUT creates when absent"
api PATCH /api/articles/w-1 "$ED" -d '{"summary":"Just a summary"}'
expect_status 200 "PATCH"
check "PATCH changes only the given field" test "$(jq -r '.title + "|" + .summary + "|" + .body' "$TMP/body")" = "Replaced|Just a summary|Second text."
api PATCH /api/articles/w-1 "$ED" -d '{"title":""}'
expect_status 422 "PATCH validates the merged article"
check "with the import's message" test "$(msg)" = "field 'title' must be a non-empty string, not a blank one"
api PATCH /api/articles/nope "$ED" -d '{"title":"x"}'
expect_status 404 "PATCH of nothing"
sleep 0.5
fetch /api/articles/w-1
check "the public API shows the change" test "$(jq -r .title "$TMP/body")" = "Replaced"

# --- roles ---
api POST /api/articles "$AU" -d '{"id":"a-1","title":"By an author","body":"Draft text."}'
expect_status 403 "an author publishing (the default status)"
check "it says why" grep -q "may not publish" <<<"$(msg)"
api POST /api/articles "$AU" -d '{"id":"a-1","title":"By an author","body":"Draft text.","status":"draft"}'
expect_status 201 "an author creating a draft"
api PATCH /api/articles/a-1 "$AU" -d '{"body":"Better draft text."}'
expect_status 200 "an author editing their own draft"
api PATCH /api/articles/a-1 "$AU" -d '{"status":"published"}'
expect_status 403 "an author publishing their draft"
api PATCH /api/articles/a-1 "$AU2" -d '{"body":"Mine now."}'
expect_status 403 "an author editing another's article"
check "it says why" grep -q "only its own" <<<"$(msg)"
api PATCH /api/articles/w-1 "$AU" -d '{"status":"draft"}'
expect_status 403 "an author unpublishing an editor's article"
api PATCH /api/articles/a-1 "$ED" -d '{"status":"published"}'
expect_status 200 "an editor publishes the author's draft"
api PATCH /api/articles/a-1 "$AU" -d '{"body":"x","status":"draft"}'
expect_status 403 "the author can no longer change it (published)"
api DELETE /api/articles/a-1 "$AU2"
expect_status 403 "an author deleting another's article"

# --- revisions ---
api GET /api/articles/w-1/revisions "$ED"
expect_status 200 "revisions"
check "three saves, three revisions, newest first" test "$(jq -r '[.items[].revision] | join(",")' "$TMP/body")" = "3,2,1"
expect_header Cache-Control 'no-store' "revisions"
fetch /api/articles/w-1/revisions
expect_status 401 "revisions need a token"
api GET /api/articles/w-1/revisions "$AU"
expect_status 403 "an author reading another's history"
api GET /api/articles/w-1/revisions/1 "$ED"
expect_status 200 "one revision"
check "revision 1 has the first text" test "$(jq -r .body "$TMP/body")" = "First text."
api GET /api/articles/w-1/revisions/9 "$ED"
expect_status 404 "no such revision"
api POST /api/articles/w-1/revisions/1/restore "$ED"
expect_status 200 "restore"
check "the old text is back" test "$(jq -r .body "$TMP/body")" = "First text."
api GET /api/articles/w-1/revisions "$ED"
check "the restore is a revision" test "$(jq -r '.items[0].revision' "$TMP/body")" = 4
sleep 0.5
fetch /api/articles/w-1
URL=$(jq -r .url "$TMP/body")
fetch "${URL#"$BASE"}"
expect_body "First text." "the page after the restore"
api PUT /api/articles/w-1 "$ED" -d '{"title":"Written through the API","body":"First text.","section":"World","author":"Ed Editor","tags":["API"]}'
expect_status 200 "saving the same again"
api GET /api/articles/w-1/revisions "$ED"
check "an unchanged save adds no revision" test "$(jq -r '.total' "$TMP/body")" = 4

# --- size ---
head -c 1100000 /dev/zero | tr '\0' 'a' | sed 's/^/{"id":"big","title":"T","body":"/; s/$/"}/' >"$TMP/big.json"
api POST /api/articles "$ED" --data-binary @"$TMP/big.json"
expect_status 413 "a body over 1 MB"
head -c 600000 /dev/zero | tr '\0' 'a' | sed 's/^/{"id":"big","title":"T","body":"/; s/$/"}/' >"$TMP/big.json"
api POST /api/articles "$ED" --data-binary @"$TMP/big.json"
expect_status 201 "an article of 600 kB (more than a form)"

# --- reactions on the same paths ---
UA='Mozilla/5.0 (X11; Linux x86_64) Firefox/120.0'
fetch /api/articles/w-1/reactions -A "$UA" -H 'Content-Type: application/json' -d '{"type":"verygood"}'
expect_status 200 "a reaction still works"
fetch '/api/articles/w-1/reactions?type=verygood' -A "$UA" -X DELETE -b "$(header Set-Cookie | cut -d';' -f1)"
expect_status 200 "taking it back still works"

# --- delete ---
api DELETE /api/articles/w-2 "$ED"
expect_status 204 "delete"
api DELETE /api/articles/w-2 "$ED"
expect_status 404 "delete again"
api GET /api/articles/w-2/revisions "$ED"
expect_status 404 "its revisions went with it"
sleep 0.5
fetch /api/articles/big
expect_status 200 "still there"
api DELETE /api/articles/big "$ED"
sleep 0.5
fetch /api/articles/big
expect_status 404 "a deleted article leaves the public API"

nd token list ed >"$TMP/list"
check "last used is noted" grep -qvE "^1 +ed +CI +.* never +no$" "$TMP/list"

finish
