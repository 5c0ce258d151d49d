/*
 * Window sums: per-article counts of the last 3, 24 and 168 hour buckets,
 * kept exact incrementally (rank_int.h, docs/internals/rank.md).
 *
 * Views arrive as (article, hour, views) deltas and are appended to the
 * log of their hour: 168 logs in a ring, one per hour bucket of the last
 * 7 days, each a list of (article slot, views) records. A delta adds to
 * the article's sums at once; when the clock passes into hour h, the logs
 * of hours h-3, h-24 and h-168 are walked and their records subtracted
 * from s3, s24 and s7d, and the log of h-168 is emptied for hour h. So
 * expiring an hour costs the records of that hour, never a walk over every
 * article, and the memory follows activity: 8 bytes per (article, hour)
 * with views, not 168 counters per article.
 */
#include <stdlib.h>
#include <string.h>

#include "core/mem.h"
#include "rank/rank_int.h"

static uint32_t map_home(uint32_t id, uint32_t mask)
{
	/* Fibonacci hashing: ids are dense row ids, the multiply spreads
	 * them; the high bits are the well-mixed ones. */
	return (uint32_t)(((uint64_t)id * 0x9e3779b97f4a7c15ull) >> 32) & mask;
}

uint32_t nd__rank_art_find(const struct nd_rank *r, uint32_t id)
{
	if (!r->map)
		return UINT32_MAX;
	for (uint32_t i = map_home(id, r->map_mask);; i = (i + 1) & r->map_mask) {
		uint32_t v = r->map[i];
		if (!v)
			return UINT32_MAX;
		if (r->art[v - 1].id == id)
			return v - 1;
	}
}

static void map_insert(struct nd_rank *r, uint32_t slot)
{
	uint32_t i = map_home(r->art[slot].id, r->map_mask);

	while (r->map[i])
		i = (i + 1) & r->map_mask;
	r->map[i] = slot + 1;
	r->map_count++;
}

/* Rebuilds the map with room for at least `want` entries at load 1/2. */
static void map_rebuild(struct nd_rank *r, uint32_t want)
{
	uint32_t cap = 64;

	while (cap < 2 * (uint64_t)want)
		cap *= 2;
	free(r->map);
	r->map = nd_xcalloc(cap, sizeof(*r->map));
	r->map_mask = cap - 1;
	r->map_count = 0;
	for (uint32_t s = 0; s < r->nart; s++)
		if (r->art[s].flags & ND__ART_LIVE)
			map_insert(r, s);
}

void nd__rank_art_reserve(struct nd_rank *r, size_t n)
{
	if (n <= r->art_cap)
		return;
	ND_ASSERT(n < UINT32_MAX / 2);
	r->art_cap = (uint32_t)n;
	r->art = nd_xrealloc(r->art, (size_t)r->art_cap * sizeof(*r->art));
}

uint32_t nd__rank_art_get(struct nd_rank *r, uint32_t id)
{
	uint32_t slot = nd__rank_art_find(r, id);
	struct nd__rank_art *a;

	if (slot != UINT32_MAX)
		return slot;
	if (r->nfree) {
		slot = r->free_art[--r->nfree];
	} else {
		if (r->nart == r->art_cap) {
			ND_ASSERT(r->art_cap < UINT32_MAX / 2);
			r->art_cap = r->art_cap ? r->art_cap * 2 : 1024;
			r->art = nd_xrealloc(r->art, (size_t)r->art_cap * sizeof(*r->art));
		}
		slot = r->nart++;
	}
	a = &r->art[slot];
	memset(a, 0, sizeof(*a));
	a->id = id;
	a->flags = ND__ART_LIVE;
	/* A parity that never matches: slot k only ever holds hours of
	 * parity k, so rhour[0] = 1 and rhour[1] = 0 hold no hour. */
	a->rhour[0] = 1;
	a->rhour[1] = 0;
	if (!r->map || 2 * (uint64_t)(r->map_count + 1) > (uint64_t)r->map_mask + 1)
		map_rebuild(r, r->map_count + 1);
	else
		map_insert(r, slot);
	return slot;
}

