#!/usr/bin/env bash
# The PostgreSQL dialect of the schema (src/store/schema/pg/) says what the
# SQLite migrations (src/store/schema/) say. On the test cluster (fixture pg,
# tests/pg/cluster) it applies pg/0001..0007 to a fresh database and checks:
#   - the same migrations, by name, exist in both dialects;
#   - tables, columns (type, NOT NULL, default), primary keys, unique
#     constraints, indexes, foreign keys (with their ON DELETE) and the
#     number of CHECK constraints match those of `sqlite3` fed the SQLite
#     migrations, but for the differences listed in docs/internals/postgres.md;
#   - the constraints behave: duplicates, bad values and dangling references
#     are refused, deletes cascade or set NULL, logins are unique whatever
#     their case, ids can be given explicitly;
#   - migration 0005's first revisions are what SQLite's make, byte for byte.
# ND_TEST_PG_URL_FILE names the file holding the cluster's URL.
source "$(dirname "$0")/../e2e/lib/common.sh"

SCHEMA=$ND_SOURCE_DIR/src/store/schema
url_file=${ND_TEST_PG_URL_FILE:?ND_TEST_PG_URL_FILE names the test cluster URL file (fixture pg)}
cluster_url=$(cat "$url_file") || exit 1
base=${cluster_url%/*}
DB=nd_schema_test
DB2=nd_schema_data_test
url=$base/$DB
url2=$base/$DB2

# The client of the newest server installed, as tests/pg/cluster uses.
PSQL=$(find /usr/lib/postgresql -mindepth 3 -maxdepth 3 -path '*/bin/psql' 2>/dev/null |
	sort -V | tail -n1)
psql_run() { "${PSQL:-psql}" -X -q -v ON_ERROR_STOP=1 "$@"; }
export PGOPTIONS='-c client_min_messages=warning'
# pg SQL: the rows of SQL on the test database, fields joined by '|'.
pg() { psql_run -At -F '|' "$url" -c "$1"; }

for d in "$DB" "$DB2"; do
	psql_run "$cluster_url" -c "DROP DATABASE IF EXISTS $d" -c "CREATE DATABASE $d" || exit 1
done

# --- the same migrations in both dialects ---

sqlite_names=$(cd "$SCHEMA" && ls -- *.sql)
pg_names=$(cd "$SCHEMA/pg" && ls -- *.sql)
check "pg/ has one migration per SQLite migration (sqlite: $sqlite_names; pg: $pg_names)" \
	test "$sqlite_names" = "$pg_names"
check "there are migrations" test -n "$sqlite_names"

for f in $pg_names; do
	check "pg/$f applies" psql_run -1 "$url" -f "$SCHEMA/pg/$f"
done

sqlite_db=$TMP/schema.db
for f in $sqlite_names; do
	check "$f applies to SQLite" sqlite3 -bail "$sqlite_db" "PRAGMA foreign_keys = ON; BEGIN;
		$(cat "$SCHEMA/$f")
		COMMIT;"
done

# --- the structure, as sorted lines ---

# sqlite SQL: the rows of SQL on the SQLite database.
sqlite() { sqlite3 -bail -separator '|' "$sqlite_db" "$1"; }

