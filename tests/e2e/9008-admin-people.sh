#!/usr/bin/env bash
# The admin's people and taxonomy pages (issue 6, items 1, 2 and 5):
# users (admins only: add, role, password, remove; no one removes or
# demotes themself; the last admin stays), API tokens made, shown once and
# revoked in the admin, and sections and tags (add, rename, reorder,
# merge, delete) reaching the public site at the next snapshot reload.
. "$(dirname "$0")/lib/common.sh"

export ND_TEST_FAST_HASH=1
PW='correct horse battery staple'
nd() { "$ND_BIN" "$@" --db "$DB" 2>"$TMP/cli.err"; }

echo "$PW" | nd user add root --role admin --name "Root Admin" >/dev/null
echo "$PW" | nd user add ed --role editor --name "Ed Editor" >/dev/null
echo "$PW" | nd user add au --role author --name "Au Thor" >/dev/null
echo "$PW" | nd user add au2 --role author >/dev/null
printf '%s\n' \
	'{"id":"w1","title":"World one","body":"Text.","section":"World","tags":["Climate"],"published_at":"2026-10-01T08:00:00Z"}' \
	'{"id":"w2","title":"World two","body":"Text.","section":"World","tags":["Climate","Energy"],"published_at":"2026-10-02T08:00:00Z"}' \
	'{"id":"s1","title":"Sports one","body":"Text.","section":"Sports","tags":["Climate change"],"published_at":"2026-10-03T08:00:00Z"}' \
	>"$TMP/site.jsonl"
nd import "$TMP/site.jsonl" >/dev/null
check "fixture imports" test $? -eq 0

start_server --login-limit-ip 0 --login-limit-login 0 || exit 1

# login JAR USER PASSWORD: the login form, then the POST; STATUS as fetch.
login() {
	fetch /admin/login -c "$1" -b "$1"
	local c
	c=$(sed -n 's/.*name="csrf" value="\([^"]*\)".*/\1/p' "$TMP/body")
	fetch /admin/login -c "$1" -b "$1" --data-urlencode "csrf=$c" \
		--data-urlencode "login=$2" --data-urlencode "password=$3"
}
# post PATH JAR [NAME=VALUE...]: a POST of the admin's form with the session's CSRF token.
post() {
	local path=$1 jar=$2 c
	shift 2
	fetch /admin -b "$jar"
	c=$(sed -n 's/.*name="csrf" value="\([^"]*\)".*/\1/p' "$TMP/body" | head -n1)
	local args=(--data-urlencode "csrf=$c")
	for kv in "$@"; do args+=(--data-urlencode "$kv"); done
	fetch "$path" -b "$jar" "${args[@]}"
}
# poll PATH PATTERN: fetches PATH until its body matches PATTERN (at most ~5 s).
poll() {
	for _ in $(seq 1 50); do
		fetch "$1"
		grep -qE -- "$2" "$TMP/body" && return 0
		sleep 0.1
	done
	return 1
}
# nav PATH: the links of the public page's section navigation, one a line.
nav() {
	fetch "$1"
	sed -n '/<nav class="sections"/,/<\/nav>/p' "$TMP/body" | grep -o 'href="/[a-z][^"]*"' |
		grep -v '/search'
}
# poll_nav LINKS: until the home page's navigation is LINKS (nav's lines joined by spaces).
poll_nav() {
	for _ in $(seq 1 50); do
		[ "$(nav / | tr '\n' ' ')" = "$1" ] && return 0
		sleep 0.1
	done
	echo "navigation: $(nav / | tr '\n' ' ')" >&2
	return 1
}
sql() { db_query "$1"; }

login "$TMP/root" root "$PW"
expect_status 303 "the admin logs in"
login "$TMP/ed" ed "$PW"
login "$TMP/au" au "$PW"
login "$TMP/au2" au2 "$PW"

