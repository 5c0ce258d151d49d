#include "related/related.h"

#include <errno.h>
#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "core/arena.h"
#include "core/err.h"
#include "core/hash.h"
#include "core/mem.h"
#include "index/analyze.h"

/*
 * A weighted vector to take dot products with: the article's terms (and,
 * in the second stage, its nearest neighbours'). Terms come from the
 * index's forward views, whose bytes live in their segment's dictionary,
 * so within one segment one pointer is one term: a small table keyed by
 * pointer answers lookups without hashing bytes. With more than one
 * segment the same term has one pointer per segment, so a pointer not
 * seen yet falls back to the bytes, and the answer (also "absent") is
 * remembered under that pointer. All adds come before the first get (a
 * remembered "absent" is not revisited).
 */
struct qslot {
	const char *p; /* NULL: empty */
	size_t len;
	int32_t at; /* index into w, or -1: absent */
};

struct qvec {
	struct qslot *slots; /* open addressing by pointer, cap a power of two */
	size_t cap, used;
	struct nd_map bytes; /* term bytes -> at + 1 (more than one segment) */
	double *w;
	size_t n, w_cap;
	bool one_segment; /* a pointer not in the table is a term not in w */
};

static size_t ptr_hash(const char *p, size_t cap)
{
	uint64_t h = (uint64_t)(uintptr_t)p * 0x9E3779B97F4A7C15ull;

	return (size_t)(h >> 40) & (cap - 1);
}

static bool slot_is(const struct qslot *s, struct nd_str t)
{
	return s->p == t.p && s->len == t.len;
}

static void qvec_grow(struct qvec *q)
{
	size_t cap = q->cap ? q->cap * 2 : 256;
	struct qslot *slots = nd_xcalloc(cap, sizeof(*slots));

	for (size_t i = 0; i < q->cap; i++) {
		size_t j;

		if (!q->slots[i].p)
			continue;
		for (j = ptr_hash(q->slots[i].p, cap); slots[j].p; j = (j + 1) & (cap - 1))
			;
		slots[j] = q->slots[i];
	}
	free(q->slots);
	q->slots = slots;
	q->cap = cap;
}

/* The table's slot of t: where it is, or the empty one where it goes. */
static struct qslot *qvec_probe(struct qvec *q, struct nd_str t)
{
	size_t j;

	if (2 * (q->used + 1) > q->cap)
		qvec_grow(q);
	for (j = ptr_hash(t.p, q->cap); q->slots[j].p && !slot_is(&q->slots[j], t);
	     j = (j + 1) & (q->cap - 1))
		;
	return &q->slots[j];
}

/* Where t's bytes are in w, or -1. */
static int32_t qvec_by_bytes(const struct qvec *q, struct nd_str t)
{
	void *v = q->one_segment ? NULL : nd_map_get(&q->bytes, t.p, t.len);

	return v ? (int32_t)((uintptr_t)v - 1) : -1;
}

/* Adds w to term t's weight. */
static void qvec_add(struct qvec *q, struct nd_str t, double w)
{
	struct qslot *s = qvec_probe(q, t);

	if (!s->p) {
		*s = (struct qslot){t.p, t.len, qvec_by_bytes(q, t)};
		q->used++;
	}
	if (s->at < 0) {
		if (q->n == q->w_cap) {
			q->w_cap = q->w_cap ? 2 * q->w_cap : 128;
			q->w = nd_xrealloc(q->w, q->w_cap * sizeof(*q->w));
		}
		s->at = (int32_t)q->n;
		q->w[q->n++] = 0;
		if (!q->one_segment)
			nd_map_put(&q->bytes, t.p, t.len, (void *)(uintptr_t)(s->at + 1));
	}
	q->w[s->at] += w;
}

