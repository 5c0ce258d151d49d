#include "helpers/cmocka.h"
#include "helpers/mind.h"

#include <math.h>
#include <string.h>

#include "recommend/covisit.h"
#include "recommend/metrics.h"
#include "recommend/mind.h"

#define TINY ND_SOURCE_DIR "/tests/data/mind-tiny"
#define EPS  1e-9

/* cmocka 1.1 has no double comparison. */
#define assert_near(a, b) assert_true(fabs((a) - (b)) < EPS)

/*
 * tests/data/mind-tiny, by hand. Baskets (history once per user, plus train
 * clicks): U1 {N1 N2 N3}, U2 {N1 N4}, U3 {N2 N3}, U4 {}. So n(N1) = n(N2) =
 * n(N3) = 2, n(N4) = 1; n(N1, N2) = n(N1, N3) = n(N1, N4) = 1, n(N2, N3) = 2.
 */
struct fixture {
	struct mind_pair logs;
	struct nd_recs_covisit *cv;
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	if (mind_pair_load(&f->logs, TINY "/train", TINY "/dev"))
		return -1;
	f->cv = nd_recs_covisit_new(&f->logs.train, &f->logs.dev, nd_mind_ids_count(f->logs.items),
	                            nd_mind_ids_count(f->logs.users));
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	nd_recs_covisit_free(f->cv);
	mind_pair_release(&f->logs);
	free(f);
	return 0;
}

static uint32_t item(struct fixture *f, const char *id)
{
	return mind_pair_item(&f->logs, id);
}

static void test_counts(void **state)
{
	struct fixture *f = *state;
	uint32_t n1 = item(f, "N1"), n2 = item(f, "N2"), n3 = item(f, "N3"), n4 = item(f, "N4");

	assert_int_equal(nd_recs_covisit_count(f->cv, n1, n1), 2);
	assert_int_equal(nd_recs_covisit_count(f->cv, n4, n4), 1);
	assert_int_equal(nd_recs_covisit_count(f->cv, n1, n2), 1);
	assert_int_equal(nd_recs_covisit_count(f->cv, n2, n1), 1);
	assert_int_equal(nd_recs_covisit_count(f->cv, n2, n3), 2);
	assert_int_equal(nd_recs_covisit_count(f->cv, n1, n4), 1);
	assert_int_equal(nd_recs_covisit_count(f->cv, n3, n4), 0);
	assert_int_equal(nd_recs_covisit_count(f->cv, item(f, "N5"), n1), 0);
}

static void test_score(void **state)
{
	struct fixture *f = *state;
	uint32_t hist[] = {item(f, "N1"), item(f, "N2")};
	struct nd_mind_impression imp = {0};

	imp.history = hist;
	imp.n_history = 2;
	/* N3: n(N1,N3) / sqrt(2 * 2) + n(N2,N3) / sqrt(2 * 2) = 1/2 + 1. */
	assert_near(nd_recs_covisit_score(f->cv, &imp, item(f, "N3")), 1.5);
	/* N4: n(N1,N4) / sqrt(2 * 1). */
	assert_near(nd_recs_covisit_score(f->cv, &imp, item(f, "N4")), 1 / sqrt(2));
	/* A history item itself does not count with itself: N1 by N2 only. */
	assert_near(nd_recs_covisit_score(f->cv, &imp, item(f, "N1")), 0.5);
	assert_near(nd_recs_covisit_score(f->cv, &imp, item(f, "N7")), 0);
	imp.n_history = 0;
	assert_near(nd_recs_covisit_score(f->cv, &imp, item(f, "N3")), 0);
}

/* Dev 10 (history N2 N3): N3 scores 1, the rest 0, the click N4 second:
 * AUC (tie + loss + tie) / 3. Dev 13 (history N1): all 0, AUC 1/2. */
static void test_eval(void **state)
{
	struct fixture *f = *state;
	struct nd_recs_scores s;

	nd_recs_eval(&f->logs.dev, nd_recs_covisit_score, f->cv, &s, NULL);
	assert_near(s.auc, (1.0 / 3 + 0.5) / 2);
	assert_near(s.mrr, (0.5 + 1) / 2);
	assert_near(s.ndcg10, (1 / log2(3) + 1) / 2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_counts),
	    cmocka_unit_test(test_score),
	    cmocka_unit_test(test_eval),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
