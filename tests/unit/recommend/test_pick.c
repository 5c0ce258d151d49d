/*
 * Tests for src/recommend/pick.c: the live blend. Exclusions, duplicates,
 * per-request normalisation, the reason, the section bonus and the MMR
 * pass, on hand-made candidates whose scores are worked out in comments.
 */
#include "helpers/cmocka.h"

#include <math.h>
#include <string.h>

#include "recommend/pick.h"

#define EPS 1e-9
#define OLD 1e9 /* an age whose freshness is 0 */

/* cmocka 1.1 has no double comparison. */
#define assert_near(a, b) assert_true(fabs((a) - (b)) < EPS)

static struct nd_recs_cand cand(uint32_t key, uint32_t cluster, uint32_t section, double covisit,
                                double content, double popular, double age)
{
	return (struct nd_recs_cand){.key = key,
	                             .cluster = cluster,
	                             .section = section,
	                             .covisit = covisit,
	                             .content = content,
	                             .popular = popular,
	                             .age = age};
}

/* Weights easy to add up by hand: the default signal weights, MMR off. */
static struct nd_recs_weights plain(void)
{
	return (struct nd_recs_weights){.covisit = 1,
	                                .content = 0.7,
	                                .popular = 0.35,
	                                .fresh = 0.3,
	                                .section_bonus = 0.1,
	                                .fresh_half_life = 3600,
	                                .lambda = 1,
	                                .section_similarity = 0};
}

static size_t pick(struct nd_recs_cand *c, size_t n, const struct nd_recs_weights *w, size_t limit)
{
	struct nd_recs_request rq = {.cands = c, .count = n};

	return nd_recs_pick(&rq, w, limit);
}

/* The keys of c[0 .. n) as "k,k,k". */
static void keys(const struct nd_recs_cand *c, size_t n, char *out, size_t size)
{
	size_t len = 0;

	out[0] = '\0';
	for (size_t i = 0; i < n; i++)
		len += (size_t)snprintf(out + len, size - len, "%s%u", i ? "," : "", c[i].key);
}

/* Picks from c[0 .. n) and checks the keys chosen, in order ("k,k,k"). */
static void picks(struct nd_recs_cand *c, size_t n, const struct nd_recs_weights *w, size_t limit,
                  const char *want)
{
	char s[512];

	keys(c, pick(c, n, w, limit), s, sizeof(s));
	assert_string_equal(s, want);
}

static void test_defaults_and_names(void **state)
{
	struct nd_recs_weights w;

	(void)state;
	nd_recs_weights_init(&w);
	assert_near(w.covisit, 1.0);
	assert_near(w.content, 0.7);
	assert_near(w.popular, 0.35);
	assert_near(w.fresh, 0.3);
	assert_near(w.section_bonus, 0.1);
	assert_near(w.fresh_half_life, 36 * 3600.0);
	assert_near(w.lambda, 0.8);
	assert_near(w.section_similarity, 0.3);
	assert_string_equal(nd_recs_reason_name(ND_RECS_COVISIT), "covisit");
	assert_string_equal(nd_recs_reason_name(ND_RECS_CONTENT), "content");
	assert_string_equal(nd_recs_reason_name(ND_RECS_POPULAR), "popular");
	assert_string_equal(nd_recs_reason_name(ND_RECS_FRESH), "fresh");
	assert_string_equal(nd_recs_reason_name((enum nd_recs_reason)9), "popular");
}

/*
 * Keys 2 and 5 are excluded (read, and the current article), cluster 30
 * is a story already read: keys 3 and 6 go with it. Left: 1 and 4, scored
 * over what is left (covisit 1.0 is the largest: 1 -> 1.0, 4 -> 0.7).
 */
