/* Tests for src/render/escape.c: HTML, URL, XML and JSON-in-script escaping. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "core/buf.h"
#include "core/err.h"
#include "render/escape.h"

typedef void escape_fn(struct nd_buf *out, const char *s, size_t len);

/* Escapes in[0..in_len) into a fresh buffer and compares with want. */
static void expect(escape_fn *fn, const char *in, size_t in_len, const char *want, size_t want_len)
{
	struct nd_buf b = ND_BUF_INIT;

	fn(&b, in, in_len);
	assert_int_equal(nd_buf_err(&b), 0);
	assert_int_equal(b.len, want_len);
	assert_memory_equal(b.buf, want, want_len);
	assert_int_equal(b.buf[b.len], '\0');
	nd_buf_release(&b);
}

#define EXPECT(fn, in, want) expect(fn, in, sizeof(in) - 1, want, sizeof(want) - 1)

static void test_html_entities(void **state)
{
	EXPECT(nd_escape_html, "", "");
	EXPECT(nd_escape_html, "plain text, no change", "plain text, no change");
	EXPECT(nd_escape_html, "&", "&amp;");
	EXPECT(nd_escape_html, "<>\"'&", "&lt;&gt;&quot;&#39;&amp;");
	EXPECT(nd_escape_html, "a<b>c", "a&lt;b&gt;c");
	EXPECT(nd_escape_html, "<script>alert('x')</script>",
	       "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;");
	EXPECT(nd_escape_html, "\" onmouseover=\"x", "&quot; onmouseover=&quot;x");
	/* Already-escaped text is escaped again: the input is text, not HTML. */
	EXPECT(nd_escape_html, "&amp;", "&amp;amp;");
	/* Other bytes pass through: UTF-8, NUL, control characters. */
	EXPECT(nd_escape_html, "caf\xc3\xa9 \xe2\x80\x94 ok", "caf\xc3\xa9 \xe2\x80\x94 ok");
	EXPECT(nd_escape_html, "a\0<b", "a\0&lt;b");
	EXPECT(nd_escape_html, "\t\n\r/=`", "\t\n\r/=`");
}

static void test_html_length_not_nul(void **state)
{
	/* Only len bytes are read. */
	expect(nd_escape_html, "<<<<", 2, "&lt;&lt;", 8);
	expect(nd_escape_html, "x<", 1, "x", 1);
}

static void test_html_appends_and_limit(void **state)
{
	struct nd_buf b = ND_BUF_INIT;

	nd_buf_adds(&b, "before:");
	nd_escape_html(&b, "<i>", 3);
	assert_string_equal(b.buf, "before:&lt;i&gt;");
	nd_buf_release(&b);

	/* The buffer's limit applies to the escaped size. */
	nd_buf_init(&b, 6);
	nd_escape_html(&b, "a<b", 3); /* exactly 6 bytes: fits */
	assert_int_equal(nd_buf_err(&b), 0);
	nd_escape_html(&b, "d", 1);
	assert_int_equal(nd_buf_err(&b), ND_ETOOBIG);
	nd_escape_html(&b, "", 0); /* sticky: even an empty append fails */
	assert_int_equal(nd_buf_err(&b), ND_ETOOBIG);
	assert_string_equal(b.buf, "a&lt;b");
	nd_buf_release(&b);
}

static void test_url(void **state)
{
	EXPECT(nd_escape_url, "", "");
	EXPECT(nd_escape_url, "AZaz09-._~", "AZaz09-._~");
	EXPECT(nd_escape_url, "a b", "a%20b");
	EXPECT(nd_escape_url, "a/b?c=d&e#f", "a%2Fb%3Fc%3Dd%26e%23f");
	EXPECT(nd_escape_url, "+%", "%2B%25");
	EXPECT(nd_escape_url, "<\"'>", "%3C%22%27%3E");
	EXPECT(nd_escape_url, "caf\xc3\xa9", "caf%C3%A9");
	EXPECT(nd_escape_url, "\0\x01\x7f\xff", "%00%01%7F%FF");
	EXPECT(nd_escape_url, "\r\n", "%0D%0A");
}

static void test_url_appends_and_limit(void **state)
{
	struct nd_buf b = ND_BUF_INIT;

	nd_buf_adds(&b, "/tag/");
	nd_escape_url(&b, "world news", 10);
	assert_string_equal(b.buf, "/tag/world%20news");
	nd_buf_release(&b);

	nd_buf_init(&b, 4);
	nd_escape_url(&b, "ab c", 4);
	assert_int_equal(nd_buf_err(&b), ND_ETOOBIG);
	assert_true(b.len <= 4);
	nd_buf_release(&b);
}

