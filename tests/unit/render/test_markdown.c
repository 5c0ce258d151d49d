#include "helpers/cmocka.h"

#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "render/markdown.h"

static char *html(const char *md)
{
	struct nd_buf b = ND_BUF_INIT;

	nd_markdown_to_html(md, strlen(md), &b);
	return nd_buf_detach(&b, NULL);
}

static void test_basic_markdown(void **state)
{
	char *h = html("# Title\n\nSome *emphasis* and **strong** text.\n\n- one\n- two\n");

	assert_non_null(strstr(h, "<h1>Title</h1>"));
	assert_non_null(strstr(h, "<em>emphasis</em>"));
	assert_non_null(strstr(h, "<strong>strong</strong>"));
	assert_non_null(strstr(h, "<li>one</li>"));
	free(h);
}

static void test_gfm_extensions(void **state)
{
	char *h = html("| a | b |\n|---|---|\n| 1 | 2 |\n\n~~gone~~ www.example.com\n");

	assert_non_null(strstr(h, "<table>"));
	assert_non_null(strstr(h, "<del>gone</del>"));
	assert_non_null(strstr(h, "href=\"http://www.example.com\""));
	free(h);
}

static void test_raw_html_never_passes(void **state)
{
	char *h = html("Hello <script>alert(1)</script> <b onclick=\"x()\">bold</b>\n\n"
	               "<div onmouseover=\"steal()\">block</div>\n\n"
	               "[click](javascript:alert(3)) ![img](javascript:alert(4))\n");

	assert_null(strstr(h, "<script"));
	assert_null(strstr(h, "onclick"));
	assert_null(strstr(h, "onmouseover"));
	assert_null(strstr(h, "javascript:"));
	assert_non_null(strstr(h, "raw HTML omitted"));
	free(h);
}

static void test_text_escapes_entities(void **state)
{
	char *h = html("5 < 6 & \"quotes\"\n");

	assert_non_null(strstr(h, "5 &lt; 6 &amp; &quot;quotes&quot;"));
	free(h);
}

static void test_plain_text(void **state)
{
	struct nd_buf b = ND_BUF_INIT;
	const char *md = "# Head\n\nFirst *para* here.\n\nSecond para with a [link](http://x).\n";

	nd_markdown_to_text(md, strlen(md), 1000, &b);
	assert_string_equal(b.buf, "Head First para here. Second para with a link.");
	nd_buf_reset(&b);
	nd_markdown_to_text(md, strlen(md), 12, &b);
	assert_string_equal(b.buf, "Head First…");
	nd_buf_release(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_basic_markdown),
	    cmocka_unit_test(test_gfm_extensions),
	    cmocka_unit_test(test_raw_html_never_passes),
	    cmocka_unit_test(test_text_escapes_entities),
	    cmocka_unit_test(test_plain_text),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
