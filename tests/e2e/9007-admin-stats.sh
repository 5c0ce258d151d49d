#!/usr/bin/env bash
# The admin's stats pages (issue 6, item 2): views over time of the site, a
# section (its subsections included) and an article, drawn as SVG charts on
# the server. Views made here by browsers (curl's own User-Agent is a bot)
# show in the totals, in each chart's summary and in the <title> of the bar
# of their hour; days stored in view_days add to the daily chart; the SVG is
# well-formed XML; unknown sections and articles are 404; only logged-in
# users see it.
. "$(dirname "$0")/lib/common.sh"

export ND_TEST_FAST_HASH=1
export LC_ALL=C
PW='correct horse battery staple'
UA='Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36'

cat >"$TMP/a.jsonl" <<'JSONL'
{"id":"st-1","title":"Europe story","body":"Body one.","section":"World/Europe","published_at":"2026-11-20T09:15:00Z"}
{"id":"st-2","title":"World story","body":"Body two.","section":"World","published_at":"2026-11-21T09:15:00Z"}
{"id":"st/3 <x>","title":"Sport & <b>story</b>","body":"Body three.","section":"Sport","published_at":"2026-11-22T09:15:00Z"}
JSONL
"$ND_BIN" import --db "$DB" "$TMP/a.jsonl" 2>/dev/null
check "fixture imports" test $? -eq 0
echo "$PW" | "$ND_BIN" user add bob --role author --db "$DB" >/dev/null 2>&1
check "an author" test $? -eq 0
start_server --counter-flush-ms 200 || exit 1

api_path() { curl -s -A "$UA" "$BASE/api/articles/$1" | jq -r .url | sed "s|^$BASE||"; }
P1=$(api_path st-1)
P2=$(api_path st-2)
P3=$(api_path 'st%2F3%20%3Cx%3E')
check "the articles have pages ($P1, $P2, $P3)" test -n "$P1" -a -n "$P2" -a -n "$P3" -a "$P3" != null

# view PATH N: N distinct visitors (each with its own cookie) read PATH.
view() {
	for i in $(seq 1 "$2"); do
		curl -s -A "$UA" -c "$TMP/v$1$i" -o /dev/null "$BASE/"
		curl -s -A "$UA" -b "$TMP/v$1$i" -o /dev/null "$BASE$3"
	done
}
view a 5 "$P1"
view b 2 "$P2"
view c 1 "$P3"
# Not views: a repeat, a bot, curl's own User-Agent.
curl -s -A "$UA" -b "$TMP/va1" -o /dev/null "$BASE$P1"
curl -s -A 'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)' -o /dev/null "$BASE$P1"
curl -s -o /dev/null "$BASE$P1"
# A reaction on st-1 (the page's form).
curl -s -A "$UA" -b "$TMP/va1" -H "Origin: $BASE" -d type=verygood -o /dev/null "$BASE/api/articles/st-1/reactions"

# The counter flushes every 200 ms: wait until the store has the 8 views.
stored() { db_query "SELECT coalesce(sum(views), 0) FROM view_hours"; }
for _ in $(seq 1 100); do [ "$(stored)" = 8 ] && break; sleep 0.1; done
check "8 views are stored (got $(stored))" test "$(stored)" = 8

# The hours the views went to (normally one; two when an hour ended meanwhile).
HOURS=$(db_query "SELECT hour || ' ' || sum(views) FROM view_hours GROUP BY hour")
# hour_title HOUR N: the <title> of the bar of that hour.
hour_title() {
	local from to
	from=$(date -u -d "@$(($1 * 3600))" '+%-d %b %Y, %H:00')
	to=$(date -u -d "@$((($1 + 1) * 3600))" '+%H:00')
	printf '<title>%s-%s UTC: %s views</title>' "$from" "$to" "$2"
}
# svgs: every <svg> of the last page, one per line, into $TMP/svg.N.
svgs() {
	rm -f "$TMP"/svg.*
	local n=0
	while IFS= read -r line; do
		n=$((n + 1))
		printf '%s\n' "$line" >"$TMP/svg.$n"
	done < <(grep -o '<svg.*</svg>' "$TMP/body")
	SVGS=$n
}
# check_charts WHAT TOTAL48 TOTALDAYS: the page's two charts are valid XML and sum up right.
check_charts() {
	svgs
	check "$1: two charts" test "$SVGS" = 2
	for f in "$TMP"/svg.*; do
		check "$1: $(basename "$f") is well-formed XML" xmllint --noout "$f"
		check "$1: $(basename "$f") has no script" sh -c "! grep -qi '<script' '$f'"
	done
	check "$1: the hourly chart's summary" grep -qE "aria-label=\"Views per hour, last 48 hours \\(UTC\\), [^\"]*: total $2 views" "$TMP/svg.1"
	check "$1: the daily chart's summary" grep -qE "aria-label=\"Views per day, last [0-9]+ days \\(UTC\\), [^\"]*: total $3 views" "$TMP/svg.2"
	check "$1: role=img with title and desc" grep -q 'role="img".*<title>Views per hour, last 48 hours (UTC)</title><desc>' "$TMP/svg.1"
}

