/*
 * Simulated reader activity for the demo site (issue 4, item 5): views over
 * the last 30 days with a long-tailed popularity (lognormal, a few
 * articles with thousands, most with tens) that falls off with age and
 * follows the day (more in the morning and evening), plus about one
 * reaction per hundred views. Deterministic for a given time; written in
 * one transaction, then hours older than 30 days folded into days. The
 * store remembers it (meta "simulated_activity") so the footer can say so
 * and a second `newsdesk demo` replaces it instead of adding to it; real
 * counts (no such mark) are never touched.
 *
 * And reading histories for the Recommendation list: DEMO_READERS
 * simulated readers (visitor kind 'd') with a few sessions each over the
 * last HISTORY_DAYS days, each session a handful of articles read minutes
 * apart, the first picked by popularity, the next mostly from the same
 * section, so the co-visitation model has pairs to learn from.
 */
#include <math.h>
#include <stdbool.h>
#include <sys/types.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli_int.h"
#include "core/err.h"
#include "core/hash.h"
#include "core/mem.h"
#include "store/store.h"

#define DAYS         30
#define REACT_SHARE  0.01 /* reactions per view */
#define DEMO_READERS 3000
#define HISTORY_DAYS 14

/* A deterministic simulation: the same activity for the same time. */
static uint64_t next(uint64_t *s)
{
	return nd_splitmix64(s);
}

static double uniform(uint64_t *s)
{
	return ((double)(next(s) >> 11) + 0.5) / 9007199254740992.0;
}

static double normal(uint64_t *s)
{
	return sqrt(-2 * log(uniform(s))) * cos(2 * M_PI * uniform(s));
}

struct articles {
	int64_t *id, *published, *section;
	double *life; /* simulated lifetime views: the popularity */
	size_t n, cap;
};

static int take(void *ctx, const struct nd_article_rec *r)
{
	struct articles *a = ctx;

	if (a->n == a->cap) {
		a->cap = a->cap ? 2 * a->cap : 512;
		a->id = nd_xrealloc(a->id, a->cap * sizeof(*a->id));
		a->published = nd_xrealloc(a->published, a->cap * sizeof(*a->published));
		a->section = nd_xrealloc(a->section, a->cap * sizeof(*a->section));
		a->life = nd_xrealloc(a->life, a->cap * sizeof(*a->life));
	}
	a->id[a->n] = r->id;
	a->section[a->n] = r->section_id;
	a->published[a->n++] = r->published_at;
	return 0;
}

static int any_views(void *ctx, int64_t article, int64_t views)
{
	(void)article;
	*(bool *)ctx |= views > 0;
	return 0;
}

/* Readers by hour of the day (UTC): mornings and evenings. */
static double diurnal(int64_t hour)
{
	static const double by_hour[24] = {0.3, 0.2, 0.15, 0.15, 0.2, 0.4, 0.8, 1.3,
	                                   1.6, 1.5, 1.2,  1.1,  1.2, 1.1, 1.0, 1.0,
	                                   1.0, 1.1, 1.3,  1.5,  1.6, 1.4, 0.9, 0.5};

	return by_hour[hour % 24];
}

/* An article published by t, by popularity (cum: the running sum of
 * life), from section when it is not 0; -1 when none is found. */
static ssize_t pick(const struct articles *a, const double *cum, int64_t t, int64_t section,
                    uint64_t *seed)
{
	for (int tries = 0; tries < 64; tries++) {
		double x = uniform(seed) * cum[a->n - 1];
		size_t lo = 0, hi = a->n - 1;

		while (lo < hi) {
			size_t mid = (lo + hi) / 2;

			if (cum[mid] < x)
				lo = mid + 1;
			else
				hi = mid;
		}
		if (a->published[lo] <= t && (!section || a->section[lo] == section))
			return (ssize_t)lo;
	}
	return -1;
}

