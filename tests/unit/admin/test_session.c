/* Tests for src/admin/session.c: tokens, their hash, expiry (against a real store). */
#include "admin/admin_fixture.h"

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

#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
	    T(test_create_find),
	    T(test_expiry),
	};

	setenv("ND_TEST_FAST_HASH", "1", 1);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
