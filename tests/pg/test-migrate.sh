#!/usr/bin/env bash
# newsdesk migrate (issue 7): the demo site, with an account, a session and
# views made through a served page, goes from SQLite to a fresh PostgreSQL
# database and back to a new SQLite file, and the two SQLite files hold the
# same rows in every table. The PostgreSQL copy serves the same pages and
# counts, takes the old session and a new login, and counts new views.
# A store with data is refused; usage errors and a password in a URL.
# ND_TEST_PG_URL_FILE names the file holding the cluster's URL.
source "$(dirname "$0")/../e2e/lib/common.sh"

url_file=${ND_TEST_PG_URL_FILE:?ND_TEST_PG_URL_FILE names the test cluster URL file (fixture pg)}
cluster_url=$(cat "$url_file") || exit 1
base=${cluster_url%/*}
PGDB=nd_migrate_test
PGDB2=nd_migrate_test2
pg_url=$base/$PGDB

PSQL=$(find /usr/lib/postgresql -mindepth 3 -maxdepth 3 -path '*/bin/psql' 2>/dev/null |
	sort -V | tail -n1)
psql_run() { "${PSQL:-psql}" -X -q -v ON_ERROR_STOP=1 "$@"; }
export PGOPTIONS='-c client_min_messages=warning'
for d in "$PGDB" "$PGDB2"; do
	psql_run "$cluster_url" -c "DROP DATABASE IF EXISTS $d WITH (FORCE)" \
		-c "CREATE DATABASE $d" || exit 1
done
migrate_cleanup() {
	for d in "$PGDB" "$PGDB2"; do
		psql_run "$cluster_url" -c "DROP DATABASE IF EXISTS $d WITH (FORCE)"
	done
	cleanup
}
trap migrate_cleanup EXIT

export ND_TEST_FAST_HASH=1
UA='Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36'
PW='correct horse battery staple'
A=$TMP/a.db
B=$TMP/b.db

# --- a SQLite site that has been served ---

"$ND_BIN" demo --db "$A" >/dev/null 2>"$TMP/demo.err"
check "the demo site is made" test $? -eq 0
echo "$PW" | "$ND_BIN" user add alice --role admin --db "$A" >/dev/null 2>&1
check "an account" test $? -eq 0
EXT=$(sqlite3 "$A" "SELECT ext_id FROM articles WHERE status = 0 ORDER BY id LIMIT 1")
TITLE=$(sqlite3 "$A" "SELECT title FROM articles WHERE ext_id = '$EXT'")
check "an article to read ($EXT)" test -n "$EXT"

# login JAR: logs alice in with JAR (the login form's CSRF field first).
login() {
	fetch /admin/login -c "$1" -b "$1"
	local csrf
	csrf=$(sed -n 's/.*name="csrf" value="\([^"]*\)".*/\1/p' "$TMP/body")
	fetch /admin/login -c "$1" -b "$1" --data-urlencode "csrf=$csrf" \
		--data-urlencode "login=alice" --data-urlencode "password=$PW"
}
views() { curl -s -A "$UA" "$BASE/api/articles/$EXT" | jq -r .views; }
# read_page N: N new visitors read the article.
read_page() {
	for i in $(seq 1 "$1"); do
		curl -s -A "$UA" -c "$TMP/v$i" -o /dev/null "$BASE/"
		curl -s -A "$UA" -b "$TMP/v$i" -o /dev/null "$BASE$PAGE"
	done
}

DB=$A start_server --counter-flush-ms 100 || exit 1
PAGE=$(curl -s "$BASE/api/articles/$EXT" | jq -r .url | sed 's|^http://[^/]*||')
check "the article's path ($PAGE)" test -n "$PAGE"
before=$(views)
read_page 5
for _ in $(seq 1 40); do [ "$(views)" = $((before + 5)) ] && break; sleep 0.05; done
check "five views counted on SQLite (had $before, now $(views))" test "$(views)" = $((before + 5))
VIEWS=$(views)
login "$TMP/jar"
expect_status 303 "alice logs in on SQLite"
fetch /admin -b "$TMP/jar"
expect_status 200 "the admin with that session"
stop_server

# --- SQLite to PostgreSQL ---

"$ND_BIN" migrate --from "sqlite:$A" --to "$pg_url" >"$TMP/m1.out" 2>"$TMP/m1.err"
check "migrate sqlite -> postgres exits 0 ($(tail -n3 "$TMP/m1.err"))" test $? -eq 0
check "it prints the counts" grep -qE '^articles +[1-9][0-9]* +[1-9][0-9]*$' "$TMP/m1.out"
check "and every count matches" test "$(grep -c DIFFERS "$TMP/m1.out")" = 0
check "and the time" grep -q "^migrated 'sqlite:$A' to '$pg_url' in " "$TMP/m1.out"
check "progress for a big table" grep -q 'view_hours: .* of .* rows' "$TMP/m1.err"
echo "sqlite -> postgres: $(tail -n1 "$TMP/m1.out")"
n_sqlite=$(sqlite3 "$A" "SELECT count(*) FROM articles")
n_pg=$(psql_run -At "$pg_url" -c "SELECT count(*) FROM articles")
check "the articles are in PostgreSQL ($n_sqlite, $n_pg)" test "$n_sqlite" = "$n_pg"
max=$(psql_run -At "$pg_url" -c "SELECT max(id) FROM articles")
last=$(psql_run -At "$pg_url" -c "SELECT last_value FROM articles_id_seq")
check "the id sequence is past the ids copied ($last, $max)" test "$last" = "$max"

