#include "helpers/cmocka.h"

#include <math.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "core/err.h"
#include "core/log.h"
#include "index/index_fixture.h"
#include "index/search.h"
#include "index/segment.h"

static int setup(void **state)
{
	nd_log_level = ND_LOG_NONE;
	return 0;
}

static struct nd_query_term should(const char *w, double weight)
{
	return (struct nd_query_term){nd_str_from(w), weight, ND_QUERY_SHOULD};
}

static struct nd_query_term must(const char *w)
{
	return (struct nd_query_term){nd_str_from(w), 1.0, ND_QUERY_MUST};
}

static struct nd_query_term not(const char *w)
{
	return (struct nd_query_term){nd_str_from(w), 1.0, ND_QUERY_NOT};
}

static struct nd_hits run(const struct nd_index *idx, const struct nd_query *q, size_t k)
{
	struct nd_hits h;

	assert_int_equal(nd_index_search(idx, q, k, NULL, &h), 0);
	return h;
}

/* Both result lists are equal, scores to the bit. */
static bool same_hits(const struct nd_hits *a, const struct nd_hits *b)
{
	if (a->count != b->count) {
		print_message("count %zu != %zu\n", a->count, b->count);
		return false;
	}
	for (size_t i = 0; i < a->count; i++) {
		if (a->items[i].key != b->items[i].key || a->items[i].score != b->items[i].score) {
			print_message("hit %zu: key %u score %.17g != key %u score %.17g\n", i,
			              a->items[i].key, a->items[i].score, b->items[i].key,
			              b->items[i].score);
			return false;
		}
	}
	return true;
}

/* ------------------------------------------------------------------ */
/* BM25F against values worked out by hand */

static struct nd_index *tiny(const struct nd_bm25_params *p, struct fx_doc docs[3])
{
	fx_doc_text(&docs[0], 1, "oil prices", "oil rises oil");
	fx_doc_text(&docs[1], 2, "gold", "gold and oil");
	fx_doc_text(&docs[2], 3, "", "bank rates");
	return fx_index(p, docs, 3);
}

static void test_bm25_by_hand(void **state)
{
	struct fx_doc docs[3];
	struct nd_index *idx = tiny(NULL, docs);
	struct nd_query_term t1[] = {should("oil", 1)},
	                     t2[] = {should("oil", 1), should("gold", 0.5)};
	struct nd_query q = {t1, 1, NULL, 0, true};
	struct nd_index_stats st;
	struct nd_hits h;

	/*
	 * N = 3. Title lengths 2, 1, 0: average 1. Body lengths 3, 3, 2:
	 * average 8/3. k1 = 1.2, b = 0.75, title weight 2, body weight 1.
	 * oil: df 2, idf = ln(1 + (3 - 2 + 0.5) / (2 + 0.5)) = ln(1.6).
	 * Doc 1: title tf 1, len 2: B = 0.25 + 0.75 * 2 / 1 = 1.75;
	 *        body tf 2, len 3: B = 0.25 + 0.75 * 3 / (8/3) = 1.09375 = 35/32;
	 *        x = 2 * 1 / 1.75 + 2 / (35/32) = 8/7 + 64/35 = 104/35.
	 * Doc 2: body tf 1, len 3: x = 32/35.
	 * score = idf * x * (k1 + 1) / (k1 + x).
	 */
	double idf_oil = log(1.6);
	double s1 = idf_oil * (104.0 / 35) * 2.2 / (1.2 + 104.0 / 35);
	double s2 = idf_oil * (32.0 / 35) * 2.2 / (1.2 + 32.0 / 35);

	nd_index_get_stats(idx, &st);
	assert_int_equal(st.doc_count, 3);
	assert_true(fabs(st.avg_len[ND_FIELD_TITLE] - 1.0) < 1e-15);
	assert_true(fabs(st.avg_len[ND_FIELD_BODY] - 8.0 / 3) < 1e-15);
	assert_int_equal(nd_index_df(idx, "oil", 3), 2);
	assert_true(fabs(nd_index_idf(idx, 2) - idf_oil) < 1e-15);

	h = run(idx, &q, 10);
	assert_int_equal(h.count, 2);
	assert_int_equal(h.total, 2);
	assert_true(h.total_exact);
	assert_int_equal(h.items[0].key, 1);
	assert_int_equal(h.items[1].key, 2);
	assert_true(fabs(h.items[0].score - s1) < 1e-12);
	assert_true(fabs(h.items[1].score - s2) < 1e-12);
	assert_true(fabs(s1 - 0.7365541) < 1e-6); /* the figure on paper */
	free(h.items);

	/*
	 * gold, weight 0.5: df 1, idf = ln(1 + 2.5 / 1.5) = ln(8/3).
	 * Doc 2: title tf 1, len 1: B = 1, 2 * 1 / 1 = 2; body tf 1:
	 * 32/35; x = 102/35.
	 */
	q.terms = t2;
	q.term_count = 2;
	h = run(idx, &q, 10);
	{
		double g = 0.5 * log(8.0 / 3) * (102.0 / 35) * 2.2 / (1.2 + 102.0 / 35);
		assert_int_equal(h.count, 2);
		assert_int_equal(h.items[0].key, 2);
		assert_true(fabs(h.items[0].score - (s2 + g)) < 1e-12);
		assert_true(fabs(h.items[1].score - s1) < 1e-12);
	}
	free(h.items);
	nd_index_free(idx);
	for (int i = 0; i < 3; i++)
		fx_doc_release(&docs[i]);
}

static void test_bm25_params(void **state)
{
	struct nd_bm25_params p = {2.0, 0.5, {3.0, 1.0}};
	struct fx_doc docs[3];
	struct nd_index *idx = tiny(&p, docs);
	struct nd_query_term t[] = {should("oil", 2.0)};
	struct nd_query q = {t, 1, NULL, 0, false};
	struct nd_hits h;
	/* Doc 1 with k1 2, b 0.5, title weight 3: title B = 0.5 + 0.5 * 2 = 1.5,
	 * body B = 0.5 + 0.5 * 3 / (8/3) = 1.0625; x = 3 / 1.5 + 2 / 1.0625. */
	double x = 2.0 + 2 / 1.0625, s = 2.0 * log(1.6) * x * 3.0 / (2.0 + x);

	h = run(idx, &q, 1);
	assert_int_equal(h.count, 1);
	assert_int_equal(h.items[0].key, 1);
	assert_true(fabs(h.items[0].score - s) < 1e-12);
	free(h.items);
	assert_int_equal(nd_bm25_params_check(&p), 0);
	p.b = 1.5;
	assert_int_equal(nd_bm25_params_check(&p), ND_EINVAL);
	p.b = 0.5;
	p.k1 = NAN;
	assert_int_equal(nd_bm25_params_check(&p), ND_EINVAL);
	nd_index_free(idx);
	for (int i = 0; i < 3; i++)
		fx_doc_release(&docs[i]);
}

/* ------------------------------------------------------------------ */
/* Required and excluded terms, phrases */

