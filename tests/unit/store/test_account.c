/*
 * Tests for src/store/account.c and the SQLite account calls
 * (0004-accounts.sql): users, sessions, login lockout.
 */
#include "helpers/cmocka.h"
#include "helpers/temp_db.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sqlite3.h>

#include "core/err.h"
#include "core/log.h"
#include "store/store.h"
#include "store/store_int.h"

struct fixture {
	struct temp_db db;
	struct nd_store *s;
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	if (!f || temp_db_make(&f->db, "account")) {
		free(f);
		return -1;
	}
	nd_log_level = ND_LOG_ERROR + 1; /* the tests provoke errors on purpose */
	if (nd_store_open(f->db.url, &f->s) != 0) {
		temp_db_remove(&f->db);
		free(f);
		return -1;
	}
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	nd_store_close(f->s);
	temp_db_remove(&f->db);
	free(f);
	return 0;
}

struct got {
	int calls;
	int64_t id;
	char login[80];
	char name[80];
	enum nd_role role;
	char password[80];
	int64_t last_login;
};

static int grab(void *ctx, const struct nd_user_rec *u)
{
	struct got *g = ctx;

	g->calls++;
	g->id = u->id;
	snprintf(g->login, sizeof(g->login), "%s", u->login);
	snprintf(g->name, sizeof(g->name), "%s", u->name);
	snprintf(g->password, sizeof(g->password), "%s", u->password);
	g->role = u->role;
	g->last_login = u->last_login;
	return 0;
}

static int64_t count(struct fixture *f, const char *sql)
{
	sqlite3_stmt *st;
	int64_t n = -1;

	if (temp_db_is_pg())
		return temp_db_pg_int(&f->db, sql);
	assert_int_equal(sqlite3_prepare_v2(nd__sqlite_db(f->s), sql, -1, &st, NULL), SQLITE_OK);
	if (sqlite3_step(st) == SQLITE_ROW)
		n = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return n;
}

static void test_roles(void **state)
{
	enum nd_role r;

	(void)state;
	assert_string_equal(nd_role_name(ND_ROLE_AUTHOR), "author");
	assert_string_equal(nd_role_name(ND_ROLE_EDITOR), "editor");
	assert_string_equal(nd_role_name(ND_ROLE_ADMIN), "admin");
	assert_null(nd_role_name((enum nd_role)7));
	assert_int_equal(nd_role_parse("admin", &r), 0);
	assert_int_equal(r, ND_ROLE_ADMIN);
	assert_int_equal(nd_role_parse("Admin", &r), ND_EINVAL);
	assert_int_equal(nd_role_parse(NULL, &r), ND_EINVAL);
}

static void test_login_valid(void **state)
{
	char long_login[80];

	(void)state;
	assert_true(nd_store_login_valid("alice"));
	assert_true(nd_store_login_valid("Alice.Adams-2@news_desk"));
	assert_false(nd_store_login_valid(""));
	assert_false(nd_store_login_valid(NULL));
	assert_false(nd_store_login_valid(".alice"));
	assert_false(nd_store_login_valid("al ice"));
	assert_false(nd_store_login_valid("élodie"));
	memset(long_login, 'a', 65);
	long_login[65] = '\0';
	assert_false(nd_store_login_valid(long_login));
	long_login[64] = '\0';
	assert_true(nd_store_login_valid(long_login));
}

