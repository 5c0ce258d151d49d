#include "helpers/cmocka.h"

#include <math.h>

#include "recommend/metrics.h"

#define EPS 1e-9

/* cmocka 1.1 has no double comparison. */
#define assert_near(a, b) assert_true(fabs((a) - (b)) < EPS)

/* Two clicks of five, listed best first: worked out by hand. */
static void test_two_clicks(void **state)
{
	const double score[] = {0.9, 0.8, 0.7, 0.6, 0.5};
	const uint8_t clicked[] = {0, 1, 0, 1, 0};
	struct nd_recs_scores s;
	double ndcg = (1 / log2(3) + 1 / log2(5)) / (1 + 1 / log2(3));

	(void)state;
	assert_int_equal(nd_recs_metrics(score, clicked, 5, &s), 1);
	/* Pairs: 0.8 beats 0.7 and 0.5, 0.6 beats 0.5: 3 of 6. */
	assert_near(s.auc, 0.5);
	assert_near(s.mrr, (1.0 / 2 + 1.0 / 4) / 2);
	assert_near(s.ndcg5, ndcg);
	assert_near(s.ndcg10, ndcg);
}

/* The order comes from the scores, not the listing. */
static void test_order_by_score(void **state)
{
	const double score[] = {0.1, 0.3, 0.2};
	const uint8_t clicked[] = {1, 0, 0};
	struct nd_recs_scores s;

	(void)state;
	assert_int_equal(nd_recs_metrics(score, clicked, 3, &s), 1);
	assert_near(s.auc, 0);
	assert_near(s.mrr, 1.0 / 3);
	assert_near(s.ndcg5, 1 / log2(4));
}

/* A click at rank 7 counts in nDCG@10, not nDCG@5. */
static void test_cutoffs(void **state)
{
	const double score[] = {7, 6, 5, 4, 3, 2, 1};
	const uint8_t clicked[] = {0, 0, 0, 0, 0, 0, 1};
	struct nd_recs_scores s;

	(void)state;
	assert_int_equal(nd_recs_metrics(score, clicked, 7, &s), 1);
	assert_near(s.ndcg5, 0);
	assert_near(s.ndcg10, 1 / log2(8));
	assert_near(s.mrr, 1.0 / 7);
	assert_near(s.auc, 0);
}

/* Ties count half in AUC; in the ranking the earlier listed goes first. */
static void test_ties(void **state)
{
	const double all_tied[] = {1, 1, 1, 1};
	const uint8_t clicked[] = {0, 1, 0, 1};
	const double some_tied[] = {2, 1, 1, 0};
	const uint8_t clicked2[] = {0, 0, 1, 0};
	struct nd_recs_scores s;

	(void)state;
	assert_int_equal(nd_recs_metrics(all_tied, clicked, 4, &s), 1);
	assert_near(s.auc, 0.5);
	assert_near(s.mrr, (1.0 / 2 + 1.0 / 4) / 2);
	/* The click ties one (half), beats one, loses to one: 1.5 / 3. */
	assert_int_equal(nd_recs_metrics(some_tied, clicked2, 4, &s), 1);
	assert_near(s.auc, 0.5);
	assert_near(s.mrr, 1.0 / 3); /* listed after its tie */
}

/* All clicked or none: skipped, and *out untouched. */
static void test_skip(void **state)
{
	const double score[] = {1, 2};
	const uint8_t none[] = {0, 0}, all[] = {1, 1};
	struct nd_recs_scores s = {-1, -1, -1, -1};

	(void)state;
	assert_int_equal(nd_recs_metrics(score, none, 2, &s), 0);
	assert_int_equal(nd_recs_metrics(score, all, 2, &s), 0);
	assert_int_equal(nd_recs_metrics(score, all, 0, &s), 0);
	assert_near(s.auc, -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_two_clicks), cmocka_unit_test(test_order_by_score),
	    cmocka_unit_test(test_cutoffs),    cmocka_unit_test(test_ties),
	    cmocka_unit_test(test_skip),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
