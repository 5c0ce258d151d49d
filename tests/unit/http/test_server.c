/*
 * The server against a real socket: it starts on 127.0.0.1:0 with a tiny
 * handler and a body hook, and the tests speak HTTP/1.1 byte by byte, so
 * framing (100 Continue, chunked uploads, keep-alive, a client hanging up)
 * is seen as a client sees it. server.c is included to read its in-flight
 * count, which drops only when libmicrohttpd reports a request completed,
 * which is where per-request state is freed.
 */
#include "helpers/cmocka.h"

#include <poll.h>
#include <stdio.h>

#include "http/server.c"

#include "core/str.h"

#define TIMEOUT_MS 5000

static struct nd_http_server *srv;
static atomic_int handler_calls;
static atomic_int hook_calls_get; /* the hook asked about GET or HEAD */

/* Claims POST and DELETE to /echo*, as a route table would. */
static size_t accepts_body(void *ctx, const char *method, const char *path)
{
	if (!strcmp(method, "GET") || !strcmp(method, "HEAD"))
		atomic_fetch_add(&hook_calls_get, 1);
	return nd_starts_with(path, "/echo") &&
	               (!strcmp(method, "POST") || !strcmp(method, "DELETE"))
	           ? ND_MAX_FORM_BODY
	           : 0;
}

/*
 * /echo: "METHOD LEN:BODY" when the body was read, else 405 (no route took
 * it); /cookie: the nd_v cookie, two Set-Cookie headers, Retry-After, 429;
 * /see-other: 303 with Location; /addr: the client address in hex; /own-csp:
 * "ok" with its own Content-Security-Policy;
 * anything else: "ok" for GET and HEAD, 405 for other methods.
 */
static int handler(void *ctx, struct nd_http_request *req, struct nd_http_response *res)
{
	atomic_fetch_add(&handler_calls, 1);
	res->content_type = "text/plain";
	if (nd_starts_with(req->path, "/echo")) {
		if (!req->body)
			return 405;
		nd_buf_addf(&res->body, "%s %zu:", req->method, req->body_len);
		nd_buf_add(&res->body, req->body, req->body_len);
		ND_ASSERT(req->body[req->body_len] == '\0');
		if (nd_http_content_type_is(req, "application/json"))
			nd_http_add_header(res, "X-Json", "1");
		if (nd_http_content_type_is(req, "application/x-www-form-urlencoded"))
			nd_http_add_header(res, "X-Form", "1");
		return 200;
	}
	if (!strcmp(req->path, "/cookie")) {
		const char *v = nd_http_cookie(req, "nd_v");
		nd_buf_addf(&res->body, "nd_v=%s", v ? v : "(none)");
		nd_http_add_header(res, "Set-Cookie", "nd_v=new; Path=/; HttpOnly; SameSite=Lax");
		nd_http_add_header(res, "Set-Cookie",
		                   nd_arena_printf(req->arena, "other=%d; Path=/", 2));
		nd_http_add_header(res, "Retry-After", nd_arena_printf(req->arena, "%d", 7));
		nd_http_add_header(res, "X-Bad", "a\r\nInjected: yes");
		return 429;
	}
	if (!strcmp(req->path, "/see-other")) {
		nd_http_add_header(res, "Location", "/a#reactions");
		return 303;
	}
	if (!strcmp(req->path, "/addr")) {
		uint8_t a[16];
		if (nd_http_client_addr(req, a))
			return 500;
		for (int i = 0; i < 16; i++)
			nd_buf_addf(&res->body, "%02x", a[i]);
		return 200;
	}
	if (!strcmp(req->path, "/own-csp"))
		nd_http_add_header(res, "Content-Security-Policy", "default-src 'none'");
	if (strcmp(req->method, "GET") && !req->head)
		return 405;
	nd_buf_adds(&res->body, "ok");
	return 200;
}

static struct nd_http_server *start(nd_http_accepts_body_fn hook)
{
	struct nd_http_options o = {
	    .listen = "127.0.0.1:0", .threads = 2, .timeout = 5, .accepts_body = hook};
	struct nd_http_server *s;

	assert_int_equal(nd_http_server_bind(&o, &s), 0);
	assert_int_equal(nd_http_server_serve(s, handler, NULL), 0);
	return s;
}

static int setup(void **state)
{
	srv = start(accepts_body);
	return 0;
}

