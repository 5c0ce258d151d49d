#include "http/http.h"

#include <arpa/inet.h>
#include <errno.h>
#include <microhttpd.h>
#include <pthread.h>
#include <netinet/in.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "core/arena.h"
#include "core/err.h"
#include "core/limits.h"
#include "core/log.h"
#include "core/mem.h"
#include "core/str.h"

/* nd_http_iov is passed to libmicrohttpd as its own MHD_IoVec. */
_Static_assert(sizeof(struct nd_http_iov) == sizeof(struct MHD_IoVec), "iovec layout");
_Static_assert(offsetof(struct nd_http_iov, len) == offsetof(struct MHD_IoVec, iov_len),
               "iovec layout");

struct nd_http_server {
	struct nd_http_options opts; /* strings borrowed from the caller */
	int fd;                      /* the listening socket, bound by us */
	bool ipv6;
	struct MHD_Daemon *daemon;
	nd_http_handler_fn handler;
	void *ctx;
	int port;
	atomic_int in_flight; /* requests between first callback and completion */
	atomic_bool draining; /* stopping: ask clients to close after this response */
	/* The header deadline (see struct waiting). */
	pthread_mutex_t lock; /* guards the connection list */
	struct waiting *conns;
	pthread_t sweeper;
	atomic_bool sweeping;
};

/*
 * libmicrohttpd's connection timeout counts idle time only, so a client
 * sending its headers a byte a second (slowloris) would hold a connection
 * for ever. Each connection gets a deadline instead: its request's headers
 * must be complete within the timeout of the moment the server began
 * waiting for them (the connection opened, or the previous response went
 * out). A sweeper thread shuts down the socket of a connection past its
 * deadline; libmicrohttpd then sees it fail and closes it as usual.
 */
struct waiting {
	struct waiting *prev, *next;
	int fd;
	atomic_llong deadline_ms; /* 0 while a request is being handled */
};

/*
 * The per-request pointer libmicrohttpd keeps for us (*con_cls) is one of:
 * - a tagged integer (bit 0 set) from the URI log callback, until the first
 *   handler call;
 * - &request_marker: a request without a body to read (GET, HEAD, and any
 *   request answered on the first call), so nothing is allocated;
 * - a struct body_state: a request whose body is being read.
 * The completion callback counts down the last two and frees the third.
 */
static int request_marker;

struct body_state {
	struct nd_buf body; /* at most the accepts_body hook's limit */
	size_t skipped;     /* bytes dropped once the body passed its limit */
};

static bool is_body_state(void *p)
{
	return p && p != &request_marker && !((uintptr_t)p & 1);
}

const char *nd_http_header(const struct nd_http_request *req, const char *name)
{
	return MHD_lookup_connection_value(req->conn, MHD_HEADER_KIND, name);
}

const char *nd_http_query(const struct nd_http_request *req, const char *name)
{
	return MHD_lookup_connection_value(req->conn, MHD_GET_ARGUMENT_KIND, name);
}

const char *nd_http_cookie(const struct nd_http_request *req, const char *name)
{
	return MHD_lookup_connection_value(req->conn, MHD_COOKIE_KIND, name);
}

bool nd_http_content_type_is(const struct nd_http_request *req, const char *type)
{
	const char *ct = nd_http_header(req, MHD_HTTP_HEADER_CONTENT_TYPE);
	size_t n = strlen(type);

	if (!ct)
		return false;
	ct += strspn(ct, " \t");
	if (strncasecmp(ct, type, n))
		return false;
	ct += n;
	ct += strspn(ct, " \t");
	return *ct == '\0' || *ct == ';';
}

int nd_http_client_addr(const struct nd_http_request *req, uint8_t out[16])
{
	const union MHD_ConnectionInfo *info =
	    MHD_get_connection_info(req->conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	const struct sockaddr *sa = info ? info->client_addr : NULL;

	memset(out, 0, 16);
	if (sa && sa->sa_family == AF_INET) {
		const struct sockaddr_in *in4 = (const struct sockaddr_in *)sa;
		out[10] = out[11] = 0xff;
		memcpy(out + 12, &in4->sin_addr, 4);
		return 0;
	}
	if (sa && sa->sa_family == AF_INET6) {
		memcpy(out, &((const struct sockaddr_in6 *)sa)->sin6_addr, 16);
		return 0;
	}
	return ND_ENOTFOUND;
}

/* Appends s, percent-encoding what would make "?k=v&k=v" ambiguous. */
static void add_part(struct nd_buf *out, const char *s)
{
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c <= ' ' || c == '%' || c == '&' || c == '=' || c == '?' || c == 0x7f)
			nd_buf_addf(out, "%%%02X", c);
		else
			nd_buf_addch(out, (char)c);
	}
}

