#include "recommend/model.h"

#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "core/mem.h"
#include "recommend/baselines.h"

#define CHUNK_BITS 12 /* 4096 articles a chunk */
#define CHUNKS     (1u << 16)
#define STRIPES    256
#define REBASE_AT  60.0 /* log2 of the growth factor that triggers a rebase */
#define NO_CONTENT UINT16_MAX

/* Weights are scaled (see model.h); n and pop are read without the
 * article's lock by other articles' readers, hence atomic. */
struct node {
	_Atomic float n, pop;
	_Atomic float shows, clicks; /* the popularity's scale */
	_Atomic uint32_t stamp;      /* bumped by every change of its pairs */
	uint16_t nn, nc;
	uint32_t content_at;
	struct nd_recs_neighbour *nb; /* score: the scaled pair weight */
	struct nd_recs_neighbour *content;
};

struct nd_recs_model {
	struct nd_recs_model_params p;
	_Atomic(struct node *) chunks[CHUNKS];
	pthread_mutex_t chunk_lock;
	pthread_mutex_t stripes[STRIPES];
	/* The origin of both scales (a rebase moves it for both); changed
	 * only by a rebase, under every stripe, and read without a lock by
	 * the check every view makes (maybe_rebase). */
	_Atomic int64_t t0;
	_Atomic uint64_t seq; /* odd while a rebase works */
	/* All showings and clicks, for the prior's rate (popularity's scale;
	 * under stripes[0]). */
	double all_shows, all_clicks;
};

void nd_recs_model_params_init(struct nd_recs_model_params *p)
{
	*p = (struct nd_recs_model_params){1800, 14 * 86400.0, 86400.0, 48, 3};
}

struct nd_recs_model *nd_recs_model_new(const struct nd_recs_model_params *p, int64_t now)
{
	struct nd_recs_model *m = nd_xcalloc(1, sizeof(*m));

	if (p)
		m->p = *p;
	else
		nd_recs_model_params_init(&m->p);
	if (m->p.neighbours < 1)
		m->p.neighbours = 1;
	if (!(m->p.covisit_prior >= 0))
		m->p.covisit_prior = 0;
	if (m->p.neighbours > UINT16_MAX)
		m->p.neighbours = UINT16_MAX;
	if (!(m->p.covisit_half_life > 0))
		m->p.covisit_half_life = 14 * 86400.0;
	if (!(m->p.popular_half_life > 0))
		m->p.popular_half_life = 86400.0;
	pthread_mutex_init(&m->chunk_lock, NULL);
	for (size_t i = 0; i < STRIPES; i++)
		pthread_mutex_init(&m->stripes[i], NULL);
	atomic_store(&m->t0, now);
	return m;
}

void nd_recs_model_free(struct nd_recs_model *m)
{
	if (!m)
		return;
	for (size_t c = 0; c < CHUNKS; c++) {
		struct node *chunk = atomic_load_explicit(&m->chunks[c], memory_order_relaxed);

		for (size_t i = 0; chunk && i < (1u << CHUNK_BITS); i++) {
			free(chunk[i].nb);
			free(chunk[i].content);
		}
		free(chunk);
	}
	for (size_t i = 0; i < STRIPES; i++)
		pthread_mutex_destroy(&m->stripes[i]);
	pthread_mutex_destroy(&m->chunk_lock);
	free(m);
}

/* The node of id, made when create; NULL when absent or id is out of
 * range (ids past 2^28 are not modelled). */
static struct node *node_of(struct nd_recs_model *m, uint32_t id, bool create)
{
	uint32_t c = id >> CHUNK_BITS;
	struct node *chunk;

	if (c >= CHUNKS)
		return NULL;
	chunk = atomic_load_explicit(&m->chunks[c], memory_order_acquire);
	if (!chunk && create) {
		pthread_mutex_lock(&m->chunk_lock);
		chunk = atomic_load_explicit(&m->chunks[c], memory_order_relaxed);
		if (!chunk) {
			chunk = nd_xcalloc(1u << CHUNK_BITS, sizeof(*chunk));
			for (size_t i = 0; i < (1u << CHUNK_BITS); i++)
				chunk[i].nc = NO_CONTENT;
			atomic_store_explicit(&m->chunks[c], chunk, memory_order_release);
		}
		pthread_mutex_unlock(&m->chunk_lock);
	}
	return chunk ? &chunk[id & ((1u << CHUNK_BITS) - 1)] : NULL;
}

static pthread_mutex_t *stripe(struct nd_recs_model *m, uint32_t id)
{
	return &m->stripes[id % STRIPES];
}

