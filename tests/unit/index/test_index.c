#include "helpers/cmocka.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/arena.h"
#include "core/err.h"
#include "core/log.h"
#include "index/index_fixture.h"
#include "index/index_int.h"
#include "index/search.h"
#include "index/segment.h"

static int setup(void **state)
{
	nd_log_level = ND_LOG_NONE;
	return 0;
}

static struct nd_segment *segment_of(const struct fx_doc *docs, size_t n,
                                     const struct nd_bm25_params *p)
{
	struct nd_segment_builder *b = nd_segment_builder_new(p);
	struct nd_segment *seg;

	for (size_t i = 0; i < n; i++) {
		struct nd_index_doc doc = fx_doc_view(&docs[i]);
		assert_int_equal(nd_segment_builder_add(b, docs[i].key, &doc), 0);
	}
	assert_int_equal(nd_segment_builder_finish(b, &seg), 0);
	return seg;
}

/* Whether key is live with a document whose body holds word. */
static bool has_body_word(const struct nd_index *idx, uint32_t key, const char *word)
{
	struct nd_index_doc_info info;
	bool found = false;

	if (nd_index_doc_info(idx, key, NULL, &info))
		return false;
	for (size_t i = 0; i < info.term_count; i++)
		if (nd_str_eqs(info.terms[i].term, word) && info.terms[i].tf[ND_FIELD_BODY])
			found = true;
	free(info.terms);
	return found;
}

static void test_empty_index(void **state)
{
	struct nd_index *idx = nd_index_new_empty(NULL), *m;
	struct nd_index_stats st;
	struct nd_index_doc_info info;
	struct nd_query_term t[1] = {{ND_STR_LIT("a"), 1, ND_QUERY_SHOULD}};
	struct nd_query q = {t, 1, NULL, 0, true};
	struct nd_hits h;

	nd_index_get_stats(idx, &st);
	assert_int_equal(st.doc_count, 0);
	assert_int_equal(st.segment_count, 0);
	assert_true(st.avg_len[0] == 1.0);
	assert_false(nd_index_has_key(idx, 1));
	assert_int_equal(nd_index_df(idx, "a", 1), 0);
	assert_int_equal(nd_index_doc_info(idx, 1, NULL, &info), ND_ENOTFOUND);
	assert_int_equal(nd_index_search(idx, &q, 10, NULL, &h), 0);
	assert_int_equal(h.count, 0);
	assert_int_equal(h.total, 0);
	free(h.items);
	assert_int_equal(nd_index_merge(idx, ND_INDEX_MERGE_ALL, &m), 0);
	nd_index_get_stats(m, &st);
	assert_int_equal(st.segment_count, 0);
	assert_true(nd_index_params(m)->k1 == 1.2);
	nd_index_free(m);
	nd_index_free(idx);
	nd_index_free(NULL);
}

static void test_add_segment_replaces_keys(void **state)
{
	struct fx_doc a[3], b[2];
	struct nd_index *empty = nd_index_new_empty(NULL), *v1, *v2;
	struct nd_index_stats st;
	long live = nd_segment_live_count();

	fx_doc_text(&a[0], 1, "one", "apple pear");
	fx_doc_text(&a[1], 2, "two", "apple plum");
	fx_doc_text(&a[2], 3, "three", "fig");
	fx_doc_text(&b[0], 2, "two again", "cherry");
	fx_doc_text(&b[1], 4, "four", "apple");

	assert_int_equal(nd_index_add_segment(empty, segment_of(a, 3, NULL), &v1), 0);
	assert_int_equal(nd_index_add_segment(v1, segment_of(b, 2, NULL), &v2), 0);

	nd_index_get_stats(v2, &st);
	assert_int_equal(st.doc_count, 4);
	assert_int_equal(st.deleted_count, 1);
	assert_int_equal(st.segment_count, 2);
	assert_true(st.memory_bytes > 0);
	assert_true(has_body_word(v2, 2, "cherry"));
	assert_false(has_body_word(v2, 2, "plum"));
	assert_int_equal(nd_index_df(v2, "apple", 5), 2); /* 1 and 4; old 2 is gone */
	assert_int_equal(nd_index_df(v2, "plum", 4), 0);
	assert_true(nd_index_idf(v2, 2) == log(1 + (4 - 2 + 0.5) / (2 + 0.5)));

	/* The older values did not change, and share the first segment. */
	assert_true(has_body_word(v1, 2, "plum"));
	assert_int_equal(nd_index_df(v1, "apple", 5), 2);
	assert_false(nd_index_has_key(v1, 4));
	assert_ptr_equal(v1->parts[0].seg, v2->parts[0].seg);
	assert_null(v1->parts[0].del);
	assert_non_null(v2->parts[0].del);

	nd_index_free(empty);
	nd_index_free(v1);
	assert_int_equal(nd_segment_live_count(), live + 3); /* 2 segments, 1 deletion set */
	nd_index_free(v2);
	assert_int_equal(nd_segment_live_count(), live);
	for (int i = 0; i < 3; i++)
		fx_doc_release(&a[i]);
	for (int i = 0; i < 2; i++)
		fx_doc_release(&b[i]);
}

