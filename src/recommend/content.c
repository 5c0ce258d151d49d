/*
 * Content: tf-idf vectors of the articles from the search index, and the
 * cosine of a candidate to the reader's recent history (content.h).
 */
#include "recommend/content.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/arena.h"
#include "core/hash.h"
#include "core/mem.h"
#include "index/analyze.h"
#include "index/index.h"
#include "related/related.h"

#define NONE UINT32_MAX

struct nd_recs_content {
	size_t n_items;
	uint32_t *article; /* item number -> vector, or NONE */
	size_t *start;     /* vector v: terms[start[v] .. start[v + 1]) */
	uint32_t *terms;   /* term numbers, ascending within a vector */
	double *weights;   /* unit length per vector */
	size_t count, cap; /* of terms and weights */
	size_t n_vectors;
};

/* A vector's entries while it is built. */
struct entry {
	uint32_t term;
	double w;
};

static int by_term(const void *a, const void *b)
{
	const struct entry *x = a, *y = b;

	return (x->term > y->term) - (x->term < y->term);
}

/* The distinct articles of a and b, by id: a's row wins. */
static size_t collect(const struct nd_mind_log *a, const struct nd_mind_log *b, struct nd_map *seen,
                      const struct nd_mind_article **out)
{
	const struct nd_mind_log *logs[2] = {a, b};
	size_t n = 0;

	for (int l = 0; l < 2; l++)
		for (size_t i = 0; logs[l] && i < logs[l]->news; i++) {
			const struct nd_mind_article *r = &logs[l]->articles[i];

			if (nd_map_get(seen, r->id, strlen(r->id)))
				continue;
			nd_map_put(seen, r->id, strlen(r->id), (void *)(uintptr_t)(n + 1));
			out[n++] = r;
		}
	return n;
}

static struct nd_index *index_articles(const struct nd_mind_article **arts, size_t n)
{
	struct nd_analyzer *an = nd_analyzer_new("en");
	struct nd_index *empty = nd_index_new_empty(NULL), *idx = NULL;
	struct nd_index_writer *w = nd_index_writer_new(empty);

	for (size_t i = 0; i < n; i++) {
		struct nd_arena *ar = nd_arena_new(16 * 1024);
		struct nd_index_doc doc;

		nd_related_doc(an, arts[i]->title, strlen(arts[i]->title), arts[i]->abstract,
		               strlen(arts[i]->abstract), ar, &doc);
		/* An article with no word is simply not in the index. */
		if (doc.count[ND_FIELD_TITLE] || doc.count[ND_FIELD_BODY])
			nd_index_writer_add(w, (uint32_t)i + 1, &doc);
		nd_arena_free(ar);
	}
	if (nd_index_writer_commit(w, &idx))
		idx = nd_index_new_empty(NULL);
	nd_index_free(empty);
	nd_analyzer_free(an);
	return idx;
}

/* Appends entries e[0..n) as the next vector, sorted and of unit length. */
static void add_vector(struct nd_recs_content *ct, struct entry *e, size_t n)
{
	double norm = 0;

	qsort(e, n, sizeof(*e), by_term);
	for (size_t i = 0; i < n; i++)
		norm += e[i].w * e[i].w;
	norm = sqrt(norm);
	if (ct->count + n > ct->cap) {
		ct->cap = 2 * (ct->count + n);
		ct->terms = nd_xrealloc(ct->terms, ct->cap * sizeof(*ct->terms));
		ct->weights = nd_xrealloc(ct->weights, ct->cap * sizeof(*ct->weights));
	}
	for (size_t i = 0; i < n; i++) {
		ct->terms[ct->count] = e[i].term;
		ct->weights[ct->count++] = norm > 0 ? e[i].w / norm : 0;
	}
	ct->start[++ct->n_vectors] = ct->count;
}

/*
 * The section terms: "\x01" category and "\x02" subcategory (bytes no
 * analysed word holds), numbered by terms, with their document frequency.
 */
static void section_terms(const struct nd_mind_article **arts, size_t n, struct nd_mind_ids *terms,
                          uint32_t *sec, uint64_t **df)
{
	size_t cap = 0;

	*df = NULL;
	for (size_t i = 0; i < n; i++)
		for (int s = 0; s < 2; s++) {
			const char *name = s ? arts[i]->subcategory : arts[i]->category;
			char key[256];
			size_t len = strlen(name);

			if (!len || len >= sizeof(key) - 1) {
				sec[2 * i + s] = NONE;
				continue;
			}
			key[0] = (char)(1 + s);
			memcpy(key + 1, name, len);
			sec[2 * i + s] = nd_mind_ids_intern(terms, key, len + 1);
			if (sec[2 * i + s] >= cap) {
				size_t old = cap;

				cap = 2 * (sec[2 * i + s] + 1);
				*df = nd_xrealloc(*df, cap * sizeof(**df));
				memset(*df + old, 0, (cap - old) * sizeof(**df));
			}
			(*df)[sec[2 * i + s]]++;
		}
}

/*
 * BM25's idf (as nd_index_idf()) of a section term held by df of the n
 * articles: over all of them, as an article without words is not in the
 * index but still has a section.
 */
