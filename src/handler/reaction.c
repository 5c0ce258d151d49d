/*
 * Reactions: POST /api/articles/{id}/reactions adds the reader's reaction
 * ({"type":"verygood"}), DELETE takes it back (?type= or the same body),
 * and the page's no-JavaScript form (type=verygood) toggles it and is sent
 * back to the article with 303. The answer comes only once the reaction
 * is stored (counter/counter.h).
 */
#include <stdio.h>
#include <string.h>

#include "config/config.h"
#include "core/arena.h"
#include "core/err.h"
#include "core/str.h"
#include "counter/counter.h"
#include "handler/engage.h"
#include "handler/handler_int.h"

/* The origin ("scheme://host[:port]") that url starts with, into out. */
static void origin_of(const char *url, char *out, size_t n)
{
	const char *host = strstr(url, "://");
	size_t len = host ? strcspn(host + 3, "/?#") + (size_t)(host + 3 - url) : strlen(url);

	snprintf(out, n, "%.*s", (int)len, url);
}

/*
 * Whether the request comes from another site: refused before anything is
 * read (CSRF). Browsers send Sec-Fetch-Site and, on a POST, Origin; an old
 * one may send only Referer. A request with none of them is not a
 * browser's cross-site form (scripts, curl), and the cookie is SameSite.
 */
bool nd__cross_site(struct nd_app *app, struct nd_http_request *req)
{
	const char *fetch = nd_http_header(req, "Sec-Fetch-Site");
	const char *origin = nd_http_header(req, "Origin");
	const char *referer = nd_http_header(req, "Referer");
	char mine[256], theirs[256];

	if (fetch && strcmp(fetch, "same-origin") && strcmp(fetch, "none"))
		return true;
	/* The site's origin: site_url, else the Host this request came to
	 * (only compared with what the browser says, never sent back). */
	if (*app->cfg->site_url)
		origin_of(app->cfg->site_url, mine, sizeof(mine));
	else
		snprintf(mine, sizeof(mine), "http://%s",
		         nd_http_header(req, "Host") ? nd_http_header(req, "Host") : "");
	if (origin) {
		origin_of(origin, theirs, sizeof(theirs));
		return strcmp(theirs, mine) != 0;
	}
	if (referer) {
		origin_of(referer, theirs, sizeof(theirs));
		return strcmp(theirs, mine) != 0;
	}
	return false;
}

/* The reaction type the request names, into *type; 0 or an HTTP status. */
static int read_type(struct nd_http_request *req, bool *form, struct nd_str *type)
{
	*form = false;
	if (!strcmp(req->method, "DELETE") && nd_http_query(req, "type")) {
		const char *t = nd_http_query(req, "type");
		*type = (struct nd_str){t, strlen(t)};
		return 0;
	}
	if (nd_http_content_type_is(req, "application/x-www-form-urlencoded")) {
		*form = true;
		return nd_form_get(req->body, req->body_len, "type", req->arena, type) ? 400 : 0;
	}
	if (nd_http_content_type_is(req, "application/json")) {
		json_error_t err;
		json_t *doc = json_loadb(req->body ? req->body : "", req->body_len, 0, &err);
		const char *t = json_string_value(json_object_get(doc, "type"));

		if (t)
			*type =
			    (struct nd_str){nd_arena_strndup(req->arena, t, strlen(t)), strlen(t)};
		json_decref(doc);
		return t ? 0 : 400;
	}
	return 415;
}

ND_HANDLER(api_reaction)
{
	const char *id = m->params[0].p;
	size_t len = m->params[0].len;
	struct nd_counter *counter = nd_engage_counter(app->engage);
	const struct nd_site_article *a;
	struct nd_reader reader;
	struct nd_str type;
	uint8_t visitor[17];
	bool form;
	int t, status, result, retry, rc;
	enum nd_react_op op;
	json_t *counts;

	if (len <= 10 || memcmp(id + len - 10, "/reactions", 10)) {
		nd_http_add_header(res, "Allow", "GET, HEAD");
		return nd__api_error(req, res, 405, "This address can only be read (GET or HEAD).");
	}
	if (nd__cross_site(app, req))
		return nd__api_error(req, res, 403, "Reactions come from this site's own pages.");
	a = nd_map_get(&site->by_ext_id, nd_arena_strndup(req->arena, id, len - 10), len - 10);
	if (!a)
		return nd__api_error(req, res, 404,
		                     nd_arena_printf(req->arena,
		                                     "no published article with id '%.*s'",
		                                     (int)(len - 10), id));
	if ((status = read_type(req, &form, &type)))
		return nd__api_error(req, res, status,
		                     status == 415 ? "Send JSON ({\"type\": \"...\"}) or a form."
		                                   : "The reaction type is missing or malformed.");
	t = nd_counter_type(counter, type.p, type.len);
	if (t < 0)
		return nd__api_error(
		    req, res, 400,
		    nd_arena_printf(req->arena, "no reaction type '%.*s'", (int)type.len, type.p));
	nd_engage_reader(app->engage, req, &reader);
	if (reader.bot)
		return nd__api_error(req, res, 403, "Reactions are for readers, not robots.");
	if (!nd_engage_may_react(app->engage, req, &reader, &retry)) {
		nd_http_add_header(res, "Retry-After", nd_arena_printf(req->arena, "%d", retry));
		return nd__api_error(req, res, 429, "Too many reactions: wait a moment.");
	}
	visitor[0] = reader.v.kind;
	memcpy(visitor + 1, reader.v.id, 16);
	op = form                             ? ND_REACT_TOGGLE
	     : !strcmp(req->method, "DELETE") ? ND_REACT_REMOVE
	                                      : ND_REACT_ADD;
	rc = nd_counter_react(counter, a->key, (size_t)t, visitor, op, &result);
	if (rc == ND_ENOTFOUND)
		return nd__api_error(req, res, 404, "The article is gone.");
	if (rc)
		return nd__api_error(req, res, 503, "The reaction could not be saved; try again.");
	nd_engage_set_cookie(app->engage, req, res, &reader,
	                     !strncmp(app->cfg->site_url, "https:", 6));
	if (form) {
		nd_http_add_header(res, "Location",
		                   nd_arena_printf(req->arena, "%s#reactions", a->url));
		return 303;
	}
	counts = json_object();
	for (size_t i = 0; i < nd_counter_type_count(counter); i++)
		json_object_set_new(
		    counts, nd_counter_type_slug(counter, i),
		    json_integer((json_int_t)nd_counter_reactions(counter, a->key, i)));
	return nd__send_json(req, res,
	                     json_pack("{s:s, s:b, s:o}", "type",
	                               nd_counter_type_slug(counter, (size_t)t), "reacted",
	                               op == ND_REACT_ADD || (op == ND_REACT_TOGGLE && result == 1),
	                               "reactions", counts),
	                     200);
}
