/*
 * An article page's metadata for search engines and link previews:
 * OpenGraph article:* properties, the Twitter card's image, and JSON-LD
 * NewsArticle and BreadcrumbList blocks (docs/internals/feeds.md).
 */
#include <stdlib.h>
#include <string.h>

#include "config/config.h"
#include "core/arena.h"
#include "core/buf.h"
#include "core/log.h"
#include "handler/handler_int.h"
#include "render/escape.h"

/* {"json": text} for the page's JSON-LD blocks: doc (consumed) encoded and
 * made safe inside <script> (nd_escape_json_script). */
static void add_block(struct nd_http_request *req, json_t *blocks, json_t *doc)
{
	char *text = json_dumps(doc, JSON_COMPACT | JSON_PRESERVE_ORDER);
	struct nd_buf safe = ND_BUF_INIT;

	json_decref(doc);
	if (!text) {
		nd_log(ND_LOG_ERROR, "encoding the JSON-LD of '%s' failed", req->path);
		return;
	}
	nd_escape_json_script(&safe, text, strlen(text));
	free(text);
	if (!nd_buf_err(&safe))
		json_array_append_new(
		    blocks,
		    json_pack("{s:s}", "json", nd_arena_strndup(req->arena, safe.buf, safe.len)));
	nd_buf_release(&safe);
}

static json_t *breadcrumb_ld(struct nd_app *app, struct nd_http_request *req,
                             const struct nd_site_article *a, const char *canonical)
{
	const struct nd_site_section *chain[ND_MAX_SECTION_DEPTH + 1];
	json_t *items = json_array();
	size_t n = 0;
	int pos = 1;

	for (const struct nd_site_section *s = a->section; s && n < ND_MAX_SECTION_DEPTH + 1;
	     s = s->parent)
		chain[n++] = s;
	json_array_append_new(items, json_pack("{s:s, s:i, s:s, s:s}", "@type", "ListItem",
	                                       "position", pos++, "name", "Home", "item",
	                                       nd__absolute_url(app, req, "/")));
	while (n--)
		json_array_append_new(items,
		                      json_pack("{s:s, s:i, s:s, s:s}", "@type", "ListItem",
		                                "position", pos++, "name", chain[n]->name, "item",
		                                nd__absolute_url(app, req, chain[n]->url)));
	json_array_append_new(items,
	                      json_pack("{s:s, s:i, s:s, s:s}", "@type", "ListItem", "position",
	                                pos, "name", a->title, "item", canonical));
	return json_pack("{s:s, s:s, s:o}", "@context", "https://schema.org", "@type",
	                 "BreadcrumbList", "itemListElement", items);
}

void nd__article_meta(struct nd_app *app, struct nd_http_request *req,
                      const struct nd_site_article *a, json_t *page)
{
	const char *canonical = nd__absolute_url(app, req, a->url);
	const char *icon = nd__asset_url(app->assets, "favicon.svg");
	char published[32], modified[32];
	json_t *tags = json_array(), *blocks = json_array(), *ld, *publisher;

	nd__iso_time(a->published_at, published);
	nd__iso_time(a->updated_at, modified);
	for (size_t i = 0; i < a->tag_count; i++)
		json_array_append_new(tags, json_string(a->tags[i]->name));
	json_object_set_new(page, "article",
	                    json_pack("{s:s, s:s, s:s, s:O}", "published", published, "modified",
	                              modified, "section", a->section->name, "tags", tags));

	publisher = json_pack("{s:s, s:s}", "@type", "Organization", "name", app->cfg->site_name);
	if (icon)
		json_object_set_new(publisher, "logo",
		                    json_pack("{s:s, s:s}", "@type", "ImageObject", "url",
		                              nd__absolute_url(app, req, icon)));
	ld = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:o, s:{s:s, s:s}, s:s}", "@context",
	               "https://schema.org", "@type", "NewsArticle", "headline", a->title,
	               "description", a->description, "datePublished", published, "dateModified",
	               modified, "articleSection", a->section->name, "publisher", publisher,
	               "mainEntityOfPage", "@type", "WebPage", "@id", canonical, "url", canonical);
	json_object_set_new(ld, "inLanguage",
	                    json_string(*a->language ? a->language : app->cfg->language));
	if (a->author)
		json_object_set_new(ld, "author",
		                    json_pack("{s:s, s:s, s:s}", "@type", "Person", "name",
		                              a->author->name, "url",
		                              nd__absolute_url(app, req, a->author->url)));
	if (a->tag_count)
		json_object_set(ld, "keywords", tags);
	if (*a->image) {
		const char *image = nd__absolute_link(app, req, a->image);
		json_object_set_new(ld, "image", json_pack("[s]", image));
		json_object_set_new(page, "image", json_string(image));
	}
	json_decref(tags);
	add_block(req, blocks, ld);
	add_block(req, blocks, breadcrumb_ld(app, req, a, canonical));
	json_object_set_new(page, "jsonld", blocks);
}
