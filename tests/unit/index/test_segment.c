#include "helpers/cmocka.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/err.h"
#include "core/log.h"
#include "index/index_fixture.h"
#include "index/index_int.h"
#include "index/segment.h"

static int setup(void **state)
{
	/* Refused documents log an error line; keep the output readable. */
	nd_log_level = ND_LOG_NONE;
	return 0;
}

static struct nd_segment *build(const struct fx_doc *docs, size_t n)
{
	struct nd_segment_builder *b = nd_segment_builder_new(NULL);
	struct nd_segment *seg = NULL;

	for (size_t i = 0; i < n; i++) {
		struct nd_index_doc doc = fx_doc_view(&docs[i]);
		assert_int_equal(nd_segment_builder_add(b, docs[i].key, &doc), 0);
	}
	assert_int_equal(nd_segment_builder_finish(b, &seg), 0);
	return seg;
}

/* Opens a cursor on word in seg; false when seg does not have it. */
static bool open_word(struct nd_postings_cursor *c, const struct nd_segment *seg, const char *w)
{
	uint32_t t = nd_segment_lookup(seg, w, strlen(w));
	struct nd_postings_list l;

	if (t == ND_TERM_NONE)
		return false;
	nd_segment_list(seg, t, &l);
	nd_postings_open(c, &l);
	return true;
}

/* Checks word's postings and positions in seg against docs[0..n) (the
 * segment's documents in doc order, skipping dead[i]). */
static void check_word(const struct nd_segment *seg, const struct fx_doc *docs, size_t n,
                       const bool *dead, const char *w)
{
	struct nd_postings_cursor *c = nd_xmalloc(sizeof(*c));
	uint32_t df = 0, doc = 0, pos[4096];
	size_t len = strlen(w);
	bool has = open_word(c, seg, w);

	for (size_t i = 0; i < n; i++) {
		uint32_t tf[ND_FIELD_COUNT];
		if (dead && dead[i])
			continue;
		tf[0] = fx_tf(&docs[i], 0, w);
		tf[1] = fx_tf(&docs[i], 1, w);
		if (tf[0] || tf[1]) {
			assert_true(has);
			assert_int_equal(c->doc, doc);
			for (int f = 0; f < ND_FIELD_COUNT; f++) {
				uint32_t k = 0;
				assert_int_equal(nd_postings_tf(c, f), tf[f]);
				assert_int_equal(nd_postings_positions(c, f, pos), tf[f]);
				for (size_t j = 0; j < docs[i].n[f]; j++) {
					const struct nd_index_token *t = &docs[i].tok[f][j];
					if (t->term.len == len && !memcmp(t->term.p, w, len))
						assert_int_equal(pos[k++], t->pos);
				}
			}
			nd_postings_next(c);
			df++;
		}
		doc++;
	}
	if (has) {
		assert_int_equal(c->doc, ND_DOC_END);
		assert_int_equal(seg->terms[nd_segment_lookup(seg, w, len)].df, df);
	} else {
		assert_int_equal(df, 0);
	}
	free(c);
}

static void test_small_segment(void **state)
{
	struct fx_doc docs[3];
	struct nd_segment *seg;
	struct nd_segment_fwd it;
	uint32_t t, tf[2], n = 0;

	fx_doc_text(&docs[0], 30, "oil prices rise", "oil prices rose as opec cut oil output");
	fx_doc_text(&docs[1], 10, "bank rates", "the bank of england held rates");
	fx_doc_text(&docs[2], 20, "", "oil");
	seg = build(docs, 3);

	assert_int_equal(seg->doc_count, 3);
	assert_int_equal(seg->keys[0], 30);
	assert_int_equal(nd_segment_find_key(seg, 10), 1);
	assert_int_equal(nd_segment_find_key(seg, 20), 2);
	assert_int_equal(nd_segment_find_key(seg, 30), 0);
	assert_int_equal(nd_segment_find_key(seg, 11), ND_DOC_END);
	assert_int_equal(nd_segment_len(seg, 0, ND_FIELD_TITLE), 3);
	assert_int_equal(nd_segment_len(seg, 0, ND_FIELD_BODY), 8);
	assert_int_equal(nd_segment_len(seg, 2, ND_FIELD_TITLE), 0);
	assert_int_equal(seg->len_sum[ND_FIELD_BODY], 8 + 6 + 1);
	assert_true(fabs(seg->ref_len[ND_FIELD_BODY] - 5.0) < 1e-12);
	assert_int_equal(nd_segment_lookup(seg, "gold", 4), ND_TERM_NONE);
	assert_int_equal(nd_segment_lookup(seg, "oi", 2), ND_TERM_NONE);

	static const char *words[] = {"oil",    "prices", "rise",  "rose", "as", "opec",    "cut",
	                              "output", "bank",   "rates", "the",  "of", "england", "held"};
	for (size_t i = 0; i < ND_COUNT(words); i++)
		check_word(seg, docs, 3, NULL, words[i]);
	assert_int_equal(seg->term_count, ND_COUNT(words));

	/* The forward list of doc 0: 7 distinct terms, oil 1 + 2. */
	nd_segment_fwd_open(seg, 0, &it);
	while (nd_segment_fwd_next(&it, &t, tf)) {
		struct nd_str s = nd_segment_term_str(seg, t);
		if (nd_str_eqs(s, "oil")) {
			assert_int_equal(tf[0], 1);
			assert_int_equal(tf[1], 2);
		}
		n++;
	}
	assert_int_equal(n, 8);

	nd_segment_unref(seg);
	for (int i = 0; i < 3; i++)
		fx_doc_release(&docs[i]);
}

