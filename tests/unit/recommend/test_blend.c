#include "helpers/cmocka.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "recommend/blend.h"
#include "recommend/fresh.h"
#include "recommend/mind.h"

#define EPS 1e-9

/* cmocka 1.1 has no double comparison. */
#define assert_near(a, b) assert_true(fabs((a) - (b)) < EPS)

static void add(struct nd_mind_log *log, struct nd_mind_ids *items, struct nd_mind_ids *users,
                const char *line)
{
	assert_int_equal(nd_mind_log_add_line(log, line, strlen(line), items, users, NULL), 0);
}

/* Fresh: hours since the item's first sighting as a candidate, logged. */
static void test_fresh(void **state)
{
	struct nd_mind_ids *items = nd_mind_ids_new(), *users = nd_mind_ids_new();
	struct nd_mind_log a = ND_MIND_LOG_INIT, b = ND_MIND_LOG_INIT;
	struct nd_recs_fresh *fr;
	uint32_t n1, n2, n3;

	(void)state;
	add(&a, items, users, "1\tU1\t11/15/2019 8:00:00 AM\tN9\tN1-1 N2-0");
	add(&b, items, users, "2\tU2\t11/15/2019 10:00:00 AM\t\tN1-0 N3-1");
	add(&b, items, users, "3\tU2\t11/15/2019 7:00:00 AM\t\tN2-0");
	n1 = nd_mind_ids_intern(items, "N1", 2);
	n2 = nd_mind_ids_intern(items, "N2", 2);
	n3 = nd_mind_ids_intern(items, "N3", 2);
	fr = nd_recs_fresh_new(&a, &b, nd_mind_ids_count(items));
	/* At 10:00: N1 first seen at 8:00, N2 at 7:00, N3 at 10:00. */
	assert_near(nd_recs_fresh_score(fr, &b.imps[0], n1), -log1p(2.0));
	assert_near(nd_recs_fresh_score(fr, &b.imps[0], n2), -log1p(3.0));
	assert_near(nd_recs_fresh_score(fr, &b.imps[0], n3), 0);
	/* At 7:00 N1 is not seen yet: age 0, not negative. */
	assert_near(nd_recs_fresh_score(fr, &b.imps[1], n1), 0);
	/* N9 is only in a history: never a candidate. */
	assert_near(nd_recs_fresh_score(fr, &b.imps[0], nd_mind_ids_intern(items, "N9", 2)),
	            -log1p(ND_RECS_FRESH_UNSEEN_HOURS));
	nd_recs_fresh_free(fr);
	nd_mind_log_release(&a);
	nd_mind_log_release(&b);
	nd_mind_ids_free(items);
	nd_mind_ids_free(users);
}

/* Recent: clicks and showings in the 24 hours strictly before. */
static void test_recent(void **state)
{
	struct nd_mind_ids *items = nd_mind_ids_new(), *users = nd_mind_ids_new();
	struct nd_mind_log train = ND_MIND_LOG_INIT, test = ND_MIND_LOG_INIT;
	struct nd_recs_recent *r;
	const double m = ND_RECS_CTR_PRIOR, g = 3.0 / 6.0;
	uint32_t n1, n2;

	(void)state;
	/* Train: 6 showings, 3 clicks. N1 shown at day 13 (click), day 15 8:00
	 * (click), 9:00 (no), 11:00 (click, after the test impression). */
	add(&train, items, users, "1\tU1\t11/13/2019 8:00:00 AM\t\tN1-1 N2-0");
	add(&train, items, users, "2\tU1\t11/15/2019 8:00:00 AM\t\tN1-1");
	add(&train, items, users, "3\tU1\t11/15/2019 9:00:00 AM\t\tN1-0");
	add(&train, items, users, "4\tU1\t11/15/2019 11:00:00 AM\t\tN1-1 N2-0");
	add(&test, items, users, "5\tU2\t11/15/2019 10:00:00 AM\t\tN1-0 N2-1");
	n1 = nd_mind_ids_intern(items, "N1", 2);
	n2 = nd_mind_ids_intern(items, "N2", 2);
	r = nd_recs_recent_new(&train, nd_mind_ids_count(items));
	assert_near(nd_recs_recent_score(r, &test.imps[0], n1), (1 + m * g) / (2 + m));
	assert_near(nd_recs_recent_score(r, &test.imps[0], n2), g);
	/* At the time of impression 2 itself: nothing strictly before within 24 h. */
	assert_near(nd_recs_recent_score(r, &train.imps[1], n1), g);
	/* Impression 4: the 8:00 and 9:00 showings. */
	assert_near(nd_recs_recent_score(r, &train.imps[3], n1), (1 + m * g) / (2 + m));
	nd_recs_recent_free(r);
	nd_mind_log_release(&train);
	nd_mind_log_release(&test);
	nd_mind_ids_free(items);
	nd_mind_ids_free(users);
}

