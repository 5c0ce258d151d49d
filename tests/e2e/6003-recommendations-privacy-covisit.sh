#!/usr/bin/env bash
# The Recommendation list (issue 5), continued: readers who send DNT: 1 or
# Sec-GPC: 1 get no history (their lists are a new reader's) and feed no
# co-visitation; readers who read X then Y make Y the co-visitation pick
# next to X, in the API and in X's block.
. "$(dirname "$0")/lib/common.sh"
. "$(dirname "$0")/lib/recs.sh"

demo_server --no-histories || exit 1

# ids JAR QUERY [CURL ARGS...]: the ids of a list, comma separated (JAR "": no cookie).
ids() {
	local jar=$1 q=$2
	shift 2
	if [ -n "$jar" ]; then set -- -b "$jar" "$@"; fi
	curl -s -A "$UA" "$@" "$BASE/api/recommendations$q" | jq -r '[.items[].id] | join(",")'
}
personal() {
	local jar=$1
	shift
	curl -s -A "$UA" -b "$jar" "$@" "$BASE/api/recommendations" | jq -r .personal
}
# same_as_new JAR [CURL ARGS...]: the reader's list is a new reader's. The
# fresh signal moves with the clock's second: one of two new lists, taken
# around it, must match.
same_as_new() {
	local a b mine
	a=$(ids "" "")
	mine=$(ids "$@")
	b=$(ids "" "")
	[ "$mine" = "$a" ] || [ "$mine" = "$b" ]
}
# block PATH [CURL ARGS...]: the Recommendation block's links on PATH.
block() {
	local p=$1
	shift
	curl -s -A "$UA" "$@" "$BASE$p" |
		sed -n '/<section class="block recommendation"/,/<\/section>/p' |
		grep -o '<li data-reason="[a-z]*"><a href="[^"]*"'
}

BOXING=(ecbplus-7_6ecb ecbplus-7_7ecb ecbplus-7_1ecb)
for id in "${BOXING[@]}"; do BOX_PATHS+=("$(path "$id")"); done

# --- DNT: 1 and Sec-GPC: 1: no history, no co-visitation ---
for h in 'DNT: 1' 'Sec-GPC: 1'; do
	jar=$TMP/jar-${h%%:*}
	for p in "${BOX_PATHS[@]}"; do read_as "$jar" "$p" -H "$h"; done
	check "$h: the reader still gets a cookie" grep -q nd_v "$jar"
	check "$h: the list is not personal" test "$(personal "$jar" -H "$h")" = false
done
sleep 0.5 # their views are counted (popularity): let a flush pass
for h in 'DNT: 1' 'Sec-GPC: 1'; do
	jar=$TMP/jar-${h%%:*}
	check "$h: with the header, a new reader's list" same_as_new "$jar" "" -H "$h"
	# Without the header the cookie is known, but nothing was kept for it.
	check "$h: the cookie alone has no history either" same_as_new "$jar" ""
done
check "DNT: the block on an article page is a new reader's" \
	test "$(block "${BOX_PATHS[0]}" -b "$TMP/jar-DNT" -H 'DNT: 1')" = "$(block "${BOX_PATHS[0]}")"
api_covisit=$(curl -s -A "$UA" "$BASE/api/recommendations?article=${BOXING[0]}&limit=50" |
	jq '[.items[] | select(.reason == "covisit")] | length')
check "declined readers fed no co-visitation ($api_covisit covisit items)" test "$api_covisit" = 0

# DNT: 0 is no refusal.
jar=$TMP/jar-dnt0
cookie "$jar"
for p in "${BOX_PATHS[@]}"; do read_as "$jar" "$p" -H 'DNT: 0'; done
check "DNT: 0 keeps a history" test "$(personal "$jar" -H 'DNT: 0')" = true
boxing=$(curl -s -A "$UA" -b "$jar" "$BASE/api/recommendations" |
	jq '[.items[] | select(.section == "Sport/Boxing")] | length')
check "DNT: 0: a boxing list ($boxing of 8)" test "$boxing" -ge 4

# --- co-visitation: X then Y, by six readers ---
X=ecbplus-45_1ecb # Crime: Scott Peterson's verdict
Y=ecbplus-9_3ecb  # Environment: the Endangered Species Act
PX=$(path $X)
PY=$(path $Y)
for i in 1 2 3 4 5 6; do
	cookie "$TMP/cv$i"
	read_as "$TMP/cv$i" "$PX"
	read_as "$TMP/cv$i" "$PY"
done
fetch "/api/recommendations?article=$X" -A "$UA"
expect_status 200 "recommendations next to X"
check "Y comes first next to X ($(j '[.items[:3][] | "\(.id)=\(.reason)"] | join(" ")')" \
	test "$(j '.items[0].id')" = $Y
check "with reason covisit" test "$(j '.items[0].reason')" = covisit
# cos(X, Y) = 6 / sqrt(6 * 6) = 1, shrunk by six co-reads against the
# prior of three: 6 / (6 + 3), a covisit part of 0.667 (weight 1), which
# the normalisation by max(largest, 1) keeps as it is.
check "its score holds the shrunk covisit part ($(j '.items[0].score'))" test "$(j '.items[0].score >= 0.666')" = true
check "not personal without a cookie" test "$(j .personal)" = false
check "X itself is not listed" test "$(j "[.items[] | select(.id == \"$X\")] | length")" = 0
fetch "/api/recommendations?article=$Y" -A "$UA"
check "and X next to Y (both ways)" test "$(j "[.items[] | select(.id == \"$X\" and .reason == \"covisit\")] | length")" = 1
# A new reader on X's page sees Y in the block, for co-visitation.
cookie "$TMP/newcomer"
check "X's page block lists Y for covisit" \
	sh -c "printf '%s\n' \"\$1\" | grep -qF '<li data-reason=\"covisit\"><a href=\"$PY?ref=rec\"'" _ "$(block "$PX" -b "$TMP/newcomer" -c "$TMP/newcomer")"
# And once they have read X, their own list has Y for the same reason.
fetch /api/recommendations -A "$UA" -b "$TMP/newcomer"
check "the newcomer's list is personal" test "$(j .personal)" = true
check "the newcomer who read X gets Y by co-visitation" \
	test "$(j "[.items[] | select(.id == \"$Y\" and .reason == \"covisit\")] | length")" = 1

# The pairs are rebuilt from the stored histories at start.
sleep 0.6 # the reading queue is written with each flush (200 ms)
stop_server
start_server --counter-flush-ms 200 || exit 1
fetch "/api/recommendations?article=$X" -A "$UA"
check "after a restart Y still comes first next to X, for covisit ($(j '[.items[:2][] | "\(.id)=\(.reason)"] | join(" ")'))" \
	test "$(j '.items[0].id + " " + .items[0].reason')" = "$Y covisit"

finish
