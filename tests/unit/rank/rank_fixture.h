#pragma once
/*
 * A brute-force model of nd_rank for the tests: every delta kept as it
 * was recorded, every window recomputed from scratch by the definitions
 * in rank.h, every list sorted from all articles. Slow and obviously
 * right; the engine must agree with it exactly.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "rank/rank.h"

struct model_rec {
	uint32_t id;
	int64_t hour; /* as recorded: clamped to the hour of the call */
	uint32_t views;
};

struct model {
	struct nd_rank_params p;
	int64_t now;
	struct model_rec *rec;
	size_t nrec, rec_cap;
	struct nd_rank_article *cat;
	size_t ncat;
	/* model_prepare(): each id's views per window, indexed by id. */
	uint64_t *cur, *prev, *v3, *v24, *v7d;
	uint32_t nid;
};

static inline void model_init(struct model *m, const struct nd_rank_params *p, int64_t now)
{
	memset(m, 0, sizeof(*m));
	if (p)
		m->p = *p;
	else
		nd_rank_params_init(&m->p);
	m->now = now;
}

static inline void model_free_sums(struct model *m)
{
	free(m->cur);
	free(m->prev);
	free(m->v3);
	free(m->v24);
	free(m->v7d);
	m->cur = m->prev = m->v3 = m->v24 = m->v7d = NULL;
	m->nid = 0;
}

static inline void model_release(struct model *m)
{
	free(m->rec);
	free(m->cat);
	model_free_sums(m);
}

static inline void model_tick(struct model *m, int64_t now)
{
	if (now > m->now)
		m->now = now;
}

static inline void model_add(struct model *m, const struct nd_rank_delta *d, size_t n, int64_t now)
{
	int64_t h;

	model_tick(m, now);
	h = nd_rank_hour(m->now);
	for (size_t i = 0; i < n; i++) {
		if (m->nrec == m->rec_cap) {
			m->rec_cap = m->rec_cap ? 2 * m->rec_cap : 1024;
			m->rec = realloc(m->rec, m->rec_cap * sizeof(*m->rec));
		}
		m->rec[m->nrec].id = d[i].id;
		m->rec[m->nrec].hour = d[i].hour > h ? h : d[i].hour;
		m->rec[m->nrec].views = d[i].views;
		m->nrec++;
	}
}

/* Keeps the catalogue with one entry per id: the last one. */
static inline void model_set_articles(struct model *m, const struct nd_rank_article *a, size_t n)
{
	free(m->cat);
	m->cat = malloc((n ? n : 1) * sizeof(*a));
	m->ncat = 0;
	for (size_t i = 0; i < n; i++) {
		bool later = false;
		for (size_t j = i + 1; j < n && !later; j++)
			later = a[j].id == a[i].id;
		if (!later)
			m->cat[m->ncat++] = a[i];
	}
}

/* Views of article id in hours [from, to]. */
static inline uint64_t model_views(const struct model *m, uint32_t id, int64_t from, int64_t to)
{
	uint64_t v = 0;

	for (size_t i = 0; i < m->nrec; i++)
		if (m->rec[i].id == id && m->rec[i].hour >= from && m->rec[i].hour <= to)
			v += m->rec[i].views;
	return v;
}

/*
 * Drops the records no window can read any more (the clock only moves
 * forward) and sums every id's views per window, for model_score().
 */
static inline void model_prepare(struct model *m)
{
	int64_t h = nd_rank_hour(m->now);
	uint32_t nid = 1;
	size_t j = 0;

	model_free_sums(m);
	for (size_t i = 0; i < m->nrec; i++) {
		if (m->rec[i].hour < h - 167)
			continue;
		m->rec[j++] = m->rec[i];
		if (m->rec[i].id + 1 > nid)
			nid = m->rec[i].id + 1;
	}
	m->nrec = j;
	m->nid = nid;
	m->cur = calloc(nid, sizeof(uint64_t));
	m->prev = calloc(nid, sizeof(uint64_t));
	m->v3 = calloc(nid, sizeof(uint64_t));
	m->v24 = calloc(nid, sizeof(uint64_t));
	m->v7d = calloc(nid, sizeof(uint64_t));
	for (size_t i = 0; i < m->nrec; i++) {
		const struct model_rec *r = &m->rec[i];
		m->v7d[r->id] += r->views;
		if (r->hour >= h - 23)
			m->v24[r->id] += r->views;
		if (r->hour >= h - 2)
			m->v3[r->id] += r->views;
		if (r->hour == h)
			m->cur[r->id] += r->views;
		if (r->hour == h - 1)
			m->prev[r->id] += r->views;
	}
}

