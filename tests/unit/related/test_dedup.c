#include "helpers/cmocka.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/buf.h"
#include "core/err.h"
#include "core/hash.h"
#include "core/mem.h"
#include "index/analyze.h"
#include "related/dedup.h"
#include "related/eval.h"

#define ECBPLUS ND_SHARED_DIR "/data/ecbplus/docs.jsonl"

/* A wire story of our own, in paragraphs, for the edits below. */
static const char *const story_title = "Storm floods coastal towns as river breaks its banks";
static const char *const story[] = {
    "Heavy rain drove a swollen river over its banks on Tuesday, flooding three coastal towns "
    "and forcing hundreds of families from their homes, emergency officials said.",
    "Water reached the first floor of houses in Marlow Bay within an hour of the breach, and "
    "rescue crews in boats pulled at least forty people from rooftops overnight.",
    "The regional weather office said more than 180 millimetres of rain had fallen in two "
    "days, the most since records began in 1921.",
    "Mayor Ellen Cartwright said the town's flood barrier had held for most of the night "
    "before a section near the old mill gave way shortly after midnight.",
    "Schools across the district will stay closed until Friday, and the main rail line to "
    "the capital was suspended after a landslide covered the tracks near Hollin.",
    "Insurers estimated early damage at tens of millions, though they cautioned that the "
    "full cost would not be known until the water receded.",
    "Forecasters expect the rain to ease by Thursday, but warned that river levels could "
    "keep rising downstream for another day as water drains from the hills.",
    "The government said it would send army engineers to reinforce embankments and open "
    "emergency shelters in school gymnasiums and church halls.",
};

/* The story's body from paragraphs order[0..n), after prefix. */
static void body(struct nd_buf *b, const char *prefix, const int *order, size_t n)
{
	nd_buf_reset(b);
	nd_buf_adds(b, prefix);
	for (size_t i = 0; i < n; i++) {
		nd_buf_adds(b, story[order[i]]);
		nd_buf_adds(b, "\n\n");
	}
}

static void sig(struct nd_analyzer *an, const char *title, const struct nd_buf *b,
                struct nd_minhash *out)
{
	nd_minhash_article(an, title, strlen(title), b->buf, b->len, out);
}

/* The copies a wire story goes through fold with it, one edit at a time
 * and all together; another story on the same subject does not. */
static void test_wire_edits_fold(void **state)
{
	static const int all[] = {0, 1, 2, 3, 4, 5, 6, 7};
	static const int dropped[] = {0, 1, 2, 4, 5, 6, 7};
	static const int moved[] = {0, 3, 1, 2, 4, 5, 6, 7};
	static const int both[] = {0, 5, 1, 2, 3, 4, 7};
	struct nd_analyzer *an = nd_analyzer_new("en");
	struct nd_buf b = ND_BUF_INIT;
	struct nd_minhash orig, edit[5], other;
	struct nd_dedup *d = nd_dedup_new(0);
	uint32_t cluster;

	body(&b, "", all, 8);
	sig(an, story_title, &b, &orig);
	/* A changed headline word. */
	sig(an, "Storm floods coastal villages as river breaks its banks", &b, &edit[0]);
	/* A dateline added. */
	body(&b, "MARLOW BAY, March 3 (Reuters) - ", all, 8);
	sig(an, story_title, &b, &edit[1]);
	/* A paragraph dropped. */
	body(&b, "", dropped, 7);
	sig(an, story_title, &b, &edit[2]);
	/* Paragraphs reordered: the mayor's quote moved up. */
	body(&b, "", moved, 8);
	sig(an, story_title, &b, &edit[3]);
	/* All of it: new headline, dateline, one paragraph dropped, one moved. */
	body(&b, "MARLOW BAY (AP) - ", both, 7);
	sig(an, "River bursts banks, floods three coastal towns", &b, &edit[4]);

	for (size_t i = 0; i < 5; i++)
		assert_true(nd_minhash_similarity(&orig, &edit[i]) >= ND_DEDUP_THRESHOLD);
	assert_true(nd_minhash_similarity(&orig, &edit[0]) > 0.9);
	assert_true(nd_minhash_similarity(&orig, &edit[1]) > 0.9);

	/* Same town, same flood, another reporter's words. */
	nd_buf_reset(&b);
	nd_buf_adds(&b, "Residents of Marlow Bay spent the night on upper floors after the river "
	                "overwhelmed the town's flood defences. Boats ferried families to dry "
	                "ground while the rain kept falling. Officials blamed a weak section of "
	                "the barrier near the old mill, and the mayor asked for army help. Trains "
	                "to the capital are cancelled and schools will stay shut this week.");
	sig(an, "Marlow Bay residents flee rising river", &b, &other);
	assert_true(nd_minhash_similarity(&orig, &other) < 0.2);

	assert_int_equal(nd_dedup_add(d, 10, &orig, &cluster), 0);
	assert_int_equal(cluster, 10);
	assert_int_equal(nd_dedup_add(d, 50, &other, &cluster), 0);
	assert_int_equal(cluster, 50);
	for (uint32_t i = 0; i < 5; i++) {
		assert_int_equal(nd_dedup_add(d, 20 + i, &edit[i], &cluster), 0);
		assert_int_equal(cluster, 10);
	}
	assert_int_equal(nd_dedup_cluster_of(d, 24), 10);
	assert_int_equal(nd_dedup_cluster_of(d, 50), 50);
	assert_int_equal(nd_dedup_count(d), 7);

	nd_dedup_free(d);
	nd_buf_release(&b);
	nd_analyzer_free(an);
}

