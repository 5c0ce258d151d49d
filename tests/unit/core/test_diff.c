/* Tests for src/core/diff.c: the line diff of revisions. */
#include "helpers/cmocka.h"

#include <stdlib.h>
#include <string.h>

#include "core/diff.h"

static void expect(const char *a, const char *b, const char *want)
{
	struct nd_buf out = ND_BUF_INIT;

	nd_diff_text(a, strlen(a), b, strlen(b), &out);
	assert_string_equal(out.buf, want);
	nd_buf_release(&out);
}

static void test_equal_and_empty(void **state)
{
	(void)state;
	expect("", "", "");
	expect("a\nb\n", "a\nb\n", "  a\n  b\n");
	expect("", "x\n", "+ x\n");
	expect("x\n", "", "- x\n");
	/* A last line without '\n' is the same line. */
	expect("a\nb", "a\nb\n", "  a\n  b\n");
}

static void test_changes(void **state)
{
	(void)state;
	expect("a\nb\nc\n", "a\nB\nc\n", "  a\n- b\n+ B\n  c\n");
	expect("a\nc\n", "a\nb\nc\n", "  a\n+ b\n  c\n");
	expect("a\nb\nc\n", "a\nc\n", "  a\n- b\n  c\n");
	/* Minimal: the common "b", "c" are kept, not removed and re-added. */
	expect("x\nb\nc\ny\n", "b\nc\nz\n", "- x\n  b\n  c\n- y\n+ z\n");
	expect("1\n2\n3\n4\n", "4\n3\n2\n1\n", "- 1\n- 2\n- 3\n  4\n+ 3\n+ 2\n+ 1\n");
	/* Empty lines are lines. */
	expect("a\n\nb\n", "a\nb\n", "  a\n- \n  b\n");
}

static int count(const char *s, char c)
{
	int n = 0;

	for (; *s; s++)
		n += *s == c && (s[-1] == '\n');
	return n;
}

static void test_too_large_falls_back(void **state)
{
	/* 3000 x 3000 middle lines: over ND_DIFF_MAX_CELLS. */
	struct nd_buf a = ND_BUF_INIT, b = ND_BUF_INIT, out = ND_BUF_INIT;

	(void)state;
	nd_buf_adds(&out, "\n");
	for (int i = 0; i < 3000; i++) {
		nd_buf_addf(&a, "a%d\n", i);
		nd_buf_addf(&b, "b%d\n", i);
	}
	nd_buf_adds(&a, "end\n");
	nd_buf_adds(&b, "end\n");
	nd_diff_text(a.buf, a.len, b.buf, b.len, &out);
	assert_int_equal(count(out.buf + 1, '-'), 3000);
	assert_int_equal(count(out.buf + 1, '+'), 3000);
	assert_non_null(strstr(out.buf, "\n  end\n"));
	nd_buf_release(&a);
	nd_buf_release(&b);
	nd_buf_release(&out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_equal_and_empty),
	    cmocka_unit_test(test_changes),
	    cmocka_unit_test(test_too_large_falls_back),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