/* Scales every weight of one scale by 2^-shift (the caller holds every stripe). */
static void scale_all(struct nd_recs_model *m, double shift_covisit, double shift_pop)
{
	float kc = (float)exp2(-shift_covisit), kp = (float)exp2(-shift_pop);

	m->all_shows *= kp;
	m->all_clicks *= kp;
	for (size_t c = 0; c < CHUNKS; c++) {
		struct node *chunk = atomic_load_explicit(&m->chunks[c], memory_order_relaxed);

		for (size_t i = 0; chunk && i < (1u << CHUNK_BITS); i++) {
			struct node *x = &chunk[i];

			atomic_store_explicit(&x->n, atomic_load(&x->n) * kc, memory_order_relaxed);
			atomic_store_explicit(&x->pop, atomic_load(&x->pop) * kp,
			                      memory_order_relaxed);
			atomic_store_explicit(&x->shows, atomic_load(&x->shows) * kp,
			                      memory_order_relaxed);
			atomic_store_explicit(&x->clicks, atomic_load(&x->clicks) * kp,
			                      memory_order_relaxed);
			for (size_t j = 0; j < x->nn; j++)
				x->nb[j].score *= kc;
		}
	}
}

/* Moves the origins to at when a scale would pass 2^REBASE_AT. */
static void maybe_rebase(struct nd_recs_model *m, int64_t at)
{
	double fc, fp, shortest = fmin(m->p.covisit_half_life, m->p.popular_half_life);

	/* The shorter half-life's scale grows first. */
	if ((double)(at - atomic_load_explicit(&m->t0, memory_order_relaxed)) / shortest <
	    REBASE_AT)
		return;
	for (size_t i = 0; i < STRIPES; i++)
		pthread_mutex_lock(&m->stripes[i]);
	fc = (double)(at - m->t0) / m->p.covisit_half_life;
	fp = (double)(at - m->t0) / m->p.popular_half_life;
	if (fc >= REBASE_AT || fp >= REBASE_AT) {
		atomic_fetch_add(&m->seq, 1);
		scale_all(m, fc, fp);
		atomic_store(&m->t0, at);
		atomic_fetch_add(&m->seq, 1);
	}
	for (size_t i = STRIPES; i > 0; i--)
		pthread_mutex_unlock(&m->stripes[i - 1]);
}

/* Adds w to the pair (a, b) in a's list (the caller holds a's stripe). */
static void pair_add(struct nd_recs_model *m, struct node *a, uint32_t b, float w)
{
	size_t min = 0;

	atomic_fetch_add_explicit(&a->stamp, 1, memory_order_relaxed);
	for (size_t i = 0; i < a->nn; i++) {
		if (a->nb[i].id == b) {
			a->nb[i].score += w;
			return;
		}
		if (a->nb[i].score < a->nb[min].score)
			min = i;
	}
	if (!a->nb)
		a->nb = nd_xcalloc(m->p.neighbours, sizeof(*a->nb));
	if (a->nn < m->p.neighbours)
		a->nb[a->nn++] = (struct nd_recs_neighbour){b, w};
	else if (a->nb[min].score < w) /* the lightest pair makes room */
		a->nb[min] = (struct nd_recs_neighbour){b, w};
}

/* The covisit weight of a visit at `at`, in the scale of now: called
 * under a stripe, so no rebase moves t0 while the weight is used. */
static float covisit_weight(const struct nd_recs_model *m, int64_t at)
{
	return (float)exp2((double)(at - m->t0) / m->p.covisit_half_life);
}

void nd_recs_model_visit(struct nd_recs_model *m, const struct nd_history_item *hist, size_t n,
                         uint32_t article, int64_t at)
{
	struct node *b = node_of(m, article, true);

	if (!b)
		return;
	maybe_rebase(m, at);
	pthread_mutex_lock(stripe(m, article));
	atomic_store_explicit(&b->n, atomic_load(&b->n) + covisit_weight(m, at),
	                      memory_order_relaxed);
	pthread_mutex_unlock(stripe(m, article));
	for (size_t i = 0; i < n; i++) {
		struct node *a;

		/* Newest first: the first one out of the window ends it. */
		if ((double)(at - (int64_t)hist[i].at) > m->p.session_window)
			break;
		if (hist[i].article == article || !(a = node_of(m, hist[i].article, true)))
			continue;
		/* The weight again under each lock: a rebase between the two
		 * would otherwise add an old-scale weight to new-scale pairs. */
		pthread_mutex_lock(stripe(m, hist[i].article));
		pair_add(m, a, article, covisit_weight(m, at));
		pthread_mutex_unlock(stripe(m, hist[i].article));
		pthread_mutex_lock(stripe(m, article));
		pair_add(m, b, hist[i].article, covisit_weight(m, at));
		pthread_mutex_unlock(stripe(m, article));
	}
}