/* Views and score of id in window w, by the definitions in rank.h (after
 * model_prepare). */
static inline void model_score(const struct model *m, uint32_t id, int64_t published_at,
                               enum nd_rank_window w, uint32_t *views, double *score)
{
	int64_t h = nd_rank_hour(m->now);
	int minute = nd_rank_minute(m->now);
	bool known = id < m->nid;

	switch (w) {
	case ND_RANK_1H: {
		uint64_t cur = known ? m->cur[id] : 0, prev = known ? m->prev[id] : 0;
		*views = (uint32_t)(cur + prev * (uint64_t)(60 - minute) / 60);
		*score = *views;
		return;
	}
	case ND_RANK_24H:
		*views = known ? (uint32_t)m->v24[id] : 0;
		*score = *views;
		return;
	case ND_RANK_7D:
		*views = known ? (uint32_t)m->v7d[id] : 0;
		*score = *views;
		return;
	default: {
		uint32_t recent = known ? (uint32_t)m->v3[id] : 0;
		uint32_t base = known ? (uint32_t)(m->v7d[id] - m->v3[id]) : 0;
		int64_t first = nd_rank_hour(published_at), hours;
		double span = 2 + (minute + 1) / 60.0, expected = 0;
		if (first < h - 167)
			first = h - 167;
		hours = h - 3 >= first ? h - 3 - first + 1 : 0;
		*views = recent;
		*score = 0;
		if (recent == 0 || recent < m->p.trend_min_views)
			return;
		if (hours > 0)
			expected = span * (double)base / (double)hours;
		*score = ((double)recent + m->p.trend_prior) / (expected + m->p.trend_prior);
		return;
	}
	}
}

struct model_item {
	uint32_t id;
	uint32_t views;
	double score;
	int64_t pub;
};

static inline int model_cmp(const void *pa, const void *pb)
{
	const struct model_item *a = pa, *b = pb;

	if (a->score != b->score)
		return a->score > b->score ? -1 : 1;
	if (a->pub != b->pub)
		return a->pub > b->pub ? -1 : 1;
	return a->id < b->id ? -1 : a->id > b->id;
}

static inline bool model_in_scope(const struct nd_rank_article *a, uint32_t scope)
{
	if (scope == ND_RANK_SITE)
		return true;
	for (uint32_t k = 0; k < a->nscopes; k++)
		if (a->scopes[k] == scope)
			return true;
	return false;
}

/* The list nd_rank_top should give (after model_prepare): into out (room
 * for ND_RANK_MAX). */
static inline size_t model_top(const struct model *m, enum nd_rank_window w, uint32_t scope,
                               size_t limit, struct nd_rank_item *out)
{
	struct model_item *all = malloc((m->ncat + 1) * sizeof(*all));
	size_t n = 0;

	for (size_t i = 0; i < m->ncat; i++) {
		const struct nd_rank_article *a = &m->cat[i];
		if (!model_in_scope(a, scope))
			continue;
		model_score(m, a->id, a->published_at, w, &all[n].views, &all[n].score);
		if (all[n].score <= 0)
			continue;
		all[n].id = a->id;
		all[n].pub = a->published_at;
		n++;
	}
	qsort(all, n, sizeof(*all), model_cmp);
	if (limit > ND_RANK_MAX)
		limit = ND_RANK_MAX;
	if (n > limit)
		n = limit;
	for (size_t i = 0; i < n; i++) {
		out[i].id = all[i].id;
		out[i].views = all[i].views;
		out[i].score = all[i].score;
	}
	free(all);
	return n;
}
