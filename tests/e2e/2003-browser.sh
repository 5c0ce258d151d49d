#!/usr/bin/env bash
# The demo site in headless Chromium (tests/browser/pages.mjs): layout on
# desktop and phone, no JavaScript needed, no console errors, the
# Recommendation block following a reader.
. "$(dirname "$0")/lib/common.sh"

demo_site
check "demo site created" test $? -eq 0
start_server || exit 1
fetch /
article=$(grep -o 'class="lead-title"><a href="[^"]*"' "$TMP/body" | sed 's/.*href="//; s/"$//')
check "home links a lead article" test -n "$article"

out=${ND_ARTIFACTS:-$TMP}
mkdir -p "$out"
ND_ARTICLE=$article node "$ND_SOURCE_DIR/tests/browser/pages.mjs" "$BASE" "$out"
check "browser checks pass" test $? -eq 0

finish
