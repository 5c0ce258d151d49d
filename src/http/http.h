#pragma once
/*
 * The HTTP layer: a thin wrapper over libmicrohttpd (epoll, a thread pool
 * sized to the cores, keep-alive, size and time limits). It turns each
 * request into a struct nd_http_request, calls one handler function, and
 * sends the struct nd_http_response the handler filled. Parsing HTTP is
 * libmicrohttpd's job; nothing here looks at raw bytes.
 *
 * Request bodies are read only for the requests the accepts_body hook
 * claims, and only up to the limit it gives; every other request is
 * answered before a byte of its body is read.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"

struct nd_arena;
struct nd_http_server;
struct MHD_Connection;

#define ND_HTTP_MAX_HEADERS 16

/*
 * The Content-Security-Policy of a response whose handler set none (pages,
 * errors, static files, JSON): scripts and styles only from the site, no
 * inline script, no plugins, framed only by the site itself. Every response
 * also gets X-Content-Type-Options: nosniff and a Referrer-Policy unless its
 * handler set its own.
 */
#define ND_HTTP_DEFAULT_CSP                                                                        \
	"default-src 'self'; img-src 'self' https: data:; style-src 'self'; "                      \
	"script-src 'self'; object-src 'none'; base-uri 'self'; frame-ancestors 'self'"

struct nd_http_request {
	struct MHD_Connection *conn;
	const char *method; /* "GET", "HEAD", "POST", ... as sent */
	const char *path;   /* percent-decoded, without the query; NUL-terminated */
	size_t path_len;
	bool head;              /* a HEAD request: the body is computed, not sent */
	struct nd_arena *arena; /* freed when the response is done */
	/*
	 * The whole request body, when accepts_body claimed the request:
	 * body_len bytes (at most the hook's limit, maybe 0) followed by a NUL
	 * that is not counted; the body itself may hold NUL bytes. NULL when
	 * the request was not claimed (its body, if any, is never read).
	 * Borrowed, valid until the response is done.
	 */
	const char *body;
	size_t body_len;
};

struct nd_http_header {
	const char *name, *value; /* borrowed: literals or arena strings */
};

/*
 * A body in pieces up to this many bytes is gathered into one buffer before
 * it is sent (one copy, one sendmsg with the header); a larger one goes out
 * as a libmicrohttpd iovec response (server.c says why).
 */
#define ND_HTTP_GATHER_COPY (64 * 1024)

/* A piece of a scatter/gather body (the layout of libmicrohttpd's). */
struct nd_http_iov {
	const void *base;
	size_t len;
};

struct nd_http_response {
	int status;
	const char *content_type; /* borrowed */
	struct nd_buf body;       /* owned by the response */
	const void *static_body;  /* used instead of body when not NULL; must
	                             outlive the server (e.g. a loaded asset) */
	size_t static_len;
	/*
	 * A body in pieces, used instead of both when iov_count > 0: sent in
	 * order (one piece as it is; several gathered into one buffer up to
	 * ND_HTTP_GATHER_COPY bytes, else by writev without a copy).
	 * release(release_arg) is called
	 * exactly once when the response is done with (sent, dropped, or never
	 * queued), and keeps alive until then what the pieces point into; iov
	 * itself need only last until the handler returns.
	 */
	const struct nd_http_iov *iov;
	size_t iov_count;
	void (*release)(void *arg);
	void *release_arg;
	struct nd_http_header headers[ND_HTTP_MAX_HEADERS];
	size_t header_count;
};

/*
 * A handler fills res and returns the HTTP status it set (lwan style); it
 * may leave the body empty for an error status, and the server then sends
 * a short plain-text message.
 */
typedef int (*nd_http_handler_fn)(void *ctx, struct nd_http_request *req,
                                  struct nd_http_response *res);

/*
 * Whether the request to path (percent-decoded, without the query) with
 * method should have its body read: the most bytes of body it takes (at
 * most ND_MAX_BODY) for a route that takes one, else 0. A longer body is
 * answered 413.
 * Asked once per request, when its headers are in, for any method but GET
 * and HEAD (those never get their body read), with the ctx given to
 * nd_http_server_serve; called from any server thread at once, so it must
 * only read shared state. A request it refuses is handed to the handler at
 * once, without its body, as are all requests when the hook is NULL.
 */
