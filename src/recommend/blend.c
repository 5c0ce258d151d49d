/*
 * The blend: a logistic regression over per-impression z-scored signals
 * (blend.h).
 */
#include "recommend/blend.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/mem.h"
#include "recommend/baselines.h"
#include "recommend/content.h"
#include "recommend/covisit.h"
#include "recommend/fresh.h"

#define K      ND_RECS_BLEND_SIGNALS
#define FOLDS  4
#define NEWTON 50
#define L2     1e-3

const char *const nd_recs_blend_names[K] = {"popularity", "ctr",   "covisit", "fresh",
                                            "recent",     "local", "content"};

/* The counted signals. */
struct signals {
	struct nd_recs_counts *counts;
	struct nd_recs_covisit *covisit;
	struct nd_recs_fresh *fresh;
	struct nd_recs_recent *recent;
	const struct nd_recs_content *content; /* borrowed: label-free, not refitted */
};

struct nd_recs_blend {
	struct signals s;
	double w[K + 1];
	size_t fitted;
	uint8_t chosen[K];
	double cv_auc;
};

static void signals_new(struct signals *s, const struct nd_mind_log *train,
                        const struct nd_mind_log *test, size_t n_items, size_t n_users,
                        const struct nd_recs_content *content)
{
	s->content = content;
	s->counts = nd_recs_counts_new(train, test, n_items, n_users);
	s->covisit = nd_recs_covisit_new(train, test, n_items, n_users);
	s->fresh = nd_recs_fresh_new(train, test, n_items);
	s->recent = nd_recs_recent_new(train, n_items);
}

static void signals_free(struct signals *s)
{
	nd_recs_counts_free(s->counts);
	nd_recs_covisit_free(s->covisit);
	nd_recs_fresh_free(s->fresh);
	nd_recs_recent_free(s->recent);
}

/* The z-scored features of imp's candidates into x[n_items * K]. */
static void features(const struct signals *s, const struct nd_mind_impression *imp, double *x)
{
	for (uint32_t j = 0; j < imp->n_items; j++) {
		uint32_t it = imp->items[j];
		double *r = x + (size_t)j * K;

		r[0] = log1p(nd_recs_popularity(s->counts, imp, it));
		r[1] = nd_recs_ctr(s->counts, imp, it);
		r[2] = nd_recs_covisit_score(s->covisit, imp, it);
		r[3] = nd_recs_fresh_score(s->fresh, imp, it);
		r[4] = nd_recs_recent_score(s->recent, imp, it);
		r[5] = nd_recs_local_score(s->recent, imp, it);
		r[6] = s->content ? nd_recs_content_score(s->content, imp, it) : 0;
	}
	nd_recs_blend_zscore(x, imp->n_items, K);
}

void nd_recs_blend_zscore(double *x, size_t n, size_t k)
{
	for (size_t j = 0; j < k; j++) {
		double mean = 0, var = 0, sd;

		if (!n)
			return;
		for (size_t i = 0; i < n; i++)
			mean += x[i * k + j];
		mean /= (double)n;
		for (size_t i = 0; i < n; i++)
			var += (x[i * k + j] - mean) * (x[i * k + j] - mean);
		sd = sqrt(var / (double)n);
		for (size_t i = 0; i < n; i++)
			x[i * k + j] = sd > 1e-12 ? (x[i * k + j] - mean) / sd : 0;
	}
}

/*
 * Solves a x = b for the n x n symmetric positive definite a (row-major) by
 * Gaussian elimination with partial pivoting; a and b are overwritten, the
 * solution left in b. A pivot near 0 (a column of zeros) leaves its x 0.
 */
static void solve(double *a, double *b, size_t n)
{
	for (size_t c = 0; c < n; c++) {
		size_t p = c;

		for (size_t r = c + 1; r < n; r++)
			if (fabs(a[r * n + c]) > fabs(a[p * n + c]))
				p = r;
		for (size_t j = 0; j < n && p != c; j++) {
			double t = a[c * n + j];
			a[c * n + j] = a[p * n + j];
			a[p * n + j] = t;
		}
		if (p != c) {
			double t = b[c];
			b[c] = b[p];
			b[p] = t;
		}
		if (fabs(a[c * n + c]) < 1e-12)
			continue;
		for (size_t r = c + 1; r < n; r++) {
			double f = a[r * n + c] / a[c * n + c];

			for (size_t j = c; j < n; j++)
				a[r * n + j] -= f * a[c * n + j];
			b[r] -= f * b[c];
		}
	}
	for (size_t c = n; c-- > 0;) {
		double v = b[c];

		for (size_t j = c + 1; j < n; j++)
			v -= a[c * n + j] * b[j];
		b[c] = fabs(a[c * n + c]) < 1e-12 ? 0 : v / a[c * n + c];
	}
}

/*
 * Newton's method on the mean log loss plus L2 / 2 |w|^2 (not on the bias):
 * the loss is convex and k small, so a few exact steps reach the optimum
 * that gradient descent only approaches, in a fraction of the time of the
 * 500 gradient steps it replaced (the selection makes many fits). Stops
 * when no weight moves by 1e-9, or after 50 steps.
 */
