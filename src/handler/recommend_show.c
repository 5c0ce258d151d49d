/*
 * Where the Recommendation list shows (issue 5): the block of article
 * pages and "For you" on the home page (both holes, handler/holes.h,
 * filled per answer for the reader of the request), and
 * GET /api/recommendations?limit=N[&article=ID]. The list itself is
 * handler/recommend.c.
 */
#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "config/config.h"
#include "core/arena.h"
#include "core/hash.h"
#include "core/log.h"
#include "core/mem.h"
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

/*
 * The last block made per reader and page: a reader who comes back to a
 * page (a reload, the back button, the next request of a crawler that keeps
 * cookies) gets the block made for them then, as long as their history is
 * the same (a new read makes a new list at once), the snapshot is the same,
 * and it is under RECS_TTL seconds old. What else it was made from drifts
 * meanwhile: co-visitation (a 14-day half-life), popularity and
 * click-through (1 day); half a minute of that moves a list less than the
 * reader's own next read, which replaces it at once. One table for all threads, made on the
 * first personal block, in sets of READER_WAYS where the oldest goes first,
 * locked by stripes; each slot's HTML is its own allocation, grown as needed
 * and kept for the next block (about 2 KB for 8 items): at most
 * READER_SLOTS x BLOCK_MAX, about 16 MB for 8,192 active readers.
 */
#define RECS_TTL       30
#define READER_SLOTS   8192
#define READER_WAYS    4
#define READER_STRIPES 64
#define READER_KEYS    16
struct reader_block {
	uint8_t visitor[ND_HISTORY_VISITOR_LEN];
	uint32_t current, nkeys;
	uint64_t history; /* hash of the reader's history: article keys */
	int64_t generation, at;
	size_t limit, len;
	uint32_t keys[READER_KEYS]; /* what the block shows, for the model */
	char *html;                 /* len bytes; cap allocated */
	size_t cap;
};

struct nd_reader_blocks {
	pthread_mutex_t locks[READER_STRIPES];
	struct reader_block slots[READER_SLOTS];
};

static struct nd_reader_blocks *reader_blocks(struct nd_app *app)
{
	struct nd_reader_blocks *t =
	                            atomic_load_explicit(&app->reader_blocks, memory_order_acquire),
	                        *none = NULL;

	if (t)
		return t;
	t = nd_xcalloc(1, sizeof(*t));
	for (size_t i = 0; i < READER_STRIPES; i++)
		pthread_mutex_init(&t->locks[i], NULL);
	if (!atomic_compare_exchange_strong(&app->reader_blocks, &none, t)) {
		nd__reader_blocks_free(t);
		return none;
	}
	return t;
}

void nd__reader_blocks_free(struct nd_reader_blocks *t)
{
	if (!t)
		return;
	for (size_t i = 0; i < READER_STRIPES; i++)
		pthread_mutex_destroy(&t->locks[i]);
	for (size_t i = 0; i < READER_SLOTS; i++)
		free(t->slots[i].html);
	free(t);
}

/* The first slot of the set of (visitor, current): READER_WAYS slots, one stripe. */
static size_t reader_set(const uint8_t *visitor, uint32_t current)
{
	return (nd_hash(visitor, ND_HISTORY_VISITOR_LEN) ^
	        (uint64_t)current * 0x9e3779b97f4a7c15ull) %
	       (READER_SLOTS / READER_WAYS) * READER_WAYS;
}

static bool same_reader(const struct reader_block *rb, const uint8_t *visitor, uint32_t current)
{
	return rb->at && rb->current == current &&
	       !memcmp(rb->visitor, visitor, ND_HISTORY_VISITOR_LEN);
}

/* A hash of the reader's history (the articles, newest first). */
static uint64_t history_hash(struct nd_app *app, const uint8_t *visitor, int64_t now)
{
	struct nd_history_item hist[ND_HISTORY_MAX];
	uint32_t keys[ND_HISTORY_MAX];
	size_t n =
	    nd_reading_history(nd_engage_reading(app->engage), visitor, hist, ND_HISTORY_MAX, now);

	for (size_t i = 0; i < n; i++)
		keys[i] = hist[i].article;
	return nd_hash(keys, n * sizeof(keys[0])) ^ n;
}