static int teardown(void **state)
{
	nd_http_server_stop(srv, 1000);
	return 0;
}

/* A client connection with a read buffer, so replies on one keep-alive
 * connection are taken apart one by one. */
struct client {
	int fd;
	char buf[1 << 16];
	size_t len;
};

struct reply {
	int status;
	char head[4096]; /* status line and headers, NUL-terminated */
	char body[8192];
	size_t body_len;
};

static void client_open(struct client *c, const struct nd_http_server *s)
{
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)s->port)};

	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	c->len = 0;
	c->fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	assert_true(c->fd >= 0);
	assert_int_equal(connect(c->fd, (struct sockaddr *)&a, sizeof(a)), 0);
}

static void client_close(struct client *c)
{
	close(c->fd);
	c->fd = -1;
}

/* Sends len bytes; false when the server has closed the connection. */
static bool client_send(struct client *c, const void *p, size_t len)
{
	const char *s = p;

	while (len) {
		ssize_t n = send(c->fd, s, len, MSG_NOSIGNAL);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return false;
		s += n;
		len -= (size_t)n;
	}
	return true;
}

static bool client_sends(struct client *c, const char *s)
{
	return client_send(c, s, strlen(s));
}

/* Reads more into c->buf: the count, 0 at end of stream, -1 on an error or
 * after TIMEOUT_MS without data. */
static ssize_t client_fill(struct client *c)
{
	struct pollfd p = {.fd = c->fd, .events = POLLIN};
	ssize_t n;

	if (c->len == sizeof(c->buf) || poll(&p, 1, TIMEOUT_MS) != 1)
		return -1;
	n = recv(c->fd, c->buf + c->len, sizeof(c->buf) - c->len, 0);
	if (n > 0)
		c->len += (size_t)n;
	return n;
}

static void client_consume(struct client *c, size_t n)
{
	memmove(c->buf, c->buf + n, c->len - n);
	c->len -= n;
}

/* Reads one reply (a 1xx has no body; others carry Content-Length, as this
 * server always sends it). Returns false when the connection ends or times
 * out first. */
static bool client_reply(struct client *c, struct reply *r)
{
	char *end, *cl;
	size_t head_len, body_len = 0;

	memset(r, 0, sizeof(*r));
	for (;;) {
		end = memmem(c->buf, c->len, "\r\n\r\n", 4);
		if (end)
			break;
		if (client_fill(c) <= 0)
			return false;
	}
	head_len = (size_t)(end - c->buf) + 4;
	assert_true(head_len < sizeof(r->head));
	memcpy(r->head, c->buf, head_len);
	client_consume(c, head_len);
	assert_int_equal(sscanf(r->head, "HTTP/1.1 %d", &r->status), 1);
	cl = strcasestr(r->head, "\r\nContent-Length:");
	if (r->status >= 200 && cl)
		body_len = strtoul(cl + 17, NULL, 10);
	assert_true(body_len < sizeof(r->body));
	while (c->len < body_len)
		if (client_fill(c) <= 0)
			return false;
	memcpy(r->body, c->buf, body_len);
	r->body_len = body_len;
	client_consume(c, body_len);
	return true;
}

/* Whether the server closes the connection (end of stream or a reset)
 * rather than sending more or leaving it open. */
static bool client_closed(struct client *c)
{
	ssize_t n;

	c->len = 0;
	while ((n = client_fill(c)) > 0)
		c->len = 0;
	return n == 0 || (n < 0 && (errno == ECONNRESET || errno == EPIPE));
}

/* The value of header name in r (first occurrence), or NULL. */
static const char *reply_header(const struct reply *r, const char *name, char *out, size_t size)
{
	char pat[64];
	const char *p;

	snprintf(pat, sizeof(pat), "\r\n%s: ", name);
	p = strcasestr(r->head, pat);
	if (!p)
		return NULL;
	p += strlen(pat);
	snprintf(out, size, "%.*s", (int)strcspn(p, "\r"), p);
	return out;
}

static int count_headers(const struct reply *r, const char *name)
{
	char pat[64];
	int n = 0;

	snprintf(pat, sizeof(pat), "\r\n%s: ", name);
	for (const char *p = r->head; (p = strcasestr(p, pat)); p += strlen(pat))
		n++;
	return n;
}

/* Sends a complete request with a Content-Length body on c and reads the
 * reply. */
