#!/usr/bin/env bash
# Article paths that stop showing an article (issue 6, item 2): a new slug
# leaves the old path answering 301 to the new page; unpublishing answers
# 410 Gone with the themed page, and publishing again brings the page back;
# a deleted article's path is 410 too; a path that never was stays 404;
# HEAD answers alike; the sitemaps and feeds hold nothing taken down.
. "$(dirname "$0")/lib/common.sh"

export ND_TEST_FAST_HASH=1
PW='correct horse battery staple'
nd() { "$ND_BIN" "$@" --db "$DB" 2>"$TMP/cli.err"; }

echo "$PW" | nd user add ed --role editor --name "Ed Editor" >/dev/null
ED=$(nd token add ed --name "CI")
start_server --reload-interval-ms 50 || exit 1

api() {
	local m=$1 p=$2
	shift 2
	fetch "$p" -X "$m" -H "Authorization: Bearer $ED" -H 'Content-Type: application/json' "$@"
}
# wait_status STATUS PATH [CURL ARGS]: polls (at most 5 s) until PATH answers
# STATUS: the snapshot is rebuilt a moment after a write.
wait_status() {
	local want=$1 path=$2
	shift 2
	for _ in $(seq 1 100); do
		fetch "$path" "$@"
		[ "$STATUS" = "$want" ] && return 0
		sleep 0.05
	done
	return 1
}

api POST /api/articles -d '{"id":"g-1","title":"Harbour reopens","body":"The harbour is open.","section":"World/Europe"}'
expect_status 201 "create g-1"
api POST /api/articles -d '{"id":"g-2","title":"Storm warning","body":"A storm comes.","section":"World"}'
expect_status 201 "create g-2"
OLD=/world/europe/harbour-reopens
check "the article's page answers" wait_status 200 $OLD
expect_body "The harbour is open." "the article page"

# --- a new slug: the old path is moved ---
api PATCH /api/articles/g-1 -d '{"slug":"harbour-reopens-at-last"}'
expect_status 200 "new slug"
NEW=/world/europe/harbour-reopens-at-last
check "the new path answers" wait_status 200 $NEW
fetch $OLD
expect_status 301 "the old path after a new slug"
expect_header Location "^$NEW\$" "the old path leads to the new one"
expect_header Cache-Control 'max-age' "a redirect may be cached"
fetch $OLD -L
expect_status 200 "following the redirect"
expect_body "The harbour is open." "the page it leads to"
fetch $OLD -I
expect_status 301 "HEAD of the old path"

# --- unpublished: 410, then back ---
api PATCH /api/articles/g-1 -d '{"status":"draft"}'
expect_status 200 "unpublish"
check "the unpublished page answers 410" wait_status 410 $NEW
expect_body "This article has been removed." "the 410 page"
expect_body "</html>" "the 410 page is the themed error page"
expect_header Content-Type '^text/html' "the 410 page"
expect_no_body "The harbour is open." "the 410 page"
fetch $OLD
expect_status 410 "the path before, moved to an article no longer shown"
fetch $NEW -I
expect_status 410 "HEAD of a 410"
# Nothing taken down is listed.
for p in /sitemaps/articles-1.xml /sitemaps/news.xml /feed.xml /atom.xml /feed.json /world/feed.xml /world; do
	fetch $p
	expect_status 200 "$p"
	expect_no_body "harbour-reopens" "$p after the unpublish"
	expect_body "storm-warning" "$p still lists the live article"
done
api PATCH /api/articles/g-1 -d '{"status":"published"}'
expect_status 200 "publish again"
check "a republished page answers 200 again" wait_status 200 $NEW
expect_body "The harbour is open." "the page, back"
fetch $OLD
expect_status 301 "the path before leads to it again"
expect_header Location "^$NEW\$" "the old path, after the republish"

# --- deleted ---
api DELETE /api/articles/g-2
expect_status 204 "delete g-2"
check "a deleted article's page answers 410" wait_status 410 /world/storm-warning
expect_body "This article has been removed." "the deleted article's page"
fetch /world/storm-warning -I
expect_status 410 "HEAD of a deleted article's page"
fetch /feed.xml
expect_no_body "storm-warning" "the feed after the delete"
fetch /sitemaps/articles-1.xml
expect_no_body "storm-warning" "the sitemap after the delete"

# --- a new article at a retired path shows it ---
api POST /api/articles -d '{"id":"g-3","title":"Storm warning","body":"Another storm.","section":"World"}'
expect_status 201 "a new article at the deleted one's path"
check "the path is live again" wait_status 200 /world/storm-warning
expect_body "Another storm." "the new article"

# --- never was ---
fetch /world/no-such-story
expect_status 404 "a path that never showed an article"
fetch /world/no-such-story -I
expect_status 404 "HEAD of a 404"

finish