/*
 * Drops the articles that are neither catalogued nor counted in any
 * window. No log record points at such an article: every record holds
 * views > 0 of an hour still in the 7 days, and so is part of s7d.
 */
void nd__rank_art_gc(struct nd_rank *r)
{
	uint32_t live = 0;

	r->nfree = 0;
	for (uint32_t s = 0; s < r->nart; s++) {
		struct nd__rank_art *a = &r->art[s];
		if ((a->flags & ND__ART_LIVE) && !(a->flags & ND__ART_LISTED) && a->s7d == 0)
			a->flags = 0;
		if (a->flags & ND__ART_LIVE) {
			live++;
			continue;
		}
		if (r->nfree == r->free_cap) {
			r->free_cap = r->free_cap ? r->free_cap * 2 : 256;
			r->free_art = nd_xrealloc(r->free_art, r->free_cap * sizeof(*r->free_art));
		}
		r->free_art[r->nfree++] = s;
	}
	/* Reuse the lowest slots first: they are the first to be scanned. */
	for (uint32_t i = 0; i < r->nfree / 2; i++) {
		uint32_t t = r->free_art[i];
		r->free_art[i] = r->free_art[r->nfree - 1 - i];
		r->free_art[r->nfree - 1 - i] = t;
	}
	map_rebuild(r, live);
}

uint32_t nd__rank_next_gen(struct nd_rank *r)
{
	if (++r->gen == 0) {
		for (uint32_t s = 0; s < r->nart; s++)
			r->art[s].mark = 0;
		r->gen = 1;
	}
	return r->gen;
}

uint32_t nd__rank_hour_views(const struct nd__rank_art *a, int64_t hour)
{
	unsigned k = (unsigned)(hour & 1);

	return a->rhour[k] == (uint32_t)hour ? a->rviews[k] : 0;
}

static void log_clear(struct nd__rank_hlog *lg)
{
	free(lg->e);
	lg->e = NULL;
	lg->n = lg->cap = 0;
	lg->hour = INT64_MIN;
}

/* Subtracts the records of hour h from the sum at byte offset `field`. */
static void log_expire(struct nd_rank *r, int64_t h, size_t field)
{
	struct nd__rank_hlog *lg = &r->log[nd__rank_log_index(h)];

	if (lg->hour != h)
		return;
	for (uint32_t i = 0; i < lg->n; i++) {
		uint32_t *sum = (uint32_t *)((char *)&r->art[lg->e[i].art] + field);
		ND_ASSERT(*sum >= lg->e[i].views);
		*sum -= lg->e[i].views;
	}
}

/* The clock enters hour h (one hour after the current one). */
static void roll_hour(struct nd_rank *r, int64_t h)
{
	log_expire(r, h - ND__RANK_RECENT_HOURS, offsetof(struct nd__rank_art, s3));
	log_expire(r, h - 24, offsetof(struct nd__rank_art, s24));
	log_expire(r, h - ND_RANK_HOURS, offsetof(struct nd__rank_art, s7d));
	log_clear(&r->log[nd__rank_log_index(h)]);
}

void nd__rank_advance(struct nd_rank *r, int64_t now_s)
{
	int64_t hour = nd_rank_hour(now_s);
	int minute = nd_rank_minute(now_s);

	if (now_s <= r->now)
		return;
	if (hour != r->hour) {
		if (hour - r->hour >= ND_RANK_HOURS) {
			/* Everything has left every window. */
			for (uint32_t i = 0; i < ND_RANK_HOURS; i++)
				log_clear(&r->log[i]);
			for (uint32_t s = 0; s < r->nart; s++)
				r->art[s].s3 = r->art[s].s24 = r->art[s].s7d = 0;
		} else {
			for (int64_t h = r->hour + 1; h <= hour; h++)
				roll_hour(r, h);
		}
		/* Without new views a score of 1h, 24h or 7d can only fall as
		 * the clock moves (1h: at 59 minutes past hour H it is
		 * views(H) + views(H-1) / 60, at H+1 o'clock views(H)). So
		 * the bounds of those lists still hold: rescoring the
		 * members is enough. A trending score can rise at the hour
		 * (the span starts again, the baseline moves), so those
		 * lists are recomputed. */
		r->rescore[ND_RANK_1H] = r->rescore[ND_RANK_24H] = r->rescore[ND_RANK_7D] = true;
		r->rebuild_all[ND_RANK_TRENDING] = true;
	} else if (minute != r->minute) {
		/* The 1h weight of the previous hour fell, the trending span
		 * grew: those scores fell, outsiders' too. */
		r->rescore[ND_RANK_1H] = r->rescore[ND_RANK_TRENDING] = true;
	}
	r->now = now_s;
	r->hour = hour;
	r->minute = minute;
}