# --- users: admins only ---
fetch /admin/users -b "$TMP/ed"
expect_status 403 "an editor may not see the users"
expect_body "may not manage users" "says why"
fetch /admin/users/au -b "$TMP/au"
expect_status 403 "nor may an author see a user"
post /admin/users "$TMP/ed" login=sneaky role=admin "password=$PW" "password2=$PW"
expect_status 403 "nor add one"
check "no user was added" test "$(sql "SELECT count(*) FROM users WHERE login = 'sneaky'")" = 0
fetch /admin/users -b "$TMP/root"
expect_status 200 "the admin sees the users"
expect_header Cache-Control '^no-store$' "users page"
expect_body '<code>root</code></a> <span class="muted">(you)</span>' "marks the admin's own row"
expect_body 'Ed Editor' "lists names"
expect_body '<td>author</td>' "and roles"
expect_no_body 'argon2' "never a hash"

# --- add a user ---
fetch /admin/users -b "$TMP/root" --data-urlencode login=newbie --data-urlencode role=editor \
	--data-urlencode "password=$PW" --data-urlencode "password2=$PW"
expect_status 403 "adding without the CSRF token"
expect_body "security token is missing or wrong" "says why"
post /admin/users "$TMP/root" login=newbie role=editor "password=$PW" "password2=$PW x"
expect_status 422 "two different passwords"
expect_body "The two passwords differ" "says so"
expect_body 'value="newbie"' "the form keeps the login"
post /admin/users "$TMP/root" login=newbie role=editor password=short password2=short
expect_status 422 "a weak password"
expect_body "too short" "the policy's reason"
post /admin/users "$TMP/root" "login=new bie" role=editor "password=$PW" "password2=$PW"
expect_status 422 "an invalid login"
post /admin/users "$TMP/root" login=newbie role=boss "password=$PW" "password2=$PW"
expect_status 422 "an unknown role"
post /admin/users "$TMP/root" login=ED role=editor "password=$PW" "password2=$PW"
expect_status 409 "a login taken (another case)"
expect_body "There is already a user" "says so"
post /admin/users "$TMP/root" login=newbie role=editor name="New Bie" "password=$PW" "password2=$PW"
expect_status 303 "an admin adds a user"
expect_header Location '^/admin/users\?done=added&name=newbie$' "back to the list with a notice"
fetch "$(header Location)" -b "$TMP/root"
expect_body "Added the user newbie." "the notice"
expect_body "New Bie" "the new user is listed"
check "the stored password is an argon2id hash" \
	test "$(sql "SELECT substr(password, 1, 10) FROM users WHERE login = 'newbie'")" = '$argon2id$'
login "$TMP/newbie" newbie "$PW"
expect_status 303 "the new user logs in"
fetch /admin -b "$TMP/newbie"
expect_body "role <strong>editor</strong>" "with the role given"

# --- no one removes or demotes themself ---
fetch /admin/users/root/remove -b "$TMP/root"
expect_status 200 "the removal is asked first"
expect_body "Remove this user?" "a confirmation page"
post /admin/users/root/remove "$TMP/root"
expect_status 409 "an admin cannot remove themself"
expect_body "You cannot remove your own account" "says why"
post /admin/users/root/role "$TMP/root" role=editor
expect_status 409 "nor demote themself"
expect_body "You cannot change your own role" "says why"
check "root is still an admin" test "$(sql "SELECT role FROM users WHERE login = 'root'")" = admin
fetch /admin/users/nobody -b "$TMP/root"
expect_status 404 "an unknown user"

# --- roles; the last admin stays ---
post /admin/users/newbie/role "$TMP/root" role=admin
expect_status 303 "promote a user"
expect_header Location 'done=role&name=newbie' "with a notice"
# Two admins demote each other at once: one wins, the other is refused
# (403 when the change reached it first, else 409: the last admin).
fetch /admin -b "$TMP/root"
C1=$(sed -n 's/.*name="csrf" value="\([^"]*\)".*/\1/p' "$TMP/body" | head -n1)
fetch /admin -b "$TMP/newbie"
C2=$(sed -n 's/.*name="csrf" value="\([^"]*\)".*/\1/p' "$TMP/body" | head -n1)
curl -s -o /dev/null -w '%{http_code}\n' -b "$TMP/root" --data-urlencode "csrf=$C1" \
	--data-urlencode role=editor "$BASE/admin/users/newbie/role" >"$TMP/race1" &
curl -s -o /dev/null -w '%{http_code}\n' -b "$TMP/newbie" --data-urlencode "csrf=$C2" \
	--data-urlencode role=editor "$BASE/admin/users/root/role" >"$TMP/race2"
