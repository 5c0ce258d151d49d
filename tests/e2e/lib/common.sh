# Shared by the end-to-end scripts: a temporary directory, a store, the real
# binary serving on a free loopback port, HTTP assertions with curl, a
# summary. Each script sources this, runs its checks, and ends with `finish`.
#
# The store is SQLite ($TMP/site.db), or, when the environment says
# ND_TEST_STORE=pg (CTest's e2e-pg/<name>, fixture pg), a fresh database on
# the test cluster whose URL is in the file named by ND_TEST_PG_URL_FILE
# (tests/pg/cluster), dropped at exit. Scripts name it "$DB", make another
# with new_db, and look inside with db_query and db_intact, never sqlite3.
set -u

ND_BIN=${ND_BIN:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)/build/newsdesk}
ND_SOURCE_DIR=${ND_SOURCE_DIR:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)}
FIXTURES=$ND_SOURCE_DIR/tests/data
TMP=$(mktemp -d "${TMPDIR:-/tmp}/nd-e2e.XXXXXX")
SERVER_PID=
PORT=
BASE=
PASSED=0
FAILED=0
ND_TEST_STORE=${ND_TEST_STORE:-sqlite}

cleanup() {
	if [ -n "$SERVER_PID" ] && kill -0 "$SERVER_PID" 2>/dev/null; then
		kill -TERM "$SERVER_PID" 2>/dev/null
		wait "$SERVER_PID" 2>/dev/null
	fi
	drop_dbs
	rm -rf "$TMP"
}

# --- The store: SQLite files, or databases on the PostgreSQL test cluster ---

if [ "$ND_TEST_STORE" = pg ]; then
	PG_CLUSTER_URL=$(cat "${ND_TEST_PG_URL_FILE:?ND_TEST_STORE=pg needs ND_TEST_PG_URL_FILE (fixture pg)}") ||
		exit 1
	# The client of the newest server installed, as tests/pg/cluster uses.
	PSQL=$(find /usr/lib/postgresql -mindepth 3 -maxdepth 3 -path '*/bin/psql' 2>/dev/null |
		sort -V | tail -n1)
	PSQL=${PSQL:-psql}
	export PGOPTIONS='-c client_min_messages=warning'
fi

# psql_on URL ARGS...: psql, quiet, stopping at the first error.
psql_on() {
	local url=$1
	shift
	"$PSQL" -X -q -v ON_ERROR_STOP=1 "$@" "$url"
}

# new_db NAME: prints the URL of a fresh, empty store for this script:
# $TMP/NAME.db, or the database nd_e2e_<pid>_NAME on the cluster (which
# cleanup drops; its name is kept in $TMP/pg-dbs, since new_db runs in a
# command substitution's subshell).
new_db() {
	if [ "$ND_TEST_STORE" != pg ]; then
		echo "$TMP/$1.db"
		return
	fi
	local name=nd_e2e_$$_$1
	psql_on "$PG_CLUSTER_URL" -c "CREATE DATABASE $name" || return 1
	echo "$name" >>"$TMP/pg-dbs"
	echo "${PG_CLUSTER_URL%/*}/$name"
}

# drop_dbs: drops the databases new_db made (FORCE: a server this script
# left behind does not keep one).
drop_dbs() {
	local name
	[ -f "$TMP/pg-dbs" ] || return 0
	while read -r name; do
		psql_on "$PG_CLUSTER_URL" -c "DROP DATABASE IF EXISTS $name WITH (FORCE)"
	done <"$TMP/pg-dbs"
	rm -f "$TMP/pg-dbs"
}

