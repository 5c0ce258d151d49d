/*
 * Freshness: age since an item's first sighting (fresh.h).
 */
#include "recommend/fresh.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/mem.h"

struct nd_recs_fresh {
	size_t n_items;
	int64_t *first; /* INT64_MAX: never a candidate */
};

static void sight(struct nd_recs_fresh *fr, const struct nd_mind_log *log)
{
	for (size_t i = 0; log && i < log->count; i++) {
		const struct nd_mind_impression *imp = &log->imps[i];

		for (uint32_t j = 0; j < imp->n_items; j++)
			if (imp->items[j] < fr->n_items && imp->time < fr->first[imp->items[j]])
				fr->first[imp->items[j]] = imp->time;
	}
}

struct nd_recs_fresh *nd_recs_fresh_new(const struct nd_mind_log *a, const struct nd_mind_log *b,
                                        size_t n_items)
{
	struct nd_recs_fresh *fr = nd_xcalloc(1, sizeof(*fr));

	fr->n_items = n_items;
	fr->first = nd_xmalloc((n_items + 1) * sizeof(*fr->first));
	for (size_t i = 0; i <= n_items; i++)
		fr->first[i] = INT64_MAX;
	sight(fr, a);
	sight(fr, b);
	return fr;
}

void nd_recs_fresh_free(struct nd_recs_fresh *fr)
{
	if (!fr)
		return;
	free(fr->first);
	free(fr);
}

double nd_recs_fresh_score(const void *model, const struct nd_mind_impression *imp, uint32_t item)
{
	const struct nd_recs_fresh *fr = model;
	double hours;

	if (item >= fr->n_items || fr->first[item] == INT64_MAX)
		hours = ND_RECS_FRESH_UNSEEN_HOURS;
	else if (imp->time <= fr->first[item])
		hours = 0;
	else
		hours = (double)(imp->time - fr->first[item]) / 3600.0;
	return -log1p(hours);
}

struct show {
	int64_t time;
	uint8_t clicked;
	double expect; /* clicks of the impression over its candidates */
};

struct nd_recs_recent {
	size_t n_items;
	size_t *start;      /* item i's showings: shows[start[i] .. start[i + 1]) */
	struct show *shows; /* by item, then time */
	uint32_t *clicks;   /* clicks[k]: clicks among shows[start[i] .. k) of k's item */
	double global_ctr;
};

static int by_show_time(const void *a, const void *b)
{
	const struct show *x = a, *y = b;

	return (x->time > y->time) - (x->time < y->time);
}

struct nd_recs_recent *nd_recs_recent_new(const struct nd_mind_log *train, size_t n_items)
{
	struct nd_recs_recent *r = nd_xcalloc(1, sizeof(*r));
	size_t *fill, total = 0, clicks = 0;

	r->n_items = n_items;
	r->start = nd_xcalloc(n_items + 2, sizeof(*r->start));
	for (size_t i = 0; i < train->count; i++)
		for (uint32_t j = 0; j < train->imps[i].n_items; j++)
			if (train->imps[i].items[j] < n_items)
				r->start[train->imps[i].items[j] + 1]++;
	for (size_t i = 0; i < n_items; i++)
		r->start[i + 1] += r->start[i];
	total = r->start[n_items];
	r->shows = nd_xmalloc((total + 1) * sizeof(*r->shows));
	r->clicks = nd_xmalloc((total + 1) * sizeof(*r->clicks));
	fill = nd_xmalloc((n_items + 1) * sizeof(*fill));
	memcpy(fill, r->start, (n_items + 1) * sizeof(*fill));
	for (size_t i = 0; i < train->count; i++) {
		const struct nd_mind_impression *imp = &train->imps[i];
		double expect = 0;

		for (uint32_t j = 0; j < imp->n_items; j++)
			expect += imp->clicked[j];
		expect /= imp->n_items;
		for (uint32_t j = 0; j < imp->n_items; j++) {
			struct show *sh;

			if (imp->items[j] >= n_items)
				continue;
			sh = &r->shows[fill[imp->items[j]]++];
			sh->time = imp->time;
			sh->clicked = imp->clicked[j];
			sh->expect = expect;
			clicks += imp->clicked[j];
		}
	}
	free(fill);
	for (size_t i = 0; i < n_items; i++) {
		uint32_t c = 0;

		qsort(r->shows + r->start[i], r->start[i + 1] - r->start[i], sizeof(*r->shows),
		      by_show_time);
		for (size_t k = r->start[i]; k < r->start[i + 1]; k++) {
			r->clicks[k] = c;
			c += r->shows[k].clicked;
		}
	}
	r->global_ctr = total ? (double)clicks / (double)total : 0;
	return r;
}

void nd_recs_recent_free(struct nd_recs_recent *r)
{
	if (!r)
		return;
	free(r->start);
	free(r->shows);
	free(r->clicks);
	free(r);
}

/* The first of item's showings at or after time t (an index in shows). */
static size_t first_at(const struct nd_recs_recent *r, uint32_t item, int64_t t)
{
	size_t lo = r->start[item], hi = r->start[item + 1];

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (r->shows[mid].time < t)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* Clicks among shows[start[item] .. k). */
static double clicks_before(const struct nd_recs_recent *r, uint32_t item, size_t k)
{
	if (k == r->start[item + 1])
		return k > r->start[item] ? r->clicks[k - 1] + r->shows[k - 1].clicked : 0;
	return r->clicks[k];
}

double nd_recs_recent_score(const void *model, const struct nd_mind_impression *imp, uint32_t item)
{
	const struct nd_recs_recent *r = model;
	const double m = ND_RECS_CTR_PRIOR;
	size_t a, b;
	double clicks;

	if (item >= r->n_items)
		return r->global_ctr;
	a = first_at(r, item, imp->time - (int64_t)(ND_RECS_RECENT_HOURS * 3600));
	b = first_at(r, item, imp->time);
	clicks = clicks_before(r, item, b) - clicks_before(r, item, a);
	return (clicks + m * r->global_ctr) / ((double)(b - a) + m);
}

double nd_recs_local_score(const void *model, const struct nd_mind_impression *imp, uint32_t item)
{
	const struct nd_recs_recent *r = model;
	const double m = ND_RECS_LOCAL_PRIOR, h = ND_RECS_LOCAL_HOURS * 3600;
	double clicks = 0, expect = 0;

	if (item >= r->n_items)
		return 1;
	for (size_t k = r->start[item]; k < r->start[item + 1]; k++) {
		double w = exp(-fabs((double)(imp->time - r->shows[k].time)) / h);

		clicks += w * r->shows[k].clicked;
		expect += w * r->shows[k].expect;
	}
	return (clicks + m) / (expect + m);
}