/* Feeds a document made of runs of exactly ND_SHINGLE_TERMS terms, one
 * shingle each: runs first .. first + n - 1. */
static void runs(struct nd_minhash *out, unsigned first, unsigned n)
{
	struct nd_minhash_builder b;

	nd_minhash_builder_init(&b);
	for (unsigned r = first; r < first + n; r++) {
		for (unsigned t = 0; t < ND_SHINGLE_TERMS; t++) {
			char term[32];
			int len = snprintf(term, sizeof(term), "r%u-t%u", r, t);
			nd_minhash_builder_add(&b, term, (size_t)len);
		}
		nd_minhash_builder_break(&b);
	}
	nd_minhash_builder_finish(&b, out);
}

/* The estimate follows the true Jaccard similarity of the shingle sets
 * (standard error at most 0.044 with 128 values; allow 3.5 of them). */
static void test_estimate(void **state)
{
	static const struct {
		unsigned a_first, a_n, b_first, b_n;
		double jaccard;
	} cases[] = {
	    {0, 200, 0, 200, 1.0},          {0, 200, 20, 200, 180.0 / 220}, {0, 200, 50, 200, 0.6},
	    {0, 300, 100, 300, 0.5},        {0, 100, 50, 100, 1.0 / 3},     {0, 200, 0, 50, 0.25},
	    {0, 200, 180, 200, 20.0 / 380}, {0, 100, 100, 100, 0},
	};

	for (size_t i = 0; i < ND_COUNT(cases); i++) {
		struct nd_minhash a, b;
		runs(&a, cases[i].a_first, cases[i].a_n);
		runs(&b, cases[i].b_first, cases[i].b_n);
		assert_int_equal(a.shingles, cases[i].a_n);
		double e = nd_minhash_similarity(&a, &b);
		if (e < cases[i].jaccard - 0.155 || e > cases[i].jaccard + 0.155)
			fail_msg("case %zu: estimate %.3f, Jaccard %.3f", i, e, cases[i].jaccard);
	}
}

