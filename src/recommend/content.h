#pragma once
/*
 * The content signal of `newsdesk eval recs` (docs/internals/recommend-eval.md):
 * how close a candidate's text is to what the visitor read, through the
 * relevance engine. Every article of news.tsv (train's and test's, one per
 * id) is analysed as Related analyses a story (nd_related_doc(): title, then
 * the abstract as the body; English) into a search index (index/index.h),
 * whose idf weighs each term. An article's vector holds, per term,
 *	(1 + log tf) * idf      tf = its count in the title and lede plus in the body
 * and two more terms, its category and its subcategory (a section is a tag
 * of the story), weighted by BM25's idf among all the articles; the vector
 * is scaled to length 1. A candidate c of an impression scores
 *	cos(v(c), sum of v(h) over the last ND_RECS_CONTENT_HISTORY items h of
 *	    the history that have a row)
 * in [0, 1], and 0 when c has no row or no such h exists: unknown text says
 * nothing, so it neither lifts nor sinks a candidate (within an impression,
 * a candidate without text ties with one of unrelated text).
 *
 *	struct nd_recs_content *ct = nd_recs_content_new(&train, &test, items);
 *	nd_recs_eval(&test, nd_recs_content_score, ct, &scores, NULL);
 *	nd_recs_content_free(ct);
 */
#include <stddef.h>
#include <stdint.h>

#include "recommend/mind.h"

/* The most recent history items the reader's profile sums. */
#define ND_RECS_CONTENT_HISTORY 50

struct nd_recs_content;

/*
 * Indexes the articles of a and b (b may be NULL; an id in both counts
 * once, a's row kept) and maps the item numbers of items to them (items
 * is read here only, not kept). Never fails; caller owns the result and
 * frees it with nd_recs_content_free().
 */
struct nd_recs_content *nd_recs_content_new(const struct nd_mind_log *a,
                                            const struct nd_mind_log *b,
                                            const struct nd_mind_ids *items);

/* Frees the model; NULL is a no-op. */
void nd_recs_content_free(struct nd_recs_content *ct);

/* Whether item has a row of news.tsv (and so a vector). */
int nd_recs_content_known(const struct nd_recs_content *ct, uint32_t item);

/* The cosine of the vectors of items a and b; 0 when either is unknown. */
double nd_recs_content_similarity(const struct nd_recs_content *ct, uint32_t a, uint32_t b);

/* nd_recs_score_fn of the signal; model is the content model. */
double nd_recs_content_score(const void *model, const struct nd_mind_impression *imp,
                             uint32_t item);
