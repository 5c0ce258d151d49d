#include "helpers/cmocka.h"
#include "helpers/mind.h"

#include <math.h>
#include <string.h>

#include "recommend/baselines.h"
#include "recommend/metrics.h"
#include "recommend/mind.h"

#define TINY ND_SOURCE_DIR "/tests/data/mind-tiny"
#define EPS  1e-9

/* cmocka 1.1 has no double comparison. */
#define assert_near(a, b) assert_true(fabs((a) - (b)) < EPS)

/*
 * tests/data/mind-tiny, by hand. Train shows N3 3 times (2 clicks), N4 2
 * (1), N5 2 (0), N6 2 (0): 3 clicks of 9, g = 1/3. Histories, once per
 * user (U1: N1 N2, U2: N1, U3: N2 N3, U4: none): N1 2, N2 2, N3 1.
 * Dev impressions 11 (all clicked) and 12 (none) are skipped; 10 and 13
 * count.
 */
struct fixture {
	struct mind_pair logs;
	struct nd_recs_counts *counts;
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	if (mind_pair_load(&f->logs, TINY "/train", TINY "/dev"))
		return -1;
	f->counts =
	    nd_recs_counts_new(&f->logs.train, &f->logs.dev, nd_mind_ids_count(f->logs.items),
	                       nd_mind_ids_count(f->logs.users));
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	nd_recs_counts_free(f->counts);
	mind_pair_release(&f->logs);
	free(f);
	return 0;
}

static uint32_t item(struct fixture *f, const char *id)
{
	return mind_pair_item(&f->logs, id);
}

static void test_popularity(void **state)
{
	struct fixture *f = *state;
	struct nd_recs_scores s;
	size_t counted;

	assert_near(nd_recs_popularity(f->counts, NULL, item(f, "N3")), 3);
	assert_near(nd_recs_popularity(f->counts, NULL, item(f, "N4")), 1);
	assert_near(nd_recs_popularity(f->counts, NULL, item(f, "N1")), 2);
	assert_near(nd_recs_popularity(f->counts, NULL, item(f, "N7")), 0);

	/* 10: N4 (1, clicked) N5 (0) N3 (3) N7 (0): rank 2, beats two of
	 * three. 13: N6 (clicked) N5 N7 all 0: AUC 1/2, first by listing. */
	nd_recs_eval(&f->logs.dev, nd_recs_popularity, f->counts, &s, &counted);
	assert_int_equal(counted, 2);
	assert_near(s.auc, (2.0 / 3 + 0.5) / 2);
	assert_near(s.mrr, (0.5 + 1) / 2);
	assert_near(s.ndcg5, (1 / log2(3) + 1) / 2);
	assert_near(s.ndcg10, (1 / log2(3) + 1) / 2);
}

static void test_ctr(void **state)
{
	struct fixture *f = *state;
	double m = ND_RECS_CTR_PRIOR, g = 1.0 / 3;
	struct nd_recs_scores s;

	assert_near(f->counts->global_ctr, g);
	assert_near(nd_recs_ctr(f->counts, NULL, item(f, "N3")), (2 + m * g) / (3 + m));
	assert_near(nd_recs_ctr(f->counts, NULL, item(f, "N4")), (1 + m * g) / (2 + m));
	assert_near(nd_recs_ctr(f->counts, NULL, item(f, "N5")), (m * g) / (2 + m));
	/* Never shown: the prior. */
	assert_near(nd_recs_ctr(f->counts, NULL, item(f, "N7")), g);

	/* 10: N3 .410 > N4 .361 (clicked) > N7 .333 > N5 .278: rank 2, AUC
	 * 2/3. 13: N7 .333 > N6 .278 (clicked) = N5: rank 2, AUC (0 + 1/2) / 2. */
	nd_recs_eval(&f->logs.dev, nd_recs_ctr, f->counts, &s, NULL);
	assert_near(s.auc, (2.0 / 3 + 0.25) / 2);
	assert_near(s.mrr, 0.5);
	assert_near(s.ndcg5, 1 / log2(3));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_popularity),
	    cmocka_unit_test(test_ctr),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
