#pragma once
/*
 * The freshness signal of `newsdesk eval recs` (docs/internals/recommend-eval.md).
 * MIND has no publication times, so an item's first sighting stands in for
 * one: the earliest impression time (train or test; times, not labels) at
 * which it is a candidate. A candidate of an impression at time t first
 * seen at f scores
 *	-log(1 + max(0, t - f) / 3600)
 * (fresher is higher; the log flattens the tail); an item never seen as a
 * candidate scores as if first seen ND_RECS_FRESH_UNSEEN_HOURS earlier.
 *
 *	struct nd_recs_fresh *fr = nd_recs_fresh_new(&train, &test, n_items);
 *	nd_recs_eval(&test, nd_recs_fresh_score, fr, &scores, NULL);
 *	nd_recs_fresh_free(fr);
 */
#include <stddef.h>
#include <stdint.h>

#include "recommend/baselines.h"
#include "recommend/mind.h"

#define ND_RECS_FRESH_UNSEEN_HOURS (7 * 24.0)

struct nd_recs_fresh;

/*
 * First sightings over the candidates of a and b (b may be NULL); n_items
 * bounds the item numbers. Never fails; free with nd_recs_fresh_free().
 */
struct nd_recs_fresh *nd_recs_fresh_new(const struct nd_mind_log *a, const struct nd_mind_log *b,
                                        size_t n_items);

/* Frees the model; NULL is a no-op. */
void nd_recs_fresh_free(struct nd_recs_fresh *fr);

/* nd_recs_score_fn of the signal; model is the fresh model. */
double nd_recs_fresh_score(const void *model, const struct nd_mind_impression *imp, uint32_t item);

/*
 * The recent click-through signal: an item's clicks and showings in the
 * train impressions of the ND_RECS_RECENT_HOURS before the impression's
 * time (strictly before: never the impression itself, nor later ones),
 * smoothed toward train's global click-through rate g by a prior of
 * ND_RECS_CTR_PRIOR showings: (clicks + m g) / (shows + m).
 */
#define ND_RECS_RECENT_HOURS 24.0

struct nd_recs_recent;

/* Indexes train's showings by item and time; never fails. */
struct nd_recs_recent *nd_recs_recent_new(const struct nd_mind_log *train, size_t n_items);

/* Frees the model; NULL is a no-op. */
void nd_recs_recent_free(struct nd_recs_recent *r);

/* nd_recs_score_fn of the signal; model is the recent model. */
double nd_recs_recent_score(const void *model, const struct nd_mind_impression *imp, uint32_t item);

/*
 * The local click lift: the item's clicks in train over the clicks a
 * candidate of the same impressions was expected to get, every showing
 * weighted by how close in time it is to the impression scored:
 *	(sum w clicked + m) / (sum w e + m)     w = exp(-|t - s| / h)
 * over the item's train showings at times s, before or after t (train is a
 * sample of the same days as the impressions scored: the information of
 * ctr, weighted by the hour: a story's click rate changes as it ages),
 * h = ND_RECS_LOCAL_HOURS, e = the clicks of the showing's impression over
 * its candidates (a click in a list of 100 says more than one in a list of
 * 5; ctr ignores that), m = ND_RECS_LOCAL_PRIOR expected clicks toward a
 * lift of 1 (an item never shown scores 1). The model is the recent model
 * (its showings by item and time).
 */
#define ND_RECS_LOCAL_HOURS 12.0
#define ND_RECS_LOCAL_PRIOR 1.0

/* nd_recs_score_fn of the signal; model is a recent model. */
double nd_recs_local_score(const void *model, const struct nd_mind_impression *imp, uint32_t item);
