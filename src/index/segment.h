#pragma once
/*
 * Segments: the immutable unit of the index (docs/internals/index.md has
 * the byte layouts). Private to src/index: the rest of the program uses
 * index/index.h and index/search.h.
 *
 * A segment numbers its documents 0..doc_count-1 in the order they were
 * added (or merged) and holds:
 * - per document: its key, its length per field (one byte), and its forward list
 *   (its distinct terms with their tfs, for More-Like-This and for keeping
 *   df exact under deletions);
 * - per term: its bytes, df, where its postings and positions start, its
 *   block table (when it has more than one block) and its list-wide
 *   block-max x, found through an open-addressing hash table.
 *
 * A segment is built once (by a builder, or by merging segments) and then
 * only read, by any number of threads. It is reference-counted (atomic)
 * because successive index values share it.
 *
 * A deletion set (struct nd_segment_deletes) marks documents of one
 * segment as deleted. It is immutable too: deleting more makes a new set
 * (copy-on-write), so an index value that holds the old set still sees the
 * old documents. It also counts, per term, the deleted documents holding it,
 * so df over the live documents stays exact without rewriting postings.
 */
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/str.h"
#include "index/index.h"
#include "index/postings.h"

/* At most this many documents and terms per segment: doc gaps and term
 * ids must fit 31 bits in the varint posting format. */
#define ND_SEGMENT_MAX_DOCS  0x7fffffffu
#define ND_SEGMENT_MAX_TERMS 0x7fffffffu
/* A term id for "not in this segment". */
#define ND_TERM_NONE UINT32_MAX

/* A term's entry in the segment's dictionary (40 bytes with padding). */
struct nd_segment_term {
	uint64_t post_off; /* its postings, in seg->post */
	uint64_t pos_off;  /* its position chunks, in seg->pos */
	uint32_t str_off;  /* its bytes, in seg->strs */
	uint32_t str_len;
	uint32_t df;        /* documents holding it, deleted ones included */
	uint32_t block_off; /* its first entry in seg->blocks when df > 128 */
	float max_x;        /* the largest block max_x (struct nd_postings_block) */
};

struct nd_segment {
	atomic_uint refs;
	uint32_t doc_count;
	uint32_t term_count;
	/* The BM25 b and field weights its max_x bounds were made with, and
	 * the average field lengths (of its own documents) they assume. */
	double b;
	double weight[ND_FIELD_COUNT];
	double ref_len[ND_FIELD_COUNT];
	uint64_t len_sum[ND_FIELD_COUNT]; /* field lengths, all documents */

	/* Documents. */
	uint32_t *keys;     /* doc -> key */
	uint32_t *key_docs; /* docs sorted by key */
	uint8_t *lens;      /* lens[doc * ND_FIELD_COUNT + field]: nd_len_encode codes */
	uint64_t *fwd_off;  /* doc_count + 1 offsets into fwd */
	uint8_t *fwd;       /* forward lists, varint runs of (term gap, tfs) */
	size_t fwd_len;

	/* Terms. */
	char *strs; /* term bytes, back to back */
	size_t strs_len;
	struct nd_segment_term *terms;
	uint32_t *dict; /* open addressing: term id + 1, 0 empty */
	uint32_t dict_mask;
	struct nd_postings_block *blocks;
	size_t block_count;
	uint8_t *post; /* postings of every term, ND_POSTINGS_PAD bytes padded */
	size_t post_len;
	uint8_t *pos; /* position chunks of every term, padded too */
	size_t pos_len;
};

struct nd_segment_deletes {
	atomic_uint refs;
	uint32_t count;                   /* deleted documents */
	uint64_t len_sum[ND_FIELD_COUNT]; /* their tokens per field */
	uint64_t *bits;                   /* bit doc set: doc is deleted */
	uint32_t df_count;
	uint32_t *df_terms; /* sorted term ids held by a deleted document */
	uint32_t *df_dead;  /* for each, how many deleted documents hold it */
};

struct nd_segment_builder;

/*
 * A new builder whose segment will carry params->b and field weights
 * (NULL: the default parameters). Never fails; caller owns the result, which
 * nd_segment_builder_finish consumes (or nd_segment_builder_free drops).
 */
struct nd_segment_builder *nd_segment_builder_new(const struct nd_bm25_params *params);

/*
 * Adds document doc as the next document, under key. Its bytes are copied.
 * Errors, after which the builder is unchanged and usable: ND_EINVAL for an
 * empty term or decreasing positions in a field, ND_ETOOBIG for a term
 * longer than ND_INDEX_TERM_MAX or a full builder (ND_SEGMENT_MAX_DOCS),
 * ND_EEXIST when the builder already holds key.
 */
int nd_segment_builder_add(struct nd_segment_builder *b, uint32_t key,
                           const struct nd_index_doc *doc);

/* Documents added so far. */
uint32_t nd_segment_builder_count(const struct nd_segment_builder *b);
/* Whether the builder holds key. */
bool nd_segment_builder_has_key(const struct nd_segment_builder *b, uint32_t key);

/*
 * Encodes everything added into an immutable segment and frees the
 * builder (consumes b, also on failure). On success *out gets a segment
 * with one reference, the caller's. Errors: ND_ETOOBIG when one term's
 * postings or positions pass 4 GB.
 */
int nd_segment_builder_finish(struct nd_segment_builder *b, struct nd_segment **out);

