#!/usr/bin/env bash
# Hostile clients: slow and idle connections, a flood from one address,
# invalid UTF-8 and NUL in targets, path traversal, and the security
# headers on every kind of response, errors included.
. "$(dirname "$0")/lib/common.sh"

printf '%s\n' '{"id":"a","title":"A story","body":"Text.","section":"world"}' >"$TMP/a.jsonl"
"$ND_BIN" import --db "$DB" "$TMP/a.jsonl" 2>/dev/null
# Two workers and a 2 s timeout: more slow clients than threads.
start_server --threads 2 --connection-timeout 2 --max-connections-per-ip 12 || exit 1

# Every response carries nosniff, a Referrer-Policy, and a CSP that forbids
# inline script and says who may frame the page.
secure() {
	local what=$1 csp script
	csp=$(header Content-Security-Policy)
	script=$(printf '%s' "$csp" | tr ';' '\n' | grep -E '^ *(script-src|default-src)' | head -n1)
	check "$what: nosniff" test "$(header X-Content-Type-Options)" = nosniff
	check "$what: Referrer-Policy" test -n "$(header Referrer-Policy)"
	check "$what: a CSP ($csp)" test -n "$csp"
	check "$what: no inline script in the CSP" test -z "$(printf '%s' "$script" | grep -F "'unsafe-inline'")"
	check "$what: frame-ancestors or X-Frame-Options" \
		test -n "$(printf '%s' "$csp" | grep -F frame-ancestors)$(header X-Frame-Options)"
}

article=$(curl -s "$BASE/api/articles?limit=1" | python3 -c 'import json,sys; print(json.load(sys.stdin)["items"][0]["url"])' 2>/dev/null)
check "an article URL from the API ($article)" test -n "$article"
while read -r status path; do
	fetch "$path"
	expect_status "$status" "GET $path"
	secure "GET $path ($status)"