login() {
	curl -s -c "$1" -b "$1" -o "$TMP/form" "$BASE/admin/login"
	local c
	c=$(sed -n 's/.*name="csrf" value="\([^"]*\)".*/\1/p' "$TMP/form")
	fetch /admin/login -c "$1" -b "$1" --data-urlencode "csrf=$c" \
		--data-urlencode "login=$2" --data-urlencode "password=$3"
}

# --- not logged in ---
fetch /admin/stats
expect_status 303 "/admin/stats without a session"
expect_header Location '^/admin/login\?next=%2Fadmin%2Fstats$' "to the login page"
fetch /admin/stats/section/world
expect_status 303 "a section's stats without a session"
fetch /admin/stats/article/st-1
expect_status 303 "an article's stats without a session"

login "$TMP/jar" bob "$PW"
expect_status 303 "the author logs in"

# --- the site ---
fetch /admin/stats -b "$TMP/jar"
expect_status 200 "the site's stats, as an author"
expect_header Cache-Control '^no-store$' "not stored"
expect_body 'aria-current="page">Stats</a>' "the navigation marks Stats"
check_charts site 8 8
while read -r h n; do
	t=$(hour_title "$h" "$n")
	check "the bar of hour $h carries its $n views ($t)" grep -qF "$t" "$TMP/svg.1"
done < <(printf '%s\n' "$HOURS")
expect_body '<strong>8</strong> views in the last 48 hours' "the 48-hour total"
expect_body '<strong>8</strong> views all time' "the all-time total"
expect_body_re '<a href="/admin/stats/article/st-1">Europe story</a><br><span class="muted">World/Europe</span></td><td class="num">5</td>' \
	"the most read article with its views"
expect_body '<a href="/admin/stats/article/st%2F3%20%3Cx%3E">Sport &amp; &lt;b&gt;story&lt;/b&gt;</a>' \
	"an odd id is URL-escaped and a title HTML-escaped"
expect_no_body '<b>story</b>' "no raw title"
WORLD=$(db_query "SELECT id FROM sections WHERE slug = 'world' AND parent_id IS NULL")
EUROPE=$(db_query "SELECT id FROM sections WHERE slug = 'europe'")
expect_body_re "<a href=\"/admin/stats/section/$WORLD\">World</a></td><td class=\"num\">[0-9]+</td><td class=\"num\">7</td>" \
	"World counts its subsection's views too"
expect_body_re "<a href=\"/admin/stats/section/$EUROPE\">World/Europe</a></td><td class=\"num\">[0-9]+</td><td class=\"num\">5</td>" \
	"World/Europe"
expect_body_re '>Sport</a></td><td class="num">[0-9]+</td><td class="num">1</td>' "Sport"
expect_body 'at most about a second behind' "the page says how fresh it is"
expect_body 'href="/admin/stats?days=90"' "the range links"
expect_body 'aria-current="page">30</a>' "30 days by default"

fetch '/admin/stats?days=7' -b "$TMP/jar"
expect_status 200 "7 days"
expect_body 'aria-label="Views per day, last 7 days (UTC)' "the daily chart spans 7 days"
expect_body 'aria-current="page">7</a>' "the range link is marked"
fetch '/admin/stats?days=1000' -b "$TMP/jar"
expect_body 'aria-label="Views per day, last 30 days (UTC)' "another range falls back to 30"

