#!/usr/bin/env bash
# Compressed answers (issue 8, Speed 1): pages, API JSON, feeds and static
# files in gzip or brotli as Accept-Encoding asks, byte for byte the page
# the identity answer is, with one ETag per coding, 304s, HEAD, Vary, and
# live values (counts, the personal list) inside the compressed page.
. "$(dirname "$0")/lib/common.sh"

demo_site
start_server || exit 1
UA='Mozilla/5.0 (X11; Linux x86_64) Firefox/128.0'

article=$(curl -s "$BASE/api/articles/ecbplus-39_1ecbplus" | sed -n 's|.*"url":"http://[^/]*\([^"]*\)".*|\1|p')
check "the demo article has a page ($article)" test -n "$article"

# fetch_raw PATH OUT [CURL ARGS]: the bytes as sent (no decoding), headers in OUT.h.
fetch_raw() {
	local path=$1 out=$2
	shift 2
	curl -s -o "$out" -D "$out.h" --max-time 10 "$@" "$BASE$path"
}
hdr() { grep -i "^$2:" "$1.h" | tail -n1 | cut -d: -f2- | sed 's/^ *//; s/\r$//'; }

# ask_codings PATH: the page in identity, gzip and brotli, asked for in a
# row, then a conditional GET with the gzip ETag; succeeds when all of it
# is one page (the checks below then say what each answer was).
ask_codings() {
	fetch_raw "$1" "$TMP/id"
	fetch_raw "$1" "$TMP/gz" -H 'Accept-Encoding: gzip'
	gzip -dc <"$TMP/gz" >"$TMP/gz.out" 2>"$TMP/gz.err"
	gz_rc=$?
	# Brotli: a page with live values is compressed once its values have
	# been asked for twice (before that: gzip); curl decodes both.
	curl -s -o /dev/null --compressed -H 'Accept-Encoding: br, gzip' "$BASE$1"
	fetch_raw "$1" "$TMP/br" -H 'Accept-Encoding: br, gzip'
	curl -s -o "$TMP/br.out" --compressed -H 'Accept-Encoding: br' "$BASE$1"
	e_id=$(hdr "$TMP/id" ETag) e_gz=$(hdr "$TMP/gz" ETag) e_br=$(hdr "$TMP/br" ETag)
	rm -f "$TMP/body"
	fetch "$1" -H 'Accept-Encoding: gzip' -H "If-None-Match: $e_gz"
	cmp -s "$TMP/id" "$TMP/gz.out" && cmp -s "$TMP/id" "$TMP/br.out" && [ "$STATUS" = 304 ]
}

# The same page in each coding (wrk-like client: no User-Agent, a robot,
# so nothing is counted). A Ranking count can still move between the asks
# (a view leaves the 24-hour window as a minute turns): then ask again.
for path in "$article" / /entertainment /api/articles /feed.xml /sitemap.xml /search?q=doctor; do
	for _ in 1 2 3; do
		ask_codings "$path" && break
		sleep 1
	done
	check "$path: gzip asked, gzip sent" test "$(hdr "$TMP/gz" Content-Encoding)" = gzip
	check "$path: valid gzip ($(cat "$TMP/gz.err"))" test "$gz_rc" -eq 0
	check "$path: gzip is the identity page" cmp -s "$TMP/id" "$TMP/gz.out"
	check "$path: gzip is smaller ($(wc -c <"$TMP/gz") of $(wc -c <"$TMP/id"))" \
		test "$(wc -c <"$TMP/gz")" -lt "$(($(wc -c <"$TMP/id") / 2))"
	check "$path: Vary names Accept-Encoding" grep -qi '^Vary:.*Accept-Encoding' "$TMP/gz.h"
	check "$path: identity has no Content-Encoding" test -z "$(hdr "$TMP/id" Content-Encoding)"
	check "$path: br asked again, br sent" test "$(hdr "$TMP/br" Content-Encoding)" = br
	check "$path: br decodes to the identity page" cmp -s "$TMP/id" "$TMP/br.out"
	check "$path: br is smaller than gzip" test "$(wc -c <"$TMP/br")" -lt "$(wc -c <"$TMP/gz")"
	# One ETag per coding; each gets its 304, and not the other's.
	check "$path: ETags differ per coding ($e_id $e_gz $e_br)" \
		test "$e_id" != "$e_gz" -a "$e_gz" != "$e_br" -a "${e_gz%-gz\"}\"" = "$e_id"
	expect_status 304 "$path: gzip ETag revalidates in gzip"
	check "$path: a 304 has no body" test ! -s "$TMP/body"
	fetch "$path" -H "If-None-Match: $e_gz"
	expect_status 200 "$path: the gzip ETag does not match the identity page"
