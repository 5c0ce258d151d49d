#include "helpers/cmocka.h"

#include <pthread.h>

#include "core/ratelimit.h"

/* Takes n tokens from key at now_ms; returns how many were granted. */
static int take_n(struct nd_ratelimit *rl, uint64_t key, int64_t now_ms, int n)
{
	int granted = 0;

	for (int i = 0; i < n; i++)
		granted += nd_ratelimit_take(rl, key, now_ms, NULL);
	return granted;
}

static void test_burst_then_refused(void **state)
{
	/* 30 a minute (one per 2 s), burst 10. */
	struct nd_ratelimit *rl = nd_ratelimit_new(1024, 30, 10);
	int retry = -1;

	assert_int_equal(take_n(rl, 42, 1000, 10), 10);
	assert_false(nd_ratelimit_take(rl, 42, 1000, &retry));
	assert_int_equal(retry, 2);
	/* A refused request takes nothing: still 2 s to wait, 1.5 s later 1 s. */
	assert_false(nd_ratelimit_take(rl, 42, 1000, &retry));
	assert_int_equal(retry, 2);
	assert_false(nd_ratelimit_take(rl, 42, 2500, &retry));
	assert_int_equal(retry, 1);
	/* A token is back exactly 2 s after the bucket emptied. */
	assert_false(nd_ratelimit_take(rl, 42, 2999, &retry));
	assert_int_equal(retry, 1);
	assert_true(nd_ratelimit_take(rl, 42, 3000, &retry));
	assert_false(nd_ratelimit_take(rl, 42, 3000, &retry));
	assert_int_equal(retry, 2);
	nd_ratelimit_free(rl);
}

static void test_refill_caps_at_burst(void **state)
{
	struct nd_ratelimit *rl = nd_ratelimit_new(1024, 60, 5); /* one a second */

	assert_int_equal(take_n(rl, 7, 0, 5), 5);
	/* 3 s later: 3 tokens. */
	assert_int_equal(take_n(rl, 7, 3000, 10), 3);
	/* An hour later: the bucket is full again, not 3600 tokens. */
	assert_int_equal(take_n(rl, 7, 3600 * 1000, 100), 5);
	/* Steady traffic at the rate is never refused. */
	for (int64_t t = 3601 * 1000; t < 3700 * 1000; t += 1000)
		assert_true(nd_ratelimit_take(rl, 7, t, NULL));
	nd_ratelimit_free(rl);
}

static void test_retry_after_slow_rate(void **state)
{
	struct nd_ratelimit *rl = nd_ratelimit_new(64, 1, 1); /* one a minute */
	int retry = 0;

	assert_true(nd_ratelimit_take(rl, 1, 0, &retry));
	assert_false(nd_ratelimit_take(rl, 1, 0, &retry));
	assert_int_equal(retry, 60);
	assert_false(nd_ratelimit_take(rl, 1, 59500, &retry));
	assert_int_equal(retry, 1);
	assert_true(nd_ratelimit_take(rl, 1, 60000, &retry));
	nd_ratelimit_free(rl);
}

static void test_keys_are_independent(void **state)
{
	struct nd_ratelimit *rl = nd_ratelimit_new(1024, 30, 3);

	assert_int_equal(take_n(rl, 1, 0, 10), 3);
	assert_int_equal(take_n(rl, 2, 0, 10), 3);
	assert_int_equal(take_n(rl, 0, 0, 10), 3); /* 0 is a key like any other */
	assert_int_equal(take_n(rl, UINT64_MAX, 0, 10), 3);
	assert_int_equal(take_n(rl, 1, 0, 1), 0);
	assert_int_equal(take_n(rl, 3, 0, 1), 1);
	nd_ratelimit_free(rl);
}

static void test_zero_rate_disables(void **state)
{
	struct nd_ratelimit *rl = nd_ratelimit_new(1024, 0, 10);

	assert_int_equal(take_n(rl, 1, 0, 100000), 100000);
	nd_ratelimit_free(rl);
	nd_ratelimit_free(NULL);
}

static void test_clock_going_back(void **state)
{
	struct nd_ratelimit *rl = nd_ratelimit_new(64, 60, 2);

	assert_int_equal(take_n(rl, 5, 10000, 2), 2);
	/* Earlier than the last request: no refill, and no negative one. */
	assert_int_equal(take_n(rl, 5, 5000, 1), 0);
	assert_int_equal(take_n(rl, 5, 10999, 1), 0);
	assert_int_equal(take_n(rl, 5, 11000, 1), 1);
	nd_ratelimit_free(rl);
}

/*
 * The table is bounded: many more keys than slots cannot grow it, and a key
 * in debt survives a flood of new keys, which each evict a full bucket of
 * their own kind before a drained one.
 */
static void test_eviction_keeps_debtors(void **state)
{
	struct nd_ratelimit *rl = nd_ratelimit_new(8, 60, 5); /* one set of 8 */

	assert_int_equal(take_n(rl, 99, 0, 5), 5);
	for (uint64_t k = 1000; k < 101000; k++)
		assert_true(nd_ratelimit_take(rl, k, 0, NULL));
	assert_false(nd_ratelimit_take(rl, 99, 0, NULL));
	/* Seven lesser debtors fill the set; an eighth key evicts one of them,
	 * never the one with the fewest tokens. */
	for (uint64_t k = 1; k <= 7; k++)
		assert_int_equal(take_n(rl, k, 0, 4), 4);
	assert_true(nd_ratelimit_take(rl, 8, 0, NULL));
	assert_false(nd_ratelimit_take(rl, 99, 0, NULL));
	/* The evicted debtor starts again with a full bucket (5), the six
	 * others have their last token each. */
	{
		int granted = 0;
		for (uint64_t k = 1; k <= 7; k++)
			granted += take_n(rl, k, 0, 5);
		assert_int_equal(granted, 5 + 6);
	}
	nd_ratelimit_free(rl);
}

struct race {
	struct nd_ratelimit *rl;
	int granted;
};

static void *race_thread(void *p)
{
	struct race *r = p;

	r->granted = take_n(r->rl, 12345, 0, 1000);
	return NULL;
}

/* Four threads draining one key are granted exactly its burst. */
static void test_threads(void **state)
{
	struct nd_ratelimit *rl = nd_ratelimit_new(1024, 1, 100);
	struct race r[4];
	pthread_t t[4];
	int total = 0;

	for (int i = 0; i < 4; i++) {
		r[i] = (struct race){rl, 0};
		assert_int_equal(pthread_create(&t[i], NULL, race_thread, &r[i]), 0);
	}
	for (int i = 0; i < 4; i++) {
		pthread_join(t[i], NULL);
		total += r[i].granted;
	}
	assert_int_equal(total, 100);
	nd_ratelimit_free(rl);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_burst_then_refused),
	    cmocka_unit_test(test_refill_caps_at_burst),
	    cmocka_unit_test(test_retry_after_slow_rate),
	    cmocka_unit_test(test_keys_are_independent),
	    cmocka_unit_test(test_zero_rate_disables),
	    cmocka_unit_test(test_clock_going_back),
	    cmocka_unit_test(test_eviction_keeps_debtors),
	    cmocka_unit_test(test_threads),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
