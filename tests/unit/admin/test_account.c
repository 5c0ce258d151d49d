/* Tests for src/admin/account.c: the login check, lockout, passwords, rehash. */
#include "admin/admin_fixture.h"

static void test_login(void **state)
{
	struct fixture *f = *state;
	struct nd_account a;
	int64_t until;

	assert_int_equal(nd_account_login(f->s, "ANN", "correct horse", 13, 100, &lp, &a, &until),
	                 0);
	assert_int_equal(a.id, f->uid);
	assert_string_equal(a.login, "ann");
	assert_int_equal(a.role, ND_ROLE_EDITOR);
	assert_int_equal(a.last_login, 100);
	assert_int_equal(nd_account_get(f->s, "ann", &a), 0);
	assert_int_equal(a.last_login, 100);
	assert_int_equal(nd_account_login(f->s, "ann", "wrong horse!", 12, 100, &lp, &a, &until),
	                 ND_EINVAL);
	assert_int_equal(
	    nd_account_login(f->s, "nobody", "correct horse", 13, 100, &lp, &a, &until), ND_EINVAL);
	assert_int_equal(nd_account_login(f->s, "", "x", 1, 100, &lp, &a, &until), ND_EINVAL);
}

static void test_lockout(void **state)
{
	struct fixture *f = *state;
	struct nd_account a;
	int64_t until;

	assert_int_equal(nd_account_login(f->s, "ann", "wrong 1", 7, 100, &lp, &a, &until),
	                 ND_EINVAL);
	/* A success in between starts the count again. */
	assert_int_equal(nd_account_login(f->s, "ann", "correct horse", 13, 100, &lp, &a, &until),
	                 0);
	assert_int_equal(nd_account_login(f->s, "ann", "wrong 1", 7, 100, &lp, &a, &until),
	                 ND_EINVAL);
	assert_int_equal(nd_account_login(f->s, "ann", "wrong 2", 7, 100, &lp, &a, &until),
	                 ND_EINVAL);
	assert_int_equal(nd_account_login(f->s, "ann", "wrong 3", 7, 101, &lp, &a, &until),
	                 ND_EBUSY);
	assert_int_equal(until, 161);
	/* Locked: the right password does not help. */
	assert_int_equal(nd_account_login(f->s, "ann", "correct horse", 13, 160, &lp, &a, &until),
	                 ND_EBUSY);
	assert_int_equal(until, 161);
	assert_int_equal(nd_account_login(f->s, "ann", "correct horse", 13, 161, &lp, &a, &until),
	                 0);
	/* Unknown logins lock the same way. */
	for (int i = 0; i < 2; i++)
		assert_int_equal(nd_account_login(f->s, "ghost", "x", 1, 200, &lp, &a, &until),
		                 ND_EINVAL);
	assert_int_equal(nd_account_login(f->s, "ghost", "x", 1, 200, &lp, &a, &until), ND_EBUSY);
	assert_int_equal(until, 260);
}

/* Attempts in flight hold their place in the count before the password
 * is checked: a burst of parallel guesses is refused past the lock. */
static void test_lockout_reserves(void **state)
{
	struct fixture *f = *state;
	struct nd_login_state st;
	struct nd_account a;
	int64_t until;

	/* Two wrong guesses still being checked elsewhere... */
	assert_int_equal(nd_store_login_failed(f->s, "ann", 100, 3, 60, &st), 0);
	assert_int_equal(nd_store_login_failed(f->s, "ann", 100, 3, 60, &st), 0);
	/* ...a third attempt takes the last place: it is checked, and being
	 * right it takes its place back and clears the count. */
	assert_int_equal(nd_account_login(f->s, "ann", "correct horse", 13, 100, &lp, &a, &until),
	                 0);
	assert_int_equal(nd_store_login_state(f->s, "ann", &st), 0);
	assert_int_equal(st.failures, 0);
	assert_int_equal(st.locked_until, 0);
	/* Three places taken: a fourth attempt is refused unchecked. */
	for (int i = 0; i < 3; i++)
		assert_int_equal(nd_store_login_failed(f->s, "ann", 100, 3, 60, &st), 0);
	assert_int_equal(nd_account_login(f->s, "ann", "correct horse", 13, 100, &lp, &a, &until),
	                 ND_EBUSY);
	assert_int_equal(until, 160);
}

static void test_passwords(void **state)
{
	struct fixture *f = *state;
	struct nd_account a;
	const char *why;
	int64_t until;

	assert_int_equal(nd_account_add(f->s, "bob", NULL, ND_ROLE_AUTHOR, "short", 5, &why, NULL),
	                 ND_EINVAL);
	assert_non_null(why);
	assert_int_equal(
	    nd_account_add(f->s, "ann", NULL, ND_ROLE_AUTHOR, "long enough!", 12, &why, NULL),
	    ND_EEXIST);
	assert_int_equal(nd_account_set_password(f->s, "ann", "a new password", 14, &why), 0);
	assert_int_equal(nd_account_login(f->s, "ann", "correct horse", 13, 5, &lp, &a, &until),
	                 ND_EINVAL);
	assert_int_equal(nd_account_login(f->s, "ann", "a new password", 14, 5, &lp, &a, &until),
	                 0);
	assert_int_equal(nd_account_set_password(f->s, "nobody", "a new password", 14, &why),
	                 ND_ENOTFOUND);
}

