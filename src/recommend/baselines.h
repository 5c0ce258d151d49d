#pragma once
/*
 * The baselines of `newsdesk eval recs` (docs/internals/recommend-eval.md),
 * learnt from the train impressions and from every history (train and
 * test), each an nd_recs_score_fn:
 *	popularity  clicks on the item in the train impressions, plus the
 *	            number of users whose history holds it (each user's history
 *	            counts once: it repeats in every impression of the user)
 *	ctr         the item's clicks over its showings in the train
 *	            impressions, smoothed toward the global click-through rate g
 *	            by a Beta prior of strength m (ND_RECS_CTR_PRIOR):
 *	            (clicks + m g) / (shows + m); an item never shown gets g
 *
 *	struct nd_recs_counts *c = nd_recs_counts_new(&train, &test, n_items, n_users);
 *	nd_recs_eval(&test, nd_recs_popularity, c, &scores, NULL);
 *	nd_recs_counts_free(c);
 */
#include <stddef.h>
#include <stdint.h>

#include "recommend/mind.h"

/* The strength m of the click-through rate's prior, in showings. */
#define ND_RECS_CTR_PRIOR 10.0

/* Per-item counts. */
struct nd_recs_counts {
	size_t n_items;
	uint32_t *clicks;  /* clicks in train impressions */
	uint32_t *shows;   /* showings in train impressions */
	uint32_t *history; /* users whose history holds the item */
	double global_ctr; /* all train clicks over all train showings; 0 without any */
};

/*
 * Counts train and the histories of train and test (test's labels are not
 * read). n_items and n_users bound the item and user numbers of both logs
 * (the counts of their interners). Never fails; caller owns the result and
 * frees it with nd_recs_counts_free().
 */
struct nd_recs_counts *nd_recs_counts_new(const struct nd_mind_log *train,
                                          const struct nd_mind_log *test, size_t n_items,
                                          size_t n_users);

/* Frees the counts; NULL is a no-op. */
void nd_recs_counts_free(struct nd_recs_counts *c);

/* nd_recs_score_fn of the popularity baseline; model is the counts. */
double nd_recs_popularity(const void *model, const struct nd_mind_impression *imp, uint32_t item);

/* nd_recs_score_fn of the smoothed click-through rate; model is the counts. */
double nd_recs_ctr(const void *model, const struct nd_mind_impression *imp, uint32_t item);