/* Term t's weight, 0 when absent. */
static double qvec_get(struct qvec *q, struct nd_str t)
{
	struct qslot *s;

	if (!q->cap)
		return 0;
	if (q->one_segment) {
		/* Read only: the table keeps just the vector's own terms. */
		for (size_t j = ptr_hash(t.p, q->cap); q->slots[j].p; j = (j + 1) & (q->cap - 1))
			if (slot_is(&q->slots[j], t))
				return q->w[q->slots[j].at];
		return 0;
	}
	s = qvec_probe(q, t);
	if (!s->p) {
		*s = (struct qslot){t.p, t.len, qvec_by_bytes(q, t)};
		q->used++;
	}
	return s->at < 0 ? 0 : q->w[s->at];
}

/* Where t's weight is in q->w, or -1 when absent. */
static int32_t qvec_at(struct qvec *q, struct nd_str t)
{
	struct qslot *s;

	if (!q->cap)
		return -1;
	if (q->one_segment) {
		for (size_t j = ptr_hash(t.p, q->cap); q->slots[j].p; j = (j + 1) & (q->cap - 1))
			if (slot_is(&q->slots[j], t))
				return q->slots[j].at;
		return -1;
	}
	s = qvec_probe(q, t);
	if (!s->p) {
		*s = (struct qslot){t.p, t.len, qvec_by_bytes(q, t)};
		q->used++;
	}
	return s->at;
}

static void qvec_release(struct qvec *q)
{
	free(q->slots);
	free(q->w);
	nd_map_release(&q->bytes);
}

/* An article's terms and their weights, unit length. */
struct vec {
	const struct nd_index_doc_term *t;
	double *w;
	size_t n;
};

/* The weight of a term: (1 + ln tf) * idf, title occurrences counting
 * title_boost body ones (a tf below 1 counts as itself). */
static double term_weight(const struct nd_related_params *p, const struct nd_index_doc_term *t)
{
	double tf = t->tf[ND_FIELD_TITLE] * p->title_boost + t->tf[ND_FIELD_BODY];

	if (tf <= 0)
		return 0;
	return (tf > 1 ? 1.0 + log(tf) : tf) * t->idf;
}

/* Loads the forward view of key as a unit vector; 0 or the error of
 * nd_index_doc_info. */
static int load_vec(const struct nd_index *idx, uint32_t key, const struct nd_related_params *p,
                    struct nd_arena *a, struct vec *v)
{
	struct nd_index_doc_info info;
	double norm = 0;
	int rc;

	v->n = 0;
	if ((rc = nd_index_doc_info(idx, key, a, &info)))
		return rc;
	v->t = info.terms;
	v->w = nd_arena_alloc(a, (info.term_count + 1) * sizeof(*v->w));
	v->n = info.term_count;
	for (size_t i = 0; i < v->n; i++) {
		v->w[i] = term_weight(p, &v->t[i]);
		norm += v->w[i] * v->w[i];
	}
	norm = sqrt(norm);
	for (size_t i = 0; norm > 0 && i < v->n; i++)
		v->w[i] /= norm;
	return 0;
}

/* The dot product of v with q. */
static double dot(const struct vec *v, struct qvec *q)
{
	double s = 0;

	for (size_t i = 0; i < v->n; i++)
		s += v->w[i] * qvec_get(q, v->t[i].term);
	return s;
}

/* A query term candidate: the source's term, weight and df. */
struct weighted {
	struct nd_str term;
	double w;
	uint64_t df;
};

static int by_weight(const void *x, const void *y)
{
	const struct weighted *a = x, *b = y;

	if (a->w != b->w)
		return a->w > b->w ? -1 : 1;
	/* Ties by bytes, so the query does not depend on hash order. */
	size_t n = a->term.len < b->term.len ? a->term.len : b->term.len;
	int c = memcmp(a->term.p, b->term.p, n);
	return c ? c : (a->term.len > b->term.len) - (a->term.len < b->term.len);
}

struct scored {
	uint32_t key;
	uint32_t at; /* index in the candidate arrays */
	double score;
};

