#include "index/postings.h"

#include <string.h>

#include "core/mem.h"

void nd_bitpack(const uint32_t *in, unsigned width, uint8_t *out)
{
	uint64_t acc = 0;
	unsigned bits = 0;

	/* 128 values of any width fill whole bytes, so nothing is left over. */
	for (unsigned i = 0; i < ND_POSTINGS_BLOCK; i++) {
		acc |= (uint64_t)in[i] << bits;
		bits += width;
		while (bits >= 8) {
			*out++ = (uint8_t)acc;
			acc >>= 8;
			bits -= 8;
		}
	}
}

static inline uint64_t load_le64(const uint8_t *p)
{
	uint64_t x;

	memcpy(&x, p, sizeof(x));
#if __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
	x = __builtin_bswap64(x);
#endif
	return x;
}

/*
 * Eight values of w bits fill exactly w bytes, so the bit position of each
 * within its group is a constant: with w a constant after inlining, every
 * shift and mask below is too, and a group costs a few loads and shifts.
 * Reads up to 7 bytes past the group (ND_POSTINGS_PAD covers the last).
 */
static inline __attribute__((always_inline)) void unpack8(const uint8_t *in, unsigned w,
                                                          uint32_t *out)
{
	const uint64_t mask = ((uint64_t)1 << w) - 1;
	uint64_t words[4] = {0};
	unsigned nw = (8 * w + 63) / 64;

#pragma GCC unroll 4
	for (unsigned m = 0; m < nw; m++)
		words[m] = load_le64(in + 8 * m);
#pragma GCC unroll 8
	for (unsigned j = 0; j < 8; j++) {
		unsigned b = j * w, m = b / 64, off = b % 64;
		uint64_t v = words[m] >> off;
		if (off + w > 64)
			v |= words[m + 1] << (64 - off);
		out[j] = (uint32_t)(v & mask);
	}
}

static inline __attribute__((always_inline)) void unpack_w(const uint8_t *in, unsigned w,
                                                           uint32_t *out)
{
#pragma GCC unroll 16
	for (unsigned g = 0; g < ND_POSTINGS_BLOCK / 8; g++)
		unpack8(in + g * w, w, out + 8 * g);
}

void nd_bitunpack(const uint8_t *in, unsigned width, uint32_t *out)
{
	/* One case per width, so each unpack_w has a constant width. */
	switch (width) {
	case 0: memset(out, 0, ND_POSTINGS_BLOCK * sizeof(*out)); return;
	case 1: unpack_w(in, 1, out); return;
	case 2: unpack_w(in, 2, out); return;
	case 3: unpack_w(in, 3, out); return;
	case 4: unpack_w(in, 4, out); return;
	case 5: unpack_w(in, 5, out); return;
	case 6: unpack_w(in, 6, out); return;
	case 7: unpack_w(in, 7, out); return;
	case 8: unpack_w(in, 8, out); return;
	case 9: unpack_w(in, 9, out); return;
	case 10: unpack_w(in, 10, out); return;
	case 11: unpack_w(in, 11, out); return;
	case 12: unpack_w(in, 12, out); return;
	case 13: unpack_w(in, 13, out); return;
	case 14: unpack_w(in, 14, out); return;
	case 15: unpack_w(in, 15, out); return;
	case 16: unpack_w(in, 16, out); return;
	case 17: unpack_w(in, 17, out); return;
	case 18: unpack_w(in, 18, out); return;
	case 19: unpack_w(in, 19, out); return;
	case 20: unpack_w(in, 20, out); return;
	case 21: unpack_w(in, 21, out); return;
	case 22: unpack_w(in, 22, out); return;
	case 23: unpack_w(in, 23, out); return;
	case 24: unpack_w(in, 24, out); return;
	case 25: unpack_w(in, 25, out); return;
	case 26: unpack_w(in, 26, out); return;
	case 27: unpack_w(in, 27, out); return;
	case 28: unpack_w(in, 28, out); return;
	case 29: unpack_w(in, 29, out); return;
	case 30: unpack_w(in, 30, out); return;
	case 31: unpack_w(in, 31, out); return;
	case 32: unpack_w(in, 32, out); return;
	default: ND_BUG("bit width %u", width);
	}
}