static struct nd_index *newsroom(struct fx_doc docs[6])
{
	fx_doc_text(&docs[0], 10, "bank of england", "the bank raised rates");
	fx_doc_text(&docs[1], 11, "central bank", "england bank holiday");
	fx_doc_text(&docs[2], 12, "new york", "new new york stocks fell in new york");
	fx_doc_text(&docs[3], 13, "york", "new jersey and old york");
	fx_doc_text(&docs[4], 14, "oil", "bank oil england");
	fx_doc_text(&docs[5], 15, "england", "bank");
	return fx_index(NULL, docs, 6);
}

/* The keys hit, in order, as a string "10 11". */
static void keys_of(const struct nd_hits *h, char *out, size_t len)
{
	size_t n = 0;

	out[0] = '\0';
	for (size_t i = 0; i < h->count && n < len; i++)
		n += (size_t)snprintf(out + n, len - n, "%s%u", i ? " " : "", h->items[i].key);
}

/* Runs q both ways, checks they agree and that totals are exact, and
 * returns the sorted keys. */
static void check_keys(const struct nd_index *idx, const struct nd_query *q, const char *want)
{
	struct nd_hits a, b;
	char got[256], sorted[256];
	uint32_t keys[64];
	size_t n = 0, len = 0;

	assert_int_equal(nd_index_search(idx, q, 100, NULL, &a), 0);
	assert_int_equal(nd_index_search_exhaustive(idx, q, 100, NULL, &b), 0);
	assert_true(same_hits(&a, &b));
	assert_int_equal(a.total, a.count);
	assert_true(a.total_exact);
	keys_of(&a, got, sizeof(got));
	/* Compare as a set, sorted by key. */
	for (size_t i = 0; i < a.count; i++)
		keys[n++] = a.items[i].key;
	for (size_t i = 1; i < n; i++)
		for (size_t j = i; j && keys[j - 1] > keys[j]; j--) {
			uint32_t t = keys[j];
			keys[j] = keys[j - 1];
			keys[j - 1] = t;
		}
	sorted[0] = '\0';
	for (size_t i = 0; i < n; i++)
		len += (size_t)snprintf(sorted + len, sizeof(sorted) - len, "%s%u", i ? " " : "",
		                        keys[i]);
	if (strcmp(sorted, want))
		print_message("want '%s', got '%s' (ranked '%s')\n", want, sorted, got);
	assert_string_equal(sorted, want);
	free(a.items);
	free(b.items);
}

static void test_required_and_excluded_terms(void **state)
{
	struct fx_doc docs[6];
	struct nd_index *idx = newsroom(docs);
	struct nd_query q = {0};
	struct nd_query_term t[4];

	q.terms = t;
	q.exact_total = true;

	t[0] = should("bank", 1);
	q.term_count = 1;
	check_keys(idx, &q, "10 11 14 15");

	t[1] = must("england");
	q.term_count = 2;
	check_keys(idx, &q, "10 11 14 15");

	t[1] = not("england");
	check_keys(idx, &q, "");

	t[0] = should("bank", 1);
	t[1] = not("oil");
	t[2] = not("holiday");
	q.term_count = 3;
	check_keys(idx, &q, "10 15");

	/* A MUST term makes SHOULD terms optional: they only add score. */
	t[0] = must("york");
	t[1] = should("stocks", 1);
	q.term_count = 2;
	check_keys(idx, &q, "12 13");
	{
		struct nd_hits h = run(idx, &q, 10);
		assert_int_equal(h.items[0].key, 12);
		free(h.items);
	}

	/* A required term nobody has: nothing. Only NOT terms: nothing. */
	t[0] = must("zebra");
	check_keys(idx, &q, "");
	t[0] = not("bank");
	q.term_count = 1;
	check_keys(idx, &q, "");
	q.term_count = 0;
	check_keys(idx, &q, "");

	nd_index_free(idx);
	for (int i = 0; i < 6; i++)
		fx_doc_release(&docs[i]);
}

static void test_phrases(void **state)
{
	struct fx_doc docs[6];
	struct nd_index *idx = newsroom(docs);
	struct nd_str ny[] = {ND_STR_LIT("new"), ND_STR_LIT("york")};
	struct nd_str nny[] = {ND_STR_LIT("new"), ND_STR_LIT("new"), ND_STR_LIT("york")};
	struct nd_str boe[] = {ND_STR_LIT("bank"), ND_STR_LIT("england")};
	struct nd_str eb[] = {ND_STR_LIT("england"), ND_STR_LIT("bank")};
	struct nd_str one[] = {ND_STR_LIT("oil")};
	uint32_t gap2[] = {0, 2};
	struct nd_query_phrase ph[2];
	struct nd_query_term t[2];
	struct nd_query q = {t, 0, ph, 1, false};

	ph[0] = (struct nd_query_phrase){ny, NULL, 2, false};
	check_keys(idx, &q, "12");
	ph[0] = (struct nd_query_phrase){nny, NULL, 3, false};
	check_keys(idx, &q, "12");
	/* "bank of england" with the stop word dropped: offsets 0 and 2. */
	ph[0] = (struct nd_query_phrase){boe, gap2, 2, false};
	check_keys(idx, &q, "10 14");
	ph[0] = (struct nd_query_phrase){boe, NULL, 2, false};
	check_keys(idx, &q, "");
	/* Adjacent in the body of 11 and 15? 15 has them in different
	 * fields, which is no phrase. */
	ph[0] = (struct nd_query_phrase){eb, NULL, 2, false};
	check_keys(idx, &q, "11");
	ph[0] = (struct nd_query_phrase){one, NULL, 1, false};
	check_keys(idx, &q, "14");

	/* Two phrases, plus scored and excluded terms. */
	ph[0] = (struct nd_query_phrase){ny, NULL, 2, false};
	ph[1] = (struct nd_query_phrase){one, NULL, 1, false};
	q.phrase_count = 2;
	check_keys(idx, &q, "");
	q.phrase_count = 1;
	t[0] = should("stocks", 1);
	t[1] = not("fell");
	q.term_count = 1;
	check_keys(idx, &q, "12");
	q.term_count = 2;
	check_keys(idx, &q, "");

	nd_index_free(idx);
	for (int i = 0; i < 6; i++)
		fx_doc_release(&docs[i]);
}

/* ------------------------------------------------------------------ */
/* Excluded phrases */

static struct nd_query_phrase xphrase(const struct nd_str *terms, const uint32_t *offsets,
                                      size_t count)
{
	return (struct nd_query_phrase){terms, offsets, count, true};
}

/* check_keys with exact totals, then without: the hits are the same and
 * the total a lower bound no smaller than the hits. */
static void check_both(const struct nd_index *idx, struct nd_query *q, const char *want)
{
	struct nd_hits a, b;

	q->exact_total = true;
	check_keys(idx, q, want);
	q->exact_total = false;
	for (size_t k = 1; k <= 100; k *= 10) {
		assert_int_equal(nd_index_search(idx, q, k, NULL, &a), 0);
		assert_int_equal(nd_index_search_exhaustive(idx, q, k, NULL, &b), 0);
		assert_true(same_hits(&a, &b));
		assert_true(a.total >= a.count && a.total <= b.total);
		if (a.total_exact)
			assert_int_equal(a.total, b.total);
		free(a.items);
		free(b.items);
	}
	q->exact_total = true;
}

