#!/usr/bin/env bash
# The admin's articles (issue 6, item 2): the list with its filters and
# search; the editor's create, draft, publish, schedule, update, unpublish
# and delete, each back with a 303 and a notice; the import's messages on
# bad input (422, input kept); roles (an author writes own drafts only:
# 403); CSRF; autosave (204); the preview rendered by the site's own
# article page, framable by the admin only.
. "$(dirname "$0")/lib/common.sh"

export ND_TEST_FAST_HASH=1
PW='correct horse battery staple'
nd() { "$ND_BIN" "$@" --db "$DB" 2>"$TMP/cli.err"; }

echo "$PW" | nd user add ed --role editor --name "Ed Editor" >/dev/null
echo "$PW" | nd user add au --role author --name "Au Thor" >/dev/null
cat >"$TMP/seed.jsonl" <<'EOF'
{"id":"s-rain","title":"Rain in Paris","body":"Wet streets all day.","section":"World/Europe","author":"Jane Doe","published_at":"2026-01-01T10:00:00Z"}
{"id":"s-markets","title":"Markets rally","body":"Shares rose.","section":"Business","author":"Bob Roe","published_at":"2026-01-02T10:00:00Z"}
{"id":"s-sure","title":"Polls","body":"They are 100% sure of it.","section":"World","author":"Jane Doe","published_at":"2026-01-03T10:00:00Z"}
EOF
nd import "$TMP/seed.jsonl" >/dev/null
check "seed articles imported" test $? -eq 0

start_server --reload-interval-ms 50 || exit 1

# login JAR USER: logs in with a cookie jar.
login() {
	fetch /admin/login -c "$1" -b "$1"
	local c
	c=$(sed -n 's/.*name="csrf" value="\([^"]*\)".*/\1/p' "$TMP/body" | head -n1)
	fetch /admin/login -c "$1" -b "$1" --data-urlencode "csrf=$c" \
		--data-urlencode "login=$2" --data-urlencode "password=$PW"
}
# csrf_of JAR: the CSRF token of the session in JAR (from the list page).
csrf_of() {
	fetch /admin/articles -b "$1"
	sed -n 's/.*name="csrf" value="\([^"]*\)".*/\1/p' "$TMP/body" | head -n1
}
# poll PATH STATUS [TEXT]: waits (up to ~5 s) until PATH answers STATUS (and holds TEXT).
poll() {
	for _ in $(seq 1 100); do
		fetch "$1"
		if [ "$STATUS" = "$2" ] && { [ -z "${3:-}" ] || grep -qF -- "$3" "$TMP/body"; }; then
			return 0
		fi
		sleep 0.05
	done
	return 1
}
# poll_gone PATH: waits (up to ~5 s) until PATH answers 410 Gone.
poll_gone() {
	for _ in $(seq 1 100); do
		fetch "$1"
		case $STATUS in 410) return 0 ;; esac
		sleep 0.05
	done
	return 1
}
# id_of LOCATION: the article id of an editor URL.
id_of() { sed -n 's|^/admin/articles/\([^?]*\).*|\1|p' <<<"$1"; }

ED=$TMP/ed.jar
AU=$TMP/au.jar
login "$ED" ed
expect_status 303 "ed logs in"
login "$AU" au
expect_status 303 "au logs in"
EDC=$(csrf_of "$ED")
AUC=$(csrf_of "$AU")

