#!/usr/bin/env bash
# Oversized and malformed requests get a clear status, never a crash.
. "$(dirname "$0")/lib/common.sh"

printf '%s\n' '{"id":"a","title":"A story","body":"Text."}' >"$TMP/a.jsonl"
"$ND_BIN" import --db "$DB" "$TMP/a.jsonl" 2>/dev/null
start_server || exit 1

long=$(head -c 20000 /dev/zero | tr '\0' a)
fetch "/$long"
expect_status 414 "URL over the limit"

big=$(head -c 40000 /dev/zero | tr '\0' b)
fetch / -H "X-Big: $big"
expect_status 431 "headers over the limit"

fetch / -X POST -H 'Content-Length: 5000000' --data-binary @/dev/null
expect_status 413 "declared body over the limit"

fetch /a -X DELETE
expect_status 405 "DELETE on a page"

fetch '/api/articles/%00x'
expect_status 400 "an encoded NUL in the target"

long_query=$(head -c 9000 /dev/zero | tr '\0' q)
fetch "/?q=$long_query"
expect_status 414 "query string over the limit"
many=$(python3 -c "print('&'.join(['a']*200))")
fetch "/?$many"
expect_status 200 "200 query arguments"

# A body is read only for a route that takes one (reactions), never for a
# page: any other method but GET/HEAD is answered at once, body unread.
fetch / -X POST -H 'Transfer-Encoding: chunked' --data-binary @<(head -c 20000000 /dev/zero)
expect_status 405 "a chunked upload is refused without being read"
fetch /a -X POST -H 'Expect: 100-continue' --data-binary @<(head -c 500000 /dev/zero)
expect_status 405 "POST to a page asking for 100 Continue"
check "no 100 Continue for a body no route takes" test -z "$(grep '^HTTP/1.1 100' "$TMP/headers")"
fetch /a -X PUT -H 'Content-Type: application/x-www-form-urlencoded' -d 'type=verygood'
expect_status 405 "a form PUT to a page"
fetch / -X GET -d 'x=1'
expect_status 200 "GET with a small body"
fetch / -H 'Content-Length: 999999999'
expect_status 413 "GET declaring a huge body"

# HTTP/1.1 requires Host.
fetch / -H 'Host:'
expect_status 400 "HTTP/1.1 without Host"

# The trailing-slash redirect never leaves the site and keeps the query.
fetch '//evil.example/'
expect_header Location '^/evil\.example$' "double slash redirect stays on the site"
fetch '/%5Cevil.example/'
expect_header Location '^/evil\.example$' "backslash redirect stays on the site"
fetch '/a%0d%0aSet-Cookie:x=1/'
expect_header Location '^/a%0D%0ASet-Cookie%3Ax%3D1$' "CR LF in a redirect is encoded"
check "no header injected" test -z "$(header Set-Cookie)"
fetch '/world/?page=2'
expect_header Location '^/world\?page=2$' "redirect keeps the query"

# Host is never echoed into links.
fetch /a -H 'Host: evil.example'
expect_no_body 'evil.example' "a forged Host"

fetch / -H 'If-None-Match: *'
expect_status 304 "If-None-Match: * on an existing page"

# Raw garbage and a request cut short must not take the server down.
python3 - "$PORT" <<'PY'
import socket, sys
port = int(sys.argv[1])
for payload in (b"GARBAGE\r\n\r\n", b"GET / HTTP/1.1\r\nHost: x\r\n", b"\x00\xff" * 100):
    s = socket.create_connection(("127.0.0.1", port))
    s.sendall(payload)
    s.close()
PY
fetch /
expect_status 200 "server still answers after garbage"

finish