struct args {
	struct nd_buf *out;
	size_t count;
};

static enum MHD_Result add_arg(void *cls, enum MHD_ValueKind kind, const char *key,
                               const char *value)
{
	struct args *a = cls;

	nd_buf_addch(a->out, a->count++ ? '&' : '?');
	add_part(a->out, key);
	if (value) {
		nd_buf_addch(a->out, '=');
		add_part(a->out, value);
	}
	return MHD_YES;
}

void nd_http_query_string(const struct nd_http_request *req, struct nd_buf *out)
{
	struct args a = {out, 0};

	MHD_get_connection_values(req->conn, MHD_GET_ARGUMENT_KIND, add_arg, &a);
}

bool nd_http_etag_matches(const char *inm, const char *etag)
{
	size_t n = strlen(etag);

	if (!inm)
		return false;
	/* A list of entity tags, each maybe weak ("W/"), or "*". */
	for (const char *p = inm; *p;) {
		p += strspn(p, " \t,");
		if (*p == '*')
			return true;
		if (!strncmp(p, "W/", 2))
			p += 2;
		if (!strncmp(p, etag, n) && (p[n] == '\0' || p[n] == ',' || p[n] == ' '))
			return true;
		p += strcspn(p, ",");
	}
	return false;
}

void nd_http_add_header(struct nd_http_response *res, const char *name, const char *value)
{
	if (res->header_count == ND_HTTP_MAX_HEADERS)
		ND_BUG("more than %d response headers", ND_HTTP_MAX_HEADERS);
	res->headers[res->header_count++] = (struct nd_http_header){name, value};
}

const char *nd_http_reason(int status)
{
	const char *r = MHD_get_reason_phrase_for((unsigned int)status);
	return r && *r ? r : "Unknown";
}

/*
 * The security headers every response carries, whoever made it: an error
 * the HTTP layer answers itself, a static file, API JSON, a feed. A handler
 * that set its own (the admin's stricter policy, a page's) keeps it. The
 * default policy is a page's: no inline script, no framing by other sites.
 */
static const struct nd_http_header security_headers[] = {
    {"X-Content-Type-Options", "nosniff"},
    {"Referrer-Policy", "strict-origin-when-cross-origin"},
    {"Content-Security-Policy", ND_HTTP_DEFAULT_CSP},
};

static void add_security_headers(struct MHD_Response *r)
{
	for (size_t i = 0; i < sizeof(security_headers) / sizeof(security_headers[0]); i++)
		if (!MHD_get_response_header(r, security_headers[i].name))
			MHD_add_response_header(r, security_headers[i].name,
			                        security_headers[i].value);
}

static enum MHD_Result send_response(struct nd_http_server *srv, struct MHD_Connection *conn,
                                     struct nd_http_response *res)
{
	struct MHD_Response *r;
	enum MHD_Result ret;

	size_t gathered = 0;