/* cyber and attack next to each other (20, 21, 26), apart (22), in two
 * fields (23), the other way round (24), not at all (25). */
static struct nd_index *cyber(struct fx_doc docs[7])
{
	fx_doc_text(&docs[0], 20, "cyber attack on bank", "hackers hit the bank");
	fx_doc_text(&docs[1], 21, "bank news", "a cyber attack hit the bank");
	fx_doc_text(&docs[2], 22, "attack", "cyber criminals attack the bank");
	fx_doc_text(&docs[3], 23, "cyber", "attack bank");
	fx_doc_text(&docs[4], 24, "bank", "attack cyber bank");
	fx_doc_text(&docs[5], 25, "bank holiday", "quiet day");
	fx_doc_text(&docs[6], 26, "cyber attack", "cyber attack again");
	return fx_index(NULL, docs, 7);
}

static void test_excluded_phrases(void **state)
{
	struct fx_doc docs[7];
	struct nd_index *idx = cyber(docs);
	struct nd_str ca[] = {ND_STR_LIT("cyber"), ND_STR_LIT("attack")};
	struct nd_str ac[] = {ND_STR_LIT("attack"), ND_STR_LIT("cyber")};
	struct nd_str cah[] = {ND_STR_LIT("cyber"), ND_STR_LIT("attack"), ND_STR_LIT("hit")};
	struct nd_str cb[] = {ND_STR_LIT("cyber"), ND_STR_LIT("bank")};
	struct nd_str ab[] = {ND_STR_LIT("attack"), ND_STR_LIT("bank")};
	struct nd_str tb[] = {ND_STR_LIT("the"), ND_STR_LIT("bank")};
	struct nd_str zc[] = {ND_STR_LIT("zebra"), ND_STR_LIT("crossing")};
	struct nd_str cz[] = {ND_STR_LIT("cyber"), ND_STR_LIT("zebra")};
	struct nd_str hol[] = {ND_STR_LIT("holiday")};
	uint32_t gap3[] = {0, 3};
	struct nd_query_phrase ph[3];
	struct nd_query_term t[3];
	struct nd_query q = {t, 1, ph, 1, true};
	struct nd_hits h;

	/* SHOULD terms only: the disjunctive path. 22 holds both words
	 * apart, 23 in two fields, 24 the other way round: all kept. */
	t[0] = should("bank", 1);
	ph[0] = xphrase(ca, NULL, 2);
	check_both(idx, &q, "22 23 24 25");
	/* Without the exclusion, for contrast. */
	q.phrase_count = 0;
	check_both(idx, &q, "20 21 22 23 24 25");
	q.phrase_count = 1;
	t[0] = should("cyber", 1);
	check_both(idx, &q, "22 23 24");

	/* A MUST term: the conjunctive path. */
	t[0] = must("bank");
	check_both(idx, &q, "22 23 24 25");
	t[0] = must("cyber");
	check_both(idx, &q, "22 23 24");

	/* With a NOT term, and with SHOULD terms beside a MUST term. */
	t[0] = should("bank", 1);
	t[1] = not("holiday");
	q.term_count = 2;
	check_both(idx, &q, "22 23 24");
	t[0] = must("bank");
	t[1] = should("cyber", 2);
	t[2] = not("quiet");
	q.term_count = 3;
	check_both(idx, &q, "22 23 24");
	q.term_count = 1;

	/* Two excluded phrases. */
	t[0] = should("bank", 1);
	ph[1] = xphrase(ac, NULL, 2);
	q.phrase_count = 2;
	check_both(idx, &q, "22 23 25");
	t[0] = must("bank");
	check_both(idx, &q, "22 23 25");

	/* Words the index lacks, some or all: nothing is left out. */
	t[0] = should("bank", 1);
	ph[0] = xphrase(zc, NULL, 2);
	ph[1] = xphrase(cz, NULL, 2);
	check_both(idx, &q, "20 21 22 23 24 25");
	t[0] = must("bank");
	check_both(idx, &q, "20 21 22 23 24 25");
	q.phrase_count = 1;

	/* Offsets (a dropped stop word), three words, one word. */
	t[0] = should("bank", 1);
	ph[0] = xphrase(cb, gap3, 2);
	check_both(idx, &q, "21 22 23 24 25");
	ph[0] = xphrase(cah, NULL, 3);
	check_both(idx, &q, "20 22 23 24 25");
	ph[0] = xphrase(hol, NULL, 1);
	check_both(idx, &q, "20 21 22 23 24");
	ph[0] = xphrase(ab, NULL, 2);
	t[0] = must("cyber");
	check_both(idx, &q, "20 21 22 24 26");

	/* Beside a required phrase: "the bank" is in 20, 21 and 22. */
	t[0] = should("hackers", 1);
	ph[0] = (struct nd_query_phrase){tb, NULL, 2, false};
	ph[1] = xphrase(ca, NULL, 2);
	q.phrase_count = 1;
	check_both(idx, &q, "20 21 22");
	q.phrase_count = 2;
	check_both(idx, &q, "22");
	ph[1] = xphrase(zc, NULL, 2);
	check_both(idx, &q, "20 21 22");

	/* Only exclusions match nothing, as only NOT terms do; counts are
	 * exact (0). */
	ph[0] = xphrase(ca, NULL, 2);
	t[0] = not("bank");
	for (size_t nt = 0; nt <= 1; nt++) {
		q.term_count = nt;
		q.phrase_count = 1;
		check_both(idx, &q, "");
		h = run(idx, &q, 10);
		assert_int_equal(h.count, 0);
		assert_int_equal(h.total, 0);
		assert_true(h.total_exact);
		free(h.items);
	}

	nd_index_free(idx);
	for (int i = 0; i < 7; i++)
		fx_doc_release(&docs[i]);
}

/* Excluded phrases over several segments, one lacking a phrase word, and
 * deletions. */
