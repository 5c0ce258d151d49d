#include "helpers/cmocka.h"

#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "index/postings.h"
#include "index/index_fixture.h"

static void test_varint_round_trip(void **state)
{
	static const uint32_t vals[] = {
	    0,       1,       127,       128,      255,      16383,          16384,
	    2097151, 2097152, 268435455, 1u << 28, 1u << 31, UINT32_MAX - 1, UINT32_MAX};
	static const int lens[] = {1, 1, 1, 2, 2, 2, 3, 3, 4, 4, 5, 5, 5, 5};
	uint8_t buf[16 * ND_COUNT(vals)], *p = buf;
	const uint8_t *q = buf;

	for (size_t i = 0; i < ND_COUNT(vals); i++) {
		uint8_t *start = p;
		p = nd_varint_put(p, vals[i]);
		assert_int_equal(p - start, lens[i]);
	}
	for (size_t i = 0; i < ND_COUNT(vals); i++) {
		uint32_t v;
		q = nd_varint_get(q, &v);
		assert_int_equal(v, vals[i]);
	}
	assert_ptr_equal(q, p);
	assert_ptr_equal(nd_varint_skip(buf, ND_COUNT(vals)), p);
}

static void test_bitpack_every_width(void **state)
{
	uint64_t rng = 42;

	for (unsigned w = 0; w <= 32; w++) {
		uint32_t in[ND_POSTINGS_BLOCK], out[ND_POSTINGS_BLOCK];
		uint8_t packed[16 * 32 + ND_POSTINGS_PAD];
		uint64_t mask = ((uint64_t)1 << w) - 1;

		memset(packed, 0xAA, sizeof(packed));
		for (int i = 0; i < ND_POSTINGS_BLOCK; i++)
			in[i] = (uint32_t)(fx_rand(&rng) & mask);
		if (w)
			in[7] = (uint32_t)mask; /* the widest value */
		assert_int_equal(nd_bitwidth(w ? (uint32_t)mask : 0), w);
		nd_bitpack(in, w, packed);
		nd_bitunpack(packed, w, out);
		assert_memory_equal(in, out, sizeof(in));
	}
}

static void test_vint_posting_round_trip(void **state)
{
	static const uint32_t cases[][3] = {
	    {1, 0, 1},   {1, 1, 0},        {2, 0, 1},       {1, 3, 7},
	    {200, 0, 2}, {1u << 31, 0, 1}, {5, 1000000, 1},
	};
	uint8_t buf[ND_COUNT(cases) * ND_POSTINGS_VINT_MAX], *p = buf;
	const uint8_t *q = buf;

	for (size_t i = 0; i < ND_COUNT(cases); i++)
		p = nd_postings_put_vint(p, cases[i][0], cases[i][1], cases[i][2]);
	/* The common case, body tf 1 and a small gap, takes one byte. */
	assert_int_equal(nd_postings_put_vint(buf + 0, 1, 0, 1) - buf, 1);
	for (size_t i = 0; i < ND_COUNT(cases); i++) {
		uint32_t gap, t, b;
		q = nd_postings_get_vint(q, &gap, &t, &b);
		assert_int_equal(gap, cases[i][0]);
		assert_int_equal(t, cases[i][1]);
		assert_int_equal(b, cases[i][2]);
	}
}

static void test_block_round_trip(void **state)
{
	uint64_t rng = 7;

	for (int round = 0; round < 50; round++) {
		uint32_t docs[ND_POSTINGS_BLOCK], tt[ND_POSTINGS_BLOCK], tb[ND_POSTINGS_BLOCK];
		uint32_t d2[ND_POSTINGS_BLOCK], tt2[ND_POSTINGS_BLOCK], tb2[ND_POSTINGS_BLOCK];
		uint8_t buf[ND_POSTINGS_PACKED_MAX + ND_POSTINGS_PAD];
		uint32_t prev = round % 2 ? ND_DOC_END : fx_below(&rng, 1000), d = prev;
		uint32_t spread = 1u << (round % 20);
		size_t len;

		for (int i = 0; i < ND_POSTINGS_BLOCK; i++) {
			d += 1 + fx_below(&rng, spread);
			docs[i] = d;
			tt[i] = round % 3 ? 0 : fx_below(&rng, 4);
			tb[i] = 1 + fx_below(&rng, round % 5 + 1);
		}
		len = nd_postings_pack_block(buf, prev, docs, tt, tb);
		assert_true(len <= ND_POSTINGS_PACKED_MAX);
		assert_int_equal(nd_postings_unpack_block(buf, prev, d2, tt2, tb2), len);
		assert_memory_equal(docs, d2, sizeof(docs));
		assert_memory_equal(tt, tt2, sizeof(tt));
		assert_memory_equal(tb, tb2, sizeof(tb));
	}
}