void nd_recs_blend_fit(const double *x, const uint8_t *y, size_t n, size_t k, double *w)
{
	size_t d = k + 1;
	double *g = nd_xmalloc(d * sizeof(*g)), *h = nd_xmalloc(d * d * sizeof(*h));

	memset(w, 0, d * sizeof(*w));
	for (int e = 0; e < NEWTON && n; e++) {
		double moved = 0;

		memset(g, 0, d * sizeof(*g));
		memset(h, 0, d * d * sizeof(*h));
		for (size_t i = 0; i < n; i++) {
			const double *r = x + i * k;
			double z = w[k], p, q;

			for (size_t j = 0; j < k; j++)
				z += w[j] * r[j];
			p = 1.0 / (1.0 + exp(-z));
			q = p * (1 - p);
			for (size_t a = 0; a < d; a++) {
				double ra = a < k ? r[a] : 1;

				g[a] += (p - y[i]) * ra;
				for (size_t b = a; b < d; b++)
					h[a * d + b] += q * ra * (b < k ? r[b] : 1);
			}
		}
		for (size_t a = 0; a < d; a++) {
			g[a] = g[a] / (double)n + (a < k ? L2 * w[a] : 0);
			for (size_t b = a; b < d; b++) {
				h[a * d + b] =
				    h[a * d + b] / (double)n + (a == b && a < k ? L2 : 0);
				h[b * d + a] = h[a * d + b];
			}
		}
		solve(h, g, d);
		for (size_t a = 0; a < d; a++) {
			w[a] -= g[a];
			moved = fmax(moved, fabs(g[a]));
		}
		if (moved < 1e-9)
			break;
	}
	free(g);
	free(h);
}

/*
 * The mean AUC over the impressions of all folds of a regression on the
 * columns in mask, each fold scored by a fit on the other folds' rows.
 * start[i] is impression i's first row. An impression whose rows are all
 * clicked or all not clicked is skipped; with no column (or no impression)
 * every score ties: 0.5.
 */
static double cv_auc(const double *x, const uint8_t *y, const size_t *start, const uint32_t *len,
                     const uint8_t *fold, size_t n_imps, size_t k, size_t folds,
                     const uint8_t *mask)
{
	size_t cols[ND_RECS_BLEND_MAX_K], m = 0,
	                                  rows = n_imps ? start[n_imps - 1] + len[n_imps - 1] : 0;
	size_t counted = 0;
	double *sub, *w, *score, sum = 0;
	uint8_t *suby;

	for (size_t j = 0; j < k && m < ND_RECS_BLEND_MAX_K; j++)
		if (mask[j])
			cols[m++] = j;
	if (!m)
		return 0.5;
	sub = nd_xmalloc((rows + 1) * m * sizeof(*sub));
	suby = nd_xmalloc(rows + 1);
	score = nd_xmalloc((rows + 1) * sizeof(*score));
	w = nd_xmalloc((m + 1) * sizeof(*w));
	for (size_t f = 0; f < folds; f++) {
		size_t at = 0;

		for (size_t i = 0; i < n_imps; i++) {
			if (fold[i] == f)
				continue;
			for (size_t r = start[i]; r < start[i] + len[i]; r++, at++) {
				for (size_t c = 0; c < m; c++)
					sub[at * m + c] = x[r * k + cols[c]];
				suby[at] = y[r];
			}
		}
		nd_recs_blend_fit(sub, suby, at, m, w);
		for (size_t i = 0; i < n_imps; i++) {
			struct nd_recs_scores one;

			if (fold[i] != f)
				continue;
			for (size_t r = 0; r < len[i]; r++) {
				score[r] = 0;
				for (size_t c = 0; c < m; c++)
					score[r] += w[c] * x[(start[i] + r) * k + cols[c]];
			}
			if (!nd_recs_metrics(score, y + start[i], len[i], &one))
				continue;
			sum += one.auc;
			counted++;
		}
	}
	free(sub);
	free(suby);
	free(score);
	free(w);
	return counted ? sum / (double)counted : 0.5;
}

size_t nd_recs_blend_select(const double *x, const uint8_t *y, const uint32_t *len,
                            const uint8_t *fold, size_t n_imps, size_t k, size_t folds,
                            double margin, uint8_t *chosen, double *auc)
{
	size_t *start = nd_xmalloc((n_imps + 1) * sizeof(*start)), n = 0;
	double best = 0.5;

	for (size_t i = 0, r = 0; i < n_imps; r += len[i], i++)
		start[i] = r;
	memset(chosen, 0, k);
	while (n < k) {
		size_t pick = k;
		double top = 0;

		for (size_t j = 0; j < k; j++) {
			double a;

			if (chosen[j])
				continue;
			chosen[j] = 1;
			a = cv_auc(x, y, start, len, fold, n_imps, k, folds, chosen);
			chosen[j] = 0;
			if (pick == k || a > top) {
				pick = j;
				top = a;
			}
		}
		if (pick == k || !(top > best + margin))
			break;
		chosen[pick] = 1;
		best = top;
		n++;
	}
	free(start);
	if (auc)
		*auc = best;
	return n;
}