static int by_score(const void *x, const void *y)
{
	const struct scored *a = x, *b = y;

	if (a->score != b->score)
		return a->score > b->score ? -1 : 1;
	return (a->key > b->key) - (a->key < b->key);
}

/* The duplicate cluster of key, 0 when none is known. */
static uint32_t cluster_of(const struct nd_related_hooks *hooks, uint32_t key)
{
	return hooks && hooks->cluster ? hooks->cluster(hooks->ctx, key) : 0;
}

/*
 * The second stage's expansion, into qv2: neighbour_share times the mean of
 * the vectors of the article's `neighbours` nearest candidates (sc, by
 * first-stage score), taken as the list would take them: none of the
 * article's copies, one per duplicate cluster.
 */
static void expand(const struct nd_related_params *p, const struct nd_related_hooks *hooks,
                   uint32_t key, const struct vec *vecs, const struct scored *sc, size_t nsc,
                   struct nd_arena *a, struct qvec *qv2)
{
	struct scored *first = nd_arena_alloc(a, (nsc + 1) * sizeof(*first));
	size_t want = p->neighbours < nsc ? p->neighbours : nsc, m = 0;
	uint32_t *taken = nd_arena_alloc(a, (want + 1) * sizeof(*taken));
	uint32_t own = cluster_of(hooks, key);

	memcpy(first, sc, nsc * sizeof(*sc));
	qsort(first, nsc, sizeof(*first), by_score);
	for (size_t j = 0; j < nsc && m < want; j++) {
		uint32_t cl = cluster_of(hooks, first[j].key);
		bool dup = cl && cl == own;

		for (size_t i = 0; cl && !dup && i < m; i++)
			dup = taken[i] == cl;
		if (dup)
			continue;
		taken[m] = cl;
		first[m++] = first[j];
	}
	for (size_t j = 0; j < m; j++) {
		const struct vec *v = &vecs[first[j].at];

		for (size_t i = 0; i < v->n; i++)
			qvec_add(qv2, v->t[i].term, p->neighbour_share / (double)m * v->w[i]);
	}
}

/*
 * The More-Like-This query of src into *out (from arena a): its heaviest
 * terms, at most query_terms, weighted as in the vector; ties by bytes, so
 * the query does not depend on the order of the forward view. The query
 * stops taking terms once their postings (document frequencies) add up to
 * max_postings, after at least MIN_TERMS: the cost of the query is the
 * postings it reads, and with a million articles 30 mid-frequency terms
 * are several hundred thousand of them, while the lighter terms add little
 * to which candidates come back (the cosine of the full vectors still
 * counts every term). Returns the count.
 */
#define MIN_TERMS 8

static size_t choose_terms(const struct nd_related_params *p, const struct vec *src,
                           struct nd_arena *a, struct nd_query_term **out)
{
	struct weighted *sorted = nd_arena_alloc(a, (src->n + 1) * sizeof(*sorted));
	size_t nq = 0, limit = src->n < p->query_terms ? src->n : p->query_terms;
	uint64_t postings = 0;

	for (size_t i = 0; i < src->n; i++)
		sorted[i] = (struct weighted){src->t[i].term, src->w[i], src->t[i].df};
	qsort(sorted, src->n, sizeof(*sorted), by_weight);
	*out = nd_arena_alloc(a, (limit + 1) * sizeof(**out));
	for (; nq < limit; nq++) {
		postings += sorted[nq].df;
		if (nq >= MIN_TERMS && postings > p->max_postings)
			break;
		(*out)[nq] = (struct nd_query_term){
		    sorted[nq].term, sorted[nq].w > 0 ? sorted[nq].w : 1e-9, ND_QUERY_SHOULD};
	}
	return nq;
}

int nd_related_query(const struct nd_index *idx, uint32_t key, const struct nd_related_params *p,
                     struct nd_arena *a, struct nd_query_term **terms, size_t *count)
{
	struct vec src;
	int rc;

	*terms = NULL;
	*count = 0;
	if ((rc = load_vec(idx, key, p, a, &src)))
		return rc;
	*count = choose_terms(p, &src, a, terms);
	return 0;
}