/* The simulated readers' histories (see the top of the file). */
static int simulate_histories(struct nd_store *s, const struct articles *a, int64_t now,
                              uint64_t *seed, size_t *rows)
{
	double *cum = nd_xmalloc(a->n * sizeof(*cum));
	struct nd_history_rec *h = NULL;
	size_t n = 0, cap = 0;
	int rc;

	for (size_t i = 0; i < a->n; i++)
		cum[i] = (i ? cum[i - 1] : 0) + a->life[i];
	for (int reader = 0; reader < DEMO_READERS; reader++) {
		uint8_t visitor[ND_STORE_VISITOR_LEN] = {'d'};
		int sessions = 1 + (int)(uniform(seed) * 4);

		for (int b = 1; b < 17; b += 8) {
			uint64_t x = next(seed);
			memcpy(visitor + b, &x, 8);
		}
		for (int k = 0; k < sessions; k++) {
			int64_t t = now - (int64_t)(uniform(seed) * HISTORY_DAYS * 86400);
			int reads = 2 + (int)(uniform(seed) * 5);
			ssize_t last = -1;

			for (int j = 0; j < reads; j++, t += 60 + (int64_t)(uniform(seed) * 240)) {
				bool same = last >= 0 && uniform(seed) < 0.7;
				ssize_t x = pick(a, cum, t, same ? a->section[last] : 0, seed);

				if (x < 0 || x == last || t > now)
					continue;
				if (n == cap) {
					cap = cap ? 2 * cap : 4096;
					h = nd_xrealloc(h, cap * sizeof(*h));
				}
				memcpy(h[n].visitor, visitor, sizeof(visitor));
				h[n].article_id = a->id[x];
				h[n++].at = t;
				last = x;
			}
		}
	}
	rc = nd_store_history_add(s, h, n);
	*rows = rc ? 0 : n;
	free(h);
	free(cum);
	return rc;
}

int nd__demo_activity(struct nd_store *s, int64_t now)
{
	struct articles a = {0};
	struct nd_view_delta *d = NULL;
	struct nd_reaction_op *r = NULL;
	size_t nd = 0, dcap = 0, nr = 0, rcap = 0, rows = 0;
	int64_t mark, hour_now = now / 3600, first = hour_now - DAYS * 24;
	uint64_t seed = 0x6e6577736465736bull, total = 0;
	int rc;

	rc = nd_store_meta_int_get(s, "simulated_activity", &mark);
	if (rc == 0) {
		if ((rc = nd_store_counts_clear(s)))
			return rc;
	} else if (rc == ND_ENOTFOUND) {
		bool real = false;

		if ((rc = nd_store_each_article_views(s, any_views, &real)))
			return rc;
		if (real) {
			printf("the store has real reader counts: no simulated activity added\n");
			return 0;
		}
	} else {
		return rc;
	}
	if ((rc = nd_store_each_article(s, ND_STATUS_PUBLISHED, now, take, &a)))
		goto out;
	for (size_t i = 0; i < a.n; i++) {
		/* Lifetime views: lognormal, median e^5 = 148. */
		double life = exp(5.0 + 1.4 * normal(&seed)), weight = 0;

		a.life[i] = life;
		int64_t from = a.published[i] / 3600 > first ? a.published[i] / 3600 : first;

		for (int64_t h = from; h <= hour_now; h++) {
			double age = (double)(h - a.published[i] / 3600);
			weight += (0.8 * exp(-age / 18) + 0.2 * exp(-age / 168)) * diurnal(h);
		}
		for (int64_t h = from; h <= hour_now && weight > 0; h++) {
			double age = (double)(h - a.published[i] / 3600);
			double mean = life * (0.8 * exp(-age / 18) + 0.2 * exp(-age / 168)) *
			              diurnal(h) / weight;
			uint32_t v = (uint32_t)floor(mean + uniform(&seed));

			if (!v)
				continue;
			if (nd == dcap) {
				dcap = dcap ? 2 * dcap : 4096;
				d = nd_xrealloc(d, dcap * sizeof(*d));
			}
			d[nd++] = (struct nd_view_delta){a.id[i], h, v};
			total += v;
			/* About one reader in a hundred presses veryGood!. */
			for (uint32_t k = 0; k < v; k++) {
				if (uniform(&seed) >= REACT_SHARE)
					continue;
				if (nr == rcap) {
					rcap = rcap ? 2 * rcap : 1024;
					r = nd_xrealloc(r, rcap * sizeof(*r));
				}
				r[nr] = (struct nd_reaction_op){.article_id = a.id[i],
				                                .type = "verygood",
				                                .op = ND_REACT_ADD,
				                                .at = h * 3600};
				r[nr].visitor[0] = 'd'; /* a simulated reader */
				for (int b = 1; b < 17; b += 8) {
					uint64_t x = next(&seed);
					memcpy(r[nr].visitor + b, &x, 8);
				}
				nr++;
			}
		}
	}
	if ((rc = nd_store_counts_apply(s, d, nd, r, nr)) ||
	    (rc = nd_store_views_compact(s, (now / 86400 - DAYS) * 24)) ||
	    (a.n && (rc = simulate_histories(s, &a, now, &seed, &rows))) ||
	    (rc = nd_store_meta_int_set(s, "simulated_activity", now)))
		goto out;
	printf("simulated reader activity: %llu views and %zu reactions on %zu articles, %zu "
	       "history rows of %d readers\n",
	       (unsigned long long)total, nr, a.n, rows, a.n ? DEMO_READERS : 0);
out:
	free(a.id);
	free(a.published);
	free(a.section);
	free(a.life);
	free(d);
	free(r);
	return rc;
}