# --- the list ---
fetch /admin/articles
expect_status 303 "the list needs a session"
fetch /admin/articles -b "$ED"
expect_status 200 "the list"
expect_header Cache-Control '^no-store$' "the list is not stored"
expect_body '<a href="/admin/articles/s-rain">Rain in Paris</a>' "an editor gets edit links"
expect_body 'class="status status-published"' "a status badge"
expect_body '<a href="/world/europe/rain-in-paris">View</a>' "a View link to the public page"
expect_body '3 article(s)' "all three"
check "newest update first" test "$(grep -o 'href="/admin/articles/s-[a-z]*"' "$TMP/body" | head -n1)" = 'href="/admin/articles/s-sure"'
WORLD=$(sed -n 's/.*<option value="\([0-9]*\)"[^>]*>World<\/option>.*/\1/p' "$TMP/body")
EUROPE=$(sed -n 's/.*<option value="\([0-9]*\)"[^>]*>World\/Europe<\/option>.*/\1/p' "$TMP/body")
JANE=$(sed -n 's/.*<option value="\([0-9]*\)"[^>]*>Jane Doe<\/option>.*/\1/p' "$TMP/body")
check "the section filter lists World and World/Europe" test -n "$WORLD" -a -n "$EUROPE"
check "the author filter lists Jane Doe" test -n "$JANE"
fetch "/admin/articles?section=$WORLD" -b "$ED"
expect_body '2 article(s)' "World holds its subsection's article too"
expect_no_body 'Markets rally' "and not Business"
expect_body "<option value=\"$WORLD\" selected>World</option>" "the filter stays selected"
fetch "/admin/articles?section=$EUROPE" -b "$ED"
expect_body '1 article(s)' "World/Europe alone"
fetch "/admin/articles?author=$JANE" -b "$ED"
expect_body '2 article(s)' "Jane Doe's"
expect_no_body 'Markets rally' "not Bob's"
fetch "/admin/articles?q=RAIN" -b "$ED"
expect_body '1 article(s)' "search without case"
expect_body 'Rain in Paris' "search finds the title"
expect_body 'value="RAIN"' "the search box keeps the text"
fetch "/admin/articles?q=streets" -b "$ED"
expect_body 'Rain in Paris' "search reads the body"
fetch "/admin/articles?q=%25" -b "$ED"
expect_body '1 article(s)' "'%' is taken literally"
expect_body 'Polls' "it is in one body"
fetch "/admin/articles?q=_" -b "$ED"
expect_body 'No article matches.' "'_' is literal too"
fetch "/admin/articles?status=draft" -b "$ED"
expect_body 'No article matches.' "no drafts yet"
fetch "/admin/articles?status=live" -b "$ED"
expect_status 400 "an unknown status filter"
fetch "/admin/articles?mine=1" -b "$ED"
expect_body 'No article matches.' "imported articles are nobody's"

# --- create a draft (author) ---
fetch /admin/articles/new -b "$AU"
expect_status 200 "the new-article editor"
expect_body 'name="action" value="draft"' "an author gets Save draft"
expect_no_body 'value="publish"' "but no Publish"
expect_no_body 'value="schedule"' "nor Schedule"
expect_body 'formaction="/admin/preview" formtarget="preview"' "the Preview button posts into the frame"
expect_body '<iframe name="preview"' "the preview frame"
expect_body '<datalist id="section-list"><option value="World">' "sections to pick from"
expect_body '<option value="World/Europe">' "subsections as paths"
expect_body 'Publish time (UTC)' "times are UTC"
expect_body_re '<script src="/admin/static/admin.js\?v=[0-9a-f]{8}" defer>' "the admin script, versioned"
SCRIPT=$(grep -o '/admin/static/admin.js?v=[0-9a-f]*' "$TMP/body" | head -n1)
fetch "$SCRIPT"
expect_status 200 "the admin script"
expect_header Content-Type '^text/javascript' "as JavaScript"
expect_header Cache-Control 'max-age=31536000' "cached for long"
expect_body 'requestSubmit' "the live preview"
ETAG=$(header ETag)
fetch "$SCRIPT" -H "If-None-Match: $ETAG"
expect_status 304 "the admin script revalidates"
fetch /admin/static/admin.js
expect_header Cache-Control '^no-cache$' "an unversioned script URL is revalidated"

fetch /admin/articles -b "$AU" --data-urlencode "csrf=$AUC" --data-urlencode action=draft \
	--data-urlencode "title=Storm warning" --data-urlencode $'body=Wind **very** strong.\r\nStay in.' \
	--data-urlencode "section=World" --data-urlencode "author=Au Thor" --data-urlencode "tags=Weather, Storms"
