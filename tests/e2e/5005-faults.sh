#!/usr/bin/env bash
# Faults (issue 8, "Reliability" 2): kill -9 of `newsdesk import` half way
# and of the server while an editor publishes through the API; then the
# store passes its integrity check, every article is whole, every publish
# that was acknowledged (201) is there, and the import run again completes.
# On SQLite, the disk filling up during an import (a file size limit, as
# a full disk looks to SQLite) gives a clear error naming the store and a
# store that still works. (A burst of views: 5003-kill9-burst.sh.)
. "$(dirname "$0")/lib/common.sh"

export ND_TEST_FAST_HASH=1
# Enough lines for several import batches (of 1,000); fewer on PostgreSQL,
# where each row is a round trip.
N=5000
[ "$ND_TEST_STORE" = pg ] && N=1500
python3 - "$N" >"$TMP/big.jsonl" <<'PY'
import json, sys
for i in range(int(sys.argv[1])):
    print(json.dumps({"id": f"f-{i}", "title": f"Fault story {i}", "section": "World",
                      "body": f"Story {i}. " + "Words of a body. " * 5,
                      "tags": ["faults"], "published_at": "2026-11-20T09:15:00Z"}))
PY
count() { db_query "SELECT count(*) FROM articles"; }
whole() { # every article has its revision and its section
	test "$(db_query "SELECT count(*) FROM articles a WHERE NOT EXISTS
		(SELECT 1 FROM revisions r WHERE r.article_id = a.id)
		OR NOT EXISTS (SELECT 1 FROM sections s WHERE s.id = a.section_id)")" = 0
}

# --- kill -9 of newsdesk import half way ---
"$ND_BIN" import --db "$DB" "$TMP/big.jsonl" 2>"$TMP/import.err" &
IMP=$!
for _ in $(seq 1 200); do
	n=$(db_query "SELECT count(*) FROM articles" 2>/dev/null || echo 0)
	[ "${n:-0}" -gt 0 ] && break
	sleep 0.05
done
kill -KILL $IMP
wait $IMP 2>/dev/null
got=$(count)
check "the import was killed half way ($got of $N stored)" test "$got" -gt 0 -a "$got" -lt "$N"
check "the store is intact after kill -9 of the import" db_intact
check "every stored article is whole" whole
"$ND_BIN" import --db "$DB" "$TMP/big.jsonl" >"$TMP/again.out" 2>&1
check "the import run again succeeds" test $? -eq 0
check "it says what it did ($(tail -n1 "$TMP/again.out"))" \
	grep -q "imported $((N - got)), updated $got, rejected 0" "$TMP/again.out"
check "all $N are there" test "$(count)" = "$N"

# --- kill -9 of the server while an editor publishes ---
# A store of its own: a server starting on thousands of articles takes
# long under ASan on a busy machine, and this part needs none of them.
DB=$(new_db served)
echo 'correct horse battery staple' | "$ND_BIN" user add ed --role editor --db "$DB" >/dev/null 2>&1
ED=$("$ND_BIN" token add ed --name faults --db "$DB" 2>/dev/null)
start_server || exit 1
publisher() {
	local i=0 code
	while :; do
		i=$((i + 1))
		code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 -X POST "$BASE/api/articles" \
			-H "Authorization: Bearer $ED" -H 'Content-Type: application/json' \
			-d '{"id":"p-'$i'","title":"Published '$i'","body":"B.","section":"Desk"}') || code=000
		echo "p-$i $code" >>"$TMP/published"
		[ "$code" = 000 ] && break
	done
}
publisher &
PUB=$!
acked() { grep -c ' 201$' "$TMP/published" 2>/dev/null || true; }
for _ in $(seq 1 200); do [ "$(acked)" -ge 20 ] 2>/dev/null && break; sleep 0.05; done
stop_server KILL
wait $PUB 2>/dev/null
acked=$(acked)
check "publishes were acknowledged before the kill ($acked)" test "$acked" -ge 20
check "the store is intact after kill -9 of the server" db_intact
missing=0
while read -r id code; do
	[ "$code" = 201 ] || continue
	[ "$(db_query "SELECT count(*) FROM articles WHERE ext_id = '$id'")" = 1 ] || missing=$((missing + 1))
done <"$TMP/published"
check "every acknowledged publish is stored ($missing of $acked missing)" test "$missing" = 0
check "every stored article is whole" whole
start_server || exit 1
last=$(grep ' 201$' "$TMP/published" | tail -n1 | cut -d' ' -f1)
fetch "/desk/published-${last#p-}"
expect_status 200 "the last acknowledged publish is served after the restart"
stop_server

# --- the disk fills up during an import (SQLite) ---
if [ "$ND_TEST_STORE" != pg ]; then
	FULL=$TMP/full.db
	printf '%s\n' '{"id":"keep","title":"Kept story","body":"Stored before the disk filled."}' |
		"$ND_BIN" import --db "$FULL" - 2>/dev/null
	check "a small store" test $? -eq 0
	size=$(($(stat -c %s "$FULL") / 1024 + 64))
	# A file size limit makes writes past it fail with EFBIG, as a full disk
	# fails them with ENOSPC (SIGXFSZ ignored, so the write fails instead).
	(
		trap '' XFSZ
		ulimit -f "$size"
		exec "$ND_BIN" import --db "$FULL" "$TMP/big.jsonl"
	) >/dev/null 2>"$TMP/full.err"
	rc=$?
	check "the import fails (status $rc)" test "$rc" -ne 0
	check "with a clear message naming the store ($(grep -m1 -i 'error\|cannot' "$TMP/full.err"))" \
		grep -q "store '$FULL'" "$TMP/full.err"
	check "the store is intact" test "$(sqlite3 -batch "$FULL" 'PRAGMA integrity_check')" = ok
	check "what was stored before is there" \
		test "$(sqlite3 -batch "$FULL" "SELECT title FROM articles WHERE ext_id = 'keep'")" = "Kept story"
	printf '%s\n' '{"id":"after","title":"After the disk","body":"Room again."}' |
		"$ND_BIN" import --db "$FULL" - 2>/dev/null
	check "with room again, the store takes writes" test $? -eq 0
fi

finish
