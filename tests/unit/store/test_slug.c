/* Tests for src/store/slug.c. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "core/buf.h"
#include "core/str.h"
#include "store/slug.h"

/* Asserts that slugify(in, max_len) gives want. */
static void check_max(const char *in, size_t max_len, const char *want)
{
	struct nd_buf b = ND_BUF_INIT;

	nd_slugify(in, max_len, &b);
	assert_int_equal(nd_buf_err(&b), 0);
	assert_string_equal(b.buf, want);
	assert_true(b.len <= max_len);
	assert_true(nd_utf8_valid(b.buf, b.len, NULL));
	nd_buf_release(&b);
}

static void check(const char *in, const char *want)
{
	check_max(in, 120, want);
}

static void test_ascii(void **state)
{
	check("Hello, World!", "hello-world");
	check("hello-world", "hello-world");
	check("  Leading and trailing  ", "leading-and-trailing");
	check("a -- b __ c", "a-b-c");
	check("2024: Year in Review", "2024-year-in-review");
	check("snake_case_name", "snake-case-name");
	check("x", "x");
}

static void test_latin_diacritics(void **state)
{
	check("Café crème à Paris", "cafe-creme-a-paris");
	check("Straße", "strasse");
	check("STRASSE", "strasse");
	check("Tiếng Việt", "tieng-viet");
	check("İstanbul", "istanbul");
	check("Łódź and Ærø", "lodz-and-aero");
	check("Þór Œuvre", "thor-oeuvre");
	/* Decomposed input gives the same slug as precomposed. */
	check("Cafe\xcc\x81", "cafe");
}

static void test_other_scripts(void **state)
{
	check("Москва 2024", "москва-2024");
	check("東京", "東京");
	check("Αθήνα", "αθηνα");
	/* Marks that are part of the spelling survive, recomposed. */
	check("Зимний", "зимний");
	check("ガイド", "ガイド");
	check("서울 특별시", "서울-특별시");
	check("हिन्दी", "हिन्दी");
	check("مرحبا بالعالم", "مرحبا-بالعالم");
}

static void test_compatibility_forms(void **state)
{
	check("ﬁsh", "fish");                    /* ligature */
	check("ＡＢＣ１２３", "abc123");         /* full width */
	check("ｶﾞｲﾄﾞ", "ガイド");                /* half-width katakana */
	check("Bundes\xc2\xadtag", "bundestag"); /* soft hyphen vanishes */
}

static void test_nothing_left(void **state)
{
	check("  --  ", "");
	check("", "");
	check("!!! ??? ...", "");
	check("\xf0\x9f\x8e\x89", ""); /* an emoji */
	check_max("hello", 0, "");
}

static void test_separators(void **state)
{
	check("l'économie 🎉 fin", "l-economie-fin");
	check("a/b\\c|d", "a-b-c-d");
	check("tab\tnew\nline", "tab-new-line");
}

static void test_invalid_utf8_dropped(void **state)
{
	check("ab\xff"
	      "cd",
	      "abcd");
	check("\xc3(x", "x");
	check("\xed\xa0\x80surrogate", "surrogate");
}

static void test_cut_on_dash(void **state)
{
	check_max("hello wonderful world", 15, "hello-wonderful");
	check_max("hello wonderful world", 16, "hello-wonderful");
	check_max("hello wonderful world", 14, "hello");
	/* One long word: a hard cut. */
	check_max("abcdefghijklmnopqrstuvwxyz", 10, "abcdefghij");
	/* Words stay whole, however short the first one is. */
	check_max("a bcdefghijklmnopqrstuvwxyz", 10, "a");
}

static void test_cut_never_splits_utf8(void **state)
{
	/* "москва" is 12 bytes; 2 bytes per letter. */
	check_max("москва", 11, "москв");
	check_max("москва", 1, "");
	/* 3 bytes per character. */
	check_max("東京都", 7, "東京");
	check_max("東京都", 8, "東京");
	check_max("東京都", 9, "東京都");
}

static void test_appends(void **state)
{
	struct nd_buf b = ND_BUF_INIT;

	nd_buf_adds(&b, "tag/");
	nd_slugify("Hello World", 120, &b);
	assert_string_equal(b.buf, "tag/hello-world");
	nd_slugify("!!!", 120, &b);
	assert_string_equal(b.buf, "tag/hello-world");
	nd_buf_release(&b);
}

static void test_long_input(void **state)
{
	struct nd_buf in = ND_BUF_INIT, out = ND_BUF_INIT;

	for (int i = 0; i < 2000; i++)
		nd_buf_adds(&in, "Éléphant rose ");
	nd_slugify(in.buf, 120, &out);
	assert_true(out.len <= 120);
	assert_true(out.len > 100);
	assert_true(nd_str_startswith(nd_str_from(out.buf), "elephant-rose-elephant"));
	assert_true(out.buf[out.len - 1] != '-');
	nd_buf_release(&in);
	nd_buf_release(&out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_ascii),
	    cmocka_unit_test(test_latin_diacritics),
	    cmocka_unit_test(test_other_scripts),
	    cmocka_unit_test(test_compatibility_forms),
	    cmocka_unit_test(test_nothing_left),
	    cmocka_unit_test(test_separators),
	    cmocka_unit_test(test_invalid_utf8_dropped),
	    cmocka_unit_test(test_cut_on_dash),
	    cmocka_unit_test(test_cut_never_splits_utf8),
	    cmocka_unit_test(test_appends),
	    cmocka_unit_test(test_long_input),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