static void test_builder_refuses_bad_documents(void **state)
{
	struct nd_segment_builder *b = nd_segment_builder_new(NULL);
	struct nd_index_token toks[2] = {{ND_STR_LIT("a"), 5}, {ND_STR_LIT("b"), 4}};
	struct nd_index_token empty[1] = {{ND_STR_LIT(""), 0}};
	char longword[ND_INDEX_TERM_MAX + 1];
	struct nd_index_token toolong[1] = {{{longword, sizeof(longword)}, 0}};
	struct nd_index_doc doc = {{NULL, toks}, {0, 2}};
	struct nd_segment *seg;

	memset(longword, 'x', sizeof(longword));
	assert_int_equal(nd_segment_builder_add(b, 1, &doc), ND_EINVAL);
	doc.tokens[1] = empty;
	doc.count[1] = 1;
	assert_int_equal(nd_segment_builder_add(b, 1, &doc), ND_EINVAL);
	doc.tokens[1] = toolong;
	assert_int_equal(nd_segment_builder_add(b, 1, &doc), ND_ETOOBIG);
	assert_int_equal(nd_segment_builder_count(b), 0);

	/* Equal positions are fine (two terms at one word). */
	toks[1].pos = 5;
	doc.tokens[1] = toks;
	doc.count[1] = 2;
	assert_int_equal(nd_segment_builder_add(b, 1, &doc), 0);
	assert_true(nd_segment_builder_has_key(b, 1));
	assert_false(nd_segment_builder_has_key(b, 2));
	assert_int_equal(nd_segment_builder_add(b, 1, &doc), ND_EEXIST);
	assert_int_equal(nd_segment_builder_count(b), 1);
	assert_int_equal(nd_segment_builder_finish(b, &seg), 0);
	assert_int_equal(seg->doc_count, 1);
	assert_int_equal(seg->term_count, 2);
	nd_segment_unref(seg);
}

static void test_empty_segment(void **state)
{
	struct nd_segment *seg;

	assert_int_equal(nd_segment_builder_finish(nd_segment_builder_new(NULL), &seg), 0);
	assert_int_equal(seg->doc_count, 0);
	assert_int_equal(seg->term_count, 0);
	assert_int_equal(nd_segment_lookup(seg, "a", 1), ND_TERM_NONE);
	assert_int_equal(nd_segment_find_key(seg, 1), ND_DOC_END);
	nd_segment_unref(seg);
}

struct corpus {
	struct fx_vocab v;
	struct fx_doc *docs;
	size_t n;
};

static void corpus_make(struct corpus *c, uint64_t seed, size_t n, uint32_t vocab)
{
	uint64_t rng = seed;

	fx_vocab_init(&c->v, vocab);
	c->docs = nd_xcalloc(n, sizeof(*c->docs));
	c->n = n;
	for (size_t i = 0; i < n; i++)
		fx_doc_random(&c->docs[i], &rng, &c->v, (uint32_t)(i * 7 + 3), 8, 60);
}

static void corpus_release(struct corpus *c)
{
	for (size_t i = 0; i < c->n; i++)
		fx_doc_release(&c->docs[i]);
	free(c->docs);
	fx_vocab_release(&c->v);
}

/* Every posting's x is within its block's bound, and the term's bound is
 * the largest block bound. */
