#!/usr/bin/env bash
# Sitemaps: the index, the article and section files and the Google News
# sitemap validate against their schemas (tests/data/schemas, xmllint);
# the news sitemap holds only the last 48 hours; robots.txt names the index.
. "$(dirname "$0")/lib/common.sh"

SCHEMAS=$ND_SOURCE_DIR/tests/data/schemas
now=$(date -u +%Y-%m-%dT%H:%M:%SZ)
old=$(date -u -d '-3 days' +%Y-%m-%dT%H:%M:%SZ)
{
	printf '{"id":"new","title":"Fresh <b>news</b> & more","body":"Now.","section":"World/Europe","author":"Ada Lovelace","tags":["Summit"],"published_at":"%s"}\n' "$now"
	printf '{"id":"old","title":"Old news","body":"Then.","section":"Politics","published_at":"%s","updated_at":"%s"}\n' "$old" "$old"
	printf '%s\n' '{"id":"older","title":"Older news","body":"Long ago.","section":"Culture","published_at":"2026-01-01T10:00:00Z","updated_at":"2026-01-02T10:00:00Z"}'
} >"$TMP/site.jsonl"
"$ND_BIN" import --db "$DB" "$TMP/site.jsonl" 2>"$TMP/import.log"
check "fixture imports" test $? -eq 0
start_server || exit 1

fetch /robots.txt
expect_status 200 "robots.txt"
expect_body 'Disallow: /api/' "robots.txt keeps its rules"
expect_body "Sitemap: $BASE/sitemap.xml" "robots.txt names the sitemap"

# validate PATH SCHEMA: fetches and validates strictly against SCHEMA.
validate() {
	fetch "$1"
	expect_status 200 "$1"
	expect_header Content-Type '^application/xml; charset=utf-8$' "$1"
	if xmllint --noout --schema "$SCHEMAS/$2" "$TMP/body" 2>"$TMP/xmllint.log"; then pass; else
		fail "$1 does not validate against $2: $(cat "$TMP/xmllint.log")"
	fi
}

validate /sitemap.xml siteindex.xsd
locs=$(xmllint --xpath '//*[local-name()="loc"]/text()' "$TMP/body" | tr '\n' ' ')
check "the index lists the parts ($locs)" test "$locs" = "$BASE/sitemaps/sections.xml $BASE/sitemaps/articles-1.xml $BASE/sitemaps/news.xml "
etag=$(header ETag)
fetch /sitemap.xml -H "If-None-Match: $etag"
expect_status 304 "sitemap index conditional GET"

validate /sitemaps/articles-1.xml sitemap.xsd
check "the article sitemap has every article" test "$(xmllint --xpath 'count(//*[local-name()="url"])' "$TMP/body")" = 3
expect_body "<url><loc>$BASE/politics/old-news</loc><lastmod>$old</lastmod></url>" "article lastmod"
expect_body "<url><loc>$BASE/culture/older-news</loc><lastmod>2026-01-02T10:00:00Z</lastmod></url>" "article lastmod is updated_at"
fetch /sitemaps/articles-2.xml
expect_status 404 "no second article file"
fetch /sitemaps/articles-01.xml
expect_status 404 "no leading zeros"
fetch /sitemaps/other.xml
expect_status 404 "unknown sitemap"

validate /sitemaps/sections.xml sitemap.xsd
for p in / /world /world/europe /politics /culture /tag/summit /author/ada-lovelace; do
	expect_body "<loc>$BASE$p</loc>" "sections sitemap"
done

validate /sitemaps/news.xml sitemap-with-news.xsd
check "the news sitemap holds the last 48 hours only" \
	test "$(xmllint --xpath 'count(//*[local-name()="url"])' "$TMP/body")" = 1
expect_body "<loc>$BASE/world/europe/fresh-b-news-b-more</loc>" "news sitemap article"
expect_body '<news:publication><news:name>Newsdesk</news:name><news:language>en</news:language></news:publication>' "news publication"
expect_body "<news:publication_date>$now</news:publication_date>" "news date"
expect_body '<news:title>Fresh &lt;b&gt;news&lt;/b&gt; &amp; more</news:title>' "news title escaped"
expect_no_body 'old-news' "news sitemap"

# The schemas catch what they should (the test is not vacuous).
sed 's|<news:language>en<|<news:language>english<|' "$TMP/body" >"$TMP/bad.xml"
check "a bad news sitemap fails" bash -c "! xmllint --noout --schema '$SCHEMAS/sitemap-with-news.xsd' '$TMP/bad.xml' 2>/dev/null"
finish