"$ND_BIN" migrate --from "sqlite:$A" --to "$pg_url" >"$TMP/m2.out" 2>"$TMP/m2.err"
check "a second migrate into it fails with 1" test $? -eq 1
check "it says the store is not empty" grep -q "is not empty: sections (" "$TMP/m2.err"
check "and nothing was copied" grep -q "already holds a site; nothing was copied" "$TMP/m2.err"
check "still one copy" \
	test "$(psql_run -At "$pg_url" -c "SELECT count(*) FROM articles")" = "$n_sqlite"

# --- and back: PostgreSQL to a new SQLite file, the same rows as the first ---

"$ND_BIN" migrate --from "$pg_url" --to "sqlite:$B" >"$TMP/m3.out" 2>"$TMP/m3.err"
check "migrate postgres -> sqlite exits 0 ($(tail -n3 "$TMP/m3.err"))" test $? -eq 0
echo "postgres -> sqlite: $(tail -n1 "$TMP/m3.out")"

# dump DB: every table's rows, sorted, prefixed by the table's name; the
# migrations' by version and name (applied_at is when each store was made).
# node_log is what the serving nodes wrote lately, not copied (migrate.md).
dump() {
	local t q
	for t in $(sqlite3 "$1" "SELECT name FROM sqlite_schema WHERE type = 'table'
			AND name NOT LIKE 'sqlite_%' AND name != 'node_log' ORDER BY name"); do
		q="SELECT * FROM $t"
		[ "$t" = schema_migrations ] && q="SELECT version, name FROM $t"
		sqlite3 -cmd '.mode quote' "$1" "$q" | LC_ALL=C sort | sed "s/^/$t|/"
	done
}
dump "$A" >"$TMP/a.dump"
dump "$B" >"$TMP/b.dump"
check "a.db has rows ($(wc -l <"$TMP/a.dump"))" test "$(wc -l <"$TMP/a.dump")" -gt 1000
for t in articles revisions users sessions view_hours reactions reading_history meta; do
	check "a.db has $t rows" grep -q "^$t|" "$TMP/a.dump"
done
diff "$TMP/a.dump" "$TMP/b.dump" >"$TMP/dump.diff"
check "a.db and b.db hold the same rows ($(head -c 600 "$TMP/dump.diff"))" \
	test ! -s "$TMP/dump.diff"

# --- PostgreSQL to PostgreSQL ---

"$ND_BIN" migrate --from "$pg_url" --to "$base/$PGDB2" >"$TMP/m4.out" 2>"$TMP/m4.err"
check "migrate postgres -> postgres exits 0" test $? -eq 0
check "the same counts" test "$(grep -c DIFFERS "$TMP/m4.out")" = 0

# --- the PostgreSQL copy serves the site ---

DB=$pg_url start_server --counter-flush-ms 100 || exit 1
check "its views came along ($VIEWS)" test "$(views)" = "$VIEWS"
fetch /
expect_status 200 "the home page from PostgreSQL"
# This reader counts too: one view.
fetch "$PAGE" -A "$UA"
expect_status 200 "the article page from PostgreSQL"
expect_body "$(printf '%s' "$TITLE" | sed 's/&/\&amp;/g')" "the article's title"
fetch /admin -b "$TMP/jar"
expect_status 200 "the session made on SQLite still holds"
login "$TMP/jar2"
expect_status 303 "alice logs in on PostgreSQL"
fetch /admin -b "$TMP/jar2"
expect_status 200 "the admin with the new session"
read_page 3
for _ in $(seq 1 40); do [ "$(views)" = $((VIEWS + 4)) ] && break; sleep 0.05; done
check "new views count on PostgreSQL ($(views), was $VIEWS)" test "$(views)" = $((VIEWS + 4))
stop_server

# --- usage and messages ---

"$ND_BIN" migrate --from "$A" >/dev/null 2>"$TMP/u.err"
check "no --to is a usage error (2)" test $? -eq 2
check "it says how" grep -q "usage: newsdesk migrate --from URL --to URL" "$TMP/u.err"
"$ND_BIN" migrate --help >"$TMP/help.out"
check "--help exits 0" test $? -eq 0
check "--help says the destination must be fresh" grep -q "must be a fresh store" "$TMP/help.out"
"$ND_BIN" --help | grep -q "^  migrate "
check "migrate is in the command list" test $? -eq 0
"$ND_BIN" migrate --from "$A" --to "postgresql://newsdesk:s3cret@127.0.0.1:1/x" \
	>/dev/null 2>"$TMP/pw.err"
check "an unreachable store fails with 2" test $? -eq 2
check "it is named, password hidden" \
	grep -q "cannot open store 'postgresql://newsdesk:\*\*\*@127.0.0.1:1/x'" "$TMP/pw.err"
check "the password is nowhere" test "$(grep -c s3cret "$TMP/pw.err")" = 0

finish
