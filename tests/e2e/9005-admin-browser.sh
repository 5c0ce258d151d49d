#!/usr/bin/env bash
# The admin's editor in headless Chromium (tests/browser/admin.mjs): log
# in, write, live preview and autosave with JavaScript, publish and see the
# headline on the home page; preview and save a draft without JavaScript;
# no console errors.
. "$(dirname "$0")/lib/common.sh"

export ND_TEST_FAST_HASH=1
PW='correct horse battery staple'
echo "$PW" | "$ND_BIN" user add ed --role editor --name "Ed Editor" --db "$DB" >/dev/null 2>&1
check "an editor" test $? -eq 0
printf '%s\n' '{"id":"s-1","title":"Already there","body":"Text.","section":"World"}' >"$TMP/seed.jsonl"
"$ND_BIN" import "$TMP/seed.jsonl" --db "$DB" >/dev/null 2>&1
check "a first article" test $? -eq 0
start_server --reload-interval-ms 50 || exit 1

out=${ND_ARTIFACTS:-$TMP}
mkdir -p "$out"
node "$ND_SOURCE_DIR/tests/browser/admin.mjs" "$BASE" "$out" ed "$PW"
check "browser checks pass" test $? -eq 0

finish