expect_status 303 "an author saves a new draft"
LOC=$(header Location)
check "to its editor with a notice" grep -qE '^/admin/articles/adm-[a-z2-7]{12}\?saved=draft$' <<<"$LOC"
AID=$(id_of "$LOC")
fetch "$LOC" -b "$AU"
expect_status 200 "the editor of the draft"
expect_body '<p class="notice" role="status">Draft saved.' "the notice"
expect_body 'value="Storm warning"' "the title"
expect_body $'Wind **very** strong.\nStay in.</textarea>' "the body, line ends as LF"
expect_body 'value="Weather, Storms"' "the tags"
expect_body "href=\"/admin/articles/$AID/revisions\">Revisions</a>" "a link to the revisions"
expect_no_body 'value="publish"' "still no Publish for an author"
fetch "/admin/articles?mine=1" -b "$AU"
expect_body 'Storm warning' "mine only: the author's draft"
expect_body '1 article(s)' "and only it"
expect_body 'status-draft' "as a draft"
fetch "/admin/articles?status=draft" -b "$ED"
expect_body "<a href=\"/admin/articles/$AID\">Storm warning</a>" "the editor sees it and may edit it"
expect_body '<td>au</td>' "its owner"
# The desk on the admin's first page: the author's own drafts; the editor
# has none of their own, and both see what is published.
fetch /admin -b "$AU"
expect_status 200 "the author's desk"
desk() { sed -n "/id=\"desk-$1\"/,/<\/section>/p" "$TMP/body"; }
check "the author's drafts list the new draft" grep -q "<a href=\"/admin/articles/$AID\">Storm warning</a>" <(desk drafts)
check "with their count" grep -q 'Your drafts <span class="muted">(1)</span>' <(desk drafts)
check "and a link to all of them" grep -q 'href="/admin/articles?status=draft&amp;mine=1"' <(desk drafts)
fetch /admin -b "$ED"
check "the editor has no draft of their own" grep -q '<p class="muted">None.</p>' <(desk drafts)
check "the editor's desk lists the latest published" grep -q 'Rain in Paris' <(desk published)

# --- what an author may not do ---
fetch "/admin/articles/$AID" -b "$AU" --data-urlencode "csrf=$AUC" --data-urlencode action=publish \
	--data-urlencode "title=Storm warning" --data-urlencode "body=Text."
expect_status 403 "an author's publish"
expect_body 'may not publish, schedule or unpublish' "says why"
expect_body 'value="Storm warning"' "the form comes back"
fetch "/admin/articles/$AID" -b "$AU" --data-urlencode "csrf=$AUC" --data-urlencode action=schedule \
	--data-urlencode "title=Storm warning" --data-urlencode "body=Text." --data-urlencode "publish_at=2099-01-01T10:00"
expect_status 403 "an author's schedule"
fetch /admin/articles/s-rain -b "$AU"
expect_status 403 "an author opens another's article"
expect_body 'may change only its own articles' "says why"
fetch /admin/articles/s-rain -b "$AU" --data-urlencode "csrf=$AUC" --data-urlencode action=draft \
	--data-urlencode "title=Mine now" --data-urlencode "body=x"
expect_status 403 "an author saves another's article"
fetch /admin/articles -b "$AU"
expect_no_body 'href="/admin/articles/s-rain"' "no edit link to another's article"
expect_body 'Rain in Paris' "but it is listed"
fetch /admin/articles/s-rain/delete -b "$AU" --data-urlencode "csrf=$AUC"
expect_status 403 "an author deletes another's article"

# --- CSRF ---
fetch "/admin/articles/$AID" -b "$AU" --data-urlencode action=draft --data-urlencode "title=T" --data-urlencode "body=B"
expect_status 403 "a save without the CSRF token"
expect_body 'security token is missing or wrong' "says why"
fetch /admin/articles -b "$ED" --data-urlencode "csrf=$AUC" --data-urlencode action=draft \
	--data-urlencode "title=T" --data-urlencode "body=B"
expect_status 403 "another session's token"
fetch /admin/articles -b "$ED" -H "Origin: http://evil.example" --data-urlencode "csrf=$EDC" \
	--data-urlencode action=draft --data-urlencode "title=T" --data-urlencode "body=B"
expect_status 403 "a save from another site"
fetch /admin/preview -b "$ED" --data-urlencode "title=T" --data-urlencode "body=B"
expect_status 403 "a preview without the CSRF token"

# --- the import's validation ---
fetch /admin/articles -b "$ED" --data-urlencode "csrf=$EDC" --data-urlencode action=draft \
	--data-urlencode "title=  " --data-urlencode "body=Kept body text" --data-urlencode "summary=Kept summary"
expect_status 422 "an empty title"
expect_body "field &#39;title&#39; must be a non-empty string" "names the field (the import's message)"
expect_body 'Kept body text</textarea>' "the body is kept"
expect_body 'value="Kept summary"' "the summary is kept"
fetch /admin/articles -b "$ED" --data-urlencode "csrf=$EDC" --data-urlencode action=draft \
	--data-urlencode "title=Lang" --data-urlencode "body=B" --data-urlencode "language=not a language!"