void nd_recs_model_views(struct nd_recs_model *m, uint32_t article, uint32_t views, int64_t at)
{
	struct node *x = node_of(m, article, true);

	if (!x || !views)
		return;
	maybe_rebase(m, at);
	pthread_mutex_lock(stripe(m, article));
	atomic_store_explicit(&x->pop,
	                      atomic_load(&x->pop) + (float)(views * exp2((double)(at - m->t0) /
	                                                                  m->p.popular_half_life)),
	                      memory_order_relaxed);
	pthread_mutex_unlock(stripe(m, article));
}

/* Adds the popularity scale of at to article's showings or clicks;
 * returns it (0 when the article is not modelled). */
static float add_scaled(struct nd_recs_model *m, uint32_t article, bool click, int64_t at)
{
	struct node *x = node_of(m, article, true);
	float w;

	if (!x)
		return 0;
	pthread_mutex_lock(stripe(m, article));
	w = (float)exp2((double)(at - m->t0) / m->p.popular_half_life);
	if (click)
		atomic_store_explicit(&x->clicks, atomic_load(&x->clicks) + w,
		                      memory_order_relaxed);
	else
		atomic_store_explicit(&x->shows, atomic_load(&x->shows) + w, memory_order_relaxed);
	pthread_mutex_unlock(stripe(m, article));
	return w;
}

/* count showings or clicks at `at` into the site's totals, the weight
 * taken under stripes[0] (every caller's) so a rebase cannot come between. */
static void add_total(struct nd_recs_model *m, size_t count, int64_t at, bool click)
{
	pthread_mutex_lock(&m->stripes[0]);
	double w = (double)count * exp2((double)(at - m->t0) / m->p.popular_half_life);

	if (click)
		m->all_clicks += w;
	else
		m->all_shows += w;
	pthread_mutex_unlock(&m->stripes[0]);
}

void nd_recs_model_shown(struct nd_recs_model *m, const uint32_t *keys, size_t n, int64_t at)
{
	size_t counted = 0;

	maybe_rebase(m, at);
	for (size_t i = 0; i < n; i++)
		counted += add_scaled(m, keys[i], false, at) > 0;
	add_total(m, counted, at, false);
}

void nd_recs_model_clicked(struct nd_recs_model *m, uint32_t article, int64_t at)
{
	maybe_rebase(m, at);
	add_total(m, add_scaled(m, article, true, at) > 0, at, true);
}

double nd_recs_model_click_rate(const struct nd_recs_model *m)
{
	struct nd_recs_model *mm = (struct nd_recs_model *)m;
	double g;

	/* A ratio of two sums of one scale: no decay needed. */
	pthread_mutex_lock(&mm->stripes[0]);
	g = m->all_shows > 0 ? fmin(1, m->all_clicks / m->all_shows) : -1;
	pthread_mutex_unlock(&mm->stripes[0]);
	return g;
}

void nd_recs_model_rates(const struct nd_recs_model *m, uint32_t article, int64_t now, double g,
                         double *popular, double *ctr)
{
	struct nd_recs_model *mm = (struct nd_recs_model *)m;
	struct node *x = node_of(mm, article, false);
	double shows = 0, clicks = 0, pop = 0;

	if (x) {
		pthread_mutex_lock(stripe(mm, article));
		double scale = exp2((double)(m->t0 - now) / m->p.popular_half_life);

		pop = atomic_load(&x->pop) * scale;
		shows = atomic_load(&x->shows) * scale;
		clicks = atomic_load(&x->clicks) * scale;
		pthread_mutex_unlock(stripe(mm, article));
	}
	*popular = pop;
	*ctr = g < 0 ? 0 : fmin(1, (clicks + ND_RECS_CTR_PRIOR * g) / (shows + ND_RECS_CTR_PRIOR));
}

double nd_recs_model_visits(const struct nd_recs_model *m, uint32_t article, int64_t now)
{
	struct nd_recs_model *mm = (struct nd_recs_model *)m;
	struct node *x = node_of(mm, article, false);
	double v;

	if (!x)
		return 0;
	pthread_mutex_lock(stripe(mm, article));
	v = atomic_load(&x->n) * exp2((double)(m->t0 - now) / m->p.covisit_half_life);
	pthread_mutex_unlock(stripe(mm, article));
	return v;
}

static int by_score_desc(const void *pa, const void *pb)
{
	const struct nd_recs_neighbour *a = pa, *b = pb;

	if (a->score != b->score)
		return a->score < b->score ? 1 : -1;
	return a->id < b->id ? -1 : a->id > b->id;
}

