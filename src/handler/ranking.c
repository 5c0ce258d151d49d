/*
 * The Ranking: GET /api/ranking?window=1h|24h|7d|trending&section=&limit=,
 * and the Ranking blocks of pages, which are holes (handler/holes.h) so a
 * cached page shows the list of the moment. A block is rendered from the
 * theme's ranking.mustache when the list changed since this thread last
 * rendered it (rank/rank.h's version), else copied from the thread's own
 * cache: no lock, and no rendering on most requests.
 */
#include <stdlib.h>
#include <string.h>

#include "config/config.h"
#include "core/arena.h"
#include "core/buf.h"
#include "handler/engage.h"
#include "handler/handler_int.h"
#include "handler/holes.h"
#include "rank/rank.h"
#include "render/template.h"

#define BLOCK_ITEMS 10
#define FRAG_SLOTS  4
#define FRAG_MAX    8192

static const char *const window_names[ND_RANK_WINDOWS] = {"1h", "24h", "7d", "trending"};
static const char *const block_titles[ND_RANK_WINDOWS] = {"Most read this hour", "Most read",
                                                          "Most read this week", "Trending"};

/* The window called name, or -1. */
int nd__rank_window(const char *name)
{
	for (int w = 0; w < ND_RANK_WINDOWS; w++)
		if (!strcmp(name, window_names[w]))
			return w;
	return -1;
}

/* This thread's last answers to /api/ranking (the same for every reader
 * until the list or the snapshot changes). Fixed arrays: nothing to free
 * when the thread ends; a longer answer is not kept. */
#define ANSWER_SLOTS 4
#define ANSWER_MAX   16384

static _Thread_local struct answer {
	uint64_t version;
	int64_t generation;
	int window;
	uint32_t scope;
	long limit;
	size_t len;
	bool used;
	char json[ANSWER_MAX];
} answers[ANSWER_SLOTS];
static _Thread_local unsigned answer_next;

ND_HANDLER(api_ranking)
{
	const char *wname = nd_http_query(req, "window"), *section = nd_http_query(req, "section");
	int w = nd__rank_window(wname ? wname : "24h");
	long limit = nd__query_long(req, "limit", 10, ND_RANK_MAX);
	uint32_t scope = ND_RANK_SITE;
	struct nd_rank_item items[ND_RANK_MAX];
	uint64_t version;
	struct answer *cached;
	json_t *arr;
	size_t n;
	int status;

	(void)m;
	if (w < 0)
		return nd__api_error(req, res, 400, "'window' must be 1h, 24h, 7d or trending");
	if (limit < 0)
		return nd__api_error(req, res, 400, "'limit' must be an integer from 0 to 100");
	if (section) {
		char *url = nd_arena_printf(req->arena, "/%s", section);
		const struct nd_site_section *s = nd_site_section_at(site, url, strlen(url));
		if (!s)
			return nd__api_error(req, res, 404, "no such section");
		scope = (uint32_t)s->id;
		section = s->path; /* the answer names it one way, whatever was asked */
	}
	nd_engage_sync(app->engage, site);
	version = nd_rank_version(nd_engage_rank(app->engage));
	for (int i = 0; i < ANSWER_SLOTS; i++) {
		cached = &answers[i];
		if (cached->used && cached->version == version &&
		    cached->generation == site->generation && cached->window == w &&
		    cached->scope == scope && cached->limit == limit) {
			nd_buf_add(&res->body, cached->json, cached->len);
			res->content_type = "application/json";
			nd_http_add_header(res, "X-Content-Type-Options", "nosniff");
			nd_http_add_header(res, "Cache-Control", "no-cache");
			return 200;
		}
	}
	/* Articles unpublished since the list was made are skipped: ask for
	 * all there are. */
	n = nd_rank_top(nd_engage_rank(app->engage), (enum nd_rank_window)w, scope, ND_RANK_MAX,
	                items);
	arr = json_array();
	for (size_t i = 0; i < n && json_array_size(arr) < (size_t)limit; i++) {
		const struct nd_site_article *a = nd_site_article_by_key(site, items[i].id);
		json_t *o;

		if (!a)
			continue;
		o = nd__article_json(app, req, a);
		json_object_set_new(o, "views", json_integer(items[i].views));
		if (w == ND_RANK_TRENDING)
			json_object_set_new(o, "score", json_real(items[i].score));
		json_array_append_new(arr, o);
	}
	status = nd__send_json(req, res,
	                       json_pack("{s:s, s:s?, s:o}", "window", window_names[w], "section",
	                                 section, "items", arr),
	                       200);
	/* Lists move with every flush: revalidate, never keep. */
	for (size_t i = 0; i < res->header_count; i++)
		if (!strcmp(res->headers[i].name, "Cache-Control"))
			res->headers[i].value = "no-cache";
	if (status == 200 && res->body.len <= ANSWER_MAX) {
		cached = &answers[answer_next++ % ANSWER_SLOTS];
		cached->version = version;
		cached->generation = site->generation;
		cached->window = w;
		cached->scope = scope;
		cached->limit = limit;
		cached->len = res->body.len;
		cached->used = true;
		memcpy(cached->json, res->body.buf, res->body.len);
	}
	return status;
}

