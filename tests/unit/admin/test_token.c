/* Tests for src/admin/token.c: making, checking and revoking API tokens. */
#include "admin_fixture.h"

#include <sqlite3.h>

#include "admin/token.h"
#include "store/store_int.h"

static void test_create_and_check(void **state)
{
	struct fixture *f = *state;
	char tok[ND_TOKEN_LEN + 1];
	struct nd_token_user u;
	int64_t id = 0;

	assert_int_equal(nd_token_create(f->s, "ANN", "CI import", 1000, tok, &id), 0);
	assert_true(id > 0);
	assert_int_equal(strlen(tok), ND_TOKEN_LEN);
	assert_memory_equal(tok, "nd_", 3);
	assert_int_equal(nd_token_check(f->s, tok, 1000, &u), 0);
	assert_int_equal(u.user_id, f->uid);
	assert_int_equal(u.token_id, id);
	assert_int_equal(u.role, ND_ROLE_EDITOR);
	assert_string_equal(u.login, "ann");
	assert_string_equal(u.name, "Ann A");
}

static int last_used_cb(void *ctx, const struct nd_token_rec *rec)
{
	*(int64_t *)ctx = rec->last_used;
	return 0;
}

static void test_last_used_once_a_minute(void **state)
{
	struct fixture *f = *state;
	char tok[ND_TOKEN_LEN + 1];
	struct nd_token_user u;
	int64_t used = -1;

	assert_int_equal(nd_token_create(f->s, "ann", "t", 1000, tok, NULL), 0);
	assert_int_equal(nd_token_check(f->s, tok, 2000, &u), 0);
	nd_store_each_token(f->s, f->uid, last_used_cb, &used);
	assert_int_equal(used, 2000);
	assert_int_equal(nd_token_check(f->s, tok, 2030, &u), 0);
	nd_store_each_token(f->s, f->uid, last_used_cb, &used);
	assert_int_equal(used, 2000);
	assert_int_equal(nd_token_check(f->s, tok, 2060, &u), 0);
	nd_store_each_token(f->s, f->uid, last_used_cb, &used);
	assert_int_equal(used, 2060);
}

static void test_refused(void **state)
{
	struct fixture *f = *state;
	char tok[ND_TOKEN_LEN + 1], other[ND_TOKEN_LEN + 1];
	struct nd_token_user u;
	int64_t id;

	assert_int_equal(nd_token_create(f->s, "nobody", "t", 1, tok, NULL), ND_ENOTFOUND);
	assert_int_equal(nd_token_create(f->s, "ann", "  ", 1, tok, NULL), ND_EINVAL);
	assert_int_equal(nd_token_create(f->s, "ann", "t", 1, tok, &id), 0);
	/* Malformed, unknown, tampered, without prefix. */
	assert_int_equal(nd_token_check(f->s, NULL, 1, &u), ND_ENOTFOUND);
	assert_int_equal(nd_token_check(f->s, "nd_short", 1, &u), ND_ENOTFOUND);
	memcpy(other, tok, sizeof(other));
	other[10] = other[10] == 'A' ? 'B' : 'A';
	assert_int_equal(nd_token_check(f->s, other, 1, &u), ND_ENOTFOUND);
	memcpy(other, tok, sizeof(other));
	other[0] = 'x';
	assert_int_equal(nd_token_check(f->s, other, 1, &u), ND_ENOTFOUND);
	/* Revoked. */
	assert_int_equal(nd_store_token_revoke(f->s, id, 5), 0);
	assert_int_equal(nd_token_check(f->s, tok, 6, &u), ND_ENOTFOUND);
	/* The user removed: the token goes with it. */
	assert_int_equal(nd_token_create(f->s, "ann", "t2", 1, tok, NULL), 0);
	assert_int_equal(nd_store_user_remove(f->s, "ann"), 0);
	assert_int_equal(nd_token_check(f->s, tok, 6, &u), ND_ENOTFOUND);
}

static void test_disabled_user(void **state)
{
	struct fixture *f = *state;
	char tok[ND_TOKEN_LEN + 1];
	struct nd_token_user u;

	assert_int_equal(nd_token_create(f->s, "ann", "t", 1, tok, NULL), 0);
	if (temp_db_is_pg())
		assert_int_equal(temp_db_pg_run(f->db.url, "UPDATE users SET disabled = 1"), 0);
	else
		assert_int_equal(sqlite3_exec(nd__sqlite_db(f->s), "UPDATE users SET disabled = 1",
		                              NULL, NULL, NULL),
		                 0);
	assert_int_equal(nd_token_check(f->s, tok, 2, &u), ND_ENOTFOUND);
}

#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
	    T(test_create_and_check),
	    T(test_last_used_once_a_minute),
	    T(test_refused),
	    T(test_disabled_user),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