/*
 * The second stage's scores, into sc (cosine) and the candidates' dot
 * products with the expansion qv2, each of its terms weighted by
 * ((nsc + 1) / (df + 1))^local_idf, df the number of candidates that hold
 * the term: the words all the candidates share (the subject's) weigh
 * little, those of a few (the story's) much. One lookup per candidate term:
 * the first pass counts and remembers where each term is, the second adds.
 */
static void rescore(const struct nd_related_params *p, const struct vec *vecs, const double *cos1,
                    const double *bm25, struct scored *sc, size_t nsc, struct nd_arena *a,
                    struct qvec *qv2)
{
	int32_t **at = nd_arena_alloc(a, (nsc + 1) * sizeof(*at));
	uint32_t *df = nd_arena_alloc(a, (qv2->n + 1) * sizeof(*df));
	double *by_df = nd_arena_alloc(a, (nsc + 1) * sizeof(*by_df));

	memset(df, 0, qv2->n * sizeof(*df));
	for (size_t i = 0; i < nsc; i++) {
		const struct vec *v = &vecs[sc[i].at];

		at[i] = nd_arena_alloc(a, (v->n + 1) * sizeof(**at));
		for (size_t t = 0; t < v->n; t++)
			if ((at[i][t] = qvec_at(qv2, v->t[t].term)) >= 0)
				df[at[i][t]]++;
	}
	if (p->local_idf > 0) {
		/* df is at most nsc: one pow per value, not per term. */
		for (size_t d = 0; d <= nsc; d++)
			by_df[d] = pow(((double)nsc + 1) / ((double)d + 1), p->local_idf);
		for (size_t t = 0; t < qv2->n; t++)
			qv2->w[t] *= by_df[df[t]];
	}
	for (size_t i = 0; i < nsc; i++) {
		const struct vec *v = &vecs[sc[i].at];
		double s = cos1[sc[i].at];

		for (size_t t = 0; t < v->n; t++)
			if (at[i][t] >= 0)
				s += v->w[t] * qv2->w[at[i][t]];
		sc[i].score = p->cosine_share * s / (1 + p->neighbour_share) +
		              (1 - p->cosine_share) * bm25[sc[i].at];
	}
}

int nd_related_find(const struct nd_index *idx, uint32_t key, const struct nd_related_params *p,
                    const struct nd_related_hooks *hooks, size_t k, struct nd_arena *a,
                    struct nd_hits *out)
{
	struct nd_arena *tmp = nd_arena_new(64 * 1024);
	struct nd_index_stats st;
	struct qvec qv = {0}, qv2 = {0};
	struct vec src, *vecs;
	struct nd_query_term *q;
	struct nd_hits cand;
	struct scored *sc = NULL;
	double *bm25, *cos1, best_bm25 = 0;
	uint32_t *taken_clusters = NULL, own_cluster;
	size_t nq, nsc = 0, ntaken = 0;
	int rc;