static void test_exclusions(void **state)
{
	struct nd_recs_weights w = plain();
	struct nd_recs_cand c[] = {
	    cand(1, 1, 1, 1.0, 0, 0, OLD),  cand(2, 2, 1, 2.0, 0, 0, OLD),
	    cand(3, 30, 1, 0.8, 0, 0, OLD), cand(4, 4, 1, 0.7, 0, 0, OLD),
	    cand(5, 5, 1, 0.6, 0, 0, OLD),  cand(6, 30, 1, 0.5, 0, 0, OLD),
	};
	const uint32_t ex[] = {2, 5}, ex_clusters[] = {30};
	struct nd_recs_request rq = {c, 6, ex, 2, ex_clusters, 1, 0, NULL, NULL};
	char s[64];

	(void)state;
	assert_int_equal(nd_recs_pick(&rq, &w, 10), 2);
	keys(c, 2, s, sizeof(s));
	assert_string_equal(s, "1,4");
	/* Key 2's covisit 2.0 is not the yardstick: it was left out. */
	assert_near(c[0].score, 1.0);
	assert_near(c[1].score, 0.7);

	/* Excluding the best moves the yardstick to the next: 4's 1.4 -> 1.0
	 * (a yardstick is never under 1: 0.7 alone would stay 0.7). */
	{
		struct nd_recs_cand d[] = {cand(1, 1, 1, 2.0, 0, 0, OLD),
		                           cand(4, 4, 1, 1.4, 0, 0, OLD)};
		const uint32_t ex1[] = {1};
		struct nd_recs_request rq1 = {d, 2, ex1, 1, NULL, 0, 0, NULL, NULL};

		assert_int_equal(nd_recs_pick(&rq1, &w, 10), 1);
		assert_int_equal(d[0].key, 4);
		assert_near(d[0].score, 1.0);
	}
}

/* A key listed more than once keeps its first entry, wherever the others are. */
static void test_duplicates_keep_first(void **state)
{
	struct nd_recs_weights w = plain();
	struct nd_recs_cand c[] = {
	    cand(7, 7, 1, 0.2, 0, 0, OLD), cand(8, 8, 1, 1.0, 0, 0, OLD),
	    cand(7, 7, 1, 0, 1.0, 0, OLD), cand(9, 9, 1, 0.1, 0, 0, OLD),
	    cand(7, 7, 1, 0, 0, 50, OLD),  cand(8, 8, 1, 0, 0, 0, 0),
	};

	(void)state;
	picks(c, 6, &w, 10, "8,7,9");
	/* 8: covisit 1.0; 7: its first entry, covisit 0.2 (the content and
	 * popular copies are gone, so max content and max popular are 0). */
	assert_near(c[0].score, 1.0);
	assert_near(c[1].score, 0.2);
	assert_int_equal(c[1].reason, ND_RECS_COVISIT);
	assert_near(c[2].score, 0.1);
}

/*
 * Parts (weights 1, 0.7, 0.35, 0.3; maxima: covisit 1, content 1,
 * popular 100):
 *	1: covisit 1.0, content 0.5 * 0.7 = 0.35                 = 1.35  covisit
 *	2: covisit 0.2, content 0.7                              = 0.9   content
 *	3: popular 0.35 * log(101) / log(101) = 0.35             = 0.35  popular
 *	4: popular 0.35 * log(11) / log(101) = 0.181850..,
 *	   fresh 0.3 * 2^(-1800 / 3600) = 0.212132..             = 0.39398 fresh
 */
static void test_reason_is_largest_part(void **state)
{
	struct nd_recs_weights w = plain();
	struct nd_recs_cand c[] = {
	    cand(1, 1, 1, 1.0, 0.5, 0, OLD),
	    cand(2, 2, 2, 0.2, 1.0, 0, OLD),
	    cand(3, 3, 3, 0, 0, 100, OLD),
	    cand(4, 4, 4, 0, 0, 10, 1800),
	};
	double pop4 = 0.35 * log(11) / log(101), fresh4 = 0.3 / sqrt(2);

	(void)state;
	picks(c, 4, &w, 4, "1,2,4,3");
	assert_near(c[0].score, 1.35);
	assert_int_equal(c[0].reason, ND_RECS_COVISIT);
	assert_near(c[1].score, 0.9);
	assert_int_equal(c[1].reason, ND_RECS_CONTENT);
	assert_near(c[2].score, pop4 + fresh4);
	assert_int_equal(c[2].reason, ND_RECS_FRESH);
	assert_near(c[3].score, 0.35);
	assert_int_equal(c[3].reason, ND_RECS_POPULAR);
}

/* covisit and content are put on 0 .. 1 per request: a reader whose
 * signals are all ten times larger gets the same scores and reasons. */
