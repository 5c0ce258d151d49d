#pragma once
/*
 * The live recommendation model (issue 5): per article, kept current as
 * views arrive, no batch job.
 *
 *   co-visitation  readers who read X also read Y: when a visitor reads b
 *                  at t, every article a of their history read within the
 *                  session window before t adds the weight of t to the
 *                  pair (a, b), both ways; every visit also adds it to
 *                  n(b). Weights decay with time (half-life
 *                  covisit_half_life), so last week's pairs count more
 *                  than last year's. The score of b next to a is the
 *                  cosine n(a, b) / sqrt(n(a) n(b)): an article read by
 *                  everyone does not top every list. The cosine is then
 *                  shrunk by the pair's evidence, n(a, b) / (n(a, b) +
 *                  covisit_prior): two rare articles read together once
 *                  have a cosine of 1, and must not outrank a pair that
 *                  hundreds of readers made. Each article keeps its
 *                  `neighbours` heaviest pairs.
 *   popularity     views, decayed with half-life popular_half_life: a
 *                  view rate over about the last days, all views counted
 *                  (not only those of visitors with a history).
 *   click-through  how often an article is clicked when the Recommendation
 *                  list shows it: showings and clicks decayed like
 *                  popularity, smoothed toward the site's rate g by a
 *                  prior of ND_RECS_CTR_PRIOR showings:
 *                  (clicks + m g) / (shows + m), as the offline
 *                  evaluation's ctr baseline (baselines.h).
 *   content        a cache of each article's Related list (the relevance
 *                  engine's, computed by the caller), so the content
 *                  signal costs a copy, not a query.
 *
 * Decay without touching every weight: a weight added at t is stored as
 * 2^((t - t0) / H), and read at now as stored / 2^((now - t0) / H). When
 * the factor grows too big, every weight is scaled down and t0 moves
 * (rebase; rare, O(articles)).
 *
 * Threads: any thread may call anything. Articles are striped over
 * mutexes; no call holds two.
 */
#include <stddef.h>
#include <stdint.h>

#include "recommend/history.h"

struct nd_recs_model_params {
	double session_window;    /* seconds; default 1800 (30 minutes) */
	double covisit_half_life; /* seconds; default 14 days */
	double popular_half_life; /* seconds; default 1 day */
	size_t neighbours;        /* pairs kept per article; default 48 */
	double covisit_prior;     /* pseudo co-reads of the shrinkage; default 3 */
};

/* An article next to another: its id and a score. */
struct nd_recs_neighbour {
	uint32_t id;
	float score;
};

#define ND_RECS_CONTENT_MAX 16 /* content neighbours cached per article */

struct nd_recs_model;

/* The defaults above. */
void nd_recs_model_params_init(struct nd_recs_model_params *p);

/* A new empty model; p may be NULL for the defaults; now: unix seconds.
 * Never fails; free with nd_recs_model_free(). */
struct nd_recs_model *nd_recs_model_new(const struct nd_recs_model_params *p, int64_t now);

void nd_recs_model_free(struct nd_recs_model *m);

/*
 * A visitor with history hist[0..n) (newest first, as nd_histories_get
 * gives, without this visit) read article at time at: updates the pairs
 * of article with the history entries read within the session window
 * before at, and n(article).
 */
void nd_recs_model_visit(struct nd_recs_model *m, const struct nd_history_item *hist, size_t n,
                         uint32_t article, int64_t at);

/* views more views of article at time at (popularity). */
void nd_recs_model_views(struct nd_recs_model *m, uint32_t article, uint32_t views, int64_t at);

/* The Recommendation list showed keys[0..n) at time at. */
void nd_recs_model_shown(struct nd_recs_model *m, const uint32_t *keys, size_t n, int64_t at);

/* A reader followed a Recommendation link to article at time at. */
void nd_recs_model_clicked(struct nd_recs_model *m, uint32_t article, int64_t at);

/* The site's click-through rate g in the Recommendation list (clicks
 * over showings, decayed), or -1 when nothing was ever shown. */
double nd_recs_model_click_rate(const struct nd_recs_model *m);

/*
 * What article's popularity and click-through are at now, in one look
 * (one lock): *popular, its decayed views; *ctr, its smoothed
 * click-through rate given g from nd_recs_model_click_rate() (read once
 * per list; 0 when g < 0).
 */
void nd_recs_model_rates(const struct nd_recs_model *m, uint32_t article, int64_t now, double g,
                         double *popular, double *ctr);

/* The decayed visits n(article) at now (the co-visitation's count). */
double nd_recs_model_visits(const struct nd_recs_model *m, uint32_t article, int64_t now);

/*
 * The co-visitation neighbours of article at now, best first, with their
 * scores (0 .. 1: the cosine shrunk by the pair's decayed count): at most
 * max into out; returns how many.
 */
size_t nd_recs_model_covisit(struct nd_recs_model *m, uint32_t article, int64_t now,
                             struct nd_recs_neighbour *out, size_t max);

/* A number that changes whenever article's co-visitation pairs do (for
 * caches of lists made from them). */
uint32_t nd_recs_model_stamp(struct nd_recs_model *m, uint32_t article);

/*
 * The cached Related list of article when it was put at or after since:
 * its count (0 .. ND_RECS_CONTENT_MAX, into out), or -1 when there is
 * none that fresh.
 */
int nd_recs_model_content(struct nd_recs_model *m, uint32_t article, int64_t since,
                          struct nd_recs_neighbour *out);

/* Caches article's Related list (the first ND_RECS_CONTENT_MAX of it),
 * made at time at. */
void nd_recs_model_content_put(struct nd_recs_model *m, uint32_t article, int64_t at,
                               const struct nd_recs_neighbour *list, size_t n);

/* Articles with a node, and the bytes the model holds. */
void nd_recs_model_stats(struct nd_recs_model *m, size_t *articles, size_t *bytes);
