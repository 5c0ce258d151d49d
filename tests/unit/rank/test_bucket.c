#include "helpers/cmocka.h"

#include "rank/rank.h"

/* 2024-03-10T00:00:00Z, a Sunday: a day (and so an hour) boundary. */
#define DAY0 1710028800LL

static void test_hour_and_day_boundaries(void **state)
{
	/* ...T00:59:59Z and ...T01:00:00Z are in consecutive hours. */
	assert_int_equal(nd_rank_hour(DAY0 + 3599), DAY0 / 3600);
	assert_int_equal(nd_rank_hour(DAY0 + 3600), DAY0 / 3600 + 1);
	assert_int_equal(nd_rank_minute(DAY0 + 3599), 59);
	assert_int_equal(nd_rank_minute(DAY0 + 3600), 0);
	assert_int_equal(nd_rank_minute(DAY0 + 3600 + 61), 1);
	/* ...T23:59:59Z and the next ...T00:00:00Z: new hour and new day. */
	assert_int_equal(nd_rank_day(DAY0 - 1), DAY0 / 86400 - 1);
	assert_int_equal(nd_rank_day(DAY0), DAY0 / 86400);
	assert_int_equal(nd_rank_hour(DAY0 - 1), DAY0 / 3600 - 1);
	assert_int_equal(nd_rank_day_of_hour(nd_rank_hour(DAY0 - 1)), DAY0 / 86400 - 1);
	assert_int_equal(nd_rank_day_of_hour(nd_rank_hour(DAY0)), DAY0 / 86400);
	/* Floor, not truncation, before 1970. */
	assert_int_equal(nd_rank_hour(-1), -1);
	assert_int_equal(nd_rank_hour(-3600), -1);
	assert_int_equal(nd_rank_hour(-3601), -2);
	assert_int_equal(nd_rank_day(-1), -1);
	assert_int_equal(nd_rank_day_of_hour(-1), -1);
	assert_int_equal(nd_rank_day_of_hour(-24), -1);
	assert_int_equal(nd_rank_day_of_hour(-25), -2);
	assert_int_equal(nd_rank_minute(-1), 59);
	assert_int_equal(nd_rank_minute(-60), 59);
	assert_int_equal(nd_rank_minute(-61), 58);
	assert_int_equal(nd_rank_minute(0), 0);
}

/* Every second of two days, across a day boundary: the hour, day and
 * minute agree with each other and with plain arithmetic. */
static void test_buckets_agree_over_two_days(void **state)
{
	for (int64_t t = DAY0 - 86400; t < DAY0 + 86400; t++) {
		int64_t h = nd_rank_hour(t);
		assert_true(h * 3600 <= t && t < (h + 1) * 3600);
		assert_int_equal(nd_rank_day(t), nd_rank_day_of_hour(h));
		assert_int_equal(nd_rank_minute(t), (t % 3600) / 60);
	}
	/* A day is 24 hours: folding hourly buckets into days sums each
	 * day's 24 hours exactly once. */
	int64_t per_day[3] = {0};
	for (int64_t h = DAY0 / 3600 - 24; h < DAY0 / 3600 + 48; h++)
		per_day[nd_rank_day_of_hour(h) - (DAY0 / 86400 - 1)] += 1;
	assert_int_equal(per_day[0], 24);
	assert_int_equal(per_day[1], 24);
	assert_int_equal(per_day[2], 24);
}

static void test_window_membership_at_the_boundary_second(void **state)
{
	int64_t now = DAY0; /* 00:00:00, the first second of hour H */
	int64_t h = DAY0 / 3600;

	assert_true(nd_rank_hour_in_window(h, now, ND_RANK_1H));
	assert_true(nd_rank_hour_in_window(h - 1, now, ND_RANK_1H));
	assert_false(nd_rank_hour_in_window(h - 2, now, ND_RANK_1H));
	assert_true(nd_rank_hour_in_window(h - 23, now, ND_RANK_24H));
	assert_false(nd_rank_hour_in_window(h - 24, now, ND_RANK_24H));
	assert_true(nd_rank_hour_in_window(h - 167, now, ND_RANK_7D));
	assert_false(nd_rank_hour_in_window(h - 168, now, ND_RANK_7D));
	assert_true(nd_rank_hour_in_window(h - 167, now, ND_RANK_TRENDING));
	assert_false(nd_rank_hour_in_window(h + 1, now, ND_RANK_24H));
	/* One second earlier it is still hour H-1: the window is one hour
	 * further back. */
	assert_true(nd_rank_hour_in_window(h - 24, now - 1, ND_RANK_24H));
	assert_false(nd_rank_hour_in_window(h, now - 1, ND_RANK_24H));
	assert_int_equal(nd_rank_first_hour(now, ND_RANK_7D), h - 167);
	assert_int_equal(nd_rank_first_hour(now - 1, ND_RANK_7D), h - 168);
	assert_int_equal(nd_rank_first_hour(now, ND_RANK_1H), h - 1);
	assert_int_equal(nd_rank_first_hour(now, ND_RANK_24H), h - 23);
}

static void test_1h_weights_the_previous_hour_by_the_minute(void **state)
{
	assert_int_equal(nd_rank_1h_views(7, 120, DAY0), 127);              /* minute 0 */
	assert_int_equal(nd_rank_1h_views(7, 120, DAY0 + 59), 127);         /* still minute 0 */
	assert_int_equal(nd_rank_1h_views(7, 120, DAY0 + 60), 7 + 118);     /* minute 1: 59/60 */
	assert_int_equal(nd_rank_1h_views(7, 120, DAY0 + 30 * 60), 7 + 60); /* half */
	assert_int_equal(nd_rank_1h_views(7, 120, DAY0 + 3599), 7 + 2);     /* minute 59: 1/60 */
	assert_int_equal(nd_rank_1h_views(7, 59, DAY0 + 3599), 7);          /* floor */
	assert_int_equal(nd_rank_1h_views(0, 0, DAY0 + 100), 0);
	/* Saturates instead of wrapping. */
	assert_int_equal(nd_rank_1h_views(UINT32_MAX, UINT32_MAX, DAY0), UINT32_MAX);
	assert_int_equal(nd_rank_1h_views(UINT32_MAX - 1, 0, DAY0), UINT32_MAX - 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_hour_and_day_boundaries),
	    cmocka_unit_test(test_buckets_agree_over_two_days),
	    cmocka_unit_test(test_window_membership_at_the_boundary_second),
	    cmocka_unit_test(test_1h_weights_the_previous_hour_by_the_minute),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
