/* Tests for src/render/chart.c: nice ticks, bar geometry, labels, escaping, the empty
 * state, huge values, and that every chart is well-formed XML (libxml2). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>
#include <libxml/parser.h>

#include "core/buf.h"
#include "core/err.h"
#include "render/chart.h"

#define MIDNIGHT 1795910400 /* 2026-11-29T00:00:00Z, a Sunday */

/* Renders c, checks it parses as XML with an <svg> root, and returns the text (caller releases). */
static struct nd_buf render(const struct nd_chart *c)
{
	struct nd_buf b = ND_BUF_INIT;
	xmlDocPtr doc;

	assert_int_equal(nd_chart_svg(c, &b), 0);
	doc = xmlReadMemory(b.buf, (int)b.len, "chart.svg", "UTF-8",
	                    XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
	assert_non_null(doc);
	assert_string_equal((const char *)xmlDocGetRootElement(doc)->name, "svg");
	xmlFreeDoc(doc);
	return b;
}

static void assert_has(const struct nd_buf *b, const char *s)
{
	if (!strstr(b->buf, s))
		fail_msg("'%s' not in:\n%s", s, b->buf);
}

static size_t count(const struct nd_buf *b, const char *s)
{
	size_t n = 0;

	for (const char *p = b->buf; (p = strstr(p, s)) != NULL; p += strlen(s))
		n++;
	return n;
}

static void test_nice_step(void **state)
{
	int64_t top;

	(void)state;
	assert_int_equal(nd_chart_nice_step(7, &top), 2);
	assert_int_equal(top, 8);
	assert_int_equal(nd_chart_nice_step(1234, &top), 500);
	assert_int_equal(top, 1500);
	assert_int_equal(nd_chart_nice_step(8, &top), 2);
	assert_int_equal(top, 8);
	assert_int_equal(nd_chart_nice_step(4, &top), 1);
	assert_int_equal(top, 4);
	assert_int_equal(nd_chart_nice_step(1, &top), 1);
	assert_int_equal(top, 1);
	assert_int_equal(nd_chart_nice_step(0, &top), 1);
	assert_int_equal(top, 1);
	assert_int_equal(nd_chart_nice_step(-5, &top), 1);
	assert_int_equal(top, 1);
	assert_int_equal(nd_chart_nice_step(100, &top), 20);
	assert_int_equal(top, 100);
	assert_int_equal(nd_chart_nice_step(101, &top), 50);
	assert_int_equal(top, 150);
	assert_int_equal(nd_chart_nice_step(430, &top), 100);
	assert_int_equal(top, 500);
	assert_int_equal(nd_chart_nice_step(999999, &top), 200000);
	assert_int_equal(top, 1000000);
	/* Clamped: no overflow, still at most 5 steps. */
	assert_int_equal(nd_chart_nice_step(INT64_MAX, &top), 500000000000000000LL);
	assert_int_equal(top, 1500000000000000000LL);
}

static void test_format_count(void **state)
{
	char out[32];

	(void)state;
	nd_chart_format_count(0, out);
	assert_string_equal(out, "0");
	nd_chart_format_count(999, out);
	assert_string_equal(out, "999");
	nd_chart_format_count(1000, out);
	assert_string_equal(out, "1,000");
	nd_chart_format_count(53246, out);
	assert_string_equal(out, "53,246");
	nd_chart_format_count(-1234567, out);
	assert_string_equal(out, "-1,234,567");
	nd_chart_format_count(INT64_MIN, out);
	assert_string_equal(out, "-9,223,372,036,854,775,808");
}

/* Four hours from 22:00: slot 160, bars 128 wide from 16 in, top 4 (step 1). */
static void test_bar_geometry(void **state)
{
	int64_t v[] = {1, 2, 0, 4};
	struct nd_chart c = {.title = "Views per hour",
	                     .unit = "views",
	                     .start = MIDNIGHT - 7200,
	                     .step = 3600,
	                     .values = v,
	                     .n = 4};
	struct nd_buf b;

	(void)state;
	b = render(&c);
	assert_has(&b, "viewBox=\"0 0 720 230\"");
	assert_has(&b, "class=\"chart\"");
	assert_has(&b, "role=\"img\"");
	assert_int_equal(count(&b, "<rect class=\"bar\""), 4);
	assert_has(&b, "<rect class=\"bar\" x=\"76.00\" y=\"150.00\" width=\"128.00\" "
	               "height=\"40.00\"");
	assert_has(&b, "<rect class=\"bar\" x=\"236.00\" y=\"110.00\" width=\"128.00\" "
	               "height=\"80.00\"");
	assert_has(&b, "<rect class=\"bar\" x=\"396.00\" y=\"190.00\" width=\"128.00\" "
	               "height=\"0.00\"");
	assert_has(&b, "<rect class=\"bar\" x=\"556.00\" y=\"30.00\" width=\"128.00\" "
	               "height=\"160.00\"");
	/* Gridlines and labels at 0..4. */
	assert_int_equal(count(&b, "<line x1=\"60\""), 5 + 1);
	assert_has(&b, ">4</text>");
	assert_has(&b, ">0</text>");
	/* Tooltips: exact value and hour, a zero bucket too. */
	assert_has(&b, "<title>28 Nov 2026, 22:00-23:00 UTC: 1 views</title>");
	assert_has(&b, "<title>29 Nov 2026, 00:00-01:00 UTC: 0 views</title>");
	assert_has(&b, "<title>29 Nov 2026, 01:00-02:00 UTC: 4 views</title>");
	/* x labels: every hour here; midnight shows the date. */
	assert_has(&b, ">22:00</text>");
	assert_has(&b, ">29 Nov</text>");
	/* Summary in aria-label and desc. */
	assert_has(&b, "aria-label=\"Views per hour, 28 Nov 2026, 22:00 to 29 Nov 2026, 01:00 UTC: "
	               "total 7 views, peak 4 views at 29 Nov 2026, 01:00-02:00 UTC\"");
	assert_has(&b, "<title>Views per hour</title><desc>28 Nov 2026, 22:00 to");
	assert_null(strstr(b.buf, "<script"));
	nd_buf_release(&b);
}

static void test_days(void **state)
{
	int64_t v[30] = {0};
	struct nd_chart c = {.title = "Views per day",
	                     .unit = "views",
	                     .start = MIDNIGHT - 29 * 86400,
	                     .step = 86400,
	                     .values = v,
	                     .n = 30};
	struct nd_buf b;

	(void)state;
	v[29] = 12345;
	v[3] = 2;
	b = render(&c);
	assert_has(&b, "<title>29 Nov 2026: 12,345 views</title>");
	assert_has(&b, "<title>3 Nov 2026: 2 views</title>");
	assert_has(&b, "total 12,347 views, peak 12,345 views on 29 Nov 2026");
	/* Compact y labels past 10,000: top 15,000 by 5,000. */
	assert_has(&b, ">15k</text>");
	assert_has(&b, ">5k</text>");
	/* x labels every 7 days back from the last day; at most 12. */
	assert_has(&b, ">29 Nov</text>");
	assert_has(&b, ">22 Nov</text>");
	assert_null(strstr(b.buf, ">28 Nov</text>"));
	assert_int_equal(count(&b, "<rect class=\"bar\""), 30);
	nd_buf_release(&b);
}

static void test_many_hours_labels(void **state)
{
	int64_t v[48];
	struct nd_chart c = {.title = "t",
	                     .unit = "views",
	                     .start = MIDNIGHT - 24 * 3600,
	                     .step = 3600,
	                     .values = v,
	                     .n = 48};
	struct nd_buf b;

	(void)state;
	for (size_t i = 0; i < 48; i++)
		v[i] = (int64_t)i;
	b = render(&c);
	/* 48 hours: a label every 6 hours, the date at midnight. */
	assert_int_equal(count(&b, "<text x=") - count(&b, "text-anchor=\"end\">"), 8);
	assert_has(&b, ">28 Nov</text>");
	assert_has(&b, ">29 Nov</text>");
	assert_has(&b, ">06:00</text>");
	assert_has(&b, ">18:00</text>");
	assert_null(strstr(b.buf, ">07:00</text>"));
	nd_buf_release(&b);
}

static void test_escaping(void **state)
{
	int64_t v[] = {3};
	struct nd_chart c = {.title = "<script>alert(\"x\")</script> & 'co'",
	                     .unit = "views <b>",
	                     .start = MIDNIGHT,
	                     .step = 86400,
	                     .values = v,
	                     .n = 1};
	struct nd_buf b;

	(void)state;
	b = render(&c);
	assert_null(strstr(b.buf, "<script"));
	assert_null(strstr(b.buf, "<b>"));
	assert_has(&b, "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &apos;co&apos;");
	assert_has(&b, "3 views &lt;b&gt;</title>");
	nd_buf_release(&b);
}

static void test_empty(void **state)
{
	int64_t zeros[5] = {0, 0, 0, 0, 0};
	struct nd_chart c = {.title = "Views per day",
	                     .unit = "views",
	                     .start = MIDNIGHT,
	                     .step = 86400,
	                     .values = NULL,
	                     .n = 0};
	struct nd_buf b;

	(void)state;
	b = render(&c);
	assert_has(&b, "No views in this period");
	assert_has(&b, "total 0 views");
	assert_null(strstr(b.buf, "class=\"bar\""));
	nd_buf_release(&b);

	c.values = zeros;
	c.n = 5;
	b = render(&c);
	assert_has(&b, "No views in this period");
	assert_null(strstr(b.buf, "peak"));
	nd_buf_release(&b);

	/* Negative values count as 0. */
	zeros[2] = -9;
	b = render(&c);
	assert_has(&b, "No views in this period");
	nd_buf_release(&b);

	/* Bad input: nothing appended. */
	b = (struct nd_buf)ND_BUF_INIT;
	c.step = 0;
	assert_int_equal(nd_chart_svg(&c, &b), ND_EINVAL);
	c.step = 3600;
	c.values = NULL;
	assert_int_equal(nd_chart_svg(&c, &b), ND_EINVAL);
	assert_int_equal(b.len, 0);
	nd_buf_release(&b);
}

static void test_huge(void **state)
{
	int64_t v[] = {INT64_MAX, 1, INT64_MAX};
	struct nd_chart c = {
	    .title = "Big", .unit = "views", .start = MIDNIGHT, .step = 3600, .values = v, .n = 3};
	struct nd_buf b;

	(void)state;
	b = render(&c);
	/* The exact value in the tooltip; the bar clipped to the top; the total saturates. */
	assert_has(&b, ": 9,223,372,036,854,775,807 views</title>");
	assert_has(&b, "height=\"160.00\"");
	assert_has(&b, "total 9,223,372,036,854,775,807 views");
	assert_has(&b, ">1.5E</text>");
	assert_null(strstr(b.buf, "nan"));
	assert_null(strstr(b.buf, "inf"));
	nd_buf_release(&b);

	/* A million-view peak gets compact labels. */
	v[0] = 1234567;
	v[2] = 0;
	b = render(&c);
	assert_has(&b, ">1.5M</text>");
	assert_has(&b, ">500k</text>");
	assert_has(&b, ": 1,234,567 views</title>");
	nd_buf_release(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_nice_step),
	    cmocka_unit_test(test_format_count),
	    cmocka_unit_test(test_bar_geometry),
	    cmocka_unit_test(test_days),
	    cmocka_unit_test(test_many_hours_labels),
	    cmocka_unit_test(test_escaping),
	    cmocka_unit_test(test_empty),
	    cmocka_unit_test(test_huge),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