/* Short runs, stop words, empty documents. */
static void test_short_and_empty(void **state)
{
	struct nd_analyzer *an = nd_analyzer_new("en");
	struct nd_minhash_builder b;
	struct nd_minhash one, one_again, two, empty, empty2, keep, drop;
	struct nd_dedup *d = nd_dedup_new(0);
	const char *text = "The Prime Minister said on Monday that the talks with the unions "
	                   "had broken down and that he would not call an early election.";

	/* A one-word and a two-word headline still have a fingerprint. */
	nd_minhash_article(an, "Obama", 5, NULL, 0, &one);
	nd_minhash_article(an, "Obama", 5, "", 0, &one_again);
	nd_minhash_article(an, "Obama wins", 10, NULL, 0, &two);
	assert_int_equal(one.shingles, 1);
	assert_int_equal(two.shingles, 1);
	assert_true(nd_minhash_similarity(&one, &one_again) == 1.0);
	assert_true(nd_minhash_similarity(&one, &two) < 0.1);

	/* Nothing to fingerprint: similar to nothing, not even itself. */
	nd_minhash_article(an, "", 0, "the of and", 10, &empty);
	nd_minhash_builder_init(&b);
	nd_minhash_builder_finish(&b, &empty2);
	assert_int_equal(empty.shingles, 0);
	assert_true(nd_minhash_similarity(&empty, &empty2) == 0);
	assert_int_equal(nd_dedup_add(d, 1, &empty, NULL), 0);
	assert_int_equal(nd_dedup_add(d, 2, &empty2, NULL), 0);
	assert_int_equal(nd_dedup_cluster_of(d, 2), 2);

	/* Stop words flagged by ND_ANALYZE_KEEP_STOP are skipped. */
	nd_minhash_builder_init(&b);
	nd_analyze(an, text, strlen(text), ND_ANALYZE_KEEP_STOP, nd_minhash_term_cb, &b);
	nd_minhash_builder_finish(&b, &keep);
	nd_minhash_builder_init(&b);
	nd_analyze(an, text, strlen(text), 0, nd_minhash_term_cb, &b);
	nd_minhash_builder_finish(&b, &drop);
	assert_memory_equal(&keep, &drop, sizeof(keep));

	/* A break keeps shingles from spanning title and body. */
	nd_minhash_article(an, "alpha beta", 10, "gamma delta", 11, &one);
	nd_minhash_article(an, NULL, 0, "alpha beta gamma delta", 22, &two);
	assert_true(nd_minhash_similarity(&one, &two) < 0.1);

	nd_dedup_free(d);
	nd_analyzer_free(an);
}

/* Clusters grow one document at a time: a new copy joins its story, a
 * document that copies two stories joins them, ids are the smallest key,
 * and the order of the adds does not matter. */
static void test_incremental(void **state)
{
	struct nd_minhash a, b, bridge, c, lone;
	struct nd_dedup *d1 = nd_dedup_new(0.55), *d2 = nd_dedup_new(0.55);
	uint32_t cluster;

	runs(&a, 0, 100);       /* runs 0..99 */
	runs(&bridge, 20, 100); /* 20..119: Jaccard 80/120 = 0.67 with a and with c */
	runs(&c, 40, 100);      /* 40..139: 60/140 = 0.43 with a */
	runs(&lone, 1000, 50);
	runs(&b, 0, 95); /* 0..94: 0.95 with a */
	assert_true(nd_minhash_similarity(&a, &c) < 0.5);
	assert_true(nd_minhash_similarity(&a, &bridge) > 0.6);
	assert_true(nd_minhash_similarity(&c, &bridge) > 0.6);

	assert_int_equal(nd_dedup_add(d1, 7, &a, &cluster), 0);
	assert_int_equal(cluster, 7);
	assert_int_equal(nd_dedup_add(d1, 3, &c, &cluster), 0);
	assert_int_equal(cluster, 3);
	assert_int_equal(nd_dedup_add(d1, 9, &lone, &cluster), 0);
	assert_int_equal(cluster, 9);
	assert_int_not_equal(nd_dedup_cluster_of(d1, 7), nd_dedup_cluster_of(d1, 3));
	/* The bridge joins a's story and c's: the id is now the smallest key. */
	assert_int_equal(nd_dedup_add(d1, 5, &bridge, &cluster), 0);
	assert_int_equal(cluster, 3);
	assert_int_equal(nd_dedup_cluster_of(d1, 7), 3);
	assert_int_equal(nd_dedup_add(d1, 11, &b, &cluster), 0);
	assert_int_equal(cluster, 3);
	assert_int_equal(nd_dedup_cluster_of(d1, 9), 9);
	assert_int_equal(nd_dedup_add(d1, 11, &lone, &cluster), ND_EEXIST);
	assert_int_equal(nd_dedup_cluster_of(d1, 11), 3);
	/* Never added: its own cluster. */
	assert_int_equal(nd_dedup_cluster_of(d1, 12345), 12345);

	/* The other order gives the same clusters. */
	nd_dedup_add(d2, 11, &b, NULL);
	nd_dedup_add(d2, 9, &lone, NULL);
	nd_dedup_add(d2, 5, &bridge, NULL);
	nd_dedup_add(d2, 3, &c, NULL);
	nd_dedup_add(d2, 7, &a, NULL);
	for (uint32_t k = 0; k < 12; k++)
		assert_int_equal(nd_dedup_cluster_of(d1, k), nd_dedup_cluster_of(d2, k));
	assert_true(nd_dedup_threshold(d1) == 0.55);
	nd_dedup_free(d1);
	nd_dedup_free(d2);
	nd_dedup_free(NULL);
}