static void test_normalisation(void **state)
{
	struct nd_recs_weights w = plain();
	struct nd_recs_cand a[] = {
	    cand(1, 1, 1, 3, 1, 5, 7200),
	    cand(2, 2, 2, 9, 4, 1, 100),
	    cand(3, 3, 3, 1, 8, 9, 50000),
	    cand(4, 4, 4, 0.5, 0, 2, 0),
	};
	struct nd_recs_cand b[4], weak[2];

	(void)state;
	memcpy(b, a, sizeof(a));
	for (size_t i = 0; i < 4; i++) {
		b[i].covisit *= 10;
		b[i].content *= 10;
	}
	assert_int_equal(pick(a, 4, &w, 4), 4);
	assert_int_equal(pick(b, 4, &w, 4), 4);
	for (size_t i = 0; i < 4; i++) {
		assert_int_equal(a[i].key, b[i].key);
		assert_near(a[i].score, b[i].score);
		assert_int_equal(a[i].reason, b[i].reason);
	}
	/* 2 holds the covisit maximum: 1.0 + 0.7 * 4 / 8 + popular + fresh. */
	assert_int_equal(a[0].key, 2);
	assert_near(a[0].score, 1.0 + 0.35 + 0.35 * log(2) / log(10) + 0.3 * exp2(-100 / 3600.0));
	/* Under 1, a signal is not scaled up: a best cosine of 0.2 gives 0.2
	 * of the covisit weight, not all of it. */
	weak[0] = cand(5, 5, 5, 0.2, 0, 0, OLD);
	weak[1] = cand(6, 6, 6, 0.1, 0, 0, OLD);
	assert_int_equal(pick(weak, 2, &w, 2), 2);
	assert_int_equal(weak[0].key, 5);
	assert_near(weak[0].score, 0.2 + 0.3 * exp2(-OLD / 3600.0));
}

/* The current section's articles get section_bonus on top; the reason
 * stays the signal's. */
static void test_section_bonus(void **state)
{
	struct nd_recs_weights w = plain();
	struct nd_recs_cand c[] = {cand(1, 1, 3, 0.95, 0, 0, OLD), cand(2, 2, 4, 1.0, 0, 0, OLD)};
	struct nd_recs_request rq = {.cands = c, .count = 2, .section = 3};

	(void)state;
	assert_int_equal(nd_recs_pick(&rq, &w, 2), 2);
	assert_int_equal(c[0].key, 1);
	assert_near(c[0].score, 0.95 + 0.1);
	assert_int_equal(c[0].reason, ND_RECS_COVISIT);
	assert_near(c[1].score, 1.0);
	/* No current section: no bonus. */
	c[0] = cand(1, 1, 3, 0.95, 0, 0, OLD);
	c[1] = cand(2, 2, 4, 1.0, 0, 0, OLD);
	assert_int_equal(pick(c, 2, &w, 2), 2);
	assert_int_equal(c[0].key, 2);
	assert_near(c[1].score, 0.95);
}

/*
 * MMR with lambda 0.8 and section_similarity 0.3. Scores A 1.0 and B 0.95
 * (section 1), C 0.9 (section 2). A first (0.8). Then B: 0.8 * 0.95 -
 * 0.2 * 0.3 = 0.70 against C: 0.8 * 0.9 = 0.72: C, of the other section,
 * comes before B although its score is lower. With C at 0.5 (0.40) the
 * gap is too wide: B second.
 */
static void test_mmr_prefers_another_section(void **state)
{
	struct nd_recs_weights w = plain();
	struct nd_recs_cand c[] = {cand(1, 1, 1, 1.0, 0, 0, OLD), cand(2, 2, 1, 0.95, 0, 0, OLD),
	                           cand(3, 3, 2, 0.9, 0, 0, OLD)};

	(void)state;
	w.lambda = 0.8;
	w.section_similarity = 0.3;
	picks(c, 3, &w, 3, "1,3,2");
	/* The score reported is the blend's, not the MMR value. */
	assert_near(c[1].score, 0.9);
	assert_near(c[2].score, 0.95);

	c[0] = cand(1, 1, 1, 1.0, 0, 0, OLD);
	c[1] = cand(2, 2, 1, 0.95, 0, 0, OLD);
	c[2] = cand(3, 3, 2, 0.5, 0, 0, OLD);
	picks(c, 3, &w, 3, "1,2,3");

	/* lambda 1: by score only. */
	c[0] = cand(1, 1, 1, 1.0, 0, 0, OLD);
	c[1] = cand(2, 2, 1, 0.95, 0, 0, OLD);
	c[2] = cand(3, 3, 2, 0.9, 0, 0, OLD);
	w.lambda = 1;
	picks(c, 3, &w, 3, "1,2,3");
}

