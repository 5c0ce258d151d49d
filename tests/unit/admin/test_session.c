/* Tests for src/admin/session.c and src/admin/account.c against a real store. */
#include "helpers/cmocka.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "admin/account.h"
#include "admin/session.h"
#include "core/err.h"
#include "core/log.h"

static const struct nd_session_policy policy = {.idle_seconds = 3600, .max_seconds = 86400};
static const struct nd_login_policy lp = {.max_failures = 3, .lock_seconds = 60};

struct fixture {
	char dir[64], path[128];
	struct nd_store *s;
	int64_t uid;
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	snprintf(f->dir, sizeof(f->dir), "/tmp/nd-admin-XXXXXX");
	if (!mkdtemp(f->dir))
		return -1;
	snprintf(f->path, sizeof(f->path), "%s/news.db", f->dir);
	nd_log_level = ND_LOG_ERROR + 1;
	if (nd_store_open(f->path, &f->s) || nd_account_add(f->s, "Ann", "Ann A", ND_ROLE_EDITOR,
	                                                    "correct horse", 13, NULL, &f->uid))
		return -1;
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	char p[160];

	nd_store_close(f->s);
	unlink(f->path);
	snprintf(p, sizeof(p), "%s-wal", f->path);
	unlink(p);
	snprintf(p, sizeof(p), "%s-shm", f->path);
	unlink(p);
	rmdir(f->dir);
	free(f);
	return 0;
}

static void test_create_find(void **state)
{
	struct fixture *f = *state;
	char t1[ND_SESSION_TOKEN_LEN + 1], t2[ND_SESSION_TOKEN_LEN + 1];
	struct nd_session_rec r1, got;
	uint8_t id[ND_STORE_SESSION_ID_LEN];

	assert_int_equal(nd_session_create(f->s, f->uid, 1000, &policy, t1, &r1), 0);
	assert_int_equal(strlen(t1), ND_SESSION_TOKEN_LEN);
	assert_int_equal(r1.expires_at, 1000 + 86400);
	assert_int_equal(nd_session_create(f->s, f->uid, 1000, &policy, t2, NULL), 0);
	assert_string_not_equal(t1, t2);
	/* The store keys it by the token's hash, not by the token. */
	assert_int_equal(nd_session_id(t1, id), 0);
	assert_memory_equal(id, r1.id, sizeof(id));
	assert_memory_not_equal(id, t1, sizeof(id));
	assert_int_equal(nd_session_find(f->s, t1, 1010, &policy, &got), 0);
	assert_int_equal(got.user_id, f->uid);
	assert_memory_equal(got.csrf, r1.csrf, sizeof(got.csrf));
	assert_int_equal(got.last_seen, 1000); /* not written within a minute */
	assert_int_equal(nd_session_find(f->s, t1, 1100, &policy, &got), 0);
	assert_int_equal(got.last_seen, 1100);
	/* Malformed and unknown tokens. */
	assert_int_equal(nd_session_find(f->s, NULL, 1100, &policy, &got), ND_ENOTFOUND);
	assert_int_equal(nd_session_find(f->s, "short", 1100, &policy, &got), ND_ENOTFOUND);
	assert_int_equal(nd_session_find(f->s, "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", 1100,
	                                 &policy, &got),
	                 ND_ENOTFOUND);
	assert_int_equal(nd_session_find(f->s, "!AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", 1100,
	                                 &policy, &got),
	                 ND_ENOTFOUND);
	/* End. */
	assert_int_equal(nd_session_end(f->s, t1), 0);
	assert_int_equal(nd_session_find(f->s, t1, 1100, &policy, &got), ND_ENOTFOUND);
	assert_int_equal(nd_session_find(f->s, t2, 1100, &policy, &got), 0);
	assert_int_equal(nd_session_end(f->s, "garbage"), 0);
}

static void test_expiry(void **state)
{
	struct fixture *f = *state;
	char t[ND_SESSION_TOKEN_LEN + 1];
	struct nd_session_rec got;
	uint8_t id[ND_STORE_SESSION_ID_LEN];

	/* Idle: an hour without use ends it, and the row goes. */
	assert_int_equal(nd_session_create(f->s, f->uid, 1000, &policy, t, NULL), 0);
	assert_int_equal(nd_session_find(f->s, t, 1000 + 3599, &policy, &got), 0);
	assert_int_equal(nd_session_find(f->s, t, 1000 + 3599 + 3600, &policy, &got), ND_ENOTFOUND);
	assert_int_equal(nd_session_id(t, id), 0);
	assert_int_equal(nd_store_session_get(f->s, id, &got), ND_ENOTFOUND);
	/* Absolute: used every half hour, still ends after a day. */
	assert_int_equal(nd_session_create(f->s, f->uid, 0, &policy, t, NULL), 0);
	for (int64_t now = 1800; now < 86400; now += 1800)
		assert_int_equal(nd_session_find(f->s, t, now, &policy, &got), 0);
	assert_int_equal(nd_session_find(f->s, t, 86400, &policy, &got), ND_ENOTFOUND);
	/* A removed user's session is gone. */
	assert_int_equal(nd_session_create(f->s, f->uid, 0, &policy, t, NULL), 0);
	assert_int_equal(nd_store_user_remove(f->s, "ann"), 0);
	assert_int_equal(nd_session_find(f->s, t, 10, &policy, &got), ND_ENOTFOUND);
	assert_int_equal(nd_session_create(f->s, f->uid, 0, &policy, t, NULL), ND_ENOTFOUND);
}

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

#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
	    T(test_create_find), T(test_expiry),    T(test_login),
	    T(test_lockout),     T(test_passwords), T(test_rehash_on_login),
	};

	setenv("ND_TEST_FAST_HASH", "1", 1);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
