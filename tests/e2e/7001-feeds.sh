#!/usr/bin/env bash
# Feeds: RSS 2.0, Atom 1.0 and JSON Feed 1.1 of the site, a section (with
# its subsections), a tag and an author: types, well-formed XML and JSON,
# items newest first with full content, escaping, conditional GET,
# autodiscovery links.
. "$(dirname "$0")/lib/common.sh"

{
	for i in 1 2 3; do
		printf '{"id":"eu-%s","title":"Europe story %s","body":"Body of **story %s**.","section":"World/Europe","author":"Ada Lovelace","tags":["Summit"],"published_at":"2026-10-0%sT08:00:00Z"}\n' "$i" "$i" "$i" "$i"
	done
	printf '%s\n' '{"id":"w","title":"World story","body":"World body.","section":"World","image":"/img/w.jpg","published_at":"2026-10-05T08:00:00Z"}'
	printf '%s\n' '{"id":"evil","title":"<script>alert(1)</script> & \"Breaking\" \u0001\u001f","summary":"Sum <b>mary</b>","body":"Text <b>bold</b> ]]> x","section":"Politics","author":"Mallory","tags":["Security"],"published_at":"2026-11-01T10:00:00Z","updated_at":"2026-11-02T12:30:00Z"}'
} >"$TMP/site.jsonl"
"$ND_BIN" import --db "$DB" "$TMP/site.jsonl" 2>"$TMP/import.log"
check "fixture imports" test $? -eq 0
start_server || exit 1

