/*
 * AUC, MRR and nDCG of ranked impressions (metrics.h).
 */
#include "recommend/metrics.h"

#include <math.h>
#include <stdlib.h>

#include "core/mem.h"

struct ranked {
	double score;
	size_t pos;
};

/* Best score first; ties by listing order. */
static int by_score(const void *a, const void *b)
{
	const struct ranked *x = a, *y = b;

	if (x->score != y->score)
		return x->score > y->score ? -1 : 1;
	return x->pos < y->pos ? -1 : x->pos > y->pos;
}

static double dcg(const uint8_t *gain, size_t n, size_t k)
{
	double sum = 0;

	for (size_t i = 0; i < n && i < k; i++)
		sum += (pow(2, gain[i]) - 1) / log2((double)i + 2);
	return sum;
}

int nd_recs_metrics(const double *score, const uint8_t *clicked, size_t n,
                    struct nd_recs_scores *out)
{
	struct ranked *r;
	uint8_t *ranked, *ideal;
	size_t pos = 0, clicks = 0;
	double pairs = 0, mrr = 0;

	for (size_t i = 0; i < n; i++)
		clicks += clicked[i] != 0;
	if (!clicks || clicks == n)
		return 0;

	r = nd_xmalloc(n * sizeof(*r));
	ranked = nd_xmalloc(2 * n);
	ideal = ranked + n;
	for (size_t i = 0; i < n; i++)
		r[i] = (struct ranked){score[i], i};
	qsort(r, n, sizeof(*r), by_score);
	for (size_t i = 0; i < n; i++) {
		ranked[i] = clicked[r[i].pos] != 0;
		ideal[i] = i < clicks;
	}

	/* AUC: walk groups of equal score from the worst; every clicked item
	 * beats the non-clicked below its group and ties half of those in it. */
	for (size_t i = n; i > 0;) {
		size_t j = i, c = 0, u = 0;

		while (j > 0 && r[j - 1].score == r[i - 1].score) {
			j--;
			if (ranked[j])
				c++;
			else
				u++;
		}
		pairs += (double)c * ((double)pos + 0.5 * (double)u);
		pos += u;
		i = j;
	}
	for (size_t i = 0; i < n; i++)
		if (ranked[i])
			mrr += 1.0 / (double)(i + 1);

	out->auc = pairs / ((double)clicks * (double)(n - clicks));
	out->mrr = mrr / (double)clicks;
	out->ndcg5 = dcg(ranked, n, 5) / dcg(ideal, n, 5);
	out->ndcg10 = dcg(ranked, n, 10) / dcg(ideal, n, 10);
	free(r);
	free(ranked);
	return 1;
}

void nd_recs_mean_add(struct nd_recs_mean *m, const double *score, const uint8_t *clicked, size_t n)
{
	struct nd_recs_scores one;

	if (!nd_recs_metrics(score, clicked, n, &one))
		return;
	m->sum.auc += one.auc;
	m->sum.mrr += one.mrr;
	m->sum.ndcg5 += one.ndcg5;
	m->sum.ndcg10 += one.ndcg10;
	m->n++;
}

void nd_recs_mean_done(const struct nd_recs_mean *m, struct nd_recs_scores *out, size_t *counted)
{
	double n = m->n ? (double)m->n : 1;

	*out = (struct nd_recs_scores){m->sum.auc / n, m->sum.mrr / n, m->sum.ndcg5 / n,
	                               m->sum.ndcg10 / n};
	if (counted)
		*counted = m->n;
}

void nd_recs_eval(const struct nd_mind_log *test, nd_recs_score_fn fn, const void *model,
                  struct nd_recs_scores *out, size_t *counted)
{
	struct nd_recs_mean mean = {0};
	double *score = NULL;
	size_t cap = 0;

	for (size_t i = 0; i < test->count; i++) {
		const struct nd_mind_impression *imp = &test->imps[i];

		if (imp->n_items > cap) {
			cap = imp->n_items;
			score = nd_xrealloc(score, cap * sizeof(*score));
		}
		for (uint32_t j = 0; j < imp->n_items; j++)
			score[j] = fn(model, imp, imp->items[j]);
		nd_recs_mean_add(&mean, score, imp->clicked, imp->n_items);
	}
	free(score);
	nd_recs_mean_done(&mean, out, counted);
}

void nd_recs_print_header(FILE *f)
{
	fprintf(f, "%-10s %6s %6s %7s %8s\n", "model", "AUC", "MRR", "nDCG@5", "nDCG@10");
}

void nd_recs_print_row(FILE *f, const char *model, const struct nd_recs_scores *s)
{
	fprintf(f, "%-10s %6.4f %6.4f %7.4f %8.4f\n", model, s->auc, s->mrr, s->ndcg5, s->ndcg10);
}