	memset(out, 0, sizeof(*out));
	nd_index_get_stats(idx, &st);
	qv.one_segment = qv2.one_segment = st.segment_count <= 1;
	if ((rc = load_vec(idx, key, p, tmp, &src)))
		goto out;
	for (size_t i = 0; i < src.n; i++)
		qvec_add(&qv, src.t[i].term, src.w[i]);
	nq = choose_terms(p, &src, tmp, &q);
	{
		struct nd_query query = {q, nq, NULL, 0, false};
		if ((rc = nd_index_search(idx, &query, p->candidates + 1, tmp, &cand)))
			goto out;
	}
	for (size_t i = 0; i < cand.count; i++)
		if (cand.items[i].key != key && cand.items[i].score > best_bm25)
			best_bm25 = cand.items[i].score;
	bm25 = nd_arena_alloc(tmp, (cand.count + 1) * sizeof(*bm25));
	cos1 = nd_arena_alloc(tmp, (cand.count + 1) * sizeof(*cos1));
	sc = nd_xmalloc((cand.count + 1) * sizeof(*sc));
	vecs = nd_arena_alloc(tmp, (cand.count + 1) * sizeof(*vecs));
	for (size_t i = 0; i < cand.count; i++) {
		uint32_t c = cand.items[i].key;

		if (c == key || load_vec(idx, c, p, tmp, &vecs[nsc]))
			continue;
		bm25[nsc] = best_bm25 > 0 ? cand.items[i].score / best_bm25 : 0;
		cos1[nsc] = dot(&vecs[nsc], &qv);
		/* First stage: cosine with the source, blended with BM25. */
		sc[nsc] = (struct scored){c, (uint32_t)nsc,
		                          p->cosine_share * cos1[nsc] +
		                              (1 - p->cosine_share) * bm25[nsc]};
		nsc++;
	}
	if (p->neighbours && p->neighbour_share > 0 && nsc) {
		/* Second stage: cosine with the source plus the dot product with the
		 * expansion, over 1 + neighbour_share. */
		expand(p, hooks, key, vecs, sc, nsc, tmp, &qv2);
		rescore(p, vecs, cos1, bm25, sc, nsc, tmp, &qv2);
	}
	for (size_t i = 0; hooks && hooks->boost && i < nsc; i++)
		sc[i].score *= hooks->boost(hooks->ctx, sc[i].key);
	qsort(sc, nsc, sizeof(*sc), by_score);

	out->items = a ? nd_arena_alloc(a, (k + 1) * sizeof(*out->items))
	               : nd_xcalloc(k + 1, sizeof(*out->items));
	taken_clusters = nd_xmalloc((k + 1) * sizeof(*taken_clusters));
	own_cluster = cluster_of(hooks, key);
	for (size_t i = 0; i < nsc && out->count < k; i++) {
		uint32_t cl = cluster_of(hooks, sc[i].key);
		bool dup = cl && cl == own_cluster;

		for (size_t j = 0; cl && !dup && j < ntaken; j++)
			dup = taken_clusters[j] == cl;
		if (dup)
			continue;
		if (cl)
			taken_clusters[ntaken++] = cl;
		out->items[out->count++] = (struct nd_hit){sc[i].key, sc[i].score};
	}
	out->total = nsc;
	out->total_exact = false;
out:
	free(taken_clusters);
	free(sc);
	qvec_release(&qv);
	qvec_release(&qv2);
	nd_arena_free(tmp);
	return rc;
}

int nd_related_param_set(struct nd_related_params *p, const char *spec)
{
	static const struct {
		const char *name;
		bool whole; /* a count, else a real number */
		double min, max;
	} known[] = {
	    {"query_terms", true, 1, 1000}, {"candidates", true, 1, 10000},
	    {"title_boost", false, 0, 100}, {"cosine_share", false, 0, 1},
	    {"neighbours", true, 0, 1000},  {"neighbour_share", false, 0, 100},
	    {"local_idf", false, 0, 10},    {"max_postings", true, 1, 1e12},
	};
	const char *eq = strchr(spec, '=');
	size_t name_len = eq ? (size_t)(eq - spec) : 0;
	char *end;
	double v;

	for (size_t i = 0; eq && i < sizeof(known) / sizeof(known[0]); i++) {
		if (strlen(known[i].name) != name_len || strncmp(spec, known[i].name, name_len))
			continue;
		errno = 0;
		v = strtod(eq + 1, &end);
		if (errno || end == eq + 1 || *end || !(v >= known[i].min && v <= known[i].max) ||
		    (known[i].whole && v != (double)(size_t)v))
			return nd_error(
			    ND_EINVAL, "Related parameter %s must be %s from %g to %g, not '%s'",
			    known[i].name, known[i].whole ? "a whole number" : "a number",
			    known[i].min, known[i].max, eq + 1);
		switch (i) {
		case 0: p->query_terms = (size_t)v; break;
		case 1: p->candidates = (size_t)v; break;
		case 2: p->title_boost = v; break;
		case 3: p->cosine_share = v; break;
		case 4: p->neighbours = (size_t)v; break;
		case 5: p->neighbour_share = v; break;
		case 6: p->local_idf = v; break;
		default: p->max_postings = (uint64_t)v; break;
		}
		return 0;
	}
	return nd_error(
	    ND_EINVAL,
	    "a Related parameter is NAME=VALUE with NAME one of query_terms, candidates, "
	    "title_boost, cosine_share, neighbours, neighbour_share, local_idf, max_postings; not "
	    "'%s'",
	    spec);
}

