#pragma once
/*
 * Related: for one article, the others about the same story or subject,
 * computed from the text (docs/internals/related.md).
 *
 * 1. A More-Like-This query: the article's most distinctive terms (tf-idf,
 *    title occurrences weighted by title_boost) as weighted SHOULD terms, top-k by BM25F with
 *    skipping (index/search.h) gives the candidates.
 * 2. Each candidate is rescored by the cosine of the two articles' full
 *    tf-idf vectors (symmetric, length-normalised: what separates "the same
 *    story" from "a long article that mentions the words"), blended with the
 *    normalised BM25 score.
 * 3. Second stage: the article's vector plus a share of the mean vector of
 *    its few nearest candidates (Rocchio with pseudo-relevance feedback,
 *    over the vectors already loaded: no second query; the neighbours are
 *    taken as the list takes them, folded) rescores the candidates the same
 *    way; each term the neighbours add is weighted by its rarity among the
 *    candidates ((candidates + 1) / (df + 1))^local_idf, so the feedback
 *    brings the story's own words rather than the subject's, which all the
 *    candidates share; then the optional caller boost (freshness, section)
 *    multiplies the score.
 * 4. Near-duplicates fold: a candidate in the same duplicate cluster as the
 *    article, or as a candidate already taken, is skipped.
 */
#include <stddef.h>
#include <stdint.h>

#include "index/search.h"

struct nd_arena;
struct nd_analyzer;

struct nd_related_params {
	size_t query_terms;     /* terms in the More-Like-This query */
	size_t candidates;      /* BM25 candidates rescored */
	double title_boost;     /* a title occurrence counts this many body ones */
	double cosine_share;    /* blend: share * cosine + (1 - share) * bm25 / best */
	size_t neighbours;      /* nearest candidates that expand the vector (0: none) */
	double neighbour_share; /* their mean vector's weight next to the article's */
	double local_idf;       /* exponent of the candidates' idf on neighbour terms (0: none) */
	uint64_t max_postings;  /* the query stops adding terms past this many postings */
};

/*
 * Tuned with `newsdesk eval related` on ECB+ and Reuters-21578, the same
 * values for both (what else was tried: docs/internals/related.md): 25
 * query terms (Lucene's More-Like-This default too; 30 measure the same and
 * cost 12 % more), at most 200,000 postings, 50 candidates, a title occurrence at a quarter of a
 * body one (Reuters headlines are capitalised codes; ECB titles repeat the lede), pure cosine, 3
 * neighbours at share 0.5, their terms weighted by the candidates' idf to the power 0.6.
 */
#define ND_RELATED_PARAMS_DEFAULT                                                                  \
	((struct nd_related_params){.query_terms = 25,                                             \
	                            .candidates = 50,                                              \
	                            .title_boost = 0.25,                                           \
	                            .cosine_share = 1.0,                                           \
	                            .neighbours = 3,                                               \
	                            .neighbour_share = 0.5,                                        \
	                            .local_idf = 0.6,                                              \
	                            .max_postings = 200000})

/*
 * Sets one parameter from "NAME=VALUE", NAME a field of nd_related_params
 * ("query_terms", "title_boost", ...), for tuning from a command line.
 * ND_EINVAL (logged, naming what was wrong) for an unknown name or a value
 * out of range; *p is then unchanged.
 */
int nd_related_param_set(struct nd_related_params *p, const char *spec);

/* Multiplies a candidate's score (freshness, section); ctx is the caller's. */
typedef double (*nd_related_boost_fn)(void *ctx, uint32_t key);
/* The duplicate cluster of a key (0: none known); equal ids fold. */
typedef uint32_t (*nd_related_cluster_fn)(void *ctx, uint32_t key);

struct nd_related_hooks {
	nd_related_boost_fn boost;     /* NULL: 1.0 */
	nd_related_cluster_fn cluster; /* NULL: no folding */
	void *ctx;
};

/*
 * The k articles most related to key in idx, best first, never key itself
 * nor one of its duplicates, and at most one per duplicate cluster.
 * out->items come from arena a (NULL: the heap; the caller frees them).
 * Errors: ND_ENOTFOUND when key is not in idx; those of nd_index_search.
 */
int nd_related_find(const struct nd_index *idx, uint32_t key, const struct nd_related_params *p,
                    const struct nd_related_hooks *hooks, size_t k, struct nd_arena *a,
                    struct nd_hits *out);

/*
 * Step 1 on its own: the More-Like-This query nd_related_find makes for
 * key, heaviest first, into *terms (from arena a, not NULL; the term bytes
 * are idx's) and *count. For benchmarks that give another engine the same
 * query. Errors: ND_ENOTFOUND when key is not in idx.
 */
int nd_related_query(const struct nd_index *idx, uint32_t key, const struct nd_related_params *p,
                     struct nd_arena *a, struct nd_query_term **terms, size_t *count);

/*
 * Analyses an article's title and body with an (one per thread) into an
 * index document, term bytes copied into arena a (not NULL). The title
 * field holds the headline and the lede (the body's first sentence, at
 * most 60 tokens: where a story says what sets it apart); the body field
 * the whole body. Body positions continue after the title's, and the
 * lede's copies keep their body positions.
 */
void nd_related_doc(struct nd_analyzer *an, const char *title, size_t title_len, const char *body,
                    size_t body_len, struct nd_arena *a, struct nd_index_doc *out);