static void test_excluded_phrases_segments(void **state)
{
	struct fx_doc docs[8];
	struct nd_index *idx = nd_index_new_empty(NULL), *next;
	struct nd_index_writer *w;
	struct nd_index_stats st;
	struct nd_str ca[] = {ND_STR_LIT("cyber"), ND_STR_LIT("attack")};
	struct nd_query_phrase ph[1] = {xphrase(ca, NULL, 2)};
	struct nd_query_term t[1] = {should("bank", 1)};
	struct nd_query q = {t, 1, ph, 1, true};
	static const struct {
		int commit;
		uint32_t key;
		const char *title, *body;
	} in[] = {
	    {0, 20, "cyber attack on bank", "hackers hit the bank"},
	    {0, 21, "bank news", "a cyber attack hit the bank"},
	    {0, 22, "attack", "cyber criminals attack the bank"},
	    {0, 23, "cyber", "attack bank"},
	    {1, 25, "bank holiday", "quiet day"}, /* no "attack" in this one */
	    {1, 27, "cyber bank", "cyber news today"},
	    {2, 28, "attack", "the cyber attack on the bank"},
	    {2, 29, "bank", "cyber and attack"},
	};

	for (int commit = 0; commit < 3; commit++) {
		w = nd_index_writer_new(idx);
		for (size_t i = 0; i < ND_COUNT(in); i++) {
			struct nd_index_doc doc;
			if (in[i].commit != commit)
				continue;
			fx_doc_text(&docs[i], in[i].key, in[i].title, in[i].body);
			doc = fx_doc_view(&docs[i]);
			assert_int_equal(nd_index_writer_add(w, in[i].key, &doc), 0);
		}
		if (commit == 2)
			nd_index_writer_delete(w, 22);
		assert_int_equal(nd_index_writer_commit(w, &next), 0);
		nd_index_free(idx);
		idx = next;
	}
	nd_index_get_stats(idx, &st);
	assert_true(st.segment_count >= 2);
	assert_int_equal(st.doc_count, 7);

	check_both(idx, &q, "23 25 27 29");
	t[0] = must("cyber");
	check_both(idx, &q, "23 27 29");
	t[0] = should("attack", 1);
	check_both(idx, &q, "23 29");

	nd_index_free(idx);
	for (size_t i = 0; i < ND_COUNT(in); i++)
		fx_doc_release(&docs[i]);
}

static void test_bad_queries(void **state)
{
	struct fx_doc docs[6];
	struct nd_index *idx = newsroom(docs);
	struct nd_query_term t[1] = {should("bank", 0)};
	struct nd_query_phrase ph[1] = {{NULL, NULL, 0, false}};
	struct nd_query q = {t, 1, NULL, 0, false};
	struct nd_query_term *many;
	struct nd_hits h;

	assert_int_equal(nd_index_search(idx, &q, 10, NULL, &h), ND_EINVAL);
	t[0].weight = INFINITY;
	assert_int_equal(nd_index_search(idx, &q, 10, NULL, &h), ND_EINVAL);
	t[0].weight = 1;
	q.phrases = ph;
	q.phrase_count = 1;
	assert_int_equal(nd_index_search(idx, &q, 10, NULL, &h), ND_EINVAL);
	ph[0].exclude = true; /* an empty excluded phrase is as bad */
	assert_int_equal(nd_index_search(idx, &q, 10, NULL, &h), ND_EINVAL);
	many = nd_xcalloc(ND_QUERY_TERMS_MAX + 1, sizeof(*many));
	for (int i = 0; i <= ND_QUERY_TERMS_MAX; i++)
		many[i] = should("bank", 1);
	q = (struct nd_query){many, ND_QUERY_TERMS_MAX + 1, NULL, 0, false};
	assert_int_equal(nd_index_search(idx, &q, 10, NULL, &h), ND_ETOOBIG);
	q.term_count = ND_QUERY_TERMS_MAX;
	assert_int_equal(nd_index_search(idx, &q, 10, NULL, &h), 0);
	assert_int_equal(h.count, 4);
	free(h.items);
	/* Tiny and huge weights still score (the scale stays finite). */
	q.term_count = 1;
	many[0].weight = 1e-300;
	assert_int_equal(nd_index_search(idx, &q, 10, NULL, &h), 0);
	assert_int_equal(h.count, 4);
	assert_true(h.items[0].score >= 0 && h.items[0].score < 1e-290);
	free(h.items);
	many[0].weight = 1e290;
	assert_int_equal(nd_index_search(idx, &q, 10, NULL, &h), 0);
	assert_int_equal(h.count, 4);
	assert_true(isfinite(h.items[0].score) && h.items[0].score > 1e289);
	free(h.items);
	many[0].weight = 1;
	/* k = 0 still counts. */
	q.term_count = 1;
	q.exact_total = true;
	assert_int_equal(nd_index_search(idx, &q, 0, NULL, &h), 0);
	assert_int_equal(h.count, 0);
	assert_int_equal(h.total, 4);
	free(h.items);
	free(many);
	nd_index_free(idx);
	for (int i = 0; i < 6; i++)
		fx_doc_release(&docs[i]);
}

/* ------------------------------------------------------------------ */
/* Random corpora: top-k against exhaustive scoring */

struct corpus {
	struct fx_vocab v;
	struct fx_doc *docs;
	size_t n;
};

static void corpus_make(struct corpus *c, uint64_t seed, size_t n, uint32_t vocab,
                        uint32_t max_body)
{
	uint64_t rng = seed;

	fx_vocab_init(&c->v, vocab);
	c->docs = nd_xcalloc(n, sizeof(*c->docs));
	c->n = n;
	for (size_t i = 0; i < n; i++)
		fx_doc_random(&c->docs[i], &rng, &c->v, (uint32_t)(i * 13 + 1), 10, max_body);
}

static void corpus_release(struct corpus *c)
{
	for (size_t i = 0; i < c->n; i++)
		fx_doc_release(&c->docs[i]);
	free(c->docs);
	fx_vocab_release(&c->v);
}

/* A random query: mostly weighted SHOULD terms, sometimes MUST and NOT
 * terms, a required phrase cut from a random document and excluded
 * phrases, cut from documents too or of random words (often in the same
 * documents, apart) or of a word no document has. Strings point into the
 * vocabulary or the corpus. */
#define RQ_PHRASES 3

struct rq {
	struct nd_query q;
	struct nd_query_term terms[40];
	struct nd_query_phrase phrases[RQ_PHRASES];
	struct nd_str pterms[RQ_PHRASES][3];
	uint32_t offsets[RQ_PHRASES][3];
};

/* Cuts a phrase of 1 to 3 words from a random document of c into phrase
 * i of r; false when the document was too short. */
static bool cut_phrase(struct rq *r, size_t i, uint64_t *rng, const struct corpus *c, bool exclude)
{
	const struct fx_doc *d = &c->docs[fx_below(rng, (uint32_t)c->n)];
	int f = d->n[1] >= 3 ? 1 : 0;
	uint32_t len, at;

	if (d->n[f] < 3)
		return false;
	len = 1 + fx_below(rng, 3);
	at = fx_below(rng, (uint32_t)d->n[f] - 2);
	for (uint32_t j = 0; j < len; j++) {
		r->pterms[i][j] = d->tok[f][at + j].term;
		r->offsets[i][j] = d->tok[f][at + j].pos - d->tok[f][at].pos;
	}
	r->phrases[i] = (struct nd_query_phrase){r->pterms[i], r->offsets[i], len, exclude};
	return true;
}

/* An excluded phrase of 2 or 3 frequent words in a row (offsets NULL, or
 * with a gap), or with a word no document has. */