typedef size_t (*nd_http_accepts_body_fn)(void *ctx, const char *method, const char *path);

struct nd_http_options {
	const char *listen; /* "HOST:PORT", "[::1]:PORT"; port 0 picks a free one */
	int threads;        /* 0: one per core */
	int timeout;        /* seconds an idle or slow connection is kept */
	int max_connections;
	int max_connections_per_ip;           /* 0: no limit */
	nd_http_accepts_body_fn accepts_body; /* NULL: no request has its body read */
};

/*
 * Binds the listening socket (so the port is known, also with port 0,
 * before anything is served). On success *out gets the server (caller owns
 * it: nd_http_server_stop). Errors: ND_EINVAL for a bad listen address,
 * ND_EIO when the address cannot be bound (message names it). opts' strings
 * are borrowed for the server's life.
 */
int nd_http_server_bind(const struct nd_http_options *opts, struct nd_http_server **out);

/* Starts serving requests on the bound socket with handler. ND_EIO if
 * libmicrohttpd cannot start. */
int nd_http_server_serve(struct nd_http_server *srv, nd_http_handler_fn handler, void *ctx);

/* The port actually bound (useful with port 0). */
int nd_http_server_port(const struct nd_http_server *srv);

/*
 * Graceful stop: stops accepting, lets requests in flight finish and their
 * responses go out (for at most grace_ms), then closes every connection and
 * frees the server.
 */
void nd_http_server_stop(struct nd_http_server *srv, int grace_ms);

/* A request header's value (case-insensitive name), or NULL. When the
 * header is sent more than once, the first. Borrowed, valid until the
 * response is done. */
const char *nd_http_header(const struct nd_http_request *req, const char *name);
/* A decoded query-string argument, or NULL. Borrowed, as above. */
const char *nd_http_query(const struct nd_http_request *req, const char *name);

/* The value of the cookie name from the request's Cookie headers (as
 * libmicrohttpd parses them: names are case-sensitive, surrounding quotes
 * dropped), or NULL. Borrowed, valid until the response is done. */
const char *nd_http_cookie(const struct nd_http_request *req, const char *name);

/*
 * Whether the request's Content-Type is the media type type ("application/
 * json"): compared without case, ignoring parameters such as "; charset=
 * utf-8" and surrounding spaces. False when there is no Content-Type.
 */
bool nd_http_content_type_is(const struct nd_http_request *req, const char *type);

/*
 * The client's address as 16 bytes in network order: an IPv6 address, or
 * an IPv4 one mapped into IPv6 (::ffff:a.b.c.d), so one key covers both.
 * It is the peer of the TCP connection: a reverse proxy's address when
 * there is one (X-Forwarded-For is not read). Returns 0, or ND_ENOTFOUND
 * (out zeroed) when the connection has no IP peer address.
 */
int nd_http_client_addr(const struct nd_http_request *req, uint8_t out[16]);

/* Appends the query arguments to out as "?k=v&k2=v2" (in arrival order,
 * each part percent-encoded), or nothing when there are none: a canonical
 * form for cache keys. */
void nd_http_query_string(const struct nd_http_request *req, struct nd_buf *out);

/* Whether an If-None-Match header value names etag (or is "*"). */
bool nd_http_etag_matches(const char *if_none_match, const char *etag);

/*
 * Adds a response header (both strings borrowed: literals or req->arena),
 * after those added before; a name may repeat (one Set-Cookie per cookie).
 * At most ND_HTTP_MAX_HEADERS. A value holding CR or LF is dropped when the
 * response is sent (and logged), so no header can be injected.
 */
void nd_http_add_header(struct nd_http_response *res, const char *name, const char *value);

/*
 * Whether a raw request target (path and query, still percent-encoded) is
 * acceptable: once decoded it holds no NUL byte and is well-formed UTF-8
 * (no overlong forms such as %c0%af, no lone %ff). The server answers 400
 * to a target that is not, before any handler runs.
 */
bool nd_http_target_valid(const char *target);

/* The reason phrase of status ("Not Found"). */
const char *nd_http_reason(int status);