	for (size_t i = 0; i < res->iov_count; i++)
		gathered += res->iov[i].len;
	if (res->iov_count == 1 && res->release) {
		/* One piece: sent as a buffer (with its header in one sendmsg)
		 * straight from where it is, released when done. */
		r = MHD_create_response_from_buffer_with_free_callback_cls(
		    res->iov[0].len, (void *)res->iov[0].base, res->release, res->release_arg);
		if (!r)
			res->release(res->release_arg);
		res->release = NULL;
	} else if (res->iov_count && gathered <= ND_HTTP_GATHER_COPY) {
		size_t len = gathered, off = 0;
		char *body;

		/*
		 * Gathered into one buffer: libmicrohttpd 0.9.75 sends the header
		 * of an iovec response by itself (a send, a setsockopt, a segment
		 * of its own) and only then the pieces, while a buffer goes out with
		 * its header in one sendmsg. Copying a page costs less than that:
		 * 30-45 % more answers per second (docs/internals/compression.md).
		 */
		body = nd_xmalloc(len + 1);
		for (size_t i = 0; i < res->iov_count; i++) {
			memcpy(body + off, res->iov[i].base, res->iov[i].len);
			off += res->iov[i].len;
		}
		if (res->release)
			res->release(res->release_arg);
		res->release = NULL;
		r = MHD_create_response_from_buffer_with_free_callback(len, body, free);
		if (!r)
			free(body);
	} else if (res->iov_count) {
		/* Same layout, checked in on_start; libmicrohttpd copies the array. */
		r = MHD_create_response_from_iovec((const struct MHD_IoVec *)res->iov,
		                                   (unsigned int)res->iov_count, res->release,
		                                   res->release_arg);
		if (!r && res->release)
			res->release(res->release_arg);
		res->release = NULL;
	} else if (res->static_body) {
		r = MHD_create_response_from_buffer(res->static_len, (void *)res->static_body,
		                                    MHD_RESPMEM_PERSISTENT);
	} else {
		size_t len;
		char *body;

		if (!res->body.len && res->status >= 400) {
			nd_buf_addf(&res->body, "%d %s\n", res->status,
			            nd_http_reason(res->status));
			res->content_type = "text/plain; charset=utf-8";
		}
		body = nd_buf_detach(&res->body, &len);
		r = MHD_create_response_from_buffer_with_free_callback(len, body, free);
		if (!r)
			free(body); /* not taken over */
	}
	if (!r)
		return MHD_NO;
	if (res->content_type)
		MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, res->content_type);
	for (size_t i = 0; i < res->header_count; i++)
		/* libmicrohttpd refuses CR, LF and other malformed fields. */
		if (MHD_add_response_header(r, res->headers[i].name, res->headers[i].value) !=
		    MHD_YES)
			nd_log(ND_LOG_WARN, "http: response header '%s' refused (malformed)",
			       res->headers[i].name);
	add_security_headers(r);
	if (atomic_load(&srv->draining))
		MHD_add_response_header(r, MHD_HTTP_HEADER_CONNECTION, "close");
	ret = MHD_queue_response(conn, (unsigned int)res->status, r);
	MHD_destroy_response(r);
	return ret;
}

/* An error the HTTP layer answers itself, before any handler runs. */
static enum MHD_Result send_error(struct nd_http_server *srv, struct MHD_Connection *conn,
                                  int status)
{
	struct nd_http_response res;
	enum MHD_Result ret;

	memset(&res, 0, sizeof(res));
	nd_buf_init(&res.body, 0);
	res.status = status;
	nd_http_add_header(&res, MHD_HTTP_HEADER_CONNECTION, "close");
	ret = send_response(srv, conn, &res);
	nd_buf_release(&res.body);
	return ret;
}

static int hex_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = (char)(c | 0x20);
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

bool nd_http_target_valid(const char *target)
{
	size_t n = strlen(target), len = 0;
	char small[1024]; /* most targets: no allocation per request */
	char *dec = n < sizeof(small) ? small : malloc(n + 1);
	bool ok;

	if (!dec)
		return false;
	for (size_t i = 0; i < n; i++) {
		int hi, lo;

		if (target[i] == '%' && (hi = hex_value(target[i + 1])) >= 0 &&
		    (lo = hex_value(target[i + 2])) >= 0) {
			dec[len++] = (char)(hi << 4 | lo);
			i += 2;
		} else {
			dec[len++] = target[i];
		}
	}
	ok = !memchr(dec, '\0', len) && nd_utf8_valid(dec, len, NULL);
	if (dec != small)
		free(dec);
	return ok;
}

/*
 * The raw request target, before libmicrohttpd decodes it (and cuts it at
 * a %00), is seen only by the URI log callback. What the first handler call
 * needs of it travels in the per-request pointer as a tagged integer, so
 * nothing is allocated for a request libmicrohttpd may drop before any
 * handler call: bit 0 set, bit 1 "not valid" (nd_http_target_valid), the
 * rest its length.
 */
static void *on_uri(void *cls, const char *uri, struct MHD_Connection *conn)
{
	uintptr_t len = strlen(uri);
	uintptr_t nul = !nd_http_target_valid(uri);

	if (len > ND_MAX_URL * 2)
		len = ND_MAX_URL * 2;
	return (void *)((len << 2) | (nul << 1) | 1);
}

static enum MHD_Result add_size(void *cls, enum MHD_ValueKind kind, const char *key,
                                const char *value)
{
	*(size_t *)cls += strlen(key) + (value ? strlen(value) : 0) + 4;
	return MHD_YES;
}