done <<EOF2
200 /
200 /${article#http*://*/}
200 /static/style.css
200 /api/articles
200 /feed.xml
200 /sitemap.xml
200 /admin/login
301 /admin/
404 /no-such-page
404 /api/articles/no-such-id
400 /%ff
EOF2
fetch / -X DELETE
expect_status 405 "DELETE /"
secure "405"
fetch / -X POST -H 'Content-Length: 5000000' --data-binary @/dev/null
expect_status 413 "declared body over the limit"
secure "413"
fetch "/$(head -c 20000 /dev/zero | tr '\0' a)"
expect_status 414 "URL over the limit"
secure "414"
fetch / -H "X-Big: $(head -c 20000 /dev/zero | tr '\0' b)"
expect_status 431 "headers over the limit"
secure "431"
fetch / -H 'If-None-Match: *'
expect_status 304 "If-None-Match: *"
secure "304"
fetch /admin/login
check "the admin's cookie is HttpOnly and SameSite" \
	test -n "$(header Set-Cookie | grep HttpOnly | grep SameSite)"

# Invalid UTF-8 and NUL bytes, percent-encoded or raw, in the path or the
# query: 400. Well-formed UTF-8 is fine.
for t in '/%ff' '/%c0%af' '/a%00b' '/?q=%ff' '/?q=%c0%af' '/?q=%00' '/search?q=%ed%a0%80' \
	'/?q=%f4%90%80%80'; do
	fetch "$t"
	expect_status 400 "GET $t"
done
fetch '/search?q=caf%c3%a9'
expect_status 200 "well-formed UTF-8 in the query"
while read -r code what; do
	check "raw $what: 400 (was $code)" test "$code" = 400
done < <(python3 - "$PORT" <<'PY'
import socket, sys
port = int(sys.argv[1])
for what, target in (("0xff in the path", b"/\xff"), ("overlong in the path", b"/\xc0\xaf"),
                     ("0xff in the query", b"/?q=\xff"), ("a lone continuation", b"/?q=a\x80")):
    s = socket.create_connection(("127.0.0.1", port))
    s.sendall(b"GET " + target + b" HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
    s.settimeout(5)
    line = s.recv(64).split(b"\r\n")[0].decode("latin-1")
    print(line.split(" ")[1] if " " in line else "none", what)
    s.close()
PY
)

# Path traversal out of the theme's and the admin's static files: 404.
for t in '/static/../../../../etc/passwd' '/static/%2e%2e/%2e%2e/%2e%2e/etc/passwd' \
	'/static/..%2f..%2f..%2fetc%2fpasswd' '/static/%2fetc%2fpasswd' '/static//etc/passwd' \
	'/static/..%5c..%5cetc%5cpasswd' '/static/.%2e/.%2e/etc/passwd' \
	'/admin/static/../../../etc/passwd' '/admin/static/%2e%2e/%2e%2e/etc/passwd' \
	'/admin/static/%2fetc%2fpasswd'; do
	fetch "$t" --path-as-is
	check "GET $t: 404 or 400, not $STATUS" test "$STATUS" = 404 -o "$STATUS" = 400
	expect_no_body 'root:' "GET $t"
done

# Slow clients: three that send nothing after connecting and three that
# dribble a header byte a second, more than the two worker threads. Normal
# requests are still answered at once, and all six are closed once the 2 s
# timeout passes (the dribblers by the header deadline: they are never idle).
python3 - "$PORT" >"$TMP/slow" 2>&1 <<'PY' &
import socket, sys, time
port = int(sys.argv[1])
silent = [socket.create_connection(("127.0.0.1", port)) for _ in range(3)]
drip = [socket.create_connection(("127.0.0.1", port)) for _ in range(3)]
for s in drip:
    s.sendall(b"GET / HTTP/1.1\r\nHost: x\r\nX-Slow: ")
start = time.time()
for s in silent:
    s.settimeout(0.2)
cut = set()
while time.time() - start < 4 and len(cut) < len(drip):
    for i, s in enumerate(drip):
        try:
            s.sendall(b"a")
            s.settimeout(0.01)
            if s.recv(16) == b"":
                cut.add(i)
        except socket.timeout:
            pass
        except OSError:
            cut.add(i)
    time.sleep(1)
for i in range(len(drip)):
    print("drip closed" if i in cut else "drip open")
for s in silent:
    try:
        closed = s.recv(16) == b""
    except OSError:
        closed = True
    print("silent closed" if closed else "silent open")
PY
slow=$!
sleep 0.5
for i in 1 2 3 4 5; do
	t0=$(date +%s%N)
	fetch /
	ms=$((($(date +%s%N) - t0) / 1000000))
	expect_status 200 "request $i during slow clients"
	check "request $i answered within 2 s while slow clients hold connections (${ms} ms)" test $ms -lt 2000
done
wait $slow
check "the 3 silent connections were closed by the timeout: $(tr '\n' ' ' <"$TMP/slow")" \
	test "$(grep -c 'silent closed' "$TMP/slow")" = 3
check "the 3 connections dribbling their headers were closed by the header deadline" \
	test "$(grep -c 'drip closed' "$TMP/slow")" = 3

# A flood from one address: past --max-connections-per-ip (12) the server
# closes new connections at once; another address is still answered.
python3 - "$PORT" >"$TMP/flood" <<'PY'
import socket, sys, time
port = int(sys.argv[1])
conns = [socket.create_connection(("127.0.0.1", port)) for _ in range(40)]
time.sleep(0.3)
closed = 0
for s in conns:
    s.settimeout(0.3)
    try:
        s.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
        d = s.recv(16)
        closed += d == b""
    except OSError:
        closed += 1
print(closed)
for s in conns:
    s.close()
PY
n=$(cat "$TMP/flood")
check "a flood of 40 connections: those over 12 are closed (closed: $n)" test "${n:-0}" -ge 28
python3 - "$PORT" >"$TMP/other" <<'PY'
import socket, sys
port = int(sys.argv[1])
flood = [socket.create_connection(("127.0.0.1", port)) for _ in range(20)]
other = socket.socket()
other.bind(("127.0.0.2", 0))
other.connect(("127.0.0.1", port))
other.sendall(b"GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
other.settimeout(3)
print(other.recv(12).decode())
for s in flood:
    s.close()
PY
check "another address is answered during a flood ($(cat "$TMP/other"))" grep -q '^HTTP/1.1 200' "$TMP/other"
fetch /
expect_status 200 "answered after the flood"

# With an https site URL the admin's cookie is also Secure.
stop_server
start_server --site-url https://news.example || exit 1
fetch /admin/login
check "with an https site URL the admin's cookie is Secure, HttpOnly, SameSite" \
	test -n "$(header Set-Cookie | grep '; Secure' | grep HttpOnly | grep SameSite)"

finish
