#include "helpers/cmocka.h"

#include <pthread.h>
#include <stdatomic.h>
#include <string.h>

#include "counter/dedupe.h"
#include "counter/pace.h"

#define SEC  INT64_C(1000)
#define MIN  (60 * SEC)
#define HOUR (60 * MIN)
/* 2024-03-10T12:00:00Z */
#define T0 INT64_C(1710072000000)

static struct nd_visitor visitor(uint32_t n, uint8_t kind)
{
	struct nd_visitor v;

	memset(&v, 0, sizeof(v));
	memcpy(v.id + 4, &n, sizeof(n));
	v.kind = kind;
	return v;
}

/* Views allowed until the first refusal, one every step_ms from start;
 * *at gets the time of the refusal. */
static int allowed_until_flagged(struct nd_pace *p, const struct nd_visitor *v, int64_t start,
                                 int64_t step_ms, int max, int64_t *at)
{
	for (int i = 0; i < max; i++) {
		if (!nd_pace_allow(p, v, start + i * step_ms)) {
			*at = start + i * step_ms;
			return i;
		}
	}
	return max;
}

static void test_human_passes(void **state)
{
	struct nd_pace *p = nd_pace_new(1024, 0, 0);
	struct nd_visitor v = visitor(1, ND_VISITOR_COOKIE);
	int64_t t = T0;

	/* Ten tabs opened from the home page within two seconds... */
	for (int i = 0; i < 10; i++)
		assert_true(nd_pace_allow(p, &v, t + i * 200));
	/* ...then read one after another (a minute each), a new article every
	 * 30 seconds for two hours, a burst of 15 more tabs, more reading. */
	t += 10 * MIN;
	for (int i = 0; i < 240; i++)
		assert_true(nd_pace_allow(p, &v, t + i * 30 * SEC));
	t += 2 * HOUR;
	for (int i = 0; i < 15; i++)
		assert_true(nd_pace_allow(p, &v, t + i * SEC));
	for (int i = 0; i < 100; i++)
		assert_true(nd_pace_allow(p, &v, t + 20 * SEC + i * 10 * SEC));
	assert_false(nd_pace_flagged(p, &v, t + HOUR));
	nd_pace_free(p);
}

static void test_crawler_flagged(void **state)
{
	struct nd_pace *p = nd_pace_new(1024, 0, 0);
	struct nd_visitor crawler = visitor(2, ND_VISITOR_COOKIE),
	                  other = visitor(3, ND_VISITOR_COOKIE);
	int64_t at = 0;
	uint64_t flagged;

	/* One page a second: the bucket gains 5/6 of a page per page and
	 * holds (5n + 1) / 6 after n pages: above 20 at the 24th. */
	assert_int_equal(allowed_until_flagged(p, &crawler, T0, SEC, 1000, &at), 23);
	assert_int_equal(at, T0 + 23 * SEC);
	assert_true(nd_pace_flagged(p, &crawler, at));
	nd_pace_stats(p, NULL, &flagged);
	assert_int_equal(flagged, 1);
	/* Flagged: nothing counts for the hour, even slow; the flag does not
	 * grow with the refused views. */
	for (int64_t t = at; t < at + HOUR; t += 7 * MIN)
		assert_false(nd_pace_allow(p, &crawler, t));
	assert_false(nd_pace_allow(p, &crawler, at + HOUR - 1));
	/* Another visitor, and the same id as a fallback hash, are not. */
	assert_true(nd_pace_allow(p, &other, at));
	struct nd_visitor as_hash = visitor(2, ND_VISITOR_HASH);
	assert_true(nd_pace_allow(p, &as_hash, at));

	/* The flag ends an hour after it was set: a fresh, empty bucket. */
	assert_false(nd_pace_flagged(p, &crawler, at + HOUR));
	assert_true(nd_pace_allow(p, &crawler, at + HOUR));
	assert_int_equal(allowed_until_flagged(p, &crawler, at + HOUR + SEC, SEC, 1000, &at), 22);
	nd_pace_stats(p, NULL, &flagged);
	assert_int_equal(flagged, 2);

	/* Faster crawlers are caught at the burst: 20 pages at once pass, the
	 * 21st does not. */
	struct nd_visitor fast = visitor(4, ND_VISITOR_COOKIE);
	assert_int_equal(allowed_until_flagged(p, &fast, T0, 0, 1000, &at), 20);
	struct nd_visitor ten = visitor(5, ND_VISITOR_COOKIE);
	assert_int_equal(allowed_until_flagged(p, &ten, T0, 100, 1000, &at), 20);
	/* Ten a minute (slower than a page per 6 s fills nothing). */
	struct nd_visitor slow = visitor(6, ND_VISITOR_COOKIE);
	assert_int_equal(allowed_until_flagged(p, &slow, T0, 6 * SEC, 1000, &at), 1000);
	/* Twelve a minute gains a sixth of a page per page: 1 + (n - 1) / 6
	 * is above 20 at the 116th, after nine and a half minutes. */
	struct nd_visitor mid = visitor(7, ND_VISITOR_COOKIE);
	assert_int_equal(allowed_until_flagged(p, &mid, T0, 5 * SEC, 1000, &at), 115);
	nd_pace_free(p);
}