/* The size of the request's header fields, as sent ("Name: value\r\n"). */
static size_t header_size(struct MHD_Connection *conn)
{
	size_t n = 0;

	MHD_get_connection_values(conn, MHD_HEADER_KIND, add_size, &n);
	return n;
}

static bool has_body(struct MHD_Connection *conn)
{
	const char *cl =
	    MHD_lookup_connection_value(conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH);
	return (cl && strtoull(cl, NULL, 10) > 0) ||
	       MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
	                                   MHD_HTTP_HEADER_TRANSFER_ENCODING);
}

/* Runs the handler on a complete request and queues its response; body is
 * NULL for a request whose body is not read. */
static enum MHD_Result handle(struct nd_http_server *srv, struct MHD_Connection *conn,
                              const char *url, const char *method, const struct nd_buf *body)
{
	struct nd_http_request req;
	struct nd_http_response res;
	enum MHD_Result ret;

	memset(&req, 0, sizeof(req));
	memset(&res, 0, sizeof(res));
	req.conn = conn;
	req.method = method;
	req.path = url;
	req.path_len = strlen(url);
	req.head = !strcmp(method, MHD_HTTP_METHOD_HEAD);
	req.arena = nd_arena_new(8192);
	if (body) {
		req.body = body->buf;
		req.body_len = body->len;
	}
	nd_buf_init(&res.body, ND_MAX_PAGE);
	res.status = srv->handler(srv->ctx, &req, &res);
	ret = send_response(srv, conn, &res);
	if (res.release) /* pieces never handed to libmicrohttpd */
		res.release(res.release_arg);
	nd_buf_release(&res.body);
	nd_arena_free(req.arena);
	return ret;
}

/*
 * A later call for a request whose body is read: a piece of the body, or,
 * with *upload_data_size 0, the end of it. A body that passes its limit (only a chunked one can: a
 * declared length is checked first) is skipped to its end and then answered 413, because
 * libmicrohttpd cannot send a response while the upload is going on; past ND_MAX_BODY skipped, the
 * connection is dropped instead.
 */
static enum MHD_Result on_body(struct nd_http_server *srv, struct MHD_Connection *conn,
                               const char *url, const char *method, const char *data,
                               size_t *data_len, struct body_state *st)
{
	if (*data_len) {
		size_t n = *data_len;

		*data_len = 0;
		if (!st->skipped) {
			nd_buf_add(&st->body, data, n);
			if (!nd_buf_err(&st->body))
				return MHD_YES;
			nd_buf_release(&st->body);
		}
		st->skipped += n;
		if (st->skipped > ND_MAX_BODY) {
			nd_log(ND_LOG_INFO, "http: a %s body passed %d bytes: connection dropped",
			       method, ND_MAX_BODY);
			return MHD_NO;
		}
		return MHD_YES;
	}
	if (st->skipped)
		return send_error(srv, conn, 413);
	return handle(srv, conn, url, method, &st->body);
}

static long long now_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (long long)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

static int timeout_s(const struct nd_http_server *srv)
{
	return srv->opts.timeout > 0 ? srv->opts.timeout : ND_CONNECTION_TIMEOUT;
}

/* Sets the connection's header deadline: the timeout from now, or none (0). */
static void set_deadline(struct nd_http_server *srv, struct MHD_Connection *conn, bool on)
{
	const union MHD_ConnectionInfo *info =
	    MHD_get_connection_info(conn, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
	struct waiting *w = info ? info->socket_context : NULL;

	if (w)
		atomic_store(&w->deadline_ms, on ? now_ms() + timeout_s(srv) * 1000LL : 0);
}

static void on_connection(void *cls, struct MHD_Connection *conn, void **socket_context,
                          enum MHD_ConnectionNotificationCode code)
{
	struct nd_http_server *srv = cls;
	struct waiting *w = *socket_context;

	if (code == MHD_CONNECTION_NOTIFY_STARTED) {
		const union MHD_ConnectionInfo *info =
		    MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CONNECTION_FD);

		w = nd_xcalloc(1, sizeof(*w));
		w->fd = info ? info->connect_fd : -1;
		atomic_store(&w->deadline_ms, now_ms() + timeout_s(srv) * 1000LL);
		pthread_mutex_lock(&srv->lock);
		w->next = srv->conns;
		if (srv->conns)
			srv->conns->prev = w;
		srv->conns = w;
		pthread_mutex_unlock(&srv->lock);
		*socket_context = w;
		return;
	}
	if (!w)
		return;
	/* Closed: libmicrohttpd closes the socket after this returns, so the
	 * sweeper never shuts down a descriptor reused by another file. */
	pthread_mutex_lock(&srv->lock);
	if (w->prev)
		w->prev->next = w->next;
	else
		srv->conns = w->next;
	if (w->next)
		w->next->prev = w->prev;
	pthread_mutex_unlock(&srv->lock);
	free(w);
	*socket_context = NULL;
}