sqlite_shape() {
	# Columns: INTEGER is bigint (a lone INTEGER PRIMARY KEY named id is an
	# identity), TEXT text, BLOB bytea, no type "any". A primary key column
	# is NOT NULL, as PostgreSQL makes it.
	sqlite "SELECT 'col ' || m.name || '.' || p.name || ' ' ||
		CASE upper(p.type)
			WHEN 'INTEGER' THEN CASE WHEN p.name = 'id' AND p.pk = 1 THEN 'bigint identity'
			                         ELSE 'bigint' END
			WHEN 'TEXT' THEN 'text' WHEN 'BLOB' THEN 'bytea' WHEN '' THEN 'any'
			ELSE 'unknown ' || p.type END ||
		CASE WHEN p.[notnull] OR p.pk > 0 THEN ' notnull' ELSE ' null' END ||
		' default=' || coalesce(p.dflt_value, '-')
		FROM sqlite_master m, pragma_table_info(m.name) p
		WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%'" || return 1
	sqlite "SELECT 'pk ' || t || ' (' || group_concat(c, ',') || ')' FROM
		(SELECT m.name AS t, p.name AS c FROM sqlite_master m, pragma_table_info(m.name) p
		 WHERE m.type = 'table' AND p.pk > 0 ORDER BY m.name, p.pk) GROUP BY t"
	# Indexes: UNIQUE constraints by table and columns, CREATE INDEX by name.
	sqlite "SELECT CASE i.origin WHEN 'u' THEN 'unique ' || m.name
		                     ELSE 'index ' || i.name || ' on ' || m.name END ||
		' (' || (SELECT group_concat(coalesce(name, 'expr'), ',') FROM
		         (SELECT name FROM pragma_index_info(i.name) ORDER BY seqno)) || ')' ||
		CASE WHEN i.[unique] AND i.origin = 'c' THEN ' unique' ELSE '' END ||
		CASE WHEN i.partial THEN ' partial' ELSE '' END
		FROM sqlite_master m, pragma_index_list(m.name) i
		WHERE m.type = 'table' AND i.origin IN ('u', 'c')" || return 1
	sqlite "SELECT 'fk ' || m.name || ' (' || f.[from] || ') -> ' || f.[table] || ' (' ||
		coalesce(f.[to], 'id') || ') on delete ' || lower(f.on_delete)
		FROM sqlite_master m, pragma_foreign_key_list(m.name) f WHERE m.type = 'table'" || return 1
	sqlite "SELECT 'checks ' || name || ' ' ||
		((length(sql) - length(replace(sql, 'CHECK (', ''))) / length('CHECK ('))
		FROM sqlite_master WHERE type = 'table' AND sql LIKE '%CHECK (%'"
}

pg_shape() {
	pg "SELECT 'col ' || table_name || '.' || column_name || ' ' || data_type ||
		CASE WHEN is_identity = 'YES' THEN ' identity' ELSE '' END ||
		CASE WHEN is_nullable = 'NO' THEN ' notnull' ELSE ' null' END ||
		' default=' || coalesce(regexp_replace(column_default, '::[a-z ]+$', ''), '-')
		FROM information_schema.columns WHERE table_schema = 'public'" || return 1
	pg "SELECT 'pk ' || c.conrelid::regclass || ' (' ||
		string_agg(a.attname, ',' ORDER BY k.ord) || ')'
		FROM pg_constraint c
		CROSS JOIN LATERAL unnest(c.conkey) WITH ORDINALITY AS k (attnum, ord)
		JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.attnum
		WHERE c.contype = 'p' AND c.connamespace = 'public'::regnamespace
		GROUP BY c.oid, c.conrelid" || return 1
	pg "SELECT CASE WHEN con.contype = 'u' THEN 'unique ' || x.indrelid::regclass
		            ELSE 'index ' || x.indexrelid::regclass || ' on ' || x.indrelid::regclass END ||
		' (' || (SELECT string_agg(coalesce(a.attname, 'expr'), ',' ORDER BY k.ord)
		         FROM unnest(x.indkey::int2[]) WITH ORDINALITY AS k (attnum, ord)
		         LEFT JOIN pg_attribute a ON a.attrelid = x.indrelid AND a.attnum = k.attnum) ||
		')' ||
		CASE WHEN x.indisunique AND con.contype IS NULL THEN ' unique' ELSE '' END ||
		CASE WHEN x.indpred IS NOT NULL THEN ' partial' ELSE '' END
		FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid
		LEFT JOIN pg_constraint con ON con.conindid = x.indexrelid AND con.contype IN ('p', 'u')
		WHERE i.relnamespace = 'public'::regnamespace AND NOT x.indisprimary" || return 1
	pg "SELECT 'fk ' || c.conrelid::regclass || ' (' || a.attname || ') -> ' ||
		c.confrelid::regclass || ' (' || fa.attname || ') on delete ' ||
		CASE c.confdeltype WHEN 'a' THEN 'no action' WHEN 'c' THEN 'cascade'
		     WHEN 'n' THEN 'set null' WHEN 'r' THEN 'restrict' ELSE 'set default' END ||
		CASE WHEN cardinality(c.conkey) <> 1 THEN ' (several columns)' ELSE '' END
		FROM pg_constraint c
		JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1]
		JOIN pg_attribute fa ON fa.attrelid = c.confrelid AND fa.attnum = c.confkey[1]
		WHERE c.contype = 'f' AND c.connamespace = 'public'::regnamespace" || return 1
	pg "SELECT 'checks ' || conrelid::regclass || ' ' || count(*) FROM pg_constraint
		WHERE contype = 'c' AND connamespace = 'public'::regnamespace GROUP BY conrelid"
}

