/* Tests for src/admin/role.c: the permissions table of issue 6. */
#include "helpers/cmocka.h"

#include "admin/role.h"

static void test_table(void **state)
{
	static const struct {
		enum nd_action act;
		bool author, editor, admin;
	} want[] = {
	    {ND_ACT_ADMIN, true, true, true},     {ND_ACT_EDIT_OWN, true, true, true},
	    {ND_ACT_EDIT_ANY, false, true, true}, {ND_ACT_PUBLISH, false, true, true},
	    {ND_ACT_USERS, false, false, true},   {ND_ACT_SETTINGS, false, false, true},
	};

	(void)state;
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		assert_int_equal(nd_role_may(ND_ROLE_AUTHOR, want[i].act), want[i].author);
		assert_int_equal(nd_role_may(ND_ROLE_EDITOR, want[i].act), want[i].editor);
		assert_int_equal(nd_role_may(ND_ROLE_ADMIN, want[i].act), want[i].admin);
	}
	assert_int_equal(sizeof(want) / sizeof(want[0]), ND_ACT__COUNT);
}

static void test_unknown(void **state)
{
	(void)state;
	assert_false(nd_role_may((enum nd_role)7, ND_ACT_ADMIN));
	assert_false(nd_role_may((enum nd_role) - 1, ND_ACT_ADMIN));
	assert_false(nd_role_may(ND_ROLE_ADMIN, ND_ACT__COUNT));
	assert_string_equal(nd_action_name(ND_ACT_PUBLISH), "publish articles");
	assert_string_equal(nd_action_name(ND_ACT__COUNT), "?");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_table),
	    cmocka_unit_test(test_unknown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
