#pragma once
/*
 * Private to the index proper (segment.c, index.c, search.c): the layout of
 * an index value and helpers shared between those files.
 */
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#include "index/index.h"
#include "index/segment.h"

#define ND__SAT_TF 4

/*
 * A term's document frequency in a whole index value and its idf, filled
 * on first use by nd_index_doc_info (More-Like-This reads the same terms
 * for every candidate: a lookup in every other segment and a log each
 * time cost half of a Related list). Readers race to fill an entry with
 * the same value: idf is stored first, then df + 1 with release order, so
 * a reader that sees df_plus1 != 0 (acquire) sees the idf.
 */
struct nd__term_stats {
	_Atomic uint64_t idf_bits; /* the double's bits */
	atomic_uint df_plus1;      /* 0: not filled yet */
};

/* One segment of an index value with its deletion set. */
struct nd__index_part {
	struct nd_segment *seg;         /* one reference held by the value */
	struct nd_segment_deletes *del; /* one reference, or NULL: none deleted */
	uint32_t live;                  /* documents not deleted; never 0 */
	struct nd__term_stats *stats;   /* seg->term_count entries, this value's own */
};

/* An index value: immutable once made (index.h). */
struct nd_index {
	struct nd_bm25_params params;
	struct nd__index_part *parts;
	size_t part_count;
	uint64_t doc_count;
	uint64_t deleted_count;
	uint64_t len_sum[ND_FIELD_COUNT];
	double avg_len[ND_FIELD_COUNT];
	/*
	 * BM25's length normalisation, fixed for a value by its parameters
	 * and averages: inv_norm[f][code] = 1 / (1 - b + b * len / avg_len[f])
	 * for the length a one-byte code stands for (nd_len_encode), so the
	 * searcher spends no division on it.
	 */
	double inv_norm[ND_FIELD_COUNT][256];
	/* nd__sat for the commonest postings: body only, tf 1..ND__SAT_TF. */
	double sat_body[ND__SAT_TF + 1][256];
};

/*
 * BM25F's saturation of a posting: x / (k1 + x) with the pseudo-frequency
 * x = sum over fields of weight * tf * inv_norm[field][code]. A term's
 * score is weight * idf * (k1 + 1) times this.
 */
static inline double nd__sat_direct(const struct nd_index *idx, uint32_t tf_title, uint32_t tf_body,
                                    const uint8_t *code)
{
	double x = 0;

	if (tf_title)
		x += idx->params.field_weight[ND_FIELD_TITLE] * tf_title *
		     idx->inv_norm[ND_FIELD_TITLE][code[ND_FIELD_TITLE]];
	if (tf_body)
		x += idx->params.field_weight[ND_FIELD_BODY] * tf_body *
		     idx->inv_norm[ND_FIELD_BODY][code[ND_FIELD_BODY]];
	return x / (idx->params.k1 + x);
}

/* The same, from the table when it holds the answer (the same bits). */
static inline double nd__sat(const struct nd_index *idx, uint32_t tf_title, uint32_t tf_body,
                             const uint8_t *code)
{
	if (!tf_title && tf_body <= ND__SAT_TF)
		return idx->sat_body[tf_body][code[ND_FIELD_BODY]];
	return nd__sat_direct(idx, tf_title, tf_body, code);
}

/* Sorts a[0..n) ascending, in place. */
void nd__sort_u64(uint64_t *a, size_t n);

/* idf for df among n documents: ln(1 + (n - df + 0.5) / (df + 0.5)). */
double nd__idf(uint64_t n, uint64_t df);
