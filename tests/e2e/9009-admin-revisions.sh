#!/usr/bin/env bash
# The admin's revisions pages (issue 6, item 3): an article's revisions
# newest first with who saved them ("import/CLI" for none); one revision
# against the current text (fields old -> new, the body as a line diff,
# "No differences"); restore by POST with the CSRF token, the write API's
# permission rules, a webhook like the API's, 303 back to the list with a
# notice; 404 for an unknown article or revision, 403 for another's
# history when the role edits its own articles only.
. "$(dirname "$0")/lib/common.sh"

export ND_TEST_FAST_HASH=1
PW='correct horse battery staple'
nd() { "$ND_BIN" "$@" --db "$DB" 2>"$TMP/cli.err"; }

echo "$PW" | nd user add ed --role editor --name "Ed Editor" >/dev/null
echo "$PW" | nd user add au --role author >/dev/null
ED=$(nd token add ed --name t)
AU=$(nd token add au --name t)

# An article by the import (no user), then changed twice by the editor.
cat >"$TMP/a.jsonl" <<'EOF'
{"id":"imp/1 a","title":"Old title","body":"Line one.\n\nLine two.\n\n<script>x</script>\n\nLine four.","section":"World"}
EOF
nd import --quiet "$TMP/a.jsonl" >/dev/null
check "the import" test $? -eq 0

# A receiver for the restore's webhook.
. "$(dirname "$0")/lib/hooks.sh"
start_receiver
cat >"$TMP/site.ini" <<EOF2
[webhook test]
url = http://127.0.0.1:$RPORT/hook
secret = s
EOF2
start_server --config "$TMP/site.ini" --login-limit-ip 0 --login-limit-login 0 || exit 1

api() {
	local m=$1 p=$2 t=$3
	shift 3
	fetch "$p" -X "$m" -H "Authorization: Bearer $t" -H 'Content-Type: application/json' "$@"
}
# The id "imp/1 a" in a path.
ID='imp%2F1%20a'
api PATCH "/api/articles/$ID" "$ED" -d '{"title":"New title","body":"Line one.\n\nLine 2, changed.\n\n<script>x</script>\n\nLine four."}'
expect_status 200 "the editor's change"
api PATCH "/api/articles/$ID" "$ED" -d '{"summary":"A summary"}'
expect_status 200 "a second change"
api POST /api/articles "$AU" -d '{"id":"au-1","title":"Draft one","body":"Draft text.","status":"draft"}'
expect_status 201 "the author's draft"
api PATCH /api/articles/au-1 "$AU" -d '{"body":"Draft text, better."}'
expect_status 200 "the author's second save"
check "the API's two updates reached the receiver" wait_for 2

# login JAR USER: logs in with the login form.
login() {
	fetch /admin/login -c "$1" -b "$1"
	local c
	c=$(sed -n 's/.*name="csrf" value="\([^"]*\)".*/\1/p' "$TMP/body")
	fetch /admin/login -c "$1" -b "$1" --data-urlencode "csrf=$c" \
		--data-urlencode "login=$2" --data-urlencode "password=$PW"
}
csrf() { sed -n 's/.*name="csrf" value="\([^"]*\)".*/\1/p' "$TMP/body" | head -n1; }

fetch "/admin/articles/$ID/revisions"
expect_status 303 "the list without a session"
expect_header Location '^/admin/login\?next=' "to the login page"

login "$TMP/ed" ed
expect_status 303 "the editor logs in"
login "$TMP/au" au
expect_status 303 "the author logs in"

# --- the list ---
fetch "/admin/articles/$ID/revisions" -b "$TMP/ed"
expect_status 200 "the list"
expect_header Cache-Control '^no-store$' "the list"
expect_body "Revisions of “New title”" "the list's heading"
expect_body "href=\"/admin/articles/$ID\"" "a link to the editor, the id escaped"
check "three revisions, newest first" test "$(grep -o "href=\"/admin/articles/$ID/revisions/[0-9]*\"" "$TMP/body" | uniq | sed 's/.*\/\([0-9]*\)"/\1/' | paste -sd,)" = "3,2,1"
expect_body "import/CLI" "the import's revision"
expect_body "Ed Editor (ed)" "the editor's revisions"
expect_body_re '[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2} UTC' "when"
expect_body "(current)" "the newest is marked current"