/* Appends a record to the log of hour h; returns its index. */
static uint32_t log_push(struct nd__rank_hlog *lg, int64_t h, uint32_t slot, uint32_t views)
{
	if (lg->hour != h) {
		ND_ASSERT(lg->n == 0);
		lg->hour = h;
	}
	if (lg->n == lg->cap) {
		ND_ASSERT(lg->cap < UINT32_MAX / 2);
		lg->cap = lg->cap ? lg->cap * 2 : 64;
		lg->e = nd_xrealloc(lg->e, (size_t)lg->cap * sizeof(*lg->e));
	}
	lg->e[lg->n].art = slot;
	lg->e[lg->n].views = views;
	return lg->n++;
}

static void touch(struct nd_rank *r, uint32_t slot, uint32_t gen)
{
	if (r->art[slot].mark == gen)
		return;
	r->art[slot].mark = gen;
	if (r->ntouched == r->touched_cap) {
		r->touched_cap = r->touched_cap ? r->touched_cap * 2 : 256;
		r->touched = nd_xrealloc(r->touched, r->touched_cap * sizeof(*r->touched));
	}
	r->touched[r->ntouched++] = slot;
}

void nd__rank_apply(struct nd_rank *r, const struct nd_rank_delta *d, size_t n)
{
	uint32_t gen = nd__rank_next_gen(r);

	for (size_t i = 0; i < n; i++) {
		int64_t h = d[i].hour > r->hour ? r->hour : d[i].hour;
		uint32_t v = d[i].views, slot;
		struct nd__rank_hlog *lg;
		struct nd__rank_art *a;

		if (v == 0 || h <= r->hour - ND_RANK_HOURS)
			continue;
		slot = nd__rank_art_get(r, d[i].id);
		a = &r->art[slot];
		lg = &r->log[nd__rank_log_index(h)];
		if (h >= r->hour - 1) {
			/* The 1h window reads these two hours per article:
			 * keep them in the parity cache, one record each. */
			unsigned k = (unsigned)(h & 1);
			if (a->rhour[k] == (uint32_t)h) {
				lg->e[a->rpos[k]].views += v;
				a->rviews[k] += v;
			} else {
				a->rpos[k] = log_push(lg, h, slot, v);
				a->rhour[k] = (uint32_t)h;
				a->rviews[k] = v;
			}
		} else {
			log_push(lg, h, slot, v);
		}
		a->s7d += v;
		if (h > r->hour - 24)
			a->s24 += v;
		if (h > r->hour - ND__RANK_RECENT_HOURS)
			a->s3 += v;
		else
			a->flags |= ND__ART_DOWN; /* a higher baseline: a lower trend */
		touch(r, slot, gen);
	}
}

size_t nd__rank_window_bytes(const struct nd_rank *r)
{
	size_t b = (size_t)r->art_cap * sizeof(*r->art) + (size_t)r->free_cap * sizeof(uint32_t) +
	           (r->map ? ((size_t)r->map_mask + 1) * sizeof(uint32_t) : 0) +
	           (size_t)r->touched_cap * sizeof(uint32_t);

	for (uint32_t i = 0; i < ND_RANK_HOURS; i++)
		b += (size_t)r->log[i].cap * sizeof(struct nd__rank_hent);
	return b;
}