struct nd_recs_blend *nd_recs_blend_new(const struct nd_mind_log *train,
                                        const struct nd_mind_log *test, size_t n_items,
                                        size_t n_users, const struct nd_recs_content *content)
{
	struct nd_recs_blend *b = nd_xcalloc(1, sizeof(*b));
	struct nd_mind_log rest = ND_MIND_LOG_INIT, fold = ND_MIND_LOG_INIT;
	size_t rows = 0, at = 0, imps = 0, m = 0;
	double *x, *sub, w[K + 1];
	uint8_t *y, *fold_of = nd_xmalloc(train->count + 1);
	uint32_t *len = nd_xmalloc((train->count + 1) * sizeof(*len));

	for (size_t i = 0; i < train->count; i++)
		rows += train->imps[i].n_items;
	x = nd_xmalloc((rows + 1) * K * sizeof(*x));
	y = nd_xmalloc(rows + 1);
	/* Shallow copies: the arrays of items stay train's. */
	rest.imps = nd_xmalloc((train->count + 1) * sizeof(*rest.imps));
	fold.imps = nd_xmalloc((train->count + 1) * sizeof(*fold.imps));
	for (size_t f = 0; f < FOLDS; f++) {
		struct signals s;

		rest.count = fold.count = 0;
		for (size_t i = 0; i < train->count; i++) {
			if (i % FOLDS == f)
				fold.imps[fold.count++] = train->imps[i];
			else
				rest.imps[rest.count++] = train->imps[i];
		}
		signals_new(&s, &rest, &fold, n_items, n_users, content);
		for (size_t i = 0; i < fold.count; i++) {
			const struct nd_mind_impression *imp = &fold.imps[i];

			features(&s, imp, x + at * K);
			memcpy(y + at, imp->clicked, imp->n_items);
			at += imp->n_items;
			len[imps] = imp->n_items;
			fold_of[imps++] = (uint8_t)f;
		}
		signals_free(&s);
	}
	/* Which signals: greedy forward selection by AUC on held-out folds. */
	nd_recs_blend_select(x, y, len, fold_of, imps, K, FOLDS, ND_RECS_BLEND_MARGIN, b->chosen,
	                     &b->cv_auc);
	/* The weights: one fit on all rows, over the chosen columns; 0 elsewhere. */
	for (size_t j = 0; j < K; j++)
		m += b->chosen[j];
	sub = nd_xmalloc((at + 1) * (m + 1) * sizeof(*sub));
	for (size_t i = 0; i < at; i++)
		for (size_t j = 0, c = 0; j < K; j++)
			if (b->chosen[j])
				sub[i * m + c++] = x[i * K + j];
	nd_recs_blend_fit(sub, y, at, m, w);
	memset(b->w, 0, sizeof(b->w));
	for (size_t j = 0, c = 0; j < K; j++)
		if (b->chosen[j])
			b->w[j] = w[c++];
	b->w[K] = w[m];
	b->fitted = train->count;
	free(sub);
	free(x);
	free(y);
	free(len);
	free(fold_of);
	free(rest.imps);
	free(fold.imps);

	signals_new(&b->s, train, test, n_items, n_users, content);
	return b;
}

void nd_recs_blend_free(struct nd_recs_blend *b)
{
	if (!b)
		return;
	signals_free(&b->s);
	free(b);
}

const double *nd_recs_blend_weights(const struct nd_recs_blend *b)
{
	return b->w;
}

const uint8_t *nd_recs_blend_chosen(const struct nd_recs_blend *b)
{
	return b->chosen;
}

double nd_recs_blend_cv_auc(const struct nd_recs_blend *b)
{
	return b->cv_auc;
}

size_t nd_recs_blend_fitted(const struct nd_recs_blend *b)
{
	return b->fitted;
}

void nd_recs_blend_eval(const struct nd_mind_log *test, const struct nd_recs_blend *b,
                        struct nd_recs_scores *out, size_t *counted)
{
	struct nd_recs_mean mean = {0};
	double *x = NULL, *score = NULL;
	size_t cap = 0;

	for (size_t i = 0; i < test->count; i++) {
		const struct nd_mind_impression *imp = &test->imps[i];

		if (imp->n_items > cap) {
			cap = imp->n_items;
			x = nd_xrealloc(x, cap * K * sizeof(*x));
			score = nd_xrealloc(score, cap * sizeof(*score));
		}
		features(&b->s, imp, x);
		for (uint32_t j = 0; j < imp->n_items; j++) {
			score[j] = 0;
			for (size_t k = 0; k < K; k++)
				score[j] += b->w[k] * x[(size_t)j * K + k];
		}
		nd_recs_mean_add(&mean, score, imp->clicked, imp->n_items);
	}
	free(x);
	free(score);
	nd_recs_mean_done(&mean, out, counted);
}
