/*
 * Tests for src/recommend/model.c: live co-visitation (session window,
 * decay, cosine, neighbour cap), decayed popularity, the rebase of the
 * scaled weights, and the content-list cache. Small logs, answers worked
 * out by hand in the comments.
 */
#include "helpers/cmocka.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "recommend/model.h"

#define T0  1700000000
#define EPS 1e-6 /* weights are floats */

/* cmocka 1.1 has no double comparison. */
#define assert_near(a, b) assert_true(fabs((double)(a) - (double)(b)) < EPS)
/* Relative, for values far from 1. */
#define assert_rel(a, b) assert_true(fabs((double)(a) / (double)(b)-1) < EPS)

/* Article ids; B lives in another chunk of the node table than A and C. */
#define A 7
#define B 4100
#define C 12
#define D 13
#define E 14

static struct nd_recs_model *model(double window, double covisit_hl, double popular_hl,
                                   size_t neighbours)
{
	struct nd_recs_model_params p;

	nd_recs_model_params_init(&p);
	if (window > 0)
		p.session_window = window;
	if (covisit_hl > 0)
		p.covisit_half_life = covisit_hl;
	if (popular_hl > 0)
		p.popular_half_life = popular_hl;
	if (neighbours)
		p.neighbours = neighbours;
	p.covisit_prior = 0; /* the cosine alone, checked by hand; test_shrinkage has the prior */
	return nd_recs_model_new(&p, T0);
}

/* The two halves of nd_recs_model_rates(). */
static double popularity(const struct nd_recs_model *m, uint32_t a, int64_t now)
{
	double pop, ctr;

	nd_recs_model_rates(m, a, now, -1, &pop, &ctr);
	return pop;
}

static double ctr(const struct nd_recs_model *m, uint32_t a, int64_t now, double g)
{
	double pop, rate;

	nd_recs_model_rates(m, a, now, g, &pop, &rate);
	return rate;
}

/* A visit of article at `at` after one earlier read, prev at prev_at. */
static void visit_after(struct nd_recs_model *m, uint32_t prev, int64_t prev_at, uint32_t article,
                        int64_t at)
{
	struct nd_history_item h = {prev, (uint32_t)prev_at};

	nd_recs_model_visit(m, &h, 1, article, at);
}

static void visit_first(struct nd_recs_model *m, uint32_t article, int64_t at)
{
	nd_recs_model_visit(m, NULL, 0, article, at);
}

static void test_params_defaults(void **state)
{
	struct nd_recs_model_params p;

	(void)state;
	nd_recs_model_params_init(&p);
	assert_near(p.session_window, 1800);
	assert_near(p.covisit_half_life, 14 * 86400.0);
	assert_near(p.popular_half_life, 86400.0);
	assert_int_equal(p.neighbours, 48);
	assert_near(p.covisit_prior, 3);
}

/*
 * The cosine shrunk by the pair's count: two rare articles read together
 * once (cosine 1) rank below a pair many readers made (cosine 0.5).
 *	C, D: one reader, C then D     -> n(C) = n(D) = n(C,D) = 1: cosine 1
 *	A: 20 readers, B: 10 of them read B after A -> cosine 10/sqrt(20*10)
 */
static void test_shrinkage(void **state)
{
	struct nd_recs_model_params p;
	struct nd_recs_model *m;
	struct nd_recs_neighbour nb[4];
	struct nd_history_item h[1];

	(void)state;
	nd_recs_model_params_init(&p);
	m = nd_recs_model_new(&p, T0);
	h[0] = (struct nd_history_item){C, (uint32_t)T0};
	nd_recs_model_visit(m, NULL, 0, C, T0);
	nd_recs_model_visit(m, h, 1, D, T0);
	for (int i = 0; i < 20; i++) {
		h[0] = (struct nd_history_item){A, (uint32_t)T0};
		nd_recs_model_visit(m, NULL, 0, A, T0);
		if (i < 10)
			nd_recs_model_visit(m, h, 1, B, T0);
	}
	assert_int_equal(nd_recs_model_covisit(m, C, T0, nb, 4), 1);
	assert_near(nb[0].score, 1.0 * 1 / (1 + 3.0)); /* 0.25 */
	assert_int_equal(nd_recs_model_covisit(m, A, T0, nb, 4), 1);
	assert_near(nb[0].score, 10 / sqrt(200.0) * 10 / (10 + 3.0)); /* 0.544 */
	/* A count read later is a decayed count: one half-life on, the pair
	 * of ten is worth five, the cosine is unchanged. */
	assert_int_equal(nd_recs_model_covisit(m, A, T0 + (int64_t)p.covisit_half_life, nb, 4), 1);
	assert_near(nb[0].score, 10 / sqrt(200.0) * 5 / (5 + 3.0));
	nd_recs_model_free(m);
}

