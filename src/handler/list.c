/* Tag and author pages: a paginated list of an entity's articles. */
#include <string.h>

#include "config/config.h"
#include "core/arena.h"
#include "handler/handler_int.h"

static int list_page(struct nd_app *app, const struct nd_site *site, struct nd_http_request *req,
                     struct nd_http_response *res, const struct nd_site_person *p, const char *kind)
{
	json_t *ctx = json_object();
	size_t offset = 0;
	int rc;

	if ((rc = nd__paginate(app, req, ctx, p->url, p->articles.count, &offset))) {
		json_decref(ctx);
		return rc;
	}
	json_object_set_new(
	    ctx, "list",
	    json_pack("{s:s, s:s, s:s}", "kind", kind, "name", p->name, "url", p->url));
	json_object_set_new(
	    ctx, "articles",
	    nd__article_cards(site, &p->articles, offset, (size_t)app->cfg->page_size));
	json_object_set_new(ctx, "page",
	                    json_pack("{s:s, s:o}", "title",
	                              nd_arena_printf(req->arena, "%s: %s", kind, p->name), "feeds",
	                              nd__feed_links(app, req, p->url, p->name)));
	return nd__render_page(app, site, req, res, "list", ctx, 200);
}

static const struct nd_site_person *lookup(const struct nd_map *map, struct nd_str slug)
{
	const struct nd_site_person *p = nd_map_get(map, slug.p, slug.len);
	return p && p->articles.count ? p : NULL;
}

ND_HANDLER(tag)
{
	const struct nd_site_person *t = lookup(&site->tag_by_slug, m->params[0]);

	if (!t)
		return nd__render_error(app, site, req, res, 404, "No articles carry this tag.");
	return list_page(app, site, req, res, t, "Tag");
}

ND_HANDLER(author)
{
	const struct nd_site_person *a = lookup(&site->author_by_slug, m->params[0]);

	if (!a)
		return nd__render_error(app, site, req, res, 404, "There is no such author.");
	return list_page(app, site, req, res, a, "Author");
}
