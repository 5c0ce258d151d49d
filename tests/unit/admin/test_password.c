/* Tests for src/admin/password.c: argon2id hashes, policy, rehash. */
#include "helpers/cmocka.h"

#include <stdlib.h>
#include <string.h>

#include "admin/password.h"
#include "core/err.h"

static void test_check(void **state)
{
	char big[ND_PASSWORD_MAX + 2];
	const char *why = NULL;

	(void)state;
	assert_int_equal(nd_password_check("correct horse", 13, &why), 0);
	assert_null(why);
	assert_int_equal(nd_password_check("short", 5, &why), ND_EINVAL);
	assert_non_null(strstr(why, "too short"));
	assert_int_equal(nd_password_check("          ", 10, &why), ND_EINVAL);
	assert_non_null(strstr(why, "white space"));
	assert_int_equal(nd_password_check("abcde\0fghij", 11, &why), ND_EINVAL);
	assert_int_equal(nd_password_check("abcdefghi\xff", 10, &why), ND_EINVAL);
	memset(big, 'x', sizeof(big));
	assert_int_equal(nd_password_check(big, ND_PASSWORD_MAX, NULL), 0);
	assert_int_equal(nd_password_check(big, ND_PASSWORD_MAX + 1, &why), ND_EINVAL);
	assert_non_null(strstr(why, "too long"));
}

static void test_hash_verify(void **state)
{
	char h1[ND_PASSWORD_HASH_SIZE], h2[ND_PASSWORD_HASH_SIZE];

	(void)state;
	assert_int_equal(nd_password_hash("correct horse", 13, h1), 0);
	assert_int_equal(strncmp(h1, "$argon2id$", 10), 0);
	assert_int_equal(nd_password_hash("correct horse", 13, h2), 0);
	assert_string_not_equal(h1, h2); /* salted */
	assert_true(nd_password_verify(h1, "correct horse", 13));
	assert_true(nd_password_verify(h2, "correct horse", 13));
	assert_false(nd_password_verify(h1, "correct horsE", 13));
	assert_false(nd_password_verify(h1, "correct hors", 12));
	assert_false(nd_password_verify(h1, "", 0));
	assert_false(nd_password_verify("not a hash", "correct horse", 13));
	assert_false(nd_password_verify(NULL, "correct horse", 13));
	assert_false(nd_password_needs_rehash(h1));
}

static void test_rehash(void **state)
{
	char h[ND_PASSWORD_HASH_SIZE];

	(void)state;
	/* Made with the MIN limits, then checked against INTERACTIVE. */
	setenv("ND_TEST_FAST_HASH", "1", 1);
	assert_int_equal(nd_password_hash("correct horse", 13, h), 0);
	assert_false(nd_password_needs_rehash(h));
	unsetenv("ND_TEST_FAST_HASH");
	assert_true(nd_password_needs_rehash(h));
	assert_true(nd_password_verify(h, "correct horse", 13)); /* still verifies */
	setenv("ND_TEST_FAST_HASH", "1", 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_check),
	    cmocka_unit_test(test_hash_verify),
	    cmocka_unit_test(test_rehash),
	};

	setenv("ND_TEST_FAST_HASH", "1", 1);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