static void test_drain(void **state)
{
	struct nd_pace *p = nd_pace_new(1024, 0, 0);
	struct nd_visitor v = visitor(8, ND_VISITOR_COOKIE);

	for (int i = 0; i < 20; i++)
		assert_true(nd_pace_allow(p, &v, T0));
	/* Full. Six seconds later one page has drained: one more fits. */
	assert_true(nd_pace_allow(p, &v, T0 + 6 * SEC));
	for (int i = 0; i < 3; i++) {
		struct nd_visitor w = visitor(100 + (uint32_t)i, ND_VISITOR_COOKIE);
		for (int j = 0; j < 20; j++)
			assert_true(nd_pace_allow(p, &w, T0));
		/* Not quite a page drained: still full. */
		if (i == 0)
			assert_false(nd_pace_allow(p, &w, T0 + 6 * SEC - 1));
		/* Two minutes (20 pages) later, empty: 20 more at once. */
		if (i == 1) {
			for (int j = 0; j < 20; j++)
				assert_true(nd_pace_allow(p, &w, T0 + 2 * MIN));
			assert_false(nd_pace_allow(p, &w, T0 + 2 * MIN));
		}
		/* One minute later, half empty: 10 more. */
		if (i == 2) {
			for (int j = 0; j < 10; j++)
				assert_true(nd_pace_allow(p, &w, T0 + MIN));
			assert_false(nd_pace_allow(p, &w, T0 + MIN));
		}
	}
	nd_pace_free(p);
}

static void test_parameters(void **state)
{
	/* Five pages, one per 10 s. */
	struct nd_pace *p = nd_pace_new(64, 5, 10);
	struct nd_visitor v = visitor(9, ND_VISITOR_COOKIE);
	int64_t at;

	assert_int_equal(allowed_until_flagged(p, &v, T0, 0, 100, &at), 5);
	v = visitor(10, ND_VISITOR_COOKIE);
	/* One per 5 s gains half a page per page: above 5 at the 10th. */
	assert_int_equal(allowed_until_flagged(p, &v, T0, 5 * SEC, 100, &at), 9);
	nd_pace_free(p);
}

/* Reloads never reach the bucket: dedupe stops them first. */
static void test_reloads_do_not_feed(void **state)
{
	struct nd_dedupe *d = nd_dedupe_new(1024, 30);
	struct nd_pace *p = nd_pace_new(1024, 0, 0);
	struct nd_visitor v = visitor(11, ND_VISITOR_COOKIE);
	int counted = 0;

	/* Ten reloads a second of three articles for ten minutes. */
	for (int64_t t = 0; t < 10 * MIN; t += 100) {
		uint32_t art = (uint32_t)(t / 100 % 3);
		if (nd_dedupe_first(d, &v, art, T0 + t) && nd_pace_allow(p, &v, T0 + t))
			counted++;
	}
	assert_int_equal(counted, 3);
	assert_false(nd_pace_flagged(p, &v, T0 + 10 * MIN));
	nd_dedupe_free(d);
	nd_pace_free(p);
}

/* A table of 8 slots is one bucket. */
static void test_full_table(void **state)
{
	struct nd_pace *p = nd_pace_new(1, 0, 0);
	struct nd_visitor v[10];
	int64_t at;
	size_t entries;

	for (uint32_t i = 0; i < 10; i++)
		v[i] = visitor(100 + i, ND_VISITOR_COOKIE);
	/* Eight crawlers flagged fill the bucket. */
	for (int i = 0; i < 8; i++)
		assert_int_equal(allowed_until_flagged(p, &v[i], T0, 0, 100, &at), 20);
	nd_pace_stats(p, &entries, NULL);
	assert_int_equal(entries, 8);
	/* A ninth visitor has no room: it fails open, counted unwatched. */
	assert_int_equal(allowed_until_flagged(p, &v[8], T0, 0, 100, &at), 100);
	for (int i = 0; i < 8; i++)
		assert_true(nd_pace_flagged(p, &v[i], T0 + 1));

	/* An hour later the flags are over: new visitors take those words,
	 * and are watched again. */
	assert_int_equal(allowed_until_flagged(p, &v[9], T0 + HOUR, 0, 100, &at), 20);
	assert_true(nd_pace_flagged(p, &v[9], T0 + HOUR));
	/* Unflagged entries are evicted least-full first, flagged never. */
	nd_pace_free(p);

	p = nd_pace_new(8, 0, 0);
	for (int i = 0; i < 8; i++)
		for (int j = 0; j <= i; j++)
			assert_true(nd_pace_allow(p, &v[i], T0));
	/* v[0] holds one page, v[7] eight. A newcomer evicts v[0]. */
	assert_true(nd_pace_allow(p, &v[8], T0));
	for (int j = 0; j < 12; j++)
		assert_true(nd_pace_allow(p, &v[7], T0)); /* 20 */
	assert_false(nd_pace_allow(p, &v[7], T0));        /* still tracked */
	for (int j = 0; j < 20; j++)
		assert_true(nd_pace_allow(p, &v[0], T0)); /* afresh */
	nd_pace_free(p);
}

