#!/usr/bin/env bash
# `newsdesk eval recs` on mind-sample (issue 5): the output contract (a
# header, then one row per model, name first, figures as decimals), the
# baselines' figures near the data README's reference, strict loading
# (a bad line named FILE:LINE, exit 1) and usage errors (exit 2).
. "$(dirname "$0")/lib/common.sh"

SHARED=${ND_SHARED_DIR:-$ND_SOURCE_DIR/../shared}
MIND=$SHARED/data/mind-sample

"$ND_BIN" eval recs --train "$MIND/train" --test "$MIND/dev" >"$TMP/out" 2>"$TMP/err"
check "eval recs exits 0" test $? -eq 0
cat "$TMP/out"
check "header names the figures" \
	grep -qE '^model +AUC +MRR +nDCG@5 +nDCG@10$' <(head -n1 "$TMP/out")
check "rows: blend, popularity, ctr, covisit, fresh, recent, local, content" \
	test "$(sed -n '2,$p' "$TMP/out" | awk '{ print $1 }' | tr '\n' ' ')" = "blend popularity ctr covisit fresh recent local content "
check "every figure is a decimal in [0, 1]" \
	awk 'NR > 1 { for (i = 2; i <= 5; i++) if ($i !~ /^[01]\.[0-9]+$/ || $i > 1) exit 1 }' "$TMP/out"
check "stderr counts impressions" \
	grep -q 'train 1261 impressions, test 1314 impressions' "$TMP/err"
check "stderr gives the blend's weights" \
	grep -qE 'blend weights .*popularity -?[0-9.]+ ctr -?[0-9.]+ covisit' "$TMP/err"

read -r _ pa pm p5 p10 < <(grep '^popularity ' "$TMP/out")
read -r _ ca cm c5 c10 < <(grep '^ctr ' "$TMP/out")
within() { awk -v x="$1" -v lo="$2" -v hi="$3" 'BEGIN { exit !(x >= lo && x <= hi) }'; }
check "popularity AUC $pa in a sane range" within "$pa" 0.5 0.7
check "popularity AUC $pa near the README's 0.592" within "$pa" 0.582 0.602
check "popularity nDCG@10 $p10 near the README's 0.348" within "$p10" 0.338 0.358
check "ctr AUC $ca near the README's 0.613" within "$ca" 0.6 0.63
check "ctr AUC $ca above popularity's $pa" awk -v a="$ca" -v b="$pa" 'BEGIN { exit !(a > b) }'
read -r _ ba bm b5 b10 < <(grep '^blend ' "$TMP/out")
# Issue 5's acceptance: the blend, fitted on train alone, beats the best
# baseline on every metric of the same run.
check "stderr names the blend's selected signals" \
	grep -qE 'blend signals selected \(train CV AUC [0-9.]+\):( [a-z]+)+$' "$TMP/err"
above() { awk -v a="$1" -v b="$2" -v c="$3" 'BEGIN { exit !(a > b && a > c) }'; }
check "blend AUC $ba above popularity's $pa and ctr's $ca" above "$ba" "$pa" "$ca"
check "blend MRR $bm above popularity's $pm and ctr's $cm" above "$bm" "$pm" "$cm"
check "blend nDCG@5 $b5 above popularity's $p5 and ctr's $c5" above "$b5" "$p5" "$c5"
check "blend nDCG@10 $b10 above popularity's $p10 and ctr's $c10" above "$b10" "$p10" "$c10"

# Strict loading: a malformed line is named as FILE:LINE, exit 1.
mkdir -p "$TMP/bad"
cp "$MIND/dev/news.tsv" "$TMP/bad/"
{ head -n 2 "$MIND/dev/behaviors.tsv"; printf '9\tU1\tyesterday\t\tN1-1\n'; } >"$TMP/bad/behaviors.tsv"
"$ND_BIN" eval recs --train "$MIND/train" --test "$TMP/bad" >/dev/null 2>"$TMP/err"
check "a bad line exits 1" test $? -eq 1
check "a bad line is named FILE:LINE" grep -q "bad/behaviors.tsv:3: bad time" "$TMP/err"
"$ND_BIN" eval recs --train "$MIND/train" --test "$TMP/none" >/dev/null 2>"$TMP/err"
check "a missing folder exits 1" test $? -eq 1
check "a missing file is named" grep -q "none/news.tsv" "$TMP/err"

# Usage errors: exit 2 with a message.
"$ND_BIN" eval recs --train "$MIND/train" >/dev/null 2>"$TMP/err"
check "missing --test exits 2" test $? -eq 2
check "missing --test is explained" grep -q -- '--train and --test are required' "$TMP/err"
"$ND_BIN" eval recs --train "$MIND/train" --test "$MIND/dev" --frob 1 >/dev/null 2>"$TMP/err"
check "an unknown option exits 2" test $? -eq 2
check "an unknown option is named" grep -q -- "unknown option '--frob'" "$TMP/err"
"$ND_BIN" eval recs --help >"$TMP/help"
check "--help exits 0" test $? -eq 0
check "--help shows the usage" grep -q 'usage: newsdesk eval recs' "$TMP/help"

finish