static void test_xml_entities(void **state)
{
	(void)state;
	EXPECT(nd_escape_xml, "a & b < c > d \" e ' f",
	       "a &amp; b &lt; c &gt; d &quot; e &apos; f");
	EXPECT(nd_escape_xml, "<script>alert(1)</script>", "&lt;script&gt;alert(1)&lt;/script&gt;");
	EXPECT(nd_escape_xml, "Caf\xC3\xA9 \xE6\x9D\xB1 \xF0\x9F\x98\x80",
	       "Caf\xC3\xA9 \xE6\x9D\xB1 \xF0\x9F\x98\x80");
}

static void test_xml_drops_what_xml_cannot_carry(void **state)
{
	(void)state;
	/* Controls other than tab, newline, carriage return; NUL too. */
	expect(nd_escape_xml,
	       "a\x01"
	       "b\0c\x1F"
	       "d\te\nf\rg\x7F",
	       14, "abcd\te\nf\rg\x7F", 11);
	/* U+FFFE and U+FFFF, surrogates, overlong forms, stray and cut bytes. */
	EXPECT(nd_escape_xml, "x\xEF\xBF\xBEy\xEF\xBF\xBFz", "xyz");
	EXPECT(nd_escape_xml, "x\xED\xA0\x80y", "xy");
	EXPECT(nd_escape_xml, "x\xC0\xAFy\xE0\x80\xAFz", "xyz");
	EXPECT(nd_escape_xml, "x\x80y\xFFz\xF5\x80\x80\x80", "xyz");
	EXPECT(nd_escape_xml, "cut \xE2\x82", "cut ");
	EXPECT(nd_escape_xml, "\xF4\x8F\xBF\xBD ok", "\xF4\x8F\xBF\xBD ok");
	EXPECT(nd_escape_xml, "\xF4\x90\x80\x80", "");
}

static void test_json_script(void **state)
{
	(void)state;
	EXPECT(nd_escape_json_script, "{\"t\":\"</script><!-- a&b\"}",
	       "{\"t\":\"\\u003c/script\\u003e\\u003c!-- a\\u0026b\"}");
	EXPECT(nd_escape_json_script,
	       "\"a\xE2\x80\xA8"
	       "b\xE2\x80\xA9"
	       "c\xE2\x80\xA6\"",
	       "\"a\\u2028b\\u2029c\xE2\x80\xA6\"");
	EXPECT(nd_escape_json_script, "\"\xE2\x80\"", "\"\xE2\x80\"");
	EXPECT(nd_escape_json_script, "", "");
}

static void html_text(const char *html, const char *want)
{
	struct nd_buf b = ND_BUF_INIT;

	nd_buf_adds(&b, "x:"); /* appends */
	nd_html_to_text(&b, html, strlen(html));
	assert_string_equal(b.buf + 2, want);
	nd_buf_release(&b);
}

static void test_html_to_text(void **state)
{
	(void)state;
	html_text("<p>One <em>two</em> three.</p>\n<p>Four&amp;five</p>",
	          "One two three. Four&five");
	html_text("<ul>\n<li>a</li>\n<li>b</li>\n</ul>", "a b");
	html_text("<h2>Title</h2><p>Text</p>", "Title Text");
	html_text("un<em>believ</em>able", "unbelievable"); /* inline tags join */
	html_text("&lt;script&gt; &quot;q&quot; it&#39;s", "<script> \"q\" it's");
	html_text("caf&#233; &#x1F600; &#xD800; &nbsp;", "caf\xc3\xa9 \xf0\x9f\x98\x80  &nbsp;");
	html_text("a&b &# &#; &#12", "a&b &# &#; &#12");
	html_text("  <p>  spaced \t\n out  </p>  ", "spaced out");
	html_text("<a href=\"/x\">link</a><br>next", "link next");
	html_text("broken <tag", "broken");
	html_text("", "");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_html_entities),
	    cmocka_unit_test(test_html_length_not_nul),
	    cmocka_unit_test(test_html_appends_and_limit),
	    cmocka_unit_test(test_url),
	    cmocka_unit_test(test_url_appends_and_limit),
	    cmocka_unit_test(test_xml_entities),
	    cmocka_unit_test(test_xml_drops_what_xml_cannot_carry),
	    cmocka_unit_test(test_json_script),
	    cmocka_unit_test(test_html_to_text),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
