#include "recommend/pick.h"

#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "core/mem.h"

const char *nd_recs_reason_name(enum nd_recs_reason r)
{
	static const char *const names[] = {"covisit", "content", "popular", "fresh"};

	return (unsigned)r < 4 ? names[r] : "popular";
}

void nd_recs_weights_init(struct nd_recs_weights *w)
{
	/* Co-visitation first: on MIND it is the signal that orders one
	 * reader's candidates best after click-through (which a live site
	 * does not have per candidate); content next; popularity and
	 * freshness break ties and fill lists for new visitors. */
	*w = (struct nd_recs_weights){.covisit = 1.0,
	                              .content = 0.7,
	                              .popular = 0.35,
	                              .ctr = 0.35,
	                              .fresh = 0.3,
	                              .section_bonus = 0.1,
	                              .fresh_half_life = 36 * 3600.0,
	                              .lambda = 0.8,
	                              .section_similarity = 0.3};
}

static bool has(const uint32_t *sorted, size_t n, uint32_t v)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (sorted[mid] < v)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < n && sorted[lo] == v;
}

/* Keeps the candidates that may be shown, once each (the first entry of
 * a key, in the caller's order; a set of the keys seen, open addressing);
 * returns how many. */
static size_t filter(struct nd_recs_request *rq)
{
	struct nd_recs_cand *c = rq->cands;
	uint32_t stack[4096], *seen = stack;
	size_t n = 0, cap = 16, mask;

	while (cap < 2 * rq->count)
		cap *= 2;
	if (cap > sizeof(stack) / sizeof(stack[0]))
		seen = nd_xmalloc(cap * sizeof(*seen));
	mask = cap - 1;
	/* Key 0 is no article: "free" in the set, and never shown. */
	memset(seen, 0, cap * sizeof(*seen));
	for (size_t i = 0; i < rq->count; i++) {
		size_t j = (size_t)((c[i].key * 0x9e3779b97f4a7c15ull) >> 32) & mask;

		if (!c[i].key || has(rq->exclude, rq->exclude_count, c[i].key) ||
		    has(rq->exclude_clusters, rq->exclude_cluster_count, c[i].cluster))
			continue;
		while (seen[j] && seen[j] != c[i].key)
			j = (j + 1) & mask;
		if (seen[j])
			continue;
		seen[j] = c[i].key;
		c[n++] = c[i];
	}
	if (seen != stack)
		free(seen);
	return n;
}

static void score(struct nd_recs_request *rq, size_t n, const struct nd_recs_weights *w)
{
	double max_cv = 0, max_ct = 0, max_pop = 0, max_ctr = 0;

	for (size_t i = 0; i < n; i++) {
		const struct nd_recs_cand *c = &rq->cands[i];

		max_cv = fmax(max_cv, c->covisit);
		max_ct = fmax(max_ct, c->content);
		max_pop = fmax(max_pop, c->popular);
		max_ctr = fmax(max_ctr, c->ctr);
	}
	for (size_t i = 0; i < n; i++) {
		struct nd_recs_cand *c = &rq->cands[i];
		double part[4] = {
		    w->covisit * c->covisit / fmax(max_cv, 1),
		    w->content * c->content / fmax(max_ct, 1),
		    (max_pop > 0 ? w->popular * log1p(c->popular) / log1p(max_pop) : 0) +
		        (max_ctr > 0 ? w->ctr * c->ctr / max_ctr : 0),
		    w->fresh * exp2(-fmax(c->age, 0) / w->fresh_half_life),
		};
		int best = 0;

		c->score = 0;
		for (int s = 0; s < 4; s++) {
			c->score += part[s];
			if (part[s] > part[best])
				best = s;
		}
		if (rq->section && c->section == rq->section)
			c->score += w->section_bonus;
		c->reason = (enum nd_recs_reason)best;
	}
}

static int by_score_desc(const void *pa, const void *pb)
{
	const struct nd_recs_cand *a = pa, *b = pb;

	if (a->score != b->score)
		return a->score < b->score ? 1 : -1;
	return a->key < b->key ? 1 : a->key > b->key ? -1 : 0; /* newer first */
}

static void swap(struct nd_recs_cand *a, struct nd_recs_cand *b)
{
	struct nd_recs_cand t = *a;

	*a = *b;
	*b = t;
}

/* Moves the k best of c[0..n) (by_score_desc) to the front, in no order:
 * quickselect (Hoare), O(n) on average instead of sorting them all. */
static void select_best(struct nd_recs_cand *c, size_t n, size_t k)
{
	size_t lo = 0, hi = n - 1;

	while (lo < hi) {
		struct nd_recs_cand pivot = c[lo + (hi - lo) / 2];
		size_t i = lo, j = hi;

		while (i <= j) {
			while (by_score_desc(&c[i], &pivot) < 0)
				i++;
			while (by_score_desc(&c[j], &pivot) > 0)
				j--;
			if (i <= j) {
				swap(&c[i], &c[j]);
				i++;
				if (j == 0)
					break;
				j--;
			}
		}
		if (k - 1 <= j)
			hi = j;
		else if (k - 1 >= i)
			lo = i;
		else
			return;
	}
}

size_t nd_recs_pick(struct nd_recs_request *rq, const struct nd_recs_weights *w, size_t limit)
{
	size_t n = filter(rq), picked = 0;
	struct nd_recs_cand *c = rq->cands;
	double maxsim[ND_RECS_MMR_POOL] = {0};

	score(rq, n, w);
	if (n > ND_RECS_MMR_POOL) {
		select_best(c, n, ND_RECS_MMR_POOL);
		n = ND_RECS_MMR_POOL;
	}
	qsort(c, n, sizeof(*c), by_score_desc);
	/* Greedy MMR. maxsim[i] is candidate i's largest similarity to the
	 * items picked so far, brought up to date against each new pick only
	 * (O(pool x limit) similarities, not O(pool x limit^2)); INFINITY
	 * marks a candidate of a story already picked. */
	while (picked < limit && picked < n) {
		size_t best = n;
		double best_v = -INFINITY;

		for (size_t i = picked; i < n; i++) {
			double v;

			if (isinf(maxsim[i]))
				continue;
			v = w->lambda * c[i].score - (1 - w->lambda) * maxsim[i];
			/* Ties: the higher key, the newer article. */
			if (v > best_v || (v == best_v && best < n && c[i].key > c[best].key)) {
				best_v = v;
				best = i;
			}
		}
		if (best == n)
			break;
		{
			double ts = maxsim[picked];

			swap(&c[picked], &c[best]);
			maxsim[picked] = maxsim[best];
			maxsim[best] = ts;
		}
		for (size_t i = picked + 1; i < n; i++) {
			const struct nd_recs_cand *p = &c[picked];

			if (c[i].cluster == p->cluster) {
				maxsim[i] = INFINITY;
				continue;
			}
			if (c[i].section == p->section)
				maxsim[i] = fmax(maxsim[i], w->section_similarity);
			if (rq->similar && !isinf(maxsim[i]))
				maxsim[i] = fmax(maxsim[i], rq->similar(rq->similar_ctx, &c[i], p));
		}
		picked++;
	}
	return picked;
}