static void test_rehash_on_login(void **state)
{
	struct fixture *f = *state;
	struct nd_account a, b;
	int64_t until;

	/* The user's hash was made with the MIN limits (ND_TEST_FAST_HASH);
	 * at INTERACTIVE limits a login replaces it. */
	assert_int_equal(nd_account_get(f->s, "ann", &a), 0);
	unsetenv("ND_TEST_FAST_HASH");
	assert_int_equal(nd_account_login(f->s, "ann", "correct horse", 13, 5, &lp, &b, &until), 0);
	setenv("ND_TEST_FAST_HASH", "1", 1);
	assert_int_equal(nd_account_get(f->s, "ann", &b), 0);
	assert_string_not_equal(a.password, b.password);
	assert_true(nd_password_verify(b.password, "correct horse", 13));
}

/* Adds a user with a stored hash (no hashing needed here); returns its id. */
static int64_t add(struct fixture *f, const char *login, enum nd_role role)
{
	int64_t id;

	assert_int_equal(nd_store_user_add(f->s, login, NULL, role, "$argon2id$x", &id), 0);
	return id;
}

static void test_set_role(void **state)
{
	struct fixture *f = *state;
	int64_t root = add(f, "root", ND_ROLE_ADMIN), second;
	const char *why = "x";
	struct nd_account a;

	/* Promote and demote another user. */
	assert_int_equal(nd_account_set_role(f->s, root, f->uid, ND_ROLE_AUTHOR, &why), 0);
	assert_null(why);
	assert_int_equal(nd_account_get_id(f->s, f->uid, &a), 0);
	assert_int_equal(a.role, ND_ROLE_AUTHOR);
	/* No one changes their own role; keeping it is a no-op. */
	assert_int_equal(nd_account_set_role(f->s, root, root, ND_ROLE_EDITOR, &why), ND_EBUSY);
	assert_non_null(strstr(why, "your own role"));
	assert_int_equal(nd_account_set_role(f->s, root, root, ND_ROLE_ADMIN, &why), 0);
	/* The last admin stays one, whoever asks. */
	second = add(f, "second", ND_ROLE_EDITOR);
	assert_int_equal(nd_account_set_role(f->s, second, root, ND_ROLE_EDITOR, &why), ND_EBUSY);
	assert_non_null(strstr(why, "last admin"));
	assert_int_equal(nd_account_set_role(f->s, root, second, ND_ROLE_ADMIN, &why), 0);
	assert_int_equal(nd_account_set_role(f->s, second, root, ND_ROLE_EDITOR, &why), 0);
	assert_int_equal(nd_account_get_id(f->s, root, &a), 0);
	assert_int_equal(a.role, ND_ROLE_EDITOR);
	assert_int_equal(nd_account_set_role(f->s, second, 9999, ND_ROLE_EDITOR, &why),
	                 ND_ENOTFOUND);
	assert_int_equal(nd_account_set_role(f->s, second, root, (enum nd_role)7, &why), ND_EINVAL);
	/* Not left inside a transaction. */
	assert_int_equal(nd_store_begin(f->s), 0);
	assert_int_equal(nd_store_rollback(f->s), 0);
}

static void test_remove(void **state)
{
	struct fixture *f = *state;
	int64_t root = add(f, "root", ND_ROLE_ADMIN), other;
	const char *why = NULL;
	struct nd_account a;

	assert_int_equal(nd_account_remove(f->s, root, root, &why), ND_EBUSY);
	assert_non_null(strstr(why, "your own account"));
	/* Another admin may not remove the last one either. */
	other = add(f, "other", ND_ROLE_EDITOR);
	assert_int_equal(nd_account_remove(f->s, other, root, &why), ND_EBUSY);
	assert_non_null(strstr(why, "last admin"));
	/* With a second admin, the first may go (removed by the second). */
	assert_int_equal(nd_account_set_role(f->s, root, other, ND_ROLE_ADMIN, &why), 0);
	assert_int_equal(nd_account_remove(f->s, other, root, &why), 0);
	assert_null(why);
	assert_int_equal(nd_account_get_id(f->s, root, &a), ND_ENOTFOUND);
	assert_int_equal(nd_account_remove(f->s, other, f->uid, &why), 0);
	assert_int_equal(nd_account_get(f->s, "ann", &a), ND_ENOTFOUND);
	assert_int_equal(nd_account_remove(f->s, other, 9999, &why), ND_ENOTFOUND);
}

#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
	    T(test_login),           T(test_lockout),  T(test_lockout_reserves), T(test_passwords),
	    T(test_rehash_on_login), T(test_set_role), T(test_remove),
	};

	setenv("ND_TEST_FAST_HASH", "1", 1);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