/*
 * Four visitors, every visit at T0 (weight 1, no decay):
 *	v1: A, then B in the window      -> n(A) += 1, n(B) += 1, (A,B) += 1
 *	v2: A, then C in the window      -> n(A) += 1, n(C) += 1, (A,C) += 1
 *	v3: B, then C 1801 s after B     -> n(B) += 1, n(C) += 1, no pair
 *	v4: A, then B in the window      -> n(A) += 1, n(B) += 1, (A,B) += 1
 * So n(A) = 3, n(B) = 3, n(C) = 2, (A,B) = 2, (A,C) = 1, (B,C) = 0:
 *	cos(A,B) = 2 / sqrt(3 * 3) = 2/3
 *	cos(A,C) = 1 / sqrt(3 * 2) = 0.408248...
 */
static void test_cosine_tiny_log(void **state)
{
	struct nd_recs_model *m = model(0, 0, 0, 0);
	struct nd_recs_neighbour nb[8];

	(void)state;
	visit_first(m, A, T0);
	visit_after(m, A, T0, B, T0);
	visit_first(m, A, T0);
	visit_after(m, A, T0, C, T0);
	visit_first(m, B, T0);
	visit_after(m, B, T0 - 1801, C, T0); /* v3 read B 1801 s before C */
	visit_first(m, A, T0);
	visit_after(m, A, T0, B, T0);

	assert_near(nd_recs_model_visits(m, A, T0), 3);
	assert_near(nd_recs_model_visits(m, B, T0), 3);
	assert_near(nd_recs_model_visits(m, C, T0), 2);

	assert_int_equal(nd_recs_model_covisit(m, A, T0, nb, 8), 2);
	assert_int_equal(nb[0].id, B);
	assert_near(nb[0].score, 2.0 / 3);
	assert_int_equal(nb[1].id, C);
	assert_near(nb[1].score, 1 / sqrt(6));
	/* Both ways, and no (B,C) pair. */
	assert_int_equal(nd_recs_model_covisit(m, B, T0, nb, 8), 1);
	assert_int_equal(nb[0].id, A);
	assert_near(nb[0].score, 2.0 / 3);
	assert_int_equal(nd_recs_model_covisit(m, C, T0, nb, 8), 1);
	assert_int_equal(nb[0].id, A);
	assert_near(nb[0].score, 1 / sqrt(6));
	/* max cuts the heaviest first; 0 and unknown articles give nothing. */
	assert_int_equal(nd_recs_model_covisit(m, A, T0, nb, 1), 1);
	assert_int_equal(nb[0].id, B);
	assert_int_equal(nd_recs_model_covisit(m, A, T0, nb, 0), 0);
	assert_int_equal(nd_recs_model_covisit(m, 999, T0, nb, 8), 0);
	assert_int_equal(nd_recs_model_covisit(m, 100000, T0, nb, 8), 0);
	assert_near(nd_recs_model_visits(m, 999, T0), 0);
	nd_recs_model_free(m);
}

/* The window is inclusive: read exactly 1800 s before pairs, 1801 s not. */
static void test_session_window(void **state)
{
	struct nd_recs_model *m = model(0, 0, 0, 0);
	struct nd_recs_neighbour nb[4];
	/* Newest first: the first entry out of the window ends the walk. */
	struct nd_history_item h[] = {{C, T0 - 10}, {E, T0 - 1801}, {D, T0 - 5}};

	(void)state;
	visit_first(m, B, T0);
	visit_after(m, B, T0 - 1800, A, T0);
	assert_int_equal(nd_recs_model_covisit(m, A, T0, nb, 4), 1);
	assert_int_equal(nb[0].id, B);
	assert_near(nb[0].score, 1); /* 1 / sqrt(1 * 1) */

	visit_first(m, D, T0);
	visit_after(m, D, T0 - 1801, C, T0);
	assert_int_equal(nd_recs_model_covisit(m, C, T0, nb, 4), 0);
	assert_int_equal(nd_recs_model_covisit(m, D, T0, nb, 4), 0);

	/* Reading an article again does not pair it with itself. */
	visit_after(m, B, T0 - 3, B, T0);
	assert_int_equal(nd_recs_model_covisit(m, B, T0, nb, 4), 1);
	assert_int_equal(nb[0].id, A);

	/* A history given newest first stops at the first too old. */
	nd_recs_model_visit(m, h, 3, 20, T0);
	assert_int_equal(nd_recs_model_covisit(m, 20, T0, nb, 4), 1);
	assert_int_equal(nb[0].id, C);
	nd_recs_model_free(m);
}

