#pragma once
/*
 * Private to the index proper (segment.c, index.c, search.c): the layout of
 * an index value and helpers shared between those files.
 */
#include <stddef.h>
#include <stdint.h>

#include "index/index.h"
#include "index/segment.h"

/* One segment of an index value with its deletion set. */
struct nd__index_part {
	struct nd_segment *seg;         /* one reference held by the value */
	struct nd_segment_deletes *del; /* one reference, or NULL: none deleted */
	uint32_t live;                  /* documents not deleted; never 0 */
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
};

/* Sorts a[0..n) ascending, in place. */
void nd__sort_u64(uint64_t *a, size_t n);

/* idf for df among n documents: ln(1 + (n - df + 0.5) / (df + 0.5)). */
double nd__idf(uint64_t n, uint64_t df);