expect_status 422 "a bad language"
expect_body "field &#39;language&#39;" "names the field"
fetch /admin/articles -b "$ED" --data-urlencode "csrf=$EDC" --data-urlencode action=schedule \
	--data-urlencode "title=Past" --data-urlencode "body=B" --data-urlencode "publish_at=2001-01-01T10:00"
expect_status 422 "scheduling in the past"
expect_body 'scheduling needs a publish time in the future' "says why"
fetch /admin/articles -b "$ED" --data-urlencode "csrf=$EDC" --data-urlencode action=schedule \
	--data-urlencode "title=Past" --data-urlencode "body=B"
expect_status 422 "scheduling without a time"
fetch /admin/articles -b "$ED" --data-urlencode "csrf=$EDC" --data-urlencode action=draft \
	--data-urlencode "title=T" --data-urlencode "body=B" --data-urlencode "publish_at=tomorrow"
expect_status 422 "a publish time that is no time"
expect_body "field &#39;publish time&#39;" "names the field"
fetch /admin/articles -b "$ED" --data-urlencode "csrf=$EDC" --data-urlencode action=draft \
	--data 'title=%ff%fe' --data-urlencode "body=B"
expect_status 400 "a title that is not UTF-8"
expect_body 'not valid UTF-8' "says why"
fetch /admin/preview -b "$ED" --data-urlencode "csrf=$EDC" --data 'body=%c3' --data-urlencode "title=T"
expect_status 400 "a preview that is not UTF-8"
# A field with a NUL byte or a broken %-escape cannot be read: it is
# refused, not taken as empty (which would save the article without it).
for bad in 'Jane%00Doe' 'Jane%zzDoe'; do
	fetch /admin/articles/s-rain -b "$ED" --data-urlencode "csrf=$EDC" --data-urlencode action=update \
		--data-urlencode "title=Rain in Paris" --data-urlencode "body=Wet streets all day." \
		--data-urlencode "section=World/Europe" --data "author=$bad"
	expect_status 400 "an author field that cannot be read ($bad)"
	expect_body 'NUL byte or a broken %-escape' "says why"
done
fetch /admin/articles/s-rain -b "$ED"
expect_body 'name="author" value="Jane Doe"' "the article keeps its author"
fetch /admin/articles -b "$ED" --data-urlencode "csrf=$EDC" --data-urlencode action=launch \
	--data-urlencode "title=T" --data-urlencode "body=B"
expect_status 400 "an unknown action"
fetch /admin/articles/no-such-id -b "$ED"
expect_status 404 "the editor of an unknown id"
fetch /admin/articles/no-such-id -b "$ED" --data-urlencode "csrf=$EDC" --data-urlencode action=draft \
	--data-urlencode "title=T" --data-urlencode "body=B"
expect_status 404 "saving an unknown id"

# --- autosave ---
fetch "/admin/articles/$AID" -b "$AU" -H 'X-Nd-Autosave: 1' --data-urlencode "csrf=$AUC" \
	--data-urlencode action=draft --data-urlencode "title=Storm warning" \
	--data-urlencode "body=Wind **very** strong. Autosaved." --data-urlencode "section=World"
expect_status 204 "an autosave"
expect_header X-Nd-Edit-Url "^/admin/articles/$AID\$" "names the editor"
fetch "/admin/articles/$AID" -b "$AU"
expect_body 'Autosaved.</textarea>' "the autosave is stored"

# --- the preview ---
fetch /admin/preview -b "$ED" --data-urlencode "csrf=$EDC" --data-urlencode "title=Preview title" \
	--data-urlencode $'body=Some **bold** text.\r\n\r\n* one\r\n* two' --data-urlencode "section=World" \
	--data-urlencode "author=Jane Doe" --data-urlencode "tags=Alpha, Beta" --data-urlencode "summary=The standfirst"