# demo_site: makes $DB the demo site (newsdesk demo); its exit status.
# On PostgreSQL the demo's simulated readers are some 150 000 one-row
# statements, 30 s and more of round trips on a busy machine, for each of
# the seven scripts that start from it: there the first script of the hour
# builds it with newsdesk demo into nd_e2e_demo_<hour> (under a lock next
# to the cluster's URL file), and each copies that (CREATE DATABASE …
# TEMPLATE, a file copy). The demo's counts are by the hour, so a copy made
# within the hour is what newsdesk demo would make.
demo_site() {
	if [ "$ND_TEST_STORE" != pg ]; then
		"$ND_BIN" demo --db "$DB" >/dev/null 2>&1
		return
	fi
	local tpl name=${DB##*/} base=${PG_CLUSTER_URL%/*}
	tpl=nd_e2e_demo_$(($(date -u +%s) / 3600))
	(
		flock 9 || exit 1
		if [ -z "$(psql_on "$PG_CLUSTER_URL" -At -c "SELECT 1 FROM pg_database WHERE datname = '$tpl'")" ]; then
			psql_on "$PG_CLUSTER_URL" -c "DROP DATABASE IF EXISTS ${tpl}_new WITH (FORCE)" \
				-c "CREATE DATABASE ${tpl}_new" || exit 1
			"$ND_BIN" demo --db "$base/${tpl}_new" >/dev/null 2>&1 || exit 1
			psql_on "$PG_CLUSTER_URL" -c "ALTER DATABASE ${tpl}_new RENAME TO $tpl" || exit 1
		fi
		psql_on "$PG_CLUSTER_URL" -c "DROP DATABASE $name WITH (FORCE)" \
			-c "CREATE DATABASE $name TEMPLATE $tpl"
	) 9>"$(dirname "$ND_TEST_PG_URL_FILE")/demo.lock"
}

# db_query SQL [STORE]: the rows of SQL on $DB (or STORE), one a line,
# columns joined by '|', NULL as "": sqlite3 -batch's format, and psql's
# with -At. Write SQL both accept: no booleans in the output (psql prints
# t/f; cast them to int), meta's integers in `value` (PostgreSQL keeps the
# secret apart in `secret`), `||` rather than concat().
db_query() {
	local store=${2:-$DB}
	if [ "$ND_TEST_STORE" = pg ]; then
		psql_on "$store" -At -F '|' -c "$1"
	else
		sqlite3 -batch -bail "$store" "$1"
	fi
}

# db_blob TEXT: an SQL expression both dialects read as TEXT's bytes, a blob
# (bytea), to compare with a blob column. TEXT must hold no quote.
db_blob() {
	if [ "$ND_TEST_STORE" = pg ]; then
		echo "convert_to('$1', 'UTF8')"
	else
		echo "CAST('$1' AS BLOB)"
	fi
}

# db_intact [STORE]: the store is sound. SQLite: PRAGMA integrity_check says
# ok. PostgreSQL keeps its own files consistent (WAL; a client killed
# mid-write cannot tear a page, and amcheck would only test the server):
# what a test can break there is what the store wrote, so every table of
# the schema must be there and readable whole, each row's every column
# (TOASTed text included) read back.
db_intact() {
	local store=${1:-$DB} tables sql='' t
	if [ "$ND_TEST_STORE" != pg ]; then
		test "$(sqlite3 -batch "$store" 'PRAGMA integrity_check')" = ok
		return
	fi
	tables=$(psql_on "$store" -At -c "SELECT tablename FROM pg_tables WHERE schemaname = 'public'") ||
		return 1
	grep -qx articles <<<"$tables" || return 1
	for t in $tables; do
		sql+="SELECT count(*), sum(length($t::text)) FROM $t;"
	done
	psql_on "$store" -At -c "$sql" >/dev/null
}

DB=$(new_db site) || exit 1

# finish stops a server still running, so its exit is checked too.
trap cleanup EXIT

pass() { PASSED=$((PASSED + 1)); }
fail() {
	FAILED=$((FAILED + 1))
	echo "FAIL: $*" >&2
}

# check DESCRIPTION COMMAND...: passes when the command succeeds.
check() {
	local what=$1
	shift
	if "$@"; then pass; else fail "$what"; fi
}

# start_server [ARGS...]: serves $DB (or the --db given) on a free
# port chosen by the kernel; sets SERVER_PID, PORT, BASE.
start_server() {
	local log=$TMP/server.log
	: >"$log"
	"$ND_BIN" serve --db "$DB" --listen 127.0.0.1:0 --reload-interval-ms 100 "$@" \
		2>>"$log" &
	SERVER_PID=$!
	for _ in $(seq 1 200); do
		PORT=$(sed -n 's|.*on http://127\.0\.0\.1:\([0-9]*\)/.*|\1|p' "$log" | head -n1)
		[ -n "$PORT" ] && break
		if ! kill -0 "$SERVER_PID" 2>/dev/null; then
			echo "server exited early:" >&2
			cat "$log" >&2
			return 1
		fi
		sleep 0.05
	done
	if [ -z "$PORT" ]; then
		echo "server did not start:" >&2
		cat "$log" >&2
		return 1
	fi
	BASE=http://127.0.0.1:$PORT
}

# stop_server [SIGNAL]: stops it and waits; returns its exit status. A
# non-zero exit or a sanitizer report (a leak found at exit, say) fails.
stop_server() {
	local rc=0
	kill -"${1:-TERM}" "$SERVER_PID" 2>/dev/null
	wait "$SERVER_PID" || rc=$?
	SERVER_PID=
	if [ "${1:-TERM}" != KILL ]; then
		check "server exits with status 0 (was $rc)" test $rc -eq 0
		if grep -qE 'ERROR: (Address|Leak)Sanitizer|runtime error:' "$TMP/server.log"; then
			fail "sanitizer report in the server log:"
			cat "$TMP/server.log" >&2
		else
			pass
		fi
	fi
	return $rc
}

# fetch PATH [CURL ARGS...]: sets STATUS, and the files $TMP/headers, $TMP/body.
fetch() {
	local path=$1
	shift
	STATUS=$(curl -s -o "$TMP/body" -D "$TMP/headers" -w '%{http_code}' --max-time 10 "$@" \
		"$BASE$path")
}

expect_status() {
	if [ "$STATUS" = "$1" ]; then pass; else fail "${2:-request}: status $STATUS, expected $1"; fi
}

# header NAME: the value of the last response's header (case-insensitive).
header() {
	grep -i "^$1:" "$TMP/headers" | tail -n1 | cut -d: -f2- | sed 's/^ *//; s/\r$//'
}

expect_header() {
	local v
	v=$(header "$1")
	if printf '%s' "$v" | grep -qE -- "$2"; then pass; else
		fail "${3:-header}: $1 is '$v', expected /$2/"
	fi
}

expect_body() {
	if grep -qF -- "$1" "$TMP/body"; then pass; else fail "${2:-body} lacks '$1'"; fi
}

expect_no_body() {
	if grep -qF -- "$1" "$TMP/body"; then fail "${2:-body} contains '$1'"; else pass; fi
}

expect_body_re() {
	if grep -qE -- "$1" "$TMP/body"; then pass; else fail "${2:-body} lacks /$1/"; fi
}

finish() {
	[ -n "$SERVER_PID" ] && stop_server
	echo "$PASSED passed, $FAILED failed"
	[ "$FAILED" -eq 0 ]
}