# --- a section: by id and by path ---
fetch "/admin/stats/section/$WORLD" -b "$TMP/jar"
expect_status 200 "World's stats by id"
check_charts World 7 7
expect_body '<h1>Section: World</h1>' "its name"
expect_body "<a href=\"/admin/stats/section/$EUROPE\">Europe</a></td><td class=\"num\">5</td>" \
	"its subsection with its views"
expect_body '>Europe story</a>' "its most read include the subsection's"
expect_no_body '>Sport &amp;' "but no other section's"
fetch /admin/stats/section/world/europe -b "$TMP/jar"
expect_status 200 "Europe's stats by path"
check_charts Europe 5 5
expect_body "<a href=\"/admin/stats/section/$WORLD\">World</a>" "the trail links to its parent"
expect_body 'This section has no subsections.' "no subsections"
fetch /admin/stats/section/nowhere -b "$TMP/jar"
expect_status 404 "an unknown section"
expect_body "There is no section &#39;nowhere&#39;." "named"
fetch /admin/stats/section/999999 -b "$TMP/jar"
expect_status 404 "an unknown section id"

# --- an article ---
fetch /admin/stats/article/st-1 -b "$TMP/jar"
expect_status 200 "st-1's stats"
check_charts st-1 5 5
expect_body '<h1>Europe story</h1>' "its title"
expect_body '<strong class="article-views">5</strong> views all time' "its total"
expect_body '<strong>1</strong> veryGood!' "its reactions"
expect_body "<a href=\"$P1\">View on the site</a>" "a link to the page"
expect_body '<a href="/admin/articles/st-1">Edit</a>' "and to the editor"
expect_body_re 'published 20 November 2026' "its publication date"
fetch '/admin/stats/article/st%2F3%20%3Cx%3E' -b "$TMP/jar"
expect_status 200 "an id with a slash, a space and <>"
check_charts st-3 1 1
expect_body '<a href="/admin/articles/st%2F3%20%3Cx%3E">Edit</a>' "the editor link is escaped"
fetch /admin/stats/article/no-such-article -b "$TMP/jar"
expect_status 404 "an unknown article"
expect_body "There is no article with the id &#39;no-such-article&#39;." "named"

# --- compacted days: view_days and view_hours add up per day ---
ID1=$(db_query "SELECT id FROM articles WHERE ext_id = 'st-1'")
DAY=$(($(date -u +%s) / 86400 - 3))
db_query "INSERT INTO view_days (article_id, day, views) VALUES ($ID1, $DAY, 12345);
	UPDATE article_stats SET views = views + 12345 WHERE article_id = $ID1"
check "an old day stored in view_days" test $? -eq 0
fetch /admin/stats/article/st-1 -b "$TMP/jar"
check_charts "st-1 with an old day" 5 12,350
DAYT=$(date -u -d "@$((DAY * 86400))" '+%-d %b %Y')
check "the bar of that day carries its count with separators" \
	grep -qF "<title>$DAYT: 12,345 views</title>" "$TMP/svg.2"
check "the peak is that day" grep -qF "peak 12,345 views on $DAYT" "$TMP/svg.2"
fetch /admin/stats -b "$TMP/jar"
expect_body '<strong>12,353</strong> views in the last 30 days' "the site's days total"
expect_body '<strong>12,353</strong> views all time' "and the all-time total"
fetch '/admin/stats/article/st-1?days=90' -b "$TMP/jar"
expect_body 'total 12,350 views' "90 days include it"

# A title longer than 511 bytes, with a two-byte letter across byte 511:
# the page shows it whole (it was cut into a 512-byte buffer, the cut
# string was not UTF-8 and the page came out empty).
LONG="$(printf 'a%.0s' $(seq 1 510))$(printf '\xc3\xa9%.0s' $(seq 1 100))"
printf '{"id":"st-long","title":"%s","body":"x","section":"World","status":"draft"}\n' "$LONG" \
	>"$TMP/long.jsonl"
"$ND_BIN" import --db "$DB" "$TMP/long.jsonl" 2>/dev/null
check "a draft with a long title imports" test $? -eq 0
fetch /admin/stats/article/st-long -b "$TMP/jar"
expect_status 200 "the stats of an article with a long title"
expect_body "<h1>$LONG</h1>" "its whole title"
expect_body '<figure><svg' "and its charts"

finish