# What the PostgreSQL dialect differs in, on purpose (docs/internals/postgres.md):
# meta.value is typed, meta.secret holds the secrets with a CHECK that only
# one is set; COLLATE NOCASE uniqueness is an index on lower(login).
expected_differences() {
	sed -e 's/^col meta\.value any null/col meta.value bigint null/'
	echo "col meta.secret bytea null default=-"
	echo "checks meta 1"
	echo "index users_login_nocase on users (expr) unique"
	echo "index login_failures_login_nocase on login_failures (expr) unique"
}

sqlite_shape >"$TMP/sqlite.raw" || fail "cannot read the SQLite schema"
pg_shape >"$TMP/pg.raw" || fail "cannot read the PostgreSQL schema"
expected_differences <"$TMP/sqlite.raw" | LC_ALL=C sort >"$TMP/expected"
LC_ALL=C sort "$TMP/pg.raw" >"$TMP/got"
check "the SQLite schema has tables, columns, keys and indexes" \
	test "$(grep -c '^col ' "$TMP/expected")" -gt 50
if diff -u "$TMP/expected" "$TMP/got" >"$TMP/shape.diff"; then
	pass
else
	fail "the PostgreSQL schema differs from SQLite's (- expected from SQLite, + PostgreSQL):"
	cat "$TMP/shape.diff" >&2
fi

# --- the constraints behave ---

# ok WHAT SQL: SQL succeeds. refused WHAT PATTERN SQL: SQL fails with an
# error matching PATTERN.
ok() { check "$1" pg "$2"; }
refused() {
	local out
	if out=$(pg "$3" 2>&1); then
		fail "$1: accepted"
	elif grep -qE "$2" <<<"$out"; then
		pass
	else
		fail "$1: refused for another reason: $out"
	fi
}
# count WHAT N SQL: SQL's single value is N.
count() {
	local got
	got=$(pg "$3" 2>&1)
	check "$1 (want $2, got $got)" test "$got" = "$2"
}
DUP='duplicate key value violates unique constraint'
FK='violates foreign key constraint'
CHECKED='violates check constraint'

ok "sections" "INSERT INTO sections (parent_id, slug, name, position) VALUES
	(NULL, 'world', 'World', 1), (1, 'europe', 'Europe', 1), (NULL, 'europe', 'Europe', 2)"
refused "a second top-level section slug" "$DUP" \
	"INSERT INTO sections (parent_id, slug, name, position) VALUES (NULL, 'world', 'W', 3)"
refused "a second slug under one parent" "$DUP" \
	"INSERT INTO sections (parent_id, slug, name, position) VALUES (1, 'europe', 'E', 3)"
refused "a section under no such parent" "$FK" \
	"INSERT INTO sections (parent_id, slug, name, position) VALUES (99, 'x', 'X', 1)"
ok "authors and tags" "INSERT INTO authors (slug, name) VALUES ('ann', 'Ann');
	INSERT INTO tags (slug, name) VALUES ('a', 'A'), ('b', 'B')"
refused "a second author slug" "$DUP" "INSERT INTO authors (slug, name) VALUES ('ann', 'A')"
refused "a second tag slug" "$DUP" "INSERT INTO tags (slug, name) VALUES ('a', 'A')"
ok "an explicit id" "INSERT INTO tags (id, slug, name) VALUES (100, 'c', 'C')"
count "the explicit id is kept" 100 "SELECT id FROM tags WHERE slug = 'c'"
ok "an article" "INSERT INTO articles (ext_id, section_id, author_id, slug, title, body,
	published_at, updated_at, created_at) VALUES ('x1', 2, 1, 's1', 'T', 'B', 1, 1, 1)"