static void *sweep(void *arg)
{
	struct nd_http_server *srv = arg;
	struct timespec pause = {0, 200 * 1000 * 1000};

	while (atomic_load(&srv->sweeping)) {
		long long now = now_ms();

		pthread_mutex_lock(&srv->lock);
		for (struct waiting *w = srv->conns; w; w = w->next) {
			long long d = atomic_load(&w->deadline_ms);
			if (d && now > d && w->fd >= 0) {
				shutdown(w->fd, SHUT_RDWR);
				atomic_store(&w->deadline_ms, 0);
			}
		}
		pthread_mutex_unlock(&srv->lock);
		nanosleep(&pause, NULL);
	}
	return NULL;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url,
                                  const char *method, const char *version, const char *upload_data,
                                  size_t *upload_data_size, void **con_cls)
{
	struct nd_http_server *srv = cls;
	uintptr_t tag = (uintptr_t)*con_cls;
	unsigned long long declared = 0;
	size_t limit;
	const char *cl;
	bool get;

	if (*con_cls == &request_marker) {
		/* A later call: the whole request is in (its body is not read). */
		*upload_data_size = 0;
		return handle(srv, conn, url, method, NULL);
	}
	if (is_body_state(*con_cls))
		return on_body(srv, conn, url, method, upload_data, upload_data_size, *con_cls);
	/* First call: only the headers are in. Count the request as in flight
	 * until libmicrohttpd reports it completed. */
	*con_cls = &request_marker;
	atomic_fetch_add(&srv->in_flight, 1);
	set_deadline(srv, conn, false);
	if ((tag & 1) && (tag >> 2) > ND_MAX_URL)
		return send_error(srv, conn, 414);
	if ((tag & 1) && (tag & 2))
		return send_error(srv, conn, 400);
	/* The memory pool is sized for many query arguments, so the header
	 * limit is ours to check. */
	if (header_size(conn) > ND_MAX_HEADER)
		return send_error(srv, conn, 431);
	cl = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH);
	if (cl)
		declared = strtoull(cl, NULL, 10);
	get = !strcmp(method, MHD_HTTP_METHOD_GET) || !strcmp(method, MHD_HTTP_METHOD_HEAD);
	if (!get && srv->opts.accepts_body &&
	    (limit = srv->opts.accepts_body(srv->ctx, method, url)) > 0) {
		struct body_state *st;

		if (limit > ND_MAX_BODY)
			limit = ND_MAX_BODY;
		if (declared > limit)
			return send_error(srv, conn, 413);
		/*
		 * Returning without a response lets libmicrohttpd read the body
		 * (sending "100 Continue" first when the client asked for it)
		 * and hand it over in later calls. The state is freed by
		 * on_completed, however the request ends.
		 */
		st = nd_xcalloc(1, sizeof(*st));
		nd_buf_init(&st->body, limit);
		if (declared)
			nd_buf_grow(&st->body, (size_t)declared);
		*con_cls = st;
		return MHD_YES;
	}
	if (declared > ND_MAX_BODY)
		return send_error(srv, conn, 413);
	/*
	 * Not claimed: any method but GET and HEAD, and any request carrying
	 * a body, is answered now, before a byte of the body is read;
	 * libmicrohttpd then closes the connection. GET and HEAD without a
	 * body are answered on the next call: a response queued on the first
	 * call ends keep-alive.
	 */
	if (!get || has_body(conn))
		return handle(srv, conn, url, method, NULL);
	return MHD_YES;
}

static void on_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
                         enum MHD_RequestTerminationCode toe)
{
	struct nd_http_server *srv = cls;

	if (is_body_state(*con_cls)) {
		struct body_state *st = *con_cls;
		nd_buf_release(&st->body);
		free(st);
	} else if (*con_cls != &request_marker) {
		return; /* never reached the first handler call */
	}
	atomic_fetch_sub(&srv->in_flight, 1);
	*con_cls = NULL;
	/* Kept alive: the next request's headers are due within the timeout. */
	if (toe == MHD_REQUEST_TERMINATED_COMPLETED_OK)
		set_deadline(srv, conn, true);
}

