/* Tests for src/handler/admin_revisions.c: the body's diff as page rows. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <string.h>

#include "handler/admin_int.h"

/* The rows as one string: "=text" same, "-text", "+text", "~N" a gap. */
static void expect_rows(const char *a, const char *b, size_t context, const char *want)
{
	json_t *rows = nd__admin_diff_rows(a, b, context), *r;
	char got[1024] = "";
	size_t i;

	json_array_foreach(rows, i, r)
	{
		json_t *gap = json_object_get(r, "gap");
		const char *op = json_string_value(json_object_get(r, "op"));
		size_t len = strlen(got);

		if (gap)
			snprintf(got + len, sizeof(got) - len, "~%lld|",
			         (long long)json_integer_value(gap));
		else
			snprintf(got + len, sizeof(got) - len, "%c%s|",
			         !strcmp(op, "same")  ? '='
			         : !strcmp(op, "del") ? '-'
			                              : '+',
			         json_string_value(json_object_get(r, "text")));
	}
	json_decref(rows);
	assert_string_equal(got, want);
}

static void test_equal(void **state)
{
	(void)state;
	expect_rows("a\nb\nc", "a\nb\nc", 3, "");
	expect_rows("", "", 3, "");
}

static void test_change_with_context(void **state)
{
	(void)state;
	expect_rows("1\n2\n3\n4\n5\n6\n7\n8\n9", "1\n2\n3\n4\nFIVE\n6\n7\n8\n9", 1,
	            "~3|=4|-5|+FIVE|=6|~3|");
	expect_rows("1\n2\n3", "1\nX\n3", 3, "=1|-2|+X|=3|");
}

static void test_numbers(void **state)
{
	json_t *rows = nd__admin_diff_rows("a\nb\n", "a\nc\nd\n", 3);

	(void)state;
	assert_int_equal(json_array_size(rows), 4);
	/* "a" is line 1 on both sides; "b" is old line 2; "c", "d" new 2 and 3. */
	assert_int_equal(json_integer_value(json_object_get(json_array_get(rows, 0), "new")), 1);
	assert_int_equal(json_integer_value(json_object_get(json_array_get(rows, 1), "old")), 2);
	assert_null(json_object_get(json_array_get(rows, 1), "new"));
	assert_int_equal(json_integer_value(json_object_get(json_array_get(rows, 3), "new")), 3);
	assert_null(json_object_get(json_array_get(rows, 3), "old"));
	assert_string_equal(json_string_value(json_object_get(json_array_get(rows, 3), "mark")),
	                    "+");
	assert_true(json_is_true(json_object_get(json_array_get(rows, 3), "ins")));
	json_decref(rows);
}

static void test_two_changes_far_apart(void **state)
{
	(void)state;
	expect_rows("x\n1\n2\n3\n4\n5\ny", "X\n1\n2\n3\n4\n5\nY", 1, "-x|+X|=1|~3|=5|-y|+Y|");
	/* Close changes share their context. */
	expect_rows("x\n1\ny", "X\n1\nY", 1, "-x|+X|=1|-y|+Y|");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_equal),
	    cmocka_unit_test(test_change_with_context),
	    cmocka_unit_test(test_numbers),
	    cmocka_unit_test(test_two_changes_far_apart),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
