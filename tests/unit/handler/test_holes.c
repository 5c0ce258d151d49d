/* Tests for src/handler/holes.c: markers in, live values out. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "handler/holes.h"

#define NONCE 0x1f2e3d4c5b6a7988ull

static uint64_t views(void *ctx, uint32_t id)
{
	(void)ctx;
	return id == 7 ? 1234567 : id;
}

static uint64_t reaction(void *ctx, uint32_t id, size_t type)
{
	(void)ctx;
	return id * 10 + type;
}

static void frag(void *ctx, char kind, uint32_t id, uint32_t sub, struct nd_buf *out)
{
	(void)ctx;
	if (id == 1)
		nd_buf_addf(out, "<ol data-%c=\"%u\"></ol>", kind, sub);
}

static const char *const types[] = {"verygood", "sad"};
static const struct nd_hole_values values = {views, reaction, 2, types, NULL, frag, NULL};

/* body with the markers %V (views of 7) and %R (reaction 1 of 3) put in. */
static void fill(const char *tpl, bool json, const char *want, size_t want_n)
{
	char v[ND_HOLE_MAX], r[ND_HOLE_MAX], o[ND_HOLE_MAX];
	struct nd_buf b = ND_BUF_INIT;

	nd_hole_marker(NONCE, ND_HOLE_VIEWS, 7, 0, v);
	nd_hole_marker(NONCE, ND_HOLE_REACTION, 3, 1, r);
	nd_hole_marker(NONCE, ND_HOLE_REACTIONS, 3, 0, o);
	for (const char *p = tpl; *p; p++) {
		if (p[0] == '%' && p[1] == 'V')
			nd_buf_adds(&b, v), p++;
		else if (p[0] == '%' && p[1] == 'R')
			nd_buf_adds(&b, r), p++;
		else if (p[0] == '%' && p[1] == 'O')
			nd_buf_adds(&b, o), p++;
		else
			nd_buf_addch(&b, *p);
	}
	assert_int_equal(nd_holes_fill(&b, NONCE, &values, json), want_n);
	assert_string_equal(b.buf, want);
	nd_buf_release(&b);
}

static void test_html(void **state)
{
	(void)state;
	fill("<span>View %V</span> <b>(%R)</b>", false, "<span>View 1,234,567</span> <b>(31)</b>",
	     2);
	fill("%V%V", false, "1,234,5671,234,567", 2);
	fill("no markers here", false, "no markers here", 0);
	fill("", false, "", 0);
}

static void test_json(void **state)
{
	(void)state;
	fill("{\"views\":\"%V\",\"reactions\":\"%O\"}", true,
	     "{\"views\":1234567,\"reactions\":{\"verygood\":30,\"sad\":31}}", 2);
	/* Not a whole string: the quotes stay. */
	fill("{\"t\":\"x %V\"}", true, "{\"t\":\"x 1234567\"}", 1);
}

static void test_foreign_and_broken_markers(void **state)
{
	char other[ND_HOLE_MAX];
	struct nd_buf b = ND_BUF_INIT;
	const char *broken[] = {"ndh1f2e3d4c5b6a7988",
	                        "ndh1f2e3d4c5b6a7988-v-",
	                        "ndh1f2e3d4c5b6a7988-v-1",
	                        "ndh1f2e3d4c5b6a7988-v-1-",
	                        "ndh1f2e3d4c5b6a7988-v-1-2",
	                        "ndh1f2e3d4c5b6a7988-x-1-2z",
	                        "ndh1f2e3d4c5b6a7988-v-99999999999-2z",
	                        "ndh1f2e3d4c5b6a7988-v--2z"};

	(void)state;
	/* Another nonce (text that copies a marker it saw somewhere): untouched. */
	nd_hole_marker(NONCE + 1, ND_HOLE_VIEWS, 7, 0, other);
	nd_buf_adds(&b, other);
	assert_int_equal(nd_holes_fill(&b, NONCE, &values, false), 0);
	assert_string_equal(b.buf, other);
	nd_buf_release(&b);
	for (size_t i = 0; i < sizeof(broken) / sizeof(broken[0]); i++) {
		nd_buf_adds(&b, broken[i]);
		assert_int_equal(nd_holes_fill(&b, NONCE, &values, false), 0);
		assert_string_equal(b.buf, broken[i]);
		nd_buf_release(&b);
	}
	/* A broken one next to a good one: only the good one changes. */
	nd_buf_adds(&b, "ndh1f2e3d4c5b6a7988-v-1 and ");
	nd_hole_marker(NONCE, ND_HOLE_VIEWS, 5, 0, other);
	nd_buf_adds(&b, other);
	assert_int_equal(nd_holes_fill(&b, NONCE, &values, false), 1);
	assert_string_equal(b.buf, "ndh1f2e3d4c5b6a7988-v-1 and 5");
	nd_buf_release(&b);
}

static void test_fragment(void **state)
{
	char k[ND_HOLE_MAX], empty[ND_HOLE_MAX], p[ND_HOLE_MAX];
	struct nd_buf b = ND_BUF_INIT;
	struct nd_hole_values none = values;

	(void)state;
	nd_hole_marker(NONCE, ND_HOLE_FRAGMENT, 1, 4, k);
	nd_hole_marker(NONCE, ND_HOLE_FRAGMENT, 2, 0, empty);
	nd_hole_marker(NONCE, ND_HOLE_PERSONAL, 1, 8, p);
	nd_buf_addf(&b, "<aside>%s|%s|%s</aside>", k, empty, p);
	assert_int_equal(nd_holes_fill(&b, NONCE, &values, false), 3);
	/* The callback is told the kind: the Ranking block or the reader's own. */
	assert_string_equal(b.buf, "<aside><ol data-k=\"4\"></ol>||<ol data-p=\"8\"></ol></aside>");
	nd_buf_release(&b);
	/* No fragment callback: the hole becomes nothing. */
	none.fragment = NULL;
	nd_buf_adds(&b, k);
	assert_int_equal(nd_holes_fill(&b, NONCE, &none, false), 1);
	assert_string_equal(b.buf, "");
	nd_buf_release(&b);
}

static void test_format_count(void **state)
{
	char out[32];
	const struct {
		uint64_t n;
		const char *s;
	} cases[] = {{0, "0"},
	             {7, "7"},
	             {999, "999"},
	             {1000, "1,000"},
	             {53246, "53,246"},
	             {123456, "123,456"},
	             {1234567, "1,234,567"},
	             {18446744073709551615ull, "18,446,744,073,709,551,615"}};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		nd_hole_format_count(cases[i].n, out);
		assert_string_equal(out, cases[i].s);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_html),
	    cmocka_unit_test(test_json),
	    cmocka_unit_test(test_foreign_and_broken_markers),
	    cmocka_unit_test(test_fragment),
	    cmocka_unit_test(test_format_count),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
