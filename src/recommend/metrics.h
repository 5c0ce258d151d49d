#pragma once
/*
 * The metrics of `newsdesk eval recs` (docs/internals/recommend-eval.md),
 * MIND's definitions (the MIND evaluation script). For one impression,
 * candidates scored score[i] with click labels y[i]:
 *	AUC      ROC AUC: the share of (clicked, not clicked) pairs ranked in
 *	         the right order, a tie counting half
 *	MRR      over the ranking by score (best first): the sum over clicked
 *	         items of 1 / rank, divided by the number of clicks
 *	nDCG@k   DCG@k = sum over the first k ranks i of (2^y - 1) / log2(i + 1),
 *	         divided by DCG@k of the ideal ranking (clicks first)
 * Ranking ties are broken by listing order (the earlier candidate first).
 * An impression whose candidates are all clicked or all not is skipped; the
 * figures printed are the means over the other impressions.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "recommend/mind.h"

struct nd_recs_scores {
	double auc, mrr, ndcg5, ndcg10;
};

/*
 * Scores one impression: n candidates with scores score[] and labels
 * clicked[] (0 or 1). Returns 1 and writes *out, or returns 0 (and leaves
 * *out alone) when the impression is skipped: no click, or no non-click.
 */
int nd_recs_metrics(const double *score, const uint8_t *clicked, size_t n,
                    struct nd_recs_scores *out);

/* A model: the score of candidate item in impression imp (higher is
 * better). */
typedef double (*nd_recs_score_fn)(const void *model, const struct nd_mind_impression *imp,
                                   uint32_t item);

/* The means over impressions, made one impression at a time. */
struct nd_recs_mean {
	struct nd_recs_scores sum;
	size_t n; /* impressions counted (not skipped) */
};

/* Adds one impression's scores (nd_recs_metrics(); a skipped one adds
 * nothing). */
void nd_recs_mean_add(struct nd_recs_mean *m, const double *score, const uint8_t *clicked,
                      size_t n);

/* The means into *out (all 0 when none counted), the count into *counted
 * when not NULL. */
void nd_recs_mean_done(const struct nd_recs_mean *m, struct nd_recs_scores *out, size_t *counted);

/*
 * Scores every impression of test with fn and writes the means to *out (all
 * 0 when none counts) and, if not NULL, the number of impressions counted
 * to *counted.
 */
void nd_recs_eval(const struct nd_mind_log *test, nd_recs_score_fn fn, const void *model,
                  struct nd_recs_scores *out, size_t *counted);

/* Writes the header line of the table: model, AUC, MRR, nDCG@5, nDCG@10. */
void nd_recs_print_header(FILE *f);

/* Writes one row: the model's name, then the figures of s as decimals. */
void nd_recs_print_row(FILE *f, const char *model, const struct nd_recs_scores *s);