static void request(struct client *c, const char *method, const char *path, const char *extra,
                    const char *body, size_t len, struct reply *r)
{
	char head[1024];

	snprintf(head, sizeof(head), "%s %s HTTP/1.1\r\nHost: x\r\n%sContent-Length: %zu\r\n\r\n",
	         method, path, extra, len);
	assert_true(client_sends(c, head));
	assert_true(client_send(c, body, len));
	assert_true(client_reply(c, r));
}

/* Waits until no request is in flight: every completion callback has run. */
static void wait_idle(const struct nd_http_server *s)
{
	struct timespec ms = {0, 1000 * 1000};

	for (int i = 0; i < TIMEOUT_MS && atomic_load(&s->in_flight) > 0; i++)
		nanosleep(&ms, NULL);
	assert_int_equal(atomic_load(&s->in_flight), 0);
}

static void test_body_read(void **state)
{
	struct client c;
	struct reply r;
	static char big[ND_MAX_FORM_BODY];
	char v[8];

	client_open(&c, srv);
	request(&c, "POST", "/echo", "Content-Type: application/json; charset=utf-8\r\n",
	        "{\"type\":\"verygood\"}", 19, &r);
	assert_int_equal(r.status, 200);
	assert_string_equal(r.body, "POST 19:{\"type\":\"verygood\"}");
	assert_non_null(reply_header(&r, "X-Json", v, sizeof(v)));
	assert_null(reply_header(&r, "X-Form", v, sizeof(v)));

	request(&c, "POST", "/echo/form", "Content-Type: Application/X-WWW-Form-Urlencoded\r\n",
	        "type=verygood", 13, &r);
	assert_int_equal(r.status, 200);
	assert_string_equal(r.body, "POST 13:type=verygood");
	assert_non_null(reply_header(&r, "X-Form", v, sizeof(v)));

	/* An empty body is a body: present, of length 0. */
	request(&c, "POST", "/echo", "", "", 0, &r);
	assert_int_equal(r.status, 200);
	assert_string_equal(r.body, "POST 0:");

	/* Bytes as sent, NUL included; exactly the limit is fine. */
	request(&c, "DELETE", "/echo", "", "a\0b", 3, &r);
	assert_int_equal(r.status, 200);
	assert_int_equal(r.body_len, 12);
	assert_memory_equal(r.body, "DELETE 3:a\0b", 12);
	memset(big, 'x', sizeof(big));
	request(&c, "POST", "/echo", "", big, sizeof(big), &r);
	assert_int_equal(r.status, 200);
	assert_true(nd_starts_with(r.body, "POST 4096:xxx"));
	assert_int_equal(r.body_len, 10 + ND_MAX_FORM_BODY);
	client_close(&c);
	assert_int_equal(atomic_load(&hook_calls_get), 0);
}

/* A declared length over the limit: 413 before the body is sent. */
static void test_413_declared(void **state)
{
	struct client c;
	struct reply r;
	int calls = atomic_load(&handler_calls);

	client_open(&c, srv);
	assert_true(client_sends(&c, "POST /echo HTTP/1.1\r\nHost: x\r\n"
	                             "Content-Length: 4097\r\n\r\n"));
	assert_true(client_reply(&c, &r));
	assert_int_equal(r.status, 413);
	assert_true(client_closed(&c));
	client_close(&c);
	assert_int_equal(atomic_load(&handler_calls), calls);
}

static void send_chunk(struct client *c, const char *p, size_t len)
{
	char size[32];

	snprintf(size, sizeof(size), "%zx\r\n", len);
	assert_true(client_sends(c, size));
	assert_true(client_send(c, p, len));
	assert_true(client_sends(c, "\r\n"));
}

static void test_chunked(void **state)
{
	struct client c;
	struct reply r;
	static char chunk[1000];
	int calls;

	/* Within the limit: read whole, and the connection is kept. */
	client_open(&c, srv);
	assert_true(client_sends(&c, "POST /echo HTTP/1.1\r\nHost: x\r\n"
	                             "Transfer-Encoding: chunked\r\n\r\n"));
	send_chunk(&c, "type=", 5);
	send_chunk(&c, "very", 4);
	send_chunk(&c, "good", 4);
	assert_true(client_sends(&c, "0\r\n\r\n"));
	assert_true(client_reply(&c, &r));
	assert_int_equal(r.status, 200);
	assert_string_equal(r.body, "POST 13:type=verygood");

	/* Past the limit: the rest is skipped, then 413, handler not run. */
	calls = atomic_load(&handler_calls);
	memset(chunk, 'y', sizeof(chunk));
	assert_true(client_sends(&c, "POST /echo HTTP/1.1\r\nHost: x\r\n"
	                             "Transfer-Encoding: chunked\r\n\r\n"));
	for (int i = 0; i < 5; i++)
		send_chunk(&c, chunk, sizeof(chunk));
	assert_true(client_sends(&c, "0\r\n\r\n"));
	assert_true(client_reply(&c, &r));
	assert_int_equal(r.status, 413);
	assert_true(client_closed(&c));
	client_close(&c);
	assert_int_equal(atomic_load(&handler_calls), calls);
}

