#include "helpers/cmocka.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/arena.h"
#include "core/err.h"
#include "index/analyze.h"
#include "index/index.h"
#include "related/related.h"

/* Three stories, two articles each, plus an off-topic one. */
static const char *const docs[][2] = {
    {"Earthquake hits Aceh", "A magnitude 6.1 earthquake struck Aceh province in Indonesia, "
                             "killing one person and injuring dozens near Bener Meriah."},
    {"Aceh quake kills one", "The 6.1 magnitude quake shook Aceh on Tuesday; one person died "
                             "in Bener Meriah and dozens were injured, Indonesian officials said."},
    {"Capaldi is the new Doctor", "Peter Capaldi will play the twelfth Doctor in Doctor Who, "
                                  "the BBC announced, replacing Matt Smith."},
    {"BBC names Capaldi", "The BBC named Peter Capaldi as Matt Smith's successor in Doctor Who, "
                          "the long-running science fiction series."},
    {"Colts clinch playoff berth", "The Indianapolis Colts beat the Jaguars 31-24 to clinch a "
                                   "playoff berth; Peyton Manning threw two touchdowns."},
    {"Manning leads Colts", "Peyton Manning threw two touchdown passes as the Colts beat "
                            "Jacksonville and clinched a playoff spot."},
    {"Bread prices", "The price of bread rose again in the bakeries of the city this month."},
};
#define NDOCS (sizeof(docs) / sizeof(docs[0]))

static struct nd_index *build(void)
{
	struct nd_analyzer *an = nd_analyzer_new("en");
	struct nd_index *empty = nd_index_new_empty(NULL), *idx;
	struct nd_index_writer *w = nd_index_writer_new(empty);

	for (size_t i = 0; i < NDOCS; i++) {
		struct nd_arena *a = nd_arena_new(0);
		struct nd_index_doc d;

		nd_related_doc(an, docs[i][0], strlen(docs[i][0]), docs[i][1], strlen(docs[i][1]),
		               a, &d);
		assert_true(d.count[ND_FIELD_TITLE] > 0 && d.count[ND_FIELD_BODY] > 0);
		assert_int_equal(nd_index_writer_add(w, (uint32_t)i + 1, &d), 0);
		nd_arena_free(a);
	}
	assert_int_equal(nd_index_writer_commit(w, &idx), 0);
	nd_index_free(empty);
	nd_analyzer_free(an);
	return idx;
}

/* The same documents in two segments: the first `split` in one, the rest
 * in another. */
static struct nd_index *build_split(size_t split)
{
	struct nd_analyzer *an = nd_analyzer_new("en");
	struct nd_index *cur = nd_index_new_empty(NULL);

	for (size_t part = 0; part < 2; part++) {
		struct nd_index_writer *w = nd_index_writer_new(cur);
		struct nd_index *next;

		for (size_t i = part ? split : 0; i < (part ? NDOCS : split); i++) {
			struct nd_arena *a = nd_arena_new(0);
			struct nd_index_doc d;

			nd_related_doc(an, docs[i][0], strlen(docs[i][0]), docs[i][1],
			               strlen(docs[i][1]), a, &d);
			assert_int_equal(nd_index_writer_add(w, (uint32_t)i + 1, &d), 0);
			nd_arena_free(a);
		}
		assert_int_equal(nd_index_writer_commit(w, &next), 0);
		nd_index_free(cur);
		cur = next;
	}
	nd_analyzer_free(an);
	return cur;
}

static void test_same_story_first(void **state)
{
	struct nd_index *idx = build();
	struct nd_related_params p = ND_RELATED_PARAMS_DEFAULT;
	struct nd_hits h;

	for (uint32_t key = 1; key <= 6; key++) {
		uint32_t partner = key % 2 ? key + 1 : key - 1;

		assert_int_equal(nd_related_find(idx, key, &p, NULL, 3, NULL, &h), 0);
		assert_true(h.count >= 1);
		assert_int_equal(h.items[0].key, partner);
		for (size_t i = 0; i < h.count; i++) {
			assert_int_not_equal(h.items[i].key, key); /* never itself */
			if (i)
				assert_true(h.items[i - 1].score >= h.items[i].score);
		}
		free(h.items);
	}
	assert_int_equal(nd_related_find(idx, 99, &p, NULL, 3, NULL, &h), ND_ENOTFOUND);
	nd_index_free(idx);
}

