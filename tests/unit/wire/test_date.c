/* Tests for src/wire/date.c: the dates feeds carry. */
#include "helpers/cmocka.h"

#include <string.h>

#include "core/err.h"
#include "wire/parse.h"

static int64_t ok(const char *s)
{
	int64_t t = -1;

	if (nd_wire_date_parse(s, &t))
		fail_msg("'%s' should parse", s);
	return t;
}

static void bad(const char *s)
{
	int64_t t = -1;

	if (nd_wire_date_parse(s, &t) != ND_EINVAL)
		fail_msg("'%s' should be refused", s);
	assert_int_equal(t, -1);
}

static void test_rfc822(void **state)
{
	assert_int_equal(ok("Sat, 07 Sep 2002 00:00:01 GMT"), 1031356801);
	assert_int_equal(ok("07 Sep 2002 00:00:01 GMT"), 1031356801);
	assert_int_equal(ok("Saturday, 7 Sep 2002 00:00:01 UT"), 1031356801);
	assert_int_equal(ok("Sat, 07 Sep 02 00:00:01 Z"), 1031356801);
	assert_int_equal(ok("Sat, 07 Sep 2002 00:00 GMT"), 1031356800);
	assert_int_equal(ok("Fri, 06 Sep 2002 20:00:01 EDT"), 1031356801);
	assert_int_equal(ok("Fri, 06 Sep 2002 16:00:01 PST"), 1031356801);
	assert_int_equal(ok("Sat, 07 Sep 2002 02:00:01 +0200"), 1031356801);
	assert_int_equal(ok("Sat, 07 Sep 2002 02:00:01 +02:00"), 1031356801);
	assert_int_equal(ok("Fri, 06 Sep 2002 23:00:01 -0100"), 1031356801);
	assert_int_equal(ok("Sat, 07 Sep 2002 00:00:01"), 1031356801);
	assert_int_equal(ok("Sat, 07 September 2002 00:00:01 GMT"), 1031356801);
	assert_int_equal(ok("  Sat,07 Sep 2002 00:00:01 GMT  "), 1031356801);
	assert_int_equal(ok("Sat, 07 Sep 2002 00:00:01 GMT+0100"), 1031356801 - 3600);
	assert_int_equal(ok("Sat, 07 Sep 2002 00:00:01 A"), 1031356801);
	assert_int_equal(ok("Sat, 07 Sep 2002"), 1031356800);
}

static void test_w3c(void **state)
{
	assert_int_equal(ok("2002-09-07T00:00:01Z"), 1031356801);
	assert_int_equal(ok("2002-09-07T00:00:01.25Z"), 1031356801);
	assert_int_equal(ok("2002-09-07T02:00:01+02:00"), 1031356801);
	assert_int_equal(ok("2002-09-07T02:00+02:00"), 1031356800);
	assert_int_equal(ok("2002-09-07 00:00:01"), 1031356801);
	assert_int_equal(ok("2002-09-07"), 1031356800);
	assert_int_equal(ok("2002-09"), 1030838400);
	assert_int_equal(ok("2002"), 1009843200);
	assert_int_equal(ok("20020907T000001Z"), 1031356801);
	assert_int_equal(ok("2004-02-29T12:00:00-0500"), 1078074000);
}

static void test_refused(void **state)
{
	bad("");
	bad("yesterday");
	bad("2002-13-01");
	bad("2003-02-29");
	bad("Sat, 32 Sep 2002 00:00:01 GMT");
	bad("Sat, 07 Foo 2002 00:00:01 GMT");
	bad("2002-09-07T25:00:00Z");
	bad("2002-09-07T00:00:01+99:00");
	bad("07 Sep 2002 00:00:01 GMT trailing 9");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_rfc822),
	    cmocka_unit_test(test_w3c),
	    cmocka_unit_test(test_refused),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
