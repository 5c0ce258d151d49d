#pragma once
/*
 * The in-memory inverted index (docs/internals/index.md): immutable
 * segments, shared between successive index values by reference counts,
 * each with a copy-on-write deletion set; BM25F scoring over a title and a
 * body field. Searching is in index/search.h.
 *
 * An index value (struct nd_index) never changes once made. Every change
 * makes a new value from an old one; the old one stays valid, so a reader
 * that holds it (inside an RCU read-side section of the site snapshot)
 * needs no lock. The writer side:
 *
 *	struct nd_index_writer *w = nd_index_writer_new(current);
 *	nd_index_writer_add(w, article_id, &doc);   (an add replaces the key)
 *	nd_index_writer_delete(w, other_id);
 *	rc = nd_index_writer_commit(w, &next);      (consumes w)
 *	... publish next, wait for a grace period, nd_index_free(current) ...
 *
 * Documents are identified by a uint32 key chosen by the caller (the
 * article id); a key is live in at most one segment of a value. Terms are
 * byte strings the analyser (index/analyze.h) already produced.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/str.h"

struct nd_arena;
struct nd_segment;

/* The two fields of a document. */
enum nd_field { ND_FIELD_TITLE, ND_FIELD_BODY, ND_FIELD_COUNT };

/*
 * BM25F parameters (Robertson and Zaragoza's "simple BM25F"): each field's
 * tf is normalised by its own length, tf / (1 - b + b * len / avg_len),
 * weighted, and summed into one pseudo-frequency x; a term then scores
 * weight * idf * x * (k1 + 1) / (k1 + x), with
 * idf = ln(1 + (N - df + 0.5) / (df + 0.5)). An index keeps the parameters
 * it was made with; b is also baked into each segment's score bounds.
 */
struct nd_bm25_params {
	double k1;
	double b;
	double field_weight[ND_FIELD_COUNT];
};

#define ND_BM25_PARAMS_DEFAULT ((struct nd_bm25_params){1.2, 0.75, {2.0, 1.0}})

/* 0 when p is usable: k1 in [0, 100], b in [0, 1], field weights in
 * [0, 1000]; otherwise ND_EINVAL, with a message naming the bad value. */
int nd_bm25_params_check(const struct nd_bm25_params *p);

/* Longest term the index accepts, in bytes (the analyser's ND_TERM_MAX is
 * lower). */
#define ND_INDEX_TERM_MAX 1024

/* One analysed term of a field and its word position. */
struct nd_index_token {
	struct nd_str term;
	uint32_t pos;
};

/*
 * A document to index: per field, its tokens in order. Positions must not
 * decrease within a field (they may repeat, and may have gaps where stop
 * words were); each field's length for BM25 is its token count, kept in
 * one byte as Lucene keeps norms: exact below 32, within 1/16 above.
 */
struct nd_index_doc {
	const struct nd_index_token *tokens[ND_FIELD_COUNT];
	size_t count[ND_FIELD_COUNT];
};

struct nd_index;

/* Corpus statistics of an index value. */
struct nd_index_stats {
	uint64_t doc_count;               /* live documents (N) */
	uint64_t deleted_count;           /* deleted but not yet merged away */
	uint64_t len_sum[ND_FIELD_COUNT]; /* tokens in the live documents */
	double avg_len[ND_FIELD_COUNT];   /* len_sum / doc_count, 1 when 0 */
	size_t segment_count;
	size_t memory_bytes; /* of its segments and deletion sets */
};

/*
 * A new empty index with params (copied; NULL means
 * ND_BM25_PARAMS_DEFAULT), which must pass nd_bm25_params_check (a broken
 * invariant otherwise: check configuration first). Never fails; caller owns
 * the result and frees it with nd_index_free().
 */
struct nd_index *nd_index_new_empty(const struct nd_bm25_params *params);

/*
 * Frees an index value: drops its references to segments and deletion
 * sets, which are freed with their last reference. Other values made from
 * it stay valid. NULL is a no-op. The caller must make sure no reader still
 * uses the value (after an RCU grace period).
 */
void nd_index_free(struct nd_index *idx);

/*
 * A new value: idx plus segment seg, whose documents replace any live
 * document with the same key in idx (those get deleted). Consumes one
 * reference to seg, also on failure. On success *out gets a value the
 * caller owns; idx is unchanged. Errors: ND_EINVAL when seg was built with
 * another b than idx's parameters.
 */
int nd_index_add_segment(const struct nd_index *idx, struct nd_segment *seg, struct nd_index **out);

/*
 * A new value: idx without the live documents whose keys are in
 * keys[0..count) (keys that are not live are ignored). Never fails; caller
 * owns *out; idx is unchanged.
 */
