/*
 * The Recommendation list (issue 5): what it holds for one reader
 * (nd__recommend). Where it shows is handler/recommend_show.c.
 *
 * Candidates come from the reader's history (co-visitation neighbours of
 * the last HISTORY_COVISIT reads, Related lists of the last
 * HISTORY_CONTENT), the most read of the section and the site in the last
 * 24 hours and their newest articles; recommend/pick.h scores, filters and
 * diversifies them. The article being read counts as the newest read, so a
 * reader with no history (new, or one who declined tracking) gets the
 * articles read with it and like it, then the fresh and popular ones of
 * its section and the site.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "config/config.h"
#include "core/arena.h"
#include "handler/engage.h"
#include "handler/handler_int.h"
#include "handler/reading.h"
#include "rank/rank.h"
#include "recommend/pick.h"

#define HISTORY_COVISIT 20 /* reads whose neighbours are candidates */
#define COVISIT_EACH    24 /* the best neighbours of each */
#define HISTORY_CONTENT 5
#define CONTENT_TTL     3600  /* seconds a cached Related list is a signal */
#define SIMILAR_TTL     86400 /* and tells how alike two articles are */
#define POPULAR_SITE    50
#define POPULAR_SECTION 30
#define FRESH_SITE      30
#define FRESH_SECTION   20
#define MAX_CANDS       2048
#define SLOTS           4096 /* a power of two, > MAX_CANDS */

struct gather {
	const struct nd_site *site;
	struct nd_recs_cand c[MAX_CANDS];
	const struct nd_site_article *art[MAX_CANDS];
	size_t n;
	uint16_t slot[SLOTS]; /* candidate index + 1, 0: empty */
};

/* The candidate of key, added when new; NULL when the list is full or the
 * article is not on the site. */
static struct nd_recs_cand *cand(struct gather *g, uint32_t key)
{
	uint32_t i = (key * 2654435761u) & (SLOTS - 1);
	const struct nd_site_article *a;

	for (; g->slot[i]; i = (i + 1) & (SLOTS - 1))
		if (g->c[g->slot[i] - 1].key == key)
			return &g->c[g->slot[i] - 1];
	if (g->n == MAX_CANDS || !(a = nd_site_article_by_key(g->site, key)))
		return NULL;
	/* A copy of a story stands in the list as its first copy, as in every
	 * list of the site (site.h, front). */
	if (a->cluster != key && nd_site_article_by_key(g->site, a->cluster))
		return cand(g, a->cluster);
	g->art[g->n] = a;
	g->c[g->n] = (struct nd_recs_cand){
	    .key = key, .cluster = a->cluster, .section = (uint32_t)a->section->id};
	g->slot[i] = (uint16_t)(++g->n);
	return &g->c[g->n - 1];
}

_Static_assert(ND__RELATED_KEEP == ND_RECS_CONTENT_MAX, "one Related list length");

void nd__recommend_keep_related(struct nd_app *app, const struct nd_site_article *a,
                                const struct nd_site_article **rel, const double *scores, size_t n)
{
	struct nd_recs_neighbour list[ND_RECS_CONTENT_MAX];

	if (!app->engage)
		return;
	if (n > ND_RECS_CONTENT_MAX)
		n = ND_RECS_CONTENT_MAX;
	for (size_t i = 0; i < n; i++)
		list[i] = (struct nd_recs_neighbour){
		    rel[i]->key, (float)(scores[0] > 0 ? scores[i] / scores[0] : 0)};
	nd_recs_model_content_put(nd_reading_model(nd_engage_reading(app->engage)), a->key,
	                          (int64_t)time(NULL), list, n);
}

/* The Related list of a, from the model's cache or made now. */
static int content_of(struct nd_app *app, const struct nd_site *site, struct nd_http_request *req,
                      struct nd_recs_model *model, const struct nd_site_article *a, int64_t now,
                      struct nd_recs_neighbour *out)
{
	const struct nd_site_article *rel[ND_RECS_CONTENT_MAX];
	double scores[ND_RECS_CONTENT_MAX];
	int n = nd_recs_model_content(model, a->key, now - CONTENT_TTL, out);

	if (n >= 0)
		return n;
	n = (int)nd__related(app, site, req, a, ND_RECS_CONTENT_MAX, rel, scores);
	nd__recommend_keep_related(app, a, rel, scores, (size_t)n);
	n = nd_recs_model_content(model, a->key, now - CONTENT_TTL, out);
	return n < 0 ? 0 : n;
}

/* Text similarity for MMR, from the cached Related lists only (never a
 * query): a's score in the list of b, an item already picked (so at most
 * one list per picked item is read). */
#define SIM_LISTS 64
struct sim {
	struct nd_recs_model *model;
	int64_t since;
	size_t n;
	uint32_t key[SIM_LISTS];
	int count[SIM_LISTS];
	struct nd_recs_neighbour list[SIM_LISTS][ND_RECS_CONTENT_MAX];
};

