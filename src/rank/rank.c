/*
 * nd_rank: the public API (rank.h) around the window sums (window.c), the
 * scores (trending.c) and the lists (topk.c); plus the catalogue and the
 * scope directory readers look lists up in.
 */
#include <stdlib.h>
#include <string.h>

#include "core/log.h"
#include "core/mem.h"
#include "rank/rank_int.h"

void nd_rank_params_init(struct nd_rank_params *p)
{
	p->trend_min_views = 10;
	p->trend_prior = 20.0;
}

static uint32_t dir_home(uint32_t id, uint32_t mask)
{
	return (uint32_t)(((uint64_t)id * 0x9e3779b97f4a7c15ull) >> 32) & mask;
}

static struct nd__rank_dir *dir_new(uint32_t cap)
{
	struct nd__rank_dir *d = nd_xcalloc(1, sizeof(*d) + cap * sizeof(d->slot[0]));

	d->mask = cap - 1;
	return d;
}

/* Puts p into d's first free slot from its home. The release store makes
 * p's fields visible to a reader that finds it. */
static void dir_put(struct nd__rank_dir *d, struct nd__rank_scope_pub *p)
{
	uint32_t i = dir_home(p->id, d->mask);

	while (atomic_load_explicit(&d->slot[i], memory_order_relaxed))
		i = (i + 1) & d->mask;
	atomic_store_explicit(&d->slot[i], p, memory_order_release);
	d->count++;
}

struct nd__rank_scope_pub *nd__rank_dir_find(const struct nd__rank_dir *d, uint32_t scope)
{
	for (uint32_t i = dir_home(scope, d->mask);; i = (i + 1) & d->mask) {
		struct nd__rank_scope_pub *p =
		    atomic_load_explicit(&d->slot[i], memory_order_acquire);
		if (!p || p->id == scope)
			return p;
	}
}

uint32_t nd__rank_scope_get(struct nd_rank *r, uint32_t id)
{
	struct nd__rank_dir *d = atomic_load_explicit(&r->dir, memory_order_relaxed);
	struct nd__rank_scope_pub *p = nd__rank_dir_find(d, id);
	struct nd__rank_scope *sc;

	if (p)
		return p->slot;
	if (r->nscope >= ND__RANK_MAX_SCOPES)
		return UINT32_MAX;
	if (r->nscope == r->scope_cap) {
		r->scope_cap = r->scope_cap ? r->scope_cap * 2 : 16;
		r->scope = nd_xrealloc(r->scope, r->scope_cap * sizeof(*r->scope));
	}
	sc = &r->scope[r->nscope];
	memset(sc, 0, sizeof(*sc));
	sc->id = id;
	sc->pub = nd_xcalloc(1, sizeof(*sc->pub));
	sc->pub->id = id;
	sc->pub->slot = r->nscope;
	if (2 * (d->count + 1) > d->mask + 1) {
		/* A bigger copy, published whole; readers still in the old
		 * one find the same lists there. */
		struct nd__rank_dir *nd = dir_new(2 * (d->mask + 1));
		for (uint32_t i = 0; i <= d->mask; i++) {
			struct nd__rank_scope_pub *q =
			    atomic_load_explicit(&d->slot[i], memory_order_relaxed);
			if (q)
				dir_put(nd, q);
		}
		nd->retired = d;
		atomic_store_explicit(&r->dir, nd, memory_order_release);
		d = nd;
	}
	dir_put(d, sc->pub);
	return r->nscope++;
}

struct nd_rank *nd_rank_new(const struct nd_rank_params *p, int64_t now_s)
{
	struct nd_rank *r = nd_xcalloc(1, sizeof(*r));

	if (p)
		r->p = *p;
	else
		nd_rank_params_init(&r->p);
	ND_ASSERT(r->p.trend_prior > 0);
	pthread_mutex_init(&r->lock, NULL);
	r->now = now_s;
	r->hour = nd_rank_hour(now_s);
	r->minute = nd_rank_minute(now_s);
	for (uint32_t i = 0; i < ND_RANK_HOURS; i++)
		r->log[i].hour = INT64_MIN;
	atomic_init(&r->dir, dir_new(16));
	atomic_init(&r->version, 0);
	nd__rank_scope_get(r, ND_RANK_SITE); /* slot 0 */
	return r;
}

void nd_rank_free(struct nd_rank *r)
{
	struct nd__rank_dir *d;

	if (!r)
		return;
	for (uint32_t s = 0; s < r->nscope; s++) {
		for (int w = 0; w < ND_RANK_WINDOWS; w++)
			nd__rank_list_release(&r->scope[s].list[w]);
		free(r->scope[s].pub);
	}
	free(r->scope);
	d = atomic_load_explicit(&r->dir, memory_order_relaxed);
	while (d) {
		struct nd__rank_dir *next = d->retired;
		free(d);
		d = next;
	}
	for (uint32_t i = 0; i < ND_RANK_HOURS; i++)
		free(r->log[i].e);
	free(r->art);
	free(r->free_art);
	free(r->map);
	free(r->touched);
	pthread_mutex_destroy(&r->lock);
	free(r);
}

