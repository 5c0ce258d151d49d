/* The read side of the JSON API. */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "config/config.h"
#include "core/arena.h"
#include "core/hash.h"
#include "handler/handler_int.h"
#include "handler/holes.h"

#define API_DEFAULT_LIMIT 20
#define API_MAX_LIMIT     100

json_t *nd__article_json(struct nd_app *app, struct nd_http_request *req,
                         const struct nd_site_article *a)
{
	json_t *tags = json_array();
	json_t *obj;
	char published[32], updated[32];

	for (size_t i = 0; i < a->tag_count; i++)
		json_array_append_new(tags, json_string(a->tags[i]->name));
	/* section, author and tags take the form import takes, so what comes
	 * out can go back in. */
	nd__iso_time(a->published_at, published);
	nd__iso_time(a->updated_at, updated);
	/* "s?" gives null for an article without an author. */
	obj = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s?, s:o, s:s, s:s, s:s, s:s}", "id", a->ext_id,
	                "slug", a->slug, "title", a->title, "summary", a->summary, "section",
	                a->section->path, "author", a->author ? a->author->name : NULL, "tags",
	                tags, "url", nd__absolute_url(app, req, a->url), "language", a->language,
	                "published_at", published, "updated_at", updated);
	if (*a->image)
		json_object_set_new(obj, "image", json_string(a->image));
	if (*a->source_url)
		json_object_set_new(obj, "source_url", json_string(a->source_url));
	return obj;
}

/* GET /api/articles/{id}/related?limit=N: the Related list, ranked. */
static int related(struct nd_app *app, const struct nd_site *site, struct nd_http_request *req,
                   struct nd_http_response *res, const struct nd_site_article *a)
{
	long limit = nd__query_long(req, "limit", app->cfg->related_count, API_MAX_LIMIT);
	const struct nd_site_article **rel;
	double *scores;
	json_t *items;
	size_t n;

	if (limit < 0)
		return nd__api_error(req, res, 400, "'limit' must be an integer from 0 to 100");
	rel = nd_arena_alloc(req->arena, ((size_t)limit + 1) * sizeof(*rel));
	scores = nd_arena_alloc(req->arena, ((size_t)limit + 1) * sizeof(*scores));
	n = nd__related(app, site, req, a, (size_t)limit, rel, scores);
	items = json_array();
	for (size_t i = 0; i < n; i++) {
		json_t *item = nd__article_json(app, req, rel[i]);
		json_object_set_new(item, "score", json_real(scores[i]));
		json_array_append_new(items, item);
	}
	return nd__send_json(req, res, json_pack("{s:o}", "items", items), 200);
}

ND_HANDLER(api_article)
{
	char *id = nd_arena_strndup(req->arena, m->params[0].p, m->params[0].len);
	size_t len = strlen(id);
	const struct nd_site_article *a = nd_map_get(&site->by_ext_id, id, len);

	/* An id may hold slashes: "{id}/related" and "{id}/revisions" are
	 * those only when the whole rest is not itself an id. */
	if (!a && nd__api_revision_path(req, m))
		return nd__api_revisions(app, req, res, m);
	if (!a && len > 8 && !strcmp(id + len - 8, "/related")) {
		a = nd_map_get(&site->by_ext_id, id, len - 8);
		if (a)
			return related(app, site, req, res, a);
	}
	if (!a)
		return nd__api_error(
		    req, res, 404,
		    nd_arena_printf(req->arena, "no published article with id '%s'", id));
	{
		json_t *obj = nd__article_json(app, req, a);

		/* Live: numbers filled in on every answer (handler/holes.h). */
		json_object_set_new(obj, "views",
		                    json_string(nd__hole(app, req, ND_HOLE_VIEWS, a->key, 0)));
		json_object_set_new(obj, "reactions",
		                    json_string(nd__hole(app, req, ND_HOLE_REACTIONS, a->key, 0)));
		nd_http_add_header(res, ND_HDR_HOLES, "json");
		return nd__send_json(req, res, obj, 200);
	}
}

long nd__query_long(struct nd_http_request *req, const char *name, long def, long max)
{
	const char *s = nd_http_query(req, name);
	char *end;
	long v;

	if (!s)
		return def;
	v = strtol(s, &end, 10);
	if (end == s || *end || v < 0 || v > max)
		return -1;
	return v;
}

ND_HANDLER(api_articles)
{
	const char *section = nd_http_query(req, "section");
	const char *tag = nd_http_query(req, "tag");
	const char *author = nd_http_query(req, "author");
	long limit = nd__query_long(req, "limit", API_DEFAULT_LIMIT, API_MAX_LIMIT);
	long offset = nd__query_long(req, "offset", 0, 1000000000L);
	const struct nd_site_list *list = NULL;
	json_t *items;
	size_t total;

	(void)m;
	if (limit < 0)
		return nd__api_error(req, res, 400, "'limit' must be an integer from 0 to 100");
	if (offset < 0)
		return nd__api_error(req, res, 400, "'offset' must be a non-negative integer");
	if (section) {
		char *url = nd_arena_printf(req->arena, "/%s", section);
		const struct nd_site_section *s = nd_site_section_at(site, url, strlen(url));
		if (!s)
			return nd__api_error(req, res, 404, "no such section");
		list = &s->articles;
	} else if (tag || author) {
		const struct nd_site_person *p =
		    tag ? nd_map_get(&site->tag_by_slug, tag, strlen(tag))
		        : nd_map_get(&site->author_by_slug, author, strlen(author));
		if (!p)
			return nd__api_error(req, res, 404, tag ? "no such tag" : "no such author");
		list = &p->articles;
	}
	items = json_array();
	if (!list)
		list = &site->front; /* one article per story, as the pages list them */
	total = list->count;
	for (size_t i = (size_t)offset; i < total && i < (size_t)offset + (size_t)limit; i++) {
		const struct nd_site_article *a = &site->articles[list->items[i]];
		json_array_append_new(items, nd__article_json(app, req, a));
	}
	return nd__send_json(req, res,
	                     json_pack("{s:I, s:i, s:i, s:o}", "total", (json_int_t)total, "offset",
	                               (int)offset, "limit", (int)limit, "items", items),
	                     200);
}

/* The OpenAPI description (handler/openapi.S), NUL-terminated. */
extern const char nd__openapi_json[];

ND_HANDLER(api_openapi)
{
	size_t len = strlen(nd__openapi_json);
	char *etag;

	(void)app;
	(void)site;
	(void)m;
	etag = nd_arena_printf(req->arena, "\"%016llx\"",
	                       (unsigned long long)nd_hash(nd__openapi_json, len));
	res->content_type = "application/json";
	nd_http_add_header(res, "ETag", etag);
	nd_http_add_header(res, "Cache-Control", "public, no-cache");
	nd_http_add_header(res, "X-Content-Type-Options", "nosniff");
	if (nd_http_etag_matches(nd_http_header(req, "If-None-Match"), etag))
		return 304;
	nd_buf_add(&res->body, nd__openapi_json, len);
	return 200;
}