/*
 * Local: every train showing weighted by exp(-|dt| / 12 h), clicks over
 * the clicks expected of a candidate of the showing's impression (its
 * clicks over its candidates), a prior of one expected click at lift 1.
 */
static void test_local(void **state)
{
	struct nd_mind_ids *items = nd_mind_ids_new(), *users = nd_mind_ids_new();
	struct nd_mind_log train = ND_MIND_LOG_INIT, test = ND_MIND_LOG_INIT;
	struct nd_recs_recent *r;
	const double m = ND_RECS_LOCAL_PRIOR, w = exp(-1.0); /* 12 hours away */
	uint32_t n1, n2;

	(void)state;
	/* At 8:00 one click in two candidates (e = 1/2); at 20:00 one in four. */
	add(&train, items, users, "1\tU1\t11/15/2019 8:00:00 AM\t\tN1-1 N2-0");
	add(&train, items, users, "2\tU1\t11/15/2019 8:00:00 PM\t\tN1-0 N3-1 N4-0 N5-0");
	add(&test, items, users, "3\tU2\t11/15/2019 8:00:00 AM\t\tN1-0 N2-1 N9-0");
	n1 = nd_mind_ids_intern(items, "N1", 2);
	n2 = nd_mind_ids_intern(items, "N2", 2);
	r = nd_recs_recent_new(&train, nd_mind_ids_count(items));
	assert_near(nd_recs_local_score(r, &test.imps[0], n1), (1 + m) / (0.5 + w * 0.25 + m));
	assert_near(nd_recs_local_score(r, &test.imps[0], n2), (0 + m) / (0.5 + m));
	/* Never shown in train: the prior's lift, 1. */
	assert_near(nd_recs_local_score(r, &test.imps[0], nd_mind_ids_intern(items, "N9", 2)), 1);
	/* Later showings count as earlier ones do: at 20:00, N1's 8:00 click. */
	assert_near(nd_recs_local_score(r, &train.imps[1], n1), (w + m) / (w * 0.5 + 0.25 + m));
	nd_recs_recent_free(r);
	nd_mind_log_release(&train);
	nd_mind_log_release(&test);
	nd_mind_ids_free(items);
	nd_mind_ids_free(users);
}

static void test_zscore(void **state)
{
	double x[] = {1, 5, 2, 5, 3, 5};

	(void)state;
	nd_recs_blend_zscore(x, 3, 2);
	assert_near(x[0], -sqrt(1.5));
	assert_near(x[2], 0);
	assert_near(x[4], sqrt(1.5));
	assert_near(x[1], 0); /* a constant column is 0 */
	assert_near(x[5], 0);
}

/* The fit learns a positive weight for a feature that predicts clicks, a
 * negative one for a feature that predicts no click, and ~0 for noise. */
