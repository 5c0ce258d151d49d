/* Tests for src/encode/gzip.c and brotli.c: pieces stitch into valid streams. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "core/err.h"
#include "encode/brotli.h"
#include "encode/gzip.h"

/* Text that compresses like a page: markup repeated, words varied. */
static void page_text(struct nd_buf *b, unsigned seed, size_t len)
{
	static const char *const words[] = {"<li class=\"card\">",
	                                    "</li>",
	                                    "news",
	                                    "market",
	                                    "the",
	                                    "of",
	                                    "Capaldi",
	                                    "<a href=\"/world\">",
	                                    "</a>",
	                                    "12,345",
	                                    "\n",
	                                    "\xc3\xa9t\xc3\xa9"};

	srand(seed);
	while (b->len < len) {
		nd_buf_adds(b, words[rand() % 12]);
		if (rand() % 7 == 0)
			nd_buf_addch(b, (char)(' ' + rand() % 90));
		nd_buf_addch(b, ' ');
	}
	nd_buf_truncate(b, len);
}

/* Stitches the given texts: even ones as kept pieces (level 9), odd
 * ones as quick pieces; checks that gunzip gives their concatenation. */
static void stitch_and_check(struct nd_buf *texts, size_t n)
{
	struct nd_buf gz = ND_BUF_INIT, plain = ND_BUF_INIT, out = ND_BUF_INIT;
	unsigned char tail[ND_GZIP_TRAILER_LEN];
	uint32_t crc = 0, qcrc;

	nd_buf_add(&gz, nd_gzip_header, ND_GZIP_HEADER_LEN);
	for (size_t i = 0; i < n; i++) {
		if (i % 2 == 0)
			assert_int_equal(nd_gzip_piece(texts[i].buf, texts[i].len, 9, &gz), 0);
		else {
			assert_int_equal(
			    nd_gzip_piece_quick(texts[i].buf, texts[i].len, &gz, &qcrc), 0);
			assert_int_equal(qcrc, nd_gzip_crc(0, texts[i].buf, texts[i].len));
		}
		crc = nd_gzip_crc_combine(crc, nd_gzip_crc(0, texts[i].buf, texts[i].len),
		                          texts[i].len);
		nd_buf_add(&plain, texts[i].buf, texts[i].len);
	}
	assert_int_equal(crc, nd_gzip_crc(0, plain.buf, plain.len));
	nd_gzip_trailer(crc, plain.len, tail);
	nd_buf_add(&gz, tail, sizeof(tail));
	assert_int_equal(nd_gunzip(gz.buf, gz.len, &out), 0);
	assert_int_equal(out.len, plain.len);
	assert_memory_equal(out.buf, plain.buf, plain.len);
	nd_buf_release(&gz);
	nd_buf_release(&plain);
	nd_buf_release(&out);
}

static void test_stitched_pieces(void **state)
{
	(void)state;
	/* Many shapes: empty pieces, tiny (stored) and long (deflated) values,
	 * a piece over 64 KB (several stored blocks would be needed). */
	static const size_t sizes[][5] = {
	    {0, 0, 0, 0, 0},          {5000, 6, 3000, 0, 9000}, {1, 63, 64, 65, 1},
	    {17000, 1500, 1, 2, 300}, {70000, 70000, 0, 1, 0},
	};
	for (size_t k = 0; k < sizeof(sizes) / sizeof(sizes[0]); k++) {
		struct nd_buf t[5];

		for (size_t i = 0; i < 5; i++) {
			nd_buf_init(&t[i], 0);
			page_text(&t[i], (unsigned)(k * 5 + i), sizes[k][i]);
		}
		stitch_and_check(t, 5);
		for (size_t i = 0; i < 5; i++)
			nd_buf_release(&t[i]);
	}
}

static void test_random_stitches(void **state)
{
	(void)state;
	for (unsigned round = 0; round < 200; round++) {
		struct nd_buf t[7];
		size_t n = 1 + round % 7;

		srand(round * 7919);
		for (size_t i = 0; i < n; i++) {
			size_t len = (size_t)rand() % (i % 2 ? 2000 : 12000);

			nd_buf_init(&t[i], 0);
			page_text(&t[i], round * 31 + (unsigned)i, len);
		}
		stitch_and_check(t, n);
		for (size_t i = 0; i < n; i++)
			nd_buf_release(&t[i]);
	}
}