static void word_phrase(struct rq *r, size_t i, uint64_t *rng, const struct corpus *c)
{
	uint32_t len = 2 + fx_below(rng, 2), gap = fx_below(rng, 3) == 0;

	for (uint32_t j = 0; j < len; j++) {
		r->pterms[i][j] = nd_str_from(c->v.words[fx_pick(rng, &c->v)]);
		r->offsets[i][j] = j + (j ? gap : 0);
	}
	if (fx_below(rng, 8) == 0)
		r->pterms[i][fx_below(rng, len)] = nd_str_from("absent");
	r->phrases[i] =
	    (struct nd_query_phrase){r->pterms[i], gap ? r->offsets[i] : NULL, len, true};
}

static void random_query(struct rq *r, uint64_t *rng, const struct corpus *c, bool ops)
{
	uint32_t n = 1 + fx_below(rng, fx_below(rng, 2) ? 4 : 30);

	memset(r, 0, sizeof(*r));
	for (uint32_t i = 0; i < n; i++) {
		uint32_t w = fx_below(rng, 2) ? fx_pick(rng, &c->v) : fx_below(rng, c->v.count);
		struct nd_query_term *t = &r->terms[i];
		uint32_t op = ops ? fx_below(rng, 20) : 10;

		t->term = nd_str_from(c->v.words[w]);
		t->weight = fx_below(rng, 3) ? 1.0 : 0.1 + 3 * fx_unit(rng);
		t->op = op == 0 ? ND_QUERY_MUST : op == 1 ? ND_QUERY_NOT : ND_QUERY_SHOULD;
	}
	r->q.terms = r->terms;
	r->q.term_count = n;
	r->q.exact_total = fx_below(rng, 2);
	r->q.phrases = r->phrases;
	if (!ops || !c->n)
		return;
	if (fx_below(rng, 6) == 0 && cut_phrase(r, r->q.phrase_count, rng, c, false))
		r->q.phrase_count++;
	if (fx_below(rng, 3) == 0) {
		uint32_t nx = 1 + (fx_below(rng, 4) == 0);
		for (uint32_t i = 0; i < nx; i++) {
			size_t at = r->q.phrase_count;
			if (fx_below(rng, 2) == 0) {
				if (!cut_phrase(r, at, rng, c, true))
					continue;
			} else {
				word_phrase(r, at, rng, c);
			}
			r->q.phrase_count++;
		}
	}
}

/* Whether phrase ph occurs in a field of d, by looking at every token. */
static bool doc_has_phrase(const struct fx_doc *d, const struct nd_query_phrase *ph)
{
	for (int f = 0; f < ND_FIELD_COUNT; f++) {
		for (size_t i = 0; i < d->n[f]; i++) {
			int64_t base =
			    (int64_t)d->tok[f][i].pos - (ph->offsets ? ph->offsets[0] : 0);
			size_t j = 0;

			if (!nd_str_eq(d->tok[f][i].term, ph->terms[0]))
				continue;
			for (j = 1; j < ph->count; j++) {
				int64_t want = base + (ph->offsets ? ph->offsets[j] : (int64_t)j);
				size_t m = 0;
				while (m < d->n[f] && !(d->tok[f][m].pos == want &&
				                        nd_str_eq(d->tok[f][m].term, ph->terms[j])))
					m++;
				if (m == d->n[f])
					break;
			}
			if (j == ph->count)
				return true;
		}
	}
	return false;
}

static bool doc_has_term(const struct fx_doc *d, struct nd_str t)
{
	for (int f = 0; f < ND_FIELD_COUNT; f++)
		for (size_t i = 0; i < d->n[f]; i++)
			if (nd_str_eq(d->tok[f][i].term, t))
				return true;
	return false;
}

/* Whether d matches q by the rules of search.h, from its tokens alone. */
static bool doc_matches(const struct fx_doc *d, const struct nd_query *q)
{
	bool conj = false, any = false;

	for (size_t i = 0; i < q->term_count; i++) {
		bool has = doc_has_term(d, q->terms[i].term);
		switch (q->terms[i].op) {
		case ND_QUERY_MUST:
			if (!has)
				return false;
			conj = true;
			break;
		case ND_QUERY_NOT:
			if (has)
				return false;
			break;
		default: any |= has;
		}
	}
	for (size_t i = 0; i < q->phrase_count; i++) {
		bool has = doc_has_phrase(d, &q->phrases[i]);
		if (q->phrases[i].exclude ? has : !has)
			return false;
		conj |= !q->phrases[i].exclude;
	}
	return conj || any;
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
	return (x > y) - (x < y);
}

/* The matches of h (all of them: k was at least the corpus size) are
 * exactly the live documents doc_matches accepts. */
static void check_brute(const struct nd_hits *h, const struct fx_doc *const *docs, size_t n,
                        const struct nd_query *q)
{
	uint32_t *want = nd_xcalloc(n + 1, sizeof(*want)), *got;
	size_t nw = 0;

	for (size_t i = 0; i < n; i++)
		if (docs[i] && doc_matches(docs[i], q))
			want[nw++] = docs[i]->key;
	if (h->count != nw || h->total != nw)
		fail_msg("%zu hits (total %llu), %zu documents match", h->count,
		         (unsigned long long)h->total, nw);
	got = nd_xcalloc(nw + 1, sizeof(*got));
	for (size_t i = 0; i < nw; i++)
		got[i] = h->items[i].key;
	qsort(want, nw, sizeof(*want), cmp_u32);
	qsort(got, nw, sizeof(*got), cmp_u32);
	for (size_t i = 0; i < nw; i++)
		assert_int_equal(got[i], want[i]);
	free(want);
	free(got);
}

/*
 * What q's excluded phrases do on docs: *removed counts the documents they
 * leave out (matches without them), *apart the matches holding every word
 * of one of them, though not as the phrase.
 */
static void exclusion_effect(const struct fx_doc *const *docs, size_t n, const struct nd_query *q,
                             size_t *removed, size_t *apart)
{
	struct nd_query_phrase kept[RQ_PHRASES];
	struct nd_query without = *q;

	without.phrases = kept;
	without.phrase_count = 0;
	for (size_t i = 0; i < q->phrase_count; i++)
		if (!q->phrases[i].exclude)
			kept[without.phrase_count++] = q->phrases[i];
	for (size_t i = 0; i < n; i++) {
		if (!docs[i] || !doc_matches(docs[i], &without))
			continue;
		if (!doc_matches(docs[i], q)) {
			(*removed)++;
			continue;
		}
		for (size_t j = 0; j < q->phrase_count; j++) {
			const struct nd_query_phrase *ph = &q->phrases[j];
			size_t t = 0;
			while (ph->exclude && t < ph->count && doc_has_term(docs[i], ph->terms[t]))
				t++;
			if (ph->exclude && t == ph->count && ph->count > 1) {
				(*apart)++;
				break;
			}
		}
	}
}

static bool has_required_phrase(const struct nd_query *q)
{
	for (size_t i = 0; i < q->phrase_count; i++)
		if (!q->phrases[i].exclude)
			return true;
	return false;
}

static const size_t ks[] = {1, 3, 10, 50, 1000};

