#include "helpers/cmocka.h"

#include <string.h>

#include "route/route.h"

static bool match(const char *pattern, const char *path, struct nd_route_match *m)
{
	return nd_route_match(pattern, path, strlen(path), m);
}

static void test_literal(void **state)
{
	struct nd_route_match m;

	assert_true(match("/", "/", &m));
	assert_int_equal(m.count, 0);
	assert_false(match("/", "/x", &m));
	assert_true(match("/robots.txt", "/robots.txt", &m));
	assert_false(match("/robots.txt", "/robots.txt2", &m));
	assert_false(match("/robots.txt", "/robots.tx", &m));
}

static void test_params(void **state)
{
	struct nd_route_match m;

	assert_true(match("/api/articles/:id", "/api/articles/abc-1", &m));
	assert_int_equal(m.count, 1);
	assert_true(nd_str_eqs(m.params[0], "abc-1"));
	assert_false(match("/api/articles/:id", "/api/articles/", &m));
	assert_false(match("/api/articles/:id", "/api/articles/a/b", &m));
	assert_false(match("/api/articles/:id", "/api/articles", &m));
	assert_true(match("/a/:x/b/:y", "/a/1/b/22", &m));
	assert_int_equal(m.count, 2);
	assert_true(nd_str_eqs(m.params[1], "22"));
	assert_true(match("/tag/:slug", "/tag/café", &m));
	assert_true(nd_str_eqs(m.params[0], "café"));
}

static void test_rest(void **state)
{
	struct nd_route_match m;

	assert_true(match("/static/*", "/static/style.css", &m));
	assert_true(nd_str_eqs(m.params[0], "style.css"));
	assert_true(match("/static/*", "/static/a/b.css", &m));
	assert_false(match("/static/*", "/static/", &m));
	assert_true(match("/*", "/world/europe/some-story", &m));
	assert_true(nd_str_eqs(m.params[0], "world/europe/some-story"));
	assert_false(match("/*", "/", &m));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_literal),
	    cmocka_unit_test(test_params),
	    cmocka_unit_test(test_rest),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