static void test_user_add_get(void **state)
{
	struct fixture *f = *state;
	struct got g = {0};
	int64_t id = 0, id2 = 0;

	assert_int_equal(
	    nd_store_user_add(f->s, "Alice", "Alice Adams", ND_ROLE_EDITOR, "$hash$1", &id), 0);
	assert_true(id > 0);
	/* Case-insensitive lookup; stored in lowercase. */
	assert_int_equal(nd_store_user_get(f->s, "ALICE", grab, &g), 0);
	assert_int_equal(g.calls, 1);
	assert_int_equal(g.id, id);
	assert_string_equal(g.login, "alice");
	assert_string_equal(g.name, "Alice Adams");
	assert_int_equal(g.role, ND_ROLE_EDITOR);
	assert_string_equal(g.password, "$hash$1");
	assert_int_equal(g.last_login, 0);
	memset(&g, 0, sizeof(g));
	assert_int_equal(nd_store_user_get_id(f->s, id, grab, &g), 0);
	assert_string_equal(g.login, "alice");
	/* Duplicates, in any case. */
	assert_int_equal(nd_store_user_add(f->s, "alice", NULL, ND_ROLE_ADMIN, "$h", NULL),
	                 ND_EEXIST);
	assert_int_equal(nd_store_user_add(f->s, "ALICE", NULL, ND_ROLE_ADMIN, "$h", NULL),
	                 ND_EEXIST);
	assert_int_equal(nd_store_user_add(f->s, "bob", NULL, ND_ROLE_AUTHOR, "$h", &id2), 0);
	assert_true(id2 != id);
	assert_int_equal(nd_store_user_get(f->s, "carol", grab, &g), ND_ENOTFOUND);
	assert_int_equal(nd_store_user_get_id(f->s, 999, grab, &g), ND_ENOTFOUND);
}

static void test_user_add_invalid(void **state)
{
	struct fixture *f = *state;
	char big[300];

	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	assert_int_equal(nd_store_user_add(f->s, "", NULL, ND_ROLE_AUTHOR, "$h", NULL), ND_EINVAL);
	assert_int_equal(nd_store_user_add(f->s, "a b", NULL, ND_ROLE_AUTHOR, "$h", NULL),
	                 ND_EINVAL);
	assert_int_equal(nd_store_user_add(f->s, "ann", NULL, ND_ROLE_AUTHOR, "  ", NULL),
	                 ND_EINVAL);
	assert_int_equal(nd_store_user_add(f->s, "ann", NULL, ND_ROLE_AUTHOR, NULL, NULL),
	                 ND_EINVAL);
	assert_int_equal(nd_store_user_add(f->s, "ann", NULL, (enum nd_role)9, "$h", NULL),
	                 ND_EINVAL);
	assert_int_equal(nd_store_user_add(f->s, "ann", big, ND_ROLE_AUTHOR, "$h", NULL),
	                 ND_EINVAL);
	assert_int_equal(nd_store_user_add(f->s, "ann", "\xff", ND_ROLE_AUTHOR, "$h", NULL),
	                 ND_EINVAL);
	assert_int_equal(nd_store_user_get(f->s, "a b", grab, NULL), ND_EINVAL);
	assert_int_equal(nd_store_user_get_id(f->s, 0, grab, NULL), ND_EINVAL);
	assert_int_equal(count(f, "SELECT count(*) FROM users"), 0);
}

static int collect(void *ctx, const struct nd_user_rec *u)
{
	char *out = ctx;
	size_t n = strlen(out);

	snprintf(out + n, 128 - n, "%s ", u->login);
	return 0;
}

static void test_user_change(void **state)
{
	struct fixture *f = *state;
	struct got g = {0};
	char list[128] = "";
	int64_t id;

	assert_int_equal(nd_store_user_add(f->s, "zed", NULL, ND_ROLE_AUTHOR, "$old", &id), 0);
	assert_int_equal(nd_store_user_add(f->s, "amy", NULL, ND_ROLE_AUTHOR, "$h", NULL), 0);
	assert_int_equal(nd_store_user_set_role(f->s, id, ND_ROLE_ADMIN), 0);
	assert_int_equal(nd_store_user_set_password(f->s, id, "$new"), 0);
	assert_int_equal(nd_store_user_set_last_login(f->s, id, 1234), 0);
	assert_int_equal(nd_store_user_get(f->s, "zed", grab, &g), 0);
	assert_int_equal(g.role, ND_ROLE_ADMIN);
	assert_string_equal(g.password, "$new");
	assert_int_equal(g.last_login, 1234);
	assert_int_equal(nd_store_user_set_role(f->s, 999, ND_ROLE_ADMIN), ND_ENOTFOUND);
	assert_int_equal(nd_store_user_set_password(f->s, 999, "$x"), ND_ENOTFOUND);
	assert_int_equal(nd_store_user_set_role(f->s, id, (enum nd_role)5), ND_EINVAL);
	assert_int_equal(nd_store_user_set_password(f->s, id, ""), ND_EINVAL);
	assert_int_equal(nd_store_user_set_last_login(f->s, id, -1), ND_EINVAL);
	assert_int_equal(nd_store_each_user(f->s, collect, list), 0);
	assert_string_equal(list, "amy zed ");
}