# --- one revision against the current ---
fetch "/admin/articles/$ID/revisions/1" -b "$TMP/ed"
expect_status 200 "revision 1"
expect_body "Revision 1 of" "its heading"
expect_body "Saved by import/CLI" "who saved it"
check "the changed line as removed" grep -qF '<del>Line two.</del>' "$TMP/body"
check "and as added" grep -qF '<ins>Line 2, changed.</ins>' "$TMP/body"
check "unchanged lines shown plainly" grep -qF '<td>Line one.</td>' "$TMP/body"
check "a body line is escaped, not markup" grep -qF '&lt;script&gt;x&lt;/script&gt;' "$TMP/body"
expect_no_body '<script>x' "no raw body HTML"
check "the title old -> new" grep -qF '<td class="old"><del>Old title</del></td><td class="new"><ins>New title</ins></td>' "$TMP/body"
check "the summary old -> new" grep -qF '<del></del></td><td class="new"><ins>A summary</ins>' "$TMP/body"
check "the section did not change" test "$(grep -c '<th scope="row">Section</th><td class="old">' "$TMP/body")" = 0
expect_body 'action="/admin/articles/'"$ID"'/revisions/1/restore"' "a restore form"
expect_no_body "No differences" "revision 1"
fetch "/admin/articles/$ID/revisions/3" -b "$TMP/ed"
expect_status 200 "the current revision"
expect_body "No differences" "the current revision"
expect_no_body "/restore" "no restore of the current text"
fetch "/admin/articles/$ID/revisions/9" -b "$TMP/ed"
expect_status 404 "no revision 9"
expect_body "has no revision 9" "it says so"
fetch /admin/articles/nope/revisions -b "$TMP/ed"
expect_status 404 "no such article"
expect_body "no article with id" "it says so"
fetch /admin/articles/nope/revisions/1 -b "$TMP/ed"
expect_status 404 "a revision of no article"

# --- permissions to read ---
fetch "/admin/articles/$ID/revisions" -b "$TMP/au"
expect_status 403 "an author reading another's history"
expect_body "its own articles only" "it says why"
fetch /admin/articles/au-1/revisions -b "$TMP/au"
expect_status 200 "an author reading own history"
expect_body "au" "saved by the author"
fetch /admin/articles/au-1/revisions/1 -b "$TMP/au"
expect_status 200 "an author's own revision"

# --- restore ---
fetch "/admin/articles/$ID/revisions/1" -b "$TMP/ed"
C=$(csrf)
fetch "/admin/articles/$ID/revisions/1/restore" -b "$TMP/ed" -X POST
expect_status 403 "a restore without the CSRF token"
fetch "/admin/articles/$ID/revisions/1/restore" -b "$TMP/ed" --data-urlencode "csrf=AAAA$C"
expect_status 403 "a restore with a wrong token"
fetch "/admin/articles/$ID/revisions/1/restore" -b "$TMP/ed" --data-urlencode "csrf=$C" -H "Origin: http://evil.example"
expect_status 403 "a restore from another site"
fetch "/admin/articles/$ID/revisions/9/restore" -b "$TMP/ed" --data-urlencode "csrf=$C"
expect_status 404 "a restore of no revision"
fetch "/admin/articles/$ID/revisions/1/restore" -b "$TMP/au" --data-urlencode "csrf=$C"
expect_status 403 "an author restoring another's article (with the editor's token)"
check "nothing restored so far" test "$(db_query "SELECT count(*) FROM revisions")" = 5
# The restore's updated_at is a later second than revision 1's, so the
# page below has a time to tell apart (a fast machine does it all in one).
sleep 1
fetch "/admin/articles/$ID/revisions/1/restore" -b "$TMP/ed" --data-urlencode "csrf=$C"
expect_status 303 "the editor restores revision 1"
expect_header Location "^/admin/articles/$ID/revisions\\?restored=1$" "back to the list"
fetch "$(header Location)" -b "$TMP/ed"
expect_status 200 "the list after the restore"
expect_body "Revision 1 restored" "with a notice"
check "four revisions now" test "$(grep -o "href=\"/admin/articles/$ID/revisions/[0-9]*\"" "$TMP/body" | uniq | wc -l)" = 4
fetch "/admin/articles/$ID/revisions/4" -b "$TMP/ed"
expect_body "Saved by Ed Editor (ed)" "the restore is the editor's save"
fetch "/admin/articles/$ID/revisions/1" -b "$TMP/ed"
expect_body "No differences" "revision 1 is the current text again"
expect_body "Only the time of the save differs" "but for the time of the save"
check "the restore's webhook" wait_for 3
check "an update of the article, with the old title" test "$(jq -r '.event + "|" + .id + "|" + .article.title' "$HOOKS/3.json")" = "update|imp/1 a|Old title"
api GET "/api/articles/$ID" "$ED"
sleep 0.3
fetch "/api/articles/$ID"
check "the site shows the restored title" test "$(jq -r .title "$TMP/body")" = "Old title"

# An author may restore own drafts to a draft, not a published article.
fetch /admin/articles/au-1/revisions/1 -b "$TMP/au"
expect_body "Restore revision 1" "the author may restore own draft"
C=$(csrf)
fetch /admin/articles/au-1/revisions/1/restore -b "$TMP/au" --data-urlencode "csrf=$C"
expect_status 303 "the author restores own draft"
api PATCH /api/articles/au-1 "$ED" -d '{"status":"published"}'
expect_status 200 "the editor publishes it"
fetch /admin/articles/au-1/revisions/1 -b "$TMP/au"
expect_no_body "Restore revision 1" "no restore offered to the author now"
fetch /admin/articles/au-1/revisions/1/restore -b "$TMP/au" --data-urlencode "csrf=$C"
expect_status 403 "the author restoring a draft over the published article"
expect_body "may not publish, schedule or unpublish" "it says why"

# Other paths under /admin/articles are not the revisions pages.
fetch "/admin/articles/$ID/revisions/x" -b "$TMP/ed"
check "a malformed revision number is not a revision page" test "$STATUS" != 200

stop_server
finish