wait $!
check "one admin remains after two admins demote each other" \
	test "$(sql "SELECT count(*) FROM users WHERE role = 'admin'")" = 1
check "exactly one demotion went through ($(cat "$TMP/race1" "$TMP/race2" | tr '\n' ' '))" \
	test "$(cat "$TMP/race1" "$TMP/race2" | sort | tr '\n' ' ')" = "303 403 " -o \
	"$(cat "$TMP/race1" "$TMP/race2" | sort | tr '\n' ' ')" = "303 409 "
# Whoever is left an admin: root again, for the rest.
if [ "$(sql "SELECT role FROM users WHERE login = 'root'")" != admin ]; then
	post /admin/users/root/role "$TMP/newbie" role=admin
	post /admin/users/newbie/role "$TMP/root" role=editor
fi
check "root is the one admin" test "$(sql "SELECT login FROM users WHERE role = 'admin'")" = root
post /admin/users/newbie/remove "$TMP/root"
expect_status 303 "remove a user"
expect_header Location 'done=removed&name=newbie' "with a notice"
fetch /admin -b "$TMP/newbie"
expect_status 303 "the removed user's session is gone"
check "the user is gone" test "$(sql "SELECT count(*) FROM users WHERE login = 'newbie'")" = 0

# --- a new password ends the user's sessions ---
cp "$TMP/au" "$TMP/au-other"
post /admin/users/au/password "$TMP/root" "password=new password 12" "password2=new password 13"
expect_status 422 "two different new passwords"
fetch /admin -b "$TMP/au"
expect_status 200 "the author's session still works"
post /admin/users/au/password "$TMP/root" "password=new password 12" "password2=new password 12"
expect_status 303 "the admin sets a new password"
fetch /admin -b "$TMP/au"
expect_status 303 "the author's session has ended"
expect_header Location '^/admin/login' "to the login page"
login "$TMP/au" au "$PW"
expect_status 401 "the old password no longer works"
login "$TMP/au" au "new password 12"
expect_status 303 "the new one does"

# --- API tokens in the admin ---
fetch /admin/tokens -b "$TMP/ed"
expect_status 200 "the tokens page"
expect_body "No tokens yet." "none yet"
post /admin/tokens "$TMP/ed" name=
expect_status 400 "a token without a name"
post /admin/tokens "$TMP/ed" "name=CI import"
expect_status 200 "a token is made"
expect_header Cache-Control '^no-store$' "the answer with the token is not stored"
check "no redirect carries it" test -z "$(header Location)"
expect_body "it will not be shown again" "the warning"
TOKEN=$(grep -oE 'nd_[A-Za-z0-9_-]{43}' "$TMP/body" | head -n1)
check "the token is on the page" test -n "$TOKEN"
check "the store has its hash only" test "$(sql "SELECT count(*) FROM api_tokens WHERE name = 'CI import'")" = 1
fetch /admin/tokens -b "$TMP/ed"
expect_no_body "$TOKEN" "the list never shows it again"
expect_body "CI import" "it is listed"
fetch /api/articles/w1/revisions -H "Authorization: Bearer $TOKEN"
expect_status 200 "the admin's token works on the API"
fetch /api/articles -X POST -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' \
	-d '{"id":"t1","title":"Made with an admin token","body":"Text.","section":"World"}'
expect_status 201 "it writes as its user"
ED_ID=$(sql "SELECT id FROM api_tokens WHERE name = 'CI import'")
post "/admin/tokens/$ED_ID/revoke" "$TMP/au2"
expect_status 403 "an author cannot revoke another's token"
expect_body "only your own tokens" "says why"
fetch /api/articles/w1/revisions -H "Authorization: Bearer $TOKEN"
expect_status 200 "it still works"
fetch /admin/tokens -b "$TMP/root"
expect_body "<code>ed</code>" "an admin sees everyone's, with the owner"
post "/admin/tokens/$ED_ID/revoke" "$TMP/ed"
expect_status 303 "the owner revokes it"
expect_header Location '^/admin/tokens\?done=revoked' "with a notice"
fetch /api/articles/w1/revisions -H "Authorization: Bearer $TOKEN"
expect_status 401 "a revoked token is refused"
fetch /admin/tokens -b "$TMP/ed"
expect_body_re "revoked [0-9]" "marked revoked"
post /admin/tokens "$TMP/au2" "name=laptop"
AU2_ID=$(sql "SELECT id FROM api_tokens WHERE name = 'laptop'")
post "/admin/tokens/$AU2_ID/revoke" "$TMP/root"
expect_status 303 "an admin revokes anyone's"
post /admin/tokens/99999/revoke "$TMP/root"
expect_status 404 "an unknown token"

