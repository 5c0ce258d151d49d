#include "helpers/cmocka.h"

#include "core/str.h"

static void test_utf8_valid(void **state)
{
	const char ok[] = "ascii, café, Москва, 東京, 😀";
	size_t at = 0;

	assert_true(nd_utf8_valid(ok, sizeof(ok) - 1, NULL));
	assert_true(nd_utf8_valid("", 0, NULL));
	assert_false(nd_utf8_valid("ab\xff", 3, &at));
	assert_int_equal(at, 2);
	assert_false(nd_utf8_valid("\xc3", 1, &at)); /* truncated */
	assert_int_equal(at, 0);
	assert_false(nd_utf8_valid("\xc0\xaf", 2, NULL));         /* overlong '/' */
	assert_false(nd_utf8_valid("\xe0\x80\xaf", 3, NULL));     /* overlong */
	assert_false(nd_utf8_valid("\xed\xa0\x80", 3, NULL));     /* surrogate */
	assert_false(nd_utf8_valid("\xf4\x90\x80\x80", 4, NULL)); /* > U+10FFFF */
	assert_false(nd_utf8_valid("x\xe2\x82", 3, &at));         /* cut short */
	assert_int_equal(at, 1);
	assert_true(nd_utf8_valid("\xf4\x8f\xbf\xbf", 4, NULL)); /* U+10FFFF */
}

static void test_slices(void **state)
{
	struct nd_str s = {"hello world", 5};

	assert_true(nd_str_eqs(s, "hello"));
	assert_false(nd_str_eqs(s, "hello world"));
	assert_true(nd_str_startswith(s, "he"));
	assert_false(nd_str_startswith(s, "hello!"));
	assert_true(nd_str_eq(ND_STR_LIT("ab"), nd_str_from("ab")));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_utf8_valid),
	    cmocka_unit_test(test_slices),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