static void check_bounds(const struct nd_segment *seg)
{
	struct nd_postings_cursor *c = nd_xmalloc(sizeof(*c));

	for (uint32_t t = 0; t < seg->term_count; t++) {
		const struct nd_segment_term *st = &seg->terms[t];
		struct nd_postings_list l;
		double tmax = 0;

		nd_segment_list(seg, t, &l);
		assert_true((st->df > ND_POSTINGS_BLOCK) == (l.blocks != NULL));
		nd_postings_open(c, &l);
		for (uint32_t d = c->doc; d != ND_DOC_END; d = nd_postings_next(c)) {
			uint32_t last;
			float bm = nd_postings_block_at(c, d, &last);
			double x = 0;
			assert_true(bm >= 0);
			assert_true(d <= last);
			for (int f = 0; f < ND_FIELD_COUNT; f++) {
				uint32_t tf = nd_postings_tf(c, f);
				if (tf)
					x += seg->weight[f] * tf /
					     (1 - seg->b +
					      seg->b * nd_segment_len(seg, d, f) / seg->ref_len[f]);
			}
			assert_true(x <= bm);
			if (x > tmax)
				tmax = x;
		}
		assert_true(tmax <= st->max_x);
		/* Rounded up to a float: tight, not loose. */
		assert_true(st->max_x <= tmax * (1 + 1e-6));
	}
	free(c);
}

/* Forward lists hold each document's terms, by increasing id, with their
 * tfs; every key is found. */
static void check_forward(const struct nd_segment *seg, const struct fx_doc *docs, size_t n,
                          const bool *dead)
{
	uint32_t doc = 0;

	for (size_t i = 0; i < n; i++) {
		struct nd_segment_fwd it;
		uint32_t t, tf[2], prev = 0, nt = 0, distinct = 0;

		if (dead && dead[i])
			continue;
		nd_segment_fwd_open(seg, doc, &it);
		while (nd_segment_fwd_next(&it, &t, tf)) {
			struct nd_str s = nd_segment_term_str(seg, t);
			char w[FX_WORD_MAX];
			assert_true(t < seg->term_count);
			assert_true(nt == 0 || t > prev);
			prev = t;
			snprintf(w, sizeof(w), "%.*s", (int)s.len, s.p);
			assert_int_equal(tf[0], fx_tf(&docs[i], 0, w));
			assert_int_equal(tf[1], fx_tf(&docs[i], 1, w));
			assert_true(tf[0] + tf[1] > 0);
			nt++;
		}
		/* As many terms as the document has distinct words. */
		for (int f = 0; f < ND_FIELD_COUNT; f++) {
			for (size_t j = 0; j < docs[i].n[f]; j++) {
				const struct nd_index_token *tok = &docs[i].tok[f][j];
				bool seen = false;
				for (int g = 0; g <= f && !seen; g++)
					for (size_t k = 0; k < (g < f ? docs[i].n[g] : j) && !seen;
					     k++)
						seen = nd_str_eq(docs[i].tok[g][k].term, tok->term);
				distinct += !seen;
			}
		}
		assert_int_equal(nt, distinct);
		assert_int_equal(nd_segment_find_key(seg, docs[i].key), doc);
		doc++;
	}
}

static void test_random_segment_matches_its_documents(void **state)
{
	struct corpus c;
	struct nd_segment *seg;
	size_t blocks_seen = 0;

	corpus_make(&c, 11, 1500, 2000);
	seg = build(c.docs, c.n);
	assert_int_equal(seg->doc_count, c.n);
	for (uint32_t w = 0; w < c.v.count; w++)
		check_word(seg, c.docs, c.n, NULL, c.v.words[w]);
	for (uint32_t t = 0; t < seg->term_count; t++)
		blocks_seen += seg->terms[t].df > ND_POSTINGS_BLOCK;
	assert_true(blocks_seen > 10); /* the corpus exercises block tables */
	check_bounds(seg);

	check_forward(seg, c.docs, c.n, NULL);
	nd_segment_unref(seg);
	corpus_release(&c);
}

