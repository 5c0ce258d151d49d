/* The front door: method checks, route table, snapshot read lock. */
#include <string.h>

#include "core/arena.h"
#include "core/str.h"
#include "handler/handler_int.h"
#include "site/snapshot.h"

typedef int (*handler_fn)(struct nd_app *app, const struct nd_site *site,
                          struct nd_http_request *req, struct nd_http_response *res,
                          const struct nd_route_match *m);

static const struct route {
	const char *method;
	const char *pattern;
	handler_fn fn;
} routes[] = {
#define ND_ROUTE(method, pattern, name) {method, pattern, nd_handle_##name},
#include "route/routes.def"
#undef ND_ROUTE
};

static int route(struct nd_app *app, const struct nd_site *site, struct nd_http_request *req,
                 struct nd_http_response *res)
{
	bool get = !strcmp(req->method, "GET") || req->head;
	bool path_matched = false;

	/* The decoded path must be text: slugs are UTF-8, nothing else is. */
	if (!nd_utf8_valid(req->path, req->path_len, NULL) ||
	    memchr(req->path, '\0', req->path_len))
		return nd__render_error(app, site, req, res, 400,
		                        "The address is not valid UTF-8.");
	/* One URL per page: "/world/" is "/world". */
	if (req->path_len > 1 && req->path[req->path_len - 1] == '/') {
		size_t n = req->path_len;
		while (n > 1 && req->path[n - 1] == '/')
			n--;
		nd_http_add_header(res, "Location", nd_arena_strndup(req->arena, req->path, n));
		return 301;
	}
	for (size_t i = 0; i < sizeof(routes) / sizeof(routes[0]); i++) {
		struct nd_route_match m;

		if (!nd_route_match(routes[i].pattern, req->path, req->path_len, &m))
			continue;
		path_matched = true;
		if (strcmp(routes[i].method, req->method) &&
		    !(get && !strcmp(routes[i].method, "GET")))
			continue;
		return routes[i].fn(app, site, req, res, &m);
	}
	if (path_matched) {
		nd_http_add_header(res, "Allow", "GET, HEAD");
		return nd__render_error(app, site, req, res, 405,
		                        "This address can only be read (GET or HEAD).");
	}
	return nd__render_error(app, site, req, res, 404, "There is no page at this address.");
}

int nd_app_handle(void *ctx, struct nd_http_request *req, struct nd_http_response *res)
{
	struct nd_app *app = ctx;
	const struct nd_site *site;
	int status;

	nd_snapshot_read_lock();
	site = nd_snapshot_site(app->snap);
	status = route(app, site, req, res);
	if (status >= 400 && !res->body.len && !res->static_body)
		status = nd__render_error(app, site, req, res, status, "");
	nd_snapshot_read_unlock();
	return status;
}