# xml_titles XPATH FILE: the text of each match's title child, "|"-ended.
xml_titles() {
	local n i
	n=$(xmllint --xpath "count($1)" "$2")
	for i in $(seq 1 "$n"); do
		printf '%s|' "$(xmllint --xpath "string(($1)[$i]/*[local-name()=\"title\"])" "$2")"
	done
}

# check_feed PATH KIND TITLE...: the feed at PATH answers with KIND's type,
# parses, and lists exactly the titles given, in that order.
check_feed() {
	local path=$1 kind=$2 titles
	shift 2
	fetch "$path"
	expect_status 200 "$path"
	case $kind in
	rss)
		expect_header Content-Type '^application/rss\+xml; charset=utf-8$' "$path"
		check "$path is well-formed XML" xmllint --noout "$TMP/body"
		titles=$(xml_titles '//item' "$TMP/body")
		;;
	atom)
		expect_header Content-Type '^application/atom\+xml; charset=utf-8$' "$path"
		check "$path is well-formed XML" xmllint --noout "$TMP/body"
		titles=$(xml_titles '//*[local-name()="entry"]' "$TMP/body")
		;;
	json)
		expect_header Content-Type '^application/feed\+json; charset=utf-8$' "$path"
		check "$path is JSON Feed 1.1" jq -e >/dev/null '.version == "https://jsonfeed.org/version/1.1"' "$TMP/body"
		titles=$(jq -r '.items[].title' "$TMP/body" | tr -d '\001\037' | tr '\n' '|')
		;;
	esac
	local want
	want=$(printf '%s|' "$@")
	if [ "$titles" = "$want" ]; then pass; else fail "$path items: '$titles', expected '$want'"; fi
}

for f in feed.xml:rss atom.xml:atom feed.json:json; do
	name=${f%%:*}
	kind=${f##*:}
	check_feed "/world/$name" "$kind" "World story" "Europe story 3" "Europe story 2" "Europe story 1"
	check_feed "/world/europe/$name" "$kind" "Europe story 3" "Europe story 2" "Europe story 1"
	check_feed "/tag/summit/$name" "$kind" "Europe story 3" "Europe story 2" "Europe story 1"
	check_feed "/author/mallory/$name" "$kind" '<script>alert(1)</script> & "Breaking" '
	fetch "/$name"
	expect_status 200 "/$name"
	fetch "/nowhere/$name"
	expect_status 404 "a feed of no section"
	fetch "/tag/nowhere/$name"
	expect_status 404 "a feed of no tag"
done

# The site's RSS: absolute links, stable guids, RFC 822 dates, full content.
fetch /feed.xml
check "site RSS parses" xmllint --noout "$TMP/body"
expect_body "<link>$BASE/</link>" "RSS channel link"
expect_body "<atom:link rel=\"self\" type=\"application/rss+xml\" href=\"$BASE/feed.xml\"/>" "RSS self link"
expect_body "<guid isPermaLink=\"true\">$BASE/politics/script-alert-1-script-breaking</guid>" "RSS guid"
expect_body '<pubDate>Sun, 01 Nov 2026 10:00:00 GMT</pubDate>' "RSS date"
expect_body '<title>&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;Breaking&quot; </title>' "RSS escapes titles and drops control characters"
expect_no_body '<script>' "RSS"
body=$(xmllint --xpath 'string(//item[1]/*[local-name()="encoded"])' "$TMP/body")
check "RSS content:encoded holds the rendered body" test "$body" = "<p>Text <!-- raw HTML omitted -->bold<!-- raw HTML omitted --> ]]&gt; x</p>"
first=$(xmllint --xpath 'string(//item[last()]/*[local-name()="encoded"])' "$TMP/body")
check "RSS full content of a Markdown body" test "$first" = "<p>Body of <strong>story 1</strong>.</p>"

fetch /atom.xml
expect_body '<updated>2026-11-02T12:30:00Z</updated>' "Atom updated"
expect_body '<published>2026-11-01T10:00:00Z</published>' "Atom published"
expect_body "<id>$BASE/politics/script-alert-1-script-breaking</id>" "Atom entry id"
expect_body '<content type="html">&lt;p&gt;Body of &lt;strong&gt;story 1' "Atom content"

fetch /feed.json
check "JSON Feed items carry content_html and RFC 3339 dates" jq -e >/dev/null \
	--arg base "$BASE" '.items[0].id == ($base + "/politics/script-alert-1-script-breaking") and
	.items[0].date_published == "2026-11-01T10:00:00Z" and .items[0].date_modified == "2026-11-02T12:30:00Z" and
	.items[0].authors[0].name == "Mallory" and (.items[-1].content_html | startswith("<p>Body of <strong>story 1")) and
	.home_page_url == ($base + "/") and .feed_url == ($base + "/feed.json")' "$TMP/body"

check "JSON Feed images are absolute" jq -e >/dev/null --arg base "$BASE" \
	'[.items[] | select(.image)] | map(.image) == [$base + "/img/w.jpg"]' "$TMP/body"

# Conditional GET: ETag and Last-Modified (the newest updated_at).
for path in /feed.xml /world/atom.xml /tag/summit/feed.json; do
	fetch "$path"
	etag=$(header ETag)
	lm=$(header Last-Modified)
	check "$path has an ETag" test -n "$etag"
	fetch "$path" -H "If-None-Match: $etag"
	expect_status 304 "$path If-None-Match"
	fetch "$path" -H "If-Modified-Since: $lm"
	expect_status 304 "$path If-Modified-Since"
	fetch "$path" -H "If-Modified-Since: Thu, 01 Jan 2015 00:00:00 GMT"
	expect_status 200 "$path If-Modified-Since before"
done
fetch /feed.xml
expect_header Last-Modified '^Mon, 02 Nov 2026 12:30:00 GMT$' "site feed"
old_etag=$(header ETag)

# A changed store: a new item, a new ETag.
printf '%s\n' '{"id":"new","title":"Newest story","body":"New.","section":"World","published_at":"2026-11-05T08:00:00Z"}' >"$TMP/2.jsonl"
"$ND_BIN" import --db "$DB" "$TMP/2.jsonl" 2>/dev/null
seen=0
for _ in $(seq 1 50); do
	fetch /feed.xml -H "If-None-Match: $old_etag"
	[ "$STATUS" = 200 ] && { seen=1; break; }
	sleep 0.1
done
check "a changed store gives 200" test $seen -eq 1
check "with a new ETag" test "$(header ETag)" != "$old_etag"
expect_body '<title>Newest story</title>' "the new item"
expect_header Last-Modified '^Thu, 05 Nov 2026 08:00:00 GMT$' "new Last-Modified"

# Autodiscovery: site feeds everywhere, the section's, tag's, author's own.
fetch /
expect_body "<link rel=\"alternate\" type=\"application/rss+xml\" title=\"Newsdesk (RSS)\" href=\"$BASE/feed.xml\">" "home RSS link"
expect_body "type=\"application/atom+xml\" title=\"Newsdesk (Atom)\" href=\"$BASE/atom.xml\"" "home Atom link"
expect_body "type=\"application/feed+json\" title=\"Newsdesk (JSON Feed)\" href=\"$BASE/feed.json\"" "home JSON link"
fetch /world/europe
expect_body "title=\"Europe (RSS)\" href=\"$BASE/world/europe/feed.xml\"" "section feed link"
expect_body "href=\"$BASE/feed.xml\"" "site feed link on a section"
fetch /tag/summit
expect_body "title=\"Summit (Atom)\" href=\"$BASE/tag/summit/atom.xml\"" "tag feed link"
fetch /author/ada-lovelace
expect_body "title=\"Ada Lovelace (JSON Feed)\" href=\"$BASE/author/ada-lovelace/feed.json\"" "author feed link"
fetch /world/europe/europe-story-1
expect_body "href=\"$BASE/feed.xml\"" "site feed link on an article"

fetch /feed.xml -I
expect_status 200 "HEAD of a feed"
finish