static void test_merge_equals_a_build_of_the_live_documents(void **state)
{
	struct corpus c;
	struct nd_segment *parts[3], *merged, *fresh;
	struct nd_segment_deletes *dels[3];
	struct fx_doc *live;
	bool *dead;
	size_t cuts[4] = {0, 700, 750, 1500}, nlive = 0;
	uint64_t rng = 5;

	corpus_make(&c, 12, 1500, 1500);
	dead = nd_xcalloc(c.n, sizeof(*dead));
	live = nd_xcalloc(c.n, sizeof(*live));
	for (int p = 0; p < 3; p++) {
		uint32_t docs[1500], nd = 0;
		parts[p] = build(c.docs + cuts[p], cuts[p + 1] - cuts[p]);
		for (size_t i = cuts[p]; i < cuts[p + 1]; i++) {
			if (fx_below(&rng, 3) == 0 || p == 1) {
				dead[i] = true;
				docs[nd++] = (uint32_t)(i - cuts[p]);
			}
		}
		dels[p] = nd_segment_deletes_add(parts[p], NULL, docs, nd);
	}
	for (size_t i = 0; i < c.n; i++)
		if (!dead[i])
			live[nlive++] = c.docs[i];
	assert_int_equal(nd_segment_merge(parts, dels, 3, &merged), 0);
	fresh = build(live, nlive);

	assert_int_equal(merged->doc_count, nlive);
	assert_int_equal(merged->term_count, fresh->term_count);
	for (int f = 0; f < ND_FIELD_COUNT; f++) {
		assert_int_equal(merged->len_sum[f], fresh->len_sum[f]);
		assert_true(merged->ref_len[f] == fresh->ref_len[f]);
	}
	for (uint32_t d = 0; d < nlive; d++) {
		assert_int_equal(merged->keys[d], fresh->keys[d]);
		assert_int_equal(merged->lens[2 * d], fresh->lens[2 * d]);
		assert_int_equal(merged->lens[2 * d + 1], fresh->lens[2 * d + 1]);
	}
	for (uint32_t w = 0; w < c.v.count; w++)
		check_word(merged, c.docs, c.n, dead, c.v.words[w]);
	/* Each term's encoding is the same bytes, block table included. */
	for (uint32_t t = 0; t < fresh->term_count; t++) {
		struct nd_str s = nd_segment_term_str(fresh, t);
		uint32_t m = nd_segment_lookup(merged, s.p, s.len);
		const struct nd_segment_term *a = &fresh->terms[t], *b = &merged->terms[m];
		assert_int_not_equal(m, ND_TERM_NONE);
		assert_int_equal(a->df, b->df);
		assert_true(a->max_x == b->max_x);
		if (a->df > ND_POSTINGS_BLOCK) {
			uint32_t nb = (a->df + ND_POSTINGS_BLOCK - 1) / ND_POSTINGS_BLOCK;
			assert_memory_equal(fresh->blocks + a->block_off,
			                    merged->blocks + b->block_off,
			                    nb * sizeof(struct nd_postings_block));
		}
	}
	assert_int_equal(merged->post_len, fresh->post_len);
	assert_int_equal(merged->pos_len, fresh->pos_len);
	check_forward(merged, c.docs, c.n, dead);
	check_bounds(merged);

	for (int p = 0; p < 3; p++) {
		nd_segment_deletes_unref(dels[p]);
		nd_segment_unref(parts[p]);
	}
	nd_segment_unref(merged);
	nd_segment_unref(fresh);
	free(dead);
	free(live);
	corpus_release(&c);
}

static void test_deletes_are_copy_on_write(void **state)
{
	struct corpus c;
	struct nd_segment *seg;
	struct nd_segment_deletes *d1, *d2;
	uint32_t first[] = {0, 5, 9}, more[] = {5, 100, 101};
	bool dead[400] = {0};

	corpus_make(&c, 13, 400, 300);
	seg = build(c.docs, c.n);
	d1 = nd_segment_deletes_add(seg, NULL, first, ND_COUNT(first));
	d2 = nd_segment_deletes_add(seg, d1, more, ND_COUNT(more));

	assert_int_equal(d1->count, 3);
	assert_int_equal(d2->count, 5); /* 5 was already deleted */
	assert_true(nd_segment_deleted(d1, 9));
	assert_false(nd_segment_deleted(d1, 100));
	assert_true(nd_segment_deleted(d2, 100));
	assert_false(nd_segment_deleted(NULL, 0));
	for (size_t i = 0; i < ND_COUNT(first); i++)
		dead[first[i]] = true;
	for (size_t i = 0; i < ND_COUNT(more); i++)
		dead[more[i]] = true;

	/* df corrections count the deleted documents holding each term. */
	for (uint32_t w = 0; w < c.v.count; w++) {
		uint32_t t = nd_segment_lookup(seg, c.v.words[w], strlen(c.v.words[w])), n1 = 0,
		         n2 = 0;
		if (t == ND_TERM_NONE)
			continue;
		for (size_t i = 0; i < c.n; i++) {
			bool has =
			    fx_tf(&c.docs[i], 0, c.v.words[w]) + fx_tf(&c.docs[i], 1, c.v.words[w]);
			n1 += has && (i == 0 || i == 5 || i == 9);
			n2 += has && dead[i];
		}
		assert_int_equal(nd_segment_deletes_df(d1, t), n1);
		assert_int_equal(nd_segment_deletes_df(d2, t), n2);
	}
	for (int f = 0; f < ND_FIELD_COUNT; f++) {
		uint64_t sum = 0;
		for (size_t i = 0; i < c.n; i++)
			sum += dead[i] ? nd_len_decode(nd_len_encode(c.docs[i].n[f])) : 0;
		assert_int_equal(d2->len_sum[f], sum);
	}
	nd_segment_deletes_unref(d1);
	nd_segment_deletes_unref(d2);
	nd_segment_unref(seg);
	corpus_release(&c);
}