count "article defaults" "|en|||0|" \
	"SELECT summary, language, image, source_url, status, owner_user_id FROM articles"
refused "a second ext_id" "$DUP" "INSERT INTO articles (ext_id, section_id, slug, title, body,
	published_at, updated_at, created_at) VALUES ('x1', 1, 's9', 'T', 'B', 1, 1, 1)"
refused "a second slug in a section" "$DUP" "INSERT INTO articles (ext_id, section_id, slug,
	title, body, published_at, updated_at, created_at) VALUES ('x2', 2, 's1', 'T', 'B', 1, 1, 1)"
refused "status 3" "$CHECKED" "INSERT INTO articles (ext_id, section_id, slug, title, body,
	status, published_at, updated_at, created_at) VALUES ('x3', 2, 's3', 'T', 'B', 3, 1, 1, 1)"
refused "an article in no such section" "$FK" "INSERT INTO articles (ext_id, section_id, slug,
	title, body, published_at, updated_at, created_at) VALUES ('x4', 99, 's4', 'T', 'B', 1, 1, 1)"
ok "article tags" "INSERT INTO article_tags (article_id, tag_id, position) VALUES (1, 1, 0), (1, 2, 1)"
refused "a tag twice on an article" "$DUP" \
	"INSERT INTO article_tags (article_id, tag_id, position) VALUES (1, 1, 2)"
refused "no such tag" "$FK" "INSERT INTO article_tags (article_id, tag_id, position) VALUES (1, 99, 2)"

ok "counters" "INSERT INTO article_stats (article_id, views) VALUES (1, 5);
	INSERT INTO view_hours (article_id, hour, views) VALUES (1, 10, 2);
	INSERT INTO view_days (article_id, day, views) VALUES (1, 1, 3);
	INSERT INTO reactions (article_id, type, visitor, created_at) VALUES (1, 'good', '\\x63', 1);
	INSERT INTO reaction_counts (article_id, type, count) VALUES (1, 'good', 1);
	INSERT INTO reading_history (visitor, at, article_id) VALUES ('\\x63', 1, 1)"
ok "the counters' increments" "INSERT INTO view_hours (article_id, hour, views) VALUES (1, 10, 4)
	ON CONFLICT (article_id, hour) DO UPDATE SET views = view_hours.views + excluded.views"
count "views added up" 6 "SELECT views FROM view_hours WHERE article_id = 1 AND hour = 10"
refused "a reaction twice" "$DUP" "INSERT INTO reactions (article_id, type, visitor, created_at)
	VALUES (1, 'good', '\\x63', 2)"
refused "a negative reaction count" "$CHECKED" \
	"UPDATE reaction_counts SET count = count - 2 WHERE article_id = 1"
refused "a view of no such article" "$FK" \
	"INSERT INTO view_days (article_id, day, views) VALUES (99, 1, 1)"

ok "a user" "INSERT INTO users (login, name, role, password, created_at) VALUES
	('ann', 'Ann', 'admin', 'x', 1)"
count "user defaults" "0|0" "SELECT last_login, disabled FROM users"
refused "the same login" "$DUP" "INSERT INTO users (login, name, role, password, created_at)
	VALUES ('ann', 'A', 'editor', 'x', 1)"
refused "the same login in another case" "$DUP" "INSERT INTO users (login, name, role,
	password, created_at) VALUES ('ANN', 'A', 'editor', 'x', 1)"
ok "a login that differs beyond ASCII case (NOCASE folds ASCII only)" "INSERT INTO users
	(login, name, role, password, created_at) VALUES ('änn', 'A', 'editor', 'x', 1),
	('Änn', 'A', 'editor', 'x', 1)"
refused "role root" "$CHECKED" "INSERT INTO users (login, name, role, password, created_at)
	VALUES ('root', 'R', 'root', 'x', 1)"
ok "login failures" "INSERT INTO login_failures (login, failures, last_failure) VALUES ('bob', 1, 1)
	ON CONFLICT (login) DO UPDATE SET failures = excluded.failures"