static void on_mhd_log(void *cls, const char *fmt, va_list ap)
{
	char msg[512];
	size_t n;

	vsnprintf(msg, sizeof(msg), fmt, ap);
	n = strlen(msg);
	while (n && (msg[n - 1] == '\n' || msg[n - 1] == '\r'))
		msg[--n] = '\0';
	nd_log(ND_LOG_WARN, "http: %s", msg);
}

/* Parses "HOST:PORT" or "[V6HOST]:PORT" into a socket address. */
static int parse_listen(const char *listen, struct sockaddr_storage *ss)
{
	char host[256];
	const char *colon, *port_s;
	char *end;
	long port;
	size_t hlen;

	if (listen[0] == '[') {
		const char *close = strchr(listen, ']');
		if (!close || close[1] != ':')
			goto bad;
		hlen = (size_t)(close - listen - 1);
		if (hlen >= sizeof(host))
			goto bad;
		memcpy(host, listen + 1, hlen);
		port_s = close + 2;
	} else {
		colon = strrchr(listen, ':');
		if (!colon)
			goto bad;
		hlen = (size_t)(colon - listen);
		if (hlen >= sizeof(host))
			goto bad;
		memcpy(host, listen, hlen);
		port_s = colon + 1;
	}
	host[hlen] = '\0';
	port = strtol(port_s, &end, 10);
	if (!*port_s || *end || port < 0 || port > 65535)
		goto bad;
	memset(ss, 0, sizeof(*ss));
	if (!strcmp(host, "localhost"))
		memcpy(host, "127.0.0.1", sizeof("127.0.0.1"));
	{
		struct sockaddr_in *in4 = (struct sockaddr_in *)ss;
		struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)ss;
		if (!*host || !strcmp(host, "*")) {
			in4->sin_family = AF_INET;
			in4->sin_addr.s_addr = htonl(INADDR_ANY);
			in4->sin_port = htons((uint16_t)port);
		} else if (inet_pton(AF_INET, host, &in4->sin_addr) == 1) {
			in4->sin_family = AF_INET;
			in4->sin_port = htons((uint16_t)port);
		} else if (inet_pton(AF_INET6, host, &in6->sin6_addr) == 1) {
			in6->sin6_family = AF_INET6;
			in6->sin6_port = htons((uint16_t)port);
		} else {
			goto bad;
		}
	}
	return 0;
bad:
	return nd_error(
	    ND_EINVAL, "bad listen address '%s' (expected HOST:PORT, e.g. 127.0.0.1:8080)", listen);
}

/* A listening socket on ss, bound now so the port is known before serving. */
static int bind_socket(const char *listen_s, const struct sockaddr_storage *ss, int *fd_out,
                       int *port_out)
{
	socklen_t len =
	    ss->ss_family == AF_INET6 ? sizeof(struct sockaddr_in6) : sizeof(struct sockaddr_in);
	struct sockaddr_storage bound;
	int one = 1;
	int fd = socket(ss->ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);

	if (fd < 0)
		return nd_error(ND_EIO, "cannot create a socket for '%s': %s", listen_s,
		                strerror(errno));
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(fd, (const struct sockaddr *)ss, len) || listen(fd, 1024) ||
	    getsockname(fd, (struct sockaddr *)&bound, &len)) {
		int err = errno;
		close(fd);
		return nd_error(ND_EIO, "cannot listen on '%s': %s", listen_s, strerror(err));
	}
	*port_out = ntohs(bound.ss_family == AF_INET6 ? ((struct sockaddr_in6 *)&bound)->sin6_port
	                                              : ((struct sockaddr_in *)&bound)->sin_port);
	*fd_out = fd;
	return 0;
}

int nd_http_server_bind(const struct nd_http_options *opts, struct nd_http_server **out)
{
	struct nd_http_server *srv;
	struct sockaddr_storage ss;
	int rc;

	if ((rc = parse_listen(opts->listen, &ss)))
		return rc;
	srv = nd_xcalloc(1, sizeof(*srv));
	srv->opts = *opts;
	srv->fd = -1;
	if ((rc = bind_socket(opts->listen, &ss, &srv->fd, &srv->port))) {
		free(srv);
		return rc;
	}
	srv->ipv6 = ss.ss_family == AF_INET6;
	*out = srv;
	return 0;
}