/* Renders the block of window w in scope into out ("" when empty). */
static void render_block(struct nd_app *app, const struct nd_site *site, int w, uint32_t scope,
                         struct nd_buf *out)
{
	struct nd_rank_item items[ND_RANK_MAX];
	size_t n = nd_rank_top(nd_engage_rank(app->engage), (enum nd_rank_window)w, scope,
	                       BLOCK_ITEMS + 10, items);
	json_t *arr = json_array(), *ctx;

	for (size_t i = 0; i < n && json_array_size(arr) < BLOCK_ITEMS; i++) {
		const struct nd_site_article *a = nd_site_article_by_key(site, items[i].id);
		char human[32];
		json_t *card;

		if (!a)
			continue;
		card = nd__article_card(a);
		nd_hole_format_count(items[i].views, human);
		json_object_set_new(card, "views", json_integer(items[i].views));
		json_object_set_new(card, "views_human", json_string(human));
		json_array_append_new(arr, card);
	}
	if (!json_array_size(arr)) {
		json_decref(arr);
		return;
	}
	ctx = json_pack("{s:s, s:o}", "title", block_titles[w], "items", arr);
	if (nd_tpl_render(app->tpl, "ranking", ctx, out))
		nd_buf_reset(out);
	json_decref(ctx);
}

/* This thread's rendered blocks. Fixed arrays: nothing to free when the
 * thread ends. */
static _Thread_local struct frag {
	uint64_t version;
	int64_t generation;
	int window;
	uint32_t scope;
	size_t len;
	bool used;
	char html[FRAG_MAX];
} frags[FRAG_SLOTS];
static _Thread_local unsigned frag_next;

void nd__ranking_block(struct nd_app *app, const struct nd_site *site, int w, uint32_t scope,
                       struct nd_buf *out)
{
	const struct nd_rank *rank;
	uint64_t version;
	struct nd_buf b = ND_BUF_INIT;
	struct frag *f;

	if (w < 0 || w >= ND_RANK_WINDOWS || !app->tpl || !nd_tpl_set_has(app->tpl, "ranking"))
		return;
	nd_engage_sync(app->engage, site);
	rank = nd_engage_rank(app->engage);
	version = nd_rank_version(rank);
	for (int i = 0; i < FRAG_SLOTS; i++) {
		f = &frags[i];
		if (f->used && f->window == w && f->scope == scope && f->version == version &&
		    f->generation == site->generation) {
			nd_buf_add(out, f->html, f->len);
			return;
		}
	}
	render_block(app, site, w, scope, &b);
	nd_buf_add(out, b.buf, b.len);
	if (b.len <= FRAG_MAX) {
		f = &frags[frag_next++ % FRAG_SLOTS];
		*f = (struct frag){.version = version,
		                   .generation = site->generation,
		                   .window = w,
		                   .scope = scope,
		                   .len = b.len,
		                   .used = true};
		memcpy(f->html, b.buf, b.len);
	}
	nd_buf_release(&b);
}
