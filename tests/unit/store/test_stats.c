/*
 * Tests for the store's views over time (nd_store_view_series,
 * nd_store_each_article_range_views): hourly and daily buckets, sets of
 * articles and the whole site, days that span view_days and view_hours
 * before and after compaction, and the argument checks.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "core/err.h"
#include "helpers/temp_db.h"
#include "store/store.h"

#define D10 (10 * 24) /* the first hour of day 10 */

/* The current test's PostgreSQL database (ND_TEST_STORE=pg); SQLite: in memory. */
static struct temp_db pg_db;

static int setup(void **state)
{
	struct nd_store *s;

	if (temp_db_is_pg() && temp_db_make(&pg_db, "stats"))
		return -1;
	if (nd_store_open(temp_db_is_pg() ? pg_db.url : "sqlite::memory:", &s) != 0)
		return -1;
	*state = s;
	return 0;
}

static int teardown(void **state)
{
	nd_store_close(*state);
	if (temp_db_is_pg())
		temp_db_remove(&pg_db);
	return 0;
}

static int copy_id(void *ctx, const struct nd_article_rec *r)
{
	*(int64_t *)ctx = r->id;
	return 0;
}

static int64_t new_article(struct nd_store *s, const char *ext_id)
{
	struct nd_article_in in = {
	    .ext_id = ext_id, .title = ext_id, .body = "Body.", .published_at = 1700000000};
	bool created;
	int64_t id = 0;

	assert_int_equal(nd_store_article_put(s, &in, &created), 0);
	assert_int_equal(nd_store_article_get(s, ext_id, copy_id, &id), 0);
	assert_true(id > 0);
	return id;
}

static void add(struct nd_store *s, int64_t id, int64_t hour, uint32_t views)
{
	struct nd_view_delta d = {id, hour, views};

	assert_int_equal(nd_store_counts_apply(s, &d, 1, NULL, 0), 0);
}

/* Three articles: a1 with hours on days 10 and 11, a2 on day 10, a3 on day 12. */
static void seed(struct nd_store *s, int64_t *a1, int64_t *a2, int64_t *a3)
{
	*a1 = new_article(s, "a1");
	*a2 = new_article(s, "a2");
	*a3 = new_article(s, "a3");
	add(s, *a1, D10 + 0, 1);
	add(s, *a1, D10 + 5, 2);
	add(s, *a1, D10 + 23, 4);
	add(s, *a1, D10 + 24, 8);
	add(s, *a2, D10 + 5, 16);
	add(s, *a3, D10 + 48 + 1, 32);
}

static void test_hourly(void **state)
{
	struct nd_store *s = *state;
	int64_t a1, a2, a3, out[6];

	seed(s, &a1, &a2, &a3);
	/* Hours 4..9 of day 10, every article. */
	assert_int_equal(nd_store_view_series(s, NULL, 0, D10 + 4, D10 + 10, 1, out), 0);
	assert_int_equal(out[0], 0);
	assert_int_equal(out[1], 2 + 16);
	for (int i = 2; i < 6; i++)
		assert_int_equal(out[i], 0);

	/* One article; the range end is exclusive, the start inclusive. */
	{
		int64_t ids[] = {a1}, o[2] = {99, 99};
		assert_int_equal(nd_store_view_series(s, ids, 1, D10 + 23, D10 + 25, 1, o), 0);
		assert_int_equal(o[0], 4);
		assert_int_equal(o[1], 8);
		assert_int_equal(nd_store_view_series(s, ids, 1, D10 + 1, D10 + 2, 1, o), 0);
		assert_int_equal(o[0], 0);
	}
	/* A set: a2 and a3 only. */
	{
		int64_t ids[] = {a2, a3}, o[72];
		assert_int_equal(nd_store_view_series(s, ids, 2, D10, D10 + 72, 1, o), 0);
		assert_int_equal(o[5], 16);
		assert_int_equal(o[49], 32);
		assert_int_equal(o[0] + o[23] + o[24], 0);
	}
}

static void test_daily_across_compaction(void **state)
{
	struct nd_store *s = *state;
	int64_t a1, a2, a3, before[4], after[4], ids[] = {0, 0};

	seed(s, &a1, &a2, &a3);
	ids[0] = a1;
	ids[1] = a3;
	/* Days 9..12 of the site. */
	assert_int_equal(nd_store_view_series(s, NULL, 0, D10 - 24, D10 + 72, 24, before), 0);
	assert_int_equal(before[0], 0);
	assert_int_equal(before[1], 1 + 2 + 4 + 16);
	assert_int_equal(before[2], 8);
	assert_int_equal(before[3], 32);

	/* Fold day 10 into view_days: the days read the same. */
	assert_int_equal(nd_store_views_compact(s, D10 + 24), 0);
	assert_int_equal(nd_store_view_series(s, NULL, 0, D10 - 24, D10 + 72, 24, after), 0);
	assert_memory_equal(before, after, sizeof(before));

	/* A late view of day 10 sits in view_hours next to its view_days row. */
	add(s, a1, D10 + 7, 64);
	assert_int_equal(nd_store_view_series(s, ids, 2, D10, D10 + 72, 24, after), 0);
	assert_int_equal(after[0], 1 + 2 + 4 + 64);
	assert_int_equal(after[1], 8);
	assert_int_equal(after[2], 32);

	/* Hourly buckets of a compacted day see only what is still hourly. */
	{
		int64_t o[24];
		assert_int_equal(nd_store_view_series(s, NULL, 0, D10, D10 + 24, 1, o), 0);
		assert_int_equal(o[7], 64);
		assert_int_equal(o[5], 0);
	}
}

