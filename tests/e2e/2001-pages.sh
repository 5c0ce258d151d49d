#!/usr/bin/env bash
# The public pages: home, sections with pagination, articles, tags, authors,
# errors, HEAD, redirects, escaping of hostile titles and bodies.
. "$(dirname "$0")/lib/common.sh"

# 25 stories in World/Europe (two pages of 20), one hostile, one Unicode.
{
	for i in $(seq -w 1 25); do
		printf '{"id":"eu-%s","title":"Europe story %s","body":"Paragraph one of story %s.\\n\\nParagraph two.","section":"World/Europe","author":"Ada Lovelace","tags":["Brussels","Summit"],"published_at":"2026-10-%sT08:00:00Z"}\n' "$i" "$i" "$i" "$i"
	done
	printf '%s\n' '{"id":"evil","title":"<script>alert(1)</script> Breaking","summary":"Sum <b>mary</b>","body":"Text <script>alert(2)</script> and <b onclick=\"x()\">bold</b>.\n\n<iframe src=\"http://evil\"></iframe>\n\n[link](javascript:alert(3))","section":"Politics","author":"Mallory","tags":["Security"],"published_at":"2026-11-01T10:00:00Z","updated_at":"2026-11-02T12:30:00Z"}'
	printf '%s\n' '{"id":"cafe","title":"Café crème à Paris","body":"*Un* café.","section":"Culture","published_at":"2026-11-03T09:00:00Z","source_url":"https://example.org/cafe"}'
} >"$TMP/site.jsonl"
"$ND_BIN" import --db "$DB" "$TMP/site.jsonl" 2>"$TMP/import.log"
check "fixture imports" test $? -eq 0

start_server || exit 1

fetch /
expect_status 200 "home"
expect_header Content-Type '^text/html; charset=utf-8' "home"
expect_body 'Café crème à Paris' "home lead story"
expect_body 'href="/world"' "home section navigation"
expect_body 'href="/culture/cafe-creme-a-paris"' "home links to the article"
expect_body '&lt;script&gt;alert(1)&lt;/script&gt; Breaking' "home escapes titles"
expect_no_body '<script>alert(1)' "home"

fetch /culture/cafe-creme-a-paris
expect_status 200 "article"
expect_body '<h1 class="headline">Café crème à Paris</h1>' "article headline"
expect_body '<em>Un</em> café.' "article body rendered from Markdown"
expect_body_re '<nav class="breadcrumb"' "article breadcrumb"
expect_body '<a href="/">Home</a>' "breadcrumb home"
expect_body '<a href="/culture">Culture</a>' "breadcrumb section"
expect_body '<time datetime="2026-11-03T09:00:00Z">3 November 2026, 09:00 UTC</time>' "article date"
expect_body 'https://example.org/cafe' "article source"
expect_header ETag '^"[0-9a-f]{16}"$' "article"
etag=$(header ETag)
fetch /culture/cafe-creme-a-paris -H "If-None-Match: $etag"
expect_status 304 "conditional GET with the page's ETag"

fetch /politics/script-alert-1-script-breaking
expect_status 200 "hostile article"
expect_body '&lt;script&gt;alert(1)&lt;/script&gt; Breaking' "hostile title is escaped"
expect_no_body '<script>alert' "hostile article"
expect_no_body 'onclick' "hostile article"
expect_no_body '<iframe' "hostile article"
expect_no_body 'javascript:' "hostile article"
expect_body 'Sum &lt;b&gt;mary&lt;/b&gt;' "summary is escaped"
expect_body 'By <a rel="author" href="/author/mallory">Mallory</a>' "byline"
expect_body 'Updated <time datetime="2026-11-02T12:30:00Z">' "updated date shown"
expect_body 'href="/tag/security"' "article tags"

fetch /world/europe/europe-story-25
expect_status 200 "nested section article"
expect_body '<a href="/world">World</a>' "breadcrumb parent section"
expect_body '<a href="/world/europe">Europe</a>' "breadcrumb child section"
expect_body 'More in Europe' "more-in-section block"
expect_no_body 'Updated' "no updated date when equal to published"

