/* Section pages and article pages: everything under "/{section...}". */
#include <string.h>

#include "config/config.h"
#include "core/arena.h"
#include "handler/handler_int.h"
#include "handler/holes.h"

/* How many other stories of the section the article page lists. */
#define MORE_IN_SECTION 5

static json_t *breadcrumb(const struct nd_site_section *s)
{
	const struct nd_site_section *chain[ND_MAX_SECTION_DEPTH + 1];
	size_t n = 0;
	json_t *arr = json_array();

	for (; s && n < ND_MAX_SECTION_DEPTH + 1; s = s->parent)
		chain[n++] = s;
	json_array_append_new(arr, json_pack("{s:s, s:s}", "name", "Home", "url", "/"));
	while (n--)
		json_array_append_new(
		    arr, json_pack("{s:s, s:s}", "name", chain[n]->name, "url", chain[n]->url));
	return arr;
}

int nd__article_page(struct nd_app *app, const struct nd_site *site, struct nd_http_request *req,
                     struct nd_http_response *res, const struct nd_site_article *a, bool preview)
{
	json_t *art = nd__article_card(a);
	json_t *tags = json_array();
	json_t *more = json_array();
	json_t *ctx;

	if (*a->summary)
		json_object_set_new(art, "summary", json_string(a->summary));
	json_object_set_new(art, "body_html", json_string(a->body_html));
	json_object_set_new(art, "language", json_string(a->language));
	json_object_set_new(art, "breadcrumb", breadcrumb(a->section));
	if (*a->source_url)
		json_object_set_new(art, "source_url", json_string(a->source_url));
	if (a->updated_at > a->published_at + 60)
		nd__set_dates(art, "updated", a->updated_at);
	for (size_t i = 0; i < a->tag_count; i++)
		json_array_append_new(tags, json_pack("{s:s, s:s}", "name", a->tags[i]->name, "url",
		                                      a->tags[i]->url));
	json_object_set_new(art, "tags", tags);
	json_object_set_new(art, "has_tags", json_boolean(a->tag_count > 0));
	/* Live values: filled in on every answer, cached or not. A preview
	 * has none (no counts, no view counted) and no Related list: the
	 * article is in no index. */
	if (!preview) {
		json_t *reactions = nd__reactions_ctx(app, req, a);

		json_object_set_new(art, "views",
		                    json_string(nd__hole(app, req, ND_HOLE_VIEWS, a->key, 0)));
		if (reactions)
			json_object_set_new(art, "reactions", reactions);
		nd_http_add_header(res, ND_HDR_HOLES, "html");
		nd_http_add_header(res, ND_HDR_COUNT, nd_arena_printf(req->arena, "%u", a->key));
	}
	if (!preview) {
		/* The Recommendation list reads a longer Related list from its
		 * cache: make it once, here. */
		size_t want = (size_t)app->cfg->related_count > ND__RELATED_KEEP
		                  ? (size_t)app->cfg->related_count
		                  : ND__RELATED_KEEP;
		const struct nd_site_article **rel =
		    nd_arena_alloc(req->arena, (want + 1) * sizeof(*rel));
		double *scores = nd_arena_alloc(req->arena, (want + 1) * sizeof(*scores));
		size_t n = nd__related(app, site, req, a, want, rel, scores);
		json_t *items = json_array();

		nd__recommend_keep_related(app, a, rel, scores, n);
		if (n > (size_t)app->cfg->related_count)
			n = (size_t)app->cfg->related_count;
		for (size_t i = 0; i < n; i++)
			json_array_append_new(items, nd__article_card(rel[i]));
		if (n)
			json_object_set_new(art, "x_related", json_pack("{s:o}", "items", items));
		else
			json_decref(items);
	}
	/* And the newest other stories of the section. */
	for (size_t i = 0;
	     i < a->section->articles.count && json_array_size(more) < MORE_IN_SECTION; i++) {
		const struct nd_site_article *o = &site->articles[a->section->articles.items[i]];
		/* A preview is a copy of the stored article (if any): same ext_id. */
		if (o != a && strcmp(o->ext_id, a->ext_id))
			json_array_append_new(more, nd__article_card(o));
	}
	ctx = json_pack("{s:o, s:b, s:o, s:s, s:{s:s, s:s, s:s, s:s}}", "article", art, "has_more",
	                json_array_size(more) > 0, "more", more, "more_title", a->section->name,
	                "page", "title", a->title, "description", a->description, "type", "article",
	                "canonical", nd__absolute_url(app, req, a->url));
	nd__article_meta(app, req, a, json_object_get(ctx, "page"));
	if (preview) {
		json_object_set_new(json_object_get(ctx, "page"), "robots", json_string("noindex"));
		json_object_set_new(json_object_get(ctx, "page"), "no_script", json_true());
		return nd__render_page(app, site, req, res, "article", ctx, 200);
	}
	{
		int w = nd__rank_window(app->cfg->ranking_window);
		json_object_set_new(ctx, "ranking_block",
		                    json_string(nd__hole(app, req, ND_HOLE_FRAGMENT,
		                                         (uint32_t)(w < 0 ? 1 : w), 0)));
	}
	json_object_set_new(ctx, "recommendation_block",
	                    json_string(nd__hole(app, req, ND_HOLE_PERSONAL, a->key, 0)));
	/* The rail's blocks are top-level keys of the page. */
	if (json_object_get(art, "x_related")) {
		json_object_set(ctx, "related", json_object_get(art, "x_related"));
		json_object_del(art, "x_related");
	}
	return nd__render_page(app, site, req, res, "article", ctx, 200);
}