uint8_t *nd_postings_put_vint(uint8_t *p, uint32_t gap, uint32_t tf_title, uint32_t tf_body)
{
	uint32_t simple = tf_title == 0 && tf_body == 1;

	/* Doc numbers stay below 2^31 (ND_SEGMENT_MAX_DOCS), so the shift
	 * cannot overflow. */
	p = nd_varint_put(p, (gap - 1) << 1 | simple);
	if (!simple) {
		p = nd_varint_put(p, tf_body);
		p = nd_varint_put(p, tf_title);
	}
	return p;
}

const uint8_t *nd_postings_get_vint(const uint8_t *p, uint32_t *gap, uint32_t *tf_title,
                                    uint32_t *tf_body)
{
	uint32_t v;

	p = nd_varint_get(p, &v);
	*gap = (v >> 1) + 1;
	if (v & 1) {
		*tf_title = 0;
		*tf_body = 1;
	} else {
		p = nd_varint_get(p, tf_body);
		p = nd_varint_get(p, tf_title);
	}
	return p;
}

size_t nd_postings_pack_block(uint8_t *out, uint32_t prev, const uint32_t *docs,
                              const uint32_t *tf_title, const uint32_t *tf_body)
{
	uint32_t gaps[ND_POSTINGS_BLOCK];
	uint32_t or_gap = 0, or_title = 0, or_body = 0;
	unsigned wg, wt, wb;
	uint8_t *p = out;

	for (unsigned i = 0; i < ND_POSTINGS_BLOCK; i++) {
		gaps[i] = docs[i] - prev - 1;
		prev = docs[i];
		or_gap |= gaps[i];
		or_title |= tf_title[i];
		or_body |= tf_body[i];
	}
	wg = nd_bitwidth(or_gap);
	wt = nd_bitwidth(or_title);
	wb = nd_bitwidth(or_body);
	*p++ = (uint8_t)wg;
	*p++ = (uint8_t)wt;
	*p++ = (uint8_t)wb;
	nd_bitpack(gaps, wg, p);
	p += 16 * wg;
	nd_bitpack(tf_title, wt, p);
	p += 16 * wt;
	nd_bitpack(tf_body, wb, p);
	p += 16 * wb;
	return (size_t)(p - out);
}

size_t nd_postings_unpack_block(const uint8_t *in, uint32_t prev, uint32_t *docs,
                                uint32_t *tf_title, uint32_t *tf_body)
{
	unsigned wg = in[0], wt = in[1], wb = in[2];
	const uint8_t *p = in + 3;

	nd_bitunpack(p, wg, docs);
	p += 16 * wg;
	nd_bitunpack(p, wt, tf_title);
	p += 16 * wt;
	nd_bitunpack(p, wb, tf_body);
	p += 16 * wb;
	for (unsigned i = 0; i < ND_POSTINGS_BLOCK; i++) {
		prev += docs[i] + 1;
		docs[i] = prev;
	}
	return (size_t)(p - in);
}

void nd__postings_unpack_tfs(struct nd_postings_cursor *c)
{
	const uint8_t *p = c->tf_packed;
	unsigned wg = p[0], wt = p[1], wb = p[2];

	p += 3 + 16 * wg;
	nd_bitunpack(p, wt, c->tf[ND_FIELD_TITLE]);
	nd_bitunpack(p + 16 * wt, wb, c->tf[ND_FIELD_BODY]);
	c->tf_packed = NULL;
}

