#pragma once
/*
 * Posting lists: how one term's documents, term frequencies and positions
 * are encoded inside a segment, and the cursor that reads them back
 * (docs/internals/index.md has the byte layouts). Private to src/index:
 * the rest of the program uses index/index.h and index/search.h.
 *
 * A list holds, per document that contains the term, its segment-local
 * doc number (increasing) and the term's frequency in each field. Postings
 * are cut into blocks of ND_POSTINGS_BLOCK:
 *
 * - A full block of a list that has a block table is bit-packed: three
 *   width bytes, then the 128 doc gaps minus one, the 128 title tfs and the
 *   128 body tfs, each array packed with its own width (Lucene's scheme).
 * - Every other block is a varint run: per posting one varint
 *   ((gap - 1) << 1 | simple), where simple means "title tf 0, body tf 1",
 *   followed, when not simple, by varints body tf and title tf.
 *
 * A list longer than one block has a block table (struct
 * nd_postings_block): each block's last doc, where its postings and
 * positions start, and its block-max pseudo-frequency. A list without a table is a
 * sequence of varint runs of ND_POSTINGS_BLOCK postings (finished segments
 * only ever have one; the segment builder's in-memory lists have many).
 *
 * Positions live in a separate stream, read only for phrase checks: per
 * posting a "chunk" of its title positions then its body positions, each
 * field delta-coded from 0 as varints. A chunk's length follows from the
 * posting's tfs, so chunks need no framing.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "index/index.h"

#define ND_POSTINGS_BLOCK 128
/* A doc number past every real one: what a cursor returns at its end. */
#define ND_DOC_END UINT32_MAX
/* Readable bytes every encoded stream has after its last byte, so the
 * bit unpacker can load 64 bits at any byte of a block. */
#define ND_POSTINGS_PAD 8
/* Largest encoded posting in a varint run: three 5-byte varints. */
#define ND_POSTINGS_VINT_MAX 15
/* Largest packed block: widths plus three arrays of 32-bit values. */
#define ND_POSTINGS_PACKED_MAX (3 + 3 * ND_POSTINGS_BLOCK * 4)

/* Appends v as a LEB128 varint at p (at most 5 bytes); returns the end. */
static inline uint8_t *nd_varint_put(uint8_t *p, uint32_t v)
{
	while (v >= 0x80) {
		*p++ = (uint8_t)(v | 0x80);
		v >>= 7;
	}
	*p++ = (uint8_t)v;
	return p;
}

/* Reads a varint at p into *v; returns the byte after it. Streams are
 * written by this module, so the bytes are trusted; a sixth byte is never
 * read. */
static inline const uint8_t *nd_varint_get(const uint8_t *p, uint32_t *v)
{
	uint32_t x = *p++;

	if (x >= 0x80) {
		x &= 0x7f;
		for (unsigned shift = 7; shift < 35; shift += 7) {
			uint32_t byte = *p++;
			x |= (byte & 0x7f) << shift;
			if (byte < 0x80)
				break;
		}
	}
	*v = x;
	return p;
}

/* Skips n varints at p; returns the byte after the last. */
static inline const uint8_t *nd_varint_skip(const uint8_t *p, uint32_t n)
{
	while (n) {
		if (*p++ < 0x80)
			n--;
	}
	return p;
}

/* Bits needed for v (0 for 0). */
static inline unsigned nd_bitwidth(uint32_t v)
{
	return v ? 32 - (unsigned)__builtin_clz(v) : 0;
}

/*
 * Packs the ND_POSTINGS_BLOCK values in[] with width bits each (every value
 * must fit) into out, which gets exactly 16 * width bytes.
 */
void nd_bitpack(const uint32_t *in, unsigned width, uint8_t *out);
/*
 * Unpacks ND_POSTINGS_BLOCK values of width bits from in into out. Reads up
 * to 8 bytes past the 16 * width packed bytes (ND_POSTINGS_PAD).
 */
void nd_bitunpack(const uint8_t *in, unsigned width, uint32_t *out);

/*
 * Appends one posting of a varint run at p: gap is doc minus the previous
 * doc (>= 1; the first doc of a list counts from -1, so gap = doc + 1).
 * tf_title + tf_body must be at least 1. Returns the end (at most
 * ND_POSTINGS_VINT_MAX bytes written).
 */
uint8_t *nd_postings_put_vint(uint8_t *p, uint32_t gap, uint32_t tf_title, uint32_t tf_body);
/* Reads one posting of a varint run: the inverse of nd_postings_put_vint. */
const uint8_t *nd_postings_get_vint(const uint8_t *p, uint32_t *gap, uint32_t *tf_title,
                                    uint32_t *tf_body);

/*
 * Writes one full block (ND_POSTINGS_BLOCK postings) bit-packed at out and
 * returns the bytes written (at most ND_POSTINGS_PACKED_MAX). prev is the
 * last doc of the previous block, or ND_DOC_END for the first block; docs
 * must increase from there.
 */
size_t nd_postings_pack_block(uint8_t *out, uint32_t prev, const uint32_t *docs,
                              const uint32_t *tf_title, const uint32_t *tf_body);
/* Reads a block written by nd_postings_pack_block; returns the bytes read. */
size_t nd_postings_unpack_block(const uint8_t *in, uint32_t prev, uint32_t *docs,
                                uint32_t *tf_title, uint32_t *tf_body);