/* A quick piece asked for again comes from the cache: the same bytes and
 * CRC, and it still stitches (a page answered twice). */
static void test_quick_pieces_kept(void **state)
{
	struct nd_buf t[3], a = ND_BUF_INIT, b = ND_BUF_INIT;
	uint32_t ca, cb;

	(void)state;
	for (size_t i = 0; i < 3; i++) {
		nd_buf_init(&t[i], 0);
		page_text(&t[i], 77 + (unsigned)i, i == 1 ? 1800 : 5000);
	}
	assert_int_equal(nd_gzip_piece_quick(t[1].buf, t[1].len, &a, &ca), 0);
	assert_int_equal(nd_gzip_piece_quick(t[1].buf, t[1].len, &b, &cb), 0);
	assert_int_equal(ca, cb);
	assert_int_equal(a.len, b.len);
	assert_memory_equal(a.buf, b.buf, a.len);
	/* Same length, one byte apart: not taken for the other. */
	t[1].buf[900] ^= 1;
	nd_buf_reset(&b);
	assert_int_equal(nd_gzip_piece_quick(t[1].buf, t[1].len, &b, &cb), 0);
	assert_int_not_equal(ca, cb);
	stitch_and_check(t, 3);
	stitch_and_check(t, 3);
	for (size_t i = 0; i < 3; i++)
		nd_buf_release(&t[i]);
	nd_buf_release(&a);
	nd_buf_release(&b);
}

static void test_gunzip_refuses_damage(void **state)
{
	struct nd_buf gz = ND_BUF_INIT, out = ND_BUF_INIT, t = ND_BUF_INIT;
	unsigned char tail[ND_GZIP_TRAILER_LEN];

	(void)state;
	page_text(&t, 1, 4000);
	nd_buf_add(&gz, nd_gzip_header, ND_GZIP_HEADER_LEN);
	assert_int_equal(nd_gzip_piece(t.buf, t.len, 6, &gz), 0);
	/* A wrong CRC. */
	nd_gzip_trailer(nd_gzip_crc(0, t.buf, t.len) ^ 1, t.len, tail);
	nd_buf_add(&gz, tail, sizeof(tail));
	assert_int_equal(nd_gunzip(gz.buf, gz.len, &out), ND_EINVAL);
	/* Cut short. */
	nd_buf_reset(&out);
	assert_int_equal(nd_gunzip(gz.buf, gz.len - 12, &out), ND_EINVAL);
	nd_buf_release(&gz);
	nd_buf_release(&out);
	nd_buf_release(&t);
}

static void test_brotli_round_trip(void **state)
{
	struct nd_buf t = ND_BUF_INIT, br = ND_BUF_INIT, out = ND_BUF_INIT;

	(void)state;
	page_text(&t, 9, 20000);
	assert_int_equal(nd_brotli(t.buf, t.len, ND_BROTLI_QUALITY_PAGE, &br), 0);
	assert_true(br.len < t.len / 2);
	assert_int_equal(nd_unbrotli(br.buf, br.len, &out), 0);
	assert_int_equal(out.len, t.len);
	assert_memory_equal(out.buf, t.buf, t.len);
	nd_buf_reset(&out);
	assert_int_equal(nd_unbrotli(br.buf, br.len / 2, &out), ND_EINVAL);
	/* Empty text: a valid empty stream. */
	nd_buf_reset(&br);
	nd_buf_reset(&out);
	assert_int_equal(nd_brotli("", 0, ND_BROTLI_QUALITY_BEST, &br), 0);
	assert_int_equal(nd_unbrotli(br.buf, br.len, &out), 0);
	assert_int_equal(out.len, 0);
	nd_buf_release(&t);
	nd_buf_release(&br);
	nd_buf_release(&out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_stitched_pieces),   cmocka_unit_test(test_random_stitches),
	    cmocka_unit_test(test_quick_pieces_kept), cmocka_unit_test(test_gunzip_refuses_damage),
	    cmocka_unit_test(test_brotli_round_trip),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
