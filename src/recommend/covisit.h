#pragma once
/*
 * The co-visitation signal of `newsdesk eval recs` (readers who read X also
 * read Y; docs/internals/recommend-eval.md). Each user is one basket: the
 * items of their history (counted once per user, though it repeats in every
 * impression of the user, in train and test) plus the items they clicked in
 * the train impressions. With n(x) the baskets holding x and n(x, y) those
 * holding both, a candidate c of an impression whose history is H scores
 *	sum over h in H of n(h, c) / sqrt(n(h) n(c))
 * (cosine normalisation, so popular items do not dominate); 0 with no
 * history.
 *
 *	struct nd_recs_covisit *cv = nd_recs_covisit_new(&train, &test, n_items, n_users);
 *	nd_recs_eval(&test, nd_recs_covisit_score, cv, &scores, NULL);
 *	nd_recs_covisit_free(cv);
 */
#include <stddef.h>
#include <stdint.h>

#include "recommend/mind.h"

struct nd_recs_covisit;

/*
 * Counts the baskets of train and test (test's labels are not read).
 * n_items and n_users bound the item and user numbers of both logs. Never
 * fails; caller owns the result and frees it with nd_recs_covisit_free().
 */
struct nd_recs_covisit *nd_recs_covisit_new(const struct nd_mind_log *train,
                                            const struct nd_mind_log *test, size_t n_items,
                                            size_t n_users);

/* Frees the model; NULL is a no-op. */
void nd_recs_covisit_free(struct nd_recs_covisit *cv);

/* n(a, b): the baskets holding both a and b (a != b), or n(a) when a == b. */
uint32_t nd_recs_covisit_count(const struct nd_recs_covisit *cv, uint32_t a, uint32_t b);

/* nd_recs_score_fn of the signal; model is the covisit model. */
double nd_recs_covisit_score(const void *model, const struct nd_mind_impression *imp,
                             uint32_t item);