/*
 * Half-life H = 1000 s, a window wide enough for everything. B and C are
 * each visited 4 times at T0 (n = 4 each). A is visited at T0 after B
 * (weight 1) and at T0 + H after C (weight 2): (A,B) = 1, (A,C) = 2,
 * n(A) = 3 in the scale of T0. So
 *	cos(A,C) = 2 / sqrt(3 * 4) = 0.57735,  cos(A,B) = 1 / sqrt(12) = 0.28868:
 * the pair made one half-life earlier weighs half. Read at T0 + H the
 * visits of A are 1/2 + 1 = 1.5, those of B 4/2 = 2; at T0 + 2H, 1.
 */
static void test_decay(void **state)
{
	struct nd_recs_model *m = model(1e9, 1000, 0, 0);
	struct nd_recs_neighbour nb[4];

	(void)state;
	for (int i = 0; i < 4; i++) {
		visit_first(m, B, T0);
		visit_first(m, C, T0);
	}
	visit_after(m, B, T0, A, T0);
	visit_after(m, C, T0, A, T0 + 1000);
	assert_int_equal(nd_recs_model_covisit(m, A, T0, nb, 4), 2);
	assert_int_equal(nb[0].id, C);
	assert_near(nb[0].score, 2 / sqrt(12));
	assert_int_equal(nb[1].id, B);
	assert_near(nb[1].score, 1 / sqrt(12));
	assert_near(nb[0].score / nb[1].score, 2);
	/* The pair's other side says the same. */
	assert_int_equal(nd_recs_model_covisit(m, C, T0, nb, 4), 1);
	assert_near(nb[0].score, 2 / sqrt(12));
	assert_near(nd_recs_model_visits(m, A, T0 + 1000), 1.5);
	assert_near(nd_recs_model_visits(m, B, T0 + 1000), 2);
	assert_near(nd_recs_model_visits(m, B, T0 + 2000), 1);
	assert_near(nd_recs_model_visits(m, A, T0), 3);
	nd_recs_model_free(m);
}

/*
 * Two neighbours at most. A's list fills with B (2) and C (1); D comes
 * with 1, no heavier than C: not kept. E comes one half-life later with
 * weight 2 > 1: it takes C's place. A pair already listed still adds up.
 */
static void test_neighbour_cap(void **state)
{
	struct nd_recs_model *m = model(1e9, 1000, 0, 2);
	struct nd_recs_neighbour nb[4];
	uint32_t ids[2];

	(void)state;
	for (int i = 0; i < 8; i++)
		visit_first(m, A, T0);
	visit_after(m, A, T0, B, T0);
	visit_after(m, A, T0, B, T0);
	visit_after(m, A, T0, C, T0);
	visit_after(m, A, T0, D, T0);
	assert_int_equal(nd_recs_model_covisit(m, A, T0, nb, 4), 2);
	ids[0] = nb[0].id, ids[1] = nb[1].id;
	/* cos(A,B) = 2 / sqrt(8 * 2) = 0.5 > cos(A,C) = 1 / sqrt(8 * 1). */
	assert_int_equal(ids[0], B);
	assert_near(nb[0].score, 0.5);
	assert_int_equal(ids[1], C);
	assert_near(nb[1].score, 1 / sqrt(8));
	/* D's own list had room for A. */
	assert_int_equal(nd_recs_model_covisit(m, D, T0, nb, 4), 1);
	assert_int_equal(nb[0].id, A);

	visit_after(m, A, T0 + 1000, E, T0 + 1000);
	assert_int_equal(nd_recs_model_covisit(m, A, T0, nb, 4), 2);
	/* (A,B) = 2, n(B) = 2; (A,E) = 2, n(E) = 2: a tie, smaller id first. */
	assert_int_equal(nb[0].id, E < B ? E : B);
	assert_int_equal(nb[1].id, E < B ? B : E);
	assert_near(nb[0].score, 0.5);
	assert_near(nb[1].score, 0.5);

	/* B, listed, grows; C, gone, cannot come back with a light pair. */
	visit_after(m, A, T0 + 1000, B, T0 + 1000);
	visit_after(m, A, T0 + 1000, C, T0 + 1000);
	assert_int_equal(nd_recs_model_covisit(m, A, T0, nb, 4), 2);
	assert_int_equal(nb[0].id, B); /* (A,B) = 4, n(B) = 4: 4 / sqrt(8 * 4) */
	assert_near(nb[0].score, 4 / sqrt(32));
	assert_int_equal(nb[1].id, E);
	nd_recs_model_free(m);
}