refused "login failures of the same login in another case" "$DUP" \
	"INSERT INTO login_failures (login, failures, last_failure) VALUES ('Bob', 1, 1)"
ok "sessions and tokens" "INSERT INTO sessions (id, user_id, created_at, last_seen, expires_at,
	csrf) VALUES ('\\x01', 1, 1, 1, 9, '\\x02');
	INSERT INTO api_tokens (user_id, name, hash, created_at) VALUES (1, 't', '\\x03', 1)"
refused "the same session id" "$DUP" "INSERT INTO sessions (id, user_id, created_at,
	last_seen, expires_at, csrf) VALUES ('\\x01', 1, 1, 1, 9, '\\x02')"
refused "the same token hash" "$DUP" \
	"INSERT INTO api_tokens (user_id, name, hash, created_at) VALUES (1, 'u', '\\x03', 1)"
refused "a session of no such user" "$FK" "INSERT INTO sessions (id, user_id, created_at,
	last_seen, expires_at, csrf) VALUES ('\\x04', 99, 1, 1, 9, '\\x02')"

ok "an owner and a revision" "UPDATE articles SET owner_user_id = 1;
	INSERT INTO revisions (article_id, n, ext_id, slug, title, summary, body, section, author,
	tags, language, image, source_url, status, published_at, updated_at, user_id, created_at)
	VALUES (1, 1, 'x1', 's1', 'T', '', 'B', 'World/Europe', 'Ann', '[]', 'en', '', '', 0, 1, 1,
	1, 1)"
refused "a revision number twice" "$DUP" "INSERT INTO revisions (article_id, n, ext_id, slug,
	title, summary, body, section, author, tags, language, image, source_url, status,
	published_at, updated_at, user_id, created_at) VALUES (1, 1, 'x1', 's1', 'T', '', 'B', '',
	'', '[]', 'en', '', '', 0, 1, 1, NULL, 1)"
ok "a webhook delivery" "INSERT INTO webhook_deliveries (webhook, event, url, article, status,
	created_at, updated_at) VALUES ('w', 'e', 'u', 'a', 'pending', 1, 1)"
count "delivery defaults" "0|0|" \
	"SELECT attempts, http_status, last_error FROM webhook_deliveries"
refused "delivery status lost" "$CHECKED" "INSERT INTO webhook_deliveries (webhook, event, url,
	article, status, created_at, updated_at) VALUES ('w', 'e', 'u', 'a', 'lost', 1, 1)"
ok "a retired URL" "INSERT INTO retired_urls (path, article_id, reason, at) VALUES
	('/world/europe/old', 1, 'moved', 1)"
refused "the same retired path" "$DUP" \
	"INSERT INTO retired_urls (path, article_id, reason, at) VALUES ('/world/europe/old', 1, 'deleted', 1)"
refused "retired for no reason" "$CHECKED" \
	"INSERT INTO retired_urls (path, reason, at) VALUES ('/x', 'lost', 1)"

count "the generation starts at 0" 0 "SELECT value FROM meta WHERE key = 'generation'"
ok "the generation bumps" "UPDATE meta SET value = value + 1 WHERE key = 'generation'"
count "the generation is 1" 1 "SELECT value FROM meta WHERE key = 'generation'"
ok "a secret" "INSERT INTO meta (key, secret) VALUES ('k', '\\x0102')"
refused "a meta key twice" "$DUP" "INSERT INTO meta (key, value) VALUES ('k', 1)"
refused "a meta row with a value and a secret" "$CHECKED" \
	"INSERT INTO meta (key, value, secret) VALUES ('both', 1, '\\x01')"

# Deletes: what hangs on an article or a user goes with it, or loses the link.
refused "deleting a section that has articles" "$FK" "DELETE FROM sections WHERE id = 2"
refused "deleting a tag in use" "$FK" "DELETE FROM tags WHERE id = 1"
ok "deleting a user" "DELETE FROM users WHERE login = 'ann'"
count "the user's sessions and tokens went, its article and revision lost the link" "0|0|1|1" \
	"SELECT (SELECT count(*) FROM sessions), (SELECT count(*) FROM api_tokens),
	(SELECT count(*) FROM articles WHERE owner_user_id IS NULL),
	(SELECT count(*) FROM revisions WHERE user_id IS NULL)"