/* Thousands of documents, through several rounds of growth: the distinct
 * ones stay alone and every copy finds its original. */
static void test_many(void **state)
{
	enum { N = 3000 };
	struct nd_dedup *d = nd_dedup_new(0);
	struct nd_minhash mh;

	for (uint32_t i = 0; i < N; i++) {
		runs(&mh, i * 40, 40);
		assert_int_equal(nd_dedup_add(d, i * 2, &mh, NULL), 0);
	}
	for (uint32_t i = 0; i < N; i += 7) {
		uint32_t cluster;
		runs(&mh, i * 40 + 2, 40); /* 38 of 42 shingles shared */
		assert_int_equal(nd_dedup_add(d, i * 2 + 1, &mh, &cluster), 0);
		assert_int_equal(cluster, i * 2);
	}
	for (uint32_t i = 0; i < N; i++)
		assert_int_equal(nd_dedup_cluster_of(d, i * 2), i * 2);
	nd_dedup_free(d);
}

/* The shingle set of a document as sorted 64-bit hashes, computed apart
 * from dedup.c: term strings joined, runs as nd_minhash_article makes
 * them. */
struct shingles {
	uint64_t *h;
	size_t n, cap;
	char terms[ND_SHINGLE_TERMS][ND_TERM_MAX + 1];
	size_t run;
};

static void sh_push(struct shingles *s, size_t first, size_t count)
{
	struct nd_buf b = ND_BUF_INIT;

	for (size_t i = 0; i < count; i++) {
		nd_buf_adds(&b, s->terms[(first + i) % ND_SHINGLE_TERMS]);
		nd_buf_addch(&b, '\x1f');
	}
	if (s->n == s->cap) {
		s->cap = s->cap ? s->cap * 2 : 64;
		s->h = nd_xrealloc(s->h, s->cap * sizeof(*s->h));
	}
	s->h[s->n++] = nd_hash(b.buf, b.len);
	nd_buf_release(&b);
}

static void sh_term(void *ctx, const struct nd_term *t)
{
	struct shingles *s = ctx;

	snprintf(s->terms[s->run % ND_SHINGLE_TERMS], ND_TERM_MAX + 1, "%s", t->p);
	s->run++;
	if (s->run >= ND_SHINGLE_TERMS)
		sh_push(s, s->run - ND_SHINGLE_TERMS, ND_SHINGLE_TERMS);
}

static void sh_break(struct shingles *s)
{
	if (s->run && s->run < ND_SHINGLE_TERMS)
		sh_push(s, 0, s->run);
	s->run = 0;
}

static int cmp_u64(const void *x, const void *y)
{
	uint64_t a = *(const uint64_t *)x, b = *(const uint64_t *)y;

	return (a > b) - (a < b);
}

static double jaccard(const struct shingles *a, const struct shingles *b)
{
	size_t i = 0, j = 0, both = 0;

	while (i < a->n && j < b->n) {
		if (a->h[i] == b->h[j]) {
			both++;
			i++;
			j++;
		} else if (a->h[i] < b->h[j]) {
			i++;
		} else {
			j++;
		}
	}
	return a->n + b->n ? (double)both / (double)(a->n + b->n - both) : 0;
}

static const char *const ecb_copies[][2] = {
    {"29_1ecbplus", "29_9ecbplus"}, {"9_3ecbplus", "9_9ecbplus"},   {"31_4ecbplus", "31_9ecbplus"},
    {"21_12ecb", "21_8ecb"},        {"45_2ecbplus", "45_4ecbplus"}, {"31_5ecbplus", "31_6ecbplus"},
    {"7_1ecbplus", "7_3ecbplus"},
};

/*
 * ECB+: the wire copies in it fold; no two documents of different stories
 * (subtopics) fold, not even within one topic; the estimate stays close to
 * the exact Jaccard similarity for every pair; and every pair with exact
 * similarity 0.6 or more lands in one cluster.
 */
