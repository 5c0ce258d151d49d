#!/usr/bin/env bash
# The command line: version, help on every subcommand, usage errors.
. "$(dirname "$0")/lib/common.sh"

out=$("$ND_BIN" --version)
check "--version prints the version" grep -qE '^newsdesk [0-9]+\.[0-9]+\.[0-9]+$' <<<"$out"

for cmd in serve import demo; do
	out=$("$ND_BIN" $cmd --help)
	rc=$?
	check "$cmd --help exits 0" test $rc -eq 0
	check "$cmd --help shows usage" grep -q "usage: newsdesk $cmd" <<<"$out"
	check "$cmd --help lists --db" grep -q -- "--db" <<<"$out"
	check "$cmd --help lists --config" grep -q -- "--config" <<<"$out"
done
out=$("$ND_BIN" import --help)
check "import --help lists --strict" grep -q -- "--strict" <<<"$out"

# A store that cannot be opened is named, its password never shown.
for db in 'postgres://ann:s3cretpw@127.0.0.1:1/news' 'pg:host=127.0.0.1 port=1 password=s3cretpw'; do
	"$ND_BIN" import --db "$db" /dev/null >"$TMP/out" 2>&1
	check "an unreachable store fails the import ($db)" test $? -ne 0
	check "the store is named, its password as ***" grep -q "cannot open store '.*\*\*\*" "$TMP/out"
	check "the password is not shown anywhere" test "$(grep -c s3cretpw "$TMP/out")" = 0
done

"$ND_BIN" frobnicate >/dev/null 2>"$TMP/err"
check "unknown command exits 2" test $? -eq 2
check "unknown command is named" grep -q "unknown command 'frobnicate'" "$TMP/err"

"$ND_BIN" >/dev/null 2>&1
check "no command exits 2" test $? -eq 2

"$ND_BIN" serve --page-size 0 --db "$DB" 2>"$TMP/err"
check "bad option value exits 2" test $? -eq 2
check "bad option value is explained" grep -q "bad value '0' for option 'page_size'" "$TMP/err"

"$ND_BIN" serve --no-such-option 1 --db "$DB" 2>"$TMP/err"
check "unknown option exits 2" test $? -eq 2
check "unknown option is named" grep -q "unknown option 'no-such-option'" "$TMP/err"

"$ND_BIN" serve --db "$DB" --listen nonsense 2>"$TMP/err"
check "bad listen address fails" test $? -ne 0
check "bad listen address is named" grep -q "bad listen address 'nonsense'" "$TMP/err"

"$ND_BIN" serve --config "$TMP/missing.ini" 2>"$TMP/err"
check "missing config file exits 2" test $? -eq 2
check "missing config file is named" grep -q "cannot read config file '$TMP/missing.ini'" "$TMP/err"

finish