struct collect {
	struct nd_arena *a;
	struct nd_index_token *tokens;
	size_t count, cap;
	uint32_t base; /* position offset */
	size_t cut;    /* the lede's end, in bytes */
	size_t nlede;  /* tokens that start before cut */
};

static void push(struct collect *c, const struct nd_term *t)
{
	if (c->count == c->cap) {
		size_t cap = c->cap ? c->cap * 2 : 256;
		struct nd_index_token *n = nd_arena_alloc(c->a, cap * sizeof(*n));
		if (c->count)
			memcpy(n, c->tokens, c->count * sizeof(*n));
		c->tokens = n;
		c->cap = cap;
	}
	c->tokens[c->count++] = (struct nd_index_token){
	    {nd_arena_strndup(c->a, t->p, t->len), t->len}, c->base + t->pos};
}

static void add_token(void *ctx, const struct nd_term *t)
{
	struct collect *c = ctx;

	c->nlede += t->start < c->cut;
	push(c, t);
}

/*
 * Where the lede, the body's first sentence, ends: after the first '.',
 * '!' or '?' followed by white space, or at the end. Naive about
 * abbreviations ("U.S. officials"), which only makes a lede shorter; the
 * caller also caps it at LEDE_MAX tokens.
 */
static size_t lede_end(const char *b, size_t n)
{
	for (size_t i = 0; i + 1 < n; i++)
		if ((b[i] == '.' || b[i] == '!' || b[i] == '?') &&
		    (b[i + 1] == ' ' || b[i + 1] == '\n' || b[i + 1] == '\t' || b[i + 1] == '\r'))
			return i + 1;
	return n;
}

#define LEDE_MAX 60 /* tokens */

void nd_related_doc(struct nd_analyzer *an, const char *title, size_t title_len, const char *body,
                    size_t body_len, struct nd_arena *a, struct nd_index_doc *out)
{
	struct collect c = {a, NULL, 0, 0, 0, 0, 0};
	const struct nd_index_token *head;
	struct nd_index_token *t;
	size_t nhead, nlede;
	uint32_t used;

	used = nd_analyze(an, title, title_len, 0, add_token, &c);
	head = c.tokens;
	nhead = c.count;
	c = (struct collect){a, NULL, 0, 0, used + 1, lede_end(body, body_len), 0};
	nd_analyze(an, body, body_len, 0, add_token, &c);
	out->tokens[ND_FIELD_BODY] = c.tokens;
	out->count[ND_FIELD_BODY] = c.count;
	/*
	 * The headline field holds the headline and the lede: a news story
	 * puts what tells it apart (who, where, when) in its first sentence,
	 * and later paragraphs the background it shares with its sibling
	 * stories. The lede's tokens keep their body positions, so no phrase
	 * spans the headline and the lede.
	 */
	nlede = c.nlede < LEDE_MAX ? c.nlede : LEDE_MAX;
	t = nd_arena_alloc(a, (nhead + nlede + 1) * sizeof(*t));
	if (nhead)
		memcpy(t, head, nhead * sizeof(*t));
	if (nlede)
		memcpy(t + nhead, c.tokens, nlede * sizeof(*t));
	out->tokens[ND_FIELD_TITLE] = t;
	out->count[ND_FIELD_TITLE] = nhead + nlede;
}