int nd_http_server_serve(struct nd_http_server *srv, nd_http_handler_fn handler, void *ctx)
{
	const struct nd_http_options *opts = &srv->opts;
	unsigned int flags = MHD_USE_EPOLL_INTERNAL_THREAD | MHD_USE_ERROR_LOG | MHD_USE_ITC;
	unsigned int threads = opts->threads > 0 ? (unsigned int)opts->threads
	                                         : (unsigned int)sysconf(_SC_NPROCESSORS_ONLN);

	if (threads < 1)
		threads = 1;
	if (srv->ipv6)
		flags |= MHD_USE_IPv6;
	srv->handler = handler;
	srv->ctx = ctx;
	pthread_mutex_init(&srv->lock, NULL);
	srv->daemon = MHD_start_daemon(
	    flags, 0, NULL, NULL, on_request, srv,
	    /* The logger first, so no message escapes to libmicrohttpd's own. */
	    MHD_OPTION_EXTERNAL_LOGGER, on_mhd_log, srv, MHD_OPTION_LISTEN_SOCKET, srv->fd,
	    MHD_OPTION_THREAD_POOL_SIZE, threads, MHD_OPTION_CONNECTION_TIMEOUT,
	    (unsigned int)(opts->timeout > 0 ? opts->timeout : ND_CONNECTION_TIMEOUT),
	    MHD_OPTION_CONNECTION_LIMIT,
	    (unsigned int)(opts->max_connections > 0 ? opts->max_connections : ND_MAX_CONNECTIONS),
	    MHD_OPTION_PER_IP_CONNECTION_LIMIT,
	    (unsigned int)(opts->max_connections_per_ip > 0 ? opts->max_connections_per_ip : 0),
	    /*
	     * Headers, the target and its parsed arguments share this pool.
	     * libmicrohttpd zeroes the pool between requests, so its size is
	     * paid on every request (32 KB: 55k req/s here, 384 KB: 13k). The
	     * cost of keeping it small: a target with hundreds of query
	     * arguments exhausts it, and libmicrohttpd 0.9.75 then holds the
	     * request until the idle timeout instead of refusing it; the
	     * per-address limit bounds how many such requests one client holds.
	     */
	    MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)ND_CONNECTION_MEMORY,
	    /* HTTP/1.1 without Host is refused (400), as RFC 9112 asks. */
	    MHD_OPTION_STRICT_FOR_CLIENT, 1, MHD_OPTION_URI_LOG_CALLBACK, on_uri, srv,
	    MHD_OPTION_NOTIFY_COMPLETED, on_completed, srv, MHD_OPTION_NOTIFY_CONNECTION,
	    on_connection, srv, MHD_OPTION_END);
	if (!srv->daemon)
		return nd_error(ND_EIO, "cannot serve on '%s'", opts->listen);
	atomic_store(&srv->sweeping, true);
	if (pthread_create(&srv->sweeper, NULL, sweep, srv)) {
		atomic_store(&srv->sweeping, false);
		nd_log(ND_LOG_WARN, "http: no header deadline (cannot start its thread)");
	}
	return 0;
}

int nd_http_server_port(const struct nd_http_server *srv)
{
	return srv->port;
}

void nd_http_server_stop(struct nd_http_server *srv, int grace_ms)
{
	MHD_socket fd;
	struct timespec pause = {0, 10 * 1000 * 1000};

	if (!srv)
		return;
	if (!srv->daemon) { /* bound, never served */
		close(srv->fd);
		free(srv);
		return;
	}
	atomic_store(&srv->draining, true);
	fd = MHD_quiesce_daemon(srv->daemon);
	if (fd != MHD_INVALID_SOCKET)
		close(fd);
	for (int waited = 0; atomic_load(&srv->in_flight) > 0 && waited < grace_ms; waited += 10)
		nanosleep(&pause, NULL);
	if (atomic_load(&srv->in_flight) > 0)
		nd_log(ND_LOG_WARN, "stopping with %d requests still in flight",
		       atomic_load(&srv->in_flight));
	MHD_stop_daemon(srv->daemon);
	if (atomic_exchange(&srv->sweeping, false))
		pthread_join(srv->sweeper, NULL);
	pthread_mutex_destroy(&srv->lock);
	free(srv);
}
