#include "helpers/cmocka.h"

#include <math.h>

#include "rank/rank_int.h"

#define T0 1710028800LL /* 2024-03-10T00:00:00Z */
#define H0 (T0 / 3600)

static void test_formula(void **state)
{
	struct nd_rank_params p;

	nd_rank_params_init(&p);
	assert_int_equal(p.trend_min_views, 10);
	assert_true(p.trend_prior == 20.0);
	/* Below the minimum, or nothing at all: not listed. */
	assert_true(nd__rank_trend_score(&p, 9, 0, 0, 3) == 0);
	p.trend_min_views = 0;
	assert_true(nd__rank_trend_score(&p, 0, 100, 10, 3) == 0);
	/* No earlier hours: against the prior alone. */
	assert_true(nd__rank_trend_score(&p, 10, 0, 0, 3) == 1.5);
	assert_true(nd__rank_trend_score(&p, 10, 999, 0, 3) == 1.5);
	/* At its usual pace: 1. 10 a hour for 10 hours, 30 in 3 hours. */
	assert_true(nd__rank_trend_score(&p, 30, 100, 10, 3) == 1.0);
	/* Three times its pace: (90 + 20) / (30 + 20). */
	assert_true(nd__rank_trend_score(&p, 90, 100, 10, 3) == 2.2);
	/* Half its pace, over a shorter span: (15 + 20) / (25 + 20). */
	assert_true(fabs(nd__rank_trend_score(&p, 15, 100, 10, 2.5) - 35.0 / 45.0) < 1e-12);
}

struct series {
	uint32_t id;
	int64_t published_hour;
	uint32_t per_hour;  /* views every hour from publication to H0-3 */
	uint32_t recent[3]; /* hours H0-2, H0-1, H0 */
};

static struct nd_rank *site(const struct nd_rank_params *p, const struct series *s, size_t n,
                            int64_t now)
{
	struct nd_rank *r = nd_rank_new(p, now);
	struct nd_rank_article a[16];
	struct nd_rank_delta d[16 * 200];
	size_t nd = 0;

	for (size_t i = 0; i < n; i++) {
		a[i] = (struct nd_rank_article){.id = s[i].id,
		                                .published_at = s[i].published_hour * 3600};
		for (int64_t h = s[i].published_hour; h <= H0 - 3; h++)
			if (h > H0 - 168 && s[i].per_hour)
				d[nd++] = (struct nd_rank_delta){s[i].id, h, s[i].per_hour};
		for (int k = 0; k < 3; k++)
			if (s[i].recent[k])
				d[nd++] =
				    (struct nd_rank_delta){s[i].id, H0 - 2 + k, s[i].recent[k]};
	}
	nd_rank_set_articles(r, a, n);
	nd_rank_add(r, d, nd, now);
	return r;
}

static double score_of(const struct nd_rank *r, uint32_t id, size_t *pos)
{
	struct nd_rank_item it[ND_RANK_MAX];
	size_t n = nd_rank_top(r, ND_RANK_TRENDING, ND_RANK_SITE, ND_RANK_MAX, it);

	for (size_t i = 0; i < n; i++)
		if (it[i].id == id) {
			*pos = i;
			return it[i].score;
		}
	*pos = SIZE_MAX;
	return 0;
}

/*
 * A spike beats a steady article with twenty times its volume, an article
 * at its usual pace scores about 1, a decaying one less, and a new article
 * with a handful of views is not listed (or, with no minimum, is far from
 * the top). Half past the hour.
 */
