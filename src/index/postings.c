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
 * One loop per width: with w a constant after inlining, the compiler
 * unrolls it and turns the shifts into constants, which is what makes
 * packed blocks several times faster to read than varints.
 */
static inline __attribute__((always_inline)) void unpack_w(const uint8_t *in, unsigned w,
                                                           uint32_t *out)
{
	const uint64_t mask = ((uint64_t)1 << w) - 1;

	for (unsigned i = 0; i < ND_POSTINGS_BLOCK; i++) {
		size_t bit = (size_t)i * w;
		out[i] = (uint32_t)((load_le64(in + (bit >> 3)) >> (bit & 7)) & mask);
	}
}

void nd_bitunpack(const uint8_t *in, unsigned width, uint32_t *out)
{
	switch (width) {
	case 0: memset(out, 0, ND_POSTINGS_BLOCK * sizeof(*out)); return;
#define W(n)                                                                                       \
	case n: unpack_w(in, n, out); return;
		W(1) W(2) W(3) W(4) W(5) W(6) W(7) W(8) W(9) W(10) W(11) W(12) W(13) W(14) W(15)
		W(16) W(17) W(18) W(19) W(20) W(21) W(22) W(23) W(24) W(25) W(26) W(27) W(28)
		W(29) W(30) W(31) W(32)
#undef W
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

/* Moves the position state to posting i of the decoded block. */
static const uint8_t *chunk_at(struct nd_postings_cursor *c, uint32_t i)
{
	if (i < c->pos_i) {
		c->pos_p = c->pos_block;
		c->pos_i = 0;
	}
	while (c->pos_i < i) {
		uint32_t j = c->pos_i++;
		c->pos_p = nd_varint_skip(c->pos_p, c->tf[ND_FIELD_TITLE][j] + c->tf[ND_FIELD_BODY][j]);
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
	if (l->blocks && n == ND_POSTINGS_BLOCK) {
		nd_postings_unpack_block(p, prev, c->docs, tt, tb);
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

uint32_t nd_postings_next(struct nd_postings_cursor *c)
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

uint32_t nd_postings_advance(struct nd_postings_cursor *c, uint32_t target)
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

const float *nd_postings_block_at(struct nd_postings_cursor *c, uint32_t target, uint32_t *last)
{
	const struct nd_postings_block *bl = c->list.blocks;
	uint32_t b = c->shallow;

	if (!bl) {
		*last = ND_DOC_END - 1;
		return c->list.max_ratio;
	}
	while (b < c->nblocks && bl[b].last_doc < target)
		b++;
	if (b >= c->nblocks)
		return NULL;
	c->shallow = b;
	*last = bl[b].last_doc;
	return bl[b].max_ratio;
}