static void test_sweep(void **state)
{
	struct nd_pace *p = nd_pace_new(1024, 0, 0);
	size_t entries;
	int64_t at;

	for (uint32_t i = 0; i < 50; i++) {
		struct nd_visitor v = visitor(i, ND_VISITOR_COOKIE);
		assert_true(nd_pace_allow(p, &v, T0));
	}
	struct nd_visitor crawler = visitor(1000, ND_VISITOR_COOKIE);
	assert_int_equal(allowed_until_flagged(p, &crawler, T0, 0, 100, &at), 20);
	nd_pace_stats(p, &entries, NULL);
	assert_int_equal(entries, 51);
	/* One page drains in 6 s. Before that nothing is idle. */
	nd_pace_sweep(p, T0 + 6 * SEC - 1);
	nd_pace_stats(p, &entries, NULL);
	assert_int_equal(entries, 51);
	nd_pace_sweep(p, T0 + 6 * SEC);
	nd_pace_stats(p, &entries, NULL);
	assert_int_equal(entries, 1);
	assert_true(nd_pace_flagged(p, &crawler, T0 + 6 * SEC));
	nd_pace_sweep(p, T0 + HOUR);
	nd_pace_stats(p, &entries, NULL);
	assert_int_equal(entries, 0);
	assert_true(nd_pace_allow(p, &crawler, T0 + HOUR));
	/* Long after (many wraps of the 32-bit clock of milliseconds), an
	 * unswept entry is stale, not a full bucket or a flag. */
	assert_int_equal(allowed_until_flagged(p, &crawler, T0 + 2 * HOUR, 0, 100, &at), 20);
	/* Its flag ends at T0 + 3 h, which at this time reads as 4 hours
	 * ahead: more than any flag, so stale. */
	assert_int_equal(
	    allowed_until_flagged(p, &crawler, T0 - HOUR + 5 * (INT64_C(1) << 32), 0, 100, &at),
	    20);
	nd_pace_free(p);
}

/* Racing views of one visitor lose no update: exactly the burst passes.
 * The threads start together, so their calls overlap on two cores. */
#define THREADS 4
static struct nd_pace *shared;
static _Atomic int allowed;
static pthread_barrier_t start;

static void *hammer(void *arg)
{
	struct nd_visitor v = visitor(77, ND_VISITOR_COOKIE);

	pthread_barrier_wait(&start);
	for (int i = 0; i < 10; i++)
		allowed += nd_pace_allow(shared, &v, T0);
	return NULL;
}

static void test_concurrent(void **state)
{
	pthread_t t[THREADS];

	pthread_barrier_init(&start, NULL, THREADS);
	for (int round = 0; round < 2000; round++) {
		struct nd_visitor v = visitor(77, ND_VISITOR_COOKIE);

		shared = nd_pace_new(64, 0, 0);
		atomic_store(&allowed, 0);
		/* The entry exists before the race (see pace.h on two first
		 * views at once). */
		for (int i = 0; i < 5; i++)
			assert_true(nd_pace_allow(shared, &v, T0));
		for (int i = 0; i < THREADS; i++)
			pthread_create(&t[i], NULL, hammer, NULL);
		for (int i = 0; i < THREADS; i++)
			pthread_join(t[i], NULL);
		assert_int_equal(atomic_load(&allowed), 15);
		assert_true(nd_pace_flagged(shared, &v, T0));
		nd_pace_free(shared);
	}
	pthread_barrier_destroy(&start);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_human_passes),
	    cmocka_unit_test(test_crawler_flagged),
	    cmocka_unit_test(test_drain),
	    cmocka_unit_test(test_parameters),
	    cmocka_unit_test(test_reloads_do_not_feed),
	    cmocka_unit_test(test_full_table),
	    cmocka_unit_test(test_sweep),
	    cmocka_unit_test(test_concurrent),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
