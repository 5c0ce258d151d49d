/* Tests for src/ingest/rfc3339.c: the RFC 3339 date parser and formatter. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "core/err.h"
#include "ingest/rfc3339.h"

static int64_t parse_ok(const char *s)
{
	int64_t t = -12345;

	if (nd_rfc3339_parse(s, strlen(s), &t) != 0)
		fail_msg("'%s' should parse", s);
	return t;
}

static void parse_bad(const char *s)
{
	int64_t t = -12345;

	if (nd_rfc3339_parse(s, strlen(s), &t) != ND_EINVAL)
		fail_msg("'%s' should be refused", s);
	assert_int_equal(t, -12345); /* untouched on failure */
}

static void test_utc_forms(void **state)
{
	assert_int_equal(parse_ok("1970-01-01T00:00:00Z"), 0);
	assert_int_equal(parse_ok("2024-03-01T12:34:56Z"), 1709296496);
	assert_int_equal(parse_ok("2024-03-01t12:34:56z"), 1709296496);
	assert_int_equal(parse_ok("2024-03-01 12:34:56Z"), 1709296496);
	assert_int_equal(parse_ok("2001-09-09T01:46:40Z"), 1000000000);
	assert_int_equal(parse_ok("2038-01-19T03:14:08Z"), INT64_C(2147483648));
}

static void test_plain_date(void **state)
{
	assert_int_equal(parse_ok("2024-03-01"), 1709251200);
	assert_int_equal(parse_ok("1970-01-01"), 0);
	assert_int_equal(parse_ok("1969-12-31"), -86400);
}

static void test_fraction(void **state)
{
	assert_int_equal(parse_ok("2024-03-01T12:34:56.789Z"), 1709296496);
	assert_int_equal(parse_ok("2024-03-01T12:34:56.1+00:00"), 1709296496);
	assert_int_equal(parse_ok("2024-03-01T12:34:56.123456789123Z"), 1709296496);
	parse_bad("2024-03-01T12:34:56.Z");
	parse_bad("2024-03-01T12:34:56,5Z");
}

static void test_offsets(void **state)
{
	/* 12:34:56+02:00 is 10:34:56Z. */
	assert_int_equal(parse_ok("2024-03-01T12:34:56+02:00"), 1709296496 - 7200);
	assert_int_equal(parse_ok("2024-03-01T12:34:56-05:30"), 1709296496 + 5 * 3600 + 1800);
	assert_int_equal(parse_ok("2024-03-01T12:34:56+00:00"), 1709296496);
	assert_int_equal(parse_ok("2024-03-01T12:34:56-00:00"), 1709296496);
	/* The offset crosses midnight and the year. */
	assert_int_equal(parse_ok("2024-01-01T00:30:00+01:00"), parse_ok("2023-12-31T23:30:00Z"));
	assert_int_equal(parse_ok("2023-12-31T23:00:00-23:59"), parse_ok("2024-01-01T22:59:00Z"));
	parse_bad("2024-03-01T12:34:56+24:00");
	parse_bad("2024-03-01T12:34:56+02:60");
	parse_bad("2024-03-01T12:34:56+0200");
	parse_bad("2024-03-01T12:34:56+02");
	parse_bad("2024-03-01T12:34:56");   /* no offset */
	parse_bad("2024-03-01T12:34:56ZZ"); /* trailing junk */
}

static void test_leap_years(void **state)
{
	assert_int_equal(parse_ok("2024-02-29"), parse_ok("2024-03-01") - 86400);
	assert_int_equal(parse_ok("2000-02-29"), parse_ok("2000-03-01") - 86400);
	assert_int_equal(parse_ok("1600-02-29"), parse_ok("1600-03-01") - 86400);
	parse_bad("2023-02-29");
	parse_bad("1900-02-29"); /* divisible by 100 */
	parse_bad("2100-02-29");
	assert_true(nd_is_leap_year(2000));
	assert_false(nd_is_leap_year(1900));
	assert_int_equal(nd_days_in_month(2024, 2), 29);
	assert_int_equal(nd_days_in_month(2023, 2), 28);
	assert_int_equal(nd_days_in_month(2023, 13), 0);
}

static void test_leap_second(void **state)
{
	/* :60 is clamped to :59; Unix time has no leap seconds. */
	assert_int_equal(parse_ok("2016-12-31T23:59:60Z"), parse_ok("2016-12-31T23:59:59Z"));
	parse_bad("2016-12-31T23:59:61Z");
}

