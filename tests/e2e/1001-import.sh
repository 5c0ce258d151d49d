#!/usr/bin/env bash
# newsdesk import: good files, re-import, malformed lines, --strict, stdin,
# unreadable input, and what the site then shows.
. "$(dirname "$0")/lib/common.sh"

good=$FIXTURES/import/good.jsonl
bad=$FIXTURES/import/malformed.jsonl

"$ND_BIN" import --db "$DB" "$good" 2>"$TMP/err"
check "good file exits 0" test $? -eq 0
check "summary counts new articles" grep -q '^imported 5, updated 0, rejected 0' "$TMP/err"
"$ND_BIN" import --db "$DB" "$good" 2>"$TMP/err"
check "re-import exits 0" test $? -eq 0
check "re-import updates" grep -q '^imported 0, updated 5, rejected 0' "$TMP/err"

"$ND_BIN" import --db "$DB" "$bad" 2>"$TMP/err"
check "malformed file exits 1" test $? -eq 1
check "summary counts rejections" grep -q '^imported 3, updated 1, rejected 17' "$TMP/err"
check "bad JSON named by file and line" grep -q "malformed.jsonl:2: bad JSON at column" "$TMP/err"
check "missing field" grep -q "malformed.jsonl:3: missing required field 'title'" "$TMP/err"
check "wrong type" grep -q "malformed.jsonl:5: field 'tags' must be an array of strings" "$TMP/err"
check "invalid date" grep -q "malformed.jsonl:6: field 'published_at': invalid RFC 3339 date '2024-13-01'" "$TMP/err"
check "invalid UTF-8" grep -q "malformed.jsonl:7: invalid UTF-8 at byte" "$TMP/err"
check "title over the limit" grep -q "malformed.jsonl:12: field 'title' is 1001 bytes" "$TMP/err"
check "blank lines are not errors" test "$(grep -c 'malformed.jsonl:4:\|malformed.jsonl:17:' "$TMP/err")" -eq 0

# A line over the size limit is skipped and the next one still imported.
{
	printf '{"id":"huge","title":"Huge","body":"'
	head -c 5000000 /dev/zero | tr '\0' x
	printf '"}\n{"id":"after-huge","title":"After the huge line","body":"ok"}\n'
} >"$TMP/huge.jsonl"
"$ND_BIN" import --db "$DB" "$TMP/huge.jsonl" 2>"$TMP/err"
check "over-long line exits 1" test $? -eq 1
check "over-long line is named" grep -qE "huge.jsonl:1: line is [0-9]+ bytes, over the 4194304-byte limit" "$TMP/err"

# Fields over their limits are refused, naming the field.
python3 -c 'import json; print(json.dumps({"id":"long","title":"T","body":"b","summary":"s"*3000}))' \
	>"$TMP/long.jsonl"
"$ND_BIN" import --db "$DB" "$TMP/long.jsonl" 2>"$TMP/err"
check "an over-long summary is rejected" grep -q "long.jsonl:1: field 'summary' is 3000 bytes" "$TMP/err"

# --strict: all or nothing.
count_before=$(db_query 'select count(*) from articles')
"$ND_BIN" import --db "$DB" --strict "$bad" 2>"$TMP/err"
check "strict import of a bad file exits 1" test $? -eq 1
check "strict stops at the first bad line" grep -q "malformed.jsonl:2:" "$TMP/err"
check "strict stores nothing" test "$(db_query 'select count(*) from articles')" -eq "$count_before"

# Standard input.
printf '%s\n' '{"id":"piped","title":"Piped in","body":"From stdin."}' |
	"$ND_BIN" import --db "$DB" - 2>"$TMP/err"
check "stdin import exits 0" test $? -eq 0
check "stdin import counted" grep -q '^imported 1, updated 0, rejected 0' "$TMP/err"
printf '%s\n' '{"id":"bad' | "$ND_BIN" import --db "$DB" - 2>"$TMP/err"
check "bad stdin line is named <stdin>" grep -q '^<stdin>:1: bad JSON' "$TMP/err"

"$ND_BIN" import --db "$DB" "$TMP/does-not-exist.jsonl" 2>"$TMP/err"
check "missing file exits 2" test $? -eq 2
check "missing file is named" grep -q "does-not-exist.jsonl" "$TMP/err"
"$ND_BIN" import --db "$DB" "$TMP" 2>"$TMP/err"
check "a directory exits 2" test $? -eq 2
"$ND_BIN" import --db "$DB" 2>"$TMP/err"
check "no file is a usage error" test $? -eq 2

check "database is intact" db_intact

# What the site shows of it.
start_server || exit 1
fetch /news/script-alert-1-script-breaking
expect_status 200 "imported article"
expect_body '&lt;script&gt;alert(1)&lt;/script&gt; Breaking' "title escaped"
expect_no_body '<script>alert' "imported article"
expect_no_body 'onclick' "imported article"
expect_body '<strong>strong</strong>' "Markdown rendered"
fetch /world/europe/cafe-creme-a-paris
expect_status 200 "transliterated slug"
fetch "/world/asia/$(printf '日本の経済ニュース' | jq -sRr @uri)"
expect_status 200 "UTF-8 slug, percent-encoded"
expect_body '<strong>成長</strong>' "Japanese body"
fetch /api/articles/good-3
expect_status 404 "draft not shown"
fetch /api/articles/good-4
expect_status 404 "scheduled in 2030 not shown"
fetch /api/articles/after-huge
expect_status 200 "line after the huge one kept"

finish