done

# HEAD: the length of what GET would send.
for _ in 1 2 3; do # (asked again if a Ranking count moved in between)
	fetch_raw "$article" "$TMP/gz" -H 'Accept-Encoding: gzip'
	len=$(wc -c <"$TMP/gz")
	curl -s -I -H 'Accept-Encoding: gzip' "$BASE$article" >"$TMP/head.h"
	grep -qi "^Content-Length: $len" "$TMP/head.h" && break
	sleep 1
done
check "HEAD in gzip: Content-Length $len" grep -qi "^Content-Length: $len" "$TMP/head.h"
check "HEAD in gzip: Content-Encoding" grep -qi '^Content-Encoding: gzip' "$TMP/head.h"

# Static files: compressed at start, with a long cache life.
css=$(grep -o 'href="/static/[^"]*\.css[^"]*"' "$TMP/id" | head -n1 | cut -d'"' -f2)
css=${css:-$(curl -s "$BASE/" | grep -o 'href="/static/[^"]*\.css[^"]*"' | head -n1 | cut -d'"' -f2)}
check "a stylesheet is linked ($css)" test -n "$css"
fetch_raw "$css" "$TMP/css"
fetch_raw "$css" "$TMP/css.br" -H 'Accept-Encoding: gzip, deflate, br'
check "stylesheet in br" test "$(hdr "$TMP/css.br" Content-Encoding)" = br
curl -s -o "$TMP/css.out" --compressed -H 'Accept-Encoding: br' "$BASE$css"
check "stylesheet br decodes to the file" cmp -s "$TMP/css" "$TMP/css.out"
fetch_raw "$css" "$TMP/css.gz" -H 'Accept-Encoding: gzip'
gzip -dc <"$TMP/css.gz" >"$TMP/css.gz.out" 2>/dev/null
check "stylesheet gzip decodes to the file" cmp -s "$TMP/css" "$TMP/css.gz.out"

# Readers: each one's view is counted and each has a personal list, so the
# page changes from one answer to the next; every compressed answer is still
# the whole page it says, with the count of the moment.
# (Other articles than the one measured: a second view of it would be a
# repeat, whose unchanged values are then kept whole, in brotli.)
mapfile -t others < <(curl -s "$BASE/api/articles?limit=13" | grep -o '"url":"[^"]*"' | cut -d'"' -f4 | sed 's|http://[^/]*||' | grep -vxF "$article")
prev=
for i in 1 2 3; do
	jar=$TMP/jar$i
	for p in "${others[@]:$((i * 3)):3}"; do
		curl -s -o /dev/null -A "$UA" -b "$jar" -c "$jar" "$BASE$p"
	done
	fetch_raw "$article" "$TMP/r$i" -A "$UA" -b "$jar" -c "$jar" -H 'Accept-Encoding: gzip, deflate, br'
	enc=$(hdr "$TMP/r$i" Content-Encoding)
	check "reader $i's page compressed ($enc)" test "$enc" = gzip
	gzip -dc <"$TMP/r$i" >"$TMP/r$i.out"
	check "reader $i's page is whole" grep -q '</html>' "$TMP/r$i.out"
	views=$(grep -o '<span class="views">View [0-9,]*' "$TMP/r$i.out" | head -n1)
	check "reader $i's page: the view count moves ($views after '$prev')" test -n "$views" -a "$views" != "$prev"
	check "reader $i's page has the Recommendation list" grep -q 'class="block recommendation"' "$TMP/r$i.out"
	prev=$views
done
e1=$(hdr "$TMP/r2" ETag) e2=$(hdr "$TMP/r3" ETag)
check "the ETag follows the count ($e1 $e2)" test "$e1" != "$e2"