expect_status 200 "a preview"
expect_body '<strong>bold</strong>' "the Markdown rendered"
expect_body '<li>one</li>' "a list too"
expect_body '<h1 class="headline">Preview title</h1>' "in the site's article template"
expect_body '<p class="standfirst">The standfirst</p>' "with its summary"
expect_body_re '<link rel="stylesheet" href="/static/style.css\?v=' "with the site's stylesheet"
expect_body 'class="masthead"' "in the site's layout"
expect_body 'href="/author/jane-doe"' "the author's page"
expect_body 'rel="tag" href="/tag/alpha"' "the tags"
expect_body 'Preview — not published' "the banner"
expect_body '<meta name="robots" content="noindex">' "never indexed"
expect_no_body 'class="views"' "no view count"
expect_header X-Frame-Options '^SAMEORIGIN$' "the admin may frame it"
expect_header Content-Security-Policy "frame-ancestors 'self'" "the admin may frame it (CSP)"
expect_header Content-Security-Policy "style-src 'self'" "its stylesheet loads"
expect_header Content-Security-Policy "script-src 'none'" "no script runs in it (it is of the admin's origin)"
check "and it names none (the site's reactions script would be refused)" \
	test "$(grep -c '<script src=' "$TMP/body")" = 0
expect_header Cache-Control '^no-store$' "a preview is not stored"
check "one CSP only" test "$(grep -ci '^Content-Security-Policy:' "$TMP/headers")" = 1
check "one X-Frame-Options only" test "$(grep -ci '^X-Frame-Options:' "$TMP/headers")" = 1
fetch /admin/preview -b "$ED" --data-urlencode "csrf=$EDC" --data-urlencode 'body=<script>alert(1)</script>'
expect_status 200 "a preview of raw HTML"
expect_no_body '<script>alert(1)' "the site's safe Markdown drops it"

# --- publish, update, unpublish, schedule (editor) ---
fetch "/admin/articles/$AID" -b "$ED"
expect_status 200 "an editor opens the author's draft"
expect_body 'name="action" value="publish"' "with Publish"
expect_body 'name="action" value="schedule"' "and Schedule"
fetch "/admin/articles/$AID" -b "$ED" --data-urlencode "csrf=$EDC" --data-urlencode action=update \
	--data-urlencode "title=Storm warning" --data-urlencode "body=x"
expect_status 409 "update is for published articles"
expect_body 'this one is not published' "says why"
fetch "/admin/articles/$AID" -b "$ED" --data-urlencode "csrf=$EDC" --data-urlencode action=publish \
	--data-urlencode "title=Storm warning" --data-urlencode "body=Wind **very** strong." \
	--data-urlencode "section=World" --data-urlencode "author=Au Thor"
expect_status 303 "the editor publishes it"
expect_header Location "^/admin/articles/$AID\?saved=publish\$" "back to the editor"
fetch "/admin/articles/$AID?saved=publish" -b "$ED"
expect_body 'Published.' "the notice"
expect_body '<a href="/world/storm-warning">View it on the site</a>' "a link to the public page"
expect_body 'name="action" value="update"' "now Update"
expect_body 'name="action" value="unpublish"' "and Unpublish"
expect_no_body 'name="action" value="draft"' "no Save draft on a live article"
check "the public page answers" poll /world/storm-warning 200 '<strong>very</strong>'
check "the home page shows it" poll / 200 'Storm warning'
fetch "/admin/articles/$AID" -b "$AU"
expect_body 'only an editor can change it now' "an author's published article is read-only"
fetch "/admin/articles/$AID" -b "$AU" -H 'X-Nd-Autosave: 1' --data-urlencode "csrf=$AUC" \
	--data-urlencode action=draft --data-urlencode "title=Storm warning" --data-urlencode "body=x"
expect_status 409 "autosave never changes a live article"
fetch "/admin/articles/$AID" -b "$AU" --data-urlencode "csrf=$AUC" --data-urlencode action=unpublish \
	--data-urlencode "title=Storm warning" --data-urlencode "body=x"
expect_status 403 "an author's unpublish"
fetch "/admin/articles/$AID" -b "$ED" --data-urlencode "csrf=$EDC" --data-urlencode action=update \
	--data-urlencode "title=Storm warning" --data-urlencode "body=Wind **very** strong. Updated." \
	--data-urlencode "section=World"
expect_status 303 "update a published article"
check "the public page changes" poll /world/storm-warning 200 'Updated.'
fetch "/admin/articles?status=published" -b "$ED"
expect_body 'Storm warning' "it is listed as published"
fetch /admin/preview -b "$ED" --data-urlencode "csrf=$EDC" --data-urlencode "id=$AID" \
	--data-urlencode "title=Storm warning" --data-urlencode "body=Changed." --data-urlencode "section=World"