static void test_spike_beats_volume_and_new_articles(void **state)
{
	enum { STEADY = 1, SPIKE = 2, NEW5 = 3, NEW15 = 4, FADING = 5, YOUNG = 6 };
	const struct series s[] = {
	    {STEADY, H0 - 72, 200, {200, 200, 100}},
	    {SPIKE, H0 - 72, 10, {60, 60, 30}},
	    {NEW5, H0, 0, {0, 0, 5}},
	    {NEW15, H0, 0, {0, 0, 15}},
	    {FADING, H0 - 10, 300, {40, 30, 10}},
	    /* Published 10 hours ago, steady since: its rate is over those 8
	     * hours, not the 165 of the window. */
	    {YOUNG, H0 - 10, 50, {50, 50, 25}},
	};
	int64_t now = T0 + 30 * 60;
	struct nd_rank_params p;
	struct nd_rank *r;
	size_t pos;
	double sc;

	nd_rank_params_init(&p);
	r = site(&p, s, 6, now);
	assert_true(score_of(r, SPIKE, &pos) > 3.0);
	assert_int_equal(pos, 0);
	sc = score_of(r, STEADY, &pos);
	assert_true(sc > 0.95 && sc < 1.05);
	sc = score_of(r, YOUNG, &pos);
	assert_true(sc > 0.95 && sc < 1.05);
	sc = score_of(r, FADING, &pos);
	assert_true(sc > 0 && sc < 0.5);
	score_of(r, NEW5, &pos);
	assert_int_equal(pos, SIZE_MAX); /* under trend_min_views */
	assert_true(score_of(r, NEW15, &pos) == 35.0 / 20.0);
	assert_int_equal(pos, 1);
	nd_rank_free(r);

	/* No minimum: 5 views of a new article still rank below the spike. */
	p.trend_min_views = 0;
	r = site(&p, s, 6, now);
	score_of(r, SPIKE, &pos);
	assert_int_equal(pos, 0);
	assert_true(score_of(r, NEW5, &pos) == 25.0 / 20.0);
	assert_true(pos > 1);
	nd_rank_free(r);
}

/* Trending follows the clock: an hour later the spike's first hour is
 * part of its baseline and the score falls; the item's views are the
 * last three hours'. */
static void test_trending_moves_with_the_hours(void **state)
{
	const struct series s[] = {{1, H0 - 48, 10, {100, 0, 0}}};
	struct nd_rank_item it[1];
	struct nd_rank *r = site(NULL, s, 1, T0 + 5 * 60);
	double before;

	assert_int_equal(nd_rank_top(r, ND_RANK_TRENDING, ND_RANK_SITE, 1, it), 1);
	assert_int_equal(it[0].views, 100);
	before = it[0].score;
	nd_rank_tick(r, T0 + 40 * 60); /* a longer span for the same views */
	assert_int_equal(nd_rank_top(r, ND_RANK_TRENDING, ND_RANK_SITE, 1, it), 1);
	assert_true(it[0].score < before);
	nd_rank_tick(r, T0 + 3600); /* H0-2 leaves the recent hours */
	assert_int_equal(nd_rank_top(r, ND_RANK_TRENDING, ND_RANK_SITE, 1, it), 0);
	nd_rank_free(r);
}

/* Views arriving late for an old hour raise the baseline: the trending
 * score of that article drops at once. */
static void test_late_baseline_lowers_the_score(void **state)
{
	const struct series s[] = {{1, H0 - 48, 10, {50, 50, 50}}, {2, H0 - 48, 10, {40, 40, 40}}};
	struct nd_rank_delta late = {1, H0 - 20, 2000};
	struct nd_rank_item it[2];
	struct nd_rank *r = site(NULL, s, 2, T0 + 59 * 60);
	double before;

	assert_int_equal(nd_rank_top(r, ND_RANK_TRENDING, ND_RANK_SITE, 2, it), 2);
	assert_int_equal(it[0].id, 1);
	before = it[0].score;
	nd_rank_add(r, &late, 1, T0 + 59 * 60 + 1);
	assert_int_equal(nd_rank_top(r, ND_RANK_TRENDING, ND_RANK_SITE, 2, it), 2);
	assert_int_equal(it[0].id, 2);
	assert_int_equal(it[1].id, 1);
	assert_true(it[1].score < before);
	nd_rank_free(r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_formula),
	    cmocka_unit_test(test_spike_beats_volume_and_new_articles),
	    cmocka_unit_test(test_trending_moves_with_the_hours),
	    cmocka_unit_test(test_late_baseline_lowers_the_score),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