static void test_dense_block_is_small(void **state)
{
	uint32_t docs[ND_POSTINGS_BLOCK], tt[ND_POSTINGS_BLOCK] = {0}, tb[ND_POSTINGS_BLOCK];
	uint8_t buf[ND_POSTINGS_PACKED_MAX];

	for (int i = 0; i < ND_POSTINGS_BLOCK; i++) {
		docs[i] = (uint32_t)i;
		tb[i] = 1;
	}
	/* Gaps of 1 and no title need 0 bits; body tfs of 1 need 1 bit. */
	assert_int_equal(nd_postings_pack_block(buf, ND_DOC_END, docs, tt, tb), 3 + 16);
}

/* A list encoded as a segment encodes it: full blocks packed with a block
 * table (table) or varint runs only (!table, as builders keep lists). */
struct list {
	uint32_t *docs, *tf[ND_FIELD_COUNT];
	uint32_t n;
	struct nd_buf post, pos;
	struct nd_postings_block *blocks;
	struct nd_postings_list l;
};

/* Positions of posting i in field f: tf values from a simple rule. */
static uint32_t pos_of(uint32_t i, int f, uint32_t j)
{
	return (uint32_t)(i % 7 + f * 1000 + j * (2 + i % 3));
}

static void list_make(struct list *L, uint64_t *rng, uint32_t n, uint32_t spread, bool table)
{
	uint32_t d = ND_DOC_END, nblocks = (n + ND_POSTINGS_BLOCK - 1) / ND_POSTINGS_BLOCK;

	memset(L, 0, sizeof(*L));
	L->n = n;
	L->docs = nd_xcalloc(n + 1, sizeof(uint32_t));
	for (int f = 0; f < ND_FIELD_COUNT; f++)
		L->tf[f] = nd_xcalloc(n + 1, sizeof(uint32_t));
	for (uint32_t i = 0; i < n; i++) {
		d += 1 + fx_below(rng, spread);
		L->docs[i] = d;
		L->tf[0][i] = fx_below(rng, 3);
		L->tf[1][i] = L->tf[0][i] ? fx_below(rng, 3) : 1 + fx_below(rng, 3);
	}
	nd_buf_init(&L->post, 0);
	nd_buf_init(&L->pos, 0);
	table = table && n > ND_POSTINGS_BLOCK;
	L->blocks = nd_xcalloc(nblocks + 1, sizeof(*L->blocks));
	for (uint32_t b = 0; b < nblocks; b++) {
		uint32_t lo = b * ND_POSTINGS_BLOCK, cnt = n - lo;
		uint32_t prev = b ? L->docs[lo - 1] : ND_DOC_END;
		uint8_t tmp[ND_POSTINGS_PACKED_MAX + ND_POSTINGS_BLOCK * ND_POSTINGS_VINT_MAX];
		size_t len = 0;

		if (cnt > ND_POSTINGS_BLOCK)
			cnt = ND_POSTINGS_BLOCK;
		L->blocks[b].last_doc = L->docs[lo + cnt - 1];
		L->blocks[b].post_off = (uint32_t)L->post.len;
		L->blocks[b].pos_off = (uint32_t)L->pos.len;
		L->blocks[b].max_x = (float)b + 0.5f;
		if (table && cnt == ND_POSTINGS_BLOCK) {
			len = nd_postings_pack_block(tmp, prev, L->docs + lo, L->tf[0] + lo,
			                             L->tf[1] + lo);
		} else {
			uint8_t *p = tmp;
			for (uint32_t i = lo; i < lo + cnt; i++) {
				p = nd_postings_put_vint(p, L->docs[i] - prev, L->tf[0][i],
				                         L->tf[1][i]);
				prev = L->docs[i];
			}
			len = (size_t)(p - tmp);
		}
		nd_buf_add(&L->post, tmp, len);
		for (uint32_t i = lo; i < lo + cnt; i++) {
			for (int f = 0; f < ND_FIELD_COUNT; f++) {
				uint32_t last = 0;
				for (uint32_t j = 0; j < L->tf[f][i]; j++) {
					uint8_t v[5];
					uint32_t x = pos_of(i, f, j);
					nd_buf_add(&L->pos, v,
					           (size_t)(nd_varint_put(v, x - last) - v));
					last = x;
				}
			}
		}
	}
	nd_buf_add(&L->post, "\0\0\0\0\0\0\0\0", ND_POSTINGS_PAD);
	nd_buf_add(&L->pos, "\0\0\0\0\0\0\0\0", ND_POSTINGS_PAD);
	L->l.post = (const uint8_t *)L->post.buf;
	L->l.pos = (const uint8_t *)L->pos.buf;
	L->l.blocks = table ? L->blocks : NULL;
	L->l.df = n;
	L->l.max_x = 99;
}

