#include "helpers/cmocka.h"

#include "rank/rank_int.h"
#include "rank_fixture.h"

#define T0 1710028800LL /* 2024-03-10T00:00:00Z */

static uint64_t rnd(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

/* The engine's sums for id, or zeros when it does not know the id. */
static void sums(struct nd_rank *r, uint32_t id, uint32_t *s3, uint32_t *s24, uint32_t *s7d,
                 uint32_t *cur, uint32_t *prev)
{
	uint32_t slot = nd__rank_art_find(r, id);

	*s3 = *s24 = *s7d = *cur = *prev = 0;
	if (slot == UINT32_MAX)
		return;
	*s3 = r->art[slot].s3;
	*s24 = r->art[slot].s24;
	*s7d = r->art[slot].s7d;
	*cur = nd__rank_hour_views(&r->art[slot], r->hour);
	*prev = nd__rank_hour_views(&r->art[slot], r->hour - 1);
}

static uint64_t known_views(struct nd_rank *r, uint32_t id)
{
	uint32_t s3, s24, s7d, cur, prev;

	sums(r, id, &s3, &s24, &s7d, &cur, &prev);
	return s7d;
}

static void check_all(struct nd_rank *r, struct model *m, uint32_t nids)
{
	int64_t h = nd_rank_hour(m->now);
	uint64_t per_hour[ND_RANK_HOURS] = {0};

	assert_int_equal(r->now, m->now);
	model_prepare(m);
	for (uint32_t id = 1; id <= nids; id++) {
		uint32_t s3, s24, s7d, cur, prev;
		bool known = id < m->nid;
		sums(r, id, &s3, &s24, &s7d, &cur, &prev);
		assert_int_equal(s3, known ? m->v3[id] : 0);
		assert_int_equal(s24, known ? m->v24[id] : 0);
		assert_int_equal(s7d, known ? m->v7d[id] : 0);
		assert_int_equal(cur, known ? m->cur[id] : 0);
		assert_int_equal(prev, known ? m->prev[id] : 0);
	}
	/* The brute force by its other definition, for a few. */
	for (uint32_t id = 1; id <= nids; id += 13)
		assert_int_equal(known_views(r, id), model_views(m, id, h - 167, h));
	/* Each hour's log holds exactly that hour's views. */
	for (uint32_t i = 0; i < ND_RANK_HOURS; i++) {
		const struct nd__rank_hlog *lg = &r->log[i];
		if (lg->hour == INT64_MIN) {
			assert_int_equal(lg->n, 0);
			continue;
		}
		assert_true(lg->hour > h - ND_RANK_HOURS && lg->hour <= h);
		assert_int_equal(nd__rank_log_index(lg->hour), i);
		for (uint32_t k = 0; k < lg->n; k++)
			per_hour[i] += lg->e[k].views;
	}
	for (int64_t hh = h - 167; hh <= h; hh++) {
		uint64_t v = 0;
		for (size_t k = 0; k < m->nrec; k++)
			if (m->rec[k].hour == hh)
				v += m->rec[k].views;
		assert_int_equal(per_hour[nd__rank_log_index(hh)], v);
	}
}

/*
 * Random streams: deltas mostly for the current and previous hour, some
 * for older hours (a start-up load), some from the future (another
 * clock) and some older than 7 days; the clock moves by seconds, minutes,
 * hours and now and then days. After every step each window sum equals a
 * recomputation from every delta ever recorded.
 */
static void test_sums_match_brute_force(void **state)
{
	for (uint64_t seed = 1; seed <= 6; seed++) {
		uint64_t s = seed;
		int64_t now = T0 + (int64_t)(rnd(&s) % 86400);
		struct nd_rank *r = nd_rank_new(NULL, now);
		struct model m;
		const uint32_t nids = 40;

		model_init(&m, NULL, now);
		for (int step = 0; step < 400; step++) {
			struct nd_rank_delta d[24];
			size_t n = rnd(&s) % 24;
			int64_t h;
			uint64_t how = rnd(&s) % 100;

			if (how < 50)
				now += (int64_t)(rnd(&s) % 120);
			else if (how < 85)
				now += (int64_t)(rnd(&s) % 7200);
			else if (how < 98)
				now += (int64_t)(rnd(&s) % (3 * 86400));
			else
				now += (int64_t)(rnd(&s) % (9 * 86400)); /* past every window */
			h = nd_rank_hour(now);
			for (size_t i = 0; i < n; i++) {
				uint64_t k = rnd(&s) % 100;
				d[i].id = 1 + (uint32_t)(rnd(&s) % nids);
				d[i].views = (uint32_t)(rnd(&s) % 50);
				if (k < 40)
					d[i].hour = h;
				else if (k < 60)
					d[i].hour = h - 1;
				else if (k < 90)
					d[i].hour = h - (int64_t)(rnd(&s) % 200);
				else
					d[i].hour = h + 1 + (int64_t)(rnd(&s) % 3);
			}
			if (rnd(&s) % 4 == 0) {
				nd_rank_tick(r, now);
				model_tick(&m, now);
			}
			nd_rank_add(r, d, n, now);
			model_add(&m, d, n, now);
			check_all(r, &m, nids);
		}
		model_release(&m);
		nd_rank_free(r);
	}
}

/* Two deltas for one article and hour within the last two hours share one
 * log record; older hours just append. */
static void test_repeated_deltas_share_a_record(void **state)
{
	int64_t now = T0 + 1800, h = nd_rank_hour(now);
	struct nd_rank *r = nd_rank_new(NULL, now);
	struct nd_rank_delta d[] = {
	    {7, h, 3}, {7, h - 1, 4}, {7, h, 5}, {7, h - 5, 1}, {7, h - 5, 1}};

	nd_rank_add(r, d, 2, now);
	nd_rank_add(r, d + 2, 3, now + 1);
	assert_int_equal(r->log[nd__rank_log_index(h)].n, 1);
	assert_int_equal(r->log[nd__rank_log_index(h)].e[0].views, 8);
	assert_int_equal(r->log[nd__rank_log_index(h - 1)].n, 1);
	assert_int_equal(r->log[nd__rank_log_index(h - 5)].n, 2);
	/* Into the next hour: hour h is now the previous one and still
	 * merges, h+1 gets its own record. */
	d[0].hour = h;
	d[1].hour = h + 1;
	nd_rank_add(r, d, 2, now + 3600);
	assert_int_equal(r->log[nd__rank_log_index(h)].n, 1);
	assert_int_equal(r->log[nd__rank_log_index(h)].e[0].views, 11);
	assert_int_equal(r->log[nd__rank_log_index(h + 1)].n, 1);
	nd_rank_free(r);
}

/* Hours leave each window at the exact boundary, and a jump of more than
 * 7 days empties everything. */
static void test_expiry_at_the_boundaries(void **state)
{
	int64_t now = T0 + 600, h = nd_rank_hour(now);
	struct nd_rank *r = nd_rank_new(NULL, now);
	struct nd_rank_delta d = {1, h, 10};
	uint32_t s3, s24, s7d, cur, prev;

	nd_rank_add(r, &d, 1, now);
	nd_rank_tick(r, T0 + 2 * 3600 + 3599); /* hour h+2: still in 3h */
	sums(r, 1, &s3, &s24, &s7d, &cur, &prev);
	assert_int_equal(s3, 10);
	nd_rank_tick(r, T0 + 3 * 3600); /* hour h+3 */
	sums(r, 1, &s3, &s24, &s7d, &cur, &prev);
	assert_int_equal(s3, 0);
	assert_int_equal(s24, 10);
	nd_rank_tick(r, T0 + 23 * 3600 + 3599);
	sums(r, 1, &s3, &s24, &s7d, &cur, &prev);
	assert_int_equal(s24, 10);
	nd_rank_tick(r, T0 + 24 * 3600); /* the next midnight */
	sums(r, 1, &s3, &s24, &s7d, &cur, &prev);
	assert_int_equal(s24, 0);
	assert_int_equal(s7d, 10);
	nd_rank_tick(r, T0 + 168 * 3600 - 1);
	sums(r, 1, &s3, &s24, &s7d, &cur, &prev);
	assert_int_equal(s7d, 10);
	nd_rank_tick(r, T0 + 168 * 3600);
	sums(r, 1, &s3, &s24, &s7d, &cur, &prev);
	assert_int_equal(s7d, 0);

	/* The clock does not go back. */
	nd_rank_tick(r, T0);
	assert_int_equal(r->now, T0 + 168 * 3600);

	/* A long jump after fresh views. */
	d.hour = nd_rank_hour(r->now);
	nd_rank_add(r, &d, 1, r->now);
	nd_rank_tick(r, r->now + 30 * 86400);
	sums(r, 1, &s3, &s24, &s7d, &cur, &prev);
	assert_int_equal(s7d + s24 + s3 + cur + prev, 0);
	for (int i = 0; i < ND_RANK_HOURS; i++)
		assert_int_equal(r->log[i].n, 0);
	nd_rank_free(r);
}

/* Articles neither catalogued nor counted any more are forgotten when the
 * catalogue changes; the others keep their counts. */
static void test_forgets_only_dead_articles(void **state)
{
	int64_t now = T0, h = nd_rank_hour(now);
	struct nd_rank *r = nd_rank_new(NULL, now);
	struct nd_rank_delta d[] = {{1, h, 5}, {2, h, 6}};
	struct nd_rank_article a[] = {{.id = 3}};
	struct nd_rank_stats st;

	nd_rank_add(r, d, 2, now);
	nd_rank_set_articles(r, a, 1);
	nd_rank_stats(r, &st);
	assert_int_equal(st.articles, 3); /* 1 and 2 have views, 3 is listed */
	assert_int_equal(st.listed, 1);
	nd_rank_tick(r, now + 8 * 86400);
	nd_rank_set_articles(r, a, 1);
	nd_rank_stats(r, &st);
	assert_int_equal(st.articles, 1);
	assert_int_equal(nd__rank_art_find(r, 1), UINT32_MAX);
	assert_int_not_equal(nd__rank_art_find(r, 3), UINT32_MAX);
	/* Freed slots are reused and found again. */
	d[0].hour = d[1].hour = nd_rank_hour(r->now);
	nd_rank_add(r, d, 2, r->now);
	assert_int_equal(r->art[nd__rank_art_find(r, 1)].s24, 5);
	assert_int_equal(r->art[nd__rank_art_find(r, 2)].s24, 6);
	nd_rank_free(r);
}

/* Many articles: the id map grows and every id is still found. */
static void test_many_ids(void **state)
{
	int64_t now = T0, h = nd_rank_hour(now);
	struct nd_rank *r = nd_rank_new(NULL, now);
	static struct nd_rank_delta d[5000];

	for (uint32_t i = 0; i < 5000; i++)
		d[i] = (struct nd_rank_delta){i * 7919u + 1, h, i % 5 + 1};
	nd_rank_add(r, d, 5000, now);
	for (uint32_t i = 0; i < 5000; i++) {
		uint32_t slot = nd__rank_art_find(r, i * 7919u + 1);
		assert_int_not_equal(slot, UINT32_MAX);
		assert_int_equal(r->art[slot].s7d, i % 5 + 1);
	}
	assert_int_equal(nd__rank_art_find(r, 2), UINT32_MAX);
	nd_rank_free(r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_sums_match_brute_force),
	    cmocka_unit_test(test_repeated_deltas_share_a_record),
	    cmocka_unit_test(test_expiry_at_the_boundaries),
	    cmocka_unit_test(test_forgets_only_dead_articles),
	    cmocka_unit_test(test_many_ids),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