static void test_fit(void **state)
{
	enum { N = 400, K = 3 };
	double *x = calloc(N * K, sizeof(*x)), w[K + 1];
	uint8_t *y = calloc(N, 1);
	unsigned seed = 7;

	(void)state;
	for (size_t i = 0; i < N; i++) {
		double noise;

		seed = seed * 1103515245u + 12345u;
		noise = (double)((seed >> 16) % 1000) / 500.0 - 1.0;
		y[i] = i % 4 == 0;
		x[i * K + 0] = (y[i] ? 1.0 : -0.3) + 0.5 * noise;
		x[i * K + 1] = -x[i * K + 0];
		x[i * K + 2] = (i % 3 ? 1.0 : -1.0); /* independent of i % 4 */
	}
	nd_recs_blend_fit(x, y, N, K, w);
	assert_true(w[0] > 1);
	assert_true(w[1] < -1);
	assert_true(fabs(w[2]) < 0.5); /* small next to w[0] */
	assert_true(w[K] < 0);         /* one click in four */
	free(x);
	free(y);
}

/* The selection keeps a predictive column and drops pure noise: 800
 * impressions of 10 candidates, one clicked (or two), in 4 folds. Column 0
 * is the click plus noise, column 1 noise, column 2 a weaker copy of
 * column 0. */
static void test_select(void **state)
{
	enum { IMPS = 800, C = 10, K = 3 };
	double *x = calloc(IMPS * C * K, sizeof(*x)), auc;
	uint8_t *y = calloc(IMPS * C, 1), fold[IMPS], chosen[K];
	uint32_t len[IMPS];
	unsigned seed = 11;

	(void)state;
	for (size_t i = 0; i < IMPS; i++) {
		len[i] = C;
		fold[i] = (uint8_t)(i % 4);
		for (size_t j = 0; j < C; j++) {
			size_t r = i * C + j;
			double u[3];

			for (int t = 0; t < 3; t++) {
				seed = seed * 1103515245u + 12345u;
				u[t] = (double)((seed >> 16) % 1000) / 500.0 - 1.0;
			}
			y[r] = j == i % C || (i % 3 == 0 && j == (i + 5) % C);
			x[r * K + 0] = y[r] + 0.8 * u[0];
			x[r * K + 1] = u[1];
			x[r * K + 2] = 0.3 * y[r] + 2.0 * u[2];
		}
		nd_recs_blend_zscore(x + i * C * K, C, K);
	}
	nd_recs_blend_select(x, y, len, fold, IMPS, K, 4, ND_RECS_BLEND_MARGIN, chosen, &auc);
	assert_int_equal(chosen[0], 1);
	assert_int_equal(chosen[1], 0);
	assert_true(auc > 0.8);
	/* With a margin no AUC can beat, nothing is chosen: ties, 0.5. */
	assert_int_equal(nd_recs_blend_select(x, y, len, fold, IMPS, K, 4, 1.0, chosen, &auc), 0);
	assert_near(auc, 0.5);
	free(x);
	free(y);
}

/* A column of pure noise alone is not selected. */
static void test_select_noise(void **state)
{
	enum { IMPS = 400, C = 10 };
	double *x = calloc(IMPS * C, sizeof(*x)), auc;
	uint8_t *y = calloc(IMPS * C, 1), fold[IMPS], chosen[1];
	uint32_t len[IMPS];
	unsigned seed = 5;

	(void)state;
	for (size_t i = 0; i < IMPS; i++) {
		len[i] = C;
		fold[i] = (uint8_t)(i % 4);
		for (size_t j = 0; j < C; j++) {
			seed = seed * 1103515245u + 12345u;
			y[i * C + j] = j == (i * 7) % C;
			x[i * C + j] = (double)((seed >> 16) % 1000) / 500.0 - 1.0;
		}
		nd_recs_blend_zscore(x + i * C, C, 1);
	}
	assert_int_equal(
	    nd_recs_blend_select(x, y, len, fold, IMPS, 1, 4, ND_RECS_BLEND_MARGIN, chosen, &auc),
	    0);
	assert_int_equal(chosen[0], 0);
	assert_near(auc, 0.5);
	free(x);
	free(y);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_fresh),        cmocka_unit_test(test_recent),
	    cmocka_unit_test(test_local),        cmocka_unit_test(test_zscore),
	    cmocka_unit_test(test_fit),          cmocka_unit_test(test_select),
	    cmocka_unit_test(test_select_noise),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
