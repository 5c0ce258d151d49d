/* Tests for src/handler/sitemap.c: splitting the articles into files. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "handler/handler_int.h"

static void test_parts(void **state)
{
	(void)state;
	assert_int_equal(nd__sitemap_parts(0, 3), 0);
	assert_int_equal(nd__sitemap_parts(1, 3), 1);
	assert_int_equal(nd__sitemap_parts(3, 3), 1);
	assert_int_equal(nd__sitemap_parts(4, 3), 2);
	assert_int_equal(nd__sitemap_parts(7, 3), 3);
	assert_int_equal(nd__sitemap_parts(5, 0), 0);
	assert_int_equal(nd__sitemap_parts(50000, ND_SITEMAP_URLS), 1);
	assert_int_equal(nd__sitemap_parts(50001, ND_SITEMAP_URLS), 2);
}

static void test_part_ranges(void **state)
{
	size_t from = 99, to = 99;

	(void)state;
	assert_false(nd__sitemap_part(7, 3, 0, &from, &to));
	assert_true(nd__sitemap_part(7, 3, 1, &from, &to));
	assert_int_equal(from, 0);
	assert_int_equal(to, 3);
	assert_true(nd__sitemap_part(7, 3, 2, &from, &to));
	assert_int_equal(from, 3);
	assert_int_equal(to, 6);
	assert_true(nd__sitemap_part(7, 3, 3, &from, &to));
	assert_int_equal(from, 6);
	assert_int_equal(to, 7);
	assert_false(nd__sitemap_part(7, 3, 4, &from, &to));
	assert_false(nd__sitemap_part(0, 3, 1, &from, &to));
	/* Every article lands in exactly one file, each file at most per. */
	for (size_t count = 0; count < 40; count++) {
		size_t next = 0;
		for (size_t n = 1; nd__sitemap_part(count, 4, n, &from, &to); n++) {
			assert_int_equal(from, next);
			assert_true(to > from && to - from <= 4);
			next = to;
		}
		assert_int_equal(next, count);
	}
	assert_true(nd__sitemap_part(120000, ND_SITEMAP_URLS, 3, &from, &to));
	assert_int_equal(from, 100000);
	assert_int_equal(to, 120000);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_parts),
	    cmocka_unit_test(test_part_ranges),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