/* Never two of one story, even when nothing else is left to fill the list. */
static void test_mmr_one_per_cluster(void **state)
{
	struct nd_recs_weights w = plain();
	struct nd_recs_cand c[] = {cand(1, 9, 1, 1.0, 0, 0, OLD), cand(2, 9, 2, 0.99, 0, 0, OLD),
	                           cand(3, 10, 1, 0.1, 0, 0, OLD), cand(4, 9, 3, 0.98, 0, 0, OLD)};

	(void)state;
	picks(c, 4, &w, 4, "1,3");
	/* The default weights too. */
	nd_recs_weights_init(&w);
	c[0] = cand(1, 9, 1, 1.0, 0, 0, OLD);
	c[1] = cand(2, 9, 2, 0.99, 0, 0, OLD);
	c[2] = cand(3, 10, 1, 0.1, 0, 0, OLD);
	c[3] = cand(4, 9, 3, 0.98, 0, 0, OLD);
	picks(c, 4, &w, 4, "1,3");
}

struct sim_ctx {
	int calls, bad;
};

/* Articles 1 and 3 read alike (0.9); no other pair does. */
static double similar(void *ctx, const struct nd_recs_cand *a, const struct nd_recs_cand *b)
{
	struct sim_ctx *s = ctx;

	s->calls++;
	if (a->key == b->key || a->key < 1 || a->key > 3 || b->key < 1 || b->key > 3)
		s->bad++;
	return (a->key == 1 && b->key == 3) || (a->key == 3 && b->key == 1) ? 0.9 : 0;
}

/*
 * As in test_mmr_prefers_another_section, but C reads like A: after A,
 * B 0.70 against C 0.72 - 0.2 * 0.9 = 0.54: B second, C last.
 */
static void test_mmr_uses_similar(void **state)
{
	struct nd_recs_weights w = plain();
	struct nd_recs_cand c[] = {cand(1, 1, 1, 1.0, 0, 0, OLD), cand(2, 2, 1, 0.95, 0, 0, OLD),
	                           cand(3, 3, 2, 0.9, 0, 0, OLD)};
	struct sim_ctx sc = {0, 0};
	struct nd_recs_request rq = {
	    .cands = c, .count = 3, .similar = similar, .similar_ctx = &sc};
	char s[64];

	(void)state;
	w.lambda = 0.8;
	w.section_similarity = 0.3;
	assert_int_equal(nd_recs_pick(&rq, &w, 3), 3);
	keys(c, 3, s, sizeof(s));
	assert_string_equal(s, "1,2,3");
	/* Each candidate left is compared with each new pick once: B and C
	 * with A, then C with B. */
	assert_int_equal(sc.calls, 3);
	assert_int_equal(sc.bad, 0);
}

static void test_limits(void **state)
{
	struct nd_recs_weights w = plain();
	struct nd_recs_cand c[3], many[100];

	(void)state;
	for (uint32_t i = 0; i < 3; i++)
		c[i] = cand(i + 1, i + 1, i + 1, 0.1 * (i + 1), 0, 0, OLD);
	/* More asked than there are: all of them. */
	picks(c, 3, &w, 10, "3,2,1");
	assert_int_equal(pick(c, 3, &w, 0), 0);
	assert_int_equal(pick(c, 0, &w, 5), 0);
	/* Equal scores: the higher key (the newer article) first. */
	for (uint32_t i = 0; i < 3; i++)
		c[i] = cand(i + 1, i + 1, i + 1, 0.5, 0, 0, OLD);
	picks(c, 3, &w, 3, "3,2,1");
	/* MMR looks at the ND_RECS_MMR_POOL best only: those come out. */
	for (uint32_t i = 0; i < 100; i++)
		many[i] = cand(i + 1, i + 1, i + 1, (double)(i + 1), 0, 0, OLD);
	assert_int_equal(pick(many, 100, &w, 100), ND_RECS_MMR_POOL);
	for (size_t i = 0; i < ND_RECS_MMR_POOL; i++)
		assert_int_equal(many[i].key, 100 - i);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_defaults_and_names),
	    cmocka_unit_test(test_exclusions),
	    cmocka_unit_test(test_duplicates_keep_first),
	    cmocka_unit_test(test_reason_is_largest_part),
	    cmocka_unit_test(test_normalisation),
	    cmocka_unit_test(test_section_bonus),
	    cmocka_unit_test(test_mmr_prefers_another_section),
	    cmocka_unit_test(test_mmr_one_per_cluster),
	    cmocka_unit_test(test_mmr_uses_similar),
	    cmocka_unit_test(test_limits),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