size_t nd_recs_model_covisit(struct nd_recs_model *m, uint32_t article, int64_t now,
                             struct nd_recs_neighbour *out, size_t max)
{
	struct node *a = node_of(m, article, false);
	struct nd_recs_neighbour buf[256], *nb;
	size_t n;
	uint64_t seq;
	double unit;
	float na;

	if (!a || !max)
		return 0;
	nb = m->p.neighbours <= 256 ? buf : nd_xmalloc(m->p.neighbours * sizeof(*nb));
	do { /* a rebase between reading the pair and n(b) would mix scales */
		while ((seq = atomic_load_explicit(&m->seq, memory_order_acquire)) & 1)
			;
		pthread_mutex_lock(stripe(m, article));
		n = a->nn;
		if (n)
			memcpy(nb, a->nb, n * sizeof(*nb));
		na = atomic_load_explicit(&a->n, memory_order_relaxed);
		/* A stored weight over this is its count at now (model.h). */
		unit = exp2((double)(atomic_load_explicit(&m->t0, memory_order_relaxed) - now) /
		            m->p.covisit_half_life);
		pthread_mutex_unlock(stripe(m, article));
		for (size_t i = 0; i < n; i++) {
			struct node *b = node_of(m, nb[i].id, false);
			float nbv = b ? atomic_load_explicit(&b->n, memory_order_relaxed) : 0;

			/* Each root alone: the product of two scaled counts
			 * (up to 2^60 each) would overflow a float. */
			double pair = nb[i].score, count = pair * unit;
			double cosine =
			    na > 0 && nbv > 0 ? pair / sqrt((double)na) / sqrt((double)nbv) : 0;

			if (cosine > 1)
				cosine = 1;
			nb[i].score =
			    count > 0 ? (float)(cosine * count / (count + m->p.covisit_prior)) : 0;
		}
	} while (atomic_load_explicit(&m->seq, memory_order_acquire) != seq);
	qsort(nb, n, sizeof(*nb), by_score_desc);
	if (n > max)
		n = max;
	memcpy(out, nb, n * sizeof(*nb));
	if (nb != buf)
		free(nb);
	return n;
}

uint32_t nd_recs_model_stamp(struct nd_recs_model *m, uint32_t article)
{
	struct node *x = node_of(m, article, false);

	return x ? atomic_load_explicit(&x->stamp, memory_order_relaxed) : 0;
}

int nd_recs_model_content(struct nd_recs_model *m, uint32_t article, int64_t since,
                          struct nd_recs_neighbour *out)
{
	struct node *x = node_of(m, article, false);
	int n = -1;

	if (!x)
		return -1;
	pthread_mutex_lock(stripe(m, article));
	if (x->nc != NO_CONTENT && (int64_t)x->content_at >= since) {
		n = x->nc;
		memcpy(out, x->content, (size_t)n * sizeof(*out));
	}
	pthread_mutex_unlock(stripe(m, article));
	return n;
}

void nd_recs_model_content_put(struct nd_recs_model *m, uint32_t article, int64_t at,
                               const struct nd_recs_neighbour *list, size_t n)
{
	struct node *x = node_of(m, article, true);

	if (!x)
		return;
	if (n > ND_RECS_CONTENT_MAX)
		n = ND_RECS_CONTENT_MAX;
	pthread_mutex_lock(stripe(m, article));
	if (!x->content)
		x->content = nd_xcalloc(ND_RECS_CONTENT_MAX, sizeof(*x->content));
	if (n)
		memcpy(x->content, list, n * sizeof(*list));
	x->nc = (uint16_t)n;
	x->content_at = at < 0 ? 0 : at > UINT32_MAX ? UINT32_MAX : (uint32_t)at;
	pthread_mutex_unlock(stripe(m, article));
}

void nd_recs_model_stats(struct nd_recs_model *m, size_t *articles, size_t *bytes)
{
	*articles = 0;
	*bytes = sizeof(*m);
	for (size_t c = 0; c < CHUNKS; c++) {
		struct node *chunk = atomic_load_explicit(&m->chunks[c], memory_order_acquire);

		if (!chunk)
			continue;
		*bytes += (1u << CHUNK_BITS) * sizeof(*chunk);
		for (size_t i = 0; i < (1u << CHUNK_BITS); i++) {
			struct node *x = &chunk[i];

			pthread_mutex_lock(stripe(m, (uint32_t)((c << CHUNK_BITS) | i)));
			if (x->nb || x->content || atomic_load(&x->pop) > 0)
				++*articles;
			*bytes += (x->nb ? m->p.neighbours * sizeof(*x->nb) : 0) +
			          (x->content ? ND_RECS_CONTENT_MAX * sizeof(*x->content) : 0);
			pthread_mutex_unlock(stripe(m, (uint32_t)((c << CHUNK_BITS) | i)));
		}
	}
}
