#!/usr/bin/env bash
# Article page metadata: canonical, OpenGraph, Twitter card, JSON-LD
# NewsArticle and BreadcrumbList (parsed with jq), and a hostile title
# that tries to close the <script> element; home and section pages.
. "$(dirname "$0")/lib/common.sh"

{
	printf '%s\n' '{"id":"evil","title":"Bad </script><script>alert(1)</script> & <!-- co","summary":"Sum </script> mary","body":"Body.","section":"World/Europe","author":"Ada Lovelace","tags":["Summit","EU"],"image":"https://img.example/a.jpg","language":"fr","published_at":"2026-11-01T10:00:00Z","updated_at":"2026-11-02T12:30:00Z"}'
	printf '%s\n' '{"id":"plain","title":"Plain story","body":"Plain.","section":"Culture","published_at":"2026-11-03T10:00:00Z"}'
} >"$TMP/site.jsonl"
"$ND_BIN" import --db "$DB" "$TMP/site.jsonl" 2>"$TMP/import.log"
check "fixture imports" test $? -eq 0
start_server || exit 1

ART=/world/europe/bad-script-script-alert-1-script-co
fetch $ART
expect_status 200 "article"
expect_body "<link rel=\"canonical\" href=\"$BASE$ART\">" "canonical"
expect_body '<meta property="og:type" content="article">' "og:type"
expect_body '<meta property="og:title" content="Bad &lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt; &amp; &lt;!-- co">' "og:title escaped"
expect_body '<meta property="og:description" content="Sum &lt;/script&gt; mary">' "og:description"
expect_body "<meta property=\"og:url\" content=\"$BASE$ART\">" "og:url"
expect_body '<meta property="og:image" content="https://img.example/a.jpg">' "og:image"
expect_body '<meta property="og:site_name" content="Newsdesk">' "og:site_name"
expect_body '<meta property="article:published_time" content="2026-11-01T10:00:00Z">' "published_time"
expect_body '<meta property="article:modified_time" content="2026-11-02T12:30:00Z">' "modified_time"
expect_body '<meta property="article:section" content="Europe">' "article:section"
expect_body '<meta property="article:tag" content="Summit">' "article:tag"
expect_body '<meta property="article:tag" content="EU">' "article:tag"
expect_body '<meta name="twitter:card" content="summary_large_image">' "twitter:card with an image"
expect_body '<meta name="twitter:image" content="https://img.example/a.jpg">' "twitter:image"
expect_body '<meta name="twitter:title" content="Bad &lt;/script&gt;' "twitter:title"
expect_no_body '<script>alert' "the hostile title"
expect_no_body '</script><script>' "the hostile title"

# The JSON-LD blocks: each script body parses; nothing breaks out.
check "two JSON-LD blocks" test "$(grep -c '<script type="application/ld+json">' "$TMP/body")" = 2
sed -n 's|^<script type="application/ld+json">\(.*\)</script>$|\1|p' "$TMP/body" >"$TMP/ld"
check "each JSON-LD block is one line ending in </script>" test "$(wc -l <"$TMP/ld")" = 2
check "JSON-LD has no raw <, > or &" bash -c "! grep -q '[<>&]' '$TMP/ld'"
check "NewsArticle" jq -se >/dev/null --arg base "$BASE" --arg art "$ART" '
	.[0]["@context"] == "https://schema.org" and .[0]["@type"] == "NewsArticle" and
	.[0].headline == "Bad </script><script>alert(1)</script> & <!-- co" and
	.[0].description == "Sum </script> mary" and
	.[0].datePublished == "2026-11-01T10:00:00Z" and .[0].dateModified == "2026-11-02T12:30:00Z" and
	.[0].author == {"@type": "Person", "name": "Ada Lovelace", "url": ($base + "/author/ada-lovelace")} and
	.[0].articleSection == "Europe" and .[0].image == ["https://img.example/a.jpg"] and
	.[0].publisher["@type"] == "Organization" and .[0].publisher.name == "Newsdesk" and
	(.[0].publisher.logo.url | startswith($base + "/static/favicon.svg")) and
	.[0].mainEntityOfPage["@id"] == ($base + $art) and .[0].inLanguage == "fr"' "$TMP/ld"
check "BreadcrumbList" jq -se >/dev/null --arg base "$BASE" --arg art "$ART" '
	.[1]["@type"] == "BreadcrumbList" and
	[.[1].itemListElement[] | [.position, .name, .item]] == [
		[1, "Home", ($base + "/")], [2, "World", ($base + "/world")],
		[3, "Europe", ($base + "/world/europe")],
		[4, "Bad </script><script>alert(1)</script> & <!-- co", ($base + $art)]]' "$TMP/ld"

fetch /culture/plain-story
expect_body '<meta name="twitter:card" content="summary">' "twitter:card without an image"
expect_no_body 'og:image' "article without an image"
sed -n 's|^<script type="application/ld+json">\(.*\)</script>$|\1|p' "$TMP/body" >"$TMP/ld"
check "no author, no image in the JSON-LD" jq -se >/dev/null '.[0] | has("author") or has("image") | not' "$TMP/ld"

for p in / /world; do
	fetch $p
	expect_body '<meta property="og:type" content="website">' "og:type on $p"
	expect_body '<meta property="og:site_name" content="Newsdesk">' "og:site_name on $p"
	expect_body "<link rel=\"canonical\" href=\"$BASE$p\">" "canonical on $p"
	expect_no_body 'application/ld+json' "$p"
	expect_no_body 'article:published_time' "$p"
done
finish
