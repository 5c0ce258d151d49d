#!/usr/bin/env bash
# Two nodes on one PostgreSQL count as one site (issue 7, item 3 and
# "Tests"): 10,000 views spread over both, each from a distinct reader,
# give exactly 10,000 in the database and on each node's live count and
# Ranking; a reaction made on one node is counted on the other and taken
# back there by the same reader; readers on one node teach the other's
# co-visitation (the node log, docs/internals/node-sync.md); a node killed
# with kill -9 mid-burst loses at most its last flush, and, started again,
# counts what the other node counted meanwhile.
source "$(dirname "$0")/../e2e/lib/common.sh"
source "$(dirname "$0")/lib/nodes.sh"

UA='Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36'
FLUSH=(--counter-flush-ms 200)
cat >"$TMP/a.jsonl" <<'JSONL'
{"id":"c-1","title":"Counted story","body":"Rain over the harbour.","section":"World","published_at":"2026-11-20T09:15:00Z"}
{"id":"c-2","title":"Reacted story","body":"Snow in the hills.","section":"World","published_at":"2026-11-21T09:15:00Z"}
{"id":"x-1","title":"Harbour strike begins","body":"Dock workers walk out over pay.","section":"Business","published_at":"2026-11-22T09:15:00Z"}
{"id":"y-1","title":"Ferry timetable cut","body":"Fewer sailings this winter.","section":"Travel","published_at":"2026-11-23T09:15:00Z"}
JSONL
check "import into PostgreSQL" "$ND_BIN" import --db "$DB" "$TMP/a.jsonl"
start_node a "${FLUSH[@]}" || exit 1
start_node b "${FLUSH[@]}" || exit 1

api_views() { curl -s -A "$UA" "${NODE_BASE[$1]}/api/articles/$2" | jq -r .views; }
# settle N ID WANT: waits (at most 5 s) until node N's live view count of ID is WANT.
settle() {
	for _ in $(seq 1 100); do
		[ "$(api_views "$1" "$2")" = "$3" ] && return 0
		sleep 0.05
	done
	return 1
}

# --- 10,000 views over both nodes ---
# Readers without cookies, each with a User-Agent of its own (so each is a
# reader of its own: counter/visitor.h), alternating between the nodes on
# 8 keep-alive connections.
python3 - "${NODE_BASE[a]}" "${NODE_BASE[b]}" "$UA" 10000 >"$TMP/burst.out" <<'PY'
import http.client, sys, threading, urllib.parse
bases, ua, n = sys.argv[1:3], sys.argv[3], int(sys.argv[4])
ok = [0] * 8
def run(k):
    conns = [http.client.HTTPConnection(urllib.parse.urlsplit(b).hostname,
                                        urllib.parse.urlsplit(b).port, timeout=10) for b in bases]
    for i in range(k, n, 8):
        c = conns[i % 2]
        c.request("GET", "/world/counted-story", headers={"User-Agent": f"{ua} reader-{i}"})
        r = c.getresponse()
        r.read()
        ok[k] += r.status == 200
ts = [threading.Thread(target=run, args=(k,)) for k in range(8)]
[t.start() for t in ts]
[t.join() for t in ts]
print(sum(ok))
PY
check "10,000 pages served by the two nodes (got $(cat "$TMP/burst.out"))" \
	test "$(cat "$TMP/burst.out")" = 10000
for n in a b; do
	settle $n c-1 10000
	check "node $n counts all 10,000 views (got $(api_views $n c-1))" test "$(api_views $n c-1)" = 10000
done
check "the database holds 10,000 (got $(pg "SELECT views FROM article_stats a JOIN articles r ON r.id = a.article_id WHERE r.ext_id = 'c-1'"))" \
	test "$(pg "SELECT views FROM article_stats a JOIN articles r ON r.id = a.article_id WHERE r.ext_id = 'c-1'")" = 10000
for n in a b; do
	at $n '/api/ranking?window=24h' -A "$UA"
	check "node $n's Ranking has all 10,000 ($(jq -c '.items[0] | [.id, .views]' "$TMP/body"))" \
		test "$(jq -r '.items[0] | "\(.id) \(.views)"' "$TMP/body")" = "c-1 10000"
done