static double similar(void *ctx, const struct nd_recs_cand *a, const struct nd_recs_cand *b)
{
	struct sim *s = ctx;
	size_t i = s->n;

	/* The newest pick is asked about most: search from the end. */
	while (i > 0 && s->key[i - 1] != b->key)
		i--;
	if (i == 0) {
		if (s->n == SIM_LISTS)
			return 0;
		i = ++s->n;
		s->key[i - 1] = b->key;
		s->count[i - 1] = nd_recs_model_content(s->model, b->key, s->since, s->list[i - 1]);
	}
	for (int j = 0; j < s->count[i - 1]; j++)
		if (s->list[i - 1][j].id == a->key)
			return s->list[i - 1][j].score;
	return 0;
}

/*
 * The lists of readers without a history (new readers, those who decline
 * tracking, bots) depend only on the page and the moment: each thread
 * keeps its last few for CONTEXT_TTL seconds, by article key, so most
 * anonymous traffic costs a lookup; a list is made again as soon as the
 * article's co-visitation pairs change. Keys, not pointers: a snapshot of
 * the same generation may be another one.
 */
#define CONTEXT_SLOTS 16
#define CONTEXT_TTL   5
#define CONTEXT_MAX   50
static _Thread_local struct context_list {
	uint32_t current; /* article key; 0: the home page */
	int64_t generation, at;
	uint32_t stamp; /* the model's for current: its pairs are as they were */
	size_t limit, n;
	uint32_t keys[CONTEXT_MAX];
	double scores[CONTEXT_MAX];
	const char *reasons[CONTEXT_MAX];
} contexts[CONTEXT_SLOTS];
static _Thread_local unsigned context_next;

static struct context_list *context_find(const struct nd_site *site, uint32_t current,
                                         uint32_t stamp, size_t limit, int64_t now)
{
	for (size_t i = 0; i < CONTEXT_SLOTS; i++) {
		struct context_list *c = &contexts[i];

		if (c->at && c->current == current && c->stamp == stamp && c->limit == limit &&
		    c->generation == site->generation && now - c->at < CONTEXT_TTL)
			return c;
	}
	return NULL;
}

/* Per thread: too big for the stack, and the arena would map and unmap
 * it for every request. */
static _Thread_local struct gather gather_buf;
static _Thread_local struct sim sim_buf;

static int cmp_u32(const void *pa, const void *pb)
{
	uint32_t a = *(const uint32_t *)pa, b = *(const uint32_t *)pb;

	return a < b ? -1 : a > b;
}

size_t nd__recommend(struct nd_app *app, const struct nd_site *site, struct nd_http_request *req,
                     const uint8_t *visitor, const struct nd_site_article *current, size_t limit,
                     struct nd_recs_result *out)
{
	struct nd_reading *rd = nd_engage_reading(app->engage);
	struct nd_recs_model *model = nd_reading_model(rd);
	const struct nd_rank *rank = nd_engage_rank(app->engage);
	struct gather *g = &gather_buf;
	struct nd_history_item hist[ND_HISTORY_MAX + 1];
	uint32_t *ex, *ex_clusters;
	struct nd_recs_request rq = {0};
	struct nd_recs_weights w;
	struct sim *sim;
	struct nd_rank_item top[POPULAR_SITE];
	struct context_list *context = NULL;
	uint32_t stamp = 0;
	double rate;
	size_t nh = 0, n, nex;
	int64_t now = (int64_t)time(NULL);
	uint32_t section = current ? (uint32_t)current->section->id : 0;

