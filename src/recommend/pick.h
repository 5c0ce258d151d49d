#pragma once
/*
 * The live blend (issue 5): scores a visitor's candidates from their
 * signals, leaves out what must not be shown, and picks a diverse list.
 *
 * The caller gathers candidates (co-visitation neighbours of the history,
 * content neighbours of the latest reads, the popular and the fresh
 * articles of the section and the site) with raw signals:
 *	covisit  sum over history entries of (recency weight) x cosine
 *	content  sum over the latest reads of (recency weight) x Related score
 *	popular  decayed views (model.h)
 *	ctr      click-through rate in the Recommendation list (model.h)
 *	age      seconds since publication
 * Each signal is put on 0 .. 1 within the request (covisit and content
 * over their largest value or 1, whichever is larger: 1 is one perfect
 * piece of evidence, a cosine of 1 with the newest read or its best
 * Related article, so weak evidence stays weak instead of being blown up
 * to the top; popular as log(1 + v) over log(1 + max), ctr over its
 * largest value, fresh
 * as 2^(-age / fresh_half_life)), so that the weights mean the same for
 * every visitor; the score is the weighted sum plus a small bonus for the
 * current section, and the reason is the signal that gave most of it
 * (click-through counts as "popular").
 *
 * Excluded: candidates whose key is in exclude (the history and the
 * current article) and those of a story (near-duplicate cluster) in
 * exclude_clusters. Then maximal marginal relevance (Carbonell and
 * Goldstein 1998) over the MMR_POOL best: each next item maximises
 *	lambda * score - (1 - lambda) * max similarity to the items picked,
 * never two of one story; the similarity of two others is the largest of
 * section_similarity (same section) and the caller's similar() (their
 * text), 0 otherwise.
 */
#include <stddef.h>
#include <stdint.h>

enum nd_recs_reason { ND_RECS_COVISIT, ND_RECS_CONTENT, ND_RECS_POPULAR, ND_RECS_FRESH };

/* "covisit", "content", "popular", "fresh". */
const char *nd_recs_reason_name(enum nd_recs_reason r);

struct nd_recs_weights {
	double covisit, content, popular, ctr, fresh;
	double section_bonus;      /* added for the current section's articles */
	double fresh_half_life;    /* seconds */
	double lambda;             /* MMR: 1 = by score only */
	double section_similarity; /* MMR: of two articles of one section */
};

/* The defaults (docs/internals/recommend.md says where they come from). */
void nd_recs_weights_init(struct nd_recs_weights *w);

struct nd_recs_cand {
	uint32_t key;                               /* the article */
	uint32_t cluster;                           /* its story (near-duplicate cluster) */
	uint32_t section;                           /* its section id */
	double covisit, content, popular, ctr, age; /* raw signals, >= 0 */
	/* Out: the blended score (0 .. about 1) and its main reason. */
	double score;
	enum nd_recs_reason reason;
};

struct nd_recs_request {
	struct nd_recs_cand *cands; /* reordered in place */
	size_t count;
	const uint32_t *exclude; /* keys, sorted ascending */
	size_t exclude_count;
	const uint32_t *exclude_clusters; /* sorted ascending */
	size_t exclude_cluster_count;
	uint32_t section; /* the current section, 0: none */
	/* Similarity of candidate a's text to b's, 0 .. 1, b being an item
	 * already picked; NULL: none known. */
	double (*similar)(void *ctx, const struct nd_recs_cand *a, const struct nd_recs_cand *b);
	void *similar_ctx;
};

/* The best candidates MMR chooses among. */
#define ND_RECS_MMR_POOL 64

/*
 * Scores rq's candidates with w, drops the excluded ones and duplicates
 * (a key listed twice keeps its first entry), and picks at most limit by
 * MMR into rq->cands[0 .. returned). Never fails.
 */
size_t nd_recs_pick(struct nd_recs_request *rq, const struct nd_recs_weights *w, size_t limit);