/* Moves the position state to posting i of the decoded block. */
static const uint8_t *chunk_at(struct nd_postings_cursor *c, uint32_t i)
{
	if (c->tf_packed)
		nd__postings_unpack_tfs(c);
	if (i < c->pos_i) {
		c->pos_p = c->pos_block;
		c->pos_i = 0;
	}
	while (c->pos_i < i) {
		uint32_t j = c->pos_i++;
		c->pos_p =
		    nd_varint_skip(c->pos_p, c->tf[ND_FIELD_TITLE][j] + c->tf[ND_FIELD_BODY][j]);
	}
	return c->pos_p;
}

/* Decodes block b. Without a block table, b is 0 or the block after the
 * current one (runs can only be read in order). */
static void load_block(struct nd_postings_cursor *c, uint32_t b)
{
	const struct nd_postings_list *l = &c->list;
	uint32_t n = l->df - b * ND_POSTINGS_BLOCK;
	uint32_t *tt = c->tf[ND_FIELD_TITLE], *tb = c->tf[ND_FIELD_BODY];
	const uint8_t *p;
	uint32_t prev;

	if (n > ND_POSTINGS_BLOCK)
		n = ND_POSTINGS_BLOCK;
	if (l->blocks) {
		p = l->post + l->blocks[b].post_off;
		prev = b ? l->blocks[b - 1].last_doc : ND_DOC_END;
		c->pos_block = l->pos ? l->pos + l->blocks[b].pos_off : NULL;
	} else if (b) {
		p = c->next_run;
		prev = c->docs[c->n - 1];
		/* The next run's positions start where this run's end. */
		c->pos_block = l->pos ? chunk_at(c, c->n) : NULL;
	} else {
		p = l->post;
		prev = ND_DOC_END;
		c->pos_block = l->pos;
	}
	c->tf_packed = NULL;
	if (l->blocks && n == ND_POSTINGS_BLOCK) {
		/* The docs now; the tfs on first use (nd_postings_tf). */
		nd_bitunpack(p + 3, p[0], c->docs);
		for (uint32_t j = 0; j < ND_POSTINGS_BLOCK; j++) {
			prev += c->docs[j] + 1;
			c->docs[j] = prev;
		}
		c->tf_packed = p;
	} else {
		for (uint32_t j = 0; j < n; j++) {
			uint32_t gap;
			p = nd_postings_get_vint(p, &gap, &tt[j], &tb[j]);
			prev += gap;
			c->docs[j] = prev;
		}
		c->next_run = p;
	}
	c->block = b;
	c->n = n;
	c->i = 0;
	c->doc = c->docs[0];
	c->pos_p = c->pos_block;
	c->pos_i = 0;
}

void nd_postings_open(struct nd_postings_cursor *c, const struct nd_postings_list *list)
{
	ND_ASSERT(list->df > 0);
	c->list = *list;
	c->nblocks = (list->df + ND_POSTINGS_BLOCK - 1) / ND_POSTINGS_BLOCK;
	c->shallow = 0;
	load_block(c, 0);
}

static uint32_t at_end(struct nd_postings_cursor *c)
{
	/* Keep i inside the arrays so a stray tf read stays in bounds. */
	c->i = c->n - 1;
	c->doc = ND_DOC_END;
	return ND_DOC_END;
}

uint32_t nd__postings_next_block(struct nd_postings_cursor *c)
{
	if (c->doc == ND_DOC_END)
		return ND_DOC_END;
	if (++c->i < c->n)
		return c->doc = c->docs[c->i];
	if (c->block + 1 >= c->nblocks)
		return at_end(c);
	load_block(c, c->block + 1);
	return c->doc;
}

