/*
 * Where the Recommendation list shows (issue 5): the block of article
 * pages and "For you" on the home page (both holes, handler/holes.h,
 * filled per answer for the reader of the request), and
 * GET /api/recommendations?limit=N[&article=ID]. The list itself is
 * handler/recommend.c.
 */
#include <math.h>
#include <stdint.h>
#include <string.h>
#include <time.h>

#include "config/config.h"
#include "core/arena.h"
#include "core/log.h"
#include "handler/engage.h"
#include "handler/handler_int.h"
#include "handler/reading.h"
#include "recommend/model.h"
#include "render/template.h"

/* This thread's last rendered blocks, by what they show: readers with
 * the same list (new readers of one article, above all) share the HTML
 * instead of rendering the template again. */
#define BLOCK_SLOTS 8
#define BLOCK_MAX   16384
static _Thread_local struct block {
	uint64_t hash;
	int64_t generation;
	size_t len;
	char html[BLOCK_MAX];
} blocks[BLOCK_SLOTS];
static _Thread_local unsigned block_next;

void nd__recommend_block(struct nd_app *app, const struct nd_site *site,
                         struct nd_http_request *req, const uint8_t *visitor, uint32_t current,
                         bool shown, struct nd_buf *out)
{
	size_t limit = (size_t)app->cfg->recommend_count, n, start = out->len;
	const struct nd_site_article *a = current ? nd_site_article_by_key(site, current) : NULL;
	struct nd_recs_result *items;
	uint64_t hash = a ? 1 : 2;
	json_t *arr, *ctx;

	if (!limit || !app->tpl || !nd_tpl_set_has(app->tpl, "recommendation"))
		return;
	items = nd_arena_alloc(req->arena, limit * sizeof(*items));
	n = nd__recommend(app, site, req, visitor, a, limit, items);
	if (!n)
		return;
	if (shown) {
		uint32_t keys[64];
		size_t k = n < 64 ? n : 64;

		for (size_t i = 0; i < k; i++)
			keys[i] = items[i].article->key;
		nd_recs_model_shown(nd_reading_model(nd_engage_reading(app->engage)), keys, k,
		                    (int64_t)time(NULL));
	}
	for (size_t i = 0; i < n; i++)
		hash =
		    (hash ^ ((uint64_t)items[i].article->key << 8 ^ (uintptr_t)items[i].reason)) *
		    0x100000001b3ull;
	for (size_t i = 0; i < BLOCK_SLOTS; i++)
		if (blocks[i].len && blocks[i].hash == hash &&
		    blocks[i].generation == site->generation) {
			nd_buf_add(out, blocks[i].html, blocks[i].len);
			return;
		}
	arr = json_array();
	for (size_t i = 0; i < n; i++) {
		json_t *card = nd__article_card(items[i].article);

		json_object_set_new(card, "reason", json_string(items[i].reason));
		json_array_append_new(arr, card);
	}
	ctx = json_pack("{s:s, s:b, s:o}", "title", a ? "Recommended for you" : "For you", "home",
	                !a, "items", arr);
	if (nd_tpl_render(app->tpl, "recommendation", ctx, out)) {
		nd_log(ND_LOG_WARN, "rendering the Recommendation block failed");
	} else if (out->len - start <= BLOCK_MAX) {
		struct block *b = &blocks[block_next++ % BLOCK_SLOTS];

		b->hash = hash;
		b->generation = site->generation;
		b->len = out->len - start;
		memcpy(b->html, out->buf + start, b->len);
	}
	json_decref(ctx);
}

ND_HANDLER(api_recommendations)
{
	long limit = nd__query_long(req, "limit", app->cfg->recommend_count, 50);
	const char *id = nd_http_query(req, "article");
	const struct nd_site_article *current = NULL;
	struct nd_recs_result *items;
	struct nd_reader reader;
	uint8_t who[ND_HISTORY_VISITOR_LEN];
	bool personal;
	json_t *arr;
	size_t n;
	int status;

	(void)m;
	if (limit < 0)
		return nd__api_error(req, res, 400, "'limit' must be an integer from 0 to 50");
	if (id && !(current = nd_map_get(&site->by_ext_id, id, strlen(id))))
		return nd__api_error(req, res, 404, "no such article");
	nd_engage_reader(app->engage, req, &reader);
	/* A reader without a cookie has no history: no cookie is minted for
	 * an API call, so the list is the non-personal one. */
	reader.cookie[0] = '\0';
	personal = !nd_reading_declined(req) && nd_engage_history_id(&reader, who);
	items = nd_arena_alloc(req->arena, ((size_t)limit + 1) * sizeof(*items));
	n = nd__recommend(app, site, req, personal ? who : NULL, current, (size_t)limit, items);
	arr = json_array();
	for (size_t i = 0; i < n; i++) {
		json_t *o = nd__article_json(app, req, items[i].article);

		json_object_set_new(o, "score", json_real(round(items[i].score * 1e4) / 1e4));
		json_object_set_new(o, "reason", json_string(items[i].reason));
		json_array_append_new(arr, o);
	}
	status = nd__send_json(req, res,
	                       json_pack("{s:b, s:o}", "personal", personal, "items", arr), 200);
	/* Each reader's own: no shared cache may keep or serve it. */
	for (size_t i = 0; i < res->header_count; i++)
		if (!strcmp(res->headers[i].name, "Cache-Control"))
			res->headers[i].value = "private, no-store";
	nd_http_add_header(res, "Vary", "Cookie, DNT, Sec-GPC");
	return status;
}