static int section_page(struct nd_app *app, const struct nd_site *site, struct nd_http_request *req,
                        struct nd_http_response *res, const struct nd_site_section *s)
{
	json_t *ctx = json_object();
	json_t *children = json_array();
	size_t offset = 0;
	int rc;

	if ((rc = nd__paginate(app, req, ctx, s->url, s->articles.count, &offset))) {
		json_decref(ctx);
		json_decref(children);
		return rc;
	}
	for (size_t i = 0; i < site->section_count; i++) {
		const struct nd_site_section *c = &site->sections[i];
		if (c->parent == s && c->articles.count)
			json_array_append_new(
			    children, json_pack("{s:s, s:s}", "name", c->name, "url", c->url));
	}
	json_object_set_new(ctx, "section",
	                    json_pack("{s:s, s:s, s:o, s:b, s:o}", "name", s->name, "url", s->url,
	                              "breadcrumb", breadcrumb(s->parent), "has_children",
	                              json_array_size(children) > 0, "children", children));
	json_object_set_new(
	    ctx, "articles",
	    nd__article_cards(site, &s->articles, offset, (size_t)app->cfg->page_size));
	json_object_set_new(
	    ctx, "page",
	    json_pack("{s:s, s:s}", "title",
	              offset ? nd_arena_printf(req->arena, "%s, page %zu", s->name,
	                                       offset / (size_t)app->cfg->page_size + 1)
	                     : s->name,
	              "description",
	              nd_arena_printf(req->arena, "Latest %s news from %s", s->name,
	                              app->cfg->site_name)));
	json_object_set_new(json_object_get(ctx, "page"), "feeds",
	                    nd__feed_links(app, req, s->url, s->name));
	return nd__render_page(app, site, req, res, "section", ctx, 200);
}

/*
 * A path that showed an article and shows none now: 301 to the article's
 * page when it is live at another path (moved, or published again
 * elsewhere), else 410 Gone. Both depend only on the snapshot.
 */
static int retired_page(struct nd_app *app, const struct nd_site *site, struct nd_http_request *req,
                        struct nd_http_response *res, const struct nd_site_retired *r)
{
	if (r->article) {
		nd_http_add_header(res, "Location", r->article->url);
		nd_http_add_header(res, "Cache-Control", "public, max-age=3600");
		return 301;
	}
	return nd__render_error(app, site, req, res, 410, "This article has been removed.");
}

ND_HANDLER(content)
{
	const struct nd_site_article *a = nd_site_article_at(site, req->path, req->path_len);
	const struct nd_site_section *s;
	const struct nd_site_retired *r;
	int rc;

	(void)m;
	if (!a && (rc = nd__section_feed(app, site, req, res)))
		return rc;
	if (a)
		return nd__article_page(app, site, req, res, a, false);
	s = nd_site_section_at(site, req->path, req->path_len);
	if (s && s->articles.count)
		return section_page(app, site, req, res, s);
	if ((r = nd_site_retired_at(site, req->path, req->path_len)))
		return retired_page(app, site, req, res, r);
	return nd__render_error(app, site, req, res, 404, "There is no page at this address.");
}
