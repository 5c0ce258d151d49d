#include "helpers/cmocka.h"

#include <pthread.h>
#include <stdatomic.h>

#include "core/mem.h"
#include "rank/rank.h"
#include "rank_fixture.h"

#define T0 1710028800LL /* 2024-03-10T00:00:00Z */
#define H0 (T0 / 3600)

static uint64_t rnd(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static struct nd_rank_article art(uint32_t id, int64_t pub, uint32_t s1, uint32_t s2, uint32_t s3)
{
	struct nd_rank_article a = {.id = id, .published_at = pub};

	if (s1)
		a.scopes[a.nscopes++] = s1;
	if (s2)
		a.scopes[a.nscopes++] = s2;
	if (s3)
		a.scopes[a.nscopes++] = s3;
	return a;
}

/* Asserts the list of (w, scope) is exactly ids[0..n), in order. */
static void expect_ids(const struct nd_rank *r, enum nd_rank_window w, uint32_t scope,
                       const uint32_t *ids, size_t n)
{
	struct nd_rank_item it[ND_RANK_MAX];
	size_t got = nd_rank_top(r, w, scope, ND_RANK_MAX, it);

	for (size_t i = 0; i < got && i < n; i++)
		if (it[i].id != ids[i])
			fail_msg("window %d scope %u: item %zu is %u, expected %u", (int)w, scope,
			         i, it[i].id, ids[i]);
	assert_int_equal(got, n);
}

static void test_order_and_ties(void **state)
{
	struct nd_rank *r = nd_rank_new(NULL, T0 + 600);
	/* 5 and 3 tie on views and time: the smaller id first. 7 ties with
	 * them on views but is newer. 9 has more views and is oldest. */
	struct nd_rank_article a[] = {
	    art(3, T0 - 7200, 0, 0, 0),  art(5, T0 - 7200, 0, 0, 0), art(7, T0 - 60, 0, 0, 0),
	    art(9, T0 - 86400, 0, 0, 0), art(11, T0 - 10, 0, 0, 0),
	};
	struct nd_rank_delta d[] = {
	    {5, H0, 4}, {3, H0, 4}, {7, H0, 4}, {9, H0, 6}, {11, H0, 1},
	};
	struct nd_rank_item it[8];
	static const uint32_t want[] = {9, 7, 3, 5, 11};

	nd_rank_set_articles(r, a, 5);
	nd_rank_add(r, d, 5, T0 + 600);
	expect_ids(r, ND_RANK_1H, ND_RANK_SITE, want, 5);
	expect_ids(r, ND_RANK_24H, ND_RANK_SITE, want, 5);
	expect_ids(r, ND_RANK_7D, ND_RANK_SITE, want, 5);
	assert_int_equal(nd_rank_top(r, ND_RANK_24H, ND_RANK_SITE, 8, it), 5);
	assert_int_equal(it[0].views, 6);
	assert_true(it[0].score == 6.0);
	assert_int_equal(it[4].views, 1);
	/* One more view for 5 breaks its tie with 3 and 7. */
	d[0].views = 1;
	nd_rank_add(r, d, 1, T0 + 601);
	static const uint32_t want2[] = {9, 5, 7, 3, 11};
	expect_ids(r, ND_RANK_24H, ND_RANK_SITE, want2, 5);
	nd_rank_free(r);
}

/* An article counts in its section and every ancestor, nowhere else. */
static void test_scopes(void **state)
{
	enum { WORLD = 10, SPORT = 11, EUROPE = 20, ASIA = 21, FRANCE = 40 };
	struct nd_rank *r = nd_rank_new(NULL, T0);
	struct nd_rank_article a[] = {
	    art(1, T0, FRANCE, EUROPE, WORLD), /* deepest */
	    art(2, T0, EUROPE, WORLD, 0),      art(3, T0, ASIA, WORLD, 0),
	    art(4, T0, SPORT, 0, 0),           art(5, T0, 0, 0, 0), /* the site only */
	    art(6, T0, WORLD, WORLD, 0),                            /* a repeat is ignored */
	};
	struct nd_rank_delta d[] = {{1, H0, 10}, {2, H0, 20}, {3, H0, 30},
	                            {4, H0, 40}, {5, H0, 50}, {6, H0, 5}};
	static const uint32_t site[] = {5, 4, 3, 2, 1, 6}, world[] = {3, 2, 1, 6},
	                      europe[] = {2, 1}, france[] = {1}, asia[] = {3}, sport[] = {4};

	nd_rank_set_articles(r, a, 6);
	nd_rank_add(r, d, 6, T0 + 1);
	for (int w = 0; w < ND_RANK_TRENDING; w++) {
		expect_ids(r, w, ND_RANK_SITE, site, 6);
		expect_ids(r, w, WORLD, world, 4);
		expect_ids(r, w, EUROPE, europe, 2);
		expect_ids(r, w, FRANCE, france, 1);
		expect_ids(r, w, ASIA, asia, 1);
		expect_ids(r, w, SPORT, sport, 1);
		expect_ids(r, w, 12345, NULL, 0); /* no such section */
	}
	nd_rank_free(r);
}

/* Unpublishing takes an article out at once; the others keep their counts,
 * and it comes back with its own if it is published again. */
static void test_catalogue_replacement(void **state)
{
	struct nd_rank *r = nd_rank_new(NULL, T0);
	struct nd_rank_article a[] = {art(1, T0, 10, 0, 0), art(2, T0, 10, 0, 0),
	                              art(3, T0, 11, 0, 0)};
	struct nd_rank_delta d[] = {{1, H0, 30}, {2, H0, 20}, {3, H0, 10}};
	struct nd_rank_item it[4];
	static const uint32_t all[] = {1, 2, 3}, without1[] = {2, 3};

	nd_rank_set_articles(r, a, 3);
	nd_rank_add(r, d, 3, T0 + 5);
	expect_ids(r, ND_RANK_24H, ND_RANK_SITE, all, 3);

	/* 1 is unpublished. */
	nd_rank_set_articles(r, a + 1, 2);
	for (int w = 0; w < ND_RANK_WINDOWS; w++) {
		size_t n = nd_rank_top(r, w, ND_RANK_SITE, 4, it);
		for (size_t i = 0; i < n; i++)
			assert_int_not_equal(it[i].id, 1);
	}
	expect_ids(r, ND_RANK_24H, ND_RANK_SITE, without1, 2);
	expect_ids(r, ND_RANK_24H, 10, without1, 1);
	assert_int_equal(nd_rank_top(r, ND_RANK_24H, ND_RANK_SITE, 4, it), 2);
	assert_int_equal(it[0].views, 20);
	assert_int_equal(it[1].views, 10);

	/* Views keep coming for it while it is out. */
	d[0].views = 5;
	nd_rank_add(r, d, 1, T0 + 6);
	expect_ids(r, ND_RANK_24H, ND_RANK_SITE, without1, 2);

	/* Back, moved to section 11, with all 35 views. */
	a[0].scopes[0] = 11;
	nd_rank_set_articles(r, a, 3);
	expect_ids(r, ND_RANK_24H, ND_RANK_SITE, all, 3);
	assert_int_equal(nd_rank_top(r, ND_RANK_24H, ND_RANK_SITE, 1, it), 1);
	assert_int_equal(it[0].views, 35);
	expect_ids(r, ND_RANK_24H, 10, without1, 1); /* 2 alone */
	static const uint32_t sec11[] = {1, 3};
	expect_ids(r, ND_RANK_24H, 11, sec11, 2);

	/* An empty catalogue empties every list; section 10 now has none. */
	nd_rank_set_articles(r, NULL, 0);
	for (int w = 0; w < ND_RANK_WINDOWS; w++) {
		assert_int_equal(nd_rank_top(r, w, ND_RANK_SITE, 4, it), 0);
		assert_int_equal(nd_rank_top(r, w, 10, 4, it), 0);
	}
	nd_rank_free(r);
}

/* Deltas may come before the catalogue (the start-up load). */
static void test_views_before_catalogue(void **state)
{
	struct nd_rank *r = nd_rank_new(NULL, T0);
	struct nd_rank_delta d[] = {{1, H0 - 30, 7}, {2, H0 - 2, 9}, {1, H0, 1}};
	struct nd_rank_article a[] = {art(1, T0 - 86400 * 3, 0, 0, 0), art(2, T0 - 86400, 0, 0, 0)};
	struct nd_rank_item it[4];
	static const uint32_t d7[] = {2, 1}, h24[] = {2, 1}, h1[] = {1};

	nd_rank_add(r, d, 3, T0 + 10);
	assert_int_equal(nd_rank_top(r, ND_RANK_7D, ND_RANK_SITE, 4, it), 0);
	nd_rank_set_articles(r, a, 2);
	expect_ids(r, ND_RANK_7D, ND_RANK_SITE, d7, 2);
	expect_ids(r, ND_RANK_24H, ND_RANK_SITE, h24, 2);
	expect_ids(r, ND_RANK_1H, ND_RANK_SITE, h1, 1);
	nd_rank_free(r);
}

static void test_limits(void **state)
{
	struct nd_rank *r = nd_rank_new(NULL, T0);
	struct nd_rank_article a[ND_RANK_MAX + 50];
	struct nd_rank_delta d[ND_RANK_MAX + 50];
	struct nd_rank_item it[ND_RANK_MAX + 50];

	/* An engine with nothing in it. */
	for (int w = 0; w < ND_RANK_WINDOWS; w++)
		assert_int_equal(nd_rank_top(r, w, ND_RANK_SITE, 10, it), 0);
	for (uint32_t i = 0; i < ND_RANK_MAX + 50; i++) {
		a[i] = art(i + 1, T0, i < 3 ? 7 : 8, 0, 0);
		d[i] = (struct nd_rank_delta){i + 1, H0, 1000 - i};
	}
	nd_rank_set_articles(r, a, ND_RANK_MAX + 50);
	nd_rank_add(r, d, ND_RANK_MAX + 50, T0 + 1);
	it[0].id = 4242;
	assert_int_equal(nd_rank_top(r, ND_RANK_24H, ND_RANK_SITE, 0, it), 0);
	assert_int_equal(it[0].id, 4242); /* limit 0 writes nothing */
	assert_int_equal(nd_rank_top(r, ND_RANK_24H, ND_RANK_SITE, 1, it), 1);
	assert_int_equal(it[0].id, 1);
	assert_int_equal(nd_rank_top(r, ND_RANK_24H, 7, 10, it), 3); /* more than exist */
	assert_int_equal(nd_rank_top(r, ND_RANK_24H, 8, 10, it), 10);
	assert_int_equal(it[9].id, 13);
	/* More than a list holds. */
	it[ND_RANK_MAX].id = 4242;
	assert_int_equal(nd_rank_top(r, ND_RANK_24H, ND_RANK_SITE, ND_RANK_MAX + 50, it),
	                 ND_RANK_MAX);
	assert_int_equal(it[ND_RANK_MAX - 1].id, ND_RANK_MAX);
	assert_int_equal(it[ND_RANK_MAX].id, 4242);
	assert_int_equal(nd_rank_top(r, ND_RANK_24H, ND_RANK_SITE, SIZE_MAX, it), ND_RANK_MAX);
	nd_rank_free(r);
}

/* The 1h window weights the previous hour by what is left of it. */
static void test_1h_moves_with_the_minute(void **state)
{
	struct nd_rank *r = nd_rank_new(NULL, T0 - 600);
	struct nd_rank_article a[] = {art(1, T0 - 86400, 0, 0, 0), art(2, T0 - 86400, 0, 0, 0)};
	struct nd_rank_delta prev = {1, H0 - 1, 100}, cur = {2, H0, 60};
	struct nd_rank_item it[2];
	static const uint32_t first1[] = {1, 2}, first2[] = {2, 1};

	nd_rank_set_articles(r, a, 2);
	nd_rank_add(r, &prev, 1, T0 - 600);
	nd_rank_add(r, &cur, 1, T0 + 30);
	expect_ids(r, ND_RANK_1H, ND_RANK_SITE, first1, 2); /* 100 against 60 */
	nd_rank_tick(r, T0 + 20 * 60);                      /* 66 against 60 */
	expect_ids(r, ND_RANK_1H, ND_RANK_SITE, first1, 2);
	assert_int_equal(nd_rank_top(r, ND_RANK_1H, ND_RANK_SITE, 2, it), 2);
	assert_int_equal(it[0].views, 66);
	nd_rank_tick(r, T0 + 30 * 60); /* 50 against 60 */
	expect_ids(r, ND_RANK_1H, ND_RANK_SITE, first2, 2);
	assert_int_equal(nd_rank_top(r, ND_RANK_1H, ND_RANK_SITE, 2, it), 2);
	assert_int_equal(it[1].views, 50);
	nd_rank_tick(r, T0 + 3600); /* 0 + 0 against 60 weighted to 60 */
	assert_int_equal(nd_rank_top(r, ND_RANK_1H, ND_RANK_SITE, 2, it), 1);
	assert_int_equal(it[0].id, 2);
	assert_int_equal(it[0].views, 60);
	nd_rank_tick(r, T0 + 3600 + 45 * 60);
	assert_int_equal(nd_rank_top(r, ND_RANK_1H, ND_RANK_SITE, 2, it), 1);
	assert_int_equal(it[0].views, 15);
	nd_rank_tick(r, T0 + 7200);
	assert_int_equal(nd_rank_top(r, ND_RANK_1H, ND_RANK_SITE, 2, it), 0);
	/* Both are still in 24h. */
	assert_int_equal(nd_rank_top(r, ND_RANK_24H, ND_RANK_SITE, 2, it), 2);
	nd_rank_free(r);
}

/* Views 25 hours ago count in 7d, not in 24h; after 7 days in neither. */
static void test_hours_leave_the_lists(void **state)
{
	struct nd_rank *r = nd_rank_new(NULL, T0);
	struct nd_rank_article a[] = {art(1, T0 - 86400 * 2, 0, 0, 0), art(2, T0, 0, 0, 0)};
	struct nd_rank_delta d[] = {{1, H0 - 25, 50}, {2, H0, 10}};
	static const uint32_t d7[] = {1, 2}, h24[] = {2};

	nd_rank_set_articles(r, a, 2);
	nd_rank_add(r, d, 2, T0);
	expect_ids(r, ND_RANK_7D, ND_RANK_SITE, d7, 2);
	expect_ids(r, ND_RANK_24H, ND_RANK_SITE, h24, 1);
	nd_rank_tick(r, T0 + 23 * 3600);
	expect_ids(r, ND_RANK_24H, ND_RANK_SITE, h24, 1);
	nd_rank_tick(r, T0 + 24 * 3600);
	expect_ids(r, ND_RANK_24H, ND_RANK_SITE, NULL, 0);
	expect_ids(r, ND_RANK_7D, ND_RANK_SITE, d7, 2);
	nd_rank_tick(r, T0 + (168 - 25) * 3600);
	expect_ids(r, ND_RANK_7D, ND_RANK_SITE, h24, 1);
	nd_rank_tick(r, T0 + 168 * 3600);
	expect_ids(r, ND_RANK_7D, ND_RANK_SITE, NULL, 0);
	nd_rank_free(r);
}

/* A random site: sections two and three deep, articles published at a few
 * times (ties), some catalogued twice, some never. */
static size_t random_catalogue(uint64_t *s, int64_t now, uint32_t nids, struct nd_rank_article *a)
{
	static const uint32_t parent[][3] = {
	    {10, 0, 0}, {11, 0, 0}, {20, 10, 0}, {21, 10, 0}, {30, 11, 0}, {40, 20, 10},
	};
	size_t n = 0;

	for (uint32_t id = 1; id <= nids; id++) {
		uint64_t k = rnd(s) % 100;
		const uint32_t *sec = parent[rnd(s) % 6];
		if (k < 12)
			continue; /* not published */
		a[n] = art(id, now - (int64_t)(rnd(s) % 6) * 3 * 3600, 0, 0, 0);
		for (int l = 0; l < 3 && sec[l]; l++)
			a[n].scopes[a[n].nscopes++] = sec[l];
		if (k < 15 && a[n].nscopes < ND_MAX_SECTION_DEPTH)
			a[n].scopes[a[n].nscopes++] = ND_RANK_SITE; /* ignored */
		n++;
		if (k > 97) { /* the same id again, later entry wins */
			a[n] = a[n - 1];
			a[n].published_at -= 3600;
			a[n].nscopes = 1;
			a[n].scopes[0] = 30;
			n++;
		}
	}
	return n;
}

static void compare_all(const struct nd_rank *r, struct model *m, uint64_t *s)
{
	static const uint32_t scopes[] = {ND_RANK_SITE, 10, 11, 20, 21, 30, 40, 99};
	struct nd_rank_item got[ND_RANK_MAX + 1], want[ND_RANK_MAX];

	model_prepare(m);
	for (int w = 0; w < ND_RANK_WINDOWS; w++) {
		for (size_t k = 0; k < ND_COUNT(scopes); k++) {
			size_t limit = rnd(s) % 4 == 0 ? 1 + rnd(s) % 20 : ND_RANK_MAX + 1;
			size_t n = nd_rank_top(r, w, scopes[k], limit, got);
			size_t wn = model_top(m, w, scopes[k], limit, want);
			for (size_t i = 0; i < n && i < wn; i++) {
				if (got[i].id != want[i].id || got[i].views != want[i].views ||
				    got[i].score != want[i].score)
					fail_msg(
					    "t=%lld window %d scope %u item %zu: got %u (%u, %g), "
					    "want %u (%u, %g)",
					    (long long)m->now, w, scopes[k], i, got[i].id,
					    got[i].views, got[i].score, want[i].id, want[i].views,
					    want[i].score);
			}
			assert_int_equal(n, wn);
		}
	}
}

/*
 * The property the engine rests on: after any sequence of deltas (skewed,
 * so that lists overflow and articles cross the top and leave it),
 * clock moves (seconds to days) and catalogue changes, every list of
 * every window and scope equals a brute-force ranking of all articles.
 */
static void test_random_streams_match_brute_force(void **state)
{
	for (uint64_t seed = 1; seed <= 5; seed++) {
		uint64_t s = seed * 7777;
		int64_t now = T0 + (int64_t)(rnd(&s) % 86400);
		const uint32_t nids = 700;
		struct nd_rank_params p;
		struct nd_rank *r;
		struct model m;
		static struct nd_rank_article cat[1500];
		size_t ncat;

		nd_rank_params_init(&p);
		p.trend_min_views = (uint32_t)(seed % 3) * 5;
		r = nd_rank_new(&p, now);
		model_init(&m, &p, now);
		ncat = random_catalogue(&s, now, nids, cat);
		nd_rank_set_articles(r, cat, ncat);
		model_set_articles(&m, cat, ncat);
		for (int step = 0; step < 300; step++) {
			struct nd_rank_delta d[160];
			size_t n = rnd(&s) % 160;
			uint64_t how = rnd(&s) % 100;
			int64_t h;

			if (how < 45)
				now += (int64_t)(rnd(&s) % 90);
			else if (how < 80)
				now += (int64_t)(rnd(&s) % 5400);
			else if (how < 97)
				now += (int64_t)(rnd(&s) % 86400);
			else
				now += (int64_t)(rnd(&s) % (8 * 86400));
			h = nd_rank_hour(now);
			for (size_t i = 0; i < n; i++) {
				/* Skewed: low ids are read far more. */
				uint64_t x = rnd(&s) % 1000;
				uint64_t k = rnd(&s) % 100;
				d[i].id = 1 + (uint32_t)(x * x * nids / 1000000);
				d[i].views = 1 + (uint32_t)(rnd(&s) % (k < 50 ? 3 : 40));
				if (k < 55)
					d[i].hour = h;
				else if (k < 70)
					d[i].hour = h - 1;
				else if (k < 95)
					d[i].hour = h - (int64_t)(rnd(&s) % 180);
				else
					d[i].hour = h + 1;
				if (rnd(&s) % 50 == 0)
					d[i].id = nids + 1 +
					          (uint32_t)(rnd(&s) % 20); /* not catalogued */
			}
			if (rnd(&s) % 5 == 0) {
				nd_rank_tick(r, now);
				model_tick(&m, now);
				compare_all(r, &m, &s);
			}
			nd_rank_add(r, d, n, now);
			model_add(&m, d, n, now);
			if (rnd(&s) % 25 == 0) {
				ncat = random_catalogue(&s, now, nids, cat);
				nd_rank_set_articles(r, cat, ncat);
				model_set_articles(&m, cat, ncat);
			}
			compare_all(r, &m, &s);
		}
		model_release(&m);
		nd_rank_free(r);
	}
}

static void test_version_moves_with_changes(void **state)
{
	struct nd_rank *r = nd_rank_new(NULL, T0);
	struct nd_rank_article a = art(1, T0, 0, 0, 0);
	struct nd_rank_delta d = {1, H0, 3};
	uint64_t v0 = nd_rank_version(r), v1, v2;

	nd_rank_set_articles(r, &a, 1);
	assert_int_equal(nd_rank_version(r), v0); /* nothing to show yet */
	nd_rank_add(r, &d, 1, T0 + 1);
	v1 = nd_rank_version(r);
	assert_true(v1 > v0);
	nd_rank_add(r, NULL, 0, T0 + 2); /* same minute: nothing moved */
	assert_int_equal(nd_rank_version(r), v1);
	nd_rank_add(r, &d, 1, T0 + 3);
	v2 = nd_rank_version(r);
	assert_true(v2 > v1);
	nd_rank_free(r);
}

/*
 * Concurrency: a writer adds views while readers read every list. In step
 * s, article i has s * weight(i) views in every window, so a list read
 * whole has views[k] / weight(id[k]) equal for every k; a list torn between
 * two publications does not. Readers also check the order and that the
 * step never goes back.
 */
#define CONC_ARTICLES 120
#define CONC_STEPS    1500

static struct nd_rank *conc_rank;
static atomic_bool conc_done;

static uint32_t weight(uint32_t id)
{
	return 1 + id % 7;
}

static void *conc_reader(void *arg)
{
	struct nd_rank_item it[ND_RANK_MAX];
	uint32_t last_step[ND_RANK_WINDOWS] = {0};
	uintptr_t bad = 0;
	size_t reads = 0;

	while (!atomic_load(&conc_done) || reads < 1000) {
		for (int w = 0; w < ND_RANK_WINDOWS; w++) {
			uint32_t scope = (reads & 1) ? 5 : ND_RANK_SITE;
			size_t n = nd_rank_top(conc_rank, w, scope, ND_RANK_MAX, it);
			uint32_t step;
			reads++;
			if (n == 0)
				continue;
			step = it[0].views / weight(it[0].id);
			for (size_t k = 0; k < n; k++) {
				if (it[k].views != step * weight(it[k].id))
					bad = 1; /* torn */
				if (k && it[k].views > it[k - 1].views)
					bad = 2; /* out of order */
				if (scope == 5 && it[k].id % 2)
					bad = 3; /* odd ids are not in section 5 */
			}
			if (n != (scope == 5 ? CONC_ARTICLES / 2 : ND_RANK_MAX))
				bad = 4;
			if (scope == ND_RANK_SITE) {
				if (step < last_step[w])
					bad = 5; /* went back */
				last_step[w] = step;
			}
		}
	}
	return (void *)bad;
}

static void test_concurrent_readers_see_whole_lists(void **state)
{
	struct nd_rank_article a[CONC_ARTICLES];
	struct nd_rank_delta d[CONC_ARTICLES];
	struct nd_rank_params p;
	pthread_t th[2];

	nd_rank_params_init(&p);
	p.trend_min_views = 0;
	conc_rank = nd_rank_new(&p, T0);
	for (uint32_t i = 0; i < CONC_ARTICLES; i++)
		a[i] = art(i + 1, T0, (i + 1) % 2 ? 0 : 5, 0, 0);
	nd_rank_set_articles(conc_rank, a, CONC_ARTICLES);
	atomic_store(&conc_done, false);
	for (int i = 0; i < 2; i++)
		assert_int_equal(pthread_create(&th[i], NULL, conc_reader, NULL), 0);
	for (uint32_t step = 1; step <= CONC_STEPS; step++) {
		for (uint32_t i = 0; i < CONC_ARTICLES; i++)
			d[i] = (struct nd_rank_delta){i + 1, H0, weight(i + 1)};
		/* One second a step, all in one hour: no views leave. */
		nd_rank_add(conc_rank, d, CONC_ARTICLES, T0 + step);
	}
	atomic_store(&conc_done, true);
	for (int i = 0; i < 2; i++) {
		void *bad;
		pthread_join(th[i], &bad);
		assert_int_equal((uintptr_t)bad, 0);
	}
	nd_rank_free(conc_rank);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_order_and_ties),
	    cmocka_unit_test(test_scopes),
	    cmocka_unit_test(test_catalogue_replacement),
	    cmocka_unit_test(test_views_before_catalogue),
	    cmocka_unit_test(test_limits),
	    cmocka_unit_test(test_1h_moves_with_the_minute),
	    cmocka_unit_test(test_hours_leave_the_lists),
	    cmocka_unit_test(test_random_streams_match_brute_force),
	    cmocka_unit_test(test_version_moves_with_changes),
	    cmocka_unit_test(test_concurrent_readers_see_whole_lists),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
