#!/usr/bin/env bash
# Oversized and malformed requests get a clear status, never a crash.
. "$(dirname "$0")/lib/common.sh"

printf '%s\n' '{"id":"a","title":"A story","body":"Text."}' >"$TMP/a.jsonl"
"$ND_BIN" import --db "$TMP/site.db" "$TMP/a.jsonl" 2>/dev/null
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

# libmicrohttpd decodes %00 and hands the path over as a C string, so the
# path ends there; whatever is answered, it is not a server error.
fetch '/api/articles/%00x'
check "NUL in a path is no server error ($STATUS)" test "${STATUS:0:1}" != 5

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