static void list_release(struct list *L)
{
	free(L->docs);
	for (int f = 0; f < ND_FIELD_COUNT; f++)
		free(L->tf[f]);
	free(L->blocks);
	nd_buf_release(&L->post);
	nd_buf_release(&L->pos);
}

static const uint32_t sizes[] = {1, 2, 127, 128, 129, 255, 256, 257, 1000, 5000};

static void check_posting(struct nd_postings_cursor *c, const struct list *L, uint32_t i)
{
	uint32_t pos[64];

	assert_int_equal(c->doc, L->docs[i]);
	for (int f = 0; f < ND_FIELD_COUNT; f++) {
		assert_int_equal(nd_postings_tf(c, f), L->tf[f][i]);
		assert_int_equal(nd_postings_positions(c, f, pos), L->tf[f][i]);
		for (uint32_t j = 0; j < L->tf[f][i]; j++)
			assert_int_equal(pos[j], pos_of(i, f, j));
	}
}

static void test_cursor_reads_every_posting(void **state)
{
	uint64_t rng = 1;
	struct nd_postings_cursor *c = nd_xmalloc(sizeof(*c));

	for (int table = 0; table < 2; table++) {
		for (size_t k = 0; k < ND_COUNT(sizes); k++) {
			struct list L;
			uint32_t i = 0;

			list_make(&L, &rng, sizes[k], 1 + (uint32_t)k * 5, table);
			nd_postings_open(c, &L.l);
			for (uint32_t d = c->doc; d != ND_DOC_END; d = nd_postings_next(c)) {
				assert_true(i < L.n);
				check_posting(c, &L, i);
				i++;
			}
			assert_int_equal(i, L.n);
			assert_int_equal(nd_postings_next(c), ND_DOC_END);
			list_release(&L);
		}
	}
	free(c);
}

static void test_cursor_advance_matches_a_scan(void **state)
{
	uint64_t rng = 2;
	struct nd_postings_cursor *c = nd_xmalloc(sizeof(*c));

	for (int table = 0; table < 2; table++) {
		for (size_t k = 0; k < ND_COUNT(sizes); k++) {
			for (int round = 0; round < 20; round++) {
				struct list L;
				uint32_t target = 0, i = 0, last;

				list_make(&L, &rng, sizes[k], 1 + fx_below(&rng, 50), table);
				last = L.docs[L.n - 1];
				nd_postings_open(c, &L.l);
				for (;;) {
					uint32_t got;
					/* Steps from tiny to past several blocks. */
					target += fx_below(&rng, 1 + (1u << fx_below(&rng, 14)));
					got = nd_postings_advance(c, target);
					while (i < L.n && L.docs[i] < target)
						i++;
					if (i == L.n) {
						assert_int_equal(got, ND_DOC_END);
						break;
					}
					assert_int_equal(got, L.docs[i]);
					if (fx_below(&rng, 3) == 0)
						check_posting(c, &L, i);
					if (target > last)
						break;
				}
				list_release(&L);
			}
		}
	}
	free(c);
}

static void test_chunks_follow_tfs(void **state)
{
	uint64_t rng = 3;
	struct nd_postings_cursor *c = nd_xmalloc(sizeof(*c));
	struct list L;
	uint32_t i = 0;

	list_make(&L, &rng, 700, 3, true);
	nd_postings_open(c, &L.l);
	for (uint32_t d = c->doc; d != ND_DOC_END; d = nd_postings_next(c), i++) {
		size_t len;
		const uint8_t *p = nd_postings_chunk(c, &len);
		uint32_t n = L.tf[0][i] + L.tf[1][i];
		assert_ptr_equal(nd_varint_skip(p, n), p + len);
		/* Positions after a chunk read still decode right. */
		if (i % 5 == 0)
			check_posting(c, &L, i);
	}
	list_release(&L);
	free(c);
}