/* Sets the catalogue fields of article slot `slot` from c. */
static void catalogue_one(struct nd_rank *r, uint32_t slot, const struct nd_rank_article *c)
{
	uint16_t scope[ND_MAX_SECTION_DEPTH] = {0};
	uint8_t n = 0;
	struct nd__rank_art *a;

	ND_ASSERT(c->nscopes <= ND_MAX_SECTION_DEPTH);
	for (uint32_t i = 0; i < c->nscopes; i++) {
		uint32_t s;
		bool seen = false;
		if (c->scopes[i] == ND_RANK_SITE)
			continue;
		s = nd__rank_scope_get(r, c->scopes[i]);
		if (s == UINT32_MAX) {
			nd_log(ND_LOG_WARN, "rank: more than %d sections, section %u not ranked",
			       ND__RANK_MAX_SCOPES, c->scopes[i]);
			continue;
		}
		for (uint8_t k = 0; k < n; k++)
			seen = seen || scope[k] == s;
		if (!seen)
			scope[n++] = (uint16_t)s;
	}
	a = &r->art[slot];
	a->published_at = c->published_at;
	memcpy(a->scope, scope, n * sizeof(scope[0]));
	a->nscope = n;
	a->flags |= ND__ART_LISTED;
}

void nd_rank_set_articles(struct nd_rank *r, const struct nd_rank_article *a, size_t n)
{
	pthread_mutex_lock(&r->lock);
	/* Room for the catalogue and an eighth more, rather than doubling
	 * past it: the slots are most of the memory. */
	nd__rank_art_reserve(r, n + n / 8);
	for (uint32_t s = 0; s < r->nart; s++)
		r->art[s].flags &= (uint8_t)~ND__ART_LISTED;
	for (size_t i = 0; i < n; i++)
		catalogue_one(r, nd__rank_art_get(r, a[i].id), &a[i]);
	nd__rank_art_gc(r);
	r->nlisted = 0;
	for (uint32_t s = 0; s < r->nart; s++)
		r->nlisted += (r->art[s].flags & ND__ART_LISTED) != 0;
	/* Who is listed, where and how new changed: recompute every list.
	 * Sections no longer used keep empty lists. */
	for (int w = 0; w < ND_RANK_WINDOWS; w++)
		r->rebuild_all[w] = true;
	nd__rank_finish(r);
	pthread_mutex_unlock(&r->lock);
}

void nd_rank_add(struct nd_rank *r, const struct nd_rank_delta *d, size_t n, int64_t now_s)
{
	pthread_mutex_lock(&r->lock);
	nd__rank_advance(r, now_s);
	nd__rank_apply(r, d, n);
	nd__rank_finish(r);
	pthread_mutex_unlock(&r->lock);
}

void nd_rank_tick(struct nd_rank *r, int64_t now_s)
{
	pthread_mutex_lock(&r->lock);
	nd__rank_advance(r, now_s);
	nd__rank_finish(r);
	pthread_mutex_unlock(&r->lock);
}

size_t nd_rank_top(const struct nd_rank *r, enum nd_rank_window w, uint32_t scope, size_t limit,
                   struct nd_rank_item *out)
{
	const struct nd__rank_scope_pub *p;

	ND_ASSERT((unsigned)w < ND_RANK_WINDOWS);
	if (limit == 0)
		return 0;
	p = nd__rank_dir_find(atomic_load_explicit(&r->dir, memory_order_acquire), scope);
	return p ? nd__rank_pub_read(&p->win[w], limit, out) : 0;
}

uint64_t nd_rank_version(const struct nd_rank *r)
{
	return atomic_load_explicit(&r->version, memory_order_acquire);
}

void nd_rank_stats(struct nd_rank *r, struct nd_rank_stats *out)
{
	const struct nd__rank_dir *d;

	pthread_mutex_lock(&r->lock);
	memset(out, 0, sizeof(*out));
	out->listed = r->nlisted;
	out->scopes = r->nscope;
	for (uint32_t s = 0; s < r->nart; s++)
		out->articles += (r->art[s].flags & ND__ART_LIVE) != 0;
	for (uint32_t i = 0; i < ND_RANK_HOURS; i++)
		out->hour_entries += r->log[i].n;
	out->bytes = sizeof(*r) + nd__rank_window_bytes(r) + r->scope_cap * sizeof(*r->scope);
	for (uint32_t s = 0; s < r->nscope; s++) {
		out->bytes += sizeof(*r->scope[s].pub);
		for (int w = 0; w < ND_RANK_WINDOWS; w++)
			out->bytes += r->scope[s].list[w].cap *
			              (sizeof(struct nd__rank_ent) + sizeof(uint32_t));
	}
	for (d = atomic_load_explicit(&r->dir, memory_order_relaxed); d; d = d->retired)
		out->bytes += sizeof(*d) + (d->mask + 1) * sizeof(d->slot[0]);
	out->rebuilds = r->rebuilds;
	out->publishes = r->publishes;
	out->now = r->now;
	pthread_mutex_unlock(&r->lock);
}