/* Views at T0 read one half-life later count half. */
static void test_popularity_decay(void **state)
{
	const int64_t H = 86400;
	struct nd_recs_model *m = model(0, 0, 0, 0);

	(void)state;
	nd_recs_model_views(m, A, 10, T0);
	assert_near(popularity(m, A, T0), 10);
	assert_near(popularity(m, A, T0 + H), 5);
	assert_near(popularity(m, A, T0 + 2 * H), 2.5);
	assert_near(popularity(m, A, T0 + H / 2), 10 / sqrt(2));
	nd_recs_model_views(m, A, 10, T0 + H);
	assert_near(popularity(m, A, T0 + H), 15);
	assert_near(popularity(m, A, T0 + 2 * H), 7.5);
	/* Views from before the model's start weigh less, not nothing. */
	nd_recs_model_views(m, B, 4, T0 - H);
	assert_near(popularity(m, B, T0), 2);
	/* Zero views change nothing; an article never seen has none. */
	nd_recs_model_views(m, C, 0, T0);
	assert_near(popularity(m, C, T0), 0);
	assert_near(popularity(m, 999, T0), 0);
	/* Popularity is not the co-visitation count. */
	assert_near(nd_recs_model_visits(m, A, T0), 0);
	nd_recs_model_free(m);
}

/*
 * Half-lives of 100 s; t1 is 61 half-lives after T0, past the point where
 * the weights are scaled down and the origin moves. Everything read
 * afterwards must be what the plain formula says:
 *	popularity(A, t1) = 8 * 2^-61, popularity(C, t1) = 4
 *	cos(A,B), all made at T0, stays 1 (every weight scales alike)
 * and after a new pair (A,D) at t1: n(A) = 1 + 2^-61, so
 *	cos(A,D) = 1 / sqrt(1 + 2^-61) = 1,
 *	cos(A,B) = 2^-61 / sqrt((1 + 2^-61) 2^-61) = 2^-30.5.
 */
static void test_rebase(void **state)
{
	const int64_t t1 = T0 + 61 * 100, t2 = t1 + 1000 * 100;
	struct nd_recs_model *m = model(1e9, 100, 100, 0);
	struct nd_recs_neighbour nb[4];

	(void)state;
	nd_recs_model_views(m, A, 8, T0);
	visit_first(m, B, T0);
	visit_after(m, B, T0, A, T0);

	nd_recs_model_views(m, C, 4, t1);
	assert_rel(popularity(m, A, t1), 8 * exp2(-61));
	assert_rel(popularity(m, A, t1 + 100), 4 * exp2(-61));
	assert_near(popularity(m, C, t1), 4);
	assert_near(popularity(m, C, t1 + 100), 2);
	assert_rel(nd_recs_model_visits(m, A, t1), exp2(-61));
	/* Reading the past still works after the origin moved. */
	assert_near(popularity(m, A, T0), 8);
	assert_int_equal(nd_recs_model_covisit(m, A, T0, nb, 4), 1);
	assert_near(nb[0].score, 1);

	visit_first(m, D, t1);
	visit_after(m, D, t1, A, t1);
	assert_int_equal(nd_recs_model_covisit(m, A, t1, nb, 4), 2);
	assert_int_equal(nb[0].id, D);
	assert_near(nb[0].score, 1);
	assert_int_equal(nb[1].id, B);
	assert_rel(nb[1].score, exp2(-30.5));
	assert_near(nd_recs_model_visits(m, A, t1), 1);

	/* A thousand half-lives on: the old weights are gone, the new count
	 * is exact, and nothing is infinite or NaN. */
	nd_recs_model_views(m, C, 4, t2);
	assert_near(popularity(m, C, t2), 4);
	assert_near(popularity(m, A, t2), 0);
	assert_true(isfinite(popularity(m, A, t2)));
	visit_first(m, E, t2);
	visit_after(m, E, t2, A, t2);
	assert_int_equal(nd_recs_model_covisit(m, A, t2, nb, 4), 3);
	assert_int_equal(nb[0].id, E);
	assert_near(nb[0].score, 1);
	for (int i = 0; i < 3; i++)
		assert_true(isfinite(nb[i].score) && nb[i].score >= 0 && nb[i].score <= 1);
	nd_recs_model_free(m);
}