# A reader's block is kept for their next request of the page, and made
# again at once when they read something: what they read leaves the list.
jar=$TMP/jar1
fetch_raw "$article" "$TMP/k1" -A "$UA" -b "$jar" -c "$jar"
fetch_raw "$article" "$TMP/k2" -A "$UA" -b "$jar" -c "$jar"
recs() { tr -d '\n' <"$1" | grep -o 'class="block recommendation".*' | grep -o 'href="[^"]*?ref=rec"' | cut -d'"' -f2 | sed 's/?ref=rec$//'; }
rec() { recs "$1" | head -n"$2" | tail -n1; }
first=$(rec "$TMP/k2" 1)
check "a reload shows the same list (kept)" test "$(rec "$TMP/k1" 1)" = "$first" -a -n "$first"
curl -s -o /dev/null -A "$UA" -b "$jar" -c "$jar" "$BASE$first"
fetch_raw "$article" "$TMP/k3" -A "$UA" -b "$jar" -c "$jar"
check "after reading $first, it is gone from the list ($(recs "$TMP/k3" | wc -l) left)" \
	test -z "$(recs "$TMP/k3" | grep -xF "$first")" -a -n "$(recs "$TMP/k3")"

# A page over 64 KB goes out as a scatter/gather (iovec) response, not
# gathered into one buffer first (http/http.h ND_HTTP_GATHER_COPY).
python3 - "$TMP/long.jsonl" <<'PY'
import json, sys
body = "\n\n".join("Paragraph %d of a very long report, with figures %d and %d." % (i, i * 7, i * 13) for i in range(3000))
with open(sys.argv[1], "w") as f:
    f.write(json.dumps({"id": "long-report", "title": "A very long report", "body": body, "section": "World"}) + "\n")
PY
"$ND_BIN" import --db "$DB" "$TMP/long.jsonl" >/dev/null 2>&1
check "the long article imports" test $? -eq 0
for _ in $(seq 1 100); do
	[ "$(curl -s -o /dev/null -w '%{http_code}' "$BASE/world/a-very-long-report")" = 200 ] && break
	sleep 0.1
done
fetch_raw /world/a-very-long-report "$TMP/long"
check "the long page is over 64 KB ($(wc -c <"$TMP/long"))" test "$(wc -c <"$TMP/long")" -gt 65536
check "the long page is whole" grep -q '</html>' "$TMP/long"
check "the long page has its last paragraph" grep -q 'Paragraph 2999 of' "$TMP/long"
fetch_raw /world/a-very-long-report "$TMP/long.gz" -H 'Accept-Encoding: gzip'
gzip -dc <"$TMP/long.gz" >"$TMP/long.gz.out" 2>"$TMP/long.gz.err"
check "the long page in gzip is valid gzip ($(cat "$TMP/long.gz.err"))" test $? -eq 0
# (Not compared byte for byte: the readers above have views being flushed
# now, and the Ranking block in the page may change between the two asks.)
check "the long page in gzip is whole" grep -q 'Paragraph 2999 of.*' "$TMP/long.gz.out"
check "the long page in gzip ends the page" grep -q '</html>' "$TMP/long.gz.out"
check "the long page in gzip has the body of the identity page" \
	cmp -s <(grep -o 'Paragraph [0-9]* of' "$TMP/long") <(grep -o 'Paragraph [0-9]* of' "$TMP/long.gz.out")

# No page cache: the answers are cut into parts all the same, per request.
stop_server
start_server --page-cache-mb 0 || exit 1
fetch_raw "$article" "$TMP/nc" -H 'Accept-Encoding: gzip'
gzip -dc <"$TMP/nc" >"$TMP/nc.out"
check "no cache: the page in gzip" test "$(hdr "$TMP/nc" Content-Encoding)" = gzip
check "no cache: the count is filled in" grep -q '<span class="views">View [0-9]' "$TMP/nc.out"
check "no cache: no marker left" sh -c "! grep -q 'ndh[0-9a-f]\{16\}-' '$TMP/nc.out'"
rm -f "$TMP/body"
fetch "$article" -H 'Accept-Encoding: gzip' -H "If-None-Match: $(hdr "$TMP/nc" ETag)"
expect_status 304 "no cache: the ETag revalidates"

finish