# --- sections and tags: who may ---
fetch /admin/sections -b "$TMP/au2"
expect_status 200 "an author may look"
expect_body "World" "at the sections"
expect_no_body "/rename" "without forms"
post /admin/sections "$TMP/au2" name=Science
expect_status 403 "an author may not add a section"
post /admin/sections "$TMP/ed" name=Science
expect_status 303 "an editor adds a section"
expect_header Location 'done=section-added&name=Science' "with a notice"
fetch /admin/sections -b "$TMP/ed" -d name=Other
expect_status 403 "a change without the CSRF token"
check "no section from it" test "$(sql "SELECT count(*) FROM sections WHERE slug = 'other'")" = 0
fetch /admin/sections -b "$TMP/ed"
expect_body '<a href="/science">/science</a>' "the new section and its URL"
post /admin/sections "$TMP/ed" name=science
expect_status 409 "the same name again"
post /admin/sections "$TMP/ed" "name=A/B"
expect_status 422 "a name with a slash"
post /admin/sections "$TMP/ed" name=API
expect_status 303 "a name that is a route"
check "gets a -section slug" test "$(sql "SELECT count(*) FROM sections WHERE slug = 'api-section'")" = 1

# --- the public site: add, rename, reorder ---
# The site shows a section once it has a published article (handler/content.c).
fetch /science
expect_status 404 "an empty section has no page yet"
fetch /api/articles -X POST -H "Authorization: Bearer $(nd token add ed --name nav)" \
	-H 'Content-Type: application/json' \
	-d '{"id":"sc1","title":"Science one","body":"Text.","section":"Science"}'
expect_status 201 "an article in the new section"
check "the navigation shows it (a section with articles)" poll / 'href="/science">Science<'
check "navigation order: creation order" test "$(nav / | tr '\n' ' ')" = 'href="/world" href="/sports" href="/science" '
SCI=$(sql "SELECT id FROM sections WHERE slug = 'science'")
post "/admin/sections/$SCI/rename" "$TMP/ed" "name=Science & Tech"
expect_status 303 "rename a section"
check "the navigation shows the new name at the same URL" poll / 'href="/science">Science &amp; Tech<'
fetch /science
expect_status 200 "the URL stays"
post "/admin/sections/$SCI/move" "$TMP/ed" dir=up
expect_status 303 "move a section up"
expect_header Location 'done=section-moved' "with a notice"
check "the navigation order follows" poll_nav 'href="/world" href="/science" href="/sports" '
WORLD=$(sql "SELECT id FROM sections WHERE slug = 'world'")
post "/admin/sections/$WORLD/move" "$TMP/ed" dir=up
expect_status 303 "the first one cannot go further up"
expect_header Location 'done=section-kept' "says it stays"
post "/admin/sections/$WORLD/move" "$TMP/ed" dir=sideways
expect_status 400 "a bad direction"
fetch /api/articles -X POST -H "Authorization: Bearer $(nd token add ed --name put)" \
	-H 'Content-Type: application/json' \
	-d '{"id":"sc2","title":"Science two","body":"Text.","section":"Science & Tech"}'
check "an article filed under the new name lands in the renamed section" \
	test "$(sql "SELECT count(*) FROM sections WHERE name LIKE 'Science%'")" = 1

