/* Tests for the feed helpers (src/handler/feed.c, page.c): RFC 822 dates,
 * HTTP date parsing, feed paths. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <string.h>

#include "handler/handler_int.h"

static void test_rfc822(void **state)
{
	char out[40];

	(void)state;
	nd__rfc822_time(0, out);
	assert_string_equal(out, "Thu, 01 Jan 1970 00:00:00 GMT");
	nd__rfc822_time(1793354400, out); /* 2026-10-30T10:00:00Z */
	assert_string_equal(out, "Fri, 30 Oct 2026 10:00:00 GMT");
	nd__rfc822_time(951782400 + 86399, out); /* a leap day */
	assert_string_equal(out, "Tue, 29 Feb 2000 23:59:59 GMT");
}

static void test_parse_http_time(void **state)
{
	char out[40];

	(void)state;
	assert_int_equal(nd__parse_http_time("Thu, 01 Jan 1970 00:00:00 GMT"), 0);
	assert_int_equal(nd__parse_http_time("Fri, 30 Oct 2026 10:00:00 GMT"), 1793354400);
	assert_int_equal(nd__parse_http_time("Tue, 29 Feb 2000 23:59:59 GMT"), 951782400 + 86399);
	/* Round trip over a spread of times. */
	for (int64_t t = 0; t < 4102444800; t += 86400 * 37 + 3671) {
		nd__rfc822_time(t, out);
		assert_int_equal(nd__parse_http_time(out), t);
	}
	assert_int_equal(nd__parse_http_time(""), -1);
	assert_int_equal(nd__parse_http_time("yesterday"), -1);
	assert_int_equal(nd__parse_http_time("Fri, 30 Oct 2026 10:00:00 CET"), -1);
	assert_int_equal(nd__parse_http_time("Fri, 30 Foo 2026 10:00:00 GMT"), -1);
	assert_int_equal(nd__parse_http_time("Fri, 30 ctN 2026 10:00:00 GMT"), -1);
	assert_int_equal(nd__parse_http_time("Fri, 30 Oct 2026 25:00:00 GMT"), -1);
	assert_int_equal(nd__parse_http_time("Fri, 30 Oct 2026 10:00:00 GMTx"), -1);
	assert_int_equal(nd__parse_http_time("Friday, 30-Oct-26 10:00:00 GMT"), -1);
}

static void test_feed_format(void **state)
{
	size_t n = 99;

	(void)state;
	assert_int_equal(nd__feed_format("/feed.xml", 9, &n), 0);
	assert_int_equal(n, 0);
	assert_int_equal(nd__feed_format("/world/europe/atom.xml", 22, &n), 1);
	assert_int_equal(n, 13);
	assert_int_equal(nd__feed_format("/world/feed.json", 16, &n), 2);
	assert_int_equal(n, 6);
	assert_int_equal(nd__feed_format("/world/feed", 11, &n), -1);
	assert_int_equal(nd__feed_format("/worldfeed.xml", 14, &n), -1);
	assert_int_equal(nd__feed_format("", 0, &n), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_rfc822),
	    cmocka_unit_test(test_parse_http_time),
	    cmocka_unit_test(test_feed_format),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