/* One entry of a list's block table (16 bytes). */
struct nd_postings_block {
	uint32_t last_doc; /* last doc number in the block */
	uint32_t post_off; /* where its postings start, from the list's first byte */
	uint32_t pos_off;  /* where its positions start, from the list's first byte */
	/*
	 * The largest BM25F pseudo-frequency x = sum over fields of
	 * weight * tf / (1 - b + b * len / ref_len) over the block's
	 * postings, rounded up: the input of the block's score bound
	 * (index/search.c scales it to the index's average field lengths).
	 */
	float max_x;
};

/* Where a list lives; borrowed from its segment (or builder). */
struct nd_postings_list {
	const uint8_t *post;                    /* its first posting byte */
	const uint8_t *pos;                     /* its first position byte */
	const struct nd_postings_block *blocks; /* NULL: varint runs, no table */
	uint32_t df;                            /* postings; at least 1 */
	float max_x;                            /* over the whole list */
};

/*
 * A cursor over one list. It decodes a block at a time into the arrays
 * below, so moving within a block is an array step; advance() uses the
 * block table to skip blocks without decoding them. About 1.6 KB: callers
 * keep cursors in scratch arrays, never one allocation per posting.
 */
struct nd_postings_cursor {
	struct nd_postings_list list;
	uint32_t nblocks;
	uint32_t block;           /* decoded block */
	uint32_t n;               /* postings in it */
	uint32_t i;               /* current posting in it */
	uint32_t doc;             /* docs[i], or ND_DOC_END */
	const uint8_t *next_run;  /* without a table: the next run's bytes */
	const uint8_t *pos_block; /* positions of the block's first posting */
	const uint8_t *pos_p;     /* positions of posting pos_i */
	uint32_t pos_i;
	uint32_t shallow; /* block last looked at by nd_postings_block_at */
	/* A packed block's tfs are unpacked on first use: a cursor that only
	 * skips through a block never needs them. NULL: tf[] is filled. */
	const uint8_t *tf_packed;
	uint32_t docs[ND_POSTINGS_BLOCK];
	uint32_t tf[ND_FIELD_COUNT][ND_POSTINGS_BLOCK];
};

/* Opens c on list (borrowed, valid while c is used) at its first posting.
 * list->df must be at least 1. */
void nd_postings_open(struct nd_postings_cursor *c, const struct nd_postings_list *list);
/* The slow paths of the inline functions below. */
uint32_t nd__postings_next_block(struct nd_postings_cursor *c);
uint32_t nd__postings_advance_block(struct nd_postings_cursor *c, uint32_t target);
void nd__postings_unpack_tfs(struct nd_postings_cursor *c);

/* Moves to the next posting; returns its doc, or ND_DOC_END past the end. */
static inline uint32_t nd_postings_next(struct nd_postings_cursor *c)
{
	if (c->i + 1 < c->n && c->doc != ND_DOC_END)
		return c->doc = c->docs[++c->i];
	return nd__postings_next_block(c);
}

/*
 * Moves to the first posting whose doc is >= target (staying put when the
 * current one already is) and returns its doc, or ND_DOC_END. Blocks that
 * end before target are skipped through the block table, undecoded.
 */
static inline uint32_t nd_postings_advance(struct nd_postings_cursor *c, uint32_t target)
{
	uint32_t i;

	if (target <= c->doc)
		return c->doc;
	if (target > c->docs[c->n - 1])
		return nd__postings_advance_block(c, target);
	/* In this block: a forward scan, as probes are mostly close. */
	for (i = c->i + 1; c->docs[i] < target; i++)
		;
	c->i = i;
	return c->doc = c->docs[i];
}

/* The current posting's tf in field f. */
static inline uint32_t nd_postings_tf(struct nd_postings_cursor *c, enum nd_field f)
{
	if (c->tf_packed)
		nd__postings_unpack_tfs(c);
	return c->tf[f][c->i];
}

/*
 * The current posting's position chunk: returns its first byte and sets
 * *len to its length. The chunk holds tf(title) then tf(body) varints
 * (struct comment above). Borrowed, valid as long as the list.
 */
const uint8_t *nd_postings_chunk(struct nd_postings_cursor *c, size_t *len);
/*
 * Decodes the current posting's positions in field f into out (room for
 * nd_postings_tf(c, f) values), ascending; returns how many.
 */
uint32_t nd_postings_positions(struct nd_postings_cursor *c, enum nd_field f, uint32_t *out);

/*
 * Shallow advance for block-max scoring: the block-max x of the block that
 * holds target, or would hold it, without decoding it, and in *last the
 * last doc that value is known to cover (a list without a block table
 * answers its list-wide max_x and ND_DOC_END - 1). Returns a negative
 * value when the block table shows target is past the list's last doc.
 * Targets must not decrease between calls (this and the next function
 * share one shallow position).
 */
float nd_postings_block_at(struct nd_postings_cursor *c, uint32_t target, uint32_t *last);

/*
 * The largest block-max x over the docs [from, to] the cursor can still
 * reach (docs before its current one are not counted); a negative value
 * when none of its blocks can hold a doc in that range. Shallow like
 * nd_postings_block_at: from must not decrease between calls.
 */
float nd_postings_range_max(struct nd_postings_cursor *c, uint32_t from, uint32_t to);