# --- delete ---
post "/admin/sections/$WORLD/delete" "$TMP/ed"
expect_status 409 "a section with articles is not deleted"
expect_body "The section &#39;World&#39; has 3 articles" "says how many"
check "it is still there" test "$(sql "SELECT count(*) FROM sections WHERE slug = 'world'")" = 1
post /admin/sections "$TMP/ed" name=Sub "parent=$WORLD"
expect_status 303 "a subsection"
SUB=$(sql "SELECT id FROM sections WHERE slug = 'sub'")
check "under its parent" test "$(sql "SELECT parent_id FROM sections WHERE id = $SUB")" = "$WORLD"
fetch /admin/sections -b "$TMP/ed"
expect_body '<td>3 <span class="muted">(3 with subsections)</span></td>' "a parent's count with its subsections'"
post "/admin/sections/$SUB/delete" "$TMP/ed"
expect_status 303 "an empty section is deleted"
expect_header Location 'done=section-deleted&name=Sub' "with a notice"
post "/admin/sections/$SUB/delete" "$TMP/ed"
expect_status 404 "it is gone"

# --- tags: rename, merge, delete ---
CLIMATE=$(sql "SELECT id FROM tags WHERE slug = 'climate'")
CHANGE=$(sql "SELECT id FROM tags WHERE slug = 'climate-change'")
post "/admin/tags/$CLIMATE/rename" "$TMP/au2" "name=Climate crisis"
expect_status 403 "an author may not rename a tag"
post "/admin/tags/$CLIMATE/rename" "$TMP/ed" "name=Energy"
expect_status 409 "another tag's name"
post "/admin/tags/$CLIMATE/rename" "$TMP/ed" "name=Climate crisis"
expect_status 303 "rename a tag"
check "its URL keeps working with the new name" poll /tag/climate 'Climate crisis'
fetch /tag/climate
expect_status 200 "the tag page"
post "/admin/tags/$CLIMATE/delete" "$TMP/ed"
expect_status 409 "a tag in use is not deleted"
expect_body "is on 2 articles" "says how many"
post "/admin/tags/$CHANGE/merge" "$TMP/ed" "into=nothing like it"
expect_status 422 "a merge into no tag"
post "/admin/tags/$CHANGE/merge" "$TMP/ed" "into=climate crisis"
expect_status 303 "merge a tag into another (its name, any case)"
expect_header Location 'done=tag-merged&name=Climate%20crisis' "with a notice"
check "the merged tag's article moves" poll /tag/climate 'Sports one'
check "the merged tag's page goes" poll /tag/climate-change 'Not Found|not found|404'
fetch /tag/climate-change
expect_status 404 "the old tag is gone"
check "three articles have the tag" \
	test "$(sql "SELECT count(*) FROM article_tags WHERE tag_id = $CLIMATE")" = 3
fetch /admin/sections -b "$TMP/ed"
expect_no_body "Climate change" "the merged tag is no longer listed"
post "/admin/tags/$CLIMATE/merge" "$TMP/ed" "into=Energy"
expect_status 303 "merge into a tag some articles already have"
check "one link per article" \
	test "$(sql "SELECT count(*) FROM article_tags WHERE tag_id = (SELECT id FROM tags WHERE slug = 'energy')")" = 3
nd import - >/dev/null <<<'{"id":"x1","title":"Tagged","body":"Text.","section":"World","tags":["Lonely"]}'
nd import - >/dev/null <<<'{"id":"x1","title":"Tagged","body":"Text.","section":"World","tags":[]}'
LONELY=$(sql "SELECT id FROM tags WHERE slug = 'lonely'")
post "/admin/tags/$LONELY/delete" "$TMP/ed"
expect_status 303 "an unused tag is deleted"
check "it is gone" test "$(sql "SELECT count(*) FROM tags WHERE slug = 'lonely'")" = 0

# A store error the page cannot show (503, the site's error page): the
# admin's headers are not doubled by the page's (two policies, two
# referrer rules). The tokens table goes last: nothing after needs it.
sql "DROP TABLE api_tokens"
fetch /admin/tokens -b "$TMP/ed"
expect_status 503 "the tokens page without its table"
expect_header Cache-Control '^no-store$' "is not stored"
check "one CSP only (the admin's)" \
	test "$(grep -ci '^Content-Security-Policy:' "$TMP/headers")" = 1
expect_header Content-Security-Policy "frame-ancestors 'none'" "the admin's policy"
check "one Referrer-Policy only" test "$(grep -ci '^Referrer-Policy:' "$TMP/headers")" = 1
check "one X-Content-Type-Options only" \
	test "$(grep -ci '^X-Content-Type-Options:' "$TMP/headers")" = 1

finish
