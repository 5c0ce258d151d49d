#pragma once
/*
 * Searching an index value: BM25F-scored top-k retrieval that skips
 * (block-max MaxScore), and an exhaustive scorer with the same results for
 * tests and benchmarks (docs/internals/index.md). Both only read the
 * value, so any number of threads may search one value at once, with no
 * lock, while a writer makes the next.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/str.h"
#include "index/index.h"

/* Most terms a query may hold, the terms of its phrases (excluded ones
 * too) included. */
#define ND_QUERY_TERMS_MAX 1024

enum nd_query_op {
	ND_QUERY_SHOULD, /* scored; a document needs one when the query has no
	                    MUST term and no phrase */
	ND_QUERY_MUST,   /* scored and required */
	ND_QUERY_NOT,    /* excluded: no document holding it matches */
};

/* A query term: analysed bytes, a weight (More-Like-This weights its
 * terms; search uses 1.0) and what it does. */
struct nd_query_term {
	struct nd_str term;
	double weight; /* > 0 and finite for SHOULD and MUST; ignored for NOT */
	enum nd_query_op op;
};

/*
 * A phrase constraint: terms[i] must sit at position p + offsets[i] of one
 * field, for some p (offsets NULL: 0, 1, 2, ...; with stop words removed,
 * "bank of england" is {bank, england} at offsets {0, 2}). A phrase is
 * required but not scored: add its terms as MUST or SHOULD terms to score
 * them. An excluded phrase (exclude set, the NOT of a phrase) is the
 * opposite: no document where it occurs matches, while one holding its
 * terms only apart still does; its terms are never scored and need not be
 * query terms. A document's positions are read for an excluded phrase only
 * when it holds every one of the phrase's terms.
 */
struct nd_query_phrase {
	const struct nd_str *terms;
	const uint32_t *offsets;
	size_t count; /* at least 1 */
	bool exclude; /* false: required; true: excluded */
};

/*
 * A query. A document matches when it holds every MUST term and every
 * required phrase, no NOT term and no excluded phrase, and, when there is
 * no MUST term and no required phrase, at least one SHOULD term (so a
 * query of only NOT terms and excluded phrases matches nothing). Its
 * score is the sum over the scored terms it holds of
 * weight * idf * x * (k1 + 1) / (k1 + x) (index.h).
 */
struct nd_query {
	const struct nd_query_term *terms;
	size_t term_count;
	const struct nd_query_phrase *phrases;
	size_t phrase_count;
	/*
	 * Count every match, for pagination. Queries with a MUST term or a
	 * required phrase always count exactly; a query of SHOULD terms otherwise
	 * counts only the documents the skipping visited (a lower bound), and
	 * with this set pays one more pass over its postings.
	 */
	bool exact_total;
};

struct nd_hit {
	uint32_t key;
	double score;
};

struct nd_hits {
	struct nd_hit *items; /* best first: score descending, then key ascending */
	size_t count;         /* at most k */
	uint64_t total;       /* matching documents */
	bool total_exact;     /* false: total is a lower bound */
	uint64_t scored;      /* documents scored in full (to measure skipping) */
};

/*
 * The k best matches of q in idx, exactly those nd_index_search_exhaustive
 * finds, with the same scores. A score is the sum of its terms' BM25F
 * values, each rounded down to a multiple of 2^-52 of the query's largest
 * possible score: sums of such values do not depend on the order they are
 * added in, so the same documents score the same bits however the index
 * is split into segments or searched. q is borrowed for the call.
 * out->items comes from arena a (NULL: the heap, and the caller frees it).
 * Errors: ND_EINVAL for a bad weight or op or an empty phrase, ND_ETOOBIG
 * past ND_QUERY_TERMS_MAX terms.
 */
int nd_index_search(const struct nd_index *idx, const struct nd_query *q, size_t k,
                    struct nd_arena *a, struct nd_hits *out);

/* The same by scoring every matching document (total always exact): the
 * reference the tests hold nd_index_search to. */
int nd_index_search_exhaustive(const struct nd_index *idx, const struct nd_query *q, size_t k,
                               struct nd_arena *a, struct nd_hits *out);