static double section_idf(size_t n, uint64_t df)
{
	return log(1 + ((double)n - (double)df + 0.5) / ((double)df + 0.5));
}

struct nd_recs_content *nd_recs_content_new(const struct nd_mind_log *a,
                                            const struct nd_mind_log *b,
                                            const struct nd_mind_ids *items)
{
	struct nd_recs_content *ct = nd_xcalloc(1, sizeof(*ct));
	size_t max = a->news + (b ? b->news : 0), n;
	const struct nd_mind_article **arts = nd_xmalloc((max + 1) * sizeof(*arts));
	struct nd_map seen = ND_MAP_INIT;
	struct nd_mind_ids *terms = nd_mind_ids_new();
	uint32_t *sec = nd_xmalloc((2 * max + 1) * sizeof(*sec));
	uint64_t *df;
	struct nd_index *idx;

	n = collect(a, b, &seen, arts);
	idx = index_articles(arts, n);
	section_terms(arts, n, terms, sec, &df);
	ct->start = nd_xcalloc(n + 1, sizeof(*ct->start));
	for (size_t i = 0; i < n; i++) {
		struct nd_index_doc_info info = {0};
		struct entry *e;
		size_t k = 0;

		if (nd_index_doc_info(idx, (uint32_t)i + 1, NULL, &info))
			info.term_count = 0;
		e = nd_xmalloc((info.term_count + 2) * sizeof(*e));
		for (size_t t = 0; t < info.term_count; t++) {
			const struct nd_index_doc_term *d = &info.terms[t];
			uint32_t tf = d->tf[ND_FIELD_TITLE] + d->tf[ND_FIELD_BODY];

			e[k].term = nd_mind_ids_intern(terms, d->term.p, d->term.len);
			e[k++].w = (1 + log(tf)) * d->idf;
		}
		for (int s = 0; s < 2; s++)
			if (sec[2 * i + s] != NONE) {
				e[k].term = sec[2 * i + s];
				e[k++].w = section_idf(n, df[sec[2 * i + s]]);
			}
		add_vector(ct, e, k);
		free(e);
		free(info.terms);
	}
	ct->n_items = nd_mind_ids_count(items);
	ct->article = nd_xmalloc((ct->n_items + 1) * sizeof(*ct->article));
	for (size_t i = 0; i < ct->n_items; i++) {
		const char *name = nd_mind_ids_name(items, (uint32_t)i);
		void *v = nd_map_get(&seen, name, strlen(name));

		ct->article[i] = v ? (uint32_t)((uintptr_t)v - 1) : NONE;
	}
	nd_index_free(idx);
	nd_mind_ids_free(terms);
	nd_map_release(&seen);
	free(df);
	free(sec);
	free(arts);
	return ct;
}

void nd_recs_content_free(struct nd_recs_content *ct)
{
	if (!ct)
		return;
	free(ct->article);
	free(ct->start);
	free(ct->terms);
	free(ct->weights);
	free(ct);
}

int nd_recs_content_known(const struct nd_recs_content *ct, uint32_t item)
{
	return item < ct->n_items && ct->article[item] != NONE;
}

/* The dot product of vectors u and v (merge of two sorted lists). */
static double dot(const struct nd_recs_content *ct, uint32_t u, uint32_t v)
{
	size_t i = ct->start[u], j = ct->start[v];
	double s = 0;

	while (i < ct->start[u + 1] && j < ct->start[v + 1]) {
		if (ct->terms[i] < ct->terms[j])
			i++;
		else if (ct->terms[i] > ct->terms[j])
			j++;
		else
			s += ct->weights[i++] * ct->weights[j++];
	}
	return s;
}

double nd_recs_content_similarity(const struct nd_recs_content *ct, uint32_t a, uint32_t b)
{
	if (!nd_recs_content_known(ct, a) || !nd_recs_content_known(ct, b))
		return 0;
	return dot(ct, ct->article[a], ct->article[b]);
}

double nd_recs_content_score(const void *model, const struct nd_mind_impression *imp, uint32_t item)
{
	const struct nd_recs_content *ct = model;
	uint32_t h[ND_RECS_CONTENT_HISTORY];
	size_t n = 0;
	double num = 0, norm = 0;

	if (!nd_recs_content_known(ct, item))
		return 0;
	for (uint32_t j = imp->n_history; j-- > 0 && n < ND_RECS_CONTENT_HISTORY;)
		if (nd_recs_content_known(ct, imp->history[j]))
			h[n++] = ct->article[imp->history[j]];
	/*
	 * cos(c, sum h) = sum c.h / |sum h|, and |sum h|^2 = sum over pairs of
	 * h.h': no profile vector to build, at n^2 dot products (n is small:
	 * the history items with a row).
	 */
	for (size_t i = 0; i < n; i++) {
		num += dot(ct, ct->article[item], h[i]);
		for (size_t j = 0; j < n; j++)
			norm += dot(ct, h[i], h[j]);
	}
	return norm > 0 ? num / sqrt(norm) : 0;
}