/* Runs queries random queries on idx both ways (with xphrase, each with
 * an excluded phrase of frequent words added); returns how many documents
 * each way scored in full, summed. */
static void compare_random(const struct nd_index *idx, const struct corpus *c, uint64_t seed,
                           int queries, bool ops, bool xphrase, uint64_t *scored_topk,
                           uint64_t *scored_all)
{
	uint64_t rng = seed;
	const struct fx_doc **docs = nd_xcalloc(c->n + 1, sizeof(*docs));

	for (size_t i = 0; i < c->n; i++)
		docs[i] = &c->docs[i];

	for (int i = 0; i < queries; i++) {
		struct rq r;
		size_t k = ks[fx_below(&rng, ND_COUNT(ks))];
		struct nd_hits a, b;

		random_query(&r, &rng, c, ops);
		if (xphrase && r.q.phrase_count < RQ_PHRASES)
			word_phrase(&r, r.q.phrase_count++, &rng, c);
		assert_int_equal(nd_index_search(idx, &r.q, k, NULL, &a), 0);
		assert_int_equal(nd_index_search_exhaustive(idx, &r.q, k, NULL, &b), 0);
		if (!same_hits(&a, &b))
			fail_msg("query %d (k %zu) differs", i, k);
		assert_true(b.total_exact);
		if (a.total_exact)
			assert_int_equal(a.total, b.total);
		else
			assert_true(a.total <= b.total && a.total >= a.count);
		if (r.q.exact_total || has_required_phrase(&r.q))
			assert_true(a.total_exact);
		/* And both against the documents themselves, when k holds
		 * every match (and the corpus is small enough to check). */
		if (k >= c->n && c->n <= 1000)
			check_brute(&b, docs, c->n, &r.q);
		*scored_topk += a.scored;
		*scored_all += b.scored;
		free(a.items);
		free(b.items);
	}
	free(docs);
}

static void test_topk_equals_exhaustive(void **state)
{
	static const struct {
		uint64_t seed;
		size_t docs;
		uint32_t vocab, body;
	} cases[] = {{1, 40, 30, 20}, {2, 600, 400, 40}, {3, 3000, 3000, 80}, {4, 2500, 200, 30}};

	for (size_t i = 0; i < ND_COUNT(cases); i++) {
		struct corpus c;
		struct nd_index *idx;
		uint64_t s1 = 0, s2 = 0;

		corpus_make(&c, cases[i].seed, cases[i].docs, cases[i].vocab, cases[i].body);
		idx = fx_index(NULL, c.docs, c.n);
		compare_random(idx, &c, cases[i].seed * 77, 300, false, false, &s1, &s2);
		compare_random(idx, &c, cases[i].seed * 79, 300, true, false, &s1, &s2);
		compare_random(idx, &c, cases[i].seed * 83, 100, false, true, &s1, &s2);
		nd_index_free(idx);
		corpus_release(&c);
	}
}

static void test_topk_skips(void **state)
{
	struct corpus c;
	struct nd_index *idx;
	uint64_t s1 = 0, s2 = 0;

	/* Long OR queries over a corpus with long lists: MaxScore must
	 * leave most documents unscored, and still agree. */
	corpus_make(&c, 9, 8000, 2000, 100);
	idx = fx_index(NULL, c.docs, c.n);
	compare_random(idx, &c, 91, 200, false, false, &s1, &s2);
	print_message("scored in full: top-k %llu, exhaustive %llu\n", (unsigned long long)s1,
	              (unsigned long long)s2);
	assert_true(s1 * 3 < s2);
	/* An excluded phrase does not stop the skipping. */
	s1 = s2 = 0;
	compare_random(idx, &c, 92, 100, false, true, &s1, &s2);
	print_message("with an excluded phrase: top-k %llu, exhaustive %llu\n",
	              (unsigned long long)s1, (unsigned long long)s2);
	assert_true(s1 * 3 < s2);
	nd_index_free(idx);
	corpus_release(&c);
}

/*
 * Excluded phrases on a small vocabulary, so their words are often in the
 * same documents apart, over three segments with deletions: both searches
 * against the documents themselves, for every query.
 */
static void test_excluded_phrases_random(void **state)
{
	struct corpus c;
	const struct fx_doc **live;
	struct nd_index *idx = nd_index_new_empty(NULL), *next;
	struct nd_index_stats st;
	uint64_t rng = 77;
	size_t cuts[] = {0, 150, 300, 400}, excluding = 0, removed = 0, apart = 0;

	corpus_make(&c, 31, 400, 40, 30);
	live = nd_xcalloc(c.n + 1, sizeof(*live));
	for (int seg = 0; seg < 3; seg++) {
		struct nd_index_writer *w = nd_index_writer_new(idx);
		for (size_t i = cuts[seg]; i < cuts[seg + 1]; i++) {
			struct nd_index_doc doc = fx_doc_view(&c.docs[i]);
			assert_int_equal(nd_index_writer_add(w, c.docs[i].key, &doc), 0);
			live[i] = &c.docs[i];
		}
		/* Delete every seventh document made so far. */
		for (size_t i = 3; seg && i < cuts[seg]; i += 7) {
			nd_index_writer_delete(w, c.docs[i].key);
			live[i] = NULL;
		}
		assert_int_equal(nd_index_writer_commit(w, &next), 0);
		nd_index_free(idx);
		idx = next;
	}
	nd_index_get_stats(idx, &st);
	assert_true(st.segment_count >= 2);

	for (int i = 0; i < 400; i++) {
		struct rq r;
		struct nd_hits a, b;
		size_t k = fx_below(&rng, 2) ? 1000 : 1 + fx_below(&rng, 20);

		random_query(&r, &rng, &c, true);
		if (!r.q.phrase_count || !r.q.phrases[r.q.phrase_count - 1].exclude) {
			if (fx_below(&rng, 2))
				word_phrase(&r, r.q.phrase_count++, &rng, &c);
			else if (cut_phrase(&r, r.q.phrase_count, &rng, &c, true))
				r.q.phrase_count++;
		}
		for (size_t j = 0; j < r.q.phrase_count; j++)
			excluding += r.q.phrases[j].exclude;
		r.q.exact_total = true;
		assert_int_equal(nd_index_search(idx, &r.q, k, NULL, &a), 0);
		assert_int_equal(nd_index_search_exhaustive(idx, &r.q, k, NULL, &b), 0);
		if (!same_hits(&a, &b))
			fail_msg("query %d (k %zu) differs", i, k);
		assert_true(a.total_exact);
		assert_int_equal(a.total, b.total);
		if (k >= c.n)
			check_brute(&a, live, c.n, &r.q);
		exclusion_effect(live, c.n, &r.q, &removed, &apart);
		free(a.items);
		free(b.items);
		/* Without exact totals: the same hits, a lower bound. */
		r.q.exact_total = false;
		assert_int_equal(nd_index_search(idx, &r.q, k, NULL, &a), 0);
		assert_int_equal(nd_index_search_exhaustive(idx, &r.q, k, NULL, &b), 0);
		if (!same_hits(&a, &b))
			fail_msg("query %d (k %zu, inexact) differs", i, k);
		assert_true(a.total >= a.count && a.total <= b.total);
		free(a.items);
		free(b.items);
	}
	/* The phrases did leave documents out, and kept many that hold
	 * their words apart. */
	print_message("excluded phrases: %zu, documents left out %zu, kept with the words "
	              "apart %zu\n",
	              excluding, removed, apart);
	assert_true(excluding >= 400);
	assert_true(removed >= 500 && apart >= 500);

	nd_index_free(idx);
	free(live);
	corpus_release(&c);
}

