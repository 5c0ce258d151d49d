#!/usr/bin/env bash
# newsdesk fetch: RSS and Atom feeds from a local server into the store;
# conditional GET (304), updates instead of duplicates, broken feeds
# reported while the others go on, sanitised HTML on the served pages,
# and copies of one story from two feeds folded (Related, and the lists).
. "$(dirname "$0")/lib/common.sh"

FEEDS=$TMP/feeds
mkdir -p "$FEEDS"
cp "$FIXTURES"/wire/* "$FEEDS/"
python3 "$ND_SOURCE_DIR/tests/e2e/lib/feedserver.py" "$FEEDS" "$TMP/feedport" "$TMP/feedlog" &
FEED_PID=$!
trap 'kill $FEED_PID 2>/dev/null; cleanup' EXIT
for _ in $(seq 1 100); do [ -s "$TMP/feedport" ] && break; sleep 0.05; done
FP=$(cat "$TMP/feedport")
F=http://127.0.0.1:$FP

# The feeds' ETags: by default in DB.feeds.json, next to a SQLite store. A
# PostgreSQL store is no file: there the configuration names the state file
# (the default, none, is checked at the end).
if [ "$ND_TEST_STORE" = pg ]; then
	STATE=$TMP/feeds.json
	STATE_INI="fetch_state = $STATE"
else
	STATE=$DB.feeds.json
	STATE_INI=
fi

cat >"$TMP/good.ini" <<INI
[wire]
$STATE_INI
fetch_timeout = 2
fetch_connect_timeout = 2
fetch_max_kb = 256

[feed world]
url = $F/world.xml
section = World/Europe
author = Wire Desk
tags = wire, europe

[feed europe]
url = $F/redirect/europe.atom
section = World/Europe
INI

api() { curl -s --max-time 10 "$BASE$1"; }
count() { db_query "select count(*) from articles where ext_id like 'wire-%'"; }

# --- First fetch: everything new.
"$ND_BIN" fetch --db "$DB" --config "$TMP/good.ini" 2>"$TMP/err"
check "fetch exits 0" test $? -eq 0
check "world: 3 new" grep -q "feed 'world': 3 items: 3 new, 0 updated" "$TMP/err"
check "europe (through a redirect): 2 new" grep -q "feed 'europe': 2 items: 2 new" "$TMP/err"
check "5 articles stored" test "$(count)" -eq 5
check "state file written" jq -e '.world.etag and .world.last_modified' "$STATE" >/dev/null
check "User-Agent names newsdesk" grep -q "ua=newsdesk/" "$TMP/feedlog"

# --- Again: 304 for both, nothing duplicated.
: >"$TMP/feedlog"
"$ND_BIN" fetch --db "$DB" --config "$TMP/good.ini" 2>"$TMP/err"
check "re-fetch exits 0" test $? -eq 0
check "world: 304" grep -q "feed 'world': not modified (304)" "$TMP/err"
check "europe: 304" grep -q "feed 'europe': not modified (304)" "$TMP/err"
check "server saw If-None-Match and answered 304" grep -q '^GET /world.xml 304 inm="' "$TMP/feedlog"
check "no duplicates" test "$(count)" -eq 5

# --- Lost state: full download, items unchanged, still no duplicates.
rm -f "$STATE"
gen_before=$(db_query "select value from meta where key='generation'")
"$ND_BIN" fetch --db "$DB" --config "$TMP/good.ini" 2>"$TMP/err"
check "without state: unchanged" grep -q "feed 'world': 3 items: 0 new, 0 updated, 3 unchanged" "$TMP/err"
check "unchanged items do not touch the site" \
	test "$(db_query "select value from meta where key='generation'")" = "$gen_before"
check "still no duplicates" test "$(count)" -eq 5

# --- An updated item updates its article.
sed -i 's|Markets steady before central bank decision|Markets rise after central bank holds rates|' \
	"$FEEDS/world.xml"
"$ND_BIN" fetch --db "$DB" --config "$TMP/good.ini" 2>"$TMP/err"
check "updated item" grep -q "feed 'world': 3 items: 0 new, 1 updated, 2 unchanged" "$TMP/err"
check "still 5 articles" test "$(count)" -eq 5
check "new title stored" test "$(db_query "select count(*) from articles where title='Markets rise after central bank holds rates'")" -eq 1

# --- What the site shows.
start_server || exit 1
api "/api/articles?limit=50" >"$TMP/list.json"
# Lists fold copies of one story into its first copy: 5 articles, 4 stories.
check "API lists the 4 stories of the 5 articles" test "$(jq '.total' "$TMP/list.json")" -eq 4
flood=$(db_query "select ext_id from articles where title='Flood barriers hold as river peaks in Rotterdam'")
copy=$(db_query "select ext_id from articles where title='Rotterdam flood barrier holds as river peaks'")
check "one of the two copies is listed" \
	test "$(jq --arg a "$flood" --arg b "$copy" '[.items[] | select(.id == $a or .id == $b)] | length' "$TMP/list.json")" -eq 1
cafe=$(jq -r '.items[] | select(.title|startswith("Caf")) | .id' "$TMP/list.json")
fetch /
# (it may be in several blocks; the other copy in none)
check "the home page shows one copy of the story" \
	test "$(grep -o -e 'Flood barriers hold as river peaks in Rotterdam' -e 'Rotterdam flood barrier holds as river peaks' "$TMP/body" | sort -u | wc -l)" -eq 1
check "ids are wire-" test "${flood#wire-}" != "$flood"
api "/api/articles/$flood" >"$TMP/a.json"
check "section" test "$(jq -r .section "$TMP/a.json")" = "World/Europe"
check "item author" test "$(jq -r .author "$TMP/a.json")" = "Anna de Vries"
check "config tags then categories" test "$(jq -r '.tags|join(",")' "$TMP/a.json")" = "wire,europe,Climate"
check "relative link resolved" test "$(jq -r .source_url "$TMP/a.json")" = "$F/stories/flood-barriers"
check "RFC 822 date with zone" test "$(jq -r .published_at "$TMP/a.json")" = "2026-11-23T07:30:00Z"
api "/api/articles/$copy" >"$TMP/b.json"
check "Atom: feed author" test "$(jq -r .author "$TMP/b.json")" = "Europe Desk"
check "Atom: xml:base link" test "$(jq -r .source_url "$TMP/b.json")" = "http://europe.example/news/flood.html"
api "/api/articles/$cafe" >"$TMP/c.json"
check "entities and markup in a title" test "$(jq -r .title "$TMP/c.json")" = $'Caf\u00e9 owners\u00a0welcome new rules'
check "config author when the item has none" test "$(jq -r .author "$TMP/c.json")" = "Wire Desk"

fetch "$(jq -r .url "$TMP/a.json" | sed "s|^https\?://[^/]*||")"
expect_status 200 "the fetched article's page"
expect_body "Maeslant barrier closed overnight" "article page"
expect_no_body "alert(" "article page"
expect_no_body "pwned" "article page"
expect_no_body "javascript:" "article page"
expect_no_body "onclick" "article page"
expect_no_body "onerror" "article page"
expect_no_body "evil.example" "article page"
expect_body "full report" "a refused link keeps its text"
expect_body "href=\"$F/reports/maas.pdf\"" "relative link in the body resolved"
expect_body "src=\"$F/img/barrier.jpg\"" "image kept, resolved"
fetch "$(jq -r .url "$TMP/c.json" | sed "s|^https\?://[^/]*||")"
expect_body "<em>next week</em>" "escaped HTML in a description rendered"
expect_no_body "document.cookie" "escaped script dropped"

# Two feeds' copies of one story: one story for Related.
api "/api/articles/$flood/related?limit=10" >"$TMP/rel.json"
check "a copy is never Related to its twin" test "$(jq --arg c "$copy" '[.items[]|select(.id==$c)]|length' "$TMP/rel.json")" -eq 0
stop_server

# --- Broken feeds are reported; the good ones still go in.
cp "$TMP/good.ini" "$TMP/mixed.ini"
for f in missing:/nope.xml bad:/bad.xml page:/page.xml big:/big slow:/slow/world.xml \
	loop:/loop ftp:/ftp; do
	printf '\n[feed %s]\nurl = %s%s\n' "${f%%:*}" "$F" "${f#*:}" >>"$TMP/mixed.ini"
done
printf '\n[feed refused]\nurl = http://127.0.0.1:1/feed.xml\n' >>"$TMP/mixed.ini"
# No XML declaration; the charset comes from the HTTP Content-Type only.
printf '<rss><channel><item><title>Caf\xe9 cr\xe8me</title><guid>l1</guid></item></channel></rss>' \
	>"$FEEDS/latin.latin1.xml"
printf '\n[feed latin]\nurl = %s/latin.latin1.xml\n' "$F" >>"$TMP/mixed.ini"
sed -i 's|Flood barriers hold as river peaks in Rotterdam|Flood barriers hold as the river peaks|' "$FEEDS/world.xml"
start=$(date +%s)
"$ND_BIN" fetch --db "$DB" --config "$TMP/mixed.ini" 2>"$TMP/err"
check "some feeds failed: exit 1" test $? -eq 1
check "the run is bounded by the timeouts" test $(($(date +%s) - start)) -lt 30
check "404 reported" grep -q "feed 'missing' ($F/nope.xml) failed: HTTP 404" "$TMP/err"
check "invalid XML reported" grep -q "feed 'bad' ($F/bad.xml) failed: not XML" "$TMP/err"
check "not a feed reported" grep -q "feed 'page' .* failed: root element 'html' is not RSS, RDF or Atom" "$TMP/err"
check "size cap reported" grep -q "feed 'big' .* failed: over the size limit of 256 KiB" "$TMP/err"
check "timeout reported" grep -q "feed 'slow' .* failed: timed out" "$TMP/err"
check "redirect loop reported" grep -q "feed 'loop' .* failed: more than 5 redirects" "$TMP/err"
check "redirect to ftp refused" grep -q "feed 'ftp' .* failed:" "$TMP/err"
check "refused connection reported" grep -q "feed 'refused' .* failed:" "$TMP/err"
check "good feed still imported" grep -q "feed 'world': 3 items: 0 new, 1 updated" "$TMP/err"
check "summary line" grep -q "fetched 3 feeds (1 not modified), 8 failed" "$TMP/err"
check "HTTP charset used" test "$(db_query "select title from articles where title like 'Caf%cr%'")" = "Café crème"
check "nothing lost" test "$(count)" -eq 6

# --- The newsroom's edit wins: an item an editor changed (here through the
# write API) keeps the edit when the source changes it again; an item no
# one edited still follows its source.
export ND_TEST_FAST_HASH=1
echo 'correct horse battery staple' | "$ND_BIN" user add ed --role editor --db "$DB" >/dev/null 2>&1
TOKEN=$("$ND_BIN" token add ed --name wire-test --db "$DB" 2>/dev/null)
markets=$(db_query "select ext_id from articles where title='Markets rise after central bank holds rates'")
start_server || exit 1
code=$(curl -s -o /dev/null -w '%{http_code}' -X PATCH -H "Authorization: Bearer $TOKEN" \
	-H 'Content-Type: application/json' -d '{"title": "Markets rise as the bank holds (edited)"}' \
	"$BASE/api/articles/$markets")
check "an editor changes the wire article's title (PATCH: $code)" test "$code" = 200
sed -i 's|Markets rise after central bank holds rates|Markets rally after central bank holds rates|' \
	"$FEEDS/world.xml"
rm -f "$STATE"
"$ND_BIN" fetch --db "$DB" --config "$TMP/good.ini" 2>"$TMP/err"
check "the changed item is kept, not updated" \
	grep -q "feed 'world': 3 items: 0 new, 0 updated, 2 unchanged, 0 skipped, 1 kept" "$TMP/err"
check "the log names the kept article" grep -q "article '$markets' keeps the newsroom's edit" "$TMP/err"
check "the editor's title stands" \
	test "$(db_query "select title from articles where ext_id='$markets'")" = "Markets rise as the bank holds (edited)"
check "the source's new title was not stored" \
	test "$(db_query "select count(*) from articles where title like 'Markets rally%'")" -eq 0
stop_server

# --- Usage and config errors: exit 2.
"$ND_BIN" fetch --db "$DB" 2>"$TMP/err"
check "no feeds: exit 2" test $? -eq 2
check "no feeds: said so" grep -q "no feeds configured" "$TMP/err"
printf '[feed x]\nsection = News\n' >"$TMP/nourl.ini"
"$ND_BIN" fetch --db "$DB" --config "$TMP/nourl.ini" 2>"$TMP/err"
check "feed without url: exit 2" test $? -eq 2
check "feed without url: named" grep -q "nourl.ini:2: feed 'x' has no url" "$TMP/err"
printf '[feed x]\nurl = file:///etc/passwd\n' >"$TMP/file.ini"
"$ND_BIN" fetch --db "$DB" --config "$TMP/file.ini" 2>"$TMP/err"
check "file:// url: exit 2" test $? -eq 2
"$ND_BIN" fetch --db "$DB" --config "$TMP/good.ini" extra 2>"$TMP/err"
check "extra argument: exit 2" test $? -eq 2

if [ "$ND_TEST_STORE" = pg ]; then
	grep -v fetch_state "$TMP/good.ini" >"$TMP/nostate.ini"
	"$ND_BIN" fetch --db "$DB" --config "$TMP/nostate.ini" 2>"$TMP/err"
	check "no state file: fetch exits 0" test $? -eq 0
	check "no state file by default on PostgreSQL, and it says so" \
		grep -q "the store is not a file, so no feed state file" "$TMP/err"
	check "so nothing is 304" test "$(grep -c 'not modified (304)' "$TMP/err")" = 0
fi
check "database is intact" db_intact
finish
