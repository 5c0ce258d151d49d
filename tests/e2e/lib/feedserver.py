#!/usr/bin/env python3
"""A tiny feed server for the wire e2e tests, on loopback only.

usage: feedserver.py DIR PORTFILE LOGFILE
Serves the files of DIR with an ETag (hash of the content) and a
Last-Modified, answering 304 to a matching If-None-Match. Special paths:
  /slow/NAME      waits 30 s before answering (timeout and shutdown tests)
  /big            an endless stream of bytes (size cap tests)
  /redirect/NAME  302 to /NAME
  /loop           302 to itself
  /ftp            302 to an ftp:// URL
Anything else missing is 404. Each request is logged as
"METHOD PATH STATUS inm=IF-NONE-MATCH ua=USER-AGENT". Writes the port it
listens on to PORTFILE; exits after 10 minutes in any case.
"""
import hashlib
import http.server
import os
import sys
import threading
import time

root, portfile, logfile = sys.argv[1], sys.argv[2], sys.argv[3]


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, fmt, *args):
        pass

    def note(self, status):
        with open(logfile, "a") as f:
            f.write("%s %s %d inm=%s ua=%s\n" % (self.command, self.path, status,
                    self.headers.get("If-None-Match", "-"), self.headers.get("User-Agent", "-")))

    def send(self, status, body=b"", headers=()):
        self.send_response(status)
        for k, v in headers:
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
        self.note(status)

    def do_GET(self):
        path = self.path
        if path == "/big":
            self.send_response(200)
            self.send_header("Content-Type", "application/rss+xml")
            self.end_headers()
            self.note(200)
            try:
                self.wfile.write(b"<rss><channel><title>big</title>")
                chunk = b"<!-- " + b"x" * 65536 + b" -->"
                for _ in range(2000):
                    self.wfile.write(chunk)
            except OSError:
                pass
            self.close_connection = True
            return
        if path == "/loop":
            return self.send(302, b"", [("Location", "/loop")])
        if path == "/ftp":
            return self.send(302, b"", [("Location", "ftp://127.0.0.1/x")])
        if path.startswith("/redirect/"):
            return self.send(302, b"", [("Location", "/" + path[len("/redirect/"):])])
        if path.startswith("/slow/"):
            time.sleep(30)
            path = "/" + path[len("/slow/"):]
        name = os.path.join(root, os.path.basename(path))
        if not os.path.isfile(name):
            return self.send(404, b"not found", [("Content-Type", "text/plain")])
        with open(name, "rb") as f:
            body = f.read()
        etag = '"%s"' % hashlib.sha1(body).hexdigest()[:16]
        lm = time.strftime("%a, %d %b %Y %H:%M:%S GMT", time.gmtime(os.path.getmtime(name)))
        if self.headers.get("If-None-Match") == etag:
            return self.send(304, b"", [("ETag", etag)])
        ctype = "application/rss+xml"
        if name.endswith(".latin1.xml"):
            ctype = "text/xml; charset=ISO-8859-1"
        self.send(200, body, [("Content-Type", ctype), ("ETag", etag), ("Last-Modified", lm)])


class Server(http.server.ThreadingHTTPServer):
    daemon_threads = True


srv = Server(("127.0.0.1", 0), Handler)
with open(portfile + ".tmp", "w") as f:
    f.write(str(srv.server_address[1]))
os.rename(portfile + ".tmp", portfile)
threading.Timer(600, lambda: os._exit(0)).start()
srv.serve_forever()