static void test_ecbplus(void **state)
{
	struct nd_eval_set *set;
	struct nd_analyzer *an;
	struct nd_minhash *mh;
	struct shingles *sh;
	struct nd_dedup *d;
	size_t n, folded = 0, same_topic_pairs = 0;
	long found[ND_COUNT(ecb_copies)][2];

	if (access(ECBPLUS, R_OK)) {
		skip();
		return;
	}
	set = nd_eval_set_new("subtopic", "topic");
	assert_int_equal(nd_eval_set_load(set, ECBPLUS), 0);
	n = nd_eval_set_count(set);
	assert_int_equal(n, 496);
	an = nd_analyzer_new("en");
	mh = nd_xcalloc(n, sizeof(*mh));
	sh = nd_xcalloc(n, sizeof(*sh));
	d = nd_dedup_new(0);
	memset(found, -1, sizeof(found));
	for (size_t i = 0; i < n; i++) {
		const struct nd_eval_doc *doc = nd_eval_set_doc(set, i);
		size_t m = 0;
		nd_minhash_article(an, doc->title, doc->title_len, doc->text, doc->text_len,
		                   &mh[i]);
		assert_int_equal(nd_dedup_add(d, (uint32_t)i, &mh[i], NULL), 0);
		nd_analyze(an, doc->title, doc->title_len, 0, sh_term, &sh[i]);
		sh_break(&sh[i]);
		nd_analyze(an, doc->text, doc->text_len, 0, sh_term, &sh[i]);
		sh_break(&sh[i]);
		qsort(sh[i].h, sh[i].n, sizeof(*sh[i].h), cmp_u64);
		for (size_t k = 0; k < sh[i].n; k++)
			if (!m || sh[i].h[m - 1] != sh[i].h[k])
				sh[i].h[m++] = sh[i].h[k];
		sh[i].n = m;
		for (size_t c = 0; c < ND_COUNT(ecb_copies); c++)
			for (size_t k = 0; k < 2; k++)
				if (!strcmp(doc->id, ecb_copies[c][k]))
					found[c][k] = (long)i;
	}
	for (size_t c = 0; c < ND_COUNT(ecb_copies); c++) {
		assert_true(found[c][0] >= 0 && found[c][1] >= 0);
		if (nd_dedup_cluster_of(d, (uint32_t)found[c][0]) !=
		    nd_dedup_cluster_of(d, (uint32_t)found[c][1]))
			fail_msg("%s and %s should fold", ecb_copies[c][0], ecb_copies[c][1]);
	}
	for (size_t i = 0; i < n; i++) {
		folded += nd_dedup_cluster_of(d, (uint32_t)i) != i;
		for (size_t j = i + 1; j < n; j++) {
			double exact = jaccard(&sh[i], &sh[j]);
			double est = nd_minhash_similarity(&mh[i], &mh[j]);
			bool same = nd_dedup_cluster_of(d, (uint32_t)i) ==
			            nd_dedup_cluster_of(d, (uint32_t)j);
			int gain = nd_eval_gain(set, i, j);
			if (est < exact - 0.16 || est > exact + 0.16)
				fail_msg("%s, %s: estimate %.3f, exact %.3f",
				         nd_eval_set_doc(set, i)->id, nd_eval_set_doc(set, j)->id,
				         est, exact);
			if (same && gain != 2)
				fail_msg("%s and %s are different stories but fold",
				         nd_eval_set_doc(set, i)->id, nd_eval_set_doc(set, j)->id);
			if (exact >= 0.6 && !same)
				fail_msg("%s and %s (Jaccard %.2f) do not fold",
				         nd_eval_set_doc(set, i)->id, nd_eval_set_doc(set, j)->id,
				         exact);
			same_topic_pairs += gain == 1;
		}
	}
	/* 18 of 496 at the time of writing: a few wire copies, not the
	 * thousands of pairs that share a topic. */
	assert_true(folded >= 12 && folded <= 30);
	assert_int_equal(same_topic_pairs, 2957);

	for (size_t i = 0; i < n; i++)
		free(sh[i].h);
	free(sh);
	free(mh);
	nd_dedup_free(d);
	nd_analyzer_free(an);
	nd_eval_set_free(set);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_wire_edits_fold),
	    cmocka_unit_test(test_estimate),
	    cmocka_unit_test(test_short_and_empty),
	    cmocka_unit_test(test_incremental),
	    cmocka_unit_test(test_many),
	    cmocka_unit_test(test_ecbplus),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