	if (!limit)
		return 0;
	memset(g->slot, 0, sizeof(g->slot));
	g->site = site;
	g->n = 0;
	nd_engage_sync(app->engage, site);
	if (current)
		hist[nh++] = (struct nd_history_item){current->key, (uint32_t)now};
	if (visitor) {
		size_t base = nh,
		       k = nd_reading_history(rd, visitor, hist + base, ND_HISTORY_MAX, now);

		/* The article being read is entry 0 already (the view of this
		 * page is usually the newest entry too): once is enough. */
		for (size_t i = 0; i < k; i++)
			if (!current || hist[base + i].article != current->key)
				hist[nh++] = hist[base + i];
	}
	if (nh == (current ? 1u : 0u) && limit <= CONTEXT_MAX) {
		struct context_list *c;

		stamp = current ? nd_recs_model_stamp(model, current->key) : 0;
		c = context_find(site, current ? current->key : 0, stamp, limit, now);

		if (c) {
			n = 0;
			for (size_t i = 0; i < c->n; i++) {
				const struct nd_site_article *a =
				    nd_site_article_by_key(site, c->keys[i]);

				if (a)
					out[n++] =
					    (struct nd_recs_result){a, c->scores[i], c->reasons[i]};
			}
			return n;
		}
		context = &contexts[context_next++ % CONTEXT_SLOTS];
	}
	/* Co-visitation: the neighbours of the latest reads, nearer reads
	 * weighing more. */
	for (size_t i = 0; i < nh && i < HISTORY_COVISIT; i++) {
		struct nd_recs_neighbour nb[COVISIT_EACH];
		size_t k = nd_recs_model_covisit(model, hist[i].article, now, nb, COVISIT_EACH);
		double wi = 1.0 / (1.0 + (double)i / 10.0);

		for (size_t j = 0; j < k; j++) {
			struct nd_recs_cand *c = cand(g, nb[j].id);
			if (c)
				c->covisit += wi * nb[j].score;
		}
	}
	/* Content: the Related lists of the last few reads, not of the
	 * article being read: its Related block is on the page already. */
	for (size_t i = current ? 1 : 0, used = 0; i < nh && used < HISTORY_CONTENT; i++) {
		const struct nd_site_article *a = nd_site_article_by_key(site, hist[i].article);
		struct nd_recs_neighbour rel[ND_RECS_CONTENT_MAX];
		double wi = pow(0.8, (double)used);
		int k;

		if (!a)
			continue;
		used++;
		k = content_of(app, site, req, model, a, now, rel);
		for (int j = 0; j < k; j++) {
			struct nd_recs_cand *c = cand(g, rel[j].id);
			if (c)
				c->content += wi * rel[j].score;
		}
	}
	/* Popular and fresh, of the section and the site. */
	n = nd_rank_top(rank, ND_RANK_24H, ND_RANK_SITE, POPULAR_SITE, top);
	for (size_t i = 0; i < n; i++)
		cand(g, top[i].id);
	if (section) {
		n = nd_rank_top(rank, ND_RANK_24H, section, POPULAR_SECTION, top);
		for (size_t i = 0; i < n; i++)
			cand(g, top[i].id);
		for (size_t i = 0; i < current->section->articles.count && i < FRESH_SECTION; i++)
			cand(g, site->articles[current->section->articles.items[i]].key);
	}
	for (size_t i = 0; i < site->front.count && i < FRESH_SITE; i++)
		cand(g, site->articles[site->front.items[i]].key);
	rate = nd_recs_model_click_rate(model);
	for (size_t i = 0; i < g->n; i++) {
		nd_recs_model_rates(model, g->c[i].key, now, rate, &g->c[i].popular, &g->c[i].ctr);
		g->c[i].age = fmax(0, (double)(now - g->art[i]->published_at));
	}
	/* Never what was read, nor another copy of its story, nor what the
	 * page's Related block shows already. */
	{
		struct nd_recs_neighbour shown[ND_RECS_CONTENT_MAX];
		size_t ns = 0;

		if (current) {
			int k = content_of(app, site, req, model, current, now, shown);

			ns = k < app->cfg->related_count ? (size_t)k
			                                 : (size_t)app->cfg->related_count;
		}
		ex = nd_arena_alloc(req->arena, (nh + ns + 1) * sizeof(*ex));
		ex_clusters = nd_arena_alloc(req->arena, (nh + 1) * sizeof(*ex));
		for (size_t i = 0; i < nh; i++) {
			const struct nd_site_article *a =
			    nd_site_article_by_key(site, hist[i].article);

			ex[i] = hist[i].article;
			ex_clusters[i] = a ? a->cluster : hist[i].article;
		}
		for (size_t i = 0; i < ns; i++)
			ex[nh + i] = shown[i].id;
		qsort(ex, nh + ns, sizeof(*ex), cmp_u32);
		qsort(ex_clusters, nh, sizeof(*ex), cmp_u32);
		nex = nh + ns;
	}
	sim = &sim_buf;
	sim->model = model;
	sim->since = now - SIMILAR_TTL;
	sim->n = 0;
	rq = (struct nd_recs_request){g->c, g->n, ex, nex, ex_clusters, nh, section, similar, sim};
	nd_recs_weights_init(&w);
	n = nd_recs_pick(&rq, &w, limit);
	for (size_t i = 0; i < n; i++)
		out[i] =
		    (struct nd_recs_result){nd_site_article_by_key(site, g->c[i].key),
		                            g->c[i].score, nd_recs_reason_name(g->c[i].reason)};
	if (context) {
		*context = (struct context_list){.current = current ? current->key : 0,
		                                 .generation = site->generation,
		                                 .at = now,
		                                 .stamp = stamp,
		                                 .limit = limit,
		                                 .n = n};
		for (size_t i = 0; i < n; i++) {
			context->keys[i] = out[i].article->key;
			context->scores[i] = out[i].score;
			context->reasons[i] = out[i].reason;
		}
	}
	return n;
}
