#include "helpers/cmocka.h"

#include <stdlib.h>
#include <string.h>

#include "core/arena.h"
#include "core/err.h"
#include "core/str.h"

static void test_utf8_valid(void **state)
{
	const char ok[] = "ascii, café, Москва, 東京, 😀";
	size_t at = 0;

	assert_true(nd_utf8_valid(ok, sizeof(ok) - 1, NULL));
	assert_true(nd_utf8_valid("", 0, NULL));
	assert_false(nd_utf8_valid("ab\xff", 3, &at));
	assert_int_equal(at, 2);
	assert_false(nd_utf8_valid("\xc3", 1, &at)); /* truncated */
	assert_int_equal(at, 0);
	assert_false(nd_utf8_valid("\xc0\xaf", 2, NULL));         /* overlong '/' */
	assert_false(nd_utf8_valid("\xe0\x80\xaf", 3, NULL));     /* overlong */
	assert_false(nd_utf8_valid("\xed\xa0\x80", 3, NULL));     /* surrogate */
	assert_false(nd_utf8_valid("\xf4\x90\x80\x80", 4, NULL)); /* > U+10FFFF */
	assert_false(nd_utf8_valid("x\xe2\x82", 3, &at));         /* cut short */
	assert_int_equal(at, 1);
	assert_true(nd_utf8_valid("\xf4\x8f\xbf\xbf", 4, NULL)); /* U+10FFFF */
}

static void test_slices(void **state)
{
	struct nd_str s = {"hello world", 5};

	assert_true(nd_str_eqs(s, "hello"));
	assert_false(nd_str_eqs(s, "hello world"));
	assert_true(nd_str_startswith(s, "he"));
	assert_false(nd_str_startswith(s, "hello!"));
	assert_true(nd_str_eq(ND_STR_LIT("ab"), nd_str_from("ab")));
}

/* nd_form_get on a C string body; the value as a C string, or NULL with
 * *rc set. */
static const char *form(struct nd_arena *a, const char *body, const char *name, int *rc)
{
	struct nd_str v = {"untouched", 9};

	*rc = nd_form_get(body, strlen(body), name, a, &v);
	if (*rc) {
		assert_string_equal(v.p, "untouched"); /* out is left alone */
		return NULL;
	}
	assert_int_equal(v.p[v.len], '\0');
	return v.p;
}

static void test_form_get(void **state)
{
	struct nd_arena *a = nd_arena_new(0);
	int rc;

	assert_string_equal(form(a, "type=verygood", "type", &rc), "verygood");
	assert_string_equal(form(a, "a=1&type=sad&b=2", "type", &rc), "sad");
	assert_string_equal(form(a, "a=1&b=2", "b", &rc), "2");
	/* '+' is a space, %XX a byte, in either case of hex digit. */
	assert_string_equal(form(a, "q=caf%C3%A9+au+lait", "q", &rc), "café au lait");
	assert_string_equal(form(a, "q=%2b%2B%26%3d", "q", &rc), "++&=");
	/* Names are decoded too; the first field of a name wins. */
	assert_string_equal(form(a, "ty%70e=x&type=y", "type", &rc), "x");
	assert_string_equal(form(a, "my+name=z", "my name", &rc), "z");
	/* Empty and bare fields have an empty value. */
	assert_string_equal(form(a, "type=", "type", &rc), "");
	assert_string_equal(form(a, "x=1&type", "type", &rc), "");
	assert_string_equal(form(a, "&&type=1&&", "type", &rc), "1");
	/* Only the first '=' splits: the rest belongs to the value. */
	assert_string_equal(form(a, "t=a=b", "t", &rc), "a=b");
	/* Missing: other names, prefixes, and names that contain it. */
	assert_null(form(a, "types=1&typ=2&xtype=3", "type", &rc));
	assert_int_equal(rc, ND_ENOTFOUND);
	assert_null(form(a, "", "type", &rc));
	assert_int_equal(rc, ND_ENOTFOUND);
	assert_null(form(a, "=type", "type", &rc)); /* that is a value, not a name */
	assert_int_equal(rc, ND_ENOTFOUND);
	rc = nd_form_get(NULL, 0, "type", a, NULL);
	assert_int_equal(rc, ND_ENOTFOUND);
	nd_arena_free(a);
}

static void test_form_get_malformed(void **state)
{
	struct nd_arena *a = nd_arena_new(0);
	struct nd_str v;
	int rc;

	/* A malformed escape in the value is an error, wherever it sits. */
	assert_null(form(a, "type=%zz", "type", &rc));
	assert_int_equal(rc, ND_EINVAL);
	assert_null(form(a, "type=good%", "type", &rc));
	assert_int_equal(rc, ND_EINVAL);
	assert_null(form(a, "type=good%4", "type", &rc));
	assert_int_equal(rc, ND_EINVAL);
	assert_null(form(a, "type=%4&x=1", "type", &rc)); /* cut by '&' */
	assert_int_equal(rc, ND_EINVAL);
	assert_null(form(a, "type=%G1", "type", &rc));
	assert_int_equal(rc, ND_EINVAL);
	/* A malformed field elsewhere, or a malformed name, is skipped. */
	assert_string_equal(form(a, "x=%zz&type=ok", "type", &rc), "ok");
	assert_string_equal(form(a, "type%=bad&type=ok", "type", &rc), "ok");
	assert_null(form(a, "typ%e=1", "type", &rc));
	assert_int_equal(rc, ND_ENOTFOUND);
	/* An encoded NUL is a byte of the value; the length says so. */
	assert_int_equal(nd_form_get("t=a%00b", 7, "t", a, &v), 0);
	assert_int_equal(v.len, 3);
	assert_memory_equal(v.p, "a\0b", 3);
	/* The body need not end in NUL: only len bytes are read. */
	assert_int_equal(nd_form_get("t=abc&u=1", 5, "t", a, &v), 0);
	assert_true(nd_str_eqs(v, "abc"));
	assert_int_equal(nd_form_get("t=abc&u=1", 4, "t", a, &v), 0);
	assert_true(nd_str_eqs(v, "ab"));
	assert_int_equal(nd_form_get("t=%41", 4, "t", a, &v), ND_EINVAL); /* "%4" */
	assert_int_equal(nd_form_get("t=abc&u=1", 9, "u", NULL, &v), 0);  /* heap */
	assert_true(nd_str_eqs(v, "1"));
	free((char *)v.p);
	nd_arena_free(a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_utf8_valid),
	    cmocka_unit_test(test_slices),
	    cmocka_unit_test(test_form_get),
	    cmocka_unit_test(test_form_get_malformed),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
