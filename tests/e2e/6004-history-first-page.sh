#!/usr/bin/env bash
# A new reader's first article page (no cookie yet) belongs to their
# reading history even when the fallback identity they share with others
# behind one address and User-Agent has read it already (so the view is
# not counted): the reader's own cookie starts with this page. Right after
# that one page the API already answers from it.
. "$(dirname "$0")/lib/common.sh"
. "$(dirname "$0")/lib/recs.sh"

demo_server --no-histories || exit 1

X=ecbplus-45_1ecb
Y=ecbplus-9_3ecb
PX=$(path $X)
PY=$(path $Y)
# Readers with a cookie (from the home page) read X then Y: the pair (X, Y).
for i in 1 2 3; do
	cookie "$TMP/cv$i"
	read_as "$TMP/cv$i" "$PX"
	read_as "$TMP/cv$i" "$PY"
done
# Someone without a cookie reads X (counted, under the fallback identity).
read_as "$TMP/first" "$PX"
# A new reader lands on X from a link: their first page, no cookie yet.
read_as "$TMP/newcomer" "$PX"
check "the newcomer got a cookie" grep -q nd_v "$TMP/newcomer"
fetch /api/recommendations -A "$UA" -b "$TMP/newcomer"
check "the newcomer's list is personal" test "$(j .personal)" = true
check "the newcomer who read X gets Y by co-visitation (got: $(j '[.items[:4][] | "\(.id)=\(.reason)"] | join(" ")'))" \
	test "$(j "[.items[] | select(.id == \"$Y\" and .reason == \"covisit\")] | length")" = 1

finish
