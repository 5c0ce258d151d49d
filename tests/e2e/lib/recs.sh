# Shared by the Recommendation list scripts (60NN), sourced after common.sh:
# a reader's browser, the demo site served with quick flushes, and readers
# with cookie jars.

# curl's own User-Agent is on the bot list: no cookie, no views, no history.
UA='Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36'

# demo_server: creates the demo site and serves it; counts and reading
# histories are written every 200 ms.
demo_server() {
	demo_site
	check "demo site created" test $? -eq 0
	# --no-histories: without the demo's simulated readers, so that every
	# co-visitation pair comes from the test's own readers.
	if [ "${1:-}" = --no-histories ]; then
		db_query "DELETE FROM reading_history"
		check "simulated histories removed" test $? -eq 0
	fi
	start_server --counter-flush-ms 200
}

# j FILTER: jq on the last body.
j() { jq -r "$1" "$TMP/body"; }

# path ID: the site path of the article ID.
path() { curl -s -A "$UA" "$BASE/api/articles/$1" | jq -r .url | sed "s|^$BASE||"; }

# read_as JAR PATH [CURL ARGS...]: the reader of cookie jar JAR reads PATH
# (a counted view, unless deduplicated).
read_as() {
	local jar=$1 p=$2
	shift 2
	curl -s -A "$UA" -b "$jar" -c "$jar" -o /dev/null --max-time 10 "$@" "$BASE$p"
}

# cookie JAR: a new reader whose first page is the home page, which sets
# the cookie and counts no view. (A first article page read without a
# cookie joins the history too: 6004-history-first-page.sh.)
cookie() { curl -s -A "$UA" -c "$1" -o /dev/null "$BASE/"; }