/* A chunked upload that never ends is not read forever: past ND_MAX_BODY
 * the connection is dropped. */
static void test_chunked_flood(void **state)
{
	struct client c;
	struct reply r;
	static char chunk[64 * 1024];
	int calls = atomic_load(&handler_calls);
	size_t sent = 0;

	memset(chunk, 'z', sizeof(chunk));
	client_open(&c, srv);
	assert_true(client_sends(&c, "POST /echo HTTP/1.1\r\nHost: x\r\n"
	                             "Transfer-Encoding: chunked\r\n\r\n"));
	while (sent < 20u * 1024 * 1024) {
		char size[32];
		snprintf(size, sizeof(size), "%zx\r\n", sizeof(chunk));
		if (!client_sends(&c, size) || !client_send(&c, chunk, sizeof(chunk)) ||
		    !client_sends(&c, "\r\n"))
			break;
		sent += sizeof(chunk);
	}
	assert_true(sent < 20u * 1024 * 1024);
	assert_true(sent >= ND_MAX_BODY - sizeof(chunk));
	assert_false(client_reply(&c, &r));
	client_close(&c);
	wait_idle(srv);
	assert_int_equal(atomic_load(&handler_calls), calls);
}

static void test_expect_continue(void **state)
{
	struct client c;
	struct reply r;

	/* Claimed and small: 100 Continue, then the body, then the answer. */
	client_open(&c, srv);
	assert_true(client_sends(&c, "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n"
	                             "Expect: 100-continue\r\n\r\n"));
	assert_true(client_reply(&c, &r));
	assert_int_equal(r.status, 100);
	assert_true(client_sends(&c, "hello"));
	assert_true(client_reply(&c, &r));
	assert_int_equal(r.status, 200);
	assert_string_equal(r.body, "POST 5:hello");

	/* Too big: 413 instead of 100, the body is never asked for. */
	assert_true(client_sends(&c, "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 10000\r\n"
	                             "Expect: 100-continue\r\n\r\n"));
	assert_true(client_reply(&c, &r));
	assert_int_equal(r.status, 413);
	assert_true(client_closed(&c));
	client_close(&c);

	/* Not claimed: the handler's answer instead of 100. */
	client_open(&c, srv);
	assert_true(client_sends(&c, "POST /page HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n"
	                             "Expect: 100-continue\r\n\r\n"));
	assert_true(client_reply(&c, &r));
	assert_int_equal(r.status, 405);
	client_close(&c);
}

/* A request no route claims is answered at once, its body unread: the
 * answer comes while the client has sent only the headers. */
static void test_unclaimed_body_not_read(void **state)
{
	struct client c;
	struct reply r;

	/* Declared over ND_MAX_BODY: 413; under it: the handler's 405. */
	client_open(&c, srv);
	assert_true(client_sends(&c, "POST /page HTTP/1.1\r\nHost: x\r\n"
	                             "Content-Length: 20000000\r\n\r\n"));
	assert_true(client_reply(&c, &r));
	assert_int_equal(r.status, 413);
	assert_true(client_closed(&c));
	client_close(&c);

	client_open(&c, srv);
	assert_true(client_sends(&c, "POST /page HTTP/1.1\r\nHost: x\r\n"
	                             "Content-Length: 1000000\r\n\r\n"));
	assert_true(client_reply(&c, &r));
	assert_int_equal(r.status, 405);
	assert_true(client_closed(&c));
	client_close(&c);

	/* Chunked, 20 MB announced by nothing but its first chunk. */

	client_open(&c, srv);
	assert_true(client_sends(&c, "POST /page HTTP/1.1\r\nHost: x\r\n"
	                             "Transfer-Encoding: chunked\r\n\r\n1000\r\nxxxx"));
	assert_true(client_reply(&c, &r));
	assert_int_equal(r.status, 405);
	assert_true(client_closed(&c));
	client_close(&c);

	/* A method the hook does not claim, on a claimed path. */
	client_open(&c, srv);
	assert_true(client_sends(&c, "PUT /echo HTTP/1.1\r\nHost: x\r\n"
	                             "Content-Length: 1000\r\n\r\n"));
	assert_true(client_reply(&c, &r));
	assert_int_equal(r.status, 405);
	client_close(&c);

	/* GET is never claimed, not even on /echo: its body is not read. */
	client_open(&c, srv);
	request(&c, "GET", "/echo", "", "x=1", 3, &r);
	assert_int_equal(r.status, 405);
	client_close(&c);
	assert_int_equal(atomic_load(&hook_calls_get), 0);
}

