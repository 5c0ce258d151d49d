#pragma once
/*
 * The blend of `newsdesk eval recs` (docs/internals/recommend-eval.md): a
 * logistic regression over the signals popularity (log(1 + count)), ctr,
 * covisit, fresh, recent, local (fresh.h) and content (content.h), each
 * z-scored within the impression (minus the impression's mean, over its
 * standard deviation; 0 when all are equal), so that a weight says how much
 * a signal reorders one impression's list.
 *
 * The weights are learnt from train alone, never from test's labels, by
 * cross-fitting: train's impressions are dealt into 4 folds (impression i
 * to fold i mod 4); each fold's signals are counted on the other three
 * (plus every history of train and test), so that no candidate's own click
 * feeds its features, and the regression is fitted on all folds' clicks.
 * Before the fit, the signals are chosen by greedy forward selection on
 * those cross-fitted rows (nd_recs_blend_select()); the others get weight 0.
 * Then the signals are counted again on the whole of train (and every
 * history) and the weights applied to them. content reads no label, so it
 * is not refitted per fold.
 *
 *	struct nd_recs_blend *b = nd_recs_blend_new(&train, &test, n_items, n_users, content);
 *	nd_recs_blend_eval(&test, b, &scores, NULL);
 *	nd_recs_blend_free(b);
 */
#include <stddef.h>
#include <stdint.h>

#include "recommend/content.h"
#include "recommend/metrics.h"
#include "recommend/mind.h"

#define ND_RECS_BLEND_SIGNALS 7

/* The most columns nd_recs_blend_select() takes. */
#define ND_RECS_BLEND_MAX_K 16

/*
 * The least gain in cross-validated AUC for which the selection keeps a
 * signal (fixed a priori, not tuned on any test set).
 */
#define ND_RECS_BLEND_MARGIN 0.001

/* The names of the signals, in feature order. */
extern const char *const nd_recs_blend_names[ND_RECS_BLEND_SIGNALS];

struct nd_recs_blend;

/*
 * Learns the weights from train and counts the signals for scoring (test's
 * labels are not read). n_items and n_users bound the item and user
 * numbers of both logs. content is borrowed, valid until the blend is
 * freed; NULL makes the content signal 0 (never selected). Never fails;
 * free with nd_recs_blend_free().
 */
struct nd_recs_blend *nd_recs_blend_new(const struct nd_mind_log *train,
                                        const struct nd_mind_log *test, size_t n_items,
                                        size_t n_users, const struct nd_recs_content *content);

/* Frees the blend; NULL is a no-op. */
void nd_recs_blend_free(struct nd_recs_blend *b);

/* The learnt weights (ND_RECS_BLEND_SIGNALS of them, then the bias). */
const double *nd_recs_blend_weights(const struct nd_recs_blend *b);

/* Which signals were selected (ND_RECS_BLEND_SIGNALS flags, 1 = kept). */
const uint8_t *nd_recs_blend_chosen(const struct nd_recs_blend *b);

/* The cross-validated train AUC of the selected signals (0.5 for none). */
double nd_recs_blend_cv_auc(const struct nd_recs_blend *b);

/* The number of train impressions the weights were fitted on. */
size_t nd_recs_blend_fitted(const struct nd_recs_blend *b);

/* As nd_recs_eval(), scoring with the blend. */
void nd_recs_blend_eval(const struct nd_mind_log *test, const struct nd_recs_blend *b,
                        struct nd_recs_scores *out, size_t *counted);

/*
 * Fits a logistic regression (mean log loss plus 0.001 / 2 |w|^2, the bias
 * not penalised) by Newton's method: n rows of k features x[i * k + j]
 * with labels y[i] (0 or 1); writes k weights then the bias to w[0..k].
 * Exposed for the tests.
 */
void nd_recs_blend_fit(const double *x, const uint8_t *y, size_t n, size_t k, double *w);

/* Z-scores each of the k columns of n rows x[i * k + j] in place. */
void nd_recs_blend_zscore(double *x, size_t n, size_t k);

/*
 * Greedy forward selection of the k (at most ND_RECS_BLEND_MAX_K) columns of
 * x[r * k + j], labels y[r], whose rows are grouped by impression: n_imps
 * impressions of len[i] consecutive rows each, impression i in fold fold[i]
 * (0 .. folds - 1). The score of a set of columns is the mean per-impression
 * AUC of a logistic regression on them (nd_recs_blend_fit()), each fold's
 * impressions scored by a fit on the other folds' rows (the empty set scores
 * 0.5). Starting empty, it adds the column whose set scores best, as long as
 * that beats the current score by more than margin. Writes chosen[j] (1 =
 * selected), the final score to *auc if not NULL; returns how many chosen.
 */
size_t nd_recs_blend_select(const double *x, const uint8_t *y, const uint32_t *len,
                            const uint8_t *fold, size_t n_imps, size_t k, size_t folds,
                            double margin, uint8_t *chosen, double *auc);
