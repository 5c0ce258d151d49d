#!/usr/bin/env bash
# Reader flows on the demo site in headless Chromium (tests/browser/reader.mjs):
# react and reload, follow Related, search, the Recommendation list after
# reading, axe-core on the public and admin pages, phone width; screenshots
# in ND_ARTIFACTS or the test's temp dir.
. "$(dirname "$0")/lib/common.sh"

export ND_TEST_FAST_HASH=1
demo_site
check "demo site created" test $? -eq 0
PW='correct horse battery staple'
echo "$PW" | "$ND_BIN" user add ed --role editor --name "Ed Editor" --db "$DB" >/dev/null 2>&1
check "an editor" test $? -eq 0
start_server || exit 1
fetch /
article=$(grep -o 'class="lead-title"><a href="[^"]*"' "$TMP/body" | sed 's/.*href="//; s/"$//')
check "home links a lead article" test -n "$article"

out=${ND_ARTIFACTS:-$TMP}
mkdir -p "$out"
node "$ND_SOURCE_DIR/tests/browser/reader.mjs" "$BASE" "$out" "$article" ed "$PW"
check "browser checks pass" test $? -eq 0
check "screenshots saved" test -s "$out/reader-phone-search.png"

finish