/* A client that hangs up mid-body: the request completes (its state is
 * freed there; ASan would report a leak at exit) and no handler runs. */
static void test_disconnect_mid_body(void **state)
{
	struct client c;
	int calls = atomic_load(&handler_calls);

	client_open(&c, srv);
	assert_true(client_sends(&c, "POST /echo HTTP/1.1\r\nHost: x\r\n"
	                             "Content-Length: 1000\r\n\r\n0123456789"));
	client_close(&c);

	client_open(&c, srv);
	assert_true(client_sends(&c, "POST /echo HTTP/1.1\r\nHost: x\r\n"
	                             "Transfer-Encoding: chunked\r\n\r\n10\r\nabc"));
	client_close(&c);

	/* One that hangs up between 100 Continue and its body. */
	client_open(&c, srv);
	{
		struct reply r;
		assert_true(client_sends(&c, "POST /echo HTTP/1.1\r\nHost: x\r\n"
		                             "Content-Length: 5\r\nExpect: 100-continue\r\n\r\n"));
		assert_true(client_reply(&c, &r));
		assert_int_equal(r.status, 100);
	}
	client_close(&c);

	wait_idle(srv);
	assert_int_equal(atomic_load(&handler_calls), calls);
}

/* After a POST whose body was read, the connection serves the next
 * requests. */
static void test_keepalive_after_post(void **state)
{
	struct client c;
	struct reply r;

	client_open(&c, srv);
	request(&c, "POST", "/echo", "", "type=verygood", 13, &r);
	assert_int_equal(r.status, 200);
	request(&c, "GET", "/page", "", "", 0, &r);
	assert_int_equal(r.status, 200);
	assert_string_equal(r.body, "ok");
	request(&c, "POST", "/echo", "", "type=sad", 8, &r);
	assert_int_equal(r.status, 200);
	assert_string_equal(r.body, "POST 8:type=sad");
	/* Pipelined: two POSTs in one write. */
	assert_true(client_sends(&c,
	                         "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\n\r\na"
	                         "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\n\r\nb"));
	assert_true(client_reply(&c, &r));
	assert_string_equal(r.body, "POST 1:a");
	assert_true(client_reply(&c, &r));
	assert_string_equal(r.body, "POST 1:b");
	request(&c, "GET", "/page", "", "", 0, &r);
	assert_int_equal(r.status, 200);
	client_close(&c);
}

static void test_accessors(void **state)
{
	struct client c;
	struct reply r;
	char v[128];

	client_open(&c, srv);
	request(&c, "GET", "/cookie", "Cookie: a=1; nd_v=abc123; b=2\r\n", "", 0, &r);
	assert_int_equal(r.status, 429);
	assert_string_equal(r.body, "nd_v=abc123");
	assert_int_equal(count_headers(&r, "Set-Cookie"), 2);
	assert_string_equal(reply_header(&r, "Set-Cookie", v, sizeof(v)),
	                    "nd_v=new; Path=/; HttpOnly; SameSite=Lax");
	assert_non_null(strstr(r.head, "\r\nSet-Cookie: other=2; Path=/\r\n"));
	assert_string_equal(reply_header(&r, "Retry-After", v, sizeof(v)), "7");
	/* A header value with CR LF is dropped, not sent in two. */
	assert_null(reply_header(&r, "Injected", v, sizeof(v)));
	assert_null(reply_header(&r, "X-Bad", v, sizeof(v)));

	request(&c, "GET", "/cookie", "", "", 0, &r);
	assert_string_equal(r.body, "nd_v=(none)");

	request(&c, "POST", "/see-other", "", "", 0, &r);
	assert_int_equal(r.status, 303);
	assert_string_equal(reply_header(&r, "Location", v, sizeof(v)), "/a#reactions");
	client_close(&c);

	client_open(&c, srv);
	request(&c, "GET", "/addr", "", "", 0, &r);
	assert_int_equal(r.status, 200);
	assert_string_equal(r.body, "00000000000000000000ffff7f000001");
	client_close(&c);
}

