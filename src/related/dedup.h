#pragma once
/*
 * Story folding: finds near-duplicate copies of one story (the same wire
 * text with a changed headline word, a dateline added, a paragraph dropped,
 * sentences reordered) so that Related counts them as one
 * (docs/internals/related-eval.md).
 *
 * A document's fingerprint is a MinHash signature of its shingles: runs of
 * ND_SHINGLE_TERMS consecutive analysed terms (stemmed, stop words
 * dropped). Two signatures agree in a given value with probability equal
 * to the Jaccard similarity of the two shingle sets, so the share of values
 * that agree estimates it (standard error at most 0.044 with 128 values).
 * Two documents are near-duplicates when that estimate reaches the
 * threshold (ND_DEDUP_THRESHOLD by default: half of all the shingles the
 * two have between them are shared).
 *
 * MinHash rather than a 64-bit SimHash: on ECB+, copies of one story with
 * Jaccard 0.5 to 0.8 are 7 to 19 bits apart in SimHash, while unrelated
 * articles come as close as 15 bits, so no Hamming threshold separates
 * them; the MinHash estimate does (the document above has the figures).
 *
 *	struct nd_minhash_builder b;
 *	struct nd_minhash mh;
 *	nd_minhash_builder_init(&b);
 *	nd_analyze(an, title, title_len, 0, nd_minhash_term_cb, &b);
 *	nd_minhash_builder_break(&b);
 *	nd_analyze(an, body, body_len, 0, nd_minhash_term_cb, &b);
 *	nd_minhash_builder_finish(&b, &mh);
 *
 *	struct nd_dedup *d = nd_dedup_new(0);
 *	nd_dedup_add(d, article_id, &mh, &story);
 *	if (nd_dedup_cluster_of(d, other_id) == story) ...  (a copy)
 *
 * struct nd_dedup groups documents into clusters as they are added: LSH
 * banding finds the candidates that share a band of their signature,
 * the full signature confirms them, and union-find joins the clusters. So
 * adding one document costs a few bucket lookups, not a new clustering.
 * Clusters are transitive (single linkage): when A is a copy of B and B of
 * C, all three are one story even if A and C have drifted further apart.
 */
#include <stddef.h>
#include <stdint.h>

#include "index/analyze.h"

/* Values in a signature. */
#define ND_MINHASH_K 128
/* Terms in a shingle. */
#define ND_SHINGLE_TERMS 3
/* The default threshold: an estimated Jaccard similarity at or above it
 * makes two documents copies of one story. */
#define ND_DEDUP_THRESHOLD 0.5

/*
 * A MinHash signature: for each of ND_MINHASH_K hash functions, the low 16
 * bits of the smallest hash of any shingle (b-bit MinHash: two different
 * minima agree by chance once in 65,536, which the estimate ignores).
 * `shingles` counts the shingles hashed, repeats included; 0 means the
 * document had no terms, and such a document is a copy of nothing.
 */
struct nd_minhash {
	uint16_t v[ND_MINHASH_K];
	uint32_t shingles;
};

/*
 * Builds a signature from a stream of terms. A caller-allocated struct
 * (about 540 bytes) with no heap memory: nothing to release. Terms are
 * taken in order; a break ends a run (title, then body) so that no shingle
 * spans it. A run shorter than ND_SHINGLE_TERMS terms makes one shingle of
 * what it has, so a three-word headline still has a fingerprint.
 */
struct nd_minhash_builder {
	uint32_t min[ND_MINHASH_K];
	uint64_t prev[ND_SHINGLE_TERMS - 1]; /* hashes of the run's last terms */
	uint32_t run;                        /* terms in the current run */
	uint32_t shingles;
};

/* Starts an empty signature. */
void nd_minhash_builder_init(struct nd_minhash_builder *b);

/* Adds the term term[0..len) (need not be NUL-terminated). */
void nd_minhash_builder_add(struct nd_minhash_builder *b, const char *term, size_t len);

/* Ends the current run: the next term starts a new one. */
void nd_minhash_builder_break(struct nd_minhash_builder *b);

/*
 * An nd_term_cb for nd_analyze() with builder as ctx: adds each term that
 * is not flagged ND_TERM_STOP (so an analysis with ND_ANALYZE_KEEP_STOP
 * gives the same signature as one without).
 */
void nd_minhash_term_cb(void *builder, const struct nd_term *t);

/* Ends the last run and writes the signature to *out. b may then be
 * initialised again. */
void nd_minhash_builder_finish(struct nd_minhash_builder *b, struct nd_minhash *out);

/*
 * The signature of an article: its title and then its body, analysed by
 * an (borrowed; its language decides stemming and stop words), with a
 * break between them. Either text may be NULL when its length is 0.
 */
void nd_minhash_article(struct nd_analyzer *an, const char *title, size_t title_len,
                        const char *body, size_t body_len, struct nd_minhash *out);

/*
 * The estimated Jaccard similarity of the shingle sets of a and b, in
 * [0, 1]: the share of their values that agree. 0 when either document is
 * empty.
 */
double nd_minhash_similarity(const struct nd_minhash *a, const struct nd_minhash *b);

/* A set of documents grouped into clusters of near-duplicates. */
struct nd_dedup;

/*
 * A new empty set in which two documents are copies when their estimated
 * similarity is at least threshold (in (0, 1]; 0 means
 * ND_DEDUP_THRESHOLD). Never fails; caller owns the result and frees it
 * with nd_dedup_free().
 *
 * Candidates come from 32 bands of 3 values: a pair with Jaccard 0.5 shares
 * a band with probability 0.986 (0.88 at 0.4, 0.9999 at 0.7), so thresholds
 * below about 0.4 miss pairs that an all-pairs comparison would find.
 */
struct nd_dedup *nd_dedup_new(double threshold);

/* Frees the set; NULL is a no-op. */
void nd_dedup_free(struct nd_dedup *d);

/*
 * Adds document doc (a key chosen by the caller, such as the article id)
 * with signature mh (copied), joins it to the cluster of every document
 * already in the set that it is a copy of, and, when cluster_out is not
 * NULL, stores its cluster id there. Returns 0, or ND_EEXIST when doc is
 * already in the set (nothing changes then). A changed or removed
 * document needs a new set: clusters can only grow.
 */
int nd_dedup_add(struct nd_dedup *d, uint32_t doc, const struct nd_minhash *mh,
                 uint32_t *cluster_out);

/*
 * The cluster id of doc: the smallest key in its cluster, so it does not
 * depend on the order of the adds. A document that is a copy of nothing
 * (and one never added) is its own cluster: the id is doc itself. Two
 * documents are copies of one story exactly when their ids are equal.
 * Reading only: any number of threads may call it at once, as long as no
 * thread is adding.
 */
uint32_t nd_dedup_cluster_of(const struct nd_dedup *d, uint32_t doc);

/* The number of documents in the set. */
size_t nd_dedup_count(const struct nd_dedup *d);

/* The threshold the set was made with. */
double nd_dedup_threshold(const struct nd_dedup *d);