/*
 * Just before a rebase (59 half-lives in, so every weight is 2^59) forty
 * readers each read A then B: n(A) = n(B) = (A,B) = 40 * 2^59, and
 * cos(A,B) = 1. The product n(A) n(B) = 1600 * 2^118 ~ 2^128.6 is past
 * what a float holds.
 */
static void test_cosine_near_rebase(void **state)
{
	const int64_t t = T0 + 59 * 100;
	struct nd_recs_model *m;
	struct nd_recs_neighbour nb[4];

	(void)state;
	m = model(1e9, 100, 0, 0);
	for (int i = 0; i < 40; i++) {
		visit_first(m, A, t);
		visit_after(m, A, t, B, t);
	}
	assert_int_equal(nd_recs_model_covisit(m, A, T0, nb, 4), 1);
	assert_int_equal(nb[0].id, B);
	assert_near(nb[0].score, 1);
	nd_recs_model_free(m);
}

/* The Related cache: a list is a signal only when put at or after since. */
static void test_content_cache(void **state)
{
	struct nd_recs_model *m = model(0, 0, 0, 0);
	struct nd_recs_neighbour in[20], out[ND_RECS_CONTENT_MAX];

	(void)state;
	for (uint32_t i = 0; i < 20; i++)
		in[i] = (struct nd_recs_neighbour){100 + i, 1.0f - (float)i / 20};
	assert_int_equal(nd_recs_model_content(m, A, 0, out), -1); /* no node */
	nd_recs_model_views(m, B, 1, T0);
	assert_int_equal(nd_recs_model_content(m, B, 0, out), -1); /* node, no list */

	nd_recs_model_content_put(m, A, T0 + 100, in, 3);
	assert_int_equal(nd_recs_model_content(m, A, T0 + 100, out), 3);
	assert_memory_equal(out, in, 3 * sizeof(*in));
	assert_int_equal(nd_recs_model_content(m, A, T0, out), 3);
	assert_int_equal(nd_recs_model_content(m, A, T0 + 101, out), -1);

	/* A longer list keeps its first ND_RECS_CONTENT_MAX; a newer put
	 * replaces the older. */
	nd_recs_model_content_put(m, A, T0 + 200, in, 20);
	assert_int_equal(nd_recs_model_content(m, A, T0 + 200, out), ND_RECS_CONTENT_MAX);
	assert_memory_equal(out, in, ND_RECS_CONTENT_MAX * sizeof(*in));
	/* An empty list is known (0), not missing (-1). */
	nd_recs_model_content_put(m, A, T0 + 300, NULL, 0);
	assert_int_equal(nd_recs_model_content(m, A, T0 + 300, out), 0);
	assert_int_equal(nd_recs_model_content(m, A, T0 + 301, out), -1);
	nd_recs_model_content_put(m, C, T0, in + 5, 2);
	assert_int_equal(nd_recs_model_content(m, C, T0, out), 2);
	assert_int_equal(out[0].id, 105);
	assert_int_equal(out[1].id, 106);
	nd_recs_model_free(m);
}

/* Ids past 2^28 are not modelled: ignored, never a crash. */
static void test_ids_out_of_range(void **state)
{
	const uint32_t big = 1u << 28;
	struct nd_recs_model *m = model(0, 0, 0, 0);
	struct nd_recs_neighbour nb[4];

	(void)state;
	visit_first(m, big, T0);
	visit_after(m, big, T0, A, T0);
	visit_after(m, A, T0, big, T0);
	nd_recs_model_views(m, big, 5, T0);
	nd_recs_model_content_put(m, big, T0, nb, 0);
	assert_int_equal(nd_recs_model_covisit(m, big, T0, nb, 4), 0);
	assert_int_equal(nd_recs_model_covisit(m, A, T0, nb, 4), 0);
	assert_near(popularity(m, big, T0), 0);
	assert_int_equal(nd_recs_model_content(m, big, 0, nb), -1);
	assert_int_equal(nd_recs_model_content(m, UINT32_MAX, 0, nb), -1);
	nd_recs_model_free(m);
	nd_recs_model_free(NULL);
}