# --- a reaction on one node, taken back on the other ---
curl -s -A "$UA" -c "$TMP/jar" -o /dev/null "${NODE_BASE[a]}/"
check "a reader's cookie" grep -q nd_v "$TMP/jar"
reactions() { curl -s -A "$UA" "${NODE_BASE[$1]}/api/articles/c-2" | jq -r .reactions.verygood; }
at a /api/articles/c-2/reactions -A "$UA" -b "$TMP/jar" -H "Origin: ${NODE_BASE[a]}" \
	-H 'Content-Type: application/json' -d '{"type":"verygood"}'
expect_status 200 "react on node a"
for _ in $(seq 1 100); do [ "$(reactions b)" = 1 ] && break; sleep 0.05; done
check "node b counts node a's reaction (got $(reactions b))" test "$(reactions b)" = 1
at b "/api/articles/c-2/reactions?type=verygood" -A "$UA" -b "$TMP/jar" \
	-H "Origin: ${NODE_BASE[b]}" -X DELETE
expect_status 200 "the same reader takes it back on node b"
check "node b knew the reader had reacted (count $(jq -r .reactions.verygood "$TMP/body"), reacted $(jq -r .reacted "$TMP/body"))" \
	test "$(jq -r '"\(.reactions.verygood) \(.reacted)"' "$TMP/body")" = "0 false"
for _ in $(seq 1 100); do [ "$(reactions a)" = 0 ] && break; sleep 0.05; done
check "node a sees it taken back (got $(reactions a))" test "$(reactions a)" = 0

# --- readers on node a teach node b's co-visitation ---
for i in 1 2 3; do
	curl -s -A "$UA" -c "$TMP/r$i" -o /dev/null "${NODE_BASE[a]}/"
	for p in /business/harbour-strike-begins /travel/ferry-timetable-cut; do
		curl -s -A "$UA" -b "$TMP/r$i" -c "$TMP/r$i" -o /dev/null "${NODE_BASE[a]}$p"
	done
done
curl -s -A "$UA" -c "$TMP/new" -o /dev/null "${NODE_BASE[b]}/"
curl -s -A "$UA" -b "$TMP/new" -c "$TMP/new" -o /dev/null "${NODE_BASE[b]}/business/harbour-strike-begins"
covisit() {
	at b /api/recommendations -A "$UA" -b "$TMP/new"
	jq -r '[.items[] | select(.id == "y-1" and .reason == "covisit")] | length' "$TMP/body"
}
for _ in $(seq 1 60); do [ "$(covisit)" = 1 ] && break; sleep 0.05; done
check "node b recommends y-1 from node a's readers ($(jq -c '[.items[] | "\(.id)=\(.reason)"]' "$TMP/body"))" \
	test "$(covisit)" = 1
# A reader who read on node a is known by history on node b.
at b /api/recommendations -A "$UA" -b "$TMP/r1"
check "node b's list for node a's reader is personal" test "$(jq -r .personal "$TMP/body")" = true
check "and leaves out what they read on node a" \
	test "$(jq -r '[.items[] | select(.id == "x-1" or .id == "y-1")] | length' "$TMP/body")" = 0

# --- kill -9 of one node mid-burst; the other goes on ---
before=$(api_views a c-1)
burst() {
	local i=0
	while [ $i -lt 300 ]; do
		i=$((i + 1))
		curl -s --max-time 5 -A "$UA burst-$1-$i" -o /dev/null -w '%{http_code}\n' \
			"${NODE_BASE[$1]}/world/counted-story" >>"$TMP/burst.$1" || break
	done
}
burst a &
ba=$!
burst b &
bb=$!
sleep 1
stop_node b KILL
wait $ba $bb 2>/dev/null
served_a=$(grep -c '^200$' "$TMP/burst.a")
served_b=$(grep -c '^200$' "$TMP/burst.b" || true)
check "node a served its 300" test "$served_a" = 300
start_node b "${FLUSH[@]}" || exit 1
settle a c-1 $((before + served_a + served_b)) || true
after_a=$(api_views a c-1)
after_b=$(api_views b c-1)
stored=$(pg "SELECT views FROM article_stats a JOIN articles r ON r.id = a.article_id WHERE r.ext_id = 'c-1'")
check "node a's views all stored, none invented ($stored stored; node b served $served_b before the kill)" \
	test "$stored" -ge $((before + served_a)) -a "$stored" -le $((before + served_a + served_b))
settle b c-1 "$stored" || true
check "node b, started again, counts what is stored ($(api_views b c-1) = $stored)" \
	test "$(api_views b c-1)" = "$stored"
check "and so does node a ($after_a)" test "$(api_views a c-1)" = "$stored"

stop_node a
stop_node b
finish
