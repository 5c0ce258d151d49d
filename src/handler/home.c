/* The home page: the lead story, top stories, the latest, a block per section. */
#include "config/config.h"
#include "handler/handler_int.h"
#include "handler/holes.h"
#include "rank/rank.h"

#define TOP_STORIES 4
#define LATEST      10
#define PER_SECTION 4

ND_HANDLER(home)
{
	json_t *top = json_array(), *latest = json_array(), *blocks = json_array();
	json_t *ctx = json_object();

	(void)m;
	for (size_t i = 0; i < site->front.count && i < 1 + TOP_STORIES + LATEST; i++) {
		json_t *card = nd__article_card(&site->articles[site->front.items[i]]);
		if (i == 0)
			json_object_set_new(ctx, "lead", card);
		else
			json_array_append_new(i <= TOP_STORIES ? top : latest, card);
	}
	for (size_t i = 0; i < site->section_count; i++) {
		const struct nd_site_section *s = &site->sections[i];
		if (s->parent || !s->articles.count)
			continue;
		json_array_append_new(
		    blocks, json_pack("{s:s, s:s, s:o}", "name", s->name, "url", s->url, "articles",
		                      nd__article_cards(site, &s->articles, 0, PER_SECTION)));
	}
	/* The Ranking blocks: live, filled on every answer. */
	json_object_set_new(ctx, "most_read",
	                    json_string(nd__hole(app, req, ND_HOLE_FRAGMENT, ND_RANK_24H, 0)));
	json_object_set_new(ctx, "trending",
	                    json_string(nd__hole(app, req, ND_HOLE_FRAGMENT, ND_RANK_TRENDING, 0)));
	/* And the reader's own list. */
	json_object_set_new(ctx, "for_you",
	                    json_string(nd__hole(app, req, ND_HOLE_PERSONAL, 0, 0)));
	nd_http_add_header(res, ND_HDR_HOLES, "html");
	json_object_set_new(ctx, "top", top);
	json_object_set_new(ctx, "latest", latest);
	json_object_set_new(ctx, "sections", blocks);
	json_object_set_new(
	    ctx, "page", json_pack("{s:s, s:s}", "title", app->cfg->site_name, "type", "website"));
	if (!site->article_count)
		json_object_set_new(ctx, "empty", json_true());
	return nd__render_page(app, site, req, res, "home", ctx, 200);
}