/*
 * Click-through in the Recommendation list: A, B and C shown 10 times, A
 * clicked 5 times: g = 5 / 30 = 1/6; with the prior of 10 showings
 * ctr(A) = (5 + 10/6) / (10 + 10) = 1/3, ctr(B) = (10/6) / 20 = 1/12 and
 * an article never shown gets g. One half-life later the counts halve
 * but g stays: ctr(A) = (2.5 + 10/6) / (5 + 10) = 5/18.
 */
static void test_click_through(void **state)
{
	struct nd_recs_model *m = model(1800, 1e9, 100, 0);
	const uint32_t shown[] = {A, B, C};
	double g;

	(void)state;
	assert_true(nd_recs_model_click_rate(m) < 0); /* nothing shown yet */
	assert_true(ctr(m, A, T0, nd_recs_model_click_rate(m)) == 0);
	for (int i = 0; i < 10; i++)
		nd_recs_model_shown(m, shown, 3, T0);
	for (int i = 0; i < 5; i++)
		nd_recs_model_clicked(m, A, T0);
	g = nd_recs_model_click_rate(m);
	assert_near(g, 1.0 / 6);
	assert_near(ctr(m, A, T0, g), 1.0 / 3);
	assert_near(ctr(m, B, T0, g), 1.0 / 12);
	assert_near(ctr(m, 99, T0, g), 1.0 / 6);
	assert_near(nd_recs_model_click_rate(m), g);
	assert_near(ctr(m, A, T0 + 100, g), 5.0 / 18);
	nd_recs_model_free(m);
}

/* The stamp moves with an article's pairs, and only with them. */
static void test_stamp(void **state)
{
	struct nd_recs_model *m = model(1800, 1e9, 0, 0);
	uint32_t a0, b0, c0;

	(void)state;
	assert_int_equal(nd_recs_model_stamp(m, A), 0); /* never seen */
	visit_first(m, A, T0);
	a0 = nd_recs_model_stamp(m, A);
	b0 = nd_recs_model_stamp(m, B);
	c0 = nd_recs_model_stamp(m, C);
	nd_recs_model_views(m, A, 5, T0); /* popularity is not a pair */
	assert_int_equal(nd_recs_model_stamp(m, A), a0);
	visit_after(m, A, T0, B, T0 + 10);
	assert_int_not_equal(nd_recs_model_stamp(m, A), a0);
	assert_int_not_equal(nd_recs_model_stamp(m, B), b0);
	assert_int_equal(nd_recs_model_stamp(m, C), c0);
	nd_recs_model_free(m);
}

static void test_stats(void **state)
{
	struct nd_recs_model *m = model(0, 0, 0, 0);
	struct nd_recs_neighbour nb[1] = {{A, 1}};
	size_t articles, b0, b1, b2;

	(void)state;
	nd_recs_model_stats(m, &articles, &b0);
	assert_int_equal(articles, 0);
	nd_recs_model_views(m, A, 1, T0);
	nd_recs_model_stats(m, &articles, &b1);
	assert_int_equal(articles, 1);
	assert_true(b1 > b0); /* a chunk of nodes */
	nd_recs_model_content_put(m, B, T0, nb, 1);
	visit_after(m, C, T0, D, T0);
	nd_recs_model_stats(m, &articles, &b2);
	assert_int_equal(articles, 4); /* A (views), B (list), C and D (a pair) */
	assert_true(b2 > b1);
	nd_recs_model_free(m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_params_defaults),
	    cmocka_unit_test(test_shrinkage),
	    cmocka_unit_test(test_cosine_tiny_log),
	    cmocka_unit_test(test_session_window),
	    cmocka_unit_test(test_decay),
	    cmocka_unit_test(test_neighbour_cap),
	    cmocka_unit_test(test_popularity_decay),
	    cmocka_unit_test(test_rebase),
	    /* Scaled counts near 2^60: their product would overflow a float. */
	    cmocka_unit_test(test_cosine_near_rebase),
	    cmocka_unit_test(test_content_cache),
	    cmocka_unit_test(test_ids_out_of_range),
	    cmocka_unit_test(test_click_through),
	    cmocka_unit_test(test_stamp),
	    cmocka_unit_test(test_stats),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
