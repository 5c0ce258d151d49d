#!/usr/bin/env bash
# Webhooks (issue 6, item 4): "[webhook NAME]" in the config file; the
# write API's publish, update and unpublish POST a JSON payload signed with
# HMAC-SHA256 (X-Newsdesk-Signature: sha256=<hex>) to each webhook that
# wants the event; a failed delivery is tried again (1 s, 2 s, ...) and
# every attempt is logged in webhook_deliveries.
. "$(dirname "$0")/lib/common.sh"

export ND_TEST_FAST_HASH=1
echo 'correct horse battery staple' | "$ND_BIN" user add ed --role editor --db "$DB" >/dev/null 2>&1
ED=$("$ND_BIN" token add ed --name hooks --db "$DB" 2>/dev/null)

# A receiver: answers 500 to its first request, then 200; keeps each
# request as N.json (body) and N.hdr (headers).
. "$(dirname "$0")/lib/hooks.sh"
start_receiver --fail-first

cat >"$TMP/bad.ini" <<EOF2
[webhook x]
url = http://127.0.0.1:1/
secret = s
events = publish,explode
EOF2
"$ND_BIN" serve --config "$TMP/bad.ini" --db "$DB" --listen 127.0.0.1:0 2>"$TMP/bad.err" &
BADPID=$!
sleep 0.5
kill $BADPID 2>/dev/null
check "an unknown event is a config error" grep -q "unknown event 'explode'" "$TMP/bad.err"

cat >"$TMP/site.ini" <<EOF2
[webhook test]
url = http://127.0.0.1:$RPORT/hook
secret = s3cret
events = publish, unpublish
EOF2
start_server --config "$TMP/site.ini" || exit 1

api() {
	local m=$1 p=$2
	shift 2
	fetch "$p" -X "$m" -H "Authorization: Bearer $ED" -H 'Content-Type: application/json' "$@"
}
sig() { python3 -c 'import hmac,hashlib,sys; print("sha256=" + hmac.new(b"s3cret", open(sys.argv[1],"rb").read(), hashlib.sha256).hexdigest())' "$1"; }
hdr() { grep -i "^$1:" "$HOOKS/$2.hdr" | cut -d: -f2- | tr -d ' \r'; }

api POST /api/articles -d '{"id":"h-1","title":"Hooked","body":"Text."}'
expect_status 201 "publish"
check "the receiver is called" wait_for 1
check "the event header" test "$(hdr X-Newsdesk-Event 1)" = publish
check "the payload" test "$(jq -r '.event + "|" + .id + "|" + .article.title' "$HOOKS/1.json")" = "publish|h-1|Hooked"
check "the signature is HMAC-SHA256 of the body" test "$(hdr X-Newsdesk-Signature 1)" = "$(sig "$HOOKS/1.json")"
check "the 500 is tried again (after 1 s)" wait_for 2
check "the same delivery, same body" cmp -s "$HOOKS/1.json" "$HOOKS/2.json"
check "the same delivery id" test "$(hdr X-Newsdesk-Delivery 1)" = "$(hdr X-Newsdesk-Delivery 2)"
sleep 0.3
check "logged as delivered after 2 attempts" test "$(db_query "SELECT webhook || '|' || event || '|' || status || '|' || attempts || '|' || http_status FROM webhook_deliveries")" = "test|publish|delivered|2|200"

api PATCH /api/articles/h-1 -d '{"body":"Changed."}'
expect_status 200 "update (not wanted by this webhook)"
api POST /api/articles -d '{"id":"h-2","title":"Draft","body":"x","status":"draft"}'
expect_status 201 "a draft: no event"
api DELETE /api/articles/h-1
expect_status 204 "delete of a published article"
check "unpublish sent" wait_for 3
check "it is the unpublish" test "$(jq -r .event "$HOOKS/3.json")" = unpublish
check "nothing for the update or the draft" test ! -e "$HOOKS/4.json"
check "two deliveries logged" test "$(db_query "SELECT count(*) FROM webhook_deliveries")" = 2

finish