static struct nd_session_rec session(uint8_t tag, int64_t user, int64_t at)
{
	struct nd_session_rec r = {0};

	memset(r.id, tag, sizeof(r.id));
	memset(r.csrf, tag ^ 0x5a, sizeof(r.csrf));
	r.user_id = user;
	r.created_at = r.last_seen = at;
	r.expires_at = at + 1000;
	return r;
}

static void test_sessions(void **state)
{
	struct fixture *f = *state;
	struct nd_session_rec a = session(1, 0, 100), b, got;
	int64_t uid, n;

	assert_int_equal(nd_store_user_add(f->s, "ann", NULL, ND_ROLE_AUTHOR, "$h", &uid), 0);
	a.user_id = uid;
	b = session(2, uid, 100);
	assert_int_equal(nd_store_session_add(f->s, &a), 0);
	assert_int_equal(nd_store_session_add(f->s, &b), 0);
	assert_int_equal(nd_store_session_add(f->s, &a), ND_EEXIST);
	assert_int_equal(nd_store_session_get(f->s, a.id, &got), 0);
	assert_memory_equal(&got, &a, sizeof(a));
	/* Touch moves last_seen forward only. */
	assert_int_equal(nd_store_session_touch(f->s, a.id, 150), 0);
	assert_int_equal(nd_store_session_touch(f->s, a.id, 120), 0);
	assert_int_equal(nd_store_session_get(f->s, a.id, &got), 0);
	assert_int_equal(got.last_seen, 150);
	/* No such user: no session; bad input. */
	{
		struct nd_session_rec c = session(3, 999, 100);
		assert_int_equal(nd_store_session_add(f->s, &c), ND_ENOTFOUND);
		c.user_id = 0;
		assert_int_equal(nd_store_session_add(f->s, &c), ND_EINVAL);
		assert_int_equal(nd_store_session_get(f->s, c.id, &got), ND_ENOTFOUND);
	}
	assert_int_equal(nd_store_session_delete(f->s, a.id), 0);
	assert_int_equal(nd_store_session_get(f->s, a.id, &got), ND_ENOTFOUND);
	assert_int_equal(nd_store_session_delete(f->s, a.id), 0);
	assert_int_equal(nd_store_session_add(f->s, &a), 0);
	assert_int_equal(nd_store_session_delete_user(f->s, uid, &n), 0);
	assert_int_equal(n, 2);
	assert_int_equal(count(f, "SELECT count(*) FROM sessions"), 0);
}

static void test_session_purge(void **state)
{
	struct fixture *f = *state;
	struct nd_session_rec live, idle, old, got;
	int64_t uid, n;

	assert_int_equal(nd_store_user_add(f->s, "ann", NULL, ND_ROLE_AUTHOR, "$h", &uid), 0);
	live = session(1, uid, 1000);
	idle = session(2, uid, 500); /* last seen at 500 */
	old = session(3, uid, 1000);
	old.expires_at = 1100; /* absolute end passed */
	assert_int_equal(nd_store_session_add(f->s, &live), 0);
	assert_int_equal(nd_store_session_add(f->s, &idle), 0);
	assert_int_equal(nd_store_session_add(f->s, &old), 0);
	/* now 1200, idle before 900. */
	assert_int_equal(nd_store_session_purge(f->s, 1200, 900, &n), 0);
	assert_int_equal(n, 2);
	assert_int_equal(nd_store_session_get(f->s, live.id, &got), 0);
	assert_int_equal(nd_store_session_get(f->s, idle.id, &got), ND_ENOTFOUND);
	assert_int_equal(nd_store_session_get(f->s, old.id, &got), ND_ENOTFOUND);
}

