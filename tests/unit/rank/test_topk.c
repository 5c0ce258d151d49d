#include "helpers/cmocka.h"

#include "rank/rank_int.h"
#include "rank_fixture.h"

#define NART 400

static uint64_t rnd(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static bool ent_beats(const struct nd__rank_ent *a, const struct nd__rank_ent *b)
{
	if (a->score != b->score)
		return a->score > b->score;
	if (a->pub != b->pub)
		return a->pub > b->pub;
	return a->id < b->id;
}

static int cmp_ent(const void *pa, const void *pb)
{
	const struct nd__rank_ent *a = pa, *b = pb;

	return ent_beats(a, b) ? -1 : ent_beats(b, a) ? 1 : 0;
}

/*
 * The list invariants against the true scores of every article: entries
 * sorted and exact, no article twice, every article with a score that is
 * not in the list no better than the bound, and so the entries that beat
 * the bound are exactly the true top.
 */
static void check_list(const struct nd__rank_list *l, const struct nd__rank_ent *truth)
{
	bool in[NART] = {false};
	uint32_t valid = nd__rank_list_valid(l);
	struct nd__rank_ent sorted[NART];
	size_t n = 0;

	assert_true(l->n <= ND__RANK_CAP);
	for (uint32_t i = 0; i < l->n; i++) { /* the member set */
		if (i)
			assert_true(l->set[i - 1] < l->set[i]);
		in[l->set[i]] = true;
	}
	for (uint32_t i = 0; i < l->n; i++) {
		const struct nd__rank_ent *e = &l->e[i];
		assert_true(in[e->art]); /* in the set, and only once below */
		in[e->art] = false;
		assert_true(e->score == truth[e->art].score);
		assert_true(e->score > 0);
		if (i)
			assert_true(ent_beats(&l->e[i - 1], e));
	}
	for (uint32_t i = 0; i < l->n; i++)
		in[l->e[i].art] = true;
	for (uint32_t a = 0; a < NART; a++) {
		if (truth[a].score > 0)
			sorted[n++] = truth[a];
		if (!in[a] && truth[a].score > 0) {
			assert_true(l->has_bound);
			assert_false(ent_beats(&truth[a], &l->bound));
		}
	}
	qsort(sorted, n, sizeof(*sorted), cmp_ent);
	assert_true(valid <= n);
	for (uint32_t i = 0; i < valid; i++)
		assert_int_equal(l->e[i].art, sorted[i].art);
}

/* Random increases (the path a delta takes), with some updates in either
 * direction, of members and of outsiders. */
static void test_updates_keep_the_invariants(void **state)
{
	for (uint64_t seed = 1; seed <= 8; seed++) {
		struct nd__rank_list l = {0};
		struct nd__rank_ent truth[NART];
		uint64_t s = seed;

		for (uint32_t a = 0; a < NART; a++) {
			truth[a] = (struct nd__rank_ent){0};
			truth[a].art = a;
			truth[a].id = 1 + a * 7919u % 10007;   /* distinct, not in art order */
			truth[a].pub = (int64_t)(rnd(&s) % 4); /* many ties */
		}
		for (int step = 0; step < 3000; step++) {
			uint32_t a = (uint32_t)(rnd(&s) % (step < 1500 ? 60 : NART));
			bool up = rnd(&s) % 10 != 0;
			double old = truth[a].score;
			/* up: a delta. Otherwise any new score (a trending
			 * baseline and recent views in one call). */
			if (up)
				truth[a].score += (double)(rnd(&s) % 4);
			else
				truth[a].score = (double)(rnd(&s) % (uint64_t)(old + 4));
			truth[a].views = (uint32_t)truth[a].score;
			nd__rank_list_update(&l, &truth[a], up);
			check_list(&l, truth);
		}
		nd__rank_list_release(&l);
	}
}

static struct nd__rank_ent ent(uint32_t art, double score)
{
	struct nd__rank_ent e = {
	    .score = score, .id = art + 1, .art = art, .views = (uint32_t)score};

	return e;
}

/* An article outside a full list that rises, but not into it, raises the
 * bound to itself, whichever way the update was called. */
static void test_outsider_rising_raises_the_bound(void **state)
{
	for (int up = 0; up < 2; up++) {
		struct nd__rank_list l = {0};
		struct nd__rank_ent x;

		for (uint32_t a = 0; a < ND__RANK_CAP; a++) {
			x = ent(a, 100 + a);
			nd__rank_list_update(&l, &x, true);
		}
		assert_false(l.has_bound);
		x = ent(500, 10); /* full: stays out, the bound is 10 */
		nd__rank_list_update(&l, &x, true);
		assert_true(l.has_bound && l.bound.score == 10);
		assert_int_equal(l.n, ND__RANK_CAP);
		x = ent(501, 5);
		nd__rank_list_update(&l, &x, true);
		assert_true(l.bound.score == 10);
		x = ent(501, 50);
		nd__rank_list_update(&l, &x, up);
		assert_true(l.bound.score == 50);
		assert_int_equal(nd__rank_list_valid(&l), ND__RANK_CAP);
		/* A member falling under it is no longer known to be in place. */
		x = ent(0, 20);
		nd__rank_list_update(&l, &x, false);
		assert_int_equal(l.e[l.n - 1].art, 0);
		assert_int_equal(nd__rank_list_valid(&l), ND__RANK_CAP - 1);
		/* One rising above the last enters and evicts it; the evicted
		 * one becomes the bound. */
		x = ent(502, 60);
		nd__rank_list_update(&l, &x, up);
		assert_int_equal(l.e[l.n - 1].art, 502);
		assert_true(l.bound.score == 50 && l.bound.art == 501);
		nd__rank_list_release(&l);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_updates_keep_the_invariants),
	    cmocka_unit_test(test_outsider_rising_raises_the_bound),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