int nd_index_delete_keys(const struct nd_index *idx, const uint32_t *keys, size_t count,
                         struct nd_index **out);

enum nd_index_merge_mode {
	/*
	 * The merge policy (docs/internals/index.md): segments are grouped in
	 * levels by live size (a factor of ND_INDEX_MERGE_FACTOR apart); a
	 * level holding ND_INDEX_MERGE_FACTOR segments is merged into one,
	 * as is a segment more than half deleted, and the smallest segments
	 * are merged while there are more than ND_INDEX_MAX_SEGMENTS.
	 */
	ND_INDEX_MERGE_POLICY,
	/* Everything into one segment without deleted documents. */
	ND_INDEX_MERGE_ALL,
};

#define ND_INDEX_MERGE_FACTOR 8
#define ND_INDEX_MAX_SEGMENTS 16

/*
 * A new value with the same live documents as idx and segments merged as
 * mode says: merging builds a new segment from the live documents of
 * others, so deleted documents go away. Unmerged segments are shared.
 * Caller owns *out; idx is unchanged. Errors: ND_ETOOBIG when the merged
 * segment would pass a segment's size limits (2^32 - 2 documents, or 4 GB
 * of one term's postings).
 */
int nd_index_merge(const struct nd_index *idx, enum nd_index_merge_mode mode,
                   struct nd_index **out);

/* Fills *out with idx's statistics. */
void nd_index_get_stats(const struct nd_index *idx, struct nd_index_stats *out);

/* idx's parameters; borrowed, valid as long as idx. */
const struct nd_bm25_params *nd_index_params(const struct nd_index *idx);

/* Whether key is a live document of idx. */
bool nd_index_has_key(const struct nd_index *idx, uint32_t key);

/* How many live documents hold term (its document frequency). */
uint64_t nd_index_df(const struct nd_index *idx, const char *term, size_t len);

/* BM25's idf for a term with document frequency df in idx:
 * ln(1 + (N - df + 0.5) / (df + 0.5)). */
double nd_index_idf(const struct nd_index *idx, uint64_t df);

/* One term of a document's forward view. */
struct nd_index_doc_term {
	struct nd_str term;          /* borrowed, valid as long as the index value */
	uint32_t tf[ND_FIELD_COUNT]; /* in this document */
	uint64_t df;                 /* in the whole index (live documents) */
	double idf;
};

/* The forward view of one document, for More-Like-This queries. */
struct nd_index_doc_info {
	uint32_t len[ND_FIELD_COUNT]; /* tokens per field, as stored (struct nd_index_doc) */
	struct nd_index_doc_term *terms;
	size_t term_count; /* distinct terms */
};

/*
 * The terms of the live document key with their frequencies per field and
 * their df and idf in idx, in no particular order. terms is allocated from
 * arena a (NULL: the heap, and the caller frees out->terms); the term bytes
 * are borrowed from idx. Errors: ND_ENOTFOUND when key is not live.
 */
int nd_index_doc_info(const struct nd_index *idx, uint32_t key, struct nd_arena *a,
                      struct nd_index_doc_info *out);

/*
 * The writer: collects adds and deletes against a base value and makes the
 * next value. Adds go into a segment builder; a delete or a second add of
 * a key the builder already holds flushes it into a segment first, so the
 * operations take effect in the order they were made. Not thread-safe: one
 * writer thread at a time (readers of the base are unaffected).
 */
struct nd_index_writer;

/* A writer on base (borrowed: it must stay valid until commit or free).
 * Never fails; caller owns the result. */
struct nd_index_writer *nd_index_writer_new(const struct nd_index *base);

/*
 * Adds document doc under key, replacing any earlier document with that
 * key (in base or added before). doc's bytes are copied. Errors (the writer
 * stays usable, nothing was added): ND_EINVAL for an empty term or
 * decreasing positions, ND_ETOOBIG for a term longer than
 * ND_INDEX_TERM_MAX or a segment past its limits.
 */
int nd_index_writer_add(struct nd_index_writer *w, uint32_t key, const struct nd_index_doc *doc);

/* Deletes key (a no-op when it is nowhere). */
void nd_index_writer_delete(struct nd_index_writer *w, uint32_t key);

/*
 * Makes the next value: base with every add and delete applied, then the
 * merge policy. Consumes w. On success *out gets a value the caller owns
 * (base is unchanged). Errors: those of nd_index_merge.
 */
int nd_index_writer_commit(struct nd_index_writer *w, struct nd_index **out);

/* Drops a writer without committing; NULL is a no-op. */
void nd_index_writer_free(struct nd_index_writer *w);