struct range {
	int64_t id[8], views[8];
	size_t n;
};

static int range_row(void *ctx, int64_t id, int64_t views)
{
	struct range *r = ctx;

	if (r->n == 8)
		return ND_ETOOBIG;
	r->id[r->n] = id;
	r->views[r->n++] = views;
	return 0;
}

static int stop_at_first(void *ctx, int64_t id, int64_t views)
{
	(void)ctx;
	(void)id;
	(void)views;
	return 7;
}

static void test_range_views(void **state)
{
	struct nd_store *s = *state;
	int64_t a1, a2, a3;
	struct range r = {0};

	seed(s, &a1, &a2, &a3);
	assert_int_equal(nd_store_views_compact(s, D10 + 24), 0);
	add(s, a1, D10 + 7, 64);
	/* Days 10 and 11: a1 from view_days, view_hours of day 10 and of day 11. */
	assert_int_equal(nd_store_each_article_range_views(s, D10, D10 + 48, range_row, &r), 0);
	assert_int_equal(r.n, 2);
	assert_int_equal(r.id[0], a1);
	assert_int_equal(r.views[0], 1 + 2 + 4 + 64 + 8);
	assert_int_equal(r.id[1], a2);
	assert_int_equal(r.views[1], 16);
	/* Day 12 only. */
	memset(&r, 0, sizeof(r));
	assert_int_equal(nd_store_each_article_range_views(s, D10 + 48, D10 + 72, range_row, &r),
	                 0);
	assert_int_equal(r.n, 1);
	assert_int_equal(r.id[0], a3);
	assert_int_equal(r.views[0], 32);
	/* The callback stops the walk. */
	assert_int_equal(nd_store_each_article_range_views(s, 0, D10 + 72, stop_at_first, NULL), 7);
	/* The store still works after the stopped walk (its read has ended). */
	assert_int_equal(nd_store_views_compact(s, D10 + 48), 0);
	assert_int_equal(nd_store_each_article_range_views(s, 24, 48, range_row, &r), 0);
	assert_int_equal(nd_store_each_article_range_views(s, 1, 48, range_row, &r), ND_EINVAL);
	assert_int_equal(nd_store_each_article_range_views(s, 48, 48, range_row, &r), ND_EINVAL);
	assert_int_equal(nd_store_each_article_range_views(s, -24, 48, range_row, &r), ND_EINVAL);
}

static void test_inside_a_read_transaction(void **state)
{
	struct nd_store *s = *state;
	int64_t a1, a2, a3, o[1];

	seed(s, &a1, &a2, &a3);
	assert_int_equal(nd_store_read_begin(s), 0);
	assert_int_equal(nd_store_view_series(s, NULL, 0, D10, D10 + 24, 24, o), 0);
	assert_int_equal(o[0], 1 + 2 + 4 + 16);
	assert_int_equal(nd_store_view_series(s, &a3, 1, D10 + 48, D10 + 72, 24, o), 0);
	assert_int_equal(o[0], 32);
	assert_int_equal(nd_store_read_end(s), 0);
}

static void test_invalid(void **state)
{
	struct nd_store *s = *state;
	int64_t out[4] = {5, 5, 5, 5}, bad[] = {1, 0};

	assert_int_equal(nd_store_view_series(s, NULL, 0, 0, 4, 2, out), ND_EINVAL);
	assert_int_equal(nd_store_view_series(s, NULL, 0, -1, 3, 1, out), ND_EINVAL);
	assert_int_equal(nd_store_view_series(s, NULL, 0, 4, 4, 1, out), ND_EINVAL);
	assert_int_equal(nd_store_view_series(s, NULL, 0, 5, 4, 1, out), ND_EINVAL);
	assert_int_equal(nd_store_view_series(s, NULL, 0, 1, 49, 24, out), ND_EINVAL);
	assert_int_equal(nd_store_view_series(s, NULL, 0, 0, 50, 24, out), ND_EINVAL);
	assert_int_equal(nd_store_view_series(s, NULL, 1, 0, 4, 1, out), ND_EINVAL);
	assert_int_equal(nd_store_view_series(s, bad, 2, 0, 4, 1, out), ND_EINVAL);
	assert_int_equal(nd_store_view_series(s, NULL, 0, 0, ND_STORE_SERIES_MAX + 1, 1, out),
	                 ND_EINVAL);
	for (int i = 0; i < 4; i++)
		assert_int_equal(out[i], 5);
	/* An id with no article adds nothing. */
	{
		int64_t nobody[] = {12345};
		assert_int_equal(nd_store_view_series(s, nobody, 1, 0, 4, 1, out), 0);
		for (int i = 0; i < 4; i++)
			assert_int_equal(out[i], 0);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_hourly, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_daily_across_compaction, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_range_views, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_inside_a_read_transaction, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_invalid, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