static void test_sort(void **state)
{
	uint64_t rng = 77;
	static const size_t sizes[] = {0, 1, 2, 3, 24, 25, 26, 100, 1000, 10000};

	for (size_t k = 0; k < ND_COUNT(sizes); k++) {
		for (int kind = 0; kind < 5; kind++) {
			size_t n = sizes[k];
			uint64_t *a = nd_xmalloc((n + 1) * sizeof(*a));
			uint64_t sum = 0, sum2 = 0;
			for (size_t i = 0; i < n; i++) {
				a[i] = kind == 0   ? fx_rand(&rng)
				       : kind == 1 ? i
				       : kind == 2 ? n - i
				       : kind == 3 ? 7
				                   : fx_rand(&rng) % 3;
				sum += a[i];
			}
			nd__sort_u64(a, n);
			for (size_t i = 0; i < n; i++) {
				if (i)
					assert_true(a[i - 1] <= a[i]);
				sum2 += a[i];
			}
			assert_true(sum == sum2);
			free(a);
		}
	}
}

static void test_lengths_in_a_byte(void **state)
{
	uint32_t prev = 0;

	for (uint32_t len = 0; len < 32; len++)
		assert_int_equal(nd_len_decode(nd_len_encode(len)), len);
	for (uint64_t len = 1; len < ((uint64_t)1 << 21); len += len / 7 + 1) {
		uint32_t d = nd_len_decode(nd_len_encode(len));
		assert_true(d <= len || len >= ((uint64_t)1 << 19));
		if (len < ((uint64_t)1 << 19))
			assert_true(d * 1.0625 >= len * 0.999); /* within 1/16 */
		assert_true(d >= prev);
		prev = d;
	}
	for (unsigned code = 0; code < 256; code++)
		assert_int_equal(nd_len_encode(nd_len_decode((uint8_t)code)), code);
	assert_int_equal(nd_len_encode(UINT32_MAX), 255);
}

static void test_references_free_segments(void **state)
{
	long before = nd_segment_live_count();
	struct fx_doc d;
	struct nd_segment *seg;
	struct nd_segment_deletes *del;
	uint32_t zero = 0;

	fx_doc_text(&d, 1, "a", "b c");
	seg = build(&d, 1);
	del = nd_segment_deletes_add(seg, NULL, &zero, 1);
	assert_int_equal(nd_segment_live_count(), before + 2);
	assert_ptr_equal(nd_segment_ref(seg), seg);
	nd_segment_unref(seg);
	assert_int_equal(nd_segment_live_count(), before + 2);
	nd_segment_deletes_ref(del);
	nd_segment_deletes_unref(del);
	nd_segment_deletes_unref(del);
	assert_int_equal(nd_segment_live_count(), before + 1);
	nd_segment_unref(seg);
	assert_int_equal(nd_segment_live_count(), before);
	nd_segment_unref(NULL);
	nd_segment_deletes_unref(NULL);
	fx_doc_release(&d);
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_small_segment),
	    cmocka_unit_test(test_builder_refuses_bad_documents),
	    cmocka_unit_test(test_empty_segment),
	    cmocka_unit_test(test_random_segment_matches_its_documents),
	    cmocka_unit_test(test_merge_equals_a_build_of_the_live_documents),
	    cmocka_unit_test(test_deletes_are_copy_on_write),
	    cmocka_unit_test(test_sort),
	    cmocka_unit_test(test_lengths_in_a_byte),
	    cmocka_unit_test(test_references_free_segments),
	};

	/* One test alone: test_search test_phrases (a glob). */
	if (argc > 1)
		cmocka_set_test_filter(argv[1]);
	return cmocka_run_group_tests(tests, setup, NULL);
}