/* Decoded, a target must be NUL-free, well-formed UTF-8. */
static void test_target_valid(void **state)
{
	static const char *const good[] = {
	    "/",    "/a?b=c&d", "/caf%C3%A9?q=caf%c3%a9", "/%e2%82%ac", "/%f0%9f%98%80", "/50%",
	    "/%zz", "/%4"};
	static const char *const bad[] = {"/%00",    "/?q=a%00",   "/%ff",       "/?q=%ff",
	                                  "/%c0%af", "/%e0%80%af", "/%ed%a0%80", "/%f4%90%80%80",
	                                  "/\xff",   "/\xc3",      "/?q=\x80",   "/%c3"};

	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++)
		assert_true(nd_http_target_valid(good[i]));
	char long_target[3000];

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_false(nd_http_target_valid(bad[i]));
	/* Past the on-stack buffer the decoded copy is allocated. */
	memset(long_target, 'a', sizeof(long_target) - 1);
	long_target[sizeof(long_target) - 1] = '\0';
	assert_true(nd_http_target_valid(long_target));
	memcpy(long_target + 2000, "%c0%af", 6);
	assert_false(nd_http_target_valid(long_target));
}

/* Every response gets the security headers; a handler's own are kept. */
static void test_security_headers(void **state)
{
	struct client c;
	struct reply r;
	char v[512];

	client_open(&c, srv);
	request(&c, "GET", "/", "", "", 0, &r);
	assert_int_equal(r.status, 200);
	assert_string_equal(reply_header(&r, "X-Content-Type-Options", v, sizeof(v)), "nosniff");
	assert_non_null(reply_header(&r, "Referrer-Policy", v, sizeof(v)));
	assert_string_equal(reply_header(&r, "Content-Security-Policy", v, sizeof(v)),
	                    ND_HTTP_DEFAULT_CSP);
	request(&c, "GET", "/own-csp", "", "", 0, &r);
	assert_int_equal(count_headers(&r, "Content-Security-Policy"), 1);
	assert_string_equal(reply_header(&r, "Content-Security-Policy", v, sizeof(v)),
	                    "default-src 'none'");
	client_close(&c);

	/* An error the HTTP layer answers before any handler: 400 for %ff. */
	client_open(&c, srv);
	assert_true(client_sends(&c, "GET /%ff HTTP/1.1\r\nHost: x\r\n\r\n"));
	assert_true(client_reply(&c, &r));
	assert_int_equal(r.status, 400);
	assert_string_equal(reply_header(&r, "X-Content-Type-Options", v, sizeof(v)), "nosniff");
	assert_non_null(reply_header(&r, "Content-Security-Policy", v, sizeof(v)));
	client_close(&c);
}

/* Without the hook nothing is claimed: a POST is answered at once. */
static void test_no_hook(void **state)
{
	struct nd_http_server *s = start(NULL);
	struct client c;
	struct reply r;

	client_open(&c, s);
	request(&c, "POST", "/echo", "", "type=verygood", 13, &r);
	assert_int_equal(r.status, 405);
	client_close(&c);
	nd_http_server_stop(s, 1000);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_body_read),
	    cmocka_unit_test(test_413_declared),
	    cmocka_unit_test(test_chunked),
	    cmocka_unit_test(test_chunked_flood),
	    cmocka_unit_test(test_expect_continue),
	    cmocka_unit_test(test_unclaimed_body_not_read),
	    cmocka_unit_test(test_disconnect_mid_body),
	    cmocka_unit_test(test_keepalive_after_post),
	    cmocka_unit_test(test_accessors),
	    cmocka_unit_test(test_no_hook),
	    cmocka_unit_test(test_target_valid),
	    cmocka_unit_test(test_security_headers),
	};
	nd_log_level = ND_LOG_ERROR;
	return cmocka_run_group_tests(tests, setup, teardown);
}
