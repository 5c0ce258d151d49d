#!/usr/bin/env python3
"""A webhook receiver for the e2e tests: keeps request N's body as DIR/N.json
and its headers as DIR/N.hdr, writes its port to DIR/port. With --fail-first
it answers 500 to the first request (to see a retry), else 200."""
import http.server
import os
import sys

out = sys.argv[1]
fail_first = '--fail-first' in sys.argv[2:]
n = [0]


class H(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers.get('Content-Length', 0)))
        n[0] += 1
        # The headers first, then the body under a temporary name renamed
        # into place: a test waiting for N.json (hooks.sh) finds both whole.
        with open(os.path.join(out, '%d.hdr' % n[0]), 'w') as f:
            f.write(str(self.headers))
        tmp = os.path.join(out, '%d.json.tmp' % n[0])
        with open(tmp, 'wb') as f:
            f.write(body)
        os.rename(tmp, os.path.join(out, '%d.json' % n[0]))
        self.send_response(500 if fail_first and n[0] == 1 else 200)
        self.end_headers()

    def log_message(self, *a):
        pass


s = http.server.HTTPServer(('127.0.0.1', 0), H)
with open(os.path.join(out, 'port.tmp'), 'w') as f:
    f.write(str(s.server_address[1]))
os.rename(os.path.join(out, 'port.tmp'), os.path.join(out, 'port'))
s.serve_forever()