static void test_block_at_is_shallow(void **state)
{
	uint64_t rng = 4;
	struct nd_postings_cursor *c = nd_xmalloc(sizeof(*c));
	struct list L;
	uint32_t last;

	list_make(&L, &rng, 1000, 4, true);
	nd_postings_open(c, &L.l);
	for (uint32_t b = 0; b < 8; b++) {
		uint32_t target = L.docs[b * ND_POSTINGS_BLOCK] + (b == 3 ? 1 : 0);
		assert_true(nd_postings_block_at(c, target, &last) == (float)b + 0.5f);
		assert_int_equal(last, L.blocks[b].last_doc);
		/* The cursor itself has not moved. */
		assert_int_equal(c->doc, L.docs[0]);
	}
	assert_true(nd_postings_block_at(c, L.docs[999] + 1, &last) < 0);
	list_release(&L);

	/* Without a table the whole list's value holds everywhere. */
	list_make(&L, &rng, 100, 4, false);
	nd_postings_open(c, &L.l);
	assert_true(nd_postings_block_at(c, 50, &last) == 99.0f);
	assert_int_equal(last, ND_DOC_END - 1);
	list_release(&L);
	free(c);
}

static void test_range_max(void **state)
{
	uint64_t rng = 5;
	struct nd_postings_cursor *c = nd_xmalloc(sizeof(*c));
	struct list L;
	uint32_t b3 = 3 * ND_POSTINGS_BLOCK;

	list_make(&L, &rng, 1000, 4, true);
	nd_postings_open(c, &L.l);
	/* Inside block 3 only, then reaching into block 5. */
	assert_true(nd_postings_range_max(c, L.docs[b3], L.docs[b3 + 10]) == 3.5f);
	assert_true(nd_postings_range_max(c, L.docs[b3 + 1], L.docs[5 * ND_POSTINGS_BLOCK]) ==
	            5.5f);
	/* A range between two docs still counts the block that could hold
	 * it (the table knows blocks, not gaps). */
	assert_true(nd_postings_range_max(c, L.docs[7 * ND_POSTINGS_BLOCK + 2] + 1,
	                                  L.docs[7 * ND_POSTINGS_BLOCK + 3] - 1) >= 7.5f ||
	            L.docs[7 * ND_POSTINGS_BLOCK + 3] == L.docs[7 * ND_POSTINGS_BLOCK + 2] + 1);
	assert_true(nd_postings_range_max(c, L.docs[999] + 1, ND_DOC_END - 1) < 0);
	/* Docs behind the cursor do not count. */
	nd_postings_open(c, &L.l);
	nd_postings_advance(c, L.docs[600]);
	assert_true(nd_postings_range_max(c, 0, L.docs[599]) < 0);
	list_release(&L);

	/* One decoded block: the answer follows its docs exactly. */
	list_make(&L, &rng, 50, 10, false);
	nd_postings_open(c, &L.l);
	assert_true(nd_postings_range_max(c, L.docs[3], L.docs[3]) == 99.0f);
	if (L.docs[4] > L.docs[3] + 1)
		assert_true(nd_postings_range_max(c, L.docs[3] + 1, L.docs[4] - 1) < 0);
	list_release(&L);
	free(c);
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_varint_round_trip),
	    cmocka_unit_test(test_bitpack_every_width),
	    cmocka_unit_test(test_vint_posting_round_trip),
	    cmocka_unit_test(test_block_round_trip),
	    cmocka_unit_test(test_dense_block_is_small),
	    cmocka_unit_test(test_cursor_reads_every_posting),
	    cmocka_unit_test(test_cursor_advance_matches_a_scan),
	    cmocka_unit_test(test_chunks_follow_tfs),
	    cmocka_unit_test(test_block_at_is_shallow),
	    cmocka_unit_test(test_range_max),
	};

	/* One test alone: test_search test_phrases (a glob). */
	if (argc > 1)
		cmocka_set_test_filter(argv[1]);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
