/*
 * Tests for the change listener (store/listen.h) on the test cluster: a
 * write through another store handle (another node) is heard, a quiet
 * store times out, an interrupt ends a wait, several notifications count
 * as one, an uncommitted write is not heard, and a listener whose
 * connection the server ends reconnects and reports a change (the caller's
 * resync). SQLite has no listener. Needs the pg fixture (ND_TEST_STORE=pg,
 * CTest's store-pg/store/test_listen); only the SQLite case runs without.
 */
#include "helpers/cmocka.h"

#include <string.h>

#include "core/err.h"
#include "core/log.h"
#include "helpers/temp_db.h"
#include "store/listen.h"
#include "store/store.h"

struct fixture {
	struct temp_db db;
	struct nd_store *s; /* the other node */
	struct nd_store_listener *l;
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	nd_log_level = ND_LOG_ERROR + 1; /* a lost connection is logged on purpose */
	if (!f || temp_db_make(&f->db, "listen") || nd_store_open(f->db.url, &f->s) ||
	    nd_store_listener_open(f->db.url, &f->l)) {
		if (f)
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

	nd_store_listener_close(f->l);
	nd_store_close(f->s);
	temp_db_remove(&f->db);
	free(f);
	return 0;
}

/* Saves an article through the other handle: bumps the generation. */
static void publish(struct fixture *f, const char *ext_id)
{
	struct nd_article_in in = {.ext_id = ext_id,
	                           .title = "A story",
	                           .body = "Text.",
	                           .section = "World",
	                           .status = ND_STATUS_PUBLISHED,
	                           .published_at = 1700000000};

	assert_int_equal(nd_store_article_put(f->s, &in, NULL), 0);
}

static void test_hears_a_publish(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(nd_store_listener_wait(f->l, 50), ND_LISTEN_QUIET);
	publish(f, "a");
	assert_int_equal(nd_store_listener_wait(f->l, 5000), ND_LISTEN_CHANGED);
	/* Heard once; then quiet again. */
	assert_int_equal(nd_store_listener_wait(f->l, 50), ND_LISTEN_QUIET);
}

static void test_several_count_as_one(void **state)
{
	struct fixture *f = *state;

	publish(f, "a");
	publish(f, "b");
	publish(f, "c");
	/* Let all three arrive before the first wait reads them. */
	assert_int_equal(nd_store_listener_wait(f->l, 5000), ND_LISTEN_CHANGED);
	for (int i = 0; i < 3 && nd_store_listener_wait(f->l, 200) == ND_LISTEN_CHANGED; i++)
		;
	assert_int_equal(nd_store_listener_wait(f->l, 50), ND_LISTEN_QUIET);
}

static void test_not_before_commit(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(nd_store_begin(f->s), 0);
	publish(f, "a");
	assert_int_equal(nd_store_listener_wait(f->l, 200), ND_LISTEN_QUIET);
	assert_int_equal(nd_store_rollback(f->s), 0);
	assert_int_equal(nd_store_listener_wait(f->l, 200), ND_LISTEN_QUIET);
	assert_int_equal(nd_store_begin(f->s), 0);
	publish(f, "a");
	assert_int_equal(nd_store_commit(f->s), 0);
	assert_int_equal(nd_store_listener_wait(f->l, 5000), ND_LISTEN_CHANGED);
}

static void test_interrupt(void **state)
{
	struct fixture *f = *state;

	nd_store_listener_interrupt(f->l);
	/* The interrupt ends the wait at once, long before 60 s. */
	assert_int_equal(nd_store_listener_wait(f->l, 60000), ND_LISTEN_QUIET);
}

static void test_reconnects_and_says_changed(void **state)
{
	struct fixture *f = *state;
	int rc = ND_LISTEN_QUIET;

	/* The server ends the listener's connection (a restart looks the same). */
	assert_int_equal(temp_db_pg_int(&f->db,
	                                "SELECT count(pg_terminate_backend(pid)) FROM "
	                                "pg_stat_activity WHERE application_name = "
	                                "'newsdesk-listen' AND datname = current_database()"),
	                 1);
	/* It notices, reconnects (within its 1 s pause) and reports a change. */
	for (int i = 0; i < 40 && rc != ND_LISTEN_CHANGED; i++)
		rc = nd_store_listener_wait(f->l, 250);
	assert_int_equal(rc, ND_LISTEN_CHANGED);
	/* And it listens again. */
	assert_int_equal(nd_store_listener_wait(f->l, 50), ND_LISTEN_QUIET);
	publish(f, "after");
	assert_int_equal(nd_store_listener_wait(f->l, 5000), ND_LISTEN_CHANGED);
}

static void test_sqlite_has_none(void **state)
{
	struct nd_store_listener *l = (void *)1;

	(void)state;
	assert_int_equal(nd_store_listener_open("sqlite:/tmp/x.db", &l), ND_EUNSUPP);
	assert_null(l);
	assert_int_equal(nd_store_listener_open("/tmp/x.db", &l), ND_EUNSUPP);
}

#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
	    T(test_hears_a_publish),
	    T(test_several_count_as_one),
	    T(test_not_before_commit),
	    T(test_interrupt),
	    T(test_reconnects_and_says_changed),
	    cmocka_unit_test(test_sqlite_has_none),
	};
	const struct CMUnitTest sqlite[] = {cmocka_unit_test(test_sqlite_has_none)};

	if (!temp_db_is_pg())
		return cmocka_run_group_tests(sqlite, NULL, NULL);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