static void keep_for_reader(struct nd_reader_blocks *rbs, size_t slot, const uint8_t *visitor,
                            uint32_t current, uint64_t history, const struct nd_site *site,
                            size_t limit, int64_t now, const struct nd_recs_result *items, size_t n,
                            const char *html, size_t len)
{
	struct reader_block *rb = NULL;

	if (!rbs || len > BLOCK_MAX || n > READER_KEYS)
		return;
	pthread_mutex_lock(&rbs->locks[slot / READER_WAYS % READER_STRIPES]);
	/* The reader's own slot, else an empty one, else the oldest. */
	for (size_t w = 0; w < READER_WAYS && !rb; w++)
		if (same_reader(&rbs->slots[slot + w], visitor, current))
			rb = &rbs->slots[slot + w];
	for (size_t w = 0; w < READER_WAYS && !rb; w++)
		if (!rbs->slots[slot + w].at)
			rb = &rbs->slots[slot + w];
	if (!rb) {
		rb = &rbs->slots[slot];
		for (size_t w = 1; w < READER_WAYS; w++)
			if (rbs->slots[slot + w].at < rb->at)
				rb = &rbs->slots[slot + w];
	}
	memcpy(rb->visitor, visitor, ND_HISTORY_VISITOR_LEN);
	rb->current = current;
	rb->history = history;
	rb->generation = site->generation;
	rb->at = now;
	rb->limit = limit;
	rb->nkeys = (uint32_t)n;
	for (size_t i = 0; i < n; i++)
		rb->keys[i] = items[i].article->key;
	if (rb->cap < len) {
		rb->cap = len < 2048 ? 2048 : len;
		rb->html = nd_xrealloc(rb->html, rb->cap);
	}
	rb->len = len;
	memcpy(rb->html, html, len);
	pthread_mutex_unlock(&rbs->locks[slot / READER_WAYS % READER_STRIPES]);
}

void nd__recommend_block(struct nd_app *app, const struct nd_site *site,
                         struct nd_http_request *req, const uint8_t *visitor, uint32_t current,
                         bool shown, struct nd_buf *out)
{
	size_t limit = (size_t)app->cfg->recommend_count, n, start = out->len;
	const struct nd_site_article *a = current ? nd_site_article_by_key(site, current) : NULL;
	struct nd_recs_result *items;
	uint64_t hash = a ? 1 : 2;
	json_t *arr, *ctx;

	int64_t now = (int64_t)time(NULL);
	struct nd_recs_model *model = nd_reading_model(nd_engage_reading(app->engage));
	struct nd_reader_blocks *rbs = NULL;
	uint64_t history = 0;
	size_t slot = 0;

	if (!limit || !app->tpl || !nd_tpl_set_has(app->tpl, "recommendation"))
		return;
	if (visitor) {
		struct reader_block *rb;
		uint32_t keys[READER_KEYS];
		size_t nkeys = 0;
		bool hit;

		history = history_hash(app, visitor, now);
		rbs = reader_blocks(app);
		slot = reader_set(visitor, current);
		pthread_mutex_lock(&rbs->locks[slot / READER_WAYS % READER_STRIPES]);
		for (size_t w = 0; w < READER_WAYS; w++) {
			rb = &rbs->slots[slot + w];
			hit = same_reader(rb, visitor, current) && rb->history == history &&
			      rb->limit == limit && rb->generation == site->generation &&
			      now - rb->at < RECS_TTL;
			if (hit) {
				nd_buf_add(out, rb->html, rb->len);
				nkeys = rb->nkeys;
				memcpy(keys, rb->keys, nkeys * sizeof(keys[0]));
				break;
			}
		}
		pthread_mutex_unlock(&rbs->locks[slot / READER_WAYS % READER_STRIPES]);
		if (hit) {
			if (shown)
				nd_recs_model_shown(model, keys, nkeys, now);
			return;
		}
	}
	items = nd_arena_alloc(req->arena, limit * sizeof(*items));
	n = nd__recommend(app, site, req, visitor, a, limit, items);
	if (!n)
		return;
	if (shown) {
		uint32_t keys[64];
		size_t k = n < 64 ? n : 64;

		for (size_t i = 0; i < k; i++)
			keys[i] = items[i].article->key;
		nd_recs_model_shown(model, keys, k, now);
	}
	for (size_t i = 0; i < n; i++)
		hash =
		    (hash ^ ((uint64_t)items[i].article->key << 8 ^ (uintptr_t)items[i].reason)) *
		    0x100000001b3ull;
	for (size_t i = 0; i < BLOCK_SLOTS; i++)
		if (blocks[i].len && blocks[i].hash == hash &&
		    blocks[i].generation == site->generation) {
			nd_buf_add(out, blocks[i].html, blocks[i].len);
			keep_for_reader(rbs, slot, visitor, current, history, site, limit, now,
			                items, n, out->buf + start, out->len - start);
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
		keep_for_reader(rbs, slot, visitor, current, history, site, limit, now, items, n,
		                out->buf + start, out->len - start);
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