/* ------------------------------------------------------------------ */
/* Incremental updates against a rebuild */

#define KEYS 500

struct world {
	struct corpus c;                /* vocabulary; docs made as needed */
	struct fx_doc *live[KEYS];      /* current document of each key */
	struct fx_doc *made[KEYS * 40]; /* every document made, to free */
	size_t nmade;
};

static struct fx_doc *world_doc(struct world *w, uint64_t *rng, uint32_t key)
{
	struct fx_doc *d = nd_xcalloc(1, sizeof(*d));

	fx_doc_random(d, rng, &w->c.v, key, 6, 1 + fx_below(rng, 60));
	ND_ASSERT(w->nmade < ND_COUNT(w->made));
	w->made[w->nmade++] = d;
	return d;
}

static struct nd_index *world_rebuild(const struct world *w)
{
	struct fx_doc docs[KEYS];
	size_t n = 0;

	/* Another order than the updates used: order must not matter. */
	for (size_t k = KEYS; k-- > 0;)
		if (w->live[k])
			docs[n++] = *w->live[k];
	return fx_index(NULL, docs, n);
}

static void world_compare(const struct nd_index *idx, const struct world *w, uint64_t seed)
{
	struct nd_index *fresh = world_rebuild(w);
	struct nd_index_stats a, b;
	uint64_t rng = seed;
	struct fx_doc docs[KEYS];
	struct corpus c = w->c;

	/* Phrases are cut from live documents. */
	c.docs = docs;
	c.n = 0;
	for (size_t k = 0; k < KEYS; k++)
		if (w->live[k])
			docs[c.n++] = *w->live[k];

	nd_index_get_stats(idx, &a);
	nd_index_get_stats(fresh, &b);
	assert_int_equal(a.doc_count, b.doc_count);
	assert_int_equal(a.len_sum[0], b.len_sum[0]);
	assert_int_equal(a.len_sum[1], b.len_sum[1]);
	for (int i = 0; i < 30; i++) {
		struct rq r;
		struct nd_hits h1, h2;
		size_t k = ks[fx_below(&rng, ND_COUNT(ks))];

		random_query(&r, &rng, &c, true);
		r.q.exact_total = true;
		assert_int_equal(nd_index_search(idx, &r.q, k, NULL, &h1), 0);
		assert_int_equal(nd_index_search(fresh, &r.q, k, NULL, &h2), 0);
		if (!same_hits(&h1, &h2))
			fail_msg("query %d differs from a rebuild", i);
		assert_int_equal(h1.total, h2.total);
		free(h1.items);
		free(h2.items);
		/* df and idf agree too. */
		assert_int_equal(nd_index_df(idx, r.terms[0].term.p, r.terms[0].term.len),
		                 nd_index_df(fresh, r.terms[0].term.p, r.terms[0].term.len));
	}
	/* So do the forward views. */
	for (uint32_t key = 0; key < KEYS; key += 37) {
		struct nd_index_doc_info x, y;
		int rc = nd_index_doc_info(idx, key, NULL, &x);
		assert_int_equal(rc, nd_index_doc_info(fresh, key, NULL, &y) ? ND_ENOTFOUND : 0);
		assert_int_equal(rc == 0, w->live[key] != NULL);
		if (rc)
			continue;
		assert_int_equal(x.term_count, y.term_count);
		for (size_t i = 0; i < x.term_count; i++) {
			size_t j = 0;
			while (j < y.term_count && !nd_str_eq(x.terms[i].term, y.terms[j].term))
				j++;
			assert_true(j < y.term_count);
			assert_int_equal(x.terms[i].df, y.terms[j].df);
			assert_int_equal(x.terms[i].tf[1], y.terms[j].tf[1]);
			assert_true(x.terms[i].idf == y.terms[j].idf);
		}
		free(x.terms);
		free(y.terms);
	}
	nd_index_free(fresh);
}

static void test_incremental_equals_rebuild(void **state)
{
	struct world *w = nd_xcalloc(1, sizeof(*w));
	struct nd_index *idx = nd_index_new_empty(NULL);
	long live_before = nd_segment_live_count();
	uint64_t rng = 2024;
	size_t max_segments = 0;

	fx_vocab_init(&w->c.v, 800);
	for (int round = 0; round < 40; round++) {
		struct nd_index_writer *wr = nd_index_writer_new(idx);
		struct nd_index *next;
		struct nd_index_stats st;
		uint32_t ops = round == 0 ? 300 : 1 + fx_below(&rng, round % 5 ? 8 : 60);

		for (uint32_t i = 0; i < ops; i++) {
			uint32_t key = fx_below(&rng, KEYS), what = fx_below(&rng, 10);
			if (what < 7) { /* add or update */
				struct fx_doc *d = world_doc(w, &rng, key);
				struct nd_index_doc doc = fx_doc_view(d);
				assert_int_equal(nd_index_writer_add(wr, key, &doc), 0);
				w->live[key] = d;
			} else { /* delete, maybe then add again */
				nd_index_writer_delete(wr, key);
				w->live[key] = NULL;
				if (what == 9) {
					struct fx_doc *d = world_doc(w, &rng, key);
					struct nd_index_doc doc = fx_doc_view(d);
					assert_int_equal(nd_index_writer_add(wr, key, &doc), 0);
					w->live[key] = d;
				}
			}
		}
		assert_int_equal(nd_index_writer_commit(wr, &next), 0);
		nd_index_free(idx);
		idx = next;
		nd_index_get_stats(idx, &st);
		if (st.segment_count > max_segments)
			max_segments = st.segment_count;
		assert_true(st.segment_count <= ND_INDEX_MAX_SEGMENTS);
		if (round % 13 == 12) {
			assert_int_equal(nd_index_merge(idx, ND_INDEX_MERGE_ALL, &next), 0);
			nd_index_free(idx);
			idx = next;
			nd_index_get_stats(idx, &st);
			assert_true(st.segment_count <= 1);
			assert_int_equal(st.deleted_count, 0);
		}
		world_compare(idx, w, (uint64_t)round * 31 + 7);
	}
	/* The updates made several segments and deletion sets on the way. */
	assert_true(max_segments >= 3);
	nd_index_free(idx);
	assert_int_equal(nd_segment_live_count(), live_before);
	for (size_t i = 0; i < w->nmade; i++) {
		fx_doc_release(w->made[i]);
		free(w->made[i]);
	}
	fx_vocab_release(&w->c.v);
	free(w);
}

