#include "helpers/cmocka.h"

#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/err.h"

static void test_init_is_empty_string(void **state)
{
	struct nd_buf b = ND_BUF_INIT;

	assert_non_null(b.buf);
	assert_string_equal(b.buf, "");
	assert_int_equal(b.len, 0);
	nd_buf_release(&b);
}

static void test_add_and_format(void **state)
{
	struct nd_buf b = ND_BUF_INIT;

	nd_buf_adds(&b, "hello");
	nd_buf_addch(&b, ' ');
	nd_buf_addf(&b, "%d-%s", 42, "x");
	assert_string_equal(b.buf, "hello 42-x");
	assert_int_equal(b.len, 10);
	nd_buf_truncate(&b, 5);
	assert_string_equal(b.buf, "hello");
	nd_buf_release(&b);
}

static void test_grows_past_initial_block(void **state)
{
	struct nd_buf b = ND_BUF_INIT;
	char chunk[1000];

	memset(chunk, 'a', sizeof(chunk));
	for (int i = 0; i < 100; i++)
		nd_buf_add(&b, chunk, sizeof(chunk));
	nd_buf_addf(&b, "%s", "end");
	assert_int_equal(b.len, 100003);
	assert_int_equal(b.buf[99999], 'a');
	assert_string_equal(b.buf + 100000, "end");
	nd_buf_release(&b);
}

static void test_limit_is_sticky(void **state)
{
	struct nd_buf b;

	nd_buf_init(&b, 8);
	nd_buf_adds(&b, "12345");
	assert_int_equal(nd_buf_err(&b), 0);
	nd_buf_adds(&b, "6789");
	assert_int_equal(nd_buf_err(&b), ND_ETOOBIG);
	assert_string_equal(b.buf, "12345");
	nd_buf_adds(&b, "x"); /* would fit, but the error is sticky */
	assert_string_equal(b.buf, "12345");
	nd_buf_addf(&b, "%d", 1);
	assert_string_equal(b.buf, "12345");
	nd_buf_reset(&b);
	assert_int_equal(nd_buf_err(&b), 0);
	nd_buf_addf(&b, "%s", "123456789");
	assert_int_equal(nd_buf_err(&b), ND_ETOOBIG);
	nd_buf_release(&b);
}

static void test_detach_hands_over(void **state)
{
	struct nd_buf b = ND_BUF_INIT;
	size_t len;
	char *s;

	nd_buf_adds(&b, "abc");
	s = nd_buf_detach(&b, &len);
	assert_string_equal(s, "abc");
	assert_int_equal(len, 3);
	assert_int_equal(b.len, 0);
	assert_string_equal(b.buf, "");
	free(s);
	s = nd_buf_detach(&b, &len); /* empty buffer: still a heap string */
	assert_string_equal(s, "");
	free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_init_is_empty_string),     cmocka_unit_test(test_add_and_format),
	    cmocka_unit_test(test_grows_past_initial_block), cmocka_unit_test(test_limit_is_sticky),
	    cmocka_unit_test(test_detach_hands_over),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