static void test_segment_with_other_parameters(void **state)
{
	struct fx_doc d;
	struct nd_bm25_params p = ND_BM25_PARAMS_DEFAULT;
	struct nd_index *idx = nd_index_new_empty(NULL), *out = NULL;
	long live = nd_segment_live_count();

	fx_doc_text(&d, 1, "a", "b");
	p.b = 0.5;
	assert_int_equal(nd_index_add_segment(idx, segment_of(&d, 1, &p), &out), ND_EINVAL);
	p = ND_BM25_PARAMS_DEFAULT;
	p.field_weight[ND_FIELD_TITLE] = 3;
	assert_int_equal(nd_index_add_segment(idx, segment_of(&d, 1, &p), &out), ND_EINVAL);
	assert_null(out);
	/* The segment was consumed all the same. */
	assert_int_equal(nd_segment_live_count(), live);
	nd_index_free(idx);
	fx_doc_release(&d);
}

static void test_delete_keys(void **state)
{
	struct fx_doc a[3];
	struct nd_index *empty = nd_index_new_empty(NULL), *v1, *v2, *v3;
	struct nd_index_stats st;
	uint32_t keys[] = {2, 99, 2};

	fx_doc_text(&a[0], 1, "one", "apple pear");
	fx_doc_text(&a[1], 2, "two", "apple plum");
	fx_doc_text(&a[2], 3, "three", "fig");
	assert_int_equal(nd_index_add_segment(empty, segment_of(a, 3, NULL), &v1), 0);
	assert_int_equal(nd_index_delete_keys(v1, keys, ND_COUNT(keys), &v2), 0);
	nd_index_get_stats(v2, &st);
	assert_int_equal(st.doc_count, 2);
	assert_int_equal(st.deleted_count, 1);
	assert_false(nd_index_has_key(v2, 2));
	assert_true(nd_index_has_key(v1, 2));
	assert_int_equal(nd_index_df(v2, "plum", 4), 0);
	assert_int_equal(nd_index_df(v2, "apple", 5), 1);
	/* Averages count the live documents only: bodies 2 + 1, titles 1 + 1. */
	assert_int_equal(st.len_sum[ND_FIELD_BODY], 3);
	assert_int_equal(st.len_sum[ND_FIELD_TITLE], 2);
	assert_true(st.avg_len[ND_FIELD_BODY] == 1.5);

	/* Deleting the rest drops the segment from the value. */
	keys[0] = 1;
	keys[1] = 3;
	assert_int_equal(nd_index_delete_keys(v2, keys, 2, &v3), 0);
	nd_index_get_stats(v3, &st);
	assert_int_equal(st.doc_count, 0);
	assert_int_equal(st.segment_count, 0);

	nd_index_free(empty);
	nd_index_free(v1);
	nd_index_free(v2);
	nd_index_free(v3);
	for (int i = 0; i < 3; i++)
		fx_doc_release(&a[i]);
}

/* Commits one single-document writer per key in [from, to). */
static struct nd_index *commit_each(struct nd_index *idx, const struct fx_doc *doc, uint32_t from,
                                    uint32_t to)
{
	for (uint32_t k = from; k < to; k++) {
		struct nd_index_writer *w = nd_index_writer_new(idx);
		struct nd_index_doc d = fx_doc_view(doc);
		struct nd_index *next;
		assert_int_equal(nd_index_writer_add(w, k, &d), 0);
		assert_int_equal(nd_index_writer_commit(w, &next), 0);
		nd_index_free(idx);
		idx = next;
	}
	return idx;
}

