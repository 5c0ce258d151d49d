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

	ph[0] = (struct nd_query_phrase){ny, NULL, 2};
	check_keys(idx, &q, "12");
	ph[0] = (struct nd_query_phrase){nny, NULL, 3};
	check_keys(idx, &q, "12");
	/* "bank of england" with the stop word dropped: offsets 0 and 2. */
	ph[0] = (struct nd_query_phrase){boe, gap2, 2};
	check_keys(idx, &q, "10 14");
	ph[0] = (struct nd_query_phrase){boe, NULL, 2};
	check_keys(idx, &q, "");
	/* Adjacent in the body of 11 and 15? 15 has them in different
	 * fields, which is no phrase. */
	ph[0] = (struct nd_query_phrase){eb, NULL, 2};
	check_keys(idx, &q, "11");
	ph[0] = (struct nd_query_phrase){one, NULL, 1};
	check_keys(idx, &q, "14");

	/* Two phrases, plus scored and excluded terms. */
	ph[0] = (struct nd_query_phrase){ny, NULL, 2};
	ph[1] = (struct nd_query_phrase){one, NULL, 1};
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

static void test_bad_queries(void **state)
{
	struct fx_doc docs[6];
	struct nd_index *idx = newsroom(docs);
	struct nd_query_term t[1] = {should("bank", 0)};
	struct nd_query_phrase ph[1] = {{NULL, NULL, 0}};
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
 * terms and a phrase cut from a random document. Strings point into the
 * vocabulary or the corpus. */
struct rq {
	struct nd_query q;
	struct nd_query_term terms[40];
	struct nd_query_phrase phrase;
	struct nd_str pterms[3];
	uint32_t offsets[3];
};

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
	if (ops && c->n && fx_below(rng, 6) == 0) {
		const struct fx_doc *d = &c->docs[fx_below(rng, (uint32_t)c->n)];
		int f = d->n[1] >= 3 ? 1 : 0;
		if (d->n[f] >= 3) {
			uint32_t len = 1 + fx_below(rng, 3),
			         at = fx_below(rng, (uint32_t)d->n[f] - 2);
			for (uint32_t j = 0; j < len; j++) {
				r->pterms[j] = d->tok[f][at + j].term;
				r->offsets[j] = d->tok[f][at + j].pos - d->tok[f][at].pos;
			}
			r->phrase = (struct nd_query_phrase){r->pterms, r->offsets, len};
			r->q.phrases = &r->phrase;
			r->q.phrase_count = 1;
		}
	}
}

static const size_t ks[] = {1, 3, 10, 50, 1000};

/* Runs queries random queries on idx both ways; returns how many
 * documents each way scored in full, summed. */
static void compare_random(const struct nd_index *idx, const struct corpus *c, uint64_t seed,
                           int queries, bool ops, uint64_t *scored_topk, uint64_t *scored_all)
{
	uint64_t rng = seed;

	for (int i = 0; i < queries; i++) {
		struct rq r;
		size_t k = ks[fx_below(&rng, ND_COUNT(ks))];
		struct nd_hits a, b;

		random_query(&r, &rng, c, ops);
		assert_int_equal(nd_index_search(idx, &r.q, k, NULL, &a), 0);
		assert_int_equal(nd_index_search_exhaustive(idx, &r.q, k, NULL, &b), 0);
		if (!same_hits(&a, &b))
			fail_msg("query %d (k %zu) differs", i, k);
		assert_true(b.total_exact);
		if (a.total_exact)
			assert_int_equal(a.total, b.total);
		else
			assert_true(a.total <= b.total && a.total >= a.count);
		if (r.q.exact_total || r.q.phrase_count)
			assert_true(a.total_exact);
		*scored_topk += a.scored;
		*scored_all += b.scored;
		free(a.items);
		free(b.items);
	}
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
		compare_random(idx, &c, cases[i].seed * 77, 300, false, &s1, &s2);
		compare_random(idx, &c, cases[i].seed * 79, 300, true, &s1, &s2);
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
	compare_random(idx, &c, 91, 200, false, &s1, &s2);
	print_message("scored in full: top-k %llu, exhaustive %llu\n", (unsigned long long)s1,
	              (unsigned long long)s2);
	assert_true(s1 * 3 < s2);
	nd_index_free(idx);
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
	    cmocka_unit_test(test_bad_queries),
	    cmocka_unit_test(test_topk_equals_exhaustive),
	    cmocka_unit_test(test_topk_skips),
	    cmocka_unit_test(test_incremental_equals_rebuild),
	    cmocka_unit_test(test_concurrent_readers),
	};

	/* One test alone: test_search test_phrases (a glob). */
	if (argc > 1)
		cmocka_set_test_filter(argv[1]);
	return cmocka_run_group_tests(tests, setup, NULL);
}