static void test_remove_cascades(void **state)
{
	struct fixture *f = *state;
	struct nd_session_rec a, b;
	int64_t ann, bob;
	char sql[256];

	assert_int_equal(nd_store_user_add(f->s, "ann", NULL, ND_ROLE_AUTHOR, "$h", &ann), 0);
	assert_int_equal(nd_store_user_add(f->s, "bob", NULL, ND_ROLE_AUTHOR, "$h", &bob), 0);
	a = session(1, ann, 100);
	b = session(2, bob, 100);
	assert_int_equal(nd_store_session_add(f->s, &a), 0);
	assert_int_equal(nd_store_session_add(f->s, &b), 0);
	snprintf(sql, sizeof(sql),
	         "INSERT INTO api_tokens (user_id, name, hash, created_at) VALUES "
	         "(%lld, 'ci', %s, 1), (%lld, 'ci', %s, 1)",
	         (long long)ann, temp_db_is_pg() ? "'\\x01'::bytea" : "x'01'", (long long)bob,
	         temp_db_is_pg() ? "'\\x02'::bytea" : "x'02'");
	if (temp_db_is_pg())
		assert_int_equal(temp_db_pg_run(f->db.url, sql), 0);
	else
		assert_int_equal(sqlite3_exec(nd__sqlite_db(f->s), sql, NULL, NULL, NULL),
		                 SQLITE_OK);
	assert_int_equal(nd_store_user_remove(f->s, "ANN"), 0);
	assert_int_equal(count(f, "SELECT count(*) FROM users"), 1);
	assert_int_equal(count(f, "SELECT count(*) FROM sessions"), 1);
	assert_int_equal(count(f, "SELECT count(*) FROM api_tokens"), 1);
	snprintf(sql, sizeof(sql), "SELECT count(*) FROM sessions WHERE user_id = %lld",
	         (long long)bob);
	assert_int_equal(count(f, sql), 1);
	assert_int_equal(nd_store_user_remove(f->s, "ann"), ND_ENOTFOUND);
	assert_int_equal(nd_store_user_remove(f->s, ""), ND_EINVAL);
}

static void test_lockout(void **state)
{
	struct fixture *f = *state;
	struct nd_login_state st;

	assert_int_equal(nd_store_login_state(f->s, "ghost", &st), 0);
	assert_int_equal(st.failures, 0);
	assert_int_equal(st.locked_until, 0);
	for (int i = 1; i <= 2; i++) {
		assert_int_equal(nd_store_login_failed(f->s, "Ghost", 100, 3, 60, &st), 0);
		assert_int_equal(st.failures, i);
		assert_int_equal(st.locked_until, 0);
		assert_true(st.counted);
	}
	/* The third locks, for 60 s, and the count starts again. */
	assert_int_equal(nd_store_login_failed(f->s, "GHOST", 101, 3, 60, &st), 0);
	assert_int_equal(st.failures, 0);
	assert_int_equal(st.locked_until, 161);
	assert_true(st.counted);
	/* While locked nothing moves, and the caller is told. */
	assert_int_equal(nd_store_login_failed(f->s, "ghost", 150, 3, 60, &st), 0);
	assert_false(st.counted);
	assert_int_equal(st.locked_until, 161);
	assert_int_equal(st.failures, 0);
	assert_int_equal(nd_store_login_state(f->s, "ghost", &st), 0);
	assert_int_equal(st.locked_until, 161);
	/* After: failures count again; a success clears. */
	assert_int_equal(nd_store_login_failed(f->s, "ghost", 161, 3, 60, &st), 0);
	assert_int_equal(st.failures, 1);
	assert_int_equal(nd_store_login_clear(f->s, "ghost"), 0);
	assert_int_equal(nd_store_login_state(f->s, "ghost", &st), 0);
	assert_int_equal(st.failures, 0);
	assert_int_equal(st.locked_until, 0);
	/* Any UTF-8 login may be counted; bad input is refused. */
	assert_int_equal(nd_store_login_failed(f->s, "élodie x", 1, 3, 60, NULL), 0);
	assert_int_equal(nd_store_login_failed(f->s, "", 1, 3, 60, NULL), ND_EINVAL);
	assert_int_equal(nd_store_login_failed(f->s, "\xff", 1, 3, 60, NULL), ND_EINVAL);
	assert_int_equal(nd_store_login_failed(f->s, "x", 1, 0, 60, NULL), ND_EINVAL);
	assert_int_equal(nd_store_login_failed(f->s, "x", 1, 3, -1, NULL), ND_EINVAL);
}

