#!/usr/bin/env bash
# `newsdesk eval related` on ECB+ (issue 3): the output contract (a header,
# then one row per model, name first, figures as decimals) and the quality
# goal: the engine ahead of the TF-IDF baseline of the same run on every
# figure, with no list holding two copies of one story. Usage errors too.
. "$(dirname "$0")/lib/common.sh"

SHARED=${ND_SHARED_DIR:-$ND_SOURCE_DIR/../shared}
ECB=$SHARED/data/ecbplus/docs.jsonl

"$ND_BIN" eval related --docs "$ECB" --story-field subtopic --topic-field topic \
	>"$TMP/out" 2>"$TMP/err"
check "eval related exits 0" test $? -eq 0
check "header names the figures" \
	grep -qE '^model +P@1 +P@5 +nDCG@10 +MRR@10 +dup@10$' <(head -n1 "$TMP/out")
check "two rows, engine then tfidf" \
	test "$(sed -n '2,$p' "$TMP/out" | awk '{ print $1 }' | tr '\n' ' ')" = "engine tfidf "
check "every figure is a decimal in [0, 1]" \
	awk 'NR > 1 { for (i = 2; i <= 6; i++) if ($i !~ /^[01]\.[0-9]+$/ || $i > 1) exit 1 }' "$TMP/out"
check "stderr counts documents and queries" \
	grep -q '496 documents, 496 queries, limit 10' "$TMP/err"

# The figures: every one above the baseline's (the issue's goal), dup@10 0.
read -r _ e1 e5 en em ed < <(sed -n 2p "$TMP/out")
read -r _ t1 t5 tn tm td < <(sed -n 3p "$TMP/out")
gt() { awk -v a="$1" -v b="$2" 'BEGIN { exit !(a > b) }'; }
check "engine P@1 $e1 > tfidf $t1" gt "$e1" "$t1"
check "engine P@5 $e5 > tfidf $t5" gt "$e5" "$t5"
check "engine nDCG@10 $en > tfidf $tn" gt "$en" "$tn"
check "engine MRR@10 $em > tfidf $tm" gt "$em" "$tm"
check "engine lists no two copies of a story (dup@10 $ed)" test "$ed" = 0.000
check "the baseline does list copies (dup@10 $td)" gt "$td" 0
# The reference figures of the data's README for the baseline, to 0.01.
check "tfidf P@5 near the README's 0.957" awk -v x="$t5" 'BEGIN { exit !(x > 0.947 && x < 0.967) }'

# A parameter changes the engine row only.
"$ND_BIN" eval related --docs "$ECB" --story-field subtopic --param neighbours=0 \
	--param query_terms=5 >"$TMP/p" 2>/dev/null
check "--param changes the engine's figures" \
	test "$(sed -n 2p "$TMP/p")" != "$(sed -n 2p "$TMP/out")"
check "--param leaves the baseline alone" \
	test "$(sed -n 3p "$TMP/p" | awk '{ print $2, $3 }')" = "$(sed -n 3p "$TMP/out" | awk '{ print $2, $3 }')"

# Usage errors: exit 2 and a message naming what was wrong.
"$ND_BIN" eval related --docs "$ECB" >/dev/null 2>"$TMP/err"
check "missing --story-field exits 2" test $? -eq 2
check "missing --story-field is explained" grep -q -- '--story-field' "$TMP/err"
"$ND_BIN" eval related --docs "$ECB" --story-field subtopic --param frob=1 >/dev/null 2>"$TMP/err"
check "unknown --param exits 2" test $? -eq 2
check "unknown --param is named" grep -q "not 'frob=1'" "$TMP/err"
"$ND_BIN" eval related --docs "$ECB" --story-field subtopic --param candidates=0 \
	>/dev/null 2>"$TMP/err"
check "--param out of range exits 2" test $? -eq 2
check "--param out of range is explained" grep -q "candidates must be a whole number" "$TMP/err"
"$ND_BIN" eval related --docs "$TMP/none.jsonl" --story-field subtopic >/dev/null 2>"$TMP/err"
check "a missing file exits 1" test $? -eq 1
check "a missing file is named" grep -q "none.jsonl" "$TMP/err"
printf '{"id":"a","title":"x","text":"y","s":"1"}\nnot json\n' >"$TMP/bad.jsonl"
"$ND_BIN" eval related --docs "$TMP/bad.jsonl" --story-field s >/dev/null 2>"$TMP/err"
check "a bad line exits 1" test $? -eq 1
check "a bad line is named by file and line" grep -q "bad.jsonl' line 2" "$TMP/err"

finish