static void test_merge_policy(void **state)
{
	struct fx_doc d;
	struct nd_index *idx = nd_index_new_empty(NULL), *m;
	struct nd_index_stats st;
	uint32_t keys[200];

	fx_doc_text(&d, 0, "title", "some body text");
	/* Seven one-document segments sit at level 0; the eighth makes the
	 * level full and the policy merges them. */
	idx = commit_each(idx, &d, 0, 7);
	nd_index_get_stats(idx, &st);
	assert_int_equal(st.segment_count, 7);
	idx = commit_each(idx, &d, 7, 8);
	nd_index_get_stats(idx, &st);
	assert_int_equal(st.segment_count, 1);
	assert_int_equal(st.doc_count, 8);

	/* Many more: the count stays logarithmic and bounded. */
	idx = commit_each(idx, &d, 8, 300);
	nd_index_get_stats(idx, &st);
	assert_int_equal(st.doc_count, 300);
	assert_true(st.segment_count <= ND_INDEX_MAX_SEGMENTS);
	assert_true(st.segment_count <= 3 * (ND_INDEX_MERGE_FACTOR - 1));

	/* A segment more than half deleted is rewritten by the policy. */
	assert_int_equal(nd_index_merge(idx, ND_INDEX_MERGE_ALL, &m), 0);
	nd_index_free(idx);
	idx = m;
	for (uint32_t i = 0; i < 200; i++)
		keys[i] = i;
	assert_int_equal(nd_index_delete_keys(idx, keys, 200, &m), 0);
	nd_index_free(idx);
	idx = m;
	nd_index_get_stats(idx, &st);
	assert_int_equal(st.deleted_count, 200);
	assert_int_equal(nd_index_merge(idx, ND_INDEX_MERGE_POLICY, &m), 0);
	nd_index_free(idx);
	idx = m;
	nd_index_get_stats(idx, &st);
	assert_int_equal(st.deleted_count, 0);
	assert_int_equal(st.doc_count, 100);
	assert_int_equal(st.segment_count, 1);
	assert_false(nd_index_has_key(idx, 5));
	assert_true(nd_index_has_key(idx, 250));

	nd_index_free(idx);
	fx_doc_release(&d);
}

static void test_writer_applies_operations_in_order(void **state)
{
	struct fx_doc a, b;
	struct nd_index *base = nd_index_new_empty(NULL), *v1, *v2;
	struct nd_index_writer *w;
	struct nd_index_doc da, db;

	fx_doc_text(&a, 0, "a", "alpha");
	fx_doc_text(&b, 0, "b", "beta");
	da = fx_doc_view(&a);
	db = fx_doc_view(&b);

	w = nd_index_writer_new(base);
	assert_int_equal(nd_index_writer_add(w, 1, &da), 0); /* add, delete: gone */
	nd_index_writer_delete(w, 1);
	nd_index_writer_delete(w, 2); /* delete, add: there */
	assert_int_equal(nd_index_writer_add(w, 2, &da), 0);
	assert_int_equal(nd_index_writer_add(w, 3, &da), 0); /* add twice: the second */
	assert_int_equal(nd_index_writer_add(w, 3, &db), 0);
	assert_int_equal(nd_index_writer_add(w, 4, &da), 0); /* add, delete, add */
	nd_index_writer_delete(w, 4);
	assert_int_equal(nd_index_writer_add(w, 4, &db), 0);
	nd_index_writer_delete(w, 77); /* nowhere: a no-op */
	assert_int_equal(nd_index_writer_commit(w, &v1), 0);

	assert_false(nd_index_has_key(v1, 1));
	assert_true(has_body_word(v1, 2, "alpha"));
	assert_true(has_body_word(v1, 3, "beta"));
	assert_false(has_body_word(v1, 3, "alpha"));
	assert_true(has_body_word(v1, 4, "beta"));
	assert_int_equal(nd_index_df(v1, "alpha", 5), 1);
	assert_int_equal(nd_index_df(v1, "beta", 4), 2);

	/* A second writer on v1: update 2, delete 3. v1 stays as it was. */
	w = nd_index_writer_new(v1);
	assert_int_equal(nd_index_writer_add(w, 2, &db), 0);
	nd_index_writer_delete(w, 3);
	assert_int_equal(nd_index_writer_commit(w, &v2), 0);
	assert_true(has_body_word(v2, 2, "beta"));
	assert_false(nd_index_has_key(v2, 3));
	assert_true(has_body_word(v1, 2, "alpha"));
	assert_true(nd_index_has_key(v1, 3));

	/* A writer dropped without committing leaks nothing. */
	w = nd_index_writer_new(v2);
	assert_int_equal(nd_index_writer_add(w, 9, &da), 0);
	nd_index_writer_delete(w, 2);
	nd_index_writer_free(w);
	nd_index_writer_free(NULL);

	nd_index_free(base);
	nd_index_free(v1);
	nd_index_free(v2);
	fx_doc_release(&a);
	fx_doc_release(&b);
}

