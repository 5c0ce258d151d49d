/*
 * Popularity and smoothed click-through rate (baselines.h).
 */
#include "recommend/baselines.h"

#include <stdlib.h>

#include "core/mem.h"

/* Counts each user's history once: the first impression of the user seen. */
static void count_histories(struct nd_recs_counts *c, const struct nd_mind_log *log, uint8_t *seen)
{
	for (size_t i = 0; i < log->count; i++) {
		const struct nd_mind_impression *imp = &log->imps[i];

		if (seen[imp->user])
			continue;
		seen[imp->user] = 1;
		for (uint32_t j = 0; j < imp->n_history; j++)
			c->history[imp->history[j]]++;
	}
}

struct nd_recs_counts *nd_recs_counts_new(const struct nd_mind_log *train,
                                          const struct nd_mind_log *test, size_t n_items,
                                          size_t n_users)
{
	struct nd_recs_counts *c = nd_xcalloc(1, sizeof(*c));
	uint8_t *seen = nd_xcalloc(n_users + 1, 1);
	double clicks = 0, shows = 0;

	c->n_items = n_items;
	c->clicks = nd_xcalloc(n_items + 1, sizeof(*c->clicks));
	c->shows = nd_xcalloc(n_items + 1, sizeof(*c->shows));
	c->history = nd_xcalloc(n_items + 1, sizeof(*c->history));
	for (size_t i = 0; i < train->count; i++) {
		const struct nd_mind_impression *imp = &train->imps[i];

		for (uint32_t j = 0; j < imp->n_items; j++) {
			c->shows[imp->items[j]]++;
			c->clicks[imp->items[j]] += imp->clicked[j];
			clicks += imp->clicked[j];
			shows++;
		}
	}
	c->global_ctr = shows > 0 ? clicks / shows : 0;
	count_histories(c, train, seen);
	count_histories(c, test, seen);
	free(seen);
	return c;
}

void nd_recs_counts_free(struct nd_recs_counts *c)
{
	if (!c)
		return;
	free(c->clicks);
	free(c->shows);
	free(c->history);
	free(c);
}

double nd_recs_popularity(const void *model, const struct nd_mind_impression *imp, uint32_t item)
{
	const struct nd_recs_counts *c = model;

	(void)imp;
	if (item >= c->n_items)
		return 0;
	return (double)c->clicks[item] + (double)c->history[item];
}

double nd_recs_ctr(const void *model, const struct nd_mind_impression *imp, uint32_t item)
{
	const struct nd_recs_counts *c = model;
	double m = ND_RECS_CTR_PRIOR;

	(void)imp;
	if (item >= c->n_items)
		return c->global_ctr;
	return ((double)c->clicks[item] + m * c->global_ctr) / ((double)c->shows[item] + m);
}