/* Frees a builder without making a segment; NULL is a no-op. */
void nd_segment_builder_free(struct nd_segment_builder *b);

/*
 * A new segment from the live documents of segs[0..count) (dels[i] is
 * segs[i]'s deletion set, or NULL), in that order: their postings are
 * copied block by block with new doc numbers, so nothing is re-analysed.
 * All segs must carry the same b and field weights. Borrows segs and dels. On success *out
 * gets a segment with one reference, the caller's. Errors: ND_ETOOBIG when
 * the result would pass a segment's limits.
 */
int nd_segment_merge(struct nd_segment *const *segs, struct nd_segment_deletes *const *dels,
                     size_t count, struct nd_segment **out);

/* Takes a reference to seg and returns seg. */
struct nd_segment *nd_segment_ref(struct nd_segment *seg);
/* Drops a reference; the last one frees seg. NULL is a no-op. */
void nd_segment_unref(struct nd_segment *seg);

/* The id of term[0..len) in seg, or ND_TERM_NONE. */
uint32_t nd_segment_lookup(const struct nd_segment *seg, const char *term, size_t len);

/* The bytes of term id t; borrowed, valid as long as seg. */
static inline struct nd_str nd_segment_term_str(const struct nd_segment *seg, uint32_t t)
{
	return (struct nd_str){seg->strs + seg->terms[t].str_off, seg->terms[t].str_len};
}

/* Where term id t's postings are, for nd_postings_open (borrowed from seg). */
void nd_segment_list(const struct nd_segment *seg, uint32_t t, struct nd_postings_list *out);

/*
 * Field lengths are stored in one byte (Lucene's norms do the same): exact
 * below 32 tokens, then a 4-bit mantissa, so within 6% (rounded down) up
 * to 507,904 tokens, where they stop growing. Every length BM25 sees, the
 * averages included, is a decoded one, so all index values agree.
 */
static inline uint8_t nd_len_encode(uint64_t len)
{
	unsigned e, code;

	if (len < 32)
		return (uint8_t)len;
	if (len >= (uint64_t)1 << 19)
		return 255;
	e = 31 - (unsigned)__builtin_clz((uint32_t)len); /* 5..18 */
	code = 32 + (e - 5) * 16 + (unsigned)((len >> (e - 4)) & 15);
	return (uint8_t)code;
}

static inline uint32_t nd_len_decode(uint8_t code)
{
	unsigned e, m;

	if (code < 32)
		return code;
	e = 5 + (code - 32u) / 16;
	m = (code - 32u) % 16;
	return (16 + m) << (e - 4);
}

/* The code of document doc's length in field f. */
static inline uint8_t nd_segment_len_code(const struct nd_segment *seg, uint32_t doc,
                                          enum nd_field f)
{
	return seg->lens[(size_t)doc * ND_FIELD_COUNT + f];
}

/* Document doc's length in field f (decoded: see nd_len_encode). */
static inline uint32_t nd_segment_len(const struct nd_segment *seg, uint32_t doc, enum nd_field f)
{
	return nd_len_decode(nd_segment_len_code(seg, doc, f));
}

/* The doc holding key in seg (deleted or not), or ND_DOC_END. */
uint32_t nd_segment_find_key(const struct nd_segment *seg, uint32_t key);

/* Reads a document's forward list: its distinct terms by increasing id. */
struct nd_segment_fwd {
	const uint8_t *p, *end;
	uint32_t term;
};

/* Opens it on doc's forward list (borrowed from seg). */
void nd_segment_fwd_open(const struct nd_segment *seg, uint32_t doc, struct nd_segment_fwd *it);
/* The next term id and its tfs; false at the end. */
bool nd_segment_fwd_next(struct nd_segment_fwd *it, uint32_t *term, uint32_t tf[ND_FIELD_COUNT]);

/* Bytes seg holds (its arrays and streams). */
size_t nd_segment_memory(const struct nd_segment *seg);

/*
 * A new deletion set for seg: old's documents (old may be NULL) plus
 * docs[0..count), which must be < seg->doc_count (ones already deleted are
 * skipped). Borrows seg and old. Caller owns one reference to the result.
 */
struct nd_segment_deletes *nd_segment_deletes_add(const struct nd_segment *seg,
                                                  const struct nd_segment_deletes *old,
                                                  const uint32_t *docs, size_t count);
/* Takes a reference to del and returns del. */
struct nd_segment_deletes *nd_segment_deletes_ref(struct nd_segment_deletes *del);
/* Drops a reference; the last one frees del. NULL is a no-op. */
void nd_segment_deletes_unref(struct nd_segment_deletes *del);
/* Bytes del holds. */
size_t nd_segment_deletes_memory(const struct nd_segment *seg,
                                 const struct nd_segment_deletes *del);

/* Whether doc is deleted in del (NULL: nothing is). */
static inline bool nd_segment_deleted(const struct nd_segment_deletes *del, uint32_t doc)
{
	return del && (del->bits[doc >> 6] >> (doc & 63) & 1);
}

/* How many deleted documents of del hold term id t (0 when del is NULL). */
uint32_t nd_segment_deletes_df(const struct nd_segment_deletes *del, uint32_t t);

/* Segments and deletion sets alive in the process, for tests that check
 * reference counting frees them. */
long nd_segment_live_count(void);