/* ------------------------------------------------------------------ */
/* Readers on a published value while a writer makes the next ones */

#define READERS 3

/* A published value and the generation it was made for: generation g
 * holds keys [g, g + 200), each with the word "all". */
struct pub {
	struct nd_index *idx;
	uint32_t gen;
};

struct shared {
	_Atomic(struct pub *) cur;
	atomic_uint seq[READERS]; /* odd while a reader is inside a read section */
	atomic_int stop;
	atomic_long failures;
	atomic_long reads;
	const struct corpus *c;
};

struct reader {
	struct shared *sh;
	int id;
};

static void *reader_main(void *arg)
{
	struct reader *r = arg;
	struct shared *sh = r->sh;
	uint64_t rng = 100 + (uint64_t)r->id;
	struct nd_query_term all[1] = {should("all", 1)};
	struct nd_query qall = {all, 1, NULL, 0, true};

	while (!atomic_load(&sh->stop)) {
		struct pub *p;
		struct nd_hits a = {0}, b = {0};
		struct nd_index_stats st;
		struct rq q;

		/* The read section: no lock, a counter the writer watches. */
		atomic_fetch_add(&sh->seq[r->id], 1);
		p = atomic_load(&sh->cur);
		random_query(&q, &rng, sh->c, true);
		if (nd_index_search(p->idx, &q.q, 10, NULL, &a) ||
		    nd_index_search_exhaustive(p->idx, &q.q, 10, NULL, &b))
			atomic_fetch_add(&sh->failures, 1);
		else if (a.count != b.count ||
		         (a.count && (a.items[0].key != b.items[0].key ||
		                      a.items[a.count - 1].score != b.items[b.count - 1].score)))
			atomic_fetch_add(&sh->failures, 1);
		free(a.items);
		free(b.items);
		nd_index_get_stats(p->idx, &st);
		if (st.doc_count != 200 || !nd_index_has_key(p->idx, p->gen) ||
		    nd_index_has_key(p->idx, p->gen + 200))
			atomic_fetch_add(&sh->failures, 1);
		if (nd_index_search(p->idx, &qall, 5, NULL, &a) || a.total != 200 ||
		    a.items[0].key < p->gen)
			atomic_fetch_add(&sh->failures, 1);
		free(a.items);
		atomic_fetch_add(&sh->seq[r->id], 1);
		atomic_fetch_add(&sh->reads, 1);
	}
	return NULL;
}

/* Waits until every reader that may hold the old value has left its read
 * section: the grace period liburcu's synchronize_rcu gives the server. */
static void grace_period(struct shared *sh)
{
	unsigned snap[READERS];

	for (int i = 0; i < READERS; i++)
		snap[i] = atomic_load(&sh->seq[i]);
	for (int i = 0; i < READERS; i++)
		while ((snap[i] & 1) && atomic_load(&sh->seq[i]) == snap[i])
			sched_yield();
}

static void test_concurrent_readers(void **state)
{
	struct corpus c;
	struct shared sh;
	struct reader rd[READERS];
	pthread_t th[READERS];
	struct pub *p = nd_xcalloc(1, sizeof(*p));
	long live_before = nd_segment_live_count();
	struct nd_index *empty = nd_index_new_empty(NULL);
	struct nd_index_writer *w = nd_index_writer_new(empty);
	uint64_t rng = 3;

	memset(&sh, 0, sizeof(sh));

	corpus_make(&c, 21, 400, 300, 40);
	/* Every document also holds "all" in its title. */
	for (size_t i = 0; i < c.n; i++) {
		c.docs[i].tok[0] =
		    nd_xrealloc(c.docs[i].tok[0], (c.docs[i].n[0] + 1) * sizeof(*c.docs[i].tok[0]));
		c.docs[i].tok[0][c.docs[i].n[0]] = (struct nd_index_token){
		    ND_STR_LIT("all"),
		    c.docs[i].n[0] ? c.docs[i].tok[0][c.docs[i].n[0] - 1].pos + 1 : 0};
		c.docs[i].n[0]++;
	}
	for (uint32_t k = 0; k < 200; k++) {
		struct nd_index_doc doc = fx_doc_view(&c.docs[k]);
		assert_int_equal(nd_index_writer_add(w, k, &doc), 0);
	}
	assert_int_equal(nd_index_writer_commit(w, &p->idx), 0);
	nd_index_free(empty);
	atomic_init(&sh.cur, p);
	sh.c = &c;
	for (int i = 0; i < READERS; i++) {
		rd[i] = (struct reader){&sh, i};
		assert_int_equal(pthread_create(&th[i], NULL, reader_main, &rd[i]), 0);
	}

	/* The writer: each generation drops the oldest key and adds the
	 * next, sometimes merging everything. */
	for (uint32_t g = 1; g <= 150; g++) {
		struct pub *old = atomic_load(&sh.cur), *np = nd_xcalloc(1, sizeof(*np));
		struct nd_index_doc doc = fx_doc_view(&c.docs[(g + 199) % c.n]);
		struct nd_index *next;

		w = nd_index_writer_new(old->idx);
		nd_index_writer_delete(w, g - 1);
		assert_int_equal(nd_index_writer_add(w, g + 199, &doc), 0);
		assert_int_equal(nd_index_writer_commit(w, &np->idx), 0);
		if (fx_below(&rng, 10) == 0) {
			assert_int_equal(nd_index_merge(np->idx, ND_INDEX_MERGE_ALL, &next), 0);
			nd_index_free(np->idx);
			np->idx = next;
		}
		np->gen = g;
		atomic_store(&sh.cur, np);
		grace_period(&sh);
		nd_index_free(old->idx);
		free(old);
	}
	/* Let the readers run on the last value for a while. */
	while (atomic_load(&sh.reads) < 300)
		sched_yield();
	atomic_store(&sh.stop, 1);
	for (int i = 0; i < READERS; i++)
		pthread_join(th[i], NULL);
	assert_int_equal(atomic_load(&sh.failures), 0);
	p = atomic_load(&sh.cur);
	nd_index_free(p->idx);
	free(p);
	assert_int_equal(nd_segment_live_count(), live_before);
	corpus_release(&c);
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_bm25_by_hand),
	    cmocka_unit_test(test_bm25_params),
	    cmocka_unit_test(test_required_and_excluded_terms),
	    cmocka_unit_test(test_phrases),
	    cmocka_unit_test(test_excluded_phrases),
	    cmocka_unit_test(test_excluded_phrases_segments),
	    cmocka_unit_test(test_bad_queries),
	    cmocka_unit_test(test_topk_equals_exhaustive),
	    cmocka_unit_test(test_topk_skips),
	    cmocka_unit_test(test_excluded_phrases_random),
	    cmocka_unit_test(test_incremental_equals_rebuild),
	    cmocka_unit_test(test_concurrent_readers),
	};

	/* One test alone: test_search test_phrases (a glob). */
	if (argc > 1)
		cmocka_set_test_filter(argv[1]);
	return cmocka_run_group_tests(tests, setup, NULL);
}
