/* The Related list: the relevance engine plus what only the site knows
 * (dates, sections). */
#include <math.h>
#include <stdlib.h>

#include "config/config.h"
#include "core/arena.h"
#include "core/err.h"
#include "core/log.h"
#include "handler/handler_int.h"
#include "related/related.h"

/* News ages: a related story a week away counts this much less. */
#define FRESHNESS_DAYS     7.0
#define FRESHNESS_SHARE    0.15
#define SAME_SECTION_BONUS 0.10

struct boost_ctx {
	const struct nd_site *site;
	const struct nd_site_article *a;
};

static uint32_t cluster(void *ctx, uint32_t key)
{
	const struct boost_ctx *b = ctx;
	const struct nd_site_article *c = nd_site_article_by_key(b->site, key);

	return c ? c->cluster : 0;
}

static double boost(void *ctx, uint32_t key)
{
	const struct boost_ctx *b = ctx;
	const struct nd_site_article *c = nd_site_article_by_key(b->site, key);
	double days, f;

	if (!c)
		return 0;
	days = fabs((double)(c->published_at - b->a->published_at)) / 86400.0;
	f = (1 - FRESHNESS_SHARE) + FRESHNESS_SHARE * exp(-days / FRESHNESS_DAYS);
	return c->section == b->a->section ? f * (1 + SAME_SECTION_BONUS) : f;
}

size_t nd__related(struct nd_app *app, const struct nd_site *site, struct nd_http_request *req,
                   const struct nd_site_article *a, size_t limit,
                   const struct nd_site_article **out, double *scores)
{
	struct nd_related_params p = ND_RELATED_PARAMS_DEFAULT;
	struct boost_ctx ctx = {site, a};
	struct nd_related_hooks hooks = {boost, cluster, &ctx};
	struct nd_hits hits;
	size_t n = 0;
	int rc;

	(void)app;
	if (!site->index || !limit)
		return 0;
	rc = nd_related_find(site->index, a->key, &p, &hooks, limit, req->arena, &hits);
	if (rc) {
		nd_log(ND_LOG_WARN, "no Related list for '%s': %s", a->ext_id, nd_strerror(rc));
		return 0;
	}
	for (size_t i = 0; i < hits.count; i++) {
		const struct nd_site_article *c = nd_site_article_by_key(site, hits.items[i].key);
		if (!c)
			continue;
		out[n] = c;
		if (scores)
			scores[n] = hits.items[i].score;
		n++;
	}
	return n;
}