fetch /world
expect_status 200 "parent section lists its children's stories"
expect_body 'Europe story 25' "section page"
expect_body 'rel="next" href="/world?page=2"' "section pagination"
expect_no_body 'Europe story 05' "first page holds the newest 20"
fetch '/world?page=2'
expect_status 200 "section page 2"
expect_body 'Europe story 05' "page 2"
expect_body 'rel="prev" href="/world"' "page 2 links back"
fetch '/world?page=3'
expect_status 404 "past the last page"
fetch '/world?page=abc'
expect_status 404 "non-numeric page"

fetch /tag/brussels
expect_status 200 "tag page"
expect_body 'Europe story 25' "tag page lists"
fetch /author/ada-lovelace
expect_status 200 "author page"
expect_body 'Ada Lovelace' "author page"
fetch /tag/no-such-tag
expect_status 404 "unknown tag"

fetch /no/such/page
expect_status 404 "unknown page"
expect_header Content-Type '^text/html' "404 page"
expect_body 'Not Found' "404 page is themed"
expect_body 'href="/static/style.css?v=' "404 page uses the theme"

fetch /world/
expect_status 301 "trailing slash"
expect_header Location '^/world$' "trailing slash redirect"

fetch / -I
expect_status 200 "HEAD /"
expect_no_body '<html' "HEAD response"
expect_header Content-Length '^[1-9][0-9]*$' "HEAD keeps the length"

fetch / -X POST -d x=1
expect_status 405 "POST to a page"
expect_header Allow 'GET, HEAD' "405"

fetch /robots.txt
expect_status 200 "robots.txt"
expect_body 'User-agent: *' "robots.txt"

# Static assets: validators and long lifetimes for versioned URLs.
fetch /
css=$(grep -o '/static/style.css?v=[0-9a-f]*' "$TMP/body" | head -n1)
fetch "$css"
expect_status 200 "stylesheet"
expect_header Content-Type '^text/css' "stylesheet"
expect_header Cache-Control 'max-age=31536000, immutable' "versioned stylesheet"
expect_header ETag '^"[0-9a-f]{16}"$' "stylesheet"
expect_header Last-Modified 'GMT$' "stylesheet"
etag=$(header ETag)
lm=$(header Last-Modified)
fetch "$css" -H "If-None-Match: $etag"
expect_status 304 "stylesheet If-None-Match"
fetch /static/style.css -H "If-Modified-Since: $lm"
expect_status 304 "stylesheet If-Modified-Since"
fetch /static/style.css
expect_header Cache-Control 'max-age=300' "unversioned stylesheet"
fetch '/static/..%2f..%2fCMakeLists.txt'
expect_status 404 "path traversal"
fetch /static/nope.css
expect_status 404 "missing asset"

# Percent-encoded UTF-8 in paths reaches the right page; invalid UTF-8 does not.
fetch '/tag/%E2%98%83'
expect_status 404 "unknown UTF-8 tag"
fetch '/%ff%fe'
expect_status 400 "invalid UTF-8 path"

# The page cache hands out exactly what rendering gives.
fetch /world/europe/europe-story-07
cp "$TMP/body" "$TMP/first"
first_etag=$(header ETag)
fetch /world/europe/europe-story-07
check "a cached page is the same page" cmp -s "$TMP/first" "$TMP/body"
expect_header ETag "^$first_etag\$" "cached page"
expect_header Content-Security-Policy "default-src 'self'" "cached page"
fetch /world/europe/europe-story-07 -H "If-None-Match: $first_etag"
expect_status 304 "cached page revalidated"
stop_server
check "server stops cleanly on SIGTERM" test $? -eq 0

start_server --page-cache-mb 0 || exit 1
fetch /world/europe/europe-story-07
# Absolute links carry the Host header, whose port differs per server.
sed 's/127\.0\.0\.1:[0-9]*/HOST/g' "$TMP/first" >"$TMP/first.norm"
sed 's/127\.0\.0\.1:[0-9]*/HOST/g' "$TMP/body" >"$TMP/body.norm"
check "without the cache the page is the same" cmp -s "$TMP/first.norm" "$TMP/body.norm"
stop_server

finish