static void test_ranges(void **state)
{
	parse_bad("2024-13-01");
	parse_bad("2024-00-01");
	parse_bad("2024-01-00");
	parse_bad("2024-01-32");
	parse_bad("2024-04-31");
	parse_bad("2024-06-31");
	parse_bad("2024-03-01T24:00:00Z");
	parse_bad("2024-03-01T12:60:00Z");
	assert_int_equal(parse_ok("2024-04-30"), parse_ok("2024-05-01") - 86400);
	assert_int_equal(parse_ok("2024-12-31T23:59:59Z"), parse_ok("2025-01-01") - 1);
}

static void test_malformed(void **state)
{
	int64_t t;

	parse_bad("");
	parse_bad("2024");
	parse_bad("2024-3-1");
	parse_bad("24-03-01");
	parse_bad("2024/03/01");
	parse_bad("2024-03-01T");
	parse_bad("2024-03-01X12:00:00Z");
	parse_bad("2024-03-01T1:00:00Z");
	parse_bad("2024-03-01T12:00Z");
	parse_bad(" 2024-03-01");
	parse_bad("2024-03-01 ");
	parse_bad("+2024-03-01");
	parse_bad("2024-03-01T12:00:00+02:00 ");
	parse_bad("yesterday");
	parse_bad("1709296496");
	/* Length is honoured: the NUL-free prefix alone is a valid date. */
	assert_int_equal(nd_rfc3339_parse("2024-03-01T00:00:00Z", 10, &t), 0);
	assert_int_equal(t, 1709251200);
	assert_int_equal(nd_rfc3339_parse("2024-03-01", 9, &t), ND_EINVAL);
	assert_int_equal(nd_rfc3339_parse(NULL, 0, &t), ND_EINVAL);
}

static void test_extreme_years(void **state)
{
	assert_int_equal(parse_ok("0000-01-01T00:00:00Z"), INT64_C(-62167219200));
	assert_int_equal(parse_ok("9999-12-31T23:59:59Z"), INT64_C(253402300799));
	assert_int_equal(parse_ok("0000-02-29"), parse_ok("0000-03-01") - 86400);
}

/* days_from_civil against a plain day-by-day walk over four centuries. */
static void test_days_from_civil(void **state)
{
	int64_t expect = nd_days_from_civil(1800, 1, 1);

	assert_int_equal(nd_days_from_civil(1970, 1, 1), 0);
	assert_int_equal(nd_days_from_civil(1969, 12, 31), -1);
	for (int64_t y = 1800; y < 2200; y++)
		for (unsigned m = 1; m <= 12; m++)
			for (unsigned d = 1; d <= nd_days_in_month(y, m); d++)
				assert_int_equal(nd_days_from_civil(y, m, d), expect++);
}

static void test_format(void **state)
{
	char buf[ND_RFC3339_SIZE];
	static const char *const round[] = {
	    "1970-01-01T00:00:00Z", "2024-02-29T23:59:59Z", "1969-12-31T23:59:59Z",
	    "0000-01-01T00:00:00Z", "9999-12-31T23:59:59Z", "1900-03-01T12:00:00Z",
	};

	for (size_t i = 0; i < sizeof(round) / sizeof(round[0]); i++) {
		assert_int_equal(nd_rfc3339_format(parse_ok(round[i]), buf), 0);
		assert_string_equal(buf, round[i]);
	}
	assert_int_equal(nd_rfc3339_format(INT64_C(253402300800), buf), ND_EINVAL);
	assert_int_equal(nd_rfc3339_format(INT64_C(-62167219201), buf), ND_EINVAL);
	assert_int_equal(nd_rfc3339_format(INT64_MIN, buf), ND_EINVAL);
	assert_int_equal(nd_rfc3339_format(INT64_MAX, buf), ND_EINVAL);
	/* Every second of a day around the epoch round-trips. */
	for (int64_t t = -86400; t < 86400; t += 7) {
		int64_t back;
		assert_int_equal(nd_rfc3339_format(t, buf), 0);
		assert_int_equal(nd_rfc3339_parse(buf, strlen(buf), &back), 0);
		assert_int_equal(back, t);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_utc_forms),     cmocka_unit_test(test_plain_date),
	    cmocka_unit_test(test_fraction),      cmocka_unit_test(test_offsets),
	    cmocka_unit_test(test_leap_years),    cmocka_unit_test(test_leap_second),
	    cmocka_unit_test(test_ranges),        cmocka_unit_test(test_malformed),
	    cmocka_unit_test(test_extreme_years), cmocka_unit_test(test_days_from_civil),
	    cmocka_unit_test(test_format),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