ok "deleting the article" "DELETE FROM articles WHERE ext_id = 'x1'"
count "everything of the article went, its retired URL stays without it" "0|0|0|0|0|0|0|0|1" \
	"SELECT (SELECT count(*) FROM article_tags), (SELECT count(*) FROM article_stats),
	(SELECT count(*) FROM view_hours), (SELECT count(*) FROM view_days),
	(SELECT count(*) FROM reactions), (SELECT count(*) FROM reaction_counts),
	(SELECT count(*) FROM reading_history), (SELECT count(*) FROM revisions),
	(SELECT count(*) FROM retired_urls WHERE article_id IS NULL)"
ok "deleting the section and tag now" "DELETE FROM sections WHERE id = 2; DELETE FROM tags WHERE id = 1"

# --- migration 0005 writes the first revisions as SQLite's does ---

# Articles stored before 0005, in SQL both databases run.
seed="INSERT INTO sections (id, parent_id, slug, name, position) VALUES
	(1, NULL, 'world', 'World', 1), (2, 1, 'europe', 'Europe', 1), (3, 2, 'east', 'East', 1),
	(4, NULL, 'sport', 'Sport', 2);
INSERT INTO authors (id, slug, name) VALUES (1, 'ann', 'Ann O''Neil');
INSERT INTO tags (id, slug, name) VALUES (1, 'q', 'Say \"hi\"'), (2, 'e', 'Été\\slash'),
	(3, 'z', 'Zed');
INSERT INTO articles (id, ext_id, section_id, author_id, slug, title, summary, body, language,
	image, source_url, status, published_at, updated_at, created_at) VALUES
	(1, 'a1', 3, 1, 'one', 'One', 'S', 'Body', 'fr', 'i.jpg', 'http://s', 0, 10, 20, 5),
	(2, 'a2', 4, NULL, 'two', 'Two', '', 'B2', 'en', '', '', 1, 11, 21, 6),
	(3, 'a3', 1, 1, 'three', 'Three', '', 'B3', 'en', '', '', 2, 12, 22, 7);
INSERT INTO article_tags (article_id, tag_id, position) VALUES
	(1, 3, 0), (1, 1, 1), (1, 2, 2), (3, 2, 0);"
revisions_q="SELECT article_id, n, ext_id, slug, title, summary, body, section, author, tags,
	language, image, source_url, status, published_at, updated_at, user_id, created_at
	FROM revisions ORDER BY article_id"
sqlite_db2=$TMP/data.db
for f in $sqlite_names; do
	case $f in 0005-*)
		check "seed SQLite" sqlite3 -bail "$sqlite_db2" "$seed"
		check "seed PostgreSQL" psql_run "$url2" -c "$seed"
		;;
	esac
	check "$f applies to SQLite with data" sqlite3 -bail "$sqlite_db2" "PRAGMA foreign_keys = ON;
		BEGIN; $(cat "$SCHEMA/$f") COMMIT;"
	check "pg/$f applies with data" psql_run -1 "$url2" -f "$SCHEMA/pg/$f"
done
sqlite3 -bail -separator '|' "$sqlite_db2" "$revisions_q" >"$TMP/rev.sqlite"
psql_run -At -F '|' "$url2" -c "$revisions_q" >"$TMP/rev.pg"
check "SQLite made a first revision per article" test "$(wc -l <"$TMP/rev.sqlite")" -eq 3
check "tags in order, in compact JSON" \
	grep -qF '|World/Europe/East|Ann O'"'"'Neil|["Zed","Say \"hi\"","Été\\slash"]|' "$TMP/rev.sqlite"
if diff -u "$TMP/rev.sqlite" "$TMP/rev.pg" >"$TMP/rev.diff"; then
	pass
else
	fail "migration 0005's revisions differ (- SQLite, + PostgreSQL):"
	cat "$TMP/rev.diff" >&2
fi

for d in "$DB" "$DB2"; do
	psql_run "$cluster_url" -c "DROP DATABASE $d" || fail "cannot drop $d"
done
finish
