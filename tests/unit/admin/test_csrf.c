/* Tests for src/admin/csrf.c: make, verify, tampered, another session's. */
#include "helpers/cmocka.h"

#include <string.h>

#include "admin/csrf.h"

static void test_token(void **state)
{
	uint8_t k1[ND_CSRF_KEY_LEN], k2[ND_CSRF_KEY_LEN];
	char t1[ND_CSRF_TOKEN_LEN + 1], t2[ND_CSRF_TOKEN_LEN + 1], bad[ND_CSRF_TOKEN_LEN + 1];

	(void)state;
	memset(k1, 1, sizeof(k1));
	memset(k2, 2, sizeof(k2));
	nd_csrf_token(k1, NULL, 0, t1);
	assert_int_equal(strlen(t1), ND_CSRF_TOKEN_LEN);
	assert_int_equal(
	    strspn(t1, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"),
	    ND_CSRF_TOKEN_LEN);
	assert_true(nd_csrf_verify(k1, NULL, 0, t1));
	/* Stable for one key: the same token on every page of a session. */
	nd_csrf_token(k1, NULL, 0, t2);
	assert_string_equal(t1, t2);
	/* Another session's secret. */
	nd_csrf_token(k2, NULL, 0, t2);
	assert_string_not_equal(t1, t2);
	assert_false(nd_csrf_verify(k2, NULL, 0, t1));
	/* Tampered, truncated, extended, absent. */
	memcpy(bad, t1, sizeof(bad));
	bad[5] = bad[5] == 'A' ? 'B' : 'A';
	assert_false(nd_csrf_verify(k1, NULL, 0, bad));
	bad[5] = t1[5];
	bad[ND_CSRF_TOKEN_LEN - 1] = '\0';
	assert_false(nd_csrf_verify(k1, NULL, 0, bad));
	assert_false(nd_csrf_verify(k1, NULL, 0, ""));
	assert_false(nd_csrf_verify(k1, NULL, 0, NULL));
}

static void test_message(void **state)
{
	uint8_t k[ND_CSRF_KEY_LEN];
	char t[ND_CSRF_TOKEN_LEN + 1];

	(void)state;
	memset(k, 7, sizeof(k));
	/* The login form: the token is bound to the form cookie's value. */
	nd_csrf_token(k, "cookie-a", 8, t);
	assert_true(nd_csrf_verify(k, "cookie-a", 8, t));
	assert_false(nd_csrf_verify(k, "cookie-b", 8, t));
	assert_false(nd_csrf_verify(k, NULL, 0, t));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_token),
	    cmocka_unit_test(test_message),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