uint32_t nd__postings_advance_block(struct nd_postings_cursor *c, uint32_t target)
{
	uint32_t lo, hi;

	if (target <= c->doc)
		return c->doc;
	if (target > c->docs[c->n - 1]) {
		uint32_t b = c->block + 1;

		if (c->list.blocks) {
			const struct nd_postings_block *bl = c->list.blocks;
			uint32_t step = 1;

			/* Gallop, then binary search, for the first block whose
			 * last doc reaches target. */
			lo = b;
			hi = b;
			while (hi < c->nblocks && bl[hi].last_doc < target) {
				lo = hi + 1;
				hi += step;
				step *= 2;
			}
			if (hi > c->nblocks)
				hi = c->nblocks;
			while (lo < hi) {
				uint32_t mid = lo + (hi - lo) / 2;
				if (bl[mid].last_doc < target)
					lo = mid + 1;
				else
					hi = mid;
			}
			if (lo >= c->nblocks)
				return at_end(c);
			load_block(c, lo);
		} else {
			for (;; b++) {
				if (b >= c->nblocks)
					return at_end(c);
				load_block(c, b);
				if (c->docs[c->n - 1] >= target)
					break;
			}
		}
	}
	/* The block holds target or the first doc after it. */
	lo = c->i;
	hi = c->n - 1;
	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;
		if (c->docs[mid] < target)
			lo = mid + 1;
		else
			hi = mid;
	}
	c->i = lo;
	return c->doc = c->docs[lo];
}

const uint8_t *nd_postings_chunk(struct nd_postings_cursor *c, size_t *len)
{
	const uint8_t *p = chunk_at(c, c->i);
	const uint8_t *end =
	    nd_varint_skip(p, c->tf[ND_FIELD_TITLE][c->i] + c->tf[ND_FIELD_BODY][c->i]);

	/* Reading postings in order then costs one skip each. */
	c->pos_p = end;
	c->pos_i = c->i + 1;
	*len = (size_t)(end - p);
	return p;
}

uint32_t nd_postings_positions(struct nd_postings_cursor *c, enum nd_field f, uint32_t *out)
{
	const uint8_t *p = chunk_at(c, c->i);
	uint32_t n = c->tf[f][c->i], pos = 0;

	if (f == ND_FIELD_BODY)
		p = nd_varint_skip(p, c->tf[ND_FIELD_TITLE][c->i]);
	for (uint32_t j = 0; j < n; j++) {
		uint32_t gap;
		p = nd_varint_get(p, &gap);
		pos += gap;
		out[j] = pos;
	}
	return n;
}

float nd_postings_block_at(struct nd_postings_cursor *c, uint32_t target, uint32_t *last)
{
	const struct nd_postings_block *bl = c->list.blocks;
	uint32_t b = c->shallow;

	if (!bl) {
		*last = ND_DOC_END - 1;
		return c->list.max_x;
	}
	while (b < c->nblocks && bl[b].last_doc < target)
		b++;
	if (b >= c->nblocks)
		return -1;
	c->shallow = b;
	*last = bl[b].last_doc;
	return bl[b].max_x;
}

float nd_postings_range_max(struct nd_postings_cursor *c, uint32_t from, uint32_t to)
{
	const struct nd_postings_block *bl = c->list.blocks;
	uint32_t b = c->shallow;
	float x;

	if (c->doc > to)
		return -1;
	if (from < c->doc)
		from = c->doc;
	if (!bl) {
		/* One decoded block: look whether a doc falls in the range.
		 * (A builder's list has more runs, not decoded yet.) */
		uint32_t i = c->i;
		while (i < c->n && c->docs[i] < from)
			i++;
		if (i == c->n && c->block + 1 < c->nblocks)
			return c->list.max_x;
		if (i == c->n || c->docs[i] > to)
			return -1;
		return c->list.max_x;
	}
	while (b < c->nblocks && bl[b].last_doc < from)
		b++;
	if (b >= c->nblocks)
		return -1;
	c->shallow = b;
	x = bl[b].max_x;
	/* Later blocks start after this one's last doc. */
	while (bl[b].last_doc < to && ++b < c->nblocks)
		if (bl[b].max_x > x)
			x = bl[b].max_x;
	return x;
}