static void test_writer_refuses_a_bad_document(void **state)
{
	struct nd_index *base = nd_index_new_empty(NULL), *v;
	struct nd_index_writer *w = nd_index_writer_new(base);
	struct nd_index_token bad[2] = {{ND_STR_LIT("x"), 3}, {ND_STR_LIT("y"), 1}};
	struct nd_index_doc doc = {{NULL, bad}, {0, 2}};
	struct fx_doc good;
	struct nd_index_doc gd;

	fx_doc_text(&good, 0, "fine", "words");
	gd = fx_doc_view(&good);
	assert_int_equal(nd_index_writer_add(w, 1, &doc), ND_EINVAL);
	assert_int_equal(nd_index_writer_add(w, 2, &gd), 0);
	assert_int_equal(nd_index_writer_commit(w, &v), 0);
	assert_false(nd_index_has_key(v, 1));
	assert_true(nd_index_has_key(v, 2));
	nd_index_free(v);
	nd_index_free(base);
	fx_doc_release(&good);
}

static void test_doc_info(void **state)
{
	struct fx_doc docs[3];
	struct nd_index *idx;
	struct nd_arena *a = nd_arena_new(0);
	struct nd_index_doc_info info;
	size_t seen = 0;

	fx_doc_text(&docs[0], 10, "oil oil price", "oil rose and price fell");
	fx_doc_text(&docs[1], 11, "gold", "oil");
	fx_doc_text(&docs[2], 12, "x", "y");
	idx = fx_index(NULL, docs, 3);
	assert_int_equal(nd_index_doc_info(idx, 10, a, &info), 0);
	assert_int_equal(info.len[ND_FIELD_TITLE], 3);
	assert_int_equal(info.len[ND_FIELD_BODY], 5);
	assert_int_equal(info.term_count, 5); /* oil price rose and fell */
	for (size_t i = 0; i < info.term_count; i++) {
		const struct nd_index_doc_term *t = &info.terms[i];
		assert_int_equal(t->df, nd_index_df(idx, t->term.p, t->term.len));
		assert_true(t->idf == nd_index_idf(idx, t->df));
		if (nd_str_eqs(t->term, "oil")) {
			assert_int_equal(t->tf[ND_FIELD_TITLE], 2);
			assert_int_equal(t->tf[ND_FIELD_BODY], 1);
			assert_int_equal(t->df, 2);
			seen++;
		}
		if (nd_str_eqs(t->term, "price")) {
			assert_int_equal(t->tf[ND_FIELD_TITLE], 1);
			assert_int_equal(t->tf[ND_FIELD_BODY], 1);
			seen++;
		}
	}
	assert_int_equal(seen, 2);
	assert_int_equal(nd_index_doc_info(idx, 13, a, &info), ND_ENOTFOUND);
	nd_arena_free(a);
	nd_index_free(idx);
	for (int i = 0; i < 3; i++)
		fx_doc_release(&docs[i]);
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_empty_index),
	    cmocka_unit_test(test_add_segment_replaces_keys),
	    cmocka_unit_test(test_segment_with_other_parameters),
	    cmocka_unit_test(test_delete_keys),
	    cmocka_unit_test(test_merge_policy),
	    cmocka_unit_test(test_writer_applies_operations_in_order),
	    cmocka_unit_test(test_writer_refuses_a_bad_document),
	    cmocka_unit_test(test_doc_info),
	};

	/* One test alone: test_index test_merge_policy (a glob). */
	if (argc > 1)
		cmocka_set_test_filter(argv[1]);
	return cmocka_run_group_tests(tests, setup, NULL);
}
