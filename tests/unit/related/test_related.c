#include "helpers/cmocka.h"

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

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_same_story_first),
	    cmocka_unit_test(test_folding_and_boost),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
