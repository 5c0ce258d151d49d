/* The front door: method checks, route table, page cache, snapshot read lock. */
#include <stdlib.h>
#include <string.h>

#include "config/config.h"
#include "core/arena.h"
#include "core/str.h"
#include "handler/engage.h"
#include "handler/handler_int.h"
#include "handler/holes.h"
#include "handler/parts.h"
#include "handler/reading.h"
#include "render/escape.h"
#include "site/page_cache.h"
#include "site/snapshot.h"

typedef int (*handler_fn)(struct nd_app *app, const struct nd_site *site,
                          struct nd_http_request *req, struct nd_http_response *res,
                          const struct nd_route_match *m);

enum { NO_CACHE, CACHE };

static const struct route {
	const char *method;
	const char *pattern;
	handler_fn fn;
	bool cache;
	const char *args; /* the query arguments the handler reads, space-separated */
} routes[] = {
#define ND_ROUTE(method, pattern, name, cache, args)                                               \
	{method, pattern, nd_handle_##name, cache, args},
#include "route/routes.def"
#undef ND_ROUTE
};

/*
 * A cached response is stored as its meta ("content type\n" then
 * "Name: value\n" per header, its ETag left out: the answer makes its own)
 * and its body cut at its holes (handler/parts.h). The answer refers to
 * the parts without copying them, and keeps them alive (a reference) after
 * the snapshot's read lock is released, when the cache may already be gone.
 */
static void store(struct nd_page_cache *pages, const struct nd_buf *key,
                  const struct nd_http_response *res, struct nd_parts *parts)
{
	struct nd_buf meta = ND_BUF_INIT;
	const struct nd_page *page;

	nd_buf_adds(&meta, res->content_type ? res->content_type : "");
	nd_buf_addch(&meta, '\n');
	for (size_t i = 0; i < res->header_count; i++)
		if (strcmp(res->headers[i].name, "ETag"))
			nd_buf_addf(&meta, "%s: %s\n", res->headers[i].name, res->headers[i].value);
	/* Text worth compressing keeps its compressed forms; the budget counts
	 * them at about half the text. */
	page = nd_page_cache_put_aux(
	    pages, key->buf, key->len, meta.buf, meta.len, nd_parts_ref(parts),
	    nd_parts_bytes(parts) + nd_parts_bytes(parts) / 2, nd_parts_release);
	if (!page || page->aux != parts)
		nd_parts_unref(parts); /* not taken */
	nd_buf_release(&meta);
}

/* Whether the answer says Cache-Control: no-store (a token's answer). */
static bool no_store(const struct nd_http_response *res)
{
	for (size_t i = 0; i < res->header_count; i++)
		if (!strcmp(res->headers[i].name, "Cache-Control") &&
		    !strcmp(res->headers[i].value, "no-store"))
			return true;
	return false;
}

static int serve_cached(struct nd_http_request *req, struct nd_http_response *res,
                        const struct nd_page *page)
{
	char *meta = nd_arena_strndup(req->arena, page->meta, page->meta_len);
	char *line = strchr(meta, '\n');
	const char *last_modified = NULL, *ims;

	*line = '\0';
	res->content_type = *meta ? meta : NULL;
	for (char *p = line + 1; *p;) {
		char *end = strchr(p, '\n'), *colon = strstr(p, ": ");
		*end = '\0';
		*colon = '\0';
		nd_http_add_header(res, p, colon + 2);
		if (!strcmp(p, "Last-Modified"))
			last_modified = colon + 2;
		p = end + 1;
	}
	/* If-Modified-Since counts only without If-None-Match (RFC 9110);
	 * If-None-Match is the answer's (nd_parts_answer). */
	ims = nd_http_header(req, "If-Modified-Since");
	if (!nd_http_header(req, "If-None-Match") && ims && last_modified &&
	    nd__parse_http_time(ims) >= 0 &&
	    nd__parse_http_time(ims) >= nd__parse_http_time(last_modified))
		return 304;
	return 200;
}

/* Whether the answer has live values to fill in (handler/holes.h). */
static bool has_holes(const struct nd_http_response *res)
{
	for (size_t i = 0; i < res->header_count; i++)
		if (!strcmp(res->headers[i].name, ND_HDR_HOLES))
			return true;
	return false;
}

/* Whether a body of content type ct is worth compressing: text. */
static bool compressible(const char *ct)
{
	return ct && (!strncmp(ct, "text/", 5) || strstr(ct, "json") || strstr(ct, "xml") ||
	              strstr(ct, "javascript"));
}

/* Cuts a freshly made 200 answer at its holes: its parts, its body emptied. */
static struct nd_parts *cut(struct nd_app *app, struct nd_http_response *res)
{
	const char *holes = NULL;
	struct nd_parts *parts;
	size_t k = 0;

	for (size_t i = 0; i < res->header_count; i++) {
		if (!strcmp(res->headers[i].name, ND_HDR_HOLES))
			holes = res->headers[i].value;
		if (strcmp(res->headers[i].name, "ETag")) /* the answer makes its own */
			res->headers[k++] = res->headers[i];
	}
	res->header_count = k;
	parts = nd_parts_new(res->body.buf, res->body.len,
	                     app->engage ? nd_engage_nonce(app->engage) : 0,
	                     holes && !strcmp(holes, "json"), compressible(res->content_type));
	nd_buf_reset(&res->body);
	return parts;
}

/*
 * Runs the route; a cacheable 200, or any 200 with live values, comes
 * back as *parts (the caller's reference), from the cache or made now, its
 * body to be filled in by finish().
 */
static int run(struct nd_app *app, const struct nd_site *site, struct nd_http_request *req,
               struct nd_http_response *res, const struct route *r, const struct nd_route_match *m,
               struct nd_parts **parts)
{
	struct nd_buf key = ND_BUF_INIT;
	const struct nd_page *page;
	int status;

	if (!r->cache || !site->pages) {
		status = r->fn(app, site, req, res, m);
		if (status == 200 && has_holes(res))
			*parts = cut(app, res);
		return status;
	}
	/* The key: the path, then the arguments this route reads, in the
	 * route's order, so "?page=2&utm=x" and "?utm=y&page=2" are one page. */
	nd_buf_add(&key, req->path, req->path_len);
	for (const char *a = r->args; *a;) {
		size_t n = strcspn(a, " ");
		char name[32];
		const char *v;

		snprintf(name, sizeof(name), "%.*s", (int)n, a);
		v = nd_http_query(req, name);
		if (v) /* length-prefixed: no value can forge another argument */
			nd_buf_addf(&key, "\n%s=%zu:%s", name, strlen(v), v);
		a += n;
		a += *a == ' ';
	}
	page = nd_page_cache_get(site->pages, key.buf, key.len);
	if (page) {
		status = serve_cached(req, res, page);
		if (status == 200)
			*parts = nd_parts_ref(page->aux);
	} else {
		/* No If-None-Match for the handler: the answer's ETag is made
		 * from its parts (it differs per coding), so the 304 is the
		 * answer's to give. */
		status = r->fn(app, site, req, res, m);
		if (status == 200 && !no_store(res)) {
			*parts = cut(app, res);
			store(site->pages, &key, res, *parts);
		} else if (status == 200 && has_holes(res)) {
			*parts = cut(app, res); /* answered from parts, not kept */
		}
	}
	nd_buf_release(&key);
	return status;
}

/*
 * 301 to the path without its trailing slashes. The target is rebuilt, not
 * copied: leading slashes and backslashes collapse to one "/" (else
 * "//evil.example/" would send the reader off-site), each segment is
 * percent-encoded again, and the query string is kept.
 */
static int redirect_without_slash(struct nd_http_request *req, struct nd_http_response *res)
{
	const char *p = req->path, *end = req->path + req->path_len;
	struct nd_buf loc = ND_BUF_INIT;

	while (end > p && end[-1] == '/')
		end--;
	while (p < end && (*p == '/' || *p == '\\'))
		p++;
	nd_buf_addch(&loc, '/');
	while (p < end) {
		const char *slash = memchr(p, '/', (size_t)(end - p));
		const char *seg_end = slash ? slash : end;

		nd_escape_url(&loc, p, (size_t)(seg_end - p));
		if (slash)
			nd_buf_addch(&loc, '/');
		p = slash ? slash + 1 : end;
	}
	nd_http_query_string(req, &loc);
	nd_http_add_header(res, "Location", nd_arena_strndup(req->arena, loc.buf, loc.len));
	nd_buf_release(&loc);
	return 301;
}

static int route(struct nd_app *app, const struct nd_site *site, struct nd_http_request *req,
                 struct nd_http_response *res, struct nd_parts **parts)
{
	bool get = !strcmp(req->method, "GET") || req->head;
	bool path_matched = false;

	/* The decoded path must be text: slugs are UTF-8, nothing else is. */
	if (!nd_utf8_valid(req->path, req->path_len, NULL) ||
	    memchr(req->path, '\0', req->path_len))
		return nd__render_error(app, site, req, res, 400,
		                        "The address is not valid UTF-8.");
	/* One URL per page: "/world/" is "/world". */
	if (req->path_len > 1 && req->path[req->path_len - 1] == '/')
		return redirect_without_slash(req, res);
	for (size_t i = 0; i < sizeof(routes) / sizeof(routes[0]); i++) {
		struct nd_route_match m;

		if (!nd_route_match(routes[i].pattern, req->path, req->path_len, &m))
			continue;
		path_matched = true;
		if (strcmp(routes[i].method, req->method) &&
		    !(get && !strcmp(routes[i].method, "GET")))
			continue;
		return run(app, site, req, res, &routes[i], &m, parts);
	}
	if (path_matched) {
		struct nd_buf allow = ND_BUF_INIT;

		for (size_t i = 0; i < sizeof(routes) / sizeof(routes[0]); i++) {
			struct nd_route_match m;

			if (!nd_route_match(routes[i].pattern, req->path, req->path_len, &m) ||
			    strstr(allow.buf, routes[i].method))
				continue;
			nd_buf_addf(&allow, "%s%s%s", allow.len ? ", " : "", routes[i].method,
			            strcmp(routes[i].method, "GET") ? "" : ", HEAD");
		}
		nd_http_add_header(res, "Allow",
		                   nd_arena_strndup(req->arena, allow.buf, allow.len));
		nd_buf_release(&allow);
		return nd__render_error(app, site, req, res, 405,
		                        "This address can only be read (GET or HEAD).");
	}
	return nd__render_error(app, site, req, res, 404, "There is no page at this address.");
}

/* Takes the internal header name off res; its value, or NULL. */
static const char *take_header(struct nd_http_response *res, const char *name)
{
	const char *v = NULL;
	size_t k = 0;

	for (size_t i = 0; i < res->header_count; i++) {
		if (!strcmp(res->headers[i].name, name))
			v = res->headers[i].value;
		else
			res->headers[k++] = res->headers[i];
	}
	res->header_count = k;
	return v;
}

/*
 * After a page is made or taken from the cache: counts the view the page
 * asks for, fills its live values, gives it a validator made from what is
 * sent (so it changes exactly when a count shown does), and sets the
 * visitor cookie on a page for a reader who has none.
 */
struct frag_ctx {
	struct nd_app *app;
	const struct nd_site *site;
	struct nd_http_request *req;
	const uint8_t *visitor; /* whose history the personal holes read; NULL: none */
	bool shown;             /* a reader's GET: the lists count as shown */
};

static void fragment(void *ctx, char kind, uint32_t id, uint32_t sub, struct nd_buf *out)
{
	struct frag_ctx *f = ctx;

	if (kind == ND_HOLE_PERSONAL)
		nd__recommend_block(f->app, f->site, f->req, f->visitor, id, f->shown, out);
	else
		nd__ranking_block(f->app, f->site, (int)id, sub, out);
}

static int answer(struct nd_parts *parts, const struct nd_hole_values *v,
                  struct nd_http_request *req, struct nd_http_response *res, const char *vary)
{
	struct nd_parts_request q = {nd_http_header(req, "Accept-Encoding"),
	                             nd_http_header(req, "If-None-Match"), vary, req->arena};

	return nd_parts_answer(parts, v, &q, res);
}

static int finish(struct nd_app *app, const struct nd_site *site, struct nd_http_request *req,
                  struct nd_http_response *res, int status, struct nd_parts *parts)
{
	struct frag_ctx fc = {app, site, req, NULL, false};
	uint8_t who[ND_HISTORY_VISITOR_LEN];
	struct nd_hole_values values = {0};
	const char *holes = take_header(res, ND_HDR_HOLES);
	const char *count = take_header(res, ND_HDR_COUNT);
	bool html = res->content_type && !strncmp(res->content_type, "text/html", 9);
	struct nd_reader reader;

	/* The admin is no reader: no visitor cookie, no view, no live values. */
	if (status != 200 || !app->engage || !strncmp(req->path, "/admin", 6))
		goto answer;
	if (html || count) {
		nd_engage_reader(app->engage, req, &reader);
		if (count)
			nd_engage_view(app->engage, req, &reader,
			               (uint32_t)strtoul(count, NULL, 10));
		if (html)
			nd_engage_set_cookie(app->engage, req, res, &reader,
			                     app->base_url && !strncmp(app->base_url, "https:", 6));
		if (!nd_reading_declined(req) && nd_engage_history_id(&reader, who))
			fc.visitor = who;
		fc.shown = html && !reader.bot && !req->head;
	}
	if (!holes)
		goto answer;
	values = *nd_engage_values(app->engage);
	values.fragment = fragment;
	values.frag_ctx = &fc;
	/* Counts live here, not in a shared cache: every reader's request must
	 * reach the server (a cached copy would freeze the count and miss the
	 * view); the validator keeps it cheap when nothing changed. And the
	 * Recommendation list is the reader's own. */
	nd_http_add_header(res, "Cache-Control", "private, no-cache");
	status = answer(parts, &values, req, res, "Cookie, DNT, Sec-GPC");
	nd_parts_unref(parts);
	return status;
answer:
	if (parts) {
		if (status == 200)
			status = answer(parts, values.views ? &values : NULL, req, res, NULL);
		nd_parts_unref(parts);
	}
	return status;
}

/*
 * A write API article may be far larger than a form: ND_MAX_API_BODY for
 * the writes under /api/articles but the readers' reactions, and for the
 * admin's article forms (the editor, its preview).
 */
size_t nd_app_accepts_body(void *ctx, const char *method, const char *path)
{
	struct nd_route_match m;
	size_t len = strlen(path);

	(void)ctx;
	for (size_t i = 0; i < sizeof(routes) / sizeof(routes[0]); i++) {
		if (!strcmp(routes[i].method, "GET") || strcmp(routes[i].method, method) ||
		    !nd_route_match(routes[i].pattern, path, len, &m))
			continue;
		if (!strncmp(path, "/api/articles", 13) &&
		    !(len > 10 && !strcmp(path + len - 10, "/reactions")))
			return ND_MAX_API_BODY;
		/* The admin's editor and its preview send a whole article too. */
		if (!strcmp(path, "/admin/articles") || !strncmp(path, "/admin/articles/", 16) ||
		    !strcmp(path, "/admin/preview"))
			return ND_MAX_API_BODY;
		return ND_MAX_FORM_BODY;
	}
	return 0;
}

int nd_app_handle(void *ctx, struct nd_http_request *req, struct nd_http_response *res)
{
	struct nd_app *app = ctx;
	struct nd_parts *parts = NULL;
	const struct nd_site *site;
	int status;

	nd_snapshot_read_lock();
	site = nd_snapshot_site(app->snap);
	status = route(app, site, req, res, &parts);
	status = finish(app, site, req, res, status, parts);
	if (status >= 400 && !res->body.len && !res->static_body)
		status = nd__render_error(app, site, req, res, status, "");
	nd_snapshot_read_unlock();
	return status;
}