expect_body 'More in World' "the preview of a published article lists its section's stories"
expect_body 'href="/world/europe/rain-in-paris"' "the others"
expect_no_body 'href="/world/storm-warning"' "but not the article itself"
fetch "/admin/articles/$AID" -b "$ED" --data-urlencode "csrf=$EDC" --data-urlencode action=unpublish \
	--data-urlencode "title=Storm warning" --data-urlencode "body=Wind." --data-urlencode "section=World"
expect_status 303 "unpublish"
expect_header Location 'saved=unpublish$' "with its notice"
# The store remembers the unpublished URL: 410 Gone, the themed page.
check "the public page is gone: 410" poll_gone /world/storm-warning
expect_body "This article has been removed" "the 410 page says so"
fetch "/admin/articles?status=draft" -b "$ED"
expect_body 'Storm warning' "a draft again"
FUTURE=$(date -u -d '+2 days' +%Y-%m-%dT%H:%M)
fetch "/admin/articles/$AID" -b "$ED" --data-urlencode "csrf=$EDC" --data-urlencode action=schedule \
	--data-urlencode "title=Storm warning" --data-urlencode "body=Wind." --data-urlencode "section=World" \
	--data-urlencode "publish_at=$FUTURE"
expect_status 303 "schedule for the future"
fetch "/admin/articles?status=scheduled" -b "$ED"
expect_body 'Storm warning' "listed as scheduled"
expect_body "for $(date -u -d '+2 days' '+%d %b %Y %H:%M')" "with its time"
fetch /world/storm-warning
check "not public before its time: still 410 (status $STATUS)" test "$STATUS" = 410

# --- delete ---
fetch "/admin/articles/$AID/delete" -b "$ED"
expect_status 200 "the delete confirmation"
expect_body "Delete 'Storm warning'? This cannot be undone." "asks first"
expect_body "action=\"/admin/articles/$AID/delete\"" "posts to delete"
fetch "/admin/articles/$AID/delete" -b "$ED"
fetch "/admin/articles/$AID/delete" -b "$ED" --data-urlencode "x=1"
expect_status 403 "a delete without the CSRF token"
fetch "/admin/articles/$AID/delete" -b "$ED" --data-urlencode "csrf=$EDC"
expect_status 303 "delete"
expect_header Location '^/admin/articles\?deleted=Storm%20warning$' "back to the list"
fetch "/admin/articles?deleted=Storm%20warning" -b "$ED"
expect_body "Deleted &#39;Storm warning&#39;." "the notice"
fetch "/admin/articles/$AID" -b "$ED"
expect_status 404 "the article is gone"

# --- an editor creates and publishes at once ---
fetch /admin/articles -b "$ED" --data-urlencode "csrf=$EDC" --data-urlencode action=publish \
	--data-urlencode "title=Straight to the site" --data-urlencode "body=Now." --data-urlencode "section=Business"
expect_status 303 "create and publish"
check "on the home page" poll / 200 'Straight to the site'

# --- pages of 50, keeping the filters ---
for i in $(seq 1 52); do
	printf '{"id":"bulk-%d","title":"Bulk story %d","body":"Filler.","section":"Bulk","status":"draft","updated_at":"2026-02-01T00:00:%02dZ"}\n' "$i" "$i" "$((i % 60))"
done >"$TMP/bulk.jsonl"
nd import "$TMP/bulk.jsonl" >/dev/null
fetch "/admin/articles?status=draft&q=bulk+story" -b "$ED"
expect_body '52 article(s)' "52 bulk drafts"
check "50 rows on the first page" test "$(grep -c '<span class="status status-draft">' "$TMP/body")" = 50
expect_body 'Page 1 of 2' "two pages"
expect_body 'href="/admin/articles?status=draft&amp;q=bulk%20story&amp;page=2" rel="next"' "the next page keeps the filters"
fetch "/admin/articles?status=draft&q=bulk%20story&page=2" -b "$ED"
check "2 rows on the second" test "$(grep -c '<span class="status status-draft">' "$TMP/body")" = 2
expect_body 'rel="prev"' "and a way back"
fetch "/admin/articles?page=0" -b "$ED"
expect_status 400 "page 0"

finish
