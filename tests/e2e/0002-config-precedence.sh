#!/usr/bin/env bash
# Options come from the INI file, then NEWSDESK_* variables, then flags.
. "$(dirname "$0")/lib/common.sh"

cat >"$TMP/site.ini" <<INI
[store]
db = $DB
[site]
site_name = From File
site_description = Described in the file
INI

title() {
	fetch /
	sed -n 's:.*<title>\(.*\)</title>.*:\1:p' "$TMP/body" | head -n1
}

start_server --config "$TMP/site.ini" || exit 1
check "file sets the site name" grep -q "From File" <<<"$(title)"
expect_body "Described in the file" "home page"
stop_server

NEWSDESK_SITE_NAME="From Env" start_server --config "$TMP/site.ini" || exit 1
check "environment overrides the file" grep -q "From Env" <<<"$(title)"
expect_body "Described in the file" "file still applies to other options"
stop_server

NEWSDESK_SITE_NAME="From Env" start_server --config "$TMP/site.ini" --site-name "From Flag" || exit 1
check "flag overrides the environment" grep -q "From Flag" <<<"$(title)"
stop_server

NEWSDESK_CONFIG="$TMP/site.ini" start_server || exit 1
check "NEWSDESK_CONFIG names the file" grep -q "From File" <<<"$(title)"
stop_server

printf '[site]\nsite_name = x\nnot_an_option = 1\n' >"$TMP/bad.ini"
"$ND_BIN" serve --config "$TMP/bad.ini" 2>"$TMP/err"
check "bad config exits 2" test $? -eq 2
check "bad config names file and line" grep -q "$TMP/bad.ini:3: unknown option 'not_an_option'" "$TMP/err"

finish
