#include "related/related.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/arena.h"
#include "core/err.h"
#include "core/hash.h"
#include "core/mem.h"
#include "index/analyze.h"

/* A term of the source article with its tf-idf weight. */
struct weighted {
	struct nd_str term;
	double w;
};

static double term_weight(const struct nd_index_doc_term *t, double title_boost)
{
	double tf = t->tf[ND_FIELD_TITLE] * title_boost + t->tf[ND_FIELD_BODY];

	return tf > 0 ? (1.0 + log(tf)) * t->idf : 0.0;
}

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

/* A candidate's tf-idf vector, unit length. */
struct vec {
	struct weighted *t;
	size_t n;
};

static void load_vec(const struct nd_index *idx, uint32_t key, double title_boost,
                     struct nd_arena *a, struct vec *v)
{
	struct nd_index_doc_info info;
	double norm = 0;

	v->n = 0;
	v->t = NULL;
	if (nd_index_doc_info(idx, key, a, &info))
		return;
	v->t = nd_arena_alloc(a, (info.term_count + 1) * sizeof(*v->t));
	for (size_t i = 0; i < info.term_count; i++) {
		double w = term_weight(&info.terms[i], title_boost);
		v->t[v->n++] = (struct weighted){info.terms[i].term, w};
		norm += w * w;
	}
	norm = sqrt(norm);
	for (size_t i = 0; norm > 0 && i < v->n; i++)
		v->t[i].w /= norm;
}

/* The dot product of v with the vector held in map (term -> weighted). */
static double dot(const struct vec *v, const struct nd_map *map)
{
	double d = 0;

	for (size_t i = 0; i < v->n; i++) {
		const struct weighted *s = nd_map_get(map, v->t[i].term.p, v->t[i].term.len);
		if (s)
			d += v->t[i].w * s->w;
	}
	return d;
}

struct scored {
	uint32_t key;
	double score;
};

static int by_score(const void *x, const void *y)
{
	const struct scored *a = x, *b = y;

	if (a->score != b->score)
		return a->score > b->score ? -1 : 1;
	return (a->key > b->key) - (a->key < b->key);
}

int nd_related_find(const struct nd_index *idx, uint32_t key, const struct nd_related_params *p,
                    const struct nd_related_hooks *hooks, size_t k, struct nd_arena *a,
                    struct nd_hits *out)
{
	struct nd_arena *tmp = nd_arena_new(64 * 1024);
	struct nd_index_doc_info info;
	struct weighted *terms = NULL;
	struct nd_query_term *q = NULL;
	struct nd_map src = ND_MAP_INIT;
	struct nd_hits cand;
	struct scored *sc = NULL;
	struct vec *vecs;
	double *bm25;
	uint32_t *taken_clusters = NULL;
	size_t nq, nsc = 0, ntaken = 0;
	double norm = 0, best_bm25 = 0;
	uint32_t own_cluster;
	int rc;

	memset(out, 0, sizeof(*out));
	if ((rc = nd_index_doc_info(idx, key, tmp, &info)))
		goto out;
	terms = nd_xmalloc((info.term_count + 1) * sizeof(*terms));
	for (size_t i = 0; i < info.term_count; i++) {
		terms[i].term = info.terms[i].term;
		terms[i].w = term_weight(&info.terms[i], p->title_boost);
		norm += terms[i].w * terms[i].w;
		nd_map_put(&src, terms[i].term.p, terms[i].term.len, &terms[i]);
	}
	norm = sqrt(norm);
	/* The map points into terms: sort a copy for the query. */
	nq = info.term_count < p->query_terms ? info.term_count : p->query_terms;
	{
		struct weighted *sorted =
		    nd_arena_alloc(tmp, (info.term_count + 1) * sizeof(*sorted));
		memcpy(sorted, terms, info.term_count * sizeof(*sorted));
		qsort(sorted, info.term_count, sizeof(*sorted), by_weight);
		q = nd_arena_alloc(tmp, (nq + 1) * sizeof(*q));
		for (size_t i = 0; i < nq; i++)
			q[i] = (struct nd_query_term){
			    sorted[i].term, sorted[i].w > 0 ? sorted[i].w : 1e-9, ND_QUERY_SHOULD};
	}
	{
		struct nd_query query = {q, nq, NULL, 0, false};
		if ((rc = nd_index_search(idx, &query, p->candidates + 1, tmp, &cand)))
			goto out;
	}
	for (size_t i = 0; i < cand.count; i++)
		if (cand.items[i].key != key && cand.items[i].score > best_bm25)
			best_bm25 = cand.items[i].score;
	bm25 = nd_arena_alloc(tmp, (cand.count + 1) * sizeof(*bm25));
	sc = nd_xmalloc((cand.count + 1) * sizeof(*sc));
	vecs = nd_arena_alloc(tmp, (cand.count + 1) * sizeof(*vecs));
	/* The source vector at unit length, in the map. */
	for (size_t i = 0; norm > 0 && i < info.term_count; i++)
		terms[i].w /= norm;
	for (size_t i = 0; i < cand.count; i++) {
		uint32_t c = cand.items[i].key;

		if (c == key)
			continue;
		load_vec(idx, c, p->title_boost, tmp, &vecs[nsc]);
		sc[nsc] = (struct scored){c, dot(&vecs[nsc], &src)};
		bm25[nsc] = best_bm25 > 0 ? cand.items[i].score / best_bm25 : 0;
		nsc++;
	}
	for (size_t i = 0; i < nsc; i++) {
		sc[i].score = p->cosine_share * sc[i].score + (1 - p->cosine_share) * bm25[i];
		if (hooks && hooks->boost)
			sc[i].score *= hooks->boost(hooks->ctx, sc[i].key);
	}
	qsort(sc, nsc, sizeof(*sc), by_score);

	out->items = a ? nd_arena_alloc(a, (k + 1) * sizeof(*out->items))
	               : nd_xcalloc(k + 1, sizeof(*out->items));
	taken_clusters = nd_xmalloc((k + 1) * sizeof(*taken_clusters));
	own_cluster = hooks && hooks->cluster ? hooks->cluster(hooks->ctx, key) : 0;
	for (size_t i = 0; i < nsc && out->count < k; i++) {
		uint32_t cl = hooks && hooks->cluster ? hooks->cluster(hooks->ctx, sc[i].key) : 0;
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
	free(terms);
	nd_map_release(&src);
	nd_arena_free(tmp);
	return rc;
}

struct collect {
	struct nd_arena *a;
	struct nd_index_token *tokens;
	size_t count, cap;
	uint32_t base; /* position offset */
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
	push(ctx, t);
}

void nd_related_doc(struct nd_analyzer *an, const char *title, size_t title_len, const char *body,
                    size_t body_len, struct nd_arena *a, struct nd_index_doc *out)
{
	struct collect c = {a, NULL, 0, 0, 0};
	uint32_t used;

	used = nd_analyze(an, title, title_len, 0, add_token, &c);
	out->tokens[ND_FIELD_TITLE] = c.tokens;
	out->count[ND_FIELD_TITLE] = c.count;
	c = (struct collect){a, NULL, 0, 0, used + 1};
	nd_analyze(an, body, body_len, 0, add_token, &c);
	out->tokens[ND_FIELD_BODY] = c.tokens;
	out->count[ND_FIELD_BODY] = c.count;
}