/* Failures a day apart do not add up; old rows are purged, locked ones kept. */
static void test_lockout_window_and_purge(void **state)
{
	struct fixture *f = *state;
	const int64_t day = ND_STORE_LOGIN_WINDOW;
	struct nd_login_state st;
	int64_t n;

	assert_int_equal(nd_store_login_failed(f->s, "kim", 1000, 3, 60, &st), 0);
	assert_int_equal(nd_store_login_failed(f->s, "kim", 1000 + day, 3, 60, &st), 0);
	assert_int_equal(st.failures, 2); /* exactly a window apart: still counts */
	assert_int_equal(nd_store_login_failed(f->s, "kim", 1001 + 2 * day, 3, 60, &st), 0);
	assert_int_equal(st.failures, 1); /* more than a window after the last one */
	assert_int_equal(st.locked_until, 0);
	/* "lee" is locked far ahead; "kim"'s last failure is old at the purge. */
	assert_int_equal(nd_store_login_failed(f->s, "lee", 1000, 1, 10 * day, &st), 0);
	assert_int_equal(nd_store_login_purge(f->s, 1000 + 3 * day, &n), 0);
	assert_int_equal(n, 0); /* kim's last failure is one window old, not more */
	assert_int_equal(nd_store_login_purge(f->s, 1002 + 3 * day, &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(nd_store_login_state(f->s, "kim", &st), 0);
	assert_int_equal(st.failures, 0);
	assert_int_equal(nd_store_login_state(f->s, "lee", &st), 0);
	assert_int_equal(st.locked_until, 1000 + 10 * day);
	assert_int_equal(nd_store_login_purge(f->s, 1000 + 10 * day, NULL), 0);
	assert_int_equal(nd_store_login_state(f->s, "lee", &st), 0);
	assert_int_equal(st.locked_until, 0);
}

static void test_lockout_persists(void **state)
{
	struct fixture *f = *state;
	struct nd_login_state st;

	assert_int_equal(nd_store_login_failed(f->s, "ann", 10, 1, 30, &st), 0);
	assert_int_equal(st.locked_until, 40);
	nd_store_close(f->s);
	assert_int_equal(nd_store_open(f->db.url, &f->s), 0);
	assert_int_equal(nd_store_login_state(f->s, "ann", &st), 0);
	assert_int_equal(st.locked_until, 40);
}

struct tokens {
	int n;
	int64_t ids[8];
	int64_t last_used, revoked_at;
	char name[32];
};

static int grab_token(void *ctx, const struct nd_token_rec *t)
{
	struct tokens *k = ctx;

	k->ids[k->n++] = t->id;
	k->last_used = t->last_used;
	k->revoked_at = t->revoked_at;
	snprintf(k->name, sizeof(k->name), "%s", t->name);
	return 0;
}

static void test_tokens(void **state)
{
	struct fixture *f = *state;
	uint8_t h1[ND_STORE_TOKEN_HASH_LEN], h2[ND_STORE_TOKEN_HASH_LEN],
	    h3[ND_STORE_TOKEN_HASH_LEN];
	struct tokens k = {0};
	int64_t ann, bob, t1, t2, t3;

	memset(h1, 1, sizeof(h1));
	memset(h2, 2, sizeof(h2));
	memset(h3, 3, sizeof(h3));
	assert_int_equal(nd_store_user_add(f->s, "ann", NULL, ND_ROLE_EDITOR, "$h", &ann), 0);
	assert_int_equal(nd_store_user_add(f->s, "bob", NULL, ND_ROLE_AUTHOR, "$h", &bob), 0);
	assert_int_equal(nd_store_token_add(f->s, ann, "CI import", h1, 100, &t1), 0);
	assert_int_equal(nd_store_token_add(f->s, ann, "laptop", h2, 100, &t2), 0);
	assert_int_equal(nd_store_token_add(f->s, bob, "bob's", h3, 100, &t3), 0);
	assert_int_equal(nd_store_token_add(f->s, bob, "again", h1, 100, NULL), ND_EEXIST);
	assert_int_equal(nd_store_token_add(f->s, 999, "x", h1, 100, NULL), ND_ENOTFOUND);
	assert_int_equal(nd_store_token_add(f->s, ann, " ", h1, 100, NULL), ND_EINVAL);
	assert_int_equal(nd_store_token_add(f->s, 0, "x", h1, 100, NULL), ND_EINVAL);
	/* Find by hash (only the hash is stored), list per user and all. */
	assert_int_equal(nd_store_token_find(f->s, h2, grab_token, &k), 0);
	assert_int_equal(k.n, 1);
	assert_int_equal(k.ids[0], t2);
	assert_string_equal(k.name, "laptop");
	{
		uint8_t none[ND_STORE_TOKEN_HASH_LEN] = {0};
		assert_int_equal(nd_store_token_find(f->s, none, grab_token, &k), ND_ENOTFOUND);
	}
	memset(&k, 0, sizeof(k));
	assert_int_equal(nd_store_each_token(f->s, ann, grab_token, &k), 0);
	assert_int_equal(k.n, 2);
	assert_int_equal(k.ids[0], t1);
	assert_int_equal(k.ids[1], t2);
	memset(&k, 0, sizeof(k));
	assert_int_equal(nd_store_each_token(f->s, 0, grab_token, &k), 0);
	assert_int_equal(k.n, 3);
	/* Use and revoke. */
	assert_int_equal(nd_store_token_used(f->s, t1, 200), 0);
	assert_int_equal(nd_store_token_used(f->s, t1, 150), 0);
	assert_int_equal(nd_store_token_revoke(f->s, t1, 300), 0);
	assert_int_equal(nd_store_token_revoke(f->s, t1, 400), 0);
	memset(&k, 0, sizeof(k));
	assert_int_equal(nd_store_token_find(f->s, h1, grab_token, &k), 0);
	assert_int_equal(k.last_used, 200);
	assert_int_equal(k.revoked_at, 300);
	assert_int_equal(nd_store_token_used(f->s, 999, 1), ND_ENOTFOUND);
	assert_int_equal(nd_store_token_revoke(f->s, 999, 1), ND_ENOTFOUND);
	assert_int_equal(nd_store_token_revoke(f->s, t1, 0), ND_EINVAL);
	/* Removing a user takes its tokens. */
	assert_int_equal(nd_store_user_remove(f->s, "ann"), 0);
	memset(&k, 0, sizeof(k));
	assert_int_equal(nd_store_each_token(f->s, 0, grab_token, &k), 0);
	assert_int_equal(k.n, 1);
	assert_int_equal(k.ids[0], t3);
}

/* A node's handle failing logins for the same name as the others. */
struct failer {
	const char *url;
	int rc;
};

static void *fail_logins(void *arg)
{
	struct failer *w = arg;
	struct nd_store *s = NULL;
	struct nd_login_state st;

	w->rc = nd_store_open(w->url, &s);
	for (int i = 0; i < 25 && !w->rc; i++)
		w->rc = nd_store_login_failed(s, "mallory", 1000 + i, 1000, 60, &st);
	nd_store_close(s);
	return NULL;
}

/*
 * Failures from several handles at once all count: each is a read and a
 * write in one transaction (SQLite's single writer; PostgreSQL's writers'
 * lock, docs/internals/postgres.md).
 */
static void test_concurrent_failures(void **state)
{
	struct fixture *f = *state;
	struct failer w[4];
	pthread_t t[4];
	struct nd_login_state st;

	for (int i = 0; i < 4; i++) {
		w[i].url = f->db.url;
		w[i].rc = -1;
		assert_int_equal(pthread_create(&t[i], NULL, fail_logins, &w[i]), 0);
	}
	for (int i = 0; i < 4; i++) {
		pthread_join(t[i], NULL);
		assert_int_equal(w[i].rc, 0);
	}
	assert_int_equal(nd_store_login_state(f->s, "mallory", &st), 0);
	assert_int_equal(st.failures, 100);
}

#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
	    T(test_roles),
	    T(test_login_valid),
	    T(test_user_add_get),
	    T(test_user_add_invalid),
	    T(test_user_change),
	    T(test_sessions),
	    T(test_session_purge),
	    T(test_remove_cascades),
	    T(test_lockout),
	    T(test_lockout_window_and_purge),
	    T(test_lockout_persists),
	    T(test_tokens),
	    T(test_concurrent_failures),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