/* Folding: 1 and 2 are one cluster; 3 and 4 another. */
static uint32_t cluster(void *ctx, uint32_t key)
{
	return key <= 2 ? 100 : key <= 4 ? 200 : 0;
}

/* A boost that sinks key 4. */
static double boost(void *ctx, uint32_t key)
{
	return key == 4 ? 0.01 : 1.0;
}

static void test_folding_and_boost(void **state)
{
	struct nd_index *idx = build();
	struct nd_related_params p = ND_RELATED_PARAMS_DEFAULT;
	struct nd_related_hooks fold = {NULL, cluster, NULL}, sink = {boost, NULL, NULL};
	struct nd_hits h;

	/* 1's own duplicate (2) never shows. */
	assert_int_equal(nd_related_find(idx, 1, &p, &fold, 6, NULL, &h), 0);
	for (size_t i = 0; i < h.count; i++)
		assert_int_not_equal(h.items[i].key, 2);
	free(h.items);
	/* At most one of a cluster: 3 and 4 never both. */
	assert_int_equal(nd_related_find(idx, 5, &p, &fold, 6, NULL, &h), 0);
	{
		int seen = 0;
		for (size_t i = 0; i < h.count; i++)
			seen += h.items[i].key == 3 || h.items[i].key == 4;
		assert_true(seen <= 1);
	}
	free(h.items);
	{
		struct nd_hits plain;
		double before = 0, after = 0;

		assert_int_equal(nd_related_find(idx, 3, &p, NULL, 6, NULL, &plain), 0);
		assert_int_equal(nd_related_find(idx, 3, &p, &sink, 6, NULL, &h), 0);
		for (size_t i = 0; i < plain.count; i++)
			if (plain.items[i].key == 4)
				before = plain.items[i].score;
		for (size_t i = 0; i < h.count; i++)
			if (h.items[i].key == 4)
				after = h.items[i].score;
		assert_true(before > 0);
		assert_true(after > 0.009 * before && after < 0.011 * before);
		free(plain.items);
		free(h.items);
	}
	nd_index_free(idx);
}

/* Without the second stage, and with it at any share, the partner leads
 * and scores stay within [0, 1]. */
static void test_second_stage(void **state)
{
	struct nd_index *idx = build();
	const size_t neighbours[] = {0, 1, 3, 10};

	for (size_t n = 0; n < sizeof(neighbours) / sizeof(neighbours[0]); n++) {
		struct nd_related_params p = ND_RELATED_PARAMS_DEFAULT;

		p.neighbours = neighbours[n];
		p.neighbour_share = n == 3 ? 2.0 : 0.5;
		for (uint32_t key = 1; key <= 6; key++) {
			uint32_t partner = key % 2 ? key + 1 : key - 1;
			struct nd_hits h;

			assert_int_equal(nd_related_find(idx, key, &p, NULL, 6, NULL, &h), 0);
			assert_true(h.count >= 1);
			assert_int_equal(h.items[0].key, partner);
			for (size_t i = 0; i < h.count; i++)
				assert_true(h.items[i].score >= 0 && h.items[i].score <= 1 + 1e-9);
			free(h.items);
		}
	}
	nd_index_free(idx);
}

/* Terms are matched by their bytes across segments: an index in two
 * segments gives the lists of one in one segment. */
static void test_segments_agree(void **state)
{
	struct nd_index *one = build(), *two = build_split(3);
	struct nd_related_params p = ND_RELATED_PARAMS_DEFAULT;
	struct nd_index_stats st;

	nd_index_get_stats(two, &st);
	assert_int_equal(st.segment_count, 2);
	nd_index_get_stats(one, &st);
	assert_int_equal(st.segment_count, 1);
	for (uint32_t key = 1; key <= NDOCS; key++) {
		struct nd_hits h1, h2;

		assert_int_equal(nd_related_find(one, key, &p, NULL, 6, NULL, &h1), 0);
		assert_int_equal(nd_related_find(two, key, &p, NULL, 6, NULL, &h2), 0);
		assert_int_equal(h1.count, h2.count);
		for (size_t i = 0; i < h1.count; i++) {
			assert_int_equal(h1.items[i].key, h2.items[i].key);
			assert_true(fabs(h1.items[i].score - h2.items[i].score) < 1e-9);
		}
		free(h1.items);
		free(h2.items);
	}
	nd_index_free(one);
	nd_index_free(two);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_same_story_first),
	    cmocka_unit_test(test_folding_and_boost),
	    cmocka_unit_test(test_second_stage),
	    cmocka_unit_test(test_segments_agree),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
