#pragma once
/*
 * The HTTP layer: a thin wrapper over libmicrohttpd (epoll, a thread pool
 * sized to the cores, keep-alive, size and time limits). It turns each
 * request into a struct nd_http_request, calls one handler function, and
 * sends the struct nd_http_response the handler filled. Parsing HTTP is
 * libmicrohttpd's job; nothing here looks at raw bytes.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"

struct nd_arena;
struct nd_http_server;
struct MHD_Connection;

#define ND_HTTP_MAX_HEADERS 16

struct nd_http_request {
	struct MHD_Connection *conn;
	const char *method; /* "GET", "HEAD", ... */
	const char *path;   /* percent-decoded, without the query; NUL-terminated */
	size_t path_len;
	bool head;              /* a HEAD request: the body is computed, not sent */
	struct nd_arena *arena; /* freed when the response is done */
};

struct nd_http_header {
	const char *name, *value; /* borrowed: literals or arena strings */
};

struct nd_http_response {
	int status;
	const char *content_type; /* borrowed */
	struct nd_buf body;       /* owned by the response */
	const void *static_body;  /* used instead of body when not NULL; must
	                             outlive the server (e.g. a loaded asset) */
	size_t static_len;
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

struct nd_http_options {
	const char *listen; /* "HOST:PORT", "[::1]:PORT"; port 0 picks a free one */
	int threads;        /* 0: one per core */
	int timeout;        /* seconds an idle or slow connection is kept */
	int max_connections;
	int max_connections_per_ip; /* 0: no limit */
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

/* A request header's value (case-insensitive name), or NULL. Borrowed,
 * valid until the response is done. */
const char *nd_http_header(const struct nd_http_request *req, const char *name);
/* A decoded query-string argument, or NULL. Borrowed, as above. */
const char *nd_http_query(const struct nd_http_request *req, const char *name);

/* Appends the query arguments to out as "?k=v&k2=v2" (in arrival order,
 * each part percent-encoded), or nothing when there are none: a canonical
 * form for cache keys. */
void nd_http_query_string(const struct nd_http_request *req, struct nd_buf *out);

/* Whether an If-None-Match header value names etag (or is "*"). */
bool nd_http_etag_matches(const char *if_none_match, const char *etag);

/* Adds a response header (both strings borrowed: literals or req->arena). */
void nd_http_add_header(struct nd_http_response *res, const char *name, const char *value);

/* The reason phrase of status ("Not Found"). */
const char *nd_http_reason(int status);
